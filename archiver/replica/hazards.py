
"""The hard cases of normalisation that the replica types into its titles and image credits.

Which articles carry which case is dealt from a seeded stream of its own
(``replica/<seed>/hazards``), so adding cases did not move the rest of the site, and dealt rather
than drawn: each case goes to a fixed share of the articles (at least one), so every site of some
size has several of each. The plain forms (the ground truth) come from the values chosen here,
never from parsing what is rendered: a title's plain form is ``content.plain_title(source)``; a
credit's plain form is returned beside the line as shown.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Mapping
from typing import Final

from archiver.replica.rand import pick
from archiver.replica.wordbank import NBSP

# --- titles ----------------------------------------------------------------------------------
TITLE_SHARES: Final = {
    "ampersand": 0.08,
    "straight-quotes": 0.06,
    "zero-width-space": 0.05,
    "zero-width-joiner": 0.04,
    "soft-hyphen": 0.05,
    "decomposed": 0.08,
    "em-dash": 0.05,
    "nbsp": 0.06,
    "spaces": 0.06,
}
"""Share of the articles whose title carries each case (cases combine: about 40% of the titles
carry at least one)."""
INVISIBLES: Final = {
    "zero-width-space": "\u200b", "zero-width-joiner": "\u200d", "soft-hyphen": "\u00ad",
}
"""Invisible characters typed inside a word."""
PLACES: Final = ("Kraków", "Gdańsk", "Niasviž", "Mahilioŭ", "Šalčininkai", "Białowieża")
"""Place names with accents, typed decomposed (NFD: ``o`` + U+0301) before a title."""
WIDE_SPACES: Final = ("  ", "   ", " \n  ")
"""What a "spaces" case types for one space: a double or triple space, a line break."""
EM_DASH_TAILS: Final = ("again", "for now", "an analysis", "once more")
_WORD: Final = re.compile(r"\b[A-Za-z]{5,}\b")
_LONG_WORD: Final = re.compile(r"[A-Za-z]{6,}")


def deal(rng: random.Random, n: int, shares: Mapping[str, float]) -> list[set[str]]:
    """For each of ``n`` articles, the cases it carries: each case goes to ``ceil(share * n)``
    articles chosen with ``rng`` (an article may get several)."""
    dealt: list[set[str]] = [set() for _ in range(n)]
    for case, share in shares.items():
        for i in rng.sample(range(n), min(n, math.ceil(share * n))):
            dealt[i].add(case)
    return dealt


def deal_one(rng: random.Random, n: int, shares: Mapping[str, float]) -> list[str | None]:
    """For each of ``n`` articles, at most one case: each goes to ``ceil(share * n)`` articles
    (fewer when the shares add up to more than ``n``), the others get None."""
    deck: list[str | None] = [case for case, share in shares.items() for _ in range(math.ceil(share * n))]
    deck += [None] * (n - len(deck))
    rng.shuffle(deck)
    return deck[:n]


def hard_title(rng: random.Random, title: str, cases: set[str]) -> str:
    """``title`` as an editor might have typed it, with the ``cases`` of ``TITLE_SHARES``.

    The cases keep the plain form readable: ``Q&A:`` or `` & `` for `` and ``, a word in
    straight quotes, an invisible character inside a word, a decomposed place name before it, an
    em dash after it, an NBSP or a double space (or a line break) for a space.
    """
    if not cases:
        return title
    if "ampersand" in cases:
        title = title.replace(" and ", " & ", 1) if " and " in title else f"Q&A: {title}"
    if "straight-quotes" in cases and (words := list(_WORD.finditer(title))):
        word = pick(rng, words)
        title = f'{title[: word.start()]}"{word.group(0)}"{title[word.end() :]}'
    if "em-dash" in cases:
        title = f"{title} — {pick(rng, EM_DASH_TAILS)}"
    for case, char in INVISIBLES.items():
        if case in cases and (words := list(_LONG_WORD.finditer(title))):
            word = pick(rng, words)
            at = word.start() + rng.randint(2, len(word.group(0)) - 2)
            title = title[:at] + char + title[at:]
    if "decomposed" in cases:
        title = f"{unicodedata.normalize('NFD', pick(rng, PLACES))}: {title}"
    if "nbsp" in cases:
        title = _replace_a_space(rng, title, NBSP)
    if "spaces" in cases:
        title = _replace_a_space(rng, title, pick(rng, WIDE_SPACES))
    return title


def _replace_a_space(rng: random.Random, text: str, by: str) -> str:
    spaces = [i for i, char in enumerate(text) if char == " "]
    if not spaces:
        return text
    at = pick(rng, spaces)
    return text[:at] + by + text[at + 1 :]


# --- image credits ----------------------------------------------------------------------------
CREDIT_SHARES: Final = {
    "lower-case": 0.06, "upper-case-hyphen": 0.06, "russian": 0.06, "source-em-dash": 0.06,
    "copyright": 0.06, "credit": 0.06, "several-photo": 0.05, "several-photos": 0.05, "url": 0.06,
    "full-stop": 0.06, "caption": 0.06,
}
"""Share of the articles whose credit line (if they have an image) is written in each hard form,
one form an article; the others (36%) are written ``Image: TUT.BY`` / ``Photo: Reuters``."""
SECOND_SOURCES: Final = ("AFP", "EPA", "Reuters", "AP", "BelTA", "TUT.BY")
URLS: Final = {
    "TUT.BY": ("https://www.tut.by/news/{n}", "tut.by"),
    "BelTA": ("https://www.belta.by/politics/view/{n}/", "belta.by"),
    "Reuters": ("https://www.reuters.com/pictures/{n}", "reuters.com"),
    "president.gov.by": ("http://president.gov.by/en/gallery/{n}/", "president.gov.by"),
    "Catholic.by": ("http://catholic.by/2/news/{n}.html", "catholic.by"),
    "Belsat": ("https://belsat.eu/en/news/{n}/", "belsat.eu"),
    "AP": ("https://apnews.com/photo/{n}", "apnews.com"),
    "mil.by": ("https://www.mil.by/ru/news/{n}/", "mil.by"),
    "naviny.by": ("https://naviny.by/photo/{n}", "naviny.by"),
}
"""A source's photo page (``{n}`` a number) and the host that is its plain form."""
CAPTIONS: Final = (
    "Lukashenka in Minsk.",
    "Alexander Lukashenka at a meeting with the government.",
    "The Palace of Independence in Minsk.",
    "A checkpoint on the Belarusian–Polish border.",
    "Independence Avenue, Minsk.",
)
"""Captions before a credit in the same element (no label word in them)."""


def credit_line(rng: random.Random, label: str, source: str, form: str | None) -> tuple[str, str]:
    """(the credit as shown, its plain form) for ``source``, whose usual label is ``label``,
    written in ``form`` (a key of ``CREDIT_SHARES``, or None for the usual ``Label: Source``)."""
    simple = {
        None: f"{label}: {source}",
        "lower-case": f"photo: {source}",
        "upper-case-hyphen": f"PHOTO - {source}",
        "russian": f"Фото: {source}",
        "source-em-dash": f"Source — {source}",
        "copyright": f"© {source}",
        "credit": f"Credit: {source}",
        "full-stop": f"{label}: {source}.",
    }
    if form in simple:
        return simple[form], source
    if form in ("several-photo", "several-photos"):
        other = pick(rng, [s for s in SECOND_SOURCES if s != source])
        shown = "Photos" if form == "several-photos" else "Photo"
        return f"{shown}: {source}, {other}", f"{source}; {other}"
    if form == "url":
        url, host = URLS[source]
        return f"Image: {url.format(n=rng.randint(100, 99_999))}", host
    return f"{pick(rng, CAPTIONS)} Photo: {source}", source
