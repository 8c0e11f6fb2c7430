"""Kills and overlaps: a full crawl killed with SIGKILL resumes; a second run steps aside (exit 75)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.lock import read_holder
from archiver.replica import ReplicaServer, ReplicaSite
from archiver.store import Archive
from tests.conftest import ARTICLE_FIELDS, FROZEN_NOW, Replica, run_cli
from tests.crawl_helpers import SLOW, article_count, article_paths, start_crawl, wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def replica_120() -> Iterator[Replica]:
    site = ReplicaSite(120, seed=11)
    with ReplicaServer(site) as server:
        yield Replica(site, server)


def test_sigkill_at_several_points_then_resume(replica_120: Replica, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    truth = replica_120.truth()
    committed_before: list[set[str]] = []
    for threshold in (10, 45, 80):
        crawl = start_crawl(replica_120.base_url, db, *SLOW)
        try:
            wait_for(lambda t=threshold, c=crawl: article_count(db) >= t or c.poll() is not None)
        finally:
            crawl.send_signal(signal.SIGKILL)
            crawl.communicate(timeout=30)
        assert crawl.returncode == -signal.SIGKILL, "the crawl ended before it was killed"
        with Archive(db).open(readonly=True) as archive:
            # what the runs committed (not the URL of a row filled from a re-published copy
            # only: that page itself was not fetched)
            committed_before.append(archive.committed_since(""))
            assert archive.runs(limit=1)[0]["finished_at"] is None  # left marked unfinished
    assert len(committed_before[-1]) < len(truth)

    replica_120.server.clear_log()
    result = run_cli("crawl", "--base-url", replica_120.base_url, "--db", str(db),
                     "-s", f"ARCHIVER_NOW={FROZEN_NOW}")
    assert result.returncode == 0, result.stderr[-3000:]
    # compared URL by URL (slash and query aside), not article by article: an article committed
    # from its Drupal page still needs its re-published copy (its week), a page of its own
    refetched = {
        target.split("?", 1)[0].rstrip("/") for target in replica_120.server.request_log
        if replica_120.site.lookup(target.split("?", 1)[0]) is not None
    }
    committed_paths = {
        url.removeprefix(replica_120.base_url).rstrip("/") for url in committed_before[-1]
    }
    assert refetched.isdisjoint(committed_paths), refetched & committed_paths
    assert refetched  # the rest was fetched
    assert set(article_paths(list(replica_120.server.request_log), replica_120))

    with Archive(db).open(readonly=True) as archive:
        assert archive.integrity_check() == ["ok"]
        rows = list(archive.db.query("SELECT * FROM articles"))
        runs = archive.runs(limit=10)
    assert len(rows) == len({row["url"] for row in rows}) == len(truth)
    for row in rows:
        assert {f: row[f] for f in ARTICLE_FIELDS} == {f: truth[row["url"]][f] for f in ARTICLE_FIELDS}
    assert [run["mode"] for run in runs] == ["resume", "resume", "resume", "full"]
    assert runs[0]["exit_code"] == 0
    assert [run["finished_at"] is None for run in runs[1:]] == [True, True, True]


def test_second_run_exits_75_quickly_and_writes_nothing(replica_120: Replica, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    first = start_crawl(replica_120.base_url, db, *SLOW)
    try:
        wait_for(lambda: read_holder(db) is not None and read_holder(db).pid == first.pid)  # type: ignore[union-attr]
        second = run_cli("crawl", "--base-url", replica_120.base_url, "--db", str(db),
                         "-s", f"ARCHIVER_NOW={FROZEN_NOW}")
        assert second.returncode == 75, second.stderr[-2000:]
        assert f"pid {first.pid}" in second.stderr
        assert "started 2026-11-28T12:00:00Z" in second.stderr
        assert len(second.stderr.strip().splitlines()) == 1
        # quickly: 75 is the answer of a lock taken without waiting (RunLock.acquire); the bound on
        # the one wait it has, for the holder's record, is tested on an injected clock (test_lock.py)
    finally:
        _out, err = first.communicate(timeout=240)
    assert first.returncode == 0, err[-3000:]
    with Archive(db).open(readonly=True) as archive:
        assert len(archive.runs()) == 1
        assert archive.article_count() == len(replica_120.truth())
