"""Validation: pages that cannot be articles are rejected with their reason, their raw page kept.

Unit tests of ``reject_reasons`` and ``ValidatePipeline`` for each required field, then a crawl
of a 40-article replica with three defective articles (no date, a short body, no title).
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from archiver.article import MIN_BODY_WORDS, reject_reasons
from archiver.extract import process_page
from archiver.items import ArticleItem, RawPage
from archiver.pipelines import ValidatePipeline
from archiver.replica import ReplicaServer, ReplicaSite
from archiver.store import Archive
from tests.conftest import ARTICLE_FIELDS, FROZEN_NOW, Replica, run_cli

URL = "https://belarusinfocus.info/economy/some-analysis"


def valid_item(**changes: Any) -> ArticleItem:
    """A normalised item that passes validation, with ``changes`` applied."""
    item = ArticleItem(
        url=URL,
        page=RawPage(URL, FROZEN_NOW, 200, {}, b"<html></html>"),
        title="Minsk seeks cheaper gas",
        published_raw="November 07, 2016 10:41",
        published_at="2016-11-07T07:41:00Z",
        published_local="2016-11-07T10:41:00+03:00",
        body=" ".join(["word"] * MIN_BODY_WORDS),
        word_count=MIN_BODY_WORDS,
    )
    return replace(item, **changes)


# --- reject_reasons and ValidatePipeline --------------------------------------------------------
def test_a_complete_item_is_valid() -> None:
    assert reject_reasons(valid_item()) == []


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"url": ""}, "no URL"),
        ({"title": ""}, "no title"),
        ({"published_at": None, "published_raw": None}, "no valid publication date or week"),
        ({"published_at": None, "published_raw": "soon"},
         "no valid publication date or week (shown: date: 'soon')"),
        ({"published_at": None, "published_raw": "soon", "period_raw": "May 15 – May 55"},
         "no valid publication date or week (shown: date: 'soon'; week: 'May 15 – May 55')"),
        ({"word_count": MIN_BODY_WORDS - 1}, f"body too short (19 words, at least {MIN_BODY_WORDS})"),
        ({"word_count": 0, "body": ""}, "body too short (0 words, at least 20)"),
    ],
)
def test_each_required_field_has_its_reason(changes: dict[str, Any], reason: str) -> None:
    assert reject_reasons(valid_item(**changes)) == [reason]


def test_a_week_without_a_date_is_valid() -> None:
    item = valid_item(published_at=None, published_raw=None, published_local=None,
                      period_raw="May 15 – May 21, 2023", period_start="2023-05-15", period_end="2023-05-21")
    assert reject_reasons(item) == []


def test_every_missing_field_is_reported() -> None:
    item = valid_item(url="", title="", published_at=None, published_raw=None, word_count=3)
    assert reject_reasons(item) == [
        "no URL", "no title", "no valid publication date or week", "body too short (3 words, at least 20)",
    ]


def test_validate_pipeline_marks_and_counts() -> None:
    crawler = get_crawler()
    pipeline = ValidatePipeline.from_crawler(crawler)
    good, bad = valid_item(), valid_item(title="")
    assert pipeline.process_item(good) is good
    marked = pipeline.process_item(bad)
    assert isinstance(marked, ArticleItem)
    assert marked.reject_reasons == ["no title"]
    assert bad.reject_reasons == []  # a new record: the frozen input is left as it is
    assert crawler.stats is not None
    assert crawler.stats.get_value("archiver/valid") == 1
    assert crawler.stats.get_value("archiver/rejected") == 1


def test_validate_pipeline_keeps_an_earlier_reason() -> None:
    pipeline = ValidatePipeline.from_crawler(get_crawler())
    item = valid_item(reject_reasons=["not a text page ('image/jpeg')"])
    pipeline.process_item(item)
    assert item.reject_reasons == ["not a text page ('image/jpeg')"]


# --- a crawl of a replica with defective articles ----------------------------------------------
@pytest.fixture(scope="module")
def defective() -> Iterator[Replica]:
    """A 40-article replica with 3 defective articles, served on 127.0.0.1."""
    site = ReplicaSite(40, seed=5, defects=3)
    with ReplicaServer(site) as server:
        yield Replica(site, server)


@pytest.fixture(scope="module")
def crawl(
    defective: Replica, tmp_path_factory: pytest.TempPathFactory
) -> tuple[subprocess.CompletedProcess[str], Path]:
    db = tmp_path_factory.mktemp("validation") / "archive.db"
    result = run_cli(
        "crawl", "--base-url", defective.base_url, "--db", str(db), "-s", f"ARCHIVER_NOW={FROZEN_NOW}",
    )
    return result, db


def rows(db: Path, sql: str) -> list[dict[str, Any]]:
    with Archive(db).open(readonly=True) as archive:
        return list(archive.db.query(sql))


def served(replica: Replica, url: str) -> bytes:
    status, _, body = replica.site.render(url.removeprefix(replica.base_url), replica.base_url)
    assert status == 200
    return body


def test_defective_pages_give_their_reasons_through_the_page_path(defective: Replica) -> None:
    for expected in defective.site.expected_rejects(defective.base_url):
        page = RawPage(
            expected["url"], FROZEN_NOW, 200, {"Content-Type": ["text/html; charset=utf-8"]},
            served(defective, expected["url"]),
        )
        reasons = process_page(page).reject_reasons
        assert len(reasons) == 1, reasons
        assert expected["reason"] in reasons[0]


@pytest.mark.e2e
def test_crawl_with_rejects_exits_1(crawl: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, _ = crawl
    assert result.returncode == 1, result.stderr[-3000:]


@pytest.mark.e2e
def test_each_defective_article_is_a_reject_with_its_reason(
    defective: Replica, crawl: tuple[subprocess.CompletedProcess[str], Path]
) -> None:
    _, db = crawl
    expected = defective.site.expected_rejects(defective.base_url)
    assert len(expected) == 3
    rejects = rows(db, "SELECT url, reason, kind, page_id, run_id FROM rejects")
    assert sorted(r["url"] for r in rejects) == sorted(e["url"] for e in expected)
    run_id = rows(db, "SELECT id FROM crawl_runs")[0]["id"]
    by_url = {r["url"]: r for r in rejects}
    for want in expected:
        got = by_url[want["url"]]
        assert want["reason"] in got["reason"], (want, got)
        assert got["kind"] == "invalid"
        assert got["run_id"] == run_id


@pytest.mark.e2e
def test_each_reject_keeps_its_raw_page(
    defective: Replica, crawl: tuple[subprocess.CompletedProcess[str], Path]
) -> None:
    _, db = crawl
    pages = rows(
        db,
        "SELECT r.url AS reject_url, p.url, p.sha256 FROM rejects AS r JOIN pages AS p ON p.id = r.page_id",
    )
    assert len(pages) == 3
    with Archive(db).open(readonly=True) as archive:
        stored = {(p.url, hashlib.sha256(p.body).hexdigest()): p.body for p in archive.iter_pages()}
    for row in pages:
        body = stored[(row["url"], row["sha256"])]
        assert body == served(defective, row["reject_url"])


@pytest.mark.e2e
def test_the_run_counts_the_rejects(
    defective: Replica, crawl: tuple[subprocess.CompletedProcess[str], Path]
) -> None:
    _, db = crawl
    runs = rows(db, "SELECT * FROM crawl_runs")
    assert len(runs) == 1
    run = runs[0]
    records = len(defective.truth())  # the 37 valid articles and their /by/ twins
    assert records > 37
    assert (run["items_rejected"], run["items_new"], run["failures"]) == (3, records, 0)
    assert run["exit_code"] == 1
    assert run["finished_at"] == FROZEN_NOW


@pytest.mark.e2e
def test_valid_articles_are_archived_as_the_truth_and_defective_ones_not(
    defective: Replica, crawl: tuple[subprocess.CompletedProcess[str], Path]
) -> None:
    _, db = crawl
    truth = defective.truth()
    archived = {row["url"]: row for row in rows(db, "SELECT * FROM articles")}
    assert set(archived) == set(truth)
    assert not set(archived) & {r["url"] for r in defective.site.expected_rejects(defective.base_url)}
    mismatches = [
        (url, name, archived[url][name], expected[name])
        for url, expected in truth.items()
        for name in ARTICLE_FIELDS
        if archived[url][name] != expected[name]
    ]
    assert mismatches == []


@pytest.mark.e2e
def test_links_to_rejected_articles_stay_unresolved(
    defective: Replica, crawl: tuple[subprocess.CompletedProcess[str], Path]
) -> None:
    _, db = crawl
    rejected = {r["url"] for r in defective.site.expected_rejects(defective.base_url)}
    view = rows(db, "SELECT target_url, target_id FROM related_articles")
    assert any(row["target_url"] in rejected for row in view)  # the 40 articles link to them
    for row in view:
        assert (row["target_id"] is None) == (row["target_url"] in rejected), row


def test_replica_serve_refuses_more_defects_than_articles() -> None:
    result = run_cli("replica", "serve", "--port", "0", "--articles", "10", "--defects", "11")
    assert result.returncode == 2
    assert "--defects" in result.stderr
