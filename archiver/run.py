"""One crawl run, from the run lock to the exit code: the Scrapy extension ``RunLifecycle``.

The same for ``archiver crawl``, ``scrapy crawl belarusinfocus`` and Scrapyd (it is enabled in
``EXTENSIONS``, settings.py). In order:

1. built (when the crawler applies its settings, after the spider and before any request): take
   the run lock (archiver.lock), open and check the archive (``quick_check``), read the run's
   plan (archiver.plan) from it, write the run's unfinished ``crawl_runs`` row;
2. during the crawl: the spider asks it for the plan (``run.plan``) and reports each page that
   failed (``run.fail``: written to ``rejects`` at once, so a killed run keeps its failures), each
   other URL an article was seen under and each start point it read; ``StorePipeline`` writes
   its batches to ``run.archive`` and reports a fatal write error (``run.archive_failed``); every
   scraped article adds to the run's health (archiver.health);
3. ``spider_closed``: complete the row (counts from the crawl's stats, finish reason, exit code,
   health), close the archive; ``engine_stopped``: release the lock. A crawl that Scrapy stopped
   without closing it (Ctrl-C twice) is completed by ``finish_abandoned`` (``archiver crawl``).

Spiders opt in with the ``ARCHIVER_RUN`` setting (the belarusinfocus spider sets it), so that
``scrapy shell`` and other commands that build a crawler take no lock and write no row.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from archiver.clock import Clock, clock_from_setting, iso_utc
from archiver.errors import (
    ArchiveCorruptError,
    ArchiveError,
    ArchiveFullError,
    ArchiveLockedError,
    ArchiveReadOnlyError,
)
from archiver.health import RunHealth
from archiver.items import ArticleItem, Failed
from archiver.lock import RunLock
from archiver.plan import RECHECK_DAYS, RETRY_DAYS, CrawlPlan, parse_instant
from archiver.store import Archive

logger = logging.getLogger(__name__)

FATAL_ARCHIVE_ERRORS: Final = (
    ArchiveFullError, ArchiveCorruptError, ArchiveReadOnlyError, ArchiveLockedError,
)
"""Write errors of the archive itself (disk full, damaged, read-only, locked): the crawl stops.
Any other error while storing is one item's (see StorePipeline) or one failure's (its URL or
status is stored escaped)."""
UNREACHABLE: Final = "unreachable"
"""The finish reason of a run that read none of its start points (listing, feed, sitemap)."""
FORCED_STOP: Final = "forced_stop"
"""The finish reason written for a run that Scrapy stopped without closing it (Ctrl-C twice)."""
ARCHIVE_ERROR: Final = "archive_error"
"""The close reason of a crawl stopped by a fatal write error (its row stays unfinished)."""


class RunLifecycle:
    """The run of one crawler: lock, archive, plan, ``crawl_runs`` row, failures, exit code.

    Settings: ``ARCHIVER_RUN`` (set by the spider: without it the extension is not enabled),
    ``ARCHIVER_DB``, ``ARCHIVER_BASE_URL`` (recorded in the row), ``ARCHIVER_FULL``,
    ``ARCHIVER_SINCE`` (ISO 8601 date or time, or empty), ``ARCHIVER_RECHECK_DAYS``,
    ``ARCHIVER_TIMEZONE``, ``ARCHIVER_NOW`` (the clock). Find it with ``RunLifecycle.of(crawler)``.
    """

    def __init__(
        self,
        crawler: Crawler,
        *,
        db_path: str,
        base_url: str = "",
        full: bool = False,
        since: datetime | None = None,
        recheck_days: int = RECHECK_DAYS,
        timezone: str = "Europe/Minsk",
        clock: Clock | None = None,
    ) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.base_url = base_url
        self.full = full
        self.since = since
        self.recheck_days = recheck_days
        self.timezone = timezone
        self.clock: Clock = clock or clock_from_setting(None)
        self.lock = RunLock(Path(db_path), now=self.clock)
        self._archive: Archive | None = None
        self._plan: CrawlPlan | None = None
        self.run_id: int | None = None
        self.failures: list[Failed] = []
        """The pages that failed in this run, each already recorded in ``rejects``."""
        self.seen_urls: dict[str, set[str]] = {}
        """Canonical article URL -> the other URLs it was seen under in this run (recorded in
        ``article_urls`` when the run completes)."""
        self.start_points_read = 0
        """Listing pages, feeds and sitemaps that arrived and were read (0: ``unreachable``)."""
        self.health = RunHealth()
        """Which source gave each field of the run's parsed article pages (archiver.health)."""
        self.error: ArchiveError | None = None
        """The fatal archive error that stopped the crawl (archiver.crawl raises it again)."""
        self.exit_code: int | None = None
        """0 clean, 1 failures, rejects or an early stop; None until the row is complete."""
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Open the run (lock, archive, plan, row) for a spider that set ``ARCHIVER_RUN``.

        Raises NotConfigured without it; ArchiveInUseError when another run holds the archive,
        and the ArchiveError of an archive that cannot be opened for writing or fails
        ``quick_check`` (the crawl does not start)."""
        settings = crawler.settings
        if not settings.getbool("ARCHIVER_RUN"):
            raise NotConfigured("ARCHIVER_RUN is not set: no spider of the archive")
        since = settings.get("ARCHIVER_SINCE") or None
        parsed = parse_instant(since) if since else None
        if since and parsed is None:
            raise ValueError(f"ARCHIVER_SINCE must be a date like 2024-01-31, got {since!r}")
        run = cls(
            crawler,
            db_path=settings.get("ARCHIVER_DB", "data/archive.db"),
            base_url=settings.get("ARCHIVER_BASE_URL", ""),
            full=settings.getbool("ARCHIVER_FULL"),
            since=parsed,
            recheck_days=settings.getint("ARCHIVER_RECHECK_DAYS", RECHECK_DAYS),
            timezone=settings.get("ARCHIVER_TIMEZONE", "Europe/Minsk"),
            clock=clock_from_setting(settings.get("ARCHIVER_NOW")),
        )
        run.open()
        crawler.signals.connect(run.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(run.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(run.release, signal=signals.engine_stopped)
        return run

    @staticmethod
    def of(crawler: Crawler) -> RunLifecycle | None:
        """The crawler's run (None when the extension is not enabled or not yet built)."""
        try:
            return crawler.get_extension(RunLifecycle)
        except RuntimeError:  # the extensions are not built yet
            return None

    @property
    def archive(self) -> Archive:
        """The open archive of the run (RuntimeError before ``open`` or after the close)."""
        if self._archive is None:
            raise RuntimeError("the run's archive is not open")
        return self._archive

    @property
    def plan(self) -> CrawlPlan:
        """What the run fetches, checks and skips (RuntimeError before ``open``)."""
        if self._plan is None:
            raise RuntimeError("the run has not been opened")
        return self._plan

    # --- 1. open ------------------------------------------------------------------------------
    def open(self) -> None:
        """Take the lock, open the archive (``quick_check`` first), read the plan, start the row.

        On any error the archive is closed and the lock released before it propagates."""
        self.lock.acquire()
        try:
            self._archive = Archive(self.db_path).open(verify=True)
            now = self.clock()
            self._plan = plan_from_archive(
                self._archive, now=now, full=self.full, since=self.since,
                recheck_days=self.recheck_days,
            )
            self.run_id = self._archive.start_run(
                mode=self._plan.mode,
                started_at=iso_utc(now),
                base_url=self.base_url,
                timezone=self.timezone,
                pid=os.getpid(),
                since=iso_utc(self.since) if self.since is not None else None,
            )
        except BaseException:
            self._close_archive()
            self.lock.release()
            raise
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("archiver/run_id", self.run_id)

    # --- 2. during the crawl ------------------------------------------------------------------
    def fail(self, failed: Failed) -> None:
        """Record a page that failed, at once (``rejects`` of kind ``failed``; one that the
        archive cannot hold as given is recorded escaped, see ``record_failures``). A fatal
        archive error stops the crawl (``archive_failed``)."""
        self.failures.append(failed)
        if self.error is not None or self._archive is None:
            return
        try:
            record_failures(self._archive, [failed], run_id=self.run_id, at=iso_utc(self.clock()))
        except FATAL_ARCHIVE_ERRORS as exc:
            self.archive_failed(exc)

    def note_url(self, article_url: str, url: str) -> None:
        """Remember that the article at ``article_url`` was seen under ``url`` too."""
        self.seen_urls.setdefault(article_url, set()).add(url)

    def start_point_read(self) -> None:
        """Count a listing page, feed or sitemap that arrived and was read."""
        self.start_points_read += 1

    def archive_failed(self, exc: ArchiveError) -> None:
        """Give up after a failed write: keep the error (``archiver/archive_error`` stat), stop
        the crawl; the run's row stays unfinished, so the next run resumes."""
        if self.error is None:
            self.error = exc
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("archiver/archive_error", str(self.error))
        if not self.closing and self.crawler.crawling:  # (a crawler that is not crawling: tests)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=ARCHIVE_ERROR))

    def item_scraped(self, item: Any) -> None:
        """Add a parsed article page to the run's health."""
        if isinstance(item, ArticleItem) and item.template:
            self.health.add(item.template, item.field_sources)

    # --- 3. close -----------------------------------------------------------------------------
    def spider_closed(self, reason: str) -> None:
        """Complete the run's row (unless a write failed), then close the archive."""
        self.closing = True
        if self._archive is None or self.run_id is None:
            return
        try:
            if self.error is None:
                self.finish(self._archive, self.run_id, reason)
        except ArchiveError as exc:
            self.archive_failed(exc)
        except Exception as exc:  # noqa: BLE001 (the run must not stay unfinished silently)
            self.archive_failed(ArchiveError(f"the run could not be completed ({describe(exc)})"))
        finally:
            self._close_archive()

    def finish(self, archive: Archive, run_id: int, reason: str) -> None:
        """Record the seen URLs and complete the row with its counts, health and exit code."""
        stats = self._stats()
        finished_at = iso_utc(self.clock())
        record_seen_urls(archive, self.seen_urls, at=finished_at)
        problems = len(self.failures) + int(stats.get("archiver/items_rejected", 0))
        if reason == "finished" and self.start_points_read == 0:
            reason = UNREACHABLE  # not one listing, feed or sitemap could be read
        self.exit_code = run_exit_code(reason, problems)
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("archiver/exit_code", self.exit_code)
        archive.finish_run(
            run_id,
            finished_at=finished_at,
            counts=run_counts(stats, failures=len(self.failures)),
            finish_reason=reason,
            exit_code=self.exit_code,
            stats=_plain(stats),
            health=self.health.to_json(),
        )

    def release(self) -> None:
        """Release the run lock (once the engine has stopped; a no-op when not held)."""
        self._close_archive()
        self.lock.release()

    def finish_abandoned(self) -> int:
        """The run's exit code; a row that Scrapy left unfinished (a forced stop: Ctrl-C twice)
        is completed first (``finish_abandoned_run``). Releases the lock."""
        try:
            if self.exit_code is not None or self.run_id is None:
                return self.exit_code if self.exit_code is not None else 1
            if self.error is not None:
                return 1
            if self._archive is None:
                self._archive = Archive(self.db_path).open()
            self.exit_code = finish_abandoned_run(
                self._archive, self.run_id, stats=self._stats(), failures=[],
                failures_count=len(self.failures), at=iso_utc(self.clock()),
            )
            return self.exit_code
        finally:
            self.release()

    def _stats(self) -> dict[str, Any]:
        return self.crawler.stats.get_stats() if self.crawler.stats is not None else {}

    def _close_archive(self) -> None:
        archive, self._archive = self._archive, None
        if archive is not None:
            archive.close()


def plan_from_archive(
    archive: Archive, *, now: datetime, full: bool, since: datetime | None, recheck_days: int
) -> CrawlPlan:
    """The run's plan from the archive's state. Call it under the run lock and before the run's
    own ``crawl_runs`` row is written."""
    point = archive.resume_point()
    return CrawlPlan.choose(
        known=archive.crawl_state(),
        now=now,
        full=full,
        resume_committed=archive.committed_since(point) if point is not None else None,
        since=since,
        recheck_days=recheck_days,
        retry=archive.retry_urls(since=iso_utc(now - timedelta(days=RETRY_DAYS))),
    )


def record_seen_urls(archive: Archive, seen: Mapping[str, Iterable[str]], *, at: str) -> int:
    """Record the other URLs (link variants, other hosts, redirect sources) each article was
    seen under, by its canonical URL (``Archive.record_seen_urls``: one transaction per
    ``SEEN_URLS_BATCH`` articles); an article not archived is left out. Returns how many
    articles had URLs recorded. ``at``: ISO 8601 UTC."""
    return archive.record_seen_urls(
        {article_url: sorted(urls) for article_url, urls in seen.items() if urls}, seen_at=at
    )


def record_failures(archive: Archive, failures: Iterable[Failed], *, run_id: int | None, at: str) -> None:
    """Record each failure in ``rejects`` (one transaction each); one that the archive cannot
    hold as given (a status beyond SQLite's integers, a lone surrogate) is recorded with its
    status dropped and its URL escaped. Fatal archive errors propagate."""
    for failed in failures:
        try:
            archive.record_failure(failed.url, failed.reason, status=failed.status, run_id=run_id, at=at)
        except FATAL_ARCHIVE_ERRORS:
            raise
        except Exception:  # noqa: BLE001 (keep the failure in a form the archive holds)
            archive.record_failure(
                printable(failed.url), printable(f"{failed.reason} (status {failed.status})"),
                status=None, run_id=run_id, at=at,
            )


def finish_abandoned_run(
    archive: Archive,
    run_id: int,
    *,
    stats: Mapping[str, Any],
    failures: list[Failed],
    at: str,
    failures_count: int = 0,
) -> int:
    """Complete the row of run ``run_id`` that Scrapy stopped without closing it (Ctrl-C twice):
    ``failures`` not yet recorded, its counts from the crawl's stats (what was written; failures:
    ``failures_count`` already recorded plus ``failures``), finish reason ``forced_stop``, exit
    code 1. Returns the exit code; a row already complete is left as is."""
    row = next((r for r in archive.runs(limit=5) if r["id"] == run_id), None)
    if row is None or row.get("finished_at") is not None:
        code = row.get("exit_code") if row is not None else None
        return int(code) if isinstance(code, int) else 1
    record_failures(archive, failures, run_id=run_id, at=at)
    archive.finish_run(
        run_id,
        finished_at=at,
        counts=run_counts(stats, failures=failures_count + len(failures)),
        finish_reason=FORCED_STOP,
        exit_code=1,
        stats=_plain(stats),
    )
    return 1


def run_counts(stats: Mapping[str, Any], *, failures: int) -> dict[str, int]:
    """The counts of a ``crawl_runs`` row from the crawl's stats (``archiver/items_*`` of
    StorePipeline, Scrapy's ``downloader/*``) and the number of failed pages."""
    return {
        "requests": int(stats.get("downloader/request_count", 0)),
        "items_new": int(stats.get("archiver/items_new", 0)),
        "items_updated": int(stats.get("archiver/items_updated", 0)),
        "items_unchanged": int(stats.get("archiver/items_unchanged", 0)),
        "items_rejected": int(stats.get("archiver/items_rejected", 0)),
        "failures": failures,
        **response_counts(stats),
    }


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


def describe(exc: BaseException) -> str:
    """``TypeName: message`` (cut to 300 characters, lone surrogates escaped)."""
    message = printable(str(exc)[:300])
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def printable(text: str) -> str:
    """``text`` with what UTF-8 cannot hold (lone surrogates) written as ``\\udXXX`` escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _plain(stats: Mapping[str, Any]) -> dict[str, int | float | str]:
    """The stats that a ``crawl_runs.stats`` JSON holds as they are (numbers and strings)."""
    return {k: v for k, v in stats.items() if isinstance(v, int | float | str)}
