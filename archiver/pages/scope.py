"""The crawl's scope: which URLs belong to the site, in their one canonical spelling.

The same article reaches the crawler under several spellings: with tracking parameters, with a
trailing slash, over ``http`` and ``https``, with or without ``www.``. ``SiteScope.place`` turns
every spelling of a page of the site into one URL (the base URL's scheme and host, then
``normalise.canonical_url``), so Scrapy's duplicate filter and the archive's ``url`` key see one
page; a URL of any other host or port, ``localhost`` and other loopback names included, is
outside the scope and never requested.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from archiver.normalise import canonical_url
from archiver.pages.site import is_site_host

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(base_url: str) -> tuple[str, str]:
    """(scheme, netloc) of an http(s) base URL; ValueError else (a bad port included)."""
    parts = urlsplit(base_url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
    parts.port  # noqa: B018 (ValueError for a port out of range)
    return parts.scheme, parts.netloc.lower()


class SiteScope:
    """The site at ``base_url`` (``https://belarusinfocus.info`` or a replica's loopback URL),
    and its ``mirrors``: other hosts that serve the same site (``https://belarusinfocus.pro``),
    whose pages are placed on the primary host (one URL per page, whichever host linked it)."""

    def __init__(self, base_url: str, mirrors: tuple[str, ...] = ()) -> None:
        self.scheme, self.netloc = _origin(base_url)
        for mirror in mirrors:
            _origin(mirror)  # ValueError for a mirror that is not an http(s) URL
        self.bases = (base_url, *mirrors)

    def place(self, url: str) -> str | None:
        """``url`` in the site's spelling, or None when it is not a page of the site.

        Same site (``pages.site.is_site_host``, without the public hosts: a crawl of a replica
        keeps to the replica): an http(s) URL whose host is the base URL's or a mirror's
        (``www.`` ignored) with the same port (80/443 count as none, so ``http://`` links to an
        ``https://`` site are the site's).
        """
        try:
            parts = urlsplit(url.strip())
            parts.port  # noqa: B018 (ValueError for a port out of range)
        except ValueError:
            return None
        if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
            return None
        if not is_site_host(parts.netloc.rpartition("@")[2], self.bases, public=False):
            return None
        return canonical_url(urlunsplit((self.scheme, self.netloc, parts.path, parts.query, "")))
