"""The TEI export is well-formed XML whatever the documents say, and keeps their text exactly."""
from __future__ import annotations

from lxml import etree

from synopsis.publish.tei import TEI_NS, parallel_segmentation

NS = {"t": TEI_NS}
HOSTILE = "<script>alert(1)</script> & ]]> \x0b"


def _docs():
    return {"id": "a", "title": f"A {HOSTILE}", "date": "1956"}, {"id": "1b", "title": "B <b>", "date": None}


def test_edition_rows_become_apps_with_empty_readings_for_gaps():
    a, b = _docs()
    comparison = {"mode": "edition", "rows": [
        {"left": [{"id": 1, "ref": "a:1", "text": f"One {HOSTILE} shared"}], "right": [{"id": 9, "ref": "1b:1", "text": "One shared"}],
         "score": 91.0, "pattern": "1-1", "bead": 1},
        {"left": [{"id": 2, "ref": "a:2", "text": "Dropped"}], "right": [], "score": 0.0, "pattern": "1-0", "bead": 2},
    ]}
    xml = parallel_segmentation(a, b, comparison, {1: [(0, 3)], 9: [(0, 3)]}, url_for=lambda i: f"http://x/p/{i}")
    root = etree.fromstring(xml)  # well-formed, or this raises
    apps = root.findall(".//t:app", NS)
    assert [app.get("n") for app in apps] == ["1", "2"]
    assert apps[0].get("cert") == "0.91"
    first = apps[0].find("t:rdg[@wit='#w-a']/t:seg", NS)
    assert first.get("n") == "a:1" and first.get("corresp") == "http://x/p/1"
    assert "".join(first.itertext()) == "One <script>alert(1)</script> & ]]>  shared"  # text kept, control char dropped
    assert first.find("t:seg[@type='shared']", NS).text == "One"
    assert len(apps[1].find("t:rdg[@wit='#w-1b']", NS)) == 0  # the gap: an empty reading
    assert root.find(".//t:witness[@n='a']", NS).text.startswith("A <script>")
    assert b"<script>" not in xml


def test_similarity_matches_carry_their_certainty():
    a, b = _docs()
    comparison = {"mode": "similarity", "rows": [
        {"left": [{"id": 1, "ref": "a:1", "text": "x"}], "right": [{"id": 9, "ref": "1b:1", "text": "y", "score": 64.0}],
         "score": 64.0, "pattern": None, "bead": None},
    ]}
    root = etree.fromstring(parallel_segmentation(a, b, comparison, {}))
    assert root.find(".//t:rdg[@wit='#w-1b']/t:seg", NS).get("cert") == "0.64"
    assert root.find(".//t:variantEncoding", NS).get("method") == "parallel-segmentation"
