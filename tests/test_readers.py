"""Readers during a crawl: 4 threads run FTS queries, views, counts and stats in a loop while
``archiver crawl --full`` writes in small batches, and see no lock error (WAL: readers never wait
for the writer)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pytest

from archiver.replica import ReplicaServer, ReplicaSite
from archiver.store import Archive
from tests.conftest import Replica
from tests.crawl_helpers import start_crawl

pytestmark = pytest.mark.e2e

T = TypeVar("T")

READERS = 4
MIN_LOOPS = 20
REOPEN_EVERY = 5
"""Each reader opens a new connection every this many loops (opening while the crawl writes)."""
PAUSE = 0.08
"""Seconds a reader rests between rounds: busy readers on 2 cores would slow the crawl down."""
WORDS = ("Belarus", "Lukashenka", "opposition", "Kremlin", '"foreign pressure"', "dialog*", "title: Minsk")
FTS_SQL = (
    "SELECT a.id, a.title FROM articles_fts JOIN articles AS a ON a.id = articles_fts.rowid "
    "WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 10.0, 4.0, 1.0) LIMIT 10"
)
"""A full-text query as a Datasette user would write it."""


@dataclass
class ReaderLog:
    """What one reader thread did and saw."""

    loops: int = 0
    queries: int = 0
    max_latency: float = 0.0
    counts: list[int] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)

    def timed(self, query: Callable[[], T]) -> T | None:
        """Run ``query``, keep its latency; record an exception and return None instead."""
        started = time.perf_counter()
        try:
            return query()
        except Exception as exc:  # noqa: BLE001 (any exception is a finding: record it)
            self.errors.append(exc)
            return None
        finally:
            self.queries += 1
            self.max_latency = max(self.max_latency, time.perf_counter() - started)


class Connection:
    """A read-only connection of one reader kind: ``archive`` (Archive.open(readonly=True)) or
    ``datasette`` (plain sqlite3 with ``?mode=ro``, as Datasette opens a mutable file)."""

    def __init__(self, kind: str, db: Path) -> None:
        self.archive: Archive | None = None
        self.conn: sqlite3.Connection
        if kind == "archive":
            self.archive = Archive(db).open(readonly=True)
            self.conn = self.archive.db.conn
        else:
            self.conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()
        else:
            self.conn.close()

    def loop(self, log: ReaderLog) -> None:
        """One round: searches, every view, the article count and (Archive) stats."""
        for word in WORDS:
            if self.archive is not None:
                log.timed(partial(self.archive.search, word, limit=10))
            else:
                log.timed(partial(rows, self.conn, FTS_SQL, (word,)))
        views = log.timed(partial(rows, self.conn, "SELECT name FROM sqlite_master WHERE type = 'view'"))
        for (view,) in views or ():
            log.timed(partial(rows, self.conn, f'SELECT * FROM "{view}"'))
        count = log.timed(partial(rows, self.conn, "SELECT count(*) FROM articles"))
        if count is not None:
            log.counts.append(int(count[0][0]))
        if self.archive is not None:
            log.timed(self.archive.stats)


def rows(conn: sqlite3.Connection, sql: str, params: tuple[object, ...] = ()) -> list[Any]:
    """Every row of ``sql``."""
    return conn.execute(sql, params).fetchall()


def read_until(kind: str, db: Path, crawl_done: threading.Event, log: ReaderLog) -> None:
    """Loop until a whole round ran after the crawl ended; a new connection every few rounds."""
    connection: Connection | None = None
    while True:
        last = crawl_done.is_set()
        if connection is None:
            connection = log.timed(lambda: Connection(kind, db))
        if connection is not None:
            connection.loop(log)
        log.loops += 1
        if connection is not None and log.loops % REOPEN_EVERY == 0:
            connection.close()
            connection = None
        if last:
            break
        time.sleep(PAUSE)
    if connection is not None:
        connection.close()


@pytest.fixture(scope="module")
def replica_150() -> Iterator[Replica]:
    site = ReplicaSite(150, seed=29)
    with ReplicaServer(site) as server:
        yield Replica(site, server)


@pytest.mark.parametrize("kind", ["archive", "datasette"])
def test_readers_during_a_crawl_see_no_lock_errors(replica_150: Replica, tmp_path: Path, kind: str) -> None:
    db = tmp_path / "archive.db"
    Archive(db).open().close()  # the schema exists before the readers start
    crawl_done = threading.Event()
    logs = [ReaderLog() for _ in range(READERS)]
    threads = [
        threading.Thread(target=read_until, args=(kind, db, crawl_done, log), daemon=True) for log in logs
    ]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    crawl = start_crawl(replica_150.base_url, db, "--full", "-s", "ARCHIVER_BATCH_SIZE=5")
    try:
        _out, err = crawl.communicate(timeout=240)
    finally:
        crawl_done.set()
        for thread in threads:
            thread.join(timeout=60)
    crawl_seconds = time.monotonic() - started
    assert crawl.returncode == 0, err[-3000:]
    assert not any(thread.is_alive() for thread in threads)

    total = len(replica_150.truth())
    with Archive(db).open(readonly=True) as archive:
        assert archive.stats()["totals"]["articles"] == total  # type: ignore[index]
    seen = {c for log in logs for c in log.counts}
    print(
        f"{kind}: crawl {crawl_seconds:.1f} s; loops per reader {[log.loops for log in logs]}; "
        f"queries {sum(log.queries for log in logs)}; max latency "
        f"{max(log.max_latency for log in logs) * 1000:.0f} ms; {len(seen)} distinct counts seen"
    )
    assert [repr(exc) for log in logs for exc in log.errors] == []
    for log in logs:
        assert log.loops >= MIN_LOOPS
        assert log.counts == sorted(log.counts)  # monotonic: a reader never sees a commit undone
        assert log.counts[0] < total
        assert log.counts[-1] == total
    assert len(seen) > 2  # the readers saw the crawl progress
