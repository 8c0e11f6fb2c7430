"""The same text under two URLs: a fingerprint of an article's text that two readings of one
article share although they split it differently.

Two pages of one article (the Drupal original and its weekly re-publication, a mirror) can be
read with a different first paragraph: a caption or credit line taken for the lead by a fallback,
the lead kept apart from the body or not. ``text_fingerprint`` keeps only what such differences
leave alone: the longest paragraphs of lead and body together.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Final

__all__ = ["FINGERPRINT_MIN_CHARS", "FINGERPRINT_PARAGRAPHS", "text_fingerprint"]

FINGERPRINT_MIN_CHARS: Final = 80
"""Shortest paragraph (characters, whitespace collapsed) a fingerprint reads: shorter lines (a
credit, a caption, a heading, a byline) are what two readings of one page disagree on."""
FINGERPRINT_PARAGRAPHS: Final = 3
"""How many of the longest paragraphs make the fingerprint."""
_LINES: Final = re.compile(r"\s*\n\s*")
_SPACE: Final = re.compile(r"\s+")


def text_fingerprint(lead: str | None, body: str | None) -> str | None:
    """The hex SHA-1 of the FINGERPRINT_PARAGRAPHS longest paragraphs (lines of at least
    FINGERPRINT_MIN_CHARS characters) of ``lead`` and ``body`` (plain text, paragraphs on their
    own lines) taken together, each once, in text order; whitespace collapsed, NFC, case folded.
    None when no paragraph is that long (too little text to call two articles one).

    Where the lead ends and the body begins, and any short line, do not change it.
    """
    paragraphs: list[str] = []
    for text in (lead, body):
        if not isinstance(text, str):
            continue
        for line in _LINES.split(text):
            norm = _SPACE.sub(" ", unicodedata.normalize("NFC", line)).strip().casefold()
            if len(norm) >= FINGERPRINT_MIN_CHARS:
                paragraphs.append(norm)
    paragraphs = list(dict.fromkeys(paragraphs))  # a lead also kept as the body's first line
    if not paragraphs:
        return None
    ranked = sorted(range(len(paragraphs)), key=lambda i: (-len(paragraphs[i]), i))
    chosen = sorted(ranked[:FINGERPRINT_PARAGRAPHS])
    digest = hashlib.sha1(usedforsecurity=False)
    for i in chosen:
        digest.update(paragraphs[i].encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
