"""The ``synopsis`` command: a thin shell over the library.

Each command lives in a module of this package named for its area and calls one library
function with the same name and the same options. User-caused errors
(:class:`synopsis.errors.SynopsisError`) are turned into one line on stderr and exit code 2
here, once, and nowhere else.
"""
from __future__ import annotations

import logging
import sys

import click

from synopsis.errors import SynopsisError


class SynopsisGroup(click.Group):
    """A click group that reports user errors in one line, without a traceback."""

    def invoke(self, ctx: click.Context):  # click's signature
        try:
            return super().invoke(ctx)
        except SynopsisError as error:
            click.echo(f"synopsis: error: {error}", err=True)
            sys.exit(error.exit_code)
        except click.UsageError as error:  # a bad option: one line too, with where to look
            command = f"synopsis {error.ctx.info_name}" if error.ctx and error.ctx.parent else "synopsis"
            click.echo(f"synopsis: error: {error.format_message()} (see `{command} --help`)", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("synopsis: interrupted", err=True)
            sys.exit(130)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List each command with the whole first sentence of its help, wrapped, never cut with "..."."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=SynopsisGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="synopsis")
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """Synopsis: a comparative document database.

    Build a SQLite database from the documents folder, link passages across documents,
    and read it all in Datasette.
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if verbose < 2:
        # Other libraries' warnings (trafilatura's "discarding data: None" on an empty page)
        # are about their internals; the user gets our one-line error instead. -vv shows all.
        for handler in logging.getLogger().handlers:
            handler.addFilter(_ours_or_errors)


def _ours_or_errors(record: logging.LogRecord) -> bool:
    return record.name.split(".")[0] == "synopsis" or record.levelno >= logging.ERROR


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="synopsis")


# Command modules register themselves on ``cli`` when imported.
from synopsis.cli import corpus as _corpus  # noqa: E402,F401
from synopsis.cli import sources as _sources  # noqa: E402,F401
from synopsis.cli import link as _link  # noqa: E402,F401
