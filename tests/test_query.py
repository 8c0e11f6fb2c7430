"""Querying the archive: search with filters and formats, the analysis views, stats, the plot."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from archiver import store
from archiver.cli import SEARCH_COLUMNS, cli
from archiver.errors import ArchiveError
from archiver.items import ArticleItem, RawPage, RelatedLink
from archiver.query.report import bar_chart_svg
from archiver.store import SCHEMA_VERSION, Archive, MonthCount
from tests.conftest import run_cli

BASE = "https://belarusinfocus.info"
T1 = "2026-11-28T10:00:00Z"
T2 = "2026-11-29T10:00:00Z"
SVG = "{http://www.w3.org/2000/svg}"
VIEWS = (
    "related_articles", "articles_by_month", "articles_by_category", "image_credits", "link_graph",
    "status_by_week", "status_by_trend_month", "monitoring_issues", "issue_links",
    "article_credits", "articles_list",
)


# --- factory (as in tests/test_store.py) ------------------------------------------------------
def make_page(url: str, *, fetched_at: str = T1) -> RawPage:
    return RawPage(url=url, fetched_at=fetched_at, status=200,
                   headers={"Content-Type": ["text/html"]}, body=f"<html>{url}</html>".encode())


def make_item(slug: str, **fields: Any) -> ArticleItem:
    """A valid, normalised article at BASE/politics/<slug>; keyword arguments override fields."""
    url = f"{BASE}/politics/{slug}"
    body = fields.pop("body", f"Body of {slug}. " + " ".join(["analysis"] * 30))
    item = ArticleItem(
        url=url, page=make_page(url), template="classic-2016", title_raw=f"Title {slug}",
        category_raw="Politics", published_raw="November 07, 2016 10:41",
        image_url=f"{BASE}/images/{slug}.jpg", image_credit_raw="Image: TUT.BY",
        field_sources={"title": "selector"}, title=f"Title {slug}", category="Politics",
        trend_status="green", published_at="2016-11-07T07:41:00Z",
        published_local="2016-11-07T10:41:00+03:00", image_credit="TUT.BY",
        lead=f"Lead of {slug}.", body=body, word_count=len(body.split()),
    )
    return replace(item, **fields)


def link(slug: str, position: int = 1, kind: str = "similar") -> RelatedLink:
    return RelatedLink(f"{BASE}/politics/{slug}", f"Title {slug}", position, kind)


def words(count: int, *first: str) -> str:
    """A body of exactly ``count`` words: ``first``, then ``analysis`` repeated."""
    return " ".join([*first, *["analysis"] * (count - len(first))])


def url(slug: str) -> str:
    return f"{BASE}/politics/{slug}"


# --- the known archive ------------------------------------------------------------------------
DATE_A, DATE_B = "2016-11-07T07:41:00Z", "2016-11-20T10:00:00Z"
DATE_C, DATE_E = "2017-02-01T09:00:00Z", "2017-02-28T23:30:00Z"
KNOWN = [
    make_item("a", title="Sanctions hit potash exports", category="Economy", published_at=DATE_A,
              image_credit="TUT.BY; Reuters", body=words(40, "Potash"),
              related=[link("b"), link("missing", 2), link("c", 1, "inline")]),
    make_item("b", title="Minsk and the West", category="Politics", published_at=DATE_B,
              image_credit="TUT.BY", body=words(30, "new", "sanctions"), related=[link("a", 1, "trend")]),
    make_item("c", title="Budget deficit", category="Economy", published_at=DATE_C,
              image_credit="TUT.BY; ", body=words(50), related=[link("a"), link("b", 2)]),
    make_item("d", title="Elections", category=None, published_at=None, published_local=None,
              image_credit="Reuters;  BelTA", body=words(20)),
    make_item("e", title="Army reform", category="Politics", published_at=DATE_E,
              image_credit="BelTA; BelTA", body=words(25), related=[link("e", 1, "inline")]),
]


def build_known(path: Path) -> dict[str, int]:
    """Store KNOWN and six runs (the newest unfinished) at ``path``; return the ids by slug."""
    with Archive(path) as archive:
        archive.store_items(KNOWN, run_id=None, seen_at=T1)
        for number in range(1, 6):
            run_id = archive.start_run(mode="full" if number % 2 else "incremental",
                                       started_at=f"2026-11-0{number}T10:00:00Z")
            archive.finish_run(run_id, finished_at=f"2026-11-0{number}T11:00:00Z",
                               counts={"items_new": number, "failures": number % 2},
                               finish_reason="finished", exit_code=number % 2)
        archive.start_run(mode="incremental", started_at="2026-11-06T10:00:00Z")
        return {str(row[0]).rsplit("/", 1)[1]: int(row[1])
                for row in archive.db.execute("SELECT url, id FROM articles")}


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """The known archive (read only by the tests that use it) and its article ids by slug."""
    path = tmp_path_factory.mktemp("known") / "archive.db"
    return path, build_known(path)


@pytest.fixture
def reader(known: tuple[Path, dict[str, int]]) -> Iterator[Archive]:
    with Archive(known[0]).open(readonly=True) as archive:
        yield archive


def invoke(*args: str, color: bool = False) -> Result:
    return CliRunner().invoke(cli, list(args), color=color)


def slugs(hits: list[dict[str, object]]) -> list[str]:
    return [str(hit["url"]).rsplit("/", 1)[1] for hit in hits]


# --- search -----------------------------------------------------------------------------------
def test_search_ranks_a_title_match_before_a_body_match(reader: Archive) -> None:
    hits = reader.search("sanctions")
    assert slugs(hits) == ["a", "b"]
    assert hits[0]["snippet"] == "[Sanctions] hit potash exports"
    assert "[sanctions]" in str(hits[1]["snippet"])


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"a", "b", "c", "d", "e"}),
        ({"since": "2016-11-15T00:00:00Z"}, {"b", "c", "e"}),  # no date: left out
        ({"since": DATE_B}, {"b", "c", "e"}),  # inclusive
        ({"until": DATE_C}, {"a", "b"}),  # exclusive
        ({"category": "ECONOMY"}, {"a", "c"}),  # case-insensitive
        ({"since": "2017-01-01T00:00:00Z", "category": "politics"}, {"e"}),
        ({"category": "Sport"}, set()),
    ],
)
def test_search_filters(reader: Archive, filters: dict[str, str], expected: set[str]) -> None:
    assert set(slugs(reader.search("analysis", **filters))) == expected


def test_search_rejects_a_malformed_bound(reader: Archive) -> None:
    with pytest.raises(ValueError, match="since must be"):
        reader.search("analysis", since="2016-11-15")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--since", "2016", "--until", "2017"], {"a", "b"}),
        (["--since", "2017-02", "--until", "2017-03"], {"c", "e"}),
        (["--until", "2017-02-01"], {"a", "b"}),  # exclusive
        (["--until", "2017-02-02"], {"a", "b", "c"}),
        (["--since", "2016-11-20T13:00:00+03:00"], {"b", "c", "e"}),  # an instant, inclusive
        (["--until", DATE_B], {"a"}),
        (["--category", "economy"], {"a", "c"}),
        (["--category", "Politics", "--since", "2017-01-01"], {"e"}),
    ],
)
def test_search_cli_filters(
    known: tuple[Path, dict[str, int]], options: list[str], expected: set[str]
) -> None:
    result = invoke("search", "analysis", "--db", str(known[0]), "--format", "jsonl", *options)
    assert result.exit_code == 0, result.output
    assert {json.loads(line)["url"].rsplit("/", 1)[1] for line in result.stdout.splitlines()} == expected


@pytest.mark.parametrize(
    "options",
    [["--since", "2016-13"], ["--until", "yesterday"], ["--since", "2017", "--until", "2017"]],
)
def test_search_cli_bad_dates_are_usage_errors(
    known: tuple[Path, dict[str, int]], options: list[str]
) -> None:
    result = invoke("search", "analysis", "--db", str(known[0]), *options)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_search_json_is_one_array_and_jsonl_one_object_a_line(
    known: tuple[Path, dict[str, int]],
) -> None:
    result = invoke("search", "sanctions", "--db", str(known[0]), "--format", "json")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert [tuple(hit) for hit in hits] == [SEARCH_COLUMNS] * 2
    assert [hit["url"] for hit in hits] == [url("a"), url("b")]
    assert hits[0]["relevance"] > hits[1]["relevance"] > 0  # higher is better
    assert hits[0]["published_at"] == DATE_A
    lines = invoke("search", "sanctions", "--db", str(known[0]), "--format", "jsonl")
    assert [json.loads(line) for line in lines.stdout.splitlines()] == hits


def test_search_csv_has_a_header_even_when_empty(known: tuple[Path, dict[str, int]]) -> None:
    result = invoke("search", "sanctions", "--db", str(known[0]), "--format", "csv")
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert tuple(reader.fieldnames or ()) == SEARCH_COLUMNS
    rows = list(reader)
    assert [row["url"] for row in rows] == [url("a"), url("b")]
    assert float(rows[0]["relevance"]) > float(rows[1]["relevance"])
    assert rows[1]["category"] == "Politics"
    empty = invoke("search", "nothingmatchesthis", "--db", str(known[0]), "--format", "csv")
    assert empty.exit_code == 0
    assert empty.stdout.splitlines() == [",".join(SEARCH_COLUMNS)]


def test_search_table_rank_date_title_url_snippet(known: tuple[Path, dict[str, int]]) -> None:
    result = invoke("search", "sanctions", "--db", str(known[0]))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "  1. 2016-11-07  Sanctions hit potash exports",
        f"     {url('a')}",
        "     [Sanctions] hit potash exports",
    ]
    assert result.stdout.splitlines()[3] == "  2. 2016-11-20  Minsk and the West"
    assert "\x1b[" not in result.stdout
    assert result.stderr.strip() == "2 result(s)"


def test_search_table_in_a_terminal_is_bold(
    known: tuple[Path, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("archiver.cli.stdout_is_tty", lambda: True)
    result = invoke("search", "sanctions", "--db", str(known[0]), color=True)
    assert result.exit_code == 0, result.output
    assert "     \x1b[1mSanctions\x1b[0m hit potash exports" in result.stdout.splitlines()
    json_result = invoke("search", "sanctions", "--db", str(known[0]), "--format", "json", color=True)
    assert "\x1b[" not in json_result.stdout  # machines always get [ ]


@pytest.mark.parametrize(
    "args", [["AND"], ["title:*"], ["sanctions OR"], ["--raw", "nosuchcol:x"], ["--raw", "U.S."]]
)
def test_malformed_query_is_one_line_and_exit_2(
    known: tuple[Path, dict[str, int]], args: list[str]
) -> None:
    result = run_cli("search", *args, "--db", str(known[0]))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: bad search query")
    assert "FTS5 syntax" in lines[0]
    assert "put each in double quotes" in lines[0]  # how to search the words as typed


# --- views ------------------------------------------------------------------------------------
def rows(archive: Archive, view: str) -> list[dict[str, Any]]:
    return list(archive.db.query(f"SELECT * FROM {view}"))


def test_articles_by_month(reader: Archive) -> None:
    assert rows(reader, "articles_by_month") == [
        {"month": "2016-11", "articles": 2, "words": 70},
        {"month": "2017-02", "articles": 2, "words": 75},
    ]
    assert reader.articles_by_month() == [MonthCount("2016-11", 2, 70), MonthCount("2017-02", 2, 75)]


def test_articles_by_category(reader: Archive) -> None:
    assert rows(reader, "articles_by_category") == [
        {"category": "Economy", "articles": 2, "words": 90,
         "first_published_at": DATE_A, "last_published_at": DATE_C},
        {"category": "Politics", "articles": 2, "words": 55,
         "first_published_at": DATE_B, "last_published_at": DATE_E},
        {"category": None, "articles": 1, "words": 20,
         "first_published_at": None, "last_published_at": None},
    ]


def test_image_credits_split_multi_source_credits(reader: Archive) -> None:
    assert rows(reader, "image_credits") == [
        {"credit": "TUT.BY", "articles": 3, "first_published_at": DATE_A, "last_published_at": DATE_C,
         "spellings": "TUT.BY"},
        {"credit": "BelTA", "articles": 2, "first_published_at": DATE_E, "last_published_at": DATE_E,
         "spellings": "BelTA"},
        {"credit": "Reuters", "articles": 2, "first_published_at": DATE_A, "last_published_at": DATE_A,
         "spellings": "Reuters"},
    ]
    assert reader.stats()["top_credits"] == {"TUT.BY": 3, "BelTA": 2, "Reuters": 2}


def test_credits_count_once_per_canonical_source_with_the_raw_kept(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        archive.store_items([
            make_item("a", image_credit="TUT.BY; AP"), make_item("b", image_credit="tut.by"),
            make_item("c", image_credit="reuters.com; Reuters"), make_item("d", image_credit="Reuters"),
            make_item("e", image_credit="www.tut.by; TUT.BY"),
        ], run_id=None, seen_at=T1)
        sources = {row["credit"]: (row["articles"], row["spellings"])
                   for row in rows(archive, "image_credits")}
        assert sources == {"TUT.BY": (3, "TUT.BY; tut.by; www.tut.by"),
                           "Reuters": (2, "Reuters; reuters.com"), "AP": (1, "AP")}
        listed = {row["id"]: json.loads(row["credits"]) for row in rows(archive, "articles_list")}
        assert sorted(sorted(v) for v in listed.values()) == [
            ["AP", "TUT.BY"], ["Reuters"], ["Reuters"], ["TUT.BY"], ["TUT.BY"],
        ]
        raw = archive.db.execute("SELECT image_credit FROM articles ORDER BY id").fetchall()
        assert raw[0] == ("TUT.BY; AP",)  # the raw credit is kept


def test_articles_list_has_what_a_reader_scans(reader: Archive) -> None:
    listed = {str(row["url"]).rsplit("/", 1)[1]: row for row in rows(reader, "articles_list")}
    a = listed["a"]
    assert (a["date"], a["month"], a["year"]) == ("2016-11-07", "2016-11", "2016")
    assert a["title"] == "Sanctions hit potash exports"
    assert a["excerpt"].startswith("Lead of a.")
    assert json.loads(a["credits"]) == ["TUT.BY", "Reuters"]
    assert listed["d"]["date"] is None  # neither a date nor a week


def test_link_graph_edges_among_archived_articles(
    reader: Archive, known: tuple[Path, dict[str, int]]
) -> None:
    ids = known[1]
    edges = sorted(
        (r["source_id"], r["target_id"], r["kind"], r["position"], r["first_seen_at"], r["last_seen_at"])
        for r in rows(reader, "link_graph")
    )
    assert edges == sorted([
        (ids["a"], ids["b"], "similar", 1, T1, T1),
        (ids["a"], ids["c"], "inline", 1, T1, T1),
        (ids["b"], ids["a"], "trend", 1, T1, T1),
        (ids["c"], ids["a"], "similar", 1, T1, T1),
        (ids["c"], ids["b"], "similar", 2, T1, T1),
        (ids["e"], ids["e"], "inline", 1, T1, T1),
    ])  # a -> missing is no edge: its target is not archived


def test_related_articles_has_both_ends_titles_and_dates(reader: Archive) -> None:
    links = {(r["target_url"], r["kind"]): r for r in rows(reader, "related_articles")
             if r["source_url"] == url("a")}
    assert set(links) == {(url("b"), "similar"), (url("missing"), "similar"), (url("c"), "inline")}
    to_b = links[url("b"), "similar"]
    assert (to_b["source_title"], to_b["source_published_at"]) == ("Sanctions hit potash exports", DATE_A)
    assert (to_b["target_title"], to_b["target_published_at"]) == ("Minsk and the West", DATE_B)
    missing = links[url("missing"), "similar"]
    assert (missing["target_id"], missing["target_title"], missing["target_published_at"]) == (
        None, None, None,
    )
    assert missing["link_title"] == "Title missing"


def test_links_to_a_later_article_become_edges(tmp_path: Path) -> None:
    with Archive(tmp_path / "archive.db") as archive:
        archive.store_items([make_item("a", related=[link("b")])], run_id=None, seen_at=T1)
        assert rows(archive, "link_graph") == []
        archive.store_items([make_item("b")], run_id=None, seen_at=T2)
        graph = [(r["source_id"], r["target_id"], r["kind"]) for r in rows(archive, "link_graph")]
        assert graph == [(1, 2, "similar")]
        assert archive.db.execute("SELECT count(*) FROM articles_by_month").fetchone()[0] == 1
        with archive.db.conn:  # the views follow deletes (the FTS triggers too: test_store.py)
            archive.db.execute("DELETE FROM articles WHERE url = ?", (url("b"),))
        assert rows(archive, "link_graph") == []
        assert slugs(archive.search("analysis")) == ["a"]


def test_views_are_documented_with_their_columns(reader: Archive) -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "schema.md").read_text(encoding="utf-8")
    assert sorted(reader.db.view_names()) == sorted(VIEWS)
    for view in VIEWS:
        assert f"### `{view}`" in doc, view
        for column in reader.db[view].columns:
            assert f"`{column.name}`" in doc, f"{view}.{column.name}"


def test_every_sql_example_in_the_schema_doc_runs(reader: Archive) -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "schema.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", doc, flags=re.DOTALL)
    assert len(blocks) >= 10
    for sql in blocks:
        reader.db.execute(sql).fetchall()


# --- migration --------------------------------------------------------------------------------
def test_migrating_from_version_4_adds_the_views_and_keeps_rows(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    conn = sqlite3.connect(path)
    for migration in store.MIGRATIONS[:4]:
        for statement in migration.statements:
            conn.execute(statement)
    for slug, credit, month in (("a", "TUT.BY; Reuters", "2016-11"), ("b", "Reuters", "2017-02")):
        conn.execute(
            "INSERT INTO articles (url, title, category, published_at, image_credit, body, "
            "word_count, content_hash, first_seen_at, last_seen_at, updated_at) "
            "VALUES (?, ?, 'Economy', ?, ?, 'old potash body', 3, 'x', ?, ?, ?)",
            (url(slug), f"Old {slug}", f"{month}-01T00:00:00Z", credit, T1, T1, T1),
        )
    conn.execute("INSERT INTO related_links (source_id, target_url, position, kind, first_seen_at, "
                 "last_seen_at) VALUES (1, ?, 1, 'similar', ?, ?)", (url("b"), T1, T1))
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveError, match="open it once for writing"):
        Archive(path).open(readonly=True)
    with Archive(path) as archive:
        assert archive.schema_version == SCHEMA_VERSION >= 5
        assert sorted(archive.db.view_names()) == sorted(VIEWS)
        assert archive.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
        assert archive.db.execute("SELECT count(*) FROM related_links").fetchone()[0] == 1
        assert rows(archive, "link_graph")[0]["target_id"] == 2
        assert [(r["credit"], r["articles"]) for r in rows(archive, "image_credits")] == [
            ("Reuters", 2), ("TUT.BY", 1),
        ]
        assert archive.articles_by_month() == [MonthCount("2016-11", 1, 3), MonthCount("2017-02", 1, 3)]
        assert set(slugs(archive.search("potash"))) == {"a", "b"}  # the FTS index came along


# --- stats ------------------------------------------------------------------------------------
def test_stats_json_lists_the_last_five_runs(known: tuple[Path, dict[str, int]]) -> None:
    result = invoke("stats", "--db", str(known[0]), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    last = data["last_runs"]
    assert [run["id"] for run in last] == [6, 5, 4, 3, 2]
    assert last[0] == {
        "id": 6, "mode": "incremental", "started_at": "2026-11-06T10:00:00Z", "finished_at": None,
        "items_new": 0, "items_updated": 0, "items_rejected": 0, "failures": 0, "exit_code": None,
    }
    assert (last[1]["mode"], last[1]["finished_at"], last[1]["items_new"]) == (
        "full", "2026-11-05T11:00:00Z", 5,
    )
    assert (last[1]["failures"], last[1]["exit_code"]) == (1, 1)
    assert data["totals"]["articles"] == 5
    assert data["top_credits"] == {"TUT.BY": 3, "BelTA": 2, "Reuters": 2}


def test_stats_text_shows_the_same_runs(known: tuple[Path, dict[str, int]]) -> None:
    result = invoke("stats", "--db", str(known[0]))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    runs = lines[lines.index("last_runs:") + 1:]
    assert runs == [
        (
            "  6 incremental: started 2026-11-06T10:00:00Z, unfinished; "
            "0 new, 0 updated, 0 rejected, 0 failed; exit -"
        ),
        (
            "  5 full: started 2026-11-05T10:00:00Z, finished 2026-11-05T11:00:00Z; "
            "5 new, 0 updated, 0 rejected, 1 failed; exit 1"
        ),
        (
            "  4 incremental: started 2026-11-04T10:00:00Z, finished 2026-11-04T11:00:00Z; "
            "4 new, 0 updated, 0 rejected, 0 failed; exit 0"
        ),
        (
            "  3 full: started 2026-11-03T10:00:00Z, finished 2026-11-03T11:00:00Z; "
            "3 new, 0 updated, 0 rejected, 1 failed; exit 1"
        ),
        (
            "  2 incremental: started 2026-11-02T10:00:00Z, finished 2026-11-02T11:00:00Z; "
            "2 new, 0 updated, 0 rejected, 0 failed; exit 0"
        ),
    ]
    assert "  TUT.BY: 3" in lines


def test_stats_of_an_archive_without_runs(tmp_path: Path) -> None:
    with Archive(tmp_path / "archive.db"):
        pass
    result = invoke("stats", "--db", str(tmp_path / "archive.db"))
    assert result.exit_code == 0, result.output
    assert "last_runs: none" in result.stdout.splitlines()


# --- the plot ---------------------------------------------------------------------------------
def parse_svg(text: str) -> ET.Element:
    """Our own output, so the standard parser is safe here."""
    return ET.fromstring(text)  # noqa: S314


def bars(svg: ET.Element) -> list[ET.Element]:
    return [rect for rect in svg.iter(f"{SVG}rect") if rect.get("class") == "bar"]


@pytest.mark.parametrize("name", ["plot.svg", "plot.html", "PLOT.HTM"])
def test_stats_plot_draws_one_bar_per_month(
    known: tuple[Path, dict[str, int]], tmp_path: Path, name: str
) -> None:
    target = tmp_path / name
    result = invoke("stats", "--db", str(known[0]), "--format", "json", "--plot", str(target))
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)  # the stats still go to stdout
    assert f"wrote {target}" in result.stderr
    text = target.read_text(encoding="utf-8")
    if name.endswith(".svg"):
        svg = parse_svg(text)
    else:
        assert text.startswith("<!DOCTYPE html>")
        assert "<script" not in text
        assert "http" not in text.replace("http://www.w3.org/2000/svg", "")  # nothing external
        inline = re.search(r"<svg.*</svg>", text, flags=re.DOTALL)
        assert inline is not None
        svg = parse_svg(inline.group(0))
    assert svg.tag == f"{SVG}svg"
    drawn = bars(svg)
    assert [(b.get("data-month"), b.get("data-articles")) for b in drawn] == [
        ("2016-11", "2"), ("2017-02", "2"),
    ]
    assert drawn[0].get("height") == drawn[1].get("height")
    assert float(drawn[0].get("x", 0)) < float(drawn[1].get("x", 0))


def test_plot_bars_scale_and_leave_gaps_for_empty_months() -> None:
    months = [MonthCount("2017-02", 17, 100), MonthCount("2016-11", 4, 10), MonthCount("2017-03", 8, 1)]
    svg = parse_svg(bar_chart_svg(months))
    drawn = bars(svg)
    assert [b.get("data-month") for b in drawn] == ["2016-11", "2017-02", "2017-03"]
    x = [float(b.get("x", 0)) for b in drawn]
    assert x[1] - x[0] == pytest.approx(3 * (x[2] - x[1]))  # Dec and Jan are gaps
    heights = [float(b.get("height", 0)) for b in drawn]
    assert heights[0] / heights[1] == pytest.approx(4 / 17, abs=0.01)
    assert "2017-02: 17 articles, 100 words" in [t.text for b in drawn for t in b]
    empty = parse_svg(bar_chart_svg([]))
    assert bars(empty) == []


@pytest.mark.parametrize("name", ["plot.png", "plot.pdf", "plot"])
def test_stats_plot_refuses_other_formats(
    known: tuple[Path, dict[str, int]], tmp_path: Path, name: str
) -> None:
    result = invoke("stats", "--db", str(known[0]), "--plot", str(tmp_path / name))
    assert result.exit_code == 2
    assert ".svg or .html" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_stats_plot_into_a_missing_directory_is_one_line(
    known: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    result = invoke("stats", "--db", str(known[0]), "--plot", str(tmp_path / "no" / "plot.svg"))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: cannot write {tmp_path / 'no' / 'plot.svg'}: No such file or directory"
    ]


def test_search_without_filters_ranks_exactly_as_with_an_open_filter(tmp_path: Path) -> None:
    """The unfiltered search ranks inside the FTS index first (a faster plan): same hits, same
    order, ties on rank broken by date, at every limit."""
    db = tmp_path / "ties.db"
    with Archive(db) as archive:
        items = [
            make_item(f"t{n}", body=words(40, "potash"), published_at=f"2016-11-{n + 1:02d}T07:41:00Z")
            for n in range(12)
        ]
        items += [make_item(f"u{n}", body=words(40, "potash", "potash")) for n in range(5)]
        archive.store_items(items, run_id=None, seen_at=T1)
    with Archive(db).open(readonly=True) as archive:
        for limit in (1, 3, 7, 12, 30):
            fast = archive.search("potash", limit=limit)
            general = archive.search("potash", limit=limit, since="1900-01-01T00:00:00Z")
            assert [h["url"] for h in fast] == [h["url"] for h in general], limit
            assert len(fast) == min(limit, 17)
