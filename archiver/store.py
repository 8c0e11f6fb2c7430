"""The SQLite archive: schema, migrations, every write and every SQL statement of the project.

The schema is a contract with the analysts (docs/schema.md): names are stable, changes come only as
new numbered migrations (``PRAGMA user_version``), tables are never dropped or recreated on start.
Timestamps are ISO 8601 strings, UTC with a ``Z`` suffix (``2026-11-28T10:00:00Z``); JSON columns
hold UTF-8 JSON text; page bodies are zlib-compressed bytes.

Connections use WAL mode, a 5000 ms busy timeout and enforced foreign keys. Every write runs inside
one ``BEGIN IMMEDIATE`` transaction; SQL values are always bound parameters and identifiers are
fixed in this module.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Final, NamedTuple, Self

from sqlite_utils import Database

from archiver.errors import (
    ArchiveCorruptError,
    ArchiveError,
    ArchiveFullError,
    ArchiveLockedError,
    ArchiveReadOnlyError,
    PageUnreadableError,
    QueryTimeoutError,
    SchemaTooNewError,
    SearchQueryError,
    UnknownFieldError,
)
from archiver.items import ArticleItem, NotModified, RawPage
from archiver.normalise import canonical_url, text_fingerprint
from archiver.normalise.credits import credit_source

BUSY_TIMEOUT_MS: Final = 5000
"""How long a connection waits for another's lock before failing, in milliseconds."""

PAGE_ENCODING: Final = "zlib"
"""The value of ``pages.encoding``: how ``pages.body`` is compressed."""

MAX_PAGE_BYTES: Final = 8 * 1024 * 1024
"""The most bytes a stored page may inflate to when read back (8 MiB, the crawler's
``DOWNLOAD_MAXSIZE``): a larger one is a compression bomb or damage, refused for that page."""

DEFAULT_TIME_LIMIT_S: Final = 60.0
"""The default time limit of one read call of the CLI's read commands, in seconds."""

PROGRESS_STEPS: Final = 10_000
"""SQLite virtual-machine steps between two looks at the clock of a time-limited connection."""

PageErrorHandler = Callable[[PageUnreadableError], None]
"""Called by the page readers with each page they cannot read, which they then skip."""

PAGE_ZLIB_LEVEL: Final = 1
"""zlib level for page bodies: 1 is ~2.5x faster than 6 for ~25 % more bytes on HTML."""

HASH_FIELDS: Final = (
    "title", "category", "trend", "trend_status", "published_at", "period_start", "period_end",
    "author", "image_url", "image_credit", "image_caption", "lead", "body",
)
"""The normalised fields whose values make up ``articles.content_hash``, in this order (schema 9;
migration 9 recomputes the hashes of older rows)."""

REVISION_COLUMNS: Final = (
    "title", "category", "trend_status", "published_at", "published_local", "published_raw",
    "image_url", "image_credit", "lead", "body", "word_count", "content_hash", "page_id",
    "page_sha256", "trend", "trend_status_raw", "period_start", "period_end", "period_raw",
    "author", "author_raw", "published_precision", "image_caption",
)
"""The article columns copied into ``article_revisions`` when the content changes."""

COVERAGE_FIELDS: Final = (
    "title", "category", "trend", "trend_status", "published_at", "period_start", "author",
    "image_url", "image_credit", "image_caption", "lead", "body",
)
"""The fields whose share of non-empty values ``Archive.stats`` reports."""

RAW_COVERAGE_COLUMNS: Final = {
    "title": "title_raw", "category": "category_raw", "trend_status": "trend_status_raw",
    "published_at": "published_raw", "image_credit": "image_credit_raw",
}
"""Field -> the column of its raw text as found on the page, for ``raw_coverage``."""

LINK_KINDS: Final = ("similar", "trend", "inline", "translation")
"""The documented values of ``related_links.kind`` (``issue`` links are the ``issue_links`` view)."""

TREND_STATUSES: Final = ("better", "worse", "unchanged")
"""The values of ``articles.trend_status`` (NULL: none shown, or not understood)."""

LAST_RUNS: Final = 5
"""How many of the newest crawl runs ``Archive.stats`` lists."""

NEW: Final = "new"
UPDATED: Final = "updated"
UNCHANGED: Final = "unchanged"
REJECTED: Final = "rejected"

COUNT_KEYS: Final = (
    "requests", "items_new", "items_updated", "items_unchanged", "items_rejected", "failures",
    "responses_2xx", "responses_304", "responses_4xx", "responses_5xx",
)
"""The keys ``Archive.finish_run`` takes in ``counts`` (a missing key counts 0)."""


class Migration(NamedTuple):
    """One schema step: after its statements run, ``PRAGMA user_version`` is ``version``."""

    version: int
    name: str
    statements: tuple[str, ...]


_CORE_TABLES = (
    """CREATE TABLE pages (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        first_fetched_at TEXT NOT NULL,
        status INTEGER NOT NULL,
        headers TEXT NOT NULL DEFAULT '{}',
        body BLOB NOT NULL,
        encoding TEXT NOT NULL DEFAULT 'zlib',
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX idx_pages_url_sha256 ON pages (url, sha256)",
    """CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        site TEXT NOT NULL DEFAULT '',
        lang TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL,
        category TEXT,
        trend_status TEXT,
        published_at TEXT,
        published_local TEXT,
        published_raw TEXT,
        image_url TEXT,
        image_credit TEXT,
        lead TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        word_count INTEGER NOT NULL DEFAULT 0,
        content_hash TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1,
        title_raw TEXT,
        category_raw TEXT,
        trend_status_raw TEXT,
        image_credit_raw TEXT,
        template TEXT NOT NULL DEFAULT '',
        field_sources TEXT NOT NULL DEFAULT '{}',
        page_id INTEGER REFERENCES pages (id),
        page_sha256 TEXT
    )""",
    "CREATE INDEX idx_articles_published_at ON articles (published_at)",
    "CREATE INDEX idx_articles_category ON articles (category)",
    """CREATE TABLE related_links (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        target_url TEXT NOT NULL,
        position INTEGER NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        kind TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        UNIQUE (source_id, target_url, kind)
    )""",
    "CREATE INDEX idx_related_links_target_url ON related_links (target_url)",
    """CREATE TABLE article_revisions (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        revision INTEGER NOT NULL,
        title TEXT NOT NULL,
        category TEXT,
        trend_status TEXT,
        published_at TEXT,
        published_local TEXT,
        published_raw TEXT,
        image_url TEXT,
        image_credit TEXT,
        lead TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        word_count INTEGER NOT NULL DEFAULT 0,
        content_hash TEXT NOT NULL,
        page_id INTEGER REFERENCES pages (id),
        page_sha256 TEXT,
        valid_from TEXT NOT NULL,
        replaced_at TEXT NOT NULL,
        UNIQUE (article_id, revision)
    )""",
    """CREATE TABLE crawl_runs (
        id INTEGER PRIMARY KEY,
        mode TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        requests INTEGER NOT NULL DEFAULT 0,
        items_new INTEGER NOT NULL DEFAULT 0,
        items_updated INTEGER NOT NULL DEFAULT 0,
        items_unchanged INTEGER NOT NULL DEFAULT 0,
        items_rejected INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,
        finish_reason TEXT,
        exit_code INTEGER,
        base_url TEXT NOT NULL DEFAULT '',
        timezone TEXT NOT NULL DEFAULT 'Europe/Minsk',
        stats TEXT NOT NULL DEFAULT '{}'
    )""",
    """CREATE TABLE rejects (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        reason TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'invalid',
        page_id INTEGER REFERENCES pages (id),
        run_id INTEGER REFERENCES crawl_runs (id),
        rejected_at TEXT NOT NULL
    )""",
    "CREATE INDEX idx_rejects_url ON rejects (url)",
    "CREATE INDEX idx_rejects_run_id ON rejects (run_id)",
)

_FTS = (
    # The shape sqlite-utils' enable_fts(..., create_triggers=True) writes, so that sqlite-utils
    # and Datasette detect the index; the update trigger fires only when an indexed column is set.
    """CREATE VIRTUAL TABLE articles_fts USING FTS5 (
        title, lead, body,
        tokenize='porter unicode61 remove_diacritics 2',
        content="articles", content_rowid="id"
    )""",
    """CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, lead, body)
        VALUES (new.id, new.title, new.lead, new.body);
    END""",
    """CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, lead, body)
        VALUES ('delete', old.id, old.title, old.lead, old.body);
    END""",
    """CREATE TRIGGER articles_au AFTER UPDATE OF title, lead, body ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, lead, body)
        VALUES ('delete', old.id, old.title, old.lead, old.body);
        INSERT INTO articles_fts (rowid, title, lead, body)
        VALUES (new.id, new.title, new.lead, new.body);
    END""",
    "INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')",
)

_VIEW = (
    """CREATE VIEW related_articles AS
    SELECT
        l.source_id AS source_id,
        s.url AS source_url,
        s.title AS source_title,
        s.published_at AS source_published_at,
        l.target_url AS target_url,
        t.id AS target_id,
        t.title AS target_title,
        t.published_at AS target_published_at,
        l.kind AS kind,
        l.position AS position,
        l.title AS link_title,
        l.first_seen_at AS first_seen_at,
        l.last_seen_at AS last_seen_at
    FROM related_links AS l
    JOIN articles AS s ON s.id = l.source_id
    LEFT JOIN articles AS t ON t.url = l.target_url""",
)

_CRAWL_STATE = (
    # the HTTP validators of the page behind each article's current version (conditional requests)
    "ALTER TABLE articles ADD COLUMN http_etag TEXT",
    "ALTER TABLE articles ADD COLUMN http_last_modified TEXT",
    # the run log: responses by class, the process, the --since bound
    "ALTER TABLE crawl_runs ADD COLUMN responses_2xx INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE crawl_runs ADD COLUMN responses_304 INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE crawl_runs ADD COLUMN responses_4xx INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE crawl_runs ADD COLUMN responses_5xx INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE crawl_runs ADD COLUMN pid INTEGER",
    "ALTER TABLE crawl_runs ADD COLUMN since TEXT",
    # the related links of each replaced version (related_links follows the current one)
    "ALTER TABLE article_revisions ADD COLUMN related TEXT NOT NULL DEFAULT '[]'",
    "CREATE INDEX idx_rejects_kind_url ON rejects (kind, url)",
    "CREATE INDEX idx_articles_last_seen_at ON articles (last_seen_at)",
)

_ANALYSIS_VIEWS = (
    # months of published_at (UTC); articles without a date are left out
    """CREATE VIEW articles_by_month AS
    SELECT
        substr(published_at, 1, 7) AS month,
        count(*) AS articles,
        sum(word_count) AS words
    FROM articles
    WHERE published_at IS NOT NULL
    GROUP BY month
    ORDER BY month""",
    """CREATE VIEW articles_by_category AS
    SELECT
        category,
        count(*) AS articles,
        sum(word_count) AS words,
        min(published_at) AS first_published_at,
        max(published_at) AS last_published_at
    FROM articles
    GROUP BY category
    ORDER BY articles DESC, category""",
    # image_credit holds several sources joined with '; ': split into one row per source (and
    # article) by peeling off one part per recursion step; a source twice in one credit counts once
    """CREATE VIEW image_credits AS
    WITH RECURSIVE parts (article_id, published_at, credit, rest) AS (
        SELECT id, published_at, NULL, image_credit || ';'
        FROM articles
        WHERE coalesce(image_credit, '') <> ''
        UNION ALL
        SELECT
            article_id,
            published_at,
            trim(substr(rest, 1, instr(rest, ';') - 1), char(32, 9, 10, 13)),
            substr(rest, instr(rest, ';') + 1)
        FROM parts
        WHERE rest <> ''
    )
    SELECT
        credit,
        count(DISTINCT article_id) AS articles,
        min(published_at) AS first_published_at,
        max(published_at) AS last_published_at
    FROM parts
    WHERE coalesce(credit, '') <> ''
    GROUP BY credit
    ORDER BY articles DESC, credit""",
    # the edges of related_links whose target is archived: ids at both ends, for graph tools
    """CREATE VIEW link_graph AS
    SELECT
        l.source_id AS source_id,
        t.id AS target_id,
        l.kind AS kind,
        l.position AS position,
        l.first_seen_at AS first_seen_at,
        l.last_seen_at AS last_seen_at
    FROM related_links AS l
    JOIN articles AS t ON t.url = l.target_url""",
)

_REJECT_STATUS = (
    # the HTTP status of the last response of a failed or rejected page (NULL: no response)
    "ALTER TABLE rejects ADD COLUMN status INTEGER",
)

_RUN_HEALTH = (
    # JSON: pages parsed, their templates, and per field the count of each source (archiver.health)
    "ALTER TABLE crawl_runs ADD COLUMN health TEXT",
)

_VIEW_INDEXES = (
    # articles_by_month and articles_by_category read these instead of the (wide) article rows
    "CREATE INDEX idx_articles_published_words ON articles (published_at, word_count)",
    "CREATE INDEX idx_articles_category_words ON articles (category, word_count, published_at)",
)


def date_key(prefix: str = "") -> str:
    """The SQL expression of the date an article is ordered, filtered and bucketed by.

    The stated calendar date when the precision is ``day`` (the date of ``published_local``, or
    of ``published_at`` without it: never shifted to UTC's day); else ``published_at`` when the
    page stated a time; else ``period_start``; dates as ``YYYY-MM-DDT00:00:00Z``, so one text
    order and the ``--since/--until`` bounds hold for all three. NULL when the article has none.
    prefix: a table alias with its dot (``a.``), a fixed identifier.
    """
    p = prefix
    stated_day = f"substr(coalesce({p}published_local, {p}published_at), 1, 10)"
    return (
        f"(CASE WHEN {p}published_precision = 'day' AND {stated_day} IS NOT NULL "
        f"THEN {stated_day} || 'T00:00:00Z' "
        f"WHEN {p}published_at IS NOT NULL THEN {p}published_at "
        f"ELSE {p}period_start || 'T00:00:00Z' END)"
    )


_HASH_FUNCTION: Final = "archiver_content_hash"
"""The SQL function (registered while migrating) that computes ``content_hash`` of a row."""

_WEEKLY_COLUMNS = ("trend", "period_start", "period_end", "period_raw", "author", "author_raw",
                   "published_precision", "image_caption")
_STATUS_OF_COLOUR = (
    "CASE lower(trim(trend_status)) WHEN 'green' THEN 'better' WHEN 'red' THEN 'worse' "
    "WHEN 'better' THEN 'better' WHEN 'worse' THEN 'worse' WHEN 'unchanged' THEN 'unchanged' "
    "ELSE NULL END"
)
_DK = date_key()
_DKA = date_key("a.")

_WEEKLY_ERA = (
    *(f"ALTER TABLE articles ADD COLUMN {name} TEXT" for name in _WEEKLY_COLUMNS),
    *(f"ALTER TABLE article_revisions ADD COLUMN {name} TEXT"
      for name in ("trend_status_raw", *_WEEKLY_COLUMNS)),
    # colour words become statuses (green -> better, red -> worse, others NULL); raw text kept
    (
        "UPDATE articles SET trend_status_raw = coalesce(trend_status_raw, trend_status), "
        f"trend_status = {_STATUS_OF_COLOUR} "
        "WHERE trend_status IS NOT NULL AND trend_status NOT IN ('better', 'worse', 'unchanged')"
    ),
    (
        "UPDATE article_revisions SET trend_status_raw = trend_status, "
        f"trend_status = {_STATUS_OF_COLOUR} "
        "WHERE trend_status IS NOT NULL AND trend_status NOT IN ('better', 'worse', 'unchanged')"
    ),
    # the precision of what pages stated (issue 16): a time of day with seconds, with minutes, or
    # a bare date (which the old code stored as local midnight)
    *(
        f"UPDATE {table} SET published_precision = CASE "
        "WHEN published_raw GLOB '*[0-9]:[0-5][0-9]:[0-5][0-9]*' THEN 'second' "
        "WHEN published_raw GLOB '*[0-9]:[0-5][0-9]*' THEN 'minute' "
        "WHEN substr(coalesce(published_local, ''), 11, 9) = 'T00:00:00' THEN 'day' "
        "ELSE 'second' END "
        "WHERE published_at IS NOT NULL AND published_precision IS NULL"
        for table in ("articles", "article_revisions")
    ),
    # content_hash over the schema-9 HASH_FIELDS (new columns empty), so a re-crawl of an
    # unchanged page finds its hash
    f"UPDATE articles SET content_hash = {_HASH_FUNCTION}({', '.join(HASH_FIELDS)})",
    f"UPDATE article_revisions SET content_hash = {_HASH_FUNCTION}({', '.join(HASH_FIELDS)})",
    # every URL an article was seen under: its canonical url and the URL its page was fetched at
    """CREATE TABLE article_urls (
        url TEXT PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL
    )""",
    "CREATE INDEX idx_article_urls_article_id ON article_urls (article_id)",
    (
        "INSERT INTO article_urls (url, article_id, first_seen_at, last_seen_at) "
        "SELECT url, id, first_seen_at, last_seen_at FROM articles"
    ),
    (
        "INSERT OR IGNORE INTO article_urls (url, article_id, first_seen_at, last_seen_at) "
        "SELECT p.url, a.id, max(a.first_seen_at, p.first_fetched_at), a.last_seen_at "
        "FROM articles AS a JOIN pages AS p ON p.id = a.page_id"
    ),
    "CREATE INDEX idx_articles_period_start ON articles (period_start)",
    "CREATE INDEX idx_articles_trend ON articles (trend, period_start)",
    "CREATE INDEX idx_articles_title ON articles (title)",
    f"CREATE INDEX idx_articles_date_key_words ON articles ({_DK}, word_count)",
    # views that bucket or order by date: the date key (period where there is no timestamp)
    "DROP VIEW IF EXISTS articles_by_month",
    f"""CREATE VIEW articles_by_month AS
    SELECT
        substr({_DK}, 1, 7) AS month,
        count(*) AS articles,
        sum(word_count) AS words
    FROM articles
    WHERE {_DK} IS NOT NULL
    GROUP BY month
    ORDER BY month""",
    "DROP VIEW IF EXISTS articles_by_category",
    f"""CREATE VIEW articles_by_category AS
    SELECT
        category,
        count(*) AS articles,
        sum(word_count) AS words,
        min({_DK}) AS first_published_at,
        max({_DK}) AS last_published_at
    FROM articles
    GROUP BY category
    ORDER BY articles DESC, category""",
    "DROP VIEW IF EXISTS image_credits",
    f"""CREATE VIEW image_credits AS
    WITH RECURSIVE parts (article_id, published_at, credit, rest) AS (
        SELECT id, {_DK}, NULL, image_credit || ';'
        FROM articles
        WHERE coalesce(image_credit, '') <> ''
        UNION ALL
        SELECT
            article_id,
            published_at,
            trim(substr(rest, 1, instr(rest, ';') - 1), char(32, 9, 10, 13)),
            substr(rest, instr(rest, ';') + 1)
        FROM parts
        WHERE rest <> ''
    )
    SELECT
        credit,
        count(DISTINCT article_id) AS articles,
        min(published_at) AS first_published_at,
        max(published_at) AS last_published_at
    FROM parts
    WHERE coalesce(credit, '') <> ''
    GROUP BY credit
    ORDER BY articles DESC, credit""",
    # links resolve through every URL of the target (aliases included)
    "DROP VIEW IF EXISTS related_articles",
    """CREATE VIEW related_articles AS
    SELECT
        l.source_id AS source_id,
        s.url AS source_url,
        s.title AS source_title,
        s.published_at AS source_published_at,
        l.target_url AS target_url,
        t.id AS target_id,
        t.title AS target_title,
        t.published_at AS target_published_at,
        l.kind AS kind,
        l.position AS position,
        l.title AS link_title,
        l.first_seen_at AS first_seen_at,
        l.last_seen_at AS last_seen_at
    FROM related_links AS l
    JOIN articles AS s ON s.id = l.source_id
    LEFT JOIN article_urls AS u ON u.url = l.target_url
    LEFT JOIN articles AS t ON t.id = u.article_id""",
    "DROP VIEW IF EXISTS link_graph",
    """CREATE VIEW link_graph AS
    SELECT
        l.source_id AS source_id,
        u.article_id AS target_id,
        l.kind AS kind,
        l.position AS position,
        l.first_seen_at AS first_seen_at,
        l.last_seen_at AS last_seen_at
    FROM related_links AS l
    JOIN article_urls AS u ON u.url = l.target_url""",
    # the weekly monitoring, for analysts
    """CREATE VIEW status_by_week AS
    SELECT
        period_start AS week_start,
        period_end AS week_end,
        trend,
        category,
        trend_status AS status,
        id AS article_id,
        title,
        url,
        lang
    FROM articles
    WHERE period_start IS NOT NULL
    ORDER BY week_start, trend, lang, article_id""",
    f"""CREATE VIEW status_by_trend_month AS
    SELECT
        substr({_DK}, 1, 7) AS month,
        trend,
        count(DISTINCT CASE WHEN trend_status = 'better' THEN {_DK} END) AS better,
        count(DISTINCT CASE WHEN trend_status = 'worse' THEN {_DK} END) AS worse,
        count(DISTINCT CASE WHEN trend_status = 'unchanged' THEN {_DK} END) AS unchanged,
        count(*) AS articles
    FROM articles
    WHERE trend IS NOT NULL AND {_DK} IS NOT NULL
    GROUP BY month, trend
    ORDER BY month, trend""",
    """CREATE VIEW monitoring_issues AS
    SELECT
        a.period_start AS week_start,
        max(a.period_end) AS week_end,
        count(*) AS articles,
        count(DISTINCT a.trend) AS trend_count,
        (SELECT group_concat(trend, ',') FROM (
            SELECT DISTINCT b.trend AS trend FROM articles AS b
            WHERE b.period_start = a.period_start AND b.trend IS NOT NULL ORDER BY b.trend
        )) AS trends,
        (SELECT group_concat(lang, ',') FROM (
            SELECT DISTINCT b.lang AS lang FROM articles AS b
            WHERE b.period_start = a.period_start AND b.lang <> '' ORDER BY b.lang
        )) AS languages
    FROM articles AS a
    WHERE a.period_start IS NOT NULL
    GROUP BY a.period_start
    ORDER BY week_start""",
    """CREATE VIEW issue_links AS
    SELECT
        s.id AS source_id,
        s.url AS source_url,
        s.title AS source_title,
        t.url AS target_url,
        t.id AS target_id,
        t.title AS target_title,
        'issue' AS kind,
        s.period_start AS week_start,
        t.trend AS target_trend,
        t.lang AS target_lang
    FROM articles AS s
    JOIN articles AS t ON t.period_start = s.period_start AND t.id <> s.id
    WHERE s.period_start IS NOT NULL""",
)

_CREDIT_FUNCTION: Final = "archiver_credit_source"
"""The SQL function (registered while migrating) of ``archiver.normalise.credit_source``."""

_CREDIT_PARTS = """WITH RECURSIVE parts (article_id, credit, rest) AS (
        SELECT id, NULL, image_credit || ';'
        FROM articles
        WHERE coalesce(image_credit, '') <> ''
        UNION ALL
        SELECT
            article_id,
            trim(substr(rest, 1, instr(rest, ';') - 1), char(32, 9, 10, 13)),
            substr(rest, instr(rest, ';') + 1)
        FROM parts
        WHERE rest <> ''
    )"""
"""The parts of every image_credit split at ``;`` (one row per article and part; trimmed)."""

_READER_VIEWS = (
    # each spelling of a credit's source -> its canonical source; filled by the store on write
    """CREATE TABLE credit_sources (
        credit TEXT PRIMARY KEY,
        source TEXT NOT NULL
    )""",
    f"""INSERT OR REPLACE INTO credit_sources (credit, source)
    {_CREDIT_PARTS}
    SELECT DISTINCT credit, {_CREDIT_FUNCTION}(credit) FROM parts
    WHERE coalesce(credit, '') <> '' AND {_CREDIT_FUNCTION}(credit) <> ''""",
    # one row per article and canonical source (several spellings of one source count once)
    f"""CREATE VIEW article_credits AS
    {_CREDIT_PARTS}
    SELECT
        p.article_id AS article_id,
        coalesce(c.source, p.credit) AS source,
        group_concat(DISTINCT p.credit) AS credit
    FROM parts AS p
    LEFT JOIN credit_sources AS c ON c.credit = p.credit
    WHERE coalesce(p.credit, '') <> ''
    GROUP BY p.article_id, coalesce(c.source, p.credit)""",
    "DROP VIEW IF EXISTS image_credits",
    f"""CREATE VIEW image_credits AS
    SELECT
        ac.source AS credit,
        count(*) AS articles,
        min({date_key("a.")}) AS first_published_at,
        max({date_key("a.")}) AS last_published_at,
        (SELECT group_concat(credit, '; ') FROM (
            SELECT c.credit AS credit FROM credit_sources AS c
            WHERE c.source = ac.source ORDER BY c.credit)) AS spellings
    FROM article_credits AS ac
    JOIN articles AS a ON a.id = ac.article_id
    GROUP BY ac.source
    ORDER BY articles DESC, credit""",
    # what a reader scans: one row per article, a short excerpt, month and year to facet on
    f"""CREATE VIEW articles_list AS
    SELECT
        a.id AS id,
        substr({date_key("a.")}, 1, 10) AS date,
        a.period_start AS week,
        substr({date_key("a.")}, 1, 7) AS month,
        substr({date_key("a.")}, 1, 4) AS year,
        a.title AS title,
        a.trend AS trend,
        a.category AS category,
        a.trend_status AS status,
        nullif((WITH RECURSIVE parts (credit, rest) AS (
            SELECT NULL, a.image_credit || ';'
            UNION ALL
            SELECT trim(substr(rest, 1, instr(rest, ';') - 1), char(32, 9, 10, 13)),
                   substr(rest, instr(rest, ';') + 1)
            FROM parts WHERE rest <> ''
         )
         SELECT json_group_array(DISTINCT coalesce(c.source, p.credit))
         FROM parts AS p LEFT JOIN credit_sources AS c ON c.credit = p.credit
         WHERE coalesce(p.credit, '') <> ''), '[]') AS credits,
        a.author AS author,
        CASE WHEN length(coalesce(nullif(a.lead, ''), a.body)) > 200
             THEN rtrim(substr(coalesce(nullif(a.lead, ''), a.body), 1, 200)) || '…'
             ELSE coalesce(nullif(a.lead, ''), a.body) END AS excerpt,
        a.lang AS lang,
        a.url AS url
    FROM articles AS a""",
)

MIGRATIONS: Final = (
    Migration(1, "core tables and indexes", _CORE_TABLES),
    Migration(2, "articles_fts: FTS5 over title, lead, body, kept in step by triggers", _FTS),
    Migration(3, "related_articles view", _VIEW),
    Migration(4, "crawl state: HTTP validators, response counts, links of revisions", _CRAWL_STATE),
    Migration(5, "analysis views: by month, by category, image credits, link graph", _ANALYSIS_VIEWS),
    Migration(6, "rejects.status: the HTTP status behind a failure or reject", _REJECT_STATUS),
    Migration(7, "crawl_runs.health: the source of each field, per run", _RUN_HEALTH),
    Migration(8, "covering indexes for the by-month and by-category views", _VIEW_INDEXES),
    Migration(9, "weekly era: periods, trend keys, statuses, authors, precision, article_urls, "
              "views by date key, weekly-monitoring views", _WEEKLY_ERA),
    Migration(10, "reader views: credit_sources, article_credits, image_credits by canonical "
              "source, articles_list", _READER_VIEWS),
)
"""Every schema step, oldest first. Append only: never edit a released step."""

SCHEMA_VERSION: Final[int] = MIGRATIONS[-1].version
"""The schema version this code writes (``PRAGMA user_version`` of an up-to-date archive)."""

_CREATES: Final = re.compile(
    r"\s*CREATE\s+(?:UNIQUE\s+)?(?:VIRTUAL\s+)?(TABLE|INDEX|VIEW|TRIGGER)\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    r"[\"\[`]?(\w+)",
    re.IGNORECASE,
)
_DROPS: Final = re.compile(
    r"\s*DROP\s+(TABLE|INDEX|VIEW|TRIGGER)\s+(?:IF\s+EXISTS\s+)?[\"\[`]?(\w+)", re.IGNORECASE
)
_ADDS_COLUMN: Final = re.compile(
    r"\s*ALTER\s+TABLE\s+[\"\[`]?(\w+)[\"\]`]?\s+ADD\s+(?:COLUMN\s+)?[\"\[`]?(\w+)", re.IGNORECASE
)


def expected_schema(version: int) -> tuple[set[tuple[str, str]], dict[str, set[str]]]:
    """What an archive at schema ``version`` holds, read from MIGRATIONS: the (type, name) of
    each table, index, view and trigger (``sqlite_master`` types; an FTS5 table is a ``table``)
    and, per table, the columns added by ``ALTER TABLE``."""
    objects: set[tuple[str, str]] = set()
    columns: dict[str, set[str]] = {}
    for migration in MIGRATIONS:
        if migration.version > version:
            break
        for statement in migration.statements:
            if created := _CREATES.match(statement):
                objects.add((created[1].lower(), created[2]))
            elif dropped := _DROPS.match(statement):
                objects.discard((dropped[1].lower(), dropped[2]))
            elif added := _ADDS_COLUMN.match(statement):
                columns.setdefault(added[1], set()).add(added[2])
    return objects, columns

# --- hot-path statements, built once from fixed identifiers ----------------------------------
_ARTICLE_INSERT_COLUMNS = (
    "url", "site", "lang", "title", "category", "trend_status", "published_at", "published_local",
    "published_raw", "image_url", "image_credit", "lead", "body", "word_count", "content_hash",
    "title_raw", "category_raw", "trend_status_raw", "image_credit_raw", "template",
    "field_sources", "page_id", "page_sha256", "http_etag", "http_last_modified",
    "trend", "period_start", "period_end", "period_raw", "author", "author_raw",
    "published_precision", "image_caption",
)
_INSERT_ARTICLE = (
    f"INSERT INTO articles ({', '.join(_ARTICLE_INSERT_COLUMNS)}, "
    "first_seen_at, last_seen_at, updated_at, revision) "
    f"VALUES ({', '.join('?' for _ in _ARTICLE_INSERT_COLUMNS)}, ?, ?, ?, 1)"
)
_TOUCH_ARTICLE = (
    "UPDATE articles SET last_seen_at = max(last_seen_at, ?), page_id = ?, page_sha256 = ?, "
    "http_etag = ?, http_last_modified = ? WHERE id = ?"
)
_SEEN_AGAIN = (
    "UPDATE articles SET last_seen_at = max(last_seen_at, ?) "
    "WHERE id = (SELECT article_id FROM article_urls WHERE url = ?)"
)
SEEN_URLS_BATCH: Final = 500
"""Articles whose seen URLs one transaction of ``Archive.record_seen_urls`` records."""
_SEEN_URL = (
    "INSERT INTO article_urls (url, article_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (url) DO UPDATE SET last_seen_at = max(last_seen_at, excluded.last_seen_at), "
    "first_seen_at = min(first_seen_at, excluded.first_seen_at)"
)
_MERGE_GROUPS: Final = (
    ("site",), ("lang",), ("title", "title_raw"), ("category", "category_raw"), ("trend",),
    ("trend_status", "trend_status_raw"),
    ("published_at", "published_local", "published_raw", "published_precision"),
    ("period_start", "period_end", "period_raw"), ("author", "author_raw"), ("image_url",),
    ("image_credit", "image_credit_raw"), ("image_caption",), ("lead",), ("body", "word_count"),
)
"""The article columns an item of an archived article merges, in groups that move together:
a group the item lacks (every value None or empty) never erases the stored one."""
_MERGE_COLUMNS: Final = tuple(name for group in _MERGE_GROUPS for name in group)
_PAGE_COLUMNS: Final = (
    "template", "field_sources", "page_id", "page_sha256", "http_etag", "http_last_modified",
)
"""The columns that describe the page the article row was last stored from (its own URL's)."""
_REVISION_LINKS = (
    "SELECT json_group_array(json_object('target_url', target_url, 'title', title, "
    "'position', position, 'kind', kind)) FROM "
    "(SELECT * FROM related_links WHERE source_id = ? ORDER BY kind, position, id)"
)
_SAVE_REVISION = (
    f"INSERT INTO article_revisions (article_id, revision, {', '.join(REVISION_COLUMNS)}, "
    "valid_from, replaced_at) "
    f"SELECT id, revision, {', '.join(REVISION_COLUMNS)}, updated_at, ? FROM articles WHERE id = ?"
)
_UPSERT_LINK = (
    "INSERT INTO related_links "
    "(source_id, target_url, position, title, kind, first_seen_at, last_seen_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (source_id, target_url, kind) DO UPDATE SET "
    "position = excluded.position, title = excluded.title, "
    "last_seen_at = max(last_seen_at, excluded.last_seen_at)"
)
_INSERT_PAGE = (
    "INSERT INTO pages (url, fetched_at, first_fetched_at, status, headers, body, encoding, size, "
    "sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

_ALIAS_PAGES = (
    "SELECT max(q.id) FROM pages AS q JOIN article_urls AS u ON u.url = q.url GROUP BY q.url "
    "HAVING max(q.id) NOT IN (SELECT page_id FROM articles WHERE page_id IS NOT NULL)"
)
"""The latest page of each URL in ``article_urls`` that is no article's current page."""

_SEARCH = """
SELECT a.id AS id, a.url AS url, a.title AS title, a.published_at AS published_at,
       a.period_start AS week, a.category AS category,
       snippet(articles_fts, -1, :open, :close, '…', 16) AS snippet,
       bm25(articles_fts, 10.0, 4.0, 1.0) AS rank,
       round(-bm25(articles_fts, 10.0, 4.0, 1.0), 2) AS relevance
FROM articles_fts
JOIN articles AS a ON a.id = articles_fts.rowid
WHERE articles_fts MATCH :query
  AND (:since IS NULL OR {date_key} >= :since)
  AND (:until IS NULL OR {date_key} < :until)
  AND (:category IS NULL OR a.category = :category COLLATE NOCASE)
ORDER BY rank, {date_key} DESC
LIMIT :limit
""".format(date_key=date_key("a."))

_SEARCH_TOP = """
WITH hits AS MATERIALIZED (
    SELECT rowid AS id, bm25(articles_fts, 10.0, 4.0, 1.0) AS rank
    FROM articles_fts
    WHERE articles_fts MATCH :query
),
top AS (
    SELECT h.id AS id, h.rank AS rank, {date_key} AS published_at
    FROM hits AS h
    JOIN articles AS a ON a.id = h.id
    WHERE h.rank <= coalesce((SELECT rank FROM hits ORDER BY rank LIMIT 1 OFFSET :limit - 1), h.rank)
    ORDER BY h.rank, a.published_at DESC
    LIMIT :limit
)
SELECT a.id AS id, a.url AS url, a.title AS title, a.published_at AS published_at,
       a.period_start AS week, a.category AS category,
       snippet(articles_fts, -1, :open, :close, '…', 16) AS snippet,
       top.rank AS rank,
       round(-top.rank, 2) AS relevance
FROM top
JOIN articles_fts ON articles_fts.rowid = top.id
JOIN articles AS a ON a.id = top.id
WHERE articles_fts MATCH :query
ORDER BY top.rank, top.published_at DESC
""".format(date_key=date_key("a."))
"""``_SEARCH`` without filters: rank in the full-text index alone, join ``articles`` only for the
hits ranked at or above the ``:limit``-th (ties kept, so the date-key tie-break is exact)."""

MAX_QUERY_CHARS: Final = 1000
"""The longest search query ``Archive.search`` runs, in characters."""

MAX_QUERY_TERMS: Final = 64
"""The most terms (words, not counting AND, OR, NOT, NEAR) in one search query."""

_QUERY_WORD: Final = re.compile(r"\w+")
_QUERY_OPERATORS: Final = frozenset({"AND", "OR", "NOT", "NEAR"})

_FTS_SYNTAX: Final = re.compile(
    r"\b(?:AND|OR|NOT)\b|\bNEAR\s*\(|(?:^|[\s(])(?:title|lead|body)\s*:|\{[^}]*\}\s*:|\w\*(?:\s|\)|$)"
)
"""What makes a search query FTS5 syntax rather than plain words: the operators AND, OR, NOT
(upper case) and NEAR(, a column filter (title: lead: body: {title lead}:), a prefix* term."""


def is_fts_syntax(query: str) -> bool:
    """Whether ``query`` uses FTS5 syntax: balanced double quotes (a phrase), the operators
    AND/OR/NOT/NEAR in upper case, a column filter (``title:``) or a prefix term (``word*``).
    Anything else is plain words, searched as typed (``fts_query``)."""
    quotes = query.count('"')
    if quotes and quotes % 2 == 0:
        return True
    return quotes == 0 and _FTS_SYNTAX.search(query) is not None


def quote_words(query: str) -> str:
    """Plain words as an FTS5 query: each whitespace-separated word in double quotes (a ``"``
    inside doubled), so that ``Hi-Tech``, ``Lukashenka's``, ``U.S.`` and ``50%`` match as
    typed; every word must match (as ``sqlite-utils search --quote`` and Datasette do)."""
    return " ".join('"{}"'.format(word.replace('"', '""')) for word in query.split())


def fts_query(query: str, *, raw: bool | None = None) -> str:
    """The FTS5 query for a search as typed: ``query`` itself when ``raw`` is True, or when
    ``raw`` is None and it uses FTS5 syntax (``is_fts_syntax``); otherwise ``quote_words``."""
    if raw is None:
        raw = is_fts_syntax(query)
    return query if raw else quote_words(query)


FTS_SYNTAX_HINT: Final = (
    'FTS5 syntax: words, "a phrase", prefix*, AND / OR / NOT, NEAR(a b, 5), '
    "column filters title: lead: body:"
)
"""Appended to the message of a SearchQueryError."""

EXAMPLE_QUERIES: Final = (
    (
        "Articles per year and category",
        (
            "SELECT substr(published_at, 1, 4) AS year, category, count(*) AS articles\n"
            "FROM articles GROUP BY year, category ORDER BY year DESC, articles DESC LIMIT 8;"
        ),
    ),
    (
        (
            "The related-article graph: the most-linked articles by kind of link ('Similar "
            "articles' and links in the text; the 'Recent trends' sidebar and translations left "
            "out)"
        ),
        (
            "SELECT kind, inbound_links, target_title, target_url FROM (\n"
            "  SELECT kind, target_title, target_url, count(*) AS inbound_links,\n"
            "    row_number() OVER (PARTITION BY kind ORDER BY count(*) DESC, target_url) AS place\n"
            "  FROM related_articles\n"
            "  WHERE target_id IS NOT NULL AND kind IN ('similar', 'inline')\n"
            "  GROUP BY kind, target_url)\n"
            "WHERE place <= 3 ORDER BY kind DESC, place;"
        ),
    ),
    (
        "Full-text search: the best matches for 'Minsk'",
        (
            "SELECT coalesce(a.published_at, a.period_raw) AS date, a.title\n"
            "FROM articles_fts JOIN articles AS a ON a.id = articles_fts.rowid\n"
            "WHERE articles_fts MATCH 'Minsk'\n"
            "ORDER BY bm25(articles_fts, 10.0, 4.0, 1.0) LIMIT 5;"
        ),
    ),
)
"""(title, SQL) of the example queries shown by ``archiver demo`` and in docs/schema.md."""


class MonthCount(NamedTuple):
    """One row of the ``articles_by_month`` view."""

    month: str
    """``YYYY-MM`` of the date key: published_at (UTC), the stated day, or the period's start."""
    articles: int
    words: int


class StatusCount(NamedTuple):
    """Statuses of one month (the ``status_by_trend_month`` view, summed over trends)."""

    month: str
    """``YYYY-MM`` of the date key (the week's start for a weekly article)."""
    better: int
    worse: int
    unchanged: int


class KnownArticle(NamedTuple):
    """What the crawl plan needs to know of an archived article (all ISO 8601 UTC or None)."""

    published_at: str | None
    last_seen_at: str
    etag: str | None
    last_modified: str | None
    """The ``Last-Modified`` header as the server sent it (an HTTP date)."""


def http_validators(headers: Mapping[str, Sequence[str]]) -> tuple[str | None, str | None]:
    """The ``ETag`` and ``Last-Modified`` values of response headers (names in any case)."""
    found: dict[str, str] = {}
    for name, values in headers.items():
        key = name.lower()
        if key in ("etag", "last-modified") and values:
            found[key] = values[0]
    return found.get("etag"), found.get("last-modified")


def content_hash(item: ArticleItem) -> str:
    """SHA-256 hex of the item's normalised content.

    The HASH_FIELDS values (None as empty) joined with ``\\x1f``, encoded as UTF-8.
    """
    return _hash_values(*(getattr(item, name) for name in HASH_FIELDS))


def _credit_source(part: object) -> str:
    """``archiver.normalise.credit_source`` for SQL (NULL and non-text: empty text)."""
    return credit_source(part) if isinstance(part, str) else ""


def _hash_values(*values: object) -> str:
    """SHA-256 hex of ``values`` (None as empty) joined with ``\x1f``, as UTF-8: the
    ``content_hash`` of HASH_FIELDS values (also the SQL function used by migration 9)."""
    joined = "\x1f".join("" if value is None else str(value) for value in values)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()


_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def shown(text: str, limit: int = 80) -> str:
    """``repr(text)`` for a one-line message, cut after ``limit`` characters of text (``…``)."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"… ({len(text)} characters)"


def _describe(exc: sqlite3.Error) -> str:
    return str(exc) or type(exc).__name__


_SQLITE_IOERR: Final = 10
_SQLITE_FULL: Final = 13


def archive_error(exc: sqlite3.Error, path: str | Path) -> ArchiveError:
    """The ArchiveError, with one clear sentence, for an sqlite3 error met on the archive ``path``
    (for callers that read the archive's tables themselves)."""
    return _translate(exc, Path(path))


def _translate(exc: sqlite3.Error, path: Path) -> ArchiveError:
    """The ArchiveError subclass, with one clear sentence, for an sqlite3 error on ``path``."""
    message = _describe(exc)
    lowered = message.lower()
    primary = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if primary in (_SQLITE_FULL, _SQLITE_IOERR) or "disk is full" in lowered or (
        "disk i/o error" in lowered
    ):
        # a file-size limit (RLIMIT_FSIZE) shows as a disk I/O error, a full disk as SQLITE_FULL
        return ArchiveFullError(
            f"cannot write archive {path}: the disk is full or the file cannot grow ({message})"
        )
    if "locked" in lowered or "busy" in lowered:
        return ArchiveLockedError(
            f"archive {path} is locked by another process (waited {BUSY_TIMEOUT_MS} ms)"
        )
    if "readonly" in lowered or "read-only" in lowered:
        return ArchiveReadOnlyError(f"archive {path} is read-only ({message})")
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return ArchiveCorruptError(f"{path} is not an archive or is damaged ({message})")
    if "unable to open" in lowered:
        return ArchiveError(f"cannot open archive {path} ({message})")
    return ArchiveError(f"archive {path}: {message}")


class Archive:
    """The SQLite archive at ``path``: open it, store items, query it.

    ``Archive(path)`` only remembers the path; ``open()`` connects (and migrates), ``close()`` or the
    ``with`` block ends the connection.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        time_limit: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """time_limit: seconds a read call (a query; with the streaming readers, each batch) may
        run before SQLite stops it: the call raises sqlite3.OperationalError (``interrupted``)
        with ``timed_out`` set, and ``timeout_error()`` is the QueryTimeoutError to report
        (``search`` raises that itself); None: no limit. clock: seconds, monotonic (injected
        in tests)."""
        self.path = Path(path)
        self.readonly = False
        self.time_limit = time_limit
        self.timed_out = False
        self._clock = clock
        self._deadline = float("inf")
        self._db: Database | None = None

    # --- connection ---------------------------------------------------------------------------
    def open(self, *, readonly: bool = False, verify: bool = False) -> Self:
        """Connect, set the pragmas and bring the schema up to date (not when ``readonly``).

        verify: first run ``PRAGMA quick_check`` (reads the whole file), so that a damaged
        archive is refused before anything is written. A file without any write permission bit
        (``chmod a-w``) counts as read-only even for root: it is opened for reading only.
        Raises ArchiveCorruptError (not a database, damaged, or another program's database),
        ArchiveReadOnlyError (a write is needed but the file or its directory is read-only),
        SchemaTooNewError (written by a newer archiver; the file is left untouched),
        ArchiveLockedError (another process held the lock for 5 s) or ArchiveError (otherwise).
        Opening an open archive does nothing.
        """
        if self._db is not None:
            return self
        conn = self._connect(readonly=readonly)
        try:
            self._prepare(conn, readonly=readonly, verify=verify)
        except BaseException:
            conn.close()
            raise
        self.readonly = readonly
        if self.time_limit is not None:
            conn.set_progress_handler(self._over_time, PROGRESS_STEPS)
        self._db = Database(conn, execute_plugins=False)
        return self

    def _over_time(self) -> int:
        """SQLite's progress handler: non-zero (stop the statement) once past the deadline."""
        if self._clock() > self._deadline:
            self.timed_out = True
            return 1
        return 0

    def _restart_clock(self) -> None:
        """Start the time limit afresh for the next read call."""
        self.timed_out = False
        if self.time_limit is not None:
            self._deadline = self._clock() + self.time_limit

    def timeout_error(self) -> QueryTimeoutError:
        """The error for a query that the time limit stopped."""
        return QueryTimeoutError(
            f"archive {self.path}: a query ran past the time limit of {self.time_limit:g} s and "
            "was stopped (a view that never ends? raise the limit with --time-limit or "
            "ARCHIVER_TIME_LIMIT)"
        )

    def _connect(self, *, readonly: bool) -> sqlite3.Connection:
        path = self.path
        try:
            if readonly:
                if not path.is_file():
                    raise ArchiveError(f"no archive at {path}")
                uri = path.resolve().as_uri() + "?mode=ro"
                return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and not _writable(path):
                raise ArchiveReadOnlyError(f"archive {path} is read-only (a write is needed)")
            if not _writable(path.parent):
                raise ArchiveReadOnlyError(
                    f"the directory of archive {path} is read-only (a write is needed)"
                )
            return sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise _translate(exc, path) from exc
        except OSError as exc:
            raise ArchiveError(f"cannot open archive {path} ({exc.strerror or exc})") from exc

    def _prepare(self, conn: sqlite3.Connection, *, readonly: bool, verify: bool = False) -> None:
        """Pragmas, version checks (and ``quick_check`` when ``verify``), then migrations: the
        file is read before anything is written."""
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
            version = self._check_version(conn)
            if verify:
                self._quick_check(conn)
            conn.execute("PRAGMA foreign_keys = ON")
            if readonly:
                if version == 0:
                    raise ArchiveError(
                        f"{self.path} is empty, not an archive yet: `archiver crawl --db "
                        f"{self.path}` creates the archive in it"
                    )
                if version < SCHEMA_VERSION:
                    raise ArchiveError(
                        f"archive {self.path} has schema version {version}, this archiver reads "
                        f"{SCHEMA_VERSION}: open it once for writing to migrate it"
                    )
                return
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            if version < SCHEMA_VERSION:
                self._migrate(conn)
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from exc

    def _check_version(self, conn: sqlite3.Connection) -> int:
        """The file's schema version; raises when it is newer or the database is not an archive.

        Reads only. A database with no objects at version 0 is a new archive; any other is an
        archive only when it holds every table, view and added column that the migrations up to
        its ``user_version`` create (objects of its own may be added; indexes and triggers are
        not required: a bulk load may drop them for a while). Anything
        else (a negative version, tables without a version, a version without its tables) is
        another program's database: ArchiveCorruptError, before anything is written.
        """
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"archive {self.path} has schema version {version}, newer than this archiver's "
                f"{SCHEMA_VERSION}: upgrade the archiver"
            )
        objects = {
            (str(kind), str(name))
            for kind, name in conn.execute(
                "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            )
        }
        if version < 0:
            raise ArchiveCorruptError(
                f"{self.path} is an SQLite database but not an archive (schema version {version}); "
                "left untouched"
            )
        if version == 0:
            if objects:
                raise ArchiveCorruptError(
                    f"{self.path} is an SQLite database but not an archive (it has tables and "
                    "no schema version); left untouched"
                )
            return version
        expected_objects, expected_columns = expected_schema(version)
        required = {(kind, name) for kind, name in expected_objects if kind in ("table", "view")}
        missing = sorted(f"{kind} {name}" for kind, name in required - objects)
        for table, columns in sorted(expected_columns.items()):
            if ("table", table) not in objects:
                continue  # already listed as missing
            present = {str(row[1]) for row in conn.execute(
                "SELECT * FROM pragma_table_info(?)", (table,)
            )}
            missing.extend(f"column {table}.{name}" for name in sorted(columns - present))
        if missing:
            shown_missing = ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
            raise ArchiveCorruptError(
                f"{self.path} is an SQLite database but not an archive of schema version {version} "
                f"(missing {shown_missing}); left untouched"
            )
        return version

    def _quick_check(self, conn: sqlite3.Connection) -> None:
        """Raise ArchiveCorruptError unless ``PRAGMA quick_check`` finds the file sound."""
        problems = [str(row[0]) for row in conn.execute("PRAGMA quick_check(1)")]
        if problems != ["ok"]:
            found = " ".join(" ".join(problems).replace("*** in database main ***", "").split())
            found = found if len(found) <= 120 else found[:120] + "…"
            raise ArchiveCorruptError(
                f"archive {self.path} is damaged ({found}): restore it from a backup"
            )

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Apply the pending migrations in one transaction, re-reading the version under the lock."""
        conn.create_function(_HASH_FUNCTION, len(HASH_FIELDS), _hash_values, deterministic=True)
        conn.create_function(_CREDIT_FUNCTION, 1, _credit_source, deterministic=True)
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = self._check_version(conn)
            for migration in MIGRATIONS:
                if migration.version <= current:
                    continue
                for statement in migration.statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {migration.version:d}")
            conn.commit()
        except BaseException:
            conn.rollback()
            raise

    def close(self) -> None:
        """Close the connection (``PRAGMA optimize`` first when writable); safe to call twice."""
        if self._db is None:
            return
        db, self._db = self._db, None
        try:
            if not self.readonly:
                db.execute("PRAGMA optimize")
        except sqlite3.Error:
            pass  # an optimisation hint only; closing must not fail over it
        finally:
            db.close()

    def __enter__(self) -> Self:
        """Open the archive (for writing) unless it is open already."""
        return self.open() if self._db is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the archive."""
        self.close()

    @property
    def db(self) -> Database:
        """The sqlite-utils Database of the open archive (raises ArchiveError when closed)."""
        if self._db is None:
            raise ArchiveError(f"archive {self.path} is not open: call open() first")
        return self._db

    @property
    def schema_version(self) -> int:
        """``PRAGMA user_version`` of the open archive."""
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: committed at the end, rolled back on any error.

        sqlite3 errors become ArchiveError subclasses.
        """
        if self.readonly:
            raise ArchiveReadOnlyError(f"archive {self.path} was opened read-only")
        conn = self.db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from exc
        try:
            yield conn
            conn.commit()
        except sqlite3.Error as exc:
            conn.rollback()
            raise _translate(exc, self.path) from exc
        except BaseException:
            conn.rollback()
            raise

    # --- runs ---------------------------------------------------------------------------------
    def start_run(
        self,
        *,
        mode: str,
        started_at: str,
        base_url: str = "",
        timezone: str = "Europe/Minsk",
        pid: int | None = None,
        since: str | None = None,
    ) -> int:
        """Insert an unfinished ``crawl_runs`` row and return its id.

        mode: ``full``, ``incremental`` or ``resume``; started_at: ISO 8601 UTC; timezone: IANA
        name; pid: the crawling process; since: the ``--since`` bound (ISO 8601 UTC) or None.
        """
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO crawl_runs (mode, started_at, base_url, timezone, pid, since) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (mode, started_at, base_url, timezone, pid, since),
            )
        return int(cursor.lastrowid or 0)

    def finish_run(
        self,
        run_id: int,
        *,
        finished_at: str,
        counts: Mapping[str, int],
        finish_reason: str,
        exit_code: int,
        stats: Mapping[str, object] | None = None,
        health: str | None = None,
    ) -> None:
        """Complete a run's row: finish time (ISO 8601 UTC), counts, reason, exit code, stats.

        ``counts`` takes the COUNT_KEYS (a missing key is 0, an unknown one a ValueError);
        ``stats`` is stored as JSON text (values that JSON cannot hold are stored as strings);
        ``health`` is JSON text (archiver.health.RunHealth.to_json).
        """
        unknown = sorted(set(counts) - set(COUNT_KEYS))
        if unknown:
            raise ValueError(f"unknown run count(s): {', '.join(unknown)}")
        values = [int(counts.get(key, 0)) for key in COUNT_KEYS]
        stats_json = json.dumps(dict(stats or {}), ensure_ascii=False, sort_keys=True, default=str)
        with self._write() as conn:
            cursor = conn.execute(
                "UPDATE crawl_runs SET finished_at = ?, requests = ?, items_new = ?, "
                "items_updated = ?, items_unchanged = ?, items_rejected = ?, failures = ?, "
                "responses_2xx = ?, responses_304 = ?, responses_4xx = ?, responses_5xx = ?, "
                "finish_reason = ?, exit_code = ?, stats = ?, health = ? WHERE id = ?",
                (finished_at, *values, finish_reason, exit_code, stats_json, health, run_id),
            )
            if cursor.rowcount == 0:
                raise ArchiveError(f"archive {self.path} has no crawl run {run_id}")

    def last_health(self) -> tuple[int, str, str | None] | None:
        """(run id, started_at, health JSON) of the newest finished run that parsed article
        pages (an idle run parses none), or None."""
        self._restart_clock()
        row = self.db.execute(
            "SELECT id, started_at, health FROM crawl_runs WHERE finished_at IS NOT NULL "
            "AND coalesce(json_extract(health, '$.pages'), 0) > 0 ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return (int(row[0]), str(row[1]), row[2]) if row is not None else None

    def runs(self, limit: int = 20) -> list[dict[str, object]]:
        """The newest ``limit`` crawl_runs rows, newest first; ``stats`` parsed from JSON."""
        self._restart_clock()
        rows = list(
            self.db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT ?", (limit,))
        )
        for row in rows:
            row["stats"] = _loads(row.get("stats"))
            row["health"] = _loads(row.get("health"))
        return rows

    def run_rejects(self, run_id: int) -> list[dict[str, object]]:
        """The rejects rows (url, reason, kind: ``failed`` or ``invalid``, HTTP status or None)
        of one run, by id."""
        return list(
            self.db.query(
                "SELECT url, reason, kind, status FROM rejects WHERE run_id = ? ORDER BY id",
                (run_id,),
            )
        )

    def record_failure(
        self, url: str, reason: str, *, status: int | None = None, run_id: int | None, at: str
    ) -> None:
        """Record a page that could not be fetched as a ``rejects`` row of kind ``failed``.

        status: the HTTP status of the last response (None: no response, e.g. a timeout);
        at: ISO 8601 UTC. No page is kept (there is none). The same failure twice in one run is
        one row.
        """
        with self._write() as conn:
            self._insert_reject(
                conn, url=url, reason=reason, kind="failed", page_id=None, run_id=run_id, at=at,
                status=status,
            )

    # --- items --------------------------------------------------------------------------------
    def store_items(
        self, items: Sequence[ArticleItem | NotModified], *, run_id: int | None, seen_at: str | None
    ) -> list[str]:
        """Store a batch in one transaction; return each item's outcome, in order.

        Outcomes: ``new``, ``updated`` (content changed: the old version and its links go to
        article_revisions, related_links then holds the new version's), ``unchanged`` (only
        last_seen_at, the page reference and the HTTP validators change; a NotModified item
        only moves last_seen_at) or ``rejected`` (``item.reject_reasons`` set: a rejects row,
        reasons joined with ``; ``). Every item's raw page is kept in ``pages`` (one row per
        distinct url + bytes). seen_at: ISO 8601 UTC, the time of the batch; None: each item's
        page's ``fetched_at`` (re-extraction, which must not move ``last_seen_at``).
        """
        outcomes: list[str] = []
        with self._write() as conn:
            for item in items:
                if isinstance(item, NotModified):
                    conn.execute(_SEEN_AGAIN, (seen_at or "", item.url))
                    conn.execute(
                        "UPDATE article_urls SET last_seen_at = max(last_seen_at, ?) WHERE url = ?",
                        (seen_at or "", item.url),
                    )
                    outcomes.append(UNCHANGED)
                    continue
                seen = seen_at or item.page.fetched_at
                page_id, sha = self._save_page(conn, item.page)
                if item.reject_reasons:
                    self._insert_reject(
                        conn, url=item.url or item.page.url, reason="; ".join(item.reject_reasons),
                        kind="invalid", page_id=page_id, run_id=run_id, at=seen,
                        status=item.page.status,
                    )
                    outcomes.append(REJECTED)
                    continue
                article_id, outcome = self._upsert_article(conn, item, page_id, sha, seen)
                for url in dict.fromkeys((item.url, item.page.url)):
                    if url:
                        conn.execute(_SEEN_URL, (url, article_id, seen, seen))
                self._upsert_links(conn, article_id, item, seen)
                self._note_credits(conn, item.image_credit)
                self._mirror_translations(conn, article_id, seen)
                outcomes.append(outcome)
        return outcomes

    @staticmethod
    def _note_credits(conn: sqlite3.Connection, image_credit: str | None) -> None:
        """Map each source of ``image_credit`` (parts split at ``;``) to its canonical source in
        ``credit_sources`` (``archiver.normalise.credit_source``; a new spelling is added, a
        known one follows the current mapping)."""
        for part in (image_credit or "").split(";"):
            credit = part.strip(" \t\r\n")
            source = _credit_source(credit)
            if credit and source:
                conn.execute(
                    "INSERT INTO credit_sources (credit, source) VALUES (?, ?) "
                    "ON CONFLICT (credit) DO UPDATE SET source = excluded.source "
                    "WHERE source <> excluded.source",
                    (credit, source),
                )

    def record_urls(self, article_url: str, urls: Iterable[str], *, seen_at: str) -> bool:
        """Record ``urls`` as URLs the archived article at ``article_url`` (its ``url`` or any URL
        in ``article_urls``) was seen under, at ``seen_at`` (ISO 8601 UTC): for the URLs an item
        does not carry (a redirect's first URL, a URL whose page names the article as canonical).

        A URL already recorded stays with its article (only its seen-times widen). Returns False
        (and records nothing) when no archived article has ``article_url``.
        """
        return self.record_seen_urls({article_url: urls}, seen_at=seen_at) == 1

    def record_seen_urls(
        self, seen: Mapping[str, Iterable[str]], *, seen_at: str, batch: int = SEEN_URLS_BATCH
    ) -> int:
        """``record_urls`` for many articles: ``seen`` maps an article's URL to the URLs it was
        seen under; one transaction per ``batch`` articles (not one each: the end of a run
        records every article's). Returns how many of the articles are archived; the others are
        left out."""
        entries = list(seen.items())
        recorded = 0
        for start in range(0, len(entries), max(1, batch)):
            with self._write() as conn:
                for article_url, urls in entries[start:start + max(1, batch)]:
                    row = conn.execute(
                        "SELECT article_id FROM article_urls WHERE url = ? "
                        "UNION ALL SELECT id FROM articles WHERE url = ? LIMIT 1",
                        (article_url, article_url),
                    ).fetchone()
                    if row is None:
                        continue
                    conn.executemany(
                        _SEEN_URL,
                        [(url, int(row[0]), seen_at, seen_at) for url in dict.fromkeys(urls) if url],
                    )
                    recorded += 1
        return recorded

    def _save_page(self, conn: sqlite3.Connection, page: RawPage) -> tuple[int, str]:
        """The pages row id and sha256 for ``page``; compresses and inserts only unseen bytes.

        A page fetched again with the same bytes keeps its row: ``fetched_at`` moves to the
        latest fetch, ``first_fetched_at``, status and headers stay those of the first.
        """
        sha = hashlib.sha256(page.body).hexdigest()
        row = conn.execute(
            "SELECT id FROM pages WHERE url = ? AND sha256 = ?", (page.url, sha)
        ).fetchone()
        if row is not None:
            conn.execute(
                "UPDATE pages SET fetched_at = max(fetched_at, ?) WHERE id = ?",
                (page.fetched_at, row[0]),
            )
            return int(row[0]), sha
        headers = json.dumps(page.headers, ensure_ascii=False, separators=(",", ":"))
        cursor = conn.execute(
            _INSERT_PAGE,
            (
                page.url, page.fetched_at, page.fetched_at, page.status, headers,
                zlib.compress(page.body, PAGE_ZLIB_LEVEL), PAGE_ENCODING, len(page.body), sha,
            ),
        )
        return int(cursor.lastrowid or 0), sha

    def _insert_reject(
        self,
        conn: sqlite3.Connection,
        *,
        url: str,
        reason: str,
        kind: str,
        page_id: int | None,
        run_id: int | None,
        at: str,
        status: int | None = None,
    ) -> None:
        """Insert a rejects row unless the same url, reason, page and run are there already."""
        exists = conn.execute(
            "SELECT 1 FROM rejects WHERE url = ? AND reason = ? AND kind = ? "
            "AND page_id IS ? AND run_id IS ?",
            (url, reason, kind, page_id, run_id),
        ).fetchone()
        if exists is None:
            conn.execute(
                "INSERT INTO rejects (url, reason, kind, page_id, run_id, rejected_at, status) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (url, reason, kind, page_id, run_id, at, status),
            )

    def _upsert_article(
        self, conn: sqlite3.Connection, item: ArticleItem, page_id: int, sha: str, seen_at: str
    ) -> tuple[int, str]:
        """Insert, touch, complete or revise the article the item is; return its id and outcome.

        The item is found by ``_find_article``. Its fields merge into the stored row by
        _MERGE_GROUPS: a group the item lacks never erases a stored value; an item at the row's
        own URL (``articles.url``) replaces the groups it has, an item that joins the row under
        another URL (an alias, the same text) only fills groups the row lacks. No content
        (HASH_FIELDS) changed: ``unchanged`` (raw columns and the page columns of an item at the
        row's own URL are kept in step in place). Only content the row lacked filled in:
        ``updated`` in place (no revision: nothing is lost). A stored content value replaced:
        ``updated`` with a revision (the old version and its links to article_revisions).
        """
        etag, last_modified = http_validators(item.page.headers)
        page_values: dict[str, object] = {
            "template": item.template,
            "field_sources": json.dumps(item.field_sources, ensure_ascii=False, sort_keys=True),
            "page_id": page_id, "page_sha256": sha, "http_etag": etag,
            "http_last_modified": last_modified,
        }
        found = self._find_article(conn, item)
        if found is None:
            values: dict[str, object] = {
                "url": item.url, **{name: getattr(item, name) for name in _MERGE_COLUMNS},
                "content_hash": content_hash(item), **page_values,
            }
            cursor = conn.execute(
                _INSERT_ARTICLE,
                (*(values[name] for name in _ARTICLE_INSERT_COLUMNS), seen_at, seen_at, seen_at),
            )
            return int(cursor.lastrowid or 0), NEW
        article_id, own_url = found
        adopted = not own_url and self._adopt_url(conn, article_id, item)
        own_url = own_url or adopted
        row = conn.execute(
            f"SELECT content_hash, {', '.join(_MERGE_COLUMNS)} FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        stored_hash = row[0]
        if tuple(getattr(item, name) for name in _MERGE_COLUMNS) == tuple(row[1:]) and (
            content_hash(item) == stored_hash
        ):  # the same page again: the common case, without the merge
            self._touch(conn, article_id, own_url=own_url, page_id=page_id, sha=sha, etag=etag,
                        last_modified=last_modified, seen_at=seen_at)
            return article_id, UNCHANGED
        stored = dict(zip(_MERGE_COLUMNS, row[1:], strict=True))
        merged = dict(stored)
        for group in _MERGE_GROUPS:
            theirs = tuple(getattr(item, name) for name in group)
            ours = tuple(stored[name] for name in group)
            if _lacks(theirs) or theirs == ours or not (own_url or _lacks(ours)):
                continue
            merged.update(zip(group, theirs, strict=True))
        digest = _hash_values(*(merged[name] for name in HASH_FIELDS))
        if merged == stored and digest == stored_hash:
            self._touch(conn, article_id, own_url=own_url, page_id=page_id, sha=sha, etag=etag,
                        last_modified=last_modified, seen_at=seen_at)
            return article_id, UNCHANGED
        # a revision only when a stored content value is replaced; raw text (title_raw, ...) and
        # values the row lacked are written in place
        replaced = not adopted and any(  # a copy's values the original replaces: no revision
            not _lacks((stored[name],)) and merged[name] != stored[name] for name in HASH_FIELDS
        )  # (the copy's page stays in ``pages``)
        outcome = UNCHANGED if digest == stored_hash else UPDATED
        values = {**merged, "content_hash": digest, **(page_values if own_url else {})}
        if replaced:
            self._save_revision(conn, article_id, item, seen_at)
            values["updated_at"] = seen_at
        assignments = ", ".join(f"{name} = ?" for name in values)
        conn.execute(
            f"UPDATE articles SET {assignments}, revision = revision + ?, "
            "last_seen_at = max(last_seen_at, ?) WHERE id = ?",
            (*values.values(), int(replaced), seen_at, article_id),
        )
        return article_id, outcome

    def _touch(
        self,
        conn: sqlite3.Connection,
        article_id: int,
        *,
        own_url: bool,
        page_id: int,
        sha: str,
        etag: str | None,
        last_modified: str | None,
        seen_at: str,
    ) -> None:
        """An article seen again unchanged: last_seen_at, and the page columns when the page is
        the article's own URL's."""
        if own_url:
            conn.execute(_TOUCH_ARTICLE, (seen_at, page_id, sha, etag, last_modified, article_id))
        else:
            conn.execute(
                "UPDATE articles SET last_seen_at = max(last_seen_at, ?) WHERE id = ?",
                (seen_at, article_id),
            )

    @staticmethod
    def _adopt_url(conn: sqlite3.Connection, article_id: int, item: ArticleItem) -> bool:
        """Make ``item.url`` the row's own URL when the item is the original, dated page
        (a stated timestamp) of a row that holds only a re-published copy (no timestamp, found
        by an alias or the same text); the row's old URL stays in ``article_urls``. Whether
        it did."""
        if item.published_at is None or not item.url:
            return False
        row = conn.execute("SELECT published_at FROM articles WHERE id = ?", (article_id,)).fetchone()
        taken = conn.execute("SELECT 1 FROM articles WHERE url = ?", (item.url,)).fetchone()
        if row is None or row[0] is not None or taken is not None:
            return False
        conn.execute("UPDATE articles SET url = ? WHERE id = ?", (item.url, article_id))
        return True

    def _find_article(self, conn: sqlite3.Connection, item: ArticleItem) -> tuple[int, bool] | None:
        """(id, whether ``item.url`` is the row's own URL) of the archived article the item is,
        or None: the row at ``item.url``; else the row one of the item's URLs (``item.url``,
        ``item.page.url``) was seen under (``article_urls``); else the oldest row with the same
        title and body, or else the same title and ``text_fingerprint`` of lead and body (the
        same text under another URL, perhaps read with another first paragraph: a re-published
        or mirrored page).
        An item at the row's URL whose page is elsewhere (its canonical link names the row) is the
        row's own only while the row's page is not at that URL either."""
        row = conn.execute(
            "SELECT a.id, p.url FROM articles AS a LEFT JOIN pages AS p ON p.id = a.page_id "
            "WHERE a.url = ?",
            (item.url,),
        ).fetchone()
        if row is not None:
            # a page that names the row's URL as canonical from another URL (a re-published
            # copy) is the row's own page only until the page at that URL itself is archived
            at_url = canonical_url(item.page.url) == item.url
            return int(row[0]), at_url or canonical_url(row[1] or "") != item.url
        for url in dict.fromkeys((item.url, item.page.url)):
            row = conn.execute(
                "SELECT article_id FROM article_urls WHERE url = ?", (url,)
            ).fetchone()
            if row is not None:
                return int(row[0]), False
        if item.title and item.body:
            row = conn.execute(
                "SELECT id FROM articles WHERE title = ? AND body = ? ORDER BY id LIMIT 1",
                (item.title, item.body),
            ).fetchone()
            if row is not None:
                return int(row[0]), False
            # the same text read with another first paragraph (a credit line taken for the lead,
            # the lead kept in the body): the same title and the same longest paragraphs
            key = text_fingerprint(item.lead, item.body)
            if key is not None:
                for row_id, lead, body in conn.execute(
                    "SELECT id, lead, body FROM articles WHERE title = ? ORDER BY id", (item.title,)
                ):
                    if text_fingerprint(lead, body) == key:
                        return int(row_id), False
        return None

    def _save_revision(
        self, conn: sqlite3.Connection, article_id: int, item: ArticleItem, seen_at: str
    ) -> None:
        """Copy the current version and its links into article_revisions; drop the links the
        item no longer shows (the store's own reverse ``translation`` links come back after)."""
        conn.execute(_SAVE_REVISION, (seen_at, article_id))
        conn.execute(
            "UPDATE article_revisions SET related = (" + _REVISION_LINKS + ") "
            "WHERE article_id = ? AND revision = (SELECT revision FROM articles WHERE id = ?)",
            (article_id, article_id, article_id),
        )
        keep = {(link.target_url, link.kind) for link in item.related}
        stale = [
            (link_id,)
            for link_id, target_url, kind in conn.execute(
                "SELECT id, target_url, kind FROM related_links WHERE source_id = ?", (article_id,)
            )
            if (target_url, kind) not in keep
        ]
        conn.executemany("DELETE FROM related_links WHERE id = ?", stale)

    def _upsert_links(
        self, conn: sqlite3.Connection, article_id: int, item: ArticleItem, seen_at: str
    ) -> None:
        """Upsert the item's links; the first of duplicate (target_url, kind) pairs wins."""
        seen: set[tuple[str, str]] = set()
        rows = []
        for link in item.related:
            key = (link.target_url, link.kind)
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                (article_id, link.target_url, link.position, link.title, link.kind, seen_at, seen_at)
            )
        if rows:
            conn.executemany(_UPSERT_LINK, rows)

    def _mirror_translations(self, conn: sqlite3.Connection, article_id: int, seen_at: str) -> None:
        """``translation`` links both ways: an archived article this one lists as its translation
        gets a link back to this one, and this one gets a link back to each archived article that
        lists it (unless a link between the two, under any of their URLs, is there already)."""
        targets = conn.execute(
            "SELECT DISTINCT u.article_id FROM related_links AS l "
            "JOIN article_urls AS u ON u.url = l.target_url "
            "WHERE l.source_id = ? AND l.kind = 'translation' AND u.article_id <> ?",
            (article_id, article_id),
        ).fetchall()
        sources = conn.execute(
            "SELECT DISTINCT l.source_id FROM article_urls AS u "
            "JOIN related_links AS l ON l.target_url = u.url "
            "WHERE u.article_id = ? AND l.kind = 'translation' AND l.source_id <> ?",
            (article_id, article_id),
        ).fetchall()
        pairs = [(int(t), article_id) for (t,) in targets] + [(article_id, int(s)) for (s,) in sources]
        for source, target in pairs:
            linked = conn.execute(
                "SELECT 1 FROM related_links AS l JOIN article_urls AS u ON u.url = l.target_url "
                "WHERE l.source_id = ? AND l.kind = 'translation' AND u.article_id = ?",
                (source, target),
            ).fetchone()
            if linked is not None:
                continue
            url, title = conn.execute(
                "SELECT url, title FROM articles WHERE id = ?", (target,)
            ).fetchone()
            position = conn.execute(
                "SELECT coalesce(max(position), 0) + 1 FROM related_links "
                "WHERE source_id = ? AND kind = 'translation'",
                (source,),
            ).fetchone()[0]
            conn.execute(
                _UPSERT_LINK, (source, url, int(position), title, "translation", seen_at, seen_at)
            )

    # --- crawl state ------------------------------------------------------------------------
    def crawl_state(self) -> dict[str, KnownArticle]:
        """Every archived article's URL with what an incremental crawl plan needs of it, and
        every other URL an article was seen under (``article_urls``: no date, no validators).

        ``published_at`` of KnownArticle is the date key (schema.md): the period's start for an
        article without a timestamp."""
        known = {
            url: KnownArticle(published_at, last_seen_at, etag, last_modified)
            for url, published_at, last_seen_at, etag, last_modified in self.db.execute(
                f"SELECT url, {date_key()}, last_seen_at, http_etag, http_last_modified "
                "FROM articles"
            )
        }
        # the other URLs an article was seen under: known (a listing of them is not news), never
        # re-checked by date, no validators (those belong to the article's own URL)
        for url, last_seen_at in self.db.execute(
            "SELECT url, last_seen_at FROM article_urls WHERE url NOT IN (SELECT url FROM articles)"
        ):
            known.setdefault(url, KnownArticle(None, last_seen_at, None, None))
        return known

    def resume_point(self) -> str | None:
        """The start (ISO 8601 UTC) of a full crawl that stopped before it was done, or None.

        The newest runs of mode ``full`` or ``resume`` that did not finish (killed: no
        ``finished_at``) or were stopped early (a finish reason other than ``finished``, e.g.
        ``shutdown`` after SIGTERM) form the chain to resume; its oldest start is returned.
        Call it while holding the run lock: then no unfinished run is still alive.
        """
        point = None
        for mode, started_at, finish_reason in self.db.execute(
            "SELECT mode, started_at, finish_reason FROM crawl_runs ORDER BY id DESC"
        ):
            if finish_reason == "finished" or mode not in ("full", "resume"):
                break
            point = str(started_at)
        return point

    def committed_since(self, at: str) -> set[str]:
        """URLs whose article or reject row was committed at or after ``at`` (ISO 8601 UTC),
        with the other URLs (``article_urls``) an article was seen under since then; not an
        article's URL whose page is elsewhere (a re-published copy naming it canonical: the page
        at the URL itself was not fetched)."""
        elsewhere: set[str] = set()
        committed: set[str] = set()
        for url, page_url in self.db.execute(
            "SELECT a.url, p.url FROM articles AS a LEFT JOIN pages AS p ON p.id = a.page_id "
            "WHERE a.last_seen_at >= ?",
            (at,),
        ):
            if page_url is None or canonical_url(page_url) == url:
                committed.add(url)
            else:
                elsewhere.add(url)
        committed.update(
            row[0]
            for row in self.db.execute(
                "SELECT url FROM article_urls WHERE last_seen_at >= ? "
                "UNION SELECT url FROM rejects WHERE kind = 'invalid' AND rejected_at >= ?",
                (at, at),
            )
            if row[0] not in elsewhere
        )
        return committed

    def retry_urls(self, *, since: str) -> list[str]:
        """URLs that failed or were rejected at or after ``since`` (ISO 8601 UTC) and were not
        archived after (as an article's URL or one it was seen under), or archived only from a
        page elsewhere (a re-published copy naming it canonical): the next run fetches them
        again."""
        retry = {
            row[0]
            for row in self.db.execute(
                "SELECT r.url FROM rejects AS r LEFT JOIN article_urls AS u ON u.url = r.url "
                "WHERE r.rejected_at >= ? "
                "GROUP BY r.url HAVING max(coalesce(u.last_seen_at, '')) < max(r.rejected_at)",
                (since,),
            )
        }
        retry.update(
            url
            for url, page_url in self.db.execute(
                "SELECT a.url, p.url FROM rejects AS r JOIN articles AS a ON a.url = r.url "
                "JOIN pages AS p ON p.id = a.page_id WHERE r.rejected_at >= ?",
                (since,),
            )
            if canonical_url(page_url) != url
        )
        return sorted(retry)

    # --- reading ------------------------------------------------------------------------------
    def known_urls(self) -> set[str]:
        """The URLs of every archived article, and every other URL one was seen under."""
        return {
            row[0]
            for row in self.db.execute("SELECT url FROM articles UNION SELECT url FROM article_urls")
        }

    def get_article(self, url: str) -> dict[str, object] | None:
        """The articles row at ``url`` (columns as stored) plus ``related``: its links, by kind and
        position, each with ``target_id`` (None until the target is archived); None if absent."""
        self._restart_clock()
        rows = list(self.db.query("SELECT * FROM articles WHERE url = ?", (url,)))
        if not rows:
            return None
        article: dict[str, object] = rows[0]
        article["related"] = list(
            self.db.query(
                "SELECT l.target_url, l.title, l.position, l.kind, l.first_seen_at, "
                "l.last_seen_at, t.id AS target_id FROM related_links AS l "
                "LEFT JOIN articles AS t ON t.url = l.target_url "
                "WHERE l.source_id = ? ORDER BY l.kind, l.position, l.id",
                (article["id"],),
            )
        )
        return article

    def find_article_id(self, key: str) -> int | None:
        """The id of the article ``key`` names: its id (digits), or any URL it was seen under
        (its canonical URL or one in article_urls); None when none does."""
        self._restart_clock()
        text = key.strip()
        if text.isdigit():
            row = self.db.execute("SELECT id FROM articles WHERE id = ?", (int(text),)).fetchone()
            return None if row is None else int(row[0])
        row = self.db.execute(
            "SELECT id FROM articles WHERE url = ? UNION ALL "
            "SELECT article_id FROM article_urls WHERE url = ? LIMIT 1",
            (text, text),
        ).fetchone()
        return None if row is None else int(row[0])

    def article_record(self, article_id: int) -> dict[str, Any] | None:
        """Everything the archive holds on one article, for ``archiver show``: the articles row
        (``field_sources`` parsed), ``urls`` (article_urls rows, first seen first),
        ``revisions`` (article_revisions rows, oldest first, ``related`` parsed), ``links_out``
        (its related_links with the target's id and title, by kind and position, then the
        ``issue`` links of its week), ``links_in`` (links on other articles to any of its URLs,
        with the source's id and title). None when there is no such article."""
        self._restart_clock()
        rows = list(self.db.query("SELECT * FROM articles WHERE id = ?", (article_id,)))
        if not rows:
            return None
        article: dict[str, Any] = rows[0]
        article["field_sources"] = _loads(article.get("field_sources"))
        article["urls"] = list(self.db.query(
            "SELECT url, first_seen_at, last_seen_at FROM article_urls WHERE article_id = ? "
            "ORDER BY first_seen_at, url",
            (article_id,),
        ))
        revisions = list(self.db.query(
            "SELECT * FROM article_revisions WHERE article_id = ? ORDER BY revision",
            (article_id,),
        ))
        for revision in revisions:
            revision["related"] = _loads(revision.get("related"))
        article["revisions"] = revisions
        article["links_out"] = list(self.db.query(
            "SELECT l.kind, l.position, l.target_url AS url, t.id AS article_id, "
            "coalesce(t.title, l.title) AS title FROM related_links AS l "
            "LEFT JOIN articles AS t ON t.url = l.target_url WHERE l.source_id = ? "
            "UNION ALL SELECT 'issue', row_number() OVER (ORDER BY target_lang, target_trend, "
            "target_id), target_url, target_id, target_title FROM issue_links WHERE source_id = ? "
            "ORDER BY 1, 2, 3",
            (article_id, article_id),
        ))
        article["links_in"] = list(self.db.query(
            "SELECT l.kind, l.position, s.url, s.id AS article_id, s.title "
            "FROM related_links AS l JOIN articles AS s ON s.id = l.source_id "
            "WHERE l.target_url IN (SELECT url FROM article_urls WHERE article_id = :id "
            "UNION SELECT url FROM articles WHERE id = :id) AND l.source_id <> :id "
            "ORDER BY l.kind, s.id, l.position",
            {"id": article_id},
        ))
        return article

    def article_page(self, article_id: int) -> bytes | None:
        """The raw page the article's current version was extracted from, decompressed (at most
        MAX_PAGE_BYTES; PageUnreadableError otherwise); None when it has none."""
        self._restart_clock()
        row = self.db.execute(
            "SELECT p.id, p.url, p.body, p.encoding FROM articles AS a "
            "JOIN pages AS p ON p.id = a.page_id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        return _decode_body(bytes(row[2]), row[3], int(row[0]), str(row[1]))

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        since: str | None = None,
        until: str | None = None,
        category: str | None = None,
        marks: tuple[str, str] = ("[", "]"),
        raw: bool | None = None,
    ) -> list[dict[str, object]]:
        """Full-text search over title, lead and body, best match first.

        query: plain words, searched as typed (each must match: ``Hi-Tech Park``, ``U.S.``), or
        FTS5 syntax when ``raw`` is True, or when ``raw`` is None and the query uses it (phrases
        in balanced quotes, AND/OR/NOT/NEAR, ``title:``, ``prefix*``: ``is_fts_syntax``).

        since/until: ``YYYY-MM-DDTHH:MM:SSZ`` (UTC) bounds on the date key (published_at, or the
        period's start where there is none: schema.md), since inclusive, until exclusive (a bound
        leaves out articles with neither); hits tie on rank are ordered by the date key, newest
        first; category: the section name,
        ASCII case-insensitive. Each hit: id, url, title, published_at, week (period_start:
        the monitored week's first day, YYYY-MM-DD, or None), category, snippet (matches
        between ``marks``, ``[ ]`` by default; ``…`` for cuts), rank (bm25 with title weighted
        10, lead 4, body 1; lower is better) and relevance (-rank to 2 decimals: higher is
        better). Raises SearchQueryError (a ValueError) when the
        query is empty, malformed, longer than MAX_QUERY_CHARS characters or of more than
        MAX_QUERY_TERMS terms, or the query or category is not valid Unicode (lone surrogates:
        undecodable bytes in argv), ValueError when a bound is malformed, QueryTimeoutError when
        the archive's time limit stopped it.
        """
        self._restart_clock()
        if not query.strip():
            raise SearchQueryError(f"empty search query ({FTS_SYNTAX_HINT})")
        if len(query) > MAX_QUERY_CHARS:
            raise SearchQueryError(
                f"search query too long: {len(query)} characters (at most {MAX_QUERY_CHARS})"
            )
        terms = [word for word in _QUERY_WORD.findall(query) if word not in _QUERY_OPERATORS]
        if len(terms) > MAX_QUERY_TERMS:
            raise SearchQueryError(
                f"search query has too many terms: {len(terms)} (at most {MAX_QUERY_TERMS})"
            )
        for name, bound in (("since", since), ("until", until)):
            if bound is not None and not _UTC_SECOND.fullmatch(bound):
                raise ValueError(f"{name} must be YYYY-MM-DDTHH:MM:SSZ, got {bound!r}")
        for name, text in (("query", query), ("category", category)):
            if text is not None and _LONE_SURROGATE.search(text):  # undecodable bytes in argv
                raise SearchQueryError(f"search {name} {shown(text)} is not valid Unicode text")
        params = {
            "query": fts_query(query, raw=raw), "since": since, "until": until, "category": category,
            "limit": limit, "open": marks[0], "close": marks[1],
        }
        try:
            unfiltered = since is None and until is None and category is None
            return list(self.db.query(_SEARCH_TOP if unfiltered else _SEARCH, params))
        except sqlite3.OperationalError as exc:
            if self.timed_out:
                raise self.timeout_error() from exc
            message = _describe(exc)
            if "locked" in message or "busy" in message:
                raise _translate(exc, self.path) from exc
            raise SearchQueryError(
                f"bad search query {shown(query)}: {message} ({FTS_SYNTAX_HINT}); to search "
                f"the words as typed, put each in double quotes: {shown(quote_words(query))}"
            ) from exc

    def earlier_sites(self) -> list[str]:
        """The site addresses (``crawl_runs.base_url``, non-empty, distinct, oldest first) of the
        runs already in the archive at ``path``, read without opening it (see ``_peek``), after
        the checks that it is an archive (any schema version up to this
        one). A missing or empty file has none. Raises as ``open`` does (ArchiveCorruptError for
        another program's database), writing nothing."""
        return [str(url) for (url,) in self._peek(
            "SELECT base_url FROM crawl_runs WHERE base_url <> '' GROUP BY base_url ORDER BY min(id)"
        )]

    def article_count(self) -> int:
        """How many articles the archive at ``path`` holds, read as ``earlier_sites`` reads."""
        rows = self._peek("SELECT count(*) FROM articles")
        return int(rows[0][0]) if rows else 0

    def _peek(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of ``sql`` (fixed SQL over the version-1 tables) from the file at ``path``
        through a read-only, ``immutable`` connection (no lock, no ``-wal``/``-shm`` files made;
        rows still in a WAL file are not seen; callers hold the run lock when the file has one,
        so that no writer is half-way), after ``_check_version``; [] for a missing, empty or
        new (version 0) file, or one with a ``-journal`` file beside it."""
        if not self.path.is_file() or self.path.stat().st_size == 0:
            return []
        if Path(f"{self.path}-journal").exists():
            return []  # a hot rollback journal: only a normal open may judge (and recover) it
        try:
            uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from exc
        try:
            if self._check_version(conn) == 0:
                return []
            return [tuple(row) for row in conn.execute(sql)]
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from exc
        finally:
            conn.close()

    def articles_by_month(self) -> list[MonthCount]:
        """The ``articles_by_month`` view: dated articles per month of their date key
        (published_at, or the period's start without one), oldest first."""
        self._restart_clock()
        return [
            MonthCount(str(month), int(articles), int(words or 0))
            for month, articles, words in self.db.execute(
                "SELECT month, articles, words FROM articles_by_month ORDER BY month"
            )
        ]

    def status_by_month(self, trend: str | None = None) -> list[StatusCount]:
        """better / worse / unchanged per month (the ``status_by_trend_month`` view summed over
        trends, or of one trend key), oldest first."""
        return [
            StatusCount(str(month), int(better or 0), int(worse or 0), int(unchanged or 0))
            for month, better, worse, unchanged in self.db.execute(
                "SELECT month, sum(better), sum(worse), sum(unchanged) FROM status_by_trend_month "
                "WHERE ? IS NULL OR trend = ? GROUP BY month ORDER BY month",
                (trend, trend),
            )
        ]

    def stats(self) -> dict[str, object]:
        """What the archive holds.

        Keys: ``totals`` (articles, revisions, related_links, resolved_links, pages, rejects,
        runs), ``published`` (first, last date key: ISO 8601 UTC or
        None), ``per_year`` (``YYYY`` -> articles, by the date key: published_at, or the period's
        start where there is none; ``unknown`` for neither; per month: ``articles_by_month``),
        ``per_status`` (trend_status -> articles with a trend or a status, ``(none)`` for
        none), ``per_category`` (category -> articles, most
        first, ``(none)`` for none), ``top_credits`` (image credit -> articles, the 10 most used;
        credits joined with ``; `` count once each: the ``image_credits`` view),
        ``field_coverage`` (field -> share of all articles with a non-empty normalised value,
        0.0 to 1.0), ``raw_coverage`` (field -> share of all articles whose raw text was found on
        the page: a status marker found but naming no status counts here, not in
        ``field_coverage``; the extraction health of ``archiver stats`` counts raw sources too) and
        ``last_runs`` (the LAST_RUNS newest crawl_runs, newest first: id, mode, started_at,
        finished_at (None while unfinished), items_new, items_updated, items_rejected, failures,
        exit_code).
        """
        self._restart_clock()
        one = self._scalar
        totals = {
            "articles": one("SELECT count(*) FROM articles"),
            "revisions": one("SELECT count(*) FROM article_revisions"),
            "related_links": one("SELECT count(*) FROM related_links"),
            "resolved_links": one(
                "SELECT count(*) FROM related_links WHERE target_url IN (SELECT url FROM articles)"
            ),
            "pages": one("SELECT count(*) FROM pages"),
            "rejects": one("SELECT count(*) FROM rejects"),
            "runs": one("SELECT count(*) FROM crawl_runs"),
        }
        key = date_key()
        first, last = self.db.execute(f"SELECT min({key}), max({key}) FROM articles").fetchone()
        per_year = {
            str(year or "unknown"): count
            for year, count in self.db.execute(
                f"SELECT substr({key}, 1, 4) AS year, count(*) FROM articles "
                "GROUP BY year ORDER BY year"
            )
        }
        statuses = {
            str(status or "(none)"): count
            for status, count in self.db.execute(
                "SELECT trend_status, count(*) FROM articles WHERE trend IS NOT NULL "
                "OR trend_status IS NOT NULL GROUP BY trend_status ORDER BY trend_status"
            )
        }
        per_category = {
            str(category or "(none)"): count
            for category, count in self.db.execute(
                "SELECT category, count(*) AS n FROM articles GROUP BY category "
                "ORDER BY n DESC, category"
            )
        }
        top_credits = {
            str(credit): count
            for credit, count in self.db.execute(
                "SELECT credit, articles FROM image_credits ORDER BY articles DESC, credit LIMIT 10"
            )
        }
        columns = (*COVERAGE_FIELDS, *RAW_COVERAGE_COLUMNS.values())
        filled = ", ".join(f"sum(coalesce({name}, '') <> '')" for name in columns)
        row = self.db.execute(f"SELECT count(*), {filled} FROM articles").fetchone()
        total = int(row[0])
        shares = {
            name: (int(value or 0) / total if total else 0.0)
            for name, value in zip(columns, row[1:], strict=True)
        }
        coverage = {name: shares[name] for name in COVERAGE_FIELDS}
        raw_coverage = {name: shares[column] for name, column in RAW_COVERAGE_COLUMNS.items()}
        return {
            "totals": totals,
            "published": {"first": first, "last": last},
            "per_year": per_year,
            "per_status": statuses,
            "per_category": per_category,
            "top_credits": top_credits,
            "field_coverage": coverage,
            "raw_coverage": raw_coverage,
            "last_runs": list(
                self.db.query(
                    "SELECT id, mode, started_at, finished_at, items_new, items_updated, "
                    "items_rejected, failures, exit_code FROM crawl_runs ORDER BY id DESC LIMIT ?",
                    (LAST_RUNS,),
                )
            ),
        }

    def _scalar(self, sql: str) -> int:
        return int(self.db.execute(sql).fetchone()[0])

    def example_queries(self) -> list[tuple[str, str, list[dict[str, object]]]]:
        """(title, SQL, result rows) of EXAMPLE_QUERIES, for ``archiver demo``."""
        self._restart_clock()
        return [(title, sql, list(self.db.query(sql))) for title, sql in EXAMPLE_QUERIES]

    def iter_pages(
        self,
        *,
        latest_only: bool = False,
        batch: int = 200,
        on_error: PageErrorHandler | None = None,
    ) -> Iterator[RawPage]:
        """Every stored page, decompressed, in the order first stored (pages.id).

        latest_only: only the most recently fetched version of each url. Reads ``batch`` rows at
        a time, so the archive can be written while iterating. A page that cannot be read back
        (inflates past MAX_PAGE_BYTES, damaged) raises PageUnreadableError, or, with
        ``on_error``, is passed to it and skipped.
        """
        where = (
            "AND p.id = (SELECT q.id FROM pages AS q WHERE q.url = p.url "
            "ORDER BY q.fetched_at DESC, q.id DESC LIMIT 1)"
            if latest_only
            else ""
        )
        yield from self._pages_by_id(f"FROM pages AS p WHERE p.id > ? {where}", batch, on_error)

    def _pages_by_id(
        self, rest: str, batch: int, on_error: PageErrorHandler | None = None
    ) -> Iterator[RawPage]:
        """The pages that ``SELECT ... {rest}`` finds, decompressed, in pages.id order, ``batch``
        rows at a time (``rest`` has one ``?`` for the last id read: ``p.id > ?``). A body is
        inflated only up to MAX_PAGE_BYTES; an unreadable page goes to ``on_error`` (then
        skipped) or raises PageUnreadableError."""
        sql = (
            "SELECT p.id, p.url, p.fetched_at, p.status, p.headers, p.body, p.encoding "
            f"{rest} ORDER BY p.id LIMIT ?"
        )
        last_id = 0
        while True:
            self._restart_clock()
            rows = self.db.execute(sql, (last_id, batch)).fetchall()
            if not rows:
                return
            for page_id, url, fetched_at, status, headers, body, encoding in rows:
                last_id = page_id
                try:
                    data = _decode_body(bytes(body), encoding, page_id, url)
                except PageUnreadableError as exc:
                    if on_error is None:
                        raise
                    on_error(exc)
                    continue
                yield RawPage(
                    url=url,
                    fetched_at=fetched_at,
                    status=int(status),
                    headers=json.loads(headers),
                    body=data,
                )

    def pages_to_reparse(
        self, *, batch: int = 200, on_error: PageErrorHandler | None = None
    ) -> Iterator[RawPage]:
        """The page each article was last stored from, then the latest page of each other URL an
        article was seen under (``article_urls``: a page that joined an article merges again),
        then the latest page of each URL that was rejected as invalid and is not archived (a
        fixed parser may now accept it).

        Reads ``batch`` rows at a time, in pages.id order, so the archive can be written while
        iterating. An unreadable page (see ``iter_pages``) raises, or goes to ``on_error``.
        """
        yield from self._pages_by_id(
            "FROM pages AS p WHERE p.id > ? AND p.id IN (SELECT page_id FROM articles)",
            batch,
            on_error,
        )
        yield from self._pages_by_id(
            f"FROM pages AS p WHERE p.id > ? AND p.id IN ({_ALIAS_PAGES})", batch, on_error
        )
        yield from self._pages_by_id(
            "FROM pages AS p WHERE p.id > ? AND p.id IN ("
            " SELECT max(r.page_id) FROM rejects AS r WHERE r.kind = 'invalid' "
            " AND r.page_id IS NOT NULL AND r.url NOT IN (SELECT url FROM articles) GROUP BY r.url)",
            batch,
            on_error,
        )

    def count_pages_to_reparse(self) -> int:
        """How many pages ``pages_to_reparse`` yields."""
        articles = self.db.execute("SELECT count(DISTINCT page_id) FROM articles").fetchone()[0]
        aliases = self.db.execute(f"SELECT count(*) FROM ({_ALIAS_PAGES})").fetchone()[0]
        rejected = self.db.execute(
            "SELECT count(DISTINCT url) FROM rejects WHERE kind = 'invalid' AND page_id IS NOT NULL "
            "AND url NOT IN (SELECT url FROM articles)"
        ).fetchone()[0]
        return int(articles) + int(aliases) + int(rejected)

    def archived_urls(self, urls: Iterable[str]) -> set[str]:
        """Which of ``urls`` are archived articles (or URLs an archived article was seen under)."""
        wanted = list(dict.fromkeys(urls))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            found.update(
                row[0]
                for row in self.db.execute(
                    f"SELECT url FROM articles WHERE url IN ({marks}) "
                    f"UNION SELECT url FROM article_urls WHERE url IN ({marks})",
                    chunk + chunk,
                )
            )
        return found

    def article_columns(self) -> tuple[str, ...]:
        """The column names of ``articles``, in table order (``PRAGMA table_info``)."""
        return tuple(str(row[1]) for row in self.db.execute("PRAGMA table_info(articles)"))

    def iter_articles(
        self,
        *,
        since: str | None,
        until: str | None,
        fields: Sequence[str],
        batch: int = 500,
    ) -> Iterator[dict[str, object]]:
        """``articles`` rows by id, each a dict with the keys of ``fields`` in that order.

        since/until: ``YYYY-MM-DDTHH:MM:SSZ`` (UTC) bounds on the date key (published_at, the
        stated day of a day-precision date, or the period's start where there is no timestamp:
        schema.md), compared as text: since inclusive, until exclusive; when either is set,
        articles with neither a date nor a period are left out. Reads ``batch`` rows per query,
        paging by id (keyset), so memory stays flat however many rows match; rows committed
        meanwhile may or may not appear, each row once at most.
        Raises UnknownFieldError (checked at the call, before any row) for no fields, a field
        that is not a column of ``articles`` or one named twice; ValueError for a malformed bound
        or ``batch`` below 1.
        """
        columns = self.article_columns()
        unknown = [name for name in fields if name not in columns]
        if unknown:
            raise UnknownFieldError(
                f"unknown field(s) {', '.join(unknown)}; the columns of articles are "
                f"{', '.join(columns)}"
            )
        if not fields:
            raise UnknownFieldError("no fields to export")
        twice = sorted({name for i, name in enumerate(fields) if name in fields[:i]})
        if twice:
            raise UnknownFieldError(f"field(s) named twice: {', '.join(twice)}")
        for name, bound in (("since", since), ("until", until)):
            if bound is not None and not _UTC_SECOND.fullmatch(bound):
                raise ValueError(f"{name} must be YYYY-MM-DDTHH:MM:SSZ, got {bound!r}")
        if batch < 1:
            raise ValueError(f"batch must be at least 1, got {batch}")
        where = "".join(
            clause
            for clause, bound in (
                (f" AND {date_key()} >= ?", since), (f" AND {date_key()} < ?", until),
            )
            if bound is not None
        )
        bounds = tuple(bound for bound in (since, until) if bound is not None)
        # identifiers: validated against the table's columns above, quoted; values: parameters.
        # NOT INDEXED keeps the plan a rowid range scan: each page resumes after the last id,
        # so the whole export reads the table once (an index on published_at would re-scan
        # the date range for every page).
        selected = ", ".join(f'"{name}"' for name in fields)
        sql = (
            f"SELECT id, {selected} FROM articles NOT INDEXED WHERE id > ?{where} "
            "ORDER BY id LIMIT ?"
        )
        return self._iter_keyset(sql, bounds, tuple(fields), batch)

    def _iter_keyset(
        self, sql: str, bounds: tuple[str, ...], fields: tuple[str, ...], batch: int
    ) -> Iterator[dict[str, object]]:
        """Rows of ``sql`` (``SELECT id, fields... WHERE id > ? ... LIMIT ?``), page after page."""
        last_id = 0
        while True:
            self._restart_clock()
            rows = self.db.execute(sql, (last_id, *bounds, batch)).fetchall()
            for row in rows:
                yield dict(zip(fields, row[1:], strict=True))
            if len(rows) < batch:
                return
            last_id = int(rows[-1][0])

    def integrity_check(self) -> list[str]:
        """The rows of ``PRAGMA integrity_check`` (``["ok"]`` for a sound file)."""
        return [str(row[0]) for row in self.db.execute("PRAGMA integrity_check")]


def _lacks(values: Sequence[object]) -> bool:
    """Whether a group of field values holds nothing (each None or the empty string)."""
    return all(value is None or value == "" for value in values)


_UTC_SECOND: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
"""An instant as the archive stores it: UTC to the second, ``YYYY-MM-DDTHH:MM:SSZ``."""


def _writable(path: Path) -> bool:
    """Whether this process may write ``path`` (a file or a directory).

    A file without any write permission bit is not writable even for root, to whom
    ``os.access`` grants everything: ``chmod a-w archive.db`` means "do not write".
    """
    if not os.access(path, os.W_OK):
        return False
    return path.is_dir() or bool(path.stat().st_mode & 0o222)


def inflate(data: bytes, limit: int = MAX_PAGE_BYTES) -> bytes:
    """``data`` (zlib) decompressed, never holding more than ``limit`` + 1 bytes of output.

    Raises ValueError when the output would pass ``limit`` bytes, zlib.error when ``data`` is
    damaged or incomplete.
    """
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, limit + 1)
    if len(out) > limit or inflater.unconsumed_tail:
        raise ValueError(f"inflates past {limit} bytes")
    out += inflater.flush()
    if not inflater.eof:
        raise zlib.error("incomplete or truncated stream")
    if len(out) > limit:
        raise ValueError(f"inflates past {limit} bytes")
    return out


def _decode_body(data: bytes, encoding: str, page_id: int, url: str = "") -> bytes:
    """A stored body as the bytes received; raises PageUnreadableError for a page that inflates
    past MAX_PAGE_BYTES (a compression bomb), a damaged body or an unknown encoding."""
    where = f"page {page_id}" + (f" ({url})" if url else "")
    if encoding == PAGE_ENCODING:
        try:
            return inflate(data)
        except ValueError:
            raise PageUnreadableError(
                f"{where} inflates past {MAX_PAGE_BYTES // (1024 * 1024)} MiB (the page size "
                "cap): not read",
                page_id=page_id, url=url,
            ) from None
        except zlib.error as exc:
            raise PageUnreadableError(
                f"{where} has a damaged body ({exc})", page_id=page_id, url=url
            ) from exc
    if encoding in ("", "identity"):
        if len(data) > MAX_PAGE_BYTES:
            raise PageUnreadableError(
                f"{where} is larger than {MAX_PAGE_BYTES // (1024 * 1024)} MiB (the page size "
                "cap): not read",
                page_id=page_id, url=url,
            )
        return data
    raise PageUnreadableError(
        f"{where} has an unknown body encoding {encoding!r}", page_id=page_id, url=url
    )


def _loads(text: Any) -> object:
    """Parsed JSON text; the text itself when it is not JSON."""
    if not isinstance(text, str):
        return text
    try:
        parsed: object = json.loads(text)
    except ValueError:
        return text
    return parsed
