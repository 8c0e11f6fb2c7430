"""The replica site: deterministic articles from (n, seed, now), pages rendered on request.

Metadata (dates, titles, categories, credits, paths) is built eagerly; leads, bodies and pages
are generated when first asked for, each from its own seeded random stream, so the same
``(n_articles, seed, now)`` always gives byte-identical pages. ``advance`` lets time pass
(new articles, edits: see evolve.py); ``fail`` makes paths answer with an error status.
"""

from __future__ import annotations

import dataclasses
import random
import re
import threading
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache, partial
from typing import Any, Final
from urllib.parse import urlsplit

from archiver.replica import evolve, markup, redesign, routes, truth
from archiver.replica.compose import P_READ_MORE, compose_body, link_count, stub_body, with_read_more
from archiver.replica.content import Article, Body, Category, Defect, EntityStyle, plain_title
from archiver.replica.evolve import Change
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
from archiver.replica.schedule import DEFAULT_NOW, MINSK, publication_times
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
    ``defects`` outside 0..n_articles or ``now`` (or ``redesign_from``) is unusable.

    ``redesign_from`` (a date: 00:00 Minsk time; an aware datetime; ``"all"``; None: never) is
    when the site switched to its second template (redesign.py): an article published then or
    later is shown in it, and so are the listings and other pages once ``now`` has reached it;
    with ``"all"`` every page. The ground truth does not depend on it.

    Time passes with ``advance`` (new articles, edits; ``now`` moves on); ``fail``/``heal`` make
    paths answer with an error. Both may be called while a server serves the site: every method
    that reads or changes the site's state holds one lock.
    """

    def __init__(
        self,
        n_articles: int,
        seed: int = 0,
        now: datetime = DEFAULT_NOW,
        *,
        defects: int = 0,
        redesign_from: date | datetime | str | None = None,
    ) -> None:
        if not MIN_ARTICLES <= n_articles <= MAX_ARTICLES:
            raise ValueError(
                f"n_articles must be between {MIN_ARTICLES} and {MAX_ARTICLES}, got {n_articles}"
            )
        if not 0 <= defects <= n_articles:
            raise ValueError(f"defects must be between 0 and {n_articles}, got {defects}")
        self.n_articles = n_articles
        """How many articles the site has now (it grows with ``advance``)."""
        self.seed = seed
        self.now = now
        """The site's clock: no article is published or edited after it (``advance`` moves it)."""
        self.defects = defects
        self.redesign: redesign.Redesign = redesign.parse_redesign(redesign_from)
        """When the site switched to its second template (``redesign_from``, normalised): an aware
        Minsk time, ``"all"`` or None."""
        self.categories = CATEGORIES
        self.steps = 0
        """How many times ``advance`` was called."""
        self._lock = threading.RLock()
        self._failing: dict[str, int] = {}
        self._history: dict[int, list[Article]] = {}
        self._lead = lru_cache(maxsize=None)(self._make_lead)
        self._used: set[str] = set()
        self.articles: list[Article] = self._build(publication_times(n_articles, seed, now))
        self.changed: datetime = self.articles[0].published
        """The site's last change (the newest publication; ``at`` after an ``advance``): the
        ``Last-Modified`` of its listings, feed, sitemap and other pages."""
        self._index()
        self.body = lru_cache(maxsize=4096)(self._make_body)
        """``body(article)``: the article's body (cached)."""
        self.etag = lru_cache(maxsize=8192)(self._make_etag)
        """``etag(article)``: the strong ETag of the article's content (cached)."""

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
        """The 3-5 "Similar articles" of ``article``: other articles, any date, fixed per article
        (with the titles they had when this version of ``article`` was made)."""
        rng = random.Random(f"{article.stream}/{article.nid}/similar")
        return self._others(rng, article, rng.randint(3, 5))

    def redesigned(self, article: Article | None = None) -> bool:
        """Whether ``article`` (published on or after ``redesign_from``), or with None the site's
        listings and other pages (``now`` on or after it), are shown in the second template."""
        return redesign.redesigned(self.redesign, self.now if article is None else article.published)

    # -- pages and truth ----------------------------------------------------------------------
    def render(self, path_with_query: str, base_url: str) -> tuple[int, str, bytes]:
        """(status, Content-Type, body) of the page at ``path_with_query`` on ``base_url``: what
        the server sends to an unconditional GET (failing paths included)."""
        reply = self.respond(path_with_query, base_url)
        return reply.status, reply.content_type, reply.body

    def respond(
        self,
        path_with_query: str,
        base_url: str,
        *,
        if_none_match: str | None = None,
        if_modified_since: str | None = None,
    ) -> routes.Reply:
        """The response to a GET of ``path_with_query`` with these conditional headers: a
        ``routes.Reply`` (status, Content-Type, body, ETag, Last-Modified); ``304`` with an empty
        body when the page has not changed (see routes.not_modified)."""
        with self._lock:
            reply = routes.respond(self, path_with_query, base_url.rstrip("/"))
        if routes.not_modified(reply, if_none_match, if_modified_since):
            return reply._replace(status=routes.NOT_MODIFIED, body=b"")
        return reply

    def ground_truth(self, base_url: str) -> list[dict[str, Any]]:
        """What the archive should hold after a full crawl: one record per valid article, newest
        first (defective articles are left out), as the pages show them now."""
        with self._lock:
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

    # -- time passes --------------------------------------------------------------------------
    def advance(
        self, new: int, edited: int, *, at: datetime | None = None, seed: int | None = None
    ) -> Change:
        """Publish ``new`` articles and edit ``edited`` older ones; ``at`` becomes the site's ``now``.

        The new articles are published after every existing one, in ``(now, at]`` (whole minutes,
        the newest at ``at``, the others 3 hours apart before it, or closer when ``(now, at]`` is
        shorter); ``at`` defaults to 3 hours after ``now`` per new article. The edited ones
        are chosen (with ``seed``) among the valid articles that existed before; an edit rewrites
        or appends a paragraph and sometimes changes the title (the path stays), and the edited
        article's ``last_modified`` becomes ``at``. Nothing else of any other article changes: not
        its date, title, credit, lead, body or similar entries. The same site, arguments and
        ``seed`` give the same change; ``seed=None`` draws from the step number (1, 2, ...).
        ValueError for negative counts, more than 20,000 articles, more edits than valid older
        articles, or an ``at`` that is naive, not after ``now`` or too close to it.
        """
        if new < 0 or edited < 0:
            raise ValueError(f"new and edited must be >= 0, got {new} and {edited}")
        with self._lock:
            if len(self.articles) + new > MAX_ARTICLES:
                raise ValueError(f"the site can hold at most {MAX_ARTICLES} articles")
            editable = sorted((a for a in self.articles if a.defect is None), key=lambda a: a.nid)
            if edited > len(editable):
                raise ValueError(f"edited must be at most {len(editable)} (valid articles), got {edited}")
            at = evolve.normalise_at(at or evolve.default_at(self.now, new), self.now, new)
            step = self.steps + 1
            key = f"{self.seed}/advance/" + (f"{step}" if seed is None else f"seed-{seed}")
            rng = random.Random(f"replica/{key}")
            chosen = rng.sample(editable, edited)
            times = evolve.new_times(self.now, at, new)
            population = len(self.articles) + new
            fresh = [
                self._publish(rng, f"replica/{key}", len(self.articles) + 1 + i, when, population, step)
                for i, when in enumerate(times)
            ]
            self.steps = step
            self._by_nid.extend(fresh)  # so that bodies of the edited may link to the new
            edits = {a.nid: self._edit(random.Random(f"replica/{key}/{a.nid}/edit"), a, at, step)
                     for a in chosen}
            fresh.reverse()
            articles = fresh + [edits.get(a.nid, a) for a in self.articles]
            self.articles = [dataclasses.replace(a, index=i) for i, a in enumerate(articles)]
            self.n_articles = len(self.articles)
            self.now = self.changed = at
            self._index()
            return Change(
                new=tuple(a.path for a in fresh),
                edited=tuple(a.path for a in self.articles if a.nid in edits),
                at=at,
            )

    def fail(self, paths: Iterable[str], status: int = 503) -> None:
        """Answer ``paths`` (site paths, with or without a query) with ``status`` and an error page,
        conditional or not, until ``heal``. ValueError unless ``status`` is 400..599."""
        if not 400 <= status <= 599:
            raise ValueError(f"status must be an HTTP error (400..599), got {status}")
        with self._lock:
            self._failing.update(dict.fromkeys(paths, status))

    def heal(self, paths: Iterable[str] | None = None) -> None:
        """Serve ``paths`` (default: every failing path) normally again."""
        with self._lock:
            if paths is None:
                self._failing.clear()
            for path in paths or ():
                self._failing.pop(path, None)

    def failing_status(self, path_with_query: str) -> int | None:
        """The status ``fail`` set for this path (or this path and query), or None."""
        if not self._failing:
            return None
        with self._lock:
            found = self._failing.get(path_with_query)
            return found if found is not None else self._failing.get(urlsplit(path_with_query).path)

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
        stream = f"replica/{self.seed}"
        articles = []
        for uid, published in enumerate(times):
            section = _CATEGORY_DRAW.draw(rng)
            prose = proses[section.vocabulary]
            title = hard_title(hazards, prose.title(), title_cases[uid])
            path = _unique(f"{section.path}/{slugify(plain_title(title))}", self._used)
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
                    lead_factory=partial(self._lead, stream, uid + 1, section.vocabulary),
                    defect=defect, population=n, stream=stream,
                )
            )
        articles.reverse()
        return articles

    def _publish(  # noqa: PLR0917 (private; one call)
        self, rng: random.Random, stream: str, nid: int, published: datetime, population: int, step: int
    ) -> Article:
        """A new valid article (``advance``): drawn like the others, its hard cases drawn with their
        shares as probabilities."""
        section = _CATEGORY_DRAW.draw(rng)
        prose = Prose(rng, section.vocabulary)
        title = hard_title(rng, prose.title(), evolve.draw_cases(rng, TITLE_SHARES))
        path = _unique(f"{section.path}/{slugify(plain_title(title))}", self._used)
        status = _STATUS_DRAW.draw(rng)
        line, credit = None, None
        if rng.random() < P_IMAGE:
            form = evolve.draw_form(rng, CREDIT_SHARES)
            line, credit = credit_line(rng, *_CREDIT_DRAW.draw(rng), form)
        return Article(
            index=0, nid=nid, path=path, section=section, title_source=title,
            published=published.astimezone(MINSK), trend_status=status, credit_line=line,
            image_credit=credit, style=_STYLE_DRAW.draw(rng),
            lead_factory=partial(self._lead, stream, nid, section.vocabulary),
            population=population, stream=stream, step=step,
        )

    def _edit(self, rng: random.Random, article: Article, at: datetime, step: int) -> Article:
        """The next version of ``article``: its body edited (and maybe its title), saved at ``at``."""
        prose = Prose(rng, article.section.vocabulary)
        edit = evolve.make_edit(rng, self.body(article), prose)
        title = article.title_source
        if rng.random() < evolve.P_TITLE_EDIT:
            title = evolve.new_title(prose, plain_title(title))
        version = dataclasses.replace(
            article, title_source=title, modified=at, step=step, edits=(*article.edits, edit)
        )
        self._history.setdefault(article.nid, [article]).append(version)
        self._by_nid[article.nid - 1] = version
        return version

    def _index(self) -> None:
        """The lookups by path, nid and category, and the page chrome, from ``self.articles``."""
        self._by_path = {a.path: a for a in self.articles}
        self._by_nid = sorted(self.articles, key=lambda a: a.nid)
        self._by_category: dict[str, list[Article]] = {c.slug: [] for c in CATEGORIES}
        for article in self.articles:
            self._by_category[article.section.slug].append(article)
        self.chrome = Chrome(CATEGORIES, self.articles[:RECENT], self.now.year)

    def _make_lead(self, stream: str, nid: int, vocabulary: str) -> str:
        rng = random.Random(f"{stream}/{nid}/lead")
        return Prose(rng, vocabulary).lead()

    def _make_body(self, article: Article) -> Body:
        rng = random.Random(f"{article.stream}/{article.nid}/body")
        if article.defect == "short-body":
            return stub_body(rng)
        targets = self._others(rng, article, link_count(rng))
        body = compose_body(rng, Prose(rng, article.section.vocabulary), targets)
        if rng.random() < P_READ_MORE:
            body = with_read_more(rng, body, self._others(rng, article, rng.randint(1, 3)))
        return evolve.apply_edits(body, article.edits)

    def _make_etag(self, article: Article) -> str:
        template = redesign if self.redesigned(article) else markup
        main = template.article_main(article, self.body(article), self.similar(article), "")
        return routes.strong_etag(main.encode("utf-8"))

    def _others(self, rng: random.Random, article: Article, k: int) -> list[Article]:
        """``k`` distinct articles other than ``article``, drawn with ``rng`` among the site as it
        was when ``article`` was published (``population``), as they were at its ``step``."""
        size = article.population
        own = size - article.nid  # its place among them, newest first
        picks = rng.sample(range(size - 1), k)
        return [self._as_of(size - (j if j < own else j + 1), article.step) for j in picks]

    def _as_of(self, nid: int, step: int) -> Article:
        """The version of article ``nid`` that was current after ``advance`` step ``step``."""
        current = self._by_nid[nid - 1]
        if current.step <= step:
            return current
        return next(v for v in reversed(self._history[nid]) if v.step <= step)


def _unique(path: str, used: set[str]) -> str:
    """``path``, or with pathauto's numeric suffix (``-0``, ``-1``, ...) when already taken."""
    candidate, number = path, 0
    while candidate in used:
        candidate = f"{path}-{number}"
        number += 1
    used.add(candidate)
    return candidate
