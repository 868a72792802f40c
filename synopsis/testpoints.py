"""Named points in long operations, where a test can pause the process or signal it.

A test that kills a build "after 2 seconds" breaks on a faster machine (the build is over)
or a slower one (it has not started). Instead, the build announces what it has just done,
``point("rows written")``, and a test sets ``SYNOPSIS_TEST_POINT`` to act at that point::

    SYNOPSIS_TEST_POINT="rows written:pause"    write the marker file, wait while it exists
    SYNOPSIS_TEST_POINT="rows written:mark"     write the marker file and go on
    SYNOPSIS_TEST_POINT="rows written:kill"     SIGKILL this process (also term, int)

``SYNOPSIS_TEST_POINT_FILE`` names the marker file (default ``synopsis-test-point`` in
the working folder); it holds the process id and the point's name, so the test knows the
process is there and what to signal. A paused process goes on when the test deletes the
file, or ends when the test signals it. Several ``name:action`` pairs may be given,
separated by ``;``.

Unset (always, outside tests), :func:`point` is one dictionary lookup.
"""
from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path

from synopsis.files import write_atomic

__all__ = ["ENV", "FILE_ENV", "POINTS", "point"]

log = logging.getLogger(__name__)

ENV = "SYNOPSIS_TEST_POINT"
FILE_ENV = "SYNOPSIS_TEST_POINT_FILE"

POINTS = (
    # every command, before the command line is imported
    "starting",
    # synopsis build, in order
    "lock taken",
    "copy complete",
    "migrated",
    "worker started",  # each ingest worker, as it is forked (Ctrl-C and SIGTERM held)
    "workers running",
    "rows written",
    "linked",
    "indexed",
    "before rename",
    "after rename",
    # synopsis note
    "waiting for the lock",
)
"""Every point the code announces (a test naming another would wait forever)."""

_SIGNALS = {"kill": signal.SIGKILL, "term": signal.SIGTERM, "int": signal.SIGINT}
_ACTIONS = {"pause", "mark", *_SIGNALS}
_POLL_SECONDS = 0.01


def _parse(spec: str | None) -> dict[str, str]:
    if not spec:
        return {}
    wanted = {}
    for item in spec.split(";"):
        name, _, action = item.rpartition(":")
        if name not in POINTS or action not in _ACTIONS:
            raise ValueError(f"{ENV}={spec!r}: {item!r} is not POINT:ACTION with a known point and one of {sorted(_ACTIONS)}")
        wanted[name] = action
    return wanted


_WANTED = _parse(os.environ.get(ENV))
_OWNER = os.getpid()  # forked ingest workers inherit the module; only the process that read the variable acts
_PARENT = os.getppid()  # the test that started this process (read at start: it may be gone by the first point)


def point(name: str) -> None:
    """Announce that the operation has reached ``name`` (one of :data:`POINTS`)."""
    action = _WANTED.get(name)
    if action is None or os.getpid() != _OWNER:
        return
    log.debug("test point %r: %s", name, action)
    if action in _SIGNALS:
        os.kill(os.getpid(), _SIGNALS[action])
        return
    marker = Path(os.environ.get(FILE_ENV) or "synopsis-test-point")
    write_atomic(marker, f"{os.getpid()}\n{name}\n", durable=False)  # whole, or not yet there
    if action == "pause":
        while marker.exists():  # a signal ends the wait, as it would end the real work
            if os.getppid() != _PARENT:  # the test that started this process is gone: nobody will release it
                os._exit(1)
            time.sleep(_POLL_SECONDS)
