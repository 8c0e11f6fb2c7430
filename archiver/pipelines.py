"""Item pipelines, one job each, in this order (see ITEM_PIPELINES in settings.py):

NormalisePipeline (100) -> ValidatePipeline (200) -> StorePipeline (900).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.spiders import Spider
from scrapy.utils.defer import deferred_from_coro

from archiver.article import normalise_item, reject_reasons
from archiver.clock import Clock, clock_from_setting, iso_utc
from archiver.errors import (
    ArchiveCorruptError,
    ArchiveError,
    ArchiveFullError,
    ArchiveLockedError,
    ArchiveReadOnlyError,
)
from archiver.health import RunHealth
from archiver.items import ArticleItem, Failed, NotModified
from archiver.store import Archive

FATAL_ARCHIVE_ERRORS = (ArchiveFullError, ArchiveCorruptError, ArchiveReadOnlyError, ArchiveLockedError)
"""Write errors of the archive itself (disk full, damaged, read-only, locked): the crawl stops.
Any other error while storing a batch is one item's: the items are stored one by one and the
one that fails is rejected."""
UNREACHABLE = "unreachable"
"""The finish reason of a run that read none of its start points (listing, feed, sitemap)."""
FORCED_STOP = "forced_stop"
"""The finish reason written for a run that Scrapy stopped without closing it (Ctrl-C twice)."""

class NormalisePipeline:
    """Fill each item's normalised fields from its raw ones (archiver.normalise)."""

    def __init__(self, tz: str) -> None:
        self.tz = tz

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Read the site's timezone from the ARCHIVER_TIMEZONE setting."""
        return cls(crawler.settings.get("ARCHIVER_TIMEZONE", "Europe/Minsk"))

    def process_item(self, item: ArticleItem | NotModified) -> ArticleItem | NotModified:
        """Normalise a not-yet-rejected item (a NotModified one has nothing to normalise)."""
        if isinstance(item, ArticleItem) and not item.reject_reasons:
            normalise_item(item, tz=self.tz)
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
        """Set ``reject_reasons`` and count the outcome (a NotModified item is valid)."""
        if isinstance(item, NotModified):
            return item
        if not item.reject_reasons:
            item.reject_reasons = reject_reasons(item)
        if self.crawler.stats is not None:
            key = "archiver/rejected" if item.reject_reasons else "archiver/valid"
            self.crawler.stats.inc_value(key)
        return item


class StorePipeline:
    """Write items to the archive in batches, one transaction per batch; keep the run's row.

    A write that fails for the archive's sake (``FATAL_ARCHIVE_ERRORS``: disk full, ...) is
    rolled back and stops the crawl: the error's message is left in the ``archiver/archive_error``
    stat (archiver.crawl raises it again), and the run's row stays unfinished, so the next run
    resumes. A batch that fails for any other reason (an item the database cannot hold: a lone
    surrogate, an integer too large) is stored again item by item; an item that still fails is
    stored as a reject with the error as its reason (its raw page kept), and the run goes on.
    """

    def __init__(self, crawler: Crawler, db_path: str, batch_size: int, clock: Clock) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.batch_size = batch_size
        self.clock = clock
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.pending: list[ArticleItem | NotModified] = []
        self.outcomes: dict[str, int] = {"new": 0, "updated": 0, "unchanged": 0, "rejected": 0}
        self.error: ArchiveError | None = None
        self.closing = False
        self.health = RunHealth()
        """Which source gave each field of the run's parsed article pages (archiver.health)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Read ARCHIVER_DB, ARCHIVER_BATCH_SIZE and ARCHIVER_NOW; finish the run on close."""
        pipeline = cls(
            crawler,
            crawler.settings.get("ARCHIVER_DB", "data/archive.db"),
            crawler.settings.getint("ARCHIVER_BATCH_SIZE", 50),
            clock_from_setting(crawler.settings.get("ARCHIVER_NOW")),
        )
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        """Open the archive and write the run's row (unfinished until the crawl ends)."""
        self.archive = Archive(self.db_path).open()
        spider = self.crawler.spider
        plan = getattr(spider, "plan", None)
        since = getattr(plan, "since", None)
        run_id = self.archive.start_run(
            mode=plan.mode if plan is not None else self.crawler.settings.get("ARCHIVER_MODE", "full"),
            started_at=iso_utc(self.clock()),
            base_url=getattr(spider, "base_url", ""),
            timezone=self.crawler.settings.get("ARCHIVER_TIMEZONE", "Europe/Minsk"),
            pid=os.getpid(),
            since=iso_utc(since) if since is not None else None,
        )
        self.run_id = run_id
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("archiver/run_id", run_id)

    def process_item(self, item: ArticleItem | NotModified) -> ArticleItem | NotModified:
        """Queue the item; write the queue when it is full (nothing after a failed write)."""
        if self.error is not None:
            return item
        if isinstance(item, ArticleItem):
            self.health.add(item.template, item.field_sources)
        self.pending.append(item)
        if len(self.pending) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        """Write the queued items in one transaction and count their outcomes."""
        if not self.pending or self.archive is None or self.error is not None:
            return
        seen_at = iso_utc(self.clock())
        try:
            results = self.archive.store_items(self.pending, run_id=self.run_id, seen_at=seen_at)
        except FATAL_ARCHIVE_ERRORS as exc:
            self.fail(exc)
            return
        except Exception:  # noqa: BLE001 (one item's error: found and rejected below)
            one_by_one = self.store_one_by_one(self.archive, seen_at)
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
        for item in self.pending:
            try:
                results += archive.store_items([item], run_id=self.run_id, seen_at=seen_at)
                continue
            except FATAL_ARCHIVE_ERRORS as exc:
                self.fail(exc)
                return None
            except Exception as exc:  # noqa: BLE001 (any error of one item makes it a reject)
                reason = f"could not be stored ({_describe(exc)})"
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("archiver/store_errors")
            try:
                results += archive.store_items(
                    [_as_reject(item, reason)], run_id=self.run_id, seen_at=seen_at
                )
            except FATAL_ARCHIVE_ERRORS as exc:
                self.fail(exc)
                return None
            except Exception as exc:  # noqa: BLE001 (even its page cannot be kept: a failure)
                url = _printable(getattr(item, "url", "") or "?")
                archive.record_failure(
                    url, f"{reason}; its page could not be kept ({_describe(exc)})",
                    run_id=self.run_id, at=seen_at,
                )
                results.append("rejected")
        return results

    def fail(self, exc: ArchiveError) -> None:
        """Give up after a failed write: drop the queue, keep the error, stop the crawl."""
        self.error = exc
        self.pending = []
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("archiver/archive_error", str(exc))
        if not self.closing and self.crawler.engine is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_error"))

    def close_spider(self) -> None:
        """Write what is still queued."""
        self.closing = True
        self.flush()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Complete the run (unless a write failed before), then close the archive."""
        if self.archive is None or self.run_id is None:
            return
        self.closing = True
        try:
            if self.error is None:
                self.end_run(self.archive, self.run_id, spider, reason)
        except ArchiveError as exc:
            self.fail(exc)
        except Exception as exc:  # noqa: BLE001 (the run must not stay unfinished: see end_run)
            self.fail(ArchiveError(f"the run could not be completed ({_describe(exc)})"))
        finally:
            self.archive.close()
            self.archive = None

    def end_run(self, archive: Archive, run_id: int, spider: Spider, reason: str) -> None:
        """Record the failures and complete the run's row with its counts and exit code."""
        failures: list[Failed] = getattr(spider, "failures", [])
        stats: dict[str, Any] = self.crawler.stats.get_stats() if self.crawler.stats else {}
        finished_at = iso_utc(self.clock())
        record_seen_urls(archive, getattr(spider, "seen_urls", {}), at=finished_at)
        record_failures(archive, failures, run_id=run_id, at=finished_at)
        problems = len(failures) + self.outcomes["rejected"]
        if reason == "finished" and int(getattr(spider, "start_points_fetched", 1)) == 0:
            reason = UNREACHABLE  # not one listing, feed or sitemap could be read
        exit_code = run_exit_code(reason, problems)
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("archiver/exit_code", exit_code)
        archive.finish_run(
            run_id,
            finished_at=finished_at,
            counts={
                "requests": int(stats.get("downloader/request_count", 0)),
                "items_new": self.outcomes["new"],
                "items_updated": self.outcomes["updated"],
                "items_unchanged": self.outcomes["unchanged"],
                "items_rejected": self.outcomes["rejected"],
                "failures": len(failures),
                **response_counts(stats),
            },
            finish_reason=reason,
            exit_code=exit_code,
            stats={k: v for k, v in stats.items() if isinstance(v, int | float | str)},
            health=self.health.to_json(),
        )


def record_seen_urls(archive: Archive, seen: Mapping[str, Iterable[str]], *, at: str) -> int:
    """Record the other URLs (link variants, other hosts, redirect sources) each article was
    seen under, by its canonical URL (``Archive.record_seen_urls``: one transaction per
    ``SEEN_URLS_BATCH`` articles); an article not archived is left out. Returns how many
    articles had URLs recorded. ``at``: ISO 8601 UTC."""
    return archive.record_seen_urls(
        {article_url: sorted(urls) for article_url, urls in seen.items() if urls}, seen_at=at
    )


def record_failures(archive: Archive, failures: list[Failed], *, run_id: int, at: str) -> None:
    """Record each failure in ``rejects``; one that the archive cannot hold as given (a status
    beyond SQLite's integers, a lone surrogate) is recorded with its status dropped and its URL
    escaped. Fatal archive errors propagate."""
    for failed in failures:
        try:
            archive.record_failure(failed.url, failed.reason, status=failed.status, run_id=run_id, at=at)
        except FATAL_ARCHIVE_ERRORS:
            raise
        except Exception as exc:  # noqa: BLE001 (keep the failure in a form the archive holds)
            archive.record_failure(
                _printable(failed.url), _printable(f"{failed.reason} (status {failed.status})"),
                status=None, run_id=run_id, at=at,
            )
            del exc


def finish_abandoned_run(
    archive: Archive, run_id: int, *, stats: Mapping[str, Any], failures: list[Failed], at: str
) -> int:
    """Complete the row of run ``run_id`` that Scrapy stopped without closing it (Ctrl-C twice):
    its failures, its counts from the crawl's stats (what was written), finish reason
    ``forced_stop``, exit code 1. Returns the exit code; a row already complete is left as is."""
    row = next((r for r in archive.runs(limit=5) if r["id"] == run_id), None)
    if row is None or row.get("finished_at") is not None:
        code = row.get("exit_code") if row is not None else None
        return int(code) if isinstance(code, int) else 1
    record_failures(archive, failures, run_id=run_id, at=at)
    archive.finish_run(
        run_id,
        finished_at=at,
        counts={
            "requests": int(stats.get("downloader/request_count", 0)),
            "items_new": int(stats.get("archiver/items_new", 0)),
            "items_updated": int(stats.get("archiver/items_updated", 0)),
            "items_unchanged": int(stats.get("archiver/items_unchanged", 0)),
            "items_rejected": int(stats.get("archiver/items_rejected", 0)),
            "failures": len(failures),
            **response_counts(stats),
        },
        finish_reason=FORCED_STOP,
        exit_code=1,
        stats={k: v for k, v in stats.items() if isinstance(v, int | float | str)},
    )
    return 1


def _describe(exc: BaseException) -> str:
    """``TypeName: message`` (cut to 300 characters, lone surrogates escaped)."""
    message = _printable(str(exc)[:300])
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _printable(text: str) -> str:
    """``text`` with what UTF-8 cannot hold (lone surrogates) written as ``\\udXXX`` escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _as_reject(item: ArticleItem | NotModified, reason: str) -> ArticleItem:
    """A reject standing for ``item``: its canonical URL and raw page, no fields, ``reason``."""
    if isinstance(item, NotModified):
        raise TypeError(f"a not-modified page cannot be rejected: {item.url}")
    return ArticleItem(url=_printable(item.url or item.page.url), page=item.page, reject_reasons=[reason])


def response_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """Responses by class from Scrapy's ``downloader/response_status_count/NNN`` stats:
    ``responses_2xx``, ``responses_304``, ``responses_4xx``, ``responses_5xx``."""
    counts = {"responses_2xx": 0, "responses_304": 0, "responses_4xx": 0, "responses_5xx": 0}
    prefix = "downloader/response_status_count/"
    for key, value in stats.items():
        if not key.startswith(prefix) or not key[len(prefix) :].isdigit():
            continue
        status = int(key[len(prefix) :])
        name = "responses_304" if status == 304 else f"responses_{status // 100}xx"
        if name in counts:
            counts[name] += int(value)
    return counts


def run_exit_code(finish_reason: str, problems: int) -> int:
    """0 when the crawl finished cleanly; 1 when pages failed or were rejected, or it stopped early.

    ``problems`` counts failed and rejected pages; both are listed in the archive's ``rejects``.
    """
    return 0 if finish_reason == "finished" and problems == 0 else 1
