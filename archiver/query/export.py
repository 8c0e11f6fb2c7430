"""Exports of the archive: articles as CSV or JSON Lines, raw pages as WARC (``archiver export``).

The writers are pure: pages in from an iterator, bytes out to a binary stream, one page
held at a time, so memory stays flat however large the archive. Text is UTF-8. CSV and JSON Lines
are written by the command line's one output layer (``archiver.output``: RFC 4180 CSV with
``--excel``'s byte order mark and formula guard, JSON Lines with the line separators escaped);
``--since``/``--until`` are read by ``archiver.dates`` (the grammar of every command).

- WARC: a ``warcinfo`` record, then one ``response`` record per stored page (WARC/1.0, written by
  warcio, which adds the block and payload digests).
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from http import HTTPStatus
from importlib.metadata import version
from io import BytesIO
from pathlib import Path
from typing import Final, Protocol

from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from archiver import __version__
from archiver.errors import UnknownFieldError
from archiver.items import RawPage

DEFAULT_FIELDS: Final = (
    "id", "url", "title", "category", "trend_status", "published_at", "published_local",
    "published_raw", "image_url", "image_credit", "lead", "body", "word_count", "revision",
    "first_seen_at", "last_seen_at", "updated_at",
)
"""The ``articles`` columns a CSV/JSONL export holds by default, in this order."""

ALL_FIELDS: Final = "all"
"""``--fields all``: every column of ``articles``, in table order."""

WARC_VERSION: Final = "1.0"
"""WARC/1.0: what every WARC reader reads (the timestamps are whole seconds anyway)."""

RENAMED_HEADERS: Final = ("content-encoding", "transfer-encoding")
"""Response headers that no longer describe the stored (decoded) body: kept as ``X-Archive-Orig-*``."""

ORIGINAL_PREFIX: Final = "X-Archive-Orig-"
"""The prefix of a renamed header (the convention pywb and other replay tools use)."""


class ByteSink(Protocol):
    """Where the writers write: a binary stream (a file, ``sys.stdout.buffer``, a GzipFile)."""

    def write(self, data: bytes, /) -> int:
        """Write ``data``; return the number of bytes written."""

    def flush(self) -> None:
        """Push buffered bytes on."""


def parse_fields(text: str, columns: Sequence[str]) -> tuple[str, ...]:
    """``--fields`` (``a,b,c``, spaces around names ignored; ``all``: ``columns``) as a tuple.

    Raises UnknownFieldError for an empty name; Archive.iter_articles checks the names.
    """
    if text.strip() == ALL_FIELDS:
        return tuple(columns)
    names = tuple(name.strip() for name in text.split(","))
    if not all(names):
        raise UnknownFieldError(f"--fields takes column names separated by commas, got {text!r}")
    return names


def check_options(fmt: str, *, fields: str | None, excel: bool, output: str, db_path: str) -> None:
    """Reject option combinations that make no sense, before anything is read or written.

    Raises ValueError: --fields or --excel with a format that has no use for it, an output that
    is a directory or the archive itself.
    """
    if fmt == "warc" and fields is not None:
        raise ValueError("--fields is for --format csv or jsonl")
    if excel and fmt != "csv":
        raise ValueError("--excel is for --format csv")
    if output == "-":
        return
    if Path(output).is_dir():
        raise ValueError(f"cannot write {output}: it is a directory")
    if Path(output).resolve() == Path(db_path).resolve():
        raise ValueError(f"cannot export into the archive itself ({output})")


def pages_between(pages: Iterable[RawPage], since: str | None, until: str | None) -> Iterator[RawPage]:
    """The pages whose ``fetched_at`` (``YYYY-MM-DDTHH:MM:SSZ``) is >= since and < until."""
    for page in pages:
        if (since is None or page.fetched_at >= since) and (until is None or page.fetched_at < until):
            yield page


def response_headers(page: RawPage) -> StatusAndHeaders:
    """The page's HTTP status line and headers, reconstructed for its stored (decoded) body.

    Status line: ``HTTP/1.1``, the stored status and its standard reason phrase. Headers: as
    stored, in order, CR/LF in values replaced by spaces; ``Content-Encoding`` and
    ``Transfer-Encoding`` renamed ``X-Archive-Orig-...`` (the body is stored decoded);
    ``Content-Length`` set to the stored body's length (a different original value is kept as
    ``X-Archive-Orig-Content-Length``).
    """
    length = str(len(page.body))
    headers: list[tuple[str, str]] = []
    for raw_name, raw_values in page.headers.items():
        name = _one_line(raw_name)
        for raw_value in [raw_values] if isinstance(raw_values, str) else raw_values:
            value = _one_line(str(raw_value))
            key = name.lower()
            if key in RENAMED_HEADERS or (key == "content-length" and value != length):
                headers.append((ORIGINAL_PREFIX + name, value))
            elif key != "content-length":
                headers.append((name, value))
    headers.append(("Content-Length", length))
    try:
        reason = HTTPStatus(page.status).phrase
    except ValueError:
        reason = ""
    return StatusAndHeaders(f"{page.status} {reason}".rstrip(), headers, protocol="HTTP/1.1")


def _one_line(text: str) -> str:
    """``text`` with CR and LF replaced by spaces, stripped: safe inside one header line."""
    return text.replace("\r", " ").replace("\n", " ").strip()


def write_warc(
    pages: Iterable[RawPage], out: ByteSink, *, gzip: bool, filename: str = ""
) -> int:
    """The pages as a WARC file on ``out``; return the number of ``response`` records.

    First a ``warcinfo`` record (software, format, how the HTTP headers were reconstructed;
    ``filename`` as ``WARC-Filename`` unless empty), then per page a ``response`` record:
    ``WARC-Target-URI`` the page's URL, ``WARC-Date`` its ``fetched_at``, the HTTP block from
    ``response_headers`` and the body bytes exactly as stored. gzip: compress each record
    separately (a ``.warc.gz``), as WARC readers expect.
    """
    writer = WARCWriter(out, gzip=gzip, warc_version=WARC_VERSION)
    info = {
        "software": f"archiver {__version__} (warcio {version('warcio')})",
        "format": f"WARC File Format {WARC_VERSION}",
        "description": (
            "Raw pages of an archiver SQLite archive (table pages). HTTP status lines and headers "
            "are reconstructed from pages.status and pages.headers; bodies are stored decoded, so "
            "Content-Encoding and Transfer-Encoding are renamed X-Archive-Orig-* and "
            "Content-Length is the stored length. WARC-Date is pages.fetched_at, the latest fetch "
            "of these bytes."
        ),
    }
    writer.write_record(writer.create_warcinfo_record(filename, info))
    count = 0
    for page in pages:
        record = writer.create_warc_record(
            page.url,
            "response",
            payload=BytesIO(page.body),
            length=len(page.body),
            warc_headers_dict={"WARC-Date": page.fetched_at},
            http_headers=response_headers(page),
        )
        writer.write_record(record)
        count += 1
    return count


def gzip_wanted(target: str, flag: bool | None) -> bool:
    """Whether to gzip: ``flag`` when given, else whether ``target`` ends in ``.gz`` (``-``: no)."""
    if flag is not None:
        return flag
    return target != "-" and target.endswith(".gz")


@contextmanager
def open_output(target: str, *, gzip_stream: bool = False) -> Iterator[ByteSink]:
    """A binary stream to ``target`` (``-``: stdout, flushed at the end but left open).

    A file is written as a hidden ``.NAME.XXXXXXXX.part`` beside it (created new under a random
    name with ``O_EXCL``: a planted symbolic link is never followed; then given the usual mode,
    0666 less the umask) and renamed over ``target`` only when the block ends without an error
    (removed otherwise), so a failed export never leaves a truncated file, and a ``target`` that
    is a symbolic link is replaced, not written through. gzip_stream: gzip the whole stream
    (CSV/JSONL; WARC gzips per record). Raises OSError when the file cannot be written.
    """
    if target == "-":
        stdout = sys.stdout.buffer
        if gzip_stream:
            with gzip.GzipFile(filename="", mode="wb", fileobj=stdout, mtime=0) as zipped:
                yield zipped
        else:
            yield stdout
        stdout.flush()
        return
    path = Path(target)
    fd, part_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    part = Path(part_name)
    try:
        with os.fdopen(fd, "wb") as raw:
            umask = os.umask(0o022)  # read the umask (there is no call that only reads it)
            os.umask(umask)
            os.fchmod(raw.fileno(), 0o666 & ~umask)
            if gzip_stream:
                inner = path.name.removesuffix(".gz")
                with gzip.GzipFile(filename=inner, mode="wb", fileobj=raw, mtime=0) as zipped:
                    yield zipped
            else:
                yield raw
        part.replace(path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def discard_stdout() -> None:
    """Point file descriptor 1 at the null device, after the reader of a pipe went away.

    ``archiver export | head``: the rest of the output, and the flush at exit, must not fail.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
