"""The translators' lexicon as a table: pairs learned from a real translation, the corpus lexicon's entries."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import DOCUMENTS, SiteClient


def _rows(db: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def test_the_edition_step_keeps_what_it_learns(mark_translation):
    learned = _rows(mark_translation, "SELECT left_text, right_text, left_language, right_language, left_document_id, "
                    "right_document_id, evidence, strength, run_id FROM lexicon WHERE source = 'learned' AND token IS NULL")
    assert len(learned) > 100
    pairs = {(a, b) for a, b, *_ in learned}
    # French on the left: documents are paired in id order (fresynodale1921 < twenty)
    assert {("dieu", "god"), ("barque", "boat"), ("royaume", "kingdom"), ("douze", "twelve")} <= pairs
    assert {(ll, rl, ld, rd) for _, _, ll, rl, ld, rd, *_ in learned} == {("fr", "en", "fresynodale1921", "twenty")}
    assert all(evidence >= 3 and strength >= 30 for *_, evidence, strength, _ in learned)
    runs = _rows(mark_translation, "SELECT DISTINCT r.kind, r.method FROM lexicon l JOIN runs r ON r.id = l.run_id")
    assert runs == [("alignment", "edition")]


def test_the_corpus_lexicon_is_in_the_table(mark_translation):
    rows = _rows(mark_translation, "SELECT left_language, left_text, right_language, right_text FROM lexicon "
                 "WHERE source = 'corpus term' AND token = 'cult_individual'")
    assert ("en", "cult of the individual", "ru", "культ личности") in rows
    assert ("en", "cult of the individual", "zh", "个人崇拜") in rows
    assert ("it", "culto della personalità", "ru", "культ личности") in rows


def test_renderings_query(mark_translation):
    site = SiteClient(mark_translation)
    try:
        got = site.get("/mark/renderings.json?_shape=objects&term=barque").json()["rows"]
        assert got and got[0]["rendering"] == "boat" and got[0]["language"] == "en"
        assert got[0]["left_document_id"] == "fresynodale1921" and got[0]["evidence"] >= 3
        got = site.get("/mark/renderings.json?_shape=objects&term=" + "культ личности").json()["rows"]
        renderings = {(r["language"], r["rendering"]) for r in got}
        assert {("en", "cult of the individual"), ("it", "culto della personalità"), ("zh", "个人崇拜")} <= renderings
    finally:
        site.close()


def test_metadata_describes_the_table():
    metadata = json.loads((DOCUMENTS.parent / "datasette-metadata.json").read_text(encoding="utf-8"))
    database = metadata["databases"]["synopsis"]
    assert "lexicon" in database["tables"] and "renderings" in database["queries"]
