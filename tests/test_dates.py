"""The one --since/--until grammar (archiver.dates), and that crawl, search and export all read it
and refuse the same way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from archiver.cli import cli
from archiver.dates import DATE_FORMS, check_order, parse_bound
from archiver.store import Archive


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("2016", "2016-01-01T00:00:00Z"),
        ("0999", "0999-01-01T00:00:00Z"),  # four digits, not glibc's %Y
        ("2016-12", "2016-12-01T00:00:00Z"),
        ("2016-02-29", "2016-02-29T00:00:00Z"),
        (" 2024-01-31 ", "2024-01-31T00:00:00Z"),
        ("2024-01-01T10:00", "2024-01-01T10:00:00Z"),  # no zone: UTC
        ("2024-01-01T10:00:00", "2024-01-01T10:00:00Z"),
        ("2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z"),
        ("2024-01-01 10:00:00z", "2024-01-01T10:00:00Z"),
        ("2024-01-01T03:00:00+03:00", "2024-01-01T00:00:00Z"),
        ("2016-11-07T10:41:00+03:00", "2016-11-07T07:41:00Z"),
        ("2024-01-01T00:30:00-01:00", "2024-01-01T01:30:00Z"),
        ("2024-01-01T10:00:00.25Z", "2024-01-01T10:00:01Z"),  # a fraction rounds up
        ("2024-12-31T23:59:59.5Z", "2025-01-01T00:00:00Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
    ],
)
def test_parse_bound(text: str, bound: str) -> None:
    assert parse_bound(text) == bound


@pytest.mark.parametrize(
    "text",
    ["", "16", "2016-13", "2016-1", "2017-02-29", "2024-13-01", "yesterday", "2016'; DROP",
     "0000", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59.5Z", "\u202e2016", "x" * 1000],
)
def test_parse_bound_refuses_naming_the_forms(text: str) -> None:
    with pytest.raises(ValueError, match="expected YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 time"):
        parse_bound(text)


@given(st.text(max_size=40))
def test_parse_bound_raises_only_value_error_and_gives_the_archive_form(text: str) -> None:
    try:
        bound = parse_bound(text)
    except ValueError:
        return
    assert len(bound) == 20
    assert bound[10] + bound[-1] == "TZ"
    assert parse_bound(bound) == bound  # idempotent


def test_check_order() -> None:
    check_order("2016-01-01T00:00:00Z", "2017-01-01T00:00:00Z")
    check_order(None, "2017-01-01T00:00:00Z")
    check_order("2016-01-01T00:00:00Z", None)
    for since, until in (("2017-01-01T00:00:00Z", "2017-01-01T00:00:00Z"),
                         ("2018-01-01T00:00:00Z", "2017-01-01T00:00:00Z")):
        with pytest.raises(ValueError, match="must be later than --since"):
            check_order(since, until)


@pytest.fixture(scope="module")
def empty_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dates") / "archive.db"
    Archive(path).open().close()
    return path


COMMANDS = {
    "crawl": ["crawl", "--base-url", "http://127.0.0.1:9"],
    "search": ["search", "analysis"],
    "export": ["export"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("bad", ["2016-13", "yesterday"])
def test_every_command_refuses_a_bad_date_with_the_same_one_line(
    empty_archive: Path, tmp_path: Path, command: str, bad: str
) -> None:
    db = empty_archive if command != "crawl" else tmp_path / "crawl.db"
    result = CliRunner().invoke(cli, [*COMMANDS[command], "--db", str(db), "--since", bad])
    assert result.exit_code == 2
    assert result.stderr == f"Error: --since: expected {DATE_FORMS}, got '{bad}'\n"
    assert result.stdout == ""
    assert not (tmp_path / "crawl.db").exists()  # refused before anything is opened


@pytest.mark.parametrize("command", ["search", "export"])
def test_every_command_refuses_until_before_since_the_same_way(empty_archive: Path, command: str) -> None:
    result = CliRunner().invoke(
        cli, [*COMMANDS[command], "--db", str(empty_archive), "--since", "2017", "--until", "2016-06"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --until (2016-06-01T00:00:00Z) must be later than --since (2017-01-01T00:00:00Z)\n"
    )


@pytest.mark.parametrize("command", ["search", "export"])
@pytest.mark.parametrize("since", ["2016", "2016-11", "2016-11-07", "2016-11-07T10:41:00+03:00"])
def test_every_form_is_taken_by_search_and_export(empty_archive: Path, command: str, since: str) -> None:
    result = CliRunner().invoke(cli, [*COMMANDS[command], "--db", str(empty_archive), "--since", since])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("module", ["dates", "output"])
def test_the_output_and_date_layers_are_leaves(module: str) -> None:
    """archiver.dates and archiver.output import nothing of the project (so that any layer may
    use them) and no click (they are the library's, not only the command line's)."""
    path = Path(__file__).resolve().parent.parent / "archiver" / f"{module}.py"
    imported = {
        name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        for name in (
            [node.module or ""] if isinstance(node, ast.ImportFrom)
            else [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        )
    }
    assert not {name for name in imported if name.split(".")[0] in ("archiver", "click")}, imported
