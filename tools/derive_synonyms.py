"""Derive the compact synonym tables shipped in ``synopsis/link/data/`` from their sources.

Run once by a maintainer (the tables are package data; nothing is derived at run time):

    apt-get download wordnet-base mythes-fr && dpkg-deb -x wordnet-base_*.deb x && dpkg-deb -x mythes-fr_*.deb x
    python tools/derive_synonyms.py x/usr/share synopsis/link/data

English: Princeton WordNet 3.0 (Debian ``wordnet-base`` 1:3.0-37, WordNet 3.0 licence: use, copy,
modify and distribute with its notice, kept in ``WORDNET-LICENSE``). A group is one synset's
single words, each word kept only in its ``SENSES`` most frequent senses (the index files list
a word's synsets by frequency): "man" is not grouped with "valet" through its eighth sense.

French: LibreOffice's French thesaurus (Debian ``mythes-fr`` 1:7.5.0-1, Olivier R., MPL-2.0,
kept in ``MYTHES-FR-LICENSE``). A group is a headword with the first ``MEANING_WORDS`` words of
each of its first ``SENSES`` meanings.
"""
from __future__ import annotations

import gzip
import sys
from pathlib import Path

SENSES = 2
MEANING_WORDS = 8


def _single(word: str) -> bool:
    return word.isalpha() and len(word) > 1


def wordnet_groups(wordnet: Path) -> list[list[str]]:
    members: dict[tuple[str, str], set[str]] = {}
    for pos in ("noun", "verb", "adj", "adv"):
        for line in (wordnet / f"index.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            f = line.split()
            lemma, synset_cnt, p_cnt = f[0], int(f[2]), int(f[3])
            offsets = f[4 + p_cnt + 2:]
            assert len(offsets) == synset_cnt, line
            if not _single(lemma):
                continue
            for off in offsets[:SENSES]:
                members.setdefault((pos, off), set()).add(lemma.lower())
    return sorted(sorted(ws) for ws in members.values() if len(ws) > 1)


def mythes_groups(dat: Path) -> list[list[str]]:
    lines = dat.read_text(encoding="utf-8").splitlines()[1:]
    groups: set[tuple[str, ...]] = set()
    k = 0
    while k < len(lines):
        head, n = lines[k].rsplit("|", 1)
        meanings = lines[k + 1 : k + 1 + int(n)]
        k += 1 + int(n)
        if not _single(head):
            continue
        for meaning in meanings[:SENSES]:
            words = [w for w in meaning.split("|")[1:] if _single(w)][:MEANING_WORDS]
            group = tuple(sorted({head.lower(), *(w.lower() for w in words)}))
            if len(group) > 1:
                groups.add(group)
    return sorted(list(g) for g in groups)


def write(path: Path, header: str, groups: list[list[str]]) -> None:
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(("# " + header + "\n" + "\n".join("\t".join(g) for g in groups) + "\n").encode("utf-8"))


def main(source: str, target: str) -> None:
    src, out = Path(source), Path(target)
    out.mkdir(parents=True, exist_ok=True)
    en = wordnet_groups(src / "wordnet")
    write(out / "synonyms-en.tsv.gz", f"Princeton WordNet 3.0 (Debian wordnet-base 1:3.0-37), top {SENSES} senses", en)
    fr = mythes_groups(src / "mythes" / "thes_fr.dat")
    write(out / "synonyms-fr.tsv.gz", f"LibreOffice French thesaurus (Debian mythes-fr 1:7.5.0-1), "
          f"{SENSES} meanings x {MEANING_WORDS} words", fr)
    print(f"en {len(en)} groups, fr {len(fr)} groups")


if __name__ == "__main__":
    main(*sys.argv[1:3])
