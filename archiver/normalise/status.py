"""Trend status: how a trend moved in the week, ``better`` | ``worse`` | ``unchanged``.

Pure, total and deterministic, as the whole of ``archiver.normalise``.
"""

from __future__ import annotations

import re
from typing import Final, Literal

Status = Literal["better", "worse", "unchanged"]

#: Words (whole tokens, after lower-casing, ``ё`` -> ``е``, ``ў`` -> ``у``) that state a direction.
_BETTER_RE: Final = re.compile(
    r"better|improv\w*|улучш\w*|лучше|палепш\w*|паляпш\w*|positive|позитивн\w*|станоуч\w*"
    r"|green|зелен\w*|зялен\w*"
)
_WORSE_RE: Final = re.compile(
    r"worse|worsen\w*|deteriorat\w*|declin\w*|ухудш\w*|хуже|пагорш\w*|пагарш\w*|горш\w*"
    r"|negative|негативн\w*|адмоун\w*|red|красн(?:ый|ая|ое)|чырвон(?:ы|ая|ае)"
)
_SAME_RE: Final = re.compile(
    r"unchanged|same|stable|steady|neutral|неизменн\w*|нязменн\w*|стабильн\w*|стабільн\w*"
    r"|нейтральн\w*|grey|gray|yellow|сер(?:ый|ая|ое)|шэр(?:ы|ая|ае)|желт(?:ый|ая|ое)|жоут(?:ы|ая|ае)"
)
#: A change without a direction: only meaningful negated (``has not changed``, ``без змен``).
_CHANGE_RE: Final = re.compile(r"chang\w*|изменил\w*|изменени\w*|изменен\w*|змяніл\w*|змен\w*|змяненн\w*")
_NEGATIONS: Final = frozenset(
    {"not", "no", "never", "nor", "without", "не", "ни", "без", "ня", "ні", "никаких"}
)
_CAMEL_RE: Final = re.compile(r"(?<=[a-zа-яёіў])(?=[A-ZА-ЯЁІЎ])")
_TOKEN_RE: Final = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_CYRILLIC_RE: Final = re.compile("[\u0400-\u04ff]")
#: Only the start of a long text is read (a status is a marker or a sentence).
_MAX_LEN: Final = 400


def _tokens(raw: str) -> list[str]:
    text = _CAMEL_RE.sub(" ", raw[:_MAX_LEN]).lower().replace("\u2019", "'")
    text = text.replace("ё", "е").replace("ў", "у")
    # a Latin i typed for the Belarusian one
    return [
        token.replace("i", "\u0456") if _CYRILLIC_RE.search(token) else token
        for token in _TOKEN_RE.findall(text)
    ]


def _negated(tokens: list[str], index: int) -> bool:
    """Whether one of the two tokens before ``index`` negates it (``not``, ``hasn't``, ``не``)."""
    return any(t in _NEGATIONS or t.endswith("n't") for t in tokens[max(0, index - 2) : index])


def trend_status(raw: str | None) -> Status | None:
    """``better``, ``worse`` or ``unchanged`` from a status sentence or marker, or None.

    Sentences in English, Belarusian and Russian, any case: ``The situation has gotten better``,
    ``has improved`` (also the Drupal line ``- (The situation has improved)``), ``Сітуацыя
    палепшылася``, ``Ситуация улучшилась`` -> better; ``got worse``, ``worsened``,
    ``deteriorated``, ``Сітуацыя пагоршылася``, ``Ситуация ухудшилась`` -> worse; ``has not
    changed``, ``remains unchanged``, ``no change``, ``Сітуацыя не змянілася``, ``Ситуация не
    изменилась``, ``без изменений`` -> unchanged. Markers (class names, file names, camelCase):
    ``analytics-status--better``, ``status-worse``, ``status-same``, ``status_red.png``.
    Colours: green -> better and red -> worse (the site's about page: positive changes green,
    negative red); grey/gray and yellow -> unchanged (the third colour of a three-state marker:
    a guess, no page shows it); orange and other colours -> None. Words count as whole tokens
    (``shared`` is not red); the first word that states a status wins; a negated direction
    (``not improved``) states none. None for an unknown sentence (its raw text is kept by the
    caller).
    """
    if not isinstance(raw, str) or not raw:
        return None
    tokens = _tokens(raw)
    for index, token in enumerate(tokens):
        negated = _negated(tokens, index)
        if _CHANGE_RE.fullmatch(token):
            if negated:
                return "unchanged"
        elif _SAME_RE.fullmatch(token):
            if not negated:
                return "unchanged"
        elif _BETTER_RE.fullmatch(token):
            if not negated:
                return "better"
        elif _WORSE_RE.fullmatch(token) and not negated:
            return "worse"
    return None
