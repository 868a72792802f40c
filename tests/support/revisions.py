"""A seeded generator of revised editions with planted word edits, and their truth.

:func:`make_revision` takes the paragraphs of a text and returns a revision of it, as an
editor revises a text: words substituted, inserted and deleted (substantive edits), and
words respelled — British spellings made American, hyphens dropped from compounds, a
capital made small or a small letter capital (trivial edits) — with paragraphs merged and
split now and then. Every edit is recorded with its character spans in the original
paragraph and in the revised one, so a collation can be scored edit by edit
(:func:`score_variants`).

The spelling changes are written here, independently of the rules in
:mod:`synopsis.link.variants`, from the usual British/American pairs; they include
pairs the rules may miss, so the score measures the rules rather than repeats them.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from tests.support.editions import FILLER_SENTENCES, _split_point

__all__ = ["Planted", "Revision", "make_revision", "respell_word", "score_variants", "VariantScore"]

# British → American, each with words it must not touch
_RESPELL: list[tuple[re.Pattern, str, frozenset]] = [
    (re.compile(r"^(\w{2,})is(e|es|ed|ing|ation|ations)$"), r"\1iz\2", frozenset(
        "raise raised raises raising arise arises arising arisen exercise exercised exercising appraise appraised "
        "praise praised premise promise promised surprise surprised compromise enterprise wise otherwise advise "
        "advised revise revised devise devised supervise televise disguise despise comprise noise precise "
        "concise franchise merchandise expertise paradise chastise".split())),
    (re.compile(r"^(\w{2,})our(s|ed|ing|er|ers|able|ably|ful|ite|hood)?$"), r"\1or\2", frozenset(
        "detour contour devour flour".split())),
    (re.compile(r"^(def|off|pret|lic)ence(s)?$"), r"\1ense\2", frozenset()),
    (re.compile(r"^(cent|theat|met|lit|fib|calib|somb|lust|spect|mean)re(s|d)?$"), r"\1er\2", frozenset()),
    (re.compile(r"^(\w+[aeiou])ll(ed|ing|er|ers)$"), r"\1l\2", frozenset(
        "called calling filled filling killed killing spelled rolled pulled polled tolled fulfilled fulfilling "
        "instilled installed installing controlled controlling compelled compelling dispelled expelled "
        "befalling recalled recalling stalled stalling appalled appalling".split())),
    (re.compile(r"^(\w+)ogue(s)?$"), r"\1og\2", frozenset()),
    (re.compile(r"^judgement(s)?$"), r"judgment\1", frozenset()),
    (re.compile(r"^programme(s)?$"), r"program\1", frozenset()),
]
_WORD_CORE = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
_VOCABULARY = sorted({w.lower() for s in FILLER_SENTENCES for w in re.findall(r"[A-Za-z]{5,}", s)})
"""Words substituted and inserted: everyday words from unrelated sentences (harvest, railway ...)."""


def respell_word(word: str) -> str | None:
    """The American spelling of a British one (keeping its capital), or None when it has none."""
    lower = word.lower()
    for pattern, repl, keep in _RESPELL:
        if lower in keep:
            continue
        if pattern.match(lower):
            new = pattern.sub(repl, lower)
            return new[0].upper() + new[1:] if word[0].isupper() else new
    return None


def _trivial_change(word: str, rng: random.Random) -> tuple[str, str] | None:
    """A spelling-only change of ``word``: (new word, what kind) or None."""
    american = respell_word(word)
    if american is not None:
        return american, "spelling"
    if "-" in word and word.replace("-", "").isalpha():
        return word.replace("-", ""), "hyphen"
    if word.isalpha() and len(word) > 3 and rng.random() < 0.5:
        return (word[0].lower() if word[0].isupper() else word[0].upper()) + word[1:], "case"
    return None


@dataclass(frozen=True)
class Planted:
    """One planted edit: ``kind`` substitution, insertion, deletion or spelling (trivial).

    ``left_*`` are offsets in original paragraph ``left_paragraph``, ``right_*`` in revised
    paragraph ``right_paragraph``; the side an insertion or deletion has no words on has an
    empty span where they would stand.
    """

    kind: str
    left_paragraph: int
    left_start: int
    left_end: int
    right_paragraph: int
    right_start: int
    right_end: int
    detail: str = ""  # spelling: spelling, hyphen or case

    @property
    def trivial(self) -> bool:
        return self.kind == "spelling"


@dataclass
class Revision:
    """The revised paragraphs, the beads that align them with the original, and the planted edits."""

    paragraphs: list[str]
    beads: list[tuple[tuple[int, ...], tuple[int, ...]]]
    planted: list[Planted] = field(default_factory=list)


def _edit_paragraph(
    text: str, rng: random.Random, rates: dict[str, float], min_gap: int,
) -> tuple[str, list[tuple[str, int, int, int, int, str]]]:
    """One paragraph with words edited: the new text and its edits (kind, left span, right span, detail)."""
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    out: list[str] = []
    edits: list[tuple[str, int, int, int, int, str]] = []
    length = 0  # characters written so far
    last_edit = -min_gap - 1
    position = 0

    def emit(piece: str) -> None:
        nonlocal length
        out.append(piece)
        length += len(piece)

    k = 0
    while k < len(tokens):
        start, end = tokens[k]
        emit(text[position:start])  # the space before the token
        position = start
        core = _WORD_CORE.search(text, start, end)
        action = None
        if core and k - last_edit > min_gap and 0 < k < len(tokens) - 1:
            r = rng.random()
            for name in ("substitution", "insertion", "deletion", "spelling"):
                if r < rates[name]:
                    action = name
                    break
                r -= rates[name]
        cs, ce = (core.start(), core.end()) if core else (start, end)
        if action == "spelling":
            change = _trivial_change(text[cs:ce], rng)
            if change is None:
                action = None
            else:
                emit(text[start:cs])
                edits.append(("spelling", cs, ce, length, length + len(change[0]), change[1]))
                emit(change[0])
                emit(text[ce:end])
        if action == "substitution":
            new = rng.choice([w for w in _VOCABULARY if w != text[cs:ce].lower()])
            emit(text[start:cs])
            edits.append(("substitution", cs, ce, length, length + len(new), ""))
            emit(new)
            emit(text[ce:end])
        elif action == "deletion":
            # the word and the space before it go; the edition reads on from the next word
            out.pop()
            length -= len(text[tokens[k - 1][1]:start])
            edits.append(("deletion", start, end, length, length, ""))
            position = end
            last_edit = k
            k += 1
            continue
        elif action == "insertion":
            emit(text[start:end])
            words = " ".join(rng.sample(_VOCABULARY, rng.randint(1, 2)))
            emit(" ")
            edits.append(("insertion", end, end, length, length + len(words), ""))
            emit(words)
        elif action is None:
            emit(text[start:end])
        if action is not None:
            last_edit = k
        position = end
        k += 1
    emit(text[position:])
    return "".join(out), edits


def make_revision(
    paragraphs: Sequence[str],
    *,
    seed: int = 0,
    substitution_rate: float = 0.01,
    insertion_rate: float = 0.008,
    deletion_rate: float = 0.008,
    spelling_rate: float = 0.03,
    merge_rate: float = 0.04,
    split_rate: float = 0.04,
    min_gap: int = 2,
) -> Revision:
    """A revision of ``paragraphs`` with planted word edits (rates per word) and its truth.

    ``min_gap`` is the fewest untouched words between two edits, so that two planted edits
    are two variants. Paragraphs are merged and split at sentence ends at the given
    rates; an edit keeps its place in whichever revised paragraph its words went to.
    """
    rng = random.Random(seed)
    rates = {"substitution": substitution_rate, "insertion": insertion_rate, "deletion": deletion_rate,
             "spelling": spelling_rate}
    edited = [_edit_paragraph(p, rng, rates, min_gap) for p in paragraphs]
    out: list[str] = []
    beads: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    planted: list[Planted] = []

    def place(i: int, edits, j: int, shift: int, lo: int = 0, hi: int | None = None) -> None:
        for kind, ls, le, rs, re_, detail in edits:
            if rs >= lo and (hi is None or re_ <= hi):
                planted.append(Planted(kind, i, ls, le, j, rs - lo + shift, re_ - lo + shift, detail))

    i = 0
    while i < len(paragraphs):
        text, edits = edited[i]
        r = rng.random()
        if r < merge_rate and i + 1 < len(paragraphs):
            text2, edits2 = edited[i + 1]
            j = len(out)
            out.append(text + " " + text2)
            place(i, edits, j, 0)
            place(i + 1, edits2, j, len(text) + 1)
            beads.append(((i, i + 1), (j,)))
            i += 2
            continue
        cut = _split_point(text) if r < merge_rate + split_rate else None
        if cut is not None:
            head, tail = text[:cut].rstrip(), text[cut:].lstrip()
            tail_at = len(text) - len(tail)
            j = len(out)
            out += [head, tail]
            place(i, edits, j, 0, 0, len(head))
            place(i, edits, j + 1, 0, tail_at)
            beads.append(((i,), (j, j + 1)))
        else:
            j = len(out)
            out.append(text)
            place(i, edits, j, 0)
            beads.append(((i,), (j,)))
        i += 1
    return Revision(out, beads, planted)


@dataclass
class VariantScore:
    """How a collation did on a revision's planted edits."""

    substantive: int = 0  # planted substantive edits
    found: int = 0  # ... found with the right kind on the right paragraph pair
    spelling: int = 0  # planted spelling changes
    flagged_trivial: int = 0  # ... found as trivial variants
    unplanted: int = 0  # non-trivial variants that match no planted edit
    missed: list[Planted] = field(default_factory=list)
    unflagged: list[Planted] = field(default_factory=list)
    extra: list[tuple] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.substantive if self.substantive else 0.0

    @property
    def trivial_share(self) -> float:
        return self.flagged_trivial / self.spelling if self.spelling else 0.0


def _overlaps(s1: int, e1: int, s2: int, e2: int) -> bool:
    """Spans overlap, or an empty span lies inside (or at an edge of) the other."""
    if s1 == e1 or s2 == e2:
        return s2 <= s1 <= e2 or s1 <= s2 <= e1
    return s1 < e2 and s2 < e1


def score_variants(
    planted: Iterable[Planted],
    found: Iterable[tuple[int, int, str, int, int, int, int, int]],
) -> VariantScore:
    """Score variants ``(left paragraph, right paragraph, kind, left_start, left_end, right_start,
    right_end, trivial)`` (paragraph indices, not ids) against the planted edits.

    A substantive edit is found when a variant of its kind lies on its paragraph pair with
    spans overlapping the edit's on the side(s) it has words on; a spelling change when a
    trivial variant overlaps it on both sides. A non-trivial variant overlapping no planted
    edit on either side is *unplanted*.
    """
    planted = list(planted)
    found = list(found)
    score = VariantScore()
    by_pair: dict[tuple[int, int], list[tuple]] = {}
    for v in found:
        by_pair.setdefault((v[0], v[1]), []).append(v)

    def hits(p: Planted, v: tuple) -> bool:
        left = _overlaps(p.left_start, p.left_end, v[3], v[4])
        right = _overlaps(p.right_start, p.right_end, v[5], v[6])
        if p.kind == "insertion":
            return right
        if p.kind == "deletion":
            return left
        return left and right

    for p in planted:
        candidates = by_pair.get((p.left_paragraph, p.right_paragraph), [])
        if p.trivial:
            score.spelling += 1
            if any(v[7] and hits(p, v) for v in candidates):
                score.flagged_trivial += 1
            else:
                score.unflagged.append(p)
        else:
            score.substantive += 1
            if any(v[2] == p.kind and hits(p, v) for v in candidates):
                score.found += 1
            else:
                score.missed.append(p)
    planted_by_pair: dict[tuple[int, int], list[Planted]] = {}
    for p in planted:
        planted_by_pair.setdefault((p.left_paragraph, p.right_paragraph), []).append(p)
    for v in found:
        if v[7]:
            continue
        near = planted_by_pair.get((v[0], v[1]), [])
        if not any(_overlaps(p.left_start, p.left_end, v[3], v[4]) or _overlaps(p.right_start, p.right_end, v[5], v[6])
                   for p in near):
            score.unplanted += 1
            score.extra.append(v)
    return score


RESOLUTION_EDITS: list[tuple[str, str, str, str]] = [
    # (kind, the resolution's words in context, the revision's words, the variant's readings "left → right")
    ("substitution", "the question of the cult of the individual", "the question of the cult of personality",
     "the individual → personality"),
    ("spelling", "international communist and labour movement", "international communist and labor movement",
     "labour → labor"),
    ("spelling", "The Congress recognised that", "The Congress recognized that", "recognised → recognized"),
    ("deletion", "for dividing the international labour movement", "for dividing the labour movement",
     "international → "),
    ("insertion", "Historical experience indicates", "Historical experience clearly indicates", " → clearly"),
    ("transposition", "have in the past attempted more than once", "have attempted in the past more than once",
     "in the past attempted → attempted in the past"),
]
"""A revision of the resolution's source for tests and screenshots: each edit once, with the
variant it must give (readings as found in each text)."""


def revise_resolution(source: str) -> str:
    """The resolution's source text with :data:`RESOLUTION_EDITS` made (each at its first place)."""
    for _, old, new, _ in RESOLUTION_EDITS:
        if old not in source:
            raise ValueError(f"the resolution no longer says {old!r}")
        source = source.replace(old, new, 1)
    return source
