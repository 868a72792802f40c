"""The computing steps of the link stage: each a function from named inputs to a named output.

``synopsis.link.store.link_corpus`` runs them in order (its ``STEPS`` list) between the
read and the write; none of them touches the database. A linking step returns a
:class:`LinkSet`, the rows of one kind of run per pair of documents, and the write step
stores every link set the same way, so a new kind of link is one more function here and
one more line in ``STEPS``.

candidates
    :func:`find_candidates`: paragraph pairs of different documents sharing shingles
    (:mod:`synopsis.link.candidates`), with at least one side in a stale document.
cross-references
    :func:`cross_references`: the passages each candidate pair shares
    (:func:`synopsis.link.passages.pair_passages`), stored in both directions.
similarity
    :func:`similarity`: for pairs of different works, each paragraph's most similar
    paragraphs of the other document (:func:`synopsis.link.align.rank_similar`).
editions
    :func:`edition_alignments`: every pair of documents of one work with a stale side,
    aligned whole (:func:`synopsis.link.align.align_editions`).
"""
from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from synopsis.link.align import align_editions, count_cosine, rank_similar
from synopsis.link.candidates import candidate_pairs, shingle_postings
from synopsis.link.corpus import ParagraphCorpus
from synopsis.link.crossref import METHOD_ALIGN
from synopsis.link.parameters import LinkParameters
from synopsis.link.passages import ParagraphTokens, may_share, pair_passages
from synopsis.link.token_cache import ContentKeys

__all__ = ["LinkSet", "Candidates", "find_candidates", "cross_references", "similarity", "edition_alignments",
           "CROSS_REFERENCES", "ALIGNMENTS"]

CROSS_REFERENCES = "cross_references"
ALIGNMENTS = "alignments"

DocPair = tuple[int, int]
"""Two document indices, the smaller first."""


@dataclass
class LinkSet:
    """One linking step's output: for each pair of documents, the rows of one run.

    ``table`` is where the rows go (:data:`CROSS_REFERENCES` or :data:`ALIGNMENTS`); a row
    is that table's columns after ``run_id``, in the order the write step inserts them.
    Every pair in ``rows`` gets a run, even with no rows (an edition pair aligned to nothing
    is still an answer); a step leaves out pairs with nothing to show.
    """

    kind: str  # runs.kind
    method: str  # runs.method
    table: str
    rows: dict[DocPair, list[tuple]] = field(default_factory=dict)
    seconds: dict[DocPair, float] = field(default_factory=dict)  # time spent per pair (runs.seconds)


@dataclass(frozen=True)
class Candidates:
    """Paragraph pairs (``left < right``, paragraph indices) worth a closer look.

    ``shared`` counts their shared shingles; ``same_work`` marks pairs of two editions of
    one work. ``edition_left``/``edition_right`` are the looser pairs (one shared shingle)
    that edition alignment scores.
    """

    left: np.ndarray
    right: np.ndarray
    shared: np.ndarray
    same_work: np.ndarray
    edition_left: np.ndarray
    edition_right: np.ndarray


def find_candidates(corpus: ParagraphCorpus, keys: ContentKeys, focus: np.ndarray, params: LinkParameters) -> Candidates:
    """Candidate pairs with at least one paragraph in a ``focus`` document (boolean per document)."""
    para_doc = corpus.para_doc
    focus_paras = focus[para_doc]
    only = None
    if len(focus_paras) and focus_paras.mean() < 0.5:  # a few documents against many: filter the corpus by their words
        only = np.unique(keys.keys[np.repeat(focus_paras, np.diff(keys.offsets))])
    hashes, post_para = shingle_postings(keys.keys, keys.offsets, only_keys=only)
    common = dict(max_df=params.max_df, max_postings=params.max_postings)
    left, right, shared = candidate_pairs(
        hashes, post_para, para_doc, focus=focus, min_shared=min(params.min_shared, params.similarity_min_shared),
        **common,
    )
    # editions also need pairs sharing a single shingle (a paragraph an editor rewrote)
    edition_docs = np.zeros(len(corpus.docs), dtype=bool)
    for members in _works(corpus).values():
        if len(members) > 1 and any(focus[k] for k in members):
            edition_docs[members] = True
    e_left = e_right = np.zeros(0, dtype=np.int64)
    if edition_docs.any():
        sel = edition_docs[para_doc[post_para]]
        e_left, e_right, _ = candidate_pairs(hashes[sel], post_para[sel], para_doc, focus=focus, min_shared=1, **common)
    root_of = [corpus.root_of(k) for k in range(len(corpus.docs))]
    same_work = np.fromiter((root_of[a] == root_of[b] for a, b in zip(para_doc[left].tolist(), para_doc[right].tolist())),
                            dtype=bool, count=len(left))
    return Candidates(left, right, shared, same_work, e_left, e_right)


def _works(corpus: ParagraphCorpus) -> dict[str, list[int]]:
    """Work → its documents' indices, in document order."""
    works: dict[str, list[int]] = {}
    for k in range(len(corpus.docs)):
        works.setdefault(corpus.root_of(k), []).append(k)
    return works


def cross_references(
    corpus: ParagraphCorpus, keys: ContentKeys, candidates: Candidates, tokens: ParagraphTokens, params: LinkParameters,
) -> LinkSet:
    """The passages candidate pairs share, each stored from both sides."""
    out = LinkSet("cross_reference", METHOD_ALIGN, CROSS_REFERENCES)
    docs, pids, texts, para_doc = corpus.docs, corpus.pids, corpus.texts, corpus.para_doc
    sel = np.flatnonzero(candidates.shared >= params.min_shared)
    for i, j in zip(candidates.left[sel].tolist(), candidates.right[sel].tolist()):
        t_pair = time.perf_counter()
        if not may_share(keys.of(i), keys.of(j), params):
            continue  # no stretch of aligned words at all: not worth tokenising
        key = (int(para_doc[i]), int(para_doc[j]))
        lq, rq = tokens.quotations(i), tokens.quotations(j)
        rows = out.rows.setdefault(key, [])
        for p in pair_passages(tokens[i], tokens[j], lq, rq, params):
            lqid = lq[p.left_quotation][0] if p.left_quotation is not None else None
            rqid = rq[p.right_quotation][0] if p.right_quotation is not None else None
            ld, rd = docs[key[0]], docs[key[1]]
            lt, rt = texts[i], texts[j]
            rows.append((p.method, ld, rd, pids[i], pids[j], lqid, p.left_start, p.left_end, p.right_start,
                         p.right_end, lt[p.left_start:p.left_end], rt[p.right_start:p.right_end], p.score))
            rows.append((p.method, rd, ld, pids[j], pids[i], rqid, p.right_start, p.right_end, p.left_start,
                         p.left_end, rt[p.right_start:p.right_end], lt[p.left_start:p.left_end], p.score))
        out.seconds[key] = out.seconds.get(key, 0.0) + time.perf_counter() - t_pair
    out.rows = {k: v for k, v in out.rows.items() if v}
    return out


def similarity(corpus: ParagraphCorpus, keys: ContentKeys, candidates: Candidates, params: LinkParameters) -> LinkSet:
    """Each paragraph's most similar paragraphs of another work's document, ranked from both sides."""
    out = LinkSet("alignment", "similarity", ALIGNMENTS)
    docs, pids, para_doc = corpus.docs, corpus.pids, corpus.para_doc
    bags: dict[int, tuple[Counter, float]] = {}

    def bag(i: int) -> tuple[Counter, float]:
        b = bags.get(i)
        if b is None:
            words = Counter(keys.of(i).tolist())
            b = bags[i] = (words, math.sqrt(sum(v * v for v in words.values())))
        return b

    left, right = candidates.left, candidates.right
    sel = np.flatnonzero((candidates.shared >= params.similarity_min_shared) & ~candidates.same_work)
    if not len(sel):
        return out
    pair_docs = para_doc[left[sel]] * len(docs) + para_doc[right[sel]]
    order = np.argsort(pair_docs, kind="stable")
    sel, pair_docs = sel[order], pair_docs[order]
    bounds = np.flatnonzero(np.r_[True, pair_docs[1:] != pair_docs[:-1], True])
    for g in range(len(bounds) - 1):
        members = sel[bounds[g] : bounds[g + 1]]
        t_pair = time.perf_counter()
        pairs = list(zip(left[members].tolist(), right[members].tolist()))
        scores = {(i, j): count_cosine(*bag(i), *bag(j)) for i, j in pairs}
        key = (int(para_doc[pairs[0][0]]), int(para_doc[pairs[0][1]]))
        rows = []
        for ranked in (
            rank_similar(pairs, lambda i, j: scores[(i, j)], score_cutoff=params.similarity_cutoff,
                         limit=params.similarity_limit),
            rank_similar([(j, i) for i, j in pairs], lambda i, j: scores[(j, i)],
                         score_cutoff=params.similarity_cutoff, limit=params.similarity_limit),
        ):
            for r in ranked:
                rows.append(("similarity", docs[para_doc[r.left]], docs[para_doc[r.right]], pids[r.left],
                             pids[r.right], None, None, r.rank, r.score))
        if rows:
            out.rows[key] = rows
        out.seconds[key] = time.perf_counter() - t_pair
    return out


def edition_alignments(
    corpus: ParagraphCorpus, candidates: Candidates, focus: np.ndarray, tokens: ParagraphTokens, params: LinkParameters,
) -> LinkSet:
    """Every pair of documents of one work with a stale side, aligned whole into beads."""
    out = LinkSet("alignment", "edition", ALIGNMENTS)
    docs, pids, para_doc, doc_first = corpus.docs, corpus.pids, corpus.para_doc, corpus.doc_first
    cells: dict[DocPair, list[tuple[int, int, float]]] = {}
    for i, j in zip(candidates.edition_left.tolist(), candidates.edition_right.tolist()):
        a, b = int(para_doc[i]), int(para_doc[j])
        if corpus.root_of(a) == corpus.root_of(b):
            cells.setdefault((a, b), []).append((i - int(doc_first[a]), j - int(doc_first[b]), 1.0))
    for members in _works(corpus).values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                if not (focus[a] or focus[b]):
                    continue
                t_pair = time.perf_counter()
                la, lb = corpus.paragraph_range(a), corpus.paragraph_range(b)
                beads = align_editions(
                    [tokens[i] for i in la], [tokens[j] for j in lb], candidates=cells.get((a, b), []),
                    baseline=params.edition_baseline, merge_penalty=params.edition_merge_penalty,
                )
                rows = []
                for n, bead in enumerate(beads, 1):
                    lids = [pids[la.start + i] for i in bead.left] or [None]
                    rids = [pids[lb.start + j] for j in bead.right] or [None]
                    for lid in lids:
                        for rid in rids:
                            rows.append(("edition", docs[a], docs[b], lid, rid, n, bead.pattern, 1, bead.score))
                out.rows[(a, b)] = rows
                out.seconds[(a, b)] = time.perf_counter() - t_pair
    return out
