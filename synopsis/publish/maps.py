"""Pictures drawn on the server as SVG: the alignment map of two documents and the corpus map.

Pure functions from rows to :class:`markupsafe.Markup`; every piece of text in them
(titles, ids, URLs) is escaped here, so templates print them as they are. No script, no
network at view time: the browser draws what the server wrote.

The alignment map shows two documents as two bars, ``a`` above and ``b`` below, each as
long as its paragraphs; a band joins every stretch of ``a`` to the stretch of ``b`` it is
aligned with, coloured by how much changed in it (the share of its rows with variants, or
its distance from a perfect score); what one document lacks is a gap in the bands and a
mark on its bar. An extract is a short bar joined to part of a long one; a moved section
is a band that crosses the others. Each band links to the window of the compare page that
shows it.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

MAP_WIDTH = 1000
MAP_BANDS = 240
"""At most this many bands: consecutive rows are merged into a band while both sides stay
contiguous, so a map of 50,000 rows is a few kilobytes."""


def _colour(change: float) -> str:
    """From pale blue-grey (nothing changed) to deep orange (everything changed)."""
    change = max(0.0, min(1.0, change))
    low, high = (176, 196, 222), (194, 65, 12)
    r, g, b = (round(lo + (hi - lo) * change) for lo, hi in zip(low, high))
    return f"#{r:02x}{g:02x}{b:02x}"


def _change(row: dict, variants: dict[tuple[int, int], int]) -> float:
    """How much changed in one row, 0..1: its substantive variants per paragraph (editions
    in one language), or else its distance from a perfect score."""
    if variants:
        left, right = row["left"], row["right"]
        if len(left) == 1 and len(right) == 1:
            n = variants.get((left[0]["id"], right[0]["id"]), 0)
        else:
            n = sum(variants.get((p["id"], q["id"]), 0) for p in left for q in right)
        return min(1.0, n / (3 * max(len(left), 1)))
    score = row["score"]
    return 0.5 if score is None else max(0.0, min(1.0, (100 - score) / 60))


def alignment_map(outline: Sequence[dict], *, a_count: int, b_count: int, a_label: str, b_label: str,
                  href: Callable[[int], str], variants: dict[tuple[int, int], int] | None = None,
                  window: tuple[int, int] | None = None, bands: int = MAP_BANDS) -> Markup:
    """The SVG alignment map of the compare page's rows (``outline``: every row, without texts).

    ``a_count``/``b_count`` are the two documents' paragraph counts; ``href(i)`` is the URL
    of the window that shows row ``i``; ``variants`` counts variants per paragraph pair;
    ``window`` (first row, row count) is outlined as where the reader is. A paragraph's place
    on its bar is its ordinal among the ordinals the rows name.
    """
    variants = variants or {}
    rows = _summaries(outline, variants)
    a_lo, a_hi = _extent(r[1] for r in rows), _extent((r[2] for r in rows), high=True)
    b_lo, b_hi = _extent(r[3] for r in rows), _extent((r[4] for r in rows), high=True)
    a_n = max(a_hi - a_lo + 1, a_count, 1) if a_hi is not None else max(a_count, 1)
    b_n = max(b_hi - b_lo + 1, b_count, 1) if b_hi is not None else max(b_count, 1)
    a_lo, b_lo = a_lo or 0, b_lo or 0
    span = MAP_WIDTH - 20
    x_a = lambda o, end=False: 10 + span * (o - a_lo + (1 if end else 0)) / a_n  # noqa: E731
    x_b = lambda o, end=False: 10 + span * (o - b_lo + (1 if end else 0)) / b_n  # noqa: E731
    top, bottom, bar = 24, 96, 12
    parts = [Markup('<svg class="syn-map" viewBox="0 0 {w} 132" role="img" aria-label="{label}" '
                    'xmlns="http://www.w3.org/2000/svg">').format(w=MAP_WIDTH, label=f"Alignment map of {a_label} and {b_label}"),
             Markup('<text x="10" y="14" class="syn-map-label">{}</text>').format(a_label),
             Markup('<text x="10" y="128" class="syn-map-label">{}</text>').format(b_label),
             Markup('<rect class="syn-map-bar" x="10" y="{}" width="{}" height="{}"/>').format(top, span, bar),
             Markup('<rect class="syn-map-bar" x="10" y="{}" width="{}" height="{}"/>').format(bottom, span, bar)]
    for first, last, kind in _bands(rows, bands):
        chosen = [r for r in rows[first: last + 1] if r[0] == kind]
        link = escape(href(first))
        title = f"rows {first + 1}–{last + 1}"
        if kind == "both":
            change = sum(r[5] for r in chosen) / len(chosen)
            xa0, xa1 = x_a(min(r[1] for r in chosen)), x_a(max(r[2] for r in chosen), True)
            xb0, xb1 = x_b(min(r[3] for r in chosen)), x_b(max(r[4] for r in chosen), True)
            points = f"{xa0:.1f},{top + bar} {xa1:.1f},{top + bar} {xb1:.1f},{bottom} {xb0:.1f},{bottom}"
            parts.append(Markup('<a href="{}"><polygon class="syn-map-band" points="{}" fill="{}"><title>{}</title></polygon></a>')
                         .format(link, points, _colour(change), f"{title}: {round(change * 100)}% changed"))
        else:  # one side lacks these paragraphs: a mark on the bar that has them
            if kind == "left":
                x0, x1, y, lacks = x_a(min(r[1] for r in chosen)), x_a(max(r[2] for r in chosen), True), top, b_label
            else:
                x0, x1, y, lacks = x_b(min(r[3] for r in chosen)), x_b(max(r[4] for r in chosen), True), bottom, a_label
            parts.append(Markup('<a href="{}"><rect class="syn-map-gap" x="{:.1f}" y="{}" width="{:.1f}" height="{}">'
                                '<title>{}</title></rect></a>').format(link, x0, y, max(x1 - x0, 1.5), bar, f"{title}: not in {lacks}"))
    if window is not None and rows:
        first, count = window
        shown = [r for r in rows[first: first + count] if r[1] is not None]
        if shown:
            x0, x1 = x_a(min(r[1] for r in shown)), x_a(max(r[2] for r in shown), True)
            parts.append(Markup('<rect class="syn-map-here" x="{:.1f}" y="{}" width="{:.1f}" height="{}"><title>shown below</title></rect>')
                         .format(x0 - 1, top - 3, max(x1 - x0 + 2, 3), bar + 6))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _ordinals(side: list[dict]) -> tuple[int | None, int | None]:
    """The first and last paragraph ordinals one side of an aligned row holds (None, None for a gap)."""
    if len(side) == 1:  # the common case, without two passes
        return side[0]["ordinal"], side[0]["ordinal"]
    if not side:
        return None, None
    return min(p["ordinal"] for p in side), max(p["ordinal"] for p in side)


def _summaries(outline: Sequence[dict], variants: dict[tuple[int, int], int]) -> list[tuple]:
    """Each row as ``(kind, a first ordinal, a last, b first, b last, change)`` (None for a side it lacks)."""
    out = []
    append = out.append
    for row in outline:
        left, right = row["left"], row["right"]
        (a0, a1), (b0, b1) = _ordinals(left), _ordinals(right)
        if left and right:
            append(("both", a0, a1, b0, b1, _change(row, variants)))
        else:
            append(("left" if left else "right", a0, a1, b0, b1, 0.0))
    return out


def _extent(values, *, high: bool = False):
    found = [v for v in values if v is not None]
    return (max(found) if high else min(found)) if found else None


def _bands(rows: Sequence[tuple], bands: int):
    """Runs of consecutive rows drawn as one shape: (first row, last row, kind).

    ``kind`` is ``both`` (aligned), ``left`` (only ``a`` has them) or ``right``. A run ends
    when the kind changes, when ``b`` jumps (a moved section must stay visible) or when it
    is longer than its share of ``bands``. When gaps are so many that this would draw more
    than twice ``bands`` shapes, runs ignore the kind (a band over their aligned rows, their
    gaps one mark a side): the map of 50,000 rows stays a few hundred shapes.
    """
    if not rows:
        return []
    runs = _runs(rows, bands, by_kind=True)
    if len(runs) > 2 * bands:
        runs = _runs(rows, bands, by_kind=False)
    return runs


def _runs(rows: Sequence[tuple], bands: int, *, by_kind: bool):
    limit = max(1, math.ceil(len(rows) / bands))
    jump = max(2, limit * 3)
    out, first, last_b = [], 0, None

    def close(first: int, last: int) -> None:
        if by_kind:
            out.append((first, last, rows[first][0]))
            return
        kinds = {r[0] for r in rows[first: last + 1]}
        out.extend((first, last, kind) for kind in ("both", "left", "right") if kind in kinds)

    for i, (kind, _a0, _a1, b0, b1, _change) in enumerate(rows):
        if i > first:
            broken = i - first >= limit or (by_kind and kind != rows[first][0])
            if not broken and kind == "both" and last_b is not None:
                broken = b0 < last_b or b0 - last_b > jump
            if broken:
                close(first, i - 1)
                first = i
        if b1 is not None:
            last_b = b1
    close(first, len(rows) - 1)
    return out


def corpus_map(documents: Sequence[dict], weights: dict[tuple[str, str], int], *, href: Callable[[str, str], str],
               document_href: Callable[[str], str], size: int = 420) -> Markup:
    """Which document shares passages with which: documents on a circle, a line per linked pair,
    its width by the passages (and aligned paragraphs) they share; each line opens the pair's
    compare page, each name its document page."""
    docs = list(documents)
    if len(docs) < 2:
        return Markup("")
    width = size + 320  # room for the names left and right of the circle
    centre_x, centre_y, radius = width / 2, size / 2, size / 2 - 40
    place = {}
    for k, doc in enumerate(docs):
        angle = -math.pi / 2 + 2 * math.pi * k / len(docs)
        place[doc["id"]] = (centre_x + radius * math.cos(angle), centre_y + radius * math.sin(angle), angle)
    peak = max((n for n in weights.values()), default=0) or 1
    parts = [Markup('<svg class="syn-corpus-map" viewBox="0 0 {w} {s}" role="img" aria-label="Which document shares passages with which" '
                    'xmlns="http://www.w3.org/2000/svg">').format(w=width, s=size)]
    seen = set()
    for (x, y), n in sorted(weights.items(), key=lambda kv: kv[1]):
        key = tuple(sorted((x, y)))
        if not n or x == y or key in seen or x not in place or y not in place:
            continue
        seen.add(key)
        (x0, y0, _), (x1, y1, _) = place[key[0]], place[key[1]]
        width = 1.5 + 10 * math.sqrt(n / peak)
        parts.append(Markup('<a href="{}"><line class="syn-corpus-link" x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" '
                            'stroke-width="{:.1f}"><title>{}</title></line></a>')
                     .format(href(key[0], key[1]), x0, y0, x1, y1, width, f"{key[0]} / {key[1]}: {n} shared"))
    for doc in docs:
        x, y, angle = place[doc["id"]]
        anchor = "start" if math.cos(angle) > 0.2 else ("end" if math.cos(angle) < -0.2 else "middle")
        dx = 10 * math.cos(angle)
        dy = 10 * math.sin(angle) + (4 if abs(math.cos(angle)) > 0.2 else (14 if math.sin(angle) > 0 else -8))
        label = doc["id"] if len(doc["id"]) <= 34 else doc["id"][:32] + "…"
        parts.append(Markup('<a href="{}"><circle class="syn-corpus-node" cx="{:.1f}" cy="{:.1f}" r="7"><title>{}</title></circle>'
                            '<text class="syn-corpus-label" x="{:.1f}" y="{:.1f}" text-anchor="{}">{}</text></a>')
                     .format(document_href(doc["id"]), x, y, doc.get("title") or doc["id"], x + dx, y + dy, anchor, label))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
