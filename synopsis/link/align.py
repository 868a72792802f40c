"""Paragraph alignments of different documents: the most similar paragraphs of another document.

:func:`rank_similar` ranks, for each paragraph, the candidate paragraphs of another
document by cosine similarity of their content-word counts (stop words dropped, spelling
and translation variants folded) and keeps the best ``limit`` above ``score_cutoff``.
Candidates come from the shingle index, never from all pairs.

Two versions of one work (``version_of``) are aligned sentence by sentence instead
(:mod:`synopsis.link.sentalign`); :class:`PrefixMax` serves its anchor chain.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

from synopsis.link.normalize import Tokens

__all__ = ["PrefixMax", "rank_similar", "Ranked", "content_cosine", "count_cosine"]


class PrefixMax:
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
