"""The candidate stage: which paragraph pairs are worth a fuzzy comparison at all.

Comparing every paragraph with every other is quadratic; instead each paragraph is cut
into *shingles* — ordered pairs of content tokens (stop words skipped) at distance one or
two, so one inserted or OCR-damaged word leaves most of its neighbours' shingles intact —
and two paragraphs become a candidate pair when they share shingles.

Everything here is vectorised with numpy:

* a shingle is a 64-bit hash of its two tokens (each token hashed with BLAKE2b, stable
  across processes and runs, unlike Python's salted ``hash``);
* the inverted index is a sort of ``(shingle, paragraph)`` postings; a group of equal
  shingles yields its paragraph pairs by arithmetic on ``np.repeat``, not a Python loop;
* shared counts per pair come from ``np.unique`` over 64-bit pair keys.

Very common shingles say little and cost quadratically, so a shingle is skipped for a
pair of documents when it occurs in more than ``max_df`` paragraphs of those two
documents together (a per-pair statistic, so a pair's candidates do not change when an
unrelated document is added), and skipped outright when it occurs in more than
``max_postings`` paragraphs of the whole corpus (a safety valve against boilerplate).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from synopsis.link.normalize import Tokens, tokenize

__all__ = ["CorpusIndex", "build_index", "candidate_pairs", "shingles", "token_hash"]

_MIX = np.uint64(0x9E3779B97F4A7C15)


@lru_cache(maxsize=1 << 20)
def token_hash(norm: str) -> int:
    """Stable 63-bit hash of a normalised token."""
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "little") >> 1


def _pair_hash(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hash of an unordered token pair: "power in his hands" meets "hands ... power"."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return lo * _MIX + hi


def shingles(tokens: Tokens) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shingles of one paragraph: (hashes, first token index, second token index).

    A shingle joins content token ``c[x]`` with ``c[x+1]`` and with ``c[x+2]``; the
    hash ignores the distance and the order of the two (translators reorder: "general
    secretary", "secretary general"), and is taken over OCR skeletons
    (:func:`synopsis.link.normalize.ocr_key`), so "cult of the individual and its consequences" and
    "cult of the individual and all its consequences" share their shingles.
    """
    content = [k for k, is_content in enumerate(tokens.content) if is_content]
    if len(content) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros(0, dtype=np.uint64), empty, empty
    pos = np.asarray(content, dtype=np.int64)
    h = np.fromiter((token_hash(tokens.keys[k]) for k in content), dtype=np.uint64, count=len(content))
    firsts = [pos[:-1]]
    seconds = [pos[1:]]
    hashes = [_pair_hash(h[:-1], h[1:])]
    if len(content) > 2:
        firsts.append(pos[:-2])
        seconds.append(pos[2:])
        hashes.append(_pair_hash(h[:-2], h[2:]))
    return np.concatenate(hashes), np.concatenate(firsts), np.concatenate(seconds)


@dataclass(slots=True)
class CorpusIndex:
    """Tokens and shingle postings of a set of paragraphs, in a canonical order.

    Paragraphs are ordered by (document id, ordinal) whatever order they were given in,
    so everything computed from the index is independent of load order.
    """

    paragraph_ids: np.ndarray  # int64, database ids, canonical order
    doc_index: np.ndarray  # int32, index into documents for each paragraph
    documents: list[str]  # sorted document ids
    ordinals: np.ndarray
    texts: list[str]
    tokens: list[Tokens]
    post_hash: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))  # sorted
    post_para: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    post_docdf: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # df of shingle in that paragraph's document

    def __len__(self) -> int:
        return len(self.texts)

    def doc_range(self, document_id: str) -> range:
        """Indices of a document's paragraphs in the index."""
        d = self.documents.index(document_id)
        idx = np.flatnonzero(self.doc_index == d)
        return range(int(idx[0]), int(idx[-1]) + 1) if len(idx) else range(0)


def build_index(paragraphs: list[tuple[int, str, int, str]]) -> CorpusIndex:
    """Index ``(paragraph_id, document_id, ordinal, text)`` rows."""
    rows = sorted(paragraphs, key=lambda r: (r[1], r[2], r[0]))
    documents = sorted({r[1] for r in rows})
    doc_pos = {d: i for i, d in enumerate(documents)}
    toks = [tokenize(r[3]) for r in rows]
    index = CorpusIndex(
        paragraph_ids=np.asarray([r[0] for r in rows], dtype=np.int64),
        doc_index=np.asarray([doc_pos[r[1]] for r in rows], dtype=np.int32),
        documents=documents,
        ordinals=np.asarray([r[2] for r in rows], dtype=np.int64),
        texts=[r[3] for r in rows],
        tokens=toks,
    )
    hs, ps = [], []
    for i, t in enumerate(toks):
        h, _, _ = shingles(t)
        if len(h):
            h = np.unique(h)
            hs.append(h)
            ps.append(np.full(len(h), i, dtype=np.int64))
    if not hs:
        return index
    h = np.concatenate(hs)
    p = np.concatenate(ps)
    order = np.lexsort((p, h))
    h, p = h[order], p[order]
    index.post_hash, index.post_para = h, p
    # per-(shingle, document) frequency: paragraphs are in document order within a group
    d = index.doc_index[p]
    new_run = np.ones(len(h), dtype=bool)
    new_run[1:] = (h[1:] != h[:-1]) | (d[1:] != d[:-1])
    run_id = np.cumsum(new_run) - 1
    run_len = np.bincount(run_id)
    index.post_docdf = run_len[run_id]
    return index


def candidate_pairs(
    index: CorpusIndex,
    *,
    allowed: np.ndarray | None = None,
    min_shared: int = 2,
    max_df: int = 60,
    max_postings: int = 2000,
    chunk_pairs: int = 8_000_000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Paragraph pairs of different documents that share at least ``min_shared`` shingles.

    ``allowed`` is an optional boolean matrix over document indices: only pairs whose
    documents it allows are returned (the build passes the pairs it must relink). The
    result is ``(left, right, shared)`` with ``left < right`` (indices into the index),
    sorted.
    """
    h, p, df = index.post_hash, index.post_para, index.post_docdf
    empty = np.zeros(0, dtype=np.int64)
    if len(h) < 2:
        return empty, empty, empty
    starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
    sizes = np.diff(np.r_[starts, len(h)])
    keep = (sizes >= 2) & (sizes <= max_postings)
    starts, sizes = starts[keep], sizes[keep]
    n_pairs = sizes * (sizes - 1) // 2
    n = len(index)
    keys_parts: list[np.ndarray] = []
    # chunks of groups so that no more than ``chunk_pairs`` pairs are materialised at once
    cum = np.cumsum(n_pairs)
    lo = 0
    while lo < len(starts):
        base = int(cum[lo - 1]) if lo else 0
        hi = max(int(np.searchsorted(cum, base + chunk_pairs, side="right")), lo + 1)
        g_start, g_size = starts[lo:hi], sizes[lo:hi]
        lo = hi
        total = int((g_size * (g_size - 1) // 2).sum())
        if total == 0:
            continue
        # every posting, with how many later postings of its group it pairs with
        member = np.repeat(g_start, g_size) + _ranges(g_size)
        after = np.repeat(g_size, g_size) - 1 - _ranges(g_size)
        left = np.repeat(member, after)
        right = left + 1 + _ranges(after)
        a, b = p[left], p[right]
        ok = index.doc_index[a] != index.doc_index[b]
        ok &= (df[left] + df[right]) <= max_df
        if allowed is not None:
            ok &= allowed[index.doc_index[a], index.doc_index[b]]
        a, b = a[ok], b[ok]
        keys_parts.append(np.minimum(a, b) * n + np.maximum(a, b))
    if not keys_parts:
        return empty, empty, empty
    keys = np.concatenate(keys_parts)
    uniq, counts = np.unique(keys, return_counts=True)
    sel = counts >= min_shared
    uniq, counts = uniq[sel], counts[sel]
    return uniq // n, uniq % n, counts


def _ranges(sizes: np.ndarray) -> np.ndarray:
    """``concatenate([arange(s) for s in sizes])`` without the Python loop."""
    total = int(sizes.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.arange(total, dtype=np.int64) - offsets
