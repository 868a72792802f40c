"""The pictures: the alignment map and the corpus map, drawn from real rows as SVG."""
from __future__ import annotations

import re
import sqlite3

from synopsis.publish.compare import aligned_rows
from synopsis.publish.maps import MAP_BANDS, alignment_map, corpus_map

from .conftest import EDITION_ID, HOSTILE, RESOLUTION_ID


def _map(db, a, b, **kwargs):
    with sqlite3.connect(db) as conn:
        rows = aligned_rows(conn, a, b)
        counts = dict(conn.execute("select id, paragraph_count from documents where id in (?, ?)", (a, b)).fetchall())
    svg = str(alignment_map(rows["outline"], a_count=counts[a], b_count=counts[b], a_label=a, b_label=b,
                            href=lambda i: f"/compare?start={i}", **kwargs))
    return rows, svg


def test_an_edition_map_joins_what_is_aligned_and_marks_what_one_lacks(two_texts_db):
    rows, svg = _map(two_texts_db, RESOLUTION_ID, EDITION_ID)
    outline = rows["outline"]
    dropped = sum(1 for r in outline if r["left"] and not r["right"])
    added = sum(1 for r in outline if r["right"] and not r["left"])
    assert dropped and added  # the seeded edition drops and adds paragraphs
    bands = re.findall(r'<a href="/compare\?start=(\d+)"><polygon', svg)
    gaps = re.findall(r'<a href="/compare\?start=(\d+)"><rect class="syn-map-gap"', svg)
    assert bands and gaps and len(bands) + len(gaps) <= 2 * MAP_BANDS
    # each gap mark opens the row of a paragraph one side lacks, each band a row both sides have
    assert all(not (outline[int(i)]["left"] and outline[int(i)]["right"]) for i in gaps)
    assert all(outline[int(i)]["left"] and outline[int(i)]["right"] for i in bands)
    # bands run left to right on both bars as the reading order does (no moved section here)
    starts = [float(m.split(",")[0]) for m in re.findall(r'points="([\d.]+,[\d.]+)', svg)]
    assert starts == sorted(starts)


def test_the_map_of_one_window_outlines_it(two_texts_db):
    _rows, svg = _map(two_texts_db, RESOLUTION_ID, EDITION_ID, window=(10, 10))
    assert svg.count('class="syn-map-here"') == 1


def test_names_in_the_pictures_are_escaped(hostile_db):
    with sqlite3.connect(hostile_db) as conn:
        docs = [{"id": i, "title": t} for i, t in conn.execute("select id, title from documents where status = 'present'")]
    assert any(HOSTILE in d["title"] for d in docs)
    svg = str(corpus_map(docs, {(docs[0]["id"], docs[1]["id"]): 3}, href=lambda x, y: f"/compare?a={x}&b={y}",
                         document_href=lambda x: f"/d/{x}"))
    assert HOSTILE not in svg and "&lt;script&gt;" in svg
    assert svg.count("<line") == 1 and svg.count("<circle") == len(docs)
