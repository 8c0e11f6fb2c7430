"""Where another site's page names an image's credit, for pages no template knows.

``credit_candidates`` yields (source, raw text) pairs, best first: markup made for credits
(``.credit``, ``.caption__credit``, ``[itemprop=copyrightHolder]``, ``figcaption small``, ...)
inside the article's figures, then the JSON-LD image's ``creditText``/``copyrightHolder``/
``copyrightNotice``, then a figure caption that carries a credit (``archiver.normalise.
split_caption_credit`` finds one: a label, ``©``, an agency). A plain caption is never a credit;
captions and credits of related-article teasers are never read. The raw text goes to
``normalise.split_caption_credit``/``clean_credit`` unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

from parsel import Selector

from archiver.normalise import collapse_ws, split_caption_credit

__all__ = ["CREDIT_CSS", "credit_candidates"]

CREDIT_CSS: Final = (
    "[itemprop='copyrightHolder']", "[itemprop='creditText']", ".caption__credit", ".image-credit",
    ".photo-credit", ".credit", ".credits", "[class*='credit']", "[class*='Credit']",
    "[class*='copyright']", "[class*='Copyright']", "figcaption small", "figcaption cite",
    "[class*='source']", "[class*='author']",
)  # fmt: skip
"""Credit markup, read only inside a figure, a picture block or a caption of the article."""
_FIGURES: Final = (
    "figure", "[class*='figure']", "[class*='image']", "[class*='Image']", "[class*='photo']",
    "[class*='media']", "[class*='caption']", "[class*='picture']",
)  # fmt: skip
_NOT_CREDIT_BLOCK: Final = re.compile(
    r"related|teaser|sidebar|recommend|read-?more|more-?news|popular|trending|footer|\bnav|menu"
    r"|newsletter|promo|advert|comment|author-?(?:box|bio|info)|byline",
    re.IGNORECASE,
)
MAX_CREDIT: Final = 200
"""Longest text (characters) taken as a credit line."""


def _blocked(element: Any) -> bool:
    """Whether the lxml ``element`` sits in a block whose credits are not the article's: a
    teaser, a sidebar, the navigation, the page footer (a ``<footer>`` inside a figure is the
    figure's own)."""
    in_figure = any(getattr(up, "tag", "") == "figure" for up in element.iterancestors())
    node = element
    while node is not None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("nav", "aside", "script", "style") or (tag == "footer" and not in_figure):
            return True
        if tag and _NOT_CREDIT_BLOCK.search(f"{node.get('class', '')} {node.get('id', '')}"):
            return True
        node = node.getparent()
    return False


def _text(sel: Selector) -> str:
    return collapse_ws(" ".join(sel.xpath(".//text()").getall()))


def _jsonld_credits(article: dict[str, object]) -> Iterator[str]:
    images = article.get("image")
    for image in images if isinstance(images, list) else [images]:
        if not isinstance(image, dict):
            continue
        for key in ("creditText", "copyrightHolder", "copyrightNotice", "author"):
            value = image.get(key)
            if isinstance(value, dict):
                value = value.get("name")
            if isinstance(value, list):
                value = next((v.get("name") if isinstance(v, dict) else v for v in value), None)
            if isinstance(value, str) and value.strip():
                yield value


def credit_candidates(
    sel: Selector, node: Selector, jsonld_article: dict[str, object]
) -> Iterator[tuple[str, str | None]]:
    """(source, raw) image-credit candidates of another site's page, best first."""
    scopes = (node, sel) if node is not sel else (sel,)  # the article first, then the page
    figures = [f for scope in scopes for css in _FIGURES for f in scope.css(css)]
    seen: set[int] = set()
    for figure in figures:
        if _blocked(figure.root):
            continue
        for css in CREDIT_CSS:
            for found in figure.css(css):
                if id(found.root) in seen or _blocked(found.root):
                    continue
                seen.add(id(found.root))
                text = _text(found)
                if text and len(text) <= MAX_CREDIT and split_caption_credit(text)[1]:
                    yield "markup", text
    for value in _jsonld_credits(jsonld_article):
        yield "jsonld", value
    for caption in (c for scope in scopes for c in scope.css("figcaption, [class*='caption']")):
        if id(caption.root) in seen or _blocked(caption.root):
            continue
        seen.add(id(caption.root))
        text = _text(caption)
        if text and len(text) <= 2 * MAX_CREDIT:
            caption_part, credit = split_caption_credit(text)
            if credit and (caption_part is not None or _has_label(text)):
                yield "markup", text


_LABEL: Final = re.compile(
    r"^\s*(?:©|\(c\)|foto|photo|bild|image|credit|source|quelle|fotoğraf|фото|фота)", re.IGNORECASE
)


def _has_label(text: str) -> bool:
    return bool(_LABEL.search(text))
