"""The spider: where to go on Belarus in Focus. What a page contains is archiver.pages' job."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.internet import defer
from twisted.internet.error import TCPTimedOutError, TimeoutError  # noqa: A004 (Twisted's name)
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed

from archiver.clock import Clock, clock_from_setting, iso_utc
from archiver.extract import build_item
from archiver.items import ArticleItem, Failed, NotModified, RawPage
from archiver.lock import RunLock
from archiver.middlewares import EXPECT_BODY, GAVE_UP
from archiver.normalise import canonical_url, parse_published
from archiver.pages.belarusinfocus import (
    ListingPage,
    feed_links,
    sitemap_links,
)
from archiver.plan import RECHECK_DAYS, RETRY_DAYS, Action, CrawlPlan, parse_instant
from archiver.scope import SiteScope
from archiver.store import Archive, KnownArticle

DEFAULT_BASE_URL = "https://belarusinfocus.info"
HTTP_NOT_MODIFIED = 304
ROBOTS_FORBIDDEN = "Forbidden by robots.txt"
"""The message of Scrapy's RobotsTxtMiddleware: the site's wish, not a failure."""

LOOPBACK_SETTINGS: dict[str, object] = {
    # A replica on this machine needs no politeness: lift the throttle (users' -s still win).
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "ARCHIVER_RETRY_BACKOFF": 0.05,  # seconds; a Retry-After from the replica is still obeyed
}


def is_loopback(url: str) -> bool:
    """Whether ``url`` points at this machine (127.0.0.0/8, ::1 or localhost)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class BelarusInFocusSpider(scrapy.Spider):
    """Walks the listing pages (with pagination), the feed and the sitemap to the articles that
    the run's plan (archiver.plan) wants: all of them, or the new and edited ones.

    Arguments (``-a name=value``, also through Scrapyd's ``schedule.json``): ``base_url``
    (default https://belarusinfocus.info); ``db`` (the archive, default the ARCHIVER_DB
    setting); ``full`` (``1``/``true``: walk everything); ``since`` (a date, ISO 8601: nothing
    shown or modified before it is fetched).
    """

    name = "belarusinfocus"

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        db: str | None = None,
        full: str | bool = False,
        since: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.site_host = parts.netloc
        self.scope = SiteScope(self.base_url)
        self.allowed_domains = [parts.hostname or ""]
        self.db = db
        self.full = parse_flag(full)
        self.since = parse_since(since)
        self.clock: Clock = clock_from_setting(None)
        self.lock: RunLock | None = None
        """The run lock when this spider took it (runs not started by ``archiver crawl``)."""
        self.plan: CrawlPlan | None = None
        """Set by ``from_crawler`` from the archive's state (see archiver.plan)."""
        self.failures: list[Failed] = []
        """Every article that could not be fetched in this run."""
        self.requested: set[str] = set()
        """Article URLs requested in this run: each once, though several pages link to it.

        Article requests bypass Scrapy's duplicate filter (``dont_filter``), because that filter
        silently drops a redirect back to a URL already seen: a redirect loop must end in
        "max redirections reached", recorded as a failure, not in a page that vanishes."""
        self.templates: list[str] | None = None
        """The page templates to know (ARCHIVER_TEMPLATES; None: every one), set by from_crawler."""
        self.listing_failures = 0
        """Listing pages that could not be fetched (their articles may come from the sitemap)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        """Build the spider: the archive path, the clock, the throttle on loopback, the plan."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if spider.db:
            settings.set("ARCHIVER_DB", spider.db, priority="spider")
        spider.clock = clock_from_setting(settings.get("ARCHIVER_NOW"))
        spider.templates = settings.getlist("ARCHIVER_TEMPLATES") or None
        if is_loopback(spider.base_url) and settings.getbool("ARCHIVER_LOOPBACK_FAST", True):
            settings.setdict(LOOPBACK_SETTINGS, priority="spider")
        if not settings.getbool("ARCHIVER_LOCK_HELD"):
            # run by `scrapy crawl` or Scrapyd, not by `archiver crawl`: take the lock here
            spider.lock = RunLock(Path(settings.get("ARCHIVER_DB")), now=spider.clock)
            spider.lock.acquire()
            crawler.signals.connect(spider.release_lock, signal=signals.engine_stopped)
        spider.plan = read_plan(
            settings.get("ARCHIVER_DB"),
            now=spider.clock(),
            full=spider.full or settings.getbool("ARCHIVER_FULL"),
            since=spider.since,
            recheck_days=settings.getint("ARCHIVER_RECHECK_DAYS", RECHECK_DAYS),
        )
        settings.set("ARCHIVER_MODE", spider.plan.mode, priority="spider")
        return spider

    def release_lock(self) -> None:
        """Release the run lock this spider took, once the engine has stopped."""
        if self.lock is not None:
            self.lock.release()

    async def start(self) -> AsyncIterator[Any]:
        """Failed URLs of earlier runs, then the front listing, the feed and the sitemap."""
        for url in self.current_plan.retry:
            for request in self.maybe_request(url, Action.FETCH):
                yield request
        yield self.listing_request(f"{self.base_url}/")
        yield scrapy.Request(f"{self.base_url}/feed/", callback=self.parse_feed, errback=self.optional)
        yield scrapy.Request(
            f"{self.base_url}/sitemap.xml", callback=self.parse_sitemap, errback=self.no_sitemap
        )

    @property
    def current_plan(self) -> CrawlPlan:
        """The run's plan; a spider built without ``from_crawler`` plans a full crawl."""
        if self.plan is None:
            self.plan = CrawlPlan.choose(known={}, now=self.clock(), since=self.since)
        return self.plan

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the wanted articles of a listing page, then the next page if the plan says so."""
        plan = self.current_plan
        links = ListingPage(response.url, _text(response)).links()
        shown = {url: self.shown_date(links.dates.get(url)) for url in links.articles}
        for url in links.articles:
            yield from self.maybe_request(url, plan.decide(url, shown=shown[url]))
        next_page = self.scope.place(links.next_page) if links.next_page else None
        if next_page and plan.follow_next_page(shown):
            yield self.listing_request(next_page)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the wanted articles of the RSS/Atom feed."""
        for url in feed_links(response.url, _text(response)):
            yield from self.maybe_request(url, self.current_plan.decide(url))

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the wanted articles of the sitemap (by ``lastmod``), and nested sitemaps."""
        entries, nested = sitemap_links(response.url, _text(response))
        for url, lastmod in entries:
            yield from self.maybe_request(url, self.current_plan.decide_from_sitemap(url, lastmod))
        for url in nested:
            placed = self.scope.place(url)
            if placed is not None:
                yield scrapy.Request(placed, callback=self.parse_sitemap, errback=self.optional)
        if not entries and not nested:
            yield from self.recheck_recent()

    def no_sitemap(self, failure: Failure) -> Iterator[scrapy.Request]:
        """Without a sitemap, re-check the recent articles one by one (conditional requests)."""
        self.optional(failure)
        yield from self.recheck_recent()

    def recheck_recent(self) -> Iterator[scrapy.Request]:
        """Conditional requests for the archived articles of the re-check window."""
        for url in self.current_plan.rechecks():
            yield from self.maybe_request(url, Action.CHECK)

    def maybe_request(self, url: str, action: Action) -> Iterator[scrapy.Request]:
        """The request ``action`` calls for (none for SKIP, or for a URL outside the site)."""
        if action is Action.SKIP:
            return
        placed = self.scope.place(url)
        if placed is None:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("archiver/offsite_links")
            self.logger.debug("not following a link outside the site: %s", url)
            return
        if placed in self.requested:
            return
        self.requested.add(placed)
        yield self.article_request(placed, action)

    def listing_request(self, url: str) -> scrapy.Request:
        """The request for a listing page; a failure is counted (the run exits 1)."""
        return scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed)

    def listing_failed(self, failure: Failure) -> None:
        """A listing page could not be fetched: warn and count it."""
        reason, _ = describe_failure(failure)
        self.listing_failures += 1
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("archiver/listing_failures")
        self.logger.warning("listing page failed: %s (%s)", _request_url(failure), reason)

    def shown_date(self, raw: str | None) -> datetime | None:
        """A date shown in a listing, as an aware UTC datetime (None if none or unreadable)."""
        if not raw:
            return None
        return parse_instant(raw) or parse_published(
            raw, now=self.clock(), tz=self.settings.get("ARCHIVER_TIMEZONE", "Europe/Minsk")
        )

    def parse_article(self, response: Response) -> Iterator[ArticleItem | NotModified]:
        """One article page -> one item with raw fields and the raw response (304: NotModified)."""
        url = canonical_url(response.url)
        if response.status == HTTP_NOT_MODIFIED:
            yield NotModified(url=url, fetched_at=iso_utc(self.clock()))
            return
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("archiver/pages_parsed")
        page = RawPage(
            url=response.url,
            fetched_at=iso_utc(self.clock()),
            status=response.status,
            headers={
                k.decode("latin-1"): [v.decode("latin-1") for v in vs]
                for k, vs in response.headers.items()
            },
            body=response.body,
        )
        if not isinstance(response, TextResponse):
            item = ArticleItem(url=url, page=page)
            item.reject_reasons.append(f"not a text page ({response.headers.get('Content-Type')!r})")
            yield item
            return
        yield build_item(page, response.text, templates=self.templates)

    def article_request(self, url: str, action: Action = Action.FETCH) -> scrapy.Request:
        """The request for an article page; conditional for CHECK when validators are archived.

        Failures are recorded, not only logged.
        """
        headers: dict[str, str] = {}
        known = self.current_plan.known.get(url)
        if action is Action.CHECK and known is not None:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        meta: dict[str, Any] = {EXPECT_BODY: True}
        if headers:
            meta["handle_httpstatus_list"] = [HTTP_NOT_MODIFIED]
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            headers=headers or None,
            meta=meta,
            dont_filter=True,
        )

    def article_failed(self, failure: Failure) -> None:
        """Remember an article that could not be fetched, with why (see StorePipeline).

        A page that robots.txt forbids is not a failure: it is counted and left alone.
        """
        url = _request_url(failure)
        reason, status = describe_failure(failure)
        if reason == ROBOTS_FORBIDDEN:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("archiver/robots_forbidden")
            return
        self.failures.append(Failed(canonical_url(url), reason, status))
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("archiver/failures")
        self.logger.warning("article failed: %s (%s)", url, reason)

    def optional(self, failure: Failure) -> None:
        """The feed and the sitemap may not exist: note it and go on."""
        self.logger.info("optional start point unavailable: %s", failure.getErrorMessage())


def describe_failure(failure: Failure) -> tuple[str, int | None]:
    """Why a request failed, in words, and the HTTP status of its last response (or None).

    ``HTTP 503 after 4 attempts``; ``timed out after 60 s``; the exception's message otherwise
    (a reset connection, a body cut short, too large, too many redirects, robots.txt).
    """
    request = getattr(failure, "request", None)
    meta = request.meta if request is not None else {}
    attempts = int(meta.get("retry_times", 0)) + 1
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    response = getattr(failure.value, "response", None)
    if response is not None:
        gave_up = meta.get(GAVE_UP)
        suffix = f": {gave_up}" if gave_up else tries
        return f"HTTP {response.status}{suffix}", int(response.status)
    if isinstance(failure.value, TimeoutError | defer.TimeoutError | TCPTimedOutError):
        timeout = meta.get("download_timeout")
        limit = f" after {timeout:g} s" if isinstance(timeout, int | float) else ""
        return f"timed out{limit}{tries}", None
    message = failure.getErrorMessage() or type(failure.value).__name__
    if isinstance(failure.value, ResponseFailed):
        message = "the connection broke before the whole page arrived (" + "; ".join(
            str(reason.value) or type(reason.value).__name__
            for reason in getattr(failure.value, "reasons", [])
        ) + ")"
    return f"{message}{tries}" if message != ROBOTS_FORBIDDEN else message, None


def _request_url(failure: Failure) -> str:
    request = getattr(failure, "request", None)
    return str(request.url) if request is not None else "?"


def parse_flag(value: str | bool) -> bool:
    """A spider argument as a boolean: ``1``, ``true``, ``yes``, ``on`` (any case) are true."""
    if isinstance(value, bool):
        return value
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("", "0", "false", "no", "off"):
        return False
    raise ValueError(f"expected a yes/no value, got {value!r}")


def parse_since(value: str | None) -> datetime | None:
    """The ``since`` argument (``2024-01-01``, or an ISO 8601 time) as aware UTC; None for none."""
    if value is None or not value.strip():
        return None
    parsed = parse_instant(value)
    if parsed is None:
        raise ValueError(f"since must be a date like 2024-01-31, got {value!r}")
    return parsed


def read_plan(
    db_path: str, *, now: datetime, full: bool, since: datetime | None, recheck_days: int
) -> CrawlPlan:
    """The run's plan from the archive's state (an archive that does not exist yet is empty).

    Call it under the run lock and before the run's own ``crawl_runs`` row is written.
    """
    known: dict[str, KnownArticle] = {}
    committed: set[str] | None = None
    retry: list[str] = []
    if Path(db_path).exists():
        with Archive(db_path).open(readonly=True) as archive:
            known = archive.crawl_state()
            point = archive.resume_point()
            if point is not None:
                committed = archive.committed_since(point)
            retry = archive.retry_urls(since=iso_utc(now - timedelta(days=RETRY_DAYS)))
    return CrawlPlan.choose(
        known=known,
        now=now,
        full=full,
        resume_committed=committed,
        since=since,
        recheck_days=recheck_days,
        retry=retry,
    )


def _text(response: Response) -> str:
    return response.text if isinstance(response, TextResponse) else ""

