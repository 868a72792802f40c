"""Datasette plugin: re-open a database file that a build has replaced.

SQLite connections keep reading the file they opened, even after ``os.replace`` puts a new
file at the same path. ``synopsis build`` replaces the database atomically; this plugin
polls each file-backed database's inode once a second and, when it changes, swaps in a
fresh :class:`datasette.database.Database` for the new file. Requests in flight finish on
the old file; the old connections are closed a little later.

The watcher is started when the server starts (the ASGI lifespan), not from Datasette's
``startup`` hook: ``datasette serve`` runs ``startup`` on a throw-away event loop before
uvicorn starts its own, so a task created there never runs. ``startup`` only records which
file each database was opened on. Datasette's in-process test client sends no lifespan
events, so tests that use it start no watcher.
"""
from __future__ import annotations

import asyncio
import logging
import os
import threading

from datasette import hookimpl
from datasette.database import connections as thread_connections  # per-thread, keyed by name

from synopsis.publish.quiet import quiet_database

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
CLOSE_AFTER_SECONDS = 30.0
BARRIER_SECONDS = 30.0


def _identity(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_ino, stat.st_dev


def _opened(datasette) -> dict[str, tuple[int, int] | None]:
    """The file each database was opened on, recorded once (at startup)."""
    if not hasattr(datasette, "_synopsis_opened"):
        datasette._synopsis_opened = {
            name: _identity(db.path) for name, db in datasette.databases.items() if db.path and not db.is_memory
        }
    return datasette._synopsis_opened


def reopen_replaced(datasette) -> list[str]:
    """Swap in a fresh Database for every file replaced since it was opened; returns their names."""
    seen = _opened(datasette)
    reopened = []
    for name, db in list(datasette.databases.items()):
        if not db.path or db.is_memory:
            continue
        identity = _identity(db.path)
        if identity is None or identity == seen.get(name):
            continue  # missing for a moment, or unchanged
        seen[name] = identity
        fresh = quiet_database(datasette, db)
        databases = datasette.databases.copy()  # swap the mapping whole, as Datasette itself does
        databases[name] = fresh
        datasette.databases = databases
        _forget_connections(datasette, name)
        log.warning("%s was replaced on disk: re-opened", db.path)
        asyncio.get_running_loop().call_later(CLOSE_AFTER_SECONDS, db.close)
        reopened.append(name)
    return reopened


def _forget_connections(datasette, name: str) -> None:
    """Make every SQL thread drop (and close) its connection to ``name``'s old file.

    Datasette keeps one connection per database *name* in each SQL thread's thread-local
    storage, so a fresh Database object under the same name would go on reading the old
    file through them. Each thread must drop its own: one job per thread, held at a
    barrier until every thread has one (queries already queued finish first, on the old
    file). Without SQL threads (``num_sql_threads`` 0) the fresh Database has its own
    connection and there is nothing to drop.
    """
    threads = datasette.setting("num_sql_threads")
    if datasette.executor is None or not threads:
        return
    barrier = threading.Barrier(threads)

    def drop() -> None:
        try:
            barrier.wait(timeout=BARRIER_SECONDS)
        except threading.BrokenBarrierError:
            log.warning("re-opening %s: an SQL thread was busy for %ss; it may serve the old file a while", name, BARRIER_SECONDS)
        conn = getattr(thread_connections, name, None)
        if conn is not None:
            delattr(thread_connections, name)
            conn.close()

    for _ in range(threads):
        datasette.executor.submit(drop)


async def _watch(datasette) -> None:
    while True:
        await asyncio.sleep(POLL_SECONDS)
        try:
            reopen_replaced(datasette)
        except Exception:  # a failed poll must not end the watching
            log.exception("checking for replaced database files failed")


def _ensure_watching(datasette) -> None:
    """Run the watcher on the serving event loop (once per loop)."""
    loop = asyncio.get_running_loop()
    task = getattr(datasette, "_synopsis_reload_task", None)
    if task is None or task.get_loop() is not loop or task.done():
        _opened(datasette)
        datasette._synopsis_reload_task = loop.create_task(_watch(datasette))


@hookimpl
def startup(datasette):
    _opened(datasette)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def watched(scope, receive, send) -> None:
            if scope["type"] == "lifespan":
                _ensure_watching(datasette)
            await app(scope, receive, send)

        return watched

    return wrap
