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

import json
import sqlite3
import time
from dataclasses import astuple, dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator

import numpy as np

from synopsis.languages import primary_subtag
from synopsis.lexicon.corpus import corpus_lexicon_in_use
from synopsis.lexicon.learned import learn_pairs, listed_renderings
from synopsis.link.engine import LOCAL
from synopsis.link.sentalign import METHOD as METHOD_SENTENCES, SentenceAlignParameters
from synopsis.link.variants import METHOD as VARIANT_METHOD, variants_of_edition
from synopsis.link.versions import METHOD_COMPOSED, StoredFamily, absent_paragraphs, align_edge
from synopsis.link.accept import CrossReferenceParameters, reworded_floor, reworded_tier, without_formula_places
from synopsis.languages import profile_for
from synopsis.link.arrays import ranges as _ranges
from synopsis.link.candidates import candidate_pairs, candidate_pairs_streamed, chunked_postings, shingle_postings
from synopsis.link.corpus import ParagraphCorpus
from synopsis.link.crossref import METHOD_ALIGN
from synopsis.link.normalize import encode_paragraphs
from synopsis.link.parameters import LinkParameters
from synopsis.link.correspond import Correspondences, paragraph_classes
from synopsis.link.normalize import Tokens
from synopsis.link.passages import ParagraphTokens, may_share, pair_passages, stored_score
from synopsis.link.reworded import METHOD_REWORDED, Paragraph, ScoredWindow, Window, best_windows, score_pair, sentence_windows
from synopsis.link.statistics import DocumentCounts, PairStatistics, corpus_counts, cosines, paragraph_vectors
from synopsis.link.token_cache import ContentKeys

if TYPE_CHECKING:
    from synopsis.link.engine import Engine

__all__ = ["LinkSet", "Candidates", "find_candidates", "beyond_alignment", "quotation_candidates", "cross_references", "similarity",
           "edition_parameters", "edition_alignments", "variants", "reworded_references", "reworded_null_scores", "reworded_shingle_pairs", "CROSS_REFERENCES",
           "KIND_VERBATIM", "KIND_REWORDED", "KIND_TRANSLATED", "ALIGNMENTS", "SENTENCE_ALIGNMENTS", "VARIANTS"]

CROSS_REFERENCES = "cross_references"
KIND_VERBATIM = "verbatim"
KIND_REWORDED = "reworded"
KIND_TRANSLATED = "translated"
"""``cross_references.kind`` of a passage in other words across two languages (issue #20)."""
ALIGNMENTS = "alignments"
SENTENCE_ALIGNMENTS = "sentence_alignments"
LEXICON = "lexicon"
LEARNED_SOURCE = "learned"
"""``lexicon.source`` of the pairs learned from two aligned versions (each word the other's best partner)."""
LEARNED_ONE_WAY = "learned-one-way"
"""``lexicon.source`` of a learned pair best for one of its words only (an inflection, mostly)."""
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
    # the corpus's postings of those shingles only (a bitmap on low bits, then exact), each once per paragraph;
    # shingled a chunk of paragraphs at a time, twice: first each wanted shingle's paragraphs are counted,
    # then only the postings of shingles that are looked up (rare) or checked (common) are kept. A
    # needle's words include common ones, and at a million paragraphs the postings of its most frequent
    # shingles, never looked at, were gigabytes.
    wanted = np.unique(all_sh)
    low = np.uint64((1 << 24) - 1)
    bitmap = np.zeros(1 << 24, dtype=bool)
    bitmap[(wanted & low).astype(np.int64)] = True
    npara = max(len(para_doc), 1)

    def wanted_postings() -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(hashes, paragraphs, index in ``wanted``) of each chunk's postings of wanted shingles."""
        for hashes, paras in chunked_postings(keys.keys, keys.offsets, np.unique(words), 100_000):
            maybe = np.flatnonzero(bitmap[(hashes & low).astype(np.int64)])
            at = np.minimum(np.searchsorted(wanted, hashes[maybe]), len(wanted) - 1)
            hit = wanted[at] == hashes[maybe]
            yield hashes[maybe[hit]], paras[maybe[hit]].astype(np.int64), at[hit]

    df = np.zeros(len(wanted), dtype=np.int64)  # paragraphs holding each wanted shingle
    for _, paras, at in wanted_postings():  # a paragraph lies in one chunk: counted once per chunk is once
        df += np.bincount(np.unique(at.astype(np.int64) * npara + paras) // npara, minlength=len(wanted))
    used = df <= max(params.max_df, params.quotation_common_df)
    found_h, found_p = [], []
    for hashes, paras, at in wanted_postings():
        keep = used[at]
        found_h.append(hashes[keep])
        found_p.append(paras[keep])
    hashes, paras = np.concatenate(found_h), np.concatenate(found_p)
    del found_h, found_p
    order = np.lexsort((paras, hashes))
    hashes, paras = hashes[order], paras[order]
    once = np.r_[True, (hashes[1:] != hashes[:-1]) | (paras[1:] != paras[:-1])]
    hashes, paras = hashes[once], paras[once]
    lo, hi = np.searchsorted(hashes, all_sh, side="left"), np.searchsorted(hashes, all_sh, side="right")
    df_sh = df[np.searchsorted(wanted, all_sh)]  # every wanted shingle's count, kept or not
    rare = df_sh <= params.max_df
    n_rare = np.bincount(owner[rare], minlength=len(needles))
    need = np.maximum(np.minimum(params.quotation_min_shared, n_rare),
                      np.ceil(params.quotation_share * sizes).astype(np.int64))
    count = np.where(rare, hi - lo, 0)
    by_needle = np.repeat(owner, count) * npara + paras[np.repeat(lo, count) + _ranges(count)]
    key, shared = np.unique(by_needle, return_counts=True)
    needle = key // npara
    shared += _common_shared(needle, key % npara, shared < need[needle], owner, all_sh, ~rare & (
        df_sh <= params.quotation_common_df), hashes, paras, wanted, npara)
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
    correspondences: Correspondences | None = None

    def __getstate__(self) -> dict:
        return {k: v for k, v in {**self.__dict__, "tokens": None}.items() if k != "_classes"}

    def paragraph_tokens(self) -> ParagraphTokens:
        if self.tokens is None:
            self.tokens = ParagraphTokens(self.corpus)
        return self.tokens

    def classes(self) -> "_ClassMemo":
        """Each paragraph's correspondence classes, filled on demand where the blocks are scored."""
        if "_classes" not in self.__dict__:
            self.__dict__["_classes"] = _ClassMemo(self.corpus, self.paragraph_tokens(), self.correspondences)
        return self.__dict__["_classes"]

    def pair_statistics(self, key: DocPair) -> PairStatistics:
        """The statistics of a pair of documents, smoothed towards the corpus."""
        if "_prior" not in self.__dict__:
            self.__dict__["_prior"] = corpus_counts(self.counts) if self.params.prior_tokens > 0 else None
        return PairStatistics(self.counts[key[0]], self.counts[key[1]], self.__dict__["_prior"], self.params.prior_tokens)


def _pair_statistics(counts: list[DocumentCounts], prior_tokens: float) -> Callable[[DocPair], PairStatistics]:
    """A memo of :class:`PairStatistics` per pair of document indices, smoothed towards the corpus."""
    memo: dict[DocPair, PairStatistics] = {}
    prior = corpus_counts(counts) if prior_tokens > 0 else None

    def get(key: DocPair) -> PairStatistics:
        stats = memo.get(key)
        if stats is None:
            if len(memo) > 100_000:  # many small documents: keep the memo bounded
                memo.clear()
            stats = memo[key] = PairStatistics(counts[key[0]], counts[key[1]], prior, prior_tokens)
        return stats

    return get


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
    tokens, classes, xparams = scoring.paragraph_tokens(), scoring.classes(), params.cross_reference
    docs, pids, texts = corpus.docs, corpus.pids, corpus.texts
    stats = scoring.pair_statistics(key)
    rows: list[tuple] = []
    scored = 0
    for i, j, shared, quote in zip(left.tolist(), right.tolist(), shared_all.tolist(), by_quote.tolist()):
        aligned = shared >= _SURELY_SHARED or may_share(keys.of(i), keys.of(j), xparams, stats)
        if not (aligned or quote):
            continue  # no stretch of aligned words at all: not worth tokenising
        scored += 1
        lq, rq = tokens.quotations(i), tokens.quotations(j)
        if quote:  # a pair only quotations put forward: only those are searched
            wanted = quoted.get((i, j), set()) if quoted else set()
            lq, rq = [q for q in lq if q[0] in wanted], [q for q in rq if q[0] in wanted]
        for p in pair_passages(tokens[i], tokens[j], lq, rq, xparams, stats,
                               (corpus.language_of(i), corpus.language_of(j)), align=aligned):
            lqid = lq[p.left_quotation][0] if p.left_quotation is not None else None
            rqid = rq[p.right_quotation][0] if p.right_quotation is not None else None
            ld, rd = docs[key[0]], docs[key[1]]
            lt, rt = texts[i], texts[j]
            meaning, words = classes.evidence(i, j, stats, Window(p.left_first, p.left_last),
                                              Window(p.right_first, p.right_last))
            rows.append((p.method, ld, rd, pids[i], pids[j], lqid, p.left_start, p.left_end, p.right_start,
                         p.right_end, lt[p.left_start:p.left_end], rt[p.right_start:p.right_end], p.score,
                         KIND_VERBATIM, meaning, words[0]))
            rows.append((p.method, rd, ld, pids[j], pids[i], rqid, p.right_start, p.right_end, p.left_start,
                         p.left_end, rt[p.right_start:p.right_end], lt[p.left_start:p.left_end], p.score,
                         KIND_VERBATIM, meaning, words[1]))
    return key, rows, time.perf_counter() - t0, scored


def cross_references(
    corpus: ParagraphCorpus, keys: ContentKeys, counts: list[DocumentCounts], candidates: Candidates,
    tokens: ParagraphTokens | None, params: LinkParameters, quoted: dict[tuple[int, int], set[int]] | None = None,
    correspondences: Correspondences | None = None, engine: "Engine | None" = None,
) -> LinkSet:
    """The passages candidate pairs share, weighed by the pair's own statistics; each stored from both sides.

    ``quoted`` (:func:`quotation_candidates`) are more pairs, put forward by a marked
    quotation on one side: only those quotations are searched in them, and they are
    aligned only when they pass the cheap alignment test. The pairs are scored in blocks
    of one document pair (:func:`score_pair_block`), on ``engine`` (here, by default).

    Every passage is also scored by :func:`synopsis.link.reworded.score_pair` with the
    run's ``correspondences``: its meaning score and the words it rests on are stored with
    it (kind ``verbatim``), on the scale the reworded passages share.
    """
    out = LinkSet("cross_reference", METHOD_ALIGN, CROSS_REFERENCES)
    scoring = PairScoring(corpus, keys, counts, params, quoted, tokens, correspondences)
    blocks = candidate_blocks(corpus, candidates, params, quoted)
    for key, rows, seconds, _ in (engine or LOCAL).map_blocks(score_pair_block, scoring, blocks, "cross_references"):
        if rows:
            out.rows.setdefault(key, []).extend(rows)
        out.seconds[key] = out.seconds.get(key, 0.0) + seconds
    out.rows = {k: kept for k, v in out.rows.items() if (kept := without_formula_places(v, params.cross_reference))}
    return out


_MEMO_PARAGRAPHS = 4000
"""Paragraphs whose token classes the reworded pass keeps at once (each holds a dict per token)."""


class _ClassMemo:
    """Each paragraph's token classes (:meth:`Correspondences.token_classes`), computed once, on demand."""

    def __init__(self, corpus: ParagraphCorpus, tokens: ParagraphTokens, correspondences: Correspondences | None) -> None:
        self.corpus, self.tokens, self.correspondences = corpus, tokens, correspondences
        self._memo: dict[int, list] = {}
        self._paragraphs: dict[int, Paragraph] = {}
        self._weights: dict[tuple[int, DocPair], list[float]] = {}

    def paragraph(self, i: int) -> Paragraph:
        got = self._paragraphs.get(i)
        if got is None:
            if len(self._paragraphs) > _MEMO_PARAGRAPHS:  # bounded: candidates come in paragraph order
                self._paragraphs.clear()
            got = self._paragraphs[i] = Paragraph.of(self.tokens[i], self[i])
        return got

    def weights(self, i: int, key: DocPair, stats: PairStatistics) -> list[float]:
        """Paragraph ``i``'s token weights in document pair ``key`` (memoised: a paragraph meets many)."""
        got = self._weights.get((i, key))
        if got is None:
            if len(self._weights) > 10 * _MEMO_PARAGRAPHS:  # a list of floats per paragraph: bounded
                self._weights.clear()
            got = self._weights[(i, key)] = stats.weights(self.tokens[i])
        return got

    def __getitem__(self, i: int) -> list:
        got = self._memo.get(i)
        if got is None:
            assert self.correspondences is not None
            if len(self._memo) > _MEMO_PARAGRAPHS:
                self._memo.clear()
            got = self._memo[i] = self.correspondences.token_classes(self.tokens[i], self.corpus.language_of(i))
        return got

    def evidence(self, i: int, j: int, stats: PairStatistics, lw: Window, rw: Window) -> tuple[float | None, tuple]:
        """The meaning score of two windows and their correspondences as JSON seen from each side."""
        if self.correspondences is None:
            return None, (None, None)
        left, right = self.tokens[i], self.tokens[j]
        s = score_pair(left, right, lw, rw, self[i], self[j], stats.weights(left), stats.weights(right),
                       (self.corpus.language_of(i), self.corpus.language_of(j)))
        return s.score, correspondences_json(s, left, right)


def correspondences_json(s: ScoredWindow, left: Tokens, right: Tokens) -> tuple[str, str]:
    """A scored window pair's correspondences as stored, from the left and from the right: ``[[source
    start, source end, target start, target end, kind], ...]``, spans relative to each passage's start."""
    ls, rs = left.starts[s.left.first], right.starts[s.right.first]
    forward = [c.as_json(left, right, ls, rs) for c in s.correspondences]
    backward = sorted([r[2], r[3], r[0], r[1], r[4]] for r in forward)
    return json.dumps(forward, separators=(",", ":")), json.dumps(backward, separators=(",", ":"))


def reworded_references(
    corpus: ParagraphCorpus, keys: ContentKeys, counts: list[DocumentCounts], focus: np.ndarray,
    tokens: ParagraphTokens, params: LinkParameters, correspondences: Correspondences,
    verbatim: LinkSet | None = None, candidates: Candidates | None = None,
    more_candidates: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
) -> LinkSet:
    """Passages in other words (:mod:`synopsis.link.reworded`) between paragraphs of different works.

    Candidates are the shingle index's pairs (``candidates``) and the paragraph pairs
    sharing ``reworded_min_shared`` rare correspondence classes (:func:`synopsis.link.correspond.paragraph_classes`: keys and synonym or learned
    groups found in at most ``reworded_max_df`` paragraphs of the pair's documents; the
    same sort-and-group index as the shingles'). Windows already linked verbatim are
    skipped; ``more_candidates`` may add pairs from the same class postings (across languages:
    :func:`synopsis.lexicon.candidates.translated_candidates`). The floor is calibrated on the run's null model
    (:func:`reworded_null_scores`) and recorded in each run's parameters with the
    correspondence sources' names and versions.
    """
    out = LinkSet("cross_reference", METHOD_REWORDED, CROSS_REFERENCES)
    t0 = time.perf_counter()
    xparams = params.cross_reference
    docs, pids, texts, para_doc = corpus.docs, corpus.pids, corpus.texts, corpus.para_doc
    table = correspondences.hash_classes({corpus.languages.get(d) for d in docs})
    hashes, paras = paragraph_classes(keys.keys, keys.offsets, table)
    left, right, _ = candidate_pairs(
        hashes, paras, para_doc, focus=focus, min_shared=xparams.reworded_min_shared,
        max_df=xparams.reworded_max_df, max_postings=params.max_postings,
        pair_budget=params.pairs_per_paragraph * max(len(para_doc), 1))
    if more_candidates is not None:  # and the pairs another index puts forward from the same class postings
        more_left, more_right = more_candidates(hashes, paras)
        left, right = np.r_[left.astype(np.int64), more_left], np.r_[right.astype(np.int64), more_right]
    if candidates is not None:  # and the pairs the shingle index put forward (two words close together on both sides)
        most = reworded_shingle_pairs(candidates.shared, max(params.reworded_pair_budget,
                                                             int(params.reworded_pairs_per_paragraph * len(para_doc))))
        both = np.unique(np.r_[left.astype(np.int64) * len(para_doc) + right, candidates.left[most].astype(np.int64)
                               * len(para_doc) + candidates.right[most]])
        left, right = both // len(para_doc), both % len(para_doc)
    root = [corpus.root_of(k) for k in range(len(docs))]
    other_work = np.fromiter((root[a] != root[b] for a, b in zip(para_doc[left].tolist(), para_doc[right].tolist())),
                             dtype=bool, count=len(left))
    left, right = left[other_work], right[other_work]
    # a language with neither a stemmer nor a correspondence source has only the same words to
    # offer, in another order: what the verbatim pass weighs already, and, in a language-neutral
    # corpus, what chance repeats ("As Condskel pointed out, …"). Such pairs are not scored.
    words_vary = {lang: bool(profile_for(lang).stemmer) or any(next(iter(src.words(lang)), None) is not None
                                                              for src in correspondences.sources)
                  for lang in {corpus.languages.get(d) for d in docs}}
    varied = np.array([words_vary[corpus.languages.get(d)] for d in docs], dtype=bool)
    keep = varied[para_doc[left]] | varied[para_doc[right]]
    left, right = left[keep], right[keep]
    if not len(left):
        return out
    classes = _ClassMemo(corpus, tokens, correspondences)
    pair_stats = _pair_statistics(counts, params.prior_tokens)
    null = reworded_null_scores(corpus, tokens, classes, pair_stats, left, right, xparams)
    floor = reworded_floor(null, xparams)
    taken = _verbatim_taken(verbatim, corpus, tokens)
    setup = time.perf_counter() - t0
    for i, j in zip(left.tolist(), right.tolist()):
        t_pair = time.perf_counter()
        key = (int(para_doc[i]), int(para_doc[j]))
        stats = pair_stats(key)
        lt_, rt_ = tokens[i], tokens[j]
        found = best_windows(classes.paragraph(i), classes.paragraph(j), classes.weights(i, key, stats),
                             classes.weights(j, key, stats), xparams, floor, taken.get((i, j), ()),
                             (corpus.language_of(i), corpus.language_of(j)))
        if found:
            rows = out.rows.setdefault(key, [])
            ld, rd, lt, rt = docs[key[0]], docs[key[1]], texts[i], texts[j]
            languages = (corpus.language_of(i), corpus.language_of(j))
            kind = KIND_TRANSLATED if primary_subtag(languages[0]) != primary_subtag(languages[1]) else KIND_REWORDED
            for s in found:
                ls, le = lt_.tokens_to_span(s.left.first, s.left.last)
                rs, re_ = rt_.tokens_to_span(s.right.first, s.right.last)
                score = stored_score(lt[ls:le], rt[rs:re_], *languages)
                fwd, bwd = correspondences_json(s, lt_, rt_)
                rows.append((METHOD_REWORDED, ld, rd, pids[i], pids[j], None, ls, le, rs, re_, lt[ls:le], rt[rs:re_],
                             score, kind, s.score, fwd))
                rows.append((METHOD_REWORDED, rd, ld, pids[j], pids[i], None, rs, re_, ls, le, rt[rs:re_], lt[ls:le],
                             score, kind, s.score, bwd))
            out.seconds[key] = out.seconds.get(key, 0.0) + time.perf_counter() - t_pair
    # the verbatim pass's formula rule: words of one paragraph found in formula_places paragraphs
    # of the other document are that document's formula ("As Condskel pointed out, …")
    out.rows = {k: kept for k, v in out.rows.items() if (kept := without_formula_places(v, xparams))}
    out.seconds = {k: v for k, v in out.seconds.items() if k in out.rows}
    sources = correspondences.versions()
    for key in out.rows:
        out.seconds[key] += setup / len(out.rows)
        out.parameters[key] = {"reworded_floor": floor, "reworded_null_scored": len(null),
                               "correspondence_sources": sources}
    return out


def reworded_shingle_pairs(shared: np.ndarray, budget: int) -> np.ndarray:
    """Which shingle candidates the reworded pass scores (a boolean mask): all of them when they are
    at most ``budget``, else those sharing at least ``t`` shingles, ``t`` the least count whose pairs
    fit the budget (the pairs sharing the most, if none does).

    Scoring a pair costs about two milliseconds (both paragraphs tokenised and classed), and the
    shingle candidates grow with the square of a document pair's size: a million generated
    paragraphs in documents of 50,000 put forward 3.2 million, mostly pairs sharing two shingles by
    chance. The budget (:attr:`LinkParameters.reworded_pair_budget`, or
    ``reworded_pairs_per_paragraph`` × paragraphs when larger) is far above what a corpus of a few
    hundred thousand paragraphs puts forward, so only a very large corpus loses its weakest candidates.
    A threshold, not a cut in a sorted list: the pairs kept do not depend on their order.
    """
    if len(shared) <= budget:
        return np.ones(len(shared), dtype=bool)
    values, counts = np.unique(shared, return_counts=True)
    at_least = np.cumsum(counts[::-1])[::-1]  # pairs sharing at least values[k] shingles
    fits = np.flatnonzero(at_least <= budget)
    t = values[fits[0]] if len(fits) else values[-1]
    return shared >= t


def _verbatim_taken(verbatim: LinkSet | None, corpus: ParagraphCorpus, tokens: ParagraphTokens
                    ) -> dict[tuple[int, int], list[tuple[int, int, int, int]]]:
    """The token ranges each paragraph pair (left < right, paragraph indices) already shares verbatim."""
    out: dict[tuple[int, int], list[tuple[int, int, int, int]]] = {}
    if verbatim is None:
        return out
    index = {pid: k for k, pid in enumerate(corpus.pids)}
    for rows in verbatim.rows.values():
        for row in rows[::2]:
            i, j = index[row[3]], index[row[4]]
            li = _token_range(tokens[i], row[6], row[7])
            ri = _token_range(tokens[j], row[8], row[9])
            if li is None or ri is None:
                continue
            if i < j:
                out.setdefault((i, j), []).append((*li, *ri))
            else:
                out.setdefault((j, i), []).append((*ri, *li))
    return out


def _token_range(toks: Tokens, start: int, end: int) -> tuple[int, int] | None:
    inside = [k for k in range(len(toks)) if toks.starts[k] >= start and toks.ends[k] <= end]
    return (inside[0], inside[-1]) if inside else None


def reworded_null_scores(corpus: ParagraphCorpus, tokens: ParagraphTokens, classes: _ClassMemo,
                         pair_stats: Callable[[DocPair], PairStatistics], left: np.ndarray, right: np.ndarray,
                         p: CrossReferenceParameters, draws: int = 6) -> list[tuple[float, float, float]]:
    """Meaning scores of the null model: unrelated window pairs of the same length and information.

    For up to ``reworded_null_pairs`` candidate pairs drawn at a fixed seed, a window of
    the left paragraph is set against windows of ``draws`` random paragraphs of the right
    paragraph's document that are *not* candidates of the left (so never a pair under test,
    however small the corpus); of those, the window closest in content words to a
    right-hand window of the real candidate is scored. Only null pairs with the evidence a
    reworded passage needs (a tier of :func:`synopsis.link.accept.reworded_tier`) are kept,
    as ``(score, words, information)``: the floor must beat chance among pairs that would
    otherwise pass.
    """
    rng = np.random.default_rng(19)
    para_doc, doc_first = corpus.para_doc, corpus.doc_first
    partners: dict[int, set[int]] = {}
    for a, b in zip(left.tolist(), right.tolist()):
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    pick = rng.choice(len(left), size=min(len(left), p.reworded_null_pairs), replace=False)
    scores: list[float] = []
    for k in sorted(pick.tolist()):
        i, j = int(left[k]), int(right[k])
        if rng.random() < 0.5:
            i, j = j, i
        d = int(para_doc[j])
        lo, hi = int(doc_first[d]), int(doc_first[d + 1])
        lws = sentence_windows(classes.paragraph(i), 1)
        rws = sentence_windows(classes.paragraph(j), 1)
        if not lws or not rws or hi - lo < 2:
            continue
        lw, rw = lws[int(rng.integers(len(lws)))], rws[int(rng.integers(len(rws)))]
        target = sum(tokens[j].content[rw.first : rw.last + 1]) or 1
        best = None
        for _ in range(draws):
            o = int(rng.integers(lo, hi))
            if o == j or o in partners.get(i, ()):
                continue
            for w in sentence_windows(classes.paragraph(o), p.reworded_window_sentences):
                size = sum(tokens[o].content[w.first : w.last + 1])
                gap = abs(size - target)
                if best is None or gap < best[0]:
                    best = (gap, o, w)
        if best is None:
            continue
        _, o, w = best
        key = (min(int(para_doc[i]), d), max(int(para_doc[i]), d))
        stats = pair_stats(key)
        s = score_pair(tokens[i], tokens[o], lw, w, classes[i], classes[o], classes.weights(i, key, stats),
                       classes.weights(o, key, stats), (corpus.language_of(i), corpus.language_of(o)))
        if reworded_tier(s.words, s.information, p) is not None:
            scores.append((s.score, s.words, s.information))
    return scores


def similarity(
    corpus: ParagraphCorpus, keys: ContentKeys, counts: list[DocumentCounts], candidates: Candidates,
    params: LinkParameters,
) -> LinkSet:
    """Each paragraph's most similar paragraphs of another work's document, ranked from both sides.

    The score is the cosine of content-token counts weighted by their information in
    their documents (:func:`synopsis.link.statistics.paragraph_vectors`), computed for all
    candidate pairs at once. Only scores above chance are kept: the step is *calibrated*
    on up to ``similarity_chance_pairs`` pairs drawn at a fixed seed (a candidate's left
    paragraph against a random paragraph of the right one's document that is not a candidate
    of it: never a pair under test), and its floor is the larger of
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
    # never a pair under test: a drawn pair the candidate stage put forward (in a corpus of two
    # small documents nearly every random pair is one) is no chance pair
    n = max(len(para_doc), 1)
    tested = np.sort(np.minimum(left, right).astype(np.int64) * n + np.maximum(left, right))
    probe = np.minimum(left[sample], drawn).astype(np.int64) * n + np.maximum(left[sample], drawn)
    at = np.minimum(np.searchsorted(tested, probe), len(tested) - 1)
    other = (drawn != right[sample]) & (tested[at] != probe)
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
    For two languages, the translation pairs learned from each pair's beads
    (:mod:`synopsis.lexicon.learned`) are in ``lexicon``.
    """
    out = LinkSet("alignment", "edition", ALIGNMENTS)
    sentences = out.extra.setdefault(SENTENCE_ALIGNMENTS, {})
    learned = out.extra.setdefault(LEXICON, {})
    listed = {entry.token for _, entry in corpus_lexicon_in_use().entries()}
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
            ll, rl = corpus.languages.get(docs[a]), corpus.languages.get(docs[b])
            if primary_subtag(ll) and primary_subtag(rl) and primary_subtag(ll) != primary_subtag(rl):
                # the translators' lexicon: kept, with the run that learned it
                learned[(a, b)] = [
                    (LEARNED_SOURCE if p.mutual else LEARNED_ONE_WAY, primary_subtag(ll), primary_subtag(rl),
                     p.left_text, p.right_text, docs[a], docs[b], None, p.evidence, p.strength)
                    for p in learn_pairs(found.bead_texts, ll, rl)]
                learned[(a, b)] += [
                    (LEARNED_SOURCE, primary_subtag(ll), primary_subtag(rl), p.left_text, p.right_text, docs[a],
                     docs[b], p.left_token, p.evidence, p.strength)
                    for p in listed_renderings(found.bead_texts, ll, rl, listed)]
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
