"""Golden page cases: a stored page saved as a test case, and the outputs the golden tests compare.

A case is one folder, ``tests/fixtures/pages/<case>/`` by default (web-poet's idea: the saved
input beside the output it must give):

- ``page.html``: the page's bytes as received (not decoded);
- ``meta.json``: ``url`` and ``fetched_at`` (ISO 8601 UTC) of the fetch; ``content_type`` (the
  response's, when it is not DEFAULT_CONTENT_TYPE; null when it had none); ``template``: the
  template version the page must be recognised as; ``kind: listing`` for a listing page;
  ``note``: free text for the reader;
- ``expected.json``: the whole record of the page object (``ArticleFields`` with the page's
  ``url``, or ``ListingLinks`` with it for a listing);
- ``pipeline.json`` (article pages only): the whole record after normalisation and validation,
  as the archive would hold it (``archiver.extract.record`` of ``process_page``).

``outputs`` computes what the code gives now, ``write_outputs`` writes it (``pytest
--update-goldens``), ``save_case`` writes a new case from a page of the archive (``archiver fixture
save``). The golden tests compare each output whole, but for IGNORED_KEYS.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from archiver.errors import FixtureError
from archiver.extract import decode_page, process_page, record
from archiver.items import RawPage
from archiver.pages.belarusinfocus import ArticlePage, ListingPage
from archiver.store import Archive

PAGES_DIR = Path("tests") / "fixtures" / "pages"
"""Where the golden cases live, relative to the repository's root (``archiver fixture save``'s
default destination, relative to the working directory)."""
PAGE, META, EXPECTED, PIPELINE = "page.html", "meta.json", "expected.json", "pipeline.json"
"""The files of a case."""
DEFAULT_CONTENT_TYPE = "text/html; charset=utf-8"
"""The Content-Type of a case whose meta.json names none."""
IGNORED_KEYS: frozenset[str] = frozenset()
"""Keys of an output that the golden tests do not compare (none today: add one only with the
reason beside it, e.g. a value that depends on the machine)."""
CASE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
"""A case's name: one plain folder name (letters, digits, ``.``, ``_``, ``-``; at most 100)."""


def load_case(case: Path) -> tuple[RawPage, dict[str, Any]]:
    """The saved page of the case folder ``case`` (status 200; its meta's Content-Type: the
    default when it names none, no header when it is null) and its meta.json."""
    meta: dict[str, Any] = json.loads((case / META).read_text(encoding="utf-8"))
    content_type = meta.get("content_type", DEFAULT_CONTENT_TYPE)  # null: the response had none
    page = RawPage(
        url=meta["url"],
        fetched_at=meta["fetched_at"],
        status=200,
        headers={"Content-Type": [content_type]} if content_type else {},
        body=(case / PAGE).read_bytes(),
    )
    return page, meta


def page_record(page: RawPage, *, listing: bool = False) -> dict[str, Any]:
    """The page object's whole record for ``page``: ``url`` and every field of ArticleFields (or,
    with ``listing``, of ListingLinks)."""
    html = decode_page(page)
    if listing:
        return {"url": page.url, **asdict(ListingPage(page.url, html).links())}
    return {"url": page.url, **asdict(ArticlePage(page.url, html, fetched_at=page.fetched_at).fields())}


def outputs(page: RawPage, meta: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What the code makes of ``page`` now, by file name: ``expected.json`` (the page object's
    record) and, for an article page, ``pipeline.json`` (the archive's record)."""
    if meta.get("kind") == "listing":
        return {EXPECTED: page_record(page, listing=True)}
    return {EXPECTED: page_record(page), PIPELINE: record(process_page(page))}


def compared(output: dict[str, Any]) -> dict[str, Any]:
    """``output`` without IGNORED_KEYS: what a golden test compares."""
    return {key: value for key, value in output.items() if key not in IGNORED_KEYS}


def dumps(data: dict[str, Any]) -> str:
    """A golden file's text: JSON, UTF-8 as is, indented by 2, one newline at the end."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_outputs(case: Path) -> dict[str, dict[str, Any]]:
    """Rewrite the case's outputs from what the code gives now (after a deliberate change: read
    the diff before committing); returns them."""
    page, meta = load_case(case)
    got = outputs(page, meta)
    for name, data in got.items():
        _write(case / name, dumps(data).encode())
    return got


def find_page(archive: Archive, *, url: str | None = None, page_id: int | None = None) -> tuple[int, RawPage]:
    """The stored page that ``url`` (any URL of an archived article: its current page; else the
    latest page fetched at that URL) or ``page_id`` (pages.id) names, with its id. FixtureError
    when the archive holds none."""
    if (url is None) == (page_id is None):
        raise FixtureError("give a URL or a page id (not both)")
    if page_id is None:
        page_id = archive.page_id_of(url or "")
        if page_id is None:
            raise FixtureError(f"no stored page for {url!r} (a URL any article was seen under, "
                               "or one a page was fetched at)")
    page = archive.page(page_id)
    if page is None:
        raise FixtureError(f"no stored page with id {page_id}")
    return page_id, page


def save_case(
    archive: Archive,
    name: str,
    *,
    url: str | None = None,
    page_id: int | None = None,
    dest: Path = PAGES_DIR,
    force: bool = False,
) -> tuple[Path, dict[str, dict[str, Any]]]:
    """Write the stored page that ``url`` or ``page_id`` names (see ``find_page``) as the golden
    case ``dest/name``: page.html, meta.json (url, fetched_at, content_type, template, and the
    pages.id it came from in ``note``) and its outputs; returns the folder and the outputs.

    FixtureError: ``name`` is not a plain folder name (CASE_NAME), ``dest`` is not a folder, the
    case exists and ``force`` is not set, or the archive holds no such page.
    """
    if not CASE_NAME.fullmatch(name):
        raise FixtureError(f"case name {name[:80]!r}: use letters, digits, '.', '_' and '-' only "
                           "(one folder name, e.g. weekly-en-2025-redesign)")
    if not dest.is_dir():
        raise FixtureError(f"no folder {dest} (run from the repository's root, or give --dir)")
    case = dest / name
    if case.exists() and not force:
        raise FixtureError(f"case {case} exists (--force replaces it)")
    found_id, page = find_page(archive, url=url, page_id=page_id)
    meta: dict[str, Any] = {"url": page.url, "fetched_at": page.fetched_at}
    content_type = next((values[0] for key, values in page.headers.items()
                         if key.lower() == "content-type" and values), None)
    if content_type != DEFAULT_CONTENT_TYPE:  # None: the page is decoded by its own markup
        meta["content_type"] = content_type
    got = outputs(page, meta)
    meta["template"] = got[EXPECTED]["template"]
    meta["note"] = f"saved by `archiver fixture save` from page {found_id} of an archive"
    case.mkdir(exist_ok=True)
    _write(case / PAGE, page.body)
    _write(case / META, dumps(meta).encode())
    for name_, data in got.items():
        _write(case / name_, dumps(data).encode())
    return case, got


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary file, then renamed)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
