"""Item pipelines, one job each, in this order (see ITEM_PIPELINES in settings.py):

NormalisePipeline (100) -> ValidatePipeline (200) -> StorePipeline (900).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archiver.article import normalise_item, reject_reasons
from archiver.clock import iso_utc
from archiver.errors import ArchiveError
from archiver.items import ArticleItem, NotModified
from archiver.run import FATAL_ARCHIVE_ERRORS, RunLifecycle, describe, printable
from archiver.store import Archive


class NormalisePipeline:
    """Each item with its normalised fields filled from its raw ones (a new record)."""

    def __init__(self, tz: str) -> None:
        self.tz = tz

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Read the site's timezone from the ARCHIVER_TIMEZONE setting."""
        return cls(crawler.settings.get("ARCHIVER_TIMEZONE", "Europe/Minsk"))

    def process_item(self, item: ArticleItem | NotModified) -> ArticleItem | NotModified:
        """A not-yet-rejected item normalised (a NotModified one has nothing to normalise)."""
        if isinstance(item, ArticleItem) and not item.reject_reasons:
            return normalise_item(item, tz=self.tz)
        return item


class ValidatePipeline:
    """Mark items that cannot be archived with their reasons; they are stored as rejects."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Keep the crawler for its stats."""
        return cls(crawler)

    def process_item(self, item: ArticleItem | NotModified) -> ArticleItem | NotModified:
        """The item with its ``reject_reasons`` (a new record), the outcome counted (a
        NotModified item is valid)."""
        if isinstance(item, NotModified):
            return item
        if not item.reject_reasons and (reasons := reject_reasons(item)):
            item = replace(item, reject_reasons=reasons)
        if self.crawler.stats is not None:
            key = "archiver/rejected" if item.reject_reasons else "archiver/valid"
            self.crawler.stats.inc_value(key)
        return item


class StorePipeline:
    """Write items to the run's archive (archiver.run) in batches, one transaction per batch.

    A write that fails for the archive's sake (``FATAL_ARCHIVE_ERRORS``: disk full, ...) is
    rolled back and reported to the run (``RunLifecycle.archive_failed``), which stops the crawl
    and leaves its row unfinished. A batch that fails for any other reason (an item the database
    cannot hold: a lone surrogate, an integer too large) is stored again item by item; an item
    that still fails is stored as a reject with the error as its reason (its raw page kept), and
    the run goes on. Outcomes are counted in the ``archiver/items_<outcome>`` stats.
    """

    def __init__(self, crawler: Crawler, run: RunLifecycle, batch_size: int) -> None:
        self.crawler = crawler
        self.run = run
        self.batch_size = batch_size
        self.pending: list[ArticleItem | NotModified] = []
        self.outcomes: dict[str, int] = {"new": 0, "updated": 0, "unchanged": 0, "rejected": 0}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """The crawler's run (NotConfigured without one) and ARCHIVER_BATCH_SIZE."""
        run = RunLifecycle.of(crawler)
        if run is None:
            raise NotConfigured("StorePipeline needs archiver.run.RunLifecycle in EXTENSIONS")
        return cls(crawler, run, crawler.settings.getint("ARCHIVER_BATCH_SIZE", 50))

    @property
    def error(self) -> ArchiveError | None:
        """The fatal archive error that stopped the run, if any (nothing is written after it)."""
        return self.run.error

    def process_item(self, item: ArticleItem | NotModified) -> ArticleItem | NotModified:
        """Queue the item; write the queue when it is full (nothing after a failed write)."""
        if self.error is not None:
            return item
        self.pending.append(item)
        if len(self.pending) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        """Write the queued items in one transaction and count their outcomes."""
        if not self.pending or self.error is not None:
            return
        archive = self.run.archive
        seen_at = iso_utc(self.run.clock())
        try:
            results = archive.store_items(self.pending, run_id=self.run.run_id, seen_at=seen_at)
        except FATAL_ARCHIVE_ERRORS as exc:
            self.fail(exc)
            return
        except Exception:  # noqa: BLE001 (one item's error: found and rejected below)
            one_by_one = self.store_one_by_one(archive, seen_at)
            if one_by_one is None:
                return
            results = one_by_one
        self.pending = []
        for outcome in results:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value(f"archiver/items_{outcome}")

    def store_one_by_one(self, archive: Archive, seen_at: str) -> list[str] | None:
        """Store the queue item by item; an item that fails becomes a reject with the error as
        its reason (counted in ``archiver/store_errors``). None after a fatal archive error."""
        results: list[str] = []
        run_id = self.run.run_id
        for item in self.pending:
            try:
                results += archive.store_items([item], run_id=run_id, seen_at=seen_at)
                continue
            except FATAL_ARCHIVE_ERRORS as exc:
                self.fail(exc)
                return None
            except Exception as exc:  # noqa: BLE001 (any error of one item makes it a reject)
                reason = f"could not be stored ({describe(exc)})"
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("archiver/store_errors")
            try:
                results += archive.store_items([_as_reject(item, reason)], run_id=run_id, seen_at=seen_at)
            except FATAL_ARCHIVE_ERRORS as exc:
                self.fail(exc)
                return None
            except Exception as exc:  # noqa: BLE001 (even its page cannot be kept: a failure)
                url = printable(getattr(item, "url", "") or "?")
                archive.record_failure(
                    url, f"{reason}; its page could not be kept ({describe(exc)})",
                    run_id=run_id, at=seen_at,
                )
                results.append("rejected")
        return results

    def fail(self, exc: ArchiveError) -> None:
        """Give up after a failed write: drop the queue; the run stops the crawl."""
        self.pending = []
        self.run.archive_failed(exc)

    def close_spider(self) -> None:
        """Write what is still queued (before the run completes its row)."""
        self.flush()


def _as_reject(item: ArticleItem | NotModified, reason: str) -> ArticleItem:
    """A reject standing for ``item``: its canonical URL and raw page, no fields, ``reason``."""
    if isinstance(item, NotModified):
        raise TypeError(f"a not-modified page cannot be rejected: {item.url}")
    return ArticleItem(url=printable(item.url or item.page.url), page=item.page, reject_reasons=[reason])
