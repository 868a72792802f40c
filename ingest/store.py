"""The store step: a processed :class:`Doc` into the database, in bulk.

This is the database edge of ingest, in two halves: :func:`prepare_rows` turns a ``Doc``
into rows (pure, run in the ingest workers) and :func:`store_prepared` writes them inside
the build's single transaction, one ``executemany`` per table of the SQLModel schema. It
keeps ids stable: a row whose citation ``ref`` existed before
gets its old id back, so links, bookmarks and readers' notes that name an id keep working
when a document is re-ingested.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, func, select

from synopsis.database import executemany
from synopsis.ingest.clean import REPAIRS
from synopsis.ingest.model import Doc, DocumentMeta
from synopsis.languages import profile_for
from synopsis.languages.search import search_terms
from synopsis.schema import (
    Alignment,
    CrossReference,
    Document,
    Footnote,
    LexiconEntry,
    Paragraph,
    Quotation,
    Repair,
    Run,
    Section,
    Sentence,
)

WORD = re.compile(r"\w+(?:[-'’]\w+)*")

CITABLE = (Section, Paragraph, Quotation, Footnote)
"""Tables whose rows carry a ``ref`` and keep their ids across re-ingests."""


def count_words(text: str) -> int:
    """Words as a reader counts them: hyphenated and apostrophised words count once."""
    return len(WORD.findall(text))  # three times faster than counting finditer's matches


@dataclass
class IdAllocator:
    """Hands out integer ids: the old id for a known ref, a fresh one otherwise."""

    next_id: dict[str, int] = field(default_factory=dict)
    old: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> ref -> id

    @classmethod
    def for_connection(cls, conn: Connection) -> "IdAllocator":
        allocator = cls()
        for model in (*CITABLE, Sentence):
            table = model.__table__
            allocator.next_id[table.name] = (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
        return allocator

    def remember(self, conn: Connection, document_id: str) -> None:
        """Keep the ref → id map of a document's rows before they are deleted."""
        for model in CITABLE:
            table = model.__table__
            rows = conn.execute(select(table.c.ref, table.c.id).where(table.c.document_id == document_id)) if "document_id" in table.c else []
            self.old.setdefault(table.name, {}).update({ref: id_ for ref, id_ in rows})

    def id_for(self, table: str, ref: str | None = None) -> int:
        if ref is not None:
            old = self.old.get(table, {}).pop(ref, None)
            if old is not None:
                return old
        new = self.next_id[table]
        self.next_id[table] = new + 1
        return new

    def fresh_ids(self, table: str, count: int) -> range:
        """``count`` new ids at once (rows without a ref: what ``id_for`` would give one by one)."""
        first = self.next_id[table]
        self.next_id[table] = first + count
        return range(first, first + count)


@dataclass
class PreparedDocument:
    """A document's rows, made from its :class:`Doc` in an ingest worker.

    Everything that costs time per word (slicing texts, counting words, mapping offsets
    back to the source) happens here, in the worker processes, so that the build process
    only assigns ids and writes. Rows carry no ids yet: a child row names its parent by
    position (``section_index``, ``paragraph_index``) and :func:`store_prepared` fills in
    the ids when it writes.
    """

    meta: DocumentMeta
    facts: dict  # the documents row's columns that come from the text
    sections: list[dict] = field(default_factory=list)
    paragraphs: list[dict] = field(default_factory=list)
    sentences: list[dict] = field(default_factory=list)
    quotations: list[dict] = field(default_factory=list)
    footnotes: list[dict] = field(default_factory=list)
    repairs: list[dict] = field(default_factory=list)  # the scan repairs of a source declared a scan
    link_keys: tuple | None = None  # the link stage's token-cache entry of its paragraphs, if the build computed it


def document_row(meta: DocumentMeta, prepared: PreparedDocument | None, *, status: str, status_note: str, pipeline_sha256: str | None) -> dict:
    """The ``documents`` row of a catalogued document, present or missing."""
    facts = prepared.facts if prepared else {}
    return {
        "id": meta.id,
        "title": meta.title,
        "author": meta.author,
        "date": meta.date,
        "language": meta.language,
        "genre": meta.genre,
        "translator": meta.translator,
        "publisher": meta.publisher,
        "source_title": meta.source_title,
        "source_url": meta.source_url,
        "digitisation": meta.digitisation,
        "rights": meta.rights,
        "description": meta.description,
        "version_of": meta.version_of,
        "source_kind": meta.source_kind,
        "status": status,
        "status_note": status_note,
        "source_file": f"{meta.folder.name}/{meta.source_file}" if (meta.folder and meta.source_file and prepared) else None,
        "source_format": facts.get("source_format"),
        "source_sha256": facts.get("source_sha256"),
        "retrieved_at": meta.retrieval.get("retrieved_at"),
        "retrieved_from": meta.retrieval.get("final_url") or meta.retrieval.get("url"),
        "front_matter": facts.get("front_matter"),
        "notes": facts.get("notes"),
        "word_count": facts.get("word_count", 0),
        "paragraph_count": facts.get("paragraph_count", 0),
        "quotation_count": facts.get("quotation_count", 0),
        "pipeline_sha256": pipeline_sha256,
    }


def delete_document_rows(conn: Connection, document_id: str) -> None:
    """Remove a document's units and every link that touches them (its runs are redone)."""
    runs = select(Run.__table__.c.id).where(
        (Run.__table__.c.left_document_id == document_id) | (Run.__table__.c.right_document_id == document_id)
    )
    conn.execute(delete(Alignment.__table__).where(Alignment.__table__.c.run_id.in_(runs)))
    conn.execute(delete(CrossReference.__table__).where(CrossReference.__table__.c.run_id.in_(runs)))
    conn.execute(delete(LexiconEntry.__table__).where(LexiconEntry.__table__.c.run_id.in_(runs)))
    conn.execute(delete(Run.__table__).where(Run.__table__.c.id.in_(runs)))
    paragraphs = select(Paragraph.__table__.c.id).where(Paragraph.__table__.c.document_id == document_id)
    conn.execute(delete(Sentence.__table__).where(Sentence.__table__.c.paragraph_id.in_(paragraphs)))
    for model in (Quotation, Footnote, Paragraph, Section, Repair):
        conn.execute(delete(model.__table__).where(model.__table__.c.document_id == document_id))


def prepare_rows(doc: Doc) -> PreparedDocument:
    """A processed document's rows, with citations, ready to store (pure; runs in a worker)."""
    doc_id = doc.meta.id
    profile = profile_for(doc.meta.language)
    numbers = [s.number for s in doc.sections if s.number]
    numbers_unique = len(numbers) == len(set(numbers))
    sections, section_index, section_labels = [], {}, {}
    for index, section in enumerate(doc.sections):
        label = section.number if (section.number and numbers_unique) else f"s{section.ordinal}"
        section_index[section.ordinal], section_labels[section.ordinal] = index, label
        sections.append({
            "document_id": doc_id, "ordinal": section.ordinal, "ref": f"{doc_id}:{label}",
            "number": section.number, "heading": section.heading, "char_start": section.start, "char_end": section.end,
        })

    paragraphs, paragraph_index, paragraph_refs = [], {}, {}
    in_section: dict[int | None, int] = {}
    to_source = doc.offsets.to_source
    for index, paragraph in enumerate(doc.paragraphs):
        key = paragraph.section
        in_section[key] = in_section.get(key, 0) + 1
        if doc.sections:
            label = section_labels.get(key, "0") if key is not None else "0"
            ref = f"{doc_id}:{label}.{in_section[key]}"
        else:
            ref = f"{doc_id}:{paragraph.ordinal}"
        text = doc.text[paragraph.start : paragraph.end]
        paragraph_index[paragraph.ordinal], paragraph_refs[paragraph.ordinal] = index, ref
        paragraphs.append({
            "section_index": section_index.get(key) if key is not None else None,
            "document_id": doc_id, "ordinal": paragraph.ordinal, "ref": ref, "kind": paragraph.kind, "text": text,
            "char_start": paragraph.start, "char_end": paragraph.end,
            "source_start": to_source(paragraph.start),
            "source_end": to_source(max(paragraph.end - 1, paragraph.start)) + (1 if paragraph.end > paragraph.start else 0),
            "word_count": count_words(text),
            "italics": json.dumps([[s.start, s.end] for s in paragraph.italics]) if paragraph.italics else None,
            "search_terms": search_terms(text, profile),
        })

    sentences = [
        {"paragraph_index": paragraph_index[s.paragraph], "ordinal": s.ordinal, "text": doc.text[s.start : s.end], "char_start": s.start, "char_end": s.end}
        for s in doc.sentences
    ]
    quotations = [
        {
            "paragraph_index": paragraph_index[q.paragraph], "document_id": doc_id, "ordinal": q.ordinal,
            "ref": f"{paragraph_refs[q.paragraph]}.q{q.ordinal}", "kind": q.kind, "text": q.text or doc.text[q.start : q.end],
            "speaker": q.speaker, "citation": q.citation, "char_start": q.start, "char_end": q.end,
            "search_terms": search_terms(q.text or doc.text[q.start : q.end], profile),
        }
        for q in doc.quotations
    ]
    footnotes, seen_markers = [], set()
    for number, note in enumerate(doc.footnotes, start=1):
        marker = note.marker or str(number)
        label = marker if marker not in seen_markers else f"{marker}-{number}"
        seen_markers.add(label)
        footnotes.append({
            "paragraph_index": paragraph_index.get(note.paragraph) if note.paragraph is not None else None,
            "document_id": doc_id, "marker": marker, "ref": f"{doc_id}:n{label}", "text": doc.text[note.start : note.end],
            "call_offset": note.call_offset, "char_start": note.start, "char_end": note.end,
        })
    repaired = [(why, a, b) for why, a, b in doc.removed if why in REPAIRS]
    repairs = [
        {"document_id": doc_id, "ordinal": ordinal, "kind": why, "source_start": a, "source_end": b,
         "char_offset": at, "removed": doc.source[a:b]}
        for ordinal, ((why, a, b), at) in enumerate(zip(repaired, doc.offsets.to_clean([a for _, a, _ in repaired])), 1)
    ]
    facts = {
        "source_format": doc.format,
        "source_sha256": doc.sha256,
        "front_matter": "\n".join(doc.front_matter) if doc.front_matter else None,
        "notes": "\n".join(doc.notes) if doc.notes else None,
        "word_count": sum(p["word_count"] for p in paragraphs),
        "paragraph_count": len(paragraphs),
        "quotation_count": len(quotations),
    }
    return PreparedDocument(doc.meta, facts, sections, paragraphs, sentences, quotations, footnotes, repairs)


def store_prepared(conn: Connection, prepared: PreparedDocument, *, ids: IdAllocator) -> None:
    """Give a prepared document's rows their ids (old ones for known refs) and insert them."""
    section_ids = [ids.id_for("sections", row["ref"]) for row in prepared.sections]
    for row, id_ in zip(prepared.sections, section_ids):
        row["id"] = id_
    paragraph_ids = []
    for row in prepared.paragraphs:
        index = row.pop("section_index")
        row["section_id"] = section_ids[index] if index is not None else None
        row["id"] = ids.id_for("paragraphs", row["ref"])
        paragraph_ids.append(row["id"])
    for row, id_ in zip(prepared.sentences, ids.fresh_ids("sentences", len(prepared.sentences))):
        row["paragraph_id"] = paragraph_ids[row.pop("paragraph_index")]
        row["id"] = id_
    for row in prepared.quotations:
        row["paragraph_id"] = paragraph_ids[row.pop("paragraph_index")]
        row["id"] = ids.id_for("quotations", row["ref"])
    for row in prepared.footnotes:
        index = row.pop("paragraph_index")
        row["paragraph_id"] = paragraph_ids[index] if index is not None else None
        row["id"] = ids.id_for("footnotes", row["ref"])
    _insert(conn, Section, prepared.sections)
    _insert(conn, Paragraph, prepared.paragraphs)
    _insert(conn, Sentence, prepared.sentences)
    _insert(conn, Quotation, prepared.quotations)
    _insert(conn, Footnote, prepared.footnotes)
    _insert(conn, Repair, prepared.repairs)


def upsert_document(conn: Connection, row: dict) -> None:
    """Insert or update a ``documents`` row, keeping its id: one statement (SQLite's upsert)
    through the driver, not a select and then an insert or update through SQLAlchemy (a
    build writes 2,000 of them between the documents' other rows)."""
    columns = list(row)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
    sql = (f"INSERT INTO {Document.__table__.name} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)}) "
           f"ON CONFLICT(id) DO UPDATE SET {updates}")
    executemany(conn, sql, [row])


def _insert(conn: Connection, model: type, rows: Iterable[dict]) -> None:
    """Insert plain rows with :func:`synopsis.database.executemany` (the driver, for speed)."""
    rows = list(rows)
    if not rows:
        return
    table = model.__table__
    columns = list(rows[0])
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
    executemany(conn, sql, rows)
