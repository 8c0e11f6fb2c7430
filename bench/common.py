"""Shared helpers of the benchmarks: machine line, replica pages, timing, subprocess crawls."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from archiver.items import RawPage
from archiver.replica import ReplicaSite

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "http://127.0.0.1:8000"
"""The base URL pages are rendered for when no server runs (bytes only; nothing listens)."""
FETCHED_AT = "2026-11-28T12:00:00Z"
FROZEN_NOW = "2026-11-28T12:00:00Z"
PACKAGES = ("scrapy", "twisted", "lxml", "parsel", "sqlite-utils", "trafilatura", "psutil")


def machine() -> str:
    """One line: CPU model, cores, Python, SQLite and the versions of the packages that matter."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, " + ", ".join(versions)
    )


def header(title: str) -> None:
    """Print the benchmark's title and the machine line."""
    print(f"== {title}")
    print(f"machine: {machine()}")


@dataclass(frozen=True, slots=True)
class Page:
    """A rendered article page of the replica."""

    path: str
    url: str
    content_type: str
    body: bytes

    def raw(self) -> RawPage:
        """The page as the spider hands it over."""
        return RawPage(
            url=self.url, fetched_at=FETCHED_AT, status=200,
            headers={"Content-Type": [self.content_type]}, body=self.body,
        )


def article_pages(site: ReplicaSite, limit: int, base_url: str = BASE_URL) -> list[Page]:
    """The first ``limit`` valid articles of ``site``, rendered for ``base_url``, spread evenly."""
    valid = [a for a in site.articles if a.defect is None]
    step = max(1, len(valid) // limit)
    pages = []
    for article in valid[::step][:limit]:
        status, content_type, body = site.render(article.path, base_url)
        if status == 200:
            pages.append(Page(article.path, base_url + article.path, content_type, body))
    return pages


def best_of(fn: Callable[[], object], repeat: int, clock: Callable[[], float] = time.perf_counter) -> float:
    """The fastest of ``repeat`` runs of ``fn``, in seconds of ``clock`` (``time.process_time``:
    CPU seconds of this process, steadier than wall time on a shared machine)."""
    times = []
    for _ in range(repeat):
        started = clock()
        fn()
        times.append(clock() - started)
    return min(times)


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (0..100) of ``values``, nearest-rank."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: Sequence[float]) -> float:
    """The median of ``values``."""
    return statistics.median(values)


def archiver_cmd(*args: str) -> list[str]:
    """The command line of ``python -m archiver ARGS`` with this interpreter."""
    return [sys.executable, "-m", "archiver", *args]


def crawl_cmd(base_url: str, db: Path, *settings: str) -> list[str]:
    """``archiver crawl`` of ``base_url`` into ``db`` with a frozen clock and ``-s`` settings."""
    extra = [arg for s in settings for arg in ("-s", s)]
    return archiver_cmd(
        "crawl", "--base-url", base_url, "--db", str(db), "-s", f"ARCHIVER_NOW={FROZEN_NOW}", *extra
    )


def run(cmd: Sequence[str], **kwargs: object) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``cmd`` (output captured), return it and its wall seconds; raise on a traceback."""
    started = time.perf_counter()
    result = subprocess.run(list(cmd), capture_output=True, text=True, check=False, cwd=ROOT, **kwargs)  # type: ignore[call-overload]
    elapsed = time.perf_counter() - started
    if "Traceback" in result.stderr:
        raise RuntimeError(result.stderr[-3000:])
    return result, elapsed


def verdict(ok: bool) -> str:
    """``met`` or ``NOT MET``."""
    return "met" if ok else "NOT MET"
