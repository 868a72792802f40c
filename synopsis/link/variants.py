"""Variants: what changed between two editions of one text, word by word.

Where :mod:`synopsis.link.sentalign` says *which* paragraphs of two editions belong together,
this module says *what changed* inside them, as a collation tool (CollateX, Juxta) does:
every substitution, insertion, deletion and transposition of words, with character
offsets into each paragraph's text, and whether the change is *trivial* (the two readings
are one reading spelled differently) or *substantive* ("cult of the individual" → "cult
of personality").

Tokens
    A token is a run of characters between spaces or dashes (one character in Chinese and
    Japanese script, which puts no spaces between words). Like CollateX's token it keeps
    the *form* as found (``honour,``), its *norm* (``honor``) and its span in the
    paragraph's text. The norm is what the alignment compares, so spelling, case and
    punctuation never break an alignment; the form is what a reader sees, and a form that
    differs where the norms agree is a trivial variant.

Rules
    What the norm folds is a list of named rules (:func:`rules_for`), recorded in each
    run's parameters. Case, punctuation, accents and word division ("to-day"/"today")
    are folded in every language; spelling rules belong to one language and live in its
    profile (the ``spelling`` of ``synopsis/languages/data/<code>.json``, the same data the
    link stage's normalisation folds by) — British and American English for ``en``
    (-our/-or, -ise/-ize, -ence/-ense, -re/-er, doubled consonants, -ogue/-og, ae/e,
    -eable/-able and a small table of words no rule reaches). A language whose profile
    has none gets the language-neutral rules only, never English ones. Two readings that
    differ only by what the rules fold are trivial.

Alignment
    The two token sequences of an aligned group of paragraphs are aligned by their norms
    with rapidfuzz's Indel (longest common subsequence) opcodes, in C. Each maximal run of
    unmatched tokens is one variant: a substitution when both sides have words, an
    insertion or deletion when one side has none. A deletion and an insertion at most
    :data:`TRANSPOSITION_REACH` words apart whose stretch holds the same words on both
    sides (a phrase moved, two words swapped) are one transposition covering the stretch.

Groups
    Editions merge and split paragraphs, so the unit of collation is a *group*: the
    paragraphs of one side aligned with the paragraphs of the other (a bead). Groups are
    collated in reading order, each together with whatever followed the last firm match
    (:data:`ANCHOR` words in a row) of the group before: a sentence that one edition put
    at the end of a paragraph and the other at the start of the next is then matched
    where it is, instead of turning into a deletion in one group and an insertion in the
    next. A variant is cut at paragraph boundaries and mapped back to offsets in its own
    paragraph; the side an insertion or deletion has no words on is anchored, with an
    empty span, just after the word before it.

:func:`collate` compares two texts; :func:`variant_step` is the linking step (paragraphs,
language and aligned groups in, variant rows out), and :func:`variants_of_edition` feeds
it the edition beads that :mod:`synopsis.link.stage` computes.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import Indel

from synopsis.languages import CJK, Profile, profile_for
from synopsis.languages.accents import strip_accents
from synopsis.languages.tags import primary_subtag, same_language

__all__ = [
    "Witness", "Variant", "VariantRow", "tokenize", "collate", "variant_step", "variants_of_edition",
    "rules_for", "NEUTRAL_RULES", "METHOD",
    "TRANSPOSITION_REACH",
]

METHOD = "collation"
"""``runs.method`` of a variant run (``runs.kind = 'variant'``)."""

TRANSPOSITION_REACH = 8
"""Most words between a deleted phrase and the same phrase inserted for the pair to count as
one transposition: a reordering within a clause, not two unrelated edits of a common word."""

# --- tokens ---------------------------------------------------------------------------

_CJK = CJK
_CHUNK = re.compile(rf"[{_CJK}]|(?:(?!--)[^\s\u2012-\u2015{_CJK}])+")
"""A token's form: one ideograph, or a run of characters up to a space, a dash or ``--``."""
_NOT_ALNUM = re.compile(r"[\W_]+")


def _fold_neutral(form: str) -> str:
    """Case, accents and punctuation folded: what every language's norm starts from."""
    return _NOT_ALNUM.sub("", strip_accents(form).casefold())


# --- rules ----------------------------------------------------------------------------

NEUTRAL_RULES = ("case", "punctuation", "accents", "word-division")
"""What every language folds: case, punctuation and accents in a token, and where words divide
("co-operation"/"cooperation", "to-day"/"today")."""


def rules_for(language: str | None) -> tuple[str, ...]:
    """The names of the rules that fold a document of ``language``: the run's ``rules`` parameter.

    The neutral rules, then the spelling rules of the language's profile
    (:meth:`synopsis.languages.Profile.spelling_rule_names`), all of them: a collation
    compares spellings and never stems."""
    return NEUTRAL_RULES + profile_for(language).spelling_rule_names()


class _Normalizer(dict):
    """Form → norm for one language, each distinct form computed once."""

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile

    def __missing__(self, form: str) -> str:
        norm = _fold_neutral(form)
        if norm.isalpha():
            # the table may divide a word in two; here words are joined (word division is neutral)
            norm = self.profile.respell(norm).replace(" ", "")
        self[form] = norm
        return norm


@lru_cache(maxsize=None)
def _normalizer(profile: Profile) -> _Normalizer:
    return _Normalizer(profile)


# --- collation ------------------------------------------------------------------------


@dataclass(slots=True)
class Witness:
    """The tokens of one or more paragraphs: forms as found, norms, spans, paragraph of each.

    ``forms[k]`` is ``text_of(paragraphs[k])[starts[k]:ends[k]]``; ``paragraphs[k]`` is the
    index (into the paragraphs tokenized) of the paragraph token k stands in. Tokens whose
    norm is empty (a lone quote mark or asterisk) are left out.
    """

    forms: list[str] = field(default_factory=list)
    norms: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    paragraphs: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.norms)


def tokenize(texts: str | Sequence[str], language: str | None = None) -> Witness:
    """The tokens of a text, or of several paragraphs read as one, normalised for ``language``."""
    if isinstance(texts, str):
        texts = [texts]
    norm_of = _normalizer(profile_for(language))
    w = Witness()
    get = norm_of.__getitem__
    for index, text in enumerate(texts):  # whole documents at a time: list-at-once, not token by token
        matches = list(_CHUNK.finditer(text))
        forms = [m.group() for m in matches]
        norms = list(map(get, forms))
        kept = [k for k, norm in enumerate(norms) if norm]
        if len(kept) < len(norms):
            matches, forms, norms = [matches[k] for k in kept], [forms[k] for k in kept], [norms[k] for k in kept]
        w.forms += forms
        w.norms += norms
        w.starts += [m.start() for m in matches]
        w.ends += [m.end() for m in matches]
        w.paragraphs += [index] * len(forms)
    return w


@dataclass(frozen=True, slots=True)
class Variant:
    """One difference between two witnesses, in token indices (``[left_first, left_end)``).

    An empty side (``left_first == left_end``) is the point where the other side's words
    would stand.
    """

    kind: str
    left_first: int
    left_end: int
    right_first: int
    right_end: int
    trivial: bool


def _segment(
    left: Witness, right: Witness, l0: int, l1: int, r0: int, r1: int, *, last: bool, anchor: int,
) -> tuple[list[list], int, int]:
    """The differences of tokens ``[l0, l1)`` and ``[r0, r1)`` up to their last firm match.

    Returns the blocks ``[l0, l1, r0, r1, trivial]`` (token indices, reading order) and
    where the next segment starts: just after the last run of at least ``anchor`` matched
    tokens, so whatever follows it (a sentence an edition put in the next paragraph) is
    collated again with the next group instead of being cut at a paragraph boundary.
    ``last`` takes everything. Runs of unmatched tokens come from the Indel opcodes;
    matched tokens whose forms differ (same norm) are one-token trivial blocks.
    """
    ops = Indel.opcodes(left.norms[l0:l1], right.norms[r0:r1]).as_list()
    cut, next_l, next_r = len(ops), l1, r1
    if not last:
        cut, next_l, next_r = 0, l0, r0
        for k in range(len(ops) - 1, -1, -1):
            tag, a0, a1, b0, b1 = ops[k]
            if tag == "equal" and a1 - a0 >= anchor:
                cut, next_l, next_r = k + 1, l0 + a1, r0 + b1
                break
    out: list[list] = []
    pending: list[int] | None = None
    lf, rf = left.forms, right.forms
    for tag, a0, a1, b0, b1 in ops[:cut]:
        a0, a1, b0, b1 = a0 + l0, a1 + l0, b0 + r0, b1 + r0
        if tag != "equal":
            if pending is None:
                pending = [a0, a1, b0, b1]
            else:
                pending[1], pending[3] = a1, b1
            continue
        if pending is not None:
            out.append(pending + [None])
            pending = None
        if lf[a0:a1] != rf[b0:b1]:
            for k in range(a1 - a0):
                if lf[a0 + k] != rf[b0 + k]:
                    out.append([a0 + k, a0 + k + 1, b0 + k, b0 + k + 1, True])
    if pending is not None:
        out.append(pending + [None])
    for block in out:
        if block[4] is None:  # readings equal once words are joined: only the division differs
            a0, a1, b0, b1, _ = block
            block[4] = a1 > a0 and b1 > b0 and "".join(left.norms[a0:a1]) == "".join(right.norms[b0:b1])
    return out, next_l, next_r


def _transpositions(blocks: list[list], left: Witness, right: Witness, reach: int) -> list[list]:
    """Blocks with each deleted phrase that comes back nearby merged into a transposition.

    A pure deletion and a pure insertion at most ``reach`` words apart, with only trivial
    blocks between them, whose stretch from one to the other holds the same words on both
    sides (a phrase moved past its neighbours, or two words swapped round a third) become
    ``[l0, l1, r0, r1, 'T']`` covering that stretch on both sides.
    """
    out: list[list] = []
    k = 0
    while k < len(blocks):
        b = blocks[k]
        merged = False
        if not b[4] and ((b[0] == b[1]) != (b[2] == b[3])):
            for m in range(k + 1, len(blocks)):
                c = blocks[m]
                if c[4] is True:
                    continue  # a trivial difference in between does not stop a transposition
                if not c[4] and (c[0] == c[1]) != (b[0] == b[1]) and (c[2] == c[3]) != (b[2] == b[3]):
                    if (max(c[0] - b[1], c[2] - b[3]) <= reach
                            and sorted(left.norms[b[0]:c[1]]) == sorted(right.norms[b[2]:c[3]])):
                        out.append([b[0], c[1], b[2], c[3], "T"])
                        k = m + 1
                        merged = True
                break
        if not merged:
            out.append(b)
            k += 1
    return out


ANCHOR = 3
"""Matched words in a row that end a segment of the collation (see :func:`_segment`)."""

MAX_SEGMENT = 20_000
"""Most tokens (both sides) carried into one segment before it is collated as it stands."""


def collate(
    left: Witness, right: Witness, *, bounds: Sequence[tuple[int, int]] | None = None,
    reach: int = TRANSPOSITION_REACH, anchor: int = ANCHOR,
) -> list[Variant]:
    """The variants between two witnesses.

    ``bounds`` are the token ends ``(left, right)`` of consecutive aligned groups (the
    whole witnesses are one group without them). Groups are collated in order, each
    together with the unsettled tail of the one before (:func:`_segment`), so the
    collation follows the alignment but is not cut where two editions' paragraph breaks
    differ.
    """
    bounds = list(bounds) if bounds is not None else [(len(left), len(right))]
    out = []
    l0 = r0 = 0
    for k, (l1, r1) in enumerate(bounds):
        last = k == len(bounds) - 1 or (l1 - l0) + (r1 - r0) > MAX_SEGMENT
        blocks, l0, r0 = _segment(left, right, l0, l1, r0, r1, last=last, anchor=anchor)
        for a0, a1, b0, b1, flag in _transpositions(blocks, left, right, reach):
            if flag == "T":
                kind, trivial = "transposition", False
            else:
                kind = "substitution" if a1 > a0 and b1 > b0 else "deletion" if a1 > a0 else "insertion"
                trivial = bool(flag)
            out.append(Variant(kind, a0, a1, b0, b1, trivial))
    return out


@dataclass(frozen=True, slots=True)
class VariantRow:
    """A variant placed in its paragraphs: one row of the ``variants`` table, less run and documents."""

    left_paragraph_id: int
    right_paragraph_id: int
    kind: str
    left_start: int
    left_end: int
    right_start: int
    right_end: int
    left_text: str
    right_text: str
    trivial: int


def _runs(paragraphs: list[int], first: int, end: int) -> list[tuple[int, int]]:
    """Token index ranges ``[first, end)`` cut where the paragraph changes."""
    out = []
    start = first
    for k in range(first + 1, end):
        if paragraphs[k] != paragraphs[k - 1]:
            out.append((start, k))
            start = k
    if end > first:
        out.append((start, end))
    return out


def _place(w: Witness, first: int, end: int) -> tuple[int, int, int]:
    """(paragraph index, start, end) of tokens ``[first, end)``; for none, the point after the word before."""
    if end > first:
        return w.paragraphs[first], w.starts[first], w.ends[end - 1]
    if first > 0:
        return w.paragraphs[first - 1], w.ends[first - 1], w.ends[first - 1]
    if len(w):
        return w.paragraphs[0], w.starts[0], w.starts[0]
    return 0, 0, 0


def _rows_of(
    variant: Variant, left: Witness, right: Witness, left_paras: Sequence[tuple[int, str]],
    right_paras: Sequence[tuple[int, str]],
) -> Iterable[VariantRow]:
    """A variant cut at paragraph boundaries and mapped to offsets in each paragraph."""
    lruns = _runs(left.paragraphs, variant.left_first, variant.left_end)
    rruns = _runs(right.paragraphs, variant.right_first, variant.right_end)
    if len(lruns) <= 1 and len(rruns) <= 1:
        pieces = [(variant.left_first, variant.left_end, variant.right_first, variant.right_end, variant.kind,
                   variant.trivial)]
    else:  # across a paragraph boundary: one row per paragraph, paired in order
        if variant.kind == "transposition":
            return  # a reordering across paragraphs is left as the alignment shows it
        pieces = []
        for k in range(max(len(lruns), len(rruns))):
            l0, l1 = lruns[k] if k < len(lruns) else (variant.left_end, variant.left_end)
            r0, r1 = rruns[k] if k < len(rruns) else (variant.right_end, variant.right_end)
            kind = "substitution" if l1 > l0 and r1 > r0 else "deletion" if l1 > l0 else "insertion"
            trivial = kind == "substitution" and "".join(left.norms[l0:l1]) == "".join(right.norms[r0:r1])
            pieces.append((l0, l1, r0, r1, kind, trivial))
    for l0, l1, r0, r1, kind, trivial in pieces:
        lp, ls, le = _place(left, l0, l1)
        rp, rs, re_ = _place(right, r0, r1)
        lid, ltext = left_paras[lp]
        rid, rtext = right_paras[rp]
        if le > ls and re_ > rs:  # punctuation both readings share at their edges is not part of the variant
            while le - ls > 1 and re_ - rs > 1 and ltext[le - 1] == rtext[re_ - 1] and not ltext[le - 1].isalnum():
                le, re_ = le - 1, re_ - 1
            while le - ls > 1 and re_ - rs > 1 and ltext[ls] == rtext[rs] and not ltext[ls].isalnum():
                ls, rs = ls + 1, rs + 1
        yield VariantRow(lid, rid, kind, ls, le, rs, re_, ltext[ls:le], rtext[rs:re_], int(trivial))


def variant_step(
    left: Sequence[tuple[int, str]],
    right: Sequence[tuple[int, str]],
    groups: Iterable[tuple[Sequence[int], Sequence[int]]],
    *,
    left_language: str | None,
    right_language: str | None,
    reach: int = TRANSPOSITION_REACH,
) -> tuple[dict, list[VariantRow]] | None:
    """The variants of two documents: ``(run parameters, rows)``, or None for two languages.

    ``left``/``right`` are each document's paragraphs as ``(id, text)``; ``groups`` are
    the aligned paragraphs in reading order, ``(left ids, right ids)`` — a 1-1 pair, a
    merge, a split, a paragraph dropped or added, or any many-to-many group an alignment
    finds (see "Groups" in the module doc). Documents in different languages have no word
    variants (a translation is not a variant): None, and the caller writes nothing.
    """
    # A document whose language is not recorded is taken to be in its partner's: the two
    # are editions of one work, and a translation says what language it is in.
    if same_language(left_language, right_language) is False:
        return None
    language = left_language or right_language
    rules = rules_for(language)
    parameters = {"language": primary_subtag(language) or "und", "rules": list(rules),
                  "transposition_reach": reach}
    ltext, rtext = dict(left), dict(right)
    lparas: list[tuple[int, str]] = []
    rparas: list[tuple[int, str]] = []
    ends: list[tuple[int, int]] = []  # paragraphs taken on each side after each group
    for lids, rids in groups:
        lparas.extend((i, ltext[i]) for i in lids if i in ltext)
        rparas.extend((j, rtext[j]) for j in rids if j in rtext)
        ends.append((len(lparas), len(rparas)))
    if not lparas or not rparas:
        return parameters, []
    lw = tokenize([t for _, t in lparas], language)
    rw = tokenize([t for _, t in rparas], language)
    bounds = [(bisect.bisect_left(lw.paragraphs, a), bisect.bisect_left(rw.paragraphs, b)) for a, b in ends]
    rows: list[VariantRow] = []
    for variant in collate(lw, rw, bounds=bounds, reach=reach):
        rows.extend(_rows_of(variant, lw, rw, lparas, rparas))
    return parameters, rows


def variants_of_edition(
    alignment_rows: Iterable[Sequence],
    left: Sequence[tuple[int, str]],
    right: Sequence[tuple[int, str]],
    *,
    left_language: str | None,
    right_language: str | None,
) -> tuple[dict, list[VariantRow]] | None:
    """:func:`variant_step` on edition beads as the linker stores them.

    ``alignment_rows`` are ``alignments`` rows without their run (``method,
    left_document_id, right_document_id, left_paragraph_id, right_paragraph_id, bead,
    ...``), one per paragraph pair of a bead; the bead number groups them back.
    """
    beads: dict[int, tuple[list[int], list[int]]] = {}
    for row in alignment_rows:
        lid, rid, bead = row[3], row[4], row[5]
        lids, rids = beads.setdefault(bead, ([], []))
        if lid is not None and lid not in lids:
            lids.append(lid)
        if rid is not None and rid not in rids:
            rids.append(rid)
    groups = [beads[k] for k in sorted(beads)]
    return variant_step(left, right, groups, left_language=left_language, right_language=right_language)
