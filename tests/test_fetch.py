"""Fetching source pages: from a local test server, through a mirror, and offline.

Every request goes to the ``site_server`` fixture on 127.0.0.1 (or to a closed port);
nothing here touches the internet.
"""
from __future__ import annotations

import hashlib
import time
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from synopsis.cli import cli
from synopsis.errors import FetchFailed, UnknownDocument
from synopsis.fetch import fetch, mirror_url
from synopsis.ingest.catalogue import load_catalogue, source_status
from synopsis.ingest.html import extract

WEB = Path(__file__).resolve().parent / "web"  # the pages the site_server fixture serves

REPORT_URL = "https://www.marxists.org/archive/testauthor/1956/report.htm"
ARTICLE_URL = "https://www.marx21.it/comunisti-oggi/prova-intervista/"
FAST = {"timeout": 2.0, "retries": 1, "backoff": 0.05, "min_interval": 0.0}


def catalogue(folder: Path, entries: dict[str, str | None]) -> Path:
    """A documents folder with one metadata file per id; the value is its source_url."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, url in entries.items():
        (folder / doc_id).mkdir()
        lines = [f'id = "{doc_id}"', f'title = "Test document {doc_id}"']
        if url:
            lines.append(f'source_url = "{url}"')
        (folder / doc_id / "metadata.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` with its bytes and modification time."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def retrieval(folder: Path, doc_id: str) -> dict:
    return tomllib.loads((folder / doc_id / "metadata.toml").read_text(encoding="utf-8")).get("retrieval", {})


@pytest.fixture
def two_site_catalogue(tmp_path) -> Path:
    """Two documents with real-looking source URLs on two sites, texts missing."""
    return catalogue(tmp_path / "documents", {"lighthouse-report": REPORT_URL, "fari-intervista": ARTICLE_URL})


def test_mirror_url_follows_wget_layout():
    assert mirror_url(REPORT_URL, "http://mirror.example/base/") == "http://mirror.example/base/www.marxists.org/archive/testauthor/1956/report.htm"
    assert mirror_url(ARTICLE_URL, "http://m") == "http://m/www.marx21.it/comunisti-oggi/prova-intervista/index.html"
    assert mirror_url(REPORT_URL, "/srv/mirror").startswith("file:///srv/mirror/www.marxists.org/")


def test_fetch_through_mirror_keeps_the_response_as_received(two_site_catalogue, site_server):
    results = fetch(documents_dir=two_site_catalogue, mirror=site_server.base, **FAST)
    assert [r.id for r in results] == ["fari-intervista", "lighthouse-report"]
    assert all(r.ok and r.changed for r in results)
    source = two_site_catalogue / "lighthouse-report" / "source.html"
    expected = (WEB / "www.marxists.org/archive/testauthor/1956/report.htm").read_bytes()
    assert source.read_bytes() == expected
    record = retrieval(two_site_catalogue, "lighthouse-report")
    assert record["url"] == REPORT_URL
    assert record["final_url"] == site_server.url("/www.marxists.org/archive/testauthor/1956/report.htm")
    assert record["status"] == 200
    assert record["sha256"] == hashlib.sha256(expected).hexdigest()
    assert record["content_type"] == "text/html"
    assert record["retrieved_at"].endswith("Z")
    wordpress = (two_site_catalogue / "fari-intervista" / "source.html").read_bytes()
    assert wordpress == (WEB / "www.marx21.it/comunisti-oggi/prova-intervista/index.html").read_bytes()
    metas = {m.id: m for m in load_catalogue(two_site_catalogue)}
    status, note = source_status(metas["lighthouse-report"])
    assert status == "present" and note.startswith(f"fetched {record['retrieved_at']} from {record['final_url']}")
    assert "Comrades, the keepers" in extract(metas["lighthouse-report"].source_path.read_bytes(), url=REPORT_URL).text


def test_mirror_can_be_a_local_folder(two_site_catalogue):
    results = fetch(["lighthouse-report"], documents_dir=two_site_catalogue, mirror=str(WEB), **FAST)
    assert results[0].ok
    assert retrieval(two_site_catalogue, "lighthouse-report")["final_url"].startswith("file://")


def test_refetching_unchanged_content_changes_nothing(two_site_catalogue, site_server):
    fetch(documents_dir=two_site_catalogue, mirror=site_server.base, **FAST)
    before = snapshot(two_site_catalogue)
    time.sleep(0.01)
    results = fetch(["lighthouse-report", "fari-intervista"], documents_dir=two_site_catalogue, mirror=site_server.base, **FAST)
    assert all(r.ok and not r.changed for r in results)
    assert snapshot(two_site_catalogue) == before


def test_fetch_without_ids_takes_only_missing_texts(two_site_catalogue, site_server):
    fetch(["lighthouse-report"], documents_dir=two_site_catalogue, mirror=site_server.base, **FAST)
    results = fetch(documents_dir=two_site_catalogue, mirror=site_server.base, **FAST)
    assert [r.id for r in results] == ["fari-intervista"]
    assert fetch(documents_dir=two_site_catalogue, mirror=site_server.base, **FAST) == []


def test_changed_content_is_stored_with_new_digest(tmp_path, site_server):
    site_server.pages["/direct/changing"] = (200, b"<html><body><p>First state.</p></body></html>", "text/html")
    docs = catalogue(tmp_path / "documents", {"changing": site_server.url("/direct/changing")})
    fetch(documents_dir=docs, **FAST)
    first = retrieval(docs, "changing")["sha256"]
    site_server.pages["/direct/changing"] = (200, b"<html><body><p>Second state.</p></body></html>", "text/html")
    [result] = fetch(["changing"], documents_dir=docs, **FAST)
    assert result.changed
    assert (docs / "changing" / "source.html").read_bytes() == b"<html><body><p>Second state.</p></body></html>"
    assert retrieval(docs, "changing")["sha256"] == hashlib.sha256(b"<html><body><p>Second state.</p></body></html>").hexdigest() != first


def test_redirect_records_the_final_url(tmp_path, site_server):
    docs = catalogue(tmp_path / "documents", {"moved": site_server.url("/direct/redirect")})
    [result] = fetch(documents_dir=docs, **FAST)
    record = retrieval(docs, "moved")
    assert record["url"] == site_server.url("/direct/redirect")
    assert record["final_url"] == site_server.url("/www.marxists.org/archive/testauthor/1956/report.htm")
    assert result.final_url == record["final_url"] and record["status"] == 200


def test_http_404_is_one_line_and_other_documents_are_fetched(tmp_path, site_server):
    docs = catalogue(tmp_path / "documents", {"gone": site_server.url("/direct/missing"), "lighthouse-report": REPORT_URL})
    # The direct 404 and the mirrored page in one run: the report comes through the mirror.
    (docs / "lighthouse-report" / "metadata.toml").write_text(
        f'id = "lighthouse-report"\ntitle = "T"\nsource_url = "{site_server.url("/www.marxists.org/archive/testauthor/1956/report.htm")}"\n')
    result = CliRunner().invoke(cli, ["fetch", "--documents", str(docs), "--retries", "0"])
    assert result.exit_code == 2
    assert result.stderr == f"synopsis: error: gone: {site_server.url('/direct/missing')}: HTTP 404 Not Found\n"
    assert "lighthouse-report: fetched" in result.stdout
    assert (docs / "lighthouse-report" / "source.html").is_file()
    assert sorted(p.name for p in (docs / "gone").iterdir()) == ["metadata.toml"]


def test_404_leaves_a_stored_text_untouched(tmp_path, site_server):
    site_server.pages["/direct/vanishing"] = (200, b"<html><body><p>Kept.</p></body></html>", "text/html")
    docs = catalogue(tmp_path / "documents", {"vanishing": site_server.url("/direct/vanishing")})
    fetch(documents_dir=docs, **FAST)
    before = snapshot(docs)
    site_server.pages["/direct/vanishing"] = (404, b"gone", "text/html")
    with pytest.raises(FetchFailed) as caught:
        fetch(["vanishing"], documents_dir=docs, **FAST)
    assert caught.value.lines == [f"vanishing: {site_server.url('/direct/vanishing')}: HTTP 404 Not Found"]
    assert snapshot(docs) == before


def test_missing_from_mirror_says_so(two_site_catalogue, tmp_path):
    with pytest.raises(FetchFailed) as caught:
        fetch(["lighthouse-report"], documents_dir=two_site_catalogue, mirror=str(tmp_path / "empty-mirror"), **FAST)
    assert caught.value.lines[0].endswith(": not in the mirror (no such file)")


def test_slow_response_times_out_after_retries(tmp_path, site_server):
    docs = catalogue(tmp_path / "documents", {"slow": site_server.url("/direct/slow")})
    with pytest.raises(FetchFailed) as caught:
        fetch(documents_dir=docs, timeout=0.3, retries=1, backoff=0.05, min_interval=0.0)
    assert caught.value.lines == [f"slow: {site_server.url('/direct/slow')}: timed out after 0.3 s (2 attempts)"]
    assert len(site_server.hits("/direct/slow")) >= 2  # two short timeouts, not one wait for the server's 3 s
    assert sorted(p.name for p in (docs / "slow").iterdir()) == ["metadata.toml"]


def test_server_error_is_retried_with_backoff(tmp_path, site_server):
    site_server.pages["/direct/flaky"] = (200, b"<html><body><p>Now it works.</p></body></html>", "text/html")
    site_server.failures["/direct/flaky"] = 2
    docs = catalogue(tmp_path / "documents", {"flaky": site_server.url("/direct/flaky")})
    [result] = fetch(documents_dir=docs, timeout=2.0, retries=3, backoff=0.1, min_interval=0.0)
    assert result.ok
    hits = site_server.hits("/direct/flaky")
    assert len(hits) == 3
    assert hits[2] - hits[1] >= hits[1] - hits[0] >= 0.1  # backoff doubles: 0.1 s, then 0.2 s


def test_retry_after_is_honoured_over_the_backoff(tmp_path, site_server):
    """A 503 with Retry-After: 1 is asked again no sooner than the server said, though the
    backoff alone would have waited a hundredth of that."""
    site_server.pages["/direct/busy"] = (200, b"<html><body><p>Come in.</p></body></html>", "text/html")
    site_server.failures["/direct/busy"] = 1
    site_server.retry_after["/direct/busy"] = "1"
    docs = catalogue(tmp_path / "documents", {"busy": site_server.url("/direct/busy")})
    [result] = fetch(documents_dir=docs, timeout=5.0, retries=2, backoff=0.01, min_interval=0.0)
    assert result.ok and result.status == 200
    first, second = site_server.hits("/direct/busy")
    assert second - first >= 1.0  # a lower bound: a sleep never ends early


def test_a_server_that_stays_busy_is_one_line_with_the_attempts(tmp_path, site_server):
    site_server.pages["/direct/down"] = (200, b"<p>never</p>", "text/html")
    site_server.failures["/direct/down"] = 10
    docs = catalogue(tmp_path / "documents", {"down": site_server.url("/direct/down")})
    with pytest.raises(FetchFailed) as caught:
        fetch(documents_dir=docs, timeout=2.0, retries=2, backoff=0.01, min_interval=0.0)
    assert caught.value.lines == [f"down: {site_server.url('/direct/down')}: HTTP 503 Service Unavailable (3 attempts)"]
    assert len(site_server.hits("/direct/down")) == 3
    site_server.failures.pop("/direct/down")


def test_one_request_per_interval_to_a_host(tmp_path, site_server, monkeypatch):
    """The pacing is read on the fetcher's own clock, made here a clock that moves only when the
    fetcher sleeps: the server's arrival times would measure the machine's load, not the rule."""
    import synopsis.fetch as fetching

    class Clock:
        now = 1000.0
        sent: list[float] = []

        def monotonic(self) -> float:
            return self.now

        def sleep(self, seconds: float) -> None:
            self.now += seconds

    clock = Clock()
    monkeypatch.setattr(fetching, "time", clock)
    for name in ("a", "b", "c"):
        site_server.pages[f"/direct/paced-{name}"] = (200, f"<p>{name}</p>".encode(), "text/html")
    docs = catalogue(tmp_path / "documents", {f"paced-{n}": site_server.url(f"/direct/paced-{n}") for n in "abc"})
    wait = fetching._Politeness.wait
    monkeypatch.setattr(fetching._Politeness, "wait", lambda self, url: (wait(self, url), clock.sent.append(clock.now))[0])
    fetch(documents_dir=docs, timeout=2.0, retries=0, min_interval=0.3)
    assert sum(len(site_server.hits(f"/direct/paced-{n}")) for n in "abc") == 3
    assert len(clock.sent) == 3
    assert all(later - earlier >= 0.3 - 1e-9 for earlier, later in zip(clock.sent, clock.sent[1:]))


def test_user_agent_is_honest(tmp_path, site_server):
    site_server.pages["/direct/ua"] = (200, b"<p>ua</p>", "text/html")
    docs = catalogue(tmp_path / "documents", {"ua": site_server.url("/direct/ua")})
    fetch(documents_dir=docs, **FAST)
    agents = [ua for path, _t, ua in site_server.requests if path == "/direct/ua"]
    assert agents and agents[0].startswith("Synopsis/") and agents[0].endswith("(+comparative document database; research use)")


def test_charset_in_header_is_recorded_for_the_reader(tmp_path, site_server):
    docs = catalogue(tmp_path / "documents", {"latin": site_server.url("/direct/latin1-header")})
    fetch(documents_dir=docs, **FAST)
    record = retrieval(docs, "latin")
    assert record["content_type"] == "text/html; charset=ISO-8859-1"
    raw = (docs / "latin" / "source.html").read_bytes()
    assert extract(raw, content_type=record["content_type"]).text.strip() == "André paid the dues à la carte."


def test_offline_fails_fast_in_one_line_per_document(two_site_catalogue, closed_port):
    before = snapshot(two_site_catalogue)
    mirror = f"http://127.0.0.1:{closed_port}"
    result = CliRunner().invoke(cli, ["fetch", "--documents", str(two_site_catalogue), "--mirror", mirror])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"synopsis: error: fari-intervista: {mirror}/www.marx21.it/comunisti-oggi/prova-intervista/index.html: connection refused (offline, or no server there)",
        f"synopsis: error: lighthouse-report: {mirror}/www.marxists.org/archive/testauthor/1956/report.htm: connection refused (offline, or no server there)",
    ]
    # no "(N attempts)" in the lines above: a refused connection is not retried
    assert snapshot(two_site_catalogue) == before


def test_unknown_id_is_refused_before_any_request(two_site_catalogue):
    with pytest.raises(UnknownDocument):
        fetch(["no-such-doc"], documents_dir=two_site_catalogue, **FAST)
    result = CliRunner().invoke(cli, ["fetch", "no-such-doc", "--documents", str(two_site_catalogue)])
    assert result.exit_code == 2
    assert result.stderr == f"synopsis: error: no-such-doc: no such document in {two_site_catalogue} (closest: lighthouse-report, fari-intervista)\n"


def test_offline_without_a_mirror_names_the_mirror_option(tmp_path, closed_port):
    """No server answers the source URL (as when offline): the line says how to read a mirror instead."""
    url = f"http://127.0.0.1:{closed_port}/speech.html"
    docs = catalogue(tmp_path / "documents", {"speech": url})
    result = CliRunner().invoke(cli, ["fetch", "--documents", str(docs), "--retries", "0"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"synopsis: error: speech: {url}: connection refused (offline, or no server there)"
        " (no network? read a `wget --mirror` copy with --mirror BASE_URL)\n"
    )


def test_document_without_source_url_points_to_add(tmp_path):
    docs = catalogue(tmp_path / "documents", {"owned-book": None})
    with pytest.raises(FetchFailed) as caught:
        fetch(["owned-book"], documents_dir=docs, **FAST)
    assert caught.value.lines == [
        f"owned-book: : no source_url in {docs / 'owned-book' / 'metadata.toml'}; add the text with `synopsis add FILE --id owned-book --replace`"
    ]


def test_project_catalogue_names_the_three_source_pages():
    """The catalogued documents whose texts come from the web, with the addresses the issue gives."""
    metas = {m.id: m for m in load_catalogue(Path(__file__).resolve().parents[1] / "documents")}
    assert metas["khrushchev-secret-speech-1956"].source_url == "https://www.marxists.org/archive/khrushchev/1956/02/24.htm"
    assert metas["renmin-ribao-editorial-1956"].source_url == "https://www.marxists.org/history/international/comintern/sino-soviet-split/cpc/hedp.htm"
    assert metas["togliatti-nuovi-argomenti-1956"].language == "it"
    assert metas["togliatti-nuovi-argomenti-1956-en"].version_of == "togliatti-nuovi-argomenti-1956"
    for doc_id in ("khrushchev-secret-speech-1956", "renmin-ribao-editorial-1956", "togliatti-nuovi-argomenti-1956"):
        status, note = source_status(metas[doc_id])
        if status == "missing":
            assert note == f"text missing: run `synopsis fetch {doc_id}`"
