"""Keeping it current: idle runs, new and edited articles, 304s, failed pages retried."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from archiver.replica import ReplicaServer, ReplicaSite
from archiver.store import Archive
from tests.conftest import ARTICLE_FIELDS, FROZEN_NOW, Replica, run_cli

pytestmark = pytest.mark.e2e

LATER = "2026-11-28T18:00:00Z"
"""The crawl clock of the runs after the first (the replica's time moves on to it)."""


def crawl(replica: Replica, db: Path, *extra: str, now: str = FROZEN_NOW) -> Any:
    result = run_cli("crawl", "--base-url", replica.base_url, "--db", str(db),
                     "-s", f"ARCHIVER_NOW={now}", *extra)
    assert result.returncode in (0, 1), result.stderr[-3000:]
    return result


def last_run(db: Path) -> dict[str, Any]:
    with Archive(db).open(readonly=True) as archive:
        return dict(archive.runs(limit=1)[0])


def rows(db: Path, table: str) -> list[dict[str, Any]]:
    with Archive(db).open(readonly=True) as archive:
        return list(archive.db[table].rows)


def copy_archive(source: Path, target: Path) -> Path:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


@pytest.fixture(scope="module")
def site_500() -> Iterator[Replica]:
    site = ReplicaSite(500, seed=3)
    with ReplicaServer(site) as server:
        yield Replica(site, server)


@pytest.fixture(scope="module")
def archived_500(site_500: Replica, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 500-article replica, archived by a first (full) crawl."""
    db = tmp_path_factory.mktemp("incremental") / "archive.db"
    result = crawl(site_500, db)
    assert result.returncode == 0, result.stderr[-3000:]
    run = last_run(db)
    assert (run["mode"], run["items_new"]) == ("full", len(site_500.truth()))  # with /by/ twins
    return db


IDLE_REQUESTS = 14
"""What an incremental run of one host costs when nothing changed: robots.txt, the home page,
the feed, /sitemap.xml (301) and /wp-sitemap.xml with its two sitemaps, the trends index and the
first page of each of the 6 trend listings."""


def test_idle_run_fetches_no_article_and_only_the_start_pages(
    site_500: Replica, archived_500: Path, tmp_path: Path
) -> None:
    db = copy_archive(archived_500, tmp_path / "idle.db")
    before = rows(db, "articles")
    site_500.server.clear_log()
    result = crawl(site_500, db, now=LATER)
    assert result.returncode == 0, result.stderr[-3000:]
    requests = list(site_500.server.request_log)
    assert len(requests) <= IDLE_REQUESTS, requests
    pages = {p for a in site_500.site.articles for p in (a.path, a.weekly_path, a.by_path) if p}
    assert [p for p in requests if p.split("?")[0].rstrip("/") in pages] == []
    run = last_run(db)
    assert (run["mode"], run["items_new"], run["items_updated"], run["exit_code"]) == ("incremental", 0, 0, 0)
    assert run["requests"] == len(requests)
    assert rows(db, "articles") == before


def test_full_run_against_a_304_server_parses_nothing(
    site_500: Replica, archived_500: Path, tmp_path: Path
) -> None:
    db = copy_archive(archived_500, tmp_path / "full304.db")
    pages_before = len(rows(db, "pages"))
    result = crawl(site_500, db, "--full", now=LATER)
    assert result.returncode == 0, result.stderr[-3000:]
    run = last_run(db)
    articles = len(rows(db, "articles"))
    first = rows(db, "crawl_runs")[0]
    pages = first["items_new"] + first["items_updated"]  # a re-published article: two pages
    assert (run["mode"], run["responses_304"], run["items_unchanged"]) == ("full", pages, pages)
    assert pages > articles
    stats = run["stats"]
    assert stats.get("archiver/pages_parsed", 0) == 0
    assert (run["items_new"], run["items_updated"]) == (0, 0)
    assert len(rows(db, "pages")) == pages_before
    assert {row["last_seen_at"] for row in rows(db, "articles")} == {LATER}


@pytest.fixture
def small_site() -> Iterator[Replica]:
    site = ReplicaSite(60, seed=5)
    with ReplicaServer(site) as server:
        yield Replica(site, server)


def test_five_new_two_edited_then_exactly_those(small_site: Replica, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    assert crawl(small_site, db).returncode == 0
    before = {row["url"]: row for row in rows(db, "articles")}
    links_before = rows(db, "related_links")

    change = small_site.site.advance(new=5, edited=2, at=datetime(2026, 11, 28, 17, tzinfo=UTC))
    base = small_site.base_url
    new_urls = {base + path for path in change.new}
    edited_urls = {base + path for path in change.edited}
    assert (len(new_urls), len(edited_urls)) == (5, 2)

    small_site.server.clear_log()
    result = crawl(small_site, db, now=LATER)
    assert result.returncode == 0, result.stderr[-3000:]
    run = last_run(db)
    assert (run["mode"], run["items_new"], run["items_updated"]) == ("incremental", 5, 2)
    fetched = set(small_site.server.request_log)
    assert {base + p for p in fetched} >= new_urls | edited_urls
    # the new, the edited, the start pages, and the second page of each trend listing whose
    # first page shows a new article
    assert len(fetched) <= 5 + 2 + IDLE_REQUESTS + 6

    after = {row["url"]: row for row in rows(db, "articles")}
    assert set(after) == set(before) | new_urls
    truth = small_site.truth()
    for url in new_urls | edited_urls:
        assert {f: after[url][f] for f in ARTICLE_FIELDS} == {f: truth[url][f] for f in ARTICLE_FIELDS}
    for url in edited_urls:
        assert (after[url]["revision"], after[url]["updated_at"]) == (2, LATER)
        assert after[url]["body"] != before[url]["body"]
    for url, row in before.items():
        if url not in edited_urls:
            assert after[url] == row, url  # untouched: not even last_seen_at
    revisions = rows(db, "article_revisions")
    assert len(revisions) == 2
    assert {rev["body"] for rev in revisions} == {before[url]["body"] for url in edited_urls}
    assert all(json.loads(rev["related"]) for rev in revisions)
    ids = {row["id"]: url for url, row in after.items()}
    unchanged_links = [link for link in links_before if ids[link["source_id"]] not in edited_urls]
    now_links = rows(db, "related_links")
    assert all(link in now_links for link in unchanged_links)


def test_failed_pages_are_listed_exit_1_and_retried_next_run(small_site: Replica, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    # Drupal-era articles without a re-published copy (a copy would archive the article anyway)
    failing = [a.path for a in small_site.site.articles if a.weekly_path is None][20:23]
    small_site.site.fail(failing, status=503)
    result = crawl(small_site, db, "-s", "RETRY_TIMES=1")
    assert result.returncode == 1
    for path in failing:
        assert f"failed: {small_site.base_url}{path}: HTTP 503" in result.stdout
    run = last_run(db)
    assert (run["failures"], run["exit_code"]) == (3, 1)
    assert run["items_new"] == len(small_site.truth()) - 3
    assert run["responses_5xx"] == 6  # each tried twice
    rejects = rows(db, "rejects")
    assert sorted(r["url"] for r in rejects) == sorted(small_site.base_url + p for p in failing)
    assert {r["kind"] for r in rejects} == {"failed"}

    small_site.site.heal()
    small_site.server.clear_log()
    later = (datetime(2026, 11, 28, 12, tzinfo=UTC) + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    result = crawl(small_site, db, now=later)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert set(failing) <= set(small_site.server.request_log)
    run = last_run(db)
    assert (run["mode"], run["items_new"], run["failures"]) == ("incremental", 3, 0)
    archived = {row["url"] for row in rows(db, "articles")}
    assert archived == set(small_site.truth())
