"""Time passing on the replica: when new articles appear, and what an edit does to a body.

``ReplicaSite.advance`` uses these. New articles are published after every existing one, in
``(now, at]``, whole minutes, the newest at ``at``, a few hours apart; an edit appends a
paragraph or rewrites a plain one (a paragraph with no link, emphasis or break), and sometimes
gives the article a new title.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from archiver.replica.content import Block, Body, Edit, Inline
from archiver.replica.rand import pick
from archiver.replica.schedule import MINSK, iso_local
from archiver.replica.wordbank import Prose

HOURS_PER_ARTICLE: Final = 3
"""The default ``at`` of ``advance``: this many hours after ``now`` per new article (at least one
step of it)."""
P_REWRITE: Final = 0.5
"""Chance that an edit rewrites a plain paragraph (else it appends one), when there is one."""
P_TITLE_EDIT: Final = 0.3
"""Chance that an edit also gives the article a new title."""
UPDATE: Final = "Update: "
"""How an appended paragraph starts."""


@dataclass(frozen=True, slots=True)
class Change:
    """What one ``ReplicaSite.advance`` did: the paths of the articles it published (newest first)
    and of those it edited (in site order, newest first), and the site's new ``now``."""

    new: tuple[str, ...]
    edited: tuple[str, ...]
    at: datetime

    def as_json(self) -> dict[str, Any]:
        """``{"new": [...], "edited": [...], "at": "2026-11-28T20:00:00+03:00"}``."""
        return {"new": list(self.new), "edited": list(self.edited), "at": iso_local(self.at)}


def normalise_at(at: datetime, now: datetime, new: int) -> datetime:
    """``at`` in Minsk time, whole seconds; ValueError when naive, not after ``now``, or too soon
    after it for ``new`` articles of distinct whole minutes."""
    if at.tzinfo is None:
        raise ValueError("at must be an aware datetime")
    at = at.astimezone(MINSK).replace(microsecond=0)
    if at <= now:
        raise ValueError(f"at must be after the site's now ({now.isoformat()}), got {at.isoformat()}")
    if _minutes(now, at) < new:
        raise ValueError(f"at leaves no room for {new} new articles after {now.isoformat()}")
    return at


def default_at(now: datetime, new: int) -> datetime:
    """A few hours after ``now`` per new article."""
    return now + timedelta(hours=HOURS_PER_ARTICLE * max(1, new))


def new_times(now: datetime, at: datetime, count: int) -> list[datetime]:
    """``count`` distinct whole-minute Minsk times in ``(now, at]``, oldest first: the last is ``at``
    (to the minute), the others before it, ``HOURS_PER_ARTICLE`` apart, or closer when ``(now, at]``
    is too short for that. ``at`` must leave room (``normalise_at``)."""
    if not count:
        return []
    base = now.astimezone(MINSK).replace(second=0, microsecond=0)
    span = _minutes(now, at)
    gap = min(HOURS_PER_ARTICLE * 60, span // count)
    last = base + timedelta(minutes=span)
    return [last - timedelta(minutes=(count - i) * gap) for i in range(1, count + 1)]


def _minutes(now: datetime, at: datetime) -> int:
    """Whole minutes from ``now`` (down to its minute) to ``at``."""
    base = now.astimezone(MINSK).replace(second=0, microsecond=0)
    return int((at - base).total_seconds() // 60)


def draw_cases(rng: random.Random, shares: Mapping[str, float]) -> set[str]:
    """Each case with its share as a probability (for one article published later)."""
    return {case for case, share in shares.items() if rng.random() < share}


def draw_form(rng: random.Random, shares: Mapping[str, float]) -> str | None:
    """At most one case, each with its share as a probability; None for the rest."""
    roll, total = rng.random(), 0.0
    for case, share in shares.items():
        total += share
        if roll < total:
            return case
    return None


def make_edit(rng: random.Random, body: Body, prose: Prose) -> Edit:
    """An edit of ``body`` that changes its text: rewrite a plain paragraph, or append one."""
    plain = [i for i, block in enumerate(body.blocks) if _is_plain(block)]
    if plain and rng.random() < P_REWRITE:
        at = pick(rng, plain)
        text = " ".join(prose.paragraph(rng.randint(2, 3)))
        if text != body.blocks[at].text():
            return Edit("rewrite", at, text)
    return Edit("append", len(body.blocks), UPDATE + " ".join(prose.paragraph(rng.randint(1, 2))))


def apply_edits(body: Body, edits: Iterable[Edit]) -> Body:
    """``body`` with ``edits`` made to it, in turn."""
    blocks = list(body.blocks)
    for edit in edits:
        paragraph = Block("p", (Inline(edit.text),))
        if edit.kind == "rewrite":
            blocks[edit.block] = paragraph
        else:
            blocks.insert(edit.block, paragraph)
    return Body(tuple(blocks))


def new_title(prose: Prose, old: str) -> str:
    """A headline other than ``old``."""
    for _ in range(8):
        title = prose.title()
        if title != old:
            return title
    return f"{old}: an update"


def _is_plain(block: Block) -> bool:
    """A paragraph of plain text runs only (no link, emphasis or break)."""
    return block.kind == "p" and bool(block.inlines) and all(r.kind == "text" for r in block.inlines)
