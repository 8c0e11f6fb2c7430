"""The replica's routes: a path and query on a host (``info``/``pro``) -> a ``routes.Reply``.

Both hosts: weekly article pages (a weekly-era article's path, with or without a trailing slash,
any query; a re-published Drupal-era article's ``weekly_path``), ``/by/`` twins, ``/analytics/``
and the trend listings (``/page/N/`` and ``?paged=N``), the weekly home (.pro ``/``), ``/feed/``,
``/wp-sitemap.xml`` and its urlsets, ``/sitemap.xml`` (301), robots.txt, ``/about-monitoring``.
The .info host only: Drupal article pages (canonical and Drupal listing paths) and the Drupal
listings (``/``, ``/<drupal-slug>``, ``?page=N``). Redirects (301): an old section slug of a
weekly-era article, a listing path without its slash, ``/sitemap.xml``, a Drupal-era path on .pro
whose article was re-published. See docs/replica.md for which of these are evidence.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qs, urlsplit

from archiver.replica import feeds, markup, weekly
from archiver.replica.content import Article, Body, Inline
from archiver.replica.markup import attr, esc
from archiver.replica.routes import HTML, RSS, TEXT, XML, Reply, strong_etag
from archiver.replica.russian import be_week
from archiver.replica.schedule import week

if TYPE_CHECKING:
    from archiver.replica.generator import ReplicaSite

_SITEMAP: Final = re.compile(r"/wp-sitemap-posts-(post|archive)-(\d+)\.xml")
_LISTING: Final = re.compile(r"/analytics/([a-z0-9-]+)(?:/page/(\d+))?(/?)")
P_NO_CANONICAL: Final = 0.15
"""Share of the weekly pages without ``<link rel="canonical">``. [guess]"""
P_CUT_TITLE: Final = 0.05
"""Share of the listing entries whose title is cut short (after 33 characters). [evidence: one
cut title; guess: the share and the length]"""
CUT_AT: Final = 33
HOME_ENTRIES: Final = 10


def fraction(article: Article, salt: str) -> float:
    """A fixed number in [0, 1) per article and ``salt`` (so page variants need no random stream)."""
    digest = hashlib.sha256(f"{article.stream}/{article.nid}/{salt}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def link_variant(article: Article, partner: str | None) -> str:  # noqa: PLR0911 (one per form)
    """The href (relative, or absolute on the ``partner`` host) listings use for ``article``'s
    weekly page: mostly its path with a slash, else without, with ``?page=N``, under the old
    section slug (a 301), or on the other host. [evidence: every form; guess: the shares]"""
    r = fraction(article, "link")
    if article.weekly_path:
        page = article.weekly_path
        if r < 0.7:
            return page + "/"
        if r < 0.9 or partner is None:
            return page
        return partner + page + "/"
    section = article.section
    if r < 0.55:
        return article.path + "/"
    if r < 0.75:
        return article.path
    if r < 0.85:
        return f"{article.path}?page={1 + article.nid % 3}"
    if r < 0.93 and section.slug != section.current:
        return f"/{section.slug}/{article.slug}/"
    if partner is not None:
        return partner + article.path + "/"
    return article.path + "/"


def route(site: ReplicaSite, target: str, base: str, role: str) -> Reply:
    """The reply for ``target`` on host ``role`` served at ``base`` (no failures injected): an
    article's ``Last-Modified`` is its own, every other 200's the site's last change."""
    reply = _route(site, target, base, role)
    if reply.status == 200 and reply.last_modified is None:
        return reply._replace(last_modified=site.changed)
    return reply


def _route(site: ReplicaSite, target: str, base: str, role: str) -> Reply:  # noqa: PLR0911 (a route table)
    parts = urlsplit(target)
    path = parts.path or "/"
    query = parse_qs(parts.query)
    info = role == "info"
    if path == "/":
        if info:
            return _drupal_listing(site, None, site.drupal_articles, query, "/")
        return _weekly_home(site, base, "Belarus in Focus", HOME_ENTRIES)
    if path == "/feed/":
        return _ok(RSS, feeds.rss(_feed(site), base))
    if path == "/sitemap.xml":
        return redirect(base + "/wp-sitemap.xml")
    if path == "/wp-sitemap.xml":
        return _ok(XML, feeds.sitemap_index(_sitemaps(site, base, info), base))
    if match := _SITEMAP.fullmatch(path):
        return _urlset(site, base, info, match.group(1), int(match.group(2)))
    if path == "/robots.txt":
        return _ok(TEXT, feeds.robots(base))
    if path == "/about-monitoring":
        return _ok(HTML, markup.about_page(site.chrome))
    if path == "/analytics/":
        return _weekly_home(site, base, "All trends", 0)
    if path.startswith("/analytics/"):
        return _trend_listing(site, path, parts.query, query, base)
    found = site.lookup(path)
    if found is not None:
        return _article(site, *found, path, base, role)
    category = site.category(path[1:])
    if info and category is not None:
        return _drupal_listing(site, category.name, site.in_category(category.slug), query, category.path)
    return not_found(site, path, role)


def redirect(location: str) -> Reply:
    """A 301 to ``location`` with a one-line body."""
    body = f'<html><body><a href="{attr(location)}">Moved Permanently</a></body></html>\n'
    return Reply(301, HTML, body.encode(), location=location)


def not_found(site: ReplicaSite, path: str, role: str) -> Reply:
    """The host's 404 page: Drupal's on .info, WordPress's on .pro."""
    if role == "pro":
        return Reply(404, HTML, weekly.error_page(404, site.weekly_chrome).encode())
    return Reply(404, HTML, markup.not_found_page(path, site.chrome).encode())


def _ok(content_type: str, text: str) -> Reply:
    body = text.encode("utf-8")
    return Reply(200, content_type, body, strong_etag(body))


def _article(  # noqa: PLR0911, PLR0917 (one return per kind; private)
    site: ReplicaSite, article: Article, kind: str, path: str, base: str, role: str
) -> Reply:
    slash = path.endswith("/") and len(path) > 1
    if kind == "by":
        return _weekly(site, article, base, role, "be")
    if kind == "weekly" or (kind == "canonical" and article.era == "weekly"):
        return _weekly(site, article, base, role, "en")
    if kind == "old-slug":
        return redirect(base + article.path + "/")
    # a Drupal-era article at its canonical or Drupal listing path
    if role == "pro":
        if article.weekly_path:
            return redirect(base + article.weekly_path + "/")
        return not_found(site, path, role)
    if slash:
        return not_found(site, path, role)
    page = markup.article_page(article, site.body(article), site.similar(article), site.chrome, base)
    return Reply(200, HTML, page.encode("utf-8"), site.etag(article), article.last_modified)


def weekly_view(site: ReplicaSite, article: Article, base: str, role: str, lang: weekly.Lang) -> weekly.View:
    """The parts of ``article``'s weekly page (``lang`` ``be``: its ``/by/`` twin) on ``base``."""
    partner = site.partner(base)
    info_base = base if role == "info" or partner is None else partner
    en_path = article.page_path + "/"
    by_path = article.by_path + "/" if article.by_path else None
    alternates = (("en", base + en_path), ("be", base + by_path)) if by_path else ()
    image = article.image_path
    common = {
        "status": article.trend_status,
        "alternates": alternates,
        "switch_en": en_path,
        "switch_be": by_path,
        "image_src": image,
        "og_image": base + image if image else None,
        "caption_html": esc(article.credit_line, article.style) if article.credit_line else None,
    }
    canonical: str | None = None
    if lang == "be":
        assert by_path is not None  # noqa: S101 (kind "by" only exists with a twin)
        text = site.russian(article.stream, article.nid)
        paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in text.paragraphs)
        return weekly.View(
            lang="be", title_html=esc(text.title), title_attr=attr(text.title),
            period=be_week(*article.period) if article.period else "",
            trend_name=article.section.be_name, trend_href=article.section.listing,
            content_html=f"<p>{esc(text.lead)}</p>\n{paragraphs}", canonical=base + by_path,
            **common,  # type: ignore[arg-type]
        )
    if fraction(article, "canonical") >= P_NO_CANONICAL:
        canonical = info_base + article.path if article.era == "drupal" else base + article.path + "/"
    body = site.body(article)
    if role == "pro" and partner is not None:
        body = _cross_host(site, body, partner)
    blocks = "\n".join(markup.block_html(b, article) for b in body.blocks if b.kind != "lead")
    return weekly.View(
        lang="en", title_html=esc(article.title_source, article.style), title_attr=attr(article.title_source),
        period=week(*article.period) if article.period else "", trend_name=article.section.name,
        trend_href=article.section.listing,
        content_html=f"<p>{esc(article.lead_source, article.style)}</p>\n{blocks}",
        canonical=canonical, author=article.author, **common,  # type: ignore[arg-type]
    )


def _cross_host(site: ReplicaSite, body: Body, info_base: str) -> Body:
    """``body`` as a .pro page shows it: links to Drupal-era articles (which .pro does not serve)
    point to the .info host. [guess: the real pages' links are unknown]"""

    def moved(run: Inline) -> Inline:
        target = site.article(run.href) if run.kind == "link" or run.href else None
        if target is None or target.era != "drupal":
            return run
        return dataclasses.replace(run, href=info_base + run.href)

    blocks = tuple(
        dataclasses.replace(block, inlines=tuple(moved(run) for run in block.inlines))
        if block.inlines else block
        for block in body.blocks
    )
    return Body(blocks)


def _weekly(site: ReplicaSite, article: Article, base: str, role: str, lang: weekly.Lang) -> Reply:
    view = weekly_view(site, article, base, role, lang)
    chrome = site.be_chrome if lang == "be" else site.weekly_chrome
    unknown = article.unknown and lang == "en"
    page = weekly.unknown_article_page(view, chrome) if unknown else weekly.article_page(view, chrome)
    from archiver.replica.generator import weekly_key

    if lang == "en" and article.era == "weekly":
        etag = site.etag(article)
    else:  # a re-published article's weekly page, a /by/ twin: not the canonical page's tag
        etag = strong_etag(weekly_key(article, lang).encode("utf-8"))
    modified = article.last_modified if lang == "en" else article.published
    return Reply(200, HTML, page.encode("utf-8"), etag, modified)


def _entries(site: ReplicaSite, articles: list[Article], base: str) -> list[weekly.Entry]:
    partner = site.partner(base)
    out = []
    for article in articles:
        title = esc(article.title_source, article.style)
        if fraction(article, "cut") < P_CUT_TITLE and len(article.title) > CUT_AT:
            title = esc(article.title[:CUT_AT].rstrip())
        shown = week(*article.period, year=False) if article.period else ""
        out.append(weekly.Entry(link_variant(article, partner), title, shown))
    return out


def _weekly_home(site: ReplicaSite, base: str, heading: str, count: int) -> Reply:
    trends = [(c.listing, c.name) for c in site.categories]
    latest = [a for a in site.articles if a.era == "weekly"][:count]
    return _ok(HTML, weekly.index_page(heading, trends, _entries(site, latest, base), site.weekly_chrome))


def _trend_listing(
    site: ReplicaSite, path: str, raw_query: str, query: dict[str, list[str]], base: str
) -> Reply:
    match = _LISTING.fullmatch(path)
    trend = site.trend(match.group(1)) if match else None
    if match is None or trend is None:
        return not_found(site, path, site.role(base))
    if not match.group(3):  # no trailing slash: WordPress adds it
        return redirect(base + path + "/" + (f"?{raw_query}" if raw_query else ""))
    raw = match.group(2) or query.get("paged", ["1"])[-1]
    entries = site.in_trend(trend.key)
    pages = max(1, -(-len(entries) // weekly.PAGE_SIZE))
    if not raw.isdigit() or not 1 <= int(raw) <= pages:
        return not_found(site, path, site.role(base))
    page = int(raw)

    def href(n: int) -> str:
        if n == 1:
            return trend.listing
        return f"{trend.listing}page/{n}/" if trend.paging == "page" else f"{trend.listing}?paged={n}"

    numbers = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    shown = entries[(page - 1) * weekly.PAGE_SIZE : page * weekly.PAGE_SIZE]
    html = weekly.listing_page(
        trend.name, _entries(site, shown, base), [(n, href(n)) for n in numbers], page,
        href(page + 1) if page < pages else None, site.weekly_chrome,
    )
    return _ok(HTML, html)


def _drupal_listing(
    site: ReplicaSite,
    heading: str | None,
    entries: list[Article],
    query: dict[str, list[str]],
    base_path: str,
) -> Reply:
    raw = query.get("page", ["0"])[0]
    pages = max(1, -(-len(entries) // markup.PAGE_SIZE))
    if not raw.isdigit() or int(raw) >= pages:
        return not_found(site, base_path, "info")
    page = int(raw)
    shown = entries[page * markup.PAGE_SIZE : (page + 1) * markup.PAGE_SIZE]
    html = markup.listing_page(
        heading, shown, page=page, pages=pages, base_path=base_path, chrome=site.chrome
    )
    return _ok(HTML, html)


def _feed(site: ReplicaSite) -> list[Article]:
    return [a for a in site.articles if a.era == "weekly"][: feeds.FEED_SIZE]


def _sitemaps(site: ReplicaSite, base: str, info: bool) -> list[tuple[str, list[feeds.Url]]]:
    """(urlset name, [(absolute URL, lastmod datetime or None)]) of the host's sitemaps."""
    size = site.sitemap_size
    posts: list[feeds.Url] = []
    for article in sorted(site.weekly_articles, key=lambda a: a.nid):
        lastmod = None if article.defect == "no-date" else article.last_modified
        posts.append((base + article.page_path + "/", lastmod))
        if article.by_path:
            posts.append((base + article.by_path + "/", article.published))
    sets = [(f"post-{i // size + 1}", posts[i : i + size]) for i in range(0, max(len(posts), 1), size)]
    if info:
        archive: list[feeds.Url] = [
            (base + a.path, None if a.defect == "no-date" else a.last_modified)
            for a in sorted(site.drupal_articles, key=lambda a: a.nid)
        ]
        sets += [(f"archive-{i // size + 1}", archive[i : i + size]) for i in range(0, len(archive), size)]
    return sets


def _urlset(site: ReplicaSite, base: str, info: bool, kind: str, number: int) -> Reply:
    for name, urls in _sitemaps(site, base, info):
        if name == f"{kind}-{number}":
            return _ok(XML, feeds.urlset(urls))
    return not_found(site, f"/wp-sitemap-posts-{kind}-{number}.xml", "info" if info else "pro")
