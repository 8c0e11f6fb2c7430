"""The ``archiver`` command: a thin click layer over the library.

Exit codes: 0 done; 1 done with failures that the run log lists; 2 bad usage or bad input;
75 another run holds the lock.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from archiver.errors import ArchiveInUseError, ArchiverError
from archiver.store import Archive

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DB = "data/archive.db"
EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 75


class CliError(click.ClickException):
    """A user error: one line on stderr, exit 2."""

    exit_code = EXIT_USAGE


def db_option(func: F) -> F:
    """``--db PATH`` (env ARCHIVER_DB), shared by every command."""
    return click.option(
        "--db",
        "db_path",
        default=DEFAULT_DB,
        envvar="ARCHIVER_DB",
        show_default=True,
        type=click.Path(dir_okay=False),
        help="The SQLite archive.",
    )(func)


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` with the given choices; the first is the default."""
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True,
        help="Output format.",
    )


@contextmanager
def open_archive(db_path: str, *, readonly: bool = False) -> Iterator[Archive]:
    """The archive at ``db_path``; its errors become one-line CLI errors (exit 2)."""
    if readonly and not Path(db_path).exists():
        raise CliError(f"no archive at {db_path} (run `archiver crawl` or `archiver demo` first)")
    try:
        archive = Archive(db_path).open(readonly=readonly)
    except ArchiverError as exc:
        raise CliError(str(exc)) from exc
    try:
        yield archive
    finally:
        archive.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="archiver")
def cli() -> None:
    """Archive the Belarus in Focus analyses into SQLite, and query the archive."""


# --- crawling ---------------------------------------------------------------------------------
def settings_option(func: F) -> F:
    """``-s NAME=VALUE``: a Scrapy setting, as with ``scrapy crawl``."""
    return click.option(
        "-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
        help="A Scrapy setting, as with `scrapy crawl -s` (repeatable).",
    )(func)


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    """``["A=1", "B=x"]`` -> ``{"A": "1", "B": "x"}``; a pair without ``=`` is a usage error."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CliError(f"-s takes NAME=VALUE, got {pair!r}")
        out[name.strip()] = value
    return out


def crawl_into(
    db_path: str,
    base_url: str,
    overrides: dict[str, str],
    log_level: str,
    *,
    full: bool = False,
    since: str | None = None,
) -> int:
    """Run the spider into the archive at ``db_path``; return the run's exit code.

    Another run holding the archive's lock: one line on stderr and exit 75, nothing written.
    """
    from archiver.crawl import run_crawl  # Scrapy loads only for commands that crawl

    try:
        return run_crawl(
            db_path=db_path, base_url=base_url, overrides=overrides, log_level=log_level,
            full=full, since=since,
        )
    except ArchiveInUseError as exc:
        click.echo(f"archiver: {exc}", err=True)
        sys.exit(exc.exit_code)
    except ArchiverError as exc:
        raise CliError(str(exc)) from exc


def check_since(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Validate ``--since`` (a date or ISO 8601 time) early, as a usage error."""
    from archiver.plan import parse_instant

    if value is not None and parse_instant(value) is None:
        raise click.BadParameter(f"expected a date like 2024-01-31, got {value!r}")
    return value


@cli.command()
@db_option
@click.option("--base-url", default="https://belarusinfocus.info", show_default=True,
              help="The site to crawl (a replica's URL for offline runs).")
@click.option("--log-level", default="WARNING", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]), help="Scrapy's log level.")
@click.option("--full", is_flag=True, help="Walk every listing page and check every article.")
@click.option("--since", metavar="DATE", callback=check_since,
              help="Fetch nothing shown or modified before DATE (2024-01-31 or ISO 8601).")
@settings_option
def crawl(  # noqa: PLR0917 (click passes options as keywords)
    db_path: str,
    base_url: str,
    log_level: str,
    full: bool,
    since: str | None,
    overrides: tuple[str, ...],
) -> None:
    """Crawl the site into the archive: incremental by default, full the first time.

    An incremental run reads the feed, the sitemap and the newest listing pages, fetches the new
    articles and re-checks edited ones (conditional requests); a full crawl that died is resumed.
    One run per archive: a second one exits 75. Prints progress while it runs and a summary at
    the end; exit 1 when pages failed or were rejected (listed by `archiver runs` and in the
    archive's `rejects` table; failed pages are retried by the next run).
    """
    code = crawl_into(db_path, base_url, parse_overrides(overrides), log_level, full=full, since=since)
    print_last_run(db_path)
    sys.exit(code)


@cli.command()
@db_option
@click.option("--articles", default=200, show_default=True, type=click.IntRange(10, 20_000),
              help="Articles in the replica.")
@click.option("--seed", default=0, show_default=True, help="The replica's random seed.")
@settings_option
def demo(db_path: str, articles: int, seed: int, overrides: tuple[str, ...]) -> None:
    """Crawl an offline replica of the site into the archive and show what it holds.

    Starts the replica on a free loopback port, crawls it, prints a summary and three example
    queries with their answers.
    """
    from archiver.replica import ReplicaServer, ReplicaSite

    click.echo(f"building a replica of {articles} articles (seed {seed}) ...", err=True)
    started = time.monotonic()
    with ReplicaServer(ReplicaSite(articles, seed=seed)) as server:
        click.echo(f"replica serving at {server.base_url}; crawling into {db_path}", err=True)
        code = crawl_into(db_path, server.base_url, parse_overrides(overrides), "WARNING")
    elapsed = time.monotonic() - started
    print_last_run(db_path)
    click.echo(f"done in {elapsed:.1f} s\n")
    with open_archive(db_path, readonly=True) as archive:
        for title, sql, rows in archive.example_queries():
            click.echo(f"-- {title}\n{sql}")
            for row in rows:
                click.echo("   " + " | ".join("" if v is None else str(v) for v in row.values()))
            click.echo()
    click.echo(f"explore further: archiver search Minsk --db {db_path}; archiver stats --db {db_path}")
    sys.exit(code)


MAX_LISTED_PROBLEMS = 20
"""How many failed or rejected pages the end-of-run summary lists (all are in ``rejects``)."""


def print_last_run(db_path: str) -> None:
    """A summary line of the newest run, then its failed and rejected pages (up to 20)."""
    with open_archive(db_path, readonly=True) as archive:
        runs = archive.runs(limit=1)
        problems = archive.run_rejects(int(str(runs[0]["id"]))) if runs else []
    if not runs:
        return
    run = runs[0]
    click.echo(
        f"run {run['id']} ({run['mode']}): {run['requests']} requests "
        f"({run['responses_304']} not modified), "
        f"{run['items_new']} new, {run['items_updated']} updated, "
        f"{run['items_unchanged']} unchanged, {run['items_rejected']} rejected, "
        f"{run['failures']} failed; finish: {run['finish_reason'] or 'unfinished'}; "
        f"exit {run['exit_code']}"
    )
    for problem in problems[:MAX_LISTED_PROBLEMS]:
        click.echo(f"  {problem['kind']}: {problem['url']}: {problem['reason']}")
    if len(problems) > MAX_LISTED_PROBLEMS:
        more = len(problems) - MAX_LISTED_PROBLEMS
        click.echo(f"  ... and {more} more (table rejects, run_id {run['id']})")


# --- querying ---------------------------------------------------------------------------------
@cli.command()
@db_option
@click.argument("query")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@format_option("table", "json", "csv")
def search(db_path: str, query: str, limit: int, fmt: str) -> None:
    """Full-text search of titles, leads and bodies (SQLite FTS5 syntax), best match first."""
    with open_archive(db_path, readonly=True) as archive:
        try:
            rows = archive.search(query, limit=limit)
        except ValueError as exc:
            raise CliError(str(exc)) from exc
    if fmt == "json":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "csv":
        write_csv(rows)
    else:
        for row in rows:
            click.echo(f"{str(row['published_at'])[:10]}  {row['title']}\n    {row['url']}")
            click.echo(f"    {row['snippet']}")
        click.echo(f"{len(rows)} result(s)", err=True)


def write_csv(rows: Sequence[dict[str, Any]]) -> None:
    """Rows as CSV on stdout, header from the first row."""
    if not rows:
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)


@cli.command()
@db_option
@format_option("table", "json")
def stats(db_path: str, fmt: str) -> None:
    """What the archive holds: totals, dates, categories, credits, field coverage, runs."""
    with open_archive(db_path, readonly=True) as archive:
        data = archive.stats()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for key, value in data.items():
        if isinstance(value, dict):
            click.echo(f"{key}:")
            for sub, count in value.items():
                shown = f"{count:.1%}" if isinstance(count, float) else count
                click.echo(f"  {sub}: {shown}")
        elif isinstance(value, list):
            click.echo(f"{key}:")
            for entry in value:
                click.echo(f"  {entry}")
        else:
            click.echo(f"{key}: {value}")


@cli.command()
@db_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@format_option("table", "json")
def runs(db_path: str, limit: int, fmt: str) -> None:
    """The crawl runs, newest first (an unfinished run has no finish time)."""
    with open_archive(db_path, readonly=True) as archive:
        rows = archive.runs(limit=limit)
    if fmt == "json":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    columns = ("id", "mode", "started_at", "finished_at", "requests", "responses_2xx",
               "responses_304", "responses_4xx", "responses_5xx", "items_new", "items_updated",
               "items_unchanged", "items_rejected", "failures", "finish_reason", "exit_code")
    click.echo("\t".join(columns))
    for row in rows:
        if row.get("finished_at") is None:
            row["finish_reason"] = "unfinished"
        click.echo("\t".join("" if row.get(c) is None else str(row.get(c)) for c in columns))


# --- pages ------------------------------------------------------------------------------------
@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--url", default=None, help="The page's URL (default: its canonical link).")
@click.option("--now", default=None, help="The fetch time, ISO 8601 (default: now).")
@click.option("--tz", default="Europe/Minsk", show_default=True, help="The site's timezone.")
def extract(files: tuple[str, ...], url: str | None, now: str | None, tz: str) -> None:
    """Each saved page (HTML, or .gz) in, one JSON line out: fields as the archive would hold them.

    Also prints `field_sources` and, where validation would reject the page, `reject_reasons`.
    """
    from archiver.extract import extract_file

    for name in files:
        path = Path(name)
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        record = extract_file(data, url=url, now=now, tz=tz, name=path.name)
        click.echo(json.dumps(record, ensure_ascii=False))


# --- the replica ------------------------------------------------------------------------------
@cli.group()
def replica() -> None:
    """The offline replica of the site (for demos, tests and benchmarks)."""


@replica.command("serve")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option("--articles", default=200, show_default=True, type=click.IntRange(10, 20_000))
@click.option("--seed", default=0, show_default=True)
@click.option("--defects", default=0, show_default=True, type=click.IntRange(0),
              help="Articles broken so that the archive must reject them (no date, short body, "
                   "no title, in turn).")
def replica_serve(port: int, articles: int, seed: int, defects: int) -> None:
    """Serve the replica on 127.0.0.1:PORT until interrupted."""
    from archiver.replica.server import serve

    if defects > articles:
        raise click.BadParameter(f"at most --articles ({articles})", param_hint="--defects")
    broken = f", {defects} of them defective" if defects else ""
    click.echo(
        f"serving a replica of {articles} articles{broken} on http://127.0.0.1:{port}/", err=True
    )
    try:
        serve(port=port, articles=articles, seed=seed, defects=defects)
    except OSError as exc:
        raise CliError(f"cannot serve on port {port}: {exc.strerror}") from exc
    except KeyboardInterrupt:
        click.echo("stopped", err=True)


def main() -> None:
    """Entry point of the ``archiver`` console script."""
    cli()
