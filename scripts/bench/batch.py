"""End-to-end batch throughput: diffscore-batch scoring distinct realistic rows (an Excel-style CSV,
scripts/bench/profiles.py) through gunicorn (production config) on one Redis, against the report
catalog and against a registered catalog of as many products; then two instances on that Redis,
each on its own CPU with its own client, against one instance on one CPU; and the per-row cost of
single POST /v1/scores calls.

    .venv/bin/python -m scripts.bench.batch [--rows 12000] [--redis-url redis://127.0.0.1:6379/0]

Every run scores rows none before it scored (the miss path). Rows are scored with the top
recommendation (the default) and without (--no-recommendations), the whole market's first pass.
"""

import argparse
import csv
import os
import subprocess  # nosec B404
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import redis
import requests

from scripts.bench.common import ROOT, gunicorn, report
from scripts.bench.profiles import realistic_profiles

COLUMNS = ["id", "name", "domain", "tech_stack", "scenarios", "target_segments", "business_model", "partners",
           "compliance.licenses", "compliance.data_sources", "compliance.privacy_controls",
           "compliance.certification", "compliance.max_apr"]


def portfolio(path: Path, profiles: list[dict], tag: str) -> None:
    """Profiles as an Excel-style CSV: list cells joined with '; ', rates as '24%'."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i, profile in enumerate(profiles):
            cells = {**profile, **{f"compliance.{k}": v for k, v in profile["compliance"].items()}, "id": f"{tag}{i}"}
            rate = cells.get("compliance.max_apr")
            cells["compliance.max_apr"] = f"{rate * 100:g}%" if isinstance(rate, float) else rate or ""
            writer.writerow(["; ".join(v) if isinstance(v, list) else v for v in (cells.get(c, "") for c in COLUMNS)])


def products(profiles: list[dict]) -> list[dict]:
    """A registered catalog made of realistic profiles: each one a product with an id (a catalog's
    rate is a number: the profiles' rates written as text are left out)."""
    found = []
    for i, profile in enumerate(profiles):
        compliance = {k: v for k, v in profile["compliance"].items() if k != "max_apr" or not isinstance(v, str)}
        found.append({"id": f"p{i}", **{k: v for k, v in profile.items() if k != "description"},
                      "compliance": compliance})
    return found


def batch(base: str, source: Path, output: Path, *options: str, cpu: int | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "scripts.batch_score", str(source), "-o", str(output), "--base-url", base,
               "--quiet", *options]
    if cpu is not None:
        command = ["taskset", "-c", str(cpu), *command]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # nosec B603


def timed(*processes: subprocess.Popen) -> float:
    started = time.perf_counter()
    for process in processes:
        if process.wait(timeout=1800) not in (0, 1):       # 1: some rows were not scored (listed)
            sys.exit(f"diffscore-batch failed: {process.args}")
    return time.perf_counter() - started


def scored(output: Path) -> int:
    with output.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for row in csv.DictReader(handle) if row["status"] == "scored")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=12000)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    rows = args.rows
    profiles = realistic_profiles(7 * rows + 500)
    slices = iter(range(0, 7 * rows, rows))

    def unseen() -> list[dict]:
        start = next(slices)
        return profiles[start:start + rows]

    prefix = f"bench-batch-{uuid.uuid4().hex[:8]}"
    shared = {"REDIS_URL": args.redis_url, "DIFFSCORE_REDIS_KEY_PREFIX": prefix, "GUNICORN_MAX_REQUESTS": "0"}
    results = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            with gunicorn(**shared) as (base, _):
                catalog = products(unseen())
                started = time.perf_counter()
                requests.put(f"{base}/v1/catalogs/market", json={"products": catalog}, timeout=600).raise_for_status()
                registered = time.perf_counter() - started
                for name, options in (("report catalog", ()), ("report catalog, --no-recommendations",
                                                               ("--no-recommendations",)),
                                      (f"registered catalog of {len(catalog):,} products", ("--catalog", "market")),
                                      (f"registered catalog of {len(catalog):,}, --no-recommendations",
                                       ("--catalog", "market", "--no-recommendations"))):
                    source, output = work / f"{len(results)}.csv", work / f"{len(results)}-out.csv"
                    portfolio(source, unseen(), f"r{len(results)}-")
                    seconds = timed(batch(base, source, output, *options))
                    results.append({"run": f"diffscore-batch, {rows:,} rows, {name}", "instances": 1,
                                    "cpus": f"{os.cpu_count()} shared", "seconds": round(seconds, 1),
                                    "rows_per_s": round(rows / seconds, 1), "scored": scored(output)})
                session = requests.Session()
                singles = profiles[7 * rows:]
                started = time.perf_counter()
                for profile in singles:
                    session.post(f"{base}/v1/scores", json=profile, timeout=30).raise_for_status()
                single_seconds = time.perf_counter() - started
            # One instance on one CPU against two on one CPU each, all on the same Redis; each instance's
            # client on its instance's CPU. Half the rows each, so each run scores `rows` in all.
            options = ("--no-recommendations",)
            half = rows // 2
            with ExitStack() as stack:
                one = stack.enter_context(gunicorn(workers=1, cpu=0, WEB_CONCURRENCY="1", **shared))[0]
                source, output = work / "one.csv", work / "one-out.csv"
                portfolio(source, unseen()[:half], "one-")
                one_seconds = timed(batch(one, source, output, *options, cpu=0))
                one_scored = scored(output)
            with ExitStack() as stack:
                bases = [stack.enter_context(gunicorn(workers=1, cpu=cpu, WEB_CONCURRENCY="1", **shared))[0]
                         for cpu in (0, 1)]
                fresh = unseen()
                runs = []
                for cpu, base in enumerate(bases):
                    source, output = work / f"two-{cpu}.csv", work / f"two-{cpu}-out.csv"
                    portfolio(source, fresh[cpu * half:(cpu + 1) * half], f"two{cpu}-")
                    runs.append((batch(base, source, output, *options, cpu=cpu), output))
                two_seconds = timed(*(process for process, _ in runs))
                two_scored = sum(scored(output) for _, output in runs)
            one_rate, two_rate = half / one_seconds, 2 * half / two_seconds
            results.append({"run": f"diffscore-batch, {half:,} rows, --no-recommendations", "instances": 1,
                            "cpus": "1 (server and client on CPU 0)", "seconds": round(one_seconds, 1),
                            "rows_per_s": round(one_rate, 1), "scored": one_scored})
            results.append({"run": f"diffscore-batch x2, {half:,} rows each, --no-recommendations", "instances": 2,
                            "cpus": "2 (each server and its client on its own CPU)", "seconds": round(two_seconds, 1),
                            "rows_per_s": round(two_rate, 1), "scored": two_scored})
            results.append({"run": f"single POST /v1/scores, {len(singles)} sequential calls", "instances": 1,
                            "cpus": f"{os.cpu_count()} shared", "seconds": round(single_seconds, 1),
                            "rows_per_s": round(len(singles) / single_seconds, 1), "scored": len(singles)})
    finally:
        client = redis.Redis.from_url(args.redis_url)
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)
    report(f"batch scoring end to end (diffscore-batch -> POST /v1/scores/batch; catalog registered in "
           f"{registered:.1f} s; two instances {two_rate / one_rate:.2f}x one)", results)


if __name__ == "__main__":
    main()
