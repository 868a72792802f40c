"""Commands that build, serve and search the database."""
from __future__ import annotations

from synopsis.cli import cli  # noqa: F401
