"""Editions as they really come: extracts and partial editions aligned locally, families composed.

Real text only: paragraphs 2.12–2.17 of the resolution as an extract of it, and New
Testament translations of which one version holds only some books.
"""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from synopsis.link.family import compose, tree_path
from synopsis.link.regions import AbsentBead
from synopsis.link.sentalign import SentenceBead
from tests.support import realtexts as rt
from tests.conftest import DOCUMENTS, RESOLUTION_ID, SiteClient

EXTRACT_ID = "resolution-extract"
EXTRACT_REFS = [f"{RESOLUTION_ID}:2.{k}" for k in range(12, 18)]


@pytest.fixture(scope="module")
def extract_db(tmp_path_factory) -> Path:
    """The corpus plus paragraphs 2.12–2.17 of the resolution, word for word, added with
    ``synopsis add --version-of cpsu-resolution-1956`` and built."""
    from synopsis.add import add
    from synopsis.build import build

    folder = tmp_path_factory.mktemp("extract")
    documents = folder / "documents"
    shutil.copytree(DOCUMENTS, documents)
    base = folder / "base.db"
    build(documents_dir=documents, db_path=base)
    with sqlite3.connect(base) as conn:
        texts = [conn.execute("SELECT text FROM paragraphs WHERE ref = ?", (ref,)).fetchone()[0] for ref in EXTRACT_REFS]
    source = folder / "extract.md"
    source.write_text("\n\n".join(texts) + "\n", encoding="utf-8")
    add(source, id=EXTRACT_ID, title="From the resolution of 30 June 1956 (an extract)", language="en",
        version_of=RESOLUTION_ID, documents_dir=documents)
    db_path = folder / "synopsis.db"
    build(documents_dir=documents, db_path=db_path)
    return db_path


def _edition_links(conn, left: str, right: str) -> list[tuple]:
    return conn.execute(
        "SELECT lp.ref, rp.ref, a.pattern FROM alignments a JOIN runs r ON r.id = a.run_id "
        "LEFT JOIN paragraphs lp ON lp.id = a.left_paragraph_id LEFT JOIN paragraphs rp ON rp.id = a.right_paragraph_id "
        "WHERE r.method = 'edition' AND r.left_document_id = ? AND r.right_document_id = ? ORDER BY a.bead",
        (left, right)).fetchall()


def test_an_extract_is_aligned_with_the_paragraphs_it_was_taken_from(extract_db):
    with sqlite3.connect(extract_db) as conn:
        links = _edition_links(conn, RESOLUTION_ID, EXTRACT_ID)
    paired = [(lr, rr, pattern) for lr, rr, pattern in links if lr and rr]
    assert paired == [(ref, f"{EXTRACT_ID}:{k}", "1-1") for k, ref in enumerate(EXTRACT_REFS, 1)]
    # every other paragraph of the resolution is text the extract does not hold
    absent = [lr for lr, rr, _ in links if rr is None]
    assert len(absent) == len({lr for lr, _, _ in links if lr}) - len(EXTRACT_REFS)


def test_an_extract_word_for_word_has_no_variants(extract_db):
    with sqlite3.connect(extract_db) as conn:
        assert conn.execute("SELECT count(*) FROM variants WHERE ? IN (left_document_id, right_document_id)",
                            (EXTRACT_ID,)).fetchone()[0] == 0


def test_the_compare_page_shows_absent_text_as_absent(extract_db):
    client = SiteClient(extract_db)
    try:
        page = client.get(f"/compare?a={RESOLUTION_ID}&b={EXTRACT_ID}")
    finally:
        client.close()
    assert page.status_code == 200
    assert "<del" not in page.text.split("</header>")[-1].replace('<del class="syn-var">struck through</del>', "")


def test_a_dropped_paragraph_is_not_struck_through_word_by_word():
    from synopsis.publish.views import mark_variants

    comparison = {"rows": [
        {"left": [{"id": 1, "text": "Kept words here.", "html": "Kept words here."}],
         "right": [{"id": 9, "text": "Kept word here.", "html": "Kept word here."}]},
        {"left": [{"id": 2, "text": "A paragraph the other edition dropped.", "html": "x"}], "right": []},
    ]}
    variants = [
        {"a_paragraph_id": 1, "b_paragraph_id": 9, "kind": "substitution", "trivial": 0, "a_start": 5, "a_end": 10,
         "b_start": 5, "b_end": 9, "a_text": "words", "b_text": "word"},
        {"a_paragraph_id": 2, "b_paragraph_id": 9, "kind": "deletion", "trivial": 0, "a_start": 0, "a_end": 38,
         "b_start": 0, "b_end": 0, "a_text": "A paragraph the other edition dropped.", "b_text": ""},
    ]
    mark_variants(comparison, variants)
    assert "<del" in comparison["rows"][0]["left"][0]["html"]
    assert comparison["rows"][1]["left"][0]["html"] == "x"  # a gap, left as it is


# --- a version holding some books --------------------------------------------------------------

WHOLE = ["Mark", "Galatians", "Philippians", "Colossians", "Jude"]
SOME = ["Galatians", "Colossians", "Jude"]


@pytest.fixture(scope="module")
def partial_db(tmp_path_factory):
    """Five books of the Twentieth Century New Testament, and three of them (a paragraph rhythm of
    their own) catalogued as a version of it, built with the real pipeline."""
    from synopsis.build import build

    folder = tmp_path_factory.mktemp("partial")
    made = {}
    for doc_id, books, seed, lo, hi, version_of in (("twenty-whole", WHOLE, 5, 1, 4, None),
                                                    ("twenty-some", SOME, 9, 2, 6, "twenty-whole")):
        language, title = rt.TEXTS["Twenty"]
        made[doc_id] = rt.paragraphs(rt.load_verses("Twenty", books=books), seed=seed, min_verses=lo, max_verses=hi,
                                     language=language)
        rt.write_document(folder / "documents" / doc_id, doc_id=doc_id, title=title, language=language,
                          paragraphs=made[doc_id], version_of=version_of)
    db_path = folder / "partial.db"
    build(documents_dir=folder / "documents", db_path=db_path)
    return db_path, made


def test_a_version_holding_some_books_is_aligned_exactly(partial_db):
    db_path, made = partial_db
    with sqlite3.connect(db_path) as conn:
        (lids, lverses), (rids, rverses) = (rt.stored_verses(conn, d, made[d]) for d in ("twenty-some", "twenty-whole"))
        run_id, = conn.execute("SELECT id FROM runs WHERE method = 'edition'").fetchone()
        links = conn.execute("SELECT left_paragraph_id, right_paragraph_id FROM alignments WHERE run_id = ? "
                             "AND left_paragraph_id IS NOT NULL AND right_paragraph_id IS NOT NULL", (run_id,)).fetchall()
        variants = conn.execute("SELECT count(*) FROM variants").fetchone()[0]
    lpos, rpos = {p: k for k, p in enumerate(lids)}, {p: k for k, p in enumerate(rids)}
    score = rt.score_links([(lpos[a], rpos[b]) for a, b in links], lverses, rverses)
    assert score.verses == sum(len(p.verses) for p in made["twenty-some"])
    assert (score.precision, score.recall) == (1.0, 1.0)
    # the books the partial version lacks are linked to nothing, and are no deletion
    lacking = {rids[k] for k, vs in enumerate(rverses) if vs and next(iter(vs)).rsplit(" ", 1)[0] not in SOME}
    assert lacking and not lacking & {b for _, b in links}
    assert variants == 0



@pytest.mark.parametrize("longer, longer_books, shorter, shorter_books", [
    ("Twenty", ["Matthew", "Mark", "Luke", "John", "Acts", "Galatians", "Jude"], "ChiUnL", ["Mark", "Galatians", "Jude"]),
    ("BSB", ["Genesis", "Exodus"], "RusMakarij-GenEx", ["Exodus"]),
], ids=["en~lzh", "en~ru"])
def test_a_partial_translation_in_another_script_is_aligned_locally(longer, longer_books, shorter, shorter_books):
    """Scripts that share no word (the Wenli version, Makarius' pre-1918 Russian): the regions are
    anchored by the aligner's own cross-script tokens (transliterated names, CC-CEDICT glosses,
    the learned lexicon), so the books the shorter version holds are found in the longer
    (Mark's text among the synoptic gospels too), verse by verse, and the others are absent."""
    from synopsis.link.regions import align_local

    left, right = rt.load_verses(longer, books=longer_books), rt.load_verses(shorter, books=shorter_books)
    beads = align_local([v.text for v in left], [v.text for v in right], left_language=rt.TEXTS[longer][0],
                        right_language=rt.TEXTS[shorter][0])
    links = [(left[i].id, right[j].id) for b in beads for i in b.left for j in b.right]
    both = {v.id for v in right} & {v.id for v in left}
    precision = sum(a == b for a, b in links) / len(links)
    recall = len({a for a, b in links if a == b}) / len(both)
    assert precision >= 0.98 and recall >= 0.98, (precision, recall)
    lacking = [i for i, v in enumerate(left) if v.book not in shorter_books]
    absent = {i for b in beads if isinstance(b, AbsentBead) for i in b.left}
    assert len(absent.intersection(lacking)) >= 0.98 * len(lacking)

# --- composition through a family ---------------------------------------------------------------

def test_composing_two_alignments_joins_beads_through_the_middle_version():
    ab = [SentenceBead((0,), (0,), 90.0), SentenceBead((1, 2), (1,), 80.0), AbsentBead((3,), (), 0.0),
          SentenceBead((4,), (2,), 70.0)]
    bc = [SentenceBead((0,), (0, 1), 95.0), SentenceBead((1,), (2,), 60.0), SentenceBead((2,), (), 0.0),
          SentenceBead((), (3,), 0.0)]
    out = compose(ab, bc)
    assert [(b.left, b.right, b.score) for b in out] == [
        ((0,), (0, 1), 90.0), ((1, 2), (2,), 60.0), ((3,), (), 0.0), ((4,), (), 0.0), ((), (3,), 0.0)]
    assert isinstance(out[2], AbsentBead) and not isinstance(out[3], AbsentBead)


def test_a_tree_path_runs_through_the_common_anchor():
    anchor = {"b": "a", "c": "a", "d": "c"}
    assert tree_path(anchor, "b", "d") == ["b", "a", "c", "d"]
    assert tree_path(anchor, "d", "c") == ["d", "c"]


def test_an_anthology_that_moved_its_parts_is_found_in_both_places():
    """Two runs of the resolution's paragraphs in the other order: no diagonal to follow, each
    part found where it stands, every sentence in exactly one bead, the rest absent."""
    import re

    from synopsis.link.regions import align_local
    from tests.support.cases import resolution_paragraphs

    paragraphs = [[s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", p) if s] for p in resolution_paragraphs()]
    whole = [s for p in paragraphs for s in p]
    start = [sum(len(p) for p in paragraphs[:k]) for k in range(len(paragraphs) + 1)]
    first, second = range(start[20], start[23]), range(start[45], start[48])
    extract = [whole[k] for k in second] + [whole[k] for k in first]
    beads = align_local(whole, extract, left_language="en", right_language="en")
    assert sorted(x for b in beads for x in b.left) == list(range(len(whole)))
    assert sorted(y for b in beads for y in b.right) == list(range(len(extract)))
    pairs = {(x, y) for b in beads if b.left and b.right for x in b.left for y in b.right}
    assert pairs == {(k, n) for n, k in enumerate(list(second) + list(first))}
    assert all(isinstance(b, AbsentBead) for b in beads if not (b.left and b.right))


# --- a family rebuilt incrementally ---------------------------------------------------------------

FAMILY_BOOKS = ["Philippians", "Colossians"]
FAMILY = (("fam-bsb", "BSB", 3, 1, 4), ("fam-oeb", "OEB", 4, 2, 5), ("fam-oebcth", "OEBcth", 6, 1, 3))


def _write_family(documents: Path, join_sentences_of: str | None = None) -> None:
    """Three English translations of two books declared one family; ``join_sentences_of`` names a
    member whose every other paragraph has its sentences run together (an editor's semicolons)."""
    for doc_id, stem, seed, lo, hi in FAMILY:
        language, title = rt.TEXTS[stem]
        made = rt.paragraphs(rt.load_verses(stem, books=FAMILY_BOOKS), seed=seed, min_verses=lo, max_verses=hi,
                             language=language)
        if doc_id == join_sentences_of:
            for p in made[::2]:
                p.parts = [t[:-1] + ";" if k + 1 < len(p.parts) and t.endswith(".") else t
                           for k, t in enumerate(p.parts)]
        rt.write_document(documents / doc_id, doc_id=doc_id, title=title, language=language, paragraphs=made,
                          version_of=None if doc_id == FAMILY[0][0] else FAMILY[0][0])


def _pair_rows(db_path: Path) -> dict[tuple[str, str], tuple]:
    """Every edition pair → (its derived_through, its paragraph beads and sentence beads by reference)."""
    import json

    out = {}
    with sqlite3.connect(db_path) as conn:
        for run_id, left, right, parameters in conn.execute(
                "SELECT id, left_document_id, right_document_id, parameters FROM runs WHERE method = 'edition'"):
            paragraphs = conn.execute(
                "SELECT lp.ref, rp.ref, a.bead, a.pattern FROM alignments a LEFT JOIN paragraphs lp ON lp.id = "
                "a.left_paragraph_id LEFT JOIN paragraphs rp ON rp.id = a.right_paragraph_id WHERE a.run_id = ? "
                "ORDER BY 3, 1, 2", (run_id,)).fetchall()
            sentences = conn.execute(
                "SELECT ls.text, rs.text, s.bead, s.pattern, s.method FROM sentence_alignments s "
                "LEFT JOIN sentences ls ON ls.id = s.left_sentence_id LEFT JOIN sentences rs ON rs.id = "
                "s.right_sentence_id WHERE s.run_id = ? ORDER BY 3, 1, 2", (run_id,)).fetchall()
            out[(left, right)] = (json.loads(parameters).get("derived_through", []), paragraphs, sentences)
    return out


def test_a_pair_derived_through_an_edited_member_is_aligned_again(tmp_path):
    """Incremental builds of a family: editing the member a derived pair was composed through
    realigns that pair (as a build from scratch aligns it), and a build with nothing changed
    computes nothing."""
    from synopsis.build import build

    documents, db_path = tmp_path / "documents", tmp_path / "family.db"
    _write_family(documents)
    build(documents_dir=documents, db_path=db_path)
    before = _pair_rows(db_path)
    derived = [(pair, through) for pair, (through, _, _) in before.items() if through]
    assert len(before) == 3 and len(derived) == 1  # three members: two tree edges, one pair composed
    (pair, (middle,)), = derived
    assert middle not in pair

    again = build(documents_dir=documents, db_path=db_path)  # nothing changed: nothing computed
    assert again.links["runs_written"] == 0 and again.links["runs_deleted"] == 0
    assert _pair_rows(db_path) == before

    _write_family(documents, join_sentences_of=middle)
    edited = build(documents_dir=documents, db_path=db_path)
    assert edited.ingested == [middle]
    scratch_path = tmp_path / "scratch.db"
    build(documents_dir=documents, db_path=scratch_path)
    scratch = _pair_rows(scratch_path)
    assert scratch[pair] != before[pair]  # the edit changes the composed pair: keeping its old run is wrong
    assert _pair_rows(db_path) == scratch

    # a member added changes the tree: every pair whose path moved is aligned as from scratch
    language, title = rt.TEXTS["Twenty"]
    rt.write_document(documents / "fam-twenty", doc_id="fam-twenty", title=title, language=language,
                      paragraphs=rt.paragraphs(rt.load_verses("Twenty", books=FAMILY_BOOKS), seed=8, language=language),
                      version_of=FAMILY[0][0])
    for step in ("added", "removed"):
        build(documents_dir=documents, db_path=db_path)
        scratch_path.unlink()
        build(documents_dir=documents, db_path=scratch_path)
        assert _pair_rows(db_path) == _pair_rows(scratch_path), step
        if step == "added":
            shutil.rmtree(documents / "fam-twenty")
