"""Full-text search over paragraphs: the one home of the search SQL.

``synopsis search``, the reader's ``/search`` page (:mod:`synopsis.publish.queries`) and
the canned ``search`` query Datasette lists (registered by :mod:`synopsis.publish.plugin`)
all run :func:`paragraph_search_sql`, so a paragraph ranks, and its snippet reads, the
same everywhere: :data:`SNIPPET_TOKENS` words around the matches, each match between
:data:`MARK_START` and :data:`MARK_END` (callers escape the text first, then mark).

FTS5's ``snippet()`` marks only what matched in the text column; a row found through its
``search_terms`` (a Chinese word, a French or Italian inflection) would show no mark. So
the SQL passes each snippet through :func:`mark_matches` (the SQL function
``synopsis_snippet``, which :func:`register_functions` adds to a connection: the CLI's,
and every Datasette connection through the plugin), which marks the query's words in the
row's own text by the rules of the row's language.

Queries use SQLite FTS5 syntax with Porter stemming: words (``cult individual``), phrases
(``"cult of the individual"``), prefixes (``collectiv*``), ``AND``/``OR``/``NOT``. A query
FTS5 cannot parse is reported as the user's error, not as a crash.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from synopsis.database import FTS_TABLES, check_database, fts_languages, fts_query, read_only
from synopsis.errors import BadQuery, SynopsisError
from synopsis.languages import profile_for
from synopsis.languages.search import has_ideographs, match_spans
from synopsis.lexicon.search import read_forms, widen_query
from synopsis.spans import merge_spans, split_text
from synopsis.validate import require_documents

MARK_START = "\ue000"
"""Sentinel FTS5 puts before a matched word: a private-use character no published text uses."""
MARK_END = "\ue001"
"""Sentinel FTS5 puts after a matched word."""

SNIPPET_TOKENS = 40
"""Words around the matches in a snippet (FTS5 allows at most 64)."""

ELLIPSIS = " … "
"""What stands for the text a snippet leaves out."""

CANNED_LIMIT = 100
"""Rows the canned ``search`` query shows (it has no limit parameter of its own)."""


def _fts_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


RANK_AT_MOST = 10_000
"""Matches ranked at most, in corpus order: a word found in a tenth of a million paragraphs
would cost every one of them a bm25 score (1.6 s); past this many, the search ranks the
first :data:`RANK_AT_MOST` matches (``:bound``, from :func:`rank_bound_sql`) and says so."""


def rank_bound_sql(table: str = "paragraphs") -> str:
    """The rowid of match number :data:`RANK_AT_MOST` of ``:q`` (no row when there are fewer):
    the ``:bound`` of :func:`paragraph_search_sql` (FTS5 walks its index in rowid order and
    stops there, without scoring anything)."""
    fts = f"{table}_fts"
    if fts not in FTS_TABLES:
        raise ValueError(f"{table} has no full-text index")
    return (f"select rowid from {fts} where {fts} match coalesce(nullif(trim(:q), ''), '\"\"') "
            f"order by rowid limit 1 offset {RANK_AT_MOST - 1}")


def capped_count_sql(table: str = "paragraphs", *, by_document: bool = False) -> str:
    """:func:`match_count_sql` counting no further than :data:`RANK_AT_MOST` + 1 (enough to say "more than")."""
    return f"select count(*) from ({match_count_sql(table, by_document=by_document).replace('select count(*)', 'select 1', 1)} limit {RANK_AT_MOST + 1})"


def paragraph_search_sql(*, by_document: bool = False, limit: str = ":limit", bounded: bool = False) -> str:
    """Ranked paragraphs matching ``:q`` (and of ``:document``), with a marked snippet.

    Columns: ``id``, ``ref``, ``document_id``, ``document_title``, ``snippet``, ``rank``
    (bm25: lower is better). An empty ``:q`` (the canned query opened without words) matches
    nothing rather than failing as FTS5 syntax. ``bounded`` ranks only the matches up to rowid
    ``:bound`` (see :data:`RANK_AT_MOST`). It orders by FTS5's own ``rank`` column rather than calling
    ``bm25()``: FTS5 then sorts inside the index and computes snippets only for the rows
    returned (2-3x faster at 100,000 paragraphs).
    """
    document_filter = "\n  and p.document_id = :document" if by_document else ""
    if bounded:
        document_filter += "\n  and paragraphs_fts.rowid <= :bound"
    snippet = (f"{SNIPPET_FUNCTION}(snippet(paragraphs_fts, 0, {_fts_literal(MARK_START)}, {_fts_literal(MARK_END)}, "
               f"{_fts_literal(ELLIPSIS)}, {SNIPPET_TOKENS}), p.text, d.language, :q)")
    return (
        f"select p.id, p.ref, p.document_id, d.title as document_title,\n"
        f"       {snippet} as snippet,\n"
        f"       round(paragraphs_fts.rank, 2) as rank\n"
        f"from paragraphs_fts\n"
        f"join paragraphs p on p.id = paragraphs_fts.rowid\n"
        f"join documents d on d.id = p.document_id\n"
        f"where paragraphs_fts match coalesce(nullif(trim(:q), ''), '\"\"'){document_filter}\n"
        f"order by paragraphs_fts.rank\n"
        f"limit {limit}"
    )


SNIPPET_FUNCTION = "synopsis_snippet"
"""The SQL name of :func:`mark_matches`: ``synopsis_snippet(snippet, text, language, query[, words])``."""


def mark_matches(snippet: str | None, text: str | None, language: str | None, query: str | None,
                 words: int = SNIPPET_TOKENS) -> str | None:
    """``snippet`` (FTS5's, of ``text``) with every match of ``query`` marked in ``language``'s way.

    English and language-neutral rows match in the text column, where FTS5 marked them
    already: their snippet is returned as it is (unless the query holds ideographs). For
    the others, the matches :func:`synopsis.languages.search.match_spans` finds are marked
    inside FTS5's snippet when it marked something (its window holds the matches); when
    it marked nothing (the row matched through ``search_terms`` alone, and FTS5 took the
    text's first words), the snippet is made again: ``words`` words of ``text`` (an
    ideograph is a word; 0: the whole text) around the most matches, cut ends shown by
    :data:`ELLIPSIS`. A snippet whose matches cannot be told (a ``NEAR`` query) stays as it is.
    """
    if not snippet or not text or not query:
        return snippet
    profile = profile_for(language)
    if profile.fts not in ("stems", "bigrams") and not has_ideographs(query):
        return snippet
    if MARK_START in snippet:
        plain = snippet.replace(MARK_START, "").replace(MARK_END, "")
        spans = match_spans(plain, query, profile)
        return _marked(plain, spans) if spans else snippet
    spans = merge_spans(match_spans(text, query, profile), len(text))
    if not spans:
        return snippet
    found = [m.span() for m in profile.word_pattern.finditer(text)]
    if not words or len(found) <= words:
        return _marked(text, spans)
    first, last = _window(found, spans, words)
    start, end = found[first][0], found[last][1]
    for a, b in spans:  # a match the window's edge would cut is shown whole (耶穌, never 耶)
        if a < start < b:
            start = a
        if a < end < b:
            end = b
    inside = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
    cut_before, cut_after = start > found[0][0], end < found[-1][1]
    return (ELLIPSIS if cut_before else "") + _marked(text[start:end], inside) + (ELLIPSIS if cut_after else "")


def _window(found: list[tuple[int, int]], spans: list[tuple[int, int]], words: int) -> tuple[int, int]:
    """The first and last word of the ``words``-word window that holds the most spans,
    starting a quarter of a window before a match (the earliest such window on a tie)."""
    best: tuple[int, int, int] | None = None
    lead = words // 4
    for span_start, _ in spans:
        at = next(k for k, (_, word_end) in enumerate(found) if word_end > span_start)
        first = max(0, min(at - lead, len(found) - words))
        last = first + words - 1
        held = sum(1 for a, b in spans if a >= found[first][0] and b <= found[last][1])
        if best is None or held > best[0]:
            best = (held, first, last)
    return best[1], best[2]


def _marked(text: str, spans: list[tuple[int, int]]) -> str:
    return "".join(f"{MARK_START}{piece}{MARK_END}" if marked else piece for piece, marked in split_text(text, spans))


def register_functions(conn: sqlite3.Connection) -> None:
    """Add :data:`SNIPPET_FUNCTION` to a SQLite connection (the search SQL calls it)."""
    conn.create_function(SNIPPET_FUNCTION, 4, mark_matches, deterministic=True)
    conn.create_function(SNIPPET_FUNCTION, 5, mark_matches, deterministic=True)


def match_count_sql(table: str = "paragraphs", *, by_document: bool = False) -> str:
    """How many rows of ``table`` match ``:q`` (of ``:document``): the "N more" after a page of hits.

    Without a document filter the index alone counts (30x faster on a common word over
    100,000 paragraphs than joining every match to its row).
    """
    fts = f"{table}_fts"
    if fts not in FTS_TABLES:
        raise ValueError(f"{table} has no full-text index")
    if not by_document:
        return f"select count(*) from {fts} where {fts} match :q"
    return (f"select count(*) from {fts} join {table} t on t.id = {fts}.rowid "
            f"where {fts} match :q and t.document_id = :document")


@dataclass
class Hit:
    """One ranked paragraph."""

    paragraph_id: int
    ref: str
    document_id: str
    document_title: str
    snippet: str  # matched words between MARK_START and MARK_END
    score: float  # bm25: lower is better


class Hits(list):
    """The hits shown, best first; ``total`` counts every paragraph that matched."""

    total: int = 0


def search(db_path: Path, query: str, *, limit: int = 20, document: str | None = None,
           translations: bool = False) -> Hits:
    """Paragraphs matching ``query``, best first, with highlighted snippets.

    A name the corpus lexicon knows is searched in every form it lists, in every script;
    ``translations`` also searches each word's learned translations
    (:mod:`synopsis.lexicon.search`)."""
    db_path = Path(db_path)
    check_database(db_path)
    if not query.strip():
        raise BadQuery("empty search query")
    if document is not None:
        require_documents(db_path, [document])
    params = {"q": query, "limit": limit, "document": document}
    by_document = document is not None
    with read_only(db_path) as conn:
        register_functions(conn)
        try:
            widened = widen_query(query, read_forms(conn, translations=translations), translations=translations)
            params["q"] = fts_query(widened, fts_languages(conn))  # each language's stems and bigrams too
            bound = None if by_document else conn.execute(rank_bound_sql(), params).fetchone()
            params["bound"] = bound[0] if bound else None
            sql = paragraph_search_sql(by_document=by_document, bounded=params["bound"] is not None)
            hits = Hits(Hit(*row) for row in conn.execute(sql, params))
            hits.total = conn.execute(match_count_sql(by_document=by_document), params).fetchone()[0]
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):
                raise SynopsisError(f"{db_path}: has no full-text index (run `synopsis build`)") from None
            raise BadQuery(f"search query {query!r}: {error} (quote phrases with \"...\", end a prefix with *)") from None
    return hits
