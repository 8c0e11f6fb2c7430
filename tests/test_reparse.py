"""`archiver reparse`: every article re-extracted from its stored page, revisions where it changed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from archiver.extract import process_page
from archiver.items import ArticleItem, RawPage
from archiver.lock import RunLock
from archiver.reparse import reparse
from archiver.replica import ReplicaSite
from archiver.store import Archive
from tests.conftest import ARTICLE_FIELDS, run_cli

BASE = "http://127.0.0.1:8000"
FETCHED = "2026-11-28T10:00:00Z"
N_ARTICLES = 24


@pytest.fixture(scope="module")
def site() -> ReplicaSite:
    return ReplicaSite(N_ARTICLES, seed=31)


def truth(site: ReplicaSite) -> dict[str, dict[str, Any]]:
    return {rec["url"]: rec for rec in site.ground_truth(BASE)}


def pages(site: ReplicaSite) -> list[RawPage]:
    out = []
    for article in site.articles:
        status, content_type, body = site.render(article.path, BASE)
        out.append(RawPage(BASE + article.path, FETCHED, status, {"Content-Type": [content_type]}, body))
    return out


def archive_with(db: Path, items: list[ArticleItem]) -> None:
    with Archive(db) as archive:
        archive.store_items(items, run_id=None, seen_at=FETCHED)


def rows(db: Path) -> dict[str, dict[str, Any]]:
    with Archive(db).open(readonly=True) as archive:
        return {row["url"]: row for row in archive.db.query("SELECT * FROM articles")}


def revisions(db: Path) -> list[dict[str, Any]]:
    with Archive(db).open(readonly=True) as archive:
        return list(archive.db.query("SELECT * FROM article_revisions"))


def test_an_up_to_date_archive_is_left_as_it_is(site: ReplicaSite, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    archive_with(db, [process_page(page) for page in pages(site)])
    before = rows(db)
    with Archive(db) as archive:
        report = reparse(archive, workers=1)
    counts = (report.pages, report.unchanged, report.updated, report.exit_code)
    assert counts == (N_ARTICLES, N_ARTICLES, 0, 0)
    assert rows(db) == before  # last_seen_at included: a reparse is not a visit
    assert revisions(db) == []


def test_a_parser_fix_revises_exactly_the_wrong_articles(site: ReplicaSite, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    items = [process_page(page) for page in pages(site)]
    # as an earlier, wrong title selector stored them
    items[:5] = [replace(item, title="Belarus in Focus") for item in items[:5]]
    buggy = items[:5]
    archive_with(db, items)
    with Archive(db) as archive:
        report = reparse(archive, workers=2, batch=7)  # several batches through the pool
    assert (report.updated, report.unchanged) == (5, N_ARTICLES - 5)
    after, expected = rows(db), truth(site)
    for url, row in after.items():
        assert {f: row[f] for f in ARTICLE_FIELDS} == {f: expected[url][f] for f in ARTICLE_FIELDS}
    assert {r["title"] for r in revisions(db)} == {"Belarus in Focus"}
    assert {after[item.url]["revision"] for item in buggy} == {2}


def test_a_page_rejected_by_an_old_parser_becomes_an_article(site: ReplicaSite, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    items = [process_page(page) for page in pages(site)]
    items[3] = replace(items[3], reject_reasons=["no title"])  # what an older parser said
    archive_with(db, items)
    assert items[3].url not in rows(db)
    with Archive(db) as archive:
        report = reparse(archive, workers=1)
    assert (report.recovered, report.unchanged) == (1, N_ARTICLES - 1)
    assert rows(db)[items[3].url]["title"] == truth(site)[items[3].url]["title"]


def test_an_article_whose_page_no_longer_passes_is_kept_and_reported(
    site: ReplicaSite, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    items = [process_page(page) for page in pages(site)]
    broken = items[0] = replace(
        items[0], page=replace(items[0].page, body=b"<html><body><p>moved</p></body></html>"))
    archive_with(db, items)
    before = rows(db)[broken.url]
    with Archive(db) as archive:
        report = reparse(archive, workers=1)
    assert [url for url, _reasons in report.regressions] == [broken.url]
    assert report.exit_code == 1
    assert rows(db)[broken.url] == before


def test_the_command(site: ReplicaSite, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    items = [process_page(page) for page in pages(site)]
    items[1] = replace(items[1], title="stale")
    archive_with(db, items)
    result = run_cli("reparse", "--db", str(db), "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert f"reparse: {N_ARTICLES} pages" in result.stdout
    assert "1 updated" in result.stdout
    assert f"{N_ARTICLES}/{N_ARTICLES} pages" in result.stderr  # the last progress line

    with RunLock(db):
        busy = run_cli("reparse", "--db", str(db))
    assert busy.returncode == 75
    assert "in use" in busy.stderr

    missing = run_cli("reparse", "--db", str(tmp_path / "none" / "archive.db"))
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
