"""What a crawl needs to know of the archive before it starts: the archived URLs with their
dates and validators (the crawl plan's input), where a killed full crawl stopped, what a dead run
committed, which URLs to retry, and the sites of earlier runs (read without opening the file).
"""

from __future__ import annotations

from collections.abc import Iterable

from archiver.items import KnownArticle
from archiver.normalise import canonical_url
from archiver.store.connection import ArchiveConnection
from archiver.store.schema import date_key


class CrawlState(ArchiveConnection):
    """The crawl-state reads of ``archiver.store.Archive``."""

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

    def known_urls(self) -> set[str]:
        """The URLs of every archived article, and every other URL one was seen under."""
        return {
            row[0]
            for row in self.db.execute("SELECT url FROM articles UNION SELECT url FROM article_urls")
        }

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
