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
   translation: numbers, names and cognates (the sentence aligner's own tokens, :func:`region_tokens`).
2. Chains: anchors strung together as minimap2 chains them (:func:`_chains`): each anchor
   continues the best earlier anchor within :data:`MAX_GAP` sentences on both sides, at a cost
   that grows with the departure from the diagonal; chains are taken best first, each
   kept only where it overlaps no better one on either side. No chain has to follow
   another: a part the extract moved is a chain of its own.
3. Regions: consecutive chains (in reading order on both sides) join into one region when
   the text between them is of similar size on both sides (parallel text without rare
   words); otherwise they are separate regions, and the text between them that only one
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

from synopsis.link.sentalign import (SentenceAlignParameters, SentenceBead, _same_language, _tokens, align_sentences,
                                     stemmer_name)

__all__ = ["AbsentBead", "Region", "find_regions", "region_tokens", "align_local", "MAX_GAP"]

log = logging.getLogger(__name__)

MAX_GAP = 40
"""Most sentences (either side) between two anchors of one chain: parallel text has a rare word
far more often than that, and a chain stops at the border of what one version left out."""

DIAGONAL_COST = 0.25
"""Cost (in anchor weights) of each sentence by which a chain link departs from the diagonal."""

MIN_CHAIN = 3.0
"""Least score of a chain (about three rare words in a row): fewer is chance."""

BALANCED = 0.33
"""Two chains join into one region when the text between them on the smaller side is at least
this share of the larger (parallel text that shares no rare word)."""


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


def find_regions(toks: list[list[set[str]]], *, rare_df: int = 2) -> list[Region] | None:
    """The regions of two token-set sequences that hold the same text, in left reading order.

    None when the whole of both sides is one region (two whole versions: align them globally).
    """
    n, m = len(toks[0]), len(toks[1])
    if not n or not m:
        return None
    ai, aj, aw = _anchors(toks, rare_df)
    kept: list[Region] = []
    for chain in _chains(ai, aj, aw):
        r = Region(int(ai[chain[0]]), int(ai[chain[-1]]) + 1, int(aj[chain[0]]), int(aj[chain[-1]]) + 1)
        if all(r.i1 <= q.i0 or q.i1 <= r.i0 for q in kept) and all(r.j1 <= q.j0 or q.j1 <= r.j0 for q in kept):
            kept.append(r)
    if not kept:
        return None
    kept.sort(key=lambda r: r.i0)
    # join neighbours (in order on both sides) with proportionate text between them
    joined = [kept[0]]
    for r in kept[1:]:
        q = joined[-1]
        gi, gj = r.i0 - q.i1, r.j0 - q.j1
        if gj >= 0 and (max(gi, gj) <= 2 or min(gi, gj) >= BALANCED * max(gi, gj)):
            joined[-1] = Region(q.i0, r.i1, q.j0, r.j1)
        else:
            joined.append(r)
    first, last = joined[0], joined[-1]
    ends_balanced = all(
        max(a, b) <= 2 or min(a, b) >= BALANCED * max(a, b) for a, b in ((first.i0, first.j0), (n - last.i1, m - last.j1)))
    if len(joined) == 1 and ends_balanced:
        return None
    return _extended(joined, n, m)


def _extended(regions: list[Region], n: int, m: int) -> list[Region]:
    """Regions grown over the unanchored sentences next to them.

    Between two regions (and before the first, after the last), the side with less text
    gives its sentences to the nearer region (half to each, between two), and the other
    side's sentences next to each region come along, twice as many and two more: the
    rest of the larger side is text only it holds.
    """
    out = [list((r.i0, r.i1, r.j0, r.j1)) for r in regions]
    order = sorted(range(len(out)), key=lambda k: out[k][2])
    in_order = order == list(range(len(out)))

    def grow(before: list[int] | None, after: list[int] | None, lo_i: int, hi_i: int, lo_j: int, hi_j: int) -> None:
        gi, gj = hi_i - lo_i, hi_j - lo_j
        if gi <= 0 or gj <= 0:
            return
        small_left = gi <= gj
        small, big = (gi, gj) if small_left else (gj, gi)
        share = ([small // 2, small - small // 2] if before and after else [small if before else 0, small if after else 0])
        for reg, s, at_end in ((before, share[0], True), (after, share[1], False)):
            if reg is None or s <= 0:
                continue
            extra = min(big, 2 * s + 2) if not (before and after) else min(big // 2, 2 * s + 2)
            si, sj = (s, extra) if small_left else (extra, s)
            if at_end:
                reg[1] += si
                reg[3] += sj
            else:
                reg[0] -= si
                reg[2] -= sj

    if in_order:
        bounds = [None] + out + [None]
        for k in range(len(bounds) - 1):
            before, after = bounds[k], bounds[k + 1]
            lo_i, lo_j = (before[1], before[3]) if before else (0, 0)
            hi_i, hi_j = (after[0], after[2]) if after else (n, m)
            grow(before, after, lo_i, hi_i, lo_j, hi_j)
    return [Region(*r) for r in out]


def region_tokens(left: Sequence[str], right: Sequence[str], *, left_language: str | None,
                  right_language: str | None) -> list[list[set[str]]]:
    """Each side's sentences as the sentence aligner's token sets (stems in one language, cognates,
    names and numbers across)."""
    cross = not _same_language(left_language, right_language)
    stems = (None, None) if cross else (stemmer_name(left_language), stemmer_name(right_language))
    return _tokens(left, right, cross, stems)


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
    toks = region_tokens(left, right, left_language=left_language, right_language=right_language)
    regions = find_regions(toks, rare_df=params.rare_df)
    if regions is None:
        return align_sentences(left, right, left_language=left_language, right_language=right_language,
                               left_headings=left_headings, right_headings=right_headings, parameters=parameters)
    log.debug("local alignment in %d regions: %s", len(regions), regions)
    lh, rh = set(left_headings), set(right_headings)
    beads: list[SentenceBead] = []
    covered_r = np.zeros(len(right), dtype=bool)
    for r in regions:
        covered_r[r.j0:r.j1] = True
    inside: list[tuple[int, list[SentenceBead]]] = []
    for r in regions:
        found = align_sentences(
            left[r.i0:r.i1], right[r.j0:r.j1], left_language=left_language, right_language=right_language,
            left_headings=[k - r.i0 for k in range(r.i0, r.i1) if k in lh],
            right_headings=[k - r.j0 for k in range(r.j0, r.j1) if k in rh], parameters=parameters)
        moved = [SentenceBead(tuple(x + r.i0 for x in b.left), tuple(y + r.j0 for y in b.right), b.score) for b in found]
        inside.append((r.i0, _edges_absent(moved)))
    # reading order: regions by left start, absent text between them where it stands
    by_start = {i0: found for i0, found in inside}
    starts = sorted(by_start)
    next_j = 0  # right sentences before this are emitted

    def absent_right(upto: int) -> None:
        nonlocal next_j
        for y in range(next_j, upto):
            if not covered_r[y]:
                beads.append(AbsentBead((), (y,), 0.0))
        next_j = max(next_j, upto)

    x = 0
    for s in starts:
        reg = next(r for r in regions if r.i0 == s)
        for i in range(x, s):
            beads.append(AbsentBead((i,), (), 0.0))
        absent_right(reg.j0)
        beads.extend(by_start[s])
        x = reg.i1
        next_j = max(next_j, reg.j1)
    for i in range(x, len(left)):
        beads.append(AbsentBead((i,), (), 0.0))
    absent_right(len(right))
    return beads


def _edges_absent(beads: list[SentenceBead]) -> list[SentenceBead]:
    """A region's beads with the gaps at its two edges made absent: where a region begins and
    ends is known only up to its first and last pair, and text one side holds beyond them is
    text outside it."""
    paired = [k for k, b in enumerate(beads) if b.left and b.right]
    if not paired:
        return [AbsentBead(b.left, b.right, 0.0) for b in beads]
    first, last = paired[0], paired[-1]
    return [AbsentBead(b.left, b.right, 0.0) if k < first or k > last else b for k, b in enumerate(beads)]
