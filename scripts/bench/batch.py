"""End-to-end batch throughput: diffscore-batch scoring 10,000 distinct realistic rows (an Excel-style
CSV, scripts/bench/profiles.py) through gunicorn (production config), next to the per-row cost of
single POST /v1/scores calls.

    .venv/bin/python -m scripts.bench.batch [--rows 10000]
"""

import argparse
import csv
import subprocess  # nosec B404
import sys
import tempfile
import time
from pathlib import Path

import requests

from scripts.bench.common import ROOT, gunicorn, report
from scripts.bench.profiles import realistic_profiles


def portfolio(path: Path, rows: int) -> None:
    """Distinct realistic profiles as an Excel-style CSV: list cells joined with '; ', rates as '24%'."""
    columns = ["id", "name", "domain", "tech_stack", "scenarios", "target_segments", "business_model", "partners",
               "compliance.licenses", "compliance.data_sources", "compliance.privacy_controls",
               "compliance.certification", "compliance.max_apr"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for i, profile in enumerate(realistic_profiles(rows)):
            cells = {**profile, **{f"compliance.{k}": v for k, v in profile["compliance"].items()}, "id": f"b{i}"}
            rate = cells.get("compliance.max_apr")
            cells["compliance.max_apr"] = f"{rate * 100:g}%" if isinstance(rate, float) else rate or ""
            writer.writerow(["; ".join(v) if isinstance(v, list) else v for v in (cells.get(c, "") for c in columns)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10000)
    args = parser.parse_args()
    with gunicorn() as (base, _), tempfile.TemporaryDirectory() as tmp:
        source, output = Path(tmp) / "rows.csv", Path(tmp) / "scored.csv"
        portfolio(source, args.rows)
        started = time.perf_counter()
        command = [sys.executable, "-m", "scripts.batch_score", str(source), "-o", str(output), "--base-url", base,
                   "--quiet"]
        subprocess.run(command, cwd=ROOT, check=True)  # nosec B603
        batch_seconds = time.perf_counter() - started
        session = requests.Session()
        singles = 500
        started = time.perf_counter()
        for profile in realistic_profiles(args.rows + singles)[args.rows:]:  # unseen: the miss path too
            session.post(f"{base}/v1/scores", json=profile, timeout=30).raise_for_status()
        single_seconds = time.perf_counter() - started
    report("batch scoring end to end (diffscore-batch -> POST /v1/scores/batch)", [
        {"path": f"diffscore-batch, {args.rows} rows", "rows_per_s": round(args.rows / batch_seconds, 1),
         "ms_per_row": round(batch_seconds * 1000 / args.rows, 3)},
        {"path": f"single POST /v1/scores, {singles} sequential calls", "rows_per_s": round(singles / single_seconds, 1),
         "ms_per_row": round(single_seconds * 1000 / singles, 3)},
    ])


if __name__ == "__main__":
    main()
