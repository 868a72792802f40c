"""The scoring model: shape priors, the length model, lexical evidence, bead scores over a band."""
from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass

import numpy as np


from .parameters import BEADS, RUN, RUN_STRENGTH, TIE, _DEFAULT_PRIOR, SentenceAlignParameters
from .programme import Band
from .tokens import _Side

log = logging.getLogger(__name__)


# --- the model ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cosines:
    """How the cosines of one kind of sentence pair are spread: a share at exactly zero
    (no token in common, common across languages), and a normal for the rest."""

    zero: float
    mean: float
    sd: float
    tail: float = 0.0  # the share of the positive ones outside the normal: unrelated pairs that share a rare
    # word (above), translations reworded so that they share only some words (below); both taken as uniform

    @staticmethod
    def of(values, *, above: bool = False) -> "_Cosines":
        arr = np.asarray(values, dtype=np.float64)
        arr = arr[~np.isnan(arr)]
        if not len(arr):
            return _Cosines(0.5, 0.0, 0.01)
        pos = arr[arr > 1e-9]
        zero = min(1.0 - len(pos) / len(arr), 0.999)
        if len(pos) < 5:
            return _Cosines(zero, float(arr.mean()), _spread(arr))
        mean, sd = float(pos.mean()), _spread(pos)
        outside = pos > mean + 3 * sd if above else pos < mean - 3 * sd
        return _Cosines(zero, mean, sd, min(max(float(np.mean(outside)), 1e-3 if above else 0.0), 0.5))


@dataclass
class _Model:
    log_prior: dict[tuple[int, int], float]
    s2: float  # length variance
    unrelated: _Cosines  # random sentence pairs of the pair of documents
    related: _Cosines  # translated pairs: each sentence's best partner (pass A), the 1-1 beads (pass B)
    eps: dict[tuple[int, int], float]  # per bead shape (:func:`_indifference`)
    edited: float = 0.01  # share of beads whose lengths follow a broader law (text added or cut inside)
    broad: float = 25.0  # that law's variance, in units of s2
    runs: dict[tuple[int, int], float] = dataclasses.field(
        default_factory=lambda: {(1, 0): math.log(RUN), (0, 1): math.log(RUN)})  # log P(gap | same gap before)

    def length(self, la, lb):
        """Log-likelihood of two lengths under the length model, relative to equal lengths.

        Gale and Church's normal δ, mixed with a share ``edited`` of beads whose δ is
        ``broad`` times more variable (a clause added or cut inside a sentence), so that a
        sentence one version lengthened is a longer pair, not two gaps.
        """
        d2 = (lb - la) ** 2 / (self.s2 * (la + lb) / 2)
        return np.log((1 - self.edited) * np.exp(-d2 / 2)
                      + self.edited / math.sqrt(self.broad) * np.exp(-d2 / (2 * self.broad)))

    def evidence(self, cos, least, shape: tuple[int, int]):
        """A bead's lexical evidence: its cosine's, plus its least related member's when that one looks unrelated.

        Every sentence of a merge must be explained: a member whose cosine with the other
        side is no better than an unrelated pair's (within two spreads of their mean) adds
        the evidence of such a pair against the bead (never for it), so an unrelated
        sentence cannot hide in a bead beside a good pair, while a short sentence that a
        free translation merged into a longer one costs only what such a pair costs there.
        """
        u = self.unrelated
        unrelated = np.nan_to_num(least, nan=np.inf) <= u.mean + 2 * u.sd
        against = np.where(unrelated, np.minimum(self.lexical(np.where(unrelated, least, 0.0)), 0.0), 0.0)
        return self.lexical(cos, shape) + against

    def lexical(self, cos, shape: tuple[int, int] = (1, 1)):
        """Log-likelihood ratio "translation" vs "unrelated" of a bead's cosine (0 where a side has no tokens).

        Both are zero-inflated: a share of pairs has no token in common (``zero``), the
        rest is normal with a uniform tail: unrelated pairs that share a rare word by
        chance, translations reworded so that they share only some words (between the
        unrelated pairs' bulk and the translations' mean). Translations are also mixed
        with a share ε that were reworded past recognition and look unrelated, so that
        neither tail decides alone. A positive cosine is held within
        the two means, where the ratio rises: more shared words never count against.
        """
        cos = np.asarray(cos, dtype=np.float64)
        u, t, eps = self.unrelated, self.related, self.eps[shape]
        uz = max(u.zero, 1e-3)  # unrelated pairs always may share nothing
        at_zero = math.log(max((1 - eps) * t.zero + eps * uz, 1e-300)) - math.log(uz)
        if t.mean <= u.mean:  # no lexical signal in this pair beyond the zeros
            positive = np.full(cos.shape, math.log((1 - eps) * (1 - t.zero) + eps * (1 - uz)) - math.log(1 - uz))
        else:
            c = np.clip(np.nan_to_num(cos, nan=u.mean), u.mean, t.mean)
            r = np.maximum((1 - uz) * ((1 - u.tail) * _normal(c, u.mean, u.sd) + u.tail), 1e-300)
            # reworded translations: uniform between the unrelated pairs' bulk and the translations' mean
            edge = u.mean + 3 * u.sd
            reworded = np.where(c >= edge, 1.0 / (t.mean - edge), 0.0) if t.mean > edge else np.zeros(c.shape)
            t_density = (1 - t.tail) * _normal(c, t.mean, t.sd) + t.tail * reworded
            positive = np.log(np.maximum((1 - eps) * (1 - t.zero) * t_density + eps * r, 1e-300)) - np.log(r)
        return np.where(np.isnan(cos), 0.0, np.where(np.nan_to_num(cos) > 1e-9, positive, at_zero))


def _indifference(log_prior: dict[tuple[int, int], float]) -> dict[tuple[int, int], float]:
    """ε per bead shape, the share of its translations taken to share nothing recognisable.

    ε(a, b) = P(1-0)^a P(0-1)^b / P(a-b): at that rate, an a-b bead whose sides share no
    more than unrelated sentences do is exactly as likely as its a + b sentences dropped
    and added (gaps), and their lengths decide. A larger ε would pair unrelated sentences
    wherever text was replaced (and pack them into large beads); a smaller one would drop
    sentences a translator reworded. :data:`TIE` tilts the balance towards the gaps.
    """
    return {(a, b): math.exp(a * log_prior[(1, 0)] + b * log_prior[(0, 1)] - log_prior[(a, b)] - TIE)
            for a, b in BEADS if a and b}


def _normal(x, mu: float, sd: float):
    return np.exp(-0.5 * ((x - mu) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))


def _spread(values) -> float:
    return max(float(np.std(values)), 0.01)


class _Pair:
    """Both sides' features and the bead scores over a band."""

    def __init__(self, left: _Side, right: _Side, weight: np.ndarray, segl: np.ndarray, segr: np.ndarray):
        self.L, self.R, self.weight = left, right, weight
        self.n, self.m = len(left.lengths), len(right.lengths)
        self.segl, self.segr = segl, segr
        order = np.lexsort((right.occ_sent, right.occ_tok))
        self.r_key = right.occ_tok[order] * (self.m + 1) + right.occ_sent[order]
        self.r_sent = right.occ_sent[order]
        self.r_w2 = weight[right.occ_tok[order]] ** 2
        self._norms: tuple[list[float], list[float]] | None = None  # per side, each sentence's |vector|

    def dots(self, dlo: np.ndarray, dhi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """dot(left x, right y) for y in [dlo[x], dhi[x]]: flat values and row starts."""
        width = np.maximum(dhi - dlo + 1, 0)
        start = np.r_[0, np.cumsum(width)]
        out = np.zeros(int(start[-1]))
        if not len(self.L.occ_sent) or not len(self.r_key):
            return out, start
        x, t = self.L.occ_sent, self.L.occ_tok
        base = t * (self.m + 1)
        a = np.searchsorted(self.r_key, base + dlo[x], side="left")
        b = np.searchsorted(self.r_key, base + dhi[x], side="right")
        cnt = np.maximum(b - a, 0)
        tot = int(cnt.sum())
        if tot == 0:
            return out, start
        rep = np.repeat(np.arange(len(x)), cnt)
        offs = np.arange(tot) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        pos = a[rep] + offs
        xs = x[rep]
        cells = start[xs] + self.r_sent[pos] - dlo[xs]
        out += np.bincount(cells, weights=self.r_w2[pos], minlength=len(out))
        return out, start

    def bead_arrays(self, band: Band):
        """Per shape: cosine and length δ-numerator arrays over the band's cells (NaN where impossible)."""
        n = self.n
        rows = np.arange(n)
        nxt = [np.minimum(rows + k, n) for k in range(1, 5)]
        dlo = np.maximum(np.min([band.lo[r] for r in nxt], axis=0) - 4, 0) if n else np.zeros(0, np.int64)
        dhi = np.minimum(np.max([band.hi[r] for r in nxt], axis=0) - 1, self.m - 1) if n else np.zeros(0, np.int64)
        dval, dstart = self.dots(dlo, dhi)

        def d_at(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            ok = (x >= 0) & (y >= 0) & (x < n)
            xc = np.where(ok, x, 0)
            ok &= (y >= dlo[xc]) & (y <= dhi[xc])
            return np.where(ok, dval[np.where(ok, dstart[xc] + y - dlo[xc], 0)], 0.0)

        I, J = band.i, band.j
        cache = {}
        out = {}
        for a, b in BEADS:
            if a == 0 or b == 0 or a > n or b > self.m:
                continue
            ok = (I >= a) & (J >= b)
            Ic, Jc = np.where(ok, I, a), np.where(ok, J, b)
            dot = np.zeros(band.size)
            for p in range(a):
                for q in range(b):
                    if (p, q) not in cache:
                        cache[(p, q)] = d_at(I - 1 - p, J - 1 - q)
                    dot += cache[(p, q)]
            bl, br = self.L.block2[Ic, a], self.R.block2[Jc, b]
            n2 = bl * br
            cos = np.where(n2 > 0, dot / np.sqrt(np.where(n2 > 0, n2, 1.0)), np.nan)
            least = np.full(band.size, np.nan)  # the least related member's cosine with the other side
            if a > 1 or b > 1:
                for p in range(a):
                    part = sum(cache[(p, q)] for q in range(b))
                    own = self.L.norm2[np.maximum(Ic - 1 - p, 0)] * br
                    least = np.fmin(least, np.where(own > 0, part / np.sqrt(np.where(own > 0, own, 1.0)), np.nan))
                for q in range(b):
                    part = sum(cache[(p, q)] for p in range(a))
                    own = self.R.norm2[np.maximum(Jc - 1 - q, 0)] * bl
                    least = np.fmin(least, np.where(own > 0, part / np.sqrt(np.where(own > 0, own, 1.0)), np.nan))
            la = self.L.cum[Ic] - self.L.cum[Ic - a]
            lb = self.R.cum[Jc] - self.R.cum[Jc - b]
            same = (self.segl[Ic - a] == self.segl[Ic - 1]) & (self.segr[Jc - b] == self.segr[Jc - 1]) & (
                self.segl[Ic - 1] == self.segr[Jc - 1])
            ok &= same
            out[(a, b)] = (ok, cos, least, la, lb)
        return out

    def scores(self, arrays, model: _Model) -> dict:
        sc: dict = {}
        for (a, b), (ok, cos, least, la, lb) in arrays.items():
            lex = model.evidence(cos, least, (a, b))
            sc[(a, b)] = np.where(ok, model.log_prior[(a, b)] + lex + model.length(la, lb), -math.inf)
        sc[(1, 0)] = model.log_prior[(1, 0)]
        sc[(0, 1)] = model.log_prior[(0, 1)]
        return sc

    def cosine(self, x: int, y: int) -> float:
        """Cosine of left sentence ``x`` and right sentence ``y`` (the random-pair statistics).

        Thousands of pairs per document pair, most sharing no token: the norms are
        computed once per sentence, and a pair without a shared token is 0 at once.
        The sums run in the token dicts' order, as a dot product over every token
        would (adding a missing token's 0.0 changes no sum), so the value is the same.
        """
        if self._norms is None:
            self._norms = tuple([math.sqrt(sum(v * v for v in d.values())) for d in side.tokens]
                                for side in (self.L, self.R))
        na, nb = self._norms[0][x], self._norms[1][y]
        if not na or not nb:
            return math.nan
        a, b = self.L.tokens[x], self.R.tokens[y]
        if a.keys().isdisjoint(b):
            return 0.0
        return sum(v * b[t] for t, v in a.items() if t in b) / (na * nb)


def _path_cosines(path, arrays, band: Band) -> tuple[list[float], list[float]]:
    """The cosine of each bead of ``path`` and of its least related member (NaN for gaps, beads
    without tokens and single sentences), from the band's arrays."""
    out = [math.nan] * len(path)
    least_out = [math.nan] * len(path)
    by_shape: dict[tuple[int, int], list[int]] = {}
    for k, (i0, i1, j0, j1) in enumerate(path):
        if i1 > i0 and j1 > j0:
            by_shape.setdefault((i1 - i0, j1 - j0), []).append(k)
    for shape, ks in by_shape.items():
        idx, ok = band.index(np.asarray([path[k][1] for k in ks]), np.asarray([path[k][3] for k in ks]))
        cos, least = arrays[shape][1][idx], arrays[shape][2][idx]
        for k, c, e, fine in zip(ks, cos.tolist(), least.tolist(), ok.tolist()):
            out[k], least_out[k] = (c, e) if fine else (math.nan, math.nan)
    return out, least_out


def _confidences(pair: _Pair, model: _Model | None, path, cosines: tuple[list[float], list[float]]) -> list[float]:
    """0-100 per bead: the logistic of its lexical and length evidence (0 for gaps)."""
    out = [0.0] * len(path)
    if model is None:
        return out
    by_shape: dict[tuple[int, int], list[int]] = {}
    for k, (i0, i1, j0, j1) in enumerate(path):
        if i1 > i0 and j1 > j0:
            by_shape.setdefault((i1 - i0, j1 - j0), []).append(k)
    for shape, ks in by_shape.items():
        bead = np.asarray([path[k] for k in ks])
        lex = model.evidence(np.asarray([cosines[0][k] for k in ks]), np.asarray([cosines[1][k] for k in ks]), shape)
        la = pair.L.cum[bead[:, 1]] - pair.L.cum[bead[:, 0]]
        lb = pair.R.cum[bead[:, 3]] - pair.R.cum[bead[:, 2]]
        ev = np.clip(lex + model.length(la, lb), -50, 50)
        for k, c in zip(ks, (100.0 / (1.0 + np.exp(-ev))).tolist()):
            out[k] = round(c, 2)
    return out


def _reestimate(pair: _Pair, path, arrays, band: Band, params: SentenceAlignParameters, model: _Model) -> _Model:
    """Shape priors, length variance and the translated pairs' cosines from a first path.

    The shares of translated pairs with no token in common and of reworded ones are
    counted only among 1-1 beads between two beads that do share tokens: where text was
    replaced, a first pass pairs unrelated sentences in runs, and counting those would
    teach the model that translations share nothing.
    """
    counts = {s: 0 for s in _DEFAULT_PRIOR}
    d, cos, flanked = [], [], []
    cosines, _ = _path_cosines(path, arrays, band)
    for k, ((i0, i1, j0, j1), c) in enumerate(zip(path, cosines)):
        shape = (i1 - i0, j1 - j0)
        if shape in counts:
            counts[shape] += 1
        if shape == (1, 1):
            la = pair.L.lengths[i0]
            lb = pair.R.lengths[j0]
            d.append((lb - la) / math.sqrt((la + lb) / 2))
            if not math.isnan(c):
                cos.append(c)
                if 0 < k < len(path) - 1 and cosines[k - 1] > 0 and cosines[k + 1] > 0:
                    flanked.append(c)
    # a run of gaps of one kind is one event: its opening counts towards the shape's prior,
    # its further gaps towards the chance that a gap follows a gap of its kind
    runs = {}
    for g in ((1, 0), (0, 1)):
        follows = sum(1 for a, b in zip(path, path[1:]) if (a[1] - a[0], a[3] - a[2]) == g == (b[1] - b[0], b[3] - b[2]))
        runs[g] = math.log((follows + RUN_STRENGTH * RUN) / (counts[g] + RUN_STRENGTH))
        counts[g] -= follows
    total = sum(counts.values())
    prior = {s: math.log((counts[s] + params.prior_strength * p) / (total + params.prior_strength))
             for s, p in _DEFAULT_PRIOR.items()}
    s2, edited, broad = model.s2, model.edited, model.broad
    if len(d) >= 20:
        arr = np.asarray(d)
        centre = float(np.median(arr))
        mad = float(np.median(np.abs(arr - centre))) * 1.4826
        s2 = max(mad ** 2, 0.5)
        out = np.abs(arr - centre) > 3 * math.sqrt(s2)  # the beads the normal does not explain
        edited = min(max(float(np.mean(out)), 1e-3), 0.5)
        if out.sum() >= 5:
            broad = min(max(float(np.mean((arr[out] - centre) ** 2)) / s2, 9.0), 1e4)
    related = model.related
    if len(cos) >= 20:
        related = _Cosines.of(cos)
        if len(flanked) >= 20:
            alone = _Cosines.of(flanked)
            related = dataclasses.replace(related, zero=alone.zero, tail=alone.tail)
    return _Model(prior, s2, model.unrelated, related, _indifference(prior), edited, broad, runs)
