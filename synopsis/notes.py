"""Readers' notes: the one part of the database no source can recreate.

A note names its target by table and id, and also keeps the target's citation (``ref``)
and text as they were when it was written. Every build calls :func:`reattach_notes`,
which re-finds each note's target by ref and text — exactly, then fuzzily within the same
document (a corrected typo should not orphan a note) — and marks the note orphaned, never
deletes it, when the text is gone. An orphaned note whose text comes back is re-attached.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, text

from synopsis.database import build_lock, check_database, engine_for
from synopsis.errors import SynopsisError, UnknownTarget
from synopsis.validate import DOCUMENTS_SQL, catalogue_rows, check_documents

NOTABLE_TABLES = ("paragraphs", "quotations", "cross_references", "alignments")
REFIND_SCORE_CUTOFF = 90.0
"""A changed paragraph or quotation still carries its note when it is this similar (rapidfuzz ratio) to the old text."""

_KEY_SQL = {
    "paragraphs": "SELECT id, ref, text, document_id FROM paragraphs",
    "quotations": "SELECT id, ref, text, document_id FROM quotations",
    "cross_references": (
        "SELECT x.id, sp.ref || '[' || x.source_start || ':' || x.source_end || ']~' || tp.ref || '[' || x.target_start || ':' || x.target_end || ']',"
        " x.source_text || char(10) || '~' || char(10) || x.target_text, x.source_document_id"
        " FROM cross_references x JOIN paragraphs sp ON sp.id = x.source_paragraph_id JOIN paragraphs tp ON tp.id = x.target_paragraph_id"
    ),
    "alignments": (
        "SELECT a.id, coalesce(lp.ref, '-') || '~' || coalesce(rp.ref, '-') || '#' || a.method,"
        " coalesce(lp.text, '') || char(10) || '~' || char(10) || coalesce(rp.text, ''), a.left_document_id"
        " FROM alignments a LEFT JOIN paragraphs lp ON lp.id = a.left_paragraph_id LEFT JOIN paragraphs rp ON rp.id = a.right_paragraph_id"
    ),
}
_WHERE_ID = {"paragraphs": "id", "quotations": "id", "cross_references": "x.id", "alignments": "a.id"}
_WHERE_REF = {"paragraphs": "ref", "quotations": "ref"}


@dataclass
class Note:
    """A note as listed by ``synopsis notes``."""

    id: int
    target_table: str
    target_id: int | None
    target_ref: str | None
    note: str
    tags: str | None
    author: str | None
    created_at: str
    orphaned: bool


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def resolve_target(conn: Connection, target: str) -> tuple[str, int, str, str]:
    """Turn ``TABLE:ID`` or a citation (``doc:2.14``, ``doc:2.14.q1``) into (table, id, ref, text)."""
    table, _, rest = target.partition(":")
    if table in NOTABLE_TABLES and rest.isdigit():
        row = conn.execute(text(f"{_KEY_SQL[table]} WHERE {_WHERE_ID[table]} = :id"), {"id": int(rest)}).first()
        if row is None:
            raise UnknownTarget(f"{target}: no row {rest} in {table}")
        return table, row[0], row[1], row[2]
    for table in ("quotations", "paragraphs"):
        row = conn.execute(text(f"{_KEY_SQL[table]} WHERE {_WHERE_REF[table]} = :ref"), {"ref": target}).first()
        if row is not None:
            return table, row[0], row[1], row[2]
    if rest:  # a citation: say so when its document is unknown or has no text, before "no such paragraph"
        check_documents(catalogue_rows(conn.execute(text(DOCUMENTS_SQL))), [target.partition(":")[0]], with_text=True)
    raise UnknownTarget(
        f"{target}: names no paragraph or quotation (give a citation like cpsu-resolution-1956:2.14, or TABLE:ID with TABLE one of {', '.join(NOTABLE_TABLES)})"
    )


def note(db_path: Path, target: str, note_text: str, *, tags: list[str] | None = None, author: str | None = None) -> Note:
    """Add a note to a paragraph, quotation, cross-reference or alignment."""
    if not note_text.strip():
        raise SynopsisError("the note is empty")
    db_path = Path(db_path)
    check_database(db_path)
    with build_lock(db_path, wait_seconds=30):
        engine = engine_for(db_path, in_place=True)
        try:
            with engine.begin() as conn:
                table, target_id, ref, target_text = resolve_target(conn, target)
                created = now()
                tag_text = ",".join(t.strip() for t in (tags or []) if t.strip()) or None
                result = conn.execute(
                    text(
                        "INSERT INTO annotations (target_table, target_id, target_ref, target_text, note, tags, author, created_at, orphaned)"
                        " VALUES (:table, :id, :ref, :text, :note, :tags, :author, :created, 0)"
                    ),
                    {"table": table, "id": target_id, "ref": ref, "text": target_text, "note": note_text, "tags": tag_text, "author": author, "created": created},
                )
                return Note(result.lastrowid, table, target_id, ref, note_text, tag_text, author, created, False)
        finally:
            engine.dispose()


def notes(db_path: Path, *, tag: str | None = None, orphaned: bool | None = None) -> list[Note]:
    """Every note, oldest first; optionally only those with a tag, or only (non-)orphaned ones."""
    db_path = Path(db_path)
    check_database(db_path)
    engine = engine_for(db_path)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT id, target_table, target_id, target_ref, note, tags, author, created_at, orphaned FROM annotations ORDER BY id"
            )).all()
    finally:
        engine.dispose()
    found = [Note(*row[:8], bool(row[8])) for row in rows]
    if tag is not None:
        found = [n for n in found if tag in (n.tags or "").split(",")]
    if orphaned is not None:
        found = [n for n in found if n.orphaned == orphaned]
    return found


def reattach_notes(conn: Connection) -> tuple[int, int]:
    """Re-find every note's target after a rebuild; returns (attached, orphaned)."""
    annotations = conn.execute(text(
        "SELECT id, target_table, target_id, target_ref, target_text, orphaned FROM annotations"
    )).all()
    attached = orphaned = 0
    stamp = now()
    for note_id, table, _old_id, ref, old_text, was_orphaned in annotations:
        found = _refind(conn, table, ref, old_text) if table in _KEY_SQL else None
        if found is None:
            orphaned += 1
            conn.execute(
                text("UPDATE annotations SET target_id = NULL, orphaned = 1, orphaned_at = coalesce(orphaned_at, :stamp) WHERE id = :id"),
                {"stamp": stamp, "id": note_id},
            )
            continue
        attached += 1
        new_id, new_ref = found
        conn.execute(
            text("UPDATE annotations SET target_id = :tid, target_ref = :ref, orphaned = 0, orphaned_at = NULL WHERE id = :id"),
            {"tid": new_id, "ref": new_ref, "id": note_id},
        )
    return attached, orphaned


def _refind(conn: Connection, table: str, ref: str | None, old_text: str | None) -> tuple[int, str] | None:
    """The current (id, ref) of a note's target, or None when its text is gone."""
    base = _KEY_SQL[table]
    if table in _WHERE_REF and ref:
        row = conn.execute(text(f"{base} WHERE {_WHERE_REF[table]} = :ref"), {"ref": ref}).first()
        if row is not None and (old_text is None or row[2] == old_text):
            return row[0], row[1]
    if old_text is None:
        return None
    if table in _WHERE_REF:
        row = conn.execute(text(f"{base} WHERE text = :text ORDER BY id LIMIT 1"), {"text": old_text}).first()
        if row is not None:
            return row[0], row[1]
        document_id = (ref or "").partition(":")[0]
        candidates = conn.execute(text(f"{base} WHERE document_id = :doc"), {"doc": document_id}).all()
        best = process.extractOne(old_text, [c[2] for c in candidates], scorer=fuzz.ratio, score_cutoff=REFIND_SCORE_CUTOFF)
        if best is not None:
            row = candidates[best[2]]
            return row[0], row[1]
        return None
    # links: the same passages in the same paragraphs (ids of links are not stable, their
    # content is); failing that, the same passages between the same documents, in paragraphs
    # renumbered by an edit. Never between other documents: a note on "C quotes A here" must
    # not move to an edition B that shares the passage with A.
    for row in conn.execute(text(base)):
        if row[1] == ref and row[2] == old_text:
            return row[0], row[1]
    for row in conn.execute(text(base)):
        if row[2] == old_text and _link_documents(row[1]) == _link_documents(ref):
            return row[0], row[1]
    return None


def _link_documents(ref: str | None) -> tuple[str, ...]:
    """The documents a link's key names, in order: ``a:3[0:9]~b:2[4:13]`` → ``("a", "b")``.

    Document ids are slugs, so ``:``, ``~`` and ``#`` (the key's separators) cannot occur in them.
    """
    return tuple(side.partition(":")[0] for side in (ref or "").partition("#")[0].split("~"))
