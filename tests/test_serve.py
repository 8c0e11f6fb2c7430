"""`archiver serve`: Datasette over a crawled archive, read-only, queried over HTTP and in Chromium.

Also: the Datasette metadata documents every column of a fresh archive, and every SQL block of
docs/querying.md runs against a crawled archive.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.normalise import credit_source
from archiver.query import serve as serving
from archiver.query.datasette_meta import QUERIES, TABLES, metadata
from archiver.replica import ReplicaServer, ReplicaSite
from archiver.store import Archive
from tests.conftest import FROZEN_NOW, child_env, run_cli

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
WORD = "potash"
"""A word in a few of the replica's articles (seed 5): the FTS tests search for it."""
STARTUP_TIMEOUT = 60.0
"""How long the server may take to answer its first request, in seconds."""
CHROMIUM_TIMEOUT = 120
"""How long one headless Chromium run may take, in seconds."""


# --- the metadata, without a server ---------------------------------------------------------
def schema_columns(db: Path) -> dict[str, list[str]]:
    """Every table and view of the archive at ``db`` (no SQLite or FTS shadow tables): columns."""
    with sqlite3.connect(db) as conn:
        names = [
            name for name, kind in conn.execute("SELECT name, type FROM pragma_table_list")
            if kind in ("table", "view", "virtual") and not name.startswith("sqlite_")
        ]
        return {
            name: [row[1] for row in conn.execute("SELECT * FROM pragma_table_info(?)", (name,))]
            for name in names
        }


def test_metadata_describes_every_table_view_and_column(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    Archive(db).open().close()
    columns = schema_columns(db)
    assert {"articles", "articles_fts", "related_articles", "articles_by_month", "link_graph"} <= set(columns)
    assert set(TABLES) == set(columns), "datasette_meta.TABLES and the schema name different tables"
    for name, cols in columns.items():
        doc = TABLES[name]
        assert doc.title.strip(), name
        assert doc.description.strip(), name
        assert set(doc.columns) == set(cols), f"{name}: describe new columns, drop removed ones"
        assert all(text.strip() for text in doc.columns.values()), name


def test_metadata_configures_search_facets_and_read_only_queries() -> None:
    meta = metadata("bif")
    database = meta["databases"]["bif"]
    articles = database["tables"]["articles"]
    assert (articles["fts_table"], articles["fts_pk"]) == ("articles_fts", "id")
    assert "searchmode" not in articles  # Datasette's default: words as typed
    assert articles["facets"] == ["category", "trend", "trend_status"]
    listing = database["tables"]["articles_list"]
    assert listing["facets"] == ["year", "month", "trend", "status", {"array": "credits"}]
    assert (listing["fts_table"], listing["fts_pk"]) == ("articles_fts", "id")
    assert set(database["queries"]) >= {"search", "related", "per_month"}
    assert not any(query.get("write") for query in database["queries"].values())
    for name, table in TABLES.items():  # every column described: listed, or in the glossary
        shown = database["tables"][name]
        if "columns" in shown:
            assert shown["columns"] == dict(table.columns), name
        else:
            assert all(f"<dt>{column}</dt>" in shown["description_html"] for column in table.columns)
    assert "<details" in articles["description_html"]
    assert 'href="/bif/articles_list"' in database["description_html"]


@pytest.mark.parametrize("words", ["Hi-Tech Park", "Lukashenka's", "U.S.", "50%", '"odd', "  a  b "])
def test_canned_search_takes_plain_words(tmp_path: Path, words: str) -> None:
    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        archive.db.execute(
            "INSERT INTO articles (url, title, lead, body, content_hash, first_seen_at, last_seen_at, "
            "updated_at) VALUES ('u', 'Hi-Tech Park', '', 'Lukashenka''s U.S. 50% \"odd a b', 'h', "
            "'t', 't', 't')"
        )
        archive.db.conn.commit()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(QUERIES["search"].sql, {"q": words}).fetchall()
    assert [row["title"] for row in rows] == ["Hi-Tech Park"]
    assert rows[0]["relevance"] >= 0  # one article: bm25 near 0, never negative


def test_canned_queries_run_on_an_empty_archive(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    Archive(db).open().close()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        for name, query in QUERIES.items():
            for value in ("", "1", "Minsk"):
                conn.execute(query.sql, dict.fromkeys(query.params, value)).fetchall()
            assert set(re.findall(r":(\w+)", query.sql)) == set(query.params), name


def test_metadata_only_writes_the_metadata_file(tmp_path: Path) -> None:
    out = tmp_path / "metadata.json"
    result = CliRunner().invoke(
        cli, ["serve", "--db", str(tmp_path / "bif.db"), "--metadata-only", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8")) == metadata("bif")
    assert not (tmp_path / "bif.db").exists()
    stdout = CliRunner().invoke(cli, ["serve", "--metadata-only", "-"])
    assert json.loads(stdout.output) == metadata("archive")


def test_serve_without_datasette_is_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serving, "datasette_installed", lambda: False)
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "archive.db")])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "pip install -e '.[serve]'" in result.output


def test_serve_a_missing_archive_is_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "no archive" in result.output
    assert not (tmp_path / "none.db").exists()


# --- a crawled archive and a server over it --------------------------------------------------
@dataclass
class Crawled:
    """An archive crawled from a 40-article replica, and the replica's ground truth."""

    db: Path
    truth: list[dict[str, Any]]

    def titles_mentioning(self, word: str) -> set[str]:
        """Titles of the articles whose title, lead or body has ``word`` (any case)."""
        pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
        return {
            rec["title"] for rec in self.truth
            if pattern.search(" ".join((rec["title"], rec["lead"], rec["body"])))
        }


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    db = tmp_path_factory.mktemp("serve") / "archive.db"
    with ReplicaServer(ReplicaSite(40, seed=5)) as server:
        result = run_cli(
            "crawl", "--base-url", server.base_url, "--db", str(db), "-s", f"ARCHIVER_NOW={FROZEN_NOW}"
        )
        truth = server.site.ground_truth(server.base_url)
    assert result.returncode == 0, result.stderr[-3000:]
    return Crawled(db, truth)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
"""Requests straight to loopback, whatever proxy the environment names."""


def get(url: str, *, data: bytes | None = None) -> tuple[int, bytes]:
    """Status and body of a request to the loopback server (errors included)."""
    request = urllib.request.Request(url, data=data)
    try:
        with DIRECT.open(request, timeout=30) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@dataclass
class Served:
    """A running `archiver serve` and the URL of its database."""

    base: str
    process: subprocess.Popen[bytes]

    def json(self, path: str, **params: str) -> Any:
        query = urllib.parse.urlencode(params)
        status, body = get(f"{self.base}{path}?{query}")
        assert status == 200, (path, status, body[:500])
        return json.loads(body)


@pytest.fixture(scope="module")
def served(crawled: Crawled, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    logs = tmp_path_factory.mktemp("serve-logs")
    port = free_port()
    env = child_env()
    with (logs / "stdout").open("wb") as out, (logs / "stderr").open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "archiver", "serve", "--db", str(crawled.db), "--port", str(port)],
            stdout=out, stderr=err, cwd=ROOT, env=env,
        )
    root = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"archiver serve exited {process.returncode}: "
                            f"{(logs / 'stderr').read_text()[-2000:]}")
            try:
                if get(f"{root}/-/versions.json")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"archiver serve did not answer within {STARTUP_TIMEOUT:.0f} s")
            time.sleep(0.2)
        yield Served(f"{root}/archive", process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
    assert process.returncode == 0, (logs / "stderr").read_text()[-2000:]


@pytest.mark.e2e
def test_datasette_search_on_articles_finds_the_articles(crawled: Crawled, served: Served) -> None:
    expected = crawled.titles_mentioning(WORD)
    assert 0 < len(expected) < len(crawled.truth)
    data = served.json("/articles.json", _search=WORD, _shape="objects", _size="max", _col="title")
    assert {row["title"] for row in data["rows"]} == expected
    assert data["filtered_table_rows_count"] == len(expected)


@pytest.mark.e2e
def test_datasette_facets_count_categories_and_credits(crawled: Crawled, served: Served) -> None:
    data = served.json("/articles.json", _facet="category", _size="0", _facet_size="max")
    facets = data["facet_results"]
    counts = {item["value"]: item["count"] for item in facets["category"]["results"]}
    assert counts == Counter(rec["category"] for rec in crawled.truth if rec["category"])
    listing = served.json("/articles_list.json", _size="0", _facet_size="max")["facet_results"]
    years = {item["value"]: item["count"] for item in listing["year"]["results"]}
    months = {item["value"]: item["count"] for item in listing["month"]["results"]}
    with sqlite3.connect(f"file:{crawled.db}?mode=ro", uri=True) as conn:
        by_month = dict(conn.execute("SELECT month, articles FROM articles_by_month").fetchall())
    assert months == by_month  # the month of the date key: publication or the week
    expected_years: Counter[str] = Counter()
    for month, count in by_month.items():
        expected_years[month[:4]] += count
    assert years == expected_years
    assert sum(years.values()) == len(crawled.truth)
    sources = {item["value"]: item["count"] for item in listing["credits"]["results"]}
    expected: Counter[str] = Counter()
    for rec in crawled.truth:
        expected.update({credit_source(part) for part in (rec["image_credit"] or "").split(";")
                         if part.strip()})
    assert sources == expected


@pytest.mark.e2e
def test_canned_search_ranks_and_marks_the_matches(crawled: Crawled, served: Served) -> None:
    rows = served.json("/search.json", q=WORD, _shape="array")
    assert {row["title"] for row in rows} == crawled.titles_mentioning(WORD)
    assert [row["relevance"] for row in rows] == sorted((r["relevance"] for r in rows), reverse=True)
    assert all(row["relevance"] > 0 for row in rows)  # higher is better
    assert all(re.search(rf"\[{WORD}\]", row["snippet"], re.IGNORECASE) for row in rows)
    assert served.json("/search.json", q="", _shape="array") == []


@pytest.mark.e2e
def test_canned_related_lists_links_out_and_in(crawled: Crawled, served: Served) -> None:
    titles = {rec["url"]: rec["title"] for rec in crawled.truth}
    article = max(crawled.truth, key=lambda rec: len(rec["related"]))
    url = article["url"]
    out = {(rel["kind"], rel["position"], rel["target_url"], titles.get(rel["target_url"]))
           for rel in article["related"]}
    into = {(rel["kind"], rel["position"], rec["url"], rec["title"])
            for rec in crawled.truth for rel in rec["related"] if rel["target_url"] == url}
    rows = served.json("/related.json", url=url, _shape="array")
    assert {(r["kind"], r["position"], r["url"], r["title"]) for r in rows if r["direction"] == "out"} == out
    assert {(r["kind"], r["position"], r["url"], r["title"]) for r in rows if r["direction"] == "in"} == into
    with sqlite3.connect(f"file:{crawled.db}?mode=ro", uri=True) as conn:
        (article_id,) = conn.execute("SELECT id FROM articles WHERE url = ?", (url,)).fetchone()
    assert served.json("/related.json", id=str(article_id), _shape="array") == rows


def date_key(rec: dict[str, Any]) -> str:
    """A ground-truth record's date key: its publication time, else its week's first day."""
    return str(rec["published_at"] or rec["period_start"])


@pytest.mark.e2e
def test_canned_per_month_and_per_year_count_the_articles(crawled: Crawled, served: Served) -> None:
    months = Counter(date_key(rec)[:7] for rec in crawled.truth)
    rows = served.json("/per_month.json", _shape="array")
    assert [(row["month"], row["articles"]) for row in rows] == sorted(months.items())
    year = max(months)[:4]
    rows = served.json("/per_month.json", year=year, _shape="array")
    assert [(row["month"], row["articles"]) for row in rows] == sorted(
        (month, n) for month, n in months.items() if month.startswith(year)
    )
    years = Counter(date_key(rec)[:4] for rec in crawled.truth)
    rows = served.json("/per_year.json", _shape="array")
    assert {row["year"]: row["articles"] for row in rows} == years


@pytest.mark.e2e
def test_writes_are_refused(crawled: Crawled, served: Served) -> None:
    before = hashlib.sha256(crawled.db.read_bytes()).hexdigest()
    statements = (
        "DELETE FROM articles",
        "UPDATE articles SET title = 'x'",
        "DROP TABLE crawl_runs",
        # starts like a SELECT, so only SQLite's read-only connection stops it
        "WITH x AS (SELECT 1) DELETE FROM articles",
        "WITH x AS (SELECT 1) INSERT INTO crawl_runs (mode, started_at) SELECT 'x', 'y' FROM x",
    )
    for sql in statements:
        status, body = get(f"{served.base}.json?" + urllib.parse.urlencode({"sql": sql}))
        assert status >= 400 or json.loads(body)["ok"] is False, sql
    status, body = get(f"{served.base}.json?" + urllib.parse.urlencode({"sql": statements[3]}))
    assert "readonly" in json.loads(body)["error"]
    for path in ("/articles", "/search", "/articles/1/-/delete"):
        assert get(f"{served.base}{path}", data=b"title=x")[0] >= 400, path
    assert served.json("/articles.json", _size="0")["filtered_table_rows_count"] == len(crawled.truth)
    assert hashlib.sha256(crawled.db.read_bytes()).hexdigest() == before


# --- docs/querying.md ------------------------------------------------------------------------
def sql_blocks(markdown: str) -> list[str]:
    """The contents of the ```sql fences of a Markdown text."""
    return re.findall(r"^```sql\n(.*?)^```", markdown, re.DOTALL | re.MULTILINE)


@pytest.mark.e2e
def test_every_sql_block_of_the_querying_guide_runs(crawled: Crawled) -> None:
    guide = (ROOT / "docs" / "querying.md").read_text(encoding="utf-8")
    blocks = sql_blocks(guide)
    assert len(re.findall(r"^### \d+\. ", guide, re.MULTILINE)) == 10
    assert len(blocks) >= 10
    answered = 0
    with sqlite3.connect(f"file:{crawled.db}?mode=ro", uri=True) as conn:
        for sql in blocks:
            try:
                rows = conn.execute(sql).fetchall()
            except sqlite3.Error as exc:
                pytest.fail(f"{exc} in docs/querying.md:\n{sql}")
            answered += bool(rows)
    assert answered >= 10, "most examples should answer something on a crawled archive"


# --- the browser ------------------------------------------------------------------------------
def chromium() -> str:
    """The Chromium binary.

    Without one the browser tests skip, with the reason and the install line, so the README's
    test command passes on a fresh machine; where ``CI`` is set they fail instead: CI installs
    Chromium (.ci/run) and must always run them.
    """
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        message = "chromium not found: install it with `apt-get install -y chromium` (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "chromium-profile"
    return subprocess.run(
        [chromium(), "--headless", "--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage",
         "--no-first-run", "--no-default-browser-check", "--no-proxy-server",
         f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=CHROMIUM_TIMEOUT, check=False,
        env={**os.environ, "HOME": str(tmp_path)},
    )


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def result_titles(dom: str) -> set[str]:
    """The titles in the results table of a Datasette table or query page."""
    page = lxml.html.fromstring(dom)
    cells = page.xpath(
        "//table[contains(@class, 'rows-and-columns')]"
        "//td[contains(concat(' ', normalize-space(@class), ' '), ' col-title ')]"
    )
    return {cell.text_content().strip() for cell in cells}


LAPTOP = "--window-size=1366,768"
"""A laptop's screen: the screenshots are what a person sees first."""


def screenshot(tmp_path: Path, url: str, name: str) -> bytes:
    """A 1366x768 screenshot of ``url`` in headless Chromium, kept as test-artifacts/NAME."""
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / name
    shot.unlink(missing_ok=True)
    result = run_chromium(tmp_path, f"--screenshot={shot}", LAPTOP, "--hide-scrollbars", url)
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert png_size(data) == (1366, 768)
    assert len(data) > 20_000, f"{shot} is {len(data)} bytes: a blank page?"
    return data


def dom(tmp_path: Path, url: str) -> lxml.html.HtmlElement:
    """The DOM of ``url`` after Chromium ran its scripts; never an error page."""
    result = run_chromium(tmp_path, "--dump-dom", LAPTOP, url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Invalid SQL" not in result.stdout, url
    assert "Error 400" not in result.stdout, url
    assert "Error 500" not in result.stdout, url
    return lxml.html.fromstring(result.stdout)


def hyphenated_phrase(crawled: Crawled) -> tuple[str, set[str]]:
    """A hyphenated term of the replica's texts (an FTS5 syntax error as typed) and the titles
    of the articles that hold it."""
    text = " ".join(" ".join((r["title"], r["lead"], r["body"])) for r in crawled.truth)
    term = sorted(set(re.findall(r"\b[A-Z][a-z]+-[A-Z][a-z]+\b", text)))[0]
    left, right = term.split("-")
    pattern = re.compile(rf"\b{left}\W+{right}\b", re.IGNORECASE)
    return term, {r["title"] for r in crawled.truth
                  if pattern.search(" ".join((r["title"], r["lead"], r["body"])))}


@pytest.mark.e2e
def test_chromium_shows_the_search_results(crawled: Crawled, served: Served, tmp_path: Path) -> None:
    expected = crawled.titles_mentioning(WORD)
    table_page = f"{served.base}/articles?" + urllib.parse.urlencode({"_search": WORD})
    query_page = f"{served.base}/search?" + urllib.parse.urlencode({"q": WORD})
    for url in (table_page, query_page):
        assert result_titles(lxml.html.tostring(dom(tmp_path, url), encoding="unicode")) == expected
    described = dom(tmp_path, table_page).xpath("//details//dl[@class='column-descriptions']/dt")
    assert {dt.text_content() for dt in described} == set(TABLES["articles"].columns)
    screenshot(tmp_path, query_page, "datasette-search.png")


@pytest.mark.e2e
def test_chromium_plain_words_search(crawled: Crawled, served: Served, tmp_path: Path) -> None:
    term, expected = hyphenated_phrase(crawled)
    assert expected
    words = term  # e.g. Hi-Tech: "no such column: Tech" in FTS5 syntax
    for page in (f"{served.base}/articles_list?" + urllib.parse.urlencode({"_search": words}),
                 f"{served.base}/articles?" + urllib.parse.urlencode({"_search": words}),
                 f"{served.base}/search?" + urllib.parse.urlencode({"q": words})):
        found = dom(tmp_path, page)
        assert result_titles(lxml.html.tostring(found, encoding="unicode")) == expected, page
    screenshot(tmp_path, f"{served.base}/search?" + urllib.parse.urlencode({"q": words}),
               "datasette-plain-words-search.png")


@pytest.mark.e2e
def test_chromium_table_pages_show_what_a_reader_scans(
    crawled: Crawled, served: Served, tmp_path: Path
) -> None:
    listing = dom(tmp_path, f"{served.base}/articles_list")
    links = listing.xpath("//td[contains(@class, 'col-title')]/a/@href")
    assert len(links) == len(crawled.truth)
    assert all(re.fullmatch(r"/archive/articles/\d+", href) for href in links)
    excerpts = [td.text_content().strip() for td in listing.xpath("//td[contains(@class, 'col-excerpt')]")]
    assert all(0 < len(text) <= 201 for text in excerpts)
    screenshot(tmp_path, f"{served.base}/articles_list", "datasette-articles-list.png")
    table = dom(tmp_path, f"{served.base}/articles")
    assert not table.xpath("//details[@class='column-glossary'][@open]")  # collapsed
    bodies = [td.text_content() for td in table.xpath("//td[contains(@class, 'col-body')]")]
    assert bodies
    assert max(len(text) for text in bodies) <= 241  # cut short; the row page has it all
    screenshot(tmp_path, f"{served.base}/articles", "datasette-articles-table.png")


@pytest.mark.e2e
def test_chromium_article_page_shows_the_whole_text(
    crawled: Crawled, served: Served, tmp_path: Path
) -> None:
    with sqlite3.connect(f"file:{crawled.db}?mode=ro", uri=True) as conn:
        article_id, title, body = conn.execute(
            "SELECT id, title, body FROM articles ORDER BY length(body) DESC LIMIT 1"
        ).fetchone()
    page = dom(tmp_path, f"{served.base}/articles/{article_id}")
    assert title in page.text_content()
    shown_body = " ".join(td.text_content() for td in page.xpath("//td[contains(@class, 'col-body')]"))
    last_words = " ".join(body.split()[-8:])
    assert last_words in " ".join(shown_body.split())  # the whole text, not cut
    screenshot(tmp_path, f"{served.base}/articles/{article_id}", "datasette-article-page.png")
