"""From sentence beads to paragraph links: the link step for ``version_of`` pairs."""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Sequence



from .align import align_sentences
from .parameters import SentenceAlignParameters, SentenceBead

log = logging.getLogger(__name__)


# --- paragraphs -----------------------------------------------------------------------


@dataclass(frozen=True)
class SentenceIn:
    """A stored sentence: its row id (None when the paragraph has no sentence rows) and text."""

    id: int | None
    text: str


@dataclass(frozen=True)
class ParagraphIn:
    """A stored paragraph with its sentences in order; ``kind`` 'heading' marks an anchor."""

    id: int
    kind: str
    sentences: tuple[SentenceIn, ...]


@dataclass
class PairAlignment:
    """The rows one version pair gives: sentence pairs and the paragraph links they imply.

    ``sentence_rows``: ``(bead, pattern, left sentence id, right sentence id, left paragraph
    id, right paragraph id, score)``, one per sentence pair of a bead (a 2-1 bead gives two
    rows), the missing side None for a gap. ``paragraph_rows``: ``(bead, pattern, left
    paragraph id, right paragraph id, score)``; a paragraph bead is a group of paragraphs
    joined by sentence pairs (so 2-3 is two paragraphs beside three), and a paragraph
    joined to nothing is a 1-0 or 0-1 bead of its own. ``bead_texts``: each bead that joins
    sentences on both sides, as (left text, right text) — the parallel text the
    translators' lexicon is learned from (:mod:`synopsis.lexicon.learned`).
    """

    sentence_beads: list[SentenceBead]
    sentence_rows: list[tuple]
    paragraph_rows: list[tuple]
    bead_texts: list[tuple[str, str]] = field(default_factory=list)


def align_version_pair(
    left: Sequence[ParagraphIn],
    right: Sequence[ParagraphIn],
    *,
    left_language: str | None,
    right_language: str | None,
    parameters: SentenceAlignParameters | None = None,
    align=None,
) -> PairAlignment:
    """Align two versions' sentences and derive their paragraph alignment (the link step for ``version_of`` pairs).

    ``align`` replaces :func:`align_sentences` (same arguments, same beads): the local
    alignment of :mod:`synopsis.link.regions` for versions that may be partial."""
    lsent = [(p, s) for p, para in enumerate(left) for s in para.sentences]
    rsent = [(p, s) for p, para in enumerate(right) for s in para.sentences]
    lhead = [k for k, (p, _) in enumerate(lsent) if left[p].kind == "heading"]
    rhead = [k for k, (p, _) in enumerate(rsent) if right[p].kind == "heading"]
    beads = (align or align_sentences)(
        [s.text for _, s in lsent], [s.text for _, s in rsent], left_language=left_language,
        right_language=right_language, left_headings=lhead, right_headings=rhead, parameters=parameters,
    )
    sentence_rows = []
    # paragraph groups: union of paragraphs joined by a sentence bead
    parent = {("l", p): ("l", p) for p in range(len(left))}
    parent.update({("r", p): ("r", p) for p in range(len(right))})

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    joined: dict[tuple[int, int], list[float]] = {}
    llen, rlen = [len(s.text) for _, s in lsent], [len(s.text) for _, s in rsent]
    for n, bead in enumerate(beads, 1):
        for x, y in _joined_pairs(bead, llen, rlen):
            lp = lsent[x][0] if x is not None else None
            rp = rsent[y][0] if y is not None else None
            sentence_rows.append((
                n, bead.pattern, lsent[x][1].id if x is not None else None,
                rsent[y][1].id if y is not None else None,
                left[lp].id if lp is not None else None, right[rp].id if rp is not None else None, bead.score,
            ))
            if lp is not None and rp is not None:
                joined.setdefault((lp, rp), []).append(bead.score)
                parent[find(("l", lp))] = find(("r", rp))
    groups: dict[tuple, tuple[list[int], list[int]]] = {}
    for p in range(len(left)):
        groups.setdefault(find(("l", p)), ([], []))[0].append(p)
    for p in range(len(right)):
        groups.setdefault(find(("r", p)), ([], []))[1].append(p)
    ordered = sorted(groups.values(), key=lambda g: (min(g[0]) if g[0] else math.inf, min(g[1]) if g[1] else math.inf))
    # reading order: a lone right paragraph goes after the left group that precedes it
    ordered = _reading_order(ordered)
    paragraph_rows = []
    for n, (ls, rs) in enumerate(ordered, 1):
        pattern = f"{len(ls)}-{len(rs)}"
        if not ls or not rs:
            for p in ls:
                paragraph_rows.append((n, pattern, left[p].id, None, 0.0))
            for p in rs:
                paragraph_rows.append((n, pattern, None, right[p].id, 0.0))
            continue
        for lp in ls:
            for rp in rs:
                if (lp, rp) in joined:
                    scores = joined[(lp, rp)]
                    paragraph_rows.append((n, pattern, left[lp].id, right[rp].id, round(sum(scores) / len(scores), 2)))
    bead_texts = [(" ".join(lsent[x][1].text for x in bead.left), " ".join(rsent[y][1].text for y in bead.right))
                  for bead in beads if bead.left and bead.right]
    return PairAlignment(beads, sentence_rows, paragraph_rows, bead_texts)


def _joined_pairs(bead: SentenceBead, llen: Sequence[int], rlen: Sequence[int]) -> list[tuple[int | None, int | None]]:
    """The sentence pairs a bead joins: those whose shares of the bead's length overlap.

    In a 1-n or n-1 bead every pair overlaps. In a 2-2, 2-3 or 3-2 bead the sentences
    were cut at different places, and only the pairs that cover the same stretch of
    the bead (by the sentences' positions in its length, as in Gale and Church's length
    model) are joined: the first sentence of one side is not joined to the last of the
    other unless they overlap by a quarter of the shorter. Each sentence keeps at least
    its best-overlapping partner.
    """
    if not bead.left or not bead.right:
        return [(x, None) for x in bead.left] + [(None, y) for y in bead.right]
    if len(bead.left) == 1 or len(bead.right) == 1:
        return [(x, y) for x in bead.left for y in bead.right]

    def spans(ids, lengths):
        tot = float(sum(lengths[k] for k in ids)) or 1.0
        out, at = [], 0.0
        for k in ids:
            out.append((at / tot, (at + lengths[k]) / tot))
            at += lengths[k]
        return out

    ls, rs = spans(bead.left, llen), spans(bead.right, rlen)
    keep = set()
    for a, (a0, a1) in enumerate(ls):
        for b, (b0, b1) in enumerate(rs):
            if min(a1, b1) - max(a0, b0) >= 0.25 * min(a1 - a0, b1 - b0):
                keep.add((a, b))
    for a, (a0, a1) in enumerate(ls):
        keep.add((a, max(range(len(rs)), key=lambda b: min(a1, rs[b][1]) - max(a0, rs[b][0]))))
    for b, (b0, b1) in enumerate(rs):
        keep.add((max(range(len(ls)), key=lambda a: min(b1, ls[a][1]) - max(b0, ls[a][0])), b))
    return [(bead.left[a], bead.right[b]) for a, b in sorted(keep)]


def _reading_order(groups: list[tuple[list[int], list[int]]]) -> list[tuple[list[int], list[int]]]:
    """Groups sorted so that both sides read in order (gaps slot in where they stand)."""
    out: list[tuple[list[int], list[int]]] = []
    right_only = sorted((g for g in groups if not g[0]), key=lambda g: min(g[1]))
    k = 0
    for g in (g for g in groups if g[0]):
        while k < len(right_only) and g[1] and min(right_only[k][1]) < min(g[1]):
            out.append(right_only[k])
            k += 1
        out.append(g)
    out.extend(right_only[k:])
    return out
