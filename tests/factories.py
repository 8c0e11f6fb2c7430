"""Factories of raw pages and normalised items for the store and export tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from archiver.items import ArticleItem, RawPage

BASE = "https://belarusinfocus.info"
T1 = "2026-11-28T10:00:00Z"
T2 = "2026-11-29T10:00:00Z"
T3 = "2026-11-30T10:00:00Z"


def make_page(url: str, *, body: bytes | None = None, fetched_at: str = T1, status: int = 200,
              headers: dict[str, list[str]] | None = None) -> RawPage:
    """A raw page; its body names the URL so different URLs have different bytes."""
    return RawPage(
        url=url,
        fetched_at=fetched_at,
        status=status,
        headers=headers if headers is not None else {
            "Content-Type": ["text/html; charset=utf-8"], "Set-Cookie": ["a=1", "b=2"],
        },
        body=body if body is not None else f"<html><body>{url}</body></html>".encode(),
    )


def make_item(slug: str = "a", **fields: Any) -> ArticleItem:
    """A valid, normalised article at BASE/politics/<slug>; keyword arguments override fields."""
    url = f"{BASE}/politics/{slug}"
    body = fields.pop("body", f"Body of {slug}. " + " ".join(["analysis"] * 30))
    item = ArticleItem(
        url=url,
        page=fields.pop("page", make_page(url)),
        template="classic-2016",
        title_raw=f"Title {slug} | Belarus in Focus",
        category_raw="Politics",
        published_raw="November 07, 2016 10:41",
        image_url=f"{BASE}/images/{slug}.jpg",
        image_credit_raw="Image: TUT.BY",
        field_sources={"title": "selector", "published": "meta"},
        title=f"Title {slug}",
        category="Politics",
        trend_status="green",
        published_at="2016-11-07T07:41:00Z",
        published_local="2016-11-07T10:41:00+03:00",
        image_credit="TUT.BY",
        lead=f"Lead of {slug}.",
        body=body,
        word_count=len(body.split()),
    )
    return replace(item, **fields)
