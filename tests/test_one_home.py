"""One home for each rule: the search SQL, the document-id checks, the way to the database, and
the spelling rules."""
from __future__ import annotations

import re

import pytest

from synopsis.search import ELLIPSIS, MARK_END, MARK_START, SNIPPET_TOKENS, paragraph_search_sql

from .conftest import REPO, RESOLUTION_ID

LIBRARY = sorted({
    path.resolve() for folder in ("synopsis", "ingest", "schema", "migrations") for path in (REPO / folder).rglob("*.py")
})

ELSEWHERE = {  # resolved paths
    REPO.resolve() / "synopsis" / "database.py": "the named edges themselves",
}


@pytest.mark.parametrize("pattern", [r"sqlite3\.connect\(", r"driver_connection", r"dbapi_connection"])
def test_only_database_py_reaches_past_sqlalchemy(pattern):
    """Writes: one SQLAlchemy Connection (and ``executemany``); reads outside a write: ``read_only()``."""
    found = [
        f"{path.relative_to(REPO.resolve())}:{n}" for path in LIBRARY if path not in ELSEWHERE
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if re.search(pattern, line)
    ]
    assert found == []


def test_search_sql_is_written_once():
    """The snippet call with its markers and length appears in synopsis/search.py alone."""
    for path in LIBRARY:
        text = path.read_text(encoding="utf-8")
        if path.name != "search.py":
            assert "snippet(paragraphs_fts" not in text, path
    sql = paragraph_search_sql()
    assert f"{SNIPPET_TOKENS})" in sql and ELLIPSIS in sql


def test_cli_page_and_canned_query_give_the_same_snippets(built_db, built_site):
    from synopsis.search import search

    query = "collective leadership"
    cli = search(built_db, query, limit=5)
    page = built_site.get("/search", params={"q": query}).text
    canned = built_site.get(f"/{built_site.db_name}/search.json", params={"q": query, "_shape": "array"}).json()
    assert [h.ref for h in cli] == [row["ref"] for row in canned[:5]]
    assert [h.snippet for h in cli] == [row["snippet"] for row in canned[:5]]
    for hit in cli:  # the page shows the same snippet, its marks as <mark>
        words = re.findall(f"{MARK_START}([^{MARK_END}]+){MARK_END}", hit.snippet)
        assert words and all(f"<mark>{w}</mark>" in page for w in words)
    assert cli[0].document_id == RESOLUTION_ID


def test_spelling_rules_are_read_from_the_profiles_alone():
    """A language's spelling data lives in its profile (synopsis/languages/data/*.json) and is
    applied by ``Profile.respell``: the link stage and the collation of variants both call it, and
    no other module reads the data or keeps a table of its own."""
    languages = REPO.resolve() / "synopsis" / "languages"
    for path in LIBRARY:
        text = path.read_text(encoding="utf-8")
        if not path.is_relative_to(languages):
            assert not re.search(r"spelling_(?:words|rules|inflections)", text), path
    users = {path.relative_to(REPO.resolve()).as_posix() for path in LIBRARY
             if ".respell(" in path.read_text(encoding="utf-8")}
    assert users == {"synopsis/link/normalize.py", "synopsis/link/variants.py"}


def _holders(pattern: str) -> set[str]:
    """The library modules (paths from the repository root) with a line matching ``pattern``."""
    return {
        path.relative_to(REPO.resolve()).as_posix() for path in LIBRARY
        if re.search(pattern, path.read_text(encoding="utf-8"), re.M)
    }


def test_a_language_tag_is_read_in_one_place():
    """The primary subtag (``en-GB`` → ``en``) and whether two documents share a language are
    synopsis/languages/tags.py's; each caller says what an unknown language means for it."""
    assert _holders(r"""\.split\(["']-["']\)\[0\]|\.split\(["']_["']\)\[0\]""") == {"synopsis/languages/tags.py"}
    assert _holders(r"^def (?:same_language|primary_\w+)\(") == {"synopsis/languages/tags.py"}


def test_accents_are_folded_in_one_place():
    """Dropping accents is synopsis/languages/accents.py's; full-text search keeps SQLite's own
    rule for its index (Latin letters only), written once in synopsis/languages/search.py."""
    assert _holders(r"unicodedata\.combining\(") == {"synopsis/languages/accents.py", "synopsis/languages/search.py"}


def test_encodings_are_one_module_that_the_readers_import():
    """Decoding, detection and charset rules of text files and web pages live in
    ingest/encoding.py; the HTML reader does not import the text reader (nor the reverse,
    beyond read's one call of the HTML extractor)."""
    assert _holders(r"charset_normalizer|codecs\.BOM|^def (?:decode_\w+|detect_encoding|guess_encoding)\(") == {"ingest/encoding.py"}
    assert _holders(r"^\s*from synopsis\.ingest\.read import") <= {"ingest/pipeline.py"}
    html = (REPO / "ingest" / "html.py").read_text(encoding="utf-8")
    assert "synopsis.ingest.read" not in html


def test_names_say_what_they_hold():
    """No ``_fold`` meaning three things (the notes log's events applied, a search index form, a
    cognate's letters); the link stage's entry point lives in the module named for it."""
    assert _holders(r"^\s*def _fold\(") == set()
    assert _holders(r"^def link_corpus\(") == {"synopsis/link/stage.py"}
