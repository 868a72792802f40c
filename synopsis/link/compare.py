"""``synopsis compare A B`` and ``synopsis variants A B``: two documents' links, from the database.

Reads what :func:`synopsis.link.stage.link_corpus` stored (alignments, sentence
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
from pathlib import Path

from synopsis.database import read_only
from synopsis.errors import BadDatabase, BadFormat, DatabaseMissing, UnknownDocument
from synopsis.validate import require_documents

__all__ = ["compare", "compare_rows", "variants", "variant_rows", "FORMATS"]

FORMATS = ("table", "csv", "json")


def compare_rows(conn: sqlite3.Connection, a: str, b: str) -> dict:
    """The alignment rows, sentence beads and shared passages of ``a`` (left) and ``b`` (right).

    Rows come from the ``oriented_alignments`` view (``a`` on the left however the pair was
    stored); similarity is ranked from both sides, and ``a``'s ranking is the one shown.
    ``sentences`` are the sentence beads of an edition alignment, in reading order.
    """
    _known(conn, a, b)
    rows = []
    method = None
    for m, bead, pattern, rank, score, lid, lref, ltext, rid, rref, rtext in conn.execute(
        "SELECT o.method, o.bead, o.pattern, o.rank, o.score, pa.id, pa.ref, pa.text, pb.id, pb.ref, pb.text "
        "FROM oriented_alignments o LEFT JOIN paragraphs pa ON pa.id = o.a_paragraph_id "
        "LEFT JOIN paragraphs pb ON pb.id = o.b_paragraph_id "
        "WHERE o.a_document_id = ? AND o.b_document_id = ? AND (o.method = 'edition' OR o.forward = 1) "
        "ORDER BY o.method != 'edition', coalesce(o.bead, 0), coalesce(pa.ordinal, 0), coalesce(pb.ordinal, 0), o.rank",
        (a, b),
    ):
        if method is None:
            method = m
        if m != method:
            continue
        rows.append({
            "bead": bead, "pattern": pattern, "rank": rank, "score": score, "left_id": lid,
            "left_ref": lref, "left_text": ltext, "right_id": rid, "right_ref": rref, "right_text": rtext,
        })
    sentences: list[dict] = []
    by_bead: dict[int, dict] = {}
    for bead, pattern, score, lpid, rpid, ltext, rtext in conn.execute(
        "SELECT o.bead, o.pattern, o.score, o.a_paragraph_id, o.b_paragraph_id, sa.text, sb.text "
        "FROM oriented_sentence_alignments o LEFT JOIN sentences sa ON sa.id = o.a_sentence_id "
        "LEFT JOIN sentences sb ON sb.id = o.b_sentence_id WHERE o.a_document_id = ? AND o.b_document_id = ? "
        "ORDER BY o.bead, sa.ordinal, sb.ordinal, o.id",
        (a, b),
    ):
        entry = by_bead.get(bead)
        if entry is None:
            entry = by_bead[bead] = {"bead": bead, "pattern": pattern, "score": score, "left": [], "right": [],
                                     "left_paragraphs": [], "right_paragraphs": []}
            sentences.append(entry)
        for side, text, pid in (("left", ltext, lpid), ("right", rtext, rpid)):
            if text is not None and text not in entry[side]:
                entry[side].append(text)
            if pid is not None and pid not in entry[f"{side}_paragraphs"]:
                entry[f"{side}_paragraphs"].append(pid)
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
    return {"left": a, "right": b, "method": method, "alignment": rows, "sentences": sentences, "passages": passages}


def _grouped(data: dict) -> list[dict]:
    """Alignment rows as the reader sees them: an edition bead's paragraphs together, several on a side."""
    groups: list[dict] = []
    for r in data["alignment"]:
        if r["bead"] is not None and groups and groups[-1]["bead"] == r["bead"]:
            g = groups[-1]
        else:
            g = {"bead": r["bead"], "pattern": r["pattern"], "rank": r["rank"], "scores": [], "left": [], "right": []}
            groups.append(g)
        if r["left_ref"] and r["right_ref"]:
            g["scores"].append(r["score"])
        for side in ("left", "right"):
            item = (r[f"{side}_id"], r[f"{side}_ref"], r[f"{side}_text"])
            if item[0] is not None and item not in g[side]:
                g[side].append(item)
    for g in groups:
        g["score"] = sum(g["scores"]) / len(g["scores"]) if g["scores"] else 0.0
    return groups


def _table(data: dict, width: int = 38, *, sentences: bool = False) -> str:
    out = [f"{data['left']}  ⇄  {data['right']}   ({data['method'] or 'not linked'})", ""]
    head = f"{'left':<{width}} | {'right':<{width}} | {'bead':>7} | score"
    out += [head, "-" * len(head)]
    for g in _grouped(data):
        shape = g["pattern"] or f"#{g['rank']}"
        left = [line for _, ref, text in g["left"] for line in textwrap.wrap(f"[{ref}] {text}", width)[:3]] or ["[—]"]
        right = [line for _, ref, text in g["right"] for line in textwrap.wrap(f"[{ref}] {text}", width)[:3]] or ["[—]"]
        for k in range(max(len(left), len(right))):
            l = left[k] if k < len(left) else ""
            rr = right[k] if k < len(right) else ""
            tail = f" | {shape:>7} | {g['score']:5.1f}" if k == 0 else f" | {'':>7} |"
            out.append(f"{l:<{width}} | {rr:<{width}}{tail}")
        if sentences:
            ids = {pid for pid, _, _ in g["left"]}, {pid for pid, _, _ in g["right"]}
            for s in data["sentences"]:
                if set(s["left_paragraphs"]) & ids[0] or set(s["right_paragraphs"]) & ids[1]:
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
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
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
        flip = a > b  # the run's left document is the smaller id
        for (lref, rref, kind, triv, ltext, rtext, ls, le, rs, re_) in conn.execute(
            "SELECT pl.ref, pr.ref, v.kind, v.trivial, v.left_text, v.right_text, v.left_start, v.left_end, "
            "v.right_start, v.right_end FROM variants v JOIN paragraphs pl ON pl.id = v.left_paragraph_id "
            "JOIN paragraphs pr ON pr.id = v.right_paragraph_id WHERE v.run_id = ? "
            f"ORDER BY {'pr' if flip else 'pl'}.ordinal, {'v.right_start' if flip else 'v.left_start'}, v.id",
            (run[0],),
        ):
            trivial += triv
            if triv and not all:
                continue
            if flip:
                lref, rref, ltext, rtext, ls, le, rs, re_ = rref, lref, rtext, ltext, rs, re_, ls, le
                kind = {"insertion": "deletion", "deletion": "insertion"}.get(kind, kind)
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
