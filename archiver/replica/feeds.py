"""The machine-readable pages: RSS 2.0 feed, WordPress core sitemaps, robots.txt. ``base_url`` has
no trailing slash."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final
from xml.sax.saxutils import escape

from archiver.replica.content import Article
from archiver.replica.markup import SITE_NAME
from archiver.replica.schedule import iso_local, rfc822

FEED_SIZE: Final = 20
DESCRIPTION: Final = "Analytics of political and economic developments in Belarus"
Url = tuple[str, datetime | None]
"""A sitemap entry: an absolute URL and its last modification (None: no ``lastmod``)."""


def rss(articles: Sequence[Article], base_url: str) -> str:
    """RSS 2.0 of ``articles`` (newest first): absolute links to their weekly pages (with the
    trailing slash WordPress writes), ``pubDate`` in UTC (none for an undated article), WordPress's
    ``guid`` (``<base>/?p=<id>``)."""
    items = "".join(
        f"""<item>
<title>{escape(a.title)}</title>
<link>{escape(base_url + a.page_path)}/</link>
<dc:creator><![CDATA[{a.author or SITE_NAME}]]></dc:creator>
{"" if a.defect == "no-date" else f"<pubDate>{rfc822(a.published)}</pubDate>"}
<category><![CDATA[{a.category}]]></category>
<guid isPermaLink="false">{escape(base_url)}/?p={a.nid + 5000}</guid>
<description>{escape(a.lead)}</description>
</item>
"""
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>{SITE_NAME}</title>
<link>{escape(base_url)}/</link>
<description>{DESCRIPTION}</description>
<language>en-US</language>
<generator>https://wordpress.org/?v=6.4.3</generator>
{items}</channel>
</rss>
"""


def sitemap_index(sets: Sequence[tuple[str, Sequence[Url]]], base_url: str) -> str:
    """``/wp-sitemap.xml``: a sitemapindex naming ``/wp-sitemap-posts-<name>.xml`` per set, each
    with the newest ``lastmod`` of its URLs."""
    entries = []
    for name, urls in sets:
        stamps = [moment for _, moment in urls if moment is not None]
        lastmod = f"<lastmod>{iso_local(max(stamps))}</lastmod>" if stamps else ""
        entries.append(f"<sitemap><loc>{escape(base_url)}/wp-sitemap-posts-{name}.xml</loc>{lastmod}</sitemap>")
    body = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="{escape(base_url)}/wp-sitemap-index.xsl" ?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{body}
</sitemapindex>
"""


def urlset(urls: Sequence[Url]) -> str:
    """A urlset: each URL with its ``lastmod`` (W3C datetime, Minsk offset) when it has one."""
    body = "\n".join(
        f"<url><loc>{escape(url)}</loc>{_lastmod(moment)}</url>" for url, moment in urls
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{body}
</urlset>
"""


def _lastmod(moment: datetime | None) -> str:
    return "" if moment is None else f"<lastmod>{iso_local(moment)}</lastmod>"


def robots(base_url: str) -> str:
    """robots.txt as WordPress writes it, with where the sitemap is."""
    return (
        "User-agent: *\n"
        "Disallow: /wp-admin/\n"
        "Allow: /wp-admin/admin-ajax.php\n"
        f"\nSitemap: {base_url}/wp-sitemap.xml\n"
    )
