"""End to end, both eras on both hosts (issue 14): crawl a replica's two listeners (the .info and
the .pro stand-ins) and compare the archive with the ground truth, field by field."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archiver.normalise import canonical_url
from archiver.pages.site import canonical_article_url
from archiver.replica import ReplicaServer, ReplicaSite
from archiver.store import Archive
from tests.conftest import FROZEN_NOW, run_cli

pytestmark = pytest.mark.e2e

LATER = "2026-11-28T13:00:00Z"
FIELDS = (
    "title", "lang", "category", "trend", "trend_status", "period_start", "period_end",
    "published_at", "author", "image_credit", "lead", "body", "word_count",
)
"""The fields of ``articles`` compared with the truth's."""
UNKNOWN_SHARE = 0.2


def table(db_path: Path, name: str) -> list[dict[str, Any]]:
    with Archive(db_path).open(readonly=True) as archive:
        return list(archive.db[name].rows)


@pytest.fixture(scope="module")
def server() -> Iterator[ReplicaServer]:
    """A 150-article replica, both eras, with /by/ twins and a share of unknown markup."""
    site = ReplicaSite(150, seed=11, unknown_markup_share=UNKNOWN_SHARE)
    with ReplicaServer(site) as running:
        yield running


@pytest.fixture(scope="module")
def truth(server: ReplicaServer) -> dict[str, dict[str, Any]]:
    return {rec["url"]: rec for rec in server.site.ground_truth(server.base_url)}


@pytest.fixture(scope="module")
def crawled(server: ReplicaServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("weekly-e2e") / "archive.db"
    result = run_cli(
        "crawl", "--base-url", server.base_url, "--base-url", server.pro_base_url,
        "--db", str(db), "-s", f"ARCHIVER_NOW={FROZEN_NOW}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return db


def republished_in_unknown_markup(server: ReplicaServer) -> set[str]:
    """Truth URLs of Drupal-era articles whose re-published weekly page is in the unknown markup:
    the text fallbacks must read their Drupal credit line (``Source — AP``, ``© BelTA``) as the
    credit, not the lead, for the copy to be the same text (checked on its own below)."""
    return {
        server.base_url + a.path for a in server.site.articles
        if a.unknown and a.era == "drupal" and a.weekly_path
    }


def test_the_replica_has_both_eras_twins_and_unknown_markup(
    server: ReplicaServer, truth: dict[str, dict[str, Any]]
) -> None:
    """The premise: what this module crawls holds every case it checks."""
    site = server.site
    assert site.drupal_articles
    assert site.weekly_articles
    assert any(rec["lang"] == "ru" for rec in truth.values())
    assert any(rec["published_at"] and rec["period_start"] for rec in truth.values())
    assert any(a.unknown for a in site.articles)
    assert any(server.pro_base_url in url for rec in truth.values() for url in rec["urls"])


def test_every_article_once_with_every_field_equal(
    server: ReplicaServer, crawled: Path, truth: dict[str, dict[str, Any]]
) -> None:
    rows = table(crawled, "articles")
    assert Counter(r["url"] for r in rows).most_common(1)[0][1] == 1
    by_url = {row["url"]: row for row in rows}
    assert set(truth) <= set(by_url)
    copies = republished_in_unknown_markup(server)
    titles = {(by_url[u]["title"], by_url[u]["lang"]) for u in copies}
    kept = [r for r in rows if (r["title"], r["lang"]) not in titles]
    expected = Counter((rec["title"], rec["lang"]) for url, rec in truth.items() if url not in copies)
    assert Counter((r["title"], r["lang"]) for r in kept) == expected  # no title twice
    assert len(kept) == len(truth) - len(copies)
    mismatches = [
        (url, name, by_url[url][name], rec[name])
        for url, rec in truth.items()
        for name in FIELDS
        if url not in copies and by_url[url][name] != rec[name]
    ]
    assert mismatches == []


def test_republished_pages_in_unknown_markup_are_one_row(
    server: ReplicaServer, crawled: Path, truth: dict[str, dict[str, Any]]
) -> None:
    copies = republished_in_unknown_markup(server)
    rows = table(crawled, "articles")
    assert copies
    assert len(rows) == len(truth)
    by_url = {row["url"]: row for row in rows}
    assert all(by_url[u]["period_start"] == truth[u]["period_start"] for u in copies)
    assert [(u, name) for u in sorted(copies) for name in FIELDS if by_url[u][name] != truth[u][name]] == []


def test_republished_pairs_are_one_row_with_timestamp_and_week(
    server: ReplicaServer, crawled: Path, truth: dict[str, dict[str, Any]]
) -> None:
    copies = republished_in_unknown_markup(server)
    pairs = [url for url, rec in truth.items()
             if rec["published_at"] and rec["period_start"] and url not in copies]
    assert pairs
    rows = {row["url"]: row for row in table(crawled, "articles")}
    for url in pairs:
        assert rows[url]["published_at"] == truth[url]["published_at"]
        assert rows[url]["period_start"] == truth[url]["period_start"]


def test_translations_are_linked_both_ways(crawled: Path, truth: dict[str, dict[str, Any]]) -> None:
    ids = {row["id"]: row["url"] for row in table(crawled, "articles")}
    stored = {
        (ids[link["source_id"]], link["target_url"])
        for link in table(crawled, "related_links") if link["kind"] == "translation"
    }
    expected = {
        (url, rel["target_url"])
        for url, rec in truth.items() for rel in rec["related"] if rel["kind"] == "translation"
    }
    assert expected
    assert stored == expected
    assert all((b, a) in stored for a, b in stored)


def test_every_url_met_is_recorded_with_its_article(
    server: ReplicaServer, crawled: Path, truth: dict[str, dict[str, Any]]
) -> None:
    """Every URL the crawl recorded names its own article, and the .pro spelling of every
    weekly page (each listed by the .pro sitemap) is among them."""
    ids = {row["id"]: row["url"] for row in table(crawled, "articles")}
    recorded: dict[str, set[str]] = {}
    for row in table(crawled, "article_urls"):
        recorded.setdefault(ids[row["article_id"]], set()).add(row["url"])
    hosts = server.base_urls
    copies = republished_in_unknown_markup(server)
    for url, rec in truth.items():
        if url in copies:
            continue
        aliases = {canonical_url(u) for u in (url, *rec["urls"], *rec["redirects"])}
        mine = recorded.get(url, set())
        stray = {u for u in mine if u not in aliases and canonical_article_url(u, hosts) != url}
        assert stray == set(), url
        pro = {canonical_url(u) for u in rec["urls"] if u.startswith(server.pro_base_url)}
        if pro:
            assert mine & pro, url


def test_unknown_markup_read_right_and_reported(
    server: ReplicaServer, crawled: Path, truth: dict[str, dict[str, Any]]
) -> None:
    """Pages in a markup the page object has never seen: fields right (above, they are in the
    truth), and `archiver check` names their template as unknown."""
    unknown = [a for a in server.site.articles if a.unknown]
    assert unknown
    rows = {row["url"]: row for row in table(crawled, "articles")}
    for article in unknown:
        url = server.base_url + article.path
        if url in truth:
            assert rows[url]["title"] == truth[url]["title"]
            assert rows[url]["body"] == truth[url]["body"]
    assert any(row["template"] != "wp-weekly-2022" for url, row in rows.items()
               if url in {server.base_url + a.path for a in unknown})
    result = run_cli("check", "--db", str(crawled))
    assert "unknown" in (result.stdout + result.stderr).lower(), result.stdout + result.stderr


def test_second_run_changes_nothing_and_stays_cheap(
    server: ReplicaServer, crawled: Path
) -> None:
    before = {name: table(crawled, name) for name in ("articles", "article_revisions")}
    server.clear_log()
    result = run_cli(
        "crawl", "--base-url", server.base_url, "--base-url", server.pro_base_url,
        "--db", str(crawled), "-s", f"ARCHIVER_NOW={LATER}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run = table(crawled, "crawl_runs")[-1]
    assert run["mode"] == "incremental"
    assert (run["items_new"], run["items_updated"]) == (0, 0)
    after = {name: table(crawled, name) for name in ("articles", "article_revisions")}
    assert after["article_revisions"] == before["article_revisions"] == []

    def without_seen(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k not in ("last_seen_at",)} for r in rows]

    assert without_seen(after["articles"]) == without_seen(before["articles"])
    articles = {a.path for a in server.site.articles}
    fetched = [p for p in server.request_log if p.split("?")[0].rstrip("/") in articles]
    assert len(fetched) <= 10, fetched
    assert len(server.request_log) < len(before["articles"]) / 2, len(server.request_log)
