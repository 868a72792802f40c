"""The document object that flows through the ingest pipeline.

Each stage (``read → clean → segment → annotate``) takes a :class:`Doc` and returns it with
more filled in, the way a spaCy component takes and returns a ``Doc``. Stages never change
what an earlier stage produced; they only add.

Offsets
    ``doc.source`` is the text as read (the decoded file for Markdown and plain text; for
    HTML, the page's text as the reader extracted it, with ``doc.source_blocks`` saying
    what each block of it is). ``doc.text`` is the clean
    text. Every span below (section, paragraph, sentence, quotation, footnote) carries
    ``start``/``end`` offsets into ``doc.text``; ``doc.offsets`` maps any clean offset back
    to ``doc.source``, so a span can always be cited in the source of record.
"""
from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


#: ``source_kind`` of a source whose text came from a scan: the only kind the scan repairs touch.
SCAN = "scan"
#: The kinds a ``metadata.toml`` may declare (``source_kind``); without the field a source is born digital.
SOURCE_KINDS = ("born-digital", SCAN)


@dataclass(slots=True)
class DocumentMeta:
    """Bibliographic facts of one document, as its ``metadata.toml`` states them."""

    id: str
    title: str
    author: str | None = None
    date: str | None = None  # ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD
    language: str | None = None  # BCP 47, e.g. "en", "it"
    genre: str | None = None  # resolution, speech, editorial, interview, ...
    translator: str | None = None
    publisher: str | None = None
    source_title: str | None = None
    source_url: str | None = None
    digitisation: str | None = None
    rights: str | None = None
    version_of: str | None = None
    description: str | None = None
    source_file: str | None = None  # file name of the source, relative to the folder
    encoding: str | None = None  # the text file's encoding when not UTF-8 ("cp1252"), as `synopsis add` detected it
    source_kind: str | None = None  # "scan": the scan repairs run (synopsis.ingest.clean); else born digital
    folder: Path | None = None  # the document's folder under documents/
    metadata_path: Path | None = None
    retrieval: dict[str, Any] = field(default_factory=dict)  # how a fetched source was obtained

    @property
    def source_path(self) -> Path | None:
        """The source file, or None while the text is missing."""
        if self.folder is None or not self.source_file:
            return None
        return self.folder / self.source_file


@dataclass(slots=True)
class OffsetMap:
    """A piecewise-linear map from clean-text offsets to source offsets.

    The cleaner emits the clean text as a run of pieces, each copied (possibly with
    changes of length, like a dropped hyphen) from a known place in the source. Anchor
    ``k`` says: clean offset ``clean[k]`` corresponds to source offset ``source[k]``, and
    offsets up to the next anchor advance one for one. A handful of anchors per page is
    enough, so the map stays small even for a 50 MB source.
    """

    clean: list[int] = field(default_factory=lambda: [0])
    source: list[int] = field(default_factory=lambda: [0])

    def add(self, clean_offset: int, source_offset: int) -> None:
        """Record that ``clean_offset`` in the clean text comes from ``source_offset``."""
        if self.clean and self.clean[-1] == clean_offset:
            self.source[-1] = source_offset
        else:
            self.clean.append(clean_offset)
            self.source.append(source_offset)

    def to_clean(self, source_offsets: list[int]) -> list[int]:
        """Where each source offset falls in the clean text; for text the cleaner removed, the
        clean offset the removal sits at. Anchors need not rise with the source (footnotes
        move after the body), so they are sorted by source once for all the offsets."""
        ends = self.clean[1:] + [self.clean[-1] + (1 << 62)]
        anchors = sorted(zip(self.source, self.clean, ends))
        sources = [source for source, _, _ in anchors]
        found = []
        for offset in source_offsets:
            k = max(bisect.bisect_right(sources, offset) - 1, 0)
            source, clean, end = anchors[k]
            found.append(clean + min(max(offset - source, 0), end - clean))
        return found

    def to_source(self, clean_offset: int) -> int:
        """The source offset of a clean offset."""
        k = bisect.bisect_right(self.clean, clean_offset) - 1
        k = max(k, 0)
        return self.source[k] + (clean_offset - self.clean[k])


@dataclass(slots=True)
class Span:
    """A stretch ``[start, end)`` of the clean text."""

    start: int
    end: int


@dataclass(slots=True)
class Section(Span):
    """A numbered or headed division of the document."""

    ordinal: int = 0  # 1-based position in the document
    number: str | None = None  # the section's own number as printed ("1", "IV"), if any
    heading: str | None = None


@dataclass(slots=True)
class Paragraph(Span):
    """A paragraph of the clean text (``doc.text[start:end]`` is its text)."""

    ordinal: int = 0  # 1-based position in the document
    section: int | None = None  # ordinal of its section, None before the first section
    kind: str = "body"  # body, heading, blockquote, list_item
    italics: list[Span] = field(default_factory=list)  # italic spans, relative to the paragraph


@dataclass(slots=True)
class Sentence(Span):
    """A sentence of a paragraph."""

    paragraph: int = 0  # ordinal of its paragraph
    ordinal: int = 0  # 1-based position in its paragraph


@dataclass(slots=True)
class Quotation(Span):
    """A quoted passage, a cited term, or a quoted title.

    ``start``/``end`` cover the whole quotation in the clean text, quote marks included;
    a quotation interrupted by its attribution covers both parts and the words between,
    and ``text`` holds the quoted words alone, joined.
    """

    paragraph: int = 0  # ordinal of its paragraph
    ordinal: int = 0  # 1-based position in its paragraph
    kind: str = "quotation"  # quotation, term, title
    text: str = ""
    speaker: str | None = None
    citation: str | None = None
    parts: list[Span] = field(default_factory=list)  # the quoted pieces, without quote marks


@dataclass(slots=True)
class Footnote(Span):
    """A footnote: its text is a span of the clean text, placed after the body."""

    marker: str = ""
    paragraph: int | None = None  # ordinal of the paragraph that calls it
    call_offset: int | None = None  # where, in that paragraph's text, the marker stood


@dataclass(slots=True)
class Block(Span):
    """A block of the clean text as the cleaner left it, before segmentation.

    The cleaner removes the markup that says what a block is (``#``, ``>``, ``- ``,
    ``[^n]:``), so it records the kind here for ``segment`` to turn into paragraphs,
    sections and footnotes.
    """

    kind: str = "body"  # body, heading, blockquote, list_item, footnote
    level: int = 0  # heading level (1 for "#", 2 for "##", ...), 0 for other kinds
    marker: str | None = None  # a footnote definition's marker ("1" for "[^1]: ...")


@dataclass(slots=True)
class SourceBlock(Block):
    """A block a reader found in a structured source (an HTML page), in offsets of ``doc.source``.

    The cleaner takes such blocks as they are instead of parsing markup out of the text.
    """

    italics: list[Span] = field(default_factory=list)  # italic spans, in source offsets
    calls: list[tuple[str, int]] = field(default_factory=list)  # (footnote label, source offset)
    origin: str = ""  # where in the original file: for HTML, the source line and the element's XPath


@dataclass(slots=True)
class Doc:
    """One document on its way through the pipeline."""

    meta: DocumentMeta
    raw: bytes = b""  # the source file's bytes, as received
    format: str = ""  # markdown, text, html
    source: str = ""  # the text as read
    text: str = ""  # the clean text
    offsets: OffsetMap = field(default_factory=OffsetMap)
    front_matter: list[str] = field(default_factory=list)  # lines the cleaner removed as front matter
    removed: list[tuple[str, int, int]] = field(default_factory=list)  # (why, source start, source end)
    notes: list[str] = field(default_factory=list)  # source/transcription notes found by the reader
    source_blocks: list[SourceBlock] = field(default_factory=list)  # blocks the reader found (HTML), if any
    italics: list[Span] = field(default_factory=list)  # italic spans of the clean text
    sections: list[Section] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    quotations: list[Quotation] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)  # the cleaner's blocks, in clean-text order
    footnote_calls: list[tuple[str, int]] = field(default_factory=list)  # (marker, clean offset) per call

    @property
    def sha256(self) -> str:
        """Digest of the source bytes: what changed-source detection compares."""
        return hashlib.sha256(self.raw).hexdigest()

    def span_text(self, span: Span) -> str:
        """The clean text of a span."""
        return self.text[span.start : span.end]
