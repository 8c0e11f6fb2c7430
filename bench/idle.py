"""Benchmark 4: an idle cron run: ``archiver crawl`` again on an up-to-date archive of an unchanged
replica. Figures: requests the replica server saw and wall time, against the interpreter's start
(``python -c pass``) and the import of the CLI (``python -c "import archiver.cli"``).

Run: ``.venv/bin/python bench/idle.py`` (1,000 articles, ~1 min); ``--articles 5000`` for the
full size. Target: <= 5 requests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

from common import crawl_cmd, header, median, run, verdict

from archiver.replica import ReplicaServer, ReplicaSite

TARGET = 5


def main() -> None:
    """Full crawl once, then ``--runs`` idle runs; time the interpreter baselines alike."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3, help="idle runs (median wall time)")
    args = parser.parse_args()
    header(f"idle: incremental crawl of an up-to-date {args.articles}-article archive")
    site = ReplicaSite(args.articles, seed=args.seed)
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "archive.db"
        first, seconds = run(crawl_cmd(server.base_url, db))
        print(f"first (full) crawl: exit {first.returncode}, {len(server.request_log)} requests, "
              f"{seconds:.1f} s")
        walls, counts = [], []
        for _ in range(args.runs):
            server.clear_log()
            result, wall = run(crawl_cmd(server.base_url, db))
            walls.append(wall)
            counts.append(len(server.request_log))
        paths = Counter(server.request_log)
        summary = result.stdout.strip().splitlines()[:1]
    baselines = {
        code: median([run([sys.executable, "-c", code])[1] for _ in range(args.runs)])
        for code in ("pass", "import archiver.cli")
    }
    print(f"idle run: {counts} requests (last run: {dict(paths)}), exit {result.returncode}, "
          f"median wall {median(walls):.2f} s ({', '.join(f'{w:.2f}' for w in walls)})")
    print(f"  summary: {' '.join(summary)}")
    for code, wall in baselines.items():
        print(f'python -c "{code}": median {wall:.3f} s')
    print(f"requests: {max(counts)} (target <= {TARGET}: {verdict(max(counts) <= TARGET)})")
    print(f"RESULT idle_requests={max(counts)} idle_wall={median(walls):.2f} "
          f"import_cli={baselines['import archiver.cli']:.3f} python_pass={baselines['pass']:.3f}")


if __name__ == "__main__":
    main()
