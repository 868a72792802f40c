"""Stage 3, segment: sections, paragraphs, sentences and footnotes."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synopsis.ingest.clean import clean
from synopsis.ingest.model import Doc, DocumentMeta
from synopsis.ingest.segment import segment, split_sentences
from synopsis.languages import profile_for

CLOSING = tuple('.?!:;”"’)…')


def segmented(markdown: str, *, source_kind: str | None = None) -> Doc:
    doc = Doc(meta=DocumentMeta(id="made-up", title="Made up", language="en", source_kind=source_kind), format="markdown", source=markdown)
    return segment(clean(doc))


def texts(doc: Doc, spans) -> list[str]:
    return [doc.text[s.start : s.end] for s in spans]


# ------------------------------------------------------------------ the resolution


def test_paragraph_count_follows_from_the_source(resolution_doc):
    """77 paragraphs: the source's 113 blocks (split at blank lines), less the 13 blocks of
    front matter (the 20 lines test_clean.FRONT_MATTER lists), less the 23 page-break joins
    (the 21 + 2 pairs test_clean.PAGE_BREAK_JOINS and HYPHEN_JOINS list and check against
    the source), each of which merges two blocks into one."""
    blocks = [b for b in re.split(r"\n[ \t]*\n", resolution_doc.source) if b.strip()]
    assert len(blocks) == 113
    front = 13
    assert sum(len(b.strip().splitlines()) for b in blocks[:front]) == len(resolution_doc.front_matter) == 20
    assert blocks[front].startswith("1. THE central committee")
    joins = 21 + 2
    assert len(resolution_doc.paragraphs) == len(blocks) - front - joins == 77


def test_four_numbered_sections(resolution_doc):
    doc = resolution_doc
    assert [(s.ordinal, s.number) for s in doc.sections] == [(1, "1"), (2, "2"), (3, "3"), (4, "4")]
    openings = [doc.text[s.start : s.start + 20] for s in doc.sections]
    assert openings == ["1. THE central commi", "2. HOW, indeed, coul", "3. THE cult of the i", "4. UNANIMOUSLY appro"]
    assert doc.sections[0].heading == "THE central committee of the Communist Party of"
    assert doc.sections[1].heading == "HOW, indeed, could it happen that the cult"
    assert doc.sections[0].start == 0 and doc.sections[-1].end == doc.paragraphs[-1].end
    for before, after in zip(doc.sections, doc.sections[1:]):
        assert before.end < after.start


def test_sections_hold_their_paragraphs(resolution_doc):
    doc = resolution_doc
    by_section = {}
    for p in doc.paragraphs:
        by_section.setdefault(p.section, []).append(p.ordinal)
    assert sorted(by_section) == [1, 2, 3, 4]
    # Section openings, found by the printed numbers in the clean text.
    firsts = [next(p.ordinal for p in doc.paragraphs if doc.text[p.start :].startswith(f"{n}. ")) for n in "1234"]
    assert [by_section[n][0] for n in (1, 2, 3, 4)] == firsts
    assert all(doc.sections[p.section - 1].start <= p.start < p.end <= doc.sections[p.section - 1].end for p in doc.paragraphs)


def test_paragraphs_are_whole(resolution_doc):
    doc = resolution_doc
    assert [p.ordinal for p in doc.paragraphs] == list(range(1, 78))
    for text in texts(doc, doc.paragraphs):
        assert not text[0].islower(), text[:40]
        assert text.endswith(CLOSING), text[-40:]
        assert "\n" not in text
    body_source = doc.source[doc.source.index("1. THE central committee") :]
    for line in doc.front_matter:
        bare = line.strip("#* ")
        if bare not in body_source:  # words the body itself uses may of course stay
            assert all(bare not in t for t in texts(doc, doc.paragraphs)), line


def test_paragraph_offsets_point_at_the_same_words_in_the_source(resolution_doc):
    doc = resolution_doc

    def norm(s: str) -> str:  # whitespace normalised, emphasis marks and the scan's " ?" ignored
        return re.sub(r"\s+([?;:!])", r"\1", " ".join(s.replace("*", "").split()))

    for p in doc.paragraphs:
        text = doc.text[p.start : p.end]
        src = doc.offsets.to_source(p.start)
        assert norm(doc.source[src : src + 60])[:20] == norm(text)[:20]


def test_inline_list_items(resolution_doc):
    doc = resolution_doc
    items = [p for p in doc.paragraphs if p.kind == "list_item"]
    assert [doc.text[p.start : p.start + 20] for p in items] == [
        "Consistently to adhe", "Persistently to cont", "Fully to restore the", "To mobilise our cadr",
    ]
    intro = doc.paragraphs[items[0].ordinal - 2]
    assert doc.text[intro.start : intro.end].endswith("calls upon all party organisations:")
    assert {p.kind for p in doc.paragraphs} == {"body", "list_item"}


def test_paragraph_italics_are_relative(resolution_doc):
    doc = resolution_doc
    found = []
    for p in doc.paragraphs:
        text = doc.text[p.start : p.end]
        found += [text[s.start : s.end] for s in p.italics]
    assert found == [doc.span_text(s) for s in doc.italics]
    citation = next(p for p in doc.paragraphs if "(Works, Vol. 26, Page 431)" in doc.text[p.start : p.end])
    text = doc.text[citation.start : citation.end]
    assert [text[s.start : s.end] for s in citation.italics] == ["Works, Vol. 26, Page 431"]


def test_sentences_respect_initials_and_abbreviations(resolution_doc):
    doc = resolution_doc
    sents = texts(doc, doc.sentences)
    starts = {s[:30] for s in sents}
    # Initials do not end sentences.
    assert any(s.startswith("J. V. Stalin, who held the post of general secretary") for s in sents)
    assert not any(s in ("J.", "V.", "I.") or s.startswith(("V. Stalin", "I. Lenin", "Stalin, who held")) for s in sents)
    assert any("said V. I. Lenin, \"creates something immeasurably higher" in s for s in sents)
    # Citations stay in their sentence.
    assert any(s.endswith('a forecast of the greatest genius" (Works, Vol. 26, Page 431).') for s in sents)
    assert any(s.endswith('thrown out of it." (Karl Marx and Friedrich Engels, Works, Vol. 26, First Russian Edition, Pages 487-488).') for s in sents)
    # A section number is not a sentence.
    assert sents[0].startswith("1. THE central committee of the Communist Party")
    # Real boundaries after acronyms, "?" and "etc." with quotes.
    assert "The reason they are doing so i" in starts
    assert any(s.endswith("told the 20th Congress of the C.P.S.U.?") for s in sents)
    assert any(s.endswith("a stand which would in fact have led to the restoration of capitalism in the U.S.S.R.") for s in sents)
    assert "The party launched a ruthless " in starts
    assert any(s.endswith("a less capricious temper, etc.”") for s in sents)
    assert any(s.endswith("by, in their opinion, its undemocratic nature, etc.") for s in sents)
    assert any("arbitrariness, etc., were substantially reduced." in s for s in sents)
    assert any(s.endswith('for a long time to see "who beats whom?"') for s in sents)
    assert "After Lenin's death, hostile t" in starts


def test_sentences_tile_their_paragraphs(resolution_doc):
    doc = resolution_doc
    for p in doc.paragraphs:
        own = [s for s in doc.sentences if s.paragraph == p.ordinal]
        assert [s.ordinal for s in own] == list(range(1, len(own) + 1))
        assert own[0].start == p.start and own[-1].end == p.end
        for a, b in zip(own, own[1:]):
            assert doc.text[a.end : b.start] == " "
    assert len(doc.sentences) == sum(len(split_sentences(t, profile_for("en"))) for t in texts(doc, doc.paragraphs))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith met Dr. Jones. They spoke.", ["Mr. Smith met Dr. Jones.", "They spoke."]),
        ("See No. 20 and Vol. 26 of the works. Then read.", ["See No. 20 and Vol. 26 of the works.", "Then read."]),
        ("He said no. Then he left.", ["He said no.", "Then he left."]),
        ('He wrote: "It is done." Then he slept.', ['He wrote: "It is done."', "Then he slept."]),
        ("He asked “why?” and left. Really?! Yes…", ["He asked “why?” and left.", "Really?!", "Yes…"]),
        ("Compare e.g. Lenin. Or cf. Marx.", ["Compare e.g. Lenin.", "Or cf. Marx."]),
        ("The C.P.S.U. central committee met. Work began.", ["The C.P.S.U. central committee met.", "Work began."]),
        ("IV. The fourth point. It follows.", ["IV. The fourth point.", "It follows."]),
        ("  Leading and trailing space.  ", ["Leading and trailing space."]),
        ("No terminator at all", ["No terminator at all"]),
    ],
)
def test_split_sentences(text, expected):
    assert [text[s.start : s.end] for s in split_sentences(text, profile_for("en"))] == expected


# ------------------------------------------------------------ made-up texts


HEADED = (
    "# The Title\n\n## Part One\n\nProse of the first part, a full sentence.\n\n"
    "> A quoted sentence. Another one.\n\n## 2. Part Two\n\n- An item;\n\n- Another item."
)


def test_headings_open_sections_and_are_paragraphs():
    doc = segmented(HEADED, source_kind="scan")  # a scan's title block is front matter
    assert [(s.ordinal, s.number, s.heading) for s in doc.sections] == [(1, None, "Part One"), (2, "2", "2. Part Two")]
    assert [(p.kind, p.section) for p in doc.paragraphs] == [
        ("heading", 1), ("body", 1), ("blockquote", 1), ("heading", 2), ("list_item", 2), ("list_item", 2)
    ]
    assert texts(doc, doc.sentences)[2:4] == ["A quoted sentence.", "Another one."]
    assert doc.front_matter == ["# The Title"]


def test_a_born_digital_title_stays_a_heading_of_its_own():
    doc = segmented(HEADED)
    assert doc.front_matter == []
    assert [(s.number, s.heading) for s in doc.sections] == [(None, "The Title"), (None, "Part One"), ("2", "2. Part Two")]
    assert [p.kind for p in doc.paragraphs] == ["heading", "heading", "body", "blockquote", "heading", "list_item", "list_item"]


def test_numbered_sections_must_follow_in_sequence():
    doc = segmented(
        "1. The first section opens with this long sentence of prose.\n\n"
        "3. A stray number that does not follow in sequence stays a paragraph.\n\n"
        "2. The second section opens here.\n\nA paragraph before the first section? No: after it."
    )
    assert [s.number for s in doc.sections] == ["1", "2"]
    assert [p.section for p in doc.paragraphs] == [1, 1, 2, 2]


def test_paragraphs_before_the_first_section_have_none():
    doc = segmented("An unnumbered opening paragraph of prose.\n\n1. The first section.\n\nMore.")
    assert [p.section for p in doc.paragraphs] == [None, 1, 1]


def test_footnotes_link_to_their_calling_paragraph():
    doc = segmented(
        "The first paragraph has a call[^1] in it and goes on for a while.\n\n"
        "The second paragraph has no call at all.\n\n"
        "The third calls the second note[^b] and ends.\n\n"
        "[^1]: The first note.\n\n[^b]: The *second* note."
    )
    assert len(doc.paragraphs) == 3
    assert texts(doc, doc.footnotes) == ["The first note.", "The second note."]
    first, second = doc.footnotes
    assert (first.marker, first.paragraph) == ("1", 1)
    p1 = doc.text[doc.paragraphs[0].start : doc.paragraphs[0].end]
    assert p1[: first.call_offset].endswith("has a call") and p1[first.call_offset :].startswith(" in it")
    assert (second.marker, second.paragraph) == ("b", 3)
    p3 = doc.text[doc.paragraphs[2].start : doc.paragraphs[2].end]
    assert p3[: second.call_offset].endswith("the second note")
    assert all(f.start > doc.paragraphs[-1].end for f in doc.footnotes)


def test_an_uncalled_footnote_has_no_paragraph():
    doc = segmented("A paragraph without any call at all.\n\n[^9]: A lonely note.")
    assert [(f.marker, f.paragraph, f.call_offset) for f in doc.footnotes] == [("9", None, None)]


# ------------------------------------------------------------------ properties


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_span_slices_back_to_its_text(markdown_documents, data):
    source = data.draw(markdown_documents)
    doc = segmented(source)
    body = [b for b in doc.blocks if b.kind != "footnote"]
    assert [(p.start, p.end) for p in doc.paragraphs] == [(b.start, b.end) for b in body]
    for p in doc.paragraphs:
        text = doc.text[p.start : p.end]
        assert text and text == text.strip() and "\n" not in text
        own = [s for s in doc.sentences if s.paragraph == p.ordinal]
        assert own and own[0].start == p.start and own[-1].end == p.end
        for s in own:
            sentence = doc.text[s.start : s.end]
            assert sentence and sentence == sentence.strip()
        for a, b in zip(own, own[1:]):
            assert a.end < b.start and doc.text[a.end : b.start].isspace()
        for i in p.italics:
            assert 0 <= i.start < i.end <= len(text)
    for s in doc.sections:
        assert doc.text[s.start : s.end].strip() == doc.text[s.start : s.end]
