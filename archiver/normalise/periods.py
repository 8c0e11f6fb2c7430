"""Periods: the week an analysis of the weekly era covers (``May 15 – May 21, 2023``).

Pure, total and deterministic, as the whole of ``archiver.normalise``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Final, Literal

from archiver.normalise.text import _CONTROL_RE, collapse_ws

#: Bounds of a period's dates (both ends), inclusive.
EARLIEST_YEAR: Final = 1995
LATEST_YEAR: Final = 2100
#: Longest period: a period spans 1..31 days, both ends counted.
MAX_SPAN_DAYS: Final = 31
#: A year-less period takes the latest year in which it ends at most this long after its context.
YEARLESS_SLACK: Final = timedelta(days=7)
#: Longer text is not a period as shown.
_MAX_LEN: Final = 120

_EN_MONTHS: Final = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
#: Month names, January first: English; Russian nominative and genitive; Belarusian nominative and
#: genitive (also the Russian-style ``мая``/``май`` sometimes typed in Belarusian text).
_MONTH_NAMES: Final = (
    _EN_MONTHS,
    ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
     "октябрь", "ноябрь", "декабрь"),
    ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
     "октября", "ноября", "декабря"),
    ("студзень", "люты", "сакавік", "красавік", "травень", "чэрвень", "ліпень", "жнівень",
     "верасень", "кастрычнік", "лістапад", "снежань"),
    ("студзеня", "лютага", "сакавіка", "красавіка", "траўня", "чэрвеня", "ліпеня", "жніўня",
     "верасня", "кастрычніка", "лістапада", "снежня"),
)  # fmt: skip
#: Abbreviations (a dot after them is optional): English, Russian, Belarusian.
_ABBREVIATIONS: Final = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
    "янв": 1, "фев": 2, "февр": 2, "мар": 3, "апр": 4, "июн": 6, "июл": 7, "авг": 8, "сен": 9,
    "сент": 9, "окт": 10, "ноя": 11, "нояб": 11, "дек": 12,
    "студз": 1, "лют": 2, "сак": 3, "крас": 4, "трав": 5, "чэрв": 6, "ліп": 7, "жн": 8,
    "жнів": 8, "вер": 9, "кастр": 10, "ліст": 11, "снеж": 12,
}  # fmt: skip


def _key(word: str) -> str:
    """A month word as looked up: lower case, ``ё``/``ў`` plain, a Latin ``i`` in Cyrillic made ``і``."""
    key = word.lower().replace("ё", "е").replace("ў", "у")
    if re.search("[\u0400-\u04ff]", key):
        key = key.replace("i", "\u0456")
    return key


def _month_table() -> dict[str, int]:
    table = {_key(name): number for names in _MONTH_NAMES for number, name in enumerate(names, 1)}
    table.update({_key(name): number for name, number in _ABBREVIATIONS.items()})
    return table


_MONTHS: Final = _month_table()

_DASHES: Final = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212-"
_DASH_RE: Final = re.compile(f"[{_DASHES}]")
_MON: Final = r"[^\W\d_]{2,12}\.?"
_DAY: Final = r"\d{1,2}(?:st|nd|rd|th)?(?!\d)"
_YEAR: Final = r"\d{4}(?!\d)"
#: Between the two ends: a dash (with or without spaces) or a word.
_SEP: Final = r"(?:\s*-\s*|\s+(?:to|till|until|through|по|до|да)\s+)"
_DAY_YEAR_SEP: Final = r"(?:\s*,\s*|\s+)"

#: ``May 15 – May 21, 2023``, ``Жнівень 9 – Жнівень 15, 2021``, ``May 15 – 21``,
#: ``December 26, 2022 – January 1, 2023``.
_MONTH_FIRST_RE: Final = re.compile(
    rf"^(?P<m1>{_MON})\s*(?P<d1>{_DAY})(?:{_DAY_YEAR_SEP}(?P<y1>{_YEAR}))?{_SEP}"
    rf"(?:(?P<m2>{_MON})\s*)?(?P<d2>{_DAY})(?:{_DAY_YEAR_SEP}(?P<y2>{_YEAR}))?$"
)
#: ``9 – 15 жніўня 2021``, ``30 сентября – 6 октября 2024``, ``26 December 2022 – 1 January 2023``.
_DAY_FIRST_RE: Final = re.compile(
    rf"^(?P<d1>{_DAY})(?:\s*(?P<m1>{_MON})(?:{_DAY_YEAR_SEP}(?P<y1>{_YEAR}))?)?{_SEP}"
    rf"(?P<d2>{_DAY})\s*(?P<m2>{_MON})(?:{_DAY_YEAR_SEP}(?P<y2>{_YEAR}))?$"
)
#: ``15.05 – 21.05.2023``, ``15.05.2023 – 21.05.2023`` (day first).
_NUMERIC_RE: Final = re.compile(
    r"^(?P<d1>\d{1,2})[./](?P<m1>\d{1,2})(?:[./](?P<y1>\d{4}))?\.?"
    + _SEP
    + r"(?P<d2>\d{1,2})[./](?P<m2>\d{1,2})(?:[./](?P<y2>\d{4}))?$"
)
#: ``2023-05-15/2023-05-21`` (ISO 8601 interval), ``2023-05-15 – 2023-05-21``.
_ISO_RE: Final = re.compile(
    r"^(?P<y1>\d{4})-(?P<m1>\d{2})-(?P<d1>\d{2})(?:/|\s*-\s*|\s+(?:to|по|да)\s+)"
    r"(?:(?P<y2>\d{4})-)?(?P<m2>\d{2})-(?P<d2>\d{2})$"
)
_LEAD_RE: Final = re.compile(r"^(?:from|с|з|ад|от)\s+(?=\d|[^\W\d_])")
_TRAIL_RE: Final = re.compile(r"(?:(?<=\d)\s*(?:года|год|гадоў|гг\.|гг|г\.|г))?[\s.,;]*$")


def _clean(raw: str) -> str:
    text = unicodedata.normalize("NFC", collapse_ws(_CONTROL_RE.sub("", raw))).lower()
    text = _DASH_RE.sub("-", text).strip("()[] ")
    text = _TRAIL_RE.sub("", text, count=1)
    return _LEAD_RE.sub("", text, count=1)


def _month(text: str) -> int:
    """The month number of a name or numeral; KeyError or ValueError when it is neither."""
    if text.isdigit():
        number = int(text)
        if not 1 <= number <= 12:
            raise ValueError(text)
        return number
    return _MONTHS[_key(text.rstrip("."))]


def _day(text: str) -> int:
    return int(text.rstrip("stndrh"))


def _valid(start: date, end: date) -> bool:
    return start.year >= EARLIEST_YEAR and end.year <= LATEST_YEAR and 0 <= (end - start).days < MAX_SPAN_DAYS


def _with_end_year(m1: int, d1: int, m2: int, d2: int, year: int) -> tuple[date, date]:
    """The period whose end falls in ``year``; the start a year earlier across a year end."""
    start_year = year if (m1, d1) <= (m2, d2) else year - 1
    return date(start_year, m1, d1), date(year, m2, d2)


def _from_context(m1: int, d1: int, m2: int, d2: int, context: date) -> tuple[date, date] | None:
    """The latest period with these days that ends at most a week after ``context``."""
    latest = context + YEARLESS_SLACK
    for year in range(latest.year, latest.year - 9, -1):
        try:
            start, end = _with_end_year(m1, d1, m2, d2, year)
        except ValueError:
            continue  # 29 February in a common year
        if end <= latest:
            return start, end
    return None


def _resolve(match: re.Match[str], context: date | None) -> tuple[date, date] | None:
    groups = match.groupdict()
    m2 = _month(groups["m2"] or groups["m1"] or "")
    m1 = _month(groups["m1"]) if groups["m1"] else m2
    d1, d2 = _day(groups["d1"]), _day(groups["d2"])
    y1 = int(groups["y1"]) if groups.get("y1") else None
    y2 = int(groups["y2"]) if groups.get("y2") else None
    if y1 is not None and y2 is not None:
        return date(y1, m1, d1), date(y2, m2, d2)
    if y2 is not None:
        return _with_end_year(m1, d1, m2, d2, y2)
    if y1 is not None:  # the year only at the start: the end is in that year or the next
        start = date(y1, m1, d1)
        end = date(y1, m2, d2)
        return (start, end) if end >= start else (start, date(y1 + 1, m2, d2))
    if context is None:
        return None
    return _from_context(m1, d1, m2, d2, context)


def parse_period(raw: str, *, context: date | None = None) -> tuple[date, date] | None:
    """The (first, last) day of a period as shown, or None. Never raises.

    Forms (case-insensitive; hyphen, en dash, em dash or minus between the ends, with or without
    spaces, or ``to``/``по``/``да``): month first ``May 15 – May 21, 2023``, ``Sep 30 – Oct 6,
    2024``, ``May 15 – 21, 2023``; day first ``9 – 15 жніўня 2021``, ``30 сентября – 6 октября 2024 г.``;
    a year at each end ``December 26, 2022 – January 1, 2023``; numeric day first ``15.05 –
    21.05.2023``; ISO ``2023-05-15/2023-05-21``. Month names: English (full or abbreviated),
    Russian and Belarusian, nominative or genitive (``Жнівень 9 – Жнівень 15, 2021``, ``Май 15 –
    Май 21, 2023``), a Latin ``i`` typed for ``і`` accepted; no zero padding or zero padding; a
    trailing ``г.``/``года`` or full stop is ignored.

    A year shown once, at the end, belongs to the end date: ``December 26 – January 1, 2022`` is
    2021-12-26 .. 2022-01-01. A period without a year takes it from ``context`` (a date; a datetime
    counts by its date): the latest year in which the period ends at most 7 days after ``context``;
    None without ``context``. Valid periods only: start <= end, 1..31 days both ends counted, both
    years within 1995..2100.
    """
    if not isinstance(raw, str) or len(raw) > _MAX_LEN * 2:
        return None
    if isinstance(context, datetime):
        context = context.date()
    elif not isinstance(context, date):
        context = None
    text = _clean(raw)
    if len(text) > _MAX_LEN:
        return None
    match = (
        _MONTH_FIRST_RE.match(text)
        or _DAY_FIRST_RE.match(text)
        or _NUMERIC_RE.match(text)
        or _ISO_RE.match(text)
    )
    if match is None:
        return None
    try:
        found = _resolve(match, context)
    except (KeyError, ValueError, OverflowError):
        return None
    if found is None or not _valid(*found):
        return None
    return found


_NOMINATIVE: Final = {"en": _MONTH_NAMES[0], "ru": _MONTH_NAMES[1], "be": _MONTH_NAMES[3]}


def format_period(start: date, end: date, *, lang: Literal["en", "ru", "be"] = "en") -> str:
    """The site's form of a period: ``May 15 – May 21, 2023`` (en dash, no zero padding).

    The year shown is the end's; month names are capitalised, nominative in Russian and
    Belarusian (``Жнівень 9 – Жнівень 15, 2021``). ``parse_period`` reads it back. ValueError for
    another ``lang``.
    """
    if lang not in _NOMINATIVE:
        raise ValueError(f"unknown language {lang!r}")
    names = _NOMINATIVE[lang]
    first = names[start.month - 1].capitalize()
    last = names[end.month - 1].capitalize()
    return f"{first} {start.day} \u2013 {last} {end.day}, {end.year}"
