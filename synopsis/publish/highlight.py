"""Highlighting without injection: escape the document's text first, then add marks.

Document text is data, never markup: a paragraph may well contain ``<script>`` or ``<b>``
(a transcription of an HTML page, a quoted tag). Every function here escapes each piece of
text on its own and only then wraps the highlighted pieces in ``<mark>``, so the only tags
in the result are the ones this module writes. The result is a :class:`markupsafe.Markup`,
which Jinja's autoescape leaves alone.

Two kinds of highlight come in:

* character spans (``start``, ``end``) into a paragraph's text, from ``cross_references``;
* FTS5 ``snippet()``/``highlight()`` output, in which SQLite put :data:`MARK_START` and
  :data:`MARK_END` around the matched words. These are characters from Unicode's private
  use area, which no published text uses, so they cannot be confused with the text.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

from synopsis.search import MARK_END, MARK_START  # the one pair of markers, set where the search SQL is
from synopsis.spans import merge_spans, split_text

_SENTINEL_PAIR = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")


def highlight(text: str | None, spans: Iterable[Sequence[int]] = ()) -> Markup:
    """HTML for ``text`` with the given character spans wrapped in ``<mark>``, all text escaped."""
    if not text:
        return Markup("")
    out = []
    for piece, marked in split_text(text, spans):
        out.append(Markup("<mark>{}</mark>").format(piece) if marked else escape(piece))
    return Markup("").join(out)


def highlight_passages(text: str | None, spans: Iterable[Sequence[int]],
                       words: Iterable[tuple[int, int, str, int, str]]) -> Markup:
    """:func:`highlight` of ``spans``, with the corresponding words inside each marked as
    :func:`highlight_words` marks them (the compare page)."""
    if not text:
        return Markup("")
    words = list(words)
    if not words:
        return highlight(text, spans)
    out, at = [], 0
    for start, end in merge_spans(spans, len(text)):
        out.append(escape(text[at:start]))
        out.append(_passage_html(text, start, end, words))
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def _passage_html(text: str, start: int, end: int, words: list[tuple[int, int, str, int, str]]) -> Markup:
    html = highlight_words(text, (start, end), words)
    before, after = escape(text[:start]), escape(text[end:])
    return Markup(str(html)[len(before): len(html) - len(after)])


def highlight_words(text: str | None, passage: Sequence[int], words: Iterable[tuple[int, int, str, int, str]]
                    ) -> Markup:
    """HTML for ``text`` with the passage ``(start, end)`` in ``<mark>`` and, inside it, each corresponding
    word ``(start, end, kind, number, other word)`` (absolute offsets) in a span of its kind; a word
    that corresponds in other words (stem, synonym, learned) carries the pair's ``number`` on both
    sides, so a reader sees which word answers which. All text escaped."""
    if not text:
        return Markup("")
    start, end = passage
    spans = sorted((a, b, kind, n, other) for a, b, kind, n, other in words if start <= a < b <= end)
    out = [escape(text[:start]), Markup('<mark class="syn-passage">')]
    at = start
    for a, b, kind, n, other in spans:
        if a < at:
            continue
        out.append(escape(text[at:a]))
        paired = kind not in ("same", "name", "number")
        title = f"{kind}: {other}" if paired else kind
        out.append(Markup('<span class="syn-w syn-w-{}" title="{}">{}{}</span>').format(
            kind, title, text[a:b], Markup('<sup class="syn-w-n">{}</sup>').format(n) if paired else ""))
        at = b
    out += [escape(text[at:end]), Markup("</mark>"), escape(text[end:])]
    return Markup("").join(out)


def mark_snippet(snippet: str | None) -> Markup:
    """HTML for an FTS5 snippet: text escaped, sentinel pairs turned into ``<mark>``.

    A sentinel without its partner (a snippet cut inside a match, or a stray character in
    the text) is dropped rather than left to open a tag that never closes.
    """
    if not snippet:
        return Markup("")
    out = []
    position = 0
    for match in _SENTINEL_PAIR.finditer(snippet):
        out.append(escape(_strip_sentinels(snippet[position:match.start()])))
        out.append(Markup("<mark>{}</mark>").format(match.group(1)))
        position = match.end()
    out.append(escape(_strip_sentinels(snippet[position:])))
    return Markup("").join(out)


def has_sentinels(value: object) -> bool:
    """True for a string that carries FTS5 match sentinels (a snippet column)."""
    return isinstance(value, str) and MARK_START in value


def _strip_sentinels(text: str) -> str:
    return text.replace(MARK_START, "").replace(MARK_END, "")


def mark_readings(text: str | None, readings: Iterable[Sequence]) -> Markup:
    """HTML for ``text`` with variant readings wrapped, all text escaped.

    ``readings`` are ``(start, end, tag, classes, title)``: ``tag`` is ``del`` (a reading
    the other edition replaced or dropped) or ``ins`` (one it has instead or added). An
    empty span is the place where the other edition has words this one lacks: it becomes
    a small caret (``‸``, a ``<span>``) carrying ``title``, so nothing of the text changes.
    Readings that overlap one already placed are skipped.
    """
    if not text:
        return Markup("")
    out = []
    position = 0
    for start, end, tag, classes, title in sorted(readings, key=lambda r: (int(r[0]), int(r[1]))):
        start, end = max(0, int(start)), min(len(text), int(end))
        if start < position or end < start or tag not in ("del", "ins"):
            continue
        out.append(escape(text[position:start]))
        if end == start:
            out.append(Markup('<span class="syn-point {}" title="{}">‸</span>').format(classes, title))
        else:
            out.append(Markup('<{} class="{}" title="{}">{}</{}>').format(
                Markup(tag), classes, title, text[start:end], Markup(tag)))
        position = end
    out.append(escape(text[position:]))
    return Markup("").join(out)
