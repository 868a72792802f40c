"""Derive a compact bilingual word table from a FreeDict dictionary in dictd format (Debian's
``dict-freedict-*`` packages), for ``synopsis/lexicon/data/``.

Usage: ``python tools/derive_dictionary.py /usr/share/dictd/freedict-eng-fra en fr "FreeDict eng-fra 0.1.6 (Debian dict-freedict-eng-fra 2022.04.21-1), GPL-2+" OUT.tsv.gz``

Each entry's headword and each of its translations that are one word (a phrase is left
out: linking matches a word for a word) become one line ``left<TAB>right``; the first
line, a comment, names the source, its version and licence. Read by
:class:`synopsis.lexicon.dictionaries.Dictionary`.
"""
from __future__ import annotations

import gzip
import re
import sys

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _number(text: str) -> int:
    value = 0
    for ch in text:
        value = value * 64 + _B64.index(ch)
    return value


def entries(base: str):
    data = gzip.open(base + ".dict.dz").read()
    for line in open(base + ".index", encoding="utf-8"):
        head, offset, length = line.rstrip("\n").split("\t")
        if head.startswith("00-database") or head.startswith("00database"):
            continue
        body = data[_number(offset): _number(offset) + _number(length)].decode("utf-8", "replace")
        yield head, body.split("\n")[1:]


_WORD = re.compile(r"^[^\W\d_][^\W\d_'’-]*$")


def main(base: str, left: str, right: str, header: str, out: str) -> None:
    pairs = set()
    for head, lines in entries(base):
        if not _WORD.match(head.strip()):
            continue
        for line in lines:
            line = re.sub(r"^\s*\d+\.\s*", "", line).strip()
            line = re.sub(r"\([^)]*\)|<[^>]*>|\[[^\]]*\]", "", line)
            for part in re.split(r"[,;]", line):
                part = part.strip()
                if _WORD.match(part):
                    pairs.add((head.strip().lower(), part.lower()))
    with gzip.open(out, "wt", encoding="utf-8") as handle:
        handle.write(f"# {header}\t{left}\t{right}\n")
        for a, b in sorted(pairs):
            handle.write(f"{a}\t{b}\n")
    print(f"{len(pairs)} pairs → {out}")


if __name__ == "__main__":
    main(*sys.argv[1:6])
