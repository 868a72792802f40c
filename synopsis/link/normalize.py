"""Text → normalised tokens, each with its character span in the original text.

Linking compares *normalised* tokens and reports spans in the *original* text, so every
token keeps both (as a CollateX token keeps the text as found beside its normal form).

What normalisation folds, and why
    Two translations of one original, or two printings of one translation, differ in ways
    that say nothing about whether they are the same passage. Everything that depends on
    the language follows the document's ``language`` through its profile
    (:mod:`synopsis.languages`; one :class:`Lexicon` per language, :func:`lexicon_for`);
    an unknown language gets language-neutral rules (no stemmer, no stop words), never
    English's.

    * case, punctuation, quote marks (straight or curly), dashes, Markdown emphasis;
    * accents (``perché``/``perche``, ``Togliatti`` with a combining mark), dropped from
      the stem (NFKD) after the stemmer has read them;
    * words: the profile's word pattern — letters and digits; inner apostrophes join a
      possessive (English ``Stalin's`` → ``stalin``) and split an elision (French and
      Italian ``l'homme``, ``dell'URSS``: two words); an ideograph is a word by itself, so
      Chinese is linked character by character (a shingle of n tokens is a character
      n-gram);
    * spelling variants (the profile's ``spelling``, the rules the collation of
      :mod:`synopsis.link.variants` folds by too, applied by
      :meth:`~synopsis.languages.Profile.respell`): for English, British and American
      -our/-or, -ise/-ize, -re/-er, doubled consonants, -ogue/-og, -eable/-able, and a
      table of words the rules cannot reach (defence/defense, programme/program). The
      rules marked for the collation only are left out (-ence/-ense would rewrite an
      ending the stemmer reads; ae/e the names that meet across languages by their
      letters). Folded on *both* sides, so the direction does not matter and a rare collision
      (``prize``/``prise``) costs nothing;
    * translation variants (the profile's ``synonyms``): the words two translators of one
      sentence choose differently — rude/coarse, error/mistake, errore/sbaglio — are one
      token. The tables are small and written for the political prose of this corpus; they
      change nothing unless a whole passage also agrees;
    * names and phrases (the corpus lexicon's, ``documents/lexicon.toml``, merged into the
      profile's ``names`` and ``phrases``): "cult of the
      individual", "cult of personality", "culto della personalità", "культ личности",
      "个人崇拜" are one token (``cult_individual``) in every language, as "V. I. Lenin",
      "Lénine" and "列宁" are ``lenin``: the tokens are the lexicon's, shared by all
      languages, so names meet across translations;
    * inflections and derivations, by the language's Snowball stemmer (PyStemmer, in C):
      tolerant/tolerance/tolerable, comunisti/comunista/comunismo are one stem.

OCR noise
    Letters a scanner confuses (``rn``/``m``, ``1``/``l``/``i``, ``cl``/``d``, ``vv``/``w``)
    are folded into a token's *key* (:func:`ocr_key`), which is what the candidate index
    and the passage alignment compare; the norm keeps the letters as read, for scoring.
    Dropped letters are left to fuzzy scoring: guessing repairs would merge real words.

Speed
    Normalising a word costs microseconds, and a 10-million-word corpus repeats a few
    hundred thousand distinct words. So every distinct word is normalised once: the
    :class:`Lexicon` memoises raw word → folded word ids → norm id → key id, and the
    corpus-wide path (:func:`encode_paragraphs`) splits each paragraph on whitespace
    (``str.split`` in C), maps every chunk through a dict in C (``map``), and does the rest
    — flattening, stop-word removal, key hashes — with numpy over id arrays. The detail
    path (:func:`tokenize`) keeps character offsets and is used only for the paragraphs
    that the candidate stage puts forward. Both paths give the same tokens (a test checks).

Stop words (the profile's list, if it has one) stay in the token stream of :func:`tokenize` (spans and
character-level scoring need them) and are marked; the index and the passage alignment
skip them.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import multiprocessing
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import Stemmer

from synopsis.languages import CJK, NEUTRAL_CODE, Profile, language_profile, profile_for
from synopsis.languages.accents import strip_accents
from synopsis.lexicon.corpus import corpus_lexicon_in_use
from synopsis.link.arrays import ranges as _ranges

__all__ = [
    "Tokens", "tokenize", "normalize_word", "normalized_text", "encode_paragraphs", "ocr_key",
    "Lexicon", "lexicon_for", "KEYS", "NORMALIZE_VERSION",
]

NORMALIZE_VERSION = "4"
"""Part of every link digest: bumped whenever a token's norm or key can change."""


_DIGIT_AS_LETTER = str.maketrans({"1": "l", "0": "o", "5": "s"})
_CAPITAL_I_INSIDE = re.compile(r"(?<=[a-z])I")


def _unscan(word: str) -> str:
    """Undo the OCR damage that cannot be a real word: digits among letters, a capital I
    after a lowercase letter ("revo1utionary", "openIy", "ca11" → "call")."""
    if not word.isalpha() and not word.isdigit() and any(ch.isalpha() for ch in word):
        word = word.translate(_DIGIT_AS_LETTER)
    if "I" in word:
        word = _CAPITAL_I_INSIDE.sub("l", word)
    return word


_OCR_FOLD = str.maketrans({"1": "l", "i": "l", "|": "l", "!": "l", "0": "o", "5": "s"})


def ocr_key(norm: str) -> str:
    """The OCR skeleton of a norm: letters a scanner confuses made one letter.

    ``i``, ``l``, ``1`` (and a capital ``I`` once lowercased) become ``l``; ``0`` becomes
    ``o``; ``rn`` becomes ``m``, ``vv`` ``w`` and ``cl`` ``d``. Both sides are folded alike,
    so "revo1utionary" and "revolutionary", "rnistake" and "mistake" meet, and the few
    real words that collide ("modern"/"modem") only make an extra candidate. Numbers are
    left alone.
    """
    if norm.isdigit():
        return norm
    return norm.translate(_OCR_FOLD).replace("rn", "m").replace("vv", "w").replace("cl", "d")


class _Folding:
    """One language's word folding: the parts of its profile that make a word's norm.

    A word is folded in this order: OCR repairs, lowercase (NFC, so a combining accent
    joins its letter), the apostrophe (a possessive ending dropped), the spelling table
    and rules (``labour``/``labor``). Its norm is then the language's Snowball stem of the
    folded word, with accents dropped (NFKD, combining marks removed), then the
    translation variants (:attr:`synonyms`). The stemmer sees the accents because Snowball
    reads them (French ``nationalité`` → ``national``; without the accent, ``nationalit``);
    the norm drops them so that ``perché`` and a printer's ``perche`` still meet.
    """

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.word_re = profile.word_pattern
        self.stemmer = None
        if profile.stemmer:
            self.stemmer = Stemmer.Stemmer(profile.stemmer)
            self.stemmer.maxCacheSize = 0  # the lexicon memoises every word already; PyStemmer's cache only costs time
        self.synonyms: dict[str, str] = {}
        for group in profile.synonyms:
            canonical = self.stripped_stem(self.fold(group[0]))
            for w in group:
                self.synonyms[ocr_key(self.stripped_stem(self.fold(w)))] = canonical
        stops = {self.fold(w) for w in profile.stop_words}
        self.stop_norms = frozenset({strip_accents(w) for w in stops} | {self.stripped_stem(w) for w in stops})

    def fold(self, word: str) -> str:
        """OCR letters, lowercase, apostrophes, spelling variants (may give two words)."""
        w = _unscan(word).lower()
        if not w.isascii():
            w = unicodedata.normalize("NFC", w)
        if "'" in w or "’" in w:
            w = w.replace("’", "'")
            if w.endswith("'s") and self.profile.apostrophe == "possessive":
                w = w[:-2]
            w = w.replace("'", "")
        return self.profile.respell(w, link=True)

    def stem(self, w: str) -> str:
        """The Snowball stem of a folded word, in the language's stemmer: inflections and
        derivations.

        Translators choose other inflections as often as other words, and other derivations
        of one root nearly as often ("more tolerant, more loyal" / "greater tolerance,
        greater loyalty"), so the stemmer folds tolerance/tolerant/tolerable/tolerated to one
        stem. Words with digits (numbers, OCR damage) are left as they are, and so is every
        word of a language with no stemmer.
        """
        if self.stemmer is None or not w.isalpha():
            return w
        return self.stemmer.stemWord(w)

    def stripped_stem(self, folded: str) -> str:
        return strip_accents(self.stem(folded))

    def norm(self, folded: str) -> str:
        """A folded word's norm: its stem without accents, or its variant group's form."""
        stem = self.stripped_stem(folded)
        return self.synonyms.get(ocr_key(stem), stem)


def _stable_hash(text: str) -> int:
    """Stable 63-bit hash (BLAKE2b; Python's ``hash`` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little") >> 1


class KeyTable:
    """OCR keys and their stable hashes, shared by every language's :class:`Lexicon`, so a
    key id means the same word in every document (a name, a number, a shared term)."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.key_id: dict[str, int] = {}
        self.key_hash: list[int] = []

    def id(self, key: str) -> int:
        kid = self.key_id.get(key)
        if kid is None:
            kid = self.key_id[key] = len(self.keys)
            self.keys.append(key)
            self.key_hash.append(_stable_hash(key))
        return kid


KEYS = KeyTable()
"""The process's key table (what :attr:`Tokens.keys` index)."""


_SEPARATOR = "\x00\x01\x00"
"""A whitespace chunk put between paragraphs when many are split at once."""
_IDEOGRAPH = re.compile(f"[{CJK}]")


class _Memo(dict):
    """A dict that computes a missing value once (so ``map(memo.__getitem__, ...)`` runs in C)."""

    __slots__ = ("compute",)

    def __init__(self, compute) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key):
        value = self[key] = self.compute(key)
        return value


class Lexicon:
    """Every distinct word seen in one language, normalised once.

    Levels, each an integer id into lists kept here:

    * *raw word* (what the language's word pattern found) → tuple of *folded word* ids
      (one, or two when the spelling table splits a word: ``cooperation`` → ``co operation``);
    * *folded word* → *norm* id (synonyms, stemming) — phrases and names are matched on
      folded words and give a norm of their own (the profile's token: ``lenin`` in every
      language, so names meet across translations);
    * *norm* → *key* id (OCR skeleton, in the shared :data:`KEYS`) and its stable 63-bit
      hash, what the index stores.

    Ids are local to the process; only key hashes leave it (the link cache).
    """

    def __init__(self, profile: Profile | None = None, keys: KeyTable | None = None) -> None:
        self.profile = profile or profile_for(None)
        self.fold = _Folding(self.profile)
        self.word_re = self.fold.word_re
        self.folded: list[str] = []
        self.fid: dict[str, int] = {}
        self.fid_norm: list[int] = []
        self.norms: list[str] = []
        self.norm_id: dict[str, int] = {}
        self.norm_key: list[int] = []
        self.norm_content: list[bool] = []
        table = keys or KEYS
        self.key_table = table
        self.keys, self.key_id, self.key_hash = table.keys, table.key_id, table.key_hash
        self.word = _Memo(self._word)  # raw regex word → tuple of fids
        self.chunk_parts: list[tuple[int, ...]] = [()]  # chunk id → fids; id 0 separates paragraphs
        self.chunk_id = _Memo(self._chunk_id)  # whitespace chunk → chunk id
        self.chunk_id[_SEPARATOR] = 0
        self._chunk_arrays: tuple = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int32))
        self.phrases: dict[tuple[int, ...], int] = {}  # fids → norm id
        self.phrase_first: set[int] = set()
        self.max_phrase = 1
        self._arrays: tuple | None = None
        sources = [*self.profile.phrases, *((token, aliases) for _, token, aliases in self.profile.names)]
        for canonical, variants in sources:
            nid = self._norm(canonical, content=True)
            # as written, and without accents (a text printed without them)
            for variant in dict.fromkeys(v for written in variants for v in (written, strip_accents(written))):
                fids = tuple(f for raw in self.word_re.findall(variant) for f in self.word[raw])
                if len(fids) == 1:
                    self.fid_norm[fids[0]] = nid  # a one-word variant is just a synonym
                    continue
                if fids:
                    self.phrases[fids] = nid
                    self.phrase_first.add(fids[0])
                    self.max_phrase = max(self.max_phrase, len(fids))

    def _norm(self, norm: str, *, content: bool) -> int:
        nid = self.norm_id.get(norm)
        if nid is None:
            nid = self.norm_id[norm] = len(self.norms)
            self.norms.append(norm)
            self.norm_content.append(content)
            self.norm_key.append(self.key_table.id(ocr_key(norm)))  # appended only: arrays() extends
        return nid

    def _folded(self, folded: str) -> int:
        fid = self.fid.get(folded)
        if fid is None:
            fid = self.fid[folded] = len(self.folded)
            self.folded.append(folded)
            norm = self.fold.norm(folded)
            self.fid_norm.append(self._norm(norm, content=norm not in self.fold.stop_norms))
        return fid

    def _word(self, raw: str) -> tuple[int, ...]:
        return tuple(self._folded(part) for part in self.fold.fold(raw).split())

    def _chunk(self, chunk: str) -> tuple[int, ...]:
        if chunk.isalnum() and not _IDEOGRAPH.search(chunk):
            return self.word[chunk]
        word = self.word
        return tuple(f for raw in self.word_re.findall(chunk) for f in word[raw])

    def _chunk_id(self, chunk: str) -> int:
        self.chunk_parts.append(self._chunk(chunk))
        return len(self.chunk_parts) - 1

    def chunk_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Chunk id → (first index into the flat fid array, number of fids), and the flat array.

        Extended by the chunks added since the last call, not rebuilt: an ingest worker
        encodes one document at a time, and each adds a few new chunks to hundreds of
        thousands already known.
        """
        starts, counts, flat = self._chunk_arrays
        done = len(counts)
        if done != len(self.chunk_parts):
            new = self.chunk_parts[done:]
            more = np.fromiter(map(len, new), dtype=np.int64, count=len(new))
            more_flat = np.fromiter(itertools.chain.from_iterable(new), dtype=np.int32, count=int(more.sum()))
            starts = np.concatenate([starts, len(flat) + np.cumsum(more) - more])
            self._chunk_arrays = (starts, np.concatenate([counts, more]), np.concatenate([flat, more_flat]))
        return self._chunk_arrays

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(fid → norm id, norm id → content?, norm id → key hash, fid → phrase first?) as arrays.

        Extended by the words added since the last call (phrases are all known from the
        start, so a new folded word never starts one), not rebuilt.
        """
        if self._arrays is None:
            first = np.zeros(len(self.fid_norm), dtype=bool)
            if self.phrase_first:
                first[list(self.phrase_first)] = True
            self._arrays = (
                np.asarray(self.fid_norm, dtype=np.int32),
                np.asarray(self.norm_content, dtype=bool),
                np.asarray(self.key_hash, dtype=np.uint64)[np.asarray(self.norm_key, dtype=np.int64)],
                first,
            )
        fid_norm, content, norm_hash, first = self._arrays
        if len(fid_norm) != len(self.fid_norm) or len(content) != len(self.norm_content):
            nf, nn = len(fid_norm), len(content)
            self._arrays = (
                np.concatenate([fid_norm, np.asarray(self.fid_norm[nf:], dtype=np.int32)]),
                np.concatenate([content, np.asarray(self.norm_content[nn:], dtype=bool)]),
                np.concatenate([norm_hash, np.asarray([self.key_hash[k] for k in self.norm_key[nn:]], dtype=np.uint64)]),
                np.concatenate([first, np.zeros(len(self.fid_norm) - nf, dtype=bool)]),
            )
        return self._arrays

    def phrase_at(self, fids, k: int) -> tuple[int, int] | None:
        """The phrase starting at ``fids[k]``: (norm id, length), longest first, or None."""
        n = len(fids)
        for length in range(min(self.max_phrase, n - k), 1, -1):
            nid = self.phrases.get(tuple(fids[k : k + length]))
            if nid is not None:
                return nid, length
        return None


def lexicon_for(language: str | None) -> Lexicon:
    """The process's lexicon for a language (its profile's code) and the corpus lexicon in
    use (:mod:`synopsis.lexicon.corpus`): shared, so each distinct word is normalised once
    per process. An unknown language gets the language-neutral lexicon (no stemmer, no
    stop words), never English's."""
    return _lexicon_of(_code_of(language))


@functools.cache
def _code_of(language: str | None) -> str:
    return language_profile(language).code


def _lexicon_of(code: str) -> Lexicon:
    key = (code, corpus_lexicon_in_use().digest)
    found = _LEXICONS.get(key)
    if found is None:
        found = _LEXICONS[key] = Lexicon(profile_for(None if code == NEUTRAL_CODE else code))
    return found


_LEXICONS: dict[tuple[str, str], Lexicon] = {}
"""(language code, corpus lexicon digest) → the process's lexicon."""


def normalize_word(word: str, language: str | None = None) -> str:
    """The normal form of one word in ``language``, as the tokenizer gives it (phrases aside)."""
    lex = lexicon_for(language)
    return " ".join(lex.norms[lex.fid_norm[f]] for f in lex.word[word])


@dataclass(slots=True)
class Tokens:
    """Normalised tokens of one text, with their spans in that text.

    ``norms[k]`` is the k-th token's normal form; ``text[starts[k]:ends[k]]`` is what it
    stands for in the original (a phrase token covers the whole phrase). ``content[k]``
    is False for stop words. ``keys[k]`` is the id of the token's OCR skeleton
    (:func:`ocr_key`) in the process's :data:`KEYS`, shared by every language — equal keys
    are the same word for the index and the alignment. :attr:`normalized` joins the norms with single spaces
    and ``norm_starts[k]`` is where token k begins in it, so a window found in the
    normalised string can be mapped back to original offsets (:meth:`window_to_tokens`).
    """

    text: str
    norms: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    content: list[bool] = field(default_factory=list)
    keys: list[int] = field(default_factory=list)
    normalized: str = ""
    norm_starts: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.norms)

    def token_range_text(self, first: int, last: int) -> str:
        """The normalised text of tokens ``first..last`` (inclusive)."""
        if first > last:
            return ""
        return self.normalized[self.norm_starts[first] : self.norm_starts[last] + len(self.norms[last])]

    def window_to_tokens(self, start: int, end: int) -> tuple[int, int] | None:
        """Tokens (first, last inclusive) that a window of :attr:`normalized` covers.

        A token counts when at least half of it lies inside the window, so a window that
        clips a word's first letter still takes the word, and one that only grazes it
        does not.
        """
        if end <= start or not self.norms:
            return None
        k = max(bisect.bisect_right(self.norm_starts, start) - 1, 0)
        first = last = None
        while k < len(self.norms) and self.norm_starts[k] < end:
            ts = self.norm_starts[k]
            te = ts + len(self.norms[k])
            overlap = min(te, end) - max(ts, start)
            if overlap * 2 >= te - ts and overlap > 0:
                if first is None:
                    first = k
                last = k
            k += 1
        if first is None or last is None:
            return None
        return first, last

    def tokens_to_span(self, first: int, last: int) -> tuple[int, int]:
        """Original-text span ``[start, end)`` of tokens ``first..last`` inclusive."""
        return self.starts[first], self.ends[last]

    def content_positions(self) -> list[int]:
        """Indices of the content tokens, in order."""
        return [k for k, c in enumerate(self.content) if c]


def tokenize(text: str, lexicon: Lexicon | None = None, *, language: str | None = None) -> Tokens:
    """Split ``text`` into normalised tokens that remember where they came from, by the
    rules of ``language`` (the document's; see :func:`lexicon_for`) or of ``lexicon``."""
    lex = lexicon or lexicon_for(language)
    words = lex.word_re.findall(text)
    parts = list(map(lex.word.__getitem__, words))
    # the next match starts at the next occurrence of its text: only non-word characters
    # lie between two matches, and a word cannot hide among them
    find = text.find
    starts: list[int] = []
    pos = 0
    for w in words:
        pos = find(w, pos)
        starts.append(pos)
        pos += len(w)
    ends = [s + len(w) for s, w in zip(starts, words)]
    if all(len(fs) == 1 for fs in parts):
        fids = [fs[0] for fs in parts]
    else:  # a word the table splits in two ("cooperation"): both halves span the word
        fids, s2, e2 = [], [], []
        for fs, s, e in zip(parts, starts, ends):
            for f in fs:
                fids.append(f)
                s2.append(s)
                e2.append(e)
        starts, ends = s2, e2
    out = Tokens(text=text)
    fid_norm, norms, norm_key, norm_content = lex.fid_norm, lex.norms, lex.norm_key, lex.norm_content
    first = lex.phrase_first
    nids = [fid_norm[f] for f in fids]
    if first.isdisjoint(fids):
        out.norms = [norms[n] for n in nids]
        out.starts, out.ends = starts, ends
        out.content = [norm_content[n] for n in nids]
        out.keys = [norm_key[n] for n in nids]
    else:
        i, n = 0, len(fids)
        while i < n:
            nid, length = nids[i], 1
            if fids[i] in first:
                hit = lex.phrase_at(fids, i)
                if hit is not None:
                    nid, length = hit
            out.norms.append(norms[nid])
            out.starts.append(starts[i])
            out.ends.append(ends[i + length - 1])
            out.content.append(norm_content[nid])
            out.keys.append(norm_key[nid])
            i += length
    pos = 0
    ns = out.norm_starts
    for norm in out.norms:
        ns.append(pos)
        pos += len(norm) + 1
    out.normalized = " ".join(out.norms)
    return out


def normalized_text(text: str, language: str | None = None) -> str:
    """The normalised text of ``text`` (what :attr:`Tokens.normalized` holds), without offsets."""
    return tokenize(text, language=language).normalized


PARALLEL_MIN_PARAGRAPHS = 20_000
"""From this many paragraphs on, :func:`encode_paragraphs` splits the work with a forked process."""

_FORK_TEXTS: list[str] = []


def _encode_range(lo: int, hi: int, code: str) -> tuple[np.ndarray, np.ndarray]:
    """In a forked worker: encode the parent's texts ``lo:hi`` (inherited, not pickled)."""
    return _encode_serial(_FORK_TEXTS[lo:hi], _lexicon_of(code))


def encode_paragraphs(
    texts: list[str],
    lexicon: Lexicon | None = None,
    *,
    languages: Sequence[str | None] | str | None = None,
    workers: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Content-token key hashes of many paragraphs at once: ``(hashes, offsets)``.

    ``hashes[offsets[p]:offsets[p + 1]]`` are the stable 63-bit key hashes of paragraph
    ``p``'s content tokens, in order — the same tokens :func:`tokenize` marks as content
    (phrases included), computed without building a :class:`Tokens` per paragraph.

    ``languages`` is each paragraph's language (a list as long as ``texts``), or one
    language for all; the paragraphs of each language are encoded by its lexicon and put
    back in order. Key hashes are the same in every lexicon, so a name or a number shared
    by two languages is one key.

    From :data:`PARALLEL_MIN_PARAGRAPHS` paragraphs on (and ``workers`` unset or above 1,
    on a machine with two cores or more) the last part of the list is encoded in a forked
    process while this one encodes the first: the hashes are stable across processes,
    so the halves join exactly.
    """
    n = len(texts)
    if lexicon is not None:
        return _encode_serial(texts, lexicon)
    if languages is None or isinstance(languages, str):
        return _encode_one(texts, lexicon_for(languages).profile.code, workers)
    codes = [lexicon_for(language).profile.code for language in languages]
    distinct = sorted(set(codes))
    if len(distinct) <= 1:
        return _encode_one(texts, distinct[0] if distinct else NEUTRAL_CODE, workers)
    groups = {code: [i for i, c in enumerate(codes) if c == code] for code in distinct}
    parts = {code: _encode_one([texts[i] for i in idx], code, workers) for code, idx in groups.items()}
    counts = np.zeros(n, dtype=np.int64)
    for code, idx in groups.items():
        counts[idx] = np.diff(parts[code][1])
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    hashes = np.zeros(int(offsets[-1]), dtype=np.uint64)
    for code, idx in groups.items():
        group_counts = counts[idx]
        hashes[np.repeat(offsets[idx], group_counts) + _ranges(group_counts)] = parts[code][0]
    return hashes, offsets


def _encode_one(texts: list[str], code: str, workers: int | None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`encode_paragraphs` for texts of one language (its profile's ``code``)."""
    n = len(texts)
    lexicon = _lexicon_of(code)
    if workers is None:
        workers = min(os.cpu_count() or 1, 2) if n >= PARALLEL_MIN_PARAGRAPHS else 1
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _encode_serial(texts, lexicon)
    global _FORK_TEXTS
    bounds = [n * k // workers for k in range(workers + 1)]
    _FORK_TEXTS = texts
    try:
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            pending = [pool.apply_async(_encode_range, (bounds[k], bounds[k + 1], code)) for k in range(1, workers)]
            parts = [_encode_serial(texts[: bounds[1]], lexicon)] + [job.get() for job in pending]
    finally:
        _FORK_TEXTS = []
    hashes = np.concatenate([h for h, _ in parts])
    offsets = np.zeros(n + 1, dtype=np.int64)
    at = 0
    for (h, o), lo, hi in zip(parts, bounds, bounds[1:]):
        offsets[lo + 1 : hi + 1] = o[1:] + at
        at += len(h)
    return hashes, offsets


def _encode_serial(texts: list[str], lex: Lexicon, *, batch: int = 4000) -> tuple[np.ndarray, np.ndarray]:
    """:func:`encode_paragraphs` in this process.

    Paragraphs are split on whitespace ``batch`` at a time, joined by a
    separator chunk; every chunk becomes an id through the lexicon's memo in one
    ``np.fromiter(map(...))``; the rest is numpy.
    """
    n = len(texts)
    if n == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(1, dtype=np.int64)
    sep = f" {_SEPARATOR} "
    get = lex.chunk_id.__getitem__
    id_parts: list[np.ndarray] = []
    for lo in range(0, n, batch):
        part = texts[lo : lo + batch]
        joined = sep.join(part)
        if joined.count(_SEPARATOR) != len(part) - 1:  # a text holding the separator: go one by one
            ids = [np.fromiter(map(get, t.split()), dtype=np.int32) for t in part]
            id_parts.extend(x for pair in zip(ids, [np.zeros(1, np.int32)] * len(ids)) for x in pair)
            continue
        chunks = joined.split()
        id_parts.append(np.fromiter(map(get, chunks), dtype=np.int32, count=len(chunks)))
        id_parts.append(np.zeros(1, np.int32))
        del chunks, joined
    ids = np.concatenate(id_parts)
    del id_parts
    is_sep = ids == 0
    chunk_para = (np.cumsum(is_sep, dtype=np.int32) - is_sep).astype(np.int32)  # paragraph index of each chunk
    ids, chunk_para = ids[~is_sep], chunk_para[~is_sep]
    starts, counts, flat = lex.chunk_table()
    cnt = counts[ids]
    fids = flat[np.repeat(starts[ids], cnt) + _ranges(cnt)]
    para = np.repeat(chunk_para, cnt)
    del ids, chunk_para, cnt
    fid_norm, norm_content, norm_hash, phrase_first = lex.arrays()
    nids = fid_norm[fids]
    keep = np.ones(len(fids), dtype=bool)
    starts_at = np.flatnonzero(phrase_first[fids])
    if len(starts_at):
        para_end = np.cumsum(np.bincount(para, minlength=n))  # one past each paragraph's last fid
        for k in starts_at.tolist():
            if not keep[k]:
                continue  # inside a phrase already taken
            window = fids[k : min(k + lex.max_phrase, int(para_end[para[k]]))].tolist()
            hit = lex.phrase_at(window, 0)
            if hit is not None:
                nids[k] = hit[0]
                keep[k + 1 : k + hit[1]] = False
    keep &= norm_content[nids]
    hashes = norm_hash[nids[keep]]
    counts = np.bincount(para[keep], minlength=n)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return hashes, offsets
