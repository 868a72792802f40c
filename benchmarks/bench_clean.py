"""Measure read → clean → segment on large single-paragraph inputs; prints a report.

Linear time is the target: the seconds per megabyte should stay flat as the size grows.
Run: .venv/bin/python benchmarks/bench_clean.py [sizes in MB, default 5 10 20 50]
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from synopsis.ingest.clean import clean
from synopsis.ingest.model import Doc, DocumentMeta
from synopsis.ingest.read import read
from synopsis.ingest.segment import segment

UNIT = "The party of the *revolutionary* proletariat, said V. I. Lenin :  it is strong enough to criticise itself. "


def main(sizes: list[int]) -> None:
    print(f"{'MB':>4} {'read s':>8} {'clean s':>8} {'segment s':>10} {'s/MB':>6} {'anchors':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for mb in sizes:
            n = mb * 1024 * 1024
            path = Path(tmp) / "big.md"
            path.write_text((UNIT * (n // len(UNIT) + 1))[:n].rstrip() + " end.", encoding="utf-8")
            doc = Doc(meta=DocumentMeta(id="big", title="Big", language="en", folder=Path(tmp), source_file="big.md", source_kind="scan"))
            t0 = time.perf_counter()
            read(doc)
            t1 = time.perf_counter()
            clean(doc)
            t2 = time.perf_counter()
            segment(doc)
            t3 = time.perf_counter()
            print(f"{mb:>4} {t1 - t0:>8.2f} {t2 - t1:>8.2f} {t3 - t2:>10.2f} {(t3 - t0) / mb:>6.2f} {len(doc.offsets.clean):>9}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [5, 10, 20, 50])
