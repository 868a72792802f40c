"""Bilingual word correspondences for cross-references across languages (kind ``learned``).

The cross-reference stage matches words by their correspondence classes
(:mod:`synopsis.link.correspond`): two words of any languages that share a class label
correspond. This module gives the bilingual ones, as a
:class:`~synopsis.link.correspond.CorrespondenceSource`:

* pairs learned from the corpus's own aligned translations (``lexicon`` rows, ``source =
  'learned'``: this link run's, which the editions step learned before the cross-reference
  steps run, and those of runs kept from earlier builds);
* bilingual dictionaries shipped as package data (:mod:`synopsis.lexicon.dictionaries`),
  for a language pair the corpus holds no translation of.

Names, numbers and the corpus lexicon's terms need no source here: they are one token in
every language already (the corpus lexicon, the digits). A pair of words is one class label
both words carry (``en:hope>fr:esper``), each word as its language's norm (the link stage's
stem), so inflections meet. A language pair no source covers has no bilingual classes: its
documents are linked only by what they share (names, numbers), never by a guess.
"""
from __future__ import annotations

from collections.abc import Iterable

from synopsis.languages import primary_subtag
from synopsis.link.normalize import tokenize

__all__ = ["BilingualSource", "language_pairs", "learned_source", "LEARNED_PAIRS_SQL"]

LEARNED_PAIRS_SQL = ("SELECT left_language, left_text, right_language, right_text FROM lexicon "
                     "WHERE source IN ('learned', 'learned-one-way') AND token IS NULL")
"""The learned pairs of the runs in the database."""


def learned_source(stored: Iterable[tuple[str, str, str, str]], fresh: Iterable[tuple[str, str, str, str]]) -> "BilingualSource":
    """The pairs learned from the corpus's aligned translations: ``stored`` (kept runs') and
    ``fresh`` (this link run's), each (left language, left word, right language, right word)."""
    rows = sorted(set(stored) | set(fresh))
    return BilingualSource("learned-lexicon", f"{len(rows)} pairs", rows)


def _norms(text: str, language: str) -> tuple[str, ...]:
    """The content norms of a word or phrase in ``language`` (the link stage's tokens)."""
    toks = tokenize(text, language=language)
    return tuple(n for n, c in zip(toks.norms, toks.content) if c)


class BilingualSource:
    """Word pairs of two languages as correspondence classes (kind ``learned``)."""

    kind = "learned"

    def __init__(self, name: str, version: str, pairs: Iterable[tuple[str, str, str, str]]) -> None:
        """``pairs``: (left language, left word, right language, right word), words as written."""
        self.name = name
        self.version = version
        self._classes: dict[tuple[str, str], set[str]] = {}
        self.pairs: set[tuple[str, str]] = set()
        for ll, lw, rl, rw in pairs:
            ll, rl = primary_subtag(ll), primary_subtag(rl)
            if not ll or not rl or ll == rl:
                continue
            left, right = _norms(lw, ll), _norms(rw, rl)
            if len(left) != 1 or len(right) != 1:  # a word for a word: phrases are the corpus lexicon's
                continue
            a, b = (ll, left[0]), (rl, right[0])
            if a > b:
                a, b = b, a
            label = f"{a[0]}:{a[1]}>{b[0]}:{b[1]}"
            self._classes.setdefault(a, set()).add(label)
            self._classes.setdefault(b, set()).add(label)
            self.pairs.add(tuple(sorted((a[0], b[0]))))  # type: ignore[arg-type]
        self._frozen = {k: tuple(sorted(v)) for k, v in self._classes.items()}
        self._codes: dict[str | None, str] = {}  # language tag → primary subtag (asked once a word)

    def classes(self, norm: str, language: str | None) -> Iterable[str]:
        code = self._codes.get(language)
        if code is None:
            code = self._codes[language] = primary_subtag(language)
        return self._frozen.get((code, norm), ())

    def words(self, language: str | None) -> Iterable[str]:
        """Every word (norm) of ``language`` this source knows (for the candidate index)."""
        code = primary_subtag(language)
        return [n for (lang, n) in self._frozen if lang == code]

    def covers(self, a: str | None, b: str | None) -> bool:
        """Whether the source holds pairs of languages ``a`` and ``b``."""
        return tuple(sorted((primary_subtag(a) or "", primary_subtag(b) or ""))) in self.pairs


def language_pairs(sources: Iterable[object]) -> set[tuple[str, str]]:
    """The language pairs (sorted codes) the bilingual sources cover."""
    out: set[tuple[str, str]] = set()
    for source in sources:
        out |= getattr(source, "pairs", set())
    return out

