"""The crawl's scope: every spelling of a page of the site is one URL; other hosts are out."""

from __future__ import annotations

import pytest

from archiver.pages.scope import SiteScope

REAL = SiteScope("https://belarusinfocus.info")
REPLICA = SiteScope("http://127.0.0.1:5555")


@pytest.mark.parametrize(
    ("link", "placed"),
    [
        ("https://belarusinfocus.info/politics/a-b", "https://belarusinfocus.info/politics/a-b"),
        ("http://belarusinfocus.info/politics/a-b/", "https://belarusinfocus.info/politics/a-b"),
        ("https://www.belarusinfocus.info/politics/a-b", "https://belarusinfocus.info/politics/a-b"),
        ("https://BelarusInFocus.info/politics/a-b?utm_source=tw&utm_medium=x",
         "https://belarusinfocus.info/politics/a-b"),
        ("http://belarusinfocus.info:80/politics/a-b", "https://belarusinfocus.info/politics/a-b"),
        ("https://belarusinfocus.info/politics/a-b#comments", "https://belarusinfocus.info/politics/a-b"),
        ("https://belarusinfocus.info/?page=2", "https://belarusinfocus.info/?page=2"),
    ],
)
def test_spellings_of_the_real_site_collapse_to_one(link: str, placed: str) -> None:
    assert REAL.place(link) == placed


@pytest.mark.parametrize(
    ("link", "placed"),
    [
        ("https://127.0.0.1:5555/politics/a-b/", "http://127.0.0.1:5555/politics/a-b"),
        ("http://127.0.0.1:5555/politics/a-b?fbclid=1", "http://127.0.0.1:5555/politics/a-b"),
    ],
)
def test_spellings_of_a_replica_collapse_to_one(link: str, placed: str) -> None:
    assert REPLICA.place(link) == placed


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/politics/a-b",
        "https://belarusinfocus.info.evil.example/politics/a-b",
        "https://notbelarusinfocus.info/politics/a-b",
        "https://belarusinfocus.info:8443/politics/a-b",
        "ftp://belarusinfocus.info/politics/a-b",
        "javascript:alert(1)",
        "mailto:editor@belarusinfocus.info",
        "",
    ],
)
def test_other_hosts_ports_and_schemes_are_outside(link: str) -> None:
    assert REAL.place(link) is None


@pytest.mark.parametrize(
    "link",
    [
        "http://localhost:5555/politics/a-b",
        "http://127.0.0.2:5555/politics/a-b",
        "http://[::1]:5555/politics/a-b",
        "http://127.0.0.1:5556/politics/a-b",
        "http://127.0.0.1/politics/a-b",
        "http://0.0.0.0:5555/politics/a-b",
        "http://127.0.0.1:99999/politics/a-b",
    ],
)
def test_loopback_variants_are_not_the_replica(link: str) -> None:
    assert REPLICA.place(link) is None


def test_a_base_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="http"):
        SiteScope("ftp://belarusinfocus.info")


def test_a_mirror_host_is_the_same_site_placed_on_the_primary() -> None:
    """CONTRACT: .info is primary, .pro its mirror; issue 17.9: a redirect to the mirror stays one row."""
    both = SiteScope("https://belarusinfocus.info", ("https://belarusinfocus.pro",))
    for link in ("https://belarusinfocus.pro/analytics/a-b", "http://www.belarusinfocus.pro/analytics/a-b/"):
        assert both.place(link) == "https://belarusinfocus.info/analytics/a-b"
    assert both.place("https://belarusinfocus.pro:8443/analytics/a-b") is None
    assert both.place("https://belarusinfocus.org/analytics/a-b") is None
    assert REAL.place("https://belarusinfocus.pro/analytics/a-b") is None
    loop = SiteScope("http://127.0.0.1:5555", ("http://127.0.0.1:5556",))
    assert loop.place("http://127.0.0.1:5556/a/b") == "http://127.0.0.1:5555/a/b"
    assert loop.place("http://localhost:5556/a/b") is None
