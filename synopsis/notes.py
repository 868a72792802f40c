"""Readers' notes: the one thing no source can recreate, kept in a file of their own.

A note's durable home is ``notes.jsonl`` beside the documents folder: an append-only,
human-readable JSON Lines file, one event a line (a note added, edited or deleted), never
rewritten. The database is derived: every build merges the file into the ``annotations``
table, so deleting, corrupting or rebuilding ``synopsis.db`` loses no note. A database
that holds notes the file does not (one written before the file existed) has them
exported to the file on first use.

An ``add`` event keeps the target as it was when the note was written: its table, its
citation (``ref``), and its text with that text's sha256. Every build calls
:func:`reattach_notes`, which re-finds each note's target by ref and text — exactly, then
fuzzily within the same document (a corrected typo should not orphan a note) — and marks
the note orphaned, never deletes it, when the text is gone. An orphaned note whose text
comes back is re-attached.

A note is corrected or removed by appending, never by rewriting: an ``edit`` event carries
the note's new text (or tags), a ``delete`` event is its tombstone, both naming the note by
its ``uid`` (ids are local to a corpus; uids travel with exports). Reading the file applies
every note's changes in the order they were made (their time, then their place in the
file: an import can append a change made elsewhere before one made here); a deletion is
final, so a later edit from another copy never resurrects a note, and a deleted note's id
is never given again. :func:`note_history` tells every note's story, deleted ones
included; export and import carry the whole history.

Appends take an ``flock`` on the file, so concurrent writers never interleave or reuse a
note id; each event is written whole in one ``write`` and flushed to disk.
"""
from __future__ import annotations

import datetime as _dt
import fcntl
import hashlib
import json
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, text

from synopsis.database import build_lock, check_database, engine_for
from synopsis.errors import BadNotes, SynopsisError, UnknownNote, UnknownTarget
from synopsis.validate import DOCUMENTS_SQL, catalogue_rows, check_documents
from synopsis.files import fsync_dir, write_atomic

log = logging.getLogger(__name__)

NOTES_FILE = "notes.jsonl"
"""The notes file's name; it lives beside the documents folder (see :func:`notes_file`)."""

NOTE_LOCK_WAIT_SECONDS = 300.0
"""How long a note waits for a running build to finish before giving up."""

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


@dataclass
class NoteRecord:
    """A note as the notes file holds it, its edits applied."""

    id: int
    uid: str
    target_table: str
    target_ref: str | None
    target_text: str | None
    note: str
    tags: list[str] = field(default_factory=list)
    author: str | None = None
    created_at: str = ""


def notes_file(documents_dir: Path) -> Path:
    """Where the notes of the corpus in ``documents_dir`` live: ``notes.jsonl`` beside it."""
    return Path(documents_dir).parent / NOTES_FILE


@dataclass
class NoteHistory:
    """One note's life as the notes file tells it: its ``add`` event, then every change in
    the order it applies; ``record`` is the note as it stands (or stood when deleted)."""

    record: NoteRecord
    events: list[dict]
    deleted_at: str | None = None


@dataclass
class NotesLog:
    """A notes file read whole: its events in file order and what they add up to."""

    events: list[dict] = field(default_factory=list)
    histories: dict[str, NoteHistory] = field(default_factory=dict)  # by uid, in the order added
    used: set[int] = field(default_factory=set)  # every id ever given, deleted notes' included

    @property
    def records(self) -> list[NoteRecord]:
        """The current notes (edits applied, deleted ones left out), by id."""
        return sorted((h.record for h in self.histories.values() if h.deleted_at is None), key=lambda r: r.id)

    def current(self, note_id: int, path: Path) -> NoteRecord:
        """The current note ``note_id``; an id never given, or a deleted note's, is the user's error."""
        for history in self.histories.values():
            if history.record.id == note_id:
                if history.deleted_at is not None:
                    raise UnknownNote(f"note {note_id}: deleted at {history.deleted_at} (`synopsis notes --history` shows it)")
                return history.record
        raise UnknownNote(f"note {note_id}: no such note in {path}")


def read_notes(path: Path) -> tuple[list[NoteRecord], set[int]]:
    """The file's notes (oldest first, edits applied, deleted ones left out) and every id it
    has ever used (deleted ones included). A missing file holds none.

    A last line cut short (a writer killed mid-line) is ignored: its note was never
    acknowledged. Any other line that is not an event is refused, naming the line.
    """
    notes_log = read_log(path)
    return notes_log.records, notes_log.used


def read_log(path: Path) -> NotesLog:
    """The whole notes file: its events and every note's history (see :func:`read_notes`)."""
    path = Path(path)
    if not path.exists():
        return NotesLog()
    return _apply_events(path, path.read_bytes())


_EVENTS = ("add", "edit", "delete")


def _apply_events(path: Path, raw: bytes) -> NotesLog:
    """Apply the file's events: every ``add`` in file order, then the changes in the order
    they were made (time, then file order; an ISO 8601 UTC stamp sorts as text)."""
    lines = raw.split(b"\n")
    torn = lines.pop()  # b"" when the file ends with a newline
    if torn.strip():
        log.warning("%s: ignoring an unfinished last line (a write was interrupted)", path)
    notes_log = NotesLog()
    changes: list[tuple[str, int, dict]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
            kind, uid = event["event"], event["uid"]
            if kind not in _EVENTS or not isinstance(uid, str):
                raise ValueError(f"unknown event {kind!r}")
            if kind == "add":
                _add(notes_log, event)
            else:
                changes.append((str(event["at"]), number, event))
        except (ValueError, KeyError, TypeError) as error:
            raise BadNotes(f"{path}:{number}: not a note event ({error})") from None
        notes_log.events.append(event)
    for _, number, event in sorted(changes, key=lambda change: change[:2]):
        history = notes_log.histories.get(event["uid"])
        if history is None:
            raise BadNotes(f"{path}:{number}: {event['event']}s note {event['uid']}, which no line adds")
        if history.deleted_at is not None:
            log.warning("%s:%d: note %d was deleted before this %s; ignored", path, number, history.record.id, event["event"])
            continue
        history.events.append(event)
        if event["event"] == "edit":
            history.record.note = event.get("note", history.record.note)
            history.record.tags = list(event.get("tags", history.record.tags) or [])
        else:
            history.deleted_at = event["at"]
    return notes_log


def _add(notes_log: NotesLog, event: dict) -> None:
    """Fold one ``add`` event into the notes found so far (a uid added twice keeps its first)."""
    target, uid = event["target"], event["uid"]
    notes_log.used.add(int(event["id"]))
    if uid in notes_log.histories:
        log.warning("note %s is added twice (ids %d and %s); the first is kept", uid, notes_log.histories[uid].record.id, event["id"])
        return
    record = NoteRecord(
        id=int(event["id"]), uid=uid, target_table=target["table"], target_ref=target.get("ref"),
        target_text=target.get("text"), note=event["note"], tags=list(event.get("tags") or []),
        author=event.get("author"), created_at=event["at"],
    )
    notes_log.histories[uid] = NoteHistory(record, [event])


def add_event(record: NoteRecord) -> dict:
    """The ``add`` event that records ``record`` (its id is given when appended, if 0)."""
    target = {"table": record.target_table, "ref": record.target_ref, "text": record.target_text}
    if record.target_text is not None:
        target["sha256"] = hashlib.sha256(record.target_text.encode("utf-8")).hexdigest()
    event = {"event": "add", "id": record.id, "uid": record.uid, "at": record.created_at, "note": record.note,
             "tags": record.tags, "author": record.author, "target": target}
    return {k: v for k, v in event.items() if v not in (None, [])}


def append_events(path: Path, events: list[dict]) -> list[dict]:
    """Append events to the notes file under its lock; an ``add`` event with id 0 gets the next id.

    Returns the events as written. One ``write`` of whole lines, flushed to disk: a reader
    sees all of them or (after a crash) a cut last line, which :func:`read_notes` ignores
    and the next append removes.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        raw = handle.read()
        if raw and not raw.endswith(b"\n"):  # a cut last line: its writer was killed before it finished
            handle.truncate(raw.rfind(b"\n") + 1)
            raw = raw[: raw.rfind(b"\n") + 1]
        next_id = max(_apply_events(path, raw).used, default=0) + 1
        written = []
        for event in events:
            if event["event"] == "add" and not event.get("id"):
                event = {**event, "id": next_id}
            if event["event"] == "add":
                next_id = max(next_id, int(event["id"]) + 1)
            written.append(event)
        handle.write(b"".join(json.dumps(e, ensure_ascii=False).encode("utf-8") + b"\n" for e in written))
        handle.flush()
        os.fsync(handle.fileno())
    if created:
        fsync_dir(path.parent)
    return written


def adopt_database_notes(conn: Connection, path: Path) -> int:
    """Export to the notes file every note of the database that the file has never held.

    This is how a database written before the notes file existed hands its notes over on
    first use; the ids stay the same. Returns how many were exported.
    """
    _, used = read_notes(path)
    rows = conn.execute(text(
        "SELECT id, target_table, target_ref, target_text, note, tags, author, created_at FROM annotations ORDER BY id"
    )).all()
    events = [
        add_event(NoteRecord(row[0], uuid.uuid4().hex, row[1], row[2], row[3], row[4],
                             [t for t in (row[5] or "").split(",") if t], row[6], row[7]))
        for row in rows if row[0] not in used
    ]
    if events:
        append_events(path, events)
        log.info("%s: exported %d note(s) from the database", path, len(events))
    return len(events)


def publish_notes(conn: Connection, records: list[NoteRecord], *, refind_all: bool) -> tuple[int, int]:
    """Make the ``annotations`` table hold exactly the file's notes, then re-find targets.

    A note already in the table keeps the target it was last re-found at (its current
    ref); a new one starts from the ref and text it was written on. ``refind_all`` re-finds
    every note (a build: the texts may have changed); otherwise only the new ones.
    Returns (attached, orphaned) among those re-found.
    """
    present = {row[0] for row in conn.execute(text("SELECT id FROM annotations"))}
    wanted = {record.id for record in records}
    for gone in present - wanted:
        conn.execute(text("DELETE FROM annotations WHERE id = :id"), {"id": gone})
    for record in records:
        values = {"id": record.id, "table": record.target_table, "ref": record.target_ref, "text": record.target_text,
                  "note": record.note, "tags": ",".join(record.tags) or None, "author": record.author, "created": record.created_at}
        if record.id in present:
            conn.execute(text(
                "UPDATE annotations SET target_table = :table, target_text = :text, note = :note, tags = :tags,"
                " author = :author, created_at = :created WHERE id = :id"
            ), values)
        else:
            conn.execute(text(
                "INSERT INTO annotations (id, target_table, target_id, target_ref, target_text, note, tags, author, created_at, orphaned)"
                " VALUES (:id, :table, NULL, :ref, :text, :note, :tags, :author, :created, 0)"
            ), values)
    return reattach_notes(conn, ids=None if refind_all else wanted - present)


def merge_notes(conn: Connection, path: Path) -> tuple[int, int]:
    """The build's step: adopt the database's unknown notes, then publish the file's notes."""
    adopt_database_notes(conn, path)
    records, _ = read_notes(path)
    return publish_notes(conn, records, refind_all=True)


def _record_changes(documents_dir: Path, db_path: Path | None,
                    changes: Callable[[NotesLog, Connection | None], list[dict]]) -> list[dict]:
    """Append the events ``changes`` draws up from the notes file as it stands, and publish
    them to the database at ``db_path`` when there is one; returns the events as written.

    With a database, this holds the build lock (a running build is waited for), adopts the
    database's notes the file lacks, and hands ``changes`` the open connection; so the
    events are drawn up from the very state they apply to. Without one, the file alone
    changes: the next build publishes it.
    """
    path = notes_file(documents_dir)
    if db_path is None or not Path(db_path).exists():
        events = changes(read_log(path), None)
        return append_events(path, events) if events else []
    db_path = Path(db_path)
    check_database(db_path)
    with build_lock(db_path, wait_seconds=NOTE_LOCK_WAIT_SECONDS):
        engine = engine_for(db_path, in_place=True)
        try:
            with engine.begin() as conn:
                adopt_database_notes(conn, path)
                events = changes(read_log(path), conn)
                if not events:
                    return []
                written = append_events(path, events)
                publish_notes(conn, read_notes(path)[0], refind_all=False)
                return written
        finally:
            engine.dispose()


def note(db_path: Path, target: str, note_text: str, *, documents_dir: Path, tags: list[str] | None = None,
         author: str | None = None) -> Note:
    """Add a note to a paragraph, quotation, cross-reference or alignment.

    The note goes to the notes file first (its durable home), then into the database, so
    that it is shown at once; a build that runs meanwhile is waited for.
    """
    if not note_text.strip():
        raise SynopsisError("the note is empty")
    db_path = Path(db_path)
    check_database(db_path)  # the target is looked up there

    def adding(_log: NotesLog, conn: Connection | None) -> list[dict]:
        table, _target_id, ref, target_text = resolve_target(conn, target)
        return [add_event(NoteRecord(0, uuid.uuid4().hex, table, ref, target_text, note_text,
                                     _tags(tags), author, now()))]

    (written,) = _record_changes(documents_dir, db_path, adding)
    (added,) = [n for n in notes(db_path) if n.id == written["id"]]
    return added


def _tags(tags: list[str] | None) -> list[str]:
    return [t.strip() for t in (tags or []) if t.strip()]


def edit_note(db_path: Path | None, note_id: int, note_text: str | None = None, *, documents_dir: Path,
              tags: list[str] | None = None, author: str | None = None) -> NoteRecord | None:
    """Give note ``note_id`` new text (and, when ``tags`` is given, new tags).

    Appends an ``edit`` event (``author`` is who edits, kept in the history; the note's own
    author stays) and publishes it to the database when there is one. Returns the note as
    edited, or None when nothing would change (nothing is appended then). An id never
    given or already deleted raises :class:`UnknownNote`.
    """
    if note_text is None and tags is None:
        raise SynopsisError(f"note {note_id}: nothing to change (give new text or tags)")
    if note_text is not None and not note_text.strip():
        raise SynopsisError("the note is empty")
    edited: list[NoteRecord] = []

    def editing(notes_log: NotesLog, _conn: Connection | None) -> list[dict]:
        record = notes_log.current(note_id, notes_file(documents_dir))
        event = {"event": "edit", "uid": record.uid, "at": now(), "by": author}
        if note_text is not None and note_text != record.note:
            event["note"] = note_text
        if tags is not None and _tags(tags) != record.tags:
            event["tags"] = _tags(tags)
        if "note" not in event and "tags" not in event:
            return []
        edited.append(replace(record, note=event.get("note", record.note), tags=event.get("tags", record.tags)))
        return [{k: v for k, v in event.items() if v is not None}]

    _record_changes(documents_dir, db_path, editing)
    return edited[0] if edited else None


def delete_note(db_path: Path | None, note_id: int, *, documents_dir: Path, author: str | None = None) -> NoteRecord:
    """Delete note ``note_id``: append its tombstone (a ``delete`` event; ``author`` is who
    deletes) and take it out of the database when there is one. The file keeps the note's
    history and its id is never given again. Returns the note as it was."""
    deleted: list[NoteRecord] = []

    def deleting(notes_log: NotesLog, _conn: Connection | None) -> list[dict]:
        record = notes_log.current(note_id, notes_file(documents_dir))
        deleted.append(record)
        event = {"event": "delete", "uid": record.uid, "at": now(), "by": author}
        return [{k: v for k, v in event.items() if v is not None}]

    _record_changes(documents_dir, db_path, deleting)
    return deleted[0]


def notes(db_path: Path, *, documents_dir: Path | None = None, tag: str | None = None, orphaned: bool | None = None) -> list[Note]:
    """Every current note, oldest first; optionally only those with a tag, or only (non-)orphaned ones.

    With ``documents_dir``, notes of the database the notes file lacks are exported to it first.
    """
    db_path = Path(db_path)
    check_database(db_path)
    engine = engine_for(db_path)
    try:
        with engine.connect() as conn:
            if documents_dir is not None:
                adopt_database_notes(conn, notes_file(documents_dir))
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


def note_history(documents_dir: Path, *, db_path: Path | None = None) -> list[NoteHistory]:
    """Every note the corpus has ever had, deleted ones included, by id, each with its events.

    With a database, notes it holds that the notes file lacks are exported to the notes file first.
    """
    if db_path is not None and Path(db_path).exists():
        notes(db_path, documents_dir=documents_dir)  # adopts the database's notes
    return sorted(read_log(notes_file(documents_dir)).histories.values(), key=lambda h: h.record.id)


@dataclass
class Carried:
    """What an export or import carried: notes (their ``add`` events), edits and deletions."""

    notes: int = 0
    edits: int = 0
    deletions: int = 0

    @classmethod
    def of(cls, events: list[dict]) -> Carried:
        kinds = [e["event"] for e in events]
        return cls(kinds.count("add"), kinds.count("edit"), kinds.count("delete"))


def export_notes(documents_dir: Path, destination: Path, *, db_path: Path | None = None) -> Carried:
    """Write the corpus's notes file, its whole history, to ``destination``; returns what it holds.

    With a database, notes it holds that the notes file lacks are exported to the notes file first.
    """
    path = notes_file(documents_dir)
    if db_path is not None and Path(db_path).exists():
        notes(db_path, documents_dir=documents_dir)  # adopts the database's notes
    events = read_log(path).events
    write_atomic(Path(destination), "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events))
    return Carried.of(events)


def _change_key(event: dict) -> str:
    """What makes an edit or deletion the same one in two copies of a history: all of it."""
    return json.dumps(event, sort_keys=True, ensure_ascii=False)


def import_notes(documents_dir: Path, source: Path, *, db_path: Path | None = None) -> Carried:
    """Add what another notes file holds that this corpus lacks: notes (by their uid), and
    their edits and deletions; returns what was added.

    Imported notes get new ids here; their changes then apply in the order they were made,
    among this corpus's own. Importing the same file again adds nothing. With a database,
    the import is published into it at once.
    """
    source = Path(source)
    if not source.is_file():
        raise BadNotes(f"{source}: no such notes file")
    theirs = read_log(source).events

    def importing(ours: NotesLog, _conn: Connection | None) -> list[dict]:
        known_notes = set(ours.histories)
        known_changes = {_change_key(e) for e in ours.events if e["event"] != "add"}
        new = []
        for event in theirs:
            if event["event"] == "add":
                if event["uid"] not in known_notes:
                    known_notes.add(event["uid"])
                    new.append({**event, "id": 0})
            elif _change_key(event) not in known_changes:
                known_changes.add(_change_key(event))
                new.append(event)
        return new

    return Carried.of(_record_changes(documents_dir, db_path, importing))


def reattach_notes(conn: Connection, *, ids: set[int] | None = None) -> tuple[int, int]:
    """Re-find the target of every note (or of the notes ``ids``); returns (attached, orphaned)."""
    annotations = conn.execute(text(
        "SELECT id, target_table, target_id, target_ref, target_text, orphaned FROM annotations"
    )).all()
    if ids is not None:
        annotations = [row for row in annotations if row[0] in ids]
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
