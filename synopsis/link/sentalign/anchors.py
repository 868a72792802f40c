"""Rare-token anchors: the coarse pass that pins the path approximately."""
from __future__ import annotations

import logging
import math

import numpy as np


from .model import _Pair
from .programme import PrefixMax

log = logging.getLogger(__name__)


def _anchors(pair: _Pair, rare_df: int, s2: float) -> list[tuple[int, int]]:
    """A monotone chain of sentence pairs that share tokens rare on both sides (the coarse pass)."""
    L, R = pair.L, pair.R
    if not len(L.occ_tok) or not len(R.occ_tok):
        return []
    size = int(max(L.occ_tok.max(), R.occ_tok.max())) + 1
    dl = np.bincount(L.occ_tok, minlength=size)
    dr = np.bincount(R.occ_tok, minlength=size)
    rare = (dl >= 1) & (dr >= 1) & (dl <= rare_df) & (dr <= rare_df)
    lsel = rare[L.occ_tok]
    rsel = rare[R.occ_tok]
    lt, ls = L.occ_tok[lsel], L.occ_sent[lsel]
    rt, rs = R.occ_tok[rsel], R.occ_sent[rsel]
    order = np.argsort(rt, kind="stable")
    rt, rs = rt[order], rs[order]
    a = np.searchsorted(rt, lt, "left")
    b = np.searchsorted(rt, lt, "right")
    cnt = b - a
    rep = np.repeat(np.arange(len(lt)), cnt)
    offs = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    xs, ys = ls[rep], rs[a[rep] + offs]
    w = pair.weight[lt[rep]] ** 2
    keep = pair.segl[xs] == pair.segr[ys]
    xs, ys, w = xs[keep], ys[keep], w[keep]
    if not len(xs):
        return []
    key = xs * (pair.m + 1) + ys
    uk, inv = np.unique(key, return_inverse=True)
    score = np.bincount(inv, weights=w)
    cx, cy = uk // (pair.m + 1), uk % (pair.m + 1)
    # the heaviest chain strictly increasing on both sides
    tree = PrefixMax(pair.m + 1)
    total = np.zeros(len(uk))
    prev = np.full(len(uk), -1)
    k = 0
    while k < len(uk):
        e = k
        while e < len(uk) and cx[e] == cx[k]:
            e += 1
        for q in range(k, e):
            got = tree.query(int(cy[q]))  # positions hold y + 1: strictly below y
            total[q] = score[q] + (got[0] if got else 0.0)
            prev[q] = got[2] if got else -1
        for q in range(k, e):
            tree.update(int(cy[q]) + 1, (float(total[q]), -q, q))
        k = e
    q = int(np.argmax(total))
    chain = []
    while q >= 0:
        chain.append((int(cx[q]), int(cy[q])))
        q = int(prev[q])
    return _consistent(pair, chain[::-1], s2)


def _consistent(pair: _Pair, chain: list[tuple[int, int]], s2: float, z: float = 4.0) -> list[tuple[int, int]]:
    """The anchors whose position agrees with their neighbours' under the length model.

    Between two true anchors the offset (right position − left position, in scaled
    characters) drifts like a random walk with variance ``s2`` per character (Gale and
    Church's model), so an anchor more than ``z`` standard deviations off the median of
    its four nearest neighbours' offsets is a chance match of rare tokens, and is dropped.
    """
    if len(chain) < 3:
        return chain
    x = np.asarray([c[0] for c in chain])
    y = np.asarray([c[1] for c in chain])
    pos, off = pair.L.cum[x], pair.R.cum[y] - pair.L.cum[x]
    keep = []
    for k in range(len(chain)):
        zs = []
        for q in range(max(0, k - 2), min(len(chain), k + 3)):
            if q != k:
                zs.append(abs(off[k] - off[q]) / math.sqrt(s2 * abs(pos[k] - pos[q]) + s2))
        zs.sort()  # the median of at most four, as np.median gives it (the mean of the middle two)
        half = len(zs) // 2
        if (zs[half] if len(zs) % 2 else (zs[half - 1] + zs[half]) / 2) <= z:
            keep.append(chain[k])
    return keep
