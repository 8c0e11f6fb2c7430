"""A generic main-text extractor: the article body of any page, for when the site's selectors find none.

The work is trafilatura's (``extract`` with ``favor_precision``; options chosen on the Article
Extraction Benchmark pages, see ``bench/realworld.py``). Its HTML output is reduced to simple markup
that ``archiver.normalise.body_text`` reads: ``<p>``, headings, lists, ``<blockquote>``, tables and
``<br>``, with every attribute removed (trafilatura keeps the page's ``class`` and
``style``, which would make body_text drop paragraphs whose class happens to say ``tags`` or
``caption``).

Both functions are total: junk, empty or enormous input gives None (or empty metadata), never an
exception, and the input is cut to ``MAX_HTML_CHARS`` characters and ``MAX_HTML_TAGS`` tags first so
that the time one call takes is bounded.
"""

from __future__ import annotations

import logging
from typing import Final, NamedTuple

# lxml ships no type stubs; unused-ignore keeps this quiet once pyproject ignores lxml.*
import lxml.etree  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "MAX_HTML_CHARS", "MAX_HTML_TAGS", "GenericMetadata", "generic_body_html", "generic_metadata",
    "prepare_html",
]  # fmt: skip

MAX_HTML_CHARS: Final = 2_000_000
"""Longest page text looked at (characters); the rest is cut off."""
MAX_HTML_TAGS: Final = 15_000
"""Most ``<`` looked at: the page is cut before the next one. trafilatura's time grows with the
number of elements (about 0.1 ms each on one core), so with MAX_HTML_CHARS this bounds one call to a
couple of seconds even on a hostile page. The real article pages of the benchmark have at most about
1.4 million characters and 3,200 ``<``."""

_ERRORS: Final = (
    lxml.etree.LxmlError,  # parser and serialiser errors
    ValueError,  # includes UnicodeError; trafilatura's own "not HTML" signal
    TypeError,
    LookupError,  # IndexError/KeyError from a heuristic meeting a tree it did not expect
    AttributeError,  # the same, on an element without the parent or text it assumed
    RecursionError,  # a pathologically deep tree
)
"""What trafilatura or lxml may raise on hostile input (trafilatura itself catches most)."""

_TRAFILATURA_LOG: Final = logging.getLogger("trafilatura")
if _TRAFILATURA_LOG.level == logging.NOTSET:
    # trafilatura reports "not valid HTML" and "discarding data" at ERROR and WARNING: for a fallback
    # they are an ordinary None, not a fault of the crawl (Scrapy would count them as errors).
    _TRAFILATURA_LOG.setLevel(logging.CRITICAL)


class GenericMetadata(NamedTuple):
    """What a page says about itself, as trafilatura reads it (each None when not found).

    title: the headline (``og:title``, JSON-LD headline, ``<h1>`` or ``<title>``), as shown.
    date: the publication date, ``YYYY-MM-DD`` (htmldate's reading of the page).
    image: the lead image's URL (``og:image`` and the like), as given.
    """

    title: str | None
    date: str | None
    image: str | None


def prepare_html(html: object) -> str | None:
    """The page text to hand to trafilatura (cut to the limits above), or None when there is none."""
    if not isinstance(html, str):
        return None
    text = html[:MAX_HTML_CHARS]
    at = -1
    for _ in range(MAX_HTML_TAGS + 1):
        at = text.find("<", at + 1)
        if at < 0:
            break
    else:  # the (MAX_HTML_TAGS + 1)-th "<" is at ``at``: cut before it
        text = text[:at]
    text = text.replace("\x00", "")
    if not text.strip():
        return None
    lowered = text.lower()
    if "<html" not in lowered and "<body" not in lowered:
        text = f"<html><body>{text}</body></html>"  # trafilatura rejects a bare fragment as not HTML
    return text


def _simple_html(extracted: str) -> str | None:
    """trafilatura's HTML output -> the children of its ``<body>``, without attributes; None if empty."""
    parser = lxml.etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    root = lxml.etree.fromstring(extracted.encode("utf-8", "replace"), parser=parser)
    if root is None:
        return None
    body = root.find("body")
    if body is None:
        body = root
    for element in body.iter():
        element.attrib.clear()
    if not "".join(body.itertext()).strip():
        return None
    head = body.text.strip() if body.text and body.text.strip() else ""
    parts = [head] if head else []
    parts.extend(
        lxml.etree.tostring(child, method="html", encoding="unicode", with_tail=True).strip()
        for child in body
    )
    return "\n".join(part for part in parts if part)


def generic_body_html(html: str, url: str | None = None) -> str | None:
    """The main text of the page ``html`` (decoded text) as simple HTML, or None when none is found.

    ``url`` is the page's address, if known (trafilatura uses it to resolve relative links and as a
    hint). Paragraphs are ``<p>`` elements, one per line; the result suits ``normalise.body_text``.
    Never raises.
    """
    text = prepare_html(html)
    if text is None:
        return None
    try:
        import trafilatura  # here, not at the top: 0.17 s to import, only when a page needs it

        extracted = trafilatura.extract(
            text,
            url=url or None,
            output_format="html",  # paragraphs stay paragraphs (plain text would need guessing)
            favor_precision=True,  # benchmark F1 0.975 vs 0.965 by default: less teaser and link text
            include_comments=False,  # readers' comments are not the article
            include_tables=True,  # without: recall 0.984 -> 0.974, precision the same
            include_images=False,
            include_links=False,
            include_formatting=False,
            deduplicate=False,  # its cache is process-wide: a page like an earlier one would be dropped
        )
        return _simple_html(extracted) if extracted else None
    except _ERRORS:
        return None


def generic_metadata(html: str, url: str | None = None) -> GenericMetadata:
    """The title, publication date and lead image that the page ``html`` declares (each may be None).

    Reads meta tags, JSON-LD and the markup (trafilatura's ``extract_metadata``, with htmldate's
    quick date search). Never raises.
    """
    empty = GenericMetadata(None, None, None)
    text = prepare_html(html)
    if text is None:
        return empty
    try:
        import trafilatura  # here: see generic_body_html

        doc = trafilatura.extract_metadata(text, default_url=url or None, extensive=False)
    except _ERRORS:
        return empty
    return GenericMetadata(
        title=_str_or_none(getattr(doc, "title", None)),
        date=_str_or_none(getattr(doc, "date", None)),
        image=_str_or_none(getattr(doc, "image", None)),
    )


def _str_or_none(value: object) -> str | None:
    """``value`` when it is a non-blank string, else None."""
    return value if isinstance(value, str) and value.strip() else None
