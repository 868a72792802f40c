"""Highlighting escapes the text first and then adds marks, whatever the text and the spans."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from synopsis.publish.highlight import MARK_END, MARK_START, highlight, mark_snippet, merge_spans, split_text

HOSTILE = "<script>alert(1)</script>"


def test_overlapping_and_touching_spans_merge_into_one_mark():
    assert merge_spans([(5, 10), (8, 14), (14, 16), (20, 22)], 30) == [(5, 16), (20, 22)]
    assert str(highlight("abcdefghijklmnop", [(2, 6), (4, 8)])) == "ab<mark>cdefgh</mark>ijklmnop"


def test_spans_at_the_edges_and_out_of_range_are_clamped():
    text = "whole paragraph"
    assert str(highlight(text, [(0, len(text))])) == "<mark>whole paragraph</mark>"
    assert str(highlight(text, [(-5, 5), (10, 99)])) == "<mark>whole</mark> para<mark>graph</mark>"
    assert str(highlight(text, [(7, 7), (9, 3)])) == "whole paragraph"  # empty and reversed spans: no mark


def test_hostile_text_is_escaped_inside_and_outside_marks():
    text = f"a {HOSTILE} b <b>c</b>"
    html = str(highlight(text, [(2, 10)]))
    assert "<script>" not in html and "<b>" not in html
    assert html == "a <mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt; b &lt;b&gt;c&lt;/b&gt;"


def test_highlight_returns_markup_that_jinja_leaves_alone():
    assert isinstance(highlight("x & y", [(0, 1)]), Markup)
    assert str(highlight(None)) == ""


def test_snippet_sentinels_become_marks_after_escaping():
    snippet = f"… the {MARK_START}cult{MARK_END} of {HOSTILE} {MARK_START}<b>{MARK_END} …"
    html = str(mark_snippet(snippet))
    assert html == "… the <mark>cult</mark> of &lt;script&gt;alert(1)&lt;/script&gt; <mark>&lt;b&gt;</mark> …"


def test_unpaired_sentinels_are_dropped_not_left_open():
    assert str(mark_snippet(f"a {MARK_START}b c")) == "a b c"
    assert str(mark_snippet(f"a {MARK_END}b {MARK_START}c{MARK_END}")) == "a b <mark>c</mark>"


spans = st.lists(st.tuples(st.integers(-5, 60), st.integers(-5, 60)), max_size=6)


@given(st.text(max_size=50), spans)
def test_pieces_rebuild_the_text_and_marks_never_nest(text, spans):
    pieces = split_text(text, spans)
    assert "".join(piece for piece, _ in pieces) == text
    html = str(highlight(text, spans))
    assert html.count("<mark>") == html.count("</mark>") == sum(1 for _, marked in pieces if marked)
    stripped = html.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped
