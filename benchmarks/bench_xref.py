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
    seeded sample of 30 cross-references printed for checking by hand. Also a second,
    independent list of famous quotations (:data:`QUOTATIONS_MORE`), several paragraph
    splits (``--splits``: reviewers cut the texts their own way; the worst is printed), and
    the hand judgements in ``xref_judgements.json`` applied to seeded samples of every
    split (``--sample-seeds``): genuine, false and not yet judged per sample, the judged
    precision with its Wilson interval, and the links still to judge (also written to
    ``out/xref_unjudged.json``, in the judgements file's format). Every link of a split,
    with its verdict, is written to ``links.json`` in the split's folder.

Usage: ``python benchmarks/bench_xref.py [--only invented,realtexts,french,quotations]
[--splits 3] [--ot-seed 3 --nt-seed 4 --min-verses 2 --max-verses 8] [--sample-seeds 15,16]``
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
sys.path[:0] = [str(HERE), str(HERE.parent)]  # the other benchmarks; tests.support of this checkout

import bench_scale  # noqa: E402
import generate_corpus  # noqa: E402

from tests.support.judgements import (  # noqa: E402
    Judgement, Judgements, normalise, parse_range, verse_range, verses_of_span, wilson_interval,
)
from tests.support.realtexts import (  # noqa: E402
    NEW_TESTAMENT, OLD_TESTAMENT, TEXTS, Verse, load_verses, paragraphs, verses_of_paragraphs, write_document,
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

QUOTATIONS_MORE = [
    # A second list, made apart from the first (no verse of it again), each pair read in the BSB:
    # (New Testament verses, Old Testament verses; "c:v-w" a range, "|" alternatives the NT may quote)
    ("Acts 8:32-33", "Isaiah 53:7-8"),  # "He was led like a sheep to the slaughter"
    ("Matthew 8:17", "Isaiah 53:4"),  # "He took on our infirmities and carried our diseases"
    ("Matthew 22:44", "Psalms 110:1"),  # "The Lord said to my Lord, Sit at My right hand"
    ("Hebrews 5:6", "Psalms 110:4"),  # "You are a priest forever in the order of Melchizedek"
    ("Matthew 2:15", "Hosea 11:1"),  # "Out of Egypt I called My Son"
    ("Matthew 2:6", "Micah 5:2"),  # "But you, Bethlehem ..."
    ("Matthew 4:6", "Psalms 91:11-12"),  # "He will command His angels concerning You"
    ("Matthew 4:16", "Isaiah 9:2"),  # "the people living in darkness have seen a great light"
    ("Matthew 5:38", "Exodus 21:24"),  # "Eye for eye and tooth for tooth"
    ("Matthew 9:13", "Hosea 6:6"),  # "I desire mercy, not sacrifice"
    ("Matthew 11:10", "Malachi 3:1"),  # "I will send My messenger ahead of You"
    ("Matthew 13:14-15", "Isaiah 6:9-10"),  # "ever hearing but never understanding"
    ("Matthew 15:8", "Isaiah 29:13"),  # "These people honor Me with their lips"
    ("Matthew 19:5", "Genesis 2:24"),  # "a man will leave his father and mother ... one flesh"
    ("Matthew 21:5", "Zechariah 9:9"),  # "your King comes to you, gentle and riding on a donkey"
    ("Matthew 26:31", "Zechariah 13:7"),  # "Strike the Shepherd, and the sheep will be scattered"
    ("Luke 23:46", "Psalms 31:5"),  # "Into Your hands I commit My Spirit"
    ("John 2:17", "Psalms 69:9"),  # "Zeal for Your house will consume Me"
    ("John 19:24", "Psalms 22:18"),  # "They divided My garments among them"
    ("John 19:36", "Psalms 34:20|Exodus 12:46"),  # "Not one of His bones will be broken"
    ("John 19:37", "Zechariah 12:10"),  # "They will look on the One they have pierced"
    ("Acts 2:25", "Psalms 16:8"),  # "I saw the Lord always before me"
    ("Acts 7:49", "Isaiah 66:1"),  # "Heaven is My throne and the earth is My footstool"
    ("Acts 15:16", "Amos 9:11"),  # "rebuild the fallen tent of David"
    ("Romans 4:7", "Psalms 32:1"),  # "Blessed are they whose lawless acts are forgiven"
    ("Romans 8:36", "Psalms 44:22"),  # "we are considered as sheep to be slaughtered"
    ("Romans 9:13", "Malachi 1:2-3"),  # "Jacob I loved, but Esau I hated"
    ("Romans 9:15", "Exodus 33:19"),  # "I will have mercy on whom I have mercy"
    ("Romans 10:15", "Isaiah 52:7"),  # "How beautiful are the feet of those who bring good news"
    ("Romans 12:19", "Deuteronomy 32:35"),  # "Vengeance is Mine; I will repay"
    ("Romans 12:20", "Proverbs 25:21"),  # "If your enemy is hungry, feed him"
    ("Romans 13:9", "Exodus 20:13-17|Deuteronomy 5:17-21"),  # "Do not commit adultery, do not murder ..."
    ("I Corinthians 9:9", "Deuteronomy 25:4"),  # "Do not muzzle an ox while it is treading out the grain"
    ("I Corinthians 15:55", "Hosea 13:14"),  # "Where, O Death, is your sting?"
    ("II Corinthians 6:2", "Isaiah 49:8"),  # "In the time of favor I heard you"
    ("Galatians 3:13", "Deuteronomy 21:23"),  # "Cursed is everyone who is hung on a tree"
    ("Ephesians 6:2", "Exodus 20:12|Deuteronomy 5:16"),  # "Honor your father and mother"
    ("Hebrews 2:6", "Psalms 8:4"),  # "What is man that You are mindful of him"
    ("Hebrews 10:5", "Psalms 40:6"),  # "Sacrifice and offering You did not desire"
    ("Hebrews 13:5", "Deuteronomy 31:6"),  # "Never will I leave you, never will I forsake you"
    ("I Peter 1:24", "Isaiah 40:6"),  # "All flesh is like grass"
    ("I Peter 2:6", "Isaiah 28:16"),  # "See, I lay in Zion a stone, a chosen and precious cornerstone"
]
"""A second, independent list of famous quotations: reviewers check with a list of their own,
so a figure that holds on two lists made apart says more than one tuned on a single list."""

SPLIT_RHYTHMS = [(1, 5), (3, 12), (2, 6), (4, 10)]
"""Verses per paragraph (min, max) of the splits after the first (``--splits``): reviewers cut the
Testaments with a rhythm of their own, so the report runs several and prints the worst."""

JUDGEMENTS = HERE / "xref_judgements.json"
"""Cross-references judged by hand (genuine or false, with a reason): see tests.support.judgements."""


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


def _expand(spec: str, order: dict[str, int]) -> set[str]:
    """The verse ids of ``"Book c:v"``, ``"Book c:v-w"`` or alternatives joined by ``|``."""
    out: set[str] = set()
    for part in spec.split("|"):
        book, lo, hi = parse_range(part)
        wanted = {vid for vid in order if vid.rsplit(" ", 1)[0] == book
                  and lo <= tuple(int(x) for x in vid.rsplit(" ", 1)[1].split(":")) <= hi}
        if not wanted:
            raise ValueError(f"no verse {part.strip()!r} in the BSB")
        out |= wanted
    return out


def _splits(first: tuple[int, int, int, int], count: int) -> list[tuple[int, int, int, int]]:
    """``count`` paragraph rhythms ``(OT seed, NT seed, min verses, max verses)``: ``first``, then
    other seeds with the rhythms of :data:`SPLIT_RHYTHMS` in turn."""
    ot_seed, nt_seed, lo, hi = first
    out = [(ot_seed, nt_seed, lo, hi)]
    for k in range(1, count):
        rlo, rhi = SPLIT_RHYTHMS[(k - 1) % len(SPLIT_RHYTHMS)]
        out.append((ot_seed + 1000 * k, nt_seed + 1000 * k, rlo, rhi))
    return out


def _quotation_split(folder: Path, split: tuple[int, int, int, int], verse_of: dict[str, Verse],
                     order: dict[str, int]) -> dict:
    """Build the two Testaments with one paragraph rhythm; the NT→OT links with their spans' verses."""
    ot_seed, nt_seed, lo, hi = split
    made = {}
    for doc_id, books, seed in (("bsb-ot", OLD_TESTAMENT, ot_seed), ("bsb-nt", NEW_TESTAMENT, nt_seed)):
        paras = paragraphs([v for v in verse_of.values() if v.book in books], seed=seed, min_verses=lo, max_verses=hi)
        write_document(folder / "documents" / doc_id, doc_id=doc_id, title=f"BSB {doc_id}", language="en",
                       paragraphs=paras, headings=False)
        made[doc_id] = paras
    build = _build(folder / "documents", folder / "synopsis.db")
    conn = sqlite3.connect(folder / "synopsis.db")
    verses, index = {}, {}
    for doc_id, paras in made.items():
        rows = conn.execute("SELECT id, text FROM paragraphs WHERE document_id = ? AND kind != 'heading' ORDER BY ordinal", (doc_id,)).fetchall()
        verses[doc_id] = dict(zip([r[0] for r in rows], verses_of_paragraphs([r[1] for r in rows], paras)))
        for pid, vs in verses[doc_id].items():
            for v in vs:
                index.setdefault(v, set()).add(pid)
    rows = conn.execute(
        "SELECT source_paragraph_id, target_paragraph_id, source_text, target_text, score FROM cross_references "
        "WHERE source_document_id = 'bsb-nt' AND target_document_id = 'bsb-ot' AND kind = 'verbatim' ORDER BY id").fetchall()
    # the reworded pass's links (issue #19) are reported apart: the verbatim figures stay comparable
    reworded = conn.execute(
        "SELECT source_paragraph_id, target_paragraph_id, source_text, target_text, score, meaning_score, "
        "correspondences FROM cross_references WHERE source_document_id = 'bsb-nt' AND target_document_id = 'bsb-ot' "
        "AND kind = 'reworded' ORDER BY id").fetchall()
    params = conn.execute("SELECT parameters FROM runs WHERE kind = 'cross_reference' LIMIT 1").fetchone()
    conn.close()

    def span(doc_id: str, pid: int, text: str) -> list[str]:
        held = sorted(verses[doc_id].get(pid, ()), key=order.__getitem__)
        return verses_of_span(text, [verse_of[v] for v in held]) or held

    links = []
    for s, t, a, b, score in rows:
        link = {"source_paragraph": s, "target_paragraph": t, "source_text": a, "target_text": b, "score": score,
                "paragraph_source": verse_range(verses["bsb-nt"].get(s, ())),
                "paragraph_target": verse_range(verses["bsb-ot"].get(t, ())),
                "source_verses": span("bsb-nt", s, a), "target_verses": span("bsb-ot", t, b)}
        link["source"], link["target"] = verse_range(link["source_verses"]), verse_range(link["target_verses"])
        links.append(link)
    (folder / "reworded-links.json").write_text(json.dumps(
        [{"source_paragraph": r[0], "target_paragraph": r[1], "source_text": r[2], "target_text": r[3], "score": r[4],
          "meaning_score": r[5], "source": verse_range(span("bsb-nt", r[0], r[2])),
          "target": verse_range(span("bsb-ot", r[1], r[3]))} for r in reworded], indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8")
    return {"split": split, "build": build, "links": links, "index": index, "reworded": len(reworded),
            "parameters": params[0] if params else None}


def _found(lists: dict[str, list], links: list[dict], index: dict[str, set], order: dict[str, int]) -> dict:
    """Per list, each quotation ``(NT, OT, found, on the spans)``: found when a link joins paragraphs
    holding the two verses; on the spans when such a link's spans cover them (the link is about the
    quotation, not about another phrase the two paragraphs share)."""
    by_pair: dict[tuple[int, int], list[dict]] = {}
    for link in links:
        by_pair.setdefault((link["source_paragraph"], link["target_paragraph"]), []).append(link)
    out = {}
    for name, entries in lists.items():
        rows = []
        for nt, ot in entries:
            nt_v, ot_v = _expand(nt, order), _expand(ot, order)
            sources = set().union(*(index.get(v, set()) for v in nt_v))
            targets = set().union(*(index.get(v, set()) for v in ot_v))
            hits = [link for s in sources for t in targets for link in by_pair.get((s, t), ())]
            on_span = any(nt_v & set(h["source_verses"]) and ot_v & set(h["target_verses"]) for h in hits)
            rows.append((nt, ot, bool(hits), on_span))
        out[name] = rows
    return out


def _judge(judgements: Judgements, link: dict) -> tuple[str, Judgement | None]:
    """``genuine``, ``false`` (with ``~`` when by a near match) or ``unjudged``, and the judgement."""
    j, exact = judgements.verdict(link["source"], link["target"], link["source_text"], link["target_text"])
    if j is None:
        return "unjudged", None
    return ("genuine" if j.genuine else "false") + ("" if exact else "~"), j


def _entry(link: dict) -> dict:
    """A link as an entry of the judgements file, not yet judged."""
    return {"source": link["source"], "target": link["target"], "source_text": link["source_text"],
            "target_text": link["target_text"], "genuine": None, "reason": ""}


def _print_link(k: int, link: dict, verdict: str = "", reason: str = "") -> None:
    tag = f" <{verdict}{': ' + reason if reason else ''}>" if verdict else ""
    print(f"  {k:2d}. [{link['score']:.0f}] {link['paragraph_source']} | {link['source_text']!r}\n"
          f"      ← {link['paragraph_target']} | {link['target_text']!r}\n"
          f"      spans {link['source']} ← {link['target']}{tag}")


def _precision_line(label: str, genuine: int, false: int) -> str:
    n = genuine + false
    lo, hi = wilson_interval(genuine, n)
    return f"{label}: {genuine} genuine of {n} judged = {genuine / n if n else 0.0:.3f} (Wilson 95% {lo:.3f}–{hi:.3f})"


def quotations(out: Path, *, sample: int = 30, split: tuple[int, int, int, int] = (3, 4, 2, 8), splits: int = 1,
               sample_seeds: tuple[int, ...] = (15,), judgements_path: Path | None = None,
               show_samples: bool = False) -> dict:
    """The BSB quotation measures (module doc) on ``splits`` paragraph rhythms, ``split`` the first.

    The first split prints the lines this report always printed (other tooling reads them);
    later splits print a summary each; then the worst split, and the judged precision over
    the distinct links drawn in the samples of all splits.
    """
    from rapidfuzz import fuzz

    judgements = Judgements.load(judgements_path or JUDGEMENTS)
    bsb = load_verses("BSB", books=OLD_TESTAMENT + NEW_TESTAMENT)
    verse_of = {v.id: v for v in bsb}
    order = {v.id: k for k, v in enumerate(bsb)}
    lists = {"first list": QUOTATIONS, "second list": QUOTATIONS_MORE}
    results, drawn, every, unjudged, unjudged_all = [], {}, {}, {}, {}
    for number, rhythm in enumerate(_splits(split, splits), 1):
        folder = out / "quotations" if number == 1 else out / f"quotations-split{number}"
        made = _quotation_split(folder, rhythm, verse_of, order)
        links, build = made["links"], made["build"]
        found = _found(lists, links, made["index"], order)
        alike = [fuzz.ratio(x["source_text"].casefold(), x["target_text"].casefold()) >= 60 for x in links]
        long_unlike = [x for x, ok in zip(links, alike)
                       if not ok and max(len(x["source_text"]), len(x["target_text"])) > 400]
        share = sum(alike) / len(alike) if alike else 0.0
        counts = {name: (sum(r[2] for r in rows), sum(r[3] for r in rows), len(rows)) for name, rows in found.items()}
        both = tuple(sum(c[i] for c in counts.values()) for i in range(3))
        label = f"split {number} (OT seed {rhythm[0]}, NT seed {rhythm[1]}, {rhythm[2]}–{rhythm[3]} verses)"
        print(f"  {label}: {len(links)} verbatim NT→OT links; {made['reworded']} reworded (reworded-links.json)")
        if number == 1:
            print(f"quotations: BSB OT/NT build {_summary(build)}; load {bench_scale.load()}")
            print(f"  run parameters: {made['parameters']}")
            print(f"  {label}")
            print(f"  famous quotations found: {counts['first list'][0]} of {counts['first list'][2]} [target 17 of 18]")
            for nt, ot, hit, on_span in found["first list"]:
                print(f"    {'found' if hit else 'MISSED'}  {nt} ← {ot}{'' if on_span or not hit else '  (spans elsewhere)'}")
            print(f"  second list found: {counts['second list'][0]} of {counts['second list'][2]}")
            for nt, ot, hit, on_span in found["second list"]:
                print(f"    {'found' if hit else 'MISSED'}  {nt} ← {ot}{'' if on_span or not hit else '  (spans elsewhere)'}")
            print(f"  links NT→OT: {len(links)}; alike spans (ratio ≥ 60, case-folded): {share:.3f} [target 0.95]; "
                  f"over 400 characters and unlike: {len(long_unlike)} [target 0]")
        else:
            print(f"quotations {label}: build {_summary(build)}; load {bench_scale.load()}")
            for name in lists:
                missed = [f"{nt} ← {ot}" for nt, ot, hit, _ in found[name] if not hit]
                print(f"  {name} found {counts[name][0]} of {counts[name][2]}; missed: {', '.join(missed) or 'none'}")
            print(f"  NT→OT links {len(links)}; alike share {share:.3f}; long unlike {len(long_unlike)}")
        print(f"  {label}: first list {counts['first list'][0]}/{counts['first list'][2]} "
              f"(spans on the verses {counts['first list'][1]}), second list {counts['second list'][0]}/"
              f"{counts['second list'][2]} (spans on the verses {counts['second list'][1]}), both {both[0]}/{both[2]} "
              f"(spans on the verses {both[1]})")
        for x in long_unlike:
            print(f"    long unlike: {x['source']} ({len(x['source_text'])} characters) ← {x['target']} "
                  f"({len(x['target_text'])} characters)")
        tallies = []
        for seed in sample_seeds:
            picked = random.Random(seed).sample(links, min(sample, len(links)))
            verdicts = [_judge(judgements, x) for x in picked]
            tally = {v: sum(1 for w, _ in verdicts if w.rstrip("~") == v) for v in ("genuine", "false", "unjudged")}
            near = sum(1 for w, _ in verdicts if w.endswith("~"))
            tallies.append((seed, tally))
            full = show_samples or (number == 1 and seed == sample_seeds[0])
            if full:
                print(f"  a sample of {len(picked)} cross-references (seed {seed}) for checking by hand:")
            elif tally["genuine"] < len(picked):
                print(f"  sample (seed {seed}), the links not judged genuine:")
            for k, (x, (w, j)) in enumerate(zip(picked, verdicts), 1):
                key = (x["source"], x["target"], normalise(x["source_text"]), normalise(x["target_text"]))
                drawn[key] = w.rstrip("~")
                if w == "unjudged":
                    unjudged[key] = _entry(x)
                if full or not w.startswith("genuine"):
                    _print_link(k, x, w, j.reason if j else "")
            print(f"  sample (seed {seed}) of {len(picked)}: judged genuine {tally['genuine']}, false {tally['false']}, "
                  f"not yet judged {tally['unjudged']} [target ≥ 27 genuine of 30]"
                  + (f" ({near} by a near match)" if near else ""))
        judged_all = [_judge(judgements, x) for x in links]
        verdicts_all = [w.rstrip("~") for w, _ in judged_all]
        (folder / "links.json").write_text(json.dumps(
            [{**_entry(x), "score": x["score"], "verdict": w, "reason": j.reason if j else ""}
             for x, (w, j) in zip(links, judged_all)], indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        for x, w in zip(links, verdicts_all):
            every[(x["source"], x["target"], normalise(x["source_text"]), normalise(x["target_text"]))] = w
            if w == "unjudged":
                unjudged_all.setdefault((x["source"], x["target"], normalise(x["source_text"]),
                                         normalise(x["target_text"])), _entry(x))
        g_all, f_all = verdicts_all.count("genuine"), verdicts_all.count("false")
        u_all = len(links) - g_all - f_all
        print(f"  all {len(links)} links of split {number}: judged genuine {g_all}, false {f_all}, not yet judged {u_all}; "
              + (f"precision {g_all / max(len(links), 1):.3f}" if not u_all else
                 f"so precision between {g_all / len(links):.3f} and {(len(links) - f_all) / len(links):.3f}"))
        results.append({"split": rhythm, "build": build, "parameters": made["parameters"], "found": found,
                        "counts": counts, "links": len(links), "alike_share": share, "long_unlike": len(long_unlike),
                        "samples": tallies, "judged_all": {"genuine": g_all, "false": f_all, "links": len(links)}})
    genuine = sum(1 for v in drawn.values() if v == "genuine")
    false = sum(1 for v in drawn.values() if v == "false")
    print(f"quotations over {len(results)} split(s):")
    for name, entries in lists.items():
        per = [r["counts"][name][0] for r in results]
        print(f"  {name}: found {', '.join(map(str, per))} of {len(entries)}; worst {min(per)}")
    per = [sum(r["counts"][n][0] for n in lists) for r in results]
    print(f"  both lists: found {', '.join(map(str, per))} of {sum(map(len, lists.values()))}; worst {min(per)}")
    shares = [r["alike_share"] for r in results]
    longs = [r["long_unlike"] for r in results]
    print(f"  alike share: {', '.join(f'{x:.3f}' for x in shares)}; worst {min(shares):.3f} [target 0.95]; "
          f"long unlike: {', '.join(map(str, longs))}; worst {max(longs)} [target 0]")
    cells = [(t["genuine"], t["unjudged"], k + 1, seed) for k, r in enumerate(results) for seed, t in r["samples"]]
    print("  samples' genuine links (+ not yet judged): "
          + "; ".join(f"split {n} seed {seed}: {g}" + (f"+{u}?" if u else "") for g, u, n, seed in cells)
          + f"; worst {min(cells)[0]} [target ≥ 27 of 30]")
    print("  " + _precision_line(f"judged precision over the {len(drawn)} distinct links drawn in all samples",
                                 genuine, false) + f"; not yet judged {len(drawn) - genuine - false}")
    g_every, f_every = sum(v == "genuine" for v in every.values()), sum(v == "false" for v in every.values())
    print("  " + _precision_line(f"judged precision over all {len(every)} distinct links of all splits", g_every, f_every)
          + f"; not yet judged {len(every) - g_every - f_every}")
    if unjudged:
        path = out / "xref_unjudged.json"
        path.write_text(json.dumps({"judgements": list(unjudged.values())}, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        print(f"  {len(unjudged)} links drawn but not yet judged, written to {path} "
              f"(judge them and add them to benchmarks/{JUDGEMENTS.name}):")
        for k, entry in enumerate(unjudged.values(), 1):
            print(f"    {k}. {entry['source']} | {entry['source_text']!r}\n"
                  f"       ← {entry['target']} | {entry['target_text']!r}")
    if unjudged_all:
        path = out / "xref_unjudged_all.json"
        path.write_text(json.dumps({"judgements": list(unjudged_all.values())}, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        print(f"  {len(unjudged_all)} distinct links of all splits not yet judged (drawn or not): written to {path}")
    first = results[0]
    return {"build": first["build"], "found": first["found"]["first list"], "links": first["links"],
            "alike_share": first["alike_share"], "long_unlike": first["long_unlike"], "splits": results,
            "judged_precision": {"genuine": genuine, "false": false, "drawn": len(drawn),
                                 "wilson95": wilson_interval(genuine, genuine + false)},
            "judged_all_links": {"genuine": g_every, "false": f_every, "links": len(every)}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="invented,realtexts,french,quotations")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    quotation = parser.add_argument_group("quotations")
    quotation.add_argument("--splits", type=int, default=3,
                           help="paragraph rhythms to build the Testaments with (the first as below, then others)")
    quotation.add_argument("--ot-seed", type=int, default=3, help="first split: the Old Testament's rhythm seed")
    quotation.add_argument("--nt-seed", type=int, default=4, help="first split: the New Testament's rhythm seed")
    quotation.add_argument("--min-verses", type=int, default=2, help="first split: fewest verses in a paragraph")
    quotation.add_argument("--max-verses", type=int, default=8, help="first split: most verses in a paragraph")
    quotation.add_argument("--sample-seeds", default="15,16",
                           help="comma-separated seeds of the samples of 30 links drawn from each split")
    quotation.add_argument("--judgements", type=Path, default=JUDGEMENTS, help="hand judgements (JSON)")
    quotation.add_argument("--show-samples", action="store_true", help="print every sample in full")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    bench_scale.WORK.mkdir(parents=True, exist_ok=True)
    print(f"machine: {bench_scale.machine()}", flush=True)
    seeds = tuple(int(x) for x in args.sample_seeds.split(","))
    parts = {"invented": invented, "realtexts": realtexts, "french": french,
             "quotations": lambda out: quotations(
                 out, split=(args.ot_seed, args.nt_seed, args.min_verses, args.max_verses), splits=args.splits,
                 sample_seeds=seeds, judgements_path=args.judgements, show_samples=args.show_samples)}
    results = {}
    for name in args.only.split(","):
        results[name] = parts[name](args.out)
    (args.out / "bench_xref.json").write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
