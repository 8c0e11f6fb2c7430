"""The replica site: deterministic articles from (n, seed, now), pages rendered on request.

Metadata (dates, titles, categories, credits, paths) is built eagerly; leads, bodies and pages
are generated when first asked for, each from its own seeded random stream, so the same
``(n_articles, seed, now)`` always gives byte-identical pages.
"""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import datetime
from functools import lru_cache, partial
from typing import Any, Final

from archiver.replica import routes, truth
from archiver.replica.compose import P_READ_MORE, compose_body, link_count, stub_body, with_read_more
from archiver.replica.content import Article, Body, Category, Defect, EntityStyle, plain_title
from archiver.replica.hazards import (
    CREDIT_SHARES,
    TITLE_SHARES,
    credit_line,
    deal,
    deal_one,
    hard_title,
)
from archiver.replica.markup import Chrome
from archiver.replica.rand import Weighted
from archiver.replica.schedule import DEFAULT_NOW, publication_times
from archiver.replica.wordbank import Prose

MIN_ARTICLES: Final = 10
MAX_ARTICLES: Final = 20_000
RECENT: Final = 5
"""Entries of the "Recent trends" sidebar."""

CATEGORIES: Final = (
    Category("Society and politics", "society-and-politics", "politics"),
    Category("Economy", "economy", "economy"),
    Category("International relations", "international-relations", "international"),
    Category("Security and defence", "security-and-defence", "security"),
    Category("Civil society", "civil-society", "civil"),
)
_CATEGORY_DRAW: Final = Weighted(CATEGORIES, (30, 25, 25, 10, 10))
_CREDIT_DRAW: Final = Weighted(
    (
        ("Image", "TUT.BY"), ("Image", "BelTA"), ("Photo", "Reuters"), ("Image", "president.gov.by"),
        ("Image", "Catholic.by"), ("Image", "Belsat"), ("Photo", "AP"), ("Image", "mil.by"),
        ("Image", "naviny.by"),
    ),
    (40, 25, 8, 8, 4, 5, 4, 3, 3),
)
"""(usual label, source) of an image credit: mostly TUT.BY and BelTA, as on the seed pages; how
the line is written is drawn in ``hazards.credit_line``."""
P_IMAGE: Final = 0.85
_STATUS_DRAW: Final = Weighted(("green", "red", None), (40, 40, 20))
_STYLES: Final[tuple[EntityStyle, ...]] = ("numeric", "hex", "named", "literal")
_STYLE_DRAW: Final = Weighted(_STYLES, (4, 1, 2, 3))
DEFECTS: Final[tuple[Defect, ...]] = ("no-date", "short-body", "no-title")
"""The kinds of defective article, given in turn to the ``defects`` chosen articles."""
REJECT_REASONS: Final[dict[Defect, str]] = {
    "no-date": "no valid publication date",
    "short-body": "body too short",
    "no-title": "no title",
}
"""A substring of the reason archiver.pipelines.reject_reasons gives for each defect."""

# Drupal pathauto's default: drop these words, punctuation, keep at most 100 characters.
_STOP_WORDS: Final = frozenset((
    "a", "an", "as", "at", "before", "but", "by", "for", "from", "is", "in", "into", "like", "of",
    "off", "on", "onto", "per", "since", "than", "the", "this", "that", "to", "up", "via", "with",
))
_SLUG_WORD: Final = re.compile(r"[a-z0-9]+")
SLUG_MAX: Final = 100


def slugify(title: str) -> str:
    """A pathauto-style slug: ASCII lowercase words, hyphen-separated; apostrophes, stop words and
    other characters dropped; at most 100 characters, cut at a hyphen."""
    text = unicodedata.normalize("NFKD", title.replace("\u2019", "").replace("'", ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = [w for w in _SLUG_WORD.findall(text) if w not in _STOP_WORDS]
    slug = "-".join(words) or "article"
    while len(slug) > SLUG_MAX:
        slug = slug.rsplit("-", 1)[0]
    return slug


class ReplicaSite:
    """An offline replica of belarusinfocus.info with ``n_articles`` articles.

    ``now`` (aware) is the site's clock: articles are spread from January 2011 to the day before
    it. ``defects`` articles, chosen by the seed, are broken in ways the archive must reject (no
    date shown, a body under 20 words, an empty title, in turn); the ground truth leaves them out
    and ``expected_rejects`` lists them. ValueError when ``n_articles`` is outside 10..20,000,
    ``defects`` outside 0..n_articles or ``now`` is unusable.
    """

    def __init__(
        self, n_articles: int, seed: int = 0, now: datetime = DEFAULT_NOW, *, defects: int = 0
    ) -> None:
        if not MIN_ARTICLES <= n_articles <= MAX_ARTICLES:
            raise ValueError(
                f"n_articles must be between {MIN_ARTICLES} and {MAX_ARTICLES}, got {n_articles}"
            )
        if not 0 <= defects <= n_articles:
            raise ValueError(f"defects must be between 0 and {n_articles}, got {defects}")
        self.n_articles = n_articles
        self.seed = seed
        self.now = now
        self.defects = defects
        self.categories = CATEGORIES
        self._lead = lru_cache(maxsize=None)(self._make_lead)
        self.articles: list[Article] = self._build(publication_times(n_articles, seed, now))
        self._by_path = {a.path: a for a in self.articles}
        self._by_category: dict[str, list[Article]] = {c.slug: [] for c in CATEGORIES}
        for article in self.articles:
            self._by_category[article.section.slug].append(article)
        self.chrome = Chrome(CATEGORIES, self.articles[:RECENT], now.year)
        self.body = lru_cache(maxsize=4096)(self._make_body)
        """``body(article)``: the article's body (cached)."""

    # -- lookups ----------------------------------------------------------------------------------
    def article(self, path: str) -> Article | None:
        """The article at ``path`` (``/economy/some-slug``), or None."""
        return self._by_path.get(path)

    def category(self, slug: str) -> Category | None:
        """The category with ``slug``, or None."""
        return next((c for c in CATEGORIES if c.slug == slug), None)

    def in_category(self, slug: str) -> list[Article]:
        """The articles of a category, newest first."""
        return self._by_category.get(slug, [])

    @property
    def recent(self) -> list[Article]:
        """The "Recent trends" entries: the newest articles of the site."""
        return self.articles[:RECENT]

    def similar(self, article: Article) -> list[Article]:
        """The 3-5 "Similar articles" of ``article``: other articles, any date, fixed per article."""
        rng = random.Random(f"replica/{self.seed}/{article.nid}/similar")
        return self._others(rng, article, rng.randint(3, 5))

    # -- pages and truth ----------------------------------------------------------------------
    def render(self, path_with_query: str, base_url: str) -> tuple[int, str, bytes]:
        """(status, Content-Type, body) of the page at ``path_with_query`` on ``base_url``."""
        return routes.render(self, path_with_query, base_url.rstrip("/"))

    def ground_truth(self, base_url: str) -> list[dict[str, Any]]:
        """What the archive should hold after a full crawl: one record per valid article, newest
        first (defective articles are left out)."""
        return truth.records(self, base_url.rstrip("/"))

    def expected_rejects(self, base_url: str) -> list[dict[str, str]]:
        """The defective articles, newest first: ``{url, reason}``, ``reason`` a substring of the
        reason the archive's validation gives (``no title``, ``body too short``, ...)."""
        base = base_url.rstrip("/")
        return [
            {"url": base + a.path, "reason": REJECT_REASONS[a.defect]}
            for a in self.articles
            if a.defect is not None
        ]

    # -- generation -----------------------------------------------------------------------------
    def _build(self, times: list[datetime]) -> list[Article]:
        rng = random.Random(f"replica/{self.seed}/meta")
        n = len(times)
        hazards = random.Random(f"replica/{self.seed}/hazards")
        title_cases = deal(hazards, n, TITLE_SHARES)
        credit_forms = deal_one(hazards, n, CREDIT_SHARES)
        broken = random.Random(f"replica/{self.seed}/defects").sample(range(n), self.defects)
        defects = {uid: DEFECTS[i % len(DEFECTS)] for i, uid in enumerate(broken)}
        proses = {c.vocabulary: Prose(rng, c.vocabulary) for c in CATEGORIES}
        used: set[str] = set()
        articles = []
        for uid, published in enumerate(times):
            section = _CATEGORY_DRAW.draw(rng)
            prose = proses[section.vocabulary]
            title = hard_title(hazards, prose.title(), title_cases[uid])
            path = _unique(f"{section.path}/{slugify(plain_title(title))}", used)
            status = _STATUS_DRAW.draw(rng)
            line, credit = None, None
            if rng.random() < P_IMAGE:
                line, credit = credit_line(hazards, *_CREDIT_DRAW.draw(rng), credit_forms[uid])
            style = _STYLE_DRAW.draw(rng)
            defect = defects.get(uid)
            articles.append(
                Article(
                    index=n - 1 - uid, nid=uid + 1, path=path, section=section,
                    title_source="" if defect == "no-title" else title, published=published,
                    trend_status=status, credit_line=line, image_credit=credit, style=style,
                    lead_factory=partial(self._lead, uid + 1, section.vocabulary), defect=defect,
                )
            )
        articles.reverse()
        return articles

    def _make_lead(self, nid: int, vocabulary: str) -> str:
        rng = random.Random(f"replica/{self.seed}/{nid}/lead")
        return Prose(rng, vocabulary).lead()

    def _make_body(self, article: Article) -> Body:
        rng = random.Random(f"replica/{self.seed}/{article.nid}/body")
        if article.defect == "short-body":
            return stub_body(rng)
        targets = self._others(rng, article, link_count(rng))
        body = compose_body(rng, Prose(rng, article.section.vocabulary), targets)
        if rng.random() < P_READ_MORE:
            body = with_read_more(rng, body, self._others(rng, article, rng.randint(1, 3)))
        return body

    def _others(self, rng: random.Random, article: Article, k: int) -> list[Article]:
        """``k`` distinct articles other than ``article``, drawn with ``rng``."""
        picks = rng.sample(range(len(self.articles) - 1), k)
        return [self.articles[j if j < article.index else j + 1] for j in picks]


def _unique(path: str, used: set[str]) -> str:
    """``path``, or with pathauto's numeric suffix (``-0``, ``-1``, ...) when already taken."""
    candidate, number = path, 0
    while candidate in used:
        candidate = f"{path}-{number}"
        number += 1
    used.add(candidate)
    return candidate
