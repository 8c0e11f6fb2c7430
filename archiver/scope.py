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


def _origin(base_url: str) -> tuple[str, str, str, int]:
    """(scheme, netloc, host without ``www.``, port) of an http(s) base URL; ValueError else."""
    parts = urlsplit(base_url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
    return (parts.scheme, parts.netloc.lower(), _site_host(parts.hostname.lower()),
            parts.port or _DEFAULT_PORTS[parts.scheme])


class SiteScope:
    """The site at ``base_url`` (``https://belarusinfocus.info`` or a replica's loopback URL),
    and its ``mirrors``: other hosts that serve the same site (``https://belarusinfocus.pro``),
    whose pages are placed on the primary host (one URL per page, whichever host linked it)."""

    def __init__(self, base_url: str, mirrors: tuple[str, ...] = ()) -> None:
        self.scheme, self.netloc, self.host, self.port = _origin(base_url)
        self.origins = [(self.host, self.port, self.scheme)] + [
            (host, port, scheme) for scheme, _netloc, host, port in map(_origin, mirrors)
        ]

    def place(self, url: str) -> str | None:
        """``url`` in the site's spelling, or None when it is not a page of the site.

        Same site: an http(s) URL whose host is the base URL's or a mirror's (``www.`` ignored)
        and whose port is that one's (or both are their scheme's default, so ``http://`` links
        to an ``https://`` site are the site's).
        """
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError:
            return None
        if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
            return None
        host = _site_host(parts.hostname.lower())
        link_default = port is None or port == _DEFAULT_PORTS[parts.scheme]
        for site_host, site_port, site_scheme in self.origins:
            if host != site_host:
                continue
            base_default = site_port == _DEFAULT_PORTS[site_scheme]
            if not (link_default and base_default) and port != site_port:
                continue  # another server on the same host
            return canonical_url(urlunsplit((self.scheme, self.netloc, parts.path, parts.query, "")))
        return None
