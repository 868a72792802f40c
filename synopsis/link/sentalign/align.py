"""The alignment of two documents' sentences: anchors, passes A and B, the learned lexicon's second run."""
from __future__ import annotations

import logging
import math
import random
from typing import Sequence

import numpy as np


from .anchors import _anchors
from .dictionary import add_dictionary_tokens
from .lexicon import _learned_lexicon
from .model import _Cosines, _Model, _Pair, _confidences, _indifference, _path_cosines, _reestimate
from .parameters import (
    _DEFAULT_PRIOR, ABSORB_FIT, SentenceAlignParameters, SentenceBead, _same_language, stemmer_name,
)
from .programme import Band, _interpolated_band, _path_band, _touches, banded_dp
from .tokens import _features, _tokens

log = logging.getLogger(__name__)


def _search(pair: _Pair, make_band, model: _Model, pins: dict[int, int], tries: int = 4, first=None):
    """The programme in a band, widened until its path no longer touches the band's edge.

    ``first`` is the first band and its arrays when the caller has them already.
    """
    for attempt in range(tries):
        if attempt == 0 and first is not None:
            band, arrays = first
        else:
            band = make_band(attempt)
            arrays = pair.bead_arrays(band)
        # scored a chunk of cells at a time, as the programme asks (the whole band's scores are
        # gigabytes for two long versions); the same numbers, cell by cell
        path = banded_dp(band, lambda lo, hi, arrays=arrays: pair.scores(
            {shape: tuple(x[lo:hi] for x in v) for shape, v in arrays.items()}, model), model.runs)
        log.debug("band attempt %d: %d cells, path %s", attempt, band.size, "found" if path else "none")
        if path is not None and (attempt == tries - 1 or not _touches(band, path, pins, pair.m)):
            return path, arrays, band
    return path, arrays, band


def align_sentences(
    left: Sequence[str],
    right: Sequence[str],
    *,
    left_language: str | None = None,
    right_language: str | None = None,
    left_headings: Sequence[int] = (),
    right_headings: Sequence[int] = (),
    parameters: SentenceAlignParameters | None = None,
) -> list[SentenceBead]:
    """The monotone bead alignment of two documents' sentences (see the module doc).

    ``*_headings`` are the indices of heading sentences; when both sides have as many, they
    are aligned in order and pin the path. Every sentence appears in exactly one bead.
    """
    params = parameters or SentenceAlignParameters()
    cross = not _same_language(left_language, right_language)
    stems = (None, None) if cross else (stemmer_name(left_language), stemmer_name(right_language))

    # headings as anchors: the DP runs over the other sentences, pinned at each heading
    lh, rh = sorted(set(left_headings)), sorted(set(right_headings))
    use_headings = bool(lh) and len(lh) == len(rh) and _proportional(left, right, lh, rh)
    if not use_headings:
        lh, rh = [], []
    lh_set, rh_set = set(lh), set(rh)
    lbody = [k for k in range(len(left)) if k not in lh_set]
    rbody = [k for k in range(len(right)) if k not in rh_set]
    segl = np.searchsorted(np.asarray(lh, dtype=np.int64), np.asarray(lbody, dtype=np.int64), side="right")
    segr = np.searchsorted(np.asarray(rh, dtype=np.int64), np.asarray(rbody, dtype=np.int64), side="right")
    ltexts, rtexts = [left[k] for k in lbody], [right[k] for k in rbody]
    toks = _tokens(ltexts, rtexts, cross, stems)
    if cross and params.dictionary:
        add_dictionary_tokens(ltexts, rtexts, toks, left_language, right_language)
    pair = _Pair(*_features(ltexts, rtexts, toks), segl, segr)
    pins: dict[int, int] = {}
    if use_headings:
        for s in range(1, len(lh) + 1):
            pins[int(np.searchsorted(segl, s))] = int(np.searchsorted(segr, s))

    path, cosines, model = _run(pair, pins, params, texts=(ltexts, rtexts, toks))
    if cross and path:
        # across languages, the words each side translates the other's with, learned from
        # the first alignment (Moore 2002), are evidence the second one reads
        lexicon = _learned_lexicon(toks, path)
        if lexicon:
            log.debug("learned %d translation pairs; aligning again with them", sum(map(len, lexicon.values())))
            toks = [toks[0], [s | {x for y in s if y in lexicon for x in lexicon[y]} for s in toks[1]]]
            pair = _Pair(*_features(ltexts, rtexts, toks), segl, segr)
            path, cosines, model = _run(pair, pins, params, guide=path)

    if path and model is not None:
        absorbed = _absorb_gaps(pair, model, path)
        if absorbed != path:
            known = {bead: (c, e) for bead, c, e in zip(path, *cosines)}
            got = [known.get(bead) or _bead_cosine(pair, bead) for bead in absorbed]
            path, cosines = absorbed, ([c for c, _ in got], [e for _, e in got])
    beads: list[SentenceBead] = []
    lmap, rmap = np.asarray(lbody, dtype=np.int64), np.asarray(rbody, dtype=np.int64)
    emitted = 0  # headings are emitted before the first bead of the segment they open
    confidences = _confidences(pair, model, path, cosines)
    for (i0, i1, j0, j1), conf in zip(path, confidences):
        seg = int(segl[i0]) if i1 > i0 else int(segr[j0])
        while emitted < min(seg, len(lh)):
            beads.append(SentenceBead((lh[emitted],), (rh[emitted],), 100.0))
            emitted += 1
        ls = tuple(int(x) for x in lmap[i0:i1])
        rs = tuple(int(y) for y in rmap[j0:j1])
        beads.append(SentenceBead(ls, rs, conf if ls and rs else 0.0))
    for k in range(emitted, len(lh)):
        beads.append(SentenceBead((lh[k],), (rh[k],), 100.0))
    return beads


BLOCK = 8
"""Sentences per block of the coarse pre-pass (:func:`_block_guide`)."""

WIDE = 48
"""Mean cells per row of the first band above which the block pre-pass runs first: where
rare-token anchors are few (across scripts, before any word pair is learned), the band
between them must widen with the span, and its cells grow with length times width."""


def _blocks(seg: np.ndarray, k: int) -> np.ndarray:
    """Start indices of blocks of ``k`` consecutive sentences that never cross a segment, plus the end."""
    starts, at = [0], 0
    for i in range(1, len(seg)):
        if i - at >= k or seg[i] != seg[i - 1]:
            starts.append(i)
            at = i
    return np.asarray(starts + [len(seg)], dtype=np.int64)


def _block_guide(pair: _Pair, pins: dict[int, int], params: SentenceAlignParameters, texts):
    """A path over blocks of :data:`BLOCK` sentences, in sentence coordinates (coarse to fine).

    The same programme over documents whose "sentences" are runs of ``BLOCK`` sentences
    (their tokens pooled, their lengths summed, never across a heading): the band it needs
    is ``BLOCK`` times narrower in ``BLOCK`` times fewer rows, and the blocks' path guides
    the sentence programme in a narrow band, so cost grows with the text, not with the
    square of its length. Returns None where the pair is too short for blocks to help.
    """
    ltexts, rtexts, toks = texts
    bl, br = _blocks(pair.segl, BLOCK), _blocks(pair.segr, BLOCK)
    if len(bl) < 8 or len(br) < 8:
        return None
    join = lambda xs, starts: [" ".join(xs[a:b]) for a, b in zip(starts, starts[1:])]  # noqa: E731
    unite = lambda ts, starts: [set().union(*ts[a:b]) for a, b in zip(starts, starts[1:])]  # noqa: E731
    btexts = (join(ltexts, bl), join(rtexts, br))
    btoks = [unite(toks[0], bl), unite(toks[1], br)]
    bpair = _Pair(*_features(*btexts, btoks), pair.segl[bl[:-1]], pair.segr[br[:-1]])
    lpos = {int(x): k for k, x in enumerate(bl)}
    rpos = {int(y): k for k, y in enumerate(br)}
    bpins = {lpos[i]: rpos[j] for i, j in pins.items() if i in lpos and j in rpos}
    path, _, _ = _run(bpair, bpins, params, texts=(*btexts, btoks))
    if not path:
        return None
    log.debug("block pre-pass: %d × %d blocks of %d sentences", len(bl) - 1, len(br) - 1, BLOCK)
    return [(int(bl[i0]), int(bl[i1]), int(br[j0]), int(br[j1])) for i0, i1, j0, j1 in path]


def _run(pair: "_Pair", pins: dict[int, int], params: SentenceAlignParameters,
         guide: list[tuple[int, int, int, int]] | None = None, texts=None):
    """Anchors, pass A and pass B over one pair's features: (path, its cosines, the model).

    ``guide``: an earlier path over the same sentences; pass A then searches around it
    (four ``band`` widths either side, widened where the path touches the edge) instead of
    around the rare-token anchors' interpolation: across scripts, the learned translation
    pairs are too common to make anchors, and the first path is a better guide than
    lengths alone."""
    n, m = pair.n, pair.m
    path: list[tuple[int, int, int, int]] = []
    cosines: tuple[list[float], list[float]] = ([], [])
    model = None
    if n and m:
        # the "unrelated" statistics: random pairs a tenth of the documents apart or more,
        # which no alignment joins (unless one version moved text that far)
        rng = random.Random(params.seed)
        rand = []
        for _ in range(min(4000, 4 * (n + m)) * 3):
            x, y = rng.randrange(n), rng.randrange(m)
            if abs(x / n - y / m) >= 0.1:
                rand.append(pair.cosine(x, y))
                if len(rand) >= min(4000, 4 * (n + m)):
                    break
        unrelated = _Cosines.of(rand, above=True)
        prior = {s: math.log(p) for s, p in _DEFAULT_PRIOR.items()}
        anchors = _anchors(pair, params.rare_df, params.length_variance) if guide is None else []
        points = [(x, y) for x, y in anchors] + [(x + 1, y + 1) for x, y in anchors]
        # four times the usual width around a first path: it is right for most of its
        # length, but where it went wrong it can be tens of sentences off
        width = params.band * 4

        def coarse(attempt: int) -> Band:
            if guide is not None:
                return _path_band(pair, guide, pins, width * (2 ** attempt))
            return _interpolated_band(pair, points, pins, params.band * (2 ** attempt))

        band0 = coarse(0)
        if guide is None and texts is not None and band0.size > WIDE * (n + 1):
            guide = _block_guide(pair, pins, params, texts)
            if guide is not None:
                width = params.band  # the blocks' path is a band of BLOCK sentences already
                band0 = coarse(0)
        # "translation" statistics for pass A: each left sentence's best partner in the band
        arr0 = pair.bead_arrays(band0)
        cos11 = arr0[(1, 1)][1]
        rows = band0.i
        best = np.full(n + 1, -1.0)
        np.maximum.at(best, rows, np.nan_to_num(cos11, nan=-1.0))
        model = _Model(prior, params.length_variance, unrelated, _Cosines.of(best[best >= 0]), _indifference(prior))
        path_a, arrays_a, band_a = _search(pair, coarse, model, pins, first=(band0, arr0))
        if path_a is None:  # no path in any band (cannot happen with gaps allowed, but never lose text)
            log.warning("sentence alignment found no path; every sentence is left a gap")
            path_a = [(i, i + 1, 0, 0) for i in range(n)] + [(n, n, j, j + 1) for j in range(m)]
        # pass B: re-estimate from pass A's path, search near it
        model = _reestimate(pair, path_a, arrays_a, band_a, params, model)

        def fine(attempt: int) -> Band:
            return _path_band(pair, path_a, pins, params.fine_band * (2 ** attempt))
        path_b, arrays_b, band_b = _search(pair, fine, model, pins) if path_a else (None, None, None)
        path, cosines = (path_b, _path_cosines(path_b, arrays_b, band_b)) if path_b else (
            path_a, _path_cosines(path_a, arrays_a, band_a))
    elif n or m:
        path = [(i, i + 1, 0, 0) for i in range(n)] + [(0, 0, j, j + 1) for j in range(m)]

    return path, cosines, model


def _proportional(left: Sequence[str], right: Sequence[str], lh: list[int], rh: list[int]) -> bool:
    """Whether the text between paired headings takes a similar share of each document (within 1.5×)."""
    def shares(texts, heads):
        bounds = list(heads) + [len(texts)]
        sizes = [sum(len(t) for t in texts[a:b]) for a, b in zip(bounds, bounds[1:])]
        total = sum(sizes) or 1
        return [s / total for s in sizes]
    for a, b in zip(shares(left, lh), shares(right, rh)):
        if max(a, b) > 0.01 and not (a and b and 2 / 3 <= a / b <= 1.5):
            return False
    return True


# --- gaps beside a bead that explains them (the last step) ------------------------------


def _vector(side, rows) -> dict[int, float]:
    """The token vector of some of one side's sentences together (binary, IDF-weighted)."""
    out: dict[int, float] = {}
    for k in rows:
        out.update(side.tokens[k])
    return out


def _cos(a: dict[int, float], b: dict[int, float]) -> float:
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    if not na or not nb:
        return math.nan
    return sum(v * b[t] for t, v in a.items() if t in b) / (na * nb)


def _bead_cosine(pair: _Pair, bead) -> tuple[float, float]:
    """A bead's cosine and its least related member's (NaN for gaps, for single sentences the
    least is NaN), as :meth:`_Pair.bead_arrays` computes them over a band."""
    i0, i1, j0, j1 = bead
    if i1 == i0 or j1 == j0:
        return math.nan, math.nan
    lv, rv = _vector(pair.L, range(i0, i1)), _vector(pair.R, range(j0, j1))
    least = math.nan
    if i1 - i0 > 1 or j1 - j0 > 1:
        members = [_cos(_vector(pair.L, [i]), rv) for i in range(i0, i1)]
        members += [_cos(lv, _vector(pair.R, [j])) for j in range(j0, j1)]
        members = [c for c in members if not math.isnan(c)]
        least = min(members) if members else math.nan
    return _cos(lv, rv), least


def _fit(pair: _Pair, model: _Model, bead) -> float:
    """A bead's length evidence."""
    i0, i1, j0, j1 = bead
    return float(model.length(pair.L.cum[i1] - pair.L.cum[i0], pair.R.cum[j1] - pair.R.cum[j0]))


def _bead_score(pair: _Pair, model: _Model, bead) -> float:
    """A bead's score as the programme counts it (``-inf`` for a shape it has no prior for)."""
    i0, i1, j0, j1 = bead
    shape = (i1 - i0, j1 - j0)
    prior = model.log_prior.get(shape)
    if prior is None:
        return -math.inf
    if not shape[0] or not shape[1]:
        return prior
    cos, least = _bead_cosine(pair, bead)
    lex = float(model.evidence(np.asarray([cos]), np.asarray([least]), shape)[0])
    return prior + lex + _fit(pair, model, bead)


def _absorb_gaps(pair: _Pair, model: _Model, path):
    """A gap beside a bead that explains it is taken into that bead (a sentence split in two).

    The second pass's gap prior is re-estimated from the first pass, whose gaps are often
    the second halves of sentences one version split (and OCR'd captions): where a pair has
    many, the prior learns to make more, and a half that shares no word with the other side
    is left a 1-0 instead of joining its other half in a 2-1. So every gap of the final path
    is tried in the bead before it and the bead after it (the shapes of :data:`BEADS`, within
    one segment), and taken into the one that gains most when the merged bead outscores the
    bead and a gap at Gale and Church's rate (or the pair's own, if lower: then the
    programme has decided already), unless the merged bead's lengths fit worse than the
    bead's by more than :data:`ABSORB_FIT` nats (a whole sentence that one version lacks
    beside a well-fitting pair).
    """
    gap_cost = {g: min(model.log_prior[g], math.log(_DEFAULT_PRIOR[g])) for g in ((1, 0), (0, 1))}
    path = list(path)
    k = 0
    while k < len(path):
        i0, i1, j0, j1 = path[k]
        if (i1 > i0) == (j1 > j0):
            k += 1
            continue
        gap = (i1 - i0, j1 - j0)
        best = None
        for nk in (k - 1, k + 1):
            if not 0 <= nk < len(path):
                continue
            n0, n1, m0, m1 = path[nk]
            if n1 == n0 or m1 == m0:
                continue
            merged = (min(i0, n0), max(i1, n1), min(j0, m0), max(j1, m1))
            if pair.segl[merged[0]] != pair.segl[merged[1] - 1] or pair.segr[merged[2]] != pair.segr[merged[3] - 1]:
                continue
            if _fit(pair, model, merged) < _fit(pair, model, path[nk]) - ABSORB_FIT:
                continue
            gain = _bead_score(pair, model, merged) - _bead_score(pair, model, path[nk]) - gap_cost[gap]
            if gain > 0 and (best is None or gain > best[0]):
                best = (gain, nk, merged)
        if best is None:
            k += 1
            continue
        _, nk, merged = best
        at = min(k, nk)
        path[at:at + 2] = [merged]
        k = at
    return path
