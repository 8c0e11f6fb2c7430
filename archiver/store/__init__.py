"""The SQLite archive: the only package of the project that speaks SQL.

``Archive`` is one class composed of one mixin per job, each over ``ArchiveConnection``:

- ``schema``: tables, views, indexes and triggers as numbered migrations (``MIGRATIONS``,
  ``SCHEMA_VERSION``, ``expected_schema``), what the columns hold;
- ``connection``: open (pragmas, version check, migrations), close, one write transaction at a
  time, the read time limit, sqlite3 errors as ArchiveError subclasses by result code;
- ``writes``: articles, pages, links, URLs, credits, rejects, crawl runs;
- ``state``: what a crawl needs to know before it starts (crawl_state, resume_point, ...);
- ``queries``: search, one article, articles and pages for export and re-extraction;
- ``reports``: stats, counts per month, runs, example queries.

Every name of the store is importable from ``archiver.store``.
"""

from archiver.errors import shown
from archiver.items import KnownArticle
from archiver.store.connection import (
    BUSY_TIMEOUT_MS,
    DEFAULT_TIME_LIMIT_S,
    PROGRESS_STEPS,
    ArchiveConnection,
    archive_error,
)
from archiver.store.queries import (
    FTS_SYNTAX_HINT,
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    ArchiveQueries,
    PageErrorHandler,
    fts_query,
    inflate,
    is_fts_syntax,
    quote_words,
)
from archiver.store.reports import (
    COVERAGE_FIELDS,
    EXAMPLE_QUERIES,
    LAST_RUNS,
    RAW_COVERAGE_COLUMNS,
    ArchiveReports,
    MonthCount,
    StatusCount,
)
from archiver.store.schema import (
    HASH_FIELDS,
    LINK_KINDS,
    MAX_PAGE_BYTES,
    MIGRATIONS,
    PAGE_ENCODING,
    PAGE_ZLIB_LEVEL,
    SCHEMA_VERSION,
    TREND_STATUSES,
    Migration,
    date_key,
    expected_schema,
)
from archiver.store.state import CrawlState
from archiver.store.writes import (
    COUNT_KEYS,
    NEW,
    REJECTED,
    REVISION_COLUMNS,
    UNCHANGED,
    UPDATED,
    ArchiveWrites,
    content_hash,
    http_validators,
)


class Archive(ArchiveWrites, CrawlState, ArchiveQueries, ArchiveReports):
    """The SQLite archive at ``path``: open it, store items, query it.

    ``Archive(path)`` only remembers the path; ``open()`` connects (and migrates), ``close()`` or the
    ``with`` block ends the connection (``ArchiveConnection``). Writes: ``ArchiveWrites``; what a
    crawl reads before it starts: ``CrawlState``; reads: ``ArchiveQueries``; reports:
    ``ArchiveReports``.
    """


__all__ = [
    "BUSY_TIMEOUT_MS",
    "COUNT_KEYS",
    "COVERAGE_FIELDS",
    "DEFAULT_TIME_LIMIT_S",
    "EXAMPLE_QUERIES",
    "FTS_SYNTAX_HINT",
    "HASH_FIELDS",
    "LAST_RUNS",
    "LINK_KINDS",
    "MAX_PAGE_BYTES",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_TERMS",
    "MIGRATIONS",
    "NEW",
    "PAGE_ENCODING",
    "PAGE_ZLIB_LEVEL",
    "PROGRESS_STEPS",
    "RAW_COVERAGE_COLUMNS",
    "REJECTED",
    "REVISION_COLUMNS",
    "SCHEMA_VERSION",
    "TREND_STATUSES",
    "UNCHANGED",
    "UPDATED",
    "Archive",
    "ArchiveConnection",
    "ArchiveQueries",
    "ArchiveReports",
    "ArchiveWrites",
    "CrawlState",
    "KnownArticle",
    "Migration",
    "MonthCount",
    "PageErrorHandler",
    "StatusCount",
    "archive_error",
    "content_hash",
    "date_key",
    "expected_schema",
    "fts_query",
    "http_validators",
    "inflate",
    "is_fts_syntax",
    "quote_words",
    "shown",
]
