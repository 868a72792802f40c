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

import os
import tempfile
from typing import Iterator

import numpy as np

from synopsis.link.arrays import ranges as _ranges

__all__ = ["shingle_postings", "chunked_postings", "candidate_pairs", "candidate_pairs_streamed", "budget_cap", "paragraph_shingles"]

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
    expanded, until the rest fits (:func:`budget_cap`).
    """
    empty = np.zeros(0, dtype=np.int64)
    n = len(para_doc)
    if len(hashes) < 2 or n < 2:
        return empty, empty, empty
    para_doc = np.asarray(para_doc, dtype=np.int64)
    in_focus = None
    if focus is not None:
        in_focus = np.asarray(focus, dtype=bool)[para_doc]
        posting_focus = in_focus[paras]
        if not posting_focus.any():
            return empty, empty, empty
        if posting_focus.mean() < 0.5:
            hashes, paras = _focus_shingles(hashes, paras, posting_focus)
    p, group, d, df = _groups(hashes, paras, para_doc, max_postings=max_postings, max_df=max_df)
    cap = budget_cap(_size_histogram(group), pair_budget) if pair_budget is not None else None
    keys = _expand(p, group, d, df, in_focus, n, max_df=max_df, cap=cap, chunk_pairs=chunk_pairs)
    if not len(keys):
        return empty, empty, empty
    keys.sort()
    return _count_pairs(keys, n, min_shared)


def candidate_pairs_streamed(
    keys: np.ndarray,
    offsets: np.ndarray,
    para_doc: np.ndarray,
    *,
    only_keys: np.ndarray | None = None,
    focus: np.ndarray | None = None,
    min_shared: int = 1,
    max_df: int = 60,
    max_postings: int = 5000,
    pair_budget: int | None = None,
    postings_per_bucket: int = 40_000_000,
    chunk_paragraphs: int = 100_000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`candidate_pairs` of :func:`shingle_postings` ``(keys, offsets, only_keys=…)``, the same pairs, in
    memory that does not grow with the corpus.

    The shingles are cut into buckets by their top bits (a shingle's paragraphs all fall
    in one bucket, so every per-shingle rule sees the whole of it) and each bucket is
    shingled, grouped and expanded on its own: a first pass counts the groups' sizes for
    the pair budget, a second expands the pairs, which go to files on disk partitioned by
    their left paragraph and are counted one partition at a time. A corpus whose
    shingles fit in one bucket (``postings_per_bucket``, about two per content word) takes
    :func:`candidate_pairs` directly.
    """
    offsets = np.asarray(offsets, dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    n = len(para_doc)
    buckets = int(min(256, -(-2 * len(keys) // postings_per_bucket)))
    if buckets <= 1:
        hashes, paras = shingle_postings(keys, offsets, only_keys=only_keys)
        return candidate_pairs(hashes, paras, para_doc, focus=focus, min_shared=min_shared, max_df=max_df,
                               max_postings=max_postings, pair_budget=pair_budget)
    buckets = 1 << (buckets - 1).bit_length()  # a power of two: the bucket is the hash's top bits
    shift = np.uint64(64 - (buckets.bit_length() - 1))
    para_doc = np.asarray(para_doc, dtype=np.int64)
    in_focus = np.asarray(focus, dtype=bool)[para_doc] if focus is not None else None
    select_focus = False
    if in_focus is not None and not in_focus.all():
        total = focused = 0
        for h, p in chunked_postings(keys, offsets, only_keys, chunk_paragraphs):
            total += len(h)
            focused += int(in_focus[p].sum())
        if not focused or total < 2:
            return empty, empty, empty
        select_focus = focused / total < 0.5

    def bucket(b: int) -> tuple[np.ndarray, np.ndarray]:
        parts = [(h[m], p[m]) for h, p in chunked_postings(keys, offsets, only_keys, chunk_paragraphs)
                 if (m := (h >> shift) == np.uint64(b)).any()]
        if not parts:
            return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32)
        h, p = (np.concatenate(x) for x in zip(*parts))
        if select_focus:
            h, p = _focus_shingles(h, p, in_focus[p])
        return h, p

    histogram = np.zeros(max_postings + 1, dtype=np.int64)
    if pair_budget is not None:
        for b in range(buckets):
            _, group, _, _ = _groups(*bucket(b), para_doc, max_postings=max_postings, max_df=max_df)
            for size, count in _size_histogram(group):
                histogram[size] += count
    cap = budget_cap([(s, c) for s, c in enumerate(histogram.tolist()) if c], pair_budget) if pair_budget is not None else None
    parts = buckets
    with tempfile.TemporaryDirectory(prefix="synopsis-pairs-") as folder:
        files = [open(os.path.join(folder, f"{k}.bin"), "wb") for k in range(parts)]
        try:
            for b in range(buckets):
                found = _expand(*_groups(*bucket(b), para_doc, max_postings=max_postings, max_df=max_df), in_focus, n,
                                max_df=max_df, cap=cap)
                part = ((found // n) * parts // n).astype(np.int32 if parts < 2**31 else np.int64)
                for k in range(parts):  # each partition's keys in their order (no sorted copy of the bucket's)
                    found[part == k].tofile(files[k])
                del found, part
        finally:
            for f in files:
                f.close()
        out = []
        for k in range(parts):
            pair_keys = np.fromfile(os.path.join(folder, f"{k}.bin"), dtype=np.int64)
            pair_keys.sort()
            out.append(_count_pairs(pair_keys, n, min_shared))
            del pair_keys
    left, right, shared = (np.concatenate(x) for x in zip(*out))
    return left, right, shared


def chunked_postings(keys: np.ndarray, offsets: np.ndarray, only_keys: np.ndarray | None,
                      chunk_paragraphs: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """:func:`shingle_postings` a chunk of paragraphs at a time (paragraph indices of the whole)."""
    n = len(offsets) - 1
    for s in range(0, n, chunk_paragraphs):
        e = min(s + chunk_paragraphs, n)
        h, p = shingle_postings(keys[offsets[s]:offsets[e]], offsets[s:e + 1] - offsets[s], only_keys=only_keys)
        yield h, p + np.int32(s)


def _focus_shingles(hashes: np.ndarray, paras: np.ndarray, posting_focus: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Only the postings of shingles a focus paragraph holds (a bitmap first: one gather)."""
    wanted = np.sort(hashes[posting_focus])
    if not len(wanted):
        return hashes[:0], paras[:0]
    bitmap = np.zeros(1 << 24, dtype=bool)
    bitmap[(wanted & np.uint64((1 << 24) - 1)).astype(np.int64)] = True
    maybe = bitmap[(hashes & np.uint64((1 << 24) - 1)).astype(np.int64)]
    h_maybe = hashes[maybe]
    at = np.minimum(np.searchsorted(wanted, h_maybe), len(wanted) - 1)
    exact = wanted[at] == h_maybe
    idx = np.flatnonzero(maybe)[exact]
    return hashes[idx], paras[idx]


def _groups(hashes: np.ndarray, paras: np.ndarray, para_doc: np.ndarray, *, max_postings: int,
            max_df: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The postings that may make pairs, in (shingle group, paragraph) order: ``(paragraph, group, document,
    the group's paragraphs in that document)``.

    A group is a shingle's top bits (the low bits hold the paragraph in one sort); a shingle
    repeated within a paragraph counts once; groups of one paragraph or more than
    ``max_postings`` go, and so does a posting whose document alone holds the shingle
    ``max_df`` times or more (it could pass with no partner: ``df_a + df_b <= max_df``).
    """
    n = len(para_doc)
    empty32 = np.zeros(0, dtype=np.int32)
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
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else np.zeros(0, np.int64)
    sizes = np.diff(np.r_[starts, len(group)])
    keep_group = (sizes >= 2) & (sizes <= max_postings)
    member = np.repeat(keep_group, sizes)
    p, group = p[member], group[member]
    del member, starts, sizes, keep_group
    if len(p) < 2:
        return p[:0], group[:0], empty32, empty32
    d = para_doc[p].astype(np.int32)
    # paragraphs of one shingle in one document: the per-pair document frequency
    new_run = np.r_[True, (group[1:] != group[:-1]) | (d[1:] != d[:-1])]
    run_id = np.cumsum(new_run, dtype=np.int32) - 1
    df = np.bincount(run_id).astype(np.int32)[run_id]
    del new_run, run_id
    rare = df < max_df
    return p[rare], group[rare], d[rare], df[rare]


def _size_histogram(group: np.ndarray) -> list[tuple[int, int]]:
    """(group size, how many groups) over the groups of ``group`` (sorted)."""
    if not len(group):
        return []
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes, counts = np.unique(np.diff(np.r_[starts, len(group)]), return_counts=True)
    return list(zip(sizes.tolist(), counts.tolist()))


def budget_cap(histogram: list[tuple[int, int]], pair_budget: int) -> int | None:
    """The largest shingle group kept under ``pair_budget``, from the histogram ``(size, groups)`` of the groups'
    sizes; None when every group fits.

    The cost is the pairs the groups expand to, so the largest groups (the most frequent
    shingles) are skipped until what is left fits the budget, and the cost follows the
    corpus's size and not its vocabulary or its documents' sizes: with the groups sorted by
    size and their pairs summed in that order, the cap is the size of the last group whose
    running sum is within the budget (of the first group, if none is).
    """
    if not histogram:
        return None
    values = np.array(sorted((int(s), int(c)) for s, c in histogram), dtype=np.int64)
    size, count = values[:, 0], values[:, 1]
    pairs = size * (size - 1) // 2
    total = np.cumsum(pairs * count)
    if total[-1] <= pair_budget:
        return None
    before = np.r_[0, total[:-1]]
    within = np.where(pairs > 0, np.clip((pair_budget - before) // np.maximum(pairs, 1), 0, count), count)
    within = np.where(before <= pair_budget, within, 0)
    k = max(int(within.sum()) - 1, 0)  # that group's index in size order
    return int(size[int(np.searchsorted(np.cumsum(count), k, side="right"))])


def _expand(p: np.ndarray, group: np.ndarray, d: np.ndarray, df: np.ndarray, in_focus: np.ndarray | None, n: int, *,
            max_df: int, cap: int | None, chunk_pairs: int = 2_000_000) -> np.ndarray:
    """The pair keys (``left * n + right``, one per shared shingle) the groups of :func:`_groups` expand to: pairs of
    different documents within ``max_df`` together, with a focus side, groups larger than ``cap`` skipped."""
    empty = np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else np.zeros(0, np.int64)
    sizes = np.diff(np.r_[starts, len(group)])
    if cap is not None and len(sizes):
        member = np.repeat(sizes <= cap, sizes)
        p, group, d, df = p[member], group[member], d[member], df[member]
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else np.zeros(0, np.int64)
        sizes = np.diff(np.r_[starts, len(group)])
    del group
    if len(p) < 2:
        return empty
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
    return np.concatenate(keys_parts) if keys_parts else empty


def _count_pairs(keys: np.ndarray, n: int, min_shared: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(left, right, shared)`` of sorted pair keys, pairs sharing at least ``min_shared`` shingles."""
    empty = np.zeros(0, dtype=np.int64)
    if not len(keys):
        return empty, empty, empty
    if min_shared >= 2:
        # most pairs share one shingle by chance: keep only keys that repeat, then count those
        repeated = keys[1:][keys[1:] == keys[:-1]]
        if not len(repeated):
            return empty, empty, empty
        first = np.flatnonzero(np.r_[True, repeated[1:] != repeated[:-1]])
        uniq, counts = repeated[first], np.diff(np.r_[first, len(repeated)]) + 1
    else:
        first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        uniq, counts = keys[first], np.diff(np.r_[first, len(keys)])
    sel = counts >= min_shared
    uniq, counts = uniq[sel], counts[sel]
    return uniq // n, uniq % n, counts.astype(np.int64)
