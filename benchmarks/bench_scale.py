"""Scale benchmark: does Synopsis meet its targets on a large generated corpus?

One command, from the repository root::

    .venv/bin/python benchmarks/bench_scale.py            # the full run (100,000 paragraphs)
    .venv/bin/python benchmarks/bench_scale.py --quick    # a smoke run (10,000 paragraphs)

It prints a report and writes it as JSON to ``benchmarks/out/``. What it measures, each
against the target in :data:`TARGETS`:

build
    ``synopsis build`` of the generated corpus (``benchmarks/generate_corpus.py``, cached in
    ``benchmarks/out/`` by its parameters) into a new database, in a child process: wall
    time, CPU time, per-step times, and peak memory (the sum of the resident memory of the
    build process and all its pool workers, sampled every 0.2 s; the largest single process
    from ``getrusage`` beside it).
cross-references
    recall and precision of the ``cross_references`` table on the passages planted in the
    corpus (``answer.json``). A planted passage is found when a row links its two paragraphs
    with spans overlapping the planted spans (either direction). Precision counts distinct
    passages (a row and its mirror are one) between documents of different works: links
    between editions of one work are genuine shared text, not planted, and are counted apart.
link vs naive
    on a 5,000-paragraph corpus from the same generator: the link step of its build against
    all-pairs ``rapidfuzz.process.cdist`` with ``fuzz.token_set_ratio`` on both cores over
    every pair of its paragraphs. When the naive run would take more than 10 minutes, it is
    timed on a block of rows and extrapolated (the report says so). ``partial_ratio``, the
    scorer that would find a passage inside a paragraph, is extrapolated from a small block.
add one document
    a copy of the built database, a 50-paragraph document added (with a passage borrowed from
    the corpus), ``synopsis build`` again: wall time of the command.
search
    the database served by Datasette exactly as ``synopsis serve`` serves it, in its own
    process on 127.0.0.1 and a free port; a bounded loop of HTTP requests to the canned
    ``search`` query (ranked, with snippets) and to the table search of ``paragraphs``; query
    words drawn from the corpus vocabulary at frequencies spread over the Zipf curve.
real corpus
    ``synopsis build`` of ``documents/`` with nothing changed, as a reader runs it (a new
    Python process each time).

Wall times on a shared machine depend on what else runs: the report prints the load
average before and after each measurement, and CPU time beside wall time for the build.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate_corpus  # noqa: E402

from synopsis.link.token_cache import CACHE_NAME  # noqa: E402

GiB = 1 << 30
TARGETS = {
    "build_seconds": 60.0,
    "build_peak_bytes": 2 * GiB,
    "xref_recall": 0.95,
    "xref_precision": 0.95,
    "link_speedup": 100.0,
    "add_one_seconds": 5.0,
    "search_p95_ms": 50.0,
    "real_rebuild_seconds": 3.0,
}
TARGETS_1M = {  # --shape 1m: a million paragraphs on one machine (issue 24)
    **TARGETS, "build_seconds": 480.0, "build_peak_bytes": 6 * GiB, "xref_recall": 0.97, "xref_precision": 0.99,
}


# ----------------------------------------------------------------------------- machine

def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = int(line.split()[1]) * 1024
    import numpy
    import rapidfuzz

    import synopsis

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_bytes": memory,
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "rapidfuzz": rapidfuzz.__version__, "numpy": numpy.__version__, "platform": platform.platform(),
        "load_average": os.getloadavg(), "code": str(Path(synopsis.__file__).parent), "commit": commit,
    }


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


# ------------------------------------------------------------------ process measurement

def _process_table() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, resident bytes) for every process we can read."""
    page = os.sysconf("SC_PAGE_SIZE")
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read().decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[21]) * page, stat[stat.find("(") + 1 : stat.rfind(")")],
                                  (int(fields[11]) + int(fields[12])) / TICKS)
    return table


TICKS = os.sysconf("SC_CLK_TCK")


def tree_rss_by_kind(root: int, cpu: dict[int, tuple[str, float]] | None = None) -> dict[str, int]:
    """Resident bytes of a process tree, by kind: the root (the build, Spark's driver program), Java
    processes (Spark's JVM: driver and, on a local master, its executors), other descendants (pool or
    Spark Python workers). ``cpu`` collects each process's CPU seconds so far (pid → (kind, seconds)):
    a Spark JVM and its Python workers are not reaped by the build, so ``getrusage`` never sees them."""
    table = _process_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, *_) in table.items():
        children.setdefault(ppid, []).append(pid)
    out = {"root": 0, "java": 0, "workers": 0}
    stack = [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            kind = "root" if pid == root else ("java" if table[pid][2] == "java" else "workers")
            out[kind] += table[pid][1]
            if cpu is not None:
                cpu[pid] = (kind, table[pid][3])
        stack.extend(children.get(pid, []))
    return out


def tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants."""
    table = _process_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, *_) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            total += table[pid][1]
        stack.extend(children.get(pid, []))
    return total


WORK = HERE / "out"
"""Children run here, not in the checkout, so that ``import synopsis`` finds the installed code
(the checkout's own, editable, or the one ``PYTHONPATH`` names), never a ``synopsis/`` in the cwd."""


def run_measured(args: list[str], *, timeout: float, cwd: Path = WORK, env: dict | None = None) -> dict:
    """Run a command; wall time, CPU time of it and its children, peak memory of its tree."""
    start = time.perf_counter()
    cwd.mkdir(parents=True, exist_ok=True)  # a fresh clone has no benchmarks/out/ until a report is written
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    peak = 0
    peaks = {"root": 0, "java": 0, "workers": 0}
    cpu: dict[int, tuple[str, float]] = {}
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            kinds = tree_rss_by_kind(proc.pid, cpu)
            peak = max(peak, sum(kinds.values()))
            for k, v in kinds.items():
                peaks[k] = max(peaks[k], v)
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    timed_out = False
    deadline = start + timeout
    chunks: dict[str, list[str]] = {"out": [], "err": []}
    readers = [threading.Thread(target=lambda s=stream, k=key: chunks[k].append(s.read()), daemon=True)
               for key, stream in (("out", proc.stdout), ("err", proc.stderr))]
    for reader in readers:
        reader.start()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            timed_out = True
            proc.kill()  # the build child; its pool workers exit with it
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    sampler.join()
    for reader in readers:
        reader.join()
    return {
        "wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_tree_bytes": peak, "maxrss_bytes": usage.ru_maxrss * 1024,
        "peak_bytes_by_kind": dict(peaks),
        "cpu_seconds_by_kind": {k: round(sum(c for kind, c in cpu.values() if kind == k), 1) for k in peaks},
        "returncode": proc.returncode, "timed_out": timed_out, "stdout": "".join(chunks["out"]), "stderr": "".join(chunks["err"]),
    }


BUILD_CHILD = """
import json, logging, os, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from synopsis.build import build
if os.environ.get("SYNOPSIS_BENCH_NO_LINK"):  # measure everything but linking (labelled in the report)
    import synopsis.link.stage
    synopsis.link.stage.link_corpus = lambda conn, **kw: synopsis.link.stage.LinkReport()
t1 = time.perf_counter()
if os.environ.get("SYNOPSIS_BENCH_PROGRESS"):  # where a long build says what it is doing, as it does it
    logging.basicConfig(filename=os.environ["SYNOPSIS_BENCH_PROGRESS"], level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
engine = None
if os.environ.get("SYNOPSIS_BENCH_ENGINE") == "spark":
    from synopsis.link.spark import SparkEngine
    engine = SparkEngine(os.environ.get("SYNOPSIS_BENCH_MASTER", "local[2]"), progress=lambda line: print(line, file=sys.stderr, flush=True))
report = build(documents_dir=Path(sys.argv[1]), db_path=Path(sys.argv[2]), link_engine=engine,
               progress=lambda step: logging.getLogger("build").info("%s", step) if os.environ.get("SYNOPSIS_BENCH_PROGRESS") else None)
spark_version = engine.describe()["spark_version"] if engine else None
if engine:
    engine.close()
t2 = time.perf_counter()
own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "import_seconds": t1 - t0, "build_seconds": t2 - t1, "steps": report.seconds, "link_steps": report.link_seconds,
    "link_peak_mib": report.link_peak_mib, "spark_version": spark_version,
    "paragraphs": report.paragraphs, "ingested": len(report.ingested), "links": report.links,
    "cpu_seconds": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
    "maxrss_self_bytes": own.ru_maxrss * 1024, "maxrss_children_bytes": kids.ru_maxrss * 1024,
}, default=str))
"""


def timed_build(documents_dir: Path, db_path: Path, *, timeout: float, link: bool = True) -> dict:
    """``build()`` in a child process, measured from outside and reporting from inside.

    ``link=False`` replaces the link step with a no-op: for measuring what does not depend
    on links (search) when the full build is too slow to finish.
    """
    result = run_measured([sys.executable, "-c", BUILD_CHILD, str(documents_dir), str(db_path)], timeout=timeout,
                          env={"SYNOPSIS_BENCH_NO_LINK": "1"} if not link else None)
    inside = {}
    if result["returncode"] == 0:
        inside = json.loads(result["stdout"].strip().splitlines()[-1])
    elif not result["timed_out"]:
        raise RuntimeError(f"build failed:\n{result['stderr'][-3000:]}")
    return {**{k: v for k, v in result.items() if k not in ("stdout", "stderr")}, **inside}


# ------------------------------------------------------------------------------ corpus

def ensure_corpus(out: Path, *, paragraphs: int, seed: int, per_document: int | None = None,
                  planted: int | None = None) -> tuple[Path, dict, float]:
    """The generated corpus for these parameters, generated only if not cached.

    ``per_document`` makes every document that long (``--shape 1m``: 20 documents of
    50,000 paragraphs); ``planted`` sets the planted passages (default one per 50 paragraphs).
    """
    shape = dict(paragraphs_per_document=per_document, equal_documents=True) if per_document else {}
    if planted is not None:
        shape["planted"] = planted
    folder = out / (f"corpus-{paragraphs}-{seed}" + (f"-{per_document}x-{planted}" if per_document else ""))
    answer_path = folder / "answer.json"
    version = hashlib.sha256(Path(generate_corpus.__file__).read_bytes()).hexdigest()[:16]
    if answer_path.exists() and (folder / "generator.txt").exists() and (folder / "generator.txt").read_text() == version:
        answer = json.loads(answer_path.read_text())
        if answer["parameters"]["paragraphs"] == paragraphs and answer["parameters"]["seed"] == seed:
            return folder, answer, 0.0
    start = time.perf_counter()
    generate_corpus.generate(folder, paragraphs=paragraphs, seed=seed, **shape)
    (folder / "generator.txt").write_text(version)
    return folder, json.loads(answer_path.read_text()), time.perf_counter() - start


# ---------------------------------------------------------------- cross-reference quality

def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return min(a[1], b[1]) > max(a[0], b[0])


def xref_quality(db_path: Path, answer: dict) -> dict:
    """Recall and precision of ``cross_references`` on the planted passages."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        paragraphs = {(d, o): (pid, text) for pid, d, o, text in conn.execute("SELECT id, document_id, ordinal, text FROM paragraphs")}
        version_of = dict(conn.execute("SELECT id, version_of FROM documents"))
        rows = conn.execute(
            "SELECT source_paragraph_id, target_paragraph_id, source_start, source_end, target_start, target_end, "
            "source_document_id, target_document_id FROM cross_references"
        ).fetchall()
    finally:
        conn.close()

    def root(doc: str) -> str:
        seen = set()
        while version_of.get(doc) and doc not in seen:
            seen.add(doc)
            doc = version_of[doc]
        return doc

    planted: dict[tuple[int, int], list[tuple[tuple[int, int], tuple[int, int], int]]] = {}
    misplaced = 0
    for rec in answer["planted"]:
        sides = []
        for side in ("source", "target"):
            pid, text = paragraphs.get((rec[f"{side}_document"], rec[f"{side}_ordinal"]), (None, ""))
            span = (rec[f"{side}_start"], rec[f"{side}_end"])
            if pid is None or text[span[0] : span[1]] != rec[f"{side}_text"]:
                misplaced += 1  # the pipeline changed the paragraph: find the passage in the document
                hits = [(p, t) for (d, _), (p, t) in paragraphs.items() if d == rec[f"{side}_document"] and rec[f"{side}_text"] in t]
                if not hits:
                    break
                pid, text = hits[0]
                s = text.index(rec[f"{side}_text"])
                span = (s, s + len(rec[f"{side}_text"]))
            sides.append((pid, span))
        if len(sides) == 2:
            (sp, ss), (tp, ts) = sides
            planted.setdefault((sp, tp), []).append((ss, ts, rec["id"]))
            planted.setdefault((tp, sp), []).append((ts, ss, rec["id"]))

    found_ids: set[int] = set()
    passages: dict[tuple, bool] = {}  # one key per passage, mirror rows folded
    family_rows = 0
    for sp, tp, s0, s1, t0, t1, sd, td in rows:
        if root(sd) == root(td):
            family_rows += 1
            continue
        key = tuple(sorted(((sp, s0, s1), (tp, t0, t1))))
        hit = False
        for ps, pt, pid in planted.get((sp, tp), []):
            if _overlaps((s0, s1), ps) and _overlaps((t0, t1), pt):
                found_ids.add(pid)
                hit = True
        passages[key] = passages.get(key, False) or hit
    total = len(answer["planted"])
    linked = len(passages)
    correct = sum(passages.values())
    return {
        "planted": total, "found": len(found_ids), "recall": len(found_ids) / total if total else 0.0,
        "passages_linked": linked, "passages_correct": correct,
        "precision": correct / linked if linked else 0.0,
        "edition_family_rows": family_rows, "answer_spans_relocated": misplaced,
    }


# ------------------------------------------------------------------------- naive vs link

def naive_vs_link(out: Path, *, paragraphs: int, seed: int, budget_seconds: float = 600.0) -> dict:
    """The link step on a small corpus against all-pairs rapidfuzz over the same paragraphs."""
    from rapidfuzz import fuzz, process

    folder, _, _ = ensure_corpus(out, paragraphs=paragraphs, seed=seed)
    db = folder / "synopsis.db"
    db.unlink(missing_ok=True)
    build = timed_build(folder / "documents", db, timeout=3600)
    link_seconds = build["steps"]["link"]
    conn = sqlite3.connect(db)
    texts = [row[0] for row in conn.execute("SELECT text FROM paragraphs ORDER BY id")]
    conn.close()
    n = len(texts)
    pairs = n * (n - 1) // 2
    workers = os.cpu_count() or 1

    def upper_triangle(rows: range, scorer) -> tuple[float, int]:
        start, done = time.perf_counter(), 0
        for i in rows:
            if i + 1 < n:
                process.cdist(texts[i : i + 1], texts[i + 1 :], scorer=scorer, workers=workers)
                done += n - i - 1
        return time.perf_counter() - start, done

    # probe: rows spread over the triangle, to project the whole
    probe_rows = range(0, n, max(1, n // 40))
    probe_seconds, probe_pairs = upper_triangle(probe_rows, fuzz.token_set_ratio)
    projected = probe_seconds / probe_pairs * pairs
    if projected <= budget_seconds:
        naive_seconds, _ = upper_triangle(range(n), fuzz.token_set_ratio)
        extrapolated = False
    else:
        naive_seconds, extrapolated = projected, True
    partial_probe = texts[:3]
    start = time.perf_counter()
    process.cdist(partial_probe, texts[:200], scorer=fuzz.partial_ratio, workers=workers)
    partial_seconds = (time.perf_counter() - start) / (len(partial_probe) * 200) * pairs
    return {
        "paragraphs": n, "pairs": pairs, "link_seconds": link_seconds, "build_steps": build["steps"],
        "naive_scorer": "token_set_ratio", "naive_seconds": naive_seconds, "naive_extrapolated": extrapolated,
        "naive_probe_pairs": probe_pairs, "speedup": naive_seconds / link_seconds if link_seconds else float("inf"),
        "partial_ratio_seconds_extrapolated": partial_seconds,
        "partial_ratio_speedup": partial_seconds / link_seconds if link_seconds else float("inf"),
    }


# ----------------------------------------------------------------------- add one document

def add_one(folder: Path, db: Path, *, runs: int, timeout: float, link: bool = True) -> dict:
    """Add a document to a built corpus and rebuild; the database copy is fresh for each run.

    ``link=False`` (a database built without links) times everything but the link step.
    """
    documents = folder / "documents"
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    borrow = conn.execute("SELECT text FROM paragraphs ORDER BY id LIMIT 1 OFFSET 1000").fetchone()[0]
    conn.close()
    added = documents / "gen-added"
    work = folder / "add-one.db"
    times, details = [], []
    try:
        generate_corpus.generate_document(added, doc_id="gen-added", paragraphs=50, borrow=borrow)
        for _ in range(runs):
            shutil.copyfile(db, work)
            before = load()
            if link:
                result = run_measured(
                    [sys.executable, "-m", "synopsis", "build", "--db", str(work), "--documents", str(documents)], timeout=timeout
                )
            else:
                result = timed_build(documents, work, timeout=timeout, link=False)
                result.setdefault("returncode", 0)
            if result["returncode"] != 0 and not result["timed_out"]:
                raise RuntimeError(f"rebuild failed:\n{result['stderr'][-3000:]}")
            inside = result.get("steps") if not link else timed_steps(work, documents)
            times.append(result["wall"])
            details.append({"wall": result["wall"], "cpu": result["cpu"], "timed_out": result["timed_out"], "load": [before, load()], "steps": inside})
    finally:
        shutil.rmtree(added, ignore_errors=True)
        work.unlink(missing_ok=True)
    return {"runs": runs, "median_seconds": statistics.median(times), "seconds": times, "details": details, "link": link}


def timed_steps(db: Path, documents: Path) -> dict:
    """Per-step seconds of one more (no-op) rebuild, to show where an unchanged rebuild spends time."""
    result = timed_build(documents, db, timeout=600)
    return {"wall": result["wall"], "steps": result.get("steps", {})}


# --------------------------------------------------------------------------------- search

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def search_queries(*, seed: int, count: int) -> list[str]:
    """Words spread over the frequency curve: log-uniform ranks of content words; some pairs and prefixes."""
    words = generate_corpus.vocabulary(seed=seed)
    first = len(generate_corpus.FUNCTION_WORDS)
    rng = random.Random(seed + 1)
    queries = []
    for _ in range(count):
        rank = lambda: min(len(words) - 1, first + int(10 ** rng.uniform(0, 4.7)))  # noqa: E731
        kind = rng.random()
        if kind < 0.7:
            queries.append(words[rank()])
        elif kind < 0.9:
            queries.append(f"{words[rank()]} {words[rank()]}")
        else:
            queries.append(words[rank()][:4] + "*")
    return queries


def search_latency(db: Path, *, seed: int, count: int, deadline_seconds: float = 300.0) -> dict:
    """p50/p95 of Datasette search over HTTP on 127.0.0.1 (a bounded loop)."""
    from synopsis.serve import datasette_args

    port = free_port()
    metadata = ROOT / "datasette-metadata.json"
    args = [sys.executable, "-m", "datasette", *datasette_args(db, host="127.0.0.1", port=port, metadata=metadata)]
    WORK.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(args, cwd=WORK, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    name = db.stem
    try:
        up = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > up or server.poll() is not None:
                    raise RuntimeError(f"datasette did not start: {server.stderr.read()[-2000:] if server.poll() is not None else 'timeout'}")
                time.sleep(0.2)
        queries = search_queries(seed=seed, count=count)
        endpoints = {
            "canned search (ranked, snippets)": lambda q: f"{base}/{name}/search.json?_shape=array&q={urllib.parse.quote(q)}",
            "paragraphs table search (with facets)": lambda q: f"{base}/{name}/paragraphs.json?_shape=objects&_search={urllib.parse.quote(q)}",
            "reader's /search page (HTML)": lambda q: f"{base}/search?q={urllib.parse.quote(q)}",
        }
        results = {}
        stop_at = time.monotonic() + deadline_seconds
        for label, url in endpoints.items():
            for q in queries[:10]:  # warm-up: open files, page cache
                urllib.request.urlopen(url(q), timeout=30).read()
            times, hits, errors = [], [], 0
            for q in queries:
                if time.monotonic() > stop_at:
                    break
                start = time.perf_counter()
                try:
                    body = urllib.request.urlopen(url(q), timeout=30).read()
                except OSError:
                    errors += 1
                    continue
                times.append((time.perf_counter() - start) * 1000)
                if body[:1] in (b"[", b"{"):
                    data = json.loads(body)
                    hits.append(len(data) if isinstance(data, list) else len(data.get("rows", [])))
            times.sort()
            results[label] = {
                "queries": len(times), "errors": errors,
                "p50_ms": statistics.median(times), "p95_ms": times[max(0, int(round(0.95 * len(times))) - 1)],
                "max_ms": times[-1], "median_hits": statistics.median(hits) if hits else None,
            }
        return {"port": port, "endpoints": results, "example_queries": queries[:8]}
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


# ---------------------------------------------------------------------------- real corpus

def real_rebuild(out: Path, *, runs: int) -> dict:
    db = out / "real" / "synopsis.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    db.unlink(missing_ok=True)
    command = [sys.executable, "-m", "synopsis", "build", "--db", str(db), "--documents", str(ROOT / "documents")]
    first = run_measured(command, timeout=600)
    if first["returncode"] != 0:
        raise RuntimeError(f"build of the real corpus failed:\n{first['stderr'][-3000:]}")
    times, cpu, loads = [], [], []
    for _ in range(runs):
        before = load()
        result = run_measured(command, timeout=600)
        times.append(result["wall"])
        cpu.append(result["cpu"])
        loads.append([before, load()])
    steps = timed_steps(db, ROOT / "documents")
    return {"first_build_seconds": first["wall"], "runs": runs, "median_seconds": statistics.median(times), "seconds": times,
            "median_cpu_seconds": statistics.median(cpu), "cpu_seconds": cpu, "load": loads, "in_process": steps}


# --------------------------------------------------------------------------------- report

def verdict(value: float | None, target: float, *, at_least: bool = False) -> str:
    if value is None:
        return "not measured"
    return "met" if (value >= target if at_least else value <= target) else "NOT MET"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure Synopsis against its scale targets and print a report.")
    parser.add_argument("--quick", action="store_true", help="smoke run: 10,000 paragraphs, fewer repetitions")
    parser.add_argument("--paragraphs", type=int, default=None, help="corpus size (default 100,000; 10,000 with --quick)")
    parser.add_argument("--seed", type=int, default=1956)
    parser.add_argument("--runs", type=int, default=None, help="builds of the big corpus (default 1); other steps repeat more")
    parser.add_argument("--build-timeout", type=float, default=1800.0, help="seconds before a build is stopped and reported as too slow")
    parser.add_argument("--only", default="", help="comma-separated parts: build,xref,naive,add,search,real")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--shape", choices=["default", "1m"], default="default",
                        help="1m: 20 documents of 50,000 paragraphs, 1,000 planted reuses (the one-machine memory target)")
    parser.add_argument("--engine", choices=["local", "spark"], default="local", help="the link stage's engine for the build")
    parser.add_argument("--master", default="local[2]", help="with --engine spark: the Spark master")
    args = parser.parse_args(argv)
    if args.shape == "1m":
        args.paragraphs = args.paragraphs or 1_000_000
    paragraphs = args.paragraphs or (10_000 if args.quick else 100_000)
    shape = dict(per_document=50_000, planted=1_000) if args.shape == "1m" else {}
    if args.engine == "spark":
        os.environ["SYNOPSIS_BENCH_ENGINE"] = "spark"
        os.environ["SYNOPSIS_BENCH_MASTER"] = args.master
    runs = args.runs or 1
    sample = 2_000 if args.quick else 5_000
    parts = set(args.only.split(",")) if args.only else {"build", "xref", "naive", "add", "search", "real"}
    args.out.mkdir(parents=True, exist_ok=True)

    report: dict = {"started": dt.datetime.now().isoformat(timespec="seconds"),
                    "mode": ("quick" if args.quick else "full") + ("-1m" if args.shape == "1m" else "") + ("-spark" if args.engine == "spark" else ""),
                    "engine": args.engine, "master": args.master if args.engine == "spark" else None,
                    "machine": machine(), "targets": TARGETS_1M if args.shape == "1m" else TARGETS, "results": {}}
    results = report["results"]
    m = report["machine"]
    print(f"Synopsis scale benchmark ({report['mode']}, {paragraphs:,} paragraphs, seed {args.seed})")
    print(f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_bytes'] / GiB:.1f} GiB, Python {m['python']}, "
          f"SQLite {m['sqlite']}, rapidfuzz {m['rapidfuzz']}; load average {load()}")
    print(f"code: {m['code']} (checkout at commit {m['commit']})")

    folder, answer, gen_seconds = ensure_corpus(args.out, paragraphs=paragraphs, seed=args.seed, **shape)
    results["corpus"] = {"folder": str(folder), "documents": answer["documents"], "paragraphs": answer["paragraphs"],
                         "words": answer["words"], "planted": len(answer["planted"]), "editions": len(answer["editions"]),
                         "generated_seconds": gen_seconds}
    print(f"corpus: {answer['documents']:,} documents ({len(answer['editions'])} editions), {answer['paragraphs']:,} paragraphs, "
          f"{answer['words']:,} words, {len(answer['planted'])} planted passages"
          + (f" (generated in {gen_seconds:.0f} s)" if gen_seconds else " (cached)"), flush=True)
    db = folder / "synopsis.db"

    if "build" in parts:
        builds = []
        for k in range(runs):
            db.unlink(missing_ok=True)
            (folder / CACHE_NAME).unlink(missing_ok=True)  # a cold build: no token cache from an earlier one
            before = load()
            b = timed_build(folder / "documents", db, timeout=args.build_timeout)
            b["load"] = [before, load()]
            builds.append(b)
            print(f"  build {k + 1}/{runs}: {b['wall']:.1f} s wall" + (" (TIMED OUT)" if b["timed_out"] else
                  f", {b['cpu_seconds']:.1f} s CPU, peak {b['peak_tree_bytes'] / GiB:.2f} GiB (by process: " +
                  ", ".join(f"{k} {v / GiB:.2f}" for k, v in b['peak_bytes_by_kind'].items()) +
                  "; CPU seconds seen by process: " + ", ".join(f"{k} {v}" for k, v in b['cpu_seconds_by_kind'].items()) +
                  f"), steps {b['steps']}, link steps {b.get('link_steps')}, link peak MiB {b.get('link_peak_mib')}") +
                  f", load {before} → {load()}", flush=True)
            if b["timed_out"]:
                db.unlink(missing_ok=True)
                break
        results["build"] = {"runs": len(builds), "median_seconds": statistics.median(b["wall"] for b in builds),
                            "peak_tree_bytes": max(b["peak_tree_bytes"] for b in builds), "builds": builds}
    linked = db.exists()
    if not linked and parts & {"search", "add"} and "build" not in parts and (folder / "nolink" / "synopsis.db").exists():
        db = folder / "nolink" / "synopsis.db"  # from an earlier run whose full build did not finish
    elif not linked and parts & {"search", "add"}:
        db = folder / "nolink" / "synopsis.db"
        db.parent.mkdir(exist_ok=True)
        db.unlink(missing_ok=True)
        b = timed_build(folder / "documents", db, timeout=args.build_timeout, link=False)
        results["build_without_links"] = b
        print(f"  the full build did not finish: built without the link step for search, {b['wall']:.1f} s wall, "
              f"{b.get('cpu_seconds', 0):.1f} s CPU, peak {b['peak_tree_bytes'] / GiB:.2f} GiB, steps {b.get('steps')}", flush=True)
    if "xref" in parts and linked:
        results["xref"] = xref_quality(db, answer)
        print(f"  cross-references: {results['xref']}", flush=True)
    if "naive" in parts:
        results["naive"] = naive_vs_link(args.out, paragraphs=sample, seed=args.seed)
        print(f"  link vs naive: {json.dumps(results['naive'], default=str)}", flush=True)
    if "add" in parts and db.exists():
        results["add_one"] = add_one(folder, db, runs=1 if args.quick else 3, timeout=args.build_timeout, link=linked)
        print(f"  add one document: {results['add_one']['seconds']}", flush=True)
    if "search" in parts and db.exists():
        results["search"] = search_latency(db, seed=args.seed, count=100 if args.quick else 200)
        results["search"]["database"] = "complete build" if linked else "built without the link step"
        print(f"  search: {json.dumps(results['search']['endpoints'])}", flush=True)
    if "real" in parts:
        results["real"] = real_rebuild(args.out, runs=5)
        print(f"  real corpus unchanged rebuild: {results['real']['seconds']}", flush=True)
    report["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    report["load_average_end"] = os.getloadavg()

    rows = table(results, TARGETS_1M if args.shape == "1m" else TARGETS)
    report["table"] = rows
    print()
    print(f"{'target':58} {'measured':>22} {'goal':>12}  verdict")
    for name, measured, goal, ok in rows:
        print(f"{name:58} {measured:>22} {goal:>12}  {ok}")
    if args.quick:
        print("(quick run: the goals are the full-size targets; only the full run gives verdicts that count)")
    out_file = args.out / f"scale-{report['mode']}-{report['started'].replace(':', '')}.json"
    out_file.write_text(json.dumps(report, indent=1, default=str) + "\n")
    (args.out / f"scale-{report['mode']}-latest.json").write_text(json.dumps(report, indent=1, default=str) + "\n")
    print(f"report: {out_file}")
    return 0


def table(results: dict, targets: dict | None = None) -> list[tuple[str, str, str, str]]:
    rows = []
    n = results.get("corpus", {}).get("paragraphs", 0)
    TARGETS = targets or globals()["TARGETS"]
    if "build" in results:
        b = results["build"]
        timed_out = any(x["timed_out"] for x in b["builds"])
        value = b["median_seconds"]
        rows.append((f"build of {n:,} paragraphs, wall (median of {b['runs']})",
                     f"{'> ' if timed_out else ''}{value:.1f} s", f"≤ {TARGETS['build_seconds']:.0f} s", "NOT MET" if timed_out else verdict(value, TARGETS["build_seconds"])))
        rows.append(("build peak memory (process + workers)", f"{b['peak_tree_bytes'] / GiB:.2f} GiB", f"≤ {TARGETS['build_peak_bytes'] / GiB:.0f} GiB",
                     verdict(b["peak_tree_bytes"], TARGETS["build_peak_bytes"])))
    if "xref" in results:
        x = results["xref"]
        rows.append((f"cross-reference recall ({x['found']}/{x['planted']} planted)", f"{x['recall']:.3f}", f"≥ {TARGETS['xref_recall']}",
                     verdict(x["recall"], TARGETS["xref_recall"], at_least=True)))
        rows.append((f"cross-reference precision ({x['passages_correct']}/{x['passages_linked']})", f"{x['precision']:.3f}", f"≥ {TARGETS['xref_precision']}",
                     verdict(x["precision"], TARGETS["xref_precision"], at_least=True)))
    if "naive" in results:
        v = results["naive"]
        how = "extrapolated" if v["naive_extrapolated"] else "measured"
        rows.append((f"link vs all-pairs token_set_ratio, {v['paragraphs']:,} par. ({how})",
                     f"{v['speedup']:.0f}× ({v['naive_seconds']:.0f}/{v['link_seconds']:.1f} s)", "≥ 100×",
                     verdict(v["speedup"], TARGETS["link_speedup"], at_least=True)))
    if "add_one" in results:
        a = results["add_one"]
        if a["link"]:
            rows.append((f"add one document and rebuild (median of {a['runs']})", f"{a['median_seconds']:.1f} s", "≤ 5 s",
                         verdict(a["median_seconds"], TARGETS["add_one_seconds"])))
        else:
            rows.append((f"add one document and rebuild, LINK STEP EXCLUDED (median of {a['runs']})",
                         f"{a['median_seconds']:.1f} s", "≤ 5 s", "not measured (full build did not finish)"))
    if "search" in results:
        for label, s in results["search"]["endpoints"].items():
            rows.append((f"search p95, {label}" + ("" if results["search"]["database"] == "complete build" else " [db without links]"), f"{s['p95_ms']:.0f} ms (p50 {s['p50_ms']:.0f})", "≤ 50 ms",
                         verdict(s["p95_ms"], TARGETS["search_p95_ms"])))
    if "real" in results:
        r = results["real"]
        rows.append((f"real corpus unchanged rebuild (median of {r['runs']})", f"{r['median_seconds']:.2f} s ({r['median_cpu_seconds']:.2f} CPU)", "≤ 3 s",
                     verdict(r["median_seconds"], TARGETS["real_rebuild_seconds"])))
    return rows


if __name__ == "__main__":
    sys.exit(main())
