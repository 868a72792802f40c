"""Take the README's screenshots of the main pages: ``python docs/screenshots/make.py``.

Builds the corpus from ``documents/`` into a temporary folder, serves it with ``synopsis
serve`` on 127.0.0.1 and photographs the index, the compare page (laptop and phone), a
paragraph page and a search with Debian's Chromium. While the resolution is the only text
whose source is present, a second witness is needed to show a comparison: the script adds
one to its temporary copy of the corpus, titled as a demonstration so that nobody mistakes
it for a real edition: the resolution with three paragraphs left out, one added and a few
words changed (:data:`tests.support.revisions.RESOLUTION_EDITS`: a substitution, an
insertion, a deletion, a transposition and two respellings, plus "country" → "land").
``variants.png`` shows those word variants on the compare page.
"""
from __future__ import annotations

import logging
import re
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO))

from tests.test_browser import ARGS, CHROMIUM, free_port, start_server  # noqa: E402

from synopsis.build import build  # noqa: E402
from tests.support.revisions import revise_resolution  # noqa: E402

DEMO_ID = "cpsu-resolution-1956-demo"
EXTRACT_ID = "cpsu-resolution-1956-extract-demo"
log = logging.getLogger("screenshots")


def demo_corpus(folder: Path) -> Path:
    """A copy of documents/ plus the demonstration witness."""
    documents = folder / "documents"
    shutil.copytree(REPO / "documents", documents)
    source = revise_resolution(
        (REPO / "documents/cpsu-resolution-1956/cpsu-cc-resolution-1956-06-30.md").read_text(encoding="utf-8"))
    blocks = source.split("\n\n")
    body = [i for i, block in enumerate(blocks) if len(block) > 400]
    for i in (body[4], body[11], body[19]):
        blocks[i] = ""
    blocks.insert(body[8], "This paragraph was added to the demonstration copy to show an added paragraph on the compare page.")
    text = "\n\n".join(block for block in blocks if block)
    text = re.sub(r"\bcountry\b", "land", text, count=6)
    demo = documents / DEMO_ID
    demo.mkdir()
    (demo / "resolution-demo.md").write_text(text, encoding="utf-8")
    (demo / "metadata.toml").write_text(
        f'id = "{DEMO_ID}"\n'
        'title = "On Overcoming the Cult of the Individual (demonstration copy, not a real edition)"\n'
        'date = "1956-07-01"\nlanguage = "en"\ngenre = "resolution"\n'
        'version_of = "cpsu-resolution-1956"\nsource_file = "resolution-demo.md"\nsource_kind = "scan"\n'
        'description = "Made by docs/screenshots/make.py from the resolution: three paragraphs left out, one added."\n',
        encoding="utf-8",
    )
    return documents


def extract_of(documents: Path, db_path: Path) -> None:
    """A second demonstration witness: an extract of the resolution (its paragraphs 2.5 to 3.8
    as the built database holds them, then four paragraphs of section 1 moved after them), to
    show the alignment map of an extract against its full text."""
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        texts = dict(conn.execute("SELECT ref, text FROM paragraphs WHERE document_id = 'cpsu-resolution-1956' ORDER BY ordinal"))
    refs = [f"2.{i}" for i in range(5, 25)] + [f"3.{i}" for i in range(1, 9)] + [f"1.{i}" for i in range(10, 14)]
    extract = documents / EXTRACT_ID
    extract.mkdir()
    (extract / "extract.md").write_text("\n\n".join(texts[f"cpsu-resolution-1956:{r}"] for r in refs) + "\n", encoding="utf-8")
    (extract / "metadata.toml").write_text(
        f'id = "{EXTRACT_ID}"\n'
        'title = "On Overcoming the Cult of the Individual, an extract (demonstration copy, not a real edition)"\n'
        'date = "1956-07-05"\nlanguage = "en"\ngenre = "resolution"\n'
        'version_of = "cpsu-resolution-1956"\nsource_file = "extract.md"\n'
        'description = "Made by docs/screenshots/make.py from the resolution: paragraphs 2.5 to 3.8, then 1.10 to 1.13."\n',
        encoding="utf-8",
    )


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db_path = folder / "synopsis.db"
        documents = demo_corpus(folder)
        build(documents_dir=documents, db_path=db_path)
        extract_of(documents, db_path)
        build(documents_dir=documents, db_path=db_path)
        port = free_port()
        server = start_server(db_path, port)
        base = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
                laptop = browser.new_page(viewport={"width": 1280, "height": 860})
                shots = [
                    ("index", "/", True),
                    ("compare", f"/compare?a=cpsu-resolution-1956&b={DEMO_ID}", False),
                    ("paragraph", "/-/cite/cpsu-resolution-1956:2.1", False),
                    ("search", "/search?q=%22cult+of+the+individual%22", False),
                    ("document", "/synopsis/documents/cpsu-resolution-1956", False),
                    ("quotation", "/-/cite/cpsu-resolution-1956:2.13.q1", False),
                    ("alignment-map", f"/compare?a=cpsu-resolution-1956&b={EXTRACT_ID}", False),
                ]
                for name, path, full in shots:
                    laptop.goto(base + path)
                    laptop.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
                    log.info("%s <- %s", OUT / f"{name}.png", path)
                laptop.goto(base + f"/compare?a=cpsu-resolution-1956&b={DEMO_ID}")
                row = laptop.locator(".syn-row", has=laptop.locator("del.syn-transposition"))
                row.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 90)")
                laptop.screenshot(path=str(OUT / "variants.png"))
                log.info("%s <- the compare page's word variants", OUT / "variants.png")
                phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
                phone.goto(base + f"/compare?a=cpsu-resolution-1956&b={DEMO_ID}")
                phone.screenshot(path=str(OUT / "compare-phone.png"))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
