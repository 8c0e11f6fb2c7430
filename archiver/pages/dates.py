"""Where a page states its publication date: a ranked search over candidates (STYLE.md point 13).

``date_candidates`` yields (source, raw text) pairs, most trustworthy first; the page object keeps
the first that ``archiver.normalise.parse_stated`` reads (``stated_ok``), so a value that does not
parse (``21. Januar 2022`` in a form nothing reads, a broken attribute) never hides a good one
further down. The order, and what each part contributes:

1. ``meta``: the article's own machine-readable metadata: ``article:published_time`` and its
   relatives (``og:published_time``, ``datePublished``), the JSON-LD ``datePublished`` of the main
   article object (then of a ``WebPage``), then the publisher meta tags (``date``, ``DC.date``,
   ``dcterms.created``, ``pubdate``, ``publishdate``, ``sailthru.date``, ``parsely-pub-date``, ...);
2. ``markup``: microdata ``itemprop="datePublished"``, then ``<time datetime>`` (or ``pubdate``)
   inside the article, never in a related, teaser, sidebar, comment or caption block;
3. ``htmldate``: htmldate's quick search (``find_date(original_date=True,
   extensive_search=False)``), which knows many more publisher conventions (its own ranked list of
   meta names, date-bearing classes and the URL); it gives a day (``YYYY-MM-DD``), so it comes
   after the sources that may carry a time; it is cheaper and surer than reading lines with
   dateparser, so it comes before our text search;
4. ``text``: a short line near the title that carries a year and reads as a date, in any of
   dateparser's languages (through ``parse_stated``), not from those blocks either: the few
   words that end with the year first (``December 4, 2006`` out of ``by oz on December 4,
   2006``), the whole line last;
5. ``url``: a ``/YYYY/MM/DD/`` or ``YYYY-MM-DD`` date in the page's address;
6. ``htmldate``: its extensive search (the whole text), when nothing else gave a date
   (``EXTENSIVE_HTMLDATE``).

Every function here is total: junk input gives no candidates, never an exception.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, Final

from parsel import Selector

from archiver.normalise import collapse_ws, parse_stated
from archiver.pages.jsonld import jsonld_objects

__all__ = [
    "DATE_META_NAMES", "NOT_DATE_BLOCK", "date_candidates", "htmldate_date", "stated_ok",
    "text_dates", "url_date",
]  # fmt: skip

DATE_META_NAMES: Final = (
    "date", "dc.date", "dc.date.issued", "dc.date.created", "dcterms.created", "dcterms.date",
    "dcterms.issued", "pubdate", "publishdate", "publish-date", "publish_date", "published_date",
    "published-date", "publication_date", "sailthru.date", "parsely-pub-date", "article.published",
    "article_date_original", "original-publish-date", "cxenseparse:recs:publishtime", "dc.created",
    "og:pubdate", "analyticsattributes.articledate", "bt:pubdate", "datepublished", "release_date",
    "citation_publication_date", "citation_date", "prism.publicationdate", "date_published",
    "pub_date", "displaydate", "created", "date.available",
)  # fmt: skip
"""Publisher meta tags (``name``, ``property`` or ``itemprop``; compared casefolded) that state
the publication date, after the ``article:published_time`` family."""
_PUBLISHED_PROPERTIES: Final = (
    "article:published_time", "og:published_time", "og:article:published_time",
    "article:published", "published_time", "datepublished",
)  # fmt: skip
NOT_DATE_BLOCK: Final = re.compile(
    r"related|similar|teaser|sidebar|aside|comment|caption|credit|recommend|read-?more|more-?news"
    r"|popular|trending|widget|footer|\bnav|menu|breadcrumb|newsletter|promo|advert|\bad-",
    re.IGNORECASE,
)
"""A class or id of a block whose dates are another article's (a teaser, a related link, a
comment) or not the article's (a caption, the footer): no date is taken from inside one."""
_NOT_DATE_TAGS: Final = frozenset({"aside", "nav", "footer", "figcaption", "figure", "script", "style"})
_ARTICLE_JSONLD: Final = re.compile(r"Article|BlogPosting|Report|NewsArticle|LiveBlogPosting", re.IGNORECASE)
_YEAR: Final = re.compile(r"(?<!\d)(?:19[9]\d|20[0-4]\d)(?!\d)|\b\d{1,2}[./]\d{1,2}[./]\d{2}\b")
_LINE_PARTS: Final = re.compile(r"\s*[|·•/]\s*|\s+[-–—]\s+")
MAX_DATE_LINE: Final = 80
"""Longest visible line (characters) read as a date: a longer one is running text."""
TEXT_WINDOW: Final = 12
"""How many text lines after the title (and 4 before) are searched for a visible date."""
_URL_DATE: Final = re.compile(
    r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?:/|$|[^\d])"
    r"|[/_-]((?:19|20)\d{2})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?!\d)"
)
_LATEST: Final = datetime(2100, 1, 1, tzinfo=UTC)
EXTENSIVE_HTMLDATE: Final = True
"""Whether htmldate's extensive search (the whole text, through its own multilingual dateparser)
is the last candidate. It costs up to seconds on a page that states no date in any other way,
and is worth it: without it 5.3% (htmldate set) and 10.0% (trafilatura set) of the development
pages are rejected for no date instead of 2.7% and 2.0% (docs/benchmarks.md section 10)."""
_HTMLDATE_LOG: Final = logging.getLogger("htmldate")
if _HTMLDATE_LOG.level == logging.NOTSET:
    _HTMLDATE_LOG.setLevel(logging.CRITICAL)


def stated_ok(raw: str | None, now: datetime | None) -> bool:
    """Whether ``raw`` reads as a publication date (``parse_stated``; ``now``: the fetch time,
    None: no upper bound). The zone does not change whether a date reads, so UTC is used."""
    if raw is None or not raw.strip() or len(raw) > 200:
        return False
    try:
        return parse_stated(raw, now=now or _LATEST, tz="UTC") is not None
    except (ValueError, OverflowError):
        return False


def _blocked(element: Any, stop: Any = None) -> bool:
    """Whether the lxml ``element`` sits in a block whose dates are not the article's."""
    node = element
    while node is not None and node is not stop:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _NOT_DATE_TAGS:
            return True
        marker = f"{node.get('class', '')} {node.get('id', '')}" if tag else ""
        if marker.strip() and NOT_DATE_BLOCK.search(marker):
            return True
        node = node.getparent()
    return False


def _meta_values(sel: Selector, names: tuple[str, ...]) -> Iterator[str]:
    """The ``content`` of the meta tags named ``names`` (name, property or itemprop), by rank."""
    found: dict[str, list[str]] = {}
    for meta in sel.xpath("//meta[@content]"):
        attrs = meta.attrib
        content = attrs.get("content", "")
        for key in ("property", "name", "itemprop"):
            name = attrs.get(key)
            if name:
                found.setdefault(name.strip().casefold(), []).append(content)
    for name in names:
        yield from found.get(name, [])


def jsonld_dates(sel: Selector) -> Iterator[str]:
    """``datePublished`` of the JSON-LD article objects, then ``dateCreated``, then a WebPage's."""
    articles: list[dict[str, object]] = []
    pages: list[dict[str, object]] = []
    for raw in sel.xpath("//script[@type='application/ld+json']/text()").getall():
        for obj in jsonld_objects(raw):
            kind = obj.get("@type")
            kinds = " ".join(k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str))
            if _ARTICLE_JSONLD.search(kinds):
                articles.append(obj)
            elif "WebPage" in kinds:
                pages.append(obj)
    for group in (articles, pages):
        for key in ("datePublished", "dateCreated"):
            for obj in group:
                value = obj.get(key)
                if isinstance(value, str):
                    yield value


def _markup_dates(sel: Selector, node: Selector) -> Iterator[str]:
    """Microdata ``datePublished`` and ``<time>`` in the article, outside the blocked blocks."""
    for scope in (node, sel) if node is not sel else (sel,):
        for el in scope.xpath(".//*[@itemprop='datePublished']"):
            if _blocked(el.root):
                continue
            for value in (el.attrib.get("content"), el.attrib.get("datetime")):
                if value:
                    yield value
            yield collapse_ws(" ".join(el.xpath(".//text()").getall()))
    for scope in (node, sel) if node is not sel else (sel,):
        times = scope.xpath(".//time[@datetime or @pubdate]")
        for el in times:
            if _blocked(el.root):
                continue
            value = el.attrib.get("datetime")
            if value:
                yield value
            yield collapse_ws(" ".join(el.xpath(".//text()").getall()))


def text_dates(lines: list[str], title: str | None) -> Iterator[str]:
    """Dates in short lines near the title that carry a year (or ``dd.mm.yy``): the few words
    that end with the year (and a time after it) first, then the parts between separators, then
    the whole line (``by oz on December 4, 2006`` -> ``December 4, 2006`` first: a whole line
    of other words could be misread)."""
    start = 0
    if title:
        start = next((i for i, line in enumerate(lines) if line == title), 0)
    window = lines[max(0, start - 4) : start + TEXT_WINDOW]
    for line in window:
        if len(line) > MAX_DATE_LINE or not _YEAR.search(line):
            continue
        seen: set[str] = set()
        for raw in (*_year_windows(line), *_LINE_PARTS.split(line), line):
            piece = raw.strip(" ,;|")
            if piece not in seen and _YEAR.search(piece) and len(_NUMBER.findall(piece)) >= 2:
                seen.add(piece)
                yield piece


_NUMBER: Final = re.compile(r"\d+")
"""A date in text has a day or month number beside the year (``2007`` alone is no date)."""
_TIME: Final = re.compile(
    r"^(?:\d{1,2}[:.h]\d{2}(?:[:.]\d{2})?[,h]?|Uhr|[ap]\.?m\.?|klo|h|GMT|UTC|CES?T)$", re.IGNORECASE
)


def _year_windows(line: str) -> Iterator[str]:
    """The runs of 1, 3, 2 and 4 words that end with a word holding a year, with a time after."""
    words = line.split()
    for i, word in enumerate(words):
        if not _YEAR.search(word):
            continue
        end = i + 1
        while end < len(words) and end - i <= 3 and _TIME.match(words[end].strip(",")):
            end += 1
        for size in (1, 3, 2, 4):
            if i - size + 1 >= 0:
                yield " ".join(words[i - size + 1 : end])


def url_date(url: str | None) -> str | None:
    """The ``YYYY-MM-DD`` date in a URL's path (``/2020/03/16/``, ``-2020-03-16``), or None."""
    if not url:
        return None
    match = _URL_DATE.search(url)
    if not match:
        return None
    year, month, day = (g for g in match.groups() if g)
    return f"{year}-{int(month):02d}-{int(day):02d}"


def htmldate_date(html: str, url: str | None, now: datetime | None, *, extensive: bool = False) -> str | None:
    """htmldate's reading of the page's original publication day (``YYYY-MM-DD``) or None: its
    quick search, or (``extensive``) its search of the whole text too."""
    from archiver.pages.generic import prepare_html  # the same size limits as the body extractor

    text = prepare_html(html)
    if text is None:
        return None
    try:
        from htmldate import find_date

        found = find_date(
            text, url=url or None, original_date=True, extensive_search=extensive,
            max_date=(now or _LATEST).strftime("%Y-%m-%d"),
        )  # fmt: skip
    except (ValueError, TypeError, LookupError, AttributeError, RecursionError, OverflowError):
        return None
    return found if isinstance(found, str) and found else None


def date_candidates(
    sel: Selector,
    node: Selector,
    *,
    lines: Callable[[], list[str]],
    title: Callable[[], str | None],
    url: str | None,
    html: str,
    now: datetime | None,
) -> Iterator[tuple[str, str | None]]:
    """(source, raw) date candidates of a page, most trustworthy first (module docstring).

    ``sel``: the page; ``node``: the element that holds the article; ``lines``: gives the page's
    text lines in reading order without the blocked blocks; ``title``: gives the title as shown;
    ``url``: the page's address (None: unknown); ``now``: the fetch time (htmldate's upper bound).
    Lazy: a later (costlier) source is computed only when asked for.
    """
    for value in _meta_values(sel, _PUBLISHED_PROPERTIES):
        yield "meta", value
    for value in jsonld_dates(sel):
        yield "jsonld", value
    for value in _meta_values(sel, DATE_META_NAMES):
        yield "meta", value
    for value in _markup_dates(sel, node):
        yield "markup", value
    yield "htmldate", htmldate_date(html, url, now)
    for value in text_dates(lines(), title()):
        yield "text", value
    yield "url", url_date(url)
    if EXTENSIVE_HTMLDATE:
        yield "htmldate", htmldate_date(html, url, now, extensive=True)
