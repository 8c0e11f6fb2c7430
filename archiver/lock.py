"""One run per archive: an OS file lock beside the database.

The lock is ``fcntl.flock(LOCK_EX | LOCK_NB)`` on ``<archive>.lock`` (``data/archive.db.lock`` for
``data/archive.db``). The kernel releases it when the holding process exits or dies, SIGKILL
included, so a crashed run never leaves a stale lock. The file itself stays in place on release
(deleting it would race with another process taking it); the holder overwrites it with a JSON record
of itself, which a refused run reads to say who holds the archive::

    {"pid": 1234, "started_at": "2026-11-28T12:00:00Z", "host": "box", "command": "archiver crawl"}

POSIX only (Linux, macOS): ``fcntl`` is imported at module level and Windows is not supported. The
lock belongs to the open file description, so a second ``RunLock`` on the same archive is refused
even within one process; a child created by ``fork`` without ``exec`` shares the parent's lock.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shlex
import socket
import stat
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType

from archiver.clock import Clock, iso_utc, system_clock
from archiver.errors import ArchiveError, ArchiveInUseError, ArchiveReadOnlyError

LOCK_SUFFIX = ".lock"
MAX_RECORD_BYTES = 64 * 1024
"""A holder record larger than this is treated as garbled."""
MAX_FIELD_CHARS = 200
"""Longer host/command strings are cut to this many characters."""
HOLDER_WAIT_S = 0.5
"""How long (seconds) a refused run waits for the holder to finish writing its record."""
_ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_READ_ONLY_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}


def lock_path_for(db_path: Path) -> Path:
    """The lock file of the archive at ``db_path``: ``<db_path>.lock``."""
    return db_path.with_name(db_path.name + LOCK_SUFFIX)


@dataclass(frozen=True)
class Holder:
    """The run holding an archive, as it recorded itself in the lock file."""

    pid: int
    started_at: str | None
    """``YYYY-MM-DDTHH:MM:SSZ``, or None when missing or not in that format."""
    host: str | None
    command: str | None
    """The holder's argv, shell-quoted and cut to ``MAX_FIELD_CHARS``."""


def _one_line(value: object) -> str | None:
    """``value`` as a short single-line string, or None when it is not a non-empty string."""
    if not isinstance(value, str):
        return None
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())
    return text[:MAX_FIELD_CHARS] or None


def parse_holder(data: bytes) -> Holder | None:
    """The holder record in ``data`` (JSON bytes), or None when it is empty, garbled or has no
    valid ``pid`` (a positive integer)."""
    if not data or len(data) > MAX_RECORD_BYTES:
        return None
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(record, dict):
        return None
    pid = record.get("pid")
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return None
    started_at = record.get("started_at")
    return Holder(
        pid=pid,
        started_at=started_at if isinstance(started_at, str) and _ISO_UTC.fullmatch(started_at) else None,
        host=_one_line(record.get("host")),
        command=_one_line(record.get("command")),
    )


def read_holder(db_path: Path) -> Holder | None:
    """The last holder recorded for the archive at ``db_path`` (the current one while the lock is
    held), or None when there is no lock file or its record is unreadable or garbled."""
    try:
        fd = os.open(lock_path_for(db_path), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, MAX_RECORD_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return parse_holder(data)


def busy_message(db_path: Path, holder: Holder | None) -> str:
    """The one-line message for a run refused because ``holder`` holds ``db_path``."""
    if holder is None:
        who = f"pid unknown: {lock_path_for(db_path)} has no readable holder record"
    else:
        who = f"pid {holder.pid}"
        if holder.host:
            who += f" on host {holder.host}"
        who += f", started {holder.started_at or 'at an unknown time'}"
    return f"archive {db_path} is in use by another run ({who}); try later"


class RunLock:
    """The run lock of the archive at ``db_path``; a context manager.

    ``with RunLock(Path("data/archive.db")):`` takes the lock without waiting, or raises
    ArchiveInUseError (another run holds it; exit 75), ArchiveReadOnlyError (the lock file or its
    directory cannot be written) or ArchiveError (any other OS error on the lock file). ``now`` is
    the clock for ``started_at``; ``command`` defaults to ``sys.argv``; ``holder_wait_s`` is how long
    a refused run re-reads a holder record that is still empty or incomplete (the holder writes it
    just after taking the lock).
    """

    def __init__(
        self,
        db_path: Path,
        *,
        now: Clock = system_clock,
        command: Sequence[str] | None = None,
        holder_wait_s: float = HOLDER_WAIT_S,
    ) -> None:
        self.db_path = Path(db_path)
        self.lock_path = lock_path_for(self.db_path)
        self._now = now
        self._command = list(sys.argv if command is None else command)
        self._holder_wait_s = holder_wait_s
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> Holder:
        """Take the lock without waiting and record this process as its holder; returns the record.

        Raises RuntimeError if this object already holds it."""
        if self._fd is not None:
            raise RuntimeError(f"{self.lock_path} is already held by this RunLock")
        fd = self._open()
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise self._busy_error() from None
            except OSError as exc:  # e.g. ENOLCK: the filesystem has no locks
                raise self._os_error(exc) from exc
            holder = self._write_record(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return holder

    def release(self) -> None:
        """Release the lock (a no-op when not held); the lock file and its record stay."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def _open(self) -> int:
        """Open (creating it and its directory if missing) the lock file for writing.

        Never through a symbolic link (``O_NOFOLLOW``) and only a regular file: a lock path that
        is a link, a FIFO, a device or a directory raises ArchiveError, and nothing is written
        (the holder record would otherwise truncate and overwrite whatever the link names).
        """
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(
                self.lock_path,
                os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                0o644,
            )
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise ArchiveError(
                    f"the lock file {self.lock_path} of archive {self.db_path} is a symbolic "
                    "link: refusing to write through it (remove it)"
                ) from exc
            raise self._os_error(exc) from exc
        try:
            regular = stat.S_ISREG(os.fstat(fd).st_mode)
        except OSError as exc:
            os.close(fd)
            raise self._os_error(exc) from exc
        if not regular:
            os.close(fd)
            raise ArchiveError(
                f"the lock file {self.lock_path} of archive {self.db_path} is not a regular "
                "file: refusing to use it (remove it)"
            )
        return fd

    def _write_record(self, fd: int) -> Holder:
        """Replace the lock file's content with this process's record (fsynced)."""
        holder = Holder(
            pid=os.getpid(),
            started_at=iso_utc(self._now()),
            host=_one_line(socket.gethostname()),
            command=_one_line(shlex.join(self._command)),
        )
        data = json.dumps(asdict(holder), ensure_ascii=False).encode("utf-8") + b"\n"
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, data, 0)
            os.fsync(fd)
        except OSError as exc:
            raise self._os_error(exc) from exc
        return holder

    def _busy_error(self) -> ArchiveInUseError:
        """The error for a lock held elsewhere, naming the holder if its record can be read."""
        deadline = time.monotonic() + self._holder_wait_s
        holder = read_holder(self.db_path)
        while holder is None and time.monotonic() < deadline:
            time.sleep(0.02)
            holder = read_holder(self.db_path)
        return ArchiveInUseError(
            busy_message(self.db_path, holder),
            holder_pid=holder.pid if holder else None,
            holder_host=holder.host if holder else None,
            holder_started_at=holder.started_at if holder else None,
        )

    def _os_error(self, exc: OSError) -> ArchiveError:
        """``exc`` (from the lock file or its directory) as a one-line archive error."""
        reason = exc.strerror or type(exc).__name__
        if exc.errno in _READ_ONLY_ERRNOS:
            return ArchiveReadOnlyError(
                f"cannot write the lock file {self.lock_path} of archive {self.db_path} "
                f"(read-only: {reason})"
            )
        return ArchiveError(f"cannot use the lock file {self.lock_path} of archive {self.db_path} ({reason})")


__all__ = [
    "HOLDER_WAIT_S",
    "Holder",
    "RunLock",
    "busy_message",
    "lock_path_for",
    "parse_holder",
    "read_holder",
]
