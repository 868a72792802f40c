"""Search across languages: a name in every script the corpus lexicon lists; a word with its learned translations."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from synopsis.build import build
from synopsis.lexicon.corpus import LEXICON_FILE
from synopsis.search import search
from tests.conftest import DOCUMENTS, RESOLUTION_ID, SiteClient

# Sentences of the corpus's own texts in Russian and Chinese (the Russian resolution of
# 30 June 1956 and the Renmin Ribao editorial of 5 April 1956 name the same speaker)
RUSSIAN = """# О преодолении культа личности

В своем интервью Тольятти ставит вопрос о том, не пришло ли советское общество к некоторым формам перерождения.

Культ личности чужд духу марксизма-ленинизма.
"""
CHINESE = """# 关于无产阶级专政的历史经验

陶里亚蒂同志在他的谈话中提出了一些值得注意的问题。

个人崇拜是一种腐朽的社会现象。
"""


@pytest.fixture(scope="module")
def three_scripts(tmp_path_factory) -> Path:
    """The real resolution (English, naming Togliatti), a Russian and a Chinese text, and the corpus lexicon."""
    root = tmp_path_factory.mktemp("scripts")
    documents = root / "documents"
    documents.mkdir()
    shutil.copytree(DOCUMENTS / RESOLUTION_ID, documents / RESOLUTION_ID)
    shutil.copy(DOCUMENTS / LEXICON_FILE, documents / LEXICON_FILE)
    for doc_id, language, text in (("ru-text", "ru", RUSSIAN), ("zh-text", "zh", CHINESE)):
        folder = documents / doc_id
        folder.mkdir()
        (folder / "metadata.toml").write_text(
            f'id = "{doc_id}"\ntitle = "{doc_id}"\nlanguage = "{language}"\nsource_file = "source.md"\n', encoding="utf-8")
        (folder / "source.md").write_text(text, encoding="utf-8")
    db = root / "scripts.db"
    build(documents_dir=documents, db_path=db)
    return db


def test_a_latin_name_finds_its_cyrillic_and_chinese_forms(three_scripts):
    hits = search(three_scripts, "Togliatti")
    assert {hit.document_id for hit in hits} == {RESOLUTION_ID, "ru-text", "zh-text"}
    snippets = {hit.document_id: hit.snippet for hit in hits}
    assert "\ue000Тольятти\ue001" in snippets["ru-text"]
    assert "\ue000陶里亚蒂\ue001" in snippets["zh-text"]
    # and from the other scripts back to the Latin one
    assert {hit.document_id for hit in search(three_scripts, "Тольятти")} == {RESOLUTION_ID, "ru-text", "zh-text"}
    # a term of the corpus lexicon: as typed, and with translations in every language it lists
    assert {hit.document_id for hit in search(three_scripts, '"cult of the individual"')} == {RESOLUTION_ID}
    found = {hit.document_id for hit in search(three_scripts, '"cult of the individual"', translations=True)}
    assert {"ru-text", "zh-text", RESOLUTION_ID} <= found


def test_a_word_the_lexicon_does_not_know_is_searched_as_typed(three_scripts):
    assert {hit.document_id for hit in search(three_scripts, "interview")} <= {RESOLUTION_ID}


def test_the_search_page_finds_every_script(three_scripts):
    site = SiteClient(three_scripts)
    try:
        html = site.get("/search?q=Togliatti").text
        assert "Тольятти" in html and "陶里亚蒂" in re.sub(r"<[^>]+>", "", html)
        assert 'name="translations"' in html
    finally:
        site.close()


def test_learned_translations_on_request(mark_translation):
    plain = {hit.document_id for hit in search(mark_translation, "boat", limit=100)}
    assert plain == {"twenty"}
    translated = search(mark_translation, "boat", limit=200, translations=True)
    assert {hit.document_id for hit in translated} == {"twenty", "fresynodale1921"}
    french = [hit.snippet for hit in translated if hit.document_id == "fresynodale1921"]
    assert any("\ue000barque\ue001" in s for s in french)
    site = SiteClient(mark_translation)
    try:
        assert "barque" not in site.get("/search?q=boat").text
        assert "barque" in site.get("/search?q=boat&translations=1").text
    finally:
        site.close()


def test_the_cli_switch(mark_translation):
    run = [sys.executable, "-m", "synopsis", "search", "boat", "--db", str(mark_translation), "--limit", "200"]
    assert "fresynodale1921" not in subprocess.run(run, capture_output=True, text=True, check=True).stdout
    assert "fresynodale1921" in subprocess.run(run + ["--translations"], capture_output=True, text=True, check=True).stdout
