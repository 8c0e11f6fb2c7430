"""The archive's schema: tables, views, indexes and triggers as numbered migrations.

The schema is a contract with the analysts (docs/schema.md): names are stable, changes come only as
new numbered migrations (``PRAGMA user_version``), tables are never dropped or recreated on start.
Timestamps are ISO 8601 strings, UTC with a ``Z`` suffix (``2026-11-28T10:00:00Z``); JSON columns
hold UTF-8 JSON text; page bodies are zlib-compressed bytes. Identifiers in this module are fixed;
the migrations are applied by ``archiver.store.connection``.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from typing import Final, NamedTuple

from archiver.normalise.credits import credit_source

PAGE_ENCODING: Final = "zlib"
"""The value of ``pages.encoding``: how ``pages.body`` is compressed."""

MAX_PAGE_BYTES: Final = 8 * 1024 * 1024
"""The most bytes a stored page may inflate to when read back (8 MiB, the crawler's
``DOWNLOAD_MAXSIZE``): a larger one is a compression bomb or damage, refused for that page."""

PAGE_ZLIB_LEVEL: Final = 1
"""zlib level for page bodies: 1 is ~2.5x faster than 6 for ~25 % more bytes on HTML."""

HASH_FIELDS: Final = (
    "title", "category", "trend", "trend_status", "published_at", "period_start", "period_end",
    "author", "image_url", "image_credit", "image_caption", "lead", "body",
)
"""The normalised fields whose values make up ``articles.content_hash``, in this order (schema 9;
migration 9 recomputes the hashes of older rows)."""

LINK_KINDS: Final = ("similar", "trend", "inline", "translation")
"""The documented values of ``related_links.kind`` (``issue`` links are the ``issue_links`` view)."""

TREND_STATUSES: Final = ("better", "worse", "unchanged")
"""The values of ``articles.trend_status`` (NULL: none shown, or not understood)."""


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


def hash_values(*values: object) -> str:
    """SHA-256 hex of ``values`` (None as empty) joined with ``\x1f``, as UTF-8: the
    ``content_hash`` of HASH_FIELDS values (also the SQL function used by migration 9)."""
    joined = "\x1f".join("" if value is None else str(value) for value in values)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()


def sql_credit_source(part: object) -> str:
    """``archiver.normalise.credit_source`` for SQL (NULL and non-text: empty text)."""
    return credit_source(part) if isinstance(part, str) else ""


def register_functions(conn: sqlite3.Connection) -> None:
    """Register the SQL functions the migrations call (``archiver_content_hash``,
    ``archiver_credit_source``) on ``conn``."""
    conn.create_function(_HASH_FUNCTION, len(HASH_FIELDS), hash_values, deterministic=True)
    conn.create_function(_CREDIT_FUNCTION, 1, sql_credit_source, deterministic=True)
