"""A quiet server log: Datasette's databases opened so that a failed statement is not written to stderr.

Here, not in the package's ``__init__``: the package imports without Datasette (a plain
checkout, ``-S``), and only the plugin and the reload plugin need this.
"""
from __future__ import annotations

from datasette.database import Database

__all__ = ["QuietDatabase", "quiet_database", "quiet_databases"]


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
