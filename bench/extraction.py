"""Benchmark 1: extraction (page object + normalisation + validation) per replica article page,
against a bare ``lxml.html.fromstring`` of the same bytes, side by side in one run.

Run: ``.venv/bin/python bench/extraction.py`` (300 pages, ~1 min); ``--pages 2000 --articles
5000`` for more. Target: extraction at most 2.0x the bare parse. Also prints single-core pages/s
of extraction (the reparse benchmark's yardstick) and the split between page object and
normalisation. Times are CPU seconds of this process (best of ``--repeat``), so that other load
on the machine does not skew them.
"""

from __future__ import annotations

import argparse
import time

import lxml.html
from common import article_pages, best_of, header, verdict

from archiver.article import normalise_item, reject_reasons
from archiver.extract import build_item, decode_page, process_page
from archiver.replica import ReplicaSite

TARGET = 2.0


def main() -> None:
    """Render the pages, time each path ``--repeat`` times interleaved, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000, help="replica size")
    parser.add_argument("--pages", type=int, default=300, help="article pages timed")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each path (best counts)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    header("extraction: page object + normalisation vs bare lxml parse")
    pages = article_pages(ReplicaSite(args.articles, seed=args.seed), args.pages)
    raws = [p.raw() for p in pages]
    size = sum(len(p.body) for p in pages) / len(pages)
    print(f"pages: {len(pages)} article pages of a {args.articles}-article replica, "
          f"mean {size / 1024:.1f} KiB")
    items = [process_page(raw) for raw in raws]  # warm-up: dateparser, regexes, caches
    rejected = sum(1 for item in items if item.reject_reasons)

    def bare() -> None:
        for page in pages:
            lxml.html.fromstring(page.body)

    def extraction() -> None:
        for raw in raws:
            process_page(raw)

    texts = [decode_page(raw) for raw in raws]

    def page_object() -> None:
        for raw, text in zip(raws, texts, strict=True):
            build_item(raw, text)

    built = [build_item(raw, text) for raw, text in zip(raws, texts, strict=True)]

    def normalisation() -> None:
        for item in built:
            normalise_item(item, tz="Europe/Minsk")
            reject_reasons(item)

    timings: dict[str, float] = {}
    for _ in range(args.repeat):  # interleaved, so drift hits every path alike
        for name, fn in (("bare", bare), ("extract", extraction), ("page", page_object),
                         ("norm", normalisation)):
            timings[name] = min(timings.get(name, float("inf")), best_of(fn, 1, time.process_time))
    n = len(pages)
    per = {name: seconds / n * 1000 for name, seconds in timings.items()}
    ratio = timings["extract"] / timings["bare"]
    print(f"bare lxml.html.fromstring: {per['bare']:.3f} ms/page ({n / timings['bare']:.0f} pages/s)")
    print(f"process_page (decode + page object + normalise + validate): {per['extract']:.3f} ms/page "
          f"({n / timings['extract']:.0f} pages/s single core)")
    print(f"  of which page object (build_item): {per['page']:.3f} ms/page; "
          f"normalise + validate: {per['norm']:.3f} ms/page")
    print(f"rejected pages: {rejected} (should be 0)")
    print(f"ratio extraction / bare parse: {ratio:.2f}x (target <= {TARGET}x: {verdict(ratio <= TARGET)})")
    print(f"RESULT extraction_pages_per_s={n / timings['extract']:.1f} ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
