"""Publishing a Synopsis database with Datasette 0.65.

The plugin (:mod:`synopsis.publish.plugin`, registered through the ``datasette`` entry
point) adds the compare, search and citation pages, the paragraph and quotation pages'
"elsewhere" sections and the corpus overview. ``datasette-metadata.json`` describes every
table and column and holds the canned queries; it is written for a database named
``synopsis`` and the plugin applies it to a corpus database of any other name. It is
package data of this package (the top-level file of the repository, linked here), read
with :mod:`importlib.resources`, so an installed wheel serves with it as a checkout does.
``synopsis serve`` (:mod:`synopsis.serve`) passes the settings (``sql_time_limit_ms``,
``truncate_cells_html=0``, ...) to Datasette.
"""
from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any


METADATA_FILE = "datasette-metadata.json"
"""The metadata file of record: package data of ``synopsis.publish``."""

METADATA_DATABASE = "synopsis"
"""The database name the metadata file is written for (the file ``synopsis.db``)."""


@functools.cache
def _packaged_metadata() -> str:
    return (resources.files(__name__) / METADATA_FILE).read_text(encoding="utf-8")


def load_metadata(path: Path | None = None) -> dict[str, Any]:
    """The packaged metadata (or the file at ``path``) as a new dict, free to change."""
    source = Path(path).read_text(encoding="utf-8") if path else _packaged_metadata()
    return json.loads(source)
