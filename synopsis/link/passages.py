"""Passage pairing: all the passages one paragraph pair shares, from alignment and quotation search.

:func:`pair_passages` merges what :func:`synopsis.link.crossref.find_passages` aligns with
what :func:`synopsis.link.crossref.find_quotation` finds for the quotations ingest marked.
:class:`ParagraphTokens` tokenises paragraphs on demand (only those the candidate stage
puts forward) and places their marked quotations on tokens; :func:`may_share` is the cheap
test on the index's key hashes that spares most candidate pairs the tokenising.
"""
from __future__ import annotations

import dataclasses

import numpy as np
from rapidfuzz import fuzz

from synopsis.link.corpus import ParagraphCorpus
from synopsis.link.crossref import (
    METHOD_QUOTATION,
    SharedPassage,
    could_share,
    find_passages,
    find_quotation,
    refine_window,
)
from synopsis.link.normalize import Tokens, normalized_text, tokenize
from synopsis.link.accept import CrossReferenceParameters, passage_least_score, quotation_cutoff
from synopsis.link.statistics import PairStatistics

__all__ = ["pair_passages", "may_share", "stored_score", "ParagraphTokens", "QuotationTokens"]

QuotationTokens = tuple[int, int, int]
"""A marked quotation placed on tokens: (quotation id, first token, last token)."""


TOKENS_KEPT = 20_000
"""Paragraphs whose tokens :class:`ParagraphTokens` keeps at once. A paragraph's tokens take about
twenty kilobytes (a Python object per token): kept for every paragraph a million-paragraph corpus
puts forward, they were the link stage's largest memory (ten gigabytes and growing with the corpus).
Pairs come in left-paragraph order, so the least recently used go first and are rarely asked again."""


class ParagraphTokens:
    """Tokens and quotation token ranges of a corpus's paragraphs, computed on demand; the tokens of
    the :data:`TOKENS_KEPT` most recently used paragraphs are kept (tokenising is pure: a paragraph
    tokenised again gives the same tokens), so memory does not grow with the corpus."""

    def __init__(self, corpus: ParagraphCorpus, kept: int = TOKENS_KEPT) -> None:
        self.corpus = corpus
        self.kept = kept
        self._tokens: dict[int, Tokens] = {}  # in order of last use (a dict keeps insertion order)
        self._quotes: dict[int, list[QuotationTokens]] = {}

    def __getitem__(self, i: int) -> Tokens:
        tokens = self._tokens
        t = tokens.pop(i, None)
        if t is None:
            t = tokenize(self.corpus.texts[i], language=self.corpus.language_of(i))
            if len(tokens) >= self.kept:
                del tokens[next(iter(tokens))]  # the least recently used
        tokens[i] = t
        return t

    def quotations(self, i: int) -> list[QuotationTokens]:
        """Paragraph ``i``'s marked quotations as (quotation id, first token, last token)."""
        found = self._quotes.get(i)
        if found is None:
            found = []
            marks = self.corpus.quotes.get(self.corpus.pids[i])
            if marks:
                t = self[i]
                for qid, qs, qe in marks:
                    inside = [k for k in range(len(t)) if t.starts[k] >= qs and t.ends[k] <= qe]
                    if inside:
                        found.append((qid, inside[0], inside[-1]))
            self._quotes[i] = found
        return found


def may_share(
    left_keys: np.ndarray, right_keys: np.ndarray, params: CrossReferenceParameters, stats: PairStatistics | None = None,
) -> bool:
    """Whether two paragraphs' content keys (from the index) hold a stretch that could be a passage.

    The same seeded alignment :func:`synopsis.link.crossref.find_passages` starts from,
    on the index's key hashes (weighted by ``stats`` when given), more lenient and with no
    X-drop (it adds near matches later): a pair that fails it cannot have a passage, and
    is never tokenised.
    """
    weights = stats.weights_of_hashes(left_keys).tolist() if stats is not None else None
    return could_share(left_keys.tolist(), right_keys.tolist(), min_words=params.least_information * 0.75,
                       max_gap=params.max_gap, gap_penalty=params.gap_penalty, weights=weights)


def _inside(first: int, last: int, quotes: list[QuotationTokens]) -> int | None:
    """The quotation (index) covering at least half of tokens ``first..last``, if any."""
    for qi, (_, qf, ql) in enumerate(quotes):
        if (min(last, ql) - max(first, qf) + 1) * 2 >= last - first + 1:
            return qi
    return None


def _cover_quotation(
    left: Tokens, p: SharedPassage, qf: int, ql: int, right: Tokens, qi: int, *, score_cutoff: float,
    cover_drop: float,
) -> SharedPassage:
    """``p`` (lying mostly in the left quotation ``qi``) widened to cover all of it, if the widened spans still agree.

    The right side is moved to where ``fuzz.ratio`` with the widened left text is best:
    another translation of a quotation is rarely the same length. When even the best
    widened pair scores below ``score_cutoff``, or more than ``cover_drop`` below ``p``'s
    own score, the quotation holds more than the passage shared (a speech in quotation
    marks that quotes one verse), and ``p`` keeps its own spans (named after the
    quotation all the same): a span grows only while the texts keep matching.
    """
    lf, ll = min(p.left_first, qf), max(p.left_last, ql)
    kept = SharedPassage(p.left_start, p.left_end, p.right_start, p.right_end, p.score, p.method, qi,
                         p.right_quotation, p.left_first, p.left_last, p.right_first, p.right_last)
    if (lf, ll) == (p.left_first, p.left_last):
        return kept
    needle = left.token_range_text(lf, ll)
    grown = (ll - lf) - (p.left_last - p.left_first)
    rf, rl, ratio = refine_window(needle, right, p.right_first, p.right_last, reach=min(grown + 3, 40))
    if ratio < max(score_cutoff, p.score - cover_drop):
        return kept
    ls, le = left.tokens_to_span(lf, ll)
    rs, re_ = right.tokens_to_span(rf, rl)
    return SharedPassage(ls, le, rs, re_, round(ratio, 2), p.method, qi, p.right_quotation, lf, ll, rf, rl)


def stored_score(left_text: str, right_text: str, left_language: str | None = None,
                 right_language: str | None = None) -> float:
    """The score of a cross-reference: :data:`~synopsis.link.parameters.SCORE_MEASURE` over exactly its two
    texts, each normalised by its own document's language."""
    return round(float(fuzz.ratio(normalized_text(left_text, left_language),
                                  normalized_text(right_text, right_language))), 2)


def _rescored(left: Tokens, right: Tokens, p: SharedPassage, score_cutoff: float,
              languages: tuple[str | None, str | None]) -> SharedPassage | None:
    """``p`` with its :func:`stored_score`, or None when that falls below ``score_cutoff``."""
    score = stored_score(left.text[p.left_start : p.left_end], right.text[p.right_start : p.right_end], *languages)
    if score < score_cutoff:
        return None
    return dataclasses.replace(p, score=score)


def _quotation_cutoff(toks: Tokens, first: int, last: int, weights: list[float] | None,
                      params: CrossReferenceParameters) -> float | None:
    """The least search score of the marked quotation ``first..last`` (:func:`synopsis.link.accept.quotation_cutoff`)."""
    return quotation_cutoff(sum(toks.content[first : last + 1]), last - first + 1,
                            lambda: None if weights is None else sum(weights[first : last + 1]), params)


def pair_passages(
    left: Tokens,
    right: Tokens,
    left_quotes: list[QuotationTokens],
    right_quotes: list[QuotationTokens],
    params: CrossReferenceParameters,
    stats: PairStatistics | None = None,
    languages: tuple[str | None, str | None] = (None, None),
    align: bool = True,
) -> list[SharedPassage]:
    """All passages of one paragraph pair: aligned stretches and quotation searches, merged.

    A quotation found by search wins over an aligned stretch it overlaps; a stretch lying
    mostly within a quotation is widened to the whole quotation and named after it (when
    the widened spans still agree). ``stats`` weighs aligned words by their information
    in the two documents. Every passage's score is finally :func:`stored_score` of the
    two texts it spans (in their ``languages``), and a passage scoring below
    ``score_cutoff`` is dropped. ``align=False`` runs the quotation search alone (a pair
    only a marked quotation put forward, with no stretch of aligned words to find).
    """
    found = [] if not align else find_passages(
        left, right, params, weights=(stats.weights(left), stats.weights(right)) if stats is not None else None,
        left_quotes=[(f, l) for _, f, l in left_quotes], right_quotes=[(f, l) for _, f, l in right_quotes],
    )
    quoted: list[SharedPassage] = []
    for side, (toks, other, quotes) in enumerate(((left, right, left_quotes), (right, left, right_quotes))):
        weights: list[float] | None = None
        for qi, (_, first, last) in enumerate(quotes):
            if weights is None and stats is not None and sum(toks.content[first : last + 1]) < params.quotation_min_words:
                weights = stats.weights(toks)
            cutoff = _quotation_cutoff(toks, first, last, weights, params)
            if cutoff is None:
                continue
            hits = find_quotation(toks, first, last, other, score_cutoff=cutoff, quotation=qi)
            quoted.extend(hits if side == 0 else (p.mirrored() for p in hits))
    # a quotation's best window that does not hold up as a passage (its two texts unlike)
    # must not hide an aligned passage inside it
    quoted = [q for q in (_rescored(left, right, p, params.score_cutoff, languages) for p in quoted) if q is not None]
    out = list(quoted)
    for p in found:
        if any(p.overlaps(q) for q in quoted):
            continue
        lq = _inside(p.left_first, p.left_last, left_quotes)
        if lq is not None:
            p = _cover_quotation(left, p, left_quotes[lq][1], left_quotes[lq][2], right, lq,
                                 score_cutoff=params.score_cutoff, cover_drop=params.cover_drop)
        rq = _inside(p.right_first, p.right_last, right_quotes)
        if rq is not None:
            p = _cover_quotation(right, p.mirrored(), right_quotes[rq][1], right_quotes[rq][2], left, rq,
                                 score_cutoff=params.score_cutoff, cover_drop=params.cover_drop).mirrored()
        out.append(p)
    # label quotation hits with the other side's quotation too
    labelled = []
    for p in out:
        lq = p.left_quotation if p.left_quotation is not None else _inside(p.left_first, p.left_last, left_quotes)
        rq = p.right_quotation if p.right_quotation is not None else _inside(p.right_first, p.right_last, right_quotes)
        short = min(sum(left.content[p.left_first : p.left_last + 1]),
                    sum(right.content[p.right_first : p.right_last + 1])) < params.min_words
        least = passage_least_score(short, lq is not None and rq is not None, params)
        scored = _rescored(left, right, p, least, languages)
        if scored is None:
            continue
        labelled.append(SharedPassage(p.left_start, p.left_end, p.right_start, p.right_end, scored.score, p.method, lq,
                                      rq, p.left_first, p.left_last, p.right_first, p.right_last))
    kept: list[SharedPassage] = []
    for p in sorted(labelled, key=lambda p: (p.method != METHOD_QUOTATION, -p.score, p.left_start, p.right_start)):
        if not any(p.overlaps(k) for k in kept):
            kept.append(p)
    return sorted(kept, key=lambda p: (p.left_start, p.right_start))
