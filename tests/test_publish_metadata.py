"""datasette-metadata.json describes every table and column as the schema does, and Datasette uses it."""
from __future__ import annotations

import pytest

from synopsis.publish import METADATA_DATABASE, load_metadata
from synopsis.schema import TABLES, VIEWS


@pytest.fixture(scope="module")
def tables_metadata():
    return load_metadata()["databases"][METADATA_DATABASE]["tables"]


@pytest.mark.parametrize("model", TABLES, ids=lambda m: m.__tablename__)
def test_every_column_is_described_as_in_the_schema(model, tables_metadata):
    described = tables_metadata[model.__tablename__]["columns"]
    expected = {column.name: model.model_fields[column.name].description for column in model.__table__.columns}
    assert all(expected.values()), f"{model.__tablename__}: a column of the schema has no description"
    assert described == expected
    assert tables_metadata[model.__tablename__]["description"]


def test_metadata_names_no_table_the_schema_lacks(tables_metadata):
    known = {model.__tablename__ for model in TABLES} | set(VIEWS)
    visible = {name for name, table in tables_metadata.items() if not table.get("hidden")}
    assert visible == known


def test_corpus_title_description_and_sources():
    metadata = load_metadata()
    assert metadata["title"] and metadata["license"] and metadata["source"]
    for source in ("Soviet News", "Marxists Internet Archive", "marx21.it", "Columbia University Press"):
        assert source in metadata["description"]


def test_datasette_applies_the_metadata_to_a_database_of_another_name(hostile_site):
    db = hostile_site.db_name
    assert db != METADATA_DATABASE
    data = hostile_site.get(f"/{db}.json").json()
    tables = {t["name"]: t for t in data["tables"]}
    assert tables["alembic_version"]["hidden"] and tables["paragraphs_fts_data"]["hidden"]
    assert not tables["paragraphs"]["hidden"]
    assert tables["paragraphs"]["fts_table"] == "paragraphs_fts"
    queries = {q["name"] for q in data["queries"]}
    assert {"search", "quotations_by_speaker", "document_paragraphs", "shared_passages", "about_paragraph", "aligned_pairs"} <= queries


def test_foreign_keys_read_as_titles_and_refs(hostile_site):
    rows = hostile_site.get(f"/{hostile_site.db_name}/quotations.json?_labels=on&_shape=array").json()
    assert rows[0]["document_id"] == {"value": "alpha", "label": "Alpha <script>alert(1)</script> <b>resolution</b>"}
    assert rows[0]["paragraph_id"]["label"] == "alpha:1.2"


def test_table_search_takes_prefix_queries(hostile_site):
    rows = hostile_site.get(f"/{hostile_site.db_name}/paragraphs.json?_search=individ*&_shape=array").json()
    assert {row["ref"] for row in rows} == {"alpha:1.1", "alpha-second:1.1", "gamma:1.2"}


def test_long_paragraphs_are_not_cut_on_table_pages(hostile_site):
    html = hostile_site.get(f"/{hostile_site.db_name}/paragraphs?ref=alpha:1.4").text
    assert "ending here." in html
