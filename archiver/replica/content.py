"""The replica's content model: categories, articles, body blocks, and their plain text.

Text fields hold plain Unicode *as the editor typed it* (``*_source``: may contain NBSP); the
plain text of the archive's text contract (docs/architecture.md) is derived here, never by
parsing HTML, so that the ground truth checks the crawler independently of the markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, Literal

from archiver.replica.schedule import iso_local, iso_utc, shown

IMAGE_DIR: Final = "/sites/default/files/styles/large/public/"

EntityStyle = Literal["numeric", "named", "literal"]
"""How an article's HTML writes typographic characters: ``&#8217;``, ``&rsquo;`` or as is."""


def collapse(text: str) -> str:
    """Whitespace (NBSP included) collapsed to single spaces, stripped."""
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class Category:
    """A section of the site: display name, URL slug, and the word-bank vocabulary it uses."""

    name: str
    slug: str
    vocabulary: str

    @property
    def path(self) -> str:
        """``/economy``."""
        return f"/{self.slug}"


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
    """The title as typed (may hold NBSP); ``title`` is its plain form."""
    published: datetime
    """Aware, Europe/Minsk."""
    trend_status: str | None
    """``green``, ``red`` or None (no status shown)."""
    credit_label: str | None
    """``Image`` or ``Photo``; None when the article has no image."""
    image_credit: str | None
    """The credit without its label (``TUT.BY``); None when the article has no image."""
    style: EntityStyle
    lead_factory: Callable[[], str] = field(compare=False, repr=False)
    """Makes the lead as typed (leads are generated on first use; see ``lead_source``)."""

    @property
    def lead_source(self) -> str:
        """The lead as typed (may hold NBSP); ``lead`` is its plain form."""
        return self.lead_factory()

    @property
    def title(self) -> str:
        """The plain title: NBSP as a space, single spaces."""
        return collapse(self.title_source)

    @property
    def lead(self) -> str:
        """The plain lead."""
        return collapse(self.lead_source)

    @property
    def category(self) -> str:
        """The category's display name (``Economy``)."""
        return self.section.name

    @property
    def slug(self) -> str:
        """The last segment of the path."""
        return self.path.rsplit("/", 1)[1]

    @property
    def image_path(self) -> str | None:
        """``/sites/default/files/styles/large/public/<slug>.jpg``, or None."""
        return f"{IMAGE_DIR}{self.slug[:60].rstrip('-')}.jpg" if self.image_credit else None

    @property
    def credit_line(self) -> str | None:
        """``Image: TUT.BY`` as shown, or None."""
        return f"{self.credit_label}: {self.image_credit}" if self.image_credit else None

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


InlineKind = Literal["text", "em", "strong", "link", "br"]
BlockKind = Literal["p", "h3", "ul", "quote", "lead", "comment", "script", "empty"]
TEXT_BLOCKS: Final = frozenset({"p", "h3", "ul", "quote"})
"""Block kinds that are article text; the others are markup noise (a repeated lead, an HTML
comment, a script, an empty paragraph) that the archive's body must not contain."""


@dataclass(frozen=True, slots=True)
class Inline:
    """A run of text within a block: plain text, emphasis, a link (``href`` a site path), a break."""

    text: str
    kind: InlineKind = "text"
    href: str = ""


@dataclass(frozen=True, slots=True)
class Block:
    """A block of the body: a paragraph-like block of inlines, a heading, a list, or noise."""

    kind: BlockKind
    inlines: tuple[Inline, ...] = ()
    items: tuple[str, ...] = ()

    def text(self) -> str:
        """The block's plain text per the contract ("" for noise blocks)."""
        if self.kind not in TEXT_BLOCKS:
            return ""
        if self.kind == "ul":
            return "\n".join(f"- {collapse(item)}" for item in self.items)
        if self.kind == "h3":
            return collapse(self.items[0])
        joined = "".join("\n" if run.kind == "br" else run.text for run in self.inlines)
        return "\n".join(line for line in map(collapse, joined.split("\n")) if line)


@dataclass(frozen=True, slots=True)
class Body:
    """An article body: its blocks in page order."""

    blocks: tuple[Block, ...]

    def text(self) -> str:
        """The body's plain text: blocks joined by a blank line, noise left out."""
        return "\n\n".join(t for t in (block.text() for block in self.blocks) if t)

    def links(self) -> list[Inline]:
        """The in-body links in page order."""
        return [run for block in self.blocks for run in block.inlines if run.kind == "link"]
