"""The corpus lexicon: what a corpus knows about its own people and terms, beside ``documents/``.

Language profiles (:mod:`synopsis.languages`) hold facts about a language. The names a
corpus speaks of, in every script ("Palmiro Togliatti" / "Тольятти" / "陶里亚蒂"), and its
terms in every language ("cult of the individual" / "культ личности" / "个人崇拜") are facts
about one corpus: they live in ``documents/lexicon.toml``, which users edit::

    [names."Palmiro Togliatti"]
    token = "togliatti"                 # optional: the one token linking reads
    en = ["Palmiro Togliatti", "Togliatti"]
    ru = ["Пальмиро Тольятти", "Тольятти"]
    zh = ["陶里亚蒂"]
    "*" = ["Ercoli"]                    # read in every language

    [phrases.cult_individual]
    en = ["cult of the individual", "cult of personality"]
    it = ["culto della personalità"]

Every spelling of a name or phrase becomes its one token when paragraphs are linked (so
names and terms meet across translations), and a quotation's speaker is recorded under the
name's canonical form. The build reads the file (:func:`read_corpus_lexicon`), counts its
bytes in every document's digest (an edit relinks the corpus) and makes it the lexicon in
use (:func:`use_corpus_lexicon`) for the ingest and link stages of the build, which
:func:`synopsis.languages.profile_for` merges into each language's profile. Without a file
the lexicon is empty: a corpus inherits no other corpus's names.
"""
from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from synopsis.errors import BadMetadata
from synopsis.languages.tags import primary_subtag

__all__ = ["LEXICON_FILE", "CorpusLexicon", "Entry", "EMPTY", "read_corpus_lexicon", "parse_corpus_lexicon",
           "use_corpus_lexicon", "corpus_lexicon_in_use", "EVERY_LANGUAGE"]

LEXICON_FILE = "lexicon.toml"
"""The corpus lexicon's file name, in the documents folder."""

EVERY_LANGUAGE = "*"
"""The key of spellings read in every language."""

_LANGUAGE_KEY = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)*$")


@dataclass(frozen=True)
class Entry:
    """One name or phrase: its canonical form, its linking token, its spellings per language."""

    canonical: str
    token: str
    forms: tuple[tuple[str, tuple[str, ...]], ...]  # (language code or "*", spellings)

    def forms_in(self, code: str) -> tuple[str, ...]:
        """The spellings read in language ``code`` (its own and those of every language)."""
        out: list[str] = []
        for language, spellings in self.forms:
            if language in (code, EVERY_LANGUAGE):
                out.extend(spellings)
        return tuple(dict.fromkeys(out))

    def all_forms(self) -> tuple[str, ...]:
        """Every spelling in every language (the canonical form first)."""
        return tuple(dict.fromkeys([self.canonical, *(s for _, spellings in self.forms for s in spellings)]))


@dataclass(frozen=True)
class CorpusLexicon:
    """A corpus lexicon: names and phrases, and the digest of the file they came from."""

    names: tuple[Entry, ...] = ()
    phrases: tuple[Entry, ...] = ()
    digest: str = "empty"
    path: str | None = None

    def profile_names(self, code: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """``Profile.names`` for language ``code``: (speaker, token, spellings)."""
        return tuple((e.canonical, e.token, forms) for e in self.names if (forms := e.forms_in(code)))

    def profile_phrases(self, code: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """``Profile.phrases`` for language ``code``: (token, spellings)."""
        return tuple((e.token, forms) for e in self.phrases if (forms := e.forms_in(code)))

    def entries(self) -> tuple[tuple[str, Entry], ...]:
        """("name" | "phrase", entry) of every entry."""
        return tuple([("name", e) for e in self.names] + [("phrase", e) for e in self.phrases])


EMPTY = CorpusLexicon()


def _token_of(canonical: str) -> str:
    return "_".join(re.findall(r"\w+", canonical.lower())) or canonical


def _entries(table: object, kind: str, where: str) -> tuple[Entry, ...]:
    if not isinstance(table, dict):
        raise BadMetadata(f"{where}: '{kind}' must be a table of tables")
    out = []
    for canonical, body in table.items():
        if not isinstance(body, dict):
            raise BadMetadata(f"{where}: {kind}.{canonical!r} must be a table (token, and a list of spellings per language)")
        token = body.get("token", _token_of(canonical))
        if not isinstance(token, str) or not token.strip():
            raise BadMetadata(f"{where}: {kind}.{canonical!r}.token must be a non-empty string")
        forms = []
        for key, spellings in body.items():
            if key == "token":
                continue
            if key != EVERY_LANGUAGE and not _LANGUAGE_KEY.match(key):
                raise BadMetadata(f"{where}: {kind}.{canonical!r}: '{key}' is not a language code (en, ru, zh, ...) or '*'")
            if isinstance(spellings, str):
                spellings = [spellings]
            if not isinstance(spellings, list) or not all(isinstance(s, str) and s.strip() for s in spellings):
                raise BadMetadata(f"{where}: {kind}.{canonical!r}.{key} must be a list of non-empty strings")
            forms.append(((primary_subtag(key) or key) if key != EVERY_LANGUAGE else key, tuple(s.strip() for s in spellings)))
        if not forms:
            raise BadMetadata(f"{where}: {kind}.{canonical!r} has no spellings (add e.g. en = [\"{canonical}\"])")
        out.append(Entry(canonical=canonical, token=token.strip(), forms=tuple(forms)))
    return tuple(out)


def parse_corpus_lexicon(text: str, *, where: str = LEXICON_FILE) -> CorpusLexicon:
    """A corpus lexicon from the text of a ``lexicon.toml``; :class:`BadMetadata` names the problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BadMetadata(f"{where}: not valid TOML ({error})") from None
    unknown = sorted(set(data) - {"names", "phrases"})
    if unknown:
        raise BadMetadata(f"{where}: unknown table '{unknown[0]}' (a corpus lexicon holds [names.…] and [phrases.…])")
    return CorpusLexicon(
        names=_entries(data.get("names", {}), "names", where),
        phrases=_entries(data.get("phrases", {}), "phrases", where),
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        path=where,
    )


def read_corpus_lexicon(documents_dir: Path) -> CorpusLexicon:
    """The corpus lexicon of a documents folder (``lexicon.toml``), or :data:`EMPTY` when it has none."""
    path = Path(documents_dir) / LEXICON_FILE
    if not path.is_file():
        return EMPTY
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BadMetadata(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise BadMetadata(f"{path}: cannot be read ({error.strerror})") from None
    return parse_corpus_lexicon(text, where=str(path))


_IN_USE: list[CorpusLexicon] = [EMPTY]


def use_corpus_lexicon(lexicon: CorpusLexicon) -> CorpusLexicon:
    """Make ``lexicon`` the corpus lexicon the language profiles merge (the build's, for its
    ingest workers — forked, so they inherit it — and its link stage); returns the one it replaces.

    One process-wide setting, as the language profiles are loaded once per process: the
    profiles and the link stage's lexicons are cached by (language, lexicon digest), so
    switching costs a lookup and never mixes two corpora."""
    previous = _IN_USE[0]
    _IN_USE[0] = lexicon
    return previous


def corpus_lexicon_in_use() -> CorpusLexicon:
    """The corpus lexicon in use (:data:`EMPTY` until a build or a caller sets one)."""
    return _IN_USE[0]
