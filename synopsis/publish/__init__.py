"""Publishing a Synopsis database with Datasette 0.65.

The plugin (:mod:`synopsis.publish.plugin`, registered through the ``datasette`` entry
point) adds the compare, search and citation pages, the paragraph and quotation pages'
"elsewhere" sections and the corpus overview. ``datasette-metadata.json`` describes every
table and column and holds the canned queries; it is written for a database named
``synopsis`` and the plugin applies it to a corpus database of any other name. It is
package data of this package (the top-level file of the repository, linked here), read
with :mod:`importlib.resources`, so an installed wheel serves with it as a checkout does.
``synopsis serve`` (:mod:`synopsis.serve`) passes the settings (``sql_time_limit_ms``,
``truncate_cells_html=0``, ...) to Datasette.
"""
from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

from datasette.database import Database

METADATA_FILE = "datasette-metadata.json"
"""The metadata file of record: package data of ``synopsis.publish``."""

METADATA_DATABASE = "synopsis"
"""The database name the metadata file is written for (the file ``synopsis.db``)."""


@functools.cache
def _packaged_metadata() -> str:
    return (resources.files(__name__) / METADATA_FILE).read_text(encoding="utf-8")


def load_metadata(path: Path | None = None) -> dict[str, Any]:
    """The packaged metadata (or the file at ``path``) as a new dict, free to change."""
    source = Path(path).read_text(encoding="utf-8") if path else _packaged_metadata()
    return json.loads(source)


class QuietDatabase(Database):
    """A Datasette :class:`~datasette.database.Database` that does not write each failed
    statement to stderr ("ERROR: conn=..., sql = ..."), Datasette's default.

    In a published corpus a failed statement is a reader's malformed search or query: it is
    answered with a 400 page, and our own pages catch theirs; real failures still reach the
    plugin's ``handle_exception`` and are logged once there. Datasette 0.65 has no setting or
    hook for this line, only the documented ``log_sql_errors`` argument of ``execute``, so
    the plugin opens its databases as this subclass through Datasette's own
    ``add_database`` (:func:`quiet_databases`), rather than patching the objects it made.
    """

    async def execute(self, sql, params=None, **options):
        options["log_sql_errors"] = False  # Datasette's query page passes True explicitly
        return await super().execute(sql, params, **options)


def quiet_database(datasette, db: Database) -> QuietDatabase:
    """A fresh :class:`QuietDatabase` on the file of ``db``, with its name and route."""
    fresh = QuietDatabase(datasette, path=db.path, is_mutable=db.is_mutable)
    fresh.name, fresh.route = db.name, db.route
    return fresh


def quiet_databases(datasette) -> None:
    """Open every file database Datasette opened again as a :class:`QuietDatabase` (at startup,
    before any request: ``remove_database`` and ``add_database`` are Datasette's own API)."""
    for name, db in list(datasette.databases.items()):
        if isinstance(db, QuietDatabase) or not db.path or db.is_memory:
            continue
        fresh = quiet_database(datasette, db)
        datasette.remove_database(name)
        datasette.add_database(fresh, name=name, route=db.route)
