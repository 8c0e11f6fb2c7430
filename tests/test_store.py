"""archiver.store: migrations, upserts, revisions, pages, rejects, runs, FTS, errors."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver import store
from archiver.errors import (
    ArchiveCorruptError,
    ArchiveError,
    ArchiveLockedError,
    ArchiveReadOnlyError,
    SchemaTooNewError,
    SearchQueryError,
)
from archiver.items import NotModified, RelatedLink
from archiver.store import SCHEMA_VERSION, Archive, content_hash
from tests.factories import BASE, T1, T2, T3, make_item, make_page


def link(slug: str, position: int = 1, kind: str = "similar", title: str = "") -> RelatedLink:
    return RelatedLink(f"{BASE}/politics/{slug}", title or f"Title {slug}", position, kind)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "archive.db"


@pytest.fixture
def archive(db_path: Path) -> Iterator[Archive]:
    with Archive(db_path) as opened:
        yield opened


def count(archive: Archive, table: str) -> int:
    return int(archive.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def counts(archive: Archive) -> dict[str, int]:
    tables = ("articles", "related_links", "article_revisions", "pages", "rejects", "crawl_runs")
    return {name: count(archive, name) for name in tables}


def urls_matching(archive: Archive, query: str) -> list[str]:
    return [str(hit["url"]) for hit in archive.search(query)]


SCHEMA_SQL = "SELECT sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
VIEWS = (
    "related_articles", "articles_by_month", "articles_by_category", "image_credits", "link_graph",
    "status_by_week", "status_by_trend_month", "monitoring_issues", "issue_links",
    "article_credits", "articles_list",  # schema 10
)


def make_version(path: Path, version: int) -> None:
    """Set ``PRAGMA user_version`` of an existing archive file, outside the Archive class."""
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version:d}")
    conn.commit()
    conn.close()


# --- opening, migrations, errors --------------------------------------------------------------
def test_init_stores_the_path_only(db_path: Path) -> None:
    archive = Archive(db_path)
    assert not db_path.exists()
    assert not db_path.parent.exists()
    with pytest.raises(ArchiveError, match="not open"):
        _ = archive.db


def test_open_creates_directory_schema_and_pragmas(archive: Archive, db_path: Path) -> None:
    assert db_path.is_file()
    db = archive.db
    assert set(db.table_names()) >= {
        "articles", "related_links", "article_revisions", "pages", "crawl_runs", "rejects",
        "articles_fts",
    }
    assert sorted(db.view_names()) == sorted(VIEWS)
    assert archive.schema_version == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    indexes = {row[0]: row[1] for row in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    )}
    assert "ON articles (published_at)" in indexes["idx_articles_published_at"]
    assert "ON articles (category)" in indexes["idx_articles_category"]
    assert "ON related_links (target_url)" in indexes["idx_related_links_target_url"]
    assert "ON pages (url, sha256)" in indexes["idx_pages_url_sha256"]
    triggers = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert triggers == {"articles_ai", "articles_ad", "articles_au"}
    assert db["articles"].detect_fts() == "articles_fts"  # type: ignore[union-attr]
    related = {c.name for c in db["related_articles"].columns}
    assert related >= {
        "source_id", "source_title", "target_url", "target_id", "target_title", "kind", "position",
    }


def test_reopening_keeps_data_and_changes_no_schema(db_path: Path) -> None:
    with Archive(db_path) as archive:
        archive.store_items([make_item("a")], run_id=None, seen_at=T1)
        schema = archive.db.execute(SCHEMA_SQL).fetchall()
    with Archive(db_path) as archive:
        assert archive.known_urls() == {f"{BASE}/politics/a"}
        assert archive.db.execute(SCHEMA_SQL).fetchall() == schema
        assert urls_matching(archive, "analysis") == [f"{BASE}/politics/a"]


def test_migrating_from_version_1_keeps_rows_and_indexes_them(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    for statement in store.MIGRATIONS[0].statements:
        conn.execute(statement)
    conn.execute(
        "INSERT INTO articles (url, title, lead, body, content_hash, first_seen_at, "
        "last_seen_at, updated_at) VALUES (?, 'Old title', '', 'Lukashenka spoke', 'x', ?, ?, ?)",
        (f"{BASE}/old", T1, T1, T1),
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Archive(db_path) as archive:
        assert archive.schema_version == SCHEMA_VERSION
        assert urls_matching(archive, "lukashenka") == [f"{BASE}/old"]
        assert sorted(archive.db.view_names()) == sorted(VIEWS)


def test_newer_schema_raises_and_leaves_file_untouched(db_path: Path) -> None:
    with Archive(db_path) as archive:
        archive.store_items([make_item("a")], run_id=None, seen_at=T1)
    make_version(db_path, SCHEMA_VERSION + 1)
    before = db_path.read_bytes()
    for readonly in (False, True):
        with pytest.raises(SchemaTooNewError, match="newer"):
            Archive(db_path).open(readonly=readonly)
    assert db_path.read_bytes() == before


def test_not_a_database_raises_and_leaves_file_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not a database\n" * 200)
    before = db_path.read_bytes()
    for readonly in (False, True):
        with pytest.raises(ArchiveCorruptError, match="not an archive") as info:
            Archive(db_path).open(readonly=readonly)
        assert "\n" not in str(info.value)
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["archive.db"]


def test_another_programs_database_is_refused_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(ArchiveCorruptError, match="not an archive"):
        Archive(db_path).open()
    assert db_path.read_bytes() == before


def test_read_only_file_when_writing_is_needed(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Archive(db_path):
        pass
    before = db_path.read_bytes()
    monkeypatch.setattr(store.connection, "_writable", lambda path: False)
    with pytest.raises(ArchiveReadOnlyError, match="read-only"):
        Archive(db_path).open()
    assert db_path.read_bytes() == before
    with Archive(db_path).open(readonly=True) as archive:  # reading needs no write access
        assert archive.known_urls() == set()


def test_readonly_open_refuses_writes_and_missing_files(db_path: Path, tmp_path: Path) -> None:
    with Archive(db_path) as archive:
        archive.store_items([make_item("a")], run_id=None, seen_at=T1)
    with Archive(db_path).open(readonly=True) as archive:
        assert archive.get_article(f"{BASE}/politics/a") is not None
        with pytest.raises(ArchiveReadOnlyError):
            archive.store_items([make_item("b")], run_id=None, seen_at=T1)
        with pytest.raises(ArchiveReadOnlyError):
            archive.start_run(mode="full", started_at=T1)
    missing = tmp_path / "none.db"
    with pytest.raises(ArchiveError, match="no archive"):
        Archive(missing).open(readonly=True)
    assert not missing.exists()


def left_mid_write(db_path: Path, copy: Path) -> None:
    """Make ``copy`` what a writer killed mid-transaction leaves: ``db_path`` (an archive, put in
    rollback-journal mode) with part of an uncommitted write in the file and a hot journal beside
    it (the files are copied while the transaction, spilled to disk by a tiny cache, is open)."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA cache_size = 2")
        conn.execute("BEGIN")
        conn.execute("DELETE FROM articles")
        conn.execute("CREATE TABLE ballast (x)")
        conn.executemany("INSERT INTO ballast VALUES (?)", [("x" * 1000,)] * 200)
        journal = db_path.with_name(db_path.name + "-journal")
        assert journal.stat().st_size > 0
        copy.write_bytes(db_path.read_bytes())
        copy.with_name(copy.name + "-journal").write_bytes(journal.read_bytes())
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def test_a_read_only_open_after_a_killed_write_reads_the_last_commit(
    db_path: Path, tmp_path: Path
) -> None:
    with Archive(db_path) as archive:
        archive.store_items([make_item("a"), make_item("b")], run_id=None, seen_at=T1)
    copy = tmp_path / "killed.db"
    left_mid_write(db_path, copy)
    plain = sqlite3.connect(copy.resolve().as_uri() + "?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError):  # what SQLite alone says: "readonly database"
        plain.execute("SELECT count(*) FROM articles").fetchone()
    plain.close()
    with Archive(copy).open(readonly=True) as archive:
        assert count(archive, "articles") == 2
    assert not copy.with_name(copy.name + "-journal").exists()


def test_a_killed_write_that_this_user_may_not_undo_is_one_clear_error(
    db_path: Path, tmp_path: Path
) -> None:
    with Archive(db_path) as archive:
        archive.store_items([make_item("a")], run_id=None, seen_at=T1)
    copy = tmp_path / "killed.db"
    left_mid_write(db_path, copy)
    before = copy.read_bytes()
    copy.chmod(0o444)
    with pytest.raises(ArchiveReadOnlyError, match="left mid-write by a process that was stopped"):
        Archive(copy).open(readonly=True)
    assert copy.read_bytes() == before
    assert copy.with_name(copy.name + "-journal").exists()


def test_locked_archive_raises_after_the_busy_timeout(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store.connection, "BUSY_TIMEOUT_MS", 50)
    with Archive(db_path) as archive:
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(ArchiveLockedError, match="locked"):
                archive.store_items([make_item("a")], run_id=None, seen_at=T1)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert archive.store_items([make_item("a")], run_id=None, seen_at=T1) == ["new"]


def test_context_manager_opens_and_closes(db_path: Path) -> None:
    archive = Archive(db_path)
    with archive as opened:
        assert opened is archive
        assert opened.integrity_check() == ["ok"]
    with pytest.raises(ArchiveError, match="not open"):
        _ = archive.db
    archive.close()  # closing twice is harmless
    assert Archive(db_path).open().open().schema_version == SCHEMA_VERSION


# --- articles: new, unchanged, updated --------------------------------------------------------
def test_new_unchanged_updated_outcomes_and_revision(archive: Archive) -> None:
    url = f"{BASE}/politics/a"
    assert archive.store_items([make_item("a")], run_id=None, seen_at=T1) == ["new"]
    first = archive.get_article(url)
    assert first is not None
    assert (first["revision"], first["first_seen_at"], first["last_seen_at"]) == (1, T1, T1)
    assert first["updated_at"] == T1
    assert first["content_hash"] == content_hash(make_item("a"))
    assert json.loads(str(first["field_sources"])) == {"title": "selector", "published": "meta"}

    assert archive.store_items([make_item("a")], run_id=None, seen_at=T2) == ["unchanged"]
    same = archive.get_article(url)
    assert same is not None
    assert (same["revision"], same["updated_at"], same["last_seen_at"]) == (1, T1, T2)
    assert count(archive, "article_revisions") == 0

    changed = make_item("a", title="Title a (corrected)", body="A new body " * 10)
    outcomes = archive.store_items(
        [changed, make_item("b")], run_id=None, seen_at=T3
    )
    assert outcomes == ["updated", "new"]
    now = archive.get_article(url)
    assert now is not None
    assert (now["revision"], now["title"], now["updated_at"]) == (2, "Title a (corrected)", T3)
    assert (now["first_seen_at"], now["last_seen_at"]) == (T1, T3)
    revisions = list(archive.db.query("SELECT * FROM article_revisions"))
    assert len(revisions) == 1
    old = revisions[0]
    assert (old["article_id"], old["revision"], old["title"]) == (now["id"], 1, "Title a")
    assert old["body"] == make_item("a").body
    assert (old["valid_from"], old["replaced_at"]) == (T1, T3)
    assert old["content_hash"] == first["content_hash"]


def test_storing_the_same_batch_twice_adds_no_rows(archive: Archive) -> None:
    run_id = archive.start_run(mode="full", started_at=T1)
    rejected = make_item("r", reject_reasons=["no title"])
    batch = [make_item("a", related=[link("b"), link("c", 2)]), make_item("b"), rejected]
    assert archive.store_items(batch, run_id=run_id, seen_at=T1) == ["new", "new", "rejected"]
    before = counts(archive)
    assert before["pages"] == 3
    assert before["related_links"] == 2
    outcomes = archive.store_items(batch, run_id=run_id, seen_at=T2)
    assert outcomes == ["unchanged", "unchanged", "rejected"]
    assert counts(archive) == before


def test_a_failing_batch_stores_nothing(archive: Archive) -> None:
    batch = [make_item("a"), make_item("b", reject_reasons=["no title"])]
    with pytest.raises(ArchiveError):
        archive.store_items(batch, run_id=999, seen_at=T1)  # no such run: foreign key fails
    assert counts(archive) == dict.fromkeys(counts(archive), 0)
    assert urls_matching(archive, "analysis") == []


def test_content_hash_covers_the_content_fields_only() -> None:
    item = make_item("a")
    assert content_hash(item) == content_hash(make_item("a"))
    assert len(content_hash(item)) == 64
    assert content_hash(make_item("a", category=None)) == content_hash(make_item("a", category=""))
    for name in store.HASH_FIELDS:
        assert content_hash(make_item("a", **{name: "different"})) != content_hash(item), name
    assert content_hash(make_item("a", published_raw="other", template="x")) == content_hash(item)


# --- full-text search -------------------------------------------------------------------------
def test_fts_follows_inserts_updates_and_deletes(archive: Archive) -> None:
    archive.store_items([make_item("a", body="Zubr bison in Belovezhskaya " * 5)],
                        run_id=None, seen_at=T1)
    assert urls_matching(archive, "bison") == [f"{BASE}/politics/a"]
    archive.store_items([make_item("a", body="Potash exports grew " * 5)], run_id=None, seen_at=T2)
    assert urls_matching(archive, "bison") == []
    assert urls_matching(archive, "potash") == [f"{BASE}/politics/a"]
    archive.store_items([make_item("a", body="Potash exports grew " * 5)], run_id=None, seen_at=T3)
    assert urls_matching(archive, "potash") == [f"{BASE}/politics/a"]
    with archive.db.conn:
        archive.db.execute("DELETE FROM articles WHERE url = ?", (f"{BASE}/politics/a",))
    assert urls_matching(archive, "potash") == []
    with archive.db.conn:  # FTS5 compares its index with the content table
        archive.db.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")


def test_search_ranks_title_matches_first_with_snippets(archive: Archive) -> None:
    body_only = make_item("body", body="Economy " * 5 + "a word about sanctions. " + "tail " * 30)
    in_title = make_item("title", title="Sanctions and the economy")
    archive.store_items([body_only, in_title, make_item("other")], run_id=None, seen_at=T1)
    hits = archive.search("sanctions")
    assert [hit["url"] for hit in hits] == [in_title.url, body_only.url]
    assert "[" in str(hits[1]["snippet"])
    assert "[sanctions]" in str(hits[1]["snippet"])
    assert float(str(hits[0]["rank"])) < float(str(hits[1]["rank"]))
    assert set(hits[0]) >= {"id", "url", "title", "published_at", "category", "snippet", "rank"}
    assert len(archive.search("analysis", limit=2)) == 2


@pytest.mark.parametrize("query", ['"unterminated', "AND", "nosuchcolumn:word", "(a OR", "   "])
def test_malformed_search_raises_search_query_error(archive: Archive, query: str) -> None:
    archive.store_items([make_item("a")], run_id=None, seen_at=T1)
    with pytest.raises(SearchQueryError) as info:
        archive.search(query, raw=True)  # as FTS5 syntax (plain words would be quoted)
    assert isinstance(info.value, ValueError)
    assert "\n" not in str(info.value)


# --- related links ----------------------------------------------------------------------------
def test_related_articles_resolve_once_the_target_is_stored(archive: Archive) -> None:
    source = make_item("a", related=[link("b", 1), link("c", 2), link("b", 1, "inline")])
    archive.store_items([source], run_id=None, seen_at=T1)
    rows = list(archive.db.query("SELECT * FROM related_articles ORDER BY kind, position"))
    assert [(r["target_url"], r["kind"], r["target_id"]) for r in rows] == [
        (f"{BASE}/politics/b", "inline", None),
        (f"{BASE}/politics/b", "similar", None),
        (f"{BASE}/politics/c", "similar", None),
    ]
    assert {r["source_title"] for r in rows} == {"Title a"}
    archive.store_items([make_item("b")], run_id=None, seen_at=T2)
    b = archive.get_article(f"{BASE}/politics/b")
    assert b is not None
    resolved = list(archive.db.query(
        "SELECT target_id, target_title FROM related_articles WHERE target_url = ?",
        (f"{BASE}/politics/b",),
    ))
    assert resolved == [{"target_id": b["id"], "target_title": "Title b"}] * 2
    assert archive.stats()["totals"] == {
        "articles": 2, "revisions": 0, "related_links": 3, "resolved_links": 2, "pages": 2,
        "rejects": 0, "runs": 0,
    }


def test_links_update_when_seen_and_keep_their_date_when_gone(archive: Archive) -> None:
    archive.store_items([make_item("a", related=[link("b", 1), link("c", 2)])],
                        run_id=None, seen_at=T1)
    archive.store_items([make_item("a", related=[link("c", 1, title="C renamed")])],
                        run_id=None, seen_at=T2)
    article = archive.get_article(f"{BASE}/politics/a")
    assert article is not None
    links = {str(r["target_url"]).rsplit("/", 1)[1]: r for r in article["related"]}  # type: ignore[attr-defined]
    assert (links["b"]["position"], links["b"]["last_seen_at"]) == (1, T1)
    assert (links["c"]["position"], links["c"]["title"]) == (1, "C renamed")
    assert (links["c"]["first_seen_at"], links["c"]["last_seen_at"]) == (T1, T2)


def test_deleting_an_article_cascades_to_links_and_revisions(archive: Archive) -> None:
    archive.store_items([make_item("a", related=[link("b")])], run_id=None, seen_at=T1)
    archive.store_items([make_item("a", body="changed " * 30, related=[link("b")])], run_id=None, seen_at=T2)
    assert (count(archive, "related_links"), count(archive, "article_revisions")) == (1, 1)
    with archive.db.conn:
        archive.db.execute("DELETE FROM articles")
    assert (count(archive, "related_links"), count(archive, "article_revisions")) == (0, 0)


def test_links_follow_the_current_version_and_revisions_keep_theirs(archive: Archive) -> None:
    archive.store_items([make_item("a", related=[link("b", 1), link("c", 2)])], run_id=None, seen_at=T1)
    edited = make_item("a", body="edited " * 30, related=[link("c", 1), link("d", 2, kind="inline")])
    assert archive.store_items([edited], run_id=None, seen_at=T2) == ["updated"]
    article = archive.get_article(f"{BASE}/politics/a")
    assert article is not None
    current = sorted((str(r["target_url"]).rsplit("/", 1)[1], r["kind"], r["position"])
                     for r in article["related"])  # type: ignore[attr-defined]
    assert current == [("c", "similar", 1), ("d", "inline", 2)]
    revision = archive.db.execute("SELECT revision, related FROM article_revisions").fetchone()
    assert revision[0] == 1
    assert [(r["target_url"].rsplit("/", 1)[1], r["position"]) for r in json.loads(revision[1])] == [
        ("b", 1), ("c", 2),
    ]


def test_http_validators_are_kept_and_not_modified_only_touches(archive: Archive) -> None:
    page = replace(make_page(f"{BASE}/politics/a", fetched_at=T1),
                   headers={"etag": ['"v1"'], "Last-Modified": ["Mon, 07 Nov 2016 07:41:00 GMT"]})
    archive.store_items([make_item("a", page=page)], run_id=None, seen_at=T1)
    state = archive.crawl_state()[f"{BASE}/politics/a"]
    assert (state.etag, state.last_modified, state.last_seen_at) == (
        '"v1"', "Mon, 07 Nov 2016 07:41:00 GMT", T1,
    )
    before = counts(archive)
    outcome = archive.store_items([NotModified(f"{BASE}/politics/a", T2)], run_id=None, seen_at=T2)
    assert outcome == ["unchanged"]
    assert counts(archive) == before
    assert archive.crawl_state()[f"{BASE}/politics/a"].last_seen_at == T2


def test_resume_point_committed_since_and_retry_urls(archive: Archive) -> None:
    assert archive.resume_point() is None
    done = archive.start_run(mode="full", started_at=T1)
    archive.finish_run(done, finished_at=T1, counts={}, finish_reason="finished", exit_code=0)
    killed = archive.start_run(mode="full", started_at=T2)
    archive.store_items([make_item("a"), make_item("r", reject_reasons=["no title"])],
                        run_id=killed, seen_at=T2)
    archive.record_failure(f"{BASE}/politics/f", "HTTP 503", run_id=killed, at=T2)
    assert archive.resume_point() == T2
    again = archive.start_run(mode="resume", started_at=T3)  # stopped by SIGTERM
    archive.finish_run(again, finished_at=T3, counts={}, finish_reason="shutdown", exit_code=1)
    assert archive.resume_point() == T2
    assert archive.committed_since(T2) == {f"{BASE}/politics/a", f"{BASE}/politics/r"}
    # the failed fetch and the invalid page are both fetched again by the next run
    assert archive.retry_urls(since=T1) == [f"{BASE}/politics/f", f"{BASE}/politics/r"]
    last = archive.start_run(mode="resume", started_at=T3)
    archive.store_items([make_item("f"), make_item("r")], run_id=last, seen_at=T3)
    assert archive.retry_urls(since=T1) == []
    archive.finish_run(last, finished_at=T3, counts={}, finish_reason="finished", exit_code=0)
    assert archive.resume_point() is None


# --- pages and rejects ------------------------------------------------------------------------
def test_rejects_keep_the_raw_page(archive: Archive) -> None:
    run_id = archive.start_run(mode="full", started_at=T1)
    raw = b"<html><p>too short</p>\xff\xfe not utf-8</html>"
    item = make_item("short", page=make_page(f"{BASE}/politics/short", body=raw),
                     reject_reasons=["no title", "body too short (3 words, at least 20)"])
    assert archive.store_items([item], run_id=run_id, seen_at=T1) == ["rejected"]
    assert archive.known_urls() == set()
    rows = list(archive.db.query("SELECT * FROM rejects"))
    assert len(rows) == 1
    reject = rows[0]
    assert reject["reason"] == "no title; body too short (3 words, at least 20)"
    assert (reject["url"], reject["run_id"], reject["rejected_at"]) == (item.url, run_id, T1)
    page = archive.db.execute("SELECT body, encoding FROM pages WHERE id = ?",
                              (reject["page_id"],)).fetchone()
    assert page[1] == "zlib"
    assert zlib.decompress(page[0]) == raw
    # the same url rejected again in a later run is a new row
    later = archive.start_run(mode="incremental", started_at=T2)
    archive.store_items([item], run_id=later, seen_at=T2)
    assert count(archive, "rejects") == 2


def test_record_failure_is_a_reject_without_page(archive: Archive) -> None:
    run_id = archive.start_run(mode="full", started_at=T1)
    for _ in range(2):
        archive.record_failure(f"{BASE}/x", "HTTP 503", run_id=run_id, at=T2)
    rows = list(archive.db.query("SELECT url, reason, kind, page_id, run_id FROM rejects"))
    assert rows == [{"url": f"{BASE}/x", "reason": "HTTP 503", "kind": "failed",
                     "page_id": None, "run_id": run_id}]


def test_pages_dedup_on_url_and_sha256_and_keep_each_version(archive: Archive) -> None:
    url = f"{BASE}/politics/a"
    archive.store_items([make_item("a", page=make_page(url, fetched_at=T1))],
                        run_id=None, seen_at=T1)
    archive.store_items([make_item("a", page=make_page(url, fetched_at=T2))],
                        run_id=None, seen_at=T2)
    rows = list(archive.db.query("SELECT * FROM pages"))
    assert len(rows) == 1
    assert (rows[0]["first_fetched_at"], rows[0]["fetched_at"]) == (T1, T2)
    changed = make_page(url, body=b"<html>new bytes</html>", fetched_at=T3)
    archive.store_items([make_item("a", page=changed)], run_id=None, seen_at=T3)
    versions = list(archive.db.query("SELECT id, sha256, fetched_at FROM pages ORDER BY id"))
    assert len(versions) == 2
    assert versions[1]["fetched_at"] == T3
    article = archive.get_article(url)
    assert article is not None
    assert (article["page_id"], article["page_sha256"]) == (versions[1]["id"], versions[1]["sha256"])
    assert article["revision"] == 1  # same content from new bytes: unchanged


def test_iter_pages_round_trips_bodies_byte_for_byte(archive: Archive) -> None:
    bodies = [bytes(range(256)) * 40, b"", "Мінск ✓ 🇧🇾".encode() + b"\x00\x1f\x8b"]
    items = [
        make_item(f"p{i}", page=make_page(f"{BASE}/politics/p{i}", body=body))
        for i, body in enumerate(bodies)
    ]
    archive.store_items(items, run_id=None, seen_at=T1)
    newer = make_page(f"{BASE}/politics/p0", body=b"version 2", fetched_at=T2)
    archive.store_items([make_item("p0", page=newer)], run_id=None, seen_at=T2)
    pages = list(archive.iter_pages(batch=2))
    assert [p.body for p in pages] == [*bodies, b"version 2"]
    assert pages[0] == items[0].page
    assert pages[0].headers == {"Content-Type": ["text/html; charset=utf-8"],
                                "Set-Cookie": ["a=1", "b=2"]}
    stored = archive.db.execute("SELECT body, size FROM pages WHERE id = 1").fetchone()
    assert len(stored[0]) < len(bodies[0]) == stored[1]  # compressed on disk
    latest = list(archive.iter_pages(latest_only=True))
    assert sorted(p.body for p in latest) == sorted([*bodies[1:], b"version 2"])


# --- runs -------------------------------------------------------------------------------------
def test_crawl_runs_start_and_finish(archive: Archive) -> None:
    first = archive.start_run(mode="full", started_at=T1, base_url="http://127.0.0.1:8080")
    second = archive.start_run(mode="incremental", started_at=T2)
    runs = archive.runs()
    assert [r["id"] for r in runs] == [second, first]
    assert runs[1]["finished_at"] is None
    assert (runs[1]["base_url"], runs[1]["timezone"]) == ("http://127.0.0.1:8080", "Europe/Minsk")
    archive.finish_run(
        first, finished_at=T2, finish_reason="finished", exit_code=1,
        counts={"requests": 12, "items_new": 3, "items_rejected": 1, "failures": 2},
        stats={"downloader/request_count": 12, "elapsed": 1.5},
    )
    done = archive.runs(limit=5)[1]
    assert (done["finished_at"], done["finish_reason"], done["exit_code"]) == (T2, "finished", 1)
    assert (done["requests"], done["items_new"], done["items_updated"]) == (12, 3, 0)
    assert (done["items_rejected"], done["failures"]) == (1, 2)
    assert done["stats"] == {"downloader/request_count": 12, "elapsed": 1.5}
    assert archive.runs(limit=1)[0]["finished_at"] is None
    with pytest.raises(ValueError, match="items_nwe"):
        archive.finish_run(first, finished_at=T2, finish_reason="x", exit_code=0,
                           counts={"items_nwe": 1})
    with pytest.raises(ArchiveError, match="no crawl run 99"):
        archive.finish_run(99, finished_at=T2, finish_reason="x", exit_code=0, counts={})


# --- hostile text -----------------------------------------------------------------------------
HOSTILE = (
    "It's \"quoted\" `back` '; DROP TABLE articles; -- \x00 NUL \u200f\u202eRTL\u202c "
    "emoji 🇧🇾👩🏽‍💻 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 Лукашэнка \\ % _ \t\r\n end"
)


def test_hostile_text_is_stored_and_read_back_exactly(archive: Archive) -> None:
    url = f"{BASE}/politics/x?q='; DROP TABLE pages; --"
    item = make_item(
        "x", title=HOSTILE, category=HOSTILE, trend_status=HOSTILE, lead=HOSTILE,
        body=HOSTILE + " hostileword", image_credit=HOSTILE, published_raw=HOSTILE,
        title_raw=HOSTILE, field_sources={HOSTILE: HOSTILE},
        related=[RelatedLink(HOSTILE, HOSTILE, 1, "inline")], reject_reasons=[],
    )
    item = replace(item, url=url, page=make_page(url, body=HOSTILE.encode()))
    assert archive.store_items([item], run_id=None, seen_at=T1) == ["new"]
    article = archive.get_article(url)
    assert article is not None
    for name in ("url", "title", "category", "trend_status", "lead", "body", "image_credit",
                 "published_raw", "title_raw"):
        assert article[name] == getattr(item, name), name
    assert json.loads(str(article["field_sources"])) == {HOSTILE: HOSTILE}
    assert article["related"][0]["target_url"] == HOSTILE  # type: ignore[index]
    assert article["related"][0]["title"] == HOSTILE  # type: ignore[index]
    assert next(archive.iter_pages()).body == HOSTILE.encode()
    assert urls_matching(archive, "hostileword") == [url]
    assert archive.known_urls() == {url}
    assert count(archive, "pages") == 1  # nothing was dropped
    rejected = replace(make_item("y"), reject_reasons=[HOSTILE, "x"])
    archive.store_items([rejected], run_id=None, seen_at=T1)
    assert archive.db.execute("SELECT reason FROM rejects").fetchone()[0] == f"{HOSTILE}; x"


@pytest.fixture(scope="module")
def shared_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    with Archive(tmp_path_factory.mktemp("prop") / "archive.db") as archive:
        yield archive


@settings(max_examples=60, deadline=None)
@given(text=st.text(st.characters(codec="utf-8"), min_size=1, max_size=200))
def test_any_text_round_trips(shared_archive: Archive, text: str) -> None:
    item = make_item("prop", title=text, body=text, lead=text, category=text)
    shared_archive.store_items([item], run_id=None, seen_at=T1)
    article = shared_archive.get_article(item.url)
    assert article is not None
    assert (article["title"], article["body"], article["lead"], article["category"]) == (
        text, text, text, text,
    )
    assert article["content_hash"] == content_hash(item)


# --- reading ----------------------------------------------------------------------------------
def test_stats_totals_dates_categories_credits_coverage(archive: Archive) -> None:
    items = [
        make_item("a", published_at="2015-01-01T00:00:00Z", image_credit="TUT.BY; Reuters"),
        make_item("b", published_at="2016-05-01T00:00:00Z", category="Economy"),
        make_item("c", published_at="2016-06-01T00:00:00Z", trend_status=None, image_credit=None,
                  related=[link("a")]),
    ]
    archive.store_items(items, run_id=None, seen_at=T1)
    archive.start_run(mode="full", started_at=T1)
    stats = archive.stats()
    assert stats["totals"] == {
        "articles": 3, "revisions": 0, "related_links": 1, "resolved_links": 1, "pages": 3,
        "rejects": 0, "runs": 1,
    }
    assert stats["published"] == {"first": "2015-01-01T00:00:00Z", "last": "2016-06-01T00:00:00Z"}
    assert stats["per_year"] == {"2015": 1, "2016": 2}
    assert stats["per_status"] == {"green": 2}
    assert stats["per_category"] == {"Politics": 2, "Economy": 1}
    assert stats["top_credits"] == {"TUT.BY": 2, "Reuters": 1}
    coverage = stats["field_coverage"]
    assert isinstance(coverage, dict)
    assert coverage["title"] == 1.0
    assert coverage["trend_status"] == pytest.approx(2 / 3)
    assert coverage["image_credit"] == pytest.approx(2 / 3)
    assert set(coverage) == set(store.COVERAGE_FIELDS)


def test_stats_of_an_empty_archive(archive: Archive) -> None:
    stats = archive.stats()
    assert stats["published"] == {"first": None, "last": None}
    assert stats["field_coverage"] == dict.fromkeys(store.COVERAGE_FIELDS, 0.0)


def test_get_article_known_urls_and_example_queries(archive: Archive) -> None:
    assert archive.get_article(f"{BASE}/politics/none") is None
    archive.store_items([make_item("a", related=[link("b")]), make_item("b", body="Minsk " * 30)],
                        run_id=None, seen_at=T1)
    assert archive.known_urls() == {f"{BASE}/politics/a", f"{BASE}/politics/b"}
    examples = archive.example_queries()
    assert [len(rows) for _, _, rows in examples] == [1, 1, 1]
    assert examples[1][2][0]["target_url"] == f"{BASE}/politics/b"
    assert examples[2][2][0]["title"] == "Title b"
    assert archive.integrity_check() == ["ok"]


def test_schema_doc_names_every_table_and_column(archive: Archive) -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "schema.md").read_text(encoding="utf-8")
    missing = [
        f"{table.name}.{column.name}"
        for table in archive.db.tables
        if not table.name.startswith("articles_fts")
        for column in table.columns
        if f"`{column.name}`" not in doc
    ]
    assert missing == []
    undocumented = [t.name for t in archive.db.tables if not t.name.startswith("articles_fts_")
                    and f"`{t.name}`" not in doc]  # FTS5's own shadow tables are not ours
    assert undocumented == []
    assert f"| {store.SCHEMA_VERSION} |" in doc
