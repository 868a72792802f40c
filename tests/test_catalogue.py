"""The catalogue reads every metadata file and refuses bad ones in one line."""
from __future__ import annotations

import shutil
from pathlib import Path

import tomllib

import pytest

from synopsis.errors import BadMetadata, DuplicateDocument, UnknownDocument
from synopsis.ingest.catalogue import dump_metadata, load_catalogue, read_metadata, source_status

REPO = Path(__file__).resolve().parents[1]
RESOLUTION_SHA256 = "148fc50835a3243a21eeff134af37248e4c087739aebc8e455f053051783e5bd"


def write_document(documents: Path, folder: str, metadata: str, source: tuple[str, bytes] | None = None) -> Path:
    path = documents / folder
    path.mkdir(parents=True, exist_ok=True)
    (path / "metadata.toml").write_text(metadata, encoding="utf-8")
    if source:
        (path / source[0]).write_bytes(source[1])
    return path / "metadata.toml"


def test_the_real_catalogue_has_the_resolution_byte_for_byte():
    import hashlib

    metas = {m.id: m for m in load_catalogue(REPO / "documents")}
    resolution = metas["cpsu-resolution-1956"]
    assert resolution.date == "1956-06-30" and resolution.language == "en" and resolution.genre == "resolution"
    assert hashlib.sha256(resolution.source_path.read_bytes()).hexdigest() == RESOLUTION_SHA256
    assert source_status(resolution)[0] == "present"


def test_every_version_of_in_the_real_catalogue_names_a_document():
    metas = load_catalogue(REPO / "documents")
    ids = {m.id for m in metas}
    assert all(m.version_of in ids for m in metas if m.version_of)


def test_dump_then_read_gives_the_same_facts(tmp_path):
    original = read_metadata(REPO / "documents/cpsu-resolution-1956/metadata.toml")
    path = tmp_path / "d" / "metadata.toml"
    path.parent.mkdir()
    original.retrieval = {"url": "https://example.org/a \"b\"", "status": 200}
    path.write_text(dump_metadata(original))
    again = read_metadata(path)
    for name in ("id", "title", "author", "date", "digitisation", "rights", "source_file"):
        assert getattr(again, name) == getattr(original, name)
    assert again.retrieval == original.retrieval


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ('title = "T"\n', "missing required field 'id'"),
        ('id = "a"\n', "missing required field 'title'"),
        ('id = "a"\ntitle = "T"\ntittle = "x"\n', "unknown field 'tittle' (did you mean 'title'?)"),
        ('id = "a"\ntitle = 5\n', "field 'title' must be a string, not int (5)"),
        ('id = "a"\ntitle = "T"\ndate = "30 June 1956"\n', "field 'date' is not an ISO date YYYY[-MM[-DD]] ('30 June 1956')"),
        ('id = "a"\ntitle = "T"\ndate = "1956-02-30"\n', "field 'date' is not an ISO date"),
        ('id = "A Doc"\ntitle = "T"\n', "id 'A Doc' is not a slug"),
        ('id = "a"\ntitle = "T\n', "not valid TOML"),
        ('id = "a"\ntitle = "T"\nsource_file = "../other/x.md"\n', "source_file '../other/x.md' points outside the document's folder"),
        ('id = "a"\ntitle = "T"\nsource_file = "/etc/passwd"\n', "source_file '/etc/passwd' points outside the document's folder"),
    ],
)
def test_bad_metadata_is_one_line_naming_the_file(tmp_path, metadata, message):
    path = write_document(tmp_path, "a", metadata)
    with pytest.raises(BadMetadata) as error:
        load_catalogue(tmp_path)
    text = str(error.value)
    assert text.startswith(f"{path}: ")
    assert message in text
    assert "\n" not in text


def test_a_symlink_out_of_the_folder_is_refused(tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("Secret.")
    documents = tmp_path / "documents"
    write_document(documents, "a", 'id = "a"\ntitle = "T"\nsource_file = "link.md"\n')
    (documents / "a" / "link.md").symlink_to(outside)
    with pytest.raises(BadMetadata, match="points outside the document's folder"):
        load_catalogue(documents)


def test_a_source_file_that_is_a_folder_is_refused(tmp_path):
    path = write_document(tmp_path, "a", 'id = "a"\ntitle = "T"\nsource_file = "texts"\n')
    (tmp_path / "a" / "texts").mkdir()
    with pytest.raises(BadMetadata) as error:
        load_catalogue(tmp_path)
    assert str(error.value) == f"{path}: source_file 'texts' is a folder, not a file"


def test_two_documents_with_one_id(tmp_path):
    write_document(tmp_path, "a", 'id = "same"\ntitle = "One"\n')
    second = write_document(tmp_path, "b", 'id = "same"\ntitle = "Two"\n')
    with pytest.raises(DuplicateDocument) as error:
        load_catalogue(tmp_path)
    assert str(error.value) == f"{second}: id 'same' is already used by {tmp_path / 'a' / 'metadata.toml'}"


def test_version_of_naming_no_document(tmp_path):
    path = write_document(tmp_path, "a", 'id = "a"\ntitle = "T"\nversion_of = "ghost"\n')
    with pytest.raises(UnknownDocument) as error:
        load_catalogue(tmp_path)
    assert str(error.value) == f"{path}: version_of 'ghost' names no document in {tmp_path}"


def test_missing_text_says_how_to_get_it(tmp_path):
    write_document(tmp_path, "a", 'id = "a"\ntitle = "T"\nsource_url = "https://example.org/a.htm"\n')
    write_document(tmp_path, "b", 'id = "b"\ntitle = "T"\n')
    metas = {m.id: m for m in load_catalogue(tmp_path)}
    assert source_status(metas["a"]) == ("missing", "text missing: run `synopsis fetch a`")
    assert source_status(metas["b"]) == ("missing", "text missing: run `synopsis add FILE --id b --replace`")


def test_catalogue_is_sorted_by_id_whatever_the_folder_names(tmp_path):
    write_document(tmp_path, "zz", 'id = "alpha"\ntitle = "A"\n')
    write_document(tmp_path, "aa", 'id = "omega"\ntitle = "O"\n')
    assert [m.id for m in load_catalogue(tmp_path)] == ["alpha", "omega"]


def test_no_documents_folder(tmp_path):
    with pytest.raises(BadMetadata, match="no such documents folder"):
        load_catalogue(tmp_path / "nope")


def test_copy_of_real_document_loads(tmp_path):
    shutil.copytree(REPO / "documents" / "cpsu-resolution-1956", tmp_path / "cpsu-resolution-1956")
    assert [m.id for m in load_catalogue(tmp_path)] == ["cpsu-resolution-1956"]


AWKWARD_STRINGS = [
    "carriage\rreturn", "a\r\nWindows line", "bell\x07 and escape\x1b and delete\x7f", "unit\x1fseparator",
    'quotes " and \\ backslash', "tab\tand newline\nin a title", "\u2028line separator\u2029 and \u00a0nbsp",
    "non-BMP \U0001f4dc scroll", "'''triple single''' and \"\"\"triple double\"\"\"",
]


@pytest.mark.parametrize("awkward", AWKWARD_STRINGS)
def test_metadata_with_any_string_round_trips_through_toml(tmp_path, awkward):
    """Whatever a field holds (control characters included), the file written is valid TOML that reads back the same."""
    original = read_metadata(REPO / "documents/cpsu-resolution-1956/metadata.toml")
    original.title = f"A {awkward} title"
    original.description = f"({awkward})"
    original.retrieval = {"url": f"https://example.org/{awkward}", "status": 503}
    path = tmp_path / "d" / "metadata.toml"
    path.parent.mkdir()
    path.write_bytes(dump_metadata(original).encode("utf-8"))
    tomllib.loads(path.read_text(encoding="utf-8"))  # valid TOML
    again = read_metadata(path)
    assert (again.title, again.description, again.retrieval) == (original.title, original.description, original.retrieval)
