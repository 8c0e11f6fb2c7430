"""Benchmark 6: query latency on a synthetic 100,000-article archive: p50/p95 of ``Archive.search``
over 20 varied FTS queries, each view (``SELECT * FROM view LIMIT 50``, as a client browsing it
would) and ``Archive.stats`` (what ``archiver stats`` runs).

The archive is built once through ``store_items`` (batches of 5,000; bodies mixed from the
replica's paragraphs, ~25 links each) and cached under /tmp/archiver-bench/. Run:
``.venv/bin/python bench/queries.py`` (10,000 articles); ``--articles 100000`` for the full size
(build ~10 min once). Target: FTS p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from common import FETCHED_AT, header, percentile, verdict

from archiver.items import ArticleItem, RawPage, RelatedLink
from archiver.replica import ReplicaSite
from archiver.store import Archive

TARGET_MS = 50.0
CACHE = Path(tempfile.gettempdir()) / "archiver-bench"
VIEWS = ("related_articles", "articles_by_month", "articles_by_category", "image_credits", "link_graph")
CATEGORIES = ("Society and politics", "Economy", "International relations", "Security and defence",
              "Civil society")


def build(db: Path, count: int, seed: int) -> None:
    """Write ``count`` synthetic articles to ``db``: paragraphs of three replica bodies each."""
    site = ReplicaSite(2000, seed=seed)
    sources = [a for a in site.articles if a.defect is None][:600]
    paragraphs = [p for a in sources for p in site.body(a).text().split("\n\n") if p.strip()]
    titles = [a.title for a in sources]
    rng = random.Random(seed)
    base = "https://belarusinfocus.info"
    started = time.perf_counter()
    with Archive(db).open() as archive:
        run_id = archive.start_run(mode="full", started_at=FETCHED_AT)
        for start in range(0, count, 5000):
            batch = []
            for i in range(start, min(start + 5000, count)):
                url = f"{base}/{CATEGORIES[i % 5].split()[0].lower()}/article-{i}"
                body = "\n\n".join(rng.sample(paragraphs, 6))
                day = f"{2011 + i * 15 // count:04d}-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00Z"
                links = [RelatedLink(f"{base}/economy/article-{rng.randrange(count)}", "t", k, kind)
                         for k, kind in enumerate(["similar"] * 5 + ["trend"] * 5 + ["inline"] * 15, 1)]
                batch.append(ArticleItem(
                    url=url, page=RawPage(url, FETCHED_AT, 200, {}, f"<html>{i}</html>".encode()),
                    title=f"{rng.choice(titles)} ({i})", category=CATEGORIES[i % 5],
                    published_at=day, lead=rng.choice(paragraphs), body=body,
                    word_count=len(body.split()), related=links,
                    image_credit=rng.choice(("TUT.BY", "BelTA", "Reuters; BelTA", None)),
                ))
            archive.store_items(batch, run_id=run_id, seen_at=FETCHED_AT)
            print(f"  built {start + len(batch)} articles, {time.perf_counter() - started:.0f} s", flush=True)
        archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def search_queries(db: Path) -> list[tuple[str, dict[str, str]]]:
    """20 queries: common, mid and rare words, phrases, prefixes, boolean, NEAR, columns, filters."""
    with Archive(db).open(readonly=True) as archive:
        text = " ".join(str(r[0]) for r in archive.db.execute("SELECT body FROM articles LIMIT 300"))
    words = [w for w, _ in Counter(w.lower() for w in text.split() if w.isalpha() and len(w) > 4)
             .most_common()]
    common, mid, rare = words[0], words[len(words) // 4], words[-1]
    phrase = " ".join(text.split()[100:102])
    return [
        ("Minsk", {}), ("Lukashenka", {}), (common, {}), (mid, {}), (rare, {}),
        (f'"{phrase}"', {}), ("econom*", {}), ("sanction*", {}), (f"{common} AND {mid}", {}),
        (f"{mid} OR {rare}", {}), (f"{common} NOT {mid}", {}), (f"NEAR({common} {mid}, 5)", {}),
        (f"title:{mid}", {}), ("title:belarus", {}), ("lead:minsk", {}),
        ("Minsk", {"category": "Economy"}), (common, {"since": "2020-01-01T00:00:00Z"}),
        (mid, {"since": "2015-01-01T00:00:00Z", "until": "2016-01-01T00:00:00Z"}),
        ("Russia Belarus", {}), (f"{common}*", {}),
    ]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of each of ``repeat`` calls of ``fn`` (after one warm-up call)."""
    fn()
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    """Build or reuse the archive; time the searches, the views and the stats."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=10, help="timed runs of each query")
    parser.add_argument("--db", type=Path, help="an existing archive to query instead (not rebuilt)")
    args = parser.parse_args()
    shown = str(args.db) if args.db else f"a synthetic {args.articles}-article archive"
    header(f"queries: search, views and stats on {shown}")
    db = args.db or CACHE / f"queries-{args.articles}-{args.seed}.db"
    if not db.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        build(db.with_suffix(".tmp"), args.articles, args.seed)
        db.with_suffix(".tmp").rename(db)
    Archive(db).open().close()  # a cached archive of an older schema is migrated first
    print(f"archive: {db} ({db.stat().st_size / 2**20:.0f} MiB)")
    all_ms: list[float] = []
    with Archive(db).open(readonly=True) as archive:
        for query, filters in search_queries(db):
            ms = timed(lambda q=query, f=filters: archive.search(q, **f), args.repeat)  # type: ignore[misc]
            hits = len(archive.search(query, **filters))
            all_ms += ms
            print(f"  search {query!r:40} {filters or ''}: {hits:>2} hits, p50 {percentile(ms, 50):6.1f} ms,"
                  f" p95 {percentile(ms, 95):6.1f} ms")
        for view in VIEWS:
            ms = timed(lambda v=view: archive.db.execute(f"SELECT * FROM {v} LIMIT 50").fetchall(),  # type: ignore[misc]
                       max(3, args.repeat // 3))
            print(f"  view {view:22}: p50 {percentile(ms, 50):8.1f} ms, p95 {percentile(ms, 95):8.1f} ms")
        ms = timed(archive.stats, 3)
        print(f"  Archive.stats (archiver stats): p50 {percentile(ms, 50):.0f} ms, max {max(ms):.0f} ms")
    p50, p95 = percentile(all_ms, 50), percentile(all_ms, 95)
    print(f"FTS over all queries: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
          f"(target p95 <= {TARGET_MS:.0f} ms: {verdict(p95 <= TARGET_MS)})")
    print(f"RESULT fts_p50_ms={p50:.1f} fts_p95_ms={p95:.1f}")


if __name__ == "__main__":
    main()
