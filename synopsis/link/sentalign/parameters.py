"""The aligner's bead shapes, priors, constants and parameters (see the package doc)."""
from __future__ import annotations

import logging
from dataclasses import dataclass


from synopsis.languages import profile_for
from synopsis.languages.tags import same_language


log = logging.getLogger(__name__)



METHOD = "sentence-dp"
"""``sentence_alignments.method`` of the rows this module makes."""

BEADS: tuple[tuple[int, int], ...] = (
    (1, 1), (1, 0), (0, 1), (1, 2), (2, 1), (1, 3), (3, 1), (1, 4), (4, 1), (2, 2), (2, 3), (3, 2),
)
"""Bead shapes (left sentences, right sentences)."""

# Gale & Church (1993), table 5: 1-1 0.89, 1-0/0-1 0.0099, 2-1/1-2 0.089, 2-2 0.011; the
# larger shapes (not in their table) get a small tail so that each is possible but rare.
_DEFAULT_PRIOR = {
    (1, 1): 0.89, (1, 0): 0.00495, (0, 1): 0.00495, (1, 2): 0.0445, (2, 1): 0.0445, (2, 2): 0.011,
    (1, 3): 0.005, (3, 1): 0.005, (2, 3): 0.002, (3, 2): 0.002, (1, 4): 0.001, (4, 1): 0.001,
}

RUN = _DEFAULT_PRIOR[(1, 0)] + _DEFAULT_PRIOR[(0, 1)]
"""The chance that a gap follows a gap of its kind, before the pair's own count of runs
(:func:`~synopsis.link.sentalign.model._reestimate`, :data:`RUN_STRENGTH` gaps' worth): Gale and
Church's rate of gaps of either kind, twice their rate of one kind. Text one version lacks
often comes in runs (a paragraph, OCR'd captions, the verses of a missing chapter); where the
first pass finds runs, a further gap of a run costs what the pair's own runs say instead of a
whole opening (:func:`~synopsis.link.sentalign.programme.banded_dp`'s ``runs``)."""

RUN_STRENGTH = 4.0
"""Gaps' worth of :data:`RUN` mixed with the pair's own count of gaps followed by a gap of their kind."""

TIE = 1.0
"""Nats by which a bead with no lexical evidence for it loses to gaps when lengths also tie:
two unrelated sentences of equal length are text replaced, not a translation."""

ABSORB_FIT = 0.25
"""Nats by which a gap's merged bead may fit the lengths worse than the bead it joins (the last
step, :func:`~synopsis.link.sentalign.align._absorb_gaps`): the half of a split sentence adds
length the other side has, a whole sentence one version lacks adds length it has not."""

MAX_DF = 0.1
"""Tokens in more of the pair's sentences than this fraction are left out (their IDF weight is small)."""

LEXICON_MIN_COUNT = 3
"""Beads a learned translation pair must be seen in (:func:`_learned_lexicon`)."""

LEXICON_G2 = 30.0
"""Dunning's G² a learned translation pair must reach: a chance of about 10⁻⁷ for one pair
(χ² with one degree of freedom), small enough among the million or so pairs a long text tries."""

def stemmer_name(language: str | None) -> str | None:
    """The Snowball stemmer for a BCP 47 language tag (``en-GB`` → english), or None when unknown."""
    return profile_for(language).stemmer


def _same_language(a: str | None, b: str | None) -> bool:
    return same_language(a, b) is True  # a language not recorded: not known to be the same


@dataclass(frozen=True)
class SentenceAlignParameters:
    """The knobs of the sentence aligner, each with the reason for its default (recorded in the run).

    ``band`` and ``fine_band`` are search widths in sentences, not model parameters: too
    narrow is caught by the band-edge check (the search is repeated twice as wide), so
    they only trade time. ``prior_strength`` is how many beads' worth of Gale and
    Church's shape frequencies the pair's own counts are mixed with. ``length_variance``
    is Gale and Church's s² (6.8 characters per character), the starting point before the
    pair's own is estimated. ``rare_df`` is the most sentences (per side) a token may be
    in to make an anchor: two is a word used once or twice, which can hardly pair
    sentences by chance.
    """

    band: int = 12
    fine_band: int = 6
    prior_strength: float = 100.0
    length_variance: float = 6.8
    rare_df: int = 2
    seed: int = 0  # random pairs for the "unrelated" statistics
    dictionary: bool = True  # read a bilingual dictionary where the pair has one (:mod:`.dictionary`)

    def as_dict(self) -> dict:
        return {"band": self.band, "fine_band": self.fine_band, "prior_strength": self.prior_strength,
                "length_variance": self.length_variance, "rare_df": self.rare_df, "max_df": MAX_DF,
                "lexicon_min_count": LEXICON_MIN_COUNT, "lexicon_g2": LEXICON_G2, "seed": self.seed,
                "gap_run": RUN, "gap_run_strength": RUN_STRENGTH, "absorb_fit": ABSORB_FIT,
                "dictionary": self.dictionary}


@dataclass(frozen=True, slots=True)
class SentenceBead:
    """One step of a sentence alignment: left and right sentence indices, and its confidence 0-100."""

    left: tuple[int, ...]
    right: tuple[int, ...]
    score: float

    @property
    def pattern(self) -> str:
        return f"{len(self.left)}-{len(self.right)}"
