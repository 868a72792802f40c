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
    # every link found directly joins a quoting paragraph to the French paragraph holding the verse it
    # quotes (those composed through a link to the English Mark: the next test)
    with sqlite3.connect(db) as conn:
        composed = set(conn.execute(
            "SELECT ps.text, pt.text FROM cross_references x JOIN paragraphs ps ON ps.id = x.source_paragraph_id "
            "JOIN paragraphs pt ON pt.id = x.target_paragraph_id WHERE x.method = 'through-alignment'").fetchall())
    for _, source, target in links:
        if (source, target) not in composed:
            assert any(english[:40] in source and french[:30] in target for english, french in quoted), (source[-80:], target[:80])
    found = {english for english, french in quoted
             if any(english[:40] in source and french[:30] in target for _, source, target in links)}
    assert found  # (the recall of a whole New Testament's lexicon: benchmarks/bench_translated.py)


def test_an_unknown_language_pair_is_not_guessed():
    assert covering(["en", "fr"]) and not covering(["en", "lzh"]) and not covering(["xx", "en"])
    for d in shipped_dictionaries():
        assert d.source and d.left != d.right and len(d.pairs()) > 5000


def test_a_passage_linked_to_the_base_is_found_in_its_translation(tmp_path):
    """Composition through the corpus's own alignment: the essay's reworded links to the English Mark,
    carried through its sentence alignment with the French, land on the French sentences that hold
    verse the English passage holds, each naming the link and the alignment it came from."""
    documents, quoted = _corpus(tmp_path, declared=True)
    db = tmp_path / "corpus.db"
    build(documents_dir=documents, db_path=db)
    with sqlite3.connect(db) as conn:
        composed = conn.execute(
            "SELECT ps.text, x.target_text, x.derived_through, pt.text FROM cross_references x "
            "JOIN paragraphs pt ON pt.id = x.target_paragraph_id JOIN paragraphs ps ON ps.id = x.source_paragraph_id "
            "WHERE x.method = 'through-alignment' "
            "AND x.source_document_id = 'essay' AND x.target_document_id = 'fresynodale1921'").fetchall()
        base = dict(conn.execute("SELECT id, text FROM paragraphs WHERE document_id = 'twenty'").fetchall())
        kinds = {k for (k,) in conn.execute("SELECT DISTINCT kind FROM cross_references WHERE method = 'through-alignment'")}
    english = rt.load_verses("Twenty", books=["Mark"])
    french = {v.id: v.text for v in rt.load_verses("FreSynodale1921", books=["Mark"])}
    assert composed and kinds == {"translated"}
    right = 0
    for source, target, evidence, paragraph in composed:
        through = json.loads(evidence)
        assert through["document"] == "twenty" and through["alignment"] == "fresynodale1921"
        assert through["paragraph"] in base and all(through["sentences"]) and target in paragraph
        # the French passage translates the English Mark's passage the essay is linked to: the same verse
        passage = base[through["paragraph"]][through["start"]:through["end"]]
        verses = [v.id for v in english if v.id in french and (passage[:30] in v.text or v.text[:30] in passage)]
        assert any(target[:20] in french[v] or french[v][:20] in target for v in verses), (passage[:60], target[:60])
        right += any(english[:40] in source and (target[:20] in french or french[:20] in target) for english, french in quoted)
    assert right >= len(composed) // 2  # most of them the very verse the essay quotes (others a parallel the English links)
    # the essay paragraph's page shows the link as translated and what it was composed through
    from tests.conftest import SiteClient

    with sqlite3.connect(db) as conn:
        pid, through = conn.execute(
            "SELECT x.source_paragraph_id, p.ref FROM cross_references x JOIN paragraphs p "
            "ON p.id = json_extract(x.derived_through, '$.paragraph') "
            "WHERE x.method = 'through-alignment' AND x.source_document_id = 'essay' LIMIT 1").fetchone()
    site = SiteClient(db)
    try:
        page = site.get(f"/{db.stem}/paragraphs/{pid}").text
    finally:
        site.close()
    assert ">translated</span>" in page and f">{through}</a> in Twenty and its sentence alignment" in page


def test_a_changed_translation_relinks_the_essays_of_its_languages(tmp_path):
    """The links across languages rest on the corpus's translations (the learned lexicon, the
    composed links): an edit of the English Mark relinks the essay beside the French Mark, and the
    incremental build stores what a build from scratch stores."""
    documents, _ = _corpus(tmp_path, declared=True)
    db = tmp_path / "corpus.db"
    build(documents_dir=documents, db_path=db)
    source = next((documents / "twenty").glob("*.md"))
    paras = source.read_text(encoding="utf-8").split("\n\n")
    source.write_text("\n\n".join(paras[: len(paras) // 2]) + "\n", encoding="utf-8")  # the second half withdrawn
    def digests() -> dict[str, str]:
        with sqlite3.connect(db) as conn:
            return dict(conn.execute("SELECT left_document_id, inputs_sha256 FROM runs WHERE kind = 'document'"))
    before = digests()
    build(documents_dir=documents, db_path=db)
    after = digests()
    # the essay and the French Mark linked again, though neither changed itself
    assert {d for d in after if after[d] != before.get(d)} == {"essay", "fresynodale1921", "twenty"}
    scratch = tmp_path / "scratch.db"
    build(documents_dir=documents, db_path=scratch)

    def links(path: Path) -> list[tuple]:
        with sqlite3.connect(path) as conn:
            return sorted(conn.execute(
                "SELECT ps.ref, pt.ref, x.kind, x.method, x.source_start, x.source_end, x.target_start, x.target_end "
                "FROM cross_references x JOIN paragraphs ps ON ps.id = x.source_paragraph_id "
                "JOIN paragraphs pt ON pt.id = x.target_paragraph_id").fetchall())
    assert links(db) == links(scratch)
