"""The publication calendar of the replica, and the timestamp formats the site and its feeds use.

Times are Europe/Minsk wall-clock times (UTC+2 with summer time until March 2011, UTC+3 since).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime
from typing import Final
from zoneinfo import ZoneInfo

from archiver.replica.rand import Weighted

MINSK: Final = ZoneInfo("Europe/Minsk")
FIRST_DAY: Final = date(2011, 1, 3)
"""The Monday of the first week of publication."""
DEFAULT_NOW: Final = datetime(2026, 11, 1, 12, 0, tzinfo=MINSK)
"""The replica's clock unless told otherwise: no article is published after it."""

MONTHS: Final = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
_HOUR_DRAW: Final = Weighted(range(9, 20), (3, 6, 6, 5, 4, 4, 3, 3, 2, 1, 1))
_WEEKDAY_DRAW: Final = Weighted(range(5), (5, 1.5, 1.5, 1.5, 1))
_WEEKLY: Final = 1.2
"""Up to this many articles a week, nearly all appear on Mondays."""


def publication_times(n: int, seed: int, now: datetime) -> list[datetime]:
    """``n`` distinct aware Minsk times, oldest first, spread evenly from 2011-01-03 to ``now``.

    Mostly Mondays (several days a week when there are more articles than weeks), between 09:00
    and 19:59, whole minutes, every one at least a day before ``now``. ValueError when ``now`` is
    naive or before February 2011.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    last_day = now.astimezone(MINSK).date() - timedelta(days=1)
    span = (last_day - FIRST_DAY).days + 1
    if span < 28:
        raise ValueError(f"now must be after January 2011, got {now.isoformat()}")
    rng = random.Random(f"replica/{seed}/dates")
    per_week = n * 7 / span
    times: list[datetime] = []
    for i in range(n):
        day = FIRST_DAY + timedelta(days=int((i + 0.5) * span / n))
        monday = day - timedelta(days=day.weekday())
        if per_week <= _WEEKLY:
            weekday = 0 if rng.random() < 0.85 else 1 + int(rng.random() * 4)
        else:
            weekday = _WEEKDAY_DRAW.draw(rng)
        day = min(monday + timedelta(days=weekday), last_day)
        clock = time(_HOUR_DRAW.draw(rng), int(rng.random() * 60))
        times.append(datetime.combine(day, clock, tzinfo=MINSK))
    times.sort()
    for i in range(1, n):  # equal minutes: nudge the later one on, so the order is strict
        if times[i] <= times[i - 1]:
            times[i] = times[i - 1] + timedelta(minutes=1)
    return times


def shown(moment: datetime) -> str:
    """As the site shows it: ``November 07, 2016 10:41`` (Minsk time, 24-hour clock)."""
    local = moment.astimezone(MINSK)
    return f"{MONTHS[local.month - 1]} {local.day:02d}, {local.year} {local.hour:02d}:{local.minute:02d}"


def rfc822(moment: datetime) -> str:
    """For RSS ``pubDate``, in UTC: ``Mon, 07 Nov 2016 07:41:00 +0000``."""
    return format_datetime(moment.astimezone(UTC))


def iso_utc(moment: datetime) -> str:
    """``2016-11-07T07:41:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_local(moment: datetime) -> str:
    """``2016-11-07T10:41:00+03:00``: Minsk time with that date's offset (W3C datetime)."""
    return moment.astimezone(MINSK).isoformat(timespec="seconds")


DRUPAL_END: Final = datetime(2022, 1, 10, 0, 0, tzinfo=MINSK)
"""The switch to the weekly (WordPress) era: articles published before it are Drupal pages (some
re-published as weekly pages), those published from it on are weekly pages only. [guess: the
evidence puts the switch between November 2021 and February 2022]"""


def week_of(day: date) -> tuple[date, date]:
    """The Monday-to-Sunday week holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def week(start: date, end: date, *, year: bool = True) -> str:
    """``May 15 – May 21, 2023``, ``September 30 – October 6, 2024``, ``December 26 – January 1,
    2023`` (the year once, at the end: the year of the Sunday); without the year in listings."""
    text = f"{MONTHS[start.month - 1]} {start.day} – {MONTHS[end.month - 1]} {end.day}"
    return f"{text}, {end.year}" if year else text
