"""Issue 17, crawl side: hostile answers from the site must never lose a page silently.

Each crawl runs against the replica with one attack mode on (archiver/replica/faults.py,
``ATTACKS`` and ``SITE_ATTACKS``): every page is archived or listed in the run's rejects with its
reason, and a run that lost a page exits 1.
"""

from __future__ import annotations

import gzip
import json
import signal
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.test import get_crawler

from archiver.extract import build_item, decode_page
from archiver.items import ArticleItem, Failed, RawPage
from archiver.pipelines import NormalisePipeline, StorePipeline, ValidatePipeline
from archiver.replica import ReplicaServer, ReplicaSite
from archiver.replica.faults import BAD_LINK, FaultSpec
from archiver.run import RunLifecycle, finish_abandoned_run, record_failures
from archiver.spiders.belarusinfocus import (
    _xml_text,
    defuse_xml,
    describe_failure,
    drop_bad_links,
    feed_dates,
)
from archiver.store import Archive
from tests.conftest import FROZEN_NOW, Replica, run_cli
from tests.crawl_helpers import SLOW, article_count, start_crawl, wait_for

e2e = pytest.mark.e2e

SETTINGS = ("-s", f"ARCHIVER_NOW={FROZEN_NOW}", "-s", "DOWNLOAD_TIMEOUT=3", "-s", "RETRY_TIMES=2")


# --- unit tests: the pieces, without a crawl ---------------------------------------------------
SITE = ReplicaSite(10, seed=4)
BASE = "http://127.0.0.1:8000"


def items(n: int) -> list[ArticleItem]:
    """``n`` valid items of the replica's first articles, as the pipelines leave them."""
    crawler = get_crawler()
    out = []
    for article in SITE.articles[:n]:
        status, _type, body = SITE.render(article.path, BASE)
        page = RawPage(BASE + article.path, FROZEN_NOW, status, {}, body)
        item = NormalisePipeline("Europe/Minsk").process_item(build_item(page, decode_page(page)))
        validated = ValidatePipeline.from_crawler(crawler).process_item(item)
        assert isinstance(validated, ArticleItem)
        assert validated.reject_reasons == []
        out.append(validated)
    return out


def store_pipeline(db: Path) -> StorePipeline:
    crawler = get_crawler(scrapy.Spider, settings_dict={"ARCHIVER_DB": str(db),
                                                        "ARCHIVER_NOW": FROZEN_NOW})
    run = RunLifecycle(crawler, db_path=str(db))
    run.open()
    return StorePipeline(crawler, run, batch_size=50)


def test_one_poisoned_item_is_rejected_and_the_batch_stored(tmp_path: Path) -> None:
    """Issue 17.1: a lone surrogate (JSON-LD headline) fails the batch; the others are stored."""
    db = tmp_path / "a.db"
    pipeline = store_pipeline(db)
    batch = items(4)
    batch[1] = replace(batch[1], title_raw=(batch[1].title_raw or "") + "\ud800")
    batch[2] = replace(batch[2], published_raw="\ud800 2020")
    for item in batch:
        pipeline.process_item(item)
    pipeline.flush()
    assert pipeline.error is None
    assert pipeline.pending == []
    assert pipeline.outcomes == {"new": 2, "updated": 0, "unchanged": 0, "rejected": 2}
    pipeline.process_item(items(5)[4])  # the store goes on
    pipeline.flush()
    assert pipeline.outcomes["new"] == 3
    rejects = list(pipeline.run.archive.db.query("SELECT url, reason, kind, page_id FROM rejects"))
    assert {r["url"] for r in rejects} == {batch[1].url, batch[2].url}
    assert all("could not be stored (UnicodeEncodeError" in r["reason"] for r in rejects)
    assert all(r["kind"] == "invalid" and r["page_id"] is not None for r in rejects)
    pipeline.run.release()


def test_absurd_statuses_are_kept_as_failures_without_the_status(tmp_path: Path) -> None:
    """Issue 17.4: ``HTTP/1.1 99999999999999999999 OK`` must not stop the run's completion."""
    with Archive(tmp_path / "a.db") as archive:
        run_id = archive.start_run(mode="full", started_at=FROZEN_NOW)
        record_failures(archive, [Failed("http://x/a/b", "HTTP 999", 99999999999999999999),
                                  Failed("http://x/a/\ud800", "odd", None)],
                        run_id=run_id, at=FROZEN_NOW)
        rows = archive.run_rejects(run_id)
    assert [(r["url"], r["status"]) for r in rows] == [("http://x/a/b", None), ("http://x/a/\\ud800", None)]
    assert "99999999999999999999" in str(rows[0]["reason"])


def test_describe_failure_refuses_an_absurd_status() -> None:
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    response = HtmlResponse("http://x/a/b", status=99999999999999999999, body=b"OK")
    failure = Failure(HttpError(response, "Ignoring non-200 response"))
    assert describe_failure(failure) == ("invalid HTTP status 99999999999999999999", None)


def test_a_forced_stop_completes_the_run_from_its_counts(tmp_path: Path) -> None:
    """Issue 17.5: the row says what was written, ``forced_stop``, exit 1 (not None)."""
    with Archive(tmp_path / "a.db") as archive:
        run_id = archive.start_run(mode="full", started_at=FROZEN_NOW)
        stats = {"downloader/request_count": 812, "archiver/items_new": 700,
                 "downloader/response_status_count/200": 800}
        code = finish_abandoned_run(archive, run_id, stats=stats,
                                    failures=[Failed("http://x/a/b", "reset", None)], at=FROZEN_NOW)
        run = archive.runs(limit=1)[0]
        assert finish_abandoned_run(archive, run_id, stats={}, failures=[], at=FROZEN_NOW) == 1
        again = archive.runs(limit=1)[0]
    assert code == 1
    assert (run["requests"], run["items_new"], run["failures"], run["responses_2xx"]) == (812, 700, 1, 800)
    assert (run["finish_reason"], run["exit_code"]) == ("forced_stop", 1)
    assert again["requests"] == 812  # a completed row is left as it is


def test_bad_links_are_dropped_and_counted() -> None:
    html = (f'<a href="{BAD_LINK}">x</a><a href="/a/b">ok</a><img src=\'{BAD_LINK}\'>'
            '<a href="http://[::1]:80/ok">v6</a>')
    cleaned, dropped = drop_bad_links(BASE + "/", html)
    assert dropped == 2
    assert BAD_LINK not in cleaned
    assert '<a href="/a/b">ok</a>' in cleaned
    assert "[::1]" in cleaned
    xml = f"<urlset><url><loc>{BAD_LINK}</loc></url><url><loc>{BASE}/a/b</loc></url></urlset>"
    cleaned, dropped = drop_bad_links(BASE + "/sitemap.xml", xml, xml=True)
    assert (dropped, BAD_LINK in cleaned, f"{BASE}/a/b" in cleaned) == (1, False, True)


def test_an_entity_no_longer_cuts_off_a_sitemap() -> None:
    xml = (f'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e "boom">]><urlset>'
           f"<url><loc>{BASE}/a/b&nbsp;</loc></url><url><loc>{BASE}/a/c?x=1&amp;y=&e;</loc></url>"
           f"<url><loc>{BASE}/a/d</loc></url></urlset>")
    defused = defuse_xml(xml)
    assert "<!DOCTYPE" not in defused
    assert "boom" not in defused
    sel = scrapy.Selector(text=defused, type="xml")
    assert len(sel.xpath("//loc/text()").getall()) == 3


def test_gzipped_sitemaps_inflate_within_a_bound() -> None:
    text = f"<urlset><url><loc>{BASE}/a/b</loc></url></urlset>"
    response = XmlResponse(BASE + "/sitemap.xml.gz", body=gzip.compress(text.encode()))
    assert _xml_text(response, 10_000) == text
    bomb = XmlResponse(BASE + "/s.xml.gz", body=gzip.compress(b"<urlset>" + b" " * 5_000_000))
    with pytest.raises(ValueError, match="cannot be read"):
        _xml_text(bomb, 1_000_000)


def test_feed_dates_are_read_from_rss_and_atom() -> None:
    rss = (f"<rss><channel><item><link>{BASE}/a/b</link><pubDate>Mon, 02 Jan 2023 10:00:00 +0000"
           "</pubDate></item></channel></rss>")
    atom = (f'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="{BASE}/a/c"/>'
            "<updated>2023-01-03T10:00:00Z</updated></entry></feed>")
    assert feed_dates(BASE + "/feed/", rss) == {f"{BASE}/a/b": "Mon, 02 Jan 2023 10:00:00 +0000"}
    assert feed_dates(BASE + "/feed/", atom) == {f"{BASE}/a/c": "2023-01-03T10:00:00Z"}


def test_a_page_reached_under_another_spelling_is_stored_under_the_sites(tmp_path: Path) -> None:
    """Issue 17.9: after a redirect to the mirror host (or ``www.``) the article keeps one URL."""
    from archiver.spiders.belarusinfocus import BelarusInFocusSpider

    crawler = get_crawler(BelarusInFocusSpider, settings_dict={"ARCHIVER_NOW": FROZEN_NOW})
    spider = BelarusInFocusSpider(base_url=BASE, mirrors="http://127.0.0.1:8001")
    spider.crawler = crawler
    article = SITE.articles[0]
    _status, _type, body = SITE.render(article.path, "http://127.0.0.1:8001")
    response = HtmlResponse("http://127.0.0.1:8001" + article.path + "?utm_source=x", body=body)
    (item,) = list(spider.parse_article(response))
    assert isinstance(item, ArticleItem)
    assert item.url == BASE + article.path
    junk = HtmlResponse(BASE + article.path, body=b'{"status": "maintenance"}',
                        headers={"Content-Type": "application/json"})
    (rejected,) = list(spider.parse_article(junk))
    assert isinstance(rejected, ArticleItem)
    assert rejected.reject_reasons[0].startswith("the page could not be read (")


# --- crawls of the replica with an attack on ---------------------------------------------------
@pytest.fixture(scope="module")
def replica() -> Iterator[Replica]:
    site = ReplicaSite(30, seed=21)
    with ReplicaServer(site) as server:
        yield Replica(site, server)


def crawl(replica: Replica, db: Path, spec: str, *extra: str) -> tuple[int, str]:
    """A full crawl of ``replica`` into ``db`` with the faults of ``spec`` on (off afterwards)."""
    replica.server.faults = FaultSpec.parse(spec) if spec else None
    replica.server.clear_log()
    try:
        result = run_cli(
            "crawl", "--base-url", replica.base_url, "--db", str(db), "--full", *SETTINGS, *extra
        )
    finally:
        replica.server.faults = None
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result.returncode, result.stdout + result.stderr


def last_run(db: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The newest run's row and its rejects by URL."""
    with Archive(db).open(readonly=True) as archive:
        run = archive.runs(limit=1)[0]
        return run, {str(r["url"]): r for r in archive.run_rejects(int(run["id"]))}


def urls(db: Path) -> set[str]:
    with Archive(db).open(readonly=True) as archive:
        return {str(r[0]) for r in archive.db.execute("SELECT url FROM articles")}


def attacked(replica: Replica, mode: str) -> set[str]:
    return {replica.base_url + path for path, m in replica.server.fault_log if m == mode}


def every_article_accounted(replica: Replica, db: Path) -> None:
    _run, rejects = last_run(db)
    missing = set(replica.truth()) - urls(db) - set(rejects)
    assert not missing, f"lost silently: {sorted(missing)[:5]}"


@e2e
@pytest.mark.parametrize(
    ("mode", "kind", "reason"),
    [
        ("json200", "invalid", "could not be read"),
        ("deepjson", "invalid", "RecursionError"),
        ("absurd_status", "failed", "invalid HTTP status"),
        ("cutclose", "failed", "page cut short"),
        ("offsite_redirect", "failed", "redirected off the site to http://localhost:"),
    ],
)
def test_a_page_that_cannot_be_archived_is_a_reject_with_its_reason(
    replica: Replica, tmp_path: Path, mode: str, kind: str, reason: str
) -> None:
    db = tmp_path / "a.db"
    code, out = crawl(replica, db, f"seed=3,{mode}=0.2")
    hit = attacked(replica, mode)
    assert hit, "the mode hit no page"
    run, rejects = last_run(db)
    assert code == 1, out[-2000:]
    assert run["finish_reason"] == "finished"
    assert run["exit_code"] == 1
    for url in hit:
        assert url in rejects, (url, out[-2000:])
        assert rejects[url]["kind"] == kind
        assert reason in str(rejects[url]["reason"]), rejects[url]
    assert not hit & urls(db)
    every_article_accounted(replica, db)
    # the rest of the run went on: every page not attacked is archived
    assert urls(db) == set(replica.truth()) - hit


@e2e
def test_a_lone_surrogate_in_json_ld_does_not_block_the_store(replica: Replica, tmp_path: Path) -> None:
    """Issue 17.1: a JSON-LD headline with ``\\ud800`` (the page's only title) is read as U+FFFD,
    as the HTML parser reads ``&#xD800;``; every article is stored, the batch included."""
    db = tmp_path / "a.db"
    code, out = crawl(replica, db, "seed=3,surrogate=0.2", "-s", "ARCHIVER_BATCH_SIZE=50")
    hit = attacked(replica, "surrogate")
    run, rejects = last_run(db)
    assert hit
    assert code == 0, out[-2000:]
    assert rejects == {}
    assert run["items_new"] == len(replica.truth())
    with Archive(db).open(readonly=True) as archive:
        titles = {str(r[0]): str(r[1]) for r in archive.db.execute("SELECT url, title_raw FROM articles")}
    assert all(titles[url].endswith("\ufffd") for url in hit)


@e2e
def test_malformed_links_are_skipped_and_counted(replica: Replica, tmp_path: Path) -> None:
    """Issue 17.2: ``http://[your-server]:8080/`` in bodies, sidebars, the listing, feed, sitemap."""
    db = tmp_path / "a.db"
    code, out = crawl(replica, db, "seed=3,badlink=1,badlinks=1")
    run, rejects = last_run(db)
    assert code == 0, out[-3000:]
    assert rejects == {}
    assert urls(db) == set(replica.truth())
    assert run["stats"]["archiver/bad_links"] >= 2 * len(replica.truth()) + 3
    assert not any(k.startswith("spider_exceptions") for k in run["stats"])


@e2e
def test_an_unreachable_site_is_a_failed_run(tmp_path: Path) -> None:
    """Issue 17.3: nothing fetched is not "finished"; the start points are failures."""
    db = tmp_path / "a.db"
    result = run_cli("crawl", "--base-url", "http://127.0.0.1:1", "--db", str(db), *SETTINGS)
    # (Scrapy's RobotsTxtMiddleware logs the refused robots.txt with a traceback: not ours)
    assert result.returncode == 1
    run, rejects = last_run(db)
    assert run["finish_reason"] == "unreachable"
    assert run["failures"] >= 1
    assert "http://127.0.0.1:1/" in rejects
    assert "finish: unreachable" in result.stdout
    assert "0 failed" not in result.stdout


@e2e
def test_feed_items_before_since_are_not_fetched(replica: Replica, tmp_path: Path) -> None:
    """Issue 17.7: ``--since 2099-01-01`` fetches no article (listings, sitemap and feed dated)."""
    db = tmp_path / "a.db"
    replica.server.clear_log()
    result = run_cli("crawl", "--base-url", replica.base_url, "--db", str(db), "--since",
                     "2099-01-01", *SETTINGS)
    paths = {a.path for a in replica.site.articles}
    fetched = [p for p in replica.server.request_log if p in paths]
    assert fetched == [], fetched[:5]
    assert result.returncode == 0, result.stderr[-2000:]


@e2e
def test_a_pager_trap_is_left_after_two_barren_pages(replica: Replica, tmp_path: Path) -> None:
    """Issue 17.12: a next link that always increments ends after 2 pages without new articles."""
    db = tmp_path / "a.db"
    code, out = crawl(replica, db, "pager_trap=1")
    trap = [p for p, m in replica.server.fault_log if m == "pager_trap"]
    assert 1 <= len(trap) <= 2, trap
    run, _ = last_run(db)
    assert code == 0, out[-2000:]
    assert run["stats"]["archiver/pager_stopped"] == 1
    assert urls(db) == set(replica.truth())
    # a second (resumed or incremental) run does not walk into it either
    crawl(replica, db, "pager_trap=1")
    assert len([p for p, m in replica.server.fault_log if m == "pager_trap"]) <= 2


@e2e
def test_the_listing_depth_is_capped_by_a_setting(replica: Replica, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    crawl(replica, db, "pager_trap=1", "-s", "ARCHIVER_BARREN_PAGES=1000",
          "-s", "ARCHIVER_MAX_LISTING_PAGES=6")
    listing = [p for p in replica.server.request_log if p == "/" or p.startswith("/?page=")]
    assert len(listing) == 6, listing


@e2e
def test_a_junk_retry_after_is_retried_normally(replica: Replica, tmp_path: Path) -> None:
    """Issue 15 (17.15): ``Retry-After: ²`` is no wait at all, not a failed page."""
    db = tmp_path / "a.db"
    code, out = crawl(replica, db, "seed=3,burst=1,retry_after_junk=0.3")
    assert attacked(replica, "retry_after_junk")
    assert code == 0, out[-2000:]
    assert urls(db) == set(replica.truth())


@e2e
def test_a_huge_url_is_a_recorded_failure(replica: Replica, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    code, _ = crawl(replica, db, "longurl=1")
    _, rejects = last_run(db)
    long = [r for url, r in rejects.items() if len(url) > 100_000]
    assert code == 1
    assert len(long) == 1
    assert "URL too long" in str(long[0]["reason"])
    code, _ = crawl(replica, db, "")  # not retried by the next run: it would only fail again
    assert code == 0


@e2e
def test_gzipped_and_entity_laden_sitemaps_are_read_whole(replica: Replica, tmp_path: Path) -> None:
    counts = {}
    for spec in ("", "sitemap_gz=1", "sitemap_entity=1", "sitemap_gz=1,sitemap_entity=1"):
        db = tmp_path / f"{len(counts)}.db"
        code, out = crawl(replica, db, spec)
        assert code == 0, out[-2000:]
        run, _ = last_run(db)
        counts[spec] = run["stats"].get("archiver/sitemap_entries")
    assert len(set(counts.values())) == 1, counts
    assert counts[""] >= len(replica.truth())


@e2e
def test_the_attack_modes_are_served_as_described(replica: Replica) -> None:
    """The replica's attack answers themselves (what the crawl tests rely on)."""
    replica.server.faults = FaultSpec.parse("badlinks=1,sitemap_gz=1")
    try:
        with urllib.request.urlopen(replica.base_url + "/sitemap.xml") as answer:
            assert answer.headers["Content-Type"] == "application/x-gzip"
            xml = gzip.decompress(answer.read())
        assert b"<urlset" in xml or b"<sitemapindex" in xml
        with urllib.request.urlopen(replica.base_url + "/feed/") as answer:
            assert BAD_LINK.encode() in answer.read()
    finally:
        replica.server.faults = None
    assert FaultSpec.parse("badlinks=1,json200=0.5").as_text() == "json200=0.5,badlinks=1"
    assert json.loads(json.dumps({"x": 1})) == {"x": 1}


@e2e
def test_ctrl_c_twice_leaves_a_true_summary(tmp_path: Path) -> None:
    """Issue 17.5: after a forced stop the summary gives what was saved, and exit 1."""
    site = ReplicaSite(120, seed=9)
    db = tmp_path / "a.db"
    with ReplicaServer(site) as server:
        crawl = start_crawl(server.base_url, db, *SLOW, fresh=True)  # signals: a process of its own
        try:
            wait_for(lambda: article_count(db) >= 10, timeout=120)
            crawl.send_signal(signal.SIGINT)
            crawl.send_signal(signal.SIGINT)
            out, err = crawl.communicate(timeout=120)
        finally:
            if crawl.poll() is None:
                crawl.kill()
    saved = article_count(db)
    run, _ = last_run(db)
    assert crawl.returncode == 1, err[-2000:]
    assert run["finished_at"] is not None
    assert run["exit_code"] == 1
    assert run["finish_reason"] in ("forced_stop", "shutdown")
    assert run["items_new"] == saved > 0
    assert run["requests"] >= saved
    assert f"{saved} new" in out
    assert "exit 1" in out
    assert "exit None" not in out
