"""Translation pairs learned from two aligned versions in two languages (the translators' lexicon).

Once two versions are aligned sentence by sentence, each bead is a small parallel text. A
word of the left language and a word of the right one that keep appearing in the same
beads, far more often than their frequencies allow by chance, translate each other
(Moore 2002; Dunning 1993's log-likelihood ratio G² on the 2 × 2 table of beads). Pairs
are kept when

* they share ``least`` beads or more;
* their G² reaches ``g2`` (30: a chance of about 10⁻⁷ for one pair, small among the many
  pairs a long text tries);
* one is among the other's ``partners`` most significant partners (3: the forms a word of
  the other language takes, French *vu*, *voir*, *vit* for English *see*). A pair where each is the other's best is
  *mutual* (``source = 'learned'`` in the table: a one-to-one reading, the translators'
  lexicon proper); the others (``source = 'learned-one-way'``) are mostly inflections the
  other language does not mark, which cross-references across languages need.

Words are the link stage's content tokens in each language (its stems, its stop words
left out, the corpus lexicon's names and phrases as one token), shown as the texts most
often write them. A token both sides of a bead share (a name, a number, a cognate the
normalisation folds alike) needs no learning and is left out of :func:`learn_pairs`; for
the corpus lexicon's names and terms, :func:`listed_renderings` records which of their
forms each translator wrote beside which.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass


from synopsis.link.normalize import tokenize
from synopsis.link.sentalign.lexicon import bead_g2

__all__ = ["LearnedPair", "learn_pairs", "listed_renderings", "LEAST_BEADS", "LEAST_G2"]

LEAST_BEADS = 3
"""Beads a learned pair must share."""

LEAST_G2 = 30.0
"""Dunning's G² a learned pair must reach."""

PARTNERS = 3
"""The most partners a word keeps (its strongest): French *vu*, *voir*, *vit* for English *see*."""


@dataclass(frozen=True)
class LearnedPair:
    """One learned translation pair: the two words as written, their tokens, and the evidence."""

    left_text: str
    right_text: str
    left_token: str
    right_token: str
    evidence: int  # beads holding both
    strength: float  # G²
    mutual: bool = True  # each is the other's best partner (else the best of one of them only)


def _bead_tokens(texts: Sequence[str], language: str | None) -> tuple[list[dict[str, str]], dict[str, Counter]]:
    """Each bead's content tokens (with the form the bead writes each in, lowercase), and
    each token's written forms with their counts."""
    out: list[dict[str, str]] = []
    forms: dict[str, Counter] = {}
    for text in texts:
        toks = tokenize(text, language=language)
        seen: dict[str, str] = {}
        for norm, content, s, e in zip(toks.norms, toks.content, toks.starts, toks.ends):
            if not content or norm.isdigit():
                continue
            written = " ".join(text[s:e].lower().split())
            seen.setdefault(norm, written)
            forms.setdefault(norm, Counter())[written] += 1
        out.append(seen)
    return out, forms


def listed_renderings(beads: Sequence[tuple[str, str]], left_language: str | None, right_language: str | None,
                      listed: Collection[str]) -> list[LearnedPair]:
    """How each side writes the names and terms of the corpus lexicon (their tokens
    ``listed``) in the beads that hold one on both sides: one pair per two forms, its
    evidence the beads that pair them ("культ личности" ~ "cult of the individual" in 12
    beads, ~ "personality cult" in 3). Listed, not learned: no G² (strength 0)."""
    if not listed:
        return []
    left, _ = _bead_tokens([a for a, _ in beads], left_language)
    right, _ = _bead_tokens([b for _, b in beads], right_language)
    counts: Counter = Counter()
    for ls, rs in zip(left, right):
        for token in ls.keys() & rs.keys() & set(listed):
            counts[(token, ls[token], rs[token])] += 1
    return [LearnedPair(a, b, token, token, n, 0.0)
            for (token, a, b), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def learn_pairs(beads: Sequence[tuple[str, str]], left_language: str | None, right_language: str | None, *,
                least: int = LEAST_BEADS, g2: float = LEAST_G2, partners: int = PARTNERS) -> list[LearnedPair]:
    """The translation pairs of aligned beads ``(left text, right text)`` (module doc), strongest first."""
    if len(beads) < 20:
        return []
    left, lforms = _bead_tokens([a for a, _ in beads], left_language)
    right, rforms = _bead_tokens([b for _, b in beads], right_language)
    ids: dict[str, int] = {}
    rids: dict[str, int] = {}
    lb, lt, rb, rt = [], [], [], []
    for b, (ls, rs) in enumerate(zip(left, right)):
        shared = ls.keys() & rs.keys()
        for t in sorted(ls.keys() - shared):  # ids in a fixed order: ties break alike in every process
            lb.append(b)
            lt.append(ids.setdefault(t, len(ids)))
        for t in sorted(rs.keys() - shared):
            rb.append(b)
            rt.append(rids.setdefault(t, len(rids)))
    if not lb or not rb:
        return []
    x, y, k11, score = bead_g2(lb, lt, rb, rt, len(ids), len(rids), len(beads), least)
    best_l: dict[int, tuple[float, int]] = {}
    best_r: dict[int, tuple[float, int]] = {}
    top_l: dict[int, list[tuple[float, int]]] = {}
    top_r: dict[int, list[tuple[float, int]]] = {}
    for xi, yi, g in zip(x.tolist(), y.tolist(), score.tolist()):
        if g > best_r.get(yi, (0.0, -1))[0]:
            best_r[yi] = (g, xi)
        if g > best_l.get(xi, (0.0, -1))[0]:
            best_l[xi] = (g, yi)
        if g >= g2:
            top_l.setdefault(xi, []).append((g, yi))
            top_r.setdefault(yi, []).append((g, xi))
    lname = {v: t for t, v in ids.items()}
    rname = {v: t for t, v in rids.items()}
    pair_count = {(int(xi), int(yi)): int(c) for xi, yi, c in zip(x.tolist(), y.tolist(), k11.tolist())}
    chosen: dict[tuple[int, int], float] = {}
    for xi, found in top_l.items():
        chosen.update({(xi, yi): g for g, yi in sorted(found, reverse=True)[:partners]})
    for yi, found in top_r.items():
        chosen.update({(xi, yi): g for g, xi in sorted(found, reverse=True)[:partners]})
    out = []
    for (xi, yi), g in chosen.items():
        lt_name, rt_name = lname[xi], rname[yi]
        out.append(LearnedPair(
            left_text=lforms[lt_name].most_common(1)[0][0], right_text=rforms[rt_name].most_common(1)[0][0],
            left_token=lt_name, right_token=rt_name, evidence=pair_count[(xi, yi)],
            strength=round(g, 2) if math.isfinite(g) else 0.0,
            mutual=best_r.get(yi, (0.0, -1))[1] == xi and best_l.get(xi, (0.0, -1))[1] == yi,
        ))
    out.sort(key=lambda p: (-p.strength, p.left_token, p.right_token))
    return out
