"""Shared fixtures: a replica of the site on a free loopback port, and running the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from archiver.replica import ReplicaServer, ReplicaSite

FROZEN_NOW = "2026-11-28T12:00:00Z"
"""The crawl clock in tests (ARCHIVER_NOW); the replica's own clock is its DEFAULT_NOW."""
ARTICLE_FIELDS = (
    "url", "site", "lang", "title", "category", "trend_status", "published_at", "published_local",
    "published_raw", "image_url", "image_credit", "lead", "body", "word_count",
)
"""The columns of ``articles`` that a replica's ground truth gives."""


@dataclass
class Replica:
    """A running replica and its ground truth."""

    site: ReplicaSite
    server: ReplicaServer

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def truth(self) -> dict[str, dict[str, object]]:
        """Ground truth by URL."""
        return {rec["url"]: rec for rec in self.site.ground_truth(self.base_url)}


@pytest.fixture(scope="module")
def replica_200() -> Iterator[Replica]:
    """A 200-article replica (seed 7) served on 127.0.0.1 for the module's tests."""
    site = ReplicaSite(200, seed=7)
    with ReplicaServer(site) as server:
        yield Replica(site, server)


def run_cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """``python -m archiver ARGS`` in a subprocess (Scrapy's reactor runs once per process)."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    return subprocess.run(
        [sys.executable, "-m", "archiver", *args],
        capture_output=True, text=True, timeout=timeout, env=env, check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-goldens``: rewrite the golden outputs (tests/fixtures/pages/<case>/expected.json
    and pipeline.json, archiver.fixtures.write_outputs) from what the code produces now, after a
    deliberate change; read the diff before committing."""
    parser.addoption(
        "--update-goldens", action="store_true", default=False,
        help="rewrite tests/fixtures/pages/*/{expected,pipeline}.json from the current output",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """Whether this run rewrites the golden outputs (``pytest --update-goldens``)."""
    return bool(request.config.getoption("--update-goldens"))
