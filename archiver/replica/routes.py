"""URL routing of the replica: a path with its query -> a ``Reply`` (status, Content-Type, body
bytes, and the validators ``ETag`` and ``Last-Modified``), and conditional requests.

Routes (docs/replica.md, "What the server serves"): on both hosts the weekly pages, ``/by/``
twins, ``/analytics/`` trend listings, ``/feed/``, WordPress core sitemaps and robots.txt; on the
.info host the Drupal pages and listings (``/``, ``/<drupal-slug>?page=N``). Anything else is a
404 page. Unknown query parameters are ignored.

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

from archiver.replica import markup, weekly

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
    location: str | None = None
    """A redirect's absolute target."""

    def headers(self) -> list[tuple[str, str]]:
        """The headers to send: ``Location`` of a redirect, the validators (``ETag``,
        ``Last-Modified``), if any."""
        out = [("Location", self.location)] if self.location else []
        out += [("ETag", self.etag)] if self.etag else []
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


def respond(site: ReplicaSite, target: str, base_url: str, role: str | None = None) -> Reply:
    """The full response for ``target`` (path and query) on the site at ``base_url`` (no slash),
    the host ``role`` (``info``/``pro``; None: as paired, else info): the page with its validators,
    a redirect, or the status a ``site.fail`` told it to answer with."""
    role = role or site.role(base_url)
    failed = site.failing_status(target)
    if failed is not None:
        if role == "pro":
            return Reply(failed, HTML, _bytes(weekly.error_page(failed, site.weekly_chrome)))
        return Reply(failed, HTML, _bytes(markup.error_page(failed, site.chrome)))
    from archiver.replica import router

    return router.route(site, target, base_url, role)


def render(site: ReplicaSite, target: str, base_url: str) -> Response:
    """The page for ``target`` on ``base_url``: (status, Content-Type, body), no validators."""
    from archiver.replica import router

    reply = router.route(site, target, base_url, site.role(base_url))
    return reply.status, reply.content_type, reply.body


def _bytes(text: str) -> bytes:
    return text.encode("utf-8")
