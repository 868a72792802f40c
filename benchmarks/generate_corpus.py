"""A deterministic synthetic corpus for the scale benchmarks, with a known answer.

Real archives (party press, congress proceedings, runs of newspapers) hold tens of
thousands of documents; the four real texts of the corpus cannot show how Synopsis
behaves at that size. This module writes a corpus of any size from a seed:

* **Prose-like text.** A core of real English function words, drawn with their own
  skewed frequencies, interleaved with made-up content words whose frequencies follow a
  Zipf curve (rank ``r`` drawn with weight ``1 / r**s``), so that a few words are
  everywhere and most are rare, as in real text. Frequent made-up words are short and
  rare ones long. Sentences open with a capital and close with a full stop; some are
  quotations “...” with an attribution to a made-up speaker.
* **Editions.** Some documents are declared ``version_of`` another: a copy with a few
  paragraphs dropped, merged with their neighbour or split at a sentence, British
  spellings Americanised and a little OCR damage.
* **Planted reuse with a known answer.** Passages of one or two sentences (15–60 words)
  are copied from a paragraph of one document into a paragraph of another, reworded the
  way a second translator would (synonyms from a fixed table, British/American spelling,
  a clause moved, an article dropped) and damaged the way OCR damages a scan (``rn``↔``m``,
  ``l``↔``1``, dropped letters). ``answer.json`` records, for each, the source and target
  document and paragraph ordinal and the passage's character span in each paragraph's
  text.

Paragraph ordinals in the answer are 1-based positions in the generated Markdown, one
paragraph per block; spans are offsets into the paragraph's text as written (one line,
nothing for the cleaner to repair), which is what ``paragraphs.text`` stores.

The same arguments give the same bytes: everything is drawn from one ``random.Random``
seeded with ``seed``, and files are written in a fixed order with no timestamps.

Usage::

    python benchmarks/generate_corpus.py OUT --paragraphs 100000 --seed 1956
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["generate", "generate_document", "vocabulary", "Corpus", "FUNCTION_WORDS", "SPELLINGS"]

FUNCTION_WORDS = (
    "the of and to a in that is was for it with as by on not be this are which from at "
    "but have has all their they were an its or been had we our who would will these one "
    "there more can no so than into also other such only them those any must what when "
    "between both up out about over under against upon after before through while because "
    "if then very most every each whose where how same own should could may might shall"
).split()
"""Real English function words, most frequent first; they give the text its prose shape."""

SPELLINGS = (
    ("labour", "labor"), ("organise", "organize"), ("organisation", "organization"),
    ("centre", "center"), ("defence", "defense"), ("programme", "program"),
    ("favour", "favor"), ("honour", "honor"), ("realise", "realize"), ("analyse", "analyze"),
    ("behaviour", "behavior"), ("colour", "color"), ("recognise", "recognize"),
    ("characterise", "characterize"), ("criticise", "criticize"), ("emphasise", "emphasize"),
    ("travelled", "traveled"), ("theatre", "theater"), ("neighbour", "neighbor"),
    ("rumour", "rumor"), ("vigour", "vigor"), ("endeavour", "endeavor"), ("offence", "offense"),
    ("licence", "license"), ("catalogue", "catalog"), ("mobilise", "mobilize"),
    ("civilisation", "civilization"), ("industrialisation", "industrialization"),
    ("collectivisation", "collectivization"), ("modernise", "modernize"),
)
"""British → American pairs; the British forms are words of the vocabulary."""

GENRES = ("editorial", "speech", "resolution", "report", "article", "letter", "interview")
ATTRIBUTIONS = ("said", "wrote", "declared", "observed", "pointed out", "stressed", "noted")

_ONSETS = "b c d f g h k l m n p r s t v w z br cr dr gr pr st tr pl sk sl ch sh th bl kr".split()
_VOWELS = "a e i o u a e i o u ai ea ou".split()
_CODAS = [""] * 10 + ["n", "r", "s", "t", "l", "m", "nd", "st", "rk", "rn", "lm"]


@dataclass
class Corpus:
    """What :func:`generate` wrote."""

    out_dir: Path
    documents_dir: Path
    answer_path: Path
    documents: int = 0
    paragraphs: int = 0
    words: int = 0
    planted: int = 0
    editions: int = 0
    parameters: dict = field(default_factory=dict)


@dataclass
class _Document:
    id: str
    title: str
    author: str
    date: str
    genre: str
    paragraphs: list[list[str]]  # each paragraph a list of sentence units
    version_of: str | None = None
    role: str = "free"  # free, planted (source or target of a planted passage), edited (has an edition), filler


def _syllable(rng: random.Random) -> str:
    r = rng.random
    return _ONSETS[int(r() * len(_ONSETS))] + _VOWELS[int(r() * len(_VOWELS))] + _CODAS[int(r() * len(_CODAS))]


class _Vocabulary:
    """One Zipf curve over real function words (the top ranks) and made-up content words.

    In English the hundred most frequent words are function words and make up nearly half
    of running text; the rest of the curve is content words. The same holds here: ranks
    1..len(FUNCTION_WORDS) are the function words, the made-up words follow, and rank ``r``
    is drawn with weight ``1 / r**exponent``. Each content word has a synonym, its
    neighbour on the curve (so a substitution keeps the frequency profile), and the British
    forms of :data:`SPELLINGS` sit at ranks spread over the frequent part of the curve.
    """

    def __init__(self, rng: random.Random, size: int, exponent: float, *, invented: bool = False) -> None:
        function_words = () if invented else FUNCTION_WORDS
        spellings = () if invented else SPELLINGS
        taken = set(FUNCTION_WORDS)
        british = {b for b, _ in spellings}
        taken |= british | {a for _, a in SPELLINGS}
        content: list[str] = []
        while len(content) < size - len(function_words) - len(spellings):
            rank = len(content) + 1
            syllables = 1 + (rank > 60) + (rank > 2500) + (rng.random() < 0.3)
            word = "".join(_syllable(rng) for _ in range(syllables))
            if len(word) < 3 or word in taken:
                continue
            taken.add(word)
            content.append(word)
        for k, (b, _) in enumerate(spellings):
            content.insert(30 + k * 83, b)
        self.words = list(function_words) + content
        self._cum = np.cumsum(1.0 / np.arange(1, len(self.words) + 1, dtype=np.float64) ** exponent)
        self._stream: list[int] = []
        self._stream_at = 0
        self.synonym: dict[str, str] = {}
        plain = [w for w in content if w not in british]
        for k in range(0, len(plain) - 1, 2):
            self.synonym[plain[k]], self.synonym[plain[k + 1]] = plain[k + 1], plain[k]
        self.names: list[str] = []
        while len(self.names) < 300:
            name = (_syllable(rng) + _syllable(rng)).capitalize()
            if name.lower() not in taken:
                taken.add(name.lower())
                self.names.append(name)

    def draw(self, rng: random.Random, k: int) -> list[str]:
        """``k`` words from the curve (from a numpy stream seeded by ``rng``: 10M words in seconds)."""
        if self._stream_at + k > len(self._stream):
            seed = rng.getrandbits(64)
            u = np.random.Generator(np.random.PCG64(seed)).random(max(1 << 20, k))
            self._stream = np.searchsorted(self._cum, u * self._cum[-1], side="right").tolist()
            self._stream_at = 0
        ranks = self._stream[self._stream_at : self._stream_at + k]
        self._stream_at += k
        words = self.words
        return [words[r] for r in ranks]

    def content_word(self, rng: random.Random) -> str:
        while True:
            word = self.draw(rng, 1)[0]
            if word not in FUNCTION_WORDS:
                return word


def _sentence(rng: random.Random, vocab: _Vocabulary, n_words: int) -> str:
    """A plain sentence of ``n_words`` words: capitalised, commas here and there, a full stop."""
    words = vocab.draw(rng, n_words)
    for k in range(2, n_words - 2):
        if rng.random() < 0.06:
            words[k] += ","
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def _quotation(rng: random.Random, vocab: _Vocabulary, n_words: int) -> str:
    """A quoted sentence with its attribution, before or after the quote."""
    inner = _sentence(rng, vocab, n_words)
    speaker = rng.choice(vocab.names)
    verb = rng.choice(ATTRIBUTIONS)
    if rng.random() < 0.5:
        return f"As {speaker} {verb}, “{inner}”"
    return f"“{inner[:-1]},” {verb} {speaker}."


def _paragraph(rng: random.Random, vocab: _Vocabulary, n_words: int) -> list[str]:
    units, left = [], n_words
    while left > 0:
        n = min(left, rng.randint(7, 26))
        if n < 4 and units:
            break
        n = max(n, 4)
        units.append(_quotation(rng, vocab, n) if rng.random() < 0.06 else _sentence(rng, vocab, n))
        left -= n
    return units


def _words(text: str) -> int:
    return len(text.split())


# ------------------------------------------------------------------ rewording and damage

def _reword(rng: random.Random, vocab: _Vocabulary, passage: str) -> str:
    """A second translator's wording: synonyms, American spelling, an article, a clause moved."""
    american = dict(SPELLINGS)
    words = passage.split(" ")
    out = []
    for w in words:
        core = w.rstrip(".,”“").lstrip("“")
        lead = w[: len(w) - len(w.lstrip("“"))]
        trail = w[len(lead) + len(core):]
        lower = core.lower()
        if lower in american:
            new = american[lower]
        elif lower in vocab.synonym and rng.random() < 0.15:
            new = vocab.synonym[lower]
        else:
            new = lower
        if new != lower:
            core = new.capitalize() if core[:1].isupper() else new
        if lower in ("the", "a") and rng.random() < 0.15 and out:
            continue  # translators differ on articles
        out.append(lead + core + trail)
    text = " ".join(out)
    # move the clause after the first comma of a sentence to its front
    if rng.random() < 0.3 and ", " in text and text.endswith("."):
        first_sentence_end = text.find(". ")
        end = first_sentence_end if first_sentence_end > 0 else len(text) - 1
        head, sep, tail = text[:end].partition(", ")
        if sep and "“" not in head + tail and "”" not in head + tail and len(tail.split()) >= 3:
            text = tail[0].upper() + tail[1:] + ", " + head[0].lower() + head[1:] + text[end:]
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


def _ocr_damage(rng: random.Random, text: str, edits: int) -> str:
    """Scanner damage: rn↔m, l↔1, a dropped letter."""
    chars = list(text)
    for _ in range(edits):
        kind = rng.random()
        positions = [k for k in range(1, len(chars) - 1) if chars[k].isalpha() and chars[k - 1].isalpha() and chars[k + 1].isalpha()]
        if not positions:
            break
        k = rng.choice(positions)
        if kind < 0.35:
            ms = [p for p in positions if chars[p] == "m"]
            rns = [p for p in positions if chars[p] == "r" and chars[p + 1] == "n"]
            if ms and (not rns or rng.random() < 0.6):
                p = rng.choice(ms)
                chars[p] = "rn"
            elif rns:
                p = rng.choice(rns)
                chars[p], chars[p + 1] = "m", ""
        elif kind < 0.6:
            ls = [p for p in positions if chars[p] == "l"]
            if ls:
                chars[rng.choice(ls)] = "1"
        else:
            chars[k] = ""
        chars = list("".join(chars))
    return "".join(chars)


# ------------------------------------------------------------------------- generation

def generate(
    out_dir: Path | str,
    *,
    paragraphs: int = 100_000,
    seed: int = 1956,
    paragraphs_per_document: int = 50,
    words_per_paragraph: int = 100,
    vocabulary: int = 60_000,
    zipf_exponent: float = 1.0,
    planted: int | None = None,
    edition_share: float = 0.04,
    invented: bool = False,
    equal_documents: bool = False,
) -> Corpus:
    """Write ``out_dir/documents/*/`` and ``out_dir/answer.json``; return what was written.

    ``paragraphs`` is the exact total over all documents, editions included. ``planted``
    passages default to one per 50 paragraphs. ``out_dir`` is replaced if it exists.

    ``invented`` draws every word from the made-up Zipf curve, with no function words and
    no spelling table: a language no stop list knows (with exponent 1 and 60,000 words the
    most frequent word is about 9% of the tokens, as "the" is of English), written with
    ``language = "und"``. ``equal_documents`` makes every document
    ``paragraphs_per_document`` long (the last takes the rest) instead of a skewed spread.
    """
    out_dir = Path(out_dir)
    rng = random.Random(seed)
    vocab = _Vocabulary(rng, vocabulary, zipf_exponent, invented=invented)
    language = "und" if invented else "en"
    planted = paragraphs // 50 if planted is None else planted

    # 1. originals, sized around paragraphs_per_document (a skewed spread, 3 to 8x the mean)
    documents: list[_Document] = []
    total = 0
    budget = int(paragraphs * (1 - edition_share))
    while total < budget:
        n = max(3, min(int(rng.lognormvariate(0, 0.6) * paragraphs_per_document * 0.85), paragraphs_per_document * 8))
        if equal_documents:
            n = paragraphs_per_document
        n = min(n, budget - total) if budget - total >= 3 else budget - total
        number = len(documents) + 1
        body = [_paragraph(rng, vocab, max(25, int(rng.gauss(words_per_paragraph, words_per_paragraph * 0.35)))) for _ in range(n)]
        year = 1950 + rng.randrange(12)
        documents.append(_Document(
            id=f"gen-{number:05d}",
            title=f"The {vocab.content_word(rng).capitalize()} of the {vocab.content_word(rng).capitalize()}",
            author=f"{rng.choice(vocab.names)} {rng.choice(vocab.names)}",
            date=f"{year}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}",
            genre=rng.choice(GENRES),
            paragraphs=body,
        ))
        total += n
    if not documents:
        raise ValueError("paragraphs must be at least 3")
    filler = documents[-1]
    filler.role = "filler"

    # 2. originals that will get an edition, reserved before planting (their text stays theirs)
    free = [d for d in documents if d.role == "free"]
    rng.shuffle(free)
    originals = sorted(free[: round(len(documents) * edition_share / (1 - edition_share))], key=lambda d: d.id)
    for original in originals:
        original.role = "edited"

    # 3. planted passages: source and target paragraphs used once each, documents distinct
    answer = []
    pool = [d for d in documents if d.role == "free"]
    used: set[tuple[str, int]] = set()
    tries = 0
    while len(answer) < planted and tries < planted * 50 and len(pool) >= 2:
        tries += 1
        src, dst = rng.sample(pool, 2)
        si, ti = rng.randrange(len(src.paragraphs)), rng.randrange(len(dst.paragraphs))
        if (src.id, si) in used or (dst.id, ti) in used:
            continue
        units = src.paragraphs[si]
        start = rng.randrange(len(units))
        take = 1 if _words(units[start]) >= 15 or start + 1 == len(units) else 2
        chosen = units[start : start + take]
        passage = " ".join(chosen)
        if not 15 <= _words(passage) <= 60 or "“" in passage:
            continue
        reworded = _ocr_damage(rng, _reword(rng, vocab, passage), rng.randint(1, 3))
        target_units = dst.paragraphs[ti]
        at = rng.randint(0, len(target_units))
        if rng.random() < 0.25:  # quoted, with an attribution
            speaker, verb = rng.choice(vocab.names), rng.choice(ATTRIBUTIONS)
            unit = f"As {speaker} {verb}, “{reworded}”"
            inner = (len(f"As {speaker} {verb}, “"), len(reworded))
        else:
            unit, inner = reworded, (0, len(reworded))
        target_units.insert(at, unit)
        used.update({(src.id, si), (dst.id, ti)})
        src.role = dst.role = "planted"
        answer.append({
            "source": src, "source_index": si, "source_units": (start, take),
            "target": dst, "target_index": ti, "target_unit": at, "target_inner": inner,
            "source_text": passage, "target_text": reworded,
        })
    # 4. the editions
    editions = [_edition(rng, original) for original in originals]
    documents.extend(editions)

    # 5. the exact paragraph total: the filler document gives or takes paragraphs
    total = sum(len(d.paragraphs) for d in documents)
    while total < paragraphs:
        filler.paragraphs.append(_paragraph(rng, vocab, words_per_paragraph))
        total += 1
    for donor in [filler] + [d for d in reversed(documents) if d.role == "free"]:  # unreferenced documents only
        while total > paragraphs and len(donor.paragraphs) > 1:
            donor.paragraphs.pop()
            total -= 1

    # 6. write
    if out_dir.exists():
        shutil.rmtree(out_dir)
    documents_dir = out_dir / "documents"
    documents_dir.mkdir(parents=True)
    words = 0
    texts: dict[str, list[str]] = {}
    for doc in sorted(documents, key=lambda d: d.id):
        folder = documents_dir / doc.id
        folder.mkdir()
        paras = [" ".join(units) for units in doc.paragraphs]
        texts[doc.id] = paras
        words += sum(_words(p) for p in paras)
        (folder / "text.md").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
        meta = [
            f'id = "{doc.id}"', f'title = "{doc.title}"', f'author = "{doc.author}"', f'date = "{doc.date}"',
            f'language = "{language}"', f'genre = "{doc.genre}"', 'source_file = "text.md"',
            'rights = "Synthetic text generated for benchmarks"',
        ]
        if doc.version_of:
            meta.append(f'version_of = "{doc.version_of}"')
        (folder / "metadata.toml").write_text("\n".join(meta) + "\n", encoding="utf-8")

    records = []
    for k, a in enumerate(answer, 1):
        src, dst = a["source"], a["target"]
        s_units = src.paragraphs[a["source_index"]]
        s_start = sum(len(u) + 1 for u in s_units[: a["source_units"][0]])
        t_units = dst.paragraphs[a["target_index"]]
        t_start = sum(len(u) + 1 for u in t_units[: a["target_unit"]]) + a["target_inner"][0]
        record = {
            "id": k,
            "source_document": src.id, "source_ordinal": a["source_index"] + 1,
            "source_start": s_start, "source_end": s_start + len(a["source_text"]),
            "target_document": dst.id, "target_ordinal": a["target_index"] + 1,
            "target_start": t_start, "target_end": t_start + a["target_inner"][1],
            "source_text": a["source_text"], "target_text": a["target_text"],
        }
        assert texts[src.id][a["source_index"]][record["source_start"] : record["source_end"]] == a["source_text"]
        assert texts[dst.id][a["target_index"]][record["target_start"] : record["target_end"]] == a["target_text"]
        records.append(record)
    parameters = {
        "paragraphs": paragraphs, "seed": seed, "paragraphs_per_document": paragraphs_per_document,
        "words_per_paragraph": words_per_paragraph, "vocabulary": vocabulary, "zipf_exponent": zipf_exponent,
        "planted": planted, "edition_share": edition_share, "invented": invented, "equal_documents": equal_documents,
    }
    corpus = Corpus(
        out_dir=out_dir, documents_dir=documents_dir, answer_path=out_dir / "answer.json",
        documents=len(documents), paragraphs=total, words=words, planted=len(records),
        editions=len(editions), parameters=parameters,
    )
    summary = {
        "parameters": parameters, "documents": corpus.documents, "paragraphs": corpus.paragraphs,
        "words": words, "editions": [[d.id, d.version_of] for d in sorted(editions, key=lambda d: d.id)],
        "planted": records,
    }
    corpus.answer_path.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return corpus


def _edition(rng: random.Random, original: _Document) -> _Document:
    """Another edition: paragraphs dropped, merged, split; American spelling; OCR damage."""
    american = dict(SPELLINGS)
    paras = [list(units) for units in original.paragraphs]
    for _ in range(rng.randint(0, 2)):  # dropped
        if len(paras) > 3:
            paras.pop(rng.randrange(len(paras)))
    for _ in range(rng.randint(0, 2)):  # merged with the next
        if len(paras) > 3:
            k = rng.randrange(len(paras) - 1)
            paras[k : k + 2] = [paras[k] + paras[k + 1]]
    for _ in range(rng.randint(0, 2)):  # split at a sentence
        splittable = [k for k, units in enumerate(paras) if len(units) >= 2]
        if splittable:
            k = rng.choice(splittable)
            cut = rng.randint(1, len(paras[k]) - 1)
            paras[k : k + 1] = [paras[k][:cut], paras[k][cut:]]
    edited = []
    for units in paras:
        text = " ".join(units)
        text = " ".join(american.get(w, w) for w in text.split(" "))
        if rng.random() < 0.3:
            text = _ocr_damage(rng, text, 1)
        edited.append([text])
    return _Document(
        id=f"{original.id}-ed2", title=original.title, author=original.author,
        date=original.date[:4] + "-12-31", genre=original.genre, paragraphs=edited,
        version_of=original.id, role="edition",
    )


def vocabulary(*, seed: int = 1956, size: int = 60_000, zipf_exponent: float = 1.0) -> list[str]:
    """The words of the corpus that :func:`generate` writes with these arguments, by rank."""
    return list(_Vocabulary(random.Random(seed), size, zipf_exponent).words)


def generate_document(
    folder: Path | str,
    *,
    doc_id: str,
    paragraphs: int = 50,
    seed: int = 1956,
    words_per_paragraph: int = 100,
    borrow: str | None = None,
) -> dict | None:
    """Write one more document (``folder/metadata.toml`` and ``text.md``) in the corpus's language.

    ``borrow`` is a paragraph text of the corpus: its first sentence(s) are planted,
    reworded and damaged, in the new document's second paragraph, so that adding the
    document gives the linker real work. Returns the planted passage's answer, if any.
    """
    folder = Path(folder)
    rng = random.Random(f"{seed}:{doc_id}")
    vocab = _Vocabulary(random.Random(seed), 60_000, 1.0)
    body = [_paragraph(rng, vocab, max(25, int(rng.gauss(words_per_paragraph, words_per_paragraph * 0.35)))) for _ in range(paragraphs)]
    planted = None
    if borrow and paragraphs >= 2:
        sentences = [s + "." for s in borrow.split(". ") if s]
        passage = ""
        for sentence in sentences:
            passage = f"{passage} {sentence}".strip() if passage else sentence
            if _words(passage) >= 15:
                break
        passage = passage.removesuffix("..") + ("" if passage.endswith(".") else ".")
        reworded = _ocr_damage(rng, _reword(rng, vocab, passage), 2)
        body[1].insert(0, reworded)
        planted = {"source_text": passage, "target_document": doc_id, "target_ordinal": 2, "target_start": 0, "target_end": len(reworded)}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "text.md").write_text("\n\n".join(" ".join(units) for units in body) + "\n", encoding="utf-8")
    (folder / "metadata.toml").write_text(
        f'id = "{doc_id}"\ntitle = "An added document"\ndate = "1962-01-01"\nlanguage = "en"\nsource_file = "text.md"\n',
        encoding="utf-8",
    )
    return planted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write (replaced if it exists)")
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1956)
    parser.add_argument("--planted", type=int, default=None, help="planted passages (default: one per 50 paragraphs)")
    parser.add_argument("--invented", action="store_true",
                        help="a made-up vocabulary with no function words (no stop list applies); no editions")
    parser.add_argument("--paragraphs-per-document", type=int, default=50)
    parser.add_argument("--equal-documents", action="store_true", help="every document --paragraphs-per-document long")
    args = parser.parse_args(argv)
    corpus = generate(args.out, paragraphs=args.paragraphs, seed=args.seed, planted=args.planted,
                      invented=args.invented, paragraphs_per_document=args.paragraphs_per_document,
                      equal_documents=args.equal_documents, edition_share=0.0 if args.invented else 0.04)
    print(
        f"{corpus.documents_dir}: {corpus.documents} documents ({corpus.editions} editions), "
        f"{corpus.paragraphs} paragraphs, {corpus.words} words, {corpus.planted} planted passages "
        f"(answer: {corpus.answer_path})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
