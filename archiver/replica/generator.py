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
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache, partial
from typing import Any, Final
from urllib.parse import urlsplit

from archiver.replica import evolve, markup, redesign, routes, russian, truth, weekly
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
from archiver.replica.russian import RussianText, russian_text, transliterate
from archiver.replica.schedule import DEFAULT_NOW, DRUPAL_END, MINSK, publication_times, week, week_of
from archiver.replica.wordbank import Prose

MIN_ARTICLES: Final = 10
MAX_ARTICLES: Final = 20_000
RECENT: Final = 5
"""Entries of the "Recent trends" sidebar."""
SITEMAP_SIZE: Final = 2000
"""URLs per sitemap file (WordPress core's default)."""
LATEST: Final = 5
"""Latest weekly items linked from the Drupal home page and every Drupal page's header."""

CATEGORIES: Final = (
    Category("The ruling elite", "ruling-elite", "politics", "ruling-elite", "the-ruling-elite",
             "Кіруючы клас", "kiruyuchy-klas", "page"),
    Category("Society and political parties", "society-and-political-parties", "civil", "society-parties",
             "society-and-political-parties", "Грамадства і палітычныя партыі",
             "hramadstva-i-palitychnyya-partyi", "paged"),
    Category("Belarus-West relations", "belarus-west-relations", "international", "belarus-west",
             "belarus-west-relations", "Беларусь – Захад", "belarus-zakhad", "paged"),
    Category("Belarus-Russia relations", "belarus-russia-relations", "international", "belarus-russia",
             "belarus-russia-relations", "Беларусь – Расія", "belarus-rasiya", "page"),
    Category("Economy", "economy", "economy", "economy", "economy", "Эканоміка", "ekanomika", "paged"),
    Category("Security issues", "security-issues", "security", "security", "security-issues",
             "Бяспека", "byaspeka", "page"),
)
"""The trends, which are the site's sections in both eras: English name, Drupal slug, vocabulary,
key, current slug, Belarusian name and slug, pagination form. [evidence: the four trends' names,
``the-ruling-elite``/``ruling-elite``/``kiruyuchy-klas``, ``Кіруючы клас``, the other slugs;
guess: Economy and Security issues in the weekly era, the Belarusian names but one, which trend
paginates how]"""
_CATEGORY_DRAW: Final = Weighted(CATEGORIES, (25, 25, 20, 15, 10, 5))
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
_STATUS_DRAW: Final = Weighted(("better", "worse", None), (40, 40, 20))
"""Drupal-era statuses (shown as a green or red icon, or none)."""
_WEEKLY_STATUS_DRAW: Final = Weighted(("better", "worse", "unchanged"), (15, 30, 55))
"""Weekly-era status sentences [guess: shares; "has not changed" is the most frequent in the copies]."""
_STYLES: Final[tuple[EntityStyle, ...]] = ("numeric", "hex", "named", "literal")
_STYLE_DRAW: Final = Weighted(_STYLES, (4, 1, 2, 3))
DEFECTS: Final[tuple[Defect, ...]] = ("no-date", "short-body", "no-title")
"""The kinds of defective article, given in turn to the ``defects`` chosen articles."""
REJECT_REASONS: Final[dict[Defect, str]] = {
    "no-date": "no valid publication date or week",
    "short-body": "body too short",
    "no-title": "no title",
}
"""A substring of the reason archiver.article.reject_reasons gives for each defect."""

# Drupal pathauto's default: drop these words, punctuation, keep at most 100 characters.
_STOP_WORDS: Final = frozenset((
    "a", "an", "as", "at", "before", "but", "by", "for", "from", "is", "in", "into", "like", "of",
    "off", "on", "onto", "per", "since", "than", "the", "this", "that", "to", "up", "via", "with",
))
_SLUG_WORD: Final = re.compile(r"[a-z0-9]+")
SLUG_MAX: Final = 100


_COMBINING: Final = dict.fromkeys(range(0x300, 0x370))
"""Combining diacritical marks (what NFKD splits off accented Latin letters)."""


def _ascii_lower(title: str) -> str:
    """``title`` lower-cased, apostrophes dropped, accents stripped (fast for ASCII titles)."""
    text = title.replace("\u2019", "").replace("'", "")
    if not text.isascii():  # accents dropped; any other non-ASCII character separates words
        text = unicodedata.normalize("NFKD", text).translate(_COMBINING)
        text = text.encode("ascii", "replace").decode("ascii")
    return text.lower()


def slugify(title: str) -> str:
    """A pathauto-style slug: ASCII lowercase words, hyphen-separated; apostrophes, stop words and
    other characters dropped; at most 100 characters, cut at a hyphen."""
    words = [w for w in _SLUG_WORD.findall(_ascii_lower(title)) if w not in _STOP_WORDS]
    slug = "-".join(words) or "article"
    while len(slug) > SLUG_MAX:
        slug = slug.rsplit("-", 1)[0]
    return slug


WP_SLUG_MAX: Final = 190


def wp_slug(title: str) -> str:
    """A WordPress-style slug: the whole title, ASCII lower case, hyphen-separated (small words
    kept), at most 190 characters, cut at a hyphen. [evidence: the weekly era's long slugs]"""
    slug = "-".join(_SLUG_WORD.findall(_ascii_lower(title))) or "article"
    while len(slug) > WP_SLUG_MAX:
        slug = slug.rsplit("-", 1)[0]
    return slug


P_REPUBLISHED: Final = 0.5
"""Share of the (valid) Drupal-era articles re-published as weekly pages. [guess]"""
P_ROOT_SLUG: Final = 0.5
"""Share of those whose weekly page has a root-level slug (``/7136-2``), the others
``/<trend>/<wordpress-slug>``. [evidence: both forms; guess: the shares]"""
REPUBLISH_WEEKS: Final = 30
"""A re-published article's week lies up to this many weeks before its publication. [evidence:
April 22, 2016 -> November 16 – November 22, 2015; guess: the range]"""
P_BY_TWIN: Final = 0.25
"""Share of the weekly-era articles with a ``/by/`` twin. [guess]"""
P_AUTHOR: Final = 0.25
"""Share of the weekly-era articles with a ``By <name>`` byline. [guess]"""
AUTHORS: Final = (
    "Zmicier Kuchlej", "Dzianis Melyantsou", "Valeria Kostuygova", "Andrei Porotnikov",
    "Vadim Mojeiko",
)
"""[evidence: the first three; guess: the others]"""
_BE_CAPTIONS: Final = (
    "Аляксандр Лукашэнка на ўрачыстым сходзе, 9 траўня 2023 года.",
    "Пасяджэнне ўрада ў Мінску.",
    "Палац Незалежнасці ў Мінску.",
)
_WEEKLY_CREDIT_DRAW: Final = Weighted(
    (
        ("be-caption", "Фота: president.gov.by", "president.gov.by"),
        ("none", "Фота: postawy.by", "postawy.by"),
        ("ru-caption", "Снимок носит иллюстративный характер. Фото: TUT.BY", "TUT.BY"),
        ("none", "карикатура: deutsche welle", "deutsche welle"),
        ("none", "Photo: elements.envato.com", "elements.envato.com"),
        ("none", "photo: elements.envato.com", "elements.envato.com"),
        ("be-empty", "Фота:", None),
        ("no-image", None, None),
    ),
    (15, 10, 10, 5, 15, 15, 5, 25),
)
"""The weekly era's caption and credit lines, exactly as seen on real pages [evidence]; their
shares [guess]."""
PERIOD_ERA_SALT: Final = "eras"


def weekly_credit(rng: random.Random) -> tuple[str | None, str | None, str | None]:
    """(caption + credit line as shown, the credit's plain form, the caption) of a weekly-era
    article: (None, None, None) without an image; the credit None after an empty ``Фота:``."""
    kind, line, credit = _WEEKLY_CREDIT_DRAW.draw(rng)
    if line is None:
        return None, None, None
    if kind in ("be-caption", "be-empty"):
        caption = _BE_CAPTIONS[int(rng.random() * len(_BE_CAPTIONS))]
        return f"{caption} {line}", credit, caption
    if kind == "ru-caption":
        return line, credit, "Снимок носит иллюстративный характер."
    return line, credit, None


def drupal_caption(line: str | None, form: str | None) -> str | None:
    """The caption of a Drupal-era credit line written with one (the ``caption`` form)."""
    if line is None or form != "caption":
        return None
    return line.rsplit(" Photo: ", 1)[0]


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
        unknown_markup_share: float = 0.0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if not MIN_ARTICLES <= n_articles <= MAX_ARTICLES:
            raise ValueError(
                f"n_articles must be between {MIN_ARTICLES} and {MAX_ARTICLES}, got {n_articles}"
            )
        if not 0 <= defects <= n_articles:
            raise ValueError(f"defects must be between 0 and {n_articles}, got {defects}")
        if not 0.0 <= unknown_markup_share <= 1.0:
            raise ValueError(f"unknown_markup_share must be between 0 and 1, got {unknown_markup_share}")
        self.unknown_markup_share = unknown_markup_share
        """Share of the articles whose weekly pages are in the unknown markup (beside ``redesign_from``)."""
        self.clock = clock
        """The wall clock ``advance`` reads when no ``at`` is given (None: the site's own time
        only); the server's admin endpoint and ``serve`` pass the machine's clock."""
        self.sitemap_size = SITEMAP_SIZE
        """URLs per ``wp-sitemap-posts-*-N.xml`` (WordPress core: 2000)."""
        self._pairs: dict[str, str] = {}
        self._pro: set[str] = set()
        self.n_articles = n_articles
        """How many articles the site has now (it grows with ``advance``)."""
        self.seed = seed
        self.now = now
        """The site's clock: no article is published or edited after it (``advance`` moves it)."""
        self.defects = defects
        self.redesign: redesign.Redesign = redesign.parse_redesign(redesign_from)
        """From when weekly pages are in the unknown markup (``redesign_from``, normalised): an
        aware Minsk time, ``"all"`` or None."""
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
        """The article whose canonical path is ``path`` (``/economy/some-slug``), or None."""
        return self._by_path.get(path)

    def lookup(self, path: str) -> tuple[Article, str] | None:
        """The article served at ``path`` (no query; a trailing slash allowed) and how: ``canonical``
        (its path), ``drupal`` (its Drupal listing path, an old section slug), ``weekly`` (a
        re-published article's weekly path), ``old-slug`` (a weekly-era ruling elite article under
        ``/ruling-elite/``), ``by`` (its ``/by/`` twin); None when no article is there."""
        found = self._lookup.get(path.rstrip("/") if len(path) > 1 else path)
        if found is None:
            return None
        article, kind = found
        return self._by_nid[article.nid - 1], kind

    def category(self, slug: str) -> Category | None:
        """The category whose Drupal listing slug is ``slug``, or None."""
        return next((c for c in CATEGORIES if c.slug == slug), None)

    def trend(self, slug: str) -> Category | None:
        """The trend whose weekly-era slug (``the-ruling-elite``) is ``slug``, or None."""
        return next((c for c in CATEGORIES if c.current == slug), None)

    def in_category(self, slug: str) -> list[Article]:
        """The Drupal-era articles of a category (its Drupal listing), newest first."""
        return self._by_category.get(slug, [])

    def in_trend(self, key: str) -> list[Article]:
        """The articles with a weekly page in trend ``key``, newest week first (then newest first)."""
        return self._by_trend.get(key, [])

    @property
    def drupal_articles(self) -> list[Article]:
        """The Drupal-era articles (the Drupal home page's listing), newest first."""
        return self._drupal

    @property
    def weekly_articles(self) -> list[Article]:
        """The articles with a weekly page, newest week first."""
        return self._weekly

    @property
    def recent(self) -> list[Article]:
        """The "Recent trends" entries: the newest articles of the site."""
        return self.articles[:RECENT]

    def similar(self, article: Article) -> list[Article]:
        """The 3-5 "Similar articles" of ``article``: other articles, any date, fixed per article
        (with the titles they had when this version of ``article`` was made)."""
        rng = random.Random(f"{article.stream}/{article.nid}/similar")
        return self._others(rng, article, rng.randint(3, 5))

    def russian(self, stream: str, nid: int) -> RussianText:
        """The Russian title, lead and body of the ``/by/`` twin of article ``nid`` (of ``stream``)."""
        return russian_text(random.Random(f"{stream}/{nid}/ru"))

    def redesigned(self, article: Article | None = None) -> bool:
        """Whether ``article``'s weekly pages are in the unknown markup (None: always False, the
        listings and other pages keep their templates)."""
        return article is not None and article.weekly and article.unknown

    def samples(self) -> dict[str, str]:
        """One path per kind of page the site has (for saved pages and golden tests): ``drupal``,
        ``drupal-alias`` (the Drupal listing path of a ruling elite article), ``weekly``,
        ``weekly-byline``, ``weekly-unknown``, ``republished`` (its weekly page), ``root-slug``,
        ``by``, ``listing-page`` (``/page/2/``), ``listing-paged`` (``?paged=2``), ``home``,
        ``feed``, ``sitemap-index``, ``sitemap-posts``; kinds the site lacks are left out."""
        found: dict[str, str] = {"home": "/", "feed": "/feed/", "sitemap-index": "/wp-sitemap.xml",
                                 "sitemap-posts": "/wp-sitemap-posts-post-1.xml"}
        for a in self.articles:
            if a.defect is not None:
                continue
            kinds = {
                "drupal": a.path if a.era == "drupal" else None,
                "drupal-alias": a.drupal_path if a.era == "drupal" and a.drupal_path != a.path else None,
                "weekly": a.path if a.era == "weekly" and not a.unknown else None,
                "weekly-byline": a.path if a.era == "weekly" and a.author and not a.unknown else None,
                "weekly-unknown": a.page_path if a.weekly and a.unknown else None,
                "republished": a.weekly_path if a.weekly_path and a.weekly_path.count("/") == 2 else None,
                "root-slug": a.weekly_path if a.weekly_path and a.weekly_path.count("/") == 1 else None,
                "by": a.by_path,
            }
            for kind, path in kinds.items():
                if path and kind not in found:
                    found[kind] = path
        for trend in CATEGORIES:
            if len(self.in_trend(trend.key)) > weekly.PAGE_SIZE:
                kind = "listing-page" if trend.paging == "page" else "listing-paged"
                found.setdefault(kind, f"{trend.listing}page/2/" if trend.paging == "page"
                                 else f"{trend.listing}?paged=2")
        return found

    # -- hosts ----------------------------------------------------------------------------------
    def pair(self, info_base: str, pro_base: str) -> None:
        """Say that ``info_base`` and ``pro_base`` (``http://127.0.0.1:PORT``) serve this site as
        the .info and .pro stand-ins: pages on one link the other across hosts, and pages served
        on ``pro_base`` are the .pro host's. ``ReplicaServer`` calls it on start."""
        with self._lock:
            info, pro = info_base.rstrip("/"), pro_base.rstrip("/")
            self._pairs[info], self._pairs[pro] = pro, info
            self._pro.add(pro)

    def role(self, base_url: str) -> str:
        """``pro`` when ``base_url`` was paired as the .pro stand-in, else ``info``."""
        return "pro" if base_url.rstrip("/") in self._pro else "info"

    def partner(self, base_url: str) -> str | None:
        """The other host's base URL paired with ``base_url``, or None."""
        return self._pairs.get(base_url.rstrip("/"))

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
        role: str | None = None,
    ) -> routes.Reply:
        """The response to a GET of ``path_with_query`` with these conditional headers: a
        ``routes.Reply`` (status, Content-Type, body, ETag, Last-Modified); ``304`` with an empty
        body when the page has not changed (see routes.not_modified)."""
        with self._lock:
            reply = routes.respond(self, path_with_query, base_url.rstrip("/"), role)
        if routes.not_modified(reply, if_none_match, if_modified_since):
            return reply._replace(status=routes.NOT_MODIFIED, body=b"")
        return reply

    def ground_truth(self, base_url: str, pro_base_url: str | None = None) -> list[dict[str, Any]]:
        """What the archive should hold after a full crawl: one record per valid article and per
        ``/by/`` twin, newest first (defective articles are left out), as the pages show them now,
        with canonical URLs on ``base_url`` (the .info stand-in). ``urls`` lists the URLs of both
        hosts when ``pro_base_url`` is given or was paired with ``base_url``."""
        with self._lock:
            base = base_url.rstrip("/")
            pro = pro_base_url.rstrip("/") if pro_base_url else self.partner(base)
            return truth.records(self, base, pro)

    def ground_truth_hosts(self, info_base_url: str, pro_base_url: str) -> list[dict[str, Any]]:
        """``ground_truth`` with the URLs of both hosts (``info_base_url`` the primary)."""
        return self.ground_truth(info_base_url, pro_base_url)

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
            if at is None:
                at = evolve.default_at(self.now, new)
                if self.clock is not None:  # a served site: its edits are dated by the wall clock
                    at = max(at, self.clock().astimezone(MINSK).replace(second=0, microsecond=0))
            at = evolve.normalise_at(at, self.now, new)
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
        eras = random.Random(f"replica/{self.seed}/{PERIOD_ERA_SALT}")
        stream = f"replica/{self.seed}"
        articles = []
        for uid, published in enumerate(times):
            section = _CATEGORY_DRAW.draw(rng)
            prose = proses[section.vocabulary]
            title = hard_title(hazards, prose.title(), title_cases[uid])
            status = _STATUS_DRAW.draw(rng)
            line, credit = None, None
            form = credit_forms[uid]
            if rng.random() < P_IMAGE:
                line, credit = credit_line(hazards, *_CREDIT_DRAW.draw(rng), form)
            style = _STYLE_DRAW.draw(rng)
            defect = defects.get(uid)
            fields: dict[str, Any] = {
                "index": n - 1 - uid, "nid": uid + 1, "path": "", "section": section,
                "title_source": "" if defect == "no-title" else title, "published": published,
                "trend_status": status, "credit_line": line, "image_credit": credit, "style": style,
                "lead_factory": partial(self._lead, stream, uid + 1, section.vocabulary),
                "defect": defect, "population": n, "stream": stream,
                "image_caption": drupal_caption(line, form),
            }
            articles.append(Article(**self._era(eras, fields, title)))
        articles.reverse()
        return articles

    def _era(self, rng: random.Random, fields: dict[str, Any], title: str) -> dict[str, Any]:
        """An article's ``fields`` placed in its era: its path, and for a weekly page its week,
        status, credit, byline, ``/by/`` twin and markup (drawn with ``rng``); a Drupal-era one
        maybe re-published."""
        section: Category = fields["section"]
        published: datetime = fields["published"]
        plain, valid = plain_title(title), fields.get("defect") is None
        unknown = rng.random() < self.unknown_markup_share or redesign.redesigned(self.redesign, published)
        if published < DRUPAL_END:
            fields["path"] = _unique(f"/{section.current}/{slugify(plain)}", self._used)
            republished = rng.random() < P_REPUBLISHED and valid
            root = rng.random() < P_ROOT_SLUG
            weeks_back = rng.randint(0, REPUBLISH_WEEKS)
            if not republished:
                return fields
            if root:
                fields["weekly_path"] = _unique(f"/{fields['nid'] + 5000}-2", self._used)
            else:
                fields["weekly_path"] = _unique(f"/{section.current}/{wp_slug(plain)}", self._used)
            fields["period"] = week_of(published.date() - timedelta(weeks=weeks_back))
            fields["unknown"] = unknown
            return fields
        fields["path"] = _unique(f"/{section.current}/{wp_slug(plain)}", self._used)
        fields["era"], fields["unknown"] = "weekly", unknown
        fields["trend_status"] = _WEEKLY_STATUS_DRAW.draw(rng)
        fields["credit_line"], fields["image_credit"], fields["image_caption"] = weekly_credit(rng)
        fields["author"] = AUTHORS[int(rng.random() * len(AUTHORS))] if rng.random() < P_AUTHOR else None
        if rng.random() < P_BY_TWIN and valid:
            slug = transliterate(self.russian(fields["stream"], fields["nid"]).title)
            fields["by_slug"] = _unique(f"/by/{section.be_slug}/{slug}", self._used).rsplit("/", 1)[1]
        if fields.get("defect") != "no-date":
            fields["period"] = week_of(published.date() - timedelta(days=7))
        return fields

    def _publish(  # noqa: PLR0917 (private; one call)
        self, rng: random.Random, stream: str, nid: int, published: datetime, population: int, step: int
    ) -> Article:
        """A new valid article (``advance``): drawn like the others, its hard cases drawn with their
        shares as probabilities; a weekly-era one once ``now`` is past the switch."""
        section = _CATEGORY_DRAW.draw(rng)
        prose = Prose(rng, section.vocabulary)
        title = hard_title(rng, prose.title(), evolve.draw_cases(rng, TITLE_SHARES))
        status = _STATUS_DRAW.draw(rng)
        line, credit = None, None
        form = None
        if rng.random() < P_IMAGE:
            form = evolve.draw_form(rng, CREDIT_SHARES)
            line, credit = credit_line(rng, *_CREDIT_DRAW.draw(rng), form)
        fields: dict[str, Any] = {
            "index": 0, "nid": nid, "path": "", "section": section, "title_source": title,
            "published": published.astimezone(MINSK), "trend_status": status, "credit_line": line,
            "image_credit": credit, "style": _STYLE_DRAW.draw(rng),
            "lead_factory": partial(self._lead, stream, nid, section.vocabulary),
            "population": population, "stream": stream, "step": step,
            "image_caption": drupal_caption(line, form),
        }
        return Article(**self._era(random.Random(f"{stream}/{nid}/era"), fields, title))

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
        """The lookups by path, nid, category and trend, and the page chrome, from ``self.articles``."""
        self._by_path = {a.path: a for a in self.articles}
        self._by_nid = sorted(self.articles, key=lambda a: a.nid)
        self._by_category: dict[str, list[Article]] = {c.slug: [] for c in CATEGORIES}
        self._lookup: dict[str, tuple[Article, str]] = {}
        for article in self.articles:
            self._lookup[article.path] = (article, "canonical")
            if article.era == "drupal":
                self._by_category[article.section.slug].append(article)
                if article.drupal_path != article.path:
                    self._lookup[article.drupal_path] = (article, "drupal")
            elif article.section.slug != article.section.current:
                self._lookup[f"/{article.section.slug}/{article.slug}"] = (article, "old-slug")
            if article.weekly_path:
                self._lookup[article.weekly_path] = (article, "weekly")
            if article.by_path:
                self._lookup[article.by_path] = (article, "by")
        self._drupal = [a for a in self.articles if a.era == "drupal"]
        self._weekly = sorted(
            (a for a in self.articles if a.weekly),
            key=lambda a: (a.period or week_of(a.published.date()), a.nid), reverse=True,
        )
        self._by_trend: dict[str, list[Article]] = {c.key: [] for c in CATEGORIES}
        for article in self._weekly:
            self._by_trend[article.section.key].append(article)
        latest = [a for a in self.articles if a.era == "weekly"][:LATEST]
        links = [(c.listing, c.name) for c in CATEGORIES]
        links += [(a.path + "/", a.title) for a in latest]
        self.chrome = Chrome(CATEGORIES, self.articles[:RECENT], self.now.year, links)
        newest = next((a.period for a in self._weekly if a.period), None)
        self.weekly_chrome = weekly.Chrome(
            [(c.listing, c.name) for c in CATEGORIES], week(*newest, year=False) if newest else "",
            "/analytics/",
        )
        """The chrome of the weekly pages in English."""
        self.be_chrome = weekly.Chrome(
            [(c.listing, c.be_name) for c in CATEGORIES],
            russian.be_week(*newest, year=False) if newest else "", "/analytics/",
        )
        """The chrome of the ``/by/`` pages (Belarusian)."""

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
        """The ETag of the page at its canonical path: a Drupal page's is a hash of
        ``markup.article_main`` (host left out), a weekly page's of ``weekly_key``."""
        if article.era == "weekly":
            return routes.strong_etag(weekly_key(article, "en").encode("utf-8"))
        main = markup.article_main(article, self.body(article), self.similar(article), "")
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


def weekly_key(article: Article, lang: str) -> str:
    """What a weekly page's ETag hashes: the article's version and how it is shown (its content
    changes only with an edit; the sidebar's week and the menu are left out)."""
    return (
        f"weekly/{lang}/{article.unknown}/{article.nid}/{article.revision}/{article.step}/"
        f"{article.title_source}/{article.trend_status}/{article.period}"
    )


def _unique(path: str, used: set[str]) -> str:
    """``path``, or with pathauto's numeric suffix (``-0``, ``-1``, ...) when already taken."""
    candidate, number = path, 0
    while candidate in used:
        candidate = f"{path}-{number}"
        number += 1
    used.add(candidate)
    return candidate
