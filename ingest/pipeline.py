"""The ingest pipeline: one place where the stages are composed.

Like spaCy's ``Language.__call__``, running the pipeline is a plain loop over components,
each a function ``Doc -> Doc`` that adds what it is responsible for:

========== =================================== ==========================================
stage      needs                               adds
========== =================================== ==========================================
read       ``meta.source_path``                ``raw``, ``format``, ``source``, ``notes``
clean      ``source``                          ``text``, ``offsets``, ``italics``, ``front_matter``, ``removed``
segment    ``text``                            ``sections``, ``paragraphs``, ``sentences``, ``footnotes``
annotate   ``paragraphs``                      ``quotations``
========== =================================== ==========================================

Storing is not a stage of this loop: it is the database edge (``ingest/store.py``), called
by the build once every document has gone through the stages, so that bad input is found
before the database is touched.
"""
from __future__ import annotations

import hashlib
from importlib import resources
import logging
from collections.abc import Callable
from pathlib import Path

from synopsis.errors import StageFailed, SynopsisError
from synopsis.ingest.annotate import annotate
from synopsis.ingest.clean import clean
from synopsis.ingest.model import Doc, DocumentMeta
from synopsis.ingest.read import read
from synopsis.ingest.segment import segment

log = logging.getLogger(__name__)

Stage = Callable[[Doc], Doc]
STAGES: list[Stage] = [read, clean, segment, annotate]


def run_pipeline(meta: DocumentMeta, stages: list[Stage] | None = None) -> Doc:
    """Run a document through the stages; every error names the stage and the file.

    Errors the user can cause are already :class:`SynopsisError` and pass through; any other
    exception is a bug, but a reader running a build should still get one line that says
    where it happened (the traceback is logged at debug level, shown with ``-vv``).
    """
    doc = Doc(meta=meta)
    where = meta.source_path or meta.metadata_path or meta.id
    for stage in stages if stages is not None else STAGES:
        try:
            doc = stage(doc)
        except SynopsisError:
            raise
        except Exception as error:  # converted to one line at the edge
            log.debug("stage %s failed on %s", stage.__name__, where, exc_info=True)
            raise StageFailed(f"{where}: {stage.__name__} stage failed: {type(error).__name__}: {error}") from error
    return doc


def pipeline_version() -> str:
    """Digest of the ingest code itself and of the language profiles it reads, so that a
    change to the pipeline or to a language's rules re-ingests documents."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    languages = resources.files("synopsis.languages")
    for entry in [languages.joinpath("__init__.py"), *sorted(languages.joinpath("data").iterdir(), key=lambda e: e.name)]:
        digest.update(entry.name.encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()
