"""The ``archiver`` command: a thin click layer over the library.

Exit codes: 0 done; 1 done with failures that the run log lists; 2 bad usage or bad input;
75 another run holds the lock.
"""

from __future__ import annotations

import gzip
import ipaddress
import sqlite3
import sys
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

import click

from archiver.dates import DATE_FORMS, check_order, parse_bound
from archiver.errors import ArchiveInUseError, ArchiverError, PageUnreadableError, shown
from archiver.health import RunHealth, describe, problems
from archiver.output import ROW_FORMATS, Utf8Sink, write_csv, write_document, write_jsonl, write_rows
from archiver.pages.site import site_address
from archiver.store import DEFAULT_TIME_LIMIT_S, MAX_PAGE_BYTES, Archive, archive_error

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DB = "data/archive.db"
DEMO_DB = "data/demo.db"
"""The demo's own archive: ``archiver demo`` never writes into the real one by default."""
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
        show_envvar=True,
        show_default=True,
        type=click.Path(dir_okay=False),
        help="The SQLite archive.",
    )(func)


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` with the given choices; the first is the default."""
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True,
        help="Output format" + (
            " (json: one array; jsonl: one object a line; csv: a header and the rows)."
            if set(ROW_FORMATS) <= set(choices) else "."
        ),
    )


def time_limit_option(func: F) -> F:
    """``--time-limit SECONDS`` (env ARCHIVER_TIME_LIMIT) of the read commands."""
    return click.option(
        "--time-limit", "time_limit", default=DEFAULT_TIME_LIMIT_S, envvar="ARCHIVER_TIME_LIMIT",
        show_envvar=True, show_default=True, type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
        help="Stop a query that runs longer (exit 2): each query of the command; each batch of "
             "rows for export.",
    )(func)


@contextmanager
def open_archive(
    db_path: str, *, readonly: bool = False, time_limit: float | None = None
) -> Iterator[Archive]:
    """The archive at ``db_path``; its errors become one-line CLI errors (exit 2), also those met
    while reading it (a damaged page, a query stopped by ``time_limit`` seconds)."""
    if readonly and not Path(db_path).exists():
        raise CliError(f"no archive at {db_path} (run `archiver crawl` or `archiver demo` first)")
    try:
        archive = Archive(db_path, time_limit=time_limit).open(readonly=readonly)
    except ArchiverError as exc:
        raise CliError(str(exc)) from exc
    try:
        yield archive
    except sqlite3.Error as exc:
        if archive.timed_out:
            raise CliError(str(archive.timeout_error())) from exc
        raise CliError(str(archive_error(exc, db_path))) from exc
    except ArchiverError as exc:  # a query stopped by the time limit, an unreadable page
        raise CliError(str(exc)) from exc
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
    base_url: str | Sequence[str],
    overrides: dict[str, str],
    log_level: str,
    *,
    full: bool = False,
    since: str | None = None,
) -> int:
    """Run the spider into the archive at ``db_path``; return the run's exit code.

    ``base_url``: the site's base URL, or several (the first the primary host, the others its
    mirrors; one alone: the spider's default mirrors).

    Another run holding the archive's lock: one line on stderr and exit 75, nothing written.
    """
    from archiver.crawl import run_crawl  # Scrapy loads only for commands that crawl

    with locked_run_errors():
        return run_crawl(
            db_path=db_path, base_url=base_url, overrides=overrides, log_level=log_level,
            full=full, since=since,
        )


@contextmanager
def locked_run_errors() -> Iterator[None]:
    """For commands that take the run lock: another run holding it is one line on stderr and
    exit 75 (nothing written); any other ArchiverError a one-line CLI error (exit 2)."""
    try:
        yield
    except ArchiveInUseError as exc:
        click.echo(f"archiver: {exc}", err=True)
        sys.exit(exc.exit_code)
    except ArchiverError as exc:
        raise CliError(str(exc)) from exc


def check_base_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL with a host (and a valid port), else a
    CliError (exit 2, one line, nothing created)."""
    try:
        parts = urlsplit(url.strip())
        valid = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        _ = parts.port  # raises ValueError for a port out of range or not a number
    except ValueError:
        valid = False
    if not valid:
        raise CliError(
            f"--base-url: expected an http(s) URL like https://belarusinfocus.info, got {shown(url)}"
        )
    return url.strip()


def base_url_option(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    """Check ``--base-url`` (one URL, or several when the option is repeated) early."""
    if isinstance(value, str):
        return check_base_url(value)
    return tuple(check_base_url(url) for url in value)


def primary_base_url(value: str | Sequence[str]) -> str:
    """The primary site address of ``--base-url``: the value, or the first of several."""
    return value if isinstance(value, str) else value[0]


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` (a name or an address, IPv6 with or without brackets) is this machine."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@contextmanager
def peeking(db_path: str) -> Iterator[None]:
    """Hold the run lock while the archive is read before a run, when it has a lock file.

    ``Archive.earlier_sites`` reads the file without SQLite's locks; the writers (crawls,
    reparse) hold the run lock, so under it nothing is half-written. Without a lock file no
    run has written the file yet, and none is made for a file that may not be an archive.
    Another run holding the lock: exit 75 (ArchiveInUseError through locked_run_errors).
    """
    from archiver.lock import RunLock, lock_path_for

    lock_path = lock_path_for(Path(db_path))
    if lock_path.exists() or lock_path.is_symlink():
        with RunLock(Path(db_path)):
            yield
    else:
        yield


def check_same_site(db_path: str, base_url: str, *, new_site: bool) -> None:
    """Refuse (CliError, exit 2, nothing written) a crawl of ``base_url`` into an archive whose
    earlier runs crawled another site address, unless ``new_site``; also refuse another
    program's database here, before the lock file is made."""
    try:
        with locked_run_errors(), peeking(db_path):
            earlier = Archive(db_path).earlier_sites()
    except ArchiverError as exc:
        raise CliError(str(exc)) from exc
    if new_site or not earlier:
        return
    known = {site_address(url) for url in earlier}
    if site_address(base_url) not in known:
        raise CliError(
            f"archive {db_path} holds crawls of {', '.join(earlier[:3])}, not {base_url}: "
            "use another --db, or --new-site to add this site to it"
        )


def check_is_archive(db_path: str) -> None:
    """Refuse (CliError) another program's database before anything (the lock file) is made."""
    try:
        with locked_run_errors(), peeking(db_path):
            Archive(db_path).earlier_sites()
    except ArchiverError as exc:
        raise CliError(str(exc)) from exc


def check_db_directory(db_path: str) -> None:
    """Refuse (CliError) an archive path whose directory does not exist: a typo must not start
    a new full crawl somewhere else."""
    parent = Path(db_path).parent
    if not parent.is_dir():
        raise CliError(
            f"the directory of {db_path} does not exist ({parent}): create it first, or check "
            "--db"
        )


def date_option(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A ``--since``/``--until`` DATE (``archiver.dates``: the one grammar of every command) as
    ``YYYY-MM-DDTHH:MM:SSZ``; anything else is one line, exit 2, the same for every command."""
    if value is None:
        return None
    try:
        return parse_bound(value)
    except ValueError:
        raise CliError(f"{param.opts[0]}: expected {DATE_FORMS}, got {shown(value)}") from None


def ordered_bounds(since: str | None, until: str | None) -> None:
    """One line, exit 2, when --until is not later than --since."""
    try:
        check_order(since, until)
    except ValueError as exc:
        raise CliError(str(exc)) from None


@cli.command()
@db_option
@click.option("--base-url", default=("https://belarusinfocus.info",), show_default=True,
              multiple=True, callback=base_url_option,
              help="The site to crawl (a replica's URL for offline runs); repeat it for the "
                   "site's other hosts: the first is the primary host (canonical URLs), the "
                   "others mirrors. One alone: belarusinfocus.info also crawls "
                   "belarusinfocus.pro.")
@click.option("--new-site", is_flag=True,
              help="Crawl into an archive whose earlier runs crawled another site address "
                   "(refused otherwise; the two hosts of the real site are one address).")
@click.option("--log-level", default="WARNING", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]), help="Scrapy's log level.")
@click.option("--full", is_flag=True, help="Walk every listing page and check every article.")
@click.option("--since", metavar="DATE", callback=date_option,
              help="Fetch nothing shown or modified before DATE: YYYY, YYYY-MM, YYYY-MM-DD or "
                   "ISO 8601 (UTC unless it has an offset).")
@settings_option
def crawl(  # noqa: PLR0917 (click passes options as keywords)
    db_path: str,
    base_url: tuple[str, ...],
    new_site: bool,
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
    archive's `rejects` table; failed pages are retried by the next run). Exit 2, nothing
    written: the directory of --db does not exist, --db is another program's database, or the
    archive's earlier runs crawled another site address (see --new-site).
    """
    settings = parse_overrides(overrides)
    check_db_directory(db_path)
    check_same_site(db_path, primary_base_url(base_url), new_site=new_site)
    bases: str | tuple[str, ...] = base_url[0] if len(base_url) == 1 else base_url
    code = crawl_into(db_path, bases, settings, log_level, full=full, since=since)
    print_last_run(db_path)
    sys.exit(code)


@cli.command()
@click.option("--db", "db_path", default=DEMO_DB, show_default=True,
              type=click.Path(dir_okay=False),
              help="The demo's own archive (started afresh on each run; never a real archive).")
@click.option("--articles", default=200, show_default=True, type=click.IntRange(10, 20_000),
              help="Articles in the replica.")
@click.option("--seed", default=0, show_default=True, help="The replica's random seed.")
@settings_option
def demo(db_path: str, articles: int, seed: int, overrides: tuple[str, ...]) -> None:
    """Crawl an offline replica of the site into a demo archive and show what it holds.

    Starts the replica (both eras) on two free loopback ports, the .info and the .pro stand-ins,
    crawls both into data/demo.db (not the real archive), prints a summary, the newest article
    of each era (a Drupal one with its timestamp, a weekly one with its week, trend and status),
    three example queries with their answers, and writes the status plot beside the archive
    (data/demo.svg). A re-run starts
    the demo archive afresh; a file that is not a demo archive (one with crawls of anything but
    a loopback replica) is refused (exit 2) and left as it is.
    """
    from archiver.replica import ReplicaServer, ReplicaSite

    settings = parse_overrides(overrides)
    if db_path == DEMO_DB:
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    check_db_directory(db_path)
    with locked_run_errors():
        start_demo_afresh(Path(db_path))
    click.echo(f"building a replica of {articles} articles (seed {seed}) ...", err=True)
    started = time.monotonic()
    with ReplicaServer(ReplicaSite(articles, seed=seed)) as server:
        click.echo(f"replica serving at {server.base_url} (.info) and {server.pro_base_url} (.pro); "
                   f"crawling both into {db_path}", err=True)
        code = crawl_into(db_path, server.base_urls, settings, "WARNING")
    elapsed = time.monotonic() - started
    print_last_run(db_path)
    click.echo(f"done in {elapsed:.1f} s\n")
    with open_archive(db_path, readonly=True) as archive:
        for line in demo_eras(archive):
            click.echo(line)
        for title, sql, rows in archive.example_queries():
            click.echo(f"-- {title}\n{sql}")
            for row in rows:
                click.echo("   " + " | ".join("" if v is None else str(v) for v in row.values()))
            click.echo()
        plot = Path(db_path).with_suffix(".svg")
        statuses = archive.status_by_month()
        months = archive.articles_by_month()
    from archiver.query.report import write_plot

    try:
        write_plot(plot, months, statuses=statuses)
    except OSError as exc:
        raise CliError(f"cannot write {plot}: {exc.strerror or exc}") from exc
    click.echo(f"-- the plot: articles and trend statuses per month ({len(statuses)} month(s) "
               f"with statuses): {plot}\n")
    click.echo(f"explore further: archiver search Minsk --db {db_path}; archiver stats --db {db_path}")
    sys.exit(code)


DEMO_FIELDS: Final = (
    "url", "title", "published_at", "published_raw", "period_start", "period_end", "period_raw",
    "category", "trend", "trend_status",
)
"""The columns ``archiver demo`` shows of one article of each era."""


def demo_eras(archive: Archive) -> list[str]:
    """Lines showing the newest archived article of each era: a Drupal-era one (a timestamp)
    and a weekly one (a period, its trend and the trend's status)."""
    drupal: dict[str, object] | None = None
    weekly: dict[str, object] | None = None
    for row in archive.iter_articles(since=None, until=None, fields=DEMO_FIELDS):
        stated, week = str(row["published_at"] or ""), str(row["period_start"] or "")
        if stated and not week and (drupal is None or stated > str(drupal["published_at"])):
            drupal = row
        elif week and not stated and row["trend_status"] and (
            weekly is None or week > str(weekly["period_start"])
        ):
            weekly = row
    lines: list[str] = []
    if drupal is not None:
        shown_date = (f"   published {drupal['published_at']} (shown: {drupal['published_raw']}); "
                      f"category {drupal['category']}")
        lines += ["-- The newest Drupal-era article (a timestamp)",
                  f"   {drupal['title']}", f"   {drupal['url']}", shown_date, ""]
    if weekly is not None:
        shown_week = (f"   week {weekly['period_start']} – {weekly['period_end']} (shown: "
                      f"{weekly['period_raw']}); trend {weekly['trend']} ({weekly['category']}): "
                      f"{weekly['trend_status']}")
        lines += ["-- The newest weekly article (a week, a trend and its status)",
                  f"   {weekly['title']}", f"   {weekly['url']}", shown_week, ""]
    return lines


DEMO_SIDE_FILES: Final = ("-wal", "-shm", "-journal")
"""The SQLite files beside an archive that go with it when the demo starts afresh."""


def start_demo_afresh(db_path: Path) -> None:
    """Remove an earlier demo archive at ``db_path`` (and its WAL files), under the run lock.

    A demo archive is an SQLite archive whose crawl runs all crawled a loopback address (the
    replica), or an empty one. Anything else (another program's database, crawls of another
    address, articles from no known run) raises ArchiverError and is left untouched.
    """
    from archiver.lock import RunLock

    if not db_path.exists():
        return
    archive = Archive(db_path)
    with peeking(str(db_path)):
        sites = archive.earlier_sites()
        articles = archive.article_count()
    real = [url for url in sites if not is_loopback_host(urlsplit(url).hostname or "")]
    if real or (not sites and articles):
        held = f"crawls of {', '.join(real[:3])}" if real else "articles"
        raise ArchiverError(
            f"{db_path} is not a demo archive (it holds {held}): the demo writes only to its "
            "own file; choose another --db"
        )
    with RunLock(db_path):
        for path in (db_path, *(Path(f"{db_path}{suffix}") for suffix in DEMO_SIDE_FILES)):
            path.unlink(missing_ok=True)


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
SEARCH_COLUMNS = (
    "id", "url", "title", "published_at", "week", "category", "snippet", "relevance",
)
"""The fields of one hit of ``archiver search`` (JSON keys, CSV columns); relevance: higher is
better (the negated bm25 rank, 2 decimals)."""

def output_rows(
    rows: Sequence[dict[str, Any]],
    fmt: str,
    columns: Sequence[str] | None = None,
    *,
    table: Callable[[Sequence[dict[str, Any]]], None] | None = None,
) -> None:
    """Print ``rows`` on stdout as ``fmt`` through the one output layer (``archiver.output``);
    ``table(rows)``, when given, prints the table instead (a command's own layout). ``columns``
    picks and orders the fields of every format (default: the first row's keys)."""
    names = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    if fmt == "table" and table is not None:
        table(rows)
        return
    write_rows(rows, fmt, names, sys.stdout)


def bold_marks() -> tuple[str, str]:
    """The terminal codes that start and end bold text (as click.style writes them)."""
    start, end = click.style("\0", bold=True).split("\0")
    return start, end


def stdout_is_tty() -> bool:
    """Whether stdout is a terminal (then the search results are highlighted in bold)."""
    return sys.stdout.isatty()


@cli.command()
@db_option
@click.argument("query")
@click.option("--since", metavar="DATE", callback=date_option,
              help="Only articles dated (published, or their week) at or after DATE: YYYY, "
                   "YYYY-MM, YYYY-MM-DD or ISO 8601 (UTC).")
@click.option("--until", metavar="DATE", callback=date_option,
              help="Only articles dated before DATE (exclusive, as `archiver export`).")
@click.option("--category", metavar="NAME",
              help="Only articles of this section, e.g. Economy (case-insensitive).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--raw/--words", "raw", default=None,
              help="Read QUERY as FTS5 syntax (--raw) or as plain words (--words) [default: "
                   "FTS5 syntax when QUERY uses it, plain words otherwise].")
@format_option(*ROW_FORMATS)
@time_limit_option
def search(  # noqa: PLR0917 (click passes options as keywords)
    db_path: str,
    query: str,
    since: str | None,
    until: str | None,
    category: str | None,
    limit: int,
    raw: bool | None,
    fmt: str,
    time_limit: float,
) -> None:
    """Full-text search of titles, leads and bodies, best match first.

    QUERY: plain words, searched as typed: every word must match (Hi-Tech Park, Lukashenka's,
    U.S., 50%). FTS5 syntax is used when QUERY has it, or with --raw: "a phrase" (balanced
    quotes), prefix*, AND / OR / NOT, NEAR(a b, 5), title:word.
    --since 2016 --until 2017 is the year 2016 (the date key: published_at in UTC, or the
    week's first day; until exclusive).
    Table: number, date (or the week), title, URL and a snippet with the matches in [ ]
    (bold in a terminal); json: one array; jsonl: one object a line; csv: with a header;
    relevance: higher is better.
    A malformed query (the error says how to quote it), one longer than 1,000 characters or of
    more than 64 terms, or one that runs past --time-limit exits 2.
    """
    ordered_bounds(since, until)
    marks = bold_marks() if fmt == "table" and stdout_is_tty() else ("[", "]")
    with open_archive(db_path, readonly=True, time_limit=time_limit) as archive:
        try:
            rows = archive.search(
                query, limit=limit, since=since, until=until, category=category, marks=marks,
                raw=raw,
            )
        except ValueError as exc:
            raise CliError(str(exc)) from exc
    output_rows(rows, fmt, SEARCH_COLUMNS, table=print_hits)
    if fmt == "table":
        click.echo(f"{len(rows)} result(s)", err=True)


def print_hits(rows: Sequence[dict[str, Any]]) -> None:
    """Search hits as text: number, date (or the week's first day), title; URL; snippet."""
    for number, row in enumerate(rows, 1):
        date = str(row["published_at"] or row.get("week") or "(no date)")[:10]
        click.echo(f"{number:>3}. {date}  {row['title']}")
        click.echo(f"     {row['url']}")
        click.echo(f"     {row['snippet']}")


SHOWN_FIELDS: Final = (
    "title", "category", "trend", "trend_status", "published_at", "published_local",
    "period_start", "period_end", "author", "image_url", "image_credit", "image_caption",
)
"""The fields of a version that ``archiver show`` compares between revisions (with lead, body)."""


def version_text(version: dict[str, Any]) -> list[str]:
    """One version of an article as lines for a diff: ``field: value`` lines, then the lead
    and the body, each paragraph a line."""
    lines = [f"{name}: {version.get(name)}" for name in SHOWN_FIELDS
             if version.get(name) not in (None, "")]
    for part in ("lead", "body"):
        lines.append(f"--- {part}")
        lines.extend(p for p in str(version.get(part) or "").split("\n") if p.strip())
    return lines


def revision_diffs(article: dict[str, Any]) -> list[str]:
    """Unified diffs (lines) from each archived revision to the next, the last to the current
    version; empty when the article never changed."""
    import difflib
    import itertools

    versions = [
        (f"revision {rev['revision']} ({rev['valid_from']} to {rev['replaced_at']})", rev)
        for rev in article["revisions"]
    ]
    versions.append((f"revision {article['revision']} (current, since {article['updated_at']})",
                     article))
    out: list[str] = []
    for (old_name, old), (new_name, new) in itertools.pairwise(versions):
        out.extend(
            line.rstrip("\n") for line in difflib.unified_diff(
                version_text(old), version_text(new), fromfile=old_name, tofile=new_name,
                lineterm="", n=1,
            )
        )
    return out


def when_text(article: dict[str, Any]) -> str:
    """The article's date as a reader cites it: the time in the site's timezone (or the stated
    day), else the monitored week; ``(no date)`` when neither is known."""
    local, utc = article.get("published_local"), article.get("published_at")
    shown_at = str(local or utc or "")
    if shown_at and article.get("published_precision") == "day":
        return shown_at[:10]
    if shown_at:  # the site's time with its offset (+03:00), or UTC
        return f"{shown_at[:16].replace('T', ' ')} {shown_at[19:] if local else 'UTC'}"
    if article.get("period_start"):
        return f"week {article['period_start']} to {article['period_end']}"
    return "(no date)"


def print_article(article: dict[str, Any]) -> None:
    """``archiver show`` as text: the citation block, lead and body, revisions, links."""
    click.echo(article["title"])
    click.echo(article["url"])
    facts = [
        ("date", when_text(article)),
        ("week", f"{article['period_start']} to {article['period_end']}"
         if article.get("period_start") and article.get("published_at") else None),
        ("as shown", article.get("published_raw") or article.get("period_raw")),
        ("trend", " / ".join(str(v) for v in (article.get("trend"), article.get("category")) if v)
         or None),
        ("status", article.get("trend_status")),
        ("author", article.get("author")),
        ("image", article.get("image_url")),
        ("credit", article.get("image_credit")),
        ("caption", article.get("image_caption")),
        ("revision", (f"{article['revision']} (first seen {article['first_seen_at']}, last "
                      f"seen {article['last_seen_at']})")),
        ("id", str(article["id"])),
    ]
    for name, value in facts:
        if value:
            click.echo(f"{name + ':':<10}{value}")
    others = [row["url"] for row in article["urls"] if row["url"] != article["url"]]
    if others:
        click.echo("seen under:")
        for other in others:
            click.echo(f"  {other}")
    for part in ("lead", "body"):
        if article.get(part):
            click.echo()
            click.echo(article[part])
    diffs = revision_diffs(article)
    if diffs:
        click.echo(f"\n== revisions ({len(article['revisions'])} earlier)")
        for line in diffs:
            click.echo(line)
    for heading, links in (("links out", article["links_out"]), ("links in", article["links_in"])):
        click.echo(f"\n== {heading}" + ("" if links else ": none"))
        kind = None
        for link in links:
            if link["kind"] != kind:
                kind = link["kind"]
                click.echo(f"{kind}:")
            where = f"#{link['article_id']}" if link["article_id"] is not None else "not archived"
            click.echo(f"  {link['title'] or '(no title)'} [{where}]")
            click.echo(f"    {link['url']}")


@cli.command()
@db_option
@click.argument("key", metavar="ID|URL")
@click.option("--html", "raw_html", is_flag=True,
              help="Print the raw stored page of the current version (bytes as received).")
@format_option("text", "json")
@time_limit_option
def show(db_path: str, key: str, raw_html: bool, fmt: str, time_limit: float) -> None:
    """One article as a reader would cite it, with its revisions and links.

    ID|URL: the article's id, or any URL it was seen under (another host, www, a trailing
    slash, an old alias: table article_urls). Text: title, URL, date (in the site's timezone;
    the week for a weekly article), trend and status, author, image credit and caption, the
    other URLs, lead and body; then each revision as a unified diff against the next, and the
    related links out and in, by kind. json: all of it as one object (with the revisions and
    links). --html: the raw page. No such article: one line, exit 2.
    """
    with open_archive(db_path, readonly=True, time_limit=time_limit) as archive:
        article_id = archive.find_article_id(key)
        if article_id is None:
            raise CliError(f"no article {shown(key)} in {db_path} (give an id or a URL it was "
                           "seen under; `archiver search WORDS` finds one)")
        if raw_html:
            page = archive.article_page(article_id)
            if page is None:
                raise CliError(f"article {article_id} has no stored page")
            sys.stdout.buffer.write(page)
            sys.stdout.flush()
            return
        article = archive.article_record(article_id)
    if article is None:  # deleted meanwhile
        raise CliError(f"no article {shown(key)} in {db_path}")
    if fmt == "json":
        write_document(article, sys.stdout)
        return
    print_article(article)


def plot_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Check the ``--plot`` file name's ending before anything is read."""
    from archiver.query.report import check_plot_path

    if value is not None:
        try:
            check_plot_path(Path(value))
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


def describe_run(run: dict[str, Any]) -> str:
    """One line of a crawl run for ``archiver stats``."""
    finished = f"finished {run['finished_at']}" if run.get("finished_at") else "unfinished"
    code = "-" if run.get("exit_code") is None else run["exit_code"]
    return (
        f"{run['id']} {run['mode']}: started {run['started_at']}, {finished}; "
        f"{run['items_new']} new, {run['items_updated']} updated, "
        f"{run['items_rejected']} rejected, {run['failures']} failed; exit {code}"
    )


@cli.command()
@db_option
@format_option(*ROW_FORMATS)
@click.option("--plot", "plot_path", metavar="FILE", callback=plot_option,
              type=click.Path(dir_okay=False),
              help="Also draw articles per month and the weekly trend statuses per month: "
                   "FILE.svg (bar charts) or FILE.html (a page with the charts and the numbers; "
                   "no scripts).")
@time_limit_option
def stats(db_path: str, fmt: str, plot_path: str | None, time_limit: float) -> None:
    """What the archive holds: totals, dates, categories, credits, field coverage, last runs.

    field_coverage: the share of all archived articles with a value (after normalising), and
    of those with raw text found on the page; extraction_health: the newest run's parsed pages
    by where each field's raw text came from (site selectors, fallbacks, missing): a status
    marker found by the selectors but naming no status counts there, not in the coverage.
    table: a heading per section, a line per entry; json: one object, a key per section (the
    summary is one document, not rows); jsonl and csv: one row per entry, fields section, key
    (a name, or the entry's number from 1 in a list) and value (a run of last_runs: its line).
    """
    with open_archive(db_path, readonly=True, time_limit=time_limit) as archive:
        data = archive.stats()
        months = archive.articles_by_month() if plot_path else []
        statuses = archive.status_by_month() if plot_path else []
        last = archive.last_health()
    if last is not None:
        health = RunHealth.from_json(last[2])
        data["extraction_health"] = [
            health_heading(last[0], last[1], health),
            *describe(health),
            *(f"ALERT {problem}" for problem in problems(health)),
        ]
    if plot_path:
        from archiver.query.report import write_plot

        try:
            write_plot(Path(plot_path), months, statuses=statuses)
        except OSError as exc:
            raise CliError(f"cannot write {plot_path}: {exc.strerror or exc}") from exc
        shown = ", trend statuses per month" if statuses else ""
        click.echo(f"wrote {plot_path}: articles per month{shown}, {len(months)} month(s)", err=True)
    if fmt == "json":
        write_document(data, sys.stdout)
    elif fmt == "table":
        print_stats(data)
    else:
        write_rows(stats_rows(data), fmt, STATS_ROW_FIELDS, sys.stdout)


STATS_ROW_FIELDS: Final = ("section", "key", "value")
"""The fields of ``archiver stats --format jsonl|csv``: one row per entry of a section."""


def stats_rows(data: dict[str, object]) -> Iterator[dict[str, object]]:
    """``archiver stats`` as rows (STATS_ROW_FIELDS): a section's entries by name, a list's by
    number from 1 (a run of last_runs as its ``describe_run`` line), a plain value under key
    None."""
    for section, value in data.items():
        if isinstance(value, dict):
            for key, entry in value.items():
                yield {"section": section, "key": key, "value": entry}
        elif isinstance(value, list):
            for number, entry in enumerate(value, 1):
                text = describe_run(entry) if section == "last_runs" else entry
                yield {"section": section, "key": number, "value": text}
        else:
            yield {"section": section, "key": None, "value": value}


STATS_HEADINGS: Final = {
    "field_coverage": "field_coverage: share of the {articles} archived articles with a value "
                      "(raw: with raw text found on the page)",
    "extraction_health": "extraction_health: the newest run's parsed pages, by where each "
                         "field's raw text came from (a raw text may normalise to no value)",
}
"""Headings of ``archiver stats`` sections that say what their figures count."""


def print_stats(data: dict[str, object]) -> None:
    """``archiver stats`` as text: one heading per key, an indented line per entry."""
    totals = data.get("totals")
    articles = totals.get("articles", 0) if isinstance(totals, dict) else 0
    raw = data.get("raw_coverage")
    raw = raw if isinstance(raw, dict) else {}
    for key, value in data.items():
        if key == "raw_coverage":
            continue  # shown beside field_coverage
        heading = STATS_HEADINGS.get(key, f"{key}:").format(articles=articles)
        if isinstance(value, dict):
            click.echo(heading)
            for sub, count in value.items():
                shown = f"{count:.1%}" if isinstance(count, float) else count
                found = f" (raw {raw[sub]:.1%})" if key == "field_coverage" and sub in raw else ""
                click.echo(f"  {sub}: {shown}{found}")
        elif isinstance(value, list):
            click.echo(heading if value else f"{key}: none")
            for entry in value:
                click.echo(f"  {describe_run(entry) if key == 'last_runs' else entry}")
        else:
            click.echo(f"{key}: {value}")


@cli.command()
@db_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@format_option(*ROW_FORMATS)
@time_limit_option
def runs(db_path: str, limit: int, fmt: str, time_limit: float) -> None:
    """The crawl runs, newest first (an unfinished run has no finish time).

    table: aligned columns (new, upd, same, rej: articles new, updated, unchanged, rejected;
    304: not-modified responses); json: one array; jsonl: one object a line; csv: with a
    header; json, jsonl and csv carry every column of the crawl_runs table but stats and health.
    """
    with open_archive(db_path, readonly=True, time_limit=time_limit) as archive:
        rows = archive.runs(limit=limit)
    if fmt != "table":
        output_rows(rows, fmt, [name for name in (rows[0] if rows else RUN_COLUMNS)
                                if name not in ("stats", "health")])
        return
    shown_rows = [
        {
            "id": row.get("id"), "mode": row.get("mode"),
            "started": str(row.get("started_at") or "")[:19].replace("T", " "),
            "finished": str(row.get("finished_at") or "")[:19].replace("T", " "),
            "requests": row.get("requests"), "304": row.get("responses_304"),
            "new": row.get("items_new"), "upd": row.get("items_updated"),
            "same": row.get("items_unchanged"), "rej": row.get("items_rejected"),
            "failed": row.get("failures"),
            "finish": row.get("finish_reason") if row.get("finished_at") else "unfinished",
            "exit": row.get("exit_code"),
        }
        for row in rows
    ]
    output_rows(shown_rows, "table", RUN_TABLE_COLUMNS)


RUN_COLUMNS: Final = (
    "id", "mode", "started_at", "finished_at", "requests", "responses_2xx", "responses_304",
    "responses_4xx", "responses_5xx", "items_new", "items_updated", "items_unchanged",
    "items_rejected", "failures", "finish_reason", "exit_code",
)
"""The columns of ``archiver runs --format csv`` when there is no run yet."""

RUN_TABLE_COLUMNS: Final = (
    "id", "mode", "started", "finished", "requests", "304", "new", "upd", "same", "rej", "failed",
    "finish", "exit",
)
"""The columns of the ``archiver runs`` table (times UTC, to the second)."""


# --- export -----------------------------------------------------------------------------------
@cli.command()
@db_option
@format_option("csv", "jsonl", "warc")
@click.option("--since", metavar="DATE", default=None, callback=date_option,
              help="Only articles published (warc: pages fetched) at or after DATE: YYYY, "
                   "YYYY-MM, YYYY-MM-DD or ISO 8601, UTC unless it has an offset.")
@click.option("--until", metavar="DATE", default=None, callback=date_option,
              help="Only articles published (warc: pages fetched) before DATE (exclusive).")
@click.option("--fields", metavar="A,B,C", default=None,
              help="csv/jsonl: the columns of `articles` to export, in this order, or `all` "
                   "[default: id, url, title, category, trend_status, published_at, "
                   "published_local, published_raw, image_url, image_credit, lead, body, "
                   "word_count, revision, first_seen_at, last_seen_at, updated_at]")
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE",
              help="The file to write (replaced when complete); - for stdout.")
@click.option("--gzip/--no-gzip", "gzipped", default=None,
              help="Compress with gzip (warc: each record) [default: when FILE ends in .gz].")
@click.option("--excel", is_flag=True,
              help="csv: for spreadsheets: start with a UTF-8 byte order mark, and prefix ' to "
                   "text starting with = + - @ tab or CR (no formula runs).")
@time_limit_option
def export(  # noqa: PLR0917 (click passes options as keywords)
    db_path: str,
    fmt: str,
    since: str | None,
    until: str | None,
    fields: str | None,
    output: str,
    gzipped: bool | None,
    excel: bool,
    time_limit: float,
) -> None:
    """Articles as CSV or JSON Lines, or the raw pages as WARC; to stdout or -o FILE.

    csv/jsonl: one row per article (table `articles`), by id, UTF-8; CSV is RFC 4180 with a
    header row and CRLF line ends, NULL an empty field. warc: a warcinfo record, then one
    response record per stored page (table `pages`). Ends with one line on stderr:
    `exported N articles to FILE`; stdout carries nothing but the data. Plain CSV keeps every
    value exact; --excel neutralises text a spreadsheet would run as a formula. A stored page
    that inflates past 8 MiB (or is damaged) is left out of a WARC, named on stderr, exit 1.
    """
    from archiver.query import export as exporting

    ordered_bounds(since, until)  # both already YYYY-MM-DDTHH:MM:SSZ (date_option)
    try:
        exporting.check_options(fmt, fields=fields, excel=excel, output=output, db_path=db_path)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    gzipped = exporting.gzip_wanted(output, gzipped)
    where = "stdout" if output == "-" else output
    skipped: list[PageUnreadableError] = []
    with open_archive(db_path, readonly=True, time_limit=time_limit) as archive:
        try:
            if fmt == "warc":
                pages = exporting.pages_between(archive.iter_pages(on_error=skipped.append), since, until)
                with exporting.open_output(output) as out:
                    name = "" if output == "-" else Path(output).name
                    count = exporting.write_warc(pages, out, gzip=gzipped, filename=name)
                noun = "page"
            else:
                names = (
                    exporting.DEFAULT_FIELDS if fields is None
                    else exporting.parse_fields(fields, archive.article_columns())
                )
                rows = archive.iter_articles(since=since, until=until, fields=names)
                with exporting.open_output(output, gzip_stream=gzipped) as out:
                    if fmt == "csv":
                        count = write_csv(
                            rows, names, Utf8Sink(out), bom=excel, neutralise_formulas=excel
                        )
                    else:
                        count = write_jsonl(rows, names, Utf8Sink(out))
                noun = "article"
        except BrokenPipeError:
            exporting.discard_stdout()
            sys.exit(EXIT_FAILURES)
        except OSError as exc:
            raise CliError(f"cannot write {where}: {exc.strerror or exc}") from exc
        except ArchiverError as exc:  # a bad field (UnknownFieldError), an unreadable page
            raise CliError(str(exc)) from exc
    for problem in skipped:
        click.echo(f"left out: {problem}", err=True)
    left_out = f"; {len(skipped)} unreadable page(s) left out" if skipped else ""
    click.echo(f"exported {count} {noun}{'' if count == 1 else 's'} to {where}{left_out}", err=True)
    if skipped:
        sys.exit(EXIT_FAILURES)


# --- serve ------------------------------------------------------------------------------------
@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on (anyone who can reach it can read the archive).")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535))
@click.option("--metadata-only", "metadata_path", metavar="FILE", default=None,
              help="Write the Datasette metadata JSON to FILE (- for stdout) and exit, for "
                   "`datasette ARCHIVE -m FILE`.")
def serve(db_path: str, host: str, port: int, metadata_path: str | None) -> None:
    """Browse and query the archive in Datasette, read-only, until interrupted.

    Serves http://HOST:PORT/ with titles and descriptions of every table, view and column,
    full-text search and facets on `articles`, and the canned queries search, related,
    per_month and per_year. Read-only: a crawl may write to the archive meanwhile. Needs the
    optional dependency: pip install -e '.[serve]'.
    """
    from archiver.query import serve as serving
    from archiver.query.datasette_meta import database_name, metadata_json

    if metadata_path is not None:
        text = metadata_json(database_name(db_path))
        if metadata_path == "-":
            click.echo(text, nl=False)
            return
        try:
            Path(metadata_path).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot write {metadata_path}: {exc.strerror or exc}") from exc
        click.echo(f"wrote {metadata_path}: use `datasette {db_path} -m {metadata_path}`", err=True)
        return
    if not serving.datasette_installed():
        raise CliError(f"archiver serve needs Datasette: {serving.INSTALL_HINT}")
    with open_archive(db_path, readonly=True):
        pass  # a missing, damaged, newer or unmigrated archive: one line, exit 2
    try:
        serving.check_address(host, port)
    except OSError as exc:
        raise CliError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from exc
    if not is_loopback_host(host):
        click.echo(
            f"warning: --host {host} is not a loopback address: anyone who can reach this "
            f"machine on port {port} can read the whole archive",
            err=True,
        )
    click.echo(f"serving {db_path} read-only on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    try:
        serving.serve(Path(db_path), host=host, port=port)
    except click.ClickException as exc:
        raise CliError(f"datasette: {exc.format_message()}") from exc
    except SystemExit as exc:  # uvicorn could not start (its error is above)
        if exc.code:
            raise CliError(f"datasette could not serve on {host}:{port}") from exc
    except (KeyboardInterrupt, click.Abort):
        pass  # the server has shut down
    click.echo("stopped", err=True)


# --- pages ------------------------------------------------------------------------------------
def tz_option(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """Check a ``--tz`` IANA timezone name early: one line, exit 2."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise CliError(
            f"--tz: expected an IANA timezone name like Europe/Minsk, got {shown(value)}"
        ) from None
    return value


def now_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Check ``--now`` (an ISO 8601 time) early: one line, exit 2."""
    from archiver.plan import parse_instant

    if value is not None and parse_instant(value) is None:
        raise CliError(f"--now: expected an ISO 8601 time like 2026-11-28T12:00:00Z, got {shown(value)}")
    return value


@cli.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--url", default=None, help="The page's URL (default: its canonical link).")
@click.option("--now", default=None, callback=now_option,
              help="The fetch time, ISO 8601 (default: now).")
@click.option("--tz", default="Europe/Minsk", show_default=True, callback=tz_option,
              help="The site's timezone (an IANA name).")
def extract(files: tuple[str, ...], url: str | None, now: str | None, tz: str) -> None:
    """Each saved page (HTML, or .gz) in, one JSON line out: fields as the archive would hold them.

    FILES: paths, or - for standard input (gzip recognised by its magic bytes). Also prints
    `field_sources` and, where validation would reject the page, `reject_reasons`; a page that
    is not an article (a listing, an about page; by its URL, or by its pager and entries when
    it names no URL) is rejected as "not an article". Does not open an archive (no --db).
    A file that cannot be read, is not valid gzip, or is (or inflates to) more than 8 MiB is
    named on stderr and skipped; the others are still printed, then exit 2. Exit 1 when a page
    would be rejected (the JSON line says why), 0 when every page would be archived.
    """
    from archiver.extract import extract_file

    bad = rejected = 0
    for name in files:
        try:
            data = read_stdin_page() if name == "-" else read_page_file(Path(name))
        except (OSError, ValueError, EOFError, zlib.error) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            click.echo(f"archiver: {name}: {reason}", err=True)
            bad += 1
            continue
        record = extract_file(data, url=url, now=now, tz=tz,
                              name="-" if name == "-" else Path(name).name)
        not_article_check(record, data)
        if record["reject_reasons"]:
            rejected += 1
        write_jsonl([record], list(record), sys.stdout)  # one JSON Lines row per page
    if bad:
        sys.exit(EXIT_USAGE)
    if rejected:
        sys.exit(EXIT_FAILURES)


LISTING_ENTRIES: Final = 5
"""A page naming no URL with this many article entries (or a pager) is a listing."""


def not_article_check(record: dict[str, Any], data: bytes) -> None:
    """Reject (in ``record["reject_reasons"]``) a page that is not an article: its URL (the
    canonical link, else --url) is on the site (or on loopback, a replica) and no article URL of
    it, or, without one, it has a pager or (without a date of its own) LISTING_ENTRIES article
    entries (a listing); its invented URL becomes None."""
    from w3lib.encoding import html_to_unicode

    from archiver.extract import PLACEHOLDER_URL
    from archiver.pages.belarusinfocus import ListingPage
    from archiver.pages.site import is_article_url, is_loopback_url, is_site_host

    reasons: list[str] = record["reject_reasons"]
    page_url = None if record["url"] in (None, PLACEHOLDER_URL) else str(record["url"])
    if page_url is not None:
        # the site's URL rules say nothing of another publisher's page (a real article there)
        on_site = is_site_host(urlsplit(page_url).netloc) or is_loopback_url(page_url)
        if on_site and not is_article_url(page_url, page_url):
            reasons.insert(0, f"not an article: {page_url} is not an article URL of the site")
        return
    record["url"] = None  # no URL known: none is made up
    _enc, text = html_to_unicode(None, data)
    links = ListingPage(PLACEHOLDER_URL, text or "<html/>").links()
    # many article links alone make no listing of a page that states its own date (another
    # publisher's article with its related links); a pager does
    dated = record.get("published_at") is not None
    if links.next_page is not None or (not dated and len(links.articles) >= LISTING_ENTRIES):
        reasons.insert(
            0, f"not an article: a listing page ({len(links.articles)} article links"
               f"{', a next page' if links.next_page else ''})",
        )


def read_stdin_page(limit: int = MAX_PAGE_BYTES) -> bytes:
    """A page from standard input, gunzipped when it starts with gzip's magic bytes, at most
    ``limit`` bytes (raises as ``read_page_file``)."""
    stream = sys.stdin.buffer
    data: bytes = stream.read(limit + 1)
    if data[:2] == b"\x1f\x8b":
        import io

        with gzip.GzipFile(fileobj=io.BytesIO(data), mode="rb") as unzipped:
            data = unzipped.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {limit // (1024 * 1024)} MiB (the page size cap): not read")
    return data


def read_page_file(path: Path, limit: int = MAX_PAGE_BYTES) -> bytes:
    """A saved page's bytes (gunzipped when the name ends in .gz), at most ``limit`` bytes.

    Reads at most ``limit`` + 1 bytes (of output, for gzip: a gzip bomb is never inflated
    whole). Raises ValueError for a page over the cap, OSError, EOFError or zlib.error for a
    file that cannot be read or is not valid gzip.
    """
    with path.open("rb") as raw:
        if path.suffix == ".gz":
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                data = unzipped.read(limit + 1)
        else:
            data = raw.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {limit // (1024 * 1024)} MiB (the page size cap): not read")
    return data




@cli.command()
@db_option
@click.option("--tz", default="Europe/Minsk", show_default=True, callback=tz_option,
              help="The site's timezone (an IANA name).")
@click.option("--workers", default=None, show_default="the machine's cores",
              type=click.IntRange(1, 64),
              help="Extraction processes, 1 to 64 (1: in this process).")
def reparse(db_path: str, tz: str, workers: int | None) -> None:
    """Re-extract every archived article from its stored raw page (no network).

    After a change of selectors or normalisers: an article whose content changes gets a new
    revision, a page once rejected as invalid that now passes becomes an article, and an archived
    article whose page no longer passes is kept as it was and listed (exit 1), as is a stored
    page that cannot be read back (inflates past 8 MiB, damaged). Takes the run lock
    (exit 75 while a crawl runs). Progress on stderr; a summary line on stdout.
    """
    from archiver.lock import RunLock
    from archiver.reparse import ReparseReport
    from archiver.reparse import reparse as run_reparse

    if not Path(db_path).exists():
        raise CliError(f"no archive at {db_path} (nothing to reparse)")
    check_is_archive(db_path)
    last = [time.monotonic()]

    def progress(report: ReparseReport, total: int) -> None:
        if time.monotonic() - last[0] >= PROGRESS_SECONDS or report.pages == total:
            last[0] = time.monotonic()
            click.echo(f"reparse: {report.pages}/{total} pages, {report.seconds:.0f} s", err=True)

    with locked_run_errors(), RunLock(Path(db_path)), open_archive(db_path) as archive:
        report = run_reparse(archive, tz=tz, workers=workers, progress=progress)
    for url, reasons in report.regressions:
        click.echo(f"no longer valid (kept as archived): {url}: {reasons}")
    for problem in report.unreadable:
        click.echo(f"unreadable page (skipped): {problem}")
    click.echo(report.summary())
    sys.exit(report.exit_code)


PROGRESS_SECONDS = 5.0
"""Seconds between progress lines of long commands."""


def parse_share(text: str) -> float:
    """A share from 0 to 1 as written: ``90%`` and ``90`` are 0.9 (a number above 1 is a
    percentage), ``0.9`` is 0.9. Raises ValueError for anything else or outside 0..100 %."""
    value = text.strip()
    percent = value.endswith("%")
    number = float(value.removesuffix("%").strip())  # ValueError for a non-number
    if not 0 <= number <= 100 or number != number:  # noqa: PLR0124 (NaN)
        raise ValueError(text)
    return number / 100 if percent or number > 1 else number


def threshold_option(_ctx: click.Context, _param: click.Parameter, value: str) -> float:
    """``--threshold`` as a share from 0 to 1, or a usage error."""
    try:
        return parse_share(value)
    except ValueError:
        raise click.BadParameter(
            f"expected a percentage like 90, 90% or 0.9, got {shown(value)}"
        ) from None


def health_heading(run_id: int, started_at: str, health: RunHealth) -> str:
    """``run 12 (2026-11-28T12:00:00Z): 300 pages; templates drupal-2016 300``."""
    templates = ", ".join(f"{name} {count}" for name, count in health.templates.most_common())
    return f"run {run_id} ({started_at}): {health.pages} pages; templates {templates}"


@cli.command()
@db_option
@click.option("--threshold", default="90%", show_default=True, callback=threshold_option,
              metavar="PERCENT",
              help="The least share of each required field that must come from the site's "
                   "selectors: 90, 90% or 0.9.")
@time_limit_option
def check(db_path: str, threshold: float, time_limit: float) -> None:
    """Exit 1 when the site's selectors stopped working: the alarm for a redesign of the site.

    Looks at the newest run that parsed article pages: when the share of a required field
    (title, published, body) that came from the site's own selectors is below THRESHOLD (the
    rest came from fallbacks or is missing), prints which field and which template, and exits 1.
    Exit 0 otherwise (and when no run has parsed a page yet).
    """
    with open_archive(db_path, readonly=True, time_limit=time_limit) as archive:
        last = archive.last_health()
    if last is None:
        click.echo("check: no finished run has parsed article pages yet")
        return
    health = RunHealth.from_json(last[2])
    click.echo(health_heading(last[0], last[1], health))
    for line in describe(health):
        click.echo(f"  {line}")
    found = problems(health, threshold)
    for problem in found:
        click.echo(f"FAIL {problem}")
    if found:
        click.echo("check: the site's templates may have changed; see `archiver extract` on a saved "
                   "page and docs/operations.md (When the site changes)", err=True)
        sys.exit(1)
    click.echo(f"check: ok (every required field at least {threshold:.0%} from the site's selectors)")


# --- the replica ------------------------------------------------------------------------------
@cli.group()
def replica() -> None:
    """The offline replica of the site (for demos, tests and benchmarks)."""


@replica.command("serve")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535),
              help="The port of the .info stand-in (PORT + 1: the .pro one); 0: free ports, "
                   "printed once bound.")
@click.option("--articles", default=200, show_default=True, type=click.IntRange(10, 20_000))
@click.option("--seed", default=0, show_default=True)
@click.option("--defects", default=0, show_default=True, type=click.IntRange(0),
              help="Articles broken so that the archive must reject them (no date, short body, "
                   "no title, in turn).")
@click.option("--new", "new", default=0, show_default=True, type=click.IntRange(0),
              help="Start advanced: this many articles published after the others (seeded).")
@click.option("--edited", default=0, show_default=True, type=click.IntRange(0),
              help="Start advanced: this many older articles edited (seeded).")
@click.option("--faults", "fault_spec", default="", metavar="SPEC",
              help="Fault modes, e.g. 'realistic,hang_seconds=3' or '503=0.1,redirect=/economy/*' "
                   "(see docs/replica.md, Fault modes).")
@click.option("--redesign-from", "redesign_from", default=None, metavar="YYYY-MM-DD|all",
              help="Serve articles published from that day (and listings once the site's clock "
                   "reaches it), or every page with 'all', in the second template "
                   "(see docs/replica.md, Redesign).")
def replica_serve(  # noqa: PLR0917 (click passes options as keywords)
    port: int, articles: int, seed: int, defects: int, new: int, edited: int, fault_spec: str,
    redesign_from: str | None,
) -> None:
    """Serve the replica on 127.0.0.1:PORT until interrupted.

    With --new/--edited the site starts advanced once (as ReplicaSite.advance does). While it
    runs, `curl -X POST 'http://127.0.0.1:PORT/__replica__/advance?new=5&edited=2'` lets time
    pass again and prints the change as JSON (loopback clients only). With --faults pages
    misbehave as the spec says.
    """
    from archiver.replica.faults import FaultSpec
    from archiver.replica.server import serve

    try:
        faults = FaultSpec.parse(fault_spec) if fault_spec.strip() else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--faults") from exc
    if redesign_from is not None:
        from archiver.replica.redesign import parse_redesign

        try:
            parse_redesign(redesign_from)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--redesign-from") from exc

    if defects > articles:
        raise click.BadParameter(f"at most --articles ({articles})", param_hint="--defects")
    if articles + new > 20_000:
        raise click.BadParameter(f"at most {20_000 - articles} with --articles {articles}",
                                 param_hint="--new")
    if edited > articles - defects:
        raise click.BadParameter(f"at most the valid articles ({articles - defects})",
                                 param_hint="--edited")
    broken = f", {defects} of them defective" if defects else ""
    advanced = f", then {new} new and {edited} edited" if new or edited else ""
    advanced += f", faults {faults.as_text()}" if faults is not None else ""
    advanced += f", redesigned from {redesign_from}" if redesign_from is not None else ""

    def ready(base_url: str, pro_url: str) -> None:
        click.echo(
            f"serving a replica of {articles} articles{broken}{advanced} on {base_url}/ "
            f"(the .pro host on {pro_url}/)",
            err=True,
        )

    try:
        serve(port=port, articles=articles, seed=seed, defects=defects, new=new, edited=edited,
              faults=faults, redesign_from=redesign_from, on_ready=ready)
    except OSError as exc:
        raise CliError(f"cannot serve on port {port}: {exc.strerror}") from exc
    except KeyboardInterrupt:
        click.echo("stopped", err=True)



# --- golden fixtures ---------------------------------------------------------------------------
@cli.group()
def fixture() -> None:
    """Golden test cases from stored pages (docs/fixtures.md)."""


@fixture.command("save")
@db_option
@click.argument("url", required=False)
@click.option("--page-id", type=click.IntRange(1), default=None, help="A stored page's id (pages.id).")
@click.option("--case", "name", required=True, help="The case's folder name, e.g. weekly-en-2025-redesign.")
@click.option("--dir", "dest", default="tests/fixtures/pages", show_default=True,
              type=click.Path(file_okay=False), help="Where the cases live.")
@click.option("--force", is_flag=True, help="Replace the case if it exists.")
def fixture_save(  # noqa: PLR0917 (click passes options as keywords)
    db_path: str, url: str | None, page_id: int | None, name: str, dest: str, force: bool
) -> None:
    """Save a stored page (URL, or --page-id N) as the golden case DIR/CASE.

    Writes page.html, meta.json (URL, fetch time, template) and the outputs the code gives now
    (expected.json, pipeline.json); `pytest --update-goldens` rewrites the outputs after a
    deliberate change. Exit 0 saved; 1 saved, but validation rejects the page (the reasons on
    stderr); 2 no such page, the case exists (without --force), or bad usage.
    """
    from archiver.fixtures import PIPELINE, save_case

    if (url is None) == (page_id is None):
        raise click.UsageError("give a URL or --page-id N (one of them)")
    with open_archive(db_path, readonly=True) as archive:
        case, got = save_case(archive, name, url=url, page_id=page_id, dest=Path(dest), force=force)
    click.echo(f"saved {case}", err=True)
    if reasons := got[PIPELINE]["reject_reasons"]:
        click.echo(f"validation rejects the page: {'; '.join(reasons)}", err=True)
        sys.exit(EXIT_FAILURES)

def main() -> None:
    """Entry point of the ``archiver`` console script."""
    cli()
