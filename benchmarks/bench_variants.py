"""Variants: planted edits found, spelling flagged trivial, and the time on a real revision.

Run: ``python benchmarks/bench_variants.py [--seeds 101 102 103] [--books N]``. Prints a
report (and writes it as JSON to ``benchmarks/out/variants.json``); asserts nothing.

Inputs
    * revisions of the 1956 resolution (:func:`tests.support.revisions.make_revision`):
      words substituted, inserted and deleted, words respelled (British → American, hyphens
      dropped, capitals changed), paragraphs merged and split, each edit recorded. The
      seeds and rates here are not the ones the rules were written against (seeds 1-5 at
      the generator's defaults). Scored through the real link stage: the edition
      alignment chooses the paragraph pairs, so an edit is found only when its paragraphs
      were aligned too. Targets: ≥ 96% of substantive edits found with the right kind on
      the right paragraph pair, ≥ 80% of spelling changes flagged trivial, at most 3
      non-trivial variants that were never planted.
    * real revisions (``benchmarks/realtexts/``): the Twentieth Century New Testament
      (1904) beside the Open English Bible, its modern revision, and the OEB's US-spelling
      edition beside its Commonwealth-spelling one (a spelling-only edition: nearly all
      its variants should be trivial). Each document groups verses into paragraphs with a
      rhythm of its own (:mod:`tests.support.realtexts`). Reported: variants, the
      trivial share, kinds, and the time of the link stage's variants step (target for
      the whole New Testament pair: ≤ 5 s).
"""
from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from synopsis.link.stage import link_corpus  # noqa: E402
from tests.support import realtexts  # noqa: E402
from tests.support.cases import make_database, resolution_paragraphs  # noqa: E402
from tests.support.revisions import make_revision, score_variants  # noqa: E402

RATES = dict(substitution_rate=0.012, insertion_rate=0.007, deletion_rate=0.009, spelling_rate=0.06,
             merge_rate=0.05, split_rate=0.05, min_gap=1)
"""Edit rates of the benchmark's revisions (per word): other than the generator's defaults."""

STRESS = dict(substitution_rate=0.03, insertion_rate=0.03, deletion_rate=0.03, spelling_rate=0.1,
              merge_rate=0.08, split_rate=0.08, min_gap=0)
"""A harder revision, reported beside the targets: edits three times as dense and allowed side by
side, where two edits next to each other can only be found as one."""


def _database(folder: Path, name: str, left: tuple[str, list[str]], right: tuple[str, list[str]],
              language: tuple[str, str]) -> sqlite3.Connection:
    path = make_database(folder / f"{name}.db", [(left[0], None, left[1]), (right[0], left[0], right[1])])
    conn = sqlite3.connect(path)
    conn.execute("UPDATE documents SET language = ? WHERE id = ?", (language[0], left[0]))
    conn.execute("UPDATE documents SET language = ? WHERE id = ?", (language[1], right[0]))
    return conn


def revisions(seeds: list[int], folder: Path, rates: dict) -> dict:
    """Planted edits in revisions of the resolution, scored through the link stage."""
    paragraphs = resolution_paragraphs()
    out = []
    for seed in seeds:
        revision = make_revision(paragraphs, seed=seed, **rates)
        conn = _database(folder, f"revision-{seed}-gap{rates['min_gap']}", ("resolution", paragraphs), ("revision", revision.paragraphs),
                         ("en", "en-US"))
        report = link_corpus(conn, cache=False)
        index = {pid: ordinal - 1 for pid, ordinal in conn.execute("SELECT id, ordinal FROM paragraphs")}
        rows = conn.execute(
            "SELECT left_paragraph_id, right_paragraph_id, kind, left_start, left_end, right_start, right_end, trivial "
            "FROM variants").fetchall()
        conn.close()
        found = [(index[r[0]], index[r[1]], *r[2:]) for r in rows]
        score = score_variants(revision.planted, found)
        out.append({
            "seed": seed, "substantive": score.substantive, "found": score.found, "recall": round(score.recall, 4),
            "spelling": score.spelling, "flagged_trivial": score.flagged_trivial,
            "trivial_share": round(score.trivial_share, 4), "unplanted": score.unplanted,
            "planted_kinds": dict(Counter(p.kind for p in revision.planted)),
            "variants": len(rows), "variants_seconds": report.steps.get("variants"),
            "missed": [(p.kind, paragraphs[p.left_paragraph][p.left_start:p.left_end],
                        revision.paragraphs[p.right_paragraph][p.right_start:p.right_end]) for p in score.missed][:5],
            "unflagged": [(paragraphs[p.left_paragraph][p.left_start:p.left_end],
                           revision.paragraphs[p.right_paragraph][p.right_start:p.right_end]) for p in score.unflagged][:5],
        })
    return {"rates": rates, "runs": out}


def real_pair(left: str, right: str, books: tuple[str, ...], folder: Path) -> dict:
    """Variants between two vendored texts, through the link stage."""
    docs = []
    for seed, name in enumerate((left, right), 1):
        language = realtexts.TEXTS[name][0]
        made = realtexts.paragraphs(realtexts.load_verses(name, books=books), seed=seed, language=language)
        docs.append((name.lower(), [p.text for p in made], language))
    conn = _database(folder, f"{left}-{right}", docs[0][:2], docs[1][:2], (docs[0][2], docs[1][2]))
    t = time.perf_counter()
    report = link_corpus(conn, cache=False)
    link_seconds = time.perf_counter() - t
    kinds = Counter()
    trivial = Counter()
    for kind, triv, n in conn.execute("SELECT kind, trivial, count(*) FROM variants GROUP BY 1, 2"):
        kinds[kind] += n
        trivial[triv] += n
    substantive = conn.execute(
        "SELECT left_text, right_text FROM variants WHERE trivial = 0 ORDER BY random() LIMIT 8").fetchall()
    rules = conn.execute("SELECT parameters FROM runs WHERE kind = 'variant'").fetchone()
    words = sum(len(t.split()) for t in docs[0][1]) + sum(len(t.split()) for t in docs[1][1])
    conn.close()
    total = sum(kinds.values())
    return {
        "pair": f"{left} / {right}", "books": len(books), "paragraphs": [len(docs[0][1]), len(docs[1][1])],
        "words": words, "variants": total, "trivial": trivial[1],
        "trivial_share": round(trivial[1] / total, 4) if total else None, "kinds": dict(kinds),
        "variants_seconds": report.steps.get("variants"), "link_seconds": round(link_seconds, 2),
        "rules": json.loads(rules[0])["rules"] if rules else None,
        "sample_substantive": substantive,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[101, 102, 103, 104, 105])
    parser.add_argument("--books", type=int, default=len(realtexts.NEW_TESTAMENT),
                        help="New Testament books to use (27: all of it)")
    args = parser.parse_args()
    books = realtexts.NEW_TESTAMENT[: args.books]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        report = {
            "machine": f"{platform.processor() or platform.machine()}, Python {platform.python_version()}",
            "revisions": revisions(args.seeds, folder, RATES),
            "stress": revisions(args.seeds[:2], folder, STRESS),
            "real": [real_pair("Twenty", "OEB", books, folder), real_pair("OEB", "OEBcth", books, folder)],
        }
    print("Planted edits in revisions of the resolution (through the link stage)")
    for r in report["revisions"]["runs"]:
        print(f"  seed {r['seed']}: substantive {r['found']}/{r['substantive']} = {r['recall']:.3f} (≥ 0.96); "
              f"spelling flagged trivial {r['flagged_trivial']}/{r['spelling']} = {r['trivial_share']:.3f} (≥ 0.80); "
              f"unplanted non-trivial {r['unplanted']} (≤ 3); {r['variants']} variants, step {r['variants_seconds']}s")
        for m in r["missed"]:
            print(f"      missed {m}")
        for m in r["unflagged"]:
            print(f"      not flagged trivial {m}")
    print("Harder revisions (edits three times as dense, side by side allowed; no target)")
    for r in report["stress"]["runs"]:
        print(f"  seed {r['seed']}: substantive {r['found']}/{r['substantive']} = {r['recall']:.3f}; "
              f"spelling flagged trivial {r['flagged_trivial']}/{r['spelling']} = {r['trivial_share']:.3f}; "
              f"unplanted non-trivial {r['unplanted']}")
    print("Real revisions (New Testament, %d books)" % args.books)
    for r in report["real"]:
        print(f"  {r['pair']}: {r['variants']} variants, {r['trivial']} trivial ({r['trivial_share']:.1%}), "
              f"kinds {r['kinds']}; variants step {r['variants_seconds']}s (≤ 5 s), whole link stage "
              f"{r['link_seconds']}s; {r['paragraphs'][0]}+{r['paragraphs'][1]} paragraphs, {r['words']} words")
        for lt, rt in r["sample_substantive"]:
            print(f"      {lt!r} → {rt!r}")
    out = REPO / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / "variants.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
