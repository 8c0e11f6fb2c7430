"""The warm side of tests/warm.py: imported once by the fork server, then ``run`` in each child.

Importing this module imports what a run of ``python -m archiver`` imports (the CLI, Scrapy, every
component named in Scrapy's and the archiver's settings) without installing a Twisted reactor, so
that a child forked from the server starts at ``main()`` (about 1.5 s of CPU less per run).
"""

from __future__ import annotations

import importlib
import io
import logging
import os
import pkgutil
import sys
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path

from scrapy.settings import default_settings

import archiver
import archiver.cli
import archiver.settings
from archiver import middlewares

MAIN_PATH = str(Path(archiver.cli.__file__).with_name("__main__.py"))
"""``sys.argv[0]`` of ``python -m archiver``."""


def _component_paths(module: object) -> Iterable[str]:
    """The dotted object paths that the settings ``module`` names (strings, dict keys and values)."""
    for name in dir(module):
        if not name.isupper():
            continue
        value = getattr(module, name)
        names = [*value, *value.values()] if isinstance(value, dict) else [value]
        yield from (n for n in names if isinstance(n, str) and n.count(".") >= 1 and " " not in n)


def _preload() -> None:
    """Import every module of the archiver (but ``__main__``) and the module of every component
    the settings name (the optional ones that are not installed are skipped: a run would not load
    them either)."""
    for found in pkgutil.walk_packages(archiver.__path__, "archiver."):
        if not found.name.endswith(".__main__"):
            importlib.import_module(found.name)
    for path in (*_component_paths(default_settings), *_component_paths(archiver.settings)):
        module = path.rsplit(".", 1)[0]
        if not module.startswith(("scrapy.", "archiver.")):
            continue
        try:
            importlib.import_module(module)
        except ImportError:
            continue
    if "twisted.internet.reactor" in sys.modules:  # the child's crawl installs its own
        raise RuntimeError("the warm-start preload installed a Twisted reactor")


_preload()


def _redirect(fd: int, path: str) -> None:
    """Point file descriptor ``fd`` at the file ``path`` (opened for writing)."""
    target = os.open(path, os.O_WRONLY | os.O_TRUNC)
    os.dup2(target, fd)
    os.close(target)


def _exit_code(exc: SystemExit) -> int:
    """The status a Python process exits with after ``exc`` (as the interpreter maps it)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def run(
    args: Sequence[str], env: dict[str, str], cwd: str, stdout: str, stderr: str, waits: str | None
) -> None:
    """Run ``archiver ARGS`` as ``python -m archiver ARGS`` would, in this forked child: the
    environment ``env``, the directory ``cwd``, standard output and error written to the files
    ``stdout`` and ``stderr`` (as a pipe would receive them: UTF-8, errors backslash-escaped on
    stderr). waits: a file that the retry middleware's injected sleep writes each wait it asks
    for to (seconds, one a line) instead of sleeping, or None. Never returns: the child exits with
    the command's status."""
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    _redirect(1, stdout)
    _redirect(2, stderr)
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="strict")
    sys.stderr = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace",
        line_buffering=True,
    )
    sys.argv = [MAIN_PATH, *args]
    if waits is not None:
        record = Path(waits).open("a", encoding="utf-8")  # noqa: SIM115 (open until the child exits)

        async def sleep(seconds: float) -> None:
            record.write(f"{seconds!r}\n")
            record.flush()

        middlewares.BackoffRetryMiddleware.sleep = staticmethod(sleep)
    code = 0
    try:
        archiver.cli.cli.main(args=list(args), prog_name="python -m archiver")
    except SystemExit as exc:
        code = _exit_code(exc)
    except BaseException:  # noqa: BLE001 (what the interpreter does with an uncaught exception)
        traceback.print_exc()
        code = 1
    finally:
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                code = code or 120
    os._exit(code)
