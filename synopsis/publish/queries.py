"""The SQL behind Synopsis's pages: one async function per question a page asks.

Each function takes a Datasette :class:`~datasette.database.Database` and returns plain
dicts and lists (rows as dicts), so the templates never see SQL and the views stay thin.
Nothing here formats HTML: highlighting is :mod:`synopsis.publish.highlight`'s job.

Links between two documents are stored in one direction (``left``/``right`` in
``alignments``, ``source``/``target`` in ``cross_references``); the functions here accept
the two documents in either order and turn rows round so that ``a`` is always on the left.
"""
from __future__ import annotations

import logging
import re
import sqlite3
import json
from collections import defaultdict
from typing import Any

from synopsis.database import fts_query
from synopsis.lexicon.search import LEARNED_SQL, LISTED_SQL, TERMS_SQL, LexiconForms, widen_query
from synopsis.publish.compare import aligned_rows
from synopsis import search as _search_rules
from synopsis.search import (
    MARK_END,
    MARK_START,
    SNIPPET_FUNCTION,
    capped_count_sql,
    paragraph_search_sql,
    rank_bound_sql,
)
from synopsis.validate import DOCUMENTS_SQL, add_text_command, catalogue_rows

log = logging.getLogger(__name__)

CORPUS_TABLES = {"documents", "paragraphs", "quotations", "alignments", "cross_references"}
"""Tables whose presence marks a database as a Synopsis corpus."""

Row = dict[str, Any]


async def corpus_database(datasette):
    """The first attached database that holds a Synopsis corpus, or None.

    The database is named after its file (``synopsis`` for ``synopsis.db``), so pages find
    it by its tables rather than by a name.
    """
    for name, db in datasette.databases.items():
        if name == "_internal":
            continue
        if await is_corpus(db):
            return db
    return None


async def is_corpus(db) -> bool:
    """True when ``db`` has the tables of a Synopsis database."""
    try:
        names = set(await db.table_names())
    except sqlite3.Error:
        return False
    return CORPUS_TABLES <= names


def _rows(results) -> list[Row]:
    return [dict(row) for row in results.rows]


async def documents(db, *, present_only: bool = False) -> list[Row]:
    """Every catalogued document, those with text first, each group oldest first, with counts and provenance."""
    where = "where status = 'present'" if present_only else ""
    return [_with_add_command(row) for row in _rows(await db.execute(
        f"""select id, title, author, date, language, genre, translator, publisher,
                   source_title, source_url, rights, status, status_note, version_of,
                   word_count, paragraph_count, quotation_count
            from documents {where}
            order by status != 'present', coalesce(date, '9999'), id"""
    ))]


def _with_add_command(row: Row) -> Row:
    """``add_command``: for a document without text, the command that brings it (else None)."""
    row["add_command"] = None if row["status"] == "present" else add_text_command(row["id"], row["source_url"])
    return row


async def known_documents(db) -> dict[str, tuple[str, str | None]]:
    """Every document's status and source URL, for :func:`synopsis.validate.check_documents`."""
    return catalogue_rows((await db.execute(DOCUMENTS_SQL)).rows)


async def document(db, document_id: str) -> Row | None:
    """One document by id, or None."""
    row = (await db.execute(
        "select id, title, date, status, status_note, source_url, word_count, paragraph_count, version_of from documents where id = ?",
        [document_id],
    )).first()
    return _with_add_command(dict(row)) if row else None


async def link_matrix(db) -> dict[str, dict[tuple[str, str], int]]:
    """Counts between every pair of documents: shared passages, quotations taken, aligned paragraphs.

    ``shared`` counts distinct passages (a passage the linker stored in both directions
    counts once), under both orders of the pair so a template can look up either;
    ``quoted[(x, y)]`` counts quotations of ``x`` whose words are found in ``y``;
    ``aligned`` counts alignment rows that pair two paragraphs.
    """
    shared: dict[tuple[str, str], int] = defaultdict(int)
    quoted: dict[tuple[str, str], int] = defaultdict(int)
    aligned: dict[tuple[str, str], int] = defaultdict(int)
    # The linker may store a passage in both directions: count each passage once.
    results = await db.execute(
        """select min(source_document_id, target_document_id) as s,
                  max(source_document_id, target_document_id) as t,
                  count(distinct case when source_paragraph_id <= target_paragraph_id
                      then printf('%d:%d-%d/%d:%d-%d', source_paragraph_id, source_start, source_end,
                                  target_paragraph_id, target_start, target_end)
                      else printf('%d:%d-%d/%d:%d-%d', target_paragraph_id, target_start, target_end,
                                  source_paragraph_id, source_start, source_end) end) as n
           from cross_references group by 1, 2"""
    )
    for row in results.rows:
        shared[(row["s"], row["t"])] += row["n"]
        if row["s"] != row["t"]:
            shared[(row["t"], row["s"])] += row["n"]
    results = await db.execute(
        """select q.document_id as s,
                  case when x.source_document_id = q.document_id then x.target_document_id
                       else x.source_document_id end as t,
                  count(distinct q.id) as n
           from cross_references x join quotations q on q.id = x.quotation_id
           group by 1, 2"""
    )
    for row in results.rows:
        quoted[(row["s"], row["t"])] += row["n"]
    results = await db.execute(
        """select left_document_id as l, right_document_id as r, count(*) as n
           from alignments
           where left_paragraph_id is not null and right_paragraph_id is not null
           group by 1, 2"""
    )
    for row in results.rows:
        aligned[(row["l"], row["r"])] += row["n"]
        if row["l"] != row["r"]:
            aligned[(row["r"], row["l"])] += row["n"]
    return {"shared": dict(shared), "quoted": dict(quoted), "aligned": dict(aligned)}


_PARAGRAPH_COLUMNS = "id, document_id, ref, ordinal, kind, text"


async def paragraphs_of(db, document_id: str) -> list[Row]:
    """A document's paragraphs in reading order."""
    return _rows(await db.execute(
        f"select {_PARAGRAPH_COLUMNS} from paragraphs where document_id = ? order by ordinal",
        [document_id],
    ))


async def paragraph(db, paragraph_id: int) -> Row | None:
    """One paragraph with its document's title and section, or None.

    ``section_label`` names the section as a reader cites it: its number and its heading
    ("Section 2", "Section II: The Cult", "Introduction"). A numbered section without a
    heading of its own stores its first paragraph's opening words as ``heading``; those
    are text cut off, not a name, so the label leaves them out.
    """
    row = (await db.execute(
        """select p.id, p.document_id, p.ref, p.ordinal, p.kind, p.text, p.word_count,
                  d.title as document_title, d.date as document_date,
                  s.ref as section_ref, s.number as section_number, s.heading as section_heading,
                  (select f.text from paragraphs f where f.section_id = s.id order by f.ordinal limit 1)
                      as section_opening
           from paragraphs p join documents d on d.id = p.document_id
           left join sections s on s.id = p.section_id
           where p.id = ?""",
        [paragraph_id],
    )).first()
    if not row:
        return None
    found = dict(row)
    heading = found["section_heading"]
    if heading and _opens(found.pop("section_opening") or "", heading, found["section_number"]):
        heading = None
    found["section_label"] = section_label(found["section_number"], heading)
    return found


def _opens(text: str, heading: str, number: str | None) -> bool:
    """Whether ``heading`` is just the opening words of ``text`` (after its number, if any)."""
    words, wanted = text.split(), heading.split()
    if number and words and words[0].rstrip(".)") == number:
        words = words[1:]
    return bool(wanted) and words[: len(wanted)] == wanted


def section_label(number: str | None, heading: str | None) -> str | None:
    """"Section 2", "Section 2: Heading" or "Heading" (a heading that repeats its number says it once)."""
    heading = " ".join((heading or "").split()) or None
    if heading and number and re.match(rf"{re.escape(number)}[.)]?\s", heading):
        heading = heading[len(number):].lstrip(".) ") or None
    if number:
        return f"Section {number}: {heading}" if heading else f"Section {number}"
    return heading


async def neighbours(db, para: Row) -> dict[str, Row | None]:
    """The paragraphs before and after ``para`` in its document."""
    out: dict[str, Row | None] = {}
    for key, op, order in (("previous", "<", "desc"), ("next", ">", "asc")):
        row = (await db.execute(
            f"""select id, ref from paragraphs where document_id = ? and ordinal {op} ?
                order by ordinal {order} limit 1""",
            [para["document_id"], para["ordinal"]],
        )).first()
        out[key] = dict(row) if row else None
    return out


async def shared_spans(db, a: str, b: str, paragraph_ids=None) -> dict[int, list[tuple[int, int]]]:
    """For every paragraph of ``a`` and ``b`` (or of ``paragraph_ids`` only): the spans of its
    text it shares with the other document."""
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    where, params = "", {"a": a, "b": b}
    if paragraph_ids is not None:
        listed, extra = _in(paragraph_ids)
        where, params = f"and (source_paragraph_id in ({listed}) or target_paragraph_id in ({listed}))", {**params, **extra}
    results = await db.execute(
        f"""select source_paragraph_id, source_start, source_end,
                  target_paragraph_id, target_start, target_end
           from cross_references
           where ((source_document_id = :a and target_document_id = :b)
              or (source_document_id = :b and target_document_id = :a)) {where}""",
        params,
    )
    for row in results.rows:
        spans[row["source_paragraph_id"]].append((row["source_start"], row["source_end"]))
        spans[row["target_paragraph_id"]].append((row["target_start"], row["target_end"]))
    return dict(spans)


async def shared_words(db, a: str, b: str, paragraph_ids=None) -> dict[int, list[tuple[int, int, str, int, str]]]:
    """For every paragraph of ``a`` and ``b`` (or of ``paragraph_ids`` only): the words its cross-references with the other document rest
    on (``cross_references.correspondences``), as ``(start, end, kind, pair number, the other word)``;
    a pair's number is the same on both sides."""
    words: dict[int, list[tuple[int, int, str, int, str]]] = defaultdict(list)
    where, params = "", {"a": a, "b": b}
    if paragraph_ids is not None:
        listed, extra = _in(paragraph_ids)
        where, params = f"and (source_paragraph_id in ({listed}) or target_paragraph_id in ({listed}))", {**params, **extra}
    results = await db.execute(
        f"""select source_paragraph_id, source_start, source_text, target_paragraph_id, target_start, target_text,
                  correspondences
           from cross_references
           where source_document_id = :a and target_document_id = :b and correspondences is not null {where}""",
        params,
    )
    n = 0
    for row in results.rows:
        try:
            pairs = json.loads(row["correspondences"])
        except ValueError:
            continue
        for s0, s1, t0, t1, kind in pairs:
            n += 1
            ss, ts = row["source_start"], row["target_start"]
            source_word, target_word = row["source_text"][s0:s1], row["target_text"][t0:t1]
            words[row["source_paragraph_id"]].append((ss + s0, ss + s1, kind, n, target_word))
            words[row["target_paragraph_id"]].append((ts + t0, ts + t1, kind, n, source_word))
    return dict(words)


async def comparison(db, a: str, b: str, *, start: int = 0, size: int | None = None, at: int | None = None) -> dict[str, Any]:
    """The rows of the compare page for documents ``a`` (left) and ``b`` (right), the window
    ``start``..``start + size`` of them: :func:`synopsis.publish.compare.aligned_rows`, the
    reader ``synopsis compare`` uses too."""
    return await db.execute_fn(lambda conn: aligned_rows(conn, a, b, start=start, size=size, at=at))


def _in(ids) -> tuple[str, dict]:
    """An SQL ``in (...)`` list of named parameters for ``ids``, and the parameters."""
    ids = list(ids) or [-1]
    return ", ".join(f":i{k}" for k in range(len(ids))), {f"i{k}": v for k, v in enumerate(ids)}


async def variant_counts(db, a: str, b: str) -> dict[tuple[int, int], int]:
    """Substantive variants per paragraph pair ``(a's, b's)`` (for the alignment map)."""
    return {(r[0], r[1]): r[2] for r in (await db.execute(
        """select a_paragraph_id, b_paragraph_id, count(*) from oriented_variants
           where a_document_id = :a and b_document_id = :b and not trivial group by 1, 2""",
        {"a": a, "b": b},
    )).rows}


async def elsewhere(db, paragraph_id: int) -> dict[str, list[Row]]:
    """What other documents say about a paragraph: cross-references and aligned paragraphs.

    Each cross-reference comes back turned so that ``here_*`` is the span in this paragraph
    and ``there_*`` the span in the other one, with the other paragraph's text, ref and
    document title for display.
    """
    results = await db.execute(
        """select x.id, x.score, x.method, x.quotation_id, x.kind, x.meaning_score, x.correspondences,
                  b.id as through_id, b.ref as through_ref, bd.title as through_document_title,
                  x.source_paragraph_id = :p as here_is_source,
                  case when x.source_paragraph_id = :p then x.source_start else x.target_start end as here_start,
                  case when x.source_paragraph_id = :p then x.source_end else x.target_end end as here_end,
                  case when x.source_paragraph_id = :p then x.target_start else x.source_start end as there_start,
                  case when x.source_paragraph_id = :p then x.target_end else x.source_end end as there_end,
                  o.id as other_id, o.ref as other_ref, o.text as other_text,
                  d.id as other_document_id, d.title as other_document_title, d.date as other_document_date
           from cross_references x
           join paragraphs o on o.id = case when x.source_paragraph_id = :p
                                            then x.target_paragraph_id else x.source_paragraph_id end
           join documents d on d.id = o.document_id
           left join paragraphs b on b.id = json_extract(x.derived_through, '$.paragraph')
           left join documents bd on bd.id = b.document_id
           where (x.source_paragraph_id = :p or x.target_paragraph_id = :p)
             and not (x.source_paragraph_id = :p and x.target_paragraph_id = :p)
           order by coalesce(d.date, '9999'), d.id, x.score desc, o.ordinal""",
        {"p": paragraph_id},
    )
    cross, seen = [], set()
    for row in _rows(results):  # a passage stored in both directions is one passage
        key = (row["other_id"], row["here_start"], row["here_end"], row["there_start"], row["there_end"])
        if key not in seen:
            seen.add(key)
            cross.append(row)
    results = await db.execute(
        """select a.id, a.method, a.score, a.rank, a.pattern,
                  o.id as other_id, o.ref as other_ref, o.text as other_text,
                  d.id as other_document_id, d.title as other_document_title
           from alignments a
           join paragraphs o on o.id = case when a.left_paragraph_id = :p
                                            then a.right_paragraph_id else a.left_paragraph_id end
           join documents d on d.id = o.document_id
           where (a.left_paragraph_id = :p or a.right_paragraph_id = :p)
           order by coalesce(d.date, '9999'), d.id, a.rank, a.score desc""",
        {"p": paragraph_id},
    )
    return {"cross_references": cross, "alignments": _rows(results)}


async def quotation(db, quotation_id: int) -> Row | None:
    """One quotation with its paragraph and document, and its span inside the paragraph."""
    row = (await db.execute(
        """select q.id, q.ref, q.kind, q.text, q.speaker, q.citation, q.paragraph_id,
                  q.char_start - p.char_start as here_start, q.char_end - p.char_start as here_end,
                  p.ref as paragraph_ref, p.text as paragraph_text,
                  d.id as document_id, d.title as document_title, d.date as document_date
           from quotations q join paragraphs p on p.id = q.paragraph_id
           join documents d on d.id = q.document_id
           where q.id = ?""",
        [quotation_id],
    )).first()
    return dict(row) if row else None


async def quotation_elsewhere(db, quote: Row) -> list[Row]:
    """Where the words of a quotation appear again: cross-references from the quotation or over its span."""
    rows = (await elsewhere(db, quote["paragraph_id"]))["cross_references"]
    start, end = quote["here_start"], quote["here_end"]
    return [
        row for row in rows
        if row["quotation_id"] == quote["id"] or (row["here_start"] < end and row["here_end"] > start)
    ]


async def notes_on(db, table: str, row_id: int) -> list[Row]:
    """Readers' notes attached to one row (a paragraph, quotation or link), oldest first."""
    if "annotations" not in set(await db.table_names()):
        return []
    results = await db.execute(
        """select id, note, tags, author, created_at from annotations
           where target_table = ? and target_id = ? and not orphaned order by id""",
        [table, row_id],
    )
    return [{**row, "tags": [t for t in (row["tags"] or "").split(",") if t]} for row in _rows(results)]


async def search(db, q: str, *, limit: int = 25, document_id: str | None = None,
                 translations: bool = False) -> dict[str, Any]:
    """Ranked full-text search over paragraphs and quotations, with snippets.

    ``q`` is FTS5 query syntax (``commun*``, ``"cult of the individual"``, ``stalin OR
    lenin``). When SQLite rejects it as syntax, the words are searched again as plain
    terms and ``relaxed`` says so, so that a stray quote mark never ends in an error page.
    """
    query, relaxed = q, False
    try:
        found = await _search(db, query, limit=limit, document_id=document_id, translations=translations)
    except sqlite3.OperationalError as error:
        log.info("search %r rejected by FTS5 (%s); searching plain words", q, error)
        query, relaxed = plain_terms(q), True
        if not query:
            return {"query": q, "relaxed": True, "paragraphs": [], "quotations": [], "counts": {}, "cut": {}}
        found = await _search(db, query, limit=limit, document_id=document_id, translations=translations)
    return {"query": query, "relaxed": relaxed, "translations": translations, **found}


def plain_terms(q: str) -> str:
    """The words of ``q`` as an FTS5 query of quoted terms (AND), keeping a trailing ``*`` as prefix."""
    terms = []
    for word in re.findall(r"[\w']+\*?", q):
        prefix = word.endswith("*")
        word = word.rstrip("*").replace('"', "")
        if word:
            terms.append(f'"{word}"' + ("*" if prefix else ""))
    return " ".join(terms)


async def _lexicon_forms(db, *, translations: bool) -> LexiconForms:
    """The database's corpus lexicon (and learned pairs, with ``translations``) for widening a search."""
    if "lexicon" not in set(await db.table_names()):
        return LexiconForms((), ())
    listed = [tuple(row) for row in await db.execute(LISTED_SQL)]
    if translations:
        listed += [tuple(row) for row in await db.execute(TERMS_SQL)]
    learned = [tuple(row) for row in await db.execute(LEARNED_SQL)] if translations else []
    return LexiconForms(listed, learned)


async def _search(db, query: str, *, limit: int, document_id: str | None, translations: bool = False) -> dict[str, Any]:
    """Ranked paragraphs and quotations; counts capped at :data:`synopsis.search.RANK_AT_MOST`
    + 1, and past that many matches only the first that many (in corpus order) are ranked."""
    by_document = document_id is not None
    languages = [row[0] for row in await db.execute("select distinct language from documents")]
    # names in every script, and with translations the learned pairs; then each language's stems and bigrams
    query = widen_query(query, await _lexicon_forms(db, translations=translations), translations=translations)
    query = fts_query(query, languages)
    params = {"q": query, "limit": limit, "document": document_id, "start": MARK_START, "end": MARK_END}
    bounds = {}
    for table in ("paragraphs", "quotations"):
        row = None if by_document else (await db.execute(rank_bound_sql(table), params)).first()
        bounds[table] = row[0] if row else None
    paragraphs = _rows(await db.execute(paragraph_search_sql(by_document=by_document, bounded=bounds["paragraphs"] is not None),
                                        {**params, "bound": bounds["paragraphs"]}))
    quote_filter = "and q.document_id = :document" if by_document else ""
    if bounds["quotations"] is not None:
        quote_filter += " and quotations_fts.rowid <= :bound"
    quotations = _rows(await db.execute(
        f"""select q.id, q.ref, q.kind, q.document_id, d.title as document_title,
                   {SNIPPET_FUNCTION}(highlight(quotations_fts, 0, :start, :end), q.text, d.language, :q, 0) as snippet,
                   highlight(quotations_fts, 1, :start, :end) as speaker,
                   quotations_fts.rank as rank
            from quotations_fts
            join quotations q on q.id = quotations_fts.rowid
            join documents d on d.id = q.document_id
            where quotations_fts match :q {quote_filter}
            order by quotations_fts.rank limit :limit""",
        {**params, "bound": bounds["quotations"]},
    ))
    counts = {}
    for table in ("paragraphs", "quotations"):
        counts[table] = (await db.execute(capped_count_sql(table, by_document=by_document), params)).first()[0]
    return {"paragraphs": paragraphs, "quotations": quotations, "counts": counts, "rank_at_most": _search_rules.RANK_AT_MOST,
            "cut": {table: bound is not None for table, bound in bounds.items()}}


async def find_ref(db, ref: str) -> tuple[str, int] | None:
    """The table and id of the row a citation names (paragraph, quotation, section, footnote)."""
    for table in ("paragraphs", "quotations", "sections", "footnotes"):
        row = (await db.execute(f"select id from {table} where ref = ?", [ref])).first()
        if row:
            return table, row[0]
    return None


async def variants_of_pair(db, a: str, b: str, a_paragraph_ids=None) -> list[Row]:
    """The word variants between editions ``a`` and ``b`` (of ``a_paragraph_ids`` only, when
    given) from the ``oriented_variants`` view, so ``a_*`` is ``a``'s side and an insertion
    is words ``b`` has and ``a`` lacks.

    Empty when the pair was not collated (different languages, not editions of one work).
    """
    where, params = "", {"a": a, "b": b}
    if a_paragraph_ids is not None:
        listed, extra = _in(a_paragraph_ids)
        where, params = f"and a_paragraph_id in ({listed})", {**params, **extra}
    return _rows(await db.execute(
        f"""select id, kind, trivial, a_paragraph_id, b_paragraph_id, a_start, a_end, a_text, b_start, b_end, b_text
           from oriented_variants where a_document_id = :a and b_document_id = :b {where} order by id""",
        params,
    ))


async def paragraph_variants(db, paragraph_id: int) -> list[Row]:
    """The word variants of one paragraph against the other editions, with the other paragraph,
    from ``oriented_variants``: ``here_*`` is this paragraph's reading and ``there_*`` the other's."""
    return _rows(await db.execute(
        """select v.id, v.kind, v.trivial, v.a_start as here_start, v.a_end as here_end,
                  v.a_text as here_text, v.b_text as there_text,
                  o.id as other_id, o.ref as other_ref, d.id as other_document_id, d.title as other_document_title
           from oriented_variants v
           join paragraphs o on o.id = v.b_paragraph_id
           join documents d on d.id = o.document_id
           where v.a_paragraph_id = :p
           order by d.id, here_start, v.id""",
        {"p": paragraph_id},
    ))


DOCUMENT_WINDOW = 300
"""Paragraphs of a document page at a time (a 50,000-paragraph document is read in windows)."""


async def document_page(db, document_id: str, *, start: int = 0, size: int = DOCUMENT_WINDOW) -> Row | None:
    """Everything the page of one document shows: its bibliographic facts and provenance,
    a window of its text in reading order with section headings and citable refs, its
    quotations, what it shares with each other document, and readers' notes on it."""
    row = (await db.execute("select * from documents where id = ?", [document_id])).first()
    if row is None:
        return None
    doc = _with_add_command(dict(row))
    total = doc["paragraph_count"] or 0
    start = max(0, min(start, max(total - 1, 0)))
    paragraphs = _rows(await db.execute(
        """select p.id, p.ref, p.ordinal, p.kind, p.text, p.section_id,
                  s.ref as section_ref, s.number as section_number, s.heading as section_heading
           from paragraphs p left join sections s on s.id = p.section_id
           where p.document_id = :d and p.ordinal > :after order by p.ordinal limit :size""",
        {"d": document_id, "after": await _ordinal_before(db, document_id, start), "size": size},
    ))
    openings = {r["section_id"]: r["text"] for r in _rows(await db.execute(
        """select section_id, text from paragraphs where id in (
               select min(id) from paragraphs where document_id = :d and section_id is not null group by section_id)""",
        {"d": document_id},
    ))} if paragraphs else {}
    text, current = [], object()
    for p in paragraphs:
        if p["section_id"] != current:
            current = p["section_id"]
            heading = p["section_heading"]
            if heading and _opens(openings.get(current) or "", heading, p["section_number"]):
                heading = None
            label = section_label(p["section_number"], heading)
            text.append({"section": {"ref": p["section_ref"], "label": label}, "paragraphs": []})
        text[-1]["paragraphs"].append(p)
    quotations = _rows(await db.execute(
        """select q.id, q.ref, q.kind, q.text, q.speaker, q.citation from quotations q
           join paragraphs p on p.id = q.paragraph_id
           where q.document_id = :d order by p.ordinal, q.char_start limit 200""",
        {"d": document_id},
    ))
    shares = _rows(await db.execute(
        """select other, d.title, d.date, sum(passages) as passages, sum(aligned) as aligned, max(method) as method from (
               select case when source_document_id = :d then target_document_id else source_document_id end as other,
                      count(*) as passages, 0 as aligned, null as method
               from cross_references where (source_document_id = :d or target_document_id = :d)
                 and source_document_id <> target_document_id group by 1
               union all
               select b_document_id, 0, count(*), max(method) from oriented_alignments
               where a_document_id = :d and b_document_id <> :d and a_paragraph_id is not null and b_paragraph_id is not null
               group by 1)
           join documents d on d.id = other group by other order by coalesce(d.date, '9999'), other""",
        {"d": document_id},
    ))
    notes = []
    if "annotations" in set(await db.table_names()):
        notes = _rows(await db.execute(
            """select a.id, a.note, a.tags, a.author, a.created_at, a.target_table, a.target_ref, a.target_id from annotations a
               where not a.orphaned and ((a.target_table = 'paragraphs' and a.target_id in (select id from paragraphs where document_id = :d))
                  or (a.target_table = 'quotations' and a.target_id in (select id from quotations where document_id = :d)))
               order by a.id""",
            {"d": document_id},
        ))
    versions = _rows(await db.execute(
        "select id, title from documents where (version_of = :d or id = :v) and id <> :d order by id",
        {"d": document_id, "v": doc.get("version_of") or ""},
    ))
    return {**doc, "text": text, "start": start, "size": size, "total": total, "shown": len(paragraphs),
            "quotations": quotations, "shares": shares, "notes": notes, "versions": versions}


async def _ordinal_before(db, document_id: str, start: int) -> int:
    """The ordinal of the paragraph just before the ``start``-th (0-based) of a document, or -1."""
    if start <= 0:
        return -1
    row = (await db.execute(
        "select ordinal from paragraphs where document_id = ? order by ordinal limit 1 offset ?", [document_id, start - 1],
    )).first()
    return row[0] if row else -1


_ROW_LABELS = {"paragraphs": "ref", "quotations": "ref", "sections": "ref", "footnotes": "ref", "documents": "id"}


async def nearest_rows(db, table: str, wanted: str, *, n: int = 3) -> list[tuple[Any, str]]:
    """The rows of ``table`` nearest to a mistyped primary key, as ``(pk, label)``.

    A document id is matched by spelling (the rule ``synopsis`` commands use); an integer id
    by the ids either side of it; a citation typed where an id goes (``...:1.9``) by its
    ref, then by spelling among the refs of its document.
    """
    import difflib

    if table not in _ROW_LABELS:
        return []
    if table == "documents":
        ids = [r[0] for r in (await db.execute("select id from documents")).rows]
        return [(i, i) for i in difflib.get_close_matches(wanted, ids, n=n, cutoff=0.5)]
    label = _ROW_LABELS[table]
    if wanted.strip().isdigit():
        number = int(wanted)
        rows = _rows(await db.execute(
            f"""select * from (select id, {label} as label from {table} where id < :n order by id desc limit 1)
                union all select * from (select id, {label} from {table} where id > :n order by id limit 1)""",
            {"n": number},
        ))
        return [(r["id"], f"{r['id']} ({r['label']})") for r in rows]
    exact = (await db.execute(f"select id, {label} from {table} where {label} = ?", [wanted])).first()
    if exact:
        return [(exact[0], exact[1])]
    document = wanted.split(":", 1)[0]
    refs = dict((r[1], r[0]) for r in (await db.execute(
        f"select id, {label} from {table} where document_id = ? limit 100000", [document])).rows) if ":" in wanted else {}
    return [(refs[ref], ref) for ref in difflib.get_close_matches(wanted, list(refs), n=n, cutoff=0.6)]
