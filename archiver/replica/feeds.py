"""The machine-readable pages: RSS 2.0 feed, XML sitemap, robots.txt. ``base_url`` has no slash."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final
from xml.sax.saxutils import escape, quoteattr

from archiver.replica.content import Article, Category
from archiver.replica.markup import SITE_NAME
from archiver.replica.schedule import iso_local, rfc822

FEED_SIZE: Final = 20
DESCRIPTION: Final = "Analytics of political and economic developments in Belarus"


def rss(articles: Sequence[Article], base_url: str) -> str:
    """RSS 2.0 of ``articles`` (newest first): absolute links, Drupal-style ``guid``, pubDate in UTC
    (none for an article whose date is not shown)."""
    items = "".join(
        f"""<item>
<title>{escape(a.title)}</title>
<link>{escape(base_url + a.path)}</link>
<description>{escape(a.lead)}</description>
<category domain={quoteattr(base_url + a.section.path)}>{escape(a.category)}</category>
{"" if a.defect == "no-date" else f"<pubDate>{rfc822(a.published)}</pubDate>"}
<dc:creator>{SITE_NAME}</dc:creator>
<guid isPermaLink="false">{a.nid} at {escape(base_url)}</guid>
</item>
"""
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xml:base={quoteattr(base_url + "/")} xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>{SITE_NAME}</title>
<link>{escape(base_url)}/</link>
<description>{DESCRIPTION}</description>
<language>en</language>
{items}</channel>
</rss>
"""


def sitemap(articles: Sequence[Article], categories: Sequence[Category], base_url: str) -> str:
    """A sitemap: the front page, the category listings, then every article with ``lastmod``, its
    last modification (publication or last edit; none for an article whose date is not shown)."""
    pages = [f"<url><loc>{escape(base_url)}/</loc><changefreq>daily</changefreq></url>"]
    pages += [
        f"<url><loc>{escape(base_url + c.path)}</loc><changefreq>weekly</changefreq></url>"
        for c in categories
    ]
    pages += [
        f"<url><loc>{escape(base_url + a.path)}</loc>"
        f"{'' if a.defect == 'no-date' else f'<lastmod>{iso_local(a.last_modified)}</lastmod>'}</url>"
        for a in articles
    ]
    entries = "\n".join(pages)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{entries}
</urlset>
"""


def robots(base_url: str) -> str:
    """robots.txt: everything allowed but /admin/ and /search/; where the sitemap is."""
    return (
        "User-agent: *\n"
        "Disallow: /admin/\n"
        "Disallow: /search/\n"
        f"Sitemap: {base_url}/sitemap.xml\n"
    )
