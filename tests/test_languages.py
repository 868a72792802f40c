"""Language profiles: sentences, speakers, tokens and search follow the document's language.

Each language is tried on short passages written for the test in the manner of the
corpus's prose (1956 party texts), and French and Literary Chinese on the real verse texts
vendored in benchmarks/realtexts/ (Version Synodale 1921, Wenli Union Version 1919). The
English figures of the resolution are held by test_segment.py and test_annotate.py.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from synopsis.ingest.annotate import find_quotations
from synopsis.ingest.segment import split_sentences
from synopsis.languages import known_languages, profile_for
from synopsis.languages.search import rewrite_query, search_terms
from synopsis.link.normalize import KEYS, encode_paragraphs, normalize_word, tokenize
from tests.support import realtexts


def sentences(text: str, language: str | None) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text, profile_for(language))]


def speakers(text: str, language: str | None) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker) for q in find_quotations(text, profile=profile_for(language))]


# ------------------------------------------------------------------ profiles


def test_every_profile_loads_with_its_own_rules():
    assert known_languages() >= {"en", "it", "fr", "de", "ru", "zh", "lzh"}
    stemmers = {code: profile_for(code).stemmer for code in ("en", "it", "fr", "de", "ru", "zh", "lzh")}
    assert stemmers == {"en": "english", "it": "italian", "fr": "french", "de": "german", "ru": "russian",
                        "zh": None, "lzh": None}
    assert {"il", "della", "di", "non"} <= profile_for("it").stop_words
    assert {"de", "la", "le", "et", "les"} <= profile_for("fr").stop_words
    assert not profile_for("zh").stop_words and not profile_for("zh").spaced


@pytest.mark.parametrize("tag, code", [("fr-CA", "fr"), ("zh-Hant", "zh"), ("IT", "it"), ("lzh", "lzh"), ("de_AT", "de")])
def test_a_language_tag_finds_its_profile(tag, code):
    assert profile_for(tag).code == code


def test_a_language_without_a_profile_keeps_its_own_snowball_stemmer_on_neutral_rules():
    spanish = profile_for("es-MX")
    assert spanish.code == "es" and spanish.stemmer == "spanish"
    assert not spanish.stop_words and not spanish.speech_verbs


@pytest.mark.parametrize("tag", [None, "", "sw", "und", "xx"])
def test_an_unknown_language_gets_neutral_rules_never_english(tag):
    neutral = profile_for(tag)
    assert neutral.neutral and neutral.stemmer is None and not neutral.stop_words and not neutral.speech_verbs
    # English abbreviations do not hold: "Mr." ends a sentence in a language we cannot read
    assert sentences("Mr. Smith came. He spoke.", tag) == ["Mr.", "Smith came.", "He spoke."]
    # no English stemming or stop words in the tokens
    toks = tokenize("the workers were organised", language=tag)
    assert toks.norms == ["the", "workers", "were", "organised"] and all(toks.content)
    # quotations are still found, with the common marks, but no speaker is guessed
    assert speakers("«Ĉu vi komprenas?» diris Zamenhof.", tag) == [("Ĉu vi komprenas?", None)]


# ------------------------------------------------------------------ sentences


@pytest.mark.parametrize(
    "language, text, expected",
    [
        ("it", "L'On. Togliatti ha parlato alla Camera. Cfr. pag. 12 del resoconto, ecc. Poi votarono.",
         ["L'On. Togliatti ha parlato alla Camera.", "Cfr. pag. 12 del resoconto, ecc. Poi votarono."]),
        ("it", "Si veda il vol. 3, n. 5 della rivista. Il Sen. Terracini non era d'accordo.",
         ["Si veda il vol. 3, n. 5 della rivista.", "Il Sen. Terracini non era d'accordo."]),
        ("fr", "M. Thorez et Mme Vermeersch arrivèrent. Voir p. 431 des Œuvres, t. 26. La séance fut levée.",
         ["M. Thorez et Mme Vermeersch arrivèrent.", "Voir p. 431 des Œuvres, t. 26.", "La séance fut levée."]),
        ("de", "Das gilt z. B. für Dr. Ulbricht. Siehe S. 12 und Nr. 4. Die Sitzung endete.",
         ["Das gilt z. B. für Dr. Ulbricht.", "Siehe S. 12 und Nr. 4.", "Die Sitzung endete."]),
        ("ru", "В. И. Ленин писал об этом, т. е. о демократии. См. т. 26, с. 431. Съезд закрылся.",
         ["В. И. Ленин писал об этом, т. е. о демократии.", "См. т. 26, с. 431.", "Съезд закрылся."]),
        ("zh", "列宁说过这句话。我们必须记住！这是为什么？历史会回答。",
         ["列宁说过这句话。", "我们必须记住！", "这是为什么？", "历史会回答。"]),
    ],
)
def test_sentences_follow_the_language(language, text, expected):
    assert sentences(text, language) == expected


def test_wenli_is_cut_after_a_final_particle_that_closes_a_clause_and_at_the_circle():
    """The Wenli Union Version writes no 。: clauses end with 、, a sentence with a final
    particle (也 矣 乎 ...) before it, a passage with ○, and 遂 "thereupon" opens one.
    Real verses, joined as a paragraph."""
    verses = {v.id: v.text for v in realtexts.load_verses("ChiUnL", books=["Matthew"])}
    v = [verses[f"Matthew 22:{k}"] for k in range(13, 19)]
    assert v[0].endswith("矣、") and v[1].endswith("也、○") and v[3].startswith("遂") and v[3].endswith("也、")
    assert sentences("".join(v), "lzh") == [
        v[0],  # 在彼有哀哭切齒矣、
        v[1],  # 見選者少也、○ (the circle stays with its sentence)
        v[2],  # 法利賽人出、謀卽其言以罔之、 before 遂
        v[3],  # 遂遣其徒、...夫子、我知爾乃誠者、...蓋不以貌取人也、: clauses, one sentence
        v[4] + "耶穌識其惡、曰、僞善者乎、",  # 請告我、 is a clause: the sentence runs on; a vocative 乎 closes it
        "何試我耶、",
    ]
    assert v[5] == "耶穌識其惡、曰、僞善者乎、何試我耶、"
    # a circle that opens a paragraph opens its first sentence; a paragraph's first 遂 cuts nothing
    assert sentences("○" + v[4], "lzh") == ["○" + v[4]]
    assert sentences(v[3], "lzh") == [v[3]]


def test_wenli_sentences_tile_their_paragraphs():
    """All of Matthew in Wenli: the sentences tile each paragraph, every cut is after a
    final particle closing a clause, at ○ or before a sentence opener after a clause mark,
    and a sentence is longer than a clause and shorter than a paragraph."""
    profile = profile_for("lzh")
    made = realtexts.paragraphs(realtexts.load_verses("ChiUnL", books=["Matthew"]), seed=5, language="lzh")
    closed = re.compile(f"[{profile.final_particles}][{profile.clause_marks}]○?$|○$")
    count = 0
    for p in made:
        pieces = [p.text[s.start : s.end] for s in split_sentences(p.text, profile)]
        assert "".join(pieces) == p.text
        for piece, following in zip(pieces, pieces[1:]):
            assert closed.search(piece) or (piece[-1] in profile.clause_marks
                                            and following.startswith(profile.sentence_openers)), (piece, following)
        count += len(pieces)
    clauses = sum(p.text.count("、") for p in made)
    assert 2 * len(made) < count < clauses / 2


def test_punctuated_classical_chinese_is_taken_at_its_word():
    """An edition that marks its sentences with 。！？ is cut there only: a particle before ， or 、 ends nothing."""
    text = "子曰：「學而時習之，不亦說乎？有朋自遠方來，不亦樂乎？」曾子曰：「吾日三省吾身、為人謀而不忠乎、」孟子見梁惠王。"
    assert sentences(text, "lzh") == [
        "子曰：「學而時習之，不亦說乎？", "有朋自遠方來，不亦樂乎？」", "曾子曰：「吾日三省吾身、為人謀而不忠乎、」孟子見梁惠王。",
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a closing quotation mark after 。 stays with its sentence
        ("他说：“我们走吧。”然后他走了。", ["他说：“我们走吧。”", "然后他走了。"]),
        ("列宁说：「社会主义不是按照上面的命令创立的。」我们必须记住！", ["列宁说：「社会主义不是按照上面的命令创立的。」", "我们必须记住！"]),
        ("『真的嗎？』『是的。』", ["『真的嗎？』", "『是的。』"]),
        # half-width marks, with no space after them, end a Chinese sentence too
        ("这是为什么?历史会回答!真的。", ["这是为什么?", "历史会回答!", "真的。"]),
        # modern Chinese has no final particles that end sentences: 也 and 了 before ， are words
        ("他也来了，我们也走了，", ["他也来了，我们也走了，"]),
    ],
)
def test_modern_chinese_sentences(text, expected):
    assert sentences(text, "zh") == expected


# ------------------------------------------------------------------ speakers


@pytest.mark.parametrize(
    "language, text, expected",
    [
        ("it", "«La via italiana al socialismo è una via democratica», disse Togliatti ai delegati.",
         [("La via italiana al socialismo è una via democratica", "Palmiro Togliatti")]),
        ("it", "Nel rapporto al Comitato centrale l'On. Togliatti ha dichiarato: «Non si tratta degli errori di "
               "un solo uomo».", [("Non si tratta degli errori di un solo uomo", "Palmiro Togliatti")]),
        ("it", "Già nel 1924 Togliatti aveva scritto: «Il culto della personalità è estraneo al marxismo».",
         [("Il culto della personalità è estraneo al marxismo", "Palmiro Togliatti")]),
        ("it", "Ha dichiarato il compagno Longo: «Il partito discute apertamente i suoi errori».",
         [("Il partito discute apertamente i suoi errori", "Longo")]),
        # named after the quotation, an article and a title before the name, no comma after the guillemet
        ("it", "«Il culto della personalità è estraneo al marxismo» ha dichiarato il compagno Togliatti.",
         [("Il culto della personalità è estraneo al marxismo", "Palmiro Togliatti")]),
        ("it", "«Non si tratta degli errori di un solo uomo», ha dichiarato il compagno Togliatti.",
         [("Non si tratta degli errori di un solo uomo", "Palmiro Togliatti")]),
        ("it", "«Il partito discute apertamente i suoi errori» ha dichiarato ieri il compagno Luigi Longo.",
         [("Il partito discute apertamente i suoi errori", "Luigi Longo")]),
        ("fr", "« Le culte de la personnalité est étranger au marxisme », a déclaré Maurice Thorez devant le "
               "Comité central.", [("Le culte de la personnalité est étranger au marxisme", "Maurice Thorez")]),
        ("fr", "M. Thorez écrivait dans l'Humanité : « Nous ne cacherons rien de nos erreurs. »",
         [("Nous ne cacherons rien de nos erreurs.", "Maurice Thorez")]),
        ("de", "Lenin schrieb: „Die Wahrheit ist immer konkret.“ Das gilt z. B. für die Beschlüsse.",
         [("Die Wahrheit ist immer konkret.", "V. I. Lenin")]),
        ("de", "»Wir müssen aus den Fehlern lernen«, sagte Ulbricht auf der Parteikonferenz.",
         [("Wir müssen aus den Fehlern lernen", "Ulbricht")]),
        ("ru", "«Культ личности чужд духу марксизма-ленинизма», — заявил Н. С. Хрущёв на съезде.",
         [("Культ личности чужд духу марксизма-ленинизма", "Nikita Khrushchev")]),
        ("ru", "В. И. Ленин писал: «Социализм не создается по велениям сверху».",
         [("Социализм не создается по велениям сверху", "V. I. Lenin")]),
        ("zh", "人民日报指出：「个人崇拜是一种腐朽的社会现象。」我们必须吸取教训。",
         [("个人崇拜是一种腐朽的社会现象。", "Jenminjihpao editorial")]),
        ("zh", "列宁说：「社会主义不是按照上面的命令创立的。」", [("社会主义不是按照上面的命令创立的。", "V. I. Lenin")]),
    ],
)
def test_speakers_are_found_with_the_languages_marks_and_verbs(language, text, expected):
    assert speakers(text, language) == expected


def test_english_verbs_do_not_name_italian_speakers():
    # "said" is no Italian verb of saying, and "disse" no English one
    assert speakers("«Basta», said Togliatti.", "it") == [("Basta", None)]
    assert speakers('"Enough," disse Togliatti.', "en") == [("Enough", None)]


def test_french_verses_name_the_prophet_and_scripture():
    """The Version Synodale's Gospel of John: «…» quotations with the speaker before or after."""
    verses = {v.id: v.text for v in realtexts.load_verses("FreSynodale1921", books=["John"])}
    assert speakers(verses["John 1:23"], "fr") == [("Aplanissez le chemin du Seigneur", "Ésaïe")]
    assert speakers(verses["John 19:37"], "fr") == [("Ils regarderont à celui qu'ils ont percé.", "Écriture")]
    quoted = [v for v in verses.values() if "«" in v]
    found = [q for v in quoted for q in find_quotations(v, profile=profile_for("fr"))]
    assert len(found) == len(quoted) == 14  # one quotation per verse that opens one


# ------------------------------------------------------------------ tokens for linking


def test_italian_words_fold_by_the_italian_stemmer():
    assert {normalize_word(w, "it") for w in ("comunisti", "comunista", "comunismo")} == {"comun"}
    toks = tokenize("Il culto della personalità di Stalin non è dell'URSS", language="it")
    content = [n for n, c in zip(toks.norms, toks.content) if c]
    assert content == ["cult_individual", "stalin", "ussr"]
    assert "dell" in toks.norms  # the elided preposition is a word of its own, and a stop word


def test_french_accents_and_elisions_fold():
    assert normalize_word("nationalité", "fr") == normalize_word("nationalités", "fr") == "national"
    assert normalize_word("perché", "it") == normalize_word("perche", "it")
    toks = tokenize("l'homme", language="fr")
    assert [toks.text[s:e] for s, e in zip(toks.starts, toks.ends)] == ["l", "homme"]


def test_names_and_phrases_are_one_token_in_every_language():
    forms = {
        "en": "the cult of the individual of J. V. Stalin", "it": "il culto della personalità di Stalin",
        "fr": "le culte de la personnalité de Staline", "de": "der Personenkult um Stalin",
        "ru": "культ личности Сталина", "zh": "斯大林的个人崇拜",
    }
    content = {lang: sorted(n for n, c in zip(t.norms, t.content) if c and n in ("cult_individual", "stalin"))
               for lang, t in ((lang, tokenize(text, language=lang)) for lang, text in forms.items())}
    assert all(found == ["cult_individual", "stalin"] for found in content.values()), content


def test_chinese_is_tokenised_character_by_character():
    verse = "腓力遇拿但業曰、摩西律及先知所載者、我儕已遇之"
    toks = tokenize(verse, language="lzh")
    assert len(toks) == sum(ch.isalnum() for ch in verse)
    assert all(e - s == 1 for s, e in zip(toks.starts, toks.ends))


def test_mixed_languages_encode_as_each_alone():
    texts = ["Il culto della personalità di Stalin", "the cult of the individual", "斯大林的个人崇拜", "Культ личности"]
    languages = ["it", "en", "zh", "ru"]
    keys, offsets = encode_paragraphs(texts, languages=languages)
    for k, (text, language) in enumerate(zip(texts, languages)):
        alone, alone_offsets = encode_paragraphs([text], languages=language)
        assert keys[offsets[k] : offsets[k + 1]].tolist() == alone.tolist()
    # the cult is one key in all four
    cult = KEYS.key_hash[tokenize("personality cult", language="en").keys[0]]
    assert all(cult in keys[offsets[k] : offsets[k + 1]].tolist() for k in range(len(texts)))


# ------------------------------------------------------------------ spelling: the profile's rules


def test_english_spelling_table_reaches_inflections_and_divided_words():
    en = profile_for("en")
    assert en.respell("ploughed") == en.respell("plowed") == "plowed"
    assert en.respell("sceptically") == en.respell("skeptically")
    assert en.respell("cooperation") == "co operation"  # as the link stage reads "co-operation"
    assert {en.respell(w) for w in ("travelled", "traveled")} == {"traveled"}


def test_collation_only_rules_are_left_out_for_the_link_stage():
    en = profile_for("en")
    collation_only = {r.name for r in en.spelling_rules if not r.link}
    assert collation_only and set(en.spelling_rule_names()) - set(en.spelling_rule_names(link=True)) == collation_only
    assert en.respell("evidence") == en.respell("evidense") and en.respell("evidence", link=True) == "evidence"
    assert en.respell("defence", link=True) == en.respell("defense", link=True)  # the table reaches it


@pytest.mark.parametrize("words", [
    ("evidence", "evident"), ("discuss", "discussed", "discussing"), ("witness", "witnessed"), ("spell", "spelled"),
    ("skill", "skilled", "skilful", "skillful"), ("dwell", "dwelling", "dwelled"), ("compel", "compelled"),
])
def test_spelling_rules_keep_the_stemmers_word_families(words):
    """Respelling comes before the stemmer: no rule may part a word from its inflections."""
    assert len({normalize_word(w, "en") for w in words}) == 1


def test_names_keep_their_letters_across_languages():
    for en, fr in (("Israel", "Israël"), ("Michael", "Michaël"), ("Raphael", "Raphaël")):
        assert normalize_word(en, "en") == normalize_word(fr, "fr")


def test_a_rules_literal_guard_never_changes_what_it_gives():
    """A substitution is tried only on words holding the literal its pattern opens with: on the
    words of a real text, every rule gives what its patterns give without the guard."""
    words = {w.lower() for v in realtexts.load_verses("OEBcth", books=realtexts.NEW_TESTAMENT[:8])
             for w in re.findall(r"[^\W\d_]+", v.text)}
    words |= {"organize", "centred", "travelled", "marvellous", "catalogues", "haemorrhage", "sizeable", "focussed"}
    assert sum(bool(literal) for rule in profile_for("en").spelling_rules for literal, _, _ in rule.compiled) >= 8
    for code in known_languages():
        for rule in profile_for(code).spelling_rules:
            for word in words:
                unguarded = word
                for _, pattern, replacement in rule.compiled:
                    unguarded = pattern.sub(replacement, unguarded)
                assert rule.apply(word) == unguarded, (rule.name, word)


def test_languages_without_spelling_data_are_not_respelled():
    for code in ("fr", "it", "es", "xx", None):
        profile = profile_for(code)
        assert profile.respell("labour") == "labour" and profile.spelling_rule_names() == ()


# ------------------------------------------------------------------ search


def test_search_terms_hold_stems_or_bigrams():
    assert search_terms("I comunisti italiani", profile_for("it")) == "i comun italian"
    assert search_terms("學而時習之、不亦說乎", profile_for("lzh")) == "學而 而時 時習 習之 之 不亦 亦說 說乎 乎"
    assert search_terms("The workers", profile_for("en")) is None  # the index's Porter stemmer serves
    assert search_terms("La lingvo", profile_for("eo")) is None


def test_queries_reach_each_languages_stems_and_keep_their_syntax():
    assert rewrite_query("comunista", ["en", "it"]) == '("comunista" OR search_terms:"comun")'
    assert rewrite_query("comunista", ["en"]) == "comunista"
    assert rewrite_query("學而時習", ["lzh"]) == '("學而時習" OR search_terms:"學而 而時 時習")'
    assert rewrite_query("學而", ["lzh"]) == "學而"  # a bigram is a token of the column already
    assert rewrite_query('speaker:lenin OR commun*', ["it"]) == "speaker:lenin OR commun*"
    assert rewrite_query('"unbalanced', ["it"]) == '"unbalanced'


@pytest.fixture(scope="module")
def french_and_chinese_db(tmp_path_factory) -> Path:
    """The Gospel of John in French (Synodale) and Literary Chinese (Wenli), built by `synopsis build`."""
    from synopsis.build import build

    root = tmp_path_factory.mktemp("realtexts")
    for name, doc_id, seed in (("FreSynodale1921", "john-fr", 1), ("ChiUnL", "john-lzh", 2)):
        language, title = realtexts.TEXTS[name]
        verses = realtexts.load_verses(name, books=["John"])
        realtexts.write_document(root / "documents" / doc_id, doc_id=doc_id, title=title, language=language,
                                 paragraphs=realtexts.paragraphs(verses, seed=seed, language=language))
    db = root / "synopsis.db"
    build(documents_dir=root / "documents", db_path=db)
    return db


def test_chinese_verse_paragraphs_are_not_joined(french_and_chinese_db):
    """A Chinese paragraph ending in the Wenli clause mark 、 is no page break inside a
    sentence: the scan repair keeps every paragraph as written."""
    made = realtexts.paragraphs(realtexts.load_verses("ChiUnL", books=["John"]), seed=2, language="lzh")
    with sqlite3.connect(french_and_chinese_db) as conn:
        stored = [t for (t,) in conn.execute(
            "SELECT text FROM paragraphs WHERE document_id = 'john-lzh' AND kind != 'heading' ORDER BY ordinal")]
    assert stored == [p.text for p in made]
    assert sum(p.text.endswith("、") for p in made) > len(made) / 2


def test_bracketed_verses_are_stored_as_printed(french_and_chinese_db):
    """The Synodale brackets the verses the oldest manuscripts lack (John 5:4, 7:53). The writer
    escapes a bracket as Markdown has it (``\\[``); ingest reads the escape, so the stored text
    is the verses' own, brackets and all, with no backslash."""
    source = (french_and_chinese_db.parent / "documents" / "john-fr" / "source.md").read_text(encoding="utf-8")
    assert "\\[Chacun se retira dans sa maison.\\]" in source
    made = realtexts.paragraphs(realtexts.load_verses("FreSynodale1921", books=["John"]), seed=1, language="fr")
    with sqlite3.connect(french_and_chinese_db) as conn:
        stored = [t for (t,) in conn.execute(
            "SELECT text FROM paragraphs WHERE document_id = 'john-fr' AND kind != 'heading' ORDER BY ordinal")]
    assert stored == [p.text for p in made]
    assert any("[Chacun se retira dans sa maison.]" in t for t in stored) and not any("\\" in t for t in stored)


def _containing(db: Path, doc_id: str, pattern: str) -> set[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT ref, text FROM paragraphs WHERE document_id = ?", (doc_id,)).fetchall()
    return {ref for ref, text in rows if re.search(pattern, text)}


def test_french_search_folds_accents_and_stems(french_and_chinese_db):
    from synopsis.search import search

    db = french_and_chinese_db
    unaccented = {h.ref for h in search(db, "verite", limit=1000)}
    # vérité, and its derivations véritable, véritablement (one French stem: vérit)
    assert unaccented == _containing(db, "john-fr", r"(?i)\bvérit(?:é|és|able|ables|ablement)\b") and len(unaccented) > 10
    assert _containing(db, "john-fr", r"(?i)\bvérités?\b") < unaccented
    # "aimer" finds "aimez", "aima", "aimé": the French stemmer's work, not English Porter's
    stemmed = {h.ref for h in search(db, "aimer", limit=1000)}
    others = _containing(db, "john-fr", r"\b(?:aimez|aima|aimait|aimé)\b") - _containing(db, "john-fr", r"\baimer\b")
    assert others and others <= stemmed


def test_chinese_search_finds_two_and_three_character_words(french_and_chinese_db):
    from synopsis.search import search

    db = french_and_chinese_db
    for word in ("耶穌", "拿撒勒"):
        found = {h.ref for h in search(db, word, limit=1000)}
        assert found == _containing(db, "john-lzh", word) and found, word


def test_datasette_table_search_finds_a_chinese_word(french_and_chinese_db):
    from tests.conftest import SiteClient

    site = SiteClient(french_and_chinese_db)
    try:
        data = site.get("/synopsis/paragraphs.json", params={"_search": "耶穌", "_shape": "objects", "_size": "max"}).json()
    finally:
        site.close()
    found = {row["ref"] for row in data["rows"]}
    assert found == _containing(french_and_chinese_db, "john-lzh", "耶穌")


def test_search_page_finds_a_french_word_without_its_accent(french_and_chinese_db):
    from tests.conftest import SiteClient

    site = SiteClient(french_and_chinese_db)
    try:
        html = site.get("/search", params={"q": "eternelle"}).text
    finally:
        site.close()
    refs = set(re.findall(r"john-fr:[\w.]+", html))
    assert refs and refs <= _containing(french_and_chinese_db, "john-fr", r"(?i)\béternel(?:le|les|s|lement)?\b")  # one stem: éternel


# ------------------------------------------------------------------ snippets

def _marks(snippet: str) -> list[str]:
    from synopsis.search import MARK_END, MARK_START

    return re.findall(f"{MARK_START}([^{MARK_END}]*){MARK_END}", snippet)


def _plain(snippet: str) -> list[str]:
    """The stretches of the text a snippet shows (marks dropped, cut at its ellipses)."""
    from synopsis.search import ELLIPSIS, MARK_END, MARK_START

    return [part for part in snippet.replace(MARK_START, "").replace(MARK_END, "").split(ELLIPSIS.strip()) if part.strip()]


def _texts(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT ref, text FROM paragraphs"))


@pytest.mark.parametrize("word", ["耶穌", "拿撒勒"])
def test_chinese_snippets_mark_every_occurrence_of_the_word_and_nothing_else(french_and_chinese_db, word):
    from synopsis.search import search

    texts = _texts(french_and_chinese_db)
    hits = search(french_and_chinese_db, word, limit=1000)
    assert len(hits) == hits.total and len(hits) >= 4
    for hit in hits:
        marks = _marks(hit.snippet)
        assert marks and set(marks) == {word}, (hit.ref, hit.snippet)
        shown = _plain(hit.snippet)
        assert all(part.strip() in texts[hit.ref] for part in shown)  # the paragraph's own text, unchanged
        assert len(marks) == sum(part.count(word) for part in shown)  # every occurrence shown is marked


def test_a_chinese_match_far_into_a_paragraph_is_shown_in_a_window_around_it():
    """John 1:1-17 in the Wenli text as one paragraph: 耶穌 first comes 290 characters in,
    past FTS5's own snippet, which marks nothing (the word matched in search_terms)."""
    from synopsis.search import ELLIPSIS, SNIPPET_TOKENS, mark_matches

    verses = realtexts.load_verses("ChiUnL", books=["John"])[:17]
    text = "".join(v.text for v in verses)
    assert text.index("耶穌") > 250 and "耶穌" not in "".join(v.text for v in verses[:16])
    unmarked = text[:60] + ELLIPSIS  # what FTS5 gives: the paragraph's start, nothing marked
    snippet = mark_matches(unmarked, text, "lzh", "耶穌")
    (shown,) = _plain(snippet)
    assert snippet.startswith(ELLIPSIS) and shown.strip() in text
    assert _marks(snippet) == ["耶穌"] * shown.count("耶穌") and "耶穌" in shown
    assert len(re.findall(r"\w", shown)) <= SNIPPET_TOKENS + 1  # a window of words (an ideograph is one), not the text
    assert mark_matches(unmarked, text, "lzh", "耶穌", 0) == mark_matches(text, text, "lzh", "耶穌", 0)  # 0: the whole text
    assert "拿撒勒" not in text and mark_matches(unmarked, text, "lzh", "拿撒勒") == unmarked  # no match: FTS5's snippet as it was


def test_french_snippets_mark_what_the_french_stem_found(french_and_chinese_db):
    """`aimer` finds aime, aimé, aimez (one French stem): each is marked, in place."""
    import Stemmer

    from synopsis.search import search

    stem = Stemmer.Stemmer("french").stemWord
    texts = _texts(french_and_chinese_db)
    hits = search(french_and_chinese_db, "aimer", limit=1000)
    assert len(hits) == hits.total and len(hits) > 10
    marked = set()
    for hit in hits:
        marks = _marks(hit.snippet)
        assert marks and all(stem(m.lower()) == "aim" for m in marks), (hit.ref, hit.snippet)
        shown = _plain(hit.snippet)
        assert all(part.strip() in texts[hit.ref] for part in shown)
        unmarked = [w for part in shown for w in re.findall(r"\w+", part) if stem(w.lower()) == "aim"]
        assert len(unmarked) == len(marks)  # every form of the word the snippet shows is marked
        marked.update(marks)
    assert {"aime", "aimé", "aimez"} <= marked  # inflected forms: FTS5's own snippet marked none of them


def test_french_snippets_mark_accented_words_and_their_derivations(french_and_chinese_db):
    from synopsis.search import search

    hits = search(french_and_chinese_db, "verite", limit=1000)
    marks = [m for hit in hits for m in _marks(hit.snippet)]
    assert all(hit.snippet and _marks(hit.snippet) for hit in hits)
    assert all(m.lower().startswith("vérit") for m in marks)  # the French stem vérit, accents and all
    assert {"vérité", "véritablement"} <= {m.lower() for m in marks}  # véritablement: through search_terms alone


def test_query_words_read_typed_and_widened_queries_alike():
    from synopsis.languages.search import query_words

    assert query_words("comunista") == query_words(rewrite_query("comunista", ["it"])) == (("comunista", False),)
    assert query_words(rewrite_query("學而時習", ["lzh"])) == (("學而時習", False),)
    assert query_words('"la vérité" OR commun* NOT (lenin OR stalin) speaker:togliatti') == (
        ("la", False), ("vérité", False), ("commun", True))


def test_the_search_page_and_canned_query_mark_chinese_and_french(french_and_chinese_db):
    from synopsis.search import search
    from tests.conftest import SiteClient

    site = SiteClient(french_and_chinese_db)
    try:
        page = site.get("/search", params={"q": "耶穌"}).text
        canned = site.get("/synopsis/search.json", params={"q": "耶穌", "_shape": "array"}).json()
        french = site.get("/search", params={"q": "aimer"}).text
    finally:
        site.close()
    assert set(re.findall(r"<mark>([^<]*)</mark>", page)) == {"耶穌"}
    assert [row["snippet"] for row in canned[:10]] == [h.snippet for h in search(french_and_chinese_db, "耶穌", limit=10)]
    assert {"aime", "aimé"} <= set(re.findall(r"<mark>([^<]*)</mark>", french))


def test_migration_fills_search_terms_and_rebuilds_the_index(tmp_path):
    """A database from before 0006, with its full-text index, upgraded: Italian and Chinese
    rows gain their stems and bigrams, English rows none, and the index searches them."""
    from synopsis.database import engine_for, fts_languages, fts_query, migrate

    db = tmp_path / "old.db"
    engine = engine_for(db)
    with engine.begin() as conn:
        migrate(conn, "0003")
    engine.dispose()
    with sqlite3.connect(db) as conn:
        for doc_id, language, text in (("it-doc", "it", "I comunisti italiani e il culto della personalità"),
                                       ("zh-doc", "lzh", "子曰、學而時習之、不亦說乎、"),
                                       ("en-doc", "en", "The communists of Italy")):
            conn.execute("INSERT INTO documents (id, title, language, status, word_count, paragraph_count, "
                         "quotation_count) VALUES (?, ?, ?, 'present', 0, 1, 0)", (doc_id, doc_id, language))
            conn.execute("INSERT INTO paragraphs (document_id, ordinal, ref, kind, text, char_start, char_end, "
                         "source_start, source_end, word_count) VALUES (?, 1, ?, 'body', ?, 0, 1, 0, 1, 1)",
                         (doc_id, f"{doc_id}:1", text))
        # the index as 0001-0003 built it: the text column alone
        conn.execute('CREATE VIRTUAL TABLE paragraphs_fts USING fts5(text, content="paragraphs", content_rowid="id", '
                     "tokenize='porter unicode61 remove_diacritics 2')")
        conn.execute("INSERT INTO paragraphs_fts(paragraphs_fts) VALUES('rebuild')")
    engine = engine_for(db)
    with engine.begin() as conn:
        migrate(conn)
    engine.dispose()
    with sqlite3.connect(db) as conn:
        terms = dict(conn.execute("SELECT document_id, search_terms FROM paragraphs"))
        assert terms == {"it-doc": "i comun italian e il cult dell personal",
                         "zh-doc": "子曰 曰 學而 而時 時習 習之 之 不亦 亦說 說乎 乎", "en-doc": None}
        languages = fts_languages(conn)

        def found(query: str) -> set[str]:
            sql = "SELECT p.document_id FROM paragraphs_fts JOIN paragraphs p ON p.id = paragraphs_fts.rowid WHERE paragraphs_fts MATCH ?"
            return {row[0] for row in conn.execute(sql, (fts_query(query, languages),))}

        assert found("comunismo") == {"it-doc"}
        assert found("學而") == {"zh-doc"}
        assert found("communist") == {"en-doc"}


def test_a_language_tag_is_read_by_its_primary_subtag_and_unknown_stays_unknown():
    from synopsis.languages.tags import primary_subtag, same_language

    assert [primary_subtag(t) for t in ("en-GB", "en_US", " FR ", "zh-Hant", "lzh", "", None)] == ["en", "en", "fr", "zh", "lzh", None, None]
    assert same_language("en-GB", "en-US") is True and same_language("zh", "lzh") is False
    assert same_language("en", None) is None and same_language("", "it") is None
    assert profile_for("en_GB").code == profile_for("en").code  # one reading everywhere
