"""The banded dynamic programme and the bands it runs in."""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

if TYPE_CHECKING:
    from .model import _Pair

log = logging.getLogger(__name__)


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


# --- the banded programme --------------------------------------------------------------


@dataclass
class Band:
    """The cells a banded programme may visit: for each state row i (left sentences used), columns lo[i]..hi[i]."""

    lo: np.ndarray  # per state row i (0..n): first column j
    hi: np.ndarray  # per state row: last column j (inclusive)

    def __post_init__(self) -> None:
        self.width = self.hi - self.lo + 1
        self.start = np.r_[0, np.cumsum(self.width)]
        self.size = int(self.start[-1])
        rows = np.repeat(np.arange(len(self.lo)), self.width)
        self.i = rows
        self.j = self.lo[rows] + (np.arange(self.size) - self.start[rows])

    def index(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Flat cell index of (i, j) and whether it lies in the band."""
        ok = (i >= 0) & (i < len(self.lo))
        ic = np.where(ok, i, 0)
        ok &= (j >= self.lo[ic]) & (j <= self.hi[ic])
        return np.where(ok, self.start[ic] + j - self.lo[ic], 0), ok


def _runs_along(x: np.ndarray, open_: float, ext: float) -> tuple[np.ndarray, np.ndarray]:
    """Along one row, the best run of 0-1 gaps ending at each cell, opened from ``x`` at
    ``open_`` and extended at ``ext``: ``h[j] = max over j' < j of x[j'] + open_ + (j - 1 - j') ext``,
    and whether its last gap opened the run (it follows no gap of the run)."""
    w = len(x)
    h = np.full(w, -math.inf)
    opened = np.zeros(w, dtype=bool)
    if w > 1:
        ks = np.arange(w) * ext
        u = x - ks
        run = np.maximum.accumulate(u)
        h[1:] = run[:-1] + open_ - ext + ks[1:]
        opened[1:] = u[:-1] >= np.r_[-math.inf, run[:-2]]
    return h, opened


DP_CELLS = 1 << 20
"""Cells of the band whose bead scores and predecessors :func:`banded_dp` holds at once."""


def banded_dp(band: Band, scores: "dict[tuple[int, int], np.ndarray | float] | Callable[[int, int], dict]",
              runs: dict[tuple[int, int], float] | None = None, *, chunk_cells: int = DP_CELLS,
              ) -> list[tuple[int, int, int, int]] | None:
    """The best monotone path from (0, 0) to (n, m) through ``band``, as ``(i0, i1, j0, j1)`` beads.

    ``scores[(a, b)]`` is the score of the bead of shape (a, b) *ending* at each cell (an
    array over the band's cells, ``-inf`` where impossible) or one number for every cell
    (gaps). ``runs[(1, 0)]`` / ``runs[(0, 1)]``, when given, score instead a gap that follows
    a gap of its kind: affine gaps, as in Gotoh's alignment of sequences, since text one
    version lacks comes in runs (a paragraph, a run of captions, a chapter) and a run costs
    its opening once and the pair's own chance of a further gap for each further sentence;
    without them (or where they are lower) every gap costs its shape's score. Returns None
    when no path lies inside the band. ``scores`` may instead be a function of a range of
    cells ``(lo, hi)`` giving those cells' scores (arrays of ``hi - lo``): the programme then
    asks for about ``chunk_cells`` cells' worth at a time, so that neither the scores nor each
    cell's predecessors are held for the whole band (two versions of 50,000 paragraphs make
    tens of millions of cells, hundreds of bytes each). Either way the path is the same.
    """
    score_of = scores if callable(scores) else (
        lambda lo, hi: {s: (v if np.ndim(v) == 0 else v[lo:hi]) for s, v in scores.items()})  # type: ignore[union-attr]
    first = score_of(0, 0)
    shapes = [s for s in first if s[0] >= 1 and s[1] >= 1]
    h_open = float(first[(0, 1)]) if (0, 1) in first else -math.inf
    v_open = float(first[(1, 0)]) if (1, 0) in first else -math.inf
    runs = runs or {}
    h_ext = max(float(runs.get((0, 1), h_open)), h_open)  # a run never costs more than gaps alone
    v_ext = max(float(runs.get((1, 0), v_open)), v_open)
    up, up_ok = band.index(band.i - 1, band.j)  # the cell a 1-0 gap comes from
    best = np.full(band.size, -math.inf)  # the best path to each cell
    vert = np.full(band.size, -math.inf)  # ... ending with a 1-0 gap
    back = np.full(band.size, -1, dtype=np.int8)  # the last step of the best path ending in no 0-1 gap
    is_h = np.zeros(band.size, dtype=bool)  # the best path ends with a 0-1 gap
    h_opened = np.zeros(band.size, dtype=bool)  # the 0-1 gap ending here follows no 0-1 gap
    v_opened = np.zeros(band.size, dtype=bool)  # the 1-0 gap ending here follows no 1-0 gap
    n = len(band.lo) - 1
    v_code = len(shapes)
    c0 = c1 = 0
    pred = gain = None
    for i in range(n + 1):
        s0, s1 = int(band.start[i]), int(band.start[i + 1])
        if s1 > c1 or pred is None:  # the next run of rows of about chunk_cells cells: their predecessors and gains
            c0 = s0
            r1 = min(max(int(np.searchsorted(band.start, c0 + chunk_cells, side="right")) - 1, i + 1), n + 1)
            c1 = int(band.start[r1])
            chunk = score_of(c0, c1)
            pred = np.zeros((len(shapes), c1 - c0), dtype=np.int64)
            gain = np.full((len(shapes), c1 - c0), -math.inf)
            for k, (a, b) in enumerate(shapes):
                idx, ok = band.index(band.i[c0:c1] - a, band.j[c0:c1] - b)
                pred[k] = idx
                gain[k] = np.where(ok, np.broadcast_to(np.asarray(chunk[(a, b)], dtype=np.float64), (c1 - c0,)), -math.inf)
            del chunk
        w = s1 - s0
        if i == 0:
            x = np.full(w, -math.inf)
            arg = np.full(w, -1, dtype=np.int8)
            if band.lo[0] == 0:
                x[0] = 0.0
        else:
            if shapes:
                cand = best[pred[:, s0 - c0:s1 - c0]] + gain[:, s0 - c0:s1 - c0]
                arg = cand.argmax(axis=0).astype(np.int8)
                x = cand[arg, np.arange(w)]
            else:
                arg, x = np.full(w, -1, dtype=np.int8), np.full(w, -math.inf)
            ok, src = up_ok[s0:s1], up[s0:s1]
            opened = np.where(ok, best[src] + v_open, -math.inf)
            extended = np.where(ok, vert[src] + v_ext, -math.inf)
            v = np.maximum(opened, extended)
            vert[s0:s1] = v
            v_opened[s0:s1] = opened >= extended
            take = v > x
            arg = np.where(take, v_code, arg).astype(np.int8)
            x = np.where(take, v, x)
        back[s0:s1] = np.where(np.isfinite(x), arg, -1)
        if h_open > -math.inf:
            h, opened_h = _runs_along(x, h_open, h_ext)
            h_opened[s0:s1] = opened_h
            moved = h > x + 1e-9
            is_h[s0:s1] = moved
            x = np.where(moved, h, x)
        best[s0:s1] = x
    m_end = int(band.hi[n])
    cell = int(band.start[n] + m_end - band.lo[n])
    if not np.isfinite(best[cell]):
        return None
    path = []
    i, j = n, m_end
    state = "best"
    while i > 0 or j > 0:
        cell = int(band.start[i] + j - band.lo[i])
        if state == "best":
            state = "h" if is_h[cell] else "x"
        elif state == "h":  # a 0-1 gap: from the path ending in no 0-1 gap before it, or the run
            path.append((i, i, j - 1, j))
            state = "x" if h_opened[cell] else "h"
            j -= 1
        elif state == "x":
            code = int(back[cell])
            if code < 0:
                return None
            if code == v_code:
                state = "v"
                continue
            a, b = shapes[code]
            path.append((i - a, i, j - b, j))
            i, j, state = i - a, j - b, "best"
        else:  # "v": a 1-0 gap, from the best path above it or the run
            path.append((i - 1, i, j, j))
            state = "best" if v_opened[cell] else "v"
            i -= 1
    path.reverse()
    return path


def _interpolated_band(pair: _Pair, points: list[tuple[int, int]], pins: dict[int, int], h: int) -> Band:
    """A band of half-width ``h`` (plus a tenth of the span) around the length-interpolated path between points."""
    n, m = pair.n, pair.m
    lo = np.zeros(n + 1, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    pts = sorted(set(points) | {(0, 0), (n, m)} | set(pins.items()))
    for (i1, j1), (i2, j2) in zip(pts, pts[1:]):
        if i2 < i1 or j2 < j1:
            continue
        rows = np.arange(i1, i2 + 1)
        cl0, cl1 = pair.L.cum[i1], pair.L.cum[i2]
        cr0, cr1 = pair.R.cum[j1], pair.R.cum[j2]
        frac = (pair.L.cum[rows] - cl0) / (cl1 - cl0) if cl1 > cl0 else np.zeros(len(rows))
        target = cr0 + frac * (cr1 - cr0)
        jstar = np.clip(np.searchsorted(pair.R.cum, target), j1, j2)
        extra = h + (max(i2 - i1, j2 - j1) // 10)
        lo[rows] = np.maximum(jstar - extra, 0)
        hi[rows] = np.minimum(jstar + extra, m)
    return _pinned(lo, hi, pins, m)


def _pinned(lo: np.ndarray, hi: np.ndarray, pins: dict[int, int], m: int) -> Band:
    lo, hi = lo.copy(), hi.copy()
    for i, j in pins.items():
        lo[i] = hi[i] = j
    lo[0] = 0
    hi[-1] = m
    lo = np.minimum(lo, hi)
    return Band(lo, hi)


def _path_band(pair: _Pair, path, pins: dict[int, int], h: int) -> Band:
    n, m = pair.n, pair.m
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for i0, i1, j0, j1 in path:
        for i in range(i0, i1 + 1):
            lo[i] = min(lo[i], j0)
            hi[i] = max(hi[i], j1)
    return _pinned(np.maximum(lo - h, 0), np.minimum(hi + h, m), pins, m)


def _touches(band: Band, path, pins: dict[int, int], m: int) -> bool:
    for i0, i1, j0, j1 in path:
        for i, j in ((i0, j0), (i1, j1)):
            if i in pins:
                continue
            if (j == band.lo[i] and j > 0) or (j == band.hi[i] and j < m):
                log.debug("path touches the band at (%d, %d): [%d, %d]", i, j, band.lo[i], band.hi[i])
                return True
    return False
