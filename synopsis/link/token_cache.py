"""The tokens step: every paragraph's content-token key hashes, from a cache file or computed.

Tokenising 10 million words takes seconds, and a build that adds one document should not
pay it for the other 99,999 paragraphs. So the content-token key hashes of each document
are kept in a cache file in the database's folder (:data:`CACHE_NAME`), keyed by the
document's text digest (:mod:`synopsis.link.digests`): an entry is used only for a
document whose texts hash the same, so a stale or foreign cache can slow a build down but
never change its links. ``cache=False`` turns it off.

A build does not wait for the tokens step to tokenise what it has just ingested: its ingest
workers, which hold each document's paragraphs already and run on every core, compute the
keys of each document (:func:`document_keys`) beside its rows, and the build hands them to
:func:`content_keys` as ``known`` entries, keyed like the cache's.
"""
from __future__ import annotations

import io
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synopsis.files import write_atomic
from synopsis.link.corpus import ParagraphCorpus
from synopsis.link.normalize import encode_paragraphs

__all__ = ["CACHE_NAME", "ContentKeys", "default_cache_path", "load_cache", "save_cache", "content_keys", "document_keys"]

log = logging.getLogger(__name__)

CACHE_NAME = ".synopsis-link-cache.npz"
"""The token cache's file name, in the database's folder."""


@dataclass(frozen=True)
class ContentKeys:
    """Paragraph ``p``'s content-token key hashes are ``keys[offsets[p]:offsets[p + 1]]``."""

    keys: np.ndarray  # uint64
    offsets: np.ndarray  # int64, one more than the paragraphs

    def of(self, p: int) -> np.ndarray:
        """Paragraph ``p``'s key hashes."""
        return self.keys[self.offsets[p] : self.offsets[p + 1]]


def default_cache_path(db: sqlite3.Connection) -> Path | None:
    """:data:`CACHE_NAME` in the main database file's folder, or None for a database in memory.

    The folder, not the file: the build links inside a copy (``.synopsis.db.building``)
    that it renames into place, and a copy of a database elsewhere in the folder should
    find the tokens too. Entries are keyed by the texts they came from, so databases that
    share a folder can share the cache.
    """
    for _, name, filename in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and filename:
            return Path(filename).parent / CACHE_NAME
    return None


def load_cache(path: Path | None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Text digest → (content key hashes, per-paragraph offsets), or empty."""
    if path is None or not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            digests = data["digests"]
            para_counts = data["para_counts"]
            content_counts = data["content_counts"]
            keys = data["keys"]
        out = {}
        p0 = k0 = 0
        for digest, npara in zip(digests.tolist(), para_counts.tolist()):
            counts = content_counts[p0 : p0 + npara]
            offsets = np.zeros(npara + 1, dtype=np.int64)
            np.cumsum(counts, out=offsets[1:])
            out[digest] = (keys[k0 : k0 + int(offsets[-1])], offsets)
            p0 += npara
            k0 += int(offsets[-1])
        return out
    except Exception as error:  # a damaged cache is only a slower build
        log.warning("ignoring the link cache %s: %s", path, error)
        return {}


def save_cache(path: Path | None, entries: list[tuple[str, np.ndarray, np.ndarray]]) -> None:
    """Write ``(text digest, key hashes, offsets)`` entries to ``path`` (nothing when None)."""
    if path is None:
        return
    try:
        buffer = io.BytesIO()
        np.savez(
            buffer,
            digests=np.asarray([d for d, _, _ in entries], dtype="U64"),
            para_counts=np.asarray([len(o) - 1 for _, _, o in entries], dtype=np.int64),
            content_counts=np.concatenate([np.diff(o) for _, _, o in entries]) if entries else np.zeros(0, np.int64),
            keys=np.concatenate([k for _, k, _ in entries]) if entries else np.zeros(0, np.uint64),
        )
        write_atomic(path, buffer.getvalue(), durable=False)  # a cache: losing it only slows a build
    except OSError as error:
        log.warning("could not write the link cache %s: %s", path, error)


def document_keys(texts: list[str], language: str | None) -> tuple[np.ndarray, np.ndarray]:
    """One document's entry: the content key hashes and offsets of its paragraph ``texts``
    (in ordinal order) in its ``language``, as the tokens step would encode them."""
    return encode_paragraphs(texts, languages=language, workers=1)


def content_keys(
    corpus: ParagraphCorpus, text_digest: dict[str, str], cache_path: Path | None,
    known: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> ContentKeys:
    """Every paragraph's content key hashes: cached or ``known`` documents (text digest →
    :func:`document_keys`) taken as they are, the others encoded; the cache rewritten
    when it lacked any."""
    cached = load_cache(cache_path)
    fresh = 0  # known entries the cache file lacks
    for k, d in enumerate(corpus.docs):
        entry = (known or {}).get(text_digest[d])
        if entry is not None and text_digest[d] not in cached and len(entry[1]) == len(corpus.paragraph_range(k)) + 1:
            cached[text_digest[d]] = entry
            fresh += 1
    todo = [k for k, d in enumerate(corpus.docs) if text_digest[d] not in cached]
    todo_paras = [p for k in todo for p in corpus.paragraph_range(k)]
    new_keys, new_offsets = encode_paragraphs([corpus.texts[p] for p in todo_paras],
                                              languages=[corpus.language_of(p) for p in todo_paras])
    per_doc: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    at = 0
    for k in todo:
        npara = len(corpus.paragraph_range(k))
        offs = new_offsets[at : at + npara + 1]
        per_doc[corpus.docs[k]] = (new_keys[offs[0] : offs[-1]], offs - offs[0])
        at += npara
    entries = [(text_digest[d], *(per_doc.get(d) or cached[text_digest[d]])) for d in corpus.docs]
    keys = np.concatenate([e[1] for e in entries]) if entries else np.zeros(0, np.uint64)
    offsets = np.zeros(len(corpus) + 1, dtype=np.int64)
    if entries:
        np.cumsum(np.concatenate([np.diff(e[2]) for e in entries]), out=offsets[1:])
    if cache_path is not None and (todo or fresh):
        save_cache(cache_path, entries)
    return ContentKeys(keys=keys, offsets=offsets)
