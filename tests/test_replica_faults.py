"""Fault modes of the replica: the spec, its deterministic choices, and each mode over HTTP.

Pages that a fault changes only in how they arrive (drip, redirect, cp1251, malformed) go through
the project's extraction (build_item and the normalisers) and must equal the ground truth.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.extract import process_page, record
from archiver.items import RawPage
from archiver.pages.belarusinfocus import ListingPage
from archiver.replica import ReplicaServer, ReplicaSite
from archiver.replica.faults import (
    ARTICLE_MODES,
    BODY_MARKS,
    HUGE_BYTES,
    STRAY_FORM,
    SUBSCRIBE_BLOCK,
    SUBSCRIBE_FORM,
    FaultRuntime,
    FaultSpec,
)
from tests.conftest import ARTICLE_FIELDS, FROZEN_NOW

Response = tuple[int, dict[str, str], bytes]


@pytest.fixture(scope="module")
def site() -> ReplicaSite:
    return ReplicaSite(40, seed=17)


@pytest.fixture(scope="module")
def server(site: ReplicaSite) -> Iterator[ReplicaServer]:
    with ReplicaServer(site) as running:
        yield running


@pytest.fixture
def served(server: ReplicaServer) -> Iterator[ReplicaServer]:
    """The module's server with its logs cleared; faults off again afterwards."""
    server.clear_log()
    yield server
    server.faults = None


def path_of(site: ReplicaSite, n: int = 3) -> str:
    """The path of the ``n``-th newest article (a weekly-era page for small ``n``)."""
    return site.articles[n].path


def use(server: ReplicaServer, spec: str) -> None:
    server.faults = FaultSpec.parse(spec)


def get(server: ReplicaServer, target: str, *, timeout: float = 10, **headers: str) -> Response:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        conn.request("GET", target, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def raw_exchange(server: ReplicaServer, target: str, timeout: float = 5) -> bytes:
    """What the server sends to one GET on a fresh connection, until it closes."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def extracted(url: str, body: bytes, content_type: str) -> dict[str, Any]:
    """The page through build_item, the normalisers and validation, as a crawl would."""
    page = RawPage(url, FROZEN_NOW, 200, {"Content-Type": [content_type]}, body)
    return record(process_page(page))


def assert_true_to(
    site: ReplicaSite, server: ReplicaServer, target: str, body: bytes, content_type: str
) -> None:
    """The page at ``target``, extracted, equals the ground truth of the article (query dropped)."""
    got = extracted(server.base_url + target, body, content_type)
    truth = {rec["url"]: rec for rec in site.ground_truth(server.base_url)}
    want = truth[server.base_url + target.split("?", maxsplit=1)[0]]
    assert got["reject_reasons"] == []
    assert {f: got[f] for f in ARTICLE_FIELDS} == {f: want[f] for f in ARTICLE_FIELDS}
    assert [(r["target_url"], r["title"], r["kind"], r["position"]) for r in got["related"]] == [
        (r["target_url"], r["title"], r["kind"], r["position"]) for r in want["related"]
    ]


# --- the spec -----------------------------------------------------------------------------------
def test_parse_a_spec_and_read_it_back() -> None:
    spec = FaultSpec.parse(" seed=5, 503=0.3,redirect=/economy/*,burst=3,hang_seconds=0.5,, aliases=0.2")
    assert spec.modes == (("503", 0.3), ("redirect", "/economy/*"))
    assert (spec.seed, spec.burst, spec.hang_seconds, spec.aliases) == (5, 3, 0.5, 0.2)
    assert (spec.retry_after, spec.drip_seconds, spec.offsite, spec.robots) == (1, 1.0, False, False)
    assert FaultSpec.parse(spec.as_text()) == spec
    assert FaultSpec.parse("") == FaultSpec() == FaultSpec.parse("503=0")
    assert FaultSpec().as_text() == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nope=1", "unknown fault mode or option 'nope'"),
        ("gentle", "unknown fault preset 'gentle'"),
        ("503=1.5", r"503 must be a rate in \[0, 1\]"),
        ("503=-0.1", "503 must be a finite number >= 0"),
        ("503=often", "503 must be a number"),
        ("aliases=/x/*", "aliases must be a number"),
        ("burst=-1", "burst must be a finite number >= 0"),
        ("burst=1.5", "burst must be an integer"),
        ("hang_seconds=inf", "hang_seconds must be a finite number"),
        ("offsite=2", "offsite must be 0 or 1"),
        ("seed=x", "seed must be an integer"),
    ],
)
def test_bad_specs_are_rejected_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultSpec.parse(text)


def test_the_realistic_preset_and_overrides() -> None:
    spec = FaultSpec.parse("realistic")
    assert [mode for mode, _rate in spec.modes] == list(ARTICLE_MODES)
    assert all(0 < float(rate) <= 0.03 for _mode, rate in spec.modes)
    assert (spec.aliases, spec.offsite, spec.robots) == (0.1, True, True)
    tuned = FaultSpec.parse("realistic,hang_seconds=3,503=0,offsite=0")
    assert tuned.hang_seconds == 3
    assert "503" not in dict(tuned.modes)
    assert not tuned.offsite
    assert FaultSpec.parse(tuned.as_text()) == tuned


def test_choices_are_deterministic_and_follow_the_rates() -> None:
    paths = [f"/economy/article-{i}" for i in range(4000)]
    spec = FaultSpec.parse("seed=3,503=0.3")
    chosen = [p for p in paths if spec.mode_for(p) == "503"]
    assert 0.27 < len(chosen) / len(paths) < 0.33
    assert chosen == [p for p in paths if FaultSpec.parse("seed=3,503=0.3").mode_for(p) == "503"]
    assert chosen != [p for p in paths if FaultSpec.parse("seed=4,503=0.3").mode_for(p) == "503"]
    assert spec.mode_for("/economy/x") == FaultSpec.parse(spec.as_text()).mode_for("/economy/x")


def test_one_mode_per_path_transient_ones_for_a_burst() -> None:
    spec = FaultSpec.parse("burst=2,huge=1,500=1,503=/economy/*")
    assert spec.mode_for("/economy/a") == "500"  # the documented order, not the spec's
    assert [spec.decide("/economy/a", n) for n in range(4)] == ["500", "500", None, None]
    lasting = FaultSpec.parse("binary=/economy/*")
    assert [lasting.decide("/economy/a", n) for n in range(3)] == ["binary"] * 3
    assert lasting.decide("/politics/a", 0) is None
    runtime = FaultRuntime(spec)
    assert [runtime.hit("/a"), runtime.hit("/a"), runtime.hit("/b")] == [0, 1, 0]


# --- transient modes ------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["500", "502", "503", "429"])
def test_error_statuses_for_a_burst_then_the_page(
    site: ReplicaSite, served: ReplicaServer, mode: str
) -> None:
    path = path_of(site)
    use(served, f"burst=2,retry_after=7,{mode}={path}")
    for _ in range(2):
        status, headers, body = get(served, path)
        assert status == int(mode)
        assert (headers.get("retry-after") == "7") is (mode == "429")
        assert b"Please try again later" in body
    assert get(served, path)[0] == 200
    assert get(served, path_of(site, 4))[0] == 200
    assert served.fault_log == [(path, mode), (path, mode)]


def test_empty_then_the_page(site: ReplicaSite, served: ReplicaServer) -> None:
    path = path_of(site)
    use(served, f"burst=1,empty={path}")
    status, headers, body = get(served, path)
    assert (status, headers["content-type"], headers["content-length"], body) == (
        200, "text/html; charset=utf-8", "0", b"",
    )
    assert get(served, path)[2] == site.render(path, served.base_url)[2]


def test_hang_sends_nothing_then_closes(site: ReplicaSite, served: ReplicaServer) -> None:
    path = path_of(site)
    use(served, f"burst=2,hang={path},hang_seconds=0.5")
    with pytest.raises(TimeoutError):
        get(served, path, timeout=0.2)
    assert raw_exchange(served, path) == b""  # nothing sent, closed after the hang (not timed out)
    assert get(served, path)[0] == 200  # past the burst
    assert served.fault_log == [(path, "hang"), (path, "hang")]


def test_the_hang_and_drip_waits_are_the_spec_s(site: ReplicaSite) -> None:
    path = path_of(site)
    runtime = FaultRuntime(FaultSpec.parse(f"hang={path},hang_seconds=0.5,burst=1"))
    hang = runtime.action(site, path, "http://127.0.0.1:1")
    assert hang is not None
    assert (hang.transport, hang.delay, hang.body) == ("hang", 0.5, b"")
    assert runtime.action(site, path, "http://127.0.0.1:1") is None  # past the burst
    drip = FaultRuntime(FaultSpec.parse(f"drip={path},drip_seconds=0.25")).action(
        site, path, "http://127.0.0.1:1")
    assert drip is not None
    assert (drip.transport, drip.delay) == ("drip", 0.25)
    assert drip.body == site.render(path, "http://127.0.0.1:1")[2]


def test_a_hang_does_not_hold_up_stopping(site: ReplicaSite) -> None:
    path = path_of(site)
    server = ReplicaServer(site, faults=FaultSpec.parse(f"hang={path},hang_seconds=3600")).start()
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        for _ in range(6000):  # until the handler is in the hang (a minute at most)
            if server.fault_log == [(path, "hang")]:
                break
            time.sleep(0.01)
        assert server.fault_log == [(path, "hang")]
        stopper = threading.Thread(target=server.stop)
        stopper.start()
        stopper.join(timeout=60)  # a bound far below the hour's hang, not a timing
        assert not stopper.is_alive()
        assert sock.recv(1) == b""  # the hanging answer ended: closed, nothing sent
        assert server.faults is not None


def test_reset_closes_with_a_tcp_reset(site: ReplicaSite, served: ReplicaServer) -> None:
    path = path_of(site)
    use(served, f"burst=1,reset={path}")
    with pytest.raises(ConnectionResetError):
        raw_exchange(served, path)
    assert get(served, path)[0] == 200
    assert served.fault_log == [(path, "reset")]


def test_truncate_sends_half_the_announced_body(site: ReplicaSite, served: ReplicaServer) -> None:
    path = path_of(site)
    use(served, f"burst=1,truncate={path}")
    head, _, body = raw_exchange(served, path).partition(b"\r\n\r\n")
    full = site.render(path, served.base_url)[2]
    assert f"Content-Length: {len(full)}".encode() in head
    assert body == full[: len(full) // 2]
    assert get(served, path)[2] == full


# --- transparent modes: same content, extraction equals the truth ---------------------------------
def test_drip_spreads_the_page_over_drip_seconds(site: ReplicaSite, served: ReplicaServer) -> None:
    path = path_of(site)
    use(served, f"drip={path},drip_seconds=0.2")  # the wait asked for: test_the_hang_and_drip_waits...
    status, headers, body = get(served, path)
    assert served.fault_log == [(path, "drip")]
    assert (status, body) == (200, site.render(path, served.base_url)[2])
    assert "etag" in headers
    assert_true_to(site, served, path, body, headers["content-type"])


def follow_chain(served: ReplicaServer, path: str) -> tuple[str, list[int], bytes]:
    """Follow ``path``'s redirects for at most 4 requests: (last path, statuses, last body)."""
    target, statuses = path, []
    for _ in range(4):
        status, headers, body = get(served, target)
        statuses.append(status)
        if status == 200:
            break
        target = headers["location"].removeprefix(served.base_url)
    return target, statuses, body


def test_redirect_chain_ends_at_the_page(site: ReplicaSite, served: ReplicaServer) -> None:
    path = path_of(site)
    use(served, f"redirect={path}")
    target, statuses, body = follow_chain(served, path)
    assert statuses == [301, 302, 307, 200]
    assert target == f"{path}?utm_source=hop3"
    assert body == site.render(path, served.base_url)[2]
    assert served.fault_log == [(path, "redirect")]
    assert_true_to(site, served, target, body, "text/html")
    assert get(served, path)[0] == 301  # always, while on


def test_a_copys_redirect_chain_ends_at_the_copy(site: ReplicaSite, served: ReplicaServer) -> None:
    """The fault strikes every URL of an article; a re-published copy's chain ends at the copy
    (its week), not at the Drupal original."""
    article = next(a for a in site.articles if a.era == "drupal" and a.weekly_path)
    assert article.weekly_path is not None
    copy = article.weekly_path
    use(served, f"redirect={article.path}")
    target, statuses, body = follow_chain(served, copy)
    assert statuses == [301, 302, 307, 200]
    assert target == f"{copy}?utm_source=hop3"
    assert body == site.render(copy, served.base_url)[2]
    assert body != site.render(article.path, served.base_url)[2]


def test_loop_redirects_forever(site: ReplicaSite, served: ReplicaServer) -> None:
    path = path_of(site)
    use(served, f"loop={path}")
    target, seen = path, []
    for _ in range(5):
        status, headers, _body = get(served, target)
        assert status == 302
        target = headers["location"].removeprefix(served.base_url)
        seen.append(target.split("=")[-1])
    assert seen == ["loop-a", "loop-b", "loop-a", "loop-b", "loop-a"]
    assert served.fault_log == [(path, "loop")]


@pytest.mark.parametrize(
    ("mode", "content_type"),
    [("cp1251", "text/html; charset=windows-1251"), ("cp1251-noheader", "text/html")],
)
def test_cp1251_pages_decode_to_the_same_text(
    site: ReplicaSite, served: ReplicaServer, mode: str, content_type: str
) -> None:
    # an article whose page has characters windows-1251 lacks (zero-width spaces, "literal" style)
    path = next(
        a.path for a in site.articles
        if "\u200b" in site.render(a.path, served.base_url)[2].decode() and a.defect is None
    )
    use(served, f"{mode}={path}")
    status, headers, body = get(served, path)
    assert (status, headers["content-type"]) == (200, content_type)
    assert b'<meta charset="windows-1251">' in body
    assert b"&#8203;" in body
    original = site.render(path, served.base_url)[2].decode("utf-8")
    decoded = body.decode("cp1251").replace('<meta charset="windows-1251">', '<meta charset="utf-8">')
    assert unescape(decoded) == unescape(original)
    assert_true_to(site, served, path, body, content_type)


def malformed_pages(site: ReplicaSite, server: ReplicaServer) -> Iterator[tuple[str, bytes, str]]:
    """Three weekly pages and two Drupal pages, served with the ``malformed`` fault."""
    server.faults = FaultSpec.parse("malformed=1")
    paths = [path_of(site, n) for n in (0, 5, 11)] + [a.path for a in site.drupal_articles[:2]]
    assert {site.article(p).era for p in paths if site.article(p)} == {"weekly", "drupal"}
    for path in paths:
        status, headers, body = get(server, path)
        assert status == 200
        yield path, body, headers["content-type"]


def test_malformed_markup(site: ReplicaSite, served: ReplicaServer) -> None:
    for path, body, _content_type in malformed_pages(site, served):
        page = body.decode()
        opening, closing = next((o, c) for o, c in BODY_MARKS if o in page)
        main = page[page.index(opening) : page.index(closing, page.index(opening))]
        assert "\n</body></html>\n<p>" in main
        form = SUBSCRIBE_FORM if SUBSCRIBE_FORM in page else SUBSCRIBE_BLOCK
        assert form + STRAY_FORM in page
        assert main.count("</p>") < main.count("<p>")
        assert page.count("</p>") < site.render(path, served.base_url)[2].decode().count("</p>")


def test_malformed_markup_but_the_stray_end_tags_extracts_the_same(
    site: ReplicaSite, served: ReplicaServer
) -> None:
    for path, body, content_type in malformed_pages(site, served):
        without = body.replace(b"\n</body></html>\n<p>", b"\n<p>")
        assert_true_to(site, served, path, without, content_type)


def test_malformed_markup_extracts_the_same(site: ReplicaSite, served: ReplicaServer) -> None:
    for path, body, content_type in malformed_pages(site, served):
        assert_true_to(site, served, path, body, content_type)


# --- lasting modes --------------------------------------------------------------------------------
def test_huge_and_binary_pages(site: ReplicaSite, served: ReplicaServer) -> None:
    huge, binary = path_of(site, 1), path_of(site, 2)
    use(served, f"huge={huge},binary={binary}")
    for _ in range(2):
        status, headers, body = get(served, huge)
        assert (status, int(headers["content-length"]), len(body)) == (200, HUGE_BYTES, HUGE_BYTES)
        assert body.startswith(b"<!DOCTYPE html>")
        assert body.rstrip().endswith(b"</html>")
        status, headers, body = get(served, binary)
        assert (status, headers["content-type"]) == (200, "application/pdf")
        assert body.startswith(b"%PDF-1.4")


# --- listing modes --------------------------------------------------------------------------------
def test_aliases_in_listings_are_served_as_the_article(site: ReplicaSite, served: ReplicaServer) -> None:
    # the .info front page lists the Drupal-era articles, newest first
    use(served, "aliases=1")
    page = get(served, "/")[2].decode()
    newest = site.drupal_articles
    first = newest[0].path
    assert f'href="{first}?utm_source=twitter&amp;utm_medium=social"' in page
    assert f'href="{newest[1].path}/"' in page
    assert f'href="https://127.0.0.1:{served.port}{newest[2].path}"' in page
    links = ListingPage(served.base_url + "/", page).links().articles
    assert served.base_url + first in links
    for variant in (f"{first}/", f"{first}?utm_source=twitter&utm_medium=social"):
        status, _headers, body = get(served, variant)
        assert status == 200
        assert f'<link rel="canonical" href="{served.base_url}{first}">'.encode() in body
    served.faults = None
    assert get(served, f"{first}/")[0] == 404


def test_aliases_in_weekly_trend_listings(site: ReplicaSite, served: ReplicaServer) -> None:
    article = site.articles[0]
    assert article.era == "weekly"
    listing = f"/analytics/{article.path.split('/')[1]}/"
    plain = site.render(listing, served.base_url)[2].decode()
    use(served, "aliases=1")
    page = get(served, listing)[2].decode()
    assert page != plain
    assert f'href="{article.path}?utm_source=twitter&amp;utm_medium=social"' in page
    assert page.count('<article class="trend-entry">') == plain.count('<article class="trend-entry">')
    links = ListingPage(served.base_url + listing, page).links().articles
    assert served.base_url + article.path in links
    status, _headers, body = get(served, f"{article.path}?utm_source=twitter&utm_medium=social")
    assert status == 200
    assert body == site.render(article.path, served.base_url)[2]
    assert served.fault_log[0] == (listing, "aliases")


def test_offsite_bait_rows(site: ReplicaSite, served: ReplicaServer) -> None:
    use(served, "offsite=1")
    port = served.port
    page = get(served, "/economy")[2].decode()
    bait = [f"http://localhost:{port}/offsite-bait/economy", f"http://127.0.0.2:{port}/offsite-bait/economy",
            f"http://[::1]:{port}/offsite-bait/economy", f"http://127.0.0.1:{port + 1}/offsite-bait/economy",
            "https://evil.example/offsite-bait/economy"]
    for url in bait:
        assert f'<h2 class="node-title"><a href="{url}">' in page
    plain = site.render("/economy", served.base_url)[2].decode()
    assert page.count('<div class="views-row') == plain.count('<div class="views-row') + len(bait)
    links = ListingPage(served.base_url + "/economy", page).links().articles
    assert not [url for url in links if "offsite-bait" in url and f":{port}/" in url]
    assert served.fault_log == [("/economy", "offsite")]


def test_offsite_bait_on_another_port_is_not_an_article_link(served: ReplicaServer) -> None:
    use(served, "offsite=1")
    page = get(served, "/")[2].decode()
    links = ListingPage(served.base_url + "/", page).links().articles
    assert not [url for url in links if "offsite-bait" in url]


def test_robots_bait(site: ReplicaSite, served: ReplicaServer) -> None:
    use(served, "robots=1")
    robots = get(served, "/robots.txt")[2].decode()
    assert "Disallow: /private/\n" in robots
    page = get(served, "/")[2].decode()
    hidden = "/private/" + site.drupal_articles[0].path.rsplit("/", 1)[-1]
    assert f'<a href="{hidden}">' in page
    status, _headers, body = get(served, hidden)
    assert status == 200
    assert b"node-article" in body
    weekly = site.articles[0]
    listing = f"/analytics/{weekly.path.split('/')[1]}/"
    page = get(served, listing)[2].decode()
    hidden_weekly = "/private/" + weekly.path.rsplit("/", 1)[-1]
    assert f'<a class="trend-entry__link" href="{hidden_weekly}">' in page
    status, _headers, body = get(served, hidden_weekly)
    assert status == 200
    assert b"single-analytics" in body
    served.faults = None
    assert "/private/" not in get(served, "/robots.txt")[2].decode()
    assert get(served, hidden)[0] == 404
    assert get(served, hidden_weekly)[0] == 404


# --- the server -----------------------------------------------------------------------------------
def test_faults_off_serves_byte_identical_pages(site: ReplicaSite, served: ReplicaServer) -> None:
    targets = ["/", "/economy", "/robots.txt", path_of(site), path_of(site, 9)]
    use(served, "realistic,seed=1")
    served.faults = None
    for target in targets:
        assert get(served, target)[2] == site.render(target, served.base_url)[2]
    assert served.fault_log == []


def test_setting_faults_restarts_the_counters(site: ReplicaSite, served: ReplicaServer) -> None:
    path = path_of(site)
    use(served, f"burst=1,503={path}")
    assert [get(served, path)[0] for _ in range(2)] == [503, 200]
    use(served, f"burst=1,503={path}")
    assert [get(served, path)[0] for _ in range(2)] == [503, 200]


def test_host_log_and_clear_log(site: ReplicaSite, served: ReplicaServer) -> None:
    use(served, "offsite=1")
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=5)
    for host in ("localhost:1234", f"127.0.0.1:{served.port}"):
        conn.request("GET", "/offsite-bait/economy", headers={"Host": host})
        conn.getresponse().read()
    conn.close()
    assert served.host_log == ["localhost:1234", f"127.0.0.1:{served.port}"]
    assert served.request_log == ["/offsite-bait/economy"] * 2
    served.clear_log()
    assert (served.host_log, served.fault_log, served.request_log) == ([], [], [])


def test_concurrent_requests_count_each_once(site: ReplicaSite, served: ReplicaServer) -> None:
    path = path_of(site)
    use(served, f"burst=3,500={path}")
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(get(served, path)[0])) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 5 + [500] * 3


def test_cli_rejects_a_bad_spec() -> None:
    result = CliRunner().invoke(cli, ["replica", "serve", "--port", "0", "--faults", "503=2"])
    assert result.exit_code == 2
    assert "--faults" in result.output
    assert "503 must be a rate" in result.output
