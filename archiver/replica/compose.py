"""Article bodies: paragraphs of prose, with the markup hazards of a Drupal-era site.

Every hazard appears in some articles only, chosen by the article's own random stream:
subheadings (``h3``, ``h2``), bulleted and numbered lists, blockquotes, ``<br>`` inside a
paragraph, ``<em>``/``<strong>``, NBSP, soft hyphens inside words, links to other articles, and
noise blocks the archive must drop: HTML comments (a stray ``<!-- /header -->`` among them),
a script, a style sheet, a noscript, an empty ``<p>&nbsp;</p>``, a "Read more" box and (about 5%)
the lead repeated as the first paragraph. The hazards added later draw after the earlier ones,
so that adding them did not change the earlier ones.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Final

from archiver.replica.content import Article, Block, BlockKind, Body, Inline, InlineKind
from archiver.replica.rand import pick
from archiver.replica.wordbank import NBSP, Prose

_WORD: Final = re.compile(r"[A-Za-z]{5,}")
_LONG_WORD: Final = re.compile(r"[A-Za-z]{7,}")
# probability of each optional feature, per article
P_LEAD_REPEAT: Final = 0.05
P_HEADING: Final = 0.25
P_LIST: Final = 0.15
P_QUOTE: Final = 0.15
P_BREAK: Final = 0.10
P_COMMENT: Final = 0.20
P_SCRIPT: Final = 0.08
P_EMPTY: Final = 0.05
P_EMPHASIS: Final = 0.30
P_NBSP: Final = 0.20
P_H2: Final = 0.15
P_OL: Final = 0.12
P_STRAY_COMMENT: Final = 0.15
P_STYLE: Final = 0.10
P_NOSCRIPT: Final = 0.10
P_SOFT_HYPHEN: Final = 0.15
P_READ_MORE: Final = 0.15
SOFT_HYPHEN: Final = "\u00ad"
STRAY_COMMENTS: Final = (
    " /header ", " header ", ' <div class="ad">Advertisement</div> ', " end of teaser ",
)
"""Texts of comments left in a body: template markers, commented-out markup."""
STUBS: Final = (
    "The full analysis will be published shortly.",
    "Text to follow.",
    "This analysis is being updated.",
)
"""Bodies of fewer than 20 words (defective articles)."""


def link_count(rng: random.Random) -> int:
    """How many other articles a body links to: 0 (55%), 1 (35%) or 2 (10%)."""
    roll = rng.random()
    return 0 if roll < 0.55 else 1 if roll < 0.90 else 2


def compose_body(rng: random.Random, prose: Prose, targets: Sequence[Article]) -> Body:
    """A body of 3 to 8 paragraphs (plus optional blocks) linking once to each of ``targets``."""
    paragraphs = [
        [Inline(" ".join(prose.paragraph(rng.choice((1, 2, 2, 3, 3, 4)))))]
        for _ in range(rng.randint(3, 8))
    ]
    for target in targets:
        before, anchor, after = prose.link_sentence()
        runs = rng.choice(paragraphs)
        runs += [Inline(f" {before}"), Inline(anchor, "link", target.path), Inline(after)]
    if rng.random() < P_EMPHASIS:
        _emphasise(rng, rng.choice(paragraphs), "em" if rng.random() < 0.6 else "strong")
    if rng.random() < P_NBSP:
        _nbsp(rng, rng.choice(paragraphs))
    blocks = [Block("p", tuple(runs)) for runs in paragraphs]
    if rng.random() < P_BREAK:
        first, second = prose.sentence(), prose.sentence()
        _insert(rng, blocks, Block("p", (Inline(first), Inline("", "br"), Inline(second))))
    if rng.random() < P_HEADING:
        blocks.insert(rng.randint(1, len(blocks) - 1), Block("h3", items=(prose.heading(),)))
    if rng.random() < P_LIST:
        at = rng.randint(1, len(blocks))
        items = tuple(prose.list_items(rng.randint(2, 5)))
        blocks[at:at] = [Block("p", (Inline(prose.list_intro()),)), Block("ul", items=items)]
    if rng.random() < P_QUOTE:
        _insert(rng, blocks, Block("quote", (Inline(prose.quote()),)))
    noise: tuple[tuple[BlockKind, float], ...] = (
        ("comment", P_COMMENT), ("script", P_SCRIPT), ("empty", P_EMPTY),
    )
    for kind, chance in noise:
        if rng.random() < chance:
            _insert(rng, blocks, Block(kind))
    if rng.random() < P_LEAD_REPEAT:
        blocks.insert(0, Block("lead"))
    _later_hazards(rng, prose, blocks)
    return Body(tuple(blocks))


def _later_hazards(rng: random.Random, prose: Prose, blocks: list[Block]) -> None:
    """``h2``, ``ol``, stray comments, style, noscript and soft hyphens, each in some bodies."""
    if rng.random() < P_H2:
        blocks.insert(rng.randint(1, len(blocks) - 1), Block("h2", items=(prose.heading(),)))
    if rng.random() < P_OL:
        at = rng.randint(1, len(blocks))
        items = tuple(prose.list_items(rng.randint(2, 4)))
        blocks[at:at] = [Block("p", (Inline(prose.list_intro()),)), Block("ol", items=items)]
    if rng.random() < P_STRAY_COMMENT:
        _insert(rng, blocks, Block("comment", items=(pick(rng, STRAY_COMMENTS),)))
    noise: tuple[tuple[BlockKind, float], ...] = (("style", P_STYLE), ("noscript", P_NOSCRIPT))
    for kind, chance in noise:
        if rng.random() < chance:
            _insert(rng, blocks, Block(kind))
    if rng.random() < P_SOFT_HYPHEN:
        _soft_hyphen(rng, blocks)


def stub_body(rng: random.Random) -> Body:
    """A body of fewer than 20 words: a defective article's."""
    return Body((Block("p", (Inline(pick(rng, STUBS)),)),))


def with_read_more(rng: random.Random, body: Body, targets: Sequence[Article]) -> Body:
    """``body`` with a "Read more" box linking to ``targets``, after its first block."""
    blocks = list(body.blocks)
    links = tuple(Inline(t.title, "link", t.path) for t in targets)
    _insert(rng, blocks, Block("read-more", links))
    return Body(tuple(blocks))


def _insert(rng: random.Random, blocks: list[Block], block: Block) -> None:
    """Insert ``block`` anywhere after the first block."""
    blocks.insert(rng.randint(1, len(blocks)), block)


def _emphasise(rng: random.Random, runs: list[Inline], kind: InlineKind) -> None:
    """Wrap one word of the first run of ``runs`` in ``<em>``/``<strong>``."""
    words = list(_WORD.finditer(runs[0].text))
    if not words:
        return
    word = rng.choice(words)
    text = runs[0].text
    runs[0:1] = [
        Inline(text[: word.start()]),
        Inline(word.group(0), kind),
        Inline(text[word.end() :]),
    ]


def _nbsp(rng: random.Random, runs: list[Inline]) -> None:
    """Turn one space of the first run of ``runs`` into NBSP (as editors' &nbsp; do)."""
    text = runs[0].text
    spaces = [i for i, char in enumerate(text) if char == " "]
    if spaces:
        at = rng.choice(spaces)
        runs[0] = Inline(text[:at] + NBSP + text[at + 1 :])


def _soft_hyphen(rng: random.Random, blocks: list[Block]) -> None:
    """Type a soft hyphen inside a long word of a paragraph (as hyphenating editors do)."""
    paragraphs = [i for i, block in enumerate(blocks) if block.kind == "p" and block.inlines]
    if not paragraphs:
        return
    at = pick(rng, paragraphs)
    runs = list(blocks[at].inlines)
    words = list(_LONG_WORD.finditer(runs[0].text))
    if not words:
        return
    word = pick(rng, words)
    cut = word.start() + rng.randint(3, len(word.group(0)) - 3)
    runs[0] = Inline(runs[0].text[:cut] + SOFT_HYPHEN + runs[0].text[cut:])
    blocks[at] = Block("p", tuple(runs))
