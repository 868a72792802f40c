"""Local alignment: where each part of one version lies in the other, then the sentence DP inside.

An extract (an anthology's few paragraphs, a newspaper printing, a translation of some
books only) is not the whole work cut shorter at the end: its parts lie anywhere in the
longer version, maybe not even in the same order. A global alignment from the first
sentence to the last spreads the extract over the whole of the other version, pairing
its paragraphs with whatever lies on the way. So, as genome aligners and collation tools
do, the two versions are first *anchored* and only then aligned:

1. Anchors: sentence pairs sharing words rare on both sides (in at most ``rare_df``
   sentences of each; the maximal unique matches of the texts), weighed by how rare.
   Within one language a word is its casefolded stem; across languages only what survives
   translation: numbers, names and cognates, names transliterated across scripts (Авраамъ ~
   Abraham) and a bilingual dictionary's glosses where the pair has one (CC-CEDICT for Chinese
   and English): the sentence aligner's own tokens for that pair, :func:`region_tokens`. Where
   that leaves a long stretch of the shorter version found nowhere (Russian and English share
   few names a chapter), the words each side translates the other's with are learned from
   what the first pass aligned (:func:`synopsis.link.sentalign.lexicon._learned_lexicon`) and
   the regions are looked for again with them.
2. Chains: anchors strung together as minimap2 chains them (:func:`_chains`): each anchor
   continues the best earlier anchor within :data:`MAX_GAP` sentences on both sides, at a cost
   that grows with the departure from the diagonal; chains are taken best first, each
   kept only where it overlaps no better one on either side (the part of a chain that runs
   into a better one's region is cut off). No chain has to follow
   another: a part the extract moved is a chain of its own.
3. Regions: consecutive chains (in reading order on both sides) join into one region when
   the text between them is of similar length on both sides (parallel text without rare
   words, :data:`LENGTH_SPREAD`); otherwise they are separate regions, and the text between them that only one
   side holds is *absent* there: it costs nothing and is given as 1-0 or 0-1 beads. The few
   unanchored sentences at a region's edge go with the region next to them.
4. Inside each region, :func:`synopsis.link.sentalign.align_sentences` as for any pair.

When the chains make one region spanning both versions (two whole editions), the pair is
aligned globally, exactly as before: the regions only step in where a version is partial.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from synopsis.link.sentalign.dictionary import add_dictionary_tokens
from synopsis.link.sentalign.lexicon import _learned_lexicon
from synopsis.link.sentalign import (SentenceAlignParameters, SentenceBead, _same_language, _tokens, align_sentences,
                                     stemmer_name)

__all__ = ["AbsentBead", "Region", "find_regions", "region_tokens", "align_local", "MAX_GAP"]

log = logging.getLogger(__name__)

MAX_GAP = 40
"""Most sentences (either side) between two anchors of one chain: parallel text has a rare word
far more often than that, and a chain stops at the border of what one version left out."""

ANCHORS_PER_SENTENCE = 2
"""Across languages, the document frequency that makes a token rare enough to anchor is raised
(up to :data:`MAX_RARE_DF`) until the anchors are this many per sentence of the shorter side: the
shared tokens of two scripts are too few at the sentence aligner's own bound for chains to
span :data:`MAX_GAP`."""

MAX_RARE_DF = 8

DIAGONAL_COST = 0.25
"""Cost (in anchor weights) of each sentence by which a chain link departs from the diagonal."""

MIN_CHAIN = 3.0
"""Least score of a chain (about three rare words in a row): fewer is chance."""

LENGTH_SPREAD = 1.4
"""Two chains join into one region when the text between them is as long on both sides (scaled
by the length ratio of the chained text) within this factor: parallel text that shares no rare
word. Over hundreds of characters a translation's length follows the original's far more
closely (Gale and Church); a book one version lacks doubles the other side."""


@dataclass(frozen=True, slots=True)
class AbsentBead(SentenceBead):
    """A 1-0 or 0-1 bead of text the other version does not hold at all (outside every region):
    absent, not dropped, so it is no variant."""


@dataclass(frozen=True)
class Region:
    """Left sentences ``[i0, i1)`` beside right sentences ``[j0, j1)``."""

    i0: int
    i1: int
    j0: int
    j1: int


def _anchors(toks: list[list[set[str]]], rare_df: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(left sentence, right sentence, weight) of every pair sharing a token rare on both sides."""
    where: list[dict[str, list[int]]] = [{}, {}]
    for side in (0, 1):
        for k, s in enumerate(toks[side]):
            for t in s:
                where[side].setdefault(t, []).append(k)
    n = max(len(toks[0]) + len(toks[1]), 1)
    pairs: dict[tuple[int, int], float] = {}
    for t, ls in where[0].items():
        rs = where[1].get(t)
        if rs is None or len(ls) > rare_df or len(rs) > rare_df:
            continue
        w = math.log(n / (len(ls) + len(rs)))
        for i in ls:
            for j in rs:
                pairs[(i, j)] = pairs.get((i, j), 0.0) + w
    if not pairs:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    keys = sorted(pairs)
    i = np.fromiter((k[0] for k in keys), dtype=np.int64, count=len(keys))
    j = np.fromiter((k[1] for k in keys), dtype=np.int64, count=len(keys))
    w = np.fromiter((pairs[k] for k in keys), dtype=np.float64, count=len(keys))
    return i, j, w / max(float(np.median(w)), 1e-9)  # an average anchor weighs 1


def _chains(i: np.ndarray, j: np.ndarray, w: np.ndarray, *, lookback: int = 30) -> list[list[int]]:
    """Anchor chains, best first, none sharing an anchor (indices into the anchor arrays, sorted by i)."""
    k = len(i)
    score = w.astype(np.float64).copy()
    prev = np.full(k, -1, dtype=np.int64)
    il, jl = i.tolist(), j.tolist()
    for b in range(k):
        ib, jb = il[b], jl[b]
        best, arg = 0.0, -1
        lo = max(0, b - lookback)
        # candidates: earlier anchors strictly before on both sides, within MAX_GAP
        for a in range(b - 1, lo - 1, -1):
            di, dj = ib - il[a], jb - jl[a]
            if di > MAX_GAP:
                break
            if di <= 0 or dj <= 0 or dj > MAX_GAP:
                continue
            s = score[a] - DIAGONAL_COST * abs(di - dj)
            if s > best:
                best, arg = s, a
        if arg >= 0:
            score[b] += best
            prev[b] = arg
    used = np.zeros(k, dtype=bool)
    chains: list[list[int]] = []
    for end in np.argsort(-score, kind="stable").tolist():
        if used[end] or score[end] < MIN_CHAIN:
            continue
        chain, x = [], end
        while x >= 0 and not used[x]:
            chain.append(x)
            used[x] = True
            x = int(prev[x])
        base = score[x] if x >= 0 else 0.0  # a chain ending on a used anchor scores only its own part
        if score[end] - base >= MIN_CHAIN:
            chains.append(chain[::-1])
    return chains


def find_regions(toks: list[list[set[str]]], lengths: tuple[Sequence[int], Sequence[int]] | None = None, *,
                 rare_df: int = 2, ratio: float | None = None) -> tuple[list[Region] | None, float]:
    """The regions of two token-set sequences that hold the same text, in left reading order.

    ``lengths`` are the sentences' lengths in characters (each 1 when not given): the text
    between two chains is parallel when its lengths on the two sides stand in the ratio the
    chained text does (within :data:`LENGTH_SPREAD`). None when the whole of both sides is
    one region (two whole versions: align them globally); an empty list when no chain is found.
    Also returns the length ratio (right to left) of parallel text: ``ratio`` when given (the
    enclosing stretch's), else that of the chained text.
    """
    n, m = len(toks[0]), len(toks[1])
    if not n or not m:
        return None, ratio or 1.0
    cl = np.r_[0, np.cumsum(np.asarray(lengths[0] if lengths else [1] * n, dtype=np.float64))]
    cr = np.r_[0, np.cumsum(np.asarray(lengths[1] if lengths else [1] * m, dtype=np.float64))]
    ai, aj, aw = _anchors(toks, rare_df)
    kept: list[Region] = []
    for chain in _chains(ai, aj, aw):
        # a chain may run on past its text into another's region (a rare word there): what lies in a
        # better chain's region is cut off, and each remaining run of the chain stands on its own
        runs: list[list[int]] = [[]]
        for k in chain:
            i, j = int(ai[k]), int(aj[k])
            if any(q.i0 <= i < q.i1 or q.j0 <= j < q.j1 for q in kept):
                runs.append([])
            else:
                runs[-1].append(k)
        for run in runs:
            if not run or float(aw[run].sum()) < MIN_CHAIN:
                continue
            r = Region(int(ai[run[0]]), int(ai[run[-1]]) + 1, int(aj[run[0]]), int(aj[run[-1]]) + 1)
            if all(r.i1 <= q.i0 or q.i1 <= r.i0 for q in kept) and all(r.j1 <= q.j0 or q.j1 <= r.j0 for q in kept):
                kept.append(r)
    if not kept:
        return [], ratio or float(cr[-1] / max(cl[-1], 1.0))
    kept.sort(key=lambda r: r.i0)
    if ratio is None:  # the length ratio of the text the chains hold, right to left
        ratio = float((sum(cr[r.j1] - cr[r.j0] for r in kept) or 1.0) / (sum(cl[r.i1] - cl[r.i0] for r in kept) or 1.0))

    def parallel(i0: int, i1: int, j0: int, j1: int) -> bool:
        """Whether the stretches left [i0, i1) and right [j0, j1) can be the same text."""
        if i1 < i0 or j1 < j0:
            return False
        if max(i1 - i0, j1 - j0) <= 2:
            return True
        a, b = (cl[i1] - cl[i0]) * ratio, cr[j1] - cr[j0]
        return min(a, b) >= max(a, b) / LENGTH_SPREAD

    # join neighbours (in order on both sides) with parallel text between them
    joined = [kept[0]]
    for r in kept[1:]:
        q = joined[-1]
        if parallel(q.i1, r.i0, q.j1, r.j0):
            joined[-1] = Region(q.i0, r.i1, q.j0, r.j1)
        else:
            joined.append(r)
    first, last = joined[0], joined[-1]
    if len(joined) == 1 and parallel(0, first.i0, 0, first.j0) and parallel(last.i1, n, last.j1, m):
        return None, ratio
    return joined, ratio


def region_tokens(left: Sequence[str], right: Sequence[str], *, left_language: str | None,
                  right_language: str | None, dictionary: bool = True) -> list[list[set[str]]]:
    """Each side's sentences as the sentence aligner's token sets: stems in one language; across
    languages cognates, numbers, names (transliterated where the scripts differ) and, where the
    pair has a bilingual dictionary (and ``dictionary``), its glosses."""
    cross = not _same_language(left_language, right_language)
    stems = (None, None) if cross else (stemmer_name(left_language), stemmer_name(right_language))
    toks = _tokens(left, right, cross, stems)
    if cross and dictionary:
        add_dictionary_tokens(left, right, toks, left_language, right_language)
    return toks


def align_local(
    left: Sequence[str],
    right: Sequence[str],
    *,
    left_language: str | None = None,
    right_language: str | None = None,
    left_headings: Sequence[int] = (),
    right_headings: Sequence[int] = (),
    parameters: SentenceAlignParameters | None = None,
) -> list[SentenceBead]:
    """:func:`~synopsis.link.sentalign.align_sentences` for versions that may be partial (module doc).

    Every sentence appears in exactly one bead; the beads follow the left side's reading order,
    a stretch only the right side holds where it stands between its neighbours.
    """
    params = parameters or SentenceAlignParameters()
    found = _local(left, right, left_language, right_language, params, None)

    def whole() -> list[SentenceBead]:
        return align_sentences(left, right, left_language=left_language, right_language=right_language,
                               left_headings=left_headings, right_headings=right_headings, parameters=parameters)

    if not found:  # one region (two whole versions), or no region at all
        return whole()
    if _same_language(left_language, right_language) or not _missed(found, len(left) <= len(right)):
        return found
    # across languages, a stretch of the shorter version found nowhere in the longer is more likely
    # text whose anchors were missed (few names and glosses shared) than text it added: what the
    # first alignment pairs teaches the words each side translates the other's with (the sentence
    # aligner's learned lexicon, Moore 2002), and the regions are looked for again with them
    first = found
    toks = region_tokens(left, right, left_language=left_language, right_language=right_language,
                         dictionary=params.dictionary)
    lexicon = _learned_lexicon(toks, [(min(b.left), max(b.left) + 1, min(b.right), max(b.right) + 1)
                                      for b in first if b.left and b.right and not isinstance(b, AbsentBead)])
    if not lexicon:
        return first
    again = _local(left, right, left_language, right_language, params, None, lexicon)
    log.debug("regions again with %d learned translation pairs: %s", sum(map(len, lexicon.values())),
              "found" if again else "one region or none")
    if again is None:  # one region after all: two whole versions
        return whole()
    return again or first


def _local(left: Sequence[str], right: Sequence[str], left_language: str | None, right_language: str | None,
           params: SentenceAlignParameters, ratio: float | None,
           lexicon: dict[str, set[str]] | None = None) -> list[SentenceBead] | None:
    """The beads of one stretch of each side, or None where the two stretches are one region (align
    them whole); at the top, an empty list when no region is found at all. Between two regions,
    the text both sides hold there is found the same way, its
    words now rare within that stretch alone (recursively, with the enclosing ``ratio`` of
    lengths; None at the top); what neither finds is absent. ``lexicon`` (right token → the left
    tokens it translates, learned) makes more tokens shared across languages."""
    n, m = len(left), len(right)
    if not n or not m:
        return [AbsentBead((i,), (), 0.0) for i in range(n)] + [AbsentBead((), (j,), 0.0) for j in range(m)]
    toks = region_tokens(left, right, left_language=left_language, right_language=right_language,
                         dictionary=params.dictionary)
    if lexicon:
        toks = [toks[0], [t | {x for y in t if y in lexicon for x in lexicon[y]} for t in toks[1]]]
    lengths = ([len(t) for t in left], [len(t) for t in right])
    rare_df = params.rare_df
    if not _same_language(left_language, right_language):
        # across languages the shared tokens are few and noisy (a gloss, a learned pair): a token is
        # rare enough to anchor until there are ANCHORS_PER_SENTENCE anchors a sentence of the shorter side
        while rare_df < MAX_RARE_DF and len(_anchors(toks, rare_df)[0]) < ANCHORS_PER_SENTENCE * min(n, m):
            rare_df += 1
    regions, inner_ratio = find_regions(toks, lengths, rare_df=rare_df, ratio=ratio)
    if regions is None:
        return None
    if not regions:  # nothing rare in common: at the top a pair that shares no words (align it whole),
        # below it the text between two regions, parallel when its lengths say so, absent otherwise
        if ratio is None:
            return []
        if _parallel_lengths(lengths, 0, n, 0, m, ratio):
            return None
        return [AbsentBead((i,), (), 0.0) for i in range(n)] + [AbsentBead((), (j,), 0.0) for j in range(m)]
    log.debug("local alignment in %d regions: %s", len(regions), regions)
    beads: list[SentenceBead] = []

    def aligned(i0: int, i1: int, j0: int, j1: int) -> list[SentenceBead]:
        found = align_sentences(left[i0:i1], right[j0:j1], left_language=left_language,
                                right_language=right_language, parameters=params)
        return _edges_absent([SentenceBead(tuple(x + i0 for x in b.left), tuple(y + j0 for y in b.right), b.score)
                              for b in found])

    def between(i0: int, i1: int, j0: int, j1: int) -> None:
        """The text between two regions (or before the first, after the last)."""
        if not (i1 > i0 and j1 > j0):
            beads.extend(AbsentBead((i,), (), 0.0) for i in range(i0, i1))
            beads.extend(AbsentBead((), (j,), 0.0) for j in range(j0, j1))
            return
        inner = _local(left[i0:i1], right[j0:j1], left_language, right_language, params, inner_ratio, lexicon)
        if inner is None:
            beads.extend(aligned(i0, i1, j0, j1))
            return
        beads.extend(type(b)(tuple(x + i0 for x in b.left), tuple(y + j0 for y in b.right), b.score) for b in inner)

    # each stretch between regions goes with the region after it, on each side by that side's order
    # (for regions in one order on both sides, the text between two of them; for moved ones, the
    # text before each on each side), and the ends after the last region on each side together
    by_j = sorted(range(len(regions)), key=lambda k: regions[k].j0)
    pred_j = {k: (by_j[t - 1] if t else None) for t, k in enumerate(by_j)}
    for k, r in enumerate(regions):
        i0 = regions[k - 1].i1 if k else 0
        j0 = regions[pred_j[k]].j1 if pred_j[k] is not None else 0
        between(i0, r.i0, j0, r.j0)
        beads.extend(aligned(r.i0, r.i1, r.j0, r.j1))
    between(regions[-1].i1, n, regions[by_j[-1]].j1, m)
    return beads


def _missed(beads: Sequence[SentenceBead], left_shorter: bool) -> bool:
    """Whether the shorter side (the left when ``left_shorter``) has a stretch of more than
    :data:`MAX_GAP` absent sentences."""
    run = 0
    for b in beads:
        xs = b.left if left_shorter else b.right
        if isinstance(b, AbsentBead) and xs:
            run += len(xs)
            if run > MAX_GAP:
                return True
        elif xs:
            run = 0
    return False


def _parallel_lengths(lengths, i0: int, i1: int, j0: int, j1: int, ratio: float) -> bool:
    a = sum(lengths[0][i0:i1]) * ratio
    b = sum(lengths[1][j0:j1])
    return max(i1 - i0, j1 - j0) <= 2 or min(a, b) >= max(a, b) / LENGTH_SPREAD


def _edges_absent(beads: list[SentenceBead]) -> list[SentenceBead]:
    """A region's beads with the gaps at its two edges made absent: where a region begins and
    ends is known only up to its first and last pair, and text one side holds beyond them is
    text outside it. So is a run of more than :data:`MAX_GAP` gap sentences inside it."""
    paired = [k for k, b in enumerate(beads) if b.left and b.right]
    if not paired:
        return [AbsentBead(b.left, b.right, 0.0) for b in beads]
    first, last = paired[0], paired[-1]
    out = [AbsentBead(b.left, b.right, 0.0) if k < first or k > last else b for k, b in enumerate(beads)]
    # inside, a run of gaps longer than a chain may leap is text one version lacks as a whole
    k = first
    while k <= last:
        if out[k].left and out[k].right:
            k += 1
            continue
        end = k
        while end <= last and not (out[end].left and out[end].right):
            end += 1
        if sum(len(b.left) + len(b.right) for b in out[k:end]) > MAX_GAP:
            out[k:end] = [AbsentBead(b.left, b.right, 0.0) for b in out[k:end]]
        k = end
    return out
