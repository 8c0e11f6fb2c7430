"""One article page's fields, normalised and validated: the steps between the page object and the
store, shared by the crawl's pipelines, ``archiver extract`` and ``archiver reparse``.

Pure functions over an ``ArticleItem``; no Scrapy, no database: ``import archiver.extract`` stays
free of Scrapy (a test guards it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Final

from archiver import normalise
from archiver.items import ArticleItem
from archiver.pages.site import trend_key

MIN_BODY_WORDS: Final = 20
"""A body shorter than this is not an analysis: the page is rejected."""

LEAD_SHOWN: Final = frozenset({"selector", "markup", "text"})
"""Sources of a lead that the page shows above the body (see normalise_item)."""


def normalise_item(item: ArticleItem, *, tz: str) -> ArticleItem:
    """A new item: ``item`` with its normalised fields filled from its raw ones (``item``, a
    frozen record, is left as it is).

    ``published_*`` come only from a stated time (``published_raw``): a time gives
    ``published_at`` (UTC, ``Z``), ``published_local`` (the site's zone ``tz``) and precision
    ``second``/``minute``; a calendar date without a time stays that date (``YYYY-MM-DD`` in both,
    precision ``day``). The week (``period_raw``) gives ``period_start``/``period_end`` (ISO dates;
    a year-less week takes its year from the fetch date) and is never made into a time.
    ``published_raw`` and ``period_raw`` come back whitespace-collapsed.
    """
    fetched = datetime.fromisoformat(item.page.fetched_at.replace("Z", "+00:00"))
    caption, credit = normalise.split_caption_credit(item.image_credit_raw)
    lead = normalise.body_text(item.lead_html or "")
    body = normalise.body_text(item.body_html or "")
    # only a lead shown on the page is repeated at the top of the body; a description meta tag is
    # not shown, and often is the body's first paragraph: stripping it would cut the body
    if item.field_sources.get("lead_html") in LEAD_SHOWN:
        body = normalise.strip_lead(body, lead)
    normalised = replace(
        item,
        title=normalise.clean_title(item.title_raw or ""),
        category=normalise.collapse_ws(item.category_raw or "") or None,
        trend=trend_key(item.category_raw),
        trend_status=normalise.trend_status(item.trend_status_raw),
        author=normalise.clean_author(item.author_raw),
        image_caption=caption,
        image_credit=normalise.clean_credit(credit or ""),
        lead=lead,
        body=body,
        word_count=normalise.word_count(body),
    )
    return _with_period(_with_published(normalised, fetched, tz), fetched)


def _with_published(item: ArticleItem, fetched: datetime, tz: str) -> ArticleItem:
    """``item`` with ``published_raw`` collapsed and the ``published_*`` fields it states."""
    if item.published_raw is None:
        return item
    raw = normalise.collapse_ws(item.published_raw)
    stated = normalise.parse_stated(raw, now=fetched, tz=tz)
    if stated is None:
        return replace(item, published_raw=raw)
    if stated.instant is None:
        at = local = stated.day.isoformat()
    else:
        at = normalise.to_utc_iso(stated.instant)
        local = normalise.to_local_iso(stated.instant, tz)
    return replace(item, published_raw=raw, published_precision=stated.precision,
                   published_at=at, published_local=local)


def _with_period(item: ArticleItem, fetched: datetime) -> ArticleItem:
    """``item`` with ``period_raw`` collapsed and the ``period_start``/``period_end`` it states."""
    if item.period_raw is None:
        return item
    raw = normalise.collapse_ws(item.period_raw) or None
    period = normalise.parse_period(raw or "", context=fetched.date())
    if period is None:
        return replace(item, period_raw=raw)
    start, end = (day.isoformat() for day in period)
    return replace(item, period_raw=raw, period_start=start, period_end=end)


def reject_reasons(item: ArticleItem) -> list[str]:
    """Why ``item`` cannot be archived as an article (empty when it can): it needs a URL, a title,
    a body of at least ``MIN_BODY_WORDS`` words, and a stated publication date or a week."""
    reasons = []
    if not item.url:
        reasons.append("no URL")
    if not item.title:
        reasons.append("no title")
    if item.published_at is None and item.period_start is None:
        shown = [f"{name}: {raw!r}" for name, raw in (("date", item.published_raw),
                                                       ("week", item.period_raw)) if raw]
        detail = f" (shown: {'; '.join(shown)})" if shown else ""
        reasons.append(f"no valid publication date or week{detail}")
    if item.word_count < MIN_BODY_WORDS:
        reasons.append(f"body too short ({item.word_count} words, at least {MIN_BODY_WORDS})")
    return reasons
