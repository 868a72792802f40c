"""The read step: every stored paragraph, in the canonical order linking walks them.

Paragraphs are numbered 0..n-1 in (document id, ordinal) order, so everything downstream
(candidate pairs, runs, rows) comes out the same whatever order documents were loaded or
added in; a document's paragraphs are one contiguous range.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

import numpy as np

from synopsis.ingest.annotate import quoted_runs
from synopsis.languages import profile_for

__all__ = ["ParagraphCorpus", "read_corpus", "work_roots", "QuotationMark", "with_nested"]

QuotationMark = tuple[int, int, int]
"""A marked quotation of a paragraph: (quotation id, start, end) in the paragraph's text."""


@dataclass
class ParagraphCorpus:
    """What the read step gives every later step: paragraphs, documents and their works."""

    pids: list[int]  # paragraph id of paragraph index i
    ordinals: list[int]
    texts: list[str]
    docs: list[str]  # document ids, sorted: document index k is docs[k]
    para_doc: np.ndarray  # document index of each paragraph
    doc_first: np.ndarray  # paragraphs of document k: [doc_first[k], doc_first[k + 1])
    roots: dict[str, str]  # each document's work: the root of its version_of chain
    ingest_digest: dict[str, str | None]  # the build's digest of each document's rows, if it recorded one
    languages: dict[str, str | None] = field(default_factory=dict)  # each document's language (ISO 639), if known
    quotes: dict[int, list[QuotationMark]] = field(default_factory=dict)  # paragraph id → its quotations

    def __len__(self) -> int:
        return len(self.texts)

    def paragraph_range(self, k: int) -> range:
        """Paragraph indices of document index ``k``."""
        return range(int(self.doc_first[k]), int(self.doc_first[k + 1]))

    def language_of(self, p: int) -> str | None:
        """The language of paragraph ``p``'s document (its tokenisation follows it)."""
        return self.languages.get(self.docs[int(self.para_doc[p])])

    def root_of(self, k: int) -> str:
        """The work of document index ``k``."""
        d = self.docs[k]
        return self.roots.get(d, d)


def work_roots(versions: dict[str, str | None]) -> dict[str, str]:
    """Each document's root work: follow ``version_of`` to a document that has none."""
    roots = {}
    for d in versions:
        seen = {d}
        cur = d
        while versions.get(cur) and versions[cur] in versions and versions[cur] not in seen:
            cur = versions[cur]  # type: ignore[assignment]
            seen.add(cur)
        roots[d] = cur
    return roots


def with_nested(text: str, marks: list[QuotationMark], language: str | None) -> list[QuotationMark]:
    """A paragraph's marked quotations and, after each, the quotations nested in it (same id).

    Ingest marks the outermost quotation: a speech in quotation marks that quotes a
    verse (“… Jesus replied, ‘Love the Lord your God …’ …”) is one quotation, and the
    verse it quotes is the needle a reader looks for. The nested runs are found by the
    ingest's own quotation-mark reader in the document's language, one level down.
    """
    profile = profile_for(language)
    out: list[QuotationMark] = []
    for qid, qs, qe in marks:
        out.append((qid, qs, qe))
        inner = text[qs + 1 : qe]  # past the opening mark: what it opens is the next level
        out.extend((qid, qs + 1 + r.start, qs + 1 + r.end) for r in quoted_runs(inner, profile=profile)
                   if (r.start, r.end) != (0, len(inner)))
    return out


def read_corpus(db: sqlite3.Connection) -> ParagraphCorpus:
    """Every paragraph, quotation and work of the database, in canonical order."""
    version_of: dict[str, str | None] = {}
    ingest_digest: dict[str, str | None] = {}
    languages: dict[str, str | None] = {}
    for doc_id, of, pipeline_sha256, language in db.execute(
        "SELECT id, version_of, pipeline_sha256, language FROM documents"
    ):
        version_of[doc_id], ingest_digest[doc_id], languages[doc_id] = of or None, pipeline_sha256, language
    pids: list[int] = []
    pdocs: list[str] = []
    ordinals: list[int] = []
    texts: list[str] = []
    for pid, doc, ordinal, text in db.execute(
        "SELECT id, document_id, ordinal, text FROM paragraphs ORDER BY document_id, ordinal, id"
    ):
        pids.append(pid)
        pdocs.append(doc)
        ordinals.append(ordinal)
        texts.append(text)
    quotes: dict[int, list[QuotationMark]] = {}
    for qid, pid, qs, qe in db.execute(
        "SELECT q.id, q.paragraph_id, q.char_start - p.char_start, q.char_end - p.char_start "
        "FROM quotations q JOIN paragraphs p ON p.id = q.paragraph_id WHERE q.kind IN ('quotation', 'term') "
        "ORDER BY q.paragraph_id, q.char_start, q.id"
    ):
        quotes.setdefault(pid, []).append((qid, qs, qe))
    docs = sorted(set(pdocs))
    if quotes:
        where = {pid: k for k, pid in enumerate(pids)}
        for pid, marks in quotes.items():
            k = where.get(pid)
            if k is not None:
                quotes[pid] = with_nested(texts[k], marks, languages.get(pdocs[k]))
    dpos = {d: i for i, d in enumerate(docs)}
    para_doc = np.fromiter((dpos[d] for d in pdocs), dtype=np.int64, count=len(pdocs))
    doc_first = np.searchsorted(para_doc, np.arange(len(docs) + 1))
    return ParagraphCorpus(
        pids=pids, ordinals=ordinals, texts=texts, docs=docs, para_doc=para_doc, doc_first=doc_first,
        roots=work_roots(version_of), ingest_digest=ingest_digest, quotes=quotes, languages=languages,
    )
