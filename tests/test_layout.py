"""The package's layout: imports point down the layers (records -> normalise -> site knowledge ->
decisions -> extract -> store -> query -> crawl -> cli), only the store speaks SQL, and the paths
that extract a page do not need Scrapy (docs/architecture.md draws the layers)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import child_env

PACKAGE = Path(__file__).resolve().parent.parent / "archiver"

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # records, errors and clocks that every layer shares; the run lock (OS only)
    ("records", ("archiver", "archiver.errors", "archiver.clock", "archiver.items", "archiver.health",
                 "archiver.lock", "archiver.dates", "archiver.output")),
    # pure functions: text, dates, periods, credits, URLs, status
    ("normalise", ("archiver.normalise",)),
    # site knowledge: the page objects, which URLs are the site's
    ("site", ("archiver.pages",)),
    # pure decisions on records: normalise + validate an item, which URLs a run fetches
    ("decisions", ("archiver.article", "archiver.plan")),
    # a page to a validated record, without Scrapy (archiver extract, reparse, the spider)
    ("extract", ("archiver.extract",)),
    # the archive: the only SQL
    ("store", ("archiver.store",)),
    # exports, charts, Datasette: over the store
    ("query", ("archiver.query", "archiver.fixtures")),
    # Scrapy and the runs that drive the layers below
    ("crawl", ("archiver.middlewares", "archiver.progress", "archiver.run", "archiver.spiders",
               "archiver.pipelines", "archiver.settings", "archiver.crawl", "archiver.reparse")),
    ("cli", ("archiver.cli", "archiver.__main__", "archiver.docs")),
)
"""Every module of the package, by layer, lowest first: a module imports only modules of its own
layer or below. A new module is placed here (the test says so when it is not)."""

REPLICA = "archiver.replica"
"""The offline site: imports nothing of the archiver; only the CLI (and tests) import it."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    root = PACKAGE.parent
    return (root / relative).with_suffix(".py").is_file() or (root / relative / "__init__.py").is_file()


def _imports(path: Path) -> set[str]:
    """The ``archiver.*`` modules imported by the module at ``path`` (top-level and nested;
    ``from archiver.x import y`` is ``archiver.x.y`` when y is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            if base.split(".")[0] != "archiver":
                continue
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if _is_module(f"{base}.{alias.name}") else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "archiver")
    return found


def _layer(name: str) -> int | None:
    """The index in LAYERS of module ``name`` (by its longest listed prefix), None if unlisted."""
    best: tuple[int, int] | None = None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = name == prefix or (prefix != "archiver" and name.startswith(prefix + "."))
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    return None if best is None else best[1]


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    unplaced = [
        _module_name(path) for path in _sources()
        if not _module_name(path).startswith(REPLICA) and _layer(_module_name(path)) is None
    ]
    assert not unplaced, f"place these modules in tests/test_layout.py LAYERS: {unplaced}"


def test_no_module_imports_upward() -> None:
    upward = []
    for path in _sources():
        name = _module_name(path)
        if name.startswith(REPLICA):
            continue
        own = _layer(name)
        assert own is not None, name
        for imported in sorted(_imports(path)):
            if imported.startswith(REPLICA):
                if LAYERS[own][0] != "cli":
                    upward.append(f"{name} imports the replica ({imported})")
                continue
            theirs = _layer(imported)
            if theirs is not None and theirs > own:
                upward.append(f"{name} ({LAYERS[own][0]}) imports {imported} ({LAYERS[theirs][0]})")
    assert not upward, upward


def test_the_replica_imports_nothing_of_the_archiver() -> None:
    outside = {
        f"{_module_name(path)} imports {name}"
        for path in sorted((PACKAGE / "replica").rglob("*.py"))
        for name in _imports(path)
        if not name.startswith(REPLICA)
    }
    assert not outside, sorted(outside)


def test_the_layer_check_places_and_reads_imports() -> None:
    """The checker itself: layers by the longest prefix, a module imported by name."""
    names = ("archiver.items", "archiver.plan", "archiver.store", "archiver.query.export")
    items, plan, store, query = (_layer(name) or 0 for name in names)
    assert _layer("archiver.store.writes") == store
    assert items < plan < store < query
    assert _layer("archiver.nothing_here") is None
    assert "archiver.query.export" in _imports(PACKAGE / "cli.py")  # from archiver.query import export
    assert "archiver.store.schema" in _imports(PACKAGE / "store" / "connection.py")


# --- only the store speaks SQL ------------------------------------------------------------------
SQL_CALLS = frozenset({"execute", "executemany", "executescript", "query"})
"""Methods that run SQL (sqlite3's and sqlite-utils')."""


def _sql_outside_the_store(path: Path) -> list[str]:
    """What in the module at ``path`` runs SQL or opens a database: a call of SQL_CALLS, any use
    of ``sqlite3`` but naming its exception classes (to catch them), sqlite_utils."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        where = f"{path.parent.name}/{path.name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
            node.func.attr in SQL_CALLS
        ):
            found.append(f"{where} calls .{node.func.attr}()")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
            node.value.id == "sqlite3" and not node.attr.endswith("Error")
        ):
            found.append(f"{where} uses sqlite3.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
            "sqlite3", "sqlite_utils"
        ):
            found.append(f"{where} imports from {node.module}")
        elif isinstance(node, ast.Import) and any(
            alias.name.split(".")[0] == "sqlite_utils" for alias in node.names
        ):
            found.append(f"{where} imports sqlite_utils")
    return found


def test_only_the_store_speaks_sql() -> None:
    found = [
        problem
        for path in _sources()
        if not _module_name(path).startswith("archiver.store")
        for problem in _sql_outside_the_store(path)
    ]
    assert not found, found


def test_the_sql_check_finds_sql(tmp_path: Path) -> None:
    module = tmp_path / "archiver" / "bad.py"
    module.parent.mkdir()
    module.write_text(
        "import sqlite3\nfrom sqlite_utils import Database\n"
        "conn = sqlite3.connect('x.db')\nconn.execute('SELECT 1')\n"
        "try:\n    pass\nexcept sqlite3.OperationalError:\n    pass\n",
        encoding="utf-8",
    )
    found = _sql_outside_the_store(module)
    assert sorted(line.split(" ", 1)[1] for line in found) == [
        "calls .execute()", "imports from sqlite_utils", "uses sqlite3.connect",
    ]
    assert len(_sql_outside_the_store(PACKAGE / "store" / "writes.py")) > 10  # the store does


# --- no Scrapy where a page is only read ----------------------------------------------------------
def test_extracting_a_page_does_not_import_scrapy() -> None:
    code = (
        "import sys, archiver.extract, archiver.reparse, archiver.article, archiver.store, "
        "archiver.query.export, archiver.query.report; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=child_env()
    )
    assert out.stdout.strip() == "[]"
