"""``synopsis build``: documents folder → a complete, migrated, linked, indexed database.

The build never writes to the database it replaces. It copies the existing file (or starts
an empty one) next to it, upgrades the copy to the newest schema, re-ingests only the
documents whose source, metadata or ingest code changed, re-links only the document pairs
whose paragraphs changed, merges readers' notes (kept in ``notes.jsonl`` beside the
documents folder) into the copy, builds the full-text indexes last,
and then renames the copy into place in one atomic step. A build that fails, or is
killed, leaves the old database exactly as it was.

Order of work::

    catalogue (every metadata file checked before anything else)
    → copy + migrate → one transaction on the copy:
        ingest workers (read → clean → segment → annotate → rows) streaming into store,
        link, re-find notes, index
    → rename the copy into place

Bad input found at any step rolls the transaction back and deletes the copy.
"""
from __future__ import annotations

import collections
import contextlib
import hashlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import queue
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, text

from synopsis.database import (
    build_fts,
    build_lock,
    check_database,
    drop_fts_triggers,
    engine_for,
    executemany,
    read_only,
    migrate,
    recover_interrupted_write,
)
from synopsis.errors import StageFailed, SynopsisError
from synopsis.files import fsync_dir
from synopsis.ingest.catalogue import load_catalogue, source_status
from synopsis.lexicon.corpus import CorpusLexicon, read_corpus_lexicon, use_corpus_lexicon
from synopsis.ingest.model import DocumentMeta
from synopsis.ingest.pipeline import pipeline_version, run_pipeline
from synopsis.ingest.store import (
    IdAllocator,
    PreparedDocument,
    delete_document_rows,
    document_row,
    prepare_rows,
    store_prepared,
    upsert_document,
)
from synopsis.schema import Document, Paragraph
from synopsis.testpoints import point
from synopsis.timing import StepTimer

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
"""Told the name of each step as it starts (the CLI shows it)."""

PARALLEL_MIN_DOCUMENTS = 8
"""Below this many changed documents the pipeline runs in-process (pool start-up costs more)."""

WORKER_WATCH_SECONDS = 0.2
"""How often an ingest worker checks that the build process that started it still runs."""


@dataclass
class BuildReport:
    """What a build did, for the CLI's summary and for tests."""

    db_path: Path
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (id, what to run)
    removed: list[str] = field(default_factory=list)
    paragraphs: int = 0
    links: dict[str, int] = field(default_factory=dict)
    notes_kept: int = 0
    notes_orphaned: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    link_seconds: dict[str, float] = field(default_factory=dict)  # the link step's own steps (its report's)
    link_peak_mib: dict[str, int] = field(default_factory=dict)  # the build process's peak memory after each of them


def build(*, documents_dir: Path, db_path: Path, progress: Progress | None = None, workers: int | None = None,
          link_engine: Any = None) -> BuildReport:
    """Build (or bring up to date) the database at ``db_path`` from ``documents_dir``.

    ``link_engine`` is where the link stage runs (:mod:`synopsis.link.engine`: this process by
    default, or a :class:`synopsis.link.spark.SparkEngine`); the rest of the build is the same.
    """
    documents_dir, db_path = Path(documents_dir), Path(db_path)
    report = BuildReport(db_path=db_path)
    say = progress or (lambda step: log.info("%s", step))
    clock = StepTimer(report.seconds)

    say("reading the catalogue")
    catalogue = load_catalogue(documents_dir)
    corpus_lexicon = read_corpus_lexicon(documents_dir)
    previous_lexicon = use_corpus_lexicon(corpus_lexicon)
    try:
        return _build(catalogue, corpus_lexicon, documents_dir=documents_dir, db_path=db_path, report=report, say=say,
                      clock=clock, workers=workers, link_engine=link_engine)
    finally:
        use_corpus_lexicon(previous_lexicon)


def _build(catalogue: list[DocumentMeta], corpus_lexicon: CorpusLexicon, *, documents_dir: Path, db_path: Path,
           report: BuildReport, say: Callable[[str], None], clock: StepTimer, workers: int | None,
           link_engine: Any = None) -> BuildReport:
    if db_path.exists():
        check_database(db_path)
    with build_lock(db_path):
        point("lock taken")
        previous = _previous_digests(db_path)
        # the corpus lexicon is read by every document's ingest (speakers) and links (names,
        # terms): an edit re-ingests and relinks the corpus
        version = pipeline_version() + ":" + corpus_lexicon.digest
        digests = {meta.id: _digest(meta, version) for meta in catalogue}
        changed = [m for m in catalogue if digests[m.id] and digests[m.id] != previous.get(m.id)]
        report.unchanged = [m.id for m in catalogue if digests[m.id] and digests[m.id] == previous.get(m.id)]
        clock.lap("catalogue")

        tmp_path = db_path.with_name(f".{db_path.name}.building")
        try:
            _prepare_copy(db_path, tmp_path)
            point("copy complete")
            engine = engine_for(tmp_path)
            try:
                with engine.begin() as conn:
                    say("migrating the schema")
                    migrate(conn)
                    clock.lap("migrate")
                    point("migrated")
                    say(f"ingesting {len(changed)} document(s)")
                    link_keys = _store(conn, catalogue, _ingest_all(changed, workers=workers), digests, previous, report)
                    clock.lap("ingest and store")
                    point("rows written")
                    say("linking documents")
                    report.links, report.link_seconds, report.link_peak_mib = _link(conn, link_keys, link_engine)
                    clock.lap("link")
                    point("linked")
                    from synopsis.lexicon.store import store_corpus_lexicon, store_dictionaries

                    store_corpus_lexicon(conn, corpus_lexicon)
                    store_dictionaries(conn)
                    say("re-finding readers' notes")
                    from synopsis.notes import merge_notes, notes_file

                    report.notes_kept, report.notes_orphaned = merge_notes(conn, notes_file(documents_dir))
                    clock.lap("notes")
                    say("building full-text indexes")
                    build_fts(conn)
                    clock.lap("fts")
                    report.paragraphs = conn.execute(text("SELECT count(*) FROM paragraphs")).scalar() or 0
                    point("indexed")
                conn = None
            finally:
                engine.dispose()
            with open(tmp_path, "rb+") as handle:
                os.fsync(handle.fileno())
            point("before rename")
            os.replace(tmp_path, db_path)
            fsync_dir(db_path.parent)
            point("after rename")
        except BaseException:
            _remove_with_journal(tmp_path)
            raise
        clock.lap("replace")
    for meta in catalogue:
        if not digests[meta.id]:
            report.missing.append((meta.id, source_status(meta)[1]))
    return report


def _digest(meta: DocumentMeta, version: str) -> str | None:
    """What a document's ingest depends on: its source bytes, its metadata, the ingest code.

    None for a document whose text is missing.
    """
    path = meta.source_path
    if path is None or not path.is_file():
        return None
    digest = hashlib.sha256(version.encode())
    digest.update(meta.metadata_path.read_bytes() if meta.metadata_path else b"")
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _previous_digests(db_path: Path) -> dict[str, str]:
    """The ingest digests recorded in the existing database (empty if there is none)."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return {}
    import sqlite3

    try:
        with read_only(db_path) as conn:
            return {row[0]: row[1] for row in conn.execute("SELECT id, pipeline_sha256 FROM documents WHERE pipeline_sha256 IS NOT NULL")}
    except sqlite3.Error:
        return {}


def ingest_document(meta: DocumentMeta) -> PreparedDocument:
    """One document through the pipeline stages and into rows (what an ingest worker does),
    with its paragraphs' link tokens: tokenising 10 million words is the link stage's
    longest serial step, and here it runs on every core, on texts already in hand."""
    from synopsis.link.token_cache import document_keys

    prepared = prepare_rows(run_pipeline(meta))
    texts = [row["text"] for row in sorted(prepared.paragraphs, key=lambda row: row["ordinal"])]  # the link's order
    prepared.link_keys = document_keys(texts, meta.language)
    return prepared


def _ingest_all(metas: list[DocumentMeta], *, workers: int | None) -> Iterator[PreparedDocument]:
    """Every changed document's rows, in catalogue order, on both cores when there are many.

    A generator: the build process stores each document while the workers are already on
    the next ones, and never holds the whole corpus in memory (a result that arrives early
    waits for those before it, at most IN_FLIGHT per worker). The order is the catalogue's, so
    that new rows get the same ids in every build.

    Worker processes of our own, each with a pipe of its own, rather than
    ``multiprocessing.Pool``: the pool's workers share one result queue behind one lock,
    and ``Pool.terminate()`` (what leaving its ``with`` block on Ctrl-C does) kills workers
    that may be holding that lock, after which its own task thread waits for the lock
    forever — an interrupted build that never ends. Here nothing is shared: leaving the
    generator (Ctrl-C, SIGTERM, a document that fails) kills the workers with SIGKILL at
    once. Workers ignore SIGINT (Ctrl-C reaches the whole process group; the build process
    stops them) and end themselves if the build process is killed outright.
    """
    if len(metas) < PARALLEL_MIN_DOCUMENTS or workers == 1:
        yield from map(ingest_document, metas)
        return
    context = multiprocessing.get_context("fork")
    size = min(workers or os.cpu_count() or 1, len(metas))
    started: list[tuple[multiprocessing.process.BaseProcess, multiprocessing.connection.Connection]] = []
    try:
        with _signals_held():
            for _ in range(size):
                ours, theirs = context.Pipe()
                process = context.Process(target=_work, args=(theirs, os.getpid()), name="synopsis-ingest", daemon=True)
                process.start()
                started.append((process, ours))
                theirs.close()
                point("worker started")
        yield from _ordered_results(metas, started)
    finally:
        for process, _pipe in started:
            process.kill()  # holds no lock anyone else needs: nothing to wait for
        for process, pipe in started:
            process.join()
            pipe.close()


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Fork the ingest workers with Ctrl-C and SIGTERM held until every one is known.

    Blocked in this thread, so that neither reaches a worker before :func:`_start_worker`
    has set its handlers (a forked child starts with its parent's mask). But the signal
    mask is per thread: a signal sent to the process while this thread blocks it goes to
    another thread that does not (the CLI's progress display has one), and Python then
    runs the handler in this thread at once, raising ``KeyboardInterrupt`` in the middle of
    ``Process.start()``: after the fork but before the worker is recorded, so nobody would
    kill it. So the handlers themselves only note the signal while the workers are forked,
    and it is raised again, with the build's own handlers back, once every worker started
    is in the list whose ``finally`` kills them.
    """
    if threading.current_thread() is not threading.main_thread():  # only the main thread has handlers
        yield
        return
    held: list[int] = []
    handlers = {signum: signal.signal(signum, lambda signum, _frame: held.append(signum)) for signum in _STOP_SIGNALS}
    unblock = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, unblock)  # a signal still pending is raised here, by the build's handler
        if held:
            signal.raise_signal(held[0])  # the build's own handler: KeyboardInterrupt, or what SIGTERM does


IN_FLIGHT = 2
"""Documents handed to each ingest worker ahead: it starts the next one while its last
result is still on its way, instead of waiting for the build process to read it."""


def _ordered_results(metas: list[DocumentMeta], started: list) -> Iterator[PreparedDocument]:
    """Keep every worker busy with :data:`IN_FLIGHT` documents; yield the results in catalogue order."""
    owner = {pipe: process for process, pipe in started}
    busy: dict = {pipe: collections.deque() for pipe in owner}  # pipe -> indices it works on, in order
    waiting: dict[int, PreparedDocument] = {}
    handed = wanted = 0

    def hand_out(pipe) -> None:
        nonlocal handed
        if handed < len(metas):
            pipe.send(metas[handed])
            busy[pipe].append(handed)
            handed += 1

    for _ in range(IN_FLIGHT):
        for pipe in owner:
            hand_out(pipe)
    while wanted < len(metas):
        if wanted in waiting:
            if wanted == 0:
                point("workers running")
            yield waiting.pop(wanted)
            wanted += 1
            continue
        for pipe in multiprocessing.connection.wait([pipe for pipe, indices in busy.items() if indices]):
            index = busy[pipe].popleft()
            try:
                ok, payload = pipe.recv()
            except EOFError:
                owner[pipe].join()
                raise StageFailed(
                    f"{metas[index].source_path}: the ingest worker ended unexpectedly (exit code {owner[pipe].exitcode}; out of memory?)"
                ) from None
            if not ok:
                raise payload
            waiting[index] = payload
            hand_out(pipe)


def _work(pipe, build_pid: int) -> None:
    """An ingest worker: documents in through its pipe, rows (or the error) out, until the pipe closes.

    Results go out from a thread of their own: a document's rows are larger than the pipe
    holds, so sending blocks until the build process reads them, and meanwhile the worker
    is already on its next document (:data:`IN_FLIGHT`).
    """
    _start_worker(build_pid)
    outbox: queue.Queue = queue.Queue(maxsize=1)

    def send_results() -> None:
        while (item := outbox.get()) is not None:
            meta, answer = item
            try:
                pipe.send(answer)
            except Exception as error:  # an exception that cannot be pickled
                pipe.send((False, StageFailed(f"{meta.source_path}: {type(error).__name__}: {error}")))

    sender = threading.Thread(target=send_results, name="synopsis-ingest-send", daemon=True)
    sender.start()
    while True:
        try:
            meta = pipe.recv()
        except EOFError:
            outbox.put(None)
            sender.join()
            return
        try:
            answer = (True, ingest_document(meta))
        except Exception as error:  # handed to the build process, which raises it
            answer = (False, error)
        outbox.put((meta, answer))


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _start_worker(build_pid: int) -> None:
    """In each ingest worker: leave Ctrl-C to the build process, be stoppable by it, and die with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)

    def watch() -> None:
        while os.getppid() == build_pid:
            time.sleep(WORKER_WATCH_SECONDS)
        os._exit(1)  # the build process is gone: nobody wants this work

    threading.Thread(target=watch, name="synopsis-watch-build", daemon=True).start()


def _prepare_copy(db_path: Path, tmp_path: Path) -> None:
    """Start the new file as a copy of the old database, or empty.

    A killed build leaves its half-written file and, beside it, SQLite's rollback journal.
    Both go: SQLite would take a leftover journal for the new copy's and "roll back" the
    copy with pages of the old one, corrupting it (and truncating away whatever a note
    added to the database since).
    """
    _remove_with_journal(tmp_path)
    if db_path.exists():
        recover_interrupted_write(db_path)  # or the copy would hold half of a killed note's write
        shutil.copyfile(db_path, tmp_path)


def _sqlite_sidecars(path: Path) -> list[Path]:
    """SQLite's rollback journal (and WAL files) beside ``path``, those that exist."""
    return [p for p in (path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm")) if p.exists()]


def _remove_with_journal(path: Path) -> None:
    for leftover in (path, *_sqlite_sidecars(path)):
        leftover.unlink(missing_ok=True)


def _store(
    conn: Connection, catalogue: list[DocumentMeta], prepared: Iterator[PreparedDocument], digests: dict, previous: dict, report: BuildReport
) -> dict:
    """Clear changed and removed documents, then write each changed one as it comes from ingest.

    Returns the link tokens the ingest workers computed, keyed as the token cache keys them.
    """
    from synopsis.link.digests import ingest_text_digest

    ids = IdAllocator.for_connection(conn)
    catalogued = {meta.id for meta in catalogue}
    changing = {m.id for m in catalogue if digests[m.id] and digests[m.id] != previous.get(m.id)}
    stored = [row[0] for row in conn.execute(select(Document.__table__.c.id))]
    gone = [doc_id for doc_id in stored if doc_id not in catalogued]
    going = set(gone) | changing | {m.id for m in catalogue if not digests[m.id] and m.id in previous}
    has_paragraphs = conn.execute(select(Paragraph.__table__.c.id).limit(1)).first() is not None
    if going and has_paragraphs and len(changing) > 0.2 * max(len(catalogue), 1):
        drop_fts_triggers(conn)  # many changes: re-index once at the end instead of row by row
    for doc_id in sorted(going.intersection(stored)):  # a document new to the database has no rows to clear
        ids.remember(conn, doc_id)
        delete_document_rows(conn, doc_id)
    for doc_id in gone:
        conn.execute(Document.__table__.delete().where(Document.__table__.c.id == doc_id))
        report.removed.append(doc_id)
    # Rows of unchanged and missing documents: refresh status and facts. (SQLite does not
    # enforce foreign keys here, so a version may be written before its original.)
    unchanged_status = []
    for meta in catalogue:
        if meta.id in changing:
            continue
        status, note = source_status(meta)
        if digests[meta.id]:  # unchanged: keep everything but the status
            unchanged_status.append({"id": meta.id, "status": status, "status_note": note})
        else:
            upsert_document(conn, document_row(meta, None, status=status, status_note=note, pipeline_sha256=None))
    if unchanged_status:  # one statement for all, not one per document (2,000 of them in a large corpus)
        executemany(conn, "UPDATE documents SET status = :status, status_note = :status_note WHERE id = :id", unchanged_status)
    link_keys = {}
    for document in prepared:
        meta = document.meta
        if document.link_keys is not None:
            link_keys[ingest_text_digest(digests[meta.id])] = document.link_keys
        status, note = source_status(meta)
        upsert_document(conn, document_row(meta, document, status=status, status_note=note, pipeline_sha256=digests[meta.id]))
        store_prepared(conn, document, ids=ids)
        report.ingested.append(meta.id)
    return link_keys


def _link(conn: Connection, link_keys: dict, engine: Any = None) -> tuple[dict[str, int], dict[str, float], dict[str, int]]:
    """Alignments and cross-references for every document pair that changed: the counts,
    and the seconds and peak memory after each of the link stage's steps."""
    from synopsis.link.stage import link_corpus

    result = link_corpus(conn, known_keys=link_keys, engine=engine)
    return (dict(getattr(result, "counts", {}) or {}), dict(getattr(result, "steps", {}) or {}),
            dict(getattr(result, "peak_mib", {}) or {}))


__all__ = ["BuildReport", "build", "SynopsisError"]
