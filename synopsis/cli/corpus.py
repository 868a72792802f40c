"""Commands that build, serve and search the database, and keep readers' notes."""
from __future__ import annotations

import signal
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from synopsis.cli import cli
from synopsis.cli.options import db_option, documents_option

console = Console(stderr=True, highlight=False, soft_wrap=True)


@cli.command(name="build")
@db_option
@documents_option
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes for ingest (default: one per core).")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="Where the link stage runs: this process, or Apache Spark (needs pip install 'synopsis[spark]').")
@click.option("--master", default=None, metavar="URL",
              help="With --engine spark: the Spark master (local[*], spark://HOST:7077, yarn, k8s://https://HOST:PORT). [default: local[*]]")
@click.option("--spark-conf", "spark_conf", multiple=True, metavar="KEY=VALUE",
              help="With --engine spark: a Spark property (repeatable), e.g. spark.executor.memory=8g.")
@click.option("--spark-dir", default=None, metavar="URL",
              help="With --engine spark: where the link rows are written as Parquet (a folder every executor can write: hdfs://, s3a://). [default: a temporary folder]")
def build_command(db_path: Path, documents_dir: Path, workers: int | None, engine: str, master: str | None,
                  spark_conf: tuple[str, ...], spark_dir: str | None) -> None:
    """Build or update the database from the documents folder.

    Migrates the schema, ingests every document whose source changed, links changed
    document pairs, carries readers' notes over and builds the full-text indexes. The new
    database replaces the old one only when complete. With --engine spark the link stage
    runs on Apache Spark and gives the same links.
    """
    from synopsis.build import build

    _stop_on_sigterm()
    link_engine = _link_engine(engine, master, spark_conf, spark_dir)
    try:
        with console.status("building") as status:
            if link_engine is not None:
                link_engine.progress = lambda line: (status.update(line), console.print(escape(line)))
            report = build(documents_dir=documents_dir, db_path=db_path, workers=workers, progress=lambda step: status.update(step),
                           link_engine=link_engine)
    finally:
        if link_engine is not None:
            link_engine.close()
    for doc_id, hint in report.missing:
        console.print(f"{escape(doc_id)}: {escape(hint)}")
    links = ", ".join(f"{n} {name}" for name, n in report.links.items()) or "no new links"
    total = sum(report.seconds.values())
    console.print(
        f"{escape(str(db_path))}: {len(report.ingested)} ingested, {len(report.unchanged)} unchanged, "
        f"{len(report.missing)} missing, {report.paragraphs} paragraphs, {links}; "
        f"notes {report.notes_kept} kept, {report.notes_orphaned} orphaned; {total:.2f}s"
    )


def _link_engine(engine: str, master: str | None, spark_conf: tuple[str, ...], spark_dir: str | None):
    """The link engine the build options name (None: this process)."""
    if engine != "spark":
        if master or spark_conf or spark_dir:
            raise click.UsageError("--master, --spark-conf and --spark-dir go with --engine spark")
        return None
    conf = {}
    for item in spark_conf:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--spark-conf")
        conf[key.strip()] = value.strip()
    from synopsis.link.spark import SparkEngine

    return SparkEngine(master or "local[*]", conf=conf, work_dir=spark_dir)


def _stop_on_sigterm() -> None:
    """Let ``kill PID`` stop a build the way Ctrl-C does: the half-built file is removed and
    the user is told in one line (Python's default for SIGTERM is to vanish silently)."""

    def interrupt(_signum, _frame) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


@cli.command(name="serve")
@db_option
@documents_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 exposes it to the network).")
@click.option("-p", "--port", type=int, default=8001, show_default=True, help="Port to listen on.")
@click.option("--metadata", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None, help="Datasette metadata file (default: the project's datasette-metadata.json).")
@click.option("--no-build", is_flag=True, help="Serve the database as it is, even if older than its sources.")
@click.option("--no-fetch", is_flag=True, help="On the first run, do not download the catalogued texts that are missing.")
@click.option("--mirror", metavar="BASE_URL", default=None, help="Fetch missing texts from a `wget --mirror` copy of the archives (a URL or a folder).")
def serve_command(db_path: Path, documents_dir: Path, host: str, port: int, metadata: Path | None, no_build: bool,
                  no_fetch: bool, mirror: str | None) -> None:
    """Serve the database with Datasette (read-only), building it first if stale.

    On the first run (no database yet) the catalogued texts that are missing are fetched
    first, a line per document; without a network that is one line, and what is here is
    served.
    """
    from synopsis.serve import serve

    serve(db_path=db_path, documents_dir=documents_dir, host=host, port=port, metadata=metadata, build_first=not no_build,
          fetch_first=not no_fetch, mirror=mirror, progress=lambda line: console.print(escape(line)))


@cli.command(name="search")
@click.argument("query")
@db_option
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="How many paragraphs to show.")
@click.option("--document", default=None, help="Search only this document (its id).")
@click.option("--translations", is_flag=True,
              help="Also search each word's translations: learned from the corpus's aligned translations, or listed in a shipped dictionary.")
def search_command(query: str, db_path: Path, limit: int, document: str | None, translations: bool) -> None:
    """Search paragraphs; ranked results with highlighted snippets.

    QUERY is FTS5 syntax: words, "a phrase", prefix*, AND / OR / NOT. A name the corpus
    lexicon (documents/lexicon.toml) knows is found in every script it lists.
    """
    from synopsis.search import MARK_END, MARK_START, search

    out = Console(highlight=False, soft_wrap=True)
    hits = search(db_path, query, limit=limit, document=document, translations=translations)
    if not hits:
        out.print(f"no paragraph matches {escape(query)!r}")
    for hit in hits:
        snippet = escape(hit.snippet).replace(MARK_START, "[bold yellow]").replace(MARK_END, "[/bold yellow]")
        out.print(f"[bold]{escape(hit.ref)}[/bold]  {escape(hit.document_title)}")
        out.print(f"  {snippet}\n")
    if hits.total > len(hits):
        out.print(f"{hits.total - len(hits):,} more (use --limit)")


@cli.command(name="note")
@click.argument("words", nargs=-1, metavar="TARGET TEXT")
@click.option("--edit", "edit_id", type=int, metavar="ID", default=None, help="Give note ID the new TEXT (and the --tag tags, if any) instead of adding a note.")
@click.option("--delete", "delete_id", type=int, metavar="ID", default=None, help="Delete note ID (its history stays in the notes file).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable; with --edit, the note's new tags).")
@click.option("--author", default=None, help="Who writes the note (with --edit or --delete: who changes it).")
@db_option
@documents_option
def note_command(words: tuple[str, ...], edit_id: int | None, delete_id: int | None, tags: tuple[str, ...], author: str | None,
                 db_path: Path, documents_dir: Path) -> None:
    """Add a reader's note to a paragraph, quotation, cross-reference or alignment; or
    edit or delete one.

    TARGET is a citation (cpsu-resolution-1956:2.14, cpsu-resolution-1956:2.14.q1) or
    TABLE:ID (paragraphs:12, quotations:3, cross_references:7, alignments:40).
    `synopsis note --edit ID TEXT` changes note ID's text, `synopsis note --delete ID`
    deletes it. Notes are kept in notes.jsonl beside the documents folder, where an edit
    or a deletion is one more line and nothing is rewritten, and merged into the
    database by every build: deleting or rebuilding the database loses none.
    """
    from synopsis.notes import delete_note, edit_note, note

    if edit_id is not None and delete_id is not None:
        raise click.UsageError("give --edit or --delete, not both")
    if delete_id is not None:
        if words or tags:
            raise click.UsageError("--delete ID takes no TEXT or --tag")
        gone = delete_note(db_path, delete_id, documents_dir=documents_dir, author=author)
        click.echo(f"note {gone.id} deleted ({gone.target_ref or gone.target_table})")
    elif edit_id is not None:
        if len(words) > 1 or not (words or tags):
            raise click.UsageError("--edit ID takes the new TEXT (one argument), or --tag, or both")
        edited = edit_note(db_path, edit_id, words[0] if words else None, documents_dir=documents_dir,
                           tags=list(tags) if tags else None, author=author)
        click.echo(f"note {edit_id} edited" if edited else f"note {edit_id} unchanged")
    else:
        if len(words) != 2:
            raise click.UsageError("give TARGET and TEXT (or --edit ID TEXT, --delete ID)")
        target, text = words
        added = note(db_path, target, text, documents_dir=documents_dir, tags=list(tags), author=author)
        click.echo(f"note {added.id} on {added.target_table}:{added.target_id} ({added.target_ref})")


@cli.command(name="notes")
@db_option
@documents_option
@click.option("--tag", default=None, help="Only notes with this tag.")
@click.option("--orphaned", is_flag=True, help="Only notes whose target is gone.")
@click.option("--history", is_flag=True, help="Every note ever written, deleted ones included, with its edits and deletion.")
@click.option("--export", "export_to", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write every note, with its history, to FILE (JSON Lines) instead of listing them.")
@click.option("--import", "import_from", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Add the notes, edits and deletions of FILE (JSON Lines) that are not here yet.")
def notes_command(db_path: Path, documents_dir: Path, tag: str | None, orphaned: bool, history: bool,
                  export_to: Path | None, import_from: Path | None) -> None:
    """List readers' notes, oldest first; or their history; or export or import them."""
    from synopsis.notes import export_notes, import_notes, notes

    if export_to or import_from:
        if import_from:
            carried = import_notes(documents_dir, import_from, db_path=db_path)
            click.echo(f"{import_from}: {carried.notes} note(s), {carried.edits} edit(s), {carried.deletions} deletion(s) imported")
        if export_to:
            carried = export_notes(documents_dir, export_to, db_path=db_path)
            click.echo(f"{export_to}: {carried.notes} note(s), {carried.edits} edit(s), {carried.deletions} deletion(s) exported")
        return
    if history:
        if orphaned:
            raise click.UsageError("--history lists every note; it takes no --orphaned")
        _print_history(documents_dir, db_path, tag)
        return
    for n in notes(db_path, documents_dir=documents_dir, tag=tag, orphaned=True if orphaned else None):
        state = " [orphaned]" if n.orphaned else ""
        by = f" — {n.author}" if n.author else ""
        click.echo(f"{n.id}\t{n.target_ref or n.target_table}{state}\t{n.note}{_hashtags(n.tags.split(',') if n.tags else [])}{by}\t{n.created_at}")


def _hashtags(tags: list[str]) -> str:
    return f" #{' #'.join(tags)}" if tags else ""


def _print_history(documents_dir: Path, db_path: Path, tag: str | None) -> None:
    """Each note (id, target, [deleted]), then one indented line per event: when, what, the text."""
    from synopsis.notes import note_history

    for story in note_history(documents_dir, db_path=db_path):
        if tag is not None and not any(tag in (e.get("tags") or []) for e in story.events):
            continue
        record = story.record
        click.echo(f"{record.id}\t{record.target_ref or record.target_table}{' [deleted]' if story.deleted_at else ''}")
        for event in story.events:
            who = event.get("author") if event["event"] == "add" else event.get("by")
            by = f" — {who}" if who else ""
            what = {"add": "added", "edit": "edited", "delete": "deleted"}[event["event"]]
            words = event.get("note", "")
            tags = _hashtags(event["tags"]) if "tags" in event else ""
            click.echo(f"\t{event['at']}\t{what}\t{words}{tags}{by}".rstrip("\t"))
