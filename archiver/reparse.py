"""``archiver reparse``: re-extract every archived article from its stored raw page, no network.

After a fix to a selector or a normaliser, the archive's articles are brought up to date from the
pages already kept: each article's latest page (and the latest page of each URL rejected as
invalid and not archived) goes through the crawl's path (``archiver.extract.process_page``) in a
pool of worker processes, and the results are stored in batches, one transaction each, through
``Archive.store_items``: an article whose content changed gets a new revision (the old version
goes to ``article_revisions``), an unchanged one is left as it is, a rejected URL that is now
valid becomes an article. An archived article whose page no longer passes validation is kept as
it was and reported: that is a parser regression, not news about the article. A stored page that
cannot be read back (it inflates past 8 MiB, a compression bomb, or is damaged) is skipped and
reported; memory stays bounded by that cap.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import islice

from archiver.errors import PageUnreadableError
from archiver.extract import process_page
from archiver.items import ArticleItem, RawPage
from archiver.store import NEW, UNCHANGED, UPDATED, Archive

CHUNK = 16
"""Pages handed to a worker process at a time."""


@dataclass(slots=True)
class ReparseReport:
    """What a reparse did. ``regressions``: (url, reasons) of archived articles whose page no
    longer passes validation (kept unchanged)."""

    pages: int = 0
    updated: int = 0
    unchanged: int = 0
    recovered: int = 0
    still_rejected: int = 0
    regressions: list[tuple[str, str]] = field(default_factory=list)
    unreadable: list[PageUnreadableError] = field(default_factory=list)
    """Stored pages that could not be read back (inflate past 8 MiB, damaged): skipped."""
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """0 when every archived article re-extracted valid, else 1 (for cron)."""
        return 1 if self.regressions or self.unreadable else 0

    def summary(self) -> str:
        """One line: counts, time and rate."""
        rate = self.pages / self.seconds if self.seconds > 0 else 0.0
        return (
            f"reparse: {self.pages} pages in {self.seconds:.1f} s ({rate:.0f}/s): "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.recovered} rejects now "
            f"archived, {self.still_rejected} still rejected, {len(self.regressions)} no longer "
            f"valid (kept), {len(self.unreadable)} unreadable (skipped)"
        )


def _extract(page: RawPage, tz: str) -> ArticleItem:
    """Worker: the page through the crawl's path; the body is dropped for the trip back."""
    return replace(process_page(page, tz=tz), page=replace(page, body=b""))


def reparse(
    archive: Archive,
    *,
    tz: str = "Europe/Minsk",
    workers: int | None = None,
    batch: int = 200,
    progress: Callable[[ReparseReport, int], None] | None = None,
) -> ReparseReport:
    """Re-extract and store every article of ``archive``; see the module's docstring.

    workers: processes (default: the machine's cores; 1 runs in this process). batch: items per
    write transaction. progress: called after each batch with the report so far and the total.
    """
    report = ReparseReport()
    total = archive.count_pages_to_reparse()
    started = time.monotonic()
    workers = workers or os.cpu_count() or 1
    extract = partial(_extract, tz=tz)
    with ExitStack() as stack:
        if workers == 1:
            def extract_all(chunk: list[RawPage]) -> Iterable[ArticleItem]:
                return [extract(page) for page in chunk]
        else:
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers))

            def extract_all(chunk: list[RawPage]) -> Iterable[ArticleItem]:
                return pool.map(extract, chunk, chunksize=CHUNK)

        pages = archive.pages_to_reparse(on_error=report.unreadable.append)
        for chunk, items in _one_ahead(_chunks(pages, batch), extract_all):
            _store(archive, chunk, items, report)
            report.seconds = time.monotonic() - started
            if progress is not None:
                progress(report, total)
    report.seconds = time.monotonic() - started
    return report


def _chunks(pages: Iterable[RawPage], size: int) -> Iterator[list[RawPage]]:
    iterator = iter(pages)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _one_ahead(
    chunks: Iterable[list[RawPage]], extract_all: Callable[[list[RawPage]], Iterable[ArticleItem]]
) -> Iterator[tuple[list[RawPage], list[ArticleItem]]]:
    """Each chunk with its items; the next chunk is submitted before a chunk's items are awaited,
    so that a pool extracts batch n+1 while the caller writes batch n."""
    pending: tuple[list[RawPage], Iterable[ArticleItem]] | None = None
    for chunk in chunks:
        submitted = (chunk, extract_all(chunk))
        if pending is not None:
            yield pending[0], list(pending[1])
        pending = submitted
    if pending is not None:
        yield pending[0], list(pending[1])


def _store(archive: Archive, pages: list[RawPage], items: list[ArticleItem], report: ReparseReport) -> None:
    """Store one batch: valid items through store_items; invalid ones are only counted."""
    items = [replace(item, page=page) for item, page in zip(items, pages, strict=True)]
    report.pages += len(items)
    invalid = [item for item in items if item.reject_reasons]
    archived = archive.archived_urls(item.url or item.page.url for item in invalid)
    for item in invalid:
        url = item.url or item.page.url
        if url in archived:
            report.regressions.append((url, "; ".join(item.reject_reasons)))
        else:
            report.still_rejected += 1
    valid = [item for item in items if not item.reject_reasons]
    if not valid:
        return
    # seen_at None: each page's fetch time, so a reparse does not move last_seen_at
    for outcome in archive.store_items(valid, run_id=None, seen_at=None):
        if outcome == UPDATED:
            report.updated += 1
        elif outcome == UNCHANGED:
            report.unchanged += 1
        elif outcome == NEW:
            report.recovered += 1
