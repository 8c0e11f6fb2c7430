"""A Scrapy extension that prints the crawl's progress: pages, known totals, rate, ETA, items.

One line on stderr every ARCHIVER_PROGRESS_INTERVAL seconds and a last one at the end::

    progress: 132 pages (84/min), articles 120/480, listing pages 12/57, ETA 5 min; items: new 100,
    updated 3, unchanged 10, rejected 0, failures 0; 1 min 30 s

``pages``: responses received (listings, feeds, sitemaps, articles, robots.txt); the rate is pages
per minute over the last minute (the whole run on the last line). ``articles done/planned``: article
requests answered or failed / article requests the plan has made so far (it grows while listings
and sitemaps are read). ``listing pages done/known``: listing pages read or failed / the pages of
the pagers read so far, known from each pager's last page once its first page is read, when the run
walks every pager (a full crawl); without that total, only the pages done. ``ETA``: the remaining
articles and listing pages at the current rate, once the totals are known (the sitemap was read,
or a pager's length). The counts come from the spider's stats (``archiver/articles_planned``,
``archiver/articles_done``, ``archiver/listing_pages_planned``, ``archiver/listing_pages_done``,
``archiver/sitemap_entries``) and the pipelines' (``archiver/items_*``, counted per batch written).
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Final, Self, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

RATE_WINDOW: Final = 60.0
"""Seconds of recent samples the rate (and so the ETA) is measured over."""
OUTCOMES: Final = ("new", "updated", "unchanged", "rejected")


class Progress:
    """Every ARCHIVER_PROGRESS_INTERVAL seconds, one line on stderr; a last one at the end.

    ``clock``: seconds, monotonic (``time.monotonic``; tests pass their own).
    """

    def __init__(
        self,
        crawler: Crawler,
        interval: float,
        out: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.crawler = crawler
        self.interval = interval
        self.out = out
        self.clock = clock
        self.started = clock()
        self.samples: deque[tuple[float, int]] = deque()
        """(clock, pages) at each line of the last RATE_WINDOW seconds, and the start."""
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Off, without a word, when ARCHIVER_PROGRESS_INTERVAL is 0 (or less)."""
        interval = crawler.settings.getfloat("ARCHIVER_PROGRESS_INTERVAL", 5.0)
        if interval <= 0:
            raise NotConfigured  # no message: Scrapy logs a message as a warning
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        """Start the clock and the periodic line."""
        self.started = self.clock()
        self.samples = deque([(self.started, 0)])
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, reason: str) -> None:
        """Stop the periodic line and print the last one."""
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.report(final=reason)

    def line(self, final: str | None = None) -> str:
        """The progress line for the stats as they are now (``final``: the finish reason of the
        last line, which gives the whole run's rate and no ETA)."""
        stats: Mapping[str, object] = self.crawler.stats.get_stats() if self.crawler.stats else {}

        def count(key: str) -> int:
            value = stats.get(key, 0)
            return int(value) if isinstance(value, int | float) else 0

        now = self.clock()
        pages = count("response_received_count")
        rate = self.rate(now, pages, whole_run=final is not None)
        articles = f"articles {count('archiver/articles_done')}/{count('archiver/articles_planned')}"
        listed = count("archiver/listing_pages_done")
        known = "archiver/listing_pages_planned" in stats
        planned = max(count("archiver/listing_pages_planned"), listed)
        listings = f"listing pages {listed}/{planned}" if known else f"listing pages {listed}"
        parts = [f"{pages} pages ({_rate(rate)}/min)", articles, listings]
        if final is None and (known or "archiver/sitemap_entries" in stats):
            left = max(0, count("archiver/articles_planned") - count("archiver/articles_done"))
            left += planned - listed if known else 0
            if left and rate > 0:
                parts.append(f"ETA {_duration(left / rate * 60)}")
        outcomes = ", ".join(f"{name} {count(f'archiver/items_{name}')}" for name in OUTCOMES)
        return (
            f"progress: {', '.join(parts)}; items: {outcomes}, "
            f"failures {count('archiver/failures')}; {_duration(now - self.started)}"
            + (f" — {final}" if final else "")
        )

    def rate(self, now: float, pages: int, *, whole_run: bool = False) -> float:
        """Pages per minute over the last RATE_WINDOW seconds (``whole_run``: since the start);
        records the sample."""
        if whole_run or not self.samples:
            since, then = self.started, 0
        else:
            while len(self.samples) > 1 and now - self.samples[1][0] >= RATE_WINDOW:
                self.samples.popleft()
            since, then = self.samples[0]
        self.samples.append((now, pages))
        return (pages - then) / (now - since) * 60 if now > since else 0.0

    def report(self, final: str | None = None) -> None:
        """Print one progress line (with the finish reason at the end)."""
        print(self.line(final), file=self.out or sys.stderr, flush=True)


def _rate(per_minute: float) -> str:
    """``84`` pages per minute; ``2.5`` below 10."""
    return f"{per_minute:.0f}" if per_minute >= 10 else f"{per_minute:.1f}"


def _duration(seconds: float) -> str:
    """``45 s``, ``12 min``, ``1 h 05 min`` (rounded down to the minute past 60 s)."""
    whole = max(0, int(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"
