"""The errors a user can cause, and nothing else.

Every error the user can provoke (a bad path, a malformed metadata file, an unknown
document id) is a subclass of :class:`SynopsisError`. The CLI catches the base class once,
at its edge, prints ``str(error)`` as a single line and exits with code 2. Anything else
is a bug and is allowed to raise with a traceback.

Messages name the file (or id) first and the problem second: ``documents/x/metadata.toml:
field 'date' is not an ISO date ('30 June')``.
"""
from __future__ import annotations


class SynopsisError(Exception):
    """Base class: something the user can fix; reported in one line, exit code 2."""

    exit_code = 2

    def __str__(self) -> str:  # one line, always
        return " ".join(super().__str__().split())


class BadSource(SynopsisError):
    """A source file that cannot be read or yields no text."""


class BadMetadata(SynopsisError):
    """A metadata file that is missing, malformed, or has a missing or mistyped field."""


class DuplicateDocument(SynopsisError):
    """Two documents claim the same id, or an add would overwrite one without --replace."""


class UnknownDocument(SynopsisError):
    """A document id (or version_of) that names no catalogued document."""


class SameDocument(SynopsisError):
    """One document named where two different ones are needed (``compare A A``)."""


class TextMissing(SynopsisError):
    """A catalogued document whose text is not loaded, asked for its text."""


class UnknownTarget(SynopsisError):
    """A note's target that names no row of the database."""


class UnknownNote(SynopsisError):
    """A note id that names no current note (never given, or deleted)."""


class BadNotes(SynopsisError):
    """A notes file with a line that is not a note event, or one that does not exist."""


class DatabaseMissing(SynopsisError):
    """The database file does not exist (run `synopsis build`)."""


class BadDatabase(SynopsisError):
    """A file that is not a Synopsis database, or one from a newer schema."""


class FetchFailed(SynopsisError):
    """A download that failed: offline, timed out, or an HTTP error."""


class BadQuery(SynopsisError):
    """A search query that SQLite FTS5 cannot parse."""


class BadFormat(SynopsisError):
    """An output format a command does not know."""


class StageFailed(SynopsisError):
    """A pipeline stage that rejected a document; the message names the stage and the file."""


class MissingExtra(SynopsisError):
    """An optional part (an extra such as ``synopsis[spark]``) that is not installed."""


class EngineFailed(SynopsisError):
    """A link engine (a Spark master) that could not be reached or failed to run the job."""
