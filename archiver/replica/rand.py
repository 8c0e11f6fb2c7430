"""Fast, deterministic draws from a seeded ``random.Random`` (one ``random()`` call per draw)."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """A uniformly chosen element of ``items`` (not empty)."""
    return items[int(rng.random() * len(items))]


class Weighted(Generic[T]):
    """A weighted choice among fixed ``items``."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if len(items) != len(weights) or not items:
            raise ValueError("items and weights must be non-empty and of equal length")
        self.items = tuple(items)
        self._cumulative = list(accumulate(weights))
        self._total = self._cumulative[-1]

    def draw(self, rng: random.Random) -> T:
        """One item, with probability proportional to its weight."""
        return self.items[bisect(self._cumulative, rng.random() * self._total)]
