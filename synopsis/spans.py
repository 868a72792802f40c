"""Character spans of a text: merged, and cut into marked and unmarked pieces.

Pure helpers shared by everything that marks a text without changing it: the reading
room's highlights (:mod:`synopsis.publish.highlight`), the TEI export and the search
snippets (:mod:`synopsis.search`), each of which only decides how to wrap the pieces.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence


def merge_spans(spans: Iterable[Sequence[int]], length: int) -> list[tuple[int, int]]:
    """Clamp spans to ``0..length``, drop empty ones, and merge those that overlap or touch.

    Cross-references of one paragraph often overlap (the same sentence matched by two
    passages of another document); a reader wants one highlight, not nested ones.
    """
    clamped = sorted(
        (max(0, int(start)), min(length, int(end)))
        for start, end, *_ in spans
    )
    merged: list[tuple[int, int]] = []
    for start, end in clamped:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def split_text(text: str, spans: Iterable[Sequence[int]]) -> list[tuple[str, bool]]:
    """Cut ``text`` into consecutive pieces, each flagged True where it lies inside a span.

    The pieces joined give back ``text`` exactly; renderers (HTML here, TEI in
    :mod:`synopsis.publish.tei`) only decide how to wrap the flagged pieces.
    """
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in merge_spans(spans, len(text)):
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
    if position < len(text) or not pieces:
        pieces.append((text[position:], False))
    return pieces
