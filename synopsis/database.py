"""Opening, checking, migrating and indexing a Synopsis database file.

Alembic owns the schema: :func:`migrate` upgrades any database to head. Full-text search
is not Alembic's business: FTS5 tables are built by :func:`build_fts` as the build's last
step and kept current afterwards by triggers, so a rebuild that changes one document
re-indexes only that document.

One way to write, and named edges for reading:

* **Writes** (build, link, notes) go through one SQLAlchemy :class:`~sqlalchemy.Connection`
  from :func:`engine_for`, in one ``engine.begin()`` transaction, under :func:`build_lock`.
  Functions that write take that ``Connection`` as their first argument. Where SQLAlchemy's
  per-row parameter building costs more than SQLite's work (bulk inserts of plain rows),
  :func:`executemany` hands the rows to the driver — on the same connection, in the same
  transaction — and the link stage works on that driver connection throughout
  (:func:`sqlite_connection`); nothing else reaches past SQLAlchemy, and nothing opens a
  second writer.
* **Reads outside a write** (the CLI's lookups: ``search``, ``compare``, the id checks of
  :mod:`synopsis.validate`, the build's digest of the old file, the plugin's check that a
  file is a corpus) use :func:`read_only`: a plain ``sqlite3`` connection in SQLite's
  read-only mode, which can never change the file.
* **The published site** reads through Datasette's own async API (:mod:`synopsis.publish`).
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import sqlite3
import time
from collections.abc import Iterator
from typing import Any
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text

import synopsis.migrations
from synopsis.errors import BadDatabase, DatabaseMissing, SynopsisError
from synopsis.languages.search import rewrite_query

MIGRATIONS_DIR = Path(str(resources.files(synopsis.migrations)))
"""Alembic's script folder: package data of ``synopsis.migrations``, wherever it is installed."""

FTS_TABLES = {
    # fts table: (content table, indexed columns)
    "paragraphs_fts": ("paragraphs", ("text", "search_terms")),
    "quotations_fts": ("quotations", ("text", "speaker", "search_terms")),
}
"""Full-text indexes: external-content FTS5 tables over these columns. One tokenizer for
every row (:data:`FTS_TOKENIZER`); ``search_terms`` holds what it cannot do for a
language — that language's stems, or ideograph bigrams (:mod:`synopsis.languages.search`)
— and :func:`fts_query` widens a user's query to reach it."""

FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"
"""Accents folded for every language (French and Italian ``é``/``e``); Porter stemming
serves English; other languages are stemmed in ``search_terms``. Unchanged since 0001, so
Datasette's table search and existing queries behave as before on English."""

SQLITE_HEADER = b"SQLite format 3\x00"

FTS_SUFFIXES = ("_fts", "_fts_data", "_fts_idx", "_fts_docsize", "_fts_config", "_fts_content")


def include_name(name, type_, parent_names) -> bool:  # Alembic's hook signature
    """Keep FTS tables (ours and their shadow tables) and SQLite's own tables out of autogenerate."""
    if type_ == "table" and name is not None:
        return not (name.endswith(FTS_SUFFIXES) or name.startswith("sqlite_"))
    return True


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at our migrations, independent of the working directory."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def head_revision() -> str:
    """The newest migration's revision id."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def engine_for(path: Path, *, in_place: bool = False) -> Engine:
    """A SQLAlchemy engine on a database file.

    A build writes a private copy that is renamed into place only when complete, so it can
    skip fsyncs (``synchronous=OFF``). A write to the live file (``in_place=True``, as
    ``synopsis note`` does) keeps SQLite's full durability: a power cut must not corrupt it.
    """
    engine = create_engine(f"sqlite:///{path}")
    synchronous = "FULL" if in_place else "OFF"

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=DELETE")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB
        cursor.close()

    return engine


def executemany(connection: Connection, sql: str, rows: list[dict]) -> None:
    """One driver-level ``executemany`` with named placeholders, inside ``connection``'s transaction.

    The one place a write goes past SQLAlchemy, for speed: its Core insert spends more time
    building each row's parameters than SQLite spends storing the row (a third of the store
    step at 100,000 paragraphs). ``rows`` must be plain ints, floats, strings and None.
    """
    if rows:
        connection.connection.driver_connection.executemany(sql, rows)


def sqlite_connection(conn: Any) -> sqlite3.Connection:
    """The ``sqlite3`` connection behind a ``sqlite3`` connection, a SQLAlchemy ``Connection``
    or ``Session``: the same connection, in the same transaction.

    The link stage reads and writes hundreds of thousands of plain rows through the driver
    (as :func:`executemany` does, and for the same reason); this is its one way past
    SQLAlchemy, never a second connection."""
    if isinstance(conn, sqlite3.Connection):
        return conn
    if hasattr(conn, "connection") and callable(getattr(conn, "connection")):  # Session
        conn = conn.connection()
    fairy = getattr(conn, "connection", None)  # SQLAlchemy Connection → pooled DB-API connection
    raw = getattr(fairy, "driver_connection", None) or getattr(fairy, "dbapi_connection", None)
    if isinstance(raw, sqlite3.Connection):
        return raw
    raise TypeError(f"link_corpus needs a sqlite3 or SQLAlchemy connection, not {type(conn).__name__}")


def read_only(path: Path) -> contextlib.closing[sqlite3.Connection]:
    """A ``sqlite3`` connection that cannot write (SQLite's ``mode=ro``), closed on leaving ``with``."""
    return contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True))


def migrate(connection: Connection, revision: str = "head") -> None:
    """Upgrade the database behind ``connection`` to ``revision`` (head by default)."""
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def check_database(path: Path) -> None:
    """Refuse a file that is not a Synopsis database, or one from a newer Synopsis."""
    if not path.exists():
        raise DatabaseMissing(f"{path}: no such database (run `synopsis build`)")
    with open(path, "rb") as handle:
        header = handle.read(16)
    if header and header != SQLITE_HEADER:
        raise BadDatabase(f"{path}: not a SQLite database")
    if not header:
        return  # an empty file: SQLite treats it as a new database
    recover_interrupted_write(path)
    try:
        with read_only(path) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                return
            if "alembic_version" not in tables:
                raise BadDatabase(f"{path}: not a Synopsis database (no alembic_version table)")
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BadDatabase(f"{path}: not a readable SQLite database ({error})") from None
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if revision and revision[0] not in known:
        raise BadDatabase(f"{path}: schema revision {revision[0]} is unknown to this Synopsis (made by a newer version?)")


def recover_interrupted_write(path: Path) -> None:
    """Roll back a write that was killed half-way (``synopsis note`` killed mid-commit).

    Such a write leaves a "hot" journal beside the file, and a half-written file. Read-only
    connections (Datasette's, ``check_database``'s) cannot roll it back and fail, and a
    build that copied the file as it is would copy half a write. Any read-write connection
    rolls it back on first read; SQLite's locks tell a hot journal from a live writer's.
    """
    if not path.with_name(path.name + "-journal").exists():
        return
    try:
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise BadDatabase(f"{path}: an interrupted write could not be rolled back ({error})") from None


def build_fts(connection: Connection) -> None:
    """Create the FTS5 indexes and their sync triggers if missing; fill them from content.

    Datasette recognises an FTS table by ``content="table"`` with double quotes, so the
    DDL spells it that way. Existing indexes whose triggers are in place are left alone:
    the triggers have kept them current through the build's inserts and deletes.
    """
    existing = {row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type IN ('table','trigger')"))}
    for fts, (content, columns) in FTS_TABLES.items():
        triggers = {f"{fts}_ai", f"{fts}_ad", f"{fts}_au"}
        if fts in existing and triggers <= existing and _fts_columns(connection, fts) == columns:
            continue
        connection.execute(text(f"DROP TABLE IF EXISTS {fts}"))
        for trigger in triggers:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        cols = ", ".join(columns)
        connection.execute(text(
            f'CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content="{content}", content_rowid="id", '
            f"tokenize='{FTS_TOKENIZER}')"
        ))
        connection.execute(text(f"INSERT INTO {fts}({fts}) VALUES('rebuild')"))
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        connection.execute(text(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {content} BEGIN INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"))
        connection.execute(text(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {content} BEGIN INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END"))
        connection.execute(text(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {content} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        ))


def _fts_columns(connection: Connection, fts: str) -> tuple[str, ...]:
    return tuple(row[1] for row in connection.execute(text(f"PRAGMA table_info({fts})")))


def fts_languages(connection: sqlite3.Connection | Connection) -> list[str | None]:
    """The languages of the corpus's documents, for :func:`fts_query`."""
    sql = "SELECT DISTINCT language FROM documents"
    rows = connection.execute(text(sql) if isinstance(connection, Connection) else sql).fetchall()
    return [row[0] for row in rows]


def fts_query(query: str, languages: list[str | None]) -> str:
    """A user's FTS5 query widened to each language's ``search_terms`` (stems, bigrams):
    what ``synopsis search`` and the /search page pass to ``MATCH``. Pure; the caller
    supplies :func:`fts_languages` of its database."""
    return rewrite_query(query, languages)


def drop_fts_triggers(connection: Connection) -> None:
    """Drop the sync triggers, so that a bulk load runs at full speed; :func:`build_fts` rebuilds."""
    for fts in FTS_TABLES:
        for suffix in ("ai", "ad", "au"):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {fts}_{suffix}"))


@contextlib.contextmanager
def build_lock(db_path: Path, *, wait_seconds: float = 0.0) -> Iterator[None]:
    """One writer at a time per database: builds and notes take this lock.

    Without it, a note written while a build runs would be lost when the build's new file
    replaces the old one.

    The lock is the kernel's, on an open file: it ends with the process that holds it,
    however that process ends (SIGKILL included), so there is no stale lock to clear and
    nothing to read. The lock file itself stays, empty, beside the database (removing it
    would let a waiting process lock a file no longer at the path); the project's
    ``.gitignore`` ignores it.
    """
    # A POSIX record lock (fcntl.lockf), not flock: it belongs to this process alone. An
    # flock belongs to the open file, which the ingest workers the build forks share: a
    # build killed with SIGKILL would leave them holding it until they noticed.
    from synopsis.testpoints import point

    lock_path = lock_file(db_path)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        deadline = time.monotonic() + wait_seconds
        waiting = False
        while True:
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EACCES, errno.EAGAIN):
                    raise
                if time.monotonic() >= deadline:
                    raise SynopsisError(f"{db_path}: another build or note is writing this database; try again when it ends") from None
                if not waiting:
                    waiting = True
                    point("waiting for the lock")
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.lockf(handle, fcntl.LOCK_UN)


def lock_file(db_path: Path) -> Path:
    """The file :func:`build_lock` locks: ``.NAME.lock`` beside the database."""
    return db_path.with_name(f".{db_path.name}.lock")
