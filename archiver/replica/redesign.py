
"""HTML of the replica's second template: our guess at a 2025 redesign of the site.

A WordPress-like block theme (see docs/replica.md, "Redesign (second template)"): ``<article
class="post">``, ``<header class="post-header">`` with ``<h1 class="entry-title">``, the date in
``<time class="published" datetime>``, the category a ``rel="category tag"`` link, the image in a
``<figure>`` with the credit in its ``<figcaption>``, the body in ``<div class="post-content">``,
the similar articles in ``<aside class="related-posts">``; structured metadata in the head (a
JSON-LD ``NewsArticle`` in a ``@graph``, Open Graph, ``article:*`` meta tags). Listings are
``<article class="post-card">`` rows and a ``<nav class="pagination">`` pager.

None of the class names of the first template (markup.py) appears here. The text shown is the
same as there (the title, date, credit and lead as typed, in the article's entity style; the same
body blocks), so the ground truth does not depend on the template. Every function returns a
complete ``str`` document; text is escaped with ``markup.esc``/``markup.attr``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time
from http import HTTPStatus
from typing import Any, Final, Literal
from urllib.parse import quote

from archiver.replica.content import Article, Block, Body
from archiver.replica.markup import ABOUT_PARAGRAPHS, SITE_NAME, Chrome, attr, block_html, esc
from archiver.replica.schedule import MINSK, MONTHS, iso_local

GENERATOR: Final = "WordPress 6.7.2"
"""The ``<meta name="generator">`` of every page of the new template (a natural marker)."""
UPLOADS: Final = "/wp-content/uploads/2025/"
"""Where the new template's own assets live (the article images keep their old paths)."""
HEAD_NOISE: Final = (
    '<script id="wp-consent-js">window.dataLayer = window.dataLayer || [];'
    " function gtag(){dataLayer.push(arguments);} gtag('js', new Date());"
    ' if (window.__ads) { document.write("<p>not article</p>"); }</script>\n'
    '<style id="global-styles-inline-css">:root{--wp--preset--color--accent:#b3262d}'
    " .trend-badge.is-green{background:#2e7d32} .trend-badge.is-red{background:#b3262d}</style>"
)
BODY_STYLE: Final = (
    "<style>.post-content p { margin-block: 0 1.25em; }"
    ' .read-more-box::before { content: "Read more"; }</style>'
)
BODY_NOSCRIPT: Final = (
    "<noscript><p>Please enable JavaScript to see the interactive chart.</p>"
    f'<img src="{UPLOADS}chart.png" alt="Chart"></noscript>'
)


# --- page skeleton -------------------------------------------------------------------------
def document(title_html: str, body_class: str, main: str, chrome: Chrome, head: str = "") -> str:
    """A full page of the new template: head, site header with the navigation, ``main``, the
    widget sidebar and the site footer."""
    menu = "".join(
        f'<li class="menu-item"><a href="{c.path}">{esc(c.name)}</a></li>' for c in chrome.categories
    )
    trends = "".join(
        f'<li><a href="{a.path}">{esc(a.title_source, a.style)}</a></li>' for a in chrome.recent
    )
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title_html} – {SITE_NAME}</title>
<meta name="generator" content="{GENERATOR}">
{head}<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} » Feed" href="/feed/">
{HEAD_NOISE}
</head>
<body class="{body_class}">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header class="site-header" role="banner">
<div class="site-branding"><a href="/" rel="home" class="site-logo">{SITE_NAME}</a></div>
<nav class="main-navigation" aria-label="Primary"><ul id="primary-menu" class="nav-menu">{menu}\
<li class="menu-item"><a href="/about-monitoring">About monitoring</a></li></ul></nav>
</header>
<div class="site-content">
<main id="content" class="site-main">
{main}
</main>
<aside id="secondary" class="widget-area" aria-label="Sidebar">
<section class="widget widget-latest-posts"><h2 class="widget-title">Recent trends</h2>\
<ul>{trends}</ul></section>
<section class="widget widget-newsletter"><h2 class="widget-title">Newsletter</h2>\
<form class="newsletter-form" action="/subscribe" method="post"><label>E-mail \
<input type="email" name="email" required></label><button type="submit">Sign up</button></form></section>
</aside>
</div>
<footer class="site-footer"><div class="site-info"><p>© 2011–{chrome.year} {SITE_NAME}. \
Analytics of political and economic developments in Belarus.</p>
<ul class="footer-links"><li><a href="/about-monitoring">About monitoring</a></li>\
<li><a href="/feed/">RSS</a></li></ul></div></footer>
</body>
</html>
"""


# --- article pages -------------------------------------------------------------------------
def article_page(
    article: Article, body: Body, similar: Sequence[Article], chrome: Chrome, base_url: str
) -> str:
    """An article page in the new template, with its structured metadata in the head."""
    body_class = (
        f"wp-singular post-template-default single single-post postid-{article.nid}"
        f" single-format-standard category-{article.section.slug}"
    )
    return document(
        esc(article.title_source, article.style), body_class,
        article_main(article, body, similar, base_url), chrome, head_meta(article, base_url),
    )


def head_meta(article: Article, base_url: str) -> str:
    """The canonical link, Open Graph and ``article:*`` meta tags, and the JSON-LD graph."""
    url = base_url + article.path
    tags = [
        f'<link rel="canonical" href="{attr(url)}">',
        '<meta property="og:locale" content="en_US">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{attr(article.title_source)}">',
        f'<meta property="og:description" content="{attr(article.lead_source)}">',
        f'<meta property="og:url" content="{attr(url)}">',
        f'<meta property="og:site_name" content="{SITE_NAME}">',
    ]
    if article.image_path:
        tags += [
            f'<meta property="og:image" content="{attr(base_url + article.image_path)}">',
            '<meta property="og:image:width" content="600">',
            '<meta property="og:image:height" content="400">',
        ]
    tags.append(f'<meta property="article:section" content="{attr(article.category)}">')
    if article.defect != "no-date":
        tags.append(f'<meta property="article:published_time" content="{article.published_local}">')
        if article.modified is not None:
            tags.append(
                f'<meta property="article:modified_time" content="{iso_local(article.modified)}">'
            )
    tags.append('<meta name="twitter:card" content="summary_large_image">')
    tags.append(f'<script type="application/ld+json">{json_ld(article, base_url)}</script>')
    return "\n".join(tags) + "\n"


def json_ld(article: Article, base_url: str) -> str:
    """A schema.org ``@graph`` (WebPage, NewsArticle, Organization) as JSON, non-ASCII written
    ``\\uXXXX`` (as PHP's json_encode does) and ``</`` as ``<\\/`` (safe inside ``<script>``).

    The NewsArticle's ``headline`` and ``description`` are the title and lead as typed (NBSP,
    invisible characters and decomposed accents included), ``datePublished`` the local time with
    its offset; ``articleBody`` is left out (real themes rarely carry it)."""
    url = base_url + article.path
    org = {"@id": f"{base_url}/#organization"}
    news: dict[str, Any] = {
        "@type": "NewsArticle",
        "@id": f"{url}#article",
        "isPartOf": {"@id": url},
        "mainEntityOfPage": {"@id": url},
        "headline": article.title_source,
        "description": article.lead_source,
        "articleSection": article.category,
        "inLanguage": "en-US",
        "author": {"@type": "Organization", "name": f"{SITE_NAME} analytical team", "url": f"{base_url}/"},
        "publisher": org,
    }
    if article.defect != "no-date":
        news["datePublished"] = article.published_local
        news["dateModified"] = iso_local(article.last_modified)
    if article.image_path:
        news["image"] = {
            "@type": "ImageObject",
            "url": base_url + article.image_path,
            "width": 600,
            "height": 400,
            "creditText": article.credit_line,
        }
    graph = [
        {"@type": "WebPage", "@id": url, "url": url, "name": article.title_source,
         "isPartOf": {"@id": f"{base_url}/#website"}, "inLanguage": "en-US"},
        news,
        {"@type": "Organization", "@id": org["@id"], "name": SITE_NAME, "url": f"{base_url}/"},
    ]
    return json.dumps({"@context": "https://schema.org", "@graph": graph}).replace("</", "<\\/")


def article_main(article: Article, body: Body, similar: Sequence[Article], base_url: str) -> str:
    """The article's own content (inside ``main``): the post and its related posts; not the head,
    navigation, sidebar or footer. Its ETag is a hash of this (with ``base_url`` "")."""
    style = article.style
    url = base_url + article.path
    badge = (
        f'<span class="trend-badge is-{article.trend_status}" title="Trend of the week"></span>'
        if article.trend_status
        else ""
    )
    figure = ""
    if article.image_path and article.credit_line:
        figure = (
            f'<figure class="post-thumbnail"><img src="{article.image_path}"'
            f' alt="{attr(article.title_source)}" width="600" height="400" loading="eager"'
            f' decoding="async"><figcaption>{esc(article.credit_line, style)}</figcaption></figure>\n'
        )
    blocks = "\n".join(_block(b, article) for b in body.blocks)
    share = (
        '<div class="share-links" aria-label="Share">'
        f'<a class="share-facebook" href="https://www.facebook.com/sharer/sharer.php?u={quote(url, safe="")}"'
        ' rel="nofollow noopener">Facebook</a> '
        f'<a class="share-x" href="https://x.com/intent/post?url={quote(url, safe="")}&amp;text='
        f'{quote(article.title, safe="")}" rel="nofollow noopener">X</a></div>'
    )
    related = "".join(_related_item(other) for other in similar)
    return f"""<article id="post-{article.nid}" class="post type-post format-standard \
category-{article.section.slug}{" has-post-thumbnail" if figure else ""}">
<header class="post-header">
<div class="post-meta"><a href="{article.section.path}" rel="category tag">{esc(article.category)}</a>\
{badge}{published(article)}</div>
<h1 class="entry-title">{esc(article.title_source, style)}</h1>
<p class="post-excerpt">{esc(article.lead_source, style)}</p>
</header>
{figure}<div class="post-content">
{blocks}
</div>
<footer class="post-footer">{share}</footer>
</article>
<aside class="related-posts" aria-labelledby="related-title"><h2 id="related-title">Related articles</h2>
<div class="related-posts__list">
{related}</div></aside>"""


def published(article: Article) -> str:
    """The date as shown, in a ``<time>``; nothing for an article whose date is not shown."""
    if article.defect == "no-date":
        return ""
    return (
        f' <time class="published" datetime="{article.published_local}">'
        f"{article.published_raw}</time>"
    )


def short_date(article: Article) -> str:
    """The date of a card (listing rows, related posts): ``7 November 2016``, no time."""
    local = article.published.astimezone(MINSK)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def _related_item(article: Article) -> str:
    """One card of the "Related articles" block: title, date, excerpt (no image credit)."""
    when = (
        ""
        if article.defect == "no-date"
        else f'<time datetime="{article.published_local}">{short_date(article)}</time>'
    )
    return (
        f'<div class="related-post"><h3 class="related-post__title"><a href="{article.path}">'
        f"{esc(article.title_source, article.style)}</a></h3>{when}"
        f'<p class="related-post__excerpt">{esc(article.lead_source, article.style)}</p></div>\n'
    )


def _block(block: Block, article: Article) -> str:
    """One body block: as in the first template, but for the blocks that name its classes."""
    match block.kind:
        case "style":
            return BODY_STYLE
        case "noscript":
            return BODY_NOSCRIPT
        case "read-more":
            links = "".join(
                f'<li><a href="{attr(run.href)}">{esc(run.text, article.style)}</a></li>'
                for run in block.inlines
            )
            return (
                '<aside class="read-more-box"><p class="read-more-box__label">Read more</p>'
                f"<ul>{links}</ul></aside>"
            )
    return block_html(block, article)


# --- listings --------------------------------------------------------------------------------
def listing_page(
    heading: str | None,
    entries: Sequence[Article],
    *,
    page: int,
    pages: int,
    base_path: str,
    chrome: Chrome,
) -> str:
    """A listing (front page or category) in the new template, newest first, with its pager."""
    cards = "\n".join(post_card(a) for a in entries)
    title = esc(heading) if heading else "Home"
    header = (
        f'<header class="archive-header"><h1 class="archive-title">{esc(heading)}</h1></header>\n'
        if heading
        else ""
    )
    main = f'{header}<div class="post-list">\n{cards}\n</div>\n{pagination(page, pages, base_path)}'
    body_class = "archive category wp-theme" if heading else "home blog wp-theme"
    return document(title, body_class, main, chrome)


def post_card(article: Article) -> str:
    """One row of a listing: an ``article.post-card``."""
    when = (
        ""
        if article.defect == "no-date"
        else f'<time class="published" datetime="{article.published_local}">{short_date(article)}</time>'
    )
    return (
        f'<article class="post-card"><div class="post-card__meta">'
        f'<a href="{article.section.path}" rel="category tag">{esc(article.category)}</a> {when}</div>'
        f'<h2 class="post-card__title"><a href="{article.path}">'
        f"{esc(article.title_source, article.style)}</a></h2>"
        f'<p class="post-card__excerpt">{esc(article.lead_source, article.style)}</p></article>'
    )


def pagination(page: int, pages: int, base_path: str) -> str:
    """WordPress's ``paginate_links`` style (``?page=N``, 0-based as before): newer/older links
    with ``rel``, the first and last page, the current page and two either side, ``…`` between;
    nothing when there is a single page."""
    if pages <= 1:
        return ""

    def href(n: int) -> str:
        return base_path if n == 0 else f"{base_path}?page={n}"

    items = []
    if page > 0:
        items.append(f'<a class="prev page-numbers" rel="prev" href="{href(page - 1)}">← Newer</a>')
    shown = sorted({0, pages - 1, *range(max(0, page - 2), min(pages, page + 3))})
    last = -1
    for n in shown:
        if n > last + 1:
            items.append('<span class="page-numbers dots">…</span>')
        if n == page:
            items.append(f'<span aria-current="page" class="page-numbers current">{n + 1}</span>')
        else:
            items.append(f'<a class="page-numbers" href="{href(n)}">{n + 1}</a>')
        last = n
    if page < pages - 1:
        items.append(f'<a class="next page-numbers" rel="next" href="{href(page + 1)}">Older →</a>')
    return f'<nav class="pagination" aria-label="Posts">{" ".join(items)}</nav>\n'


# --- other pages -----------------------------------------------------------------------------
def about_page(chrome: Chrome) -> str:
    """``/about-monitoring`` in the new template: a page, not a post."""
    paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in ABOUT_PARAGRAPHS)
    main = (
        '<article class="page type-page"><header class="page-header">'
        '<h1 class="page-title">About monitoring</h1></header>\n'
        f'<div class="page-content">\n{paragraphs}\n</div></article>'
    )
    return document("About monitoring", "page-template-default page wp-theme", main, chrome)


def error_page(status: int, chrome: Chrome) -> str:
    """The page of a server error (a path made to fail) in the new template."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    main = (
        f'<section class="error-page"><h1 class="page-title">{esc(phrase)}</h1>\n'
        "<p>Something went wrong on our side. Please try again in a few minutes.</p></section>"
    )
    return document(esc(phrase), "error wp-theme", main, chrome)


def not_found_page(path: str, chrome: Chrome) -> str:
    """The "Page not found" page of the new template."""
    main = (
        '<section class="error-404 not-found"><h1 class="page-title">Nothing found</h1>\n'
        f"<p>It looks like nothing was found at &quot;{esc(path)}&quot;. Try the search.</p></section>"
    )
    return document("Page not found", "error404 wp-theme", main, chrome)


# --- which pages are redesigned ----------------------------------------------------------------
Redesign = datetime | Literal["all"] | None
"""When the site switched to the new template: an aware moment, ``"all"`` (every page), or None
(never: the first template only)."""


def parse_redesign(value: date | datetime | str | None) -> Redesign:
    """``ReplicaSite(redesign_from=...)`` -> a ``Redesign``: a ``date`` is 00:00 Minsk time of that
    day, an aware ``datetime`` is itself, a string is ``"all"`` or an ISO 8601 date or aware time.
    ValueError for a naive datetime or an unreadable string."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.lower() == "all":
            return "all"
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"redesign_from must be 'all' or an ISO 8601 date, got {value!r}") from None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("redesign_from must be an aware datetime (or a date)")
        return value.astimezone(MINSK)
    return datetime.combine(value, time(0, 0), tzinfo=MINSK)


def redesigned(redesign: Redesign, moment: datetime) -> bool:
    """Whether something dated ``moment`` (an article's publication; the site's ``now`` for
    listings and other pages) is shown in the new template."""
    if redesign is None:
        return False
    return redesign == "all" or moment >= redesign

