"""The generic chain of ``archiver extract`` on the 717 real-world development pages (issue 16).

Run: ``.venv/bin/python bench/realworld_dev.py [--datasets fundus] [--no-baselines] [--per-page F]``
(a few minutes on two cores with the baselines). It runs the development set's own metric,
``score.py`` of ``$ARCHIVER_REALWORLD_DEV_DIR`` (default ``/work/shared/realworld/extraction-dev``;
its README.md defines every figure), on this checkout's ``archiver`` executable (the one beside
the running Python), with ``--baselines``: trafilatura's ``bare_extraction`` and htmldate's
``find_date`` on the same pages, and prints its table: title exact and token F1, date same-day
and exact minute, body F1, credit exact and exact-or-partial, the rejected share, crashes and
ms/page. Exit status: score.py's (0 when it ran). The targets of issue 16 are checked and
listed after the table (``check_targets``) (a benchmark, not a test: nothing fails on a missed target).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import header

DEV_DIR = Path(os.environ.get("ARCHIVER_REALWORLD_DEV_DIR") or "/work/shared/realworld/extraction-dev")
ARCHIVER = Path(sys.executable).with_name("archiver")
TARGETS: tuple[tuple[str, str, float, bool], ...] = (
    ("date same-day", "date_same_day", 0.90, True),
    ("title exact", "title_exact", 0.75, True),
    ("body F1", "body_token", 0.95, True),
    ("credits exact|partial", "credits", 0.60, True),
    ("rejected share", "rejected", 0.05, False),
)
"""Issue 16's targets: (name, key of score.py's --json summary, bound, at least (else at most)).
Each is checked on every dataset that scores it (body F1 and credits: fundus only)."""


def _figure(block: dict[str, object], key: str) -> float | None:
    """One figure of archiver's summary on one dataset (None when that dataset does not score it)."""
    value = block.get(key)
    if isinstance(value, list) and value and isinstance(value[0], int | float):
        return float(value[0])
    if isinstance(value, dict):
        inner = value.get("exact_or_partial", value.get("f1"))
        return float(inner) if isinstance(inner, int | float) else None
    return float(value) if isinstance(value, int | float) else None


def check_targets(summary: dict[str, dict[str, dict[str, object]]]) -> list[str]:
    """One line per target and dataset: the figure, the bound and whether it is met."""
    lines = []
    for name, key, bound, at_least in TARGETS:
        for dataset, systems in summary.items():
            figure = _figure(systems.get("archiver", {}), key)
            if figure is None:
                continue
            met = figure >= bound if at_least else figure <= bound
            sign = ">=" if at_least else "<="
            lines.append(f"{name:<22} {dataset:<12} {figure:7.3f} (target {sign} {bound}): "
                         f"{'met' if met else 'NOT MET'}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--datasets", default="fundus,htmldate,trafilatura")
    parser.add_argument("--no-baselines", action="store_true", help="score archiver alone (faster)")
    parser.add_argument("--per-page", help="write each page's outcome to this JSONL file")
    args = parser.parse_args()
    header("realworld_dev: the generic chain on 717 real-world pages (fundus, htmldate, trafilatura)")
    score_py = DEV_DIR / "score.py"
    if not score_py.is_file():
        print(f"no development pages in {DEV_DIR} (set ARCHIVER_REALWORLD_DEV_DIR)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        summary_file = Path(tmp) / "summary.json"
        command = [
            sys.executable, str(score_py), "--archiver", str(ARCHIVER), "--datasets", args.datasets,
            "--json", str(summary_file),
        ]  # fmt: skip
        if not args.no_baselines:
            command += ["--baselines", "--python", sys.executable]
        if args.per_page:
            command += ["--per-page", args.per_page]
        print(" ".join(command), flush=True)
        done = subprocess.run(command, cwd=DEV_DIR, check=False)
        if done.returncode != 0 or not summary_file.is_file():
            return done.returncode or 1
        summary = json.loads(summary_file.read_text(encoding="utf-8"))
    print()
    for line in check_targets(summary):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
