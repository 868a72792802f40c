"""The catalogue: every document folder's ``metadata.toml``, read and checked.

A document is a folder under ``documents/`` holding a ``metadata.toml`` and, once its text
is present, the source file of record that ``source_file`` names. The catalogue is read
before anything is ingested, so that every metadata problem (a malformed file, a missing or
mistyped field, two folders with one id, a ``version_of`` naming nobody, a path leading out
of ``documents/``) is reported in one line before the database is touched.
"""
from __future__ import annotations

import codecs
import datetime as _dt
import difflib
import re
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

import tomli_w

from synopsis.errors import BadMetadata, DuplicateDocument, UnknownDocument
from synopsis.languages.codes import language_problem
from synopsis.validate import missing_text_note
from synopsis.ingest.model import SOURCE_KINDS, DocumentMeta

METADATA_FILE = "metadata.toml"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}$")
DATE_PATTERN = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

TEXT_FIELDS = (
    "id", "title", "author", "date", "language", "genre", "translator", "publisher",
    "source_title", "source_url", "digitisation", "rights", "version_of", "description", "source_file", "encoding",
    "source_kind",
)
"""Fields a metadata file may set; each is a string."""

REQUIRED_FIELDS = ("id", "title")
RETRIEVAL_FIELDS = ("url", "final_url", "status", "retrieved_at", "sha256", "content_type", "added_by")
"""The ``[retrieval]`` table: how the text came (``synopsis fetch``: the URLs and the answer;
``synopsis add``: who added it, ``added_by``, and when)."""


def load_catalogue(documents_dir: Path) -> list[DocumentMeta]:
    """Read and check every document folder; sorted by id so that builds are deterministic."""
    documents_dir = Path(documents_dir)
    if not documents_dir.is_dir():
        raise BadMetadata(f"{documents_dir}: no such documents folder")
    metas: list[DocumentMeta] = []
    seen: dict[str, Path] = {}
    for metadata_path in sorted(documents_dir.glob(f"*/{METADATA_FILE}")):
        meta = read_metadata(metadata_path, documents_dir=documents_dir)
        if meta.id in seen:
            raise DuplicateDocument(f"{metadata_path}: id '{meta.id}' is already used by {seen[meta.id]}")
        seen[meta.id] = metadata_path
        metas.append(meta)
    for meta in metas:
        if meta.version_of and meta.version_of not in seen:
            raise UnknownDocument(f"{meta.metadata_path}: version_of '{meta.version_of}' names no document in {documents_dir}")
        if meta.version_of == meta.id:
            raise BadMetadata(f"{meta.metadata_path}: version_of names the document itself")
    return sorted(metas, key=lambda m: m.id)


def read_metadata(metadata_path: Path, *, documents_dir: Path | None = None) -> DocumentMeta:
    """Parse and check one ``metadata.toml``."""
    try:
        data = tomllib.loads(metadata_path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise BadMetadata(f"{metadata_path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise BadMetadata(f"{metadata_path}: not valid TOML ({error})") from None
    except OSError as error:
        raise BadMetadata(f"{metadata_path}: cannot be read ({error.strerror})") from None
    return metadata_from_dict(data, metadata_path=metadata_path, documents_dir=documents_dir)


def metadata_from_dict(data: dict[str, Any], *, metadata_path: Path, documents_dir: Path | None = None) -> DocumentMeta:
    """Check a parsed metadata table and turn it into a :class:`DocumentMeta`."""
    where = str(metadata_path)
    known = set(TEXT_FIELDS) | {"retrieval"}
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise BadMetadata(f"{where}: unknown field '{key}'{hint}")
    values: dict[str, Any] = {}
    for key in TEXT_FIELDS:
        value = data.get(key)
        if isinstance(value, _dt.date):  # a bare TOML date: accept it, store ISO
            value = value.isoformat()
        if value is not None and not isinstance(value, str):
            raise BadMetadata(f"{where}: field '{key}' must be a string, not {type(value).__name__} ({value!r})")
        value = value.strip() if isinstance(value, str) else None
        values[key] = value or None
    for key in REQUIRED_FIELDS:
        if not values[key]:
            raise BadMetadata(f"{where}: missing required field '{key}'")
    if not ID_PATTERN.match(values["id"]):
        raise BadMetadata(f"{where}: id '{values['id']}' is not a slug (lowercase letters, digits, '-', '.', '_')")
    if values["date"] and not _is_iso_date(values["date"]):
        raise BadMetadata(f"{where}: field 'date' is not an ISO date YYYY[-MM[-DD]] ({values['date']!r})")
    if values["language"] and (problem := language_problem(values["language"])):
        raise BadMetadata(f"{where}: field 'language': {problem}")
    if values["encoding"]:
        try:
            codecs.lookup(values["encoding"])
        except LookupError:
            raise BadMetadata(f"{where}: field 'encoding' names no known encoding ({values['encoding']!r})") from None
    if values["source_kind"] and values["source_kind"] not in SOURCE_KINDS:
        raise BadMetadata(
            f"{where}: field 'source_kind' is {values['source_kind']!r}; it is one of {', '.join(map(repr, SOURCE_KINDS))}"
        )
    folder = metadata_path.parent
    if values["source_file"]:
        _check_inside(values["source_file"], folder=folder, documents_dir=documents_dir, where=where)
        if (folder / values["source_file"]).is_dir():
            raise BadMetadata(f"{where}: source_file '{values['source_file']}' is a folder, not a file")
    retrieval = data.get("retrieval") or {}
    if not isinstance(retrieval, dict):
        raise BadMetadata(f"{where}: 'retrieval' must be a table")
    for key in retrieval:
        if key not in RETRIEVAL_FIELDS:
            raise BadMetadata(f"{where}: unknown field 'retrieval.{key}'")
    names = {f.name for f in fields(DocumentMeta)}
    return DocumentMeta(
        **{k: v for k, v in values.items() if k in names},
        folder=folder,
        metadata_path=metadata_path,
        retrieval=dict(retrieval),
    )


def _is_iso_date(text: str) -> bool:
    if not DATE_PATTERN.match(text):
        return False
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        _dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


def _check_inside(source_file: str, *, folder: Path, documents_dir: Path | None, where: str) -> None:
    """Refuse a source path that leads out of the document's folder (and so out of documents/)."""
    candidate = Path(source_file)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise BadMetadata(f"{where}: source_file '{source_file}' points outside the document's folder")
    resolved = (folder / candidate).resolve()
    root = (documents_dir if documents_dir is not None else folder).resolve()
    if not resolved.is_relative_to(folder.resolve()) or not resolved.is_relative_to(root):
        raise BadMetadata(f"{where}: source_file '{source_file}' points outside the document's folder")


def source_status(meta: DocumentMeta) -> tuple[str, str]:
    """Whether the text is present, and a note for the reader: how it was obtained or how to get it."""
    path = meta.source_path
    if path is not None and path.is_file():
        if meta.retrieval.get("added_by"):
            when = meta.retrieval.get("retrieved_at")
            return "present", f"added by {meta.retrieval['added_by']} with synopsis add" + (f" on {when}" if when else "")
        if meta.retrieval.get("retrieved_at"):
            origin = meta.retrieval.get("final_url") or meta.retrieval.get("url") or meta.source_url
            return "present", f"fetched {meta.retrieval['retrieved_at']} from {origin}"
        return "present", "supplied with the corpus" if not meta.digitisation else meta.digitisation
    return "missing", missing_text_note(meta.id, meta.source_url)


def dump_metadata(meta: DocumentMeta) -> str:
    """Render a metadata file (flat string fields, then the [retrieval] table) with tomli-w.

    A TOML library, not string formatting: any string a field can hold (a ``\\r``, a control
    character, quotes, backslashes) is escaped the way TOML defines, so what is written
    reads back the same.
    """
    data: dict[str, Any] = {key: value for key in TEXT_FIELDS if (value := getattr(meta, key, None))}
    retrieval = {
        key: value if isinstance(value, int) else str(value)
        for key in RETRIEVAL_FIELDS if (value := meta.retrieval.get(key)) is not None
    }
    if retrieval:
        data["retrieval"] = retrieval
    return tomli_w.dumps(data)
