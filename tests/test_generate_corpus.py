"""The benchmark corpus generator: same seed, same bytes; the answer points at the planted text."""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate_corpus


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    """A 600-paragraph generated corpus with 30 planted passages."""
    out = tmp_path_factory.mktemp("corpus") / "seed7"
    corpus = generate_corpus.generate(out, paragraphs=600, seed=7, planted=30, edition_share=0.1)
    return corpus, json.loads(corpus.answer_path.read_text())


def _paragraphs(corpus, document_id: str) -> list[str]:
    text = (corpus.documents_dir / document_id / "text.md").read_text(encoding="utf-8")
    return text.rstrip("\n").split("\n\n")


def test_same_seed_writes_same_bytes(small_corpus, tmp_path):
    corpus, _ = small_corpus
    again = generate_corpus.generate(tmp_path / "again", paragraphs=600, seed=7, planted=30, edition_share=0.1)
    assert _digest(again.out_dir) == _digest(corpus.out_dir)


def test_another_seed_writes_another_corpus(small_corpus, tmp_path):
    corpus, _ = small_corpus
    other = generate_corpus.generate(tmp_path / "other", paragraphs=600, seed=8, planted=30, edition_share=0.1)
    assert _digest(other.out_dir) != _digest(corpus.out_dir)


def test_paragraph_total_is_exact(small_corpus):
    corpus, answer = small_corpus
    counted = sum(len(_paragraphs(corpus, folder.name)) for folder in corpus.documents_dir.iterdir())
    assert counted == answer["paragraphs"] == 600


def test_answer_spans_slice_back_to_planted_passages(small_corpus):
    corpus, answer = small_corpus
    assert len(answer["planted"]) == 30
    for record in answer["planted"]:
        for side in ("source", "target"):
            paragraph = _paragraphs(corpus, record[f"{side}_document"])[record[f"{side}_ordinal"] - 1]
            assert paragraph[record[f"{side}_start"] : record[f"{side}_end"]] == record[f"{side}_text"]
        assert record["source_document"] != record["target_document"]
        assert 15 <= len(record["source_text"].split()) <= 60
        assert record["source_text"] != record["target_text"]  # reworded and damaged, not copied


def test_editions_are_declared_and_resemble_their_original(small_corpus):
    corpus, answer = small_corpus
    assert answer["editions"]
    for edition, original in answer["editions"]:
        metadata = (corpus.documents_dir / edition / "metadata.toml").read_text()
        assert f'version_of = "{original}"' in metadata
        shared = set(" ".join(_paragraphs(corpus, edition)).split()) & set(" ".join(_paragraphs(corpus, original)).split())
        assert len(shared) > 0.8 * len(set(" ".join(_paragraphs(corpus, original)).split()))


def test_word_frequencies_fall_off_like_zipf(small_corpus):
    corpus, _ = small_corpus
    counts: dict[str, int] = {}
    for path in corpus.documents_dir.glob("*/text.md"):
        for word in path.read_text(encoding="utf-8").lower().split():
            word = word.strip(".,“”")
            counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts.values(), reverse=True)
    # Zipf with exponent 1: the 10th word about a tenth as frequent as the first, the 100th a hundredth
    assert 5 < ranked[0] / ranked[9] < 20
    assert 40 < ranked[0] / ranked[99] < 250
