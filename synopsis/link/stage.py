"""The link stage: read stored paragraphs, run the steps, write runs and links (the database edge of linking).

:func:`link_corpus` is the one call the build makes after ingest. It works on the
caller's connection and inside the caller's transaction (it never commits), so a failed
build leaves nothing half-written. It is a plain sequence of named steps, each with named
inputs and one named output (a field of :class:`LinkRun`):

    read        → corpus          :func:`synopsis.link.corpus.read_corpus`
    staleness   → digests, stale  :mod:`synopsis.link.digests` (doomed runs deleted)
    tokens      → keys            :func:`synopsis.link.token_cache.content_keys`
    statistics  → counts          :func:`synopsis.link.statistics.document_counts`
    candidates  → candidates      :func:`synopsis.link.steps.find_candidates`
    editions    → link_sets       (:mod:`synopsis.link.steps`), then the candidates their alignments
                                  already pair left out (:func:`synopsis.link.steps.beyond_alignment`)
    cross_references, similarity, variants → link_sets   (:mod:`synopsis.link.steps`)
    write       runs and rows of every link set

Only the middle part (:data:`STEPS`) computes; read, staleness and write are the database
edge. A new kind of link is a function returning a :class:`~synopsis.link.steps.LinkSet`
and one line in :data:`STEPS`; its step name appears in the report's timings.

Incremental, per document
    Only pairs with a stale side (new, changed or forced documents,
    :mod:`synopsis.link.digests`) are computed; their old runs and links are deleted,
    while pairs of two fresh documents are left alone. A build that adds one document to
    2,000 computes its 2,000 pairs, not two million. (Statistics that the steps draw from
    the whole corpus are part of the run's recorded parameters.) The one exception: two
    fresh versions of one work whose alignment is composed through a family member that
    changed, or whose path through the family's tree moved (a member added or removed),
    are aligned again (:func:`synopsis.link.digests.moved_paths`).

Runs
    A pair of documents gets a run only when it has something to show: a
    ``cross_reference`` run when passages were found, an ``alignment`` run of method
    ``similarity`` when similar paragraphs were ranked, and always an ``alignment`` run
    of method ``edition`` for two editions of one work. So ``runs`` grows with the links,
    not with the square of the documents. Each run records its method, its parameters
    (JSON), the library versions (JSON) and ``inputs_sha256`` = SHA-256 over the kind,
    method, parameters, :data:`LINK_VERSION` and both documents' digests.

Canonical order
    A run's ``left_document_id`` is the smaller id of the pair, and all computation walks
    paragraphs in (document id, ordinal) order, so the links do not depend on the order in
    which documents were loaded or the order in which they were added.

Directions
    Cross-references are stored in both directions (one row with each paragraph as the
    source), so "what do other documents share with this paragraph" is one ``WHERE
    source_paragraph_id = ?``; ``quotation_id`` names the source paragraph's quotation
    when the passage lies in one. Similarity alignments are likewise ranked from both
    sides (``rank`` counts within the left paragraph); edition alignments are stored once,
    left = the run's left document.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np

from synopsis.database import sqlite_connection
from synopsis.link.corpus import ParagraphCorpus, read_corpus
from synopsis.languages import primary_subtag
from synopsis.lexicon.candidates import translated_candidates
from synopsis.lexicon.correspondences import LEARNED_PAIRS_SQL, BilingualSource, learned_source
from synopsis.lexicon.dictionaries import dictionary_sources
from synopsis.link.correspond import Correspondences, CorrespondenceSource, default_sources
from synopsis.link.digests import (DOCUMENT_KIND, DocumentDigests, Staleness, changed_families, document_digests,
                                   find_stale, moved_paths, run_digest)
from synopsis.link.engine import LOCAL, Engine
from synopsis.link.parameters import LINK_VERSION, LinkParameters, library_versions
from synopsis.link.passages import ParagraphTokens
from synopsis.link.statistics import DocumentCounts, document_counts
from synopsis.link.steps import (
    ALIGNMENTS,
    CROSS_REFERENCES,
    LEXICON,
    SENTENCE_ALIGNMENTS,
    VARIANTS,
    Candidates,
    LinkSet,
    beyond_alignment,
    cross_references,
    edition_alignments,
    edition_parameters,
    reworded_references,
    quotation_candidates,
    similarity,
    variants,
)
from synopsis.link.translated import COMPOSABLE_KINDS, METHOD_THROUGH, BaseLink, SentenceBeads, compose_translated, multilingual_works
from synopsis.link.versions import StoredFamily
from synopsis.link.token_cache import ContentKeys, content_keys, default_cache_path
from synopsis.timing import StepTimer

__all__ = ["link_corpus", "LinkReport", "LinkParameters", "LinkRun", "LINK_VERSION", "STEPS", "CORRESPONDENCE_SOURCES"]

log = logging.getLogger(__name__)


@dataclass
class LinkReport:
    """What one :func:`link_corpus` call did."""

    documents: int = 0
    stale_documents: int = 0  # documents linked again (new, changed or forced)
    runs_kept: int = 0
    runs_deleted: int = 0
    runs_written: int = 0
    cross_references: int = 0  # rows written
    alignments: int = 0  # rows written
    variants: int = 0  # rows written
    candidate_pairs: int = 0  # paragraph pairs the index put forward
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)  # wall seconds per step
    cpu_steps: dict[str, float] = field(default_factory=dict)  # CPU seconds of this process per step
    peak_mib: dict[str, int] = field(default_factory=dict)  # the process's peak resident memory after each step
    relinked: list[tuple[str, str]] = field(default_factory=list)  # document pairs with new runs

    @property
    def counts(self) -> dict[str, int]:
        """The numbers the build reports."""
        return {
            "runs_kept": self.runs_kept, "runs_deleted": self.runs_deleted, "runs_written": self.runs_written,
            "cross_references": self.cross_references, "alignments": self.alignments, "variants": self.variants,
        }


@dataclass
class LinkRun:
    """The named inputs and outputs of one :func:`link_corpus` call's steps.

    The read and staleness steps fill the first fields; each step of :data:`STEPS` reads
    the fields it needs and sets its own (``keys``, ``candidates``) or appends its
    :class:`~synopsis.link.steps.LinkSet` to ``link_sets``, which the write step stores.
    """

    db: sqlite3.Connection  # read only by steps that need stored rows beyond paragraphs (sentences)
    params: LinkParameters
    corpus: ParagraphCorpus
    digests: DocumentDigests
    stale: list[str]
    focus: np.ndarray  # per document index: linked again in this call
    tokens: ParagraphTokens  # each paragraph tokenised once, on demand
    cache_path: Path | None = None
    known_keys: dict[str, tuple[np.ndarray, np.ndarray]] | None = None  # text digest → keys the caller computed
    keys: ContentKeys | None = None
    counts: list[DocumentCounts] = field(default_factory=list)  # per document index: its token counts
    candidates: Candidates | None = None
    quoted: dict[tuple[int, int], set[int]] | None = None  # pairs marked quotations put forward: their ids
    editions: LinkSet | None = None  # the editions step's output (the variants step reads its beads)
    again: set[tuple[int, int]] = field(default_factory=set)  # fresh pairs of versions whose family path changed
    families: dict[str, StoredFamily] = field(default_factory=dict)  # work → its family, where it changed
    correspondences: Correspondences | None = None  # the run's word correspondence sources (synopsis.link.correspond)
    verbatim: LinkSet | None = None  # the cross-references step's output (the reworded step skips what it found)
    link_sets: list[LinkSet] = field(default_factory=list)
    engine: Engine = LOCAL  # where the steps' blocks are scored


def _tokens(run: LinkRun) -> None:
    run.keys = content_keys(run.corpus, run.digests.text, run.cache_path, run.known_keys)
    if run.known_keys:
        run.known_keys.clear()  # taken into run.keys: the caller's copies go (half a gigabyte at a million paragraphs)


def _statistics(run: LinkRun) -> None:
    assert run.keys is not None
    run.counts = document_counts(run.corpus, run.keys)


def _candidates(run: LinkRun) -> None:
    assert run.keys is not None
    run.candidates = run.engine.find_candidates(run.corpus, run.keys, run.focus, run.params)


def _quotation_candidates(run: LinkRun) -> None:
    assert run.keys is not None
    run.quoted = quotation_candidates(run.corpus, run.keys, run.focus, run.params, engine=run.engine)


def _correspondences(run: LinkRun) -> None:
    """The run's correspondence sources: every factory of :data:`CORRESPONDENCE_SOURCES`, asked
    once, and the translation pairs learned from the corpus's aligned translations (the
    editions step's of this run, and the kept runs' in the database)."""
    sources: list[CorrespondenceSource] = []
    for factory in CORRESPONDENCE_SOURCES:
        sources.extend(factory(run.db, run.corpus))
    fresh = [(r[1], r[3], r[2], r[4]) for rows in (run.editions.extra.get(LEXICON, {}) if run.editions else {}).values()
             for r in rows if r[7] is None]
    learned = learned_source(run.db.execute(LEARNED_PAIRS_SQL).fetchall(), fresh)
    if learned.pairs:
        sources.append(learned)
    if not run.params.translated:  # no cross-language pass: no bilingual source at all
        sources = [s for s in sources if not isinstance(s, BilingualSource)]
    run.correspondences = Correspondences(sources)


def _cross_references(run: LinkRun) -> None:
    assert run.keys is not None and run.candidates is not None
    run.verbatim = cross_references(run.corpus, run.keys, run.counts, run.candidates, run.tokens, run.params,
                                    run.quoted, run.correspondences, engine=run.engine)
    run.link_sets.append(run.verbatim)


def _beyond_alignment(run: LinkRun) -> None:
    assert run.candidates is not None and run.editions is not None
    run.candidates, run.quoted = beyond_alignment(run.corpus, run.candidates, run.quoted, run.editions)


def _reworded(run: LinkRun) -> None:
    assert run.keys is not None and run.correspondences is not None
    if run.params.reworded:
        more = None
        if run.params.translated and any(getattr(s, "pairs", None) for s in run.correspondences.sources):
            languages = [primary_subtag(run.corpus.languages.get(d)) or "" for d in run.corpus.docs]
            roots = [run.corpus.root_of(k) for k in range(len(run.corpus.docs))]

            def more(hashes, paras):
                left, right = translated_candidates(hashes, paras, run.corpus.para_doc, languages, roots)
                stale = run.focus[run.corpus.para_doc[left]] | run.focus[run.corpus.para_doc[right]]
                return left[stale], right[stale]
        run.link_sets.append(reworded_references(run.corpus, run.keys, run.counts, run.focus, run.tokens, run.params,
                                                 run.correspondences, run.verbatim, run.candidates, more,
                                                 engine=run.engine))


def _translated_through(run: LinkRun) -> None:
    """Cross-references across languages composed through the corpus's alignments
    (:mod:`synopsis.link.translated`): this run's and the kept runs' links to versions of
    multilingual works, their sentences and sentence beads, read here."""
    if not run.params.translated:
        return
    corpus, docs = run.corpus, run.corpus.docs
    works = multilingual_works(corpus)
    members = sorted(docs[k] for ks in works.values() for k in ks)
    if not members:
        return
    index = {d: k for k, d in enumerate(docs)}
    listed = ",".join("?" * len(members))
    sentence_rows = run.db.execute(
        f"SELECT s.id, s.paragraph_id, s.char_start - p.char_start, s.char_end - p.char_start FROM sentences s "
        f"JOIN paragraphs p ON p.id = s.paragraph_id WHERE p.document_id IN ({listed})", members).fetchall()
    bead_rows = [(("kept", r[0]), *r[1:]) for r in run.db.execute(
        f"SELECT run_id, left_document_id, right_document_id, left_sentence_id, right_sentence_id, bead "
        f"FROM sentence_alignments WHERE left_document_id IN ({listed})", members)]
    if run.editions is not None:
        for key, found in run.editions.extra.get(SENTENCE_ALIGNMENTS, {}).items():
            bead_rows.extend((("fresh", key), r[1], r[2], r[3], r[4], r[7]) for r in found)
    beads = SentenceBeads.from_rows(sentence_rows, bead_rows)
    links: dict[tuple[int, int], list[BaseLink]] = {}
    direct: set[tuple[int, int]] = set()
    member_set = set(members)

    def take(sd, td, sp, ss, se, tp, ts, te, stext, score, meaning, qid, kind):
        if td in member_set and kind in COMPOSABLE_KINDS and sd in index:
            links.setdefault((index[sd], index[td]), []).append(
                BaseLink(sp, ss, se, tp, ts, te, stext, score, meaning, qid))
    for r in run.db.execute(
            f"SELECT source_document_id, target_document_id, source_paragraph_id, source_start, source_end, "
            f"target_paragraph_id, target_start, target_end, source_text, score, meaning_score, quotation_id, kind "
            f"FROM cross_references WHERE target_document_id IN ({listed})", members):
        take(*r)
    for link_set in run.link_sets:
        if link_set.table != CROSS_REFERENCES:
            continue
        for rows in link_set.rows.values():
            for r in rows:
                take(r[1], r[2], r[3], r[6], r[7], r[4], r[8], r[9], r[10], r[12], r[14], r[5], r[13])
                direct.add((min(r[3], r[4]), max(r[3], r[4])))
    rows, seconds, through = compose_translated(corpus, links, beads, run.focus, direct)
    out = LinkSet("cross_reference", METHOD_THROUGH, CROSS_REFERENCES, rows=rows, seconds=seconds,
                  parameters={k: {"derived_through": v} for k, v in through.items()})
    run.link_sets.append(out)


def _similarity(run: LinkRun) -> None:
    assert run.keys is not None and run.candidates is not None
    run.link_sets.append(similarity(run.corpus, run.keys, run.counts, run.candidates, run.params))


def _editions(run: LinkRun) -> None:
    run.editions = edition_alignments(run.db, run.corpus, run.focus, run.params, run.again, run.families, engine=run.engine)
    run.link_sets.append(run.editions)


def _variants(run: LinkRun) -> None:
    assert run.editions is not None
    run.link_sets.append(variants(run.corpus, run.editions, engine=run.engine))


STEPS: list[tuple[str, Callable[[LinkRun], None]]] = [
    ("tokens", _tokens),
    ("statistics", _statistics),
    ("candidates", _candidates),
    ("quotation_candidates", _quotation_candidates),
    ("editions", _editions),  # before the correspondences: across languages they read what it learns
    ("beyond_alignment", _beyond_alignment),
    ("correspondences", _correspondences),
    ("cross_references", _cross_references),
    ("reworded", _reworded),
    ("translated_through", _translated_through),
    ("similarity", _similarity),
    ("variants", _variants),
]
"""The computing steps, in order: (name in the report's timings, step). Add a step here."""

SourceFactory = Callable[[sqlite3.Connection, ParagraphCorpus], list[CorrespondenceSource]]

CORRESPONDENCE_SOURCES: list[SourceFactory] = [
    lambda db, corpus: default_sources(corpus.languages.values()),
    lambda db, corpus: dictionary_sources(corpus.languages.values()),  # bilingual dictionaries (synopsis.lexicon.dictionaries)
]
"""Where word correspondence sources plug in: each factory reads what it needs (the database: a
corpus lexicon; the corpus: its languages) and returns sources (:class:`CorrespondenceSource`).
The first gives the synonym tables shipped for the corpus's languages; the second the bilingual
dictionaries shipped for two of its languages. The pairs the corpus's own translations teach are
added by :func:`_correspondences` (they come from this run's editions step)."""


def _delete_runs(db: sqlite3.Connection, run_ids: list[int]) -> None:
    """Delete runs and their rows, through a temporary table (one statement per table)."""
    if not run_ids:
        return
    db.execute("CREATE TEMP TABLE IF NOT EXISTS _doomed_runs (id INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM _doomed_runs")
    db.executemany("INSERT OR IGNORE INTO _doomed_runs (id) VALUES (?)", ((r,) for r in run_ids))
    db.execute("DELETE FROM cross_references WHERE run_id IN (SELECT id FROM _doomed_runs)")
    db.execute("DELETE FROM alignments WHERE run_id IN (SELECT id FROM _doomed_runs)")
    db.execute("DELETE FROM sentence_alignments WHERE run_id IN (SELECT id FROM _doomed_runs)")
    db.execute("DELETE FROM variants WHERE run_id IN (SELECT id FROM _doomed_runs)")
    db.execute("DELETE FROM lexicon WHERE run_id IN (SELECT id FROM _doomed_runs)")
    db.execute("DELETE FROM runs WHERE id IN (SELECT id FROM _doomed_runs)")
    db.execute("DELETE FROM _doomed_runs")


_INSERT = {
    CROSS_REFERENCES: (
        "INSERT INTO cross_references (run_id, method, source_document_id, target_document_id, source_paragraph_id, "
        "target_paragraph_id, quotation_id, source_start, source_end, target_start, target_end, source_text, "
        "target_text, score, kind, meaning_score, correspondences, derived_through) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    ),
    ALIGNMENTS: (
        "INSERT INTO alignments (run_id, method, left_document_id, right_document_id, left_paragraph_id, "
        "right_paragraph_id, bead, pattern, rank, score) VALUES (?,?,?,?,?,?,?,?,?,?)"
    ),
    SENTENCE_ALIGNMENTS: (
        "INSERT INTO sentence_alignments (run_id, method, left_document_id, right_document_id, left_sentence_id, "
        "right_sentence_id, left_paragraph_id, right_paragraph_id, bead, pattern, score) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)"
    ),
    LEXICON: (
        "INSERT INTO lexicon (run_id, source, left_language, right_language, left_text, right_text, "
        "left_document_id, right_document_id, token, evidence, strength) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
    ),
    VARIANTS: (
        "INSERT INTO variants (run_id, left_document_id, right_document_id, left_paragraph_id, right_paragraph_id, "
        "kind, left_start, left_end, right_start, right_end, left_text, right_text, trivial) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
    ),
}


def _moved_paths(db: sqlite3.Connection, corpus: ParagraphCorpus, staleness: Staleness, params: LinkParameters,
                 ) -> tuple[dict[str, StoredFamily], set[tuple[int, int]], list[int]]:
    """The families that changed (their new trees), the pairs of fresh versions in them to align
    again because their path changed, and those pairs' stored runs
    (:func:`synopsis.link.digests.moved_paths`)."""
    stored = db.execute(
        "SELECT id, kind, method, left_document_id, right_document_id, parameters FROM runs "
        "WHERE (kind = 'alignment' AND method = 'edition') OR kind = 'variant'").fetchall()
    roots = {d: corpus.root_of(k) for k, d in enumerate(corpus.docs)}
    changed = changed_families((r[:5] for r in stored), roots, staleness.stale, staleness.doomed_runs)
    works: dict[str, list[str]] = {}
    for d, root in roots.items():
        works.setdefault(root, []).append(d)
    index = {d: k for k, d in enumerate(corpus.docs)}
    families: dict[str, StoredFamily] = {}
    again: set[tuple[int, int]] = set()
    gone: list[int] = []
    for root in sorted(changed):
        members = works.get(root, [])
        if len(members) < 2:
            continue
        family = families[root] = StoredFamily(db, members, parameters=edition_parameters(params))
        pairs, runs = moved_paths(stored, members, family.paths(), staleness.stale, staleness.doomed_runs)
        again.update((index[a], index[b]) for a, b in pairs)
        gone.extend(runs)
    return families, again, gone


def write_links(db: sqlite3.Connection, run: LinkRun, report: LinkReport) -> None:
    """The write step: one run per pair of every link set, its rows, and each stale document's digest row."""
    docs, digests = run.corpus.docs, run.digests
    versions_json = json.dumps(library_versions(), sort_keys=True)
    engine = run.engine.describe()  # recorded beside the parameters, not part of the runs' digests (the same links)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    next_id = (db.execute("SELECT coalesce(max(id), 0) FROM runs").fetchone()[0] or 0) + 1
    run_rows: list[tuple] = []
    rows: dict[str, list[tuple]] = {table: [] for table in _INSERT}
    for link_set in run.link_sets:
        base = run.params.for_kind(link_set.kind, link_set.method)
        for (a, b), links in sorted(link_set.rows.items()):
            own = link_set.parameters.get((a, b), {})
            measured = {**base, **own}
            sha = run_digest(link_set.kind, link_set.method, json.dumps(measured, sort_keys=True), digests.link[docs[a]], digests.link[docs[b]],
                             [digests.link[d] for d in own.get("derived_through", ())])
            p = json.dumps({**measured, **engine}, sort_keys=True)
            run_rows.append((next_id, link_set.kind, link_set.method, docs[a], docs[b], p, versions_json, sha, now,
                             round(link_set.seconds.get((a, b), 0.0), 4), len(links)))
            if link_set.table == CROSS_REFERENCES:  # derived_through: only composed links have one
                rows[CROSS_REFERENCES].extend((next_id, *r, None) if len(r) == 16 else (next_id, *r) for r in links)
            else:
                rows[link_set.table].extend((next_id, *r) for r in links)
            for table, extra in link_set.extra.items():
                rows[table].extend((next_id, *r) for r in extra.get((a, b), ()))
            report.relinked.append((docs[a], docs[b]))
            next_id += 1
    all_params = json.dumps({**asdict(run.params), **engine}, sort_keys=True)
    for d in run.stale:
        run_rows.append((next_id, DOCUMENT_KIND, "digest", d, d, all_params, versions_json, digests.link[d], now, 0.0, 0))
        next_id += 1
    db.executemany(
        "INSERT INTO runs (id, kind, method, left_document_id, right_document_id, parameters, versions, "
        "inputs_sha256, created_at, seconds, link_count) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        run_rows,
    )
    for table, statement in _INSERT.items():
        db.executemany(statement, rows[table])
    report.runs_written = len(run_rows)
    report.cross_references = len(rows[CROSS_REFERENCES])
    report.alignments = len(rows[ALIGNMENTS])
    report.variants = len(rows[VARIANTS])
    report.relinked = sorted(set(report.relinked))


def link_corpus(
    conn: Any,
    *,
    parameters: LinkParameters | None = None,
    score_cutoff: float | None = None,
    force: bool = False,
    cache: str | Path | bool | None = None,
    known_keys: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    engine: Engine | None = None,
) -> LinkReport:
    """Link every pair of documents in the database that needs it (see the module doc).

    ``conn`` is a ``sqlite3.Connection`` or a SQLAlchemy ``Connection``/``Session`` on a
    Synopsis database; the caller commits. ``score_cutoff`` overrides the cross-reference
    cutoff of ``parameters``; ``force`` relinks every document. ``cache`` is the token
    cache file: None for the default beside the database, False for none. ``known_keys``
    are token-cache entries the caller computed already (the build's ingest workers:
    :func:`synopsis.link.token_cache.document_keys`, keyed by text digest); they are
    taken, and the dict emptied. ``engine`` is where
    the steps' blocks run (:mod:`synopsis.link.engine`; this process by default).
    """
    t0 = time.perf_counter()
    params = parameters or LinkParameters()
    if score_cutoff is not None:
        params = LinkParameters(**{**asdict(params), "score_cutoff": float(score_cutoff)})
    db = sqlite_connection(conn)
    report = LinkReport()
    timer = StepTimer(report.steps, report.cpu_steps, report.peak_mib)

    corpus = read_corpus(db)
    report.documents = len(corpus.docs)
    digests = document_digests(corpus, json.dumps(asdict(params), sort_keys=True))
    timer.lap("read")

    staleness = find_stale(
        db.execute("SELECT id, kind, left_document_id, right_document_id, inputs_sha256 FROM runs"),
        corpus.docs, digests, force=force,
    )
    families, again, moved = _moved_paths(db, corpus, staleness, params)
    doomed = staleness.doomed_runs + moved
    _delete_runs(db, doomed)
    report.stale_documents, report.runs_kept = len(staleness.stale), staleness.kept_runs - len(moved)
    report.runs_deleted = len(doomed)
    timer.lap("delete")
    if not staleness.stale and not again:
        report.seconds = time.perf_counter() - t0
        return report
    log.info("linking %d of %d documents", len(staleness.stale), len(corpus.docs))

    stale = set(staleness.stale)
    run = LinkRun(
        db=db, params=params, corpus=corpus, digests=digests, stale=staleness.stale,
        focus=np.fromiter((d in stale for d in corpus.docs), dtype=bool, count=len(corpus.docs)),
        tokens=ParagraphTokens(corpus),
        cache_path=None if cache is False else (Path(cache) if cache not in (None, True) else default_cache_path(db)),
        known_keys=known_keys, again=again, families=families, engine=engine or LOCAL,
    )
    for name, step in STEPS:
        step(run)
        if name == "candidates" and run.candidates is not None:
            report.candidate_pairs = len(run.candidates.left)
        timer.lap(name)
        log.info("link step %s: %.1f s, peak %s MiB", name, report.steps[name], report.peak_mib.get(name))

    write_links(db, run, report)
    timer.lap("write")
    report.seconds = time.perf_counter() - t0
    log.info(
        "linked %d documents: %d runs, %d cross-references, %d alignments in %.2fs %s",
        len(run.stale), report.runs_written, report.cross_references, report.alignments, report.seconds, report.steps,
    )
    return report
