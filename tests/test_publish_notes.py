"""Readers' notes on the pages of what they annotate: paragraphs, quotations and links, escaped."""
from __future__ import annotations

import sqlite3

import pytest

from synopsis.build import build
from synopsis.notes import delete_note, edit_note, note
from tests.support.cases import resolution_paragraphs

from .conftest import RESOLUTION_ID, SiteClient

MARKUP = "<script>alert('note')</script>"
ESCAPED = "&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;"


@pytest.fixture(scope="module")
def noted_site(tmp_path_factory):
    """The real corpus built, with a note (full of markup) on a paragraph, a quotation, a
    cross-reference and an alignment; served in process. Yields (site, {table: row id})."""
    import shutil

    from .conftest import DOCUMENTS

    folder = tmp_path_factory.mktemp("noted-site")
    documents = folder / "documents"
    shutil.copytree(DOCUMENTS, documents)
    db = folder / "synopsis.db"
    source = next((documents / RESOLUTION_ID).glob("*.md")).read_text(encoding="utf-8")
    quoted = resolution_paragraphs()[5]
    reader = documents / "a-reader"
    reader.mkdir()
    (reader / "metadata.toml").write_text('id = "a-reader"\ntitle = "A reader"\nsource_file = "text.md"\n', encoding="utf-8")
    (reader / "text.md").write_text(f"A reader opens the resolution.\n\nAs the resolution says, \u201c{quoted}\u201d And so it was.\n", encoding="utf-8")
    reprint = documents / "resolution-reprint"
    reprint.mkdir()
    (reprint / "metadata.toml").write_text(f'id = "resolution-reprint"\ntitle = "A reprint"\nversion_of = "{RESOLUTION_ID}"\nsource_file = "text.md"\n', encoding="utf-8")
    (reprint / "text.md").write_text(source, encoding="utf-8")
    build(documents_dir=documents, db_path=db)
    with sqlite3.connect(db) as conn:
        targets = {
            "paragraphs": conn.execute("SELECT id FROM paragraphs WHERE ref = ?", (f"{RESOLUTION_ID}:2.1",)).fetchone()[0],
            "quotations": conn.execute("SELECT id FROM quotations ORDER BY id LIMIT 1").fetchone()[0],
            "cross_references": conn.execute("SELECT id FROM cross_references ORDER BY id LIMIT 1").fetchone()[0],
            "alignments": conn.execute("SELECT id FROM alignments ORDER BY id LIMIT 1").fetchone()[0],
        }
    for table, row_id in targets.items():
        note(db, f"{table}:{row_id}", f"On the {table} row {MARKUP}", tags=[f"t{MARKUP}"], author=f"Reader {MARKUP}", documents_dir=documents)
    site = SiteClient(db)
    yield site, targets
    site.close()


@pytest.mark.parametrize("table", ["paragraphs", "quotations", "cross_references", "alignments"])
def test_a_rows_page_shows_its_notes_escaped(noted_site, table):
    site, targets = noted_site
    response = site.get(f"/{site.db_name}/{table}/{targets[table]}")
    assert response.status_code == 200
    html = response.text
    assert MARKUP not in html
    section = html.split('<section class="syn-notes">')[1].split("</section>")[0]
    assert f"On the {table} row {ESCAPED}" in section
    assert f"Reader {ESCAPED}" in section and f"#t{ESCAPED}" in section
    assert section.count('<li class="syn-reader-note"') == 1  # only this row's note


def test_a_row_without_notes_has_no_notes_block(noted_site):
    site, targets = noted_site
    other = site.get(f"/{site.db_name}/paragraphs.json?ref={RESOLUTION_ID}:1.1&_shape=array").json()[0]["id"]
    assert other != targets["paragraphs"]
    assert 'class="syn-notes"' not in site.get(f"/{site.db_name}/paragraphs/{other}").text


def test_the_reading_room_shows_only_current_notes(tmp_path, documents_copy):
    """An edited note shows its new text only; a deleted one is gone from its paragraph's page."""
    db = tmp_path / "synopsis.db"
    build(documents_dir=documents_copy, db_path=db)
    kept = note(db, f"{RESOLUTION_ID}:2.1", "First wording of the note.", documents_dir=documents_copy)
    doomed = note(db, f"{RESOLUTION_ID}:2.2", "A note soon deleted.", documents_dir=documents_copy)
    edit_note(db, kept.id, "Second wording of the note.", documents_dir=documents_copy)
    delete_note(db, doomed.id, documents_dir=documents_copy)
    site = SiteClient(db)
    try:
        edited = site.get(f"/{site.db_name}/paragraphs/{kept.target_id}").text
        section = edited.split('<section class="syn-notes">')[1].split("</section>")[0]
        assert "Second wording of the note." in section and "First wording" not in edited
        assert section.count('<li class="syn-reader-note"') == 1
        deleted = site.get(f"/{site.db_name}/paragraphs/{doomed.target_id}")
        assert deleted.status_code == 200 and 'class="syn-notes"' not in deleted.text and "soon deleted" not in deleted.text
        listed = site.get(f"/{site.db_name}/annotations.json?_shape=array").json()
        assert [row["note"] for row in listed] == ["Second wording of the note."]
    finally:
        site.close()
