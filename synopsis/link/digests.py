"""Run digests: what a document's links depend on, and which documents must be linked again.

Each document has a *link digest*: SHA-256 over its paragraphs (ids, ordinals, texts), its
marked quotations, its work (the root of its ``version_of`` chain), every link parameter
and :data:`~synopsis.link.parameters.LINK_VERSION`. It is remembered in one ``runs`` row per
document (``kind = 'document'``, ``method = 'digest'``): "this document has been linked
against every other document present, with these inputs". A document whose digest matches
is *fresh*; the others (new, changed, relinked by ``force``) are *stale*, and every run
touching a stale or vanished document is doomed.

A pair of versions of one work whose alignment was composed through other members of its
family (:mod:`synopsis.link.family`) depends on those members as well: when the family
changed (a member stale, added or removed), :func:`moved_paths` dooms the runs of every
pair of fresh members whose path through the family's new tree differs from the one its
run was derived through, or runs through a stale member; those pairs are computed again.
A family nothing changed in keeps every run.

Across languages a document's links rest on the corpus's translations as well (the lexicon
learned from them, links composed through their alignments): :func:`with_translations` folds
the digests of every version of a work written in two languages or more into the digest of
every document of those languages, so a changed translation relinks the essays that quote it.

A document stored by ``synopsis build`` carries the digest of everything its rows come from
(source bytes, metadata, ingest code): that stands for its texts, ids and quotations
without reading them through again. Its *text digest* keys the token cache.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from synopsis.link.corpus import ParagraphCorpus
from synopsis.link.normalize import NORMALIZE_VERSION
from synopsis.link.parameters import LINK_VERSION

__all__ = ["DOCUMENT_KIND", "DocumentDigests", "Staleness", "document_digests", "ingest_text_digest", "run_digest",
           "find_stale", "changed_families", "moved_paths", "sha", "with_translations"]

DOCUMENT_KIND = "document"
"""``runs.kind`` of the per-document digest rows."""


def sha(*parts: str) -> str:
    """SHA-256 over ``parts`` separated by a record separator."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


def ingest_text_digest(ingest: str) -> str:
    """The text digest of a document the build stored with ingest digest ``ingest`` (its
    ``pipeline_sha256``): the build keys the tokens its ingest workers computed by it."""
    return sha("tokens", NORMALIZE_VERSION, "ingest", ingest)


@dataclass(frozen=True)
class DocumentDigests:
    """Per document id: the link digest (its links' inputs) and the text digest (its tokens' inputs)."""

    link: dict[str, str]
    text: dict[str, str]


def document_digests(corpus: ParagraphCorpus, params_json: str) -> DocumentDigests:
    """Both digests of every document of ``corpus`` under the parameters ``params_json``."""
    link: dict[str, str] = {}
    text: dict[str, str] = {}
    for k, d in enumerate(corpus.docs):
        root = corpus.roots.get(d, d)
        ingest = corpus.ingest_digest.get(d)
        if ingest:
            text[d] = ingest_text_digest(ingest)
            link[d] = sha("link", LINK_VERSION, params_json, root, "ingest", ingest)
            continue
        th = hashlib.sha256(f"tokens\x1e{NORMALIZE_VERSION}\x1e{corpus.languages.get(d) or ''}\x1e".encode())
        lh = hashlib.sha256(f"link\x1e{LINK_VERSION}\x1e{params_json}\x1e{root}\x1e".encode())
        for p in corpus.paragraph_range(k):
            encoded = corpus.texts[p].encode("utf-8")
            th.update(encoded)
            th.update(b"\x1e")
            lh.update(f"{corpus.pids[p]}\x1f{corpus.ordinals[p]}\x1f".encode())
            lh.update(encoded)
            lh.update(b"\x1e")
            for qid, qs, qe in corpus.quotes.get(corpus.pids[p], ()):
                lh.update(f"q{qid}\x1f{qs}\x1f{qe}\x1e".encode())
        text[d] = th.hexdigest()
        lh.update(text[d].encode())
        link[d] = lh.hexdigest()
    return DocumentDigests(link=with_translations(corpus, link), text=text)


def with_translations(corpus: ParagraphCorpus, link: dict[str, str]) -> dict[str, str]:
    """The link digests with each document's *translations digest* folded in: across languages,
    a document's links rest on its corpus's translations, not only on itself (the translators'
    lexicon learned from every aligned pair of two languages, the links composed through their
    alignments: :mod:`synopsis.lexicon.learned`, :mod:`synopsis.link.translated`). A document in
    language L gets the digests of every version of every work written in two languages or more,
    one of them L: a changed, added or removed translation relinks the documents of its languages."""
    from synopsis.languages import primary_subtag
    from synopsis.link.translated import multilingual_works

    works = multilingual_works(corpus)
    if not works:
        return link
    by_language: dict[str, list[str]] = {}
    for members in works.values():
        languages = {primary_subtag(corpus.languages.get(corpus.docs[k])) or "" for k in members} - {""}
        ids = [corpus.docs[k] for k in members]
        for language in languages:
            by_language.setdefault(language, []).extend(ids)
    digest = {language: sha("translations", *(f"{d}\x1f{link[d]}" for d in sorted(ids)))
              for language, ids in by_language.items()}
    out = dict(link)
    for d in corpus.docs:
        language = primary_subtag(corpus.languages.get(d)) or ""
        if language in digest:
            out[d] = sha(link[d], "translations", digest[language])
    return out


def run_digest(kind: str, method: str, params_json: str, left_digest: str, right_digest: str,
               through: Sequence[str] = ()) -> str:
    """``runs.inputs_sha256`` of one run: its kind, method, parameters and both documents' digests, and
    for a pair derived through a family (:mod:`synopsis.link.family`) the digests of the versions
    ``through`` which it was composed, in path order: they are its inputs too."""
    return sha(kind, method, LINK_VERSION, params_json, left_digest, right_digest, *through)


@dataclass
class Staleness:
    """Which documents are linked again, and which stored runs go with them."""

    stale: list[str]  # sorted document ids
    doomed_runs: list[int] = field(default_factory=list)
    kept_runs: int = 0


def find_stale(
    runs: Iterable[tuple[int, str, str, str, str]], docs: list[str], digests: DocumentDigests, *, force: bool = False,
) -> Staleness:
    """Stale documents and doomed runs, from the stored runs ``(id, kind, left, right, inputs_sha256)``."""
    runs = list(runs)
    present = set(docs)
    fresh: set[str] = set()
    if not force:
        fresh = {left for _, kind, left, right, digest in runs
                 if kind == DOCUMENT_KIND and left == right and left in present and digest == digests.link[left]}
    stale = sorted(present - fresh)
    stale_set = set(stale)
    out = Staleness(stale)
    for rid, _, left, right, _ in runs:
        if left in stale_set or right in stale_set or left not in present or right not in present:
            out.doomed_runs.append(rid)
        else:
            out.kept_runs += 1
    return out


EDITION = ("alignment", "edition")
"""``(runs.kind, runs.method)`` of an edition alignment run: the run that records a pair's path."""

VARIANT_KIND = "variant"
"""``runs.kind`` of the word variants read off an edition alignment (recomputed with it)."""


def changed_families(
    runs: Iterable[tuple[int, str, str, str, str]], roots: dict[str, str], stale: Iterable[str], doomed: Iterable[int],
) -> set[str]:
    """The works (``roots``: document id → its work) whose family changed: a member is stale, or a
    doomed edition run ``(id, kind, method, left, right)`` touched a fresh member (its other side
    vanished or left the work)."""
    stale = set(stale)
    doomed = set(doomed)
    changed = {roots[d] for d in stale if d in roots}
    for rid, kind, method, left, right in runs:
        if rid in doomed and (kind, method) == EDITION:
            changed.update(roots[d] for d in (left, right) if d in roots and d not in stale)
    return changed


def moved_paths(
    runs: Iterable[tuple[int, str, str, str, str, str]], members: Sequence[str], paths: dict[tuple[str, str], list[str]],
    stale: Iterable[str], doomed: Iterable[int],
) -> tuple[list[tuple[str, str]], list[int]]:
    """The pairs of fresh ``members`` of one changed family to align again, and their runs to delete.

    ``runs`` are the stored ``(id, kind, method, left, right, parameters)``; ``paths`` each pair's
    members between its two (``left < right``) in the family's current tree. A pair is aligned
    again when its stored edition run was derived through other members than its path now
    runs through (``derived_through`` in its parameters; none when aligned directly), when a
    member on its path is stale, or when it has no edition run; its edition and variant runs go.
    """
    stale = set(stale)
    doomed = set(doomed)
    fresh = sorted(set(members) - stale)
    by_pair: dict[tuple[str, str], list[tuple[int, str, str, str]]] = {}
    for rid, kind, method, left, right, parameters in runs:
        if rid not in doomed and ((kind, method) == EDITION or kind == VARIANT_KIND):
            by_pair.setdefault((left, right), []).append((rid, kind, method, parameters))
    again: list[tuple[str, str]] = []
    gone: list[int] = []
    for x, a in enumerate(fresh):
        for b in fresh[x + 1:]:
            stored = by_pair.get((a, b), [])
            through = next((json.loads(p or "{}").get("derived_through", []) for _, kind, method, p in stored
                            if (kind, method) == EDITION), None)
            path = paths[(a, b)]
            if through is None or list(through) != list(path) or any(m in stale for m in path):
                again.append((a, b))
                gone.extend(rid for rid, _, _, _ in stored)
    return again, gone
