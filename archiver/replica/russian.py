"""Russian text for the ``/by/`` twins (title and body in Russian, as on the one ``/by/`` page seen),
Belarusian chrome words, and the transliteration of their slugs. [guess: all wording]"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Final

from archiver.replica.rand import pick

BE_MONTHS: Final = (
    "Студзень", "Люты", "Сакавік", "Красавік", "Травень", "Чэрвень", "Ліпень", "Жнівень",
    "Верасень", "Кастрычнік", "Лістапад", "Снежань",
)
"""Belarusian month names in the nominative, as the ``/by/`` period shows them
(``Жнівень 9 – Жнівень 15, 2021``) [evidence: Жнівень; the others the language's own names]."""

_SUBJECTS: Final = (
    "Власти", "Силовые структуры", "Демократические силы", "Чиновники", "Государственные СМИ",
    "Западные партнёры", "Российские власти", "Региональные элиты", "Депутаты", "Министерства",
)
"""Plural subjects, so that every verb (third person plural) agrees."""
_VERBS: Final = (
    "пересматривают", "укрепляют", "ограничивают", "поддерживают", "критикуют", "реформируют",
    "сохраняют", "усиливают давление на",
)
"""Verbs taking the accusative."""
_OBJECTS: Final = (
    "независимые СМИ", "экономику", "внешнюю политику", "силовой блок",
    "государственные предприятия", "оппозиционные структуры", "бюджетную сферу",
    "отношения с Москвой", "диалог с Западом", "систему управления",
)
"""Objects in the accusative."""
_TAILS: Final = (
    "на фоне санкций", "накануне выборов", "в условиях кризиса", "несмотря на протесты",
    "в ожидании перемен", "после летних событий",
)
_CLAUSES: Final = (
    "Это отражает общую тенденцию последних месяцев.",
    "Эксперты ожидают продолжения этого курса.",
    "Решения принимаются в узком кругу.",
    "Реакция общества остаётся сдержанной.",
    "Ресурсы для маневра сокращаются.",
    "Такой подход вряд ли изменится в ближайшее время.",
)
_TRANSLIT: Final = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i", "ў": "u",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class RussianText:
    """A twin's Russian title, lead and body paragraphs (plain text)."""

    title: str
    lead: str
    paragraphs: tuple[str, ...]

    @property
    def body(self) -> str:
        """The body's plain text: paragraphs joined by a blank line (the lead not included)."""
        return "\n\n".join(self.paragraphs)


def _sentence(rng: random.Random) -> str:
    return f"{pick(rng, _SUBJECTS)} {pick(rng, _VERBS)} {pick(rng, _OBJECTS)} {pick(rng, _TAILS)}."


def russian_text(rng: random.Random) -> RussianText:
    """A title (no full stop), a two-sentence lead and 3-6 paragraphs of 1-3 sentences."""
    title = _sentence(rng).rstrip(".")
    lead = f"{_sentence(rng)} {pick(rng, _CLAUSES)}"
    paragraphs = tuple(
        " ".join(_sentence(rng) if i % 2 == 0 else pick(rng, _CLAUSES) for i in range(rng.randint(1, 3)))
        for _ in range(rng.randint(3, 6))
    )
    return RussianText(title, lead, paragraphs)


def transliterate(text: str, limit: int = 90) -> str:
    """A Latin slug of Cyrillic ``text``: lower case, hyphens, at most ``limit`` characters."""
    latin = "".join(_TRANSLIT.get(c, c) for c in text.lower())
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in latin).split()
    slug = "-".join(words) or "material"
    while len(slug) > limit:
        slug = slug.rsplit("-", 1)[0]
    return slug


def be_week(start: date, end: date, *, year: bool = True) -> str:
    """``Жнівень 9 – Жнівень 15, 2021`` (the month before each day, the year once at the end)."""
    text = f"{BE_MONTHS[start.month - 1]} {start.day} – {BE_MONTHS[end.month - 1]} {end.day}"
    return f"{text}, {end.year}" if year else text
