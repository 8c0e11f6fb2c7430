"""URL routing of the replica: a path with its query -> (status, Content-Type, body bytes).

Routes: ``/`` and ``/<category>`` listings (``?page=N``, 0-based; past the end is 404),
``/<category>/<slug>`` articles, ``/about-monitoring``, ``/feed/``, ``/sitemap.xml``,
``/robots.txt``; anything else is a 404 page. Unknown query parameters are ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qs, urlsplit

from archiver.replica import feeds, markup
from archiver.replica.content import Article

if TYPE_CHECKING:
    from archiver.replica.generator import ReplicaSite

HTML: Final = "text/html; charset=utf-8"
RSS: Final = "application/rss+xml; charset=utf-8"
XML: Final = "application/xml; charset=utf-8"
TEXT: Final = "text/plain; charset=utf-8"

Response = tuple[int, str, bytes]


def render(site: ReplicaSite, target: str, base_url: str) -> Response:  # noqa: PLR0911 (a route table)
    """The response for ``target`` (path and query) on the site at ``base_url`` (no slash)."""
    parts = urlsplit(target)
    path = parts.path or "/"
    query = parse_qs(parts.query)
    if path == "/":
        return _listing(site, None, site.articles, query)
    if path == "/feed/":
        return 200, RSS, _bytes(feeds.rss(site.articles[: feeds.FEED_SIZE], base_url))
    if path == "/sitemap.xml":
        return 200, XML, _bytes(feeds.sitemap(site.articles, site.categories, base_url))
    if path == "/robots.txt":
        return 200, TEXT, _bytes(feeds.robots(base_url))
    if path == "/about-monitoring":
        return 200, HTML, _bytes(markup.about_page(site.chrome))
    article = site.article(path)
    if article is not None:
        return _article(site, article, base_url)
    category = site.category(path[1:])
    if category is not None:
        return _listing(site, category.name, site.in_category(category.slug), query, category.path)
    return not_found(site, path)


def not_found(site: ReplicaSite, path: str) -> Response:
    """The 404 page."""
    return 404, HTML, _bytes(markup.not_found_page(path, site.chrome))


def _article(site: ReplicaSite, article: Article, base_url: str) -> Response:
    page = markup.article_page(
        article, site.body(article), site.similar(article), site.chrome, base_url
    )
    return 200, HTML, _bytes(page)


def _listing(
    site: ReplicaSite,
    heading: str | None,
    entries: list[Article],
    query: dict[str, list[str]],
    base_path: str = "/",
) -> Response:
    raw = query.get("page", ["0"])[0]
    pages = max(1, -(-len(entries) // markup.PAGE_SIZE))
    if not raw.isdigit() or int(raw) >= pages:
        return not_found(site, base_path)
    page = int(raw)
    shown = entries[page * markup.PAGE_SIZE : (page + 1) * markup.PAGE_SIZE]
    html = markup.listing_page(
        heading, shown, page=page, pages=pages, base_path=base_path, chrome=site.chrome
    )
    return 200, HTML, _bytes(html)


def _bytes(text: str) -> bytes:
    return text.encode("utf-8")
