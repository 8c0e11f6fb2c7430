"""Image credits: the source without its label, several joined with '; '.

Pure, total and deterministic, as the whole of ``archiver.normalise``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

if TYPE_CHECKING:
    pass

from archiver.normalise.text import _CONTROL_RE, _decode_markup, _fixpoint, collapse_ws

# --------------------------------------------------------------------------------------------
# Image credits
# --------------------------------------------------------------------------------------------

_LABEL_WORDS: Final = r"(?:images?|photos?|photograph|picture|source|credits?|фото|фота|источник|крыніца)"
#: A label with a separator after it (or © / (c), which need none): the credit follows it.
_STRONG_LABEL_RE: Final = re.compile(
    rf"(?<!\w)(?:{_LABEL_WORDS}(?:\s*:|\s*[\u2013\u2014]|\s+-)|©|\(c\))"
    rf"(?:\s*[:\-\u2013\u2014])?\s*(?:by\s+)?",
    re.IGNORECASE,
)
#: A label at the very start, with or without a separator ("Photo by AP", "Photo BelTA").
_LEADING_LABEL_RE: Final = re.compile(
    rf"^(?:{_LABEL_WORDS}(?=\s|$|[:\-\u2013\u2014])|©|\(c\))"
    rf"(?:\s*[:\-\u2013\u2014])?\s*(?:by\s+)?",
    re.IGNORECASE,
)
_URL_RE: Final = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_SOURCE_SEP_RE: Final = re.compile(r"\s*[,;]\s*|\s+/\s+|\s+(?:and|и|і)\s+", re.IGNORECASE)
_EDGE_PUNCT: Final = " .,;:!?|/\\-\u2013\u2014"


def _url_host(match: re.Match[str]) -> str:
    url = match.group(0)
    if url.lower().startswith("www."):
        url = "http://" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return match.group(0)
    host = host.lower()
    return host.removeprefix("www.") if host else match.group(0)


def _credit_part(part: str) -> str:
    """One source: the text after its last label, edges trimmed."""
    label_ends = [match.end() for match in _STRONG_LABEL_RE.finditer(part)]
    if label_ends:
        part = part[label_ends[-1] :]
    while True:
        part = part.strip(_EDGE_PUNCT)
        stripped = _LEADING_LABEL_RE.sub("", part, count=1)
        if stripped == part:
            return part
        part = stripped


def _clean_credit_once(raw: str) -> str:
    text = collapse_ws(_decode_markup(_CONTROL_RE.sub("", raw)))
    text = unicodedata.normalize("NFC", _URL_RE.sub(_url_host, text))
    if match := _STRONG_LABEL_RE.search(text):
        text = text[match.end() :]
    parts: list[str] = []
    for piece in _SOURCE_SEP_RE.split(text):
        part = _credit_part(piece)
        if part and part not in parts:
            parts.append(part)
    return "; ".join(parts)


def clean_credit(raw: str) -> str | None:
    """An image credit without its label, several sources joined with ``; ``; None if empty.

    ``Image: TUT.BY`` -> ``TUT.BY``; ``Lukashenka in Minsk. Photo: BelTA`` -> ``BelTA``;
    ``Photo: Reuters, AFP`` (also ``/`` and ``and``) -> ``Reuters; AFP``; a URL -> its host
    without ``www.``. Labels: Image(s), Photo(s), Photograph, Picture, Source, Credit(s), ©, (c),
    Фото, Фота, Источник, Крыніца, any case, then ``:``, a dash or nothing. Entities are decoded,
    whitespace collapsed, edge punctuation trimmed, a repeated source kept once. Idempotent.
    """
    cleaned = _fixpoint(_clean_credit_once, raw)
    return cleaned or None
