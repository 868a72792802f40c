"""Cross-references across languages (kind translated), through learned pairs and a shipped dictionary."""
from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from synopsis.build import build
from synopsis.lexicon.corpus import LEXICON_FILE
from synopsis.lexicon.dictionaries import covering, shipped_dictionaries
from tests.support import realtexts as rt
from tests.conftest import DOCUMENTS, RESOLUTION_ID

FILLER = [p.strip() for p in next((DOCUMENTS / RESOLUTION_ID).glob("*.md")).read_text(encoding="utf-8").split("\n\n")
          if len(p.split()) > 40][5:40]


def _corpus(root: Path, *, declared: bool) -> tuple[Path, list[tuple[str, str]]]:
    """An English essay quoting 12 verses of Mark in the Open English Bible's wording among the
    resolution's paragraphs; Mark in the Twentieth Century New Testament and in French (declared
    its translation, or not)."""
    quoted = [v for v in rt.load_verses("OEB", books=["Mark"]) if 14 <= len(v.text.split()) <= 40]
    chosen = sorted(random.Random(7).sample(quoted, 12), key=quoted.index)
    documents = root / "documents"
    paras = []
    for k, verse in enumerate(chosen):
        paras.append(f"{FILLER[k]} As the Gospel has it: “{verse.text}”")
    paras += FILLER[12:20]
    (documents / "essay").mkdir(parents=True)
    (documents / "essay" / "metadata.toml").write_text(
        'id = "essay"\ntitle = "An essay"\nlanguage = "en"\nsource_file = "essay.md"\n', encoding="utf-8")
    (documents / "essay" / "essay.md").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    rt.write_mark_translation(documents, declared=declared)
    shutil.copy(DOCUMENTS / LEXICON_FILE, documents / LEXICON_FILE)
    french = {v.id: v.text for v in rt.load_verses("FreSynodale1921", books=["Mark"])}
    return documents, [(v.text, french[v.id]) for v in chosen if v.id in french]


def _translated(db: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT x.kind, ps.text, pt.text FROM cross_references x JOIN paragraphs ps ON ps.id = x.source_paragraph_id "
            "JOIN paragraphs pt ON pt.id = x.target_paragraph_id "
            "WHERE ps.document_id = 'essay' AND pt.document_id = 'fresynodale1921'").fetchall()


@pytest.mark.parametrize("declared", [True, False], ids=["declared-translation", "dictionary-only"])
def test_an_english_essay_finds_the_french_verse(tmp_path, declared):
    documents, quoted = _corpus(tmp_path, declared=declared)
    db = tmp_path / "corpus.db"
    build(documents_dir=documents, db_path=db)
    links = _translated(db)
    with sqlite3.connect(db) as conn:
        sources = [json.loads(p).get("correspondence_sources", {}) for (p,) in conn.execute(
            "SELECT parameters FROM runs WHERE method = 'meaning-align'")]
    assert sources and all("freedict-en-fr" in s and "freedict-fr-en" in s for s in sources)  # recorded in the run
    assert all(("learned-lexicon" in s) == declared for s in sources)
    if not declared:  # a dictionary alone: few words a verse (figures: benchmarks/bench_translated.py); never a wrong link
        assert all(english[:40] in source and french[:30] in target
                   for _, source, target in links for english, french in quoted if english[:40] in source)
        return
    assert links and {kind for kind, _, _ in links} == {"translated"}
    # every link joins a quoting paragraph to the French paragraph holding the verse it quotes
    for _, source, target in links:
        assert any(english[:40] in source and french[:30] in target for english, french in quoted), (source[-80:], target[:80])
    found = {english for english, french in quoted
             if any(english[:40] in source and french[:30] in target for _, source, target in links)}
    assert found  # (the recall of a whole New Testament's lexicon: benchmarks/bench_translated.py)


def test_an_unknown_language_pair_is_not_guessed():
    assert covering(["en", "fr"]) and not covering(["en", "lzh"]) and not covering(["xx", "en"])
    for d in shipped_dictionaries():
        assert d.source and d.left != d.right and len(d.pairs()) > 5000
