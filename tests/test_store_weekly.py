"""archiver.store in the weekly era: one article one row (URLs, aliases, same text), merging
without losing a timestamp or a period, period-only articles by date, the weekly views, and
translation links both ways."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from archiver.items import ArticleItem, NotModified, RelatedLink
from archiver.query.datasette_meta import QUERIES, TABLES
from archiver.query.report import status_chart_svg, write_plot
from archiver.store import Archive, StatusCount
from tests.factories import BASE, T1, T2, T3, make_item, make_page

PRO = "https://belarusinfocus.pro"
SVG = "{http://www.w3.org/2000/svg}"
WEEKLY_BODY = "Weekly body. " + " ".join(["monitoring"] * 40)


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "archive.db") as opened:
        yield opened


def weekly(slug: str, *, start: str = "2023-05-15", end: str = "2023-05-21", trend: str = "ruling-elite",
           status: str | None = "better", lang: str = "en", url: str | None = None,
           **fields: Any) -> ArticleItem:
    """A weekly-era item: a period, no timestamp, a trend, a status sentence, an author."""
    url = url or f"{BASE}/analytics/the-{trend}/{slug}"
    values: dict[str, Any] = {
        "page": make_page(url), "template": "wp-weekly-2022", "category_raw": "The ruling elite",
        "category": "The ruling elite", "trend": trend, "trend_status": status,
        "trend_status_raw": "The situation has gotten better" if status == "better" else None,
        "published_raw": None, "published_at": None, "published_local": None,
        "period_raw": f"{start} – {end}", "period_start": start, "period_end": end,
        "author_raw": "By Zmicier Kuchlej", "author": "Zmicier Kuchlej",
        "image_caption": "Lukashenka at a meeting", "image_credit_raw": "Фота: president.gov.by",
        "image_credit": "president.gov.by", "lang": lang, **fields,
    }
    return replace(make_item(slug, **values), url=url)


def rows(archive: Archive, sql: str, *params: object) -> list[dict[str, Any]]:
    return list(archive.db.query(sql, params))


def one(archive: Archive, sql: str, *params: object) -> Any:
    return archive.db.execute(sql, params).fetchone()[0]


def snapshot(archive: Archive) -> list[dict[str, Any]]:
    """Every article row and link without the seen-times, and the revisions count."""
    articles = [
        {k: v for k, v in row.items() if k not in ("last_seen_at",)}
        for row in rows(archive, "SELECT * FROM articles ORDER BY id")
    ]
    links = rows(archive, "SELECT source_id, target_url, kind, position FROM related_links ORDER BY id")
    revisions = rows(archive, "SELECT count(*) AS n FROM article_revisions")
    return [*articles, *links, *revisions]


# --- one article, one row ---------------------------------------------------------------------
def test_one_article_under_every_host_slash_query_and_alias_is_one_row(archive: Archive) -> None:
    canonical = f"{BASE}/analytics/the-ruling-elite/x"
    fetched = [
        canonical,
        f"{PRO}/analytics/the-ruling-elite/x/",
        "http://www.belarusinfocus.info/analytics/the-ruling-elite/x?page=2",
        f"{PRO}/analytics/ruling-elite/x",
    ]
    items = [weekly("x", url=canonical, page=make_page(url, fetched_at=T1)) for url in fetched]
    assert archive.store_items(items, run_id=None, seen_at=T1) == [
        "new", "unchanged", "unchanged", "unchanged",
    ]
    # an item whose (caller-canonicalised) url is a recorded alias joins the same row
    alias = weekly("x", url=f"{PRO}/analytics/ruling-elite/x")
    assert archive.store_items([alias], run_id=None, seen_at=T2) == ["unchanged"]
    assert one(archive, "SELECT count(*) FROM articles") == 1
    urls = rows(archive, "SELECT url, article_id, first_seen_at, last_seen_at FROM article_urls "
                         "ORDER BY url")
    assert {row["url"] for row in urls} == set(fetched)
    assert {row["article_id"] for row in urls} == {one(archive, "SELECT id FROM articles")}
    seen = {row["url"]: (row["first_seen_at"], row["last_seen_at"]) for row in urls}
    assert seen[f"{PRO}/analytics/ruling-elite/x"] == (T1, T2)
    assert seen[canonical] == (T1, T1)
    assert archive.known_urls() == set(fetched)
    assert archive.archived_urls([fetched[1], f"{BASE}/other"]) == {fetched[1]}
    state = archive.crawl_state()
    assert state[canonical].published_at == "2023-05-15T00:00:00Z"  # the period's start
    assert state[fetched[1]].etag is None
    assert state[fetched[1]].published_at is None


def test_a_304_under_an_alias_moves_the_article_and_the_url(archive: Archive) -> None:
    canonical = f"{BASE}/analytics/the-ruling-elite/x"
    archive.store_items([weekly("x", url=canonical, page=make_page(f"{PRO}/x/"))],
                        run_id=None, seen_at=T1)
    archive.store_items([NotModified(f"{PRO}/x/", T2)], run_id=None, seen_at=T2)
    assert one(archive, "SELECT last_seen_at FROM articles") == T2
    assert one(archive, "SELECT last_seen_at FROM article_urls WHERE url = ?", f"{PRO}/x/") == T2
    assert one(archive, "SELECT last_seen_at FROM article_urls WHERE url = ?", canonical) == T1


def drupal_and_weekly() -> tuple[ArticleItem, ArticleItem]:
    """The same text twice: a Drupal page with a timestamp, its weekly re-publication with a
    synthetic week under another URL."""
    drupal = make_item("x", body=WEEKLY_BODY, trend_status=None, image_credit=None,
                       image_credit_raw=None, published_precision="minute")
    week = weekly("x", body=WEEKLY_BODY, url=f"{PRO}/7136-2", lead="A lead of the weekly page.",
                  category="The ruling elite")
    return drupal, week


@pytest.mark.parametrize("drupal_first", [True, False])
def test_same_text_merges_keeping_timestamp_and_period_and_is_stable(
    archive: Archive, drupal_first: bool
) -> None:
    drupal, week = drupal_and_weekly()
    first, second = (drupal, week) if drupal_first else (week, drupal)
    assert archive.store_items([first], run_id=None, seen_at=T1) == ["new"]
    assert archive.store_items([second], run_id=None, seen_at=T1) == ["updated"]
    [row] = rows(archive, "SELECT * FROM articles")
    assert row["url"] == drupal.url  # the original (dated) page's URL, whichever came first
    assert (row["published_at"], row["published_precision"]) == ("2016-11-07T07:41:00Z", "minute")
    assert (row["period_start"], row["period_end"]) == ("2023-05-15", "2023-05-21")
    assert (row["trend"], row["trend_status"], row["author"]) == ("ruling-elite", "better",
                                                                 "Zmicier Kuchlej")
    assert row["image_credit"] == "president.gov.by"
    assert row["category"] == drupal.category  # both have one: the row's own page keeps its own
    assert row["lead"] == drupal.lead
    assert row["revision"] == 1
    assert one(archive, "SELECT count(*) FROM article_revisions") == 0
    assert {r["url"] for r in rows(archive, "SELECT url FROM article_urls")} == {drupal.url, week.url}
    before = snapshot(archive)
    # later runs, in either order: nothing changes, no revision, no flip-flop
    assert archive.store_items([drupal, week], run_id=None, seen_at=T2) == ["unchanged"] * 2
    assert archive.store_items([week, drupal], run_id=None, seen_at=T3) == ["unchanged"] * 2
    assert snapshot(archive) == before
    assert one(archive, "SELECT last_seen_at FROM articles") == T3


def test_a_field_the_page_lacks_never_erases_a_stored_value(archive: Archive) -> None:
    archive.store_items([make_item("a")], run_id=None, seen_at=T1)
    lacking = make_item("a", image_credit=None, image_credit_raw=None, lead="")
    assert archive.store_items([lacking], run_id=None, seen_at=T2) == ["unchanged"]
    article = archive.get_article(f"{BASE}/politics/a")
    assert article is not None
    assert (article["image_credit"], article["lead"], article["revision"]) == ("TUT.BY", "Lead of a.", 1)
    # a value the article's own page replaces is a revision, as before
    edited = make_item("a", image_credit="BelTA")
    assert archive.store_items([edited], run_id=None, seen_at=T3) == ["updated"]
    assert one(archive, "SELECT revision FROM articles") == 2
    assert one(archive, "SELECT image_credit FROM article_revisions") == "TUT.BY"


def test_a_different_text_under_another_url_is_another_article(archive: Archive) -> None:
    archive.store_items([weekly("a"), weekly("b", body="Another body. " * 30)],
                        run_id=None, seen_at=T1)
    assert one(archive, "SELECT count(*) FROM articles") == 2


# --- period instead of timestamp --------------------------------------------------------------
def test_a_period_only_article_is_dated_by_its_period(archive: Archive) -> None:
    archive.store_items(
        [weekly("w", body="Potash weekly. " * 30), make_item("d", body="Potash drupal. " * 30)],
        run_id=None, seen_at=T1,
    )
    w = archive.get_article(f"{BASE}/analytics/the-ruling-elite/w")
    assert w is not None
    assert w["published_at"] is None
    assert w["period_start"] == "2023-05-15"
    assert [(m.month, m.articles) for m in archive.articles_by_month()] == [("2016-11", 1), ("2023-05", 1)]
    stats = archive.stats()
    assert stats["per_year"] == {"2016": 1, "2023": 1}
    assert stats["published"] == {"first": "2016-11-07T07:41:00Z", "last": "2023-05-15T00:00:00Z"}
    exported = list(archive.iter_articles(since="2023-05-15T00:00:00Z", until="2023-05-16T00:00:00Z",
                                          fields=("url", "period_start")))
    assert exported == [{"url": w["url"], "period_start": "2023-05-15"}]
    assert list(archive.iter_articles(since="2023-05-16T00:00:00Z", until=None, fields=("url",))) == []
    hits = archive.search("potash", since="2023-01-01T00:00:00Z", until="2024-01-01T00:00:00Z")
    assert [hit["url"] for hit in hits] == [w["url"]]
    assert [hit["url"] for hit in archive.search("potash")] == [w["url"], f"{BASE}/politics/d"]
    by_category = rows(archive, "SELECT category, last_published_at FROM articles_by_category "
                                "WHERE category = 'The ruling elite'")
    assert by_category == [{"category": "The ruling elite", "last_published_at": "2023-05-15T00:00:00Z"}]


def test_a_day_precision_date_stays_on_its_day(archive: Archive) -> None:
    item = make_item("d", published_at="2024-04-29T21:00:00Z", published_local="2024-04-30T00:00:00+03:00",
                     published_raw="2024-04-30", published_precision="day")
    archive.store_items([item], run_id=None, seen_at=T1)
    assert [m.month for m in archive.articles_by_month()] == ["2024-04"]
    on_day = archive.iter_articles(since="2024-04-30T00:00:00Z", until="2024-05-01T00:00:00Z",
                                   fields=("url",))
    assert list(on_day) == [{"url": item.url}]
    day_before = archive.iter_articles(since="2024-04-29T00:00:00Z", until="2024-04-30T00:00:00Z",
                                       fields=("url",))
    assert list(day_before) == []
    assert archive.stats()["published"] == {"first": "2024-04-30T00:00:00Z",
                                            "last": "2024-04-30T00:00:00Z"}


# --- views for analysts -----------------------------------------------------------------------
def monitoring(archive: Archive) -> None:
    items = [
        weekly("e1", status="better", body="Elite one. " * 30),
        weekly("e2", start="2023-05-22", end="2023-05-28", status="worse", body="Elite two. " * 30),
        weekly("e3", start="2023-06-05", end="2023-06-11", status="unchanged", body="Elite three. " * 30),
        weekly("f1", trend="foreign-policy", status="worse", body="Foreign one. " * 30,
               category="Foreign policy"),
        weekly("e1-be", status="better", lang="ru", body="Элита один. " * 30,
               url=f"{BASE}/by/analytics/kiruyuchy-klas/e1"),
    ]
    archive.store_items(items, run_id=None, seen_at=T1)


def test_status_by_week(archive: Archive) -> None:
    monitoring(archive)
    got = rows(archive, "SELECT week_start, week_end, trend, status, lang, title FROM status_by_week")
    assert got == [
        {"week_start": "2023-05-15", "week_end": "2023-05-21", "trend": "foreign-policy",
         "status": "worse", "lang": "en", "title": "Title f1"},
        {"week_start": "2023-05-15", "week_end": "2023-05-21", "trend": "ruling-elite",
         "status": "better", "lang": "en", "title": "Title e1"},
        {"week_start": "2023-05-15", "week_end": "2023-05-21", "trend": "ruling-elite",
         "status": "better", "lang": "ru", "title": "Title e1-be"},
        {"week_start": "2023-05-22", "week_end": "2023-05-28", "trend": "ruling-elite",
         "status": "worse", "lang": "en", "title": "Title e2"},
        {"week_start": "2023-06-05", "week_end": "2023-06-11", "trend": "ruling-elite",
         "status": "unchanged", "lang": "en", "title": "Title e3"},
    ]


def test_status_by_trend_month_counts_weeks_once_across_languages(archive: Archive) -> None:
    monitoring(archive)
    got = rows(archive, "SELECT month, trend, better, worse, unchanged, articles FROM status_by_trend_month")
    assert got == [
        {"month": "2023-05", "trend": "foreign-policy", "better": 0, "worse": 1, "unchanged": 0,
         "articles": 1},
        {"month": "2023-05", "trend": "ruling-elite", "better": 1, "worse": 1, "unchanged": 0,
         "articles": 3},
        {"month": "2023-06", "trend": "ruling-elite", "better": 0, "worse": 0, "unchanged": 1,
         "articles": 1},
    ]
    assert archive.status_by_month() == [StatusCount("2023-05", 1, 2, 0), StatusCount("2023-06", 0, 0, 1)]
    assert archive.status_by_month("foreign-policy") == [StatusCount("2023-05", 0, 1, 0)]


def test_monitoring_issues_and_issue_links(archive: Archive) -> None:
    monitoring(archive)
    got = rows(archive, "SELECT * FROM monitoring_issues")
    assert got == [
        {"week_start": "2023-05-15", "week_end": "2023-05-21", "articles": 3, "trend_count": 2,
         "trends": "foreign-policy,ruling-elite", "languages": "en,ru"},
        {"week_start": "2023-05-22", "week_end": "2023-05-28", "articles": 1, "trend_count": 1,
         "trends": "ruling-elite", "languages": "en"},
        {"week_start": "2023-06-05", "week_end": "2023-06-11", "articles": 1, "trend_count": 1,
         "trends": "ruling-elite", "languages": "en"},
    ]
    links = rows(archive, "SELECT source_title, target_title, kind FROM issue_links "
                          "ORDER BY source_title, target_title")
    assert links == [
        {"source_title": s, "target_title": t, "kind": "issue"}
        for s, t in [("Title e1", "Title e1-be"), ("Title e1", "Title f1"),
                     ("Title e1-be", "Title e1"), ("Title e1-be", "Title f1"),
                     ("Title f1", "Title e1"), ("Title f1", "Title e1-be")]
    ]


# --- translations -----------------------------------------------------------------------------
@pytest.mark.parametrize("listing_first", [True, False])
def test_translation_links_both_ways(archive: Archive, listing_first: bool) -> None:
    en_url, be_url = f"{BASE}/analytics/the-ruling-elite/t", f"{BASE}/by/analytics/kiruyuchy-klas/t"
    en = weekly("t", url=en_url, related=[RelatedLink(f"{PRO}/by/analytics/kiruyuchy-klas/t/", "RU", 1,
                                                      "translation")])
    be = weekly("t-be", url=be_url, lang="ru", body="Русский текст. " * 30,
                page=make_page(f"{PRO}/by/analytics/kiruyuchy-klas/t/"))
    for batch in ([en], [be]) if listing_first else ([be], [en]):
        archive.store_items(batch, run_id=None, seen_at=T1)
    got = rows(archive, "SELECT source_url, target_id, kind FROM related_articles ORDER BY source_url")
    ids = {r["url"]: r["id"] for r in rows(archive, "SELECT url, id FROM articles")}
    assert got == [
        {"source_url": en_url, "target_id": ids[be_url], "kind": "translation"},
        {"source_url": be_url, "target_id": ids[en_url], "kind": "translation"},
    ]
    before = snapshot(archive)
    archive.store_items([en, be], run_id=None, seen_at=T2)
    assert snapshot(archive) == before  # the link back is written once


# --- the status plot --------------------------------------------------------------------------
def test_status_chart_stacks_better_worse_unchanged_per_month() -> None:
    statuses = [StatusCount("2023-05", 2, 1, 0), StatusCount("2023-08", 0, 0, 3)]
    root = ElementTree.fromstring(status_chart_svg(statuses))  # noqa: S314 (our own output)
    bars = [
        (r.get("class"), r.get("data-month"), r.get("data-count"))
        for r in root.iter(f"{SVG}rect") if (r.get("class") or "").startswith("status")
    ]
    assert bars == [
        ("status status-better", "2023-05", "2"), ("status status-worse", "2023-05", "1"),
        ("status status-unchanged", "2023-08", "3"),
    ]
    heights = {(b.get("data-month"), b.get("class")): float(b.get("height") or 0)
               for b in root.iter(f"{SVG}rect") if b.get("data-count")}
    assert heights[("2023-08", "status status-unchanged")] == pytest.approx(
        heights[("2023-05", "status status-better")] * 1.5
    )
    assert "no trend statuses" in status_chart_svg([])


@pytest.mark.parametrize("suffix", [".svg", ".html"])
def test_the_plot_draws_the_statuses_beside_the_articles(
    archive: Archive, tmp_path: Path, suffix: str
) -> None:
    monitoring(archive)
    path = tmp_path / f"plot{suffix}"
    write_plot(path, archive.articles_by_month(), statuses=archive.status_by_month())
    text = path.read_text(encoding="utf-8")
    assert text.count('class="bar"') == 2
    assert text.count('class="status status-') == 3
    assert 'data-month="2023-06" data-count="1"' in text
    inline = re.search(r"<svg.*</svg>", text, flags=re.DOTALL)  # one SVG holds both charts
    assert inline is not None
    root = ElementTree.fromstring(inline.group(0))  # noqa: S314 (our own output)
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("data-month")]) == 5
    plain = tmp_path / f"plain{suffix}"
    write_plot(plain, archive.articles_by_month())
    assert "status-" not in plain.read_text(encoding="utf-8")


def test_reparse_takes_the_pages_of_the_other_urls_too(archive: Archive) -> None:
    drupal, week = drupal_and_weekly()
    archive.store_items([drupal, week], run_id=None, seen_at=T1)
    pages = [page.url for page in archive.pages_to_reparse()]
    assert pages == [drupal.page.url, week.page.url]
    assert archive.count_pages_to_reparse() == 2


def test_record_urls_adds_the_urls_an_item_does_not_carry(archive: Archive) -> None:
    item = weekly("x")
    archive.store_items([item], run_id=None, seen_at=T1)
    redirected = "https://belarusinfocus.info/node/7136"
    assert archive.record_urls(item.url, [redirected, redirected, ""], seen_at=T2)
    assert archive.record_urls(redirected, [f"{PRO}/x"], seen_at=T3)  # found by an alias too
    assert not archive.record_urls(f"{BASE}/unknown", [f"{PRO}/y"], seen_at=T3)
    got = rows(archive, "SELECT url, first_seen_at, last_seen_at FROM article_urls ORDER BY url")
    assert got == [
        {"url": f"{BASE}/analytics/the-ruling-elite/x", "first_seen_at": T1, "last_seen_at": T1},
        {"url": redirected, "first_seen_at": T2, "last_seen_at": T2},
        {"url": f"{PRO}/x", "first_seen_at": T3, "last_seen_at": T3},
    ]
    # a later item fetched at the redirect's first URL joins the same article
    again = weekly("x", url=redirected, page=make_page(redirected))
    assert archive.store_items([again], run_id=None, seen_at=T3) == ["unchanged"]
    assert one(archive, "SELECT count(*) FROM articles") == 1


def test_a_bare_date_without_an_instant_is_dated_by_its_day(archive: Archive) -> None:
    item = make_item("d", published_at=None, published_local="2024-04-30", published_raw="30.04.2024",
                     published_precision="day")
    archive.store_items([item], run_id=None, seen_at=T1)
    assert [m.month for m in archive.articles_by_month()] == ["2024-04"]
    assert archive.stats()["published"] == {"first": "2024-04-30T00:00:00Z",
                                            "last": "2024-04-30T00:00:00Z"}


def test_a_raw_text_change_alone_is_no_revision(archive: Archive) -> None:
    archive.store_items([make_item("a")], run_id=None, seen_at=T1)
    renamed = make_item("a", title_raw="Title a – Belarus in Focus", published_precision="minute")
    assert archive.store_items([renamed], run_id=None, seen_at=T2) == ["unchanged"]
    row = rows(archive, "SELECT title_raw, published_precision, revision, updated_at FROM articles")
    assert row == [{"title_raw": "Title a – Belarus in Focus", "published_precision": "minute",
                    "revision": 1, "updated_at": T1}]
    assert one(archive, "SELECT count(*) FROM article_revisions") == 0


def test_the_canned_datasette_queries_answer_how_a_trend_moved(archive: Archive) -> None:
    monitoring(archive)
    moves = QUERIES["trend_moves"]
    got = archive.db.execute(moves.sql, {"trend": "ruling-elite", "year": "2023"}).fetchall()
    assert got == [("2023-05", 1, 1, 0, 0, 3), ("2023-06", 0, 0, 1, 0, 1)]
    weeks = QUERIES["trend_weeks"]
    got = archive.db.execute(weeks.sql, {"trend": "ruling-elite", "year": "2023"}).fetchall()
    assert [(w[0], w[2], w[3]) for w in got] == [
        ("2023-05-15", "better", "en"), ("2023-05-15", "better", "ru"),
        ("2023-05-22", "worse", "en"), ("2023-06-05", "unchanged", "en"),
    ]
    assert archive.db.execute(moves.sql, {"trend": "ruling-elite", "year": "2022"}).fetchall() == []
    facets = TABLES["articles"].extra["facets"]
    assert "trend" in facets
    assert "trend_status" in facets


def test_record_seen_urls_records_many_articles_in_batches(archive: Archive) -> None:
    """The end of a run's seen URLs: every archived article's, whatever the batch size; an
    article not archived is left out (and does not stop the rest of its batch)."""
    items = [weekly(slug) for slug in ("a", "b", "c")]
    archive.store_items(items, run_id=None, seen_at=T1)
    seen = {
        items[0].url: [f"{PRO}/a", f"{PRO}/a/"],
        f"{BASE}/unknown": [f"{PRO}/unknown"],
        items[1].url: [f"{PRO}/b"],
        items[2].url: [f"{PRO}/c"],
    }
    assert archive.record_seen_urls(seen, seen_at=T2, batch=2) == 3
    got = rows(archive, "SELECT url FROM article_urls WHERE first_seen_at = ? ORDER BY url", T2)
    assert [row["url"] for row in got] == [f"{PRO}/a", f"{PRO}/a/", f"{PRO}/b", f"{PRO}/c"]


@pytest.mark.parametrize("drupal_first", [True, False])
def test_same_text_read_with_another_first_paragraph_is_one_row(
    archive: Archive, drupal_first: bool
) -> None:
    """A copy read with its credit line as the lead and the original lead in its body is still
    the same text (``text_fingerprint``): one row, at the original's URL."""
    lead = "Minsk is likely to improve its image in the West and to keep its autonomy intact, experts say."
    body = "\n\n".join(
        f"Paragraph {n}: the Belarusian authorities seek to consolidate the normalisation trend again."
        for n in range(4)
    )
    drupal = make_item("y", lead=lead, body=body, trend_status=None, image_credit=None,
                       image_credit_raw=None, published_precision="minute")
    copy = weekly("y", url=f"{PRO}/7137-2", lead="Source — AP", body=f"{lead}\n\n{body}")
    first, second = (drupal, copy) if drupal_first else (copy, drupal)
    assert archive.store_items([first], run_id=None, seen_at=T1) == ["new"]
    assert archive.store_items([second], run_id=None, seen_at=T1) == ["updated"]
    [row] = rows(archive, "SELECT url, period_start, published_at FROM articles")
    assert row == {"url": drupal.url, "period_start": "2023-05-15", "published_at": drupal.published_at}


def test_a_different_text_under_the_same_title_stays_its_own_row(archive: Archive) -> None:
    one_text = "\n\n".join(f"Paragraph {n} of the first article, long enough to be read as text." * 2
                           for n in range(3))
    other = "\n\n".join(f"Paragraph {n} of another article, long enough to be read as text too." * 2
                        for n in range(3))
    first = make_item("z", body=one_text)
    second = weekly("z", url=f"{PRO}/7138-2", body=other, title=first.title)
    assert archive.store_items([first, second], run_id=None, seen_at=T1) == ["new", "new"]
