"""The Spark engine gives the single-machine engine's links, row for row (``synopsis build --engine spark``).

Three corpora, each built twice from the same documents — once by the single-machine engine,
once with the link stage on Spark ``local[2]`` — and every link table compared whole: the
resolution with an edition of its own, Bible translations in three languages with a work
that quotes them, and a corpus in an invented language. Skipped when the ``spark`` extra is
not installed (CI installs it).
"""
from __future__ import annotations

import json
import random
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from synopsis.link.spark import spark_available

needs_spark = pytest.mark.skipif(not spark_available(), reason="the spark extra is not installed: pip install '.[spark]'")

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("cross_references", "alignments", "sentence_alignments", "variants")


@pytest.fixture(scope="session")
def spark_session():  # session-wide: the JVM starts once
    """One Spark session for every test here (the JVM takes seconds to start)."""
    from synopsis.link.spark import make_session

    session = make_session("local[2]")
    yield session
    session.stop()


def _build_both(folder: Path, spark_session) -> tuple[Path, Path]:
    from synopsis.build import build
    from synopsis.link.spark import SparkEngine

    local_db, spark_db = folder / "local.db", folder / "spark.db"
    build(documents_dir=folder / "documents", db_path=local_db)
    lines: list[str] = []
    engine = SparkEngine(session=spark_session, work_dir=str(folder / "parquet"), progress=lines.append)
    build(documents_dir=folder / "documents", db_path=spark_db, link_engine=engine)
    engine.close()
    assert any(line.startswith("candidates:") for line in lines) and any("pairs scored" in line for line in lines)
    return local_db, spark_db


def _rows(db: Path, table: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


def _assert_same_links(local_db: Path, spark_db: Path, *, expect: tuple[str, ...], methods: tuple[str, ...] = ()) -> None:
    for table in TABLES:
        local, spark = _rows(local_db, table), _rows(spark_db, table)
        assert spark == local, f"{table}: {len(spark)} rows on Spark, {len(local)} on one machine"
    for table in expect:  # the corpus really exercises that table
        assert _rows(local_db, table), f"no {table} rows: the corpus does not test them"
    with sqlite3.connect(local_db) as conn:
        found = {m for (m,) in conn.execute("SELECT DISTINCT method FROM cross_references")}
    assert set(methods) <= found, f"no cross-references of method {set(methods) - found}: the corpus does not test them"
    with sqlite3.connect(local_db) as a, sqlite3.connect(spark_db) as b:
        query = "SELECT kind, method, left_document_id, right_document_id, link_count, inputs_sha256, parameters FROM runs ORDER BY id"
        local_runs, spark_runs = a.execute(query).fetchall(), b.execute(query).fetchall()
    assert [r[:6] for r in spark_runs] == [r[:6] for r in local_runs]
    for (*_, lp), (*_, sp) in zip(local_runs, spark_runs):
        local_p, spark_p = json.loads(lp), json.loads(sp)
        assert local_p.pop("engine") == "local"
        assert (spark_p.pop("engine"), spark_p.pop("master")) == ("spark", "local[2]")
        assert re.fullmatch(r"4\.\d+\.\d+.*", spark_p.pop("spark_version"))
        assert spark_p == local_p


@pytest.mark.slow
@pytest.mark.timeout(1200)  # two builds, one on a JVM: minutes on a loaded machine
@needs_spark
def test_resolution_and_an_edition_of_it(tmp_path, spark_session):
    """documents/ (the resolution; the others' texts are not in the checkout) and a second edition of it:
    reworded, a paragraph dropped, two joined, one quoting another document."""
    shutil.copytree(ROOT / "documents", tmp_path / "documents")
    source = (ROOT / "documents" / "cpsu-resolution-1956" / "cpsu-cc-resolution-1956-06-30.md").read_text(encoding="utf-8")
    rng = random.Random(24)
    paragraphs = [p for p in source.split("\n\n") if p.strip()]
    edited = []
    for k, p in enumerate(paragraphs):
        if k % 17 == 5:
            continue  # dropped
        if k % 11 == 3 and edited:
            edited[-1] += " " + p  # joined to the one before
            continue
        words = p.split(" ")
        for _ in range(max(1, len(words) // 40)):
            i = rng.randrange(len(words))
            words[i] = {"the": "this", "of": "in", "and": "as well as"}.get(words[i], words[i])
        edited.append(" ".join(words))
    folder = tmp_path / "documents" / "cpsu-resolution-1956-second"
    folder.mkdir()
    (folder / "resolution.md").write_text("\n\n".join(edited) + "\n", encoding="utf-8")
    (folder / "metadata.toml").write_text(
        'id = "cpsu-resolution-1956-second"\ntitle = "On Overcoming the Cult of the Individual (second edition)"\n'
        'language = "en"\nsource_file = "resolution.md"\nversion_of = "cpsu-resolution-1956"\ndate = "1956-07-02"\n',
        encoding="utf-8")
    # and a document of its own retelling three of its passages in other words (tests/test_reworded.py's)
    from synopsis.link.reworded import METHOD_REWORDED
    from tests.test_reworded import RETOLD

    folder = tmp_path / "documents" / "retold"
    folder.mkdir()
    (folder / "retold.md").write_text("\n\n".join(text for _, text in RETOLD) + "\n", encoding="utf-8")
    (folder / "metadata.toml").write_text('id = "retold"\ntitle = "Retold"\nlanguage = "en"\nsource_file = "retold.md"\n',
                                          encoding="utf-8")
    local_db, spark_db = _build_both(tmp_path, spark_session)
    # the reworded pass's blocks run on Spark too (synopsis.link.steps.reworded_block)
    _assert_same_links(local_db, spark_db, expect=("cross_references", "alignments", "sentence_alignments", "variants"),
                       methods=(METHOD_REWORDED,))


@pytest.mark.slow
@pytest.mark.timeout(1200)  # two builds, one on a JVM: minutes on a loaded machine
@needs_spark
def test_translations_in_three_languages(tmp_path, spark_session):
    """Mark 1-3 in two English editions, French and classical Chinese (one work), and Matthew 3-4, which
    quotes the same prophets, as a work of its own."""
    from tests.support import realtexts as rt

    texts = (("Twenty", "mark-twenty", 3, None, "Mark"), ("OEB", "mark-oeb", 5, "mark-twenty", "Mark"),
             ("FreSynodale1921", "mark-fr", 8, "mark-twenty", "Mark"), ("ChiUnL", "mark-lzh", 4, "mark-twenty", "Mark"),
             ("BSB", "matthew-bsb", 6, None, "Matthew"))
    for name, doc_id, seed, version_of, book in texts:
        language, title = rt.TEXTS[name]
        chapters = (1, 2, 3) if book == "Mark" else (3, 4)
        verses = [v for v in rt.load_verses(name, books=[book]) if int(v.id.split()[-1].split(":")[0]) in chapters]
        made = rt.paragraphs(verses, seed=seed, min_verses=1, max_verses=4, language=language)
        rt.write_document(tmp_path / "documents" / doc_id, doc_id=doc_id, title=f"{book}, {title}", language=language,
                          paragraphs=made, version_of=version_of)
    local_db, spark_db = _build_both(tmp_path, spark_session)
    _assert_same_links(local_db, spark_db, expect=("cross_references", "alignments", "sentence_alignments", "variants"))


@pytest.mark.slow
@pytest.mark.timeout(1200)  # two builds, one on a JVM: minutes on a loaded machine
@needs_spark
def test_an_invented_language(tmp_path, spark_session):
    """A generated corpus in a language no stop list knows, with planted reuse and editions."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate_corpus
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    # planted reuse between works and editions of a work (whose shared text their alignment pairs, no cross-reference)
    generate_corpus.generate(tmp_path, paragraphs=800, seed=7, invented=True, paragraphs_per_document=100, edition_share=0.3)
    local_db, spark_db = _build_both(tmp_path, spark_session)
    _assert_same_links(local_db, spark_db, expect=("cross_references", "alignments", "sentence_alignments"))


@pytest.mark.slow
@pytest.mark.timeout(1200)
@needs_spark
def test_candidates_of_a_few_documents_against_many(tmp_path, spark_session):
    """The candidate pairs when only some documents changed (an incremental build: the corpus filtered by
    the changed documents' words, and only their shingles looked up) are the single-machine index's."""
    import sys

    import numpy as np

    from synopsis.build import build
    from synopsis.link.corpus import read_corpus
    from synopsis.link.parameters import LinkParameters
    from synopsis.link.spark import SparkEngine
    from synopsis.link.steps import find_candidates
    from synopsis.link.token_cache import content_keys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate_corpus
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    generate_corpus.generate(tmp_path, paragraphs=1200, seed=11, paragraphs_per_document=100)
    build(documents_dir=tmp_path / "documents", db_path=tmp_path / "c.db")
    with sqlite3.connect(tmp_path / "c.db") as db:
        corpus = read_corpus(db)
    keys = content_keys(corpus, {d: d for d in corpus.docs}, None, None)
    params = LinkParameters()
    engine = SparkEngine(session=spark_session)
    for focused in ([3], [0, 1, 2, 3, 4], list(range(len(corpus.docs)))):
        focus = np.zeros(len(corpus.docs), dtype=bool)
        focus[focused] = True
        local, spark = find_candidates(corpus, keys, focus, params), engine.find_candidates(corpus, keys, focus, params)
        assert len(local.left) > 0
        for name in ("left", "right", "shared", "same_work"):
            assert np.array_equal(getattr(local, name), getattr(spark, name)), (focused, name)
    engine.close()


def test_without_the_extra_the_build_says_what_to_install(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import synopsis.link.spark as spark
    from synopsis.cli import cli

    monkeypatch.setattr(spark, "spark_available", lambda: False)
    result = CliRunner().invoke(cli, ["build", "--db", str(tmp_path / "x.db"), "--engine", "spark"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == "synopsis: error: the Spark engine needs PySpark and PyArrow: pip install 'synopsis[spark]'"


def test_spark_options_need_the_spark_engine(tmp_path):
    from click.testing import CliRunner

    from synopsis.cli import cli

    result = CliRunner().invoke(cli, ["build", "--db", str(tmp_path / "x.db"), "--master", "local[2]"])
    assert result.exit_code == 2
    assert "--master, --spark-conf and --spark-dir go with --engine spark" in result.output
    assert not (tmp_path / "x.db").exists()
