"""Alembic owns the schema: the checks pytest-alembic makes, on our migrations."""
from __future__ import annotations

import sqlite3

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import synopsis.schema  # noqa: F401
from synopsis.database import alembic_config, engine_for, head_revision, include_name, migrate

EXPECTED_TABLES = {
    "documents", "sections", "paragraphs", "sentences", "quotations", "footnotes", "repairs",
    "runs", "alignments", "sentence_alignments", "cross_references", "variants", "annotations", "lexicon",
}


@pytest.fixture
def empty_db(tmp_path):
    return tmp_path / "empty.db"


def _tables(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")} - {"alembic_version"}


def _revision(path) -> str | None:
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def test_single_head():
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1


def test_every_revision_has_a_readable_slug():
    script = ScriptDirectory.from_config(alembic_config())
    for revision in script.walk_revisions():
        name = revision.module.__file__.rsplit("/", 1)[-1]
        assert name.startswith(f"{revision.revision}_") and len(name) > len(revision.revision) + 4
        assert revision.doc and revision.doc[0].isupper()


def test_upgrade_from_empty_creates_every_table(empty_db):
    engine = engine_for(empty_db)
    with engine.begin() as conn:
        migrate(conn)
    engine.dispose()
    assert _tables(empty_db) == EXPECTED_TABLES
    assert _revision(empty_db) == head_revision()


def test_models_match_migrations(empty_db):
    """Autogenerate against a database at head finds nothing to do (`alembic check`)."""
    engine = engine_for(empty_db)
    with engine.begin() as conn:
        migrate(conn)
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diff == []


def test_alembic_check_command(empty_db):
    config = alembic_config(f"sqlite:///{empty_db}")
    command.upgrade(config, "head")
    command.check(config)  # raises if the models and the DDL disagree


def test_upgrade_downgrade_upgrade_is_consistent(empty_db):
    config = alembic_config(f"sqlite:///{empty_db}")
    script = ScriptDirectory.from_config(config)
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    command.upgrade(config, "head")
    schema_at_head = _schema(empty_db)
    for revision in reversed(revisions[:-1]):
        command.downgrade(config, revision)
        assert _revision(empty_db) == revision
    command.downgrade(config, "base")
    assert _tables(empty_db) == set()
    command.upgrade(config, "head")
    assert _schema(empty_db) == schema_at_head


def test_fts_tables_are_invisible_to_autogenerate(empty_db):
    from synopsis.database import build_fts

    engine = engine_for(empty_db)
    with engine.begin() as conn:
        migrate(conn)
        build_fts(conn)
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert "paragraphs_fts" in _tables(empty_db)
    assert diff == []


def _schema(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name != 'alembic_version'"))


def test_the_orientation_views_are_the_same_from_migrations_and_models(empty_db, tmp_path):
    """Tests make databases from the models, builds from the migrations: both get the same views."""
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    from synopsis.schema import VIEWS

    engine = engine_for(empty_db)
    with engine.begin() as conn:
        migrate(conn)
    engine.dispose()
    modelled = tmp_path / "models.db"
    engine = create_engine(f"sqlite:///{modelled}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    for path in (empty_db, modelled):
        with sqlite3.connect(path) as conn:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='view'")}
            assert names == set(VIEWS)
    for name in VIEWS:
        columns = []
        for path in (empty_db, modelled):
            with sqlite3.connect(path) as conn:
                columns.append([r[1] for r in conn.execute(f"PRAGMA table_info({name})")])
        assert columns[0] == columns[1] and "a_document_id" in columns[0] and columns[0][-1] == "forward"
