"""Benchmark 5: peak RSS of ``archiver crawl`` over a large replica, sampled every 0.5 s (psutil),
with the samples at each 10 % of progress (articles stored, from the progress lines on stderr) to
show whether memory stays flat.

Run: ``.venv/bin/python bench/memory.py`` (2,000 articles, ~1 min); ``--articles 20000`` for the
full size (~10 min on 2 cores). Target: peak <= 300 MB and flat.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psutil
from common import ROOT, crawl_cmd, header, verdict

from archiver.replica import ReplicaServer, ReplicaSite

TARGET_MB = 300.0
ITEMS = re.compile(r"items: new (\d+), updated (\d+), unchanged (\d+), rejected (\d+)")


def main() -> None:
    """Crawl in a subprocess; sample its RSS; print the deciles, the peak and the growth."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between samples")
    args = parser.parse_args()
    header(f"memory: RSS of a full crawl of a {args.articles}-article replica")
    site = ReplicaSite(args.articles, seed=args.seed)
    stored = [0]
    samples: list[tuple[float, int, float]] = []  # (seconds, articles stored, RSS MiB)
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        cmd = crawl_cmd(server.base_url, Path(tmp) / "archive.db", "ARCHIVER_PROGRESS_INTERVAL=1")
        started = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

        def read_progress() -> None:
            for line in proc.stderr or ():
                match = ITEMS.search(line)
                if match:
                    stored[0] = sum(int(n) for n in match.groups())

        reader = threading.Thread(target=read_progress, daemon=True)
        reader.start()
        ps = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                rss = ps.memory_info().rss / 2**20
            except psutil.Error:
                break
            samples.append((time.monotonic() - started, stored[0], rss))
            time.sleep(args.interval)
        proc.wait()
        reader.join(timeout=5)
    total = max(stored[0], 1)
    print(f"crawl: exit {proc.returncode}, {stored[0]} articles stored, {samples[-1][0]:.0f} s, "
          f"{len(samples)} samples")
    print("progress  articles  seconds  RSS MiB")
    for decile in range(11):
        wanted = total * decile / 10
        at = next((s for s in samples if s[1] >= wanted), samples[-1])
        print(f"{decile * 10:>7}%  {at[1]:>8}  {at[0]:>7.0f}  {at[2]:>7.1f}")
    peak = max(s[2] for s in samples)
    after = [s[2] for s in samples if s[1] >= total * 0.1] or [samples[-1][2]]
    growth = after[-1] - after[0]
    print(f"peak RSS {peak:.1f} MiB; from 10 % to the end {growth:+.1f} MiB (range of the samples "
          f"{max(after) - min(after):.1f} MiB) (target <= {TARGET_MB:.0f} MB and flat: "
          f"{verdict(peak * 1.048576 <= TARGET_MB and growth < 0.1 * peak)})")
    print(f"RESULT peak_mib={peak:.1f} growth_mib={growth:.1f}")


if __name__ == "__main__":
    main()
