"""Candidate paragraph pairs across languages, by the bilingual classes they share.

The reworded pass's candidate index asks two paragraphs to share ``reworded_min_shared``
rare classes, rare meaning in at most ``reworded_max_df`` paragraphs of the corpus. Across
languages that finds little: a translation pair learned from a corpus's own translations is
mostly a frequent word (rare words are seen in too few aligned sentences to be learned),
and the few names two languages share are not enough. So for each paragraph, its
``top`` best partners in every document of another language and another work are put
forward as well, ranked by the information of the classes they share (each class weighed
by ``log(paragraphs / its document frequency)`` in the corpus, classes in more than
``max_df`` paragraphs left out), at least ``least_shared`` classes. The reworded pass then
scores every candidate and its calibrated floor decides; a candidate costs one scoring.

Pure numpy over the class postings the reworded pass builds (``synopsis.link.correspond.paragraph_classes``).
"""
from __future__ import annotations

import numpy as np

__all__ = ["translated_candidates"]


def translated_candidates(
    hashes: np.ndarray, paras: np.ndarray, para_doc: np.ndarray, doc_language: list[str], doc_root: list[str], *,
    max_df: int = 100, top: int = 3, least_shared: int = 2,
) -> tuple[np.ndarray, np.ndarray]:
    """``(left, right)`` paragraph index pairs (``left < right``) across languages (module doc).

    ``hashes``/``paras``: class postings sorted by hash, each class once per paragraph;
    ``doc_language``: each document's primary language subtag ("" when unknown: never
    paired, an unknown language is not guessed); ``doc_root``: each document's work."""
    n = int(len(para_doc))
    if not len(hashes) or n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    language_ids = {code: k for k, code in enumerate(sorted(set(doc_language)))}
    para_language = np.asarray([language_ids[doc_language[d]] for d in range(len(doc_language))], np.int64)[para_doc]
    known = np.asarray([bool(code) for code in doc_language], bool)[para_doc]
    starts = np.r_[0, np.flatnonzero(hashes[1:] != hashes[:-1]) + 1]
    sizes = np.diff(np.r_[starts, len(hashes)])
    weight = np.log(n / np.maximum(sizes, 1))
    scores: dict[tuple[int, int], list[float]] = {}
    for start, size, w in zip(starts.tolist(), sizes.tolist(), weight.tolist()):
        if size < 2 or size > max_df:
            continue
        members = paras[start : start + size]
        members = members[known[members]]
        langs = para_language[members]
        if len(members) < 2 or (langs == langs[0]).all():
            continue
        for code in np.unique(langs).tolist():
            here, there = members[langs == code], members[langs > code]
            for p in here.tolist():
                for q in there.tolist():
                    a, b = (p, q) if p < q else (q, p)
                    got = scores.get((a, b))
                    if got is None:
                        scores[(a, b)] = [w, 1.0]
                    else:
                        got[0] += w
                        got[1] += 1.0
    best: dict[int, list[tuple[float, int]]] = {}
    for (a, b), (w, shared) in scores.items():
        if shared < least_shared or doc_root[int(para_doc[a])] == doc_root[int(para_doc[b])]:
            continue
        for p, q in ((a, b), (b, a)):
            key = int(para_doc[q]) * n + p  # per paragraph and per other document
            best.setdefault(key, []).append((w, q))
    chosen: set[tuple[int, int]] = set()
    for key, found in best.items():
        p = key % n
        for _, q in sorted(found, reverse=True)[:top]:
            chosen.add((min(p, q), max(p, q)))
    pairs = sorted(chosen)
    return (np.asarray([a for a, _ in pairs], np.int64), np.asarray([b for _, b in pairs], np.int64))
