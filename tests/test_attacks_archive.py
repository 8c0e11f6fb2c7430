"""Issue 17, archive and CLI side: each attack reproduced, then what the archiver does about it.

Unit tests and in-process CLI runs (CliRunner); the two demo runs crawl a 10-article replica in
a subprocess. No test measures wall-clock time: the time limit runs on an injected clock, or on
a short limit whose only assertion is the outcome.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import sqlite3
import tracemalloc
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver import cli as cli_module
from archiver.cli import cli
from archiver.errors import ArchiveCorruptError, ArchiveError, PageUnreadableError, QueryTimeoutError
from archiver.items import ArticleItem
from archiver.lock import RunLock, read_holder
from archiver.pages.site import site_address
from archiver.query import serve as serving
from archiver.query.export import open_output
from archiver.replica import ReplicaSite
from archiver.store import MAX_PAGE_BYTES, Archive, inflate
from tests.conftest import FROZEN_NOW, run_cli
from tests.factories import make_item

MIB = 1024 * 1024


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def invoke(*args: str) -> tuple[int, str, str]:
    """The CLI in this process: (exit code, stdout, stderr)."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def one_line_error(code: int, stderr: str) -> str:
    assert code == 2, stderr
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def archive_with(path: Path, *items: ArticleItem, base_url: str = "") -> Path:
    """An up-to-date archive at ``path`` holding ``items``, and one run of ``base_url``."""
    with Archive(path) as archive:
        if base_url:
            archive.start_run(mode="full", started_at="2026-11-28T10:00:00Z", base_url=base_url)
        if items:
            archive.store_items(list(items), run_id=None, seen_at=None)
    return path


@pytest.fixture
def archive_db(tmp_path: Path) -> Path:
    return archive_with(tmp_path / "archive.db", make_item("a"), make_item("b"),
                        base_url="https://belarusinfocus.info")


def zlib_bomb(inflated: int, chunk: int = MIB) -> bytes:
    """A zlib stream of ``inflated`` zero bytes, built without holding them (about 1/1000 the size)."""
    zipper = zlib.compressobj(9)
    zeros = bytes(chunk)
    parts = [zipper.compress(zeros) for _ in range(inflated // chunk)]
    return b"".join(parts) + zipper.flush()


def gzip_bomb(path: Path, inflated: int, chunk: int = MIB) -> Path:
    zeros = bytes(chunk)
    with gzip.open(path, "wb", compresslevel=9) as out:
        for _ in range(inflated // chunk):
            out.write(zeros)
    return path


# --- 10: the run lock and the export's temporary file never write through a symbolic link --
def test_lock_file_symlink_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    db = tmp_path / "archive.db"
    (tmp_path / "archive.db.lock").symlink_to(victim)
    with pytest.raises(ArchiveError, match="symbolic link"):
        RunLock(db).acquire()
    assert victim.read_text() == "precious\n"
    assert read_holder(db) is None  # the reader does not follow it either


def test_crawl_with_a_symlinked_lock_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    db = tmp_path / "archive.db"
    (tmp_path / "archive.db.lock").symlink_to(victim)
    code, _out, err = invoke("crawl", "--db", str(db), "--base-url", "http://127.0.0.1:9")
    assert "symbolic link" in one_line_error(code, err)
    assert victim.read_text() == "precious\n"
    assert not db.exists()


def test_lock_file_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    os.mkfifo(tmp_path / "archive.db.lock")
    with pytest.raises(ArchiveError, match="not a regular file"):
        RunLock(db).acquire()


def test_export_part_file_is_never_a_planted_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "out.csv"
    # the old name pattern was .NAME.PID.part: plant links under every PID-like name nearby
    for pid in (os.getpid(), os.getpid() + 1):
        (tmp_path / f".out.csv.{pid}.part").symlink_to(victim)
    with open_output(str(out)) as sink:
        sink.write(b"data\n")
    assert out.read_bytes() == b"data\n"
    assert not out.is_symlink()
    assert victim.read_text() == "precious\n"
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # the usual mode, not mkstemp's


def test_export_to_a_symlink_replaces_the_link_not_its_target(tmp_path: Path, archive_db: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "out.csv"
    out.symlink_to(victim)
    code, _out, err = invoke("export", "--db", str(archive_db), "-o", str(out))
    assert code == 0, err
    assert victim.read_text() == "precious\n"
    assert not out.is_symlink()
    assert out.read_text().startswith("id,url,title")


# --- 11: a foreign SQLite file is never converted, nor touched ------------------------------
def foreign_db(path: Path, version: int) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('mine')")
    conn.execute(f"PRAGMA user_version = {version:d}")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("version", [-1, 3, 1, 0])
def test_foreign_sqlite_file_is_refused_with_its_bytes_untouched(tmp_path: Path, version: int) -> None:
    db = foreign_db(tmp_path / "notes.db", version)
    before = sha256(db)
    code, _out, err = invoke("crawl", "--db", str(db), "--base-url", "http://127.0.0.1:9")
    assert "not an archive" in one_line_error(code, err)
    for args in (["stats"], ["search", "Minsk"], ["export"], ["reparse"]):
        code, _out, err = invoke(*args, "--db", str(db))
        assert "not an archive" in one_line_error(code, err), args
    assert sha256(db) == before
    assert not Path(f"{db}-wal").exists()
    assert not (tmp_path / "notes.db.lock").exists()  # refused before the lock file was made
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert tables == {"notes"}


def test_foreign_file_refused_by_the_store_before_any_write(tmp_path: Path) -> None:
    db = foreign_db(tmp_path / "notes.db", 3)
    before = sha256(db)
    with pytest.raises(ArchiveCorruptError, match="not an archive of schema version 3"):
        Archive(db).open()
    assert sha256(db) == before


def test_an_archive_with_objects_of_its_own_is_still_an_archive(archive_db: Path) -> None:
    with sqlite3.connect(archive_db) as conn:
        conn.execute("CREATE VIEW my_view AS SELECT id FROM articles")
        conn.execute("DROP TRIGGER articles_au")  # a bulk load may drop a trigger for a while
    with Archive(archive_db) as archive:
        assert archive.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 2


def test_zero_byte_db_names_the_command_that_creates_it(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    db.touch()
    code, _out, err = invoke("stats", "--db", str(db))
    assert f"archiver crawl --db {db}" in one_line_error(code, err)
    assert db.stat().st_size == 0


# --- 13: formulas in a CSV for spreadsheets ------------------------------------------------
FORMULAS = ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR")


def test_excel_csv_neutralises_formulas_and_plain_csv_keeps_values(tmp_path: Path) -> None:
    items = [make_item(f"f{i}", title=title) for i, title in enumerate(FORMULAS)]
    db = archive_with(tmp_path / "archive.db", *items)
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    assert invoke("export", "--db", str(db), "-o", str(plain))[0] == 0
    assert invoke("export", "--db", str(db), "--excel", "-o", str(excel))[0] == 0
    plain_text = plain.read_bytes().decode("utf-8")  # not read_text: it would turn CR into LF
    plain_titles = [row["title"] for row in csv.DictReader(io.StringIO(plain_text, newline=""))]
    text = excel.read_bytes().decode("utf-8-sig")
    excel_rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert plain_titles == list(FORMULAS)  # the reproduction: plain CSV holds the live formulas
    assert [row["title"] for row in excel_rows] == ["'" + title for title in FORMULAS]
    assert all(not row["title"].startswith(("=", "+", "-", "@", "\t", "\r")) for row in excel_rows)
    assert excel_rows[0]["url"].startswith("https://")  # other columns are as they were


# --- 14: untrusted archives: compression bombs and a view that never ends -------------------
def test_inflate_stops_at_the_cap_without_holding_the_bomb() -> None:
    bomb = zlib_bomb(256 * MIB)
    assert len(bomb) < MIB  # a quarter of a gigabyte in a few hundred kilobytes
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="inflates past"):
            inflate(bomb)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * MAX_PAGE_BYTES  # the cap and a copy, not the 256 MiB
    assert inflate(zlib.compress(b"x" * 100)) == b"x" * 100
    with pytest.raises(zlib.error):
        inflate(zlib.compress(b"x" * 100)[:-5])


def bombed(db: Path, url_part: str = "/a") -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE pages SET body = ? WHERE url LIKE ?", (zlib_bomb(64 * MIB), f"%{url_part}"))


def test_bomb_in_pages_is_left_out_of_the_warc_and_named(archive_db: Path, tmp_path: Path) -> None:
    bombed(archive_db)
    out = tmp_path / "pages.warc"
    code, _stdout, err = invoke("export", "--db", str(archive_db), "--format", "warc", "-o", str(out))
    assert code == 1, err
    assert "Traceback" not in err
    assert "left out: page 1 (https://belarusinfocus.info/politics/a) inflates past 8 MiB" in err
    assert "exported 1 page" in err
    data = out.read_bytes()
    assert b"/politics/b" in data
    assert b"/politics/a" not in data
    assert len(data) < MIB


def test_bomb_in_pages_fails_that_page_of_reparse(archive_db: Path) -> None:
    bombed(archive_db)
    code, out, err = invoke("reparse", "--db", str(archive_db), "--workers", "1")
    assert code == 1, err + out
    assert "Traceback" not in err + out
    assert "unreadable page (skipped): page 1" in out
    assert "1 unreadable (skipped)" in out


def test_page_readers_raise_without_a_handler(archive_db: Path) -> None:
    bombed(archive_db)
    with Archive(archive_db) as archive, pytest.raises(PageUnreadableError) as caught:
        list(archive.iter_pages())
    assert caught.value.page_id == 1


def test_extract_gzip_bomb_is_refused_and_other_files_still_run(tmp_path: Path) -> None:
    bomb = gzip_bomb(tmp_path / "page.html.gz", 64 * MIB)
    assert bomb.stat().st_size < MIB
    good = tmp_path / "good.html"
    good.write_text("<html><head><title>T</title></head><body><p>text</p></body></html>")
    notgz = tmp_path / "broken.html.gz"
    notgz.write_bytes(b"not gzip at all")
    code, out, err = invoke("extract", str(bomb), str(good), str(notgz), "--now", "2026-11-28T12:00:00Z")
    assert code == 2
    assert "Traceback" not in err
    assert f"{bomb}: larger than 8 MiB" in err
    assert f"{notgz}:" in err
    assert [json.loads(line)["file"] for line in out.splitlines()] == ["good.html"]


def looping_view(db: Path) -> None:
    """The attack: redefine a view that ``stats`` reads so that it never ends."""
    with sqlite3.connect(db) as conn:
        conn.execute("DROP VIEW image_credits")
        conn.execute(
            "CREATE VIEW image_credits AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL "
            "SELECT n + 1 FROM r) SELECT 'x' || n AS credit, n AS articles FROM r"
        )


class StepClock:
    """A clock that moves one second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_a_looping_view_is_stopped_by_the_time_limit_on_an_injected_clock(archive_db: Path) -> None:
    looping_view(archive_db)
    clock = StepClock()
    with Archive(archive_db, time_limit=30, clock=clock).open(readonly=True) as archive:
        with pytest.raises(sqlite3.OperationalError, match="interrupted"):
            archive.stats()
        assert archive.timed_out
        assert isinstance(archive.timeout_error(), QueryTimeoutError)
        assert clock.now > 30
        assert archive.runs()  # the next call starts afresh
        assert not archive.timed_out


def test_stats_on_a_looping_view_ends_with_one_line(archive_db: Path) -> None:
    looping_view(archive_db)
    code, _out, err = invoke("stats", "--db", str(archive_db), "--time-limit", "0.2")
    line = one_line_error(code, err)
    assert "time limit of 0.2 s" in line
    assert "--time-limit" in line


def test_time_limit_has_a_default_and_an_environment_variable() -> None:
    result = CliRunner().invoke(cli, ["stats", "--help"])
    assert "--time-limit SECONDS" in result.output
    assert "60" in result.output
    assert cli_module.DEFAULT_TIME_LIMIT_S == 60


# --- 15: unbounded searches, a public server ------------------------------------------------
def test_search_with_thousands_of_or_terms_is_refused(archive_db: Path) -> None:
    query = " OR ".join(f"word{i}" for i in range(3000))
    code, _out, err = invoke("search", query, "--db", str(archive_db))
    assert "too long" in one_line_error(code, err)
    query = " OR ".join(f"w{i}" for i in range(65))  # under 1,000 characters, 65 terms
    assert len(query) < 1000
    code, _out, err = invoke("search", query, "--db", str(archive_db))
    assert "too many terms: 65 (at most 64)" in one_line_error(code, err)
    code, out, err = invoke("search", " OR ".join(["analysis"] * 64), "--db", str(archive_db))
    assert code == 0, err
    assert "politics/a" in out


@pytest.fixture
def fake_datasette(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    served: list[str] = []
    monkeypatch.setattr(serving, "datasette_installed", lambda: True)
    monkeypatch.setattr(serving, "check_address", lambda host, port: None)
    monkeypatch.setattr(serving, "serve", lambda path, *, host, port: served.append(host))
    return served


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "example.org"])  # noqa: S104
def test_serve_on_a_public_address_warns(archive_db: Path, fake_datasette: list[str], host: str) -> None:
    code, _out, err = invoke("serve", "--db", str(archive_db), "--host", host)
    assert code == 0, err
    assert fake_datasette == [host]
    assert f"warning: --host {host} is not a loopback address" in err


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_serve_on_loopback_does_not_warn(archive_db: Path, fake_datasette: list[str], host: str) -> None:
    code, _out, err = invoke("serve", "--db", str(archive_db), "--host", host)
    assert code == 0, err
    assert "warning" not in err


# --- 16: the demo's own file; one site per archive -------------------------------------------
@pytest.mark.e2e
def test_demo_twice_starts_its_file_afresh(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    for _ in range(2):
        result = run_cli("demo", "--db", str(db), "--articles", "10", "-s", f"ARCHIVER_NOW={FROZEN_NOW}")
        assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        titles = conn.execute("SELECT count(DISTINCT title) FROM articles").fetchone()[0]
        runs = conn.execute("SELECT count(*) FROM crawl_runs").fetchone()[0]
    records = len(ReplicaSite(10, seed=0).ground_truth("http://127.0.0.1"))  # 10 and the /by/ twins
    assert records > 10
    assert (articles, titles, runs) == (records, records, 1)


def test_demo_default_is_its_own_file() -> None:
    assert cli_module.DEMO_DB == "data/demo.db" != cli_module.DEFAULT_DB
    result = CliRunner().invoke(cli, ["demo", "--help"])
    assert "data/demo.db" in result.output


def test_demo_refuses_a_real_archive(archive_db: Path) -> None:
    before = sha256(archive_db)
    code, _out, err = invoke("demo", "--db", str(archive_db), "--articles", "10")
    assert "not a demo archive" in one_line_error(code, err)
    assert sha256(archive_db) == before


def test_demo_refuses_a_foreign_file(tmp_path: Path) -> None:
    db = foreign_db(tmp_path / "notes.db", 0)
    before = sha256(db)
    code, _out, err = invoke("demo", "--db", str(db))
    assert "not an archive" in one_line_error(code, err)
    assert sha256(db) == before


@pytest.fixture
def no_crawl(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace the crawl itself: the checks before it are what these tests are about."""
    crawled: list[str] = []

    def fake_crawl_into(db_path: str, base_url: str, *_args: object, **_kw: object) -> int:
        crawled.append(base_url)
        return 0

    monkeypatch.setattr(cli_module, "crawl_into", fake_crawl_into)
    monkeypatch.setattr(cli_module, "print_last_run", lambda db_path: None)
    return crawled


def test_crawl_of_another_replica_port_is_refused(tmp_path: Path, no_crawl: list[str]) -> None:
    db = archive_with(tmp_path / "a.db", make_item("a"), base_url="http://127.0.0.1:8080")
    before = sha256(db)
    code, _out, err = invoke("crawl", "--db", str(db), "--base-url", "http://127.0.0.1:8081")
    line = one_line_error(code, err)
    assert "holds crawls of http://127.0.0.1:8080, not http://127.0.0.1:8081" in line
    assert "--new-site" in line
    assert sha256(db) == before
    assert no_crawl == []
    code, _out, err = invoke("crawl", "--db", str(db), "--base-url", "http://127.0.0.1:8081", "--new-site")
    assert code == 0, err
    code, _out, err = invoke("crawl", "--db", str(db), "--base-url", "http://127.0.0.1:8080/")
    assert code == 0, err
    assert no_crawl == ["http://127.0.0.1:8081", "http://127.0.0.1:8080/"]


def test_both_hosts_of_the_site_are_one_address(tmp_path: Path, no_crawl: list[str]) -> None:
    db = archive_with(tmp_path / "a.db", make_item("a"), base_url="https://belarusinfocus.info")
    for url in ("https://belarusinfocus.pro", "http://www.belarusinfocus.pro/", "https://www.belarusinfocus.info"):
        code, _out, err = invoke("crawl", "--db", str(db), "--base-url", url)
        assert code == 0, (url, err)
    code, _out, err = invoke("crawl", "--db", str(db), "--base-url", "https://example.org")
    assert one_line_error(code, err)
    assert len(no_crawl) == 3


def test_site_address() -> None:
    assert site_address("https://www.belarusinfocus.pro/") == site_address("http://belarusinfocus.info")
    assert site_address("http://127.0.0.1:8080") != site_address("http://127.0.0.1:8081")
    assert site_address("https://example.org:443/") == site_address("http://www.example.org")


# --- 17: a typo in --db, a bad --base-url, bad --now/--tz ------------------------------------
def test_crawl_into_a_missing_directory_is_refused(tmp_path: Path, no_crawl: list[str]) -> None:
    db = tmp_path / "dta" / "archive.db"
    code, _out, err = invoke("crawl", "--db", str(db))
    assert "does not exist" in one_line_error(code, err)
    assert not db.parent.exists()
    assert no_crawl == []


@pytest.mark.parametrize("url", ["not-a-url", "ftp://belarusinfocus.info/", "http://", "http://host:99999/", "file:///etc/passwd"])
def test_bad_base_url_is_one_line_and_creates_nothing(tmp_path: Path, url: str) -> None:
    db = tmp_path / "archive.db"
    code, _out, err = invoke("crawl", "--db", str(db), "--base-url", url)
    assert "--base-url" in one_line_error(code, err) or "http(s) URL" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("option", "value"), [("--now", "yesterday"), ("--tz", "Mars/Olympus"), ("--tz", "../../etc/passwd")]
)
def test_bad_extract_now_or_tz_is_one_line(option: str, value: str) -> None:
    page = Path(__file__).parent / "fixtures" / "pages" / "seed-drupal" / "page.html"
    code, out, err = invoke("extract", str(page), option, value)
    assert option in one_line_error(code, err)
    assert out == ""


# --- 18: two coverage figures that disagree ---------------------------------------------------
def test_stats_coverage_says_what_it_counts(tmp_path: Path) -> None:
    # the reproduction: a status marker found by the selectors that names no status
    items = [
        make_item("a", trend_status_raw="status-icon status-green"),
        make_item("b", trend_status=None, trend_status_raw="status-icon"),
    ]
    db = archive_with(tmp_path / "a.db", *items)
    code, out, err = invoke("stats", "--db", str(db), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["field_coverage"]["trend_status"] == 0.5
    assert data["raw_coverage"]["trend_status"] == 1.0
    code, out, _err = invoke("stats", "--db", str(db))
    assert "field_coverage: share of the 2 archived articles with a value (raw:" in out
    assert "  trend_status: 50.0% (raw 100.0%)" in out


def test_the_page_cap_is_the_crawlers() -> None:
    from archiver import settings

    assert settings.DOWNLOAD_MAXSIZE == MAX_PAGE_BYTES


def test_a_stored_page_at_the_cap_is_still_read(archive_db: Path) -> None:
    with sqlite3.connect(archive_db) as conn:
        conn.execute("UPDATE pages SET body = ? WHERE id = 1", (zlib.compress(b"x" * MAX_PAGE_BYTES),))
    with Archive(archive_db).open(readonly=True) as archive:
        sizes = [len(page.body) for page in archive.iter_pages()]
    assert sizes[0] == MAX_PAGE_BYTES


def test_the_checks_before_a_crawl_wait_for_no_one(archive_db: Path, no_crawl: list[str]) -> None:
    """The site check reads the archive under the run lock: a run holding it means exit 75."""
    with RunLock(archive_db):
        code, _out, err = invoke("crawl", "--db", str(archive_db), "--base-url", "http://127.0.0.1:8081")
    assert code == 75, err
    assert "in use by another run" in err
    assert no_crawl == []
