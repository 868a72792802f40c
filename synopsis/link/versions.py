"""The link step for two versions of one work (``version_of``): read them, align their sentences.

:func:`align_stored_versions` is the whole step as the link stage calls it: it reads the two
documents' paragraphs with their sentences and languages from the database and hands them
to :func:`synopsis.link.sentalign.align_version_pair`, which returns the sentence pairs and
the paragraph links they imply. Nothing is written here; the caller stores the rows with
its run. :class:`StoredFamily` does the same for every pair of a family of versions, aligning
only n − 1 of them and composing the others (:mod:`synopsis.link.family`).
"""
from __future__ import annotations

import sqlite3
import time

from typing import Sequence

from synopsis.link.family import anchor_tree, compose, flipped, realign_gaps, tree_path, vocabulary
from synopsis.link.regions import AbsentBead, align_local
from synopsis.link.sentalign import (PairAlignment, ParagraphIn, SentenceAlignParameters, SentenceBead, SentenceIn,
                                     align_sentences, align_version_pair)

__all__ = ["read_version", "align_stored_versions", "absent_paragraphs", "align_edge", "StoredFamily", "METHOD_COMPOSED"]


def read_version(db: sqlite3.Connection, document_id: str) -> tuple[str | None, list[ParagraphIn]]:
    """A document's language and its paragraphs in reading order, each with its stored sentences.

    A paragraph without sentence rows (a database made without the ingest pipeline) is
    one sentence of its own, with no sentence id.
    """
    row = db.execute("SELECT language FROM documents WHERE id = ?", (document_id,)).fetchone()
    language = row[0] if row else None
    sentences: dict[int, list[SentenceIn]] = {}
    for sid, pid, text in db.execute(
        "SELECT s.id, s.paragraph_id, s.text FROM sentences s JOIN paragraphs p ON p.id = s.paragraph_id "
        "WHERE p.document_id = ? ORDER BY p.ordinal, s.ordinal, s.id",
        (document_id,),
    ):
        sentences.setdefault(pid, []).append(SentenceIn(sid, text))
    paragraphs = [
        ParagraphIn(pid, kind, tuple(sentences.get(pid) or (SentenceIn(None, text),)))
        for pid, kind, text in db.execute(
            "SELECT id, kind, text FROM paragraphs WHERE document_id = ? ORDER BY ordinal, id", (document_id,)
        )
    ]
    return language, paragraphs


def align_stored_versions(
    db: sqlite3.Connection, left_id: str, right_id: str, *, parameters: SentenceAlignParameters | None = None,
) -> PairAlignment:
    """The sentence and paragraph alignment of two stored versions (``left_id`` on the left), aligned
    locally where one is partial (:func:`synopsis.link.regions.align_local`)."""
    left_language, left = read_version(db, left_id)
    right_language, right = read_version(db, right_id)
    return align_version_pair(left, right, left_language=left_language, right_language=right_language,
                              parameters=parameters, align=align_local)


def absent_paragraphs(found: PairAlignment) -> frozenset[int]:
    """The paragraphs (of either side) whose every sentence is text the other version does not hold
    (:class:`synopsis.link.regions.AbsentBead`): absent from a partial version, not dropped from it."""
    absent = {n for n, bead in enumerate(found.sentence_beads, 1) if isinstance(bead, AbsentBead)}
    state: dict[int, bool] = {}
    for n, _, _, _, lp, rp, _ in found.sentence_rows:
        for p in (lp, rp):
            if p is not None:
                state[p] = state.get(p, True) and n in absent
    return frozenset(p for p, gone in state.items() if gone)


METHOD_COMPOSED = "sentence-composed"
"""``sentence_alignments.method`` of a pair's rows read off the family tree (:mod:`synopsis.link.family`)."""


def align_edge(left: list[ParagraphIn], right: list[ParagraphIn], *, left_language: str | None, right_language: str | None,
               parameters: SentenceAlignParameters | None = None) -> PairAlignment:
    """Two versions aligned as a family's tree edge is: locally, so that a partial version's missing text is absent."""
    return align_version_pair(left, right, left_language=left_language, right_language=right_language,
                              parameters=parameters, align=align_local)


class StoredFamily:
    """The versions of one work in the database, aligned at linear cost (:mod:`synopsis.link.family`).

    ``members`` are document ids; :meth:`pair` gives any two members' alignment, aligning each
    tree edge once (on demand, then kept) and composing the others.
    """

    def __init__(self, db: sqlite3.Connection, members: Sequence[str], *,
                 parameters: SentenceAlignParameters | None = None) -> None:
        self.db, self.parameters = db, parameters
        self._read: dict[str, tuple[str | None, list[ParagraphIn]]] = {}
        self._edges: dict[tuple[str, str], PairAlignment] = {}
        self.edge_seconds: dict[tuple[str, str], float] = {}  # each tree edge's alignment time
        sizes = {d: sum(len(s.text) for p in self.version(d)[1] for s in p.sentences) for d in members}
        languages = {d: self.version(d)[0] for d in members}
        vocab_memo: dict[tuple[str, bool], set[str]] = {}

        def vocab(d: str, cross: bool) -> set[str]:
            if (d, cross) not in vocab_memo:
                vocab_memo[(d, cross)] = vocabulary([s.text for p in self.version(d)[1] for s in p.sentences], cross)
            return vocab_memo[(d, cross)]

        self.anchor = anchor_tree(sorted(members), sizes, languages, vocab)

    def paths(self) -> dict[tuple[str, str], list[str]]:
        """Each pair of members (the smaller id first) → the members its alignment is composed
        through (none: a tree edge, aligned directly)."""
        members = sorted(set(self.anchor) | set(self.anchor.values()))
        return {(a, b): tree_path(self.anchor, a, b)[1:-1] for x, a in enumerate(members) for b in members[x + 1:]}

    def version(self, document_id: str) -> tuple[str | None, list[ParagraphIn]]:
        if document_id not in self._read:
            self._read[document_id] = read_version(self.db, document_id)
        return self._read[document_id]

    def _aligned(self, left_id: str, right_id: str, align=None) -> PairAlignment:
        (ll, left), (rl, right) = self.version(left_id), self.version(right_id)
        if align is None:
            return align_edge(left, right, left_language=ll, right_language=rl, parameters=self.parameters)
        return align_version_pair(left, right, left_language=ll, right_language=rl, parameters=self.parameters, align=align)

    def edges_between(self, left_id: str, right_id: str) -> list[tuple[str, str]]:
        """The tree edges (each as its two ids in order) that the alignment of two members is made of."""
        path = tree_path(self.anchor, left_id, right_id)
        return [(min(x, y), max(x, y)) for x, y in zip(path, path[1:])]

    def add_edge(self, edge: tuple[str, str], alignment: PairAlignment, seconds: float) -> None:
        """A tree edge aligned elsewhere (an engine's block: :func:`align_edge` of the two versions)."""
        self._edges[edge] = alignment
        self.edge_seconds[edge] = seconds

    def _edge(self, a: str, b: str) -> list[SentenceBead]:
        """The sentence beads of tree edge a~b, seen from a."""
        key = (min(a, b), max(a, b))
        if key not in self._edges:
            t = time.perf_counter()
            self._edges[key] = self._aligned(*key)
            self.edge_seconds[key] = time.perf_counter() - t
        beads = self._edges[key].sentence_beads
        return beads if key[0] == a else flipped(beads)

    def pair(self, left_id: str, right_id: str) -> tuple[PairAlignment, list[str]]:
        """The alignment of two members and the members it was composed through (none: aligned directly)."""
        path = tree_path(self.anchor, left_id, right_id)
        if len(path) == 2:
            beads = self._edge(left_id, right_id)
            if left_id < right_id:
                return self._edges[(left_id, right_id)], []
            return self._aligned(left_id, right_id, align=lambda *args, **kwargs: beads), []
        beads = self._edge(path[0], path[1])
        for x, y in zip(path[1:], path[2:]):
            beads = compose(beads, self._edge(x, y))
        (ll, left), (rl, right) = self.version(left_id), self.version(right_id)
        ltexts = [s.text for p in left for s in p.sentences]
        rtexts = [s.text for p in right for s in p.sentences]

        def direct(ls: list[int], rs: list[int]) -> list[SentenceBead]:
            found = align_sentences([ltexts[x] for x in ls], [rtexts[y] for y in rs], left_language=ll,
                                    right_language=rl, parameters=self.parameters)
            return [SentenceBead(tuple(ls[x] for x in b.left), tuple(rs[y] for y in b.right), b.score) for b in found]

        beads = realign_gaps(beads, direct)
        return self._aligned(left_id, right_id, align=lambda *args, **kwargs: beads), path[1:-1]
