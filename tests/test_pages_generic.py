"""The generic chain on other sites' pages: one golden case per failure class it fixes (issue 16).

Each case is a small synthetic page run through ``archiver extract``'s path (``extract_file``),
checked on the whole record where that is feasible: the ranked date search (a date that does
not parse never hides a later good one; teasers and captions are no source; a date without a
time stays a day; the URL last), the title the candidates agree on (never a section label or
the site's name), the body by coverage (a teaser ``articleBody`` loses to the full text) and
the image credit (split from its caption; a plain caption is no credit).
"""

from __future__ import annotations

import json
from typing import Any

from parsel import Selector

from archiver.extract import extract_file
from archiver.pages.dates import stated_ok, text_dates, url_date
from archiver.pages.titles import choose_title, strip_site_suffix, title_candidates

NOW = "2026-12-01T00:00:00Z"
TZ = "Europe/Berlin"

PARAGRAPHS = [
    "The city council met on Monday evening to debate the proposed budget for the coming year.",
    "Members argued for several hours about the cost of repairing the old bridge over the river.",
    "The mayor said the repairs could not wait, because the structure had been closed twice.",
    "Opposition councillors proposed to move money from the festival fund to the bridge works.",
    "Residents who attended the meeting asked for more buses while the bridge stays closed.",
    "A final vote on the budget is expected next month, after a public consultation period.",
    "Engineers presented a report that estimated the repairs would take eighteen months.",
    "The council also approved a plan to plant three hundred trees along the northern avenue.",
    "Local businesses welcomed the decision but asked for support during the construction works.",
    "The last speaker of the evening thanked the volunteers who had cleaned the riverbanks.",
]
"""A main text long enough for the main-text extractor (about 160 words)."""


def page(head: str = "", body: str = "", *, article: str | None = None) -> bytes:
    """A news page of another site: ``head`` markup, then ``body`` before the article text."""
    text = article if article is not None else "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"{head}</head><body><nav><a href='/'>Home</a><a href='/news'>News</a></nav>"
        f"<main><article>{body}<div class='article-body'>{text}</div></article></main>"
        "<footer><p>© 2020 Example Times. All rights reserved.</p></footer></body></html>"
    ).encode()


def extract(data: bytes, url: str | None = "https://example.com/news/story") -> dict[str, Any]:
    return extract_file(data, url=url, now=NOW, tz=TZ, name="page.html")


def jsonld(obj: dict[str, object]) -> str:
    return f"<script type='application/ld+json'>{json.dumps(obj)}</script>"


# --- dates ------------------------------------------------------------------------------------
def test_an_unparseable_first_date_does_not_hide_a_good_machine_date_later() -> None:
    head = (
        "<meta property='article:published_time' content='Publié le jour du marché'>"
        "<meta name='date' content='20200316T13:00:00Z'>"
    )
    got = extract(page(head, "<h1>Bridge repairs cannot wait</h1>"))
    assert (got["published_at"], got["published_raw"], got["published_precision"]) == (
        "2020-03-16T13:00:00Z", "20200316T13:00:00Z", "second",
    )
    assert got["field_sources"]["published"] == "meta"
    assert got["reject_reasons"] == []


def test_jsonld_date_of_the_article_object_and_epoch_milliseconds() -> None:
    head = jsonld({"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Example Times"},
        {"@type": "NewsArticle", "headline": "Bridge repairs cannot wait", "datePublished": "1584363600000"},
    ]})  # fmt: skip
    got = extract(page(head, "<h1>Bridge repairs cannot wait</h1>"))
    assert got["published_at"] == "2020-03-16T13:00:00Z"
    assert got["field_sources"]["published"] == "jsonld"


def test_a_date_in_a_related_teaser_or_a_caption_is_ignored_for_the_visible_date() -> None:
    body = (
        "<h1>Bridge repairs cannot wait</h1><p class='meta'>Von Anna Berg | 16. März 2020</p>"
        "<figure><img src='a.jpg'><figcaption>Die Brücke am 2. Mai 2019</figcaption></figure>"
    )
    related = (
        "<div class='related-articles'><h3>Mehr</h3><time datetime='2019-01-01T08:00:00Z'>"
        "1. Januar 2019</time><a href='/old'>Old story</a></div>"
    )
    got = extract(page("", related + body))
    assert (got["published_local"], got["published_precision"], got["published_at"]) == (
        "2020-03-16", "day", "2020-03-16",
    )
    assert got["field_sources"]["published"] in {"htmldate", "text"}


def test_a_date_without_a_time_stays_that_day() -> None:
    got = extract(page("<meta name='DC.date' content='2024-04-30'>", "<h1>Bridge repairs cannot wait</h1>"))
    stated = (got["published_at"], got["published_local"], got["published_raw"], got["published_precision"])
    assert stated == ("2024-04-30", "2024-04-30", "2024-04-30", "day")


def test_microdata_before_a_time_element_and_the_url_last() -> None:
    body = (
        "<h1>Bridge repairs cannot wait</h1><span itemprop='datePublished' content='2021-06-02'>"
        "2 June</span><time datetime='2021-06-05'>5 June</time>"
    )
    assert extract(page("", body))["published_raw"] == "2021-06-02"
    bare = extract(page("", "<h1>Bridge repairs cannot wait</h1>"), url="https://example.com/2020/03/16/bridge")
    assert (bare["published_local"], bare["published_precision"]) == ("2020-03-16", "day")
    assert bare["field_sources"]["published"] in {"htmldate", "url"}


def test_date_helpers() -> None:
    now = None
    assert stated_ok("21. Januar 2022", now)
    assert stated_ok("1584363600", now)
    assert not stated_ok("Publié le jour du marché", now)
    assert not stated_ok("", now)
    assert url_date("https://x.org/2020/3/16/a") == "2020-03-16"
    assert url_date("https://x.org/news/story-2019-12-01.html") == "2019-12-01"
    assert url_date("https://x.org/news/12345") is None
    def first_date(lines: list[str]) -> str | None:
        return next((p for p in text_dates(lines, "Headline") if stated_ok(p, None)), None)

    assert first_date(["Menu", "Headline", "By Anna | 16. März 2020 14:30 Uhr"]) == "16. März 2020 14:30 Uhr"
    assert first_date(["Headline", "by oz on December 4, 2006"]) == "December 4, 2006"
    assert first_date(["Headline", "Autor: freundesvideoclkreisips Juli 12, 2017"]) == "Juli 12, 2017"
    assert first_date(["Headline", "A" * 200 + " 16.03.2020"]) is None  # running text


# --- titles -----------------------------------------------------------------------------------
def test_a_section_label_h1_is_never_the_title() -> None:
    head = (
        "<title>Bridge repairs cannot wait | Example Times</title>"
        "<meta property='og:site_name' content='Example Times'>"
    )
    got = extract(page(head, "<h1>Navigation und Service</h1><h2>Bridge repairs cannot wait</h2>"))
    assert got["title"] == "Bridge repairs cannot wait"
    labelled = extract(page("<meta property='og:title' content='Bridge repairs cannot wait'>",
                            "<h1>Leggi anche:</h1>"))
    assert labelled["title"] == "Bridge repairs cannot wait"


def test_the_site_name_is_never_the_title_and_the_h1_wins_when_it_agrees() -> None:
    head = (
        "<title>Example Times</title><meta property='og:site_name' content='Example Times'>"
        "<meta property='og:title' content='Bridge repairs cannot wait, mayor says - Example Times'>"
    )
    got = extract(page(head, "<h1>Bridge repairs cannot wait, mayor says</h1>"))
    assert got["title"] == "Bridge repairs cannot wait, mayor says"
    sel = Selector(text=(
        "<html><head><title>Example Times</title><meta property='og:site_name' content='Example Times'>"
        "</head><body><table><tr><td><h1>Example Times</h1></td></tr></table></body></html>"
    ))
    assert choose_title(title_candidates(sel, sel, "Real headline")) == ("jsonld", "Real headline")
    assert strip_site_suffix("Headline here: more | Site", []) == "Headline here: more"


# --- bodies -----------------------------------------------------------------------------------
def test_a_teaser_article_body_does_not_outrank_the_full_main_text() -> None:
    head = jsonld({"@type": "NewsArticle", "headline": "Bridge repairs cannot wait",
                   "datePublished": "2020-03-16", "articleBody": PARAGRAPHS[0]})
    got = extract(page(head, "<h1>Bridge repairs cannot wait</h1>"))
    assert PARAGRAPHS[-1] in got["body"]
    assert PARAGRAPHS[4] in got["body"]
    assert got["field_sources"]["body_html"] == "generic"
    assert "All rights reserved" not in got["body"]


def test_a_full_article_body_is_taken_without_the_extractor() -> None:
    head = jsonld({"@type": "NewsArticle", "headline": "Bridge repairs cannot wait",
                   "datePublished": "2020-03-16", "articleBody": "\n".join(PARAGRAPHS)})
    got = extract(page(head, "<h1>Bridge repairs cannot wait</h1>"))
    assert got["field_sources"]["body_html"] == "jsonld"
    assert PARAGRAPHS[-1] in got["body"]


# --- credits ----------------------------------------------------------------------------------
def test_a_credit_glued_to_its_caption_is_split_and_a_plain_caption_is_no_credit() -> None:
    glued = (
        "<h1>Bridge repairs cannot wait</h1><figure><img src='a.jpg'><figcaption>The old bridge in"
        " spring. Photo: Picture Alliance</figcaption></figure>"
    )
    got = extract(page("<meta name='date' content='2020-03-16'>", glued))
    assert (got["image_credit"], got["image_caption"]) == ("Picture Alliance", "The old bridge in spring.")
    plain = (
        "<h1>Bridge repairs cannot wait</h1><figure><img src='a.jpg'><figcaption>The old bridge in"
        " spring.</figcaption></figure>"
    )
    assert extract(page("<meta name='date' content='2020-03-16'>", plain))["image_credit"] is None


def test_credit_markup_then_jsonld_image_credit() -> None:
    marked = (
        "<h1>Bridge repairs cannot wait</h1><figure><img src='a.jpg'><figcaption>The old bridge."
        " <span class='caption__credit'>Anna Berg/dpa</span></figcaption></figure>"
    )
    assert extract(page("", marked))["image_credit"] == "Anna Berg/dpa"
    head = jsonld({"@type": "NewsArticle", "headline": "Bridge repairs cannot wait",
                   "image": {"@type": "ImageObject", "url": "a.jpg", "creditText": "Reuters"}})
    teaser = "<div class='teaser'><figure><figcaption>Foto: Somebody Else</figcaption></figure></div>"
    assert extract(page(head, "<h1>Bridge repairs cannot wait</h1>" + teaser))["image_credit"] == "Reuters"


def test_a_credit_in_a_figure_outside_the_article_and_in_its_own_footer() -> None:
    lead = (
        "<figure class='lead'><img src='a.jpg'><footer class='credit'><span class='copyright'>"
        "APA/AFP/Mandel Ngan</span></footer></figure>"
    )
    data = page("", "<h1>Bridge repairs cannot wait</h1>").replace(b"<main>", b"<main>" + lead.encode())
    got = extract(data)
    assert got["image_credit"] == "APA/AFP/Mandel Ngan"
    site_footer = page("", "<h1>Bridge repairs cannot wait</h1>").replace(
        b"<footer>", b"<footer><div class='copyright'>Photo: Example Times</div>"
    )
    assert extract(site_footer)["image_credit"] is None
