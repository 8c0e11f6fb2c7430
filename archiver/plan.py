"""The crawl plan: which article URLs a run fetches, checks or skips, from the archive's state.

Pure decisions, no I/O: the spider reads the state from the archive (``Archive.crawl_state``,
``resume_point``, ``committed_since``, ``retry_urls``) before the run's own row is written, and
asks the plan about every URL it discovers. Modes (``crawl_runs.mode``):

- ``full``: every article the site lists; archived ones with a conditional request (a 304
  costs no parsing). The first crawl of an empty archive is full by itself.
- ``resume``: a full crawl that died is continued: like ``full``, but what the dead run(s)
  committed is not fetched again.
- ``incremental``: new URLs only, plus re-checks of archived articles that may have been edited:
  those whose sitemap ``lastmod`` is later than when we last saw them, or, where the site gives
  no ``lastmod``, those published in the re-check window (default the last 7 days). Listing
  pages are followed until a whole page holds only archived articles.

``since`` (any mode) bounds the crawl: an article shown or modified before it is not fetched,
and listing pages stop once a page shows only older articles.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final, Literal

from archiver.items import KnownArticle

Mode = Literal["full", "incremental", "resume"]

RECHECK_DAYS: Final = 7
"""Default re-check window of an incremental crawl, in days."""

RETRY_DAYS: Final = 30
"""Failed URLs are retried by every run for this many days after their last failure."""


class Action(enum.Enum):
    """What to do with a discovered article URL."""

    SKIP = "skip"
    FETCH = "fetch"
    """A plain request: the URL is not archived."""
    CHECK = "check"
    """A conditional request (If-None-Match / If-Modified-Since) for an archived article."""


def parse_instant(text: str | None) -> datetime | None:
    """An ISO 8601 / W3C datetime (``2016-11-07``, ``...T10:41:00+03:00``, ``...Z``) as aware UTC.

    A date or a naive time is taken as UTC; None for None or text that is not such a datetime.
    """
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # an offset that moves 0001-01-01 or 9999-12-31 out of range
        return None


@dataclass(frozen=True, slots=True)
class CrawlPlan:
    """The decisions of one run (see the module docstring for the modes)."""

    mode: Mode
    known: Mapping[str, KnownArticle]
    """Archived articles by canonical URL."""
    now: datetime
    """The run's start (aware)."""
    skip: frozenset[str] = frozenset()
    """URLs committed by the dead run(s) a ``resume`` continues."""
    since: datetime | None = None
    recheck_days: int = RECHECK_DAYS
    retry: tuple[str, ...] = ()
    """URLs that failed in earlier runs and are fetched again first."""
    _recheck_from: datetime = field(init=False)

    def __post_init__(self) -> None:
        window_start = self.now - timedelta(days=self.recheck_days)
        start = max(window_start, self.since) if self.since else window_start
        object.__setattr__(self, "_recheck_from", start)

    @classmethod
    def choose(
        cls,
        *,
        known: Mapping[str, KnownArticle],
        now: datetime,
        full: bool = False,
        resume_committed: Collection[str] | None = None,
        since: datetime | None = None,
        recheck_days: int = RECHECK_DAYS,
        retry: Collection[str] = (),
    ) -> CrawlPlan:
        """The plan for a run: ``resume`` when a full crawl died (``resume_committed`` is what it
        committed), else ``full`` when asked or when nothing is archived, else ``incremental``."""
        mode: Mode
        if resume_committed is not None:
            mode = "resume"
        elif full or not known:
            mode = "full"
        else:
            mode = "incremental"
        return cls(
            mode=mode,
            known=known,
            now=now,
            skip=frozenset(resume_committed or ()),
            since=since,
            recheck_days=recheck_days,
            retry=tuple(url for url in retry if url not in (resume_committed or ())),
        )

    @property
    def walks_everything(self) -> bool:
        """Whether every listing page is followed (``full`` and ``resume``)."""
        return self.mode != "incremental"

    def decide(self, url: str, *, lastmod: str | None = None, shown: datetime | None = None) -> Action:
        """What to do with ``url``, found with the sitemap's ``lastmod`` (W3C datetime) or the
        date a listing or feed ``shown`` for it, when there is one."""
        if url in self.skip:
            return Action.SKIP
        modified = parse_instant(lastmod)
        dated = modified or shown
        if self.since is not None and dated is not None and dated < self.since:
            return Action.SKIP
        article = self.known.get(url)
        if article is None:
            return Action.FETCH
        if self.walks_everything:
            return Action.CHECK
        if modified is not None:
            seen = parse_instant(article.last_seen_at)
            return Action.CHECK if seen is None or modified > seen else Action.SKIP
        return Action.SKIP

    def decide_from_sitemap(self, url: str, lastmod: str | None) -> Action:
        """A sitemap entry: as ``decide``; without ``lastmod``, an archived article published in
        the re-check window is checked (incremental mode)."""
        action = self.decide(url, lastmod=lastmod)
        if action is Action.SKIP and lastmod is None and self._recent(url):
            return Action.CHECK
        return action

    def rechecks(self) -> list[str]:
        """Archived articles published in the re-check window, newest first: what an incremental
        run checks when the site gives no sitemap ``lastmod``."""
        if self.walks_everything:
            return []
        recent = [url for url in self.known if self._recent(url) and url not in self.skip]
        return sorted(recent, key=lambda url: self.known[url].published_at or "", reverse=True)

    def follow_next_page(self, entries: Mapping[str, datetime | None]) -> bool:
        """Whether to follow a listing page's pager, given its articles and their shown dates.

        Not after a page whose dated articles are all before ``since``; in incremental mode, not
        after a page that holds only archived (or already committed) articles.
        """
        if self.since is not None:
            dates = [d for d in entries.values() if d is not None]
            if dates and all(d < self.since for d in dates):
                return False
        if self.walks_everything:
            return True
        return any(url not in self.known and url not in self.skip for url in entries)

    def _recent(self, url: str) -> bool:
        article = self.known.get(url)
        published = parse_instant(article.published_at) if article else None
        return published is not None and published >= self._recheck_from
