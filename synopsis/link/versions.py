"""The link step for two versions of one work (``version_of``): read them, align their sentences.

:func:`align_stored_versions` is the whole step as the link stage calls it: it reads the two
documents' paragraphs with their sentences and languages from the database and hands them
to :func:`synopsis.link.sentalign.align_version_pair`, which returns the sentence pairs and
the paragraph links they imply. Nothing is written here; the caller stores the rows with
its run.
"""
from __future__ import annotations

import sqlite3

from synopsis.link.sentalign import PairAlignment, ParagraphIn, SentenceAlignParameters, SentenceIn, align_version_pair

__all__ = ["read_version", "align_stored_versions"]


def read_version(db: sqlite3.Connection, document_id: str) -> tuple[str | None, list[ParagraphIn]]:
    """A document's language and its paragraphs in reading order, each with its stored sentences.

    A paragraph without sentence rows (a database made without the ingest pipeline) is
    one sentence of its own, with no sentence id.
    """
    row = db.execute("SELECT language FROM documents WHERE id = ?", (document_id,)).fetchone()
    language = row[0] if row else None
    sentences: dict[int, list[SentenceIn]] = {}
    for sid, pid, text in db.execute(
        "SELECT s.id, s.paragraph_id, s.text FROM sentences s JOIN paragraphs p ON p.id = s.paragraph_id "
        "WHERE p.document_id = ? ORDER BY p.ordinal, s.ordinal, s.id",
        (document_id,),
    ):
        sentences.setdefault(pid, []).append(SentenceIn(sid, text))
    paragraphs = [
        ParagraphIn(pid, kind, tuple(sentences.get(pid) or (SentenceIn(None, text),)))
        for pid, kind, text in db.execute(
            "SELECT id, kind, text FROM paragraphs WHERE document_id = ? ORDER BY ordinal, id", (document_id,)
        )
    ]
    return language, paragraphs


def align_stored_versions(
    db: sqlite3.Connection, left_id: str, right_id: str, *, parameters: SentenceAlignParameters | None = None,
) -> PairAlignment:
    """The sentence and paragraph alignment of two stored versions (``left_id`` on the left)."""
    left_language, left = read_version(db, left_id)
    right_language, right = read_version(db, right_id)
    return align_version_pair(left, right, left_language=left_language, right_language=right_language,
                              parameters=parameters)
