"""The annotate stage: quotations, terms and titles, with speaker, citation and offsets.

The expectations for the resolution come from reading it: every quoted passage, who says
it, what kind it is and the reference printed after it.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synopsis.ingest import annotate as annotate_module
from synopsis.ingest.annotate import annotate
from synopsis.ingest.model import Doc, DocumentMeta, Paragraph, Span
from synopsis.languages import profile_for
from synopsis.lexicon.corpus import read_corpus_lexicon
from tests.conftest import DOCUMENTS

# The resolution and the made-up passages below are English: the English profile's rules,
# with the corpus's names (documents/lexicon.toml).
EN = profile_for("en", read_corpus_lexicon(DOCUMENTS))
QUOTE_MARKS = annotate_module.quote_marks(EN)
SPEAKERS = EN.speakers()
canonical_speaker = functools.partial(annotate_module.canonical_speaker, profile=EN)
find_quotations = functools.partial(annotate_module.find_quotations, profile=EN)
is_term = functools.partial(annotate_module.is_term, profile=EN)
is_title = functools.partial(annotate_module.is_title, profile=EN)
looks_title_cased = functools.partial(annotate_module.looks_title_cased, profile=EN)
speaker_after = functools.partial(annotate_module.speaker_after, profile=EN)
speaker_before = functools.partial(annotate_module.speaker_before, profile=EN)
speaker_in_clause = functools.partial(annotate_module.speaker_in_clause, profile=EN)

LENIN = "V. I. Lenin"
MARX = "Karl Marx"
JENMINJIHPAO = "Jenminjihpao editorial"
FRENCH_PB = "Political Bureau of the French Communist Party"
DENNIS = "Eugene Dennis"
TOGLIATTI = "Palmiro Togliatti"

# (opening of the quoted words, kind, speaker, citation, number of parts), in text order.
RESOLUTION_QUOTATIONS = [
    ("trouble the waters", "term", None, None, 1),
    ("any cult of the individual", "quotation", MARX, None, 1),
    ("on condition that everything making for superstitious worshipping", "quotation", MARX,
     "(Karl Marx and Friedrich Engels, Works, Vol. 26, First Russian Edition, Pages 487-488)", 1),
    ("hero", "term", None, None, 1),
    ("mob", "term", None, None, 1),
    ("The intellect of scores of millions creates something", "quotation", LENIN, "(Works, Vol. 26, Page 431)", 2),
    ("crusades", "term", None, None, 1),
    ("anti-Comintern pact", "term", None, None, 1),
    ("Berlin-Rome-Tokyo axis", "term", None, None, 1),
    ("who beats whom?", "term", None, None, 1),
    ("Comrade Stalin, after taking over the post of general secretary", "quotation", LENIN, None, 1),
    ("Stalin is excessively rude and this defect", "quotation", LENIN, None, 2),
    ("who will win?", "term", None, None, 1),
    ("On the historical experience of the dictatorship of the proletariat", "title", None, None, 1),
    ("The Communist Party of the Soviet Union, following Lenin's behests", "quotation", JENMINJIHPAO, None, 1),
    ("The merit of the leaders of the Communist Party of the Soviet Union is the fact", "quotation", FRENCH_PB, None, 2),
    ("The 20th Congress strengthened world peace and social progress.", "quotation", DENNIS, None, 1),
    ("certain forms of degeneration", "quotation", TOGLIATTI, None, 1),
    ("It is necessary to draw the conclusion that the essence", "quotation", TOGLIATTI, None, 1),
    ("The party of the revolutionary proletariat is sufficiently strong", "quotation", LENIN, "(Works, Vol. 21, Page 150)", 2),
    ("stimulating freedom", "term", None, None, 1),
    ("iron curtain", "term", None, None, 1),
    ("go", "term", None, None, 1),
    ("cloak and dagger", "term", None, None, 1),
    ("crisis", "term", None, None, 1),
    ("dismay", "term", None, None, 1),
]

TERMS = [q[0] for q in RESOLUTION_QUOTATIONS if q[1] == "term"]


@pytest.fixture(scope="module")
def annotated_resolution(resolution_doc) -> Doc:
    """The resolution after read, clean, segment and annotate (on a copy: the shared
    ``resolution_doc`` is left as segment made it)."""
    return annotate(dataclasses.replace(resolution_doc))


def quotation_starting(doc: Doc, words: str):
    matches = [q for q in doc.quotations if q.text.startswith(words)]
    assert len(matches) == 1, (words, [q.text[:40] for q in matches])
    return matches[0]


def paragraph_of(doc: Doc, quotation) -> Paragraph:
    return next(p for p in doc.paragraphs if p.ordinal == quotation.paragraph)


# --------------------------------------------------------------------------- the resolution


def test_the_shared_fixture_is_left_alone(resolution_doc, annotated_resolution):
    assert resolution_doc.quotations == [] and annotated_resolution.quotations


def test_every_quotation_of_the_resolution_in_order(annotated_resolution):
    doc = annotated_resolution
    found = [(q.kind, q.speaker, q.citation, len(q.parts)) for q in doc.quotations]
    expected = [(kind, speaker, citation, parts) for _, kind, speaker, citation, parts in RESOLUTION_QUOTATIONS]
    assert found == expected
    for q, (words, *_rest) in zip(doc.quotations, RESOLUTION_QUOTATIONS):
        assert q.text.startswith(words)


def test_counts_by_kind(annotated_resolution):
    assert Counter(q.kind for q in annotated_resolution.quotations) == {"quotation": 11, "term": 14, "title": 1}


def test_terms_are_the_quoted_words_without_the_sentence_punctuation(annotated_resolution):
    assert [q.text for q in annotated_resolution.quotations if q.kind == "term"] == TERMS


def test_every_substantive_quotation_has_a_speaker(annotated_resolution):
    speakers = Counter(q.speaker for q in annotated_resolution.quotations if q.kind == "quotation")
    assert speakers == {LENIN: 4, MARX: 2, TOGLIATTI: 2, JENMINJIHPAO: 1, FRENCH_PB: 1, DENNIS: 1}


def test_citations_are_kept_as_printed(annotated_resolution):
    doc = annotated_resolution
    cited = [q for q in doc.quotations if q.citation]
    assert [q.citation for q in cited] == [
        "(Karl Marx and Friedrich Engels, Works, Vol. 26, First Russian Edition, Pages 487-488)",
        "(Works, Vol. 26, Page 431)",
        "(Works, Vol. 21, Page 150)",
    ]
    for q in cited:
        assert q.citation in doc.text[q.end : q.end + len(q.citation) + 3]


def test_lenin_interrupted_by_his_attribution_is_one_quotation(annotated_resolution):
    doc = annotated_resolution
    q = quotation_starting(doc, "The intellect of scores of millions")
    assert [doc.span_text(p) for p in q.parts] == [
        "The intellect of scores of millions",
        "creates something immeasurably higher than a forecast of the greatest genius",
    ]
    assert q.text == (
        "The intellect of scores of millions creates something immeasurably higher than a "
        "forecast of the greatest genius"
    )
    assert "said V. I. Lenin" in doc.text[q.parts[0].end : q.parts[1].start]
    assert doc.text[q.start] == '"' and doc.text[q.end - 1] == '"'


def test_interrupted_quotations_leave_the_attribution_out_of_the_text(annotated_resolution):
    doc = annotated_resolution
    for words, attribution in [
        ("Stalin is excessively rude", "Lenin wrote"),
        ("The merit of the leaders", "a statement of the political bureau of the French Communist Party says"),
        ("The party of the revolutionary proletariat", "V. I. Lenin pointed out"),
    ]:
        q = quotation_starting(doc, words)
        assert len(q.parts) == 2
        assert attribution in doc.text[q.parts[0].end : q.parts[1].start]
        assert attribution not in q.text


def test_lenins_letter_is_attributed_from_the_paragraph_before(annotated_resolution):
    doc = annotated_resolution
    q = quotation_starting(doc, "Comrade Stalin, after taking over")
    paragraph = paragraph_of(doc, q)
    assert q.start == paragraph.start and q.ordinal == 1
    before = next(p for p in doc.paragraphs if p.ordinal == paragraph.ordinal - 1)
    assert doc.span_text(before).endswith("Lenin said in a letter to the coming party congress:")
    assert q.text.endswith("to use this power with the required care.")


def test_jenminjihpao_block_opens_straight_and_closes_typographic(annotated_resolution):
    doc = annotated_resolution
    q = quotation_starting(doc, "The Communist Party of the Soviet Union, following")
    assert doc.text[q.start] == '"' and doc.text[q.end - 1] == "”"
    assert q.start == paragraph_of(doc, q).start
    assert q.text.endswith("for lasting world peace.")
    assert "Lenin's behests" in q.text and "Stalin's great services" in q.text  # apostrophes kept inside


def test_title_of_the_editorial(annotated_resolution):
    doc = annotated_resolution
    (title,) = [q for q in doc.quotations if q.kind == "title"]
    assert title.text == "On the historical experience of the dictatorship of the proletariat"
    assert doc.text[title.start - len("in an editorial ") : title.start] == "in an editorial "


def test_offsets(annotated_resolution):
    doc = annotated_resolution
    by_paragraph: dict[int, list[int]] = {}
    for q in doc.quotations:
        paragraph = paragraph_of(doc, q)
        assert paragraph.start <= q.start < q.end <= paragraph.end
        whole = doc.text[q.start : q.end]
        assert whole[0] in QUOTE_MARKS
        assert whole[-1] in QUOTE_MARKS or q.end == paragraph.end
        assert q.parts and all(q.start < p.start < p.end < q.end for p in q.parts)
        assert " ".join(doc.span_text(p) for p in q.parts) == q.text
        by_paragraph.setdefault(q.paragraph, []).append(q.ordinal)
    assert all(ordinals == list(range(1, len(ordinals) + 1)) for ordinals in by_paragraph.values())
    spans = [(q.start, q.end) for q in doc.quotations]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_apostrophes_of_the_resolution_are_not_quote_marks(annotated_resolution):
    doc = annotated_resolution
    apostrophes = {m.start() for m in re.finditer(r"(?<=\w)['’](?=s\b|\s)", doc.text)}
    assert len(apostrophes) > 20  # workers' parties, Stalin's death, Lenin’s day, Togliatti’s ...
    edges = {q.start for q in doc.quotations} | {q.end - 1 for q in doc.quotations}
    assert not edges & apostrophes


# --------------------------------------------------------------------------- the predicates, on real words


def test_title_predicate_on_the_resolution(annotated_resolution):
    text = annotated_resolution.text
    editorial = text[: text.index('"On the historical experience')]
    assert is_title(editorial, "On the historical experience of the dictatorship of the proletariat")
    article = text[: text.index("“The 20th Congress strengthened")]
    assert article.endswith("says in his well-known article: ")
    assert not is_title(article, "The 20th Congress strengthened world peace and social progress.")
    assert not is_title("what was called the ", "anti-Comintern pact")
    assert is_title("we read ", "anything at all", italic=True)


def test_term_predicate():
    assert is_term("trouble the waters", None)
    assert is_term("who beats whom?", None)
    assert not is_term("certain forms of degeneration", TOGLIATTI)
    assert not is_term("on condition that everything making for superstitious worshipping", None)
    assert is_term("one two three four five six", None, term_max_words=6)


def test_title_case_predicate():
    assert looks_title_cased("On the Historical Experience of the Dictatorship")
    assert not looks_title_cased("On the historical experience of the dictatorship of the proletariat")
    assert not looks_title_cased("Berlin-Rome-Tokyo axis")
    assert not looks_title_cased("Crusades")
    assert not looks_title_cased("Free World")


def test_canonical_speakers():
    assert canonical_speaker("Lenin") == LENIN
    assert canonical_speaker("V. I. Lenin") == LENIN
    assert canonical_speaker("Marx") == MARX
    assert canonical_speaker("Comrade Togliatti’s") == TOGLIATTI
    assert canonical_speaker("Comrade Eugene Dennis") == DENNIS
    assert canonical_speaker("Jenminjihpao") == JENMINJIHPAO
    assert canonical_speaker("political bureau of the French Communist Party") == FRENCH_PB
    assert canonical_speaker("Anna Petrova") == "Anna Petrova"
    assert all(canonical_speaker(name) == name for name in SPEAKERS)


def test_attribution_clauses_of_the_resolution():
    assert speaker_in_clause(" said V. I. Lenin, ") == LENIN
    assert speaker_in_clause(" Lenin wrote, ") == LENIN
    assert speaker_in_clause(" a statement of the political bureau of the French Communist Party says, ") == FRENCH_PB
    assert speaker_in_clause(" she said, ") is None
    assert speaker_in_clause(" the old man, ") is None  # no verb of saying
    assert speaker_before("Towards the end of 1922 Lenin said in a letter to the coming party congress:") == LENIN
    assert speaker_before(
        "The general secretary of the national committee of the United States Communist Party, "
        "Comrade Eugene Dennis, noting the great significance of the 20th Congress of the C.P.S.U., "
        "says in his well-known article: "
    ) == DENNIS
    assert speaker_before("Particularly, one cannot agree with Comrade Togliatti’s putting the question of whether Soviet society has not arrived at ") == TOGLIATTI
    assert speaker_before("In carrying out Lenin's behests, the party went on ") is None
    assert speaker_before("In building up our Communist Party V. I. Lenin was irreconcilable in fighting the anti-Marxist conception of the ") is None
    assert speaker_before("as Marx wrote, ") == MARX
    assert speaker_before("So wrote the newspaper Jenminjihpao: ") == JENMINJIHPAO
    assert speaker_after(', said Lenin. And then') == LENIN
    assert speaker_after(" After the long war the people of the country went back to work. ") is None


# --------------------------------------------------------------------------- short texts


def only(text: str, **kwargs):
    (match,) = find_quotations(text, **kwargs)
    return match


def test_nested_quotes_stay_inside_the_outer_quotation():
    text = "Anna Petrova wrote: “The chairman called the plan ‘a paper tiger’ and sat down.” Nobody laughed."
    q = only(text)
    assert text[q.start : q.end] == "“The chairman called the plan ‘a paper tiger’ and sat down.”"
    assert q.text == "The chairman called the plan ‘a paper tiger’ and sat down."
    assert q.speaker == "Anna Petrova" and q.kind == "quotation"

    text = '“They kept shouting "enough" at the meeting,” said Boris Ivanov.'
    q = only(text)
    assert (q.start, q.end) == (0, text.index(" said"))
    assert q.speaker == "Boris Ivanov"
    assert q.text == 'They kept shouting "enough" at the meeting'


def test_straight_and_typographic_quotes():
    text = 'The slogan "bread and land" hung beside the banner “all power to the councils” all winter.'
    first, second = find_quotations(text)
    assert text[first.start : first.end] == '"bread and land"'
    assert text[second.start : second.end] == "“all power to the councils”"
    assert (first.kind, second.kind) == ("term", "term")


def test_unclosed_quote_runs_to_the_end_of_the_paragraph():
    text = 'The engineer began: "the river rises every spring and the fields along it flood'
    q = only(text)
    assert not q.closed
    assert q.start == text.index('"') and q.end == len(text)
    assert q.text == "the river rises every spring and the fields along it flood"


def test_attribution_after_the_quotation():
    q = only('"The harvest will be late this year and the roads are bad," said Anna Petrova.')
    assert q.speaker == "Anna Petrova" and q.kind == "quotation"
    assert q.text == "The harvest will be late this year and the roads are bad"
    q = only('"Why should the committee wait another year?" asked Boris.')
    assert q.speaker == "Boris"
    # a full stop ends the sentence: what follows is not an attribution
    q = only('"The harvest will be late this year and the roads are bad." Anna Petrova said nothing more.')
    assert q.speaker is None


def test_interrupted_by_a_pronoun_is_joined_without_a_speaker():
    text = '"The plan for the new season," she said, "is ready at last."'
    q = only(text)
    assert len(q.parts) == 2 and q.speaker is None
    assert q.text == "The plan for the new season is ready at last."


def test_a_quotation_spanning_sentences():
    q = only('"We shall build the bridge. We always do," said Boris Ivanov.')
    assert q.text == "We shall build the bridge. We always do"
    assert q.speaker == "Boris Ivanov"


def test_citation_after_the_full_stop():
    text = 'As Marx wrote, "the workers of the mill have nothing left to lose". (Collected Letters, Vol. 3, Page 12) Then the meeting closed.'
    q = only(text)
    assert q.citation == "(Collected Letters, Vol. 3, Page 12)"
    assert q.speaker == MARX
    assert only('"Bread and peace" (as the banner put it) was the slogan.').citation is None


def test_apostrophes_do_not_open_quotations():
    text = "The workers' parties met in Stalin's old office; the delegates’ votes and Lenin’s notes were counted, ’twas said."
    assert find_quotations(text) == []
    text = "The workers' \"united front\" grew in the mill-hands' clubs."
    q = only(text)
    assert q.text == "united front" and text[q.start] == '"'


def test_titles():
    assert only('The newspaper printed an article "Bread and roses in the spring of the year" last week.').kind == "title"
    assert only('Her report "Notes from the Volga" appeared in May.').kind == "title"
    assert only('We read "The Long Road Home" twice.').kind == "title"
    assert only('They called it "the long road" again.').kind == "term"


def test_title_in_italics():
    text = 'We read "a quiet summer on the lake shore" twice.'
    a, b = text.index("a quiet"), text.index('" twice')
    assert only(text, italics=[Span(a, b)]).kind == "title"
    assert only(text).kind == "quotation"  # eight words, no speaker, not a title: kept as a quotation


def test_term_loses_its_closing_stop():
    q = only('Critics call the whole plan "a castle in the air."')
    assert (q.kind, q.text) == ("term", "a castle in the air")


def make_doc(*paragraphs: str) -> Doc:
    text = "\n\n".join(paragraphs)
    spans, start = [], 0
    for ordinal, body in enumerate(paragraphs, start=1):
        spans.append(Paragraph(start, start + len(body), ordinal=ordinal))
        start += len(body) + 2
    return Doc(meta=DocumentMeta(id="test", title="test", language="en"), text=text, paragraphs=spans)


def test_block_quotation_over_several_paragraphs_keeps_its_speaker():
    doc = annotate(make_doc(
        "Anna Petrova wrote to the district committee:",
        '"The first point is the harvest, which will be late this year because of the rain.',
        '"The second point is the roads, which the spring floods have washed away."',
        'Nobody answered the "letter" for a month.',
    ))
    first, second, term = doc.quotations
    assert first.speaker == second.speaker == "Anna Petrova"
    assert (first.paragraph, second.paragraph, term.paragraph) == (2, 3, 4)
    assert first.end == doc.paragraphs[1].end  # unclosed: runs to the paragraph's end
    assert doc.text[second.end - 1] == '"'
    assert term.kind == "term" and term.speaker is None


def test_continuation_without_a_reopening_mark():
    doc = annotate(make_doc(
        "Boris Ivanov wrote:",
        "“The first point is the harvest, which will be late this year because of the rain.",
        "The second point is the roads, which the floods washed away.” Then he signed it.",
    ))
    first, second = doc.quotations
    assert second.start == doc.paragraphs[2].start
    assert doc.span_text(second) == "The second point is the roads, which the floods washed away.”"
    assert second.speaker == first.speaker == "Boris Ivanov"
    # without the open quotation before it, a stray closing mark opens nothing
    assert find_quotations(doc.span_text(doc.paragraphs[2])) == []


# --------------------------------------------------------------------------- properties

_ALPHABET = st.sampled_from(list("ab AZ.,;:?!()-—'\"“”‘’«»„0") + ["said ", "Lenin ", "wrote, ", "Vol. 2 ", "article "])


@settings(max_examples=400, deadline=None)
@given(
    text=st.lists(_ALPHABET, max_size=60).map("".join),
    lead_in=st.sampled_from(["", "Lenin said:", "x"]),
    continues=st.booleans(),
)
def test_find_quotations_spans_are_sorted_and_within_bounds(text, lead_in, continues):
    found = find_quotations(text, lead_in=lead_in, continues=continues)
    previous_end = 0
    for q in found:
        assert previous_end <= q.start < q.end <= len(text)
        previous_end = q.end
        assert q.parts
        for a, b in q.parts:
            assert q.start <= a < b <= q.end
        assert all(b1 <= a2 for (_, b1), (a2, _) in zip(q.parts, q.parts[1:]))
        assert q.text == " ".join(text[a:b] for a, b in q.parts)
        assert q.kind in {"quotation", "term", "title"}
        assert q.citation is None or q.citation in text[q.end :]
