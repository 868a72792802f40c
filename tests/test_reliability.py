"""Reliability, tried the way a user meets it: real ``synopsis`` processes on real files.

* Bad input: every kind of broken document or metadata file is one line on stderr that names
  the file and the problem, exit code 2, no traceback, and the existing database unchanged
  to the byte.
* Killed builds: SIGKILL at every point the build announces (synopsis.testpoints: "lock
  taken", "workers running", "rows written", "before rename", ...) leaves the previous
  database intact and servable (after the rename: the complete new one), leaves no process
  and no lock behind, and the next build succeeds; SIGTERM and SIGINT say so in one line.
  No test waits for a moment in time: each pauses the build at a named point and acts there.
* Serving during a build: every request answered while a build runs, and the new database
  shown once the server notices the new file.
* Serving safely: bound to 127.0.0.1, SQL time limit, no writes, no markup from documents.
* Notes and builds: a note written while a build runs waits for it and is not lost; notes on
  links survive a rebuild.

The corpus for builds with ingest workers is the real documents folder plus
generated documents: deterministic pseudo-words from a seed (a large vocabulary, so that
the generated documents share no passages and linking has little to do).
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from synopsis.testpoints import ENV, FILE_ENV, POINTS

from .conftest import DOCUMENTS, REPO, RESOLUTION_ID

SYNOPSIS = [sys.executable, "-m", "synopsis"]
DATASETTE = [sys.executable, "-m", "datasette"]
PROCESS_TIMEOUT = 300


# ----------------------------------------------------------------------------- helpers


def synopsis(*args: str | Path, timeout: float = PROCESS_TIMEOUT) -> subprocess.CompletedProcess:
    """Run the console script as a user would, to completion."""
    return subprocess.run([*SYNOPSIS, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def rows(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(sql, params).fetchall()


def document_ids(db: Path) -> set[str]:
    return {row[0] for row in rows(db, "SELECT id FROM documents")}


def integrity(db: Path) -> str:
    return rows(db, "PRAGMA integrity_check")[0][0]


def write_document(documents: Path, folder: str, metadata: str, source: tuple[str, bytes] | None = None) -> Path:
    """A document folder with this metadata (and source file); returns the metadata path."""
    target = documents / folder
    target.mkdir(parents=True, exist_ok=True)
    (target / "metadata.toml").write_text(metadata, encoding="utf-8")
    if source is not None:
        (target / source[0]).write_bytes(source[1])
    return target / "metadata.toml"


SYLLABLES = "ka lo mi ne ru ta vo si de pa gu re fo li na be cho dra sen tor vik mel".split()


def pseudo_paragraphs(rng: random.Random, count: int) -> list[str]:
    """Paragraphs of one to four sentences of pseudo-words from a 4,000-word vocabulary."""
    vocabulary = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(4000)]
    return [
        " ".join(
            " ".join(rng.choice(vocabulary) for _ in range(rng.randint(6, 18))).capitalize() + "."
            for _ in range(rng.randint(1, 4))
        )
        for _ in range(count)
    ]


def generate_documents(documents: Path, *, count: int, paragraphs: int, seed: int, prefix: str = "generated") -> list[str]:
    """``count`` documents of ``paragraphs`` paragraphs of pseudo-words, the same for the same seed."""
    rng = random.Random(seed)
    ids = []
    for n in range(count):
        doc_id = f"{prefix}-{seed}-{n:02d}"
        body = pseudo_paragraphs(rng, paragraphs)
        write_document(
            documents, doc_id,
            f'id = "{doc_id}"\ntitle = "Generated document {n}"\nsource_file = "text.md"\n',
            ("text.md", ("\n\n".join(body) + "\n").encode()),
        )
        ids.append(doc_id)
    return ids


def child_pids(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (read from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def wait_for(condition: Callable[[], object], *, timeout: float, step: float = 0.02) -> object:
    """Poll until ``condition()`` is true; returns its value, or the last (false) one at the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str, *, timeout: float = PROCESS_TIMEOUT) -> tuple[int, str]:
    """Status and body of a GET; an HTTP error status is returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace")


def as_a_terminal_starts_it() -> None:
    """In a started process, before it runs: Ctrl-C and Ctrl-\\ as a terminal's command has them.

    A shell starts a background job (``pytest &``, ``nohup``'s caller, a CI step run that
    way) with SIGINT and SIGQUIT ignored, and an ignored signal stays ignored across exec:
    Python then installs no KeyboardInterrupt handler, and a SIGINT sent to the build does
    nothing at all. That was the 300 s hang of a test run in the background under load: the
    build sat at its paused point, SIGINT ignored (``SigIgn`` in ``/proc``), until the
    test's timeout. What the tests model is a user's Ctrl-C at a terminal.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def ignores(pid: int, sig: int) -> bool:
    """Whether process ``pid`` ignores ``sig`` (its ``SigIgn`` mask in ``/proc``)."""
    mask = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("SigIgn:"))
    return bool(int(mask.split()[1], 16) >> (sig - 1) & 1)


class Processes:
    """Processes a test starts, each in its own session as a terminal would start it (see
    :func:`as_a_terminal_starts_it`); whatever is left is killed at teardown."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.started = folder, []

    def start(self, *args: str | Path, command: list[str] = SYNOPSIS, point: str | None = None) -> subprocess.Popen:
        """Start a process; ``point`` ("POINT:ACTION") sets its test point, with its own marker file."""
        n = len(self.started)
        env = {**os.environ, FILE_ENV: str(self.folder / f"process-{n}.point")}
        env.pop(ENV, None)
        if point:
            env[ENV] = point
        process = subprocess.Popen(
            [*command, *map(str, args)],
            stdout=open(self.folder / f"process-{n}.out", "w"),  # closed with the process
            stderr=open(self.folder / f"process-{n}.err", "w"),
            start_new_session=True,
            preexec_fn=as_a_terminal_starts_it,
            env=env,
        )
        process.err_path = self.folder / f"process-{n}.err"
        process.point_file = Path(env[FILE_ENV])
        self.started.append(process)
        return process

    @staticmethod
    def stderr(process: subprocess.Popen) -> str:
        return process.err_path.read_text()

    def close(self) -> None:
        for process in self.started:
            try:  # the group too: workers a killed build may have left behind
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
            for stream in (process.stdout, process.stderr):
                if stream:
                    stream.close()


@pytest.fixture
def processes(tmp_path) -> Iterator[Processes]:
    """Start real processes; none survives the test."""
    started = Processes(tmp_path)
    yield started
    started.close()


def check_one_line_error(result: subprocess.CompletedProcess, *, names: Path, problem: str) -> None:
    """Exit code 2 and exactly ``synopsis: error: <file>: <problem...>``, no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"synopsis: error: {names}"), lines[0]
    assert problem in lines[0], lines[0]
    assert result.returncode == 2, result.stderr


def servable(db: Path) -> dict:
    """What Datasette (in process, as ``synopsis serve`` configures it) answers about the file."""
    from datasette.app import Datasette

    async def ask() -> dict:
        ds = Datasette([str(db)])
        try:
            response = await ds.client.get(f"/{db.stem}/paragraphs.json?_shape=array&_size=1")
            assert response.status_code == 200, response.text
            return response.json()[0]
        finally:
            for database in ds.databases.values():
                database.close()

    return asyncio.run(ask())


# ----------------------------------------------------------------------------- bad input


@pytest.fixture(scope="module")
def built_corpus(tmp_path_factory) -> tuple[Path, Path]:
    """(documents folder, database) — a copy of the real documents, built through the CLI."""
    folder = tmp_path_factory.mktemp("corpus")
    documents = folder / "documents"
    shutil.copytree(DOCUMENTS, documents)
    db = folder / "synopsis.db"
    result = synopsis("build", "--db", db, "--documents", documents)
    assert result.returncode == 0, result.stderr
    return documents, db


def _source(name: str, data: bytes) -> Callable[[Path], Path]:
    def spoil(documents: Path) -> Path:
        write_document(documents, "bad", f'id = "bad-input"\ntitle = "Bad input"\nsource_file = "{name}"\n', (name, data))
        return documents / "bad" / name

    return spoil


def _metadata(text: str, source: tuple[str, bytes] | None = ("text.md", b"Some text.\n")) -> Callable[[Path], Path]:
    def spoil(documents: Path) -> Path:
        return write_document(documents, "bad", text, source)

    return spoil


def _duplicate_id(documents: Path) -> Path:
    return write_document(documents, "zz-second-copy", f'id = "{RESOLUTION_ID}"\ntitle = "Same id again"\n')


def _symlink_out(documents: Path) -> Path:
    path = write_document(documents, "bad", 'id = "bad-input"\ntitle = "Bad"\nsource_file = "text.md"\n')
    (documents / "bad" / "text.md").symlink_to("/etc/passwd")
    return path


def _latin1_metadata(documents: Path) -> Path:
    path = write_document(documents, "bad", "")
    path.write_bytes(b'id = "bad-input"\ntitle = "Caf\xe9"\n')
    return path


def _spoilt_existing_source(documents: Path) -> Path:
    """The resolution, already in the database, edited into Latin-1."""
    (path,) = (documents / RESOLUTION_ID).glob("*.md")
    path.write_bytes(path.read_bytes() + "\n\nA caf\u00e9 in Latin-1.\n".encode("latin-1"))
    return path


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes(range(256)) * 4

BAD_INPUTS = {
    # case: (spoil the documents folder, returning the file the message must name; the problem)
    "empty source file": (_source("text.md", b""), "empty file"),
    "whitespace-only source file": (_source("text.md", b" \n\n\t\n"), "empty file"),
    "binary source (PNG bytes)": (_source("text.md", PNG), "binary file"),
    "binary source (NUL bytes)": (_source("text.txt", b"plain words\x00\x00\x00 and more words\n"), "binary file"),
    "undecodable text (Latin-1 in .md)": (_source("text.md", "D\u00e9j\u00e0 vu au caf\u00e9.\n".encode("latin-1")), "not UTF-8 text"),
    "an edited source that is no longer UTF-8": (_spoilt_existing_source, "not UTF-8 text"),
    "HTML with no body text": (_source("page.html", b"<html><body><nav>menu</nav></body></html>"), "no text found"),
    "HTML with only script and style": (
        _source("page.html", b"<html><head><style>p{}</style></head><body><script>var x = 1;</script></body></html>"),
        "no text found",
    ),
    "metadata missing title": (_metadata('id = "bad-input"\nsource_file = "text.md"\n'), "missing required field 'title'"),
    "metadata with a mistyped field": (_metadata('id = "bad-input"\ntittle = "Bad"\nsource_file = "text.md"\n'), "unknown field 'tittle'"),
    "malformed TOML": (_metadata('id = "bad-input"\ntitle = "unterminated\n'), "not valid TOML"),
    "wrong type (number for a string)": (_metadata('id = "bad-input"\ntitle = 1956\nsource_file = "text.md"\n'), "must be a string"),
    "malformed date": (_metadata('id = "bad-input"\ntitle = "Bad"\ndate = "30 June 1956"\nsource_file = "text.md"\n'), "not an ISO date"),
    "metadata not UTF-8": (_latin1_metadata, "not UTF-8"),
    "two documents with one id": (_duplicate_id, "already used"),
    "version_of naming no document": (_metadata('id = "bad-input"\ntitle = "Bad"\nversion_of = "no-such-document"\n'), "names no document"),
    "source_file outside documents/ (../../etc/passwd)": (_metadata('id = "bad-input"\ntitle = "Bad"\nsource_file = "../../etc/passwd"\n', None), "outside"),
    "source_file absolute (/etc/passwd)": (_metadata('id = "bad-input"\ntitle = "Bad"\nsource_file = "/etc/passwd"\n', None), "outside"),
    "source file a symlink out of documents/": (_symlink_out, "outside"),
}


@pytest.fixture(scope="module")
def bad_input_builds(built_corpus, tmp_path_factory) -> dict[str, tuple]:
    """Every bad-input case built through the CLI, a few at a time (each is a process start-up).

    For each case: (the process's result, the file the message must name, the database's
    sha256 before, the database, its folder).
    """
    from concurrent.futures import ThreadPoolExecutor

    prepared = {}
    for n, (case, (spoil, _problem)) in enumerate(BAD_INPUTS.items()):
        folder = tmp_path_factory.mktemp(f"bad-{n}")
        documents = folder / "documents"
        shutil.copytree(built_corpus[0], documents, symlinks=True)
        db = folder / "synopsis.db"
        shutil.copyfile(built_corpus[1], db)
        prepared[case] = (spoil(documents), file_sha256(db), db, folder, documents)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(zip(prepared, pool.map(lambda p: synopsis("build", "--db", p[2], "--documents", p[4]), prepared.values())))
    return {case: (results[case], *prepared[case][:4]) for case in prepared}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_one_line_naming_the_file_and_the_database_is_untouched(case, bad_input_builds):
    result, offending, before, db, folder = bad_input_builds[case]
    check_one_line_error(result, names=offending, problem=BAD_INPUTS[case][1])
    assert file_sha256(db) == before
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".synopsis.db")) in ([], [".synopsis.db.lock"])


@pytest.mark.slow
def test_a_fifty_megabyte_single_paragraph_is_built_as_one_paragraph(tmp_path):
    documents = tmp_path / "documents"
    shutil.copytree(DOCUMENTS, documents)
    rng = random.Random(50)
    vocabulary = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(5000)]
    parts, size = [], 0
    while size < 50_000_000:
        sentence = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(8, 30))).capitalize() + ". "
        parts.append(sentence)
        size += len(sentence)
    text = "".join(parts).rstrip()
    write_document(documents, "huge", 'id = "huge"\ntitle = "One huge paragraph"\nsource_file = "huge.md"\n', ("huge.md", text.encode() + b"\n"))
    db = tmp_path / "synopsis.db"

    started = time.perf_counter()
    result = synopsis("build", "--db", db, "--documents", documents, timeout=1200)
    seconds = time.perf_counter() - started

    assert result.returncode == 0, result.stderr[-2000:]
    stored = rows(db, "SELECT length(text), substr(text, 1, 200), substr(text, -200) FROM paragraphs WHERE document_id = 'huge'")
    assert len(stored) == 1
    assert stored[0][0] == len(text)
    assert (stored[0][1], stored[0][2]) == (text[:200], text[-200:])
    print(f"50 MB single paragraph built in {seconds:.1f}s")


# ----------------------------------------------------------------------------- killed builds

GENERATED_DOCUMENTS = 12
GENERATED_PARAGRAPHS = 100


@pytest.fixture(scope="module")
def growing_corpus(built_corpus, tmp_path_factory) -> tuple[Path, Path, set[str]]:
    """(documents, previous database, generated ids): the real documents, built, plus a dozen
    generated documents not yet in the database — a build that takes several seconds."""
    documents = tmp_path_factory.mktemp("growing") / "documents"
    shutil.copytree(built_corpus[0], documents)
    ids = generate_documents(documents, count=GENERATED_DOCUMENTS, paragraphs=GENERATED_PARAGRAPHS, seed=1)
    return documents, built_corpus[1], set(ids)


def own_documents(documents: Path, folder: Path) -> Path:
    """A copy of a shared documents folder, for a test that writes notes (they live beside it)."""
    target = folder / "documents"
    shutil.copytree(documents, target)
    return target


def building_file(db: Path) -> Path:
    return db.with_name(f".{db.name}.building")


BUILD_POINTS = [p for p in POINTS if p != "waiting for the lock"]
"""The points a build announces, in the order it reaches them (see synopsis.testpoints)."""


def start_build(processes: Processes, db: Path, documents: Path, *, pause_at: str | tuple[str, ...] = ()) -> subprocess.Popen:
    """Start ``synopsis build``; it stops at each point of ``pause_at`` until released or signalled."""
    points = (pause_at,) if isinstance(pause_at, str) else pause_at
    return processes.start("build", "--db", db, "--documents", documents, point=";".join(f"{p}:pause" for p in points))


def reach(process: subprocess.Popen, point: str) -> None:
    """Wait until the process has announced ``point`` (and waits there); fail if it ends first."""
    marker = process.point_file
    wait_for(lambda: marker.exists() or process.poll() is not None, timeout=PROCESS_TIMEOUT)
    assert marker.exists(), f"the process ended (exit {process.returncode}) without reaching {point!r}: {Processes.stderr(process)}"
    pid, reached = marker.read_text().split("\n")[:2]
    assert (int(pid), reached) == (process.pid, point)


def release(process: subprocess.Popen) -> None:
    """Let a process paused at a point go on."""
    process.point_file.unlink()


def stop_at(process: subprocess.Popen, point: str, sig: int = signal.SIGKILL, *, group: bool = False) -> set[int]:
    """Wait for the paused build to reach ``point``, then send the signal; returns the build's
    child processes at that point (its ingest workers)."""
    reach(process, point)
    workers = child_pids(process.pid)
    if group:
        os.killpg(process.pid, sig)
    else:
        process.send_signal(sig)
    process.wait(timeout=PROCESS_TIMEOUT)
    return workers


def check_previous_database(db: Path, *, sha: str) -> None:
    """Byte for byte the database it was, answering SQL and served by Datasette."""
    assert file_sha256(db) == sha
    assert integrity(db) == "ok"
    assert rows(db, "SELECT count(*) FROM paragraphs WHERE document_id = ?", RESOLUTION_ID)[0][0] > 50
    assert servable(db)["document_id"] == RESOLUTION_ID


def check_complete_database(db: Path, generated: set[str]) -> None:
    """A whole new database: every generated document in it, intact, servable."""
    assert integrity(db) == "ok"
    assert generated <= document_ids(db)
    assert servable(db)["document_id"] == RESOLUTION_ID


def check_no_process_left(pids: set[int]) -> None:
    left = wait_for(lambda: not any(alive(pid) for pid in pids), timeout=PROCESS_TIMEOUT, step=0.1)
    assert left, f"processes of the killed build still running: {[p for p in pids if alive(p)]}"


def test_builds_killed_at_every_point_leave_the_previous_database_and_the_next_build_succeeds(growing_corpus, processes, tmp_path):
    """A build is killed (SIGKILL, the build process alone) at each point it announces, each
    one starting over the leftovers of the one before. Before the rename the old database
    stands byte for byte; after it, the complete new one. Then a build runs to the end."""
    documents, previous, generated = growing_corpus
    db = tmp_path / "synopsis.db"
    shutil.copyfile(previous, db)
    sha = file_sha256(db)
    for point in BUILD_POINTS:
        process = start_build(processes, db, documents, pause_at=point)
        workers = stop_at(process, point)
        assert process.returncode == -signal.SIGKILL
        if point == "workers running":
            assert workers, "no ingest worker was running at 'workers running'"
        if point == "after rename":
            check_complete_database(db, generated)
            shutil.copyfile(previous, db)  # the next build starts from the old database again
        else:
            check_previous_database(db, sha=sha)
        check_no_process_left(workers)

    finished = synopsis("build", "--db", db, "--documents", documents)

    assert finished.returncode == 0, finished.stderr
    assert generated <= document_ids(db)
    assert integrity(db) == "ok"
    assert not building_file(db).exists()
    served = subprocess.run(
        [*DATASETTE, "serve", db, "--get", f"/{db.stem}/documents.json?_shape=array&_col=id&_size=max"],
        capture_output=True, text=True, timeout=PROCESS_TIMEOUT,
    )
    assert served.returncode == 0, served.stderr
    assert generated <= {row["id"] for row in json.loads(served.stdout)}


def test_a_killed_build_leaves_no_lock_behind_and_nothing_for_git_status(built_corpus, processes, tmp_path):
    """The database in a git checkout with the project's .gitignore: a build killed while it
    holds the lock leaves nothing ``git status`` shows, and the next build takes the lock at once."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    shutil.copyfile(REPO / ".gitignore", checkout / ".gitignore")
    db = checkout / "synopsis.db"
    shutil.copyfile(built_corpus[1], db)
    git = ["git", "-C", str(checkout), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-f", ".gitignore", "synopsis.db"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "built"], check=True)

    process = start_build(processes, db, built_corpus[0], pause_at="rows written")
    stop_at(process, "rows written")

    assert process.returncode == -signal.SIGKILL
    assert subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True, check=True).stdout == ""
    again = synopsis("build", "--db", db, "--documents", built_corpus[0])  # waits for no lock: it would fail at once
    assert again.returncode == 0, again.stderr
    assert subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True, check=True).stdout == " M synopsis.db\n"


def test_a_killed_builds_leftovers_do_not_undo_a_later_note(growing_corpus, processes, tmp_path):
    """SIGKILL while the new file is written leaves it and its rollback journal behind; a note
    added afterwards, then a build, must keep the note (a stale journal must never be applied)."""
    documents, previous, generated = growing_corpus
    documents = own_documents(documents, tmp_path)  # its notes file is its own
    db = tmp_path / "synopsis.db"
    shutil.copyfile(previous, db)
    process = start_build(processes, db, documents, pause_at="rows written")
    stop_at(process, "rows written")
    journal = building_file(db).with_name(building_file(db).name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0

    long_note = "Written after a killed build, long enough to grow the file. " * 1500
    added = synopsis("note", f"{RESOLUTION_ID}:1.1", long_note, "--db", db, "--documents", documents)
    assert added.returncode == 0, added.stderr
    finished = synopsis("build", "--db", db, "--documents", documents)

    assert finished.returncode == 0, finished.stderr
    assert integrity(db) == "ok"
    assert rows(db, "SELECT note, orphaned FROM annotations") == [(long_note, 0)]
    assert generated <= document_ids(db)


@pytest.mark.parametrize(
    ("sig", "group", "point"),
    [
        (signal.SIGINT, True, "workers running"),  # Ctrl-C: the whole process group
        (signal.SIGINT, False, "rows written"),
        (signal.SIGTERM, False, "workers running"),  # kill PID
        (signal.SIGTERM, True, "rows written"),  # kill -TERM -PGID
        (signal.SIGTERM, False, "before rename"),
    ],
    ids=["SIGINT-group-workers", "SIGINT-rows", "SIGTERM-workers", "SIGTERM-group-rows", "SIGTERM-before-rename"],
)
def test_sigint_and_sigterm_stop_a_build_in_one_line(growing_corpus, processes, tmp_path, sig, group, point):
    documents, previous, _generated = growing_corpus
    db = tmp_path / "synopsis.db"
    shutil.copyfile(previous, db)
    sha = file_sha256(db)
    process = start_build(processes, db, documents, pause_at=point)

    workers = stop_at(process, point, sig, group=group)

    stderr = Processes.stderr(process)
    assert process.returncode not in (0, None)
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines() == ["synopsis: interrupted"], stderr
    check_previous_database(db, sha=sha)
    check_no_process_left(workers)
    assert not building_file(db).exists()


def group_left(pgid: int) -> list[int]:
    """Processes of process group ``pgid`` still running (zombies count as gone)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def test_ctrl_c_reaches_a_build_even_when_the_tests_run_as_a_background_job(growing_corpus, processes, tmp_path):
    """The cause of the 300 s hang, reproduced: the test process itself ignoring SIGINT, as a
    shell's background job does. Its builds still start with Ctrl-C as a terminal gives it
    (checked in /proc before the signal is sent, so a regression fails here at once instead of
    waiting out the timeout), and Ctrl-C at "workers running" stops the build in one line."""
    documents, previous, _generated = growing_corpus
    db = tmp_path / "synopsis.db"
    shutil.copyfile(previous, db)
    sha = file_sha256(db)
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        process = start_build(processes, db, documents, pause_at="workers running")
    finally:
        signal.signal(signal.SIGINT, before)
    reach(process, "workers running")
    assert not ignores(process.pid, signal.SIGINT), "the build was started with Ctrl-C ignored: it would never stop"

    workers = stop_at(process, "workers running", signal.SIGINT, group=True)

    assert Processes.stderr(process).strip().splitlines() == ["synopsis: interrupted"]
    check_previous_database(db, sha=sha)
    check_no_process_left(workers)


def test_ctrl_c_while_the_command_line_starts_is_one_line(processes):
    """Importing click, rich and the commands takes a second or so under load: a Ctrl-C then
    (the point sends it, before the command line is imported) ends in one line, no traceback."""
    process = processes.start("--version", point="starting:int")

    process.wait(timeout=PROCESS_TIMEOUT)

    assert process.returncode == 130
    assert Processes.stderr(process).splitlines() == ["synopsis: interrupted"]


@pytest.mark.parametrize("action", ["int", "term"])
def test_a_signal_while_the_workers_are_forked_stops_the_build_in_one_line(growing_corpus, processes, tmp_path, action):
    """Ctrl-C or SIGTERM as the first ingest worker has just been forked, the next not yet
    (the point sends the signal itself: no clock). The build process holds both signals while
    it forks, then raises the one it got: every worker started is killed and reaped by the
    build itself, the previous database stands, one line is printed, and nothing of the
    build's process group is left."""
    documents, previous, _generated = growing_corpus
    db = tmp_path / "synopsis.db"
    shutil.copyfile(previous, db)
    sha = file_sha256(db)
    process = processes.start("build", "--db", db, "--documents", documents, point=f"worker started:{action}")

    process.wait(timeout=PROCESS_TIMEOUT)

    stderr = Processes.stderr(process)
    assert process.returncode not in (0, None)
    assert stderr.strip().splitlines() == ["synopsis: interrupted"], stderr
    check_previous_database(db, sha=sha)
    assert not building_file(db).exists()
    assert wait_for(lambda: not group_left(process.pid), timeout=PROCESS_TIMEOUT, step=0.1), group_left(process.pid)


KILLED_WRITER = """
import os, signal, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA cache_size=1")  # spill changed pages into the file before the commit
conn.execute("BEGIN")
conn.execute("UPDATE paragraphs SET text = upper(text)")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_writer_killed_mid_write_is_rolled_back_before_the_next_build_copies_the_file(built_corpus, tmp_path):
    """``synopsis note`` writes in place; killed mid-write it leaves a half-written file and a
    hot journal. The next build must copy the rolled-back database, not the half-written one."""
    db = tmp_path / "synopsis.db"
    shutil.copyfile(built_corpus[1], db)
    before = rows(db, "SELECT id, text FROM paragraphs ORDER BY id")
    writer = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(db)], capture_output=True, timeout=120)
    assert writer.returncode == -signal.SIGKILL
    assert db.with_name(db.name + "-journal").exists()
    assert file_sha256(db) != file_sha256(built_corpus[1]), "the writer left nothing half-written to recover from"

    finished = synopsis("build", "--db", db, "--documents", built_corpus[0])

    assert finished.returncode == 0, finished.stderr
    assert integrity(db) == "ok"
    assert rows(db, "SELECT id, text FROM paragraphs ORDER BY id") == before


# ----------------------------------------------------------------------------- serving

HOSTILE_MARKUP = ("<script>alert('x')</script>", "<img src=x onerror=alert(2)>", "<b onmouseover=alert(3)>")
HOSTILE_ID = "hostile-text"


def add_hostile_document(documents: Path) -> None:
    """A document with markup in its source text and in every metadata field shown on a page."""
    s, img, b = HOSTILE_MARKUP
    write_document(
        documents, HOSTILE_ID,
        f'id = "{HOSTILE_ID}"\ntitle = "Hostile {s} title"\nauthor = "Author {img}"\ndate = "1956-07-01"\n'
        f'publisher = "Publisher {b}x</b>"\ndescription = "Description {s}"\nrights = "Rights {img}"\n'
        'source_file = "text.md"\n',
        ("text.md", (
            f"# Heading {s}\n\n"
            f"The first paragraph speaks of the cult of the individual {s} and of its consequences for the party.\n\n"
            f"The second paragraph quotes \u201call power to the soviets {img}\u201d, as Lenin said {b}bold</b>.\n\n"
            "The third paragraph is plain, and closes the document.\n"
        ).encode()),
    )


def server_url(processes: Processes, db: Path, documents: Path, *extra: str) -> str:
    """Start ``synopsis serve`` (a real process) and wait until it answers; returns its base URL."""
    port = free_port()
    process = processes.start("serve", "--db", db, "--documents", documents, "--port", str(port), "--no-build", *extra)
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if process.poll() is not None:
            pytest.fail(f"synopsis serve exited with {process.returncode}: {Processes.stderr(process)}")
        try:
            return http_get(f"{url}/-/databases.json", timeout=5)[0] == 200
        except OSError:
            return False

    assert wait_for(up, timeout=PROCESS_TIMEOUT, step=0.2), Processes.stderr(process)
    process.port = port
    return url


@pytest.fixture(scope="module")
def served_corpus(built_corpus, tmp_path_factory) -> Iterator[tuple[str, Path, int]]:
    """(base URL, database, port): the real documents plus one full of markup, built, with a
    note full of markup, served by a real ``synopsis serve`` process."""
    folder = tmp_path_factory.mktemp("served")
    documents = folder / "documents"
    shutil.copytree(built_corpus[0], documents)
    add_hostile_document(documents)
    db = folder / "synopsis.db"
    shutil.copyfile(built_corpus[1], db)
    built = synopsis("build", "--db", db, "--documents", documents)
    assert built.returncode == 0, built.stderr
    first = rows(db, "SELECT ref FROM paragraphs WHERE document_id = ? AND text LIKE 'The first paragraph%'", HOSTILE_ID)[0][0]
    noted = synopsis("note", first, f"A note {HOSTILE_MARKUP[0]}", "--tag", f"tag{HOSTILE_MARKUP[1]}",
                     "--author", f"Reader {HOSTILE_MARKUP[2]}", "--db", db, "--documents", documents)
    assert noted.returncode == 0, noted.stderr
    started = Processes(folder)
    try:
        url = server_url(started, db, documents)
        yield url, db, started.started[0].port
    finally:
        started.close()


def listening_addresses(port: int) -> set[str]:
    """Local IPv4/IPv6 addresses with a socket listening on ``port`` (from /proc/net)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                if len(address) == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]))
                else:
                    words = bytes.fromhex(address)
                    found.add(socket.inet_ntop(socket.AF_INET6, b"".join(words[i : i + 4][::-1] for i in range(0, 16, 4))))
    return found


def other_local_address() -> str | None:
    """An address of this machine other than loopback, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def test_serve_listens_on_loopback_only(served_corpus):
    _url, _db, port = served_corpus
    assert listening_addresses(port) == {"127.0.0.1"}
    other = other_local_address()
    if other is not None:
        with socket.socket() as sock, pytest.raises(OSError):
            sock.settimeout(3)
            sock.connect((other, port))


def test_serve_runs_with_the_sql_time_limit_and_stops_a_runaway_query(served_corpus):
    url, _db, _port = served_corpus
    status, body = http_get(f"{url}/-/settings.json")
    assert status == 200 and json.loads(body)["sql_time_limit_ms"] > 0
    runaway = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c"
    status, body = http_get(f"{url}/synopsis.json?" + urllib.parse.urlencode({"sql": runaway}), timeout=PROCESS_TIMEOUT)
    assert status >= 400
    assert "too long" in body.lower() or "time limit" in body.lower(), body[:500]


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM paragraphs",
        "UPDATE paragraphs SET text = 'x'",
        "DROP TABLE annotations",
        "INSERT INTO annotations (target_table, note, created_at, orphaned) VALUES ('paragraphs', 'x', 'now', 0)",
        "WITH gone AS (SELECT 1) DELETE FROM paragraphs",
        "SELECT 1; DELETE FROM paragraphs",
        "PRAGMA journal_mode = WAL",
        "ATTACH DATABASE '/tmp/elsewhere.db' AS elsewhere",
        "VACUUM",
    ],
)
def test_serve_refuses_writes(served_corpus, sql):
    url, db, _port = served_corpus
    before = file_sha256(db)
    status, body = http_get(f"{url}/synopsis.json?" + urllib.parse.urlencode({"sql": sql}))
    answer = json.loads(body) if body.startswith("{") else {}
    assert status >= 400 or answer.get("ok") is False, body[:300]
    assert file_sha256(db) == before
    assert not Path("/tmp/elsewhere.db").exists() or "ATTACH" not in sql


def test_markup_in_documents_and_notes_never_reaches_a_page_unescaped(served_corpus):
    url, db, _port = served_corpus
    paragraph_id, first = rows(db, "SELECT id, ref FROM paragraphs WHERE document_id = ? AND text LIKE '%first paragraph%'", HOSTILE_ID)[0]
    quotation = rows(db, "SELECT id, ref FROM quotations WHERE document_id = ?", HOSTILE_ID)
    pages = [
        "/", "/synopsis", "/synopsis/documents", f"/synopsis/documents/{HOSTILE_ID}",
        f"/synopsis/paragraphs?document_id={HOSTILE_ID}", f"/synopsis/paragraphs/{paragraph_id}",
        "/synopsis/paragraphs?_search=alert", "/synopsis/sections", "/synopsis/sentences?document_id=" + HOSTILE_ID,
        "/synopsis/annotations", "/search?q=alert", "/search?q=soviets",
        f"/compare?a={HOSTILE_ID}&b={RESOLUTION_ID}", f"/-/cite/{first}",
        "/synopsis?sql=" + urllib.parse.quote(f"select title, author, description from documents where id = '{HOSTILE_ID}'"),
    ]
    if quotation:
        pages += ["/synopsis/quotations", f"/synopsis/quotations/{quotation[0][0]}"]
    shown = 0
    for page in pages:
        status, body = http_get(url + page)
        assert status == 200, (page, status, body[:300])
        for markup in HOSTILE_MARKUP:
            assert markup not in body, (page, markup)
        shown += body.count("&lt;script&gt;alert(") + body.count("&lt;script&gt;alert(&#39;x&#39;)")
    assert shown > len(pages), "the hostile text was not shown at all: the test proves nothing"


def test_serve_keeps_answering_during_a_build_and_then_shows_the_new_documents(growing_corpus, processes, tmp_path):
    documents, previous, generated = growing_corpus
    db = tmp_path / "synopsis.db"
    shutil.copyfile(previous, db)
    url = server_url(processes, db, documents)
    pages = ["/synopsis/paragraphs.json?_size=5&_shape=array", "/synopsis/documents", "/search?q=party", "/"]

    statuses = []
    build = start_build(processes, db, documents, pause_at=("rows written", "before rename"))
    for point in ("rows written", "before rename"):  # the new file half written, then complete beside the old
        reach(build, point)
        for page in pages * 3:
            status, body = http_get(url + page)
            statuses.append((status, page, body[:200] if status != 200 else ""))
        release(build)
    build.wait(timeout=PROCESS_TIMEOUT)

    assert build.returncode == 0, Processes.stderr(build)
    assert [s for s in statuses if s[0] != 200] == []

    def shown() -> set[str]:
        status, body = http_get(f"{url}/synopsis/documents.json?_shape=array&_col=id&_size=max")
        return {row["id"] for row in json.loads(body)} if status == 200 else set()

    assert wait_for(lambda: generated <= shown(), timeout=PROCESS_TIMEOUT, step=0.25), "the new documents never appeared"
    new_id = sorted(generated)[0]
    status, body = http_get(f"{url}/synopsis/paragraphs.json?_shape=array&document_id={new_id}&_size=1")
    assert status == 200 and json.loads(body)[0]["document_id"] == new_id


# ----------------------------------------------------------------------------- notes and builds


def test_a_note_written_during_a_build_waits_for_it_and_is_kept(growing_corpus, processes, tmp_path):
    documents, previous, generated = growing_corpus
    documents = own_documents(documents, tmp_path)  # its notes file is its own
    db = tmp_path / "synopsis.db"
    shutil.copyfile(previous, db)
    build = start_build(processes, db, documents, pause_at="rows written")
    reach(build, "rows written")

    second = synopsis("build", "--db", db, "--documents", documents)
    noting = processes.start("note", f"{RESOLUTION_ID}:1.1", "Written while a build ran", "--db", db, "--documents", documents, point="waiting for the lock:mark")
    reach(noting, "waiting for the lock")
    release(build)
    build.wait(timeout=PROCESS_TIMEOUT)
    noting.wait(timeout=PROCESS_TIMEOUT)

    assert build.returncode == 0, Processes.stderr(build)
    check_one_line_error(second, names=db, problem="another build or note is writing this database")
    assert noting.returncode == 0, Processes.stderr(noting)
    assert generated <= document_ids(db)  # the note went into the new file, after the build
    assert rows(db, "SELECT note, target_ref, orphaned FROM annotations") == [("Written while a build ran", f"{RESOLUTION_ID}:1.1", 0)]
    listed = synopsis("notes", "--db", db, "--documents", documents)
    assert "Written while a build ran" in listed.stdout


@pytest.fixture
def linked_corpus(tmp_path) -> tuple[Path, Path, list[str]]:
    """(documents, database, the quoting document's paragraphs): two editions of one text
    (``work-a``, and ``work-b`` with one paragraph reworded and one added) and ``quoting-c``,
    whose fourth paragraph quotes a long passage of ``work-a``; built through the CLI."""
    documents = tmp_path / "documents"
    rng = random.Random(7)
    first = pseudo_paragraphs(rng, 12)
    second = first[:5] + [first[5].replace(".", ", as the editors say.", 1), pseudo_paragraphs(rng, 1)[0]] + first[6:]
    quoting = pseudo_paragraphs(rng, 8)
    quoting[3] = f"{quoting[3]} As the text says, \u201c{first[2]}\u201d {quoting[3]}"

    def source(paragraphs: list[str]) -> tuple[str, bytes]:
        return "text.md", ("\n\n".join(paragraphs) + "\n").encode()

    write_document(documents, "work-a", 'id = "work-a"\ntitle = "The work"\nsource_file = "text.md"\n', source(first))
    write_document(documents, "work-b", 'id = "work-b"\ntitle = "The work, revised"\nversion_of = "work-a"\nsource_file = "text.md"\n', source(second))
    write_document(documents, "quoting-c", 'id = "quoting-c"\ntitle = "A reader"\nsource_file = "text.md"\n', source(quoting))
    db = tmp_path / "synopsis.db"
    built = synopsis("build", "--db", db, "--documents", documents)
    assert built.returncode == 0, built.stderr
    return documents, db, quoting


def test_notes_on_links_survive_a_rebuild_and_an_orphaned_one_is_kept(linked_corpus):
    documents, db, quoting = linked_corpus
    (alignment_id, alignment_left), = rows(
        db, "SELECT a.id, p.text FROM alignments a JOIN paragraphs p ON p.id = a.left_paragraph_id "
        "WHERE a.method = 'edition' AND a.pattern = '1-1' AND a.score >= 99 ORDER BY a.id LIMIT 1",  # a confident pair
    )
    (crossref_id, crossref_source, crossref_target), = rows(
        db, "SELECT id, source_text, target_text FROM cross_references WHERE source_document_id = 'quoting-c' "
        "OR target_document_id = 'quoting-c' ORDER BY length(source_text) DESC LIMIT 1",
    )
    for target, text in ((f"alignments:{alignment_id}", "On an alignment"), (f"cross_references:{crossref_id}", "On a cross-reference")):
        added = synopsis("note", target, text, "--tag", "links", "--db", db, "--documents", documents)
        assert added.returncode == 0, added.stderr

    # an unrelated paragraph added to the quoting document: every link is found again
    (documents / "quoting-c" / "text.md").write_text("\n\n".join([*quoting, "A new closing paragraph, unrelated to anything."]) + "\n")
    rebuilt = synopsis("build", "--db", db, "--documents", documents)
    assert rebuilt.returncode == 0, rebuilt.stderr
    notes = {row[0]: row[1:] for row in rows(db, "SELECT note, target_table, target_id, orphaned FROM annotations")}
    assert notes["On an alignment"][2] == 0 and notes["On a cross-reference"][2] == 0
    assert rows(db, "SELECT p.text FROM alignments a JOIN paragraphs p ON p.id = a.left_paragraph_id WHERE a.id = ?",
                notes["On an alignment"][1]) == [(alignment_left,)]
    assert rows(db, "SELECT source_text, target_text FROM cross_references WHERE id = ?",
                notes["On a cross-reference"][1]) == [(crossref_source, crossref_target)]

    # the quotation taken out: the cross-reference is gone, its note is kept and marked orphaned
    (documents / "quoting-c" / "text.md").write_text("\n\n".join(quoting[:3] + quoting[4:]) + "\n")
    rebuilt = synopsis("build", "--db", db, "--documents", documents)
    assert rebuilt.returncode == 0, rebuilt.stderr
    notes = {row[0]: row[1:] for row in rows(db, "SELECT note, target_table, target_id, orphaned FROM annotations")}
    assert notes["On a cross-reference"] == ("cross_references", None, 1)
    assert notes["On an alignment"][2] == 0
    listed = synopsis("notes", "--orphaned", "--db", db, "--documents", documents)
    assert "On a cross-reference" in listed.stdout and "On an alignment" not in listed.stdout
