"""Two aligned documents as TEI parallel segmentation.

A scholar's collation tools read TEI: each aligned row of the compare page becomes one
``<app>`` with a ``<rdg>`` per witness; a paragraph dropped or added leaves that witness's
``<rdg>`` empty; passages the two texts share are ``<seg type="shared">`` inside the
readings. Where the alignment of two versions was made sentence by sentence, a second
``<div type="sentences">`` holds one ``<app>`` per sentence bead (``@n`` names the
paragraph row it lies in, ``@ana`` its shape). Two editions in one language, whose word
variants are stored, are exported as a critical apparatus instead
(:func:`critical_apparatus`): the running text with an ``<app>`` at every variant. The XML
is built with lxml, never by pasting strings, so document text (which may
hold ``<``, ``&`` or a whole ``<script>``) always comes out as escaped character data, and
characters XML 1.0 forbids are dropped.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from lxml import etree

from synopsis.publish.highlight import split_text

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_T = "{%s}" % TEI_NS
_XML_ID = "{%s}id" % XML_NS
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def parallel_segmentation(
    a: dict[str, Any],
    b: dict[str, Any],
    comparison: dict[str, Any],
    spans: dict[int, Sequence[Sequence[int]]],
    *,
    url_for: Callable[[int], str] | None = None,
) -> bytes:
    """Serialise a comparison (:func:`synopsis.publish.queries.comparison`) as a TEI document.

    ``a`` and ``b`` are document rows (``id``, ``title``, ``date``); ``spans`` maps a
    paragraph id to the character spans it shares with the other document; ``url_for``
    turns a paragraph id into the address of its page, written as ``@corresp``.
    """
    tei, wit = _document(a, b, "aligned paragraphs")
    body = _sub(_sub(tei, "text"), "body")
    div = _sub(body, "div")
    div.set("type", comparison["mode"])
    ab = _sub(div, "ab")
    for number, row in enumerate(comparison["rows"], start=1):
        app = _sub(ab, "app")
        app.set("n", str(row["bead"] if row.get("bead") is not None else number))
        app.set("type", comparison["mode"])
        if row.get("pattern"):
            app.set("ana", _clean(row["pattern"]))
        if row.get("score") is not None:
            app.set("cert", _cert(row["score"]))
        for side, doc in (("left", a), ("right", b)):
            rdg = _sub(app, "rdg")
            rdg.set("wit", "#" + _clean(wit[doc["id"]]))
            for para in row[side]:
                seg = _sub(rdg, "seg")
                seg.set("type", "paragraph")
                seg.set("n", _clean(para["ref"]))
                if url_for is not None:
                    seg.set("corresp", url_for(para["id"]))
                if side == "right" and para.get("score") is not None and comparison["mode"] != "edition":
                    seg.set("cert", _cert(para["score"]))
                _fill(seg, para["text"], spans.get(para["id"], ()))
    sentence_rows = [row for row in comparison["rows"] if row.get("sentences")]
    if sentence_rows:  # the sentence alignment under the paragraph rows, in the same form
        div = _sub(body, "div")
        div.set("type", "sentences")
        ab = _sub(div, "ab")
        for number, row in enumerate(comparison["rows"], start=1):
            for bead in row.get("sentences") or ():
                app = _sub(ab, "app")
                app.set("type", "sentence")
                app.set("n", str(row["bead"] if row.get("bead") is not None else number))
                app.set("ana", _clean(bead["pattern"]))
                if bead["left"] and bead["right"]:
                    app.set("cert", _cert(bead["score"]))
                for side, doc in (("left", a), ("right", b)):
                    rdg = _sub(app, "rdg")
                    rdg.set("wit", "#" + _clean(wit[doc["id"]]))
                    for text in bead[side]:
                        _sub(rdg, "seg", text).set("type", "sentence")
    return etree.tostring(tei, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def critical_apparatus(
    a: dict[str, Any],
    b: dict[str, Any],
    comparison: dict[str, Any],
    variants: Sequence[dict[str, Any]],
    *,
    url_for: Callable[[int], str] | None = None,
) -> bytes:
    """Two editions as a TEI critical apparatus in parallel segmentation.

    ``a``'s text is the running text, one ``<p>`` per paragraph in the order of the
    comparison's rows (:func:`synopsis.publish.queries.comparison`); at every word variant
    (:func:`synopsis.publish.queries.variants_of_pair`, turned to ``a``) an ``<app>``
    holds both readings, ``<rdg wit="#A">`` and ``<rdg wit="#B">``, an empty ``<rdg>``
    where one edition has no words. ``@type`` is the variant's kind; ``@subtype`` is
    ``orthographic`` for a trivial variant (spelling, case, punctuation) and
    ``substantive`` otherwise. Paragraphs only ``b`` has come as insertions at the place
    the collation put them.
    """
    tei, wit = _document(a, b, "critical apparatus")
    by_paragraph: dict[int, list[dict[str, Any]]] = {}
    for v in variants:
        by_paragraph.setdefault(v["a_paragraph_id"], []).append(v)
    div = _sub(_sub(_sub(tei, "text"), "body"), "div")
    div.set("type", "edition")
    for row in comparison["rows"]:
        for para in row["left"]:
            p = _sub(div, "p")
            p.set("n", _clean(para["ref"]))
            if url_for is not None:
                p.set("corresp", url_for(para["id"]))
            text = para["text"] or ""
            last = None
            position = 0
            for v in sorted(by_paragraph.get(para["id"], ()), key=lambda v: (v["a_start"], v["a_end"], v["id"])):
                if v["a_start"] < position:
                    continue  # overlaps one already placed
                last = _tail(p, last, text[position:v["a_start"]])
                last = _sub(p, "app")
                last.set("type", _clean(v["kind"]))
                last.set("subtype", "orthographic" if v["trivial"] else "substantive")
                for doc, reading in ((a, v["a_text"]), (b, v["b_text"])):
                    rdg = _sub(last, "rdg", reading or None)
                    rdg.set("wit", "#" + _clean(wit[doc["id"]]))
                position = v["a_end"]
            _tail(p, last, text[position:])
    return etree.tostring(tei, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _tail(parent, last, text: str):
    """Append ``text`` after ``last`` (the last child), or as ``parent``'s text; returns ``last``."""
    if last is None:
        parent.text = (parent.text or "") + _clean(text)
    else:
        last.tail = (last.tail or "") + _clean(text)
    return last


def _document(a: dict[str, Any], b: dict[str, Any], what: str):
    """A TEI root with the header naming both witnesses, and the witnesses' ids by document id."""
    wit = {a["id"]: f"w-{a['id']}", b["id"]: f"w-{b['id']}"}
    tei = etree.Element(_T + "TEI", nsmap={None: TEI_NS})
    header = _sub(tei, "teiHeader")
    file_desc = _sub(header, "fileDesc")
    _sub(_sub(file_desc, "titleStmt"), "title", f"{a['title']} / {b['title']}: {what}")
    _sub(_sub(file_desc, "publicationStmt"), "p", "Exported by Synopsis from its database.")
    list_wit = _sub(_sub(file_desc, "sourceDesc"), "listWit")
    for doc in (a, b):
        witness = _sub(list_wit, "witness", doc["title"] + (f" ({doc['date']})" if doc.get("date") else ""))
        witness.set(_XML_ID, _clean(wit[doc["id"]]))
        witness.set("n", _clean(doc["id"]))
    encoding = _sub(header, "encodingDesc")
    variant = _sub(encoding, "variantEncoding")
    variant.set("method", "parallel-segmentation")
    variant.set("location", "internal")
    return tei, wit


def _sub(parent, tag: str, text: str | None = None):
    element = etree.SubElement(parent, _T + tag)
    if text is not None:
        element.text = _clean(text)
    return element


def _fill(seg, text: str, spans) -> None:
    """Put ``text`` into ``seg``, the shared spans as child ``<seg type="shared">``."""
    last = None
    for piece, marked in split_text(text or "", spans):
        piece = _clean(piece)
        if marked:
            last = _sub(seg, "seg", piece)
            last.set("type", "shared")
        elif last is None:
            seg.text = (seg.text or "") + piece
        else:
            last.tail = (last.tail or "") + piece


def _cert(score: float) -> str:
    """A 0-100 similarity as TEI's probability certainty (0-1)."""
    return f"{max(0.0, min(100.0, float(score))) / 100:.2f}"


def _clean(text: str) -> str:
    return _NOT_XML.sub("", str(text))
