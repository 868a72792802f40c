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
from synopsis.search import MARK_END, MARK_START, SNIPPET_FUNCTION, match_count_sql, paragraph_search_sql
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


async def shared_spans(db, a: str, b: str) -> dict[int, list[tuple[int, int]]]:
    """For every paragraph of ``a`` and ``b``: the spans of its text it shares with the other document."""
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    results = await db.execute(
        """select source_paragraph_id, source_start, source_end,
                  target_paragraph_id, target_start, target_end
           from cross_references
           where (source_document_id = :a and target_document_id = :b)
              or (source_document_id = :b and target_document_id = :a)""",
        {"a": a, "b": b},
    )
    for row in results.rows:
        spans[row["source_paragraph_id"]].append((row["source_start"], row["source_end"]))
        spans[row["target_paragraph_id"]].append((row["target_start"], row["target_end"]))
    return dict(spans)


async def shared_words(db, a: str, b: str) -> dict[int, list[tuple[int, int, str, int, str]]]:
    """For every paragraph of ``a`` and ``b``: the words its cross-references with the other document rest
    on (``cross_references.correspondences``), as ``(start, end, kind, pair number, the other word)``;
    a pair's number is the same on both sides."""
    words: dict[int, list[tuple[int, int, str, int, str]]] = defaultdict(list)
    results = await db.execute(
        """select source_paragraph_id, source_start, source_text, target_paragraph_id, target_start, target_text,
                  correspondences
           from cross_references
           where source_document_id = :a and target_document_id = :b and correspondences is not null""",
        {"a": a, "b": b},
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


async def comparison(db, a: str, b: str) -> dict[str, Any]:
    """The rows of the compare page for documents ``a`` (left) and ``b`` (right).

    Returns ``{"mode": ..., "rows": [...]}``, each row ``{"left": [paragraphs],
    "right": [paragraphs], "score": float|None, "pattern": str|None, "rank": int|None,
    "sentences": [sentence beads]}``:

    * ``edition``: the stored alignment of two versions, one row per bead: the paragraphs
      joined by aligned sentences, several on each side where the versions cut them
      differently; a paragraph dropped or added leaves the other side empty (a visible
      gap). ``sentences`` holds the row's sentence beads (``pattern``, ``score``, ``left``
      and ``right`` sentence texts), shown on demand.
    * ``similarity``: each paragraph of ``a`` in reading order beside its best matches in
      ``b`` (one row per paragraph of ``a``, matches best first).
    * ``passages``: no alignment was computed, but cross-references were: each paragraph of
      ``a`` that shares a passage with ``b``, beside the paragraphs it shares it with.
    * ``none``: nothing links the two documents.

    Rows come from the ``oriented_alignments`` view, so ``a`` is on the left whichever
    way the pair was stored.
    """
    pars = {row["id"]: row for row in await paragraphs_of(db, a)}
    pars.update({row["id"]: row for row in await paragraphs_of(db, b)})
    results = await db.execute(
        """select method, a_paragraph_id as a_id, b_paragraph_id as b_id, bead, pattern, rank, score, id, forward
           from oriented_alignments
           where a_document_id = :a and b_document_id = :b
           order by bead, rank, id""",
        {"a": a, "b": b},
    )
    links = [dict(row) for row in results.rows]
    editions = [link for link in links if link["method"] == "edition"]
    if editions:
        rows = _edition_rows(editions, pars)
        await _attach_sentences(db, a, b, rows)
        return {"mode": "edition", "rows": rows}
    similar = [link for link in links if link["method"] != "edition"]
    if similar:
        return {"mode": "similarity", "rows": _similarity_rows(similar, pars, a)}
    passages = await _passage_rows(db, a, b, pars)
    return {"mode": "passages" if passages else "none", "rows": passages}


def _edition_rows(links: list[Row], pars: dict[int, Row]) -> list[Row]:
    beads: dict[Any, Row] = {}
    for link in links:
        key = link["bead"] if link["bead"] is not None else f"id{link['id']}"
        row = beads.setdefault(key, {"left": [], "right": [], "score": link["score"], "pattern": link["pattern"],
                                     "rank": None, "bead": link["bead"], "sentences": [], "scores": []})
        if link["a_id"] is not None and link["b_id"] is not None:
            row["scores"].append(link["score"])
        for side, pid in (("left", link["a_id"]), ("right", link["b_id"])):
            if pid is not None and pid in pars and all(p["id"] != pid for p in row[side]):
                row[side].append(pars[pid])
    rows = list(beads.values())
    for row in rows:
        for side in ("left", "right"):
            row[side].sort(key=lambda p: p["ordinal"])
        scores = row.pop("scores")
        if scores:  # a bead of several paragraph pairs: the mean of their scores
            row["score"] = round(sum(scores) / len(scores), 2)
    return rows


async def _attach_sentences(db, a: str, b: str, rows: list[Row]) -> None:
    """Each edition row's sentence beads, from ``oriented_sentence_alignments`` (empty before sentences were aligned)."""
    row_of: dict[tuple[str, int], Row] = {}
    for row in rows:
        for side in ("left", "right"):
            for para in row[side]:
                row_of[(side, para["id"])] = row
    results = await db.execute(
        """select o.bead, o.pattern, o.score, o.a_paragraph_id, o.b_paragraph_id,
                  o.a_sentence_id, sa.text as a_text, o.b_sentence_id, sb.text as b_text
           from oriented_sentence_alignments o
           left join sentences sa on sa.id = o.a_sentence_id
           left join sentences sb on sb.id = o.b_sentence_id
           where o.a_document_id = :a and o.b_document_id = :b
           order by o.bead, sa.ordinal, sb.ordinal, o.id""",
        {"a": a, "b": b},
    )
    beads: dict[int, Row] = {}
    for s in results.rows:
        row = row_of.get(("left", s["a_paragraph_id"])) or row_of.get(("right", s["b_paragraph_id"]))
        if row is None:
            continue
        bead = beads.get(s["bead"])
        if bead is None:
            bead = beads[s["bead"]] = {"pattern": s["pattern"], "score": s["score"], "left": [], "right": [],
                                       "_seen": set()}
            row["sentences"].append(bead)
        for side, sid, text in (("left", s["a_sentence_id"], s["a_text"]), ("right", s["b_sentence_id"], s["b_text"])):
            if sid is not None and (side, sid) not in bead["_seen"]:
                bead["_seen"].add((side, sid))
                bead[side].append(text)
    for bead in beads.values():
        del bead["_seen"]


def _similarity_rows(links: list[Row], pars: dict[int, Row], a: str) -> list[Row]:
    forward = [link for link in links if link["forward"]]
    chosen = forward or links
    matches: dict[int, list[Row]] = defaultdict(list)
    for link in chosen:
        if link["a_id"] is not None and link["b_id"] in pars:
            matches[link["a_id"]].append(link)
    rows = []
    for pid, para in pars.items():
        if para["document_id"] != a:
            continue
        found = sorted(matches.get(pid, []), key=lambda l: (l["rank"] if forward else 0, -l["score"]))
        rows.append({
            "left": [para],
            "right": [dict(pars[l["b_id"]], score=l["score"], rank=l["rank"]) for l in found],
            "score": found[0]["score"] if found else None,
            "pattern": None, "rank": None, "bead": None,
        })
    return rows


async def _passage_rows(db, a: str, b: str, pars: dict[int, Row]) -> list[Row]:
    results = await db.execute(
        """select source_document_id, source_paragraph_id, target_paragraph_id, score
           from cross_references
           where (source_document_id = :a and target_document_id = :b)
              or (source_document_id = :b and target_document_id = :a)
           order by score desc""",
        {"a": a, "b": b},
    )
    partners: dict[int, dict[int, float]] = defaultdict(dict)
    for row in results.rows:
        mine, other = row["source_paragraph_id"], row["target_paragraph_id"]
        if row["source_document_id"] != a:
            mine, other = other, mine
        best = partners[mine].get(other)
        partners[mine][other] = max(best or 0.0, row["score"])
    rows = []
    for pid, para in pars.items():
        if para["document_id"] != a or pid not in partners:
            continue
        right = [dict(pars[o], score=s) for o, s in sorted(partners[pid].items(), key=lambda kv: -kv[1]) if o in pars]
        rows.append({"left": [para], "right": right, "score": max(partners[pid].values()),
                     "pattern": None, "rank": None, "bead": None})
    return rows


async def elsewhere(db, paragraph_id: int) -> dict[str, list[Row]]:
    """What other documents say about a paragraph: cross-references and aligned paragraphs.

    Each cross-reference comes back turned so that ``here_*`` is the span in this paragraph
    and ``there_*`` the span in the other one, with the other paragraph's text, ref and
    document title for display.
    """
    results = await db.execute(
        """select x.id, x.score, x.method, x.quotation_id, x.kind, x.meaning_score, x.correspondences,
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


async def search(db, q: str, *, limit: int = 25, document_id: str | None = None) -> dict[str, Any]:
    """Ranked full-text search over paragraphs and quotations, with snippets.

    ``q`` is FTS5 query syntax (``commun*``, ``"cult of the individual"``, ``stalin OR
    lenin``). When SQLite rejects it as syntax, the words are searched again as plain
    terms and ``relaxed`` says so, so that a stray quote mark never ends in an error page.
    """
    query, relaxed = q, False
    try:
        found = await _search(db, query, limit=limit, document_id=document_id)
    except sqlite3.OperationalError as error:
        log.info("search %r rejected by FTS5 (%s); searching plain words", q, error)
        query, relaxed = plain_terms(q), True
        if not query:
            return {"query": q, "relaxed": True, "paragraphs": [], "quotations": [], "counts": {}}
        found = await _search(db, query, limit=limit, document_id=document_id)
    return {"query": query, "relaxed": relaxed, **found}


def plain_terms(q: str) -> str:
    """The words of ``q`` as an FTS5 query of quoted terms (AND), keeping a trailing ``*`` as prefix."""
    terms = []
    for word in re.findall(r"[\w']+\*?", q):
        prefix = word.endswith("*")
        word = word.rstrip("*").replace('"', "")
        if word:
            terms.append(f'"{word}"' + ("*" if prefix else ""))
    return " ".join(terms)


async def _search(db, query: str, *, limit: int, document_id: str | None) -> dict[str, Any]:
    by_document = document_id is not None
    languages = [row[0] for row in await db.execute("select distinct language from documents")]
    query = fts_query(query, languages)  # each language's stems and bigrams too
    params = {"q": query, "limit": limit, "document": document_id, "start": MARK_START, "end": MARK_END}
    paragraphs = _rows(await db.execute(paragraph_search_sql(by_document=by_document), params))
    quote_filter = "and q.document_id = :document" if by_document else ""
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
        params,
    ))
    counts = {}
    for table in ("paragraphs", "quotations"):
        counts[table] = (await db.execute(match_count_sql(table, by_document=by_document), params)).first()[0]
    return {"paragraphs": paragraphs, "quotations": quotations, "counts": counts}


async def find_ref(db, ref: str) -> tuple[str, int] | None:
    """The table and id of the row a citation names (paragraph, quotation, section, footnote)."""
    for table in ("paragraphs", "quotations", "sections", "footnotes"):
        row = (await db.execute(f"select id from {table} where ref = ?", [ref])).first()
        if row:
            return table, row[0]
    return None


_TURNED_KIND = {"insertion": "deletion", "deletion": "insertion"}


async def variants_of_pair(db, a: str, b: str) -> list[Row]:
    """The word variants between editions ``a`` and ``b``, turned so that ``a_*`` is ``a``'s side.

    Empty when the pair was not collated (different languages, not editions of one work).
    An insertion is always words that ``b`` has and ``a`` lacks.
    """
    results = await db.execute(
        """select id, kind, trivial, left_document_id, left_paragraph_id, right_paragraph_id,
                  left_start, left_end, right_start, right_end, left_text, right_text
           from variants
           where (left_document_id = :a and right_document_id = :b)
              or (left_document_id = :b and right_document_id = :a)
           order by id""",
        {"a": a, "b": b},
    )
    out = []
    for row in results.rows:
        forward = row["left_document_id"] == a
        l, r = ("left", "right") if forward else ("right", "left")
        out.append({
            "id": row["id"], "trivial": row["trivial"],
            "kind": row["kind"] if forward else _TURNED_KIND.get(row["kind"], row["kind"]),
            "a_paragraph_id": row[f"{l}_paragraph_id"], "b_paragraph_id": row[f"{r}_paragraph_id"],
            "a_start": row[f"{l}_start"], "a_end": row[f"{l}_end"], "a_text": row[f"{l}_text"],
            "b_start": row[f"{r}_start"], "b_end": row[f"{r}_end"], "b_text": row[f"{r}_text"],
        })
    return out


async def paragraph_variants(db, paragraph_id: int) -> list[Row]:
    """The word variants of one paragraph against the other editions, with the other paragraph.

    Turned so that ``here_*`` is this paragraph's reading and ``there_*`` the other's.
    """
    results = await db.execute(
        """select v.id, v.kind, v.trivial, v.left_paragraph_id = :p as is_left,
                  case when v.left_paragraph_id = :p then v.left_start else v.right_start end as here_start,
                  case when v.left_paragraph_id = :p then v.left_end else v.right_end end as here_end,
                  case when v.left_paragraph_id = :p then v.left_text else v.right_text end as here_text,
                  case when v.left_paragraph_id = :p then v.right_text else v.left_text end as there_text,
                  o.id as other_id, o.ref as other_ref, d.id as other_document_id, d.title as other_document_title
           from variants v
           join paragraphs o on o.id = case when v.left_paragraph_id = :p
                                            then v.right_paragraph_id else v.left_paragraph_id end
           join documents d on d.id = o.document_id
           where v.left_paragraph_id = :p or v.right_paragraph_id = :p
           order by d.id, here_start, v.id""",
        {"p": paragraph_id},
    )
    out = []
    for row in _rows(results):
        if not row.pop("is_left"):
            row["kind"] = _TURNED_KIND.get(row["kind"], row["kind"])
        out.append(row)
    return out
