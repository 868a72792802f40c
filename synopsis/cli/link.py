"""Commands that read the links between documents."""
from __future__ import annotations

from pathlib import Path

import click

from synopsis.cli import cli
from synopsis.cli.options import db_option

format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
    help="Output format.",
)


@cli.command(name="compare")
@click.argument("a")
@click.argument("b")
@db_option
@format_option
@click.option("--sentences", is_flag=True, help="Show each row's aligned sentences (table format).")
def compare_command(a: str, b: str, db_path: Path, fmt: str, sentences: bool) -> None:
    """Print the alignment of documents A and B side by side.

    Editions of one text show their alignment, derived sentence by sentence (a row holds
    the paragraphs aligned sentences join; dropped and added paragraphs are gaps;
    --sentences shows the sentence pairs); different documents show each paragraph of A beside its most
    similar paragraphs of B. Scores and shared passages come with each row.
    """
    from synopsis.publish.compare import compare

    click.echo(compare(db_path, a, b, fmt=fmt, sentences=sentences), nl=False)


@cli.command(name="variants")
@click.argument("a")
@click.argument("b")
@db_option
@format_option
@click.option("--all", "all_", is_flag=True, help="Show trivial variants too (spelling, case, punctuation).")
def variants_command(a: str, b: str, db_path: Path, fmt: str, all_: bool) -> None:
    """Print what changed between editions A and B, word by word.

    Substitutions, insertions, deletions and transpositions inside the aligned
    paragraphs of two editions of one text in one language, A's reading first.
    Substantive variants only, unless --all.
    """
    from synopsis.publish.compare import variants

    click.echo(variants(db_path, a, b, fmt=fmt, all=all_), nl=False)
