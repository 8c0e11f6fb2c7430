"""A read-only, corrupt, newer or full archive: `archiver` says so in one line, exits 2, and leaves
the file as it was (for a full disk: every committed row, and nothing half-written)."""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.errors import (
    ArchiveCorruptError,
    ArchiveError,
    ArchiveFullError,
    ArchiveLockedError,
    ArchiveReadOnlyError,
)
from archiver.replica import ReplicaServer, ReplicaSite
from archiver.store import SCHEMA_VERSION, Archive, archive_error
from tests.conftest import FROZEN_NOW, child_env, run_cli

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
PAGE = 4096

RECORDS = len(ReplicaSite(30, seed=3).ground_truth("http://127.0.0.1"))
"""The records a crawl of replica_30 archives: its 30 articles and their /by/ twins."""


@pytest.fixture(scope="module")
def replica_30() -> Iterator[str]:
    with ReplicaServer(ReplicaSite(30, seed=3)) as server:
        yield server.base_url


@pytest.fixture(scope="module")
def crawled(replica_30: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive holding a finished crawl of replica_30, checkpointed into one file."""
    db = tmp_path_factory.mktemp("crawled") / "archive.db"
    result = crawl(replica_30, db)
    assert result.returncode == 0, result.stderr[-3000:]
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db


@pytest.fixture
def db(crawled: Path, tmp_path: Path) -> Path:
    """A copy of ``crawled`` (the main file only)."""
    copy = tmp_path / "archive.db"
    shutil.copyfile(crawled, copy)
    return copy


def crawl(base_url: str, db: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("crawl", "--base-url", base_url, "--db", str(db), "-s", f"ARCHIVER_NOW={FROZEN_NOW}")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    """The last non-empty line of stderr, after checking that no traceback came before it."""
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "nothing on stderr"
    return lines[-1]


def assert_refused(result: subprocess.CompletedProcess[str], db: Path, *words: str) -> str:
    """Exit 2 and one ``Error: ...`` line naming the file and the problem; returns the line."""
    line = last_line(result)
    assert result.returncode == 2, result.stderr[-3000:]
    assert line.startswith("Error: "), line
    assert str(db) in line, line
    for word in words:
        assert word in line, line
    return line


def side_files(db: Path) -> set[str]:
    return {p.name for p in db.parent.iterdir() if p.name.startswith(db.name + "-")}


# --- read-only ----------------------------------------------------------------------------------
def test_a_file_without_write_permission_is_read_only_even_for_root(db: Path) -> None:
    db.chmod(0o444)
    before = sha256(db)
    with pytest.raises(ArchiveReadOnlyError, match="read-only"):
        Archive(db).open()
    with Archive(db).open(readonly=True) as archive:
        assert archive.db.execute("SELECT count(*) FROM articles").fetchone()[0] == RECORDS
        assert len(archive.known_urls()) >= RECORDS  # with every other URL an article was seen under
    assert sha256(db) == before


def test_crawl_refuses_a_read_only_archive_that_search_and_stats_still_read(
    db: Path, replica_30: str
) -> None:
    db.chmod(0o444)
    before = sha256(db)
    line = assert_refused(crawl(replica_30, db), db, "read-only")
    assert line == f"Error: archive {db} is read-only (a write is needed)"
    assert side_files(db) == set()  # refused before SQLite opened it
    stats = run_cli("stats", "--db", str(db), "--format", "json")
    assert stats.returncode == 0, stats.stderr
    assert f'"articles": {RECORDS}' in stats.stdout
    with Archive(db).open(readonly=True) as archive:
        title = str(archive.db.execute("SELECT title FROM articles LIMIT 1").fetchone()[0])
    word = max(title.split(), key=len).strip(".,:;?!'\"")
    search = run_cli("search", word, "--db", str(db), "--format", "json")
    assert search.returncode == 0, search.stderr
    assert search.stdout.strip()
    assert sha256(db) == before


# --- corrupt ------------------------------------------------------------------------------------
def test_random_bytes_are_refused_untouched(tmp_path: Path, replica_30: str) -> None:
    db = tmp_path / "archive.db"
    db.write_bytes(random.Random(3).randbytes(64 * 1024))  # noqa: S311 (test data)
    before = sha256(db)
    assert_refused(crawl(replica_30, db), db, "not an archive or is damaged")
    for command in (("search", "Minsk"), ("stats",)):
        assert_refused(run_cli(*command, "--db", str(db)), db, "not an archive or is damaged")
    assert sha256(db) == before


def damage(db: Path, how: str) -> None:
    """Overwrite the middle third of the pages with random bytes, or cut the file in half."""
    data = bytearray(db.read_bytes())
    pages = len(data) // PAGE
    if how == "overwritten":
        rnd = random.Random(5)  # noqa: S311 (test data)
        for page in range(pages // 3, 2 * pages // 3):
            data[page * PAGE : (page + 1) * PAGE] = rnd.randbytes(PAGE)
    else:
        del data[(pages // 2) * PAGE :]
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["overwritten", "truncated"])
def test_a_damaged_archive_is_refused_untouched(db: Path, replica_30: str, how: str) -> None:
    damage(db, how)
    before = sha256(db)
    with pytest.raises(ArchiveCorruptError):
        Archive(db).open(verify=True)
    assert_refused(crawl(replica_30, db), db, "damaged")
    for command in (("search", "Minsk"), ("stats",)):
        result = run_cli(*command, "--db", str(db))
        if result.returncode != 0:  # it may or may not read a damaged page
            assert_refused(result, db, "damaged")
    assert sha256(db) == before


# --- newer --------------------------------------------------------------------------------------
def test_a_newer_schema_is_refused_untouched(db: Path, replica_30: str) -> None:
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = sha256(db)
    expected = (
        f"Error: archive {db} has schema version {SCHEMA_VERSION + 1}, newer than this "
        f"archiver's {SCHEMA_VERSION}: upgrade the archiver"
    )
    assert assert_refused(crawl(replica_30, db), db) == expected
    for command in (("search", "Minsk"), ("stats",)):
        assert assert_refused(run_cli(*command, "--db", str(db)), db) == expected
    assert sha256(db) == before


# --- full disk ----------------------------------------------------------------------------------
LIMITED = """
import os, resource, signal, sys
limit = int(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), not the process
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
os.execv(sys.executable, [sys.executable, "-m", "archiver", *sys.argv[2:]])
"""
"""``python -c LIMITED BYTES ARGS``: ``archiver ARGS`` whose files cannot grow past BYTES (the
rlimit and the ignored SIGXFSZ survive exec)."""


def committed(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the content tables, and the crawl_runs rows, of the archive at ``db``
    (after checking its integrity)."""
    with Archive(db).open(readonly=True) as archive:
        assert archive.integrity_check() == ["ok"]
        conn = archive.db.conn
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("articles", "pages", "related_links", "rejects", "article_revisions",
                          "crawl_runs")
        }


def test_a_full_disk_stops_the_crawl_with_every_commit_intact(db: Path) -> None:
    before = committed(db)
    limit = db.stat().st_size + 64 * 1024
    env = child_env()
    with ReplicaServer(ReplicaSite(120, seed=3)) as server:  # more than fits in 64 KiB
        result = subprocess.run(
            [sys.executable, "-c", LIMITED, str(limit), "crawl", "--base-url", server.base_url,
             "--new-site", "--db", str(db), "-s", f"ARCHIVER_NOW={FROZEN_NOW}"],
            capture_output=True, text=True, timeout=240, env=env, check=False, cwd=ROOT,
        )
        assert_refused(result, db, "the disk is full or the file cannot grow")
        after = committed(db)
        # with room again, the next run carries on
        again = run_cli("crawl", "--base-url", server.base_url, "--new-site", "--db", str(db),
                        "-s", f"ARCHIVER_NOW={FROZEN_NOW}")  # another replica: another port
    assert again.returncode in (0, 1), again.stderr[-3000:]
    assert "Traceback" not in again.stderr
    assert len(committed(db)["articles"]) > len(before["articles"])
    for table in ("articles", "pages", "related_links", "rejects", "article_revisions"):
        assert after[table] == before[table], table  # no partial batch
    # the run's row was committed before the disk filled up; it stays unfinished (resumable)
    assert after["crawl_runs"][: len(before["crawl_runs"])] == before["crawl_runs"]
    assert [run[3] for run in after["crawl_runs"][len(before["crawl_runs"]) :]] in ([], [None])


def coded(message: str, code: int, name: str) -> sqlite3.OperationalError:
    """An sqlite3 error as SQLite raises it: with its (extended) result code and name."""
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code
    error.sqlite_errorname = name
    return error


@pytest.mark.parametrize(
    ("message", "code", "name"),
    [("database or disk is full", 13, "SQLITE_FULL"), ("disk I/O error", 778, "SQLITE_IOERR_WRITE")],
)
def test_full_and_io_errors_read_as_a_full_disk(message: str, code: int, name: str) -> None:
    error = archive_error(coded(message, code, name), "data/archive.db")
    assert isinstance(error, ArchiveFullError)
    assert str(error) == (
        "cannot write archive data/archive.db: the disk is full or the file cannot grow "
        f"({message})"
    )


def test_errors_are_told_apart_by_sqlite_result_code_not_by_their_words(tmp_path: Path) -> None:
    path = tmp_path / "full.db"
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE TABLE t (x BLOB)")
        conn.execute("PRAGMA max_page_count = 2")  # the file may not grow: SQLITE_FULL
        with pytest.raises(sqlite3.OperationalError) as raised:
            conn.execute("INSERT INTO t VALUES (zeroblob(100000))")
    finally:
        conn.close()
    assert isinstance(archive_error(raised.value, path), ArchiveFullError)
    # the words alone decide nothing: an error without a result code is a plain ArchiveError
    for words in ("database is locked", "database or disk is full", "file is not a database"):
        error = archive_error(sqlite3.OperationalError(words), path)
        assert type(error) is ArchiveError, words
    assert isinstance(archive_error(coded("x", 5, "SQLITE_BUSY"), path), ArchiveLockedError)
    assert isinstance(archive_error(coded("x", 26, "SQLITE_NOTADB"), path), ArchiveCorruptError)
    assert isinstance(archive_error(coded("x", 11, "SQLITE_CORRUPT"), path), ArchiveCorruptError)
    assert isinstance(archive_error(coded("x", 1032, "SQLITE_READONLY_DBMOVED"), path),
                      ArchiveReadOnlyError)
