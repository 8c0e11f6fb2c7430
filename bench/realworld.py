"""Body-text extraction on 91 real article pages (the Article Extraction Benchmark's, with ground truth).

Run: ``.venv/bin/python bench/realworld.py [--worst N]`` (about 15 s on one core). For each system it
prints precision, recall and F1 of the body text against ``articleBody``, and the time per page:

- ``generic``: ``archiver.pages.generic.generic_body_html`` -> ``archiver.normalise.body_text``
  (the body fallback for pages the site's selectors do not fit);
- ``trafilatura``: ``trafilatura.extract`` with its default options, plain text (the reference);
- ``process_page``: ``archiver.extract.process_page``, the crawl's whole page path, its ``body``.

The metric is bench/metrics.py's, the benchmark's ``evaluate.py``: bags of 4-token shingles
(``\\w+`` tokens, case kept) of the extracted text and of the truth give TP/FP/FN, normalised so that
each page weighs the same; precision is averaged over the pages where something was extracted,
recall over the pages with a truth, and F1 is taken from the two averages. Target: generic F1 >= 0.93.
The pages are found in ``$ARCHIVER_REALWORLD_DIR`` or ``tests/fixtures/realworld/``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import trafilatura
from common import header
from metrics import score

from archiver.extract import decode_page, process_page
from archiver.items import RawPage
from archiver.normalise import body_text
from archiver.pages.generic import generic_body_html

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = Path(
    os.environ.get("ARCHIVER_REALWORLD_DIR")
    or REPO / "tests" / "fixtures" / "realworld"
)
FETCHED_AT = "2026-11-28T12:00:00Z"
TARGET_F1 = 0.93
"""What the generic fallback must reach on these pages."""


class Page(NamedTuple):
    """One benchmark page: its name, URL, ground-truth body and the bytes as fetched."""

    name: str
    url: str
    truth: str
    body: bytes

    def raw(self) -> RawPage:
        """The page as the crawler would have received it (no headers: the charset is sniffed)."""
        return RawPage(url=self.url, fetched_at=FETCHED_AT, status=200, headers={}, body=self.body)

    def text(self) -> str:
        """The page decoded as the crawler decodes it."""
        return decode_page(self.raw())


def load_pages(data_dir: Path = DATA_DIR) -> list[Page]:
    """Every page of the benchmark in ``data_dir``, by name."""
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Page(name, entry["url"], entry.get("articleBody") or "",
             gzip.decompress((data_dir / "html" / f"{name}.html.gz").read_bytes()))
        for name, entry in sorted(truth.items())
    ]


def page_f1(truth: str, predicted: str) -> float:
    """F1 of one page (its precision and recall, the benchmark's way)."""
    return score([(truth, predicted)]).f1


# --- the systems: page -> body text ------------------------------------------------------------
def generic_text(page: Page) -> str:
    return body_text(generic_body_html(page.text(), page.url) or "")


def trafilatura_text(page: Page) -> str:
    return trafilatura.extract(page.text(), url=page.url) or ""


def process_page_text(page: Page) -> str:
    return process_page(page.raw()).body


SYSTEMS: dict[str, Callable[[Page], str]] = {
    "generic": generic_text,
    "trafilatura": trafilatura_text,
    "process_page": process_page_text,
}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--worst", type=int, default=0, help="also list the N pages with the lowest F1")
    args = parser.parse_args()
    header("realworld: body text of 91 real article pages (Article Extraction Benchmark)")
    if not (DATA_DIR / "ground-truth.json").is_file():
        print(f"no benchmark pages in {DATA_DIR} (set ARCHIVER_REALWORLD_DIR)", file=sys.stderr)
        return 2
    pages = load_pages()
    print(f"{len(pages)} pages from {DATA_DIR}; trafilatura {trafilatura.__version__}")
    for page in pages[:3]:  # warm up imports and caches outside the timings
        for system in SYSTEMS.values():
            system(page)
    print(f"{'system':<14} {'precision':>9} {'recall':>7} {'F1':>6} {'ms/page':>8} {'max ms':>7}")
    generic_f1 = 0.0
    for name, system in SYSTEMS.items():
        texts: list[str] = []
        times: list[float] = []
        for page in pages:
            started = time.perf_counter()
            texts.append(system(page))
            times.append(time.perf_counter() - started)
        result = score((page.truth, text) for page, text in zip(pages, texts, strict=True))
        generic_f1 = result.f1 if name == "generic" else generic_f1
        print(f"{name:<14} {result.precision:9.3f} {result.recall:7.3f} {result.f1:6.3f} "
              f"{1000 * statistics.mean(times):8.1f} {1000 * max(times):7.0f}")
        if args.worst:
            ranked = sorted(zip(pages, texts, strict=True), key=lambda pt: page_f1(pt[0].truth, pt[1]))
            for page, text in ranked[: args.worst]:
                print(f"    F1={page_f1(page.truth, text):.3f}  {page.name[:12]}  {page.url}")
    ok = generic_f1 >= TARGET_F1
    print(f"generic F1 {generic_f1:.3f} (target >= {TARGET_F1}): {'ok' if ok else 'BELOW TARGET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
