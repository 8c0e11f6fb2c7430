"""Run the spider in this process with the project's settings, and return the run's exit code."""

from __future__ import annotations

import os
import signal
from collections.abc import Mapping, Sequence
from types import FrameType
from typing import Final

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from archiver.errors import ArchiveError
from archiver.run import RunLifecycle
from archiver.spiders.belarusinfocus import BelarusInFocusSpider


def crawl_settings(*, db_path: str, log_level: str, overrides: Mapping[str, str]) -> Settings:
    """archiver.settings, then the archive path and log level, then the user's ``-s`` values."""
    settings = Settings()
    settings.setmodule("archiver.settings", priority="project")
    settings.set("ARCHIVER_DB", db_path, priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(
    *,
    db_path: str,
    base_url: str | Sequence[str],
    overrides: Mapping[str, str],
    log_level: str = "WARNING",
    full: bool = False,
    since: str | None = None,
) -> int:
    """Crawl ``base_url`` into ``db_path``; the run (lock, plan, row, exit code) is the
    RunLifecycle extension's (archiver.run), as for ``scrapy crawl``.

    ``base_url``: one base URL, or several: the primary host first, then its mirrors (passed to
    the spider as ``mirrors``; one alone: the spider's default mirrors).

    Returns 0 clean, 1 failures or rejects (see crawl_runs); 1 also after a forced stop (Ctrl-C
    twice: Scrapy stops without closing the run, which is then completed with the counts of
    what was written and finish reason ``forced_stop``). Raises ArchiveInUseError (exit 75)
    when another run holds the lock, before anything is read or written; the ArchiveError of an
    archive that cannot be opened for writing or fails ``quick_check``, before any request; and
    an ArchiveError with the message of a write that failed during the crawl (disk full: the
    crawl stopped there, its batch rolled back).
    """
    settings = crawl_settings(db_path=db_path, log_level=log_level, overrides=overrides)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BelarusInFocusSpider)
    crawler.signals.connect(announce_stops, signal=signals.engine_started)
    bases = (base_url,) if isinstance(base_url, str) else tuple(base_url)
    mirrors = {"mirrors": ",".join(bases[1:])} if len(bases) > 1 else {}
    failed_to_start: list[BaseException] = []
    started = process.crawl(crawler, base_url=bases[0], full=full, since=since, **mirrors)

    def keep_error(failure: Failure) -> None:
        failed_to_start.append(failure.value or RuntimeError(failure.getErrorMessage()))

    started.addErrback(keep_error)
    process.start()
    # the crawl has stopped and its row is (or is about to be) complete: a late second Ctrl-C
    # must not kill the process before the caller prints the summary and exits with the code
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    run = RunLifecycle.of(crawler)
    if run is None:  # the run could not open (lock held, archive damaged): nothing was written
        if failed_to_start:
            raise failed_to_start[0]
        raise ArchiveError("the crawl did not start (RunLifecycle is not in EXTENSIONS)")
    code = run.finish_abandoned()
    if run.error is not None:
        raise run.error
    if failed_to_start:
        raise failed_to_start[0]
    return code


STOP_NOTICES: Final = (
    "Stopping after the pages in flight (Ctrl-C again to stop now; the archive keeps what is stored)",
    "Stopping now (the archive keeps what is stored; the next run fetches the rest)",
)
"""What the first and the second Ctrl-C print on stderr, at once."""


def announce_stops(notices: Sequence[str] = STOP_NOTICES, fd: int = 2) -> None:
    """Make the SIGINT handler in place (Scrapy's, once the engine runs) do its work, then
    write ``notices[0]`` to ``fd``; the handler it leaves for the next SIGINT is wrapped the
    same way with ``notices[1:]``. A handler that is not a function (SIG_IGN) is left alone.

    The notice is written with ``os.write``: a signal handler must not print to a stream the
    interrupted code may be writing to."""
    previous = signal.getsignal(signal.SIGINT)
    if not notices or not callable(previous):
        return

    def notify(signum: int, frame: FrameType | None) -> None:
        previous(signum, frame)
        announce_stops(notices[1:], fd)
        os.write(fd, f"{notices[0]}\n".encode())  # last: the next Ctrl-C meets the next notice

    signal.signal(signal.SIGINT, notify)
