"""Benchmark 2: a full ``archiver crawl`` of a replica (pages/s) against a bare Scrapy spider that
walks the same listings and pagination to every article and extracts nothing, with the same
loopback settings (archiver.spiders.belarusinfocus.LOOPBACK_SETTINGS), in the same run.

Run: ``.venv/bin/python bench/crawl.py`` (1,000 articles, ~2 min); ``--articles 5000`` for the
full size. Target: archiver >= 0.7x the bare spider's pages/s. Both run as subprocesses against one
in-process replica server; pages/s is responses over the subprocess's wall time (start-up
included) and over the crawl alone (spider open to close).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from common import crawl_cmd, header, run, verdict

from archiver.replica import ReplicaServer, ReplicaSite

TARGET = 0.7
PROGRESS = re.compile(r"progress: (\d+) pages \(([\d.]+)/min\)")


def bare_spider(base_url: str) -> None:
    """Crawl ``base_url`` with a spider that only follows links; print its stats as JSON."""
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    try:  # the loopback settings may move to archiver.settings
        from archiver.settings import LOOPBACK_SETTINGS  # type: ignore[attr-defined]
    except ImportError:
        from archiver.spiders.belarusinfocus import LOOPBACK_SETTINGS

    class Bare(scrapy.Spider):
        """Listings and their pager to the articles; an article page is fetched and dropped."""

        name = "bare"
        start_urls = [f"{base_url}/"]  # noqa: RUF012 (Scrapy's class attribute)

        def parse(self, response: Any) -> Any:
            for href in response.css("#main a[href]::attr(href), main a[href]::attr(href)").getall():
                url = urljoin(response.url, href)
                if len([s for s in urlsplit(url).path.split("/") if s]) == 2:
                    yield scrapy.Request(url, callback=self.article)
            next_page = response.css("ul.pager li.pager-next a::attr(href)").get()
            if next_page:
                yield scrapy.Request(urljoin(response.url, next_page), callback=self.parse)

        def article(self, response: Any) -> None:
            return None

    settings = Settings()
    settings.setmodule("archiver.settings", priority="project")
    settings.setdict(LOOPBACK_SETTINGS, priority="spider")
    settings.setdict({"ITEM_PIPELINES": {}, "EXTENSIONS": {}, "LOG_LEVEL": "WARNING"}, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(Bare)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    seconds = (stats["finish_time"] - stats["start_time"]).total_seconds()
    print(json.dumps({"pages": stats.get("response_received_count", 0), "seconds": seconds}))


def main() -> None:
    """Serve a replica; crawl it with the bare spider and with archiver, print both rates."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--bare-spider", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_spider:
        bare_spider(args.bare_spider)
        return
    header(f"crawl: full crawl of a {args.articles}-article replica vs a bare Scrapy spider")
    site = ReplicaSite(args.articles, seed=args.seed)
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        result, bare_wall = run([sys.executable, __file__, "--bare-spider", server.base_url])
        bare = json.loads(result.stdout.strip().splitlines()[-1])
        bare_requests = len(server.request_log)
        server.clear_log()
        db = Path(tmp) / "archive.db"
        result, arch_wall = run(crawl_cmd(server.base_url, db))
        arch_requests = len(server.request_log)
        last = PROGRESS.findall(result.stderr)[-1]
        arch_pages, arch_seconds = int(last[0]), int(last[0]) / float(last[1]) * 60
        stored = result.stdout.strip().splitlines()[-3:]
    rows = (("bare spider", bare["pages"], bare_requests, bare_wall, bare["seconds"]),
            ("archiver crawl", arch_pages, arch_requests, arch_wall, arch_seconds))
    for name, pages, requests, wall, crawl_s in rows:
        print(f"{name:>14}: {pages} responses ({requests} requests at the server), "
              f"{pages / wall:.1f} pages/s wall ({wall:.1f} s), {pages / crawl_s:.1f} pages/s crawl only")
    ratio_wall = (arch_pages / arch_wall) / (bare["pages"] / bare_wall)
    ratio_crawl = (arch_pages / arch_seconds) / (bare["pages"] / bare["seconds"])
    print(f"archiver exit code {result.returncode}; summary: {' | '.join(stored)}")
    print(f"ratio archiver / bare: {ratio_wall:.2f}x wall, {ratio_crawl:.2f}x crawl only "
          f"(target >= {TARGET}x: {verdict(ratio_wall >= TARGET)})")
    print(f"RESULT bare_pps={bare['pages'] / bare_wall:.1f} archiver_pps={arch_pages / arch_wall:.1f} "
          f"ratio={ratio_wall:.2f}")


if __name__ == "__main__":
    main()
