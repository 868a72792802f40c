"""Options shared by several commands, declared once (the sqlite-utils habit)."""
from __future__ import annotations

from pathlib import Path

import click

DEFAULT_DB = Path("synopsis.db")
DEFAULT_DOCUMENTS = Path("documents")

db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB,
    show_default=True, help="The SQLite database file.",
)
documents_option = click.option(
    "--documents", "documents_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DOCUMENTS,
    show_default=True, help="The folder of documents, one sub-folder each.",
)
