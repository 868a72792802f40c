"""Word correspondences: which words of two passages say the same thing, and how we know.

Two words *correspond* when they share a **class**. Every content token has classes:

* its key (:attr:`synopsis.link.normalize.Tokens.keys`): the same word, or another
  inflection or derivation of it (the language's Snowball stem; spelling variants, names and
  the profile's translation variants already folded) — kinds ``same``, ``stem``, ``name``
  and ``number``, told apart by the two surfaces;
* the classes its :class:`CorrespondenceSource` objects give it: a synonym group of a
  thesaurus (kind ``synonym``, :class:`SynonymTable`), a word pair learned from the corpus's
  aligned editions or read from a bilingual dictionary (kind ``learned``, plugged in by the
  corpus lexicon), or any other source of word pairs.

A source answers one question, :meth:`CorrespondenceSource.classes`: the class labels of a
word (its norm, in a language). Two words of any languages that share a label from the same
source correspond by that source's kind. A bilingual pair ``(en "people", fr "peuple")``
is one label both words carry; a synonym group is one label all its words carry. Labels
are hashed (:func:`class_hash`) into the same 63-bit space as the token keys, so the
candidate index (:func:`paragraph_classes`) treats a synonym group like a word.

:class:`Correspondences` holds the sources of a run, memoises every word's classes, and
records the sources' names and versions (:meth:`Correspondences.versions`) for the run.
Nothing here touches the database or a global: a run builds one object and hands it to the
pure scoring of :mod:`synopsis.link.reworded`.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
from dataclasses import dataclass, field
from importlib import resources
from typing import Iterable, Protocol

import numpy as np

from synopsis.link.normalize import KEYS, Tokens, lexicon_for, ocr_key

__all__ = ["KINDS", "KIND_WEIGHT", "Correspondence", "CorrespondenceSource", "SynonymTable", "Correspondences",
           "class_hash", "default_sources", "paragraph_classes", "token_kind"]

KINDS = ("same", "name", "number", "stem", "synonym", "learned")
"""The kinds of correspondence, strongest first (an alignment prefers the stronger)."""

KIND_WEIGHT = {"same": 1.0, "name": 1.0, "number": 1.0, "stem": 0.9, "synonym": 0.8, "learned": 0.8}
"""How much of a word's information a correspondence of each kind counts (METEOR's stage weights)."""


@dataclass(frozen=True, slots=True)
class Correspondence:
    """One word of the left passage matched with one of the right: token indices into each
    paragraph's :class:`~synopsis.link.normalize.Tokens`, the kind, the source that said so
    (``"key"`` for same/stem/name/number), and the information it counts (0-…, average word = 1)."""

    left: int
    right: int
    kind: str
    source: str
    weight: float

    def as_json(self, left: Tokens, right: Tokens, left_offset: int = 0, right_offset: int = 0) -> list:
        """``[left start, left end, right start, right end, kind]``, spans relative to the passage's starts."""
        return [left.starts[self.left] - left_offset, left.ends[self.left] - left_offset,
                right.starts[self.right] - right_offset, right.ends[self.right] - right_offset, self.kind]


class CorrespondenceSource(Protocol):
    """A source of word correspondences: anything with a name, a version, a kind and :meth:`classes`."""

    name: str  # recorded in the run ("wordnet", "lexicon")
    version: str  # recorded in the run
    kind: str  # the kind its correspondences have ("synonym", "learned")

    def classes(self, norm: str, language: str | None) -> Iterable[str]:
        """The class labels of a word: its norm (:attr:`Tokens.norms`) in ``language``. Two words
        (of any languages) sharing a label correspond. Must be cheap and pure: it is memoised."""
        ...

    def words(self, language: str | None) -> Iterable[str]:
        """Every norm in ``language`` that has a class (what the candidate index looks up)."""
        ...


def class_hash(source: str, label: str) -> int:
    """A class label's 63-bit hash (the space of token key hashes), salted by its source."""
    return int.from_bytes(hashlib.blake2b(f"\x00{source}\x00{label}".encode("utf-8"), digest_size=8).digest(),
                          "little") >> 1


class SynonymTable:
    """Synonym groups of one language from a table shipped as package data (``synopsis/link/data``).

    Each line of ``synonyms-<language>.tsv.gz`` is one group of words (a WordNet synset, a
    thesaurus meaning); its first line, a comment, names the resource and its version. A
    word's classes are the groups it stands in, keyed by its norm in that language, so
    "say"/"tell", "truly"/"really" meet whatever their inflection.
    """

    kind = "synonym"

    def __init__(self, language: str, text: str | None = None) -> None:
        self.language = language
        if text is None:
            data = resources.files("synopsis.link") / "data" / f"synonyms-{language}.tsv.gz"
            text = gzip.decompress(data.read_bytes()).decode("utf-8")
        lines = text.splitlines()
        header = lines[0].lstrip("# ").strip() if lines and lines[0].startswith("#") else "unnamed"
        self.name = f"synonyms-{language}"
        self.version = header
        folding = lexicon_for(language).fold
        groups: dict[str, list[str]] = {}
        for g, line in enumerate(lines[1:] if lines and lines[0].startswith("#") else lines):
            norms = {folding.norm(part) for word in line.split("\t") for part in folding.fold(word).split()}
            for n in norms - folding.stop_norms:
                groups.setdefault(n, []).append(str(g))
        # a norm in very many groups ("take", "make") carries no meaning of its own
        self._groups = {n: tuple(gs) for n, gs in groups.items() if len(gs) <= 8}

    def classes(self, norm: str, language: str | None) -> Iterable[str]:
        if language != self.language:
            return ()
        return self._groups.get(norm, ())

    def words(self, language: str | None) -> Iterable[str]:
        return self._groups.keys() if language == self.language else ()


@functools.lru_cache(maxsize=16)
def _synonym_table(language: str) -> SynonymTable:
    return SynonymTable(language)


def default_sources(languages: Iterable[str | None]) -> list[CorrespondenceSource]:
    """The synonym tables shipped for any of ``languages`` (English: WordNet 3.0; French: LibreOffice's
    thesaurus), each read once per process."""
    out: list[CorrespondenceSource] = []
    for language in sorted({lang for lang in languages if lang}):
        if (resources.files("synopsis.link") / "data" / f"synonyms-{language}.tsv.gz").is_file():
            out.append(_synonym_table(language))
    return out


@dataclass
class Correspondences:
    """The correspondence sources of one run, with every word's classes memoised.

    ``sources`` may be extended by any object following :class:`CorrespondenceSource` (the
    corpus lexicon of learned and dictionary pairs plugs in here).
    """

    sources: list[CorrespondenceSource] = field(default_factory=list)
    _memo: dict[tuple[str, str | None], tuple[tuple[int, str, str], ...]] = field(default_factory=dict, repr=False)

    def versions(self) -> dict[str, str]:
        """Each source's name → version, for the run's record."""
        return {s.name: s.version for s in self.sources}

    def word_classes(self, norm: str, language: str | None) -> tuple[tuple[int, str, str], ...]:
        """``(class hash, kind, source name)`` of a word from every source (its key aside)."""
        got = self._memo.get((norm, language))
        if got is None:
            got = tuple((class_hash(s.name, label), s.kind, s.name)
                        for s in self.sources for label in s.classes(norm, language))
            self._memo[(norm, language)] = got
        return got

    def token_classes(self, toks: Tokens, language: str | None) -> list[dict[int, tuple[str, str]]]:
        """Per token: class hash → (kind, source); the key's own class first (kind ``key``), nothing for stop words."""
        out: list[dict[int, tuple[str, str]]] = []
        hashes = KEYS.key_hash
        for k, norm in enumerate(toks.norms):
            if not toks.content[k]:
                out.append({})
                continue
            d: dict[int, tuple[str, str]] = {hashes[toks.keys[k]]: ("key", "key")}
            for h, kind, name in self.word_classes(norm, language):
                d.setdefault(h, (kind, name))
            out.append(d)
        return out

    def hash_classes(self, languages: Iterable[str | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Key hash → extra class hashes, for the candidate index: ``(key hashes sorted, offsets, classes)``.

        Every word a source knows, in each of ``languages``, as its key hash (what the
        corpus's :class:`~synopsis.link.token_cache.ContentKeys` hold) with its classes.
        """
        by_key: dict[int, set[int]] = {}
        for language in set(languages):
            for s in self.sources:
                for norm in s.words(language):
                    got = self.word_classes(norm, language)
                    if got:
                        h = KEYS.key_hash[KEYS.id(ocr_key(norm))]
                        by_key.setdefault(h, set()).update(c for c, _, _ in got)
        keys = np.array(sorted(by_key), dtype=np.uint64)
        sizes = np.array([len(by_key[int(k)]) for k in keys], dtype=np.int64)
        offsets = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        classes = np.array([c for k in keys for c in sorted(by_key[int(k)])], dtype=np.uint64)
        return keys, offsets, classes


def paragraph_classes(keys: np.ndarray, offsets: np.ndarray, table: tuple[np.ndarray, np.ndarray, np.ndarray]
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Class postings of every paragraph: ``(class hashes, paragraph index)``, each class once per paragraph.

    A paragraph's classes are its content keys and the extra classes ``table``
    (:meth:`Correspondences.hash_classes`) gives them; all in numpy.
    """
    para = np.repeat(np.arange(len(offsets) - 1, dtype=np.int64), np.diff(offsets))
    t_keys, t_off, t_cls = table
    parts_h, parts_p = [keys.astype(np.uint64)], [para]
    if len(t_keys) and len(keys):
        at = np.minimum(np.searchsorted(t_keys, keys), len(t_keys) - 1)
        hit = np.flatnonzero(t_keys[at] == keys)
        counts = t_off[at[hit] + 1] - t_off[at[hit]]
        starts = np.repeat(t_off[at[hit]], counts)
        inner = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        parts_h.append(t_cls[starts + inner])
        parts_p.append(np.repeat(para[hit], counts))
    h, p = np.concatenate(parts_h), np.concatenate(parts_p)
    order = np.lexsort((p, h))
    h, p = h[order], p[order]
    once = np.r_[True, (h[1:] != h[:-1]) | (p[1:] != p[:-1])] if len(h) else np.zeros(0, dtype=bool)
    return h[once], p[once]


def token_kind(left: Tokens, i: int, right: Tokens, j: int, languages: tuple[str | None, str | None] = (None, None)
               ) -> str:
    """The kind of a correspondence by key: ``same`` surfaces, a ``number``, a ``name`` (capitalised
    on both sides away from a sentence's start), a ``stem`` (one Snowball stem), or a ``synonym``
    (the language profile's translation variants, which fold rude/coarse into one key)."""
    a, b = left.text[left.starts[i]:left.ends[i]], right.text[right.starts[j]:right.ends[j]]
    if any(ch.isdigit() for ch in a) and any(ch.isdigit() for ch in b):
        return "number"
    if a.lower() == b.lower():
        if a[:1].isupper() and b[:1].isupper() and i > 0 and j > 0 and left.text[:left.starts[i]].rstrip()[-1:] not in ".!?":
            return "name"
        return "same"
    if _stem(a, languages[0]) == _stem(b, languages[1]):
        return "name" if a[:1].isupper() and b[:1].isupper() and i > 0 and j > 0 else "stem"
    return "synonym"


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str, language: str | None) -> str:
    folding = lexicon_for(language).fold
    return " ".join(folding.stripped_stem(part) for part in folding.fold(word).split())
