"""Quotations across languages: an English essay quoting verses, found in a translation (issue #20).

The essay is the reworded benchmark's (``bench_reworded.essay``): the resolution's own
sentences, and into each of ``--verses`` paragraphs one New Testament verse in the
*quoting* translation's wording (half in quotation marks, half bare), plus paragraphs of
the resolution alone. The corpus holds another English translation (*base*, cut into
paragraphs of 2–8 verses) and a translation in another language (*foreign*), declared
``version_of`` the base (``--undeclared``: not declared; then no pair is learned and,
without a dictionary for the language pair, nothing is linked across languages — the pair
is reported as unknown). Built with the real ``synopsis build``; the report prints:

* recall: quoted verses whose essay paragraph is linked to the foreign paragraph holding
  the verse (any kind of cross-reference);
* precision of the essay's links to the foreign document: right when the foreign
  paragraph holds the quoted verse or a parallel of it (a verse of that paragraph whose
  base wording agrees with the quoted verse's base wording, ``token_set_ratio`` ≥ 60);
* cost: the link stage's CPU seconds relinking the same database with and without the
  cross-language pass (``LinkParameters.translated``; each run twice in turn, the second
  kept: the first pays for what a process loads once), and the load average.

Usage: ``python benchmarks/bench_translated.py [--pairs Twenty>BSB~FreSynodale1921] [--undeclared]``
(quoting>base~foreign; the defaults run French, German and classical Chinese).
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from bench_reworded import essay, load  # noqa: E402
from synopsis.build import build  # noqa: E402
from synopsis.link.parameters import LinkParameters  # noqa: E402
from synopsis.link.stage import link_corpus  # noqa: E402
from tests.support import realtexts as rt  # noqa: E402

SHARED = Path("/work/shared/realtexts")
LANGUAGES = {**{name: language for name, (language, _) in rt.TEXTS.items()}, "GerTafel": "de"}
DEFAULT = "Twenty>BSB~FreSynodale1921,Twenty>BSB~GerTafel,Twenty>BSB~ChiUnL"


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _verses(name: str, books) -> list:
    directory = None if (rt.default_dir() / f"{name}.txt.gz").exists() else SHARED
    return rt.load_verses(name, books=books, directory=directory)


def _essay_markdown(paras: list[str]) -> str:
    return "# An essay\n\n" + "\n\n".join(p.replace("*", "\\*") for p in paras) + "\n"


def run(quoting: str, base: str, foreign: str, *, verses: int, seed: int, declared: bool, work: Path) -> dict:
    foreign_verses = _verses(foreign, rt.NEW_TESTAMENT)
    books = tuple(dict.fromkeys(v.book for v in foreign_verses))  # a partial translation: its books only
    quoted = _verses(quoting, books)
    base_verses = _verses(base, books)
    have = {v.id for v in foreign_verses} & {v.id for v in base_verses}
    usable = [v for v in quoted if v.id in have and 12 <= len(v.text.split()) <= 60]
    chosen = sorted(random.Random(seed).sample(usable, verses), key=usable.index)
    paras, _, quotes = essay(quoting, chosen, seed)
    documents = work / "documents"
    shutil.rmtree(documents, ignore_errors=True)
    (documents / "essay").mkdir(parents=True)
    (documents / "essay" / "metadata.toml").write_text(
        'id = "essay"\ntitle = "An essay"\nlanguage = "en"\nsource_file = "essay.md"\n', encoding="utf-8")
    (documents / "essay" / "essay.md").write_text(_essay_markdown(paras), encoding="utf-8")
    shutil.copy(REPO / "documents" / "lexicon.toml", documents / "lexicon.toml")
    base_made = rt.paragraphs(base_verses, seed=4, min_verses=2, max_verses=8, language="en")
    rt.write_document(documents / "base", doc_id="base", title=base, language="en", paragraphs=base_made)
    language = LANGUAGES[foreign]
    foreign_made = rt.paragraphs(foreign_verses, seed=5, min_verses=2, max_verses=8, language=language)
    rt.write_document(documents / "foreign", doc_id="foreign", title=foreign, language=language,
                      paragraphs=foreign_made, version_of="base" if declared else None)
    db = work / "corpus.db"
    db.unlink(missing_ok=True)
    t0 = time.perf_counter()
    report = build(documents_dir=documents, db_path=db)
    build_s = time.perf_counter() - t0
    costs = {}
    # the same database relinked from scratch, with and without the pass, each twice in turn: the
    # second of each is kept (the first pays for what a process loads once, dictionaries and tables)
    for translated in (False, True, False, True):
        conn = sqlite3.connect(db)
        c0 = cpu()
        link_corpus(conn, force=True, cache=False, parameters=LinkParameters(translated=translated))
        conn.commit()
        costs[translated] = round(cpu() - c0, 2)
        conn.close()
    conn = sqlite3.connect(db)
    pairs = conn.execute("SELECT count(*) FROM lexicon WHERE source = 'learned' AND token IS NULL").fetchone()[0]
    dictionaries = [row[0] for row in conn.execute(
        "SELECT DISTINCT source FROM lexicon WHERE source NOT IN ('learned', 'learned-one-way', 'corpus', 'corpus term')")]
    links = conn.execute(
        "SELECT pe.id, pf.id, x.kind, x.meaning_score, x.source_text, x.target_text, x.method FROM cross_references x "
        "JOIN paragraphs pe ON pe.id IN (x.source_paragraph_id, x.target_paragraph_id) AND pe.document_id = 'essay' "
        "JOIN paragraphs pf ON pf.id IN (x.source_paragraph_id, x.target_paragraph_id) AND pf.document_id = 'foreign'"
    ).fetchall()
    essay_rows = conn.execute("SELECT id, text FROM paragraphs WHERE document_id = 'essay' ORDER BY ordinal").fetchall()
    foreign_ids, foreign_holds = rt.stored_verses(conn, "foreign", foreign_made)
    conn.close()
    holds = dict(zip(foreign_ids, foreign_holds))
    # the essay's stored paragraph that holds each written one (by its words: ingest may cut otherwise)
    essay_ordinal: dict[int, set[int]] = {}  # a stored paragraph may hold two written ones (ingest joins some)
    for k, written in enumerate(paras, 1):
        probe = rt.letters_of(written)[:200]
        for pid, text in essay_rows:
            if probe and probe in rt.letters_of(text):
                essay_ordinal.setdefault(pid, set()).add(k)
                break
    base_text = {v.id: v.text for v in base_verses}
    by_ordinal = {q["ordinal"]: q for q in quotes}

    def right(link) -> bool:
        here = holds.get(link[1], set())
        for k in essay_ordinal.get(link[0], ()):
            q = by_ordinal.get(k)
            if q is None:
                continue
            if q["verse"] in here:
                return True
            told = base_text.get(q["verse"], "")
            if any(fuzz.token_set_ratio(told, base_text.get(v, "")) >= 60 for v in here):
                return True
        return False

    found = sum(1 for q in quotes if any(q["ordinal"] in essay_ordinal.get(x[0], ()) and q["verse"] in holds.get(x[1], ())
                                          for x in links))
    good = sum(right(x) for x in links)
    return {"pair": f"{quoting}>{base}~{foreign}", "declared": declared, "language": language,
            "learned_pairs": pairs, "dictionaries": dictionaries, "recall": [found, len(quotes)], "precision": [good, len(links)],
            "kinds": sorted({x[2] for x in links}),
            "methods": {m: sum(1 for x in links if x[6] == m) // 2 for m in sorted({x[6] for x in links})},
            "recall_direct": sum(1 for q in quotes if any(q["ordinal"] in essay_ordinal.get(x[0], ()) and q["verse"] in holds.get(x[1], ())
                                                          and x[6] != "through-alignment" for x in links)), "link_cpu_without": costs[False], "link_cpu_with": costs[True],
            "build_s": round(build_s, 1), "build_link_s": report.link_seconds, "load": load(),
            "wrong": [(x[0], x[1], x[2], x[4][:80], x[5][:80]) for x in links if not right(x)][:10]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", default=DEFAULT)
    parser.add_argument("--verses", type=int, default=50)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--undeclared", action="store_true", help="the foreign text not declared a translation")
    parser.add_argument("--both", action="store_true", help="declared and undeclared")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (for a look at the database)")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            tmp = str(args.keep)
        for spec in args.pairs.split(","):
            quoting, rest = spec.split(">")
            base, foreign = rest.split("~")
            for declared in ((True, False) if args.both else (not args.undeclared,)):
                r = run(quoting, base, foreign, verses=args.verses, seed=args.seed, declared=declared, work=Path(tmp))
                results.append(r)
                f, n = r["recall"]
                g, m = r["precision"]
                unknown = ("" if r["learned_pairs"] or r["dictionaries"] else
                           " (no bilingual source for this language pair: reported as unknown, nothing guessed)")
                print(f"{r['pair']} {'declared' if declared else 'undeclared'} ({r['language']}): recall {f}/{n} = {f / max(n, 1):.2f} "
                      f"[target 0.80]; precision {g}/{m} = {g / max(m, 1):.3f} [target 0.90]; learned pairs {r['learned_pairs']}, "
                      f"dictionaries {r['dictionaries']}"
                      f"{unknown}; kinds {r['kinds']}, links by method {r['methods']}, recall without composed links {r['recall_direct']}; link CPU without {r['link_cpu_without']} s, with {r['link_cpu_with']} s "
                      f"({r['link_cpu_with'] / max(r['link_cpu_without'], 1e-9):.2f}×) [target ≤ 1.5×]; load {r['load']}", flush=True)
                for w in r["wrong"]:
                    print(f"    wrong: essay:{w[0]} -> foreign:{w[1]} {w[2]}: {w[3]!r} ~ {w[4]!r}")
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_translated.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
