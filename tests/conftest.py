"""Shared fixtures, named for the state they set up.

This file is shared by every test module: add fixtures, don't rewrite others'.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = REPO / "documents"
RESOLUTION_ID = "cpsu-resolution-1956"


@pytest.fixture
def documents_copy(tmp_path) -> Path:
    """A private copy of the project's documents folder, free to edit."""
    target = tmp_path / "documents"
    shutil.copytree(DOCUMENTS, target)
    return target


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The real corpus built once into a database (read-only for tests: don't write to it)."""
    from synopsis.build import build

    folder = tmp_path_factory.mktemp("built")
    db_path = folder / "synopsis.db"
    build(documents_dir=DOCUMENTS, db_path=db_path)
    return db_path


# --- A local web server for fetch, add and HTML reading (tests/web holds its pages) --------

WEB = Path(__file__).resolve().parent / "web"
"""Pages written for the tests in each source site's structure, laid out as a
``wget --mirror`` copy: ``web/HOST/PATH``."""


class SiteServer:
    """What the ``site_server`` fixture serves, and what it was asked."""

    def __init__(self, httpd) -> None:
        self.httpd = httpd
        self.base = f"http://127.0.0.1:{httpd.server_address[1]}"
        self.requests: list[tuple[str, float, str]] = []  # (path, time.monotonic(), User-Agent)
        self.pages: dict[str, tuple[int, bytes, str]] = {}  # path -> (status, body, content type)
        self.failures: dict[str, int] = {}  # path -> how many 503s to answer before serving it

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[float]:
        return [t for p, t, _ua in self.requests if p == path]


@pytest.fixture(scope="session")
def site_server():
    """A threaded HTTP server on 127.0.0.1 (random port) serving ``tests/web`` and test routes.

    ``/HOST/PATH`` serves the page files (a mirror layout); ``/direct/redirect`` answers 302
    to the marxists.org-style page; ``/direct/missing`` 404; ``/direct/slow`` waits 3 s before
    answering; ``/direct/latin1-header`` is a Latin-1 page whose charset only the HTTP header
    names; ``server.pages`` and ``server.failures`` set other answers per test.
    """
    import http.server
    import threading
    import time

    state: dict[str, SiteServer] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def send(self, status: int, body: bytes, content_type: str = "text/html", headers: dict | None = None) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up first (the timeout tests)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            server = state["server"]
            path = self.path.split("?")[0]
            server.requests.append((path, time.monotonic(), self.headers.get("User-Agent", "")))
            if server.failures.get(path, 0) > 0:
                server.failures[path] -= 1
                return self.send(503, b"<html><body>busy</body></html>")
            if path in server.pages:
                status, body, content_type = server.pages[path]
                return self.send(status, body, content_type)
            if path == "/direct/redirect":
                return self.send(302, b"", headers={"Location": "/www.marxists.org/archive/testauthor/1956/report.htm"})
            if path == "/direct/missing":
                return self.send(404, b"<html><body>Not here</body></html>")
            if path == "/direct/slow":
                time.sleep(3)
                return self.send(200, b"<html><body><p>Too late.</p></body></html>")
            if path == "/direct/latin1-header":
                body = "<html><body><p>Andr\u00e9 paid the dues \u00e0 la carte.</p></body></html>".encode("latin-1")
                return self.send(200, body, "text/html; charset=ISO-8859-1")
            target = (WEB / path.lstrip("/")).resolve()
            if path.endswith("/"):
                target = target / "index.html"
            if not target.is_relative_to(WEB) or not target.is_file():
                return self.send(404, b"<html><body>Not found</body></html>")
            content_type = "text/html" if target.suffix in (".htm", ".html") else "text/plain"
            return self.send(200, target.read_bytes(), content_type)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server = SiteServer(httpd)
    state["server"] = server
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: what being offline looks like to a client."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

