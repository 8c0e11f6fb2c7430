"""Hostile input: text that looks like SQL, markup or format strings is stored and searched as text.

Replica article pages get a hostile title and a hostile first body paragraph (HTML-escaped in the
markup, so the *text* is hostile) and go through the page path (build_item, NormalisePipeline,
ValidatePipeline, Archive.store_items); then ``archiver search`` finds each by a hostile phrase
and prints it exactly in every format. Hostile queries and filters from the command line either
return results or exit 2 with one clear line, and leave the archive as it was.

What the normalisers legitimately change (asserted exactly, case by case): direction marks
U+200E/U+200F are removed from titles and bodies (other bidi controls such as U+202E stay);
titles and bodies keep tag-like text verbatim (``<script>x</script>`` is the page's text: the page
object hands over text, not markup). Emoji are stored as they are but are not FTS5
tokens (unicode61 treats them as separators), so a phrase around them matches, an emoji alone
does not.

NUL: a NUL byte in HTML does not survive parsing (lxml drops a raw NUL byte; ``&#0;`` becomes
U+FFFD, as in HTML5), so no page yields one. Through the store API a title or body with
``"\\x00"`` is stored and read back exactly and is searchable by its words (SQLite's
``snippet()`` leaves NUL characters out of the excerpt). A NUL cannot be passed in a real
command-line argument (execve), so NUL queries are tested through click's CliRunner.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.utils.test import get_crawler

from archiver.article import MIN_BODY_WORDS
from archiver.cli import cli
from archiver.clock import iso_utc
from archiver.dates import parse_bound as date_bound
from archiver.errors import SearchQueryError
from archiver.extract import build_item, decode_page
from archiver.items import ArticleItem, RawPage
from archiver.normalise import body_text, clean_title
from archiver.pipelines import NormalisePipeline, ValidatePipeline
from archiver.plan import parse_instant
from archiver.replica import ReplicaSite
from archiver.store import Archive
from tests.conftest import FROZEN_NOW, run_cli

BASE = "https://belarusinfocus.info"
SITE = ReplicaSite(20, seed=11)
TRUTH = SITE.ground_truth(BASE)
WEEKLY = [rec for rec in TRUTH if rec["published_raw"] is None and rec["lang"] == "en"]
"""English weekly-era pages (template wp-weekly-2022), newest first."""
DRUPAL = [rec for rec in TRUTH if rec["published_raw"] is not None]
"""Drupal-era pages (template drupal-2016), newest first."""
PAGES = [rec for pair in zip(WEEKLY, DRUPAL, strict=False) for rec in pair]
"""The pages the hostile cases replace text in: weekly and Drupal in turn (both page objects)."""
HEADERS = {"Content-Type": ["text/html; charset=utf-8"]}

H1_RE = re.compile(r'(<h1 class="(?:title|entry-title)">)(.*?)(</h1>)', re.DOTALL)
HEAD_TITLE_RE = re.compile(r"(<title>)(.*?)( (?:\||–) Belarus in Focus</title>)", re.DOTALL)
FIRST_PARAGRAPH_RES = (
    re.compile(r'(<div class="field-name-body">\s*<p>)(.*?)(</p>)', re.DOTALL),
    # weekly: the first paragraph of .entry-content is the lead, the body starts after it
    re.compile(r'(<div class="entry-content"><p>.*?</p>\s*<p>)(.*?)(</p>)', re.DOTALL),
)
"""The body's first paragraph in a Drupal and in a weekly page (group 2 its text)."""


def first_paragraph_re(text: str) -> re.Pattern[str]:
    """The pattern of ``FIRST_PARAGRAPH_RES`` that finds the body's first paragraph in ``text``."""
    return next(p for p in FIRST_PARAGRAPH_RES if p.search(text))


@dataclass(frozen=True)
class Case:
    """One hostile text: the title's text as shown, what clean_title makes of it, the body text."""

    name: str
    hostile: str
    title_core: str
    """What ``clean_title`` keeps of ``hostile`` (see ``title``)."""

    @property
    def title(self) -> str:
        """The stored title: ``clean_title`` of the title as shown (asserted equal to it)."""
        return " ".join(part for part in ("Hostile", self.title_core, self.marker) if part)

    @property
    def marker(self) -> str:
        """A word unique to this case (FTS5 tokens are letters and digits)."""
        return f"zq{self.name.replace('-', '')}"

    @property
    def title_shown(self) -> str:
        return f"Hostile {self.hostile} {self.marker}"

    @property
    def paragraph_shown(self) -> str:
        return f"Before {self.marker} {self.hostile} after {self.marker}"

    @property
    def paragraph(self) -> str:
        """The first body paragraph as stored: direction marks U+200E/U+200F removed."""
        return self.paragraph_shown.replace("\u200e", "").replace("\u200f", "")

    @property
    def phrase_query(self) -> str:
        """An FTS5 phrase of the whole paragraph (``"`` doubled inside a string)."""
        return '"' + self.paragraph_shown.replace('"', '""') + '"'


EMOJI = "Belarus \U0001f1e7\U0001f1fe flag \U0001f600 smile"  # 4-byte UTF-8: flag pair, face
FORMATS = "%s %d %(title)s {} {0} {title!r} ${x} `id`"
CASES = (
    Case("sql-quote", "Robert'); DROP TABLE articles;--", "Robert'); DROP TABLE articles;--"),
    Case("sql-or", '" OR 1=1 --', '" OR 1=1 --'),
    Case("sql-string", "' OR '1'='1", "' OR '1'='1"),
    Case("script", "<script>alert(1)</script>", "<script>alert(1)</script>"),
    Case("textarea", "</textarea><img src=x onerror=alert(1)>", "</textarea><img src=x onerror=alert(1)>"),
    Case("rtl", "\u202eevil\u202c mark\u200f here\u200e", "\u202eevil\u202c mark here"),
    Case("emoji", EMOJI, EMOJI),
    Case("backslash", "C:\\path\\to\\ \\n \\x00 \\\\", "C:\\path\\to\\ \\n \\x00 \\\\"),
    Case("format", FORMATS, FORMATS),
    Case("fts-syntax", 'NEAR( title:* "unbalanced AND', 'NEAR( title:* "unbalanced AND'),
)  # fmt: skip


def _sub(pattern: re.Pattern[str], text: str, shown: str) -> str:
    """``text`` with the inner group of ``pattern``'s first match replaced by escaped ``shown``."""
    match = pattern.search(text)
    assert match is not None, pattern.pattern
    return text[: match.start(2)] + html.escape(shown, quote=False) + text[match.end(2) :]


def hostile_page(index: int, title_shown: str, paragraph_shown: str) -> RawPage:
    """The replica's article ``index`` with its title and first body paragraph replaced."""
    url = PAGES[index]["url"]
    status, _type, body = SITE.render(url.removeprefix(BASE), BASE)
    assert status == 200
    text = body.decode("utf-8")
    text = _sub(H1_RE, text, title_shown)
    text = _sub(HEAD_TITLE_RE, text, title_shown)
    text = _sub(first_paragraph_re(text), text, paragraph_shown)
    return RawPage(url, FROZEN_NOW, 200, HEADERS, text.encode("utf-8"))


def through_pipelines(page: RawPage) -> ArticleItem:
    """``page`` through build_item, NormalisePipeline and ValidatePipeline, as a crawl would."""
    item = build_item(page, decode_page(page))
    crawler = get_crawler()
    normalised = NormalisePipeline("Europe/Minsk").process_item(item)
    validated = ValidatePipeline.from_crawler(crawler).process_item(normalised)
    assert isinstance(validated, ArticleItem)
    return validated


# --- the hostile archive ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive with one article per Case (replica article i for CASES[i])."""
    assert len(PAGES) >= len(CASES)
    db = tmp_path_factory.mktemp("hostile") / "archive.db"
    items = [
        through_pipelines(hostile_page(i, case.title_shown, case.paragraph_shown))
        for i, case in enumerate(CASES)
    ]
    for case, item in zip(CASES, items, strict=True):
        assert item.reject_reasons == [], (case.name, item.reject_reasons)
    with Archive(db) as archive:
        assert archive.store_items(items, run_id=None, seen_at=FROZEN_NOW) == ["new"] * len(CASES)
    return db


@pytest.fixture
def reader(hostile_db: Path) -> Iterator[Archive]:
    with Archive(hostile_db).open(readonly=True) as archive:
        yield archive


def snapshot(db: Path) -> dict[str, Any]:
    """The schema, each table's row count and content digest, and integrity_check of ``db``."""
    conn = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        schema = conn.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        tables = [
            name for kind, name, sql in schema if kind == "table" and "VIRTUAL" not in str(sql)
        ]
        digests = {}
        for name in tables:
            rows = sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{name}"'))
            digest = hashlib.sha256("\n".join(rows).encode("utf-8", "surrogatepass")).hexdigest()
            digests[name] = (len(rows), digest)
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    return {"schema": schema, "tables": digests, "integrity": integrity}


OBJECTS_SQL = "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
"""The archive's own objects (not sqlite_stat1, which PRAGMA optimize may add)."""


def fresh_schema(tmp_path: Path) -> list[tuple[str, str]]:
    """(type, name) of every object of a newly created archive."""
    with Archive(tmp_path / "fresh.db") as archive:
        return [
            (str(kind), str(name))
            for kind, name in archive.db.execute(
                OBJECTS_SQL
            )
        ]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


# --- the page path ----------------------------------------------------------------------------
def test_each_case_title_is_what_clean_title_documents() -> None:
    for case in CASES:
        assert clean_title(case.title_shown) == case.title, case.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_text_is_stored_exactly(reader: Archive, case: Case) -> None:
    article = reader.get_article(PAGES[CASES.index(case)]["url"])
    assert article is not None
    assert article["title_raw"] == case.title_shown  # the text as shown, byte for byte
    assert article["title"] == case.title
    body = str(article["body"])
    assert body.split("\n\n", maxsplit=1)[0] == case.paragraph
    assert body_text(f"<p>{html.escape(case.paragraph_shown)}</p>") == case.paragraph
    assert int(str(article["word_count"])) >= MIN_BODY_WORDS


def test_every_table_and_view_survives(hostile_db: Path, tmp_path: Path) -> None:
    with Archive(hostile_db).open(readonly=True) as archive:
        objects = [
            (str(kind), str(name))
            for kind, name in archive.db.execute(
                OBJECTS_SQL
            )
        ]
        assert archive.integrity_check() == ["ok"]
        assert archive.db.execute("SELECT count(*) FROM articles").fetchone()[0] == len(CASES)
    assert objects == fresh_schema(tmp_path)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_search_finds_each_case_and_prints_it_exactly(hostile_db: Path, case: Case) -> None:
    url = PAGES[CASES.index(case)]["url"]
    out = {}
    for fmt in ("jsonl", "csv", "table"):
        result = invoke("search", case.phrase_query, "--db", str(hostile_db), "--format", fmt)
        assert result.exit_code == 0, (fmt, result.output)
        out[fmt] = result.stdout
    hits = [json.loads(line) for line in out["jsonl"].splitlines()]
    assert [hit["url"] for hit in hits] == [url]
    assert hits[0]["title"] == case.title
    assert json.loads(json.dumps(hits[0], ensure_ascii=False)) == hits[0]
    assert f"[{case.paragraph}]" in hits[0]["snippet"]  # the phrase, highlighted, exactly
    rows = list(csv.DictReader(io.StringIO(out["csv"], newline="")))
    assert [(row["url"], row["title"], row["snippet"]) for row in rows] == [
        (url, case.title, hits[0]["snippet"])
    ]
    first, rest = out["table"].split("\n", 1)
    assert rest == f"     {url}\n     {hits[0]['snippet']}\n"
    if hits[0]["published_at"]:  # a Drupal page: its date; a weekly page: its week (tests/test_query.py)
        assert first == f"  1. {str(hits[0]['published_at'])[:10]}  {case.title}"
    else:
        assert re.fullmatch(rf"  1\. \S.{{0,9}}  {re.escape(case.title)}", first), first


def test_search_by_the_hostile_title_words(hostile_db: Path) -> None:
    result = invoke("search", 'title:"Robert DROP TABLE articles"', "--db", str(hostile_db),
                    "--format", "jsonl")
    assert result.exit_code == 0, result.output
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert [hit["title"] for hit in hits] == [CASES[0].title]


def test_emoji_alone_is_not_a_token_but_a_phrase_around_it_matches(reader: Archive) -> None:
    assert reader.search('"\U0001f600"') == []
    hits = reader.search('"flag \U0001f600 smile"')
    assert [hit["title"] for hit in hits] == [next(c.title for c in CASES if c.name == "emoji")]


# --- NUL --------------------------------------------------------------------------------------
def test_nul_in_html_does_not_survive_parsing(tmp_path: Path) -> None:
    """A raw NUL byte is dropped by the parser, ``&#0;`` becomes U+FFFD; the page is kept as is."""
    url = DRUPAL[5]["url"]
    status, _type, body = SITE.render(url.removeprefix(BASE), BASE)
    assert status == 200
    text = H1_RE.sub(lambda m: f"{m[1]}Nul\x00byte and &#0; entity{m[3]}", body.decode(), count=1)
    text = first_paragraph_re(text).sub(lambda m: f"{m[1]}Zero\x00byte and &#0; here.{m[3]}", text, count=1)
    page = RawPage(url, FROZEN_NOW, 200, HEADERS, text.encode())
    item = through_pipelines(page)
    assert item.reject_reasons == []
    assert item.title_raw == "Nulbyte and \ufffd entity"
    assert item.title == "Nulbyte and \ufffd entity"
    assert item.body.split("\n\n")[0] == "Zerobyte and \ufffd here."
    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        archive.store_items([item], run_id=None, seen_at=FROZEN_NOW)
        article = archive.get_article(url)
        assert article is not None
        assert "\x00" not in str(article["title"]) + str(article["body"])
        assert [p.body for p in archive.iter_pages()] == [page.body]  # the raw NUL kept
        assert b"\x00" in page.body


def nul_item() -> ArticleItem:
    url = f"{BASE}/politics/nul-bytes"
    body = "Zero\x00byte nulword\x00after. " + " ".join(["analysis"] * MIN_BODY_WORDS)
    return ArticleItem(
        url=url, page=RawPage(url, FROZEN_NOW, 200, HEADERS, b"<html>\x00</html>"),
        title="Ti\x00tle nultitle", lead="Le\x00ad", body=body, word_count=len(body.split()),
        published_at="2016-11-07T07:41:00Z", published_local="2016-11-07T10:41:00+03:00",
    )


def test_nul_through_the_store_is_kept_exactly_and_searchable(tmp_path: Path) -> None:
    item = nul_item()
    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        assert archive.store_items([item], run_id=None, seen_at=FROZEN_NOW) == ["new"]
        article = archive.get_article(item.url)
        assert article is not None
        assert (article["title"], article["lead"], article["body"]) == (item.title, item.lead, item.body)
        assert [p.body for p in archive.iter_pages()] == [item.page.body]
        for word in ("nulword", "nultitle", "tle", "byte", "after"):
            assert [hit["title"] for hit in archive.search(word)] == [item.title], word
        assert archive.integrity_check() == ["ok"]
    for fmt in ("jsonl", "csv", "table"):
        result = invoke("search", "nultitle", "--db", str(db), "--format", fmt)
        assert result.exit_code == 0, result.output
        if fmt == "jsonl":
            assert json.loads(result.stdout)["title"] == item.title  # as \u0000, round trip
        elif fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
            assert [row["title"] for row in rows] == [item.title]
        else:
            assert result.stdout.splitlines()[0] == f"  1. 2016-11-07  {item.title}"


# --- hostile queries and filters from the command line ----------------------------------------
BREAKOUT_QUERIES = (
    '"; DROP TABLE articles; --', "title:*", "NEAR(", '"unbalanced', "body:x OR 1=1", "*", "a AND",
    "' OR '1'='1", "{title body}: x", "", " ", "x" * 10_000, "(" * 2000 + "a", "rank:1", "-x",
    "x:y", "articles_fts", "NOT x", "'); DELETE FROM articles; --", "\u202eevil\u200f \U0001f600",
    "\U0001f1e7\U0001f1fe", "%", "x\\", "\udcff",  # \udcff: the byte 0xff in argv (surrogateescape)
)
NUL_QUERIES = ("nultitle\x00 NOT nultitle", "\x00", '"Ti\x00tle"', "x\x00y")
HOSTILE_OPTIONS = (
    ("--category", "' OR '1'='1"), ("--category", "Economy'; DROP TABLE articles;--"),
    ("--category", "%"), ("--category", "\u202e\U0001f600"), ("--category", "x" * 10_000),
    ("--category", "\udcff"),
    ("--since", "2016'; DROP TABLE articles;--"), ("--since", "' OR 1=1"), ("--since", "9999-99-99"),
    ("--since", "0001-01-01T00:00:00+01:00"), ("--until", "9999-12-31T23:59:59-01:00"),
    ("--since", "\u202e2016"), ("--since", "2016\U0001f600"), ("--since", "x" * 10_000),
    ("--since", "\udcff"), ("--until", "0000"), ("--since", "0999"),
)


def search(*args: str) -> tuple[int, str, str]:
    """``archiver search ARGS``: exit code, stdout, stderr. In a real process when an argument
    carries a lone surrogate (a byte that is not UTF-8, which only a real argv delivers, decoded
    with surrogateescape), else in this one (CliRunner; the subject is the query, not the process)."""
    if any("\ud800" <= char <= "\udfff" for arg in args for char in arg):
        result = run_cli("search", *args, timeout=60)
        return result.returncode, result.stdout, result.stderr
    ran = invoke("search", *args)
    return ran.exit_code, ran.stdout, ran.stderr


def check_outcome(code: int, stdout: str, stderr: str) -> None:
    """Results (exit 0) or exit 2 with one clear ``Error:`` line; never a traceback."""
    assert "Traceback" not in stdout + stderr
    assert code in (0, 2), (code, stderr[-2000:])
    if code == 0:
        assert re.fullmatch(r"(\d+ result\(s\)\n)?", stderr), stderr  # the table's count
        return
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    assert len(errors[0]) <= 400, errors[0][:400]
    assert stderr.splitlines()[-1] == errors[0]


@pytest.fixture(scope="module")
def breakout_db(hostile_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the hostile archive plus the NUL article, for the break-out attempts."""
    db = tmp_path_factory.mktemp("breakout") / "archive.db"
    with Archive(hostile_db).open(readonly=True) as source, Archive(db) as target:
        source.db.conn.backup(target.db.conn)
    with Archive(db) as archive:
        archive.store_items([nul_item()], run_id=None, seen_at=FROZEN_NOW)
    return db


@pytest.mark.parametrize("query", BREAKOUT_QUERIES, ids=lambda q: ascii(q[:30]))
def test_hostile_query_from_the_command_line(breakout_db: Path, query: str) -> None:
    before = snapshot(breakout_db)
    for fmt in ("table", "json"):
        check_outcome(*search(query, "--db", str(breakout_db), "--format", fmt))
    assert snapshot(breakout_db) == before
    assert before["integrity"] == [("ok",)]


@pytest.mark.parametrize("query", NUL_QUERIES, ids=ascii)
def test_nul_query_through_click(breakout_db: Path, query: str) -> None:
    before = snapshot(breakout_db)
    result = invoke("search", query, "--db", str(breakout_db), "--format", "json")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    check_outcome(result.exit_code, result.stdout, result.stderr)
    assert snapshot(breakout_db) == before


def test_a_nul_cannot_reach_a_real_command_line(breakout_db: Path) -> None:
    with pytest.raises(ValueError, match="null byte"):
        run_cli("search", "a\x00b", "--db", str(breakout_db), fresh=True)  # the exec is the subject


@pytest.mark.parametrize(("option", "value"), HOSTILE_OPTIONS, ids=lambda v: ascii(v[:30]))
def test_hostile_filter_from_the_command_line(breakout_db: Path, option: str, value: str) -> None:
    before = snapshot(breakout_db)
    code, stdout, stderr = search("analysis", option, value, "--db", str(breakout_db), "--format", "jsonl")
    check_outcome(code, stdout, stderr)
    if option == "--category" and code == 0:
        assert stdout == ""  # no section has such a name: no SQL was injected
    assert snapshot(breakout_db) == before


def test_a_sql_category_matches_nothing_and_a_real_one_matches(breakout_db: Path) -> None:
    category = str(TRUTH[0]["category"])
    result = invoke("search", "analysis OR zqsqlquote", "--db", str(breakout_db), "--format", "jsonl",
                    "--category", category.upper())
    assert result.exit_code == 0, result.output
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits
    assert {hit["category"] for hit in hits} == {category}


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.text(max_size=40))
def test_date_bounds_never_raise_anything_but_value_error(text: str) -> None:
    try:
        bound = date_bound(text)
    except ValueError:
        return
    assert isinstance(bound, str)
    assert parse_instant(text) is None or re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", bound)


# --- regressions: the exact inputs that broke the command line ----------------------------------
def test_regression_an_offset_past_the_calendar_is_not_a_date() -> None:
    """``--since 0001-01-01T00:00:00+01:00`` raised OverflowError (a traceback, exit 1)."""
    for text in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"):
        assert parse_instant(text) is None
        with pytest.raises(ValueError, match="expected YYYY"):
            date_bound(text)


def test_regression_a_year_before_1000_keeps_four_digits() -> None:
    """``--since 0999`` became ``999-01-01T00:00:00Z`` (glibc's %Y), which search refused."""
    assert iso_utc(datetime(999, 1, 1, tzinfo=UTC)) == "0999-01-01T00:00:00Z"
    assert date_bound("0999") == "0999-01-01T00:00:00Z"
    assert date_bound("0001-01-01T00:00:00Z") == "0001-01-01T00:00:00Z"


def test_regression_a_bad_long_query_gives_a_short_error(reader: Archive) -> None:
    """A 2,001-character bad query was repeated whole in the error line (queries are now capped
    at 1,000 characters: a 1,000-character one)."""
    with pytest.raises(SearchQueryError, match=r"… \(1000 characters\): fts5: parser stack overflow") as info:
        reader.search("(" * 999 + "a", raw=True)
    assert len(str(info.value)) < 500  # the query shown shortened, twice (as given and quoted)
    with pytest.raises(SearchQueryError, match=r"too long: 2001 characters \(at most 1000\)") as info:
        reader.search("(" * 2000 + "a")
    assert len(str(info.value)) < 300


def test_regression_undecodable_argv_bytes_are_a_clear_error(hostile_db: Path) -> None:
    """The byte 0xff in argv gave "'utf-8' codec can't encode character ..." (not naming the query)."""
    result = run_cli("search", "\udcff", "--db", str(hostile_db))
    assert (result.returncode, result.stderr) == (
        2, "Error: search query '\\udcff' is not valid Unicode text\n"
    )
    result = run_cli("search", "x", "--category", "caf\udce9", "--db", str(hostile_db))
    assert (result.returncode, result.stderr) == (
        2, "Error: search category 'caf\\udce9' is not valid Unicode text\n"
    )
