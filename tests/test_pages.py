"""Golden tests: saved pages under tests/fixtures/pages/<case>/ through the page objects.

Each case folder holds ``page.html`` (the saved page), ``meta.json`` (its URL and fetch time;
``kind: listing`` for a listing page; ``template``: the template version it must be recognised
as) and ``expected.json``: the WHOLE record the page object gives (every key of ArticleFields,
``sources`` and ``template`` included, or every key of ListingLinks), compared whole but for
IGNORED_KEYS. ``pytest tests/test_pages.py --update-goldens`` rewrites expected.json after a
deliberate change (read the diff). The seed cases also hold ``pipeline.json``: keys of the record
after normalisation (archiver.extract.record) that must stay as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from archiver.extract import process_page, record
from archiver.items import RawPage
from archiver.pages import belarusinfocus
from archiver.pages.belarusinfocus import (
    DRUPAL_2016,
    TEMPLATES,
    UNKNOWN_TEMPLATE,
    ArticlePage,
    ListingPage,
    Template,
    feed_links,
    is_article_url,
)

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
CASES = sorted(p for p in FIXTURES.iterdir() if p.is_dir())
IGNORED_KEYS: frozenset[str] = frozenset()
"""Keys of a golden record not compared (none today: add one only with the reason beside it)."""


def load_case(case: Path) -> tuple[RawPage, dict[str, Any]]:
    meta = json.loads((case / "meta.json").read_text())
    page = RawPage(
        url=meta["url"],
        fetched_at=meta["fetched_at"],
        status=200,
        headers={"Content-Type": [meta.get("content_type", "text/html; charset=utf-8")]},
        body=(case / "page.html").read_bytes(),
    )
    return page, meta


def page_record(case: Path) -> dict[str, Any]:
    """What the page objects make of the case's page: ArticleFields or ListingLinks, as a dict."""
    page, meta = load_case(case)
    html = page.body.decode()
    if meta.get("kind") == "listing":
        return {"url": page.url, **asdict(ListingPage(page.url, html).links())}
    return {"url": page.url, **asdict(ArticlePage(page.url, html, fetched_at=page.fetched_at).fields())}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_page(case: Path, update_goldens: bool) -> None:
    got = page_record(case)
    golden = case / "expected.json"
    if update_goldens:
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text())
    compared = {k: v for k, v in got.items() if k not in IGNORED_KEYS}
    assert compared == {k: v for k, v in expected.items() if k not in IGNORED_KEYS}, case.name
    _page, meta = load_case(case)
    if "template" in meta:  # the template version the page was saved as
        assert got["template"] == meta["template"], case.name
        template = next((t for t in TEMPLATES if t.name == meta["template"]), None)
        if template is not None:  # every field the template has selectors for came from them
            own = {name: "selector" for name in got["sources"] if getattr(template, _ATTR.get(name, name), ())}
            assert {k: v for k, v in got["sources"].items() if k in own} == own, got["sources"]


_ATTR = {"published": "date", "trend_status": "status", "image_url": "image", "image_credit": "credit",
         "lead_html": "lead", "body_html": "body", "lang": "", "canonical": ""}
"""ArticleFields name -> Template attribute (names not listed are the same; "" none)."""


@pytest.mark.parametrize("name", ["seed-drupal", "seed-plain"])
def test_seed_pages_through_the_pipeline(name: str) -> None:
    page, _meta = load_case(FIXTURES / name)
    expected = json.loads((FIXTURES / name / "pipeline.json").read_text())
    got = record(process_page(page))
    for key, value in expected.items():
        assert got[key] == value, f"{name}: field {key}"


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
