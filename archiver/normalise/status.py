"""Trend status: the marker of how a trend moved.

Pure, total and deterministic, as the whole of ``archiver.normalise``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    pass


# --------------------------------------------------------------------------------------------
# Trend status
# --------------------------------------------------------------------------------------------

_COLOURS: Final = {
    "green": "green", "red": "red", "yellow": "yellow", "orange": "orange",
    "grey": "grey", "gray": "grey",
    # Belarusian and Russian, any gender (the successor site's language)
    "зялёны": "green", "зялёная": "green", "зялёнае": "green",
    "зелёный": "green", "зеленый": "green", "зелёная": "green", "зеленая": "green",
    "чырвоны": "red", "чырвоная": "red", "чырвонае": "red",
    "красный": "red", "красная": "red", "красное": "red",
    "жоўты": "yellow", "жоўтая": "yellow", "жоўтае": "yellow",
    "жёлтый": "yellow", "желтый": "yellow", "жёлтая": "yellow", "желтая": "yellow",
    "аранжавы": "orange", "аранжавая": "orange", "оранжевый": "orange", "оранжевая": "orange",
    "шэры": "grey", "шэрая": "grey", "серый": "grey", "серая": "grey",
}  # fmt: skip
_CAMEL_RE: Final = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD_RE: Final = re.compile(r"[^\W\d_]+")


def trend_status(raw: str | None) -> str | None:
    """The colour named by a status marker, or None.

    ``status-icon status-green``, ``status_red.png``, ``statusYellow``, ``Зялёны`` -> ``green``,
    ``red``, ``yellow``, ``green``. Colours: green, red, yellow, orange, grey (``gray`` too).
    The first colour word wins; words are whole tokens (``shared`` is not red).
    """
    if not raw:
        return None
    for word in _WORD_RE.findall(_CAMEL_RE.sub(" ", raw)):
        colour = _COLOURS.get(word.lower())
        if colour is not None:
            return colour
    return None
