"""``synopsis serve``: bring the database up to date, then publish it with Datasette.

Served read-only and bound to 127.0.0.1 unless asked otherwise, with SQL time limits.
The file is opened in SQLite's read-only mode rather than Datasette's immutable mode:
``synopsis note`` writes to it in place, and a build replaces it with a new file, which
the ``synopsis.publish.reload`` plugin notices and re-opens.
"""
from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from pathlib import Path

from synopsis.build import build
from synopsis.database import check_database
from synopsis.errors import FetchFailed, SynopsisError
from synopsis.fetch import FetchResult, fetch

log = logging.getLogger(__name__)

SETTINGS = {
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 200,  # a facet over 100,000 matches gives up rather than stall the page
    "suggest_facets": "off",  # the configured facets suffice; suggesting runs a query per column
    "truncate_cells_html": 0,  # paragraphs are read whole
    "default_page_size": 50,
    "max_returned_rows": 5000,
    "allow_download": "off",  # the file is rebuilt; offer exports instead
}


def is_stale(db_path: Path, documents_dir: Path) -> bool:
    """True when the database is missing or older than any file under the documents folder."""
    if not db_path.exists():
        return True
    built = db_path.stat().st_mtime
    return any(path.stat().st_mtime > built for path in Path(documents_dir).rglob("*") if path.is_file())


def datasette_args(db_path: Path, *, host: str, port: int, metadata: Path | None) -> list[str]:
    """The ``datasette serve`` command line that publishes a Synopsis database."""
    args = ["serve", str(db_path), "--host", host, "--port", str(port)]
    if metadata is not None:  # otherwise the plugin applies the packaged datasette-metadata.json
        args += ["--metadata", str(metadata)]
    for name, value in SETTINGS.items():
        args += ["--setting", name, str(value)]
    return args


def check_port_free(host: str, port: int) -> None:
    """Refuse, in one line, an address another server holds (uvicorn would log five lines and exit 3)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise SynopsisError(f"{host}: cannot listen on this address ({error.strerror})") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise SynopsisError(f"{host}:{port}: {error.strerror.lower()} (choose another with --port)") from None


FETCH_TIMEOUT = 15.0
"""Seconds ``synopsis serve`` waits for one archive before serving without its text."""


def fetch_missing(documents_dir: Path, *, mirror: str | None = None, progress: Callable[[str], None] = log.info,
                  timeout: float = FETCH_TIMEOUT) -> list[FetchResult]:
    """Fetch every catalogued text that is missing and has a source URL, a line per document to ``progress``.

    Nothing is raised: without a network the whole attempt is one line ("no network: ...")
    and the corpus is served as it is; another failure is one line for its document.
    """
    try:
        return fetch(documents_dir=documents_dir, mirror=mirror, timeout=timeout, retries=1, progress=_quiet_failures(progress))
    except FetchFailed as error:
        results = getattr(error, "results", [])
        failed = [r for r in results if not r.ok]
        offline = [r for r in failed if r.offline]
        if offline:
            where = mirror or "the archives"
            progress(f"no network: could not reach {where} for {', '.join(r.id for r in offline)}; "
                     "serving the texts that are here (run `synopsis fetch` when online)")
        for result in failed:
            if not result.offline:
                progress(f"not fetched: {result.line}")
        return results


def _quiet_failures(progress: Callable[[str], None]) -> Callable[[str], None]:
    """Pass progress on, but leave failures to the one summary line of :func:`fetch_missing`."""
    def tell(line: str) -> None:
        if line.startswith("fetching ") or ": fetched " in line or ": unchanged " in line:
            progress(line)
    return tell


def serve(*, db_path: Path, documents_dir: Path, host: str = "127.0.0.1", port: int = 8001, metadata: Path | None = None,
          build_first: bool = True, fetch_first: bool = True, mirror: str | None = None,
          progress: Callable[[str], None] = log.info) -> None:
    """Fetch missing texts (on the first run: no database yet), build when the database is
    missing or older than its sources, then run Datasette."""
    db_path, documents_dir = Path(db_path), Path(documents_dir)
    if build_first and fetch_first and documents_dir.is_dir() and not db_path.exists():
        fetch_missing(documents_dir, mirror=mirror, progress=progress)
    if build_first and documents_dir.is_dir() and is_stale(db_path, documents_dir):
        progress(f"building {db_path} from {documents_dir}")
        build(documents_dir=documents_dir, db_path=db_path)
    if not db_path.exists():
        raise SynopsisError(f"{db_path}: no such database and no documents folder {documents_dir} to build it from")
    check_database(db_path)  # one line for a file that is not ours; rolls back a killed note's write
    check_port_free(host, port)
    from datasette.cli import cli as datasette_cli

    datasette_cli.main(datasette_args(db_path, host=host, port=port, metadata=metadata), prog_name="datasette", standalone_mode=True)
