"""The command line: every command documented, user errors as one line and exit code 2."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from synopsis.cli import cli

from .conftest import REPO, RESOLUTION_ID

README = (REPO / "README.md").read_text(encoding="utf-8")


def run(*args: str) -> subprocess.CompletedProcess:
    """Run the installed console script as a user would."""
    return subprocess.run([sys.executable, "-m", "synopsis", *args], capture_output=True, text=True, timeout=300)


def test_every_command_has_help_and_is_in_the_readme():
    runner = CliRunner()
    assert cli.commands, "no commands registered"
    for name, command in cli.commands.items():
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, result.output
        assert command.help and len(command.help.strip()) > 20
        assert f"synopsis {name}" in README, f"`synopsis {name}` is not documented in README.md"


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second():
    commands = re.findall(r"```(?:sh|bash|console)?\n(.+?)\n```", README, flags=re.S)[:2]
    serve_line, test_line = commands[0].strip(), commands[1].strip()
    assert "synopsis serve" in serve_line
    assert "pytest" in test_line
    assert test_line in (REPO / ".ci" / "run").read_text()


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


def test_compare_names_an_unknown_document_in_one_line(built_db):
    result = CliRunner().invoke(cli, ["compare", RESOLUTION_ID, "nobody", "--db", str(built_db)])
    assert result.exit_code == 2
    assert result.output.strip() == "synopsis: error: nobody: no such document in the database"


def test_compare_prints_json_for_two_documents(built_db):
    import json

    import sqlite3

    with sqlite3.connect(built_db) as conn:
        other = conn.execute("SELECT id FROM documents WHERE id != ? ORDER BY id LIMIT 1", (RESOLUTION_ID,)).fetchone()[0]
    result = CliRunner().invoke(cli, ["compare", RESOLUTION_ID, other, "--db", str(built_db), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["left"], data["right"]) == (RESOLUTION_ID, other)
    assert isinstance(data["alignment"], list) and isinstance(data["passages"], list)


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
