"""Issue 18.7/18.8: the progress line (known totals, rate, ETA), the Ctrl-C notices, and quiet
cron runs (no warning for a sitemap past DOWNLOAD_WARNSIZE, none for a progress interval of 0)."""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import signal
import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.test import get_crawler

from archiver import settings
from archiver.crawl import STOP_NOTICES, announce_stops
from archiver.pages.belarusinfocus import ListingPage
from archiver.progress import Progress, _duration
from archiver.replica import ReplicaServer, ReplicaSite
from archiver.replica.faults import FaultSpec
from archiver.run import RunLifecycle
from archiver.spiders.belarusinfocus import BelarusInFocusSpider
from archiver.store import Archive
from tests.conftest import FROZEN_NOW, Replica, run_cli
from tests.crawl_helpers import article_paths, start_crawl, wait_for

e2e = pytest.mark.e2e


class FakeClock:
    """A monotonic clock the test moves by hand (seconds)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def progress() -> tuple[Progress, FakeClock]:
    clock = FakeClock()
    ext = Progress(get_crawler(), interval=5, clock=clock)
    ext.started = clock.now
    ext.samples.append((clock.now, 0))
    return ext, clock


def set_stats(ext: Progress, **values: int) -> None:
    """Stats by short name: ``pages`` is response_received_count, the others archiver/NAME."""
    assert ext.crawler.stats is not None
    for name, value in values.items():
        key = "response_received_count" if name == "pages" else f"archiver/{name}"
        ext.crawler.stats.set_value(key, value)


# --- the progress line --------------------------------------------------------------------------


def test_before_any_total_is_known_the_line_has_counts_and_a_rate_but_no_eta(
    progress: tuple[Progress, FakeClock],
) -> None:
    ext, clock = progress
    clock.now += 30
    set_stats(ext, pages=12, articles_planned=9, articles_done=4, listing_pages_done=2)
    line = ext.line()
    assert line.startswith("progress: 12 pages (24/min), articles 4/9, listing pages 2;")
    assert "ETA" not in line
    assert line.endswith("failures 0; 30 s")


def test_once_the_sitemap_is_read_the_eta_is_the_articles_left_at_the_rate(
    progress: tuple[Progress, FakeClock],
) -> None:
    ext, clock = progress
    clock.now += 60
    set_stats(ext, pages=120, articles_planned=400, articles_done=100, listing_pages_done=20,
              sitemap_entries=400, items_new=90, items_updated=3, failures=2)
    # 120 pages a minute; 300 articles left: 2.5 minutes
    assert ext.line() == (
        "progress: 120 pages (120/min), articles 100/400, listing pages 20, ETA 2 min; "
        "items: new 90, updated 3, unchanged 0, rejected 0, failures 2; 1 min"
    )


def test_a_full_crawl_knows_its_listing_pages_and_counts_them_in_the_eta(
    progress: tuple[Progress, FakeClock],
) -> None:
    ext, clock = progress
    clock.now += 30
    set_stats(ext, pages=30, articles_planned=20, articles_done=20, listing_pages_done=10,
              listing_pages_planned=57)
    line = ext.line()  # 60 pages a minute; 47 listing pages left
    assert "listing pages 10/57, ETA 47 s;" in line
    set_stats(ext, listing_pages_done=60)  # a pager that went on past its last page
    assert "listing pages 60/60" in ext.line()


def test_the_rate_is_that_of_the_last_minute_and_the_last_line_that_of_the_run(
    progress: tuple[Progress, FakeClock],
) -> None:
    ext, clock = progress
    for minute, pages in ((1, 600), (2, 620), (3, 640)):  # fast at first, then 20 a minute
        clock.now = 1000 + 60 * minute
        set_stats(ext, pages=pages, articles_planned=700, articles_done=pages, sitemap_entries=700)
        line = ext.line()
    assert "640 pages (20/min)" in line
    assert "ETA 3 min" in line  # 60 articles left at 20 a minute
    last = ext.line(final="finished")
    assert "640 pages (213/min)" in last  # 640 in 3 minutes
    assert "ETA" not in last
    assert last.endswith("; 3 min — finished")


def test_report_prints_one_line_to_its_stream(progress: tuple[Progress, FakeClock],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    ext, _ = progress
    ext.report(final="shutdown")
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("progress: 0 pages (0.0/min), articles 0/0, listing pages 0;")
    assert err.rstrip().endswith("— shutdown")


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0 s"), (59.9, "59 s"), (60, "1 min"), (3599, "59 min"), (3600, "1 h 00 min"),
     (3900, "1 h 05 min"), (-3, "0 s")],
)
def test_durations(seconds: float, shown: str) -> None:
    assert _duration(seconds) == shown


def test_an_interval_of_0_turns_progress_off_without_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        off = get_crawler(settings_dict={"EXTENSIONS": {"archiver.progress.Progress": 500},
                                         "ARCHIVER_PROGRESS_INTERVAL": 0})
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert off.extensions is not None
    assert not any(isinstance(ext, Progress) for ext in off.extensions.middlewares)
    on = get_crawler(settings_dict={"EXTENSIONS": {"archiver.progress.Progress": 500},
                                    "ARCHIVER_PROGRESS_INTERVAL": 2})
    assert on.extensions is not None
    assert any(isinstance(ext, Progress) for ext in on.extensions.middlewares)


# --- a pager's length ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pager", "pages"),
    [
        # Drupal 7: ?page=N counts from 0
        (('<ul class="pager"><li class="pager-current first">1</li><li class="pager-item">'
         '<a href="/?page=1">2</a></li><li class="pager-next"><a href="/?page=1">next ›</a></li>'
         '<li class="pager-last last"><a href="/?page=572">last »</a></li></ul>'), 573),
        (('<ul class="pager"><li class="pager-current">1 of 57</li>'
         '<li class="pager-next"><a href="/economy?page=1">next ›</a></li></ul>'), 57),
        # WordPress: ?paged=N and /page/N/ count from 1; the last page's number is shown
        (('<nav class="pagination"><span class="page-numbers current">1</span>'
         '<a class="page-numbers" href="/analytics/x/?paged=2">2</a> …'
         '<a class="page-numbers" href="/analytics/x/?paged=31">31</a>'
         '<a class="next page-numbers" href="/analytics/x/?paged=2">Next</a></nav>'), 31),
        (('<div class="nav-links"><a class="page-numbers" href="/analytics/x/page/9/">'
         'Last</a><a class="next" href="/analytics/x/page/2/">Next</a></div>'), 9),
        # junk: a superscript digit, a number too long, a link that is no page
        (('<ul class="pager"><li>²</li><li><a href="/?page=99999999999">x</a></li>'
         '<li class="pager-next"><a href="/?page=1#top">next</a></li></ul>'), 2),
        ("", None),
    ],
)
def test_a_listing_knows_how_many_pages_its_pager_has(pager: str, pages: int | None) -> None:
    html = f'<html><body><main id="main"><a href="/economy/a-b">A</a>{pager}</main></body></html>'
    assert ListingPage("https://belarusinfocus.info/", html).page_count() == pages


def walk_pager(base_url: str, path: str) -> tuple[str, int]:
    """The first page's HTML and how many pages following its next links reaches."""
    first = fetch(base_url + path)
    html, count = first, 1
    while (next_page := ListingPage(base_url + path, html).links().next_page) is not None:
        html, count = fetch(next_page), count + 1
    return first, count


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return str(answer.read().decode("utf-8"))


@pytest.fixture(scope="module")
def replica() -> Iterator[Replica]:
    site = ReplicaSite(200, seed=7)
    with ReplicaServer(site) as server:
        yield Replica(site, server)


def test_the_replicas_pagers_say_how_far_they_go(replica: Replica) -> None:
    paths = ["/", *(c.listing for c in replica.site.categories[:2])]
    for path in paths:
        first, walked = walk_pager(replica.base_url, path)
        assert walked > 1, path
        assert ListingPage(replica.base_url + path, first).page_count() == walked, path


# --- the sitemap's own warn size ----------------------------------------------------------------


@pytest.fixture
def sitemap_spider(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., BelarusInFocusSpider]]:
    """Make a spider with a crawler of ``settings`` and an open run on an empty archive (the plan
    of a first full crawl); the runs are closed afterwards."""
    runs: list[RunLifecycle] = []

    def make(**settings: Any) -> BelarusInFocusSpider:
        crawler = get_crawler(BelarusInFocusSpider, {"ARCHIVER_NOW": FROZEN_NOW, **settings})
        spider = BelarusInFocusSpider(base_url="http://127.0.0.1:9")
        spider.crawler = crawler
        spider.settings = crawler.settings
        run = RunLifecycle(crawler, db_path=str(tmp_path / f"a{len(runs)}.db"),
                           base_url="http://127.0.0.1:9", full=True)
        run.open()
        runs.append(run)
        monkeypatch.setattr(RunLifecycle, "of", staticmethod(lambda _crawler: run))
        return spider

    yield make
    for run in runs:
        run.archive.close()
        run.lock.release()


def test_sitemap_requests_carry_the_sitemap_warn_size(
    sitemap_spider: Callable[..., BelarusInFocusSpider],
) -> None:
    spider = sitemap_spider(ARCHIVER_SITEMAP_WARNSIZE=12345, DOWNLOAD_WARNSIZE=100)

    async def first_requests() -> list[scrapy.Request]:
        return [r async for r in spider.start()]

    requests = asyncio.run(first_requests())
    warn = {r.url: r.meta.get("download_warnsize") for r in requests}
    assert warn["http://127.0.0.1:9/sitemap.xml"] == 12345
    assert warn["http://127.0.0.1:9/"] is None  # pages keep DOWNLOAD_WARNSIZE
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>http://127.0.0.1:9/wp-sitemap-posts-post-1.xml</loc></sitemap></sitemapindex>")
    nested = list(spider.parse_sitemap(XmlResponse("http://127.0.0.1:9/sitemap.xml", body=index)))
    assert [(r.url, r.meta.get("download_warnsize")) for r in nested] == [
        ("http://127.0.0.1:9/wp-sitemap-posts-post-1.xml", 12345)
    ]


def test_the_default_sitemap_warn_size_is_past_the_page_warn_size(
    sitemap_spider: Callable[..., BelarusInFocusSpider],
) -> None:
    # 20,000 articles make a sitemap of about 3 MiB (issue 18.8): no warning for it, but one
    # before DOWNLOAD_MAXSIZE refuses it
    assert settings.DOWNLOAD_WARNSIZE < 3 * 1024 * 1024 < settings.ARCHIVER_SITEMAP_WARNSIZE
    assert settings.ARCHIVER_SITEMAP_WARNSIZE < settings.DOWNLOAD_MAXSIZE
    assert sitemap_spider().sitemap_warnsize == settings.ARCHIVER_SITEMAP_WARNSIZE


def test_the_spider_counts_a_full_pagers_pages_once_its_first_page_is_read(
    sitemap_spider: Callable[..., BelarusInFocusSpider],
) -> None:
    spider = sitemap_spider()
    pager = ('<ul class="pager"><li class="pager-next"><a href="/?page=1">next</a></li>'
             '<li class="pager-last"><a href="/?page=41">last</a></li></ul>')
    html = f'<html><body><main id="main"><a href="/economy/a-b">A</a>{pager}</main></body></html>'
    first = HtmlResponse("http://127.0.0.1:9/", body=html.encode(), encoding="utf-8",
                         request=scrapy.Request("http://127.0.0.1:9/", meta={}))
    list(spider.parse_listing(first))
    second = HtmlResponse("http://127.0.0.1:9/?page=1", body=html.encode(), encoding="utf-8",
                          request=scrapy.Request("http://127.0.0.1:9/?page=1",
                                                 meta={"archiver_pager_depth": (1, 0)}))
    list(spider.parse_listing(second))
    stats = spider.crawler.stats
    assert stats is not None
    assert stats.get_value("archiver/listing_pages_planned") == 42
    assert stats.get_value("archiver/listing_pages_done") == 2
    assert stats.get_value("archiver/articles_planned") == 1  # the one article, requested once


# --- Ctrl-C -------------------------------------------------------------------------------------


def test_each_ctrl_c_writes_its_notice_then_does_what_it_did() -> None:
    """announce_stops wraps the SIGINT handler in place and the one it installs (as Scrapy's
    graceful stop installs its forced stop); SIG_IGN after that is left alone."""
    calls: list[str] = []

    def forced(signum: int, frame: FrameType | None) -> None:
        calls.append("forced")
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    def graceful(signum: int, frame: FrameType | None) -> None:
        calls.append("graceful")
        signal.signal(signal.SIGINT, forced)

    before = signal.getsignal(signal.SIGINT)
    read_end, write_end = os.pipe()
    try:
        signal.signal(signal.SIGINT, graceful)
        announce_stops(("first", "second"), fd=write_end)
        for _ in range(2):
            handler = signal.getsignal(signal.SIGINT)
            assert callable(handler)
            handler(signal.SIGINT, None)
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)
        os.close(write_end)
    with os.fdopen(read_end) as written:
        assert written.read() == "first\nsecond\n"
    assert calls == ["graceful", "forced"]


def read_lines(stream: Any, into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)


def next_line_with(lines: queue.Queue[str], text: str, timeout: float = 120) -> str:
    """The next line that contains ``text`` (AssertionError after ``timeout`` seconds)."""
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no line with {text!r}") from None
        if text in line:
            return line


@e2e
def test_ctrl_c_says_at_once_that_it_stops_and_what_a_second_one_does(tmp_path: Path) -> None:
    """The notice comes while the pages in flight (dripping over 30 s each) are still being
    fetched; the second Ctrl-C's notice follows it, and the run ends with exit 1."""
    site = ReplicaSite(40, seed=3)
    db = tmp_path / "a.db"
    with ReplicaServer(site, faults=FaultSpec.parse("drip=1,drip_seconds=30")) as server:
        replica = Replica(site, server)
        crawl = start_crawl(server.base_url, db, "-s", "ARCHIVER_PROGRESS_INTERVAL=0", fresh=True)
        lines: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=read_lines, args=(crawl.stderr, lines), daemon=True)
        reader.start()
        try:
            wait_for(lambda: article_paths(list(server.request_log), replica), timeout=120)
            crawl.send_signal(signal.SIGINT)
            assert next_line_with(lines, "Stopping").strip() == STOP_NOTICES[0]
            assert crawl.poll() is None  # the dripping pages are still in flight
            crawl.send_signal(signal.SIGINT)
            assert next_line_with(lines, "Stopping").strip() == STOP_NOTICES[1]
            crawl.wait(timeout=120)
            out = crawl.stdout.read() if crawl.stdout else ""
        finally:
            if crawl.poll() is None:
                crawl.kill()
            crawl.wait()
            reader.join(timeout=10)
            for stream in (crawl.stdout, crawl.stderr):
                if stream is not None:
                    stream.close()
    assert crawl.returncode == 1
    assert "exit 1" in out
    assert "Ctrl-C again to stop now" in STOP_NOTICES[0]


# --- quiet cron runs ----------------------------------------------------------------------------


@e2e
def test_an_idle_cron_run_prints_nothing_alarming(replica: Replica, tmp_path: Path) -> None:
    """A sitemap larger than DOWNLOAD_WARNSIZE (set below the sitemap's size here rather than
    20,000 articles) gives no warning; ARCHIVER_PROGRESS_INTERVAL=0 none either: an idle run with
    it prints nothing on stderr. The control run with ARCHIVER_SITEMAP_WARNSIZE as small shows
    that the sitemap is past that size."""
    db = tmp_path / "a.db"
    common = ("--base-url", replica.base_url, "--db", str(db), "-s", f"ARCHIVER_NOW={FROZEN_NOW}")
    feed = len(fetch(replica.base_url + "/feed/").encode())
    warn = str(feed + 2048)  # above every page of an idle run, below the sitemaps
    first = run_cli("crawl", *common, "-s", "ARCHIVER_PROGRESS_INTERVAL=0")
    assert first.returncode == 0, first.stderr[-2000:]
    with Archive(db).open(readonly=True) as archive:
        stats = archive.runs(limit=1)[0]["stats"]
    # a first full crawl walks every pager to the length it read from its first page
    assert stats["archiver/listing_pages_planned"] == stats["archiver/listing_pages_done"] > 1
    assert stats["archiver/articles_planned"] == stats["archiver/articles_done"] > 0

    idle = run_cli("crawl", *common, "-s", f"DOWNLOAD_WARNSIZE={warn}",
                   "-s", "ARCHIVER_PROGRESS_INTERVAL=0")
    assert idle.returncode == 0, idle.stderr[-2000:]
    assert "0 new, 0 updated" in idle.stdout
    assert idle.stderr == ""

    with_progress = run_cli("crawl", *common, "-s", f"DOWNLOAD_WARNSIZE={warn}")
    assert with_progress.returncode == 0, with_progress.stderr[-2000:]
    assert [line for line in with_progress.stderr.splitlines()
            if not line.startswith("progress: ")] == []
    assert with_progress.stderr.rstrip().endswith("— finished")

    control = run_cli("crawl", *common, "-s", f"DOWNLOAD_WARNSIZE={warn}",
                      "-s", f"ARCHIVER_SITEMAP_WARNSIZE={warn}", "-s", "ARCHIVER_PROGRESS_INTERVAL=0")
    assert control.returncode == 0, control.stderr[-2000:]
    warned = [line for line in control.stderr.splitlines() if "WARNING" in line]
    assert warned
    assert all("larger than download warn size" in line and "sitemap" in line for line in warned)
