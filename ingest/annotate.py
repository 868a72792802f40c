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
      one in the paragraph before, that one's speaker. Names are made canonical with the
      language profile's names table; a pronoun names no one. Titles carry no speaker.
    * ``citation``: a parenthesised reference with a digit in it right after the quotation,
      possibly after the sentence's full stop: ``"... genius" (Works, Vol. 26, Page 431).``
      It is kept exactly as the clean text prints it, brackets included.
    * ``kind``: ``title`` (:func:`is_title`), else ``quotation`` when a speaker was found,
      else ``term`` for a short phrase (:func:`is_term`), else ``quotation`` with no
      speaker.

Languages
    Everything that depends on the language comes from the document's profile
    (:mod:`synopsis.languages`): which marks open and close a quotation (English “…”,
    Italian and French «…», German „…“ and »…«, Chinese 「…」), the verbs of saying
    (``said``, ``disse``, ``ha dichiarato``, ``a déclaré``, ``sagte``, ``заявил``, ``说``),
    honorifics (``Comrade``, ``On.``, ``товарищ``), the function words that are not names,
    the title nouns, and the names table. Names are found by their capital in any script;
    a language written without spaces finds speakers through its names table only. An
    unknown language gets the language-neutral profile: every common pair of marks, and no
    verbs of saying, so its quotations are found without speakers rather than with English
    guesses.
"""
from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from synopsis.ingest.model import Doc, Quotation, Span
from synopsis.ingest.segment import sentence_starts
from synopsis.languages import LOWER, UPPER, Profile, per_profile, profile_for

log = logging.getLogger(__name__)

#: A quoted phrase of at most this many words, with no speaker, is a term (scare quotes,
#: a cited name or slogan) rather than a quotation.
TERM_MAX_WORDS = 5

_STRAIGHT_DOUBLE = '"'
_STRAIGHT_SINGLE = "'"
# Punctuation after which a mark opens, and before which a mark closes, in every script.
_OPEN_AFTER = "([{—–-/:;（【〔，、：；"
_CLOSE_BEFORE = ".,;:!?)]}—–-…，。、；：！？）】〕"
# One character for which ``str.isalnum`` holds (``\w`` is exactly that, plus "_").
_ALNUM = re.compile(r"[^\W_]")
# What :func:`_masked` blanks out inside a quotation (a stop only before its last character).
_MASKABLE = re.compile(r"[^\W_]|[.?!。！？]")
_APOSTROPHES = "'’"
_NAME_WORD = rf"[{UPPER}][\w'’-]*[{LOWER}][\w'’-]*"
_INITIALS = rf"(?:[{UPPER}]\.\s*){{1,3}}"
_CITATION = re.compile(r"\s*[.;,]?\s*(\([^()]{1,300}\))")
_POSSESSIVE_END = re.compile(r"['’]s?$")
_WORD_OR_APOSTROPHE = re.compile(r"[\w'’]+")
_CLAUSE_STOP = re.compile(rf"(?<!\b[{UPPER}])[.;:!?]|[。；：！？]")
_STOP_THEN_SPACE = re.compile(r"[.?!;]\s")
_PIECE_OPEN = (",", "—", "–", "，")  # a quoted piece ending so leaves its sentence open


def _alias_pattern(alias: str) -> str:
    words = [re.escape(w).replace("'", "['’]").replace("’", "['’]") for w in alias.split()]
    body = r"\s+".join(words)
    # word boundaries only where the alias begins and ends with a letter of a spaced script
    head = r"\b" if re.match(r"\w", alias) and not _unspaced(alias[0]) else ""
    tail = r"(?!\w)" if not _unspaced(alias[-1]) else ""
    return head + body + tail


def _unspaced(ch: str) -> bool:
    return bool(re.match(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]", ch))


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: one per profile
class _Rules:
    """One language profile's rules, compiled once (:func:`_rules`)."""

    profile: Profile
    double_openers: str
    double_closers: str
    double_either: str  # marks that may open or close (the straight ``"``)
    single_openers: str
    quote_mark: re.Pattern[str]
    open_after: str
    close_before: str
    speech_cue: re.Pattern[str] | None
    alias_re: re.Pattern[str] | None
    alias_lookup: dict[str, str]
    generic_name: re.Pattern[str] | None
    honorific: re.Pattern[str] | None
    title_noun_at_end: re.Pattern[str] | None


@per_profile
def _rules(profile: Profile) -> _Rules:
    openers = "".join(a for a, _ in profile.double_quotes)
    closers = "".join(b for _, b in profile.double_quotes)
    either = _STRAIGHT_DOUBLE + "".join(ch for ch in openers if ch in closers)
    double_openers = "".join(dict.fromkeys(ch for ch in openers if ch not in either))
    double_closers = "".join(dict.fromkeys(ch for ch in closers if ch not in either))
    single_openers = "".join(dict.fromkeys(a for a, b in profile.single_quotes if a != b))
    single_closers = "".join(b for _, b in profile.single_quotes)
    marks = "".join(dict.fromkeys(double_openers + double_closers + either + single_openers + single_closers + _STRAIGHT_SINGLE))
    bound, end = (r"\b", r"\b") if profile.spaced else ("", "")
    verbs = sorted(profile.speech_verbs, key=len, reverse=True)
    cue = re.compile(bound + "(?:" + "|".join(v.replace(" ", r"\s+") for v in verbs) + ")" + end) if verbs else None
    aliases = sorted(
        ((alias, speaker) for speaker, aliases in profile.speakers().items() for alias in aliases),
        key=lambda pair: -len(pair[0]),
    )
    alias_re = re.compile("|".join(_alias_pattern(a) for a, _ in aliases), re.IGNORECASE) if aliases else None
    honorifics = sorted(profile.honorifics, key=len, reverse=True)
    honorific = "(?:" + "|".join(re.escape(h) for h in honorifics) + r")\s+" if honorifics else ""
    generic = None
    if profile.spaced:
        generic = re.compile(rf"(?:{honorific})?(?:{_INITIALS}{_NAME_WORD}|{_NAME_WORD}(?:\s+{_NAME_WORD})*)")
    nouns = profile.title_nouns
    return _Rules(
        profile=profile,
        double_openers=double_openers,
        double_closers=double_closers,
        double_either=either,
        single_openers=single_openers,
        quote_mark=re.compile("[" + re.escape(marks) + "]"),
        open_after=_OPEN_AFTER + marks,
        close_before=_CLOSE_BEFORE + marks,
        speech_cue=cue,
        alias_re=alias_re,
        alias_lookup={" ".join(a.replace("’", "'").lower().split()): c for a, c in aliases},
        generic_name=generic,
        honorific=re.compile("^" + honorific) if honorific else None,
        title_noun_at_end=re.compile(r"\b(?:" + "|".join(map(re.escape, nouns)) + r")$") if nouns else None,
    )


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


def _opens_here(text: str, i: int, rules: _Rules) -> bool:
    """A mark at ``i`` is placed like an opening mark: after a space or bracket, before a word."""
    before_ok = i == 0 or text[i - 1].isspace() or text[i - 1] in rules.open_after
    return before_ok and i + 1 < len(text) and not text[i + 1].isspace()


def _closes_here(text: str, i: int, rules: _Rules) -> bool:
    """A mark at ``i`` is placed like a closing mark: after a word, before a space or stop."""
    after_ok = i + 1 == len(text) or text[i + 1].isspace() or text[i + 1] in rules.close_before
    return i > 0 and not text[i - 1].isspace() and after_ok


def _innermost_double(stack: list[_Open]) -> int | None:
    for k in range(len(stack) - 1, -1, -1):
        if stack[k].double:
            return k
    return None


def _scan(
    text: str, start: int, *, continues: bool, apostrophes: set[int], found: list[_Quoted], rules: _Rules
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

    for m in rules.quote_mark.finditer(text, start):
        i = m.start()
        if i in apostrophes:
            continue
        ch = text[i]
        if ch in rules.double_openers:
            stack.append(_Open(i, True, False))
        elif ch in rules.double_closers:
            k = _innermost_double(stack)
            if k is not None:
                close(k, i)
            elif continues and not found and not stack:
                run_on(i)
        elif ch in rules.double_either:
            k = _innermost_double(stack)
            if k is None:
                if _closes_here(text, i, rules) and not _opens_here(text, i, rules):
                    if continues and not found and not stack:
                        run_on(i)
                    # else: a stray closing mark (or an inch sign): ignore it
                else:
                    stack.append(_Open(i, True, True))
            elif stack[k].straight:
                close(k, i)
            elif _opens_here(text, i, rules) and not _closes_here(text, i, rules):
                stack.append(_Open(i, True, True))  # straight marks nested in typographic ones
            else:
                close(k, i)
        elif ch in rules.single_openers:
            if i == 0 or not text[i - 1].isalnum():
                stack.append(_Open(i, False, False))
        else:  # a single closing mark (’), or '
            top = stack[-1] if stack else None
            after_letter = i + 1 < len(text) and text[i + 1].isalnum()
            if top is not None and not top.double and not after_letter and i > 0 and not text[i - 1].isspace():
                close(len(stack) - 1, i)
            elif ch == "'" and _opens_here(text, i, rules) and after_letter:
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


def quoted_runs(text: str, *, continues: bool = False, profile: Profile | None = None) -> list[_Quoted]:
    """The outermost quoted runs of a paragraph, in order, without overlaps."""
    rules = _rules(profile or profile_for(None))
    apostrophes: set[int] = set()
    found: list[_Quoted] = []
    start = 0
    while not _scan(text, start, continues=continues, apostrophes=apostrophes, found=found, rules=rules):
        start = min(pos for pos in apostrophes if pos >= start) + 1
    return [q for q in found if _ALNUM.search(text, q.inner_start, q.inner_end)]


# --------------------------------------------------------------------------- speakers


def quote_marks(profile: Profile | None = None) -> str:
    """Every mark that can open or close a quotation in ``profile``'s language."""
    return _rules(profile or profile_for(None)).quote_mark.pattern[1:-1].replace("\\", "")


@functools.lru_cache(maxsize=4096)
def _canonical(name: str, rules: _Rules) -> str:
    name = " ".join(name.split()).strip(" ,;:")
    if rules.honorific is not None:
        name = rules.honorific.sub("", name)
    if rules.profile.apostrophe == "possessive":
        name = _POSSESSIVE_END.sub("", name)
    return rules.alias_lookup.get(name.replace("’", "'").lower(), name)


def canonical_speaker(name: str, *, profile: Profile | None = None) -> str:
    """The canonical form of a speaker's name (the profile's names table; an honorific
    and a possessive ending removed).

    Cached: a corpus names the same few speakers over and over."""
    return _canonical(name, _rules(profile or profile_for(None)))


def _is_possessive(ctx: str, cand: _Candidate, rules: _Rules) -> bool:
    if rules.profile.apostrophe != "possessive":
        return False
    after = ctx[cand.end : cand.end + 2]
    return after in ("'s", "’s") or (cand.name.endswith("s") and after[:1] != "" and after[:1] in _APOSTROPHES)


def _after_preposition(ctx: str, start: int, rules: _Rules) -> bool:
    """The name at ``start`` stands in a prepositional phrase (``of the 20th Congress``)."""
    words = _WORD_OR_APOSTROPHE.findall(ctx, 0, start)
    for word in reversed(words):
        low = word.lower().rstrip(_APOSTROPHES)
        if low in rules.profile.determiners or word[:1].isdigit():
            continue
        return low in rules.profile.prepositions
    return False


def _adjacent(ctx: str, a: int, b: int, rules: _Rules) -> bool:
    """Only commas, spaces and adverbs ("quite correctly") stand between ``a`` and ``b``."""
    between = _WORD_OR_APOSTROPHE.findall(ctx, a, b)
    suffixes, adverbs = rules.profile.adverb_suffixes, rules.profile.adverbs
    return len(between) <= 3 and all(w.endswith(suffixes) or w in adverbs for w in between)


def _candidates(ctx: str, rules: _Rules) -> list[_Candidate]:
    """Names in ``ctx``: known speakers first-class, and capitalised names the text offers."""
    known = [_Candidate(m.start(), m.end(), m.group(0), True) for m in rules.alias_re.finditer(ctx)] if rules.alias_re else []
    found = list(known)
    if rules.generic_name is None:
        return found  # a script without capitals offers no names but the known ones
    not_names = rules.profile.not_names
    for m in rules.generic_name.finditer(ctx):
        if any(k.start < m.end() and m.start() < k.end for k in known):
            continue
        words = m.group(0).split()
        start = m.start()
        while words and words[0].lower() in not_names:
            start = ctx.index(words[1], start + len(words[0])) if len(words) > 1 else m.end()
            words = words[1:]
        if words:
            found.append(_Candidate(start, m.end(), " ".join(words), False))
    return sorted(found, key=lambda c: c.start)


def _plausible(ctx: str, cand: _Candidate, cue: re.Match[str], rules: _Rules, *, sentence_start: int) -> bool:
    """Whether a name before or after a verb of saying can be its subject."""
    if _is_possessive(ctx, cand, rules):
        # "Comrade Togliatti’s putting the question" names the speaker; "Lenin's behests" does not
        return _adjacent(ctx, ctx.index(" ", cand.end) if " " in ctx[cand.end :] else cand.end, cue.start(), rules)
    if cand.known:
        return True
    if _after_preposition(ctx, cand.start, rules):
        return False
    if cand.end <= cue.start():
        near = _adjacent(ctx, cand.end, cue.start(), rules)
    else:
        near = _adjacent(ctx, cue.end(), cand.start, rules)
    honorific = rules.honorific is not None and rules.honorific.match(cand.name) is not None
    generic_form = honorific or "." in cand.name or " " in cand.name
    if cand.start == sentence_start and " " not in cand.name:
        return near
    return near or generic_form


def speaker_in_clause(ctx: str, *, profile: Profile | None = None) -> str | None:
    """The speaker named by a short attribution clause (``said V. I. Lenin``, ``Lenin wrote``,
    ``a statement of the political bureau of the French Communist Party says``)."""
    rules = _rules(profile or profile_for(None))
    cue = rules.speech_cue.search(ctx) if rules.speech_cue else None
    if cue is None:
        return None
    cands = _candidates(ctx, rules)
    known = [c for c in cands if c.known and not _is_possessive(ctx, c, rules)]
    if known:
        return _canonical(known[0].name, rules)
    for cand in cands:
        if cand.name.lower() not in rules.profile.pronouns and not _is_possessive(ctx, cand, rules):
            return _canonical(cand.name, rules)
    return None


def speaker_before(ctx: str, *, profile: Profile | None = None) -> str | None:
    """The speaker of a quotation from the words of its sentence before it.

    The last verb of saying governs the quotation; its subject is the last plausible name
    before it (``Lenin said in a letter ...:``, ``Comrade Eugene Dennis, noting ..., says``),
    or failing that the first after it (``wrote the newspaper Jenminjihpao:``,
    ``ha dichiarato Togliatti:``).
    """
    rules = _rules(profile or profile_for(None))
    # a verb of saying may open the sentence (``Ha dichiarato Longo:``): lowercase its
    # first letter for the search (same length, so positions hold)
    first = len(ctx) - len(ctx.lstrip())
    cued = ctx[:first] + ctx[first : first + 1].lower() + ctx[first + 1 :]
    cues = list(rules.speech_cue.finditer(cued)) if rules.speech_cue else []
    if not cues:
        return None
    cue = cues[-1]
    sentence_start = len(ctx) - len(ctx.lstrip())
    cands = _candidates(ctx, rules)
    before = [c for c in cands if c.end <= cue.start() and _plausible(ctx, c, cue, rules, sentence_start=sentence_start)]
    if before:
        return _canonical(before[-1].name, rules)
    after = [c for c in cands if c.start >= cue.end() and _plausible(ctx, c, cue, rules, sentence_start=sentence_start)]
    if after:
        return _canonical(after[0].name, rules)
    return None


def _attribution_may_follow(text: str, run: _Quoted, rules: _Rules | None = None) -> bool:
    """A closed quotation ending in a comma, question or exclamation mark, or dash leaves its
    sentence open for ``said X``; one ending in a full stop does not. Where the comma
    stands after the closing mark (``«...», disse Togliatti``, ``«...», — заявил``), the
    sentence is open too, and so it is where a verb of saying follows the closing mark
    directly (``«...» ha dichiarato il compagno Togliatti``: Italian often writes no comma)."""
    if not run.closed:
        return False
    if rules is not None and rules.speech_cue is not None:
        after = text[run.end :]
        cue = rules.speech_cue.match(after, len(after) - len(after.lstrip()))
        if cue is not None:
            return True
    if text[run.inner_start : run.inner_end].rstrip()[-1:] in (*_PIECE_OPEN, "?", "!", "？", "！"):
        return True
    return text[run.end : run.end + 3].lstrip()[:1] in _PIECE_OPEN


def speaker_after(tail: str, *, max_words: int = 10, profile: Profile | None = None) -> str | None:
    """The speaker named right after a quotation (``," said Lenin.``, ``», disse Togliatti.``),
    up to the next stop; a clause of more than ``max_words`` words is the sentence going on,
    not an attribution."""
    profile = profile or profile_for(None)
    stop = _CLAUSE_STOP.search(tail)
    clause = tail[: stop.start()] if stop else tail
    if profile.spaced and len(profile.words(clause)) > max_words:
        return None
    return speaker_in_clause(clause, profile=profile)


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


def is_title(before: str, quoted: str, *, italic: bool = False, profile: Profile | None = None) -> bool:
    """A quoted title: introduced by a title noun right before the mark, or set in italics.

    ``in an editorial "On the historical experience ..."`` is a title; ``says in his
    well-known article: "..."`` is not (the colon introduces words from the article).
    """
    if italic:
        return True
    if len(quoted.split()) > 25:
        return False
    rules = _rules(profile or profile_for(None))
    if rules.title_noun_at_end is None:
        return False
    tail = before.rstrip().lower()
    # The cheap test first: most quotations are not preceded by any title noun at all.
    return tail.endswith(rules.profile.title_nouns) and rules.title_noun_at_end.search(tail) is not None


def looks_title_cased(quoted: str, *, profile: Profile | None = None) -> bool:
    """``"On the Historical Experience of the Dictatorship"``: in a language that
    capitalises titles, three or more words (two capitalised words are more often a name,
    ``"Free World"``), the first and every word of four letters or more capitalised, no
    sentence punctuation."""
    profile = profile or profile_for(None)
    if not profile.title_case:
        return False
    words = profile.words(quoted)
    if len(words) < 3 or len(words) > 12 or _STOP_THEN_SPACE.search(quoted):
        return False
    return words[0][0].isupper() and all(w[0].isupper() for w in words if len(w) >= 4)


def is_term(
    quoted: str, speaker: str | None, *, term_max_words: int = TERM_MAX_WORDS, profile: Profile | None = None
) -> bool:
    """A term: a short quoted phrase no one is said to have said (scare quotes, a slogan,
    a cited name): ``"trouble the waters"``, ``"iron curtain"``, ``"who beats whom?"``.
    Words are the language's (an ideograph is one)."""
    profile = profile or profile_for(None)
    return speaker is None and len(profile.words(quoted)) <= term_max_words


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


def _is_interruption(text: str, first: _Quoted, second: _Quoted, rules: _Rules) -> bool:
    """``"..., " said X, "..."``: the two runs are one quotation broken by its attribution."""
    if not first.closed:
        return False
    piece = text[first.inner_start : first.inner_end].rstrip()
    gap = text[first.end : second.start]
    rest = text[second.inner_start : second.inner_end].lstrip()
    return (
        piece.endswith(_PIECE_OPEN)
        and gap.rstrip().endswith(_PIECE_OPEN)
        and 1 <= len(rules.profile.words(gap)) <= 15
        and rules.speech_cue is not None
        and rules.speech_cue.search(gap) is not None
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
    profile: Profile | None = None,
) -> list[QuotationMatch]:
    """The quotations, terms and titles of one paragraph, in order.

    ``italics`` are the paragraph's italic spans (relative to ``text``); ``lead_in`` is the
    text before the paragraph, which attributes a quotation that opens the paragraph when
    it ends with a colon (``Lenin said in a letter to the coming party congress:``);
    ``continues`` says that the paragraph before ended inside an open quotation, so a
    closing mark with nothing open closes a quotation that began with this paragraph.
    A quoted phrase of at most ``term_max_words`` words with no speaker is a term.
    ``profile`` is the document's language profile (the language-neutral one if None).
    """
    profile = profile or profile_for(None)
    rules = _rules(profile)
    runs = quoted_runs(text, continues=continues, profile=profile)
    if not runs:
        return []  # most paragraphs: nothing below needs doing
    groups: list[list[_Quoted]] = []
    for run in runs:
        if groups and _is_interruption(text, groups[-1][-1], run, rules):
            groups[-1].append(run)
        else:
            groups.append([run])

    masked = _masked(text, runs)
    starts = sentence_starts(masked, profile)
    found: list[QuotationMatch] = []
    for group in groups:
        first, last = group[0], group[-1]
        raw = [_trim(text, r.inner_start, r.inner_end, stops=",—–") for r in group]
        quoted = " ".join(text[a:b] for a, b in raw)
        sentence = _sentence_start(starts, first.start)
        before = masked[sentence : first.start]

        speaker = None
        italic = _italic(raw[0], italics) and len(group) == 1
        title = is_title(text[sentence : first.start], quoted, italic=italic, profile=profile)
        if not title:
            if len(group) > 1:
                speaker = speaker_in_clause(text[first.end : group[1].start], profile=profile)
            if speaker is None:
                speaker = speaker_before(before, profile=profile)
            if speaker is None and _attribution_may_follow(text, last, _rules(profile)):
                speaker = speaker_after(masked[last.end :], profile=profile)
            if speaker is None and not text[: first.start].strip() and lead_in.rstrip().endswith((":", "：")):
                lead = lead_in.rstrip()
                lead = _masked(lead, quoted_runs(lead, profile=profile))
                speaker = speaker_before(lead[sentence_starts(lead, profile)[-1] :], profile=profile)

        if title:
            kind = "title"
        elif speaker is not None:
            kind = "quotation"
        elif len(group) == 1 and looks_title_cased(quoted, profile=profile):
            kind = "title"
        elif is_term(quoted, None, term_max_words=term_max_words, profile=profile):
            kind = "term"
        else:
            kind = "quotation"

        if kind != "quotation" or _is_fragment(quoted):
            raw = [_trim(text, a, b, stops=",—–.;:，。；：") for a, b in raw]
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
    profile = profile_for(doc.meta.language)
    quotations: list[Quotation] = []
    previous_text = ""
    open_speaker: str | None = None  # speaker of a quotation left open at a paragraph's end
    open_at_end = False
    for paragraph in doc.paragraphs:
        text = doc.text[paragraph.start : paragraph.end]
        matches = find_quotations(
            text, italics=paragraph.italics, lead_in=previous_text, continues=open_at_end, profile=profile
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
