"""Shared fixtures, named for the state they set up.

This file is shared by every test module: add fixtures, don't rewrite others'.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = REPO / "documents"
RESOLUTION_ID = "cpsu-resolution-1956"


@pytest.fixture
def documents_copy(tmp_path) -> Path:
    """A private copy of the project's documents folder, free to edit."""
    target = tmp_path / "documents"
    shutil.copytree(DOCUMENTS, target)
    return target


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The real corpus built once into a database (read-only for tests: don't write to it)."""
    from synopsis.build import build

    folder = tmp_path_factory.mktemp("built")
    db_path = folder / "synopsis.db"
    build(documents_dir=DOCUMENTS, db_path=db_path)
    return db_path


# --- Publishing (Datasette) -------------------------------------------------------------

HOSTILE = "<script>alert(1)</script>"
"""Markup that must never reach a page unescaped."""


def _make_hostile_corpus(db_path: Path) -> Path:
    """A small corpus whose every text field carries markup, linked the way the build links.

    Three present documents and one missing one: ``alpha`` and ``alpha-second`` are two
    editions of one text (an edition alignment with a dropped and an added paragraph);
    ``gamma`` is a different document linked to ``alpha`` by similarity and by shared
    passages, one of them from a quotation.
    """
    import sqlite3

    from sqlalchemy import create_engine, event
    from sqlmodel import SQLModel

    import synopsis.schema  # noqa: F401 - registers the tables
    from synopsis.database import build_fts

    engine = create_engine(f"sqlite:///{db_path}")
    event.listen(engine, "connect", lambda dbapi, _: dbapi.executescript("pragma synchronous = off; pragma journal_mode = memory;"))  # a test file: no fsyncs
    SQLModel.metadata.create_all(engine)
    conn = sqlite3.connect(db_path)
    conn.execute("pragma synchronous = off")
    conn.execute("create table alembic_version (version_num varchar(32) not null primary key)")
    docs = [
        ("alpha", f"Alpha {HOSTILE} <b>resolution</b>", "1956-06-30", None, "present"),
        ("alpha-second", "Alpha, second edition <i>revised</i>", "1956-07-02", "alpha", "present"),
        ("gamma", "Gamma & <img src=x onerror=alert(2)> speech", "1956-02-25", None, "present"),
        ("delta", "Delta <u>missing</u>", "1957-01-01", None, "missing"),
    ]
    for doc_id, title, date, version_of, status in docs:
        conn.execute(
            "insert into documents (id, title, date, version_of, status, author, publisher, rights, notes, "
            "word_count, paragraph_count, quotation_count) values (?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc_id, title, date, version_of, status, f"Author {HOSTILE}", "Publisher <em>x</em>",
             f"Rights {HOSTILE}", f"Notes {HOSTILE}", 100, 4, 1),
        )
    shared = "the cult of the individual and its consequences"
    paragraphs = {
        "alpha": [
            f"First {HOSTILE} paragraph on {shared} for the whole party.",
            "Second paragraph quoting \"all power to the soviets\" as Lenin said <b>bold</b>.",
            "Third paragraph, dropped from the second edition, about collectivisation & industry.",
            "Fourth paragraph " + "with a very long text " * 150 + "ending here.",
        ],
        "alpha-second": [
            f"First {HOSTILE} paragraph on {shared} for the whole party, revised.",
            "Second paragraph quoting \"all power to the soviets\" as Lenin said <b>bold</b>.",
            "An added paragraph <i>new</i> in the second edition.",
            "Fourth paragraph " + "with a very long text " * 150 + "ending here.",
        ],
        "gamma": [
            "Gamma opens with greetings to the delegates <script>x()</script>.",
            f"Gamma speaks of {shared} at length.",
            "Gamma ends: \"all power to the soviets\", said Lenin.",
        ],
    }
    ids: dict[tuple[str, int], int] = {}
    next_id = 1
    for doc_id, texts in paragraphs.items():
        section_id = conn.execute(
            "insert into sections (document_id, ordinal, ref, number, heading, char_start, char_end) values (?,?,?,?,?,?,?)",
            (doc_id, 1, f"{doc_id}:1", "1", f"Heading {HOSTILE}", 0, 10_000),
        ).lastrowid
        position = 0
        for ordinal, text in enumerate(texts, start=1):
            ids[(doc_id, ordinal)] = next_id
            conn.execute(
                "insert into paragraphs (id, document_id, section_id, ordinal, ref, kind, text, char_start, char_end, "
                "source_start, source_end, word_count) values (?,?,?,?,?,?,?,?,?,?,?,?)",
                (next_id, doc_id, section_id, ordinal, f"{doc_id}:1.{ordinal}", "body", text,
                 position, position + len(text), position, position + len(text), len(text.split())),
            )
            position += len(text) + 2
            next_id += 1
    # a quotation in alpha's second paragraph, with a hostile speaker and citation
    quoted = "all power to the soviets"
    alpha2 = paragraphs["alpha"][1]
    q_start = alpha2.index(quoted) - 1
    alpha2_start = conn.execute("select char_start from paragraphs where id = ?", (ids[("alpha", 2)],)).fetchone()[0]
    quotation_id = conn.execute(
        "insert into quotations (paragraph_id, document_id, ordinal, ref, kind, text, speaker, citation, char_start, char_end) "
        "values (?,?,?,?,?,?,?,?,?,?)",
        (ids[("alpha", 2)], "alpha", 1, "alpha:1.2.q1", "quotation", quoted, f"Lenin {HOSTILE}",
         f"(Works, Vol. 26, <b>Page</b> 431) {HOSTILE}", alpha2_start + q_start, alpha2_start + q_start + len(quoted) + 2),
    ).lastrowid
    conn.execute(
        "insert into footnotes (document_id, paragraph_id, marker, ref, text, char_start, char_end) values (?,?,?,?,?,?,?)",
        ("gamma", ids[("gamma", 1)], "1", "gamma:n1", f"A footnote {HOSTILE}", 0, 10),
    )
    run = "insert into runs (kind, method, left_document_id, right_document_id, parameters, versions, inputs_sha256, created_at, seconds, link_count) values (?,?,?,?,?,?,?,?,0,0)"
    edition_run = conn.execute(run, ("alignment", "edition-dp", "alpha", "alpha-second", "{}", "{}", "x", "2026-01-01T00:00:00Z")).lastrowid
    similarity_run = conn.execute(run, ("alignment", "similarity", "alpha", "gamma", "{}", "{}", "y", "2026-01-01T00:00:00Z")).lastrowid
    xref_run = conn.execute(run, ("cross_reference", "ngram-rapidfuzz", "alpha", "gamma", "{}", "{}", "z", "2026-01-01T00:00:00Z")).lastrowid
    align = ("insert into alignments (run_id, method, left_document_id, right_document_id, left_paragraph_id, "
             "right_paragraph_id, bead, pattern, rank, score) values (?,?,?,?,?,?,?,?,?,?)")
    a, s = ("alpha", "alpha-second")
    for bead, (left, right, pattern, score) in enumerate([
        (1, 1, "1-1", 96.0), (2, 2, "1-1", 100.0), (3, None, "1-0", 0.0), (None, 3, "0-1", 0.0), (4, 4, "1-1", 100.0),
    ], start=1):
        conn.execute(align, (edition_run, "edition", a, s, ids.get((a, left)), ids.get((s, right)), bead, pattern, 1, score))
    for left, right, rank, score in [(1, 2, 1, 71.5), (2, 3, 1, 64.0), (2, 1, 2, 30.0)]:
        conn.execute(align, (similarity_run, "similarity", "alpha", "gamma", ids[("alpha", left)], ids[("gamma", right)], None, None, rank, score))
    xref = ("insert into cross_references (run_id, method, source_document_id, target_document_id, source_paragraph_id, "
            "target_paragraph_id, quotation_id, source_start, source_end, target_start, target_end, source_text, target_text, score) "
            "values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")

    def link(src, tgt, phrase, quote=None, score=95.0):
        s_text = paragraphs[src[0]][src[1] - 1]
        t_text = paragraphs[tgt[0]][tgt[1] - 1]
        s0, t0 = s_text.index(phrase), t_text.index(phrase)
        conn.execute(xref, (xref_run, "ngram-rapidfuzz", src[0], tgt[0], ids[src], ids[tgt], quote, s0, s0 + len(phrase),
                            t0, t0 + len(phrase), phrase, phrase, score))
        # the linker stores every passage in both directions
        conn.execute(xref, (xref_run, "ngram-rapidfuzz", tgt[0], src[0], ids[tgt], ids[src], quote, t0, t0 + len(phrase),
                            s0, s0 + len(phrase), phrase, phrase, score))

    link(("alpha", 1), ("gamma", 2), shared)
    link(("alpha", 2), ("gamma", 3), quoted, quote=quotation_id, score=100.0)
    link(("alpha", 1), ("alpha-second", 1), shared, score=100.0)
    link(("alpha", 1), ("alpha-second", 1), f"First {HOSTILE} paragraph", score=100.0)  # overlaps nothing, has markup
    conn.execute(
        "insert into annotations (target_table, target_id, target_ref, target_text, note, tags, author, created_at, orphaned) "
        "values (?,?,?,?,?,?,?,?,?)",
        ("paragraphs", ids[("alpha", 1)], "alpha:1.1", shared, f"Note {HOSTILE}", "tag<b>", "reader", "2026-01-01T00:00:00Z", 0),
    )
    conn.commit()
    conn.close()
    with engine.begin() as connection:
        build_fts(connection)
    engine.dispose()
    return db_path


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory) -> Path:
    """A linked three-document corpus with markup in every text field, named ``corpus-fixture.db``."""
    return _make_hostile_corpus(tmp_path_factory.mktemp("hostile") / "corpus-fixture.db")


# --- A local web server for fetch, add and HTML reading (tests/web holds its pages) --------

WEB = Path(__file__).resolve().parent / "web"
"""Pages written for the tests in each source site's structure, laid out as a
``wget --mirror`` copy: ``web/HOST/PATH``."""


class SiteServer:
    """What the ``site_server`` fixture serves, and what it was asked."""

    def __init__(self, httpd) -> None:
        self.httpd = httpd
        self.base = f"http://127.0.0.1:{httpd.server_address[1]}"
        self.requests: list[tuple[str, float, str]] = []  # (path, time.monotonic(), User-Agent)
        self.pages: dict[str, tuple[int, bytes, str]] = {}  # path -> (status, body, content type)
        self.failures: dict[str, int] = {}  # path -> how many 503s to answer before serving it
        self.retry_after: dict[str, str] = {}  # path -> the Retry-After header its 503s carry

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[float]:
        return [t for p, t, _ua in self.requests if p == path]


@pytest.fixture(scope="session")
def site_server():
    """A threaded HTTP server on 127.0.0.1 (random port) serving ``tests/web`` and test routes.

    ``/HOST/PATH`` serves the page files (a mirror layout); ``/direct/redirect`` answers 302
    to the marxists.org-style page; ``/direct/missing`` 404; ``/direct/slow`` waits 3 s before
    answering; ``/direct/latin1-header`` is a Latin-1 page whose charset only the HTTP header
    names; ``server.pages`` and ``server.failures`` set other answers per test.
    """
    import http.server
    import threading
    import time

    state: dict[str, SiteServer] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def send(self, status: int, body: bytes, content_type: str = "text/html", headers: dict | None = None) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up first (the timeout tests)

        def do_GET(self) -> None:  # http.server's name
            server = state["server"]
            path = self.path.split("?")[0]
            server.requests.append((path, time.monotonic(), self.headers.get("User-Agent", "")))
            if server.failures.get(path, 0) > 0:
                server.failures[path] -= 1
                headers = {"Retry-After": server.retry_after[path]} if path in server.retry_after else None
                return self.send(503, b"<html><body>busy</body></html>", headers=headers)
            if path in server.pages:
                status, body, content_type = server.pages[path]
                return self.send(status, body, content_type)
            if path == "/direct/redirect":
                return self.send(302, b"", headers={"Location": "/www.marxists.org/archive/testauthor/1956/report.htm"})
            if path == "/direct/missing":
                return self.send(404, b"<html><body>Not here</body></html>")
            if path == "/direct/slow":
                time.sleep(3)
                return self.send(200, b"<html><body><p>Too late.</p></body></html>")
            if path == "/direct/latin1-header":
                body = "<html><body><p>Andr\u00e9 paid the dues \u00e0 la carte.</p></body></html>".encode("latin-1")
                return self.send(200, body, "text/html; charset=ISO-8859-1")
            target = (WEB / path.lstrip("/")).resolve()
            if path.endswith("/"):
                target = target / "index.html"
            if not target.is_relative_to(WEB) or not target.is_file():
                return self.send(404, b"<html><body>Not found</body></html>")
            content_type = "text/html" if target.suffix in (".htm", ".html") else "text/plain"
            return self.send(200, target.read_bytes(), content_type)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server = SiteServer(httpd)
    state["server"] = server
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: what being offline looks like to a client."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- ingest: read → clean → segment on the real resolution -----------------------------

RESOLUTION_FOLDER = DOCUMENTS / RESOLUTION_ID
RESOLUTION_FILE = "cpsu-cc-resolution-1956-06-30.md"


@pytest.fixture(scope="session")
def resolution_path() -> Path:
    """The resolution's source file, as received (never edited)."""
    return RESOLUTION_FOLDER / RESOLUTION_FILE


@pytest.fixture(scope="session")
def resolution_doc(resolution_path):
    """The resolution after read → clean → segment (shared: tests must not modify it)."""
    from synopsis.ingest.catalogue import METADATA_FILE, read_metadata
    from synopsis.ingest.clean import clean
    from synopsis.ingest.model import Doc
    from synopsis.ingest.read import read
    from synopsis.ingest.segment import segment

    # as its metadata.toml says: the language profile and the scan repairs follow it
    meta = read_metadata(resolution_path.parent / METADATA_FILE)
    assert meta.id == RESOLUTION_ID and meta.source_kind == "scan"
    return segment(clean(read(Doc(meta=meta))))


class SiteClient:
    """Datasette's in-process test client, called synchronously on one event loop of its own."""

    def __init__(self, db_path: Path):
        import asyncio

        from datasette.app import Datasette

        from synopsis.publish import load_metadata
        from synopsis.serve import SETTINGS

        self.loop = asyncio.new_event_loop()
        self.datasette = Datasette([str(db_path)], metadata=load_metadata(), settings=SETTINGS)
        self.db_name = db_path.stem

    def get(self, path: str, **kwargs):
        return self.loop.run_until_complete(self.datasette.client.get(path, **kwargs))

    def close(self) -> None:
        import asyncio

        async def cancel_pending() -> None:  # e.g. the reload plugin's file watcher
            pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

        self.loop.run_until_complete(cancel_pending())
        self.loop.close()


@pytest.fixture(scope="session")
def hostile_site(hostile_db):
    """The hostile corpus served in process with the project's metadata and serve settings."""
    client = SiteClient(hostile_db)
    yield client
    client.close()


@pytest.fixture(scope="session")
def versions_db(tmp_path_factory) -> Path:
    """Mark 1-4 in English (Twentieth Century) and French (Synodale), each with a paragraph rhythm of
    its own, the French catalogued ``version_of`` the English, built with the real pipeline."""
    from synopsis.build import build
    from tests.support import realtexts as rt

    folder = tmp_path_factory.mktemp("versions")
    for name, doc_id, seed, lo, hi, version_of in (("Twenty", "mark-en", 3, 1, 3, None),
                                                    ("FreSynodale1921", "mark-fr", 8, 2, 6, "mark-en")):
        language, title = rt.TEXTS[name]
        verses = [v for v in rt.load_verses(name, books=["Mark"]) if int(v.id.split()[-1].split(":")[0]) <= 4]
        made = rt.paragraphs(verses, seed=seed, min_verses=lo, max_verses=hi, language=language)
        rt.write_document(folder / "documents" / doc_id, doc_id=doc_id, title=f"Mark, {title}", language=language,
                          paragraphs=made, version_of=version_of)
    db_path = folder / "versions.db"
    build(documents_dir=folder / "documents", db_path=db_path)
    return db_path


@pytest.fixture(scope="session")
def versions_site(versions_db):
    """Two versions of Mark 1-4 (English, French) served in process."""
    client = SiteClient(versions_db)
    yield client
    client.close()


@pytest.fixture(scope="session")
def built_site(built_db):
    """The real corpus (the build's database) served in process."""
    client = SiteClient(built_db)
    yield client
    client.close()


@pytest.fixture(scope="session")
def markdown_documents():
    """A hypothesis strategy for made-up Markdown that opens with prose (no front matter):
    prose paragraphs (some broken across a page, with a lowercase continuation), headings,
    quotations, list items and rules, with emphasis, odd spacing and the scan's " ?".
    Use with ``@given(data=st.data())`` and ``data.draw(markdown_documents)``."""
    from hypothesis import strategies as st

    vocabulary = st.sampled_from(
        "the party people of and in socialism congress struggle democracy peace work history "
        "Soviet Lenin Stalin C.P.S.U. U.S.S.R. J. V. co-operation Marxism-Leninism anti-Soviet "
        "consequences peaceful 1956 20th etc. Vol. 26 “quoted” 'single' \"straight\"".split()
    )
    capitals = st.sampled_from("The Our It This When Soviet Lenin All In But".split())

    @st.composite
    def phrases(draw, min_size=1, max_size=12):
        words = draw(st.lists(vocabulary, min_size=min_size, max_size=max_size))
        out = []
        for w in words:
            style = draw(st.sampled_from(["", "", "", "", "*", "_", "**"]))
            out.append(f"{style}{w}{style}" if style and w[0].isalnum() and w[-1].isalnum() else w)
        return " ".join(out)

    @st.composite
    def sentences(draw):
        end = draw(st.sampled_from([".", ".", "?", "!", " ?", " ;", ":", "."]))
        return f"{draw(capitals)} {draw(phrases())}{end}"

    @st.composite
    def paragraphs(draw):
        """A prose paragraph, possibly broken across a page into two blocks."""
        spaces = st.sampled_from([" ", " ", " ", "  ", "  \n", "\n", " \t "])
        parts = draw(st.lists(sentences(), min_size=2, max_size=5))
        text = parts[0] + "".join(draw(spaces) + p for p in parts[1:])
        if draw(st.booleans()):
            words = text.split(" ")
            k = draw(st.integers(1, len(words) - 1))
            head, tail = " ".join(words[:k]), " ".join(words[k:])
            if len(head.split()) > 12 and tail and tail[0].islower():
                text = head + draw(st.sampled_from(["\n\n", "\n\n\n\n", "\n \n"])) + tail
        return text

    @st.composite
    def documents(draw):
        """Markdown that opens with a prose paragraph, then prose, headings, quotes and lists."""
        first = "The party " + " ".join(["works"] * 12) + " for peace."
        other = st.one_of(
            paragraphs(),
            paragraphs(),
            capitals.map(lambda w: f"## {w} Heading"),
            sentences().map(lambda s: f"> {s}"),
            sentences().map(lambda s: f"- {s}"),
            st.just("---"),
        )
        blocks = [first] + draw(st.lists(other, max_size=8))
        seps = st.sampled_from(["\n\n", "\n\n\n", "\n \n\n"])
        return draw(st.sampled_from(["", "\n", "\n\n "])) + "".join(b + draw(seps) for b in blocks)

    return documents()


# --- Two present texts (the real corpus has one) --------------------------------------------

EDITION_ID = "cpsu-resolution-1956-edition"


@pytest.fixture(scope="session")
def two_texts_db(tmp_path_factory) -> Path:
    """The real corpus plus a second present text: a seeded edition of the resolution, added
    with ``synopsis add`` as a version of it and built (read-only for tests)."""
    from synopsis.add import add
    from synopsis.build import build
    from tests.support.cases import resolution_paragraphs
    from tests.support.editions import make_edition

    folder = tmp_path_factory.mktemp("two-texts")
    documents = folder / "documents"
    shutil.copytree(DOCUMENTS, documents)
    source = folder / "edition.md"
    source.write_text("\n\n".join(make_edition(resolution_paragraphs(), seed=3).paragraphs) + "\n", encoding="utf-8")
    add(source, id=EDITION_ID, title="On Overcoming the Cult of Personality (another edition)",
        date="1956-07-02", language="en", version_of=RESOLUTION_ID, documents_dir=documents)
    db_path = folder / "synopsis.db"
    build(documents_dir=documents, db_path=db_path)
    return db_path


@pytest.fixture(scope="session")
def two_texts_site(two_texts_db):
    """The real corpus with a second present text, served in process."""
    client = SiteClient(two_texts_db)
    yield client
    client.close()


# --- Variants: the resolution beside a revision of it ----------------------------------

REVISED_ID = "cpsu-resolution-1956-revised"


@pytest.fixture(scope="session")
def revised_editions_db(tmp_path_factory) -> Path:
    """The corpus plus a revision of the resolution (``tests.support.revisions.RESOLUTION_EDITS``:
    one substitution, insertion, deletion and transposition, two respellings), built."""
    from synopsis.build import build
    from tests.support.revisions import revise_resolution

    folder = tmp_path_factory.mktemp("revised")
    documents = folder / "documents"
    shutil.copytree(DOCUMENTS, documents)
    source = (RESOLUTION_FOLDER / RESOLUTION_FILE).read_text(encoding="utf-8")
    revised = documents / REVISED_ID
    revised.mkdir()
    (revised / "revised.md").write_text(revise_resolution(source), encoding="utf-8")
    (revised / "metadata.toml").write_text(
        f'id = "{REVISED_ID}"\ntitle = "On Overcoming the Cult of the Individual (revised for the tests)"\n'
        'date = "1956-07-02"\nlanguage = "en-US"\ngenre = "resolution"\nversion_of = "cpsu-resolution-1956"\n'
        'source_file = "revised.md"\nsource_kind = "scan"\n',  # the scanned booklet's text, revised
        encoding="utf-8",
    )
    db_path = folder / "synopsis.db"
    build(documents_dir=documents, db_path=db_path)
    return db_path


# --- the corpus lexicon (documents/lexicon.toml) ----------------------------------------


@pytest.fixture(scope="session")
def corpus_lexicon():
    """The repository corpus's lexicon: its names and terms in every language."""
    from synopsis.lexicon.corpus import read_corpus_lexicon

    return read_corpus_lexicon(DOCUMENTS)


@pytest.fixture(scope="session", autouse=True)
def corpus_lexicon_in_use(corpus_lexicon):
    """The repository corpus's lexicon in use (as a build of ``documents/`` puts it), for
    tests that call the ingest and link functions directly (a build puts its own corpus's
    lexicon in use while it runs)."""
    from synopsis.lexicon.corpus import use_corpus_lexicon

    previous = use_corpus_lexicon(corpus_lexicon)
    yield corpus_lexicon
    use_corpus_lexicon(previous)


@pytest.fixture(scope="session")
def mark_translation(tmp_path_factory) -> Path:
    """Mark in the Twentieth Century New Testament and the French Synodale declared its
    translation, with the repository's corpus lexicon, built."""
    from synopsis.build import build
    from synopsis.lexicon.corpus import LEXICON_FILE
    from tests.support import realtexts as rt

    root = tmp_path_factory.mktemp("mark")
    documents = root / "documents"
    rt.write_mark_translation(documents)
    shutil.copy(DOCUMENTS / LEXICON_FILE, documents / LEXICON_FILE)
    db = root / "mark.db"
    build(documents_dir=documents, db_path=db)
    return db
