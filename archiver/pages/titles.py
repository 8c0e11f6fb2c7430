"""A page's title from the agreement of its candidates, for pages no template knows.

The candidates: the ``<h1>`` headings of the article (then of the page), JSON-LD ``headline``,
``og:title``, ``twitter:title`` and ``<title>`` without the site-name suffix. A section label,
a navigation heading (``News``, ``Menu``, ``Navigation und Service``, ``Leggi anche:``) or the
site's name is never a title: a candidate counts only when another source agrees with it (most of
its words are in the other), or when nothing agrees at all (then the page's own metadata before
a heading). ``choose_title`` is total: junk gives None.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Final

from parsel import Selector

from archiver.normalise import collapse_ws

__all__ = ["NAV_LABELS", "choose_title", "strip_site_suffix", "title_candidates"]

NAV_LABELS: Final = frozenset({
    "news", "menu", "navigation", "navigation und service", "leggi anche", "read also", "read more",
    "related", "related articles", "home", "search", "skip to content", "main menu", "startseite",
    "nachrichten", "aktuelles", "notizie", "noticias", "actualités", "новости", "навіны", "inhalt",
    "contents", "latest news", "top stories", "more", "share", "comments", "kommentare", "article",
    "artikel", "blog", "sections", "section", "sport", "politik", "politics", "world", "business",
})  # fmt: skip
"""Headings that label a section or the navigation, casefolded without end punctuation."""
_SEPARATORS: Final = re.compile(r"\s+[|–—·•:»-]\s+|\s*\|\s*")
_WORD: Final = re.compile(r"\w+")
_CJK: Final = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_NOT_TITLE_BLOCK: Final = re.compile(
    r"related|teaser|sidebar|comment|\bnav|menu|footer|breadcrumb|widget|promo|newsletter|logo"
    r"|masthead|site-?title|branding",
    re.IGNORECASE,
)
AGREE: Final = 0.6
"""Share of a candidate's words found in another candidate for the two to agree."""


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _CJK.findall(folded) + _WORD.findall(_CJK.sub(" ", folded))


def _label(text: str) -> str:
    return collapse_ws(text).strip(" :.!?»«\"'–—-").casefold()


def strip_site_suffix(title: str, site_names: list[str]) -> str:
    """``title`` without a site name before or after a separator (``Headline | Site``)."""
    parts = [p for p in _SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    names = {_label(n) for n in site_names if n}
    kept = [p for p in parts if _label(p) not in names]
    if kept and len(kept) < len(parts):
        return collapse_ws(" - ".join(kept)) if len(kept) > 1 else kept[0].strip()
    # no known name: the last part is the site's name when it is short and the rest is longer
    head, last = " | ".join(parts[:-1]), parts[-1]
    if len(_words(last)) <= 4 and len(_words(head)) > len(_words(last)):
        sep = _SEPARATORS.search(title)
        return title[: title.rfind(last)].rstrip(" |–—·•:»-") if sep else head
    return title


def _site_names(sel: Selector) -> list[str]:
    names = [
        sel.css("meta[property='og:site_name']::attr(content)").get() or "",
        sel.css("meta[name='application-name']::attr(content)").get() or "",
        sel.css("meta[name='apple-mobile-web-app-title']::attr(content)").get() or "",
        "Belarus in Focus",
    ]
    for raw in sel.xpath("//script[@type='application/ld+json']/text()").getall()[:5]:
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        for obj in data if isinstance(data, list) else [data]:
            publisher = obj.get("publisher") if isinstance(obj, dict) else None
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                names.append(publisher["name"])
    return [n for n in names if n.strip()]


def _blocked(element: object) -> bool:
    node = element
    while node is not None:
        tag = getattr(node, "tag", "")
        if tag in ("nav", "footer", "aside"):
            return True
        get = getattr(node, "get", None)
        if get is not None and _NOT_TITLE_BLOCK.search(f"{get('class', '')} {get('id', '')}"):
            return True
        node = node.getparent()  # type: ignore[attr-defined]
    return False


def title_candidates(
    sel: Selector, node: Selector, headline: str | None
) -> list[tuple[str, str]]:
    """(source, text) title candidates of a page, in order of preference for agreement."""
    out: list[tuple[str, str]] = []
    names = _site_names(sel)
    seen_h1: set[str] = set()
    for scope in (node, sel):
        for h1 in scope.css("h1")[:4]:
            if _blocked(h1.root):
                continue
            # the text as shown: inline spans add no space (``LTE-Patent<span>:</span>``)
            joiner = " " if h1.css("br") else ""
            shown = h1.xpath(".//text()[not(ancestor::script or ancestor::style)]").getall()
            text = collapse_ws(joiner.join(shown))
            if text and text not in seen_h1:
                seen_h1.add(text)
                out.append(("markup", text))
    for source, value in (
        ("jsonld", headline),
        ("meta", sel.css("meta[property='og:title']::attr(content)").get()),
        ("meta", sel.css("meta[name='twitter:title']::attr(content)").get()),
        ("meta", sel.css("title::text").get()),
    ):
        if value and value.strip():
            out.append((source, strip_site_suffix(collapse_ws(value), names)))
    labels = {_label(n) for n in names}
    return [(s, t) for s, t in out if _label(t) and _label(t) not in NAV_LABELS and _label(t) not in labels]


def _agrees(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    sb = set(wb)
    return sum(w in sb for w in wa) / len(wa) >= AGREE and sum(w in set(wa) for w in wb) / len(wb) >= 0.3


def choose_title(candidates: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The first candidate another source agrees with; else the metadata's, else the first."""
    for i, (source, text) in enumerate(candidates):
        if any(_agrees(text, other) for j, (s2, other) in enumerate(candidates) if j != i and s2 != source):
            return source, text
        if source == "markup" and any(
            _agrees(text, other) for j, (_s, other) in enumerate(candidates) if j != i
        ):
            return source, text
    meta = [c for c in candidates if c[0] != "markup"]
    if meta:
        return meta[0]
    return candidates[0] if candidates else None
