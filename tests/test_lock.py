"""archiver.lock: one run per archive, an flock on ``<archive>.lock`` released by the kernel."""

from __future__ import annotations

import errno
import fcntl
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archiver import lock as lock_module
from archiver.clock import frozen_clock
from archiver.errors import ArchiveError, ArchiveInUseError, ArchiveReadOnlyError, ArchiverError
from archiver.lock import Holder, RunLock, lock_path_for, parse_holder, read_holder
from tests.conftest import child_env

T_HOLDER = "2026-11-28T12:00:00Z"
T_LATER = "2026-11-28T13:30:05Z"

HOLDER_SCRIPT = """
import sys
from pathlib import Path
from archiver.clock import frozen_clock
from archiver.lock import RunLock
with RunLock(Path(sys.argv[1]), now=frozen_clock(sys.argv[2]), command=["archiver", "crawl"]):
    print("held", flush=True)
    sys.stdin.read()
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "archive.db"


@pytest.fixture
def spawn_holder() -> Iterator[Callable[[Path], subprocess.Popen[str]]]:
    """Start another process that takes the lock (clock frozen at T_HOLDER) and holds it until its
    stdin closes; returns once it holds the lock."""
    procs: list[subprocess.Popen[str]] = []

    def spawn(db_path: Path) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER_SCRIPT, str(db_path), T_HOLDER],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=child_env(),
        )
        procs.append(proc)
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        line = proc.stdout.readline() if ready else ""
        if line != "held\n":
            proc.kill()
            _, err = proc.communicate(timeout=10)
            pytest.fail(f"holder process did not take the lock: {line!r} {err}")
        return proc

    yield spawn
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)


def hold_raw(path: Path, content: bytes) -> int:
    """Write ``content`` to ``path`` and flock it on a separate open file; returns the fd."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    fd = os.open(path, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def test_acquire_release_reacquire(db: Path) -> None:
    lock = RunLock(db, now=frozen_clock(T_HOLDER), command=["archiver", "crawl", "--db", str(db)])
    with lock as entered:
        assert entered is lock
        assert lock.held
        assert lock.lock_path == db.parent / "archive.db.lock"
        assert read_holder(db) == Holder(
            pid=os.getpid(), started_at=T_HOLDER, host=socket.gethostname(),
            command=f"archiver crawl --db {db}",
        )
        # flock belongs to the open file: a second RunLock is refused even in this process
        with pytest.raises(ArchiveInUseError) as refused:
            RunLock(db, holder_wait_s=0).acquire()
        assert refused.value.holder_pid == os.getpid()
    assert not lock.held
    assert not db.exists()  # the lock never creates the archive itself

    with RunLock(db, now=frozen_clock(T_LATER)) as again:
        assert again.held
        holder = read_holder(db)
        assert holder is not None
        assert holder.started_at == T_LATER

    lock.acquire()
    with pytest.raises(RuntimeError, match="already held"):
        lock.acquire()
    lock.release()
    lock.release()  # a second release is a no-op
    assert not lock.held


def test_second_process_is_refused_with_the_holders_pid_and_start(
    db: Path, spawn_holder: Callable[[Path], subprocess.Popen[str]]
) -> None:
    proc = spawn_holder(db)
    with pytest.raises(ArchiveInUseError) as refused:
        RunLock(db, now=frozen_clock(T_LATER)).acquire()
    exc = refused.value
    assert str(exc) == (
        f"archive {db} is in use by another run "
        f"(pid {proc.pid} on host {socket.gethostname()}, started {T_HOLDER}); try later"
    )
    assert (exc.holder_pid, exc.holder_started_at) == (proc.pid, T_HOLDER)
    assert exc.exit_code == 75
    assert isinstance(exc, ArchiverError)
    holder = read_holder(db)  # the refused run did not overwrite the holder's record
    assert holder is not None
    assert holder.pid == proc.pid

    _, err = proc.communicate("", timeout=10)  # closing stdin ends the holder normally
    assert proc.returncode == 0, err
    with RunLock(db, now=frozen_clock(T_LATER)):
        holder = read_holder(db)
        assert holder is not None
        assert (holder.pid, holder.started_at) == (os.getpid(), T_LATER)


def test_sigkill_of_the_holder_releases_the_lock_at_once(
    db: Path, spawn_holder: Callable[[Path], subprocess.Popen[str]]
) -> None:
    proc = spawn_holder(db)
    with pytest.raises(ArchiveInUseError):
        RunLock(db).acquire()
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL

    lock = RunLock(db, now=frozen_clock(T_LATER))
    lock.acquire()  # no retry: the kernel released the dead process's lock
    try:
        holder = read_holder(db)
        assert holder is not None
        assert (holder.pid, holder.started_at) == (os.getpid(), T_LATER)
    finally:
        lock.release()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\xff{garbage",
        b"[1, 2]",
        b'{"pid": "1234", "started_at": "2026-11-28T12:00:00Z"}',
        b'{"pid": true}',
        b'{"pid": -5}',
        b'{"pid": 1234' + b" " * (70 * 1024) + b"}",
    ],
    ids=["empty", "binary", "not-an-object", "pid-string", "pid-bool", "pid-negative", "too-large"],
)
def test_garbled_holder_record_says_pid_unknown(db: Path, content: bytes) -> None:
    fd = hold_raw(lock_path_for(db), content)
    try:
        with pytest.raises(ArchiveInUseError) as refused:
            RunLock(db, holder_wait_s=0).acquire()
    finally:
        os.close(fd)
    exc = refused.value
    assert str(exc) == (
        f"archive {db} is in use by another run "
        f"(pid unknown: {db}.lock has no readable holder record); try later"
    )
    assert (exc.holder_pid, exc.holder_started_at, exc.holder_host) == (None, None, None)
    assert lock_path_for(db).read_bytes() == content  # the refused run left the record alone


def test_partial_record_keeps_what_is_valid_on_one_line() -> None:
    holder = parse_holder(b'{"pid": 77, "started_at": "yesterday", "host": "a\\nb\\u0007c"}')
    assert holder == Holder(pid=77, started_at=None, host="a b c", command=None)
    message = lock_module.busy_message(Path("x.db"), holder)
    assert message == (
        "archive x.db is in use by another run (pid 77 on host a b c, started at an unknown time); "
        "try later"
    )
    assert "\n" not in message


def test_refused_run_waits_briefly_for_a_record_being_written(db: Path) -> None:
    path = lock_path_for(db)
    fd = hold_raw(path, b"")  # the holder has the lock but has not written its record yet
    writer = threading.Timer(0.1, lambda: path.write_bytes(b'{"pid": 4242, "started_at": "' +
                                                           T_HOLDER.encode() + b'"}'))
    writer.start()
    try:
        with pytest.raises(ArchiveInUseError) as refused:
            RunLock(db, holder_wait_s=10).acquire()
    finally:
        writer.join()
        os.close(fd)
    assert (refused.value.holder_pid, refused.value.holder_started_at) == (4242, T_HOLDER)
    assert "pid 4242, started 2026-11-28T12:00:00Z" in str(refused.value)


class FakeTime:
    """Stands in for the ``time`` module in archiver.lock: ``sleep`` moves ``monotonic`` on at once
    and is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_garbled_record_costs_at_most_the_wait(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeTime()
    monkeypatch.setattr(lock_module, "time", fake)
    fd = hold_raw(lock_path_for(db), b"{not json")
    try:
        with pytest.raises(ArchiveInUseError, match="pid unknown"):
            RunLock(db, holder_wait_s=0.2).acquire()
    finally:
        os.close(fd)
    assert fake.slept  # it waited for a record to appear ...
    assert 0.2 <= sum(fake.slept) < 0.2 + max(fake.slept) + 1e-9  # ... the wait asked for, no more


def test_lock_file_stays_after_release_and_the_next_holder_rewrites_it(db: Path) -> None:
    long_command = ["archiver", "crawl", "--base-url", "http://127.0.0.1:8080/" + "x" * 150]
    with RunLock(db, now=frozen_clock(T_HOLDER), command=long_command):
        pass
    path = lock_path_for(db)
    assert path.is_file()
    inode = path.stat().st_ino
    first = read_holder(db)
    assert first is not None
    assert first.started_at == T_HOLDER
    assert first.command is not None
    assert first.command.startswith("archiver crawl --base-url")

    with RunLock(db, now=frozen_clock(T_LATER), command=["archiver"]):
        pass
    assert path.stat().st_ino == inode  # the same file, never deleted or replaced
    second = read_holder(db)  # shorter record: the old one was truncated, not overwritten in place
    assert second == Holder(pid=os.getpid(), started_at=T_LATER, host=socket.gethostname(),
                            command="archiver")


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS])
def test_unwritable_lock_file_is_a_read_only_error(
    db: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    real_open = os.open
    lock_path = lock_path_for(db)

    def refusing_open(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        if Path(path) == lock_path:
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(lock_module.os, "open", refusing_open)
    with pytest.raises(ArchiveReadOnlyError) as refused:
        RunLock(db).acquire()
    message = str(refused.value)
    assert message.startswith(f"cannot write the lock file {lock_path} of archive {db} (read-only: ")
    assert "\n" not in message


def test_other_os_errors_name_the_lock_file(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the archive's directory should be")
    db_path = blocker / "archive.db"
    with pytest.raises(ArchiveError) as refused:
        RunLock(db_path).acquire()
    assert type(refused.value) is ArchiveError
    assert str(refused.value).startswith(f"cannot use the lock file {db_path}.lock of archive {db_path} (")


def test_filesystem_without_locks_is_an_archive_error(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(lock_module.fcntl, "flock", no_locks)
    lock = RunLock(db)
    with pytest.raises(ArchiveError, match="No locks available"):
        lock.acquire()
    assert not lock.held
