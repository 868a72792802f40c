"""Candidate paragraph pairs across languages, by the bilingual classes they share.

The reworded pass's candidate index asks two paragraphs to share ``reworded_min_shared``
rare classes, rare meaning in at most ``reworded_max_df`` paragraphs of the corpus. Across
languages that finds little: a translation pair learned from a corpus's own translations is
mostly a frequent word (rare words are seen in too few aligned sentences to be learned),
and the few names two languages share are not enough. So for each paragraph, its
``top`` best partners in every document of another language and another work are put
forward as well, ranked by the information of the classes they share (each class weighed
by ``log(paragraphs / its document frequency)`` in the corpus, classes in more than
``max_df`` paragraphs left out), at least ``least_shared`` classes; with ``mutual`` (the
default) a pair is put forward only when each paragraph is among the other's ``top`` in its
document (a paragraph nobody quotes proposes partners that do not propose it: on the French
benchmark 4,633 pairs became 153, and the links stayed the same). The reworded pass then
scores every candidate and its calibrated floor decides; a candidate costs one scoring.

Pure numpy over the class postings (every pair of two languages a class holds, expanded in
chunks, summed with one ``unique``) the reworded pass builds (``synopsis.link.correspond.paragraph_classes``).
"""
from __future__ import annotations

import numpy as np

__all__ = ["translated_candidates"]


def translated_candidates(
    hashes: np.ndarray, paras: np.ndarray, para_doc: np.ndarray, doc_language: list[str], doc_root: list[str], *,
    max_df: int = 100, top: int = 3, least_shared: int = 2, mutual: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """``(left, right)`` paragraph index pairs (``left < right``) across languages (module doc).

    ``hashes``/``paras``: class postings sorted by hash, each class once per paragraph;
    ``doc_language``: each document's primary language subtag ("" when unknown: never
    paired, an unknown language is not guessed); ``doc_root``: each document's work."""
    n = int(len(para_doc))
    if not len(hashes) or n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    language_ids = {code: k for k, code in enumerate(sorted(set(doc_language)))}
    doc_lang = np.asarray([language_ids[doc_language[d]] for d in range(len(doc_language))], np.int64)
    para_language = doc_lang[para_doc]
    known = np.asarray([bool(code) for code in doc_language], bool)[para_doc]
    root_ids = {r: k for k, r in enumerate(sorted(set(doc_root)))}
    doc_root_id = np.asarray([root_ids[r] for r in doc_root], np.int64)
    hashes, paras = np.asarray(hashes), np.asarray(paras, np.int64)
    starts = np.r_[0, np.flatnonzero(hashes[1:] != hashes[:-1]) + 1]
    sizes = np.diff(np.r_[starts, len(hashes)])
    # each posting's class: its weight by the class's size in the whole corpus, classes of 2..max_df paragraphs
    group = np.repeat(np.arange(len(starts)), sizes)
    weight = np.log(n / np.maximum(sizes, 1))[group]
    keep = ((sizes >= 2) & (sizes <= max_df))[group] & known[paras]
    group, members, weight = group[keep], paras[keep], weight[keep]
    if not len(members):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # the classes again, over their known members: every pair of members of two languages (each once)
    gstarts = np.r_[0, np.flatnonzero(group[1:] != group[:-1]) + 1]
    member_language = para_language[members]
    mixed = np.minimum.reduceat(member_language, gstarts) != np.maximum.reduceat(member_language, gstarts)
    if not mixed.any():
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    keep = np.repeat(mixed, np.diff(np.r_[gstarts, len(group)]))  # classes of one language pair nothing
    group, members, weight = group[keep], members[keep], weight[keep]
    gstarts = np.r_[0, np.flatnonzero(group[1:] != group[:-1]) + 1]
    gsizes = np.diff(np.r_[gstarts, len(group)])
    lefts, rights, weights = [], [], []
    budget = 1 << 22  # member pairs expanded at once (memory stays flat whatever the classes)
    at = 0
    while at < len(gstarts):
        cost = np.cumsum(gsizes[at:].astype(np.int64) ** 2)
        stop = at + max(1, int(np.searchsorted(cost, budget, side="right")))
        lo, hi = gstarts[at], (gstarts[stop] if stop < len(gstarts) else len(group))
        size_of = np.repeat(gsizes[at:stop], gsizes[at:stop])  # per member of these classes: its class's size
        first_of = np.repeat(gstarts[at:stop], gsizes[at:stop])
        left = np.repeat(np.arange(lo, hi), size_of)
        block = np.repeat(np.cumsum(size_of) - size_of, size_of)
        right = np.repeat(first_of, size_of) + (np.arange(len(left)) - block)
        a, b = members[left], members[right]
        cross = para_language[a] < para_language[b]
        lefts.append(a[cross])
        rights.append(b[cross])
        weights.append(weight[left][cross])
        at = stop
    a, b, w = np.concatenate(lefts), np.concatenate(rights), np.concatenate(weights)
    lo_, hi_ = np.minimum(a, b), np.maximum(a, b)
    keys, inverse = np.unique(lo_ * n + hi_, return_inverse=True)
    total = np.bincount(inverse, weights=w, minlength=len(keys))
    shared = np.bincount(inverse, minlength=len(keys))
    a, b = keys // n, keys % n
    ok = (shared >= least_shared) & (doc_root_id[para_doc[a]] != doc_root_id[para_doc[b]])
    a, b, total = a[ok], b[ok], total[ok]
    if not len(a):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # per paragraph and per other document, its ``top`` partners (the strongest; ties: the later paragraph)
    here, there, score = np.r_[a, b], np.r_[b, a], np.r_[total, total]
    slot = here * len(doc_language) + para_doc[there]
    order = np.lexsort((-there, -score, slot))
    slot, here, there = slot[order], here[order], there[order]
    first = np.r_[0, np.flatnonzero(slot[1:] != slot[:-1]) + 1]
    rank = np.arange(len(slot)) - np.repeat(first, np.diff(np.r_[first, len(slot)]))
    chosen = rank < top
    keys = np.minimum(here[chosen], there[chosen]) * n + np.maximum(here[chosen], there[chosen])
    if not mutual:
        pairs = np.unique(keys)
        return pairs // n, pairs % n
    # mutual: chosen from both sides (a quoting paragraph and the paragraph it quotes are each
    # other's best partners; a paragraph no one quotes proposes partners that do not propose it)
    pairs, times = np.unique(keys, return_counts=True)
    pairs = pairs[times == 2]
    return pairs // n, pairs % n
