"""The replica's content model: categories, articles, body blocks, and their plain text.

Text fields hold plain Unicode *as the editor typed it* (``*_source``: may contain NBSP, soft
hyphens, zero-width characters, decomposed accents, runs of spaces); the plain text of the
archive's text contract (docs/architecture.md) is derived here by simple code of its own
(``plain``, ``plain_title``), never by parsing HTML or calling archiver.normalise, so that the
ground truth checks the crawler independently of the markup and of the normalisers.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final, Literal

from archiver.replica.schedule import iso_local, iso_utc, shown

IMAGE_DIR: Final = "/sites/default/files/styles/large/public/"

EntityStyle = Literal["numeric", "hex", "named", "literal"]
"""How an article's HTML writes typographic characters: ``&#8217;``, ``&#x2019;``, ``&rsquo;`` or
as is."""
Defect = Literal["no-date", "short-body", "no-title"]
Era = Literal["drupal", "weekly"]
"""``drupal``: published before the switch (a Drupal page on .info, maybe re-published as a
weekly page: ``weekly_path``); ``weekly``: a weekly page only, on both hosts."""
"""How a defective article is broken: no date shown, a body under 20 words, an empty title."""

INVISIBLE: Final = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
"""Zero-width space, non-joiner and joiner, word joiner, BOM, soft hyphen: typed inside words,
never part of the plain text."""
_DROP_INVISIBLE: Final = {ord(char): None for char in INVISIBLE}


def collapse(text: str) -> str:
    """Whitespace (NBSP included) collapsed to single spaces, stripped."""
    return " ".join(text.split())


def _visible(text: str) -> str:
    """``text`` without invisible characters (fast when it has none)."""
    if any(char in text for char in INVISIBLE):
        return text.translate(_DROP_INVISIBLE)
    return text


def plain(text: str) -> str:
    """Invisible characters removed, then whitespace collapsed."""
    return collapse(_visible(text))


def plain_title(text: str) -> str:
    """A title as typed -> its plain form: no invisible characters, Unicode NFC, single spaces."""
    return collapse(unicodedata.normalize("NFC", _visible(text)))


@dataclass(frozen=True, slots=True)
class Category:
    """A trend (the site's sections are its trends): English display name, the slug of its Drupal
    listing and Drupal-era article paths, the word-bank vocabulary it uses, and its weekly-era
    identity: ``key`` (one per trend across languages and slugs), ``current`` (the slug of its
    article paths and ``/analytics/<current>/`` listing), Belarusian name and slug (``/by/``),
    and how its listing paginates (``page``: ``/page/N/``; ``paged``: ``?paged=N``)."""

    name: str
    slug: str
    vocabulary: str
    key: str = ""
    current: str = ""
    be_name: str = ""
    be_slug: str = ""
    paging: Literal["page", "paged"] = "page"

    @property
    def path(self) -> str:
        """``/economy``: the Drupal listing."""
        return f"/{self.slug}"

    @property
    def listing(self) -> str:
        """``/analytics/the-ruling-elite/``: the weekly-era listing."""
        return f"/analytics/{self.current}/"


EditKind = Literal["append", "rewrite"]


@dataclass(frozen=True, slots=True)
class Edit:
    """An edit to an article's body: a paragraph of ``text`` appended (inserted at block ``block``,
    the end of the body) or put in place of the plain paragraph at block ``block``."""

    kind: EditKind
    block: int
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """One article's metadata; its body is generated on demand (ReplicaSite.body)."""

    index: int
    """Position in the site, newest first (0 is the newest)."""
    nid: int
    """Drupal-like node id: 1 is the oldest article."""
    path: str
    """``/<category-slug>/<article-slug>``."""
    section: Category
    """The article's category (``category`` is its display name)."""
    title_source: str
    """The title as typed: may hold NBSP, invisible characters, decomposed accents, double spaces,
    ``&`` and ``"``; ``title`` is its plain form."""
    published: datetime
    """Aware, Europe/Minsk."""
    trend_status: str | None
    """``better``, ``worse``, ``unchanged`` (weekly pages only) or None (no status shown). A Drupal
    page shows better as a green icon (and sometimes ``- (The situation has improved)``), worse as
    a red one."""
    credit_line: str | None
    """The credit as shown (``Image: TUT.BY``, ``Lukashenka in Minsk. Photo: BelTA``), or None
    when the article has no image."""
    image_credit: str | None
    """The credit's plain form: its sources without the label, ``; ``-joined (``Reuters; AFP``);
    None when the article has no image."""
    style: EntityStyle
    lead_factory: Callable[[], str] = field(compare=False, repr=False)
    """Makes the lead as typed (leads are generated on first use; see ``lead_source``)."""
    defect: Defect | None = None
    """How the article is broken (the archive must reject it), or None for a valid article."""
    population: int = 0
    """The articles (nids 1..population) its similar entries and body links are drawn from: the
    site as it was when the article was published, so that later articles never move them."""
    stream: str = ""
    """The prefix of its random streams (``replica/<seed>``; ``replica/<seed>/advance/<key>`` for
    an article published by ``ReplicaSite.advance``)."""
    step: int = 0
    """The ``advance`` step that made this version (0: the site as built); the titles of the other
    articles it shows (similar entries, a "Read more" box) are theirs as of that step."""
    modified: datetime | None = None
    """When this version was saved, if edited after publication (``last_modified`` says when)."""
    edits: tuple[Edit, ...] = ()
    """The edits made to its body since publication, oldest first."""
    era: Era = "drupal"
    """Which era it was published in (see ``Era``)."""
    weekly_path: str | None = None
    """A Drupal-era article re-published as a weekly page: that page's path (``/7136-2`` or
    ``/<trend>/<wordpress-slug>``); None when not re-published or a weekly-era article."""
    period: tuple[date, date] | None = None
    """The week (Monday, Sunday) its weekly page shows; None when it has none."""
    author: str | None = None
    """The byline's name (weekly pages only), or None."""
    image_caption: str | None = None
    """The caption before the credit, as typed (plain), or None."""
    by_slug: str | None = None
    """The slug of its ``/by/`` twin (Russian text, Belarusian chrome), or None."""
    unknown: bool = False
    """Its weekly pages are in the markup the page object has never seen."""

    @property
    def lead_source(self) -> str:
        """The lead as typed (may hold NBSP); ``lead`` is its plain form."""
        return self.lead_factory()

    @property
    def title(self) -> str:
        """The plain title: no invisible characters, NFC, NBSP as a space, single spaces."""
        return plain_title(self.title_source)

    @property
    def lead(self) -> str:
        """The plain lead."""
        return collapse(self.lead_source)

    @property
    def category(self) -> str:
        """The category's display name (``Economy``)."""
        return self.section.name

    @property
    def weekly(self) -> bool:
        """Whether it has a weekly page (a weekly-era article, or a re-published Drupal one)."""
        return self.era == "weekly" or self.weekly_path is not None

    @property
    def page_path(self) -> str:
        """The path of its weekly page (``path`` for a weekly-era article)."""
        return self.weekly_path or self.path

    @property
    def drupal_path(self) -> str:
        """Where the Drupal site listed it: under the trend's Drupal slug (``/ruling-elite/x``)."""
        return f"{self.section.path}/{self.slug}"

    @property
    def by_path(self) -> str | None:
        """``/by/<be-trend-slug>/<slug>``: its ``/by/`` twin, or None."""
        return f"/by/{self.section.be_slug}/{self.by_slug}" if self.by_slug else None

    @property
    def slug(self) -> str:
        """The last segment of the path."""
        return self.path.rsplit("/", 1)[1]

    @property
    def image_path(self) -> str | None:
        """``/sites/default/files/styles/large/public/<slug>.jpg`` (a weekly-era article:
        ``/wp-content/uploads/YYYY/MM/<slug>.jpg``), or None without an image."""
        if not self.credit_line:
            return None
        name = f"{self.slug[:60].rstrip('-')}.jpg"
        if self.era == "weekly":
            return f"/wp-content/uploads/{self.published.year}/{self.published.month:02d}/{name}"
        return IMAGE_DIR + name

    @property
    def published_raw(self) -> str:
        """``November 07, 2016 10:41``."""
        return shown(self.published)

    @property
    def published_at(self) -> str:
        """``2016-11-07T07:41:00Z``."""
        return iso_utc(self.published)

    @property
    def published_local(self) -> str:
        """``2016-11-07T10:41:00+03:00``."""
        return iso_local(self.published)

    @property
    def last_modified(self) -> datetime:
        """When the article last changed: its last edit, or its publication (aware)."""
        return self.modified or self.published

    @property
    def revision(self) -> int:
        """1 as published, 2 after the first edit, ..."""
        return len(self.edits) + 1


InlineKind = Literal["text", "em", "strong", "link", "br"]
BlockKind = Literal[
    "p", "h2", "h3", "ul", "ol", "quote",
    "lead", "comment", "script", "style", "noscript", "empty", "read-more",
]
TEXT_BLOCKS: Final = frozenset({"p", "h2", "h3", "ul", "ol", "quote"})
"""Block kinds that are article text; the others are markup noise (a repeated lead, an HTML
comment, a script, a style sheet, a noscript, an empty paragraph, a "Read more" box) that the
archive's body must not contain."""


@dataclass(frozen=True, slots=True)
class Inline:
    """A run of text within a block: plain text, emphasis, a link (``href`` a site path), a break."""

    text: str
    kind: InlineKind = "text"
    href: str = ""


@dataclass(frozen=True, slots=True)
class Block:
    """A block of the body: a paragraph-like block of inlines, a heading, a list, or noise.

    ``items`` holds a heading's text, a list's items or a comment's text; ``inlines`` the runs of
    a paragraph or the links of a "Read more" box.
    """

    kind: BlockKind
    inlines: tuple[Inline, ...] = ()
    items: tuple[str, ...] = ()

    def text(self) -> str:
        """The block's plain text per the contract ("" for noise blocks)."""
        if self.kind not in TEXT_BLOCKS:
            return ""
        if self.kind in ("ul", "ol"):
            return "\n".join(f"- {plain(item)}" for item in self.items)
        if self.kind in ("h2", "h3"):
            return plain(self.items[0])
        joined = "".join("\n" if run.kind == "br" else run.text for run in self.inlines)
        return "\n".join(line for line in map(plain, joined.split("\n")) if line)


@dataclass(frozen=True, slots=True)
class Body:
    """An article body: its blocks in page order."""

    blocks: tuple[Block, ...]

    def text(self) -> str:
        """The body's plain text: blocks joined by a blank line, noise left out."""
        return "\n\n".join(t for t in (block.text() for block in self.blocks) if t)

    def links(self) -> list[Inline]:
        """The links in the body's text, in page order (not those of a "Read more" box)."""
        return [
            run
            for block in self.blocks
            if block.kind in TEXT_BLOCKS
            for run in block.inlines
            if run.kind == "link"
        ]
