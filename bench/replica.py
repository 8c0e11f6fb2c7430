"""Benchmark 10: building the replica's metadata (``ReplicaSite(n)``), in CPU seconds and wall
seconds, best of ``--repeat``. Target: 20,000 articles in under 6 CPU seconds (the figure
docs/replica.md, "Fast", states). Moved here from tests/test_replica.py (issue 15: no timing in
tests; the test keeps the size and uniqueness of the paths). Run:
``.venv/bin/python bench/replica.py`` (~20 s); ``--articles 2000`` for a quick look.
"""

from __future__ import annotations

import argparse
import time

from common import best_of, header, verdict

from archiver.replica import ReplicaSite

TARGET_CPU_S = 6.0
"""CPU seconds for 20,000 articles (scaled linearly for other sizes)."""


def main() -> None:
    """Build the site ``--repeat`` times and print the best CPU and wall time."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    header(f"replica build: ReplicaSite({args.articles}, seed={args.seed})")

    def build() -> object:
        return ReplicaSite(args.articles, seed=args.seed)

    cpu = best_of(build, args.repeat, clock=time.process_time)
    wall = best_of(build, args.repeat)
    target = TARGET_CPU_S * args.articles / 20_000
    print(f"best of {args.repeat}: {cpu:.2f} CPU s, {wall:.2f} s wall "
          f"({args.articles / cpu:,.0f} articles per CPU s)")
    print(f"target: <= {target:.2f} CPU s: {verdict(cpu <= target)}")


if __name__ == "__main__":
    main()
