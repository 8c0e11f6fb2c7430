"""The spider: where to go on Belarus in Focus. What a page contains is archiver.pages' job."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from email.utils import format_datetime
from typing import Any, Final, Self, TypeVar
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.utils.gz import gunzip
from twisted.internet import defer
from twisted.internet.error import TCPTimedOutError, TimeoutError  # noqa: A004 (Twisted's name)
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed

from archiver.clock import Clock, clock_from_setting, iso_utc
from archiver.dates import parse_bound
from archiver.extract import build_item
from archiver.items import ArticleItem, Failed, NotModified, RawPage
from archiver.middlewares import EXPECT_BODY, GAVE_UP
from archiver.normalise import canonical_url, parse_period, parse_published
from archiver.pages.belarusinfocus import (
    ListingLinks,
    ListingPage,
    feed_entries,
    sitemap_links,
)
from archiver.pages.scope import SiteScope
from archiver.pages.site import canonical_article_url, is_article_url, is_loopback_url
from archiver.plan import Action, CrawlPlan, parse_instant
from archiver.run import RunLifecycle

DEFAULT_BASE_URL = "https://belarusinfocus.info"
DEFAULT_MIRRORS = "https://belarusinfocus.pro"
"""The site's other host (docs/CONTRACT: .info primary, .pro mirror), for the default base URL."""
HTTP_NOT_MODIFIED = 304
URL_LENGTH_LIMIT: Final = 2083
"""Scrapy's URLLENGTH_LIMIT default: a longer article URL is recorded as failed, not requested."""
PAGER_DEPTH: Final = "archiver_pager_depth"
"""Request meta key of a listing page: (pages followed through its pager, barren pages in a row)."""
_T = TypeVar("_T")
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


class BelarusInFocusSpider(scrapy.Spider):
    """Walks the listing pages (with pagination), the feed and the sitemap to the articles that
    the run's plan (archiver.plan) wants: all of them, or the new and edited ones.

    Arguments (``-a name=value``, also through Scrapyd's ``schedule.json``): ``base_url``
    (default https://belarusinfocus.info); ``db`` (the archive, default the ARCHIVER_DB
    setting); ``full`` (``1``/``true``: walk everything); ``since`` (a date, ISO 8601: nothing
    shown or modified before it is fetched); ``mirrors`` (comma-separated base URLs of the
    site's other hosts, whose links and redirects are followed and stored under ``base_url``;
    default https://belarusinfocus.pro for the default base URL, none otherwise).
    """

    name = "belarusinfocus"

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        db: str | None = None,
        full: str | bool = False,
        since: str | None = None,
        mirrors: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.site_host = parts.netloc
        if mirrors is None:
            mirrors = DEFAULT_MIRRORS if self.base_url == DEFAULT_BASE_URL else ""
        self.mirrors = tuple(m.strip().rstrip("/") for m in mirrors.split(",") if m.strip())
        self.base_urls: tuple[str, ...] = (self.base_url, *self.mirrors)
        """The site's base URLs, the primary first: the ``hosts`` of the page objects."""
        self.scope = SiteScope(self.base_url, self.mirrors)
        self.allowed_domains = [urlsplit(u).hostname or "" for u in self.base_urls]
        self.db = db
        self.full = parse_flag(full)
        self.since = parse_since(since)
        self.clock: Clock = clock_from_setting(None)
        self.requested: set[str] = set()
        """Article URLs requested in this run: each once, though several pages link to it.

        Article requests bypass Scrapy's duplicate filter (``dont_filter``), because that filter
        silently drops a redirect back to a URL already seen: a redirect loop must end in
        "max redirections reached", recorded as a failure, not in a page that vanishes."""
        self.templates: list[str] | None = None
        """The page templates to know (ARCHIVER_TEMPLATES; None: every one), set by from_crawler."""
        self.listing_failures = 0
        """Listing pages that could not be fetched (their articles may come from the sitemap)."""
        self.linked: set[str] = set()
        """Article URLs that listing pages of this run linked (a pager stops when none is new)."""
        self.max_listing_pages = 2000
        """ARCHIVER_MAX_LISTING_PAGES: listing pages followed through one pager at most."""
        self.barren_pages = 2
        """ARCHIVER_BARREN_PAGES: listing pages in a row without a new article that end a pager."""

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        """Build the spider: the archive path, the clock, the throttle on loopback; the run's
        arguments as settings for its lifecycle (archiver.run: ``ARCHIVER_RUN``,
        ``ARCHIVER_BASE_URL``, ``ARCHIVER_FULL``, ``ARCHIVER_SINCE``)."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if spider.db:
            settings.set("ARCHIVER_DB", spider.db, priority="spider")
        spider.clock = clock_from_setting(settings.get("ARCHIVER_NOW"))
        spider.templates = settings.getlist("ARCHIVER_TEMPLATES") or None
        spider.max_listing_pages = settings.getint("ARCHIVER_MAX_LISTING_PAGES", 2000)
        spider.barren_pages = max(1, settings.getint("ARCHIVER_BARREN_PAGES", 2))
        if is_loopback_url(spider.base_url) and settings.getbool("ARCHIVER_LOOPBACK_FAST", True):
            settings.setdict(LOOPBACK_SETTINGS, priority="spider")
        settings.set("ARCHIVER_RUN", True, priority="spider")
        settings.set("ARCHIVER_BASE_URL", spider.base_url, priority="spider")
        if spider.full:
            settings.set("ARCHIVER_FULL", True, priority="spider")
        if spider.since is not None:
            settings.set("ARCHIVER_SINCE", iso_utc(spider.since), priority="spider")
        return spider

    @property
    def run(self) -> RunLifecycle:
        """The crawl's run (archiver.run): its plan; where failures and sightings are reported."""
        run = RunLifecycle.of(self.crawler)
        if run is None:
            raise RuntimeError("the belarusinfocus spider needs archiver.run.RunLifecycle in EXTENSIONS")
        return run

    async def start(self) -> AsyncIterator[Any]:
        """Failed articles of earlier runs, then the front listing, the feed and the sitemap.

        (A failed listing, feed or sitemap is recorded too; it is not retried as an article; nor
        is a URL too long to request, listed once as failed.)"""
        for url in self.current_plan.retry:
            if len(url) > URL_LENGTH_LIMIT or not is_article_url(url, self.base_urls):
                continue  # a listing, feed or sitemap, or a URL that cannot be requested
            for request in self.maybe_request(url, Action.FETCH):
                yield request
        for base in self.base_urls:  # each host: its home page, feed and sitemap
            yield self.listing_request(f"{base}/")
            yield scrapy.Request(f"{base}/feed/", callback=self.parse_feed, errback=self.optional)
            yield scrapy.Request(
                f"{base}/sitemap.xml", callback=self.parse_sitemap, errback=self.no_sitemap,
                meta={"download_warnsize": self.sitemap_warnsize},
            )

    @property
    def current_plan(self) -> CrawlPlan:
        """The run's plan (archiver.plan), read by the run from the archive's state."""
        return self.run.plan

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the wanted articles of a listing page, then the next page if the plan says so.

        A pager is left when ``barren_pages`` pages in a row linked no article that this run had
        not seen linked already (a "next" link that always increments: a trap), or after
        ``max_listing_pages`` pages."""
        return self.guarded(response, "listing page", lambda: self._parse_listing(response))

    def _parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        plan = self.current_plan
        self.run.start_point_read()
        self._count("archiver/listing_pages_done")
        text = _text(response)

        def read(t: str) -> tuple[ListingLinks, int | None]:
            page = ListingPage(response.url, t, self.base_urls)
            return page.links(), page.page_count()

        links, pages = self.without_bad_links(response.url, text, read)
        depth, barren = response.meta.get(PAGER_DEPTH, (0, 0))
        if depth == 0 and plan.walks_everything and self.since is None:  # the progress line's total
            self._count("archiver/listing_pages_planned", min(pages or 1, self.max_listing_pages))
        shown = {
            self.article_key(url): self.shown_date(links.dates.get(url))
            or self.shown_week(links.periods.get(url))
            for url in links.articles
        }
        new = [url for url in shown if url not in self.linked]
        self.linked.update(shown)
        for url in links.articles:
            key = self.article_key(url)
            yield from self.maybe_request(url, plan.decide(key, shown=shown[key]))
        for listing in links.listings:  # trend listings: the same on every host, walked once
            placed = self.scope.place(listing)
            if placed is not None:
                yield self.listing_request(_with_path_of(placed, listing))
        next_page = self.on_same_host(links.next_page) if links.next_page else None
        if not next_page or not plan.follow_next_page(shown):
            return
        barren = 0 if new else barren + 1
        if barren >= self.barren_pages or depth + 1 >= self.max_listing_pages:
            self._count("archiver/pager_stopped")
            self.logger.warning(
                "not following the pager past %s: %s", response.url,
                f"{barren} pages in a row without a new article" if barren >= self.barren_pages
                else f"ARCHIVER_MAX_LISTING_PAGES = {self.max_listing_pages} reached",
            )
            return
        yield self.listing_request(next_page, depth=(depth + 1, barren))

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the wanted articles of the RSS/Atom feed (an item dated before ``since``, by
        its ``pubDate``/``published``/``updated``, is not fetched)."""
        return self.guarded(response, "feed", lambda: self._parse_feed(response))

    def _parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        self.run.start_point_read()
        text = defuse_xml(_xml_text(response, self.max_xml_bytes))
        entries = self.without_bad_links(
            response.url, text, lambda t: feed_entries(response.url, t, self.base_urls), xml=True
        )
        for url, date in entries:
            shown = self.shown_date(date)
            yield from self.maybe_request(url, self.current_plan.decide(self.article_key(url), shown=shown))

    @property
    def max_xml_bytes(self) -> int:
        """The most a gzipped sitemap or feed may inflate to: DOWNLOAD_MAXSIZE (bytes)."""
        return self.settings.getint("DOWNLOAD_MAXSIZE", 8 * 1024 * 1024) or 8 * 1024 * 1024

    @property
    def sitemap_warnsize(self) -> int:
        """ARCHIVER_SITEMAP_WARNSIZE (bytes): a sitemap grows with the site, past DOWNLOAD_WARNSIZE."""
        return self.settings.getint("ARCHIVER_SITEMAP_WARNSIZE", 6 * 1024 * 1024)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the wanted articles of the sitemap (by ``lastmod``), and nested sitemaps.

        A gzipped sitemap (``sitemap.xml.gz``) is inflated up to DOWNLOAD_MAXSIZE; entities are
        never expanded (an undefined one no longer cuts off the entries after it)."""
        return self.guarded(response, "sitemap", lambda: self._parse_sitemap(response))

    def _parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        self.run.start_point_read()
        text = defuse_xml(_xml_text(response, self.max_xml_bytes))
        entries, nested = self.without_bad_links(
            response.url, text, lambda t: sitemap_links(response.url, t, self.base_urls), xml=True
        )
        self._count("archiver/sitemap_entries", len(entries))
        for url, lastmod in entries:
            action = self.current_plan.decide_from_sitemap(self.article_key(url), lastmod)
            yield from self.maybe_request(url, action)
        for url in nested:  # on the host that names it: each host's sitemap lists its own URLs
            joined = _joined(response.url, url) or ""
            if self.scope.place(joined) is not None:
                yield scrapy.Request(joined, callback=self.parse_sitemap, errback=self.optional,
                                     meta={"download_warnsize": self.sitemap_warnsize})
        if not entries and not nested:
            yield from self.recheck_recent()

    def guarded(
        self, response: Response, what: str, produce: Callable[[], Iterator[_T]]
    ) -> Iterator[_T]:
        """``produce()``'s output; an error while reading the page fails it (recorded with its
        reason: the run exits 1) instead of dropping it into Scrapy's log."""
        try:
            yield from produce()
        except Exception as exc:  # noqa: BLE001 (the boundary: any error reading a page is its failure)
            reason = f"the {what} could not be read ({_describe_exc(exc)})"
            self.fail_page(response.url, reason, response.status)

    def fail_page(self, url: str, reason: str, status: int | None) -> None:
        """Record ``url`` as failed in this run (``rejects`` of kind ``failed``)."""
        key = self.article_key(url) if is_article_url(url, self.base_urls) else canonical_url(url)
        self.run.fail(Failed(key or url, reason, _valid_status(status)))
        self._count("archiver/failures")
        self.logger.warning("failed: %s (%s)", url, reason)

    def without_bad_links(
        self, base: str, text: str, read: Callable[[str], _T], *, xml: bool = False
    ) -> _T:
        """``read(text)``; when a malformed link in ``text`` makes it raise ValueError (``http://
        [your-server]:8080/``), ``read`` of the text without such links (each counted in
        ``archiver/bad_links``)."""
        try:
            return read(text)
        except ValueError:
            cleaned, dropped = drop_bad_links(base, text, xml=xml)
            if not dropped:
                raise
            self._count("archiver/bad_links", dropped)
            self.logger.info("skipped %d malformed link(s) on %s", dropped, base)
            return read(cleaned)

    def _count(self, key: str, n: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, n)

    def no_sitemap(self, failure: Failure) -> Iterator[scrapy.Request]:
        """Without a sitemap, re-check the recent articles one by one (conditional requests)."""
        self.optional(failure)
        yield from self.recheck_recent()

    def recheck_recent(self) -> Iterator[scrapy.Request]:
        """Conditional requests for the archived articles of the re-check window."""
        for url in self.current_plan.rechecks():
            yield from self.maybe_request(url, Action.CHECK)

    def article_key(self, url: str) -> str:
        """The one URL of the article at ``url`` (``canonical_article_url`` on the primary host)."""
        return canonical_article_url(url, self.base_urls)

    def note_url(self, key: str, url: str) -> None:
        """Remember that the article ``key`` was seen under ``url`` too (``article_urls``), unless
        the archive knows that URL already (an idle run writes nothing)."""
        spelled = canonical_url(url)
        if spelled and spelled != key and spelled not in self.current_plan.known:
            self.run.note_url(key, spelled)

    def on_same_host(self, url: str) -> str | None:
        """A listing page's next page as linked (same host: each host's home differs), or None
        when it is not a page of the site."""
        placed = self.scope.place(url)
        return None if placed is None else url

    def maybe_request(self, url: str, action: Action) -> Iterator[scrapy.Request]:
        """The request ``action`` calls for (none for SKIP, or for a URL outside the site): one
        per run per article, for its canonical URL; the URL as linked is remembered."""
        if self.scope.place(url) is None:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("archiver/offsite_links")
            self.logger.debug("not following a link outside the site: %s", url)
            return
        placed = self.article_key(url)
        self.note_url(placed, url)
        if action is Action.SKIP:
            return
        if placed in self.requested:
            return
        self.requested.add(placed)
        if len(placed) > URL_LENGTH_LIMIT:
            self.fail_page(placed, f"URL too long ({len(placed)} characters, at most "
                           f"{URL_LENGTH_LIMIT}): not requested", None)
            return
        self._count("archiver/articles_planned")
        yield self.article_request(placed, action)

    def listing_request(self, url: str, depth: tuple[int, int] = (0, 0)) -> scrapy.Request:
        """The request for a listing page (``depth``: pages followed through its pager, barren
        pages in a row); a failure is recorded (the run exits 1)."""
        return scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed,
                              meta={PAGER_DEPTH: depth})

    def listing_failed(self, failure: Failure) -> None:
        """A listing page could not be fetched: record it as failed (the run exits 1)."""
        reason, status = describe_failure(failure)
        self._count("archiver/listing_pages_done")
        self.listing_failures += 1
        self._count("archiver/listing_failures")
        self.fail_page(_request_url(failure), f"listing page: {reason}", status)

    def shown_week(self, raw: str | None) -> datetime | None:
        """The end of the year-less week a weekly listing shows (``May 15 – May 21``), read
        with the run's clock as context, as aware UTC midnight after its Sunday (None if none)."""
        if not raw:
            return None
        week = parse_period(raw, context=self.clock().date())
        if week is None:
            return None
        return datetime.combine(week[1] + timedelta(days=1), time(), tzinfo=UTC)

    def shown_date(self, raw: str | None) -> datetime | None:
        """A date shown in a listing, as an aware UTC datetime (None if none or unreadable)."""
        if not raw:
            return None
        return parse_instant(raw) or parse_published(
            raw, now=self.clock(), tz=self.settings.get("ARCHIVER_TIMEZONE", "Europe/Minsk")
        )

    def parse_article_and_links(
        self, response: Response
    ) -> Iterator[ArticleItem | NotModified | scrapy.Request]:
        """``parse_article``, then the article's other language version (its ``translation``
        links: the ``/by/`` twin or the English page), as the plan decides."""
        for out in self.parse_article(response):
            yield out
            if isinstance(out, ArticleItem):
                for link in out.related:
                    if link.kind == "translation":
                        action = self.current_plan.decide(self.article_key(link.target_url))
                        yield from self.maybe_request(link.target_url, action)

    def parse_article(self, response: Response) -> Iterator[ArticleItem | NotModified]:
        """One article page -> one item with raw fields and the raw response (304: NotModified).

        The item's URL is the site's spelling of the page's final URL (after redirects to
        ``www.`` or the other scheme: one row). A page that cannot be read (a JSON body, JSON-LD
        too deep to parse, ...) is a reject with the reason, its raw page kept."""
        url = self.article_key(response.url)
        self._count("archiver/articles_done")
        meta = response.request.meta if response.request is not None else {}
        for source in meta.get("redirect_urls", ()):  # a redirect's sources
            self.note_url(url, source)
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
            yield ArticleItem(url=url, page=page, reject_reasons=[
                f"not a text page ({response.headers.get('Content-Type')!r})"
            ])
            return
        try:
            item = self.without_bad_links(
                response.url, response.text,
                lambda text: build_item(page, text, templates=self.templates, hosts=self.base_urls),
            )
        except Exception as exc:  # noqa: BLE001 (the boundary: any error reading a page is its reject)
            yield ArticleItem(url=url, page=page, reject_reasons=[
                f"the page could not be read ({_describe_exc(exc)})"
            ])
            return
        yield replace(item, url=url) if item.url == canonical_url(response.url) else item

    def article_request(self, url: str, action: Action = Action.FETCH) -> scrapy.Request:
        """The request for an article page; conditional for CHECK when validators are archived
        (for another URL of an archived article, without validators: If-Modified-Since its last
        sighting).

        Failures are recorded, not only logged.
        """
        headers: dict[str, str] = {}
        known = self.current_plan.known.get(url)
        if action is Action.CHECK and known is not None:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
            elif not known.etag and (seen := parse_instant(known.last_seen_at)) is not None:
                # another URL of an archived article (a re-published copy): no validators of its
                # own, but it was read whole when last seen
                headers["If-Modified-Since"] = format_datetime(seen, usegmt=True)
        meta: dict[str, Any] = {EXPECT_BODY: True}
        if headers:
            meta["handle_httpstatus_list"] = [HTTP_NOT_MODIFIED]
        return scrapy.Request(
            url,
            callback=self.parse_article_and_links,
            errback=self.article_failed,
            headers=headers or None,
            meta=meta,
            dont_filter=True,
        )

    def article_failed(self, failure: Failure) -> None:
        """Report an article that could not be fetched, with why, to the run (archiver.run).

        A page that robots.txt forbids is not a failure: it is counted and left alone.
        """
        url = _request_url(failure)
        self._count("archiver/articles_done")
        reason, status = describe_failure(failure)
        if reason == ROBOTS_FORBIDDEN:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("archiver/robots_forbidden")
            return
        self.fail_page(url, reason, status)

    def optional(self, failure: Failure) -> None:
        """The feed and the sitemap may not exist: a 404 or 410 is noted; any other failure (no
        answer at all, a 5xx, a refused redirect) is recorded as failed."""
        reason, status = describe_failure(failure)
        if status in (404, 410) or reason == ROBOTS_FORBIDDEN:
            self.logger.info("optional start point unavailable: %s (%s)", _request_url(failure), reason)
            return
        self.fail_page(_request_url(failure), reason, status)


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
        status = _valid_status(int(response.status))
        if status is None:
            return f"invalid HTTP status {str(response.status)[:40]}{suffix}", None
        return f"HTTP {status}{suffix}", status
    if isinstance(failure.value, IgnoreRequest) and str(failure.value):
        return str(failure.value), None
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


def _valid_status(status: int | None) -> int | None:
    """``status`` when it is an HTTP status (100-599), else None (``HTTP/1.1 99999999999 OK``)."""
    return status if status is not None and 100 <= status <= 599 else None


def _describe_exc(exc: BaseException) -> str:
    """``TypeName: message``, the message cut to 300 characters and free of lone surrogates."""
    message = str(exc)[:300].encode("utf-8", "backslashreplace").decode("utf-8")
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _joined(base: str, href: str) -> str | None:
    """``href`` made absolute against ``base``; None when it is not a URL (``http://[x]:80/``)."""
    try:
        url = urljoin(base, html.unescape(href).strip())
        _ = urlsplit(url).port
    except ValueError:
        return None
    return url


_HREF: Final = re.compile(r"""(\b(?:href|src)\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_XML_LINK: Final = re.compile(r"(<(loc|link|guid|id)\b[^>]*>)(.*?)(</\2\s*>)", re.IGNORECASE | re.DOTALL)
_XML_HREF: Final = re.compile(r"""(<link\b[^>]*?\bhref\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def drop_bad_links(base: str, text: str, *, xml: bool = False) -> tuple[str, int]:
    """``text`` with every link that is not a URL emptied: ``href``/``src`` attributes of HTML;
    ``<loc>``, ``<link>``, ``<guid>``, ``<id>`` and Atom ``<link href>`` of XML. Returns the text
    and how many links were dropped."""
    dropped = 0

    def attr(match: re.Match[str]) -> str:
        nonlocal dropped
        if _joined(base, match.group(3)) is not None:
            return match.group(0)
        dropped += 1
        return f"{match.group(1)}{match.group(2)}{match.group(2)}"

    def element(match: re.Match[str]) -> str:
        nonlocal dropped
        if _joined(base, match.group(3)) is not None:
            return match.group(0)
        dropped += 1
        return f"{match.group(1)}{match.group(4)}"

    text = _XML_HREF.sub(attr, _XML_LINK.sub(element, text)) if xml else _HREF.sub(attr, text)
    return text, dropped


_ENTITY: Final = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)")
_DOCTYPE: Final = re.compile(r"<!DOCTYPE(?:[^\[>]|\[.*?\])*>", re.IGNORECASE | re.DOTALL)


def defuse_xml(text: str) -> str:
    """XML text that parses whole without expanding anything: the DOCTYPE (with any entity
    declarations) removed, and every ``&`` that does not start one of XML's five entities or a
    character reference written as ``&amp;``. (libxml2 stops at an undefined entity and drops
    the rest of the document.)"""
    return _ENTITY.sub("&amp;", _DOCTYPE.sub("", text, count=1))


def _xml_text(response: Response, max_size: int) -> str:
    """A feed's or sitemap's text; a gzipped body (``.xml.gz``, magic ``1f 8b``) is inflated up
    to ``max_size`` bytes (more: ValueError, the page fails)."""
    body = response.body
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=max_size)
        except (OSError, EOFError, ValueError) as exc:  # ValueError: more than max_size
            raise ValueError(f"a gzipped sitemap or feed that cannot be read: {exc}") from exc
        return body.decode("utf-8", "replace")
    return response.text if isinstance(response, TextResponse) else body.decode("utf-8", "replace")


_FEED_ITEM: Final = "//item | //entry"


def feed_dates(url: str, xml: str) -> dict[str, str]:
    """The date each item of an RSS 2.0 or Atom feed states (``pubDate``, ``published``,
    ``updated``, ``dc:date``), by canonical article URL, as written."""
    sel = scrapy.Selector(text=xml or "<rss/>", type="xml")
    sel.remove_namespaces()
    out: dict[str, str] = {}
    for item in sel.xpath(_FEED_ITEM):
        link = item.xpath("link/text()").get() or item.xpath("link/@href").get()
        date = (item.xpath("pubDate/text()").get() or item.xpath("published/text()").get()
                or item.xpath("date/text()").get() or item.xpath("updated/text()").get())
        target = _joined(url, link) if link else None  # a malformed link has no date
        if target and date:
            out.setdefault(canonical_url(target), date.strip())
    return out


def _with_path_of(placed: str, linked: str) -> str:
    """``placed`` (a URL on the primary host) with the path and query of ``linked`` and
    WordPress's trailing slash (``/analytics/<trend>/``: no redirect)."""
    want = urlsplit(linked)
    path = want.path if want.path.endswith("/") else f"{want.path}/"
    return urlsplit(placed)._replace(path=path, query=want.query, fragment="").geturl()


def _request_url(failure: Failure) -> str:
    """The URL the spider asked for (before any redirect) of a failed request."""
    request = getattr(failure, "request", None)
    if request is None:
        return "?"
    chain = request.meta.get("redirect_urls") or []
    return str(chain[0]) if chain else str(request.url)


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
    """The ``since`` argument in the CLI's one grammar (``2024``, ``2024-01``, ``2024-01-31`` or an
    ISO 8601 time; archiver.dates) as aware UTC; None for none. ValueError names the forms."""
    if value is None or not value.strip():
        return None
    return datetime.fromisoformat(parse_bound(value).replace("Z", "+00:00"))


def _text(response: Response) -> str:
    return response.text if isinstance(response, TextResponse) else ""

