"""Cleaning invariants that ``tests/test_clean.py`` does not already state, property-tested.

``test_clean.py`` shows that cleaning is idempotent, that every clean character maps back
to the same character of the source, and that no word is lost outside what is removed on
purpose. Two things remain:

* nothing is *duplicated*: the clean text's characters come from strictly increasing
  source offsets, so no stretch of the source is used twice;
* documents that open with a title block (the resolution's shape; the shared strategy
  opens with prose): whatever is cut is reported in ``removed`` as front matter or markup,
  and every word outside the reported spans is still there, in order.
"""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synopsis.ingest.clean import clean_markdown

PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TITLE_BLOCKS = st.lists(
    st.sampled_from([
        "# ON OVERCOMING THE CULT OF THE INDIVIDUAL",
        "**Resolution of the Central Committee**",
        "*June 30, 1956*",
        "SOVIET NEWS BOOKLET No. 20",
        "Price 4d.",
        "---",
        "Digitized by the Internet Archive in 2018",
        "## Contents",
    ]),
    min_size=1, max_size=5,
)


def non_space_sources(result) -> list[int]:
    return [result.offsets.to_source(i) for i, ch in enumerate(result.text) if not ch.isspace()]


@PROPERTY
@given(data=st.data())
def test_no_stretch_of_the_source_is_used_twice(markdown_documents, data):
    source = data.draw(markdown_documents)
    if data.draw(st.booleans()):
        source = "\n\n".join(data.draw(TITLE_BLOCKS)) + "\n\n" + source
    result = clean_markdown(source)
    offsets = non_space_sources(result)
    assert all(a < b for a, b in zip(offsets, offsets[1:]))
    for i, ch in enumerate(result.text):
        if not ch.isspace():
            assert source[result.offsets.to_source(i)] == ch


@PROPERTY
@given(data=st.data())
def test_a_title_block_is_reported_and_no_other_word_is_lost(markdown_documents, data):
    title = "\n\n".join(data.draw(TITLE_BLOCKS))
    source = title + "\n\n" + data.draw(markdown_documents)
    result = clean_markdown(source)

    reported = [(start, end) for why, start, end in result.removed]
    assert all(0 <= start <= end <= len(source) for start, end in reported)
    # every word of the source is in the clean text, in order, or inside a reported span
    position = 0
    for match in re.finditer(r"\w+", source):
        if any(start < match.end() and match.start() < end for start, end in reported):
            continue
        found = result.text.find(match.group(), position)
        assert found != -1, (match.group(), match.start())
        position = found + len(match.group())
    # and a word that is gone was reported
    used = set(non_space_sources(result))
    for match in re.finditer(r"\w+", source):
        if not any(i in used for i in range(match.start(), match.end())):
            assert any(start <= match.start() and match.end() <= end for start, end in reported), match.group()
