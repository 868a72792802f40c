"""The checks on document ids a user names, in one place for every command and page.

``synopsis search --document``, ``compare``, ``note`` on a citation, ``fetch ID``, the
compare and search pages (and any later command that takes ids, such as variants) all
take document ids from a person, who may mistype one, name the same one
twice, or name one whose text was never fetched. Each of these gets one true line (and
exit code 2 at the CLI) instead of an empty answer: :func:`check_documents` is the rule,
a pure function over the ids that exist; :func:`require_documents` reads those ids from a
database file (a read-only edge) and applies it.
"""
from __future__ import annotations

import difflib
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from synopsis.database import read_only
from synopsis.errors import BadDatabase, SameDocument, TextMissing, UnknownDocument

DOCUMENTS_SQL = "SELECT id, status, source_url FROM documents"
"""What :func:`check_documents` needs to know of each document, as a query for any connection."""

CLOSEST = 3
"""How many known ids an unknown one is shown beside."""


def add_text_command(doc_id: str, source_url: str | None) -> str:
    """The command that brings a missing text: fetch it from its source, or add a copy of your own."""
    return f"synopsis fetch {doc_id}" if source_url else f"synopsis add FILE --id {doc_id} --replace"


def missing_text_note(doc_id: str, source_url: str | None) -> str:
    """The one wording of that advice: the build prints it, ``documents.status_note`` keeps
    it, and the CLI refuses a textless document with it."""
    return f"text missing: run `{add_text_command(doc_id, source_url)}`"


def catalogue_rows(rows: Iterable[Sequence]) -> dict[str, tuple[str, str | None]]:
    """``DOCUMENTS_SQL``'s rows as ``{id: (status, source_url)}``."""
    return {row[0]: (row[1], row[2]) for row in rows}


def closest_ids(unknown: Iterable[str], known: Iterable[str], *, n: int = CLOSEST) -> list[str]:
    """The known ids nearest to the unknown ones (difflib's ratio), nearest first."""
    known = sorted(known)
    scored: dict[str, float] = {}
    for name in unknown:
        for candidate in known:
            ratio = difflib.SequenceMatcher(None, name, candidate).ratio()
            scored[candidate] = max(scored.get(candidate, 0.0), ratio)
    return sorted(scored, key=lambda c: (-scored[c], c))[:n]


def check_documents(
    known: Mapping[str, tuple[str, str | None] | None],
    ids: Sequence[str],
    *,
    with_text: bool = False,
    distinct: bool = False,
    where: str | None = None,
) -> None:
    """Refuse ids that name no document, the same document twice, or a document without text.

    ``known`` maps every document id to ``(status, source_url)`` (or to None when only
    the ids are known, as in a documents folder); ``with_text`` also refuses a document
    whose status is not ``present``, naming the command that brings its text; ``where``
    names the database or folder searched.
    """
    unknown = [doc_id for doc_id in dict.fromkeys(ids) if doc_id not in known]
    if unknown:
        noun = "document" if len(unknown) == 1 else "documents"
        near = closest_ids(unknown, known)
        hint = f" (closest: {', '.join(near)})" if near else " (the database has no documents: run `synopsis build`)"
        place = f" in {where}" if where else ""
        raise UnknownDocument(f"{', '.join(unknown)}: no such {noun}{place}{hint}")
    if distinct and len(set(ids)) < len(ids):
        twice = next(doc_id for doc_id in ids if ids.count(doc_id) > 1)
        raise SameDocument(f"{twice}: the same document on both sides (name two different documents)")
    if with_text:
        for doc_id in dict.fromkeys(ids):
            status, source_url = known[doc_id] or ("present", None)
            if status != "present":
                raise TextMissing(f"{doc_id}: {missing_text_note(doc_id, source_url)}")


def require_documents(db_path: Path, ids: Sequence[str], *, with_text: bool = False, distinct: bool = False) -> None:
    """:func:`check_documents` against the documents of a database file (callers check the file itself)."""
    db_path = Path(db_path)
    try:
        with read_only(db_path) as conn:
            known = catalogue_rows(conn.execute(DOCUMENTS_SQL))
    except sqlite3.DatabaseError as error:
        raise BadDatabase(f"{db_path}: not a Synopsis database ({error})") from None
    check_documents(known, ids, with_text=with_text, distinct=distinct, where=str(db_path))
