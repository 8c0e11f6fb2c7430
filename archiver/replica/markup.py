
"""HTML of every page type of the replica: our guess at the site's Drupal 7 theme.

Class names and structure are documented, guess by guess, in docs/replica.md. Every function
returns a complete ``str`` document; text is escaped here and nowhere else.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Final
from urllib.parse import quote

from archiver.replica.content import Article, Block, Body, Category, EntityStyle, Inline
from archiver.replica.wordbank import NBSP

SITE_NAME: Final = "Belarus in Focus"
PAGE_SIZE: Final = 10
"""Entries per listing page (Drupal's default for a front-page view)."""

_ENCODED: Final = "’‘“”–—©\u00ad\u200b\u200d"
"""Characters an entity style writes as references (NBSP is always ``&nbsp;``)."""
_NAMES: Final = {
    "’": "rsquo", "‘": "lsquo", "“": "ldquo", "”": "rdquo", "–": "ndash", "—": "mdash",
    "©": "copy", "\u00ad": "shy", "\u200d": "zwj",
}  # fmt: skip
_ENTITIES: Final[dict[str, dict[int, str]]] = {
    "numeric": {ord(c): f"&#{ord(c)};" for c in _ENCODED} | {ord(NBSP): "&nbsp;"},
    "hex": {ord(c): f"&#x{ord(c):x};" for c in _ENCODED} | {ord(NBSP): "&nbsp;"},
    "named": {ord(c): f"&{_NAMES[c]};" if c in _NAMES else f"&#{ord(c)};" for c in _ENCODED}
    | {ord(NBSP): "&nbsp;"},
    "literal": {},
}

HEAD_NOISE: Final = (
    "<script>/* analytics */ var _gaq = _gaq || []; _gaq.push(['_setAccount', 'UA-0000000-1']);"
    ' _gaq.push([\'_trackPageview\']); if (window.adsbygoogle) { document.write("<p>not article</p>"); }'
    "</script>\n<style>.status-green{background:#3a3}.status-red{background:#c33}"
    " .x{color:red}</style>"
)
BODY_SCRIPT: Final = (
    '<script type="text/javascript">var addthis_config = {"data_track_clickback": true};'
    ' document.write("<div class=\\"ad\\">Advertisement<\\/div>");</script>'
)
BODY_STYLE: Final = (
    '<style type="text/css">.field-name-body p { margin: 0 0 1em; }'
    ' .read-more:before { content: "Read more"; }</style>'
)
BODY_NOSCRIPT: Final = (
    '<noscript><p>Please enable JavaScript to see the interactive chart.</p>'
    '<img src="/sites/default/files/chart.png" alt="Chart"></noscript>'
)


COLOURS: Final = {"better": "green", "worse": "red"}
"""How a Drupal page shows a status: an icon's colour. [evidence: green/red on the about page]"""


def esc(text: str, style: EntityStyle = "numeric") -> str:
    """Text for an HTML text node; typographic characters encoded in ``style``."""
    return html.escape(text).translate(_ENTITIES[style])


def attr(text: str) -> str:
    """Text for a double-quoted attribute value."""
    return html.escape(text.replace(NBSP, " "), quote=True)


@dataclass(frozen=True, slots=True)
class Chrome:
    """What every page shows around its content: the menu, the sidebar, the footer year."""

    categories: Sequence[Category]
    recent: Sequence[Article]
    year: int
    weekly: Sequence[tuple[str, str]] = ()
    """Links (href, text) to the weekly era: the trend listings and the latest weekly items."""


# --- page skeleton -------------------------------------------------------------------------
def document(title_html: str, body_class: str, main: str, chrome: Chrome, head: str = "") -> str:
    """A full page: head, header with the menu, ``main``, the sidebar and the footer."""
    menu = "".join(f'<li><a href="{c.path}">{esc(c.name)}</a></li>' for c in chrome.categories)
    trends = "".join(
        f'<li><a href="{a.path}">{esc(a.title_source, a.style)}</a></li>' for a in chrome.recent
    )
    weekly = ""
    if chrome.weekly:
        links = "".join(f'<li><a href="{attr(href)}">{esc(text)}</a></li>' for href, text in chrome.weekly)
        weekly = f'<div class="weekly-monitoring"><h2>Weekly monitoring</h2><ul>{links}</ul></div>\n'
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<title>{title_html} | {SITE_NAME}</title>
{head}<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="/feed/">
{HEAD_NOISE}
</head>
<body class="{body_class}">
<!-- header -->
<div id="header"><a href="/" class="logo">{SITE_NAME}</a>
<ul class="menu">{menu}<li><a href="/about-monitoring">About monitoring</a></li></ul>
</div>
{weekly}
<!-- /header -->
<div id="main">
{main}
</div>
<div id="sidebar"><div class="block block-recent-trends"><h2>Recent trends</h2><ul>{trends}</ul></div>
<div class="block block-newsletter"><h2>Newsletter</h2><form action="/subscribe" method="post">\
<input type="email" name="mail" placeholder="E-mail"><button type="submit">Subscribe</button></form></div>
</div>
<!-- footer --><div id="footer"><p>© 2011–{chrome.year} {SITE_NAME}</p>
<p>Analytics of political and economic developments in Belarus. \
<a href="/about-monitoring">About monitoring</a> · <a href="/feed/">RSS</a></p></div>
</body>
</html>
"""


# --- article pages -------------------------------------------------------------------------
def article_page(
    article: Article, body: Body, similar: Sequence[Article], chrome: Chrome, base_url: str
) -> str:
    """An article page (see docs/replica.md for its anatomy)."""
    url = base_url + article.path
    head = f'<link rel="canonical" href="{attr(url)}">\n'
    return document(
        esc(article.title_source, article.style), "html not-front node-type-article",
        article_main(article, body, similar, base_url), chrome, head,
    )


def article_main(article: Article, body: Body, similar: Sequence[Article], base_url: str) -> str:
    """The article's own content (``div#main``): breadcrumb, the node, its similar articles; not
    the page's head, menu, sidebar or footer. Its ETag is a hash of this (with ``base_url`` "")."""
    style = article.style
    url = base_url + article.path
    status = '<span class="status-icon"></span>'
    if article.trend_status in COLOURS:
        colour = COLOURS[article.trend_status]
        status = f'<span class="status-icon status-{colour}" title="Trend status"></span>'
        if article.trend_status == "better" and article.nid % 2 == 0:
            status += '<ul class="status-note"><li>- (The situation has improved)</li></ul>'
    byline = ""
    if article.author:
        byline = f'<div class="field-name-field-author">By {esc(article.author)}</div>\n'
    image = ""
    if article.image_path and article.credit_line:
        image = (
            f'<div class="field-name-field-image"><img src="{article.image_path}"'
            f' alt="{attr(article.title_source)}" width="600" height="400">'
            f'<div class="image-credit">{esc(article.credit_line, style)}</div></div>\n'
        )
    share = (
        '<div class="share-buttons"><span>Share:</span> '
        f'<a href="https://www.facebook.com/sharer/sharer.php?u={quote(url, safe="")}">Facebook</a> '
        f'<a href="https://twitter.com/share?url={quote(url, safe="")}&amp;text='
        f'{quote(article.title, safe="")}">Twitter</a></div>'
    )
    blocks = "\n".join(block_html(b, article) for b in body.blocks)
    return f"""<div class="breadcrumb"><a href="/">Home</a> » \
<a href="{article.section.path}">{esc(article.category)}</a></div>
<div class="node node-article">
<h1 class="title">{esc(article.title_source, style)}</h1>
<div class="field field-name-field-category-status"><span class="field-label">Category status:</span> \
{status}</div>
{submitted(article)}{image}{byline}<div class="field-name-field-lead">\
<p>{esc(article.lead_source, style)}</p></div>
<div class="field-name-body">
{blocks}
{share}
</div>
</div>
<div class="similar-articles"><h2>Similar articles</h2>
{"".join(similar_item(other) for other in similar)}</div>"""


def submitted(article: Article) -> str:
    """The article's timestamp line; nothing for an article whose date is not shown (a defect)."""
    if article.defect == "no-date":
        return ""
    return f'<div class="submitted">{date_span(article)}</div>\n'


def date_span(article: Article) -> str:
    """The timestamp as shown (``November 07, 2016 10:41``); nothing for an undated article."""
    if article.defect == "no-date":
        return ""
    return f'<span class="date-display-single">{article.published_raw}</span>'


def similar_item(article: Article) -> str:
    """One entry of the "Similar articles" block."""
    credit = (
        f'<div class="image-credit">{esc(article.credit_line, article.style)}</div>'
        if article.credit_line
        else ""
    )
    return (
        f'<div class="similar-item"><h3><a href="{article.path}">'
        f"{esc(article.title_source, article.style)}</a></h3>"
        f"{date_span(article)}{credit}"
        f'<div class="teaser"><p>{esc(article.lead_source, article.style)}</p></div></div>\n'
    )


def block_html(block: Block, article: Article) -> str:  # noqa: PLR0911 (one case per kind)
    """One body block as HTML."""
    style = article.style
    match block.kind:
        case "p":
            return f"<p>{inlines_html(block.inlines, style)}</p>"
        case "quote":
            return f"<blockquote><p>{inlines_html(block.inlines, style)}</p></blockquote>"
        case "h2" | "h3":
            return f"<{block.kind}>{esc(block.items[0], style)}</{block.kind}>"
        case "ul" | "ol":
            items = "\n".join(f"<li>{esc(item, style)}</li>" for item in block.items)
            return f"<{block.kind}>\n{items}\n</{block.kind}>"
        case "lead":
            return f"<p>{esc(article.lead_source, style)}</p>"
        case "comment":
            return f"<!--{block.items[0] if block.items else ' pagebreak '}-->"
        case "script":
            return BODY_SCRIPT
        case "style":
            return BODY_STYLE
        case "noscript":
            return BODY_NOSCRIPT
        case "empty":
            return f"<p>{esc(NBSP, style) if style != 'literal' else NBSP}</p>"
        case "read-more":
            links = "".join(
                f'<li><a href="{attr(run.href)}">{esc(run.text, style)}</a></li>' for run in block.inlines
            )
            return f'<div class="read-more"><h4>Read more</h4><ul>{links}</ul></div>'
    raise ValueError(f"unknown block kind {block.kind!r}")


def inlines_html(runs: Sequence[Inline], style: EntityStyle) -> str:
    """The runs of a paragraph as HTML."""
    out = []
    for run in runs:
        match run.kind:
            case "text":
                out.append(esc(run.text, style))
            case "em" | "strong":
                out.append(f"<{run.kind}>{esc(run.text, style)}</{run.kind}>")
            case "link":
                out.append(f'<a href="{attr(run.href)}">{esc(run.text, style)}</a>')
            case "br":
                out.append("<br />\n")
    return "".join(out)


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
    """A listing (front page or category), newest first, with a Drupal-style pager."""
    rows = "\n".join(listing_row(a, i, len(entries)) for i, a in enumerate(entries))
    title = esc(heading) if heading else "Home"
    h1 = f'<h1 class="title">{esc(heading)}</h1>\n' if heading else ""
    main = (
        f'{h1}<div class="view view-frontpage"><div class="view-content">\n{rows}\n</div>\n'
        f"{pager(page, pages, base_path)}</div>"
    )
    body_class = "html not-front page-taxonomy" if heading else "html front"
    return document(title, body_class, main, chrome)


def listing_row(article: Article, i: int, count: int) -> str:
    """One ``views-row`` of a listing."""
    classes = f"views-row views-row-{i + 1} views-row-{'odd' if i % 2 == 0 else 'even'}"
    classes += " views-row-first" if i == 0 else ""
    classes += " views-row-last" if i == count - 1 else ""
    return (
        f'<div class="{classes}"><h2 class="node-title"><a href="{article.drupal_path}">'
        f"{esc(article.title_source, article.style)}</a></h2>{date_span(article)}"
        f'<div class="teaser"><p>{esc(article.lead_source, article.style)}</p></div></div>'
    )


def pager(page: int, pages: int, base_path: str) -> str:
    """Drupal 7's pager (``?page=N``, 0-based); nothing when there is a single page."""
    if pages <= 1:
        return ""

    def href(n: int) -> str:
        return base_path if n == 0 else f"{base_path}?page={n}"

    def item(css: str, tip: str, n: int, label: str) -> str:
        return f'<li class="{css}"><a title="Go to {tip} page" href="{href(n)}">{label}</a></li>'

    items = []
    if page > 0:
        items += [item("pager-first first", "first", 0, "« first"),
                  item("pager-previous", "previous", page - 1, "‹ previous")]
    items.append(f'<li class="pager-current">{page + 1} of {pages}</li>')
    if page < pages - 1:
        items += [item("pager-next", "next", page + 1, "next ›"),
                  item("pager-last last", "last", pages - 1, "last »")]
    return f'<h2 class="element-invisible">Pages</h2><ul class="pager">{"".join(items)}</ul>\n'


# --- other pages -----------------------------------------------------------------------------
ABOUT_PARAGRAPHS: Final = (
    (
        "Belarus in Focus monitors the political and economic situation in Belarus. Every week"
        " our analysts review the main events in Minsk and assess the trends in society and"
        " politics, the economy and international relations."
    ),
    (
        "Each analysis carries a category status: green when the trend is positive, red when it"
        " is negative. The status reflects the analysts’ assessment of the week, not a forecast."
    ),
    (
        "The monitoring is prepared by an independent team of experts. The opinions expressed"
        " are those of the authors."
    ),
)


def about_page(chrome: Chrome) -> str:
    """``/about-monitoring``: a static page, not an article."""
    paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in ABOUT_PARAGRAPHS)
    main = (
        '<div class="node node-page"><h1 class="title">About monitoring</h1>\n'
        f'<div class="field-name-body">\n{paragraphs}\n</div></div>'
    )
    return document("About monitoring", "html not-front node-type-page", main, chrome)


def error_page(status: int, chrome: Chrome) -> str:
    """The page of a server error (a path made to fail: ``ReplicaSite.fail``)."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    main = (
        f'<h1 class="title">{esc(phrase)}</h1>\n'
        "<p>The website encountered an unexpected error. Please try again later.</p>"
    )
    return document(esc(phrase), "html not-front page-error", main, chrome)


def not_found_page(path: str, chrome: Chrome) -> str:
    """Drupal's "Page not found" page."""
    main = (
        '<h1 class="title">Page not found</h1>\n'
        f"<p>The requested page &quot;{esc(path)}&quot; could not be found.</p>"
    )
    return document("Page not found", "html not-front page-404", main, chrome)
