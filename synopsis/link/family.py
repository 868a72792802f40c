"""A family of versions at linear cost: one alignment per member, the other pairs composed.

n versions of one work have n(n−1)/2 pairs. Aligning each afresh costs quadratically, and
it is also needless: as multi-witness collation does, each version is aligned once with
its *anchor*, and the alignment of any other pair is read off the tree those n − 1
alignments make, composing the alignments along the path between the two.

The tree (:func:`anchor_tree`)
    Members are placed largest first (a partial edition never stands between two whole
    ones, where it would lose what it lacks from their alignment), each anchored to the
    member already placed that it is closest to: one in its own language before any
    other, then the one whose vocabulary it shares most (Jaccard over words within a
    language, over accent-folded four-letter prefixes across languages: Simard's cognates).
    So two French versions are aligned with each other directly, not through English.

Composition (:func:`compose`)
    The alignments A~B and B~C give A~C: two beads are joined when they share a sentence
    of B; each group of joined beads is one bead of A~C (its A sentences beside its C
    sentences), scored by its weakest bead. A sentence B lacks, or one C lacks of what A
    and B share, is a gap of A~C; it is *absent* (:class:`synopsis.link.regions.AbsentBead`)
    when one of the alignments found it absent (a partial version), dropped otherwise.
    Where composing leaves text of A and of C unpaired side by side (both lack the middle
    version's counterpart: an addition A and C share), that stretch is aligned directly
    (:func:`realign_gaps`).
"""
from __future__ import annotations

from typing import Callable, Sequence

from synopsis.languages.accents import strip_accents
from synopsis.link.regions import AbsentBead
from synopsis.link.sentalign import SentenceBead, _same_language

__all__ = ["anchor_tree", "tree_path", "compose", "flipped", "realign_gaps", "vocabulary"]


def vocabulary(texts: Sequence[str], cross: bool) -> set[str]:
    """A document's words (casefolded), or across languages its accent-folded four-letter prefixes."""
    out: set[str] = set()
    for text in texts:
        for w in text.split():
            w = w.strip(".,;:!?\"'()[]«»“”‘’—-").casefold()
            if not w or w.isdigit():
                continue
            if cross:
                if len(w) >= 4:
                    out.add(strip_accents(w)[:4])
            else:
                out.add(w)
    return out


def anchor_tree(members: Sequence[str], sizes: dict[str, int], languages: dict[str, str | None],
                vocab: Callable[[str, bool], set[str]]) -> dict[str, str]:
    """Each member → its anchor (the root, the first member placed, has none): see the module doc.

    ``sizes`` orders the placing (characters of text); ``vocab(k, cross)`` is member k's
    vocabulary (:func:`vocabulary`). Ties go to the earlier member, so the tree depends only
    on the members, never on the order in which they were built.
    """
    order = sorted(members, key=lambda k: (-sizes[k], k))
    anchor: dict[int, int] = {}
    placed = [order[0]]
    for k in order[1:]:
        def closeness(q: int) -> tuple[bool, float, int]:
            p = placed[q]
            same = _same_language(languages[k], languages[p])
            a, b = vocab(k, not same), vocab(p, not same)
            return same, len(a & b) / max(len(a | b), 1), -q
        anchor[k] = placed[max(range(len(placed)), key=closeness)]
        placed.append(k)
    return anchor


def tree_path(anchor: dict[str, str], a: str, b: str) -> list[str]:
    """The members from ``a`` to ``b`` through the tree, both included."""
    def up(x: str) -> list[str]:
        chain = [x]
        while chain[-1] in anchor:
            chain.append(anchor[chain[-1]])
        return chain
    pa, pb = up(a), up(b)
    common = next(x for x in pa if x in set(pb))
    return pa[:pa.index(common) + 1] + pb[:pb.index(common)][::-1]


def flipped(beads: Sequence[SentenceBead]) -> list[SentenceBead]:
    """The same alignment seen from the other side."""
    return [type(b)(b.right, b.left, b.score) for b in beads]


def compose(ab: Sequence[SentenceBead], bc: Sequence[SentenceBead]) -> list[SentenceBead]:
    """A~C from A~B and B~C (module doc), in A's reading order, C's gaps where they stand."""
    parent = list(range(len(ab) + len(bc)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    in_ab = {y: k for k, bead in enumerate(ab) for y in bead.right}
    for k, bead in enumerate(bc):
        for y in bead.left:
            if y in in_ab:
                parent[find(len(ab) + k)] = find(in_ab[y])
    groups: dict[int, tuple[list[int], list[int], list[float], list[bool]]] = {}
    for k, bead in enumerate(list(ab) + list(bc)):
        g = groups.setdefault(find(k), ([], [], [], []))
        if k < len(ab):
            g[0].extend(bead.left)
        else:
            g[1].extend(bead.right)
        if bead.left and bead.right:
            g[2].append(bead.score)
        g[3].append(isinstance(bead, AbsentBead))
    with_a = sorted((g for g in groups.values() if g[0]), key=lambda g: min(g[0]))
    only_c = sorted((g for g in groups.values() if not g[0] and g[1]), key=lambda g: min(g[1]))
    out: list[SentenceBead] = []
    k, last_c = 0, -1

    def gaps(g, side: int) -> None:
        kind = AbsentBead if any(g[3]) else SentenceBead
        for x in sorted(g[side]):
            out.append(kind((x,), (), 0.0) if side == 0 else kind((), (x,), 0.0))

    for g in with_a:
        if g[1]:
            while k < len(only_c) and min(only_c[k][1]) < min(g[1]):
                gaps(only_c[k], 1)
                k += 1
            out.append(SentenceBead(tuple(sorted(g[0])), tuple(sorted(g[1])), min(g[2]) if g[2] else 0.0))
            last_c = max(last_c, max(g[1]))
        else:
            while k < len(only_c) and min(only_c[k][1]) < last_c:
                gaps(only_c[k], 1)
                k += 1
            gaps(g, 0)
    while k < len(only_c):
        gaps(only_c[k], 1)
        k += 1
    return out


def realign_gaps(beads: list[SentenceBead], align: Callable[[list[int], list[int]], list[SentenceBead]],
                 *, least: int = 1) -> list[SentenceBead]:
    """Each run of dropped (not absent) gaps holding sentences of both sides, aligned by ``align``
    (left sentence indices, right sentence indices → beads over those indices)."""
    out: list[SentenceBead] = []
    run: list[SentenceBead] = []

    def flush() -> None:
        ls = [x for b in run for x in b.left]
        rs = [y for b in run for y in b.right]
        if len(ls) >= least and len(rs) >= least:
            out.extend(align(ls, rs))
        else:
            out.extend(run)
        run.clear()

    for b in beads:
        if (not b.left or not b.right) and not isinstance(b, AbsentBead):
            run.append(b)
            continue
        flush()
        out.append(b)
    flush()
    return out
