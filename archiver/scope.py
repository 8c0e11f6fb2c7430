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

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _site_host(hostname: str) -> str:
    """A host name without a leading ``www.`` (the site answers under both)."""
    return hostname.removeprefix("www.")


class SiteScope:
    """The site at ``base_url`` (``https://belarusinfocus.info`` or a replica's loopback URL)."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
            raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
        self.scheme = parts.scheme
        self.netloc = parts.netloc.lower()
        self.host = _site_host(parts.hostname.lower())
        self.port = parts.port or _DEFAULT_PORTS[parts.scheme]

    def place(self, url: str) -> str | None:
        """``url`` in the site's spelling, or None when it is not a page of the site.

        Same site: an http(s) URL whose host is the base URL's (``www.`` ignored) and whose port
        is the base URL's (or both are their scheme's default, so ``http://`` links to an
        ``https://`` site are the site's).
        """
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError:
            return None
        if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
            return None
        if _site_host(parts.hostname.lower()) != self.host:
            return None
        link_default = port is None or port == _DEFAULT_PORTS[parts.scheme]
        base_default = self.port == _DEFAULT_PORTS[self.scheme]
        if not (link_default and base_default) and port != self.port:
            return None  # another server on the same host
        return canonical_url(urlunsplit((self.scheme, self.netloc, parts.path, parts.query, "")))
