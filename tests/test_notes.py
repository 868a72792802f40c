"""Readers' notes survive rebuilds and migrations; a note whose text is gone is kept, orphaned."""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import shutil
import sqlite3

import pytest
from alembic import command

from synopsis.build import build
from synopsis.database import alembic_config, head_revision
from synopsis.errors import BadDatabase, BadNotes, UnknownDocument, UnknownNote, UnknownTarget
from synopsis.notes import (
    Carried, NoteRecord, add_event, append_events, delete_note, edit_note, export_notes, import_notes, note, note_history, notes,
    notes_file, read_notes,
)

from .conftest import DOCUMENTS, RESOLUTION_ID

SOURCE = f"{RESOLUTION_ID}/cpsu-cc-resolution-1956-06-30.md"


@pytest.fixture
def noted_db(tmp_path, documents_copy):
    """A built copy of the corpus with notes on three paragraphs and a quotation."""
    db = tmp_path / "noted.db"
    build(documents_dir=documents_copy, db_path=db)
    note(db, f"{RESOLUTION_ID}:1.1", "Opening: the congress welcomed.", tags=["opening"], author="A. Reader", documents_dir=documents_copy)
    note(db, f"{RESOLUTION_ID}:2.1", "Why the cult could arise.", tags=["cause", "theory"], documents_dir=documents_copy)
    note(db, f"{RESOLUTION_ID}:4.1", "Section four opens.", documents_dir=documents_copy)
    with sqlite3.connect(db) as conn:
        quotation_ref = conn.execute("SELECT ref FROM quotations WHERE kind = 'quotation' ORDER BY id LIMIT 1").fetchone()[0]
    note(db, quotation_ref, "A quotation worth checking.", documents_dir=documents_copy)
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
    db, documents = noted_db
    with pytest.raises(UnknownTarget, match=r"^cpsu-resolution-1956:99\.9: names no paragraph or quotation"):
        note(db, "cpsu-resolution-1956:99.9", "lost", documents_dir=documents)
    with pytest.raises(UnknownDocument, match=r"^nowhere: no such document \(closest: "):
        note(db, "nowhere:9.9", "lost", documents_dir=documents)
    with pytest.raises(UnknownTarget, match="no row 999999 in paragraphs"):
        note(db, "paragraphs:999999", "lost", documents_dir=documents)
    assert len(read_notes(notes_file(documents))[0]) == 4


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
    exported, _ = read_notes(notes_file(documents_copy))  # the first build handed them to the notes file
    assert [(n.id, n.note, ",".join(n.tags), n.author, n.created_at) for n in exported] == [row[:5] for row in before]


def test_deleting_or_corrupting_the_database_loses_no_note(noted_db):
    db, documents = noted_db
    before = [(n.id, n.note, n.target_table, n.target_ref, n.target_id is not None, n.orphaned) for n in notes(db)]
    db.unlink()
    build(documents_dir=documents, db_path=db)
    after = notes(db)
    assert [(n.id, n.note, n.target_table, n.target_ref, n.target_id is not None, n.orphaned) for n in after] == before
    with sqlite3.connect(db) as conn:  # attached: each note's row holds the text it was written on
        for n in after:
            if n.target_table == "paragraphs":
                assert conn.execute("SELECT ref FROM paragraphs WHERE id = ?", (n.target_id,)).fetchone()[0] == n.target_ref

    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)  # a corrupted database is refused, never "repaired" away
    with pytest.raises(BadDatabase):
        build(documents_dir=documents, db_path=db)
    db.unlink()
    build(documents_dir=documents, db_path=db)
    assert [n.note for n in notes(db)] == [b[1] for b in before]


def test_the_notes_file_is_human_readable_json_lines_with_what_re_finds_the_target(noted_db):
    db, documents = noted_db
    lines = notes_file(documents).read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    assert first["event"] == "add" and first["note"] == "Opening: the congress welcomed." and first["author"] == "A. Reader"
    assert first["tags"] == ["opening"] and first["target"]["ref"] == f"{RESOLUTION_ID}:1.1"
    assert first["target"]["text"] == paragraph_text(db, f"{RESOLUTION_ID}:1.1")
    assert first["target"]["sha256"] == hashlib.sha256(first["target"]["text"].encode()).hexdigest()
    assert notes_file(documents) == documents.parent / "notes.jsonl"


def test_edits_and_deletions_are_appended_events_and_the_build_publishes_them(noted_db):
    db, documents = noted_db
    path = notes_file(documents)
    records = {r.note: r for r in read_notes(path)[0]}
    append_events(path, [
        {"event": "edit", "uid": records["Section four opens."].uid, "at": "2026-02-01T00:00:00+00:00", "note": "Section four opens, and says why."},
        {"event": "delete", "uid": records["A quotation worth checking."].uid, "at": "2026-02-01T00:00:00+00:00"},
    ])
    build(documents_dir=documents, db_path=db)
    assert [n.note for n in notes(db)] == ["Opening: the congress welcomed.", "Why the cult could arise.", "Section four opens, and says why."]
    note(db, f"{RESOLUTION_ID}:1.2", "After a deletion.", documents_dir=documents)
    assert notes(db)[-1].id == 5  # a deleted note's id is never given again


def test_export_and_import_carry_notes_to_another_corpus(noted_db, tmp_path):
    db, documents = noted_db
    exported = tmp_path / "exported.jsonl"
    assert export_notes(documents, exported, db_path=db) == Carried(4, 0, 0)
    other = tmp_path / "elsewhere" / "documents"
    shutil.copytree(documents, other)
    other_db = other.parent / "synopsis.db"
    build(documents_dir=other, db_path=other_db)
    assert notes(other_db) == []

    assert import_notes(other, exported, db_path=other_db) == Carried(4, 0, 0)
    assert import_notes(other, exported, db_path=other_db) == Carried()  # known by their uid: never twice
    assert [(n.note, n.target_ref, n.orphaned) for n in notes(other_db)] == [(n.note, n.target_ref, n.orphaned) for n in notes(db)]
    assert all(n.target_id is not None for n in notes(other_db))


def _append_many(path, worker: int) -> None:
    for n in range(25):
        record = NoteRecord(0, f"uid-{worker}-{n}", "paragraphs", f"{RESOLUTION_ID}:1.1", "text", f"note {worker}.{n}", [], None, "2026-01-01T00:00:00+00:00")
        append_events(path, [add_event(record)])


def test_concurrent_writers_never_interleave_or_share_an_id(tmp_path):
    path = tmp_path / "notes.jsonl"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(path, w)) for w in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    records, used = read_notes(path)
    assert len(records) == 100 and used == set(range(1, 101))
    assert {r.note for r in records} == {f"note {w}.{n}" for w in range(4) for n in range(25)}


def test_a_cut_last_line_is_ignored_and_removed_by_the_next_append(tmp_path):
    path = tmp_path / "notes.jsonl"
    _append_many(path, 0)
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"event": "add", "id": 26, "uid": "cut')  # a writer killed mid-line
    assert len(read_notes(path)[0]) == 25
    _append_many(path, 1)
    assert path.read_bytes().startswith(whole) and len(read_notes(path)[0]) == 50
    path.write_bytes(whole + b"not json\n" + whole)
    with pytest.raises(BadNotes, match=r"notes\.jsonl:26: not a note event"):
        read_notes(path)


def test_cli_note_then_delete_the_database_then_build_lists_the_note_attached(tmp_path, documents_copy):
    from click.testing import CliRunner

    from synopsis.cli import cli

    db = tmp_path / "synopsis.db"
    where = ["--db", str(db), "--documents", str(documents_copy)]
    runner = CliRunner()
    assert runner.invoke(cli, ["build", *where]).exit_code == 0
    added = runner.invoke(cli, ["note", f"{RESOLUTION_ID}:2.1", "Kept outside the database.", "--tag", "kept", *where])
    assert added.exit_code == 0, added.output
    db.unlink()
    assert runner.invoke(cli, ["build", *where]).exit_code == 0
    listed = runner.invoke(cli, ["notes", *where])
    assert listed.exit_code == 0 and listed.output.startswith(f"1\t{RESOLUTION_ID}:2.1\tKept outside the database. #kept\t")
    assert "[orphaned]" not in listed.output
    exported = tmp_path / "mine.jsonl"
    result = runner.invoke(cli, ["notes", "--export", str(exported), *where])
    assert result.output == f"{exported}: 1 note(s), 0 edit(s), 0 deletion(s) exported\n"
    assert json.loads(exported.read_text(encoding="utf-8"))["note"] == "Kept outside the database."
    result = runner.invoke(cli, ["notes", "--import", str(exported), *where])
    assert result.output == f"{exported}: 0 note(s), 0 edit(s), 0 deletion(s) imported\n"


# --- Correcting and removing notes ---------------------------------------------------------

def by_note(db):
    return {n.note: n for n in notes(db)}


def test_an_edit_and_a_deletion_are_lines_appended_and_the_database_shows_them_at_once(noted_db):
    db, documents = noted_db
    path = notes_file(documents)
    before = path.read_bytes()
    ids = {n.note: n.id for n in notes(db)}
    edited = edit_note(db, ids["Section four opens."], "Section four opens: the cult's consequences.", documents_dir=documents,
                       tags=["consequences"], author="B. Editor")
    assert edited.note == "Section four opens: the cult's consequences." and edited.tags == ["consequences"]
    gone = delete_note(db, ids["A quotation worth checking."], documents_dir=documents)
    assert gone.target_table == "quotations"
    after = path.read_bytes()
    assert after.startswith(before)  # append-only: nothing before was rewritten
    added = [json.loads(line) for line in after[len(before):].decode("utf-8").splitlines()]
    assert [(e["event"], e.get("note"), e.get("by")) for e in added] == [
        ("edit", "Section four opens: the cult's consequences.", "B. Editor"), ("delete", None, None)]
    current = notes(db)
    assert [n.note for n in current] == ["Opening: the congress welcomed.", "Why the cult could arise.", "Section four opens: the cult's consequences."]
    assert current[2].tags == "consequences" and current[2].author is None  # the note's own author is untouched
    assert current[2].target_ref == f"{RESOLUTION_ID}:4.1" and not current[2].orphaned
    assert edit_note(db, ids["Why the cult could arise."], "Why the cult could arise.", documents_dir=documents) is None
    assert path.read_bytes() == after  # an edit that changes nothing appends nothing
    edit_note(db, ids["Why the cult could arise."], None, tags=[], documents_dir=documents)
    assert by_note(db)["Why the cult could arise."].tags is None


def test_the_history_keeps_every_version_and_the_deleted_notes(noted_db):
    db, documents = noted_db
    ids = {n.note: n.id for n in notes(db)}
    edit_note(db, ids["Section four opens."], "Section four opens, and says why.", documents_dir=documents)
    delete_note(db, ids["Section four opens."], documents_dir=documents, author="C. Reader")
    stories = {h.record.id: h for h in note_history(documents, db_path=db)}
    assert sorted(stories) == [1, 2, 3, 4]
    story = stories[ids["Section four opens."]]
    assert [e["event"] for e in story.events] == ["add", "edit", "delete"]
    assert [e.get("note") for e in story.events] == ["Section four opens.", "Section four opens, and says why.", None]
    assert story.deleted_at == story.events[-1]["at"] and story.events[-1]["by"] == "C. Reader"
    assert stories[ids["Opening: the congress welcomed."]].deleted_at is None


def test_an_unknown_or_deleted_note_id_is_refused_and_nothing_is_written(noted_db):
    db, documents = noted_db
    path = notes_file(documents)
    delete_note(db, 4, documents_dir=documents)
    before = path.read_bytes()
    with pytest.raises(UnknownNote, match=rf"^note 99: no such note in {path}$"):
        edit_note(db, 99, "never written", documents_dir=documents)
    with pytest.raises(UnknownNote, match=r"^note 4: deleted at \S+ \(`synopsis notes --history` shows it\)$"):
        delete_note(db, 4, documents_dir=documents)
    with pytest.raises(UnknownNote, match=r"^note 4: deleted at "):
        edit_note(db, 4, "brought back", documents_dir=documents)
    assert path.read_bytes() == before
    assert len(notes(db)) == 3


def test_deleting_the_database_then_rebuilding_loses_nothing_and_resurrects_nothing(noted_db, tmp_path):
    db, documents = noted_db
    stale = tmp_path / "before-the-changes.db"
    shutil.copy(db, stale)  # a database that still holds the note about to be deleted, unedited
    edit_note(db, 1, "Opening: the congress welcomed the report.", documents_dir=documents)
    delete_note(db, 2, documents_dir=documents)
    wanted = [(n.id, n.note, n.tags, n.target_ref, n.orphaned) for n in notes(db)]
    assert [w[0] for w in wanted] == [1, 3, 4]
    db.unlink()
    build(documents_dir=documents, db_path=db)
    assert [(n.id, n.note, n.tags, n.target_ref, n.orphaned) for n in notes(db)] == wanted
    shutil.copy(stale, db)  # the old database comes back: its copy of note 2 must not
    build(documents_dir=documents, db_path=db)
    assert [(n.id, n.note, n.tags, n.target_ref, n.orphaned) for n in notes(db)] == wanted
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT note FROM annotations WHERE id = 1").fetchone()[0] == "Opening: the congress welcomed the report."
        assert conn.execute("SELECT count(*) FROM annotations WHERE id = 2").fetchone()[0] == 0
    assert note(db, f"{RESOLUTION_ID}:1.2", "A fifth.", documents_dir=documents).id == 5  # 2 is never given again


def test_edits_and_deletions_work_on_the_notes_file_alone(tmp_path, documents_copy):
    path = notes_file(documents_copy)
    record = NoteRecord(0, "uid-alone", "paragraphs", f"{RESOLUTION_ID}:1.1", None, "Written without a database.", [], None, "2026-01-01T00:00:00+00:00")
    append_events(path, [add_event(record)])
    missing = tmp_path / "not-built.db"
    assert edit_note(missing, 1, "Corrected without a database.", documents_dir=documents_copy).note == "Corrected without a database."
    assert not missing.exists()
    db = tmp_path / "synopsis.db"
    build(documents_dir=documents_copy, db_path=db)
    assert [(n.note, n.orphaned) for n in notes(db)] == [("Corrected without a database.", False)]


def test_export_and_import_carry_edits_and_deletions(noted_db, tmp_path):
    db, documents = noted_db
    other = tmp_path / "elsewhere" / "documents"
    shutil.copytree(documents, other)
    other_db = other.parent / "synopsis.db"
    build(documents_dir=other, db_path=other_db)
    exported = tmp_path / "first.jsonl"
    export_notes(documents, exported, db_path=db)
    assert import_notes(other, exported, db_path=other_db) == Carried(4, 0, 0)

    edit_note(db, 3, "Section four opens, and says why.", documents_dir=documents)
    delete_note(db, 4, documents_dir=documents)
    assert export_notes(documents, exported, db_path=db) == Carried(4, 1, 1)
    assert import_notes(other, exported, db_path=other_db) == Carried(0, 1, 1)  # the notes are known: only their changes
    assert import_notes(other, exported, db_path=other_db) == Carried()
    assert [(n.note, n.target_ref) for n in notes(other_db)] == [(n.note, n.target_ref) for n in notes(db)]
    theirs = {h.record.uid: [e["event"] for e in h.events] for h in note_history(other, db_path=other_db)}
    ours = {h.record.uid: [e["event"] for e in h.events] for h in note_history(documents, db_path=db)}
    assert theirs == ours and sorted(theirs.values()) == [["add"], ["add"], ["add", "delete"], ["add", "edit"]]

    # the history travels: a corpus that has nothing but the imported file shows the same notes
    fresh = tmp_path / "fresh" / "documents"
    shutil.copytree(DOCUMENTS, fresh)
    assert import_notes(fresh, exported) == Carried(4, 1, 1)
    build(documents_dir=fresh, db_path=fresh.parent / "synopsis.db")
    assert [n.note for n in notes(fresh.parent / "synopsis.db")] == [n.note for n in notes(other_db)]


def test_changes_from_another_copy_apply_in_the_order_they_were_made_and_a_deletion_is_final(noted_db, tmp_path):
    db, documents = noted_db
    path = notes_file(documents)
    uid = {r.id: r.uid for r in read_notes(path)[0]}
    elsewhere = tmp_path / "elsewhere.jsonl"
    export_notes(documents, elsewhere)
    append_events(elsewhere, [
        {"event": "edit", "uid": uid[1], "at": "2026-02-01T10:00:00+00:00", "note": "Their older wording."},
        {"event": "edit", "uid": uid[2], "at": "2026-02-01T12:00:00+00:00", "note": "Their later wording."},
    ])
    append_events(path, [
        {"event": "edit", "uid": uid[1], "at": "2026-02-01T11:00:00+00:00", "note": "Our later wording."},
        {"event": "edit", "uid": uid[2], "at": "2026-02-01T11:00:00+00:00", "note": "Our older wording."},
        {"event": "delete", "uid": uid[3], "at": "2026-02-01T09:00:00+00:00"},
    ])
    append_events(elsewhere, [{"event": "edit", "uid": uid[3], "at": "2026-02-01T13:00:00+00:00", "note": "Edited there after our deletion."}])
    assert import_notes(documents, elsewhere, db_path=db) == Carried(0, 3, 0)
    current = {n.id: n.note for n in notes(db)}
    assert current == {1: "Our later wording.", 2: "Their later wording.", 4: "A quotation worth checking."}
    build(documents_dir=documents, db_path=db)
    assert {n.id: n.note for n in notes(db)} == current


def test_cli_edit_delete_and_history(tmp_path, documents_copy):
    from click.testing import CliRunner

    from synopsis.cli import cli

    db = tmp_path / "synopsis.db"
    where = ["--db", str(db), "--documents", str(documents_copy)]
    runner = CliRunner()
    assert runner.invoke(cli, ["build", *where]).exit_code == 0
    assert runner.invoke(cli, ["note", f"{RESOLUTION_ID}:2.1", "First thoughts.", "--tag", "draft", *where]).exit_code == 0
    assert runner.invoke(cli, ["note", f"{RESOLUTION_ID}:2.2", "A second note.", *where]).exit_code == 0
    result = runner.invoke(cli, ["note", "--edit", "1", "Second thoughts.", "--tag", "final", "--author", "Editor", *where])
    assert (result.exit_code, result.stdout) == (0, "note 1 edited\n")
    result = runner.invoke(cli, ["note", "--edit", "1", "Second thoughts.", *where])
    assert (result.exit_code, result.stdout) == (0, "note 1 unchanged\n")
    result = runner.invoke(cli, ["note", "--delete", "2", *where])
    assert (result.exit_code, result.stdout) == (0, f"note 2 deleted ({RESOLUTION_ID}:2.2)\n")
    listed = runner.invoke(cli, ["notes", *where]).stdout.splitlines()
    assert len(listed) == 1 and listed[0].startswith(f"1\t{RESOLUTION_ID}:2.1\tSecond thoughts. #final\t")

    for args, message in [
        (["note", "--edit", "7", "text"], f"synopsis: error: note 7: no such note in {notes_file(documents_copy)}"),
        (["note", "--delete", "2"], "synopsis: error: note 2: deleted at "),
        (["note", "--edit", "1"], "synopsis: error: --edit ID takes the new TEXT (one argument), or --tag, or both (see `synopsis note --help`)"),
        (["note", "--delete", "1", "--edit", "1"], "synopsis: error: give --edit or --delete, not both (see `synopsis note --help`)"),
        (["note", f"{RESOLUTION_ID}:2.1"], "synopsis: error: give TARGET and TEXT (or --edit ID TEXT, --delete ID) (see `synopsis note --help`)"),
    ]:
        result = runner.invoke(cli, [*args, *where])
        assert result.exit_code == 2 and result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1, (args, result.stderr)

    history = runner.invoke(cli, ["notes", "--history", *where])
    assert history.exit_code == 0
    lines = history.stdout.splitlines()
    assert lines[0] == f"1\t{RESOLUTION_ID}:2.1"
    assert lines[1].endswith("\tadded\tFirst thoughts. #draft") and lines[2].endswith("\tedited\tSecond thoughts. #final — Editor")
    assert lines[3] == f"2\t{RESOLUTION_ID}:2.2 [deleted]"
    assert lines[4].endswith("\tadded\tA second note.") and lines[5].endswith("\tdeleted") and len(lines) == 6
    assert runner.invoke(cli, ["notes", "--history", "--tag", "draft", *where]).stdout.splitlines()[:1] == lines[:1]
