"""Downloader middleware: retries that wait (exponential backoff, or the server's ``Retry-After``).

Scrapy's RetryMiddleware retries at once; against a server that is struggling or rate-limiting
that only makes things worse. ``BackoffRetryMiddleware`` keeps its rules (``RETRY_TIMES``,
``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``, ``dont_retry``) and waits before each retry:

- the ``Retry-After`` of a 429 or 503 (seconds, or an HTTP date), when it asks for at most
  ``ARCHIVER_RETRY_AFTER_MAX`` seconds; a longer wait is not worth holding the run for: the
  request gives up at once and is recorded as failed, for the next run to retry;
- otherwise ``ARCHIVER_RETRY_BACKOFF`` * 2 ** (retry - 1) seconds, at most
  ``ARCHIVER_RETRY_BACKOFF_MAX``, with ±25 % jitter so retries do not arrive together.

An empty ``200`` for a request that expects a body (``meta["archiver_expect_body"]``) is retried
like a 503, and fails with ``EmptyResponseError`` when the retries are spent; so is a page that
ends before its document does (``is_cut_short``: a close-delimited HTML page that opened
``<html>``/``<body>`` and never closed them), failing with ``TruncatedResponseError``. A
``Retry-After`` that is not a number of seconds or an HTTP date (``²``, ``soon``) is ignored: the
request is retried after the usual backoff. The waits go through ``self.sleep`` (an async callable
taking seconds), which tests replace to record the waits asked for.

``ScopeMiddleware`` checks every request against the spider's ``SiteScope`` (``spider.scope``),
redirect targets included: Scrapy's offsite check is off for ``dont_filter`` requests and the
redirects they lead to, so a redirect to another host, port or address would otherwise be fetched.
A request outside the scope fails with ``OffsiteRedirectError`` (the article's errback records it).
"""

from __future__ import annotations

import random
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Final, Self

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep

EXPECT_BODY: Final = "archiver_expect_body"
"""Request meta key: an empty 200 answer to this request is a failure, not a page."""
GAVE_UP: Final = "archiver_gave_up"
"""Request meta key set when a retry was refused, with the reason (e.g. a long Retry-After)."""
_RATE_LIMITED: Final = frozenset({429, 503})
Sleep = Callable[[float], Awaitable[Any]]
"""An async wait of a number of seconds (``scrapy.utils.asyncio.sleep``; a recorder in tests)."""


class EmptyResponseError(IgnoreRequest):
    """A 200 response without a body, for a request that needs one, after every retry."""


class TruncatedResponseError(IgnoreRequest):
    """A page that ended before its document did (see ``is_cut_short``), after every retry."""


class OffsiteRedirectError(IgnoreRequest):
    """A request (a redirect's target) outside the site's scope: not fetched."""


_OPENS: Final = re.compile(rb"<(?:html|body)[\s>]", re.IGNORECASE)
_CLOSES: Final = re.compile(rb"</(?:html|body)\s*>", re.IGNORECASE)


def is_cut_short(response: Response) -> bool:
    """Whether ``response`` is an HTML page that ended before its document did.

    Only a response whose end the server marked by closing the connection is suspect (no
    ``Content-Length``, not chunked: Twisted already fails a body shorter than its
    Content-Length, and a chunked body has its own end mark). Such a page is cut short when its
    document opened ``<html>`` or ``<body>`` and has neither ``</body>`` nor ``</html>``: a page
    that never opened them, or closed one of them, is taken as whole (HTML lets both closings be
    left out, but a page that writes neither after writing the openings is not the norm).
    """
    headers = response.headers
    if headers.get("Content-Length") is not None:
        return False
    if b"chunked" in (headers.get("Transfer-Encoding") or b"").lower():
        return False
    content_type = (headers.get("Content-Type") or b"text/html").lower()
    if b"html" not in content_type:
        return False
    body = response.body
    return bool(_OPENS.search(body[:4096])) and _CLOSES.search(body) is None


def retry_after_seconds(value: bytes | str | None, *, now: datetime) -> float | None:
    """A ``Retry-After`` header value in seconds (≥ 0): delay-seconds or an HTTP date, read
    against ``now`` (aware); None when absent or unreadable."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isascii() and text.isdigit():  # "²".isdigit() is true, float("²") fails
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def backoff_seconds(retry: int, *, base: float, cap: float, rng: random.Random) -> float:
    """The wait before retry number ``retry`` (1-based): ``base`` * 2 ** (retry - 1), at most
    ``cap``, times a jitter factor in [0.75, 1.25]."""
    if retry < 1:
        raise ValueError(f"retry numbers start at 1, got {retry}")
    return float(min(cap, base * 2.0 ** (retry - 1)) * rng.uniform(0.75, 1.25))


def _server_now(response: Response) -> datetime:
    """The server's time: its ``Date`` header (so a ``Retry-After`` date needs no clock sync),
    else this machine's."""
    raw = response.headers.get("Date")
    if raw:
        try:
            when = parsedate_to_datetime(raw.decode("latin-1"))
        except (TypeError, ValueError, IndexError):
            pass
        else:
            return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return datetime.now(UTC)


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that waits before retrying (see the module docstring); replaces it."""

    sleep: Sleep = staticmethod(sleep)
    """The wait before a retry (seconds); an instance attribute replaces it (tests)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("ARCHIVER_RETRY_BACKOFF", 0.5)
        self.backoff_cap = settings.getfloat("ARCHIVER_RETRY_BACKOFF_MAX", 30.0)
        self.retry_after_max = settings.getfloat("ARCHIVER_RETRY_AFTER_MAX", 120.0)
        if min(self.backoff_base, self.backoff_cap, self.retry_after_max) < 0:
            raise ValueError("ARCHIVER_RETRY_BACKOFF, _BACKOFF_MAX and _AFTER_MAX must be >= 0")
        self.rng = random.Random()  # noqa: S311 (jitter, not security)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        """Retry (after the wait) a retryable status or an empty 200; else pass the response."""
        if request.meta.get("dont_retry", False):
            return response
        expect_body = bool(request.meta.get(EXPECT_BODY))
        empty = response.status == 200 and not response.body and expect_body
        cut = response.status == 200 and expect_body and not empty and is_cut_short(response)
        if response.status not in self.retry_http_codes and not empty and not cut:
            return response
        wait = None
        if response.status in _RATE_LIMITED:
            wait = retry_after_seconds(response.headers.get("Retry-After"), now=_server_now(response))
            if wait is not None and wait > self.retry_after_max:
                request.meta[GAVE_UP] = (
                    f"the server asked to retry after {wait:.0f} s "
                    f"(more than ARCHIVER_RETRY_AFTER_MAX = {self.retry_after_max:.0f} s)"
                )
                return response
        reason = (
            "empty 200 response" if empty
            else "page cut short (the connection closed before the document ended)" if cut
            else f"HTTP {response.status}"
        )
        retry = self._retry_request(request, reason)
        if retry is None:
            attempts = int(request.meta.get("retry_times", 0)) + 1
            if empty:
                raise EmptyResponseError(f"empty 200 response after {attempts} attempts")
            if cut:
                raise TruncatedResponseError(f"{reason} after {attempts} attempts")
            return response
        await self.sleep(wait if wait is not None else self._backoff(retry))
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        """Retry (after the backoff) a retryable exception; else let it propagate."""
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        retry = self._retry_request(request, exception)
        if retry is not None:
            await self.sleep(self._backoff(retry))
        return retry

    def _retry_request(self, request: Request, reason: str | Exception) -> Request | None:
        """Scrapy's public ``get_retry_request`` with this middleware's limits (None: spent)."""
        spider = self.crawler.spider
        if spider is None:
            raise RuntimeError("BackoffRetryMiddleware needs a crawler with a spider")
        return get_retry_request(
            request,
            spider=spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
        )

    def _backoff(self, retry: Request) -> float:
        return backoff_seconds(
            int(retry.meta.get("retry_times", 1)),
            base=self.backoff_base, cap=self.backoff_cap, rng=self.rng,
        )


class ScopeMiddleware:
    """Refuses every request outside the spider's ``SiteScope`` (``spider.scope``), redirect
    targets included (see the module docstring); counts them in ``archiver/offsite_refused``."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Keep the crawler: its spider holds the scope, its stats the count."""
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Let a request of the site through; raise OffsiteRedirectError for any other."""
        scope = getattr(self.crawler.spider, "scope", None)
        if scope is None or scope.place(request.url) is not None:
            return
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("archiver/offsite_refused")
        chain = request.meta.get("redirect_urls") or []
        origin = f" (redirected from {chain[0]})" if chain else ""
        raise OffsiteRedirectError(f"redirected off the site to {request.url}{origin}"
                                   if chain else f"outside the site: {request.url}")
