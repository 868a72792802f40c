"""Every Synopsis page and canned query through Datasette's test client, on hostile and real text."""
from __future__ import annotations

import re

import pytest
from lxml import etree

from tests.conftest import HOSTILE, RESOLUTION_ID

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
INJECTIONS = (HOSTILE, "<b>resolution</b>", "<img src=x", "<i>revised</i>", "<b>Page</b>", "<script>x()</script>", "<u>missing</u>")


def assert_escaped(html: str) -> None:
    for markup in INJECTIONS:
        assert markup not in html, f"unescaped {markup!r}"


def paragraph_id(site, ref: str) -> int:
    return site.get(f"/{site.db_name}/paragraphs.json?ref={ref}&_shape=array").json()[0]["id"]


def marks(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html, flags=re.S)


# --- hostile corpus -------------------------------------------------------------------


def test_index_overview_lists_documents_and_the_matrix(hostile_site):
    response = hostile_site.get("/")
    assert response.status_code == 200
    html = response.text
    assert_escaped(html)
    assert "Alpha &lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;resolution&lt;/b&gt;" in html
    assert "Rights " + ESCAPED in html
    assert 'aria-label="Passages shared between documents"' in html
    # alpha shares three passages with alpha-second? no: two with it, two with gamma (one from a quotation)
    assert re.search(r'href="/compare\?a=alpha&amp;b=gamma"[^>]*>2 <small>→1</small>', html)
    assert re.search(r'href="/compare\?a=alpha&amp;b=alpha-second"[^>]*>2<', html)
    assert "delta" in html and "status-missing" in html


def test_compare_form_without_documents(hostile_site):
    html = hostile_site.get("/compare").text
    assert '<select id="syn-a" name="a">' in html
    assert '<option value="delta">Delta &lt;u&gt;missing&lt;/u&gt; (1957-01-01) – text missing</option>' in html
    assert "syn-add-second" not in html  # three texts present: nothing to explain
    assert_escaped(html)


@pytest.mark.parametrize("query", ["a=nope&b=gamma", "a=alpha&b=nope", "a=%3Cscript%3E&b=alpha"])
def test_compare_unknown_document_is_404(hostile_site, query):
    response = hostile_site.get(f"/compare?{query}")
    assert response.status_code == 404
    assert "Unknown document" in response.text
    assert_escaped(response.text)


def test_compare_same_document_twice_is_400(hostile_site):
    response = hostile_site.get("/compare?a=alpha&b=alpha")
    assert response.status_code == 400
    assert "two different documents" in response.text


def test_compare_editions_shows_gaps_scores_marks_and_links(hostile_site):
    response = hostile_site.get("/compare?a=alpha&b=alpha-second")
    assert response.status_code == 200
    html = response.text
    assert_escaped(html)
    rows = html.split('<div class="syn-row')[2:]  # skip the heading row
    assert len(rows) == 5
    assert "syn-dropped" in rows[2].split(">")[0] and "dropped from alpha-second" in rows[2]
    assert "syn-added" in rows[3].split(">")[0] and "added in alpha-second" in rows[3]
    assert ">96<" in rows[0] and ">100<" in rows[1]
    assert f'href="/{hostile_site.db_name}/paragraphs/{paragraph_id(hostile_site, "alpha:1.1")}"' in rows[0]
    assert "alpha:1.1" in rows[0] and "alpha-second:1.1" in rows[0]
    # shared spans marked in both columns, hostile text inside a mark still escaped
    assert marks(rows[0]).count("the cult of the individual and its consequences") == 2
    assert "First " + ESCAPED + " paragraph" in marks(rows[0])
    assert "ending here." in rows[4]  # the long paragraph whole


def test_compare_editions_in_reverse_order_turns_the_alignment_round(hostile_site):
    html = hostile_site.get("/compare?a=alpha-second&b=alpha").text
    rows = html.split('<div class="syn-row')[2:]
    assert "added in alpha<" in rows[2] and "dropped from alpha<" in rows[3]
    assert rows[2].index("alpha:1.3") > rows[2].index("syn-right")


def test_compare_different_documents_shows_best_matches(hostile_site):
    html = hostile_site.get("/compare?a=alpha&b=gamma").text
    assert_escaped(html)
    rows = html.split('<div class="syn-row')[2:]
    assert len(rows) == 4  # every paragraph of alpha, in reading order
    assert "gamma:1.2" in rows[0] and "the cult of the individual and its consequences" in marks(rows[0])
    second = rows[1]
    assert second.index("gamma:1.3") < second.index("gamma:1.1")  # rank 1 before rank 2
    assert "all power to the soviets" in marks(second)
    assert "no close paragraph" in rows[2]


def test_compare_exports_link_to_tei_csv_and_json(hostile_site):
    html = hostile_site.get("/compare?a=alpha&b=alpha-second").text
    db = hostile_site.db_name
    for href in ("/compare.tei?a=alpha&amp;b=alpha-second", f"/{db}/aligned_pairs.csv?a=alpha&amp;b=alpha-second",
                 f"/{db}/aligned_pairs.json?a=alpha&amp;b=alpha-second&amp;_shape=array"):
        assert f'href="{href}"' in html


def test_aligned_pairs_json_and_csv(hostile_site):
    db = hostile_site.db_name
    pairs = hostile_site.get(f"/{db}/aligned_pairs.json?a=alpha-second&b=alpha&_shape=array").json()
    assert [(p["a_ref"], p["b_ref"], p["pattern"]) for p in pairs] == [
        ("alpha-second:1.1", "alpha:1.1", "1-1"), ("alpha-second:1.2", "alpha:1.2", "1-1"),
        (None, "alpha:1.3", "0-1"), ("alpha-second:1.3", None, "1-0"), ("alpha-second:1.4", "alpha:1.4", "1-1"),
    ]
    csv = hostile_site.get(f"/{db}/aligned_pairs.csv?a=alpha&b=alpha-second").text
    assert csv.splitlines()[0] == "method,bead,pattern,rank,score,a_ref,a_text,b_ref,b_text"
    assert HOSTILE in csv  # CSV is data, not HTML: the text exactly


def test_tei_export_is_well_formed_with_escaped_text(hostile_site):
    response = hostile_site.get("/compare.tei?a=alpha&b=alpha-second")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/tei+xml")
    root = etree.fromstring(response.content)
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    assert len(root.findall(".//t:app", ns)) == 5
    assert b"<script>" not in response.content
    texts = ["".join(seg.itertext()) for seg in root.findall(".//t:rdg/t:seg[@type='paragraph']", ns)]
    assert any(HOSTILE in text for text in texts)
    assert hostile_site.get("/compare.tei?a=alpha&b=nope").status_code == 404
    assert hostile_site.get("/compare.tei?a=alpha").status_code == 400


def test_paragraph_page_shows_where_its_words_appear_elsewhere(hostile_site):
    pid = paragraph_id(hostile_site, "alpha:1.1")
    response = hostile_site.get(f"/{hostile_site.db_name}/paragraphs/{pid}")
    assert response.status_code == 200
    html = response.text
    assert_escaped(html)
    reading, elsewhere = html.split('<section class="syn-elsewhere">')
    assert "Paragraph <span class=\"syn-ref\">alpha:1.1</span>" in reading
    assert "Cite as:" in reading and "/-/cite/alpha%3A1.1" in reading
    assert "alpha:1.2 →" in reading  # next paragraph
    assert "gamma:1.2" in elsewhere and "alpha-second:1.1" in elsewhere
    links = elsewhere.split("<h2>Aligned paragraphs</h2>")[0].count('<li class="syn-link">')
    assert links == 3  # each passage once, though the linker stores it in both directions
    assert "the cult of the individual and its consequences" in marks(elsewhere)
    assert "Heading " + ESCAPED in reading
    assert "Aligned paragraphs" in elsewhere and "similarity, rank 1" in elsewhere and "edition" in elsewhere


def test_long_paragraph_page_shows_the_whole_text(hostile_site):
    pid = paragraph_id(hostile_site, "alpha:1.4")
    html = hostile_site.get(f"/{hostile_site.db_name}/paragraphs/{pid}").text
    reading = html.split('<section class="syn-elsewhere">')[0]
    assert "with a very long text " * 150 + "ending here." in reading


def test_quotation_page_shows_speaker_citation_and_other_documents(hostile_site):
    quote = hostile_site.get(f"/{hostile_site.db_name}/quotations.json?ref=alpha:1.2.q1&_shape=array").json()[0]
    response = hostile_site.get(f"/{hostile_site.db_name}/quotations/{quote['id']}")
    assert response.status_code == 200
    html = response.text
    assert_escaped(html)
    assert '<span class="syn-speaker">Lenin ' + ESCAPED + "</span>" in html
    assert "<cite>(Works, Vol. 26, &lt;b&gt;Page&lt;/b&gt; 431) " + ESCAPED + "</cite>" in html
    elsewhere = html.split('<section class="syn-elsewhere">')[1]
    assert "gamma:1.3" in elsewhere and marks(elsewhere) == ["all power to the soviets"]
    assert "gamma:1.2" not in elsewhere  # a passage outside the quotation's span


def test_document_page_links_reading_order_and_compare(hostile_site):
    html = hostile_site.get(f"/{hostile_site.db_name}/documents/alpha").text
    assert_escaped(html)
    text = html.split('<section class="syn-document-text" id="text">')[1]  # the text itself, in reading order
    assert text.index('>1.1</a>') < text.index('>1.2</a>') and f'href="/{hostile_site.db_name}/paragraphs/' in text
    assert '<option value="alpha" selected>' in html
    assert "Notes " + ESCAPED in html


def test_footnote_and_annotation_text_escaped(hostile_site):
    db = hostile_site.db_name
    for path in (f"/{db}/footnotes", f"/{db}/footnotes/1", f"/{db}/annotations", f"/{db}/annotations/1", f"/{db}/sections/1"):
        response = hostile_site.get(path)
        assert response.status_code == 200, path
        assert_escaped(response.text)
        assert ESCAPED in response.text


def test_search_page_ranks_snippets_with_marks(hostile_site):
    response = hostile_site.get("/search?q=individual")
    assert response.status_code == 200
    html = response.text
    assert_escaped(html)
    assert set(marks(html)) == {"individual"}
    assert html.count('<a class="syn-ref"') == 3


@pytest.mark.parametrize("q, refs", [
    ("individ*", {"alpha:1.1", "alpha-second:1.1", "gamma:1.2"}),
    ('"power to the soviets"', {"alpha:1.2", "alpha-second:1.2", "gamma:1.3", "alpha:1.2.q1"}),
    ("script", {"alpha:1.1", "alpha-second:1.1", "gamma:1.1", "alpha:1.2.q1"}),
])
def test_search_prefix_phrase_and_hostile_words(hostile_site, q, refs):
    html = hostile_site.get("/search", params={"q": q}).text
    assert_escaped(html)
    assert set(re.findall(r'<a class="syn-ref" href="[^"]+">([^<]+)</a>', html)) == refs


def test_search_with_broken_syntax_says_how_to_write_it(hostile_site):
    response = hostile_site.get("/search", params={"q": '"cult of'})
    assert response.status_code == 200
    assert "could not be read as written" in response.text
    assert "alpha:1.1" in response.text
    assert "How to write a search" in response.text


def test_search_in_one_document_and_unknown_document(hostile_site):
    html = hostile_site.get("/search", params={"q": "individual", "document": "gamma"}).text
    assert set(re.findall(r'<a class="syn-ref" href="[^"]+">([^<]+)</a>', html)) == {"gamma:1.2"}
    assert hostile_site.get("/search", params={"q": "x", "document": "nope"}).status_code == 404


def test_cite_redirects_to_the_row_page(hostile_site):
    response = hostile_site.get("/-/cite/alpha:1.2.q1")
    assert response.status_code == 302
    assert re.fullmatch(rf"/{hostile_site.db_name}/quotations/\d+", response.headers["location"])
    assert hostile_site.get("/-/cite/alpha:9.9").status_code == 404


def test_stylesheet_is_served_and_linked(hostile_site):
    response = hostile_site.get("/-/synopsis/synopsis.css")
    assert response.status_code == 200 and "text/css" in response.headers["content-type"]
    assert "@media (max-width" in response.text
    assert '<link rel="stylesheet" href="/-/synopsis/synopsis.css">' in hostile_site.get("/").text
    assert hostile_site.get("/-/synopsis/plugin.py").status_code == 404


CANNED = [
    ("search", {"q": "individual"}, {"alpha:1.1", "alpha-second:1.1", "gamma:1.2"}),
    ("quotations_by_speaker", {"speaker": "lenin"}, {"alpha:1.2.q1"}),
    ("document_paragraphs", {"document": "gamma"}, {"gamma:1.1", "gamma:1.2", "gamma:1.3"}),
    ("shared_passages", {"a": "gamma", "b": "alpha"}, {"gamma:1.2", "gamma:1.3"}),
    ("about_paragraph", {"ref": "alpha:1.1"}, {"gamma:1.2", "alpha-second:1.1"}),
]


@pytest.mark.parametrize("name, params, refs", CANNED, ids=[c[0] for c in CANNED])
def test_canned_queries_answer_and_escape(hostile_site, name, params, refs):
    db = hostile_site.db_name
    rows = hostile_site.get(f"/{db}/{name}.json", params={**params, "_shape": "array"}).json()
    found = {row.get("ref") or row.get("a_ref") or row.get("other_ref") for row in rows}
    assert found == refs
    response = hostile_site.get(f"/{db}/{name}", params=params)
    assert response.status_code == 200
    assert_escaped(response.text)


def test_canned_search_renders_marks_and_cite_links(hostile_site):
    html = hostile_site.get(f"/{hostile_site.db_name}/search", params={"q": "script"}).text
    assert_escaped(html)
    assert set(marks(html)) == {"script"}
    assert '<a href="/-/cite/gamma:1.1">gamma:1.1</a>' in html


def test_sql_stays_open_with_a_time_limit(hostile_site):
    response = hostile_site.get(f"/{hostile_site.db_name}.json", params={"sql": "select count(*) as n from paragraphs", "_shape": "array"})
    assert response.json() == [{"n": 11}]
    settings = hostile_site.get("/-/settings.json").json()
    assert settings["sql_time_limit_ms"] > 0 and settings["truncate_cells_html"] == 0


# --- the real corpus ------------------------------------------------------------------


def test_real_corpus_pages(built_site):
    db = built_site.db_name
    assert "On Overcoming the Cult of the Individual" in built_site.get("/").text
    html = built_site.get("/search", params={"q": '"cult of the individual"'}).text
    assert "cult of the individual" in " ".join(marks(html)).lower()
    first = built_site.get(f"/{db}/document_paragraphs.json", params={"document": RESOLUTION_ID, "_shape": "array"}).json()
    assert len(first) == built_site.get(f"/{db}/paragraphs.json", params={"document_id": RESOLUTION_ID, "_size": 0}).json()["filtered_table_rows_count"]
    pid = built_site.get(f"/{db}/paragraphs.json", params={"ref": first[0]["ref"], "_shape": "array"}).json()[0]["id"]
    page = built_site.get(f"/{db}/paragraphs/{pid}")
    assert page.status_code == 200 and first[0]["ref"] in page.text
    longest = max(first, key=lambda row: len(row["text"]))
    assert len(longest["text"]) > 0
    assert built_site.get(f"/-/cite/{first[0]['ref']}").status_code == 302
    assert built_site.get(f"/compare?a={RESOLUTION_ID}&b=khrushchev-secret-speech-1956").status_code == 200


# --- pages that say what is missing and lead on (the real corpus: one text of five) -------

MISSING_IDS = ["khrushchev-secret-speech-1956", "renmin-ribao-editorial-1956", "togliatti-nuovi-argomenti-1956",
               "togliatti-nuovi-argomenti-1956-en"]


def _documents_table(html: str) -> str:
    return html.split('<table class="syn-documents">')[1].split("</table>")[0]


def test_index_lists_present_texts_first_and_says_how_to_add_the_others(built_site):
    html = built_site.get("/").text
    table = _documents_table(html)
    order = re.findall(r'<code class="syn-ref">([^<]+)</code>', table)
    assert order[0] == RESOLUTION_ID and sorted(order[1:]) == MISSING_IDS
    assert "`" not in table  # status in words, links and code, never literal backticks
    assert table.count("Text missing") == 4 and table.count("Text loaded") == 1
    assert "<code>synopsis fetch khrushchev-secret-speech-1956</code>" in table
    assert "<code>synopsis add FILE --id togliatti-nuovi-argomenti-1956-en --replace</code>" in table
    assert '<a href="https://www.marxists.org/' in table  # the source page of a missing text
    assert html.count("Data license:") == 1


def test_index_with_one_text_promises_the_matrix_and_offers_every_document(built_site):
    html = built_site.get("/").text
    assert 'aria-label="Passages shared between documents"' not in html
    assert "syn-matrix-later" in html
    form = html.split('<select id="syn-a" name="a">')[1].split("</select>")[0]
    assert re.findall(r'value="([^"]+)"', form) == [RESOLUTION_ID, *sorted(MISSING_IDS, key=lambda i: _date(built_site, i))]
    assert form.count("– text missing") == 4
    assert "Only one document has its text here" in html and "<code>synopsis fetch ID</code>" in html


def _date(site, doc_id: str) -> tuple:
    row = site.get(f"/{site.db_name}/documents/{doc_id}.json?_shape=array").json()[0]
    return (row["date"] or "9999", doc_id)


def test_index_with_two_texts_shows_the_matrix(two_texts_site):
    from tests.conftest import EDITION_ID

    html = two_texts_site.get("/").text
    assert 'aria-label="Passages shared between documents"' in html
    assert f'href="/compare?a={RESOLUTION_ID}&amp;b={EDITION_ID}"' in html
    assert "syn-add-second" not in html and "syn-matrix-later" not in html


def test_compare_with_a_missing_text_says_so_and_how_to_add_it(built_site):
    response = built_site.get(f"/compare?a={RESOLUTION_ID}&b=khrushchev-secret-speech-1956")
    assert response.status_code == 200
    html = response.text
    assert "is missing, so there is nothing to compare yet" in html
    assert "<code>synopsis fetch khrushchev-secret-speech-1956</code>" in html
    assert "synopsis link" not in html and "`" not in html.split("<body")[1]
    assert 'role="table"' not in html  # no empty alignment pretending to be a comparison


def test_compare_with_a_mistyped_id_names_the_closest(built_site):
    response = built_site.get("/compare?a=cpsu-resolutin-1956&b=renmin-ribao-editorial-1956")
    assert response.status_code == 404
    assert "cpsu-resolutin-1956: no such document (closest: cpsu-resolution-1956," in response.text


def test_a_paragraph_page_names_its_section_by_number(built_site):
    db = built_site.db_name
    para = built_site.get(f"/{db}/paragraphs.json", params={"ref": f"{RESOLUTION_ID}:2.3", "_shape": "array"}).json()[0]
    html = built_site.get(f"/{db}/paragraphs/{para['id']}").text
    kicker = html.split('<p class="syn-kicker">')[1].split("</p>")[0]
    assert kicker.endswith(" · Section 2")
    assert "HOW, indeed" not in kicker  # the section's opening words are not its name


@pytest.mark.parametrize(
    ("number", "heading", "label"),
    [("2", None, "Section 2"), ("II", "II. The Cult", "Section II: The Cult"), (None, "Introduction", "Introduction"),
     ("3", "Conclusions", "Section 3: Conclusions"), (None, None, None)],
)
def test_section_label(number, heading, label):
    from synopsis.publish.queries import section_label

    assert section_label(number, heading) == label


def test_table_pages_fold_the_column_descriptions(built_site):
    html = built_site.get(f"/{built_site.db_name}/annotations").text
    folded = html.split('<details class="syn-columns"><summary>What each column holds</summary>')
    assert len(folded) == 2
    assert folded[1].lstrip().startswith('<dl class="column-descriptions">')
    assert html.index("syn-columns") < html.index("column-descriptions")
    assert html.count("Data license:") == 1


# --- two versions aligned sentence by sentence -------------------------------------------


def test_compare_versions_rows_hold_several_paragraphs_and_their_sentence_pairs(versions_site):
    html = versions_site.get("/compare?a=mark-fr&b=mark-en").text
    rows = html.split('<div class="syn-row')[2:]
    assert len(rows) > 10
    counts = [(row.split("syn-right")[0].count('class="syn-para"'), row.split("syn-right")[1].count('class="syn-para"'))
              for row in rows]
    assert any(l >= 2 and r >= 2 for l, r in counts)  # many to many
    assert any(l == 1 and r >= 2 for l, r in counts) or any(l >= 2 and r == 1 for l, r in counts)  # one to many
    assert all("<details class=\"syn-sentences\">" in row for row in rows if "syn-gap" not in row.split("<details")[0])
    first = rows[1]
    assert "mark-fr:" in first.split("syn-right")[0]  # a, the French, on the left
    assert 'class="syn-sentence-pair"' in first


def test_aligned_pairs_and_sentence_pairs_read_the_orientation_view(versions_site):
    db = versions_site.db_name
    forward = versions_site.get(f"/{db}/aligned_pairs.json?a=mark-en&b=mark-fr&_shape=array").json()
    backward = versions_site.get(f"/{db}/aligned_pairs.json?a=mark-fr&b=mark-en&_shape=array").json()
    assert len(forward) == len(backward) > 20  # paragraph pairs
    flip = {"-".join(reversed(p["pattern"].split("-"))) for p in backward}
    assert {p["pattern"] for p in forward} == flip
    assert all(p["a_ref"] is None or p["a_ref"].startswith("mark-fr:") for p in backward)
    pair = next(p for p in forward if p["a_ref"] and p["b_ref"] and p["pattern"] == "1-1")
    ids = {}
    for ref in (pair["a_ref"], pair["b_ref"]):
        ids[ref] = versions_site.get(f"/{db}/paragraphs.json?ref={ref}&_shape=array").json()[0]["id"]
    sentences = versions_site.get(f"/{db}/sentence_pairs.json?a_paragraph={ids[pair['a_ref']]}"
                                  f"&b_paragraph={ids[pair['b_ref']]}&_shape=array").json()
    assert sentences and all(s["a_sentence"] and s["b_sentence"] for s in sentences if s["pattern"] != "1-0")


def test_tei_export_of_two_versions_carries_their_sentence_beads(versions_site):
    response = versions_site.get("/compare.tei?a=mark-en&b=mark-fr")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    rows = root.findall(".//t:div[@type='edition']//t:app", ns)
    sentences = root.findall(".//t:div[@type='sentences']//t:app", ns)
    assert rows and len(sentences) > len(rows)
    assert {app.get("n") for app in sentences} <= {app.get("n") for app in rows}  # each bead inside a row
    assert any(len(app.findall("t:rdg[1]/t:seg[@type='paragraph']", ns)) >= 2 for app in rows)  # many to many
    shapes = {app.get("ana") for app in sentences}
    assert "1-1" in shapes and shapes & {"2-1", "1-2", "2-2"}


def test_search_ranks_the_first_matches_only_past_its_limit_and_says_so(built_site, built_db, monkeypatch):
    """A word in a tenth of a million paragraphs cost every one of them a bm25 score: past
    RANK_AT_MOST matches the page ranks the first ones, counts no further, and says so."""
    import sqlite3

    from synopsis import search as rules

    words = "communist"
    response = built_site.get(f"/search?q={words}")
    assert "syn-cut" not in response.text  # a handful of matches: all ranked
    matches = [r[0] for r in sqlite3.connect(built_db).execute(
        "select rowid from paragraphs_fts where paragraphs_fts match ? order by rowid", (words,))]
    assert len(matches) > 12
    monkeypatch.setattr(rules, "RANK_AT_MOST", 10)
    response = built_site.get(f"/search?q={words}")
    assert "more than 10" in response.text and "of the first 10 matches in corpus order" in response.text
    shown = [int(i) for i in re.findall(r'href="/synopsis/paragraphs/(\d+)"', response.text)]
    assert shown and set(shown) <= set(matches[:10])
