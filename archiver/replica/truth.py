"""Ground truth: the records a full crawl of the replica must archive, from the generator's own
plain-text values (never from its HTML), per the text contracts of docs/architecture.md.

One record per valid article (a Drupal-era article re-published as a weekly page is ONE record,
with its timestamp and its week) and one per ``/by/`` twin (``lang`` ``ru``). Keys: url, site,
lang, title, category, trend, trend_status, period_start, period_end, period_raw, published_at,
published_local, published_raw, author, image_url, image_credit, image_caption, lead, body,
word_count, related, urls, redirects. ``related`` is a list of {target_url, title, kind,
position}: ``similar`` (Drupal pages), ``trend`` (Drupal pages), ``inline`` body links and
``translation`` (title: the link's hreflang, ``be`` or ``en``, as the page object reads it);
see docs/replica.md, "Ground truth".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archiver.replica.content import Article, collapse
from archiver.replica.router import link_variant
from archiver.replica.russian import be_week
from archiver.replica.schedule import week

if TYPE_CHECKING:
    from archiver.replica.generator import ReplicaSite

SITE: str = "belarusinfocus.info"
LANG: str = "en"


def records(site: ReplicaSite, base_url: str, pro_base_url: str | None = None) -> list[dict[str, Any]]:
    """The records of ``site`` served at ``base_url`` (.info, no trailing slash; ``pro_base_url``
    the .pro stand-in, if any), newest first, each ``/by/`` twin after its English article."""
    out: list[dict[str, Any]] = []
    for article in site.articles:
        if article.defect is not None:
            continue
        out.append(record(site, article, base_url, pro_base_url))
        if article.by_path:
            out.append(by_record(site, article, base_url, pro_base_url))
    return out


def _period(article: Article, raw: str | None) -> dict[str, Any]:
    start, end = article.period or (None, None)
    return {
        "period_start": start.isoformat() if start else None,
        "period_end": end.isoformat() if end else None,
        "period_raw": raw,
    }


def record(site: ReplicaSite, article: Article, base_url: str, pro: str | None = None) -> dict[str, Any]:
    """The archive record of one article (both its pages when it has two)."""
    body = site.body(article).text()
    drupal = article.era == "drupal"
    out: dict[str, Any] = {
        "url": base_url + article.path,
        "site": SITE,
        "lang": LANG,
        "title": article.title,
        "category": article.category,
        "trend": article.section.key,
        "trend_status": article.trend_status,
        **_period(article, week(*article.period) if article.period else None),
        "published_at": article.published_at if drupal else None,
        "published_local": article.published_local if drupal else None,
        "published_raw": article.published_raw if drupal else None,
        "author": article.author,
        "image_url": base_url + article.image_path if article.image_path else None,
        "image_credit": article.image_credit,
        "image_caption": article.image_caption,
        "lead": article.lead,
        "body": body,
        "word_count": len(body.split()),
        "related": related(site, article, base_url),
    }
    out["urls"], out["redirects"] = urls(article, base_url, pro)
    return out


def by_record(site: ReplicaSite, article: Article, base_url: str, pro: str | None = None) -> dict[str, Any]:
    """The archive record of ``article``'s ``/by/`` twin: Russian text, Belarusian chrome."""
    text = site.russian(article.stream, article.nid)
    assert article.by_path is not None  # noqa: S101 (called for twins only)
    body = text.body
    found = [base_url + article.by_path, base_url + article.by_path + "/"]
    if pro:
        found += [pro + article.by_path, pro + article.by_path + "/"]
    return {
        "url": base_url + article.by_path,
        "site": SITE,
        "lang": "ru",
        "title": text.title,
        "category": article.section.be_name,
        "trend": article.section.key,
        "trend_status": article.trend_status,
        **_period(article, be_week(*article.period) if article.period else None),
        "published_at": None,
        "published_local": None,
        "published_raw": None,
        "author": None,
        "image_url": base_url + article.image_path if article.image_path else None,
        "image_credit": article.image_credit,
        "image_caption": article.image_caption,
        "lead": text.lead,
        "body": body,
        "word_count": len(body.split()),
        "related": [
            {"target_url": base_url + article.path, "title": "en", "kind": "translation", "position": 1}
        ],
        "urls": found,
        "redirects": [],
    }


def related(site: ReplicaSite, article: Article, base_url: str) -> list[dict[str, Any]]:
    """The article's links to other articles, as its pages show them: a Drupal page's similar
    entries and "Recent trends", the body's inline links, the ``/by/`` twin (``translation``)."""
    out: list[dict[str, Any]] = []
    if article.era == "drupal":
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
    if article.by_path:
        out.append({"target_url": base_url + article.by_path, "title": "be", "kind": "translation",
                    "position": 1})
    return out


def urls(article: Article, info: str, pro: str | None) -> tuple[list[str], list[str]]:
    """(the URLs answering 200 with the article, the URLs answering 301 towards it), on both
    hosts when ``pro`` is given. ``?page=N`` answers for any N: only the variant pages link
    (``link_variant``) is listed."""
    hosts = [info, pro] if pro else [info]
    found: list[str] = []
    moved: list[str] = []
    section = article.section
    if article.era == "drupal":
        found.append(info + article.path)
        if article.drupal_path != article.path:
            found.append(info + article.drupal_path)
        if article.weekly_path:
            for host in hosts:
                found += [host + article.weekly_path, host + article.weekly_path + "/"]
            if pro:
                moved.append(pro + article.path)
        return found, moved
    for host in hosts:
        found += [host + article.path, host + article.path + "/"]
        if section.slug != section.current:
            moved += [f"{host}/{section.slug}/{article.slug}", f"{host}/{section.slug}/{article.slug}/"]
    variant = link_variant(article, None)
    if "?page=" in variant:
        found += [host + variant for host in hosts]
    return found, moved
