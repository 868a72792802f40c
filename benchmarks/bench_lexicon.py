"""The translators' lexicon learned from aligned translations, judged by hand.

Each pair of real Bible translations in two languages (``benchmarks/realtexts/``, and
``/work/shared/realtexts/`` for German and Russian) is written as two documents with their
own paragraph rhythms, the second ``version_of`` the first, built with the real
``synopsis build``; the edition step aligns them sentence by sentence and keeps the word
pairs it learns (``lexicon`` rows, ``source = 'learned'``). The report prints how many
pairs each language pair learned, and a seeded sample of 50 with the hand judgement
stored for each in ``benchmarks/lexicon_judgements.json`` (``right``: the two words
translate each other in some sense the texts use — a stem pair counts when the stems'
words translate, e.g. "disciples" ~ "disciples"; a name and its transliteration count;
``wrong``: they do not, e.g. two words that only stand near each other). An unjudged pair
is printed as such and counts against the figure. Usage::

    .venv/bin/python benchmarks/bench_lexicon.py                 # every pair
    .venv/bin/python benchmarks/bench_lexicon.py --pairs Twenty~FreSynodale1921 --books Matthew,Mark
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support import realtexts as rt  # noqa: E402

SHARED = Path("/work/shared/realtexts")
LANGUAGES = {**{name: language for name, (language, _) in rt.TEXTS.items()}, "GerTafel": "de", "RusMakarij-GenEx": "ru"}
PAIRS = [
    # left, right, books
    ("Twenty", "FreSynodale1921", rt.NEW_TESTAMENT),
    ("Twenty", "GerTafel", rt.NEW_TESTAMENT),
    ("Twenty", "ChiUnL", rt.NEW_TESTAMENT),
    ("BSB", "RusMakarij-GenEx", ("Genesis", "Exodus")),
]
JUDGEMENTS = REPO / "benchmarks" / "lexicon_judgements.json"
SAMPLE = 50


def _directory(name: str) -> Path | None:
    return None if (rt.default_dir() / f"{name}.txt.gz").exists() else SHARED


def learned_pairs(left: str, right: str, books, workdir: Path) -> tuple[list[tuple], dict]:
    documents = workdir / f"{left}~{right}"
    for k, (name, of) in enumerate(((left, None), (right, left))):
        verses = rt.load_verses(name, books=books, directory=_directory(name))
        paras = rt.paragraphs(verses, seed=11 + k, min_verses=2, max_verses=6, language=LANGUAGES[name])
        rt.write_document(documents / name.lower(), doc_id=name.lower(), title=name, language=LANGUAGES[name],
                          paragraphs=paras, version_of=of and of.lower())
    db = workdir / f"{left}~{right}.db"
    started = time.perf_counter()
    cpu = os.times()
    subprocess.run([sys.executable, "-m", "synopsis", "build", "--documents", str(documents), "--db", str(db)],
                   check=True, capture_output=True)
    after = os.times()
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT left_text, right_text, evidence, strength FROM lexicon WHERE source = 'learned' AND token IS NULL "
                            "ORDER BY strength DESC, left_text, right_text").fetchall()
        seconds = conn.execute("SELECT seconds FROM runs WHERE kind = 'alignment' AND method = 'edition'").fetchone()
    return rows, {"build_s": round(time.perf_counter() - started, 1),
                  "build_cpu_s": round(after.children_user + after.children_system - cpu.children_user - cpu.children_system, 1),
                  "edition_run_s": seconds[0] if seconds else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", help="left~right,... (default: every pair)")
    parser.add_argument("--books", help="comma-separated books (default: each pair's own)")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--dump", help="write every learned pair to this JSON file")
    args = parser.parse_args()
    pairs = PAIRS
    if args.pairs:
        wanted = set(args.pairs.split(","))
        pairs = [p for p in PAIRS if f"{p[0]}~{p[1]}" in wanted]
    judged = json.loads(JUDGEMENTS.read_text(encoding="utf-8")) if JUDGEMENTS.exists() else {}
    report, dump = {"load_average": os.getloadavg()}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for left, right, books in pairs:
            books = tuple(args.books.split(",")) if args.books else books
            rows, timing = learned_pairs(left, right, books, Path(tmp))
            key = f"{LANGUAGES[left]}~{LANGUAGES[right]}"
            dump[key] = rows
            sample = random.Random(args.seed).sample(rows, min(SAMPLE, len(rows)))
            verdicts = judged.get(key, {})
            right_count, unjudged = 0, 0
            print(f"\n== {left} ~ {right} ({key}): {len(rows)} learned pairs; {timing}")
            for a, b, evidence, strength in sample:
                verdict = verdicts.get(f"{a}|{b}")
                right_count += verdict == "right"
                unjudged += verdict is None
                print(f"  {verdict or 'UNJUDGED':8} {a} ~ {b}  ({evidence} beads, G² {strength:.0f})")
            share = right_count / len(sample) if sample else 0.0
            print(f"  right: {right_count}/{len(sample)} = {share:.2f}" + (f" ({unjudged} unjudged)" if unjudged else ""))
            report[key] = {"learned": len(rows), "sample": len(sample), "right": right_count, "unjudged": unjudged,
                           "share_right": round(share, 3), **timing}
    print(f"\nload average {report['load_average']}")
    out = REPO / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_lexicon.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    if args.dump:
        Path(args.dump).write_text(json.dumps(dump, indent=0, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
