"""What the pages of Belarus in Focus contain: every selector and fallback for the site lives here.

A redesign of the site is a change to this file plus saved pages under tests/fixtures/pages/.
The page objects extract raw values only (text as shown, HTML fragments); cleaning is the job of
archiver.normalise. Each field is taken from the first source that yields it, in this order:

1. ``selector``: the site's own markup (CSS selectors of the known templates);
2. ``meta``: structured metadata (Open Graph, ``article:*`` meta tags, ``<time datetime>``);
3. ``jsonld``: a JSON-LD ``NewsArticle``/``Article``;
4. ``text``: text patterns (the ``Image: …`` line, the first date line near the title, the URL).

``field_sources`` records which source gave each field.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector, SelectorList

from archiver.items import RelatedLink
from archiver.normalise import canonical_url, collapse_ws

TEMPLATE_NAME = "drupal-2016"

STRAY_END_TAG = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
"""``</body>`` and ``</html>`` end tags: libxml2 closes every open element at the first and stops
parsing at the first ``</html>``, so a stray one mid-page (a broken template, a pasted fragment)
would cut the article short. The document's end closes everything anyway."""


def parse_html(html: str) -> Selector:
    """A page's decoded text as a parsel Selector, tolerant of stray ``</body>``/``</html>`` tags."""
    return Selector(text=STRAY_END_TAG.sub("", html) or "<html></html>")
"""The template version these selectors describe (see docs/replica.md)."""

# --- the site's own markup, most specific first ------------------------------------------------
TITLE_CSS = ("h1.title", "h1.page-title", "h1#page-title", "article h1", ".node h1", "h1")
DATE_CSS = (
    ".node .submitted .date-display-single",
    ".submitted .date-display-single",
    ".node .date-display-single",
    ".field-name-post-date",
    "span.date",
)
CATEGORY_CSS = (
    ".field-name-field-category a",
    ".breadcrumb a:last-child",
)
STATUS_CSS = (
    ".field-name-field-category-status [class*='status-']",
    "[class*='category-status'] [class*='status-']",
)
IMAGE_CSS = (".field-name-field-image img", ".node .field-type-image img", "article figure img")
CREDIT_CSS = (
    ".field-name-field-image .image-credit",
    ".field-name-field-image-credit",
    ".node .image-credit",
    "figure figcaption",
)
LEAD_CSS = (".field-name-field-lead", ".node .lead", "[itemprop='description']")
BODY_CSS = (".field-name-body", "[itemprop='articleBody']", ".node .content .body", "article .entry-content")
SIMILAR_LINKS_CSS = (".similar-articles .similar-item h3 a", ".similar-articles h3 a")
TREND_LINKS_CSS = (".block-recent-trends li a", ".recent-trends li a")
NOT_TEXT_TAGS = frozenset({"script", "noscript", "template", "style"})
NOT_ARTICLE_BLOCK = re.compile(
    "share|social|similar|related|trends|tags|caption|credit|read-?more|advert|banner|newsletter"
    "|comments",
    re.IGNORECASE,
)
"""A class or id of a block inside the body that is not the article's text ("Read more" boxes,
share buttons, ...): its links are not inline links (archiver.normalise drops its text)."""

# --- text patterns ---------------------------------------------------------------------------
MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
DATE_LINE = re.compile(rf"\b(?:{MONTHS})\s+\d{{1,2}},\s+\d{{4}}(?:\s+\d{{1,2}}:\d{{2}})?")
CREDIT_LINE = re.compile(r"^\s*(?:Image|Images|Photo|Photos|Фото|Фота)\s*:\s*\S.*$", re.MULTILINE)
FURNITURE_LINE = re.compile(
    rf"(?:Category status:?|Status:?|{DATE_LINE.pattern}|(?:Image|Images|Photo|Photos)\s*:.*)",
    re.IGNORECASE,
)
JSONLD_ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "BlogPosting", "AnalysisNewsArticle"})
HEADING_SIMILAR = re.compile(r"similar articles|related articles|read also", re.IGNORECASE)
HEADING_TRENDS = re.compile(r"recent trends", re.IGNORECASE)


def is_article_url(url: str, site_host: str) -> bool:
    """Whether ``url`` is an article on the site: path ``/<category-slug>/<slug>`` on the same site.

    ``site_host`` is the site's ``host`` or ``host:port``. Hosts compare without ``www.``; ports
    compare exactly when either side names one other than 80/443 (a link to ``localhost:8080`` from
    a page on ``localhost:8000`` is another site).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname is None:
        return False
    site = urlsplit(f"//{site_host}")
    if _bare_host(parts.hostname) != _bare_host(site.hostname or ""):
        return False
    try:
        if _explicit_port(parts.port) != _explicit_port(site.port):
            return False
    except ValueError:  # a port outside 0-65535
        return False
    segments = [s for s in parts.path.split("/") if s]
    return (
        len(segments) == 2
        and not parts.path.endswith((".xml", ".jpg", ".png", ".pdf"))
        and segments[0] not in NOT_ARTICLE_SECTIONS
    )


NOT_ARTICLE_SECTIONS = frozenset(
    {"feed", "page", "tag", "tags", "taxonomy", "user", "admin", "search", "sites", "files", "node"}
)


def _explicit_port(port: int | None) -> int | None:
    """A URL's port, or None for the default ports of http and https."""
    return None if port in (None, 80, 443) else port


def _bare_host(host: str) -> str:
    host = host.lower().split(":")[0]
    return host.removeprefix("www.")


@dataclass(slots=True)
class ArticleFields:
    """The raw values of one article page, with the source of each (see module docstring)."""

    title: str | None = None
    category: str | None = None
    trend_status: str | None = None
    published: str | None = None
    image_url: str | None = None
    image_credit: str | None = None
    lead_html: str | None = None
    body_html: str | None = None
    related: list[RelatedLink] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    template: str = TEMPLATE_NAME


class ArticlePage:
    """An article page of the site: raw fields, without cleaning.

    ``url`` is the page's URL (absolute); ``html`` the decoded page text.
    """

    def __init__(self, url: str, html: str) -> None:
        self.url = url
        self.sel = parse_html(html)
        self._jsonld: dict[str, object] | None = None

    # -- public --------------------------------------------------------------------------------
    def fields(self) -> ArticleFields:
        """Extract every field; a field no source yields stays None."""
        out = ArticleFields()
        self._take(out, "title", self._title_candidates())
        self._take(out, "published", self._date_candidates())
        self._take(out, "category", self._category_candidates())
        self._take(out, "trend_status", self._status_candidates())
        self._take(out, "image_url", self._image_candidates())
        self._take(out, "image_credit", self._credit_candidates())
        self._take(out, "lead_html", self._lead_candidates())
        self._take(out, "body_html", self._body_candidates())
        out.related = self.related_links()
        return out

    def related_links(self) -> list[RelatedLink]:
        """Links to other articles: the similar block, the trends sidebar, links in the body."""
        host = urlsplit(self.url).netloc
        links: list[RelatedLink] = []
        for kind, anchors in (
            ("similar", self._block_links(SIMILAR_LINKS_CSS, HEADING_SIMILAR)),
            ("trend", self._block_links(TREND_LINKS_CSS, HEADING_TRENDS)),
            ("inline", self._inline_anchors()),
        ):
            seen: set[str] = set()
            for anchor in anchors:
                href = anchor.attrib.get("href")
                if not href:
                    continue
                target = canonical_url(urljoin(self.url, href))
                if target in seen or not is_article_url(target, host):
                    continue
                seen.add(target)
                title = collapse_ws(" ".join(anchor.css("::text").getall()))
                links.append(RelatedLink(target, unicodedata.normalize("NFC", title), len(seen), kind))
        return links

    def _inline_anchors(self) -> list[Selector]:
        """The anchors in the body's text: not those in a script, a noscript or a block that is
        not the article (share buttons, a "Read more" box)."""
        body = self._first(BODY_CSS)
        if not body:
            return []
        top = body[0].root
        return [a for a in body.css("a") if not _inside_noise(a.root, top)]

    # -- candidates per field, in order of trust ------------------------------------------------
    def _title_candidates(self) -> Iterator[tuple[str, str | None]]:
        for css in TITLE_CSS:
            yield "selector", self._text(self.sel.css(css)[:1])
        yield "meta", self._meta("og:title")
        yield "jsonld", self._jsonld_str("headline")
        yield "meta", self.sel.css("title::text").get()

    def _date_candidates(self) -> Iterator[tuple[str, str | None]]:
        node = self._node()
        for css in DATE_CSS:
            yield "selector", self._text(node.css(css)[:1])
        yield "meta", self._meta("article:published_time")
        yield "meta", node.css("time::attr(datetime)").get()
        yield "jsonld", self._jsonld_str("datePublished")
        match = DATE_LINE.search(self._main_text())
        yield "text", match.group(0) if match else None

    def _category_candidates(self) -> Iterator[tuple[str, str | None]]:
        for css in CATEGORY_CSS:
            yield "selector", self._text(self.sel.css(css)[:1])
        yield "meta", self._meta("article:section")
        yield "jsonld", self._jsonld_str("articleSection")
        segments = [s for s in urlsplit(self.url).path.split("/") if s]
        yield "text", segments[0].replace("-", " ").capitalize() if len(segments) == 2 else None

    def _status_candidates(self) -> Iterator[tuple[str, str | None]]:
        for css in STATUS_CSS:
            marker = self.sel.css(css)[:1]
            yield "selector", marker.attrib.get("class") if marker else None

    def _image_candidates(self) -> Iterator[tuple[str, str | None]]:
        node = self._node()
        for css in IMAGE_CSS:
            src = node.css(css).attrib.get("src")
            yield "selector", urljoin(self.url, src) if src else None
        og = self._meta("og:image")
        yield "meta", urljoin(self.url, og) if og else None

    def _credit_candidates(self) -> Iterator[tuple[str, str | None]]:
        node = self._node()
        for css in CREDIT_CSS:
            yield "selector", self._text(node.css(css)[:1])
        match = CREDIT_LINE.search(self._main_text())
        yield "text", match.group(0) if match else None

    def _lead_candidates(self) -> Iterator[tuple[str, str | None]]:
        node = self._node()
        for css in LEAD_CSS:
            yield "selector", node.css(css).get()
        yield "meta", self._meta("og:description") or self._meta("description")
        yield "jsonld", self._jsonld_str("description")

    def _body_candidates(self) -> Iterator[tuple[str, str | None]]:
        node = self._node()
        for css in BODY_CSS:
            yield "selector", node.css(css).get()
        yield "jsonld", self._jsonld_str("articleBody")
        yield "text", self._densest_block()

    # -- helpers -------------------------------------------------------------------------------
    @staticmethod
    def _take(out: ArticleFields, name: str, candidates: Iterable[tuple[str, str | None]]) -> None:
        for source, value in candidates:
            if value is not None and value.strip():
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
        for css in (".node-article", "article", "#main", "main", "body"):
            found = self.sel.css(css)
            if found:
                return found[0]
        return self.sel

    def _main_text(self) -> str:
        """The article's text lines, with the similar block and the sidebar left out."""
        node = self._node()
        texts = node.xpath(
            ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
            " or ancestor::*[contains(@class,'similar') or contains(@class,'trends')"
            " or contains(@id,'sidebar')])]"
        ).getall()
        return "\n".join(t.strip() for t in texts if t.strip())

    def _block_links(self, css_list: Iterable[str], heading: re.Pattern[str]) -> SelectorList[Selector]:
        found = self.sel.css(", ".join(css_list))  # an XPath union: each anchor once, in order
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
        return value if isinstance(value, str) else None

    def _jsonld_article(self) -> dict[str, object]:
        if self._jsonld is None:
            self._jsonld = {}
            for raw in self.sel.css("script[type='application/ld+json']::text").getall():
                for obj in _jsonld_objects(raw):
                    kind = obj.get("@type")
                    kinds = kind if isinstance(kind, list) else [kind]
                    if any(k in JSONLD_ARTICLE_TYPES for k in kinds):
                        self._jsonld = obj
                        return obj
        return self._jsonld

    def _densest_block(self) -> str | None:
        """The paragraphs of the element with the most paragraph text: a generic body.

        Lines that are page furniture (the date line, the credit line, ``Category status:``)
        are left out.
        """
        best: tuple[int, list[str]] = (0, [])
        for parent in self.sel.xpath("//*[p][not(ancestor-or-self::aside)]"):
            kept: list[str] = []
            text_len = 0
            for para in parent.xpath("./p"):
                text = " ".join(para.xpath(".//text()").getall()).strip()
                if text and not FURNITURE_LINE.fullmatch(text):
                    kept.append(para.get())
                    text_len += len(text)
            if text_len > best[0]:
                best = (text_len, kept)
        return "\n".join(best[1]) or None


def _inside_noise(element: Any, top: Any) -> bool:
    """Whether an lxml ``element`` sits in a not-article block or a script below ``top``."""
    node = element.getparent()
    while node is not None and node is not top:
        marker = f"{node.get('class', '')} {node.get('id', '')}"
        if node.tag in NOT_TEXT_TAGS or NOT_ARTICLE_BLOCK.search(marker):
            return True
        node = node.getparent()
    return False


def _jsonld_objects(raw: str) -> Iterator[dict[str, object]]:
    try:
        data = json.loads(raw)
    except ValueError:
        return
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend(graph)


@dataclass(slots=True)
class ListingLinks:
    """What a listing page (front page, category, pager) points to."""

    articles: list[str]
    next_page: str | None
    dates: dict[str, str] = field(default_factory=dict)
    """The date shown beside an article in the listing, as shown (``<time datetime>`` first)."""


class ListingPage:
    """A listing page: article links newest first, and the next page of the pager."""

    NEXT_CSS = ("ul.pager li.pager-next a", "a[rel='next']", ".pagination .next a", "a.next")

    def __init__(self, url: str, html: str) -> None:
        self.url = url
        self.sel = parse_html(html)

    def links(self) -> ListingLinks:
        """Absolute canonical article URLs in page order, and the next page's URL or None."""
        host = urlsplit(self.url).netloc
        seen: dict[str, None] = {}
        dates: dict[str, str] = {}
        scope = self.sel.css("#main, main, .view-content") or self.sel.css("body")
        for anchor in scope.css("a[href]"):
            url = canonical_url(urljoin(self.url, anchor.attrib["href"]))
            if is_article_url(url, host):
                seen.setdefault(url, None)
                shown = self._row_date(anchor)
                if shown and url not in dates:
                    dates[url] = shown
        next_href = None
        for css in self.NEXT_CSS:
            next_href = self.sel.css(css).attrib.get("href")
            if next_href:
                break
        return ListingLinks(list(seen), urljoin(self.url, next_href) if next_href else None, dates)

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


def feed_links(url: str, xml: str) -> list[str]:
    """Article URLs of an RSS 2.0 or Atom feed, in feed order."""
    sel = Selector(text=xml, type="xml")
    sel.remove_namespaces()
    found = sel.xpath("//item/link/text() | //entry/link/@href").getall()
    host = urlsplit(url).netloc
    out = [canonical_url(urljoin(url, link.strip())) for link in found]
    return [u for u in dict.fromkeys(out) if is_article_url(u, host)]


def sitemap_links(url: str, xml: str) -> tuple[list[tuple[str, str | None]], list[str]]:
    """A sitemap's article URLs with their ``lastmod`` (or None), and nested sitemap URLs."""
    sel = Selector(text=xml, type="xml")
    sel.remove_namespaces()
    host = urlsplit(url).netloc
    entries: list[tuple[str, str | None]] = []
    for node in sel.xpath("//url"):
        loc = node.xpath("loc/text()").get()
        if loc and is_article_url(canonical_url(loc.strip()), host):
            entries.append((canonical_url(loc.strip()), node.xpath("lastmod/text()").get()))
    nested = [s.strip() for s in sel.xpath("//sitemap/loc/text()").getall()]
    return entries, nested
