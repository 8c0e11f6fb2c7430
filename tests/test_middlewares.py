"""BackoffRetryMiddleware: waits before retrying, honours Retry-After, retries empty 200s."""

from __future__ import annotations

import asyncio
import inspect
import random
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
    OffsiteRedirectError,
    ScopeMiddleware,
    TruncatedResponseError,
    backoff_seconds,
    is_cut_short,
    retry_after_seconds,
)
from archiver.pages.scope import SiteScope

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


class _Spider(scrapy.Spider):
    name = "t"


def middleware(**settings: object) -> BackoffRetryMiddleware:
    crawler = get_crawler(_Spider, settings_dict={"RETRY_TIMES": 2, **settings})
    crawler.spider = crawler._create_spider()
    return BackoffRetryMiddleware.from_crawler(crawler)


def recording(**settings: object) -> tuple[BackoffRetryMiddleware, list[float]]:
    """A middleware whose waits are recorded (seconds asked for), not slept."""
    mw = middleware(**settings)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    mw.sleep = sleep
    return mw, waits


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
    mw, waits = recording(ARCHIVER_RETRY_BACKOFF=0.2)
    retry = asyncio.run(mw.process_response(Request("http://127.0.0.1/a"), answer(503)))
    assert isinstance(retry, Request)
    assert retry.meta["retry_times"] == 1
    assert len(waits) == 1
    assert 0.15 <= waits[0] <= 0.25  # 0.2 s with ±25 % jitter


def test_a_429_waits_as_long_as_retry_after_says() -> None:
    mw, waits = recording(ARCHIVER_RETRY_BACKOFF=0.0)
    retry = asyncio.run(
        mw.process_response(Request("http://127.0.0.1/a"), answer(429, **{"Retry-After": "7"}))
    )
    assert isinstance(retry, Request)
    assert waits == [7.0]


@pytest.mark.parametrize("junk", ["\u00b2", "soon", "1.5", "-3", "\u0661"])
def test_a_junk_retry_after_retries_after_the_backoff(junk: str) -> None:
    """Issue 15/17: ``Retry-After: ²`` ("²".isdigit() is true) is no Retry-After at all."""
    mw, waits = recording(ARCHIVER_RETRY_BACKOFF=0.4)
    header = junk.encode("utf-8").decode("latin-1")  # as the bytes arrive
    retry = asyncio.run(
        mw.process_response(Request("http://127.0.0.1/a"), answer(503, **{"Retry-After": header}))
    )
    assert isinstance(retry, Request)
    assert len(waits) == 1
    assert 0.3 <= waits[0] <= 0.5
    assert retry_after_seconds(junk, now=NOW) is None


def test_a_retry_after_longer_than_the_cap_gives_up_at_once() -> None:
    mw, waits = recording(ARCHIVER_RETRY_AFTER_MAX=10)
    request = Request("http://127.0.0.1/a")
    result = asyncio.run(mw.process_response(request, answer(429, **{"Retry-After": "3600"})))
    assert isinstance(result, Response)
    assert result.status == 429
    assert waits == []
    assert "3600 s" in request.meta[GAVE_UP]


def test_the_retry_request_is_scrapys_public_one() -> None:
    """Issue 15.6: get_retry_request (stats, priority, max_retry_times meta), not ``_retry``."""
    mw, waits = recording(ARCHIVER_RETRY_BACKOFF=0.0)
    request = Request("http://127.0.0.1/a", meta={"max_retry_times": 1}, priority=5)
    retry = asyncio.run(mw.process_response(request, answer(503)))
    assert isinstance(retry, Request)
    assert retry.priority == 4  # RETRY_PRIORITY_ADJUST = -1
    assert retry.dont_filter
    spent = asyncio.run(mw.process_response(retry, answer(503)))
    assert isinstance(spent, Response)
    stats = mw.crawler.stats
    assert stats is not None
    assert stats.get_value("retry/count") == 1
    assert stats.get_value("retry/max_reached") == 1
    assert waits == [0.0]
    assert "_retry(" not in inspect.getsource(BackoffRetryMiddleware)


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
    mw, waits = recording(ARCHIVER_RETRY_BACKOFF=0.1)
    retry = asyncio.run(mw.process_exception(Request("http://127.0.0.1/a"), ConnectionLost()))
    assert isinstance(retry, Request)
    assert len(waits) == 1
    assert 0.075 <= waits[0] <= 0.125
    other = asyncio.run(mw.process_exception(Request("http://127.0.0.1/a"), KeyError("x")))
    assert other is None
    assert len(waits) == 1


def cut(body: bytes, **headers: str) -> Response:
    return HtmlResponse("http://127.0.0.1/a", status=200, body=body, headers=headers)


PAGE = b"<!DOCTYPE html><html><head><title>t</title></head><body><p>text</p></body></html>"


@pytest.mark.parametrize(
    ("response", "is_cut"),
    [
        (cut(PAGE), False),
        (cut(PAGE[: len(PAGE) // 2]), True),  # close-delimited, cut in the body
        (cut(PAGE[:-7]), False),  # </body> but no </html>: whole (HTML allows leaving it out)
        (cut(b"<p>a fragment without html or body</p>"), False),  # never opened them
        (cut(PAGE[: len(PAGE) // 2], **{"Content-Length": "99"}), False),  # Twisted checks it
        (cut(PAGE[: len(PAGE) // 2], **{"Transfer-Encoding": "chunked"}), False),
        (cut(PAGE[: len(PAGE) // 2], **{"Content-Type": "application/json"}), False),
    ],
)
def test_a_page_cut_short_is_told_by_its_own_structure(response: Response, is_cut: bool) -> None:
    assert is_cut_short(response) is is_cut


def test_a_page_cut_short_is_retried_then_fails() -> None:
    mw, waits = recording(ARCHIVER_RETRY_BACKOFF=0.0)
    article = Request("http://127.0.0.1/a", meta={EXPECT_BODY: True})
    half = cut(PAGE[: len(PAGE) // 2])
    assert isinstance(asyncio.run(mw.process_response(article, half)), Request)
    spent = Request("http://127.0.0.1/a", meta={EXPECT_BODY: True, "retry_times": 2})
    with pytest.raises(TruncatedResponseError, match=r"cut short.*after 3 attempts"):
        asyncio.run(mw.process_response(spent, half))
    listing = Request("http://127.0.0.1/")  # only article pages are checked
    assert asyncio.run(mw.process_response(listing, half)) is half
    assert waits == [0.0]


def test_requests_outside_the_site_are_refused_redirects_included() -> None:
    """Issue 17.9: dont_filter turns Scrapy's offsite check off; the scope check stays on."""
    crawler = get_crawler(_Spider)
    crawler.spider = crawler._create_spider()
    crawler.spider.scope = SiteScope("https://site.example")  # type: ignore[attr-defined]
    mw = ScopeMiddleware.from_crawler(crawler)
    for same in ("https://site.example/a/b", "https://www.site.example/a/b", "http://site.example/x"):
        assert mw.process_request(Request(same, dont_filter=True)) is None
    redirected = Request("http://localhost:8080/latest/meta-data", dont_filter=True,
                         meta={"redirect_urls": ["https://site.example/a/b"]})
    with pytest.raises(OffsiteRedirectError, match="redirected off the site to http://localhost"):
        mw.process_request(redirected)
    with pytest.raises(OffsiteRedirectError, match="outside the site"):
        mw.process_request(Request("https://site.example:8443/a/b", dont_filter=True))


def test_dont_retry_is_respected() -> None:
    mw = middleware()
    request = Request("http://127.0.0.1/a", meta={"dont_retry": True})
    assert isinstance(asyncio.run(mw.process_response(request, answer(503))), Response)


def test_negative_settings_are_refused() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        middleware(ARCHIVER_RETRY_BACKOFF=-1)
