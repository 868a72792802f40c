"""Cross-references across languages composed through the corpus's own alignments (issue #20).

The historian's question is "where is this passage quoted, in any language?". When a
passage of document X is linked (verbatim or in other words) to paragraph *p* of a version
B, and B is aligned sentence by sentence with a version M of the same work in another
language, the passage stands in M as well: in the sentences of M that the alignment joins
to the sentences of *p* the passage covers. This module derives those links
(``kind = 'translated'``, method :data:`METHOD_THROUGH`), one per paragraph of M reached,
each with its evidence (:func:`evidence_json`): the link it was derived from (B's paragraph
and span) and the alignment beads it went through (B's and M's sentence ids).

No lexicon is needed: the two links the derivation rests on are each measured already (the
cross-reference by its own floor, the alignment by the sentence aligner), so a rare word no
dictionary holds, a name in another script, a translator's free rendering are all reached.
What it cannot reach is a passage quoted from a version the corpus does not align with
another language; the bilingual word correspondences (:mod:`synopsis.lexicon.correspondences`)
remain for those.

Rules, all language-neutral:

* the base link joins two documents of one language (``verbatim`` or ``reworded``): a
  translated link is not composed again (errors would compound);
* M's language differs from X's (within one language the reworded pass is the judge), and
  X is not a version of the work itself;
* a sentence of *p* counts when the link's span covers at least half of it, or, when none
  does, the sentence it overlaps most;
* within a bead that joins several sentences of M, the part of the bead the span covers is
  carried over in proportion to length (:func:`_reached`);
* the passage in M is the span from the first to the last of the reached sentences inside
  one paragraph of M; a composed link duplicating a direct link between the same two
  paragraphs is left out (the direct one already shows which word answered which).

Pure: the stage reads the stored links, sentences and sentence beads and passes them in.
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from synopsis.languages import primary_subtag
from synopsis.link.corpus import ParagraphCorpus

__all__ = ["METHOD_THROUGH", "BaseLink", "SentenceBeads", "compose_translated", "multilingual_works", "evidence_json"]

METHOD_THROUGH = "through-alignment"
"""``cross_references.method`` (and ``runs.method``) of a link composed through an alignment."""

KIND_TRANSLATED = "translated"
COMPOSABLE_KINDS = ("verbatim", "reworded")
"""Kinds of the links a translated one may be composed from (same language on both sides)."""


@dataclass(frozen=True)
class BaseLink:
    """A stored or fresh cross-reference seen from X: X's paragraph and span, B's paragraph and span."""

    x_pid: int
    xs: int
    xe: int
    p_pid: int
    ps: int
    pe: int
    x_text: str
    score: float
    meaning_score: float | None
    quotation_id: int | None


@dataclass
class SentenceBeads:
    """The sentence alignments of the versions of multilingual works, and their sentences.

    ``sentences``: paragraph id → its sentences ``(sentence id, start, end)``, offsets in the
    paragraph's text, in order; ``where``: sentence id → ``(paragraph id, start, end)``;
    ``joined``: ``(B, M)`` document ids → B's sentence id → the beads holding it, each as
    (B's sentence ids, M's sentence ids) in reading order.
    """

    sentences: dict[int, list[tuple[int, int, int]]]
    where: dict[int, tuple[int, int, int]]
    joined: dict[tuple[str, str], dict[int, list[tuple[tuple[int, ...], tuple[int, ...]]]]]

    @classmethod
    def from_rows(cls, sentence_rows: Iterable[tuple[int, int, int, int]],
                  bead_rows: Iterable[tuple[object, str, str, int | None, int | None, int]]) -> "SentenceBeads":
        """``sentence_rows``: ``(sentence id, paragraph id, start, end)``; ``bead_rows``: ``(run key,
        left document, right document, left sentence id, right sentence id, bead)`` of edition runs
        (a bead is one number within its run key)."""
        sentences: dict[int, list[tuple[int, int, int]]] = {}
        where: dict[int, tuple[int, int, int]] = {}
        for sid, pid, start, end in sentence_rows:
            sentences.setdefault(pid, []).append((sid, start, end))
            where[sid] = (pid, start, end)
        for found in sentences.values():
            found.sort(key=lambda s: s[1])
        beads: dict[tuple, tuple[str, str, set[int], set[int]]] = {}
        for key, left, right, ls, rs, bead in bead_rows:
            got = beads.setdefault((key, bead), (left, right, set(), set()))
            if ls is not None:
                got[2].add(ls)
            if rs is not None:
                got[3].add(rs)
        joined: dict[tuple[str, str], dict[int, list[tuple[tuple[int, ...], tuple[int, ...]]]]] = {}
        for left, right, lsents, rsents in beads.values():
            if not lsents or not rsents:
                continue
            ordered_l = tuple(sorted(lsents, key=lambda x: (where.get(x, (0, 0, 0))[0], where.get(x, (0, 0, 0))[1])))
            ordered_r = tuple(sorted(rsents, key=lambda x: (where.get(x, (0, 0, 0))[0], where.get(x, (0, 0, 0))[1])))
            forward = joined.setdefault((left, right), {})
            backward = joined.setdefault((right, left), {})
            for x in ordered_l:
                forward.setdefault(x, []).append((ordered_l, ordered_r))
            for x in ordered_r:
                backward.setdefault(x, []).append((ordered_r, ordered_l))
        return cls(sentences, where, joined)


def multilingual_works(corpus: ParagraphCorpus) -> dict[str, list[int]]:
    """The works whose versions are in two languages or more: work → its documents' indices."""
    works: dict[str, list[int]] = {}
    for k in range(len(corpus.docs)):
        works.setdefault(corpus.root_of(k), []).append(k)
    out = {}
    for root, members in works.items():
        languages = {primary_subtag(corpus.languages.get(corpus.docs[k])) for k in members}
        languages.discard("")
        languages.discard(None)  # type: ignore[arg-type]
        if len(members) > 1 and len(languages) > 1:
            out[root] = members
    return out


def _covered(sentences: list[tuple[int, int, int]], start: int, end: int) -> list[int]:
    """The sentences of a paragraph a span covers (module doc: half of a sentence, else the most overlapped)."""
    best, best_overlap, out = None, 0, []
    for sid, s, e in sentences:
        overlap = min(e, end) - max(s, start)
        if overlap <= 0:
            continue
        if 2 * overlap >= max(e - s, 1):
            out.append(sid)
        if overlap > best_overlap:
            best, best_overlap = sid, overlap
    return out or ([best] if best is not None else [])


def _length(where: dict[int, tuple[int, int, int]], sid: int) -> int:
    got = where.get(sid)
    return max(got[2] - got[1], 1) if got else 1


def _reached(beads: SentenceBeads, bead: tuple[tuple[int, ...], tuple[int, ...]], p_pid: int, start: int, end: int) -> list[int]:
    """The sentences of M a span of paragraph ``p_pid`` reaches through one bead: the part of the
    bead's B side the span covers, carried to its M side in proportion to length (Gale and Church's
    premise: a translation keeps its original's proportions), the M sentences that proportion covers
    at least half of, or, when none, the one it overlaps most."""
    left, right = bead
    if len(right) == 1:
        return list(right)
    total, lo, hi = 0, None, None
    for sid in left:
        pid, s, e = beads.where.get(sid, (None, 0, 0))
        n = _length(beads.where, sid)
        if pid == p_pid and min(e, end) > max(s, start):
            a, b = total + max(s, start) - s, total + min(e, end) - s
            lo, hi = a if lo is None else lo, b
        total += n
    if lo is None:
        return []
    rtotal = sum(_length(beads.where, sid) for sid in right)
    lo, hi = lo / total * rtotal, hi / total * rtotal
    out, best, best_overlap, at = [], None, 0.0, 0
    for sid in right:
        n = _length(beads.where, sid)
        overlap = min(at + n, hi) - max(at, lo)
        if overlap > 0 and 2 * overlap >= n:
            out.append(sid)
        if overlap > best_overlap:
            best, best_overlap = sid, overlap
        at += n
    return out or ([best] if best is not None else [])


def evidence_json(base_document: str, link: BaseLink, version: str, base_sentences: list[int],
                  reached: list[int]) -> str:
    """``cross_references.derived_through`` of a composed link: the link it comes from (B's
    document, paragraph and span) and the alignment it went through (M's document, both sides'
    sentence ids)."""
    return json.dumps({"document": base_document, "paragraph": link.p_pid, "start": link.ps, "end": link.pe,
                       "alignment": version, "sentences": [base_sentences, reached]}, separators=(",", ":"))


def compose_translated(
    corpus: ParagraphCorpus, links: dict[tuple[int, int], list[BaseLink]], beads: SentenceBeads, focus: np.ndarray,
    direct: set[tuple[int, int]] = frozenset(),  # type: ignore[assignment]
) -> tuple[dict[tuple[int, int], list[tuple]], dict[tuple[int, int], float], dict[tuple[int, int], list[str]]]:
    """The composed links (module doc): rows per document pair (smaller index first), as the
    ``cross_references`` columns after ``run_id`` plus ``derived_through`` (both directions), the
    seconds spent per pair, and the versions each pair's links went through.

    ``links``: ``(X, B)`` document indices → the links of X's paragraphs to B's (X of another
    work than B, same language); only pairs ``(X, M)`` with a side in ``focus`` are composed;
    ``direct``: paragraph id pairs (smaller first) already linked directly."""
    t0 = time.perf_counter()
    docs, texts = corpus.docs, corpus.texts
    index = {pid: k for k, pid in enumerate(corpus.pids)}
    works = multilingual_works(corpus)
    root = [corpus.root_of(k) for k in range(len(docs))]
    lang = [primary_subtag(corpus.languages.get(d)) or "" for d in docs]
    best: dict[tuple[int, int, int, int, int], tuple] = {}
    through: dict[tuple[int, int], set[str]] = {}
    for (x, b), found in sorted(links.items()):
        members = works.get(root[b])
        if members is None or root[x] == root[b] or not lang[x] or lang[x] != lang[b]:
            continue
        for m in members:
            if m == b or not lang[m] or lang[m] == lang[x] or not (focus[x] or focus[m]):
                continue
            joined = beads.joined.get((docs[b], docs[m]))
            if not joined:
                continue
            for link in found:
                covered = _covered(beads.sentences.get(link.p_pid, []), link.ps, link.pe)
                reached: dict[int, list[int]] = {}
                for bead in {bead for sid in covered for bead in joined.get(sid, ())}:
                    for rs in _reached(beads, bead, link.p_pid, link.ps, link.pe):
                        pid = beads.where.get(rs, (None,))[0]
                        if pid is not None:
                            reached.setdefault(pid, []).append(rs)
                for q_pid, sents in reached.items():
                    if q_pid not in index:
                        continue
                    sents = sorted(set(sents), key=lambda s: beads.where[s][1])
                    qs, qe = beads.where[sents[0]][1], beads.where[sents[-1]][2]
                    key = (x, m, link.x_pid, q_pid, link.xs)
                    pair = (min(link.x_pid, q_pid), max(link.x_pid, q_pid))
                    if pair in direct:
                        continue
                    old = best.get(key)
                    if old is None or link.score > old[0].score:
                        best[key] = (link, qs, qe, docs[b], covered, sents)
    rows: dict[tuple[int, int], list[tuple]] = {}
    for (x, m, x_pid, q_pid, _), (link, qs, qe, base_doc, covered, sents) in sorted(best.items(), key=lambda kv: kv[0]):
        q_text = texts[index[q_pid]][qs:qe]
        evidence = evidence_json(base_doc, link, docs[m], covered, sents)
        key = (min(x, m), max(x, m))
        out = rows.setdefault(key, [])
        forward = (METHOD_THROUGH, docs[x], docs[m], x_pid, q_pid, link.quotation_id, link.xs, link.xe, qs, qe,
                   link.x_text, q_text, link.score, KIND_TRANSLATED, link.meaning_score, None, evidence)
        backward = (METHOD_THROUGH, docs[m], docs[x], q_pid, x_pid, None, qs, qe, link.xs, link.xe,
                    q_text, link.x_text, link.score, KIND_TRANSLATED, link.meaning_score, None, evidence)
        out.extend((forward, backward))
        through.setdefault(key, set()).add(base_doc)
    spent = time.perf_counter() - t0
    seconds = {k: spent / len(rows) for k in rows}
    return rows, seconds, {k: sorted(v) for k, v in through.items()}
