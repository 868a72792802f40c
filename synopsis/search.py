"""Full-text search over paragraphs: the library behind ``synopsis search``.

Queries use SQLite FTS5 syntax with Porter stemming: words (``cult individual``), phrases
(``"cult of the individual"``), prefixes (``collectiv*``), ``AND``/``OR``/``NOT``. A query
FTS5 cannot parse is reported as the user's error, not as a crash.
"""
from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from synopsis.database import check_database, fts_languages, fts_query
from synopsis.errors import BadQuery, SynopsisError

MARK_START, MARK_END = "\x02", "\x03"
"""Private sentinels around matched words in snippets; callers escape text first, then mark."""


@dataclass
class Hit:
    """One ranked paragraph."""

    ref: str
    document_id: str
    document_title: str
    paragraph_id: int
    snippet: str  # matched words between MARK_START and MARK_END
    score: float  # bm25: lower is better


def search(db_path: Path, query: str, *, limit: int = 20, document: str | None = None) -> list[Hit]:
    """Paragraphs matching ``query``, best first, with highlighted snippets."""
    db_path = Path(db_path)
    check_database(db_path)
    if not query.strip():
        raise BadQuery("empty search query")
    sql = (
        "SELECT p.ref, p.document_id, d.title, p.id,"
        f" snippet(paragraphs_fts, 0, '{MARK_START}', '{MARK_END}', '…', 32), bm25(paragraphs_fts)"
        " FROM paragraphs_fts JOIN paragraphs p ON p.id = paragraphs_fts.rowid JOIN documents d ON d.id = p.document_id"
        " WHERE paragraphs_fts MATCH :query" + (" AND p.document_id = :document" if document else "") +
        # FTS5's own rank column (bm25 by default) rather than bm25(): FTS5 then sorts inside
        # the index and computes snippets only for the rows returned (2-3x faster at 100,000 paragraphs)
        " ORDER BY paragraphs_fts.rank LIMIT :limit"
    )
    with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
        try:
            match = fts_query(query, fts_languages(conn))  # each language's stems and bigrams too
            rows = conn.execute(sql, {"query": match, "limit": limit, "document": document}).fetchall()
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):
                raise SynopsisError(f"{db_path}: has no full-text index (run `synopsis build`)") from None
            raise BadQuery(f"search query {query!r}: {error} (quote phrases with \"...\", end a prefix with *)") from None
    return [Hit(*row) for row in rows]
