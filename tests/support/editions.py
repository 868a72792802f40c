"""A seeded generator of editions with a known alignment, for tests and benchmarks.

:func:`make_edition` takes the paragraphs of a text and returns another "edition" of it:
British spellings turned American, words replaced as another translator would replace
them, OCR noise (``m``→``rn``, ``l``→``1``, dropped letters), and paragraphs merged,
split, dropped and inserted, together with the beads that map the original onto the
edition. The same seed always gives the same edition.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

__all__ = ["Edition", "make_edition", "respell", "substitute", "ocr_noise", "FILLER_SENTENCES"]

_SPELLING = [
    (r"\b(\w+)our\b", r"\1or", {"four", "your", "hour", "tour", "pour", "our", "sour", "flour", "detour"}),
    (r"\b(\w+)is(e|es|ed|ing|ation|ations)\b", r"\1iz\2", {"rise", "wise", "otherwise", "exercise", "promise", "premise", "surprise", "compromise", "enterprise", "precise", "concise", "raise", "praise", "noise", "arise", "arises", "arising", "advise", "revise", "devise", "supervise", "paradise", "expertise", "disguise", "comprise", "despise", "franchise", "merchandise", "televise", "raised", "praised", "surprised", "promised", "exercised", "rises", "raises", "praises", "promises", "premises", "surprises", "enterprises", "noises", "advised", "revised", "devised", "rising", "raising", "praising", "wisely"}),
    (r"\b(cen|theat|met|lit|fib|calib)re(s?)\b", r"\1er\2", set()),
    (r"\b(\w+[aeiou])ll(ed|ing)\b", r"\1l\2", {"called", "calling", "filled", "killed", "spelled", "rolled", "pulled", "polled", "fell", "well", "tolled", "called"}),
]

# Words another translator would choose; a small, fixed table.
_SUBSTITUTIONS = {
    "cult of the individual": "cult of personality",
    "errors": "mistakes", "indeed": "in fact", "entire": "whole", "great": "vast",
    "shows": "demonstrates", "immeasurable": "boundless", "certain": "sure",
    "struggle": "fight", "tremendous": "enormous", "consistently": "steadily",
    "country": "land", "persistent": "stubborn", "correctly": "rightly",
    "progress": "advance", "peoples": "nations", "grave": "serious", "also": "as well",
    "enemies": "foes", "important": "significant", "violations": "breaches",
    "considers": "believes", "perhaps": "possibly", "necessary": "essential",
}

_OCR = [("m", "rn"), ("rn", "m"), ("l", "1"), ("I", "l"), ("o", "0"), ("e", "c"), ("h", "b"), ("cl", "d")]

FILLER_SENTENCES = [
    "The harvest in the northern provinces was gathered early this year because of the dry weather.",
    "A new railway bridge across the river was opened to traffic after three years of work.",
    "The museum of local history received a collection of letters written by village teachers.",
    "Fishermen on the coast reported that the storms of the spring had damaged many boats.",
    "Students of the technical college built a small observatory on the roof of their hall.",
    "The orchestra gave a series of concerts in the mining towns during the winter season.",
    "Engineers tested a machine for sowing grain that needs only one driver and no horses.",
    "The city library now stays open in the evening so that workers on the day shift can read.",
    "Several new schools were built in the mountain districts, where children walked far before.",
    "The weather bureau warned that the autumn rains would begin a fortnight earlier than usual.",
]


@dataclass(frozen=True)
class Edition:
    """The edited paragraphs and the beads that align the original with them."""

    paragraphs: list[str]
    beads: list[tuple[tuple[int, ...], tuple[int, ...]]]  # (original indices, edition indices)


def respell(text: str) -> str:
    """British spellings made American (labour → labor, organise → organize, centre → center)."""
    for pattern, repl, keep in _SPELLING:
        text = re.sub(pattern, lambda m, r=repl, k=keep: m.group(0) if m.group(0).lower() in k else m.expand(r), text)
    return text


def substitute(text: str, rng: random.Random, rate: float) -> str:
    """Replace words from a fixed table, each occurrence with probability ``rate``."""
    for old, new in _SUBSTITUTIONS.items():
        text = re.sub(rf"\b{re.escape(old)}\b", lambda m: new if rng.random() < rate else m.group(0), text)
    return text


def ocr_noise(text: str, rng: random.Random, rate: float) -> str:
    """Scanner damage: confusable letters swapped and letters dropped, about ``rate`` per character."""
    out = []
    i = 0
    while i < len(text):
        if text[i].isalpha() and rng.random() < rate:
            choice = rng.random()
            for a, b in _OCR:
                if text.startswith(a, i) and choice < 0.8:
                    out.append(b)
                    i += len(a)
                    break
            else:
                i += 1  # letter dropped
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _split_point(text: str) -> int | None:
    """A sentence boundary near the middle of ``text``, or None."""
    mids = [m.end() for m in re.finditer(r"[.;:!?][”\"’']?\s+(?=[A-Z“\"])", text)]
    mids = [k for k in mids if 0.25 * len(text) < k < 0.75 * len(text)]
    if not mids:
        return None
    return min(mids, key=lambda k: abs(k - len(text) / 2))


def make_edition(
    paragraphs: list[str],
    *,
    seed: int = 0,
    ocr_rate: float = 0.01,
    substitution_rate: float = 0.5,
    merge_rate: float = 0.05,
    split_rate: float = 0.05,
    drop_rate: float = 0.03,
    insert_rate: float = 0.03,
    spelling: bool = True,
) -> Edition:
    """Another edition of ``paragraphs``, and the beads that align them."""
    rng = random.Random(seed)
    out: list[str] = []
    beads: list[tuple[tuple[int, ...], tuple[int, ...]]] = []

    def edit(text: str) -> str:
        if spelling:
            text = respell(text)
        text = substitute(text, rng, substitution_rate)
        return ocr_noise(text, rng, ocr_rate)

    i = 0
    n = len(paragraphs)
    while i < n:
        if rng.random() < insert_rate:
            filler = " ".join(rng.sample(FILLER_SENTENCES, 3))
            beads.append(((), (len(out),)))
            out.append(ocr_noise(filler, rng, ocr_rate))
        r = rng.random()
        if r < drop_rate:
            beads.append(((i,), ()))
            i += 1
            continue
        r -= drop_rate
        if r < merge_rate and i + 1 < n:
            beads.append(((i, i + 1), (len(out),)))
            out.append(edit(paragraphs[i] + " " + paragraphs[i + 1]))
            i += 2
            continue
        r -= merge_rate
        cut = _split_point(paragraphs[i]) if r < split_rate else None
        if cut is not None:
            beads.append(((i,), (len(out), len(out) + 1)))
            out.append(edit(paragraphs[i][:cut].rstrip()))
            out.append(edit(paragraphs[i][cut:].lstrip()))
            i += 1
            continue
        beads.append(((i,), (len(out),)))
        out.append(edit(paragraphs[i]))
        i += 1
    return Edition(out, beads)
