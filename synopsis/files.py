"""Writing files so that a failure never leaves half of one: the project's one atomic write.

Every file Synopsis writes for a user (a fetched source, a document's metadata, a cache, a
notes file) goes through :func:`write_atomic`: the bytes go to a temporary file in the same
folder, are flushed to disk, and the temporary file is renamed over the target. A reader
sees the old file or the new one, never a mixture, and a killed process leaves at most a
stray ``.part`` file that the next write does not trip over.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic", "fsync_dir"]


def write_atomic(path: Path, data: bytes | str, *, durable: bool = True, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``data`` in one rename (see the module doc).

    ``durable`` flushes the file and its folder to disk before returning (a caller that
    only keeps a cache can skip it); text is encoded with ``encoding``.
    """
    path = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename into it) to disk; a no-op where folders cannot be opened."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
