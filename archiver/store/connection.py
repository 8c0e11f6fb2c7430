"""The connection to the archive: open (pragmas, version check, migrations), close, one write
transaction at a time, a time limit on reads, and sqlite3 errors as ArchiveError subclasses.

Connections use WAL mode, a 5000 ms busy timeout and enforced foreign keys. Every write runs inside
one ``BEGIN IMMEDIATE`` transaction. sqlite3 errors are classified by SQLite's result code
(``sqlite3.Error.sqlite_errorcode``, Python 3.11), never by the words of their message.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

from sqlite_utils import Database

from archiver.errors import (
    ArchiveCorruptError,
    ArchiveError,
    ArchiveFullError,
    ArchiveLockedError,
    ArchiveReadOnlyError,
    QueryTimeoutError,
    SchemaTooNewError,
)
from archiver.store.schema import MIGRATIONS, SCHEMA_VERSION, expected_schema, register_functions

BUSY_TIMEOUT_MS: Final = 5000
"""How long a connection waits for another's lock before failing, in milliseconds."""

DEFAULT_TIME_LIMIT_S: Final = 60.0
"""The default time limit of one read call of the CLI's read commands, in seconds."""

PROGRESS_STEPS: Final = 10_000
"""SQLite virtual-machine steps between two looks at the clock of a time-limited connection."""

# SQLite's primary result codes (https://sqlite.org/rescode.html): the low 8 bits of
# ``sqlite_errorcode`` (an extended code such as SQLITE_IOERR_WRITE = 778 keeps its primary there)
SQLITE_BUSY: Final = 5
SQLITE_LOCKED: Final = 6
SQLITE_READONLY: Final = 8
SQLITE_IOERR: Final = 10
SQLITE_CORRUPT: Final = 11
SQLITE_FULL: Final = 13
SQLITE_CANTOPEN: Final = 14
SQLITE_NOTADB: Final = 26
SQLITE_READONLY_RECOVERY: Final = 1032
SQLITE_READONLY_ROLLBACK: Final = 776
"""Extended codes of a read-only connection to a file that a killed writer left mid-write (a
hot rollback journal, a WAL index to rebuild): only a connection that may write can repair it."""


def primary_code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code of ``exc`` (``SQLITE_BUSY`` ...), or None for an error the
    sqlite3 module raised itself (a closed connection, a misuse): it carries no code."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_busy(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` is another connection's lock (SQLITE_BUSY, SQLITE_LOCKED)."""
    return primary_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED)


def describe(exc: sqlite3.Error) -> str:
    """The message of ``exc`` (its class name when it has none)."""
    return str(exc) or type(exc).__name__


def archive_error(exc: sqlite3.Error, path: str | Path) -> ArchiveError:
    """The ArchiveError, with one clear sentence, for an sqlite3 error met on the archive ``path``
    (for callers that read the archive's tables themselves)."""
    return translate(exc, Path(path))


def translate(exc: sqlite3.Error, path: Path) -> ArchiveError:
    """The ArchiveError subclass, with one clear sentence, for an sqlite3 error on ``path``, by
    its primary result code: FULL or IOERR (a file-size limit, RLIMIT_FSIZE, shows as a disk I/O
    error): ArchiveFullError; BUSY or LOCKED: ArchiveLockedError; READONLY:
    ArchiveReadOnlyError; NOTADB or CORRUPT: ArchiveCorruptError; anything else (CANTOPEN, or
    no code): ArchiveError."""
    message = describe(exc)
    code = primary_code(exc)
    if code in (SQLITE_FULL, SQLITE_IOERR):
        return ArchiveFullError(
            f"cannot write archive {path}: the disk is full or the file cannot grow ({message})"
        )
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return ArchiveLockedError(
            f"archive {path} is locked by another process (waited {BUSY_TIMEOUT_MS} ms)"
        )
    if code == SQLITE_READONLY:
        return ArchiveReadOnlyError(f"archive {path} is read-only ({message})")
    if code in (SQLITE_NOTADB, SQLITE_CORRUPT):
        return ArchiveCorruptError(f"{path} is not an archive or is damaged ({message})")
    if code == SQLITE_CANTOPEN:
        return ArchiveError(f"cannot open archive {path} ({message})")
    return ArchiveError(f"archive {path}: {message}")


class ArchiveConnection:
    """The connection to the SQLite archive at ``path``: open, check, migrate, close, and one
    write transaction at a time. ``archiver.store.Archive`` adds the writes and reads.

    ``Archive(path)`` only remembers the path; ``open()`` connects (and migrates), ``close()`` or the
    ``with`` block ends the connection.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        time_limit: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """time_limit: seconds a read call (a query; with the streaming readers, each batch) may
        run before SQLite stops it: the call raises sqlite3.OperationalError (``interrupted``)
        with ``timed_out`` set, and ``timeout_error()`` is the QueryTimeoutError to report
        (``search`` raises that itself); None: no limit. clock: seconds, monotonic (injected
        in tests)."""
        self.path = Path(path)
        self.readonly = False
        self.time_limit = time_limit
        self.timed_out = False
        self._clock = clock
        self._deadline = float("inf")
        self._db: Database | None = None

    def open(self, *, readonly: bool = False, verify: bool = False) -> Self:
        """Connect, set the pragmas and bring the schema up to date (not when ``readonly``).

        verify: first run ``PRAGMA quick_check`` (reads the whole file), so that a damaged
        archive is refused before anything is written. A file without any write permission bit
        (``chmod a-w``) counts as read-only even for root: it is opened for reading only.
        Raises ArchiveCorruptError (not a database, damaged, or another program's database),
        ArchiveReadOnlyError (a write is needed but the file or its directory is read-only),
        SchemaTooNewError (written by a newer archiver; the file is left untouched),
        ArchiveLockedError (another process held the lock for 5 s) or ArchiveError (otherwise).
        Opening an open archive does nothing.
        """
        if self._db is not None:
            return self
        try:
            conn = self._connect_prepared(readonly=readonly, verify=verify)
        except ArchiveReadOnlyError as exc:
            if not (readonly and self._left_mid_write(exc)):
                raise
            self._repair_interrupted_write()
            conn = self._connect_prepared(readonly=readonly, verify=verify)
        self.readonly = readonly
        if self.time_limit is not None:
            conn.set_progress_handler(self._over_time, PROGRESS_STEPS)
        self._db = Database(conn, execute_plugins=False)
        return self

    def _connect_prepared(self, *, readonly: bool, verify: bool) -> sqlite3.Connection:
        """A connection with the pragmas set and the schema checked (and migrated)."""
        conn = self._connect(readonly=readonly)
        try:
            self._prepare(conn, readonly=readonly, verify=verify)
        except BaseException:
            conn.close()
            raise
        return conn

    @staticmethod
    def _left_mid_write(exc: ArchiveReadOnlyError) -> bool:
        """Whether a read-only open failed because a killed writer left the file mid-write."""
        cause = exc.__cause__
        return isinstance(cause, sqlite3.Error) and getattr(cause, "sqlite_errorcode", None) in (
            SQLITE_READONLY_ROLLBACK, SQLITE_READONLY_RECOVERY,
        )

    def _repair_interrupted_write(self) -> None:
        """Let SQLite undo the write that a killed process left half done (it rolls back the hot
        journal or rebuilds the WAL index on the first read of a connection that may write; the
        file is back at its last commit, as the next crawl would leave it). Reads only; raises
        ArchiveReadOnlyError when this process may not write the file or its directory."""
        if not (_writable(self.path) and _writable(self.path.parent)):
            raise ArchiveReadOnlyError(
                f"archive {self.path} was left mid-write by a process that was stopped, and only "
                "a process that may write the file and its directory can undo that write: run "
                f"any archiver command on it (`archiver stats --db {self.path}`) as a user who may "
                "write it"
            )
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                conn.execute("PRAGMA user_version").fetchone()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc

    def _over_time(self) -> int:
        """SQLite's progress handler: non-zero (stop the statement) once past the deadline."""
        if self._clock() > self._deadline:
            self.timed_out = True
            return 1
        return 0

    def _restart_clock(self) -> None:
        """Start the time limit afresh for the next read call."""
        self.timed_out = False
        if self.time_limit is not None:
            self._deadline = self._clock() + self.time_limit

    def timeout_error(self) -> QueryTimeoutError:
        """The error for a query that the time limit stopped."""
        return QueryTimeoutError(
            f"archive {self.path}: a query ran past the time limit of {self.time_limit:g} s and "
            "was stopped (a view that never ends? raise the limit with --time-limit or "
            "ARCHIVER_TIME_LIMIT)"
        )

    def _connect(self, *, readonly: bool) -> sqlite3.Connection:
        path = self.path
        try:
            if readonly:
                if not path.is_file():
                    raise ArchiveError(f"no archive at {path}")
                uri = path.resolve().as_uri() + "?mode=ro"
                return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and not _writable(path):
                raise ArchiveReadOnlyError(f"archive {path} is read-only (a write is needed)")
            if not _writable(path.parent):
                raise ArchiveReadOnlyError(
                    f"the directory of archive {path} is read-only (a write is needed)"
                )
            return sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise translate(exc, path) from exc
        except OSError as exc:
            raise ArchiveError(f"cannot open archive {path} ({exc.strerror or exc})") from exc

    def _prepare(self, conn: sqlite3.Connection, *, readonly: bool, verify: bool = False) -> None:
        """Pragmas, version checks (and ``quick_check`` when ``verify``), then migrations: the
        file is read before anything is written."""
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
            version = self._check_version(conn)
            if verify:
                self._quick_check(conn)
            conn.execute("PRAGMA foreign_keys = ON")
            if readonly:
                if version == 0:
                    raise ArchiveError(
                        f"{self.path} is empty, not an archive yet: `archiver crawl --db "
                        f"{self.path}` creates the archive in it"
                    )
                if version < SCHEMA_VERSION:
                    raise ArchiveError(
                        f"archive {self.path} has schema version {version}, this archiver reads "
                        f"{SCHEMA_VERSION}: open it once for writing to migrate it"
                    )
                return
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            if version < SCHEMA_VERSION:
                self._migrate(conn)
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc

    def _check_version(self, conn: sqlite3.Connection) -> int:
        """The file's schema version; raises when it is newer or the database is not an archive.

        Reads only. A database with no objects at version 0 is a new archive; any other is an
        archive only when it holds every table, view and added column that the migrations up to
        its ``user_version`` create (objects of its own may be added; indexes and triggers are
        not required: a bulk load may drop them for a while). Anything
        else (a negative version, tables without a version, a version without its tables) is
        another program's database: ArchiveCorruptError, before anything is written.
        """
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"archive {self.path} has schema version {version}, newer than this archiver's "
                f"{SCHEMA_VERSION}: upgrade the archiver"
            )
        objects = {
            (str(kind), str(name))
            for kind, name in conn.execute(
                "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            )
        }
        if version < 0:
            raise ArchiveCorruptError(
                f"{self.path} is an SQLite database but not an archive (schema version {version}); "
                "left untouched"
            )
        if version == 0:
            if objects:
                raise ArchiveCorruptError(
                    f"{self.path} is an SQLite database but not an archive (it has tables and "
                    "no schema version); left untouched"
                )
            return version
        expected_objects, expected_columns = expected_schema(version)
        required = {(kind, name) for kind, name in expected_objects if kind in ("table", "view")}
        missing = sorted(f"{kind} {name}" for kind, name in required - objects)
        for table, columns in sorted(expected_columns.items()):
            if ("table", table) not in objects:
                continue  # already listed as missing
            present = {str(row[1]) for row in conn.execute(
                "SELECT * FROM pragma_table_info(?)", (table,)
            )}
            missing.extend(f"column {table}.{name}" for name in sorted(columns - present))
        if missing:
            shown_missing = ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
            raise ArchiveCorruptError(
                f"{self.path} is an SQLite database but not an archive of schema version {version} "
                f"(missing {shown_missing}); left untouched"
            )
        return version

    def _quick_check(self, conn: sqlite3.Connection) -> None:
        """Raise ArchiveCorruptError unless ``PRAGMA quick_check`` finds the file sound."""
        problems = [str(row[0]) for row in conn.execute("PRAGMA quick_check(1)")]
        if problems != ["ok"]:
            found = " ".join(" ".join(problems).replace("*** in database main ***", "").split())
            found = found if len(found) <= 120 else found[:120] + "…"
            raise ArchiveCorruptError(
                f"archive {self.path} is damaged ({found}): restore it from a backup"
            )

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Apply the pending migrations in one transaction, re-reading the version under the lock."""
        register_functions(conn)
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = self._check_version(conn)
            for migration in MIGRATIONS:
                if migration.version <= current:
                    continue
                for statement in migration.statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {migration.version:d}")
            conn.commit()
        except BaseException:
            conn.rollback()
            raise

    def close(self) -> None:
        """Close the connection (``PRAGMA optimize`` first when writable); safe to call twice."""
        if self._db is None:
            return
        db, self._db = self._db, None
        try:
            if not self.readonly:
                db.execute("PRAGMA optimize")
        except sqlite3.Error:
            pass  # an optimisation hint only; closing must not fail over it
        finally:
            db.close()

    def __enter__(self) -> Self:
        """Open the archive (for writing) unless it is open already."""
        return self.open() if self._db is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the archive."""
        self.close()

    @property
    def db(self) -> Database:
        """The sqlite-utils Database of the open archive (raises ArchiveError when closed)."""
        if self._db is None:
            raise ArchiveError(f"archive {self.path} is not open: call open() first")
        return self._db

    @property
    def schema_version(self) -> int:
        """``PRAGMA user_version`` of the open archive."""
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: committed at the end, rolled back on any error.

        sqlite3 errors become ArchiveError subclasses.
        """
        if self.readonly:
            raise ArchiveReadOnlyError(f"archive {self.path} was opened read-only")
        conn = self.db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc
        try:
            yield conn
            conn.commit()
        except sqlite3.Error as exc:
            conn.rollback()
            raise translate(exc, self.path) from exc
        except BaseException:
            conn.rollback()
            raise

    def _peek(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of ``sql`` (fixed SQL over the version-1 tables) from the file at ``path``
        through a read-only, ``immutable`` connection (no lock, no ``-wal``/``-shm`` files made;
        rows still in a WAL file are not seen; callers hold the run lock when the file has one,
        so that no writer is half-way), after ``_check_version``; [] for a missing, empty or
        new (version 0) file, or one with a ``-journal`` file beside it."""
        if not self.path.is_file() or self.path.stat().st_size == 0:
            return []
        if Path(f"{self.path}-journal").exists():
            return []  # a hot rollback journal: only a normal open may judge (and recover) it
        try:
            uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc
        try:
            if self._check_version(conn) == 0:
                return []
            return [tuple(row) for row in conn.execute(sql)]
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc
        finally:
            conn.close()

    def integrity_check(self) -> list[str]:
        """The rows of ``PRAGMA integrity_check`` (``["ok"]`` for a sound file)."""
        return [str(row[0]) for row in self.db.execute("PRAGMA integrity_check")]


def _writable(path: Path) -> bool:
    """Whether this process may write ``path`` (a file or a directory).

    A file without any write permission bit is not writable even for root, to whom
    ``os.access`` grants everything: ``chmod a-w archive.db`` means "do not write".
    """
    if not os.access(path, os.W_OK):
        return False
    return path.is_dir() or bool(path.stat().st_mode & 0o222)
