"""Engines: where the link stage's units of work run.

The link stage's steps (:mod:`synopsis.link.steps`) cut their work into blocks — the
candidate pairs of one document pair, one pair of editions — and score each block with
one pure function (:func:`~synopsis.link.steps.score_pair_block`,
:func:`~synopsis.link.steps.align_edge_block`, :func:`~synopsis.link.steps.variant_block`).
An engine only decides where those calls run and how the candidate pairs are found:

* :class:`LocalEngine` (``synopsis build``): in this process, one block after another,
  so memory holds one block's work at a time;
* :class:`synopsis.link.spark.SparkEngine` (``synopsis build --engine spark``): shingles,
  postings and candidate pairs as Spark DataFrames, blocks scored in Spark partitions by
  the same functions, their rows written as Parquet and read back for the store step.

Both give the same rows; the engine, its master and its version are recorded in every run's
parameters (:meth:`Engine.describe`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Protocol, TypeVar

if TYPE_CHECKING:
    import numpy as np

    from synopsis.link.corpus import ParagraphCorpus
    from synopsis.link.parameters import LinkParameters
    from synopsis.link.steps import Candidates
    from synopsis.link.token_cache import ContentKeys

__all__ = ["Engine", "LocalEngine", "LOCAL", "Progress"]

B = TypeVar("B")
R = TypeVar("R")
C = TypeVar("C")

Progress = Callable[[str], None]
"""Told what an engine is doing, one line at a time (the CLI shows it)."""


class Engine(Protocol):
    """Where the link stage's blocks are scored (see the module doc)."""

    name: str

    def describe(self) -> dict[str, str]:
        """What every run records of the engine: ``engine`` and, for a cluster, ``master`` and its version."""

    def find_candidates(self, corpus: ParagraphCorpus, keys: ContentKeys, focus: np.ndarray,
                        params: LinkParameters) -> Candidates:
        """The candidate pairs of :func:`synopsis.link.steps.find_candidates`."""

    def map_blocks(self, fn: Callable[[C, B], R], context: C, blocks: Iterable[B], stage: str) -> Iterator[R]:
        """``fn(context, block)`` for every block, the results in the blocks' order."""


class LocalEngine:
    """This process, one block after another (the default)."""

    name = "local"

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress

    def describe(self) -> dict[str, str]:
        return {"engine": self.name}

    def find_candidates(self, corpus: Any, keys: Any, focus: Any, params: Any) -> Any:
        from synopsis.link.steps import find_candidates

        return find_candidates(corpus, keys, focus, params)

    def map_blocks(self, fn: Callable[[C, B], R], context: C, blocks: Iterable[B], stage: str) -> Iterator[R]:
        for block in blocks:
            yield fn(context, block)

    def close(self) -> None:
        pass


LOCAL = LocalEngine()
"""The engine a step uses when it is given none."""
