"""The README tells the truth: CI runs its test command, it names every command, and the
layout it describes is the tree's."""
from __future__ import annotations

import re

from click.testing import CliRunner

from synopsis.cli import cli

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
CI_RUN = (REPO / ".ci" / "run").read_text(encoding="utf-8")


def _commands_in_code_blocks() -> list[str]:
    return [block.strip() for block in re.findall(r"```(?:sh|bash|console)?\n(.+?)\n```", README, flags=re.S)]


def test_readme_starts_with_the_serve_and_the_test_commands():
    serve_line, test_line = _commands_in_code_blocks()[:2]
    assert "synopsis serve" in serve_line
    assert test_line.endswith("python -m pytest")


def test_ci_runs_the_readme_test_command_exactly_and_last():
    test_line = _commands_in_code_blocks()[1]
    commands = [line for line in CI_RUN.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1] == test_line  # the test summary closes CI's output


def test_every_command_has_help_and_is_in_the_readme():
    runner = CliRunner()
    assert cli.commands, "no commands registered"
    for name, command in cli.commands.items():
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, result.output
        assert command.help and len(command.help.strip()) > 20
        assert f"| `synopsis {name}" in README, f"`synopsis {name}` is not in the README's table of commands"


def test_every_path_in_how_it_is_built_exists():
    section = README.split("## How it is built")[1].split("\n## ")[0]
    paths = re.findall(r"^\| `([^`]+)` \|", section, flags=re.M)
    assert {"documents/", "ingest/", "schema/", "migrations/", "synopsis/", "datasette-metadata.json", "tests/"} <= set(paths)
    for path in paths:
        assert (REPO / path).exists(), f"README names {path}, which is not in the tree"
