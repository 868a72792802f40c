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
plausible mojibake. ``synopsis add`` guesses once (:func:`detect_encoding`), with the same
decoding function the build uses, and records what it found; a file that is not UTF-8 and
has no recorded encoding is refused naming the offending byte and its offset.
"""
from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

from synopsis.errors import BadSource
from synopsis.ingest.model import Doc, SourceBlock, Span

log = logging.getLogger(__name__)

__all__ = ["read", "read_path", "decode_text", "detect_encoding", "guess_encoding", "sniff_format", "FORMAT_BY_SUFFIX"]

FORMAT_BY_SUFFIX = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
}

_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
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
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    if _HTML_SNIFF.match(head):
        return "html"
    if _MARKDOWN_SNIFF.search(head.decode("utf-8", errors="replace")):
        return "markdown"
    return "text"


def decode_text(raw: bytes, path: Path | str, *, encoding: str | None = None) -> str:
    """Decode a text file, drop a BOM and normalise newlines to ``\\n``: the one decoding rule.

    Without ``encoding`` the file must be UTF-8 (a UTF-16 byte-order mark is as good as a
    declaration); with it (the ``encoding`` field of the metadata, which ``synopsis add``
    writes after :func:`detect_encoding`), it is decoded strictly in that encoding. Nothing
    is guessed here: ``add`` detects once, ``build`` reads what ``add`` recorded.

    Raises ``BadSource`` naming ``path`` for an empty (or whitespace-only) file, a binary
    file (one with NUL bytes or more than a tenth control bytes) and bytes the encoding
    cannot decode (naming the first bad byte and its offset in the file).
    """
    if encoding is None and raw.startswith(_UTF16_BOMS):
        encoding = "utf-16"
    if encoding is not None and codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise BadSource(f"{path}: not {encoding} text (invalid byte 0x{raw[error.start]:02x} at offset {error.start})") from None
        text = text.removeprefix("\ufeff")
        if not text.strip():
            raise BadSource(f"{path}: empty file")
        if _looks_binary(text.encode("utf-8")):
            raise BadSource(f"{path}: binary file, not text")
        return _normalise_newlines(text)
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
            f"{path}: not UTF-8 text (invalid byte 0x{raw[offset]:02x} at offset {offset});"
            " `synopsis add` it again to record its encoding"
        ) from None
    if not text.strip():  # e.g. only non-breaking spaces or other Unicode whitespace
        raise BadSource(f"{path}: empty file")
    return _normalise_newlines(text)


def _normalise_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def detect_encoding(raw: bytes, path: Path | str) -> str | None:
    """The encoding of a text file that is not UTF-8 (None when it is), for ``add`` to record.

    A UTF-16 byte-order mark says ``utf-16``; otherwise charset-normalizer guesses, with
    windows-1252 preferred when it explains the bytes about as well as the best guess (short
    Western texts are ambiguous between the single-byte code pages; Latin-1 is read as
    windows-1252, as browsers do, unless a byte undefined there says otherwise). The file
    is then decoded with :func:`decode_text`, exactly as ``build`` will, so a file ``add``
    accepts is one the build reads. ``BadSource`` for a file that is empty, binary or in no
    encoding.
    """
    if raw.startswith(_UTF16_BOMS):
        encoding: str | None = "utf-16"
    elif raw.startswith(_BOM) or _decodes(raw, "utf-8") or b"\x00" in raw:
        encoding = None  # UTF-8, or binary: decode_text says which
    else:
        encoding = guess_encoding(raw)
        if encoding is None:
            raise BadSource(f"{path}: binary file, not text in any encoding")
    decode_text(raw, path, encoding=encoding)
    return encoding


WESTERN_CHAOS_MARGIN = 0.1
"""How much more "chaos" (charset-normalizer's mess measure, 0–1) windows-1252 may show than
the best guess and still be taken: on short texts the measure moves in steps of about 0.05,
so a Latin-1 paragraph of French can score 0.05 as windows-1252 and 0.0 as Baltic cp1257."""


def guess_encoding(raw: bytes) -> str | None:
    """charset-normalizer's guess for bytes that are not UTF-8; windows-1252 when about as good.

    Among the code pages charset-normalizer finds plausible, windows-1252 (the most used
    single-byte encoding by far) wins unless another is clearly less chaotic. For Cyrillic,
    Greek or Central European text windows-1252 is not among the plausible ones at all, so
    this preference never overrides them.
    """
    from charset_normalizer import from_bytes

    matches = list(from_bytes(raw))
    best = matches[0] if matches else None
    western = next((m for m in matches if "cp1252" in m.could_be_from_charset), None)
    if best is not None and western is not None and western.chaos <= best.chaos + WESTERN_CHAOS_MARGIN:
        return "cp1252" if _decodes(raw, "cp1252") else "latin-1"
    if best is None:
        return None
    name = codecs.lookup(best.encoding).name
    if name in ("latin-1", "iso8859-1", "ascii"):
        name = "cp1252"
    if _decodes(raw, name):
        return name
    return "latin-1" if name == "cp1252" else None


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _looks_binary(body: bytes) -> bool:
    if b"\x00" in body:
        return True
    sample = body[:_SNIFF_SIZE]
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return control > _MAX_CONTROL_SHARE * len(sample)
