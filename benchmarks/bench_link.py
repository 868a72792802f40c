"""Precision, recall, time and memory of the link stage, beside naive all-pairs rapidfuzz.

Run: ``python benchmarks/bench_link.py [--seeds 3] [--corpus OUT --db DB] [--code DIR]``.
Prints a report; asserts nothing (speed targets are read off the report, never asserted
in tests).

Inputs
    * paraphrases: the 1956 resolution (paragraphs rejoined across page breaks) beside a
      document of paraphrased quotations written for the tests mixed with unrelated
      paragraphs (:data:`tests.support.cases.PARAPHRASES`). Truth: each marked rendering
      and the resolution paragraph it renders.
    * translations: pairs of documents, each holding one of two "translations" of a passage
      written for the tests (:data:`tests.support.cases.TRANSLATIONS`), quotations marked as
      the annotate stage marks them, beside unrelated paragraphs; two pairs share nothing.
    * editions: the resolution beside seeded editions of it
      (:func:`tests.support.editions.make_edition`). Truth: the generator's beads.
    * a generated corpus (``--corpus``/``--db``: the output of
      ``benchmarks/generate_corpus.py`` and a database built from it): the link stage's
      time and memory from scratch, the time to link one more document against all the
      others, and precision/recall on the planted passages.

Scoring cross-references
    A marked passage is *recalled* when a link joins its two paragraphs with spans that
    overlap the marked spans by at least half (Jaccard) on both sides. A link is
    *correct* when at least half of each of its spans lies inside marked spans (it links
    a passage that is really shared, even when it found only part of it, or found it
    again in another paragraph that repeats it). Links are counted once (not mirrored).

``--code DIR`` runs the cases against another checkout's link stage (e.g. the previous
commit, exported with ``git archive``) to report before/after figures on the same cases.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("link_cases", REPO / "tests" / "support" / "cases.py")
cases = importlib.util.module_from_spec(_spec)
sys.modules["link_cases"] = cases
_spec.loader.exec_module(cases)  # type: ignore[union-attr]


def link(path: Path, link_corpus) -> float:
    conn = sqlite3.connect(path)
    t = time.perf_counter()
    try:
        link_corpus(conn, cache=False)
    except TypeError:  # an older link stage without the cache argument
        link_corpus(conn)
    seconds = time.perf_counter() - t
    conn.commit()
    conn.close()
    return seconds


def links(path: Path) -> list[tuple]:
    """(source doc, source ordinal, source span, target doc, target ordinal, target span), once per passage."""
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT x.source_document_id, ps.ordinal, x.source_start, x.source_end, x.target_document_id, pt.ordinal, "
        "x.target_start, x.target_end FROM cross_references x JOIN paragraphs ps ON ps.id = x.source_paragraph_id "
        "JOIN paragraphs pt ON pt.id = x.target_paragraph_id WHERE x.source_document_id < x.target_document_id"
    ).fetchall()
    conn.close()
    return [(a, ao, (s0, s1), b, bo, (t0, t1)) for a, ao, s0, s1, b, bo, t0, t1 in rows]


def jaccard(a, b) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def inside(span, marks) -> float:
    """Share of ``span`` covered by the marked spans."""
    covered = sum(max(0, min(span[1], e) - max(span[0], s)) for s, e in marks)
    return covered / max(span[1] - span[0], 1)


def prf(correct: int, found: int, recalled: int, truth: int) -> tuple[float, float]:
    return (correct / found if found else 1.0), (recalled / truth if truth else 1.0)


def _plain(text: str) -> str:
    return text.translate(str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'"}))


def paraphrases(workdir: Path, link_corpus) -> str:
    res = cases.resolution_paragraphs()
    mixed, truth = [], []  # truth: (resolution ordinal, speech ordinal, resolution span, speech span)
    for k, case in enumerate(cases.PARAPHRASES):
        mixed.append(case.plain)
        for src, span in zip(case.sources, case.spans):
            key = _plain(" ".join(src.split()))
            source = next(i for i, p in enumerate(res, 1) if key[:60] in _plain(p))
            at = _plain(res[source - 1]).find(key)
            truth.append((source, len(mixed), (at, at + len(key)), span, case.name))
        mixed.append(cases.UNRELATED[k % len(cases.UNRELATED)])
    path = workdir / "paraphrases.db"
    cases.make_database(path, [("resolution", None, res), ("speeches", None, mixed)])
    secs = link(path, link_corpus)
    found = links(path)  # "resolution" < "speeches": source is the resolution
    marks_r = {}
    marks_s = {}
    for so, to, ss, ts, _ in truth:
        marks_r.setdefault(so, []).append(ss)
        marks_s.setdefault(to, []).append(ts)
    correct = sum(1 for _, so, ss, _, to, ts in found if inside(ts, marks_s.get(to, [])) >= 0.5)
    recalled = [t for t in truth if any(so == t[0] and to == t[1] and jaccard(ss, t[2]) >= 0.5 and jaccard(ts, t[3]) >= 0.5
                                        for _, so, ss, _, to, ts in found)]
    p, r = prf(correct, len(found), len(recalled), len(truth))
    missed = sorted({t[4] for t in truth} - {t[4] for t in recalled})
    return (f"paraphrases   P={p:.3f} R={r:.3f}  links={len(found)} marked={len(truth)}  {secs:.2f}s"
            + (f"  missed: {', '.join(missed)}" if missed else ""))


def translations(workdir: Path, link_corpus) -> str:
    from tests.support.editions import FILLER_SENTENCES

    documents, quotations, truth, marks = [], [], [], {}
    for k, case in enumerate(cases.TRANSLATIONS):
        for side, text, spans in (("l", case.left_plain, case.left_spans), ("r", case.right_plain, case.right_spans)):
            doc = f"{case.name}-{side}"
            filler = cases.UNRELATED[k % len(cases.UNRELATED)] if side == "l" else FILLER_SENTENCES[k % len(FILLER_SENTENCES)]
            documents.append((doc, None, [filler, text]))
            quotations.extend((doc, 2, s, e) for s, e in spans if s > 0 and text[s - 1] in "\"“")
            marks[doc] = spans
        for span in case.right_spans:
            truth.append((case.name, case.left_spans[0], span))
    path = workdir / "translations.db"
    cases.make_database(path, documents, quotations)
    secs = link(path, link_corpus)
    found = links(path)
    correct = sum(1 for a, ao, ss, b, bo, ts in found
                  if ao == bo == 2 and a[:-2] == b[:-2] and inside(ss, marks[a]) >= 0.5 and inside(ts, marks[b]) >= 0.5)
    recalled = [t for t in truth if any(a == f"{t[0]}-l" and b == f"{t[0]}-r" and ao == bo == 2 and jaccard(ss, t[1]) >= 0.5
                                        and jaccard(ts, t[2]) >= 0.5 for a, ao, ss, b, bo, ts in found)]
    p, r = prf(correct, len(found), len(recalled), len(truth))
    missed = sorted({t[0] for t in truth} - {t[0] for t in recalled})
    return (f"translations  P={p:.3f} R={r:.3f}  links={len(found)} marked={len(truth)}  {secs:.2f}s"
            + (f"  missed: {', '.join(missed)}" if missed else ""))


def editions(workdir: Path, link_corpus, seeds: int) -> str:
    from tests.support.editions import make_edition

    res = cases.resolution_paragraphs()
    got_total = truth_total = 0
    seconds = 0.0
    for seed in range(seeds):
        ed = make_edition(res, seed=seed, ocr_rate=0.02, merge_rate=0.08, split_rate=0.08, drop_rate=0.05,
                          insert_rate=0.05)
        path = workdir / f"edition{seed}.db"
        cases.make_database(path, [("resolution", None, res), ("resolution-ed", "resolution", ed.paragraphs)])
        seconds += link(path, link_corpus)
        conn = sqlite3.connect(path)
        beads: dict[int, tuple[set, set]] = {}
        for bead, lo, ro in conn.execute(
            "SELECT a.bead, pl.ordinal, pr.ordinal FROM alignments a LEFT JOIN paragraphs pl ON pl.id=a.left_paragraph_id "
            "LEFT JOIN paragraphs pr ON pr.id=a.right_paragraph_id WHERE a.method='edition'"
        ):
            entry = beads.setdefault(bead, (set(), set()))
            if lo:
                entry[0].add(lo - 1)
            if ro:
                entry[1].add(ro - 1)
        conn.close()
        got = {(tuple(sorted(a)), tuple(sorted(b))) for a, b in beads.values()}
        got_total += len(got & set(ed.beads))
        truth_total += len(ed.beads)
    return f"editions      beads recovered {got_total}/{truth_total} = {got_total / truth_total:.3f} over {seeds} editions  {seconds:.2f}s"


def generated(corpus: Path, db: Path, workdir: Path) -> list[str]:
    """The link stage on a built generated corpus: from scratch, then one more document."""
    from synopsis.link.stage import link_corpus

    answer = json.loads((corpus / "answer.json").read_text())
    work = workdir / "generated.db"
    shutil.copyfile(db, work)
    conn = sqlite3.connect(work)
    for table in ("cross_references", "alignments", "runs"):
        conn.execute(f"DELETE FROM {table}")
    conn.commit()
    cache = workdir / "tokens.npz"
    t, c = time.perf_counter(), time.process_time()
    report = link_corpus(conn, cache=cache)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    conn.commit()
    out = [f"generated     {report.documents} documents, {sum(1 for _ in conn.execute('SELECT id FROM paragraphs'))} "
           f"paragraphs: link from scratch {wall:.2f}s wall, {cpu:.2f}s CPU in this process, "
           f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; steps {report.steps}, CPU {report.cpu_steps}; "
           f"{report.runs_written} runs, {report.cross_references} cross-reference rows, {report.alignments} alignment rows"]
    # precision/recall on planted passages (strict: Jaccard >= 0.5 on both sides; lenient: any overlap)
    version_of = dict(conn.execute("SELECT id, version_of FROM documents"))
    family = {d: (version_of.get(d) or d) for d in version_of}
    found = [r for r in links(work) if family[r[0]] != family[r[3]]]
    planted = {}
    for p in answer["planted"]:
        key = tuple(sorted(((p["source_document"], p["source_ordinal"]), (p["target_document"], p["target_ordinal"]))))
        planted.setdefault(key, []).append(p)
    for name, test in (("strict", lambda a, b: jaccard(a, b) >= 0.5), ("lenient", lambda a, b: min(a[1], b[1]) > max(a[0], b[0]))):
        hit_ids, correct = set(), 0
        for a, ao, ss, b, bo, ts in found:
            ok = False
            for p in planted.get(tuple(sorted(((a, ao), (b, bo)))), []):
                ps, pt = (p["source_start"], p["source_end"]), (p["target_start"], p["target_end"])
                if (a, ao) != (p["source_document"], p["source_ordinal"]):
                    ps, pt = pt, ps
                if test(ss, ps) and test(ts, pt):
                    hit_ids.add(p["id"])
                    ok = True
            correct += ok
        pr, rc = prf(correct, len(found), len(hit_ids), len(answer["planted"]))
        out.append(f"generated     planted passages ({name} spans) P={pr:.3f} R={rc:.3f}  links={len(found)} planted={len(answer['planted'])}")
    # one more document: a copy of a document with a planted passage, under a new id
    src = answer["planted"][0]["target_document"]
    conn.execute("INSERT INTO documents (id, title, language, status, word_count, paragraph_count, quotation_count) "
                 "VALUES ('zz-added', 'Added', (SELECT language FROM documents WHERE id = ?), 'present', 0, 0, 0)", (src,))
    conn.execute(
        "INSERT INTO paragraphs (document_id, ordinal, ref, kind, text, char_start, char_end, source_start, source_end, "
        "word_count) SELECT 'zz-added', ordinal, 'zz-added:' || ordinal, kind, text, char_start, char_end, source_start, "
        "source_end, word_count FROM paragraphs WHERE document_id = ?", (src,),
    )
    t = time.perf_counter()
    again = link_corpus(conn, cache=cache)
    out.append(f"generated     add one document ({src} copied, {again.stale_documents} stale): link {time.perf_counter() - t:.2f}s "
               f"wall, steps {again.steps}, CPU {again.cpu_steps}; {again.runs_written} runs, {again.cross_references} cross-reference rows")
    conn.rollback()
    conn.close()
    return out


def naive_speedup(db: Path, workdir: Path, paragraphs: int = 5000) -> str:
    """link_corpus vs all-pairs rapidfuzz partial_ratio on the first ``paragraphs`` paragraphs of a corpus."""
    from rapidfuzz import fuzz, process

    from synopsis.link.normalize import tokenize
    from synopsis.link.stage import link_corpus

    src = sqlite3.connect(db)
    rows = src.execute("SELECT document_id, text FROM paragraphs ORDER BY document_id, ordinal LIMIT ?", (paragraphs,)).fetchall()
    src.close()
    docs: dict[str, list[str]] = {}
    for d, text in rows:
        docs.setdefault(d, []).append(text)
    path = workdir / "sample.db"
    cases.make_database(path, [(d, None, ps) for d, ps in docs.items()])
    secs = link(path, link_corpus)
    norm = [tokenize(t, language="en").normalized for _, t in rows]  # the generated corpus is "en"
    block = 10
    t = time.perf_counter()
    process.cdist(norm[:block], norm, scorer=fuzz.partial_ratio, workers=2)
    naive = (time.perf_counter() - t) * (len(norm) / block) / 2  # upper triangle of the all-pairs matrix
    return (f"naive         {len(rows)} paragraphs: link_corpus {secs:.2f}s; all-pairs partial_ratio (2 workers, "
            f"extrapolated from {block} rows) {naive:.0f}s: x{naive / secs:.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3, help="generated editions to measure")
    ap.add_argument("--corpus", type=Path, help="a generated corpus folder (with answer.json)")
    ap.add_argument("--db", type=Path, help="a database built from --corpus")
    ap.add_argument("--code", type=Path, help="measure the cases with the link stage of this checkout instead")
    args = ap.parse_args()
    sys.path.insert(0, str(args.code or REPO))
    from synopsis.link.stage import link_corpus

    print(f"link stage from {Path(sys.modules['synopsis.link.stage'].__file__).parent}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print(paraphrases(work, link_corpus))
        print(translations(work, link_corpus))
        print(editions(work, link_corpus, args.seeds))
        if args.corpus and args.db and not args.code:
            for line in generated(args.corpus, args.db, work):
                print(line)
            print(naive_speedup(args.db, work))


if __name__ == "__main__":
    tracemalloc.stop()
    main()
