"""Body text: HTML fragments to paragraphs, the lead stripped, words counted.

Pure, total and deterministic, as the whole of ``archiver.normalise``.
"""

from __future__ import annotations

import re
import threading
from html import unescape
from typing import TYPE_CHECKING, Final

# lxml ships no type stubs; unused-ignore keeps this quiet once pyproject ignores lxml.*
import lxml.etree  # type: ignore[import-untyped, unused-ignore]

if TYPE_CHECKING:
    pass

from archiver.normalise.text import _CONTROL_RE, _TAG_RE, _clean_line, collapse_ws

# --------------------------------------------------------------------------------------------
# Body text
# --------------------------------------------------------------------------------------------

_BLOCK_TAGS: Final = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figure", "footer", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hgroup", "hr", "legend", "li", "main", "menu", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
})  # fmt: skip
_LIST_TAGS: Final = frozenset({"ul", "ol", "menu", "dir"})
_CELL_TAGS: Final = frozenset({"td", "th"})
#: Elements dropped with their content.
_DROP_TAGS: Final = frozenset({
    "script", "style", "noscript", "template", "iframe", "form", "button", "figcaption",
    "head", "title", "meta", "link", "base", "svg", "math", "canvas", "object", "embed", "audio",
    "video", "map", "select", "textarea", "input",
})  # fmt: skip
#: Dropped elements that still separate the text around them, as blocks do.
_BOXED_DROP_TAGS: Final = frozenset(
    {"form", "figcaption", "iframe", "video", "audio", "canvas", "object", "embed", "textarea"}
)
#: Substrings of a class or id that mark a block that is not the article.
_NOT_ARTICLE: Final = (
    "share", "social", "similar", "related", "recent-trends", "trends", "tags", "caption",
    "credit", "read-more", "readmore", "advert", "banner", "newsletter", "comments",
)  # fmt: skip
_NOT_ARTICLE_RE: Final = re.compile("|".join(map(re.escape, _NOT_ARTICLE)), re.IGNORECASE)
_DOCUMENT_TAG_RE: Final = re.compile(r"</?(?:html|body)(?:\s[^>]*)?/?>", re.IGNORECASE)
_PARSERS: Final = threading.local()  # an lxml parser must not be shared between threads


def _html_parser() -> lxml.etree.HTMLParser:
    """This thread's HTML parser: plain lxml.etree elements (lxml.html's classes cost ~2x)."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = lxml.etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
        )
    return parser


class _TextBuilder:
    """Collects the walk's text into lines and paragraphs."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.lines: list[str] = []
        self.chunks: list[str] = []
        self.prefix = ""
        self.list_depth = 0
        self.pre_depth = 0

    def text(self, text: str | None) -> None:
        if not text:
            return
        if not self.pre_depth:
            self.chunks.append(text)
            return
        first, *rest = text.split("\n")  # in <pre>, a newline ends a line
        self.chunks.append(first)
        for line in rest:
            self.end_line()
            self.chunks.append(line)

    def end_line(self, prefix: str = "") -> None:
        if self.chunks:
            line = _clean_line("".join(self.chunks))
            if line:
                self.lines.append(self.prefix + line)
            self.chunks = []
        self.prefix = prefix

    def end_block(self) -> None:
        self.end_line()
        if self.lines:
            self.paragraphs.append("\n".join(self.lines))
            self.lines = []

    def boundary(self) -> None:
        """A block starts or ends: a new paragraph, or only a space inside a list item."""
        if self.list_depth:
            self.chunks.append(" ")
        else:
            self.end_block()

    def open(self, tag: str) -> None:
        if tag in _LIST_TAGS:
            if self.list_depth:
                self.end_line()
            else:
                self.end_block()
            self.list_depth += 1
        elif tag == "li":
            if not self.list_depth:
                self.end_block()  # a stray item: a one-item list of its own
            self.end_line(prefix="- ")
        elif tag == "br":
            self.end_line()
        elif tag in _BLOCK_TAGS:
            self.boundary()
        elif tag in _CELL_TAGS:
            self.chunks.append(" ")
        if tag == "pre":
            self.pre_depth += 1

    def close(self, tag: str) -> None:
        if tag in _LIST_TAGS:
            self.list_depth -= 1
            if self.list_depth:
                self.end_line()
            else:
                self.end_block()
        elif tag == "li":
            self.end_line()
            if not self.list_depth:
                self.end_block()
        elif tag in _BLOCK_TAGS:
            self.boundary()
        elif tag in _CELL_TAGS:
            self.chunks.append(" ")
        if tag == "pre":
            self.pre_depth -= 1

    def result(self) -> str:
        self.end_block()
        return "\n\n".join(self.paragraphs)


def _is_not_article(element: lxml.etree._Element) -> bool:
    attrib = element.attrib
    if not attrib:
        return False
    marker = f"{attrib.get('class', '')} {attrib.get('id', '')}"
    return _NOT_ARTICLE_RE.search(marker) is not None


def _parse_fragment(fragment: str) -> lxml.etree._Element | None:
    # NUL would come back as U+FFFD; other control characters go line by line (cheaper)
    cleaned = _DOCUMENT_TAG_RE.sub(" ", fragment.replace("\x00", ""))
    data = f"<html><body>{cleaned}</body></html>".encode("utf-8", "replace")
    try:
        root = lxml.etree.fromstring(data, parser=_html_parser())
    except (lxml.etree.LxmlError, ValueError):
        return None
    if root is None:
        return None
    body = root.find("body")
    return body if body is not None else root


def _walk(body: lxml.etree._Element, out: _TextBuilder) -> None:
    """Feed the text of ``body`` to ``out`` in document order, skipping what is not article."""
    walker = lxml.etree.iterwalk(body, events=("start", "end"))
    skipped = None  # after skip_subtree(), the next event is the end of the skipped element
    for event, element in walker:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            if not tag or tag in _DROP_TAGS or _is_not_article(element):
                walker.skip_subtree()
                skipped = element
                if tag in _BLOCK_TAGS or tag in _BOXED_DROP_TAGS:
                    out.boundary()
                continue
            out.open(tag)
            out.text(element.text)
            continue
        if element is skipped:
            skipped = None
        else:
            out.close(tag)
        if element is not body:
            out.text(element.tail)


def body_text(html: str) -> str:
    """An HTML fragment of an article body -> plain text, per the text contract.

    Blocks (p, h1-h6, blockquote, div, pre, li, tr, figure, ...) are paragraphs separated by one
    blank line; a list is one paragraph of ``- item`` lines; ``<br>`` is a newline inside its
    paragraph; inline elements stay inline. Script, style, noscript, template, iframe, form,
    button, comments and blocks that are not the article (class or id with share, social,
    similar, related, trends, tags, caption, credit, read-more, advert, banner, newsletter,
    comments; figcaption) go with their content. Lines are whitespace-collapsed and stripped;
    empty lines and paragraphs are dropped. Never raises.
    """
    body = _parse_fragment(html)
    if body is None:  # lxml refused the text: keep what a crude strip of tags leaves
        return collapse_ws(unescape(_TAG_RE.sub(" ", _CONTROL_RE.sub("", html))))
    out = _TextBuilder()
    _walk(body, out)
    return out.result()


def strip_lead(body: str, lead: str) -> str:
    """``body`` without a first paragraph that repeats ``lead``.

    Paragraphs are compared whitespace-collapsed; the first paragraph goes when it equals the lead
    or starts with it (a lead cut short with an ellipsis counts as its text before the ellipsis).
    """
    wanted = collapse_ws(lead)
    truncated = False
    for ellipsis in ("[…]", "[...]", "…", "..."):
        if wanted.endswith(ellipsis):
            wanted = wanted.removesuffix(ellipsis).rstrip()
            truncated = True
            break
    first, sep, rest = body.strip().partition("\n\n")
    first_flat = collapse_ws(first)
    if not wanted or not first_flat.startswith(wanted):
        return body
    after = first_flat[len(wanted) : len(wanted) + 1]
    if after and not truncated and after.isalnum():
        return body  # the lead ends inside a word of the first paragraph: not a repeat
    return rest.strip() if sep else ""


#: Han ideographs (with extensions and compatibility forms), Hiragana, Katakana (also
#: half-width): scripts written without spaces, where each character counts as one word.
_CJK_RE: Final = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002fa1f]"
)
#: Thai, Lao, Myanmar and Khmer: written without spaces between words; a run of them counts
#: one word per ``_SEA_CHARS_PER_WORD`` characters (rounded up).
_SEA_RUN_RE: Final = re.compile("[\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff]+")
_SEA_CHARS_PER_WORD: Final = 4


def word_count(text: str) -> int:
    """The number of words: whitespace-separated, except in scripts written without spaces.

    Each Han, Hiragana or Katakana character is a word (``日本語の記事`` is 6); a run of Thai,
    Lao, Myanmar or Khmer counts one word per 4 characters, rounded up (an estimate: the mean
    word is about that long); Hangul is written with spaces and counts by them. Everything
    else counts by whitespace (``-`` of a list item is a word too).
    """
    cjk = len(_CJK_RE.findall(text))
    sea = sum(-(-len(run) // _SEA_CHARS_PER_WORD) for run in _SEA_RUN_RE.findall(text))
    if cjk:
        text = _CJK_RE.sub(" ", text)
    if sea:
        text = _SEA_RUN_RE.sub(" ", text)
    return len(text.split()) + cjk + sea
