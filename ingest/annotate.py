"""Stage 4, ``annotate``: find the quotations of each paragraph, who said them, and where.

``annotate`` fills ``doc.quotations``. The work happens paragraph by paragraph in
:func:`find_quotations`, a pure function of one paragraph's text (offsets relative to the
paragraph); ``annotate`` only supplies what crosses a paragraph boundary (the lead-in
sentence of a block quotation, a quotation that runs on from the paragraph before) and
moves the offsets into the clean text.

How a quotation is found
    Quote marks are read with a stack. Typographic marks say which way they face (“ ” ‘ ’,
    plus „ « »); a straight ``"`` closes the innermost open double quotation and opens one
    otherwise, unless it can only be a closing mark (a letter before it, a space after it),
    in which case it is a stray and ignored. A single mark (‘ or ``'``) opens only after a
    space, bracket, dash or quote mark and before a letter; ``’``/``'`` closes it only
    before a non-letter; otherwise it is an apostrophe (``workers' parties``, ``Stalin’s``).
    Printers mix the kinds: the resolution opens the Jenminjihpao editorial with ``"`` and
    closes it with ``”``; any double closer closes any double opener. Only outermost
    quotations are reported; a quotation nested inside another stays part of its text.
    A double quotation still open at the end of the paragraph runs to the end (the printing
    convention for a quotation of several paragraphs re-opens the mark at each paragraph
    and closes it only at the last); an unclosed single mark is taken for an apostrophe.

What is recorded
    * ``parts``: the quoted pieces without their marks; an interrupted quotation
      (``"The intellect ...," said V. I. Lenin, "creates ..."``) is one quotation with two
      parts when the first piece ends in a comma or dash, the words between are a short
      attribution with a verb of saying and end in a comma, and the second piece starts in
      lowercase. The comma that closes a piece is the sentence's, not the speaker's, and is
      left out of the part; terms and titles also lose a closing full stop, colon or
      semicolon (``"iron curtain."``). ``text`` is the parts joined with one space.
    * ``speaker``, from the first of these that names one: the attribution that
      interrupts the quotation (:func:`speaker_in_clause`); the words of its sentence
      before it, which must hold a verb of saying (:func:`speaker_before`); a short clause
      after it when the quotation ends its piece with a comma, ``?`` or ``!``
      (:func:`speaker_after`); for a quotation that opens its paragraph, the paragraph
      before when it ends with a colon (a block quotation: ``Lenin said in a letter to
      the coming party congress:``); and for a quotation that runs on from an unclosed
      one in the paragraph before, that one's speaker. Names are made canonical with
      :data:`SPEAKERS`; a pronoun names no one. Titles carry no speaker.
    * ``citation``: a parenthesised reference with a digit in it right after the quotation,
      possibly after the sentence's full stop: ``"... genius" (Works, Vol. 26, Page 431).``
      It is kept exactly as the clean text prints it, brackets included.
    * ``kind``: ``title`` (:func:`is_title`), else ``quotation`` when a speaker was found,
      else ``term`` for a short phrase (:func:`is_term`), else ``quotation`` with no
      speaker.
"""
from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from synopsis.ingest.model import Doc, Quotation, Span

log = logging.getLogger(__name__)

#: Canonical speaker names and the spellings that refer to them. Matching is
#: case-insensitive, on whole words, with either apostrophe; the longest spelling wins, so
#: "V. I. Lenin" is found before "Lenin". A speaker who is not here keeps the name the text
#: gives ("Comrade" and a possessive ending removed). Add a line when a new document quotes
#: someone under more than one name.
SPEAKERS: dict[str, tuple[str, ...]] = {
    "V. I. Lenin": ("V. I. Lenin", "Vladimir Ilyich Lenin", "Vladimir Ilyich", "Lenin"),
    "Karl Marx": ("Karl Marx", "Marx"),
    "Friedrich Engels": ("Friedrich Engels", "Engels"),
    "J. V. Stalin": ("J. V. Stalin", "Joseph Stalin", "Stalin"),
    "Jenminjihpao editorial": ("Jenminjihpao", "Jen Min Jih Pao", "Renmin Ribao", "People's Daily"),
    "Political Bureau of the French Communist Party": (
        "political bureau of the French Communist Party",
        "politbureau of the French Communist Party",
    ),
    "Eugene Dennis": ("Eugene Dennis",),
    "Palmiro Togliatti": ("Palmiro Togliatti", "Togliatti"),
}

#: A quoted phrase of at most this many words, with no speaker, is a term (scare quotes,
#: a cited name or slogan) rather than a quotation.
TERM_MAX_WORDS = 5

#: Nouns that introduce a title when they stand right before the opening mark
#: (``in an editorial "On the historical experience ..."``). A colon in between means the
#: quotation is *from* the article, not its title (``says in his article: "..."``).
TITLE_NOUNS = (
    "article", "editorial", "essay", "book", "booklet", "pamphlet", "report", "resolution",
    "treatise", "poem", "novel", "film", "play", "chapter", "entitled", "titled", "headed",
    "under the title",
)

DOUBLE_OPENERS = "“„«"
DOUBLE_CLOSERS = "”»"
SINGLE_OPENERS = "‘"
SINGLE_CLOSERS = "’"
QUOTE_MARKS = DOUBLE_OPENERS + DOUBLE_CLOSERS + SINGLE_OPENERS + SINGLE_CLOSERS + "\"'"

# Any quote mark: the scanner visits these and skips the rest of the text in C.
_QUOTE_MARK = re.compile("[" + re.escape(QUOTE_MARKS) + "]")
# One character for which ``str.isalnum`` holds (``\w`` is exactly that, plus "_").
_ALNUM = re.compile(r"[^\W_]")
# What :func:`_masked` blanks out inside a quotation (a stop only before its last character).
_MASKABLE = re.compile(r"[^\W_]|[.?!]")

# Characters after which a mark opens, and before which a mark closes.
_OPEN_AFTER = "([{—–-/:;" + QUOTE_MARKS
_CLOSE_BEFORE = ".,;:!?)]}—–-…" + QUOTE_MARKS

# Verbs (and a few phrases) of saying, lowercase only, so "United States" is not "states".
_SPEECH_CUE = re.compile(
    r"\b(?:said|says|say|saying|wrote|writes|write|writing|written|declared|declares|declare|"
    r"declaring|stated|stating|remarked|remarks|observed|observes|added|adds|asked|asks|"
    r"replied|replies|answered|answers|insisted|insists|warned|warns|proclaimed|proclaims|"
    r"emphasi[sz](?:e|es|ed|ing)|stress(?:ed|es|ing)|points? out|pointed out|pointing out|"
    r"put it|puts it|putting the question|puts the question|in the words of|according to)\b"
)

# A word that puts the name after it in a prepositional phrase ("by V. I. Lenin"), or
# joins it to an earlier subject ("he and Friedrich Engels"), so it is not the speaker.
_PREPOSITIONS = frozenset(
    "of by to for with from about against in on at after before since under over than "
    "between among upon into towards toward without via and or nor".split()
)
# Determiners and numbers skipped when looking for that word ("of the 20th Congress").
_SKIPPABLE = frozenset("the a an his her its their our this that these those".split())
# Capitalised words that open a sentence without naming anyone.
_NOT_NAMES = frozenset(
    "the a an this that these those it he she we they i in on at as when then there here "
    "thus so but and or yet after before while if although though since".split()
)
# Pronouns, personal and indefinite: "she said", "Nobody answered" name no one.
_PRONOUNS = frozenset(
    "he she they we i it one you nobody everybody everyone someone somebody anyone anybody "
    "none all many some few others".split()
)
_NOT_NAMES = _NOT_NAMES | _PRONOUNS

_APOSTROPHES = "'’"
_NAME_WORD = r"[A-Z][\w'’-]*[a-z][\w'’-]*"
_GENERIC_NAME = re.compile(
    rf"(?:Comrade\s+)?(?:(?:[A-Z]\.\s*){{1,3}}{_NAME_WORD}|{_NAME_WORD}(?:\s+{_NAME_WORD})*)"
)
_ABBREVIATION = re.compile(
    r"(?:^|[\s(\"“‘'])(?:[A-Z]|(?:[A-Za-z]\.)+[A-Za-z]|Vol|Vols|No|Nos|pp?|cf|Mr|Mrs|Dr|St|ed|eds|viz|ibid|etc)$"
)
_SENTENCE_END = re.compile(r"[.?!][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_CITATION = re.compile(r"\s*[.;,]?\s*(\([^()]{1,300}\))")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_COMRADE = re.compile(r"^Comrade\s+")
_POSSESSIVE_END = re.compile(r"['’]s?$")
_WORD_OR_APOSTROPHE = re.compile(r"[\w'’]+")
_CLAUSE_STOP = re.compile(r"(?<!\b[A-Z])[.;:!?]")
_STOP_THEN_SPACE = re.compile(r"[.?!;]\s")


def _alias_pattern(alias: str) -> str:
    words = [re.escape(w).replace("'", "['’]").replace("’", "['’]") for w in alias.split()]
    return r"\b" + r"\s+".join(words) + r"(?!\w)"


_ALIASES = sorted(
    ((alias, canonical) for canonical, aliases in SPEAKERS.items() for alias in aliases),
    key=lambda pair: -len(pair[0]),
)
_ALIAS_RE = re.compile("|".join(_alias_pattern(a) for a, _ in _ALIASES), re.IGNORECASE)
_ALIAS_LOOKUP = {" ".join(a.replace("’", "'").lower().split()): c for a, c in _ALIASES}


@dataclass(slots=True)
class QuotationMatch:
    """A quotation found in one paragraph; offsets are relative to the paragraph's text."""

    start: int
    end: int
    parts: list[tuple[int, int]]
    text: str
    kind: str = "quotation"
    speaker: str | None = None
    citation: str | None = None
    closed: bool = True  # False when the quotation runs on to the end of the paragraph


@dataclass(slots=True)
class _Quoted:
    """One run between a pair of outermost quote marks (or to the end of the paragraph)."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool


@dataclass(slots=True)
class _Open:
    pos: int
    double: bool
    straight: bool


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    name: str
    known: bool  # found through SPEAKERS


# --------------------------------------------------------------------------- quote marks


def _opens_here(text: str, i: int) -> bool:
    """A mark at ``i`` is placed like an opening mark: after a space or bracket, before a word."""
    before_ok = i == 0 or text[i - 1].isspace() or text[i - 1] in _OPEN_AFTER
    return before_ok and i + 1 < len(text) and not text[i + 1].isspace()


def _closes_here(text: str, i: int) -> bool:
    """A mark at ``i`` is placed like a closing mark: after a word, before a space or stop."""
    after_ok = i + 1 == len(text) or text[i + 1].isspace() or text[i + 1] in _CLOSE_BEFORE
    return i > 0 and not text[i - 1].isspace() and after_ok


def _innermost_double(stack: list[_Open]) -> int | None:
    for k in range(len(stack) - 1, -1, -1):
        if stack[k].double:
            return k
    return None


def _scan(
    text: str, start: int, *, continues: bool, apostrophes: set[int], found: list[_Quoted]
) -> bool:
    """One pass over the marks from ``start``, appending the outermost quotations to
    ``found``. Returns False when the pass ended with an unclosed single mark at the bottom
    of the stack: such marks were apostrophes after all; they are added to ``apostrophes``
    and the caller scans again from just after the first of them (where the stack was
    empty, so nothing found before it changes)."""
    stack: list[_Open] = []

    def close(k: int, i: int) -> None:
        mark = stack[k]
        del stack[k:]
        if not stack:
            found.append(_Quoted(mark.pos, i + 1, mark.pos + 1, i, True))

    def run_on(i: int) -> None:
        # a closing mark with nothing open, in a paragraph that continues a quotation
        first = len(text) - len(text.lstrip())
        found.append(_Quoted(first, i + 1, first, i, True))

    for m in _QUOTE_MARK.finditer(text, start):
        i = m.start()
        if i in apostrophes:
            continue
        ch = text[i]
        if ch in DOUBLE_OPENERS:
            stack.append(_Open(i, True, False))
        elif ch in DOUBLE_CLOSERS:
            k = _innermost_double(stack)
            if k is not None:
                close(k, i)
            elif continues and not found and not stack:
                run_on(i)
        elif ch == '"':
            k = _innermost_double(stack)
            if k is None:
                if _closes_here(text, i) and not _opens_here(text, i):
                    if continues and not found and not stack:
                        run_on(i)
                    # else: a stray closing mark (or an inch sign): ignore it
                else:
                    stack.append(_Open(i, True, True))
            elif stack[k].straight:
                close(k, i)
            elif _opens_here(text, i) and not _closes_here(text, i):
                stack.append(_Open(i, True, True))  # straight marks nested in typographic ones
            else:
                close(k, i)
        elif ch in SINGLE_OPENERS:
            if i == 0 or not text[i - 1].isalnum():
                stack.append(_Open(i, False, False))
        else:  # ’ or '
            top = stack[-1] if stack else None
            after_letter = i + 1 < len(text) and text[i + 1].isalnum()
            if top is not None and not top.double and not after_letter and i > 0 and not text[i - 1].isspace():
                close(len(stack) - 1, i)
            elif ch == "'" and _opens_here(text, i) and after_letter:
                stack.append(_Open(i, False, True))
            # else: an apostrophe
    if not stack:
        return True
    if not stack[0].double:
        # Removing the bottom mark cannot give any other open single mark a partner (none of
        # them met a closer while on the stack), so all of them are apostrophes.
        apostrophes.update(mark.pos for mark in stack if not mark.double)
        return False
    found.append(_Quoted(stack[0].pos, len(text), stack[0].pos + 1, len(text), False))
    return True


def quoted_runs(text: str, *, continues: bool = False) -> list[_Quoted]:
    """The outermost quoted runs of a paragraph, in order, without overlaps."""
    apostrophes: set[int] = set()
    found: list[_Quoted] = []
    start = 0
    while not _scan(text, start, continues=continues, apostrophes=apostrophes, found=found):
        start = min(pos for pos in apostrophes if pos >= start) + 1
    return [q for q in found if _ALNUM.search(text, q.inner_start, q.inner_end)]


# --------------------------------------------------------------------------- speakers


@functools.lru_cache(maxsize=4096)
def canonical_speaker(name: str) -> str:
    """The canonical form of a speaker's name (see :data:`SPEAKERS`).

    Cached: a corpus names the same few speakers over and over."""
    name = " ".join(name.split()).strip(" ,;:")
    name = _COMRADE.sub("", name)
    name = _POSSESSIVE_END.sub("", name)
    return _ALIAS_LOOKUP.get(name.replace("’", "'").lower(), name)


def _is_possessive(ctx: str, cand: _Candidate) -> bool:
    after = ctx[cand.end : cand.end + 2]
    return after in ("'s", "’s") or (cand.name.endswith("s") and after[:1] != "" and after[:1] in _APOSTROPHES)


def _after_preposition(ctx: str, start: int) -> bool:
    """The name at ``start`` stands in a prepositional phrase (``of the 20th Congress``)."""
    words = _WORD_OR_APOSTROPHE.findall(ctx, 0, start)
    for word in reversed(words):
        low = word.lower()
        if low in _SKIPPABLE or word[:1].isdigit():
            continue
        return low in _PREPOSITIONS
    return False


def _adjacent(ctx: str, a: int, b: int) -> bool:
    """Only commas, spaces and adverbs ("quite correctly") stand between ``a`` and ``b``."""
    between = _WORD_OR_APOSTROPHE.findall(ctx, a, b)
    return len(between) <= 3 and all(w.endswith("ly") or w in ("quite", "also", "then", "once", "again") for w in between)


def _candidates(ctx: str) -> list[_Candidate]:
    """Names in ``ctx``: known speakers first-class, and capitalised names the text offers."""
    known = [_Candidate(m.start(), m.end(), m.group(0), True) for m in _ALIAS_RE.finditer(ctx)]
    found = list(known)
    for m in _GENERIC_NAME.finditer(ctx):
        if any(k.start < m.end() and m.start() < k.end for k in known):
            continue
        words = m.group(0).split()
        start = m.start()
        while words and words[0].lower() in _NOT_NAMES:
            start = ctx.index(words[1], start + len(words[0])) if len(words) > 1 else m.end()
            words = words[1:]
        if words:
            found.append(_Candidate(start, m.end(), " ".join(words), False))
    return sorted(found, key=lambda c: c.start)


def _plausible(ctx: str, cand: _Candidate, cue: re.Match[str], *, sentence_start: int) -> bool:
    """Whether a name before or after a verb of saying can be its subject."""
    if _is_possessive(ctx, cand):
        # "Comrade Togliatti’s putting the question" names the speaker; "Lenin's behests" does not
        return _adjacent(ctx, ctx.index(" ", cand.end) if " " in ctx[cand.end :] else cand.end, cue.start())
    if cand.known:
        return True
    if _after_preposition(ctx, cand.start):
        return False
    near = _adjacent(ctx, cand.end, cue.start()) if cand.end <= cue.start() else _adjacent(ctx, cue.end(), cand.start)
    generic_form = cand.name.startswith("Comrade") or "." in cand.name or " " in cand.name
    if cand.start == sentence_start and " " not in cand.name:
        return near
    return near or generic_form


def speaker_in_clause(ctx: str) -> str | None:
    """The speaker named by a short attribution clause (``said V. I. Lenin``, ``Lenin wrote``,
    ``a statement of the political bureau of the French Communist Party says``)."""
    cue = _SPEECH_CUE.search(ctx)
    if cue is None:
        return None
    cands = _candidates(ctx)
    known = [c for c in cands if c.known and not _is_possessive(ctx, c)]
    if known:
        return canonical_speaker(known[0].name)
    for cand in cands:
        if cand.name.lower() not in _PRONOUNS and not _is_possessive(ctx, cand):
            return canonical_speaker(cand.name)
    return None


def speaker_before(ctx: str) -> str | None:
    """The speaker of a quotation from the words of its sentence before it.

    The last verb of saying governs the quotation; its subject is the last plausible name
    before it (``Lenin said in a letter ...:``, ``Comrade Eugene Dennis, noting ..., says``),
    or failing that the first after it (``wrote the newspaper Jenminjihpao:``).
    """
    cues = list(_SPEECH_CUE.finditer(ctx))
    if not cues:
        return None
    cue = cues[-1]
    sentence_start = len(ctx) - len(ctx.lstrip())
    cands = _candidates(ctx)
    before = [c for c in cands if c.end <= cue.start() and _plausible(ctx, c, cue, sentence_start=sentence_start)]
    if before:
        return canonical_speaker(before[-1].name)
    after = [c for c in cands if c.start >= cue.end() and _plausible(ctx, c, cue, sentence_start=sentence_start)]
    if after:
        return canonical_speaker(after[0].name)
    return None


def _attribution_may_follow(text: str, run: _Quoted) -> bool:
    """A closed quotation ending in a comma, question or exclamation mark, or dash leaves its
    sentence open for ``said X``; one ending in a full stop does not."""
    return run.closed and text[run.inner_start : run.inner_end].rstrip()[-1:] in (",", "?", "!", "—", "–")


def speaker_after(tail: str, *, max_words: int = 10) -> str | None:
    """The speaker named right after a quotation (``," said Lenin.``), up to the next stop;
    a clause of more than ``max_words`` words is the sentence going on, not an attribution."""
    stop = _CLAUSE_STOP.search(tail)
    clause = tail[: stop.start()] if stop else tail
    if len(_WORD.findall(clause)) > max_words:
        return None
    return speaker_in_clause(clause)


def sentence_starts(text: str) -> list[int]:
    """Where the sentences of ``text`` begin (initials and abbreviations do not end one)."""
    starts = [0]
    for m in _SENTENCE_END.finditer(text):
        if text[m.start()] == "." and _ABBREVIATION.search(text, max(0, m.start() - 24), m.start()):
            continue
        starts.append(m.end())
    return starts


def _sentence_start(starts: list[int], pos: int) -> int:
    """The start of the sentence that holds ``pos``."""
    return starts[bisect.bisect_right(starts, pos) - 1]


def _masked(text: str, runs: Sequence[_Quoted]) -> str:
    """``text`` with the words inside quotations blanked out (same length), so names and
    verbs quoted there are not taken for an attribution; a stop that ends the quoted words
    is kept, since it may end the sentence too.

    Built from slices, one regular-expression substitution per quotation: runs are in
    order and do not overlap (see :func:`quoted_runs`)."""
    if not runs:
        return text
    pieces = []
    cursor = 0
    for run in runs:
        a, b = run.inner_start, run.inner_end
        if b <= a:
            continue
        pieces.append(text[cursor:a])
        pieces.append(_MASKABLE.sub("x", text[a : b - 1]))
        pieces.append("x" if text[b - 1].isalnum() else text[b - 1])
        cursor = b
    pieces.append(text[cursor:])
    return "".join(pieces)


# --------------------------------------------------------------------------- kinds


def is_title(before: str, quoted: str, *, italic: bool = False) -> bool:
    """A quoted title: introduced by a title noun right before the mark, or set in italics.

    ``in an editorial "On the historical experience ..."`` is a title; ``says in his
    well-known article: "..."`` is not (the colon introduces words from the article).
    """
    if italic:
        return True
    if len(quoted.split()) > 25:
        return False
    tail = before.rstrip().lower()
    # The cheap test first: most quotations are not preceded by any title noun at all.
    return tail.endswith(TITLE_NOUNS) and _TITLE_NOUN_AT_END.search(tail) is not None


_TITLE_NOUN_AT_END = re.compile(r"\b(?:" + "|".join(map(re.escape, TITLE_NOUNS)) + r")$")


def looks_title_cased(quoted: str) -> bool:
    """``"On the Historical Experience of the Dictatorship"``: three or more words (two
    capitalised words are more often a name, ``"Free World"``), the first and every word of
    four letters or more capitalised, no sentence punctuation."""
    words = _WORD.findall(quoted)
    if len(words) < 3 or len(words) > 12 or _STOP_THEN_SPACE.search(quoted):
        return False
    return words[0][0].isupper() and all(w[0].isupper() for w in words if len(w) >= 4)


def is_term(quoted: str, speaker: str | None, *, term_max_words: int = TERM_MAX_WORDS) -> bool:
    """A term: a short quoted phrase no one is said to have said (scare quotes, a slogan,
    a cited name): ``"trouble the waters"``, ``"iron curtain"``, ``"who beats whom?"``."""
    return speaker is None and len(_WORD.findall(quoted)) <= term_max_words


def _citation_after(text: str, end: int) -> str | None:
    """A parenthesised reference right after ``end``, possibly after a stop."""
    m = _CITATION.match(text, end)
    if m is None or not any(c.isdigit() for c in m.group(1)):
        return None
    return m.group(1)


def _trim(text: str, a: int, b: int, *, stops: str) -> tuple[int, int]:
    """Narrow ``[a, b)`` to the quoted words: no spaces around, no closing ``stops``."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in stops):
        b -= 1
    return a, b


def _is_interruption(text: str, first: _Quoted, second: _Quoted) -> bool:
    """``"..., " said X, "..."``: the two runs are one quotation broken by its attribution."""
    if not first.closed:
        return False
    piece = text[first.inner_start : first.inner_end].rstrip()
    gap = text[first.end : second.start]
    rest = text[second.inner_start : second.inner_end].lstrip()
    return (
        piece.endswith((",", "—", "–"))
        and gap.rstrip().endswith((",", "—", "–"))
        and 1 <= len(_WORD.findall(gap)) <= 15
        and _SPEECH_CUE.search(gap) is not None
        and rest[:1].islower()
    )


def _is_fragment(quoted: str) -> bool:
    """Quoted words that begin in lowercase are run into the author's sentence, so a stop
    closing them is the sentence's (``arrived at "certain forms of degeneration."``)."""
    first = next((c for c in quoted if c.isalpha()), "")
    return first.islower()


def _italic(span: tuple[int, int], italics: Sequence[Span]) -> bool:
    a, b = span
    return b > a and any(s.start <= a and b <= s.end for s in italics)


# --------------------------------------------------------------------------- the finder


def find_quotations(
    text: str,
    *,
    italics: Sequence[Span] = (),
    lead_in: str = "",
    continues: bool = False,
    term_max_words: int = TERM_MAX_WORDS,
) -> list[QuotationMatch]:
    """The quotations, terms and titles of one paragraph, in order.

    ``italics`` are the paragraph's italic spans (relative to ``text``); ``lead_in`` is the
    text before the paragraph, which attributes a quotation that opens the paragraph when
    it ends with a colon (``Lenin said in a letter to the coming party congress:``);
    ``continues`` says that the paragraph before ended inside an open quotation, so a
    closing mark with nothing open closes a quotation that began with this paragraph.
    A quoted phrase of at most ``term_max_words`` words with no speaker is a term.
    """
    runs = quoted_runs(text, continues=continues)
    if not runs:
        return []  # most paragraphs: nothing below needs doing
    groups: list[list[_Quoted]] = []
    for run in runs:
        if groups and _is_interruption(text, groups[-1][-1], run):
            groups[-1].append(run)
        else:
            groups.append([run])

    masked = _masked(text, runs)
    starts = sentence_starts(masked)
    found: list[QuotationMatch] = []
    for group in groups:
        first, last = group[0], group[-1]
        raw = [_trim(text, r.inner_start, r.inner_end, stops=",—–") for r in group]
        quoted = " ".join(text[a:b] for a, b in raw)
        sentence = _sentence_start(starts, first.start)
        before = masked[sentence : first.start]

        speaker = None
        title = is_title(text[sentence : first.start], quoted, italic=_italic(raw[0], italics) and len(group) == 1)
        if not title:
            if len(group) > 1:
                speaker = speaker_in_clause(text[first.end : group[1].start])
            if speaker is None:
                speaker = speaker_before(before)
            if speaker is None and _attribution_may_follow(text, last):
                speaker = speaker_after(masked[last.end :])
            if speaker is None and not text[: first.start].strip() and lead_in.rstrip().endswith(":"):
                lead = lead_in.rstrip()
                lead = _masked(lead, quoted_runs(lead))
                speaker = speaker_before(lead[sentence_starts(lead)[-1] :])

        if title:
            kind = "title"
        elif speaker is not None:
            kind = "quotation"
        elif len(group) == 1 and looks_title_cased(quoted):
            kind = "title"
        elif is_term(quoted, None, term_max_words=term_max_words):
            kind = "term"
        else:
            kind = "quotation"

        if kind != "quotation" or _is_fragment(quoted):
            raw = [_trim(text, a, b, stops=",—–.;:") for a, b in raw]
        parts = [(a, b) for a, b in raw if b > a]
        found.append(
            QuotationMatch(
                start=first.start,
                end=last.end,
                parts=parts,
                text=" ".join(text[a:b] for a, b in parts),
                kind=kind,
                speaker=speaker,
                citation=_citation_after(text, last.end) if last.closed else None,
                closed=last.closed,
            )
        )
    return found


def annotate(doc: Doc) -> Doc:
    """Fill ``doc.quotations`` from ``doc.paragraphs`` (see the module docstring)."""
    quotations: list[Quotation] = []
    previous_text = ""
    open_speaker: str | None = None  # speaker of a quotation left open at a paragraph's end
    open_at_end = False
    for paragraph in doc.paragraphs:
        text = doc.text[paragraph.start : paragraph.end]
        matches = find_quotations(
            text, italics=paragraph.italics, lead_in=previous_text, continues=open_at_end
        )
        for ordinal, match in enumerate(matches, start=1):
            speaker = match.speaker
            if speaker is None and open_at_end and ordinal == 1 and not text[: match.start].strip():
                speaker = open_speaker  # a quotation of several paragraphs keeps its speaker
            kind = "quotation" if speaker is not None and match.kind == "term" else match.kind
            base = paragraph.start
            quotations.append(
                Quotation(
                    start=base + match.start,
                    end=base + match.end,
                    paragraph=paragraph.ordinal,
                    ordinal=ordinal,
                    kind=kind,
                    text=match.text,
                    speaker=speaker,
                    citation=match.citation,
                    parts=[Span(base + a, base + b) for a, b in match.parts],
                )
            )
            match.speaker = speaker
        open_at_end = bool(matches) and not matches[-1].closed
        open_speaker = matches[-1].speaker if open_at_end else None
        previous_text = text
    doc.quotations = quotations
    log.debug("%s: %d quotations", doc.meta.id, len(quotations))
    return doc
