"""The one ``--since``/``--until`` grammar of the command line (crawl, search, export).

A bound is ``YYYY`` (the year's first instant), ``YYYY-MM`` (the month's), ``YYYY-MM-DD`` (the
day's midnight) or an ISO 8601 time (``2024-01-31T10:00``, ``...+03:00``, ``...Z``), all in UTC
unless the time has an offset; the result is the archive's form ``YYYY-MM-DDTHH:MM:SSZ``, which
compares as text with its ``*_at`` columns. A fraction of a second rounds up to the next second,
so that comparing whole-second timestamps keeps since inclusive and until exclusive:
``--since 2016 --until 2017`` is the year 2016. Pure functions, no clock.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Final

DATE_FORMS: Final = "YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 time (2024-01-31T10:00:00+03:00)"
"""What a bound may be: the wording of every error about one."""

_CALENDAR: Final = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def parse_bound(text: str) -> str:
    """``text`` (a year, month, day or ISO 8601 time) as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC).

    Raises ValueError naming DATE_FORMS for anything else (``2016-13``, ``yesterday``, ``''``).
    """
    value = text.strip()
    calendar = _CALENDAR.fullmatch(value)
    try:
        if calendar is not None:
            year, month, day = (int(part) if part else 1 for part in calendar.groups())
            instant = datetime(year, month, day, tzinfo=UTC)
        else:
            instant = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
            if instant.tzinfo is None:
                instant = instant.replace(tzinfo=UTC)
            instant = instant.astimezone(UTC)
            if instant.microsecond:
                instant = instant.replace(microsecond=0) + timedelta(seconds=1)
    except (ValueError, OverflowError):
        raise ValueError(f"expected {DATE_FORMS}, got {text!r}") from None
    return instant.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def check_order(since: str | None, until: str | None) -> None:
    """Raise ValueError when both bounds (``parse_bound``'s form) are given and until <= since."""
    if since is not None and until is not None and until <= since:
        raise ValueError(f"--until ({until}) must be later than --since ({since})")
