"""One reader per view: ``synopsis compare`` and the compare page show the same rows with the same scores.

Both read :func:`synopsis.publish.compare.aligned_rows`; this checks it from the outside,
the CLI's JSON against the served page's HTML, over pairs of every kind: two editions in
one language (either order), two translations cut into paragraphs differently, and
documents linked only by shared passages or similarity.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from synopsis.cli import cli

from .conftest import EDITION_ID, RESOLUTION_ID, REVISED_ID, SiteClient


@pytest.fixture(scope="module")
def revised_site(revised_editions_db):
    client = SiteClient(revised_editions_db)
    yield client
    client.close()


def cli_rows(db, a, b) -> list[tuple]:
    result = CliRunner().invoke(cli, ["compare", a, b, "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    return [(tuple(r["left"]), tuple(r["right"]), r["score"]) for r in data["rows"]]


def page_rows(site, a, b) -> list[tuple]:
    response = site.get(f"/compare?a={a}&b={b}&size=all")
    assert response.status_code == 200
    tree = HTMLParser(response.text)
    rows = []
    for row in tree.css(".syn-parallel .syn-row:not(.syn-row-head)"):
        left = tuple(n.text() for n in row.css(".syn-left .syn-para > a.syn-ref"))
        right = tuple(n.text() for n in row.css(".syn-right .syn-para > a.syn-ref"))
        score = row.attributes.get("data-score")
        rows.append((left, right, float(score) if score else None))
    return rows


@pytest.mark.parametrize(("site", "db", "a", "b"), [
    ("two_texts_site", "two_texts_db", RESOLUTION_ID, EDITION_ID),
    ("two_texts_site", "two_texts_db", EDITION_ID, RESOLUTION_ID),
    ("revised_site", "revised_editions_db", REVISED_ID, RESOLUTION_ID),
    ("versions_site", "versions_db", "mark-fr", "mark-en"),
    ("versions_site", "versions_db", "mark-en", "mark-fr"),
    ("hostile_site", "hostile_db", "alpha", "gamma"),
    ("hostile_site", "hostile_db", "gamma", "alpha"),
    ("hostile_site", "hostile_db", "alpha", "alpha-second"),
])
def test_cli_and_page_show_the_same_rows_and_scores(request, site, db, a, b):
    site, db = request.getfixturevalue(site), request.getfixturevalue(db)
    from_cli, from_page = cli_rows(db, a, b), page_rows(site, a, b)
    assert from_cli, f"{a} / {b}: no rows"
    assert from_page == from_cli
    # a gap has no score in both (not 0.0 in one of them)
    assert all(score is None for left, right, score in from_cli if not (left and right))
