"""Shared fixtures, named for the state they set up.

This file is shared by every test module: add fixtures, don't rewrite others'.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = REPO / "documents"
RESOLUTION_ID = "cpsu-resolution-1956"


@pytest.fixture
def documents_copy(tmp_path) -> Path:
    """A private copy of the project's documents folder, free to edit."""
    target = tmp_path / "documents"
    shutil.copytree(DOCUMENTS, target)
    return target


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The real corpus built once into a database (read-only for tests: don't write to it)."""
    from synopsis.build import build

    folder = tmp_path_factory.mktemp("built")
    db_path = folder / "synopsis.db"
    build(documents_dir=DOCUMENTS, db_path=db_path)
    return db_path
