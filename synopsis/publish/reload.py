"""Datasette plugin: re-open a database file that a build has replaced.

SQLite connections keep reading the file they opened, even after ``os.replace`` puts a new
file at the same path. ``synopsis build`` replaces the database atomically; this plugin
polls each file-backed database's inode once a second and, when it changes, swaps in a
fresh :class:`datasette.database.Database` for the new file. Requests in flight finish on
the old file; the old connections are closed a little later.
"""
from __future__ import annotations

import asyncio
import logging
import os

from datasette import hookimpl
from datasette.database import Database

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
CLOSE_AFTER_SECONDS = 30.0


def _identity(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_ino, stat.st_dev


async def _watch(datasette) -> None:  # noqa: ANN001
    seen = {name: _identity(db.path) for name, db in datasette.databases.items() if db.path}
    while True:
        await asyncio.sleep(POLL_SECONDS)
        for name, db in list(datasette.databases.items()):
            if not db.path or db.is_memory:
                continue
            identity = _identity(db.path)
            if identity is None or identity == seen.get(name):
                continue
            seen[name] = identity
            fresh = Database(datasette, path=db.path, is_mutable=db.is_mutable)
            fresh.name, fresh.route = name, db.route
            databases = datasette.databases.copy()  # swap the mapping whole, as Datasette itself does
            databases[name] = fresh
            datasette.databases = databases
            log.warning("%s was replaced on disk: re-opened", db.path)
            asyncio.get_running_loop().call_later(CLOSE_AFTER_SECONDS, db.close)


@hookimpl
def startup(datasette):  # noqa: ANN001, ANN201
    async def start() -> None:
        datasette._synopsis_reload_task = asyncio.get_running_loop().create_task(_watch(datasette))  # noqa: SLF001

    return start
