"""The one output layer (archiver.output): the same rows as a table, a JSON array, JSON Lines and
CSV, and every row-printing command printing through it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.output import (
    ROW_FORMATS,
    Utf8Sink,
    aligned_table,
    write_csv,
    write_document,
    write_json,
    write_jsonl,
    write_rows,
)
from archiver.store import Archive

ROWS = [
    {"id": 1, "title": 'Квота, "quoted"\nline', "share": 0.5, "note": None, "extra": "dropped"},
    {"id": 20, "title": "=1+1", "share": None, "note": "a\u2028b"},
]
FIELDS = ("id", "title", "share", "note")


def render(fmt: str, rows: list[dict[str, object]] = ROWS) -> str:
    out = io.StringIO()
    assert write_rows(rows, fmt, FIELDS, out) == len(rows)
    return out.getvalue()


def test_json_is_one_array_as_json_dumps_writes_it() -> None:
    picked = [{name: row.get(name) for name in FIELDS} for row in ROWS]
    assert render("json") == json.dumps(picked, ensure_ascii=False, indent=2) + "\n"
    assert render("json", []) == "[]\n"
    assert json.loads(render("json")) == picked


def test_jsonl_is_one_object_a_line_with_line_separators_escaped() -> None:
    lines = render("jsonl").split("\n")
    assert len(lines) == 3
    assert lines[-1] == ""
    assert [json.loads(line) for line in lines[:-1]] == [
        {name: row.get(name) for name in FIELDS} for row in ROWS
    ]
    assert "\\u2028" in lines[1]
    assert list(FIELDS) == list(json.loads(lines[0]))  # keys in field order
    assert render("jsonl", []) == ""


def test_csv_is_rfc_4180_with_a_header_and_null_empty() -> None:
    text = render("csv")
    assert text.startswith("id,title,share,note\r\n")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        list(FIELDS), ["1", 'Квота, "quoted"\nline', "0.5", ""], ["20", "=1+1", "", "a\u2028b"],
    ]
    assert render("csv", []) == "id,title,share,note\r\n"  # the header always


def test_csv_for_spreadsheets_has_a_bom_and_no_formulas() -> None:
    out = io.StringIO()
    write_csv([{"a": "=SUM(A1)", "b": "-2", "c": "plain", "d": 5}], "abcd", out, bom=True,
              neutralise_formulas=True)
    assert out.getvalue() == "\ufeffa,b,c,d\r\n'=SUM(A1),'-2,plain,5\r\n"


def test_table_is_aligned_numbers_right() -> None:
    assert aligned_table([{"a": 1, "b": "xy"}, {"a": 100, "b": None}], ["a", "b"]).splitlines() == [
        "  a  b", "---  --", "  1  xy", "100",
    ]
    assert aligned_table([], []) == ""
    assert render("table", [{"id": 3, "title": "t"}]).splitlines() == [
        "id  title  share  note", "--  -----  -----  ----", " 3  t",
    ]


class Probe(io.StringIO):
    """A text sink that notes how many rows its source had yielded at each write."""

    def __init__(self, seen: list[int]) -> None:
        super().__init__()
        self.seen = seen
        self.at: list[int] = []

    def write(self, text: str, /) -> int:
        self.at.append(len(self.seen))
        return super().write(text)


@pytest.mark.parametrize("writer", [write_json, write_jsonl, write_csv])
def test_writers_stream_one_row_at_a_time(writer: Callable[..., int]) -> None:
    seen: list[int] = []

    def rows() -> Iterator[dict[str, object]]:
        for number in range(3):
            seen.append(number)
            yield {"id": number}

    sink = Probe(seen)
    assert writer(rows(), ["id"], sink) == 3
    assert sink.at[0] <= 1  # written before the second row was read


def test_utf8_sink_and_document() -> None:
    raw = io.BytesIO()
    assert write_jsonl([{"t": "Мінск"}], ["t"], Utf8Sink(raw)) == 1
    assert raw.getvalue() == '{"t": "Мінск"}\n'.encode()
    text = io.StringIO()
    write_document({"a": [1]}, text)
    assert text.getvalue() == '{\n  "a": [\n    1\n  ]\n}\n'


def test_an_unknown_format_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        write_rows([], "xml", FIELDS, io.StringIO())


# --- the commands ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("output") / "archive.db"
    with Archive(path) as archive:
        run = archive.start_run(mode="full", started_at="2026-11-28T10:00:00Z")
        archive.finish_run(run, finished_at="2026-11-28T10:05:30Z", counts={"requests": 7},
                           finish_reason="finished", exit_code=0)
    return path


@pytest.mark.parametrize(("command", "key"), [("runs", "requests"), ("stats", "section")])
@pytest.mark.parametrize("fmt", ROW_FORMATS)
def test_row_commands_take_every_format(archive_path: Path, command: str, key: str, fmt: str) -> None:
    result = CliRunner().invoke(cli, [command, "--db", str(archive_path), "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "json" and command == "stats":  # the summary is one document
        assert json.loads(result.stdout)["totals"]["articles"] == 0
    elif fmt == "json":
        assert isinstance(json.loads(result.stdout), list)
        assert json.loads(result.stdout)[0][key] == 7
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert rows
        assert all(key in row for row in rows)
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
        assert rows
        assert key in rows[0]
    else:
        assert key in result.stdout or "totals" in result.stdout


def test_stats_rows_are_section_key_value(archive_path: Path) -> None:
    result = CliRunner().invoke(cli, ["stats", "--db", str(archive_path), "--format", "jsonl"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"section": "totals", "key": "articles", "value": 0} in rows
    runs = [row for row in rows if row["section"] == "last_runs"]
    assert [row["key"] for row in runs] == [1]
    assert runs[0]["value"].startswith("1 full: started 2026-11-28T10:00:00Z")
