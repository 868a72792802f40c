"""`synopsis build` end to end on the real corpus: content, idempotence, stable ids, atomicity."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from synopsis.build import build
from synopsis.errors import SynopsisError
from synopsis.ingest.catalogue import load_catalogue
from synopsis.ingest.pipeline import run_pipeline

from .conftest import DOCUMENTS, RESOLUTION_ID

CONTENT_TABLES = ("documents", "sections", "paragraphs", "sentences", "quotations", "footnotes", "alignments", "cross_references")


def rows(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def content(db: Path) -> dict[str, list[tuple]]:
    """Every row of the content tables (what a rebuild must reproduce exactly)."""
    with sqlite3.connect(db) as conn:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in CONTENT_TABLES}


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def resolution_meta():
    return next(m for m in load_catalogue(DOCUMENTS) if m.id == RESOLUTION_ID)


def test_every_catalogued_document_is_listed_with_its_status(built_db):
    listed = dict(rows(built_db, "SELECT id, status FROM documents"))
    catalogue = load_catalogue(DOCUMENTS)
    assert set(listed) == {m.id for m in catalogue}
    assert listed[RESOLUTION_ID] == "present"
    for meta in catalogue:
        expected = "present" if meta.source_path and meta.source_path.is_file() else "missing"
        assert listed[meta.id] == expected
    for doc_id, note in rows(built_db, "SELECT id, status_note FROM documents WHERE status = 'missing'"):
        assert note.startswith("text missing: run `synopsis ")


def test_paragraphs_in_reading_order_with_citations(built_db, resolution_meta):
    doc = run_pipeline(resolution_meta)
    stored = rows(built_db, "SELECT ordinal, ref, text, char_start, char_end FROM paragraphs WHERE document_id = ? ORDER BY ordinal", RESOLUTION_ID)
    assert [r[0] for r in stored] == list(range(1, len(doc.paragraphs) + 1))
    assert [r[2] for r in stored] == [doc.text[p.start : p.end] for p in doc.paragraphs]
    assert stored[0][1] == f"{RESOLUTION_ID}:1.1"
    assert stored[0][2].startswith("1. THE central committee")
    assert len({r[1] for r in stored}) == len(stored)
    sections = rows(built_db, "SELECT number, ref FROM sections WHERE document_id = ? ORDER BY ordinal", RESOLUTION_ID)
    assert sections == [(str(n), f"{RESOLUTION_ID}:{n}") for n in range(1, 5)]
    # every paragraph's citation names its own section
    for ref, number in rows(built_db, "SELECT p.ref, s.number FROM paragraphs p JOIN sections s ON s.id = p.section_id WHERE p.document_id = ?", RESOLUTION_ID):
        assert ref.startswith(f"{RESOLUTION_ID}:{number}.")


def test_document_row_records_source_digest_and_counts(built_db, resolution_meta):
    (sha, words, paragraphs, quotations, front) = rows(
        built_db, "SELECT source_sha256, word_count, paragraph_count, quotation_count, front_matter FROM documents WHERE id = ?", RESOLUTION_ID
    )[0]
    assert sha == file_digest(resolution_meta.source_path)
    assert paragraphs == rows(built_db, "SELECT count(*) FROM paragraphs WHERE document_id = ?", RESOLUTION_ID)[0][0]
    assert quotations == rows(built_db, "SELECT count(*) FROM quotations WHERE document_id = ?", RESOLUTION_ID)[0][0]
    assert words == sum(r[0] for r in rows(built_db, "SELECT word_count FROM paragraphs WHERE document_id = ?", RESOLUTION_ID))
    assert "Digitized by the Internet Archive" in front


def test_sentences_and_quotations_lie_inside_their_paragraphs(built_db):
    for p_start, p_end, s_start, s_end, p_text, s_text in rows(
        built_db,
        "SELECT p.char_start, p.char_end, s.char_start, s.char_end, p.text, s.text FROM sentences s JOIN paragraphs p ON p.id = s.paragraph_id",
    ):
        assert p_start <= s_start < s_end <= p_end
        assert p_text[s_start - p_start : s_end - p_start] == s_text
    for p_start, p_end, q_start, q_end in rows(
        built_db, "SELECT p.char_start, p.char_end, q.char_start, q.char_end FROM quotations q JOIN paragraphs p ON p.id = q.paragraph_id"
    ):
        assert p_start <= q_start < q_end <= p_end


def test_rebuilding_unchanged_sources_changes_nothing(tmp_path, documents_copy):
    db = tmp_path / "a.db"
    first = build(documents_dir=documents_copy, db_path=db)
    before = content(db)
    second = build(documents_dir=documents_copy, db_path=db)
    assert RESOLUTION_ID in first.ingested
    assert second.ingested == [] and RESOLUTION_ID in second.unchanged
    assert content(db) == before


def test_a_fresh_build_gives_the_same_ids(tmp_path, documents_copy):
    build(documents_dir=documents_copy, db_path=tmp_path / "one.db")
    build(documents_dir=documents_copy, db_path=tmp_path / "two.db")
    assert content(tmp_path / "one.db") == content(tmp_path / "two.db")


def test_editing_a_source_keeps_the_ids_of_unchanged_paragraphs(tmp_path, documents_copy):
    db = tmp_path / "s.db"
    build(documents_dir=documents_copy, db_path=db)
    before = dict(rows(db, "SELECT ref, id FROM paragraphs"))
    source = documents_copy / RESOLUTION_ID / "cpsu-cc-resolution-1956-06-30.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("magnificent plan", "splendid plan"), encoding="utf-8")
    report = build(documents_dir=documents_copy, db_path=db)
    assert report.ingested == [RESOLUTION_ID]
    after = dict(rows(db, "SELECT ref, id FROM paragraphs"))
    assert after == before
    assert rows(db, "SELECT count(*) FROM paragraphs WHERE text LIKE '%splendid plan%'")[0][0] == 1


def test_a_failed_build_leaves_the_database_untouched(tmp_path, documents_copy):
    db = tmp_path / "keep.db"
    build(documents_dir=documents_copy, db_path=db)
    digest = file_digest(db)
    (documents_copy / "broken").mkdir()
    (documents_copy / "broken" / "metadata.toml").write_text('id = "broken"\ntitle = "Broken"\nsource_file = "empty.md"\n')
    (documents_copy / "broken" / "empty.md").write_text("")
    with pytest.raises(SynopsisError, match="empty.md: empty file"):
        build(documents_dir=documents_copy, db_path=db)
    assert file_digest(db) == digest
    assert not any(p.name.endswith(".building") for p in tmp_path.iterdir())


def test_a_removed_document_leaves_the_database(tmp_path, documents_copy):
    db = tmp_path / "r.db"
    extra = documents_copy / "extra"
    extra.mkdir()
    (extra / "metadata.toml").write_text('id = "extra"\ntitle = "Extra"\nsource_file = "extra.md"\n')
    (extra / "extra.md").write_text("A first paragraph about the quokkaflux.\n\nA second one, also ours.\n")
    build(documents_dir=documents_copy, db_path=db)
    assert rows(db, "SELECT count(*) FROM paragraphs WHERE document_id = 'extra'")[0][0] == 2
    import shutil

    shutil.rmtree(extra)
    report = build(documents_dir=documents_copy, db_path=db)
    assert report.removed == ["extra"]
    assert rows(db, "SELECT count(*) FROM paragraphs WHERE document_id = 'extra'") == [(0,)]
    assert rows(db, "SELECT count(*) FROM documents WHERE id = 'extra'") == [(0,)]
    assert rows(db, "SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH 'quokkaflux'") == [(0,)]


def test_a_file_that_is_not_a_database_is_refused(tmp_path, documents_copy):
    db = tmp_path / "not.db"
    db.write_text("hello, I am a text file\n")
    with pytest.raises(SynopsisError, match="not a SQLite database"):
        build(documents_dir=documents_copy, db_path=db)
    assert db.read_text() == "hello, I am a text file\n"


def test_full_text_search_ranks_and_highlights(built_db):
    from synopsis.search import MARK_END, MARK_START, search

    hits = search(built_db, "collective leadership")
    assert hits and all(h.document_id == RESOLUTION_ID for h in hits)
    assert MARK_START in hits[0].snippet and MARK_END in hits[0].snippet
    assert [h.score for h in hits] == sorted(h.score for h in hits)
    # Porter stemming: "violation" finds "violations"; a phrase; a prefix (of the stem: collect* covers collective)
    assert search(built_db, "violation")
    phrase = search(built_db, '"cult of the individual"')
    assert phrase
    for hit in phrase:
        (text,) = rows(built_db, "SELECT text FROM paragraphs WHERE id = ?", hit.paragraph_id)[0]
        assert "cult of the individual" in " ".join(text.lower().split())
        assert f"{MARK_START}cult" in hit.snippet
    assert {h.ref for h in search(built_db, "collect*", limit=500)} >= {h.ref for h in search(built_db, "collective", limit=500)}


def test_a_bad_search_query_is_the_users_error(built_db):
    from synopsis.errors import BadQuery
    from synopsis.search import search

    with pytest.raises(BadQuery, match="search query"):
        search(built_db, '"unbalanced')


def test_fts_follows_an_edited_document(tmp_path, documents_copy):
    db = tmp_path / "f.db"
    build(documents_dir=documents_copy, db_path=db)
    source = documents_copy / RESOLUTION_ID / "cpsu-cc-resolution-1956-06-30.md"
    source.write_text(source.read_text(encoding="utf-8").replace("magnificent plan", "zanzibarian plan"), encoding="utf-8")
    build(documents_dir=documents_copy, db_path=db)
    assert rows(db, "SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH 'zanzibarian'") == [(1,)]
    assert rows(db, "SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH 'magnificent'") == [(0,)]
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO paragraphs_fts(paragraphs_fts) VALUES('integrity-check')")


@pytest.fixture
def many_documents(documents_copy) -> Path:
    """The real documents plus ten written from the resolution's paragraphs: enough for ingest workers."""
    from tests.support.cases import resolution_paragraphs

    paragraphs = resolution_paragraphs()
    for n in range(10):
        folder = documents_copy / f"excerpt-{n:02d}"
        folder.mkdir()
        (folder / "metadata.toml").write_text(f'id = "excerpt-{n:02d}"\ntitle = "Excerpt {n}"\nsource_file = "text.md"\n', encoding="utf-8")
        (folder / "text.md").write_text("\n\n".join(paragraphs[n * 3 : n * 3 + 5]) + "\n", encoding="utf-8")
    return documents_copy


def test_ingest_workers_give_the_same_database_as_one_process(many_documents, tmp_path):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    build(documents_dir=many_documents, db_path=one, workers=1)
    build(documents_dir=many_documents, db_path=two, workers=2)
    assert content(one) == content(two)


def test_a_bad_document_among_many_stops_the_workers_and_leaves_the_database(many_documents, tmp_path):
    db = tmp_path / "synopsis.db"
    build(documents_dir=many_documents, db_path=db, workers=2)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    spoilt = many_documents / "excerpt-04" / "text.md"
    spoilt.write_bytes(b"\x00\x01\x02 not text" * 100)
    for n in range(10):  # every document changes, so all go to the workers
        text = many_documents / f"excerpt-{n:02d}" / "text.md"
        if text != spoilt:
            text.write_text(text.read_text(encoding="utf-8") + "\nA closing line.\n", encoding="utf-8")
    with pytest.raises(SynopsisError, match=rf"^{spoilt}: binary file, not text$"):
        build(documents_dir=many_documents, db_path=db, workers=2)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    import multiprocessing

    assert [p for p in multiprocessing.active_children() if p.name == "synopsis-ingest"] == []


def test_the_link_tokens_the_ingest_workers_compute_are_the_tokens_of_the_stored_paragraphs(many_documents, tmp_path):
    """The workers tokenise each document beside its rows; the link stage takes those tokens
    as its own, so they must be exactly what it would compute from the stored paragraphs
    (their order included), for every document of a real corpus."""
    import json
    from dataclasses import asdict

    import numpy as np

    from synopsis.link.corpus import read_corpus
    from synopsis.link.digests import document_digests
    from synopsis.link.parameters import LinkParameters
    from synopsis.link.token_cache import CACHE_NAME, content_keys, load_cache

    db = tmp_path / "synopsis.db"
    build(documents_dir=many_documents, db_path=db, workers=2)
    with sqlite3.connect(db) as conn:
        corpus = read_corpus(conn)
    digests = document_digests(corpus, json.dumps(asdict(LinkParameters()), sort_keys=True))
    cached = load_cache(tmp_path / CACHE_NAME)  # written from the workers' tokens: the link stage encoded nothing
    assert sorted(cached) == sorted(digests.text[d] for d in corpus.docs)
    computed = content_keys(corpus, digests.text, None)  # no cache: every paragraph encoded here
    from synopsis.build import ingest_document

    worker = {meta.id: ingest_document(meta).link_keys for meta in load_catalogue(many_documents) if meta.source_path}
    assert sorted(worker) == corpus.docs
    for k, d in enumerate(corpus.docs):
        first, last = corpus.paragraph_range(k).start, corpus.paragraph_range(k).stop
        for keys, offsets in (cached[digests.text[d]], worker[d]):
            assert np.array_equal(offsets, computed.offsets[first : last + 1] - computed.offsets[first])
            assert np.array_equal(keys, computed.keys[computed.offsets[first] : computed.offsets[last]])


def _verse_document(folder: Path, verses, *, source_kind: str | None) -> None:
    """One verse a paragraph, in Markdown, as a born-digital edition (or a scan) writes them."""
    from tests.support.realtexts import write_document
    from tests.support.realtexts import RealParagraph

    write_document(folder, doc_id=folder.name, title="Romans", language="en", headings=False,
                   paragraphs=[RealParagraph(book=v.book, verses=[v.id], parts=[v.text], language="en") for v in verses])
    if source_kind:
        metadata = folder / "metadata.toml"
        metadata.write_text(metadata.read_text(encoding="utf-8") + f'source_kind = "{source_kind}"\n', encoding="utf-8")


def test_a_born_digital_source_is_stored_paragraph_for_paragraph_as_written(tmp_path):
    """Real paragraphs begin in lowercase: the BSB's verses of Romans, one a paragraph, many of
    them the middle of a sentence ("which He promised beforehand ..."). Without ``source_kind``
    no scan repair runs: every verse is a paragraph, the title a heading, nothing is recorded
    as repaired. The same file declared a scan is joined at each lowercase start, and every
    join is a row of ``repairs`` with its offsets."""
    from tests.support.realtexts import load_verses

    verses = load_verses("BSB", books=["Romans"])[:120]
    lowercase = [v for v in verses if v.text[:1].islower()]
    assert len(lowercase) >= 10  # the case this is about, in the real text
    _verse_document(tmp_path / "documents" / "romans", verses, source_kind=None)
    build(documents_dir=tmp_path / "documents", db_path=tmp_path / "digital.db")
    stored = [text for (text,) in rows(tmp_path / "digital.db", "SELECT text FROM paragraphs ORDER BY ordinal")]
    assert stored == ["Romans", *[" ".join(v.text.split()) for v in verses]]
    assert rows(tmp_path / "digital.db", "SELECT source_kind, front_matter FROM documents") == [(None, None)]
    assert rows(tmp_path / "digital.db", "SELECT count(*) FROM repairs") == [(0,)]

    _verse_document(tmp_path / "scan" / "romans", verses, source_kind="scan")
    build(documents_dir=tmp_path / "scan", db_path=tmp_path / "scan.db")
    joined = rows(tmp_path / "scan.db", "SELECT char_offset, source_start, source_end, removed FROM repairs WHERE kind = 'page break'")
    paragraphs = rows(tmp_path / "scan.db", "SELECT char_start, char_end FROM paragraphs ORDER BY ordinal")
    assert len(paragraphs) == len(verses) - len(joined) and len(joined) >= len(lowercase)
    source = (tmp_path / "scan" / "romans" / "source.md").read_text(encoding="utf-8")
    inside = [any(a < at < b for a, b in paragraphs) for at, _, _, _ in joined]
    assert all(inside) and all(source[s:e] == removed == "\n\n" for _, s, e, removed in joined)
    assert rows(tmp_path / "scan.db", "SELECT kind, removed FROM repairs WHERE kind = 'front matter'") == [("front matter", "# Romans")]


def test_source_kind_is_scan_or_born_digital(tmp_path):
    folder = tmp_path / "documents" / "x"
    folder.mkdir(parents=True)
    (folder / "metadata.toml").write_text('id = "x"\ntitle = "X"\nsource_kind = "ocr"\n', encoding="utf-8")
    with pytest.raises(SynopsisError, match=r"metadata.toml: field 'source_kind' is 'ocr'; it is one of 'born-digital', 'scan'"):
        load_catalogue(tmp_path / "documents")


def test_the_resolution_is_declared_a_scan_and_its_repairs_recorded(built_db):
    assert rows(built_db, "SELECT source_kind FROM documents WHERE id = ?", RESOLUTION_ID) == [("scan",)]
    assert rows(built_db, "SELECT count(*) FROM paragraphs WHERE document_id = ?", RESOLUTION_ID) == [(77,)]
    source = (DOCUMENTS / RESOLUTION_ID / "cpsu-cc-resolution-1956-06-30.md").read_text(encoding="utf-8")
    repairs = rows(built_db, "SELECT kind, source_start, source_end, removed FROM repairs WHERE document_id = ?", RESOLUTION_ID)
    assert {kind for kind, *_ in repairs} == {"front matter", "page break", "hyphen"}
    assert all(source[s:e] == removed for _, s, e, removed in repairs)
    assert [removed for kind, _, _, removed in repairs if kind == "hyphen"] == ["-"] * sum(k == "hyphen" for k, *_ in repairs)
