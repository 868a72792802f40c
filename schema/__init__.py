"""The tables of a Synopsis database, and nothing else.

This module is the user's SQL interface: the names here are what a reader types in
Datasette, so they stay stable, and every column carries a ``description`` (repeated in
``datasette-metadata.json``, which a test keeps in step). Alembic owns the DDL
(``migrations/``); a test checks these models and the migrations agree.

Conventions
    * ``documents.id`` is the document's slug; every other table has an integer primary
      key (FTS content tables and Datasette rely on rowids).
    * Rows that a reader can cite carry a ``ref`` beside the id, e.g.
      ``cpsu-resolution-1956:2.14`` for paragraph 14 of section 2. The build reuses the
      integer id of a ref that existed before, so ids survive rebuilds.
    * ``char_start``/``char_end`` are offsets into the document's clean text;
      ``source_start``/``source_end`` into its source text. Spans in links
      (``source_start`` ... ``target_end`` of ``cross_references``) are offsets into each
      paragraph's own text.
"""
from __future__ import annotations

from typing import Optional

from sqlmodel import Field, SQLModel


class DocumentBase(SQLModel):
    """Bibliographic facts shared by the table and by code that builds documents."""

    title: str = Field(description="Title of the document as published")
    author: Optional[str] = Field(default=None, description="Author or issuing body")
    date: Optional[str] = Field(default=None, index=True, description="Date of the document (ISO 8601)")
    language: Optional[str] = Field(default=None, description="Language of this text (BCP 47 code, e.g. en, it)")
    genre: Optional[str] = Field(default=None, description="resolution, speech, editorial, interview, ...")
    translator: Optional[str] = Field(default=None, description="Translator of this text, where it is a translation")
    publisher: Optional[str] = Field(default=None, description="Publisher of the edition this text comes from")
    source_title: Optional[str] = Field(default=None, description="Title of the publication the text was taken from")
    source_url: Optional[str] = Field(default=None, description="Where the source text can be found online")
    digitisation: Optional[str] = Field(default=None, description="Who digitised or transcribed the source, and when")
    rights: Optional[str] = Field(default=None, description="Copyright or licence status of the source text")
    description: Optional[str] = Field(default=None, description="A sentence on what the document is")


class Document(DocumentBase, table=True):
    """One witness: a text in one edition or translation."""

    __tablename__ = "documents"

    id: str = Field(primary_key=True, description="Stable slug of the document, used by every command and URL")
    version_of: Optional[str] = Field(
        default=None, foreign_key="documents.id", index=True,
        description="Id of the document this one is another edition or translation of",
    )
    status: str = Field(default="missing", description="present: the text is loaded; missing: catalogued only")
    status_note: Optional[str] = Field(default=None, description="What to do about a missing text, or how the text was obtained")
    source_file: Optional[str] = Field(default=None, description="Source file of record, relative to documents/")
    source_format: Optional[str] = Field(default=None, description="markdown, text or html")
    source_kind: Optional[str] = Field(default=None, description="scan: the text came from a scan, and its repairs are in the repairs table; born-digital or empty: kept block for block as written")
    source_sha256: Optional[str] = Field(default=None, description="SHA-256 of the source file's bytes")
    retrieved_at: Optional[str] = Field(default=None, description="When the source was downloaded (ISO 8601, UTC)")
    retrieved_from: Optional[str] = Field(default=None, description="The URL the source was finally downloaded from")
    front_matter: Optional[str] = Field(default=None, description="Front matter removed from the body (title blocks, shelf marks, scan notes)")
    notes: Optional[str] = Field(default=None, description="Source and transcription notes found in the source")
    word_count: int = Field(default=0, description="Words in the clean text")
    paragraph_count: int = Field(default=0, description="Paragraphs in the document")
    quotation_count: int = Field(default=0, description="Quotations, cited terms and titles in the document")
    pipeline_sha256: Optional[str] = Field(default=None, description="Digest of source, metadata and ingest version: unchanged means not re-ingested")


class Section(SQLModel, table=True):
    """A numbered or headed division of a document."""

    __tablename__ = "sections"

    id: Optional[int] = Field(default=None, primary_key=True, description="Row id (stable across rebuilds of unchanged sources)")
    document_id: str = Field(foreign_key="documents.id", index=True, description="The document")
    ordinal: int = Field(description="1-based position of the section in its document")
    ref: str = Field(unique=True, description="Citation of the section, e.g. cpsu-resolution-1956:2")
    number: Optional[str] = Field(default=None, description="The section number as printed")
    heading: Optional[str] = Field(default=None, description="The section heading, or the opening words of the section")
    char_start: int = Field(description="Start offset in the document's clean text")
    char_end: int = Field(description="End offset in the document's clean text")


class Paragraph(SQLModel, table=True):
    """A paragraph: the unit of reading, search, alignment and citation."""

    __tablename__ = "paragraphs"

    id: Optional[int] = Field(default=None, primary_key=True, description="Row id (stable across rebuilds of unchanged sources)")
    document_id: str = Field(foreign_key="documents.id", index=True, description="The document")
    section_id: Optional[int] = Field(default=None, foreign_key="sections.id", index=True, description="The section, if the paragraph lies in one")
    ordinal: int = Field(description="1-based position of the paragraph in its document")
    ref: str = Field(unique=True, description="Citation of the paragraph, e.g. cpsu-resolution-1956:2.14 (section 2, paragraph 14)")
    kind: str = Field(default="body", description="body, heading, blockquote or list_item")
    text: str = Field(description="The clean text of the paragraph")
    char_start: int = Field(description="Start offset in the document's clean text")
    char_end: int = Field(description="End offset in the document's clean text")
    source_start: int = Field(description="Start offset in the document's source text")
    source_end: int = Field(description="End offset in the document's source text")
    word_count: int = Field(description="Words in the paragraph")
    italics: Optional[str] = Field(default=None, description="Italic spans as JSON [[start, end], ...], offsets into the paragraph text")
    search_terms: Optional[str] = Field(default=None, description="What full-text search indexes beside the text, in the document's language: Snowball stems (it, fr, de, ru) or ideograph bigrams (zh, lzh); empty for English, whose text the index stems itself. Searching a word also searches its stems here.")


class Sentence(SQLModel, table=True):
    """A sentence of a paragraph."""

    __tablename__ = "sentences"

    id: Optional[int] = Field(default=None, primary_key=True, description="Row id")
    paragraph_id: int = Field(foreign_key="paragraphs.id", index=True, description="The paragraph")
    ordinal: int = Field(description="1-based position of the sentence in its paragraph")
    text: str = Field(description="The sentence")
    char_start: int = Field(description="Start offset in the document's clean text")
    char_end: int = Field(description="End offset in the document's clean text")


class Quotation(SQLModel, table=True):
    """A quoted passage with its speaker and citation, a cited term, or a quoted title."""

    __tablename__ = "quotations"

    id: Optional[int] = Field(default=None, primary_key=True, description="Row id (stable across rebuilds of unchanged sources)")
    paragraph_id: int = Field(foreign_key="paragraphs.id", index=True, description="The paragraph the quotation stands in")
    document_id: str = Field(foreign_key="documents.id", index=True, description="The document (repeated for facets)")
    ordinal: int = Field(description="1-based position of the quotation in its paragraph")
    ref: str = Field(unique=True, description="Citation of the quotation, e.g. cpsu-resolution-1956:2.14.q1")
    kind: str = Field(index=True, description="quotation (quoted words of a speaker), term (scare quotes, a cited term) or title")
    text: str = Field(description="The quoted words; the parts of a quotation interrupted by its attribution, joined")
    speaker: Optional[str] = Field(default=None, index=True, description="Who is quoted, from the surrounding words")
    citation: Optional[str] = Field(default=None, description="The reference given for the quotation, e.g. (Works, Vol. 26, Page 431)")
    search_terms: Optional[str] = Field(default=None, description="What full-text search indexes beside the quoted words, in the document's language: Snowball stems (it, fr, de, ru) or ideograph bigrams (zh, lzh); empty for English.")
    char_start: int = Field(description="Start offset in the document's clean text (quote marks included)")
    char_end: int = Field(description="End offset in the document's clean text")


class Footnote(SQLModel, table=True):
    """A footnote of a document, linked to the paragraph that calls it."""

    __tablename__ = "footnotes"

    id: Optional[int] = Field(default=None, primary_key=True, description="Row id")
    document_id: str = Field(foreign_key="documents.id", index=True, description="The document")
    paragraph_id: Optional[int] = Field(default=None, foreign_key="paragraphs.id", index=True, description="The paragraph that calls the footnote")
    marker: str = Field(description="The footnote's marker as printed")
    ref: str = Field(unique=True, description="Citation of the footnote, e.g. khrushchev-secret-speech-1956:n3")
    text: str = Field(description="The footnote's text")
    call_offset: Optional[int] = Field(default=None, description="Where the marker stood in the calling paragraph's text")
    char_start: int = Field(description="Start offset in the document's clean text")
    char_end: int = Field(description="End offset in the document's clean text")


class Repair(SQLModel, table=True):
    """A repair of a scanned source: a page break joined, a line-break hyphen or the front matter removed."""

    __tablename__ = "repairs"

    id: Optional[int] = Field(default=None, primary_key=True, description="Row id")
    document_id: str = Field(foreign_key="documents.id", index=True, description="The document (a source declared a scan)")
    ordinal: int = Field(description="1-based position of the repair in its document, in source order")
    kind: str = Field(description="page break (two blocks joined into one paragraph), hyphen (a line-break hyphen dropped) or front matter (title blocks cut)")
    source_start: int = Field(description="Start offset of what was removed in the document's source text")
    source_end: int = Field(description="End offset of what was removed in the document's source text")
    char_offset: int = Field(description="Where the removal falls in the document's clean text")
    removed: str = Field(description="The source text removed, as it stands in the source")


class Run(SQLModel, table=True):
    """One computation of links between two documents, with what is needed to reproduce it."""

    __tablename__ = "runs"

    id: Optional[int] = Field(default=None, primary_key=True, description="Row id")
    kind: str = Field(description="alignment or cross_reference (links of a document pair), variant (word variants of two editions), or document (the digest of one document's linked inputs, so an unchanged document is not linked again)")
    method: str = Field(description="The algorithm, e.g. edition-dp, similarity, ngram-rapidfuzz")
    left_document_id: str = Field(foreign_key="documents.id", index=True, description="First document of the pair")
    right_document_id: str = Field(foreign_key="documents.id", index=True, description="Second document of the pair")
    parameters: str = Field(description="Parameters of the method as JSON")
    versions: str = Field(description="Versions of Synopsis and the libraries used, as JSON")
    inputs_sha256: str = Field(index=True, description="SHA-256 over the paragraph texts of both documents and the parameters")
    created_at: str = Field(description="When the run was computed (ISO 8601, UTC)")
    seconds: float = Field(default=0.0, description="Wall time of the run")
    link_count: int = Field(default=0, description="Links the run wrote")


class Alignment(SQLModel, table=True):
    """A paragraph of one document paired with a paragraph of another."""

    __tablename__ = "alignments"

    id: Optional[int] = Field(default=None, primary_key=True, description="Row id")
    run_id: int = Field(foreign_key="runs.id", index=True, description="The run that computed the link")
    method: str = Field(description="edition (monotone alignment of two versions of one text) or similarity (most similar paragraphs)")
    left_document_id: str = Field(foreign_key="documents.id", index=True, description="Document of the left paragraph")
    right_document_id: str = Field(foreign_key="documents.id", index=True, description="Document of the right paragraph")
    left_paragraph_id: Optional[int] = Field(default=None, foreign_key="paragraphs.id", index=True, description="Left paragraph (empty when a paragraph was added on the right)")
    right_paragraph_id: Optional[int] = Field(default=None, foreign_key="paragraphs.id", index=True, description="Right paragraph (empty when a paragraph was dropped on the right)")
    bead: Optional[int] = Field(default=None, description="Editions: the alignment step this pair belongs to; paragraphs joined by aligned sentences share a bead")
    pattern: Optional[str] = Field(default=None, description="Editions: the shape of the bead, paragraphs on each side (1-1, 2-1, 2-3, ...), 1-0 or 0-1 for a paragraph with no counterpart")
    rank: int = Field(default=1, description="Similarity: 1 for the best match of the left paragraph in the right document, 2 for the next, ...")
    score: float = Field(description="Similarity 0-100; editions: the mean confidence 0-100 of the sentence pairs that join the two paragraphs")


class SentenceAlignment(SQLModel, table=True):
    """A sentence of one version paired with a sentence of another: the evidence under an edition alignment."""

    __tablename__ = "sentence_alignments"

    id: Optional[int] = Field(default=None, primary_key=True, description="Row id")
    run_id: int = Field(foreign_key="runs.id", index=True, description="The run that computed the alignment (its edition run)")
    method: str = Field(description="The aligner, e.g. sentence-dp (the monotone sentence alignment of two versions)")
    left_document_id: str = Field(foreign_key="documents.id", index=True, description="Document of the left sentence")
    right_document_id: str = Field(foreign_key="documents.id", index=True, description="Document of the right sentence")
    left_sentence_id: Optional[int] = Field(default=None, foreign_key="sentences.id", index=True, description="Left sentence (empty when a sentence was added on the right)")
    right_sentence_id: Optional[int] = Field(default=None, foreign_key="sentences.id", index=True, description="Right sentence (empty when a sentence was dropped on the right)")
    left_paragraph_id: Optional[int] = Field(default=None, foreign_key="paragraphs.id", index=True, description="The paragraph of the left sentence")
    right_paragraph_id: Optional[int] = Field(default=None, foreign_key="paragraphs.id", index=True, description="The paragraph of the right sentence")
    bead: int = Field(description="The alignment step this pair belongs to; sentences merged or split share a bead")
    pattern: str = Field(description="The shape of the bead: 1-1, 1-2, 2-1, 2-2, 1-3, 3-1, 2-3, 3-2, 1-4, 4-1, or 1-0 and 0-1 for a sentence with no counterpart")
    score: float = Field(description="Confidence 0-100 of the bead: the logistic of its lexical and length evidence (0 for a gap)")


class CrossReference(SQLModel, table=True):
    """The same passage in two paragraphs, in the same or different wording."""

    __tablename__ = "cross_references"

    id: Optional[int] = Field(default=None, primary_key=True, description="Row id")
    run_id: int = Field(foreign_key="runs.id", index=True, description="The run that found the link")
    method: str = Field(description="How the passage was found and scored")
    source_document_id: str = Field(foreign_key="documents.id", index=True, description="Document of the source paragraph")
    target_document_id: str = Field(foreign_key="documents.id", index=True, description="Document of the target paragraph")
    source_paragraph_id: int = Field(foreign_key="paragraphs.id", index=True, description="Paragraph in which the passage stands")
    target_paragraph_id: int = Field(foreign_key="paragraphs.id", index=True, description="Paragraph in which the passage stands again")
    quotation_id: Optional[int] = Field(default=None, foreign_key="quotations.id", index=True, description="The source quotation, when the match comes from one")
    source_start: int = Field(description="Start of the passage in the source paragraph's text")
    source_end: int = Field(description="End of the passage in the source paragraph's text")
    target_start: int = Field(description="Start of the passage in the target paragraph's text")
    target_end: int = Field(description="End of the passage in the target paragraph's text")
    source_text: str = Field(description="The passage as the source paragraph words it")
    target_text: str = Field(description="The passage as the target paragraph words it")
    score: float = Field(description="Similarity of the two passages, 0-100")
    kind: str = Field(default="verbatim", index=True, sa_column_kwargs={"server_default": "verbatim"},
                      description="verbatim (the same words in the same order, found by alignment or quotation search), reworded (the same passage in other words: retranslated, paraphrased) or translated (the same passage in another language: through the translators' lexicon, or composed through a link to another version and that version's alignment, see derived_through)")
    meaning_score: Optional[float] = Field(default=None, description="Information-weighted word alignment of the two passages with a fragmentation penalty, 0-100 (one scale: 100 is verbatim; see synopsis.link.reworded)")
    correspondences: Optional[str] = Field(default=None, description="JSON list of the word correspondences the link rests on: [source start, source end, target start, target end, kind], spans relative to each passage's start; kind same, name, number, stem, synonym or learned")
    derived_through: Optional[str] = Field(default=None, description="For a translated link composed through an alignment (method through-alignment): JSON of the link and the alignment it was derived from: the base version's document, paragraph and span (document, paragraph, start, end), the version in the other language (alignment) and the sentence ids joined ([base sentences, sentences reached])")


class Variant(SQLModel, table=True):
    """One difference, word by word, inside an aligned pair of two editions of one text.

    Only editions in one language have variants (a translation is not a variant). Spans
    are offsets into each paragraph's own text; the side an insertion or deletion has no
    words on gets an empty span where they would stand.
    """

    __tablename__ = "variants"

    id: Optional[int] = Field(default=None, primary_key=True, description="Row id")
    run_id: int = Field(foreign_key="runs.id", index=True, description="The run that collated the pair (kind variant; its parameters list the normalisation rules)")
    left_document_id: str = Field(foreign_key="documents.id", index=True, description="Document of the left reading (the run's left document)")
    right_document_id: str = Field(foreign_key="documents.id", index=True, description="Document of the right reading")
    left_paragraph_id: int = Field(foreign_key="paragraphs.id", index=True, description="Paragraph of the left reading")
    right_paragraph_id: int = Field(foreign_key="paragraphs.id", index=True, description="Paragraph of the right reading")
    kind: str = Field(index=True, description="substitution, insertion (words only on the right), deletion (words only on the left) or transposition (the same words in another order)")
    left_start: int = Field(description="Start of the left reading in its paragraph's text")
    left_end: int = Field(description="End of the left reading in its paragraph's text (equal to the start for an insertion)")
    right_start: int = Field(description="Start of the right reading in its paragraph's text")
    right_end: int = Field(description="End of the right reading in its paragraph's text (equal to the start for a deletion)")
    left_text: str = Field(description="The left reading as printed (empty for an insertion)")
    right_text: str = Field(description="The right reading as printed (empty for a deletion)")
    trivial: int = Field(index=True, description="1 when the readings are equal after normalisation (case, punctuation, accents, word division, the language's spelling rules); 0 for a substantive variant")


class LexiconEntry(SQLModel, table=True):
    """One word or phrase of one language and its counterpart in another: the translators'
    lexicon, with its evidence and where it came from.

    ``source`` says where: ``learned`` (from the aligned sentences of two versions, the
    run's document pair; ``evidence`` is how many sentence beads hold both, ``strength``
    Dunning's G² of the pair over the beads; ``learned-one-way`` a word's other strong
    partners), ``corpus`` / ``corpus term`` (the corpus lexicon, ``documents/lexicon.toml``:
    one name or term and its spellings in two languages), or a dictionary's name and version.
    """

    __tablename__ = "lexicon"

    id: Optional[int] = Field(default=None, primary_key=True, description="Row id")
    run_id: Optional[int] = Field(default=None, foreign_key="runs.id", index=True, description="The run that learned the pair (an edition alignment of two versions); empty for the corpus lexicon and dictionaries")
    source: str = Field(index=True, description="learned (from the run's two aligned versions; learned-one-way: a word's other strong partners), corpus or corpus term (a name or a term of documents/lexicon.toml), or a dictionary's name, version and licence")
    left_language: str = Field(index=True, description="Language of the left word (ISO 639)")
    right_language: str = Field(index=True, description="Language of the right word (ISO 639)")
    left_text: str = Field(index=True, description="The left word or phrase, as the texts most often write it")
    right_text: str = Field(index=True, description="The right word or phrase, as the texts most often write it")
    left_document_id: Optional[str] = Field(default=None, foreign_key="documents.id", index=True, description="The version the left word was learned from (learned pairs)")
    right_document_id: Optional[str] = Field(default=None, foreign_key="documents.id", index=True, description="The version the right word was learned from (learned pairs)")
    token: Optional[str] = Field(default=None, description="The one token linking reads both as (corpus lexicon: the entry's token)")
    evidence: int = Field(description="Aligned sentence beads holding both words (learned), or 1 (an entry of the corpus lexicon or a dictionary)")
    strength: float = Field(description="Dunning's G² of the pair over the aligned beads (learned; above 30 is far beyond chance); 0 for a listed entry")


class Annotation(SQLModel, table=True):
    """A reader's note on a paragraph, quotation, cross-reference or alignment.

    Notes are the one thing in the database that no source can recreate: every build
    carries them over, re-finds their targets, and marks (never drops) a note whose
    target is gone. The table holds the notes as they stand; their history (edits and
    deletions) is in the notes file (:mod:`synopsis.notes`).
    """

    __tablename__ = "annotations"

    id: Optional[int] = Field(default=None, primary_key=True, description="Row id")
    target_table: str = Field(description="paragraphs, quotations, cross_references or alignments")
    target_id: Optional[int] = Field(default=None, description="Id of the annotated row (empty while orphaned)")
    target_ref: Optional[str] = Field(default=None, description="Citation of the annotated row when the note was written or last re-found")
    target_text: Optional[str] = Field(default=None, description="The annotated text when the note was written, used to re-find it")
    note: str = Field(description="The note (its last wording, when edited)")
    tags: Optional[str] = Field(default=None, description="Tags, comma-separated")
    author: Optional[str] = Field(default=None, description="Who wrote the note")
    created_at: str = Field(description="When the note was written (ISO 8601, UTC)")
    orphaned: bool = Field(default=False, description="True when the annotated text no longer exists in the sources")
    orphaned_at: Optional[str] = Field(default=None, description="When the note lost its target")


TABLES = [Document, Section, Paragraph, Sentence, Quotation, Footnote, Repair, Run, Alignment, SentenceAlignment, CrossReference,
          Variant, LexiconEntry, Annotation]
"""Every table, in dependency order."""


ORIENTATION_SQL = """
    {columns}, 1 as forward from {table}
    union all
    select {flipped},
           case when instr(pattern, '-') > 0
                then substr(pattern, instr(pattern, '-') + 1) || '-' || substr(pattern, 1, instr(pattern, '-') - 1)
           end, 0 from {table} where left_document_id <> right_document_id"""

VIEWS = {
    "oriented_alignments": (
        "select id, run_id, method, bead, rank, score, left_document_id as a_document_id, "
        "right_document_id as b_document_id, left_paragraph_id as a_paragraph_id, "
        "right_paragraph_id as b_paragraph_id, pattern",
        "id, run_id, method, bead, rank, score, right_document_id, left_document_id, right_paragraph_id, "
        "left_paragraph_id",
        "alignments",
    ),
    "oriented_sentence_alignments": (
        "select id, run_id, method, bead, score, left_document_id as a_document_id, "
        "right_document_id as b_document_id, left_paragraph_id as a_paragraph_id, "
        "right_paragraph_id as b_paragraph_id, left_sentence_id as a_sentence_id, "
        "right_sentence_id as b_sentence_id, pattern",
        "id, run_id, method, bead, score, right_document_id, left_document_id, right_paragraph_id, "
        "left_paragraph_id, right_sentence_id, left_sentence_id",
        "sentence_alignments",
    ),
}
"""The one orientation rule for links stored once per pair: every row seen from both
documents. ``a_*`` is the side the reader put first; a row read from its right document
has its sides swapped and its pattern flipped (2-1 becomes 1-2); ``forward`` is 1 for the
row as stored. Compare pages, ``synopsis compare`` and the ``aligned_pairs`` query read
these views, never the tables' own left/right."""


VARIANTS_VIEW_SQL = """
    select id, run_id, kind, trivial, left_document_id as a_document_id, right_document_id as b_document_id,
           left_paragraph_id as a_paragraph_id, right_paragraph_id as b_paragraph_id,
           left_start as a_start, left_end as a_end, right_start as b_start, right_end as b_end,
           left_text as a_text, right_text as b_text, 1 as forward from variants
    union all
    select id, run_id,
           case kind when 'insertion' then 'deletion' when 'deletion' then 'insertion' else kind end,
           trivial, right_document_id, left_document_id, right_paragraph_id, left_paragraph_id,
           right_start, right_end, left_start, left_end, right_text, left_text, 0
    from variants where left_document_id <> right_document_id"""
"""Word variants seen from both editions: read from its right document, a row has its
readings swapped and an insertion (words only ``b`` has) becomes a deletion. The one home
of that rule: ``synopsis variants``, the compare page and the paragraph page read it."""

VIEWS["oriented_variants"] = None  # the SQL above, not the alignment template


def view_ddl(name: str) -> str:
    """``CREATE VIEW`` for one of :data:`VIEWS`."""
    if VIEWS[name] is None:
        return f"create view if not exists {name} as " + VARIANTS_VIEW_SQL
    columns, flipped, table = VIEWS[name]
    return f"create view if not exists {name} as " + ORIENTATION_SQL.format(columns=columns, flipped=flipped, table=table)


def _create_views(target, connection, **_kw) -> None:  # SQLAlchemy's event signature
    """Databases made with ``create_all`` (tests) get the views the migrations make."""
    if {"alignments", "sentence_alignments", "variants"} <= set(target.tables):
        for name in VIEWS:
            connection.exec_driver_sql(view_ddl(name))


from sqlalchemy import event  # noqa: E402 - after the models it serves

event.listen(SQLModel.metadata, "after_create", _create_views)
