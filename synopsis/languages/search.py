"""Full-text search in every language: what the index holds beside the text, and how a
query is widened to reach it.

The FTS5 indexes (:func:`synopsis.database.build_fts`) use one tokenizer for every row —
``porter unicode61 remove_diacritics 2`` — so accents fold for every language (French
``élève`` finds ``eleve``) and English is stemmed by the index itself. What one tokenizer
cannot do is stem each document in its own language, or cut a text written without spaces
into words. So each paragraph and quotation carries a ``search_terms`` column, filled at
ingest by :func:`search_terms` according to the document's profile (``fts``):

* ``porter`` (English): nothing — the index's Porter stemmer is English's;
* ``stems`` (Italian, French, German, Russian): the text's words as that language's
  Snowball stems, in order (``comunisti`` → ``comun``), so phrases still match;
* ``bigrams`` (Chinese, Literary Chinese): every pair of adjacent ideographs, plus the
  last ideograph of each run, so a two-character word is one token (``學而``) and a
  single character is a prefix query (``學*``). FTS5's ``trigram`` tokenizer was the other
  candidate; it cannot match fewer than three characters, and most Chinese words have two;
* ``none`` (the language-neutral profile): nothing.

:func:`rewrite_query` widens a user's query to that column: every plain word ``w``
becomes ``(w OR search_terms:s1 OR ...)`` with its stem ``s`` in each stemmed language
of the corpus, every quoted phrase also matches its stems as a phrase, and a run of three
or more ideographs becomes the phrase of its bigrams. Operators, prefixes and column
filters pass through. Datasette's own table search sends the query as typed: it still
finds accents folded, English stems and two-character Chinese words (a bigram is a token
of its own); only the other languages' stems need the rewrite.

FTS5 marks matches in the text column alone, so a row found through ``search_terms`` (a
Chinese word, an Italian or French inflection) would come back with nothing marked.
:func:`match_spans` finds, in a row's own text, where the query's words are, by the
rules the index matched them with in the row's language: the same word with accents
folded, the same Porter stem (the text column's), the same stem in the language's
Snowball stemmer (``search_terms``), a prefix, or for ideographs the characters
themselves. :mod:`synopsis.search` turns those spans into the snippet's marks.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable

import Stemmer

from synopsis.languages import CJK, Profile, profile_for

__all__ = ["SEARCH_COLUMN", "search_terms", "rewrite_query", "map_terms", "query_words", "match_spans", "has_ideographs"]

SEARCH_COLUMN = "search_terms"
"""The column of paragraphs and quotations that holds the language-specific index terms."""

_RUN = re.compile(f"[{CJK}]+")
# A query token: a quoted phrase, a parenthesis, or a bare word with an optional * or :
_QUERY_TOKEN = re.compile(r'"(?:[^"]|"")*"|[()]|[^\s()"]+')
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_BAREWORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


@functools.cache
def _stemmer(name: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(name)


def _stems(words: Iterable[str], profile: Profile) -> list[str]:
    stemmer = _stemmer(profile.stemmer) if profile.stemmer else None
    out = []
    for w in words:
        w = w.lower()
        out.append(stemmer.stemWord(w) if stemmer is not None and w.isalpha() else w)
    return out


def _bigrams(run: str) -> list[str]:
    """Adjacent pairs of a run of ideographs, then its last one (one alone is itself)."""
    return [run[k : k + 2] for k in range(len(run) - 1)] + [run[-1]]


def _phrase_bigrams(text: str, profile: Profile) -> list[str]:
    """The column's terms for a phrase: as :func:`search_terms` gives them, without the
    last ideograph a run ends with (it stands alone in the column, after the run's pairs,
    so it would break the phrase)."""
    parts: list[str] = []
    pos = 0
    for m in _RUN.finditer(text):
        parts.extend(w.lower() for w in profile.words(text[pos : m.start()]))
        run = m.group(0)
        parts.extend(_bigrams(run)[:-1] if len(run) > 1 else [run])
        pos = m.end()
    parts.extend(w.lower() for w in profile.words(text[pos:]))
    return parts


def search_terms(text: str, profile: Profile) -> str | None:
    """The index terms of ``text`` for its language's search column (see the module doc),
    or None where the text column's own tokens serve."""
    if profile.fts == "stems":
        return " ".join(_stems(profile.words(text), profile))
    if profile.fts == "bigrams":
        terms: list[str] = []
        pos = 0
        for m in _RUN.finditer(text):
            terms.extend(w.lower() for w in profile.words(text[pos : m.start()]))
            terms.extend(_bigrams(m.group(0)))
            pos = m.end()
        terms.extend(w.lower() for w in profile.words(text[pos:]))
        return " ".join(terms)
    return None


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _widen_word(word: str, profiles: list[Profile]) -> str:
    """A plain word and its forms in the search column."""
    alternatives = []
    if _RUN.search(word) and any(len(run) > 2 for run in _RUN.findall(word)):
        # three ideographs or more: the phrase of their pairs (two are one pair, a token already)
        alternatives.append(f"{SEARCH_COLUMN}:{_quote(' '.join(_phrase_bigrams(word, profile_for(None))))}")
    for profile in profiles:
        if profile.fts == "stems":
            words = profile.words(word)
            stems = " ".join(_stems(words, profile))
            if words and stems != " ".join(w.lower() for w in words):  # the bare word reaches every column
                alternatives.append(f"{SEARCH_COLUMN}:{_quote(stems)}")
    alternatives = list(dict.fromkeys(alternatives))
    if not alternatives:
        return word
    return "(" + " OR ".join([_quote(word), *alternatives]) + ")"


def _widen_phrase(phrase: str, profiles: list[Profile]) -> str:
    inner = phrase[1:-1].replace('""', '"')
    alternatives = []
    for profile in profiles:
        if profile.fts == "stems":
            words = profile.words(inner)
            if words:
                alternatives.append(f"{SEARCH_COLUMN}:{_quote(' '.join(_stems(words, profile)))}")
        elif profile.fts == "bigrams" and _RUN.search(inner):
            alternatives.append(f"{SEARCH_COLUMN}:{_quote(' '.join(_phrase_bigrams(inner, profile)))}")
    alternatives = list(dict.fromkeys(alternatives))
    if not alternatives:
        return phrase
    return "(" + " OR ".join([phrase, *alternatives]) + ")"


def rewrite_query(query: str, languages: Iterable[str | None]) -> str:
    """``query`` (FTS5 syntax) widened to the search column of the corpus's ``languages``.

    Plain words and quoted phrases gain their stems in each stemmed language present (and
    ideographs their bigrams); ``AND``/``OR``/``NOT``, parentheses, prefixes (``commun*``),
    column filters (``speaker:lenin``), ``NEAR``, ``^`` and ``+`` pass through untouched.
    A query FTS5 would reject stays as rejectable as it was: the caller reports it."""
    profiles = list({p.code: p for p in map(profile_for, languages)}.values())
    if not any(p.fts in ("stems", "bigrams") for p in profiles) and not _RUN.search(query):
        return query
    if "NEAR" in query or "^" in query or "+" in query or "{" in query:
        return query
    tokens = _QUERY_TOKEN.findall(query)
    if _SPACE.sub("", "".join(tokens)) != _SPACE.sub("", query):
        return query  # an unbalanced quote: FTS5 will say so, about the query as typed
    out: list[str] = []
    after_filter = False  # the token right after ``column:`` is that column's: left alone
    for token in tokens:
        if token in ("(", ")") or token in _OPERATORS or token.endswith(("*", ":")) or ":" in token or after_filter:
            piece = token
        elif token.startswith('"') and token.endswith('"') and len(token) >= 2:
            piece = _widen_phrase(token, profiles)
        elif _BAREWORD.fullmatch(token):
            piece = _widen_word(token, profiles)
        else:
            piece = token
        # FTS5 joins two phrases by a space (implicit AND) but not a parenthesised group:
        # spell the AND out between two operands
        if out and out[-1] not in ("(", *_OPERATORS) and not out[-1].endswith(":") and piece not in (")", *_OPERATORS):
            out.append("AND")
        out.append(piece)
        after_filter = token.endswith(":")
    return " ".join(out)


def map_terms(query: str, widen: Callable[[str], str | None]) -> str:
    """``query`` (FTS5 syntax) with each plain word and quoted phrase ``t`` replaced by
    ``widen(t)`` where that gives something (an FTS5 group, e.g. ``(t OR "другой")``); what
    :func:`rewrite_query` leaves alone (operators, prefixes, column filters and their
    values, ``NEAR``) is left alone here too, and so is a query with an unbalanced quote."""
    if "NEAR" in query or "^" in query or "+" in query or "{" in query:
        return query
    tokens = _QUERY_TOKEN.findall(query)
    if _SPACE.sub("", "".join(tokens)) != _SPACE.sub("", query):
        return query
    out: list[str] = []
    after_filter = False
    for token in tokens:
        piece = None
        plain = not (token in ("(", ")") or token in _OPERATORS or token.endswith(("*", ":")) or ":" in token
                     or after_filter)
        if plain and ((token.startswith('"') and token.endswith('"') and len(token) >= 2) or _BAREWORD.fullmatch(token)):
            piece = widen(token)
        out.append(piece or token)
        after_filter = token.endswith(":")
    return " ".join(out)


# A word of a spaced script as FTS5's unicode61 tokenizer cuts it (a run of letters and
# digits); ideographs are matched as characters instead.
_SPACED_WORD = re.compile(f"[^\\W_{CJK}]+")
_LATIN_END = 0x250  # Basic Latin to Latin Extended-B: the letters remove_diacritics folds


@functools.lru_cache(maxsize=1 << 16)
def _index_form(word: str) -> str:
    """``word`` as the index's tokenizer keeps it: lower case, Latin letters' diacritics
    removed (``remove_diacritics 2``: ``vérité`` → ``verite``), other scripts as they are."""
    word = word.lower()
    if word.isascii():
        return word
    out = []
    for ch in word:
        decomposed = unicodedata.normalize("NFKD", ch)
        latin = ord(decomposed[0]) < _LATIN_END and all(unicodedata.combining(c) for c in decomposed[1:])
        out.append(decomposed[0] if latin else ch)
    return "".join(out)


def has_ideographs(text: str) -> bool:
    """Whether ``text`` holds a character of a script written without spaces."""
    return _RUN.search(text) is not None


@functools.cache
def query_words(query: str) -> tuple[tuple[str, bool], ...]:
    """The words ``query`` looks for, each with whether it is a prefix (``commun*``).

    Reads FTS5 syntax as typed or as :func:`rewrite_query` widened it: operators,
    parentheses and ``NEAR`` are syntax; a column filter (``speaker:lenin``,
    ``search_terms:"comun"``) and what ``NOT`` excludes are not looked for in the text
    (a widened word keeps its typed form beside its stems, so nothing is lost)."""
    tokens = _QUERY_TOKEN.findall(query)
    words: list[tuple[str, bool]] = []
    skip_depth = 0  # inside a group that NOT excludes
    skip_next = False
    for token in tokens:
        if skip_depth:
            skip_depth += {"(": 1, ")": -1}.get(token, 0)
            continue
        if skip_next:
            skip_next = False
            if token == "(":
                skip_depth = 1
            continue
        if token in ("(", ")") or token in _OPERATORS or token == "NEAR":
            skip_next = token == "NOT"
            continue
        if token.endswith(":"):
            skip_next = True
            continue
        if ":" in token:
            continue
        prefix = token.endswith("*")
        token = token.lstrip("^+").rstrip("*")
        if token.startswith('"'):
            token = token.strip('"').replace('""', '"')
        parts = _SPACED_WORD.findall(token) + _RUN.findall(token)
        words.extend((part, prefix and part == parts[-1]) for part in parts)
    return tuple(dict.fromkeys(words))


def _stem_keys(words: list[str], profile: Profile) -> list[tuple[str, str | None]]:
    """Each word's Porter stem (the text column's) and its language's stem (``search_terms``), folded."""
    folded = [_index_form(w) for w in words]
    porter = _stemmer("porter").stemWords(folded)
    if profile.fts != "stems" or not profile.stemmer:
        return [(p, None) for p in porter]
    own = _stemmer(profile.stemmer).stemWords([w.lower() for w in words])
    return [(p, _index_form(o)) for p, o in zip(porter, own)]


def match_spans(text: str, query: str, profile: Profile) -> list[tuple[int, int]]:
    """The character spans of ``text`` where the words of ``query`` match as the index
    matches them for a document in ``profile``'s language (see the module doc); sorted,
    possibly overlapping."""
    spans: list[tuple[int, int]] = []
    wanted = query_words(query)
    for word, _ in wanted:
        if _RUN.fullmatch(word):  # ideographs: the characters wherever they stand
            start = text.find(word)
            while start != -1:
                spans.append((start, start + len(word)))
                start = text.find(word, start + 1)
    spaced = [(w, prefix) for w, prefix in wanted if not _RUN.fullmatch(w)]
    if spaced:
        found = list(_SPACED_WORD.finditer(text))
        distinct = list({m.group(0) for m in found})
        exact = [key for key, (_, prefix) in zip(_stem_keys([w for w, _ in spaced], profile), spaced) if not prefix]
        porters, owns = {p for p, _ in exact}, {o for _, o in exact if o is not None}
        prefixes = tuple(_index_form(w) for w, prefix in spaced if prefix)
        matching = {
            word for word, (porter, own) in zip(distinct, _stem_keys(distinct, profile))
            if porter in porters or own in owns
            or (prefixes and (_index_form(word).startswith(prefixes) or porter.startswith(prefixes)))
        }
        spans.extend(m.span() for m in found if m.group(0) in matching)
    return sorted(spans)
