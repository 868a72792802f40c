"""Commands that bring texts into the corpus: ``fetch`` and ``add``."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from synopsis.add import add as add_document
from synopsis.cli import cli
from synopsis.cli.options import documents_option
from synopsis.errors import FetchFailed
from synopsis.fetch import DEFAULT_RETRIES, DEFAULT_TIMEOUT
from synopsis.fetch import fetch as fetch_documents
from synopsis.ingest.model import SOURCE_KINDS


@cli.command()
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--mirror", "mirror", metavar="BASE_URL", help="Read https://HOST/PATH from BASE_URL/HOST/PATH (a `wget --mirror` copy; a URL or a folder).")
@click.option("--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True, help="Seconds to wait for one response.")
@click.option("--retries", type=int, default=DEFAULT_RETRIES, show_default=True, help="Further attempts after a timeout or a server error.")
@documents_option
def fetch(ids: tuple[str, ...], mirror: str | None, timeout: float, retries: int, documents_dir: Path) -> None:
    """Download the source page of each document whose text is missing (or of the IDs named).

    The response is kept as received beside the document's metadata, with the time, the
    final URL, the HTTP status and its sha256. Fetching unchanged content again changes
    nothing. A failure is reported in one line per document and exits with code 2; the
    other documents are still fetched, and nothing stored is touched for the failed ones.
    """
    try:
        results = fetch_documents(list(ids) or None, documents_dir=documents_dir, mirror=mirror, timeout=timeout, retries=retries)
    except FetchFailed as error:
        for result in getattr(error, "results", []):
            if result.ok:
                click.echo(result.line)
        for line in getattr(error, "lines", [str(error)]):
            click.echo(f"synopsis: error: {line}", err=True)
        sys.exit(error.exit_code)
    if not results:
        click.echo("nothing to fetch: every catalogued text with a source URL is present")
    for result in results:
        click.echo(result.line)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--id", "doc_id", required=True, help="The document's id: a slug such as togliatti-nuovi-argomenti-1956-en.")
@click.option("--title", help="The document's title (required for a new document).")
@click.option("--author", help="Author (a person or a body).")
@click.option("--date", help="Date of the document, ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--language", help="Language, BCP 47 (en, it, ...).")
@click.option("--version-of", "version_of", metavar="ID", help="The id of the document this one is a version (translation, edition) of.")
@click.option("--source-kind", "source_kind", type=click.Choice(SOURCE_KINDS), default=None,
              help="scan: the text was read from a scan, and the scan repairs (page-break and hyphen joins, front matter) "
                   "run on it; born-digital (the default for a new document): kept block for block as written.")
@documents_option
@click.option("--replace", is_flag=True, help="Replace the text (and the fields given) of an existing document.")
@click.option("--added-by", "added_by", metavar="NAME", help="Who adds the text, for its provenance (default: your login name).")
def add(file: Path, doc_id: str, title: str | None, author: str | None, date: str | None, language: str | None,
        version_of: str | None, source_kind: str | None, documents_dir: Path, replace: bool, added_by: str | None) -> None:
    """Register a local Markdown, plain-text or HTML FILE as a document.

    The file is copied into DOCUMENTS/ID/ with a metadata.toml; the next build loads it.
    An existing id is refused unless --replace; a --version-of that names no document is
    refused.
    """
    meta = add_document(file, id=doc_id, title=title, author=author, date=date, language=language,
                        version_of=version_of, source_kind=source_kind, documents_dir=documents_dir, replace=replace,
                        added_by=added_by)
    click.echo(f"{meta.id}: added {meta.source_path} as {meta.source_kind} (run `synopsis build` to load it)")
