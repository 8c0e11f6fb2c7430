"""Scrapyd end to end: deploy this project as an egg to a real Scrapyd on loopback, schedule the
spider against a replica, and check the archive it writes (see docs/operations.md, "Scrapyd").

Hermetic: Scrapyd, the replica and the crawl all live on 127.0.0.1 in a temporary directory.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from archiver.replica import ReplicaServer, ReplicaSite
from archiver.store import Archive
from tests.conftest import FROZEN_NOW, Replica, child_env

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "archiver"
SPIDER = "belarusinfocus"
STARTUP_TIMEOUT = 30.0
JOB_TIMEOUT = 120.0


@dataclass
class Scrapyd:
    """A running Scrapyd and where it keeps its files."""

    url: str
    home: Path
    process: subprocess.Popen[bytes]

    def get(self, endpoint: str, **params: str) -> dict[str, Any]:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with urllib.request.urlopen(f"{self.url}/{endpoint}{query}", timeout=60) as response:
            return json.loads(response.read())  # type: ignore[no-any-return]

    def post(self, endpoint: str, fields: list[tuple[str, str]], files: dict[str, bytes] | None = None,
             ) -> dict[str, Any]:
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            f"{self.url}/{endpoint}", data=body, headers={"Content-Type": content_type}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())  # type: ignore[no-any-return]

    def log(self) -> str:
        """Scrapyd's own log and every job log: for assertion messages."""
        parts = [(self.home / "scrapyd.out").read_text(errors="replace")[-4000:]]
        parts += [p.read_text(errors="replace")[-4000:] for p in sorted((self.home / "logs").rglob("*.log"))]
        return "\n----\n".join(parts)


def multipart(fields: list[tuple[str, str]], files: dict[str, bytes]) -> tuple[bytes, str]:
    """A multipart/form-data body (what scrapyd-deploy's POST to addversion.json sends)."""
    boundary = "archiver-test-boundary-7c1e"
    chunks: list[bytes] = []
    for name, value in fields:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, data in files.items():
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="project.egg"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + data + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_config(home: Path, port: int) -> None:
    """scrapyd.conf in Scrapyd's working directory: loopback, a free port, every directory under home.

    ``items_dir`` stays empty (Scrapyd's default), as docs/operations.md says: the archive is the
    output, and a feed export of the items fails on each one (they carry the raw page as bytes).
    """
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\n"
        f"logs_dir = {home / 'logs'}\n"
        f"dbs_dir = {home / 'dbs'}\n"
        "items_dir =\n"
        "jobs_dir =\n"
        "poll_interval = 0.2\n"
        "max_proc = 1\n"
        "username =\n"
        "password =\n"
    )


def start_scrapyd(home: Path) -> Scrapyd:
    """Start Scrapyd (``python -m scrapyd``) and wait until daemonstatus.json answers."""
    # HOME points at the temporary directory so that no ~/.scrapyd.conf or ~/.config/scrapy.cfg of
    # the machine applies; the working directory has no scrapy.cfg above it, so Scrapyd reads only
    # our scrapyd.conf (and /etc/scrapyd/, which a test machine does not have).
    env = child_env(HOME=str(home))
    for name in ("SCRAPY_SETTINGS_MODULE", "SCRAPY_PROJECT", "XDG_CONFIG_HOME"):
        env.pop(name, None)
    for _attempt in range(3):  # the free port can be taken between our probe and Scrapyd's bind
        port = free_port()
        write_config(home, port)
        with (home / "scrapyd.out").open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "scrapyd", "--pidfile="],
                cwd=home, env=env, stdout=out, stderr=subprocess.STDOUT,
            )
        server = Scrapyd(f"http://127.0.0.1:{port}", home, process)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if server.get("daemonstatus.json").get("status") == "ok":
                    return server
            except OSError:
                pass  # not listening yet
            time.sleep(0.1)
        stop(process)
    raise AssertionError(f"scrapyd did not start:\n{(home / 'scrapyd.out').read_text(errors='replace')}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def build_egg(work: Path) -> Path:
    """The project's egg, built with ``scrapyd-deploy --build-egg`` from a staged copy.

    The stage holds the ``archiver`` package and ``scrapy.cfg`` only: scrapyd-deploy writes its own
    setup.py (packages plus the ``scrapy`` entry point ``settings = archiver.settings``, read from
    scrapy.cfg) and build directories into the project directory, which must not touch the checkout.
    """
    stage = work / "stage"
    shutil.copytree(ROOT / "archiver", stage / "archiver",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(ROOT / "scrapy.cfg", stage / "scrapy.cfg")
    egg = work / "archiver.egg"
    env = {k: v for k, v in os.environ.items() if k not in ("SCRAPY_SETTINGS_MODULE", "SCRAPY_PROJECT")}
    result = subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy", "--build-egg", str(egg)],
        cwd=stage, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return egg


@pytest.fixture(scope="module")
def replica_30() -> Iterator[Replica]:
    site = ReplicaSite(30, seed=11)
    with ReplicaServer(site) as server:
        yield Replica(site, server)


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[Scrapyd]:
    home = tmp_path / "scrapyd"
    home.mkdir()
    server = start_scrapyd(home)
    try:
        yield server
    finally:
        stop(server.process)


def test_deploy_schedule_and_crawl_through_scrapyd(
    replica_30: Replica, scrapyd: Scrapyd, tmp_path: Path
) -> None:
    egg = build_egg(tmp_path)
    with zipfile.ZipFile(egg) as zf:
        names = set(zf.namelist())
        entry_points = zf.read("EGG-INFO/entry_points.txt").decode()
    assert {"archiver/settings.py", "archiver/spiders/belarusinfocus.py",
            "archiver/store/__init__.py", "archiver/store/schema.py"} <= names
    assert "[scrapy]" in entry_points
    assert "settings = archiver.settings" in entry_points

    added = scrapyd.post(
        "addversion.json", [("project", PROJECT), ("version", "1")], {"egg": egg.read_bytes()}
    )
    assert added.get("status") == "ok", f"{added}\n{scrapyd.log()}"
    assert added.get("spiders") == 1
    assert scrapyd.get("listspiders.json", project=PROJECT)["spiders"] == [SPIDER]

    db = tmp_path / "scrapyd-archive.db"
    scheduled = scrapyd.post("schedule.json", [
        ("project", PROJECT),
        ("spider", SPIDER),
        ("base_url", replica_30.base_url),
        ("db", str(db)),
        ("setting", f"ARCHIVER_NOW={FROZEN_NOW}"),
    ])
    assert scheduled.get("status") == "ok", f"{scheduled}\n{scrapyd.log()}"
    job = scheduled["jobid"]

    deadline = time.monotonic() + JOB_TIMEOUT
    finished: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        jobs = scrapyd.get("listjobs.json", project=PROJECT)
        finished = [j for j in jobs["finished"] if j["id"] == job]
        if finished:
            break
        time.sleep(0.3)
    assert finished, f"job {job} did not finish in {JOB_TIMEOUT} s\n{scrapyd.log()}"

    job_log = scrapyd.home / "logs" / PROJECT / SPIDER / f"{job}.log"
    assert job_log.exists(), scrapyd.log()
    assert "] ERROR:" not in job_log.read_text(errors="replace"), scrapyd.log()
    assert db.exists(), f"no archive at {db}\n{scrapyd.log()}"
    with Archive(db).open(readonly=True) as archive:
        articles = {row["url"]: row["title"] for row in archive.db["articles"].rows}
        runs = list(archive.db["crawl_runs"].rows)
    truth = replica_30.truth()
    assert {url: rec["title"] for url, rec in truth.items()} == articles, scrapyd.log()
    assert len(runs) == 1, runs
    assert runs[0]["finished_at"] == FROZEN_NOW
    assert runs[0]["exit_code"] == 0, f"{runs[0]}\n{scrapyd.log()}"
