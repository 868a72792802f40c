"""The corpus's own statistics: how much a shared word says, measured in the documents being linked.

A word two paragraphs share is evidence of a shared passage in inverse proportion to how
common it is, and "common" is a fact about the documents, not about a language: "the" in
English, "de" in French, the most frequent word of an invented vocabulary with no stop
list at all. So each document's content tokens are counted once (:func:`document_counts`),
and for a pair of documents a token's *information* is its surprisal in the pair's text,
``-log2 p`` with ``p`` its share of the two documents' tokens (passim weighs n-grams by
their document frequency the same way, and drops those above ``--maxDF``).

Information is expressed in units of the pair's average token (its entropy, :attr:`PairStatistics.entropy`):
a token of weight 1 says as much as a typical word of these documents, the most frequent
words weigh a fraction of that, a word found only in the passage itself two or three
times as much. The cross-reference thresholds (least information of a passage, the X-drop
of a span's extension) are in these units, so they mean the same in any language, with or
without a stop list, in small documents or large.

The statistics of a pair come from those two documents, smoothed towards the whole
corpus's by ``prior_tokens`` (:class:`PairStatistics`): two small documents cannot tell a
common word from a rare one by themselves. Large documents outweigh the prior, so their
links hardly depend on the rest of the corpus; an incremental build keeps the links of
pairs it does not recompute as they were computed (with the corpus as it then was).
"""
from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from synopsis.link.arrays import ranges
from synopsis.link.corpus import ParagraphCorpus
from synopsis.link.normalize import KEYS, Tokens
from synopsis.link.token_cache import ContentKeys

__all__ = ["DocumentCounts", "PairStatistics", "document_counts", "corpus_counts", "ParagraphVectors", "paragraph_vectors", "cosines"]


@dataclass(frozen=True)
class DocumentCounts:
    """One document's content tokens: distinct key hashes (sorted), their counts, the total and entropy."""

    keys: np.ndarray
    counts: np.ndarray
    total: int
    entropy: float  # bits per token

    def count(self, hashes: np.ndarray) -> np.ndarray:
        """How often each key hash occurs in the document (0 for absent ones)."""
        if not len(self.keys):
            return np.zeros(len(hashes), dtype=np.int64)
        at = np.minimum(np.searchsorted(self.keys, hashes), len(self.keys) - 1)
        return np.where(self.keys[at] == hashes, self.counts[at], 0)


def _entropy(counts: np.ndarray) -> float:
    total = counts.sum()
    if total <= 0:
        return 1.0
    p = counts / total
    return float(-(p * np.log2(p)).sum())


def document_counts(corpus: ParagraphCorpus, keys: ContentKeys) -> list[DocumentCounts]:
    """The counts of every document of ``corpus`` (index ``k`` → document ``k``)."""
    out = []
    for k in range(len(corpus.docs)):
        r = corpus.paragraph_range(k)
        hashes = keys.keys[keys.offsets[r.start] : keys.offsets[r.stop]]
        uniq, counts = np.unique(hashes, return_counts=True)
        out.append(DocumentCounts(uniq, counts.astype(np.int64), int(counts.sum()), _entropy(counts)))
    return out


def corpus_counts(counts: list[DocumentCounts]) -> DocumentCounts:
    """The whole corpus's counts: every document's added up (the prior of small pairs)."""
    if not counts:
        return DocumentCounts(np.zeros(0, np.uint64), np.zeros(0, np.int64), 0, 1.0)
    keys = np.concatenate([c.keys for c in counts])
    values = np.concatenate([c.counts for c in counts])
    uniq, inverse = np.unique(keys, return_inverse=True)
    summed = np.bincount(inverse, weights=values).astype(np.int64)
    return DocumentCounts(uniq, summed, int(summed.sum()), _entropy(summed))


class PairStatistics:
    """Token information for one pair of documents (module doc).

    With ``prior`` (the corpus's counts) a pair's shares are smoothed towards the corpus's:
    ``p = (c_pair + k · p_corpus) / (T_pair + k)`` with ``k = prior_tokens``. Two small
    documents say little about which of their words are common (a word seen once in each
    may be everywhere else); two large ones outweigh the prior. The entropy is blended the
    same way.
    """

    def __init__(self, a: DocumentCounts, b: DocumentCounts, prior: DocumentCounts | None = None,
                 prior_tokens: float = 0.0) -> None:
        self.a, self.b, self.prior = a, b, prior if prior is not None and prior.total else None
        self.total = max(a.total + b.total, 1)
        # the entropy of the union is at least the weighted mean of the two; the mean is a close,
        # cheap stand-in (the union's own would need both vocabularies merged per pair)
        entropy = (a.entropy * a.total + b.entropy * b.total) / self.total
        self.k = prior_tokens if self.prior is not None else 0.0
        if self.prior is not None:
            entropy = (entropy * self.total + self.prior.entropy * self.k) / (self.total + self.k)
        self.entropy = max(entropy, 1.0)

    def weights_of_hashes(self, hashes: np.ndarray) -> np.ndarray:
        """Information of each key hash, in units of the pair's average token."""
        hashes = np.asarray(hashes, dtype=np.uint64)
        counts = (self.a.count(hashes) + self.b.count(hashes)).astype(np.float64)
        if self.prior is not None:
            counts += self.k * self.prior.count(hashes) / self.prior.total
        share = np.maximum(counts, 1.0) / (self.total + self.k)
        return -np.log2(share) / self.entropy

    def weights(self, tokens: Tokens) -> list[float]:
        """Information of each token of ``tokens`` (0 for stop words), in units of the pair's average token."""
        key_hash = KEYS.key_hash
        content = [k for k, c in enumerate(tokens.content) if c]
        out = [0.0] * len(tokens)
        if content:
            w = self.weights_of_hashes(np.fromiter((key_hash[tokens.keys[k]] for k in content), dtype=np.uint64,
                                                   count=len(content)))
            for k, x in zip(content, w.tolist()):
                out[k] = x
        return out



@dataclass(frozen=True)
class ParagraphVectors:
    """Every paragraph's content tokens as a weighted bag: ``hashes``/``values`` of paragraph ``p``
    are ``[offsets[p]:offsets[p + 1]]`` (sorted by hash), ``norms[p]`` its Euclidean norm.

    A token's value is its count in the paragraph times its information in the paragraph's
    own document (the document's statistics, so one bag serves every pair it is in).
    """

    offsets: np.ndarray
    hashes: np.ndarray
    values: np.ndarray
    norms: np.ndarray


def paragraph_vectors(corpus: ParagraphCorpus, keys: ContentKeys, counts: list[DocumentCounts], *,
                      chunk_keys: int = 8_000_000) -> ParagraphVectors:
    """The weighted bags of all paragraphs (numpy), built a chunk of about ``chunk_keys`` tokens at a time so that
    the sort's temporaries do not grow with the corpus (each paragraph's bag is its own)."""
    n = len(corpus)
    pbits = max(int(n).bit_length(), 1)
    parts = []
    s = 0
    while s < n:
        e = max(int(np.searchsorted(keys.offsets, keys.offsets[s] + chunk_keys, side="right")) - 1, s + 1)
        e = min(e, n)
        parts.append(_chunk_vectors(corpus, keys, counts, s, e, pbits))
        s = e
    offsets = np.zeros(n + 1, dtype=np.int64)
    if parts:
        np.cumsum(np.concatenate([np.diff(p[0]) for p in parts]), out=offsets[1:])

    def cat(i: int, dtype: type) -> np.ndarray:
        return np.concatenate([p[i] for p in parts]) if parts else np.zeros(0, dtype)

    return ParagraphVectors(offsets, cat(1, np.uint64), cat(2, np.float64), cat(3, np.float64))


def _chunk_vectors(corpus: ParagraphCorpus, keys: ContentKeys, counts: list[DocumentCounts], s: int, e: int,
                   pbits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The bags of paragraphs ``s..e-1``: (offsets from 0, hashes, values, norms)."""
    base = int(keys.offsets[s])
    chunk = keys.keys[base:int(keys.offsets[e])]
    weights = np.zeros(len(chunk), dtype=np.float64)
    first_doc, last_doc = int(corpus.para_doc[s]), int(corpus.para_doc[e - 1])
    for k in range(first_doc, last_doc + 1):
        r = corpus.paragraph_range(k)
        lo, hi = int(keys.offsets[max(r.start, s)]) - base, int(keys.offsets[min(r.stop, e)]) - base
        if hi > lo:
            dc = counts[k]
            c = dc.count(chunk[lo:hi])
            weights[lo:hi] = (np.log2(max(dc.total, 1)) - np.log2(np.maximum(c, 1))) / max(dc.entropy, 1.0)
    # one sort of 64-bit words, (paragraph | the hash's low bits): paragraphs' tokens in hash order
    word = chunk & np.uint64((1 << (64 - pbits)) - 1)
    word |= np.repeat(np.arange(s, e, dtype=np.uint64), np.diff(keys.offsets[s:e + 1])) << np.uint64(64 - pbits)
    order = np.argsort(word, kind="stable")
    word, w, h = word[order], weights[order], chunk[order]
    del order
    first = np.flatnonzero(np.r_[True, word[1:] != word[:-1]]) if len(word) else np.zeros(0, np.int64)
    values = np.add.reduceat(w, first) if len(first) else np.zeros(0)
    hashes, owner = h[first], (word[first] >> np.uint64(64 - pbits)).astype(np.int64) - s
    offsets = np.zeros(e - s + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=e - s), out=offsets[1:])
    norms = np.sqrt(np.bincount(owner, weights=values * values, minlength=e - s))
    return offsets, hashes, values, norms


_HASH_BITS = 47


def cosines(vectors: ParagraphVectors, left: np.ndarray, right: np.ndarray, *, chunk: int = 50_000) -> np.ndarray:
    """Cosine 0-100 of the bags of paragraph pairs ``(left[k], right[k])``, vectorised in chunks."""
    out = np.zeros(len(left), dtype=np.float64)
    off = vectors.offsets
    for lo in range(0, len(left), chunk):
        a, b = left[lo : lo + chunk], right[lo : lo + chunk]
        parts_h, parts_v, parts_p = [], [], []
        for side in (a, b):
            sizes = off[side + 1] - off[side]
            idx = np.repeat(off[side], sizes) + ranges(sizes)
            parts_h.append(vectors.hashes[idx])
            parts_v.append(vectors.values[idx])
            parts_p.append(np.repeat(np.arange(len(side), dtype=np.int64), sizes))
        # one 64-bit word per entry: the pair in the top bits, the token hash's low bits below
        # (two tokens of one pair colliding in 47 bits: about one in 10^11), sorted once
        word = np.concatenate(parts_h) & np.uint64((1 << _HASH_BITS) - 1)
        word |= np.concatenate(parts_p).astype(np.uint64) << np.uint64(_HASH_BITS)
        v = np.concatenate(parts_v)
        order = np.argsort(word, kind="stable")
        word, v = word[order], v[order]
        same = word[1:] == word[:-1]  # a token in both bags of one pair: exactly two entries
        p = (word[1:][same] >> np.uint64(_HASH_BITS)).astype(np.int64)
        dots = np.bincount(p, weights=v[1:][same] * v[:-1][same], minlength=len(a))
        denominator = vectors.norms[a] * vectors.norms[b]
        out[lo : lo + len(a)] = np.where(denominator > 0, 100.0 * dots / np.where(denominator > 0, denominator, 1), 0.0)
    return out
