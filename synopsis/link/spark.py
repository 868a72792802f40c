"""The Spark engine: the link stage's candidate pairs and blocks on Apache Spark (``synopsis build --engine spark``).

Nothing here scores anything. The engine does what :class:`synopsis.link.engine.LocalEngine`
does, spread over a cluster:

candidates
    Each paragraph's shingles (:func:`synopsis.link.candidates.shingle_postings`, the
    function the single-machine index uses) are computed in partitions of paragraphs and
    become a DataFrame of postings ``(group, hash, paragraph, document, focus)``; the corpus
    statistics that drop frequent shingles are DataFrame aggregations — a shingle in more
    than ``max_postings`` paragraphs, one held ``max_df`` times by a pair of documents, and
    the most frequent shingles past the pair budget (the cap from a histogram of group sizes,
    :func:`synopsis.link.candidates.budget_cap`) — and candidate pairs are a self-join
    of the postings on the shingle, counted per paragraph pair. The rules are
    :func:`synopsis.link.candidates.candidate_pairs`'s, rule for rule, so the pairs are the same.
blocks
    The steps' blocks (the candidate pairs of one document pair, one pair of editions) are
    scored in Spark partitions by the steps' own functions
    (:func:`~synopsis.link.steps.score_pair_block`, ...); what the blocks read beside their
    pairs is broadcast once. Their rows are written as Parquet (one folder per table) and
    read back in block order for the normal store step.

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
    from synopsis.link.steps import score_pair_block, variant_block

    return {score_pair_block: {1: "cross_references"}, variant_block: {1: "variants"}}


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
        """The candidate pairs of :func:`synopsis.link.steps.find_candidates`, found with DataFrames."""
        from pyspark.sql import functions as F

        from synopsis.link.candidates import budget_cap
        from synopsis.link.steps import with_works

        para_doc = np.asarray(corpus.para_doc, dtype=np.int64)
        n = len(para_doc)
        empty = np.zeros(0, dtype=np.int64)
        if n < 2:
            return with_works(corpus, empty, empty, empty)
        focus = np.asarray(focus, dtype=bool)
        focus_paras = focus[para_doc]
        only = None
        if focus_paras.mean() < 0.5:  # as find_candidates: a few documents against many, the corpus filtered by their words
            only = np.unique(keys.keys[np.repeat(focus_paras, np.diff(keys.offsets))])
        pbits = max(int(n).bit_length(), 1)
        self._say(f"candidates: shingles of {n:,} paragraphs on Spark ({self.master})")
        postings = self._postings(keys, para_doc, focus_paras, only, pbits)
        share = 1.0  # every paragraph in focus (a build from nothing): no job to count them
        if not focus_paras.all():
            share = postings.agg(F.avg(F.col("f").cast("double"))).collect()[0][0] or 0.0
            if share == 0:
                return with_works(corpus, empty, empty, empty)
        if share < 0.5:  # as candidate_pairs: only the focus documents' shingles are looked up
            wanted = postings.filter("f").select("h").distinct()
            postings = postings.join(wanted, "h", "left_semi")
        # a shingle repeated within a paragraph counts once (on its top bits, as the local index sorts them)
        post = postings.select("g", "p", "d", "f").dropDuplicates(["g", "p"])
        sizes = post.groupBy("g").agg(F.count(F.lit(1)).alias("n"))
        sizes = sizes.filter((F.col("n") >= 2) & (F.col("n") <= params.max_postings)).select("g")
        post = post.join(sizes, "g", "left_semi")
        # the per-pair document frequency: a posting whose document alone holds the shingle max_df times goes
        dfs = post.groupBy("g", "d").agg(F.count(F.lit(1)).alias("df"))
        post = post.join(dfs, ["g", "d"]).filter(F.col("df") < params.max_df)
        post = post.persist()
        # the pair budget: the largest groups (most frequent shingles) skipped until the rest fits
        sizes = post.groupBy("g").agg(F.count(F.lit(1)).alias("n"))
        histogram = sizes.groupBy("n").agg(F.count(F.lit(1)).alias("c")).collect()
        cap = budget_cap([(r[0], r[1]) for r in histogram], params.pairs_per_paragraph * max(n, 1))
        if cap is not None:
            post = post.join(sizes.filter(F.col("n") <= cap).select("g"), "g", "left_semi")
        a = post.select("g", F.col("p").alias("pa"), F.col("d").alias("da"), F.col("df").alias("fa"), F.col("f").alias("xa"))
        b = post.select("g", F.col("p").alias("pb"), F.col("d").alias("db"), F.col("df").alias("fb"), F.col("f").alias("xb"))
        pairs = a.join(b, "g").filter((F.col("pa") < F.col("pb")) & (F.col("da") != F.col("db"))
                                      & ((F.col("fa") + F.col("fb")) <= params.max_df) & (F.col("xa") | F.col("xb")))
        min_shared = min(params.min_shared, params.similarity_min_shared)
        counted = pairs.groupBy("pa", "pb").agg(F.count(F.lit(1)).alias("shared")).filter(F.col("shared") >= min_shared)
        self._say("candidates: pairs of paragraphs sharing shingles, counted on Spark")
        table = counted.toArrow()
        post.unpersist()
        left = table.column("pa").to_numpy().astype(np.int64)
        right = table.column("pb").to_numpy().astype(np.int64)
        shared = table.column("shared").to_numpy().astype(np.int64)
        order = np.lexsort((right, left))
        self._say(f"candidates: {len(order):,} paragraph pairs")
        return with_works(corpus, left[order], right[order], shared[order])

    def _postings(self, keys: Any, para_doc: np.ndarray, focus_paras: np.ndarray, only: np.ndarray | None, pbits: int) -> Any:
        """The shingle postings as a DataFrame ``(g, h, p, d, f)``: group (the hash's top bits, as the local index
        groups them), hash, paragraph, document, paragraph in a focus document."""
        import pyarrow as pa

        offsets = np.asarray(keys.offsets, dtype=np.int64)
        n = len(offsets) - 1
        sc = self.spark.sparkContext
        chunk = max(1, min(5_000, -(-n // max(sc.defaultParallelism * 2, 1))))
        starts = list(range(0, n, chunk))
        pieces = [(s, keys.keys[offsets[s]:offsets[min(s + chunk, n)]], offsets[s:min(s + chunk, n) + 1] - offsets[s],
                   para_doc[s:s + chunk].astype(np.int32), focus_paras[s:s + chunk]) for s in starts]
        only_b = sc.broadcast(only)
        shift = np.uint64(pbits)

        def shingles(it: Iterable[tuple]) -> Iterator[pa.RecordBatch]:
            from synopsis.link.candidates import shingle_postings

            wanted = only_b.value
            for first, k, off, docs, foc in it:
                h, p = shingle_postings(k, off, only_keys=wanted)
                p = p.astype(np.int64)
                columns = ((h >> shift).astype(np.int64), h.view(np.int64), p + first, docs[p], foc[p])
                yield pa.RecordBatch.from_arrays([pa.array(c) for c in columns], names=["g", "h", "p", "d", "f"])

        rdd = sc.parallelize(pieces, len(pieces)).mapPartitions(shingles)
        return _arrow_frame(self.spark, rdd, "g long, h long, p long, d int, f boolean")

    # ------------------------------------------------------------------- blocks

    def map_blocks(self, fn: Callable[[Any, Any], Any], context: Any, blocks: Iterable[Any], stage: str) -> Iterator[Any]:
        """``fn(context, block)`` for every block in Spark partitions; rows written as Parquet and read back in order."""
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

        def run(it: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
            lexicon, c = shared.value
            use_corpus_lexicon(lexicon)
            for i, block in it:
                yield i, fn(c, block)

        slices = min(len(blocks), max(sc.defaultParallelism * 4, 1))
        results = sc.parallelize(list(enumerate(blocks)), slices).mapPartitions(run)
        del blocks
        if not tables:
            out = sorted(results.collect(), key=lambda ir: ir[0])
            shared.unpersist()
            return iter([r for _, r in out])
        from pyspark import StorageLevel

        results = results.persist(StorageLevel.MEMORY_AND_DISK)
        folders = {}
        try:
            for position, table in tables.items():
                kinds = [k for _, k in TABLE_COLUMNS[table]]

                def rows_of(ir: tuple[int, Any], position: int = position, kinds: list[str] = kinds) -> list[tuple]:
                    i, result = ir
                    return [(i, seq, *_coerce(row, kinds)) for seq, row in enumerate(result[position] or ())]

                folders[position] = self._folder(f"{stage}-{table}")
                self.spark.createDataFrame(results.flatMap(rows_of), _schema(table)).write.parquet(folders[position])

            def meta(ir: tuple[int, Any]) -> tuple[int, tuple]:
                i, result = ir
                return i, tuple(None if (k in tables and v is None) else (True if k in tables else v)
                                for k, v in enumerate(result))

            skeletons = dict(results.map(meta).collect())
        finally:
            results.unpersist()
            shared.unpersist()
        read = {position: self._read_rows(folder) for position, folder in folders.items()}
        out: list[Any] = []
        for i in sorted(skeletons):
            result = list(skeletons[i])
            for position in tables:
                if result[position] is not None:
                    result[position] = read[position].get(i, [])
            out.append(tuple(result))
        for folder in folders.values():
            _remove(folder)
        if stage == "cross_references":
            self._say(f"{stage}: {sum(r[3] for r in out):,} pairs scored")
        else:
            self._say(f"{stage}: {len(out):,} blocks done")
        return iter(out)

    def _read_rows(self, folder: str) -> dict[int, list[tuple]]:
        """A table's rows from its Parquet folder, per block, in their order."""
        rows: dict[int, list[tuple]] = {}
        table = self.spark.read.parquet(folder).orderBy("block", "seq").toArrow()  # Arrow batches, not a row at a time
        columns = [table.column(k).to_pylist() for k in range(table.num_columns)]
        for values in zip(*columns):
            rows.setdefault(values[0], []).append(values[2:])
        return rows


def _remove(folder: str) -> None:
    if "://" not in folder or folder.startswith("file://"):
        shutil.rmtree(folder.removeprefix("file://"), ignore_errors=True)


def _schema(table: str) -> Any:
    from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

    types = {"s": StringType(), "i": LongType(), "f": DoubleType()}
    return StructType([StructField("block", LongType(), False), StructField("seq", LongType(), False)]
                      + [StructField(name, types[k], True) for name, k in TABLE_COLUMNS[table]])


def _arrow_frame(spark: Any, batches: Any, schema: str) -> Any:
    """A DataFrame of the Arrow record batches an RDD yields."""
    # mapInArrow over a one-row-per-partition frame would also do; an RDD of batches keeps the
    # partitions the shingling made. Spark reads Arrow IPC bytes, so the batches are serialised first.
    import pyarrow as pa

    def to_ipc(it: Iterable[pa.RecordBatch]) -> Iterator[bytes]:
        for batch in it:
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, batch.schema) as writer:
                writer.write_batch(batch)
            yield sink.getvalue().to_pybytes()

    ipc = spark.createDataFrame(batches.mapPartitions(to_ipc).map(lambda b: (bytearray(b),)), "ipc binary")

    def read(it: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in it:
            for blob in batch.column(0).to_pylist():
                yield from pa.ipc.open_stream(blob).read_all().to_batches()

    return ipc.mapInArrow(read, schema)


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
        defaults.update({"spark.ui.enabled": "false", "spark.driver.host": "127.0.0.1",
                         "spark.sql.shuffle.partitions": str(max(4 * cores, 4))})
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
