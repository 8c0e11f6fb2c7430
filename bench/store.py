"""Benchmark 3: articles/s upserted by ``Archive.store_items`` (FTS triggers, raw pages, links).

Items are real extractions of replica pages (``process_page``), copied under distinct URLs so that
each is a new article with its own page row. Run: ``.venv/bin/python bench/store.py`` (5,000
items, ~1 min); ``--items 20000`` for more. Target: >= 2,000 articles/s at batch size 50
(ARCHIVER_BATCH_SIZE) and 500. A second pass stores the same items again (``unchanged``). The
rate per CPU second of this process (SQLite runs in it) is printed too: steadier than wall time
on a shared machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

from common import FETCHED_AT, article_pages, header, verdict

from archiver.extract import process_page
from archiver.items import ArticleItem
from archiver.replica import ReplicaSite
from archiver.store import Archive

TARGET = 2000.0


def make_items(site: ReplicaSite, count: int, distinct: int) -> list[ArticleItem]:
    """``count`` valid items: ``distinct`` extracted pages, each copied under fresh URLs."""
    templates = [process_page(p.raw()) for p in article_pages(site, distinct)]
    items = []
    for i in range(count):
        item = templates[i % len(templates)]
        url = f"{item.url}-{i}"
        page = dataclasses.replace(item.page, url=url, body=item.page.body + f"<!-- {i} -->".encode())
        items.append(dataclasses.replace(item, url=url, page=page))
    return items


def store_all(db: Path, items: list[ArticleItem], batch: int) -> tuple[float, float, dict[str, int]]:
    """Wall and CPU seconds to store ``items`` in batches of ``batch`` (one transaction each), and
    the outcomes."""
    outcomes: dict[str, int] = {}
    with Archive(db).open() as archive:
        run_id = archive.start_run(mode="full", started_at=FETCHED_AT)
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(0, len(items), batch):
            for outcome in archive.store_items(items[i : i + batch], run_id=run_id, seen_at=FETCHED_AT):
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, cpu, outcomes


def main() -> None:
    """Store the items into a fresh archive per batch size, twice (new, then unchanged)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--distinct", type=int, default=300, help="distinct extracted pages")
    parser.add_argument("--batches", default="50,500", help="batch sizes, comma-separated")
    args = parser.parse_args()
    header("store: Archive.store_items, articles/s")
    items = make_items(ReplicaSite(2000, seed=11), args.items, args.distinct)
    links = sum(len(i.related) for i in items) / len(items)
    body = sum(len(i.page.body) for i in items) / len(items)
    print(f"items: {len(items)} ({args.distinct} distinct bodies, {links:.1f} links and "
          f"{body / 1024:.1f} KiB page each)")
    rates = []
    for batch in (int(b) for b in args.batches.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "archive.db"
            seconds, cpu, outcomes = store_all(db, items, batch)
            again, _cpu, outcomes2 = store_all(db, items, batch)
            size = db.stat().st_size + Path(f"{db}-wal").stat().st_size if Path(f"{db}-wal").exists() \
                else db.stat().st_size
        rate = len(items) / seconds
        rates.append(rate)
        print(f"batch {batch:>4}: new {rate:,.0f} articles/s wall ({seconds:.2f} s, {outcomes}), "
              f"{len(items) / cpu:,.0f}/s per CPU second of this process; "
              f"again {len(items) / again:,.0f} articles/s ({outcomes2}); archive {size / 2**20:.0f} MiB "
              f"(target >= {TARGET:,.0f}/s: {verdict(rate >= TARGET)})")
    print("RESULT " + " ".join(f"batch{b}={r:.0f}" for b, r in zip(args.batches.split(","), rates,
                                                                    strict=True)))


if __name__ == "__main__":
    main()
