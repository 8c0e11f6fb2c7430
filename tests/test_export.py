"""archiver export: CSV and JSONL of the articles, WARC of the raw pages; flat memory."""

from __future__ import annotations

import csv
import gzip
import io
import json
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from warcio.archiveiterator import ArchiveIterator

from archiver.cli import cli
from archiver.errors import UnknownFieldError
from archiver.items import ArticleItem, RawPage
from archiver.query.export import DEFAULT_FIELDS
from archiver.store import Archive
from tests import factories
from tests.conftest import child_env
from tests.factories import BASE, T1, T2, make_page

ROOT = Path(__file__).resolve().parent.parent

HOSTILE = (
    'It\'s "quoted", with, commas; =SUM(A1) \x00 NUL \u200f\u202eRTL\u202c emoji 🇧🇾👩🏽‍💻 '
    "Лукашэнка \\ % _ \t tab\r\nCRLF\nLF\rCR \u2028LS\u2029PS\u0085NEL end"
)
"""Text that breaks naive CSV/JSONL writers: quotes, commas, NUL, bidi marks, emoji, every line break."""


# --- factory ----------------------------------------------------------------------------------
def make_item(slug: str, **fields: Any) -> ArticleItem:
    """tests.factories.make_item with a two-paragraph body that has a comma (CSV quoting)."""
    fields.setdefault("body", f"Body of {slug}.\n\nSecond paragraph, with a comma.")
    return factories.make_item(slug, **fields)


PUBLISHED = {
    "old": "2011-03-01T00:00:00Z",
    "edge-since": "2016-01-01T00:00:00Z",
    "mid": "2016-06-15T12:30:00Z",
    "edge-until": "2017-01-01T00:00:00Z",
    "new": "2024-05-05T05:05:05Z",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of seven articles (hostile text, no date, a revision) and eight pages."""
    path = tmp_path_factory.mktemp("export") / "archive.db"
    items = [make_item(slug, published_at=at) for slug, at in PUBLISHED.items()]
    items.append(make_item("undated", published_at=None, published_local=None, published_raw=None,
                           category=None, trend_status=None, image_url=None, image_credit=None))
    hostile_url = f"{BASE}/politics/hostile"
    items.append(make_item(
        "hostile", title=HOSTILE, category=HOSTILE, lead=HOSTILE, body=HOSTILE, image_credit=HOSTILE,
        published_raw=HOSTILE, published_at="2016-06-16T00:00:00Z",
        page=make_page(
            hostile_url,
            body=bytes(range(256)) * 4 + HOSTILE.encode(),
            headers={
                "Content-Type": ["text/html"],
                "Content-Encoding": ["gzip"],
                "Transfer-Encoding": ["chunked"],
                "Content-Length": ["17"],
                "X-Hostile": ["a\r\nInjected: yes", "é ü"],
            },
        ),
    ))
    rejected = make_item("broken", page=make_page(f"{BASE}/politics/broken", status=599, body=b""))
    rejected = replace(rejected, reject_reasons=["no publication date"])
    items.append(rejected)
    with Archive(path) as archive:
        archive.store_items(items, run_id=None, seen_at=T1)
        # a new version of "mid" (revision 2, a second page) and the same bytes of "old" again
        archive.store_items(
            [
                make_item("mid", published_at=PUBLISHED["mid"], body="Edited body.",
                          page=make_page(f"{BASE}/politics/mid", body=b"<html>edited</html>",
                                         fetched_at=T2)),
                make_item("old", published_at=PUBLISHED["old"],
                          page=make_page(f"{BASE}/politics/old", fetched_at=T2)),
            ],
            run_id=None, seen_at=T2,
        )
    return path


def select(db: Path, fields: tuple[str, ...] | list[str], where: str = "", params: tuple[str, ...] = ()
           ) -> list[tuple[Any, ...]]:
    """What SQL gives: the rows of ``articles`` by id (raw SQL in a test, as a reference)."""
    conn = sqlite3.connect(db)
    try:
        columns = ", ".join(f'"{f}"' for f in fields)
        return list(conn.execute(f"SELECT {columns} FROM articles {where} ORDER BY id", params))
    finally:
        conn.close()


def stored_pages(db: Path) -> list[RawPage]:
    with Archive(db).open(readonly=True) as archive:
        return list(archive.iter_pages())


def export(*args: str) -> Result:
    return CliRunner().invoke(cli, ["export", *args])


def parse_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def as_csv(row: tuple[Any, ...]) -> list[str]:
    return ["" if value is None else str(value) for value in row]


# --- CSV --------------------------------------------------------------------------------------
def test_csv_parses_back_to_exactly_the_rows_sql_gives(db: Path) -> None:
    result = export("--db", str(db))
    assert result.exit_code == 0, result.output
    assert result.stderr == "exported 7 articles to stdout\n"
    data = result.stdout_bytes
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = parse_csv(data)
    assert tuple(rows[0]) == DEFAULT_FIELDS
    assert rows[1:] == [as_csv(row) for row in select(db, DEFAULT_FIELDS)]
    assert HOSTILE in rows[-1]  # NUL, bidi marks, emoji and every line break survive
    # RFC 4180: every record ends in CRLF; line breaks inside a field are inside quotes
    assert data.endswith(b"\r\n")
    assert data.count(b'"') % 2 == 0
    assert (b'"' + HOSTILE.replace('"', '""').encode() + b'"') in data


def test_csv_excel_bom_and_gzip_file(db: Path, tmp_path: Path) -> None:
    plain = export("--db", str(db)).stdout_bytes
    excel = tmp_path / "articles.csv"
    result = export("--db", str(db), "--excel", "-o", str(excel))
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == b""
    assert result.stderr == f"exported 7 articles to {excel}\n"
    assert excel.read_bytes() == b"\xef\xbb\xbf" + plain
    zipped = tmp_path / "articles.csv.gz"
    assert export("--db", str(db), "-o", str(zipped)).exit_code == 0
    assert gzip.decompress(zipped.read_bytes()) == plain
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles.csv", "articles.csv.gz"]
    assert gzip.decompress(export("--db", str(db), "--gzip").stdout_bytes) == plain


# --- JSONL ------------------------------------------------------------------------------------
def test_jsonl_parses_back_to_exactly_the_rows_sql_gives(db: Path) -> None:
    result = export("--db", str(db), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("utf-8")
    assert text.endswith("\n")
    records = [json.loads(line) for line in text.split("\n")[:-1]]
    assert [tuple(r) for r in records] == [DEFAULT_FIELDS] * 7  # keys in field order
    assert [tuple(r.values()) for r in records] == select(db, DEFAULT_FIELDS)
    assert any(r["body"] == HOSTILE for r in records)
    assert "Лукашэнка" in text  # not \u-escaped
    # every line splitter sees one record per line: no raw U+2028, U+2029, U+0085, CR
    assert len(text.splitlines()) == 7


def test_fields_are_exported_in_the_order_given(db: Path) -> None:
    fields = ["title", "id", "word_count", "content_hash", "site"]
    result = export("--db", str(db), "--fields", " title, id,word_count ,content_hash,site")
    assert result.exit_code == 0, result.output
    rows = parse_csv(result.stdout_bytes)
    assert rows[0] == fields
    assert rows[1:] == [as_csv(row) for row in select(db, fields)]
    lines = export("--db", str(db), "--format", "jsonl", "--fields", ",".join(fields)).stdout
    assert [list(json.loads(line)) for line in lines.splitlines()] == [fields] * 7
    with Archive(db).open(readonly=True) as archive:
        columns = archive.article_columns()
    everything = parse_csv(export("--db", str(db), "--fields", "all").stdout_bytes)
    assert tuple(everything[0]) == columns
    assert everything[1:] == [as_csv(row) for row in select(db, columns)]


# --- --since / --until ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ["old", "edge-since", "mid", "edge-until", "new", "undated", "hostile"]),
        (["--since", "2016-01-01"], ["edge-since", "mid", "edge-until", "new", "hostile"]),
        (["--until", "2017-01-01"], ["old", "edge-since", "mid", "hostile"]),
        (["--since", "2016-01-01", "--until", "2017-01-01"], ["edge-since", "mid", "hostile"]),
        (["--since", "2016-06-15T15:30:00+03:00", "--until", "2016-06-16"], ["mid"]),
        (["--since", "2016-06-15T12:30:00.001Z"], ["edge-until", "new", "hostile"]),
        (["--until", "2016-06-15T12:30:00.001Z"], ["old", "edge-since", "mid"]),
        (["--since", "2030-01-01"], []),
    ],
)
def test_since_inclusive_until_exclusive_on_published_at(
    db: Path, args: list[str], expected: list[str]
) -> None:
    result = export("--db", str(db), "--format", "jsonl", "--fields", "url", *args)
    assert result.exit_code == 0, result.output
    slugs = [json.loads(line)["url"].rsplit("/", 1)[1] for line in result.stdout.splitlines()]
    assert slugs == expected
    assert result.stderr == f"exported {len(expected)} article{'' if len(expected) == 1 else 's'} to stdout\n"


# --- usage errors -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fields", "id,nope"], "unknown field(s) nope"),
        (["--fields", 'title,"title"'], 'unknown field(s) "title"'),
        (["--fields", "id,title;DROP TABLE articles"], "unknown field(s) title;DROP TABLE articles"),
        (["--fields", "id,,title"], "--fields takes column names"),
        (["--fields", "id,title,id"], "field(s) named twice: id"),
        (["--since", "2024-13"], "--since: expected YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 time"),
        (["--since", "2024-02-01", "--until", "2024-01-01"], "must be later than --since"),
        (["--format", "warc", "--fields", "id"], "--fields is for --format csv or jsonl"),
        (["--format", "jsonl", "--excel"], "--excel is for --format csv"),
    ],
)
def test_bad_options_are_one_line_exit_2_and_write_nothing(
    db: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out.csv"
    result = export("--db", str(db), *args, "-o", str(out))
    assert result.exit_code == 2
    assert result.stdout_bytes == b""
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_unknown_field_in_a_real_process_is_one_line(db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "archiver", "export", "--db", str(db), "--fields", "id,nope"],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT, env=child_env(),
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "unknown field(s) nope" in result.stderr


def test_output_errors(db: Path, tmp_path: Path) -> None:
    for target, message in (
        (str(tmp_path), "is a directory"),
        (str(db), "into the archive itself"),
        (str(tmp_path / "missing" / "a.csv"), "cannot write"),
    ):
        result = export("--db", str(db), "-o", target)
        assert result.exit_code == 2, target
        assert message in result.stderr
    result = export("--db", str(tmp_path / "none.db"))
    assert result.exit_code == 2
    assert "no archive" in result.stderr


# --- the store method -------------------------------------------------------------------------
def test_iter_articles_pages_by_id(db: Path) -> None:
    with Archive(db).open(readonly=True) as archive:
        for batch in (1, 2, 3, 7, 500):
            rows = list(archive.iter_articles(since=None, until=None, fields=("url", "id"),
                                              batch=batch))
            assert [tuple(r.values()) for r in rows] == select(db, ("url", "id")), batch
        dated = list(archive.iter_articles(since="2016-01-01T00:00:00Z",
                                           until="2017-01-01T00:00:00Z", fields=["id"], batch=1))
        assert len(dated) == 3
        # checked at the call, before any row is read
        with pytest.raises(UnknownFieldError, match="nope"):
            archive.iter_articles(since=None, until=None, fields=["id", "nope"])
        with pytest.raises(UnknownFieldError, match="no fields"):
            archive.iter_articles(since=None, until=None, fields=[])
        with pytest.raises(ValueError, match="since must be"):
            archive.iter_articles(since="2016-01-01", until=None, fields=["id"])
        with pytest.raises(ValueError, match="batch"):
            archive.iter_articles(since=None, until=None, fields=["id"], batch=0)


# --- WARC -------------------------------------------------------------------------------------
def warcio(*args: str) -> subprocess.CompletedProcess[str]:
    """warcio's own command line (``warcio check``, ``warcio index``)."""
    return subprocess.run(
        [sys.executable, "-c", "import sys; from warcio.cli import main; main(sys.argv[1:])", *args],
        capture_output=True, text=True, timeout=120, check=False, env=child_env(),
    )


def read_warc(data: bytes) -> list[Any]:
    """(type, WARC headers, HTTP headers, body) of each record."""
    return [
        (record.rec_type, record.rec_headers, record.http_headers, record.raw_stream.read())
        for record in ArchiveIterator(io.BytesIO(data))
    ]


@pytest.mark.parametrize("name", ["pages.warc.gz", "pages.warc"])
def test_warc_passes_warcio_check_and_index_and_holds_every_page(
    db: Path, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    result = export("--db", str(db), "--format", "warc", "-o", str(path))
    assert result.exit_code == 0, result.output
    pages = stored_pages(db)
    assert len(pages) == 9
    assert result.stderr == f"exported 9 pages to {path}\n"
    data = path.read_bytes()
    assert data.startswith(b"\x1f\x8b") == name.endswith(".gz")

    check = warcio("check", "-v", str(path))
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == 10
    index = warcio("index", "-f", "warc-type,warc-target-uri,warc-date,http:status", str(path))
    assert index.returncode == 0, index.stderr
    entries = [json.loads(line) for line in index.stdout.splitlines()]
    assert [e["warc-type"] for e in entries] == ["warcinfo"] + ["response"] * 9

    records = read_warc(data)
    kind, info_headers, _, info = records[0]
    assert kind == "warcinfo"
    assert info_headers.get_header("WARC-Filename") == name
    assert b"software: archiver" in info
    assert len(records) == 10
    for page, (kind, warc, http, body) in zip(pages, records[1:], strict=True):
        assert kind == "response"
        assert warc.get_header("WARC-Target-URI") == page.url
        assert warc.get_header("WARC-Date") == page.fetched_at
        assert body == page.body  # byte for byte
        assert http.get_statuscode() == str(page.status)
        assert http.get_header("Content-Length") == str(len(page.body))
        assert http.get_header("Content-Encoding") is None
        assert http.get_header("Transfer-Encoding") is None
    dates = {page.url.rsplit("/", 1)[1]: page.fetched_at for page in pages}
    assert dates["old"] == T2  # the same bytes fetched again: the latest fetch


def test_warc_http_headers_reconstructed_for_the_decoded_body(db: Path) -> None:
    result = export("--db", str(db), "--format", "warc")
    assert result.exit_code == 0, result.output
    records = {warc.get_header("WARC-Target-URI"): (http, body)
               for _, warc, http, body in read_warc(result.stdout_bytes)[1:]}
    http, body = records[f"{BASE}/politics/hostile"]
    assert http.protocol == "HTTP/1.1"
    assert http.statusline == "200 OK"
    assert http.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert http.get_header("X-Archive-Orig-Transfer-Encoding") == "chunked"
    assert http.get_header("X-Archive-Orig-Content-Length") == "17"
    assert http.get_header("Content-Length") == str(len(body))
    assert http.get_header("Injected") is None  # CR/LF in a value cannot add a header
    plain, _ = records[f"{BASE}/politics/new"]
    assert plain.get_header("Set-Cookie") == "a=1"
    assert [v for k, v in plain.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    assert plain.get_header("X-Archive-Orig-Content-Length") is None
    broken, empty = records[f"{BASE}/politics/broken"]
    assert broken.statusline == "599"
    assert empty == b""


def test_warc_to_stdout_is_plain_unless_gzip_and_filters_on_fetched_at(db: Path) -> None:
    plain = export("--db", str(db), "--format", "warc")
    assert plain.stdout_bytes.startswith(b"WARC/1.0\r\n")
    zipped = export("--db", str(db), "--format", "warc", "--gzip")
    assert zipped.stdout_bytes.startswith(b"\x1f\x8b")
    assert len(read_warc(zipped.stdout_bytes)) == 10
    later = export("--db", str(db), "--format", "warc", "--since", T2)
    assert later.stderr == "exported 2 pages to stdout\n"
    urls = [w.get_header("WARC-Target-URI") for _, w, _, _ in read_warc(later.stdout_bytes)[1:]]
    assert urls == [f"{BASE}/politics/old", f"{BASE}/politics/mid"]
    earlier = export("--db", str(db), "--format", "warc", "--until", T2)
    assert earlier.stderr == "exported 7 pages to stdout\n"


# --- streaming: flat memory, closed pipes -----------------------------------------------------
def build_synthetic(path: Path, articles: int) -> None:
    """An archive of ``articles`` rows of ~0.6 KB each, inserted with sqlite3 directly (fast).

    The schema comes from Archive; the FTS insert trigger is dropped first because indexing
    100,000 rows would take most of the test's time and export never reads articles_fts.
    """
    Archive(path).open().close()
    conn = sqlite3.connect(path)
    try:
        conn.execute("DROP TRIGGER articles_ai")
        rows = (
            (f"{BASE}/politics/a{i}", f"Title {i}", "Politics", f"{2011 + i % 15}-01-01T00:00:00Z",
             "Lead.", "x" * 500, 1, f"{i:064x}", T1, T1, T1)
            for i in range(articles)
        )
        with conn:
            conn.executemany(
                "INSERT INTO articles (url, title, category, published_at, lead, body, word_count, "
                "content_hash, first_seen_at, last_seen_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
    finally:
        conn.close()


MEASURED_EXPORT = """
import resource, sys
from archiver.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="archiver")
except SystemExit as exc:
    code = exc.code
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def peak_rss_kib(*args: str) -> int:
    """Run ``archiver ARGS`` in a fresh process; its peak resident set size in KiB."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURED_EXPORT, *args],
        capture_output=True, text=True, timeout=240, check=False, cwd=ROOT, env=child_env(),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return int(result.stderr.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Archives of 10,000 synthetic articles, and of 100,000 once a test asks for it (key 100_000
    is built on first use: only the memory test, an e2e test, needs it)."""
    folder = tmp_path_factory.mktemp("synthetic")

    class Archives(dict[int, Path]):
        def __missing__(self, articles: int) -> Path:
            path = folder / f"a{articles}.db"
            build_synthetic(path, articles)
            self[articles] = path
            return path

    return Archives()


@pytest.mark.e2e  # two whole exports of 10k and 100k articles in child processes
def test_memory_stays_flat_from_10k_to_100k_articles(synthetic: dict[int, Path], tmp_path: Path) -> None:
    bound_kib = 30 * 1024
    # holding the 90,000 extra rows would take more than the bound: their text alone is larger
    extra = synthetic[100_000].stat().st_size - synthetic[10_000].stat().st_size
    assert extra > 2 * bound_kib * 1024
    peaks = {}
    for articles in (10_000, 100_000):
        db = synthetic[articles]
        out = tmp_path / f"{articles}.csv"
        peaks[articles] = peak_rss_kib("export", "--db", str(db), "-o", str(out))
        with out.open("rb") as f:
            assert sum(1 for _ in f) == articles + 1
    assert peaks[100_000] - peaks[10_000] < bound_kib, peaks


def test_a_closed_pipe_ends_the_export_quietly(synthetic: dict[int, Path]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "archiver", "export", "--db", str(synthetic[10_000])],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=child_env(),
    )
    assert proc.stdout is not None
    assert proc.stdout.read(1000).startswith(b"id,url,title")
    proc.stdout.close()  # like `| head`
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert b"Traceback" not in stderr
    assert b"Exception ignored" not in stderr
