"""The crawl's clock: real time, or a frozen instant for tests and reproducible runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""A function returning the current instant as an aware datetime."""


def system_clock() -> datetime:
    """The current instant in UTC."""
    return datetime.now(UTC)


def frozen_clock(instant: str) -> Clock:
    """A clock stuck at ``instant`` (ISO 8601; ``Z`` or an offset; naive means UTC)."""
    parsed = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    frozen = parsed.astimezone(UTC)
    return lambda: frozen


def clock_from_setting(value: str | None) -> Clock:
    """The clock for the ``ARCHIVER_NOW`` setting: frozen when set, the system clock otherwise."""
    return frozen_clock(value) if value else system_clock


def iso_utc(instant: datetime) -> str:
    """``instant`` as ``YYYY-MM-DDTHH:MM:SSZ`` (the year always four digits: ``0999``)."""
    utc = instant.astimezone(UTC)
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}Z"  # strftime's %Y drops zeros on glibc
