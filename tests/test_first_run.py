"""The README's first command on a fresh clone: ``synopsis serve`` fetches the catalogued texts
that are missing (a progress line per document) and serves them all; without a network it
says so in one line and serves the resolution alone.

The archives are stood in for by the ``site_server`` fixture on 127.0.0.1 (reached through
``--mirror``, the wget layout ``synopsis fetch`` reads), and "no network" by a closed port:
nothing here touches the internet.
"""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import DOCUMENTS, RESOLUTION_ID

pytestmark = pytest.mark.slow

WEB = Path(__file__).resolve().parent / "web"
STAND_INS = {  # each fetchable document of the catalogue: a page of the test site in its place
    "khrushchev-secret-speech-1956": "www.marxists.org/archive/testauthor/1956/report.htm",
    "renmin-ribao-editorial-1956": "www.marxists.org/archive/testauthor/1956/legacy.htm",
    "togliatti-nuovi-argomenti-1956": "www.marx21.it/comunisti-oggi/prova-intervista/index.html",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_clone(tmp_path: Path) -> Path:
    folder = tmp_path / "clone"
    shutil.copytree(DOCUMENTS, folder / "documents")
    return folder


def source_url(documents: Path, doc_id: str) -> str:
    return tomllib.loads((documents / doc_id / "metadata.toml").read_text(encoding="utf-8"))["source_url"]


def serve_until_answering(folder: Path, *extra: str):
    """``synopsis serve`` (a real process, as the README runs it) in ``folder``; its base URL once it answers."""
    port = free_port()
    log = open(folder / "serve.log", "w+b")
    process = subprocess.Popen([sys.executable, "-c", "from synopsis.cli import main; main()", "serve", "--port", str(port), *extra],
                               cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1)
            return process, f"http://127.0.0.1:{port}", log
        except OSError:
            time.sleep(0.3)
    process.kill()
    log.seek(0)
    pytest.fail(f"synopsis serve did not answer: {log.read().decode(errors='replace')[-2000:]}")


def stop(process) -> None:
    process.terminate()
    process.wait(timeout=20)


def present(url: str) -> set[str]:
    with urllib.request.urlopen(f"{url}/synopsis/documents.json?_shape=array&status=present&_col=id") as response:
        return {row["id"] for row in json.load(response)}


def test_first_serve_fetches_the_catalogued_texts_with_a_line_each(tmp_path, site_server):
    folder = fresh_clone(tmp_path)
    documents = folder / "documents"
    for doc_id, page in STAND_INS.items():  # the archive's page, at the URL the catalogue names, in the mirror
        parts = urlsplit(source_url(documents, doc_id))
        path = f"/{parts.netloc}{parts.path}" + ("index.html" if parts.path.endswith("/") else "")
        site_server.pages[path] = (200, (WEB / page).read_bytes(), "text/html")
    process, url, log = serve_until_answering(folder, "--mirror", site_server.base)
    try:
        assert present(url) == {RESOLUTION_ID, *STAND_INS}
    finally:
        stop(process)
    log.seek(0)
    lines = log.read().decode().splitlines()
    for doc_id in STAND_INS:
        assert any(line.startswith(f"fetching {doc_id} (") for line in lines), lines
        assert any(line.startswith(f"{doc_id}: fetched ") for line in lines), lines
    assert not [line for line in lines if "WARNING" in line or "Traceback" in line], lines
    # what was fetched is kept with its retrieval record, as `synopsis fetch` keeps it
    record = tomllib.loads((documents / "khrushchev-secret-speech-1956" / "metadata.toml").read_text(encoding="utf-8"))["retrieval"]
    assert record["url"] == source_url(documents, "khrushchev-secret-speech-1956") and len(record["sha256"]) == 64


def test_first_serve_without_network_says_so_in_one_line_and_serves_the_resolution(tmp_path, closed_port):
    folder = fresh_clone(tmp_path)
    before = {p.relative_to(folder): p.read_bytes() for p in (folder / "documents").rglob("*") if p.is_file()}
    process, url, log = serve_until_answering(folder, "--mirror", f"http://127.0.0.1:{closed_port}")
    try:
        assert present(url) == {RESOLUTION_ID}
    finally:
        stop(process)
    log.seek(0)
    lines = [line for line in log.read().decode().splitlines() if line.strip()]
    notices = [line for line in lines if line.startswith("no network")]
    assert len(notices) == 1 and all(doc_id in notices[0] for doc_id in STAND_INS), lines
    assert not [line for line in lines if "WARNING" in line or "Traceback" in line or line.startswith(tuple(STAND_INS))], lines
    after = {p.relative_to(folder): p.read_bytes() for p in (folder / "documents").rglob("*") if p.is_file()}
    assert after == before  # nothing written for what could not be fetched
