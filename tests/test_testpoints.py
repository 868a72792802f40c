"""The test-only hook: named points a process announces, acted on only when a test asks."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from synopsis.testpoints import ENV, FILE_ENV, POINTS

ANNOUNCE = "from synopsis.testpoints import point; point('rows written'); print('went on')"


def run(env_point: str | None, marker, code: str = ANNOUNCE) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in (ENV, FILE_ENV)}
    if env_point is not None:
        env[ENV], env[FILE_ENV] = env_point, str(marker)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)


def test_unset_the_point_does_nothing(tmp_path):
    result = run(None, tmp_path / "marker")
    assert result.stdout == "went on\n" and not (tmp_path / "marker").exists()


def test_mark_writes_the_pid_and_the_point_and_goes_on(tmp_path):
    result = run("rows written:mark", tmp_path / "marker")
    assert result.stdout == "went on\n"
    pid, name = (tmp_path / "marker").read_text().split("\n")[:2]
    assert int(pid) > 0 and name == "rows written"


def test_kill_ends_the_process_at_the_point(tmp_path):
    result = run("rows written:kill", tmp_path / "marker")
    assert result.returncode == -signal.SIGKILL and result.stdout == ""


def test_another_point_is_not_acted_on(tmp_path):
    result = run("before rename:kill", tmp_path / "marker")
    assert result.stdout == "went on\n"


@pytest.mark.parametrize("spec", ["no such point:pause", "rows written:explode"])
def test_an_unknown_point_or_action_is_refused(tmp_path, spec):
    result = run(spec, tmp_path / "marker")
    assert result.returncode != 0 and "is not POINT:ACTION" in result.stderr


def test_every_build_point_is_announced_by_the_build():
    from pathlib import Path

    import synopsis.__main__
    import synopsis.build
    import synopsis.database

    code = "".join(Path(m.__file__).read_text() for m in (synopsis.__main__, synopsis.build, synopsis.database))
    assert [p for p in POINTS if f'point("{p}")' not in code] == []
