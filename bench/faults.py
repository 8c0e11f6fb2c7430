"""Figures for docs/reliability.md: each replica fault mode alone over 30 articles, then all of them
at the ``realistic`` rates over 300, then a second run with the faults off.

Run: ``.venv/bin/python bench/faults.py`` (about 2 minutes on 2 cores); ``--attacks``: the
hostile modes of issue 17 instead (``ATTACKS`` and ``SITE_ATTACKS``, about 1 minute). Prints one
line per mode: how often it fired, the run's exit code, articles archived / listed as failed / missing, fields
that differ from the ground truth, the reasons recorded, and the wall time of the run.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from archiver.replica import ReplicaServer, ReplicaSite
from archiver.replica.faults import ATTACKS, LASTING, SITE_ATTACKS, TRANSIENT, TRANSPARENT, FaultSpec
from archiver.store import Archive

FROZEN_NOW = "2026-11-28T12:00:00Z"
FAST = "seed=5,burst=2,hang_seconds=3,retry_after=1,drip_seconds=0.5"
FIELDS = (
    "title", "category", "trend_status", "published_at", "published_local", "published_raw",
    "image_url", "image_credit", "lead", "body", "word_count",
)


def crawl(base_url: str, db: Path) -> tuple[int, float]:
    """``archiver crawl`` of ``base_url`` into ``db``: exit code and wall seconds."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "archiver", "crawl", "--base-url", base_url, "--db", str(db),
         "-s", f"ARCHIVER_NOW={FROZEN_NOW}", "-s", "DOWNLOAD_TIMEOUT=1.5"],
        capture_output=True, text=True, check=False,
    )
    if "Traceback" in result.stderr:
        raise RuntimeError(result.stderr[-2000:])
    return result.returncode, time.monotonic() - started


def outcome(site: ReplicaSite, base_url: str, db: Path) -> tuple[int, int, int, int, list[str]]:
    """Archived, failed, missing (neither), wrong fields, and the distinct failure reasons."""
    truth = {rec["url"]: rec for rec in site.ground_truth(base_url)}
    with Archive(db).open(readonly=True) as archive:
        if archive.integrity_check() != ["ok"]:
            raise RuntimeError("integrity_check failed")
        rows = {row["url"]: row for row in archive.db.query("SELECT * FROM articles")}
        run = archive.runs(limit=1)[0]
        problems = {row["url"]: row for row in archive.run_rejects(int(run["id"]))}
    wrong = sum(1 for url, row in rows.items() for f in FIELDS if row[f] != truth[url][f])
    missing = len(set(truth) - set(rows) - set(problems))
    reasons = sorted({_shape(str(p["reason"])) for p in problems.values()})
    return len(rows), len(problems), missing, wrong, reasons


def _shape(reason: str) -> str:
    """A reason with URLs and numbers of bytes cut, so that equal causes print once."""
    return reason.split(" (", maxsplit=1)[0][:90]


def one_mode(site: ReplicaSite, server: ReplicaServer, mode: str, rate: float) -> None:
    """One mode alone at ``rate``, then (for lasting modes) a healing run with faults off."""
    server.faults = FaultSpec.parse(f"{FAST},{mode}={rate}")
    server.clear_log()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "archive.db"
        code, seconds = crawl(server.base_url, db)
        fired = sum(1 for _path, m in server.fault_log if mode in m.split("+"))
        archived, failed, missing, wrong, reasons = outcome(site, server.base_url, db)
        healed = ""
        if failed:
            server.faults = None
            code2, _ = crawl(server.base_url, db)
            again = outcome(site, server.base_url, db)
            healed = f"; run 2 exit {code2}: {again[0]} archived, {again[3]} wrong"
    server.faults = None
    print(f"| `{mode}` | {fired} | {code} | {archived} | {failed} | {missing} | {wrong} | "
          f"{seconds:.1f} | {'; '.join(reasons) or '-'}{healed} |")


def realistic(articles: int = 300) -> None:
    """Every mode at the realistic rates over ``articles`` articles, then a run with faults off."""
    site = ReplicaSite(articles, seed=23)
    with ReplicaServer(site, faults=FaultSpec.parse(f"realistic,{FAST}")) as server, \
            tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "archive.db"
        code, seconds = crawl(server.base_url, db)
        modes = Counter(mode for _path, mode in server.fault_log)
        archived, failed, missing, wrong, reasons = outcome(site, server.base_url, db)
        print(f"\nrealistic over {articles}: {sum(modes.values())} faults in {len(modes)} modes "
              f"({dict(sorted(modes.items()))})")
        print(f"  run 1: exit {code}, {seconds:.1f} s, {archived} archived, {failed} failed, "
              f"{missing} missing, {wrong} wrong fields; reasons: {reasons}")
        server.faults = None
        code, seconds = crawl(server.base_url, db)
        archived, failed, missing, wrong, _ = outcome(site, server.base_url, db)
        print(f"  run 2 (faults off): exit {code}, {seconds:.1f} s, {archived} archived, "
              f"{failed} failed, {missing} missing, {wrong} wrong fields")


def attacks() -> None:
    """Each hostile mode of issue 17 alone over 30 articles (docs/reliability.md, "Attacks")."""
    site = ReplicaSite(30, seed=21)
    print("| mode | fired | exit | archived | failed | missing | wrong fields | s | reasons |")
    print("|---|---|---|---|---|---|---|---|---|")
    rates = {"retry_after_junk": 0.3, "badlink": 1.0}
    with ReplicaServer(site) as server:
        for mode in ATTACKS:
            one_mode(site, server, mode, rates.get(mode, 0.2))
        for mode in SITE_ATTACKS:
            one_mode(site, server, mode, 1)


def main() -> None:
    """Print the table rows of docs/reliability.md, then the realistic run."""
    if "--attacks" in sys.argv[1:]:
        attacks()
        return
    site = ReplicaSite(30, seed=21)
    print("| mode | fired | exit | archived | failed | missing | wrong fields | s | reasons |")
    print("|---|---|---|---|---|---|---|---|---|")
    with ReplicaServer(site) as server:
        for mode in (*TRANSIENT, *TRANSPARENT):
            one_mode(site, server, mode, 0.3)
        for mode in LASTING:
            one_mode(site, server, mode, 0.2)
    realistic()


if __name__ == "__main__":
    main()
