"""Passages in other words: the same sentence retranslated or reworded, scored word by word.

Verbatim reuse is found by :mod:`synopsis.link.crossref` (the same words in the same
order). A retranslation keeps the meaning and changes the words: "Truly, truly do I say to
thee, Unless a man be born of water and of the Spirit, he cannot enter the kingdom of
heaven" / "Truly, truly, I tell you, no one can enter the kingdom of God unless he is born
of water and the Spirit." This module scores such a pair on the scale verbatim reuse tops.

Windows
    Each paragraph is cut into sentences (a clause mark ``. ! ? ; :`` ends one); a
    *window* is a run of up to ``reworded_window_sentences`` sentences. Every window of one
    paragraph is scored against every window of the other (paragraphs are short; the
    candidate stage put the pair forward).

Score (:func:`meaning_score`), METEOR's shape
    Content words are aligned one to one by their correspondences
    (:mod:`synopsis.link.correspond`: same word, stem, name, number, synonym, learned pair),
    the stronger kind first and, among equals, the word nearest the same relative place.
    Each side's *information* matched (each word's information in the pair's documents,
    :class:`synopsis.link.statistics.PairStatistics`, times its kind's weight) over the
    side's whole information gives a precision and a recall; their harmonic mean is cut by
    a fragmentation penalty ``0.5 × (chunks / matches)³`` (a chunk: matches in order on both
    sides, each within three content words of the one before: METEOR counts only adjacent
    ones, which a retranslation, changing the words between, never keeps). 100 is the same words in the same order; a retranslation lands
    in the middle; two unrelated sentences sharing a name near 0.

Floor (:func:`synopsis.link.accept.reworded_floor`)
    Calibrated per run on a *null model*: window pairs of the run's own documents that are
    not candidates of each other, the right window chosen among random draws to have the
    length and information of a real candidate's (:func:`null_pairs`). The floor is the
    null scores' high quantile, never below ``reworded_least_score``, and is recorded in
    the run's parameters.

Everything here is pure: tokens, classes and weights in, scored window pairs out (the
Spark runner calls :func:`score_pair` inside partitions).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from synopsis.link.accept import CrossReferenceParameters, reworded_least_score, reworded_tier
from synopsis.link.correspond import KIND_WEIGHT, KINDS, Correspondence, token_kind
from synopsis.link.normalize import Tokens

__all__ = ["METHOD_REWORDED", "Paragraph", "Window", "ScoredWindow", "sentence_windows", "align_words", "meaning_score",
           "score_pair", "best_windows"]

METHOD_REWORDED = "meaning-align"

_END_RE = re.compile(r"[.!?;:。！？；：]")
_CLAUSE_RE = re.compile(r"[,.!?;:()\[\]\u2014\u2013\u201c\u201d\u00ab\u00bb\u201e\"\u2018\u3002\uff01\uff1f\uff1b\uff1a\uff0c\u3001]")
"""What ends a clause between two words: a sentence's or a clause's punctuation, a dash, a bracket,
or a quotation mark opening or closing (a quotation set into prose is a clause of its own)."""
_RANK = {k: r for r, k in enumerate(KINDS)}
_EXACT = frozenset({"same", "name", "number"})
_CHUNK_STEP = 3
"""Two matches are one chunk when each follows the other within this many content words on both
sides: a retranslation keeps the order of its clauses and changes the words between them."""

TokenClasses = Sequence[dict[int, tuple[str, str]]]
"""Per token: class hash → (kind, source), as :meth:`synopsis.link.correspond.Correspondences.token_classes` gives."""


@dataclass(frozen=True, slots=True)
class Window:
    """Tokens ``first..last`` (inclusive) of a paragraph, a run of whole sentences."""

    first: int
    last: int


@dataclass(frozen=True, slots=True)
class ScoredWindow:
    """Two windows, their meaning score (0-100), and the word correspondences it rests on."""

    left: Window
    right: Window
    score: float
    words: float  # content words matched (a repeated word counts half again)
    information: float  # information matched (average words), the smaller side's
    correspondences: tuple[Correspondence, ...]


def sentence_windows(toks: Tokens | Paragraph, most: int) -> list[Window]:
    """Every run of 1..``most`` consecutive sentences of a paragraph with a content word."""
    sentences = toks.sentences if isinstance(toks, Paragraph) else _sentences(toks)
    out = []
    for a in range(len(sentences)):
        for b in range(a, min(len(sentences), a + most)):
            out.append(Window(sentences[a][0], sentences[b][1]))
    return out


def align_words(left: Tokens, right: Tokens, lw: Window, rw: Window, lclasses: TokenClasses,
                rclasses: TokenClasses, lweights: Sequence[float], rweights: Sequence[float],
                languages: tuple[str | None, str | None] = (None, None)) -> list[Correspondence]:
    """One-to-one correspondences of the content words of two windows, strongest kind first, then
    nearest the same relative place; returned in left order."""
    by_class: dict[int, list[int]] = {}
    for j in range(rw.first, rw.last + 1):
        for h in rclasses[j]:
            by_class.setdefault(h, []).append(j)
    if not by_class:
        return []
    lspan, rspan = max(lw.last - lw.first, 1), max(rw.last - rw.first, 1)
    options: list[tuple[int, float, int, int, str, str]] = []
    for i in range(lw.first, lw.last + 1):
        ci = lclasses[i]
        if not ci:
            continue
        seen: dict[int, tuple[str, str]] = {}
        for h, (kind, source) in ci.items():
            for j in by_class.get(h, ()):
                if kind == "key" and rclasses[j][h][0] == "key":
                    k2 = token_kind(left, i, right, j, languages)
                    s2 = "key"
                else:
                    k2 = kind if kind != "key" else rclasses[j][h][0]
                    s2 = source if source != "key" else rclasses[j][h][1]
                old = seen.get(j)
                if old is None or _RANK[k2] < _RANK[old[0]]:
                    seen[j] = (k2, s2)
        for j, (kind, source) in seen.items():
            place = abs((i - lw.first) / lspan - (j - rw.first) / rspan)
            options.append((_RANK[kind], place, i, j, kind, source))
    options.sort()
    used_l: set[int] = set()
    used_r: set[int] = set()
    out: list[Correspondence] = []
    for _, _, i, j, kind, source in options:
        if i in used_l or j in used_r:
            continue
        used_l.add(i)
        used_r.add(j)
        out.append(Correspondence(i, j, kind, source, round(KIND_WEIGHT[kind] * min(lweights[i], rweights[j]), 3)))
    out.sort(key=lambda c: c.left)
    return out


def meaning_score(matches: Sequence[Correspondence], left: Tokens, right: Tokens, lw: Window, rw: Window,
                  lweights: Sequence[float], rweights: Sequence[float]) -> tuple[float, float]:
    """``(score 0-100, information matched on the poorer side)`` of an alignment (see the module doc)."""
    if not matches:
        return 0.0, 0.0
    ltotal = sum(lweights[k] for k in range(lw.first, lw.last + 1) if left.content[k])
    rtotal = sum(rweights[k] for k in range(rw.first, rw.last + 1) if right.content[k])
    lgot = sum(KIND_WEIGHT[c.kind] * lweights[c.left] for c in matches)
    rgot = sum(KIND_WEIGHT[c.kind] * rweights[c.right] for c in matches)
    if ltotal <= 0 or rtotal <= 0 or lgot <= 0 or rgot <= 0:
        return 0.0, 0.0
    precision, recall = lgot / ltotal, rgot / rtotal
    f = 2 * precision * recall / (precision + recall)
    # chunks: runs of matches adjacent in content order on both sides
    lpos = _content_rank(left, lw)
    rpos = _content_rank(right, rw)
    chunks = 1
    for a, b in zip(matches, matches[1:]):
        dl, dr = lpos[b.left] - lpos[a.left], rpos[b.right] - rpos[a.right]
        if not (0 < dl <= _CHUNK_STEP and 0 < dr <= _CHUNK_STEP):
            chunks += 1
    penalty = 0.5 * (chunks / len(matches)) ** 3
    return round(100.0 * f * (1.0 - penalty), 2), min(lgot, rgot)


def _content_rank(toks: Tokens, w: Window) -> dict[int, int]:
    out, n = {}, 0
    for k in range(w.first, w.last + 1):
        if toks.content[k]:
            out[k] = n
            n += 1
    return out


def score_pair(left: Tokens, right: Tokens, lw: Window, rw: Window, lclasses: TokenClasses, rclasses: TokenClasses,
               lweights: Sequence[float], rweights: Sequence[float],
               languages: tuple[str | None, str | None] = (None, None), trim_words: int | None = None) -> ScoredWindow:
    """Two windows aligned and scored: pure, inputs to one row's worth of evidence (``languages``: the
    two documents', which tell a stem from a synonym).

    With ``trim_words``, a passage set into prose is scored too: one window less its whole
    clauses before the first corresponding word and after the last (:func:`_trimmed`), the
    other whole, when the trimmed window keeps ``trim_words`` content words (a shorter clause
    is a phrase, and one whose every word corresponds word for word a verbatim fragment: the
    verbatim rules judge both); the better score is kept, with its windows.
    """
    matches = align_words(left, right, lw, rw, lclasses, rclasses, lweights, rweights, languages)
    score, info = meaning_score(matches, left, right, lw, rw, lweights, rweights)
    if matches and trim_words is not None:
        lt = _trimmed(left, lw, min(c.left for c in matches), max(c.left for c in matches))
        rt = _trimmed(right, rw, min(c.right for c in matches), max(c.right for c in matches))
        best = (score, info, lw, rw)
        exact = {c.left for c in matches if c.kind in _EXACT}, {c.right for c in matches if c.kind in _EXACT}
        for a, b, toks, w, same in ((lt, rw, left, lt, exact[0]), (lw, rt, right, rt, exact[1])):
            words = [k for k in range(w.first, w.last + 1) if toks.content[k]]
            if w in (lw, rw) or len(words) < trim_words or same.issuperset(words):
                continue  # a clause every word of which is matched word for word is a verbatim fragment
            got = meaning_score(matches, left, right, a, b, lweights, rweights)
            if got[0] > best[0]:
                best = (*got, a, b)
        score, info, lw, rw = best
    words = _evidence_words(left, matches)
    if words < len(matches):  # a repeated word is weaker evidence: its information counts half again too
        info *= words / len(matches)
    return ScoredWindow(lw, rw, score, words, round(info, 3), tuple(matches))


def _verbatim_run(left: Tokens, right: Tokens, s: ScoredWindow) -> bool:
    """Whether a scored window pair rests on one run of the same words, each next to the one before on
    both sides: a verbatim passage, which the verbatim pass has judged already ("first let me go and
    bury my father" / "Now let me go and bury my father": a stock phrase, no quotation)."""
    matches = s.correspondences
    if not matches or any(c.kind not in _EXACT for c in matches):
        return False
    lpos, rpos = _content_rank(left, s.left), _content_rank(right, s.right)
    return all(lpos[b.left] - lpos[a.left] == 1 and rpos[b.right] - rpos[a.right] == 1 for a, b in zip(matches, matches[1:]))


def _trimmed(toks: Tokens, w: Window, lo: int, hi: int) -> Window:
    """``w`` less its whole clauses before token ``lo`` and after token ``hi`` (:data:`_CLAUSE_RE`)."""
    text, starts, ends = toks.text, toks.starts, toks.ends
    first, last = w.first, w.last
    for k in range(lo - 1, w.first - 1, -1):
        if _CLAUSE_RE.search(text, ends[k], starts[k + 1]):
            first = k + 1
            break
    for k in range(hi, w.last):
        if _CLAUSE_RE.search(text, ends[k], starts[k + 1]):
            last = k
            break
    return Window(first, last)


def _evidence_words(left: Tokens, matches: Sequence[Correspondence]) -> float:
    """Matched words as evidence: a word the passage repeats counts half each time again (as
    :func:`synopsis.link.crossref._evidence` counts a verbatim passage's words)."""
    seen: set[int] = set()
    words = 0.0
    for c in matches:
        key = left.keys[c.left]
        words += 0.5 if key in seen else 1.0
        seen.add(key)
    return words


def _sentences(toks: Tokens) -> list[tuple[int, int]]:
    """Token ranges (first, last) of the sentences of ``toks`` that hold a content word."""
    ends = [m.start() for m in _END_RE.finditer(toks.text)]
    sentences: list[tuple[int, int]] = []
    first, e, n = 0, 0, len(toks)
    starts, content = toks.starts, toks.content
    for k in range(n):
        nxt = starts[k + 1] if k + 1 < n else len(toks.text)
        while e < len(ends) and ends[e] < toks.ends[k]:
            e += 1
        if k + 1 == n or (e < len(ends) and ends[e] < nxt):
            if any(content[first : k + 1]):
                sentences.append((first, k))
            first = k + 1
    return sentences


@dataclass(frozen=True)
class Paragraph:
    """What the reworded scoring reads of one paragraph, computed once: tokens, each token's classes
    (:meth:`synopsis.link.correspond.Correspondences.token_classes`), its sentences, and where each
    class stands."""

    tokens: Tokens
    classes: TokenClasses
    sentences: list[tuple[int, int]]
    where: dict[int, list[int]]

    @classmethod
    def of(cls, tokens: Tokens, classes: TokenClasses) -> "Paragraph":
        where: dict[int, list[int]] = {}
        for j, cj in enumerate(classes):
            for h in cj:
                where.setdefault(h, []).append(j)
        return cls(tokens, classes, _sentences(tokens), where)


def best_windows(lp: Paragraph, rp: Paragraph, lweights: Sequence[float], rweights: Sequence[float],
                 params: CrossReferenceParameters, floor: dict[str, float],
                 taken: Sequence[tuple[int, int, int, int]] = (),
                 languages: tuple[str | None, str | None] = (None, None)) -> list[ScoredWindow]:
    """The window pairs of two paragraphs that pass the reworded accept rule, best first and disjoint.

    A pair passes when its evidence reaches a tier (:func:`synopsis.link.accept.reworded_tier`)
    and its score that tier's ``floor`` (:func:`synopsis.link.accept.reworded_floor`).
    ``taken`` are token ranges ``(left first, left last, right first, right last)`` already
    linked verbatim: a window overlapping one on either side is not scored (those words have
    their link), and a pair with too few words left outside them is not looked at. Which words
    could correspond is found once for the whole pair; a window pair whose possible
    correspondences could not reach the rule (too few words, too little information, or a
    score bound below the floor) is never aligned.
    """
    left, right, lclasses, rclasses = lp.tokens, rp.tokens, lp.classes, rp.classes
    least_words, least_info = params.reworded_least_words, params.reworded_least_information - 1e-9
    if taken:  # the words left outside the verbatim passages must be able to make a reworded one
        free_l = sum(1 for k, c in enumerate(left.content) if c and not any(tf <= k <= tl for tf, tl, _, _ in taken))
        free_r = sum(1 for k, c in enumerate(right.content) if c and not any(rf <= k <= rl for _, _, rf, rl in taken))
        if free_l < least_words or free_r < least_words:
            return []
    shared = lp.where.keys() & rp.where.keys()
    if len(shared) < least_words and sum(len(lp.where[h]) for h in shared) < least_words:
        return []
    hits: dict[int, set[int]] = {}
    for h in shared:
        js = rp.where[h]
        for i in lp.where[h]:
            got = hits.get(i)
            if got is None:
                hits[i] = set(js)
            else:
                got.update(js)
    if len(hits) < least_words:
        return []
    ls, rs = lp.sentences, rp.sentences
    lowest = min(floor.values())
    linfo = [sum(lweights[k] for k in range(f, l + 1) if left.content[k]) for f, l in ls]
    rinfo = [sum(rweights[k] for k in range(f, l + 1) if right.content[k]) for f, l in rs]
    lsent = {k: a for a, (f, l) in enumerate(ls) for k in range(f, l + 1)}
    rsent = {k: b for b, (f, l) in enumerate(rs) for k in range(f, l + 1)}
    cell_l: dict[tuple[int, int], set[int]] = {}
    cell_r: dict[tuple[int, int], set[int]] = {}
    for i, js in hits.items():
        a = lsent.get(i)
        if a is None:
            continue
        for j in js:
            b = rsent.get(j)
            if b is not None:
                cell_l.setdefault((a, b), set()).add(i)
                cell_r.setdefault((a, b), set()).add(j)
    if not cell_l:
        return []
    most = params.reworded_window_sentences
    found: list[ScoredWindow] = []
    # a window holding a sentence with no possible correspondence in the other window is never
    # better than the window without it (the same evidence over more words): not scored
    partners_l: dict[int, set[int]] = {}
    partners_r: dict[int, set[int]] = {}
    for a, b in cell_l:
        partners_l.setdefault(a, set()).add(b)
        partners_r.setdefault(b, set()).add(a)
    for a1 in sorted(partners_l):
        for a2 in range(a1, min(len(ls), a1 + most)):
            if a2 not in partners_l:
                break
            near = set().union(*(partners_l[a] for a in range(a1, a2 + 1)))
            for b1 in sorted(near):
                for b2 in range(b1, min(len(rs), b1 + most)):
                    if b2 not in partners_r:
                        break
                    if any(partners_l[a].isdisjoint(range(b1, b2 + 1)) for a in range(a1, a2 + 1)) or any(
                            partners_r[b].isdisjoint(range(a1, a2 + 1)) for b in range(b1, b2 + 1)):
                        continue
                    lset: set[int] = set()
                    rset: set[int] = set()
                    for a in range(a1, a2 + 1):
                        for b in range(b1, b2 + 1):
                            got = cell_l.get((a, b))
                            if got:
                                lset |= got
                                rset |= cell_r[(a, b)]
                    if len(lset) < least_words or len(rset) < least_words:
                        continue
                    lgot, rgot = sum(lweights[i] for i in lset), sum(rweights[j] for j in rset)
                    if min(lgot, rgot) < least_info:
                        continue
                    # the score's bound before any alignment: one side may be trimmed to precision 1, the
                    # other stays whole; and the least score falls with the information matched
                    pr = min(lgot / max(sum(linfo[a1:a2 + 1]), 1e-9), 1.0)
                    rc = min(rgot / max(sum(rinfo[b1:b2 + 1]), 1e-9), 1.0)
                    if 100.0 * max(2 * pr / (1 + pr), 2 * rc / (1 + rc)) < max(
                            lowest, reworded_least_score(min(lgot, rgot), params)):
                        continue
                    lw, rw = Window(ls[a1][0], ls[a2][1]), Window(rs[b1][0], rs[b2][1])
                    if any(lw.first <= tl and tf <= lw.last or rw.first <= rl and rf <= rw.last for tf, tl, rf, rl in taken):
                        continue
                    s = score_pair(left, right, lw, rw, lclasses, rclasses, lweights, rweights, languages,
                                   params.min_words)
                    tier = reworded_tier(s.words, s.information, params)
                    if tier is not None and s.score >= max(floor[tier], reworded_least_score(s.information, params)) \
                            and not _verbatim_run(left, right, s):
                        found.append(s)
    kept: list[ScoredWindow] = []
    for s in sorted(found, key=lambda s: (-s.score, s.left.first, s.right.first)):
        if not any(s.left.first <= k.left.last and k.left.first <= s.left.last or
                   s.right.first <= k.right.last and k.right.first <= s.right.last for k in kept):
            kept.append(s)
    return sorted(kept, key=lambda s: (s.left.first, s.right.first))
