"""Benchmark 7: `archiver reparse` over the raw pages of an N-article archive, pages/s, against
cores x the single-core extraction rate of the same pages, measured in the same run.

Run: ``.venv/bin/python bench/reparse.py`` (5,000 articles, about 2 minutes on 2 cores) or
``.venv/bin/python bench/reparse.py --articles 20000``. The archive is built once (replica pages
through the crawl's path, stored in batches) and cached under /tmp/archiver-bench/.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from archiver.extract import process_page
from archiver.items import ArticleItem, RawPage
from archiver.reparse import reparse
from archiver.replica import ReplicaSite
from archiver.store import Archive

BASE = "https://belarusinfocus.info"
FETCHED = "2026-11-28T10:00:00Z"
CACHE = Path(tempfile.gettempdir()) / "archiver-bench"


def replica_pages(n: int) -> list[RawPage]:
    """The article pages of an ``n``-article replica, as a crawl would have fetched them."""
    site = ReplicaSite(n, seed=7)
    pages = []
    for article in site.articles:
        status, content_type, body = site.render(article.path, BASE)
        pages.append(RawPage(BASE + article.path, FETCHED, status, {"Content-Type": [content_type]}, body))
    return pages


def build_archive(n: int) -> Path:
    """An archive of ``n`` replica articles (cached)."""
    db = CACHE / f"reparse-{n}.db"
    if db.exists():
        return db
    CACHE.mkdir(parents=True, exist_ok=True)
    pages = replica_pages(n)
    with ProcessPoolExecutor() as pool:
        items: list[ArticleItem] = list(pool.map(process_page, pages, chunksize=64))
    partial = db.with_suffix(".partial")
    with Archive(partial) as archive:
        for start in range(0, len(items), 500):
            archive.store_items(items[start : start + 500], run_id=None, seen_at=FETCHED)
    partial.rename(db)
    return db


def single_core_rate(pages: list[RawPage]) -> float:
    """Pages/s of the crawl's extraction path (decode, page object, normalisers, validation)."""
    started = time.perf_counter()
    for page in pages:
        process_page(page)
    return len(pages) / (time.perf_counter() - started)


def reparse_rate(db: Path, workers: int) -> tuple[float, int]:
    """Pages/s of reparse with ``workers`` processes on a copy of ``db``, and the pages done."""
    copy = db.with_suffix(f".copy{workers}")
    shutil.copyfile(db, copy)
    try:
        with Archive(copy) as archive:
            report = reparse(archive, workers=workers)
    finally:
        copy.unlink(missing_ok=True)
    return report.pages / report.seconds, report.pages


def main() -> None:
    """Print the single-core rate, reparse with 1 and with every core, and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--sample", type=int, default=1000, help="pages timed for the single-core rate")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    db = build_archive(args.articles)
    single = single_core_rate(replica_pages(min(args.sample, args.articles)))
    one, pages = reparse_rate(db, 1)
    many, _ = reparse_rate(db, cores)
    print(f"archive: {args.articles} articles, {pages} pages; {cores} cores")
    print(f"extraction, single core: {single:.0f} pages/s ({1000 / single:.2f} ms/page)")
    print(f"reparse --workers 1: {one:.0f} pages/s")
    print(f"reparse --workers {cores}: {many:.0f} pages/s = {many / (cores * single):.2f} x "
          f"(cores x single-core extraction = {cores * single:.0f} pages/s); target >= 0.80")


if __name__ == "__main__":
    main()
