"""Hand judgements of cross-references: keyed so that a later build finds them again.

Real BSB verses and the judgements file the quotation benchmark reads
(``benchmarks/xref_judgements.json``), plus the benchmark's two lists of famous quotations.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.support.judgements import (
    Judgement, Judgements, normalise, parse_range, verse_range, verses_of_span, wilson_interval,
)
from tests.support.realtexts import NEW_TESTAMENT, OLD_TESTAMENT, load_verses

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def bsb():
    """The BSB's verses by id, in reading order."""
    return {v.id: v for v in load_verses("BSB")}


def _verses(bsb, spec: str):
    book, lo, hi = parse_range(spec)
    return [v for v in bsb.values() if v.book == book and lo <= tuple(map(int, v.id.rsplit(" ", 1)[1].split(":"))) <= hi]


def test_normalise_ignores_case_punctuation_and_quotation_marks():
    assert normalise("‘My house will be a house of prayer.’ But") == normalise("my house will be a house of prayer — but")
    assert normalise("The LORD said") != normalise("The Lord says")


def test_verse_range_and_parse_range_read_each_other():
    assert verse_range(["Psalms 96:1", "Psalms 95:10", "Psalms 95:11"]) == "Psalms 95:10–96:1"
    assert parse_range("Psalms 95:10–96:1") == ("Psalms", (95, 10), (96, 1))
    assert parse_range("I Corinthians 9:9") == ("I Corinthians", (9, 9), (9, 9))
    assert parse_range("Isaiah 6:9-10") == ("Isaiah", (6, 9), (6, 10))
    assert verse_range([]) == "?"


def test_verses_of_span_finds_the_verses_a_span_covers(bsb):
    paragraph = _verses(bsb, "Matthew 2:16-18")
    assert verses_of_span("Rachel weeping for her children", paragraph) == ["Matthew 2:18"]
    # a span across a verse end covers both, whatever its quotation marks and case
    assert verses_of_span("JEREMIAH WAS FULFILLED: a voice is heard", paragraph) == ["Matthew 2:17", "Matthew 2:18"]
    assert verses_of_span("the stone the builders rejected", paragraph) == []


def test_a_judgement_is_found_again_with_other_punctuation_and_a_span_a_word_longer():
    judged = Judgement("Romans 1:17", "Habakkuk 2:4", "The righteous will live by faith",
                       "the righteous will live by faith", True, "Rom 1:17 quotes Hab 2:4")
    stock = Judgement("Luke 9:57", "Ruth 1:16", "I will follow You wherever You go", "following you. For wherever you go",
                      False, "stock phrase")
    judgements = Judgements([judged, stock])
    assert judgements.verdict("Romans 1:17", "Habakkuk 2:4", "“The righteous will live by faith.”",
                              "the righteous will live by faith") == (judged, True)
    near, exact = judgements.verdict("Romans 1:17", "Habakkuk 2:4", "The righteous will live by faith.",
                                     "but the righteous will live by faith")
    assert near is judged and not exact
    # another verse, or a span grown into a wall of text, is not the judged link
    assert judgements.verdict("Romans 1:17", "Habakkuk 2:5", "The righteous will live by faith",
                              "the righteous will live by faith") == (None, False)
    wall = "the righteous will live by faith. Moreover, wine betrays the proud man; he is never at rest"
    assert judgements.verdict("Romans 1:17", "Habakkuk 2:4–2:5", "The righteous will live by faith", wall) == (None, False)
    assert judgements.verdict("Luke 9:57", "Ruth 1:16", "I will follow You wherever You go",
                              "following you. For wherever you go")[0].genuine is False


def test_wilson_interval_matches_the_published_values():
    lo, hi = wilson_interval(8, 10)
    assert (round(lo, 3), round(hi, 3)) == (0.49, 0.943)
    lo, hi = wilson_interval(30, 30)
    assert hi == 1.0 and 0.88 < lo < 0.89
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_every_judgement_in_the_data_file_stands_in_its_verses(bsb):
    """A judgement whose verses or texts do not match the BSB would never be found again."""
    data = json.loads((BENCHMARKS / "xref_judgements.json").read_text(encoding="utf-8"))
    loaded = Judgements.load(BENCHMARKS / "xref_judgements.json")
    assert len(loaded.all) == len(data["judgements"]) >= 120
    keys = set()
    for j in loaded.all:
        assert j.key not in keys, f"judged twice: {j.source} ← {j.target}"
        keys.add(j.key)
        assert parse_range(j.source)[0] in NEW_TESTAMENT and parse_range(j.target)[0] in OLD_TESTAMENT
        assert j.reason
        for spec, text in ((j.source, j.source_text), (j.target, j.target_text)):
            assert verse_range(verses_of_span(text, _verses(bsb, spec))) == spec, (spec, text)


def test_the_two_lists_of_famous_quotations_are_apart_and_name_real_verses(bsb):
    sys.path.insert(0, str(BENCHMARKS))
    import bench_xref

    order = {vid: k for k, vid in enumerate(bsb)}
    first = {v for nt, ot in bench_xref.QUOTATIONS for v in bench_xref._expand(nt, order) | bench_xref._expand(ot, order)}
    second = {v for nt, ot in bench_xref.QUOTATIONS_MORE
              for v in bench_xref._expand(nt, order) | bench_xref._expand(ot, order)}
    assert len(bench_xref.QUOTATIONS_MORE) >= 25
    assert not first & second
    with pytest.raises(ValueError):
        bench_xref._expand("Hezekiah 1:1", order)
