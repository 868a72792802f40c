"""What the reworded pass costs: every vendored real text as one corpus (one verse a paragraph), linked
with and without it, in this process; CPU seconds of the link stage (this process and its pool workers) (wall time is distorted on a
shared machine), the load average, and the links of each kind. Target: at most 1.5x.

Usage: ``python benchmarks/bench_reworded_cost.py [--books NT|ALL] [--texts BSB,Twenty,...]``
"""
from __future__ import annotations

import argparse
import resource
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: tests.support beside synopsis

from synopsis.link.parameters import LinkParameters
from synopsis.link.stage import link_corpus
from tests.support.cases import make_database
from tests.support.realtexts import NEW_TESTAMENT, TEXTS, load_verses, paragraphs


def cpu() -> float:
    """CPU seconds of this process and of its finished children: the link stage tokenises in a pool of
    forked workers, and a figure of this process alone would leave their share out of both runs."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                    resource.getrusage(resource.RUSAGE_CHILDREN)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--books", default="NT")
    parser.add_argument("--texts", default=",".join(TEXTS))
    args = parser.parse_args(argv)
    books = NEW_TESTAMENT if args.books == "NT" else None
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for reworded in (False, True):
            path = Path(tmp) / f"realtexts-{reworded}.db"
            documents, n = [], 0
            for name in args.texts.split(","):
                language, _ = TEXTS[name]
                made = paragraphs(load_verses(name, books=books), seed=1, min_verses=1, max_verses=1, language=language)
                n += len(made)
                documents.append((name.lower(), None, [p.text for p in made]))
            # make_database stores one language for all: each document's own is set after
            make_database(path, documents)
            conn = sqlite3.connect(path)
            for name in args.texts.split(","):
                conn.execute("UPDATE documents SET language = ? WHERE id = ?", (TEXTS[name][0], name.lower()))
            conn.commit()
            c0 = cpu()
            report = link_corpus(conn, cache=False, parameters=LinkParameters(reworded=reworded))
            spent = cpu() - c0
            kinds = dict(conn.execute("SELECT kind, count(*) / 2 FROM cross_references GROUP BY 1").fetchall())
            conn.close()
            results[reworded] = spent
            load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
            print(f"{'with' if reworded else 'without'} the reworded pass: {n} paragraphs, link stage {spent:.1f} s CPU "
                  f"(steps, wall: {report.steps}); cross-references {kinds}; load {load}", flush=True)
    print(f"cost of the reworded pass: {results[True]:.1f} / {results[False]:.1f} s CPU = "
          f"{results[True] / max(results[False], 1e-9):.2f}x [target 1.5x]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
