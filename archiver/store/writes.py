"""Every write to the archive: articles (merged, revised), their pages, links, URLs and image
credits (``store_items``), rejects and failures, crawl runs.

Each public method is one ``BEGIN IMMEDIATE`` transaction (``ArchiveConnection._write``); SQL values
are always bound parameters and identifiers are fixed in this module.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from archiver.errors import ArchiveError
from archiver.items import ArticleItem, NotModified, RawPage
from archiver.normalise import canonical_url, text_fingerprint
from archiver.store.connection import ArchiveConnection
from archiver.store.schema import (
    HASH_FIELDS,
    PAGE_ENCODING,
    PAGE_ZLIB_LEVEL,
    hash_values,
    sql_credit_source,
)

REVISION_COLUMNS: Final = (
    "title", "category", "trend_status", "published_at", "published_local", "published_raw",
    "image_url", "image_credit", "lead", "body", "word_count", "content_hash", "page_id",
    "page_sha256", "trend", "trend_status_raw", "period_start", "period_end", "period_raw",
    "author", "author_raw", "published_precision", "image_caption",
)
"""The article columns copied into ``article_revisions`` when the content changes."""

NEW: Final = "new"
UPDATED: Final = "updated"
UNCHANGED: Final = "unchanged"
REJECTED: Final = "rejected"

COUNT_KEYS: Final = (
    "requests", "items_new", "items_updated", "items_unchanged", "items_rejected", "failures",
    "responses_2xx", "responses_304", "responses_4xx", "responses_5xx",
)
"""The keys ``Archive.finish_run`` takes in ``counts`` (a missing key counts 0)."""


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
    return hash_values(*(getattr(item, name) for name in HASH_FIELDS))


def _lacks(values: Sequence[object]) -> bool:
    """Whether a group of field values holds nothing (each None or the empty string)."""
    return all(value is None or value == "" for value in values)


class ArchiveWrites(ArchiveConnection):
    """The writes of ``archiver.store.Archive``."""

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
            source = sql_credit_source(credit)
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
        step = max(1, batch)
        recorded = 0
        for start in range(0, len(entries), step):
            with self._write() as conn:
                for article_url, urls in entries[start:start + step]:
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
        digest = hash_values(*(merged[name] for name in HASH_FIELDS))
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
