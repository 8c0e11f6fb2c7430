"""The command line: help for every command, exit codes, one-line errors, extract, demo."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from archiver.cli import cli
from tests.conftest import child_env, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "pages"


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, command in group.commands.items():
        out.append((*prefix, name))
        if isinstance(command, click.Group):
            out.extend(all_commands(command, (*prefix, name)))
    return out


@pytest.mark.parametrize("path", all_commands(cli), ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) > 3


def test_unknown_command_is_usage_error() -> None:
    result = CliRunner().invoke(cli, ["frobnicate"])
    assert result.exit_code == 2


def test_bad_setting_is_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["crawl", "--db", str(tmp_path / "a.db"), "-s", "NOEQUALS"])
    assert result.exit_code == 2
    assert "NAME=VALUE" in result.output


def test_corrupt_archive_is_one_line_exit_2_and_untouched(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    db.write_bytes(b"this is not a database" * 100)
    before = db.read_bytes()
    result = run_cli("crawl", "--db", str(db), "--base-url", "http://127.0.0.1:9")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert db.read_bytes() == before


def test_query_commands_on_missing_archive(tmp_path: Path) -> None:
    for args in (["search", "Minsk"], ["stats"], ["runs"]):
        result = CliRunner().invoke(cli, [*args, "--db", str(tmp_path / "none.db")])
        assert result.exit_code == 2, args
        assert "no archive" in result.output
    assert not (tmp_path / "none.db").exists()


def test_extract_prints_one_json_line_per_file() -> None:
    files = [str(FIXTURES / "seed-drupal" / "page.html"), str(FIXTURES / "seed-plain" / "page.html")]
    result = CliRunner().invoke(cli, ["extract", *files, "--now", "2026-11-28T12:00:00Z"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == 2
    assert lines[0]["published_at"] == "2016-11-07T07:41:00Z"
    assert lines[0]["field_sources"]["title"] == "selector"
    assert lines[0]["reject_reasons"] == []


def test_extract_reports_reject_reasons(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><body><h1>Only a title</h1></body></html>")
    result = CliRunner().invoke(cli, ["extract", str(page)])
    assert result.exit_code == 1  # the page would be rejected
    out = json.loads(result.output)
    assert out["title"] == "Only a title"
    assert any("publication date" in r for r in out["reject_reasons"])
    assert any("body too short" in r for r in out["reject_reasons"])


@pytest.mark.e2e
def test_demo_archives_the_replica(tmp_path: Path) -> None:
    from archiver.replica import ReplicaSite

    db = tmp_path / "demo.db"
    result = run_cli("demo", "--db", str(db), "--articles", "50")
    assert result.returncode == 0, result.stderr[-3000:]
    expected = len(ReplicaSite(50, seed=0).ground_truth("http://127.0.0.1:1"))  # with /by/ twins
    assert expected > 50
    assert f"{expected} new" in result.stdout
    assert result.stdout.count("SELECT") >= 3
    # both eras: a Drupal article with its timestamp, a weekly one with week, trend and status
    assert "-- The newest Drupal-era article (a timestamp)" in result.stdout
    assert "-- The newest weekly article (a week, a trend and its status)" in result.stdout
    assert re.search(r"published \d{4}-\d\d-\d\dT\d\d:\d\d:00Z \(shown: ", result.stdout)
    assert re.search(r"week \d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d \(shown: .*\); trend [a-z-]+ "
                     r"\(.+\): (better|worse|unchanged)", result.stdout)
    plot = db.with_suffix(".svg").read_text(encoding="utf-8")
    assert "<svg" in plot
    assert "status status-worse" in plot  # the status chart beside the articles chart
    stats = run_cli("stats", "--db", str(db), "--format", "json", "--plot", str(tmp_path / "p.svg"))
    data = json.loads(stats.stdout)
    assert data["totals"]["articles"] == expected
    assert "status status-better" in (tmp_path / "p.svg").read_text(encoding="utf-8")


def test_scrapy_list_from_the_repository_root() -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=root, capture_output=True, text=True,
        timeout=120, check=False, env=child_env(),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["belarusinfocus"]
