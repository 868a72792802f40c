"""Stage 2, clean: the scan's repairs on the real resolution, markup on made-up texts, and
the invariants (idempotence, offsets, nothing lost) as properties."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synopsis.ingest.clean import clean_markdown

# Every page break in the resolution where a paragraph runs on, as (end of the first block,
# start of the next) — read off the source by hand: the 21 blocks that end without closing
# punctuation or are followed by a block starting in lowercase, plus the two hyphenated
# words below. Checked against the source itself in test_joins_are_real_block_boundaries.
PAGE_BREAK_JOINS = [
    ("making most of their attacks on the shortcomings about which the", "central committee of our party told the 20th Congress"),
    ("The fraternal communist and workers' parties have detected", "this move of the enemies of socialism in good time"),
    ("declared that he and Friedrich", "Engels joined the association of communists"),
    ("Quite the reverse, they", "would have tried to pass over in silence"),
    ("the cult of the individual of J. V. Stalin,", "which the party has made public"),
    ("The enemies of the Soviet Union both in the", "West and in the East, continued to plot"),
    ("collectivising agriculture and making a cultural revolution. The", "Soviet people and the Communist Party have had to overcome"),
    ("With the progress achieved in", "socialist construction the living standards"),
    ("contributed in great measure to building up the cult of the individual. Towards", "the end of 1922 Lenin said"),
    ("during the war against the Nazi invaders, into", "the standards of party and governmental life"),
    ("As a result of the machinations of our enemies, many honest", "communists and non-party people had been slandered"),
    ("the Soviet people knew Stalin as a man always", "acting in the defence of the U.S.S.R."),
    ("the cult of J. V. Stalin's personality coming into being", "and spreading."),
    ("by who owns the means", "of production in society"),
    ("made it possible to tap the tremendous", "creative energy of the people."),
    ("that the Communist Party of the Soviet Union and the", "Soviet people will be still more united"),
    ("the essence of the socialist system was not", "lost, just as not a single one"),
    ("and primarily of the", "supreme principle of collective leadership"),
    ("all the communist", "parties base themselves on the national peculiarities"),
    ("draw the necessary", "conclusions from it."),
    ("have been established among the", "socialist countries, new favourable conditions"),
]
HYPHEN_JOINS = [
    ("The condemnation of the cult of J. V. Stalin and its conse-", "quences has evoked endorsement", "its consequences has evoked endorsement"),
    ("hand in hand with all the peace-", "ful forces, the prevention of a new world war", "all the peaceful forces, the prevention"),
]
REAL_HYPHENS = ["co-operation", "Marxism-Leninism", "anti-Soviet", "thorough-going", "self-criticism",
                "peace-loving", "after-effects", "non-party", "working-class", "age-old", "agents-provocateur"]
FRONT_MATTER = [
    "# On Overcoming the Cult of the Individual and Its Consequences",
    "---",
    "## *Resolution of the Central Committee of the Communist Party of the Soviet Union*",
    "*30th June 1956*",
    "---",
    "NEWS BOOKLET No. 20",
    "4d",
    "HX",
    "632",
    "A1",
    "W9",
    "No. 1460",
    "MAIN",
    "Digitized by the Internet Archive",
    "in 2018 with funding from",
    "University of Alberta Libraries",
    "# ON OVERCOMING THE CULT OF THE INDIVIDUAL AND ITS CONSEQUENCES",
    "*Resolution of the Central Committee of",
    "the Communist Party of the Soviet Union*",
    "June 30, 1956",
]
# What is printed in italics in the body (each *...* of the source, read by hand).
ITALICS = [
    "Karl Marx and Friedrich Engels, Works, Vol. 26, First Russian Edition, Pages 487-488",
    "Works, Vol. 26, Page 431",
    "Jenminjihpao",
    "Nuovi Argomenti",
    "Works, Vol. 21, Page 150",
    "agents-provocateur",
]
WHY = {"front matter", "markup", "page break", "hyphen", "whitespace"}


def source_blocks(source: str) -> list[str]:
    """The source's blocks by the plainest rule (split at blank lines), independent of clean."""
    return [b.strip() for b in re.split(r"\n[ \t]*\n", source) if b.strip()]


def squash(text: str) -> str:
    return " ".join(text.split())


def paragraph_texts(doc) -> list[str]:
    return [doc.text[p.start : p.end] for p in doc.paragraphs]


# ------------------------------------------------------------------ the resolution


def test_joins_are_real_block_boundaries(resolution_doc):
    """Each listed pair really is the end of one source block and the start of the next."""
    blocks = [squash(b) for b in source_blocks(resolution_doc.source)]
    pairs = [(a, b) for a, b in PAGE_BREAK_JOINS] + [(a, b) for a, b, _ in HYPHEN_JOINS]
    for end, start in pairs:
        hits = [i for i in range(len(blocks) - 1) if blocks[i].endswith(end) and blocks[i + 1].startswith(start)]
        assert len(hits) == 1, (end, start)


@pytest.mark.parametrize(("end", "start"), PAGE_BREAK_JOINS, ids=[s[:25] for _, s in PAGE_BREAK_JOINS])
def test_paragraph_split_at_a_page_break_is_rejoined(resolution_doc, end, start):
    joined = f"{end} {start}"
    assert sum(joined in p for p in paragraph_texts(resolution_doc)) == 1


def test_every_page_break_is_accounted_for(resolution_doc):
    breaks = [r for r in resolution_doc.removed if r[0] == "page break"]
    assert len(breaks) == len(PAGE_BREAK_JOINS) + len(HYPHEN_JOINS) == 23
    assert all(resolution_doc.source[a:b].strip() == "" for _, a, b in breaks)


@pytest.mark.parametrize(("end", "start", "joined"), HYPHEN_JOINS, ids=["consequences", "peaceful"])
def test_word_hyphenated_across_a_page_break_is_rejoined(resolution_doc, end, start, joined):
    assert joined in resolution_doc.text
    head, tail = end.split()[-1], start.split()[0]
    assert head not in resolution_doc.text.split()  # no "conse-" or "peace-" left standing
    assert f"{head.rstrip('-')} {tail}" not in resolution_doc.text
    hyphens = [(a, b) for why, a, b in resolution_doc.removed if why == "hyphen"]
    assert [resolution_doc.source[a:b] for a, b in hyphens] == ["-", "-"]


@pytest.mark.parametrize("word", REAL_HYPHENS)
def test_real_hyphens_are_kept(resolution_doc, word):
    assert resolution_doc.source.count(word) > 0
    assert resolution_doc.text.count(word) == resolution_doc.source.count(word)


def test_front_matter_is_removed_and_recorded(resolution_doc):
    assert resolution_doc.front_matter == FRONT_MATTER
    assert resolution_doc.text.startswith("1. THE central committee of the Communist Party")
    for line in ["NEWS BOOKLET", "HX 632", "Digitized by", "University of Alberta", "June 30, 1956",
                 "30th June 1956", "ON OVERCOMING THE CULT", "MAIN"]:
        assert line not in resolution_doc.text
    fm = [(a, b) for why, a, b in resolution_doc.removed if why == "front matter"]
    assert len(fm) == 13  # the 13 blocks before "1. THE central committee"
    assert resolution_doc.source[fm[-1][0] : fm[-1][1]] == "June 30, 1956"


def test_italic_spans_slice_to_the_italic_words(resolution_doc):
    assert [resolution_doc.span_text(s) for s in resolution_doc.italics] == ITALICS
    assert "(Works, Vol. 26, Page 431)." in resolution_doc.text


def test_markup_is_gone(resolution_doc):
    text = resolution_doc.text
    assert "*" not in text and "#" not in text and "---" not in text
    assert "\n3. THE cult of the individual, unquestionably" in text  # "**3.**" loses its bold marks


def test_space_before_punctuation_is_removed(resolution_doc):
    text = resolution_doc.text
    assert "conditions of the Soviet system?" in text
    assert "the 20th Congress of the C.P.S.U.? The reason" in text
    assert "to the coming party congress:" in text
    assert "for the victory of communism;" in text
    assert re.search(r"\s[?;:!]", text) is None


def test_quotation_marks_are_untouched(resolution_doc):
    for mark in "“”‘’\"'":
        assert resolution_doc.text.count(mark) == resolution_doc.source.count(mark), mark


def test_blocks_are_separated_by_one_blank_line(resolution_doc):
    text = resolution_doc.text
    assert text == text.strip()
    assert "\n\n\n" not in text and "  " not in text
    assert re.search(r"(?<!\n)\n(?!\n)", text) is None  # no lone newline inside a block
    assert text.split("\n\n") == paragraph_texts(resolution_doc)


def test_every_clean_character_maps_back_to_itself(resolution_doc):
    doc = resolution_doc
    for i, ch in enumerate(doc.text):
        if not ch.isspace():
            assert doc.source[doc.offsets.to_source(i)] == ch, (i, doc.text[i - 20 : i + 20])


def test_offset_map_is_small(resolution_doc):
    # An anchor per block, markup mark and whitespace repair — far fewer than characters.
    assert len(resolution_doc.offsets.clean) < len(resolution_doc.text) / 100


def test_removed_spans_name_their_reason(resolution_doc):
    removed = resolution_doc.removed
    assert {why for why, _, _ in removed} <= WHY
    assert removed == sorted(removed, key=lambda r: (r[1], r[2]))
    markup = [resolution_doc.source[a:b] for why, a, b in removed if why == "markup"]
    assert sorted(set(markup)) == ["*", "**"]


# ------------------------------------------------------------ made-up texts: markup


def test_headings_quotes_lists_and_hard_breaks():
    source = (
        "This opening paragraph is prose, long enough to count as the start of the text.\n\n"
        "## A Heading ##\n\n"
        "> A quoted line  \n> and its second line.\n\n"
        "- First item;\n- Second _item_ with snake_case kept.\n\n"
        "A paragraph with a hard  \nbreak and   runs of\tspaces !"
    )
    r = clean_markdown(source)
    assert r.text.split("\n\n") == [
        "This opening paragraph is prose, long enough to count as the start of the text.",
        "A Heading",
        "A quoted line and its second line.",
        "First item;",
        "Second item with snake_case kept.",
        "A paragraph with a hard break and runs of spaces!",
    ]
    assert [(b.kind, b.level) for b in r.blocks] == [
        ("body", 0), ("heading", 2), ("blockquote", 0), ("list_item", 0), ("list_item", 0), ("body", 0)
    ]
    assert [r.text[s.start : s.end] for s in r.italics] == ["item"]
    assert r.front_matter == []


def test_bold_is_removed_without_an_italic_record_and_triple_is_italic():
    r = clean_markdown("Some **bold** words and ***both at once*** here, and *italic*.")
    assert r.text == "Some bold words and both at once here, and italic."
    assert [r.text[s.start : s.end] for s in r.italics] == ["both at once", "italic"]


def test_unmatched_asterisks_stay_as_printed():
    r = clean_markdown("Five * three is fifteen, and *this is not closed.")
    assert r.text == "Five * three is fifteen, and *this is not closed."
    assert r.italics == []


def test_footnote_calls_are_removed_and_definitions_moved_after_the_body():
    source = (
        "The first paragraph has a call[^1] in it and goes on for a while.\n\n"
        "[^1]: The first note, placed between paragraphs.\n\n"
        "The second paragraph ends with a call [^note].\n\n"
        "[^note]: The second note, with *emphasis*."
    )
    r = clean_markdown(source)
    assert r.text.split("\n\n") == [
        "The first paragraph has a call in it and goes on for a while.",
        "The second paragraph ends with a call.",
        "The first note, placed between paragraphs.",
        "The second note, with emphasis.",
    ]
    assert [(b.kind, b.marker) for b in r.blocks] == [
        ("body", None), ("body", None), ("footnote", "1"), ("footnote", "note")
    ]
    first_call, second_call = r.footnote_calls
    assert first_call[0] == "1" and r.text[: first_call[1]].endswith("has a call")
    assert second_call[0] == "note" and r.text[: second_call[1]].endswith("ends with a call")
    assert [r.text[s.start : s.end] for s in r.italics] == ["emphasis"]


def test_blocks_of_nothing_but_markup_are_dropped():
    r = clean_markdown("Prose comes first, as it should.\n\n[^1]\n\n#\n\n>\n\n***\n\nMore prose.")
    assert r.text == "Prose comes first, as it should.\n\nMore prose."
    assert [why for why, _, _ in r.removed] == ["markup"] * 4


def test_plain_text_keeps_asterisks_and_hashes():
    r = clean_markdown("A *starred* word and # sign, in a plain text file.\n\n# Not a heading here.", markup=False)
    assert r.text == "A *starred* word and # sign, in a plain text file.\n\n# Not a heading here."
    assert [b.kind for b in r.blocks] == ["body", "body"]


def test_backslash_escapes_are_text_not_markup():
    source = ("An \\[added\\] verse, five \\* three, snake\\_case, a \\[^1] that is no call, "
              "a kept \\\\ backslash and \\w too.\n\n\\# Not a heading, \\*not italic\\*.")
    r = clean_markdown(source, front_matter=False)
    assert r.text.split("\n\n") == [
        "An [added] verse, five * three, snake_case, a [^1] that is no call, a kept \\ backslash and \\w too.",
        "# Not a heading, *not italic*.",
    ]
    assert r.italics == [] and r.footnote_calls == [] and [b.kind for b in r.blocks] == ["body", "body"]
    for i, ch in enumerate(r.text):  # each escaped character maps to itself, its backslash is removed markup
        if not ch.isspace():
            assert source[r.offsets.to_source(i)] == ch
    assert sum(why == "markup" and source[a:b] == "\\" for why, a, b in r.removed) == 9


def test_plain_text_keeps_its_backslashes():
    assert clean_markdown("A \\[plain\\] file.", markup=False).text == "A \\[plain\\] file."


# ------------------------------------------------- made-up texts: repairs, front matter


def test_a_text_that_opens_with_prose_keeps_everything():
    source = "Comrades!\n\nWe meet today in difficult times.\n\nJune 30, 1956"
    r = clean_markdown(source)
    assert r.front_matter == []
    assert r.text == source


def test_title_page_before_the_first_prose_paragraph_is_front_matter():
    source = (
        "# A Title\n\n*A Subtitle in Italics*\n\nPRICE 6d\n\nLondon, 1957\n\n"
        "Digitised by a library in 2020 with funding from someone generous and kind\n\n"
        "The text proper begins here, with a sentence of ordinary prose.\n\nAnd goes on."
    )
    r = clean_markdown(source)
    assert r.front_matter == [
        "# A Title", "*A Subtitle in Italics*", "PRICE 6d", "London, 1957",
        "Digitised by a library in 2020 with funding from someone generous and kind",
    ]
    assert r.text == "The text proper begins here, with a sentence of ordinary prose.\n\nAnd goes on."


def test_a_section_heading_is_not_front_matter_when_its_level_recurs():
    source = "# The Title\n\n## Part One\n\nProse of the first part, a full sentence.\n\n## Part Two\n\nMore prose."
    r = clean_markdown(source)
    assert r.front_matter == ["# The Title"]
    assert r.text.split("\n\n") == ["Part One", "Prose of the first part, a full sentence.", "Part Two", "More prose."]


def test_front_matter_can_be_kept():
    r = clean_markdown("NEWS BOOKLET No. 20\n\nA sentence of prose follows the title.", front_matter=False)
    assert r.text == "NEWS BOOKLET No. 20\n\nA sentence of prose follows the title."


def test_hyphen_kept_when_the_document_uses_the_hyphenated_form():
    source = (
        "We value co-operation between nations and peoples of the world over all else in the\n\n"
        "world, and the spirit of co-\n\noperation guides us in every single one of our many actions."
    )
    assert "the spirit of co-operation guides us" in clean_markdown(source).text


def test_hyphen_dropped_for_a_plain_fragment_and_kept_before_a_capital():
    source = (
        "This is an exam-\n\nple of a word broken at a page break in a long paragraph of anti-\n\n"
        "Soviet slander that the scan has printed over a page."
    )
    r = clean_markdown(source)
    assert r.text == (
        "This is an example of a word broken at a page break in a long paragraph of anti-Soviet "
        "slander that the scan has printed over a page."
    )
    assert [why for why, _, _ in r.removed if why in ("hyphen", "page break")] == ["hyphen", "page break", "page break"]


def test_short_unpunctuated_block_before_a_capital_is_not_joined():
    source = "A paragraph that ends as it should.\n\nChapter Two\n\nThe next paragraph starts here."
    assert clean_markdown(source).text == source


def test_list_intro_and_items_are_not_joined():
    source = (
        "On the basis of all this the committee calls upon all party organisations:\n\n"
        "To adhere to the principles ;\n\nTo continue the work ;\n\nTo mobilise the cadres."
    )
    assert clean_markdown(source).text.split("\n\n") == [
        "On the basis of all this the committee calls upon all party organisations:",
        "To adhere to the principles;",
        "To continue the work;",
        "To mobilise the cadres.",
    ]


# ------------------------------------------------------------------ properties

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(data=st.data())
def test_cleaning_is_idempotent(markdown_documents, data):
    source = data.draw(markdown_documents)
    once = clean_markdown(source).text
    assert clean_markdown(once).text == once


@PROPERTY
@given(data=st.data())
def test_clean_text_is_normalised_and_maps_back(markdown_documents, data):
    source = data.draw(markdown_documents)
    r = clean_markdown(source)
    text = r.text
    assert text == text.strip() and "\n\n\n" not in text and "  " not in text
    assert re.search(r" [?;:!]", text) is None
    for i, ch in enumerate(text):
        if not ch.isspace():
            assert source[r.offsets.to_source(i)] == ch
    for s in r.italics:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == text[s.start : s.end].strip()


@PROPERTY
@given(data=st.data())
def test_no_word_is_lost(markdown_documents, data):
    """Every word of the source outside front matter and markup is in the clean text, in order."""
    source = data.draw(markdown_documents)
    r = clean_markdown(source)
    dropped = [(a, b) for why, a, b in r.removed if why in ("front matter", "markup")]
    pos = 0
    for m in re.finditer(r"\w+", source):
        if any(a < m.end() and m.start() < b for a, b in dropped):
            continue
        found = r.text.find(m.group(), pos)
        assert found != -1, m.group()
        pos = found + len(m.group())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab A.,?;:!-*_#>[]^1 \n\t“”\"'\\", max_size=200))
def test_any_text_cleans_to_normalised_text_that_maps_back(source):
    r = clean_markdown(source)
    text = r.text
    assert text == text.strip() and "\n\n\n" not in text and "  " not in text and "\t" not in text
    for i, ch in enumerate(text):
        if not ch.isspace():
            assert source[r.offsets.to_source(i)] == ch
    for block in r.blocks:
        assert text[block.start : block.end] == text[block.start : block.end].strip()


# ------------------------------------------------------------------ size


@pytest.mark.slow
def test_fifty_megabyte_paragraph_is_cleaned_as_one_paragraph(tmp_path):
    from synopsis.ingest.model import Doc, DocumentMeta
    from synopsis.ingest.read import read
    from synopsis.ingest.clean import clean
    from synopsis.ingest.segment import segment

    unit = "The party of the *revolutionary* proletariat, said V. I. Lenin :  it is strong enough to criticise itself. "
    size = 50 * 1024 * 1024
    path = tmp_path / "big.md"
    path.write_text((unit * (size // len(unit) + 1))[:size].rstrip() + " end.", encoding="utf-8")
    doc = Doc(meta=DocumentMeta(id="big", title="Big", folder=tmp_path, source_file="big.md"))
    doc = segment(clean(read(doc)))
    # Compare short slices only: a failure must not print 50 MB.
    assert len(doc.paragraphs) == 1
    assert (doc.paragraphs[0].start, doc.paragraphs[0].end) == (0, len(doc.text))
    opening = "The party of the revolutionary proletariat, said V. I. Lenin: it is strong enough"
    assert doc.text[: len(opening)] == opening
    assert doc.text[-5:] == " end."
    assert len(doc.italics) == doc.source.count("*revolutionary*")
    assert len(doc.sentences) == doc.source.count("itself. ") + 1
