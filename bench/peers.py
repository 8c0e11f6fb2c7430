"""Benchmark 8: our page object (``process_page``) against trafilatura (a benchmark-only peer) on
the same replica article pages: time per page, and body quality as the 4-word-shingle F1 of
bench/metrics.py against the replica's ground truth (``site.ground_truth(base_url)`` ``body``).

The ground-truth body leaves the lead out; a generic extractor usually keeps it, so scores against
lead + body are printed too. Run: ``.venv/bin/python bench/peers.py`` (200 pages, ~1 min);
``--pages 1000`` for more. No target: a comparison.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import trafilatura
from common import BASE_URL, article_pages, header
from metrics import score

from archiver.extract import process_page
from archiver.replica import ReplicaSite


def main() -> None:
    """Extract every page with both, time them, score them against the ground truth."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    header("peers: our page object vs trafilatura, speed and body F1")
    site = ReplicaSite(args.articles, seed=args.seed)
    pages = article_pages(site, args.pages)
    truth = {rec["url"]: rec for rec in site.ground_truth(BASE_URL)}
    texts = {p.url: p.body.decode("utf-8") for p in pages}

    def ours(url: str) -> str:
        return process_page(next(p for p in pages if p.url == url).raw()).body

    def theirs(url: str) -> str:
        return trafilatura.extract(texts[url], url=url, include_comments=False) or ""

    print(f"pages: {len(pages)} article pages of a {args.articles}-article replica")
    print(f"{'extractor':>12}  ms/page  F1 body (P / R)        F1 lead+body (P / R)")
    extractors: dict[str, Callable[[str], str]] = {"archiver": ours, "trafilatura": theirs}
    results = []
    for name, extract in extractors.items():
        extract(pages[0].url)  # warm-up
        started = time.perf_counter()
        bodies = {p.url: extract(p.url) for p in pages}
        ms = (time.perf_counter() - started) / len(pages) * 1000
        body = score((truth[url]["body"], got) for url, got in bodies.items())
        full = score((f"{truth[url]['lead']}\n\n{truth[url]['body']}", got) for url, got in bodies.items())
        print(f"{name:>12}  {ms:7.2f}  {body.f1:.3f} ({body.precision:.3f} / {body.recall:.3f})  "
              f"{full.f1:.3f} ({full.precision:.3f} / {full.recall:.3f})")
        results.append(f"{name}_ms={ms:.2f} {name}_f1={body.f1:.3f} {name}_f1_lead_body={full.f1:.3f}")
    print("RESULT " + " ".join(results))


if __name__ == "__main__":
    main()
