"""Paragraph alignments: editions of one text, and most-similar paragraphs of others.

Editions (``version_of``)
    :func:`align_editions` finds the monotone alignment of two paragraph sequences by
    dynamic programming over *beads* in the manner of Gale–Church and Bertalign: 1-1
    (kept), 2-1 and 1-2 (merged or split by an editor), 1-0 and 0-1 (dropped or added).
    A bead's gain is ``(similarity - baseline - penalty) × length``: similarity is
    ``rapidfuzz.fuzz.ratio`` on normalised text (character-level, so OCR noise costs a
    little and never everything; normalisation already folded spelling and translation
    variants), ``baseline`` is what two unrelated paragraphs of one corpus score (about
    0.5 for ``ratio``), and the length weight makes a long paragraph's evidence count for
    more, as Gale–Church's length model does. Dropping or adding a paragraph gains 0, so a
    paragraph is matched only when it is more like its partner than chance. ``ratio``
    already punishes a length mismatch, which plays the part of Gale–Church's length
    prior: a paragraph split in two matches each half at about 0.67 and the pair of halves
    at about 1.0, so the 1-2 bead wins.

    The programme is banded: cells far from the path traced by *anchors* (paragraph pairs
    that are each other's best candidate in the shingle index, kept in increasing order by
    a longest increasing subsequence) are never visited, and a cell whose paragraphs share
    no shingle is given similarity 0 without calling rapidfuzz. Cost is O(n·band).

Different documents
    :func:`rank_similar` ranks, for each paragraph, the candidate paragraphs of another
    document by cosine similarity of their content-word counts (stop words dropped,
    spelling folded) and keeps the best ``limit`` above ``score_cutoff``. Candidates come
    from the shingle index, never from all pairs.
"""
from __future__ import annotations

import bisect
import math
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from rapidfuzz import fuzz

from synopsis.link.normalize import Tokens, tokenize

__all__ = ["Bead", "align_editions", "rank_similar", "Ranked", "content_cosine"]


@dataclass(frozen=True, slots=True)
class Bead:
    """One step of an edition alignment: left and right paragraph indices (0, 1 or 2 each)."""

    left: tuple[int, ...]
    right: tuple[int, ...]
    score: float  # 0-100; 0 for a dropped or added paragraph

    @property
    def pattern(self) -> str:
        return f"{len(self.left)}-{len(self.right)}"


_MOVES = ((1, 1), (2, 1), (1, 2), (1, 0), (0, 1))


def _as_tokens(items: Sequence[str | Tokens]) -> list[Tokens]:
    return [t if isinstance(t, Tokens) else tokenize(t) for t in items]


def _anchors(pairs: Iterable[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """Mutually best pairs, then their longest increasing subsequence."""
    best_l: dict[int, tuple[float, int]] = {}
    best_r: dict[int, tuple[float, int]] = {}
    for i, j, w in pairs:
        if w > best_l.get(i, (-1.0, -1))[0] or (w == best_l[i][0] and j < best_l[i][1]):
            best_l[i] = (w, j)
        if w > best_r.get(j, (-1.0, -1))[0] or (w == best_r[j][0] and i < best_r[j][1]):
            best_r[j] = (w, i)
    mutual = sorted((i, j) for i, (w, j) in best_l.items() if best_r.get(j, (0, -1))[1] == i)
    # LIS on j (patience sorting with back-pointers)
    tails: list[int] = []
    tail_idx: list[int] = []
    back = [-1] * len(mutual)
    for k, (_, j) in enumerate(mutual):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_idx.append(k)
        else:
            tails[pos] = j
            tail_idx[pos] = k
        back[k] = tail_idx[pos - 1] if pos else -1
    out = []
    k = tail_idx[-1] if tail_idx else -1
    while k >= 0:
        out.append(mutual[k])
        k = back[k]
    return out[::-1]


def _band(n: int, m: int, anchors: list[tuple[int, int]], width: int) -> list[tuple[int, int]]:
    """For each i in 0..n, the range of j (inclusive) the programme may visit."""
    pts = [(0, 0)] + [(i, j) for i, j in anchors] + [(n, m)]
    band = []
    k = 0
    for i in range(n + 1):
        while k + 1 < len(pts) - 1 and pts[k + 1][0] <= i:
            k += 1
        (i0, j0), (i1, j1) = pts[k], pts[min(k + 1, len(pts) - 1)]
        centre = j0 if i1 == i0 else j0 + (j1 - j0) * (i - i0) / (i1 - i0)
        lo = max(0, int(centre) - width)
        hi = min(m, int(math.ceil(centre)) + width)
        band.append((lo, hi))
    # keep the band connected: each row must reach the previous row's range
    for i in range(1, n + 1):
        lo, hi = band[i]
        plo, phi = band[i - 1]
        band[i] = (min(lo, plo), max(hi, phi)) if lo > phi or hi < plo else (lo, hi)
    return band


def align_editions(
    left: Sequence[str | Tokens],
    right: Sequence[str | Tokens],
    *,
    candidates: Iterable[tuple[int, int, float]] | None = None,
    baseline: float = 0.55,
    merge_penalty: float = 0.05,
    band_width: int = 40,
    full_below: int = 250_000,
) -> list[Bead]:
    """The monotone bead alignment of two editions' paragraphs (see the module doc).

    ``candidates`` are ``(i, j, weight)`` pairs from the shingle index; without them every
    cell is scored (fine for a few hundred paragraphs). With them, only candidate cells
    are scored and, when ``len(left) * len(right)`` exceeds ``full_below``, only a band of
    ``band_width`` around the anchor path is visited.
    """
    lt, rt = _as_tokens(left), _as_tokens(right)
    n, m = len(lt), len(rt)
    lnorm = [t.normalized for t in lt]
    rnorm = [t.normalized for t in rt]
    llen = [max(len(s), 1) for s in lnorm]
    rlen = [max(len(s), 1) for s in rnorm]
    cand: set[tuple[int, int]] | None = None
    cand_list = list(candidates) if candidates is not None else None
    if cand_list is not None:
        cand = {(i, j) for i, j, _ in cand_list}
    if n * m <= full_below or cand_list is None:
        band = [(0, m)] * (n + 1)
        cand = None  # small enough to score every cell: OCR-wrecked paragraphs still align
    else:
        band = _band(n, m, _anchors(cand_list), band_width)

    cache: dict[tuple[int, int, int, int], float] = {}

    def sim(i0: int, i1: int, j0: int, j1: int) -> float:
        """Similarity 0-1 of left[i0:i1] and right[j0:j1]."""
        key = (i0, i1, j0, j1)
        s = cache.get(key)
        if s is None:
            if cand is not None and not any((i, j) in cand for i in range(i0, i1) for j in range(j0, j1)):
                s = 0.0
            else:
                s = fuzz.ratio(" ".join(lnorm[i0:i1]), " ".join(rnorm[j0:j1])) / 100.0
            cache[key] = s
        return s

    neg = -math.inf
    score: list[dict[int, float]] = [dict() for _ in range(n + 1)]
    back: list[dict[int, tuple[int, int]]] = [dict() for _ in range(n + 1)]
    score[0][0] = 0.0
    for i in range(n + 1):
        lo, hi = band[i]
        row = score[i]
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                continue
            best, arg = neg, (0, 0)
            for di, dj in _MOVES:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0:
                    continue
                prev = score[pi].get(pj)
                if prev is None:
                    continue
                if di == 0 or dj == 0:
                    gain = 0.0
                else:
                    if di + dj > 2 and max(sim(pi, pi + 1, pj, pj + 1), sim(i - 1, i, j - 1, j)) < baseline:
                        continue  # a merge is only worth scoring when one of its parts already matches
                    s = sim(pi, i, pj, j)
                    weight = (sum(llen[pi:i]) + sum(rlen[pj:j])) / 2
                    penalty = merge_penalty if di + dj > 2 else 0.0
                    gain = (s - baseline - penalty) * weight
                total = prev + gain
                if total > best:
                    best, arg = total, (di, dj)
            if best > neg:
                row[j] = best
                back[i][j] = arg
    if m not in score[n]:  # cannot happen with a connected band, but stay safe
        raise RuntimeError("alignment band did not reach the end")
    beads: list[Bead] = []
    i, j = n, m
    while i > 0 or j > 0:
        di, dj = back[i][j]
        pi, pj = i - di, j - dj
        s = sim(pi, i, pj, j) * 100 if di and dj else 0.0
        beads.append(Bead(tuple(range(pi, i)), tuple(range(pj, j)), round(s, 2)))
        i, j = pi, pj
    beads.reverse()
    return beads


def content_cosine(a: Tokens, b: Tokens) -> float:
    """Cosine 0-100 of the content-word counts of two paragraphs."""
    ca = Counter(t for t, c in zip(a.norms, a.content) if c)
    cb = Counter(t for t, c in zip(b.norms, b.content) if c)
    if not ca or not cb:
        return 0.0
    dot = sum(v * cb.get(k, 0) for k, v in ca.items())
    na = math.sqrt(sum(v * v for v in ca.values()))
    nb = math.sqrt(sum(v * v for v in cb.values()))
    return 100.0 * dot / (na * nb)


@dataclass(frozen=True, slots=True)
class Ranked:
    """Paragraph ``right`` is the ``rank``-th most similar to ``left`` in its document."""

    left: int
    right: int
    score: float
    rank: int


def rank_similar(
    pairs: Iterable[tuple[int, int]],
    score: Callable[[int, int], float],
    *,
    score_cutoff: float = 30.0,
    limit: int = 3,
) -> list[Ranked]:
    """Rank candidate ``(left, right)`` pairs for each left paragraph, best first.

    Ties are broken by the right paragraph's index, so the ranking does not depend on
    the order the pairs come in.
    """
    by_left: dict[int, list[tuple[float, int]]] = {}
    for i, j in pairs:
        s = score(i, j)
        if s >= score_cutoff:
            by_left.setdefault(i, []).append((round(s, 2), j))
    out = []
    for i in sorted(by_left):
        ranked = sorted(by_left[i], key=lambda x: (-x[0], x[1]))[:limit]
        out.extend(Ranked(i, j, s, r) for r, (s, j) in enumerate(ranked, 1))
    return out
