"""The reading room, second round (#22), in a real Chromium: each defect a reader hit, and the new pages.

Each test here failed before its fix: the speaker grey on Datasette's footer bar, the TEI
export's paragraph links built from the request's own path, a document title opening a
raw database row, the search canned query opening on an FTS5 syntax error, a mistyped id
answered by a bare "Record not found", an added document "supplied with the corpus", the
matrix's column headers cut to the same words, a long compare page with no way to the next
change, and no picture of an alignment or of the corpus.
"""
from __future__ import annotations

import re

import pytest

from .conftest import EDITION_ID, RESOLUTION_ID, REVISED_ID
from . import test_browser as _browser
from .test_browser import _served

browser, page = _browser.browser, _browser.page  # the fixtures of the first browser tests, shared

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def served_real(built_db):
    yield from _served(built_db)


@pytest.fixture(scope="module")
def served_two(two_texts_db):
    """The resolution and an edition of it added with ``synopsis add``."""
    yield from _served(two_texts_db)


@pytest.fixture(scope="module")
def served_revised(revised_editions_db):
    yield from _served(revised_editions_db)


CONTRAST = """e => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
                                return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  let node = e, bg = null;
  while (node && node.nodeType === 1) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { bg = c.slice(0, 3); break; }
    node = node.parentElement;
  }
  bg = bg || [255, 255, 255];
  const fg = rgb(getComputedStyle(e).color).slice(0, 3);
  const [l1, l2] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}"""


def test_the_speaker_of_a_quotation_is_readable(page, served_real):
    page.goto(served_real + f"/-/cite/{RESOLUTION_ID}:2.13.q1")
    speaker = page.locator(".syn-quote .syn-speaker")
    assert speaker.inner_text() == "V. I. Lenin"
    assert speaker.evaluate(CONTRAST) >= 4.5  # WCAG AA for body text
    assert page.locator(".syn-quote").evaluate(CONTRAST) >= 4.5


def test_every_paragraph_link_of_the_tei_export_opens_its_paragraph(page, served_two):
    response = page.request.get(served_two + f"/compare.tei?a={RESOLUTION_ID}&b={EDITION_ID}")
    assert response.ok
    links = set(re.findall(r'"(https?://[^"]+)"', response.text()))
    paragraph_links = {link for link in links if "/paragraphs/" in link}
    assert len(paragraph_links) > 50
    assert all(re.fullmatch(re.escape(served_two) + r"/synopsis/paragraphs/\d+", link) for link in paragraph_links), \
        sorted(paragraph_links)[:3]
    page.goto(sorted(paragraph_links)[0])
    assert page.locator("h1.syn-cite-heading").inner_text().startswith("Paragraph ")


def test_a_title_opens_the_document_page_to_read_in_order(page, served_two):
    page.goto(served_two + "/")
    page.click(f"table.syn-documents a[href$='/documents/{RESOLUTION_ID}']")
    assert page.locator("h1.syn-document-title").inner_text() == "On Overcoming the Cult of the Individual and Its Consequences"
    provenance = page.locator(".syn-provenance").inner_text()
    assert "Soviet News booklet No. 20" in provenance and "sha256" in provenance and "Rights" in provenance
    # the text in reading order, under real section headings (not a section's cut-off first words)
    headings = page.locator(".syn-document-text h3.syn-section-heading").all_inner_texts()
    assert headings[:2] == ["Section 1", "Section 2"]
    assert not [h for h in headings if "central committee" in h.lower()]
    refs = page.locator(".syn-document-text .syn-reading-para > a.syn-ref").all_inner_texts()
    assert refs[:3] == ["1.1", "1.2", "1.3"] and len(refs) == 77
    assert page.locator("textarea, .sql, pre.wrapped-sql").count() == 0  # a reading page, not an SQL result
    # what it shares, with a way to compare; its quotations
    shares = page.locator(".syn-shares").inner_text()
    assert "another edition" in shares
    assert page.locator(".syn-document-quotations li").count() == 26
    page.click(f".syn-shares a[href*='b={EDITION_ID}']")
    page.wait_for_url(f"**/compare?a={RESOLUTION_ID}&b={EDITION_ID}")


def test_the_search_canned_query_opens_without_an_error(page, served_real):
    page.goto(served_real + "/synopsis/search")
    assert "syntax error" not in page.content()
    assert page.locator(".message-error, .error").count() == 0
    page.goto(served_real + "/synopsis/search?q=lenin")
    assert page.locator("table.rows-and-columns tbody tr").count() > 0


def test_a_mistyped_id_in_a_row_url_offers_the_nearest_ids(page, served_real):
    response = page.goto(served_real + "/synopsis/documents/cpsu-resolutin-1956")
    assert response.status == 404
    page.click(f"a[href$='/documents/{RESOLUTION_ID}']")
    assert page.locator("h1.syn-document-title").count() == 1
    response = page.goto(served_real + f"/synopsis/paragraphs/{RESOLUTION_ID}:1.9")  # a citation where an id goes
    assert response.status == 404
    page.click(f"text={RESOLUTION_ID}:1.9")
    assert page.locator("h1.syn-cite-heading").inner_text() == f"Paragraph {RESOLUTION_ID}:1.9"


def test_a_document_a_user_added_says_who_added_it(page, served_two):
    page.goto(served_two + "/")
    row = page.locator("table.syn-documents tbody tr", has_text=EDITION_ID)
    assert "added by " in row.inner_text() and "supplied with the corpus" not in row.inner_text()
    page.goto(served_two + f"/synopsis/documents/{EDITION_ID}")
    assert "added by " in page.locator(".syn-provenance").inner_text()


def test_matrix_headers_are_whole_so_two_editions_read_apart(page, served_two):
    page.goto(served_two + "/")
    headers = page.locator("table.syn-matrix thead th span")
    assert headers.all_inner_texts() == [RESOLUTION_ID, EDITION_ID]
    for k in range(headers.count()):
        assert headers.nth(k).evaluate("e => e.scrollWidth <= e.clientWidth + 1 && e.scrollHeight <= e.clientHeight + 1")


def test_next_and_previous_change_on_a_compare_page(page, served_revised):
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(served_revised + f"/compare?a={RESOLUTION_ID}&b={REVISED_ID}")
    changed = page.locator(".syn-row.syn-changed")
    assert changed.count() >= 2
    tops = []
    for _ in range(2):
        page.click(".syn-change-nav [data-syn-step='1']")
        current = page.locator(".syn-row.syn-current")
        assert current.count() == 1
        tops.append(current.get_attribute("id"))
        assert abs(current.bounding_box()["y"] - 8) < 4  # brought to the top of the window
    ids = [changed.nth(k).get_attribute("id") for k in range(2)]
    assert tops == ids
    page.click(".syn-change-nav [data-syn-step='-1']")
    assert page.locator(".syn-row.syn-current").get_attribute("id") == ids[0]


def test_the_alignment_map_moves_through_a_long_comparison(page, served_two):
    page.goto(served_two + f"/compare?a={RESOLUTION_ID}&b={EDITION_ID}&size=10")
    assert page.locator(".syn-window-place").first.inner_text().startswith("rows 1–10 of ")
    assert page.locator(".syn-parallel .syn-row:not(.syn-row-head)").count() == 10
    bands = page.locator("svg.syn-map a")
    assert bands.count() > 5
    bands.last.locator("polygon, rect").first.click()
    page.wait_for_url(re.compile(r"start=\d+"))
    start = int(re.search(r"start=(\d+)", page.url).group(1))
    assert start > 0 and start % 10 == 0
    assert page.locator(".syn-window-place").first.inner_text().startswith(f"rows {start + 1}–")
    page.click(".syn-window a[rel=prev] >> nth=0")
    assert page.locator(".syn-window-place").first.inner_text().startswith(f"rows {start - 9}–")


def test_the_corpus_map_links_documents_and_pairs(page, served_two):
    page.goto(served_two + "/")
    line = page.locator("svg.syn-corpus-map a:has(line)")
    assert line.count() == 1
    page.locator("svg.syn-corpus-map").scroll_into_view_if_needed()
    middle = line.first.locator("line").evaluate("e => { const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }")
    page.mouse.click(*middle)
    page.wait_for_url(re.compile(r"/compare\?a="))
    assert page.locator(".syn-parallel").count() == 1
