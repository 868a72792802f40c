"""Stage 3, ``segment``: the clean text's blocks become sections, paragraphs, sentences
and footnotes.

Every block the cleaner left (``doc.blocks``) is a :class:`Paragraph` except footnote
definitions, which become :class:`Footnote` spans linked to the paragraph that calls them.
Headings are paragraphs too (``kind="heading"``): nothing of the text is lost between the
paragraphs, and a heading can be aligned with its counterpart in another edition like any
other paragraph.

Sections open in two ways:

* a heading block opens a section whose ``heading`` is the heading's text;
* a body paragraph that starts with the next number in sequence ("1.", "2.", ...; or
  Roman "I.", "II.") opens a numbered section. The paragraph keeps its number as printed
  ("1. THE central committee ..."): the number is part of the text of record, quoting and
  alignment see the paragraph as the reader does, and ``Section.number`` holds it for
  queries. Such a section's ``heading`` is its opening words. Requiring the sequence keeps a
  stray "2. " at the start of some later paragraph from opening a bogus section.

Within a section, a paragraph ending in ":" followed by paragraphs ending in ";" and a last
one is an inline list (the resolution's "calls upon all party organisations:"): those items
get ``kind="list_item"``, like items marked "- " in the source.

Sentences are split by :func:`split_sentences`, the one splitter of the pipeline (the
quotation finder uses it too), driven by the document's language profile
(:mod:`synopsis.languages`): at ``. ? ! …`` (with any closing quotes or brackets) followed
by whitespace and a capital, a digit or an opening quote, except after initials ("J. V.
Stalin", "В. И. Ленин"), the language's abbreviations ("Mr.", "On.", "Mme", "Cfr."), its
abbreviations before a number ("Vol. 26", "pag. 12", "S. 5") and its abbreviations of
several words ("z. B.", "т. е."); and at the marks a language ends a sentence with and no
space after (Chinese 。！？, with any closing quotation marks: 。」). Classical Chinese that
marks only clauses (the Wenli Bible writes 、 and no 。) is cut after a final particle that
closes a clause (也、 矣、 乎、 ...: the profile's ``final_particles`` and ``clause_marks``),
before a connective that opens one (、遂 "thereupon": ``sentence_openers``) and at a
section mark (○), which stays with the sentence it closes. An acronym such as "U.S.S.R." followed by a capital ends its
sentence, as it does in this corpus ("... in the U.S.S.R. The party launched ...").
"""
from __future__ import annotations

import bisect
import logging
import re

from synopsis.ingest.model import Doc, Footnote, Paragraph, Section, Sentence, Span
from synopsis.languages import Profile, per_profile, profile_for

log = logging.getLogger(__name__)

__all__ = ["segment", "split_sentences", "sentence_starts", "HEADING_WORDS"]

#: How many opening words of a numbered section's first paragraph make its heading.
HEADING_WORDS = 8

_NUMBERED = re.compile(r"(\d{1,3}|[IVXLC]{1,7})\.\s+(?=\S)")
_SPACES = re.compile(r"\s*")  # \s is str.isspace, character for character
_STRAIGHT = "\"'"
_CLOSERS = "\"”’')]"  # closing quotes and brackets a stop may stand inside, in every language
_ANY_CLOSER = _CLOSERS + "»«›‹」』“„"
# The word before a stop: the run of word characters, dots, apostrophes and hyphens that
# ends where the match is made to end. Greedy ``.*`` and backtracking find the run from its
# end, in as many steps as it is long; a plain ``[...]+$`` search would try every
# position of the window and rescan each run.
_TOKEN_BEFORE = re.compile(r"(?:.*[^\w.’'-])?(?P<token>[\w.’'-]+)$", re.S)
_ENUMERATOR = re.compile(r"\d{1,3}|[IVXLC]{1,7}|[a-z]")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def segment(doc: Doc) -> Doc:
    """Fill ``doc.sections``, ``doc.paragraphs``, ``doc.sentences`` and ``doc.footnotes``."""
    text = doc.text
    paragraphs: list[Paragraph] = []
    sections: list[Section] = []
    notes = []
    expected = 1  # the number the next numbered section must carry
    for block in doc.blocks:
        if block.kind == "footnote":
            notes.append(block)
            continue
        p = Paragraph(block.start, block.end, ordinal=len(paragraphs) + 1, kind=block.kind)
        body = text[block.start : block.end]
        opens = None
        if block.kind == "heading":
            m = _NUMBERED.match(body)
            opens = Section(block.start, block.end, number=m.group(1) if m else None, heading=body)
        elif block.kind == "body":
            m = _NUMBERED.match(body)
            if m and _number_value(m.group(1)) == expected:
                expected += 1
                opens = Section(
                    block.start, block.end, number=m.group(1), heading=_opening_words(body[m.end() :])
                )
        if opens is not None:
            opens.ordinal = len(sections) + 1
            sections.append(opens)
        if sections:
            p.section = sections[-1].ordinal
            sections[-1].end = block.end
        paragraphs.append(p)

    _mark_inline_lists(text, paragraphs)
    _attach_italics(doc.italics, paragraphs)
    profile = profile_for(doc.meta.language)
    sentences = [s for p in paragraphs for s in _paragraph_sentences(text, p, profile)]
    footnotes = _footnotes(doc, notes, paragraphs)

    doc.sections, doc.paragraphs, doc.sentences, doc.footnotes = sections, paragraphs, sentences, footnotes
    log.debug(
        "segmented %s: %d sections, %d paragraphs, %d sentences, %d footnotes",
        doc.meta.id, len(sections), len(paragraphs), len(sentences), len(footnotes),
    )
    return doc


@per_profile
def _rules(profile: Profile, marked: bool = True) -> tuple[re.Pattern[str], str, re.Pattern[str] | None]:
    """A profile's sentence rules, compiled once: (terminator, opening marks, abbreviations
    of several words). ``marked``: whether the paragraph marks its sentence ends (else a
    final particle before a clause mark ends one, where the language has them).

    The terminator's ``unspaced`` group is an end that needs no space or capital after it
    (。, ○, 也、); the rest are stops that :func:`_ends_sentence` judges."""
    closers = _CLOSERS + "".join(b for pairs in (profile.double_quotes, profile.single_quotes) for _, b in pairs)
    closers = re.escape("".join(dict.fromkeys(closers)))
    # The first stop spelled out on its own lets the regex engine skip to candidates in C
    # (a leading repeat would make it try every position); the matches are the same.
    spaced = f"[.?!…][.?!…]*[{closers}]*(?=\\s)"
    breaks = f"[{re.escape(profile.section_marks)}]*" if profile.section_marks else ""
    unspaced = []
    if profile.sentence_ends:
        ends = re.escape(profile.sentence_ends)
        unspaced.append(f"[{ends}][{ends}]*[{closers}]*{breaks}")
    if profile.section_marks:
        unspaced.append(f"[{re.escape(profile.section_marks)}]{breaks}")
    if not marked and profile.clause_marks:
        clause = f"[{re.escape(profile.clause_marks)}]"
        if profile.final_particles:
            unspaced.append(f"[{re.escape(profile.final_particles)}][{closers}]*{clause}{breaks}")
        if profile.sentence_openers:
            openers = "|".join(map(re.escape, sorted(profile.sentence_openers, key=len, reverse=True)))
            unspaced.append(f"{clause}{breaks}(?={openers})")
    if unspaced:
        spaced = f"(?P<unspaced>{'|'.join(unspaced)})|{spaced}"
    opening = _STRAIGHT + "".join(a for pairs in (profile.double_quotes, profile.single_quotes) for a, _ in pairs)
    several = None
    if profile.multiword_abbreviations:
        alternatives = sorted(profile.multiword_abbreviations, key=len, reverse=True)
        several = re.compile(
            "|".join(r"(?<!\w)" + r"\s*".join(map(re.escape, a.split())) for a in alternatives)
        )
    return re.compile(spaced), "".join(dict.fromkeys(opening)), several


def split_sentences(text: str, profile: Profile | None = None) -> list[Span]:
    """The sentences of one paragraph's text, as spans of ``text`` (no surrounding spaces).

    ``profile`` is the document's language profile; without one the language-neutral
    rules apply (never English's). A paragraph that marks none of its sentence ends
    (classical Chinese that writes only clause marks) is cut after the language's final
    particles that close a clause and before its sentence openers that begin one; one
    that does mark them is taken at its word."""
    profile = profile or profile_for(None)
    marked = not profile.clause_marks or any(ch in text for ch in profile.sentence_ends)
    terminator, opening, several = _rules(profile, marked)
    protected: set[int] = set()
    if several is not None:
        for m in several.finditer(text):
            protected.update(i for i in range(m.start(), m.end()) if text[i] == ".")
    spans: list[Span] = []
    start = _skip_space(text, 0)
    for m in terminator.finditer(text):
        end = m.end()
        if end <= start:
            continue
        if m.lastgroup == "unspaced":  # an unspaced end (。) always ends one, unless nothing precedes it
            if m.start() <= start:
                continue
        elif m.start() in protected or not _ends_sentence(text, start, m.start(), end, profile, opening):
            continue
        spans.append(Span(start, end))
        start = _skip_space(text, end)
    stop = len(text.rstrip())
    if stop > start:
        spans.append(Span(start, stop))
    return spans


def sentence_starts(text: str, profile: Profile | None = None) -> list[int]:
    """Where the sentences of ``text`` begin: 0, then the start of every later sentence
    (:func:`split_sentences`'s, so the quotation finder and the stored sentences agree)."""
    return [0] + [s.start for s in split_sentences(text, profile)[1:]]


def _skip_space(text: str, i: int) -> int:
    return _SPACES.match(text, i).end()


def _ends_sentence(text: str, start: int, stop: int, end: int, profile: Profile, opening: str) -> bool:
    """Whether the terminator at ``text[stop:end]`` ends the sentence begun at ``start``."""
    nxt = _skip_space(text, end)
    while nxt < len(text) and text[nxt] in opening:
        nxt += 1
    if nxt >= len(text) or not (text[nxt].isupper() or text[nxt].isdigit()):
        return False
    if text[stop:end].rstrip(_ANY_CLOSER) != ".":
        return True  # ? ! … and runs like ".." end sentences whatever precedes them
    m = _TOKEN_BEFORE.match(text, max(0, stop - 40), stop)
    if m is None:
        return True
    word = m.group("token")
    word = word[max(word.rfind("'"), word.rfind("’")) + 1 :] or word  # l'On. → On, dell'art. → art
    if len(word) == 1 and word.isupper():
        return False  # an initial: "J. V. Stalin"
    if m.start("token") == start and _ENUMERATOR.fullmatch(word):
        return False  # a paragraph's or item's own number: "1. THE central committee ..."
    abbreviations = profile.abbreviations
    if word in abbreviations or word.lower() in abbreviations:
        return False
    if text[nxt].isdigit() and (word in profile.before_numbers or word.lower() in profile.before_numbers):
        return False
    return True


def _number_value(number: str) -> int:
    if number.isdigit():
        return int(number)
    total = 0
    for ch, following in zip(number, number[1:] + " "):
        value = _ROMAN[ch]
        total += -value if following != " " and _ROMAN[following] > value else value
    return total


def _opening_words(text: str) -> str:
    words = text.split()[:HEADING_WORDS]
    return " ".join(words).rstrip(",;:—-")


def _mark_inline_lists(text: str, paragraphs: list[Paragraph]) -> None:
    """Paragraphs after an intro ending in ":" that end in ";" (and the one after) are list items."""
    i = 0
    while i < len(paragraphs):
        intro = paragraphs[i]
        if intro.kind == "body" and text[intro.start : intro.end].endswith(":"):
            j = i + 1
            while (
                j < len(paragraphs)
                and paragraphs[j].kind == "body"
                and paragraphs[j].section == intro.section
                and text[paragraphs[j].start : paragraphs[j].end].endswith(";")
            ):
                j += 1
            last = paragraphs[j] if j < len(paragraphs) else None
            if j > i + 1 and last is not None and last.kind == "body" and last.section == intro.section:
                for p in paragraphs[i + 1 : j + 1]:
                    p.kind = "list_item"
                i = j
        i += 1


def _attach_italics(italics: list[Span], paragraphs: list[Paragraph]) -> None:
    spans = sorted(italics, key=lambda s: s.start)
    k = 0
    for p in paragraphs:
        while k < len(spans) and spans[k].end <= p.start:
            k += 1
        j = k
        while j < len(spans) and spans[j].start < p.end:
            a, b = max(spans[j].start, p.start), min(spans[j].end, p.end)
            if b > a:
                p.italics.append(Span(a - p.start, b - p.start))
            j += 1


def _paragraph_sentences(text: str, p: Paragraph, profile: Profile) -> list[Sentence]:
    body = text[p.start : p.end]
    return [
        Sentence(p.start + s.start, p.start + s.end, paragraph=p.ordinal, ordinal=n)
        for n, s in enumerate(split_sentences(body, profile), start=1)
    ]


def _footnotes(doc: Doc, notes: list, paragraphs: list[Paragraph]) -> list[Footnote]:
    calls: dict[str, list[int]] = {}
    for marker, at in doc.footnote_calls:
        calls.setdefault(marker, []).append(at)
    starts = [p.start for p in paragraphs]
    footnotes = []
    for block in notes:
        note = Footnote(block.start, block.end, marker=block.marker or "")
        pending = calls.get(note.marker)
        if pending:
            at = pending.pop(0)
            k = bisect.bisect_right(starts, at) - 1
            if k >= 0 and at <= paragraphs[k].end:
                note.paragraph = paragraphs[k].ordinal
                note.call_offset = at - paragraphs[k].start
        else:
            log.info("%s: footnote [^%s] is never called", doc.meta.id, note.marker)
        footnotes.append(note)
    return footnotes
