"""Golden cases from stored pages (archiver/fixtures.py, ``archiver fixture save``) and the golden
test's round trip: a saved case passes, a changed output fails, ``--update-goldens`` rewrites it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.errors import FixtureError
from archiver.extract import process_page, record
from archiver.fixtures import (
    EXPECTED,
    IGNORED_KEYS,
    META,
    PAGE,
    PIPELINE,
    compared,
    load_case,
    outputs,
    save_case,
    write_outputs,
)
from archiver.items import RawPage
from archiver.replica import ReplicaSite
from archiver.store import Archive

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://127.0.0.1:8123"
FETCHED = "2026-11-28T12:00:00Z"
SHORT = b"<html><body><h1>Too short</h1><p>Nothing here.</p></body></html>"
"""A page that validation rejects (no date, a body too short)."""


def replica_page(site: ReplicaSite, kind: str, *, url_path: str | None = None) -> RawPage:
    """The replica's page of ``kind`` (ReplicaSite.samples) as fetched at FETCHED on BASE."""
    path = site.samples()[kind]
    status, content_type, body = site.render(path, BASE)
    return RawPage(url=BASE + (url_path or path), fetched_at=FETCHED, status=status,
                   headers={"Content-Type": [content_type]}, body=body)


@pytest.fixture(scope="module")
def site() -> ReplicaSite:
    return ReplicaSite(30, seed=3)


@pytest.fixture
def archive(tmp_path: Path, site: ReplicaSite) -> Iterator[Archive]:
    """An archive holding a weekly and a Drupal article (the weekly one fetched under its URL with a
    trailing slash) and one rejected page, stored directly as a crawl would."""
    weekly = replica_page(site, "weekly", url_path=site.samples()["weekly"] + "/")
    drupal = replica_page(site, "drupal")
    rejected = RawPage(url=BASE + "/economy/too-short", fetched_at=FETCHED, status=200, headers={},
                       body=SHORT)
    with Archive(tmp_path / "archive.db").open() as opened:
        outcomes = opened.store_items([process_page(p) for p in (weekly, drupal, rejected)],
                                      run_id=None, seen_at=FETCHED)
        assert outcomes == ["new", "new", "rejected"]
        yield opened


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    return folder


def test_a_saved_case_holds_the_page_its_meta_and_both_whole_outputs(
    archive: Archive, dest: Path, site: ReplicaSite
) -> None:
    url = BASE + site.samples()["weekly"]  # the canonical URL; the page was fetched with a slash
    case, got = save_case(archive, "replica-weekly", url=url, dest=dest)
    assert case == dest / "replica-weekly"
    assert sorted(p.name for p in case.iterdir()) == sorted([PAGE, META, EXPECTED, PIPELINE])
    meta = json.loads((case / META).read_text(encoding="utf-8"))
    assert meta["url"] == url + "/"
    assert meta["fetched_at"] == FETCHED
    assert meta["template"] == got[EXPECTED]["template"] == "wp-weekly-2022"
    assert "content_type" not in meta  # the default, utf-8
    assert (case / PAGE).read_bytes() == replica_page(site, "weekly").body
    assert got[PIPELINE]["url"] == url
    assert got[PIPELINE]["reject_reasons"] == []
    # the golden comparison on the saved case passes: the outputs are the code's, whole
    page, meta2 = load_case(case)
    for name, output in outputs(page, meta2).items():
        assert compared(output) == compared(json.loads((case / name).read_text(encoding="utf-8")))
    assert {"field_sources", "template", "related"} <= set(got[PIPELINE])


def test_a_case_is_saved_by_page_id_and_keeps_the_page_bytes(archive: Archive, dest: Path) -> None:
    page_id = archive.page_id_of(BASE + "/economy/too-short")
    assert page_id is not None
    case, got = save_case(archive, "rejected", page_id=page_id, dest=dest)
    assert (case / PAGE).read_bytes() == SHORT
    assert got[PIPELINE]["reject_reasons"]  # a rejected page is a case too: the outputs say why


@pytest.mark.parametrize(
    "headers", [{}, {"content-type": ["text/html; charset=windows-1251"]}], ids=["meta-charset", "header"]
)
def test_a_case_decodes_its_page_as_the_crawl_did(
    tmp_path: Path, dest: Path, site: ReplicaSite, headers: dict[str, list[str]]
) -> None:
    stored = replica_page(site, "drupal")
    text = stored.body.decode().replace('<meta charset="utf-8">', '<meta charset="windows-1251">', 1)
    text = text.replace("</h1>", " — Мінск</h1>", 1)  # not ASCII: a wrong decoding would show
    page = RawPage(stored.url, FETCHED, 200, headers, text.encode("cp1251", "xmlcharrefreplace"))
    crawled = record(process_page(page))
    assert "Мінск" in crawled["title"]
    with Archive(tmp_path / "cp1251.db").open() as archive:
        archive.store_items([process_page(page)], run_id=None, seen_at=FETCHED)
        case, got = save_case(archive, "cp1251", url=page.url, dest=dest)
    meta = json.loads((case / META).read_text(encoding="utf-8"))
    assert meta["content_type"] == (headers["content-type"][0] if headers else None)
    assert got[PIPELINE] == crawled
    assert outputs(*load_case(case)) == got


def test_a_case_is_not_overwritten_without_force(archive: Archive, dest: Path, site: ReplicaSite) -> None:
    url = BASE + site.samples()["drupal"]
    case, _ = save_case(archive, "drupal", url=url, dest=dest)
    (case / EXPECTED).write_text("{}", encoding="utf-8")
    with pytest.raises(FixtureError, match="exists"):
        save_case(archive, "drupal", url=url, dest=dest)
    assert (case / EXPECTED).read_text(encoding="utf-8") == "{}"
    save_case(archive, "drupal", url=url, dest=dest, force=True)
    assert json.loads((case / EXPECTED).read_text(encoding="utf-8"))["template"] == "drupal-2016"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"url": BASE + "/economy/never-seen"}, "no stored page for"),
        ({"page_id": 999}, "no stored page with id 999"),
        ({}, "give a URL or a page id"),
        ({"url": BASE + "/economy/too-short", "page_id": 1}, "give a URL or a page id"),
    ],
)
def test_an_unknown_page_is_a_clear_error(
    archive: Archive, dest: Path, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(FixtureError, match=message):
        save_case(archive, "x", dest=dest, **kwargs)  # type: ignore[arg-type]
    assert list(dest.iterdir()) == []


@pytest.mark.parametrize("name", ["", "../up", "a/b", ".hidden", "x" * 101, "spaced name"])
def test_a_case_name_is_one_plain_folder_name(archive: Archive, dest: Path, name: str) -> None:
    with pytest.raises(FixtureError, match="case name"):
        save_case(archive, name, page_id=1, dest=dest)
    assert list(dest.iterdir()) == []


def test_the_store_reads_a_page_by_id_and_by_any_url(archive: Archive, site: ReplicaSite) -> None:
    url = BASE + site.samples()["weekly"]
    by_canonical, by_fetched = archive.page_id_of(url), archive.page_id_of(url + "/")
    assert by_canonical == by_fetched is not None
    page = archive.page(by_canonical)
    assert page is not None
    assert (page.url, page.fetched_at, page.status) == (url + "/", FETCHED, 200)
    assert page.headers == {"Content-Type": ["text/html; charset=utf-8"]}
    assert archive.page(12345) is None
    assert archive.page_id_of(BASE + "/nowhere") is None


def test_a_listing_case_has_only_the_page_objects_output(tmp_path: Path) -> None:
    case = tmp_path / "listing"
    case.mkdir()
    (case / PAGE).write_text("<div id='main'><div class='views-row'><h2><a href='/economy/a-one'>A</a>"
                             "</h2></div></div>", encoding="utf-8")
    (case / META).write_text(json.dumps({"url": "https://belarusinfocus.info/economy",
                                         "fetched_at": FETCHED, "kind": "listing"}), encoding="utf-8")
    got = write_outputs(case)
    assert list(got) == [EXPECTED]
    assert got[EXPECTED]["articles"] == ["https://belarusinfocus.info/economy/a-one"]
    assert not (case / PIPELINE).exists()


def test_the_ignored_keys_are_few() -> None:
    assert len(IGNORED_KEYS) <= 3  # a golden compares the whole record: add one only with a reason


# --- the golden test itself, run as pytest runs it ---------------------------------------------
def run_golden_test(cases: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """tests/test_pages.py's golden test on the cases under ``cases`` (``$ARCHIVER_GOLDEN_DIR``)."""
    env = {**os.environ, "ARCHIVER_GOLDEN_DIR": str(cases)}
    env.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
         "-n", "0", "tests/test_pages.py::test_golden_page", *extra],
        capture_output=True, text=True, timeout=240, env=env, cwd=ROOT, check=False,
    )


@pytest.mark.e2e  # two pytest runs in child processes
def test_a_changed_output_fails_the_golden_test_and_update_goldens_rewrites_it(
    archive: Archive, dest: Path, site: ReplicaSite
) -> None:
    case, _ = save_case(archive, "replica-weekly", url=BASE + site.samples()["weekly"], dest=dest)
    saved = {name: (case / name).read_text(encoding="utf-8") for name in (EXPECTED, PIPELINE)}
    page, meta = load_case(case)  # what the golden test compares (it passes: see the first test)
    assert {n: compared(o) for n, o in outputs(page, meta).items()} == {
        n: compared(json.loads(text)) for n, text in saved.items()}
    changed = json.loads(saved[PIPELINE])
    changed["title"] = "A title the code does not give"
    (case / PIPELINE).write_text(json.dumps(changed), encoding="utf-8")
    failed = run_golden_test(dest)
    assert failed.returncode == 1, failed.stdout[-2000:]
    assert "replica-weekly/pipeline.json" in failed.stdout
    assert "A title the code does not give" in failed.stdout
    updated = run_golden_test(dest, "--update-goldens")
    assert updated.returncode == 0, updated.stdout[-2000:]
    assert "1 passed" in updated.stdout
    assert {name: (case / name).read_text(encoding="utf-8") for name in saved} == saved


# --- the command ------------------------------------------------------------------------------
def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["fixture", "save", *args])
    return result.exit_code, result.output


def test_the_command_saves_refuses_and_replaces(archive: Archive, dest: Path, site: ReplicaSite) -> None:
    db = str(archive.path)
    url = BASE + site.samples()["drupal"]
    code, out = invoke(url, "--db", db, "--case", "drupal", "--dir", str(dest))
    assert (code, out.strip()) == (0, f"saved {dest / 'drupal'}")
    assert load_case(dest / "drupal")[0].url == url
    code, out = invoke(url, "--db", db, "--case", "drupal", "--dir", str(dest))
    assert code == 2
    assert "exists (--force replaces it)" in out
    assert "Traceback" not in out
    assert invoke(url, "--db", db, "--case", "drupal", "--dir", str(dest), "--force")[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((BASE + "/economy/never-seen",), "no stored page for"),
        (("--page-id", "999"), "no stored page with id 999"),
        ((), "give a URL or --page-id N"),
        ((BASE + "/economy/too-short", "--page-id", "1"), "give a URL or --page-id N"),
        (("--page-id", "1", "--case", "../x"), "case name"),
    ],
)
def test_the_command_says_what_is_wrong_in_one_line(
    archive: Archive, dest: Path, args: tuple[str, ...], message: str
) -> None:
    named = () if "--case" in args else ("--case", "x")
    code, out = invoke(*args, *named, "--db", str(archive.path), "--dir", str(dest))
    assert code == 2
    assert message in out
    assert "Traceback" not in out
    assert list(dest.iterdir()) == []


def test_the_command_exits_1_when_the_saved_page_would_be_rejected(archive: Archive, dest: Path) -> None:
    code, out = invoke(BASE + "/economy/too-short", "--db", str(archive.path), "--case", "short",
                       "--dir", str(dest))
    assert code == 1
    assert "validation rejects the page: " in out
    assert (dest / "short" / PAGE).read_bytes() == SHORT


def test_the_command_writes_under_tests_fixtures_pages_of_the_working_directory(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: ReplicaSite
) -> None:
    work = tmp_path / "repo"
    monkeypatch.chdir(tmp_path)  # no tests/fixtures/pages here
    code, out = invoke(BASE + site.samples()["drupal"], "--db", str(archive.path), "--case", "d")
    assert code == 2
    assert "no folder tests/fixtures/pages" in out
    (work / "tests" / "fixtures" / "pages").mkdir(parents=True)
    monkeypatch.chdir(work)
    code, out = invoke(BASE + site.samples()["drupal"], "--db", str(archive.path), "--case", "d")
    assert code == 0, out
    assert (work / "tests" / "fixtures" / "pages" / "d" / PIPELINE).exists()
