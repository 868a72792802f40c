"""Stage 1, ``read``: the source file's bytes become the source text.

``read`` fills ``doc.raw`` (the bytes as received, what ``doc.sha256`` digests),
``doc.format`` and ``doc.source``. For Markdown and plain text, ``doc.source`` is the file
decoded as UTF-8, without a byte-order mark, with newlines normalised to ``\\n`` (``\\r\\n``
and lone ``\\r`` both become ``\\n``). Normalising here, once, means every later offset
counts characters of one well-defined string; the raw bytes stay on the doc for anyone who
needs the file exactly as received. For HTML, ``doc.source`` is the page's text as
:func:`synopsis.ingest.html.extract` draws it, ``doc.source_blocks`` says what each of its
blocks is (no Markdown in between), and the transcription notes go to ``doc.notes``.

A text file is UTF-8 unless its metadata says otherwise (``encoding = "cp1252"``), and the
build never guesses: guessing at every build would silently turn a mis-saved file into
plausible mojibake. ``synopsis add`` guesses once (:func:`~synopsis.ingest.encoding.detect_encoding`), with the same
decoding function the build uses, and records what it found; a file that is not UTF-8 and
has no recorded encoding is refused naming the offending byte and its offset. Every
encoding rule, for text files and web pages, lives in :mod:`synopsis.ingest.encoding`.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

from synopsis.errors import BadSource
from synopsis.ingest.encoding import BOM, decode_text
from synopsis.ingest.model import Doc, SourceBlock, Span

log = logging.getLogger(__name__)

__all__ = ["read", "read_path", "sniff_format", "FORMAT_BY_SUFFIX"]

FORMAT_BY_SUFFIX = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
}

_SNIFF_SIZE = 64 * 1024
_HTML_SNIFF = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.I)
_MARKDOWN_SNIFF = re.compile(r"^(?:#{1,6} |> |[-*+] |-{3,}\s*$)|\*\w[^*\n]*\*|\[\^\w+\]", re.M)


def read(doc: Doc) -> Doc:
    """Read ``doc.meta.source_path`` into ``doc.raw``, ``doc.format`` and ``doc.source``."""
    path = doc.meta.source_path
    if path is None:
        raise BadSource(f"{doc.meta.id}: no source file named in its metadata")
    raw, fmt = read_path(path)
    doc.raw = raw
    doc.format = fmt
    if fmt == "html":
        # Imported here so that reading text and Markdown never depends on the HTML reader.
        from synopsis.ingest.html import extract

        retrieval = doc.meta.retrieval
        url = retrieval.get("final_url") or doc.meta.source_url or None
        # a charset given only in the HTTP header was kept in the metadata by `synopsis fetch`
        result = extract(raw, url=url, content_type=retrieval.get("content_type"))
        doc.source = result.text
        doc.source_blocks = [
            SourceBlock(b.start, b.end, kind=b.kind, level=b.level, marker=b.marker,
                        italics=[Span(x, y) for x, y in b.italics], calls=list(b.calls), origin=b.origin)
            for b in result.blocks
        ]
        doc.notes = list(result.notes)
        if not doc.source.strip():
            raise BadSource(f"{path}: no text found in the HTML page")
    else:
        doc.source = decode_text(raw, path, encoding=doc.meta.encoding)
    log.debug("read %s: %d bytes, format %s", path, len(raw), fmt)
    return doc


def read_path(path: Path) -> tuple[bytes, str]:
    """The bytes of ``path`` and its format; a missing or unreadable file is ``BadSource``."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BadSource(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadSource(f"{path}: is a directory, not a file") from None
    except PermissionError:
        raise BadSource(f"{path}: permission denied") from None
    fmt = FORMAT_BY_SUFFIX.get(path.suffix.lower()) or sniff_format(raw)
    return raw, fmt


def sniff_format(raw: bytes) -> str:
    """Guess the format of a file whose name does not say: html, markdown or text."""
    head = raw[:_SNIFF_SIZE]
    if head.startswith(BOM):
        head = head[len(BOM) :]
    if _HTML_SNIFF.match(head):
        return "html"
    if _MARKDOWN_SNIFF.search(head.decode("utf-8", errors="replace")):
        return "markdown"
    return "text"
