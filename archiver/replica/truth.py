"""Ground truth: the records a full crawl of the replica must archive, from the generator's own
plain-text values (never from its HTML), per the text contracts of docs/architecture.md.

Record keys: url, site, lang, title, category, trend_status, published_at, published_local,
published_raw, image_url, image_credit, lead, body, word_count, related; ``related`` is a list
of {target_url, title, kind, position}: ``similar`` entries (1..k in page order), ``trend``
entries (1..5) and ``inline`` body links (1.. in body order).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archiver.replica.content import Article, collapse

if TYPE_CHECKING:
    from archiver.replica.generator import ReplicaSite

SITE: str = "belarusinfocus.info"
LANG: str = "en"


def records(site: ReplicaSite, base_url: str) -> list[dict[str, Any]]:
    """One record per valid article of ``site`` served at ``base_url`` (no trailing slash), newest
    first; defective articles (``Article.defect``) are not archived, so they have none."""
    return [record(site, article, base_url) for article in site.articles if article.defect is None]


def record(site: ReplicaSite, article: Article, base_url: str) -> dict[str, Any]:
    """The archive record of one article."""
    body = site.body(article).text()
    return {
        "url": base_url + article.path,
        "site": SITE,
        "lang": LANG,
        "title": article.title,
        "category": article.category,
        "trend_status": article.trend_status,
        "published_at": article.published_at,
        "published_local": article.published_local,
        "published_raw": article.published_raw,
        "image_url": base_url + article.image_path if article.image_path else None,
        "image_credit": article.image_credit,
        "lead": article.lead,
        "body": body,
        "word_count": len(body.split()),
        "related": related(site, article, base_url),
    }


def related(site: ReplicaSite, article: Article, base_url: str) -> list[dict[str, Any]]:
    """The article's links to other articles, as the page shows them."""
    out: list[dict[str, Any]] = []
    for kind, targets in (("similar", site.similar(article)), ("trend", site.recent)):
        out += [
            {"target_url": base_url + t.path, "title": t.title, "kind": kind, "position": i}
            for i, t in enumerate(targets, 1)
        ]
    out += [
        {"target_url": base_url + link.href, "title": collapse(link.text), "kind": "inline",
         "position": i}
        for i, link in enumerate(site.body(article).links(), 1)
    ]
    return out
