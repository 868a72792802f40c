"""A quiet server log: one access line per request a reader gets wrong, nothing more.

A real ``datasette`` process (the plugin loads through its entry point, as under
``synopsis serve``) on 127.0.0.1, port chosen by the system; its log (stdout and stderr, as a terminal shows them) is read line by line
until the access line of a last request shows that every earlier line has been written.
"""
from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

READER_SLIPS = [
    ("/synopsis/paragraphs/999999", 404),  # a row that is not there
    ("/synopsis/paragraphs/999999.json", 404),
    ("/nosuchdb", 404),
    ("/compare?a=cpsu-resolutin-1956&b=cpsu-resolution-1956", 404),  # a mistyped document id
    ("/synopsis/paragraphs?_search=%22unbalanced", 400),  # malformed searches, on every search there is
    ("/synopsis/search?q=%22unbalanced", 400),
    ("/search?q=%22unbalanced", 200),  # the reader's search page searches the words instead
    ("/synopsis?sql=select+nosuch", 400),
]


class Server:
    def __init__(self, db_path: Path) -> None:
        serve = ["serve", str(db_path), "--host", "127.0.0.1", "--port", "0", "--setting", "num_sql_threads", "1"]
        self.process = subprocess.Popen([sys.executable, "-m", "datasette", *serve], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)  # uvicorn: access lines to stdout, errors to stderr
        self.lines: list[str] = []
        line = self._until("Uvicorn running on ")
        self.base = line.split("Uvicorn running on ")[1].split()[0]

    def _until(self, marker: str) -> str:
        for line in self.process.stdout:  # blocks until the server writes; ends if it dies
            self.lines.append(line.rstrip("\n"))
            if marker in line:
                return line
        raise AssertionError(f"the server ended before writing {marker!r}:\n" + "\n".join(self.lines))

    def get(self, path: str) -> int:
        try:
            with urllib.request.urlopen(self.base + path) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def log_through(self, path: str) -> list[str]:
        """Request ``path`` and return the log up to (and with) its access line."""
        assert self.get(path) == 200
        self._until(f'"GET {path} HTTP/1.1" 200')
        return self.lines

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()
        self.process.stdout.close()


@pytest.fixture
def server(built_db):
    running = Server(built_db)
    yield running
    running.stop()


def test_reader_slips_are_one_access_line_each(server):
    for path, status in READER_SLIPS:
        assert server.get(path) == status, path
    log = server.log_through("/-/versions.json")
    after_start = log[log.index(next(line for line in log if "Uvicorn running on" in line)) + 1:]
    access = [line for line in after_start if '"GET ' in line]
    assert [line for line in after_start if line not in access] == []  # no traceback, no "ERROR: ... sql = ..."
    for (path, status), line in zip(READER_SLIPS, access):
        assert f'"GET {path} HTTP/1.1" {status}' in line
    assert len(access) == len(READER_SLIPS) + 1


def test_a_server_error_is_logged_once_with_its_traceback(server):
    assert server.get("/synopsis/paragraphs?_sort=nosuch") == 500  # Datasette calls this one a 500
    log = server.log_through("/-/versions.json")
    text = "\n".join(log)
    assert text.count("GET /synopsis/paragraphs failed") == 1
    assert text.count("Traceback (most recent call last)") == 1
    assert "Cannot sort table by nosuch" in text
    assert "locals" not in text  # not rich's screen-long dump of every variable


def test_the_quiet_log_uses_datasettes_hooks_not_its_internals(built_db):
    """Nothing of Datasette's is replaced or unregistered: its default exception handler stays
    registered (our ``handle_exception`` is a hook wrapper whose answer is the only one), and
    the databases are Datasette ``Database`` objects of our subclass, added by its own API."""
    import asyncio

    from datasette.app import Datasette
    from datasette.plugins import pm

    from synopsis.publish.quiet import QuietDatabase

    datasette = Datasette([str(built_db)])
    asyncio.run(datasette.invoke_startup())
    assert pm.has_plugin("datasette.handle_exception")
    [db] = [db for db in datasette.databases.values() if not db.is_memory]
    assert type(db) is QuietDatabase and "execute" not in vars(db)
    assert db.name == built_db.stem and db.path == str(built_db)
