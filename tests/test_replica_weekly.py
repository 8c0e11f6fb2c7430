"""The replica's two eras: Drupal pages on .info, weekly pages on both hosts, /by/ twins, trend
listings in both pagination forms, WordPress sitemaps, the feed, URL variants, the ground truth."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from archiver.replica import ReplicaServer, ReplicaSite
from archiver.replica.schedule import DRUPAL_END

INFO, PRO = "http://info.test", "http://pro.test"


@pytest.fixture(scope="module")
def site() -> ReplicaSite:
    built = ReplicaSite(200, seed=7)
    built.pair(INFO, PRO)
    return built


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[ReplicaSite, ReplicaServer]]:
    built = ReplicaSite(120, seed=3)
    with ReplicaServer(built) as server:
        yield built, server


def text_of(page: bytes) -> str:
    """The page's text: tags dropped, entities decoded, invisible characters removed, spaces collapsed."""
    plain = html.unescape(re.sub(r"<[^>]+>", " ", page.decode("utf-8")))
    return " ".join(plain.translate({0xAD: None, 0x200B: None, 0x200D: None}).split())


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def test_eras_split_at_the_switch(site: ReplicaSite) -> None:
    drupal = [a for a in site.articles if a.era == "drupal"]
    weekly = [a for a in site.articles if a.era == "weekly"]
    assert drupal
    assert weekly
    assert all(a.published < DRUPAL_END for a in drupal)
    assert all(a.published >= DRUPAL_END and a.period for a in weekly)
    republished = [a for a in drupal if a.weekly_path]
    assert 0.3 < len(republished) / len(drupal) < 0.7
    assert any(re.fullmatch(r"/\d+-2", a.weekly_path or "") for a in republished)
    assert all(a.period and a.period[0] <= a.published.date() for a in republished)


def test_drupal_page_on_info_only_and_weekly_page_on_both(site: ReplicaSite) -> None:
    old = next(a for a in site.articles if a.era == "drupal" and a.weekly_path)
    status, _, body = site.render(old.path, INFO)
    assert status == 200
    assert b"Category status:" in body
    assert b"Similar articles" in body
    assert site.respond(old.path, PRO).status == 301
    for base in (INFO, PRO):
        status, _, page = site.render(old.weekly_path or "", base)
        assert status == 200
        assert b"analytics-period" in page
        assert b"Category status" not in page
        assert old.lead in text_of(page)
    new = next(a for a in site.articles if a.era == "weekly")
    for base in (INFO, PRO):
        for variant in (new.path, new.path + "/", new.path + "?page=2"):
            status, _, page = site.render(variant, base)
            assert status == 200
            assert b'class="entry-title"' in page


def test_weekly_page_shows_period_trend_status_and_boilerplate(site: ReplicaSite) -> None:
    article = next(
        a for a in site.articles if a.era == "weekly" and a.trend_status == "worse" and a.credit_line
    )
    page = text_of(site.render(article.path, INFO)[2])
    assert article.period is not None
    start, end = article.period
    shown = f"{start.strftime('%B')} {start.day} – {end.strftime('%B')} {end.day}, {end.year}"
    assert shown in page
    assert article.category in page
    assert "The situation got worse" in page
    assert page.count(article.title) >= 2  # the title and again over the image
    assert "Subscribe to our newsletter" in page
    assert "Situation in Belarus" in page


def test_by_twins_link_both_ways_with_belarusian_chrome(site: ReplicaSite) -> None:
    article = next(a for a in site.articles if a.by_path)
    en = site.render(article.path, INFO)[2].decode()
    by = site.render(article.by_path or "", INFO)[2].decode()
    assert f'hreflang="be" href="{INFO}{article.by_path}/"' in en
    assert f'hreflang="en" href="{INFO}{article.path}/"' in by
    assert '<html lang="be">' in by
    assert article.section.be_name in by
    assert re.search(r"(Студзень|Люты|Сакавік|Красавік|Травень|Чэрвень|Ліпень|Жнівень|Верасень|"
                     r"Кастрычнік|Лістапад|Снежань) \d+ – ", html.unescape(by))
    russian = site.russian(article.stream, article.nid)
    assert html.escape(russian.title) in by


def test_trend_listings_paginate_in_both_forms_to_the_last_page(site: ReplicaSite) -> None:
    forms = set()
    for trend in site.categories:
        seen: list[str] = []
        url = trend.listing
        while url:
            status, _, page = site.render(url, INFO)
            assert status == 200, url
            text = page.decode()
            seen += re.findall(r'class="trend-entry__link" href="([^"]+)"', text)
            nxt = re.search(r'class="next page-numbers" href="([^"]+)"', text)
            url = nxt.group(1) if nxt else ""
            if nxt:
                forms.add("paged" if "?paged=" in url else "page")
        assert len(seen) == len(site.in_trend(trend.key))
    assert forms == {"page", "paged"}
    assert site.render("/analytics/the-ruling-elite/?paged=2", INFO)[0] == 200
    assert site.render("/analytics/the-ruling-elite/page/999/", INFO)[0] == 404
    assert site.respond("/analytics/the-ruling-elite", INFO).status == 301


def test_wp_sitemaps_list_every_weekly_page_with_lastmod(site: ReplicaSite) -> None:
    site.sitemap_size = 50
    try:
        assert site.respond("/sitemap.xml", INFO).location == INFO + "/wp-sitemap.xml"
        index = site.render("/wp-sitemap.xml", PRO)[2].decode()
        names = re.findall(r"<loc>([^<]+)</loc>", index)
        assert len(names) >= 2
        assert all("/wp-sitemap-posts-post-" in n for n in names)
        urls = []
        for name in names:
            urlset = site.render(name.removeprefix(PRO), PRO)[2].decode()
            urls += re.findall(r"<loc>([^<]+)</loc><lastmod>", urlset)
        expected = {PRO + a.page_path + "/" for a in site.weekly_articles}
        expected |= {PRO + (a.by_path or "") + "/" for a in site.weekly_articles if a.by_path}
        assert set(urls) == expected
    finally:
        site.sitemap_size = 2000
    assert "Sitemap: http://x/wp-sitemap.xml" in site.render("/robots.txt", "http://x")[2].decode()


def test_feed_lists_the_newest_weekly_items_with_pubdate(site: ReplicaSite) -> None:
    feed = site.render("/feed/", INFO)[2].decode()
    links = re.findall(r"<link>([^<]+)</link>", feed)[1:]
    newest = [a for a in site.articles if a.era == "weekly"][:20]
    assert links == [INFO + a.path + "/" for a in newest]
    assert feed.count("<pubDate>") == 20


def test_ground_truth_is_one_record_per_article_and_twin(site: ReplicaSite) -> None:
    truth = site.ground_truth(INFO)
    twins = [a for a in site.articles if a.by_path]
    assert len(truth) == len(site.articles) + len(twins)
    both = [r for r in truth if r["published_raw"] and r["period_raw"]]
    assert both  # re-published: one record with the timestamp and the week
    for record in truth:
        assert record["url"].startswith(INFO)
        assert not record["url"].endswith("/")
        assert record["trend"] in {c.key for c in site.categories}
        assert record["period_raw"] or record["published_raw"]
        assert any(u.startswith(PRO) for u in record["urls"]) or not record["period_raw"]
    by = [r for r in truth if r["lang"] == "ru"]
    assert all(any(link["kind"] == "translation" for link in r["related"]) for r in by)


def test_every_truth_url_answers_with_its_article(served: tuple[ReplicaSite, ReplicaServer]) -> None:
    site, server = served
    truth = site.ground_truth(server.base_url)
    assert {u for r in truth for u in r["urls"] if u.startswith(server.pro_base_url)}
    for record in truth[:40]:
        for url in record["urls"]:
            status, page = get(url)
            assert status == 200, url
            assert record["lead"] in text_of(page), url
    assert set(server.host_log) >= {server.base_url.removeprefix("http://"),
                                    server.pro_base_url.removeprefix("http://")}


def test_unknown_markup_share_uses_none_of_the_known_classes() -> None:
    site = ReplicaSite(100, seed=5, unknown_markup_share=1.0)
    article = next(a for a in site.articles if a.era == "weekly" and a.trend_status)
    page = site.render(article.path, INFO)[2].decode()
    assert "class=" not in page
    assert article.lead in text_of(page.encode())


def test_same_seed_same_bytes_and_advance_dates_edits_by_the_clock() -> None:
    one, two = ReplicaSite(60, seed=9), ReplicaSite(60, seed=9)
    for article in one.articles[:10]:
        assert one.render(article.path, INFO) == two.render(article.path, INFO)
    clock = datetime(2027, 1, 5, 12, 0, tzinfo=UTC)
    site = ReplicaSite(60, seed=9, clock=lambda: clock)
    change = site.advance(2, 3)
    assert change.at == clock
    edited = site.article(change.edited[0])
    assert edited is not None
    assert edited.last_modified == clock
    assert site.respond(edited.path, INFO).last_modified == clock


def test_url_variants_redirect_or_answer_as_documented(site: ReplicaSite) -> None:
    elite = next(a for a in site.articles if a.era == "weekly" and a.section.key == "ruling-elite")
    old = f"/ruling-elite/{elite.slug}"
    for base in (INFO, PRO):
        reply = site.respond(old, base)
        assert (reply.status, reply.location) == (301, f"{base}{elite.path}/")
    drupal = next(a for a in site.drupal_articles if a.section.key == "ruling-elite")
    page = site.render(drupal.drupal_path, INFO)[2].decode()
    assert f'<link rel="canonical" href="{INFO}{drupal.path}">' in page
    assert site.render(drupal.path + "/", INFO)[0] == 404  # a Drupal page has no slash form
    twin = next(a for a in site.articles if a.weekly_path and a.unknown is False
                and 'rel="canonical"' in site.render(a.weekly_path, PRO)[2].decode())
    weekly_page = site.render(twin.weekly_path or "", PRO)[2].decode()
    assert f'<link rel="canonical" href="{INFO}{twin.path}">' in weekly_page
    assert site.render(f"/{drupal.section.slug}", PRO)[0] == 404  # Drupal listings: .info only


def test_listing_links_mix_the_variants_and_cross_hosts(site: ReplicaSite) -> None:
    hrefs = []
    for trend in site.categories:
        listing = site.render(trend.listing, INFO)[2].decode()
        hrefs += re.findall(r'class="trend-entry__link" href="([^"]+)"', listing)
    assert any(h.endswith("/") for h in hrefs)
    assert any(not h.endswith("/") and "?" not in h for h in hrefs)
    assert any(h.startswith(PRO) for h in hrefs)
    for href in hrefs:
        target = href.removeprefix(PRO)
        assert site.respond(target, PRO if href.startswith(PRO) else INFO).status in (200, 301), href


def test_share_out_of_bounds_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown_markup_share"):
        ReplicaSite(20, unknown_markup_share=1.5)


def test_redesign_from_puts_later_weekly_pages_in_the_unknown_markup() -> None:
    site = ReplicaSite(80, seed=4, redesign_from="2025-01-01")
    weekly = [a for a in site.articles if a.era == "weekly"]
    assert {a.unknown for a in weekly} == {True, False}
    for article in weekly:
        known = b'class="entry-title"' in site.render(article.path, INFO)[2]
        assert known == (article.published.year < 2025)
    drupal = site.drupal_articles[0]
    assert b"Category status:" in site.render(drupal.path, INFO)[2]


def test_weeks_are_written_as_the_site_writes_them() -> None:
    from datetime import date

    from archiver.replica.russian import be_week
    from archiver.replica.schedule import week

    assert week(date(2023, 5, 15), date(2023, 5, 21)) == "May 15 – May 21, 2023"
    assert week(date(2024, 9, 30), date(2024, 10, 6)) == "September 30 – October 6, 2024"
    assert week(date(2022, 12, 26), date(2023, 1, 1), year=False) == "December 26 – January 1"
    assert week(date(2022, 12, 26), date(2023, 1, 1)) == "December 26 – January 1, 2023"
    assert be_week(date(2021, 8, 9), date(2021, 8, 15)) == "Жнівень 9 – Жнівень 15, 2021"


def test_samples_name_one_page_of_each_kind(site: ReplicaSite) -> None:
    samples = site.samples()
    assert set(samples) >= {"drupal", "drupal-alias", "weekly", "weekly-byline", "republished",
                            "root-slug", "by", "listing-page", "listing-paged", "home", "feed"}
    for path in samples.values():
        assert site.render(path, INFO)[0] == 200, path
    assert "weekly-unknown" in ReplicaSite(60, seed=1, unknown_markup_share=0.5).samples()


def test_links_in_weekly_pages_on_pro_lead_to_pages(site: ReplicaSite) -> None:
    checked = 0
    for article in site.weekly_articles[:80]:
        page = site.render(article.page_path, PRO)[2].decode()
        content = page.split('<div class="entry-content">', 1)[-1].split("</article>", 1)[0]
        for href in re.findall(r'<a href="([^"]+)"', content):
            base = INFO if href.startswith(INFO) else PRO
            assert site.respond(href.removeprefix(base), base).status in (200, 301), href
            checked += 1
    assert checked > 20
    truth = {r["url"]: r for r in site.ground_truth(INFO)}
    article = next(a for a in site.weekly_articles if site.body(a).links())
    inline = [r["target_url"] for r in truth[INFO + article.path]["related"] if r["kind"] == "inline"]
    assert inline == [INFO + run.href for run in site.body(article).links()]
