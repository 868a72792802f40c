"""The database edge of linking: read stored paragraphs, write runs and links.

:func:`link_corpus` is the one call the build makes after ingest. It works on the
caller's connection and inside the caller's transaction (it never commits), so a failed
build leaves nothing half-written.

Incremental by construction
    Every unordered pair of documents with paragraphs gets two runs, one per ``kind``
    (``cross_reference`` and ``alignment``). A run's ``inputs_sha256`` covers both
    documents' paragraph ids and texts in order (and, for cross-references, their
    quotations), the method, its parameters and :data:`LINK_VERSION`. A pair whose
    digest matches its stored run is left alone; a run whose digest differs, or whose
    documents are gone, is deleted with its links, and the pair is linked again.

Canonical order
    A run's ``left_document_id`` is the smaller id of the pair, and all computation walks
    paragraphs in (document id, ordinal) order, so the links do not depend on the order in
    which documents were loaded.

Directions
    Cross-references are stored in both directions (one row with each paragraph as the
    source), so "what do other documents share with this paragraph" is one ``WHERE
    source_paragraph_id = ?``; ``quotation_id`` names the source paragraph's quotation
    when the passage lies in one. Similarity alignments are likewise ranked from both
    sides (``rank`` counts within the left paragraph); edition alignments are stored once,
    left = the run's left document.

``seconds`` of a run is the time spent on that pair alone plus an equal share of the
corpus-wide work (tokenising, indexing) of the batch it was computed in.
"""
from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

import numpy as np

from synopsis.link.align import align_editions, content_cosine, rank_similar
from synopsis.link.candidates import build_index, candidate_pairs
from synopsis.link.crossref import SharedPassage, find_passages, find_quotation

__all__ = ["link_corpus", "LinkReport", "LinkParameters", "LINK_VERSION"]

log = logging.getLogger(__name__)

LINK_VERSION = "1"
"""Bumped whenever an algorithm changes its output, so every pair is linked again."""


@dataclass(frozen=True)
class LinkParameters:
    """Every threshold of the link stage, with its default (recorded in each run)."""

    score_cutoff: float = 60.0  # cross-references: least passage score (fuzz.ratio, 0-100)
    quotation_score_cutoff: float = 80.0  # quotation search: least partial_ratio
    min_words: int = 6  # cross-references: least shared content words in a passage
    max_gap: int = 8  # cross-references: most tokens between two seeds of one passage
    min_shared: int = 3  # cross-references: least shared shingles for a candidate pair
    max_df: int = 60  # skip a shingle found in more paragraphs of the pair's documents
    max_postings: int = 2000  # skip a shingle found in more paragraphs of the corpus
    similarity_cutoff: float = 30.0  # similarity alignments: least cosine (0-100)
    similarity_limit: int = 3  # similarity alignments: paragraphs kept per paragraph
    edition_baseline: float = 0.55  # editions: similarity of unrelated paragraphs (0-1)
    edition_merge_penalty: float = 0.05  # editions: cost of a 2-1 or 1-2 bead
    edition_band: int = 40  # editions: half-width of the banded programme

    def for_kind(self, kind: str, method: str) -> dict[str, Any]:
        d = asdict(self)
        if kind == "cross_reference":
            keys = ("score_cutoff", "quotation_score_cutoff", "min_words", "max_gap", "min_shared", "max_df", "max_postings")
        elif method == "edition":
            keys = ("edition_baseline", "edition_merge_penalty", "edition_band", "max_df", "max_postings")
        else:
            keys = ("similarity_cutoff", "similarity_limit", "max_df", "max_postings")
        return {k: d[k] for k in keys}


@dataclass
class LinkReport:
    """What one :func:`link_corpus` call did."""

    documents: int = 0
    pairs: int = 0  # unordered document pairs
    runs_kept: int = 0
    runs_deleted: int = 0
    runs_written: int = 0
    cross_references: int = 0  # rows written
    alignments: int = 0  # rows written
    seconds: float = 0.0
    relinked: list[tuple[str, str]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """The numbers the build reports."""
        return {
            "runs_kept": self.runs_kept, "runs_deleted": self.runs_deleted, "runs_written": self.runs_written,
            "cross_references": self.cross_references, "alignments": self.alignments,
        }


def _raw(conn: Any) -> sqlite3.Connection:
    """The sqlite3 connection behind a sqlite3 connection, SQLAlchemy Connection or Session."""
    if isinstance(conn, sqlite3.Connection):
        return conn
    if hasattr(conn, "connection") and callable(getattr(conn, "connection")):  # Session
        conn = conn.connection()
    fairy = getattr(conn, "connection", None)  # SQLAlchemy Connection → pooled DB-API connection
    raw = getattr(fairy, "driver_connection", None) or getattr(fairy, "dbapi_connection", None)
    if isinstance(raw, sqlite3.Connection):
        return raw
    raise TypeError(f"link_corpus needs a sqlite3 or SQLAlchemy connection, not {type(conn).__name__}")


def _versions() -> dict[str, str]:
    import rapidfuzz

    try:
        from importlib.metadata import version

        synopsis_version = version("synopsis")
    except Exception:  # not installed: running from a checkout
        synopsis_version = "unknown"
    return {"synopsis": synopsis_version, "link": LINK_VERSION, "rapidfuzz": rapidfuzz.__version__, "numpy": np.__version__}


def _sha(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


def _work_roots(versions: dict[str, str | None]) -> dict[str, str]:
    """Each document's root work: follow ``version_of`` to a document that has none."""
    roots = {}
    for d in versions:
        seen = {d}
        cur = d
        while versions.get(cur) and versions[cur] in versions and versions[cur] not in seen:
            cur = versions[cur]  # type: ignore[assignment]
            seen.add(cur)
        roots[d] = cur
    return roots


def link_corpus(
    conn: Any,
    *,
    parameters: LinkParameters | None = None,
    score_cutoff: float | None = None,
    force: bool = False,
) -> LinkReport:
    """Link every pair of documents in the database that needs it (see the module doc).

    ``conn`` is a ``sqlite3.Connection`` or a SQLAlchemy ``Connection``/``Session`` on a
    Synopsis database; the caller commits. ``score_cutoff`` overrides the cross-reference
    cutoff of ``parameters``; ``force`` relinks every pair.
    """
    t0 = time.perf_counter()
    params = parameters or LinkParameters()
    if score_cutoff is not None:
        params = LinkParameters(**{**asdict(params), "score_cutoff": float(score_cutoff)})
    db = _raw(conn)
    report = LinkReport()

    version_of = dict(db.execute("SELECT id, version_of FROM documents").fetchall())
    para_rows = db.execute(
        "SELECT id, document_id, ordinal, text, char_start FROM paragraphs ORDER BY document_id, ordinal, id"
    ).fetchall()
    quote_rows = db.execute(
        "SELECT q.id, q.paragraph_id, q.kind, q.char_start - p.char_start, q.char_end - p.char_start "
        "FROM quotations q JOIN paragraphs p ON p.id = q.paragraph_id ORDER BY q.paragraph_id, q.char_start, q.id"
    ).fetchall()
    quotes: dict[int, list[tuple[int, str, int, int]]] = {}
    for qid, pid, kind, qs, qe in quote_rows:
        quotes.setdefault(pid, []).append((qid, kind, qs, qe))

    docs = sorted({r[1] for r in para_rows})
    report.documents = len(docs)
    text_digest: dict[str, hashlib._Hash] = {d: hashlib.sha256() for d in docs}
    for pid, did, ordinal, text, _ in para_rows:
        text_digest[did].update(f"{pid}\x1f{ordinal}\x1f{text}\x1e".encode("utf-8"))
    quote_digest = {d: hashlib.sha256(text_digest[d].hexdigest().encode()) for d in docs}
    para_doc = {r[0]: r[1] for r in para_rows}
    for qid, pid, kind, qs, qe in quote_rows:
        if pid in para_doc:
            quote_digest[para_doc[pid]].update(f"{qid}\x1f{kind}\x1f{qs}\x1f{qe}\x1e".encode())
    tdig = {d: h.hexdigest() for d, h in text_digest.items()}
    qdig = {d: h.hexdigest() for d, h in quote_digest.items()}

    roots = _work_roots({d: version_of.get(d) or None for d in version_of})
    expected: dict[tuple[str, str, str], tuple[str, str, dict[str, Any]]] = {}  # key → (sha, method, params)
    for ai in range(len(docs)):
        for bi in range(ai + 1, len(docs)):
            a, b = docs[ai], docs[bi]
            report.pairs += 1
            p = params.for_kind("cross_reference", "ngram-rapidfuzz")
            expected[("cross_reference", a, b)] = (
                _sha("cross_reference", "ngram-rapidfuzz", LINK_VERSION, json.dumps(p, sort_keys=True), qdig[a], qdig[b]),
                "ngram-rapidfuzz", p,
            )
            method = "edition" if roots.get(a, a) == roots.get(b, b) else "similarity"
            p = params.for_kind("alignment", method)
            expected[("alignment", a, b)] = (
                _sha("alignment", method, LINK_VERSION, json.dumps(p, sort_keys=True), tdig[a], tdig[b]),
                method, p,
            )

    stale_runs: list[int] = []
    done: set[tuple[str, str, str]] = set()
    for rid, kind, left, right, sha in db.execute(
        "SELECT id, kind, left_document_id, right_document_id, inputs_sha256 FROM runs ORDER BY id"
    ).fetchall():
        key = (kind, left, right)
        if not force and key in expected and expected[key][0] == sha and key not in done:
            done.add(key)
            report.runs_kept += 1
        else:
            stale_runs.append(rid)
    if stale_runs:
        for chunk in range(0, len(stale_runs), 500):
            ids = stale_runs[chunk : chunk + 500]
            marks = ",".join("?" * len(ids))
            db.execute(f"DELETE FROM cross_references WHERE run_id IN ({marks})", ids)
            db.execute(f"DELETE FROM alignments WHERE run_id IN ({marks})", ids)
            db.execute(f"DELETE FROM runs WHERE id IN ({marks})", ids)
        report.runs_deleted = len(stale_runs)

    todo = sorted(k for k in expected if k not in done)
    if not todo:
        report.seconds = time.perf_counter() - t0
        return report
    todo_docs = sorted({k[1] for k in todo} | {k[2] for k in todo})
    log.info("linking %d runs over %d documents", len(todo), len(todo_docs))

    wanted = set(todo_docs)
    index = build_index([(r[0], r[1], r[2], r[3]) for r in para_rows if r[1] in wanted])
    dpos = {d: i for i, d in enumerate(index.documents)}
    nd = len(index.documents)
    allowed = np.zeros((nd, nd), dtype=bool)
    for kind, a, b in todo:
        allowed[dpos[a], dpos[b]] = allowed[dpos[b], dpos[a]] = True
    left_idx, right_idx, shared = candidate_pairs(
        index, allowed=allowed, min_shared=1, max_df=params.max_df, max_postings=params.max_postings
    )
    shared_seconds = (time.perf_counter() - t0) / len(todo)

    # candidate pairs grouped by document pair (left doc < right doc by construction)
    by_pair: dict[tuple[str, str], list[tuple[int, int, int]]] = {}
    docs_of = index.doc_index
    for i, j, s in zip(left_idx.tolist(), right_idx.tolist(), shared.tolist()):
        key = (index.documents[docs_of[i]], index.documents[docs_of[j]])
        by_pair.setdefault(key, []).append((i, j, s))

    para_quotes: dict[int, list[tuple[int, int, int]]] = {}  # index → [(quotation id, first, last token)]

    def quotations_of(i: int) -> list[tuple[int, int, int]]:
        if i not in para_quotes:
            toks = index.tokens[i]
            found = []
            for qid, kind, qs, qe in quotes.get(int(index.paragraph_ids[i]), []):
                inside = [k for k in range(len(toks)) if toks.starts[k] >= qs and toks.ends[k] <= qe]
                if inside and kind == "quotation":
                    found.append((qid, inside[0], inside[-1]))
            para_quotes[i] = found
        return para_quotes[i]

    versions_json = json.dumps(_versions(), sort_keys=True)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    xref_rows: list[tuple] = []
    align_rows: list[tuple] = []
    for kind, a, b in todo:
        t_pair = time.perf_counter()
        sha, method, p = expected[(kind, a, b)]
        cands = by_pair.get((a, b), [])
        if kind == "cross_reference":
            rows = _cross_reference_rows(index, cands, params, quotations_of)
        elif method == "edition":
            rows = _edition_rows(index, a, b, cands, params)
        else:
            rows = _similarity_rows(index, cands, params)
        seconds = time.perf_counter() - t_pair + shared_seconds
        cur = db.execute(
            "INSERT INTO runs (kind, method, left_document_id, right_document_id, parameters, versions, "
            "inputs_sha256, created_at, seconds, link_count) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (kind, method, a, b, json.dumps(p, sort_keys=True), versions_json, sha, now, round(seconds, 4), len(rows)),
        )
        run_id = cur.lastrowid
        if kind == "cross_reference":
            xref_rows.extend((run_id, *r) for r in rows)
        else:
            align_rows.extend((run_id, *r) for r in rows)
        report.runs_written += 1
        report.relinked.append((a, b))
    db.executemany(
        "INSERT INTO cross_references (run_id, method, source_document_id, target_document_id, source_paragraph_id, "
        "target_paragraph_id, quotation_id, source_start, source_end, target_start, target_end, source_text, "
        "target_text, score) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        xref_rows,
    )
    db.executemany(
        "INSERT INTO alignments (run_id, method, left_document_id, right_document_id, left_paragraph_id, "
        "right_paragraph_id, bead, pattern, rank, score) VALUES (?,?,?,?,?,?,?,?,?,?)",
        align_rows,
    )
    report.cross_references = len(xref_rows)
    report.alignments = len(align_rows)
    report.relinked = sorted(set(report.relinked))
    report.seconds = time.perf_counter() - t0
    log.info(
        "linked %d runs: %d cross-references, %d alignments in %.2fs",
        report.runs_written, report.cross_references, report.alignments, report.seconds,
    )
    return report


def pair_passages(
    left, right, left_quotes, right_quotes, params: LinkParameters
) -> list[SharedPassage]:
    """All passages of one paragraph pair: chains, then quotation searches, merged.

    A passage found by a quotation search replaces a chain passage it overlaps; a chain
    passage that lies within a quotation inherits that quotation.
    """
    found = find_passages(
        left, right, score_cutoff=params.score_cutoff, min_words=params.min_words, max_gap=params.max_gap
    )
    quoted: list[SharedPassage] = []
    for qi, (_, first, last) in enumerate(left_quotes):
        if sum(left.content[first : last + 1]) >= params.min_words:
            quoted.extend(find_quotation(left, first, last, right, score_cutoff=params.quotation_score_cutoff, quotation=qi))
    for qi, (_, first, last) in enumerate(right_quotes):
        if sum(right.content[first : last + 1]) >= params.min_words:
            for p in find_quotation(right, first, last, left, score_cutoff=params.quotation_score_cutoff, quotation=qi):
                quoted.append(SharedPassage(p.right_start, p.right_end, p.left_start, p.left_end, p.score, p.method, None, qi))
    merged = [q for q in quoted]
    for p in found:
        if not any(p.overlaps(q) for q in quoted):
            merged.append(p)
    out = []
    for p in merged:
        lq = p.left_quotation if p.left_quotation is not None else _inside(p.left_start, p.left_end, left, left_quotes)
        rq = p.right_quotation if p.right_quotation is not None else _inside(p.right_start, p.right_end, right, right_quotes)
        out.append(SharedPassage(p.left_start, p.left_end, p.right_start, p.right_end, p.score, p.method, lq, rq))
    dedup: list[SharedPassage] = []
    for p in sorted(out, key=lambda p: (-p.score, p.left_start, p.right_start)):
        if not any(p.overlaps(k) for k in dedup):
            dedup.append(p)
    return sorted(dedup, key=lambda p: (p.left_start, p.right_start))


def _inside(start: int, end: int, toks, quotes: list[tuple[int, int, int]]) -> int | None:
    """The quotation (index) covering at least half of ``[start, end)``, if any."""
    for qi, (_, first, last) in enumerate(quotes):
        qs, qe = toks.starts[first], toks.ends[last]
        if (min(end, qe) - max(start, qs)) * 2 >= end - start:
            return qi
    return None


def _cross_reference_rows(index, cands, params: LinkParameters, quotations_of) -> list[tuple]:
    rows = []
    for i, j, s in cands:
        if s < params.min_shared:
            continue
        li, ri = index.tokens[i], index.tokens[j]
        lq, rq = quotations_of(i), quotations_of(j)
        lp, rp = int(index.paragraph_ids[i]), int(index.paragraph_ids[j])
        ld, rd = index.documents[index.doc_index[i]], index.documents[index.doc_index[j]]
        lt, rt = index.texts[i], index.texts[j]
        for p in pair_passages(li, ri, lq, rq, params):
            lqid = lq[p.left_quotation][0] if p.left_quotation is not None else None
            rqid = rq[p.right_quotation][0] if p.right_quotation is not None else None
            rows.append((p.method, ld, rd, lp, rp, lqid, p.left_start, p.left_end, p.right_start, p.right_end,
                         lt[p.left_start:p.left_end], rt[p.right_start:p.right_end], p.score))
            rows.append((p.method, rd, ld, rp, lp, rqid, p.right_start, p.right_end, p.left_start, p.left_end,
                         rt[p.right_start:p.right_end], lt[p.left_start:p.left_end], p.score))
    return rows


def _edition_rows(index, a: str, b: str, cands, params: LinkParameters) -> list[tuple]:
    la, lb = index.doc_range(a), index.doc_range(b)
    left = [index.tokens[k] for k in la]
    right = [index.tokens[k] for k in lb]
    local = [(i - la.start, j - lb.start, float(s)) for i, j, s in cands]
    beads = align_editions(
        left, right, candidates=local, baseline=params.edition_baseline,
        merge_penalty=params.edition_merge_penalty, band_width=params.edition_band,
    )
    rows = []
    for n, bead in enumerate(beads, 1):
        lids = [int(index.paragraph_ids[la.start + i]) for i in bead.left] or [None]
        rids = [int(index.paragraph_ids[lb.start + j]) for j in bead.right] or [None]
        for lid in lids:
            for rid in rids:
                rows.append(("edition", a, b, lid, rid, n, bead.pattern, 1, bead.score))
    return rows


def _similarity_rows(index, cands, params: LinkParameters) -> list[tuple]:
    scores: dict[tuple[int, int], float] = {}

    def score(i: int, j: int) -> float:
        key = (min(i, j), max(i, j))
        if key not in scores:
            scores[key] = content_cosine(index.tokens[key[0]], index.tokens[key[1]])
        return scores[key]

    pairs = [(i, j) for i, j, _ in cands]
    rows = []
    for ranked in (
        rank_similar(pairs, score, score_cutoff=params.similarity_cutoff, limit=params.similarity_limit),
        rank_similar([(j, i) for i, j in pairs], score, score_cutoff=params.similarity_cutoff, limit=params.similarity_limit),
    ):
        for r in ranked:
            ld, rd = index.documents[index.doc_index[r.left]], index.documents[index.doc_index[r.right]]
            rows.append(("similarity", ld, rd, int(index.paragraph_ids[r.left]), int(index.paragraph_ids[r.right]),
                         None, None, r.rank, r.score))
    return rows
