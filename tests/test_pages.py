"""Golden tests: saved pages under tests/fixtures/pages/<case>/ through the page objects and the
pipeline (the layout: archiver/fixtures.py, docs/fixtures.md).

Each case folder holds ``page.html`` (the saved page), ``meta.json`` (its URL and fetch time;
``kind: listing`` for a listing page; ``template``: the template version it must be recognised
as), ``expected.json``: the WHOLE record the page object gives (every key of ArticleFields,
``sources`` and ``template`` included, or every key of ListingLinks) and, for an article,
``pipeline.json``: the WHOLE record after normalisation and validation (archiver.extract.record).
Both are compared whole but for archiver.fixtures.IGNORED_KEYS. ``archiver fixture save`` makes
a case from a stored page; ``pytest tests/test_pages.py --update-goldens`` rewrites the outputs
after a deliberate change (read the diff). ``$ARCHIVER_GOLDEN_DIR`` points the golden test at
other cases (the fixture tests use it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from archiver.extract import process_page
from archiver.fixtures import compared, load_case, outputs, write_outputs
from archiver.items import RawPage
from archiver.pages import belarusinfocus, patterns
from archiver.pages.belarusinfocus import (
    DRUPAL_2016,
    TEMPLATES,
    UNKNOWN_TEMPLATE,
    ArticlePage,
    ListingPage,
    Template,
    detect_language,
    feed_entries,
    feed_links,
    is_article_url,
    sitemap_links,
)
from archiver.pages.jsonld import jsonld_objects
from archiver.pages.site import canonical_article_url, is_site_host, trend_key

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
GOLDEN_DIR = Path(os.environ.get("ARCHIVER_GOLDEN_DIR") or FIXTURES)
CASES = sorted(p for p in GOLDEN_DIR.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_page(case: Path, update_goldens: bool) -> None:
    page, meta = load_case(case)
    got = write_outputs(case) if update_goldens else outputs(page, meta)
    for name, output in got.items():
        golden = case / name
        assert golden.exists(), f"{golden} is missing: --update-goldens writes it"
        expected = json.loads(golden.read_text(encoding="utf-8"))
        assert compared(output) == compared(expected), f"{case.name}/{name}"
    if "template" in meta:  # the template version the page was saved as
        fields = got["expected.json"]
        assert fields["template"] == meta["template"], case.name
        template = next((t for t in TEMPLATES if t.name == meta["template"]), None)
        if template is not None:  # every field the template has selectors for came from them
            own = {n: "selector" for n in fields["sources"] if getattr(template, _ATTR.get(n, n), ())}
            assert {k: v for k, v in fields["sources"].items() if k in own} == own, fields["sources"]


_ATTR = {"published": "date", "trend_status": "status", "image_url": "image", "image_credit": "credit",
         "lead_html": "lead", "body_html": "body", "lang": "", "canonical": ""}
"""ArticleFields name -> Template attribute (names not listed are the same; "" none)."""


def test_at_least_the_seed_cases_exist() -> None:
    names = {c.name for c in CASES}
    assert {"seed-drupal", "seed-plain"} <= names


def test_seed_drupal_fields_come_from_selectors() -> None:
    page, _ = load_case(FIXTURES / "seed-drupal")
    fields = ArticlePage(page.url, page.body.decode()).fields()
    for name in ("title", "published", "image_credit", "lead_html", "body_html", "trend_status"):
        assert fields.sources[name] == "selector", name


def test_seed_plain_falls_back_to_text_patterns() -> None:
    page, _ = load_case(FIXTURES / "seed-plain")
    fields = ArticlePage(page.url, page.body.decode()).fields()
    assert fields.sources["published"] == "text"
    assert fields.sources["image_credit"] == "text"
    assert fields.sources["body_html"] == "generic"
    assert fields.sources["title"] == "markup"
    assert fields.template == "unknown"  # no template of the site's: everything is a fallback
    assert "Category status" not in (fields.body_html or "")
    assert "November 07, 2016" not in (fields.body_html or "")


def test_the_template_is_chosen_by_markers_and_the_fetch_date() -> None:
    page, _ = load_case(FIXTURES / "seed-drupal")
    html = page.body.decode()
    assert ArticlePage(page.url, html).fields().template == DRUPAL_2016.name
    later = Template(name="drupal-2030", since="2030-01-01", markers=(".node-article",),
                     title=("h1.title",), body=(".field-name-body",))
    with patch_templates((DRUPAL_2016, later)):
        assert ArticlePage(page.url, html, fetched_at="2026-11-28T12:00:00Z").template is DRUPAL_2016
        assert ArticlePage(page.url, html, fetched_at="2031-02-01T00:00:00Z").template is later
        assert ArticlePage(page.url, html).template is later  # no date: the latest that matches
    assert ArticlePage(page.url, "<html><body><h1>x</h1></body></html>").template is UNKNOWN_TEMPLATE


@contextmanager
def patch_templates(templates: tuple[Template, ...]) -> Iterator[None]:
    saved = belarusinfocus.TEMPLATES
    belarusinfocus.TEMPLATES = templates
    try:
        yield
    finally:
        belarusinfocus.TEMPLATES = saved


def test_structured_metadata_is_a_fallback() -> None:
    html = """<html><head>
    <meta property="og:title" content="Minsk &amp; Moscow agree">
    <meta property="article:published_time" content="2019-04-02T12:55:00+03:00">
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "NewsArticle", "articleSection": "Economy", "articleBody": "x"}]}</script>
    </head><body><div><p>One paragraph of text about Minsk.</p><p>Another one.</p></div></body></html>"""
    fields = ArticlePage("https://belarusinfocus.info/economy/minsk-moscow", html).fields()
    assert fields.title == "Minsk &amp; Moscow agree" or fields.title == "Minsk & Moscow agree"
    assert fields.sources["title"] == "meta"
    assert fields.published == "2019-04-02T12:55:00+03:00"
    assert fields.sources["published"] == "meta"
    assert fields.category == "Economy"
    assert fields.sources["category"] == "jsonld"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://belarusinfocus.info/economy/some-analysis", True),
        ("https://www.belarusinfocus.info/economy/some-analysis", True),
        ("https://belarusinfocus.info/economy", False),
        ("https://belarusinfocus.info/about-monitoring", False),
        ("https://belarusinfocus.info/feed/rss", False),
        ("https://belarusinfocus.info/sites/default", False),
        ("https://example.com/economy/some-analysis", False),
        ("http://localhost/economy/some-analysis", False),
        ("mailto:someone@belarusinfocus.info", False),
        ("https://belarusinfocus.info/economy/picture.jpg", False),
    ],
)
def test_is_article_url(url: str, expected: bool) -> None:
    assert is_article_url(url, "belarusinfocus.info") is expected


@pytest.mark.parametrize(
    ("url", "site", "expected"),
    [
        ("http://127.0.0.1:8000/economy/a", "127.0.0.1:8000", True),
        ("http://127.0.0.1:8001/economy/a", "127.0.0.1:8000", False),
        ("http://127.0.0.1/economy/a", "127.0.0.1:8000", False),
        ("https://belarusinfocus.info:443/economy/a", "belarusinfocus.info", True),
        ("http://belarusinfocus.info:80/economy/a", "belarusinfocus.info", True),
        ("https://belarusinfocus.info:8443/economy/a", "belarusinfocus.info", False),
        ("https://belarusinfocus.info:99999/economy/a", "belarusinfocus.info", False),
    ],
)
def test_is_article_url_compares_ports(url: str, site: str, expected: bool) -> None:
    assert is_article_url(url, site) is expected


def test_a_stray_end_of_document_mid_page_does_not_cut_the_article_short() -> None:
    html = (
        "<html><body><h1>T</h1><div class='field-name-body'><p>one</p>\n</body></html>\n"
        "<p>two</p></div><div id='after'>tail</div></body></html>"
    )
    page = ArticlePage("https://belarusinfocus.info/economy/a", html)
    assert page.sel.css(".field-name-body p::text").getall() == ["one", "two"]
    assert page.sel.css("#after::text").get() == "tail"


def test_listing_page_links_and_next() -> None:
    html = """<div id="main">
      <div class="views-row"><h2><a href="/economy/a-one">A</a></h2></div>
      <div class="views-row"><h2><a href="/economy/a-one#comments">A again</a></h2></div>
      <div class="views-row"><h2><a href="https://other.org/economy/x">offsite</a></h2></div>
      <div class="views-row"><h2><a href="/society-and-politics/b-two?utm_source=x">B</a></h2></div>
      <ul class="pager"><li class="pager-next"><a href="/?page=2">next ›</a></li></ul></div>"""
    links = ListingPage("https://belarusinfocus.info/?page=1", html).links()
    assert links.articles == [
        "https://belarusinfocus.info/economy/a-one",
        "https://belarusinfocus.info/society-and-politics/b-two",
    ]
    assert links.next_page == "https://belarusinfocus.info/?page=2"


def test_last_listing_page_has_no_next() -> None:
    links = ListingPage("https://belarusinfocus.info/?page=9", "<div id='main'></div>").links()
    assert links.next_page is None
    assert links.articles == []


def test_feed_links() -> None:
    xml = """<?xml version="1.0"?><rss version="2.0"><channel>
      <item><link>https://belarusinfocus.info/economy/a-one</link></item>
      <item><link> https://belarusinfocus.info/economy/b-two/ </link></item>
      <item><link>https://elsewhere.org/economy/c</link></item></channel></rss>"""
    assert feed_links("https://belarusinfocus.info/feed/", xml) == [
        "https://belarusinfocus.info/economy/a-one",
        "https://belarusinfocus.info/economy/b-two",
    ]


def test_garbage_never_raises_and_is_rejected() -> None:
    for body in (b"", b"\x00\xff\xfe", b"<html><body><p>too short</p>", b"not html at all"):
        page = RawPage("https://belarusinfocus.info/economy/x", "2026-11-28T12:00:00Z", 200, {}, body)
        item = process_page(page)
        assert item.reject_reasons, body


def test_inline_links_leave_out_boxes_that_are_not_the_text() -> None:
    html = """<html><body><div class="node node-article"><h1 class="title">T</h1>
      <div class="field-name-body"><p>See <a href="/economy/in-text">this</a>.</p>
      <div class="read-more"><h4>Read more</h4><ul><li><a href="/economy/boxed">Boxed</a></li></ul></div>
      <noscript><a href="/economy/noscript">x</a></noscript>
      <p>And <em><a href="/economy/emphasised">that</a></em>.</p>
      <div class="share-buttons"><a href="/economy/shared">Share</a></div></div></div>
      <div class="similar-articles"><h2>Similar articles</h2><div class="similar-item">
      <h3><a href="/economy/similar">Krako\u0301w: Minsk\u00ad talks</a></h3></div></div></body></html>"""
    links = ArticlePage("https://belarusinfocus.info/economy/t", html).related_links()
    inline = [(link.target_url.rsplit("/", 1)[1], link.position) for link in links if link.kind == "inline"]
    assert inline == [("in-text", 1), ("emphasised", 2)]
    similar = [link.title for link in links if link.kind == "similar"]
    assert similar == ["Kraków: Minsk talks"]  # NFC, soft hyphen gone


# --- weekly era: site knowledge, identity, gating, text fallbacks, discovery ---------------------

REPLICA = ("http://127.0.0.1:8123", "http://127.0.0.1:8124")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("The ruling elite", "ruling-elite"), ("Кіруючы клас", "ruling-elite"),
        ("kiruyuchy-klas", "ruling-elite"), ("ruling-elite", "ruling-elite"),
        ("the-ruling-elite", "ruling-elite"), ("Society and political parties", "society-parties"),
        ("Belarus-West relations", "belarus-west"), ("Belarus – West relations", "belarus-west"),
        ("belarus-russia-relations", "belarus-russia"), ("Security issues", "security"),
        ("economy", "economy"), ("International relations", "international-relations"),
        ("society-and-politics", "society-politics"), ("Events", "events"),
        ("Weather", None), ("", None), (None, None),
    ],
)
def test_trend_key(name: str | None, key: str | None) -> None:
    assert trend_key(name) == key


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://belarusinfocus.pro/the-ruling-elite/a-b/", "https://belarusinfocus.info/the-ruling-elite/a-b"),
        ("http://www.belarusinfocus.info/ruling-elite/a-b?page=3#x", "https://belarusinfocus.info/the-ruling-elite/a-b"),
        ("https://belarusinfocus.pro/7136-2/", "https://belarusinfocus.info/7136-2"),
        ("https://belarusinfocus.pro/by/kiruyuchy-klas/x-y/", "https://belarusinfocus.info/by/kiruyuchy-klas/x-y"),
        ("https://belarusinfocus.pro/economy/a?paged=2&utm_source=z", "https://belarusinfocus.info/economy/a"),
        ("https://example.org/economy/a/?page=2", "https://example.org/economy/a?page=2"),
    ],
)
def test_canonical_article_url(url: str, canonical: str) -> None:
    assert canonical_article_url(url) == canonical
    assert canonical_article_url(canonical) == canonical  # idempotent


def test_canonical_article_url_on_a_replica_maps_both_listeners_to_the_first() -> None:
    assert canonical_article_url("http://127.0.0.1:8124/economy/a/", REPLICA) == "http://127.0.0.1:8123/economy/a"
    assert canonical_article_url("http://127.0.0.1:9999/economy/a/", REPLICA) == "http://127.0.0.1:9999/economy/a"


@pytest.mark.parametrize(
    ("host", "expected"),
    [("belarusinfocus.pro", True), ("www.belarusinfocus.info", True), ("belarusinfocus.info:443", True),
     ("belarusinfocus.info:8443", False), ("127.0.0.1:8124", True), ("127.0.0.1:8125", False),
     ("evil-belarusinfocus.info", False), ("example.org", False)],
)
def test_is_site_host(host: str, expected: bool) -> None:
    assert is_site_host(host, REPLICA) is expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://belarusinfocus.pro/the-ruling-elite/the-shifting-landscape-lukashenkas-position-weakens", True),  # noqa: E501
        ("https://belarusinfocus.pro/analytics/poland-is-at-the-forefront-of-western-pressure", True),
        ("https://belarusinfocus.pro/7136-2", True),
        ("https://belarusinfocus.pro/7053-2/", True),
        ("https://belarusinfocus.pro/5809belarus_in_focus_2012_winners_to_be_awarded_in_warsaw", True),
        ("https://belarusinfocus.pro/minsk-failed-to-take-advantage-of-the-sanctions-reprieve/", True),
        ("https://belarusinfocus.pro/by/kiruyuchy-klas/rapidly-changing-workforce/", True),
        ("https://belarusinfocus.pro/analytics/the-ruling-elite/", False),
        ("https://belarusinfocus.pro/analytics/the-ruling-elite/page/9/", False),
        ("https://belarusinfocus.pro/analytics/", False),
        ("https://belarusinfocus.pro/page/2", False),
        ("https://belarusinfocus.pro/about-monitoring", False),
        ("https://belarusinfocus.pro/about-us-partners/about-information-office", False),
        ("https://belarusinfocus.pro/feed/", False),
        ("https://belarusinfocus.pro/wp-sitemap-posts-post-1.xml", False),
        ("https://belarusinfocus.pro/wp-content/uploads/2023/05/photo-of-a-rally.jpg", False),
        ("https://belarusinfocus.pro/wp-admin/post-new", False),
        ("https://belarusinfocus.pro/tag/sanctions", False),
        ("https://belarusinfocus.pro/the-ruling-elite/a-b/feed", False),
    ],
)
def test_is_article_url_weekly_forms(url: str, expected: bool) -> None:
    assert is_article_url(url, "belarusinfocus.pro") is expected


def _weekly_html(case: str) -> tuple[str, str]:
    page, _meta = load_case(FIXTURES / case)
    return page.url, page.body.decode()


def test_a_weekly_page_on_another_host_is_not_claimed_by_the_site_template() -> None:
    url, html = _weekly_html("weekly-en-2024-belarus-west")  # no canonical link in this one
    assert ArticlePage(url, html).template.name == "wp-weekly-2022"
    assert ArticlePage("https://example.org/2024/07/poland", html).template is UNKNOWN_TEMPLATE
    # a canonical link to the site says it is the site's page (a saved copy, a mirror)
    _url2, html2 = _weekly_html("weekly-en-2023-ruling-elite")
    assert ArticlePage("https://example.org/copy", html2).template.name == "wp-weekly-2022"
    assert ArticlePage("http://127.0.0.1:8124" + url.split(".pro", 1)[1], html).template.name == "wp-weekly-2022"  # noqa: E501


def test_a_wordpress_generator_tag_alone_claims_nothing() -> None:
    html = """<html><head><meta name="generator" content="WordPress 6.4.3"></head><body><article class="post">
      <h1 class="entry-title">A post</h1><div class="post-content entry-content"><p>Text.</p></div></article></body></html>"""  # noqa: E501
    assert ArticlePage("https://belarusinfocus.info/economy/a-post", html).template is UNKNOWN_TEMPLATE


def test_a_week_is_never_a_publication_time_and_the_body_keeps_no_boilerplate() -> None:
    for case in ("unknown-soup-2024-ruling-elite", "unknown-table-2024-society", "weekly-en-2023-ruling-elite"):  # noqa: E501
        url, html = _weekly_html(case)
        fields = ArticlePage(url, html).fields()
        assert fields.published is None, case
        body = fields.body_html or ""
        for phrase in ("subscribed", "Subscribe", "Once a week", "Situation in Belarus", "View all",
                       "Read more", "Photo:", "photo:", "The situation", "By Dzianis", fields.title or "?"):
            assert phrase not in body, (case, phrase)


@pytest.mark.parametrize(
    ("line", "period"),
    [("May 15 – May 21, 2023", "May 15 – May 21, 2023"),
     ("September 30 – October 6, 2024", "September 30 – October 6, 2024"),
     ("Жнівень 9 – Жнівень 15, 2021", "Жнівень 9 – Жнівень 15, 2021"),
     ("by December 26 – January 1", "December 26 – January 1"),
     ("9 мая – 15 мая 2023", "9 мая – 15 мая 2023"),
     ("May 15, 2023", None), ("The week of May 15 – May 21, 2023 was calm", None)],
)
def test_period_lines(line: str, period: str | None) -> None:
    assert patterns.period_of(line) == period


@pytest.mark.parametrize(
    ("line", "kind"),
    [("The situation has gotten better", "status"), ("The situation got worse", "status"),
     ("Сітуацыя пагоршылася", "status"), ("- (The situation has improved)", "status"),
     ("The situation in the region remains tense.", None),
     ("Снимок носит иллюстративный характер. Фото: TUT.BY", "credit"), ("Фота:", "credit"),
     ("карикатура: deutsche welle", "credit"), ("Image from https://twitter.com/S_vivat", "credit"),
     ("By Zmicier Kuchlej", "byline"), ("By 2025, the economy will shrink", None),
     # the Drupal era's credit lines, seen again on re-published pages (no colon in some)
     ("Source — AP", "credit"), ("PHOTO - Reuters", "credit"), ("© BelTA", "credit"),
     ("Credit: TUT.BY", "credit"), ("Photos: AP, Reuters", "credit"),
     ("Credit growth slowed in 2023 — the National Bank said so.", None),
     ("Sources — the ministry and the central bank — differ on the size of the loan.", None)],
)
def test_text_patterns(line: str, kind: str | None) -> None:
    found = {"status": patterns.is_status(line), "credit": patterns.is_caption_credit(line),
             "byline": patterns.is_byline(line)}
    assert [k for k, v in found.items() if v] == ([kind] if kind else [])


UNKNOWN_REPUBLISHED = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Kremlin prepares for the summit – Belarus in Focus</title></head><body><div id="page">
<div><a href="/">Belarus in Focus</a> <div><a href="/analytics/economy/">Economy</a></div></div>
<div id="content"><div><div><span>by</span> <span>December 9 – December 15, 2019</span></div>
<div><a href="/analytics/economy/">Economy</a></div><div><h2>Kremlin prepares for the summit</h2></div>
<div><b>The situation has gotten better</b></div>
<div><div><img src="/a.jpg" alt=""></div><div>Kremlin prepares for the summit</div>
<div><small>{credit}</small></div></div>
<div><p>{lead}</p><p>{second}</p><p>{third}</p></div></div>
<div><p>You have been successfully subscribed</p><div>Subscribe to our newsletter</div></div>
</div></body></html>"""


@pytest.mark.parametrize(
    ("credit", "source"),
    [("Source — AP", "AP"), ("Credit: TUT.BY", "TUT.BY"), ("PHOTO - Reuters", "Reuters"),
     ("© BelTA", "BelTA"), ("Photo: Belsat", "Belsat")],
)
def test_a_republished_page_in_unknown_markup_keeps_its_credit_out_of_the_lead(
    credit: str, source: str
) -> None:
    """A Drupal article re-published in markup no template knows: the credit line under the
    image (some without a colon) is the credit, never the lead or a line of the body."""
    lead = "Minsk is likely to improve its image in the West and to keep its autonomy intact."
    second = "The Foreign Ministry will continue attempts to promote Belarus as a negotiating platform."
    third = "Brussels has repeatedly appealed to the United States with a request to ease the sanctions."
    html = UNKNOWN_REPUBLISHED.format(credit=credit, lead=lead, second=second, third=third)
    page = RawPage(url="https://belarusinfocus.info/5030-2", fetched_at="2026-11-28T12:00:00Z",
                   status=200, headers={}, body=html.encode())
    item = process_page(page)
    assert (item.lead, item.image_credit) == (lead, source)
    assert item.body == f"{second}\n\n{third}"


def test_sitemap_index_and_urlset() -> None:
    index = """<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://belarusinfocus.pro/wp-sitemap-posts-post-1.xml</loc></sitemap>
      <sitemap><loc>https://belarusinfocus.pro/wp-sitemap-posts-post-2.xml</loc></sitemap>
      <sitemap><loc>https://belarusinfocus.pro/wp-sitemap-taxonomies-category-1.xml</loc></sitemap>
      <sitemap><loc>https://belarusinfocus.pro/wp-sitemap-users-1.xml</loc></sitemap>
      <sitemap><loc>https://elsewhere.org/wp-sitemap-posts-post-1.xml</loc></sitemap></sitemapindex>"""
    entries, nested = sitemap_links("https://belarusinfocus.pro/wp-sitemap.xml", index)
    assert entries == []
    assert nested == ["https://belarusinfocus.pro/wp-sitemap-posts-post-1.xml",
                      "https://belarusinfocus.pro/wp-sitemap-posts-post-2.xml"]
    urlset = """<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>https://belarusinfocus.pro/the-ruling-elite/election-2024-institutional-renewal-of-the-regime/</loc>
        <lastmod>2024-02-19T10:00:00+00:00</lastmod></url>
      <url><loc>https://belarusinfocus.pro/about-monitoring</loc></url>
      <url><loc>https://belarusinfocus.pro/7136-2/</loc></url></urlset>"""
    entries, nested = sitemap_links("https://belarusinfocus.pro/wp-sitemap-posts-post-1.xml", urlset)
    assert entries == [
        ("https://belarusinfocus.pro/the-ruling-elite/election-2024-institutional-renewal-of-the-regime",
         "2024-02-19T10:00:00+00:00"),
        ("https://belarusinfocus.pro/7136-2", None),
    ]
    assert nested == []


def test_weekly_listing_next_page_in_both_forms() -> None:
    for href in ("/analytics/belarus-west-relations/page/2/", "/analytics/belarus-west-relations/?paged=2"):
        html = f"""<main><h1 class="trend-title">Belarus-West relations</h1>
          <a href="/analytics/">All trends</a>
          <article class="trend-entry"><a class="trend-entry__link" href="/belarus-west-relations/a-b-c-d/">
          <h3>2022: Little prospect of normalization: the point of no return has been passed</h3></a>
          <span class="trend-entry__period">December 26 – January 1</span></article>
          <nav class="pagination"><a class="next page-numbers" href="{href}">Next</a></nav></main>"""
        links = ListingPage("https://belarusinfocus.pro/analytics/belarus-west-relations/", html).links()
        assert links.next_page == "https://belarusinfocus.pro" + href
        assert links.periods == {"https://belarusinfocus.pro/belarus-west-relations/a-b-c-d": "December 26 – January 1"}  # noqa: E501
        assert links.trend == "Belarus-West relations"
        assert "https://belarusinfocus.pro/analytics" in links.listings


def test_feed_entries_keep_the_stated_time() -> None:
    xml = """<?xml version="1.0"?><rss version="2.0"><channel>
      <item><link>https://belarusinfocus.pro/the-ruling-elite/election-2024-institutional-renewal-of-the-regime/</link>
        <pubDate>Mon, 19 Feb 2024 09:00:00 +0000</pubDate></item>
      <item><link>https://belarusinfocus.pro/analytics/the-ruling-elite/</link></item>
      <item><link>https://belarusinfocus.pro/7136-2/</link></item></channel></rss>"""
    assert feed_entries("https://belarusinfocus.pro/feed/", xml) == [
        ("https://belarusinfocus.pro/the-ruling-elite/election-2024-institutional-renewal-of-the-regime",
         "Mon, 19 Feb 2024 09:00:00 +0000"),
        ("https://belarusinfocus.pro/7136-2", None),
    ]


@pytest.mark.parametrize(
    ("text", "lang"),
    [("The situation has not changed: the regime keeps its grip on the security forces.", "en"),
     ("Силовые структуры ликвидируют организации, которые помогали уязвимым группам.", "ru"),
     ("Сілавыя структуры ліквідуюць арганізацыі, якія дапамагалі ўразлівым групам.", "be"),
     ("Too short", None)],
)
def test_detect_language(text: str, lang: str | None) -> None:
    assert detect_language(text) == lang


def test_a_saved_page_of_unknown_address_can_be_kept_from_the_templates() -> None:
    page, _ = load_case(FIXTURES / "seed-drupal")
    html = page.body.decode()
    assert ArticlePage(page.url, html, site_page=False).template is UNKNOWN_TEMPLATE
    assert ArticlePage("https://example.org/x", html, site_page=True).template is DRUPAL_2016


def test_without_the_title_line_the_first_period_and_the_trend_after_it_are_read() -> None:
    html = """<html><body><div>Menu</div><div>by</div><div>May 15 – May 21, 2023</div>
      <div>The ruling elite</div><div>A headline that differs from the og title</div>
      <div>The situation has gotten better</div><div>Body text.</div>
      <div>Situation in Belarus</div><div>May 22 – May 28</div></body></html>"""
    fields = ArticlePage("https://belarusinfocus.pro/the-ruling-elite/a-b-c-d", html).fields()
    assert (fields.period, fields.category, fields.trend_status) == (
        "May 15 – May 21, 2023", "The ruling elite", "The situation has gotten better")
    assert fields.sources["period"] == fields.sources["category"] == "text"


def test_a_body_read_by_its_text_keeps_lists_line_breaks_and_leaves_boxes_out() -> None:
    html = """<html><head><title>A title – Belarus in Focus</title></head><body><div>
      <div><span>by</span> <span>May 15 – May 21, 2023</span></div>
      <div><a href="/x">The ruling elite</a></div>
      <div><h2>A title</h2></div><div><b>The situation got worse</b></div>
      <div><p>Lead paragraph
        over two source lines.</p><p>Options:</p><ul><li>One</li><li>Two</li></ul>
      <p>First line<br>second line</p>
      <div class="read-more"><h4>Read more</h4><ul><li><a href="/e/a-b">Boxed</a></li></ul></div>
      <p>Last.</p></div><div><p>You have been successfully subscribed</p></div></div></body></html>"""
    fields = ArticlePage("https://belarusinfocus.pro/the-ruling-elite/a-title-b-c", html).fields()
    assert fields.body_html == (
        "<p>Lead paragraph over two source lines.</p>\n<p>Options:</p>\n<ul><li>One</li><li>Two</li></ul>\n"
        "<p>First line<br>second line</p>\n<p>Last.</p>"
    )
    assert fields.lead_html == "<p>Lead paragraph over two source lines.</p>"
    assert (fields.sources["body_html"], fields.sources["lead_html"]) == ("text", "text")
    assert (fields.trend_status, fields.category) == ("The situation got worse", "The ruling elite")


def test_the_language_of_another_sites_page_is_its_own_declaration() -> None:
    text = "<p>" + "Die Regierung in Minsk verschärft den Druck auf unabhängige Medien. " * 3 + "</p>"
    de = ArticlePage("https://example.de/a", f"<html lang='de-DE'><body>{text}</body></html>").fields()
    assert (de.lang, de.sources["lang"]) == ("de", "meta")
    page = f'<html lang="be"><body>{text}</body></html>'
    by = ArticlePage("https://belarusinfocus.pro/by/a/b", page).fields()
    assert (by.lang, by.sources["lang"]) == ("en", "text")  # the site's own: read from the text


def test_a_canonical_link_is_honoured_only_on_a_site_host() -> None:
    head = '<html><head><link rel="canonical" href="{}"></head><body><h1>T</h1></body></html>'
    url = "https://belarusinfocus.pro/ruling-elite/a-b/?page=2"
    mirror = ArticlePage(url, head.format("https://belarusinfocus.pro/the-ruling-elite/a-b/")).fields()
    assert (mirror.canonical, mirror.sources["canonical"]) == (
        "https://belarusinfocus.info/the-ruling-elite/a-b", "meta")
    elsewhere = ArticlePage(url, head.format("https://example.org/stolen-copy")).fields()
    assert (elsewhere.canonical, elsewhere.sources["canonical"]) == (
        "https://belarusinfocus.info/the-ruling-elite/a-b", "url")


def test_jsonld_objects_in_document_order_breadth_first() -> None:
    """One walker for every JSON-LD reader: top-level objects in order, then their @graph."""
    raw = json.dumps([
        {"@type": "WebPage", "@graph": [{"@type": "NewsArticle", "n": 1}]},
        {"@type": "Article", "n": 2},
    ])
    assert [obj.get("@type") for obj in jsonld_objects(raw)] == ["WebPage", "Article", "NewsArticle"]
    assert list(jsonld_objects("{not json")) == []
    assert list(jsonld_objects('"a string"')) == []
