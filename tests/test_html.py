"""Reading HTML: the text layer, notes and footnotes drawn from pages in each site's structure.

The pages under ``tests/web`` are written for these tests (their sentences are ours) in the
page structure of the Marxists Internet Archive, of a WordPress article (marx21.it), and of
an unknown site that only the general extractor handles.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from synopsis.ingest.encoding import decode_html
from synopsis.ingest.html import extract

WEB = Path(__file__).resolve().parent / "web"  # the pages the site_server fixture serves

MARXISTS_PAGE = WEB / "www.marxists.org/archive/testauthor/1956/report.htm"
LEGACY_PAGE = WEB / "www.marxists.org/archive/testauthor/1956/legacy.htm"
WORDPRESS_PAGE = WEB / "www.marx21.it/comunisti-oggi/prova-intervista/index.html"
GENERIC_PAGE = WEB / "www.example.org/essays/tides.html"


@pytest.fixture(scope="module")
def marxists_text():
    return extract(MARXISTS_PAGE.read_bytes(), url="https://www.marxists.org/archive/testauthor/1956/report.htm")


@pytest.fixture(scope="module")
def wordpress_text():
    return extract(WORDPRESS_PAGE.read_bytes(), url="https://www.marx21.it/comunisti-oggi/prova-intervista/")


def blocks(text: str) -> list[str]:
    return [b.strip("\n") for b in text.split("\n\n") if b.strip()]


def layer(found) -> list[tuple[str, str]]:
    """Each block as (kind, text): ``h3`` for a level-3 heading, ``footnote 1`` for note 1."""
    def kind(b) -> str:
        return f"h{b.level}" if b.kind == "heading" else f"footnote {b.marker}" if b.kind == "footnote" else b.kind

    return [(kind(b), found.text[b.start : b.end]) for b in found.blocks]


def calls(found) -> list[tuple[str, str]]:
    """Each footnote call as (label, the text of its block up to the call)."""
    return [(label, found.text[b.start : at]) for b in found.blocks for label, at in b.calls]


def test_marxists_source_notes_are_metadata_not_text(marxists_text):
    assert "Source: Lighthouse Quarterly, No. 7, 1956." in marxists_text.notes
    assert "Transcription/Markup: A. Volunteer, 2011." in marxists_text.notes
    for boilerplate in ("Lighthouse Quarterly", "Volunteer", "Last updated", "Marxists Internet Archive",
                        "Test Author Archive", "Lighthouse Document Archive"):
        assert boilerplate not in marxists_text.text, boilerplate


def test_marxists_structure_is_kept(marxists_text):
    parts = layer(marxists_text)
    assert ("h1", "Report on Lighthouses") in parts
    assert ("h3", "I. The State of the Lamps") in parts
    assert ("blockquote", "A lamp that is not lit is only a tower. — from the keepers’ handbook") in parts
    assert [text for kind, text in parts if kind == "list_item"] == [
        "to send the wicks by the spring boat;",
        "to train two more keepers at each station;",
        "to publish the logbooks every month.",
    ]
    item = next(b for b in marxists_text.blocks if marxists_text.text[b.start : b.end].startswith("to publish"))
    assert [marxists_text.text[a:b] for a, b in item.italics] == ["every"]
    assert parts.index(("h1", "Report on Lighthouses")) < parts.index(("h3", "I. The State of the Lamps"))
    assert marxists_text.site == "marxists.org"
    assert marxists_text.title == "A Test Author: Report on Lighthouses (1956)"


def test_marxists_entities_are_decoded(marxists_text):
    assert "on the lamps — how many burn" in marxists_text.text  # &nbsp;&mdash;
    assert "ordered “in good time” and never came" in marxists_text.text
    assert "Café owners" in marxists_text.text
    assert "&" not in marxists_text.text


def test_marxists_footnotes_leave_the_paragraphs_and_are_linked(marxists_text):
    parts = layer(marxists_text)
    assert calls(marxists_text)[0][1].startswith("Comrades") and calls(marxists_text)[0][1].endswith("why the oil arrives late.")
    assert "[1]" not in marxists_text.text and "[2]" not in marxists_text.text
    definitions = [p for p in parts if p[0].startswith("footnote")]
    assert definitions == [
        ("footnote 1", "The northern lights here are the coastal beacons, not the aurora."),
        ("footnote 2", "The order was placed in the autumn of the previous year."),
    ]
    assert parts[-2:] == definitions  # definitions come after the body
    assert all(text != "Notes" for _kind, text in parts)
    assert {label for label, _before in calls(marxists_text)} == {"1", "2"} and marxists_text.footnotes == 2
    assert all(b.origin.startswith("line ") and "/html/body" in b.origin for b in marxists_text.blocks)


def test_wordpress_article_body_without_theme(wordpress_text):
    text = wordpress_text.text
    assert wordpress_text.site == "wordpress"
    assert ("h2", "Prima domanda") in layer(wordpress_text)
    assert "La luce dei fari significa esattamente quello che i guardiani dicono: né più né meno. Voglio dire" in text
    assert ("1", "La luce dei fari significa esattamente quello che i guardiani dicono: né più né meno.") in [
        (label, before[before.rfind("La luce"):]) for label, before in calls(wordpress_text)
    ]
    for boilerplate in ("Home", "Chi siamo", "Articoli recenti", "Condividi", "Facebook", "Sito di prova",
                        "non testo", "faro01", "12 Giugno 2016", "CONTINUA"):
        assert boilerplate not in text, boilerplate
    assert "link: CONTINUA A LEGGERE <https://example.org/continua/>" in wordpress_text.notes
    assert layer(wordpress_text)[-1] == ("footnote 1", "Le lampade erano a petrolio.")
    assert wordpress_text.title == "Intervista di prova sui fari (1956)"


def test_wordpress_rules_apply_by_markup_without_url():
    found = extract(WORDPRESS_PAGE.read_bytes())
    assert found.site == "wordpress"
    assert "Articoli recenti" not in found.text


def test_unknown_site_goes_to_the_general_extractor():
    found = extract(GENERIC_PAGE.read_bytes(), url="https://www.example.org/essays/tides.html")
    parts = layer(found)
    assert found.site == "generic"
    assert ("h2", "What the Old Pilots Said") in parts
    assert ("blockquote", "Watch the water, not the paper; the paper was written in a dry office far from the sea.") in parts
    assert ("list_item", "never trust a calm morning in March;") in parts
    for boilerplate in ("All essays", "About us", "Popular essays", "On the Wind", "All rights reserved"):
        assert boilerplate not in found.text, boilerplate


def test_legacy_charset_declared_in_meta_tag():
    raw = LEGACY_PAGE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the page really is 8-bit
    found = extract(raw)
    assert found.encoding == "cp1252"  # iso-8859-1 read as browsers read it
    assert "“The dues,” wrote the harbour master, “are paid in autumn – never in spring.”" in found.text
    assert "Sainte-Hélène answered that naïve accounts" in found.text
    assert found.notes == ["Source: Harbour Gazette, 1955."]


def test_charset_only_in_http_header():
    raw = "<html><body><p>Andr\u00e9 paid \u00e0 la carte.</p></body></html>".encode("latin-1")
    assert extract(raw, content_type="text/html; charset=ISO-8859-1").text.strip() == "André paid à la carte."


def test_http_header_outranks_meta_tag():
    raw = '<html><head><meta charset="utf-8"></head><body><p>Fran\u00e7ois</p></body></html>'.encode("cp1252")
    text, encoding = decode_html(raw, content_type="text/html; charset=windows-1252")
    assert "François" in text and encoding == "cp1252"


def test_wrong_declaration_falls_back_to_detection():
    raw = '<html><head><meta charset="utf-8"></head><body><p>Citt\u00e0 di Genova, un\u2019altra citt\u00e0 del porto</p></body></html>'.encode("cp1252")
    text, _encoding = decode_html(raw)
    assert "Città di Genova, un’altra città" in text


def test_byte_order_mark_wins():
    raw = "\ufeff<html><body><p>Żółw</p></body></html>".encode("utf-16-le")
    assert extract(raw).text.strip() == "Żółw"


def test_mojibake_is_repaired():
    # UTF-8 read as windows-1252 and saved again as UTF-8: the classic double encoding.
    raw = "<html><body><p>The CafÃ© on the quay sold the keeperâ€™s oil.</p></body></html>".encode("utf-8")
    assert extract(raw).text.strip() == "The Café on the quay sold the keeper’s oil."


def test_superscript_that_links_nowhere_is_not_a_footnote():
    raw = b"<html><body><p class='information'>Source: x</p><p>An area of 40 m<sup>2</sup> was flooded.</p></body></html>"
    found = extract(raw)
    assert found.text.strip() == "An area of 40 m2 was flooded."
    assert found.footnotes == 0


def test_empty_page_gives_no_text():
    assert extract(b"").text == ""


def test_footnotes_matched_by_printed_marker_when_nothing_links_them():
    raw = b"""<html><body><p class="information">Source: a test.</p>
<p>The pilots met at dawn.<sup class="anote">[1]</sup> They left at noon.</p>
<p class="endnote">[1] The meeting was held in the customs house.</p></body></html>"""
    found = extract(raw)
    assert layer(found) == [("body", "The pilots met at dawn. They left at noon."), ("footnote 1", "The meeting was held in the customs house.")]
    assert calls(found) == [("1", "The pilots met at dawn.")]


VERBATIM_PARAGRAPHS = [
    "The keeper wrote the sum as 2 *x* 3 in the logbook, and nobody corrected him.",
    "The logbook cites its own page as [^1] and means the characters, not a note.",
    "# is the mark the keepers painted on the lamps that needed oil, and they painted many.",
    "- Dove vai con quella lanterna? - chiese il guardiano. - Al faro, a cambiare lo stoppino.",
    "- Où vas-tu? - demanda le gardien, et la mer ne répondit pas.",
    "- Куда ты идёшь? - спросил смотритель.",
]


@pytest.mark.parametrize("site", ["marxists.org", "generic"])
def test_html_paragraphs_keep_markdown_like_characters_verbatim_and_offsets_slice_the_page(tmp_path, site):
    """No Markdown between the page and the cleaner: asterisks, a literal "[^1]", a paragraph
    opening with "# " or with the dialogue dash "- " are text, and offsets slice the page's text."""
    from synopsis.ingest.model import DocumentMeta
    from synopsis.ingest.pipeline import run_pipeline

    body = "".join(f"<p>{p.replace('&', '&amp;').replace('<', '&lt;')}</p>\n" for p in VERBATIM_PARAGRAPHS)
    marker = '<p class="information">Source: written for this test.</p>' if site == "marxists.org" else ""
    filler = "".join(f"<p>Paragraph {n} of the essay tells of the harbour, the tides and the lamps of the coast.</p>\n" for n in range(6))
    page = f"<html><head><title>Verbatim</title></head><body><article>{marker}<h1>Verbatim</h1>\n{filler}{body}</article></body></html>"
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    meta = DocumentMeta(id="verbatim", title="Verbatim", folder=tmp_path, source_file="page.html")

    doc = run_pipeline(meta, stages=None)

    texts = [doc.text[p.start : p.end] for p in doc.paragraphs]
    for paragraph in VERBATIM_PARAGRAPHS:
        assert paragraph in texts, (paragraph, texts)
        found = doc.paragraphs[texts.index(paragraph)]
        assert found.kind == "body"
        start, end = doc.offsets.to_source(found.start), doc.offsets.to_source(found.end - 1) + 1  # as the store maps them
        assert doc.source[start:end] == paragraph
    assert not doc.footnotes  # "[^1]" was text, not a call
    assert all(b.origin for b in doc.source_blocks)
