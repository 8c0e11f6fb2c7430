"""The suite's own rules: a process a test starts treats warnings as errors, with pyproject's ignores."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import child_env


def warn_in_child(module: str) -> subprocess.CompletedProcess[str]:
    """A child process (child_env) that issues a DeprecationWarning attributed to ``module``."""
    code = (
        "import warnings\n"
        f"warnings.warn_explicit('old', DeprecationWarning, 'x.py', 1, module={module!r})\n"
        "print('carried on')\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=child_env(),
        check=False,
    )


def test_a_warning_in_a_child_process_is_an_error() -> None:
    result = warn_in_child("archiver.store")
    assert result.returncode == 1
    assert "DeprecationWarning: old" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("module", ["dateparser", "dateparser.date", "regex._regex_core"])
def test_pyproject_ignores_hold_in_a_child_process(module: str) -> None:
    result = warn_in_child(module)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "carried on\n"
