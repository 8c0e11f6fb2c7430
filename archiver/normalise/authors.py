"""Authors: a byline as shown (``By Zmicier Kuchlej``) to the name it gives.

Pure, total and deterministic, as the whole of ``archiver.normalise``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from archiver.normalise.text import _CONTROL_RE, _decode_markup, collapse_ws

#: Longest name (or list of names) kept; longer text is not a byline.
MAX_AUTHOR_CHARS: Final = 80
#: Most words a byline has ("Zmicier Kuchlej and Dzianis Melyantsou" has 5).
_MAX_WORDS: Final = 10

_LABEL_RE: Final = re.compile(
    r"^(?:(?:written|posted|text|story|report(?:ed)?)\s+by|by|author|authors|autor|auteur|"
    r"von|par|por|przez|автор|авторы|аўтар|аўтары|текст|тэкст)"
    r"(?=[\s:\-\u2013\u2014]|$)\s*[:\-\u2013\u2014]?\s*",
    re.IGNORECASE,
)
_URL_RE: Final = re.compile(r"https?://|www\.|\w\.(?:com|org|net|by|ru|info|pro|eu)\b|@\w", re.IGNORECASE)
#: The end of a sentence (a word of three letters or more, then . ! or ?) with more text after it.
_SENTENCE_RE: Final = re.compile(r"[^\W\d_]{3,}[.!?]\s+\S")
#: Parts after these are not the name (``By X | 12 May 2023``, ``By X • Minsk``).
_TAIL_RE: Final = re.compile(r"\s+[|\u2022\u00b7]\s+.*$")
_EDGE: Final = " .,;:!?|/\\-\u2013\u2014\u2022\u00b7\"'\u201c\u201d\u00ab\u00bb()[]"
#: Lower-case words that can stand inside a name or a list of names.
_PARTICLES: Final = frozenset({
    "and", "&", "von", "van", "der", "den", "de", "del", "della", "da", "di", "du", "la", "le",
    "y", "e", "bin", "ibn", "al", "el", "ten", "ter", "и", "і", "ды", "und", "et",
})  # fmt: skip


def _is_name(text: str) -> bool:
    """Whether ``text`` reads as a name or a list of names, not a sentence, date or URL."""
    if len(text) > MAX_AUTHOR_CHARS or _URL_RE.search(text) or any(c.isdigit() for c in text):
        return False
    if _SENTENCE_RE.search(text) or text.endswith(("?", "!")):
        return False  # sentences
    words = text.replace(",", " ").split()
    if not words or len(words) > _MAX_WORDS:
        return False
    lower = [w for w in words if w[:1].islower() and w.lower() not in _PARTICLES]
    return not lower or (len(lower) * 2 < len(words) and len(lower) <= 1)


def clean_author(raw: str | None) -> str | None:
    """The name a byline gives, or None.

    ``By Zmicier Kuchlej`` and ``by Dzianis Melyantsou`` -> the name; the labels ``By``,
    ``Author:``, ``Аўтар:``, ``Автор:``, ``Text:``/``Тэкст:``, ``Written by`` (any case, with or
    without a colon or dash) are removed; markup and entities decoded, whitespace collapsed,
    Unicode NFC, edge punctuation and quotes trimmed; a ``| date`` or ``• place`` tail dropped.
    None for a lone label (the weekly era's bare ``by``), and for text that is not a name:
    longer than 80 characters or 10 words, with digits, a URL, an e-mail or handle, a sentence,
    or mostly lower-case words (particles such as ``von``, ``de``, ``and`` aside).
    """
    if not isinstance(raw, str):
        return None
    text = collapse_ws(_decode_markup(_CONTROL_RE.sub("", raw[: MAX_AUTHOR_CHARS * 4])))
    text = _TAIL_RE.sub("", unicodedata.normalize("NFC", text)).strip(_EDGE)
    for _ in range(3):
        stripped = _LABEL_RE.sub("", text, count=1).strip(_EDGE)
        if stripped == text:
            break
        text = stripped
    text = collapse_ws(text)
    if not text or not _is_name(text):
        return None
    return text
