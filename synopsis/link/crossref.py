"""Cross-references: the passages two paragraphs share, with their exact spans in both.

A candidate pair (from :mod:`synopsis.link.candidates`) is examined in two ways:

1. **Alignment, seeded.** The content tokens of both paragraphs (stop words skipped,
   keys compared: spelling, inflection, translation variants and OCR confusions already
   folded) are searched for *seeds* — two words close together on both sides, the
   candidate stage's shingle found again in place (:func:`seed_windows`). Seeds on nearby
   diagonals make a window, and only inside it are the words aligned by rapidfuzz's
   longest common subsequence (``LCSseq.opcodes``, in C), so a word of the passage is
   never paired with one far away (BLAST's seed, then extension). Matches are then moved
   as close together as their words recur (:func:`_compact`), and a word the scanner
   dropped a letter from, left between two aligned words on both sides, is aligned too
   when it is nearly the same (``fuzz.ratio`` ≥ 75).

   Along the aligned words a passage is a stretch where they are dense: each gains its
   *information* in the two documents (:mod:`synopsis.link.statistics`: frequent words
   little, rare words more; 1 each without statistics), each unmatched word between two
   aligned ones costs ``gap_penalty`` (the larger of the two sides' gaps), a gap longer
   than ``max_gap`` ends the stretch, and so does a fall of ``x_drop`` below the best
   score reached (BLAST's X-drop): a span never bridges a long poor stretch between two
   good ones, which become two passages (:func:`dense_stretches`: Kadane's maximum-sum
   segment, applied again either side of each). Stretches are grown over aligned words
   just beyond their edges that the subsequence paired elsewhere (:func:`_extend`),
   widened over neighbouring words that still agree (a shared stop word, a damaged first
   word), and scored with ``rapidfuzz.fuzz.ratio`` on the normalised text of both sides.
   A stretch of ``long_words`` aligned words (and as much information) must reach
   ``score_cutoff``; a shorter one ``short_score_cutoff``, and must either say more
   than its words would or stand as a clause of its own (:func:`_set_off`); one of
   ``least_words`` must be nearly verbatim and set off — a few shared words prove a copy
   only when the words around them agree too, and a formula shared in passing is no
   quotation.

   A passage can occur twice (a lecture that opens and closes on one quotation), or two
   passages in swapped order: each has its own seeds, and within a window the stretches
   found are *masked* on one side and the alignment repeated. Two passages that touch on
   both sides (a translator moved a clause to the front) are merged into one when the
   merged spans still score ``score_cutoff``.

2. **Quotation search.** A quotation the ingest stage marked is a known needle:
   ``fuzz.partial_ratio_alignment`` (run only on pairs that passed the candidate stage)
   finds its best window in the other paragraph's normalised text; the window is
   masked and the search repeated, so a quotation quoted twice is found twice. Each
   window's edges are then moved a few words either way to the position where
   ``fuzz.ratio`` against the whole quotation is highest (:func:`refine_window`: another
   translation of a quotation is rarely the same length). A passage from step 1 that
   lies mostly within a quotation is grown the same way to cover the whole quotation on
   its side, and the matching extent on the other, when the grown spans still agree
   (:func:`synopsis.link.passages.pair_passages`). Every passage is finally scored again
   over exactly the two texts it stores (:func:`synopsis.link.passages.stored_score`).

Windows in normalised text map back to original offsets through the token spans kept by
:mod:`synopsis.link.normalize`; spans always start and end on word boundaries, so
``text[start:end]`` is the passage as that paragraph words it.
"""
from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from synopsis.link.accept import CrossReferenceParameters, Tier, tier_cutoff, tiers as accept_tiers
from synopsis.link.normalize import Tokens

__all__ = ["SharedPassage", "find_passages", "locate_all", "find_quotation", "refine_window", "METHOD_ALIGN",
           "METHOD_QUOTATION", "aligned_positions", "dense_stretches", "passage_score", "seed_windows", "could_share"]

METHOD_ALIGN = "lcs-rapidfuzz"
METHOD_QUOTATION = "quotation-rapidfuzz"


@dataclass(frozen=True, slots=True)
class SharedPassage:
    """One passage found in two paragraphs; spans are ``[start, end)`` in each text.

    ``left_first``/``left_last`` (and right) are the token range of the span, kept so
    passages can be merged and rescored without re-tokenising.
    """

    left_start: int
    left_end: int
    right_start: int
    right_end: int
    score: float
    method: str
    left_quotation: int | None = None  # index into the left paragraph's quotation list
    right_quotation: int | None = None
    left_first: int = -1
    left_last: int = -1
    right_first: int = -1
    right_last: int = -1

    def overlaps(self, other: "SharedPassage") -> bool:
        """Both spans overlap those of ``other``: the same passage found twice."""
        return (
            self.left_start < other.left_end and other.left_start < self.left_end
            and self.right_start < other.right_end and other.right_start < self.right_end
        )

    def mirrored(self) -> "SharedPassage":
        """The same passage with left and right swapped."""
        return SharedPassage(
            self.right_start, self.right_end, self.left_start, self.left_end, self.score, self.method,
            self.right_quotation, self.left_quotation, self.right_first, self.right_last, self.left_first,
            self.left_last,
        )


def _passage(left: Tokens, lf: int, ll: int, right: Tokens, rf: int, rl: int, score: float, method: str,
             lq: int | None = None, rq: int | None = None) -> SharedPassage:
    ls, le = left.tokens_to_span(lf, ll)
    rs, re_ = right.tokens_to_span(rf, rl)
    return SharedPassage(ls, le, rs, re_, round(float(score), 2), method, lq, rq, lf, ll, rf, rl)


def passage_score(left: Tokens, l_first: int, l_last: int, right: Tokens, r_first: int, r_last: int) -> float:
    """Similarity 0-100 of two token ranges: ``fuzz.ratio`` on their normalised text."""
    return float(fuzz.ratio(left.token_range_text(l_first, l_last), right.token_range_text(r_first, r_last)))


def dense_stretches(
    matches: list[tuple[int, int]], *, min_words: float, max_gap: int, gap_penalty: float,
    gains: list[float] | None = None, x_drop: float | None = None,
) -> list[tuple[int, int]]:
    """Index ranges ``[s, e]`` of ``matches`` where matches are dense enough to be a passage.

    ``matches`` are (left, right) content-token positions in increasing order on both
    sides. A gap larger than ``max_gap`` on either side splits the list; within a piece
    the maximum-sum segment (gain ``gains[k]`` per match, 1 each by default;
    ``gap_penalty`` per skipped token) is taken, and the search repeated on what lies
    either side of it. A stretch needs summed gains of ``min_words`` (with the default
    gains, that many matches).

    ``x_drop`` is BLAST's X-drop rule: a stretch is cut where its running score has
    fallen more than ``x_drop`` below the best it reached, even if later matches would
    pay the deficit back, so a span never bridges a long poor stretch between two good
    ones (they become two stretches).
    """
    g = gains if gains is not None else [1.0] * len(matches)
    out: list[tuple[int, int]] = []
    pieces: list[tuple[int, int]] = []
    lo = 0
    for k in range(1, len(matches) + 1):
        if k == len(matches) or max(matches[k][0] - matches[k - 1][0], matches[k][1] - matches[k - 1][1]) - 1 > max_gap:
            pieces.append((lo, k - 1))
            lo = k

    def enough(first: int, last: int) -> bool:
        return first <= last and sum(g[first : last + 1]) >= min_words - 1e-9

    stack = [p for p in pieces if enough(*p)]
    while stack:
        lo, hi = stack.pop()
        best, best_s, best_e = 0.0, -1, -1
        cur, cur_s, run_best = 0.0, lo, 0.0
        for k in range(lo, hi + 1):
            if k == lo:
                cur, cur_s = g[k], k
            else:
                gap = max(matches[k][0] - matches[k - 1][0], matches[k][1] - matches[k - 1][1]) - 1
                after_gap = cur - gap_penalty * gap
                if after_gap >= 0.0 and (x_drop is None or after_gap >= run_best - x_drop):
                    cur = after_gap + g[k]
                else:
                    cur, cur_s, run_best = g[k], k, 0.0
            run_best = max(run_best, cur)
            if cur > best:
                best, best_s, best_e = cur, cur_s, k
        if best_s < 0 or not enough(best_s, best_e):
            continue
        out.append((best_s, best_e))
        if enough(lo, best_s - 1):
            stack.append((lo, best_s - 1))
        if enough(best_e + 1, hi):
            stack.append((best_e + 1, hi))
    return sorted(out)


def _same_word(a: str, b: str) -> bool:
    return a == b or (len(a) > 3 and len(b) > 3 and fuzz.ratio(a, b) >= 75)


def _widen(left: Tokens, lf: int, ll: int, right: Tokens, rf: int, rl: int) -> tuple[int, int, int, int]:
    """Take in neighbouring words that still agree (stop words, OCR-damaged words)."""
    while lf > 0 and rf > 0 and _same_word(left.norms[lf - 1], right.norms[rf - 1]):
        lf -= 1
        rf -= 1
    while ll + 1 < len(left) and rl + 1 < len(right) and _same_word(left.norms[ll + 1], right.norms[rl + 1]):
        ll += 1
        rl += 1
    return lf, ll, rf, rl


def aligned_positions(lkeys: list[int], rkeys: list[int]) -> list[tuple[int, int]]:
    """Matched (left, right) positions of the longest common subsequence of two key lists."""
    out: list[tuple[int, int]] = []
    for block in LCSseq.opcodes(lkeys, rkeys).as_matching_blocks():
        for k in range(block.size):
            out.append((block.a + k, block.b + k))
    return out


def _compact(lkeys: list[int], rkeys: list[int], m: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Each match moved to the last occurrence of its word before the next match, on both sides.

    The longest common subsequence is one of many: it may pair a word with an earlier
    occurrence of it ("Abraham *believed* … Abraham believed God, and it was credited …"),
    leaving a gap that splits the passage. Moving every match as close to the next as its
    word recurs keeps the same words aligned, in the same order, with the smallest gaps.
    """
    out = list(m)
    for k in range(len(out) - 2, -1, -1):
        (i, j), (ni, nj) = out[k], out[k + 1]
        key_i, key_j = lkeys[i], rkeys[j]
        i = next((x for x in range(ni - 1, i, -1) if lkeys[x] == key_i), i)
        j = next((y for y in range(nj - 1, j, -1) if rkeys[y] == key_j), j)
        out[k] = (i, j)
    return out


def _with_near_matches(lnorms: list[str], rnorms: list[str], m: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Add the pairs the exact alignment skipped between two matches that are one word apart on both
    sides and nearly the same word ("migt"/"might": a letter the scanner dropped)."""
    out: list[tuple[int, int]] = []
    for k, (i, j) in enumerate(m):
        if k and i - m[k - 1][0] == 2 and j - m[k - 1][1] == 2:
            a, b = lnorms[i - 1], rnorms[j - 1]
            if len(a) > 3 and len(b) > 3 and fuzz.ratio(a, b) >= 75:
                out.append((i - 1, j - 1))
        out.append((i, j))
    return out


def _extend(lkeys: list[int], rkeys: list[int], st: tuple[int, int, int, int], reach: int = 3) -> tuple[int, int, int, int]:
    """Grow a stretch over nearby matches the alignment paired elsewhere.

    The longest common subsequence is one of many; at a stretch's edge it may have paired
    a word with an occurrence far away ("Stalin ... Stalin is too rude"). So while a word
    within ``reach`` content tokens before the start (after the end) on the left equals
    one as close on the right, the stretch takes it in, nearest first.
    """
    l_lo, l_hi, r_lo, r_hi = st
    while (best := _closest_shared(lkeys, rkeys, range(max(0, l_lo - reach), l_lo), range(max(0, r_lo - reach), r_lo), l_lo, r_lo)):
        l_lo, r_lo = best
    while (best := _closest_shared(
        lkeys, rkeys, range(l_hi + 1, min(len(lkeys), l_hi + reach + 1)), range(r_hi + 1, min(len(rkeys), r_hi + reach + 1)), l_hi, r_hi
    )):
        l_hi, r_hi = best
    return l_lo, l_hi, r_lo, r_hi


def _closest_shared(lkeys: list[int], rkeys: list[int], left: range, right: range, l_anchor: int, r_anchor: int) -> tuple[int, int] | None:
    """The pair of equal content words in the two windows nearest the anchors, or None."""
    best = None
    for i in left:
        for j in right:
            if lkeys[i] == rkeys[j] and lkeys[i] >= 0:
                cost = abs(l_anchor - i) + abs(r_anchor - j)
                if best is None or cost < best[0]:
                    best = (cost, i, j)
    return (best[1], best[2]) if best else None


def find_passages(
    left: Tokens,
    right: Tokens,
    params: CrossReferenceParameters | None = None,
    *,
    passes: int = 3,
    weights: tuple[list[float], list[float]] | None = None,
    left_quotes: Sequence[tuple[int, int]] = (),
    right_quotes: Sequence[tuple[int, int]] = (),
) -> list[SharedPassage]:
    """Passages ``left`` and ``right`` share, by alignment (see the module doc).

    A passage of ``long_words`` aligned content words or more needs ``score_cutoff``; a
    shorter one (down to ``min_words``) must be closer, ``short_score_cutoff``, and one
    shorter still (down to ``least_words``) closer again,
    ``close_score_cutoff``, over at least ``least_tokens`` words a side (stop words
    included), set off by punctuation on at least one side (a short quotation stands as a
    clause of its own; a formula shared in passing runs on): a few shared words prove a
    copy only when the words around them agree too.

    ``weights`` (one per token of each side, :class:`synopsis.link.statistics.PairStatistics`)
    weigh the alignment by information: an aligned word gains its weight, so frequent
    words pay for little, and each tier above needs, besides its number of aligned words,
    ``information_share`` of as much information as that many average words of the two
    documents (a short passage: ``least_information``; one of fewer than ``long_words``
    words that is not set off as a clause: ``plain_share`` times more). ``left_quotes``/``right_quotes``
    are the marked quotations (first, last token): a short passage inside one is set off.
    ``x_drop`` ends a stretch where its score falls that far below its best
    (:func:`dense_stretches`). A word a stretch repeats counts half each time again
    (:func:`_evidence`); ``verbatim_tokens`` admits a short one that runs that many words a
    side nearly verbatim. The names are fields of ``params``
    (:class:`~synopsis.link.accept.CrossReferenceParameters`, the step's one parameter
    object); the tiers are :func:`synopsis.link.accept.tiers`.
    """
    p = params or CrossReferenceParameters()
    score_cutoff, min_words, max_gap, gap_penalty = p.score_cutoff, p.min_words, p.max_gap, p.gap_penalty
    x_drop = p.x_drop if weights is not None else None
    lpos = left.content_positions()
    rpos = right.content_positions()
    if not lpos or not rpos or (weights is None and (len(lpos) < min_words or len(rpos) < min_words)):
        return []
    keys = ([left.keys[p] for p in lpos], [right.keys[p] for p in rpos])
    lnorms = [left.norms[p] for p in lpos]
    rnorms = [right.norms[p] for p in rpos]
    found: list[SharedPassage] = []
    evidence: list[tuple[SharedPassage, float, float, bool]] = []  # every stretch scored: (passage, words, information, kept)
    seen: list[tuple[int, int, int, int]] = []  # stretches as content positions (l_lo, l_hi, r_lo, r_hi)
    tiers = accept_tiers(p, weighed=weights is not None)
    sentinel = -1
    for l_lo, l_hi, r_lo, r_hi in seed_windows(keys[0], keys[1], pad=max_gap + 4):
        # the alignment sees only this window: words outside it are masked, so the longest
        # common subsequence cannot pair a word of the passage with one far away
        window = (list(keys[0]), list(keys[1]))
        for side, (lo, hi) in ((0, (l_lo, l_hi)), (1, (r_lo, r_hi))):
            for k in itertools.chain(range(0, lo), range(hi, len(window[side]))):
                window[side][k] = sentinel
                sentinel -= 1
        sentinel = _align_window(
            left, right, lpos, rpos, window, lnorms, rnorms, found, seen, evidence, sentinel, tiers=tiers,
            quotes=(left_quotes, right_quotes), max_gap=max_gap, gap_penalty=gap_penalty, passes=passes,
            weights=weights, x_drop=x_drop,
        )
    # two clauses of one passage that a translator swapped are found apart, each perhaps too
    # short alone: one that touches another on both sides counts their evidence together
    for p, words, info, accepted in evidence:
        if accepted or any(p.overlaps(q) for q in found):
            continue
        for q, q_words, q_info, _ in evidence:
            if q is not p and words + q_words >= tiers[0][0] and info + q_info >= tiers[0][1] - 1e-9 and _touch(
                left, p.left_first, p.left_last, q.left_first, q.left_last, 2
            ) and _touch(right, p.right_first, p.right_last, q.right_first, q.right_last, 2) and _apart(p, q):
                found.append(p)
                break
    return _merge_touching(left, right, _best_disjoint(found), score_cutoff=score_cutoff)


def _apart(p: SharedPassage, q: SharedPassage) -> bool:
    """Whether two passages share no word on either side: two clauses, not one clause seen twice.

    Evidence is added up only over different words: a stretch and a longer one around
    the same words on one side ("the Feast of Unleavened Bread" against "unleavened
    bread" in two places of a verse) are one clause, found twice, not two.
    """
    return (p.left_last < q.left_first or q.left_last < p.left_first) and (
        p.right_last < q.right_first or q.right_last < p.right_first)


_CLAUSE_EDGE = frozenset(".!?:;…。！？：；\"'«»“”‘’„‚‹›「」『』()[]")
"""Characters that end a clause or open and close a quotation (a comma does not: it runs on)."""


def _set_off(left: Tokens, lf: int, ll: int, left_quotes: Sequence[tuple[int, int]],
             right: Tokens, rf: int, rl: int, right_quotes: Sequence[tuple[int, int]]) -> int:
    """How far a passage (tokens ``lf..ll`` and ``rf..rl``) stands apart: 0, 1 or 2.

    A short quotation is set off ("… it is written: ‘Love your neighbor as yourself.’");
    a formula shared in passing ("the plenum of the central committee discussed …",
    "during the Feast of Unleavened Bread") runs on. 2: nearly all (0.8) of a marked
    quotation (token ranges ``left_quotes``/``right_quotes``) on one side, or a clause of
    its own (a clause mark or quotation mark, or the text's edge, before and after) on
    both, or most of a marked quotation on one side and a clause on the other
    (“Vengeance is Mine; I will repay, says the Lord.” against "… Vengeance is Mine; I
    will repay."); 1: most of a marked quotation, or a clause of its own, on one side;
    0: neither. One stop word may stand between the passage and the clause's edge ("…
    who will prepare Your way before *You*.’" against "… the way before *Me*.": two
    translations end a clause on different pronouns, which the alignment does not pair).
    """
    if _quoted(lf, ll, left_quotes, 0.8) or _quoted(rf, rl, right_quotes, 0.8):
        return 2
    clauses = (_clause_edge_before(left, lf) and _clause_edge_after(left, ll),
               _clause_edge_before(right, rf) and _clause_edge_after(right, rl))
    halves = (_quoted(lf, ll, left_quotes, 0.5), _quoted(rf, rl, right_quotes, 0.5))
    if sum(clauses) == 2 or (halves[0] and clauses[1]) or (halves[1] and clauses[0]):
        return 2
    return 1 if any(clauses) or any(halves) else 0


def _quoted(first: int, last: int, quotes: Sequence[tuple[int, int]], share: float) -> bool:
    """Whether tokens ``first..last`` hold ``share`` of one of the marked quotations ``quotes``."""
    return any(max(first, qf) <= min(last, ql) and min(last, ql) - max(first, qf) + 1 >= share * (ql - qf + 1)
               for qf, ql in quotes)


def _clause_edge_before(toks: Tokens, first: int) -> bool:
    """A clause mark, quotation mark or the text's start before token ``first`` (or before the stop word before it)."""
    for k in (first, first - 1):
        if k < first and (k < 0 or toks.content[k]):
            break
        before = toks.text[: toks.starts[k]].rstrip() if k >= 0 else ""
        if not before or before[-1] in _CLAUSE_EDGE:
            return True
    return False


def _clause_edge_after(toks: Tokens, last: int) -> bool:
    """A clause mark, quotation mark or the text's end after token ``last`` (or after the stop word after it)."""
    for k in (last, last + 1):
        if k > last and (k >= len(toks) or toks.content[k]):
            break
        after = toks.text[toks.ends[k] :].lstrip()
        if not after or after[0] in _CLAUSE_EDGE:
            return True
    return False


@functools.lru_cache(maxsize=4096)
def _shingles(keys: tuple[int, ...]) -> dict[tuple[int, int], list[int]]:
    """Positions of each shingle (unordered key pair at distance 1 or 2) of a key list.

    Cached: a paragraph meets many others, and its shingles are the same each time.
    """
    out: dict[tuple[int, int], list[int]] = {}
    for d in (1, 2):
        for i, (a, b) in enumerate(zip(keys, keys[d:])):
            if a >= 0 and b >= 0:
                out.setdefault((a, b) if a <= b else (b, a), []).append(i)
    return out


def seed_windows(
    lkeys: list[int], rkeys: list[int], *, pad: int, band: int = 8, gap: int = 20, max_repeats: int = 4,
) -> list[tuple[int, int, int, int]]:
    """Windows ``(l_lo, l_hi, r_lo, r_hi)`` (half-open, content positions) around the seeds two key lists share.

    A *seed* is two words that follow each other closely (within two words) on both
    sides — the candidate stage's shingle, found again in place. Seeds on nearby
    diagonals (``band``) and close together (``gap``) are one passage's; each group gives
    a window reaching ``pad`` words beyond its seeds, where the alignment is run (BLAST's
    seed, then extension).
    """
    left = _shingles(tuple(lkeys))
    seeds: list[tuple[int, int]] = []
    for sh, js in _shingles(tuple(rkeys)).items():
        is_ = left.get(sh)
        # a shingle repeated within the paragraphs seeds everywhere and nowhere: skipped (max-DF, in small)
        if is_ and len(is_) <= max_repeats and len(js) <= max_repeats:
            seeds.extend((i, j) for i in is_ for j in js)
    if not seeds:
        return []
    seeds.sort(key=lambda s: (s[0] - s[1], s[0]))
    groups: list[list[tuple[int, int]]] = [[seeds[0]]]
    top = seeds[0][0]  # the group's last left position
    for s in seeds[1:]:
        last = groups[-1][-1]
        if (s[0] - s[1]) - (last[0] - last[1]) <= band and s[0] - top <= gap:
            groups[-1].append(s)
            top = max(top, s[0])
        else:
            groups.append([s])
            top = s[0]
    windows = set()
    for g in groups:
        li, rj = [x[0] for x in g], [x[1] for x in g]
        windows.add((max(0, min(li) - pad), min(len(lkeys), max(li) + 3 + pad),
                     max(0, min(rj) - pad), min(len(rkeys), max(rj) + 3 + pad)))
    return sorted(windows)


def could_share(
    lkeys: list[int], rkeys: list[int], *, min_words: float, max_gap: int, gap_penalty: float,
    weights: list[float] | None = None,
) -> bool:
    """Whether some seed window of two key lists holds a dense stretch (``weights``: per left key).

    The test :func:`find_passages` starts from, without near matches, X-drop or scoring:
    a pair that fails it has no passage.
    """
    for l_lo, l_hi, r_lo, r_hi in seed_windows(lkeys, rkeys, pad=max_gap + 4):
        m = _compact(lkeys[l_lo:l_hi], rkeys[r_lo:r_hi], aligned_positions(lkeys[l_lo:l_hi], rkeys[r_lo:r_hi]))
        gains = None if weights is None else [weights[l_lo + i] for i, _ in m]
        if m and dense_stretches(m, min_words=min_words, max_gap=max_gap, gap_penalty=gap_penalty, gains=gains):
            return True
    return False


def _align_window(
    left: Tokens, right: Tokens, lpos: list[int], rpos: list[int], base: tuple[list[int], list[int]],
    lnorms: list[str], rnorms: list[str], found: list[SharedPassage], seen: list[tuple[int, int, int, int]],
    evidence: list[tuple[SharedPassage, float, float, bool]],
    sentinel: int, *, tiers: list[Tier], quotes: tuple[Sequence[tuple[int, int]], ...],
    max_gap: int, gap_penalty: float, passes: int, weights: tuple[list[float], list[float]] | None,
    x_drop: float | None,
) -> int:
    """The passages of one window (``base``: both key lists, masked outside it), added to ``found``.

    Returns the next free sentinel (masked words get distinct negative keys).
    """
    # pass 0 as is; then mask what was seen on the right (a passage the right repeats, or
    # one out of order), then on the left with the right restored (one the left repeats)
    for side in (None, 1, 0):
        masked = (list(base[0]), list(base[1]))
        for _ in range(passes if side is not None else 1):
            if side is not None:
                for st in seen:
                    lo, hi = (st[2], st[3]) if side else (st[0], st[1])
                    for k in range(lo, hi + 1):
                        if masked[side][k] >= 0:
                            masked[side][k] = sentinel
                            sentinel -= 1
            m = _with_near_matches(lnorms, rnorms, _compact(masked[0], masked[1], aligned_positions(*masked)))
            if not m:
                break
            gains = [1.0] * len(m) if weights is None else [
                min(weights[0][lpos[i]], weights[1][rpos[j]]) for i, j in m]
            new = 0
            for s, e in dense_stretches(m, min_words=min(t[1] for t in tiers), max_gap=max_gap, gap_penalty=gap_penalty,
                                        gains=gains, x_drop=x_drop):
                st = _extend(masked[0], masked[1], (m[s][0], m[e][0], m[s][1], m[e][1]))
                if st in seen:
                    continue
                seen.append(st)
                new += 1
                lf, ll, rf, rl = _widen(left, lpos[st[0]], lpos[st[1]], right, rpos[st[2]], rpos[st[3]])
                score = passage_score(left, lf, ll, right, rf, rl)
                words, info = _evidence([masked[0][i] for i, _ in m[s : e + 1]], gains[s : e + 1])
                tokens = min(ll - lf, rl - rf) + 1
                cutoff = tier_cutoff(tiers, words, info, tokens,
                                      lambda: _set_off(left, lf, ll, quotes[0], right, rf, rl, quotes[1]))
                if cutoff is not None and score >= cutoff:
                    p = _passage(left, lf, ll, right, rf, rl, score, METHOD_ALIGN)
                    if not any(p.overlaps(q) for q in found):
                        found.append(p)
                        evidence.append((p, words, info, True))
                elif score >= tiers[0][3]:  # too little alone; a clause beside another may make it (see find_passages)
                    evidence.append((_passage(left, lf, ll, right, rf, rl, score, METHOD_ALIGN), words, info, False))
            if not new or side is None:
                break
    return sentinel


def _evidence(keys: list[int], gains: list[float]) -> tuple[float, float]:
    """The aligned words and information a stretch counts: a word it repeats counts half each time again.

    A repeated word is weaker evidence: two unrelated genealogies share "the son of …,
    the son of …" as often as they have generations ("the son of Arni, the son of
    Hezron, the son of"), while "eye for eye, tooth for tooth" still says its two words
    and the pattern they make.
    """
    seen: set[int] = set()
    words = info = 0.0
    for key, gain in zip(keys, gains):
        share = 0.5 if key in seen else 1.0
        seen.add(key)
        words += share
        info += share * gain
    return words, info


def _best_disjoint(found: list[SharedPassage]) -> list[SharedPassage]:
    """Drop passages that overlap a better one on both sides."""
    kept: list[SharedPassage] = []
    for p in sorted(found, key=lambda p: (-p.score, -(p.left_end - p.left_start), p.left_start, p.right_start)):
        if not any(p.overlaps(k) for k in kept):
            kept.append(p)
    return sorted(kept, key=lambda p: (p.left_start, p.right_start))


def _content_between(toks: Tokens, a_last: int, b_first: int) -> int:
    """Content tokens strictly between token ``a_last`` and token ``b_first``."""
    return sum(toks.content[a_last + 1 : b_first])


def _touch(toks: Tokens, a_first: int, a_last: int, b_first: int, b_last: int, slack: int) -> bool:
    if a_last < b_first:
        return _content_between(toks, a_last, b_first) <= slack
    if b_last < a_first:
        return _content_between(toks, b_last, a_first) <= slack
    return True


def _merge_touching(left: Tokens, right: Tokens, passages: list[SharedPassage], slack: int = 2, *,
                    score_cutoff: float = 0.0) -> list[SharedPassage]:
    """Merge passages adjacent on both sides, in either order: one sentence, clauses moved.

    The merged spans are scored again; when they no longer reach ``score_cutoff`` (two
    clauses swapped: the character alignment of the whole is poor) the two stay apart.
    """
    out = list(passages)
    merged = True
    while merged and len(out) > 1:
        merged = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                a, b = out[i], out[j]
                if a.method != b.method or a.left_quotation != b.left_quotation or a.right_quotation != b.right_quotation:
                    continue
                if _touch(left, a.left_first, a.left_last, b.left_first, b.left_last, slack) and _touch(
                    right, a.right_first, a.right_last, b.right_first, b.right_last, slack
                ):
                    lf, ll = min(a.left_first, b.left_first), max(a.left_last, b.left_last)
                    rf, rl = min(a.right_first, b.right_first), max(a.right_last, b.right_last)
                    score = passage_score(left, lf, ll, right, rf, rl)  # the merged spans' own score
                    if score < score_cutoff:
                        continue
                    out[i] = _passage(left, lf, ll, right, rf, rl, score, a.method, a.left_quotation, a.right_quotation)
                    del out[j]
                    merged = True
                    break
            if merged:
                break
    return sorted(out, key=lambda p: (p.left_start, p.right_start))


def locate_all(needle: str, haystack: str, *, score_cutoff: float = 80.0, limit: int = 5) -> list[tuple[float, int, int]]:
    """Every window of ``haystack`` that ``needle`` matches, best first: (score, start, end).

    ``fuzz.partial_ratio_alignment`` returns only the best window; the window is masked
    (overwritten with a character no text contains, keeping offsets) and the search
    repeated until nothing reaches ``score_cutoff``.
    """
    hits: list[tuple[float, int, int]] = []
    if not needle or not haystack:
        return hits
    hay = haystack
    for _ in range(limit):
        al = fuzz.partial_ratio_alignment(needle, hay, score_cutoff=score_cutoff)
        if al is None or al.dest_end <= al.dest_start:
            break
        if len(needle) > len(hay):  # rapidfuzz aligned the haystack inside the needle
            if al.src_end <= al.src_start:
                break
            hits.append((float(al.score), 0, len(hay)))
            break
        hits.append((float(al.score), al.dest_start, al.dest_end))
        hay = hay[: al.dest_start] + "\x00" * (al.dest_end - al.dest_start) + hay[al.dest_end :]
    return hits


def refine_window(needle: str, toks: Tokens, first: int, last: int, *, reach: int = 4) -> tuple[int, int, float]:
    """Move a window's edges up to ``reach`` tokens either way to best match ``needle``.

    Coordinate ascent: the best first token for the current last, then the best last
    token for that first, twice over — ``fuzz.ratio`` against ``needle`` on normalised
    text. Returns ``(first, last, ratio)``; ties keep the edge closest to where it was,
    so the result does not depend on the search order.
    """
    n = len(toks)

    def score(f: int, l: int) -> float:
        return float(fuzz.ratio(needle, toks.token_range_text(f, l)))

    f, l = first, last
    best = score(f, l)
    for _ in range(2):
        moved = False
        for cand in sorted(range(max(0, f - reach), min(f + reach, l) + 1), key=lambda x: abs(x - f)):
            s = score(cand, l)
            if s > best:
                best, f, moved = s, cand, True
        for cand in sorted(range(max(f, l - reach), min(n - 1, l + reach) + 1), key=lambda x: abs(x - l)):
            s = score(f, cand)
            if s > best:
                best, l, moved = s, cand, True
        if not moved:
            break
    return f, l, best


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
        r_first, r_last, ratio = refine_window(needle, right, *window)
        out.append(_passage(left, first, last, right, r_first, r_last, max(ratio, score), METHOD_QUOTATION,
                            lq=quotation))
    return out
