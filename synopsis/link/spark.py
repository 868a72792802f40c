"""The Spark engine: the link stage's candidate pairs and blocks on Apache Spark (``synopsis build --engine spark``).

Nothing here scores anything. The engine does what :class:`synopsis.link.engine.LocalEngine`
does, spread over a cluster:

candidates
    The single-machine index's own functions (:mod:`synopsis.link.candidates`) in Spark tasks,
    as :func:`~synopsis.link.candidates.candidate_pairs_streamed` runs them bucket by bucket on
    one machine: chunks of paragraphs are shingled (:func:`~synopsis.link.candidates.shingle_postings`),
    the postings shuffled to buckets by their hash's top bits (all of a shingle's paragraphs in one
    bucket, so the corpus statistics that drop frequent shingles — more than ``max_postings``
    paragraphs, ``max_df`` in a pair of documents — are the bucket's own), each bucket grouped
    once; the driver sums the buckets' histograms of group sizes into the pair budget's cap
    (:func:`~synopsis.link.candidates.budget_cap`); each bucket expands its pairs, and the pair
    keys are shuffled by their left paragraph and counted. Arrays travel between tasks, never a
    row at a time, and the pairs are the local index's, in its order.
blocks
    The steps' blocks (the candidate pairs of one document pair, one pair of editions, a slice of
    the reworded pass's pairs) are scored in Spark partitions by the steps' own functions
    (:func:`~synopsis.link.steps.score_pair_block`, :func:`~synopsis.link.steps.reworded_block`,
    ...); what the blocks read beside their pairs is broadcast once. One job per step: each task
    writes its blocks' rows as a Parquet file per link table and returns the rest of their
    results; the driver reads the rows back in block order for the normal store step.

Progress (stages, blocks, pairs scored) goes to the engine's ``progress`` callable, and
Spark's own console progress bar shows its stages' tasks.
"""
from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from synopsis.errors import EngineFailed, MissingExtra
from synopsis.link.engine import Progress

__all__ = ["SparkEngine", "spark_available", "TABLE_COLUMNS"]

log = logging.getLogger(__name__)

_EXTRA = "the Spark engine needs PySpark and PyArrow: pip install 'synopsis[spark]'"

# The columns of each link table after run_id, in the order the steps' rows hold them: s text, i integer, f real.
TABLE_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "cross_references": [("method", "s"), ("source_document_id", "s"), ("target_document_id", "s"),
                         ("source_paragraph_id", "i"), ("target_paragraph_id", "i"), ("quotation_id", "i"),
                         ("source_start", "i"), ("source_end", "i"), ("target_start", "i"), ("target_end", "i"),
                         ("source_text", "s"), ("target_text", "s"), ("score", "f"),
                         ("kind", "s"), ("meaning_score", "f"), ("correspondences", "s")],
    "alignments": [("method", "s"), ("left_document_id", "s"), ("right_document_id", "s"), ("left_paragraph_id", "i"),
                   ("right_paragraph_id", "i"), ("bead", "i"), ("pattern", "s"), ("rank", "i"), ("score", "f")],
    "sentence_alignments": [("method", "s"), ("left_document_id", "s"), ("right_document_id", "s"),
                            ("left_sentence_id", "i"), ("right_sentence_id", "i"), ("left_paragraph_id", "i"),
                            ("right_paragraph_id", "i"), ("bead", "i"), ("pattern", "s"), ("score", "f")],
    "variants": [("left_document_id", "s"), ("right_document_id", "s"), ("left_paragraph_id", "i"),
                 ("right_paragraph_id", "i"), ("kind", "s"), ("left_start", "i"), ("left_end", "i"), ("right_start", "i"),
                 ("right_end", "i"), ("left_text", "s"), ("right_text", "s"), ("trivial", "i")],
}


def _block_tables() -> dict[Callable, dict[int, str]]:
    """Which items of each block function's result are rows of which table (written as Parquet)."""
    from synopsis.link.steps import reworded_block, score_pair_block, variant_block

    return {score_pair_block: {1: "cross_references"}, reworded_block: {1: "cross_references"}, variant_block: {1: "variants"}}


def spark_available() -> bool:
    """Whether the ``spark`` extra is installed."""
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return True


def _coerce(row: tuple, kinds: list[str]) -> tuple:
    """A row with each value of the column's type (as SQLite's column affinity stores it)."""
    out = []
    for v, k in zip(row, kinds):
        if v is None or k == "s":
            out.append(v)
        elif k == "i":
            out.append(int(v))
        else:
            out.append(float(v))
    return tuple(out)


class SparkEngine:
    """The link stage's blocks on a Spark cluster (``master``: ``local[*]``, ``spark://…``, ``yarn``, ``k8s://…``).

    ``session`` is an existing SparkSession to use (tests share one); otherwise one is made
    on first use with ``conf`` (Spark properties) and stopped by :meth:`close`.
    ``work_dir`` is where the blocks' Parquet goes (a folder every executor can write and
    the driver can read: HDFS or S3 on a cluster); a temporary folder by default.
    """

    name = "spark"

    def __init__(self, master: str = "local[*]", *, session: Any = None, conf: dict[str, str] | None = None,
                 work_dir: str | None = None, progress: Progress | None = None) -> None:
        if not spark_available():
            raise MissingExtra(_EXTRA)
        self.master = session.sparkContext.master if session is not None else master
        self.conf = dict(conf or {})
        self.progress = progress
        self._session = session
        self._own_session = session is None
        self._work_dir = work_dir
        self._own_work_dir = False

    # ------------------------------------------------------------------ session

    @property
    def spark(self) -> Any:
        if self._session is None:
            self._session = make_session(self.master, self.conf)
        return self._session

    def describe(self) -> dict[str, str]:
        return {"engine": self.name, "master": self.master, "spark_version": self.spark.version}

    def close(self) -> None:
        if self._own_session and self._session is not None:
            self._session.stop()
            self._session = None
        if self._own_work_dir and self._work_dir:
            shutil.rmtree(self._work_dir, ignore_errors=True)
            self._work_dir = None

    def _say(self, line: str) -> None:
        log.info("%s", line)
        if self.progress:
            self.progress(line)

    def _folder(self, name: str) -> str:
        if self._work_dir is None:
            self._work_dir = tempfile.mkdtemp(prefix="synopsis-spark-")
            self._own_work_dir = True
        return f"{self._work_dir.rstrip('/')}/{name}-{uuid.uuid4().hex[:8]}"

    # --------------------------------------------------------------- candidates

    def find_candidates(self, corpus: Any, keys: Any, focus: np.ndarray, params: Any) -> Any:
        """The candidate pairs of :func:`synopsis.link.steps.find_candidates`, found in Spark partitions.

        The single-machine index's own functions (:mod:`synopsis.link.candidates`) run in
        Spark tasks, as :func:`~synopsis.link.candidates.candidate_pairs_streamed` runs them
        bucket by bucket: paragraphs are shingled in chunks, the postings shuffled to buckets
        by their hash's top bits (a shingle's paragraphs all fall in one bucket, so every
        per-shingle rule sees the whole of it), each bucket grouped (one pass for the pair
        budget's histogram, summed on the driver, one to expand its pairs), and the pair keys
        shuffled by their left paragraph and counted. Arrays travel, never a row at a time.
        """
        from synopsis.link.candidates import _count_pairs, _expand, _focus_shingles, _groups, _size_histogram, budget_cap
        from synopsis.link.steps import with_works

        para_doc = np.asarray(corpus.para_doc, dtype=np.int64)
        n = len(para_doc)
        empty = np.zeros(0, dtype=np.int64)
        if n < 2:
            return with_works(corpus, empty, empty, empty)
        focus = np.asarray(focus, dtype=bool)
        in_focus = focus[para_doc]
        only = None
        if in_focus.mean() < 0.5:  # as find_candidates: a few documents against many, the corpus filtered by their words
            only = np.unique(keys.keys[np.repeat(in_focus, np.diff(keys.offsets))])
        sc = self.spark.sparkContext
        slots = max(sc.defaultParallelism, 1)
        offsets = np.asarray(keys.offsets, dtype=np.int64)
        words = int(offsets[-1])
        # buckets of about a million postings (two per content word), at least two per core: a power of two
        buckets = max(2 * slots, min(4096, -(-2 * words // 1_000_000)))
        buckets = 1 << (buckets - 1).bit_length()
        shift = np.uint64(64 - (buckets.bit_length() - 1))
        chunk = max(1_000, min(50_000, -(-n // (4 * slots))))
        pieces = [(s, keys.keys[offsets[s]:offsets[min(s + chunk, n)]], offsets[s:min(s + chunk, n) + 1] - offsets[s])
                  for s in range(0, n, chunk)]
        self._say(f"candidates: shingles of {n:,} paragraphs on Spark ({self.master}), {buckets} buckets")
        shared = sc.broadcast((para_doc, in_focus, only))
        min_shared = min(params.min_shared, params.similarity_min_shared)
        max_df, max_postings = params.max_df, params.max_postings

        def shingle(it: Iterable[tuple]) -> Iterator[tuple[int, tuple[np.ndarray, np.ndarray]]]:
            from synopsis.link.candidates import shingle_postings

            wanted = shared.value[2]
            for first, k, off in it:
                h, p = shingle_postings(k, off, only_keys=wanted)
                p = p + np.int32(first)
                b = (h >> shift).astype(np.int64)
                order = np.argsort(b, kind="stable")
                h, p, b = h[order], p[order], b[order]
                bounds = np.searchsorted(b, np.arange(buckets + 1))
                for j in np.flatnonzero(np.diff(bounds)).tolist():
                    yield j, (h[bounds[j]:bounds[j + 1]], p[bounds[j]:bounds[j + 1]])

        from pyspark import StorageLevel

        postings = sc.parallelize(pieces, len(pieces)).mapPartitions(shingle).partitionBy(buckets, lambda b: b)
        if not in_focus.all():  # read twice: counted, then grouped
            postings = postings.persist(StorageLevel.MEMORY_AND_DISK)
        del pieces
        select_focus = False
        groups = None
        try:
            if not in_focus.all():
                total, focused = postings.map(lambda bv: (len(bv[1][1]), int(shared.value[1][bv[1][1]].sum()))).fold(
                    (0, 0), lambda x, y: (x[0] + y[0], x[1] + y[1]))
                if not focused or total < 2:
                    return with_works(corpus, empty, empty, empty)
                select_focus = focused / total < 0.5

            def grouped(it: Iterable[tuple[int, tuple[np.ndarray, np.ndarray]]]) -> Iterator[tuple]:
                para_doc_, in_focus_, _ = shared.value
                parts = [hp for _, hp in it]
                if not parts:
                    return
                h, p = (np.concatenate(x) for x in zip(*parts))
                del parts
                if select_focus:
                    h, p = _focus_shingles(h, p, in_focus_[p])
                yield _groups(h, p, para_doc_, max_postings=max_postings, max_df=max_df)

            # each bucket grouped once, kept for both passes (spilled to disk when memory is short)
            groups = postings.mapPartitions(grouped, preservesPartitioning=True).persist(StorageLevel.MEMORY_AND_DISK)
            sizes: dict[int, int] = {}
            for part in groups.map(lambda g: _size_histogram(g[1])).collect():
                for size, count in part:
                    sizes[size] = sizes.get(size, 0) + count
            postings.unpersist()
            cap = budget_cap(sorted(sizes.items()), params.pairs_per_paragraph * max(n, 1))
            self._say(f"candidates: {sum(sizes.values()):,} shingles shared" + (f", groups over {cap} skipped" if cap else ""))
            parts = buckets

            def expand(it: Iterable[tuple]) -> Iterator[tuple[int, np.ndarray]]:
                for got in it:
                    found = _expand(*got, shared.value[1], n, max_df=max_df, cap=cap)
                    part = (found // n) * parts // n
                    order = np.argsort(part, kind="stable")
                    found, part = found[order], part[order]
                    bounds = np.searchsorted(part, np.arange(parts + 1))
                    for j in np.flatnonzero(np.diff(bounds)).tolist():
                        yield j, found[bounds[j]:bounds[j + 1]]

            def count(it: Iterable[tuple[int, np.ndarray]]) -> Iterator[tuple[int, tuple]]:
                got = [k for _, k in it]
                if got:
                    pair_keys = np.concatenate(got)
                    del got
                    pair_keys.sort()
                    left, right, shared_ = _count_pairs(pair_keys, n, min_shared)
                    yield int(left[0]) if len(left) else -1, (left.astype(np.int64), right.astype(np.int64),
                                                              shared_.astype(np.int64))

            counted = groups.mapPartitions(expand).partitionBy(parts, lambda j: j).mapPartitions(count).collect()
        finally:
            postings.unpersist()
            if groups is not None:
                groups.unpersist()
            shared.unpersist()
        counted = [c for _, c in sorted((c for c in counted if len(c[1][0])), key=lambda c: c[0])]
        if not counted:
            return with_works(corpus, empty, empty, empty)
        left, right, shared_n = (np.concatenate(x) for x in zip(*counted))
        self._say(f"candidates: {len(left):,} paragraph pairs")
        return with_works(corpus, left, right, shared_n)

    # ------------------------------------------------------------------- blocks

    def map_blocks(self, fn: Callable[[Any, Any], Any], context: Any, blocks: Iterable[Any], stage: str) -> Iterator[Any]:
        """``fn(context, block)`` for every block in Spark partitions, the results in the blocks' order.

        One Spark job: each task scores its blocks, writes the rows of the link tables they
        hold as one Parquet file per table (Arrow columns, written by the task itself into
        the work folder) and returns the rest of each result (small); the driver reads the
        Parquet back in block order for the store step.
        """
        blocks = list(blocks)
        if not blocks:
            return iter(())
        sc = self.spark.sparkContext
        self._say(f"{stage}: {len(blocks):,} blocks on Spark ({self.master})")
        from synopsis.lexicon.corpus import corpus_lexicon_in_use, use_corpus_lexicon

        # the corpus lexicon the driver's build put in use (names, terms: read by tokenising and
        # by the language profiles) goes with the context, and is put in use where blocks run
        shared = sc.broadcast((corpus_lexicon_in_use(), context))
        tables = _block_tables().get(fn, {})
        folders = {position: self._folder(f"{stage}-{table}") for position, table in tables.items()}

        def run(index: int, it: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
            lexicon, c = shared.value
            use_corpus_lexicon(lexicon)
            rows: dict[int, list[tuple]] = {position: [] for position in tables}
            for i, block in it:
                result = fn(c, block)
                if tables:
                    for position, table in tables.items():
                        kinds = [k for _, k in TABLE_COLUMNS[table]]
                        rows[position].extend((i, seq, *_coerce(row, kinds)) for seq, row in enumerate(result[position] or ()))
                    # the rows' place holds their count (None stays None): the driver checks every row came back
                    result = tuple(len(v) if (k in tables and v is not None) else v for k, v in enumerate(result))
                yield i, result
            for position, table in tables.items():
                if rows[position]:
                    _write_rows(folders[position], index, table, rows[position])

        slices = min(len(blocks), max(sc.defaultParallelism * 4, 1))
        try:
            skeletons = sorted(sc.parallelize(list(enumerate(blocks)), slices).mapPartitionsWithIndex(run).collect(),
                               key=lambda ir: ir[0])
        finally:
            shared.unpersist()
        del blocks
        read = {position: _read_rows(folder) for position, folder in folders.items()}
        out: list[Any] = []
        for i, skeleton in skeletons:
            result = list(skeleton)
            for position in tables:
                if result[position] is not None:
                    got = read[position].get(i, [])
                    if len(got) != result[position]:
                        raise EngineFailed(f"{stage}: block {i} wrote {result[position]} rows to {folders[position]}, "
                                           f"{len(got)} read back")
                    result[position] = got
            out.append(tuple(result))
        for folder in folders.values():
            _remove(folder)
        if stage == "cross_references":
            self._say(f"{stage}: {sum(r[3] for r in out):,} pairs scored")
        else:
            self._say(f"{stage}: {len(out):,} blocks done")
        return iter(out)


def _filesystem(folder: str) -> tuple[Any, str]:
    """The Arrow file system and path of a work folder (a local path, ``file://``, ``hdfs://``, ``s3://``…)."""
    from pyarrow import fs

    if "://" in folder:
        return fs.FileSystem.from_uri(folder)
    return fs.LocalFileSystem(), folder


def _write_rows(folder: str, index: int, table: str, rows: list[tuple]) -> None:
    """One task's rows of a link table, ``(block, seq, *columns)``, as one Parquet file in ``folder``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"s": pa.string(), "i": pa.int64(), "f": pa.float64()}
    names = ["block", "seq"] + [name for name, _ in TABLE_COLUMNS[table]]
    kinds = [pa.int64(), pa.int64()] + [types[k] for _, k in TABLE_COLUMNS[table]]
    columns = [pa.array(list(values), type=t) for values, t in zip(zip(*rows), kinds)]
    filesystem, path = _filesystem(folder)
    filesystem.create_dir(path, recursive=True)
    pq.write_table(pa.Table.from_arrays(columns, names=names), f"{path}/part-{index:05d}.parquet", filesystem=filesystem)


def _read_rows(folder: str) -> dict[int, list[tuple]]:
    """A table's rows from its Parquet folder, per block, in their order."""
    import pyarrow.parquet as pq

    filesystem, path = _filesystem(folder)
    rows: dict[int, list[tuple]] = {}
    from pyarrow import fs

    if filesystem.get_file_info(path).type == fs.FileType.NotFound:
        return rows  # no task had rows
    table = pq.read_table(path, filesystem=filesystem)
    table = table.sort_by([("block", "ascending"), ("seq", "ascending")])
    columns = [table.column(k).to_pylist() for k in range(table.num_columns)]
    for values in zip(*columns):
        rows.setdefault(values[0], []).append(values[2:])
    return rows


def _remove(folder: str) -> None:
    if "://" not in folder or folder.startswith("file://"):
        shutil.rmtree(folder.removeprefix("file://"), ignore_errors=True)


def make_session(master: str, conf: dict[str, str] | None = None) -> Any:
    """A SparkSession on ``master`` with ``conf``; on a local master, workers run this Python."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise MissingExtra(_EXTRA) from error
    defaults = {"spark.ui.showConsoleProgress": "true", "spark.network.timeout": "600s",
                "spark.executor.heartbeatInterval": "60s"}
    if master.startswith("local"):  # one machine: its Python, its loopback, a few shuffle partitions per core
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        cores = os.cpu_count() or 1
        inside = master[master.find("[") + 1:master.find("]")] if "[" in master else "1"
        cores = int(inside) if inside.isdigit() else cores
        # one JVM holds the driver and the executors: a heap that the candidate arrays and the blocks'
        # results pass through at a million paragraphs; what is kept between passes (the grouped
        # buckets) spills to disk past it. A larger heap is only filled (at a million paragraphs a
        # 4g heap grew to 3.6 GB resident), not faster.
        defaults.update({"spark.ui.enabled": "false", "spark.driver.host": "127.0.0.1",
                         "spark.sql.shuffle.partitions": str(max(4 * cores, 4)), "spark.driver.memory": "2g",
                         "spark.driver.maxResultSize": "2g"})
    builder = SparkSession.builder.master(master).appName("synopsis link")
    for key, value in {**defaults, **(conf or {})}.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as error:  # the JVM's own message: no Java, a master that does not answer
        raise EngineFailed(f"Spark master {master}: {str(error).splitlines()[0] if str(error) else type(error).__name__}") from error
    session.sparkContext.setLogLevel("ERROR")
    return session


def default_work_dir(db_path: Path) -> str:
    """The Parquet folder beside a database (used only when the caller names none)."""
    return str(db_path.with_name(f".{db_path.name}.spark"))
