"""The reader's and operator's command line (issue 18): plain-word search, show, runs as a table,
extract from stdin and of listings, check --threshold, reparse --workers, --help."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archiver.cli import cli, parse_share
from archiver.store import Archive, fts_query, is_fts_syntax, quote_words
from tests.conftest import child_env
from tests.test_query import BASE, T1, T2, link, make_item, make_page, url

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
PLAIN = (
    "In the Hi-Tech Park, Lukashenka's advisers met U.S. investors; 50% of them left. "
    + " ".join(["analysis"] * 30)
)


def invoke(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three articles: ``plain`` (edited once, seen under an alias), ``weekly`` (a week, no
    time), ``other`` (links to ``plain``); and one crawl run."""
    path = tmp_path_factory.mktemp("reader") / "archive.db"
    with Archive(path) as archive:
        plain = make_item("plain", title="Hi-Tech Park grows", body=PLAIN, author="Anna Maria",
                          image_credit="TUT.BY; AP", image_caption="The park at night",
                          related=[link("other", 1, "similar")])
        weekly = make_item("weekly", title="Weekly ruling elite", published_at=None,
                           published_local=None, published_raw=None, period_start="2023-05-15",
                           period_end="2023-05-21", period_raw="May 15 – May 21, 2023",
                           trend="ruling-elite", trend_status="worse")
        other = make_item("other", title="Other article", related=[link("plain", 2, "inline")])
        archive.store_items([plain, weekly, other], run_id=None, seen_at=T1)
        edited = make_item("plain", title="Hi-Tech Park grows fast", body=PLAIN + " More.",
                           author="Anna Maria", image_credit="TUT.BY; AP",
                           related=[link("other", 1, "similar")])
        edited = replace(edited, page=replace(make_page(url("plain"), fetched_at=T2),
                                              body=b"<html><h1>edited page</h1></html>"))
        archive.store_items([edited], run_id=None, seen_at=T2)
        archive.record_urls(url("plain"), [f"{BASE}/politics/plain/", "https://www.belarusinfocus.pro/plain"],
                            seen_at=T2)
        run = archive.start_run(mode="full", started_at="2026-11-28T10:00:00Z")
        archive.finish_run(run, finished_at="2026-11-28T10:05:30Z", counts={"items_new": 3,
                           "requests": 1234}, finish_reason="finished", exit_code=0)
    return path


# --- 1, 2: plain words --------------------------------------------------------------------------
@pytest.mark.parametrize("words", ["Hi-Tech Park", "Lukashenka's", "U.S.", "50%", "hi-tech park"])
def test_plain_words_search_as_typed(archive_path: Path, words: str) -> None:
    result = invoke("search", words, "--db", str(archive_path), "--format", "json")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert [hit["url"] for hit in hits] == [url("plain")]
    assert hits[0]["relevance"] > 0  # higher is better, not a negative bm25


def test_fts_syntax_is_detected_and_raw_forces_it(archive_path: Path) -> None:
    db = str(archive_path)
    for query in ('"Hi-Tech Park"', "title:grows", "Hi* NOT zzz", "park OR zzz"):
        result = invoke("search", query, "--db", db, "--format", "jsonl")
        assert result.exit_code == 0, (query, result.output)
        assert [json.loads(line)["url"] for line in result.stdout.splitlines()] == [url("plain")]
    words = invoke("search", "--words", "park OR zzz", "--db", db, "--format", "jsonl")
    assert words.stdout == ""  # "OR" and "zzz" as words: no article has them
    raw = invoke("search", "--raw", "Lukashenka's", "--db", db)
    assert raw.exit_code == 2
    assert "put each in double quotes" in raw.output


def test_query_helpers() -> None:
    assert quote_words('Hi-Tech  "Park') == '"Hi-Tech" """Park"'
    assert fts_query("U.S.") == '"U.S."'
    assert fts_query("U.S.", raw=True) == "U.S."
    assert is_fts_syntax('"a b"')
    assert is_fts_syntax("NEAR(a b)")
    assert is_fts_syntax("pre*")
    assert not is_fts_syntax('"odd')
    assert not is_fts_syntax("and or not")
    assert not is_fts_syntax("*")


def test_search_table_shows_the_week_of_a_weekly_article(archive_path: Path) -> None:
    result = invoke("search", "weekly", "--db", str(archive_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "  1. 2023-05-15  Weekly ruling elite"


# --- 6: show --------------------------------------------------------------------------------
def test_show_by_id_alias_or_url_cites_the_article(archive_path: Path) -> None:
    db = str(archive_path)
    with Archive(archive_path).open(readonly=True) as archive:
        plain_id = archive.find_article_id(url("plain"))
    by_alias = invoke("show", "https://www.belarusinfocus.pro/plain", "--db", db)
    assert by_alias.exit_code == 0, by_alias.output
    assert invoke("show", str(plain_id), "--db", db).stdout == by_alias.stdout
    lines = by_alias.stdout.splitlines()
    assert lines[:2] == ["Hi-Tech Park grows fast", url("plain")]
    assert "date:     2016-11-07 10:41 +03:00" in lines
    assert "author:   Anna Maria" in lines
    assert "credit:   TUT.BY; AP" in lines
    assert "  https://www.belarusinfocus.pro/plain" in lines  # seen under
    text = by_alias.stdout
    assert "--- revision 1 (" in text
    assert "+++ revision 2 (current" in text
    assert "-title: Hi-Tech Park grows" in text
    assert "+title: Hi-Tech Park grows fast" in text
    out_block = text.split("== links out")[1].split("== links in")[0]
    assert "similar:" in out_block
    assert "Other article" in out_block
    in_block = text.split("== links in")[1]
    assert "inline:" in in_block
    assert "Other article" in in_block


def test_show_weekly_article_gives_the_week_and_status(archive_path: Path) -> None:
    result = invoke("show", url("weekly"), "--db", str(archive_path))
    assert result.exit_code == 0, result.output
    assert "date:     week 2023-05-15 to 2023-05-21" in result.stdout.splitlines()
    assert "status:   worse" in result.stdout.splitlines()
    assert "== revisions" not in result.stdout


def test_show_json_html_and_not_found(archive_path: Path) -> None:
    db = str(archive_path)
    data = json.loads(invoke("show", url("plain"), "--db", db, "--format", "json").stdout)
    assert data["revision"] == 2
    assert [rev["title"] for rev in data["revisions"]] == ["Hi-Tech Park grows"]
    assert {row["url"] for row in data["urls"]} >= {url("plain"), f"{BASE}/politics/plain/"}
    assert [(link["kind"], link["title"]) for link in data["links_in"]] == [("inline", "Other article")]
    html = invoke("show", url("plain"), "--html", "--db", db)
    assert html.exit_code == 0
    assert html.stdout_bytes == b"<html><h1>edited page</h1></html>"
    missing = invoke("show", "https://belarusinfocus.info/nothing", "--db", db)
    assert missing.exit_code == 2
    assert len(missing.output.strip().splitlines()) == 1
    assert "no article" in missing.output


# --- 9: runs and the shared output ------------------------------------------------------------
def test_runs_table_is_aligned_and_other_formats_parse(archive_path: Path) -> None:
    db = str(archive_path)
    table = invoke("runs", "--db", db)
    assert table.exit_code == 0, table.output
    header, rule, row = table.stdout.splitlines()
    assert header.split() == ["id", "mode", "started", "finished", "requests", "304", "new",
                              "upd", "same", "rej", "failed", "finish", "exit"]
    assert len(rule) == len(header)
    assert header.index("requests") + len("requests") == row.index("1234") + len("1234")
    assert "2026-11-28 10:05:30" in row
    runs = json.loads(invoke("runs", "--db", db, "--format", "json").stdout)
    assert [run["requests"] for run in runs] == [1234]
    lines = invoke("runs", "--db", db, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["items_new"] for line in lines] == [3]
    rows = list(csv.DictReader(io.StringIO(invoke("runs", "--db", db, "--format", "csv").stdout)))
    assert rows[0]["finish_reason"] == "finished"


# --- 10: extract ----------------------------------------------------------------------------
def test_extract_reads_standard_input_plain_and_gzip() -> None:
    data = (FIXTURES / "seed-drupal" / "page.html").read_bytes()
    for stdin in (data, gzip.compress(data)):
        result = invoke("extract", "-", stdin=stdin)
        assert result.exit_code == 0, result.output
        record = json.loads(result.stdout)
        assert record["file"] == "-"
        assert record["published_at"] == "2016-11-07T07:41:00Z"


def test_extract_rejects_a_listing_as_not_an_article() -> None:
    page = FIXTURES / "listing-weekly-ruling-elite" / "page.html"
    result = invoke("extract", str(page))
    assert result.exit_code == 1
    record = json.loads(result.stdout)
    assert record["reject_reasons"][0].startswith("not an article: a listing page")
    assert record["url"] is None  # no URL made up
    by_url = invoke("extract", "--url", "https://belarusinfocus.info/economy/", "-",
                    stdin=b"<html><head><title>Economy</title></head><body><h1>Economy</h1></body></html>")
    assert by_url.exit_code == 1
    assert "not an article URL" in json.loads(by_url.stdout)["reject_reasons"][0]


# --- 11: options ------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "share"), [("90", 0.9), ("90%", 0.9), ("0.9", 0.9), ("1", 1.0),
                                             ("100 %", 1.0), ("0", 0.0)])
def test_parse_share(text: str, share: float) -> None:
    assert parse_share(text) == pytest.approx(share)


@pytest.mark.parametrize("value", ["90", "90%", "0.9"])
def test_check_threshold_takes_the_percentage(archive_path: Path, value: str) -> None:
    result = invoke("check", "--db", str(archive_path), "--threshold", value)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("value", ["150", "-1", "ninety", "nan"])
def test_check_threshold_refuses_nonsense(archive_path: Path, value: str) -> None:
    result = invoke("check", "--db", str(archive_path), "--threshold", value)
    assert result.exit_code == 2
    assert "percentage" in result.output


def test_reparse_workers_0_is_refused_in_one_line(tmp_path: Path) -> None:
    result = invoke("reparse", "--db", str(tmp_path / "a.db"), "--workers", "0")
    assert result.exit_code == 2
    assert "--workers" in result.output


@pytest.mark.parametrize("command", ["search", "show", "runs", "stats", "check", "export"])
def test_help_shows_the_environment_variable(command: str) -> None:
    result = invoke(command, "--help")
    assert "ARCHIVER_DB" in result.output


def test_replica_serve_port_0_prints_the_port_it_got() -> None:
    env = child_env()
    process = subprocess.Popen(
        [sys.executable, "-m", "archiver", "replica", "serve", "--port", "0", "--articles", "10"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        found = re.search(r"on http://127\.0\.0\.1:(\d+)/ \(the \.pro host on "
                          r"http://127\.0\.0\.1:(\d+)/\)", line)
        assert found, line
        port = int(found[1])
        assert port != 0
        with socket.create_connection(("127.0.0.1", port), timeout=10):
            pass  # the printed port is the one listening
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()


# --- 12: the demo's examples ------------------------------------------------------------------
def test_demo_example_shows_the_link_graph_by_kind_without_the_sidebar(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        archive.store_items([
            make_item("a", related=[link("c", 1, "trend"), link("b", 1, "similar")]),
            make_item("b", related=[link("c", 1, "trend"), link("a", 1, "inline")]),
            make_item("c", related=[link("a", 1, "trend"), link("b", 2, "trend")]),
        ], run_id=None, seen_at=T1)
        title, sql, rows = archive.example_queries()[1]
    assert "by kind" in title
    assert "'Recent trends' sidebar" in title
    assert {row["kind"] for row in rows} == {"similar", "inline"}
    assert all(row["inbound_links"] == 1 for row in rows)
    assert "kind IN ('similar', 'inline')" in sql
