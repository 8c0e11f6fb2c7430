"""archiver.run: one object owns a crawl run (lock, archive, plan, ``crawl_runs`` row, failures as
they happen, exit code), for ``archiver crawl``, ``scrapy crawl`` and Scrapyd alike."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from archiver.errors import ArchiveFullError, ArchiveInUseError
from archiver.items import Failed
from archiver.lock import RunLock
from archiver.pipelines import StorePipeline
from archiver.replica import ReplicaServer, ReplicaSite
from archiver.replica.faults import FaultSpec
from archiver.run import FORCED_STOP, UNREACHABLE, RunLifecycle
from archiver.store import Archive
from tests.conftest import FROZEN_NOW, Replica
from tests.crawl_helpers import ROOT, SLOW, start_crawl, wait_for
from tests.factories import make_item


def crawler_for(db: Path, **settings: object) -> Crawler:
    """A crawler of a bare spider whose settings ask for a run of the archive at ``db``."""
    crawler = get_crawler(scrapy.Spider, settings_dict={
        "ARCHIVER_RUN": True, "ARCHIVER_DB": str(db), "ARCHIVER_NOW": FROZEN_NOW,
        "ARCHIVER_BASE_URL": "http://127.0.0.1:9", **settings,
    })
    crawler.spider = crawler._create_spider("t")
    return crawler


def failed_rows(db: Path) -> list[tuple[str, str, int | None, int | None]]:
    """(url, reason, status, run_id) of every ``failed`` reject, read by another connection."""
    with Archive(db).open(readonly=True) as archive:
        return [tuple(row) for row in archive.db.execute(
            "SELECT url, reason, status, run_id FROM rejects WHERE kind = 'failed' ORDER BY id"
        )]


# --- the object, without a crawl ---------------------------------------------------------------
def test_a_crawler_without_archiver_run_gets_no_run_and_no_store(tmp_path: Path) -> None:
    crawler = get_crawler(scrapy.Spider, settings_dict={"ARCHIVER_DB": str(tmp_path / "a.db")})
    with pytest.raises(NotConfigured):
        RunLifecycle.from_crawler(crawler)
    assert RunLifecycle.of(crawler) is None
    with pytest.raises(NotConfigured):
        StorePipeline.from_crawler(crawler)
    assert not (tmp_path / "a.db").exists()  # `scrapy shell` and friends write nothing


def test_open_takes_the_lock_reads_the_plan_and_starts_the_row(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    run = RunLifecycle.from_crawler(crawler_for(db, ARCHIVER_SINCE="2024-01-01"))
    with pytest.raises(ArchiveInUseError):
        RunLock(db).acquire()
    assert run.plan.mode == "full"  # nothing archived yet
    row = run.archive.runs(limit=1)[0]
    assert (row["id"], row["mode"], row["finished_at"]) == (run.run_id, "full", None)
    assert (row["base_url"], row["since"], row["started_at"]) == (
        "http://127.0.0.1:9", "2024-01-01T00:00:00Z", FROZEN_NOW)
    run.release()
    with RunLock(db):  # released
        pass


def test_a_held_lock_refuses_the_run_before_anything_is_written(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Archive(db):
        pass
    with RunLock(db), pytest.raises(ArchiveInUseError):
        RunLifecycle.from_crawler(crawler_for(db))
    with Archive(db).open(readonly=True) as archive:
        assert archive.runs() == []


def test_each_failure_is_in_the_archive_at_once(tmp_path: Path) -> None:
    """Another connection sees a failure as soon as it is reported (its own transaction)."""
    db = tmp_path / "a.db"
    run = RunLifecycle.from_crawler(crawler_for(db))
    run.fail(Failed("http://127.0.0.1:9/a/b", "HTTP 503 after 4 attempts", 503))
    assert failed_rows(db) == [("http://127.0.0.1:9/a/b", "HTTP 503 after 4 attempts", 503, run.run_id)]
    run.fail(Failed("http://127.0.0.1:9/a/\ud800", "odd", 99999999999999999999))
    assert failed_rows(db)[1][0] == "http://127.0.0.1:9/a/\\ud800"  # escaped, not lost
    run.release()


def test_the_close_completes_the_row_with_its_exit_code(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    crawler = crawler_for(db)
    run = RunLifecycle.from_crawler(crawler)
    run.start_point_read()
    assert crawler.stats is not None
    crawler.stats.set_value("archiver/items_new", 3)
    crawler.signals.send_catch_log(signals.spider_closed, spider=crawler.spider, reason="finished")
    assert (run.exit_code, crawler.stats.get_value("archiver/exit_code")) == (0, 0)
    crawler.signals.send_catch_log(signals.engine_stopped)
    with Archive(db).open(readonly=True) as archive:
        row = archive.runs(limit=1)[0]
    assert (row["finish_reason"], row["exit_code"]) == ("finished", 0)
    assert (row["items_new"], row["failures"]) == (3, 0)
    with RunLock(db):  # released at engine_stopped
        pass


def test_a_run_that_read_no_start_point_is_unreachable_and_exits_1(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    crawler = crawler_for(db)
    run = RunLifecycle.from_crawler(crawler)
    run.fail(Failed("http://127.0.0.1:9/", "listing page: Connection refused", None))
    crawler.signals.send_catch_log(signals.spider_closed, spider=crawler.spider, reason="finished")
    run.release()
    with Archive(db).open(readonly=True) as archive:
        row = archive.runs(limit=1)[0]
    assert (row["finish_reason"], row["exit_code"], row["failures"]) == (UNREACHABLE, 1, 1)


def test_a_forced_stop_is_completed_with_its_failures_counted(tmp_path: Path) -> None:
    """Ctrl-C twice: no spider_closed; ``archiver crawl`` completes the row afterwards."""
    db = tmp_path / "a.db"
    run = RunLifecycle.from_crawler(crawler_for(db))
    run.fail(Failed("http://127.0.0.1:9/a/b", "reset", None))
    assert run.finish_abandoned() == 1
    with Archive(db).open(readonly=True) as archive:
        row = archive.runs(limit=1)[0]
    assert (row["finish_reason"], row["exit_code"], row["failures"]) == (FORCED_STOP, 1, 1)
    assert len(failed_rows(db)) == 1
    with RunLock(db):  # released
        pass


def test_a_fatal_write_error_stops_the_run_and_leaves_its_row_unfinished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """StorePipeline reports a full disk to the run; the row stays open for the next run to resume."""
    db = tmp_path / "a.db"
    crawler = crawler_for(db)
    run = RunLifecycle.from_crawler(crawler)
    pipeline = StorePipeline(crawler, run, batch_size=1)

    def full(*_args: object, **_kwargs: object) -> list[str]:
        raise ArchiveFullError("database or disk is full")

    monkeypatch.setattr(run.archive, "store_items", full)
    pipeline.process_item(make_item("a"))
    assert isinstance(run.error, ArchiveFullError)
    assert pipeline.pending == []
    assert crawler.stats is not None
    assert crawler.stats.get_value("archiver/archive_error") == "database or disk is full"
    pipeline.process_item(make_item("b"))  # nothing more is written
    assert pipeline.pending == []
    crawler.signals.send_catch_log(signals.spider_closed, spider=crawler.spider, reason="archive_error")
    assert run.exit_code is None
    assert run.finish_abandoned() == 1
    with Archive(db).open(readonly=True) as archive:
        assert archive.runs(limit=1)[0]["finished_at"] is None


# --- crawls of the replica ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def looping() -> Iterator[Replica]:
    """A replica where a fifth of the articles redirect in a loop (each a failure)."""
    site = ReplicaSite(120, seed=5)
    with ReplicaServer(site, faults=FaultSpec.parse("loop=0.2,seed=3")) as server:
        yield Replica(site, server)


@pytest.mark.e2e
def test_a_killed_run_keeps_what_failed(looping: Replica, tmp_path: Path) -> None:
    """A failure is recorded as it happens: SIGKILL after it, and the archive still lists it."""
    db = tmp_path / "a.db"
    crawl = start_crawl(looping.base_url, db, *SLOW)
    try:
        wait_for(lambda: db.exists() and _has_failure(db), timeout=120)
        crawl.send_signal(signal.SIGKILL)
    finally:
        if crawl.poll() is None:
            crawl.kill()
        crawl.communicate(timeout=30)
    assert crawl.returncode == -signal.SIGKILL
    with Archive(db).open(readonly=True) as archive:
        run = archive.runs(limit=1)[0]
        failed = [r for r in archive.run_rejects(int(str(run["id"]))) if r["kind"] == "failed"]
    assert run["finished_at"] is None  # killed before its close
    assert failed
    assert all("redirect" in str(r["reason"]) for r in failed)


def _has_failure(db: Path) -> bool:
    try:
        return bool(failed_rows(db))
    except Exception:  # noqa: BLE001 (the crawl is still creating the archive)
        return False


@pytest.mark.e2e
def test_scrapy_crawl_owns_its_run_like_archiver_crawl(looping: Replica, tmp_path: Path) -> None:
    """``scrapy crawl belarusinfocus``: the lock, the row, the failures, the exit code."""
    db = tmp_path / "a.db"
    command = [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus",
               "-a", f"base_url={looping.base_url}", "-a", f"db={db}",
               "-s", f"ARCHIVER_NOW={FROZEN_NOW}", "-s", "LOG_LEVEL=WARNING"]
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning"}
    with RunLock(db):  # another run holds the archive: refused, nothing written
        refused = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                                 timeout=240, check=False)
    assert refused.returncode == 1, refused.stderr[-2000:]
    assert "ArchiveInUseError" in refused.stderr
    assert not db.exists() or _runs(db) == []
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    (run,) = _runs(db)
    with Archive(db).open(readonly=True) as archive:
        failed = [r for r in archive.run_rejects(int(str(run["id"]))) if r["kind"] == "failed"]
        articles = archive.db.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert (run["mode"], run["finish_reason"], run["exit_code"]) == ("full", "finished", 1)
    assert run["failures"] == len(failed) > 0
    assert run["items_new"] == articles > 0
    assert run["health"]
    with RunLock(db):  # released when the crawl ended
        pass


def _runs(db: Path) -> list[dict[str, object]]:
    with Archive(db).open(readonly=True) as archive:
        return archive.runs()
