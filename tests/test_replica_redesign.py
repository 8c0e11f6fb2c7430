"""The replica's second template (the 2025 redesign): which pages use it, what its markup is, its
structured metadata, and that the first template and the ground truth do not change.

Pages are read with the standard library only (regexes, html.parser, json), independently of the
project's page objects. The golden pages under tests/fixtures/pages/redesign-2025-*/ are made by
``python -m tests.test_replica_redesign`` (run from the repository root) and checked here against a
fresh rendering.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from datetime import UTC, date, datetime, timedelta
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.replica import DEFAULT_NOW, ReplicaSite
from archiver.replica.redesign import parse_redesign
from archiver.replica.server import advanced_site

BASE = "http://127.0.0.1:8000"
MINSK = ZoneInfo("Europe/Minsk")
CUTOFF = date(2025, 1, 1)
FIXTURES = Path(__file__).parent / "fixtures" / "pages"
SITE_URL = "https://belarusinfocus.info"
FETCHED_AT = "2026-11-28T12:00:00Z"
FIXTURE_SITE: dict[str, Any] = {"n_articles": 60, "seed": 2025, "redesign_from": "2025-01-01"}
FIXTURE_ARTICLES = (0, 1, 4)
"""Indexes (newest first) of the saved redesign articles: a "Read more" box, noscript, h2 and an
inline link; no image, a soft hyphen and straight quotes in hex entities; an NBSP title and a URL
credit. Then the front page (redesign-2025-4)."""
EXPECTED_KEYS = (
    "url", "title", "category", "trend_status", "published_at", "published_local", "published_raw",
    "image_url", "image_credit", "lead", "body", "word_count", "related",
)
OLD_CLASSES = frozenset({
    "node", "node-article", "title", "submitted", "date-display-single", "image-credit", "breadcrumb",
    "similar-articles", "similar-item", "teaser", "share-buttons", "read-more", "status-icon",
    "field-label", "views-row", "node-title", "view-content", "pager", "pager-next", "pager-current",
    "block-recent-trends", "block", "logo", "menu", "element-invisible",
})
"""Classes of the first template that a crawler's selectors key on (markup.py)."""
OLD_IDS = frozenset({"main", "sidebar", "header", "footer"})
ROW_LINK = re.compile(r'<h2 class="post-card__title"><a href="([^"]+)">')
NEXT = re.compile(r'<a class="next page-numbers" rel="next" href="([^"]+)">')
INVISIBLE = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}


@pytest.fixture(scope="module")
def site() -> ReplicaSite:
    return ReplicaSite(120, seed=4, redesign_from=CUTOFF)


def html_of(site: ReplicaSite, path: str, base: str = BASE) -> str:
    status, content_type, body = site.render(path, base)
    assert status == 200, path
    assert content_type == "text/html; charset=utf-8"
    return body.decode("utf-8")


def is_new(page: str) -> bool:
    """Which template a page is in, from its markup alone."""
    return '<meta name="generator" content="WordPress' in page and "node-article" not in page


class Tags(HTMLParser):
    """Every class and id of a page, and its meta tags and JSON-LD scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.classes: set[str] = set()
        self.ids: set[str] = set()
        self.body_classes: list[str] = []
        self.meta: dict[str, str] = {}
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        at = {k: v or "" for k, v in attrs}
        self.classes.update(at.get("class", "").split())
        if "id" in at:
            self.ids.add(at["id"])
        if tag == "body":
            self.body_classes = at.get("class", "").split()
        if tag == "meta" and ("property" in at or "name" in at):
            self.meta[at.get("property") or at["name"]] = at.get("content", "")
        self._in_jsonld = tag == "script" and at.get("type") == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        self._in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld.append(data)


def tags(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    return parser


class PostText(HTMLParser):
    """The contract's plain text of ``div.post-content``: blocks, ``- `` list items, ``<br>``
    lines; asides, scripts, styles and noscripts left out."""

    BLOCKS = frozenset({"p", "h2", "h3", "blockquote", "ul", "ol", "li"})
    DROPPED = frozenset({"script", "style", "noscript", "aside"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.dropped = 0
        self.blocks: list[list[str]] = []
        self.lines: list[str] = []
        self.chunk = ""

    def flush_line(self, prefix: str = "") -> None:
        line = " ".join(self.chunk.translate(INVISIBLE).split())
        if line:
            self.lines.append(line)
        self.chunk = prefix

    def flush_block(self) -> None:
        self.flush_line()
        if self.lines:
            self.blocks.append(self.lines)
        self.lines = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div" and (self.depth or "post-content" in (dict(attrs).get("class") or "")):
            self.depth += 1
        if not self.depth:
            return
        if tag in self.DROPPED:
            self.dropped += 1
        elif self.dropped:
            return
        elif tag == "br":
            self.flush_line()
        elif tag == "li":
            self.flush_line(prefix="- ")
        elif tag in self.BLOCKS:
            self.flush_block()

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if tag in self.DROPPED:
            self.dropped -= 1
        elif tag == "div":
            self.depth -= 1
        elif self.dropped:
            return
        elif tag in self.BLOCKS - {"li"}:
            self.flush_block()
        elif tag == "li":
            self.flush_line()

    def handle_data(self, data: str) -> None:
        if self.depth and not self.dropped:
            self.chunk += data

    def text(self) -> str:
        self.flush_block()
        return "\n\n".join("\n".join(lines) for lines in self.blocks)


def news_article(page: str) -> dict[str, Any]:
    found = tags(page).jsonld
    assert len(found) == 1
    data = json.loads(found[0])
    assert data["@context"] == "https://schema.org"
    (article,) = [node for node in data["@graph"] if node["@type"] == "NewsArticle"]
    return article


def plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text.translate(INVISIBLE)).split())


# --- which pages are redesigned ---------------------------------------------------------------
def test_articles_from_the_date_use_the_new_template(site: ReplicaSite) -> None:
    cutoff = datetime(2025, 1, 1, tzinfo=MINSK)
    new = [a for a in site.articles if a.published >= cutoff]
    assert 0 < len(new) < len(site.articles)
    for article in site.articles:
        assert is_new(html_of(site, article.path)) == (article.published >= cutoff), article.path
        assert site.redesigned(article) == (article.published >= cutoff)
    for path in ("/", "/?page=3", "/economy", "/about-monitoring"):
        assert is_new(html_of(site, path)), path
    status, _, body = site.render("/no/such/page/here", BASE)
    assert status == 404
    assert is_new(body.decode())


def test_all_redesigns_every_page_and_none_no_page() -> None:
    everything = ReplicaSite(30, seed=1, redesign_from="all")
    nothing = ReplicaSite(30, seed=1)
    assert everything.redesign == "all"
    for path in ["/", "/economy", "/about-monitoring", *(a.path for a in everything.articles)]:
        assert is_new(html_of(everything, path)), path
        assert not is_new(html_of(nothing, path)), path


def test_listings_switch_when_the_clock_reaches_the_date() -> None:
    site = ReplicaSite(40, seed=2, now=DEFAULT_NOW, redesign_from=date(2026, 12, 1))
    assert not site.redesigned()
    assert not any(is_new(html_of(site, p)) for p in ["/", *(a.path for a in site.articles)])
    change = site.advance(3, 2, at=datetime(2026, 12, 2, 12, 0, tzinfo=MINSK))
    assert site.redesigned()
    assert is_new(html_of(site, "/"))
    for article in site.articles:
        assert is_new(html_of(site, article.path)) == (article.path in change.new), article.path


def test_redesign_from_accepts_dates_times_and_all() -> None:
    minsk_midnight = datetime(2025, 3, 1, tzinfo=MINSK)
    assert parse_redesign(date(2025, 3, 1)) == minsk_midnight
    assert parse_redesign("2025-03-01") == minsk_midnight
    assert parse_redesign(" ALL ") == "all"
    assert parse_redesign(None) is None
    assert parse_redesign(datetime(2025, 2, 28, 21, 0, tzinfo=UTC)) == minsk_midnight
    assert parse_redesign("2025-02-28T21:00:00+00:00") == minsk_midnight
    for bad in ("2025-13-01", "sometimes", "2025-03-01T00:00:00"):
        with pytest.raises(ValueError, match="redesign_from"):
            parse_redesign(bad)
    with pytest.raises(ValueError, match="aware"):
        ReplicaSite(10, redesign_from=datetime(2025, 1, 1))  # noqa: DTZ001 (naive on purpose)


# --- the first template and the truth do not change ------------------------------------------------
def every_path(site: ReplicaSite) -> list[str]:
    return ["/", "/?page=2", "/economy", "/economy?page=1", "/about-monitoring", "/feed/",
            "/sitemap.xml", "/robots.txt", "/missing", *(a.path for a in site.articles)]


@pytest.mark.parametrize("redesign_from", [None, date(2030, 1, 1)])  # off, or after the clock
def test_first_template_is_byte_identical_when_off(redesign_from: date | None) -> None:
    before = ReplicaSite(50, seed=9)  # as rendered without the parameter
    other = ReplicaSite(50, seed=9, redesign_from=redesign_from)
    for site in (before, other):
        site.advance(2, 3)
        site.fail(["/economy"], 502)
    for path in every_path(before):
        assert other.respond(path, BASE) == before.respond(path, BASE), path


def test_articles_before_the_date_are_byte_identical(site: ReplicaSite) -> None:
    original = ReplicaSite(120, seed=4)
    cutoff = datetime(2025, 1, 1, tzinfo=MINSK)
    for article in site.articles:
        if article.published < cutoff:
            assert site.respond(article.path, BASE) == original.respond(article.path, BASE)
    for path in ("/feed/", "/sitemap.xml", "/robots.txt"):
        assert site.respond(path, BASE) == original.respond(path, BASE)


def test_ground_truth_does_not_depend_on_the_template(site: ReplicaSite) -> None:
    truth = site.ground_truth(BASE)
    assert truth == ReplicaSite(120, seed=4).ground_truth(BASE)
    assert truth == ReplicaSite(120, seed=4, redesign_from="all").ground_truth(BASE)


# --- the new template's markup -----------------------------------------------------------------
def test_new_markup_lacks_the_old_templates_classes(site: ReplicaSite) -> None:
    old_page = tags(html_of(ReplicaSite(120, seed=4), site.articles[0].path))
    assert {"node-article", "submitted", "similar-articles", "image-credit"} <= old_page.classes
    for path in ["/", "/?page=1", "/economy", *(a.path for a in site.articles[:8])]:
        found = tags(html_of(site, path))
        assert not found.classes & OLD_CLASSES, (path, found.classes & OLD_CLASSES)
        assert not [c for c in found.classes if c.startswith("field-") or "status-" in c], path
        assert not [c for c in found.body_classes if c.startswith(("node-type-", "page-"))], path
        assert not found.ids & OLD_IDS, path


def test_new_article_anatomy(site: ReplicaSite) -> None:
    truth = {rec["url"]: rec for rec in site.ground_truth(BASE)}
    for article in site.articles[:8]:
        page = html_of(site, article.path)
        rec = truth[BASE + article.path]
        order = ['<article id="post-', '<header class="post-header">', 'rel="category tag"',
                 '<h1 class="entry-title">', '<p class="post-excerpt">', '<div class="post-content">',
                 '<footer class="post-footer">', '<aside class="related-posts"',
                 '<aside id="secondary" class="widget-area"', '<footer class="site-footer">']
        places = [page.index(marker) for marker in order]
        assert places == sorted(places), article.path
        h1 = re.search(r'<h1 class="entry-title">(.*?)</h1>', page)
        assert h1 is not None
        assert plain(unescape(h1.group(1))) == rec["title"]
        shown = re.search(r'<time class="published" datetime="([^"]+)">([^<]+)</time>', page)
        assert shown is not None
        assert shown.groups() == (rec["published_local"], rec["published_raw"])
        category = re.search(r'<a href="([^"]+)" rel="category tag">([^<]+)</a>', page)
        assert category is not None
        assert category.groups() == (article.section.path, rec["category"])
        badge = re.search(r'<span class="trend-badge is-(\w+)"', page)
        assert (badge.group(1) if badge else None) == rec["trend_status"]
        caption = re.search(r"<figcaption>(.*?)</figcaption>", page)
        assert (unescape(caption.group(1)) if caption else None) == article.credit_line
        image = re.search(r'<figure class="post-thumbnail"><img src="([^"]+)"', page)
        assert (BASE + image.group(1) if image else None) == rec["image_url"]
        related = re.search(r'<aside class="related-posts".*?</aside>', page, re.DOTALL)
        assert related is not None
        similar = re.findall(r'<h3 class="related-post__title"><a href="([^"]+)">', related.group(0))
        assert [BASE + p for p in similar] == [
            r["target_url"] for r in rec["related"] if r["kind"] == "similar"
        ]
        trends = re.search(r'<h2 class="widget-title">Recent trends</h2><ul>(.*?)</ul>', page)
        assert trends is not None
        assert [BASE + p for p in re.findall(r'href="([^"]+)"', trends.group(1))] == [
            r["target_url"] for r in rec["related"] if r["kind"] == "trend"
        ]


def test_new_body_reads_as_the_truth(site: ReplicaSite) -> None:
    truth = {rec["url"]: rec for rec in site.ground_truth(BASE)}
    redesigned = [a for a in site.articles if site.redesigned(a)]
    for article in redesigned:
        page = html_of(site, article.path)
        reader = PostText()
        reader.feed(page)
        text = reader.text()
        first, _, rest = text.partition("\n\n")
        if first == article.lead:
            text = rest
        assert text == truth[BASE + article.path]["body"], article.path
        body = re.search(r'<div class="post-content">(.*?)\n</div>\n<footer', page, re.DOTALL)
        assert body is not None
        inline = re.findall(r'<a href="(/[^"]+)">', re.sub(r"<aside.*?</aside>", "", body.group(1)))
        assert [BASE + p for p in inline] == [
            r["target_url"] for r in truth[BASE + article.path]["related"] if r["kind"] == "inline"
        ]


def test_new_pages_keep_the_hard_cases() -> None:
    site = ReplicaSite(200, seed=7, redesign_from="all")
    pages = [html_of(site, a.path) for a in site.articles]
    joined = "\n".join(pages)
    for needle in ("<figcaption>Image: ", "<figcaption>Photo", "<figcaption>&#169; ",
                   "&nbsp;", "&#173;", "<blockquote>", "<ol>", '<aside class="read-more-box">',
                   "<noscript>", "<!--", "<br />", "&amp;"):
        assert needle in joined, needle
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", joined)
    assert any(c.startswith("Image: http") for c in captions)


def test_structured_metadata_matches_the_truth(site: ReplicaSite) -> None:
    truth = {rec["url"]: rec for rec in site.ground_truth(BASE)}
    redesigned = [a for a in site.articles if site.redesigned(a)]
    for article in redesigned:
        page = html_of(site, article.path)
        rec = truth[BASE + article.path]
        news = news_article(page)
        assert plain(news["headline"]) == rec["title"]
        assert news["datePublished"] == rec["published_local"]
        published = datetime.fromisoformat(news["datePublished"])
        assert published.utcoffset() == timedelta(hours=3)
        assert published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") == rec["published_at"]
        assert news["articleSection"] == rec["category"]
        assert " ".join(news["description"].split()) == rec["lead"]
        assert news["author"]["name"]
        assert (news["image"]["url"] if "image" in news else None) == rec["image_url"]
        meta = tags(page).meta
        assert plain(meta["og:title"]) == rec["title"]
        assert meta.get("og:image") == rec["image_url"]
        assert meta["article:published_time"] == rec["published_local"]
        assert meta["article:section"] == rec["category"]
        assert meta["generator"].startswith("WordPress")
        assert f'<link rel="canonical" href="{BASE}{article.path}">' in page


def test_defective_articles_in_the_new_template() -> None:
    site = ReplicaSite(30, seed=3, defects=6, redesign_from="all")
    for article in site.articles:
        if article.defect is None:
            continue
        page = html_of(site, article.path)
        news = news_article(page)
        if article.defect == "no-date":
            assert "<time" not in page.split('<aside class="related-posts"')[0]
            assert "datePublished" not in news
            assert "article:published_time" not in page
        if article.defect == "no-title":
            assert '<h1 class="entry-title"></h1>' in page
            assert news["headline"] == ""


def test_redesigned_article_validators(site: ReplicaSite) -> None:
    article = next(a for a in site.articles if site.redesigned(a))
    one = site.respond(article.path, BASE)
    other = site.respond(article.path, "http://replica.test:9")
    assert one.etag == other.etag
    assert one.etag != ReplicaSite(120, seed=4).respond(article.path, BASE).etag
    assert site.respond(article.path, BASE, if_none_match=one.etag).status == 304


# --- listings -------------------------------------------------------------------------------------
def walk(site: ReplicaSite, start: str) -> tuple[list[str], int]:
    seen: list[str] = []
    url: str | None = start
    pages = 0
    while url is not None:
        page = html_of(site, url)
        assert is_new(page)
        rows = ROW_LINK.findall(page)
        assert 0 < len(rows) <= 10
        assert page.count('<article class="post-card">') == len(rows)
        seen += rows
        pages += 1
        found = NEXT.search(page)
        url = found.group(1) if found else None
    return seen, pages


def test_new_listings_link_every_article_and_paginate(site: ReplicaSite) -> None:
    paths, pages = walk(site, "/")
    assert paths == [a.path for a in site.articles]
    assert pages == 12
    first, middle, last = html_of(site, "/"), html_of(site, "/?page=5"), html_of(site, "/?page=11")
    assert 'rel="prev"' not in first
    assert '<nav class="pagination" aria-label="Posts">' in first
    assert '<a class="prev page-numbers" rel="prev" href="/?page=4">' in middle
    assert '<span aria-current="page" class="page-numbers current">6</span>' in middle
    assert '<span class="page-numbers dots">…</span>' in middle
    assert 'rel="next"' not in last
    assert '<a class="page-numbers" href="/">1</a>' in last
    covered: list[str] = []
    for category in site.categories:
        category_paths, _ = walk(site, category.path)
        assert category_paths == [a.path for a in site.in_category(category.slug)]
        assert f'<h1 class="archive-title">{category.name}</h1>' in html_of(site, category.path)
        covered += category_paths
    assert sorted(covered) == sorted(a.path for a in site.articles)
    assert site.render("/?page=12", BASE)[0] == 404


def test_listing_cards_carry_the_machine_date(site: ReplicaSite) -> None:
    page = html_of(site, "/")
    dates = re.findall(r'<time class="published" datetime="([^"]+)">(\d{1,2} \w+ \d{4})</time>', page)
    assert [d for d, _ in dates] == [a.published_local for a in site.articles[:10]]


# --- serving ---------------------------------------------------------------------------------------
def test_serve_helpers_and_cli_option() -> None:
    site = advanced_site(20, 1, new=1, redesign_from="all")
    assert site.redesign == "all"
    assert is_new(html_of(site, site.articles[0].path))
    result = CliRunner().invoke(cli, ["replica", "serve", "--redesign-from", "someday", "--port", "1"])
    assert result.exit_code == 2
    assert "--redesign-from" in result.output


# --- golden pages ------------------------------------------------------------------------------------
def fixture_site() -> ReplicaSite:
    return ReplicaSite(FIXTURE_SITE["n_articles"], seed=FIXTURE_SITE["seed"],
                       redesign_from=FIXTURE_SITE["redesign_from"])


def fixture_cases(site: ReplicaSite) -> dict[str, tuple[dict[str, Any], bytes, dict[str, Any]]]:
    """``redesign-2025-<n>`` -> (meta.json, page.html, expected.json) as they must be saved."""
    truth = {rec["url"]: rec for rec in site.ground_truth(SITE_URL)}
    cases: dict[str, tuple[dict[str, Any], bytes, dict[str, Any]]] = {}
    replica = {**FIXTURE_SITE, "now": site.now.isoformat()}
    for n, index in enumerate(FIXTURE_ARTICLES, 1):
        article = site.articles[index]
        url = SITE_URL + article.path
        rec = truth[url]
        expected = {key: rec[key] for key in EXPECTED_KEYS}
        expected["related"] = [
            {"target_url": r["target_url"], "title": r["title"], "position": r["position"],
             "kind": r["kind"]}
            for r in rec["related"]
        ]
        expected["reject_reasons"] = []
        meta = {"url": url, "fetched_at": FETCHED_AT, "kind": "article", "template": "redesign-2025",
                "replica": replica}
        cases[f"redesign-2025-{n}"] = (meta, site.render(article.path, SITE_URL)[2], expected)
    listing = {
        "url": SITE_URL + "/",
        "articles": [SITE_URL + a.path for a in site.articles[:10]],
        "next_page": SITE_URL + "/?page=1",
        "dates": {SITE_URL + a.path: a.published_local for a in site.articles[:10]},
    }
    meta = {"url": SITE_URL + "/", "fetched_at": FETCHED_AT, "kind": "listing",
            "template": "redesign-2025", "replica": replica}
    cases[f"redesign-2025-{len(FIXTURE_ARTICLES) + 1}"] = (meta, site.render("/", SITE_URL)[2], listing)
    return cases


def test_golden_redesign_pages_match_the_replica() -> None:
    site = fixture_site()
    for name, (meta, page, expected) in fixture_cases(site).items():
        folder = FIXTURES / name
        regenerate = f"{name}: python -m tests.test_replica_redesign rewrites it"
        assert (folder / "page.html").read_bytes() == page, regenerate
        assert json.loads((folder / "meta.json").read_text()) == meta, name
        assert json.loads((folder / "expected.json").read_text()) == expected, name
        assert is_new(page.decode())
        if meta["kind"] == "article":
            assert set(expected) == {*EXPECTED_KEYS, "reject_reasons"}
            assert news_article(page.decode())["datePublished"] == expected["published_local"]


def save_fixtures() -> None:
    """Write the golden redesign pages (``python -m tests.test_replica_redesign``)."""
    for name, (meta, page, expected) in fixture_cases(fixture_site()).items():
        folder = FIXTURES / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "page.html").write_bytes(page)
        for file, data in (("meta.json", meta), ("expected.json", expected)):
            (folder / file).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {folder}", file=sys.stderr)


if __name__ == "__main__":
    save_fixtures()
