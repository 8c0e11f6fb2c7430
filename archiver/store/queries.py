"""Reading the archive: full-text search, one article and everything about it, the articles as
rows for export, the stored pages (decompressed, with a size cap) for export and re-extraction.

Reads restart the archive's time limit (``ArchiveConnection._restart_clock``) per call or per
batch; the streaming readers page by id so that the archive can be written meanwhile.
"""

from __future__ import annotations

import json
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

from archiver.errors import PageUnreadableError, SearchQueryError, UnknownFieldError, shown
from archiver.items import RawPage
from archiver.store.connection import ArchiveConnection, describe, is_busy, translate
from archiver.store.schema import MAX_PAGE_BYTES, PAGE_ENCODING, date_key

PageErrorHandler = Callable[[PageUnreadableError], None]
"""Called by the page readers with each page they cannot read, which they then skip."""

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

_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")
"""A lone UTF-16 surrogate: undecodable bytes in argv (``surrogateescape``)."""

_UTC_SECOND: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
"""An instant as the archive stores it: UTC to the second, ``YYYY-MM-DDTHH:MM:SSZ``."""


class ArchiveQueries(ArchiveConnection):
    """The reads of ``archiver.store.Archive`` (the reports' counts: ``archiver.store.reports``)."""

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
        article["field_sources"] = loads_json(article.get("field_sources"))
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
            revision["related"] = loads_json(revision.get("related"))
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
        return decode_body(bytes(row[2]), row[3], int(row[0]), str(row[1]))

    def page(self, page_id: int) -> RawPage | None:
        """The stored page with pages.id ``page_id``, decompressed (PageUnreadableError as in
        ``iter_pages``); None when there is none."""
        self._restart_clock()
        row = self.db.execute(
            "SELECT url, fetched_at, status, headers, body, encoding FROM pages WHERE id = ?", (page_id,)
        ).fetchone()
        if row is None:
            return None
        url, fetched_at, status, headers, body, encoding = row
        return RawPage(url=url, fetched_at=fetched_at, status=int(status), headers=json.loads(headers),
                       body=decode_body(bytes(body), encoding, page_id, url))

    def page_id_of(self, url: str) -> int | None:
        """The pages.id of the page ``url`` names: the current page of the article seen under it
        (``find_article_id``), else the latest page fetched at exactly ``url`` (e.g. a rejected
        one); None when there is none."""
        article_id = self.find_article_id(url)
        row = self.db.execute(
            "SELECT page_id FROM articles WHERE id = ? AND page_id IS NOT NULL", (article_id,)
        ).fetchone() or self.db.execute(
            "SELECT id FROM pages WHERE url = ? ORDER BY fetched_at DESC, id DESC LIMIT 1", (url,)
        ).fetchone()
        return None if row is None else int(row[0])

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
            message = describe(exc)
            if is_busy(exc):
                raise translate(exc, self.path) from exc
            raise SearchQueryError(
                f"bad search query {shown(query)}: {message} ({FTS_SYNTAX_HINT}); to search "
                f"the words as typed, put each in double quotes: {shown(quote_words(query))}"
            ) from exc

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
                    data = decode_body(bytes(body), encoding, page_id, url)
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


def decode_body(data: bytes, encoding: str, page_id: int, url: str = "") -> bytes:
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


def loads_json(text: Any) -> object:
    """Parsed JSON text; the text itself when it is not JSON."""
    if not isinstance(text, str):
        return text
    try:
        parsed: object = json.loads(text)
    except ValueError:
        return text
    return parsed
