"""Sentence alignment of two versions of one text, within and across languages.

Editions and translations cut paragraphs differently, so :func:`align_sentences` aligns
their *sentences* and :func:`align_version_pair` derives paragraph links from the result:
two paragraphs are aligned when an aligned sentence pair joins them (many to many).

The dynamic programme
    A monotone path through the grid of (left sentences used, right sentences used) made of
    *beads*: 1-1, 1-2, 2-1, 1-3, 3-1, 1-4, 4-1, 2-2, 2-3, 3-2 (sentences translated,
    split or merged) and 1-0, 0-1 (a sentence with no counterpart). The path maximises the
    sum of bead scores, each a log-likelihood in nats, as in Gale & Church (1993):

    ``score = log P(shape) + lexical evidence + length evidence``

    * ``log P(shape)``: the prior of the bead's shape. It starts from Gale and Church's
      measured frequencies (1-1 0.89, 1-0 + 0-1 0.0099, 2-1 + 1-2 0.089, 2-2 0.011) with a
      small tail for the larger shapes they did not count, and is re-estimated from the
      first pass over the pair (Dirichlet-smoothed, ``prior_strength`` beads' worth of the
      defaults, so a short text keeps them). A gap costs about 5 nats.
    * length evidence: ``δ = (ℓ_right − ℓ_left) / sqrt(s² (ℓ_left + ℓ_right) / 2)`` with
      lengths in non-space characters, each side scaled so that the two documents have
      the same total (the mean length ratio, estimated from the pair), scored as the log
      of a normal density relative to δ = 0. ``s²`` starts at Gale and Church's 6.8 and
      is re-estimated from the first pass (robustly, from the median absolute deviation of
      the 1-1 beads), mixed with a broader normal for the share of beads the first pass
      found far off it (a clause added or cut inside a sentence): a lengthened sentence
      stays a pair instead of becoming two gaps.
    * lexical evidence: the cosine of the two sides' token vectors (binary, weighted by
      inverse document frequency within the pair), turned into a log-likelihood ratio
      "translation" against "unrelated" (:meth:`_Model.lexical`). Both distributions are
      fitted to the pair itself: random sentence pairs far apart give the unrelated one,
      each sentence's best partner near the path (pass A) or the 1-1 beads of pass A
      (pass B) the translated one. Both are zero-inflated (across languages half of the
      true pairs share no token at all, and that must cost little) with heavy tails
      (chance sharing of a rare word; rewording). So the same code weighs a revision's
      near-identical wording heavily and a translation's few shared names lightly, with
      no constant tuned to a language. Every member of a merged bead must be explained:
      a member no more related to the other side than chance judges the whole bead.
    * gaps only where text is absent: translations are mixed with a share ε of pairs
      reworded past recognition, and ε is set per shape so that a bead whose sides share
      nothing is exactly as likely as its sentences dropped and added, less :data:`TIE`
      (:func:`_indifference`): unrelated sentences are gaps, a reworded pair with any
      shared evidence or matching lengths stays a pair.

    Tokens: when both documents share a language, words folded to lower case and
    stemmed with that language's Snowball stemmer (no stemmer for an unknown language,
    never English's). Across languages, what survives translation: numbers, cognates
    (accent-folded four-letter prefixes of words of four letters or more, Simard et al.
    1992), capitalised words (names) counted again, quotation and question marks. Each
    CJK ideograph is its own token. Tokens found in more than :data:`MAX_DF` of the
    pair's sentences carry almost no weight and are left out. Across languages the pair
    also teaches its own dictionary: after a first alignment, each token found on one side
    only is paired with the other side's token it co-occurs with most significantly over
    the beads (Dunning's G², :func:`_learned_lexicon`; Moore 2002's second pass), and the
    whole alignment runs again with those pairs as shared tokens. Between scripts that
    share nothing (French and classical Chinese) this is where almost all lexical
    evidence comes from (Mark in English and Wenli: 餅 ~ "loaves", 石 ~ "stone", 門 ~ "disciples").

Pruning (coarse to fine)
    1. Headings as anchors: when both documents have the same number of headings (and
       the text between them is of similar proportion), heading *k* is aligned with heading
       *k* and the path is pinned there; no bead crosses a heading.
    2. Rare-token anchors: sentence pairs sharing tokens rare on both sides, chained
       monotonically by weight (Moore 2002; Bertalign's first pass), pin the path
       approximately; between anchors the expected position is interpolated by
       cumulative length.
    3. Pass A: the full-bead programme in a band around that interpolation.
    4. Pass B: the model re-estimated from pass A, and the programme again in a narrow
       band around pass A's path. A path that touches its band's edge is searched again
       in a band twice as wide.
    5. Across languages, with the translation pairs learned from that path: passes A and
       B again, pass A in a band four times as wide around the first path.
    Cost and memory are linear in the number of sentences times the band width; the
    programme runs one vectorised step per left sentence.
"""
from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
import math
import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from synopsis.languages import CJK, profile_for


__all__ = [
    "BEADS", "Band", "SentenceBead", "SentenceAlignParameters", "align_sentences", "banded_dp", "stemmer_name",
    "ParagraphIn", "SentenceIn", "PairAlignment", "align_version_pair", "METHOD",
]


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


log = logging.getLogger(__name__)

METHOD = "sentence-dp"
"""``sentence_alignments.method`` of the rows this module makes."""

BEADS: tuple[tuple[int, int], ...] = (
    (1, 1), (1, 0), (0, 1), (1, 2), (2, 1), (1, 3), (3, 1), (1, 4), (4, 1), (2, 2), (2, 3), (3, 2),
)
"""Bead shapes (left sentences, right sentences)."""

# Gale & Church (1993), table 5: 1-1 0.89, 1-0/0-1 0.0099, 2-1/1-2 0.089, 2-2 0.011; the
# larger shapes (not in their table) get a small tail so that each is possible but rare.
_DEFAULT_PRIOR = {
    (1, 1): 0.89, (1, 0): 0.00495, (0, 1): 0.00495, (1, 2): 0.0445, (2, 1): 0.0445, (2, 2): 0.011,
    (1, 3): 0.005, (3, 1): 0.005, (2, 3): 0.002, (3, 2): 0.002, (1, 4): 0.001, (4, 1): 0.001,
}

TIE = 1.0
"""Nats by which a bead with no lexical evidence for it loses to gaps when lengths also tie:
two unrelated sentences of equal length are text replaced, not a translation."""

MAX_DF = 0.1
"""Tokens in more of the pair's sentences than this fraction are left out (their IDF weight is small)."""

LEXICON_MIN_COUNT = 3
"""Beads a learned translation pair must be seen in (:func:`_learned_lexicon`)."""

LEXICON_G2 = 30.0
"""Dunning's G² a learned translation pair must reach: a chance of about 10⁻⁷ for one pair
(χ² with one degree of freedom), small enough among the million or so pairs a long text tries."""

def stemmer_name(language: str | None) -> str | None:
    """The Snowball stemmer for a BCP 47 language tag (``en-GB`` → english), or None when unknown."""
    return profile_for(language).stemmer


def _same_language(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a.split("-")[0].lower() == b.split("-")[0].lower()  # type: ignore[union-attr]


@dataclass(frozen=True)
class SentenceAlignParameters:
    """The knobs of the sentence aligner, each with the reason for its default (recorded in the run).

    ``band`` and ``fine_band`` are search widths in sentences, not model parameters: too
    narrow is caught by the band-edge check (the search is repeated twice as wide), so
    they only trade time. ``prior_strength`` is how many beads' worth of Gale and
    Church's shape frequencies the pair's own counts are mixed with. ``length_variance``
    is Gale and Church's s² (6.8 characters per character), the starting point before the
    pair's own is estimated. ``rare_df`` is the most sentences (per side) a token may be
    in to make an anchor: two is a word used once or twice, which can hardly pair
    sentences by chance.
    """

    band: int = 12
    fine_band: int = 6
    prior_strength: float = 100.0
    length_variance: float = 6.8
    rare_df: int = 2
    seed: int = 0  # random pairs for the "unrelated" statistics

    def as_dict(self) -> dict:
        return {"band": self.band, "fine_band": self.fine_band, "prior_strength": self.prior_strength,
                "length_variance": self.length_variance, "rare_df": self.rare_df, "max_df": MAX_DF,
                "lexicon_min_count": LEXICON_MIN_COUNT, "lexicon_g2": LEXICON_G2, "seed": self.seed}


@dataclass(frozen=True, slots=True)
class SentenceBead:
    """One step of a sentence alignment: left and right sentence indices, and its confidence 0-100."""

    left: tuple[int, ...]
    right: tuple[int, ...]
    score: float

    @property
    def pattern(self) -> str:
        return f"{len(self.left)}-{len(self.right)}"


# --- tokens ---------------------------------------------------------------------------

_CJK = CJK
_WORD = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
_QUOTES = re.compile("[\"“”„«»‘’‚‹›「」『』]")


def _fold(word: str) -> str:
    """Lower case without accents (Simard's cognates compare letters, not diacritics)."""
    return "".join(c for c in unicodedata.normalize("NFD", word.casefold()) if not unicodedata.combining(c))


class _Tokenizer:
    """Sentence → set of tokens (module doc): stems in one language, cognates across. Words are cached."""

    def __init__(self, cross: bool, stemmer: str | None) -> None:
        import Stemmer

        self.cross = cross
        self.stem = Stemmer.Stemmer(stemmer) if stemmer else None
        self.cache: dict[str, tuple[str | None, str | None]] = {}

    def _word(self, w: str) -> tuple[str | None, str | None]:
        """(token, name token) of one word."""
        if len(w) == 1 and "\u3400" <= w:
            return "z" + w, None  # a CJK ideograph
        if w.isdigit():
            return "#" + (w.lstrip("0") or "0"), None
        if self.cross:
            f = _fold(w)
            name = "n" + f[:4] if w[0].isupper() and not w.isupper() else None
            return ("c" + f[:4] if len(f) >= 4 else None), name
        f = w.casefold()
        return "w" + (self.stem.stemWord(f) if self.stem is not None else f), None

    def __call__(self, text: str) -> set[str]:
        out: set[str] = set()
        cache = self.cache
        for k, w in enumerate(_WORD.findall(text)):
            got = cache.get(w)
            if got is None:
                got = cache[w] = self._word(w)
            if got[0] is not None:
                out.add(got[0])
            if got[1] is not None and k:  # a capital inside the sentence: a name
                out.add(got[1])
        if "?" in text or "？" in text:
            out.add("?")
        if _QUOTES.search(text):
            out.add("'")
        return out


@functools.cache
def _tokenizer(cross: bool, stemmer: str | None) -> _Tokenizer:
    """The process's tokenizer for one kind of pair: its word cache serves every edition pair
    (the editions of a corpus share most of their words)."""
    return _Tokenizer(cross, stemmer)


@dataclass
class _Side:
    """One document's sentences as the programme sees them."""

    lengths: np.ndarray  # non-space characters, scaled (module doc)
    cum: np.ndarray  # cumulative scaled lengths, len n + 1
    occ_sent: np.ndarray  # token occurrences: sentence index
    occ_tok: np.ndarray  # token occurrences: token id
    norm2: np.ndarray  # |vector|² of each sentence
    block2: np.ndarray  # (n + 1) × 5: |sum of sentences [i-a, i)|² for a = 0..4
    tokens: list[dict[int, float]] = field(default_factory=list)


def _tokens(left: Sequence[str], right: Sequence[str], cross: bool, stems: tuple) -> list[list[set[str]]]:
    """Each side's sentences as token sets (:class:`_Tokenizer`)."""
    out = []
    for texts, name in ((left, stems[0]), (right, stems[1])):
        tokenize = _tokenizer(cross, name)
        out.append([tokenize(t) for t in texts])
    return out


def _features(left: Sequence[str], right: Sequence[str], sides_tokens: list[list[set[str]]]) -> tuple[_Side, _Side, np.ndarray]:
    """Token occurrences, IDF weights and scaled lengths of both sides."""
    # document frequencies, tokens numbered in order of first appearance (a Counter keeps it)
    counted = Counter(itertools.chain.from_iterable(itertools.chain.from_iterable(sides_tokens)))
    vocab: dict[str, int] = {t: k for k, t in enumerate(counted)}
    df = list(counted.values())
    total = max(len(left) + len(right), 1)
    dfa = np.asarray(df, dtype=np.float64) if df else np.zeros(0)
    weight = np.log(total / np.maximum(dfa, 1)) if len(dfa) else dfa
    weight[dfa > max(MAX_DF * total, 2)] = 0.0
    raw = [np.asarray([max(len(t) - t.count(" "), 1) for t in texts], dtype=np.float64) for texts in (left, right)]
    tot_l, tot_r = max(raw[0].sum(), 1.0), max(raw[1].sum(), 1.0)
    scale = (math.sqrt(tot_r / tot_l), math.sqrt(tot_l / tot_r))  # both totals become sqrt(tot_l * tot_r)
    weights = weight.tolist()
    sides = []
    for k, toks in enumerate(sides_tokens):
        ids = [[vocab[t] for t in s] for s in toks]  # each sentence's token ids, in its set's order
        sizes = [len(x) for x in ids]
        flat = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int64, count=sum(sizes))
        kept = weight[flat] > 0 if len(flat) else np.zeros(0, dtype=bool)
        sent = np.repeat(np.arange(len(ids), dtype=np.int64), sizes)[kept]
        tok = flat[kept]
        dicts = [{v: weights[v] for v in x if weights[v] > 0} for x in ids]
        occ_sent = np.asarray(sent, dtype=np.int64)
        occ_tok = np.asarray(tok, dtype=np.int64)
        n = len(toks)
        w2 = weight[occ_tok] ** 2 if len(occ_tok) else np.zeros(0)
        norm2 = np.bincount(occ_sent, weights=w2, minlength=n) if n else np.zeros(0)
        # dots of sentences d apart on the same side, for the norms of blocks
        keys = occ_sent * (len(vocab) + 1) + occ_tok
        keyset = np.sort(keys)
        near = np.zeros((4, max(n, 1)))
        for d in range(1, 4):
            shifted = keys + d * (len(vocab) + 1)
            hit = np.isin(shifted, keyset)
            near[d] = np.bincount(occ_sent[hit], weights=w2[hit], minlength=max(n, 1))[: max(n, 1)]
        block2 = np.zeros((n + 1, 5))
        idx = np.arange(n + 1)
        cn = np.r_[0.0, np.cumsum(norm2)]
        cnear = [np.r_[0.0, np.cumsum(near[d][:n])] for d in range(4)]
        for a in range(1, min(4, n) + 1):
            ok = idx >= a
            i = np.where(ok, idx, a)
            v = cn[i] - cn[i - a]
            for d in range(1, a):  # pairs of sentences d apart inside [i - a, i)
                v = v + 2 * (cnear[d][i - d] - cnear[d][i - a])
            block2[:, a] = np.where(ok, v, 0.0)
        lengths = raw[k] * scale[k]
        sides.append(_Side(lengths, np.r_[0.0, np.cumsum(lengths)], occ_sent, occ_tok, norm2, block2, dicts))
    return sides[0], sides[1], weight


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


def banded_dp(band: Band, scores: dict[tuple[int, int], np.ndarray | float]) -> list[tuple[int, int, int, int]] | None:
    """The best monotone path from (0, 0) to (n, m) through ``band``, as ``(i0, i1, j0, j1)`` beads.

    ``scores[(a, b)]`` is the score of the bead of shape (a, b) *ending* at each cell (an
    array over the band's cells, ``-inf`` where impossible) or one number for every cell
    (gaps). Returns None when no path lies inside the band.
    """
    shapes = [s for s in scores if s[0] >= 1]
    horizontal = float(scores[(0, 1)]) if (0, 1) in scores else -math.inf
    pred = np.zeros((len(shapes), band.size), dtype=np.int64)
    gain = np.full((len(shapes), band.size), -math.inf)
    for k, (a, b) in enumerate(shapes):
        idx, ok = band.index(band.i - a, band.j - b)
        s = scores[(a, b)]
        s = np.broadcast_to(np.asarray(s, dtype=np.float64), (band.size,))
        pred[k] = idx
        gain[k] = np.where(ok, s, -math.inf)
    best = np.full(band.size, -math.inf)
    back = np.full(band.size, -1, dtype=np.int8)
    n = len(band.lo) - 1
    h_code = len(shapes)
    for i in range(n + 1):
        s0, s1 = int(band.start[i]), int(band.start[i + 1])
        w = s1 - s0
        if i == 0:
            x = np.full(w, -math.inf)
            arg = np.full(w, -1, dtype=np.int8)
            if band.lo[0] == 0:
                x[0] = 0.0
        else:
            cand = best[pred[:, s0:s1]] + gain[:, s0:s1]
            arg = cand.argmax(axis=0).astype(np.int8)
            x = cand[arg, np.arange(w)]
        if w > 1 and horizontal > -math.inf:
            ks = np.arange(w) * horizontal
            val = np.maximum.accumulate(x - ks) + ks
            moved = val > x + 1e-9
            arg = np.where(moved, h_code, arg).astype(np.int8)
            x = val
        best[s0:s1] = x
        back[s0:s1] = np.where(np.isfinite(x), arg, -1)
    m_end = int(band.hi[n])
    cell = int(band.start[n] + m_end - band.lo[n])
    if not np.isfinite(best[cell]):
        return None
    path = []
    i, j = n, m_end
    while i > 0 or j > 0:
        cell = int(band.start[i] + j - band.lo[i])
        code = int(back[cell])
        if code < 0:
            return None
        a, b = (0, 1) if code == h_code else shapes[code]
        path.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    path.reverse()
    return path


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
        path = banded_dp(band, pair.scores(arrays, model))
        log.debug("band attempt %d: %d cells, path %s", attempt, band.size, "found" if path else "none")
        if path is not None and (attempt == tries - 1 or not _touches(band, path, pins, pair.m)):
            return path, arrays, band
    return path, arrays, band


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
    pair = _Pair(*_features(ltexts, rtexts, toks), segl, segr)
    pins: dict[int, int] = {}
    if use_headings:
        for s in range(1, len(lh) + 1):
            pins[int(np.searchsorted(segl, s))] = int(np.searchsorted(segr, s))

    path, cosines, model = _run(pair, pins, params)
    if cross and path:
        # across languages, the words each side translates the other's with, learned from
        # the first alignment (Moore 2002), are evidence the second one reads
        lexicon = _learned_lexicon(toks, path)
        if lexicon:
            log.debug("learned %d translation pairs; aligning again with them", sum(map(len, lexicon.values())))
            toks = [toks[0], [s | {x for y in s if y in lexicon for x in lexicon[y]} for s in toks[1]]]
            pair = _Pair(*_features(ltexts, rtexts, toks), segl, segr)
            path, cosines, model = _run(pair, pins, params, guide=path)

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


def _run(pair: "_Pair", pins: dict[int, int], params: SentenceAlignParameters,
         guide: list[tuple[int, int, int, int]] | None = None):
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

        def coarse(attempt: int) -> Band:
            if guide is not None:
                # four times the usual width: a first path is right for most of its length,
                # but where it went wrong it can be tens of sentences off
                return _path_band(pair, guide, pins, params.band * 4 * (2 ** attempt))
            return _interpolated_band(pair, points, pins, params.band * (2 ** attempt))

        # "translation" statistics for pass A: each left sentence's best partner in the band
        band0 = coarse(0)
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
        for t in set().union(*toks[0][i0:i1]) & only_l:
            lb.append(b)
            lt.append(ids.setdefault(t, len(ids)))
        for t in set().union(*toks[1][j0:j1]) & only_r:
            rb.append(b)
            rt.append(ids.setdefault(t, len(ids)))
    if not lb or not rb:
        return {}
    lb_, lt_, rb_, rt_ = (np.asarray(a, dtype=np.int64) for a in (lb, lt, rb, rt))
    size, total = len(ids), float(len(beads))
    count_l = np.bincount(lt_, minlength=size).astype(np.float64)
    count_r = np.bincount(rt_, minlength=size).astype(np.float64)
    # every (left token, right token) pair of a bead: the right side's occurrences by bead
    order = np.argsort(rb_, kind="stable")
    rb_, rt_ = rb_[order], rt_[order]
    a, z = np.searchsorted(rb_, lb_, "left"), np.searchsorted(rb_, lb_, "right")
    cnt = z - a
    rep = np.repeat(np.arange(len(lb_)), cnt)
    offs = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    keys = lt_[rep] * size + rt_[a[rep] + offs]
    keys, k11 = np.unique(keys, return_counts=True)
    x, y = keys // size, keys % size
    k11 = k11.astype(np.float64)
    keep = k11 >= least
    x, y, k11 = x[keep], y[keep], k11[keep]
    nx, ny = count_l[x], count_r[y]
    k12, k21 = nx - k11, ny - k11
    k22 = total - nx - ny + k11
    cells = ((k11, nx, ny), (k12, nx, total - ny), (k21, total - nx, ny), (k22, total - nx, total - ny))
    score = 2 * sum(np.where(k > 0, k * np.log(np.maximum(k, 1e-300) * total / np.maximum(r * c, 1e-300)), 0.0)
                    for k, r, c in cells)
    score = np.where(k11 * total > nx * ny, score, 0.0)  # attraction only
    names = {v: t for t, v in ids.items()}
    best: dict[int, tuple[float, int]] = {}
    for xi, yi, g in zip(x.tolist(), y.tolist(), score.tolist()):
        if g >= g2 and g > best.get(yi, (0.0, -1))[0]:
            best[yi] = (g, xi)
    out: dict[str, set[str]] = {}
    for yi, (_, xi) in best.items():
        out.setdefault(names[yi], set()).add(names[xi])
    return out


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
    return _Model(prior, s2, model.unrelated, related, _indifference(prior), edited, broad)


# --- paragraphs -----------------------------------------------------------------------


@dataclass(frozen=True)
class SentenceIn:
    """A stored sentence: its row id (None when the paragraph has no sentence rows) and text."""

    id: int | None
    text: str


@dataclass(frozen=True)
class ParagraphIn:
    """A stored paragraph with its sentences in order; ``kind`` 'heading' marks an anchor."""

    id: int
    kind: str
    sentences: tuple[SentenceIn, ...]


@dataclass
class PairAlignment:
    """The rows one version pair gives: sentence pairs and the paragraph links they imply.

    ``sentence_rows``: ``(bead, pattern, left sentence id, right sentence id, left paragraph
    id, right paragraph id, score)``, one per sentence pair of a bead (a 2-1 bead gives two
    rows), the missing side None for a gap. ``paragraph_rows``: ``(bead, pattern, left
    paragraph id, right paragraph id, score)``; a paragraph bead is a group of paragraphs
    joined by sentence pairs (so 2-3 is two paragraphs beside three), and a paragraph
    joined to nothing is a 1-0 or 0-1 bead of its own. ``bead_texts``: each bead that joins
    sentences on both sides, as (left text, right text) — the parallel text the
    translators' lexicon is learned from (:mod:`synopsis.lexicon.learned`).
    """

    sentence_beads: list[SentenceBead]
    sentence_rows: list[tuple]
    paragraph_rows: list[tuple]
    bead_texts: list[tuple[str, str]] = field(default_factory=list)


def align_version_pair(
    left: Sequence[ParagraphIn],
    right: Sequence[ParagraphIn],
    *,
    left_language: str | None,
    right_language: str | None,
    parameters: SentenceAlignParameters | None = None,
) -> PairAlignment:
    """Align two versions' sentences and derive their paragraph alignment (the link step for ``version_of`` pairs)."""
    lsent = [(p, s) for p, para in enumerate(left) for s in para.sentences]
    rsent = [(p, s) for p, para in enumerate(right) for s in para.sentences]
    lhead = [k for k, (p, _) in enumerate(lsent) if left[p].kind == "heading"]
    rhead = [k for k, (p, _) in enumerate(rsent) if right[p].kind == "heading"]
    beads = align_sentences(
        [s.text for _, s in lsent], [s.text for _, s in rsent], left_language=left_language,
        right_language=right_language, left_headings=lhead, right_headings=rhead, parameters=parameters,
    )
    sentence_rows = []
    # paragraph groups: union of paragraphs joined by a sentence bead
    parent = {("l", p): ("l", p) for p in range(len(left))}
    parent.update({("r", p): ("r", p) for p in range(len(right))})

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    joined: dict[tuple[int, int], list[float]] = {}
    llen, rlen = [len(s.text) for _, s in lsent], [len(s.text) for _, s in rsent]
    for n, bead in enumerate(beads, 1):
        for x, y in _joined_pairs(bead, llen, rlen):
            lp = lsent[x][0] if x is not None else None
            rp = rsent[y][0] if y is not None else None
            sentence_rows.append((
                n, bead.pattern, lsent[x][1].id if x is not None else None,
                rsent[y][1].id if y is not None else None,
                left[lp].id if lp is not None else None, right[rp].id if rp is not None else None, bead.score,
            ))
            if lp is not None and rp is not None:
                joined.setdefault((lp, rp), []).append(bead.score)
                parent[find(("l", lp))] = find(("r", rp))
    groups: dict[tuple, tuple[list[int], list[int]]] = {}
    for p in range(len(left)):
        groups.setdefault(find(("l", p)), ([], []))[0].append(p)
    for p in range(len(right)):
        groups.setdefault(find(("r", p)), ([], []))[1].append(p)
    ordered = sorted(groups.values(), key=lambda g: (min(g[0]) if g[0] else math.inf, min(g[1]) if g[1] else math.inf))
    # reading order: a lone right paragraph goes after the left group that precedes it
    ordered = _reading_order(ordered)
    paragraph_rows = []
    for n, (ls, rs) in enumerate(ordered, 1):
        pattern = f"{len(ls)}-{len(rs)}"
        if not ls or not rs:
            for p in ls:
                paragraph_rows.append((n, pattern, left[p].id, None, 0.0))
            for p in rs:
                paragraph_rows.append((n, pattern, None, right[p].id, 0.0))
            continue
        for lp in ls:
            for rp in rs:
                if (lp, rp) in joined:
                    scores = joined[(lp, rp)]
                    paragraph_rows.append((n, pattern, left[lp].id, right[rp].id, round(sum(scores) / len(scores), 2)))
    bead_texts = [(" ".join(lsent[x][1].text for x in bead.left), " ".join(rsent[y][1].text for y in bead.right))
                  for bead in beads if bead.left and bead.right]
    return PairAlignment(beads, sentence_rows, paragraph_rows, bead_texts)


def _joined_pairs(bead: SentenceBead, llen: Sequence[int], rlen: Sequence[int]) -> list[tuple[int | None, int | None]]:
    """The sentence pairs a bead joins: those whose shares of the bead's length overlap.

    In a 1-n or n-1 bead every pair overlaps. In a 2-2, 2-3 or 3-2 bead the sentences
    were cut at different places, and only the pairs that cover the same stretch of
    the bead (by the sentences' positions in its length, as in Gale and Church's length
    model) are joined: the first sentence of one side is not joined to the last of the
    other unless they overlap by a quarter of the shorter. Each sentence keeps at least
    its best-overlapping partner.
    """
    if not bead.left or not bead.right:
        return [(x, None) for x in bead.left] + [(None, y) for y in bead.right]
    if len(bead.left) == 1 or len(bead.right) == 1:
        return [(x, y) for x in bead.left for y in bead.right]

    def spans(ids, lengths):
        tot = float(sum(lengths[k] for k in ids)) or 1.0
        out, at = [], 0.0
        for k in ids:
            out.append((at / tot, (at + lengths[k]) / tot))
            at += lengths[k]
        return out

    ls, rs = spans(bead.left, llen), spans(bead.right, rlen)
    keep = set()
    for a, (a0, a1) in enumerate(ls):
        for b, (b0, b1) in enumerate(rs):
            if min(a1, b1) - max(a0, b0) >= 0.25 * min(a1 - a0, b1 - b0):
                keep.add((a, b))
    for a, (a0, a1) in enumerate(ls):
        keep.add((a, max(range(len(rs)), key=lambda b: min(a1, rs[b][1]) - max(a0, rs[b][0]))))
    for b, (b0, b1) in enumerate(rs):
        keep.add((max(range(len(ls)), key=lambda a: min(b1, ls[a][1]) - max(b0, ls[a][0])), b))
    return [(bead.left[a], bead.right[b]) for a, b in sorted(keep)]


def _reading_order(groups: list[tuple[list[int], list[int]]]) -> list[tuple[list[int], list[int]]]:
    """Groups sorted so that both sides read in order (gaps slot in where they stand)."""
    out: list[tuple[list[int], list[int]]] = []
    right_only = sorted((g for g in groups if not g[0]), key=lambda g: min(g[1]))
    k = 0
    for g in (g for g in groups if g[0]):
        while k < len(right_only) and g[1] and min(right_only[k][1]) < min(g[1]):
            out.append(right_only[k])
            k += 1
        out.append(g)
    out.extend(right_only[k:])
    return out
