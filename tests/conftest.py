"""Shared fixtures: a replica of the site on a free loopback port, and running the CLI."""

from __future__ import annotations

import importlib.util
import os
import pkgutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from archiver.replica import ReplicaServer, ReplicaSite
from tests.warm import run_warm, warm_allowed

ROOT = Path(__file__).resolve().parent.parent

sys.dont_write_bytecode = False
"""Compiled modules are cached (``__pycache__``, ignored by git) even where the environment sets
PYTHONDONTWRITEBYTECODE: each test worker and each child process (child_env) would otherwise
compile the archiver and the test modules afresh, about half a second each."""

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


def _child_warnings() -> str:
    """PYTHONWARNINGS for the processes tests start: ``error``, then pyproject's ``filterwarnings``
    ignores. Python's -W takes a whole module name where pytest takes a pattern, so an ignore of
    ``pkg.*`` becomes one of ``pkg`` and one of each module in it."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        filters = tomllib.load(f)["tool"]["pytest"]["ini_options"]["filterwarnings"]
    out = []
    for entry in filters:
        action, _, rest = entry.partition(":")
        if action != "ignore":
            out.append(entry)
            continue
        message, category, module = [*rest.split(":"), "", ""][:3]
        package = module.removesuffix(".*")
        spec = importlib.util.find_spec(package) if package else None
        names = [package]
        if spec is not None and spec.submodule_search_locations is not None:
            names += [f"{package}.{m.name}" for m in pkgutil.iter_modules(spec.submodule_search_locations)]
        out += [f"ignore:{message}:{category}:{name}" for name in names]
    return ",".join(out)


CHILD_WARNINGS = _child_warnings()
"""PYTHONWARNINGS of the processes tests start: warnings are errors there too, as in pytest."""


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a process a test starts: this one's (but PYTHONDONTWRITEBYTECODE, see
    ``sys.dont_write_bytecode`` above), warnings as errors, and ``extra``."""
    inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**inherited, "PYTHONWARNINGS": CHILD_WARNINGS, **extra}


def run_cli(*args: str, timeout: float = 240, fresh: bool = False) -> subprocess.CompletedProcess[str]:
    """``python -m archiver ARGS`` in a child process (Scrapy's reactor runs once per process),
    forked from a warm interpreter (tests/warm.py) unless ``fresh`` (a new interpreter: for a test
    about the start of the process itself)."""
    env = child_env()
    if not fresh and warm_allowed(env):
        return run_warm(args, env=env, cwd=ROOT, timeout=timeout)
    return subprocess.run(
        [sys.executable, "-m", "archiver", *args],
        capture_output=True, text=True, timeout=timeout, env=env, check=False,
        cwd=ROOT,
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


SLOWEST_FIRST = (
    "tests/test_kills.py", "tests/test_incremental.py", "tests/test_faults.py", "tests/test_scrapyd.py",
    "tests/test_serve.py", "tests/test_readers.py",
)
"""The e2e files that take longest (test_kills about 35 s in one test, then tens of seconds each,
docs/benchmarks.md §11): they start first."""
SLOWEST_UNIT_FIRST = (
    "tests/test_realworld.py", "tests/test_export.py", "tests/test_replica.py", "tests/test_hostile.py",
    "tests/test_mutations.py",
)
"""The not-e2e files that take longest: they start first among those (``-m "not e2e"``)."""


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the slow tests first: SLOWEST_FIRST, the other e2e tests, SLOWEST_UNIT_FIRST, the rest.

    With pytest-xdist's ``--dist worksteal`` (pyproject's addopts) the workers start on the slow
    tests, and one that runs out of work takes pending tests from the other.
    A stable sort on top of pytest-randomly's shuffle: the order within each group stays random."""
    order = (*SLOWEST_FIRST, "e2e", *SLOWEST_UNIT_FIRST)

    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        if path in order:
            return order.index(path)
        return order.index("e2e") if item.get_closest_marker("e2e") else len(order)

    items.sort(key=rank)
