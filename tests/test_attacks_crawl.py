"""Issue 17, crawl side: hostile answers from the site must never lose a page silently.

Each crawl runs against the replica with one attack mode on (archiver/replica/faults.py,
``ATTACKS`` and ``SITE_ATTACKS``): every page is archived or listed in the run's rejects with its
reason, and a run that lost a page exits 1.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archiver.replica import ReplicaServer, ReplicaSite
from archiver.replica.faults import BAD_LINK, FaultSpec
from archiver.store import Archive
from tests.conftest import FROZEN_NOW, Replica, run_cli

pytestmark = pytest.mark.e2e

SETTINGS = ("-s", f"ARCHIVER_NOW={FROZEN_NOW}", "-s", "DOWNLOAD_TIMEOUT=3", "-s", "RETRY_TIMES=2")


@pytest.fixture(scope="module")
def replica() -> Iterator[Replica]:
    site = ReplicaSite(30, seed=21)
    with ReplicaServer(site) as server:
        yield Replica(site, server)


def crawl(replica: Replica, db: Path, spec: str, *extra: str) -> tuple[int, str]:
    """A full crawl of ``replica`` into ``db`` with the faults of ``spec`` on (off afterwards)."""
    replica.server.faults = FaultSpec.parse(spec) if spec else None
    replica.server.clear_log()
    try:
        result = run_cli(
            "crawl", "--base-url", replica.base_url, "--db", str(db), "--full", *SETTINGS, *extra
        )
    finally:
        replica.server.faults = None
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result.returncode, result.stdout + result.stderr


def last_run(db: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The newest run's row and its rejects by URL."""
    with Archive(db).open(readonly=True) as archive:
        run = archive.runs(limit=1)[0]
        return run, {str(r["url"]): r for r in archive.run_rejects(int(run["id"]))}


def urls(db: Path) -> set[str]:
    with Archive(db).open(readonly=True) as archive:
        return {str(r[0]) for r in archive.db.execute("SELECT url FROM articles")}


def attacked(replica: Replica, mode: str) -> set[str]:
    return {replica.base_url + path for path, m in replica.server.fault_log if m == mode}


def every_article_accounted(replica: Replica, db: Path) -> None:
    _run, rejects = last_run(db)
    missing = set(replica.truth()) - urls(db) - set(rejects)
    assert not missing, f"lost silently: {sorted(missing)[:5]}"


@pytest.mark.parametrize(
    ("mode", "kind", "reason"),
    [
        ("json200", "invalid", "could not be read"),
        ("deepjson", "invalid", "RecursionError"),
        ("surrogate", "invalid", "could not be stored"),
        ("absurd_status", "failed", "invalid HTTP status"),
        ("cutclose", "failed", "page cut short"),
        ("offsite_redirect", "failed", "redirected off the site to http://localhost:"),
    ],
)
def test_a_page_that_cannot_be_archived_is_a_reject_with_its_reason(
    replica: Replica, tmp_path: Path, mode: str, kind: str, reason: str
) -> None:
    db = tmp_path / "a.db"
    code, out = crawl(replica, db, f"seed=3,{mode}=0.2")
    hit = attacked(replica, mode)
    assert hit, "the mode hit no page"
    run, rejects = last_run(db)
    assert code == 1, out[-2000:]
    assert run["finish_reason"] == "finished"
    assert run["exit_code"] == 1
    for url in hit:
        assert url in rejects, (url, out[-2000:])
        assert rejects[url]["kind"] == kind
        assert reason in str(rejects[url]["reason"]), rejects[url]
    assert not hit & urls(db)
    every_article_accounted(replica, db)
    # the rest of the run went on: every page not attacked is archived
    assert urls(db) == set(replica.truth()) - hit


def test_a_poisoned_item_does_not_block_the_store(replica: Replica, tmp_path: Path) -> None:
    """Issue 17.1: a lone surrogate in one item rejects that item; the batch's others are stored."""
    db = tmp_path / "a.db"
    code, _ = crawl(replica, db, "seed=3,surrogate=0.1", "-s", "ARCHIVER_BATCH_SIZE=50")
    hit = attacked(replica, "surrogate")
    run, _rejects = last_run(db)
    assert code == 1
    assert run["items_new"] == len(replica.truth()) - len(hit) > 0
    assert run["items_rejected"] == len(hit)
    with Archive(db).open(readonly=True) as archive:
        kept = archive.db.execute(
            "SELECT count(*) FROM rejects WHERE page_id IS NOT NULL AND reason LIKE ?",
            ("%UnicodeEncodeError%",),
        ).fetchone()[0]
    assert kept == len(hit)  # the raw page of each is kept


def test_malformed_links_are_skipped_and_counted(replica: Replica, tmp_path: Path) -> None:
    """Issue 17.2: ``http://[your-server]:8080/`` in bodies, sidebars, the listing, feed, sitemap."""
    db = tmp_path / "a.db"
    code, out = crawl(replica, db, "seed=3,badlink=1,badlinks=1")
    run, rejects = last_run(db)
    assert code == 0, out[-3000:]
    assert rejects == {}
    assert urls(db) == set(replica.truth())
    assert run["stats"]["archiver/bad_links"] >= 2 * len(replica.truth()) + 3
    assert not any(k.startswith("spider_exceptions") for k in run["stats"])


def test_an_unreachable_site_is_a_failed_run(tmp_path: Path) -> None:
    """Issue 17.3: nothing fetched is not "finished"; the start points are failures."""
    db = tmp_path / "a.db"
    result = run_cli("crawl", "--base-url", "http://127.0.0.1:1", "--db", str(db), *SETTINGS)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    run, rejects = last_run(db)
    assert run["finish_reason"] == "unreachable"
    assert run["failures"] >= 1
    assert "http://127.0.0.1:1/" in rejects
    assert "finish: unreachable" in result.stdout
    assert "0 failed" not in result.stdout


def test_feed_items_before_since_are_not_fetched(replica: Replica, tmp_path: Path) -> None:
    """Issue 17.7: ``--since 2099-01-01`` fetches no article (listings, sitemap and feed dated)."""
    db = tmp_path / "a.db"
    replica.server.clear_log()
    result = run_cli("crawl", "--base-url", replica.base_url, "--db", str(db), "--since",
                     "2099-01-01", *SETTINGS)
    paths = {a.path for a in replica.site.articles}
    fetched = [p for p in replica.server.request_log if p in paths]
    assert fetched == [], fetched[:5]
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_pager_trap_is_left_after_two_barren_pages(replica: Replica, tmp_path: Path) -> None:
    """Issue 17.12: a next link that always increments ends after 2 pages without new articles."""
    db = tmp_path / "a.db"
    code, out = crawl(replica, db, "pager_trap=1")
    trap = [p for p, m in replica.server.fault_log if m == "pager_trap"]
    assert 1 <= len(trap) <= 2, trap
    run, _ = last_run(db)
    assert code == 0, out[-2000:]
    assert run["stats"]["archiver/pager_stopped"] == 1
    assert urls(db) == set(replica.truth())
    # a second (resumed or incremental) run does not walk into it either
    crawl(replica, db, "pager_trap=1")
    assert len([p for p, m in replica.server.fault_log if m == "pager_trap"]) <= 2


def test_the_listing_depth_is_capped_by_a_setting(replica: Replica, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    crawl(replica, db, "pager_trap=1", "-s", "ARCHIVER_BARREN_PAGES=1000",
          "-s", "ARCHIVER_MAX_LISTING_PAGES=6")
    listing = [p for p in replica.server.request_log if p == "/" or p.startswith("/?page=")]
    assert len(listing) == 6, listing


def test_a_junk_retry_after_is_retried_normally(replica: Replica, tmp_path: Path) -> None:
    """Issue 15 (17.15): ``Retry-After: ²`` is no wait at all, not a failed page."""
    db = tmp_path / "a.db"
    code, out = crawl(replica, db, "seed=3,burst=1,retry_after_junk=0.3")
    assert attacked(replica, "retry_after_junk")
    assert code == 0, out[-2000:]
    assert urls(db) == set(replica.truth())


def test_a_huge_url_is_a_recorded_failure(replica: Replica, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    code, _ = crawl(replica, db, "longurl=1")
    _, rejects = last_run(db)
    long = [r for url, r in rejects.items() if len(url) > 100_000]
    assert code == 1
    assert len(long) == 1
    assert "URL too long" in str(long[0]["reason"])


def test_gzipped_and_entity_laden_sitemaps_are_read_whole(replica: Replica, tmp_path: Path) -> None:
    counts = {}
    for spec in ("", "sitemap_gz=1", "sitemap_entity=1", "sitemap_gz=1,sitemap_entity=1"):
        db = tmp_path / f"{len(counts)}.db"
        code, out = crawl(replica, db, spec)
        assert code == 0, out[-2000:]
        run, _ = last_run(db)
        counts[spec] = run["stats"].get("archiver/sitemap_entries")
    assert len(set(counts.values())) == 1, counts
    assert counts[""] >= len(replica.truth())


def test_the_attack_modes_are_served_as_described(replica: Replica) -> None:
    """The replica's attack answers themselves (what the crawl tests rely on)."""
    import urllib.request

    replica.server.faults = FaultSpec.parse("badlinks=1,sitemap_gz=1")
    try:
        with urllib.request.urlopen(replica.base_url + "/sitemap.xml") as answer:
            assert answer.headers["Content-Type"] == "application/x-gzip"
            xml = gzip.decompress(answer.read())
        assert b"<urlset" in xml or b"<sitemapindex" in xml
        with urllib.request.urlopen(replica.base_url + "/feed/") as answer:
            assert BAD_LINK.encode() in answer.read()
    finally:
        replica.server.faults = None
    assert FaultSpec.parse("badlinks=1,json200=0.5").as_text() == "json200=0.5,badlinks=1"
    assert json.loads(json.dumps({"x": 1})) == {"x": 1}
