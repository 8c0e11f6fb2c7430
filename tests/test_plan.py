"""archiver.plan: which URLs a run fetches, checks or skips."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from archiver.items import KnownArticle
from archiver.plan import Action, CrawlPlan, parse_instant

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
OLD = "https://x/politics/old"
RECENT = "https://x/politics/recent"
NEW = "https://x/politics/new"
KNOWN = {
    OLD: KnownArticle("2016-11-07T07:41:00Z", "2026-11-27T12:00:00Z", '"e-old"', None),
    RECENT: KnownArticle("2026-11-25T07:41:00Z", "2026-11-27T12:00:00Z", None, "Wed, 25 Nov 2026"),
}


def plan(**kwargs: object) -> CrawlPlan:
    return CrawlPlan.choose(known=kwargs.pop("known", KNOWN), now=NOW, **kwargs)  # type: ignore[arg-type]


def test_modes() -> None:
    assert plan(known={}).mode == "full"
    assert plan(full=True).mode == "full"
    assert plan().mode == "incremental"
    assert plan(full=True, resume_committed={OLD}).mode == "resume"
    assert plan(known={}, resume_committed=set()).mode == "resume"


def test_incremental_fetches_new_and_skips_known_from_listings() -> None:
    incremental = plan()
    assert incremental.decide(NEW) is Action.FETCH
    assert incremental.decide(OLD) is Action.SKIP
    assert incremental.decide(RECENT) is Action.SKIP


def test_incremental_uses_sitemap_lastmod_then_the_recheck_window() -> None:
    incremental = plan()
    assert incremental.decide_from_sitemap(OLD, "2026-11-28T10:00:00+03:00") is Action.CHECK
    assert incremental.decide_from_sitemap(OLD, "2026-11-27T10:00:00Z") is Action.SKIP
    assert incremental.decide_from_sitemap(RECENT, "2026-11-20") is Action.SKIP
    assert incremental.decide_from_sitemap(RECENT, None) is Action.CHECK  # no lastmod: window
    assert incremental.decide_from_sitemap(OLD, None) is Action.SKIP
    assert incremental.rechecks() == [RECENT]
    assert plan(recheck_days=1).rechecks() == []


def test_full_checks_known_and_resume_skips_what_was_committed() -> None:
    full = plan(full=True)
    assert (full.decide(OLD), full.decide(NEW)) == (Action.CHECK, Action.FETCH)
    assert full.rechecks() == []
    resume = plan(resume_committed={OLD}, retry=[OLD, NEW])
    assert (resume.decide(OLD), resume.decide(RECENT)) == (Action.SKIP, Action.CHECK)
    assert resume.retry == (NEW,)


def test_since_bounds_what_is_fetched_and_rechecked() -> None:
    since = datetime(2026, 11, 26, tzinfo=UTC)
    bounded = plan(known={}, since=since)
    assert bounded.decide(NEW, shown=datetime(2026, 11, 25, tzinfo=UTC)) is Action.SKIP
    assert bounded.decide(NEW, shown=datetime(2026, 11, 27, tzinfo=UTC)) is Action.FETCH
    assert bounded.decide(NEW, lastmod="2020-01-01") is Action.SKIP
    assert bounded.decide(NEW) is Action.FETCH  # no date known: take it
    assert plan(since=since).rechecks() == []  # RECENT was published before since


def test_listing_paging() -> None:
    old_page = {OLD: datetime(2016, 11, 7, tzinfo=UTC), RECENT: None}
    assert plan().follow_next_page(old_page) is False  # all archived
    assert plan().follow_next_page({OLD: None, NEW: None}) is True
    assert plan(full=True).follow_next_page(old_page) is True
    assert plan(resume_committed={NEW}).follow_next_page({NEW: None}) is True
    since = datetime(2020, 1, 1, tzinfo=UTC)
    assert plan(known={}, since=since).follow_next_page({NEW: datetime(2019, 1, 1, tzinfo=UTC)}) is False
    assert plan(known={}, since=since).follow_next_page({NEW: datetime(2021, 1, 1, tzinfo=UTC)}) is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-11-07", datetime(2016, 11, 7, tzinfo=UTC)),
        ("2016-11-07T10:41:00+03:00", datetime(2016, 11, 7, 7, 41, tzinfo=UTC)),
        ("2016-11-07T07:41:00Z", datetime(2016, 11, 7, 7, 41, tzinfo=UTC)),
        ("November 7", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_instant(text: str | None, expected: datetime | None) -> None:
    assert parse_instant(text) == expected
