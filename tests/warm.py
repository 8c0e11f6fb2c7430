"""Warm starts of ``python -m archiver`` for the tests.

A crawl of a small replica spends most of its CPU importing the CLI and Scrapy. Here each test
worker starts one fork server (``multiprocessing``'s forkserver) that imports them once
(tests/warm_child.py); a run forks a child from it, which sets the environment, the directory,
argv and standard output and error, and runs the command. The child is a process of its own
(its pid, exit status and signals are real, warnings are errors as in the tests), so the tests
read it as a subprocess.

What a fork cannot be is a fresh interpreter: a test about the start of the process itself
(interpreter start-up, what gets imported, interpreter settings in the environment) passes
``fresh=True`` to run_cli, and ``ARCHIVER_TESTS_COLD=1`` makes every run a fresh interpreter.
Standard library only: a worker imports Scrapy only in the server.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

COLD_ENV = "ARCHIVER_TESTS_COLD"
"""``ARCHIVER_TESTS_COLD=1``: every run execs a fresh interpreter (to compare, or to debug)."""

INTERPRETER_VARS = ("PYTHON", "LANG", "LC_")
"""Environment variables (by prefix) that an interpreter reads as it starts: a run whose value of
one differs from the server's needs a fresh interpreter."""

_server_env: dict[str, str] = {}
"""The environment the fork server was started with (empty: not started)."""


def warm_allowed(env: Mapping[str, str]) -> bool:
    """Whether a run in ``env`` may fork from the server (started in ``env`` if not yet)."""
    if os.environ.get(COLD_ENV) == "1" or sys.platform != "linux":
        return False
    if not _server_env:
        return True
    return _interpreter_vars(env) == _interpreter_vars(_server_env)


def _interpreter_vars(env: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in env.items() if key.startswith(INTERPRETER_VARS)}


def _start_server(env: Mapping[str, str]) -> None:
    """Start this process's fork server with the interpreter variables of ``env`` (for warnings as
    errors, PYTHONWARNINGS, at its start-up) and tests/warm_child.py imported."""
    multiprocessing.set_forkserver_preload(["tests.warm_child"])
    saved = dict(os.environ)
    try:
        for key in _interpreter_vars(os.environ):
            del os.environ[key]
        os.environ.update(_interpreter_vars(env))
        multiprocessing.forkserver.ensure_running()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    _server_env.update(env)


def _child(
    args: Sequence[str], env: dict[str, str], cwd: str, stdout: str, stderr: str, waits: str | None
) -> None:
    """What the forked child runs (the server has tests.warm_child imported: no import cost)."""
    from tests import warm_child

    warm_child.run(args, env, cwd, stdout, stderr, waits)


class WarmProcess:
    """A run forked from the warm server, read as a ``subprocess.Popen`` with ``text=True`` and
    both outputs captured: ``pid``, ``returncode`` (minus the signal's number when a signal ended
    it), ``poll``, ``wait``, ``send_signal``, ``kill`` and ``communicate`` (the outputs once it
    has ended: they go to files, not pipes, so there is nothing to read while it runs)."""

    def __init__(self, args: Sequence[str], *, env: Mapping[str, str], cwd: Path, waits: Path | None) -> None:
        if not _server_env:
            _start_server(env)
        self.args = [sys.executable, "-m", "archiver", *args]
        self._scratch = tempfile.TemporaryDirectory(prefix="archiver-run-")
        self._out, self._err = Path(self._scratch.name, "stdout"), Path(self._scratch.name, "stderr")
        self._out.touch()
        self._err.touch()
        self._process = multiprocessing.get_context("forkserver").Process(
            target=_child,
            args=(list(args), dict(env), str(cwd), str(self._out), str(self._err),
                  None if waits is None else str(waits)),
        )
        self._process.start()
        assert self._process.pid is not None
        self.pid: int = self._process.pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """The exit status once the run has ended, else None."""
        if self.returncode is None:
            self.returncode = self._process.exitcode
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the end of the run; its exit status (TimeoutExpired after ``timeout`` s)."""
        self._process.join(timeout)
        code = self.poll()
        if code is None:
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return code

    def send_signal(self, signum: int) -> None:
        """Send ``signum`` to the run (nothing once it has ended)."""
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        """Wait for the end of the run (TimeoutExpired after ``timeout`` s, the run left
        running); its standard output and error."""
        try:
            self.wait(timeout)
        except subprocess.TimeoutExpired as exc:
            exc.output, exc.stderr = _read(self._out), _read(self._err)
            raise
        out, err = _read(self._out), _read(self._err)
        self._process.close()
        self._scratch.cleanup()
        return out, err

    def __del__(self) -> None:
        """A run dropped unawaited (a test that failed) is killed, and its files go."""
        if self.poll() is None:
            self.kill()
            self._process.join(10)
        self._scratch.cleanup()


def start_warm(
    args: Sequence[str], *, env: Mapping[str, str], cwd: Path, waits: Path | None = None
) -> WarmProcess:
    """``python -m archiver ARGS`` forked from the warm server, not awaited. waits: see
    tests.warm_child.run."""
    return WarmProcess(args, env=env, cwd=cwd, waits=waits)


def run_warm(
    args: Sequence[str], *, env: Mapping[str, str], cwd: Path, timeout: float, waits: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m archiver ARGS`` forked from the warm server, as ``subprocess.run`` with
    ``capture_output=True, text=True`` returns it (a timeout kills it and raises TimeoutExpired)."""
    process = start_warm(args, env=env, cwd=cwd, waits=waits)
    try:
        out, err = process.communicate(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise
    assert process.returncode is not None
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _read(path: Path) -> str:
    """A file as ``text=True`` reads a pipe: UTF-8, universal newlines."""
    with path.open(encoding="utf-8", newline=None) as f:
        return f.read()
