"""Hypothesis: mutated replica article pages through the whole page path never crash.

A few replica article pages are rendered once; each example mutates one with lxml (elements
unwrapped, removed or duplicated; attributes set, removed or reordered; text and tails replaced
with arbitrary Unicode, escaped or raw), may truncate the bytes at any offset and may change the
Content-Type header, then runs it through build_item, NormalisePipeline, ValidatePipeline and
Archive.store_items. Every example ends as a valid article (non-empty clean title, a UTC
``published_at`` (a date when only a date was stated) or a valid week, a body of at least
MIN_BODY_WORDS words) or as a ``rejects`` row whose reason is the item's reasons; either way the
raw page is kept byte for byte and the archive stays sound. Deterministic
(``derandomize=True``); about 150 examples in all. The pages are weekly-era pages (English, and a
``/by/`` twin) and a Drupal page. Each test builds what it needs: they pass alone and in any order.
"""

from __future__ import annotations

import copy
import hashlib
import html
import random
import re
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scrapy.utils.test import get_crawler

from archiver.article import MIN_BODY_WORDS
from archiver.extract import build_item, decode_page
from archiver.items import ArticleItem, RawPage
from archiver.normalise import clean_title
from archiver.pipelines import NormalisePipeline, ValidatePipeline
from archiver.replica import ReplicaSite
from archiver.store import Archive
from tests.conftest import FROZEN_NOW

BASE = "https://belarusinfocus.info"
SITE = ReplicaSite(12, seed=23)
TRUTH = [SITE.ground_truth(BASE)[i] for i in (1, 4, 5, 8)]
"""A weekly page with an image, a /by/ twin, a weekly page with a byline, a Drupal page."""
PAGES: tuple[bytes, ...] = tuple(SITE.render(rec["url"].removeprefix(BASE), BASE)[2] for rec in TRUTH)
UTC_SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
CONTENT_TYPES = (
    "text/html; charset=utf-8", "text/html", "text/html; charset=latin-1",
    "text/html; charset=no-such-charset", "application/octet-stream", "",
)
ATTRIBUTES = ("class", "id", "href", "datetime", "content", "src", "property", "name", "type", "rel")
SPECIAL_VALUES = (
    "", "title", "field-name-body", "node node-article", "date-display-single", "status-icon status-red",
    "og:title", "article:published_time", "application/ld+json", "2016-11-07T10:41:00+03:00",
    "November 07, 2016 10:41", "entry-content", "analytics-period",
    "analytics-status analytics-status--worse", "May 15 – May 21, 2023", "December 26 – January 1",
    "The situation has gotten better", "By Zmicier Kuchlej",
    "javascript:alert(1)", "http://[::1", "//evil.example/x", "../../..",
    "\x00", "\u202e", "\U0001f600", "9999-99-99", '{"@type": "NewsArticle", "headline": 1}',
)  # fmt: skip
PLACEHOLDER = "\ue000{}\ue001"
"""Stands in for a drawn value that lxml would refuse (control characters, NUL); replaced after
serialisation."""

NASTY_CHARS = "\x00\x01\x1f\x7f\x85\u200e\u200f\u202e\u2066\ufeff\ufffd\U0001f1e7\U0001f600<>&\"' \n"
"""Control characters, NUL, direction marks, BOM, U+FFFD, 4-byte emoji and markup characters."""
unicode_text = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=60),  # astral too, no surrogates
    st.text(st.sampled_from(NASTY_CHARS), max_size=20),
    st.sampled_from(SPECIAL_VALUES),
)
TARGETS = (
    "h1.title", "title", ".submitted .date-display-single", ".field-name-body", ".field-name-body p",
    ".field-name-field-lead", ".field-name-field-image img", ".image-credit", ".status-icon",
    ".node-article", ".similar-articles a", "#main", "body", "head", "meta",
    "h1.entry-title", ".analytics-period", ".analytics-trend", ".analytics-status", ".entry-content",
    ".entry-content p", ".analytics-author", "figcaption", "article.single-analytics", ".lang-switch a",
)
"""What the page object reads: most mutations hit one of these (an element picked by CSS)."""
element_index = st.integers(min_value=0, max_value=400)
target = st.none() | st.sampled_from(TARGETS)


@dataclass(frozen=True)
class Drop:
    target: str | None
    """A CSS selector whose matches the index picks from (None: any element)."""
    index: int
    unwrap: bool
    """True: keep the children (drop_tag); False: remove the element with its content."""


@dataclass(frozen=True)
class Duplicate:
    target: str | None
    """A CSS selector whose matches the index picks from (None: any element)."""
    index: int


@dataclass(frozen=True)
class SetAttribute:
    target: str | None
    """A CSS selector whose matches the index picks from (None: any element)."""
    index: int
    name: str
    value: str | None
    """None: remove the attribute."""
    escape: bool


@dataclass(frozen=True)
class ShuffleAttributes:
    target: str | None
    """A CSS selector whose matches the index picks from (None: any element)."""
    index: int
    seed: int


@dataclass(frozen=True)
class ReplaceText:
    target: str | None
    """A CSS selector whose matches the index picks from (None: any element)."""
    index: int
    tail: bool
    value: str
    escape: bool
    """False: the value goes into the markup raw (it may open tags or entities)."""


Mutation = Drop | Duplicate | SetAttribute | ShuffleAttributes | ReplaceText

mutations = st.one_of(
    st.builds(Drop, target, element_index, st.booleans()),
    st.builds(Duplicate, target, element_index),
    st.builds(
        SetAttribute, target, element_index, st.sampled_from(ATTRIBUTES), st.none() | unicode_text,
        st.booleans(),
    ),
    st.builds(ShuffleAttributes, target, element_index, st.integers(0, 2**16)),
    st.builds(ReplaceText, target, element_index, st.booleans(), unicode_text, st.booleans()),
)


@dataclass(frozen=True)
class Plan:
    """One example: which page, its mutations in order, a cut (byte offset) and a Content-Type."""

    page: int
    mutations: tuple[Mutation, ...]
    cut: int | None
    content_type: str


plans = st.builds(
    Plan,
    st.integers(0, len(PAGES) - 1),
    st.lists(mutations, min_size=1, max_size=8).map(tuple),
    st.none() | st.integers(0, 20_000),
    st.sampled_from(CONTENT_TYPES),
)


def apply(plan: Plan) -> bytes:
    """The page's bytes after the plan's mutations and cut."""
    doc = lxml.html.document_fromstring(PAGES[plan.page])
    values: list[str] = []

    def later(value: str, escape: bool, *, quote: bool) -> str:
        values.append(html.escape(value, quote=quote) if escape else value)
        return PLACEHOLDER.format(len(values) - 1)

    for mutation in plan.mutations:
        found = doc.cssselect(mutation.target) if mutation.target else doc.iter()
        elements = [el for el in found if isinstance(el.tag, str) and el is not doc]
        if not elements:
            break
        element = elements[mutation.index % len(elements)]
        if isinstance(mutation, Drop):
            if mutation.unwrap:
                element.drop_tag()
            else:
                element.drop_tree()
        elif isinstance(mutation, Duplicate):
            element.addnext(copy.deepcopy(element))
        elif isinstance(mutation, SetAttribute):
            if mutation.value is None:
                element.attrib.pop(mutation.name, None)
            else:
                element.set(mutation.name, later(mutation.value, mutation.escape, quote=True))
        elif isinstance(mutation, ShuffleAttributes):
            items = list(element.attrib.items())
            random.Random(mutation.seed).shuffle(items)  # noqa: S311 (a test's reordering)
            element.attrib.clear()
            for name, value in items:
                element.set(name, value)
        else:
            value = later(mutation.value, mutation.escape, quote=False)
            if mutation.tail:
                element.tail = value
            else:
                element.text = value
    text = lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")
    for number, value in enumerate(values):
        text = text.replace(PLACEHOLDER.format(number), value)
    data: bytes = text.encode("utf-8")
    return data if plan.cut is None else data[: plan.cut]


def raw_page(body: bytes, content_type: str, url: str) -> RawPage:
    headers = {"Content-Type": [content_type]} if content_type else {}
    return RawPage(url, FROZEN_NOW, 200, headers, body)


def run_page_path(page: RawPage) -> ArticleItem:
    """build_item -> NormalisePipeline -> ValidatePipeline, as the crawl's pipelines do."""
    item = build_item(page, decode_page(page))
    normalised = NormalisePipeline("Europe/Minsk").process_item(item)
    validated = ValidatePipeline.from_crawler(get_crawler()).process_item(normalised)
    assert isinstance(validated, ArticleItem)
    return validated


def stored_page(archive: Archive, page_id: object) -> bytes:
    """The raw bytes of pages row ``page_id``, decompressed."""
    body, encoding = archive.db.execute(
        "SELECT body, encoding FROM pages WHERE id = ?", (page_id,)
    ).fetchone()
    assert encoding == "zlib"
    return zlib.decompress(body)


def check_stored(archive: Archive, item: ArticleItem, outcome: str) -> None:
    """The item is a valid article or a reject with its reasons; its raw page is kept exactly."""
    sha = hashlib.sha256(item.page.body).hexdigest()
    [page_id] = archive.db.execute(
        "SELECT id FROM pages WHERE url = ? AND sha256 = ?", (item.page.url, sha)
    ).fetchone()
    if item.reject_reasons:
        assert outcome == "rejected"
        assert all(reason.strip() for reason in item.reject_reasons)
        row = archive.db.execute(
            "SELECT kind, status FROM rejects WHERE url = ? AND reason = ? AND page_id = ?",
            (item.url, "; ".join(item.reject_reasons), page_id),
        ).fetchone()
        assert row == ("invalid", 200), item.reject_reasons
    else:
        assert outcome in ("new", "updated", "unchanged")
        article = archive.get_article(item.url)
        assert article is not None
        title = str(article["title"])
        assert title
        assert title == item.title
        assert title == clean_title(title)  # idempotent: already clean
        assert unicodedata.is_normalized("NFC", title)
        assert "\x00" not in title
        assert "\n" not in title
        if article["published_at"] is not None and article["published_precision"] == "day":
            date.fromisoformat(str(article["published_at"]))  # a stated date without a time
        elif article["published_at"] is not None:
            published = str(article["published_at"])
            assert UTC_SECOND.fullmatch(published), published
            datetime.fromisoformat(published.replace("Z", "+00:00"))
        else:  # a week instead: ISO dates, 1..31 days
            start = date.fromisoformat(str(article["period_start"]))
            end = date.fromisoformat(str(article["period_end"]))
            assert 0 <= (end - start).days <= 30, (start, end)
        assert article["body"] == item.body
        assert "\x00" not in item.body
        assert int(str(article["word_count"])) == len(item.body.split()) >= MIN_BODY_WORDS
        assert (article["page_id"], article["page_sha256"]) == (page_id, sha)
    assert stored_page(archive, page_id) == item.page.body


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    with Archive(tmp_path_factory.mktemp("mutations") / "archive.db") as opened:
        yield opened


def test_unmutated_pages_are_their_ground_truth(archive: Archive) -> None:
    for body, record in zip(PAGES, TRUTH, strict=True):
        item = run_page_path(raw_page(body, CONTENT_TYPES[0], record["url"]))
        assert item.reject_reasons == []
        assert (item.title, item.published_at, item.body) == (
            record["title"], record["published_at"], record["body"]
        )
        if record["published_at"] is None:
            assert (item.period_start, item.period_end) == (record["period_start"], record["period_end"])


@settings(
    max_examples=150, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=plans)
def test_mutated_pages_are_archived_or_rejected(archive: Archive, plan: Plan) -> None:
    page = raw_page(apply(plan), plan.content_type, TRUTH[plan.page]["url"])
    item = run_page_path(page)
    [outcome] = archive.store_items([item], run_id=None, seen_at=FROZEN_NOW)
    check_stored(archive, item, outcome)
    assert archive.integrity_check() == ["ok"]
    event(f"outcome: {outcome}")
    for reason in item.reject_reasons:
        event(f"reason: {reason.split(' (')[0]}")


FIXED_PLANS = tuple(
    plan
    for page in range(len(PAGES))
    for plan in (
        Plan(page, (Duplicate(None, 70),), None, CONTENT_TYPES[0]),
        Plan(page, (Drop("h1", 0, unwrap=False), Drop("title", 0, unwrap=False),
                    Drop("meta", 0, unwrap=False)), None, CONTENT_TYPES[1]),
        Plan(page, (ReplaceText(".entry-content p, .field-name-body p", 0, False, "\x00\u202e", False),),
             3000, CONTENT_TYPES[4]),
    )
)
"""Mutations of every page chosen by hand: a duplicate, the titles gone, a NUL and a cut."""


def test_an_archive_after_mutations_is_sound(tmp_path: Path) -> None:
    with Archive(tmp_path / "archive.db") as archive:
        outcomes = []
        for plan in FIXED_PLANS:
            item = run_page_path(raw_page(apply(plan), plan.content_type, TRUTH[plan.page]["url"]))
            [outcome] = archive.store_items([item], run_id=None, seen_at=FROZEN_NOW)
            check_stored(archive, item, outcome)
            outcomes.append(outcome)
        assert archive.integrity_check() == ["ok"]
        counts = archive.db.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM rejects), "
            "(SELECT count(*) FROM pages)"
        ).fetchone()
    assert "rejected" in outcomes
    assert counts[0] >= 1
    assert counts[1] == outcomes.count("rejected")
    assert counts[2] == len({apply(plan) for plan in FIXED_PLANS} - {b""})
