"""Cross-references judged by hand, kept in a data file and found again in any later build.

A benchmark that prints a sample of links "for checking by hand" forgets the check the
moment the linking code changes or the documents are split differently: the same link
gets another row id, another paragraph, perhaps a span one word longer. So a judgement is
keyed by what a reader judged, not by where the link happened to land:

* the verses the two *spans* cover (``"Romans 1:17"``, ``"Psalms 95:10–95:11"``), which do
  not depend on how the documents were cut into paragraphs, and
* the two span texts, normalised (case-folded letters and digits, single spaces), so
  punctuation or quotation marks that a cleaning step changes do not matter.

A link whose key is not in the file may still be the judged link with a span moved by a
word or two: :meth:`Judgements.verdict` accepts a *near* match (the same books, overlapping
verses on both sides, both texts at least ``score_cutoff`` alike) and says so, so a report
can count near matches apart from exact ones.

The data file is JSON: ``{"judgements": [{"source": ..., "target": ..., "source_text": ...,
"target_text": ..., "genuine": true|false, "reason": ...}, ...]}``; an entry whose
``genuine`` is ``null`` is not yet judged and is ignored.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from rapidfuzz import fuzz

from tests.support.realtexts import Verse, letters_of

__all__ = [
    "Judgement", "Judgements", "normalise", "verse_range", "verses_of_span", "parse_range", "wilson_interval",
]

_NOT_WORD = re.compile(r"[^\w]+|_+")


def normalise(text: str) -> str:
    """Case-folded letters and digits separated by single spaces: what a judgement keys on."""
    return " ".join(_NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split())


def _chapter_verse(verse_id: str) -> tuple[int, int]:
    chapter, verse = verse_id.rsplit(" ", 1)[1].split(":")
    return int(chapter), int(verse)


def verse_range(ids: Iterable[str]) -> str:
    """``Book c:v`` or ``Book c:v–c:v`` of verses of one book, in reading order (``?`` if none)."""
    ordered = sorted(set(ids), key=_chapter_verse)
    if not ordered:
        return "?"
    return ordered[0] if len(ordered) == 1 else f"{ordered[0]}–{ordered[-1].rsplit(' ', 1)[1]}"


def parse_range(text: str) -> tuple[str, tuple[int, int], tuple[int, int]]:
    """``(book, first (chapter, verse), last (chapter, verse))`` of a :func:`verse_range` string.

    The last may be written ``c:v`` or, within one chapter, ``v`` (``Isaiah 6:9-10``); an
    ASCII hyphen is accepted for the dash.
    """
    book, _, rest = text.strip().rpartition(" ")
    first, _, last = rest.replace("-", "–").partition("–")
    c1, v1 = (int(x) for x in first.split(":"))
    if not last:
        return book, (c1, v1), (c1, v1)
    if ":" in last:
        c2, v2 = (int(x) for x in last.split(":"))
    else:
        c2, v2 = c1, int(last)
    return book, (c1, v1), (c2, v2)


def _overlap(a: str, b: str) -> bool:
    if a == "?" or b == "?":
        return False
    book_a, lo_a, hi_a = parse_range(a)
    book_b, lo_b, hi_b = parse_range(b)
    return book_a == book_b and lo_a <= hi_b and lo_b <= hi_a


def verses_of_span(span: str, verses: Sequence[Verse]) -> list[str]:
    """The ids of the verses (of ``verses``, a paragraph's in reading order) that ``span`` covers.

    Matched letter by letter, as :func:`tests.support.realtexts.verses_of_paragraphs`
    matches paragraphs, so cleaning (quotation marks, spaces) does not matter. Empty when
    the span's letters do not stand in those verses.
    """
    labels: list[str] = []
    stream: list[str] = []
    for v in verses:
        letters = letters_of(v.text)
        stream.append(letters)
        labels.extend([v.id] * len(letters))
    needle = letters_of(span)
    at = "".join(stream).find(needle) if needle else -1
    if at < 0:
        return []
    return list(dict.fromkeys(labels[at : at + len(needle)]))


@dataclass(frozen=True)
class Judgement:
    """One judged link: its spans' verses and texts, and whether it is a genuine reuse."""

    source: str
    target: str
    source_text: str
    target_text: str
    genuine: bool
    reason: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return self.source, self.target, normalise(self.source_text), normalise(self.target_text)


class Judgements:
    """The judgements of one data file, looked up by a link's span verses and texts."""

    def __init__(self, judgements: Iterable[Judgement]):
        self.all = list(judgements)
        self._by_key = {j.key: j for j in self.all}

    @classmethod
    def load(cls, path: Path) -> "Judgements":
        """Read the data file (module doc); a missing file holds no judgement."""
        if not path.exists():
            return cls([])
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            Judgement(e["source"], e["target"], e["source_text"], e["target_text"], bool(e["genuine"]), e.get("reason", ""))
            for e in data["judgements"] if e.get("genuine") is not None
        )

    def verdict(
        self, source: str, target: str, source_text: str, target_text: str, *, score_cutoff: float = 90.0,
    ) -> tuple[Judgement | None, bool]:
        """``(judgement, exact)`` for a link, or ``(None, False)`` when nobody judged it.

        Exact: the same span verses and normalised texts. Otherwise the best near match:
        overlapping verses in the same books on both sides and both normalised texts at
        least ``score_cutoff`` alike (rapidfuzz ``ratio``).
        """
        key = (source, target, normalise(source_text), normalise(target_text))
        if key in self._by_key:
            return self._by_key[key], True
        best, best_score = None, -1.0
        for j in self.all:
            if not (_overlap(j.source, source) and _overlap(j.target, target)):
                continue
            score = min(fuzz.ratio(j.key[2], key[2]), fuzz.ratio(j.key[3], key[3]))
            if score >= score_cutoff and score > best_score:
                best, best_score = j, score
        return best, False


def wilson_interval(successes: int, n: int, *, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95% for ``z`` 1.96); ``(0, 1)`` when ``n`` is 0.

    Wilson's interval rather than the normal one because precision sits near 1, where the
    normal interval runs past 1 and is too narrow for samples of a few dozen.
    """
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)
