"""Extraction health: the tally of field sources per run, and the check that alarms on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest

from archiver.health import DEFAULT_THRESHOLD, REQUIRED, RunHealth, describe, problems
from archiver.replica import ReplicaServer, ReplicaSite
from archiver.store import Archive
from tests.conftest import FROZEN_NOW, Replica, run_cli

SITE = {"title": "selector", "published": "selector", "body_html": "selector", "lead_html": "selector"}
FALLBACK = {"title": "markup", "published": "jsonld", "body_html": "generic"}


def tally(site_pages: int, fallback_pages: int, template: str = "unknown") -> RunHealth:
    health = RunHealth()
    for _ in range(site_pages):
        health.add("drupal-2016", SITE)
    for _ in range(fallback_pages):
        health.add(template, FALLBACK)
    return health


def test_shares_by_source() -> None:
    health = tally(9, 1)
    assert health.pages == 10
    assert health.share("title") == pytest.approx(0.9)
    assert health.share("body", "generic") == pytest.approx(0.1)
    assert health.share("image_credit", "missing") == pytest.approx(1.0)
    assert health.templates == {"drupal-2016": 9, "unknown": 1}


def test_round_trip_through_json() -> None:
    health = tally(3, 2)
    again = RunHealth.from_json(health.to_json())
    assert again == health
    assert RunHealth.from_json(None).pages == 0
    assert RunHealth.from_json("not json").pages == 0
    assert RunHealth.from_json("[1, 2]").pages == 0


def test_ninety_percent_passes_and_less_fails_naming_field_and_template() -> None:
    assert problems(tally(90, 10)) == []
    found = problems(tally(89, 11, template="unknown"))
    assert [line.split(":")[0] for line in found] == list(REQUIRED)
    assert all("89%" in line and "unknown (11 pages)" in line for line in found)


def test_only_the_failing_field_is_named() -> None:
    health = RunHealth()
    for _ in range(10):
        health.add("drupal-2016", {**SITE, "body_html": "generic"})
    found = problems(health)
    assert len(found) == 1
    assert found[0].startswith("body: 0% from the site's selectors in 10 pages")
    assert "drupal-2016 (10 pages)" in found[0]


def test_no_pages_no_alarm_and_a_bad_threshold_is_an_error() -> None:
    assert problems(RunHealth()) == []
    assert problems(tally(5, 5), threshold=0.5) == []
    with pytest.raises(ValueError, match="threshold"):
        problems(tally(1, 0), threshold=1.5)
    assert DEFAULT_THRESHOLD == 0.9


def test_describe_has_a_line_per_field() -> None:
    lines = describe(tally(1, 1))
    assert lines[0] == (
        "title (required): 50% site selectors, 50% fallbacks, 0% missing [selector 1, markup 1]"
    )
    credit = "image_credit: 0% site selectors, 0% fallbacks, 100% missing"
    assert any(line.startswith(credit) for line in lines)


# --- crawls of the replica: the original template, and a redesign the archiver does not know ---
FIELDS_RECOVERED = ("title", "published_at", "period_start", "period_end", "period_raw", "category",
                    "trend", "trend_status", "author", "image_credit", "image_caption", "lead", "body")
"""Fields the text fallbacks must still get right on the unknown weekly markup (CONTRACT.md:
the same text patterns in the same order, no class names)."""


@pytest.fixture(scope="module")
def redesigned() -> Iterator[Replica]:
    """100 articles; the weekly pages of those published after the median in a markup that no
    template knows (docs/replica.md, "The unknown markup"; Drupal pages never are)."""
    plain = ReplicaSite(100, seed=41)
    median = sorted(a.published for a in plain.articles)[50]
    site = ReplicaSite(100, seed=41, redesign_from=median)
    with ReplicaServer(site) as server:
        yield Replica(site, server)


def crawl_and_check(
    replica: Replica, db: Path, *settings: str
) -> tuple[CompletedProcess[str], dict[str, Any]]:
    crawl = run_cli("crawl", "--base-url", replica.base_url, "--db", str(db),
                    "-s", f"ARCHIVER_NOW={FROZEN_NOW}", *settings)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    with Archive(db).open(readonly=True) as archive:
        rows = {row["url"]: row for row in archive.db.query("SELECT * FROM articles")}
    return run_cli("check", "--db", str(db)), rows


def right_share(rows: dict[str, dict[str, Any]], truth: dict[str, dict[str, Any]], name: str) -> float:
    return sum(1 for url, rec in truth.items() if url in rows and rows[url][name] == rec[name]) / len(truth)


def unknown_truth(replica: Replica) -> dict[str, dict[str, Any]]:
    """The ground truth of the weekly-era articles whose one page is served in the unknown markup
    (a re-published Drupal-era article has its Drupal page too)."""
    paths = {a.path for a in replica.site.articles if a.unknown and a.era == "weekly"}
    return {url: rec for url, rec in replica.truth().items()
            if url.removeprefix(replica.base_url) in paths}


@pytest.mark.e2e
def test_the_original_template_passes_the_check(replica_200: Replica, tmp_path: Path) -> None:
    check, rows = crawl_and_check(replica_200, tmp_path / "archive.db")
    assert check.returncode == 0, check.stdout
    assert "check: ok" in check.stdout
    assert {row["template"] for row in rows.values()} == {"drupal-2016", "wp-weekly-2022"}


@pytest.mark.e2e
def test_an_unknown_redesign_is_archived_by_the_fallbacks_and_fails_the_check(
    redesigned: Replica, tmp_path: Path
) -> None:
    truth = unknown_truth(redesigned)
    unknown = sum(1 for a in redesigned.site.articles if a.unknown)
    assert 20 <= len(truth) <= unknown <= 50  # the weekly pages of the articles after the median
    check, rows = crawl_and_check(redesigned, tmp_path / "archive.db")
    assert set(truth) <= set(rows)  # (one record per article at its URL: tests/test_e2e.py)
    assert {rows[url]["template"] for url in truth} == {"unknown"}
    shares = {name: right_share(rows, truth, name) for name in FIELDS_RECOVERED}
    assert min(shares.values()) >= 0.95, shares
    assert check.returncode == 1, check.stdout
    failing = [line for line in check.stdout.splitlines() if line.startswith("FAIL ")]
    assert {line.split(":")[0] for line in failing} == {"FAIL title", "FAIL date", "FAIL body"}
    assert all(f"template unknown ({unknown} pages)" in line for line in failing), failing
    assert {row["template"] for row in rows.values()} == {"drupal-2016", "wp-weekly-2022", "unknown"}
    stats = run_cli("stats", "--db", str(tmp_path / "archive.db"))
    assert "ALERT body:" in stats.stdout
