"""Stage 1, read: bytes to source text, and the exact errors a user sees."""
from __future__ import annotations

from pathlib import Path

import pytest

from synopsis.errors import BadSource
from synopsis.ingest.model import Doc, DocumentMeta
from synopsis.ingest.read import read, read_path, sniff_format


def _doc_for(path: Path) -> Doc:
    return Doc(meta=DocumentMeta(id="test-doc", title="Test", folder=path.parent, source_file=path.name))


def _read_error(path: Path) -> str:
    with pytest.raises(BadSource) as info:
        read(_doc_for(path))
    return str(info.value)


def test_resolution_is_read_as_markdown(resolution_doc, resolution_path):
    raw = resolution_path.read_bytes()
    assert resolution_doc.raw == raw
    assert resolution_doc.format == "markdown"
    assert resolution_doc.source == raw.decode("utf-8")  # the file has no BOM and LF newlines
    assert resolution_doc.source.lstrip().startswith("# On Overcoming the Cult of the Individual")
    assert "“Comrade Stalin" in resolution_doc.source  # typographic quotes decoded, not mangled


def test_bom_is_dropped_and_newlines_normalised(tmp_path):
    path = tmp_path / "crlf.md"
    path.write_bytes(b"\xef\xbb\xbfFirst line\r\nsecond line\rthird\n\r\nLast.\r\n")
    doc = read(_doc_for(path))
    assert doc.source == "First line\nsecond line\nthird\n\nLast.\n"
    assert doc.raw.startswith(b"\xef\xbb\xbf")  # the bytes stay as received


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.md", "markdown"), ("a.markdown", "markdown"), ("a.TXT", "text"), ("a.html", "html"), ("a.htm", "html")],
)
def test_format_follows_the_extension(tmp_path, name, expected):
    path = tmp_path / name
    path.write_bytes(b"Some words.")
    assert read_path(path)[1] == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "html"),
        (b"\xef\xbb\xbf  <html lang='en'><p>Hi</p></html>", "html"),
        (b"# A heading\n\nSome *emphasis* here.", "markdown"),
        (b"Plain words, nothing else.\n\nMore words.", "text"),
    ],
)
def test_format_is_sniffed_without_a_known_extension(tmp_path, content, expected):
    path = tmp_path / "source.dat"
    path.write_bytes(content)
    assert read_path(path)[1] == expected
    assert sniff_format(content) == expected


def test_missing_file(tmp_path):
    path = tmp_path / "absent.md"
    assert _read_error(path) == f"{path}: no such file"


def test_no_source_file_in_metadata():
    doc = Doc(meta=DocumentMeta(id="lonely", title="No text"))
    with pytest.raises(BadSource) as info:
        read(doc)
    assert str(info.value) == "lonely: no source file named in its metadata"


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  \r\n", b"\xef\xbb\xbf\n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.md"
    path.write_bytes(content)
    assert _read_error(path) == f"{path}: empty file"


@pytest.mark.parametrize(
    "content",
    [
        b"Looks like text\x00but has a NUL byte.",
        bytes(range(1, 8)) * 64 + b"and a little text",  # mostly control bytes, no NUL
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    ],
)
def test_binary_file(tmp_path, content):
    path = tmp_path / "picture.txt"
    path.write_bytes(content)
    assert _read_error(path) == f"{path}: binary file, not text"


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes("Caf\u00e9 society.".encode("latin-1"))  # é is byte 0xe9 at offset 3
    assert _read_error(path) == f"{path}: not UTF-8 text (invalid byte 0xe9 at offset 3); `synopsis add` it again to record its encoding"


def test_invalid_byte_offset_counts_the_bom(tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes(b"\xef\xbb\xbfab\xffcd")
    assert _read_error(path) == f"{path}: not UTF-8 text (invalid byte 0xff at offset 5); `synopsis add` it again to record its encoding"


def test_the_message_is_one_line_naming_the_file_first(tmp_path):
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    message = _read_error(path)
    assert "\n" not in message and message.startswith(str(path))
