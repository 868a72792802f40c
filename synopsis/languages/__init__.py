"""Language profiles: everything language-specific, keyed by a document's ``language``.

As spaCy keeps ``spacy/lang/it/`` beside ``spacy/lang/fr/``, each language here is one data
file, ``data/<code>.json`` (package data, read with :mod:`importlib.resources`), and
:func:`profile_for` loads it once per process. A profile holds what the pipeline needs to
read that language:

* ``stemmer``: the Snowball stemmer's name in PyStemmer (``None``: words are not stemmed);
* ``stop_words``: a maintained stop list (Snowball's), or none. A list is a refinement: the
  link stage weights words by their document frequency in the corpus itself;
* sentence splitting: ``abbreviations`` (a word that, followed by a full stop, never ends a
  sentence: "On.", "Cfr.", "Mme."), ``before_numbers`` ("pag. 12", "Vol. 26"),
  ``multiword_abbreviations`` ("z. B.", "т. е."), ``sentence_ends``: marks that end a
  sentence with no space after them (Chinese 。！？), ``section_marks``: marks that close a
  sentence and a passage (the ○ of classical Chinese editions), and for a language whose
  texts may mark clauses but not sentences (Wenli classical Chinese writes only 、),
  ``final_particles`` (也 矣 焉 乎 ...) that end a sentence when a ``clause_marks`` mark
  follows them, and ``sentence_openers`` (遂, 於是: "thereupon") that begin one after a
  clause mark, in a paragraph that marks no sentence end of its own;
* quotation marks (``quotes``: opening/closing pairs, double and single), verbs of saying
  (``speech_verbs``), and the small words the speaker finder must not take for names;
* ``fts``: how full-text search indexes the language (``porter``: the text column's own
  Porter stemmer is the language's; ``stems``: a column of the language's Snowball stems;
  ``bigrams``: a column of character bigrams, for scripts written without spaces; ``none``);
* ``synonyms`` (translation variants of the language's own words), read by
  ``synopsis/link/normalize.py``;
* ``names`` (speakers and the spellings that refer to them, one token for the link stage)
  and ``phrases``: not in the data files — they are facts about a corpus, read from its
  corpus lexicon (``documents/lexicon.toml``, :mod:`synopsis.lexicon.corpus`) and merged
  into the profile :func:`profile_for` returns;
* ``spelling``: the spellings of one word that a language's editions differ by (British and
  American English: labour/labor, travelled/traveled, programme/program): a table of words
  (``words``, each also with the ``inflections`` listed: programmes/programs) and named
  rules (``rules``: regular-expression substitutions, applied in order). The one home of
  these rules: :meth:`Profile.respell` applies them, for the link stage's norms
  (``synopsis/link/normalize.py``) and for the collation's trivial variants
  (``synopsis/link/variants.py``, which records the rules' names in each run). A rule
  marked ``"link": false`` is the collation's only: the link stage stems after respelling
  and meets names across languages by their letters, and such a rule would break one or
  the other (-ence → -ense parts *evidence* from *evident* in the stemmer; ae → e parts
  *Israel* from French *Israël*); the table reaches the words the rule is for.

An unknown or missing language gets the language-neutral profile (``data/xx.json``: no
stemmer, no stop words, every common quotation mark, only unambiguous sentence ends),
never English's.
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources
from typing import TYPE_CHECKING, TypeVar

from synopsis.languages.tags import primary_subtag

if TYPE_CHECKING:
    from synopsis.lexicon.corpus import CorpusLexicon

__all__ = ["Profile", "SpellingRule", "profile_for", "language_profile", "primary_subtag", "per_profile", "known_languages", "NEUTRAL_CODE", "UPPER", "LOWER",
           "CJK"]

T = TypeVar("T")

NEUTRAL_CODE = "xx"
"""The language-neutral profile's code (spaCy's name for its multi-language class)."""

def _char_class(chars: list[str]) -> str:
    """A regular-expression character class body of ``chars`` (sorted), as ranges
    (``re`` has no ``\\p{Lu}``)."""
    ranges: list[list[int]] = []
    for code in map(ord, chars):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


_BMP = "".join(map(chr, range(0x10000)))
# str.isupper first (in C); the category test only for the few thousand that pass it
UPPER = _char_class([ch for ch in _BMP if ch.isupper() and unicodedata.category(ch) == "Lu"])
"""Character class body: the uppercase letters of every script (Latin, Greek, Cyrillic, ...)."""
LOWER = _char_class([ch for ch in _BMP if ch.islower() and unicodedata.category(ch) == "Ll"])
"""Character class body: the lowercase letters of every script."""
# Ideographs and kana: scripts written without spaces between words, where each character
# is a token. The ranges are hiragana/katakana, the CJK Unified Ideographs with extensions,
# and compatibility ideographs; only their letters (no unassigned code points, combining
# marks or the katakana middle dot), so a token is always a letter.
CJK = _char_class([ch for a, b in ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
                   for ch in map(chr, range(a, b + 1)) if ch.isalnum()]) + "\U00020000-\U0002ebef\U00030000-\U0003134f"
"""Character class body: the characters of scripts written without spaces, each one a token.
The one definition: sentence alignment, variants and tokenising all use it."""
del _BMP


def _words(value) -> frozenset[str]:
    """A word list given as a list or as one whitespace-separated string."""
    if isinstance(value, str):
        value = value.split()
    return frozenset(value or ())


_LEADING_LITERAL = re.compile(r"[^\W\d_]*")


def _top_level_bar(pattern: str) -> bool:
    """Whether a regular expression is an alternation at its top level (outside groups and classes)."""
    depth, k, in_class = 0, 0, False
    while k < len(pattern):
        ch = pattern[k]
        if ch == "\\":
            k += 1
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern.startswith("^", k + 1):
                k += 1
            if pattern.startswith("]", k + 1):  # a "]" first in a class is a member
                k += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
        k += 1
    return False


@dataclass(frozen=True)
class SpellingRule:
    """One named spelling rule of a language: substitutions applied in order to a folded word
    (lowercase, no accents or punctuation), mapping each spelling of a word to one form on
    both sides, so which spelling it maps to does not matter."""

    name: str
    substitutions: tuple[tuple[str, str], ...]  # (regex, replacement)
    link: bool = True  # False: the collation's only (see the module docstring)

    @functools.cached_property
    def compiled(self) -> tuple[tuple[str, re.Pattern[str], str], ...]:
        """(literal, pattern, replacement) of each substitution; ``literal`` is the text the
        pattern opens with (``our`` of ``our(?<=...)``), which a word must hold for the pattern
        to match: a test in C that spares most words the regex (a pattern written literal
        first is also the faster to search)."""
        out = []
        for pattern, replacement in self.substitutions:
            literal = _LEADING_LITERAL.match(pattern).group()
            if pattern[len(literal) : len(literal) + 1] in ("?", "*", "{") and literal:
                literal = literal[:-1]  # the last letter is optional
            if _top_level_bar(pattern):
                literal = ""  # "ab|cd" matches without "ab"
            out.append((literal, re.compile(pattern), replacement))
        return tuple(out)

    def apply(self, word: str) -> str:
        for literal, pattern, replacement in self.compiled:
            if literal in word:
                word = pattern.sub(replacement, word)
        return word


@dataclass(frozen=True)
class Profile:
    """How one language is read (see the module docstring). Hashable: used as a cache key."""

    code: str
    name: str
    stemmer: str | None = None
    fts: str = "none"
    stop_words: frozenset[str] = frozenset()
    abbreviations: frozenset[str] = frozenset()
    before_numbers: frozenset[str] = frozenset()
    multiword_abbreviations: tuple[str, ...] = ()
    sentence_ends: str = ""
    section_marks: str = ""
    final_particles: str = ""
    clause_marks: str = ""
    sentence_openers: tuple[str, ...] = ()
    double_quotes: tuple[tuple[str, str], ...] = ()
    single_quotes: tuple[tuple[str, str], ...] = ()
    speech_verbs: tuple[str, ...] = ()
    honorifics: tuple[str, ...] = ()
    pronouns: frozenset[str] = frozenset()
    prepositions: frozenset[str] = frozenset()
    determiners: frozenset[str] = frozenset()
    not_names: frozenset[str] = frozenset()
    adverb_suffixes: tuple[str, ...] = ()
    adverbs: frozenset[str] = frozenset()
    title_nouns: tuple[str, ...] = ()
    title_case: bool = False
    apostrophe: str = "none"  # possessive (Stalin's → stalin), elision (l'homme → l + homme), none
    spaced: bool = True  # False: words are not separated by spaces (each ideograph is a token)
    names: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (speaker, token, aliases)
    phrases: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (token, variants)
    synonyms: tuple[tuple[str, ...], ...] = ()  # groups; the first word is the group's form
    spelling_words: tuple[tuple[str, str], ...] = ()  # word → its one form (two words where it divides)
    spelling_inflections: tuple[str, ...] = ()  # endings a table word keeps when respelled
    spelling_rules: tuple[SpellingRule, ...] = ()  # applied in order, after the table

    @property
    def neutral(self) -> bool:
        """Whether this is the language-neutral fallback."""
        return self.code == NEUTRAL_CODE

    @functools.cached_property
    def word_pattern(self) -> re.Pattern[str]:
        """One word: an ideograph or kana alone, else a run of letters and digits.

        Inner apostrophes join a word where the language writes possessives with one
        (``Stalin's``); where an apostrophe marks an elision (``l'homme``, ``dell'URSS``)
        it separates two words, each with its own span."""
        run = f"[^\\W_{CJK}]+"
        if self.apostrophe == "possessive":
            run += f"(?:['’]{run})*"
        return re.compile(f"[{CJK}]|{run}")

    def words(self, text: str) -> list[str]:
        """The words of ``text`` in this language's word pattern."""
        return self.word_pattern.findall(text)

    @functools.cached_property
    def _spelling_table(self) -> dict[str, str]:
        return {word.lower(): form.lower() for word, form in self.spelling_words}

    def spelling_rule_names(self, *, link: bool = False) -> tuple[str, ...]:
        """The names of the spelling rules :meth:`respell` applies, in order: the table
        (``<code>-word-table``) first when the language has one. What a run records."""
        table = (f"{self.code}-word-table",) if self.spelling_words else ()
        return table + tuple(r.name for r in (self._link_rules if link else self.spelling_rules))

    @functools.cached_property
    def _link_rules(self) -> tuple[SpellingRule, ...]:
        return tuple(r for r in self.spelling_rules if r.link)

    def respell(self, word: str, *, link: bool = False) -> str:
        """``word`` (lowercase) in the one spelling this language's spelling data gives it.

        The table first (a word, or a word with one of :attr:`spelling_inflections`:
        ``ploughed`` → ``plowed``), then each rule in order. The result may be two words
        where the table divides one (``cooperation`` → ``co operation``); then no rule
        applies. ``link``: for the link stage, which stems the word next: the rules marked
        ``"link": false`` are left out (see the module docstring)."""
        table = self._spelling_table
        if table:
            found = table.get(word)
            if found is None:
                for ending in self.spelling_inflections:
                    if word.endswith(ending) and word[: -len(ending)] in table:
                        found = table[word[: -len(ending)]] + ending
                        break
            if found is not None:
                if " " in found:
                    return found
                word = found
        for rule in self._link_rules if link else self.spelling_rules:
            word = rule.apply(word)
        return word

    def speakers(self) -> dict[str, tuple[str, ...]]:
        """Canonical speaker → the spellings that refer to them."""
        return {speaker: aliases for speaker, _, aliases in self.names}


def _profile(data: dict) -> Profile:
    quotes = data.get("quotes", {})
    adverbs = data.get("adverbs", {})
    stop_words = _words(data.get("stop_words"))
    pronouns = _words(data.get("pronouns"))
    spelling = data.get("spelling", {})
    return Profile(
        code=data["code"],
        name=data["name"],
        stemmer=data.get("stemmer"),
        fts=data.get("fts", "none"),
        stop_words=stop_words,
        abbreviations=_words(data.get("abbreviations")),
        before_numbers=_words(data.get("before_numbers")),
        multiword_abbreviations=tuple(data.get("multiword_abbreviations", ())),
        sentence_ends=data.get("sentence_ends", ""),
        section_marks=data.get("section_marks", ""),
        final_particles=data.get("final_particles", ""),
        clause_marks=data.get("clause_marks", ""),
        sentence_openers=tuple(_words(data.get("sentence_openers"))),
        double_quotes=tuple(tuple(pair) for pair in quotes.get("double", ())),
        single_quotes=tuple(tuple(pair) for pair in quotes.get("single", ())),
        speech_verbs=tuple(data.get("speech_verbs", ())),
        honorifics=tuple(data.get("honorifics", ())),
        pronouns=pronouns,
        prepositions=_words(data.get("prepositions")),
        determiners=_words(data.get("determiners")),
        # a capitalised function word opens a sentence without naming anyone
        not_names=_words(data["not_names"]) | pronouns if "not_names" in data else stop_words | pronouns,
        adverb_suffixes=tuple(adverbs.get("suffixes", ())),
        adverbs=_words(adverbs.get("words")),
        title_nouns=tuple(data.get("title_nouns", ())),
        title_case=bool(data.get("title_case", False)),
        apostrophe=data.get("apostrophe", "none"),
        spaced=bool(data.get("spaced", True)),
        names=tuple(
            (speaker, entry.get("token", speaker), tuple(entry["aliases"]))
            for speaker, entry in data.get("names", {}).items()
        ),
        phrases=tuple((token, tuple(variants)) for token, variants in data.get("phrases", {}).items()),
        synonyms=tuple(tuple(line.split()) for line in data.get("synonyms", ()) if line.split()),
        spelling_words=tuple(spelling.get("words", {}).items()),
        spelling_inflections=tuple(spelling.get("inflections", ())),
        spelling_rules=tuple(
            SpellingRule(rule["name"], tuple(tuple(s) for s in rule["substitutions"]),
                         bool(rule.get("link", True)))
            for rule in spelling.get("rules", ())
        ),
    )


def per_profile(compute: Callable[..., T]) -> Callable[..., T]:
    """Memoise ``compute(profile, *args)`` by the profile object itself (and the other,
    hashable, arguments), as ``functools.cache`` would by its value, without hashing the
    profile: a profile's hash walks every word list it holds, and the ingest stages look
    their compiled rules up once per paragraph. Profiles come from :func:`profile_for`'s
    caches, so each language has one object; an equal copy only gets its rules compiled
    once more. The memo holds the profile, so its id stays its own."""
    memo: dict[tuple, tuple[Profile, T]] = {}

    @functools.wraps(compute)
    def get(profile: Profile, *args) -> T:
        key = (id(profile), *args)
        hit = memo.get(key)
        if hit is None or hit[0] is not profile:
            hit = memo[key] = (profile, compute(profile, *args))
        return hit[1]

    return get


@functools.cache
def known_languages() -> frozenset[str]:
    """The codes that have a profile of their own."""
    files = resources.files(__name__).joinpath("data").iterdir()
    return frozenset(f.name.removesuffix(".json") for f in files if f.name.endswith(".json")) - {NEUTRAL_CODE}


@functools.cache
def _load(code: str) -> Profile:
    text = resources.files(__name__).joinpath("data", f"{code}.json").read_text(encoding="utf-8")
    return _profile(json.loads(text))


SNOWBALL = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "eo": "esperanto", "es": "spanish", "et": "estonian", "eu": "basque", "fa": "persian",
    "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian",
    "id": "indonesian", "it": "italian", "lt": "lithuanian", "nb": "norwegian", "ne": "nepali", "nl": "dutch",
    "nn": "norwegian", "no": "norwegian", "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian",
    "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}
"""ISO 639-1 code → PyStemmer's Snowball stemmer: a language without a profile of its own
still gets its stemmer (on the neutral rules), so Spanish or Dutch text is stemmed as
Spanish or Dutch, never as English."""


@functools.cache
def _stemmed_neutral(code: str) -> Profile:
    return replace(_load(NEUTRAL_CODE), code=code, stemmer=SNOWBALL[code])


def language_profile(language: str | None) -> Profile:
    """The profile of a BCP 47 / ISO 639 language tag (``it``, ``fr-CA``, ``zh-Hant``, ``lzh``),
    the language's facts only (no corpus lexicon).

    The primary subtag decides; a tag with no profile of its own gets the language-neutral
    profile (with the language's Snowball stemmer where PyStemmer has one), never English's."""
    code = primary_subtag(language) or ""
    if code in known_languages():
        return _load(code)
    if code in SNOWBALL:
        return _stemmed_neutral(code)
    return _load(NEUTRAL_CODE)


def profile_for(language: str | None, corpus: "CorpusLexicon | None" = None) -> Profile:
    """The profile of a language tag (:func:`language_profile`) with the ``names`` and
    ``phrases`` of a corpus lexicon: ``corpus``, or the one in use
    (:func:`synopsis.lexicon.corpus.corpus_lexicon_in_use`)."""
    from synopsis.lexicon.corpus import corpus_lexicon_in_use

    base = language_profile(language)
    lexicon = corpus if corpus is not None else corpus_lexicon_in_use()
    if not lexicon.names and not lexicon.phrases:
        return base
    key = (base.code, lexicon.digest)
    found = _WITH_CORPUS.get(key)
    if found is None:
        found = _WITH_CORPUS[key] = replace(
            base, names=lexicon.profile_names(base.code), phrases=lexicon.profile_phrases(base.code))
    return found


_WITH_CORPUS: dict[tuple[str, str], Profile] = {}
"""(language code, corpus lexicon digest) → the merged profile: one object each, as
:func:`per_profile` memoises by object (hashing a profile walks all its word lists)."""
