"""The pages Synopsis adds to Datasette: compare, its TEI export, search, citations, the stylesheet.

Each view finds the corpus database by its tables (:func:`queries.corpus_database`), asks
:mod:`synopsis.publish.queries` its questions, and renders a template; highlighting is done
here, once, with :mod:`synopsis.publish.highlight`, so templates only print Markup.
"""
from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any
from urllib.parse import quote_plus, unquote

from datasette.utils.asgi import Base400, BadRequest, NotFound, Response

from synopsis.errors import SameDocument, UnknownDocument
from synopsis.publish import queries
from synopsis.publish.highlight import highlight_passages, mark_readings, mark_snippet
from synopsis.publish.maps import alignment_map
from synopsis.publish.tei import critical_apparatus, parallel_segmentation
from synopsis.validate import check_documents

STATIC = resources.files("synopsis.publish") / "static"
_STATIC_NAME = re.compile(r"^[A-Za-z0-9_-]+\.(css|js|svg|png)$")
_CONTENT_TYPES = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
                  "svg": "image/svg+xml", "png": "image/png"}


def page(view):
    """Render a 4xx raised by ``view`` as Datasette's error page, without a logged traceback.

    Datasette's own handler prints every exception with its locals; an unknown id in a
    URL is the reader's slip, not ours, so it gets a plain 404 page.
    """
    @functools.wraps(view)
    async def wrapper(request, datasette):
        try:
            return await view(request, datasette)
        except Base400 as error:
            return await error_response(datasette, request, error.status, error.args[0])
    return wrapper


async def error_response(datasette, request, status: int, message: Any, title: str | None = None) -> Response:
    """Datasette's error page (or its JSON, for a ``.json`` path) for ``status``, logging nothing.

    The server's access log already has its one line for the request.
    """
    info = {"ok": False, "error": message, "status": status, "title": title}
    if request.path.split("?")[0].endswith(".json"):
        return Response.json({**info, "error": str(message)}, status=status)
    html = await datasette.render_template([f"{status}.html", "error.html"], info, request=request)
    return Response.html(html, status=status)


async def _corpus(datasette):
    db = await queries.corpus_database(datasette)
    if db is None:
        raise NotFound("No Synopsis database is attached to this Datasette")
    return db


async def _pair(db, request) -> tuple[dict | None, dict | None]:
    """The documents named by ``?a=`` and ``?b=``; an id that names no document is a 404.

    The ids are checked by :func:`synopsis.validate.check_documents`, the rule the CLI
    applies too, so a mistyped id is answered with the nearest known ones.
    """
    ids = [(request.args.get(key) or "").strip() for key in ("a", "b")]
    try:
        check_documents(await queries.known_documents(db), [i for i in ids if i])
    except UnknownDocument as error:
        raise NotFound(f"Unknown document: {error}") from None
    return tuple([await queries.document(db, i) if i else None for i in ids])  # type: ignore[return-value]


@page
async def compare(request, datasette):
    """``/compare?a=&b=``: two documents side by side, shared passages marked.

    A pair that cannot be compared (the same document twice, a document whose text is
    missing) gets the form again with a sentence that says why and what to do.
    """
    db = await _corpus(datasette)
    a, b = await _pair(db, request)
    context: dict[str, Any] = {
        "database": db.name,
        "documents": await queries.documents(db),
        "a": a, "b": b, "comparison": None, "problem": None, "missing": [],
    }
    status = 200
    if a and b:
        try:
            check_documents(await queries.known_documents(db), [a["id"], b["id"]], distinct=True)
        except SameDocument:
            context["problem"] = "Choose two different documents."
            status = 400
    context["missing"] = [doc for doc in (a, b) if doc and doc["status"] != "present"]
    if a and b and status == 200 and not context["missing"]:
        start, size, at = _window(request)
        comparison = await queries.comparison(db, a["id"], b["id"], start=start, size=size, at=at)
        ids = _ids(comparison, "left") | _ids(comparison, "right")
        spans = await queries.shared_spans(db, a["id"], b["id"], ids if size else None)
        words = await queries.shared_words(db, a["id"], b["id"], ids if size else None)  # what each link rests on (issue #19)
        for row in comparison["rows"]:
            for para in row["left"] + row["right"]:
                para["html"] = highlight_passages(para["text"], spans.get(para["id"], ()), words.get(para["id"], ()))
                para["url"] = datasette.urls.row(db.name, "paragraphs", para["id"])
        variant_counts: dict[tuple[int, int], int] = {}
        if comparison["mode"] == "edition":
            left_ids = _ids(comparison, "left") if size else None
            context["variant_counts"] = mark_variants(comparison, await queries.variants_of_pair(db, a["id"], b["id"], left_ids))
            variant_counts = await queries.variant_counts(db, a["id"], b["id"])
        mark_changes(comparison)
        context["comparison"] = comparison
        context["shared_count"] = sum(1 for pid in spans if pid in _ids(comparison, "left"))
        query = f"a={_q(a['id'])}&b={_q(b['id'])}"
        context["window"] = _pages(comparison, size, lambda first: datasette.urls.path(f"/compare?{query}&start={first}"
                                                                                        + (f"&size={size}" if size != COMPARE_WINDOW else "")))
        context["alignment_map"] = alignment_map(
            comparison["outline"], a_count=a["paragraph_count"] or 0, b_count=b["paragraph_count"] or 0,
            a_label=a["id"], b_label=b["id"], variants=variant_counts,
            href=lambda i: context["window"]["href"](i) + (f"#row{i}" if size else ""),
            window=(comparison["start"], len(comparison["rows"])) if size and comparison["total"] > size else None,
        ) if comparison["mode"] in ("edition", "similarity", "passages") and comparison["outline"] else None
        del comparison["outline"], comparison["links"]
        context["exports"] = {
            "TEI": datasette.urls.path(f"/compare.tei?{query}"),
            "CSV": datasette.urls.path(f"{datasette.urls.query(db.name, 'aligned_pairs', format='csv')}?{query}"),
            "JSON": datasette.urls.path(f"{datasette.urls.query(db.name, 'aligned_pairs', format='json')}?{query}&_shape=array"),
            "Shared passages": datasette.urls.path(f"{datasette.urls.query(db.name, 'shared_passages')}?{query}"),
        }
    html = await datasette.render_template("compare.html", context, request=request, view_name="compare")
    return Response.html(html, status=status)


COMPARE_WINDOW = 200
"""Rows on one compare page: two editions of 50,000 paragraphs are read a window at a time,
the alignment map above it the way to move through them."""


def _int_arg(request, name: str) -> int | None:
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    try:
        return max(0, int(value))
    except ValueError:
        raise BadRequest(f"?{name}= takes a whole number, not {value!r}") from None


def _window(request) -> tuple[int, int | None, int | None]:
    """``(start, size, at)`` from ``?start=``, ``?size=`` (a number, or ``all``) and ``?at=PARAGRAPH_ID``."""
    size: int | None = COMPARE_WINDOW
    if (request.args.get("size") or "").strip() == "all":
        size = None
    else:
        size = _int_arg(request, "size") or COMPARE_WINDOW
    return _int_arg(request, "start") or 0, size, _int_arg(request, "at")


def _pages(comparison: dict, size: int | None, href) -> dict:
    """The window's place among all rows, and the links to the windows before and after it."""
    total, start, shown = comparison["total"], comparison["start"], len(comparison["rows"])
    if not size:
        return {"first": 1, "last": total, "total": total, "previous": None, "next": None, "href": lambda i: href(0), "size": size}
    return {
        "first": start + 1 if total else 0, "last": start + shown, "total": total, "size": size,
        "previous": href(max(0, start - size)) if start > 0 else None,
        "next": href(start + size) if start + size < total else None,
        "href": lambda i: href(i - i % size),
    }


def mark_changes(comparison: dict) -> None:
    """``row["changed"]``: a row the "next change" control stops at (words changed, or a
    paragraph one version lacks; for documents that are not versions, shared passages)."""
    for row in comparison["rows"]:
        if comparison["mode"] == "edition":
            row["changed"] = bool(row.get("variants")) or not (row["left"] and row["right"])
        else:
            row["changed"] = bool(row["right"])


def _reading_title(variant: dict) -> str:
    """What a variant's tooltip says: its kind and both readings."""
    quiet = " (trivial)" if variant["trivial"] else ""
    return f"{variant['kind']}{quiet}: “{variant['a_text']}” → “{variant['b_text']}”"


def variant_readings(variants: list[dict], paragraph_id: int, side: str) -> list[tuple]:
    """The readings to mark in one paragraph of the compare page (``side`` ``a`` or ``b``).

    ``a``'s readings are ``<del>`` (what ``b`` replaced or dropped), ``b``'s ``<ins>``;
    trivial variants carry the class ``syn-trivial`` so they can be shown quieter or hidden.
    """
    tag = "del" if side == "a" else "ins"
    out = []
    for v in variants:
        if v[f"{side}_paragraph_id"] == paragraph_id:
            classes = f"syn-var syn-{v['kind']}" + (" syn-trivial" if v["trivial"] else "")
            out.append((v[f"{side}_start"], v[f"{side}_end"], tag, classes, _reading_title(v)))
    return out


def mark_variants(comparison: dict, variants: list[dict]) -> dict[str, int]:
    """Mark the word variants of an edition comparison in place of its shared passages.

    Each paragraph's ``html`` gets ``<del>``/``<ins>`` marks (:func:`variant_readings`)
    and each row ``variants``/``trivial_variants`` counts; a row with one side empty (a paragraph
    dropped or absent) is left unmarked, shown as the gap it is. Left as it is (shared passages
    marked) when the pair has no variants stored: editions in two languages. Returns the
    totals.
    """
    totals = {"variants": 0, "trivial": 0}
    if not variants:
        return totals
    for row in comparison["rows"]:
        if not row["left"] or not row["right"]:
            continue  # a paragraph one side lacks is shown as absent (a gap), not struck through word by word
        ids = {"a": {p["id"] for p in row["left"]}, "b": {p["id"] for p in row["right"]}}
        # a variant belongs to the row that aligns both of its paragraphs (a gap has none)
        mine = [v for v in variants if v["a_paragraph_id"] in ids["a"] and v["b_paragraph_id"] in ids["b"]]
        row["trivial_variants"] = sum(1 for v in mine if v["trivial"])
        row["variants"] = len(mine) - row["trivial_variants"]
        totals["variants"] += row["variants"]
        totals["trivial"] += row["trivial_variants"]
        for side, key in (("left", "a"), ("right", "b")):
            for para in row[side]:
                para["html"] = mark_readings(para["text"], variant_readings(mine, para["id"], key))
    return totals


def _ids(comparison, side: str) -> set[int]:
    return {p["id"] for row in comparison["rows"] for p in row[side]}


def _q(value: str) -> str:
    return quote_plus(value)


@page
async def compare_tei(request, datasette):
    """``/compare.tei?a=&b=``: the compare page's rows as TEI parallel segmentation (a critical
    apparatus for two editions with word variants)."""
    db = await _corpus(datasette)
    a, b = await _pair(db, request)
    if not (a and b):
        raise BadRequest("Name two documents: /compare.tei?a=DOC_ID&b=DOC_ID")
    comparison = await queries.comparison(db, a["id"], b["id"])
    spans = await queries.shared_spans(db, a["id"], b["id"])
    def url_for(paragraph_id: int) -> str:
        """The paragraph's page as an absolute URL (joined to the server's root, never to this request's path)."""
        return datasette.absolute_url(request, datasette.urls.row(db.name, "paragraphs", paragraph_id))

    variants = await queries.variants_of_pair(db, a["id"], b["id"]) if comparison["mode"] == "edition" else []
    if variants:
        body = critical_apparatus(a, b, comparison, variants, url_for=url_for)
    else:
        body = parallel_segmentation(a, b, comparison, spans, url_for=url_for)
    filename = f"{a['id']}--{b['id']}.tei.xml"
    return Response(body, content_type="application/tei+xml; charset=utf-8",
                    headers={"content-disposition": f'inline; filename="{filename}"'})


@page
async def search(request, datasette):
    """``/search?q=``: ranked full-text search of paragraphs and quotations with marked snippets."""
    db = await _corpus(datasette)
    q = (request.args.get("q") or "").strip()
    document_id = (request.args.get("document") or "").strip() or None
    if document_id:
        try:
            check_documents(await queries.known_documents(db), [document_id])
        except UnknownDocument as error:
            raise NotFound(f"Unknown document: {error}") from None
    translations = (request.args.get("translations") or "") not in ("", "0")
    context: dict[str, Any] = {
        "database": db.name, "q": q, "document_id": document_id, "translations": translations,
        "documents": await _document_menu(db), "results": None,
    }
    if q:
        results = await queries.search(db, q, document_id=document_id, translations=translations)
        for row in results["paragraphs"]:
            row["html"] = mark_snippet(row["snippet"])
            row["url"] = datasette.urls.row(db.name, "paragraphs", row["id"])
        for row in results["quotations"]:
            row["html"] = mark_snippet(row["snippet"])
            row["speaker_html"] = mark_snippet(row["speaker"])
            row["url"] = datasette.urls.row(db.name, "quotations", row["id"])
        context["results"] = results
    html = await datasette.render_template("search.html", context, request=request, view_name="search")
    return Response.html(html)


DOCUMENT_MENU_MAX = 200
"""Above this many documents the search form asks for a document id instead of listing them
all: rendering thousands of options would cost every search more than the search itself."""


async def _document_menu(db) -> list | None:
    count = (await db.execute("select count(*) from documents where status = 'present'")).first()[0]
    return await queries.documents(db, present_only=True) if count <= DOCUMENT_MENU_MAX else None


@page
async def cite(request, datasette):
    """``/-/cite/REF``: the page of the paragraph, quotation, section or footnote a citation names."""
    db = await _corpus(datasette)
    ref = unquote(request.url_vars["ref"])
    found = await queries.find_ref(db, ref)
    if found is None:
        raise NotFound(f"No paragraph, quotation, section or footnote is cited as {ref}")
    table, row_id = found
    return Response.redirect(datasette.urls.row(db.name, table, row_id))


@page
async def static(request, datasette):
    """``/-/synopsis/NAME``: the plugin's stylesheet (Datasette finds no static folder for a plugin module)."""
    name = request.url_vars["name"]
    if not _STATIC_NAME.match(name) or not (STATIC / name).is_file():
        raise NotFound("No such file")
    suffix = name.rsplit(".", 1)[1]
    return Response(
        (STATIC / name).read_bytes(),
        content_type=_CONTENT_TYPES[suffix],
        headers={"cache-control": "max-age=300"},
    )
