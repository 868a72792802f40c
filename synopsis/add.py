"""Adding a local file to the corpus as a document.

A reader who owns a text (a scan rendered as Markdown, a translation typed from a book, a
page saved from a library's site) registers it here: the file is copied into its own folder
under ``documents/`` beside a ``metadata.toml``, and the next build loads it. The copy is
the source of record and is never edited afterwards.

Every check runs before anything is written, so a refused ``add`` leaves ``documents/``
exactly as it was: an existing id without ``replace``, a ``version_of`` naming no document,
a file that is missing, binary, or of a format the reader does not know. A text file that
is not UTF-8 has its encoding detected once and recorded in the metadata
(``encoding = "cp1252"``), which is what the build decodes it with.
"""
from __future__ import annotations

import datetime as _dt
import getpass
import hashlib
import logging
import re
from dataclasses import replace as _replace
from pathlib import Path

from synopsis.files import write_atomic
from synopsis.errors import BadMetadata, BadSource, DuplicateDocument, UnknownDocument
from synopsis.ingest.catalogue import METADATA_FILE, dump_metadata, load_catalogue, metadata_from_dict
from synopsis.ingest.model import SOURCE_KINDS, DocumentMeta
from synopsis.ingest.encoding import detect_encoding
from synopsis.languages.codes import language_problem

log = logging.getLogger(__name__)

FORMATS = {
    ".md": "markdown", ".markdown": "markdown",
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
}
"""File name suffixes ``add`` accepts, and the format each names."""

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


def _check_source(path: Path, fmt: str) -> str | None:
    """Refuse a file the build could not read; return the encoding to record (None for UTF-8).

    Text and Markdown go through the build's own decoding rule (:func:`detect_encoding`
    guesses once, then decodes as the build will), so ``add`` and ``build`` never disagree.
    An HTML page declares its own charset and is decoded by the HTML reader; here it only
    has to be text, not binary.
    """
    raw = path.read_bytes()
    if fmt != "html":
        return detect_encoding(raw, path)
    head = raw[:65536]
    if not head.strip():
        raise BadSource(f"{path}: empty file")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadSource(f"{path}: binary file, not Markdown, plain text or HTML")
    return None


def add(
    file: Path,
    *,
    id: str,  # the option is --id
    title: str | None = None,
    author: str | None = None,
    date: str | None = None,
    language: str | None = None,
    version_of: str | None = None,
    source_kind: str | None = None,
    documents_dir: Path,
    replace: bool = False,
    added_by: str | None = None,
) -> DocumentMeta:
    """Copy ``file`` into ``documents_dir/<id>/`` and write its metadata; return the metadata.

    ``title`` is required for a new document. With ``replace``, an existing document's text
    is replaced and the fields given here overwrite its metadata; the facts not given (publisher, source URL, description, ...)
    are kept, so that a catalogued document whose text was missing keeps its bibliography.
    ``source_kind`` (:data:`~synopsis.ingest.model.SOURCE_KINDS`) is recorded either way: the
    one given, else the replaced document's, else born digital (no scan repairs).
    The metadata's ``[retrieval]`` table records who added the text (``added_by``, the
    login name unless given), when, and its sha256: its provenance on the document page.
    """
    file = Path(file)
    documents_dir = Path(documents_dir)
    if not file.exists():
        raise BadSource(f"{file}: no such file")
    if not file.is_file():
        raise BadSource(f"{file}: not a file")
    suffix = file.suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise BadSource(f"{file}: unknown format '{suffix or '(no suffix)'}' (expected one of {known})")
    encoding = _check_source(file, FORMATS[suffix])

    catalogue = {meta.id: meta for meta in load_catalogue(documents_dir)} if documents_dir.is_dir() else {}
    existing = catalogue.get(id)
    if existing is not None and not replace:
        raise DuplicateDocument(f"{existing.metadata_path}: id '{id}' is already catalogued (use --replace to replace its text)")
    if version_of is not None and version_of not in catalogue:
        raise UnknownDocument(f"--version-of '{version_of}': no document with that id in {documents_dir}")

    if language is not None and (problem := language_problem(language)):
        raise BadMetadata(f"--language {problem}")
    if existing is None and not title:
        raise BadMetadata(f"{file}: a new document needs a title (--title)")

    folder = existing.folder if existing is not None and existing.folder is not None else documents_dir / id
    name = file.name if _SAFE_NAME.match(file.name) and file.name != METADATA_FILE else f"source{suffix}"
    fields: dict[str, object] = {}
    if existing is not None:
        fields = {k: getattr(existing, k) for k in ("id", "title", "author", "date", "language", "genre", "translator", "publisher",
                                                    "source_title", "source_url", "digitisation", "rights", "version_of", "description",
                                                    "source_kind")}
    given = {"id": id, "title": title, "author": author, "date": date, "language": language, "version_of": version_of,
             "source_kind": source_kind}
    fields.update({k: v for k, v in given.items() if v is not None})
    fields["source_file"] = name
    fields["source_kind"] = fields.get("source_kind") or SOURCE_KINDS[0]  # unsaid: born digital, kept as written
    fields["encoding"] = encoding  # the new text's: an old text's encoding must not outlive it
    fields = {k: v for k, v in fields.items() if v is not None}
    metadata_path = folder / METADATA_FILE
    # The catalogue's own checks (slug id, ISO date, version_of not itself), before writing.
    meta = metadata_from_dict(fields, metadata_path=metadata_path, documents_dir=documents_dir)
    if meta.version_of == meta.id:
        raise BadMetadata(f"--version-of '{version_of}': a document cannot be a version of itself")

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if file.resolve() != target.resolve():
        write_atomic(target, file.read_bytes())
    old = existing.source_path if existing is not None else None
    added = {"retrieved_at": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
             "sha256": hashlib.sha256(file.read_bytes()).hexdigest(), "added_by": added_by or _user()}
    write_atomic(metadata_path, dump_metadata(_replace(meta, retrieval=added)))
    if old is not None and old.is_file() and old.resolve() != target.resolve():
        old.unlink()  # the text this one replaces; the metadata no longer names it
    log.info("added %s as %s (%s)", file, target, FORMATS[suffix])
    return meta


def _user() -> str:
    """Who is adding a document: the login name (``unknown`` where the system has none)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
