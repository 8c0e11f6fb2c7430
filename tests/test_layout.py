"""The package's layout: imports point down the flow (site -> spider -> page object -> normalise ->
validate -> store -> query), and the paths that extract a page do not need Scrapy."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import child_env

PACKAGE = Path(__file__).resolve().parent.parent / "archiver"


def _imports(path: Path) -> set[str]:
    """The ``archiver.*`` modules imported by the module at ``path`` (top-level and nested)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("archiver"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("archiver"))
    return found


def _modules(package: str) -> list[Path]:
    return sorted((PACKAGE / package).rglob("*.py")) if (PACKAGE / package).is_dir() else [
        PACKAGE / f"{package}.py"
    ]


@pytest.mark.parametrize(
    ("lower", "forbidden"),
    [
        # pure functions import nothing of the project but each other
        ("normalise", ("archiver.pages", "archiver.store", "archiver.pipelines", "archiver.spiders",
                       "archiver.cli", "archiver.extract", "archiver.article", "archiver.replica")),
        # the page objects know the site's markup, not the database or the crawl
        ("pages", ("archiver.store", "archiver.pipelines", "archiver.spiders", "archiver.cli",
                   "archiver.extract", "archiver.article", "archiver.replica")),
        # the archive does not reach up into the crawl or the command line
        ("store", ("archiver.pipelines", "archiver.spiders", "archiver.cli", "archiver.crawl",
                   "archiver.replica")),
        ("article", ("archiver.store", "archiver.pipelines", "archiver.spiders", "archiver.cli")),
        ("extract", ("archiver.pipelines", "archiver.spiders", "archiver.cli", "archiver.crawl")),
    ],
)
def test_imports_point_down_the_flow(lower: str, forbidden: tuple[str, ...]) -> None:
    offending = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules(lower)
        for name in _imports(path)
        if name.startswith(forbidden)
    }
    assert not offending, sorted(offending)


def test_extracting_a_page_does_not_import_scrapy() -> None:
    code = (
        "import sys, archiver.extract, archiver.reparse, archiver.article; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=child_env()
    )
    assert out.stdout.strip() == "[]"
