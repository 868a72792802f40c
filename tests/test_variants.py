"""Variants: what changed between two editions, word by word — collation, rules, storage, CLI, pages."""
from __future__ import annotations

import json
import re
import sqlite3

import pytest
from click.testing import CliRunner
from lxml import etree

from synopsis.cli import cli
from synopsis.link.normalize import normalize_word
from synopsis.link.stage import link_corpus
from synopsis.languages import profile_for
from synopsis.link.variants import NEUTRAL_RULES, collate, rules_for, tokenize, variant_step
from tests.support import realtexts
from tests.support.cases import make_database, resolution_paragraphs
from tests.support.revisions import RESOLUTION_EDITS, make_revision, score_variants

from .conftest import RESOLUTION_ID, REVISED_ID, SiteClient


def _readings(left: str, right: str, language: str = "en") -> list[tuple[str, bool, str, str]]:
    """(kind, trivial, left reading, right reading) of two texts, readings cut from the texts by offsets."""
    params, rows = variant_step([(1, left)], [(2, right)], [([1], [2])], left_language=language, right_language=language)
    return [(r.kind, bool(r.trivial), left[r.left_start:r.left_end], right[r.right_start:r.right_end]) for r in rows]


# --- collation: kinds and offsets ---------------------------------------------------------


def test_kinds_and_offsets_of_a_changed_sentence():
    left = "The cult of the individual is alien to the spirit of Marxism, and the Party condemns it."
    right = "The cult of personality is alien to the spirit of Marxism, and the whole Party condemns it firmly"
    assert _readings(left, right) == [
        ("substitution", False, "the individual", "personality"),
        ("insertion", False, "", "whole"),
        ("substitution", True, "it.", "it"),  # the full stop went: punctuation only
        ("insertion", False, "", "firmly"),
    ]
    params, rows = variant_step([(1, left)], [(2, right)], [([1], [2])], left_language="en", right_language="en")
    insertion = rows[1]
    assert insertion.left_start == insertion.left_end == left.index(" Party")  # just after "the"


def test_deletion_and_transposition():
    left = "They have in the past attempted more than once to divide the international labour movement."
    right = "They have attempted in the past more than once to divide the labour movement."
    assert _readings(left, right) == [
        ("transposition", False, "in the past attempted", "attempted in the past"),
        ("deletion", False, "international", ""),
    ]


def test_a_word_changed_twice_nearby_is_two_substitutions_not_a_transposition():
    left = "the people of the land and the state"
    right = "the state of the land and the people"
    assert [k for k, *_ in _readings(left, right)] == ["substitution", "substitution"]


def test_group_of_two_paragraphs_maps_offsets_back_to_each():
    left = [(10, "The plenum met in June. It heard the report."), (11, "The report was approved unanimously.")]
    right = [(20, "The plenum met in July. It heard the report. The report was approved.")]
    params, rows = variant_step(left, right, [([10, 11], [20])], left_language="en", right_language="en")
    got = [(r.left_paragraph_id, r.right_paragraph_id, r.kind, dict(left)[r.left_paragraph_id][r.left_start:r.left_end],
            right[0][1][r.right_start:r.right_end]) for r in rows]
    assert got == [(10, 20, "substitution", "June", "July"), (11, 20, "substitution", "approved", "approved."),
                   (11, 20, "deletion", "unanimously.", "")]
    assert [r.trivial for r in rows] == [0, 1, 0]


def test_sentence_moved_across_a_paragraph_break_is_no_variant():
    """Editions break paragraphs in different places: the words are the same, so nothing changed."""
    left = [(1, "First sentence here. Second sentence there."), (2, "Third sentence follows.")]
    right = [(3, "First sentence here."), (4, "Second sentence there. Third sentence follows.")]
    params, rows = variant_step(left, right, [([1], [3]), ([2], [4])], left_language="en", right_language="en")
    assert rows == []


def test_chinese_is_collated_character_by_character():
    assert _readings("天下之人皆知之", "天下之民皆知之", "lzh") == [("substitution", False, "人", "民")]


# --- trivial variants and their rules -----------------------------------------------------


@pytest.mark.parametrize(("british", "american"), [
    ("labour", "labor"), ("neighbourhood", "neighborhood"), ("organise", "organize"), ("realisation", "realization"),
    ("paralysed", "paralyzed"), ("defence", "defense"), ("offences", "offenses"), ("centre", "center"),
    ("centred", "centered"), ("travelled", "traveled"), ("marvellous", "marvelous"), ("fulfil", "fulfill"),
    ("fulfilment", "fulfillment"), ("skilful", "skillful"), ("catalogue", "catalog"), ("haemorrhage", "hemorrhage"),
    ("loveable", "lovable"), ("programme", "program"), ("ploughed", "plowed"), ("worshipped", "worshiped"),
])
def test_english_spelling_variants_are_trivial(british, american):
    assert _readings(f"the {british} of it", f"the {american} of it") == [("substitution", True, british, american)]


@pytest.mark.parametrize(("left", "right"), [
    ("stripped", "striped"), ("filled", "filed"), ("princess", "princes"), ("hour", "hor"), ("round", "around"),
])
def test_different_words_are_not_folded(left, right):
    assert _readings(f"the {left} of it", f"the {right} of it")[0][1] is False


@pytest.mark.parametrize(("left", "right"), [
    ("The Party", "the party"), ("movement,", "movement"), ("co-operation", "cooperation"), ("“Honour", "‘Honour"),
])
def test_case_punctuation_and_word_division_are_trivial(left, right):
    found = _readings(f"and {left} grew", f"and {right} grew")
    assert found and all(trivial for _, trivial, _, _ in found)


def test_spelling_rules_follow_the_language():
    """The rules are the profile's, every one of them, in the profile's order."""
    assert rules_for("en-GB") == rules_for("en") == NEUTRAL_RULES + profile_for("en").spelling_rule_names()
    assert rules_for("en") == NEUTRAL_RULES + (
        "en-word-table", "our-or", "ise-ize", "ence-ense", "re-er", "l-ful", "doubled-consonant", "doubled-s",
        "ogue-og", "ae-e", "e-able")
    assert rules_for("fr") == rules_for("xx") == rules_for(None) == rules_for("es") == NEUTRAL_RULES
    # English rules are not French rules; accents are folded in every language
    assert _readings("la faveur de l'honour", "la faveur de l'honor", "fr")[0][1] is False
    assert _readings("la défense nationale", "la defense nationale", "fr") == [("substitution", True, "défense", "defense")]


def test_the_link_stage_folds_the_spellings_the_collation_flags():
    """One home for the rules: on the Open English Bible's US and Commonwealth editions, verse
    by verse, the spelling variants the collation flags trivial share a norm in the link stage
    too, but for those only a collation-only rule joins (ae/e, -ence/-ense in a compound)."""
    us = realtexts.load_verses("OEB", books=realtexts.NEW_TESTAMENT)
    commonwealth = {v.id: v.text for v in realtexts.load_verses("OEBcth", books=realtexts.NEW_TESTAMENT)}
    verses = [(k, v.text, commonwealth[v.id]) for k, v in enumerate(us) if v.id in commonwealth]
    _, rows = variant_step([(k, a) for k, a, _ in verses], [(-1 - k, b) for k, _, b in verses],
                           [([k], [-1 - k]) for k, _, _ in verses], left_language="en-US", right_language="en-GB")
    letters = re.compile(r"[\W_]+")
    pairs = {(r.left_text, r.right_text) for r in rows if r.trivial and r.kind == "substitution"
             and letters.sub("", r.left_text).lower() != letters.sub("", r.right_text).lower()}
    assert len(pairs) >= 60  # labor/labour, neighbor/neighbour, realize/realise, marveled/marvelled ...
    apart = {(a, b) for a, b in pairs if normalize_word(a, "en") != normalize_word(b, "en")}
    en = profile_for("en")
    for a, b in apart:
        a, b = (letters.sub("", w).lower() for w in (a, b))
        assert en.respell(a, link=True) != en.respell(b, link=True) and en.respell(a) == en.respell(b), (a, b)
    assert len(apart) * 20 <= len(pairs)


def test_tokens_keep_the_form_beside_the_norm():
    w = tokenize("The Labour “movement”, co-operation.", "en")
    assert w.forms == ["The", "Labour", "“movement”,", "co-operation."]
    assert w.norms == ["the", "labor", "movement", "cooperation"]
    assert all("The Labour “movement”, co-operation."[s:e] == f for s, e, f in zip(w.starts, w.ends, w.forms))
    assert [v.kind for v in collate(w, tokenize("The Labour movement", "en"))] == ["substitution", "deletion"]


# --- planted edits and real revisions --------------------------------------------------------


def test_planted_edits_in_a_revision_of_the_resolution_are_found():
    paragraphs = resolution_paragraphs()
    revision = make_revision(paragraphs, seed=29, substitution_rate=0.015, insertion_rate=0.01, deletion_rate=0.01,
                             spelling_rate=0.05, min_gap=1)
    left = [(i, t) for i, t in enumerate(paragraphs)]
    right = [(10_000 + j, t) for j, t in enumerate(revision.paragraphs)]
    groups = [(list(l), [10_000 + j for j in r]) for l, r in revision.beads]
    _, rows = variant_step(left, right, groups, left_language="en-GB", right_language="en-US")
    score = score_variants(revision.planted, [
        (r.left_paragraph_id, r.right_paragraph_id - 10_000, r.kind, r.left_start, r.left_end, r.right_start,
         r.right_end, r.trivial) for r in rows])
    assert score.substantive > 150 and score.spelling > 100
    assert score.recall >= 0.96, score.missed[:5]
    assert score.trivial_share >= 0.80, score.unflagged[:5]
    assert score.unplanted <= 3, score.extra


def test_spelling_edition_of_a_real_text_differs_only_in_spelling_and_round():
    """OEB in US and Commonwealth spelling: the same words, so every variant is a substitution,
    and every substantive one is the editions' one lexical difference (around/round)."""
    books = ("Mark",)
    docs = []
    for seed, name in enumerate(("OEB", "OEBcth"), 1):
        made = realtexts.paragraphs(realtexts.load_verses(name, books=books), seed=seed)
        docs.append([(seed * 10_000 + k, p.text) for k, p in enumerate(made)])
    _, rows = variant_step(docs[0], docs[1], [([i for i, _ in docs[0]], [j for j, _ in docs[1]])],
                           left_language="en", right_language="en")
    assert len(rows) > 20
    assert {r.kind for r in rows} == {"substitution"}
    assert {(r.left_text.strip("‘’“”,.;:").lower(), r.right_text.strip("‘’“”,.;:").lower())
            for r in rows if not r.trivial} <= {("around", "round")}
    assert any(r.trivial for r in rows)


# --- the database edge ----------------------------------------------------------------------


def _editions_db(tmp_path, languages):
    paragraphs = resolution_paragraphs()[:12]
    revision = make_revision(paragraphs, seed=3)
    path = make_database(tmp_path / "editions.db", [("resolution", None, paragraphs),
                                                   ("resolution-second", "resolution", revision.paragraphs)])
    conn = sqlite3.connect(path)
    for doc, language in zip(("resolution", "resolution-second"), languages):
        conn.execute("UPDATE documents SET language = ? WHERE id = ?", (language, doc))
    return conn


def test_editions_in_two_languages_get_no_variants(tmp_path):
    conn = _editions_db(tmp_path, ("en", "fr"))
    report = link_corpus(conn, cache=False)
    assert report.variants == 0 and report.alignments > 0
    assert conn.execute("SELECT count(*) FROM runs WHERE kind = 'variant'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM variants").fetchone()[0] == 0
    assert variant_step([(1, "a b")], [(2, "a c")], [([1], [2])], left_language="en", right_language="fr") is None


def test_variants_are_recomputed_with_their_pair_only(tmp_path):
    conn = _editions_db(tmp_path, ("en-GB", "en-US"))
    first = link_corpus(conn, cache=False)
    run_id, parameters = conn.execute("SELECT id, parameters FROM runs WHERE kind = 'variant'").fetchone()
    assert json.loads(parameters)["rules"] == list(rules_for("en"))
    stored = conn.execute("SELECT count(*) FROM variants WHERE run_id = ?", (run_id,)).fetchone()[0]
    assert stored == first.variants > 0
    assert link_corpus(conn, cache=False).runs_written == 0  # nothing changed: the run and its rows stay
    assert conn.execute("SELECT count(*) FROM variants WHERE run_id = ?", (run_id,)).fetchone()[0] == stored
    # one more word in the second edition: the pair's variant run is replaced, one variant more
    pid, text = conn.execute("SELECT id, text FROM paragraphs WHERE document_id = 'resolution-second' "
                             "ORDER BY ordinal LIMIT 1").fetchone()
    conn.execute("UPDATE paragraphs SET text = ? WHERE id = ?", (text + " Amended", pid))
    link_corpus(conn, cache=False)
    assert conn.execute("SELECT count(*) FROM variants WHERE run_id = ?", (run_id,)).fetchone()[0] == 0
    new = conn.execute("SELECT v.kind, v.right_text FROM variants v JOIN runs r ON r.id = v.run_id "
                       "WHERE r.kind = 'variant' AND v.right_paragraph_id = ?", (pid,)).fetchall()
    assert ("insertion", "Amended") in new
    assert conn.execute("SELECT count(*) FROM variants").fetchone()[0] == stored + 1


def test_the_build_stores_the_planted_revision(revised_editions_db):
    conn = sqlite3.connect(revised_editions_db)
    rows = conn.execute("SELECT kind, trivial, left_text, right_text, left_document_id FROM variants").fetchall()
    assert {r[4] for r in rows} == {RESOLUTION_ID}
    got = sorted((kind, f"{lt} → {rt}".strip()) for kind, _, lt, rt, _ in rows)
    want = sorted(("substitution" if kind == "spelling" else kind, readings.strip())
                  for kind, _, _, readings in RESOLUTION_EDITS)
    assert got == want
    assert {(lt, bool(t)) for _, t, lt, _, _ in rows if t} == {("labour", True), ("recognised", True)}


# --- the command line -----------------------------------------------------------------------


def test_cli_lists_substantive_variants_in_the_order_asked(revised_editions_db):
    runner = CliRunner()
    result = runner.invoke(cli, ["variants", RESOLUTION_ID, REVISED_ID, "--db", str(revised_editions_db)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"{RESOLUTION_ID}  ⇄  {REVISED_ID}: 4 variants, 2 trivial hidden (--all shows them)"
    assert "    < the individual\n    > personality" in result.output
    assert "labour" not in result.output
    # turned round: the revision on the left, the insertion becomes a deletion
    data = json.loads(runner.invoke(cli, ["variants", REVISED_ID, RESOLUTION_ID, "--db", str(revised_editions_db),
                                          "--format", "json", "--all"]).output)
    kinds = {(v["kind"], v["left_text"], v["right_text"]) for v in data["variants"]}
    assert ("deletion", "clearly", "") in kinds and ("substitution", "labor", "labour") in kinds
    assert data["rules"][:4] == list(NEUTRAL_RULES) and len(data["variants"]) == 6
    csv_out = runner.invoke(cli, ["variants", RESOLUTION_ID, REVISED_ID, "--db", str(revised_editions_db),
                                  "--format", "csv"]).output
    assert csv_out.splitlines()[0] == "left_ref,right_ref,kind,trivial,left_text,right_text,left_start,left_end,right_start,right_end"
    assert len(csv_out.splitlines()) == 5


def test_cli_errors_are_one_line(revised_editions_db, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["variants", RESOLUTION_ID, "nobody", "--db", str(revised_editions_db)])
    assert result.exit_code == 2
    line = result.output.strip()
    assert "\n" not in line and line.startswith(f"synopsis: error: nobody: no such document in {revised_editions_db}")
    result = runner.invoke(cli, ["variants", "a", "b", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert result.output.strip() == f"synopsis: error: {tmp_path / 'none.db'}: no database here (run `synopsis build`)"


# --- the pages --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def revised_site(revised_editions_db):
    client = SiteClient(revised_editions_db)
    yield client
    client.close()


def test_compare_page_marks_variants_of_editions(revised_site, revised_editions_db):
    html = revised_site.get(f"/compare?a={RESOLUTION_ID}&b={REVISED_ID}").text
    assert re.search(r'<del class="syn-var syn-substitution" title="[^"]*">the individual</del>', html)
    assert re.search(r'<ins class="syn-var syn-substitution" title="[^"]*">personality</ins>', html)
    assert re.search(r'<del class="syn-var syn-substitution syn-trivial" title="[^"]*">labour</del>', html)
    assert '<ins class="syn-var syn-insertion" title="insertion: “” → “clearly”">clearly</ins>' in html
    assert 'id="syn-hide-trivial"' in html
    assert "4 substantive and 2 trivial variants" in html
    rows = sqlite3.connect(revised_editions_db).execute("SELECT count(DISTINCT left_paragraph_id) FROM variants").fetchone()[0]
    assert html.count('class="syn-variant-count"') == rows  # a count in every row that has variants
    assert "<mark>" not in html  # shared passages are not marked for editions with variants


def test_paragraph_page_lists_its_variants(revised_site, revised_editions_db):
    conn = sqlite3.connect(revised_editions_db)
    pid = conn.execute("SELECT left_paragraph_id FROM variants WHERE kind = 'transposition'").fetchone()[0]
    html = revised_site.get(f"/{revised_site.db_name}/paragraphs/{pid}").text
    assert 'id="variants"' in html
    assert "<del>in the past attempted</del>" in html and "<ins>attempted in the past</ins>" in html


def test_tei_export_of_editions_is_a_critical_apparatus(revised_site, revised_editions_db):
    body = revised_site.get(f"/compare.tei?a={RESOLUTION_ID}&b={REVISED_ID}").content
    tree = etree.fromstring(body)
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    apps = tree.findall(".//t:app", ns)
    assert len(apps) == 6
    readings = {(app.get("type"), app.get("subtype"),
                 tuple((rdg.get("wit"), rdg.text or "") for rdg in app.findall("t:rdg", ns))) for app in apps}
    assert ("substitution", "substantive", ((f"#w-{RESOLUTION_ID}", "the individual"),
                                            (f"#w-{REVISED_ID}", "personality"))) in readings
    assert ("substitution", "orthographic", ((f"#w-{RESOLUTION_ID}", "labour"), (f"#w-{REVISED_ID}", "labor"))) in readings
    # the running text with the left edition's readings is the left edition's paragraph, exactly
    conn = sqlite3.connect(revised_editions_db)
    for paragraph in tree.iter("{%s}p" % ns["t"]):
        if paragraph.find("t:app", ns) is None:
            continue
        text = paragraph.text or ""
        for app in paragraph.findall("t:app", ns):
            text += (app.find("t:rdg", ns).text or "") + (app.tail or "")
        stored = conn.execute("SELECT text FROM paragraphs WHERE ref = ?", (paragraph.get("n"),)).fetchone()[0]
        assert text == stored


def test_compare_page_turned_round_marks_the_other_way(revised_site):
    html = revised_site.get(f"/compare?a={REVISED_ID}&b={RESOLUTION_ID}").text
    assert re.search(r'<del class="syn-var syn-substitution" title="[^"]*">personality</del>', html)
    assert re.search(r'<ins class="syn-var syn-substitution" title="[^"]*">the individual</ins>', html)
    assert re.search(r'<del class="syn-var syn-deletion" title="[^"]*">clearly</del>', html)


def test_datasette_facets_and_the_paragraph_variants_query(revised_site, revised_editions_db):
    db = revised_site.db_name
    facets = revised_site.get(f"/{db}/variants.json?_extra=facet_results").json()["facet_results"]
    facets = facets.get("results", facets)
    kinds = {f["value"]: f["count"] for f in facets["kind"]["results"]}
    assert kinds == {"substitution": 3, "insertion": 1, "deletion": 1, "transposition": 1}
    assert {f["value"]: f["count"] for f in facets["trivial"]["results"]} == {0: 4, 1: 2}
    pid = sqlite3.connect(revised_editions_db).execute(
        "SELECT right_paragraph_id FROM variants WHERE kind = 'insertion'").fetchone()[0]
    rows = revised_site.get(f"/{db}/paragraph_variants.json?paragraph={pid}&_shape=array").json()
    # read from this paragraph, as its page and the compare page read it (oriented_variants):
    # words only this edition has are a deletion in the other, words only the other has an insertion
    assert [(r["kind"], r["reading_here"], r["reading_there"]) for r in rows] == [
        ("deletion", "clearly", ""), ("transposition", "attempted in the past", "in the past attempted"),
        ("insertion", "", "international"),  # in reading order of this paragraph
    ]


def test_no_paragraphs_on_one_side_gives_no_rows():
    assert variant_step([], [(2, "words")], [([], [2])], left_language="en", right_language="en")[1] == []
