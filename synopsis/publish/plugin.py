"""Synopsis as a Datasette plugin: one hook per function, each short.

The work happens elsewhere: pages in :mod:`synopsis.publish.views`, SQL in
:mod:`synopsis.publish.queries`, escaping and marks in :mod:`synopsis.publish.highlight`.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
from importlib import resources
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils import urlsafe_components
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError
from jinja2 import FileSystemLoader
from markupsafe import Markup

from synopsis.database import read_only
from synopsis.publish import METADATA_DATABASE, load_metadata, queries, views
from synopsis.publish.quiet import quiet_databases
from synopsis.publish.highlight import has_sentinels, highlight, highlight_words, mark_snippet
from synopsis.publish.maps import corpus_map
from synopsis.search import CANNED_LIMIT, paragraph_search_sql, register_functions

log = logging.getLogger(__name__)

TEMPLATES = str(resources.files("synopsis.publish") / "templates")
_ROW_PAGES = {"paragraphs", "quotations", "documents", "cross_references", "alignments"}
_corpus_files: dict[tuple[str, float], bool] = {}


@hookimpl
def prepare_jinja2_environment(env, datasette):
    """Put our templates first after ``--template-dir``, and give templates the highlight filters.

    Datasette looks for a plugin's templates beside a *package*; our entry point is a
    module, so the folder is added here. Being first also lets our ``index.html`` win over
    datasette-search-all's.
    """
    loader = env.loader.loaders[0]
    if isinstance(loader, FileSystemLoader) and TEMPLATES not in loader.searchpath:
        position = 1 if datasette.template_dir else 0
        loader.searchpath.insert(position, TEMPLATES)
    env.filters["highlight"] = highlight
    env.filters["mark_snippet"] = mark_snippet
    env.filters["fold_column_descriptions"] = fold_column_descriptions


_COLUMN_DESCRIPTIONS = re.compile(r'(<dl class="column-descriptions">.*?</dl>)', re.S)


def fold_column_descriptions(html: str) -> Markup:
    """Put Datasette's list of column descriptions in a closed ``<details>``.

    Datasette 0.65 prints it, one line per column, between a table's title and its rows,
    and offers no block to change it; a table of eleven columns opened with a screen of
    them. The list is Datasette's own escaped markup, so wrapping it keeps it safe.
    """
    return Markup(_COLUMN_DESCRIPTIONS.sub(
        r'<details class="syn-columns"><summary>What each column holds</summary>\1</details>', str(html), count=1,
    ))


@hookimpl(hookwrapper=True)
def handle_exception(datasette, request, exception):
    """One line in the log per failed request, not Datasette's screen-long traceback with locals.

    A 4xx (an unknown row, a malformed search) is the reader's slip: its error page, and
    nothing logged beyond the access line. Anything else is a bug: one traceback through
    :mod:`logging`, then Datasette's 500 page. Datasette awaits every answer the
    ``handle_exception`` hooks return, uses the first, and its default one prints each
    exception, 404s included, with rich's locals when awaited. So this hook is a wrapper
    (pluggy's, which Datasette's hooks are made with): it lets every handler answer, then
    makes its own answer the hook's only one, so no other is awaited.
    """
    outcome = yield
    outcome.force_result([_error_page(datasette, request, exception)])


def _error_page(datasette, request, exception):
    """The answer to a failed request (an awaitable Datasette sends), logged if it is a bug."""
    if isinstance(exception, Base400):
        status, message, title = exception.status, exception.args[0] if exception.args else "", None
    elif isinstance(exception, DatasetteError):
        status, title = exception.status, exception.title
        message = Markup(exception.message) if exception.message_is_html else exception.message
    else:
        status, message, title = 500, str(exception), None
    if status >= 500:
        log.error("%s %s failed", request.method, request.path, exc_info=exception)

    async def inner():
        found = message
        if status == 404 and _is_row_url(request):
            found = await _with_nearest_rows(datasette, request, message)
        return await views.error_response(datasette, request, status, found, title)
    return inner


def _is_row_url(request) -> bool:
    """Whether the request was for one row (Datasette's row page: database, table and primary key in the path)."""
    try:
        names = request.url_vars
    except (KeyError, AttributeError):
        return False
    return bool(names) and {"database", "table", "pks"} <= set(names)


async def _with_nearest_rows(datasette, request, message):
    """A row page's 404 with links to the rows nearest the id asked for (a mistyped id is the
    reader's slip: the CLI answers it with the closest ids, and so does the page)."""
    names = request.url_vars
    db = datasette.databases.get(names["database"])
    if db is None or not await queries.is_corpus(db):
        return message
    wanted = urlsafe_components(names["pks"])[0] if names["pks"] else ""
    if (names.get("format") or "").isdigit():  # a citation's dots, read by Datasette's router as a format
        wanted += "." + names["format"]
    near = await queries.nearest_rows(db, names["table"], wanted)
    if not near:
        return message
    links = Markup(", ").join(
        Markup('<a href="{}">{}</a>').format(datasette.urls.row(db.name, names["table"], pk), label) for pk, label in near)
    return Markup("No {} row is {}. The nearest: {}.").format(names["table"].rstrip("s").replace("_", " "), wanted, links)


@hookimpl
def startup(datasette):
    """Open the databases as :class:`~synopsis.publish.quiet.QuietDatabase` (a failed statement is
    not written to stderr: it is a reader's slip, answered with a 400 page), before any request."""
    quiet_databases(datasette)


@hookimpl
def prepare_connection(conn):
    """The SQL function the search SQL calls to mark snippets in each row's language."""
    register_functions(conn)


@hookimpl
def register_routes():
    return [
        (r"^/compare$", views.compare),
        (r"^/compare\.tei$", views.compare_tei),
        (r"^/search$", views.search),
        (r"^/-/cite/(?P<ref>.+)$", views.cite),
        (r"^/-/synopsis/(?P<name>[^/]+)$", views.static),
    ]


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path("/-/synopsis/synopsis.css")]


@hookimpl
def menu_links(datasette):
    return [
        {"href": datasette.urls.path("/compare"), "label": "Compare two documents"},
        {"href": datasette.urls.path("/search"), "label": "Search the texts"},
    ]


@hookimpl
def canned_queries(datasette, database):
    """The canned ``search`` query: the SQL of :func:`synopsis.search.paragraph_search_sql`.

    Its title and description stay in ``datasette-metadata.json``; its SQL is the one
    that ``synopsis search`` and the ``/search`` page run, so all three rank and mark alike.
    """
    db = datasette.databases.get(database)
    if db is None or not _is_corpus_file(db):
        return None
    described = (datasette.metadata("queries", database=database, fallback=False) or {}).get("search") or {}
    return {"search": {**described, "sql": paragraph_search_sql(limit=str(CANNED_LIMIT))}}


@hookimpl
def get_metadata(datasette, key, database, table):
    """Apply the metadata written for ``synopsis`` to a corpus database of any other name.

    Without ``--metadata`` (``synopsis serve``, or plain ``datasette synopsis.db``) the
    packaged ``datasette-metadata.json`` is used as a whole.
    """
    local = getattr(datasette, "_metadata_local", None) or {}
    source = local if METADATA_DATABASE in (local.get("databases") or {}) else load_metadata()
    block = (source.get("databases") or {}).get(METADATA_DATABASE)
    if not block:
        return None
    configured = set(local.get("databases") or {})
    names = [
        name for name, db in datasette.databases.items()
        if name not in configured and name != "_internal" and _is_corpus_file(db)
    ]
    extra = {"databases": {name: block for name in names}}
    if not local:
        extra.update({k: v for k, v in source.items() if k != "databases"})
    return extra


def _is_corpus_file(db) -> bool:
    """Whether a database file has the corpus tables (a sync check, cached per file version)."""
    path = getattr(db, "path", None)
    if not path or getattr(db, "is_memory", False) or not os.path.exists(path):
        return False
    key = (path, os.path.getmtime(path))
    if key not in _corpus_files:
        try:
            with read_only(path) as conn:
                names = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        except sqlite3.Error:
            names = set()
        _corpus_files[key] = queries.CORPUS_TABLES <= names
    return _corpus_files[key]


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    """Extra context for the pages we override: the index's overview, and row pages' links."""
    if template == "index.html":
        return _overview_vars(datasette)
    if view_name == "row" and table in _ROW_PAGES and request is not None:
        return _row_vars(datasette, database, table, request)
    return None


def _overview_vars(datasette):
    async def inner():
        db = await queries.corpus_database(datasette)
        if db is None:
            return {}
        matrix = await queries.link_matrix(db)
        peak = max((n for (x, y), n in matrix["shared"].items() if x != y), default=0)
        documents = await queries.documents(db)
        weights = {pair: matrix["shared"].get(pair, 0) + matrix["aligned"].get(pair, 0)
                   for pair in set(matrix["shared"]) | set(matrix["aligned"])}
        present = [doc for doc in documents if doc["status"] == "present"]
        return {"synopsis_overview": {
            "database": db.name,
            "documents": documents,
            "matrix": matrix,
            "peak": max(peak, 1),
            "corpus_map": corpus_map(
                present, weights,
                href=lambda x, y: datasette.urls.path(f"/compare?a={quote(x)}&b={quote(y)}"),
                document_href=lambda x: datasette.urls.row(db.name, "documents", x)) if len(present) <= 60 else None,
        }}
    return inner


def _row_vars(datasette, database, table, request):
    async def inner():
        db = datasette.get_database(database)
        if not await queries.is_corpus(db):
            return {}
        pks = urlsafe_components(request.url_vars["pks"])
        if table == "documents":
            start = request.args.get("start") or "0"
            doc = await queries.document_page(db, pks[0], start=int(start) if start.isdigit() else 0)
            return {"synopsis_document": doc, "synopsis_documents": await queries.documents(db, present_only=True)}
        try:
            row_id = int(pks[0])
        except ValueError:
            return {}
        found = {"synopsis_notes": await queries.notes_on(db, table, row_id)}
        if table == "paragraphs":
            found["synopsis_paragraph"] = await _paragraph_page(db, row_id)
        elif table == "quotations":
            found["synopsis_quotation"] = await _quotation_page(db, row_id)
        return found
    return inner


async def _paragraph_page(db, paragraph_id: int):
    para = await queries.paragraph(db, paragraph_id)
    if para is None:
        return None
    found = await queries.elsewhere(db, paragraph_id)
    for row in found["cross_references"]:
        here, there = _corresponding_words(row, para["text"])
        if here or there:  # the words the link rests on, marked and paired (issue #19)
            row["here_html"] = highlight_words(para["text"], (row["here_start"], row["here_end"]), here)
            row["there_html"] = highlight_words(row["other_text"], (row["there_start"], row["there_end"]), there)
        else:
            row["here_html"] = highlight(para["text"], [(row["here_start"], row["here_end"])])
            row["there_html"] = highlight(row["other_text"], [(row["there_start"], row["there_end"])])
    own = [(r["here_start"], r["here_end"]) for r in found["cross_references"]]
    variants = await queries.paragraph_variants(db, paragraph_id)
    return {**para, **found, "html": highlight(para["text"], own), "variants": variants,
            **await queries.neighbours(db, para)}


def _corresponding_words(row: dict, text: str) -> tuple[list, list]:
    """A cross-reference's word correspondences (``cross_references.correspondences``) as absolute spans on
    this paragraph's side and the other's: ``(start, end, kind, pair number, the other word)``."""
    try:
        pairs = json.loads(row.get("correspondences") or "[]")
    except ValueError:
        return [], []
    here, there = [], []
    other = row["other_text"]
    for n, (s0, s1, t0, t1, kind) in enumerate(pairs, 1):
        if not row.get("here_is_source"):
            s0, s1, t0, t1 = t0, t1, s0, s1
        a, b = row["here_start"] + s0, row["here_start"] + s1
        c, d = row["there_start"] + t0, row["there_start"] + t1
        here.append((a, b, kind, n, other[c:d]))
        there.append((c, d, kind, n, text[a:b]))
    return here, there


async def _quotation_page(db, quotation_id: int):
    quote = await queries.quotation(db, quotation_id)
    if quote is None:
        return None
    found = await queries.quotation_elsewhere(db, quote)
    for row in found:
        row["there_html"] = highlight(row["other_text"], [(row["there_start"], row["there_end"])])
    quote["paragraph_html"] = highlight(quote["paragraph_text"], [(quote["here_start"], quote["here_end"])])
    quote["elsewhere"] = found
    return quote


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """In query results: FTS snippets with their matches marked, citations linked to their pages."""
    if has_sentinels(value):
        return mark_snippet(value)
    if table is None and isinstance(value, str) and (column == "ref" or column.endswith("_ref")) and ":" in value:
        href = datasette.urls.path("/-/cite/" + quote(value, safe=":"))
        return Markup('<a href="{}">{}</a>').format(href, value)
    return None
