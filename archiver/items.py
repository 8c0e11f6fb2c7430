"""Typed items that flow from the spider through the pipelines into the archive.

Every normalised field has its raw twin (``published_raw`` beside ``published_at``) so that a
normaliser bug can be fixed later by re-extraction from the stored raw pages.
All timestamps are ISO 8601 strings; ``*_at`` values are UTC with a ``Z`` suffix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class RawPage:
    """One HTTP response exactly as received.

    url: the URL that was fetched (after redirects), as a string.
    fetched_at: when the response arrived, ISO 8601 UTC, e.g. ``2026-11-28T10:00:00Z``.
    status: the HTTP status code.
    headers: response headers, name -> list of values (names as received).
    body: the response body, bytes as received (not decoded, not decompressed further).
    """

    url: str
    fetched_at: str
    status: int
    headers: dict[str, list[str]]
    body: bytes


@dataclass(frozen=True, slots=True)
class RelatedLink:
    """A link from an article to another article.

    target_url: the absolute canonical URL of the target.
    title: the link's title as shown on the page, whitespace-collapsed.
    position: 1-based order within its block.
    kind: ``similar`` (the "Similar articles" block), ``trend`` (the "Recent trends" sidebar),
        ``inline`` (a link inside the body text) or ``translation`` (the same article in another
        language: hreflang alternates and the language switch).
    """

    target_url: str
    title: str
    position: int
    kind: str


@dataclass(frozen=True, slots=True)
class ArticleItem:
    """An article page, a frozen record: raw fields from the page object, normalised fields from
    normalisation; each step makes a new record (``dataclasses.replace``), none changes one.

    The page object (archiver.extract.build_item) gives ``url``, ``page`` and the
    ``*_raw``/``*_html`` fields; ``archiver.article.normalise_item`` returns a copy with the
    normalised ones; validation a copy with ``reject_reasons`` (empty when the item is valid).
    The lists and the dict it holds are not to be changed in place either.
    """

    url: str
    """Canonical article URL (absolute, no fragment, no tracking parameters)."""
    page: RawPage
    """The raw response the fields were extracted from."""
    site: str = "belarusinfocus.info"
    lang: str = "en"
    template: str = ""
    """Name of the page-object template version that matched (e.g. ``classic-2016``)."""

    # --- raw values, as extracted (text as shown, or HTML fragments) ---
    title_raw: str | None = None
    category_raw: str | None = None
    trend_status_raw: str | None = None
    """The status marker as found in markup (a class name, image name or text), or None."""
    published_raw: str | None = None
    """The publication timestamp as shown, e.g. ``November 07, 2016 10:41``."""
    period_raw: str | None = None
    """The monitored week as shown (weekly era), e.g. ``May 15 – May 21, 2023`` or
    ``Жнівень 9 – Жнівень 15, 2021``; None on pages that show a timestamp instead."""
    author_raw: str | None = None
    """The byline as shown, e.g. ``By Zmicier Kuchlej``; None when the page names no author."""
    image_url: str | None = None
    image_credit_raw: str | None = None
    """The credit line as shown, e.g. ``Image: TUT.BY``."""
    lead_html: str | None = None
    body_html: str | None = None
    related: list[RelatedLink] = field(default_factory=list)
    field_sources: dict[str, str] = field(default_factory=dict)
    """Field name -> where its raw value came from (``selector``, ``meta``, ``jsonld``, ``text``)."""

    # --- normalised values (NormalisePipeline) ---
    title: str = ""
    category: str | None = None
    """The trend's (or section's) name as the page shows it, e.g. ``The ruling elite``."""
    trend: str | None = None
    """One key per trend across languages and renamed slugs, e.g. ``ruling-elite``."""
    trend_status: str | None = None
    """``better``, ``worse`` or ``unchanged``; None when the page shows none or an unknown one."""
    period_start: str | None = None
    """First day of the monitored week, ISO date ``YYYY-MM-DD`` (None without a period)."""
    period_end: str | None = None
    """Last day of the monitored week, ISO date ``YYYY-MM-DD``."""
    author: str | None = None
    """The author's name without its label (``Zmicier Kuchlej``), or None."""
    published_at: str | None = None
    """UTC, ``YYYY-MM-DDTHH:MM:SSZ``."""
    published_local: str | None = None
    """The same instant in the site's timezone, ``YYYY-MM-DDTHH:MM:SS+03:00``."""
    published_precision: str | None = None
    """What the page stated: ``second``, ``minute`` or ``day`` (a calendar date without a time)."""
    image_credit: str | None = None
    image_caption: str | None = None
    """The lead image's caption without its credit, or None."""
    lead: str = ""
    body: str = ""
    """Plain text: paragraphs separated by one blank line."""
    word_count: int = 0

    # --- validation (ValidatePipeline) ---
    reject_reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NotModified:
    """An archived article the server answered 304 Not Modified for: seen again, not parsed.

    url: the article's canonical URL (as in ``articles.url``).
    fetched_at: when the 304 arrived, ISO 8601 UTC.
    """

    url: str
    fetched_at: str


class Failed(NamedTuple):
    """An article that could not be fetched: canonical URL, reason in words, last HTTP status."""

    url: str
    reason: str
    status: int | None


class KnownArticle(NamedTuple):
    """What the crawl plan needs to know of an archived article (all ISO 8601 UTC or None), as
    ``archiver.store.Archive.crawl_state`` reads it."""

    published_at: str | None
    last_seen_at: str
    etag: str | None
    last_modified: str | None
    """The ``Last-Modified`` header as the server sent it (an HTTP date)."""
