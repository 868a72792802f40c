"""The candidate stage: which paragraph pairs are worth a closer look at all.

Comparing every paragraph with every other is quadratic; instead each paragraph is cut
into *shingles* — unordered pairs of content tokens (stop words skipped) at distance one
or two, so one inserted, replaced or OCR-damaged word leaves most of its neighbours'
shingles intact, and a translator's "general secretary" meets "secretary general" — and
two paragraphs of different documents become a candidate pair when they share shingles.

Everything here is vectorised with numpy over the key hashes that
:func:`synopsis.link.normalize.encode_paragraphs` gives:

* a shingle is a 64-bit mix of its two tokens' stable key hashes;
* the inverted index is one ``np.sort`` of 64-bit words holding the shingle's top bits
  and the paragraph's index in the low bits, so equal shingles of one paragraph fall
  together (and are counted once) and a shingle's postings come out in paragraph order;
* a group of equal shingles yields its paragraph pairs by arithmetic on ``np.repeat``,
  not a Python loop, and shared counts per pair come from ``np.unique`` over 64-bit
  pair keys.

Only pairs with at least one paragraph in a *focus* document (the documents that changed
since the last build) are generated, and when the focus is a small part of the corpus
only the shingles the focus documents contain are sorted at all: adding one document to
a built corpus looks up that document's shingles, not everyone's.

Very common shingles say little and cost quadratically, so a shingle is skipped for a
pair of documents when it occurs in more than ``max_df`` paragraphs of those two
documents together — a per-pair statistic, so a pair's candidates do not depend on
which other documents are loaded, or in what order — and skipped outright when it
occurs in more than ``max_postings`` paragraphs of the whole corpus (a safety valve
against boilerplate repeated in thousands of documents; far above anything real prose
repeats). In a language with no stop list, or a corpus of many small documents, the
shingles of frequent words stay under both caps and would still expand quadratically;
so the pairs all groups expand to are bounded by a budget proportional to the corpus
(``pair_budget``), and the most frequent shingles are the ones skipped (passim's max-DF).
"""
from __future__ import annotations

import numpy as np

from synopsis.link.arrays import ranges as _ranges

__all__ = ["shingle_postings", "candidate_pairs", "paragraph_shingles"]

_MIX = np.uint64(0x9E3779B97F4A7C15)


def _pair_hash(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hash of an unordered token pair (wrapping 64-bit arithmetic)."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    with np.errstate(over="ignore"):
        lo *= _MIX
        lo ^= hi
        return lo


def paragraph_shingles(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shingles of one paragraph's content key hashes: (hash, first position, second position)."""
    keys = np.asarray(keys, dtype=np.uint64)
    n = len(keys)
    pos = np.arange(n, dtype=np.int64)
    parts = [(_pair_hash(keys[:-1], keys[1:]), pos[:-1], pos[1:])] if n > 1 else []
    if n > 2:
        parts.append((_pair_hash(keys[:-2], keys[2:]), pos[:-2], pos[2:]))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros(0, dtype=np.uint64), empty, empty
    return tuple(np.concatenate(x) for x in zip(*parts))  # type: ignore[return-value]


def shingle_postings(
    keys: np.ndarray, offsets: np.ndarray, *, only_keys: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Shingles of many paragraphs at once: ``(hash, paragraph index)`` per shingle.

    ``keys[offsets[p]:offsets[p + 1]]`` are paragraph ``p``'s content key hashes (as
    :func:`synopsis.link.normalize.encode_paragraphs` returns them). Duplicates within a
    paragraph are kept here; :func:`candidate_pairs` counts each once.

    ``only_keys`` (sorted key hashes) keeps only the shingles whose two words are both
    among them: when one new document is linked against a corpus, a shingle it could
    share is made of its own words, so the rest of the corpus is filtered word by word
    before any shingle is hashed.
    """
    n = len(offsets) - 1
    counts = np.diff(offsets)
    para = np.repeat(np.arange(n, dtype=np.int32), counts)
    wanted = None
    if only_keys is not None:
        bits = np.uint64((1 << 24) - 1)
        bitmap = np.zeros(1 << 24, dtype=bool)
        bitmap[(only_keys & bits).astype(np.int64)] = True
        wanted = bitmap[(keys & bits).astype(np.int64)]
        maybe = np.flatnonzero(wanted)
        at = np.minimum(np.searchsorted(only_keys, keys[maybe]), max(len(only_keys) - 1, 0))
        wanted[maybe] = only_keys[at] == keys[maybe] if len(only_keys) else False
    hashes, paras = [], []
    for d in (1, 2):
        if len(keys) <= d:
            continue
        same = para[:-d] == para[d:]
        if wanted is not None:
            same &= wanted[:-d] & wanted[d:]
        hashes.append(_pair_hash(keys[:-d][same], keys[d:][same]))
        paras.append(para[:-d][same])
    if not hashes:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32)
    return np.concatenate(hashes), np.concatenate(paras)


def _bits(n: int) -> int:
    return max(int(n).bit_length(), 1)


def candidate_pairs(
    hashes: np.ndarray,
    paras: np.ndarray,
    para_doc: np.ndarray,
    *,
    focus: np.ndarray | None = None,
    min_shared: int = 1,
    max_df: int = 60,
    max_postings: int = 5000,
    pair_budget: int | None = None,
    chunk_pairs: int = 2_000_000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Paragraph pairs of different documents that share at least ``min_shared`` shingles.

    ``hashes``/``paras`` are shingle postings (:func:`shingle_postings`); ``para_doc``
    gives each paragraph's document index, paragraphs being numbered in (document,
    ordinal) order. ``focus`` is an optional boolean array over documents: only pairs
    with at least one paragraph in a focus document are returned. The result is
    ``(left, right, shared)`` with ``left < right`` (paragraph indices), sorted.

    ``pair_budget`` bounds the paragraph pairs the shingle groups expand to: when they
    would exceed it, the largest groups (the most frequent shingles) are skipped, not
    expanded, until the rest fits.
    """
    empty = np.zeros(0, dtype=np.int64)
    n = len(para_doc)
    if len(hashes) < 2 or n < 2:
        return empty, empty, empty
    para_doc = np.asarray(para_doc, dtype=np.int64)
    in_focus = None
    if focus is not None:
        in_focus = np.asarray(focus, dtype=bool)[para_doc]
        if not in_focus[paras].any():
            return empty, empty, empty
        hashes, paras = _focus_postings(hashes, paras, in_focus)
    p, group = _shingle_groups(hashes, paras, n, max_postings)
    if len(p) < 2:
        return empty, empty, empty
    d = para_doc[p].astype(np.int32)
    # paragraphs of one shingle in one document: the per-pair document frequency. A posting
    # whose document alone holds the shingle max_df times or more can pass with no partner
    # (df_a + df_b <= max_df, both at least 1): dropped before any pair is made of it
    new_run = np.r_[True, (group[1:] != group[:-1]) | (d[1:] != d[:-1])]
    run_id = np.cumsum(new_run, dtype=np.int32) - 1
    df = np.bincount(run_id).astype(np.int32)[run_id]
    del new_run, run_id
    rare = df < max_df
    p, group, d, df = p[rare], group[rare], d[rare], df[rare]
    del rare
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else np.zeros(0, np.int64)
    sizes = np.diff(np.r_[starts, len(group)])
    if pair_budget is not None and len(sizes):
        # the cost is the pairs the groups expand to: skip the largest groups (the most frequent
        # shingles) until what is left fits the budget, so the cost follows the corpus's size
        # and not its vocabulary or its documents' sizes
        by_size = np.sort(sizes)
        cum = np.cumsum(by_size.astype(np.int64) * (by_size - 1) // 2)
        if cum[-1] > pair_budget:
            cap = int(by_size[max(int(np.searchsorted(cum, pair_budget, side="right")) - 1, 0)])
            keep_group = sizes <= cap
            member = np.repeat(keep_group, sizes)
            p, group, d, df = p[member], group[member], d[member], df[member]
            starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else np.zeros(0, np.int64)
            sizes = np.diff(np.r_[starts, len(group)])
        del by_size, cum
    del group
    if len(p) < 2:
        return empty, empty, empty
    keys = _pair_keys(p, d, df, starts, sizes, n, max_df=max_df, in_focus=in_focus, chunk_pairs=chunk_pairs, min_shared=min_shared)
    if not len(keys):
        return empty, empty, empty
    uniq, counts = _count_shared(keys, min_shared)
    return uniq // n, uniq % n, counts.astype(np.int64)


def _focus_postings(hashes: np.ndarray, paras: np.ndarray, in_focus: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The postings of the shingles a focus paragraph holds (all of them when most postings are
    the focus documents' own: the lookup would cost more than it saves)."""
    posting_focus = in_focus[paras]
    if posting_focus.mean() >= 0.5:
        return hashes, paras
    # look up only the focus documents' shingles (a bitmap first: one gather)
    wanted = np.sort(hashes[posting_focus])
    bitmap = np.zeros(1 << 24, dtype=bool)
    bitmap[(wanted & np.uint64((1 << 24) - 1)).astype(np.int64)] = True
    maybe = bitmap[(hashes & np.uint64((1 << 24) - 1)).astype(np.int64)]
    h_maybe = hashes[maybe]
    at = np.minimum(np.searchsorted(wanted, h_maybe), len(wanted) - 1)
    exact = wanted[at] == h_maybe
    idx = np.flatnonzero(maybe)[exact]
    return hashes[idx], paras[idx]


def _shingle_groups(hashes: np.ndarray, paras: np.ndarray, n: int, max_postings: int) -> tuple[np.ndarray, np.ndarray]:
    """``(paragraph, group)`` of every posting, grouped by shingle and in paragraph order within
    a group; a shingle counted once per paragraph; groups of one, or of more than
    ``max_postings``, left out."""
    # one sort of (shingle top bits | paragraph index): groups in paragraph order; built in
    # place, since at a hundred thousand paragraphs each temporary is a hundred megabytes
    pbits = _bits(n)
    word = hashes >> np.uint64(pbits)
    word <<= np.uint64(pbits)
    word |= paras.astype(np.uint64)
    word.sort()  # (np.unique hashes first, many times slower on ten million words)
    if len(word):
        keep = np.empty(len(word), dtype=bool)
        keep[0] = True
        np.not_equal(word[1:], word[:-1], out=keep[1:])  # a shingle repeated within a paragraph counts once
        word = word[keep]
        del keep
    group = word >> np.uint64(pbits)
    word &= np.uint64((1 << pbits) - 1)
    p = word.astype(np.int32 if n < 2**31 else np.int64)
    del word
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = np.diff(np.r_[starts, len(group)])
    keep_group = (sizes >= 2) & (sizes <= max_postings)
    member = np.repeat(keep_group, sizes)
    return p[member], group[member]


def _pair_keys(
    p: np.ndarray, d: np.ndarray, df: np.ndarray, starts: np.ndarray, sizes: np.ndarray, n: int,
    *, max_df: int, in_focus: np.ndarray | None, chunk_pairs: int, min_shared: int,
) -> np.ndarray:
    """Every pair of paragraphs a shingle group holds, of different documents and rare enough
    (and touching a focus paragraph), as the sorted keys ``left * n + right``, once per shingle
    the pair shares (once less with ``min_shared`` of 2 or more); expanded ``chunk_pairs``
    pairs at a time."""
    keys_parts: list[np.ndarray] = []
    n_pairs = sizes * (sizes - 1) // 2
    cum = np.cumsum(n_pairs)
    lo = 0
    while lo < len(starts):
        base = int(cum[lo - 1]) if lo else 0
        hi = max(int(np.searchsorted(cum, base + chunk_pairs, side="right")), lo + 1)
        g_start, g_size = starts[lo:hi], sizes[lo:hi]
        lo = hi
        first = np.repeat(g_start, g_size) + _ranges(g_size)
        after = np.repeat(g_size, g_size) - 1 - _ranges(g_size)
        left = np.repeat(first, after)
        right = left + 1 + _ranges(after)
        a, b = p[left], p[right]
        ok = d[left] != d[right]
        ok &= (df[left] + df[right]) <= max_df
        if in_focus is not None:
            ok &= in_focus[a] | in_focus[b]
        a, b = a[ok].astype(np.int64), b[ok].astype(np.int64)
        keys_parts.append(np.minimum(a, b) * n + np.maximum(a, b))
        del first, after, left, right, ok
    keys = np.concatenate(keys_parts) if keys_parts else np.zeros(0, dtype=np.int64)
    del keys_parts
    keys.sort()
    if min_shared >= 2:
        # most pairs share one shingle by chance: keep only keys that repeat (one of each
        # pair's keys is dropped here, and counted back in _count_shared)
        keys = keys[1:][keys[1:] == keys[:-1]]
    return keys


def _count_shared(keys: np.ndarray, min_shared: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct pair keys (sorted, not empty, as :func:`_pair_keys` gives them) that stand
    for at least ``min_shared`` shared shingles, with their counts."""
    first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    uniq, counts = keys[first], np.diff(np.r_[first, len(keys)]) + (1 if min_shared >= 2 else 0)
    sel = counts >= min_shared
    return uniq[sel], counts[sel]
