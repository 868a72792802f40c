"""Sentences as token sets and the two sides' features: IDF weights, block norms, scaled lengths."""
from __future__ import annotations

import functools
import itertools
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from synopsis.languages import CJK
from synopsis.languages.accents import strip_accents

from .parameters import MAX_DF

log = logging.getLogger(__name__)


# --- tokens ---------------------------------------------------------------------------

_CJK = CJK
_WORD = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
_QUOTES = re.compile("[\"“”„«»‘’‚‹›「」『』]")


def _unaccented_lower(word: str) -> str:
    """Lower case without accents (Simard's cognates compare letters, not diacritics)."""
    return strip_accents(word.casefold())


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
            f = _unaccented_lower(w)
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
    if cross and not (_latin(left) and _latin(right)):
        _add_names(left, right, out)
    return out


# --- names across scripts ---------------------------------------------------------------

_CLASSES = str.maketrans({"b": "b", "p": "b", "f": "b", "v": "b", "w": "b", "c": "k", "k": "k", "g": "k", "q": "k",
                          "x": "k", "s": "s", "z": "s", "d": "t", "t": "t", "l": "l", "r": "r", "m": "m", "n": "n"})
_NAME_RUN = re.compile(rf"[{_CJK}]+")


@functools.cache
def _romanised(word: str) -> str:
    """A word in Latin letters, lower case (any script: ``anyascii``'s table; Chinese as pinyin)."""
    from anyascii import anyascii

    return "".join(c for c in anyascii(word).casefold() if "a" <= c <= "z")


@functools.cache
def _skeleton(word: str) -> str:
    """A name's consonants by class, as translators' spellings keep them across scripts.

    The name romanised (Авраам → avraam), digraphs for one sound made one letter (ph, th,
    kh, ch), h and the vowels (with j, y: Іаковъ/Jacob) dropped, the rest folded into classes
    of sounds that transcriptions exchange (b p f v w; c k g q x; s z; d t) and doubled
    letters made one: Avraam and Abraham are both ``brm``, Iosif and Joseph ``sb``,
    Khanaan and Canaan ``knn``, Egipet and Egypt ``kbt``.
    """
    r = _romanised(word)
    for a, b in (("ph", "f"), ("th", "t"), ("kh", "k"), ("ch", "k"), ("sh", "s"), ("zh", "s")):
        r = r.replace(a, b)
    out = [c for c in r.translate(_CLASSES) if c in "bkstlrmn"]
    return "".join(c for k, c in enumerate(out) if not k or c != out[k - 1])


def _latin(texts: Sequence[str]) -> bool:
    """Whether most of a document's letters are Latin (a sample of its sentences)."""
    sample = "".join(texts[:: max(1, len(texts) // 200)])
    letters = [c for c in sample if c.isalpha()]
    return sum(_unaccented_lower(c) <= "z" for c in letters) >= 0.5 * len(letters) if letters else True


def _names(text: str) -> list[str]:
    """The capitalised words inside a sentence (not its first word): names."""
    words = _WORD.findall(text)
    return [w for w in words[1:] if w[:1].isupper() and not w.isupper() and len(w) > 1]


def _add_names(left: Sequence[str], right: Sequence[str], toks: list[list[set[str]]]) -> None:
    """Across languages, names that match under transliteration become shared tokens (in place).

    Between two documents in Latin letters the cognate tokens already pair names; another
    script shares nothing on the surface but names: each side's names (capitalised
    words inside a sentence, in any alphabet) are keyed by :func:`_skeleton`; in a text
    written in ideographs, every run of one to three ideographs is keyed by its pinyin
    (陈清扬 → chenqingyang, and chen, qingyang ...) against the other side's names and runs of
    two names (Chen Qingyang). Only keys found on both sides are kept, as ``k`` tokens: a
    key one side lacks would only lengthen that side's vectors. A skeleton of fewer than
    three consonants (Noah/Ной: ``n``) would pair too much by chance and is not used.
    """
    keys: list[list[set[str]]] = []
    for texts in (left, right):
        side = []
        for t in texts:
            found = set()
            names = _names(t)
            for w in names:
                if not _NAME_RUN.fullmatch(w):
                    sk = _skeleton(w)
                    if len(sk) >= 3:
                        found.add("k" + sk)
                    found.add("p" + _romanised(w))
            for a, b in zip(names, names[1:]):
                found.add("p" + _romanised(a) + _romanised(b))
            for run in _NAME_RUN.findall(t):
                syllables = [_romanised(c) for c in run]
                for i in range(len(run)):
                    for j in range(i + 1, min(i + 3, len(run)) + 1):
                        found.add("p" + "".join(syllables[i:j]))
            side.append(found)
        keys.append(side)
    vocab = [set().union(*side) if side else set() for side in keys]
    shared = {k for k in vocab[0] & vocab[1] if len(k) >= 5 or k[0] == "k"}  # a pinyin key of one short syllable is noise
    for side, key_side in zip(toks, keys):
        for s, ks in zip(side, key_side):
            s |= ks & shared


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
            at = np.minimum(np.searchsorted(keyset, shifted), max(len(keyset) - 1, 0))
            hit = keyset[at] == shifted if len(keyset) else np.zeros(len(shifted), dtype=bool)
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
