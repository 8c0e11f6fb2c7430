"""What is known of the site Belarus in Focus itself: its hosts, its trends, its URL forms.

Pure functions, no I/O. The evidence is ../shared/site/README.md (first-hand copies of real pages);
what is guessed is labelled so. The other modules (spider, store, normalise) ask here rather than
keep their own lists:

- ``is_site_host(host, hosts)``: "is this the site?" (belarusinfocus.info/.pro, ``www.`` or not,
  or one of the base URLs a crawl was given, e.g. a replica on loopback);
- ``canonical_article_url(url, hosts)``: one URL per article whatever host, slash, query or alias
  reached it (the identity rule of the archive);
- ``is_article_url(url, hosts)``: an article page (not a listing, about page, feed, sitemap, ...);
- ``trend_key(name_or_slug)``: one key per trend across languages and renamed slugs.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Final
from urllib.parse import urlsplit, urlunsplit

from archiver.normalise import canonical_url

SITE_HOSTS: Final = ("belarusinfocus.info", "belarusinfocus.pro")
"""The site's public hosts (each with or without ``www.``); the first is the primary one."""
DEFAULT_BASE_URLS: Final = ("https://belarusinfocus.info", "https://belarusinfocus.pro")
"""The base URLs of a crawl that names none: the primary host first, then the mirror."""
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}

# --- trends -----------------------------------------------------------------------------------
TRENDS: Final[dict[str, tuple[str, ...]]] = {
    # key: names as shown (en, be, ru) and URL slugs. Seen = in a stored copy of a real page;
    # (guess) = no page seen, a plausible wording so that such a page is not lost.
    "ruling-elite": (
        "The ruling elite", "Ruling elite",  # seen (weekly era)
        "Кіруючы клас",  # seen on the /by/ page
        "Правящий класс", "Правящая элита",  # (guess) ru
        "the-ruling-elite", "ruling-elite", "kiruyuchy-klas",  # slugs seen
    ),
    "society-parties": (
        "Society and political parties",  # seen
        "Грамадства і палітычныя партыі", "Общество и политические партии",  # (guess)
        "society-and-political-parties",  # seen
        "hramadstva-i-palitychnyya-partyi",  # (guess) the replica's /by/ slug
    ),
    "belarus-west": (
        "Belarus-West relations", "Belarus – West relations",  # seen
        "Беларусь – Захад", "Адносіны Беларусі і Захаду",  # (guess) be
        "Беларусь – Запад", "Отношения Беларуси и Запада",  # (guess) ru
        "belarus-west-relations",  # seen
        "belarus-zakhad",  # (guess) the replica's /by/ slug
    ),
    "belarus-russia": (
        "Belarus-Russia relations", "Belarus – Russia relations",  # seen
        "Беларусь – Расія", "Адносіны Беларусі і Расіі",  # (guess) be
        "Беларусь – Россия", "Отношения Беларуси и России",  # (guess) ru
        "belarus-russia-relations",  # seen
        "belarus-rasiya",  # (guess) the replica's /by/ slug
    ),
    "security": (
        "Security issues",  # named on the about page, never seen as a trend page
        "Security and defence",  # the replica's Drupal-era section
        "Пытанні бяспекі", "Вопросы безопасности",  # (guess)
        "Бяспека", "byaspeka",  # (guess) the replica's /by/ name and slug
        "security-issues", "security-and-defence",  # (guess) / replica
    ),
    "economy": ("Economy", "Эканоміка", "Экономика", "economy", "ekanomika"),  # en + slug seen (Drupal)
    "international-relations": (
        "International relations", "Міжнародныя адносіны", "Международные отношения",
        "international-relations",  # en + slug seen (Drupal)
    ),
    "society-politics": (
        "Society and politics", "Society and Politics", "society-and-politics",  # seen (Drupal)
    ),
    "civil-society": ("Civil society", "Грамадзянская супольнасць", "Гражданское общество",
                      "civil-society"),  # the replica's Drupal-era section; be/ru (guess)
    "events": ("Events", "Падзеі", "События", "events"),  # en + slug seen (Drupal)
}  # fmt: skip
"""Trend key -> every name and slug under which the site shows it. ``society-parties`` (weekly
era) and ``society-politics`` (Drupal era) are kept apart: no page shows them to be one trend."""

SECTION_ALIASES: Final = {"ruling-elite": "the-ruling-elite"}
"""Old section slugs in article URLs -> the current slug (both seen serving the same trend)."""

NOT_ARTICLE_SECTIONS: Final = frozenset({
    "feed", "page", "tag", "tags", "taxonomy", "category", "author", "user", "users", "admin",
    "search", "sites", "files", "node", "comments", "trackback", "wp-admin", "wp-content",
    "wp-includes", "wp-json", "xmlrpc.php", "embed", "amp", "print", "contacts", "contact",
})  # fmt: skip
"""First path segments that are never an article."""
LANGUAGE_PREFIXES: Final = frozenset({"by", "ru", "en", "be"})
"""A leading path segment naming the language version (``/by/kiruyuchy-klas/<slug>``)."""
ROOT_ARTICLE: Final = re.compile(r"\d+-\d+|\d{3,}[a-z_].*|[a-z0-9]+(?:-[a-z0-9]+){3,}", re.IGNORECASE)
"""A root-level article slug: ``7136-2``, ``5809belarus_in_focus_2012_…``, or a long WordPress
slug of four words or more (``minsk-failed-to-take-advantage-of-…``)."""
NOT_A_PAGE: Final = (".xml", ".xml.gz", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".pdf",
                     ".css", ".js", ".txt", ".zip", ".doc", ".docx", ".mp3", ".mp4")


def _fold(text: str) -> str:
    """A name or slug as a lookup key: NFKC, case-folded, letters and digits joined by ``-``."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    return "-".join(re.findall(r"[^\W_]+", text))


_TREND_INDEX: Final = {_fold(alias): key for key, aliases in TRENDS.items() for alias in aliases}
_TREND_INDEX.update({_fold(key): key for key in TRENDS})


def trend_key(name_or_slug: str | None) -> str | None:
    """The trend's key (``ruling-elite``, ...) for a trend name in any language or a URL slug.

    ``The ruling elite``, ``Кіруючы клас``, ``kiruyuchy-klas``, ``ruling-elite``,
    ``the-ruling-elite`` -> ``ruling-elite``. Case, dashes and spacing do not matter. None for
    anything else (see TRENDS for the table).
    """
    if not name_or_slug:
        return None
    return _TREND_INDEX.get(_fold(name_or_slug))


TREND_SLUGS: Final = frozenset(
    alias for aliases in TRENDS.values() for alias in aliases if re.fullmatch(r"[a-z0-9-]+", alias)
)
"""Every trend slug (the listing ``/analytics/<slug>/`` of a trend)."""


# --- hosts --------------------------------------------------------------------------------------
def _bare(host: str) -> str:
    return host.lower().rstrip(".").removeprefix("www.")


def _netloc_of(base: str) -> tuple[str, int | None] | None:
    """A base URL or ``host[:port]`` -> (bare host, explicit port or None)."""
    parts = urlsplit(base if "//" in base else f"//{base}")
    try:
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return _bare(parts.hostname), (None if port in (80, 443) else port)


def is_site_host(host: str, hosts: Iterable[str] = (), *, public: bool = True) -> bool:
    """Whether ``host`` (``name``, ``name:port`` or a URL) is the site's: the one answer to
    "same site?" (the crawl's scope, the page objects, the CLI's site-address check use it).

    The site's public hosts (SITE_HOSTS, ``www.`` or not, default ports) are, unless ``public``
    is False (a crawl of a replica keeps to the replica); so is any of ``hosts`` (base URLs or
    ``host[:port]``, e.g. a replica's ``http://127.0.0.1:8123``), with the same port (80/443
    count as none).
    """
    mine = _netloc_of(host)
    if mine is None:
        return False
    name, port = mine
    if public and name in SITE_HOSTS and port is None:
        return True
    return any(_netloc_of(base) == (name, port) for base in hosts)


def site_address(url: str) -> str:
    """The identity of the site at ``url``, for comparing crawls: the host without ``www.`` and
    the port when it is not 80/443 (the scheme does not count); both hosts of the real site are
    one address, ``belarusinfocus``. Loopback replicas on other ports differ."""
    mine = _netloc_of(url.strip())
    if mine is None:
        return ""
    name, port = mine
    if name in SITE_HOSTS:
        return "belarusinfocus"
    return name if port is None else f"{name}:{port}"


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` (or ``host[:port]``) names this machine (127.0.0.0/8, ::1, localhost)."""
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def site_hosts_for(url: str, hosts: Iterable[str] | None = None) -> tuple[str, ...]:
    """The base URLs a page at ``url`` is judged against: ``hosts`` when given, else the public
    ones plus, for a page on loopback (a replica), the page's own origin."""
    if hosts is not None:
        return tuple(hosts)
    if is_loopback_url(url):
        parts = urlsplit(url)
        return (f"{parts.scheme}://{parts.netloc.lower()}", *DEFAULT_BASE_URLS)
    return DEFAULT_BASE_URLS


def primary_base(hosts: Iterable[str] = ()) -> str:
    """``scheme://netloc`` of the first of ``hosts`` (base URLs), or of the primary public host."""
    for base in hosts:
        parts = urlsplit(base if "//" in base else f"https://{base}")
        if parts.scheme in _DEFAULT_PORTS and parts.netloc:
            return f"{parts.scheme}://{parts.netloc.lower()}"
    return DEFAULT_BASE_URLS[0]


def canonical_article_url(url: str, hosts: Iterable[str] = ()) -> str:
    """The one URL of the article at ``url`` (the archive's identity rule; see CONTRACT.md).

    ``hosts``: the crawl's base URLs, the primary first (empty: DEFAULT_BASE_URLS). On a site host
    (``is_site_host``): scheme and host of the primary base; query (``?page=N``, ``?paged=N``,
    tracking) and fragment removed; trailing slash removed; an old section slug mapped to the
    current one (SECTION_ALIASES). Any other URL: only ``normalise.canonical_url``. Total.
    """
    hosts = tuple(hosts) or DEFAULT_BASE_URLS
    return _canonical_article_url(url, hosts)


@lru_cache(maxsize=16384)
def _canonical_article_url(url: str, hosts: tuple[str, ...]) -> str:
    clean = canonical_url(url)
    try:
        parts = urlsplit(clean)
        netloc = parts.netloc
    except ValueError:
        return clean
    if parts.scheme not in _DEFAULT_PORTS or not is_site_host(netloc, hosts):
        return clean
    base = urlsplit(primary_base(hosts))
    segments = [s for s in parts.path.split("/") if s]
    lang = segments[:1] if segments[:1] and segments[0] in LANGUAGE_PREFIXES else []
    rest = segments[len(lang):]
    if len(rest) == 2 and rest[0] in SECTION_ALIASES:
        rest[0] = SECTION_ALIASES[rest[0]]
    path = "/" + "/".join(lang + rest) if segments else "/"
    return urlunsplit((base.scheme, base.netloc, path, "", ""))


def is_article_url(url: str, hosts: str | Iterable[str] = ()) -> bool:
    """Whether ``url`` is an article page of the site.

    ``hosts``: the site's base URLs or ``host[:port]`` (one string or several; see
    ``is_site_host``). Articles: ``/<trend>/<slug>``, ``/analytics/<slug>``, root-level
    ``/7136-2`` and ``/5809belarus_in_focus_…`` and long WordPress slugs, each also under a
    language prefix (``/by/<trend>/<slug>``), with or without a trailing slash. Not articles:
    listings (``/analytics/<trend>/``, ``/page/N``), about pages (``/about-monitoring``,
    ``/about-us-partners/…``), feeds, sitemaps, files, ``wp-admin``/``wp-content``, tags.
    """
    site = (hosts,) if isinstance(hosts, str) else tuple(hosts)
    return _is_article_url(url, site)


@lru_cache(maxsize=16384)
def _is_article_url(  # noqa: PLR0911 (one rule a line reads best)
    url: str, hosts: tuple[str, ...]
) -> bool:
    try:
        parts = urlsplit(url.strip())
        if parts.scheme not in _DEFAULT_PORTS or parts.hostname is None:
            return False
        parts.port  # noqa: B018 (raises ValueError for a port outside 0-65535)
    except ValueError:
        return False
    if not is_site_host(parts.netloc, hosts):
        return False
    path = parts.path.lower()
    if path.endswith(NOT_A_PAGE):
        return False
    segments = [s for s in path.split("/") if s]
    if segments[:1] and segments[0] in LANGUAGE_PREFIXES:
        segments = segments[1:]
    if not segments or segments[0] in NOT_ARTICLE_SECTIONS or segments[0].startswith(("about", "wp-")):
        return False
    if "page" in segments or "feed" in segments[1:]:
        return False
    if len(segments) == 1:
        return ROOT_ARTICLE.fullmatch(segments[0]) is not None and segments[0] not in TREND_SLUGS
    if len(segments) == 2:
        return not (segments[0] == "analytics" and segments[1] in TREND_SLUGS)
    return False


def listing_trend(url: str) -> str | None:
    """The trend slug of a weekly trend listing URL (``/analytics/<trend>/``, its ``/page/N/``
    and ``?paged=N`` pages), or None."""
    segments = [s for s in urlsplit(url).path.lower().split("/") if s]
    if segments[:1] and segments[0] in LANGUAGE_PREFIXES:
        segments = segments[1:]
    if len(segments) >= 2 and segments[0] == "analytics" and segments[1] in TREND_SLUGS:
        return segments[1]
    return None
