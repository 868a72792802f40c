"""Two documents' links as a reader sees them: the one reader of the compare page and of
``synopsis compare A B`` / ``synopsis variants A B``.

:func:`aligned_rows` groups the stored alignment into the rows a reader sees (the compare
page calls it through Datasette's ``execute_fn``; the CLI on its own connection), so both
show the same rows with the same scores. It reads what :func:`synopsis.link.stage.link_corpus` stored (alignments, sentence
alignments, cross-references and word variants between the two documents; alignments
through the oriented views that put ``a`` on the left however the pair was stored) and
renders it as a plain-text table, CSV or JSON. A table row holds an edition bead's
paragraphs, several on a side where the versions cut them differently.
"""
from __future__ import annotations

import csv
import io
import json
import sqlite3
import textwrap
from collections import defaultdict
from pathlib import Path

from synopsis.database import read_only
from synopsis.errors import BadDatabase, BadFormat, DatabaseMissing, UnknownDocument
from synopsis.validate import require_documents

__all__ = ["aligned_rows", "compare", "compare_rows", "variants", "variant_rows", "FORMATS"]

FORMATS = ("table", "csv", "json")


Row = dict


def _query(conn: sqlite3.Connection, sql: str, params=()) -> sqlite3.Cursor:
    """Rows by column name, without changing the connection's own row factory (Datasette's)."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, params)


def aligned_rows(conn: sqlite3.Connection, a: str, b: str, *, start: int = 0, size: int | None = None,
                 at: int | None = None) -> dict:
    """The rows of documents ``a`` (left) and ``b`` (right) as a reader sees them: the one
    reader of the compare page and of ``synopsis compare``.

    Returns ``{"mode": ..., "rows": [...], "total": n, "start": i, "outline": [...]}``,
    each row ``{"left": [paragraphs], "right": [paragraphs], "score": float|None,
    "pattern": str|None, "rank": int|None, "bead": int|None, "sentences": [sentence
    beads]}``, paragraphs as ``{id, document_id, ref, ordinal, kind, text}``:

    * ``edition``: the stored alignment of two versions, one row per bead in reading order:
      the paragraphs its aligned sentences join, several on a side where the versions cut
      them differently, an empty side for a paragraph one version lacks. ``score`` is the
      mean score of the bead's paragraph pairs, rounded to two places; None for a gap.
    * ``similarity``: each paragraph of ``a`` in reading order beside its best matches in
      ``b``, best first (``a``'s own ranking when it was ranked from ``a``'s side; each
      right paragraph carries its ``score`` and ``rank``); ``score`` is the best one.
    * ``passages``: no alignment, but cross-references: each paragraph of ``a`` that shares
      a passage with ``b`` beside the paragraphs it shares it with.
    * ``none``: nothing links the two documents.

    ``rows`` is the window ``start``, ``start + size`` (all rows when ``size`` is None; the
    window that holds paragraph ``at`` when that is given):
    only its paragraphs' texts and sentences are read, so a page of two long documents
    costs a window, not the pair. ``outline`` is every row without texts (paragraph ids
    and ordinals, score), for the alignment map. Rows come from the ``oriented_alignments``
    view, so ``a`` is on the left whichever way the pair was stored.
    """
    mode, outline, chosen = _outline(conn, a, b)
    if at is not None and size:
        holding = next((i for i, row in enumerate(outline) if any(p["id"] == at for p in row["left"] + row["right"])), None)
        if holding is not None:
            start = holding - holding % size
    start = max(0, min(start, max(len(outline) - 1, 0)))
    window = outline[start: start + size] if size is not None else outline
    rows = [_copy_row(row) for row in window]
    _attach_texts(conn, rows)
    if mode == "edition":
        _attach_sentences(conn, a, b, rows)
    return {"mode": mode, "rows": rows, "total": len(outline), "start": start, "outline": outline, "links": chosen}


_OUTLINES: dict[tuple, tuple] = {}
"""The last few pairs' outlines, by database file and its modification time: moving through
the windows of a long pair (the alignment map's clicks) reads only the window again."""


def _outline(conn: sqlite3.Connection, a: str, b: str) -> tuple[str, list[Row], list[Row]]:
    """``(mode, outline, chosen links)`` of the pair: every row, paragraphs as ids and ordinals."""
    path = next((row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"), "")
    try:
        version = Path(path).stat().st_mtime_ns if path else None
    except OSError:
        version = None
    key = (path, version, a, b)
    if version is not None and key in _OUTLINES:
        return _OUTLINES[key]
    found = _read_outline(conn, a, b)
    if version is not None:
        if len(_OUTLINES) >= 4:
            _OUTLINES.pop(next(iter(_OUTLINES)))
        _OUTLINES[key] = found
    return found


def _read_outline(conn: sqlite3.Connection, a: str, b: str) -> tuple[str, list[Row], list[Row]]:
    pars = {pid: {"id": pid, "document_id": doc, "ordinal": ordinal} for pid, doc, ordinal in conn.execute(
        "SELECT id, document_id, ordinal FROM paragraphs WHERE document_id IN (?, ?) ORDER BY ordinal", (a, b))}
    fields = ("method", "a_id", "b_id", "bead", "pattern", "rank", "score", "id", "forward")
    links = [dict(zip(fields, r)) for r in conn.execute(
        "SELECT method, a_paragraph_id, b_paragraph_id, bead, pattern, rank, score, id, forward "
        "FROM oriented_alignments WHERE a_document_id = ? AND b_document_id = ? ORDER BY bead, rank, id", (a, b))]
    editions = [link for link in links if link["method"] == "edition"]
    similar = [link for link in links if link["method"] != "edition"]
    chosen: list[Row] = []
    if editions:
        mode, outline, chosen = "edition", _edition_rows(editions, pars), editions
    elif similar:
        mode, outline = "similarity", _similarity_rows(similar, pars, a)
        chosen = [link for link in similar if link["forward"]] or similar
    else:
        outline = _passage_rows(conn, a, b, pars)
        mode = "passages" if outline else "none"
    return mode, outline, chosen


def _copy_row(row: Row) -> Row:
    """A row of the window, its paragraphs copies that can take their texts."""
    return {**row, "left": [dict(p) for p in row["left"]], "right": [dict(p) for p in row["right"]], "sentences": []}


def _attach_texts(conn: sqlite3.Connection, rows: list[Row]) -> None:
    """The refs, kinds and texts of the paragraphs of ``rows`` (read for the window only)."""
    ids = sorted({p["id"] for row in rows for side in ("left", "right") for p in row[side]})
    found: dict[int, tuple] = {}
    for k in range(0, len(ids), 500):
        chunk = ids[k: k + 500]
        found.update((r[0], r[1:]) for r in conn.execute(
            f"SELECT id, ref, kind, text FROM paragraphs WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
    for row in rows:
        for side in ("left", "right"):
            for p in row[side]:
                p["ref"], p["kind"], p["text"] = found.get(p["id"], ("", None, ""))


def _edition_rows(links: list[Row], pars: dict[int, Row]) -> list[Row]:
    beads: dict = {}
    for link in links:
        bead = link["bead"]
        key = bead if bead is not None else f"id{link['id']}"
        row = beads.get(key)
        if row is None:
            row = beads[key] = {"left": [], "right": [], "score": None, "pattern": link["pattern"],
                                "rank": None, "bead": bead, "sentences": [], "scores": []}
        a_id, b_id = link["a_id"], link["b_id"]
        if a_id is not None and b_id is not None:
            row["scores"].append(link["score"])
        if a_id is not None and a_id in pars and all(p["id"] != a_id for p in row["left"]):
            row["left"].append(pars[a_id])
        if b_id is not None and b_id in pars and all(p["id"] != b_id for p in row["right"]):
            row["right"].append(pars[b_id])
    rows = list(beads.values())
    for row in rows:
        for side in ("left", "right"):
            if len(row[side]) > 1:
                row[side].sort(key=lambda p: p["ordinal"])
        scores = row.pop("scores")
        row["score"] = round(sum(scores) / len(scores), 2) if scores else None
    return rows


def _attach_sentences(conn: sqlite3.Connection, a: str, b: str, rows: list[Row]) -> None:
    """Each edition row's sentence beads, from ``oriented_sentence_alignments`` (none before sentences were aligned)."""
    row_of: dict[tuple[str, int], Row] = {}
    for row in rows:
        for side in ("left", "right"):
            for para in row[side]:
                row_of[(side, para["id"])] = row
    beads: dict[int, Row] = {}
    left_ids = [pid for (side, pid) in row_of if side == "left"]
    right_ids = [pid for (side, pid) in row_of if side == "right"]
    if not (left_ids or right_ids):
        return
    found = []
    for column, ids in (("a_paragraph_id", left_ids), ("b_paragraph_id", right_ids)):
        for k in range(0, len(ids), 500):
            chunk = ids[k: k + 500]
            found += [dict(r) for r in _query(
                conn, "SELECT o.id, o.bead, o.pattern, o.score, o.a_paragraph_id, o.b_paragraph_id, o.a_sentence_id, "
                "sa.text AS a_text, sa.ordinal AS a_ordinal, o.b_sentence_id, sb.text AS b_text, sb.ordinal AS b_ordinal "
                "FROM oriented_sentence_alignments o "
                "LEFT JOIN sentences sa ON sa.id = o.a_sentence_id LEFT JOIN sentences sb ON sb.id = o.b_sentence_id "
                f"WHERE o.a_document_id = ? AND o.b_document_id = ? AND o.{column} IN ({', '.join('?' * len(chunk))})",
                (a, b, *chunk))]
    unique = {r["id"]: r for r in found}.values()
    for s in sorted(unique, key=lambda r: (r["bead"], r["a_ordinal"] if r["a_ordinal"] is not None else -1,
                                           r["b_ordinal"] if r["b_ordinal"] is not None else -1, r["id"])):
        row = row_of.get(("left", s["a_paragraph_id"])) or row_of.get(("right", s["b_paragraph_id"]))
        if row is None:
            continue
        bead = beads.get(s["bead"])
        if bead is None:
            bead = beads[s["bead"]] = {"bead": s["bead"], "pattern": s["pattern"], "score": s["score"],
                                       "left": [], "right": [], "_seen": set()}
            row["sentences"].append(bead)
        for side, sid, text in (("left", s["a_sentence_id"], s["a_text"]), ("right", s["b_sentence_id"], s["b_text"])):
            if sid is not None and (side, sid) not in bead["_seen"]:
                bead["_seen"].add((side, sid))
                bead[side].append(text)
    for bead in beads.values():
        del bead["_seen"]


def _similarity_rows(links: list[Row], pars: dict[int, Row], a: str) -> list[Row]:
    forward = [link for link in links if link["forward"]]
    chosen = forward or links
    matches: dict[int, list[Row]] = defaultdict(list)
    for link in chosen:
        if link["a_id"] is not None and link["b_id"] in pars:
            matches[link["a_id"]].append(link)
    rows = []
    for pid, para in pars.items():
        if para["document_id"] != a:
            continue
        found = sorted(matches.get(pid, []), key=lambda l: (l["rank"] if forward else 0, -l["score"]))
        rows.append({
            "left": [para],
            "right": [dict(pars[l["b_id"]], score=l["score"], rank=l["rank"]) for l in found],
            "score": found[0]["score"] if found else None,
            "pattern": None, "rank": None, "bead": None, "sentences": [],
        })
    return rows


def _passage_rows(conn: sqlite3.Connection, a: str, b: str, pars: dict[int, Row]) -> list[Row]:
    partners: dict[int, dict[int, float]] = defaultdict(dict)
    for row in _query(
        conn, "SELECT source_document_id, source_paragraph_id, target_paragraph_id, score FROM cross_references "
        "WHERE (source_document_id = :a AND target_document_id = :b) OR (source_document_id = :b AND target_document_id = :a) "
        "ORDER BY score DESC", {"a": a, "b": b},
    ):
        mine, other = row["source_paragraph_id"], row["target_paragraph_id"]
        if row["source_document_id"] != a:
            mine, other = other, mine
        best = partners[mine].get(other)
        partners[mine][other] = max(best or 0.0, row["score"])
    rows = []
    for pid, para in pars.items():
        if para["document_id"] != a or pid not in partners:
            continue
        right = [dict(pars[o], score=s) for o, s in sorted(partners[pid].items(), key=lambda kv: -kv[1]) if o in pars]
        rows.append({"left": [para], "right": right, "score": max(partners[pid].values()),
                     "pattern": None, "rank": None, "bead": None, "sentences": []})
    return rows


def compare_rows(conn: sqlite3.Connection, a: str, b: str) -> dict:
    """What ``synopsis compare`` prints: :func:`aligned_rows` (``rows``), each link of them
    flat (``alignment``, one line per paragraph pair, for CSV), the sentence beads in
    reading order, and the shared passages of ``a`` and ``b``."""
    _known(conn, a, b)
    found = aligned_rows(conn, a, b)
    del found["outline"]
    method = {"edition": "edition", "similarity": "similarity"}.get(found["mode"])
    if method == "similarity":
        method = conn.execute(
            "SELECT method FROM oriented_alignments WHERE a_document_id = ? AND b_document_id = ? AND method != 'edition' LIMIT 1",
            (a, b)).fetchone()[0]
    rows, alignment, sentences = [], [], []
    paragraphs: dict[int, Row] = {}
    for r in found["rows"] if method else ():
        rows.append({"bead": r["bead"], "pattern": r["pattern"], "score": r["score"],
                     "left": [p["ref"] for p in r["left"]], "right": [p["ref"] for p in r["right"]]})
        paragraphs.update((p["id"], p) for p in r["left"] + r["right"])
        for s in r["sentences"]:
            sentences.append({**s, "left_paragraphs": [p["id"] for p in r["left"]], "right_paragraphs": [p["id"] for p in r["right"]]})
    for link in found["links"] if method else ():  # the stored links, one line per paragraph pair (CSV)
        left, right = paragraphs.get(link["a_id"]), paragraphs.get(link["b_id"])
        alignment.append({
            "bead": link["bead"], "pattern": link["pattern"], "rank": link["rank"], "score": link["score"],
            "left_id": link["a_id"], "left_ref": left["ref"] if left else None, "left_text": left["text"] if left else None,
            "right_id": link["b_id"], "right_ref": right["ref"] if right else None, "right_text": right["text"] if right else None,
        })
    passages = [
        {"left_ref": lref, "right_ref": rref, "score": score, "left_passage": st, "right_passage": tt,
         "quotation": qref}
        for lref, rref, score, st, tt, qref in conn.execute(
            "SELECT ps.ref, pt.ref, x.score, x.source_text, x.target_text, q.ref FROM cross_references x "
            "JOIN paragraphs ps ON ps.id = x.source_paragraph_id JOIN paragraphs pt ON pt.id = x.target_paragraph_id "
            "LEFT JOIN quotations q ON q.id = x.quotation_id "
            "WHERE x.source_document_id = ? AND x.target_document_id = ? ORDER BY ps.ordinal, x.source_start",
            (a, b),
        )
    ]
    return {"left": a, "right": b, "method": method, "rows": rows, "alignment": alignment, "sentences": sentences,
            "passages": passages, "_rows": found["rows"] if method else []}


def _table(data: dict, width: int = 38, *, sentences: bool = False) -> str:
    out = [f"{data['left']}  ⇄  {data['right']}   ({data['method'] or 'not linked'})", ""]
    head = f"{'left':<{width}} | {'right':<{width}} | {'bead':>7} | score"
    out += [head, "-" * len(head)]
    for g in data["_rows"]:
        shape = g["pattern"] or ""
        left = [line for p in g["left"] for line in textwrap.wrap(f"[{p['ref']}] {p['text']}", width)[:3]] or ["[—]"]
        right = [line for p in g["right"] for line in textwrap.wrap(f"[{p['ref']}] {p['text']}", width)[:3]] or ["[—]"]
        score = f"{g['score']:5.1f}" if g["score"] is not None else "    —"
        for k in range(max(len(left), len(right))):
            l = left[k] if k < len(left) else ""
            rr = right[k] if k < len(right) else ""
            tail = f" | {shape:>7} | {score}" if k == 0 else f" | {'':>7} |"
            out.append(f"{l:<{width}} | {rr:<{width}}{tail}")
        if sentences:
            for s in g["sentences"]:
                out.append(f"    {s['pattern']:>4} {s['score']:5.1f}  < {' '.join(s['left']) or '—'}")
                out.append(f"    {'':>10}  > {' '.join(s['right']) or '—'}")
    out += ["", f"Shared passages ({len(data['passages'])})"]
    for p in data["passages"]:
        q = f"  quotation {p['quotation']}" if p["quotation"] else ""
        out.append(f"  {p['left_ref']} ⇄ {p['right_ref']}  score {p['score']:.1f}{q}")
        out.append(f"    < {p['left_passage']}")
        out.append(f"    > {p['right_passage']}")
    return "\n".join(out) + "\n"


def _read(db_path: str | Path, fmt: str, a: str, b: str, query, **kwargs) -> dict:
    """``query(conn, a, b, **kwargs)`` on the database read-only, its failures as named errors."""
    if fmt not in FORMATS:
        raise BadFormat(f"--format {fmt}: choose one of {', '.join(FORMATS)}")
    path = Path(db_path)
    if not path.exists():
        raise DatabaseMissing(f"{path}: no database here (run `synopsis build`)")
    require_documents(path, [a, b], with_text=True, distinct=True)
    try:
        with read_only(path) as conn:
            return query(conn, a, b, **kwargs)
    except sqlite3.DatabaseError as error:
        raise BadDatabase(f"{path}: not a Synopsis database ({error})") from None


def compare(db_path: str | Path, a: str, b: str, *, fmt: str = "table", sentences: bool = False) -> str:
    """The alignment of documents ``a`` and ``b`` with scores and shared passages, rendered.

    ``sentences`` shows each row's sentence beads in the table (JSON always has them;
    CSV is one line per paragraph pair).
    """
    data = _read(db_path, fmt, a, b, compare_rows)
    if fmt == "json":
        return json.dumps({k: v for k, v in data.items() if not k.startswith("_")}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        fields = ["bead", "pattern", "rank", "score", "left_ref", "right_ref", "left_text", "right_text"]
        writer = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(data["alignment"])
        return buf.getvalue()
    return _table(data, sentences=sentences)


VARIANT_FIELDS = ["left_ref", "right_ref", "kind", "trivial", "left_text", "right_text", "left_start", "left_end",
                  "right_start", "right_end"]


def _known(conn: sqlite3.Connection, *docs: str) -> None:
    for doc in docs:
        if conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc,)).fetchone() is None:
            raise UnknownDocument(f"{doc}: no such document in the database")


def variant_rows(conn: sqlite3.Connection, a: str, b: str, *, all: bool = False) -> dict:
    """The word variants of ``a`` (left) against ``b`` (right), in ``a``'s reading order.

    ``all`` includes the trivial ones (spelling, case, punctuation). ``rules`` are the
    normalisation rules of the run, None when the pair was never collated (not two
    editions of one work in one language).
    """
    _known(conn, a, b)
    run = conn.execute(
        "SELECT id, parameters FROM runs WHERE kind = 'variant' AND left_document_id = ? AND right_document_id = ?",
        (min(a, b), max(a, b)),
    ).fetchone()
    rows, trivial = [], 0
    if run:
        for (lref, rref, kind, triv, ltext, rtext, ls, le, rs, re_) in conn.execute(
            "SELECT pa.ref, pb.ref, v.kind, v.trivial, v.a_text, v.b_text, v.a_start, v.a_end, v.b_start, v.b_end "
            "FROM oriented_variants v JOIN paragraphs pa ON pa.id = v.a_paragraph_id "
            "JOIN paragraphs pb ON pb.id = v.b_paragraph_id WHERE v.run_id = ? AND v.a_document_id = ? "
            "ORDER BY pa.ordinal, v.a_start, v.id",
            (run[0], a),
        ):
            trivial += triv
            if triv and not all:
                continue
            rows.append(dict(zip(VARIANT_FIELDS, (lref, rref, kind, triv, ltext, rtext, ls, le, rs, re_))))
    rules = json.loads(run[1]).get("rules") if run else None
    return {"left": a, "right": b, "rules": rules, "trivial": trivial, "all": all, "variants": rows}


def _variant_table(data: dict) -> str:
    if data["rules"] is None:
        return (f"{data['left']}  ⇄  {data['right']}: no variants (not two editions of one text in one language, "
                "or not linked yet)\n")
    shown = len(data["variants"])
    hidden = "" if data["all"] else f", {data['trivial']} trivial hidden (--all shows them)"
    out = [f"{data['left']}  ⇄  {data['right']}: {shown} variants{hidden}", ""]
    for v in data["variants"]:
        mark = " (trivial)" if v["trivial"] else ""
        out.append(f"{v['left_ref']} ⇄ {v['right_ref']}  {v['kind']}{mark}")
        out.append(f"    < {v['left_text']}")
        out.append(f"    > {v['right_text']}")
    return "\n".join(out) + "\n"


def variants(db_path: str | Path, a: str, b: str, *, fmt: str = "table", all: bool = False) -> str:
    """The word variants of documents ``a`` and ``b`` (substantive only unless ``all``), rendered."""
    data = _read(db_path, fmt, a, b, variant_rows, all=all)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=VARIANT_FIELDS)
        writer.writeheader()
        writer.writerows(data["variants"])
        return buf.getvalue()
    return _variant_table(data)
