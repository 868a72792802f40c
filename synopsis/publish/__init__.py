"""Publishing a Synopsis database with Datasette 0.65.

The plugin (:mod:`synopsis.publish.plugin`, registered through the ``datasette`` entry
point) adds the compare, search and citation pages, the paragraph and quotation pages'
"elsewhere" sections and the corpus overview. ``datasette-metadata.json`` at the root of
the repository describes every table and column and holds the canned queries; it is written
for a database named ``synopsis`` and the plugin applies it to a corpus database of any
other name. ``synopsis serve`` (:mod:`synopsis.serve`) passes the metadata file and the
settings (``sql_time_limit_ms``, ``truncate_cells_html=0``, ...) to Datasette.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

METADATA_PATH = Path(__file__).resolve().parents[2] / "datasette-metadata.json"
"""The metadata file of record (repository root)."""

METADATA_DATABASE = "synopsis"
"""The database name the metadata file is written for (the file ``synopsis.db``)."""


def load_metadata(path: Path | None = None) -> dict[str, Any]:
    """The metadata file as a dict (``{}`` when it is not there, e.g. in an installed wheel)."""
    path = path or METADATA_PATH
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))
