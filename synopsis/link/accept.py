"""The accept rules of cross-references, in one place, with the one parameter object they read.

Every rule that decides whether a stretch two paragraphs share is a cross-reference lives
here: the tiers an aligned stretch must reach (:func:`tiers`, :func:`tier_cutoff`), the
least score of a marked quotation's search (:func:`quotation_cutoff`), the last check on a
short passage (:func:`passage_least_score`), the formula rule over a document pair's rows
(:func:`without_formula_places`), and the floor of a reworded passage, calibrated on a null
model (:func:`reworded_floor`). The steps that find passages (:mod:`synopsis.link.crossref`,
:mod:`synopsis.link.passages`, :mod:`synopsis.link.reworded`) ask these functions and
read :class:`CrossReferenceParameters`; none holds a threshold of its own.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Callable, Sequence

__all__ = ["CrossReferenceParameters", "Tier", "tiers", "tier_cutoff", "quotation_cutoff", "passage_least_score",
           "without_formula_places", "reworded_floor", "reworded_least_score", "reworded_tier", "ROW_SOURCE", "ROW_TARGET", "ROW_QUOTATION", "ROW_START",
           "ROW_END", "ROW_SCORE"]


@dataclass(frozen=True)
class CrossReferenceParameters:
    """Every threshold of the cross-reference step, with its default (recorded in each run).

    The one home of these defaults: :class:`synopsis.link.parameters.LinkParameters` takes
    its cross-reference fields from here, and :func:`synopsis.link.crossref.find_passages`
    has no defaults of its own. How the verbatim cutoffs were set is told in
    :class:`~synopsis.link.parameters.LinkParameters`; the reworded ones in
    :mod:`synopsis.link.reworded`.
    """

    score_cutoff: float = 60.0  # least passage score (fuzz.ratio, 0-100)
    quotation_score_cutoff: float = 80.0  # quotation search: least partial_ratio
    min_words: int = 4  # least aligned content words in a passage (short tier aside)
    long_words: int = 6  # a passage this long needs score_cutoff, a shorter one more
    information_share: float = 1.0  # a passage of n aligned words needs this × n average words' information
    prior_tokens: float = 100_000.0  # weight of the corpus's statistics in a pair's (tokens)
    x_drop: float = 3.0  # a span ends where its score falls this far below its best (average words; weighed runs only)
    short_score_cutoff: float = 75.0  # least score of a passage shorter than long_words
    least_words: int = 3  # least aligned content words of a short passage
    least_information: float = 2.0  # least information of a short passage (average words)
    plain_share: float = 1.25  # a passage under long_words not set off as a clause needs this × more information
    close_score_cutoff: float = 90.0  # least score of a passage shorter than min_words
    verbatim_tokens: int = 12  # a near-verbatim run this many words a side needs only least_words
    least_tokens: int = 5  # least words a side (stop words included) of a passage shorter than min_words
    max_gap: int = 6  # most unmatched content words between two aligned ones
    gap_penalty: float = 0.5  # cost of an unmatched word
    cover_drop: float = 10.0  # a passage grows to its whole quotation only if its score falls at most this much
    formula_places: int = 3  # words found in this many paragraphs of one document are its formula
    quotation_min_words: int = 6  # quotation search: least content words in a searched quotation
    quotation_least_words: int = 2  # quotation search: least content words of a short quotation
    quotation_least_information: float = 1.5  # quotation search: least information of a short quotation (average words)
    quotation_min_shared: int = 2  # quotation candidates: least shingles of a marked quotation another paragraph holds
    quotation_common_df: int = 100  # quotation candidates: a quotation's shingles in at most this many paragraphs may make up its count
    quotation_needle_words: int = 12  # quotation candidates: most content words of a quotation looked up on its own
    quotation_share: float = 0.2  # quotation candidates: least share of a marked quotation's shingles another paragraph holds
    min_shared: int = 3  # least shared shingles for a candidate pair
    reworded: bool = True  # look for passages in other words too (synopsis.link.reworded)
    reworded_min_shared: int = 4  # reworded candidates: least rare correspondence classes two paragraphs share
    reworded_max_df: int = 20  # reworded candidates: a class in more paragraphs of the corpus is not rare
    reworded_least_words: int = 3  # a reworded passage: least corresponding content words
    reworded_least_information: float = 2.5  # a reworded passage: least information of its corresponding words (average words)
    reworded_rich_information: float = 6.0  # reworded evidence buckets: information 2, 3, … this much or more (average words)
    reworded_least_score: float = 40.0  # least meaning score (0-100) of a reworded passage, whatever the null model says
    reworded_short_score: float = 70.0  # least meaning score of the poorest evidence bucket (least_words words)
    reworded_null_quantile: float = 0.99  # a bucket's floor is this quantile of the null model's scores in it
    reworded_null_least: int = 20  # least null pairs in a bucket for its own floor
    reworded_null_pairs: int = 1000  # window pairs of the null model drawn per run
    reworded_window_sentences: int = 2  # most sentences a reworded window joins on one side

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


Tier = tuple[int, float, int, float, int]
"""(least aligned words, least information, least tokens a side, least score, least set-off (0, 1, 2))."""


def tiers(p: CrossReferenceParameters, *, weighed: bool) -> list[Tier]:
    """What an aligned stretch must reach, richest stretches first: the first tier it qualifies for sets its least score.

    A tier may ask for the passage to stand apart (:func:`synopsis.link.crossref._set_off`):
    below ``long_words`` a shared phrase is a quotation only when it stands as one, or when
    it says ``plain_share`` times more than its words would; below ``min_words`` it must be
    most of a marked quotation, or a clause of its own on both sides (a clause on one
    side only — "Lord, first let me go and bury my father." against "Now let me go and
    bury my father; then I will return" — is what a stock phrase looks like). A run of
    ``verbatim_tokens`` words a side (stop words included) that agree nearly word for
    word (``close_score_cutoff``) needs only ``least_words``: a copy that long is no
    formula. Without statistics (``weighed`` false) every word is worth one and the
    information terms fall back to word counts.
    """
    share = p.information_share if weighed else 1.0
    plain = p.plain_share if weighed else 1.0
    least_info = p.least_information if weighed else float(p.least_words)
    short = max(p.score_cutoff, p.short_score_cutoff)
    close = max(p.score_cutoff, p.short_score_cutoff, p.close_score_cutoff)
    out: list[Tier] = [
        (p.long_words, p.long_words * share, 0, p.score_cutoff, 0),
        (p.min_words, p.min_words * share * plain, 0, short, 0),
        (p.min_words, p.min_words * share, 1, short, 1)]
    if p.least_words < p.min_words:
        out.append((p.least_words, least_info, p.verbatim_tokens, close, 0))
        out.append((p.least_words, least_info, p.least_tokens, close, 2))
    return out


def tier_cutoff(ts: list[Tier], words: float, info: float, tokens: int, apart: Callable[[], int]) -> float | None:
    """The least score of the first tier a stretch qualifies for, or None; ``apart`` (how far the
    stretch stands as a clause of its own: 0, 1, 2) is asked only when a tier needs it."""
    standing: int | None = None
    for least_words, least_info, least_tokens, cutoff, least_apart in ts:
        if words < least_words or info < least_info - 1e-9 or tokens < least_tokens:
            continue
        if least_apart:
            standing = apart() if standing is None else standing
            if standing < least_apart:
                continue
        return cutoff
    return None


def quotation_cutoff(words: int, tokens: int, information: Callable[[], float | None],
                     p: CrossReferenceParameters) -> float | None:
    """The least search score of a marked quotation of ``words`` content words over ``tokens``
    words, or None when it is not searched.

    A quotation of ``quotation_min_words`` content words is searched at
    ``quotation_score_cutoff``. A shorter one ("Be holy, because I am holy"), down to
    ``quotation_least_words``, is searched only when its words carry
    ``quotation_least_information`` (``information()``, in average words of the pair's
    documents; None without statistics) over at least ``least_tokens`` words, and must
    then be found nearly verbatim (``close_score_cutoff``): a few common words in
    quotation marks ("Come and see") are everywhere, a whole sentence repeated word for
    word is a quotation.
    """
    if words >= p.quotation_min_words:
        return p.quotation_score_cutoff
    if words < p.quotation_least_words or tokens < p.least_tokens:
        return None
    info = information()
    if info is None or info < p.quotation_least_information - 1e-9:
        return None
    return max(p.quotation_score_cutoff, p.close_score_cutoff)


def passage_least_score(short: bool, both_marked: bool, p: CrossReferenceParameters) -> float:
    """The least stored score of a verbatim passage, whichever way it was found.

    A passage of fewer than ``min_words`` content words a side (``short``) is a quotation
    only when nearly verbatim ("You give them something to eat" / "give me something to
    eat": 83); and when both sides speak it in quotation marks (``both_marked``), word for
    word: two speakers saying a few words alike ("let our eyes be opened" / "let Your eyes
    be open") are talking.
    """
    if not short:
        return p.score_cutoff
    return 100.0 if both_marked else p.close_score_cutoff


ROW_SOURCE, ROW_TARGET, ROW_QUOTATION, ROW_START, ROW_END, ROW_SCORE = 3, 4, 5, 6, 7, 12
"""Where a cross-reference row (:func:`synopsis.link.steps.cross_references`) holds its source and
target paragraph, its source quotation, its source span and its score."""


def without_formula_places(rows: list[tuple], p: CrossReferenceParameters) -> list[tuple]:
    """One document pair's cross-reference rows, less a formula's places that quote nothing.

    When the same words of one paragraph (spans overlapping by half) are found in
    ``formula_places`` or more paragraphs of the other document, they are a formula that
    document repeats ("as He swore to your fathers, to Abraham, Isaac, and Jacob"; "the
    second …, the third …"), not a quotation of each place. Of those places, the one
    matched best is kept, and so is every place where the words stand in a marked
    quotation of its own, and every place matched as well as the best and nearly verbatim
    (``close_score_cutoff``: a sentence the document repeats word for word); the others are
    dropped. ``rows`` come in pairs, a passage from each side, and a pair is kept or
    dropped whole.
    """
    places, verbatim = p.formula_places, p.close_score_cutoff
    by_paragraph: dict[int, list[int]] = {}
    for k, row in enumerate(rows):
        by_paragraph.setdefault(row[ROW_SOURCE], []).append(k)
    doomed: set[int] = set()
    for ks in by_paragraph.values():
        if len({rows[k][ROW_TARGET] for k in ks}) < places:
            continue
        for k in ks:
            start, end = rows[k][ROW_START], rows[k][ROW_END]
            group = [g for g in ks if min(end, rows[g][ROW_END]) - max(start, rows[g][ROW_START])
                     > 0.5 * min(end - start, rows[g][ROW_END] - rows[g][ROW_START])]
            if len({rows[g][ROW_TARGET] for g in group}) < places:
                continue
            best = max(group, key=lambda g: (rows[g][ROW_SCORE], -g))
            marked = rows[k ^ 1][ROW_QUOTATION] is not None  # the other paragraph's quotation: its row is the pair's other
            tied = rows[k][ROW_SCORE] >= rows[best][ROW_SCORE] and rows[k][ROW_SCORE] >= verbatim
            if k != best and not marked and not tied:
                doomed.add(k // 2)
    return [row for k, row in enumerate(rows) if k // 2 not in doomed]


def reworded_tier(words: float, information: float, p: CrossReferenceParameters) -> str | None:
    """The evidence bucket of a window pair: the information of its corresponding words, in whole
    average words (``"2"`` … ``"6"``, the last for ``reworded_rich_information`` or more), or None
    when it has too little to be a reworded passage at all (fewer than ``reworded_least_words``
    words or ``reworded_least_information``). Information, not a count of words: "Jesus … saw …
    coming … said" is five words that say little."""
    if words < p.reworded_least_words or information < p.reworded_least_information - 1e-9:
        return None
    return str(int(min(information + 1e-9, p.reworded_rich_information)))


def reworded_least_score(information: float, p: CrossReferenceParameters) -> float:
    """The least meaning score of a reworded passage whose corresponding words carry ``information``,
    whatever the null model says: ``reworded_short_score`` at ``reworded_least_information`` (a
    few words shared by chance in two short clauses agree well), falling evenly to
    ``reworded_least_score`` at ``reworded_rich_information`` and beyond."""
    span = max(p.reworded_rich_information - p.reworded_least_information, 1e-9)
    share = min(max((information - p.reworded_least_information) / span, 0.0), 1.0)
    return p.reworded_short_score + (p.reworded_least_score - p.reworded_short_score) * share


def reworded_floor(null: Sequence[tuple[float, float, float]], p: CrossReferenceParameters) -> dict[str, float]:
    """The null model's floor of a reworded passage in each evidence bucket (:func:`reworded_tier`).

    ``null`` are the null model's ``(score, words, information)``: unrelated window pairs
    chosen as the pass chooses its own (:func:`synopsis.link.steps.reworded_null_scores`).
    A bucket's floor is the ``reworded_null_quantile`` of the null scores with that much
    evidence, when the null model drew at least ``reworded_null_least`` of them there (else
    ``reworded_least_score``), and no bucket's floor is above a poorer bucket's (more evidence
    never needs more agreement). A passage must reach both its bucket's floor and
    :func:`reworded_least_score` of its information.
    """
    buckets = [str(w) for w in range(int(p.reworded_least_information), int(p.reworded_rich_information) + 1)]
    floors: dict[str, float] = {}
    for b in buckets:
        scores = sorted(s for s, w, i in null if reworded_tier(w, i, p) == b)
        floors[b] = p.reworded_least_score
        if len(scores) >= p.reworded_null_least:
            floors[b] = max(floors[b], float(scores[min(len(scores) - 1, int(p.reworded_null_quantile * len(scores)))]))
    for a, b in zip(buckets, buckets[1:]):  # downwards: a richer bucket never above a poorer one
        floors[b] = min(floors[b], floors[a])
    return {t: round(f, 2) for t, f in floors.items()}
