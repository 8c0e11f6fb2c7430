"""End to end: crawl a 200-article replica on loopback and compare the archive with its ground truth."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from archiver.replica import ReplicaSite
from archiver.store import Archive
from tests.conftest import ARTICLE_FIELDS, FROZEN_NOW, Replica, run_cli

pytestmark = pytest.mark.e2e

LATER = "2026-11-29T08:00:00Z"


def table(db_path: Path, name: str) -> list[dict[str, Any]]:
    with Archive(db_path).open(readonly=True) as archive:
        return list(archive.db[name].rows)


@pytest.fixture(scope="module")
def crawled(replica_200: Replica, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("e2e") / "archive.db"
    result = run_cli(
        "crawl", "--base-url", replica_200.base_url, "--db", str(db),
        "-s", f"ARCHIVER_NOW={FROZEN_NOW}", "-s", "ARCHIVER_PROGRESS_INTERVAL=1",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "progress:" in result.stderr
    return db


def test_every_article_archived_with_every_field_equal(replica_200: Replica, crawled: Path) -> None:
    truth = replica_200.truth()
    rows = {row["url"]: row for row in table(crawled, "articles")}
    assert set(rows) == set(truth)
    mismatches = [
        (url, field, rows[url][field], expected[field])
        for url, expected in truth.items()
        for field in ARTICLE_FIELDS
        if rows[url][field] != expected[field]
    ]
    assert mismatches == []


def hard_cases(site: ReplicaSite) -> dict[tuple[str, str], list[str]]:
    """(field, hard case) -> paths of the articles whose page carries it, from the replica's own
    values (see docs/replica.md)."""
    cases: dict[tuple[str, str], list[str]] = defaultdict(list)
    for article in site.articles:
        title = article.title_source
        for name, found in (
            ("entity &amp; or &quot;", "&" in title or '"' in title),
            ("NBSP", "\u00a0" in title),
            ("zero-width space or joiner", "\u200b" in title or "\u200d" in title),
            ("soft hyphen", "\u00ad" in title),
            ("decomposed accent", any(unicodedata.combining(c) for c in title)),
            ("em dash", "\u2014" in title),
            ("double space or line break", "  " in title or "\n" in title),
        ):
            if found:
                cases["title", name].append(article.path)
        line = article.credit_line or ""
        if line and not line.startswith(("Image: ", "Photo: ")) and ". Photo: " not in line:
            cases["image_credit", f"label {line.split()[0]}"].append(article.path)
        for name, found in (
            ("several sources", ", " in line and ". Photo: " not in line),
            ("URL", "://" in line),
            ("full stop", line.endswith(".")),
            ("caption", ". Photo: " in line),
        ):
            if found:
                cases["image_credit", name].append(article.path)
        blocks = site.body(article).blocks
        kinds = {block.kind for block in blocks}
        for kind in ("h2", "h3", "ul", "ol", "script", "style", "noscript", "comment", "read-more"):
            if kind in kinds:
                cases["body", kind].append(article.path)
        if blocks[0].kind == "lead":
            cases["body", "repeated lead"].append(article.path)
        if any("\u00ad" in run.text for block in blocks for run in block.inlines):
            cases["body", "soft hyphen"].append(article.path)
    return cases


def test_every_hard_case_is_archived_as_its_plain_form(replica_200: Replica, crawled: Path) -> None:
    """The hard cases the replica types into its pages, each in several articles, field by field:
    a failure names the case (a normaliser bug shows here as well as in the test above)."""
    truth = replica_200.truth()
    rows = {row["url"]: row for row in table(crawled, "articles")}
    cases = hard_cases(replica_200.site)
    assert len(cases) >= 25
    failures = {}
    for (field, case), paths in sorted(cases.items()):
        assert len(paths) >= 3, (field, case)
        urls = [replica_200.base_url + path for path in paths]
        wrong = [(rows[u][field], truth[u][field]) for u in urls if rows[u][field] != truth[u][field]]
        if wrong:
            failures[field, case] = wrong
    assert failures == {}


def test_every_related_link_stored_and_resolved(replica_200: Replica, crawled: Path) -> None:
    truth = replica_200.truth()
    ids = {row["url"]: row["id"] for row in table(crawled, "articles")}
    # a translation link has no text of its own: its title is the hreflang (as the truth says), or
    # the other version's title when the store writes the reverse link: not compared
    stored = {
        (link["source_id"], link["target_url"], link["kind"], link["position"],
         None if link["kind"] == "translation" else link["title"])
        for link in table(crawled, "related_links")
    }
    expected = {
        (ids[url], rel["target_url"], rel["kind"], rel["position"],
         None if rel["kind"] == "translation" else rel["title"])
        for url, rec in truth.items()
        for rel in rec["related"]  # type: ignore[attr-defined]
    }
    assert any(kind == "translation" for _s, _t, kind, _p, _title in expected)
    assert stored == expected
    view = table(crawled, "related_articles")
    assert len(view) == len(expected)
    assert all(row["target_id"] == ids[row["target_url"]] for row in view)
    assert all(row["target_title"] for row in view)


def test_run_log_and_fts(replica_200: Replica, crawled: Path) -> None:
    runs = table(crawled, "crawl_runs")
    assert len(runs) == 1
    run = runs[0]
    assert run["finished_at"] == FROZEN_NOW
    truth = replica_200.truth()  # the articles and their /by/ twins
    assert run["items_new"] == len(truth) > 200
    assert run["items_rejected"] == 0
    assert run["failures"] == 0
    assert run["exit_code"] == 0
    assert run["requests"] >= len(truth)
    with Archive(crawled).open(readonly=True) as archive:
        hits = archive.search("Minsk", limit=500)
    assert len(hits) > 100
    # one page per article page fetched: a re-published article has two (Drupal and weekly)
    republished = sum(1 for rec in truth.values() if rec["published_at"] and rec["period_start"])
    assert republished > 0
    assert len(table(crawled, "pages")) == len(truth) + republished


def test_search_command_finds_minsk(crawled: Path) -> None:
    result = run_cli("search", "Minsk", "--db", str(crawled), "--limit", "5", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 5


def test_second_full_crawl_changes_no_row(replica_200: Replica, crawled: Path, tmp_path: Path) -> None:
    # on a copy: the module's archive stays as the first run left it for the other tests, in any order
    copy = tmp_path / "archive.db"
    with Archive(crawled).open(readonly=True) as archive:
        archive.db.conn.execute("VACUUM INTO ?", (str(copy),))
    crawled = copy
    before = {name: table(crawled, name) for name in ("articles", "related_links", "pages")}
    result = run_cli(
        "crawl", "--full", "--base-url", replica_200.base_url, "--db", str(crawled),
        "-s", f"ARCHIVER_NOW={LATER}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    after = {name: table(crawled, name) for name in ("articles", "related_links", "pages")}

    def without_seen(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k not in ("last_seen_at", "fetched_at")} for r in rows]

    for name, rows in before.items():
        assert without_seen(after[name]) == without_seen(rows), name
    assert {row["last_seen_at"] for row in after["articles"]} == {LATER}
    runs = table(crawled, "crawl_runs")
    first = runs[0]
    assert runs[-1]["items_unchanged"] == first["items_new"] + first["items_updated"]
    assert runs[-1]["items_new"] == runs[-1]["items_updated"] == 0


def test_stats_shows_field_coverage_of_the_crawl(replica_200: Replica, crawled: Path) -> None:
    truth = list(replica_200.truth().values())
    result = run_cli("stats", "--db", str(crawled))
    assert result.returncode == 0, result.stderr
    coverage = result.stdout.split("field_coverage:")[1]
    for field in ("title", "body", "lead"):
        assert f"  {field}: 100.0%" in coverage
    stated = sum(1 for rec in truth if rec["published_at"]) / len(truth)  # the Drupal era's
    assert 0 < stated < 1
    assert f"  published_at: {100 * stated:.1f}%" in coverage
    with_credit = sum(1 for rec in truth if rec["image_credit"]) / len(truth)
    assert f"  image_credit: {100 * with_credit:.1f}%" in coverage
