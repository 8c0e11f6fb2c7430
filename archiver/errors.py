"""The project's exceptions (each docstring says where it is raised), and ``shown``: how their
messages quote a value."""

from __future__ import annotations


class ArchiverError(Exception):
    """Base of every error the archiver raises on purpose."""


class ArchiveError(ArchiverError):
    """Raised by archiver.store when the archive file cannot be used (corrupt, read-only, locked)."""


class SchemaTooNewError(ArchiveError):
    """Raised by archiver.store when the archive was written by a newer schema version."""


class ArchiveCorruptError(ArchiveError):
    """Raised by archiver.store when the file is not an SQLite database, is damaged, or is not an
    archive (an SQLite database with other tables and no schema version)."""


class ArchiveReadOnlyError(ArchiveError):
    """Raised by archiver.store when a write is needed but the file, its directory or the open
    archive (``open(readonly=True)``) is read-only."""


class ArchiveFullError(ArchiveError):
    """Raised by archiver.store when a write fails because the disk is full or the file may not
    grow (SQLITE_FULL, or the disk I/O error of a file-size limit); the transaction is rolled
    back."""


class ArchiveLockedError(ArchiveError):
    """Raised by archiver.store when another connection held the database lock past the busy
    timeout (5 s)."""


class PageUnreadableError(ArchiveError):
    """Raised by archiver.store when a stored page cannot be read back: its body inflates past
    ``MAX_PAGE_BYTES`` (a compression bomb), is damaged, or has an unknown encoding. ``page_id``
    and ``url`` name the page; readers that take an ``on_error`` callback skip it and go on."""

    def __init__(self, message: str, *, page_id: int, url: str = "") -> None:
        super().__init__(message)
        self.page_id = page_id
        self.url = url


class QueryTimeoutError(ArchiveError):
    """Raised by archiver.store when a read query ran longer than the archive's time limit
    (``Archive(time_limit=...)``) and SQLite stopped it (e.g. a view redefined to never end)."""


class SearchQueryError(ArchiverError, ValueError):
    """Raised by archiver.store.Archive.search when the query is not valid FTS5 syntax."""


class FixtureError(ArchiverError, ValueError):
    """Raised by archiver.fixtures when a golden case cannot be saved: the archive holds no such
    page, the case name is not a plain folder name, the case exists (and ``force`` is not set),
    or the destination folder is missing; the CLI reports it as one line, exit 2."""


class ArchiveInUseError(ArchiverError):
    """Raised by archiver.lock.RunLock when another run holds the archive's run lock (the
    ``<archive>.lock`` file); the CLI exits with ``exit_code`` (75, EX_TEMPFAIL: try later).

    ``holder_pid``, ``holder_host`` and ``holder_started_at`` (``YYYY-MM-DDTHH:MM:SSZ``) describe the
    holder as it recorded itself; each is None when the record is missing or unreadable."""

    exit_code = 75

    def __init__(
        self,
        message: str,
        *,
        holder_pid: int | None = None,
        holder_host: str | None = None,
        holder_started_at: str | None = None,
    ) -> None:
        super().__init__(message)
        self.holder_pid = holder_pid
        self.holder_host = holder_host
        self.holder_started_at = holder_started_at


class UnknownFieldError(ArchiverError, ValueError):
    """Raised by archiver.store.Archive.iter_articles when a requested field is not a column of
    ``articles`` (or is named twice); the CLI reports it as a usage error (exit 2)."""


def shown(text: str, limit: int = 80) -> str:
    """``repr(text)`` for a one-line message, cut after ``limit`` characters of text (``…``)."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"… ({len(text)} characters)"
