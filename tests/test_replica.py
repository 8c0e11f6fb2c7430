"""The offline replica: determinism, the calendar, every route, the server, the ground truth.

Pages are read here with the standard library only (regexes, html.parser, ElementTree), so these
tests check the replica independently of the project's page objects and normalisers.
"""

from __future__ import annotations

import hashlib
import http.client
import re
import subprocess
import sys
import unicodedata
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from archiver.replica import DEFAULT_NOW, ReplicaServer, ReplicaSite
from tests.conftest import child_env

BASE = "http://127.0.0.1:8000"
MINSK = ZoneInfo("Europe/Minsk")
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=MINSK)
SHOWN = re.compile(
    r"^(January|February|March|April|May|June|July|August|September|October|November|December)"
    r" \d{2}, \d{4} \d{2}:\d{2}$"
)
RFC822_UTC = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$"
)
TRUTH_KEYS = {
    "url", "site", "lang", "title", "category", "trend", "trend_status", "period_start", "period_end",
    "period_raw", "published_at", "published_local", "published_raw", "author", "image_url",
    "image_credit", "image_caption", "lead", "body", "word_count", "related", "urls", "redirects",
}


@pytest.fixture(scope="module")
def site() -> ReplicaSite:
    return ReplicaSite(300, seed=11, now=NOW)


@pytest.fixture(scope="module")
def truth(site: ReplicaSite) -> list[dict[str, object]]:
    return site.ground_truth(BASE)


def page(site: ReplicaSite, path: str, base: str = BASE) -> str:
    status, content_type, body = site.render(path, base)
    assert status == 200, path
    assert content_type == "text/html; charset=utf-8"
    return body.decode("utf-8")


def sample_paths(site: ReplicaSite) -> list[str]:
    arts = site.articles
    return ["/", "/?page=3", "/economy", "/feed/", "/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml",
            "/robots.txt", "/about-monitoring", "/analytics/the-ruling-elite/",
            *(a.path for a in (arts[0], arts[7], arts[len(arts) // 2], arts[-1]))]


# --- determinism and parameters -------------------------------------------------------------
def test_same_arguments_give_byte_identical_pages() -> None:
    one, two = ReplicaSite(60, seed=3), ReplicaSite(60, seed=3)
    assert [a.path for a in one.articles] == [a.path for a in two.articles]
    for path in sample_paths(one):
        assert one.render(path, BASE) == two.render(path, BASE), path
    assert one.ground_truth(BASE) == two.ground_truth(BASE)


def test_another_seed_gives_another_site() -> None:
    one, two = ReplicaSite(60, seed=3), ReplicaSite(60, seed=4)
    assert [a.title for a in one.articles] != [a.title for a in two.articles]
    assert one.render("/", BASE)[2] != two.render("/", BASE)[2]


def test_pages_do_not_depend_on_the_process_hash_seed() -> None:
    site = ReplicaSite(40, seed=9)
    paths = sample_paths(site)
    here = hashlib.sha256(b"".join(site.render(p, BASE)[2] for p in paths)).hexdigest()
    code = (
        "import hashlib; from archiver.replica import ReplicaSite\n"
        "s = ReplicaSite(40, seed=9)\n"
        f"print(hashlib.sha256(b''.join(s.render(p, {BASE!r})[2] for p in {paths!r})).hexdigest())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60,
        env=child_env(PYTHONHASHSEED="12345"), cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.stdout.strip() == here


@pytest.mark.parametrize("n", [-1, 0, 9, 20_001])
def test_article_count_out_of_bounds_is_rejected(n: int) -> None:
    with pytest.raises(ValueError, match="between 10 and 20000"):
        ReplicaSite(n)


def test_smallest_site_and_bad_clocks() -> None:
    assert len(ReplicaSite(10).articles) == 10
    with pytest.raises(ValueError, match="aware"):
        ReplicaSite(10, now=datetime(2026, 1, 1))  # noqa: DTZ001 (naive on purpose)
    with pytest.raises(ValueError, match="after January 2011"):
        ReplicaSite(10, now=datetime(2011, 1, 5, tzinfo=UTC))
    assert DEFAULT_NOW.tzinfo is not None


def test_largest_site_builds_with_unique_paths() -> None:
    """The largest site: 20,000 articles, every path its own (its build time: bench/replica.py)."""
    big = ReplicaSite(20_000)
    assert len(big.articles) == 20_000
    assert len({a.path for a in big.articles}) == 20_000
    assert big.render(big.articles[-1].path, BASE)[0] == 200


# --- the calendar ---------------------------------------------------------------------------
def test_dates_span_2011_to_now_newest_first_mostly_mondays(site: ReplicaSite) -> None:
    times = [a.published for a in site.articles]
    assert all(t.tzinfo is not None for t in times)
    assert times == sorted(times, reverse=True)
    assert len(set(times)) == len(times)
    assert times[-1].year == 2011
    assert times[-1] >= datetime(2011, 1, 3, tzinfo=MINSK)
    assert NOW - timedelta(days=60) < times[0] < NOW
    weekdays = Counter(t.weekday() for t in times)
    assert weekdays[0] / len(times) > 0.7
    assert all(9 <= t.hour <= 19 for t in times)


def test_many_articles_a_week_spread_over_weekdays() -> None:
    times = [a.published for a in ReplicaSite(5000, now=NOW).articles]
    weekdays = Counter(t.weekday() for t in times)
    assert weekdays.most_common(1)[0][0] == 0
    assert len(weekdays) >= 5
    assert max(times) < NOW


def test_minsk_offsets_across_the_2011_change() -> None:
    arts = ReplicaSite(2000, seed=1, now=NOW).articles
    change = datetime(2011, 3, 27, 3, 0, tzinfo=MINSK)
    before = [a for a in arts if a.published < change]
    after = [a for a in arts if a.published >= change]
    assert before, "the site must have articles from before the end of UTC+2"
    assert all(a.published_local.endswith("+02:00") for a in before)
    assert all(a.published_local.endswith("+03:00") for a in after)
    for a in arts[::37] + before:
        local = datetime.fromisoformat(a.published_local)
        utc = datetime.fromisoformat(a.published_at.replace("Z", "+00:00"))
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z", a.published_at)
        assert local == utc
        assert SHOWN.match(a.published_raw)
        shown = datetime.strptime(a.published_raw, "%B %d, %Y %H:%M").replace(tzinfo=MINSK)
        assert shown == local


# --- listings -----------------------------------------------------------------------------
ROW_LINK = re.compile(r'<div class="views-row[^"]*"><h2 class="node-title"><a href="([^"]+)">')
NEXT = re.compile(r'<li class="pager-next"><a title="Go to next page" href="([^"]+)">')


def walk_listing(site: ReplicaSite, start: str) -> tuple[list[str], int]:
    """Article paths of a listing and its pages, following the pager's next links."""
    seen: list[str] = []
    url: str | None = start
    pages = 0
    while url is not None:
        html = page(site, url)
        rows = ROW_LINK.findall(html)
        assert 0 < len(rows) <= 10
        seen += rows
        pages += 1
        nxt = NEXT.search(html)
        url = nxt.group(1) if nxt else None
    return seen, pages


def test_front_listing_covers_every_drupal_article_once_newest_first(site: ReplicaSite) -> None:
    paths, pages = walk_listing(site, "/")
    drupal = site.drupal_articles
    assert paths == [a.drupal_path for a in drupal]
    assert pages == -(-len(drupal) // 10) > 2
    assert f'<li class="pager-current">2 of {pages}</li>' in page(site, "/?page=1")
    last = page(site, f"/?page={pages - 1}")
    assert "pager-next" not in last
    assert f'href="/?page={pages - 2}"' in last
    assert '<a title="Go to previous page" href="/">' in page(site, "/?page=1")


def test_category_listings_partition_the_site(site: ReplicaSite) -> None:
    covered: list[str] = []
    for category in site.categories:
        paths, _ = walk_listing(site, category.path)
        assert paths == [a.drupal_path for a in site.drupal_articles if a.category == category.name]
        assert all(p.startswith(category.path + "/") for p in paths)
        covered += paths
    assert sorted(covered) == sorted(a.drupal_path for a in site.drupal_articles)
    assert {c.slug for c in site.categories} >= {
        "ruling-elite", "economy", "belarus-west-relations", "belarus-russia-relations"
    }


@pytest.mark.parametrize(
    "path", ["/?page=30", "/?page=-1", "/?page=x", "/economy?page=999", "/nowhere", "/economy/nope",
             "/admin/", "/feed", "/economy/"]
)
def test_unknown_paths_and_pages_are_404(site: ReplicaSite, path: str) -> None:
    status, content_type, body = site.render(path, BASE)
    assert status == 404
    assert content_type == "text/html; charset=utf-8"
    assert b"Page not found" in body


def test_article_path_with_trailing_slash_is_404_but_query_is_ignored(site: ReplicaSite) -> None:
    path = site.drupal_articles[5].path
    assert site.render(path + "/", BASE)[0] == 404
    assert site.render(path + "?utm_source=x", BASE) == site.render(path, BASE)


def test_about_page_is_linked_and_not_an_article(site: ReplicaSite) -> None:
    html = page(site, "/about-monitoring")
    assert "node-type-page" in html
    assert "node-article" not in html
    assert '<a href="/about-monitoring">' in page(site, "/")


# --- feed, sitemap, robots ------------------------------------------------------------------
def test_feed_is_rss_of_the_newest_twenty(site: ReplicaSite) -> None:
    status, content_type, body = site.render("/feed/", BASE)
    assert (status, content_type.split(";")[0]) == (200, "application/rss+xml")
    root = ET.fromstring(body)  # noqa: S314 (our own replica's output)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    items = root.findall("./channel/item")
    assert len(items) == 20
    newest = [a for a in site.articles if a.era == "weekly"]
    for item, article in zip(items, newest, strict=False):
        assert item.findtext("link") == BASE + article.path + "/"
        assert item.findtext("title") == article.title
        assert item.findtext("description") == article.lead
        assert item.findtext("category") == article.category
        assert item.findtext("guid")
        pub = item.findtext("pubDate") or ""
        assert RFC822_UTC.match(pub), pub
        assert parsedate_to_datetime(pub) == article.published


def test_sitemaps_list_every_article_with_lastmod(site: ReplicaSite) -> None:
    moved = site.respond("/sitemap.xml", BASE)
    assert (moved.status, moved.location) == (301, BASE + "/wp-sitemap.xml")
    status, content_type, body = site.render("/wp-sitemap.xml", BASE)
    assert (status, content_type.split(";")[0]) == (200, "application/xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    names = [e.findtext("s:loc", namespaces=ns) or "" for e in ET.fromstring(body).findall("s:sitemap", ns)]  # noqa: S314
    assert names == [BASE + "/wp-sitemap-posts-post-1.xml", BASE + "/wp-sitemap-posts-archive-1.xml"]
    entries: dict[str | None, str | None] = {}
    for name in names:
        urlset = site.render(name.removeprefix(BASE), BASE)[2]
        entries |= {
            u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns)
            for u in ET.fromstring(urlset).findall("s:url", ns)  # noqa: S314 (our own output)
        }
    for article in site.articles:
        url = BASE + (article.path if article.era == "drupal" else article.path + "/")
        lastmod = entries[url]
        assert lastmod is not None
        assert datetime.fromisoformat(lastmod) == article.published
        assert lastmod.endswith(("+03:00", "+02:00"))
        if article.weekly_path:
            assert entries[BASE + article.weekly_path + "/"] == lastmod


def test_robots_txt(site: ReplicaSite) -> None:
    status, content_type, body = site.render("/robots.txt", "http://example.test:81")
    assert (status, content_type.split(";")[0]) == (200, "text/plain")
    lines = body.decode().splitlines()
    assert lines == [
        "User-agent: *", "Disallow: /wp-admin/", "Allow: /wp-admin/admin-ajax.php", "",
        "Sitemap: http://example.test:81/wp-sitemap.xml",
    ]


# --- article pages ----------------------------------------------------------------------------
def test_article_page_anatomy_follows_the_seed_order(site: ReplicaSite) -> None:
    for article in site.drupal_articles[:40]:
        html = page(site, article.path)
        marks = [
            '<h1 class="title">', "Category status:", '<div class="submitted">',
            '<div class="field-name-field-lead">', '<div class="field-name-body">',
            '<div class="share-buttons">', "<h2>Similar articles</h2>", "<h2>Recent trends</h2>",
        ]
        positions = [html.index(m) for m in marks]
        assert positions == sorted(positions)
        assert f'<link rel="canonical" href="{BASE}{article.path}">' in html
        assert f'<span class="date-display-single">{article.published_raw}</span>' in html
        colour = {"better": "green", "worse": "red"}.get(article.trend_status or "")
        status_marker = f"status-icon status-{colour}" if colour else '<span class="status-icon"></span>'
        if "(The situation has improved)" in html:
            assert article.trend_status == "better"
        assert status_marker in html
        has_image = '<div class="field-name-field-image">' in html
        assert has_image == (article.image_credit is not None)
        if article.credit_line:
            credit = re.search(r'<div class="image-credit">(.*?)</div>', html)
            assert credit is not None
            assert unescape(credit.group(1)) == article.credit_line
        assert 3 <= html.count('<div class="similar-item">') <= 5
        trends = re.search(r"<h2>Recent trends</h2><ul>(.*?)</ul>", html, re.DOTALL)
        assert trends is not None
        assert re.findall(r'href="([^"]+)"', trends.group(1)) == [a.path for a in site.articles[:5]]


def test_similar_articles_are_other_articles_fixed_per_article(site: ReplicaSite) -> None:
    pool_dates = set()
    for article in site.articles[:60]:
        picks = site.similar(article)
        assert article not in picks
        assert len(set(picks)) == len(picks)
        assert picks == site.similar(article)
        pool_dates |= {p.published.year for p in picks}
    assert len(pool_dates) > 5  # any date, like the real site


# --- the server ---------------------------------------------------------------------------------
def test_server_serves_pages_over_http_and_logs_requests(site: ReplicaSite) -> None:
    article = site.articles[3]
    with ReplicaServer(site) as server:
        assert server.port > 0
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        with urllib.request.urlopen(server.base_url + article.path, timeout=10) as response:
            body = response.read()
            assert response.status == 200
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert body == site.render(article.path, server.base_url)[2]
        head = urllib.request.Request(server.base_url + "/feed/", method="HEAD")
        with urllib.request.urlopen(head, timeout=10) as response:
            assert response.read() == b""
            assert int(response.headers["Content-Length"]) > 1000
            assert response.headers["Content-Type"].startswith("application/rss+xml")
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(server.base_url + "/missing", timeout=10)
        assert caught.value.code == 404
        caught.value.close()
        assert server.request_log == [article.path, "/feed/", "/missing"]
        server.clear_log()
        assert server.request_log == []
        port = server.port
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)


def test_absolute_urls_follow_the_host_header(site: ReplicaSite) -> None:
    article = site.drupal_articles[0]
    newest = next(a for a in site.articles if a.era == "weekly")
    with ReplicaServer(site) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", article.path, headers={"Host": "replica.test:8443"})
        html = conn.getresponse().read().decode()
        conn.request("GET", "/feed/", headers={"Host": "other.test"})  # same keep-alive connection
        feed = conn.getresponse().read().decode()
        conn.close()
    assert f'<link rel="canonical" href="http://replica.test:8443{article.path}">' in html
    assert f"<link>http://other.test{newest.path}/</link>" in feed


def test_server_can_start_only_once(site: ReplicaSite) -> None:
    server = ReplicaServer(site).start()
    try:
        with pytest.raises(RuntimeError):
            server.start()
    finally:
        server.stop()
    server.stop()  # idempotent
    with pytest.raises(RuntimeError):
        _ = server.port


# --- ground truth -----------------------------------------------------------------------------
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
"""Zero-width characters and the soft hyphen: not part of any plain text."""


class BodyText(HTMLParser):
    """The contract's plain text of ``.field-name-body``, by a reader independent of the generator."""

    BLOCKS = frozenset({"p", "h2", "h3", "blockquote", "ul", "ol", "li"})
    DROPPED = frozenset({"script", "style", "noscript"})
    NOT_ARTICLE = ("share-buttons", "read-more")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # div nesting inside the body; 0 = outside
        self.skipped_div = 0  # the depth of the not-article div being skipped; 0 = none
        self.dropped = 0  # open script/style/noscript elements
        self.blocks: list[list[str]] = []
        self.lines: list[str] = []
        self.chunk = ""

    @property
    def skipping(self) -> bool:
        return bool(self.skipped_div or self.dropped)

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
        css = dict(attrs).get("class") or ""
        if tag == "div" and (self.depth or "field-name-body" in css):
            self.depth += 1
            if not self.skipped_div and any(name in css for name in self.NOT_ARTICLE):
                self.skipped_div = self.depth
        if not self.depth:
            return
        if tag in self.DROPPED:
            self.dropped += 1
        elif self.skipping:
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
            if self.skipped_div == self.depth:
                self.skipped_div = 0
            self.depth -= 1
        elif self.skipping:
            return
        elif tag in self.BLOCKS - {"li"}:
            self.flush_block()
        elif tag == "li":
            self.flush_line()

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skipping:
            self.chunk += data

    def text(self) -> str:
        self.flush_block()
        return "\n\n".join("\n".join(lines) for lines in self.blocks)


def test_truth_records_are_consistent(site: ReplicaSite, truth: list[dict[str, object]]) -> None:
    urls = {BASE + a.path for a in site.articles}
    english = [rec for rec in truth if rec["lang"] == "en"]
    assert [rec["url"] for rec in english] == [BASE + a.path for a in site.articles]
    for rec, article in zip(english, site.articles, strict=True):
        assert set(rec) == TRUTH_KEYS
        assert (rec["site"], rec["lang"]) == ("belarusinfocus.info", "en")
        body, lead, title = str(rec["body"]), str(rec["lead"]), str(rec["title"])
        assert "<" not in body
        assert "Share" not in body
        assert "\u00a0" not in body + lead + title
        assert "  " not in title
        assert "\n\n\n" not in body
        assert not body.startswith(lead)
        assert rec["word_count"] == len(body.split()) > 50
        assert rec["trend"] == article.section.key
        assert (rec["published_raw"] is not None) == (article.era == "drupal")
        assert (rec["period_raw"] is not None) == article.weekly
        if article.era == "drupal":
            assert rec["trend_status"] in ("better", "worse", None)
        else:
            assert rec["trend_status"] in ("better", "worse", "unchanged")
        assert (rec["image_url"] is None) == (article.credit_line is None)
        related = rec["related"]
        assert isinstance(related, list)
        translations = [r for r in related if r["kind"] == "translation"]
        assert len(translations) == (article.by_path is not None)
        assert {r["target_url"] for r in related if r["kind"] != "translation"} <= urls
        assert rec["url"] not in {r["target_url"] for r in related if r["kind"] != "trend"}
        for kind in ("similar", "trend", "inline"):
            positions = [r["position"] for r in related if r["kind"] == kind]
            assert positions == list(range(1, len(positions) + 1))
        drupal = article.era == "drupal"
        assert (3 <= sum(r["kind"] == "similar" for r in related) <= 5) == drupal
        assert sum(r["kind"] == "trend" for r in related) == (5 if drupal else 0)
        assert rec["url"] in rec["urls"]  # type: ignore[operator]
    leads_with_minsk = sum("Minsk" in str(rec["lead"]) for rec in english)
    assert leads_with_minsk / len(english) > 0.8
    drupal_recs = [rec for rec, a in zip(english, site.articles, strict=True) if a.era == "drupal"]
    no_image = sum(rec["image_credit"] is None for rec in drupal_recs) / len(drupal_recs)
    no_status = sum(rec["trend_status"] is None for rec in drupal_recs) / len(drupal_recs)
    assert 0.05 < no_image < 0.3
    assert 0.1 < no_status < 0.3
    sources = Counter(rec["image_credit"] for rec in drupal_recs)
    assert sources.most_common(1)[0][0] in ("TUT.BY", "BelTA")
    assert len(sources) >= 5


def test_truth_body_matches_the_html_read_independently(
    site: ReplicaSite, truth: list[dict[str, object]]
) -> None:
    records = {rec["url"]: rec for rec in truth}
    for article in site.drupal_articles:
        rec = records[BASE + article.path]
        reader = BodyText()
        reader.feed(page(site, article.path))
        text = reader.text()
        first, _, rest = text.partition("\n\n")
        if first == article.lead:  # the replica's repeated lead: the archive must drop it
            text = rest
        assert text == rec["body"], article.path


def test_pages_carry_the_markup_hazards_the_crawler_must_survive(site: ReplicaSite) -> None:
    bodies = [page(site, a.path).split('<div class="field-name-body">')[1] for a in site.drupal_articles]
    for hazard in ("<!-- pagebreak -->", "<blockquote>", "<ul>", "<h3>", "<br />", "&nbsp;",
                   "&#8217;", "&rsquo;", "’", "&amp;", "<script", "<em>", "<strong>", "<p>&nbsp;</p>"):
        assert any(hazard in body for body in bodies), hazard
    lead_html = re.compile(
        r'<div class="field-name-field-lead">(<p>.*?</p>)</div>\n<div class="field-name-body">\n'
    )
    repeats = 0
    for article in site.drupal_articles:
        html = page(site, article.path)
        found = lead_html.search(html)
        assert found is not None
        repeats += html[found.end() :].startswith(found.group(1))
    assert 0 < repeats < len(site.drupal_articles) * 0.15


def test_inline_links_in_truth_match_the_body(site: ReplicaSite, truth: list[dict[str, object]]) -> None:
    total = 0
    records = {rec["url"]: rec for rec in truth}
    for article in site.drupal_articles:
        rec = records[BASE + article.path]
        html = page(site, article.path)
        body = html.split('<div class="field-name-body">')[1].split('<div class="share-buttons">')[0]
        body = re.sub(r'<div class="read-more">.*?</div>', "", body)  # not the body's text
        hrefs = re.findall(r'<a href="(/[^"]+)">', body)
        related = rec["related"]
        assert isinstance(related, list)
        assert [BASE + h for h in hrefs] == [r["target_url"] for r in related if r["kind"] == "inline"]
        total += len(hrefs)
    assert total > 50


def test_truth_titles_are_plain_text(site: ReplicaSite, truth: list[dict[str, object]]) -> None:
    titles = [str(rec["title"]) for rec in truth]
    assert all(t == t.strip() and "&" + "#" not in t and "&nbsp;" not in t for t in titles)
    assert any("’" in t or "“" in t or "–" in t for t in titles)
    h1 = re.compile(r'<h1 class="title">(.*?)</h1>')
    encoded = [h1.search(page(site, a.path)) for a in site.drupal_articles]
    assert any(m and ("&#8217;" in m.group(1) or "&nbsp;" in m.group(1)) for m in encoded)


# --- hard cases of normalisation, in the pages of a default 200-article replica ---------------
H1 = re.compile(r'<h1 class="title">(.*?)</h1>', re.DOTALL)
TITLE_ELEMENT = re.compile(r"<title>(.*?)</title>", re.DOTALL)
CREDIT = re.compile(r'<div class="image-credit">(.*?)</div>')


@pytest.fixture(scope="module")
def site200() -> ReplicaSite:
    return ReplicaSite(500, seed=11)  # about 350 Drupal pages: every hard case several times


def node_html(site: ReplicaSite, path: str) -> str:
    """The article's own part of its page (not the similar entries or the sidebar)."""
    html = page(site, path)
    return html.split('<div class="node node-article">')[1].split('<div class="similar-articles">')[0]


def body_html(site: ReplicaSite, path: str) -> str:
    return node_html(site, path).split('<div class="field-name-body">')[1]


def plain_title(shown: str) -> str:
    """The contract's plain title of an h1's HTML, by the standard library."""
    text = unicodedata.normalize("NFC", unescape(shown).translate(INVISIBLE))
    return " ".join(text.split())


def test_titles_carry_the_hard_cases(site200: ReplicaSite) -> None:
    raw: list[str] = []
    for article in site200.drupal_articles:
        html = page(site200, article.path)
        h1 = H1.search(html)
        title = TITLE_ELEMENT.search(html)
        assert h1 is not None
        assert title is not None
        assert title.group(1) == f"{h1.group(1)} | Belarus in Focus"
        assert article.title == plain_title(h1.group(1)), article.path
        raw.append(h1.group(1))
    decoded = [unescape(h) for h in raw]
    for entity in ("&amp;", "&quot;", "&#8217;", "&rsquo;", "&#x", "&nbsp;", "&#8203;", "&#173;"):
        assert sum(entity in h for h in raw) >= 3, entity
    assert sum("&#8212;" in h or "&mdash;" in h or "&#x2014;" in h for h in raw) >= 3
    for char in ("\u200b", "\u200d", "\u00ad", "\u00a0", "—", "&", '"'):
        assert sum(char in d for d in decoded) >= 3, repr(char)
    assert sum(any(unicodedata.combining(c) for c in d) for d in decoded) >= 3
    assert sum("  " in d or "\n" in d for d in decoded) >= 3


def test_truth_titles_are_the_plain_forms(site200: ReplicaSite) -> None:
    by_source = {a.title_source: a.title for a in site200.articles}
    titles = [rec["title"] for rec in site200.ground_truth(BASE)]
    for title in titles:
        assert title == title.strip()
        assert "  " not in title
        assert "\n" not in title
        assert not set(title) & set("\u200b\u200c\u200d\u00ad\u00a0")
        assert unicodedata.is_normalized("NFC", title)
    decomposed = [t for s, t in by_source.items() if any(unicodedata.combining(c) for c in s)]
    assert decomposed
    assert all(any(p in t for p in ("Kraków", "Gdańsk", "Niasviž", "Mahilioŭ", "Šalčininkai",
                                    "Białowieża")) for t in decomposed)
    assert any("&" in t for t in titles)
    assert any('"' in t for t in titles)
    assert any("—" in t for t in titles)
    assert any("’" in t or "“" in t or "–" in t for t in titles)  # typographic characters kept
    for char in ("\u200b", "\u200d", "\u00ad"):
        typed = next(s for s in by_source if char in s)
        assert by_source[typed] == " ".join(unicodedata.normalize("NFC", typed.translate(INVISIBLE)).split())


CREDIT_LABELS = (
    "Image: ", "Photo: ", "Photos: ", "Фото: ", "Source — ", "© ", "PHOTO - ", "Credit: ", "photo: ",
)


def expected_credit(line: str) -> str:
    """The contract's credit of a line as the replica writes it, by hand-written rules."""
    if ". Photo: " in line:  # a caption, then the credit
        part = line.split(". Photo: ", 1)[1]
    else:
        part = next(line.removeprefix(label) for label in CREDIT_LABELS if line.startswith(label))
    if part.startswith("http"):
        return (urlsplit(part).hostname or "").removeprefix("www.")
    return part.removesuffix(".").replace(", ", "; ")


def test_credits_carry_the_hard_cases(site200: ReplicaSite) -> None:
    truth = {rec["url"]: rec for rec in site200.ground_truth(BASE)}
    lines = []
    for article in site200.drupal_articles:
        found = CREDIT.search(node_html(site200, article.path))
        if article.credit_line is None:
            assert found is None
            continue
        assert found is not None
        line = unescape(found.group(1))
        assert line == article.credit_line
        assert truth[BASE + article.path]["image_credit"] == expected_credit(line), line
        lines.append(line)
    for label in CREDIT_LABELS:
        assert sum(line.startswith(label) for line in lines) >= 3, label
    several = [line for line in lines if ", " in line]
    urls = [line for line in lines if "://" in line]
    full_stops = [line for line in lines if line.endswith(".")]
    captions = [line for line in lines if ". Photo: " in line]
    for case in (several, urls, full_stops, captions):
        assert len(case) >= 3
    assert any(line.startswith("Image: https://www.tut.by/news/") for line in urls)


def test_credit_cases_give_the_documented_plain_forms(site200: ReplicaSite) -> None:
    pairs = {a.credit_line: a.image_credit for a in site200.drupal_articles if a.credit_line}
    several = next(line for line in pairs if line.startswith(("Photo: ", "Photos: ")) and ", " in line)
    sources = several.split(": ", 1)[1]
    assert pairs[several] == sources.replace(", ", "; ")
    url = next(line for line in pairs if line.startswith("Image: https://www.tut.by/news/"))
    assert pairs[url] == "tut.by"
    stop = next(line for line in pairs if line.endswith(".") and ". Photo: " not in line)
    assert pairs[stop] == stop.split(" ", 1)[1].removesuffix(".")
    caption = next(line for line in pairs if ". Photo: " in line)
    assert pairs[caption] == caption.rsplit("Photo: ", 1)[1]


BODY_CASES = {
    "script": "<script", "style": "<style", "noscript": "<noscript>", "comment": "<!-- pagebreak -->",
    "stray header comment": "<!-- /header -->", "commented-out markup": '<!-- <div class="ad">',
    "share buttons": '<div class="share-buttons">', "read more": '<div class="read-more">',
    "h2": "<h2>", "h3": "<h3>", "ul": "<ul>\n<li>", "ol": "<ol>", "br": "<br />",
    "blockquote": "<blockquote>", "empty paragraph": "<p>&nbsp;</p>",
}


def test_bodies_carry_the_hard_cases(site200: ReplicaSite) -> None:
    bodies = {a.path: body_html(site200, a.path) for a in site200.drupal_articles}
    for case, marker in BODY_CASES.items():
        assert sum(marker in body for body in bodies.values()) >= 3, case
    soft = [p for p, b in bodies.items() if any(s in b for s in ("&shy;", "&#173;", "&#xad;", "\u00ad"))]
    nbsp = [p for p, b in bodies.items() if "&nbsp;" in b.replace("<p>&nbsp;</p>", "") or "\u00a0" in b]
    assert len(soft) >= 3
    assert len(nbsp) >= 3
    truth = {rec["url"]: str(rec["body"]) for rec in site200.ground_truth(BASE)}
    for path in soft + nbsp:
        assert not set(truth[BASE + path]) & {"\u00ad", "\u00a0"}
    for noise in ("Read more", "JavaScript", "Advertisement", "margin", "header", "Share", "<"):
        assert not any(noise in body for body in truth.values()), noise


def test_truth_bodies_follow_the_text_contract(site200: ReplicaSite) -> None:
    """Headings are paragraphs, list items ``- item`` lines of one paragraph, ``<br>`` a newline,
    and the body does not start with a repeated lead."""
    headings = lists = breaks = repeats = 0
    records = {rec["url"]: rec for rec in site200.ground_truth(BASE)}
    for article in (a for a in site200.articles if a.defect is None):
        rec = records[BASE + article.path]
        paragraphs = str(rec["body"]).split("\n\n")
        blocks = site200.body(article).blocks
        for block in blocks:
            if block.kind in ("h2", "h3"):
                assert " ".join(block.items[0].split()) in paragraphs
                headings += 1
            if block.kind in ("ul", "ol"):
                assert "\n".join(f"- {' '.join(item.split())}" for item in block.items) in paragraphs
                lists += 1
            if any(run.kind == "br" for run in block.inlines):
                assert any("\n" in p and not p.startswith("- ") for p in paragraphs)
                breaks += 1
        if blocks[0].kind == "lead":
            assert paragraphs[0] != article.lead
            repeats += 1
        assert not str(rec["body"]).startswith(article.lead)
    assert min(headings, lists, breaks, repeats) >= 3


# --- defective articles -----------------------------------------------------------------------
def test_default_replica_has_no_defects(site200: ReplicaSite) -> None:
    assert all(a.defect is None for a in site200.articles)
    assert site200.expected_rejects(BASE) == []
    twins = sum(a.by_path is not None for a in site200.articles)
    assert len(site200.ground_truth(BASE)) == 500 + twins


@pytest.mark.parametrize("defects", [-1, 41])
def test_defects_out_of_bounds_are_rejected(defects: int) -> None:
    with pytest.raises(ValueError, match="defects"):
        ReplicaSite(40, defects=defects)


def test_defective_articles_are_left_out_of_the_truth() -> None:
    site = ReplicaSite(40, seed=5, defects=6)
    rejects = site.expected_rejects(BASE)
    assert [r["reason"] for r in rejects].count("no valid publication date or week") == 2
    assert Counter(r["reason"] for r in rejects) == {
        "no valid publication date or week": 2, "body too short": 2, "no title": 2,
    }
    truth_urls = {rec["url"] for rec in site.ground_truth(BASE) if rec["lang"] == "en"}
    assert len(truth_urls) == 34
    assert not truth_urls & {r["url"] for r in rejects}
    assert site.expected_rejects(BASE) == ReplicaSite(40, seed=5, defects=6).expected_rejects(BASE)
    assert {r["url"] for r in rejects} != {
        r["url"] for r in ReplicaSite(40, seed=6, defects=6).expected_rejects(BASE)
    }
    # the other articles are those of the same site without defects
    plain = ReplicaSite(40, seed=5)
    assert [a.path for a in site.articles] == [a.path for a in plain.articles]
    same = {rec["url"]: rec for rec in plain.ground_truth(BASE)}
    for rec in site.ground_truth(BASE):
        keep = {"related", "urls", "redirects"}  # a defective article has no twin to link or share
        assert {k: v for k, v in rec.items() if k not in keep} == {
            k: v for k, v in same[rec["url"]].items() if k not in keep
        }


def test_defective_pages_are_broken_as_announced() -> None:
    site = ReplicaSite(40, seed=5, defects=3)
    by_defect = {a.defect: a for a in site.articles if a.defect}
    assert set(by_defect) == {"no-date", "short-body", "no-title"}
    undated = by_defect["no-date"]
    html = page(site, undated.path)
    assert '<div class="submitted">' not in node_html(site, undated.path)
    assert undated.published_raw not in html
    for path in ("/", "/?page=1", undated.section.path, "/feed/", "/wp-sitemap-posts-archive-1.xml"):
        status, _, body = site.render(path, BASE)
        assert status in (200, 404)
        assert undated.published_raw.encode() not in body
    urlsets = site.render("/wp-sitemap-posts-archive-1.xml", BASE)[2] + site.render(
        "/wp-sitemap-posts-post-1.xml", BASE)[2]
    assert f"<loc>{BASE}{undated.path}".encode() in urlsets
    short = by_defect["short-body"]
    reader = BodyText()
    reader.feed(page(site, short.path))
    assert 0 < len(reader.text().split()) < 20
    untitled = by_defect["no-title"]
    html = page(site, untitled.path)
    if untitled.era == "drupal":
        assert '<h1 class="title"></h1>' in html
        assert "<title> | Belarus in Focus</title>" in html
    else:
        assert '<h1 class="entry-title"></h1>' in html
        assert "<title> – Belarus in Focus</title>" in html
    assert untitled.path.count("/") == 2  # its path was made when it still had a title
