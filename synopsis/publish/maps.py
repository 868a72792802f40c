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
        n = sum(variants.get((p["id"], q["id"]), 0) for p in row["left"] for q in row["right"])
        return min(1.0, n / (3 * max(len(row["left"]), 1)))
    score = row.get("score")
    return 0.5 if score is None else max(0.0, min(1.0, (100 - score) / 60))


def alignment_map(outline: Sequence[dict], *, a_count: int, b_count: int, a_label: str, b_label: str,
                  href: Callable[[int], str], variants: dict[tuple[int, int], int] | None = None,
                  window: tuple[int, int] | None = None, bands: int = MAP_BANDS) -> Markup:
    """The SVG alignment map of the compare page's rows (``outline``: every row, without texts).

    ``a_count``/``b_count`` are the two documents' paragraph counts; ``href(i)`` is the URL
    of the window that shows row ``i``; ``variants`` counts variants per paragraph pair;
    ``window`` (first row, row count) is outlined as where the reader is.
    """
    variants = variants or {}
    a_pos = _positions(outline, "left")
    b_pos = _positions(outline, "right")
    a_n, b_n = max(a_count, len(a_pos), 1), max(b_count, len(b_pos), 1)
    x_a = lambda i: 10 + (MAP_WIDTH - 20) * a_pos.get(i, 0) / a_n  # noqa: E731
    x_b = lambda i: 10 + (MAP_WIDTH - 20) * b_pos.get(i, 0) / b_n  # noqa: E731
    top, bottom, bar = 24, 96, 12
    parts = [Markup('<svg class="syn-map" viewBox="0 0 {w} 132" role="img" aria-label="{label}" '
                    'xmlns="http://www.w3.org/2000/svg">').format(w=MAP_WIDTH, label=f"Alignment map of {a_label} and {b_label}"),
             Markup('<text x="10" y="14" class="syn-map-label">{}</text>').format(a_label),
             Markup('<text x="10" y="128" class="syn-map-label">{}</text>').format(b_label),
             Markup('<rect class="syn-map-bar" x="10" y="{}" width="{}" height="{}"/>').format(top, MAP_WIDTH - 20, bar),
             Markup('<rect class="syn-map-bar" x="10" y="{}" width="{}" height="{}"/>').format(
                 bottom, (MAP_WIDTH - 20) * max(len(b_pos), 1) / b_n if b_pos else MAP_WIDTH - 20, bar)]
    for first, last, kind in _bands(outline, a_pos, b_pos, bands):
        rows = outline[first: last + 1]
        link = escape(href(first))
        title = f"rows {first + 1}–{last + 1}"
        if kind == "both":
            change = sum(_change(r, variants) for r in rows) / len(rows)
            a_ids = [p["id"] for r in rows for p in r["left"]]
            b_ids = [p["id"] for r in rows for p in r["right"]]
            xa0, xa1 = min(x_a(i) for i in a_ids), max(x_a(i) for i in a_ids) + (MAP_WIDTH - 20) / a_n
            xb0, xb1 = min(x_b(i) for i in b_ids), max(x_b(i) for i in b_ids) + (MAP_WIDTH - 20) / b_n
            points = f"{xa0:.1f},{top + bar} {xa1:.1f},{top + bar} {xb1:.1f},{bottom} {xb0:.1f},{bottom}"
            parts.append(Markup('<a href="{}"><polygon class="syn-map-band" points="{}" fill="{}"><title>{}</title></polygon></a>')
                         .format(link, points, _colour(change), f"{title}: {round(change * 100)}% changed"))
        else:  # one side lacks these paragraphs: a mark on the bar that has them
            side, pos, x, y = ("left", a_pos, x_a, top) if kind == "left" else ("right", b_pos, x_b, bottom)
            ids = [p["id"] for r in rows for p in r[side]]
            n = a_n if side == "left" else b_n
            x0, x1 = min(x(i) for i in ids), max(x(i) for i in ids) + (MAP_WIDTH - 20) / n
            lacks = b_label if side == "left" else a_label
            parts.append(Markup('<a href="{}"><rect class="syn-map-gap" x="{:.1f}" y="{}" width="{:.1f}" height="{}">'
                                '<title>{}</title></rect></a>').format(link, x0, y, max(x1 - x0, 1.5), bar,
                                                                      f"{title}: not in {lacks}"))
    if window is not None and outline:
        first, count = window
        rows = outline[first: first + count]
        ids = [p["id"] for r in rows for p in r["left"]]
        if ids:
            x0, x1 = min(x_a(i) for i in ids), max(x_a(i) for i in ids) + (MAP_WIDTH - 20) / a_n
            parts.append(Markup('<rect class="syn-map-here" x="{:.1f}" y="{}" width="{:.1f}" height="{}"><title>shown below</title></rect>')
                         .format(x0 - 1, top - 3, max(x1 - x0 + 2, 3), bar + 6))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _positions(outline: Sequence[dict], side: str) -> dict[int, int]:
    """Each paragraph's place in its document among the paragraphs the rows name (reading order)."""
    found = sorted({(p["ordinal"], p["id"]) for r in outline for p in r[side]})
    return {pid: k for k, (_ordinal, pid) in enumerate(found)}


def _bands(outline: Sequence[dict], a_pos: dict[int, int], b_pos: dict[int, int], bands: int):
    """Runs of consecutive rows drawn as one band: (first row, last row, kind).

    ``kind`` is ``both`` (aligned), ``left`` (only ``a`` has them) or ``right``. A run ends
    when the kind changes, when ``b`` jumps (a moved section must stay visible) or when it
    is longer than its share of ``bands``.
    """
    if not outline:
        return []
    limit = max(1, math.ceil(len(outline) / bands))
    jump = max(2, limit * 3)
    out, first, last_b = [], 0, None

    def kind_of(row):
        return "both" if row["left"] and row["right"] else ("left" if row["left"] else "right")

    for i, row in enumerate(outline):
        kind = kind_of(row)
        b_here = [b_pos[p["id"]] for p in row["right"]]
        if i > first:
            broken = kind != kind_of(outline[first]) or i - first >= limit
            if not broken and kind == "both" and last_b is not None and b_here:
                broken = min(b_here) < last_b or min(b_here) - last_b > jump
            if broken:
                out.append((first, i - 1, kind_of(outline[first])))
                first = i
        if b_here:
            last_b = max(b_here)
    out.append((first, len(outline) - 1, kind_of(outline[first])))
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
