"""Bilingual dictionaries shipped as package data (``synopsis/lexicon/data/``), a correspondence source.

Each table ``<name>-<left>-<right>.tsv.gz`` is a compact word list derived from a maintained
dictionary by ``tools/derive_dictionary.py``: one ``left<TAB>right`` pair of single words a
line, its first line a comment naming the dictionary, its version and licence (FreeDict's
English–French and French–English, GPL-2+: ``data/FREEDICT-LICENSE``). Nothing is
downloaded: a language pair without a shipped table has no dictionary.

A corpus whose documents are in two languages a table covers gets the table as a
:class:`~synopsis.lexicon.correspondences.BilingualSource` (its name and version recorded
in each run), so an English essay and a French text are linked across languages with no
declared translation; the build also lists its pairs in the ``lexicon`` table (``source``:
the dictionary's name and version).
"""
from __future__ import annotations

import functools
import gzip
from dataclasses import dataclass
from importlib import resources

from synopsis.languages import primary_subtag
from synopsis.lexicon.correspondences import BilingualSource

__all__ = ["Dictionary", "shipped_dictionaries", "dictionary_sources"]


@dataclass(frozen=True)
class Dictionary:
    """One shipped word table: its file, languages and the source line it names."""

    file: str
    left: str
    right: str
    source: str  # "FreeDict eng-fra 0.1.6 (Debian ...), GPL-2+"

    @property
    def name(self) -> str:
        return self.file.removesuffix(".tsv.gz")

    def pairs(self) -> list[tuple[str, str]]:
        """The table's (left word, right word) pairs."""
        return _pairs(self.file)


@functools.cache
def _pairs(file: str) -> list[tuple[str, str]]:
    text = gzip.decompress(resources.files(__package__).joinpath("data", file).read_bytes()).decode("utf-8")
    return [tuple(line.split("\t", 1)) for line in text.splitlines()[1:] if "\t" in line]  # type: ignore[misc]


@functools.cache
def shipped_dictionaries() -> tuple[Dictionary, ...]:
    """Every table in ``data/`` (its header: ``# source<TAB>left<TAB>right``)."""
    out = []
    for entry in sorted(resources.files(__package__).joinpath("data").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".tsv.gz"):
            with gzip.open(entry.open("rb"), "rt", encoding="utf-8") as handle:
                source, left, right = handle.readline().lstrip("# ").rstrip("\n").split("\t")
            out.append(Dictionary(entry.name, left, right, source))
    return tuple(out)


def covering(languages) -> list[Dictionary]:
    """The shipped tables both of whose languages are among ``languages``."""
    codes = {primary_subtag(lang) for lang in languages if lang}
    return [d for d in shipped_dictionaries() if d.left in codes and d.right in codes and d.left != d.right]


@functools.cache
def _source(file: str) -> BilingualSource:
    d = next(d for d in shipped_dictionaries() if d.file == file)
    return BilingualSource(d.name, d.source, [(d.left, a, d.right, b) for a, b in d.pairs()])


def dictionary_sources(languages) -> list[BilingualSource]:
    """A correspondence source for each shipped table the corpus's ``languages`` need (built once per process)."""
    return [_source(d.file) for d in covering(languages)]
