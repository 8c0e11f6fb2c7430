"""README.md's command reference and docs/schema.md's column reference are what the code
generates (archiver.docs): a changed --help, a new command or a new column fails here until
``python -m archiver.docs`` is run."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver import docs
from archiver.query.datasette_meta import TABLES

VENV = "python3 -m venv .venv && .venv/bin/pip install"


@pytest.fixture(scope="module")
def generated() -> dict[Path, str]:
    return docs.generated()


@pytest.mark.parametrize("name", ["README.md", "docs/schema.md"])
def test_generated_sections_are_current(generated: dict[Path, str], name: str) -> None:
    path = docs.ROOT / name
    assert path.read_text(encoding="utf-8") == generated[path], (
        f"{name} is stale: run `{docs.REGENERATE}` and commit the result"
    )


def test_reference_has_every_command_and_its_help(generated: dict[Path, str]) -> None:
    readme = generated[docs.ROOT / "README.md"]
    reference = readme.split(docs.COMMANDS[0])[1]
    for name, command, _ in docs._commands(docs._root()):
        assert f"\n### {name}\n" in reference, name
        assert f"Usage: {name} " in reference, name
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--"):
                    assert opt in reference, (name, opt)


def test_the_readme_still_opens_with_the_two_commands(generated: dict[Path, str]) -> None:
    readme = generated[docs.ROOT / "README.md"]
    first = readme.index(f"```sh\n{VENV} -e . && .venv/bin/archiver demo\n```")
    second = readme.index(f"```sh\n{VENV} -e '.[test]' && .venv/bin/pytest\n```")
    assert first < second < readme.index("```", second + 10) < readme.index(docs.COMMANDS[0])
    assert readme.index("```sh") == first


def test_schema_reference_has_every_table_and_column(generated: dict[Path, str]) -> None:
    reference = generated[docs.ROOT / "docs/schema.md"].split(docs.SCHEMA[0])[1]
    for name, table in TABLES.items():
        assert f"### `{name}` (" in reference, name
        for column in table.columns:
            assert f"| `{column}` |" in reference, (name, column)


def test_replaced_keeps_the_markers_and_refuses_without_them(tmp_path: Path) -> None:
    text = f"head\n{docs.SCHEMA[0]}\nold\n{docs.SCHEMA[1]}\ntail\n"
    assert docs.replaced(text, docs.SCHEMA, "new", tmp_path) == (
        f"head\n{docs.SCHEMA[0]}\nnew\n{docs.SCHEMA[1]}\ntail\n"
    )
    with pytest.raises(ValueError, match="markers"):
        docs.replaced("no markers", docs.SCHEMA, "new", tmp_path)


def test_check_exits_1_and_names_the_command_when_stale(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(docs, "stale", lambda: [docs.ROOT / "README.md"])
    assert docs.main(["--check"]) == 1
    assert capsys.readouterr().err == "README.md is stale: run `python -m archiver.docs`\n"
    monkeypatch.setattr(docs, "stale", list)
    assert docs.main(["--check"]) == 0
