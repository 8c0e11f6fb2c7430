"""The spider: where to go on Belarus in Focus. What a page contains is archiver.pages' job."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Iterator
from typing import Any, Self
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from archiver.clock import Clock, clock_from_setting, iso_utc
from archiver.extract import build_item
from archiver.items import ArticleItem, RawPage
from archiver.normalise import canonical_url
from archiver.pages.belarusinfocus import (
    ListingPage,
    feed_links,
    sitemap_links,
)

DEFAULT_BASE_URL = "https://belarusinfocus.info"

LOOPBACK_SETTINGS: dict[str, object] = {
    # A replica on this machine needs no politeness: lift the throttle (users' -s still win).
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
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
    """Walks the listing pages (with pagination), the feed and the sitemap to every article.

    Arguments (``-a name=value``): ``base_url`` (default https://belarusinfocus.info).
    """

    name = "belarusinfocus"

    def __init__(self, base_url: str = DEFAULT_BASE_URL, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.site_host = parts.netloc
        self.allowed_domains = [parts.hostname or ""]
        self.clock: Clock = clock_from_setting(None)
        self.failures: list[tuple[str, str]] = []
        """(canonical url, reason) of every article that could not be fetched in this run."""

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        """Build the spider; lift the throttle for a replica on loopback."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.clock = clock_from_setting(crawler.settings.get("ARCHIVER_NOW"))
        if is_loopback(spider.base_url) and crawler.settings.getbool("ARCHIVER_LOOPBACK_FAST", True):
            crawler.settings.setdict(LOOPBACK_SETTINGS, priority="spider")
        return spider

    async def start(self) -> AsyncIterator[Any]:
        """The front listing, the feed and the sitemap."""
        yield scrapy.Request(f"{self.base_url}/", callback=self.parse_listing)
        yield scrapy.Request(f"{self.base_url}/feed/", callback=self.parse_feed, errback=self.optional)
        yield scrapy.Request(
            f"{self.base_url}/sitemap.xml", callback=self.parse_sitemap, errback=self.optional
        )

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow each article of a listing page, then the next page."""
        links = ListingPage(response.url, _text(response)).links()
        for url in links.articles:
            yield self.article_request(url)
        if links.next_page:
            yield scrapy.Request(links.next_page, callback=self.parse_listing)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow each article of the RSS/Atom feed."""
        for url in feed_links(response.url, _text(response)):
            yield self.article_request(url)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow each article of the sitemap, and nested sitemaps."""
        entries, nested = sitemap_links(response.url, _text(response))
        for url, _lastmod in entries:
            yield self.article_request(url)
        for url in nested:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.optional)

    def parse_article(self, response: Response) -> Iterator[ArticleItem]:
        """One article page -> one item with raw fields and the raw response."""
        url = canonical_url(response.url)
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
        yield build_item(page, response.text)

    def article_request(self, url: str) -> scrapy.Request:
        """The request for an article page; failures are recorded, not only logged."""
        return scrapy.Request(url, callback=self.parse_article, errback=self.article_failed)

    def article_failed(self, failure: Failure) -> None:
        """Count an article that could not be fetched and remember why (see StorePipeline)."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        response = getattr(failure.value, "response", None)
        reason = (
            f"HTTP {response.status}" if response is not None else failure.getErrorMessage()
        ) or repr(failure.value)
        self.failures.append((canonical_url(url), reason))
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("archiver/failures")
        self.logger.warning("article failed: %s (%s)", url, reason)

    def optional(self, failure: Failure) -> None:
        """The feed and the sitemap may not exist: note it and go on."""
        self.logger.info("optional start point unavailable: %s", failure.getErrorMessage())


def _text(response: Response) -> str:
    return response.text if isinstance(response, TextResponse) else ""

