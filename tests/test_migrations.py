"""Migrations from every earlier schema version, on copies of archives written by the old code.

tests/fixtures/archives/schema-vN.db.gz were crawled by the code of the commit that introduced
schema version N (README.md there says how); a fixture must exist for every version below
SCHEMA_VERSION, so adding a migration asks for a fixture of the version it replaces.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import sqlite3
from pathlib import Path

import pytest

from archiver.errors import ArchiveError
from archiver.replica import ReplicaServer, ReplicaSite
from archiver.store import HASH_FIELDS, SCHEMA_VERSION, Archive
from archiver.store.schema import hash_values
from tests.conftest import FROZEN_NOW, run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "archives"
EARLIER = range(1, SCHEMA_VERSION)
TABLES = ("articles", "pages", "rejects", "crawl_runs", "related_links")


def old_archive(version: int, tmp_path: Path) -> Path:
    """A fresh copy of the schema-v``version`` fixture, unzipped into ``tmp_path``."""
    source = FIXTURES / f"schema-v{version}.db.gz"
    assert source.is_file(), f"no fixture for schema version {version}: see {FIXTURES}/README.md"
    target = tmp_path / f"schema-v{version}.db"
    target.write_bytes(gzip.decompress(source.read_bytes()))
    return target


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(conn: sqlite3.Connection) -> tuple[dict[str, int], dict[str, tuple[str, str, str]]]:
    """Row counts of TABLES, and (title, lead, body) of each article by URL."""
    counts = {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}
    articles = {
        str(url): (str(title), str(lead), str(body))
        for url, title, lead, body in conn.execute("SELECT url, title, lead, body FROM articles")
    }
    return counts, articles


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def schema_of(archive: Archive) -> list[tuple[str, str, str]]:
    """The archive's tables, indexes, views and triggers (not SQLite's own: ``PRAGMA optimize``
    at close may add sqlite_stat1)."""
    return archive.db.execute(
        "SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite%' "
        "ORDER BY type, name"
    ).fetchall()


def test_there_is_a_fixture_for_every_earlier_version() -> None:
    found = sorted(int(m[1]) for p in FIXTURES.glob("schema-v*.db.gz")
                   if (m := re.fullmatch(r"schema-v(\d+)\.db\.gz", p.name)))
    assert set(EARLIER) <= set(found), f"make the missing fixtures: {FIXTURES}/README.md"
    for version in found:
        assert (FIXTURES / f"schema-v{version}.db.gz").stat().st_size < 300_000


@pytest.mark.parametrize("version", EARLIER)
def test_migrating_keeps_every_row_and_completes_the_schema(version: int, tmp_path: Path) -> None:
    db = old_archive(version, tmp_path)
    with read_only(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        counts, articles = snapshot(conn)
    conn.close()
    assert counts["articles"] >= 10

    with Archive(db) as archive:
        assert archive.schema_version == SCHEMA_VERSION
        assert archive.integrity_check() == ["ok"]
        assert snapshot(archive.db.conn) == (counts, articles)
        for url, (title, _lead, _body) in articles.items():
            word = max(re.findall(r"[^\W\d_]{4,}", title), key=len)  # any script (v9: Belarusian)
            hits = archive.search(f'title:"{word}"', limit=100)
            assert url in {hit["url"] for hit in hits}, (word, url)
        views = [row[0] for row in archive.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name"
        )]
        assert "related_articles" in views
        for view in views:
            archive.db.execute(f'SELECT count(*) FROM "{view}"').fetchone()
        totals = archive.stats()["totals"]
        assert isinstance(totals, dict)
        assert totals["articles"] == counts["articles"]
        schema = schema_of(archive)

    with Archive(db) as archive:  # a second open migrates nothing
        assert archive.schema_version == SCHEMA_VERSION
        assert schema_of(archive) == schema
        assert snapshot(archive.db.conn) == (counts, articles)


@pytest.mark.parametrize("version", EARLIER)
def test_an_old_archive_opened_read_only_is_refused_untouched(
    version: int, tmp_path: Path
) -> None:
    db = old_archive(version, tmp_path)
    before = sha256(db)
    with pytest.raises(ArchiveError, match=rf"schema version {version}\b.*open it once for writing"):
        Archive(db).open(readonly=True)
    assert sha256(db) == before


def test_stats_of_an_old_archive_is_one_line_and_exit_2(tmp_path: Path) -> None:
    db = old_archive(1, tmp_path)
    before = sha256(db)
    result = run_cli("stats", "--db", str(db))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: archive {db} has schema version 1, this archiver reads {SCHEMA_VERSION}: "
        "open it once for writing to migrate it"
    )
    assert sha256(db) == before


@pytest.mark.e2e
@pytest.mark.parametrize("version", EARLIER)
def test_a_crawl_on_top_of_a_migrated_archive(version: int, tmp_path: Path) -> None:
    db = old_archive(version, tmp_path)
    with read_only(db) as conn:
        counts, _ = snapshot(conn)
        base_url = str(conn.execute("SELECT base_url FROM crawl_runs ORDER BY id").fetchone()[0])
    conn.close()
    # the replica the fixture was crawled from (12 articles, seed 5), as this code draws it, at the
    # same address: the archive's URLs (re-checks, retries) point there
    port = int(base_url.rsplit(":", 1)[1])
    with ReplicaServer(ReplicaSite(12, seed=5), port=port) as server:
        assert server.base_url == base_url
        result = run_cli("crawl", "--base-url", base_url, "--db", str(db),
                         "-s", f"ARCHIVER_NOW={FROZEN_NOW}")
    assert result.returncode in (0, 1), result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    with Archive(db).open(readonly=True) as archive:
        assert archive.schema_version == SCHEMA_VERSION
        assert archive.integrity_check() == ["ok"]
        runs = archive.runs(limit=10)
        assert len(runs) == counts["crawl_runs"] + 1
        assert runs[0]["finish_reason"] == "finished"
        totals = archive.stats()["totals"]
        assert isinstance(totals, dict)
        assert totals["articles"] >= counts["articles"]


WEEKLY_COLUMNS = ("trend", "period_start", "period_end", "period_raw", "author", "author_raw",
                  "published_precision", "image_caption")


@pytest.mark.parametrize("version", range(1, 9))  # the archives migration 9 applies to
def test_migration_9_maps_colours_fills_article_urls_and_adds_the_weekly_columns(
    version: int, tmp_path: Path
) -> None:
    db = old_archive(version, tmp_path)
    with read_only(db) as conn:
        before = conn.execute(
            "SELECT url, id, trend_status, trend_status_raw, first_seen_at, last_seen_at "
            "FROM articles ORDER BY id"
        ).fetchall()
        page_urls = {str(row[0]) for row in conn.execute(
            "SELECT p.url FROM pages AS p JOIN articles AS a ON a.page_id = p.id"
        )}
    conn.close()
    assert any(status in ("green", "red") for _, _, status, _, _, _ in before)
    with Archive(db) as archive:
        for table in ("articles", "article_revisions"):
            columns = {row[1] for row in archive.db.execute(f"PRAGMA table_info({table})")}
            assert set(WEEKLY_COLUMNS) | {"trend_status_raw"} <= columns
        after = {row[0]: row[1:] for row in archive.db.execute(
            "SELECT id, trend_status, trend_status_raw, trend, period_start FROM articles"
        )}
        for _url, article_id, status, raw, _first, _last in before:
            expected = {"green": "better", "red": "worse"}.get(status)
            assert after[article_id][0] == expected, status
            assert after[article_id][1] == (raw if raw is not None else status)
            assert after[article_id][2:] == (None, None)
        urls = {str(row[0]): (int(row[1]), row[2], row[3]) for row in archive.db.execute(
            "SELECT url, article_id, first_seen_at, last_seen_at FROM article_urls"
        )}
        for url, article_id, _status, _raw, first, last in before:
            assert urls[url] == (article_id, first, last)
        assert set(urls) == {url for url, *_ in before} | page_urls
        # content_hash is recomputed over the schema-9 fields: a re-crawl finds an unchanged page
        for digest, *values in archive.db.execute(
            f"SELECT content_hash, {', '.join(HASH_FIELDS)} FROM articles"
        ):
            assert digest == hash_values(*values)
        assert archive.db.execute("SELECT count(*) FROM status_by_week").fetchone()[0] == 0
        # the precision of what the pages stated ("November 07, 2016 10:41": minutes)
        precisions = dict(archive.db.execute(
            "SELECT published_precision, count(*) FROM articles WHERE published_at IS NOT NULL "
            "GROUP BY 1"
        ).fetchall())
        dated = archive.db.execute(
            "SELECT count(*) FROM articles WHERE published_at IS NOT NULL"
        ).fetchone()[0]
        assert precisions == {"minute": dated}
        months = archive.articles_by_month()
        assert sum(m.articles for m in months) == len(
            [row for row in before if row[0]]
        ) - archive.db.execute(
            "SELECT count(*) FROM articles WHERE published_at IS NULL AND period_start IS NULL"
        ).fetchone()[0]


def test_migration_9_keeps_a_bare_date_on_its_day(tmp_path: Path) -> None:
    db = old_archive(8, tmp_path)  # the newest archive migration 9 applies to
    with sqlite3.connect(db) as conn:
        article_id = conn.execute("SELECT min(id) FROM articles").fetchone()[0]
        conn.execute(  # what the old code made of a page stating only "1 December 2019"
            "UPDATE articles SET published_raw = '1 December 2019', "
            "published_at = '2019-11-30T21:00:00Z', published_local = '2019-12-01T00:00:00+03:00' "
            "WHERE id = ?",
            (article_id,),
        )
    conn.close()
    with Archive(db) as archive:
        row = archive.db.execute(
            "SELECT published_precision, published_at FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        assert row == ("day", "2019-11-30T21:00:00Z")  # kept as stored, read as its day
        assert "2019-12" in {m.month for m in archive.articles_by_month()}
        assert "2019-11" not in {m.month for m in archive.articles_by_month()}
        exported = archive.iter_articles(
            since="2019-12-01T00:00:00Z", until="2019-12-02T00:00:00Z", fields=("id",)
        )
        assert list(exported) == [{"id": article_id}]
