"""A reader in a real Chromium: compare two documents, see the shared passages, follow a paragraph, search.

Runs ``synopsis serve`` as a real process on 127.0.0.1 against the hostile corpus, so
these tests also prove that no document text runs as script in a browser: any dialog
(``alert``) fails the test.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    if os.environ.get("SYNOPSIS_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " and SYNOPSIS_REQUIRE_BROWSER=1")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db_path: Path, port: int) -> subprocess.Popen:
    """``synopsis serve`` on 127.0.0.1:port, waited for until it answers."""
    log = open(db_path.with_suffix(f".serve-{port}.log"), "w+b")  # a file, not a pipe: it never fills up
    process = subprocess.Popen(
        [sys.executable, "-c", "from synopsis.cli import main; main()",
         "serve", "--db", str(db_path), "--no-build", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"synopsis serve exited: {log.read().decode(errors='replace')[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("synopsis serve did not answer within 30 s")


def _served(db_path: Path):
    """``synopsis serve`` on a free port for the length of a module's tests: its base URL."""
    _require_chromium()
    port = free_port()
    process = start_server(db_path, port)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def served_hostile(hostile_db):
    yield from _served(hostile_db)


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()
    assert dialogs == [], f"document text ran as script: {dialogs}"


def test_compare_choose_documents_see_marks_and_follow_a_paragraph(page, served_hostile):
    page.goto(served_hostile + "/compare")
    page.select_option("#syn-a", "alpha")
    page.select_option("#syn-b", "alpha-second")
    page.click(".syn-compare-form button")
    page.wait_for_url("**/compare?a=alpha&b=alpha-second")
    marked = page.locator(".syn-parallel mark").all_inner_texts()
    assert marked.count("the cult of the individual and its consequences") == 2
    assert "First <script>alert(1)</script> paragraph" in marked  # shown as text
    assert page.locator(".syn-gap").count() == 2
    assert page.locator("script", has_text="alert(1)").count() == 0
    # both columns side by side on a laptop
    left = page.locator(".syn-row").nth(1).locator(".syn-left").bounding_box()
    right = page.locator(".syn-row").nth(1).locator(".syn-right").bounding_box()
    assert right["x"] > left["x"] + left["width"] - 1 and abs(right["y"] - left["y"]) < 5
    page.click("text=alpha-second:1.1")
    assert page.locator("h1.syn-cite-heading").inner_text() == "Paragraph alpha-second:1.1"
    assert "Cite as:" in page.locator(".syn-cite").inner_text()


@pytest.fixture(scope="module")
def served_versions(versions_db):
    yield from _served(versions_db)


def test_compare_versions_many_to_many_rows_open_to_their_sentences(page, served_versions):
    """Two translations cut into paragraphs differently: rows of several paragraphs a side, sentences on demand."""
    page.goto(served_versions + "/compare?a=mark-en&b=mark-fr")
    rows = page.locator(".syn-row:not(.syn-row-head)")
    sizes = [(row.locator(".syn-left .syn-para").count(), row.locator(".syn-right .syn-para").count())
             for row in rows.all()]
    k = next(i for i, (l, r) in enumerate(sizes) if l >= 2 and r >= 2)
    row = rows.nth(k)
    # the paragraphs of one row stand side by side, top-aligned
    left, right = row.locator(".syn-left").bounding_box(), row.locator(".syn-right").bounding_box()
    assert right["x"] > left["x"] + left["width"] - 1 and abs(right["y"] - left["y"]) < 5
    details = row.locator("details.syn-sentences")
    pairs = details.locator("tr.syn-sentence-pair")
    assert not pairs.first.is_visible()  # closed until asked for
    details.locator("summary").click()
    assert pairs.first.is_visible() and pairs.count() >= 2
    english = " ".join(row.locator(".syn-left .syn-para p").all_inner_texts())
    french = " ".join(row.locator(".syn-right .syn-para p").all_inner_texts())
    for pair in pairs.all():
        for sentence in pair.locator(".syn-sentence-left .syn-sentence").all_inner_texts():
            assert sentence in english
        for sentence in pair.locator(".syn-sentence-right .syn-sentence").all_inner_texts():
            assert sentence in french


def test_compare_stacks_on_a_phone(browser, served_hostile):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(served_hostile + "/compare?a=alpha&b=gamma")
    row = page.locator(".syn-row").nth(1)
    left, right = row.locator(".syn-left").bounding_box(), row.locator(".syn-right").bounding_box()
    assert right["y"] >= left["y"] + left["height"] - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    context.close()


def test_paragraph_page_highlights_both_sides(page, served_hostile):
    page.goto(served_hostile + "/-/cite/alpha:1.1")
    elsewhere = page.locator(".syn-elsewhere")
    assert "gamma:1.2" in elsewhere.inner_text()
    pair = elsewhere.locator(".syn-link").filter(has_text="gamma:1.2").locator(".syn-pair mark").all_inner_texts()
    assert pair == ["the cult of the individual and its consequences"] * 2


def test_search_from_the_index(page, served_hostile):
    page.goto(served_hostile + "/")
    page.fill("#syn-q", "individ*")
    page.press("#syn-q", "Enter")
    page.wait_for_url("**/search?q=individ*")
    hits = page.locator("ol.syn-hits li")
    assert hits.count() == 3
    assert set(page.locator("ol.syn-hits mark").all_inner_texts()) == {"individual"}
    page.click("ol.syn-hits a.syn-ref >> nth=0")
    assert page.locator("h1.syn-cite-heading").count() == 1


@pytest.fixture(scope="module")
def served_real(built_db):
    """The real corpus: one text present, four catalogued without text."""
    yield from _served(built_db)


def test_a_newcomer_is_led_from_the_index_to_adding_a_second_text(page, served_real):
    page.goto(served_real + "/")
    first_row = page.locator("table.syn-documents tbody tr").first
    assert "cpsu-resolution-1956" in first_row.inner_text() and "Text loaded" in first_row.inner_text()
    assert "Only one document has its text here" in page.locator(".syn-add-second").inner_text()
    options = page.locator("#syn-b option").all_inner_texts()
    assert len(options) == 5 and sum(o.endswith("– text missing") for o in options) == 4
    page.select_option("#syn-b", "khrushchev-secret-speech-1956")
    page.click(".syn-compare-form button")
    page.wait_for_url("**/compare?a=cpsu-resolution-1956&b=khrushchev-secret-speech-1956")
    message = page.locator(".syn-missing-text").inner_text()
    assert "is missing, so there is nothing to compare yet" in message
    assert "synopsis fetch khrushchev-secret-speech-1956" in message and "`" not in message


def test_column_descriptions_open_on_request(page, served_real):
    page.goto(served_real + "/synopsis/annotations")
    descriptions = page.locator("dl.column-descriptions")
    assert not descriptions.is_visible()
    page.click("details.syn-columns summary")
    assert descriptions.is_visible() and "orphaned" in descriptions.inner_text()


@pytest.fixture(scope="module")
def served_revised(revised_editions_db):
    yield from _served(revised_editions_db)


def test_compare_editions_marks_what_changed_and_hides_trivial_variants(page, served_revised):
    from .conftest import RESOLUTION_ID, REVISED_ID

    page.goto(served_revised + f"/compare?a={RESOLUTION_ID}&b={REVISED_ID}")
    deleted = page.locator(".syn-left del.syn-var").all_inner_texts()
    inserted = page.locator(".syn-right ins.syn-var").all_inner_texts()
    assert {"the individual", "international", "labour", "in the past attempted"} <= set(deleted)
    assert {"personality", "clearly", "labor", "attempted in the past"} <= set(inserted)
    substitution = page.locator("del.syn-var.syn-substitution", has_text="the individual")
    assert "line-through" in substitution.evaluate("e => getComputedStyle(e).textDecorationLine")
    # the row with "the individual" counts its one substantive variant
    row = page.locator(".syn-row", has=substitution)
    assert row.locator(".syn-variant-count").inner_text().startswith("1")
    # trivial ones are quieter, and the switch takes their marks away
    trivial = page.locator("del.syn-var.syn-trivial", has_text="labour")
    background = trivial.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background != substitution.evaluate("e => getComputedStyle(e).backgroundColor")
    assert "line-through" in trivial.evaluate("e => getComputedStyle(e).textDecorationLine")
    page.check("#syn-hide-trivial")
    assert trivial.evaluate("e => getComputedStyle(e).textDecorationLine") == "none"
    assert "line-through" in substitution.evaluate("e => getComputedStyle(e).textDecorationLine")
    # a mark's tooltip says what the other edition reads
    assert substitution.get_attribute("title") == "substitution: “the individual” → “personality”"
