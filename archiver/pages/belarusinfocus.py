"""What the pages of Belarus in Focus contain: every selector and fallback for the site lives here
(site knowledge in archiver.pages.site, text patterns in archiver.pages.patterns).

A redesign of the site is a new Template here plus saved pages under tests/fixtures/pages/.
The page objects extract raw values only (text as shown, HTML fragments); cleaning is the job of
archiver.normalise. Only the site's own pages are offered to the templates (``ArticlePage``).
Each field is taken from the first source that yields it, in this order:

1. ``selector``: the site's own markup: the CSS of the page's template version (``Template``;
   chosen by what the page looks like, the fetch date as a hint);
2. ``markup``: generic markup any article page may have (``h1``, ``figure figcaption``,
   ``itemprop``);
3. ``meta``: structured metadata (Open Graph, ``article:*`` meta tags, ``<time datetime>``);
4. ``jsonld``: a JSON-LD ``NewsArticle``/``Article``;
5. ``text``: the site's text patterns in reading order around the title (the period line, the
   trend's name, the status sentence, the caption's credit label, the byline, the body up to the
   newsletter block; archiver.pages.patterns), the ``Month D, YYYY`` line;
6. ``generic``: for the body, a generic main-text extractor (archiver.pages.generic) without the
   page furniture, then the densest block of paragraphs;
7. ``url``: the trend from the URL's section slug.

Another site's page (not on a site host: template ``unknown``) has its own chain for the title
(the candidate the others agree with: archiver.pages.titles), the date (a ranked search that keeps
the first candidate that parses, with source ``htmldate`` for htmldate's reading:
archiver.pages.dates), the body (by coverage: ``_widest_body``) and the image credit
(archiver.pages.credits).

``field_sources`` records which source gave each field; ``archiver check`` alarms when the share
of ``selector`` falls (the site has changed). docs/architecture.md has the table per field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape as html_escape
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

from parsel import Selector, SelectorList

from archiver.items import RelatedLink
from archiver.normalise import canonical_url, collapse_ws, word_count
from archiver.pages import patterns
from archiver.pages.credits import credit_candidates
from archiver.pages.dates import NOT_DATE_BLOCK, date_candidates, stated_ok
from archiver.pages.generic import generic_body_html
from archiver.pages.jsonld import jsonld_objects
from archiver.pages.site import (
    LANGUAGE_PREFIXES,
    TRENDS,
    canonical_article_url,
    is_article_url,
    is_site_host,
    listing_trend,
    site_hosts_for,
    trend_key,
)
from archiver.pages.titles import choose_title, title_candidates

__all__ = [
    "DRUPAL_2016", "MARKUP", "TEMPLATES", "UNKNOWN_TEMPLATE", "WP_WEEKLY_2022", "ArticleFields",
    "ArticlePage", "ListingLinks", "ListingPage", "Template", "canonical_article_url",
    "choose_template", "detect_language", "feed_entries", "feed_links", "is_article_url",
    "is_site_host", "listing_trend", "parse_html", "read_layout", "sitemap_links", "text_lines",
    "trend_key",
]  # fmt: skip
"""The page objects, and the site knowledge of archiver.pages.site that the other modules use."""

TEMPLATE_NAME = "drupal-2016"
"""The template version these selectors describe (see docs/replica.md)."""

STRAY_END_TAG = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
"""``</body>`` and ``</html>`` end tags: libxml2 closes every open element at the first and stops
parsing at the first ``</html>``, so a stray one mid-page (a broken template, a pasted fragment)
would cut the article short. The document's end closes everything anyway."""


def parse_html(html: str) -> Selector:
    """A page's decoded text as a parsel Selector, tolerant of stray ``</body>``/``</html>`` tags."""
    return Selector(text=STRAY_END_TAG.sub("", html) or "<html></html>")


# --- the site's own markup: one Template per version of the site's templates ------------------
@dataclass(frozen=True, slots=True)
class Template:
    """The CSS selectors of one version of the site's templates, most specific first.

    ``markers``: CSS of which any match says a page is in this template (a site page only: see
    ``choose_template``). ``since``/``until``: the dates (ISO 8601; ``until`` empty: still in use
    or unknown) between which the site served it, a hint: when a page matches several templates,
    the latest one in force at the page's fetch date wins. A redesign of the site is a new
    Template in TEMPLATES, its saved pages under tests/fixtures/pages/ and its golden outputs.
    ``status``: the marker's text when it is a status sentence, else its ``class``.
    """

    name: str
    since: str
    markers: tuple[str, ...]
    until: str = ""
    title: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    period: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    image: tuple[str, ...] = ()
    credit: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    similar: tuple[str, ...] = ()
    trend: tuple[str, ...] = ()
    translation: tuple[str, ...] = ()


DRUPAL_2016 = Template(
    name=TEMPLATE_NAME,
    since="2011-01-01",
    until="2022-02-01",  # (inferred) the weekly template took over between Nov 2021 and Feb 2022
    markers=(".node-article", "[class*='field-name-']", ".similar-articles", "body[class*='node-type-']"),
    title=("h1.title", "h1.page-title", "h1#page-title", ".node h1"),
    date=(
        ".node .submitted .date-display-single",
        ".submitted .date-display-single",
        ".node .date-display-single",
        ".field-name-post-date",
    ),
    author=(".field-name-field-author", ".node .author"),
    category=(".field-name-field-category a", ".breadcrumb a:last-child"),
    status=(
        ".field-name-field-category-status [class*='status-']",
        "[class*='category-status'] [class*='status-']",
        ".field-name-field-category-status li",  # ``- (The situation has improved)``
    ),
    image=(".field-name-field-image img", ".node .field-type-image img"),
    credit=(
        ".field-name-field-image .image-credit",
        ".field-name-field-image-credit",
        ".node .image-credit",
    ),
    lead=(".field-name-field-lead", ".node .lead"),
    body=(".field-name-body", ".node .content .body"),
    similar=(".similar-articles .similar-item h3 a", ".similar-articles h3 a"),
    trend=(".block-recent-trends li a", ".recent-trends li a"),
)
"""The Drupal-like template of belarusinfocus.info (2016 to at least late 2020): a timestamp,
``Category status:``, ``Similar articles``, ``Recent trends``."""
WP_WEEKLY_2022 = Template(
    name="wp-weekly-2022",
    since="2022-02-01",
    markers=("article.single-analytics", ".analytics-period", ".analytics-status", "a.analytics-trend"),
    title=("h1.entry-title", "article.single-analytics h1"),
    period=(".analytics-meta .analytics-period", ".analytics-period"),
    author=(".analytics-author",),
    category=("a.analytics-trend", ".analytics-trend"),
    status=(".analytics-status",),
    image=(".analytics-image img",),
    credit=(".analytics-image figcaption",),
    lead=(".entry-content > p",),
    body=("article.single-analytics .entry-content", ".entry-content"),
    translation=("link[rel='alternate'][hreflang]", ".lang-switch a[hreflang]"),
)
"""The weekly-monitoring template (WordPress-like) of belarusinfocus.pro and .info, as
CONTRACT.md describes it: the period line, the trend, the status sentence (modifier class
``analytics-status--better`` ...), the caption with its credit, the byline, the language switch.
The real markup is not known (no copy kept it): the class names are the replica's; real pages
in other markup are read by the text fallbacks (archiver.pages.patterns)."""
TEMPLATES: tuple[Template, ...] = (DRUPAL_2016, WP_WEEKLY_2022)
"""Every known version of the site's templates."""
UNKNOWN_TEMPLATE = Template(name="unknown", since="", markers=())
"""A page none of TEMPLATES recognises, or a page of another site: every field comes from the
fallbacks (``archiver check`` then fails: the site has changed)."""

# --- generic markup, used by every template after its own selectors (source "markup") ---------
MARKUP = Template(
    name="markup",
    since="",
    markers=(),
    title=("article h1", "h1"),
    date=("span.date",),
    author=("[rel='author']", "[itemprop='author']"),
    image=("article figure img",),
    credit=("figure figcaption",),
    lead=("[itemprop='description']",),
    body=("[itemprop='articleBody']", "article .entry-content"),
    translation=("link[rel='alternate'][hreflang]",),
)


def choose_template(
    sel: Selector,
    fetched_on: str | None = None,
    names: Iterable[str] | None = None,
    *,
    on_site: bool = True,
) -> Template:
    """The template of the page ``sel``: of those whose markers match, the latest in force on
    ``fetched_on`` (ISO 8601 date or time; None: any; else the latest begun by then, else any);
    UNKNOWN_TEMPLATE when none matches or
    when the page is not the site's (``on_site`` False: see ``ArticlePage``). ``names``: only
    these templates (None: every one in TEMPLATES). A WordPress generator tag alone claims
    nothing."""
    if not on_site:
        return UNKNOWN_TEMPLATE
    known = TEMPLATES if names is None else tuple(t for t in TEMPLATES if t.name in set(names))
    matching = [t for t in known if any(sel.css(css) for css in t.markers)]
    if not matching:
        return UNKNOWN_TEMPLATE
    if fetched_on:
        day = fetched_on[:10]
        started = [t for t in matching if t.since <= day]
        in_force = [t for t in started if not t.until or day < t.until]
        matching = in_force or started or matching
    return max(matching, key=lambda t: t.since)


NOT_TEXT_TAGS = frozenset({"script", "noscript", "template", "style"})
NOT_ARTICLE_BLOCK = re.compile(
    "share|social|similar|related|trends|tags|caption|credit|read-?more|advert|banner|newsletter"
    "|comments",
    re.IGNORECASE,
)
"""A class or id of a block inside the body that is not the article's text ("Read more" boxes,
share buttons, ...): its links are not inline links (archiver.normalise drops its text)."""

# --- text patterns (the site's own in archiver.pages.patterns) ------------------------------
MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
DATE_LINE = re.compile(rf"\b(?:{MONTHS})\s+\d{{1,2}},\s+\d{{4}}(?:\s+\d{{1,2}}:\d{{2}})?")
FURNITURE_LINE = re.compile(
    rf"(?:Category status:?|Status:?|{DATE_LINE.pattern}|(?:Image|Images|Photo|Photos)\s*:.*)",
    re.IGNORECASE,
)
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
"""A UTF-16 surrogate on its own (JSON ``"\\ud800"``): not a character, UTF-8 cannot encode it."""
JSONLD_ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "BlogPosting", "AnalysisNewsArticle"})
HEADING_SIMILAR = re.compile(r"similar articles|related articles|read also", re.IGNORECASE)
HEADING_TRENDS = re.compile(r"recent trends", re.IGNORECASE)
LANGUAGE_SWITCH_TEXT = re.compile(
    r"EN|BE|RU|BY|BE/RU|БЕЛ|РУС|ENG|English|Беларуская|Русский|Бел|Рус", re.IGNORECASE
)
"""The text of a language-switch link (``EN``, ``BE/RU``) in markup no template knows."""
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th",
    "tr", "ul", "button", "img",
})  # fmt: skip
"""Elements that start a new line of text in reading order."""
TITLE_SUFFIX = re.compile(r"\s*[|–—-]\s*Belarus in Focus\s*$", re.IGNORECASE)
SITE_LANGUAGES = frozenset({"en", "ru", "be"})
"""The languages of the site's articles: ``detect_language`` tells them apart."""
MIN_LANG_LETTERS = 40
"""Fewer letters of article text than this: the language comes from ``<html lang>``."""


NOT_TEXT_BLOCK = re.compile(
    r"share|social|similar|related|read-?more|advert|banner|comments|\btags\b", re.IGNORECASE
)
"""A class or id of a block whose text is not the article's in any markup (share buttons, a
"Read more" box): left out of the text lines. Captions and credits stay: their text is read."""


def text_lines(root: Any, skip: re.Pattern[str] | None = NOT_TEXT_BLOCK) -> list[str]:
    """The text of the lxml element ``root`` as lines in reading order: each block element
    (BLOCK_TAGS) starts a new line; script, style, noscript, template, comments and blocks whose
    class or id matches ``skip`` are left out; whitespace is collapsed and empty lines dropped."""
    return [text for _tag, text in text_blocks(root, skip)]


LINE_BREAK = "\x0b"
"""Stands for a ``<br>`` in ``text_blocks`` until the lines are split."""


def text_blocks(root: Any, skip: re.Pattern[str] | None = NOT_TEXT_BLOCK) -> list[tuple[str, str]]:
    """``text_lines`` with the tag of the block element each line stands in (``p``, ``li``,
    ``h3``, ``div``, ...); a line after a ``<br>`` in the same block has the tag ``br``."""
    blocks: list[tuple[str, list[str]]] = [("", [])]
    stack: list[str] = [""]

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in NOT_TEXT_TAGS or tag == "head":
            return
        marker = node.get("class") or node.get("id") if tag else None
        if marker and skip is not None and skip.search(f"{node.get('class', '')} {node.get('id', '')}"):
            return
        if tag == "br":
            blocks[-1][1].append(LINE_BREAK)
            return
        block = tag in BLOCK_TAGS
        if block:
            stack.append(tag)
            blocks.append((tag, []))
        if tag and node.text:
            blocks[-1][1].append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                blocks[-1][1].append(child.tail)
        if block:
            stack.pop()
            blocks.append((stack[-1], []))

    walk(root)
    out: list[tuple[str, str]] = []
    for tag, parts in blocks:
        first = True
        for chunk in "".join(parts).split(LINE_BREAK):
            line = collapse_ws(chunk)
            if line:
                out.append((tag if first else "br", line))
                first = False
    return out


@dataclass(slots=True)
class ArticleFields:
    """The raw values of one article page, with the source of each (see module docstring).

    ``period``: the week as shown (``May 15 – May 21, 2023``); ``author``: the byline as shown
    (``By Zmicier Kuchlej``); ``category``: the trend's name as shown; ``trend_status``: the status
    sentence as shown, or the marker's class when it has none; ``lang``: the language of the
    article's text (``en``, ``ru``, ``be``); ``canonical``: the article's one URL
    (``canonical_article_url`` of the page's canonical link on a site host, else of its URL).
    """

    title: str | None = None
    category: str | None = None
    trend_status: str | None = None
    published: str | None = None
    period: str | None = None
    author: str | None = None
    image_url: str | None = None
    image_credit: str | None = None
    lead_html: str | None = None
    body_html: str | None = None
    lang: str | None = None
    canonical: str | None = None
    related: list[RelatedLink] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    template: str = TEMPLATE_NAME


class ArticlePage:
    """An article page of the site: raw fields, without cleaning.

    ``url`` is the page's URL (absolute); ``html`` the decoded page text; ``fetched_at`` (ISO 8601)
    a hint for the template; ``templates``: the names of the templates to know (None: all);
    ``hosts``: the crawl's base URLs, the primary first (None: the public hosts, plus the page's
    own origin when it is on loopback, i.e. a replica). The site's templates claim a page only
    when it is the site's: its host is a site host (``is_site_host``) or its canonical link
    points to one; any other page goes to the generic chain (template ``unknown``).
    ``site_page``: True/False overrides that judgement (``archiver extract`` on a saved page
    whose address is not known: False).
    """

    def __init__(
        self,
        url: str,
        html: str,
        fetched_at: str | None = None,
        templates: Iterable[str] | None = None,
        hosts: Iterable[str] | None = None,
        *,
        site_page: bool | None = None,
    ) -> None:
        self.url = url
        self.html = html
        self.sel = parse_html(html)
        self.hosts = site_hosts_for(url, hosts)
        self.canonical_link = self._canonical_link()
        self.on_site = self._is_on_site() if site_page is None else site_page
        self.template = choose_template(self.sel, fetched_at, templates, on_site=self.on_site)
        self.fetched = _fetch_time(fetched_at)
        self._jsonld: dict[str, object] | None = None
        self._node_cache: Selector | None = None
        self._main_text_cache: str | None = None
        self._lines_cache: list[tuple[str, str]] | None = None
        self._layout_cache: _Layout | None = None

    # -- public --------------------------------------------------------------------------------
    def fields(self) -> ArticleFields:
        """Extract every field; a field no source yields stays None."""
        out = ArticleFields(template=self.template.name)
        self._take(out, "title", self._title_candidates())
        # another site's page: the first candidate that parses; a site page keeps what its
        # template shows (a date that does not parse is a reject with the raw value kept)
        accept = None if self.on_site else (lambda raw: stated_ok(raw, self.fetched))
        self._take(out, "published", self._date_candidates(), accept)
        self._take(out, "period", self._period_candidates())
        self._take(out, "category", self._category_candidates())
        self._take(out, "trend_status", self._status_candidates())
        self._take(out, "author", self._author_candidates())
        self._take(out, "image_url", self._image_candidates())
        self._take(out, "image_credit", self._credit_candidates())
        self._take(out, "lead_html", self._lead_candidates())
        self._take(out, "body_html", self._body_candidates())
        self._take(out, "lang", self._lang_candidates(out))
        self._take(out, "canonical", self._canonical_candidates())
        out.related = self.related_links()
        return out

    def related_links(self) -> list[RelatedLink]:
        """Links to other articles: the similar block, the trends sidebar, links in the body, and
        the same article in other languages (hreflang alternates, the language switch)."""
        links: list[RelatedLink] = []
        own = {self._identity(self.url)}
        if self.canonical_link:
            own.add(self._identity(self.canonical_link))
        for kind, anchors in (
            ("similar", self._block_links(self.template.similar, HEADING_SIMILAR)),
            ("trend", self._block_links(self.template.trend, HEADING_TRENDS)),
            ("inline", self._inline_anchors()),
            ("translation", self._translation_anchors()),
        ):
            seen: set[str] = set()
            for anchor in anchors:
                href = anchor.attrib.get("href")
                if not href:
                    continue
                target = self._identity(urljoin(self.url, href.strip()))
                if target in seen or not _is_article_url(target, self.hosts):
                    continue
                if kind == "translation" and target in own:
                    continue
                seen.add(target)
                title = collapse_ws(" ".join(anchor.css("::text").getall()))
                if not title and kind == "translation":
                    title = anchor.attrib.get("hreflang", "")
                links.append(RelatedLink(target, unicodedata.normalize("NFC", title), len(seen), kind))
        return links

    def _identity(self, url: str) -> str:
        return canonical_article_url(url, self.hosts)

    def _inline_anchors(self) -> list[Selector]:
        """The anchors in the body's text: not those in a script, a noscript or a block that is
        not the article (share buttons, a "Read more" box)."""
        body = self._first((*self.template.body, *MARKUP.body))
        if not body:
            return []
        top = body[0].root
        return [a for a in body.css("a") if not _inside_noise(a.root, top)]

    def _translation_anchors(self) -> list[Selector]:
        """hreflang alternates and language-switch links (by the template, by ``hreflang``, or
        in unknown markup by their text: ``EN``, ``BE/RU``)."""
        found: list[Selector] = []
        for css in (*self.template.translation, *MARKUP.translation, "a[hreflang]"):
            found.extend(self.sel.css(css))
        for anchor in self.sel.xpath("//a[@href][string-length(normalize-space(.)) <= 12]"):
            text = collapse_ws(" ".join(anchor.css("::text").getall()))
            if text and LANGUAGE_SWITCH_TEXT.fullmatch(text):
                found.append(anchor)
        return [a for a in found if a.attrib.get("hreflang", "").lower() != "x-default"]

    # -- candidates per field, in order of trust ------------------------------------------------
    def _title_candidates(self) -> Iterator[tuple[str, str | None]]:
        for css in self.template.title:
            yield "selector", self._text(self.sel.css(css)[:1])
        if not self.on_site:  # another site's page: the candidate the others agree with
            chosen = choose_title(title_candidates(self.sel, self._node(), self._jsonld_str("headline")))
            if chosen is not None:
                yield chosen
        for css in MARKUP.title:
            yield "markup", self._text(self.sel.css(css)[:1])
        yield "meta", self._meta("og:title")
        yield "jsonld", self._jsonld_str("headline")
        yield "meta", self.sel.css("title::text").get()

    def _date_candidates(self) -> Iterator[tuple[str, str | None]]:
        """The site's selectors and fallbacks on a site page; on another site's page the ranked
        generic search (archiver.pages.dates). The page keeps the first candidate that parses."""
        node = self._node()
        if self.on_site:
            for source, css in self._css("date"):
                yield source, self._text(node.css(css)[:1])
            yield "meta", self._meta("article:published_time")
            yield "meta", node.css("time::attr(datetime)").get()
            yield "jsonld", self._jsonld_str("datePublished")
            # a week (``May 15 – May 21, 2023``) is a period, never a publication time
            lines = (line for line in self._main_text().splitlines() if not patterns.is_period(line))
            match = DATE_LINE.search("\n".join(lines))
            yield "text", match.group(0) if match else None
            return
        yield from date_candidates(
            self.sel, node, lines=self._date_lines, title=self._title_text, url=self.url,
            html=self.html, now=self.fetched,
        )

    def _period_candidates(self) -> Iterator[tuple[str, str | None]]:
        for source, css in self._css("period"):
            yield source, self._text(self.sel.css(css)[:1])
        yield "text", self._layout().period

    def _category_candidates(self) -> Iterator[tuple[str, str | None]]:
        for source, css in self._css("category"):
            yield source, self._text(self.sel.css(css)[:1])
        yield "meta", self._meta("article:section")
        yield "jsonld", self._jsonld_str("articleSection")
        yield "text", self._layout().trend
        yield "url", self._trend_from_url()

    def _status_candidates(self) -> Iterator[tuple[str, str | None]]:
        for source, css in self._css("status"):
            marker = self.sel.css(css)[:1]
            if not marker:
                continue
            text = collapse_ws(" ".join(marker.css("::text").getall()))
            shown = text if patterns.STATUS_SENTENCE.search(text) else None
            yield source, shown or marker.attrib.get("class")
        yield "text", self._layout().status

    def _author_candidates(self) -> Iterator[tuple[str, str | None]]:
        for source, css in self._css("author"):
            yield source, self._text(self._node().css(css)[:1])
        yield "text", self._layout().author

    def _image_candidates(self) -> Iterator[tuple[str, str | None]]:
        node = self._node()
        for source, css in self._css("image"):
            src = node.css(css).attrib.get("src")
            yield source, urljoin(self.url, src) if src else None
        og = self._meta("og:image")
        yield "meta", urljoin(self.url, og) if og else None

    def _credit_candidates(self) -> Iterator[tuple[str, str | None]]:
        node = self._node()
        if not self.on_site:  # another site's page: credit markup, JSON-LD, a caption's credit
            yield from credit_candidates(self.sel, node, self._jsonld_article())
            return
        for source, css in self._css("credit"):
            yield source, self._text(node.css(css)[:1])
        yield "text", self._layout().credit

    def _lead_candidates(self) -> Iterator[tuple[str, str | None]]:
        node = self._node()
        for source, css in self._css("lead"):
            yield source, node.css(css).get()
        layout = self._layout()
        if layout.weekly:  # the site's own reading order: the first paragraph under the byline
            yield "text", _paragraphs(layout.body[:1])
        yield "meta", self._meta("og:description") or self._meta("description")
        yield "jsonld", self._jsonld_str("description")

    def _body_candidates(self) -> Iterator[tuple[str, str | None]]:
        node = self._node()
        if not self.on_site:  # another site's page: the candidate that covers the most text
            yield self._widest_body()
            return
        for source, css in self._css("body"):
            yield source, node.css(css).get()
        yield "jsonld", self._jsonld_str("articleBody")
        layout = self._layout()
        if layout.weekly:
            yield "text", _paragraphs(layout.body)
        yield "generic", self._without_furniture(generic_body_html(self.html, self.url))
        yield "text", self._densest_block()

    def _lang_candidates(self, out: ArticleFields) -> Iterator[tuple[str, str | None]]:
        hint = (self.sel.xpath("/html/@lang").get() or "").strip().lower()[:2] or None
        text = " ".join(
            collapse_ws(" ".join(Selector(text=f"<div>{html}</div>").xpath("//text()").getall()))
            for html in (out.body_html, out.lead_html) if html
        ) or (out.title or "")
        hint = {"by": "be"}.get(hint or "", hint)
        if hint and hint not in SITE_LANGUAGES:  # another site's page: its own word on it wins
            yield "meta", hint
        yield "text", detect_language(text)
        yield "meta", hint

    def _canonical_candidates(self) -> Iterator[tuple[str, str | None]]:
        if self.canonical_link and is_site_host(urlsplit(self.canonical_link).netloc, self.hosts):
            yield "meta", self._identity(self.canonical_link)  # honoured only on a site host
        yield "url", self._identity(self.url)

    # -- the page's text in reading order (fallbacks for unknown markup) -------------------------
    def _blocks(self) -> list[tuple[str, str]]:
        """The page's text lines in reading order with their block tags, up to the first line of
        the newsletter, the sidebar or the similar articles (patterns.BOILERPLATE_START)."""
        if self._lines_cache is None:
            body = self.sel.xpath("//body")
            root = body[0].root if body else self.sel.root
            blocks = text_blocks(root) if root is not None else []
            end = next(
                (i for i, (_tag, line) in enumerate(blocks) if patterns.BOILERPLATE_START.match(line)),
                len(blocks),
            )
            self._lines_cache = blocks[:end]
        return self._lines_cache

    def _layout(self) -> _Layout:
        if self._layout_cache is None:
            self._layout_cache = read_layout(self._blocks(), self._title_text())
        return self._layout_cache

    def _title_text(self) -> str | None:
        for css in (*self.template.title, *MARKUP.title):
            text = self._text(self.sel.css(css)[:1])
            if text and text.strip():
                return collapse_ws(text)
        for value in (self._meta("og:title"), self.sel.css("title::text").get()):
            if value and value.strip():
                return TITLE_SUFFIX.sub("", collapse_ws(value))
        return None

    def _date_lines(self) -> list[str]:
        """The page's text lines without the blocks whose dates are not the article's (related
        links, teasers, captions, comments: archiver.pages.dates.NOT_DATE_BLOCK) or a period."""
        body = self.sel.xpath("//body")
        root = body[0].root if body else self.sel.root
        if root is None:
            return []
        return [line for _tag, line in text_blocks(root, NOT_DATE_BLOCK) if not patterns.is_period(line)]

    def _widest_body(self) -> tuple[str, str | None]:
        """The body of another site's page: of the main-text extractor's text, the JSON-LD
        ``articleBody`` and the generic markup's block, the one with the most words, the
        extractor's unless another has clearly more (a teaser ``articleBody`` never wins over a
        full main text; a markup block that holds more than the article is not preferred for a
        few words). Then the densest block of paragraphs."""
        node = self._node()
        others: list[tuple[str, str | None]] = [("jsonld", self._jsonld_str("articleBody"))]
        others.extend(("markup", node.css(css).get()) for css in MARKUP.body)
        shown = _words_of(" ".join(
            node.xpath(".//p[not(ancestor::aside or ancestor::nav or ancestor::footer)]//text()").getall()
        ))  # fmt: skip
        for source, value in others:  # the whole text already: no need for the extractor (time)
            words = _words_of(value)
            if shown and words >= FULL_BODY * shown:
                return source, value
        generic = self._without_furniture(generic_body_html(self.html, self.url))
        best: tuple[str, str | None] = ("generic", generic)
        best_words = _words_of(generic)
        for source, value in others:
            words = _words_of(value)
            if words > best_words * WIDER_BODY:
                best, best_words = (source, value), words
        if best[1] is None:
            return "text", self._densest_block()
        return best

    def _trend_from_url(self) -> str | None:
        """The trend's English name from the URL's section slug (``/the-ruling-elite/…``), or the
        slug made readable when it is not a known trend."""
        segments = [s for s in urlsplit(self.url).path.split("/") if s]
        if segments[:1] and segments[0] in LANGUAGE_PREFIXES:
            segments = segments[1:]
        if len(segments) != 2 or segments[0] == "analytics":
            return None
        key = trend_key(segments[0])
        if key is not None:
            return TRENDS[key][0]
        return segments[0].replace("-", " ").capitalize()

    # -- helpers -------------------------------------------------------------------------------
    def _canonical_link(self) -> str | None:
        href = self.sel.css("link[rel='canonical']::attr(href)").get()
        return urljoin(self.url, href.strip()) if href and href.strip() else None

    def _is_on_site(self) -> bool:
        try:
            if is_site_host(urlsplit(self.url).netloc, self.hosts):
                return True
            link = self.canonical_link
            return bool(link) and is_site_host(urlsplit(link or "").netloc, self.hosts)
        except ValueError:
            return False

    def _css(self, field_name: str) -> Iterator[tuple[str, str]]:
        """(source, CSS) for a field: the template's own selectors, then generic markup."""
        for css in getattr(self.template, field_name):
            yield "selector", css
        for css in getattr(MARKUP, field_name):
            yield "markup", css

    @staticmethod
    def _take(
        out: ArticleFields,
        name: str,
        candidates: Iterable[tuple[str, str | None]],
        accept: Callable[[str], bool] | None = None,
    ) -> None:
        """Set field ``name`` to the first non-blank candidate that ``accept`` (if given) takes."""
        for source, value in candidates:
            if value is not None and value.strip() and (accept is None or accept(value)):
                setattr(out, name, value)
                out.sources[name] = source
                return

    @staticmethod
    def _text(nodes: SelectorList[Selector]) -> str | None:
        if not nodes:
            return None
        return " ".join(nodes.css("::text").getall())

    def _first(self, css_list: Iterable[str]) -> SelectorList[Selector]:
        for css in css_list:
            found = self.sel.css(css)
            if found:
                return found[:1]
        return SelectorList([])

    def _node(self) -> Selector:
        """The element that holds the article itself (not the similar entries or the sidebar)."""
        if self._node_cache is None:
            self._node_cache = self.sel
            for css in (".node-article", "article", "#main", "main", "body"):
                found = self.sel.css(css)
                if found:
                    self._node_cache = found[0]
                    break
        return self._node_cache

    def _main_text(self) -> str:
        """The article's text lines, with the similar block and the sidebar left out."""
        if self._main_text_cache is None:
            self._main_text_cache = self._compute_main_text()
        return self._main_text_cache

    def _compute_main_text(self) -> str:
        node = self._node()
        texts = node.xpath(
            ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
            " or ancestor::*[contains(@class,'similar') or contains(@class,'trends')"
            " or contains(@id,'sidebar')])]"
        ).getall()
        return "\n".join(t.strip() for t in texts if t.strip())

    def _block_links(self, css_list: Iterable[str], heading: re.Pattern[str]) -> SelectorList[Selector]:
        css = ", ".join(css_list)
        found = self.sel.css(css) if css else SelectorList([])  # a union: each anchor once, in order
        if found:
            return found
        for head in self.sel.css("h2, h3, h4"):
            if heading.search(" ".join(head.css("::text").getall())):
                return head.xpath("following-sibling::*[1]//a | ../following-sibling::*[1]//a")
        return SelectorList([])

    def _meta(self, name: str) -> str | None:
        value = self.sel.css(f"meta[property='{name}']::attr(content)").get()
        return value or self.sel.css(f"meta[name='{name}']::attr(content)").get()

    def _jsonld_str(self, key: str) -> str | None:
        value = self._jsonld_article().get(key)
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str)), None)
        # a JSON escape can give a lone surrogate (\ud800), which no text can hold: U+FFFD, as the
        # HTML parser makes of &#xD800;
        return LONE_SURROGATE.sub("\ufffd", value) if isinstance(value, str) else None

    def _jsonld_article(self) -> dict[str, object]:
        if self._jsonld is None:
            self._jsonld = {}
            for raw in self.sel.css("script[type='application/ld+json']::text").getall():
                for obj in jsonld_objects(raw):
                    kind = obj.get("@type")
                    kinds = kind if isinstance(kind, list) else [kind]
                    if any(k in JSONLD_ARTICLE_TYPES for k in kinds):
                        self._jsonld = obj
                        return obj
        return self._jsonld

    def _without_furniture(self, fragment: str | None) -> str | None:
        """A generic extractor's body without the lines that are page furniture: the title
        (an ``<h1>`` or the page's heading repeated), the date line, the period line, the trend,
        the status sentence, a caption with its credit, the byline; everything from the
        newsletter block or the sidebar on is cut off."""
        if not fragment:
            return None
        title = self._title_text() or ""
        kept = []
        for node in Selector(text=f"<div>{fragment}</div>").xpath("//body/div/*"):
            text = collapse_ws(" ".join(node.xpath(".//text()").getall()))
            if patterns.BOILERPLATE_START.match(text):
                break
            if (
                node.root.tag == "h1"
                or not text
                or FURNITURE_LINE.fullmatch(text)
                or patterns.is_furniture(text, title)
            ):
                continue
            kept.append(node.get())
        return "\n".join(kept) or None

    def _densest_block(self) -> str | None:
        """The paragraphs of the element with the most paragraph text: a generic body.

        Lines that are page furniture (the date line, the credit line, ``Category status:``,
        the period, the status sentence, the byline) are left out.
        """
        best: tuple[int, list[str]] = (0, [])
        title = self._title_text()
        for parent in self.sel.xpath("//*[p][not(ancestor-or-self::aside)]"):
            kept: list[str] = []
            text_len = 0
            for para in parent.xpath("./p"):
                text = collapse_ws(" ".join(para.xpath(".//text()").getall()))
                if text and not FURNITURE_LINE.fullmatch(text) and not patterns.is_furniture(text, title):
                    kept.append(para.get())
                    text_len += len(text)
            if text_len > best[0]:
                best = (text_len, kept)
        return "\n".join(best[1]) or None


def _fetch_time(fetched_at: str | None) -> datetime | None:
    """An ISO 8601 fetch time as an aware datetime (naive: UTC), or None."""
    if not fetched_at:
        return None
    try:
        when = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


FULL_BODY: Final = 0.9
"""A JSON-LD or markup body with this share of the words of the article's ``<p>`` text is the
whole text: it is taken without running the main-text extractor."""
WIDER_BODY: Final = 1.15
"""How many times the main-text extractor's words another body candidate must have to win."""


def _words_of(fragment: str | None) -> int:
    """The number of words in an HTML (or text) fragment, for comparing body candidates."""
    if not fragment:
        return 0
    text = " ".join(Selector(text=f"<div>{fragment}</div>").xpath("//text()").getall())
    return word_count(text)


@dataclass(frozen=True, slots=True)
class _Layout:
    """What the text lines of an article page say, read by their patterns (``read_layout``)."""

    period: str | None = None
    trend: str | None = None
    status: str | None = None
    credit: str | None = None
    author: str | None = None
    body: tuple[tuple[str, str], ...] = ()
    """The body's lines with their block tags."""
    weekly: bool = False
    """The page reads as a weekly-era article: a period line and the title were found."""


HEADER_WINDOW = 6
"""How many lines before and after the title the period, trend and status may stand."""


def read_layout(blocks: list[tuple[str, str]], title: str | None) -> _Layout:
    """The fields an article page's text lines (reading order, boilerplate cut off) show by
    their patterns (archiver.pages.patterns), around the line that repeats ``title``.

    Before the title: the period line, then the trend's name (between the period and the title,
    so a menu of trends further up is passed over). After it: the status sentence, the title
    again, the caption with its credit label, the byline, then the body (every later line that
    is not furniture). Without the title, the first of each in the page. ``blocks``: the
    page's text lines with their block tags (``text_blocks``).
    """
    lines = [line for _tag, line in blocks]
    at = next((i for i, line in enumerate(lines) if title and line == title), None)
    before = lines[max(0, at - HEADER_WINDOW):at] if at is not None else []
    after = lines[at + 1:] if at is not None else lines
    # the period: the nearest above the title, else just below it; without the title the first
    above = next((i for i in reversed(range(len(before))) if patterns.is_period(before[i])), None)
    period = patterns.period_of(before[above]) if above is not None else None
    # the trend: between that period and the title, else among the three lines above the title
    # (a menu of trends further up is passed over), else just below the title
    near = before[above + 1:] if above is not None else before[-3:]
    if period is None:
        window = after[:HEADER_WINDOW] if at is not None else after
        below = next((i for i, line in enumerate(window) if patterns.is_period(line)), None)
        period = patterns.period_of(window[below]) if below is not None else None
        if at is None and below is not None:
            near = window[below + 1:below + 3]  # no title: the trend follows the period
    trend = next((line for line in reversed(near) if patterns.is_trend_name(line)), None)
    if trend is None and at is not None:
        trend = next((line for line in after[:3] if patterns.is_trend_name(line)), None)
    status = next((line for line in after[:HEADER_WINDOW] if patterns.is_status(line)), None)
    if status is None:
        status = next((line for line in lines if patterns.is_status(line)), None)
    credit = next((line for line in after if patterns.is_caption_credit(line)), None)
    author = next((line for line in after if patterns.is_byline(line)), None)
    body: list[tuple[str, str]] = []
    if at is not None:
        body.extend(block for block in blocks[at + 1:] if not patterns.is_furniture(block[1], title))
    return _Layout(
        period=period, trend=trend, status=status, credit=credit, author=author, body=tuple(body),
        weekly=period is not None and at is not None and bool(body),
    )


BLOCK_OUT: Final = {"h2": "h2", "h3": "h3", "h4": "h4", "h5": "h5", "h6": "h6", "blockquote": "blockquote"}
"""Block tags a text-read body keeps; every other line becomes a ``<p>``, list items a list."""


def _paragraphs(blocks: Iterable[tuple[str, str]]) -> str | None:
    """Text lines with their block tags as simple HTML (escaped): consecutive ``li`` lines one
    ``<ul>``, headings and blockquotes as such, the rest ``<p>``; None for none."""
    out: list[str] = []
    items: list[str] = []
    for tag, line in (*blocks, ("", "")):
        text = html_escape(line, quote=False)
        if tag == "br" and line and (items or out):  # a line after a <br>: the same paragraph
            if items:
                items[-1] = items[-1].removesuffix("</li>") + f"<br>{text}</li>"
            else:
                close = out[-1].rindex("</")
                out[-1] = f"{out[-1][:close]}<br>{text}{out[-1][close:]}"
            continue
        if tag == "li" and line:
            items.append(f"<li>{text}</li>")
            continue
        if items:
            out.append(f"<ul>{''.join(items)}</ul>")
            items = []
        if line:
            name = BLOCK_OUT.get(tag, "p")
            out.append(f"<{name}>{text}</{name}>")
    return "\n".join(out) or None


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_BE_ONLY = re.compile(r"[ўіЎІ]")
_RU_ONLY = re.compile(r"[иъщИЪЩ]")


def detect_language(text: str) -> str | None:
    """The language of ``text``: ``en``, ``ru`` or ``be`` (None under MIN_LANG_LETTERS letters).

    Cyrillic against Latin letters; among Cyrillic texts, Belarusian has ``ў``/``і`` where
    Russian has ``и``/``щ``/``ъ``.
    """
    cyrillic = len(_CYRILLIC.findall(text))
    latin = len(_LATIN.findall(text))
    if cyrillic + latin < MIN_LANG_LETTERS:
        return None
    if latin >= cyrillic:
        return "en"
    return "be" if len(_BE_ONLY.findall(text)) > len(_RU_ONLY.findall(text)) else "ru"


def _is_article_url(url: str, hosts: tuple[str, ...]) -> bool:
    """``is_article_url`` (cached there)."""
    return is_article_url(url, hosts)


def _inside_noise(element: Any, top: Any) -> bool:
    """Whether an lxml ``element`` sits in a not-article block or a script below ``top``."""
    node = element.getparent()
    while node is not None and node is not top:
        marker = f"{node.get('class', '')} {node.get('id', '')}"
        if node.tag in NOT_TEXT_TAGS or NOT_ARTICLE_BLOCK.search(marker):
            return True
        node = node.getparent()
    return False


# --- listings, feed, sitemaps -------------------------------------------------------------------
@dataclass(slots=True)
class ListingLinks:
    """What a listing page (front page, category, weekly trend listing, pager) points to."""

    articles: list[str]
    next_page: str | None
    dates: dict[str, str] = field(default_factory=dict)
    """The date shown beside an article in the listing, as shown (``<time datetime>`` first)."""
    periods: dict[str, str] = field(default_factory=dict)
    """The week shown beside an article in a weekly listing, as shown and without a year
    (``May 15 – May 21``): a hint only (parse it with the listing's context)."""
    titles: dict[str, str] = field(default_factory=dict)
    """The title shown for an article (a weekly listing may cut it short)."""
    listings: list[str] = field(default_factory=list)
    """Trend listings linked from the page (``/analytics/<trend>/``, the trends menu, ``All
    trends``), as absolute URLs."""
    trend: str | None = None
    """The listing's trend name as shown (``The ruling elite``), or None."""


class ListingPage:
    """A listing page: article links newest first, and the next page of the pager.

    Drupal listings (``.views-row``) and weekly trend listings (``/analytics/<trend>/``:
    ``article.trend-entry`` entries with a year-less week; next page as ``/page/N/`` or
    ``?paged=N``). ``hosts``: the crawl's base URLs (links to any of them are the site's; None:
    the listing's own host and the public hosts).
    """

    NEXT_CSS = (
        "ul.pager li.pager-next a", "a[rel='next']", "link[rel='next']", ".pagination .next a",
        "a.next", ".nav-links a.next",
    )
    ENTRY_CSS = "article.trend-entry"
    ENTRY_LINK_CSS = ("a.trend-entry__link", "a[href]")
    ENTRY_PERIOD_CSS = (".trend-entry__period",)

    def __init__(self, url: str, html: str, hosts: Iterable[str] | None = None) -> None:
        self.url = url
        self.sel = parse_html(html)
        own = urlsplit(url)
        self.hosts = tuple(hosts) if hosts is not None else (f"{own.scheme}://{own.netloc}",)

    def links(self) -> ListingLinks:
        """Absolute canonical article URLs in page order, and the next page's URL or None."""
        seen: dict[str, None] = {}
        dates: dict[str, str] = {}
        periods: dict[str, str] = {}
        titles: dict[str, str] = {}
        entries = self.sel.css(self.ENTRY_CSS)
        if entries:
            for entry in entries:
                anchor = next((a[0] for css in self.ENTRY_LINK_CSS if (a := entry.css(css))), None)
                if anchor is None or "href" not in anchor.attrib:
                    continue
                url = canonical_url(urljoin(self.url, anchor.attrib["href"]))
                if not is_article_url(url, self.hosts) or url in seen:
                    continue
                seen[url] = None
                title = collapse_ws(" ".join(anchor.css("::text").getall()))
                if title:
                    titles[url] = title
                week = next(
                    (t for css in self.ENTRY_PERIOD_CSS if (t := self._text_of(entry.css(css)))), None
                ) or next((line for line in text_lines(entry.root, None) if patterns.is_period(line)), None)
                if week:
                    periods[url] = week
        else:
            scope = self.sel.css("#main, main, .view-content") or self.sel.css("body")
            for anchor in scope.css("a[href]"):
                url = canonical_url(urljoin(self.url, anchor.attrib["href"]))
                if is_article_url(url, self.hosts):
                    seen.setdefault(url, None)
                    shown = self._row_date(anchor)
                    if shown and url not in dates:
                        dates[url] = shown
        next_href = None
        for css in self.NEXT_CSS:
            next_href = self.sel.css(css).attrib.get("href")
            if next_href:
                break
        trend = self._text_of(self.sel.css("h1.trend-title"))
        return ListingLinks(
            list(seen), urljoin(self.url, next_href) if next_href else None, dates, periods, titles,
            self._listings(), trend,
        )

    def _listings(self) -> list[str]:
        found: dict[str, None] = {}
        for href in self.sel.css("a[href]::attr(href)").getall():
            url = canonical_url(urljoin(self.url, href.strip()))
            if is_site_host(urlsplit(url).netloc, self.hosts) and (
                listing_trend(url) is not None or urlsplit(url).path.rstrip("/") == "/analytics"
            ) and "page" not in urlsplit(url).path.split("/") and "paged=" not in url:
                found.setdefault(url, None)
        return list(found)

    PAGER_CSS = "ul.pager, .pagination, .nav-links"

    def page_count(self) -> int | None:
        """How many pages the listing's pager has (None without a pager): the highest page it
        names, in a link (Drupal's ``?page=N`` counts from 0; WordPress's ``?paged=N`` and
        ``/page/N/`` from 1), a page number shown, or Drupal's ``N of M``."""
        pager = self.sel.css(self.PAGER_CSS)
        if not pager:
            return None
        highest = 0
        for href in pager.css("a::attr(href)").getall():
            highest = max(highest, _page_of_link(href))
        for text in pager.css("::text").getall():
            shown = collapse_ws(text)
            if shown.isascii() and shown.isdigit() and len(shown) <= 9:
                highest = max(highest, int(shown))
            elif of := _PAGE_OF.fullmatch(shown):
                highest = max(highest, int(of.group(1)))
        return highest or None

    @staticmethod
    def _text_of(nodes: SelectorList[Selector]) -> str | None:
        text = collapse_ws(" ".join(nodes[:1].css("::text").getall())) if nodes else ""
        return text or None

    ROW_XPATH = (
        "ancestor::*[self::li or self::article or self::tr or "
        "contains(concat(' ', normalize-space(@class), ' '), ' views-row ')][1]"
    )
    DATE_CSS = ("time::attr(datetime)", ".date-display-single::text", "time::text", ".date::text")

    def _row_date(self, anchor: Selector) -> str | None:
        """The date shown in the listing row around ``anchor``, if the row has one."""
        row = anchor.xpath(self.ROW_XPATH)
        if not row:
            return None
        for css in self.DATE_CSS:
            value = row[0].css(css).get()
            if value and value.strip():
                return value.strip()
        return None


_PAGE_OF: Final = re.compile(r"[0-9]+ of ([0-9]{1,9})")
_PAGE_LINK: Final = re.compile(r"[?&](page|paged)=([0-9]{1,9})(?:&|$)|/page/([0-9]{1,9})/?$")


def _page_of_link(href: str) -> int:
    """The page a pager link leads to, counted from 1 (0: not a page link)."""
    found = _PAGE_LINK.search(href.split("#", 1)[0].strip())
    if found is None:
        return 0
    if found.group(1) == "page":  # Drupal: ?page=0 is the first page
        return int(found.group(2)) + 1
    return int(found.group(2) or found.group(3))


def _hosts_of(url: str, hosts: Iterable[str] | None) -> tuple[str, ...]:
    if hosts is not None:
        return tuple(hosts)
    own = urlsplit(url)
    return (f"{own.scheme}://{own.netloc}",)


def feed_entries(url: str, xml: str, hosts: Iterable[str] | None = None) -> list[tuple[str, str | None]]:
    """Article URLs of an RSS 2.0 or Atom feed (``/feed/``) in feed order, each with its stated
    time as shown (RSS ``pubDate``, Atom ``published`` or ``updated``) or None. ``hosts``: as for
    ListingPage."""
    sel = Selector(text=xml, type="xml")
    sel.remove_namespaces()
    site = _hosts_of(url, hosts)
    out: dict[str, str | None] = {}
    for entry in sel.xpath("//item | //entry"):
        link = entry.xpath("link/text()").get() or entry.xpath("link/@href").get()
        if not link or not link.strip():
            continue
        target = canonical_url(urljoin(url, link.strip()))
        if target in out or not is_article_url(target, site):
            continue
        shown = entry.xpath("pubDate/text() | published/text() | updated/text()").get()
        out[target] = shown.strip() if shown and shown.strip() else None
    return list(out.items())


def feed_links(url: str, xml: str, hosts: Iterable[str] | None = None) -> list[str]:
    """Article URLs of an RSS 2.0 or Atom feed (``/feed/``), in feed order (see feed_entries)."""
    return [target for target, _shown in feed_entries(url, xml, hosts)]


_ENTITY_TEXT = re.compile(r"&[A-Za-z][A-Za-z0-9]*;?")
"""An entity reference left as text (an undefined entity such as ``&nbsp;`` is never expanded)."""


def _sitemap_loc(raw: str | None) -> str:
    """A ``<loc>`` as a URL: undefined entities left as text dropped (a browser shows ``&nbsp;``
    as a space), whitespace stripped."""
    return _ENTITY_TEXT.sub("", raw or "").strip()


NOT_ARTICLE_SITEMAP = re.compile(r"wp-sitemap-(?:users|taxonomies)-|wp-sitemap-posts-page-", re.IGNORECASE)
"""Sitemaps of a WordPress sitemap index that list no articles (authors, tags, pages)."""


def sitemap_links(
    url: str, xml: str, hosts: Iterable[str] | None = None
) -> tuple[list[tuple[str, str | None]], list[str]]:
    """A sitemap's article URLs with their ``lastmod`` (or None), and the nested sitemaps of a
    sitemap index (``/wp-sitemap.xml`` -> ``/wp-sitemap-posts-post-1.xml`` ...) on the site's
    hosts, without those that list no articles (NOT_ARTICLE_SITEMAP). ``hosts``: as for
    ListingPage."""
    sel = Selector(text=xml, type="xml")
    sel.remove_namespaces()
    site = _hosts_of(url, hosts)
    entries: list[tuple[str, str | None]] = []
    for node in sel.xpath("//url"):
        loc = _sitemap_loc(node.xpath("loc/text()").get())
        if loc and is_article_url(canonical_url(urljoin(url, loc)), site):
            lastmod = node.xpath("lastmod/text()").get()
            entries.append((canonical_url(urljoin(url, loc)), lastmod.strip() if lastmod else None))
    nested = []
    for raw in sel.xpath("//sitemap/loc/text()").getall():
        target = urljoin(url, _sitemap_loc(raw))
        if is_site_host(urlsplit(target).netloc, site) and not NOT_ARTICLE_SITEMAP.search(target):
            nested.append(target)
    return entries, nested
