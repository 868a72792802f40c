"""Fetching the source page of a catalogued document, politely and reproducibly.

The response is kept byte for byte as received (``source.html`` beside ``metadata.toml``),
because it is the source of record: every offset in the database can be traced back to it.
The metadata's ``[retrieval]`` table says where it came from (the URL asked for and the URL
that answered, after redirects or through a mirror), when, with what HTTP status and
Content-Type, and its sha256, so that a later fetch can tell whether anything changed.

Politeness: an honest User-Agent, at least ``min_interval`` seconds between two documents'
requests to one host, a timeout on every request, and a few retries with exponential
backoff (urllib3's ``Retry``), only on failures that retrying can mend (read timeouts,
5xx, 408, 429, dropped connections), waiting as long as a ``Retry-After`` header asks. A
refused connection or a host that does not resolve fails at once: that is what being
offline looks like, and waiting would only hang.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import urllib3
from urllib3.util.retry import Retry
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from synopsis.errors import FetchFailed
from synopsis.files import write_atomic
from synopsis.ingest.catalogue import dump_metadata, load_catalogue
from synopsis.ingest.model import DocumentMeta
from synopsis.validate import check_documents

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 1.0
DEFAULT_MIN_INTERVAL = 1.0
DEFAULT_MAX_BYTES = 50_000_000

_SOURCE_NAMES = {"text/html": "source.html", "application/xhtml+xml": "source.html", "text/plain": "source.txt", "text/markdown": "source.md"}


def user_agent() -> str:
    """The User-Agent every request carries: who is asking, and why."""
    try:
        from importlib.metadata import version

        v = version("synopsis")
    except Exception:  # running from a source tree without metadata
        v = "0"
    return f"Synopsis/{v} (+comparative document database; research use)"


@dataclass(slots=True)
class FetchResult:
    """What happened to one document."""

    id: str
    url: str  # the document's source_url
    ok: bool
    changed: bool = False  # a new or different source was written
    request_url: str | None = None  # what was asked for (the mirror's URL when there is one)
    final_url: str | None = None
    status: int | None = None
    sha256: str | None = None
    size: int = 0
    path: Path | None = None
    error: str | None = None  # why it failed, one line
    offline: bool = False  # it failed because no server could be reached

    @property
    def line(self) -> str:
        """One line for the user."""
        if not self.ok:
            return f"{self.id}: {self.request_url or self.url}: {self.error}"
        what = "fetched" if self.changed else "unchanged"
        return f"{self.id}: {what} {self.final_url} (HTTP {self.status}, {self.size:,} bytes) -> {self.path}"


class _Failure(Exception):
    """A failed attempt; ``retry`` says whether another attempt may succeed."""

    def __init__(self, message: str, *, retry: bool, status: int | None = None, offline: bool = False) -> None:
        super().__init__(message)
        self.retry = retry
        self.status = status
        self.offline = offline  # no network reached: a mirror may serve instead


OFFLINE_HINT = " (no network? read a `wget --mirror` copy with --mirror BASE_URL)"
"""Appended to a failure that reached no server, when no mirror was given."""


@dataclass
class _Response:
    body: bytes
    status: int
    final_url: str
    content_type: str | None


@dataclass
class _Politeness:
    """Keeps at least ``min_interval`` seconds between requests to one host."""

    min_interval: float
    last: dict[str, float] = field(default_factory=dict)

    def wait(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        if host in self.last:
            delay = self.last[host] + self.min_interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        self.last[host] = time.monotonic()


def mirror_url(url: str, mirror: str) -> str:
    """Where ``url`` lies in a mirror laid out as ``wget --mirror`` writes: ``BASE/HOST/PATH``.

    A path ending in ``/`` is the directory's ``index.html``, as wget saves it. ``mirror``
    is a URL (``http://``, ``https://``, ``file://``) or a local folder.
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    if path.endswith("/"):
        path += "index.html"
    base = mirror.rstrip("/")
    if "://" not in base:
        return Path(base).resolve().as_uri() + "/" + parts.netloc + path
    return f"{base}/{parts.netloc}{path}"


class _Retry(Retry):
    """urllib3's Retry with the backoff this module promises: ``backoff``, then twice that, ...

    (urllib3 2 retries the first failure at once and starts its backoff at the second.)
    """

    def get_backoff_time(self) -> float:
        failures = len(self.history)
        if failures == 0:
            return 0.0
        return min(self.backoff_max, self.backoff_factor * 2 ** (failures - 1))


RETRY_STATUSES = frozenset({408, 429, *range(500, 600)})
"""Answers worth asking again: a timeout, too many requests, any server error."""


def _retry(retries: int, backoff: float) -> Retry:
    """Retries for what retrying can mend: read timeouts, dropped connections, RETRY_STATUSES.

    A connection that cannot be made (refused, a host that does not resolve) is not retried:
    that is what being offline looks like. A ``Retry-After`` header (on 429 and 503) is
    honoured: the server says when to come back, and that outranks the backoff.
    """
    return _Retry(
        total=None, connect=0, read=retries, status=retries, other=0, redirect=10,
        status_forcelist=RETRY_STATUSES, allowed_methods=frozenset({"GET"}), backoff_factor=backoff,
        respect_retry_after_header=True, raise_on_status=False, raise_on_redirect=True,
    )


_POOL = urllib3.PoolManager(headers={"User-Agent": user_agent(), "Accept": "text/html, text/plain;q=0.9, */*;q=0.5"})


def _get(url: str, *, timeout: float, retries: int, backoff: float, max_bytes: int) -> _Response:
    """One GET with retries; redirects are followed; every failure becomes a :class:`_Failure`."""
    if urlsplit(url).scheme not in ("http", "https"):
        return _get_file(url, max_bytes=max_bytes)  # a mirror on disk: nothing to retry
    try:
        response = _POOL.request(
            "GET", url, retries=_retry(retries, backoff), timeout=urllib3.Timeout(connect=timeout, read=timeout),
            preload_content=False,
        )
    except urllib3.exceptions.MaxRetryError as error:
        # Retries ran out: on read failures that is every attempt allowed (connections are never retried).
        read_failure = isinstance(error.reason, urllib3.exceptions.ReadTimeoutError | urllib3.exceptions.ProtocolError)
        raise _failure_from(error.reason, url=url, timeout=timeout, attempts=retries + 1 if read_failure else None) from None
    except urllib3.exceptions.HTTPError as error:
        raise _failure_from(error, url=url, timeout=timeout, attempts=None) from None
    attempts = len(response.retries.history) + 1 if response.retries is not None else 1
    try:
        if response.status >= 400:
            raise _Failure(_with_attempts(f"HTTP {response.status} {response.reason}", attempts), retry=False, status=response.status)
        chunks, size = [], 0
        deadline = time.monotonic() + timeout
        try:
            for chunk in response.stream(65536):
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise _Failure(f"response larger than {max_bytes:,} bytes", retry=False)
                if time.monotonic() > deadline:
                    raise _Failure(f"timed out after {timeout:g} s", retry=False)
        except urllib3.exceptions.HTTPError as error:
            raise _failure_from(error, url=url, timeout=timeout, attempts=attempts) from None
        final_url = url
        for step in response.retries.history if response.retries is not None else ():
            if step.redirect_location:
                final_url = urljoin(final_url, step.redirect_location)
        return _Response(b"".join(chunks), response.status, final_url, response.headers.get("Content-Type"))
    finally:
        response.release_conn()


def _with_attempts(message: str, attempts: int | None) -> str:
    return f"{message} ({attempts} attempts)" if attempts and attempts > 1 else message


def _failure_from(error: BaseException | None, *, url: str, timeout: float, attempts: int | None) -> _Failure:
    """One line for what went wrong at the connection."""
    # NewConnectionError subclasses ConnectTimeoutError in urllib3 2: test it (and DNS) first.
    if isinstance(error, urllib3.exceptions.NameResolutionError):
        return _Failure(f"cannot resolve host {urlsplit(url).hostname!r} (offline?)", retry=False, offline=True)
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        if isinstance(error.__cause__ or error.__context__, ConnectionRefusedError) or "refused" in str(error).lower():
            return _Failure("connection refused (offline, or no server there)", retry=False, offline=True)
        return _Failure(f"cannot connect ({error})", retry=False, offline=True)
    if isinstance(error, urllib3.exceptions.ReadTimeoutError | urllib3.exceptions.ConnectTimeoutError | TimeoutError):
        return _Failure(_with_attempts(f"timed out after {timeout:g} s", attempts), retry=False)
    if isinstance(error, urllib3.exceptions.ResponseError):  # too many redirects
        return _Failure(f"too many redirects ({error})", retry=False)
    return _Failure(_with_attempts(f"connection broken ({type(error).__name__})", attempts), retry=False)


def _get_file(url: str, *, max_bytes: int) -> _Response:
    """A page from a mirror on disk (``file://``)."""
    try:
        with urllib.request.urlopen(url) as response:  # file:// by design
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise _Failure(f"response larger than {max_bytes:,} bytes", retry=False)
            return _Response(body, 200, response.geturl(), response.headers.get("Content-Type"))
    except (FileNotFoundError, IsADirectoryError):
        raise _Failure("not in the mirror (no such file)", retry=False) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, FileNotFoundError | IsADirectoryError) or "No such file" in str(error.reason):
            raise _Failure("not in the mirror (no such file)", retry=False) from None
        raise _Failure(f"cannot read the mirror ({error.reason})", retry=False) from None


def _download(url: str, *, timeout: float, retries: int, backoff: float, max_bytes: int, politeness: _Politeness) -> _Response:
    politeness.wait(url)
    return _get(url, timeout=timeout, retries=retries, backoff=backoff, max_bytes=max_bytes)


def _source_name(content_type: str | None, url: str) -> str | None:
    """The file name of the source of record, or None for a type the reader cannot read."""
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in _SOURCE_NAMES:
        return _SOURCE_NAMES[mime]
    suffix = Path(urlsplit(url).path).suffix.lower()
    if not mime or mime == "application/octet-stream":
        if suffix in (".htm", ".html", ".xhtml", "") or urlsplit(url).path.endswith("/"):
            return "source.html"
        if suffix in (".txt", ".md"):
            return "source" + suffix
    return None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _store(meta: DocumentMeta, response: _Response, *, name: str) -> tuple[bool, Path]:
    """Keep the response and update the metadata; ``(changed, path)``. Unchanged bytes write nothing."""
    assert meta.folder is not None and meta.metadata_path is not None
    digest = _sha256(response.body)
    current = meta.source_path
    if current is not None and current.is_file() and _sha256(current.read_bytes()) == digest:
        return False, current
    path = meta.folder / name
    write_atomic(path, response.body)
    retrieval = {
        "url": meta.source_url,
        "final_url": response.final_url,
        "status": response.status,
        "retrieved_at": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "sha256": digest,
        "content_type": response.content_type,
    }
    updated = replace(meta, source_file=name, retrieval={k: v for k, v in retrieval.items() if v is not None})
    write_atomic(meta.metadata_path, dump_metadata(updated).encode("utf-8"))
    if current is not None and current.is_file() and current.resolve() != path.resolve():
        current.unlink()  # the old source of record, replaced by one of another type
    return True, path


def fetch(
    ids: list[str] | tuple[str, ...] | None = None,
    *,
    documents_dir: Path,
    mirror: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
    min_interval: float = DEFAULT_MIN_INTERVAL,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[str], None] | None = None,
) -> list[FetchResult]:
    """Download the source page of each document whose text is missing, or of those named.

    Documents are fetched one after another; one that fails does not stop the others.
    When any failed, :class:`FetchFailed` is raised at the end, after the others were
    stored, with one line per failure in ``error.lines`` and every result in
    ``error.results``. Nothing already stored is touched for a failed document.
    ``progress`` is told a line before each document and its result's line after it.
    """
    documents_dir = Path(documents_dir)
    catalogue = {meta.id: meta for meta in load_catalogue(documents_dir)}
    if ids:
        check_documents(dict.fromkeys(catalogue), ids, where=str(documents_dir))
        chosen = [catalogue[i] for i in dict.fromkeys(ids)]
    else:
        chosen = [m for m in catalogue.values() if m.source_url and not (m.source_path and m.source_path.is_file())]
    politeness = _Politeness(min_interval)
    results: list[FetchResult] = []
    for number, meta in enumerate(chosen, 1):
        if progress is not None:
            progress(f"fetching {meta.id} ({number}/{len(chosen)}) from {meta.source_url}")
        results.append(_fetch_one(meta, mirror=mirror, timeout=timeout, retries=retries, backoff=backoff, max_bytes=max_bytes, politeness=politeness))
        log.info(results[-1].line)
        if progress is not None:
            progress(results[-1].line)
    failed = [r for r in results if not r.ok]
    if failed:
        lines = [r.line for r in failed]
        error = FetchFailed("; ".join(lines))
        error.lines = lines  # type: ignore[attr-defined]
        error.results = results  # type: ignore[attr-defined]
        raise error
    return results


def _fetch_one(meta: DocumentMeta, *, mirror: str | None, politeness: _Politeness, **options) -> FetchResult:
    if not meta.source_url:
        return FetchResult(meta.id, "", ok=False, error=f"no source_url in {meta.metadata_path}; add the text with `synopsis add FILE --id {meta.id} --replace`")
    url = meta.source_url
    request_url = mirror_url(url, mirror) if mirror else url
    result = FetchResult(meta.id, url, ok=False, request_url=request_url)
    try:
        response = _download(request_url, politeness=politeness, **options)
    except _Failure as failure:
        result.error = str(failure) + (OFFLINE_HINT if failure.offline and not mirror else "")
        result.status = failure.status
        result.offline = failure.offline
        return result
    name = _source_name(response.content_type, response.final_url)
    if name is None:
        result.error = f"unsupported content type {response.content_type!r} (expected HTML or plain text)"
        return result
    changed, path = _store(meta, response, name=name)
    result.ok = True
    result.changed = changed
    result.final_url = response.final_url
    result.status = response.status
    result.sha256 = _sha256(response.body)
    result.size = len(response.body)
    result.path = path
    return result
