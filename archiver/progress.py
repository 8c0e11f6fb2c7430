"""A Scrapy extension that prints the crawl's progress: pages, items by outcome, rate."""

from __future__ import annotations

import sys
import time
from typing import Self, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class Progress:
    """Every ARCHIVER_PROGRESS_INTERVAL seconds, one line on stderr; a last one at the end."""

    def __init__(self, crawler: Crawler, interval: float, out: TextIO = sys.stderr) -> None:
        self.crawler = crawler
        self.interval = interval
        self.out = out
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Off when ARCHIVER_PROGRESS_INTERVAL is 0."""
        interval = crawler.settings.getfloat("ARCHIVER_PROGRESS_INTERVAL", 5.0)
        if interval <= 0:
            raise NotConfigured("ARCHIVER_PROGRESS_INTERVAL is 0")
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        """Start the clock and the periodic line."""
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, reason: str) -> None:
        """Stop the periodic line and print the last one."""
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.report(final=reason)

    def line(self) -> str:
        """The progress line for the stats as they are now."""
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        elapsed = max(time.monotonic() - self.started, 1e-9)
        pages = int(stats.get("response_received_count", 0))
        outcomes = ", ".join(
            f"{name} {int(stats.get(f'archiver/items_{name}', 0))}"
            for name in ("new", "updated", "unchanged", "rejected")
        )
        failures = int(stats.get("archiver/failures", 0))
        return (
            f"progress: {pages} pages ({pages / elapsed:.1f}/s), items: {outcomes}, "
            f"failures {failures}, {elapsed:.0f} s"
        )

    def report(self, final: str | None = None) -> None:
        """Print one progress line (with the finish reason at the end)."""
        suffix = f" — {final}" if final else ""
        print(self.line() + suffix, file=self.out, flush=True)
