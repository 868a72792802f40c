"""Text → normalised tokens, each with its character span in the original text.

Linking compares *normalised* tokens and reports spans in the *original* text, so every
token keeps both (as a CollateX token keeps the text as found beside its normal form).

What normalisation folds, and why
    Two translations of one original, or two printings of one translation, differ in ways
    that say nothing about whether they are the same passage:

    * case, punctuation, quote marks (straight or curly), dashes, Markdown emphasis;
    * accents (``Togliatti``/``Togliatti`` with a combining mark) — folded by NFKD;
    * British and American spelling: -our/-or (labour/labor), -ise/-ize and
      -isation/-ization (organise/organize), -yse/-yze, -tre/-ter, -bre/-ber, -ogue/-og,
      doubled l before a suffix (travelled/traveled), plus a small table of words the
      rules cannot reach (defence/defense, programme/program, judgement/judgment ...).
      Spellings are folded to one form on *both* sides, so the direction does not matter
      and a rare collision (``prize``/``prise``) costs nothing;
    * translation variants (:data:`SYNONYMS`): the words two translators of one Russian,
      Italian or Chinese sentence choose differently — rude/coarse, defect/shortcoming/
      fault, intolerable/unbearable/impermissible, error/mistake, boundless/immeasurable,
      "secretary-general"/"general secretary" — are one token. The table is small and
      written for the political prose of this corpus; a word joins it only when it is a
      common alternative rendering of one source word. It changes nothing unless a whole
      passage also agrees, so a merged pair costs at worst a little precision;
    * the names this corpus turns on (a phrase table, :data:`PHRASES`): "cult of the
      individual", "cult of personality", "personality cult" are one term; Jenminjihpao,
      Jen Min Jih Pao, Renmin Ribao, People's Daily one newspaper; "Communist Party of the
      Soviet Union", C.P.S.U. and CPSU one party; U.S.S.R., USSR and "Soviet Union" one
      state; "V. I. Lenin" is Lenin and "J. V. Stalin" is Stalin;
    * possessives (Stalin's → stalin) and inflections and derivations, by the Snowball
      English stemmer (PyStemmer, in C): tolerant/tolerance/tolerable are one stem.

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

Stop words (:data:`STOP_WORDS`) stay in the token stream of :func:`tokenize` (spans and
character-level scoring need them) and are marked; the index and the passage alignment
skip them.
"""
from __future__ import annotations

import bisect
import hashlib
import itertools
import multiprocessing
import os
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import Stemmer

__all__ = [
    "Tokens", "tokenize", "normalize_word", "normalized_text", "encode_paragraphs", "ocr_key",
    "STOP_WORDS", "PHRASES", "SYNONYMS", "LEXICON", "Lexicon", "NORMALIZE_VERSION",
]

NORMALIZE_VERSION = "2"
"""Part of every link digest: bumped whenever a token's norm or key can change."""

# A word: letters and digits, with inner apostrophes (Stalin's; workers' is cut at the
# trailing apostrophe). Hyphens and dashes separate words: "co-existence" and
# "coexistence" meet through the word table below.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

STOP_WORDS = frozenset(
    """a an the of to in on at by for from with as and or but nor so yet is are was were be been
    being am it its this that these those which who whom whose what there here than then
    has have had having do does did not no he she they them their his her we our us you your
    i me my will would shall should can could may might must also all any such very
    one more only other into between up out about over under against upon after before
    through while because if most every each where how same own when why too
    itself himself herself themselves ourselves myself him hers theirs ours yours
    some many much few both either neither just even still again ever never
    now thus hence therefore however although though whether until unless since
    quite fully entirely completely wholly perfectly rather somewhat excessively overly
    exceedingly extremely""".split()
)
"""Function words (the words any two English paragraphs share, whatever they say), and the
intensifiers translators add or drop at will ("too rude"/"excessively rude", "quite
tolerable"/"fully tolerable")."""

# Phrase table: sequences of folded words → one canonical token. Longest phrases are
# tried first. Keys are tuples of words as the folding gives them (before stemming).
_PHRASE_SOURCES: dict[str, list[str]] = {
    "cult_individual": [
        "cult of the individual", "cult of individual", "cult of personality",
        "cult of the personality", "personality cult", "cult of the person",
        "cult of person", "individual cult",
    ],
    "renmin_ribao": [
        "jenminjihpao", "jen min jih pao", "jenmin jihpao", "renmin ribao", "renminribao",
        "people's daily", "peoples daily", "people daily",
    ],
    "cpsu": [
        "communist party of the soviet union", "c p s u", "cpsu", "cpsu's",
        "communist party of soviet union",
    ],
    "ussr": ["u s s r", "ussr", "soviet union", "union of soviet socialist republics"],
    "lenin": ["v i lenin", "vladimir ilyich lenin", "vladimir ilyich", "v i lenin's"],
    "stalin": ["j v stalin", "joseph stalin", "josef stalin", "j stalin"],
    "gensec": ["general secretary", "secretary general", "secretary-general", "gensek"],
}

# Translation variants: every word of a group becomes the group's first word. Groups
# are of alternative renderings of one source word in this corpus's prose (Russian,
# Italian, Chinese originals); inflections are reached through the stemmer.
_SYNONYM_GROUPS = """
rude coarse crude uncouth
defect defects shortcoming shortcomings fault faults failing failings flaw flaws drawback drawbacks
intolerable unbearable impermissible inadmissible insufferable unendurable
tolerable bearable permissible admissible
relation relations dealing dealings contact contacts intercourse
error errors mistake mistakes
boundless immeasurable unlimited unbounded limitless
propose proposes proposed suggest suggests suggested
consider considers considered ponder contemplate
remove removes removed removing removal dismiss dismissed dismissal oust ousted
appoint appoints appointed appointing designate nominate
capricious whimsical wayward
attentive considerate
polite courteous
loyal faithful
tolerant patient
certain sure
able capable
caution care circumspection prudence
concentrate concentrated accumulate accumulated amass amassed
sufficient adequate
struggle struggles fight fights combat
enemy enemies foe foes adversary adversaries
serious grave
significant important
essential necessary
entire whole
demonstrate demonstrates demonstrated show shows showed
enormous tremendous huge immense vast
violation violations breach breaches infringement infringements
essence substance gist
gain gains conquest conquests achievement achievements
intellectual intellectuals intelligentsia
previous earlier former prior
behest behests precept precepts injunction injunctions bidding
regard regards regarded treat treats treated
worship worshipping worshiping veneration adulation idolization glorification
strike struck expunge expunged eliminate eliminated
encourage encourages encouraging promote promotes promoting foster fostering
intellect intellects
forecast forecasts foresight prediction predictions prophecy
openly frankly publicly
strengthen strengthening reinforce reinforcing consolidate consolidating
counter countering counteract counteracting
intrigue intrigues machination machinations
hostile inimical
say says said declare declares declared remark remarked
stress stressed emphasise emphasised
steadily consistently
stubborn persistent
rightly correctly
progress advance
possibly perhaps
believe believes think thinks
individual personality
"""

# Words that spelling rules cannot reach, folded to one form (British → American here,
# but the direction is immaterial: both sides are folded the same way).
_WORD_TABLE = {
    "defence": "defense", "offence": "offense", "pretence": "pretense", "licence": "license",
    "programme": "program", "programmes": "programs", "judgement": "judgment",
    "acknowledgement": "acknowledgment", "grey": "gray", "sceptical": "skeptical",
    "sceptic": "skeptic", "connexion": "connection", "shew": "show", "shewn": "shown",
    "towards": "toward", "amongst": "among", "whilst": "while", "learnt": "learned",
    "spelt": "spelled", "burnt": "burned", "enrol": "enroll", "fulfil": "fulfill",
    "skilful": "skillful", "wilful": "willful", "instalment": "installment",
    "manoeuvre": "maneuver", "manoeuvres": "maneuvers", "encyclopaedia": "encyclopedia",
    "mediaeval": "medieval", "aeroplane": "airplane", "cheque": "check", "tyre": "tire",
    "storey": "story", "plough": "plow", "draught": "draft", "gaol": "jail",
    "cooperation": "co operation", "coexistence": "co existence", "peaceloving": "peace loving",
    "largescale": "large scale", "secretarygeneral": "secretary general",
}

_OUR_EXCEPTIONS = frozenset(
    "four your hour tour pour sour flour detour contour devour amour velour dour scour our "
    "troubadour paramour".split()
)
_OUR = re.compile(r"^(?P<stem>\w{2,}?)our(?P<suf>s|ed|ing|able|ably|ite|ites|er|ers|ful|less|ism|ist|ists)?$")
_IZE = re.compile(r"(?<=\w\w)(?:iz|yz)(?=(?:e|es|ed|ing|er|ers|ation|ations|able)$)")
_TRE = re.compile(r"(?<=\w\w)([tb])re(s|d)?$")
_OGUE = re.compile(r"(?<=\w\w)ogue(s)?$")
_LL = re.compile(r"(?<=\w\w[aeiou])ll(?=(?:ed|ing|er|ers|ous)$)")



def _strip_accents(word: str) -> str:
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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


def _fold_word(word: str) -> str:
    """OCR letters, lowercase, accents, apostrophes, British/American spelling (may give two words)."""
    w = _strip_accents(_unscan(word)).lower()
    if "'" in w or "’" in w:
        w = w.replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        w = w.replace("'", "")
    w = _WORD_TABLE.get(w, w)
    if " " in w:
        return w
    # each rule only where its letters are (a substring test is far cheaper than a regex)
    if "our" in w:
        m = _OUR.match(w)
        if m and m.group("stem") + "our" not in _OUR_EXCEPTIONS and w not in _OUR_EXCEPTIONS:
            w = m.group("stem") + "or" + (m.group("suf") or "")
    if "z" in w:
        w = _IZE.sub(lambda m: "is" if m.group(0) == "iz" else "ys", w)
    if "re" in w and w != "macabre":
        w = _TRE.sub(lambda m: m.group(1) + "er" + (m.group(2) or "").replace("d", "ed"), w)
    if "ogue" in w:
        w = _OGUE.sub(lambda m: "og" + (m.group(1) or ""), w)
    if "ll" in w:
        w = _LL.sub("l", w)
    return w


_STEMMER = Stemmer.Stemmer("english")
_STEMMER.maxCacheSize = 0  # the lexicon memoises every word already; PyStemmer's cache only costs time


def _stem(w: str) -> str:
    """The Snowball (Porter 2) stem of a folded word: inflections and derivations.

    Translators choose other inflections as often as other words, and other derivations
    of one root nearly as often ("more tolerant, more loyal" / "greater tolerance,
    greater loyalty"), so the stemmer folds tolerance/tolerant/tolerable/tolerated to one
    stem. Words with digits (numbers, OCR damage) are left as they are.
    """
    if not w.isalpha():
        return w
    return _STEMMER.stemWord(w)


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


def _build_synonyms() -> dict[str, str]:
    """OCR key of a variant's stem → canonical stem (the group's first word, stemmed)."""
    table: dict[str, str] = {}
    for line in _SYNONYM_GROUPS.strip().splitlines():
        words = line.split()
        canonical = _stem(_fold_word(words[0]))
        for w in words:
            table[ocr_key(_stem(_fold_word(w)))] = canonical
    return table


SYNONYMS = _build_synonyms()
_STOP_NORMS = STOP_WORDS | {_stem(_fold_word(w)) for w in STOP_WORDS}


def _stable_hash(text: str) -> int:
    """Stable 63-bit hash (BLAKE2b; Python's ``hash`` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little") >> 1


_SEPARATOR = "\x00\x01\x00"
"""A whitespace chunk put between paragraphs when many are split at once."""


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
    """Every distinct word seen, normalised once.

    Levels, each an integer id into lists kept here:

    * *raw word* (what the regex found) → tuple of *folded word* ids (one, or two when
      the word table splits a word: ``cooperation`` → ``co operation``);
    * *folded word* → *norm* id (synonyms, stemming) — phrases are matched on folded
      words and give a norm of their own;
    * *norm* → *key* id (OCR skeleton) and its stable 63-bit hash, what the index stores.

    Ids are local to the process; only key hashes leave it (the link cache).
    """

    def __init__(self) -> None:
        self.folded: list[str] = []
        self.fid: dict[str, int] = {}
        self.fid_norm: list[int] = []
        self.norms: list[str] = []
        self.norm_id: dict[str, int] = {}
        self.norm_key: list[int] = []
        self.norm_content: list[bool] = []
        self.keys: list[str] = []
        self.key_id: dict[str, int] = {}
        self.key_hash: list[int] = []
        self.word = _Memo(self._word)  # raw regex word → tuple of fids
        self.chunk_parts: list[tuple[int, ...]] = [()]  # chunk id → fids; id 0 separates paragraphs
        self.chunk_id = _Memo(self._chunk_id)  # whitespace chunk → chunk id
        self.chunk_id[_SEPARATOR] = 0
        self._chunk_arrays: tuple = (np.zeros(0, np.int64),) * 3
        self.phrases: dict[tuple[int, ...], int] = {}  # fids → norm id
        self.phrase_first: set[int] = set()
        self.max_phrase = 1
        self._arrays: tuple | None = None
        for canonical, variants in _PHRASE_SOURCES.items():
            nid = self._norm(canonical, content=True)
            for variant in variants:
                fids = tuple(f for raw in _WORD.findall(variant) for f in self.word[raw])
                if len(fids) == 1:
                    self.fid_norm[fids[0]] = nid  # a one-word variant is just a synonym
                    continue
                self.phrases[fids] = nid
                self.phrase_first.add(fids[0])
                self.max_phrase = max(self.max_phrase, len(fids))

    def _norm(self, norm: str, *, content: bool) -> int:
        nid = self.norm_id.get(norm)
        if nid is None:
            nid = self.norm_id[norm] = len(self.norms)
            self.norms.append(norm)
            self.norm_content.append(content)
            key = ocr_key(norm)
            kid = self.key_id.get(key)
            if kid is None:
                kid = self.key_id[key] = len(self.keys)
                self.keys.append(key)
                self.key_hash.append(_stable_hash(key))
            self.norm_key.append(kid)
            self._arrays = None
        return nid

    def _folded(self, folded: str) -> int:
        fid = self.fid.get(folded)
        if fid is None:
            fid = self.fid[folded] = len(self.folded)
            self.folded.append(folded)
            stem = _stem(folded)
            norm = SYNONYMS.get(ocr_key(stem), stem)
            self.fid_norm.append(self._norm(norm, content=norm not in _STOP_NORMS))
        return fid

    def _word(self, raw: str) -> tuple[int, ...]:
        return tuple(self._folded(part) for part in _fold_word(raw).split())

    def _chunk(self, chunk: str) -> tuple[int, ...]:
        if chunk.isalnum():
            return self.word[chunk]
        word = self.word
        return tuple(f for raw in _WORD.findall(chunk) for f in word[raw])

    def _chunk_id(self, chunk: str) -> int:
        self.chunk_parts.append(self._chunk(chunk))
        return len(self.chunk_parts) - 1

    def chunk_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Chunk id → (first index into the flat fid array, number of fids), and the flat array."""
        if len(self._chunk_arrays[0]) != len(self.chunk_parts):
            counts = np.fromiter(map(len, self.chunk_parts), dtype=np.int64, count=len(self.chunk_parts))
            flat = np.fromiter(itertools.chain.from_iterable(self.chunk_parts), dtype=np.int32, count=int(counts.sum()))
            starts = np.cumsum(counts) - counts
            self._chunk_arrays = (starts, counts, flat)
        return self._chunk_arrays

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(fid → norm id, norm id → content?, norm id → key hash, fid → phrase first?) as arrays."""
        if self._arrays is None or len(self._arrays[0]) != len(self.fid_norm):
            first = np.zeros(len(self.fid_norm), dtype=bool)
            if self.phrase_first:
                first[list(self.phrase_first)] = True
            self._arrays = (
                np.asarray(self.fid_norm, dtype=np.int32),
                np.asarray(self.norm_content, dtype=bool),
                np.asarray(self.key_hash, dtype=np.uint64)[np.asarray(self.norm_key, dtype=np.int64)],
                first,
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


LEXICON = Lexicon()
"""The process's lexicon: shared, so each distinct word is normalised once per process."""

PHRASES = {tuple(LEXICON.folded[f] for f in fids): LEXICON.norms[nid] for fids, nid in LEXICON.phrases.items()}
"""The phrase table as words: (folded words) → canonical token."""


def normalize_word(word: str) -> str:
    """The normal form of one word, as the tokenizer gives it (phrases aside)."""
    lex = LEXICON
    return " ".join(lex.norms[lex.fid_norm[f]] for f in lex.word[word])


@dataclass(slots=True)
class Tokens:
    """Normalised tokens of one text, with their spans in that text.

    ``norms[k]`` is the k-th token's normal form; ``text[starts[k]:ends[k]]`` is what it
    stands for in the original (a phrase token covers the whole phrase). ``content[k]``
    is False for stop words. ``keys[k]`` is the id of the token's OCR skeleton
    (:func:`ocr_key`) in the process's :data:`LEXICON` — equal keys are the same word for
    the index and the alignment. :attr:`normalized` joins the norms with single spaces
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


def tokenize(text: str, lexicon: Lexicon | None = None) -> Tokens:
    """Split ``text`` into normalised tokens that remember where they came from."""
    lex = lexicon or LEXICON
    words = _WORD.findall(text)
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


def normalized_text(text: str) -> str:
    """The normalised text of ``text`` (what :attr:`Tokens.normalized` holds), without offsets."""
    return tokenize(text).normalized


def _ranges(sizes: np.ndarray) -> np.ndarray:
    """``concatenate([arange(s) for s in sizes])`` without a Python loop."""
    total = int(sizes.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.arange(total, dtype=np.int64) - offsets


PARALLEL_MIN_PARAGRAPHS = 20_000
"""From this many paragraphs on, :func:`encode_paragraphs` splits the work with a forked process."""

_FORK_TEXTS: list[str] = []


def _encode_range(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """In a forked worker: encode the parent's texts ``lo:hi`` (inherited, not pickled)."""
    return _encode_serial(_FORK_TEXTS[lo:hi], LEXICON)


def encode_paragraphs(
    texts: list[str], lexicon: Lexicon | None = None, *, workers: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Content-token key hashes of many paragraphs at once: ``(hashes, offsets)``.

    ``hashes[offsets[p]:offsets[p + 1]]`` are the stable 63-bit key hashes of paragraph
    ``p``'s content tokens, in order — the same tokens :func:`tokenize` marks as content
    (phrases included), computed without building a :class:`Tokens` per paragraph.

    From :data:`PARALLEL_MIN_PARAGRAPHS` paragraphs on (and ``workers`` unset or above 1,
    on a machine with two cores or more) the last part of the list is encoded in a forked
    process while this one encodes the first: the hashes are stable across processes,
    so the halves join exactly.
    """
    n = len(texts)
    if workers is None:
        workers = min(os.cpu_count() or 1, 2) if n >= PARALLEL_MIN_PARAGRAPHS else 1
    if workers < 2 or lexicon is not None or "fork" not in multiprocessing.get_all_start_methods():
        return _encode_serial(texts, lexicon or LEXICON)
    global _FORK_TEXTS
    bounds = [n * k // workers for k in range(workers + 1)]
    _FORK_TEXTS = texts
    try:
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            pending = [pool.apply_async(_encode_range, (bounds[k], bounds[k + 1])) for k in range(1, workers)]
            parts = [_encode_serial(texts[: bounds[1]], LEXICON)] + [job.get() for job in pending]
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
