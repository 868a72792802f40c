"""Stage 1, ``read``: the source file's bytes become the source text.

``read`` fills ``doc.raw`` (the bytes as received, what ``doc.sha256`` digests),
``doc.format`` and ``doc.source``. For Markdown and plain text, ``doc.source`` is the file
decoded as UTF-8, without a byte-order mark, with newlines normalised to ``\\n`` (``\\r\\n``
and lone ``\\r`` both become ``\\n``). Normalising here, once, means every later offset
counts characters of one well-defined string; the raw bytes stay on the doc for anyone who
needs the file exactly as received. For HTML, ``doc.source`` is the page's text as
:func:`synopsis.ingest.html.extract` draws it, ``doc.source_blocks`` says what each of its
blocks is (no Markdown in between), and the transcription notes go to ``doc.notes``.

Only UTF-8 is accepted for text files. Guessing an encoding (charset-normalizer can) would
silently turn a mis-saved file into plausible mojibake in the database; refusing with the
offending byte and its offset tells the user exactly what to fix.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

from synopsis.errors import BadSource
from synopsis.ingest.model import Doc, SourceBlock, Span

log = logging.getLogger(__name__)

__all__ = ["read", "read_path", "decode_text", "sniff_format", "FORMAT_BY_SUFFIX"]

FORMAT_BY_SUFFIX = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
}

_BOM = b"\xef\xbb\xbf"
# C0 control bytes other than the whitespace ones (\t \n \v \f \r), and DEL: text files
# have almost none, binary files plenty.
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0E, 0x20)) + b"\x7f"
_SNIFF_SIZE = 64 * 1024
_MAX_CONTROL_SHARE = 0.10
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
        doc.source = decode_text(raw, path)
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
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    if _HTML_SNIFF.match(head):
        return "html"
    if _MARKDOWN_SNIFF.search(head.decode("utf-8", errors="replace")):
        return "markdown"
    return "text"


def decode_text(raw: bytes, path: Path | str) -> str:
    """Decode a text file strictly as UTF-8, drop a BOM and normalise newlines to ``\\n``.

    Raises ``BadSource`` naming ``path`` for an empty (or whitespace-only) file, a binary
    file (one with NUL bytes or more than a tenth control bytes) and invalid UTF-8 (naming
    the first bad byte and its offset in the file).
    """
    body = raw[len(_BOM) :] if raw.startswith(_BOM) else raw
    skipped = len(raw) - len(body)
    if not body.strip():
        raise BadSource(f"{path}: empty file")
    if _looks_binary(body):
        raise BadSource(f"{path}: binary file, not text")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start + skipped
        raise BadSource(
            f"{path}: not UTF-8 text (invalid byte 0x{raw[offset]:02x} at offset {offset})"
        ) from None
    if not text.strip():  # e.g. only non-breaking spaces or other Unicode whitespace
        raise BadSource(f"{path}: empty file")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _looks_binary(body: bytes) -> bool:
    if b"\x00" in body:
        return True
    sample = body[:_SNIFF_SIZE]
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return control > _MAX_CONTROL_SHARE * len(sample)
