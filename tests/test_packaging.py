"""Every install method finds the same code and data: the package's layout and its data files.

The wheel itself is built, installed and used by ``.ci/smoke-wheel`` (run by ``.ci/run``).
"""
from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

from .conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_a_plain_checkout_imports_the_top_level_folders_as_subpackages(tmp_path):
    """No install, no site-packages (``-S``): only the checkout on the path."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import synopsis.ingest, synopsis.migrations, synopsis.migrations.versions, synopsis.publish;"
        "print(synopsis.ingest.__file__); print(synopsis.migrations.__file__)"
    )
    done = subprocess.run([sys.executable, "-S", "-c", code, str(REPO)], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    ingest, migrations = done.stdout.split()
    assert ingest == str(REPO / "synopsis" / "ingest" / "__init__.py")
    assert migrations == str(REPO / "synopsis" / "migrations" / "__init__.py")


def test_the_subpackages_are_the_card_folders_themselves():
    for name in ("ingest", "schema", "migrations"):
        link = REPO / "synopsis" / name
        assert link.is_symlink() and link.resolve() == (REPO / name).resolve()
    metadata = REPO / "synopsis" / "publish" / "datasette-metadata.json"
    assert metadata.is_symlink() and metadata.resolve() == (REPO / "datasette-metadata.json").resolve()


def test_metadata_templates_and_static_files_are_package_data():
    publish = resources.files("synopsis.publish")
    assert (publish / "datasette-metadata.json").read_text(encoding="utf-8") == (REPO / "datasette-metadata.json").read_text(encoding="utf-8")
    assert (publish / "templates" / "index.html").is_file() and (publish / "static" / "synopsis.css").is_file()
    assert (resources.files("synopsis.migrations") / "script.py.mako").is_file()


def test_every_data_file_of_every_package_is_declared():
    """A template, stylesheet or data file added later must reach the wheel too."""
    declared = PYPROJECT["tool"]["setuptools"]["package-data"]
    root = REPO / "synopsis"
    missing = []
    for folder, dirs, files in os.walk(root, followlinks=True):  # the links are the subpackages
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            file = Path(folder) / name
            if file.suffix in {".py", ".pyc"}:
                continue
            owner = file.parent
            while owner != root and not (owner / "__init__.py").exists():
                owner = owner.parent
            package = ".".join(("synopsis", *owner.relative_to(root).parts))
            relative = file.relative_to(owner).as_posix()
            if not any(fnmatch.fnmatch(relative, pattern) for pattern in declared.get(package, [])):
                missing.append(f"{package}: {relative}")
    assert missing == []


def test_the_wheel_declares_the_runtime_package_alone():
    """Test helpers (``tests/support/``: cases, generated editions, the real texts' readers) stay
    in the checkout; ``.ci/smoke-wheel`` opens the built wheel and checks the same."""
    packages = PYPROJECT["tool"]["setuptools"]["packages"]
    on_disk = [  # every folder of synopsis/ with an __init__.py, through the linked subpackages
        ".".join(("synopsis", *Path(folder).relative_to(REPO / "synopsis").parts))
        for folder, dirs, files in os.walk(REPO / "synopsis", followlinks=True) if "__init__.py" in files
    ]
    assert sorted(packages) == sorted(on_disk)
    assert not any("test" in name for name in packages)
    helpers = REPO / "tests" / "support"
    imports = [
        f"{path.relative_to(REPO)}:{n}" for path in (REPO / "synopsis").rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.lstrip().startswith(("from tests", "import tests"))
    ]
    assert helpers.is_dir() and imports == []
