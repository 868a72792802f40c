"""``synopsis compare A B`` and ``synopsis variants A B``: two documents' links, from the database.

Reads what :func:`synopsis.link.store.link_corpus` stored (alignments, cross-references
and word variants between the two documents, in either stored orientation) and renders it
as a plain-text table, CSV or JSON. Document ``a`` is always shown on the left.
"""
from __future__ import annotations

import csv
import io
import json
import sqlite3
import textwrap
from pathlib import Path

from synopsis.errors import BadDatabase, BadFormat, DatabaseMissing, UnknownDocument

__all__ = ["compare", "compare_rows", "variants", "variant_rows", "FORMATS"]

FORMATS = ("table", "csv", "json")


def compare_rows(conn: sqlite3.Connection, a: str, b: str) -> dict:
    """The alignment rows and shared passages of ``a`` (left) and ``b`` (right)."""
    _known(conn, a, b)
    flip = a > b  # runs store the pair with the smaller id on the left
    run = conn.execute(
        "SELECT id, method FROM runs WHERE kind = 'alignment' AND left_document_id = ? AND right_document_id = ?",
        (min(a, b), max(a, b)),
    ).fetchone()
    rows = []
    method = run[1] if run else None
    if run:
        query = (
            "SELECT al.bead, al.pattern, al.rank, al.score, pl.ref, pl.text, pr.ref, pr.text, al.left_document_id "
            "FROM alignments al LEFT JOIN paragraphs pl ON pl.id = al.left_paragraph_id "
            "LEFT JOIN paragraphs pr ON pr.id = al.right_paragraph_id WHERE al.run_id = ? "
            "ORDER BY coalesce(al.bead, 0), coalesce(pl.ordinal, 0), coalesce(pr.ordinal, 0), al.rank"
        )
        for bead, pattern, rank, score, lref, ltext, rref, rtext, left_doc in conn.execute(query, (run[0],)):
            if method != "edition" and left_doc != a:
                continue  # similarity is ranked from both sides: show a's side
            if method == "edition" and flip:
                lref, ltext, rref, rtext = rref, rtext, lref, ltext
                pattern = "-".join(reversed(pattern.split("-"))) if pattern else pattern
            rows.append({
                "bead": bead, "pattern": pattern, "rank": rank, "score": score,
                "left_ref": lref, "left_text": ltext, "right_ref": rref, "right_text": rtext,
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
    return {"left": a, "right": b, "method": method, "alignment": rows, "passages": passages}


def _table(data: dict, width: int = 38) -> str:
    out = [f"{data['left']}  ⇄  {data['right']}   ({data['method'] or 'not linked'})", ""]
    head = f"{'left':<{width}} | {'right':<{width}} | {'bead':>7} | score"
    out += [head, "-" * len(head)]
    for r in data["alignment"]:
        shape = r["pattern"] or f"#{r['rank']}"
        left = textwrap.wrap(f"[{r['left_ref'] or '—'}] {r['left_text'] or ''}", width)[:3] or [""]
        right = textwrap.wrap(f"[{r['right_ref'] or '—'}] {r['right_text'] or ''}", width)[:3] or [""]
        for k in range(max(len(left), len(right))):
            l = left[k] if k < len(left) else ""
            rr = right[k] if k < len(right) else ""
            tail = f" | {shape:>7} | {r['score']:5.1f}" if k == 0 else f" | {'':>7} |"
            out.append(f"{l:<{width}} | {rr:<{width}}{tail}")
    out += ["", f"Shared passages ({len(data['passages'])})"]
    for p in data["passages"]:
        q = f"  quotation {p['quotation']}" if p["quotation"] else ""
        out.append(f"  {p['left_ref']} ⇄ {p['right_ref']}  score {p['score']:.1f}{q}")
        out.append(f"    < {p['left_passage']}")
        out.append(f"    > {p['right_passage']}")
    return "\n".join(out) + "\n"


def _read(db_path: str | Path, fmt: str, query, *args, **kwargs) -> dict:
    """``query(conn, *args, **kwargs)`` on the database read-only, its failures as named errors."""
    if fmt not in FORMATS:
        raise BadFormat(f"--format {fmt}: choose one of {', '.join(FORMATS)}")
    path = Path(db_path)
    if not path.exists():
        raise DatabaseMissing(f"{path}: no database here (run `synopsis build`)")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        return query(conn, *args, **kwargs)
    except sqlite3.DatabaseError as error:
        raise BadDatabase(f"{path}: not a Synopsis database ({error})") from None
    finally:
        try:
            conn.close()
        except UnboundLocalError:
            pass


def compare(db_path: str | Path, a: str, b: str, *, fmt: str = "table") -> str:
    """The alignment of documents ``a`` and ``b`` with scores and shared passages, rendered."""
    data = _read(db_path, fmt, compare_rows, a, b)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        fields = ["bead", "pattern", "rank", "score", "left_ref", "right_ref", "left_text", "right_text"]
        writer = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(data["alignment"])
        return buf.getvalue()
    return _table(data)


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
    data = _read(db_path, fmt, variant_rows, a, b, all=all)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=VARIANT_FIELDS)
        writer.writeheader()
        writer.writerows(data["variants"])
        return buf.getvalue()
    return _variant_table(data)
