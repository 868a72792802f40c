"""The listed part of the ``lexicon`` table: the corpus lexicon's names and terms, written by each build.

Learned pairs are written by the link stage with the run that learned them
(:func:`synopsis.link.steps.edition_alignments`); the corpus lexicon's entries have no run:
each build replaces them (``source = 'corpus'`` for names, ``'corpus term'`` for terms) with the file's, the spellings of one language beside
those of another, so the table answers "how is this name or term
written in that language?" beside "how did this translator render it?".
"""
from __future__ import annotations

import itertools
from typing import Any

from synopsis.database import sqlite_connection
from synopsis.lexicon.corpus import EVERY_LANGUAGE, CorpusLexicon

__all__ = ["CORPUS_SOURCE", "CORPUS_TERM_SOURCE", "corpus_rows", "store_corpus_lexicon", "store_dictionaries"]

CORPUS_SOURCE = "corpus"
"""``lexicon.source`` of the corpus lexicon's names."""
CORPUS_TERM_SOURCE = "corpus term"
"""``lexicon.source`` of the corpus lexicon's phrases and terms."""


def corpus_rows(lexicon: CorpusLexicon) -> list[tuple]:
    """``lexicon`` rows (source, languages, texts, token, evidence, strength) of every entry:
    the first spelling of one language beside each of another's, and each of the first's beside
    the other's first (languages in code order)."""
    rows: list[tuple] = []
    for kind, entry in lexicon.entries():
        source = CORPUS_SOURCE if kind == "name" else CORPUS_TERM_SOURCE
        by_language: dict[str, list[str]] = {}
        for language, spellings in entry.forms:
            if language != EVERY_LANGUAGE:
                by_language.setdefault(language, []).extend(spellings)
        for left, right in itertools.combinations(sorted(by_language), 2):
            lefts, rights = list(dict.fromkeys(by_language[left])), list(dict.fromkeys(by_language[right]))
            pairs = [(lefts[0], b) for b in rights] + [(a, rights[0]) for a in lefts[1:]]
            rows.extend((source, left, right, a, b, entry.token, 1, 0.0) for a, b in pairs)
    return rows


def store_corpus_lexicon(conn: Any, lexicon: CorpusLexicon) -> int:
    """Replace the corpus lexicon's rows of the ``lexicon`` table; the number written."""
    db = sqlite_connection(conn)
    db.executemany("DELETE FROM lexicon WHERE source = ?", [(CORPUS_SOURCE,), (CORPUS_TERM_SOURCE,)])
    rows = corpus_rows(lexicon)
    db.executemany(
        "INSERT INTO lexicon (source, left_language, right_language, left_text, right_text, token, evidence, strength) "
        "VALUES (?,?,?,?,?,?,?,?)", rows)
    return len(rows)


def store_dictionaries(conn: Any) -> int:
    """Replace the shipped dictionaries' rows of the ``lexicon`` table with those of the tables the
    corpus's languages need (:func:`synopsis.lexicon.dictionaries.covering`); the number written."""
    from synopsis.lexicon.dictionaries import covering, shipped_dictionaries

    db = sqlite_connection(conn)
    db.executemany("DELETE FROM lexicon WHERE source = ?", [(d.source,) for d in shipped_dictionaries()])
    languages = [row[0] for row in db.execute("SELECT DISTINCT language FROM documents")]
    rows = [(d.source, d.left, d.right, a, b, None, 1, 0.0) for d in covering(languages) for a, b in d.pairs()]
    db.executemany(
        "INSERT INTO lexicon (source, left_language, right_language, left_text, right_text, token, evidence, strength) "
        "VALUES (?,?,?,?,?,?,?,?)", rows)
    return len(rows)
