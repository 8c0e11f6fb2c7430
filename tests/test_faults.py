"""The crawler against a failing server: each fault mode of the replica alone, then all together.

Afterwards every article is either archived and equal to the ground truth or listed as failed in
the run's rejects; a second run with the faults off completes the archive exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archiver.pages.belarusinfocus import is_article_url
from archiver.replica import ReplicaServer, ReplicaSite
from archiver.replica.faults import FaultSpec
from archiver.store import Archive
from tests.conftest import ARTICLE_FIELDS, FROZEN_NOW, Replica, run_cli
from tests.crawl_helpers import recorded_waits, run_cli_recording_waits

pytestmark = pytest.mark.e2e

FAST_FAULTS = "seed=5,burst=2,hang_seconds=3,retry_after=1,drip_seconds=0.5"
"""Fault options that keep each crawl short: a hang outlasts the 1.5 s download timeout."""
CRAWL_SETTINGS = ("-s", f"ARCHIVER_NOW={FROZEN_NOW}", "-s", "DOWNLOAD_TIMEOUT=1.5")

RECOVERED = ("500", "502", "503", "429", "hang", "reset", "truncate", "empty")
"""Transient faults: a burst of 2 bad answers, and RETRY_TIMES = 3 outlasts it."""
TRANSPARENT = ("drip", "redirect", "cp1251", "cp1251-noheader", "malformed")
"""Faults that change how a page arrives but not what it says."""
LOST_FOR_NOW = ("loop", "huge", "binary")
"""Faults that stop a page from being archived while they last."""


@pytest.fixture(scope="module")
def replica_30() -> Iterator[Replica]:
    site = ReplicaSite(30, seed=21)
    with ReplicaServer(site) as server:
        yield Replica(site, server)


def crawl(replica: Replica, db: Path, *extra: str) -> tuple[int, str]:
    result = run_cli("crawl", "--base-url", replica.base_url, "--db", str(db), *CRAWL_SETTINGS, *extra)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result.returncode, result.stdout + result.stderr


def archived(db: Path) -> dict[str, dict[str, Any]]:
    with Archive(db).open(readonly=True) as archive:
        assert archive.integrity_check() == ["ok"]
        rows = list(archive.db.query("SELECT * FROM articles"))
    assert len(rows) == len({row["url"] for row in rows}), "duplicate articles"
    return {row["url"]: row for row in rows}


def last_run_problems(db: Path) -> dict[str, dict[str, Any]]:
    with Archive(db).open(readonly=True) as archive:
        run = archive.runs(limit=1)[0]
        return {row["url"]: row for row in archive.run_rejects(int(run["id"]))}


def wrong_fields(rows: dict[str, dict[str, Any]], truth: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (url, field)
        for url, row in rows.items()
        for field in ARTICLE_FIELDS
        if row[field] != truth[url][field]
    ]


def faulted_urls(replica: Replica, modes: tuple[str, ...]) -> set[str]:
    return {replica.base_url + path for path, mode in replica.server.fault_log if mode in modes}


def crawl_with_faults(replica: Replica, spec: str, db: Path) -> tuple[int, str]:
    """A crawl of ``replica`` into ``db`` with the faults of ``spec`` on (and off afterwards)."""
    replica.server.faults = FaultSpec.parse(spec)
    replica.server.clear_log()
    try:
        return crawl(replica, db)
    finally:
        replica.server.faults = None


@pytest.mark.parametrize("mode", RECOVERED + TRANSPARENT)
def test_a_recoverable_fault_alone_loses_nothing(replica_30: Replica, tmp_path: Path, mode: str) -> None:
    code, output = crawl_with_faults(replica_30, f"{FAST_FAULTS},{mode}=0.3", tmp_path / "archive.db")
    hit = faulted_urls(replica_30, (mode,))
    assert hit, f"the {mode} fault never fired"
    truth = replica_30.truth()
    rows = archived(tmp_path / "archive.db")
    assert code == 0, output[-3000:]
    assert set(rows) == set(truth)
    assert wrong_fields(rows, truth) == []


def test_retry_after_is_honoured(replica_30: Replica, tmp_path: Path) -> None:
    db, waits = tmp_path / "archive.db", tmp_path / "waits.txt"
    replica_30.server.faults = FaultSpec.parse("seed=5,burst=1,retry_after=2,429=/*")
    replica_30.server.clear_log()
    try:
        result = run_cli_recording_waits(
            waits, "crawl", "--base-url", replica_30.base_url, "--db", str(db), *CRAWL_SETTINGS
        )
    finally:
        replica_30.server.faults = None
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(archived(db)) == len(replica_30.truth())
    limited = [path for path, mode in replica_30.server.fault_log if mode == "429"]
    assert len(limited) >= len(replica_30.site.articles)  # every article answered 429 once
    # each 429 was retried after the 2 s its Retry-After asked for (the injected sleep's record)
    assert recorded_waits(waits) == [2.0] * len(limited)


def truth_url(url: str, truth: dict[str, Any]) -> str:
    """The truth's URL of the article that ``url`` (any URL it answers at) belongs to."""
    for canonical, record in truth.items():
        if url == canonical or url in record.get("urls", ()) or url in record.get("redirects", ()):
            return canonical
    return url


@pytest.mark.parametrize("mode", LOST_FOR_NOW)
def test_a_lasting_fault_is_listed_then_healed_by_the_next_run(
    replica_30: Replica, tmp_path: Path, mode: str
) -> None:
    db = tmp_path / "archive.db"
    code, output = crawl_with_faults(replica_30, f"{FAST_FAULTS},{mode}=0.2", db)
    truth = replica_30.truth()
    hit = faulted_urls(replica_30, (mode,))
    assert hit, f"the {mode} fault never fired"
    rows = archived(db)
    problems = last_run_problems(db)
    assert code == 1, output[-3000:]
    # a failed Drupal page's article may be archived from its re-published copy (under the copy's
    # URL, with its week and no timestamp yet): the next run retries the page and completes it.
    # A failed page may also be a re-published copy whose article the Drupal page archived: each
    # problem, like each row, is a URL of one article of the truth
    assert {truth_url(url, truth) for url in (*rows, *problems)} == set(truth)
    # the fault strikes every URL of a struck article (its re-published copy too), and the
    # fault log names one: problems and faults are compared article by article
    assert hit <= set(problems)
    assert {truth_url(url, truth) for url in problems} == {truth_url(url, truth) for url in hit}
    assert all(problem["reason"] for problem in problems.values())
    failed = {truth_url(url, truth) for url in problems}  # (a failed copy: no week yet)
    assert wrong_fields({u: r for u, r in rows.items() if u in truth and u not in failed}, truth) == []
    for url in problems:
        assert url in output  # the run's summary lists it

    code, output = crawl(replica_30, db)
    assert code == 0, output[-3000:]
    rows = archived(db)
    assert set(rows) == set(truth)
    assert wrong_fields(rows, truth) == []


def test_aliases_collapse_to_one_row_and_one_fetch(replica_30: Replica, tmp_path: Path) -> None:
    code, output = crawl_with_faults(replica_30, "seed=5,aliases=0.6", tmp_path / "archive.db")
    assert code == 0, output[-3000:]
    truth = replica_30.truth()
    rows = archived(tmp_path / "archive.db")
    assert set(rows) == set(truth)
    article_paths = {url.removeprefix(replica_30.base_url) for url in truth}
    fetched = Counter(
        path.split("?")[0].rstrip("/") for path in replica_30.server.request_log
        if path.split("?")[0].rstrip("/") in article_paths
    )
    assert max(fetched.values()) == 1


def test_offsite_links_and_robots_disallowed_paths_are_never_fetched(
    replica_30: Replica, tmp_path: Path
) -> None:
    code, output = crawl_with_faults(replica_30, "seed=5,offsite=1,robots=1", tmp_path / "archive.db")
    assert code == 0, output[-3000:]
    assert len(archived(tmp_path / "archive.db")) == len(replica_30.truth())
    log = list(replica_30.server.request_log)
    assert not [path for path in log if path.startswith(("/offsite-bait/", "/private/"))]
    # the bait looks like an article: robots.txt and the site scope are what kept the crawler out
    hidden = replica_30.base_url + "/private/" + replica_30.site.articles[0].path.rsplit("/", 1)[-1]
    own = replica_30.base_url.removeprefix("http://")
    assert is_article_url(hidden, own)
    assert "robots" in {mode for _path, mode in replica_30.server.fault_log}
    assert set(replica_30.server.host_log) == {own}


def test_all_faults_together_over_300_articles(tmp_path: Path) -> None:
    site = ReplicaSite(300, seed=23)
    db = tmp_path / "archive.db"
    with ReplicaServer(site, faults=FaultSpec.parse(f"realistic,{FAST_FAULTS}")) as server:
        replica = Replica(site, server)
        code, output = crawl(replica, db)
        modes = Counter(mode for _path, mode in server.fault_log)
        truth = replica.truth()
        rows = archived(db)
        problems = last_run_problems(db)
        assert len(modes) >= 12, modes
        assert code == 1, output[-3000:]
        # a failed page's article may be archived from its re-published copy (under the copy's
        # URL) until the retry, and a failed copy leaves its article without its week
        assert {truth_url(url, truth) for url in (*rows, *problems)} == set(truth)
        failed = {truth_url(url, truth) for url in problems}
        assert wrong_fields({u: r for u, r in rows.items() if u in truth and u not in failed}, truth) == []
        assert problems, "realistic rates make some pages fail"

        server.faults = None
        code, output = crawl(replica, db)
        assert code == 0, output[-3000:]
        rows = archived(db)
        assert set(rows) == set(truth)
        assert wrong_fields(rows, truth) == []
