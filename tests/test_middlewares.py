"""BackoffRetryMiddleware: waits before retrying, honours Retry-After, retries empty 200s."""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime

import pytest
import scrapy
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionLost

from archiver.middlewares import (
    EXPECT_BODY,
    GAVE_UP,
    BackoffRetryMiddleware,
    EmptyResponseError,
    backoff_seconds,
    retry_after_seconds,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


class _Spider(scrapy.Spider):
    name = "t"


def middleware(**settings: object) -> BackoffRetryMiddleware:
    crawler = get_crawler(_Spider, settings_dict={"RETRY_TIMES": 2, **settings})
    crawler.spider = crawler._create_spider()
    return BackoffRetryMiddleware.from_crawler(crawler)


def answer(status: int, body: bytes = b"<html>x</html>", **headers: str) -> Response:
    return HtmlResponse("http://127.0.0.1/a", status=status, body=body, headers=headers)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("7", 7.0), (b"120", 120.0), (" 0 ", 0.0),
        ("Sat, 28 Nov 2026 12:00:30 GMT", 30.0),
        ("Sat, 28 Nov 2026 11:00:00 GMT", 0.0),  # in the past: no wait
        ("soon", None), ("", None), (None, None), ("-5", None),
    ],
)
def test_retry_after_reads_seconds_and_http_dates(value: str | bytes | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, now=NOW) == seconds


def test_backoff_doubles_up_to_the_cap_with_jitter() -> None:
    rng = random.Random(1)  # noqa: S311 - jitter, not crypto
    waits = [backoff_seconds(n, base=1.0, cap=5.0, rng=rng) for n in (1, 2, 3, 4, 5)]
    for wait, nominal in zip(waits, (1, 2, 4, 5, 5), strict=True):
        assert 0.75 * nominal <= wait <= 1.25 * nominal
    with pytest.raises(ValueError, match="start at 1"):
        backoff_seconds(0, base=1.0, cap=5.0, rng=rng)


def test_a_503_is_retried_after_the_backoff() -> None:
    mw = middleware(ARCHIVER_RETRY_BACKOFF=0.2)
    started = time.monotonic()
    retry = asyncio.run(mw.process_response(Request("http://127.0.0.1/a"), answer(503)))
    waited = time.monotonic() - started
    assert isinstance(retry, Request)
    assert retry.meta["retry_times"] == 1
    assert 0.14 <= waited < 1.0


def test_a_429_waits_as_long_as_retry_after_says() -> None:
    mw = middleware(ARCHIVER_RETRY_BACKOFF=0.0)
    started = time.monotonic()
    retry = asyncio.run(
        mw.process_response(Request("http://127.0.0.1/a"), answer(429, **{"Retry-After": "1"}))
    )
    assert isinstance(retry, Request)
    assert 0.95 <= time.monotonic() - started < 2.0


def test_a_retry_after_longer_than_the_cap_gives_up_at_once() -> None:
    mw = middleware(ARCHIVER_RETRY_AFTER_MAX=10)
    request = Request("http://127.0.0.1/a")
    started = time.monotonic()
    result = asyncio.run(mw.process_response(request, answer(429, **{"Retry-After": "3600"})))
    assert isinstance(result, Response)
    assert result.status == 429
    assert time.monotonic() - started < 0.5
    assert "3600 s" in request.meta[GAVE_UP]


def test_retries_stop_after_retry_times() -> None:
    mw = middleware(ARCHIVER_RETRY_BACKOFF=0.0)
    request = Request("http://127.0.0.1/a", meta={"retry_times": 2})
    result = asyncio.run(mw.process_response(request, answer(503)))
    assert isinstance(result, Response)
    assert result.status == 503


def test_an_empty_200_is_retried_then_fails_when_a_body_is_expected() -> None:
    mw = middleware(ARCHIVER_RETRY_BACKOFF=0.0)
    article = Request("http://127.0.0.1/a", meta={EXPECT_BODY: True})
    assert isinstance(asyncio.run(mw.process_response(article, answer(200, b""))), Request)
    spent = Request("http://127.0.0.1/a", meta={EXPECT_BODY: True, "retry_times": 2})
    with pytest.raises(EmptyResponseError, match="empty 200 response after 3 attempts"):
        asyncio.run(mw.process_response(spent, answer(200, b"")))
    other = Request("http://127.0.0.1/robots.txt")  # an empty robots.txt is fine
    assert isinstance(asyncio.run(mw.process_response(other, answer(200, b""))), Response)


def test_a_lost_connection_is_retried_after_the_backoff() -> None:
    mw = middleware(ARCHIVER_RETRY_BACKOFF=0.1)
    started = time.monotonic()
    retry = asyncio.run(mw.process_exception(Request("http://127.0.0.1/a"), ConnectionLost()))
    assert isinstance(retry, Request)
    assert time.monotonic() - started >= 0.07


def test_dont_retry_is_respected() -> None:
    mw = middleware()
    request = Request("http://127.0.0.1/a", meta={"dont_retry": True})
    assert isinstance(asyncio.run(mw.process_response(request, answer(503))), Response)


def test_negative_settings_are_refused() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        middleware(ARCHIVER_RETRY_BACKOFF=-1)
