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
like a 503, and fails with ``EmptyResponseError`` when the retries are spent.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Final, Self

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep

EXPECT_BODY: Final = "archiver_expect_body"
"""Request meta key: an empty 200 answer to this request is a failure, not a page."""
GAVE_UP: Final = "archiver_gave_up"
"""Request meta key set when a retry was refused, with the reason (e.g. a long Retry-After)."""
_RATE_LIMITED: Final = frozenset({429, 503})


class EmptyResponseError(IgnoreRequest):
    """A 200 response without a body, for a request that needs one, after every retry."""


def retry_after_seconds(value: bytes | str | None, *, now: datetime) -> float | None:
    """A ``Retry-After`` header value in seconds (≥ 0): delay-seconds or an HTTP date, read
    against ``now`` (aware); None when absent or unreadable."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
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
        empty = response.status == 200 and not response.body and request.meta.get(EXPECT_BODY)
        if response.status not in self.retry_http_codes and not empty:
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
        reason = "empty 200 response" if empty else f"HTTP {response.status}"
        retry = self._retry(request, reason)
        if retry is None:
            if empty:
                attempts = int(request.meta.get("retry_times", 0)) + 1
                raise EmptyResponseError(f"empty 200 response after {attempts} attempts")
            return response
        await sleep(wait if wait is not None else self._backoff(retry))
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        """Retry (after the backoff) a retryable exception; else let it propagate."""
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            await sleep(self._backoff(retry))
        return retry

    def _backoff(self, retry: Request) -> float:
        return backoff_seconds(
            int(retry.meta.get("retry_times", 1)),
            base=self.backoff_base, cap=self.backoff_cap, rng=self.rng,
        )
