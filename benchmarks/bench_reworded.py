"""Retranslations: verses quoted in one translation's wording, found in another's (issue #19).

An English essay is made of the resolution's own sentences (``documents/cpsu-resolution-1956``),
a few to a paragraph, and into each of ``--verses`` paragraphs one New Testament verse is set in
the *quoting* translation's wording: half in quotation marks ("As it is written: “…”", a
marked quotation), half bare, run into the prose. The corpus holds the *corpus* translation's
New Testament, cut into paragraphs of 2–8 verses. Linked as a user would (the whole link
stage), the report prints:

* recall: quoted verses linked to a corpus paragraph that holds the verse, marked and bare
  apart, and of them how many only by the reworded pass;
* precision of the essay's links: a link is right when its corpus paragraph holds the quoted
  verse or a *parallel* of it (a synoptic parallel: a verse of that paragraph whose corpus
  wording agrees with the quoted verse's corpus wording, ``fuzz.token_set_ratio`` ≥ 60 —
  the same saying told again); a link from a sentence of the resolution is wrong;
* cost: the link stage's seconds with and without the reworded pass (CPU seconds of this
  process), and the load average;
* a seeded sample of reworded links, printed for judging by hand, and the judgements in
  ``reworded_judgements.json`` applied to it.

Rotations (``--pairs``, quoting>corpus): the default runs Twenty>BSB, OEB>BSB, BSB>Twenty and
Twenty>OEB, so no figure is tuned to one pair. Targets: recall 0.90, precision 0.95.

Usage: ``python benchmarks/bench_reworded.py [--pairs Twenty>BSB,OEB>BSB] [--verses 50] [--seed 19]``
"""
from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sqlite3
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))  # the repository: tests.support beside synopsis

from synopsis.link.parameters import LinkParameters  # noqa: E402
from synopsis.link.stage import link_corpus  # noqa: E402
from tests.support.cases import make_database  # noqa: E402
from tests.support.realtexts import NEW_TESTAMENT, load_verses, paragraphs  # noqa: E402

JUDGEMENTS = HERE / "reworded_judgements.json"
RESOLUTION = next((REPO / "documents" / "cpsu-resolution-1956").glob("*.md"))
INTROS = ["As it is written: ", "In the words of the Gospel, ", "The old text says: ", "We read: ",
          "One recalls the verse: "]


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def resolution_sentences() -> list[str]:
    text = RESOLUTION.read_text(encoding="utf-8")
    body = [line.strip() for line in text.splitlines() if len(line.split()) > 30]
    out = []
    for para in body:
        para = re.sub(r"[*_#]", "", para)
        out += [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", para) if 8 <= len(s.split()) <= 45]
    return out


def essay(quoting: str, verses: list, seed: int) -> tuple[list[str], list[tuple[int, int, int]], list[dict]]:
    """The essay's paragraphs, its marked quotations ``(ordinal, start, end)``, and per quote: verse id, marked."""
    rng = random.Random(seed)
    sentences = resolution_sentences()
    rng.shuffle(sentences)
    paras, marks, quotes = [], [], []
    for k, v in enumerate(verses):
        before = " ".join(sentences[(3 * k) % len(sentences): (3 * k) % len(sentences) + 2])
        after = sentences[(3 * k + 2) % len(sentences)]
        marked = k % 2 == 0
        verse = v.text.strip()
        if marked:
            intro = INTROS[k % len(INTROS)]
            head = f"{before} {intro}“"
            text = f"{head}{verse}” {after}"
            marks.append((len(paras) + 1, len(head), len(head) + len(verse)))
        else:
            text = f"{before} {verse} {after}"
        paras.append(text)
        quotes.append({"verse": v.id, "marked": marked, "ordinal": len(paras)})
    # paragraphs of the resolution alone, with no quotation: every link from them is wrong
    for k in range(len(verses) // 2):
        paras.append(" ".join(sentences[(7 * k + 1) % len(sentences): (7 * k + 1) % len(sentences) + 3]))
    return paras, marks, quotes


def pick_verses(quoting: list, corpus: list, count: int, seed: int) -> list:
    """``count`` New Testament verses of 12-60 words that both translations have, seeded."""
    have = {v.id for v in corpus}
    usable = [v for v in quoting if v.id in have and 12 <= len(v.text.split()) <= 60]
    return sorted(random.Random(seed).sample(usable, count), key=lambda v: usable.index(v))


def run_pair(quoting_name: str, corpus_name: str, out: Path, *, verses: int, seed: int, reworded: bool = True) -> dict:
    quoting = load_verses(quoting_name, books=NEW_TESTAMENT)
    corpus = load_verses(corpus_name, books=NEW_TESTAMENT)
    chosen = pick_verses(quoting, corpus, verses, seed)
    paras, marks, quotes = essay(quoting_name, chosen, seed)
    made = paragraphs(corpus, seed=4, min_verses=2, max_verses=8, language="en")
    verse_para = {vid: k + 1 for k, p in enumerate(made) for vid in p.verses}
    corpus_text = {v.id: v.text for v in corpus}
    path = out / f"{quoting_name}-in-{corpus_name}{'' if reworded else '-verbatim'}.db"
    out.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    make_database(path, [("essay", None, paras), ("corpus", None, [p.text for p in made])],
                  quotations=[("essay", o, s, e) for o, s, e in marks])
    conn = sqlite3.connect(path)
    t0, c0 = time.perf_counter(), cpu()
    report = link_corpus(conn, cache=False, parameters=LinkParameters(reworded=reworded))
    conn.commit()
    wall, cpu_s = time.perf_counter() - t0, cpu() - c0
    links = conn.execute(
        "SELECT ps.ordinal, pt.ordinal, x.kind, x.meaning_score, x.score, x.source_text, x.target_text, "
        "x.correspondences FROM cross_references x JOIN paragraphs ps ON ps.id = x.source_paragraph_id "
        "JOIN paragraphs pt ON pt.id = x.target_paragraph_id WHERE ps.document_id = 'essay'").fetchall()
    floors = [json.loads(p).get("reworded_floor") for (p,) in conn.execute(
        "SELECT parameters FROM runs WHERE method = 'meaning-align'")]
    conn.close()
    by_ordinal = {q["ordinal"]: q for q in quotes}
    made_verses = [set(p.verses) for p in made]

    def right(link) -> bool:
        q = by_ordinal.get(link[0])
        if q is None:
            return False
        if q["verse"] in made_verses[link[1] - 1]:
            return True
        told = corpus_text.get(q["verse"], "")
        return any(fuzz.token_set_ratio(told, corpus_text[v]) >= 60 for v in made_verses[link[1] - 1])

    found = {"marked": [0, 0], "bare": [0, 0]}
    only_reworded = 0
    for q in quotes:
        kind = "marked" if q["marked"] else "bare"
        found[kind][1] += 1
        target = verse_para.get(q["verse"])
        mine = [x for x in links if x[0] == q["ordinal"] and x[1] == target]
        if mine:
            found[kind][0] += 1
            if all(x[2] == "reworded" for x in mine):
                only_reworded += 1
    good = sum(right(x) for x in links)
    wrong = [x for x in links if not right(x)]
    return {"pair": f"{quoting_name}>{corpus_name}", "reworded": reworded, "recall_marked": found["marked"],
            "recall_bare": found["bare"], "only_reworded": only_reworded, "links": len(links), "right": good,
            "wrong": [(x[0], x[1], x[2], x[3], x[5][:100], x[6][:100]) for x in wrong],
            "wall": round(wall, 1), "cpu": round(cpu_s, 1), "steps": report.steps, "floors": sorted({json.dumps(f, sort_keys=True) for f in floors}),
            "reworded_links": [x for x in links if x[2] == "reworded"], "load": load()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", default="Twenty>BSB,OEB>BSB,BSB>Twenty,Twenty>OEB")
    parser.add_argument("--verses", type=int, default=50)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "reworded")
    parser.add_argument("--without", action="store_true", help="also link without the reworded pass (cost, recall)")
    args = parser.parse_args(argv)
    judged = json.loads(JUDGEMENTS.read_text()) if JUDGEMENTS.exists() else {"links": []}
    verdicts = {(j["pair"], j["source"], j["target"]): j for j in judged["links"]}
    results, sample_pool = [], []
    for spec in args.pairs.split(","):
        q, c = spec.split(">")
        runs = [run_pair(q, c, args.out, verses=args.verses, seed=args.seed)]
        if args.without:
            runs.append(run_pair(q, c, args.out, verses=args.verses, seed=args.seed, reworded=False))
        for r in runs:
            m, b = r["recall_marked"], r["recall_bare"]
            total = m[0] + b[0]
            precision = r["right"] / r["links"] if r["links"] else 1.0
            print(f"{r['pair']} {'with' if r['reworded'] else 'without'} the reworded pass: recall "
                  f"{total}/{m[1] + b[1]} = {total / max(m[1] + b[1], 1):.2f} (marked {m[0]}/{m[1]}, bare {b[0]}/{b[1]}; "
                  f"{r['only_reworded']} only by the reworded pass) [target 0.90]; precision {r['right']}/{r['links']} = "
                  f"{precision:.3f} [target 0.95]; floor {r['floors']}; link stage {r['wall']} s wall, {r['cpu']} s CPU "
                  f"(reworded step {r['steps'].get('reworded', 0):.1f} s); load {r['load']}", flush=True)
            for w in r["wrong"]:
                print(f"    wrong: essay:{w[0]} -> corpus:{w[1]} {w[2]} {w[3]}: {w[4]!r} ~ {w[5]!r}")
            if r["reworded"]:
                sample_pool += [(r["pair"], x) for x in r["reworded_links"]]
        results.append(runs)
    rng = random.Random(args.seed)
    sample = rng.sample(sample_pool, min(args.sample, len(sample_pool)))
    print(f"\nA seeded sample of {len(sample)} reworded links (of {len(sample_pool)}), for judging by hand:")
    genuine = false = unjudged = 0
    for k, (pair, x) in enumerate(sample, 1):
        j = verdicts.get((pair, x[0], x[1]))
        verdict = j["verdict"] if j else "unjudged"
        genuine += verdict == "genuine"
        false += verdict == "false"
        unjudged += verdict == "unjudged"
        pairs = [p for p in json.loads(x[7] or "[]")]
        words = ", ".join(f"{x[5][a:b]}~{x[6][c:d]}" if kind != "same" else x[5][a:b] for a, b, c, d, kind in pairs)
        print(f"{k:2}. [{verdict}] {pair} essay:{x[0]} -> corpus:{x[1]} meaning {x[3]}\n      {x[5]!r}\n      {x[6]!r}\n"
              f"      words: {words}" + (f"\n      reason: {j['reason']}" if j else ""))
    print(f"judged: {genuine} genuine, {false} false, {unjudged} not yet judged")
    (args.out / "bench_reworded.json").write_text(json.dumps(
        [[{k: v for k, v in r.items() if k != "reworded_links"} for r in runs] for runs in results], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
