"""Adding local files as documents: each format, and each refusal leaving documents/ as it was."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from synopsis.add import add
from synopsis.cli import cli
from synopsis.errors import BadMetadata, BadSource, DuplicateDocument, UnknownDocument
from synopsis.ingest.catalogue import load_catalogue, source_status

WEB = Path(__file__).resolve().parent / "web"  # the pages the site_server fixture serves
RESOLUTION_ID = "cpsu-resolution-1956"

ITALIAN_ID = "togliatti-nuovi-argomenti-1956"
ENGLISH_ID = "togliatti-nuovi-argomenti-1956-en"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def owned_files(tmp_path) -> dict[str, Path]:
    """A reader's own files in each format add accepts, and two it refuses."""
    folder = tmp_path / "owned"
    folder.mkdir()
    files = {
        "md": folder / "lighthouse-notes.md",
        "txt": folder / "lighthouse-notes.txt",
        "html": folder / "lighthouse-report.htm",
        "png": folder / "cover.png",
        "binary-txt": folder / "scan.txt",
    }
    files["md"].write_text("# Lighthouse Notes\n\nThe keepers met on a *Tuesday* and agreed on the wicks.\n", encoding="utf-8")
    files["txt"].write_text("LIGHTHOUSE NOTES\n\nThe keepers met on a Tuesday.\n", encoding="utf-8")
    files["html"].write_bytes((WEB / "www.marxists.org/archive/testauthor/1956/report.htm").read_bytes())
    files["png"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
    files["binary-txt"].write_bytes(b"\x00\x01\x02\x03\xff\xfe\x00\x00" * 64)
    return files


@pytest.mark.parametrize("fmt", ["md", "txt", "html"])
def test_add_each_format(documents_copy, owned_files, fmt):
    meta = add(owned_files[fmt], id=f"lighthouse-{fmt}", title="Lighthouse Notes", author="A Keeper", date="1956-03",
               language="en", documents_dir=documents_copy)
    folder = documents_copy / f"lighthouse-{fmt}"
    assert (folder / owned_files[fmt].name).read_bytes() == owned_files[fmt].read_bytes()
    data = tomllib.loads((folder / "metadata.toml").read_text(encoding="utf-8"))
    added = data.pop("retrieval")  # the provenance: who added the text, when, its sha256
    assert set(added) == {"added_by", "retrieved_at", "sha256"} and added["added_by"]
    assert data == {"id": f"lighthouse-{fmt}", "title": "Lighthouse Notes", "author": "A Keeper", "date": "1956-03",
                    "language": "en", "source_file": owned_files[fmt].name, "source_kind": "born-digital"}
    loaded = {m.id: m for m in load_catalogue(documents_copy)}[f"lighthouse-{fmt}"]
    assert source_status(loaded)[0] == "present"
    assert meta.source_path == loaded.source_path


def test_add_through_the_cli(documents_copy, owned_files):
    result = CliRunner().invoke(cli, ["add", str(owned_files["md"]), "--id", "lighthouse-notes", "--title", "Lighthouse Notes",
                                      "--version-of", RESOLUTION_ID, "--documents", str(documents_copy)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"lighthouse-notes: added {documents_copy / 'lighthouse-notes' / 'lighthouse-notes.md'} as born-digital (run `synopsis build` to load it)\n"
    assert {m.id: m for m in load_catalogue(documents_copy)}["lighthouse-notes"].version_of == RESOLUTION_ID


def test_existing_id_is_refused_without_replace(documents_copy, owned_files):
    before = snapshot(documents_copy)
    with pytest.raises(DuplicateDocument):
        add(owned_files["md"], id=RESOLUTION_ID, title="Other", documents_dir=documents_copy)
    result = CliRunner().invoke(cli, ["add", str(owned_files["md"]), "--id", RESOLUTION_ID, "--title", "Other", "--documents", str(documents_copy)])
    assert result.exit_code == 2
    assert result.stderr == (f"synopsis: error: {documents_copy / RESOLUTION_ID / 'metadata.toml'}: id '{RESOLUTION_ID}' "
                             "is already catalogued (use --replace to replace its text)\n")
    assert snapshot(documents_copy) == before


def test_replace_fills_a_catalogued_gap_and_keeps_its_facts(documents_copy, owned_files):
    """The English Togliatti is catalogued without text; a reader's copy fills it in."""
    before = {m.id: m for m in load_catalogue(documents_copy)}[ENGLISH_ID]
    assert source_status(before) == ("missing", f"text missing: run `synopsis add FILE --id {ENGLISH_ID} --replace`")
    result = CliRunner().invoke(cli, ["add", str(owned_files["txt"]), "--id", ENGLISH_ID, "--replace", "--documents", str(documents_copy)])
    assert result.exit_code == 0, result.output
    after = {m.id: m for m in load_catalogue(documents_copy)}[ENGLISH_ID]
    assert source_status(after)[0] == "present"
    assert (after.title, after.version_of, after.publisher, after.language) == (before.title, ITALIAN_ID, before.publisher, "en")
    assert after.source_path.read_bytes() == owned_files["txt"].read_bytes()


def test_replace_removes_the_text_it_replaces(documents_copy, owned_files):
    add(owned_files["md"], id="lighthouse", title="Lighthouse", documents_dir=documents_copy)
    add(owned_files["html"], id="lighthouse", title="Lighthouse report", documents_dir=documents_copy, replace=True)
    assert sorted(p.name for p in (documents_copy / "lighthouse").iterdir()) == ["lighthouse-report.htm", "metadata.toml"]


def test_unknown_version_of_is_refused(documents_copy, owned_files):
    before = snapshot(documents_copy)
    with pytest.raises(UnknownDocument):
        add(owned_files["md"], id="lighthouse", title="L", version_of="no-such-work", documents_dir=documents_copy)
    result = CliRunner().invoke(cli, ["add", str(owned_files["md"]), "--id", "lighthouse", "--title", "L",
                                      "--version-of", "no-such-work", "--documents", str(documents_copy)])
    assert result.exit_code == 2
    assert result.stderr == f"synopsis: error: --version-of 'no-such-work': no document with that id in {documents_copy}\n"
    assert snapshot(documents_copy) == before


def test_missing_file_is_refused(documents_copy, tmp_path):
    missing = tmp_path / "nowhere.md"
    result = CliRunner().invoke(cli, ["add", str(missing), "--id", "x", "--title", "X", "--documents", str(documents_copy)])
    assert result.exit_code == 2
    assert result.stderr == f"synopsis: error: {missing}: no such file\n"


@pytest.mark.parametrize("kind, message", [
    ("png", "unknown format '.png' (expected one of .htm, .html, .markdown, .md, .text, .txt, .xhtml)"),
    ("binary-txt", "binary file, not text"),  # the build's own words: add decodes as the build does
])
def test_binary_file_is_refused(documents_copy, owned_files, kind, message):
    before = snapshot(documents_copy)
    with pytest.raises(BadSource) as caught:
        add(owned_files[kind], id="scan", title="Scan", documents_dir=documents_copy)
    assert str(caught.value) == f"{owned_files[kind]}: {message}"
    assert snapshot(documents_copy) == before


def test_bad_id_and_date_are_refused_by_the_catalogue_rules(documents_copy, owned_files):
    with pytest.raises(BadMetadata, match="is not a slug"):
        add(owned_files["md"], id="Lighthouse Notes", title="L", documents_dir=documents_copy)
    with pytest.raises(BadMetadata, match="not an ISO date"):
        add(owned_files["md"], id="lighthouse", title="L", date="March 1956", documents_dir=documents_copy)
    with pytest.raises(BadMetadata, match="needs a title"):
        add(owned_files["md"], id="lighthouse", documents_dir=documents_copy)
    assert not (documents_copy / "lighthouse").exists()


ENCODED_TEXTS = {
    # encoding: (text, what add must record)
    "latin-1": ("Déjà vu au café: the keepers met at the Hôtel de la Marine, naïve as ever.\n\nÀ bientôt, said the señora.\n", "cp1252"),
    "cp1252": ("The keeper said \u201cno oil\u201d \u2013 and asked \u20ac5 for the wicks \u2026 again.\n\nThe next year\u2019s order came late.\n", "cp1252"),
    "utf-16": ("Żółw i czapla: the keepers of Gdańsk wrote to the harbour in 1956.\n\nNobody answered them.\n", "utf-16"),
    # not Western: the preference for windows-1252 must never override these
    "cp1251": ("Смотритель маяка написал письмо в порт.\n\nНикто не ответил ему.\n", "cp1251"),
    "cp1250": ("Żółw i czapla: strażnicy z Gdańska pisali do portu w 1956 roku.\n\nNikt nie odpowiedział.\n", "cp1250"),
}


@pytest.mark.parametrize("encoding", list(ENCODED_TEXTS))
def test_add_and_build_agree_on_a_text_that_is_not_utf8(documents_copy, tmp_path, encoding):
    """add detects the encoding once and records it; build decodes with what was recorded."""
    from synopsis.build import build

    text, recorded = ENCODED_TEXTS[encoding]
    source = tmp_path / f"notes-{encoding}.md"
    source.write_bytes(text.encode(encoding))
    with pytest.raises(UnicodeDecodeError):
        source.read_bytes().decode("utf-8")

    add(source, id=f"encoded-{encoding}", title="Encoded", documents_dir=documents_copy)
    data = tomllib.loads((documents_copy / f"encoded-{encoding}" / "metadata.toml").read_text(encoding="utf-8"))
    assert data["encoding"] == recorded

    db = tmp_path / "synopsis.db"
    build(documents_dir=documents_copy, db_path=db)
    import sqlite3

    with sqlite3.connect(db) as conn:
        stored = [row[0] for row in conn.execute("SELECT text FROM paragraphs WHERE document_id = ? ORDER BY ordinal", (f"encoded-{encoding}",))]
    assert stored == [p.strip() for p in text.split("\n\n")]


def test_a_text_in_no_encoding_is_refused_by_add_in_one_line(documents_copy, tmp_path):
    source = tmp_path / "noise.txt"
    source.write_bytes(bytes(range(0x80, 0x100)) * 8)
    before = snapshot(documents_copy)
    result = CliRunner().invoke(cli, ["add", str(source), "--id", "noise", "--title", "Noise", "--documents", str(documents_copy)])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and result.output.startswith(f"synopsis: error: {source}: ")
    assert snapshot(documents_copy) == before


def test_add_records_the_source_kind_born_digital_unless_told(tmp_path):
    """A user's Markdown is born digital (kept as written); --source-kind scan asks for the
    scan repairs, and a --replace keeps the kind it does not restate."""
    from synopsis.ingest.catalogue import read_metadata

    documents = tmp_path / "documents"
    source = tmp_path / "poem.md"
    source.write_text("The first line of a stanza\n\nand the second, in lowercase.\n", encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(cli, ["add", str(source), "--id", "poem", "--title", "A poem", "--documents", str(documents)])
    assert done.exit_code == 0, done.output
    assert "as born-digital" in done.output
    assert read_metadata(documents / "poem" / "metadata.toml").source_kind == "born-digital"
    done = runner.invoke(cli, ["add", str(source), "--id", "scan", "--title", "A scan", "--source-kind", "scan", "--documents", str(documents)])
    assert done.exit_code == 0, done.output
    done = runner.invoke(cli, ["add", str(source), "--id", "scan", "--replace", "--documents", str(documents)])
    assert done.exit_code == 0, done.output
    assert read_metadata(documents / "scan" / "metadata.toml").source_kind == "scan"
    done = runner.invoke(cli, ["add", str(source), "--id", "x", "--title", "X", "--source-kind", "ocr", "--documents", str(documents)])
    assert done.exit_code == 2 and "ocr" in done.output


def test_an_unknown_language_is_refused_with_the_nearest_code(tmp_path, documents_copy):
    """`--language italiano` used to be accepted, and the text then read by neutral rules."""
    from click.testing import CliRunner

    from synopsis.cli import cli

    source = tmp_path / "prova.md"
    source.write_text("Il testo di prova.\n", encoding="utf-8")
    before = sorted(p.name for p in documents_copy.iterdir())
    result = CliRunner().invoke(cli, ["add", str(source), "--id", "prova", "--title", "Prova", "--language", "italiano",
                                      "--documents", str(documents_copy)])
    assert result.exit_code == 2
    line = result.output.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert line.startswith("synopsis: error: --language 'italiano' is not a language code") and "did you mean it (Italian)" in line
    assert sorted(p.name for p in documents_copy.iterdir()) == before  # nothing written
    for good in ("it", "en-US", "zh-Hant-TW", "lzh", "und"):
        ok = CliRunner().invoke(cli, ["add", str(source), "--id", f"prova-{good.lower()}", "--title", "Prova", "--language", good,
                                      "--documents", str(documents_copy)])
        assert ok.exit_code == 0, ok.output


def test_a_language_field_that_is_no_code_names_the_metadata_file(tmp_path, documents_copy):
    from synopsis.errors import BadMetadata
    from synopsis.ingest.catalogue import load_catalogue

    meta = documents_copy / "cpsu-resolution-1956" / "metadata.toml"
    meta.write_text(meta.read_text(encoding="utf-8").replace('language = "en"', 'language = "eng"'), encoding="utf-8")
    with pytest.raises(BadMetadata, match=r"metadata.toml: field 'language': 'eng' is not a language code .*did you mean en \(English\)"):
        load_catalogue(documents_copy)


def test_a_document_a_user_adds_says_who_added_it(tmp_path, documents_copy):
    """It was labelled "supplied with the corpus", like the resolution that ships with it."""
    from synopsis.ingest.catalogue import load_catalogue, source_status

    source = tmp_path / "mine.md"
    source.write_text("My own text.\n", encoding="utf-8")
    add(source, id="mine", title="Mine", language="en", documents_dir=documents_copy, added_by="A. Reader")
    metas = {m.id: m for m in load_catalogue(documents_copy)}
    status, note = source_status(metas["mine"])
    assert status == "present" and note.startswith("added by A. Reader with synopsis add on 20")
    assert metas["mine"].retrieval["sha256"] == __import__("hashlib").sha256(source.read_bytes()).hexdigest()
    assert source_status(metas["cpsu-resolution-1956"])[1] != note
