"""Cross-references by meaning: passages retranslated or reworded (issue #19), on real text.

The resolution's own case: three of its passages retranslated by hand (Lenin's letter, which
the resolution quotes in Soviet News' English; Togliatti's "the essence of the socialist system
was not lost"; the Chinese editorial's "following Lenin's behests"), each beside an unrelated
paragraph. Each retranslation must be linked to the resolution paragraph that holds the
passage, as a reworded cross-reference with its word correspondences; the unrelated
paragraphs must not be linked at all. And the Bible: verses of the Twentieth Century New
Testament against the Berean Standard Bible's wording of the same verses.
"""
from __future__ import annotations

import json
import sqlite3

import pytest

from synopsis.link.stage import link_corpus
from tests.support.cases import UNRELATED, make_database

from .test_link import _resolution_paragraphs

RETOLD = [
    # (words of the resolution paragraph it retells, our own retranslation)
    ("Stalin is excessively rude",
     "Stalin is too coarse, and this failing, quite bearable among us and in dealings between us communists, "
     "becomes unbearable in the office of general secretary. So I suggest that the comrades think of a way to "
     "move Stalin from that position and to appoint in his place somebody who differs from Stalin in a single "
     "respect: more patience, more loyalty, more courtesy and more consideration for the comrades."),
    ("the essence of the socialist system was not",
     "We must conclude that the substance of the socialist order has not been lost, any more than any earlier "
     "conquest was lost, and above all the backing given to the system by the mass of workers, peasants and "
     "intellectuals who form Soviet society has not been lost. That very backing proves that, whatever "
     "happened, this society has kept its fundamentally democratic character."),
    ("following Lenin's behests",
     "True to the precepts of Lenin, the Soviet Communist Party takes very seriously certain serious mistakes "
     "Stalin made in guiding the building of socialism, and what came of them. How grave those consequences "
     "were obliged the Soviet Communist Party, while acknowledging the great merits of Stalin, to expose with "
     "the utmost sharpness the nature of the mistakes Stalin made, and to summon the whole party to guard "
     "against their repetition and to eradicate energetically their unhealthy effects."),
]


@pytest.fixture
def retold_db(tmp_path):
    resolution = _resolution_paragraphs()
    mixed = []
    for k, (_, text) in enumerate(RETOLD):
        mixed += [text, UNRELATED[k]]
    path = make_database(tmp_path / "retold.db", [("resolution", None, resolution), ("retold", None, mixed)])
    conn = sqlite3.connect(path)
    link_corpus(conn, cache=False)
    conn.commit()
    conn.close()
    return path, resolution


def _links(path):
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT ps.ref, pt.ref, pt.text, x.kind, x.meaning_score, x.correspondences, x.source_text, x.target_text "
        "FROM cross_references x JOIN paragraphs ps ON ps.id = x.source_paragraph_id "
        "JOIN paragraphs pt ON pt.id = x.target_paragraph_id WHERE ps.document_id = 'retold'").fetchall()
    conn.close()
    return rows


def test_the_resolution_retranslated_by_hand_is_linked_by_meaning(retold_db):
    path, _ = retold_db
    links = _links(path)
    for k, (words, _) in enumerate(RETOLD):
        mine = [r for r in links if r[0] == f"retold:{2 * k + 1}"]
        assert any(words in r[2] for r in mine), (words, [(r[1], r[3], r[4]) for r in mine])
        right = [r for r in mine if words in r[2]]
        print(k, [(r[3], r[4], r[6][:80], r[7][:80]) for r in mine])
        pairs = json.loads(max(right, key=lambda r: len(r[6]))[5])
        kinds = {p[4] for p in pairs}
        assert len(pairs) >= 5 and kinds <= {"same", "name", "number", "stem", "synonym", "learned"}
        # every correspondence points at a word inside each passage
        longest = max(right, key=lambda r: len(r[6]))
        for s0, s1, t0, t1, _ in pairs:
            assert 0 <= s0 < s1 <= len(longest[6]) and 0 <= t0 < t1 <= len(longest[7])
    assert {r[3] for r in links} >= {"reworded"}  # the verbatim pass alone finds some of them only in part
    unrelated = {f"retold:{2 * k + 2}" for k in range(len(RETOLD))}
    assert not [r for r in links if r[0] in unrelated]


def test_two_small_documents_get_similarity_rows_above_a_floor_drawn_from_pairs_not_under_test(tmp_path):
    """Mark 1 in the BSB and in the Twentieth Century New Testament, five paragraphs each: the chance
    floor must come from pairs the candidate stage did not put forward (in a corpus this small every
    random pair of the two documents is nearly a pair under test), so the translations' own
    paragraphs are aligned, and only those."""
    from tests.support.realtexts import load_verses

    made = {}
    for name in ("BSB", "Twenty"):
        verses = [v for v in load_verses(name, books=["Mark"]) if v.id.split(" ")[-1].startswith("1:")]
        cut = [verses[k: k + 9] for k in range(0, 45, 9)]
        made[name] = [" ".join(v.text for v in part) for part in cut]
    path = make_database(tmp_path / "two.db", [(name.lower(), None, made[name]) for name in made])
    with sqlite3.connect(path) as conn:
        link_corpus(conn, cache=False)
        rows = conn.execute(
            "SELECT pl.ordinal, pr.ordinal, a.score FROM alignments a JOIN paragraphs pl ON pl.id = a.left_paragraph_id "
            "JOIN paragraphs pr ON pr.id = a.right_paragraph_id WHERE a.method = 'similarity' AND a.rank = 1").fetchall()
        floors = [json.loads(p)["similarity_floor"] for (p,) in conn.execute(
            "SELECT parameters FROM runs WHERE method = 'similarity'")]
    assert rows, floors
    assert all(left == right for left, right, _ in rows), rows
    assert len({left for left, _, _ in rows}) >= 4, rows


def test_the_paragraph_page_marks_the_words_a_reworded_link_rests_on(retold_db):
    """The retold editorial's page shows its link as reworded, each synonym pair marked on both sides
    with one number, so a historian sees why the two passages were linked."""
    import re

    from .conftest import SiteClient

    path, _ = retold_db
    with sqlite3.connect(path) as conn:
        pid = conn.execute("SELECT id FROM paragraphs WHERE ref = 'retold:5'").fetchone()[0]
    site = SiteClient(path)
    try:
        page = site.get(f"/{path.stem}/paragraphs/{pid}").text
    finally:
        site.close()
    assert "syn-kind-reworded" in page
    pairs = re.findall(r'syn-w-synonym" title="synonym: ([^"]+)">([^<]+)<sup class="syn-w-n">(\d+)</sup>', page)
    by_number: dict[str, set[tuple[str, str]]] = {}
    for other, word, n in pairs:
        by_number.setdefault(n, set()).add((word, other))
    # each numbered pair appears on both sides, each side naming the other's word
    assert any(len(v) == 2 and {w for w, _ in v} == {o for _, o in v} for v in by_number.values()), by_number


def test_the_compare_page_marks_the_corresponding_words(retold_db):
    """Comparing the retold paragraphs with the resolution: the shared passages are marked, and inside
    them the words the links rest on, a synonym pair under one number on both sides."""
    import re

    from .conftest import SiteClient

    path, _ = retold_db
    site = SiteClient(path)
    try:
        page = site.get("/compare?a=retold&b=resolution").text
    finally:
        site.close()
    numbers = re.findall(r'syn-w-synonym" title="synonym: [^"]+">[^<]+<sup class="syn-w-n">(\d+)</sup>', page)
    assert numbers and any(numbers.count(n) == 2 for n in set(numbers)), numbers
