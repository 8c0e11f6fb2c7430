"""Fault modes of the replica: a spec saying which pages misbehave and how, and what to send.

A ``FaultSpec`` is parsed from text such as ``realistic,hang_seconds=3`` or
``seed=5,503=0.3,redirect=/economy/*`` (grammar and modes: docs/replica.md, "Fault modes"). Every
choice is deterministic: an article path is affected by a mode when a hash of (seed, mode, path)
falls under the mode's rate, or when the path matches the mode's glob. ``FaultRuntime`` holds a
spec with its per-path request counters and turns a request into an ``Action`` (what the server
sends instead of the normal response) or None; the server's handler carries out the transport
faults (hang, reset, truncate, drip).
"""

from __future__ import annotations

import fnmatch
import gzip
import hashlib
import json
import math
import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal, TypeVar
from urllib.parse import parse_qs, urlsplit

from archiver.replica import markup, routes

if TYPE_CHECKING:
    from archiver.replica.content import Article
    from archiver.replica.generator import ReplicaSite

TRANSIENT: Final = ("500", "502", "503", "429", "hang", "reset", "truncate", "empty")
"""Modes that fail only the first ``burst`` requests of a path."""
TRANSPARENT: Final = ("drip", "redirect", "cp1251", "cp1251-noheader", "malformed")
"""Modes that change how a page arrives, never what it says (always, while on)."""
LASTING: Final = ("loop", "huge", "binary")
"""Modes that keep a page from being archived while on."""
ATTACKS: Final = (
    "retry_after_junk", "badlink", "json200", "deepjson", "surrogate", "absurd_status", "cutclose",
    "offsite_redirect",
)
"""Hostile article modes (issue 17): ``retry_after_junk`` is transient (a 503 whose Retry-After
is ``²``), ``badlink`` transparent (a malformed link in the body and the sidebar), the others
lasting: ``json200`` (a 200 JSON maintenance body), ``deepjson`` (JSON-LD nested 100,000 deep,
the page's own title removed), ``surrogate`` (the title only in JSON-LD, with a lone ``\\ud800``),
``absurd_status`` (``HTTP/1.1 99999999999999999999 OK``), ``cutclose`` (no Content-Length,
half the page, connection closed), ``offsite_redirect`` (a 302 to ``localhost`` on the same
port)."""
ARTICLE_MODES: Final = TRANSIENT + TRANSPARENT + LASTING
"""Every article mode of the realistic preset, in the order that decides a path's one mode."""
ALL_ARTICLE_MODES: Final = ARTICLE_MODES + ATTACKS
"""Every article mode, the attacks last."""
LISTING_MODES: Final = ("aliases", "offsite", "robots")
"""Modes of the listings and robots.txt: ``aliases`` takes a rate, the others 0 or 1."""
SITE_ATTACKS: Final = ("badlinks", "pager_trap", "longurl", "sitemap_gz", "sitemap_entity")
"""Hostile modes of the listings, feed and sitemap (0 or 1): ``badlinks`` (a malformed link in
the front listing, the feed and the sitemap), ``pager_trap`` (past its last page the front
listing's pager goes on forever, each page the first page again with a next link), ``longurl``
(the front listing links an article URL of 100 KB), ``sitemap_gz`` (``/sitemap.xml`` is sent
gzipped, as a ``.xml.gz`` file is), ``sitemap_entity`` (an undefined entity in the sitemap's
first entry)."""
BAD_LINK: Final = "http://[your-server]:8080/"
"""A link that urljoin and urlsplit refuse (``ValueError``)."""
ABSURD_STATUS: Final = 99999999999999999999
LONG_URL_BYTES: Final = 100 * 1024
DEEP_JSON: Final = 100_000
PRESETS: Final[dict[str, str]] = {
    "realistic": (
        "500=0.03,502=0.03,503=0.03,429=0.03,hang=0.01,reset=0.02,truncate=0.02,empty=0.01,"
        "drip=0.02,redirect=0.03,loop=0.005,cp1251=0.02,cp1251-noheader=0.02,malformed=0.03,"
        "huge=0.005,binary=0.005,aliases=0.1,offsite=1,robots=1"
    ),
}
"""Bare words of a spec, each standing for these entries (later entries override them)."""

HOPS: Final = {"hop1": (302, "hop2"), "hop2": (307, "hop3")}
"""A redirect chain's next step after each hop: (status, next hop). ``hop3`` is the page."""
LOOP: Final = {"loop-a": "loop-b", "loop-b": "loop-a"}
HUGE_BYTES: Final = 10 * 1024 * 1024 + 512 * 1024
"""The size of a ``huge`` page: 10.5 MiB."""
PDF: Final = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n" + bytes(range(256)) + b"\n%%EOF\n"
)
PRIVATE: Final = "/private"
"""The prefix robots.txt disallows in ``robots`` mode (the bait links start with it)."""
OFFSITE: Final = "/offsite-bait"
"""The first segment of every ``offsite`` bait link."""
_ROWS: Final = (
    re.compile(r'<div class="views-row[^"]*"><h2 class="node-title"><a href="([^"]*)">.*?</div></div>'),
    re.compile(r'<article class="trend-entry"><a class="trend-entry__link" href="([^"]*)">.*?</article>'),
)
"""A listing row (one line) of a Drupal listing and of a weekly trend listing; group 1 its link."""
_ROW_LINK: Final = re.compile(
    r'(<h2 class="node-title"><a href="|<a class="trend-entry__link" href=")([^"]*)(">)'
)

_N = TypeVar("_N", int, float)
Transport = Literal["send", "hang", "reset", "truncate", "cutclose", "drip"]
Rule = float | str
"""A mode's value: a rate in [0, 1] (share of paths) or a glob (contains ``/``)."""


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """Which pages misbehave and how (see the module docstring); build it with ``parse``."""

    modes: tuple[tuple[str, Rule], ...] = ()
    """(article mode, rate or glob) in ``ARTICLE_MODES`` order; no rate 0."""
    aliases: float = 0.0
    """Share of listing links written as a variant URL."""
    offsite: bool = False
    robots: bool = False
    seed: int = 0
    burst: int = 2
    """Requests of a path that a transient mode fails before it serves the page."""
    hang_seconds: float = 30.0
    retry_after: int = 1
    """Seconds, the ``Retry-After`` of a 429."""
    drip_seconds: float = 1.0
    """Seconds over which a ``drip`` page's ~10 chunks are spread."""
    attacks: tuple[str, ...] = ()
    """The ``SITE_ATTACKS`` that are on, in that order."""

    @classmethod
    def parse(cls, text: str) -> FaultSpec:
        """A spec from comma-separated ``name=value`` entries and preset words (blank entries
        skipped; a later entry overrides an earlier one). ValueError naming the bad entry."""
        values: dict[str, str] = {}
        for raw in text.split(","):
            entry = raw.strip()
            if not entry:
                continue
            if "=" not in entry:
                if entry not in PRESETS:
                    raise ValueError(f"unknown fault preset {entry!r} (known: {', '.join(PRESETS)})")
                values.update(item.partition("=")[::2] for item in PRESETS[entry].split(","))
                continue
            name, value = (part.strip() for part in entry.split("=", 1))
            if name not in ALL_ARTICLE_MODES + LISTING_MODES + SITE_ATTACKS + _OPTIONS:
                known = ", ".join(ALL_ARTICLE_MODES + LISTING_MODES + SITE_ATTACKS + _OPTIONS)
                raise ValueError(f"unknown fault mode or option {name!r} in {entry!r} (known: {known})")
            values[name] = value
        modes = []
        for mode in ALL_ARTICLE_MODES:
            rule = _rule(mode, values[mode]) if mode in values else 0.0
            if rule != 0.0:
                modes.append((mode, rule))
        return cls(
            modes=tuple(modes),
            aliases=_rate("aliases", values.get("aliases", "0")),
            offsite=_flag("offsite", values.get("offsite", "0")),
            robots=_flag("robots", values.get("robots", "0")),
            seed=_number(int, "seed", values.get("seed", "0"), signed=True),
            burst=_number(int, "burst", values.get("burst", "2")),
            hang_seconds=_number(float, "hang_seconds", values.get("hang_seconds", "30")),
            retry_after=_number(int, "retry_after", values.get("retry_after", "1")),
            drip_seconds=_number(float, "drip_seconds", values.get("drip_seconds", "1")),
            attacks=tuple(a for a in SITE_ATTACKS if _flag(a, values.get(a, "0"))),
        )

    def as_text(self) -> str:
        """The spec as text that ``parse`` reads back to an equal spec (defaults left out)."""
        out = [f"{mode}={_show(rule)}" for mode, rule in self.modes]
        out += [f"aliases={_show(self.aliases)}"] if self.aliases else []
        out += [f"{name}=1" for name in ("offsite", "robots") if getattr(self, name)]
        out += [f"{name}=1" for name in self.attacks]
        default = FaultSpec()
        out += [f"{name}={_show(getattr(self, name))}" for name in _OPTIONS
                if getattr(self, name) != getattr(default, name)]
        return ",".join(out)

    @property
    def lists(self) -> bool:
        """Whether any listing mode is on (listings and robots.txt change)."""
        return bool(self.aliases or self.offsite or self.robots)

    def mode_for(self, path: str) -> str | None:
        """The one article mode of ``path`` (``/economy/slug``, no query): the first in
        ``ARTICLE_MODES`` order whose rate or glob picks it; None when no mode does."""
        for mode, rule in self.modes:
            if fnmatch.fnmatchcase(path, rule) if isinstance(rule, str) else self.picks(mode, path, rule):
                return mode
        return None

    def decide(self, path: str, count: int) -> str | None:
        """The fault for a request of the article ``path`` that ``count`` requests of it preceded
        (0-based): its mode, or None (no mode, or a transient mode past its ``burst``)."""
        mode = self.mode_for(path)
        if mode in (*TRANSIENT, "retry_after_junk") and count >= self.burst:
            return None
        return mode

    def picks(self, mode: str, path: str, rate: float) -> bool:
        """Whether the hash of (seed, mode, path), as a share in [0, 1), falls under ``rate``."""
        digest = hashlib.sha256(f"{self.seed}/{mode}/{path}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64 < rate


_OPTIONS: Final = ("seed", "burst", "hang_seconds", "retry_after", "drip_seconds")


def _rule(mode: str, value: str) -> Rule:
    return value if "/" in value else _rate(mode, value)


def _rate(name: str, value: str) -> float:
    rate = _number(float, name, value)
    if rate > 1:
        raise ValueError(f"{name} must be a rate in [0, 1] or a path glob with '/', got {value!r}")
    return rate


def _flag(name: str, value: str) -> bool:
    if value not in {"0", "1"}:
        raise ValueError(f"{name} must be 0 or 1, got {value!r}")
    return value == "1"


def _number(kind: type[_N], name: str, value: str, *, signed: bool = False) -> _N:
    """``value`` as ``kind``, finite and (unless ``signed``) >= 0; ValueError otherwise."""
    try:
        number = kind(value)
    except ValueError:
        what = "an integer" if kind is int else "a number"
        raise ValueError(f"{name} must be {what}, got {value!r}") from None
    if not math.isfinite(number) or (number < 0 and not signed):
        raise ValueError(f"{name} must be a finite number{'' if signed else ' >= 0'}, got {value!r}")
    return number


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}" if float(f"{value:g}") == value else repr(value)
    return str(value)


@dataclass(frozen=True, slots=True)
class Action:
    """What the server sends instead of the normal response.

    ``transport``: ``send`` (status, headers, body), ``hang`` (nothing for ``delay`` seconds, then
    close), ``reset`` (a TCP reset, nothing sent), ``truncate`` (headers with the full
    Content-Length, half the body, close), ``cutclose`` (headers without Content-Length and
    ``Connection: close``, half the body, close: the client cannot tell it is cut), ``drip``
    (the body in ~10 chunks over ``delay`` seconds). ``log``: whether (``log_path``, ``mode``)
    goes to the server's fault log.
    """

    mode: str
    log_path: str
    status: int = 200
    content_type: str = routes.HTML
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    transport: Transport = "send"
    delay: float = 0.0
    log: bool = True


Conditional = tuple[str | None, str | None]
"""A request's ``If-None-Match`` and ``If-Modified-Since`` (None when absent)."""


@dataclass
class FaultRuntime:
    """A spec at work on one server, with its per-path request counters (thread-safe)."""

    spec: FaultSpec
    _counts: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, path: str) -> int:
        """How many requests of ``path`` came before this one (which is counted)."""
        with self._lock:
            count = self._counts.get(path, 0)
            self._counts[path] = count + 1
            return count

    def action(  # noqa: PLR0911 (one return per kind of page)
        self, site: ReplicaSite, target: str, base_url: str, conditional: Conditional = (None, None)
    ) -> Action | None:
        """The fault for a GET of ``target`` (path and query) on ``base_url`` (no slash), or None
        to answer normally. Paths made to fail with ``site.fail`` are left to that."""
        if site.failing_status(target) is not None:
            return None
        spec, parts = self.spec, urlsplit(target)
        path = parts.path or "/"
        attack = site_attack(site, spec, target, base_url) if spec.attacks else None
        if attack is not None:
            return attack
        if spec.lists and (path in {"/", "/robots.txt"} or site.category(path[1:]) is not None
                           or path.startswith("/analytics/")):
            return _listing(site, spec, target, base_url, conditional)
        if spec.robots and path.startswith(PRIVATE + "/"):
            slug = path.removeprefix(PRIVATE + "/")
            hidden = next((p for a in site.articles for p in (a.path, a.weekly_path)
                           if p is not None and p.rsplit("/", 1)[-1] == slug), None)
            if hidden is None:
                return None
            return _from_reply("robots", path, site.respond(hidden, base_url))
        # any URL of an article (its canonical path, Drupal listing path, weekly page, slash or
        # not) has the article's one mode, so that no other URL of it escapes the fault; its
        # /by/ twin is another record
        found = site.lookup(path) if len(path) > 1 else None
        article = found[0] if found is not None and found[1] != "by" else None
        if article is None or found is None:
            return None
        slash_alias = path.endswith("/") and article.era == "drupal" and found[1] in {"canonical", "drupal"}
        if slash_alias and not spec.aliases:
            return None  # a Drupal page with a slash: the normal 404
        clean = (article.path if slash_alias else path) + (f"?{parts.query}" if parts.query else "")
        hop = parse_qs(parts.query).get("utm_source", [""])[-1]
        mode = spec.mode_for(article.path)
        at = clean.partition("?")[0]  # the chain stays on the URL asked for (a copy's is the copy)
        if mode == "redirect" and hop in HOPS:
            status, step = HOPS[hop]
            return _redirect(mode, article.path, status, f"{base_url}{at}?utm_source={step}")
        if mode == "redirect" and hop == "hop3":
            return _from_reply(mode, article.path, site.respond(clean, base_url), log=False)
        if mode == "loop" and hop in LOOP:
            return _redirect(mode, article.path, 302, f"{base_url}{at}?utm_source={LOOP[hop]}")
        mode = spec.decide(article.path, self.hit(article.path))
        if mode is not None:
            return self._article(mode, site, article, clean, base_url, conditional)
        if slash_alias:  # a trailing-slash alias in a listing: the article
            return _from_reply("aliases", path, _respond(site, clean, base_url, conditional))
        return None

    def _article(  # noqa: PLR0911, PLR0917 (one return per mode; private)
        self, mode: str, site: ReplicaSite, article: Article, target: str, base_url: str,
        conditional: Conditional,
    ) -> Action:
        """The ``mode`` fault of a GET of ``article`` at ``target`` (its path and query)."""
        path, spec = article.path, self.spec
        if mode in ATTACKS:
            return article_attack(mode, site, article, target, base_url)
        if mode in {"500", "502", "503", "429"}:
            retry = (("Retry-After", str(spec.retry_after)),) if mode == "429" else ()
            body = markup.error_page(int(mode), site.chrome).encode("utf-8")
            return Action(mode, path, int(mode), routes.HTML, body, retry)
        if mode == "hang":
            return Action(mode, path, transport="hang", delay=spec.hang_seconds)
        if mode == "reset":
            return Action(mode, path, transport="reset")
        if mode == "empty":
            return Action(mode, path)
        if mode in {"redirect", "loop"}:
            hop = "hop1" if mode == "redirect" else "loop-a"
            at = target.partition("?")[0]  # the URL asked for: a copy's chain ends at the copy
            return _redirect(mode, path, 301 if mode == "redirect" else 302,
                             f"{base_url}{at}?utm_source={hop}", log=True)
        if mode == "binary":
            return Action(mode, path, 200, "application/pdf", PDF)
        reply = _respond(site, target, base_url, conditional if mode in TRANSPARENT else (None, None))
        if mode == "truncate":
            return Action(mode, path, reply.status, reply.content_type, reply.body, transport="truncate")
        if mode == "huge":
            return Action(mode, path, reply.status, reply.content_type, huge(reply.body))
        if mode == "drip":
            return _from_reply(mode, path, reply, transport="drip", delay=spec.drip_seconds)
        if reply.status != 200:  # a 304: validators only
            return _from_reply(mode, path, reply)
        text = reply.body.decode("utf-8")
        if mode == "malformed":
            return _from_reply(mode, path, reply._replace(body=malformed(text).encode("utf-8")))
        content_type = "text/html; charset=windows-1251" if mode == "cp1251" else "text/html"
        return _from_reply(mode, path, reply._replace(body=cp1251(text), content_type=content_type))


def _respond(site: ReplicaSite, target: str, base_url: str, conditional: Conditional) -> routes.Reply:
    return site.respond(target, base_url, if_none_match=conditional[0], if_modified_since=conditional[1])


def _from_reply(
    mode: str, path: str, reply: routes.Reply, *, transport: Transport = "send", delay: float = 0.0,
    log: bool = True,
) -> Action:
    return Action(mode, path, reply.status, reply.content_type, reply.body, tuple(reply.headers()),
                  transport, delay, log)


def _redirect(mode: str, path: str, status: int, location: str, *, log: bool = False) -> Action:
    """A redirect to ``location`` (absolute), with a one-line HTML body."""
    body = f'<html><body><a href="{markup.attr(location)}">Moved</a></body></html>\n'.encode()
    return Action(mode, path, status, routes.HTML, body, (("Location", location),), log=log)


# --- content faults ---------------------------------------------------------------------------
def cp1251(page: str) -> bytes:
    """A UTF-8 page re-encoded as windows-1251: the meta charset says so, characters the encoding
    lacks are written as numeric character references (``&#8203;``)."""
    page = page.replace('<meta charset="utf-8">', '<meta charset="windows-1251">', 1)
    return page.encode("cp1251", errors="xmlcharrefreplace")


BODY_MARKS: Final = (
    ('<div class="field-name-body">', '<div class="share-buttons">'),
    ('<div class="post-content">', '<footer class="post-footer">'),
    ('<div class="entry-content">', "</article>"),
)
"""Where the body starts and what follows it: Drupal, the old redesign, the weekly era."""
SUBSCRIBE_FORM: Final = '<form action="/subscribe" method="post">'
"""The Drupal sidebar's form, in which ``malformed`` opens another."""
SUBSCRIBE_BLOCK: Final = '<section class="subscribe-block">'
"""The weekly newsletter block (no form), in which ``malformed`` opens a form never closed."""
STRAY_FORM: Final = '<form action="/search" method="get">'


def malformed(page: str) -> str:
    """An article page with broken markup but the same content: every other ``</p>`` and
    ``</li>`` of the body dropped, a stray ``</body></html>`` between two body paragraphs, and a
    ``<form>`` opened inside the sidebar's form (Drupal) or the newsletter block (weekly), never
    closed."""
    for opening, closing in BODY_MARKS:  # either template: the body and what follows it
        start = page.find(opening)
        end = page.find(closing, start)
        if start >= 0 and end >= 0:
            break
    else:
        return page.replace("</p>", "", 1)  # a page of neither template: one dropped end tag
    body = _drop_every_other(_drop_every_other(page[start:end], "</p>"), "</li>")
    paragraphs = [m.start() for m in re.finditer("\n<p>", body)]
    if paragraphs:
        middle = paragraphs[len(paragraphs) // 2]
        body = f"{body[:middle]}\n</body></html>{body[middle:]}"
    page = page[:start] + body + page[end:]
    form = SUBSCRIBE_FORM if SUBSCRIBE_FORM in page else SUBSCRIBE_BLOCK
    return page.replace(form, form + STRAY_FORM, 1)


def _drop_every_other(html: str, tag: str) -> str:
    """``html`` with the 1st, 3rd, 5th, ... ``tag`` removed."""
    pieces = html.split(tag)
    return "".join(p + (tag if i % 2 else "") for i, p in enumerate(pieces[:-1])) + pieces[-1]


def huge(page: bytes) -> bytes:
    """``page`` padded with an HTML comment before ``</body>`` to ``HUGE_BYTES``."""
    head, tail = page.rsplit(b"</body>", 1)
    fill = HUGE_BYTES - len(page) - len(b"<!--  -->\n")
    return head + b"<!-- " + b"padding " * (fill // 8) + b"x" * (fill % 8) + b" -->\n</body>" + tail


# --- listing faults ---------------------------------------------------------------------------
def _listing(
    site: ReplicaSite, spec: FaultSpec, target: str, base_url: str, conditional: Conditional
) -> Action | None:
    """A listing or robots.txt with the listing modes of ``spec`` applied; None when the page is
    not a 200 (past the last page: the normal 404)."""
    reply = site.respond(target, base_url)
    if reply.status != 200:
        return None
    path = urlsplit(target).path or "/"
    text = reply.body.decode("utf-8")
    if path == "/robots.txt":
        if not spec.robots:
            return None
        text = text.replace("Sitemap:", f"Disallow: {PRIVATE}/\nSitemap:", 1)
        mode = "robots"
    else:
        text = listing(text, spec, base_url)
        mode = "+".join(m for m in LISTING_MODES if getattr(spec, m))
    body = text.encode("utf-8")
    reply = reply._replace(body=body, etag=routes.strong_etag(body))
    if routes.not_modified(reply, *conditional):
        reply = reply._replace(status=routes.NOT_MODIFIED, body=b"")
    return _from_reply(mode, path, reply)


def listing(page: str, spec: FaultSpec, base_url: str) -> str:
    """A listing page (HTML) with ``spec``'s listing modes: article links as aliases, and extra
    rows linking offsite hosts and a path robots.txt disallows, after the real rows."""
    rows = next((found for row in _ROWS if (found := list(row.finditer(page)))), [])
    if not rows:
        return page
    first = rows[0]
    first_path = urlsplit(first.group(1)).path.rstrip("/")
    bait = offsite_urls(base_url, first_path) if spec.offsite else []
    extra = [_bait(first.group(0), url) for url in bait]
    if spec.robots:
        # /private/<slug>: two segments, so it looks like an article link to the crawler
        extra.append(_bait(first.group(0), PRIVATE + "/" + first_path.rsplit("/", 1)[-1]))
    end = rows[-1].end()
    page = page[:end] + "".join(f"\n{row}" for row in extra) + page[end:]
    if not spec.aliases:
        return page
    chosen = 0

    def alias(match: re.Match[str]) -> str:
        nonlocal chosen
        href = match.group(2)
        own = href.startswith("/") and not href.startswith(PRIVATE + "/")
        if not own or not spec.picks("aliases", href, spec.aliases):
            return match.group(0)
        chosen += 1
        variant = alias_url(href.rstrip("/"), chosen - 1, base_url)
        return match.group(1) + markup.attr(variant) + match.group(3)

    return _ROW_LINK.sub(alias, page)


def alias_url(path: str, n: int, base_url: str) -> str:
    """The ``n``-th alias variant (cycling) of the article ``path``: with tracking parameters,
    with a trailing slash, or absolute with the other scheme."""
    match n % 3:
        case 0:
            return f"{path}?utm_source=twitter&utm_medium=social"
        case 1:
            return path + "/"
        case _:
            scheme, rest = base_url.split("://", 1)
            return f"{'http' if scheme == 'https' else 'https'}://{rest}{path}"


def offsite_urls(base_url: str, article_path: str) -> list[str]:
    """Links to other hosts with the path ``/offsite-bait/<category>`` (``article_path``'s
    category): same-port other loopback names, another port, a foreign host."""
    parts = urlsplit(base_url)
    port = parts.port or 80
    other = port + 1 if port < 65535 else port - 1
    category = article_path.strip("/").split("/")[0]
    hosts = (f"http://localhost:{port}", f"http://127.0.0.2:{port}", f"http://[::1]:{port}",
             f"http://127.0.0.1:{other}", "https://evil.example")
    return [f"{host}{OFFSITE}/{category}" for host in hosts if urlsplit(host).netloc != parts.netloc]


def _bait(row: str, url: str) -> str:
    """A copy of the listing ``row`` whose link points to ``url``."""
    return _ROW_LINK.sub(lambda m: m.group(1) + markup.attr(url) + m.group(3), row, count=1)


# --- attacks (issue 17) -----------------------------------------------------------------------
_TITLE_TAGS: Final = re.compile(
    r"<h1\b[^>]*>.*?</h1>|<title>.*?</title>|<meta property=\"og:title\"[^>]*>", re.DOTALL
)
_PAGERS: Final = re.compile(r'<ul class="pager">.*?</ul>|<nav class="pagination">.*?</nav>', re.DOTALL)
_TITLE_TEXT: Final = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def article_attack(mode: str, site: ReplicaSite, article: Article, target: str, base_url: str) -> Action:
    """The ``mode`` (one of ``ATTACKS``) answer to a GET of ``article`` at ``target``."""
    path = article.path
    if mode == "retry_after_junk":
        body = markup.error_page(503, site.chrome).encode("utf-8")
        return Action(mode, path, 503, routes.HTML, body, (("Retry-After", "\u00b2"),))
    if mode == "json200":
        body = json.dumps({"status": "maintenance", "retry": "later"}).encode()
        return Action(mode, path, 200, "application/json", body)
    if mode == "absurd_status":
        return Action(mode, path, ABSURD_STATUS, routes.HTML, b"<html><body>OK</body></html>")
    if mode == "offsite_redirect":
        port = urlsplit(base_url).port or 80
        return _redirect(mode, path, 302, f"http://localhost:{port}{path}", log=True)
    reply = site.respond(target, base_url)
    text = reply.body.decode("utf-8")
    if mode == "cutclose":
        return Action(mode, path, reply.status, reply.content_type, reply.body, transport="cutclose")
    if mode == "badlink":
        text = with_bad_links(text)
    elif mode == "deepjson":
        text = only_jsonld_title(text, "[" * DEEP_JSON + "]" * DEEP_JSON)
    else:  # surrogate
        title = _TITLE_TEXT.search(text)
        headline = (title.group(1) if title else "Untitled").split(" | ")[0]
        payload = json.dumps({"@type": "NewsArticle", "headline": f"{headline} \ud800"})
        text = only_jsonld_title(text, payload)
    return Action(mode, path, reply.status, reply.content_type, text.encode("utf-8"))


def with_bad_links(page: str) -> str:
    """``page`` with an empty link to ``BAD_LINK`` (no text: the article's text is unchanged) at
    the start of its body and before ``</body>`` (the sidebar's end)."""
    link = f'<a href="{BAD_LINK}"></a>'
    page = _insert_first(page, BODY_OPENINGS, link, after=True)
    head, body_end, tail = page.rpartition("</body>")
    return f"{head}{link}{body_end}{tail}" if body_end else page + link


BODY_OPENINGS: Final = ('<div class="field-name-body">', '<div class="post-content">',
                        '<div class="entry-content">')
LISTING_OPENINGS: Final = ('<div class="view-content">', '<article class="trend-entry">', "</main>",
                           "</body>")


def _insert_first(page: str, marks: tuple[str, ...], text: str, *, after: bool = False) -> str:
    """``page`` with ``text`` before (or ``after``) the first of ``marks`` that it contains."""
    for mark in marks:
        at = page.find(mark)
        if at >= 0:
            at += len(mark) if after else 0
            return page[:at] + text + page[at:]
    return page + text


def only_jsonld_title(page: str, jsonld: str) -> str:
    """``page`` without its ``<h1>``, ``<title>`` and ``og:title``, with the JSON-LD script
    ``jsonld`` in its head: the page object can take the title only from there."""
    page = _TITLE_TAGS.sub("", page)
    script = f'<script type="application/ld+json">{jsonld}</script>'
    return page.replace("</head>", script + "</head>", 1) if "</head>" in page else script + page


def site_attack(site: ReplicaSite, spec: FaultSpec, target: str, base_url: str) -> Action | None:
    """The answer of ``spec``'s ``SITE_ATTACKS`` to a GET of ``target`` (the front listing, the
    feed, a sitemap), or None to go on as usual."""
    parts = urlsplit(target)
    path = parts.path or "/"
    on = set(spec.attacks)
    if path == "/" and on & {"badlinks", "pager_trap", "longurl"}:
        reply = site.respond(target, base_url)
        page_no = parse_qs(parts.query).get("page", ["0"])[-1]
        trapped = "pager_trap" in on and reply.status == 404 and page_no.isdigit()
        if trapped:  # past the last page: the first page again, its pager replaced by a next link
            reply = site.respond("/", base_url)
        if reply.status != 200:
            return None
        text = reply.body.decode("utf-8")
        if trapped:
            text = _PAGERS.sub("", text)
        extra = ""
        if "badlinks" in on:
            extra += f'<a href="{BAD_LINK}"></a>'
        if "longurl" in on and not trapped:
            first = site.articles[0].path
            # in the path: a long query would be dropped by the canonical article URL anyway
            extra += f'<a href="{first}-{"x" * LONG_URL_BYTES}">a long link</a>'
        if "pager_trap" in on and (trapped or 'class="pager-next' not in text):
            number = int(page_no) + 1 if page_no.isdigit() else 1
            extra += f'<a rel="next" href="/?page={number}">next</a>'
        text = (_insert_first(text, LISTING_OPENINGS[:1], extra, after=True)
                if LISTING_OPENINGS[0] in text else _insert_first(text, LISTING_OPENINGS[1:], extra))
        mode = "+".join(a for a in spec.attacks if a in {"badlinks", "pager_trap", "longurl"})
        logged = trapped or "badlinks" in on
        return Action(mode, path, 200, reply.content_type, text.encode("utf-8"), log=logged)
    gz = path.endswith(".xml.gz")
    if not (gz or path.endswith((".xml", "/feed/", "/feed"))):
        return None
    reply = site.respond(target.replace(".xml.gz", ".xml", 1) if gz else target, base_url)
    if reply.status != 200:
        return None
    text = reply.body.decode("utf-8")
    sitemap = "<urlset" in text or "<sitemapindex" in text
    if "badlinks" in on:
        text = _xml_bad_link(text)
    if sitemap and "sitemap_entity" in on:
        text = re.sub(r"(<url>\s*<loc>)([^<]*)(</loc>)", r"\1\2&nbsp;\3", text, count=1)
    if sitemap and "sitemap_gz" in on:
        text = re.sub(r"(<sitemap>\s*<loc>[^<]*?\.xml)(</loc>)", r"\1.gz\2", text)
        body = gzip.compress(text.encode("utf-8"), mtime=0)
        return Action("sitemap_gz", path, 200, "application/x-gzip", body)
    mode = "+".join(a for a in spec.attacks if a in {"badlinks", "sitemap_entity"})
    return Action(mode or "none", path, 200, reply.content_type, text.encode("utf-8"), log=bool(mode))


def _xml_bad_link(text: str) -> str:
    """A feed or sitemap with one more entry first, whose link is ``BAD_LINK``."""
    if "<urlset" in text:
        return re.sub(r"(<urlset[^>]*>)", rf"\1<url><loc>{BAD_LINK}</loc></url>", text, count=1)
    if "<sitemapindex" in text:
        return re.sub(r"(<sitemapindex[^>]*>)", rf"\1<sitemap><loc>{BAD_LINK}</loc></sitemap>", text, count=1)
    if "<channel>" in text:
        item = f"<item><title>Our server</title><link>{BAD_LINK}</link></item>"
        return text.replace("<item>", item + "<item>", 1)
    return text
