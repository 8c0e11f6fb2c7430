"""When weekly pages switch to the markup the page object has never seen (``weekly.unknown_article_page``).

``ReplicaSite(redesign_from=...)`` names the moment: weekly pages of articles published then or
later (every weekly page with ``"all"``) are served in the unknown markup, for the health check
and the page object's text fallbacks. (The invented "2025 redesign" template that lived here
is gone: the site's second template is the real weekly era, weekly.py.)
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal

from archiver.replica.schedule import MINSK

Redesign = datetime | Literal["all"] | None
"""When weekly pages switch to the unknown markup: an aware moment, ``"all"`` (every weekly
page), or None (never)."""


def parse_redesign(value: date | datetime | str | None) -> Redesign:
    """``ReplicaSite(redesign_from=...)`` -> a ``Redesign``: a ``date`` is 00:00 Minsk time of that
    day, an aware ``datetime`` is itself, a string is ``"all"`` or an ISO 8601 date or aware time.
    ValueError for a naive datetime or an unreadable string."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.lower() == "all":
            return "all"
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"redesign_from must be 'all' or an ISO 8601 date, got {value!r}") from None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("redesign_from must be an aware datetime (or a date)")
        return value.astimezone(MINSK)
    return datetime.combine(value, time(0, 0), tzinfo=MINSK)


def redesigned(redesign: Redesign, moment: datetime) -> bool:
    """Whether a weekly page of an article published at ``moment`` is in the unknown markup."""
    if redesign is None:
        return False
    return redesign == "all" or moment >= redesign
