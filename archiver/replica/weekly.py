"""HTML of the weekly-monitoring era (WordPress-like, ~2022 on): article pages in the template the
page object knows (``wp-weekly-2022``, the markup of /work/wt/CONTRACT.md) and in a div-soup
template it has never seen (same text in the same order, none of the class names), trend
listings, the ``/analytics/`` index, the weekly home page (.pro), and error pages.

The order of the parts of a page is [evidence] (../shared/site/README.md); every tag and class
is [guess]. Text is escaped here (``markup.esc``/``markup.attr``) and nowhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Final, Literal

from archiver.replica.markup import SITE_NAME, attr, esc

GENERATOR: Final = "WordPress 6.4.3"
PAGE_SIZE: Final = 15
"""Entries per trend listing page. [guess: the copies show 14-18+ a page]"""

Lang = Literal["en", "be"]

STATUS_TEXT: Final[dict[Lang, dict[str, str]]] = {
    "en": {
        "better": "The situation has gotten better",  # [evidence]
        "worse": "The situation got worse",  # [evidence]
        "unchanged": "The situation has not changed",  # [evidence]
    },
    "be": {
        "better": "Сітуацыя палепшылася",  # [guess]
        "worse": "Сітуацыя пагоршылася",  # [evidence]
        "unchanged": "Сітуацыя не змянілася",  # [guess]
    },
}
"""The status sentence under the title, per chrome language."""
RU_STATUS_TEXT: Final = {
    "better": "Ситуация улучшилась", "worse": "Ситуация ухудшилась", "unchanged": "Ситуация не изменилась",
}
"""Russian wordings [guess]; the replica's ``/by/`` pages use the Belarusian chrome."""

_WORDS: Final[dict[Lang, dict[str, str]]] = {
    "en": {
        "all": "All trends", "next": "Next", "prev": "Previous", "situation": "Situation in Belarus",
        "view_all": "View all", "subscribe_to_us": "Subscribe to us", "read_more": "Read more",
        "subscribed": "You have been successfully subscribed",
        "newsletter": "Subscribe to our newsletter",
        "blurb": "Once a week, in coordination with a group of prominent Belarusian analysts, we"
                 " prepare a review of the main trends. The newsletter is available in Belarusian,"
                 " Russian, and English.",
        "subscribe": "Subscribe", "by": "by", "not_found": "Page not found",
        "latest": "Latest analytics",
    },
    "be": {
        "all": "Усе трэнды", "next": "Наступная", "prev": "Папярэдняя",
        "situation": "Сітуацыя ў Беларусі", "view_all": "Глядзець усе",
        "subscribe_to_us": "Падпісвайцеся на нас", "read_more": "Чытаць далей",
        "subscribed": "Вы паспяхова падпісаліся", "newsletter": "Падпішыцеся на нашу рассылку",
        "blurb": "Раз на тыдзень разам з групай вядомых беларускіх аналітыкаў мы рыхтуем агляд"
                 " галоўных трэндаў. Рассылка даступная па-беларуску, па-руску і па-англійску.",
        "subscribe": "Падпісацца", "by": "by", "not_found": "Старонка не знойдзена",
        "latest": "Апошняя аналітыка",
    },
}


@dataclass(frozen=True, slots=True)
class Chrome:
    """What every weekly page shows around its content: the trends menu (href, name), the home
    link, the sidebar's week (no year) and the href of its "View all"."""

    trends: Sequence[tuple[str, str]]
    week: str
    view_all: str
    home: str = "/"


@dataclass(frozen=True, slots=True)
class View:
    """One weekly article page, every text already escaped (``*_html``) or plain (attributes)."""

    lang: Lang
    title_html: str
    title_attr: str
    period: str
    trend_name: str
    trend_href: str
    status: str | None
    content_html: str
    canonical: str | None = None
    alternates: tuple[tuple[str, str], ...] = ()
    switch_en: str | None = None
    switch_be: str | None = None
    image_src: str | None = None
    og_image: str | None = None
    caption_html: str | None = None
    author: str | None = None


def _head(title_html: str, lang: Lang, extra: str = "") -> str:
    html_lang = "en-US" if lang == "en" else "be"
    return f"""<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">
<meta name="generator" content="{GENERATOR}">
<title>{title_html} – {SITE_NAME}</title>
{extra}<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="/feed/">
<script>window.wpEmojiSettings = {{"source": "/wp-includes/js/wp-emoji.js"}};</script>
<style>.analytics-status--better{{color:#2a2}}.analytics-status--worse{{color:#c22}}</style>
</head>"""


def _header(chrome: Chrome, lang: Lang, switch: tuple[str | None, str | None]) -> str:
    menu = "".join(f'<a href="{attr(href)}">{esc(name)}</a>' for href, name in chrome.trends)
    en, be = switch
    en_link = f'<a hreflang="en" href="{attr(en)}">EN</a>' if en else "<span>EN</span>"
    be_link = f'<a hreflang="be" href="{attr(be)}">BE/RU</a>' if be else "<span>BE/RU</span>"
    return (
        f'<header class="site-header"><a class="logo" href="{attr(chrome.home)}">{SITE_NAME}</a>\n'
        f' <nav class="trends-menu">{menu}</nav>\n'
        f' <div class="lang-switch">{en_link} {be_link}</div></header>'
    )


def _boilerplate(chrome: Chrome, lang: Lang) -> tuple[str, str]:
    """(the newsletter section, the sidebar)."""
    w = _WORDS[lang]
    subscribe = (
        f'<section class="subscribe-block"><p>{w["subscribed"]}</p><h3>{w["newsletter"]}</h3>'
        f'<p>{w["blurb"]}</p><span>EN</span> <span>BE/RU</span><button>{w["subscribe"]}</button></section>'
    )
    sidebar = (
        f'<aside class="sidebar"><h2>{w["situation"]}</h2><span>{esc(chrome.week)}</span>'
        f'<a href="{attr(chrome.view_all)}">{w["view_all"]}</a><h3>{w["subscribe_to_us"]}</h3>'
        f'<a href="/feed/">{w["read_more"]}</a></aside>'
    )
    return subscribe, sidebar


def article_page(view: View, chrome: Chrome) -> str:
    """A weekly article page in the known template (``wp-weekly-2022``)."""
    head = ""
    if view.canonical:
        head += f'<link rel="canonical" href="{attr(view.canonical)}">\n'
    head += "".join(
        f'<link rel="alternate" hreflang="{lang}" href="{attr(url)}">' for lang, url in view.alternates
    )
    head += "\n" if view.alternates else ""
    head += f'<meta property="og:title" content="{view.title_attr}">'
    if view.og_image:
        head += f'<meta property="og:image" content="{attr(view.og_image)}">'
    head += "\n"
    status = ""
    if view.status:
        text = STATUS_TEXT[view.lang][view.status]
        status = f'<div class="analytics-status analytics-status--{view.status}">{text}</div>\n'
    figure = ""
    if view.image_src:
        caption = f"<figcaption>{view.caption_html}</figcaption>" if view.caption_html else ""
        figure = (
            f' <figure class="analytics-image"><img src="{attr(view.image_src)}" alt="{view.title_attr}">'
            f'<div class="analytics-image__title">{view.title_html}</div>\n  {caption}</figure>\n'
        )
    author = f' <div class="analytics-author">By {esc(view.author)}</div>\n' if view.author else ""
    subscribe, sidebar = _boilerplate(chrome, view.lang)
    period = f'\n  <span class="analytics-period">{esc(view.period)}</span>' if view.period else ""
    body_class = "post-template-default single single-post"
    return f"""{_head(view.title_html, view.lang, head)}<body class="{body_class}">
{_header(chrome, view.lang, (view.switch_en, view.switch_be))}
<main id="main" class="site-main"><article class="post type-post single-analytics">
 <div class="analytics-meta"><span class="analytics-by">by</span>{period}</div>
 <a class="analytics-trend" href="{attr(view.trend_href)}">{esc(view.trend_name)}</a>
 <h1 class="entry-title">{view.title_html}</h1>
 {status}{figure}{author} <div class="entry-content">{view.content_html}</div>
</article>
{subscribe}
</main>
{sidebar}
</body></html>
"""


def unknown_article_page(view: View, chrome: Chrome) -> str:
    """The same article in a markup the page object has never seen: nested divs, no class name of
    the known template, no canonical or hreflang link, the same text in the same order."""
    status = f"<div><b>{STATUS_TEXT[view.lang][view.status]}</b></div>\n" if view.status else ""
    figure = ""
    if view.image_src:
        caption = f"<div><small>{view.caption_html}</small></div>" if view.caption_html else ""
        figure = (
            f'<div><div><img src="{attr(view.image_src)}" alt="{view.title_attr}"></div>'
            f"<div>{view.title_html}</div>{caption}</div>\n"
        )
    author = f"<div><i>By {esc(view.author)}</i></div>\n" if view.author else ""
    w = _WORDS[view.lang]
    menu = " ".join(f'<a href="{attr(href)}">{esc(name)}</a>' for href, name in chrome.trends)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{view.title_html} – {SITE_NAME}</title></head>
<body><div id="page"><div><a href="{attr(chrome.home)}">{SITE_NAME}</a> <div>{menu}</div></div>
<div id="content"><div>
<div><span>by</span> <span>{esc(view.period)}</span></div>
<div><a href="{attr(view.trend_href)}">{esc(view.trend_name)}</a></div>
<div><h2>{view.title_html}</h2></div>
{status}{figure}{author}<div>{view.content_html}</div>
</div>
<div><p>{w["subscribed"]}</p><div>{w["newsletter"]}</div><p>{w["blurb"]}</p>\
<span>EN</span> <span>BE/RU</span> <button>{w["subscribe"]}</button></div>
</div>
<div><div>{w["situation"]}</div><span>{esc(chrome.week)}</span> \
<a href="{attr(chrome.view_all)}">{w["view_all"]}</a> <div>{w["subscribe_to_us"]}</div> \
<a href="/feed/">{w["read_more"]}</a></div>
</div></body></html>
"""


# --- listings --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Entry:
    """A listing entry: its link, its title as shown (escaped; maybe cut short), its week."""

    href: str
    title_html: str
    week: str


def listing_page(  # noqa: PLR0917 (a page's parts)
    heading: str, entries: Sequence[Entry], page_links: Sequence[tuple[int, str]], page: int,
    next_href: str | None, chrome: Chrome, lang: Lang = "en",
) -> str:
    """``/analytics/<trend>/``: the trend's name, "All trends", entries, then the pagination."""
    w = _WORDS[lang]
    rows = "\n".join(
        f'<article class="trend-entry"><a class="trend-entry__link" href="{attr(e.href)}">'
        f'<h3>{e.title_html}</h3></a><span class="trend-entry__period">{esc(e.week)}</span></article>'
        for e in entries
    )
    links = "".join(
        f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == page
        else f'<a class="page-numbers" href="{attr(href)}">{n}</a>'
        for n, href in page_links
    )
    if next_href:
        links += f'<a class="next page-numbers" href="{attr(next_href)}">{w["next"]}</a>'
    nav = f'<nav class="pagination">{links}</nav>' if len(page_links) > 1 else ""
    subscribe, sidebar = _boilerplate(chrome, lang)
    return f"""{_head(esc(heading), lang)}<body class="archive category">
{_header(chrome, lang, (None, None))}
<main id="main" class="site-main"><h1 class="trend-title">{esc(heading)}</h1>
<a href="/analytics/">{w["all"]}</a>
{rows}
{nav}
{subscribe}
</main>
{sidebar}
</body></html>
"""


def index_page(
    heading: str, links: Sequence[tuple[str, str]], entries: Sequence[Entry], chrome: Chrome
) -> str:
    """The weekly home page (``/`` on .pro) or ``/analytics/``: the trends, then the latest entries."""
    trends = "".join(f'<li><a href="{attr(href)}">{esc(name)}</a></li>' for href, name in links)
    rows = "\n".join(
        f'<article class="trend-entry"><a class="trend-entry__link" href="{attr(e.href)}">'
        f'<h3>{e.title_html}</h3></a><span class="trend-entry__period">{esc(e.week)}</span></article>'
        for e in entries
    )
    subscribe, sidebar = _boilerplate(chrome, "en")
    return f"""{_head(esc(heading), "en")}<body class="home blog">
{_header(chrome, "en", ("/", None))}
<main id="main" class="site-main"><h1 class="page-title">{esc(heading)}</h1>
<ul class="trends-list">{trends}</ul>
<h2>{_WORDS["en"]["latest"]}</h2>
{rows}
{subscribe}
</main>
{sidebar}
</body></html>
"""


def error_page(status: int, chrome: Chrome) -> str:
    """A weekly-era error page (404 "Page not found", or a failing path's status)."""
    try:
        phrase = "Page not found" if status == 404 else HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return f"""{_head(esc(phrase), "en")}<body class="error404">
{_header(chrome, "en", (None, None))}
<main id="main" class="site-main"><h1 class="page-title">{esc(phrase)}</h1>
<p>It looks like nothing was found at this location.</p></main>
</body></html>
"""
