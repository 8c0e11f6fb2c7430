"""Helpers of the tests that run ``archiver crawl`` in a subprocess and watch its archive."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal, overload

from archiver.errors import ArchiverError
from archiver.store import Archive
from tests.conftest import FROZEN_NOW, Replica, child_env
from tests.warm import WarmProcess, run_warm, start_warm, warm_allowed

ROOT = Path(__file__).resolve().parent.parent
SLOW = ("-s", "CONCURRENT_REQUESTS=2", "-s", "DOWNLOAD_DELAY=0.02", "-s", "ARCHIVER_BATCH_SIZE=5")
"""Settings that make a loopback crawl last long enough to be killed part-way."""


Crawl = subprocess.Popen[str] | WarmProcess
"""A crawl that start_crawl started."""


@overload
def start_crawl(base_url: str, db: Path, *extra: str, fresh: Literal[True]) -> subprocess.Popen[str]: ...
@overload
def start_crawl(base_url: str, db: Path, *extra: str, fresh: bool = False) -> Crawl: ...
def start_crawl(base_url: str, db: Path, *extra: str, fresh: bool = False) -> Crawl:
    """``archiver crawl`` of ``base_url`` into ``db`` (clock frozen at FROZEN_NOW), not awaited:
    forked warm (tests/warm.py: its outputs can be read once it has ended) unless ``fresh`` (a new
    interpreter, its outputs pipes: for a test about the process's start or its signals)."""
    args = ["crawl", "--base-url", base_url, "--db", str(db), "-s", f"ARCHIVER_NOW={FROZEN_NOW}", *extra]
    env = child_env()
    if not fresh and warm_allowed(env):
        return start_warm(args, env=env, cwd=ROOT)
    return subprocess.Popen(
        [sys.executable, "-m", "archiver", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )


WAITS_RECORDED = """
import sys
from archiver import middlewares
from archiver.cli import main

waits = open(sys.argv[1], "a", encoding="utf-8")

async def sleep(seconds: float) -> None:
    waits.write(f"{seconds!r}\\n")
    waits.flush()

middlewares.BackoffRetryMiddleware.sleep = staticmethod(sleep)
sys.argv = ["archiver", *sys.argv[2:]]
main()
"""
"""``python -c WAITS_RECORDED WAITS_FILE ARGS``: ``archiver ARGS`` whose retry middleware writes each
wait it asks for (seconds, one a line) to WAITS_FILE instead of sleeping (the injected sleep)."""


def run_cli_recording_waits(
    waits: Path, *args: str, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """``archiver ARGS`` in a child process (forked warm as run_cli does), the retry waits asked for
    written to ``waits``, not slept."""
    env = child_env()
    if warm_allowed(env):
        return run_warm(args, env=env, cwd=ROOT, timeout=timeout, waits=waits)
    return subprocess.run(
        [sys.executable, "-c", WAITS_RECORDED, str(waits), *args],
        capture_output=True, text=True, timeout=timeout, env=env, check=False, cwd=ROOT,
    )


def recorded_waits(waits: Path) -> list[float]:
    """The waits (seconds) that ``run_cli_recording_waits`` recorded, in order."""
    if not waits.exists():
        return []
    return [float(line) for line in waits.read_text(encoding="utf-8").split()]


def article_count(db: Path) -> int:
    """The number of archived articles; 0 while the file or its schema does not exist yet."""
    if not db.exists():
        return 0
    try:
        with Archive(db).open(readonly=True) as archive:
            return int(archive.db.execute("SELECT count(*) FROM articles").fetchone()[0])
    except ArchiverError:  # the crawl has created the file but not yet its schema
        return 0


def wait_for(condition: Callable[..., object], timeout: float = 60, interval: float = 0.05) -> None:
    """Poll ``condition`` until it is true; AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError("timed out waiting")


def article_paths(log: list[str], replica: Replica) -> list[str]:
    """The requests of ``log`` (the replica's request_log) that fetched an article page, each as
    the canonical path of its record: the article's path for any URL of it (its Drupal listing
    path, its weekly page, slash or not, a query), the ``/by/`` twin's path for the twin."""
    out = []
    for target in log:
        found = replica.site.lookup(target.split("?", 1)[0])
        if found is not None:
            article, kind = found
            out.append(article.by_path if kind == "by" and article.by_path else article.path)
    return out
