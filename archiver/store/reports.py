"""The archive's reports: what it holds (``stats``), articles and statuses per month (the charts of
``archiver stats --plot``), the crawl runs and their rejects, the example queries of the demo.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from archiver.store.connection import ArchiveConnection
from archiver.store.queries import loads_json
from archiver.store.schema import date_key

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

LAST_RUNS: Final = 5
"""How many of the newest crawl runs ``Archive.stats`` lists."""

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


class ArchiveReports(ArchiveConnection):
    """The reports of ``archiver.store.Archive``."""

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
            row["stats"] = loads_json(row.get("stats"))
            row["health"] = loads_json(row.get("health"))
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
