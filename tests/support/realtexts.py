"""Real editions and translations with known alignment truth, for tests and benchmarks.

The verse-numbered Bible translations in ``benchmarks/realtexts/`` are the same work in
several editions and languages. This module turns them into Synopsis documents the way
real editions differ: each document groups consecutive verses into paragraphs with a
rhythm of its own (seeded), breaking only where a sentence ends, so two documents never
share their paragraph boundaries. The verse ids of each paragraph are kept as the truth,
and :func:`score_links` scores any set of paragraph links by verses:

* a verse is *recovered* when the paragraphs holding it in the two documents are linked;
* a link is *right* when its two paragraphs share a verse.

Nothing here knows how Synopsis links; benchmarks and tests build the documents with the
real pipeline (``synopsis build``) and read the links back from the database.
"""
from __future__ import annotations

import gzip
import random
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

__all__ = [
    "Verse", "RealParagraph", "NEW_TESTAMENT", "OLD_TESTAMENT", "TEXTS", "load_verses", "paragraphs",
    "write_document", "verses_of_paragraphs", "letters_of", "stored_verses", "score_links", "Score",
]

TEXTS: dict[str, tuple[str, str]] = {
    # file stem: (language, title)
    "BSB": ("en", "Berean Standard Bible (2023)"),
    "Twenty": ("en", "Twentieth Century New Testament (1904)"),
    "OEB": ("en", "Open English Bible (US spelling)"),
    "OEBcth": ("en", "Open English Bible (Commonwealth spelling)"),
    "FreSynodale1921": ("fr", "Version Synodale (1921)"),
    "ChiUnL": ("lzh", "Wenli Union Version (1919)"),
    "FreGeneve1669": ("fr", "Geneva Bible New Testament (1669)"),
    "GerTafel": ("de", "Tafelbibel (1911)"),
    "RusMakarij-GenEx": ("ru", "Archimandrite Makarius' Pentateuch, Genesis and Exodus (pre-1918 spelling)"),
}
"""The vendored texts: the file name's stem → (ISO 639 language, title)."""

NEW_TESTAMENT = (
    "Matthew", "Mark", "Luke", "John", "Acts", "Romans", "I Corinthians", "II Corinthians", "Galatians",
    "Ephesians", "Philippians", "Colossians", "I Thessalonians", "II Thessalonians", "I Timothy", "II Timothy",
    "Titus", "Philemon", "Hebrews", "James", "I Peter", "II Peter", "I John", "II John", "III John", "Jude",
    "Revelation of John",
)
OLD_TESTAMENT = (
    "Genesis", "Exodus", "Leviticus", "Numbers", "Deuteronomy", "Joshua", "Judges", "Ruth", "I Samuel", "II Samuel",
    "I Kings", "II Kings", "I Chronicles", "II Chronicles", "Ezra", "Nehemiah", "Esther", "Job", "Psalms", "Proverbs",
    "Ecclesiastes", "Song of Solomon", "Isaiah", "Jeremiah", "Lamentations", "Ezekiel", "Daniel", "Hosea", "Joel",
    "Amos", "Obadiah", "Jonah", "Micah", "Nahum", "Habakkuk", "Zephaniah", "Haggai", "Zechariah", "Malachi",
)

_VERSE = re.compile(r"^\[(\d+):(\d+)\]\s?(.*)$")
_SENTENCE_END = re.compile(r"""[.!?。！？][」』”’"»)\]]*\s*$""")


@dataclass(frozen=True, slots=True)
class Verse:
    """One verse: ``id`` is ``"Book chapter:verse"``, ``text`` as the translation words it."""

    book: str
    id: str
    text: str


@dataclass
class RealParagraph:
    """A paragraph made of consecutive verses of one book; ``verses`` is the truth."""

    book: str
    language: str
    verses: list[str] = field(default_factory=list)  # verse ids
    parts: list[str] = field(default_factory=list)  # each verse's text

    @property
    def text(self) -> str:
        """The verses' texts joined (with no space in Chinese)."""
        return ("" if self.language in ("lzh", "zh") else " ").join(self.parts)


def default_dir() -> Path:
    """``benchmarks/realtexts/`` of the checkout this module sits in (tests and benchmarks only)."""
    return Path(__file__).resolve().parents[2] / "benchmarks" / "realtexts"


def load_verses(name: str, *, books: Sequence[str] | None = None, directory: Path | None = None) -> list[Verse]:
    """The non-empty verses of one vendored text (``name`` is a key of :data:`TEXTS`), in order.

    ``books`` keeps only those books (in the file's order); empty verses (absent from the
    translation) are left out, so the truth never counts a verse one side lacks.
    """
    path = (directory or default_dir()) / f"{name}.txt.gz"
    wanted = set(books) if books is not None else None
    out: list[Verse] = []
    book = ""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line.startswith("### "):
                book = line[4:].strip()
                continue
            m = _VERSE.match(line)
            if not m or (wanted is not None and book not in wanted):
                continue
            text = " ".join(m.group(3).split())
            if text:
                out.append(Verse(book, f"{book} {m.group(1)}:{m.group(2)}", text))
    return out


def _ends_sentence(text: str, language: str) -> bool:
    if language in ("lzh", "zh"):  # classical Chinese marks clauses, not sentences: every verse end will do
        return True
    return bool(_SENTENCE_END.search(text))


def paragraphs(
    verses: Sequence[Verse], *, seed: int, min_verses: int = 1, max_verses: int = 6, language: str = "en",
) -> list[RealParagraph]:
    """Group ``verses`` into paragraphs of ``min_verses``–``max_verses`` verses (seeded).

    A paragraph ends only after a verse that ends a sentence (or at a book's end), so a
    paragraph may run past ``max_verses`` until one does. Different seeds and ranges give
    documents different paragraph boundaries, as real editions have.
    """
    rng = random.Random(seed)
    out: list[RealParagraph] = []
    cur: RealParagraph | None = None
    want = rng.randint(min_verses, max_verses)
    for k, v in enumerate(verses):
        if cur is None or cur.book != v.book:
            cur = RealParagraph(v.book, language)
            out.append(cur)
            want = rng.randint(min_verses, max_verses)
        cur.verses.append(v.id)
        cur.parts.append(v.text)
        last_of_book = k + 1 == len(verses) or verses[k + 1].book != v.book
        if not last_of_book and len(cur.verses) >= want and _ends_sentence(v.text, language):
            cur = RealParagraph(v.book, language)
            out.append(cur)
            want = rng.randint(min_verses, max_verses)
    return [p for p in out if p.verses]


def _escape_markdown(text: str) -> str:
    """Text as Markdown that Synopsis's reader gives back as it is: what would be markup
    (emphasis, a footnote call, a heading, a list number) escaped with a backslash, which the
    cleaner removes (``ingest/clean.py``), so the stored text is the verse's own."""
    text = re.sub(r"([\\*_`\[\]<>#])", r"\\\1", text)
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", text)


def write_document(
    folder: Path, *, doc_id: str, title: str, language: str, paragraphs: Iterable[RealParagraph],
    version_of: str | None = None, headings: bool = True, author: str = "Various", date: str = "1900",
) -> Path:
    """Write one document folder (``metadata.toml`` + ``source.md``) that ``synopsis build`` reads.

    Books become ``## Book`` headings (sections) when ``headings`` is true. Returns the folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"# {title}", ""]
    book = None
    for p in paragraphs:
        if headings and p.book != book:
            lines += [f"## {p.book}", ""]
            book = p.book
        lines += [_escape_markdown(p.text), ""]
    (folder / "source.md").write_text("\n".join(lines), encoding="utf-8")
    meta = [
        f'id = "{doc_id}"', f'title = "{title}"', f'author = "{author}"', f'date = "{date}"',
        f'language = "{language}"', 'genre = "scripture"', 'source_file = "source.md"',
    ]
    if version_of:
        meta.append(f'version_of = "{version_of}"')
    (folder / "metadata.toml").write_text("\n".join(meta) + "\n", encoding="utf-8")
    return folder


def letters_of(text: str) -> str:
    """Only the letters and digits of ``text``, case-folded: what survives any cleaning."""
    return "".join(ch for ch in unicodedata.normalize("NFC", text).casefold() if ch.isalnum())


def verses_of_paragraphs(stored: Sequence[str], made: Sequence[RealParagraph]) -> list[set[str]]:
    """The verses each stored paragraph (in reading order) holds, however ingest cut them.

    Stored paragraphs are matched to the made ones letter by letter, so a paragraph the
    ingest merged, split or cleaned still gets exactly its verses. Raises ``ValueError``
    when the stored text does not follow the made text (a paragraph lost or reordered).
    """
    labels: list[str] = []
    stream: list[str] = []
    for p in made:
        for vid, vtext in zip(p.verses, p.parts):
            letters = letters_of(vtext)
            stream.append(letters)
            labels.extend([vid] * len(letters))
    flat = "".join(stream)
    out: list[set[str]] = []
    at = 0
    for text in stored:
        letters = letters_of(text)
        found = flat.find(letters, at, at + len(letters) + 200) if letters else at
        if found < 0:
            raise ValueError(f"stored paragraph not found in the made text near letter {at}: {text[:60]!r}")
        out.append(set(labels[found : found + len(letters)]))
        at = found + len(letters)
    return out


def stored_verses(conn, document_id: str, made: Sequence[RealParagraph]) -> tuple[list[int], list[set[str]]]:
    """A built document's paragraph ids in reading order and the verses each holds.

    Headings (the title and the books, written by :func:`write_document`) hold no verse:
    their sets are empty, and :func:`score_links` leaves links that touch them out.
    """
    rows = conn.execute(
        "SELECT id, kind, text FROM paragraphs WHERE document_id = ? ORDER BY ordinal", (document_id,)
    ).fetchall()
    body = [text for _, kind, text in rows if kind != "heading"]
    found = iter(verses_of_paragraphs(body, made))
    return [pid for pid, _, _ in rows], [set() if kind == "heading" else next(found) for _, kind, _ in rows]


@dataclass(frozen=True)
class Score:
    """Verse-level precision and recall of a set of paragraph links."""

    links: int
    right_links: int
    verses: int
    recovered: int

    @property
    def precision(self) -> float:
        return self.right_links / self.links if self.links else 0.0

    @property
    def recall(self) -> float:
        return self.recovered / self.verses if self.verses else 0.0


def score_links(
    links: Iterable[tuple[int, int]], left_verses: Sequence[set[str]], right_verses: Sequence[set[str]],
) -> Score:
    """Score links ``(left paragraph index, right paragraph index)`` by verses (module doc).

    Only verses present on both sides count towards recall; links that touch a paragraph
    holding no verse (a heading) are not scored.
    """
    links = sorted((i, j) for i, j in set(links) if left_verses[i] and right_verses[j])
    right_links = sum(1 for i, j in links if left_verses[i] & right_verses[j])
    left_of = {v: i for i, vs in enumerate(left_verses) for v in vs}
    right_of = {v: j for j, vs in enumerate(right_verses) for v in vs}
    both = set(left_of) & set(right_of)
    linked = set(links)
    # a verse split across paragraphs by ingest counts as recovered when any holder pair is linked
    left_all: dict[str, list[int]] = {}
    right_all: dict[str, list[int]] = {}
    for i, vs in enumerate(left_verses):
        for v in vs:
            left_all.setdefault(v, []).append(i)
    for j, vs in enumerate(right_verses):
        for v in vs:
            right_all.setdefault(v, []).append(j)
    recovered = sum(1 for v in both if any((i, j) in linked for i in left_all[v] for j in right_all[v]))
    return Score(len(links), right_links, len(both), recovered)


def write_mark_translation(documents: Path, *, declared: bool = True) -> None:
    """Mark in English (Twentieth Century) and in French (Synodale), one document each with a paragraph
    rhythm of its own, the French ``version_of`` the English when ``declared``."""
    for k, (name, of) in enumerate((("Twenty", None), ("FreSynodale1921", "twenty" if declared else None))):
        language = TEXTS[name][0]
        made = paragraphs(load_verses(name, books=["Mark"]), seed=5 + k, min_verses=2, max_verses=5, language=language)
        write_document(documents / name.lower(), doc_id=name.lower(), title=name, language=language,
                       paragraphs=made, version_of=of)

