"""Each language as its profile reads it: linking and search on the vendored real texts; prints a report.

For each text, two documents of the same verses with different paragraph rhythms (seeds 1
and 2) are built with `synopsis build`; the report gives the build and link seconds, and
the cross-references and similarity alignments between the two scored by verses
(:func:`tests.support.realtexts.score_links`: a link is right when its paragraphs share
a verse). A language whose function words go unrecognised shows as many more pairs at a
lower precision, and a slower link step.

Then the full-text index choices for text written without spaces are measured on the
whole Wenli Bible (ChiUnL): the index size and whether a two- and a three-character word
are found, with the text column alone, FTS5's trigram tokenizer, and the bigram column
Synopsis uses.

Run: .venv/bin/python benchmarks/bench_languages.py [TEXT ...]   (default FreSynodale1921 BSB ChiUnL)
"""
from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support of this checkout

from synopsis.build import build
from synopsis.languages import profile_for
from synopsis.languages.search import search_terms
from tests.support import realtexts

GOSPELS = ["Matthew", "Mark", "Luke", "John"]


def _links(conn: sqlite3.Connection, sql: str, ids: dict[int, dict[int, int]]) -> set[tuple[int, int]]:
    return {(ids[1][a], ids[2][b]) for a, b in conn.execute(sql) if a in ids[1] and b in ids[2]}


def link_report(name: str, books: list[str]) -> str:
    language, title = realtexts.TEXTS[name]
    verses = realtexts.load_verses(name, books=books)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        made = {}
        for k in (1, 2):
            made[k] = realtexts.paragraphs(verses, seed=k, language=language)
            realtexts.write_document(root / "documents" / f"d{k}", doc_id=f"d{k}", title=title, language=language,
                                     paragraphs=made[k])
        t = time.perf_counter()
        report = build(documents_dir=root / "documents", db_path=root / "synopsis.db")
        total = time.perf_counter() - t
        with sqlite3.connect(root / "synopsis.db") as conn:
            ids, truth = {}, {}
            for k in (1, 2):
                rows = conn.execute("SELECT id, text FROM paragraphs WHERE document_id = ? AND kind != 'heading' "
                                    "ORDER BY ordinal", (f"d{k}",)).fetchall()
                ids[k] = {pid: i for i, (pid, _) in enumerate(rows)}
                truth[k] = realtexts.verses_of_paragraphs([text for _, text in rows], made[k])
            xref = realtexts.score_links(_links(conn, "SELECT source_paragraph_id, target_paragraph_id FROM cross_references "
                                                      "WHERE source_document_id = 'd1' AND target_document_id = 'd2'", ids),
                                         truth[1], truth[2])
            similar = realtexts.score_links(_links(conn, "SELECT left_paragraph_id, right_paragraph_id FROM alignments "
                                                         "WHERE left_document_id = 'd1' AND right_document_id = 'd2'", ids),
                                            truth[1], truth[2])
    return (f"{name:16s} {language:4s} {len(verses):>6} verses x2  build {total:6.1f}s  link {report.seconds.get('link', 0.0):6.1f}s  "
            f"cross-references P={xref.precision:.3f} R={xref.recall:.3f} ({xref.links} pairs)  "
            f"alignments P={similar.precision:.3f} R={similar.recall:.3f} ({similar.links})")


def chinese_index_report() -> list[str]:
    texts = [v.text for v in realtexts.load_verses("ChiUnL")]
    two, three = "耶穌", "拿撒勒"
    out = [f"ChiUnL: {len(texts)} verses, {sum(map(len, texts))} characters; verses holding {two}: "
           f"{sum(two in t for t in texts)}, {three}: {sum(three in t for t in texts)}"]
    profile = profile_for("lzh")
    choices = [
        ("text column alone", "fts5(text, tokenize='porter unicode61 remove_diacritics 2')", [(t,) for t in texts], two, three),
        ("trigram tokenizer", "fts5(text, tokenize='trigram')", [(t,) for t in texts], two, three),
        ("bigram column", "fts5(text, search_terms, tokenize='porter unicode61 remove_diacritics 2')",
         [(t, search_terms(t, profile)) for t in texts], two, 'search_terms:"拿撒 撒勒"'),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for label, ddl, rows, q2, q3 in choices:
            path = os.path.join(tmp, f"{label.split()[0]}.db")
            with sqlite3.connect(path) as conn:
                conn.execute(f"CREATE VIRTUAL TABLE t USING {ddl}")
                t = time.perf_counter()
                conn.executemany(f"INSERT INTO t VALUES ({','.join('?' * len(rows[0]))})", rows)
                secs = time.perf_counter() - t
                size = conn.execute("SELECT sum(length(block)) FROM t_data").fetchone()[0]
                found = [conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (q,)).fetchone()[0] for q in (q2, q3)]
            out.append(f"  {label:18s} index {size / 1e6:5.1f} MB  insert {secs:4.1f}s  {two}: {found[0]:>5}  {three}: {found[1]:>4}")
    return out


def main(names: list[str]) -> None:
    print("Two documents of the same verses (the Gospels), different paragraph rhythms:")
    for name in names:
        print(link_report(name, GOSPELS), flush=True)
    print()
    print("\n".join(chinese_index_report()))


if __name__ == "__main__":
    main(sys.argv[1:] or ["FreSynodale1921", "BSB", "ChiUnL"])
