"""Timestamps: the site's and common formats, relative and year-less dates, to UTC and local ISO.

Pure, total and deterministic, as the whole of ``archiver.normalise``.
"""

from __future__ import annotations

import calendar
import functools
import re
import threading
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Final, Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

from archiver.normalise.text import _CONTROL_RE, collapse_ws

# --------------------------------------------------------------------------------------------
# Timestamps
# --------------------------------------------------------------------------------------------

_EARLIEST: Final = datetime(1995, 1, 1, tzinfo=UTC)
_EARLIEST_DAY: Final = date(1995, 1, 1)
_DATE_LANGUAGES: Final = ("en", "ru", "be")
#: Languages of the second dateparser parser, tried when the first (the site's three) reads
#: nothing and the text holds a year: the languages of the wider press, English first.
_MORE_LANGUAGES: Final = (
    "en", "de", "fr", "es", "it", "pt", "nl", "pl", "uk", "cs", "sk", "sv", "da", "nb", "fi",
    "lt", "lv", "et", "hu", "ro", "tr", "el", "bg", "sr", "hr", "sl", "is", "ca", "ja", "zh", "ko",
)  # fmt: skip
#: A four-digit year (or a CJK year) in the text: with a day, worth the multilingual parser.
_HAS_YEAR_RE: Final = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|\d\s*年")
#: A one- or two-digit number (a day): with a year, worth the multilingual parser (~10 ms a call).
_HAS_DAY_RE: Final = re.compile(r"(?<!\d)\d{1,2}(?!\d)")
#: A four-digit number with a leading zero where a year stands (``0001``, ``0016``): no date.
#: Not after ``.``/``,``/``:`` (fractions, times) or a sign (UTC offsets such as ``+0300``).
_ZERO_YEAR_RE: Final = re.compile(r"(?<![\d.,:+\-\u2212])0\d{3}(?!\d)")
#: Unix time in seconds (9-10 digits, an optional fraction) or milliseconds (12-13 digits).
_EPOCH_RE: Final = re.compile(r"^(?:(?P<s>\d{9,10})(?:\.\d{1,6})?|(?P<ms>\d{12,13}))$")
#: Compact ISO 8601: ``20200316``, ``20200316T13:00:00Z``, ``20200316T130000+0100``.
_COMPACT_ISO_RE: Final = re.compile(
    r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"
    r"(?:T(?P<H>\d{2}):?(?P<M>\d{2})(?::?(?P<S>\d{2})(?:[.,]\d{1,9})?)?"
    r"\s*(?P<z>z|[+-]\d{2}(?::?\d{2})?)?)?$",
    re.IGNORECASE,
)

Precision = Literal["second", "minute", "day"]


class Stated(NamedTuple):
    """A publication date as the page stated it.

    ``instant``: aware, UTC, for a stated time (precision ``second`` or ``minute``); None for a
    calendar date without a time (precision ``day``), which is never made into midnight.
    ``day``: the calendar date as stated (for a time without an offset, in the site's zone; for
    a relative date, the site's local date).
    """

    instant: datetime | None
    day: date
    precision: Precision


#: The settings of the module's one dateparser parser. No TIMEZONE: a result is naive unless the
#: text names a zone, and this module puts it in the caller's ``tz``.
_DATEPARSER_SETTINGS: Final = {
    "DATE_ORDER": "DMY",  # numeric dates on the site's side of the world are day-first
    "PREFER_LOCALE_DATE_ORDER": False,  # ... even when the words around them are English
    "PREFER_DAY_OF_MONTH": "first",  # "November 2016" is 1 November
    "PREFER_MONTH_OF_YEAR": "current",  # only bare years use it (rejected); "first" leaks into
    # bare times in dateparser 1.5 ("10:41" -> 28 January)
    "PREFER_DATES_FROM": "past",  # a weekday or year-less date is in the past (of the base)
    "PARSERS": ["relative-time", "absolute-time"],  # not bare numbers as Unix timestamps
    "IGNORE_SURROUNDING_TEXT": True,  # "Опубликовано: 7 ноября 2016" and other labels
    "STRICT_PARSING": False,
    # relative phrases are read by _relative_parse; dateparser's base is a sentinel (_date_parser)
    "RELATIVE_BASE": datetime(1900, 1, 1),  # noqa: DTZ001 (dateparser wants a naive base)
}
#: Longest cleaned string handed to dateparser: longer text is not a timestamp as shown.
_DATEPARSER_MAX_LEN: Final = 120

_PREFIX_RE: Final = re.compile(
    r"^(?:(?:published|updated|last\s+updated|last\s+modified|posted|date|"
    r"опубликовано|обновлено|дата|апублікавана|абноўлена)\b"
    r"(?:\s+(?:on|at)\b)?\s*[:\-\u2013\u2014]?\s*)+",
    re.IGNORECASE,
)

#: Month names, January first: English; Russian and Belarusian genitive and nominative.
_MONTH_NAMES: Final = (
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"),
    ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
     "октября", "ноября", "декабря"),
    ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
     "октябрь", "ноябрь", "декабрь"),
    ("студзеня", "лютага", "сакавіка", "красавіка", "мая", "чэрвеня", "ліпеня", "жніўня",
     "верасня", "кастрычніка", "лістапада", "снежня"),
    ("студзень", "люты", "сакавік", "красавік", "май", "чэрвень", "ліпень", "жнівень",
     "верасень", "кастрычнік", "лістапад", "снежань"),
)  # fmt: skip


def _month_table() -> dict[str, int]:
    table = {name: number for names in _MONTH_NAMES for number, name in enumerate(names, 1)}
    table.update({name[:3]: number for number, name in enumerate(_MONTH_NAMES[0], 1)})
    table["sept"] = 9
    table.update({"травень": 5, "траўня": 5, "трауня": 5})  # Belarusian May (also typed with у)
    return table


_MONTHS: Final = _month_table()
_CYRILLIC_RE: Final = re.compile("[\u0400-\u04ff]")

#: Zone names the fast path knows (RFC 822 and common): offset in minutes east of UTC.
_ZONES: Final = {
    "z": 0, "ut": 0, "utc": 0, "gmt": 0,
    "est": -300, "edt": -240, "cst": -360, "cdt": -300,
    "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
}  # fmt: skip

_TIME: Final = (
    r"(?P<H>\d{1,2})(?::(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d{1,9})?)?)?"
    r"(?:\s*(?P<ap>[ap])\.?\s?m\.?)?"
)
_ZONE: Final = (
    r"(?:\s*(?P<z>z|utc|gmt|ut|[+-]\d{2}:?\d{2}|(?:utc|gmt)\s?[+-]\d{1,2}(?::?\d{2})?|[ecmp][sd]t))?"
)
_TIME_SEP: Final = r"(?:\s*,\s*|\s+)(?:(?:at|в|ў|у|о|а)\s+)?"
_WEEKDAY: Final = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_YEAR_WORD: Final = r"(?:\s*(?:г\.|г|года|год|гады)(?=\s|$|,))?"

#: "November 07, 2016 10:41" (the site), "Nov 7 2016, 3:05 pm", "November 2016".
_MONTH_FIRST_RE: Final = re.compile(
    rf"^{_WEEKDAY}(?P<mon>[^\W\d_]{{3,12}})\.?\s*(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+)?"
    rf"(?P<y>\d{{4}})(?:{_TIME_SEP}{_TIME}{_ZONE})?$",
    re.IGNORECASE,
)
#: "7 November 2016", "Mon, 07 Nov 2016 07:41:00 +0000" (RFC 822), "7 ноября 2016 года в 10:41".
_DAY_FIRST_RE: Final = re.compile(
    rf"^{_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>[^\W\d_]{{3,12}})\.?,?\s+"
    rf"(?P<y>\d{{4}}|\d{{2}}(?=\s+\d{{1,2}}:)){_YEAR_WORD}(?:{_TIME_SEP}{_TIME}{_ZONE})?$",
    re.IGNORECASE,
)
#: "07.11.2016", "7/11/2016 10:41": day first.
_NUMERIC_RE: Final = re.compile(
    rf"^(?P<d>\d{{1,2}})(?P<sep>[./-])(?P<m>\d{{1,2}})(?P=sep)(?P<y>\d{{4}}){_YEAR_WORD}"
    rf"(?:{_TIME_SEP}{_TIME}{_ZONE})?$",
    re.IGNORECASE,
)
#: ISO 8601: "2016-11-07", "2016-11-07T10:41:00+03:00", "2016-11-07 10:41:00.123Z".
_ISO_RE: Final = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d{1,9})?)?"
    r"\s*(?P<z>z|[+-]\d{2}(?::?\d{2})?)?)?$",
    re.IGNORECASE,
)


#: A time without a date ("10:41", "at 3:05 pm"): not a publication date.
_BARE_TIME_RE: Final = re.compile(rf"^(?:(?:at|в|ў|у|о|а)\s+)?{_TIME}{_ZONE}$", re.IGNORECASE)
#: "November 7", "Nov 7, 10:41": a month and a day without a year.
_MONTH_DAY_RE: Final = re.compile(
    rf"^{_WEEKDAY}(?P<mon>[^\W\d_]{{3,12}})\.?\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:{_TIME_SEP}{_TIME}{_ZONE})?$",
    re.IGNORECASE,
)
#: "7 November", "7 ноября в 10:41": a day and a month without a year.
_DAY_MONTH_RE: Final = re.compile(
    rf"^{_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>[^\W\d_]{{3,12}})\.?"
    rf"(?:{_TIME_SEP}{_TIME}{_ZONE})?$",
    re.IGNORECASE,
)

# Relative dates, against ``now``: "2 hours ago", "2 дня назад", "3 гадзіны таму", "yesterday, 10:41".
_UNIT_WORDS: Final = {
    "seconds": "second seconds sec secs секунда секунду секунды секунд сек",
    "minutes": "minute minutes min mins минута минуту минуты минут мин хвіліна хвіліну хвіліны хвілін хв",
    "hours": "hour hours hr hrs час часа часов ч гадзіна гадзіну гадзіны гадзін гадз",
    "days": "day days день дня дней дзень дні дзён",
    "weeks": "week weeks неделя неделю недели недель тыдзень тыдні тыдняў",
    "months": "month months месяц месяца месяцев месяцы месяцаў",
    "years": "year years год года лет гады гадоў",
}
_UNITS: Final = {word: unit for unit, words in _UNIT_WORDS.items() for word in words.split()}
_ONE_WORDS: Final = frozenset({"a", "an", "one", "один", "одна", "одну", "адзін", "адна", "адну"})
_AGO_RE: Final = re.compile(
    r"^(?:(?P<n>\d{1,4}|[^\W\d_]+)\s+)?(?P<unit>[^\W\d_]+)\.?\s+(?:ago|назад|таму)$", re.IGNORECASE
)
#: Day words -> days before today.
_DAY_WORDS: Final = {
    "today": 0, "yesterday": 1, "the day before yesterday": 2,
    "сегодня": 0, "вчера": 1, "позавчера": 2,
    "сёння": 0, "сення": 0, "учора": 1, "ўчора": 1, "вчора": 1, "пазаўчора": 2, "пазаучора": 2,
}  # fmt: skip
_DAY_WORD_RE: Final = re.compile(
    rf"^(?P<day>the day before yesterday|[^\W\d_]+)(?:{_TIME_SEP}{_TIME}{_ZONE})?$", re.IGNORECASE
)
_NOW_WORDS: Final = frozenset({"now", "just now", "right now", "только что", "сейчас", "щойна", "зараз"})


class _Parsed(NamedTuple):
    """A fast-path result: the wall time, its UTC offset when the text gave one, its precision."""

    wall: datetime
    offset: timedelta | None
    precision: Precision


class _Found(NamedTuple):
    """A parsed date: aware (in the stated offset or the site's zone), and its precision."""

    when: datetime
    precision: Precision


def _precision(match: re.Match[str]) -> Precision:
    """``day`` without a time, ``second`` with seconds, else ``minute``."""
    groups = match.groupdict()
    if groups.get("H") is None:
        return "day"
    return "second" if groups.get("S") is not None else "minute"


@functools.lru_cache(maxsize=32)
def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {tz!r}") from exc


def _zone_offset(text: str | None) -> timedelta | None:
    """``+03:00``, ``-0500``, ``+03``, ``GMT+3``, ``UTC``, ``EST`` -> offset; None for none."""
    if not text:
        return None
    text = text.lower().replace(" ", "")
    if text in _ZONES:
        return timedelta(minutes=_ZONES[text])
    if text[:3] in ("utc", "gmt"):
        text = text[3:]
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    if len(digits) <= 2:
        hours, minutes = int(digits), 0
    else:
        hours, minutes = int(digits[:-2]), int(digits[-2:])
    if hours > 14 or minutes > 59:
        raise ValueError(f"bad offset {text!r}")
    return sign * timedelta(hours=hours, minutes=minutes)


def _clock(match: re.Match[str]) -> time:
    """The time of day in a match of ``_TIME`` (midnight when absent); ValueError if invalid."""
    groups = match.groupdict()
    hour_text = groups["H"]
    if hour_text is None:
        return time(0, 0)
    minute_text, second_text, meridiem = groups["M"], groups["S"], groups.get("ap")
    hour = int(hour_text)
    if minute_text is None and meridiem is None:
        raise ValueError("a bare number is not a time")
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise ValueError("12-hour clock out of range")
        hour = hour % 12 + (12 if meridiem.lower() == "p" else 0)
    return time(hour, int(minute_text or 0), int(second_text or 0))


def _month_number(name: str) -> int:
    key = name.lower()
    if _CYRILLIC_RE.search(key):
        key = key.replace("i", "\u0456")  # a Latin i typed for the Belarusian one
    return _MONTHS[key]  # KeyError: not a month name


def _fast_parse(text: str) -> _Parsed | None:
    """Parse the common formats with regexes; None when none matches (try dateparser)."""
    try:
        if match := _MONTH_FIRST_RE.match(text) or _DAY_FIRST_RE.match(text):
            year_text = match.group("y")
            year = int(year_text)
            if len(year_text) == 2:  # RFC 822 two-digit year (never a four-digit one)
                year += 2000 if year < 50 else 1900
            day = int(match.group("d") or 1)
            wall_date = date(year, _month_number(match.group("mon")), day)
        elif match := _NUMERIC_RE.match(text) or _ISO_RE.match(text) or _COMPACT_ISO_RE.match(text):
            wall_date = date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
        else:
            return None
        wall = datetime.combine(wall_date, _clock(match))
        return _Parsed(wall, _zone_offset(match.group("z")), _precision(match))
    except (KeyError, ValueError, OverflowError):
        return None


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=zone)


def _months_before(day: date, months: int) -> date:
    """The same day of the month ``months`` months earlier (the month's last day if shorter)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))


def _with_time(day: date, match: re.Match[str], zone: ZoneInfo) -> datetime:
    """``day`` at the time of ``match`` (midnight when it has none), in its zone or ``zone``."""
    offset = _zone_offset(match.group("z"))
    tzinfo = zone if offset is None else timezone(offset)
    return datetime.combine(day, _clock(match), tzinfo=tzinfo)


def _relative_parse(text: str, zone: ZoneInfo, now: datetime) -> _Found | None:  # noqa: PLR0911
    """``2 hours ago``, ``yesterday, 10:41``, ``вчера в 10:41``, ``3 гадзіны таму`` against ``now``.

    Seconds, minutes and hours count back from ``now`` (precision second or minute); days,
    weeks, months and years count back calendar days in ``zone`` (precision day, the date at
    local midnight). None when the text is not relative.
    """
    lowered = text.lower()
    if lowered in _NOW_WORDS:
        return _Found(now.replace(microsecond=0).astimezone(zone), "second")
    today = now.astimezone(zone).date()
    try:
        if match := _AGO_RE.match(lowered):
            unit = _UNITS.get(match.group("unit"))
            number_text = match.group("n")
            if unit is None:
                return None
            if number_text is None or number_text in _ONE_WORDS:
                number = 1
            elif number_text.isdigit():
                number = int(number_text)
            else:
                return None
            if unit in ("seconds", "minutes", "hours"):
                back = (now - timedelta(**{unit: number})).replace(microsecond=0).astimezone(zone)
                return _Found(back, "second" if unit == "seconds" else "minute")
            if unit in {"months", "years"}:
                months = number * (12 if unit == "years" else 1)
                return _Found(_local_midnight(_months_before(today, months), zone), "day")
            days = number * (7 if unit == "weeks" else 1)
            return _Found(_local_midnight(today - timedelta(days=days), zone), "day")
        if (match := _DAY_WORD_RE.match(lowered)) and match.group("day") in _DAY_WORDS:
            day = today - timedelta(days=_DAY_WORDS[match.group("day")])
            return _Found(_with_time(day, match, zone), _precision(match))
    except (ValueError, OverflowError):
        return None
    return None


def _resolve_year(month: int, day: int, clock: time, zone: ZoneInfo, now: datetime) -> datetime | None:
    """A date shown without its year: the latest one at most a day after ``now`` (in ``zone``)."""
    latest = now + timedelta(days=1)
    for year in range(latest.astimezone(zone).year, latest.year - 9, -1):
        try:
            found = datetime.combine(date(year, month, day), clock, tzinfo=zone)
        except ValueError:
            continue  # 29 February of a common year
        if found <= latest:
            return found
    return None


def _yearless_parse(text: str, zone: ZoneInfo, now: datetime) -> _Found | None:
    """``November 7``, ``7 ноября в 10:41``: the latest such day that is not in the future."""
    match = _MONTH_DAY_RE.match(text) or _DAY_MONTH_RE.match(text)
    if match is None:
        return None
    try:
        month, day = _month_number(match.group("mon")), int(match.group("d"))
        found = _resolve_year(month, day, _clock(match), zone, now)
        offset = _zone_offset(match.group("z"))
    except (KeyError, ValueError, OverflowError):
        return None
    if found is None:
        return None
    if offset is not None:
        found = found.replace(tzinfo=timezone(offset))
    return _Found(found, _precision(match))


_DATE_PARSER_LOCK: Final = threading.Lock()


@functools.cache
def _date_parser(languages: tuple[str, ...] = _DATE_LANGUAGES) -> DateDataParser:
    """The module's dateparser parser for ``languages``, built on first need with explicit settings.

    dateparser is imported here: it costs ~0.1 s (the multilingual parser ~1 s on its first
    use), and most dates take the fast paths. Its relative base is fixed in the past (1900), so
    that a relative phrase this module does not read itself parses to a date before 1995
    (rejected), never to one against the real clock.
    """
    from dateparser.date import DateDataParser

    return DateDataParser(languages=list(languages), settings=dict(_DATEPARSER_SETTINGS))


def _dateparser_data(text: str, languages: tuple[str, ...]) -> tuple[object, frozenset[str]]:
    try:
        with _DATE_PARSER_LOCK:
            data = _date_parser(languages).get_date_data(text)
    # dateparser is third-party code fed arbitrary page text: whatever it raises means "no date"
    except Exception:  # noqa: BLE001
        return None, frozenset()
    return data.date_obj, frozenset(data.parts or ())


def _slow_parse(text: str, zone: ZoneInfo, now: datetime) -> _Found | None:
    """Parse with dateparser: the site's languages, then (text with a year) the wider press's."""
    if len(text) > _DATEPARSER_MAX_LEN or _BARE_TIME_RE.match(text):
        return None
    found, parts = _dateparser_data(text, _DATE_LANGUAGES)
    if not isinstance(found, datetime) and _HAS_YEAR_RE.search(text) and _HAS_DAY_RE.search(text):
        found, parts = _dateparser_data(text, _MORE_LANGUAGES)
    if not isinstance(found, datetime) or "month" not in parts or not parts & {"day", "year"}:
        return None  # a bare year, month, day of month or time is not a date
    if "time" not in parts:
        found = found.replace(hour=0, minute=0, second=0, microsecond=0)
        precision: Precision = "day"
    else:
        precision = "second" if found.second or found.microsecond else "minute"
        found = found.replace(microsecond=0)
    if "year" not in parts:  # "7 Nov.": dateparser took the year of its base; the real one is ours
        if found.tzinfo is not None:
            return None
        resolved = _resolve_year(found.month, found.day, found.time(), zone, now)
        return None if resolved is None else _Found(resolved, precision)
    if found.tzinfo is None:
        return _Found(found.replace(tzinfo=zone, fold=0), precision)
    return _Found(found, precision)


def _epoch_parse(text: str, zone: ZoneInfo) -> _Found | None:
    """Unix time: ``1584363600`` (seconds) or ``1584363600000`` (milliseconds), in ``zone``."""
    match = _EPOCH_RE.match(text)
    if match is None:
        return None
    try:
        if match.group("ms"):
            return _Found(datetime.fromtimestamp(int(match.group("ms")) // 1000, tz=zone), "second")
        return _Found(datetime.fromtimestamp(int(match.group("s")), tz=zone), "second")
    except (OverflowError, ValueError, OSError):
        return None


def _parse(text: str, zone: ZoneInfo, now: datetime) -> _Found | None:
    """Any form this module reads, aware (in the stated offset or ``zone``), or None."""
    if _ZERO_YEAR_RE.search(text):
        return None  # year 0001, 0016: never read as 2001 or 2016
    if epoch := _epoch_parse(text, zone):
        return epoch
    parsed = _fast_parse(text)
    if parsed is None:
        return (
            _relative_parse(text, zone, now)
            or _yearless_parse(text, zone, now)
            or _slow_parse(text, zone, now)
        )
    if parsed.offset is None:
        return _Found(parsed.wall.replace(tzinfo=zone, fold=0), parsed.precision)
    return _Found(parsed.wall.replace(tzinfo=timezone(parsed.offset)), parsed.precision)


def _prepare(raw: str, tz: str, now: datetime) -> tuple[str, ZoneInfo, datetime]:
    zone = _zone(tz)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    text = _PREFIX_RE.sub("", collapse_ws(_CONTROL_RE.sub("", raw))) if isinstance(raw, str) else ""
    return text, zone, now


def parse_stated(raw: str, *, now: datetime, tz: str = "Europe/Minsk") -> Stated | None:  # noqa: PLR0911
    """A publication date as shown -> what it states (``Stated``), or None.

    Reads every form ``parse_published`` reads, and keeps what was stated: a time with seconds
    is precision ``second``, with minutes ``minute``; a calendar date without a time is
    precision ``day`` with ``instant`` None (never invented as midnight; a month without a day,
    ``Nov 2016``, is its first day). Relative dates: seconds ago and ``now`` are ``second``,
    minutes and hours ago ``minute``, days and longer ``day``. Also Unix time in seconds or
    milliseconds (``1584363600``, ``1584363600000``; precision second), compact ISO 8601
    (``20200316``, ``20200316T13:00:00Z``), and, through dateparser, dates in the languages of
    the wider press (``21. Januar 2022``, ``3 de marzo de 2021``, ``2021年3月5日``). A four-digit
    year is never read as a two-digit one (``January 01, 0001`` is no date). None when there is
    no date, or the instant is before 1995-01-01T00:00Z, or the day before 1995-01-01, or either
    is more than a day after ``now``. ``tz``: the site's IANA zone (ValueError if unknown).
    """
    text, zone, now = _prepare(raw, tz, now)
    if not text:
        return None
    found = _parse(text, zone, now)
    if found is None:
        return None
    when, precision = found
    if precision == "day":
        latest_day = (now.astimezone(zone) + timedelta(days=1)).date()
        if not _EARLIEST_DAY <= when.date() <= latest_day:
            return None
        return Stated(None, when.date(), "day")
    try:
        instant = when.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    if not _EARLIEST <= instant <= now + timedelta(days=1):
        return None
    return Stated(instant, when.date(), precision)


def parse_published(raw: str, *, now: datetime, tz: str = "Europe/Minsk") -> datetime | None:
    """A publication time as shown -> an aware datetime in UTC, or None (legacy: see parse_stated).

    ``now`` is the fetch time (aware; a naive one is taken as UTC). Understood: the site's
    ``November 07, 2016 10:41``; month names in English (full or abbreviated), Russian and
    Belarusian (nominative or genitive); 12- and 24-hour clocks; ISO 8601 (also compact);
    RFC 822; numeric day-first dates (``07.11.2016``); Unix time; a date without a year (the
    latest such day up to ``now``); relative dates against ``now`` (``2 hours ago``, ``2 дня
    назад``, ``yesterday, 10:41``, ``вчера в 10:41``); labels before the date (``Published:``);
    other languages through dateparser. The common formats are read by this module's own
    patterns; the rest go to module-level dateparser ``DateDataParser`` objects. A time without
    an offset is local to ``tz`` (an IANA name; ValueError if unknown), the earlier of two
    ambiguous wall times (fold=0). Legacy: a date without a time becomes local midnight (today's
    callers); ``parse_stated`` keeps it a date. None when there is no date, or it is before
    1995-01-01 or more than a day after ``now``.
    """
    stated = parse_stated(raw, now=now, tz=tz)
    if stated is None:
        return None
    if stated.instant is not None:
        return stated.instant
    _text, zone, now = _prepare("", tz, now)
    result = _local_midnight(stated.day, zone).astimezone(UTC)
    if not _EARLIEST <= result <= now + timedelta(days=1):
        return None
    return result


def to_utc_iso(dt: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` for the instant (a naive datetime is taken as UTC)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    utc = dt.astimezone(UTC)
    return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"


def to_local_iso(dt: datetime, tz: str = "Europe/Minsk") -> str:
    """``YYYY-MM-DDTHH:MM:SS+03:00``: the instant in ``tz`` with that instant's offset there.

    A naive datetime is taken as UTC; an unknown ``tz`` raises ValueError.
    """
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(_zone(tz)).replace(microsecond=0).isoformat()
