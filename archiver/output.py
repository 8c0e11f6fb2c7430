"""The one output layer of the command line: rows as a table, a JSON array, JSON Lines or CSV.

Rows are mappings; ``fields`` picks and orders the keys of every format (a missing key is NULL).
The writers stream: one row is held at a time (but the aligned table, which measures every row
first), so ``archiver export`` of a large archive keeps memory flat.

- ``table``: a header, a rule, one line per row; columns padded to their widest value, numbers
  right-aligned, NULL empty.
- ``json``: one array of objects (keys in field order, non-ASCII as is, indented by 2), what
  sqlite-utils and Datasette users expect from ``json``.
- ``jsonl``: one object a line (JSON Lines); the line separators U+0085, U+2028 and U+2029 are
  written as ``\\u`` escapes so that any line splitter sees one record per line.
- ``csv``: RFC 4180 (a header row, always written; fields quoted when they hold ``,``, ``"``, CR
  or LF; ``\\r\\n`` line ends); NULL is an empty field; values written exactly as given.
  ``bom=True, neutralise_formulas=True`` (``export --excel``) starts with a UTF-8 byte order
  mark and prefixes ``'`` to text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a CR, so
  that a spreadsheet shows it instead of running a formula (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Protocol

ROW_FORMATS: Final = ("table", "json", "jsonl", "csv")
"""The ``--format`` choices of the commands that print rows (table first: the default)."""

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)."""

_LINE_BREAKS: Final = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})

Row = Mapping[str, Any]


class TextSink(Protocol):
    """Where the writers write: a text stream (``sys.stdout``, an open text file, ``Utf8Sink``)."""

    def write(self, text: str, /) -> int:
        """Write ``text``; return what the stream returns (characters or bytes written)."""


class ByteSink(Protocol):
    """A binary stream (a file, ``sys.stdout.buffer``, a GzipFile)."""

    def write(self, data: bytes, /) -> int:
        """Write ``data``; return the number of bytes written."""


class Utf8Sink:
    """A text view of a ByteSink: each ``write`` encodes as UTF-8 (no buffering, no newline
    translation)."""

    def __init__(self, out: ByteSink) -> None:
        self.out = out

    def write(self, text: str, /) -> int:
        """Encode ``text`` as UTF-8 and write it; return the bytes written."""
        return self.out.write(text.encode("utf-8"))


def neutralise_formula(value: object) -> object:
    """``value`` with ``'`` prefixed when it is text starting with one of FORMULA_STARTS (a
    spreadsheet then shows the text instead of running it); anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(
    rows: Iterable[Row],
    fields: Sequence[str],
    out: TextSink,
    *,
    bom: bool = False,
    neutralise_formulas: bool = False,
) -> int:
    """Rows as RFC 4180 CSV on ``out`` (header always, ``\\r\\n``); return the row count.

    bom: start with a byte order mark. neutralise_formulas: ``neutralise_formula`` on each cell.
    """
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, dialect="excel", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(fields)
    count = 0
    for row in rows:
        values = ["" if row.get(name) is None else row.get(name) for name in fields]
        if neutralise_formulas:
            values = [neutralise_formula(value) for value in values]
        writer.writerow(values)
        count += 1
    return count


def write_jsonl(rows: Iterable[Row], fields: Sequence[str], out: TextSink) -> int:
    """Rows as JSON Lines (one object a line, keys in ``fields`` order); return the count."""
    count = 0
    for row in rows:
        line = json.dumps({name: row.get(name) for name in fields}, ensure_ascii=False)
        out.write(line.translate(_LINE_BREAKS) + "\n")
        count += 1
    return count


def write_json(rows: Iterable[Row], fields: Sequence[str], out: TextSink) -> int:
    """Rows as one JSON array (indent 2, as ``json.dumps(rows, indent=2)`` writes it, and a
    final newline), streamed an object at a time; return the count."""
    count = 0
    for row in rows:
        text = json.dumps({name: row.get(name) for name in fields}, ensure_ascii=False, indent=2)
        out.write(("[\n" if count == 0 else ",\n") + "  " + text.replace("\n", "\n  "))
        count += 1
    out.write("\n]\n" if count else "[]\n")
    return count


def write_document(value: object, out: TextSink) -> None:
    """One JSON value (an object: ``show``, ``stats``), indent 2, with a final newline."""
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def aligned_table(rows: Sequence[Row], names: Sequence[str]) -> str:
    """``rows`` as text: a header, a rule, one line per row; columns padded to their widest
    value, numbers right-aligned, NULL empty; ends with a newline (empty text for no columns)."""
    if not names:
        return ""
    cells = [["" if row.get(name) is None else str(row.get(name)) for name in names] for row in rows]
    widths = [max([len(name), *(len(line[i]) for line in cells)]) for i, name in enumerate(names)]
    numeric = [
        all(isinstance(row.get(name), int | float) for row in rows if row.get(name) is not None)
        and any(row.get(name) is not None for row in rows)
        for name in names
    ]

    def line(values: Sequence[str]) -> str:
        padded = [
            value.rjust(width) if right else value.ljust(width)
            for value, width, right in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(padded).rstrip()

    out = [line(names), line(["-" * width for width in widths])]
    out.extend(line(values) for values in cells)
    return "\n".join(out) + "\n"


def write_rows(rows: Iterable[Row], fmt: str, fields: Sequence[str], out: TextSink) -> int:
    """Rows on ``out`` as ``fmt`` (one of ROW_FORMATS); return the row count.

    Raises ValueError for another format.
    """
    if fmt == "json":
        return write_json(rows, fields, out)
    if fmt == "jsonl":
        return write_jsonl(rows, fields, out)
    if fmt == "csv":
        return write_csv(rows, fields, out)
    if fmt == "table":
        held = list(rows)
        out.write(aligned_table(held, fields))
        return len(held)
    raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(ROW_FORMATS)}")
