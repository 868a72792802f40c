"""The computing steps of the link stage: each a function from named inputs to a named output.

``synopsis.link.stage.link_corpus`` runs them in order (its ``STEPS`` list) between the
read and the write; none of them touches the database. A linking step returns a
:class:`LinkSet`, the rows of one kind of run per pair of documents, and the write step
stores every link set the same way, so a new kind of link is one more function here and
one more line in ``STEPS``.

candidates
    :func:`find_candidates`: paragraph pairs of different documents sharing shingles
    (:mod:`synopsis.link.candidates`), with at least one side in a stale document.
quotation candidates
    :func:`quotation_candidates`: more pairs, put forward by a marked quotation's own
    shingles (a short quotation shares too few with its source for the candidate stage).
cross-references
    :func:`cross_references`: the passages each candidate pair shares
    (:func:`synopsis.link.passages.pair_passages`), stored in both directions.
similarity
    :func:`similarity`: for pairs of different works, each paragraph's most similar
    paragraphs of the other document, above a floor calibrated on chance pairs.
editions
    :func:`edition_alignments`: every pair of documents of one work with a stale side,
    aligned sentence by sentence (:mod:`synopsis.link.sentalign`), paragraph beads derived.
variants
    :func:`variants`: the word variants inside each edition bead (:mod:`synopsis.link.variants`).
"""
from __future__ import annotations

import sqlite3
import time
from dataclasses import astuple, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from synopsis.link.engine import LOCAL
from synopsis.link.sentalign import METHOD as METHOD_SENTENCES, SentenceAlignParameters
from synopsis.link.variants import METHOD as VARIANT_METHOD, variants_of_edition
from synopsis.link.versions import METHOD_COMPOSED, StoredFamily, absent_paragraphs, align_edge
from synopsis.link.arrays import ranges as _ranges
from synopsis.link.candidates import candidate_pairs_streamed, shingle_postings
from synopsis.link.corpus import ParagraphCorpus
from synopsis.link.crossref import METHOD_ALIGN
from synopsis.link.normalize import encode_paragraphs
from synopsis.link.parameters import LinkParameters
from synopsis.link.passages import ParagraphTokens, may_share, pair_passages
from synopsis.link.statistics import DocumentCounts, PairStatistics, corpus_counts, cosines, paragraph_vectors
from synopsis.link.token_cache import ContentKeys

if TYPE_CHECKING:
    from synopsis.link.engine import Engine

__all__ = ["LinkSet", "Candidates", "find_candidates", "beyond_alignment", "quotation_candidates", "cross_references", "similarity", "edition_parameters", "edition_alignments",
           "variants", "CROSS_REFERENCES", "ALIGNMENTS", "SENTENCE_ALIGNMENTS", "VARIANTS"]

CROSS_REFERENCES = "cross_references"
ALIGNMENTS = "alignments"
SENTENCE_ALIGNMENTS = "sentence_alignments"
VARIANTS = "variants"

_SURELY_SHARED = 5
"""Shared shingles from which a pair is tokenised without the cheaper test first (it would pass)."""

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
    parameters: dict[DocPair, dict] = field(default_factory=dict)  # what a pair's run measured (a calibrated floor)
    extra: dict[str, dict[DocPair, list[tuple]]] = field(default_factory=dict)  # other tables' rows of the same runs
    absent: dict[DocPair, frozenset[int]] = field(default_factory=dict)  # editions: paragraphs a partial version lacks


@dataclass(frozen=True)
class Candidates:
    """Paragraph pairs (``left < right``, paragraph indices) worth a closer look.

    ``shared`` counts their shared shingles; ``same_work`` marks pairs of two editions of
    one work (their alignment reads whole documents, :func:`edition_alignments`).
    """

    left: np.ndarray
    right: np.ndarray
    shared: np.ndarray
    same_work: np.ndarray


def find_candidates(corpus: ParagraphCorpus, keys: ContentKeys, focus: np.ndarray, params: LinkParameters) -> Candidates:
    """Candidate pairs with at least one paragraph in a ``focus`` document (boolean per document)."""
    para_doc = corpus.para_doc
    focus_paras = focus[para_doc]
    only = None
    if len(focus_paras) and focus_paras.mean() < 0.5:  # a few documents against many: filter the corpus by their words
        only = np.unique(keys.keys[np.repeat(focus_paras, np.diff(keys.offsets))])
    left, right, shared = candidate_pairs_streamed(  # shingled bucket by bucket: memory does not grow with the corpus
        keys.keys, keys.offsets, para_doc, only_keys=only, focus=focus,
        min_shared=min(params.min_shared, params.similarity_min_shared), max_df=params.max_df,
        max_postings=params.max_postings, pair_budget=params.pairs_per_paragraph * max(len(para_doc), 1),
    )
    return with_works(corpus, left, right, shared)


def with_works(corpus: ParagraphCorpus, left: np.ndarray, right: np.ndarray, shared: np.ndarray) -> Candidates:
    """Candidate pairs ``(left, right, shared)``, each marked when its two documents are editions of one work."""
    para_doc = corpus.para_doc
    root_of = [corpus.root_of(k) for k in range(len(corpus.docs))]
    same_work = np.fromiter((root_of[a] == root_of[b] for a, b in zip(para_doc[left].tolist(), para_doc[right].tolist())),
                            dtype=bool, count=len(left))
    return Candidates(left, right, shared, same_work)


def beyond_alignment(
    corpus: ParagraphCorpus, candidates: Candidates, quoted: dict[tuple[int, int], set[int]] | None, editions: LinkSet,
) -> tuple[Candidates, dict[tuple[int, int], set[int]] | None]:
    """The candidate pairs left once two versions' edition alignment has paired their text.

    Between two versions of one work, a paragraph pair that their alignment already joins
    (both in one bead) shares its text because it *is* the same text: a cross-reference
    would repeat the alignment. Only the others stay candidates: a passage one version
    moved or repeated elsewhere. Pairs of different works are untouched.
    """
    index = {pid: k for k, pid in enumerate(corpus.pids)}
    joined: set[tuple[int, int]] = set()
    for links in editions.rows.values():
        beads: dict[int, tuple[set[int], set[int]]] = {}
        for row in links:
            lp, rp, bead = row[3], row[4], row[5]
            left, right = beads.setdefault(bead, (set(), set()))
            if lp is not None:
                left.add(index[lp])
            if rp is not None:
                right.add(index[rp])
        for left, right in beads.values():
            joined.update((min(i, j), max(i, j)) for i in left for j in right)
    if not joined:
        return candidates, quoted
    keep = np.fromiter(((not same) or (i, j) not in joined for i, j, same in zip(
        candidates.left.tolist(), candidates.right.tolist(), candidates.same_work.tolist())), dtype=bool,
        count=len(candidates.left))
    kept = Candidates(candidates.left[keep], candidates.right[keep], candidates.shared[keep], candidates.same_work[keep])
    if quoted:
        quoted = {pair: ids for pair, ids in quoted.items() if pair not in joined}
    return kept, quoted


def quotation_candidates(
    corpus: ParagraphCorpus, keys: ContentKeys, focus: np.ndarray, params: LinkParameters,
) -> dict[tuple[int, int], set[int]]:
    """Paragraph pairs ``(left < right)`` where one side holds a marked quotation the other may hold,
    each with the ids of the quotations that put it forward.

    A short quotation ("Be holy, because I am holy") shares too few shingles with its
    source for the paragraph-wide candidate stage (``min_shared``), whose threshold
    cannot be lowered for everyone without flooding a corpus with pairs. A marked
    quotation is a needle already cut: its own shingles are looked up in the corpus's
    postings, and a paragraph of another document holding ``quotation_min_shared`` of
    them (all of its rare ones, when the quotation has fewer), and ``quotation_share`` of
    a long quotation's, becomes a candidate for the quotation search (quotations of at
    most ``quotation_needle_words`` content words: a longer one shares enough shingles
    with its source for the candidate stage). Shingles in more
    than ``max_df`` paragraphs are skipped, so the cost follows the number of
    quotations, not of paragraphs; a corpus without marked quotations pays nothing. A
    paragraph that shares a rare shingle with a quotation but too few may make up the
    count with the quotation's common shingles (in up to ``quotation_common_df``
    paragraphs), checked, not looked up (:func:`_common_shared`).
    """
    para_doc = corpus.para_doc
    quoting = [i for i in range(len(para_doc)) if focus[para_doc[i]] and corpus.quotes.get(corpus.pids[i])]
    if not quoting:
        return {}
    # every marked quotation alone (not its paragraph), all in one pass of the corpus-wide encoder
    marks = [(i, qid) for i in quoting for qid, _, _ in corpus.quotes[corpus.pids[i]]]
    q_keys, q_offsets = encode_paragraphs(
        [corpus.texts[i][qs:qe] for i in quoting for _, qs, qe in corpus.quotes[corpus.pids[i]]],
        languages=[corpus.language_of(i) for i in quoting for _ in corpus.quotes[corpus.pids[i]]], workers=1)
    lengths = np.diff(q_offsets)
    short = lengths <= params.quotation_needle_words  # a long quotation shares enough shingles for the candidate stage
    words = q_keys[np.repeat(short, lengths)]  # the needles' content keys: the only words their shingles are made of
    kept = np.flatnonzero(short & (lengths > 1))  # the needles: short quotations with a shingle
    if not len(kept):
        return {}
    needles = [marks[k] for k in kept.tolist()]
    kept_offsets = np.zeros(len(kept) + 1, dtype=np.int64)
    np.cumsum(lengths[kept], out=kept_offsets[1:])
    is_kept = np.zeros(len(marks), dtype=bool)
    is_kept[kept] = True
    kept_keys = q_keys[np.repeat(is_kept, lengths)]
    # every needle's shingles at once, each once per needle
    all_sh, owner = shingle_postings(kept_keys, kept_offsets)
    owner = owner.astype(np.int64)
    by = np.lexsort((all_sh, owner))  # a shingle repeated within a quotation counts once
    owner, all_sh = owner[by], all_sh[by]
    first = np.r_[True, (owner[1:] != owner[:-1]) | (all_sh[1:] != all_sh[:-1])]
    owner, all_sh = owner[first], all_sh[first]
    sizes = np.bincount(owner, minlength=len(needles))
    # the corpus's postings of those shingles only (a bitmap on low bits, then exact), each once per paragraph
    hashes, paras = shingle_postings(keys.keys, keys.offsets, only_keys=np.unique(words))
    wanted = np.unique(all_sh)
    low = np.uint64((1 << 24) - 1)
    bitmap = np.zeros(1 << 24, dtype=bool)
    bitmap[(wanted & low).astype(np.int64)] = True
    maybe = np.flatnonzero(bitmap[(hashes & low).astype(np.int64)])
    at = np.minimum(np.searchsorted(wanted, hashes[maybe]), len(wanted) - 1)
    keep = maybe[wanted[at] == hashes[maybe]]
    hashes, paras = hashes[keep], paras[keep].astype(np.int64)
    order = np.lexsort((paras, hashes))
    hashes, paras = hashes[order], paras[order]
    once = np.r_[True, (hashes[1:] != hashes[:-1]) | (paras[1:] != paras[:-1])]
    hashes, paras = hashes[once], paras[once]
    lo, hi = np.searchsorted(hashes, all_sh, side="left"), np.searchsorted(hashes, all_sh, side="right")
    rare = (hi - lo) <= params.max_df
    n_rare = np.bincount(owner[rare], minlength=len(needles))
    need = np.maximum(np.minimum(params.quotation_min_shared, n_rare),
                      np.ceil(params.quotation_share * sizes).astype(np.int64))
    count = np.where(rare, hi - lo, 0)
    npara = max(len(para_doc), 1)
    by_needle = np.repeat(owner, count) * npara + paras[np.repeat(lo, count) + _ranges(count)]
    key, shared = np.unique(by_needle, return_counts=True)
    needle = key // npara
    shared += _common_shared(needle, key % npara, shared < need[needle], owner, all_sh, ~rare & (
        (hi - lo) <= params.quotation_common_df), hashes, paras, wanted, npara)
    ok = shared >= need[needle]
    needle, j = needle[ok], key[ok] % npara
    i = np.fromiter((needles[k][0] for k in needle.tolist()), dtype=np.int64, count=len(needle))
    ok = para_doc[j] != para_doc[i]
    pairs: dict[tuple[int, int], set[int]] = {}
    for k, a, b in zip(needle[ok].tolist(), i[ok].tolist(), j[ok].tolist()):
        pairs.setdefault((min(a, b), max(a, b)), set()).add(needles[k][1])
    return pairs


def _common_shared(needle: np.ndarray, para: np.ndarray, short: np.ndarray, owner: np.ndarray, shingles: np.ndarray,
                   common: np.ndarray, hashes: np.ndarray, paras: np.ndarray, wanted: np.ndarray,
                   npara: int) -> np.ndarray:
    """For each (needle, paragraph) pair that shares a rare shingle but too few (``short``), how many of
    the needle's ``common`` shingles (too frequent to look up, not too frequent to check) the
    paragraph holds too: "Worship the Lord your God and serve Him only" shares one rare shingle
    with Deuteronomy 6:13 and two of "the LORD your God, serve Him" that are everywhere.

    ``owner``/``shingles``/``common`` describe every needle's shingles (sorted by needle),
    ``hashes``/``paras`` the sorted postings of the ``wanted`` shingle hashes.
    """
    extra = np.zeros(len(needle), dtype=np.int64)
    rows = np.flatnonzero(short)
    if not len(rows) or not common.any():
        return extra
    picks = np.flatnonzero(common)  # indices into shingles/owner
    per_needle = np.bincount(owner[picks], minlength=int(max(owner.max(), needle.max())) + 1)
    counts = per_needle[needle[rows]]
    if not counts.sum():
        return extra
    # every (short pair, common shingle of its needle), then one membership test on (shingle, paragraph)
    pair_of = np.repeat(rows, counts)
    pick_start = np.searchsorted(owner[picks], needle[rows])
    which = picks[np.repeat(pick_start, counts) + _ranges(counts)]
    rank = np.searchsorted(wanted, shingles[which]).astype(np.int64)
    query = rank * npara + para[pair_of]
    posted = np.searchsorted(wanted, hashes).astype(np.int64) * npara + paras
    at = np.minimum(np.searchsorted(posted, query), len(posted) - 1)
    hit = posted[at] == query
    np.add.at(extra, pair_of[hit], 1)
    return extra


def _works(corpus: ParagraphCorpus) -> dict[str, list[int]]:
    """Work → its documents' indices, in document order."""
    works: dict[str, list[int]] = {}
    for k in range(len(corpus.docs)):
        works.setdefault(corpus.root_of(k), []).append(k)
    return works


@dataclass
class PairScoring:
    """What scoring candidate pairs reads, beside the pairs: one value shipped to wherever a block is scored.

    ``tokens`` is a cache of each paragraph's tokens, filled on demand; it is not
    shipped (a copy elsewhere starts its own, :meth:`paragraph_tokens`).
    """

    corpus: ParagraphCorpus
    keys: ContentKeys
    counts: list[DocumentCounts]
    params: LinkParameters
    quoted: dict[tuple[int, int], set[int]] | None = None
    tokens: ParagraphTokens | None = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "tokens": None}

    def paragraph_tokens(self) -> ParagraphTokens:
        if self.tokens is None:
            self.tokens = ParagraphTokens(self.corpus)
        return self.tokens

    def pair_statistics(self, key: DocPair) -> PairStatistics:
        """The statistics of a pair of documents, smoothed towards the corpus."""
        if "_prior" not in self.__dict__:
            self.__dict__["_prior"] = corpus_counts(self.counts) if self.params.prior_tokens > 0 else None
        return PairStatistics(self.counts[key[0]], self.counts[key[1]], self.__dict__["_prior"], self.params.prior_tokens)


PairBlock = tuple[DocPair, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""A block of candidate pairs of one document pair: (document pair, left, right, shared shingles, put forward
by a quotation only), paragraph pairs in (left, right) order."""


def candidate_blocks(corpus: ParagraphCorpus, candidates: Candidates, params: LinkParameters,
                     quoted: dict[tuple[int, int], set[int]] | None = None, *, block_pairs: int = 20_000) -> list[PairBlock]:
    """The candidate pairs the cross-reference step scores, cut into blocks of at most ``block_pairs`` pairs
    of one document pair each, in (document pair, left, right) order: the unit of work an engine
    hands out (:func:`score_pair_block`)."""
    para_doc = corpus.para_doc
    sel = np.flatnonzero(candidates.shared >= params.min_shared)
    left, right, shared_all = candidates.left[sel], candidates.right[sel], candidates.shared[sel]
    by_quote = np.zeros(len(sel), dtype=bool)
    if quoted:
        n = max(len(para_doc), 1)
        q_left, q_right = np.array(sorted(quoted), dtype=np.int64).reshape(-1, 2).T
        have = left * n + right
        extra = q_left * n + q_right
        known = np.isin(extra, have)
        by_quote = np.r_[np.zeros(len(have), dtype=bool), np.ones(int((~known).sum()), dtype=bool)]
        left, right = np.r_[left, q_left[~known]], np.r_[right, q_right[~known]]
        shared_all = np.r_[shared_all, np.zeros(int((~known).sum()), dtype=np.int64)]
    d_left, d_right = para_doc[left], para_doc[right]
    order = np.lexsort((right, left, d_right, d_left))
    left, right, shared_all, by_quote = left[order], right[order], shared_all[order], by_quote[order]
    d_left, d_right = d_left[order], d_right[order]
    starts = np.flatnonzero(np.r_[True, (d_left[1:] != d_left[:-1]) | (d_right[1:] != d_right[:-1])]) if len(left) else []
    bounds = np.r_[starts, len(left)].astype(np.int64)
    blocks: list[PairBlock] = []
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        key = (int(d_left[lo]), int(d_right[lo]))
        for s in range(lo, hi, block_pairs):
            e = min(s + block_pairs, hi)
            blocks.append((key, left[s:e], right[s:e], shared_all[s:e], by_quote[s:e]))
    return blocks


def score_pair_block(scoring: PairScoring, block: PairBlock) -> tuple[DocPair, list[tuple], float, int]:
    """The passages the pairs of one block share, weighed by their document pair's statistics, each row
    stored from both sides: (document pair, rows, seconds, pairs aligned).

    Pairs only a quotation put forward (:func:`quotation_candidates`) are searched for those
    quotations only, and aligned only when they pass the cheap alignment test.
    """
    t0 = time.perf_counter()
    key, left, right, shared_all, by_quote = block
    corpus, keys, params, quoted = scoring.corpus, scoring.keys, scoring.params, scoring.quoted
    tokens = scoring.paragraph_tokens()
    docs, pids, texts = corpus.docs, corpus.pids, corpus.texts
    stats = scoring.pair_statistics(key)
    rows: list[tuple] = []
    scored = 0
    for i, j, shared, quote in zip(left.tolist(), right.tolist(), shared_all.tolist(), by_quote.tolist()):
        aligned = shared >= _SURELY_SHARED or may_share(keys.of(i), keys.of(j), params, stats)
        if not (aligned or quote):
            continue  # no stretch of aligned words at all: not worth tokenising
        scored += 1
        lq, rq = tokens.quotations(i), tokens.quotations(j)
        if quote:  # a pair only quotations put forward: only those are searched
            wanted = quoted.get((i, j), set()) if quoted else set()
            lq, rq = [q for q in lq if q[0] in wanted], [q for q in rq if q[0] in wanted]
        for p in pair_passages(tokens[i], tokens[j], lq, rq, params, stats,
                               (corpus.language_of(i), corpus.language_of(j)), align=aligned):
            lqid = lq[p.left_quotation][0] if p.left_quotation is not None else None
            rqid = rq[p.right_quotation][0] if p.right_quotation is not None else None
            ld, rd = docs[key[0]], docs[key[1]]
            lt, rt = texts[i], texts[j]
            rows.append((p.method, ld, rd, pids[i], pids[j], lqid, p.left_start, p.left_end, p.right_start,
                         p.right_end, lt[p.left_start:p.left_end], rt[p.right_start:p.right_end], p.score))
            rows.append((p.method, rd, ld, pids[j], pids[i], rqid, p.right_start, p.right_end, p.left_start,
                         p.left_end, rt[p.right_start:p.right_end], lt[p.left_start:p.left_end], p.score))
    return key, rows, time.perf_counter() - t0, scored


def cross_references(
    corpus: ParagraphCorpus, keys: ContentKeys, counts: list[DocumentCounts], candidates: Candidates,
    tokens: ParagraphTokens | None, params: LinkParameters, quoted: dict[tuple[int, int], set[int]] | None = None,
    engine: "Engine | None" = None,
) -> LinkSet:
    """The passages candidate pairs share, weighed by the pair's own statistics; each stored from both sides.

    ``quoted`` (:func:`quotation_candidates`) are more pairs, put forward by a marked
    quotation on one side: only those quotations are searched in them, and they are
    aligned only when they pass the cheap alignment test. The pairs are scored in blocks
    of one document pair (:func:`score_pair_block`), on ``engine`` (here, by default).
    """
    out = LinkSet("cross_reference", METHOD_ALIGN, CROSS_REFERENCES)
    scoring = PairScoring(corpus, keys, counts, params, quoted, tokens)
    blocks = candidate_blocks(corpus, candidates, params, quoted)
    for key, rows, seconds, _ in (engine or LOCAL).map_blocks(score_pair_block, scoring, blocks, "cross_references"):
        if rows:
            out.rows.setdefault(key, []).extend(rows)
        out.seconds[key] = out.seconds.get(key, 0.0) + seconds
    verbatim = params.close_score_cutoff
    out.rows = {k: kept for k, v in out.rows.items() if (kept := _without_formula_places(v, params.formula_places, verbatim))}
    return out


_SOURCE, _TARGET, _QUOTATION, _START, _END, _SCORE = 3, 4, 5, 6, 7, 12
"""Where a cross-reference row (:func:`cross_references`) holds its source and target paragraph, its
source quotation, its source span and its score."""


def _without_formula_places(rows: list[tuple], places: int, verbatim: float) -> list[tuple]:
    """One document pair's cross-reference rows, less a formula's places that quote nothing.

    When the same words of one paragraph (spans overlapping by half) are found in
    ``places`` or more paragraphs of the other document, they are a formula that document
    repeats ("as He swore to your fathers, to Abraham, Isaac, and Jacob"; "the second …,
    the third …"), not a quotation of each place. Of those places, the one matched best is
    kept, and so is every place where the words stand in a marked quotation of its own
    (a verse that many paragraphs quote is marked as a quotation in each of them), and
    every place matched as well as the best and nearly verbatim (``verbatim``: a sentence
    the document repeats word for word); the others are dropped. ``rows`` come in pairs,
    a passage from each side, and a pair is kept or dropped whole.
    """
    by_paragraph: dict[int, list[int]] = {}
    for k, row in enumerate(rows):
        by_paragraph.setdefault(row[_SOURCE], []).append(k)
    doomed: set[int] = set()
    for ks in by_paragraph.values():
        if len({rows[k][_TARGET] for k in ks}) < places:
            continue
        for k in ks:
            start, end = rows[k][_START], rows[k][_END]
            group = [g for g in ks if min(end, rows[g][_END]) - max(start, rows[g][_START])
                     > 0.5 * min(end - start, rows[g][_END] - rows[g][_START])]
            if len({rows[g][_TARGET] for g in group}) < places:
                continue
            best = max(group, key=lambda g: (rows[g][_SCORE], -g))
            marked = rows[k ^ 1][_QUOTATION] is not None  # the other paragraph's quotation: its row is the pair's other
            tied = rows[k][_SCORE] >= rows[best][_SCORE] and rows[k][_SCORE] >= verbatim
            if k != best and not marked and not tied:
                doomed.add(k // 2)
    return [row for k, row in enumerate(rows) if k // 2 not in doomed]


def similarity(
    corpus: ParagraphCorpus, keys: ContentKeys, counts: list[DocumentCounts], candidates: Candidates,
    params: LinkParameters,
) -> LinkSet:
    """Each paragraph's most similar paragraphs of another work's document, ranked from both sides.

    The score is the cosine of content-token counts weighted by their information in
    their documents (:func:`synopsis.link.statistics.paragraph_vectors`), computed for all
    candidate pairs at once. Only scores above chance are kept: the step is *calibrated*
    on up to ``similarity_chance_pairs`` pairs drawn at a fixed seed (a candidate's left
    paragraph against a random paragraph of the right one's document), and its floor is the larger of
    ``similarity_cutoff`` and the chance scores' ``similarity_chance_quantile``, recorded in
    every run's parameters as ``similarity_floor``. No paragraph gets filler rows: it may
    get none.
    """
    out = LinkSet("alignment", "similarity", ALIGNMENTS)
    t0 = time.perf_counter()
    docs, pids, para_doc, doc_first = corpus.docs, corpus.pids, corpus.para_doc, corpus.doc_first
    sel = np.flatnonzero((candidates.shared >= params.similarity_min_shared) & ~candidates.same_work)
    if not len(sel):
        return out
    left, right = candidates.left[sel], candidates.right[sel]
    vectors = paragraph_vectors(corpus, keys, counts)
    scores = cosines(vectors, left, right)
    rng = np.random.default_rng(1)
    sample = np.sort(rng.choice(len(left), size=min(len(left), params.similarity_chance_pairs), replace=False))
    d_right = para_doc[right[sample]]
    sizes = doc_first[d_right + 1] - doc_first[d_right]
    drawn = doc_first[d_right] + (rng.random(len(sample)) * sizes).astype(np.int64)
    other = drawn != right[sample]
    chance = cosines(vectors, left[sample][other], drawn[other])
    floor = float(params.similarity_cutoff)
    if len(chance):
        floor = max(floor, float(np.quantile(chance, params.similarity_chance_quantile)))
    keep = scores >= floor
    left, right, scores = left[keep], right[keep], np.round(scores[keep], 2)
    rows_by_pair: dict[DocPair, list[tuple]] = {}
    for a, b in ((left, right), (right, left)):  # ranked within each paragraph's view of the other document
        d_other = para_doc[b]
        order = np.lexsort((b, -scores, d_other, a))
        a_o, b_o, s_o, d_o = a[order], b[order], scores[order], d_other[order]
        group_start = np.r_[True, (a_o[1:] != a_o[:-1]) | (d_o[1:] != d_o[:-1])] if len(a_o) else np.zeros(0, bool)
        starts = np.flatnonzero(group_start)
        rank = np.arange(len(a_o)) - np.repeat(starts, np.diff(np.r_[starts, len(a_o)])) + 1
        for i, j, score, r in zip(a_o.tolist(), b_o.tolist(), s_o.tolist(), rank.tolist()):
            if r > params.similarity_limit:
                continue
            di, dj = int(para_doc[i]), int(para_doc[j])
            rows_by_pair.setdefault((min(di, dj), max(di, dj)), []).append(
                ("similarity", docs[di], docs[dj], pids[i], pids[j], None, None, r, score))
    elapsed = time.perf_counter() - t0
    total = sum(len(v) for v in rows_by_pair.values())
    for key, rows in rows_by_pair.items():
        out.rows[key] = rows
        out.seconds[key] = elapsed * len(rows) / total
        out.parameters[key] = {"similarity_floor": round(floor, 2), "similarity_chance_pairs": int(len(chance))}
    return out


EdgeBlock = tuple[int, tuple[str, str], str | None, list, str | None, list]
"""One tree edge of a family to align: (family index, (left id, right id), left language, left paragraphs,
right language, right paragraphs), paragraphs as :func:`synopsis.link.versions.read_version` reads them."""


def align_edge_block(parameters: SentenceAlignParameters, block: EdgeBlock) -> tuple[tuple[int, tuple[str, str]], object, float]:
    """One tree edge of a family aligned sentence by sentence, locally where a version is partial
    (:func:`synopsis.link.versions.align_edge`): ((family index, edge), its alignment, seconds)."""
    t0 = time.perf_counter()
    f, edge, left_language, left, right_language, right = block
    found = align_edge(left, right, left_language=left_language, right_language=right_language, parameters=parameters)
    return (f, edge), found, time.perf_counter() - t0


def edition_parameters(params: LinkParameters) -> SentenceAlignParameters:
    """The sentence aligner's parameters under the link parameters ``params``."""
    return SentenceAlignParameters(
        band=params.edition_band, fine_band=params.edition_fine_band, prior_strength=params.edition_prior_strength,
        length_variance=params.edition_length_variance, rare_df=params.edition_rare_df)


def edition_alignments(
    db: sqlite3.Connection, corpus: ParagraphCorpus, focus: np.ndarray, params: LinkParameters,
    again: frozenset[DocPair] | set[DocPair] = frozenset(), families: dict[str, StoredFamily] | None = None,
    engine: "Engine | None" = None,
) -> LinkSet:
    """Every pair of documents of one work with a stale side (or in ``again``), aligned sentence by
    sentence: paragraph beads in ``alignments``, and the sentence beads under the same run in
    ``sentence_alignments``.

    A work's versions are one family (:class:`synopsis.link.versions.StoredFamily`; ``families``
    holds those the caller made already, by work): each is
    aligned once with its anchor, locally where it is partial, and the other pairs are
    composed through the family's tree; such a run's parameters name the versions it was
    ``derived_through`` (its sentence rows' method is ``sentence-composed``). ``again`` are pairs
    of two fresh documents whose path through the tree changed (:func:`synopsis.link.digests.moved_paths`).
    The paragraphs a partial version does not hold at all are kept in the link set's ``absent`` (no variants).
    """
    out = LinkSet("alignment", "edition", ALIGNMENTS)
    sentences = out.extra.setdefault(SENTENCE_ALIGNMENTS, {})
    docs = corpus.docs
    parameters = edition_parameters(params)
    made = families or {}
    work: list[tuple[StoredFamily, list[DocPair]]] = []
    for root, members in _works(corpus).items():
        pairs = [(members[x], members[y]) for x in range(len(members)) for y in range(x + 1, len(members))
                 if focus[members[x]] or focus[members[y]] or (members[x], members[y]) in again]
        if len(members) < 2 or not pairs:
            continue
        work.append((made.get(root) or StoredFamily(db, [docs[k] for k in members], parameters=parameters), pairs))
    # the tree edges the pairs need are the costly part: the engine aligns them (each once),
    # the other pairs are composed here from them
    blocks = [(f, edge, *family.version(edge[0]), *family.version(edge[1]))
              for f, (family, pairs) in enumerate(work)
              for edge in sorted({e for a, b in pairs for e in family.edges_between(docs[a], docs[b])})]
    for (f, edge), alignment, seconds in (engine or LOCAL).map_blocks(align_edge_block, parameters, blocks, "editions"):
        work[f][0].add_edge(edge, alignment, seconds)
    for family, pairs in work:
        for a, b in pairs:
            t_pair, edges_before = time.perf_counter(), sum(family.edge_seconds.values())
            found, through = family.pair(docs[a], docs[b])
            # a pair's time: its own alignment when direct, its composition when derived (the
            # tree edges it needed first are counted on their own pairs)
            spent = time.perf_counter() - t_pair - (sum(family.edge_seconds.values()) - edges_before)
            method = METHOD_COMPOSED if through else METHOD_SENTENCES
            out.rows[(a, b)] = [("edition", docs[a], docs[b], lp, rp, n, pattern, 1, score)
                                for n, pattern, lp, rp, score in found.paragraph_rows]
            sentences[(a, b)] = [(method, docs[a], docs[b], ls, rs, lp, rp, n, pattern, score)
                                 for n, pattern, ls, rs, lp, rp, score in found.sentence_rows]
            out.seconds[(a, b)] = spent + (0.0 if through else family.edge_seconds.get((docs[a], docs[b]), 0.0))
            out.parameters[(a, b)] = {"derived_through": through} if through else {}
            out.absent[(a, b)] = absent_paragraphs(found)
    return out


VariantBlock = tuple[DocPair, list[tuple], list[tuple[int, str]], list[tuple[int, str]], str | None, str | None]
"""One pair of editions' beads and paragraphs: (document pair, alignment rows, left (id, text), right (id, text),
left language, right language)."""


def variant_block(docs: list[str], block: VariantBlock) -> tuple[DocPair, list[tuple] | None, dict | None, float]:
    """The word variants inside one pair of editions' beads: (document pair, rows or None, parameters, seconds)."""
    t0 = time.perf_counter()
    (a, b), links, left, right, left_language, right_language = block
    found = variants_of_edition(links, left, right, left_language=left_language, right_language=right_language)
    if found is None:
        return (a, b), None, None, time.perf_counter() - t0
    parameters, rows = found
    return (a, b), [(docs[a], docs[b], *astuple(r)) for r in rows], parameters, time.perf_counter() - t0


def variants(corpus: ParagraphCorpus, editions: LinkSet, engine: "Engine | None" = None) -> LinkSet:
    """Word variants inside each edition bead, for two editions in one language (:mod:`synopsis.link.variants`)."""
    out = LinkSet("variant", VARIANT_METHOD, VARIANTS)
    docs, pids, texts = corpus.docs, corpus.pids, corpus.texts
    blocks = (((a, b), [r for r in links if r[3] not in editions.absent.get((a, b), ()) and r[4] not in editions.absent.get((a, b), ())],
               [(pids[i], texts[i]) for i in corpus.paragraph_range(a)], [(pids[j], texts[j]) for j in corpus.paragraph_range(b)],
               corpus.languages.get(docs[a]), corpus.languages.get(docs[b]))
              for (a, b), links in sorted(editions.rows.items()))
    for key, rows, parameters, seconds in (engine or LOCAL).map_blocks(variant_block, docs, blocks, "variants"):
        if rows is not None:
            out.rows[key], out.parameters[key], out.seconds[key] = rows, parameters, seconds
    return out
