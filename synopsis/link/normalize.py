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
    * translation variants of the names this corpus turns on (a phrase table): "cult of
      the individual", "cult of personality", "personality cult", "cult of the person"
      are one term; Jenminjihpao, Jen Min Jih Pao, Renmin Ribao, People's Daily are one
      newspaper; "Communist Party of the Soviet Union", C.P.S.U. and CPSU one party;
      U.S.S.R., USSR and "Soviet Union" one state; "V. I. Lenin" is Lenin and
      "J. V. Stalin" is Stalin; "personality" alone is "individual";
    * possessives (Stalin's → stalin) and a light suffix stemmer (plural -s/-es/-ies,
      -ed, -ing, -ly), because translators choose other inflections as often as other
      words.

What it does not fold
    OCR noise (``rn`` for ``m``, ``1`` for ``l``, dropped letters) is left to fuzzy
    scoring: rapidfuzz compares the normalised strings character by character, and the
    candidate stage looks for several shared word pairs, so one damaged word does not
    hide a passage. Guessing repairs here would merge real words.

Stop words (:data:`STOP_WORDS`) stay in the token stream (the fuzzy scorer and the span
mapping need them) and are marked, so the candidate stage can skip them.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["Tokens", "tokenize", "normalize_word", "STOP_WORDS", "PHRASES"]

# A word: letters and digits, with inner apostrophes (Stalin's, workers' is cut at the
# trailing apostrophe). Hyphens and dashes separate words: "co-existence" and
# "coexistence" then differ by one space, which the fuzzy scorer forgives.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

STOP_WORDS = frozenset(
    """a an the of to in on at by for from with as and or but nor so yet is are was were be been
    being am it its this that these those which who whom whose what there here than then
    has have had having do does did not no he she they them their his her we our us you your
    i me my will would shall should can could may might must also all any such very""".split()
)

# Phrase table: sequences of normalised words (before stemming) → one canonical token.
# Longest phrases are tried first. Keys are tuples of words as _fold_word returns them.
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
    "lenin": ["v i lenin", "vladimir ilyich lenin", "vladimir ilyich", "v i lenin's", "lenin"],
    "stalin": ["j v stalin", "joseph stalin", "josef stalin", "j stalin", "stalin"],
    "individual": ["personality", "individual"],
}

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
    "co": "co",  # keep the prefix of "co-operation" a word of its own
    "cooperation": "co operation", "coexistence": "co existence", "peaceloving": "peace loving",
    "largescale": "large scale",
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

STEM_MIN = 4  # never stem a word to fewer letters than this


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1 << 18)
def _fold_word(word: str) -> str:
    """Lowercase, accents, apostrophes, British/American spelling: before phrases."""
    w = _strip_accents(word).lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.replace("'", "")
    w = _WORD_TABLE.get(w, w)
    if " " in w:
        return w
    m = _OUR.match(w)
    if m and m.group("stem") + "our" not in _OUR_EXCEPTIONS and w not in _OUR_EXCEPTIONS:
        w = m.group("stem") + "or" + (m.group("suf") or "")
    w = _IZE.sub(lambda m: "is" if m.group(0) == "iz" else "ys", w)
    w = _TRE.sub(lambda m: m.group(1) + "er" + (m.group(2) or "").replace("d", "ed"), w) if w != "macabre" else w
    w = _OGUE.sub(lambda m: "og" + (m.group(1) or ""), w)
    w = _LL.sub("l", w)
    return w


@lru_cache(maxsize=1 << 18)
def _stem(w: str) -> str:
    """A light suffix stripper: enough to meet another translator's inflection."""
    if len(w) <= STEM_MIN or not w.isalpha():
        return w
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("ly", ""), ("es", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) + len(repl) >= STEM_MIN:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                return w
            if suffix == "es" and not w.endswith(("ches", "shes", "sses", "xes", "zes")):
                continue  # "errors"/"centres": let the plain -s rule take one letter
            return _drop_e(w[: len(w) - len(suffix)] + repl)
    return _drop_e(w)


def _drop_e(w: str) -> str:
    """organise/organised/organises all become ``organis``."""
    return w[:-1] if len(w) > STEM_MIN + 1 and w.endswith("e") else w


_OCR_FOLD = str.maketrans({"1": "l", "i": "l", "|": "l", "!": "l", "0": "o", "5": "s"})


@lru_cache(maxsize=1 << 18)
def ocr_key(folded: str) -> str:
    """The OCR skeleton of a folded word: letters a scanner confuses made one letter.

    ``i``, ``l``, ``1`` (and a capital ``I`` once lowercased) become ``l``; ``0`` becomes
    ``o``; ``rn`` becomes ``m``, ``vv`` ``w`` and ``cl`` ``d``. Both sides are folded alike,
    so "revo1utionary" and "revolutionary", "rnistake" and "mistake" meet, and the few
    real words that collide ("modern"/"modem") only make an extra candidate. Numbers are
    left alone. The result is then stemmed like a norm.
    """
    if not any(ch.isalpha() for ch in folded):
        return folded
    key = folded.translate(_OCR_FOLD).replace("rn", "m").replace("vv", "w").replace("cl", "d")
    return _stem(key)


def normalize_word(word: str) -> str:
    """The normal form of one word, as the tokenizer gives it (phrases aside)."""
    folded = _fold_word(word)
    return " ".join(_stem(part) for part in folded.split())


def _build_phrases() -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for canonical, variants in _PHRASE_SOURCES.items():
        for variant in variants:
            words: list[str] = []
            for raw in _WORD.findall(variant):
                words.extend(_fold_word(raw).split())
            table[tuple(words)] = canonical
    return table


PHRASES = _build_phrases()
_MAX_PHRASE = max(len(k) for k in PHRASES)
_PHRASE_FIRST = {k[0] for k in PHRASES}


@dataclass(slots=True)
class Tokens:
    """Normalised tokens of one text, with their spans in that text.

    ``norms[k]`` is the k-th token's normal form; ``text[starts[k]:ends[k]]`` is what it
    stands for in the original (a phrase token covers the whole phrase). ``content[k]``
    is False for stop words. :attr:`normalized` joins the norms with single spaces and
    ``norm_starts[k]`` is where token k begins in it, so a window found in the normalised
    string can be mapped back to original offsets (:meth:`window_to_tokens`).
    ``keys[k]`` is the token's OCR skeleton (:func:`ocr_key`), what the candidate stage
    hashes.
    """

    text: str
    norms: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    content: list[bool] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # OCR skeletons of the norms, for hashing
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
        import bisect

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


def tokenize(text: str) -> Tokens:
    """Split ``text`` into normalised tokens that remember where they came from."""
    words: list[tuple[str, int, int]] = []  # (folded word, start, end); folded may split
    for m in _WORD.finditer(text):
        folded = _fold_word(m.group(0))
        for part in folded.split():
            words.append((part, m.start(), m.end()))

    out = Tokens(text=text)
    i = 0
    n = len(words)
    while i < n:
        w = words[i][0]
        matched = 0
        if w in _PHRASE_FIRST:
            for length in range(min(_MAX_PHRASE, n - i), 0, -1):
                key = tuple(x[0] for x in words[i : i + length])
                canonical = PHRASES.get(key)
                if canonical is not None:
                    out.norms.append(canonical)
                    out.starts.append(words[i][1])
                    out.ends.append(words[i + length - 1][2])
                    out.content.append(True)
                    out.keys.append(canonical)
                    matched = length
                    break
        if matched:
            i += matched
            continue
        norm = _stem(w)
        out.norms.append(norm)
        out.starts.append(words[i][1])
        out.ends.append(words[i][2])
        out.content.append(w not in STOP_WORDS and norm not in STOP_WORDS)
        out.keys.append(ocr_key(w))
        i += 1

    pos = 0
    for norm in out.norms:
        out.norm_starts.append(pos)
        pos += len(norm) + 1
    out.normalized = " ".join(out.norms)
    return out
