"""Time passes on the replica: new and edited articles, HTTP validators and 304s, failing paths.

Pages are read with the standard library only, as in tests/test_replica.py.
"""

from __future__ import annotations

import http.client
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from html import unescape
from typing import Any

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.replica import Change, ReplicaServer, ReplicaSite
from archiver.replica.server import advanced_site
from tests.test_replica import BodyText, plain_title

BASE = "http://127.0.0.1:8000"
AT = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
MAIN = re.compile(
    r'<div id="main">\n(.*)\n</div>\n<div id="sidebar">'
    r'|<main id="main" class="site-main">(.*)</main>',
    re.DOTALL,
)
TRENDS = re.compile(r"<h2>Recent trends</h2><ul>(.*?)</ul>", re.DOTALL)
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def html(site: ReplicaSite, path: str) -> str:
    status, _, body = site.render(path, BASE)
    assert status == 200, path
    return body.decode("utf-8")


def main_part(site: ReplicaSite, path: str) -> str:
    """The article's own content: ``div#main`` (not the sidebar, menu or footer)."""
    found = MAIN.search(html(site, path))
    assert found is not None, path
    return found.group(1) or found.group(2)


def lastmods(site: ReplicaSite) -> dict[str, str | None]:
    """URL (no trailing slash) -> lastmod, from every urlset the sitemap index names."""
    index = ET.fromstring(site.render("/wp-sitemap.xml", BASE)[2])  # noqa: S314 (our own output)
    out: dict[str, str | None] = {}
    for name in index.findall("s:sitemap/s:loc", SITEMAP_NS):
        root = ET.fromstring(site.render(str(name.text).removeprefix(BASE), BASE)[2])  # noqa: S314
        out |= {
            str(u.findtext("s:loc", namespaces=SITEMAP_NS)).rstrip("/"):
                u.findtext("s:lastmod", namespaces=SITEMAP_NS)
            for u in root.findall("s:url", SITEMAP_NS)
        }
    return out


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


Snapshot = dict[str, tuple[str, datetime, str, datetime, str]]
Advanced = tuple[ReplicaSite, Snapshot, Change]


def snapshot(site: ReplicaSite) -> Snapshot:
    """path -> (article content HTML, published, ETag, Last-Modified, <title>) of every article."""
    out = {}
    for a in site.articles:
        reply = site.respond(a.path, BASE)
        assert reply.etag is not None
        assert reply.last_modified is not None
        title = re.search(r"<title>(.*?)</title>", reply.body.decode(), re.DOTALL)
        assert title is not None
        out[a.path] = (main_part(site, a.path), a.published, reply.etag, reply.last_modified, title.group(1))
    return out


@pytest.fixture(scope="module")
def advanced() -> Advanced:
    """A 60-article site (seed 5) before (``snapshot``) and after ``advance(5, 20, at=AT)``."""
    site = ReplicaSite(60, seed=5)
    before = snapshot(site)
    change = site.advance(5, 20, at=AT)
    return site, before, change


# --- publish and edit ---------------------------------------------------------------------------
def test_advance_keeps_every_other_article_byte_for_byte(advanced: Advanced) -> None:
    site, before, change = advanced
    assert (len(change.new), len(change.edited)) == (5, 20)
    after = snapshot(site)
    assert set(after) == set(before) | set(change.new)
    titles_changed = 0
    for path, (main, published, etag, modified, title) in before.items():
        if path in change.edited:
            titles_changed += after[path][4] != title
            continue
        assert after[path] == (main, published, etag, modified, title), path
    assert titles_changed >= 1  # and still every other page's similar entries are unchanged
    old_lastmods = {BASE + p: published.isoformat() for p, (_, published, *_rest) in before.items()}
    now_lastmods = lastmods(site)
    for url, lastmod in old_lastmods.items():
        if url.removeprefix(BASE) not in change.edited:
            assert now_lastmods[url] == lastmod


def test_new_articles_are_newer_than_all_and_appear_first(advanced: Advanced) -> None:
    site, before, change = advanced
    newest_before = max(published for _, published, *_ in before.values())
    new = [site.article(p) for p in change.new]
    assert [a.path for a in site.articles[:5] if a] == list(change.new)
    assert all(a is not None and newest_before < a.published <= AT for a in new)
    assert [a.published for a in site.articles] == sorted((a.published for a in site.articles), reverse=True)
    assert site.now == change.at == AT
    assert site.articles[0].published == AT
    assert len(site.articles) == site.n_articles == 65
    assert [a.index for a in site.articles] == list(range(65))
    front = html(site, "/")
    assert [p in front for p in change.new] == [True] * 5
    feed = site.render("/feed/", BASE)[2].decode()
    assert feed.index(BASE + change.new[0]) < feed.index(BASE + change.new[-1])
    assert all(lastmods(site)[BASE + p] == site.article(p).published.isoformat() for p in change.new)
    trends = TRENDS.search(html(site, site.articles[-1].path))
    assert trends is not None
    assert re.findall(r'href="([^"]+)"', trends.group(1)) == list(change.new)


def test_edited_articles_change_body_modified_time_and_lastmod(advanced: Advanced) -> None:
    site, before, change = advanced
    first = ReplicaSite(60, seed=5)
    lm = lastmods(site)
    for path in change.edited:
        article, original = site.article(path), first.article(path)
        assert article is not None
        assert original is not None
        assert article.published == original.published
        assert (article.revision, article.last_modified) == (2, AT)
        assert site.body(article).text() != first.body(original).text()
        reply = site.respond(path, BASE)
        assert reply.etag != before[path][2]
        assert reply.last_modified == AT
        assert dict(reply.headers())["Last-Modified"] == "Sat, 28 Nov 2026 17:00:00 GMT"
        assert lm[BASE + path] == "2026-11-28T20:00:00+03:00"
        assert main_part(site, path) != before[path][0]
        if original.era == "drupal":
            shown = f'<span class="date-display-single">{original.published_raw}</span>'
            assert shown in main_part(site, path)
    feed = ET.fromstring(site.render("/feed/", BASE)[2])  # noqa: S314 (our own replica's output)
    for item in feed.findall("./channel/item"):  # the feed keeps the publication time
        article = site.article(str(item.findtext("link")).removeprefix(BASE).rstrip("/"))
        assert article is not None
        assert parsedate_to_datetime(str(item.findtext("pubDate"))) == article.published
    assert any(BASE + p in lm and site.article(p) in site.articles[:20] for p in change.edited)


def test_truth_after_advance_is_what_the_pages_show(advanced: Advanced) -> None:
    site, _, change = advanced
    truth = {rec["url"]: rec for rec in site.ground_truth(BASE) if rec["lang"] == "en"}
    assert len(truth) == 65
    first_truth = ReplicaSite(60, seed=5).ground_truth(BASE)
    first = {rec["url"]: rec for rec in first_truth if rec["lang"] == "en"}
    newest = [BASE + a.path for a in site.articles[:5]]
    for url, rec in truth.items():
        path = url.removeprefix(BASE)
        page = html(site, path)
        drupal = site.article(path).era == "drupal"  # type: ignore[union-attr]
        if drupal:
            reader = BodyText()
            reader.feed(page)
            text = reader.text()
            lead, _, rest = text.partition("\n\n")
            assert (rest if lead == rec["lead"] else text) == rec["body"], path
        else:
            assert " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split()).count(str(rec["lead"])) == 1
        assert rec["word_count"] == len(str(rec["body"]).split())
        trend = [r["target_url"] for r in rec["related"] if r["kind"] == "trend"]
        assert trend == (newest if drupal else [])  # a Drupal sidebar shows the 5 newest
        if url in first:
            old = first[url]
            keep = ["published_at", "published_local", "published_raw", "lead", "category",
                    "image_credit", "trend_status"]
            assert {k: rec[k] for k in keep} == {k: old[k] for k in keep}
            not_trend = [r for r in rec["related"] if r["kind"] != "trend"]
            if path not in change.edited:
                assert {k: rec[k] for k in ("title", "body")} == {k: old[k] for k in ("title", "body")}
                assert not_trend == [r for r in old["related"] if r["kind"] != "trend"]
            else:
                assert rec["body"] != old["body"]
        h1 = re.search(r'<h1 class="(?:entry-)?title">(.*?)</h1>', page, re.DOTALL)
        assert h1 is not None
        assert plain_title(h1.group(1)) == rec["title"], path
    assert [u for u in truth if u not in first] == newest


def test_same_seed_gives_the_same_change_and_pages() -> None:
    one, two = ReplicaSite(40, seed=2), ReplicaSite(40, seed=2)
    assert one.advance(3, 4, seed=9) == two.advance(3, 4, seed=9)
    assert one.advance(2, 2) == two.advance(2, 2)  # seed None: drawn from the step
    maps = ["/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml", "/wp-sitemap-posts-archive-1.xml"]
    for path in ["/", "/feed/", *maps, *(a.path for a in one.articles)]:
        assert one.render(path, BASE) == two.render(path, BASE), path
    assert one.ground_truth(BASE) == two.ground_truth(BASE)
    three = ReplicaSite(40, seed=2)
    assert three.advance(3, 4, seed=10) != ReplicaSite(40, seed=2).advance(3, 4, seed=9)


def test_default_at_and_repeated_advances() -> None:
    site = ReplicaSite(30, seed=1)
    start = site.now
    first = site.advance(2, 0)
    assert first.at == start + timedelta(hours=6)
    assert [site.article(p).published for p in first.new] == [
        start + timedelta(hours=6), start + timedelta(hours=3)
    ]
    assert site.advance(0, 1).at == start + timedelta(hours=9)
    pages = {a.path: main_part(site, a.path) for a in site.articles}
    texts = {a.path: site.body(a).text() for a in site.articles}
    old_versions = list(site.articles)
    third = site.advance(1, 31, seed=3)  # all but one of the 32 edited, the new ones of before too
    assert set(first.new) <= set(third.edited)
    assert any(site.article(p).revision == 3 for p in third.edited)
    for old in old_versions:  # an old version is still what it was
        assert site.body(old).text() == texts[old.path]
        current = site.article(old.path)
        assert current is not None
        if old.path in third.edited:
            assert site.body(current).text() != texts[old.path]
            assert main_part(site, old.path) != pages[old.path]
        else:
            assert main_part(site, old.path) == pages[old.path]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"new": -1, "edited": 0}, ">= 0"),
        ({"new": 0, "edited": 61}, "at most 60"),
        ({"new": 1, "edited": 0, "at": datetime(2026, 12, 1)}, "aware"),  # noqa: DTZ001 (naive on purpose)
        ({"new": 1, "edited": 0, "at": datetime(2026, 10, 1, tzinfo=UTC)}, "after the site's now"),
        ({"new": 5, "edited": 0, "at": datetime(2026, 11, 1, 9, 3, tzinfo=UTC)}, "no room for 5"),
        ({"new": 19_941, "edited": 0}, "at most 20000"),
    ],
)
def test_bad_advances_are_rejected_and_change_nothing(kwargs: dict[str, Any], message: str) -> None:
    site = ReplicaSite(60, seed=5)
    front = site.render("/", BASE)
    with pytest.raises(ValueError, match=message):
        site.advance(**kwargs)
    assert (site.steps, len(site.articles), site.render("/", BASE)) == (0, 60, front)


# --- validators and conditional requests ----------------------------------------------------------
def test_etag_is_stable_and_covers_the_article_content_only() -> None:
    site = ReplicaSite(40, seed=4)
    article = site.articles[12]
    reply = site.respond(article.path, BASE)
    assert re.fullmatch(r'"[0-9a-f]{32}"', reply.etag or "")
    assert site.respond(article.path, BASE) == reply
    assert site.respond(article.path, "http://other.test:81").etag == reply.etag  # not the host
    assert reply.last_modified == article.published
    page_before = reply.body
    site.advance(3, 0)
    again = site.respond(article.path, BASE)
    assert again.body != page_before  # the sidebar shows the new articles ...
    assert (again.etag, again.last_modified) == (reply.etag, reply.last_modified)  # ... not the article
    listing = site.respond("/", BASE)
    assert listing.etag is not None
    assert listing.last_modified == site.now
    for path in ("/feed/", "/wp-sitemap.xml", "/economy", "/robots.txt", "/about-monitoring",
                 "/analytics/economy/"):
        other = site.respond(path, BASE)
        assert other.etag is not None, path
        assert other.last_modified == site.changed == site.now, path
    missing = site.respond("/missing", BASE)
    assert (missing.status, missing.etag, missing.last_modified) == (404, None, None)


def test_conditional_requests_get_304_as_rfc_7232_says() -> None:
    site = ReplicaSite(40, seed=4)
    article = site.articles[5]
    full = site.respond(article.path, BASE)
    etag, modified = full.etag, full.last_modified
    assert etag is not None
    assert modified is not None

    def status(**headers: str) -> int:
        reply = site.respond(article.path, BASE, **headers)
        if reply.status == 304:
            assert reply.body == b""
            assert (reply.etag, reply.last_modified) == (etag, modified)
        return reply.status

    later, earlier = http_date(modified + timedelta(days=1)), http_date(modified - timedelta(seconds=1))
    assert status(if_none_match=etag) == 304
    assert status(if_none_match=f'"nope", W/{etag}') == 304
    assert status(if_none_match="*") == 304
    assert status(if_none_match='"nope"') == 200
    assert status(if_none_match='"nope"', if_modified_since=later) == 200  # If-None-Match first
    assert status(if_none_match=etag, if_modified_since=earlier) == 304
    assert status(if_modified_since=http_date(modified)) == 304
    assert status(if_modified_since=later) == 304
    assert status(if_modified_since=earlier) == 200
    assert status(if_modified_since="yesterday") == 200
    assert status() == 200
    assert site.respond("/", BASE, if_none_match=site.respond("/", BASE).etag).status == 304
    assert site.respond("/missing", BASE, if_none_match="*").status == 404

    etags = {a.path: site.respond(a.path, BASE).etag for a in site.articles}
    path = site.advance(0, 1, at=AT, seed=0).edited[0]
    edited = site.article(path)
    assert edited is not None
    assert site.respond(path, BASE, if_none_match=etags[path]).status == 200
    assert site.respond(path, BASE, if_modified_since=http_date(edited.published)).status == 200
    assert site.respond(path, BASE, if_modified_since=http_date(AT)).status == 304
    unedited = next(a.path for a in site.articles if a.path != path and a.path in etags)
    assert site.respond(unedited, BASE, if_none_match=etags[unedited]).status == 304


def test_server_sends_validators_answers_304_and_head_and_logs_statuses() -> None:
    site = ReplicaSite(40, seed=4)
    article = site.articles[2]
    with ReplicaServer(site) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", article.path)
        response = conn.getresponse()
        body = response.read()
        etag, modified = response.getheader("ETag"), response.getheader("Last-Modified")
        assert response.status == 200
        assert etag == site.etag(article)
        assert modified is not None
        assert parsedate_to_datetime(modified) == article.published
        assert int(response.getheader("Content-Length") or 0) == len(body)
        conn.request("GET", article.path, headers={"If-None-Match": str(etag)})
        response = conn.getresponse()
        assert (response.status, response.read()) == (304, b"")
        assert response.getheader("ETag") == etag
        assert response.getheader("Last-Modified") == modified
        conn.request("HEAD", article.path, headers={"If-Modified-Since": str(modified)})
        response = conn.getresponse()
        assert (response.status, response.read()) == (304, b"")
        conn.request("HEAD", article.path)
        response = conn.getresponse()  # same keep-alive connection, still in step
        assert (response.status, response.read(), response.getheader("ETag")) == (200, b"", etag)
        assert int(response.getheader("Content-Length") or 0) == len(body)
        conn.request("GET", "/missing", headers={"If-None-Match": "*"})
        response = conn.getresponse()
        response.read()
        assert response.status == 404
        assert response.getheader("ETag") is None
        conn.close()
        assert server.request_log == [article.path] * 4 + ["/missing"]
        assert server.response_log == [
            (article.path, 200), (article.path, 304), (article.path, 304), (article.path, 200),
            ("/missing", 404),
        ]
        server.clear_log()
        assert (server.request_log, server.response_log) == ([], [])


# --- failing paths ----------------------------------------------------------------------------------
def test_fail_and_heal() -> None:
    site = ReplicaSite(40, seed=4)
    one, two = site.articles[3].path, site.articles[4].path
    site.fail([one, "/feed/"], status=503)
    site.fail([two], status=500)
    assert site.render(one, BASE)[0] == 503
    assert site.render(one + "?utm_source=x", BASE)[0] == 503
    assert site.render("/feed/", BASE)[0] == 503
    assert site.render(two, BASE)[0] == 500
    assert b"Service Unavailable" in site.render(one, BASE)[2]
    failing = site.respond(one, BASE, if_none_match="*")
    assert (failing.status, failing.etag) == (503, None)
    assert site.render(site.articles[5].path, BASE)[0] == 200
    with ReplicaServer(site) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        for path in (one, "/"):
            conn.request("GET", path)
            conn.getresponse().read()
        conn.close()
        assert server.response_log == [(one, 503), ("/", 200)]
    site.heal([two])
    assert site.render(two, BASE)[0] == 200
    assert site.render(one, BASE)[0] == 503
    site.heal()
    assert [site.render(p, BASE)[0] for p in (one, two, "/feed/")] == [200, 200, 200]
    with pytest.raises(ValueError, match=r"400\.\.599"):
        site.fail([one], status=200)


# --- the admin endpoint and the CLI --------------------------------------------------------------
def test_admin_endpoint_advances_the_served_site() -> None:
    site = ReplicaSite(40, seed=4)
    with ReplicaServer(site) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("POST", "/__replica__/advance?new=3&edited=2&seed=1")
        response = conn.getresponse()
        payload = json.loads(response.read())
        assert response.status == 200
        assert response.getheader("Content-Type") == "application/json; charset=utf-8"
        assert payload == {**ReplicaSite(40, seed=4).advance(3, 2, seed=1).as_json(), "articles": 43}
        assert [a.path for a in site.articles[:3]] == payload["new"]
        conn.request("POST", "/__replica__/advance?new=two")
        response = conn.getresponse()
        assert response.status == 400
        assert "new must be an integer" in json.loads(response.read())["error"]
        conn.request("POST", "/__replica__/advance?at=2020-01-01T00:00:00Z")
        response = conn.getresponse()
        assert response.status == 400
        assert "after the site's now" in json.loads(response.read())["error"]
        conn.request("GET", "/__replica__/advance")
        response = conn.getresponse()
        response.read()
        assert response.status == 404
        conn.request("POST", "/")
        response = conn.getresponse()
        response.read()
        assert (response.status, response.getheader("Allow")) == (405, "GET, HEAD")
        conn.close()
        assert server.request_log == ["/__replica__/advance", "/"]  # the admin POSTs are not logged
        assert server.response_log == [("/__replica__/advance", 404), ("/", 405)]
    assert site.steps == 1


def test_serve_starts_advanced_and_the_cli_checks_its_options() -> None:
    site = advanced_site(50, 3, new=4, edited=2)
    expected = ReplicaSite(50, seed=3)
    change = expected.advance(4, 2)
    assert [a.path for a in site.articles[:4]] == list(change.new)
    for path in ("/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml", "/wp-sitemap-posts-archive-1.xml"):
        assert site.render(path, BASE) == expected.render(path, BASE)
    assert advanced_site(50, 3).steps == 0
    runner = CliRunner()
    result = runner.invoke(cli, ["replica", "serve", "--help"])
    assert "--new" in result.output
    assert "--edited" in result.output
    result = runner.invoke(cli, ["replica", "serve", "--articles", "50", "--defects", "5", "--edited", "46"])
    assert result.exit_code == 2
    assert "--edited" in result.output
    result = runner.invoke(cli, ["replica", "serve", "--articles", "19990", "--new", "11"])
    assert result.exit_code == 2
