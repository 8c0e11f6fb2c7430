"""The warm starts of tests/warm.py read as fresh interpreters do: same outputs and exit status,
real processes (pid, signals), warnings as errors, and no reactor installed before the fork."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from archiver.replica import ReplicaServer, ReplicaSite
from tests import warm
from tests.conftest import CHILD_WARNINGS, ROOT, child_env, run_cli
from tests.crawl_helpers import SLOW, article_count, start_crawl, wait_for

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("search",),  # a usage error: exit 2, the usage on stderr
        ("search", "x", "--db", "/nonexistent/archive.db"),  # one line, exit 2
        ("stats", "--db", "/nonexistent/archive.db", "--format", "nope"),
        ("search", "caf\udce9", "--db", "/nonexistent/archive.db"),  # an undecodable argument
    ],
    ids=["help", "usage", "no-archive", "bad-format", "surrogate"],
)
def test_a_warm_run_answers_as_a_fresh_interpreter_does(args: tuple[str, ...]) -> None:
    if not warm.warm_allowed(child_env()):
        pytest.fail("warm starts are off (ARCHIVER_TESTS_COLD=1): this test compares them")
    fresh = run_cli(*args, fresh=True)
    forked = run_cli(*args)
    assert (forked.returncode, forked.stdout, forked.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert forked.args == fresh.args == [sys.executable, "-m", "archiver", *args]


def test_a_warm_crawl_is_a_process_of_its_own_that_a_kill_ends(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with ReplicaServer(ReplicaSite(60, seed=3)) as server:
        crawl = start_crawl(server.base_url, db, *SLOW)
        assert isinstance(crawl, warm.WarmProcess)
        try:
            wait_for(lambda: article_count(db) > 0 or crawl.poll() is not None, timeout=120)
            assert crawl.poll() is None
        finally:
            crawl.send_signal(signal.SIGKILL)
            _out, err = crawl.communicate(timeout=30)
    assert crawl.returncode == -signal.SIGKILL
    assert "Traceback" not in err
    assert 0 < article_count(db) < 60


def test_the_server_started_with_warnings_as_errors_and_no_reactor() -> None:
    run_cli("--help")
    assert warm._server_env["PYTHONWARNINGS"] == CHILD_WARNINGS
    loaded = subprocess.run(
        [sys.executable, "-c",
         "import sys, tests.warm_child; print('twisted.internet.reactor' in sys.modules)"],
        capture_output=True, text=True, cwd=ROOT, env=child_env(), timeout=120, check=False,
    )
    assert (loaded.returncode, loaded.stdout) == (0, "False\n"), loaded.stderr[-2000:]
