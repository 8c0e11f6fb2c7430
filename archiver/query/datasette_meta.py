"""Datasette metadata for the archive: titles and descriptions, FTS, facets, canned queries.

``TABLES`` is the one source of truth for what every table, view and column of the archive means
in Datasette (``archiver serve``) and in the ``metadata.json`` that ``archiver serve --metadata-only``
writes for ``datasette ARCHIVE -m metadata.json``; tests/test_serve.py checks that it covers every
column of a fresh archive, so a schema change cannot go undocumented. The format is Datasette's
metadata (0.64 and 0.65): https://docs.datasette.io/en/0.65/metadata.html.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, NamedTuple

from archiver.store import SCHEMA_VERSION


class Table(NamedTuple):
    """What a table or view holds, and what each of its columns means."""

    title: str
    description: str
    columns: Mapping[str, str]
    extra: Mapping[str, Any] = {}
    """Other Datasette table settings: ``fts_table``, ``facets``, ``sort_desc``, ``label_column``..."""


class CannedQuery(NamedTuple):
    """A named query shown on the database page; ``:name`` parameters become form fields."""

    title: str
    description: str
    sql: str
    params: tuple[str, ...]


TITLE: Final = "Belarus in Focus archive"
DESCRIPTION: Final = (
    "The analyses of Belarus in Focus (belarusinfocus.info, English, since 2011) as archived by "
    "`archiver crawl`: articles with their image credits, related links, earlier revisions, raw "
    "pages and the log of every crawl. Read-only. Times are ISO 8601 UTC (`Z`) unless a column "
    "says otherwise. Schema: docs/schema.md; worked questions: docs/querying.md."
)

_UTC = "UTC, ISO 8601 (YYYY-MM-DDTHH:MM:SSZ)"

ARTICLE_COLUMNS: Final[Mapping[str, str]] = {
    "id": "Row id; also the rowid of articles_fts",
    "url": "Canonical article URL (unique)",
    "site": "Site host, e.g. belarusinfocus.info",
    "lang": "Language code, e.g. en",
    "title": "Title: plain text, NFC, whitespace collapsed, site suffix removed",
    "category": "The trend's or section's name as the page shows it (The ruling elite, Кіруючы "
                "клас, Politics); NULL when none",
    "trend_status": "better, worse or unchanged (the status sentence, the Drupal '(The situation "
                    "has improved)' line, or green/red markers); NULL when none or not understood",
    "published_at": f"Publication time, {_UTC}; only from a time the page or feed states "
                    "(never made up from a week); NULL for a weekly article without one",
    "published_local": "Publication time in the site's timezone, ISO 8601 with offset (+03:00)",
    "published_raw": "The date text as shown on the page, e.g. November 07, 2016 10:41",
    "image_url": "Absolute URL of the lead image; NULL when none",
    "image_credit": "Credit of the lead image without its label (TUT.BY); several joined with '; '",
    "lead": "Lead paragraph(s), plain text; empty when none",
    "body": "Body, plain text; paragraphs separated by one blank line",
    "word_count": "Words in the body (whitespace-separated)",
    "content_hash": "SHA-256 hex of the normalised content; changes when the article is edited",
    "first_seen_at": f"When a crawl first stored the article, {_UTC}",
    "last_seen_at": f"When a crawl last saw the article (changed or not), {_UTC}",
    "updated_at": f"When the current version was stored, {_UTC}",
    "revision": "1 for the first version, +1 per content change (earlier ones: article_revisions)",
    "title_raw": "Title as extracted, before normalisation",
    "category_raw": "Category as extracted, before normalisation",
    "trend_status_raw": "The trend marker as found in the markup (class, image name or text)",
    "image_credit_raw": "Credit line as shown, e.g. 'Image: TUT.BY'",
    "template": "The template version the page was recognised as (e.g. drupal-2016), or unknown",
    "field_sources": "JSON object: field -> where its raw value came from (selector, meta, jsonld, text)",
    "page_id": "The raw page (pages.id) the current version was extracted from",
    "page_sha256": "pages.sha256 of that page",
    "http_etag": "ETag of that page's response (sent back as If-None-Match), or NULL",
    "http_last_modified": "Last-Modified of that response, an HTTP date, or NULL",
    "trend": "One key per trend across languages and renamed slugs (ruling-elite, ...); NULL when "
             "none",
    "period_start": "First day of the monitored week, YYYY-MM-DD; NULL without a period",
    "period_end": "Last day of the monitored week, YYYY-MM-DD",
    "period_raw": "The week as shown, e.g. 'May 15 – May 21, 2023' or 'Жнівень 9 – Жнівень 15, "
                  "2021'",
    "author": "The author's name from the byline, without its label (Zmicier Kuchlej)",
    "author_raw": "The byline as shown, e.g. 'By Zmicier Kuchlej'",
    "published_precision": "What the page stated: second, minute or day (a calendar date: its "
                           "day is never shifted in views or exports)",
    "image_caption": "The lead image's caption without its credit",
}

_LINK_KIND = (
    "similar ('Similar articles'), trend ('Recent trends' sidebar), inline (in the body) or "
    "translation (the same article in another language, both ways)"
)
_FIRST_SEEN_LINK = f"When the link was first seen, {_UTC}"
_LAST_SEEN_LINK = f"When the link was last seen, {_UTC}"
_MONTHS = (
    "Dates are the date key: published_at (UTC), the stated day of a date without a time, or "
    "the week's start (period_start) for an article without a timestamp."
)
_DATE_KEY = "the date key (published_at, the stated day, or period_start)"


def _as_in_articles(*names: str) -> dict[str, str]:
    return {name: f"As in articles: {ARTICLE_COLUMNS[name][0].lower()}{ARTICLE_COLUMNS[name][1:]}"
            for name in names}


TABLES: Final[Mapping[str, Table]] = {
    "articles": Table(
        "Articles",
        "Every column of every article, its current version (long texts cut short here; an "
        "article's own page shows the whole text). To browse, start with articles_list. Search: "
        "words as typed; FTS5 syntax with &_searchmode=raw in the URL.",
        ARTICLE_COLUMNS,
        {
            "fts_table": "articles_fts",
            "fts_pk": "id",
            "facets": ["category", "trend", "trend_status"],
            "facet_size": 6,
            "sort_desc": "published_at",
            "label_column": "title",
        },
    ),
    "articles_list": Table(
        "Articles: the list (view)",
        "One row per article, newest first: date (or the week), title, trend, status, image "
        "credits, a short excerpt; the id and the title link to the whole article. Search "
        "(words as typed) and facets by year, month, trend, status and credit.",
        {
            "id": "articles.id; links to the article's page",
            "date": "The date key's day, YYYY-MM-DD: publication (site's timezone), the stated "
                    "day, or the week's first day",
            "week": "period_start of a weekly article, else NULL",
            "month": "YYYY-MM of the date key",
            "year": "YYYY of the date key",
            "title": "The title; links to the article's page",
            "trend": "The trend key (ruling-elite, ...)",
            "category": "The trend's or section's name as shown",
            "status": "trend_status: better, worse or unchanged",
            "credits": "JSON array of the canonical sources of the lead image credit",
            "author": "The author's name",
            "excerpt": "The lead (else the body), cut to 200 characters",
            "lang": "Language code",
            "url": "The article's URL on the site",
        },
        {
            "fts_table": "articles_fts",
            "fts_pk": "id",
            "facets": ["year", "month", "trend", "status", {"array": "credits"}],
            "facet_size": 6,  # the rows stay near the top; "…" opens a facet's full list
            "sort_desc": "date",
            "label_column": "title",
        },
    ),
    "credit_sources": Table(
        "Credit sources",
        "Each spelling of an image credit's source (tut.by, reuters.com) and its canonical "
        "source (TUT.BY, Reuters), filled by the crawler.",
        {
            "credit": "One source as written in a credit (a part between ';')",
            "source": "Its canonical spelling: a known agency's, or the domain case-folded "
                      "without www.",
        },
        {"facets": ["source"]},
    ),
    "article_credits": Table(
        "Article credits (view)",
        "One row per article and canonical source of its lead image credit.",
        {
            "article_id": "articles.id",
            "source": "The canonical source (credit_sources.source)",
            "credit": "Its spelling(s) in the article's credit",
        },
        {"facets": ["source"]},
    ),
    "related_links": Table(
        "Related links",
        "Links between articles as shown on the source page; the target may not be archived yet "
        "(related_articles resolves it).",
        {
            "id": "Row id",
            "source_id": "The article the link is on (articles.id)",
            "target_url": "Canonical URL of the linked article (archived or not)",
            "position": "1-based order within its block, as last seen",
            "title": "Link text as last shown",
            "kind": _LINK_KIND,
            "first_seen_at": _FIRST_SEEN_LINK,
            "last_seen_at": _LAST_SEEN_LINK,
        },
        {"facets": ["kind"]},
    ),
    "article_revisions": Table(
        "Article revisions",
        "The earlier versions of articles whose content changed (the current one is in articles).",
        {
            "id": "Row id",
            "article_id": "The article (articles.id)",
            "revision": "The revision number this version had (1, 2, ...)",
            **_as_in_articles(
                "title", "category", "trend_status", "published_at", "published_local",
                "published_raw", "image_url", "image_credit", "lead", "body", "word_count",
                "content_hash", "page_id", "page_sha256", "trend", "trend_status_raw",
                "period_start", "period_end", "period_raw", "author", "author_raw",
                "published_precision", "image_caption",
            ),
            "valid_from": f"When this version was stored (its updated_at), {_UTC}",
            "replaced_at": f"When the next version replaced it, {_UTC}",
            "related": "JSON array of this version's related links: {target_url, title, position, "
                       "kind}",
        },
        {"sort_desc": "replaced_at"},
    ),
    "article_urls": Table(
        "Article URLs",
        "Every URL an article was seen under (its canonical url, the other host, www, a trailing "
        "slash, ?page=N, an old section alias, a root-level slug, a re-publication with the same "
        "text), with first and last seen.",
        {
            "url": "The URL as seen (unique)",
            "article_id": "The article (articles.id)",
            "first_seen_at": f"When a crawl first stored the article under it, {_UTC}",
            "last_seen_at": f"When a crawl last saw the article under it, {_UTC}",
        },
        {"sort_desc": "last_seen_at", "label_column": "url"},
    ),
    "pages": Table(
        "Raw pages",
        "Every distinct raw response (zlib-compressed bytes): what `archiver reparse` re-extracts "
        "without the network.",
        {
            "id": "Row id",
            "url": "The URL fetched (after redirects)",
            "fetched_at": f"The latest fetch that returned these bytes, {_UTC}",
            "first_fetched_at": f"The first fetch that returned these bytes, {_UTC}",
            "status": "HTTP status of the first fetch",
            "headers": "JSON object of the first fetch's headers: name -> list of values",
            "body": "The body as received, compressed as encoding says",
            "encoding": "zlib: body is a zlib stream (zlib.decompress(body))",
            "size": "Length of the uncompressed body, bytes",
            "sha256": "SHA-256 hex of the uncompressed body",
        },
        {"sort_desc": "fetched_at", "label_column": "url"},
    ),
    "crawl_runs": Table(
        "Crawl runs",
        "One row per crawl, the run log of `archiver runs`; an unfinished run has no finished_at.",
        {
            "id": "Run id",
            "mode": "full, incremental or resume (a full crawl continued after it stopped)",
            "started_at": f"Start, {_UTC}",
            "finished_at": f"End, {_UTC}; NULL while the run is unfinished (running or killed)",
            "requests": "HTTP requests made",
            "items_new": "Articles stored for the first time",
            "items_updated": "Articles whose content changed",
            "items_unchanged": "Articles seen again unchanged",
            "items_rejected": "Pages stored as rejects",
            "failures": "Pages that could not be fetched (retried by the next runs)",
            "finish_reason": "Scrapy's finish reason, e.g. finished, shutdown",
            "exit_code": "The command's exit code: 0 clean, 1 failures or rejects",
            "base_url": "The site crawled (a replica's URL for offline runs)",
            "timezone": "IANA timezone used for published_local",
            "stats": "JSON object of the crawler's other statistics",
            "responses_2xx": "Responses with a 2xx status",
            "responses_304": "304 Not Modified responses (conditional requests)",
            "responses_4xx": "Responses with a 4xx status",
            "responses_5xx": "Responses with a 5xx status",
            "pid": "The crawling process id",
            "since": f"The --since bound, {_UTC}, or NULL",
            "health": "JSON: article pages parsed, their templates, and per field how many came "
                      "from the site's selectors, each fallback, or nowhere (archiver check)",
        },
        {"sort_desc": "id", "facets": ["mode"]},
    ),
    "rejects": Table(
        "Rejects",
        "Pages that did not become articles, with the reason: nothing is dropped silently.",
        {
            "id": "Row id",
            "url": "The article URL (or the fetched URL when none was found)",
            "reason": "Why, in words; several reasons joined with '; '",
            "kind": "invalid (fetched but failed validation) or failed (could not be fetched)",
            "status": "HTTP status of the last response (NULL when none: a timeout, a reset)",
            "page_id": "The raw page kept for it (pages.id); NULL for failed",
            "run_id": "The run (crawl_runs.id); NULL when stored outside a run",
            "rejected_at": f"When, {_UTC}",
        },
        {"sort_desc": "rejected_at", "facets": ["kind"]},
    ),
    "articles_fts": Table(
        "Full-text index of articles",
        "FTS5 over articles.title, lead and body (rowid = articles.id; porter stemming, "
        "case and diacritics folded), kept in step by triggers. Search it from the articles table "
        "or with the search query.",
        {
            "title": "articles.title, indexed",
            "lead": "articles.lead, indexed",
            "body": "articles.body, indexed",
        },
    ),
    "related_articles": Table(
        "Related articles (view)",
        "related_links with both ends' titles and dates; target_id is NULL until the linked article "
        "is archived.",
        {
            "source_id": "articles.id of the article the link is on",
            "source_url": "Its URL",
            "source_title": "Its title",
            "source_published_at": f"Its publication time, {_UTC}",
            "target_url": "The linked URL",
            "target_id": "articles.id of the linked article; NULL until it is archived",
            "target_title": "Its title; NULL until it is archived",
            "target_published_at": f"Its publication time, {_UTC}; NULL until it is archived",
            "kind": _LINK_KIND,
            "position": "1-based order within its block",
            "link_title": "The link text as shown on the source page",
            "first_seen_at": _FIRST_SEEN_LINK,
            "last_seen_at": _LAST_SEEN_LINK,
        },
        {"facets": ["kind"]},
    ),
    "articles_by_month": Table(
        "Articles by month (view)",
        f"One row per month with dated articles, oldest first. {_MONTHS}",
        {
            "month": f"YYYY-MM of {_DATE_KEY}",
            "articles": "Articles of that month",
            "words": "The sum of their word_count",
        },
    ),
    "articles_by_category": Table(
        "Articles by category (view)",
        "One row per section, the largest first; articles without a section are the row with "
        "category NULL.",
        {
            "category": "As in articles (NULL: no section)",
            "articles": "Articles in the section",
            "words": "The sum of their word_count",
            "first_published_at": f"The earliest {_DATE_KEY} in it, {_UTC}",
            "last_published_at": f"The latest {_DATE_KEY} in it, {_UTC}",
        },
    ),
    "image_credits": Table(
        "Image credits (view)",
        "One row per canonical source of lead images, the most used first; a credit naming "
        "several sources ('TUT.BY; Reuters') counts for each, tut.by and TUT.BY are one.",
        {
            "credit": "One canonical source, e.g. TUT.BY",
            "spellings": "Its spellings found in credits, joined with '; '",
            "articles": "Articles whose lead image credits it (alone or with others)",
            "first_published_at": f"The earliest {_DATE_KEY} of those articles, {_UTC}",
            "last_published_at": f"The latest {_DATE_KEY} of those articles, {_UTC}",
        },
    ),
    "link_graph": Table(
        "Link graph (view)",
        "The edges of related_links whose target is archived, as articles.id at both ends: for "
        "networkx, igraph or Gephi.",
        {
            "source_id": "articles.id of the article the link is on",
            "target_id": "articles.id of the linked article",
            "kind": _LINK_KIND,
            "position": "1-based order within its block",
            "first_seen_at": _FIRST_SEEN_LINK,
            "last_seen_at": _LAST_SEEN_LINK,
        },
        {"facets": ["kind"]},
    ),
    "status_by_week": Table(
        "Status by week (view)",
        "The weekly monitoring: one row per article with a period (each language its own row), "
        "by week, trend and language.",
        {
            "week_start": "period_start: first day of the week, YYYY-MM-DD",
            "week_end": "period_end: last day of the week, YYYY-MM-DD",
            "trend": "The trend key (ruling-elite, ...)",
            "category": "The trend's name as the page shows it",
            "status": "trend_status: better, worse or unchanged; NULL when none or not understood",
            "article_id": "articles.id",
            "title": "The article's title",
            "url": "The article's URL",
            "lang": "The language of the article's text (en, ru, be)",
        },
        {"facets": ["trend", "status", "lang"], "sort_desc": "week_start"},
    ),
    "status_by_trend_month": Table(
        "Status by trend and month (view)",
        "How each trend moved: per month (of the week's start) and trend, the number of weeks "
        "the situation got better, worse or did not change (a week's language versions count "
        f"once). {_MONTHS}",
        {
            "month": f"YYYY-MM of {_DATE_KEY}",
            "trend": "The trend key",
            "better": "Weeks (or dated articles) whose status was better",
            "worse": "Weeks (or dated articles) whose status was worse",
            "unchanged": "Weeks (or dated articles) whose status was unchanged",
            "articles": "Articles of the trend that month, every language",
        },
        {"facets": ["trend"]},
    ),
    "monitoring_issues": Table(
        "Monitoring issues (view)",
        "One row per monitored week: the week's articles across trends and languages form its "
        "issue.",
        {
            "week_start": "First day of the week, YYYY-MM-DD",
            "week_end": "Last day of the week, YYYY-MM-DD",
            "articles": "Articles of that week, every trend and language",
            "trend_count": "Trends covered",
            "trends": "The trend keys covered, comma-separated, sorted",
            "languages": "The languages, comma-separated, sorted",
        },
        {"sort_desc": "week_start"},
    ),
    "issue_links": Table(
        "Issue links (view)",
        "Links of kind issue: every article of a week links to every other article of the same "
        "week (across trends and languages); computed, not stored in related_links.",
        {
            "source_id": "articles.id of one article of the week",
            "source_url": "Its URL",
            "source_title": "Its title",
            "target_url": "The URL of another article of the same week",
            "target_id": "Its articles.id",
            "target_title": "Its title",
            "kind": "Always issue",
            "week_start": "The week's first day, YYYY-MM-DD",
            "target_trend": "The other article's trend key",
            "target_lang": "The other article's language",
        },
    ),
}
"""Every table and view of the archive (schema version ``SCHEMA_VERSION``), by name."""

QUERIES: Final[Mapping[str, CannedQuery]] = {
    "search": CannedQuery(
        "Full-text search",
        "Articles with every word of q, as typed (Hi-Tech Park, Lukashenka's, U.S., 50%), best "
        "match first (relevance: higher is better; a title match counts most); matches are "
        "marked [like this] in the snippet. For FTS5 syntax (phrases, OR, prefix*), search the "
        "articles table with &_searchmode=raw.",
        """SELECT
    a.id,
    coalesce(substr(a.published_at, 1, 10), a.period_start) AS date,
    a.category,
    a.title,
    snippet(articles_fts, -1, '[', ']', '…', 16) AS snippet,
    round(-bm25(articles_fts, 10.0, 4.0, 1.0), 2) AS relevance,
    a.url
FROM articles_fts
JOIN articles AS a ON a.id = articles_fts.rowid
WHERE trim(:q) <> ''
  AND articles_fts MATCH '"' || replace(replace(trim(:q), '"', '""'), ' ', '" "') || '"'
ORDER BY bm25(articles_fts, 10.0, 4.0, 1.0), a.published_at DESC
LIMIT 200""",
        ("q",),
    ),
    "related": CannedQuery(
        "Related articles of an article",
        "The links of the article with this url (or id): those on its page (direction out) and "
        "those on other pages pointing to it (direction in), with the other end's title.",
        """SELECT
    'out' AS direction, kind, position,
    target_id AS article_id, target_title AS title, target_published_at AS published_at,
    target_url AS url
FROM related_articles
WHERE source_url = :url OR source_id = CAST(nullif(:id, '') AS INTEGER)
UNION ALL
SELECT
    'in' AS direction, kind, position,
    source_id, source_title, source_published_at, source_url
FROM related_articles
WHERE target_url = :url OR target_id = CAST(nullif(:id, '') AS INTEGER)
ORDER BY direction DESC, kind, position, url""",
        ("url", "id"),
    ),
    "per_month": CannedQuery(
        "Articles per month",
        "Articles and words per month (of the date key: publication, UTC, or the week's "
        "start), oldest first; year (e.g. 2020) "
        "narrows it to one year, empty for all.",
        """SELECT month, articles, words, words / articles AS words_per_article
FROM articles_by_month
WHERE :year = '' OR substr(month, 1, 4) = :year
ORDER BY month""",
        ("year",),
    ),
    "trend_moves": CannedQuery(
        "How did a trend move?",
        "Month by month, the weeks a trend (its key, e.g. ruling-elite) got better, worse or did "
        "not change in a year (e.g. 2023; empty for every year), and the balance (better - worse). "
        "How did the ruling-elite trend move in 2023? trend=ruling-elite, year=2023.",
        """SELECT month, better, worse, unchanged, better - worse AS balance, articles
FROM status_by_trend_month
WHERE trend = :trend AND (:year = '' OR substr(month, 1, 4) = :year)
ORDER BY month""",
        ("trend", "year"),
    ),
    "trend_weeks": CannedQuery(
        "A trend week by week",
        "Every week of a trend (its key, e.g. ruling-elite) in a year (e.g. 2023; empty for "
        "every year), English first, with the status and the article.",
        """SELECT week_start, week_end, status, lang, title, url
FROM status_by_week
WHERE trend = :trend AND (:year = '' OR substr(week_start, 1, 4) = :year)
ORDER BY week_start, lang <> 'en', lang""",
        ("trend", "year"),
    ),
    "per_year": CannedQuery(
        "Articles per year",
        "Articles, words and sections per year of the date key (publication, UTC; the stated "
        "day of a date without a time; the week's start for an article without a timestamp), "
        "newest first.",
        """SELECT
    substr(CASE WHEN published_precision = 'day' THEN coalesce(published_local, published_at)
           ELSE coalesce(published_at, period_start) END, 1, 4) AS year,
    count(*) AS articles,
    sum(word_count) AS words,
    count(DISTINCT category) AS categories
FROM articles
WHERE coalesce(published_at, period_start) IS NOT NULL
GROUP BY year
ORDER BY year DESC""",
        (),
    ),
}
"""The canned queries, by name (the URL is ``/DATABASE/NAME``)."""


def database_name(path: str | Path) -> str:
    """The name Datasette gives the database file at ``path``: its file name without suffix."""
    return Path(path).stem


WIDE_TABLE: Final = 12
"""A table or view with more columns than this shows their descriptions in a collapsed block
(Datasette lists ``columns`` above the rows, pushing the table below the fold)."""


def glossary_html(description: str, columns: Mapping[str, str]) -> str:
    """``description``, then the column descriptions in a collapsed ``<details>`` block."""
    items = "".join(
        f"<dt>{html.escape(name)}</dt><dd>{html.escape(text)}</dd>" for name, text in columns.items()
    )
    return (
        f'<p>{html.escape(description)}</p><details class="column-glossary"><summary>What the '
        f'{len(columns)} columns hold</summary><dl class="column-descriptions">{items}</dl>'
        "</details>"
    )


def table_metadata(table: Table) -> dict[str, Any]:
    """Datasette metadata of one table or view: a wide one has its column descriptions in a
    collapsed block of ``description_html`` instead of ``columns``."""
    title = table.title.removesuffix(" (view)")  # Datasette adds "(view)" to a view's title
    out: dict[str, Any] = {"title": title, "description": table.description, **table.extra}
    if len(table.columns) > WIDE_TABLE:
        out["description_html"] = glossary_html(table.description, table.columns)
    else:
        out["columns"] = dict(table.columns)
    return out


def database_html(database: str) -> str:
    """The database page's description, with the places to start as links."""
    return (
        f"<p>{html.escape(DESCRIPTION)}</p><p>Start here: "
        f'<a href="/{database}/articles_list">the list of articles</a> (newest first, search, '
        f'facets by year, month, trend, status, credit), <a href="/{database}/search">search</a> '
        f'(words as typed), <a href="/{database}/image_credits">image credits</a>, '
        f'<a href="/{database}/status_by_week">the weekly monitoring</a>.</p>'
    )


def metadata(database: str = "archive") -> dict[str, Any]:
    """Datasette metadata for the archive served under the name ``database``."""
    tables: dict[str, Any] = {name: table_metadata(table) for name, table in TABLES.items()}
    queries = {
        name: {
            "title": query.title,
            "description": query.description,
            "sql": query.sql,
            "params": list(query.params),
            "hide_sql": True,  # the results first; "Show SQL" reveals it
        }
        for name, query in QUERIES.items()
    }
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "source": "Belarus in Focus",
        "source_url": "https://belarusinfocus.info",
        "databases": {
            database: {
                "title": TITLE,
                "description": f"{DESCRIPTION} Schema version {SCHEMA_VERSION}.",
                "description_html": database_html(database),
                "tables": tables,
                "queries": queries,
            }
        },
    }


def metadata_json(database: str = "archive") -> str:
    """``metadata(database)`` as indented JSON text, ending with a newline."""
    return json.dumps(metadata(database), ensure_ascii=False, indent=2) + "\n"
