"""Encodings: every rule for turning a source's bytes into text, for text files and web pages.

Text and Markdown files (:func:`decode_text`) are UTF-8 unless their metadata records
another encoding, which ``synopsis add`` detects once (:func:`detect_encoding`); the build
never guesses. Web pages (:func:`decode_html`) say their own charset (the HTTP header, then
the page's ``<meta>``), and are detected only when they do not, or lie. Both detect with the
same rule (:func:`guess_encoding`: charset-normalizer, windows-1252 when about as good), and
both read Latin-1 and ASCII as windows-1252, as browsers do (:func:`as_browsers_read`).
"""
from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

from synopsis.errors import BadSource

log = logging.getLogger(__name__)

__all__ = [
    "BOM", "decode_text", "detect_encoding", "guess_encoding", "decode_html", "charset_from_content_type", "as_browsers_read",
]

BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# C0 control bytes other than the whitespace ones (\t \n \v \f \r), and DEL: text files
# have almost none, binary files plenty.
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0E, 0x20)) + b"\x7f"
_SNIFF_SIZE = 64 * 1024
_MAX_CONTROL_SHARE = 0.10
_READ_AS_1252 = {"latin-1", "iso8859-1", "ascii", "iso8859_1", "latin_1", "cp819"}


def as_browsers_read(name: str) -> str:
    """A Python codec name, with Latin-1 and ASCII read as windows-1252 (old pages and files that
    say Latin-1 routinely hold curly quotes and dashes in 0x80–0x9F)."""
    return "cp1252" if name in _READ_AS_1252 or name.replace("-", "_") in _READ_AS_1252 else name


# --------------------------------------------------------------------------- text files


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
    body = raw[len(BOM) :] if raw.startswith(BOM) else raw
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
    elif raw.startswith(BOM) or _decodes(raw, "utf-8") or b"\x00" in raw:
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
    name = as_browsers_read(codecs.lookup(best.encoding).name)
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


# --------------------------------------------------------------------------- web pages

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I,
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.I)


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", content_type, re.I)
    return match.group(1) if match else None


def _codec(label: str | None) -> str | None:
    """A Python codec name for a charset label, windows-1252 for Latin-1 and ASCII."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        log.debug("unknown charset label %r", label)
        return None
    return as_browsers_read(name)


def decode_html(raw: bytes, *, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page: ``(text, encoding)``.

    A declared charset that does not decode the bytes (a page saying UTF-8 and holding
    Latin-1) is set aside and the bytes are detected instead, rather than read with
    replacement characters.
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            return raw[len(bom):].decode(name, errors="replace"), name
    head = raw[:4096]
    declared = [
        _codec(charset_from_content_type(content_type)),
        _codec(m.group(1).decode("ascii")) if (m := _META_CHARSET.search(head)) else None,
        _codec(m.group(1).decode("ascii")) if (m := _XML_ENCODING.search(head)) else None,
    ]
    for name in declared:
        if name is None:
            continue
        try:
            return raw.decode(name), name
        except UnicodeDecodeError:
            log.info("page declares %s but is not valid %s; detecting instead", name, name)
            if name == "cp1252":  # five bytes are undefined in 1252: read them as Latin-1 C1
                return raw.decode("latin-1"), "latin-1"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    name = guess_encoding(raw)  # the rule text files follow too
    if name is not None:
        return raw.decode(name), name
    return raw.decode("cp1252", errors="replace"), "cp1252"
