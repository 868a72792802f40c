"""Paragraph alignments: editions of one text, and most-similar paragraphs of others.

Editions (``version_of``)
    :func:`align_editions` finds the monotone alignment of two paragraph sequences in
    the manner of Gale–Church and Bertalign, by *beads*: 1-1 (kept), 2-1 and 1-2 (merged
    or split by an editor), 1-0 and 0-1 (dropped or added). A bead's gain is
    ``(similarity - baseline - penalty) × length``: similarity is ``rapidfuzz.fuzz.ratio``
    on normalised text (character-level, so OCR noise costs a little and never
    everything; normalisation already folded spelling and translation variants),
    ``baseline`` is what two unrelated paragraphs of one corpus score (about 0.5 for
    ``ratio``), and the length weight makes a long paragraph's evidence count for more,
    as Gale–Church's length model does. Dropping or adding a paragraph gains 0, so a
    paragraph is matched only when it is more like its partner than chance. ``ratio``
    already punishes a length mismatch, which plays the part of Gale–Church's length
    prior: a paragraph split in two matches each half at about 0.67 and the pair of
    halves at about 1.0, so the 1-2 bead wins.

    Because a dropped or added paragraph gains exactly 0, the best path through the
    n × m grid is the best *chain* of positive beads, each starting where the previous
    one ended or later on both sides. That chain is found by a sweep over the left
    paragraphs with a Fenwick tree of prefix maxima over the right ones: O(B log m) for B
    scored beads, never a Python loop over every cell. With ``candidates`` (paragraph
    pairs that share shingles, from the index) only those cells and the merges and
    splits beside a matching cell are scored, so two editions of a long document cost
    about a few ``fuzz.ratio`` calls per paragraph.

Different documents
    :func:`rank_similar` ranks, for each paragraph, the candidate paragraphs of another
    document by cosine similarity of their content-word counts (stop words dropped,
    spelling and translation variants folded) and keeps the best ``limit`` above
    ``score_cutoff``. Candidates come from the shingle index, never from all pairs.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from rapidfuzz import fuzz

from synopsis.link.normalize import Tokens, tokenize

__all__ = ["Bead", "align_editions", "rank_similar", "Ranked", "content_cosine", "count_cosine"]


@dataclass(frozen=True, slots=True)
class Bead:
    """One step of an edition alignment: left and right paragraph indices (0, 1 or 2 each)."""

    left: tuple[int, ...]
    right: tuple[int, ...]
    score: float  # 0-100; 0 for a dropped or added paragraph

    @property
    def pattern(self) -> str:
        return f"{len(self.left)}-{len(self.right)}"


class _PrefixMax:
    """Fenwick tree over positions 0..n: the best ``(value, tiebreak, payload)`` at or before a position."""

    def __init__(self, n: int) -> None:
        self.size = n + 1
        self.tree: list[tuple[float, int, int] | None] = [None] * (self.size + 1)

    def update(self, pos: int, item: tuple[float, int, int]) -> None:
        k = pos + 1
        while k <= self.size:
            cur = self.tree[k]
            if cur is None or item[:2] > cur[:2]:
                self.tree[k] = item
            k += k & -k

    def query(self, pos: int) -> tuple[float, int, int] | None:
        k = pos + 1
        best = None
        while k > 0:
            cur = self.tree[k]
            if cur is not None and (best is None or cur[:2] > best[:2]):
                best = cur
            k -= k & -k
        return best


def align_editions(
    left: Sequence[str | Tokens],
    right: Sequence[str | Tokens],
    *,
    candidates: Iterable[tuple[int, int, float]] | None = None,
    baseline: float = 0.55,
    merge_penalty: float = 0.05,
) -> list[Bead]:
    """The monotone bead alignment of two editions' paragraphs (see the module doc).

    ``candidates`` are ``(i, j, weight)`` pairs from the shingle index; only their cells
    (and the merges and splits next to a matching one) are scored. Without them every
    cell is scored — fine for a few hundred paragraphs, and what finds an OCR-wrecked
    paragraph that shares no shingle with its partner.
    """
    lnorm = [t.normalized if isinstance(t, Tokens) else tokenize(t).normalized for t in left]
    rnorm = [t.normalized if isinstance(t, Tokens) else tokenize(t).normalized for t in right]
    n, m = len(lnorm), len(rnorm)
    llen = [max(len(x), 1) for x in lnorm]
    rlen = [max(len(x), 1) for x in rnorm]
    if candidates is None:
        cells = [(i, j) for i in range(n) for j in range(m)]
    else:
        cells = sorted({(int(i), int(j)) for i, j, _ in candidates if 0 <= i < n and 0 <= j < m})

    cache: dict[tuple[int, int, int, int], float] = {}

    def sim(i0: int, i1: int, j0: int, j1: int) -> float:
        key = (i0, i1, j0, j1)
        s = cache.get(key)
        if s is None:
            s = cache[key] = fuzz.ratio(" ".join(lnorm[i0:i1]), " ".join(rnorm[j0:j1])) / 100.0
        return s

    gains: dict[tuple[int, int, int, int], float] = {}  # (i0, i1, j0, j1) -> gain > 0

    def consider(i0: int, i1: int, j0: int, j1: int) -> None:
        if i0 < 0 or j0 < 0 or i1 > n or j1 > m or (i0, i1, j0, j1) in gains:
            return
        s = sim(i0, i1, j0, j1)
        penalty = merge_penalty if (i1 - i0) + (j1 - j0) > 2 else 0.0
        gain = (s - baseline - penalty) * (sum(llen[i0:i1]) + sum(rlen[j0:j1])) / 2
        if gain > 0:
            gains[(i0, i1, j0, j1)] = gain

    for i, j in cells:
        consider(i, i + 1, j, j + 1)
    for i, j in cells:
        if sim(i, i + 1, j, j + 1) >= baseline:  # a merge or split is worth scoring beside a match
            consider(i - 1, i + 1, j, j + 1)
            consider(i, i + 2, j, j + 1)
            consider(i, i + 1, j - 1, j + 1)
            consider(i, i + 1, j, j + 2)

    # best chain: beads by first left paragraph; a bead may follow any bead that ended
    # (on both sides) at or before its start. Ties go to the bead first in this order.
    order = sorted(gains)
    total = [0.0] * len(order)
    pred = [-1] * len(order)
    tree = _PrefixMax(m)
    by_end = sorted(range(len(order)), key=lambda k: (order[k][1], k))
    done = 0
    for k, (i0, _, j0, _) in enumerate(order):
        while done < len(by_end) and order[by_end[done]][1] <= i0:
            b = by_end[done]
            tree.update(order[b][3], (total[b], -b, b))
            done += 1
        prev = tree.query(j0)
        total[k] = gains[order[k]] + (prev[0] if prev else 0.0)
        pred[k] = prev[2] if prev else -1
    chain: list[int] = []
    if order:
        k = max(range(len(order)), key=lambda x: (total[x], -x))
        while k >= 0:
            chain.append(k)
            k = pred[k]
    chain.reverse()

    beads: list[Bead] = []
    i = j = 0
    for k in chain + [-1]:
        i0, i1, j0, j1 = order[k] if k >= 0 else (n, n, m, m)
        beads.extend(Bead((x,), (), 0.0) for x in range(i, i0))  # dropped
        beads.extend(Bead((), (y,), 0.0) for y in range(j, j0))  # added
        if k >= 0:
            beads.append(Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), round(sim(i0, i1, j0, j1) * 100, 2)))
        i, j = i1, j1
    return beads


def count_cosine(a: Counter, norm_a: float, b: Counter, norm_b: float) -> float:
    """Cosine 0-100 of two bags of words, given their Euclidean norms (computed once per bag)."""
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    dot = sum(v * get(k, 0) for k, v in a.items())
    return 100.0 * dot / (norm_a * norm_b) if dot else 0.0


def content_cosine(a: Tokens, b: Tokens) -> float:
    """Cosine 0-100 of the content-word counts of two paragraphs."""
    ca = Counter(k for k, c in zip(a.keys, a.content) if c)
    cb = Counter(k for k, c in zip(b.keys, b.content) if c)
    return count_cosine(ca, math.sqrt(sum(v * v for v in ca.values())), cb, math.sqrt(sum(v * v for v in cb.values())))


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
