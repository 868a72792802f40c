"""The database edge of linking: read stored paragraphs, write runs and links.

:func:`link_corpus` is the one call the build makes after ingest. It works on the
caller's connection and inside the caller's transaction (it never commits), so a failed
build leaves nothing half-written.

Incremental, per document
    Each document has a *digest*: SHA-256 over its paragraphs (ids, ordinals, texts), its
    marked quotations, its work (the root of its ``version_of`` chain), every link
    parameter and :data:`LINK_VERSION`. It is remembered in one ``runs`` row per document
    (``kind = 'document'``, ``method = 'digest'``, left and right both that document,
    ``inputs_sha256`` the digest, ``link_count`` 0): "this document has been linked
    against every other document present, with these inputs". A document whose digest
    matches is *fresh*; the others (new, changed, relinked by ``force``) are *stale*.
    Linking then touches only pairs with a stale side: their old runs and links are
    deleted and they are computed again, while pairs of two fresh documents are left
    alone — their links depend on nothing but those two documents (every statistic is
    per pair), so they are still right. A build that adds one document to 2,000 computes
    its 2,000 pairs, not two million.

Runs
    A pair of documents gets a run only when it has something to show: a
    ``cross_reference`` run when passages were found, an ``alignment`` run of method
    ``similarity`` when similar paragraphs were ranked, and always an ``alignment`` run
    of method ``edition`` for two editions of one work, with a ``variant`` run (method
    ``collation``, :mod:`synopsis.link.variants`) beside it when the two editions are in
    one language: the word variants inside its beads. So ``runs`` grows with the links,
    not with the square of the documents. Each run records its method, its parameters
    (JSON), the library versions (JSON) and ``inputs_sha256`` = SHA-256 over the kind,
    method, parameters, :data:`LINK_VERSION` and both documents' digests.

Canonical order
    A run's ``left_document_id`` is the smaller id of the pair, and all computation walks
    paragraphs in (document id, ordinal) order, so the links do not depend on the order in
    which documents were loaded or the order in which they were added.

Directions
    Cross-references are stored in both directions (one row with each paragraph as the
    source), so "what do other documents share with this paragraph" is one ``WHERE
    source_paragraph_id = ?``; ``quotation_id`` names the source paragraph's quotation
    when the passage lies in one. Similarity alignments are likewise ranked from both
    sides (``rank`` counts within the left paragraph); edition alignments are stored once,
    left = the run's left document.

The token cache
    Tokenising 10 million words takes seconds, and a build that adds one document should
    not pay it for the other 99,999 paragraphs. So the content-token key hashes of each
    document are kept in a cache file in the database's folder
    (``.synopsis-link-cache.npz``), keyed by a digest of the document's texts: an entry
    is used only for a document whose texts hash the same, so a stale or foreign cache
    can slow a build down but never change its links. ``cache=False`` turns it off.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import sqlite3
import time
from collections import Counter
from dataclasses import asdict, astuple, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from synopsis.link.align import count_cosine, rank_similar
from synopsis.link.candidates import candidate_pairs, shingle_postings
from synopsis.link.crossref import (
    METHOD_ALIGN,
    _aligned,
    _dense_stretches,
    METHOD_QUOTATION,
    SharedPassage,
    find_passages,
    find_quotation,
    refine_window,
)
from synopsis.files import write_atomic
from synopsis.timing import StepTimer
from synopsis.link.normalize import NORMALIZE_VERSION, Tokens, encode_paragraphs, tokenize
from synopsis.link.sentalign import METHOD as METHOD_SENTENCES, SentenceAlignParameters
from synopsis.link.versions import align_stored_versions
from synopsis.link.variants import METHOD as VARIANT_METHOD, variants_of_edition

__all__ = ["link_corpus", "LinkReport", "LinkParameters", "LINK_VERSION", "pair_passages"]

log = logging.getLogger(__name__)

LINK_VERSION = "4"
"""Bumped whenever an algorithm changes its output, so every document is linked again."""

DOCUMENT_KIND = "document"
"""``runs.kind`` of the per-document digest rows."""


@dataclass(frozen=True)
class LinkParameters:
    """Every threshold of the link stage, with its default (recorded in each run).

    The cutoffs were set by measurement (``benchmarks/bench_link.py`` and a sweep over a
    generated 20,000-paragraph corpus with 400 planted passages and the labelled cases):
    precision and recall are flat for ``score_cutoff`` 50–65 and ``short_score_cutoff``
    65–80; translations start to be lost at ``score_cutoff`` 70 and short planted
    passages at ``short_score_cutoff`` 85. The defaults sit in the middle of the plateau.
    """

    score_cutoff: float = 60.0  # cross-references: least passage score (fuzz.ratio, 0-100)
    quotation_score_cutoff: float = 80.0  # quotation search: least partial_ratio
    min_words: int = 4  # cross-references: least aligned content words in a passage
    long_words: int = 6  # cross-references: a passage this long needs score_cutoff, a shorter one more
    short_score_cutoff: float = 75.0  # cross-references: least score of a passage shorter than long_words
    max_gap: int = 6  # cross-references: most unmatched content words between two aligned ones
    gap_penalty: float = 0.5  # cross-references: cost of an unmatched word
    quotation_min_words: int = 6  # quotation search: least content words in a searched quotation
    min_shared: int = 3  # cross-references: least shared shingles for a candidate pair
    similarity_min_shared: int = 2  # similarity alignments: least shared shingles
    max_df: int = 60  # skip a shingle found in more paragraphs of the pair's documents
    max_postings: int = 5000  # skip a shingle found in more paragraphs of the corpus
    similarity_cutoff: float = 30.0  # similarity alignments: least cosine (0-100)
    similarity_limit: int = 3  # similarity alignments: paragraphs kept per paragraph
    edition_band: int = 12  # editions: sentence aligner's first search band (synopsis.link.sentalign)
    edition_fine_band: int = 6  # editions: sentence aligner's band around its first path
    edition_prior_strength: float = 100.0  # editions: beads' worth of Gale-Church shape priors
    edition_length_variance: float = 6.8  # editions: Gale-Church's s², before the pair's own is estimated
    edition_rare_df: int = 2  # editions: most sentences per side of a token that makes an anchor

    def for_kind(self, kind: str, method: str) -> dict[str, Any]:
        """The parameters a run of ``kind``/``method`` depends on."""
        d = asdict(self)
        if kind == "cross_reference":
            keys = ("score_cutoff", "quotation_score_cutoff", "min_words", "long_words", "short_score_cutoff", "max_gap",
                    "gap_penalty", "quotation_min_words", "min_shared", "max_df", "max_postings")
        elif method == "edition":
            keys = ("edition_band", "edition_fine_band", "edition_prior_strength", "edition_length_variance",
                    "edition_rare_df")
        elif method == "similarity":
            keys = ("similarity_cutoff", "similarity_limit", "similarity_min_shared", "max_df", "max_postings")
        else:
            keys = tuple(d)
        return {k: d[k] for k in keys}


@dataclass
class LinkReport:
    """What one :func:`link_corpus` call did."""

    documents: int = 0
    stale_documents: int = 0  # documents linked again (new, changed or forced)
    runs_kept: int = 0
    runs_deleted: int = 0
    runs_written: int = 0
    cross_references: int = 0  # rows written
    alignments: int = 0  # rows written
    variants: int = 0  # rows written
    candidate_pairs: int = 0  # paragraph pairs the index put forward
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)  # wall seconds per step
    cpu_steps: dict[str, float] = field(default_factory=dict)  # CPU seconds of this process per step
    peak_mib: dict[str, int] = field(default_factory=dict)  # the process's peak resident memory after each step
    relinked: list[tuple[str, str]] = field(default_factory=list)  # document pairs with new runs

    @property
    def counts(self) -> dict[str, int]:
        """The numbers the build reports."""
        return {
            "runs_kept": self.runs_kept, "runs_deleted": self.runs_deleted, "runs_written": self.runs_written,
            "cross_references": self.cross_references, "alignments": self.alignments, "variants": self.variants,
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
    import Stemmer

    try:
        from importlib.metadata import version

        synopsis_version = version("synopsis")
    except Exception:  # not installed: running from a checkout
        synopsis_version = "unknown"
    return {
        "synopsis": synopsis_version, "link": LINK_VERSION, "normalize": NORMALIZE_VERSION,
        "rapidfuzz": rapidfuzz.__version__, "numpy": np.__version__,
        "pystemmer": getattr(Stemmer, "__version__", "unknown"),
    }


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


CACHE_NAME = ".synopsis-link-cache.npz"
"""The token cache's file name, in the database's folder."""


def default_cache_path(db: sqlite3.Connection) -> Path | None:
    """:data:`CACHE_NAME` in the main database file's folder, or None for a database in memory.

    The folder, not the file: the build links inside a copy (``.synopsis.db.building``)
    that it renames into place, and a copy of a database elsewhere in the folder should
    find the tokens too. Entries are keyed by the texts they came from, so databases that
    share a folder can share the cache.
    """
    for _, name, filename in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and filename:
            return Path(filename).parent / CACHE_NAME
    return None


def _load_cache(path: Path | None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Token digest → (content key hashes, per-paragraph offsets), or empty."""
    if path is None or not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            digests = data["digests"]
            para_counts = data["para_counts"]
            content_counts = data["content_counts"]
            keys = data["keys"]
        out = {}
        p0 = k0 = 0
        for digest, npara in zip(digests.tolist(), para_counts.tolist()):
            counts = content_counts[p0 : p0 + npara]
            offsets = np.zeros(npara + 1, dtype=np.int64)
            np.cumsum(counts, out=offsets[1:])
            out[digest] = (keys[k0 : k0 + int(offsets[-1])], offsets)
            p0 += npara
            k0 += int(offsets[-1])
        return out
    except Exception as error:  # a damaged cache is only a slower build
        log.warning("ignoring the link cache %s: %s", path, error)
        return {}


def _save_cache(path: Path | None, entries: list[tuple[str, np.ndarray, np.ndarray]]) -> None:
    if path is None:
        return
    try:
        buffer = io.BytesIO()
        np.savez(
            buffer,
            digests=np.asarray([d for d, _, _ in entries], dtype="U64"),
            para_counts=np.asarray([len(o) - 1 for _, _, o in entries], dtype=np.int64),
            content_counts=np.concatenate([np.diff(o) for _, _, o in entries]) if entries else np.zeros(0, np.int64),
            keys=np.concatenate([k for _, k, _ in entries]) if entries else np.zeros(0, np.uint64),
        )
        write_atomic(path, buffer.getvalue(), durable=False)  # a cache: losing it only slows a build
    except OSError as error:
        log.warning("could not write the link cache %s: %s", path, error)


def link_corpus(
    conn: Any,
    *,
    parameters: LinkParameters | None = None,
    score_cutoff: float | None = None,
    force: bool = False,
    cache: str | Path | bool | None = None,
) -> LinkReport:
    """Link every pair of documents in the database that needs it (see the module doc).

    ``conn`` is a ``sqlite3.Connection`` or a SQLAlchemy ``Connection``/``Session`` on a
    Synopsis database; the caller commits. ``score_cutoff`` overrides the cross-reference
    cutoff of ``parameters``; ``force`` relinks every document. ``cache`` is the token
    cache file: None for the default beside the database, False for none.
    """
    t0 = time.perf_counter()
    params = parameters or LinkParameters()
    if score_cutoff is not None:
        params = LinkParameters(**{**asdict(params), "score_cutoff": float(score_cutoff)})
    db = _raw(conn)
    report = LinkReport()
    timer = StepTimer(report.steps, report.cpu_steps, report.peak_mib)

    version_of, ingest_digest = {}, {}
    for doc_id, of, pipeline_sha256 in db.execute("SELECT id, version_of, pipeline_sha256 FROM documents"):
        version_of[doc_id], ingest_digest[doc_id] = of, pipeline_sha256
    rows = db.execute("SELECT id, document_id, ordinal, text FROM paragraphs ORDER BY document_id, ordinal, id").fetchall()
    pids = [r[0] for r in rows]
    pdocs = [r[1] for r in rows]
    texts = [r[3] for r in rows]
    quotes: dict[int, list[tuple[int, int, int]]] = {}
    for qid, pid, qs, qe in db.execute(
        "SELECT q.id, q.paragraph_id, q.char_start - p.char_start, q.char_end - p.char_start "
        "FROM quotations q JOIN paragraphs p ON p.id = q.paragraph_id WHERE q.kind = 'quotation' "
        "ORDER BY q.paragraph_id, q.char_start, q.id"
    ):
        quotes.setdefault(pid, []).append((qid, qs, qe))

    docs = sorted(set(pdocs))
    report.documents = len(docs)
    dpos = {d: i for i, d in enumerate(docs)}
    para_doc = np.fromiter((dpos[d] for d in pdocs), dtype=np.int64, count=len(pdocs))
    doc_first = np.searchsorted(para_doc, np.arange(len(docs) + 1))  # paragraphs of doc k: [first[k], first[k+1])
    roots = _work_roots({d: version_of.get(d) or None for d in version_of})
    params_json = json.dumps(asdict(params), sort_keys=True)

    # digests: what a document's links depend on (link digest) and its tokens (text digest).
    # A document stored by `synopsis build` carries the digest of everything its rows come
    # from (source bytes, metadata, ingest code): that stands for its texts, ids and
    # quotations without reading them through again (a second off a 100k-paragraph rebuild).
    link_digest: dict[str, str] = {}
    text_digest: dict[str, str] = {}
    for k, d in enumerate(docs):
        if ingest_digest.get(d):
            text_digest[d] = _sha("tokens", NORMALIZE_VERSION, "ingest", ingest_digest[d])
            link_digest[d] = _sha("link", LINK_VERSION, params_json, roots.get(d, d), "ingest", ingest_digest[d])
            continue
        th = hashlib.sha256(f"tokens\x1e{NORMALIZE_VERSION}\x1e".encode())
        lh = hashlib.sha256(f"link\x1e{LINK_VERSION}\x1e{params_json}\x1e{roots.get(d, d)}\x1e".encode())
        for p in range(int(doc_first[k]), int(doc_first[k + 1])):
            text = texts[p].encode("utf-8")
            th.update(text)
            th.update(b"\x1e")
            lh.update(f"{pids[p]}\x1f{rows[p][2]}\x1f".encode())
            lh.update(text)
            lh.update(b"\x1e")
            for qid, qs, qe in quotes.get(pids[p], ()):
                lh.update(f"q{qid}\x1f{qs}\x1f{qe}\x1e".encode())
        text_digest[d] = th.hexdigest()
        lh.update(text_digest[d].encode())
        link_digest[d] = lh.hexdigest()
    del rows
    timer.lap("read")

    # which documents are stale, and which runs go with them
    present = set(docs)
    runs = db.execute("SELECT id, kind, left_document_id, right_document_id, inputs_sha256 FROM runs").fetchall()
    fresh = set()
    if not force:
        fresh = {left for _, kind, left, right, sha in runs
                 if kind == DOCUMENT_KIND and left == right and left in present and sha == link_digest[left]}
    stale = sorted(present - fresh)
    report.stale_documents = len(stale)
    stale_set = set(stale)
    doomed = []
    for rid, kind, left, right, sha in runs:
        if left in stale_set or right in stale_set or left not in present or right not in present:
            doomed.append(rid)
        else:
            report.runs_kept += 1
    if doomed:
        db.execute("CREATE TEMP TABLE IF NOT EXISTS _doomed_runs (id INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM _doomed_runs")
        db.executemany("INSERT OR IGNORE INTO _doomed_runs (id) VALUES (?)", ((r,) for r in doomed))
        db.execute("DELETE FROM cross_references WHERE run_id IN (SELECT id FROM _doomed_runs)")
        db.execute("DELETE FROM alignments WHERE run_id IN (SELECT id FROM _doomed_runs)")
        db.execute("DELETE FROM sentence_alignments WHERE run_id IN (SELECT id FROM _doomed_runs)")
        db.execute("DELETE FROM variants WHERE run_id IN (SELECT id FROM _doomed_runs)")
        db.execute("DELETE FROM runs WHERE id IN (SELECT id FROM _doomed_runs)")
        db.execute("DELETE FROM _doomed_runs")
        report.runs_deleted = len(doomed)
    timer.lap("delete")
    if not stale:
        report.seconds = time.perf_counter() - t0
        return report
    log.info("linking %d of %d documents", len(stale), len(docs))

    # tokens of every paragraph, as content key hashes: from the cache or computed
    cache_path = None if cache is False else (Path(cache) if cache not in (None, True) else default_cache_path(db))
    cached = _load_cache(cache_path)
    todo_docs = [d for d in docs if text_digest[d] not in cached]
    todo_paras = [p for d in todo_docs for p in range(int(doc_first[dpos[d]]), int(doc_first[dpos[d] + 1]))]
    language = dict(db.execute("SELECT id, language FROM documents"))  # each document's own tokenisation
    new_keys, new_offsets = encode_paragraphs([texts[p] for p in todo_paras], languages=[language.get(pdocs[p]) for p in todo_paras])
    per_doc: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    at = 0
    for d in todo_docs:
        npara = int(doc_first[dpos[d] + 1] - doc_first[dpos[d]])
        offs = new_offsets[at : at + npara + 1]
        per_doc[d] = (new_keys[offs[0] : offs[-1]], offs - offs[0])
        at += npara
    key_parts, count_parts = [], []
    for d in docs:
        keys_d, offs_d = per_doc.get(d) or cached[text_digest[d]]
        key_parts.append(keys_d)
        count_parts.append(np.diff(offs_d))
    keys = np.concatenate(key_parts) if key_parts else np.zeros(0, np.uint64)
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    if count_parts:
        np.cumsum(np.concatenate(count_parts), out=offsets[1:])
    if cache_path is not None and todo_docs:
        _save_cache(cache_path, [(text_digest[d], *(per_doc.get(d) or cached[text_digest[d]])) for d in docs])
    del cached, key_parts, count_parts, per_doc
    timer.lap("tokens")

    # candidate paragraph pairs with at least one side in a stale document
    focus = np.zeros(len(docs), dtype=bool)
    focus[[dpos[d] for d in stale]] = True
    focus_paras = focus[para_doc]
    only = None
    if focus_paras.mean() < 0.5:  # a few documents against many: filter the corpus by their words
        counts = np.diff(offsets)
        only = np.unique(keys[np.repeat(focus_paras, counts)])
    hashes, post_para = shingle_postings(keys, offsets, only_keys=only)
    common = dict(max_df=params.max_df, max_postings=params.max_postings)
    left, right, shared = candidate_pairs(
        hashes, post_para, para_doc, focus=focus, min_shared=min(params.min_shared, params.similarity_min_shared),
        **common,
    )
    root_of = [roots.get(d, d) for d in docs]
    works: dict[str, list[int]] = {}
    for k, r in enumerate(root_of):
        works.setdefault(r, []).append(k)
    del hashes, post_para
    report.candidate_pairs = len(left)
    timer.lap("candidates")

    tokens: dict[int, Tokens] = {}

    def toks(i: int) -> Tokens:
        t = tokens.get(i)
        if t is None:
            t = tokens[i] = tokenize(texts[i], language=language.get(pdocs[i]))
        return t

    para_quotes: dict[int, list[tuple[int, int, int]]] = {}

    def quotations_of(i: int) -> list[tuple[int, int, int]]:
        """(quotation id, first token, last token) of paragraph i's marked quotations."""
        found = para_quotes.get(i)
        if found is None:
            found = []
            marks = quotes.get(pids[i])
            if marks:
                t = toks(i)
                for qid, qs, qe in marks:
                    inside = [k for k in range(len(t)) if t.starts[k] >= qs and t.ends[k] <= qe]
                    if inside:
                        found.append((qid, inside[0], inside[-1]))
            para_quotes[i] = found
        return found

    da_all, db_all = para_doc[left], para_doc[right]
    same_work = np.fromiter((root_of[a] == root_of[b] for a, b in zip(da_all.tolist(), db_all.tolist())),
                            dtype=bool, count=len(left))

    # cross-references
    xref: dict[tuple[int, int], list[tuple]] = {}
    seconds: dict[tuple[str, int, int], float] = {}
    sel = np.flatnonzero(shared >= params.min_shared)
    for i, j in zip(left[sel].tolist(), right[sel].tolist()):
        t_pair = time.perf_counter()
        if not _may_share(keys[offsets[i] : offsets[i + 1]], keys[offsets[j] : offsets[j + 1]], params):
            continue  # no stretch of aligned words at all: not worth tokenising
        key = (int(para_doc[i]), int(para_doc[j]))
        out = xref.setdefault(key, [])
        for p in pair_passages(toks(i), toks(j), quotations_of(i), quotations_of(j), params):
            lq, rq = quotations_of(i), quotations_of(j)
            lqid = lq[p.left_quotation][0] if p.left_quotation is not None else None
            rqid = rq[p.right_quotation][0] if p.right_quotation is not None else None
            ld, rd = docs[key[0]], docs[key[1]]
            lt, rt = texts[i], texts[j]
            out.append((p.method, ld, rd, pids[i], pids[j], lqid, p.left_start, p.left_end, p.right_start,
                        p.right_end, lt[p.left_start:p.left_end], rt[p.right_start:p.right_end], p.score))
            out.append((p.method, rd, ld, pids[j], pids[i], rqid, p.right_start, p.right_end, p.left_start,
                        p.left_end, rt[p.right_start:p.right_end], lt[p.left_start:p.left_end], p.score))
        seconds[("x", *key)] = seconds.get(("x", *key), 0.0) + time.perf_counter() - t_pair
    timer.lap("cross_references")

    # similarity: ranked from both sides, for pairs of different works
    bags: dict[int, tuple[Counter, float]] = {}

    def bag(i: int) -> tuple[Counter, float]:
        b = bags.get(i)
        if b is None:
            words = Counter(keys[offsets[i] : offsets[i + 1]].tolist())
            b = bags[i] = (words, math.sqrt(sum(v * v for v in words.values())))
        return b

    similar: dict[tuple[int, int], list[tuple]] = {}
    sel = np.flatnonzero((shared >= params.similarity_min_shared) & ~same_work)
    if len(sel):
        pair_docs = da_all[sel] * len(docs) + db_all[sel]
        order = np.argsort(pair_docs, kind="stable")
        sel, pair_docs = sel[order], pair_docs[order]
        bounds = np.flatnonzero(np.r_[True, pair_docs[1:] != pair_docs[:-1], True])
        for g in range(len(bounds) - 1):
            members = sel[bounds[g] : bounds[g + 1]]
            t_pair = time.perf_counter()
            pairs = list(zip(left[members].tolist(), right[members].tolist()))
            scores = {(i, j): count_cosine(*bag(i), *bag(j)) for i, j in pairs}
            key = (int(para_doc[pairs[0][0]]), int(para_doc[pairs[0][1]]))
            rows_out = []
            for ranked in (
                rank_similar(pairs, lambda i, j: scores[(i, j)], score_cutoff=params.similarity_cutoff,
                             limit=params.similarity_limit),
                rank_similar([(j, i) for i, j in pairs], lambda i, j: scores[(j, i)],
                             score_cutoff=params.similarity_cutoff, limit=params.similarity_limit),
            ):
                for r in ranked:
                    rows_out.append(("similarity", docs[para_doc[r.left]], docs[para_doc[r.right]], pids[r.left],
                                     pids[r.right], None, None, r.rank, r.score))
            if rows_out:
                similar[key] = rows_out
            seconds[("s", *key)] = time.perf_counter() - t_pair
    timer.lap("similarity")

    # editions: every pair of one work with a stale side, aligned sentence by sentence
    editions: dict[tuple[int, int], list[tuple]] = {}
    edition_sentences: dict[tuple[int, int], list[tuple]] = {}
    for members in works.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                if not (focus[a] or focus[b]):
                    continue
                t_pair = time.perf_counter()
                found = align_stored_versions(db, docs[a], docs[b], parameters=SentenceAlignParameters(
                    band=params.edition_band, fine_band=params.edition_fine_band,
                    prior_strength=params.edition_prior_strength, length_variance=params.edition_length_variance,
                    rare_df=params.edition_rare_df))
                editions[(a, b)] = [("edition", docs[a], docs[b], lp, rp, n, pattern, 1, score)
                                    for n, pattern, lp, rp, score in found.paragraph_rows]
                edition_sentences[(a, b)] = [(METHOD_SENTENCES, docs[a], docs[b], ls, rs, lp, rp, n, pattern, score)
                                             for n, pattern, ls, rs, lp, rp, score in found.sentence_rows]
                seconds[("e", a, b)] = time.perf_counter() - t_pair
    timer.lap("editions")

    # variants: word by word inside each edition bead, for editions in one language
    variants: dict[tuple[int, int], tuple[dict, list]] = {}
    for (a, b), links in editions.items():
        t_pair = time.perf_counter()
        found = variants_of_edition(
            links, [(pids[i], texts[i]) for i in range(int(doc_first[a]), int(doc_first[a + 1]))],
            [(pids[j], texts[j]) for j in range(int(doc_first[b]), int(doc_first[b + 1]))],
            left_language=language.get(docs[a]), right_language=language.get(docs[b]),
        )
        if found is not None:
            variants[(a, b)] = found
            seconds[("v", a, b)] = time.perf_counter() - t_pair
    timer.lap("variants")

    # runs and rows
    versions_json = json.dumps(_versions(), sort_keys=True)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    next_id = (db.execute("SELECT coalesce(max(id), 0) FROM runs").fetchone()[0] or 0) + 1
    run_rows, xref_rows, align_rows, sentence_rows, variant_rows = [], [], [], [], []

    def add_run(kind: str, method: str, a: int, b: int, links: list, secs: float, parameters: dict | None = None) -> int:
        nonlocal next_id
        p = json.dumps(parameters if parameters is not None else params.for_kind(kind, method), sort_keys=True)
        sha = _sha(kind, method, LINK_VERSION, p, link_digest[docs[a]], link_digest[docs[b]])
        rid = next_id
        next_id += 1
        run_rows.append((rid, kind, method, docs[a], docs[b], p, versions_json, sha, now, round(secs, 4), len(links)))
        report.relinked.append((docs[a], docs[b]))
        return rid

    for (a, b), links in sorted(xref.items()):
        if links:
            rid = add_run("cross_reference", METHOD_ALIGN, a, b, links, seconds.get(("x", a, b), 0.0))
            xref_rows.extend((rid, *r) for r in links)
    for (a, b), links in sorted(similar.items()):
        rid = add_run("alignment", "similarity", a, b, links, seconds.get(("s", a, b), 0.0))
        align_rows.extend((rid, *r) for r in links)
    for (a, b), links in sorted(editions.items()):
        rid = add_run("alignment", "edition", a, b, links, seconds.get(("e", a, b), 0.0))
        align_rows.extend((rid, *r) for r in links)
        sentence_rows.extend((rid, *r) for r in edition_sentences[(a, b)])
    for (a, b), (parameters, links) in sorted(variants.items()):
        rid = add_run("variant", VARIANT_METHOD, a, b, links, seconds.get(("v", a, b), 0.0), parameters)
        variant_rows.extend((rid, docs[a], docs[b], *astuple(r)) for r in links)
    all_params = json.dumps(asdict(params), sort_keys=True)
    for d in stale:
        run_rows.append((next_id, DOCUMENT_KIND, "digest", d, d, all_params, versions_json, link_digest[d], now, 0.0, 0))
        next_id += 1
    db.executemany(
        "INSERT INTO runs (id, kind, method, left_document_id, right_document_id, parameters, versions, "
        "inputs_sha256, created_at, seconds, link_count) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        run_rows,
    )
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
    db.executemany(
        "INSERT INTO sentence_alignments (run_id, method, left_document_id, right_document_id, left_sentence_id, "
        "right_sentence_id, left_paragraph_id, right_paragraph_id, bead, pattern, score) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        sentence_rows,
    )
    db.executemany(
        "INSERT INTO variants (run_id, left_document_id, right_document_id, left_paragraph_id, right_paragraph_id, "
        "kind, left_start, left_end, right_start, right_end, left_text, right_text, trivial) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        variant_rows,
    )
    timer.lap("write")
    report.runs_written = len(run_rows)
    report.cross_references = len(xref_rows)
    report.alignments = len(align_rows)
    report.variants = len(variant_rows)
    report.relinked = sorted(set(report.relinked))
    report.seconds = time.perf_counter() - t0
    log.info(
        "linked %d documents: %d runs, %d cross-references, %d alignments in %.2fs %s",
        len(stale), report.runs_written, report.cross_references, report.alignments, report.seconds, report.steps,
    )
    return report


def _may_share(left_keys: np.ndarray, right_keys: np.ndarray, params: LinkParameters) -> bool:
    """Whether two paragraphs' content keys (from the index) hold a stretch that could be a passage.

    The same alignment :func:`synopsis.link.crossref.find_passages` starts from, on the
    index's key hashes, one word more lenient (it adds near matches later): a pair that
    fails it cannot have a passage, and is never tokenised.
    """
    m = _aligned(left_keys.tolist(), right_keys.tolist())
    need = max(params.min_words - 1, 2)
    return len(m) >= need and bool(
        _dense_stretches(m, min_words=need, max_gap=params.max_gap, gap_penalty=params.gap_penalty)
    )


def _inside(first: int, last: int, quotes: list[tuple[int, int, int]]) -> int | None:
    """The quotation (index) covering at least half of tokens ``first..last``, if any."""
    for qi, (_, qf, ql) in enumerate(quotes):
        if (min(last, ql) - max(first, qf) + 1) * 2 >= last - first + 1:
            return qi
    return None


def _cover_quotation(left: Tokens, p: SharedPassage, qf: int, ql: int, right: Tokens, qi: int) -> SharedPassage:
    """``p`` (lying mostly in the left quotation ``qi``) widened to cover all of it.

    The right side is moved to where ``fuzz.ratio`` with the widened left text is best:
    another translation of a quotation is rarely the same length.
    """
    lf, ll = min(p.left_first, qf), max(p.left_last, ql)
    if (lf, ll) == (p.left_first, p.left_last):
        return SharedPassage(p.left_start, p.left_end, p.right_start, p.right_end, p.score, p.method, qi,
                             p.right_quotation, p.left_first, p.left_last, p.right_first, p.right_last)
    needle = left.token_range_text(lf, ll)
    grown = (ll - lf) - (p.left_last - p.left_first)
    rf, rl, ratio = refine_window(needle, right, p.right_first, p.right_last, reach=min(grown + 3, 40))
    ls, le = left.tokens_to_span(lf, ll)
    rs, re_ = right.tokens_to_span(rf, rl)
    return SharedPassage(ls, le, rs, re_, round(max(ratio, p.score), 2), p.method, qi, p.right_quotation, lf, ll, rf, rl)


def pair_passages(
    left: Tokens,
    right: Tokens,
    left_quotes: list[tuple[int, int, int]],
    right_quotes: list[tuple[int, int, int]],
    params: LinkParameters,
) -> list[SharedPassage]:
    """All passages of one paragraph pair: aligned stretches and quotation searches, merged.

    ``*_quotes`` are ``(quotation id, first token, last token)``. A quotation found by
    search wins over an aligned stretch it overlaps; a stretch lying mostly within a
    quotation is widened to the whole quotation and named after it.
    """
    found = find_passages(
        left, right, score_cutoff=params.score_cutoff, min_words=params.min_words, long_words=params.long_words,
        short_score_cutoff=params.short_score_cutoff, max_gap=params.max_gap, gap_penalty=params.gap_penalty,
    )
    quoted: list[SharedPassage] = []
    for qi, (_, first, last) in enumerate(left_quotes):
        if sum(left.content[first : last + 1]) >= params.quotation_min_words:
            quoted.extend(find_quotation(left, first, last, right, score_cutoff=params.quotation_score_cutoff,
                                         quotation=qi))
    for qi, (_, first, last) in enumerate(right_quotes):
        if sum(right.content[first : last + 1]) >= params.quotation_min_words:
            quoted.extend(p.mirrored() for p in find_quotation(
                right, first, last, left, score_cutoff=params.quotation_score_cutoff, quotation=qi))
    out = list(quoted)
    for p in found:
        if any(p.overlaps(q) for q in quoted):
            continue
        lq = _inside(p.left_first, p.left_last, left_quotes)
        if lq is not None:
            p = _cover_quotation(left, p, left_quotes[lq][1], left_quotes[lq][2], right, lq)
        rq = _inside(p.right_first, p.right_last, right_quotes)
        if rq is not None:
            p = _cover_quotation(right, p.mirrored(), right_quotes[rq][1], right_quotes[rq][2], left, rq).mirrored()
        out.append(p)
    # label quotation hits with the other side's quotation too
    labelled = []
    for p in out:
        lq = p.left_quotation if p.left_quotation is not None else _inside(p.left_first, p.left_last, left_quotes)
        rq = p.right_quotation if p.right_quotation is not None else _inside(p.right_first, p.right_last, right_quotes)
        labelled.append(SharedPassage(p.left_start, p.left_end, p.right_start, p.right_end, p.score, p.method, lq, rq,
                                      p.left_first, p.left_last, p.right_first, p.right_last))
    kept: list[SharedPassage] = []
    for p in sorted(labelled, key=lambda p: (p.method != METHOD_QUOTATION, -p.score, p.left_start, p.right_start)):
        if not any(p.overlaps(k) for k in kept):
            kept.append(p)
    return sorted(kept, key=lambda p: (p.left_start, p.right_start))
