"""Cross-references in every language and corpus shape: a report, never an assertion.

Parts (``--only``, comma-separated):

invented
    Generated corpora in a made-up vocabulary with no stop list (``generate_corpus
    --invented``: Zipf, the most frequent word about 9% of tokens), 100,000 paragraphs as
    10 documents of 10,000 and as about 2,000 documents of 50, with planted reuse. Build
    time and peak memory (the whole process tree), planted reuse found (recall) and
    links that are planted reuse (precision). Targets: 60 s, 2 GiB, 0.99, 0.97.
realtexts
    All of ``benchmarks/realtexts/`` as verse-per-paragraph documents (one paragraph per
    verse: about 100,000 paragraphs in English, French and classical Chinese, the same
    work in every one). Build time, peak memory, links per document pair. Targets: 90 s, 2 GiB.
french
    Cost of French against English: FreSynodale1921's New Testament split into two
    documents of different rhythms, against Twenty and OEB's New Testaments; link seconds
    of each pair. Target: French at most 2x English.
quotations
    The BSB's Old and New Testaments as two documents: the famous New-Testament
    quotations of the Old in :data:`QUOTATIONS` found (a link between paragraphs holding
    the two verses), issue #15's span measures (share of links whose two texts are alike,
    ``fuzz.ratio`` >= 60 case-folded; links over 400 characters with unlike texts), and a
    seeded sample of 30 cross-references printed for checking by hand.

Usage: ``python benchmarks/bench_xref.py [--only invented,realtexts,french,quotations]``
"""
from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_scale  # noqa: E402
import generate_corpus  # noqa: E402

from synopsis.testing.realtexts import (  # noqa: E402
    NEW_TESTAMENT, OLD_TESTAMENT, TEXTS, load_verses, paragraphs, verses_of_paragraphs, write_document,
)

GiB = 1 << 30

QUOTATIONS = [
    # (New Testament verse, Old Testament verse it quotes)
    ("Matthew 4:4", "Deuteronomy 8:3"),
    ("Matthew 4:7", "Deuteronomy 6:16"),
    ("Matthew 4:10", "Deuteronomy 6:13"),
    ("Matthew 22:39", "Leviticus 19:18"),
    ("Matthew 22:37", "Deuteronomy 6:5"),
    ("Galatians 3:6", "Genesis 15:6"),
    ("Romans 4:3", "Genesis 15:6"),
    ("Matthew 1:23", "Isaiah 7:14"),
    ("Matthew 3:3", "Isaiah 40:3"),
    ("Matthew 21:9", "Psalms 118:26"),
    ("Matthew 21:42", "Psalms 118:22"),
    ("Matthew 27:46", "Psalms 22:1"),
    ("Luke 4:18", "Isaiah 61:1"),
    ("Acts 2:17", "Joel 2:28"),
    ("Romans 1:17", "Habakkuk 2:4"),
    ("Romans 10:13", "Joel 2:32"),
    ("Hebrews 1:5", "Psalms 2:7"),
    ("I Peter 1:16", "Leviticus 11:44"),
    ("Matthew 12:18", "Isaiah 42:1"),
    ("Hebrews 8:8", "Jeremiah 31:31"),
]
"""Famous quotations of the Old Testament in the New (verse ids as the vendored texts spell books)."""


def _build(documents: Path, db: Path, *, timeout: float = 1800.0) -> dict:
    db.unlink(missing_ok=True)
    return bench_scale.timed_build(documents, db, timeout=timeout)


def _summary(build: dict) -> str:
    return (f"{build['wall']:.1f} s wall, {build.get('cpu_seconds', 0):.1f} s CPU, "
            f"peak {build['peak_tree_bytes'] / GiB:.2f} GiB, build steps {build.get('steps')}")


def invented(out: Path) -> dict:
    results = {}
    for name, per_doc, equal in (("10 x 10,000", 10_000, True), ("~2,000 x 50", 50, False)):
        folder = out / f"invented-{per_doc}"
        t0 = time.perf_counter()
        generate_corpus.generate(folder, paragraphs=100_000, seed=1956, invented=True, paragraphs_per_document=per_doc,
                                 equal_documents=equal, edition_share=0.0)
        generated = time.perf_counter() - t0
        answer = json.loads((folder / "answer.json").read_text())
        build = _build(folder / "documents", folder / "synopsis.db")
        quality = bench_scale.xref_quality(folder / "synopsis.db", answer)
        results[name] = {"documents": answer["documents"], "generated_seconds": round(generated, 1), "build": build,
                         "quality": quality}
        print(f"invented {name}: {answer['documents']} documents, {answer['paragraphs']} paragraphs; build {_summary(build)}"
              f" [targets 60 s, 2 GiB]; recall {quality['recall']:.4f} ({quality['found']}/{quality['planted']}), "
              f"precision {quality['precision']:.4f} ({quality['passages_correct']}/{quality['passages_linked']}) "
              f"[targets 0.97, 0.99]; load {bench_scale.load()}", flush=True)
    return results


def _write_texts(folder: Path, names: list[str], *, per_verse: bool = True) -> dict[str, list]:
    made = {}
    for name in names:
        language, title = TEXTS[name]
        verses = load_verses(name)
        paras = paragraphs(verses, seed=1, min_verses=1, max_verses=1, language=language) if per_verse else None
        write_document(folder / name, doc_id=name.lower(), title=title, language=language, paragraphs=paras)
        made[name.lower()] = paras
    return made


def realtexts(out: Path) -> dict:
    folder = out / "realtexts"
    names = list(TEXTS)
    _write_texts(folder / "documents", names)
    build = _build(folder / "documents", folder / "synopsis.db")
    conn = sqlite3.connect(folder / "synopsis.db")
    n = conn.execute("SELECT count(*) FROM paragraphs").fetchone()[0]
    pairs = conn.execute(
        "SELECT source_document_id, target_document_id, count(*) FROM cross_references "
        "WHERE source_document_id < target_document_id GROUP BY 1, 2 ORDER BY 1, 2").fetchall()
    sims = conn.execute(
        "SELECT left_document_id, right_document_id, count(*) FROM alignments WHERE method = 'similarity' "
        "GROUP BY 1, 2 ORDER BY 1, 2").fetchall()
    conn.close()
    print(f"realtexts: {len(names)} documents, {n} paragraphs (one verse each); build {_summary(build)} "
          f"[targets 90 s, 2 GiB]; load {bench_scale.load()}", flush=True)
    for a, b, c in pairs:
        print(f"  cross-references {a} ↔ {b}: {c}")
    for a, b, c in sims:
        print(f"  similarity rows {a} → {b}: {c}")
    return {"paragraphs": n, "build": build, "cross_references": pairs, "similarity": sims}


def french(out: Path) -> dict:
    results = {}
    for label, specs in (
        ("french", [("FreSynodale1921", 1, 1, 3), ("FreSynodale1921", 2, 2, 6)]),
        ("english", [("Twenty", 1, 1, 3), ("OEB", 2, 2, 6)]),
    ):
        folder = out / f"cost-{label}"
        for k, (name, seed, lo, hi) in enumerate(specs):
            language, title = TEXTS[name]
            verses = load_verses(name, books=NEW_TESTAMENT)
            write_document(folder / "documents" / f"{label}-{k}", doc_id=f"{label}-{k}", title=f"{title} ({k})",
                           language=language, paragraphs=paragraphs(verses, seed=seed, min_verses=lo, max_verses=hi,
                                                                    language=language))
        build = _build(folder / "documents", folder / "synopsis.db")
        conn = sqlite3.connect(folder / "synopsis.db")
        xrefs = conn.execute("SELECT count(*) FROM cross_references").fetchone()[0] // 2
        conn.close()
        results[label] = {"build": build, "cross_references": xrefs}
        print(f"cost {label}: build {_summary(build)}; {xrefs} cross-references; load {bench_scale.load()}", flush=True)
    fr = results["french"]["build"]["steps"]["link"]
    en = results["english"]["build"]["steps"]["link"]
    print(f"cost french / english: link {fr:.1f} s / {en:.1f} s = {fr / max(en, 1e-9):.2f}x [target 2x]", flush=True)
    return results


def quotations(out: Path, *, sample: int = 30) -> dict:
    from rapidfuzz import fuzz

    folder = out / "quotations"
    made = {}
    for doc_id, books, seed in (("bsb-ot", OLD_TESTAMENT, 3), ("bsb-nt", NEW_TESTAMENT, 4)):
        paras = paragraphs(load_verses("BSB", books=books), seed=seed, min_verses=2, max_verses=8)
        write_document(folder / "documents" / doc_id, doc_id=doc_id, title=f"BSB {doc_id}", language="en", paragraphs=paras,
                       headings=False)
        made[doc_id] = paras
    build = _build(folder / "documents", folder / "synopsis.db")
    conn = sqlite3.connect(folder / "synopsis.db")
    verses, index = {}, {}
    for doc_id, paras in made.items():
        rows = conn.execute("SELECT id, text FROM paragraphs WHERE document_id = ? ORDER BY ordinal", (doc_id,)).fetchall()
        verses[doc_id] = dict(zip([r[0] for r in rows], verses_of_paragraphs([r[1] for r in rows], paras)))
        for pid, vs in verses[doc_id].items():
            for v in vs:
                index.setdefault(v, set()).add(pid)
    links = conn.execute(
        "SELECT source_paragraph_id, target_paragraph_id, source_text, target_text, score FROM cross_references "
        "WHERE source_document_id = 'bsb-nt' AND target_document_id = 'bsb-ot' ORDER BY id").fetchall()
    params = conn.execute("SELECT parameters FROM runs WHERE kind = 'cross_reference' LIMIT 1").fetchone()
    conn.close()
    linked = {(s, t) for s, t, *_ in links}
    found = []
    for nt, ot in QUOTATIONS:
        hit = any((s, t) in linked for s in index.get(nt, ()) for t in index.get(ot, ()))
        found.append((nt, ot, hit))
    alike = [fuzz.ratio(a.casefold(), b.casefold()) >= 60 for _, _, a, b, _ in links]
    long_unlike = [(a, b) for (_, _, a, b, _), ok in zip(links, alike) if not ok and max(len(a), len(b)) > 400]
    print(f"quotations: BSB OT/NT build {_summary(build)}; load {bench_scale.load()}")
    print(f"  run parameters: {params[0] if params else None}")
    print(f"  famous quotations found: {sum(h for *_, h in found)} of {len(found)} [target 17 of 18]")
    for nt, ot, hit in found:
        print(f"    {'found' if hit else 'MISSED'}  {nt} ← {ot}")
    share = sum(alike) / len(alike) if alike else 0.0
    print(f"  links NT→OT: {len(links)}; alike spans (ratio ≥ 60, case-folded): {share:.3f} [target 0.95]; "
          f"over 400 characters and unlike: {len(long_unlike)} [target 0]")
    rng = random.Random(15)
    picked = rng.sample(links, min(sample, len(links)))
    print(f"  a sample of {len(picked)} cross-references (seed 15) for checking by hand:")
    for k, (s, t, a, b, score) in enumerate(picked, 1):
        nv, ov = _verse_range(verses["bsb-nt"].get(s, ())), _verse_range(verses["bsb-ot"].get(t, ()))
        print(f"  {k:2d}. [{score:.0f}] {nv} | {a!r}\n      ← {ov} | {b!r}")
    return {"build": build, "found": found, "links": len(links), "alike_share": share, "long_unlike": len(long_unlike)}


def _verse_range(ids) -> str:
    """``Book c:v–c:v`` of a paragraph's verses, in reading order."""
    def key(v: str) -> tuple[int, int]:
        chapter, verse = v.rsplit(" ", 1)[1].split(":")
        return int(chapter), int(verse)

    ordered = sorted(ids, key=key)
    if not ordered:
        return "?"
    return ordered[0] if len(ordered) == 1 else f"{ordered[0]}–{ordered[-1].rsplit(' ', 1)[1]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="invented,realtexts,french,quotations")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    bench_scale.WORK.mkdir(parents=True, exist_ok=True)
    print(f"machine: {bench_scale.machine()}", flush=True)
    parts = {"invented": invented, "realtexts": realtexts, "french": french, "quotations": quotations}
    results = {}
    for name in args.only.split(","):
        results[name] = parts[name](args.out)
    (args.out / "bench_xref.json").write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
