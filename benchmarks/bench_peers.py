"""The sentence aligner on the peers' development sets, scored the way the papers score.

Two public development sets with gold sentence alignments (``/work/shared/peer_align``, or
the folder given with ``--data``): Text+Berg dev, German → French (Sennrich & Volk's
Bleualign set, from the Vecalign repository) and MAC dev, Chinese → English novels (from
the Bertalign repository). Each document's sentences are aligned exactly as the set splits
them (one sentence a line, no re-splitting) with :func:`synopsis.link.sentalign.align_sentences`
and the documents' languages, and scored with Vecalign's ``score.py`` metric, pooled over the
set's documents:

* precision: every output bead (gaps included) is a *strict* true positive when a gold
  bead is identical to it, a *lax* one when a gold bead overlaps it on both sides
  (a source sentence of the bead is in a gold bead whose target side meets the bead's);
* recall: the same with gold and output swapped, gaps (1-0, 0-1) left out of both;
* F1 of each.

The data are not copied into the repository: the MAC chapters are modern novels and their
translations, still under copyright, and the Text+Berg yearbooks are distributed for
research; the benchmark reads them where they are. Beside our figures, the published ones
(Bertalign's README for MAC dev; Text+Berg dev has none, so the test-set figures the
papers report are printed for orientation) and the time per document (wall and CPU).
Usage::

    .venv/bin/python benchmarks/bench_peers.py [--data /work/shared/peer_align] [--sets textberg,mac]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from synopsis.link.sentalign import align_sentences  # noqa: E402

DEFAULT_DATA = Path("/work/shared/peer_align")

# published strict F1 / lax F1 (None: not published for this set)
PUBLISHED = {
    "mac": {"Gale–Church": (0.485, 0.737), "Hunalign": (0.610, 0.852), "Bleualign": (0.641, 0.873),
            "Vecalign": (0.863, 0.997), "Bertalign": (0.911, 0.998)},
    "textberg": {"Gale–Church": None, "Hunalign": None, "Bleualign": None,
                 "Vecalign": (0.90, 0.99), "Bertalign": (0.94, 0.99)},
}
PUBLISHED["bible"] = {"Gale–Church": (0.821, 0.931), "Hunalign": (0.895, 0.972), "Bleualign": (0.788, 0.919),
                      "Vecalign": (0.978, 1.000), "Bertalign": (0.979, 1.000)}
PUBLISHED_NOTE = {"mac": "MAC dev (Bertalign README)",
                  "bible": "the papers' Bible test set, English → modern Chinese (another text than this one)",
                  "textberg": "no dev figures published: Text+Berg *test* figures of the papers"}


def read_beads(path: Path) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """``[0,1]:[0]`` lines → beads of 0-based sentence indices."""
    out = []
    for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        m = re.fullmatch(r"\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]", line)
        if not m:
            raise SystemExit(f"{path}:{k}: not a bead line: {line[:40]!r}")
        out.append(tuple(tuple(int(x) for x in side.split(",") if x.strip()) for side in m.groups()))
    return out


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1] if path.read_text(encoding="utf-8").endswith("\n") \
        else path.read_text(encoding="utf-8").split("\n")


def bible(tmp: Path) -> tuple[str, str, list[tuple[str, Path, Path, Path]]]:
    """The New Testament in English (Twentieth Century) and Classical Chinese (Wenli), one verse a
    line, written as a peer set: the gold pairs each verse with itself, and a verse one
    translation lacks is a gap. One document of about 7,900 × 7,900 lines, no headings: the
    shape of the papers' Bible document (English → Chinese, one long text), on the texts
    vendored here (the papers' Bible set is modern Chinese; ours is the 1919 Wenli)."""
    from tests.support import realtexts as rt

    left = rt.load_verses("Twenty", books=rt.NEW_TESTAMENT)
    right = rt.load_verses("ChiUnL", books=rt.NEW_TESTAMENT)
    rpos = {v.id: k for k, v in enumerate(right)}
    gold, j = [], 0
    for i, v in enumerate(left):
        k = rpos.get(v.id)
        if k is None:
            gold.append(f"[{i}]:[]")
            continue
        while j < k:
            gold.append(f"[]:[{j}]")
            j += 1
        gold.append(f"[{i}]:[{k}]")
        j = k + 1
    gold += [f"[]:[{y}]" for y in range(j, len(right))]
    (tmp / "nt.en").write_text("".join(v.text + "\n" for v in left), encoding="utf-8")
    (tmp / "nt.lzh").write_text("".join(v.text + "\n" for v in right), encoding="utf-8")
    (tmp / "nt.align").write_text("\n".join(gold) + "\n", encoding="utf-8")
    return "en", "lzh", [("nt", tmp / "nt.en", tmp / "nt.lzh", tmp / "nt.align")]


def documents(data: Path, name: str) -> tuple[str, str, list[tuple[str, Path, Path, Path]]]:
    """(source language, target language, [(doc, source file, target file, gold file)])."""
    if name == "bible":
        tmp = Path(tempfile.mkdtemp(prefix="bench-peers-"))
        return bible(tmp)
    if name == "textberg":
        d = data / "textberg_dev"
        return "de", "fr", [("dev", d / "dev.de", d / "dev.fr", d / "dev.defr")]
    d = data / "mac_dev"
    docs = sorted(p.stem for p in d.glob("*.zh"))
    return "zh", "en", [(x, d / f"{x}.zh", d / f"{x}.en", d / "gold" / f"{x}.align") for x in docs]


def _precision(gold, test) -> Counter:
    """Vecalign's count of strict and lax true and false positives of ``test`` against ``gold``."""
    gold = {(tuple(x), tuple(y)) for x, y in gold if x or y}
    test = {(tuple(x), tuple(y)) for x, y in test if x or y}
    targets = defaultdict(set)
    for gs, gt in gold:
        for s in gs:
            targets[s].update(gt)
    c = Counter(tp_strict=0, fp_strict=0, tp_lax=0, fp_lax=0)
    for ts, tt in test:
        if (ts, tt) in gold:
            c["tp_strict"] += 1
            c["tp_lax"] += 1
            continue
        c["fp_strict"] += 1
        near = set().union(*(targets[s] for s in ts)) if ts else set()
        c["tp_lax" if near & set(tt) else "fp_lax"] += 1
    return c


def score(golds, tests) -> dict:
    """Strict and lax precision, recall and F1 pooled over documents (Vecalign's ``score_multiple``)."""
    p, r = Counter(), Counter()
    for gold, test in zip(golds, tests):
        p.update(_precision(gold, test))
        r.update(_precision([b for b in test if b[0] and b[1]], [b for b in gold if b[0] and b[1]]))
    out = {}
    for kind in ("strict", "lax"):
        tp, fp = p[f"tp_{kind}"], p[f"fp_{kind}"]
        prec = tp / (tp + fp) if tp + fp else 0.0
        rtp, rfp = r[f"tp_{kind}"], r[f"fp_{kind}"]
        rec = rtp / (rtp + rfp) if rtp + rfp else 0.0
        out[kind] = {"precision": round(prec, 4), "recall": round(rec, 4),
                     "f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0}
    return out


def shapes(beads) -> Counter:
    return Counter(f"{len(x)}-{len(y)}" for x, y in beads)


def run_set(data: Path, name: str) -> dict:
    src_lang, tgt_lang, docs = documents(data, name)
    golds, tests, times = [], [], []
    for doc, src, tgt, gold in docs:
        for f in (src, tgt, gold):
            if not f.is_file():
                raise SystemExit(f"{f}: missing (give the peer sets' folder with --data)")
        left, right = read_lines(src), read_lines(tgt)
        wall, cpu = time.perf_counter(), _cpu()
        beads = align_sentences(left, right, left_language=src_lang, right_language=tgt_lang)
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        tests.append([(b.left, b.right) for b in beads])
        golds.append(read_beads(gold))
        times.append({"doc": doc, "sentences": [len(left), len(right)], "wall": round(wall, 2), "cpu": round(cpu, 2)})
    return {"set": name, "languages": f"{src_lang}→{tgt_lang}", "documents": len(docs), "score": score(golds, tests),
            "times": times, "gold_shapes": dict(sum((shapes(g) for g in golds), Counter())),
            "our_shapes": dict(sum((shapes(t) for t in tests), Counter())),
            "load_average": round(os.getloadavg()[0], 1)}


def _cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"the peer sets' folder (default {DEFAULT_DATA})")
    ap.add_argument("--sets", default="textberg,mac,bible",
                    help="comma-separated: textberg, mac, bible (the vendored New Testament, English~Wenli)")
    args = ap.parse_args()
    if not args.data.is_dir():
        print(f"{args.data}: no such folder (give the peer sets' folder with --data)", file=sys.stderr)
        sys.exit(2)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    results = []
    for name in args.sets.split(","):
        r = run_set(args.data, name)
        results.append(r)
        s = r["score"]
        print(f"\n{name}{'' if name == 'bible' else ' dev'}, {r['languages']}, {r['documents']} document(s); published: {PUBLISHED_NOTE[name]}")
        print(f"  {'system':<14} {'strict P':>8} {'strict R':>8} {'strict F1':>9} {'lax P':>7} {'lax R':>7} {'lax F1':>7}")
        print(f"  {'Synopsis':<14} {s['strict']['precision']:>8.3f} {s['strict']['recall']:>8.3f} "
              f"{s['strict']['f1']:>9.3f} {s['lax']['precision']:>7.3f} {s['lax']['recall']:>7.3f} {s['lax']['f1']:>7.3f}")
        for system, fig in PUBLISHED[name].items():
            shown = f"{'':>8} {'':>8} {fig[0]:>9.3f} {'':>7} {'':>7} {fig[1]:>7.3f}" if fig else f"{'–':>27} {'–':>23}"
            print(f"  {system:<14} {shown}")
        tot_w = sum(t["wall"] for t in r["times"])
        tot_c = sum(t["cpu"] for t in r["times"])
        print(f"  time: {tot_w:.2f} s wall, {tot_c:.2f} s CPU for {r['documents']} document(s) "
              f"({tot_c / r['documents']:.2f} s CPU a document); load average {r['load_average']}")
        for t in r["times"]:
            print(f"    {t['doc']}: {t['sentences'][0]}×{t['sentences'][1]} sentences, {t['wall']:.2f} s wall, {t['cpu']:.2f} s CPU")
        keys = sorted(set(r["gold_shapes"]) | set(r["our_shapes"]), key=lambda k: -r["gold_shapes"].get(k, 0))
        print("  bead shapes (gold / ours): " + ", ".join(f"{k} {r['gold_shapes'].get(k, 0)}/{r['our_shapes'].get(k, 0)}"
                                                          for k in keys))
    out = REPO / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_peers.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
