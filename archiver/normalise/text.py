"""Whitespace, control characters and titles: text as a reader sees it.

Pure, total and deterministic, as the whole of ``archiver.normalise``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from html import unescape
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    pass


# --------------------------------------------------------------------------------------------
# Whitespace and text
# --------------------------------------------------------------------------------------------

#: Characters removed outright: zero-width spaces and joiners, word joiner, BOM, soft hyphen,
#: Mongolian vowel separator, left-to-right and right-to-left marks.
_INVISIBLE_RE: Final = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f]")
#: An invisible character or whitespace other than U+0020 (all 28 of str.isspace()'s others).
_NEEDS_COLLAPSE_RE: Final = re.compile(
    "[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f"
    "\t\n\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)
#: C0/C1 control characters other than whitespace, lone surrogates and non-characters, which
#: no text field should hold (whitespace controls such as \\x0b are left to collapse_ws).
_CONTROL_RE: Final = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
#: What _clean_line changes: both of the above in one character class (one scan).
_NEEDS_CLEAN_RE: Final = re.compile(
    "[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f"
    "\t\n\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
#: An HTML-ish tag: `<` directly followed by a letter, `/`, `!` or `?`, up to the next `>`.
_TAG_RE: Final = re.compile(r"<[A-Za-z/!?][^<>]*>")


def _clean_line(text: str) -> str:
    """collapse_ws without control characters, in one scan when there is nothing to do."""
    if _NEEDS_CLEAN_RE.search(text) is None and "  " not in text and text[:1] != " " != text[-1:]:
        return text
    return collapse_ws(_CONTROL_RE.sub("", text))


def collapse_ws(text: str) -> str:
    """Collapse whitespace: a single line with single spaces, stripped.

    NBSP and every other Unicode space (and newlines, tabs) become a space; zero-width characters,
    soft hyphens and direction marks are removed; runs of whitespace become one space.
    """
    if (  # the common case, checked fast: nothing to change
        _NEEDS_COLLAPSE_RE.search(text) is None
        and "  " not in text
        and not text[:1].isspace()
        and not text[-1:].isspace()
    ):
        return text
    return " ".join(_INVISIBLE_RE.sub("", text).split())


def _decode_entities(text: str) -> str:
    """Decode HTML entities until the text stops changing (bounded: ``&amp;amp;`` -> ``&``)."""
    for _ in range(10):
        decoded = unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def _decode_markup(text: str) -> str:
    """Strip tags and decode HTML entities until neither changes the text (bounded)."""
    for _ in range(10):
        decoded = unescape(_TAG_RE.sub(" ", text))
        if decoded == text:
            break
        text = decoded
    return text


def _fixpoint(clean_once: Callable[[str], str], text: str) -> str:
    """Apply ``clean_once`` until the text stops changing (at most a few rounds)."""
    for _ in range(10):
        cleaned = clean_once(text)
        if cleaned == text:
            return cleaned
        text = cleaned
    return text


# --------------------------------------------------------------------------------------------
# Titles
# --------------------------------------------------------------------------------------------

_SITE_SUFFIX_RE: Final = re.compile(
    r"(?:\s*\|\s*|\s+-\s*|\s*[\u2013\u2014]\s*)belarus\s+in\s+focus\s*$", re.IGNORECASE
)


def _clean_title_once(raw: str) -> str:
    text = _INVISIBLE_RE.sub("", _decode_entities(_CONTROL_RE.sub("", raw)))
    text = collapse_ws(unicodedata.normalize("NFC", text))
    return _SITE_SUFFIX_RE.sub("", text).strip()


def clean_title(raw: str) -> str:
    """A page title as plain text: one line, Unicode NFC, without the site's name.

    HTML entities left in the text (double-escaped pages and feeds) are decoded; tag-like text
    is kept, because the page object hands over text, not markup: ``<script>`` in a title is
    what the page shows. NBSP and other Unicode spaces become spaces;
    zero-width characters and soft hyphens go; whitespace is collapsed; a trailing
    ``| Belarus in Focus`` (or a hyphen, en dash or em dash before it; any case) is removed.
    Typographic quotes and dashes are kept. Idempotent.
    """
    return _fixpoint(_clean_title_once, raw)
