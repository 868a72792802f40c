"""Pages at scale: do the reader's pages hold on a million-paragraph database?

    .venv/bin/python benchmarks/bench_pages.py --db /work/coord/big1m/synopsis.db

Serves the database exactly as ``synopsis serve --no-build`` does (its own process on
127.0.0.1) and measures over HTTP, against :data:`TARGETS`:

compare page
    ``/compare?a=&b=`` of the longest pair of versions (two documents of ~50,000
    paragraphs): bytes and wall time of the first window, of a window in the middle (a
    click on the alignment map) and of the window holding one paragraph (``at=``).
search
    ``/search?q=`` for 20 queries of mixed frequency: words drawn from a sample of the
    corpus's paragraphs at ranks spread over the frequency curve (from a word in a tenth
    of all paragraphs to a rare one), two-word phrases and prefixes; p50/p95/max.
paragraph page
    ``/synopsis/paragraphs/ID`` of 20 paragraphs spread over the corpus; p50/p95/max.

Each figure is the best of ``--repeat`` requests after one warm-up (the server's page
cache warm, as a reader's second visit), and the load average is printed beside it: the
machine is shared. The report is written as JSON to ``benchmarks/out/pages.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS = {"compare_bytes": 2_000_000, "compare_seconds": 1.0, "search_p95_ms": 300.0, "paragraph_ms": 200.0}


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", "from synopsis.cli import main; main()", "serve", "--db", str(db),
                                "--no-build", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"synopsis serve ended: {process.stderr.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2)
            return process, base
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("synopsis serve did not answer within 300 s")


def fetch(url: str, repeat: int) -> tuple[float, int, int]:
    """(best seconds, bytes, status) of ``repeat`` requests after a warm-up."""
    times, size, status = [], 0, 0
    for k in range(repeat + 1):
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            body, status = error.read(), error.code
        if k:
            times.append(time.perf_counter() - start)
        size = len(body)
    return min(times), size, status


def longest_version_pair(conn: sqlite3.Connection) -> tuple[str, str]:
    row = conn.execute(
        """select d.id, d.version_of from documents d join documents o on o.id = d.version_of
           where d.status = 'present' order by d.paragraph_count + o.paragraph_count desc limit 1""").fetchone()
    if row is None:
        raise SystemExit("no pair of versions in this database")
    return row[1], row[0]


def queries(conn: sqlite3.Connection, rng: random.Random, n: int = 20) -> list[str]:
    """Words at ranks spread over the frequency curve of a sample, with phrases and prefixes."""
    top = conn.execute("select max(id) from paragraphs").fetchone()[0]
    sample = []
    for pid in rng.sample(range(1, top + 1), min(400, top)):
        row = conn.execute("select text from paragraphs where id = ?", (pid,)).fetchone()
        if row:
            sample.append(row[0])
    documents = Counter()
    for text in sample:
        documents.update(set(w.lower() for w in re.findall(r"[^\W\d_]{3,}", text)))
    ranked = [w for w, _ in documents.most_common()]
    picks = [ranked[min(len(ranked) - 1, int(len(ranked) * f))] for f in (0.0, 0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.7, 0.95, 0.99)]
    words = list(dict.fromkeys(picks))
    phrases = []
    for text in rng.sample(sample, 4):
        tokens = re.findall(r"[^\W\d_]{3,}", text)
        k = rng.randrange(max(1, len(tokens) - 1))
        phrases.append(f'"{tokens[k]} {tokens[k + 1]}"' if len(tokens) > 1 else tokens[0])
    prefixes = [w[:4] + "*" for w in (ranked[5], ranked[50], ranked[500 % len(ranked)], ranked[len(ranked) // 2])]
    found = words + phrases + prefixes
    return [q for q in found][:n]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "pages.json")
    parser.add_argument("--only", default="compare,search,paragraph", help="comma-separated parts: compare,search,paragraph")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    paragraphs = conn.execute("select count(*) from paragraphs").fetchone()[0]
    a, b = longest_version_pair(conn)
    sizes = dict(conn.execute("select id, paragraph_count from documents where id in (?, ?)", (a, b)).fetchall())
    parts = set(args.only.split(","))
    qs = queries(conn, rng) if "search" in parts else []
    top = conn.execute("select max(id) from paragraphs").fetchone()[0]
    pids = [conn.execute("select id from paragraphs where id >= ? order by id limit 1", (rng.randrange(1, top),)).fetchone()[0]
            for _ in range(20)]
    middle_paragraph = conn.execute("select id from paragraphs where document_id = ? order by ordinal limit 1 offset ?",
                                    (a, sizes[a] // 2)).fetchone()[0]
    conn.close()
    print(f"database {args.db}: {paragraphs:,} paragraphs; pair {a} ({sizes[a]:,}) / {b} ({sizes[b]:,}); load {load()}")
    process, base = serve(args.db)
    report: dict = {"database": str(args.db), "paragraphs": paragraphs, "pair": [a, b], "targets": TARGETS}
    try:
        pair = f"a={urllib.parse.quote(a)}&b={urllib.parse.quote(b)}"
        compare = {}
        for name, query in () if "compare" not in parts else (("first window", ""), ("middle window", "&start=25000"), ("window of a paragraph", f"&at={middle_paragraph}")):
            seconds, size, status = fetch(f"{base}/compare?{pair}{query}", args.repeat)
            compare[name] = {"seconds": round(seconds, 3), "bytes": size, "status": status, "load": load()}
            ok = size <= TARGETS["compare_bytes"] and seconds <= TARGETS["compare_seconds"] and status == 200
            print(f"compare {name:>22}: {size / 1e6:6.2f} MB  {seconds:6.3f} s  HTTP {status}  load {load()}  {'ok' if ok else 'MISSED'}")
        report["compare"] = compare
        timings = {}
        for q in qs:
            seconds, size, status = fetch(f"{base}/search?q={urllib.parse.quote(q)}", args.repeat)
            timings[q] = round(seconds * 1000, 1)
            print(f"search {q!r:>28}: {seconds * 1000:7.1f} ms  {size / 1e3:6.1f} kB  HTTP {status}")
        ms = sorted(timings.values()) or [0.0]
        p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
        report["search"] = {"queries": timings, "p50_ms": statistics.median(ms), "p95_ms": p95, "max_ms": ms[-1], "load": load()}
        print(f"search: p50 {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms over {len(ms)} queries  "
              f"load {load()}  {'ok' if p95 <= TARGETS['search_p95_ms'] else 'MISSED'}")
        pages = []
        for pid in pids if "paragraph" in parts else ():
            seconds, size, status = fetch(f"{base}/synopsis/paragraphs/{pid}", args.repeat)
            pages.append(seconds * 1000)
        pages = sorted(pages) or [0.0]
        p95 = pages[min(len(pages) - 1, int(round(0.95 * (len(pages) - 1))))]
        report["paragraph"] = {"p50_ms": round(statistics.median(pages), 1), "p95_ms": round(p95, 1), "max_ms": round(pages[-1], 1), "load": load()}
        print(f"paragraph page: p50 {statistics.median(pages):.1f} ms, p95 {p95:.1f} ms, max {pages[-1]:.1f} ms  load {load()}  "
              f"{'ok' if p95 <= TARGETS['paragraph_ms'] else 'MISSED'}")
    finally:
        process.terminate()
        process.wait(timeout=30)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"report: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
