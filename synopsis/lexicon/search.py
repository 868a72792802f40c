"""Search across languages: a query's names in every script, and its words' learned translations.

A name the corpus lexicon knows is found in every form it lists (``Togliatti`` also finds
``Тольятти`` and ``陶里亚蒂``): every search does this. Asked for (``synopsis search
--translations``, the /search page's switch), a term of the corpus lexicon is found in every
language it lists ("cult of the individual", "культ личности"), and a word in the words the
translators' lexicon pairs it with (``hope`` also finds ``espérance``): the pairs learned
from the corpus's own aligned translations and listed in a shipped dictionary. Both read the database's ``lexicon`` table,
so a search knows what the build knew; the widened query then goes through each
language's stems and bigrams (:func:`synopsis.database.fts_query`) like any other.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from synopsis.languages.search import map_terms
from synopsis.lexicon.store import CORPUS_SOURCE, CORPUS_TERM_SOURCE

__all__ = ["LexiconForms", "read_forms", "widen_query", "LISTED_SQL", "TERMS_SQL", "LEARNED_SQL"]


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


class LexiconForms:
    """What a search may add to a term: the corpus lexicon's forms of a name or term, and
    the learned translations of a word (both keyed case-insensitively)."""

    def __init__(self, listed: Iterable[tuple[str, str, str]], learned: Iterable[tuple[str, str]]) -> None:
        self.token_of: dict[str, set[str]] = {}
        self.forms_of: dict[str, list[str]] = {}
        for token, left, right in listed:
            for form in (left, right):
                self.token_of.setdefault(_key(form), set()).add(token)
                forms = self.forms_of.setdefault(token, [])
                if form not in forms:
                    forms.append(form)
        self.translations: dict[str, list[str]] = {}
        for left, right in learned:
            for a, b in ((left, right), (right, left)):
                found = self.translations.setdefault(_key(a), [])
                if b not in found:
                    found.append(b)

    def names(self, term: str) -> list[str]:
        """Every form of the entries ``term`` is a form of (itself excluded)."""
        out: list[str] = []
        for token in sorted(self.token_of.get(_key(term), ())):
            out.extend(f for f in self.forms_of[token] if _key(f) != _key(term))
        return _shortest(out, term)

    def translated(self, term: str) -> list[str]:
        """The words the translators' lexicon pairs ``term`` with."""
        return [f for f in self.translations.get(_key(term), ()) if _key(f) != _key(term)]


def _shortest(forms: list[str], term: str) -> list[str]:
    """``forms`` without those that hold another form (or the term) as their words
    ("Palmiro Togliatti" adds nothing a search for "Togliatti" does not find)."""
    keys = [_key(f) for f in dict.fromkeys(forms)]
    kept = []
    for form, key in zip(dict.fromkeys(forms), keys):
        words = f" {key} "
        if any(other != key and f" {other} " in words for other in keys + [_key(term)]):
            continue
        kept.append(form)
    return kept


LISTED_SQL = f"SELECT token, left_text, right_text FROM lexicon WHERE source = '{CORPUS_SOURCE}' AND token IS NOT NULL"
"""The corpus lexicon's names in every form (what every search reads)."""
TERMS_SQL = f"SELECT token, left_text, right_text FROM lexicon WHERE source = '{CORPUS_TERM_SOURCE}' AND token IS NOT NULL"
"""The corpus lexicon's terms in every language (what a search with translations reads too)."""
LEARNED_SQL = "SELECT DISTINCT left_text, right_text FROM lexicon WHERE token IS NULL"
"""The learned and dictionary translation pairs (what a search with translations reads)."""


def read_forms(conn: sqlite3.Connection, *, translations: bool) -> LexiconForms:
    """The lexicon of a database: its corpus lexicon's entries, and (``translations``) its learned pairs."""
    try:
        listed = conn.execute(LISTED_SQL).fetchall() + (conn.execute(TERMS_SQL).fetchall() if translations else [])
        learned = conn.execute(LEARNED_SQL).fetchall() if translations else []
    except sqlite3.OperationalError:  # a database built before the lexicon table
        return LexiconForms((), ())
    return LexiconForms(listed, learned)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def widen_query(query: str, forms: LexiconForms, *, translations: bool = False) -> str:
    """``query`` with each word or phrase the lexicon knows widened to its other forms:
    ``Togliatti`` → ``(Togliatti OR "Тольятти" OR "陶里亚蒂" ...)``; with ``translations``,
    a word also to its learned translations. Operators, prefixes and filters pass through."""

    def widen(token: str) -> str | None:
        term = token[1:-1].replace('""', '"') if token.startswith('"') else token
        extra = forms.names(term) + (forms.translated(term) if translations else [])
        extra = list(dict.fromkeys(extra))
        if not extra:
            return None
        return "(" + " OR ".join([token, *map(_quoted, extra)]) + ")"

    return map_terms(query, widen)
