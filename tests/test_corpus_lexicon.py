"""The corpus lexicon beside ``documents/``: names and terms a user edits, read by the build."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from synopsis.build import build
from synopsis.languages import language_profile, profile_for
from synopsis.lexicon.corpus import EMPTY, LEXICON_FILE, parse_corpus_lexicon, read_corpus_lexicon
from tests.conftest import DOCUMENTS, RESOLUTION_ID

ESSAY = """# An essay

The resolution is brief about the man himself. "Herein was the tragedy of Koba," its authors
wrote, and turned to the economy of the country and the harvest of that year.

Nothing else in this essay comes from the resolution; it speaks of rivers, weather and the roads
between towns.
"""


def _corpus(tmp_path: Path) -> Path:
    """The real resolution, the repository's corpus lexicon, and an essay that quotes one of
    the resolution's sentences naming Stalin by his old party name."""
    documents = tmp_path / "documents"
    documents.mkdir()
    shutil.copytree(DOCUMENTS / RESOLUTION_ID, documents / RESOLUTION_ID)
    shutil.copy(DOCUMENTS / LEXICON_FILE, documents / LEXICON_FILE)
    essay = documents / "essay"
    essay.mkdir()
    (essay / "metadata.toml").write_text('id = "essay"\ntitle = "An essay"\nlanguage = "en"\nsource_file = "essay.md"\n')
    (essay / "essay.md").write_text(ESSAY)
    return documents


def _links(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT source_text, target_text FROM cross_references ORDER BY id").fetchall()


def test_a_users_own_name_changes_linking_after_a_build(tmp_path):
    documents = _corpus(tmp_path)
    db = tmp_path / "corpus.db"
    build(documents_dir=documents, db_path=db)
    assert _links(db) == []  # "Koba" is not "Stalin": three words of four agree, too few
    lexicon = documents / LEXICON_FILE
    text = lexicon.read_text(encoding="utf-8")
    # the user's own entry: one name written two ways (no edit inside the package)
    lexicon.write_text(text + '\n[names."Koba"]\ntoken = "stalin"\nen = ["Koba", "Stalin"]\n', encoding="utf-8")
    report = build(documents_dir=documents, db_path=db)
    assert set(report.ingested) == {"essay", RESOLUTION_ID}  # the lexicon is in every document's digest
    assert ("Herein was the tragedy of Stalin", "Herein was the tragedy of Koba") in _links(db)
    lexicon.write_text(text, encoding="utf-8")
    build(documents_dir=documents, db_path=db)
    assert _links(db) == []


def test_the_resolutions_figures_with_the_corpus_lexicon(built_db):
    with sqlite3.connect(built_db) as conn:
        counts = [conn.execute(f"SELECT count(*) FROM {table} WHERE document_id = ?", (RESOLUTION_ID,)).fetchone()[0]
                  for table in ("paragraphs", "quotations")]
        sentences = conn.execute(
            "SELECT count(*) FROM sentences s JOIN paragraphs p ON p.id = s.paragraph_id WHERE p.document_id = ?",
            (RESOLUTION_ID,)).fetchone()[0]
        speakers = {row[0] for row in conn.execute("SELECT DISTINCT speaker FROM quotations WHERE speaker IS NOT NULL")}
    assert (counts[0], sentences, counts[1]) == (77, 234, 26)
    assert {"V. I. Lenin", "Karl Marx", "Palmiro Togliatti"} <= speakers


def test_language_profiles_hold_no_corpus_names():
    for code in ("en", "fr", "it", "de", "ru", "zh", "lzh"):
        assert language_profile(code).names == () and language_profile(code).phrases == ()
    assert profile_for("en", EMPTY).speakers() == {}
    lexicon = read_corpus_lexicon(DOCUMENTS)
    assert "Тольятти" in profile_for("ru", lexicon).speakers()["Palmiro Togliatti"]
    assert "陶里亚蒂" in profile_for("zh", lexicon).speakers()["Palmiro Togliatti"]


def test_a_corpus_without_a_lexicon_inherits_no_names(tmp_path):
    assert read_corpus_lexicon(tmp_path) is EMPTY
    every = parse_corpus_lexicon('[names."Palmiro Togliatti"]\n"*" = ["Ercoli"]\nen = ["Togliatti"]\n')
    assert profile_for("en", every).speakers() == {"Palmiro Togliatti": ("Ercoli", "Togliatti")}
    assert profile_for("xx", every).speakers() == {"Palmiro Togliatti": ("Ercoli",)}


@pytest.mark.parametrize(("text", "message"), [
    ("[names.x\n", "not valid TOML"),
    ('[people."A"]\nen = ["A"]\n', "unknown table 'people'"),
    ('[names."A"]\nenglish = ["A"]\n', "'english' is not a language code"),
    ('[names."A"]\nen = [1]\n', "names.'A'.en must be a list of non-empty strings"),
    ('[names."A"]\ntoken = "a"\n', "names.'A' has no spellings"),
])
def test_a_bad_lexicon_is_one_line_naming_the_file(tmp_path, text, message):
    documents = _corpus(tmp_path)
    (documents / LEXICON_FILE).write_text(text, encoding="utf-8")
    db = tmp_path / "corpus.db"
    result = subprocess.run([sys.executable, "-m", "synopsis", "build", "--documents", str(documents), "--db", str(db)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and f"{documents / LEXICON_FILE}: " in result.stderr and message in result.stderr, result.stderr
    assert not db.exists()
