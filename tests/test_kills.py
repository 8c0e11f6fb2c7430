"""Nothing lost: 20 SIGKILLs at seeded random moments of a crawl, each followed by a resume.

Kills are aimed at interpreter start-up, schema creation, the start of a run, mid-crawl (items
being written) and near the end; after a last run to completion the archive must be sound, free of
duplicates and orphans, equal to the replica's ground truth, and no article fetched more than a
few times.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from archiver.lock import read_holder
from archiver.replica import ReplicaServer, ReplicaSite
from archiver.store import SCHEMA_VERSION, Archive
from tests.conftest import ARTICLE_FIELDS, FROZEN_NOW, Replica, run_cli
from tests.crawl_helpers import SLOW, Crawl, article_count, article_paths, start_crawl, wait_for

pytestmark = pytest.mark.e2e

SEED = 20261128
KILLS = 20
MIN_HITS = 15
"""Kills that must find the crawl still running (the others came too late)."""
NEAR_END = 25
"""A kill with at most this many articles left to commit is "near the end"."""
FROM_PROCESS_START = ("start-up", "run start")
"""The kill aims timed from the start of the process: their crawls start a new interpreter (the
others fork from a warm one, tests/warm.py)."""
MAX_FETCHES = 4
"""How often one article page may be fetched over all the runs."""
LOST_PER_KILL = 10
"""Article fetches one kill may waste: the open batch (< ARCHIVER_BATCH_SIZE=5), the requests in
flight (CONCURRENT_REQUESTS=2) and the responses waiting for the pipeline."""


@dataclass(frozen=True)
class KillMoment:
    """When to kill one run.

    aim ``start-up`` / ``run start``: ``delay`` seconds after the process started. ``mid-crawl``:
    ``delay`` seconds after the run's first batch of articles is committed (an event, not a time
    after start, so that a slow start-up on a loaded machine does not move it). ``schema``: ``delay``
    seconds after the process took the run lock. ``near end``: once at
    most ``left`` articles are left to commit and the run has committed a batch (at ``delay``
    seconds after start when that few were left before the run began), then ``delay`` later.
    """

    aim: str
    delay: float
    left: int = 0


def kill_schedule(rng: random.Random) -> list[KillMoment]:
    """The 20 kill moments: schema creation can only be hit before it first completes, so
    start-up and schema kills come first, then start-up/run-start/mid-crawl kills in random
    order, then the kills near the end."""
    first = [KillMoment("start-up", rng.uniform(0.05, 0.4)) for _ in range(3)]
    first += [KillMoment("schema", rng.uniform(0.0, 0.015)) for _ in range(3)]
    rng.shuffle(first)
    middle = [KillMoment("start-up", rng.uniform(0.05, 0.6)) for _ in range(1)]
    middle += [KillMoment("run start", rng.uniform(1.1, 1.5)) for _ in range(2)]
    middle += [KillMoment("mid-crawl", rng.uniform(0.0, 1.0)) for _ in range(7)]
    rng.shuffle(middle)
    end = [KillMoment("near end", rng.uniform(0.0, 0.3), left) for left in (20, 10, 5, 0)]
    return first + middle + end


@dataclass
class Snapshot:
    """What a run can change in the archive, read between runs."""

    exists: bool
    size: int
    version: int
    runs: int
    articles: int


def snapshot(db: Path) -> Snapshot:
    """The archive's state (between runs: nothing writes it)."""
    if not db.exists():
        return Snapshot(False, 0, 0, 0, 0)
    wal = db.with_name(db.name + "-wal")
    size = db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    # not mode=ro: a kill during the file's first write leaves a hot journal that only a
    # connection that may write rolls back (as the next run does first)
    conn = sqlite3.connect(db, timeout=5)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version < SCHEMA_VERSION:
            return Snapshot(True, size, version, 0, 0)
        runs = int(conn.execute("SELECT count(*) FROM crawl_runs").fetchone()[0])
        articles = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        return Snapshot(True, size, version, runs, articles)
    finally:
        conn.close()


def landed(before: Snapshot, after: Snapshot, total: int) -> str:
    """The phase a kill landed in, from the archive before and after the killed run."""
    if after.version < SCHEMA_VERSION:
        return "schema" if (after.exists, after.size) != (before.exists, before.size) else "start-up"
    if after.runs == before.runs:
        return "schema" if before.version < SCHEMA_VERSION else "start-up"
    if after.articles == before.articles and before.articles < total:
        return "run start"
    return "near end" if total - after.articles <= NEAR_END else "mid-crawl"


def holder_pid(db: Path) -> int | None:
    """The pid recorded in the archive's run lock file (None when there is none)."""
    holder = read_holder(db)
    return holder.pid if holder is not None else None


def wait_moment(crawl: Crawl, moment: KillMoment, db: Path, total: int) -> None:
    """Return at ``moment`` of ``crawl`` (or as soon as it has exited)."""
    started = time.monotonic()
    if moment.aim == "schema":  # the crawl opens (and migrates) the archive right after locking it
        wait_for(lambda: holder_pid(db) == crawl.pid or crawl.poll() is not None, 30, 0.001)
        time.sleep(moment.delay)
    elif moment.aim == "mid-crawl":
        at_start = article_count(db)
        wait_for(lambda: article_count(db) > at_start or crawl.poll() is not None, 180, 0.01)
        time.sleep(moment.delay)
    elif moment.aim == "near end":
        at_start = article_count(db)
        if total - at_start <= moment.left:
            wait_for(lambda: time.monotonic() - started >= 1.2 or crawl.poll() is not None, 30, 0.005)
        else:
            wait_for(
                lambda: (at_start < (n := article_count(db)) and total - n <= moment.left)
                or crawl.poll() is not None,
                timeout=180, interval=0.01,
            )
        time.sleep(moment.delay)
    else:
        time.sleep(max(0.0, started + moment.delay - time.monotonic()))


@pytest.fixture(scope="module")
def replica_300() -> Iterator[Replica]:
    site = ReplicaSite(300, seed=23)
    with ReplicaServer(site) as server:
        yield Replica(site, server)


def test_twenty_sigkills_then_resume_lose_nothing(replica_300: Replica, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    truth = replica_300.truth()
    total = len(truth)
    server = replica_300.server
    server.clear_log()
    phases: Counter[str] = Counter()
    aimed: list[tuple[str, str]] = []
    rng = random.Random(SEED)  # noqa: S311 (seeded kill moments, not secrets)
    started = time.monotonic()
    for moment in kill_schedule(rng):
        before = snapshot(db)
        # aimed at a time after the process started: a new interpreter, as a user's crawl starts
        crawl = start_crawl(replica_300.base_url, db, *SLOW, fresh=moment.aim in FROM_PROCESS_START)
        try:
            wait_moment(crawl, moment, db, total)
        finally:
            crawl.send_signal(signal.SIGKILL)
            _out, err = crawl.communicate(timeout=30)
        # the run may end by itself at any moment up to the kill (even after wait_moment looked)
        if crawl.returncode != -signal.SIGKILL:
            assert crawl.returncode == 0, err[-3000:]
            phase = "missed"
        else:
            phase = landed(before, snapshot(db), total)
        phases[phase] += 1
        aimed.append((moment.aim, phase))
    kill_seconds = time.monotonic() - started

    with Archive(db).open(readonly=True) as archive:
        committed = archive.known_urls()
    logged = len(server.request_log)
    result = run_cli("crawl", "--base-url", replica_300.base_url, "--db", str(db),
                     "-s", f"ARCHIVER_NOW={FROZEN_NOW}")
    assert result.returncode == 0, result.stderr[-3000:]
    print(f"kills (aim, landed): {aimed}")
    print(f"kills by phase {dict(phases)}; {kill_seconds:.1f} s of kills; "
          f"{len(committed)}/{total} committed before the last run")

    # every kill but a few found the crawl running, and kills landed in each phase
    assert sum(phases.values()) == KILLS
    assert KILLS - phases["missed"] >= MIN_HITS, phases
    assert phases["start-up"] >= 1, phases
    assert phases["mid-crawl"] >= 1, phases
    assert phases["near end"] >= 1, phases

    # requests: the last run fetched nothing committed; no article was fetched often
    final = set(article_paths(server.request_log[logged:], replica_300))
    assert final.isdisjoint({url.removeprefix(replica_300.base_url) for url in committed})
    fetches = Counter(article_paths(list(server.request_log), replica_300))
    assert set(fetches) == {url.removeprefix(replica_300.base_url) for url in truth}
    assert max(fetches.values()) <= MAX_FETCHES, fetches.most_common(5)
    assert fetches.total() <= total + LOST_PER_KILL * (KILLS - phases["missed"])
    print(f"article fetches {fetches.total()} for {total} articles, at most "
          f"{max(fetches.values())} of one; the last run fetched {len(final)}")

    with Archive(db).open() as archive:
        assert archive.integrity_check() == ["ok"]
        conn = archive.db.conn
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = {
            "related_links": "SELECT count(*) FROM related_links WHERE source_id NOT IN "
            "(SELECT id FROM articles)",
            "article_revisions": "SELECT count(*) FROM article_revisions WHERE article_id NOT IN "
            "(SELECT id FROM articles)",
            "articles.page_id": "SELECT count(*) FROM articles WHERE page_id IS NULL "
            "OR page_id NOT IN (SELECT id FROM pages)",
            "rejects": "SELECT count(*) FROM rejects WHERE page_id NOT IN (SELECT id FROM pages) "
            "OR run_id NOT IN (SELECT id FROM crawl_runs)",
        }
        found = {name: conn.execute(sql).fetchone()[0] for name, sql in orphans.items()}
        assert found == dict.fromkeys(orphans, 0)
        duplicates = conn.execute(
            "SELECT (SELECT count(*) - count(DISTINCT url) FROM articles), "
            "(SELECT count(*) FROM (SELECT url FROM pages GROUP BY url, sha256 HAVING count(*) > 1)), "
            "(SELECT count(*) FROM (SELECT source_id, target_url, kind FROM related_links "
            "GROUP BY source_id, target_url, kind HAVING count(*) > 1))"
        ).fetchone()
        assert tuple(duplicates) == (0, 0, 0)
        rows = list(archive.db.query("SELECT * FROM articles"))
        rejects = conn.execute("SELECT count(*) FROM rejects").fetchone()[0]
        revisions = conn.execute("SELECT count(*) FROM article_revisions").fetchone()[0]
        runs = archive.runs(limit=100)
    assert (rejects, revisions) == (0, 0)
    assert {row["url"] for row in rows} == set(truth)
    for row in rows:
        assert {f: row[f] for f in ARTICLE_FIELDS} == {f: truth[row["url"]][f] for f in ARTICLE_FIELDS}
    modes = [run["mode"] for run in reversed(runs)]
    # the chain of killed runs ends with the first finished one (the last run, or a run that
    # finished just before its kill landed: the process was still exiting); any run after it is
    # an incremental one that finds nothing to do
    chain = list(reversed(runs))
    done = next(i for i, run in enumerate(chain) if run["finish_reason"] == "finished")
    assert modes[: done + 1] == ["full"] + ["resume"] * done
    assert set(modes[done + 1:]) <= {"incremental"}
    assert len(modes) - done <= 2
    assert runs[0]["exit_code"] == 0
    assert runs[0]["finish_reason"] == "finished"
    assert all(run["finished_at"] is None for run in chain[:done])
