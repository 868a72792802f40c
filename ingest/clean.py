"""Stage 2, ``clean``: repair the scan and remove the markup, never touching the source.

``clean`` turns ``doc.source`` into ``doc.text``, the clean text every later span points
into, and records how to get back: ``doc.offsets`` maps each clean offset to the source,
``doc.removed`` lists what was dropped on purpose (with its source span and why), and
``doc.front_matter`` keeps the lines of the title block that was cut. It also fills
``doc.italics`` (italic spans of the clean text), ``doc.blocks`` (each block with the kind
its markup gave it, which the clean text no longer shows) and ``doc.footnote_calls``.

The repairs below undo what a scan does to a text, and run only on a source declared a scan
(``source_kind = "scan"`` in its ``metadata.toml``: :data:`SCAN`). Any other source is kept
block for block as written: a paragraph that begins in lowercase (a line of verse, "de
Gaulle", "e.g.", the text after a block quotation) is a paragraph of its own, a title stays
a heading, a trailing hyphen stays. Every join and removal a repair makes is in
``doc.removed`` with its source span and why (:data:`REPAIRS`), and is stored with the
document (the ``repairs`` table). The markup and whitespace rules run on every source.

What the cleaner repairs, in the order a reader of the scan would notice it:

* Front matter: the leading run of title-like blocks (headings, rules, wholly emphasised
  lines, short lines without sentence punctuation such as dates, prices, booklet numbers
  and shelf marks, capitalised titles, "Digitized by ..." notices) before the first prose
  paragraph. A document that opens with prose keeps everything, and one with no prose at
  all keeps everything too (there would be nothing left). A heading in that run whose
  level recurs later in the body is a section heading, not a title, and ends the run.
* Page breaks: a block that ends without closing punctuation, or whose successor starts
  in lowercase, is joined to its successor with one space. Short blocks (up to
  :data:`SHORT_BLOCK_WORDS` words) followed by a capital are headings or captions, not
  broken paragraphs, and stay apart; so the rule is also stable when run on its own output.
* Hyphenation across a page break: ``conse-`` + ``quences`` becomes ``consequences``.
  Whether the hyphen was a line-break hyphen is decided from the document itself: if the
  joined word occurs elsewhere it is dropped, if only the hyphenated form does
  (``co-operation``) it is kept, and otherwise it is dropped when the continuation is a
  plain lowercase fragment.
* Markup: ``*em*``/``_em_`` (recorded as italics; ``**strong**`` is removed without a
  record, since italics is what marks citations and titles here), heading ``#`` marks,
  block-quote ``>`` marks, list ``-`` marks, ``---`` rules, footnote calls ``[^n]``
  (recorded in ``doc.footnote_calls``) and definitions ``[^n]: ...`` (moved after the body).
  A backslash escape (``\\[``, ``\\*``, ``\\#``: a backslash before ASCII punctuation, as
  CommonMark has it, and as pandoc and our own writers put it before a bracket or an
  asterisk that is text) is markup too: the backslash is removed and the character kept
  as text, never read as emphasis or a footnote call. A plain text file keeps its backslashes.
* Whitespace: any run of whitespace inside a block (hard breaks included) becomes one
  space, and the scan's space before ``? ; : !`` is removed. Blocks are separated by
  exactly one blank line; the text has no leading or trailing whitespace. Quotation marks,
  straight or typographic, are left as printed.

The work is linear in the size of the source: regular expressions find the few places
that change, the text between them is copied as whole slices, the clean text is joined
once, and the offset map gets an anchor only where the mapping jumps.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter

from synopsis.ingest.model import SCAN, SOURCE_KINDS, Block, Doc, OffsetMap, SourceBlock, Span
from synopsis.languages import CJK, Profile, profile_for

log = logging.getLogger(__name__)

__all__ = [
    "clean", "clean_markdown", "clean_blocks", "CleanResult", "CLOSING_PUNCTUATION", "SHORT_BLOCK_WORDS",
    "SCAN", "SOURCE_KINDS", "REPAIRS", "is_scan",
]

#: The ``why`` of the removals that are repairs of a scan (the rest are markup and whitespace).
REPAIRS = ("front matter", "page break", "hyphen")

#: A block ending in one of these ends a paragraph (a colon ends a list intro or heading).
CLOSING_PUNCTUATION = frozenset('.?!:;”"’)…»]。！？：；」』）')
#: Blocks of at most this many words are "short": title-like in the front matter, and not
#: joined to a following block that starts with a capital.
SHORT_BLOCK_WORDS = 12
_TITLE_CAPS_WORDS = 25  # an all-capitals block up to this long is a title
_EMPHASISED_TITLE_WORDS = 40  # a wholly emphasised block up to this long is a subtitle
_SENTENCE_END = frozenset('.?!:;,…”"’»。！？：；，、」』')
_NO_SPACE_BEFORE = frozenset("?;:!")

_GAP = re.compile(r"\n(?:[^\S\n]*\n)+")  # one or more blank (or whitespace-only) lines
_RULE = re.compile(r"(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})")
_HEADING = re.compile(r"(#{1,6})(?:[ \t]+|$)")
_HEADING_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")
_FOOTNOTE_DEF = re.compile(r"\[\^([^\]\s]+)\]:[ \t]*")
_BLOCKQUOTE = re.compile(r">[ \t]?")
_LIST_ITEM = re.compile(r"[-*+][ \t]+(?=\S)")
_LIST_ITEM_LINE = re.compile(r"\n(?=[ \t]*[-*+][ \t]+\S)")
_DIGITISED = re.compile(r"(?i)digiti[sz]ed\b")
_WORD = re.compile(r"\w+(?:-\w+)*")
_IDEOGRAPH = re.compile(f"[{CJK}]")
_HEAD_WORD = re.compile(r"\w+(?:-\w+)*$")

# Inline edits. A whitespace run needs an edit unless it is a single space not followed
# by ? ; : ! — plain single spaces (nearly all of them) are copied with the text around.
_WS = r"(?P<ws>\s{2,}|[^\S ]|[ ](?=[?;:!]))"
_WS_QUOTE = r"(?P<ws>\s*\n[ \t]*>[ \t]?\s*|\s{2,}|[^\S ]|[ ](?=[?;:!]))"
_FN_CALL = r"(?P<fn>[ \t]*\[\^(?P<marker>[^\]\s]+)\](?!:))"
_EM = r"(?P<em>\*+|_+)"
# A backslash before ASCII punctuation (CommonMark's escapes: ``\[``, ``\*``, ``\_``, ``\#``,
# ``\\``) makes the character literal: the backslash is markup, the character is text.
_ESCAPE = r"(?P<esc>\\[!-/:-@\[-`{-~])"
_INLINE_TEXT = re.compile(_WS)
_INLINE_MARKUP = re.compile(f"{_ESCAPE}|{_FN_CALL}|{_WS}|{_EM}")
_INLINE_QUOTE = re.compile(f"{_ESCAPE}|{_FN_CALL}|{_WS_QUOTE}|{_EM}")

# Where an inline edit can begin. Every match of the patterns above starts at whitespace
# other than a plain space, at ``* _ [ \``, or at a plain space followed by whitespace,
# ``? ; : !`` or ``[``; ordinary single spaces between words (one character in six) start
# none. Trying the patterns only at these places gives the same matches as ``finditer``
# over the whole block, about ten times faster: a pattern that starts with alternatives
# makes the regex engine attempt a match at every character, while these two start with a
# character class or a literal, which the engine skips to in C. Unicode whitespace is
# spelled out (it all lies below U+3001) because a class cannot subtract the space from \s.
_OTHER_SPACE = "".join(re.escape(chr(c)) for c in range(0x3001) if chr(c).isspace() and c != 0x20)
_EDIT_START = re.compile(f"[{_OTHER_SPACE}*_\\[\\\\]")
_SPACE_EDIT_START = re.compile(r"[ ](?=[\s?;:!\[])")


@dataclass(slots=True)
class CleanResult:
    """The clean text of a source and everything needed to trace it back."""

    text: str
    offsets: OffsetMap
    italics: list[Span] = field(default_factory=list)
    front_matter: list[str] = field(default_factory=list)
    removed: list[tuple[str, int, int]] = field(default_factory=list)  # (why, source start, end)
    blocks: list[Block] = field(default_factory=list)
    footnote_calls: list[tuple[str, int]] = field(default_factory=list)  # (marker, clean offset)


def clean(doc: Doc) -> Doc:
    """Fill ``doc.text`` and its companions from ``doc.source`` (see the module docstring).

    A source whose reader found its blocks (an HTML page: ``doc.source_blocks``) is cleaned
    block by block as found, with no markup to parse: its text is the page's, verbatim.
    """
    scan = is_scan(doc.meta.source_kind)
    if doc.source_blocks:
        result = clean_blocks(doc.source, doc.source_blocks, profile=profile_for(doc.meta.language), scan=scan)
    else:
        result = clean_markdown(doc.source, markup=doc.format != "text", profile=profile_for(doc.meta.language), scan=scan)
    doc.text = result.text
    doc.offsets = result.offsets
    doc.italics = result.italics
    doc.front_matter = result.front_matter
    doc.removed = result.removed
    doc.blocks = result.blocks
    doc.footnote_calls = result.footnote_calls
    log.debug(
        "cleaned %s: %d -> %d characters, %d blocks, %d front-matter lines",
        doc.meta.id, len(doc.source), len(doc.text), len(result.blocks), len(result.front_matter),
    )
    return doc


def clean_markdown(
    source: str, *, markup: bool = True, front_matter: bool = True, profile: Profile | None = None, scan: bool = True
) -> CleanResult:
    """Clean a Markdown (or, with ``markup=False``, plain) text; see the module docstring.

    ``scan=False`` (a born-digital source) runs none of the scan repairs: no front matter cut,
    no page-break or hyphen joins. ``front_matter=False`` keeps the leading title block of a
    scan in the text instead of cutting it.
    ``profile`` is the text's language profile: its closing quotation marks end a block as
    a full stop does (German „…“ closes with “), so a page break after them is no join.
    The source is expected with ``\\n`` newlines, as ``read`` leaves it.
    """
    blocks = list(_parse_blocks(source, markup=markup))
    return _assemble(source, blocks, front_matter=front_matter and scan, joins=scan, profile=profile)


def clean_blocks(source: str, found: list[SourceBlock], *, profile: Profile | None = None, scan: bool = True) -> CleanResult:
    """Clean a text whose blocks a reader has already found (an HTML page's).

    Each block keeps the kind, italics and footnote calls the reader gave it; only white
    space is normalised, so every character of the page's text is kept as it stands.
    Front matter, page breaks and hyphenation are handled as for Markdown (``scan``).
    """
    blocks = []
    for found_block in found:
        block = _clean_block(source, found_block.start, found_block.end, markup=False)
        if not block.text:
            continue
        block.kind, block.level, block.marker = found_block.kind, found_block.level, found_block.marker
        block.italics = [
            (a, b) for span in found_block.italics
            if (a := _clean_offset(block, span.start)) < (b := _clean_offset(block, span.end))
        ]
        block.emphasis = list(block.italics)
        block.calls = [(label, _clean_offset(block, at)) for label, at in found_block.calls]
        blocks.append(block)
    return _assemble(source, blocks, front_matter=scan, joins=scan, profile=profile)


def is_scan(source_kind: str | None) -> bool:
    """Whether a source of this declared kind gets the scan repairs (see the module docstring)."""
    return source_kind == SCAN


def _clean_offset(block: _Block, source_offset: int) -> int:
    """Where a source offset inside ``block`` falls in the block's clean text."""
    at = 0
    for text, start in zip(block.piece_texts, block.piece_sources):
        if source_offset < start:
            return at
        if source_offset <= start + len(text):
            return at + source_offset - start
        at += len(text)
    return at


def _assemble(source: str, blocks: list[_Block], *, front_matter: bool, joins: bool, profile: Profile | None) -> CleanResult:
    """Front matter, page breaks, footnotes after the body: the clean text of cleaned blocks.

    ``profile`` is the text's language profile: its closing marks and sentence ends end a
    block, so a page break after them is no join. ``joins=False`` joins no blocks at all.
    """
    profile = profile or profile_for(None)
    closing = CLOSING_PUNCTUATION | {b for _, b in profile.double_quotes + profile.single_quotes} | set(profile.sentence_ends)
    removed: list[tuple[str, int, int]] = []
    kept_front: list[str] = []

    # Front matter.
    start = _front_matter_end(blocks) if front_matter else 0
    for b in blocks[:start]:
        removed.append(("front matter", b.start, b.end))
        kept_front.extend(line.strip() for line in source[b.start : b.end].split("\n") if line.strip())
    body = blocks[start:]

    # Rules go; footnote definitions move after the body; the rest is grouped into paragraphs.
    groups: list[list[_Block]] = []
    notes: list[_Block] = []
    previous: _Block | None = None
    vocabulary: _Vocabulary = _Vocabulary(blocks)
    for b in body:
        if b.kind == "rule":
            removed.append(("markup", b.start, b.end))
            previous = None  # a rule is a deliberate break: nothing joins across it
            continue
        if b.kind == "footnote":
            notes.append(b)
            continue  # transparent: a note printed between the halves of a broken paragraph
        if joins and previous is not None and _joins(previous, b, closing):
            _glue(previous, b, vocabulary)
            groups[-1].append(b)
        else:
            groups.append([b])
        previous = b

    # Whitespace between blocks (and around the document) is never copied.
    joined_after = {id(g[k]) for g in groups for k in range(len(g) - 1)}
    edge, before = 0, None
    for b in blocks:
        if b.start > edge:
            if before is not None and id(before) in joined_after:
                removed.append(("page break", edge, b.start))
            elif source[edge : b.start] != "\n\n":  # one blank line is what the separator keeps
                removed.append(("whitespace", edge, b.start))
        edge, before = b.end, b
    if len(source) > edge:
        removed.append(("whitespace", edge, len(source)))

    # Write the clean text once.
    writer = _Writer()
    out_blocks: list[Block] = []
    italics: list[Span] = []
    calls: list[tuple[str, int]] = []
    for units, kind in [(g, None) for g in groups] + [([n], "footnote") for n in notes]:
        if writer.length:
            writer.write("\n\n", units[0].start)
        first = units[0]
        block_start = writer.length
        for unit in units:
            if unit is not first:
                if unit.glue:
                    writer.write(unit.glue, unit.start)
            base = writer.length
            writer.write_block(unit)
            italics.extend(Span(base + a, base + b) for a, b in unit.italics)
            calls.extend((marker, base + at) for marker, at in unit.calls)
            removed.extend(unit.removed)
        out_blocks.append(
            Block(block_start, writer.length, kind=kind or first.kind, level=first.level, marker=first.marker)
        )
    removed.sort(key=itemgetter(1, 2))
    return CleanResult(
        text=writer.text(),
        offsets=writer.offsets,
        italics=italics,
        front_matter=kept_front,
        removed=removed,
        blocks=out_blocks,
        footnote_calls=calls,
    )


# --------------------------------------------------------------------------- blocks


@dataclass(slots=True)
class _Block:
    """One block of the source and its cleaned pieces (``text`` is their concatenation)."""

    kind: str
    start: int  # source extent of the block, whitespace around it excluded
    end: int
    level: int = 0
    marker: str | None = None
    # The clean text in pieces, each copied from (or put at) a place in the source: two
    # parallel lists rather than a pair per piece, which a 50 MB paragraph feels.
    piece_texts: list[str] = field(default_factory=list)
    piece_sources: list[int] = field(default_factory=list)
    text: str = ""
    italics: list[tuple[int, int]] = field(default_factory=list)  # block-relative clean spans
    emphasis: list[tuple[int, int]] = field(default_factory=list)  # italic or bold
    calls: list[tuple[str, int]] = field(default_factory=list)
    removed: list[tuple[str, int, int]] = field(default_factory=list)
    glue: str = ""  # what joins this block to the one before, when it continues it


def _parse_blocks(source: str, *, markup: bool) -> Iterator[_Block]:
    """The blocks of ``source`` in order, each cleaned on its own."""
    for s, e in _block_extents(source, markup=markup):
        block = _clean_block(source, s, e, markup=markup)
        if not block.text and block.kind != "rule":
            # Nothing but markup ("#", ">", a lone "[^1]"): dropped like a rule.
            block = _Block("rule", s, e)
        yield block


def _block_extents(source: str, *, markup: bool) -> Iterator[tuple[int, int]]:
    pos = 0
    bounds = [(m.start(), m.end()) for m in _GAP.finditer(source)]
    bounds.append((len(source), len(source)))
    for gap_start, gap_end in bounds:
        s, e = _strip(source, pos, gap_start)
        pos = gap_end
        if s == e:
            continue
        if not markup:
            yield s, e
            continue
        # A heading is one line: text on the lines below it is a block of its own.
        if _HEADING.match(source, s, e):
            nl = source.find("\n", s, e)
            if nl != -1:
                yield s, _strip(source, s, nl)[1]
                s, e = _strip(source, nl + 1, e)
                if s == e:
                    continue
        # A tight list: one block per item.
        if _LIST_ITEM.match(source, s, e) and not _RULE.fullmatch(source, s, e):
            item = s
            for m in _LIST_ITEM_LINE.finditer(source, s, e):
                yield _strip(source, item, m.start())
                item = m.end()
            yield _strip(source, item, e)
            continue
        yield s, e


def _strip(source: str, s: int, e: int) -> tuple[int, int]:
    segment = source[s:e]
    left = len(segment) - len(segment.lstrip())
    right = len(segment.rstrip())
    return (s + left, s + right) if right > left else (s, s)


def _clean_block(source: str, s: int, e: int, *, markup: bool) -> _Block:
    """Classify one block and clean its text: markup out, whitespace normalised."""
    if _RULE.fullmatch(source, s, e):
        return _Block("rule", s, e)
    block = _Block("body", s, e)
    content = s
    edits: list[tuple[int, int, str, str, tuple | None]] = []  # (start, end, replacement, why, event)
    if markup:
        if m := _HEADING.match(source, s, e):
            block.kind, block.level = "heading", len(m.group(1))
            close = _HEADING_CLOSE.search(source, m.end(), e)
            if close:
                edits.append((close.start(), close.end(), "", "markup", None))
                e = close.start()
        elif m := _FOOTNOTE_DEF.match(source, s, e):
            block.kind, block.marker = "footnote", m.group(1)
        elif m := _BLOCKQUOTE.match(source, s, e):
            block.kind = "blockquote"
        elif m := _LIST_ITEM.match(source, s, e):
            block.kind = "list_item"
        if m:
            edits.append((s, m.end(), "", "markup", None))
            content = m.end()
        pattern = _INLINE_QUOTE if block.kind == "blockquote" else _INLINE_MARKUP
    else:
        pattern = _INLINE_TEXT

    runs: list[tuple[int, int, str, bool, bool]] = []
    for m in _inline_matches(pattern, source, content, e):
        kind = m.lastgroup
        if kind == "ws":
            nxt = source[m.end()] if m.end() < e else ""
            edits.append((m.start(), m.end(), "" if nxt in _NO_SPACE_BEFORE else " ", "whitespace", None))
        elif kind == "em":
            runs.append(_delimiter_run(source, m.start(), m.end(), content, e))
        elif kind == "esc":  # the backslash goes, the character it escapes stays as text
            edits.append((m.start(), m.start() + 1, "", "markup", None))
        else:  # a footnote call, with any space before it
            edits.append((m.start(), m.end(), "", "markup", ("call", m.group("marker"))))
    if runs:
        edits.extend(_emphasis_edits(runs))

    edits.sort(key=itemgetter(0, 1))
    builder = _Builder(block)
    cursor = content
    for a, b, replacement, why, event in edits:
        if a > cursor:
            builder.put(source[cursor:a], cursor, copied=True)
            cursor = a
        if event is not None:
            builder.event(event)
        if why:
            block.removed.append((why, a, b))
            if replacement:
                builder.put(replacement, a, copied=False)
            cursor = max(cursor, b)
    if e > cursor:
        builder.put(source[cursor:e], cursor, copied=True)
    builder.finish()
    return block


def _inline_matches(pattern: re.Pattern[str], source: str, lo: int, hi: int) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(source, lo, hi)`` yields, trying only where an edit can begin."""
    starts = [m.start() for m in _EDIT_START.finditer(source, lo, hi)]
    starts += [m.start() for m in _SPACE_EDIT_START.finditer(source, lo, hi)]
    starts.sort()
    pos = lo
    for at in starts:
        if at >= pos and (m := pattern.match(source, at, hi)):
            yield m
            pos = m.end()


class _Builder:
    """Collects a block's pieces, keeping the text free of doubled or stray spaces.

    The edits alone would leave a stray space where markup between two spaces is removed
    (``word [^1] more``) or at a block edge; the builder drops such a space as it comes,
    so the clean text is normalised however the edits fall.
    """

    __slots__ = ("block", "texts", "sources", "copied", "length", "last", "events")

    def __init__(self, block: _Block) -> None:
        self.block = block
        self.texts: list[str] = []  # the pieces' text ...
        self.sources: list[int] = []  # ... and where each begins in the source
        self.copied: list[bool] = []
        self.length = 0
        self.last = ""
        self.events: list[tuple[tuple, int]] = []

    def put(self, text: str, src: int, *, copied: bool) -> None:
        if text[0] == " " and (self.length == 0 or self.last == " "):
            if copied:
                self.block.removed.append(("whitespace", src, src + 1))
            text, src = text[1:], src + 1
            if not text:
                return
        if text[0] in _NO_SPACE_BEFORE and self.last == " ":
            self._trim_end()
        self.texts.append(text)
        self.sources.append(src)
        self.copied.append(copied)
        self.length += len(text)
        self.last = text[-1]

    def event(self, event: tuple) -> None:
        self.events.append((event, self.length))

    def _trim_end(self) -> None:
        text, src = self.texts[-1], self.sources[-1]
        if self.copied[-1]:
            self.block.removed.append(("whitespace", src + len(text) - 1, src + len(text)))
        if len(text) == 1:
            self.texts.pop()
            self.sources.pop()
            self.copied.pop()
        else:
            self.texts[-1] = text[:-1]
        self.length -= 1
        self.last = self.texts[-1][-1] if self.texts else ""

    def finish(self) -> None:
        if self.last == " ":
            self._trim_end()
        block = self.block
        block.piece_texts, block.piece_sources = self.texts, self.sources
        block.text = "".join(self.texts)
        n = self.length
        opened: dict[int, int] = {}
        for (name, *args), at in self.events:
            at = min(at, n)
            if name == "call":
                block.calls.append((args[0], at))
            elif name == "open":
                opened[args[0]] = at
            else:  # close
                a = opened.pop(args[1])
                if at > a:
                    block.emphasis.append((a, at))
                    if args[0] == 1:
                        block.italics.append((a, at))
        block.italics.sort()
        block.emphasis.sort()


# ------------------------------------------------------------------------- emphasis


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def _delimiter_run(source: str, a: int, b: int, lo: int, hi: int) -> tuple[int, int, str, bool, bool]:
    """A run of ``*`` or ``_`` and whether it can open or close (CommonMark's flanking rules)."""
    before = source[a - 1] if a > lo else " "
    after = source[b] if b < hi else " "
    before_ws, after_ws = before.isspace(), after.isspace()
    before_p, after_p = _is_punct(before), _is_punct(after)
    left = not after_ws and (not after_p or before_ws or before_p)
    right = not before_ws and (not before_p or after_ws or after_p)
    if source[a] == "*":
        return a, b, "*", left, right
    return a, b, "_", left and (not right or before_p), right and (not left or after_p)


def _emphasis_edits(runs: list[tuple[int, int, str, bool, bool]]) -> list[tuple]:
    """Match delimiter runs into emphasis; return deletions and open/close events.

    A stack of openers, as in CommonMark's algorithm, with a count per character so a
    closer that has no opener never scans the stack: every opener is pushed and popped at
    most once, which keeps the matching linear.
    """
    edits: list[tuple] = []
    stack: list[list] = []  # [char, start, end]: the opener's unused delimiters
    counts = {"*": 0, "_": 0}
    serial = 0
    for a, b, char, can_open, can_close in runs:
        rest = a
        if can_close:
            while rest < b and counts[char]:
                j = len(stack) - 1
                while stack[j][0] != char:
                    j -= 1
                for dropped in stack[j + 1 :]:
                    counts[dropped[0]] -= 1
                del stack[j + 1 :]
                opener = stack[j]
                use = 2 if opener[2] - opener[1] >= 2 and b - rest >= 2 else 1
                serial += 1
                inner = opener[2]
                edits.append((inner - use, inner, "", "markup", None))
                edits.append((inner, inner, "", "", ("open", serial)))
                edits.append((rest, rest, "", "", ("close", use, serial)))
                edits.append((rest, rest + use, "", "markup", None))
                opener[2] -= use
                rest += use
                if opener[2] == opener[1]:
                    stack.pop()
                    counts[char] -= 1
        if can_open and rest < b:
            stack.append([char, rest, b])
            counts[char] += 1
    return edits


# ------------------------------------------------------------------- front matter


def _words(text: str) -> int:
    """Words as spaces separate them; in a script written without spaces, each ideograph."""
    return len(text.split()) + len(_IDEOGRAPH.findall(text))


def _wholly_emphasised(block: _Block) -> bool:
    n = len(block.text.rstrip(".,;:"))
    return any(a == 0 and b >= n for a, b in block.emphasis)


def _mostly_capitals(text: str) -> bool:
    cased = [c for c in text if c.isalpha() and (c.isupper() or c.islower())]
    return bool(cased) and sum(c.isupper() for c in cased) >= 0.8 * len(cased)


def _title_like(block: _Block) -> bool:
    """Whether a block looks like part of a title page rather than the text."""
    if block.kind in ("heading", "rule"):
        return True
    if block.kind != "body":
        return False
    text = block.text
    words = _words(text)
    if _DIGITISED.match(text):
        return True
    if _wholly_emphasised(block) and words <= _EMPHASISED_TITLE_WORDS:
        return True
    if words <= SHORT_BLOCK_WORDS and text[-1] not in _SENTENCE_END:
        return True  # dates, prices, booklet numbers, shelf marks, short titles
    return words <= _TITLE_CAPS_WORDS and _mostly_capitals(text)


def _front_matter_end(blocks: list[_Block]) -> int:
    """How many leading blocks are front matter (0 when the text opens with prose)."""
    def prose(i: int) -> bool:
        block = blocks[i]
        if block.kind == "footnote":
            return False
        if not _title_like(block):
            return True
        # A short block that runs on into a lowercase one is a broken paragraph, not a title.
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        return following is not None and following.kind == "body" and following.text[:1].islower()

    first_prose = next((i for i in range(len(blocks)) if prose(i)), None)
    if first_prose is None:
        return 0
    later_levels = {b.level for b in blocks[first_prose:] if b.kind == "heading"}
    for i, b in enumerate(blocks[:first_prose]):
        if b.kind == "heading" and b.level in later_levels:
            return i
    return first_prose


# ------------------------------------------------------------------ page breaks


_JOINABLE = ("body", "blockquote", "list_item")


def _joins(prev: _Block, nxt: _Block, closing: frozenset[str] = CLOSING_PUNCTUATION) -> bool:
    """Whether ``nxt`` continues ``prev`` across a page break (``closing``: the marks that
    end a block's last sentence in its language)."""
    if prev.kind not in _JOINABLE:
        return False
    if not (nxt.kind == "body" or nxt.kind == prev.kind == "blockquote"):
        return False
    if not prev.text or not nxt.text:
        return False
    if nxt.text[0].islower():
        return True
    if prev.text[-1] in closing:
        return False
    if _IDEOGRAPH.match(nxt.text[0]):
        # a script without case shows no lowercase continuation, and its clause marks (、，)
        # may end a verse or a paragraph: only a block that stops on an ideograph runs on
        return _IDEOGRAPH.match(prev.text[-1]) is not None
    return _words(prev.text) > SHORT_BLOCK_WORDS


class _Vocabulary:
    """The words of the document (lowercased, hyphenated compounds whole), built on demand."""

    def __init__(self, blocks: list[_Block]) -> None:
        self._blocks = blocks
        self._words: set[str] | None = None

    def __contains__(self, word: str) -> bool:
        if self._words is None:
            # One pass over all the text (a newline between blocks joins no words), and
            # each distinct form lowercased once.
            found = set(_WORD.findall("\n".join(b.text for b in self._blocks)))
            self._words = {w.lower() for w in found}
        return word in self._words


def _glue(prev: _Block, nxt: _Block, vocabulary: _Vocabulary) -> None:
    """Decide how ``nxt`` attaches to ``prev``: a space, nothing, or nothing and no hyphen."""
    text, following = prev.text, nxt.text
    if text[-1] == "-" and len(text) > 1 and text[-2].isalpha() and following[0].isalpha():
        nxt.glue = ""
        if following[0].islower() and _line_break_hyphen(text[:-1], following, vocabulary):
            _drop_last_char(prev, "hyphen")
    elif text[-1] in "—–" and not text[-2:-1].isspace():
        nxt.glue = ""
    elif _IDEOGRAPH.match(text[-1]) and _IDEOGRAPH.match(following[0]):
        nxt.glue = ""  # a script written without spaces joins without one
    else:
        nxt.glue = " "


def _line_break_hyphen(before: str, after: str, vocabulary: _Vocabulary) -> bool:
    head = _HEAD_WORD.search(before)
    tail = _WORD.match(after)
    if head is None or tail is None:
        return True
    joined = (head.group() + tail.group()).lower()
    hyphenated = (head.group() + "-" + tail.group()).lower()
    if joined in vocabulary:
        return True
    if hyphenated in vocabulary:
        return False
    return tail.group().isalpha() and tail.group().islower()


def _drop_last_char(block: _Block, why: str) -> None:
    text, src = block.piece_texts[-1], block.piece_sources[-1]
    block.removed.append((why, src + len(text) - 1, src + len(text)))
    if len(text) == 1:
        block.piece_texts.pop()
        block.piece_sources.pop()
    else:
        block.piece_texts[-1] = text[:-1]
    block.text = block.text[:-1]
    n = len(block.text)
    block.italics = [(a, min(b, n)) for a, b in block.italics if a < n]
    block.calls = [(m, min(at, n)) for m, at in block.calls]


# ------------------------------------------------------------------------ writing


class _Writer:
    """Appends pieces of clean text and keeps the offset map."""

    __slots__ = ("parts", "length", "offsets", "_expected")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.offsets = OffsetMap()
        self._expected: int | None = None  # the source offset the next clean offset maps to

    def write(self, text: str, src: int) -> None:
        if not text:
            return
        if src != self._expected:
            self.offsets.add(self.length, src)
        self.parts.append(text)
        self.length += len(text)
        self._expected = src + len(text)

    def write_block(self, block: _Block) -> None:
        """Write a block's text, as :meth:`write` would piece by piece, in one append."""
        if not block.text:
            return
        offsets, length, expected = self.offsets, self.length, self._expected
        for text, src in zip(block.piece_texts, block.piece_sources):
            if src != expected:
                offsets.add(length, src)
            length += len(text)
            expected = src + len(text)
        self.parts.append(block.text)
        self.length, self._expected = length, expected

    def text(self) -> str:
        return "".join(self.parts)
