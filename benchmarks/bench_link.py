"""Precision, recall, time and memory of the link stage, beside naive all-pairs rapidfuzz.

Run: ``python benchmarks/bench_link.py [--seeds 3] [--editions 3]``. Prints a report;
asserts nothing (speed targets are read off the report, never asserted in tests).

Inputs
    * real: the 1956 resolution (paragraphs rejoined across page breaks) beside a document
      of paraphrased quotations written for the tests mixed with unrelated paragraphs
      (:mod:`synopsis.link.cases`). Truth: each marked rendering and its source paragraph.
    * generated: the resolution beside seeded editions of it
      (:func:`synopsis.link.editions.make_edition`: spelling, substitutions, OCR noise,
      merges, splits, drops, inserts). Truth: the generator's beads. For cross-references
      every paragraph pair in a matched bead shares its wording; for the alignment a bead
      counts when it is recovered exactly.

Naive baselines, on the same input
    * cross-references: ``fuzz.partial_ratio`` of every paragraph pair on normalised text,
      linked at the cutoff that gives it its best F1 on that input (a generous baseline);
    * alignment: each left paragraph's best right paragraph by ``fuzz.ratio`` (greedy), so
      merges, splits, drops and inserts are what it can't see.
"""
from __future__ import annotations

import argparse
import re
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from rapidfuzz import fuzz

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from synopsis.link.align import align_editions  # noqa: E402
from synopsis.link.cases import PARAPHRASES, UNRELATED  # noqa: E402
from synopsis.link.editions import make_edition  # noqa: E402
from synopsis.link.normalize import tokenize  # noqa: E402
from synopsis.link.store import link_corpus  # noqa: E402

RESOLUTION_MD = REPO / "documents" / "cpsu-resolution-1956" / "cpsu-cc-resolution-1956-06-30.md"


def resolution_paragraphs() -> list[str]:
    body = RESOLUTION_MD.read_text(encoding="utf-8").split("June 30, 1956", 1)[1]
    out: list[str] = []
    for block in re.split(r"\n\s*\n", body):
        block = " ".join(block.split())
        if not block:
            continue
        if out and not re.search(r"[.:;!?”\"’)\]]$", out[-1]):
            out[-1] = out[-1][:-1] + block if out[-1].endswith("-") else out[-1] + " " + block
        else:
            out.append(block)
    return out


def make_db(path: Path, documents) -> None:
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    import synopsis.schema  # noqa: F401

    engine = create_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    conn = sqlite3.connect(path)
    for doc_id, version_of, paragraphs in documents:
        conn.execute(
            "INSERT INTO documents (id, title, version_of, status, word_count, paragraph_count, quotation_count) "
            "VALUES (?,?,?,?,0,0,0)", (doc_id, doc_id, version_of, "present"),
        )
        for k, text in enumerate(paragraphs, 1):
            conn.execute(
                "INSERT INTO paragraphs (document_id, ordinal, ref, kind, text, char_start, char_end, source_start, "
                "source_end, word_count) VALUES (?,?,?,'body',?,0,0,0,0,0)", (doc_id, k, f"{doc_id}:{k}", text),
            )
    conn.commit()
    conn.close()


def measure(fn):
    """(result, seconds, peak MiB of Python allocations)."""
    tracemalloc.start()
    t = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak


def prf(tp_found: int, found: int, tp_truth: int, truth: int) -> tuple[float, float, float]:
    p = tp_found / found if found else 1.0
    r = tp_truth / truth if truth else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def linked_pairs(path: Path, left_doc: str) -> list[tuple[int, int, int, int]]:
    """(left ordinal, right ordinal, target_start, target_end) of stored cross-references from left_doc."""
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT ps.ordinal, pt.ordinal, x.target_start, x.target_end FROM cross_references x "
        "JOIN paragraphs ps ON ps.id = x.source_paragraph_id JOIN paragraphs pt ON pt.id = x.target_paragraph_id "
        "WHERE x.source_document_id = ?", (left_doc,),
    ).fetchall()
    conn.close()
    return rows


def naive_pairs(left: list[str], right: list[str]) -> list[tuple[int, int, float]]:
    ln = [tokenize(t).normalized for t in left]
    rn = [tokenize(t).normalized for t in right]
    return [(i, j, fuzz.partial_ratio(a, b)) for i, a in enumerate(ln) for j, b in enumerate(rn)]


def best_naive(scored, is_true, truth_count) -> tuple[float, tuple[float, float, float]]:
    best = (0.0, (0.0, 0.0, 0.0))
    for cut in range(50, 101, 2):
        found = [(i, j) for i, j, s in scored if s >= cut]
        tp = sum(1 for i, j in found if is_true(i, j))
        truths = len({k for i, j in found if is_true(i, j) for k in [is_true(i, j)]})
        res = prf(tp, len(found), truths, truth_count)
        if res[2] > best[1][2]:
            best = (cut, res)
    return best


def _plain(text: str) -> str:
    return text.translate(str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'"}))


def real_corpus(workdir: Path) -> None:
    res = resolution_paragraphs()
    mixed = []
    truth = []  # (source ordinal, target ordinal, target span)
    for k, case in enumerate(PARAPHRASES):
        mixed.append(case.plain)
        target = len(mixed)
        for src, span in zip(case.sources, case.spans):
            key = _plain(" ".join(src.split()))[:60]
            source = next(i for i, p in enumerate(res, 1) if key in _plain(p))
            truth.append((source, target, span))
        mixed.append(UNRELATED[k % len(UNRELATED)])
    path = workdir / "real.db"
    make_db(path, [("resolution", None, res), ("speeches", None, mixed)])
    conn = sqlite3.connect(path)
    report, secs, peak = measure(lambda: link_corpus(conn))
    conn.commit()
    conn.close()
    rows = linked_pairs(path, "resolution")

    def matches(row, t):
        s, tg, ts, te = row
        a, b = t[2]
        inter = max(0, min(te, b) - max(ts, a))
        return s == t[0] and tg == t[1] and inter / (max(te, b) - min(ts, a)) >= 0.5

    tp_found = sum(1 for r in rows if any(matches(r, t) for t in truth))
    tp_truth = sum(1 for t in truth if any(matches(r, t) for r in rows))
    p, r, f = prf(tp_found, len(rows), tp_truth, len(truth))
    print(f"real  cross-references  link_corpus  P={p:.3f} R={r:.3f} F1={f:.3f}  "
          f"found={len(rows)} truth={len(truth)}  {secs:.3f}s  peak {peak:.1f} MiB")
    missed = [PARAPHRASES[(t[1] - 1) // 2].name for t in truth if not any(matches(r, t) for r in rows)]
    if missed:
        print(f"      missed: {', '.join(missed)}")
    true_pairs = {(t[0] - 1, t[1] - 1): n for n, t in enumerate(truth)}
    scored, nsecs, npeak = measure(lambda: naive_pairs(res, mixed))
    cut, (np_, nr, nf) = best_naive(scored, lambda i, j: true_pairs.get((i, j)) is not None, len(truth))
    print(f"real  cross-references  naive all-pairs partial_ratio (best cutoff {cut:.0f}) P={np_:.3f} R={nr:.3f} "
          f"F1={nf:.3f}  {nsecs:.3f}s  peak {npeak:.1f} MiB  (pairs only, no spans)  speed-up x{nsecs / secs:.1f}")


def generated(workdir: Path, seeds: int) -> None:
    res = resolution_paragraphs()
    totals = {"xp": [0, 0, 0, 0], "al": [0, 0], "nal": [0, 0], "t": 0.0, "nt": 0.0, "nxt": 0.0, "peak": 0.0}
    for seed in range(seeds):
        ed = make_edition(res, seed=seed, ocr_rate=0.02, merge_rate=0.08, split_rate=0.08, drop_rate=0.05,
                          insert_rate=0.05)
        path = workdir / f"gen{seed}.db"
        make_db(path, [("resolution", None, res), ("resolution-ed", "resolution", ed.paragraphs)])
        conn = sqlite3.connect(path)
        _, secs, peak = measure(lambda: link_corpus(conn))
        conn.commit()
        totals["t"] += secs
        totals["peak"] = max(totals["peak"], peak)
        true_pairs = {(i + 1, j + 1) for l, r in ed.beads for i in l for j in r}
        rows = {(s, t) for s, t, _, _ in linked_pairs(path, "resolution")}
        one_one = {(l[0] + 1, r[0] + 1) for l, r in ed.beads if len(l) == 1 and len(r) == 1}
        x = totals["xp"]
        x[0] += len(rows & true_pairs)
        x[1] += len(rows)
        x[2] += len(rows & one_one)
        x[3] += len(one_one)
        beads = {}
        for bead, lo, ro in conn.execute(
            "SELECT a.bead, pl.ordinal, pr.ordinal FROM alignments a LEFT JOIN paragraphs pl ON pl.id=a.left_paragraph_id "
            "LEFT JOIN paragraphs pr ON pr.id=a.right_paragraph_id WHERE a.method='edition'"
        ):
            entry = beads.setdefault(bead, (set(), set()))
            if lo:
                entry[0].add(lo - 1)
            if ro:
                entry[1].add(ro - 1)
        got = {(tuple(sorted(a)), tuple(sorted(b))) for a, b in beads.values()}
        conn.close()
        totals["al"][0] += len(got & set(ed.beads))
        totals["al"][1] += len(ed.beads)
        # naive alignment: each left paragraph's best right paragraph by ratio
        def greedy():
            ln = [tokenize(t).normalized for t in res]
            rn = [tokenize(t).normalized for t in ed.paragraphs]
            return [max(range(len(rn)), key=lambda j: fuzz.ratio(a, rn[j])) for a in ln]
        best, nsecs, _ = measure(greedy)
        totals["nt"] += nsecs
        naive_beads = {((i,), (j,)) for i, j in enumerate(best)}
        totals["nal"][0] += len(naive_beads & set(ed.beads))
        totals["nal"][1] += len(ed.beads)
        _, nxs, _ = measure(lambda: naive_pairs(res, ed.paragraphs))
        totals["nxt"] += nxs
    x = totals["xp"]
    p, r, f = prf(x[0], x[1], x[2], x[3])
    print(f"gen   cross-references  link_corpus  P={p:.3f} R(1-1 beads)={r:.3f}  over {seeds} editions")
    print(f"gen   alignment         link_corpus  beads recovered {totals['al'][0]}/{totals['al'][1]} "
          f"= {totals['al'][0] / totals['al'][1]:.3f}   (link_corpus total {totals['t']:.2f}s, peak {totals['peak']:.1f} MiB)")
    print(f"gen   alignment         naive greedy best-match  beads recovered {totals['nal'][0]}/{totals['nal'][1]} "
          f"= {totals['nal'][0] / totals['nal'][1]:.3f}  {totals['nt']:.2f}s")
    print(f"gen   cross-references  naive all-pairs partial_ratio  {totals['nxt']:.2f}s "
          f"(link_corpus does both stages in {totals['t']:.2f}s: x{totals['nxt'] / totals['t']:.1f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3, help="generated editions to measure")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        real_corpus(Path(tmp))
        generated(Path(tmp), args.seeds)


if __name__ == "__main__":
    main()
