"""URL routing of the replica: a path with its query -> a ``Reply`` (status, Content-Type, body
bytes, and the validators ``ETag`` and ``Last-Modified``), and conditional requests.

Routes: ``/`` and ``/<category>`` listings (``?page=N``, 0-based; past the end is 404),
``/<category>/<slug>`` articles, ``/about-monitoring``, ``/feed/``, ``/sitemap.xml``,
``/robots.txt``; anything else is a 404 page. Unknown query parameters are ignored.

Validators (200 responses only): an article's ``ETag`` is a hash of its own content
(``markup.article_main``: not the sidebar, menu or footer) and its ``Last-Modified`` its
publication or last edit; any other page's ``ETag`` is a hash of its bytes and its
``Last-Modified`` the site's last change (``ReplicaSite.changed``). ``not_modified`` decides a
conditional request as RFC 7232 says (``If-None-Match`` first).
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING, Final, NamedTuple
from urllib.parse import parse_qs, urlsplit

from archiver.replica import feeds, markup, redesign
from archiver.replica.content import Article

if TYPE_CHECKING:
    from archiver.replica.generator import ReplicaSite

HTML: Final = "text/html; charset=utf-8"
RSS: Final = "application/rss+xml; charset=utf-8"
XML: Final = "application/xml; charset=utf-8"
TEXT: Final = "text/plain; charset=utf-8"

NOT_MODIFIED: Final = 304
_ENTITY_TAG: Final = re.compile(r'\*|(?:W/)?"[^"]*"')


class Reply(NamedTuple):
    """A response: status, Content-Type, body, and the validators of a 200 (else None)."""

    status: int
    content_type: str
    body: bytes
    etag: str | None = None
    """A strong entity tag, quoted: ``"3f5c…"``."""
    last_modified: datetime | None = None
    """Aware; sent as an HTTP-date (``http_date``), whole seconds."""

    def headers(self) -> list[tuple[str, str]]:
        """The validator headers to send (``ETag``, ``Last-Modified``), if any."""
        out = [("ETag", self.etag)] if self.etag else []
        if self.last_modified is not None:
            out.append(("Last-Modified", http_date(self.last_modified)))
        return out


Response = tuple[int, str, bytes]


def http_date(moment: datetime) -> str:
    """RFC 7231 IMF-fixdate: ``Mon, 07 Nov 2016 07:41:00 GMT``."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def strong_etag(data: bytes) -> str:
    """A strong entity tag for ``data``: a quoted hex digest (128 bits of SHA-256)."""
    return f'"{hashlib.sha256(data).hexdigest()[:32]}"'


def not_modified(reply: Reply, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """Whether a GET/HEAD with these conditional headers gets ``304 Not Modified`` (RFC 7232 §6):
    only a 200 can; ``If-None-Match`` (``*`` or any listed tag, compared weakly) decides when
    present, and then ``If-Modified-Since`` is ignored; else ``If-Modified-Since`` (an HTTP-date;
    ignored when unparsable) when ``Last-Modified`` is not later than it."""
    if reply.status != 200:
        return False
    if if_none_match is not None:
        if reply.etag is None:
            return False
        tags = {tag.removeprefix("W/") for tag in _ENTITY_TAG.findall(if_none_match)}
        return "*" in tags or reply.etag in tags
    if if_modified_since is None or reply.last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since.strip())
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:  # "-0000": UTC
        since = since.replace(tzinfo=UTC)
    return reply.last_modified.replace(microsecond=0) <= since


def respond(site: ReplicaSite, target: str, base_url: str) -> Reply:
    """The full response for ``target`` (path and query) on the site at ``base_url`` (no slash):
    the page with its validators, or the status a ``site.fail`` told it to answer with."""
    failed = site.failing_status(target)
    if failed is not None:
        template = redesign if site.redesigned() else markup
        return Reply(failed, HTML, _bytes(template.error_page(failed, site.chrome)))
    status, content_type, body = render(site, target, base_url)
    if status != 200:
        return Reply(status, content_type, body)
    article = site.article(urlsplit(target).path)
    if article is not None:
        return Reply(status, content_type, body, site.etag(article), article.last_modified)
    return Reply(status, content_type, body, strong_etag(body), site.changed)


def render(site: ReplicaSite, target: str, base_url: str) -> Response:  # noqa: PLR0911 (a route table)
    """The page for ``target`` (path and query) on the site at ``base_url`` (no slash): (status,
    Content-Type, body), without validators or injected failures."""
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
        about = redesign.about_page if site.redesigned() else markup.about_page
        return 200, HTML, _bytes(about(site.chrome))
    article = site.article(path)
    if article is not None:
        return _article(site, article, base_url)
    category = site.category(path[1:])
    if category is not None:
        return _listing(site, category.name, site.in_category(category.slug), query, category.path)
    return not_found(site, path)


def not_found(site: ReplicaSite, path: str) -> Response:
    """The 404 page."""
    page = redesign.not_found_page if site.redesigned() else markup.not_found_page
    return 404, HTML, _bytes(page(path, site.chrome))


def _article(site: ReplicaSite, article: Article, base_url: str) -> Response:
    template = redesign.article_page if site.redesigned(article) else markup.article_page
    page = template(article, site.body(article), site.similar(article), site.chrome, base_url)
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
    template = redesign.listing_page if site.redesigned() else markup.listing_page
    html = template(heading, shown, page=page, pages=pages, base_path=base_path, chrome=site.chrome)
    return 200, HTML, _bytes(html)


def _bytes(text: str) -> bytes:
    return text.encode("utf-8")
