"""One page through the same path as a crawl: page object, normalisers, validation.

Used by the spider (``build_item``), by ``archiver extract`` and by re-extraction from stored pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, replace
from typing import Any

from parsel import Selector
from w3lib.encoding import html_to_unicode

from archiver.article import normalise_item, reject_reasons
from archiver.clock import iso_utc, system_clock
from archiver.items import ArticleItem, RawPage
from archiver.normalise import canonical_url
from archiver.pages.belarusinfocus import ArticlePage

PLACEHOLDER_URL = "https://belarusinfocus.info/unknown/page"
"""The URL given to a saved page that names none (no --url, no canonical link)."""

RECORD_FIELDS = (
    "url", "site", "lang", "template", "title", "category", "trend", "trend_status",
    "trend_status_raw", "published_at", "published_local", "published_raw", "published_precision",
    "period_start", "period_end", "period_raw", "author", "image_url", "image_credit",
    "image_caption", "lead", "body", "word_count",
)


def decode_page(page: RawPage) -> str:
    """The page's text, decoded by its Content-Type charset, its meta charset, or detection."""
    content_type = next(
        (values[0] for name, values in page.headers.items() if name.lower() == "content-type" and values),
        None,
    )
    _encoding, text = html_to_unicode(content_type, page.body)
    return text


def build_item(
    page: RawPage,
    text: str,
    templates: Iterable[str] | None = None,
    hosts: Iterable[str] | None = None,
    *,
    site_page: bool | None = None,
) -> ArticleItem:
    """An item with the raw fields of the article page ``page`` (whose decoded text is ``text``).

    ``templates``: the names of the site's template versions to know (None: all); ``hosts``: the
    crawl's base URLs, primary first (None: the public site, or the page's own origin on
    loopback); ``site_page``: whether the page is known to be the site's (None: by its host).
    The item's ``url`` is the article's one canonical URL (``canonical_article_url``).
    """
    fields = ArticlePage(
        page.url, text, fetched_at=page.fetched_at, templates=templates, hosts=hosts, site_page=site_page
    ).fields()
    return ArticleItem(
        url=fields.canonical or canonical_url(page.url),
        page=page,
        lang=fields.lang or "en",
        template=fields.template,
        title_raw=fields.title,
        category_raw=fields.category,
        trend_status_raw=fields.trend_status,
        published_raw=fields.published,
        period_raw=fields.period,
        author_raw=fields.author,
        image_url=fields.image_url,
        image_credit_raw=fields.image_credit,
        lead_html=fields.lead_html,
        body_html=fields.body_html,
        related=fields.related,
        field_sources=fields.sources,
    )


def process_page(
    page: RawPage,
    *,
    tz: str = "Europe/Minsk",
    hosts: Iterable[str] | None = None,
    site_page: bool | None = None,
) -> ArticleItem:
    """``page`` through extraction, normalisation and validation, as a crawl would."""
    item = normalise_item(build_item(page, decode_page(page), hosts=hosts, site_page=site_page), tz=tz)
    return replace(item, reject_reasons=reject_reasons(item))


def record(item: ArticleItem) -> dict[str, Any]:
    """The fields of ``item`` as the archive holds them, with sources, links and reject reasons."""
    out: dict[str, Any] = {name: getattr(item, name) for name in RECORD_FIELDS}
    out["related"] = [asdict(link) for link in item.related]
    out["field_sources"] = item.field_sources
    out["reject_reasons"] = item.reject_reasons
    return out


def extract_file(
    data: bytes, *, url: str | None = None, now: str | None = None, tz: str = "Europe/Minsk",
    name: str = "",
) -> dict[str, Any]:
    """A saved page's bytes -> its record (see ``record``), with ``file`` set to ``name``."""
    if url is None:
        _enc, text = html_to_unicode(None, data)
        url = Selector(text=text or "<html/>").css("link[rel='canonical']::attr(href)").get()
    known = url is not None
    page = RawPage(
        url=url or PLACEHOLDER_URL,
        fetched_at=now or iso_utc(system_clock()),
        status=200,
        headers={},
        body=data,
    )
    # a page of unknown address is no site page: the placeholder URL must not make it one
    return {"file": name, **record(process_page(page, tz=tz, site_page=None if known else False))}
