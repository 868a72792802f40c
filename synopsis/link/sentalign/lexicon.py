"""Translation pairs a pair of documents teaches from its own first alignment (Moore 2002)."""
from __future__ import annotations

import logging
from typing import Sequence

import numpy as np


from .parameters import LEXICON_G2, LEXICON_MIN_COUNT

log = logging.getLogger(__name__)


def _learned_lexicon(toks: list[list[set[str]]], path, *, least: int = LEXICON_MIN_COUNT,
                     g2: float = LEXICON_G2) -> dict[str, set[str]]:
    """Right token → the left tokens it translates, learned from an alignment (Moore 2002).

    Across scripts the two sides share almost no token (an ideograph never equals a French
    word), so what the first alignment got right is used to learn what the second can
    read: over the path's beads, each token found on the right side only is paired with
    the left-only token it co-occurs with most significantly (Dunning's log-likelihood
    ratio G² on the 2 × 2 table of beads), kept when that pair is seen in ``least`` beads
    or more and its G² passes ``g2`` (far beyond chance among the many pairs tried); the
    right sentences then carry the left tokens they translate. A
    wrong bead spreads its tokens at random; right beads repeat the same pairs, so a
    first alignment that is only partly right still teaches the true ones.
    """
    beads = [(i0, i1, j0, j1) for i0, i1, j0, j1 in path if i1 > i0 and j1 > j0]
    if len(beads) < 20:
        return {}
    left_vocab = set().union(*toks[0]) if toks[0] else set()
    right_vocab = set().union(*toks[1]) if toks[1] else set()
    only_l, only_r = left_vocab - right_vocab, right_vocab - left_vocab
    ids: dict[str, int] = {}
    lb, lt, rb, rt = [], [], [], []
    for b, (i0, i1, j0, j1) in enumerate(beads):
        for t in sorted(set().union(*toks[0][i0:i1]) & only_l):  # ids in a fixed order: ties break alike in every process
            lb.append(b)
            lt.append(ids.setdefault(t, len(ids)))
        for t in sorted(set().union(*toks[1][j0:j1]) & only_r):
            rb.append(b)
            rt.append(ids.setdefault(t, len(ids)))
    if not lb or not rb:
        return {}
    x, y, _, score = bead_g2(lb, lt, rb, rt, len(ids), len(ids), len(beads), least)
    names = {v: t for t, v in ids.items()}
    best: dict[int, tuple[float, int]] = {}
    for xi, yi, g in zip(x.tolist(), y.tolist(), score.tolist()):
        if g >= g2 and g > best.get(yi, (0.0, -1))[0]:
            best[yi] = (g, xi)
    out: dict[str, set[str]] = {}
    for yi, (_, xi) in best.items():
        out.setdefault(names[yi], set()).add(names[xi])
    return out


def bead_g2(lb: Sequence[int], lt: Sequence[int], rb: Sequence[int], rt: Sequence[int], n_left: int, n_right: int,
            beads: int, least: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Dunning's G² of every (left token, right token) pair seen together in at least ``least`` beads.

    ``lb``/``lt``: the bead and token id of each left-side occurrence (a token once per bead), ``rb``/``rt``
    the right side's; ``n_left``/``n_right`` the token ids' ranges, ``beads`` how many beads there are.
    Returns the pairs' left ids, right ids, beads seen together and G² (0 where the two are seen together less than by
    chance: attraction only). The edition aligner's second pass and the translators' lexicon
    (:mod:`synopsis.lexicon.learned`) both read it.
    """
    lb_, lt_, rb_, rt_ = (np.asarray(a, dtype=np.int64) for a in (lb, lt, rb, rt))
    total = float(beads)
    count_l = np.bincount(lt_, minlength=n_left).astype(np.float64)
    count_r = np.bincount(rt_, minlength=n_right).astype(np.float64)
    # every (left token, right token) pair of a bead: the right side's occurrences by bead
    order = np.argsort(rb_, kind="stable")
    rb_, rt_ = rb_[order], rt_[order]
    a, z = np.searchsorted(rb_, lb_, "left"), np.searchsorted(rb_, lb_, "right")
    cnt = z - a
    rep = np.repeat(np.arange(len(lb_)), cnt)
    offs = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    keys, k11 = np.unique(lt_[rep] * n_right + rt_[a[rep] + offs], return_counts=True)
    keep = k11 >= least
    keys, k11 = keys[keep], k11[keep].astype(np.float64)
    x, y = keys // n_right, keys % n_right
    nx, ny = count_l[x], count_r[y]
    cells = ((k11, nx, ny), (nx - k11, nx, total - ny), (ny - k11, total - nx, ny),
             (total - nx - ny + k11, total - nx, total - ny))
    score = 2 * sum(np.where(k > 0, k * np.log(np.maximum(k, 1e-300) * total / np.maximum(r * c, 1e-300)), 0.0)
                    for k, r, c in cells)
    return x, y, k11, np.where(k11 * total > nx * ny, score, 0.0)
