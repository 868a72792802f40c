"""Readers' notes survive rebuilds and migrations; a note whose text is gone is kept, orphaned."""
from __future__ import annotations

import sqlite3

import pytest
from alembic import command

from synopsis.build import build
from synopsis.database import alembic_config, head_revision
from synopsis.errors import UnknownDocument, UnknownTarget
from synopsis.notes import note, notes

from .conftest import RESOLUTION_ID

SOURCE = f"{RESOLUTION_ID}/cpsu-cc-resolution-1956-06-30.md"


@pytest.fixture
def noted_db(tmp_path, documents_copy):
    """A built copy of the corpus with notes on three paragraphs and a quotation."""
    db = tmp_path / "noted.db"
    build(documents_dir=documents_copy, db_path=db)
    note(db, f"{RESOLUTION_ID}:1.1", "Opening: the congress welcomed.", tags=["opening"], author="A. Reader")
    note(db, f"{RESOLUTION_ID}:2.1", "Why the cult could arise.", tags=["cause", "theory"])
    note(db, f"{RESOLUTION_ID}:4.1", "Section four opens.")
    with sqlite3.connect(db) as conn:
        quotation_ref = conn.execute("SELECT ref FROM quotations WHERE kind = 'quotation' ORDER BY id LIMIT 1").fetchone()[0]
    note(db, quotation_ref, "A quotation worth checking.")
    return db, documents_copy


def paragraph_text(db, ref):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT text FROM paragraphs WHERE ref = ?", (ref,)).fetchone()[0]


def test_notes_are_listed_with_their_targets(noted_db):
    db, _ = noted_db
    listed = notes(db)
    assert [n.note for n in listed][:3] == ["Opening: the congress welcomed.", "Why the cult could arise.", "Section four opens."]
    assert listed[0].target_table == "paragraphs" and listed[0].target_ref == f"{RESOLUTION_ID}:1.1"
    assert listed[0].tags == "opening" and listed[0].author == "A. Reader"
    assert listed[3].target_table == "quotations"
    assert [n.note for n in notes(db, tag="theory")] == ["Why the cult could arise."]


def test_an_unknown_target_is_refused(noted_db):
    db, _ = noted_db
    with pytest.raises(UnknownTarget, match=r"^cpsu-resolution-1956:99\.9: names no paragraph or quotation"):
        note(db, "cpsu-resolution-1956:99.9", "lost")
    with pytest.raises(UnknownDocument, match=r"^nowhere: no such document \(closest: "):
        note(db, "nowhere:9.9", "lost")
    with pytest.raises(UnknownTarget, match="no row 999999 in paragraphs"):
        note(db, "paragraphs:999999", "lost")


def test_notes_survive_a_rebuild_of_unchanged_sources(noted_db):
    db, documents = noted_db
    before = notes(db)
    build(documents_dir=documents, db_path=db)
    assert notes(db) == before


def test_notes_survive_a_rebuild_from_scratch_of_the_ids(noted_db):
    """Rebuild after the ingest digest changes (forcing re-ingest): notes keep their targets."""
    db, documents = noted_db
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE documents SET pipeline_sha256 = 'stale'")
    before = notes(db)
    report = build(documents_dir=documents, db_path=db)
    assert RESOLUTION_ID in report.ingested
    assert notes(db) == before


def test_a_deleted_paragraph_orphans_its_note_and_a_restored_one_reattaches_it(noted_db):
    db, documents = noted_db
    source = documents / SOURCE
    original = source.read_text(encoding="utf-8")
    doomed = paragraph_text(db, f"{RESOLUTION_ID}:4.1")
    anchor = doomed[:60]
    assert anchor in original
    # drop the whole block that starts with the paragraph's opening words
    start = original.index(anchor)
    end = original.index("\n\n", start)
    source.write_text(original[:start] + original[end + 2 :], encoding="utf-8")
    report = build(documents_dir=documents, db_path=db)
    assert report.notes_orphaned == 1
    by_text = {n.note: n for n in notes(db)}
    lost = by_text["Section four opens."]
    assert lost.orphaned and lost.target_id is None and lost.target_ref == f"{RESOLUTION_ID}:4.1"
    assert not by_text["Opening: the congress welcomed."].orphaned
    assert [n.note for n in notes(db, orphaned=True)] == ["Section four opens."]
    source.write_text(original, encoding="utf-8")
    build(documents_dir=documents, db_path=db)
    back = {n.note: n for n in notes(db)}["Section four opens."]
    assert not back.orphaned and back.target_ref == f"{RESOLUTION_ID}:4.1"


def test_a_corrected_typo_does_not_orphan_a_note(noted_db):
    db, documents = noted_db
    source = documents / SOURCE
    text = paragraph_text(db, f"{RESOLUTION_ID}:2.1")
    assert "HOW, indeed" in text
    source.write_text(source.read_text(encoding="utf-8").replace("HOW, indeed", "HOW, then"), encoding="utf-8")
    build(documents_dir=documents, db_path=db)
    moved = {n.note: n for n in notes(db)}["Why the cult could arise."]
    assert not moved.orphaned
    assert "HOW, then" in paragraph_text(db, moved.target_ref)


def test_a_database_full_of_notes_upgraded_from_the_first_revision_loses_nothing(tmp_path, documents_copy):
    db = tmp_path / "old.db"
    config = alembic_config(f"sqlite:///{db}")
    command.upgrade(config, "0001")
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO annotations (target_table, target_id, target_ref, target_text, note, tags, author, created_at, orphaned)"
            " VALUES ('paragraphs', NULL, ?, NULL, ?, ?, 'archivist', '2026-01-01T00:00:00+00:00', 0)",
            [(f"{RESOLUTION_ID}:1.{i % 5 + 1}", f"note number {i}", f"t{i % 7}") for i in range(500)],
        )
    before = sqlite3.connect(db).execute("SELECT id, note, tags, author, created_at FROM annotations ORDER BY id").fetchall()
    build(documents_dir=documents_copy, db_path=db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
        after = conn.execute("SELECT id, note, tags, author, created_at FROM annotations ORDER BY id").fetchall()
        attached = conn.execute("SELECT count(*) FROM annotations WHERE target_id IS NOT NULL AND orphaned = 0").fetchone()[0]
    assert after == before
    assert attached == 500  # each ref names a real paragraph of section 1
