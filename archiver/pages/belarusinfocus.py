"""What the pages of Belarus in Focus contain: every selector and fallback for the site lives here.

A redesign of the site is a change to this file plus saved pages under tests/fixtures/pages/.
The page objects extract raw values only (text as shown, HTML fragments); cleaning is the job of
archiver.normalise. Each field is taken from the first source that yields it, in this order:

1. ``selector``: the site's own markup: the CSS of the page's template version (``Template``;
   chosen by what the page looks like, the fetch date as a hint);
2. ``markup``: generic markup any article page may have (``h1``, ``figure figcaption``,
   ``itemprop``);
3. ``meta``: structured metadata (Open Graph, ``article:*`` meta tags, ``<time datetime>``);
4. ``jsonld``: a JSON-LD ``NewsArticle``/``Article``;
5. ``generic``: for the body, a generic main-text extractor (archiver.pages.generic);
6. ``text``: text patterns (the ``Image: …`` line, the first date line near the title, the URL,
   the densest block of paragraphs).

``field_sources`` records which source gave each field; ``archiver check`` alarms when the share
of ``selector`` falls (the site has changed).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector, SelectorList

from archiver.items import RelatedLink
from archiver.normalise import canonical_url, collapse_ws
from archiver.pages.generic import generic_body_html

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

    ``markers``: CSS of which any match says a page is in this template. ``since``: the date
    (ISO 8601) from which the site served it; when a page matches several templates, the latest
    one in force at the page's fetch date wins. A redesign of the site is a new Template in
    TEMPLATES, its saved pages under tests/fixtures/pages/ and its golden outputs.
    """

    name: str
    since: str
    markers: tuple[str, ...]
    title: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    image: tuple[str, ...] = ()
    credit: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    similar: tuple[str, ...] = ()
    trend: tuple[str, ...] = ()


DRUPAL_2016 = Template(
    name=TEMPLATE_NAME,
    since="2011-01-01",
    markers=(".node-article", "[class*='field-name-']", ".similar-articles", "body[class*='node-type-']"),
    title=("h1.title", "h1.page-title", "h1#page-title", ".node h1"),
    date=(
        ".node .submitted .date-display-single",
        ".submitted .date-display-single",
        ".node .date-display-single",
        ".field-name-post-date",
    ),
    category=(".field-name-field-category a", ".breadcrumb a:last-child"),
    status=(
        ".field-name-field-category-status [class*='status-']",
        "[class*='category-status'] [class*='status-']",
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
REDESIGN_2025 = Template(
    name="redesign-2025",
    since="2025-01-01",
    markers=("meta[name='generator'][content^='WordPress']", "article.post .post-content"),
    title=("h1.entry-title", "article.post h1"),
    date=(".post-meta time.published", "time.published"),
    category=(".post-meta a[rel~='category']",),
    status=(".post-meta .trend-badge", ".trend-badge"),
    image=("figure.post-thumbnail img",),
    credit=("figure.post-thumbnail figcaption",),
    lead=(".post-excerpt",),
    body=("article.post .post-content", ".post-content"),
    similar=("aside.related-posts .related-post h3 a",),
    trend=(".widget-latest-posts li a",),
)
"""The replica's guess at a 2025 redesign (WordPress-like; docs/replica.md). Not seen on the real
site: it shows how a template version is added, and tests/test_health.py crawls the replica's
redesign without it to see the alarm."""
TEMPLATES: tuple[Template, ...] = (DRUPAL_2016, REDESIGN_2025)
"""Every known version of the site's templates."""
UNKNOWN_TEMPLATE = Template(name="unknown", since="", markers=())
"""A page none of TEMPLATES recognises: every field comes from the fallbacks (``archiver check``
then fails: the site has changed)."""

# --- generic markup, used by every template after its own selectors (source "markup") ---------
MARKUP = Template(
    name="markup",
    since="",
    markers=(),
    title=("article h1", "h1"),
    date=("span.date",),
    image=("article figure img",),
    credit=("figure figcaption",),
    lead=("[itemprop='description']",),
    body=("[itemprop='articleBody']", "article .entry-content"),
)


def choose_template(
    sel: Selector, fetched_on: str | None = None, names: Iterable[str] | None = None
) -> Template:
    """The template of the page ``sel``: of those whose markers match, the latest in force on
    ``fetched_on`` (ISO 8601 date or time; None: any); UNKNOWN_TEMPLATE when none matches.
    ``names``: only these templates (None: every one in TEMPLATES)."""
    known = TEMPLATES if names is None else tuple(t for t in TEMPLATES if t.name in set(names))
    matching = [t for t in known if any(sel.css(css) for css in t.markers)]
    if not matching:
        return UNKNOWN_TEMPLATE
    in_force = [t for t in matching if fetched_on is None or t.since <= fetched_on[:10]] or matching
    return max(in_force, key=lambda t: t.since)


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
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
"""A UTF-16 surrogate on its own (JSON ``"\\ud800"``): not a character, UTF-8 cannot encode it."""
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

    ``url`` is the page's URL (absolute); ``html`` the decoded page text; ``fetched_at`` (ISO 8601)
    a hint for the template; ``templates``: the names of the templates to know (None: all).
    """

    def __init__(
        self, url: str, html: str, fetched_at: str | None = None, templates: Iterable[str] | None = None
    ) -> None:
        self.url = url
        self.html = html
        self.sel = parse_html(html)
        self.template = choose_template(self.sel, fetched_at, templates)
        self._jsonld: dict[str, object] | None = None
        self._node_cache: Selector | None = None
        self._main_text_cache: str | None = None

    # -- public --------------------------------------------------------------------------------
    def fields(self) -> ArticleFields:
        """Extract every field; a field no source yields stays None."""
        out = ArticleFields(template=self.template.name)
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
            ("similar", self._block_links(self.template.similar, HEADING_SIMILAR)),
            ("trend", self._block_links(self.template.trend, HEADING_TRENDS)),
            ("inline", self._inline_anchors()),
        ):
            seen: set[str] = set()
            for anchor in anchors:
                href = anchor.attrib.get("href")
                if not href:
                    continue
                target = _canonical(urljoin(self.url, href))
                if target in seen or not _is_article_url(target, host):
                    continue
                seen.add(target)
                title = collapse_ws(" ".join(anchor.css("::text").getall()))
                links.append(RelatedLink(target, unicodedata.normalize("NFC", title), len(seen), kind))
        return links

    def _inline_anchors(self) -> list[Selector]:
        """The anchors in the body's text: not those in a script, a noscript or a block that is
        not the article (share buttons, a "Read more" box)."""
        body = self._first((*self.template.body, *MARKUP.body))
        if not body:
            return []
        top = body[0].root
        return [a for a in body.css("a") if not _inside_noise(a.root, top)]

    # -- candidates per field, in order of trust ------------------------------------------------
    def _title_candidates(self) -> Iterator[tuple[str, str | None]]:
        for source, css in self._css("title"):
            yield source, self._text(self.sel.css(css)[:1])
        yield "meta", self._meta("og:title")
        yield "jsonld", self._jsonld_str("headline")
        yield "meta", self.sel.css("title::text").get()

    def _date_candidates(self) -> Iterator[tuple[str, str | None]]:
        node = self._node()
        for source, css in self._css("date"):
            yield source, self._text(node.css(css)[:1])
        yield "meta", self._meta("article:published_time")
        yield "meta", node.css("time::attr(datetime)").get()
        yield "jsonld", self._jsonld_str("datePublished")
        match = DATE_LINE.search(self._main_text())
        yield "text", match.group(0) if match else None

    def _category_candidates(self) -> Iterator[tuple[str, str | None]]:
        for source, css in self._css("category"):
            yield source, self._text(self.sel.css(css)[:1])
        yield "meta", self._meta("article:section")
        yield "jsonld", self._jsonld_str("articleSection")
        segments = [s for s in urlsplit(self.url).path.split("/") if s]
        yield "text", segments[0].replace("-", " ").capitalize() if len(segments) == 2 else None

    def _status_candidates(self) -> Iterator[tuple[str, str | None]]:
        for source, css in self._css("status"):
            marker = self.sel.css(css)[:1]
            yield source, marker.attrib.get("class") if marker else None

    def _image_candidates(self) -> Iterator[tuple[str, str | None]]:
        node = self._node()
        for source, css in self._css("image"):
            src = node.css(css).attrib.get("src")
            yield source, urljoin(self.url, src) if src else None
        og = self._meta("og:image")
        yield "meta", urljoin(self.url, og) if og else None

    def _credit_candidates(self) -> Iterator[tuple[str, str | None]]:
        node = self._node()
        for source, css in self._css("credit"):
            yield source, self._text(node.css(css)[:1])
        match = CREDIT_LINE.search(self._main_text())
        yield "text", match.group(0) if match else None

    def _lead_candidates(self) -> Iterator[tuple[str, str | None]]:
        node = self._node()
        for source, css in self._css("lead"):
            yield source, node.css(css).get()
        yield "meta", self._meta("og:description") or self._meta("description")
        yield "jsonld", self._jsonld_str("description")

    def _body_candidates(self) -> Iterator[tuple[str, str | None]]:
        node = self._node()
        for source, css in self._css("body"):
            yield source, node.css(css).get()
        yield "jsonld", self._jsonld_str("articleBody")
        yield "generic", self._without_furniture(generic_body_html(self.html, self.url))
        yield "text", self._densest_block()

    # -- helpers -------------------------------------------------------------------------------
    def _css(self, field_name: str) -> Iterator[tuple[str, str]]:
        """(source, CSS) for a field: the template's own selectors, then generic markup."""
        for css in getattr(self.template, field_name):
            yield "selector", css
        for css in getattr(MARKUP, field_name):
            yield "markup", css

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
                for obj in _jsonld_objects(raw):
                    kind = obj.get("@type")
                    kinds = kind if isinstance(kind, list) else [kind]
                    if any(k in JSONLD_ARTICLE_TYPES for k in kinds):
                        self._jsonld = obj
                        return obj
        return self._jsonld

    def _without_furniture(self, fragment: str | None) -> str | None:
        """A generic extractor's body without the lines that are page furniture: the title
        (an ``<h1>`` or the page's heading repeated), the date line, the credit line."""
        if not fragment:
            return None
        title = collapse_ws(self._text(self.sel.css("h1")[:1]) or "")
        kept = []
        for node in Selector(text=f"<div>{fragment}</div>").xpath("//body/div/*"):
            text = collapse_ws(" ".join(node.xpath(".//text()").getall()))
            if node.root.tag == "h1" or not text or text == title or FURNITURE_LINE.fullmatch(text):
                continue
            kept.append(node.get())
        return "\n".join(kept) or None

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


@lru_cache(maxsize=8192)
def _canonical(url: str) -> str:
    """``canonical_url`` of a link target, cached: the same targets (the trends sidebar, similar
    articles) recur on page after page."""
    return canonical_url(url)


@lru_cache(maxsize=8192)
def _is_article_url(url: str, site_host: str) -> bool:
    """``is_article_url``, cached (see ``_canonical``)."""
    return is_article_url(url, site_host)


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
