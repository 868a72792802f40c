"""The candidate stage in buckets (flat memory at a million paragraphs) gives the pairs of the one-shot index."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from synopsis.link.candidates import budget_cap, candidate_pairs, candidate_pairs_streamed, shingle_postings
from synopsis.link.normalize import encode_paragraphs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def invented_keys(tmp_path_factory):
    """Content keys of a generated corpus in an invented language (no stop list: frequent shingles everywhere)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate_corpus
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    folder = tmp_path_factory.mktemp("invented")
    generate_corpus.generate(folder, paragraphs=3_000, seed=7, invented=True, paragraphs_per_document=200)
    texts, para_doc = [], []
    for k, doc in enumerate(sorted((folder / "documents").iterdir())):
        source = next(p for p in doc.iterdir() if p.name != "metadata.toml")
        paragraphs = [p for p in source.read_text(encoding="utf-8").split("\n\n") if p.strip() and not p.startswith("#")]
        texts += paragraphs
        para_doc += [k] * len(paragraphs)
    keys, offsets = encode_paragraphs(texts, languages=["und"] * len(texts), workers=1)
    return keys, offsets, np.array(para_doc, dtype=np.int64)


@pytest.mark.parametrize("budget", [None, 2_000, 40_000])
@pytest.mark.parametrize("focus_share", [1.0, 0.1])
def test_buckets_give_the_same_pairs(invented_keys, budget, focus_share):
    keys, offsets, para_doc = invented_keys
    n_docs = int(para_doc.max()) + 1
    focus = np.arange(n_docs) < max(1, int(round(n_docs * focus_share)))
    hashes, paras = shingle_postings(keys, offsets)
    expected = candidate_pairs(hashes, paras, para_doc, focus=focus, min_shared=2, max_df=40, max_postings=500,
                               pair_budget=budget)
    assert len(expected[0]) > 20  # the budget bites: few pairs left
    for per_bucket in (10_000, 100_000):  # 64 and 8 buckets
        found = candidate_pairs_streamed(keys, offsets, para_doc, focus=focus, min_shared=2, max_df=40, max_postings=500,
                                         pair_budget=budget, postings_per_bucket=per_bucket, chunk_paragraphs=700)
        for a, b in zip(found, expected):
            np.testing.assert_array_equal(a, b)


def test_the_budget_cap_from_a_histogram_is_the_sorted_sizes_rule():
    """The cap computed from a histogram of group sizes (buckets, Spark) is the one the sorted sizes give."""
    rng = np.random.default_rng(24)
    for _ in range(300):
        sizes = rng.integers(1, 40, size=int(rng.integers(1, 60)))
        budget = int(rng.integers(0, 3000))
        by_size = np.sort(sizes)
        cum = np.cumsum(by_size * (by_size - 1) // 2)
        expected = int(by_size[max(int(np.searchsorted(cum, budget, side="right")) - 1, 0)]) if cum[-1] > budget else None
        values, counts = np.unique(sizes, return_counts=True)
        assert budget_cap(list(zip(values.tolist(), counts.tolist())), budget) == expected


def test_paragraph_vectors_in_chunks_are_the_vectors_of_the_whole(versions_db):
    """Similarity's bags built a chunk of paragraphs at a time (chunks cutting documents) are the same arrays."""
    import sqlite3

    from synopsis.link.corpus import read_corpus
    from synopsis.link.digests import document_digests
    from synopsis.link.statistics import document_counts, paragraph_vectors
    from synopsis.link.token_cache import content_keys

    with sqlite3.connect(versions_db) as db:
        corpus = read_corpus(db)
    keys = content_keys(corpus, document_digests(corpus, "{}").text, None)
    counts = document_counts(corpus, keys)
    whole = paragraph_vectors(corpus, keys, counts, chunk_keys=10**12)
    for chunk_keys in (1, 37, 500):
        parts = paragraph_vectors(corpus, keys, counts, chunk_keys=chunk_keys)
        for field in ("offsets", "hashes", "values", "norms"):
            np.testing.assert_array_equal(getattr(parts, field), getattr(whole, field))
