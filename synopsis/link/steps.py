"""The computing steps of the link stage: each a function from named inputs to a named output.

``synopsis.link.store.link_corpus`` runs them in order (its ``STEPS`` list) between the
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
from typing import Callable

import numpy as np

from synopsis.languages import primary_subtag
from synopsis.lexicon.corpus import corpus_lexicon_in_use
from synopsis.lexicon.learned import learn_pairs, listed_renderings
from synopsis.link.sentalign import METHOD as METHOD_SENTENCES, SentenceAlignParameters
from synopsis.link.variants import METHOD as VARIANT_METHOD, variants_of_edition
from synopsis.link.versions import align_stored_versions
from synopsis.link.arrays import ranges as _ranges
from synopsis.link.candidates import candidate_pairs, shingle_postings
from synopsis.link.corpus import ParagraphCorpus
from synopsis.link.crossref import METHOD_ALIGN
from synopsis.link.normalize import encode_paragraphs
from synopsis.link.parameters import LinkParameters
from synopsis.link.passages import ParagraphTokens, may_share, pair_passages
from synopsis.link.statistics import DocumentCounts, PairStatistics, corpus_counts, cosines, paragraph_vectors
from synopsis.link.token_cache import ContentKeys

__all__ = ["LinkSet", "Candidates", "find_candidates", "quotation_candidates", "cross_references", "similarity", "edition_alignments",
           "variants", "CROSS_REFERENCES", "ALIGNMENTS", "SENTENCE_ALIGNMENTS", "VARIANTS"]

CROSS_REFERENCES = "cross_references"
ALIGNMENTS = "alignments"
SENTENCE_ALIGNMENTS = "sentence_alignments"
LEXICON = "lexicon"
LEARNED_SOURCE = "learned"
"""``lexicon.source`` of the pairs learned from two aligned versions."""
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
    hashes, post_para = shingle_postings(keys.keys, keys.offsets, only_keys=only)
    common = dict(max_df=params.max_df, max_postings=params.max_postings,
                  pair_budget=params.pairs_per_paragraph * max(len(para_doc), 1))
    left, right, shared = candidate_pairs(
        hashes, post_para, para_doc, focus=focus, min_shared=min(params.min_shared, params.similarity_min_shared),
        **common,
    )
    root_of = [corpus.root_of(k) for k in range(len(corpus.docs))]
    same_work = np.fromiter((root_of[a] == root_of[b] for a, b in zip(para_doc[left].tolist(), para_doc[right].tolist())),
                            dtype=bool, count=len(left))
    return Candidates(left, right, shared, same_work)


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


def cross_references(
    corpus: ParagraphCorpus, keys: ContentKeys, counts: list[DocumentCounts], candidates: Candidates,
    tokens: ParagraphTokens, params: LinkParameters, quoted: dict[tuple[int, int], set[int]] | None = None,
) -> LinkSet:
    """The passages candidate pairs share, weighed by the pair's own statistics; each stored from both sides.

    ``quoted`` (:func:`quotation_candidates`) are more pairs, put forward by a marked
    quotation on one side: only those quotations are searched in them, and they are
    aligned only when they pass the cheap alignment test.
    """
    out = LinkSet("cross_reference", METHOD_ALIGN, CROSS_REFERENCES)
    docs, pids, texts, para_doc = corpus.docs, corpus.pids, corpus.texts, corpus.para_doc
    pair_stats = _pair_statistics(counts, params.prior_tokens)
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
        order = np.lexsort((right, left))
        left, right, shared_all, by_quote = left[order], right[order], shared_all[order], by_quote[order]
    for i, j, shared, quote in zip(left.tolist(), right.tolist(), shared_all.tolist(), by_quote.tolist()):
        t_pair = time.perf_counter()
        key = (int(para_doc[i]), int(para_doc[j]))
        stats = pair_stats(key)
        aligned = shared >= _SURELY_SHARED or may_share(keys.of(i), keys.of(j), params, stats)
        if not (aligned or quote):
            continue  # no stretch of aligned words at all: not worth tokenising
        lq, rq = tokens.quotations(i), tokens.quotations(j)
        if quote:  # a pair only quotations put forward: only those are searched
            wanted = quoted.get((i, j), set()) if quoted else set()
            lq, rq = [q for q in lq if q[0] in wanted], [q for q in rq if q[0] in wanted]
        rows = out.rows.setdefault(key, [])
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
        out.seconds[key] = out.seconds.get(key, 0.0) + time.perf_counter() - t_pair
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


def edition_alignments(
    db: sqlite3.Connection, corpus: ParagraphCorpus, focus: np.ndarray, params: LinkParameters,
) -> LinkSet:
    """Every pair of documents of one work with a stale side, aligned sentence by sentence
    (:func:`synopsis.link.versions.align_stored_versions`): paragraph beads in ``alignments``,
    and the sentence beads under the same run in ``sentence_alignments``; for two languages,
    the translation pairs learned from the beads (:mod:`synopsis.lexicon.learned`) in ``lexicon``."""
    out = LinkSet("alignment", "edition", ALIGNMENTS)
    sentences = out.extra.setdefault(SENTENCE_ALIGNMENTS, {})
    learned = out.extra.setdefault(LEXICON, {})
    listed = {entry.token for _, entry in corpus_lexicon_in_use().entries()}
    docs = corpus.docs
    for members in _works(corpus).values():
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
                out.rows[(a, b)] = [("edition", docs[a], docs[b], lp, rp, n, pattern, 1, score)
                                    for n, pattern, lp, rp, score in found.paragraph_rows]
                sentences[(a, b)] = [(METHOD_SENTENCES, docs[a], docs[b], ls, rs, lp, rp, n, pattern, score)
                                     for n, pattern, ls, rs, lp, rp, score in found.sentence_rows]
                ll, rl = corpus.languages.get(docs[a]), corpus.languages.get(docs[b])
                if primary_subtag(ll) and primary_subtag(rl) and primary_subtag(ll) != primary_subtag(rl):
                    # the translators' lexicon: kept, with the run that learned it
                    learned[(a, b)] = [
                        (LEARNED_SOURCE, primary_subtag(ll), primary_subtag(rl), p.left_text, p.right_text, docs[a],
                         docs[b], None, p.evidence, p.strength)
                        for p in learn_pairs(found.bead_texts, ll, rl)]
                    learned[(a, b)] += [
                        (LEARNED_SOURCE, primary_subtag(ll), primary_subtag(rl), p.left_text, p.right_text, docs[a],
                         docs[b], p.left_token, p.evidence, p.strength)
                        for p in listed_renderings(found.bead_texts, ll, rl, listed)]
                out.seconds[(a, b)] = time.perf_counter() - t_pair
    return out


def variants(corpus: ParagraphCorpus, editions: LinkSet) -> LinkSet:
    """Word variants inside each edition bead, for two editions in one language (:mod:`synopsis.link.variants`)."""
    out = LinkSet("variant", VARIANT_METHOD, VARIANTS)
    docs, pids, texts = corpus.docs, corpus.pids, corpus.texts
    for (a, b), links in sorted(editions.rows.items()):
        t_pair = time.perf_counter()
        found = variants_of_edition(
            links, [(pids[i], texts[i]) for i in corpus.paragraph_range(a)],
            [(pids[j], texts[j]) for j in corpus.paragraph_range(b)],
            left_language=corpus.languages.get(docs[a]), right_language=corpus.languages.get(docs[b]),
        )
        if found is not None:
            parameters, rows = found
            out.rows[(a, b)] = [(docs[a], docs[b], *astuple(r)) for r in rows]
            out.parameters[(a, b)] = parameters
            out.seconds[(a, b)] = time.perf_counter() - t_pair
    return out
