"""Labelled cases for measuring cross-references: paraphrases written for the tests.

Each :class:`Paraphrase` is a paragraph written for the tests that renders a passage of
the 1956 resolution in other words, the way another translator (or a careless
typesetter, or a scanner) would. The passage it renders is given twice: ``source`` is the
resolution's own words (found in the resolution's text by the tests), and the rendering is
marked with ``[[`` and ``]]`` in ``text``. :data:`UNRELATED` paragraphs share this
corpus's vocabulary (the congress, the central committee, the working people) but quote
nothing: no cross-reference may come from them.

The wording here is ours; only ``source`` strings are the resolution's.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from synopsis.ingest.segment import split_sentences

__all__ = ["Paraphrase", "PARAPHRASES", "TRANSLATIONS", "UNRELATED", "unmark", "resolution_paragraphs", "RESOLUTION_MD", "make_database"]

RESOLUTION_MD = Path(__file__).resolve().parents[2] / "documents" / "cpsu-resolution-1956" / "cpsu-cc-resolution-1956-06-30.md"


def resolution_paragraphs(path: Path = RESOLUTION_MD) -> list[str]:
    """The resolution's body paragraphs: blocks after the date line, page breaks rejoined.

    A stand-in for the ingest pipeline, so the link tests and benchmark do not depend on
    it: a block that does not end a sentence continues in the next block (a page break),
    and a word hyphenated across the break is rejoined.
    """
    body = path.read_text(encoding="utf-8").split("June 30, 1956", 1)[1]
    out: list[str] = []
    for block in re.split(r"\n\s*\n", body):
        block = " ".join(block.split())
        if not block:
            continue
        if out and not re.search(r"[.:;!?”\"’)\]]$", out[-1]):
            out[-1] = out[-1][:-1] + block if out[-1].endswith("-") else out[-1] + " " + block
        else:
            out.append(block)
    return out


@dataclass(frozen=True)
class Paraphrase:
    name: str
    text: str  # with [[ ]] around each rendering of a source passage
    sources: tuple[str, ...]  # the resolution's words, one per marked rendering
    how: str  # what differs: translation, OCR, spelling, repeated

    @property
    def plain(self) -> str:
        return unmark(self.text)[0]

    @property
    def spans(self) -> list[tuple[int, int]]:
        return unmark(self.text)[1]


def unmark(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Text without ``[[``/``]]`` markers, and the spans they enclosed."""
    spans = []
    out = []
    pos = 0
    for m in re.finditer(r"\[\[(.*?)\]\]", text, flags=re.S):
        out.append(text[pos : m.start()])
        start = sum(len(x) for x in out)
        out.append(m.group(1))
        spans.append((start, start + len(m.group(1))))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), spans


PARAPHRASES = [
    Paraphrase(
        "lenin-letter-translation",
        "Writing to the party congress at the close of 1922, Lenin gave this warning: "
        "\"[[Comrade Stalin, having become general secretary, has concentrated boundless power in his "
        "hands, and I am not sure that he will always be capable of using that power with "
        "sufficient caution]].\" The historians of the period return to these lines again and again.",
        ("Comrade Stalin, after taking over the post of general secretary, accumulated in his hands "
         "immeasurable power, and I am not certain whether he will be always able to use this power "
         "with the required care",),
        "translation",
    ),
    Paraphrase(
        "lenin-postscript-translation",
        "A few days later he added a postscript: \"[[Stalin is too rude, and this fault, which is "
        "entirely tolerable in our midst and in relations among us communists, becomes intolerable "
        "in a general secretary. That is why I suggest that the comrades think about a way of "
        "removing Stalin from that post and appointing another man who in all respects differs "
        "from Stalin in one advantage alone, namely, that he is more tolerant, more loyal, more "
        "polite and more attentive to the comrades, less capricious]], and so on.\"",
        ("Stalin is excessively rude,” Lenin wrote, “and this defect, which can be freely tolerated in "
         "our midst and in contacts among us, communists, becomes a defect which cannot be tolerated "
         "in one holding the post of general secretary. I therefore propose to the comrades to "
         "consider the method by which to remove Stalin from his post, and to select another man for "
         "it who, above all, would differ from Stalin in only one quality, namely, greater tolerance, "
         "greater loyalty, greater politeness and a more considerate attitude towards the comrades, "
         "a less capricious temper",),
        "translation",
    ),
    Paraphrase(
        "peoples-daily-translation",
        "The editorial of the People's Daily [[on the historical experience of the dictatorship of "
        "the proletariat]] put it so: \"[[The CPSU, true to the behests of Lenin, treats seriously "
        "certain grave mistakes committed by Stalin in directing socialist construction, and "
        "their consequences]].\" The article was reprinted in many languages.",
        ("On the historical experience of the dictatorship of the proletariat",
         "The Communist Party of the Soviet Union, following Lenin's behests, seriously regards some "
         "grave errors committed by Stalin in the direction of socialist construction, and their "
         "consequences",),
        "translation",
    ),
    Paraphrase(
        "togliatti-translation",
        "In the same interview Togliatti wrote: \"[[One must conclude that the substance of the "
        "socialist system was not lost, any more than any of the earlier conquests was lost, and "
        "above all the system did not lose the support of the masses of workers, peasants and "
        "intellectuals who make up Soviet society]].\" The sentence was much quoted in Rome.",
        ("It is necessary to draw the conclusion that the essence of the socialist system was not "
         "lost, just as not a single one of the previous gains was lost, and above all the support "
         "of the system by the masses of the workers, peasants and intelligentsia who make up "
         "Soviet society was not lost",),
        "translation",
    ),
    Paraphrase(
        "lenin-self-criticism-ocr",
        "Quoting Lenin once more, the speaker reminded the meeting that \"[[the party of the "
        "revo1utionary pro1etariat is sufficient1y strong to openIy criticize itse1f, to ca11 a "
        "rnistake a mistake, and a weakness a weakness]]\" and sat down to long applause.",
        ("The party of the revolutionary proletariat,” V. I. Lenin pointed out, “is sufficiently "
         "strong to openly criticise itself, to call a mistake a mistake, and a weakness a weakness",),
        "ocr",
    ),
    Paraphrase(
        "marx-authority-translation",
        "Marx recalled in a letter that he and Engels had first joined the secret society of "
        "communists \"[[only on the condition that everything tending to encourage a superstitious "
        "worship of authority would be struck out of its rules]].\"",
        ("on condition that everything making for superstitious worshipping of authorities would "
         "be thrown out of it",),
        "translation",
    ),
    Paraphrase(
        "lenin-intellect-repeated",
        "The lecturer began with Lenin's phrase that \"[[the intellect of tens of millions creates "
        "something immeasurably higher than the forecast of the greatest genius]]\", spoke for an "
        "hour about the planning of the new districts and the building of schools, and ended where "
        "he began: \"[[the intellect of tens of millions creates something immeasurably higher than "
        "the forecast of the greatest genius]].\"",
        ("The intellect of scores of millions,” said V. I. Lenin, “creates something immeasurably "
         "higher than a forecast of the greatest genius",) * 2,
        "repeated",
    ),
    Paraphrase(
        "defence-spelling",
        "The author of the pamphlet insists that \"[[the Soviet Union had to exert every effort for "
        "strengthening its defenses and countering the intrigues of the hostile capitalist "
        "encirclement]]\", and he adds figures on the budget of each year.",
        ("the Soviet Union had to exert every effort for strengthening its defences and countering "
         "the intrigues of the hostile capitalist encirclement",),
        "spelling",
    ),
]

UNRELATED = [
    "The congress of the trade unions discussed the wages of the working people, the housing "
    "programme and the length of the working day, and elected a new central council.",
    "In the spring the central committee of the youth league sent ten thousand volunteers to "
    "plough the virgin lands of Kazakhstan, where new state farms were set up.",
    "The delegates visited the tractor works and the textile mills of the city and met the "
    "workers who had overfulfilled the plan for the first quarter of the year.",
    "A conference of historians discussed the teaching of history in the schools and the "
    "publication of documents from the archives of the revolutionary years.",
    "The party organisation of the collective farm held its meeting in the village club and "
    "discussed the harvest, the repair of machines and the building of a new school.",
    "Scientists of the academy reported on the first atomic power station, which supplies "
    "electricity to the farms and factories of the district around it.",
    "The newspaper printed letters from readers about the quality of goods in the shops and "
    "the work of the municipal transport in the new districts of the capital.",
    "At the international congress of physicians the Soviet delegation spoke of the struggle "
    "against tuberculosis and of the sanatoria built on the coast of the Black Sea.",
]


@dataclass(frozen=True)
class Translation:
    """One passage in two "translations" written for the tests, each inside its own paragraph.

    ``left`` and ``right`` mark the passage with ``[[``/``]]`` (twice, where a text quotes it
    twice); a pair with no marks shares nothing and must not be linked. The sentences are
    ours: an imagined original rendered by two translators, who choose other words
    (shortcomings/defects, serious/grave), other spellings (organisation/organization),
    other quote marks, another order of clauses, and sometimes a scanner damages one.
    """

    name: str
    left: str
    right: str
    how: str

    @property
    def left_plain(self) -> str:
        return unmark(self.left)[0]

    @property
    def right_plain(self) -> str:
        return unmark(self.right)[0]

    @property
    def left_spans(self) -> list[tuple[int, int]]:
        return unmark(self.left)[1]

    @property
    def right_spans(self) -> list[tuple[int, int]]:
        return unmark(self.right)[1]


TRANSLATIONS = [
    Translation(
        "lenin-rude-two-translations",
        "In the postscript of January 1923 the letter says: “[[Stalin is too rude, and this defect, although quite "
        "tolerable in our midst and in dealings among us Communists, becomes intolerable in a Secretary-General]].” "
        "The words were read to the delegations one by one.",
        "The postscript is well known. \"[[Stalin is excessively rude, and this shortcoming, fully tolerable in our "
        "midst and in relations among us Communists, becomes unbearable in the office of General Secretary]],\" it "
        "begins, and it goes on to propose his removal.",
        "translation (the brief's example)",
    ),
    Translation(
        "industry-shortcomings",
        "Opening the session, the chairman declared: “[[The successes of our industry are great, but we must not "
        "close our eyes to the serious shortcomings that still hamper the work of many enterprises, above all the "
        "poor organisation of labour and the waste of materials]].” The hall applauded for a long time.",
        "The chairman began by saying that \"[[the achievements of our industry are considerable, yet we must not "
        "shut our eyes to the grave defects which still hinder the work of numerous enterprises, first of all the "
        "bad organization of labor and the squandering of materials]]\", and then he turned to the budget.",
        "translation, spelling, quote marks",
    ),
    Translation(
        "criticism-reordered",
        "The editorial ends on a warning. [[Criticism from below must be encouraged in every party organisation, "
        "because without it the leading bodies lose touch with the masses and repeat their mistakes]]. Nothing "
        "else in the paper that week was read so widely.",
        "Its last lines are a warning: [[without criticism from below the leading organs lose contact with the "
        "masses and repeat their errors, and so it must be encouraged in every organization of the party]]. The "
        "article was reprinted by the provincial press.",
        "translation, clauses in another order",
    ),
    Translation(
        "collective-leadership-ocr",
        "The resolution recalls the principle once more: \"[[collective leadership is the highest principle of "
        "party leadership, and no individual, however great his merits, may stand above the central committee]].\"",
        "Speaking to the students, the lecturer quoted the principle: \"[[co11ective 1eadership is the highest "
        "princip1e of party leadership, and no individua1, however great his rnerits, rnay stand above the "
        "Central Committee]]\", and then he spoke of the history of the congresses, and at the end he came back to "
        "it: \"[[collective leadership is the supreme principle of party leadership, and no person, whatever his "
        "merits, may stand above the Central Committee]].\"",
        "OCR, quoted twice",
    ),
    Translation(
        "peace-appeal",
        "The appeal was short. [[We call upon the working people of all countries to defend the cause of peace, "
        "to demand the prohibition of atomic weapons and to strengthen the friendship between nations]], it "
        "concluded, and it was signed by forty delegations.",
        "Forty delegations signed the appeal, which closed with these words: [[we appeal to the toilers of every "
        "country to defend the cause of peace, to insist on the banning of atomic weapons and to consolidate the "
        "friendship of the peoples]].",
        "translation",
    ),
    Translation(
        "same-subject-nothing-shared",
        "The plenum of the central committee discussed the state of agriculture, the supply of tractors to the "
        "machine and tractor stations and the payment of collective farmers for their work days.",
        "At the plenum the central committee heard a report on the harvest, on the shortage of spare parts for the "
        "tractors and on the pay of collective farmers, and it set up a commission to study the matter.",
        "unrelated: same subject, no shared passage",
    ),
    Translation(
        "same-phrases-nothing-shared",
        "The Communist Party of the Soviet Union has always fought for the unity of the international working class "
        "movement and against every attempt to divide the working people of the world.",
        "The congress of the Communist Party of the Soviet Union opened in Moscow in February, and delegations of "
        "fifty-five parties from the whole world came to greet it.",
        "unrelated: shared names, no shared passage",
    ),
]
"""Labelled translation pairs for tests and the benchmark (the sentences are ours)."""


def make_database(
    path: Path, documents: list[tuple[str, str | None, list[str]]], quotations=(), *, language: str | None = "en"
) -> Path:
    """A Synopsis database holding ``(id, version_of, paragraphs)`` documents, in that order,
    all in ``language`` (the texts in this module are English).

    Made straight from the schema, without the ingest pipeline, so that link tests and
    benchmarks control every paragraph. ``quotations`` are ``(document id, paragraph ordinal,
    start, end)`` with spans relative to the paragraph.
    """
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    import synopsis.schema  # noqa: F401 - registers the tables

    engine = create_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    conn = sqlite3.connect(path)
    for doc_id, version_of, paragraphs in documents:
        conn.execute(
            "INSERT INTO documents (id, title, version_of, language, status, word_count, paragraph_count, "
            "quotation_count) VALUES (?,?,?,?,?,0,0,0)",
            (doc_id, doc_id.title(), version_of, language, "present"),
        )
        offset = 0
        for k, text in enumerate(paragraphs, 1):
            pid = conn.execute(
                "INSERT INTO paragraphs (document_id, ordinal, ref, kind, text, char_start, char_end, source_start, "
                "source_end, word_count) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (doc_id, k, f"{doc_id}:{k}", "body", text, offset, offset + len(text), offset, offset + len(text),
                 len(text.split())),
            ).lastrowid
            conn.executemany(  # the sentences as ingest splits them
                "INSERT INTO sentences (paragraph_id, ordinal, text, char_start, char_end) VALUES (?,?,?,?,?)",
                [(pid, n, text[span.start : span.end], offset + span.start, offset + span.end)
                 for n, span in enumerate(split_sentences(text), 1)],
            )
            offset += len(text) + 2
    for doc_id, ordinal, start, end in quotations:  # paragraph-relative spans
        pid, pstart = conn.execute(
            "SELECT id, char_start FROM paragraphs WHERE document_id=? AND ordinal=?", (doc_id, ordinal)
        ).fetchone()
        n = conn.execute("SELECT count(*) FROM quotations").fetchone()[0] + 1
        text = conn.execute("SELECT text FROM paragraphs WHERE id=?", (pid,)).fetchone()[0][start:end]
        conn.execute(
            "INSERT INTO quotations (paragraph_id, document_id, ordinal, ref, kind, text, char_start, char_end) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (pid, doc_id, n, f"{doc_id}:{ordinal}.q{n}", "quotation", text, pstart + start, pstart + end),
        )
    conn.commit()
    conn.close()
    return path
