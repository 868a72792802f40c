"""Cross-references: the passages two paragraphs share, with their exact spans in both.

A candidate pair (from :mod:`synopsis.link.candidates`) is examined in two ways:

1. **Seed and chain.** Shingles the two paragraphs share are *seeds* (token positions in
   both). Seeds close to one another on both sides (gaps of at most ``max_gap`` tokens,
   roughly on one diagonal) form a *chain*; a chain that covers at least ``min_words``
   shared content words on each side is a passage. Its edges are widened over
   neighbouring words that still agree (an OCR-damaged first word), and it is scored with
   ``rapidfuzz.fuzz.ratio`` on the normalised text of both sides. Two quotations of one
   source in one paragraph give two chains, so repeats are found without extra work.
2. **Quotation search.** A quotation the ingest stage marked in a paragraph is a known
   needle: ``fuzz.partial_ratio_alignment`` finds its best window in the other paragraph;
   the window is then masked and the search repeated, so a quotation that occurs twice is
   found twice. This is the slow scorer, run only on candidate pairs, only for marked
   quotations, on normalised text.

Windows in normalised text map back to original offsets through the token spans kept by
:mod:`synopsis.link.normalize`; spans always start and end on word boundaries, so
``text[start:end]`` is the passage as that paragraph words it.
"""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from synopsis.link.candidates import shingles
from synopsis.link.normalize import Tokens

__all__ = ["SharedPassage", "find_passages", "locate_all", "find_quotation"]

METHOD_CHAIN = "ngram-rapidfuzz"
METHOD_QUOTATION = "quotation-rapidfuzz"


@dataclass(frozen=True, slots=True)
class SharedPassage:
    """One passage found in two paragraphs; spans are ``[start, end)`` in each text."""

    left_start: int
    left_end: int
    right_start: int
    right_end: int
    score: float
    method: str
    left_quotation: int | None = None  # index into the left paragraph's quotation list
    right_quotation: int | None = None

    def overlaps(self, other: "SharedPassage") -> bool:
        """Both spans overlap those of ``other``: the same passage found twice."""
        return (
            self.left_start < other.left_end and other.left_start < self.left_end
            and self.right_start < other.right_end and other.right_start < self.right_end
        )


@dataclass(slots=True)
class _Chain:
    l_lo: int
    l_hi: int
    r_lo: int
    r_hi: int
    diag: int
    l_words: set[int]
    r_words: set[int]


def _seeds(left: Tokens, right: Tokens, max_repeat: int = 4) -> list[tuple[int, int, int, int]]:
    lh, lf, ls = shingles(left)
    rh, rf, rs = shingles(right)
    if not len(lh) or not len(rh):
        return []
    where: dict[int, list[tuple[int, int]]] = {}
    for h, f, s in zip(rh.tolist(), rf.tolist(), rs.tolist()):
        where.setdefault(h, []).append((f, s))
    seeds = []
    seen_left: dict[int, int] = {}
    for h, f, s in zip(lh.tolist(), lf.tolist(), ls.tolist()):
        hits = where.get(h)
        if not hits or seen_left.get(h, 0) >= max_repeat:
            continue
        seen_left[h] = seen_left.get(h, 0) + 1
        for rf_, rs_ in hits[:max_repeat]:
            seeds.append((f, s, rf_, rs_))
    seeds.sort()
    return seeds


def _chains(seeds: list[tuple[int, int, int, int]], max_gap: int) -> list[_Chain]:
    chains: list[_Chain] = []
    for lf, ls, rf, rs in seeds:
        diag = rf - lf
        best = None
        for c in chains:
            if lf - c.l_hi > max_gap:
                continue
            if rf < c.r_lo - max_gap or rf - c.r_hi > max_gap:
                continue
            off = abs(diag - c.diag)
            if off > max_gap:
                continue
            if best is None or off < abs(diag - best.diag):
                best = c
        if best is None:
            chains.append(_Chain(lf, ls, rf, rs, diag, {lf, ls}, {rf, rs}))
        else:
            best.l_lo, best.l_hi = min(best.l_lo, lf), max(best.l_hi, ls)
            best.r_lo, best.r_hi = min(best.r_lo, rf), max(best.r_hi, rs)
            best.diag = diag
            best.l_words.update((lf, ls))
            best.r_words.update((rf, rs))
    return chains


def _same_word(a: str, b: str) -> bool:
    return a == b or (len(a) > 3 and len(b) > 3 and fuzz.ratio(a, b) >= 75)


def _widen(left: Tokens, right: Tokens, c: _Chain) -> None:
    """Take in neighbouring words that still agree (stop words, OCR-damaged words)."""
    while c.l_lo > 0 and c.r_lo > 0 and _same_word(left.norms[c.l_lo - 1], right.norms[c.r_lo - 1]):
        c.l_lo -= 1
        c.r_lo -= 1
    while (
        c.l_hi + 1 < len(left) and c.r_hi + 1 < len(right)
        and _same_word(left.norms[c.l_hi + 1], right.norms[c.r_hi + 1])
    ):
        c.l_hi += 1
        c.r_hi += 1


def passage_score(left: Tokens, l_first: int, l_last: int, right: Tokens, r_first: int, r_last: int) -> float:
    """Similarity 0-100 of two token ranges: ``fuzz.ratio`` on their normalised text."""
    return float(fuzz.ratio(left.token_range_text(l_first, l_last), right.token_range_text(r_first, r_last)))


def find_passages(
    left: Tokens,
    right: Tokens,
    *,
    score_cutoff: float = 60.0,
    min_words: int = 6,
    max_gap: int = 8,
) -> list[SharedPassage]:
    """Passages ``left`` and ``right`` share, by seed-and-chain (see the module doc)."""
    seeds = _seeds(left, right)
    if not seeds:
        return []
    found: list[SharedPassage] = []
    for c in _chains(seeds, max_gap):
        if min(len(c.l_words), len(c.r_words)) < min_words:
            continue
        _widen(left, right, c)
        score = passage_score(left, c.l_lo, c.l_hi, right, c.r_lo, c.r_hi)
        if score < score_cutoff:
            continue
        ls, le = left.tokens_to_span(c.l_lo, c.l_hi)
        rs, re_ = right.tokens_to_span(c.r_lo, c.r_hi)
        found.append(SharedPassage(ls, le, rs, re_, round(score, 2), METHOD_CHAIN))
    return _best_disjoint(found)


def _best_disjoint(found: list[SharedPassage]) -> list[SharedPassage]:
    """Drop passages that overlap a better one on both sides."""
    kept: list[SharedPassage] = []
    for p in sorted(found, key=lambda p: (-p.score, -(p.left_end - p.left_start), p.left_start, p.right_start)):
        if not any(p.overlaps(k) for k in kept):
            kept.append(p)
    return sorted(kept, key=lambda p: (p.left_start, p.right_start))


def locate_all(needle: str, haystack: str, *, score_cutoff: float = 80.0, limit: int = 5) -> list[tuple[float, int, int]]:
    """Every window of ``haystack`` that ``needle`` matches, best first: (score, start, end).

    ``fuzz.partial_ratio_alignment`` returns only the best window; the window is masked
    (overwritten with a character no text contains, keeping offsets) and the search
    repeated until nothing reaches ``score_cutoff``.
    """
    hits: list[tuple[float, int, int]] = []
    if not needle or len(needle) > len(haystack):
        return hits
    hay = haystack
    for _ in range(limit):
        al = fuzz.partial_ratio_alignment(needle, hay, score_cutoff=score_cutoff)
        if al is None or al.dest_end <= al.dest_start:
            break
        hits.append((float(al.score), al.dest_start, al.dest_end))
        hay = hay[: al.dest_start] + "\x00" * (al.dest_end - al.dest_start) + hay[al.dest_end :]
    return hits


def find_quotation(
    left: Tokens,
    first: int,
    last: int,
    right: Tokens,
    *,
    score_cutoff: float = 80.0,
    quotation: int | None = None,
) -> list[SharedPassage]:
    """Where the quotation made of ``left`` tokens ``first..last`` stands in ``right``."""
    needle = left.token_range_text(first, last)
    out = []
    for score, start, end in locate_all(needle, right.normalized, score_cutoff=score_cutoff):
        window = right.window_to_tokens(start, end)
        if window is None:
            continue
        r_first, r_last = window
        ls, le = left.tokens_to_span(first, last)
        rs, re_ = right.tokens_to_span(r_first, r_last)
        out.append(SharedPassage(ls, le, rs, re_, round(score, 2), METHOD_QUOTATION, left_quotation=quotation))
    return out
