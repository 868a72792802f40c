"""The command line: every command documented, user errors as one line and exit code 2."""
from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from synopsis.cli import cli

from .conftest import EDITION_ID, REPO, RESOLUTION_ID

def run(*args: str) -> subprocess.CompletedProcess:
    """Run the installed console script as a user would."""
    return subprocess.run([sys.executable, "-m", "synopsis", *args], capture_output=True, text=True, timeout=300)


def test_build_and_search_through_the_console_script(tmp_path):
    db = tmp_path / "cli.db"
    built = run("build", "--db", str(db), "--documents", str(REPO / "documents"))
    assert built.returncode == 0, built.stderr
    assert f"{db}:" in built.stderr and "paragraphs" in built.stderr
    found = run("search", "collective leadership", "--db", str(db))
    assert found.returncode == 0
    assert f"{RESOLUTION_ID}:" in found.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "cult", "--db", "{tmp}/none.db"], "synopsis: error: {tmp}/none.db: no such database (run `synopsis build`)"),
        (["build", "--db", "{tmp}/x.db", "--documents", "{tmp}/nowhere"], "synopsis: error: {tmp}/nowhere: no such documents folder"),
        (["notes", "--db", "{tmp}/none.db"], "synopsis: error: {tmp}/none.db: no such database (run `synopsis build`)"),
    ],
)
def test_user_errors_are_one_line_with_exit_code_2(tmp_path, args, message):
    args = [a.format(tmp=tmp_path) for a in args]
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.strip() == message.format(tmp=tmp_path)
    assert "Traceback" not in result.stderr


def test_bad_query_and_unknown_note_target(built_db):
    runner = CliRunner()
    result = runner.invoke(cli, ["search", '"unbalanced', "--db", str(built_db)])
    assert result.exit_code == 2
    assert result.output.strip().startswith("synopsis: error: search query '\"unbalanced':")
    assert len(result.output.strip().splitlines()) == 1


def test_compare_prints_json_for_two_documents(two_texts_db):
    import json

    result = CliRunner().invoke(cli, ["compare", RESOLUTION_ID, EDITION_ID, "--db", str(two_texts_db), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["left"], data["right"]) == (RESOLUTION_ID, EDITION_ID)
    assert data["method"] == "edition" and len(data["alignment"]) > 50


CLOSEST = "(closest: cpsu-resolution-1956, cpsu-resolution-1956-edition, renmin-ribao-editorial-1956)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # an unknown id: named, with the nearest known ids
        (["search", "Lenin", "--document", "cpsu-resolutin-1956"], "cpsu-resolutin-1956: no such document in {db} " + CLOSEST),
        (["compare", RESOLUTION_ID, "cpsu-resolutin-1956"], "cpsu-resolutin-1956: no such document in {db} " + CLOSEST),
        (["compare", "nosuch", "cpsu-resolutin-1956"], "nosuch, cpsu-resolutin-1956: no such documents in {db} " + CLOSEST),
        (["note", "cpsu-resolutin-1956:2.14", "a note"], "cpsu-resolutin-1956: no such document " + CLOSEST),
        # the same document twice
        (["compare", RESOLUTION_ID, RESOLUTION_ID], f"{RESOLUTION_ID}: the same document on both sides (name two different documents)"),
        # a document whose text is missing: the command that brings it
        (["compare", RESOLUTION_ID, "khrushchev-secret-speech-1956"],
         "khrushchev-secret-speech-1956: text missing: run `synopsis fetch khrushchev-secret-speech-1956`"),
        (["compare", "togliatti-nuovi-argomenti-1956-en", RESOLUTION_ID],
         "togliatti-nuovi-argomenti-1956-en: text missing: run `synopsis add FILE --id togliatti-nuovi-argomenti-1956-en --replace`"),
        (["search", "Lenin", "--document", "renmin-ribao-editorial-1956"], None),  # a search finds nothing there, truly
        (["note", "khrushchev-secret-speech-1956:1.1", "a note"],
         "khrushchev-secret-speech-1956: text missing: run `synopsis fetch khrushchev-secret-speech-1956`"),
    ],
)
def test_the_cli_names_what_is_wrong_with_a_document_id(two_texts_db, args, message):
    result = CliRunner().invoke(cli, [*args, "--db", str(two_texts_db)])
    if message is None:
        assert result.exit_code == 0 and result.stdout == "no paragraph matches 'Lenin'\n"
        return
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"synopsis: error: {message.format(db=two_texts_db)}\n"


def test_search_says_how_many_more_there_are(two_texts_db):
    from synopsis.search import search

    everything = search(two_texts_db, "party", limit=10_000)
    assert len(everything) == everything.total > 3
    result = CliRunner().invoke(cli, ["search", "party", "--limit", "3", "--db", str(two_texts_db)])
    assert result.exit_code == 0
    assert result.stdout.count(":") >= 3 and result.stdout.endswith(f"\n{everything.total - 3} more (use --limit)\n")
    alone = CliRunner().invoke(cli, ["search", "party", "--limit", str(everything.total), "--db", str(two_texts_db)])
    assert "more (use --limit)" not in alone.stdout


def test_dash_h_is_help_everywhere_and_the_overview_cuts_nothing():
    runner = CliRunner()
    for name in [None, *cli.commands]:
        args = [name, "-h"] if name else ["-h"]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0 and "Show this message and exit." in result.stdout, args
    assert "--host" in runner.invoke(cli, ["serve", "-h"]).stdout
    overview = " ".join(runner.invoke(cli, ["--help"]).stdout.split("Commands:")[1].split())
    assert "..." not in overview
    for name, command in cli.commands.items():
        first_sentence = " ".join(command.help.split("\n\n")[0].split())
        assert f"{name} {first_sentence}" in overview


def test_serve_on_a_port_in_use_is_one_line(built_db):
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run("serve", "--db", str(built_db), "--no-build", "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip() == f"synopsis: error: 127.0.0.1:{port}: address already in use (choose another with --port)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["buidl"], "synopsis: error: No such command 'buidl'. Did you mean 'build'? (see `synopsis --help`)"),
        (["search"], "synopsis: error: Missing argument 'QUERY'. (see `synopsis search --help`)"),
        (["compare", "a", "b", "--format", "xml"], "synopsis: error: Invalid value for '--format': 'xml' is not one of 'table', 'csv', 'json'. (see `synopsis compare --help`)"),
    ],
)
def test_usage_errors_are_one_line_too(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.strip() == message


def test_compare_shows_rows_of_several_paragraphs_and_their_sentences(versions_db):
    import json

    result = CliRunner().invoke(cli, ["compare", "mark-fr", "mark-en", "--db", str(versions_db), "--sentences"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("mark-fr  ⇄  mark-en   (edition)")
    rows = [line for line in lines if line.startswith("[mark-fr:") or line.startswith("[—]")]
    assert rows and any(" | [mark-en:" in line for line in rows)
    import re

    sentence_lines = [line for line in lines if re.match(r"^ +\d-\d +\d+\.\d  < ", line)]
    assert len(sentence_lines) > 50  # sentence beads under the rows: shape, confidence, left sentence
    data = json.loads(CliRunner().invoke(cli, ["compare", "mark-fr", "mark-en", "--db", str(versions_db),
                                               "--format", "json"]).output)
    shapes = {s["pattern"] for s in data["sentences"]}
    assert "1-1" in shapes and shapes & {"2-1", "1-2", "2-2"}
    assert all(r["left_ref"] is None or r["left_ref"].startswith("mark-fr:") for r in data["alignment"])
    paragraph_beads = {}
    for r in data["alignment"]:
        paragraph_beads.setdefault(r["bead"], set()).add(r["left_ref"])
    assert any(len(refs) >= 2 for refs in paragraph_beads.values())  # a bead of several paragraphs
