"""HTTP load run on 127.0.0.1 with wrk against gunicorn and the production config (gunicorn.conf.py).

Every scoring row is measured on distinct, realistic profiles (scripts/bench/profiles.py): each
request a profile the answer cache has not seen (the miss path), unless the row says hit path. The
floor endpoint validates the same bodies with the same schema and answers a full-size body without
scoring: the cost of the request itself on this stack.

    apt-get install wrk            # Debian's package
    .venv/bin/python -m scripts.bench.http [--seconds 8] [--connections 32] [--profiles 12000]
"""

import argparse
import json
import os
import re
import shutil
# The benchmark starts gunicorn and wrk: fixed commands, no shell.
import subprocess  # nosec B404
import sys
import tempfile
from pathlib import Path

import requests

from scripts.bench.common import gunicorn, report
from scripts.bench.profiles import realistic_profiles

BATCH_SIZE = 100
# Each wrk thread walks its own stride of the bodies, so no two requests of a run repeat a profile.
LUA = """
local bodies = {%s}
local path = "%s"
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
function init(args) counter = id; stride = 2 end
function request()
  counter = counter + stride
  return wrk.format("POST", path, {["Content-Type"] = "application/json"}, bodies[(counter %% #bodies) + 1])
end
"""


def wrk(base: str, path: str, bodies: list[str], seconds: int, connections: int, workdir: Path) -> dict:
    script = workdir / f"bodies-{abs(hash((path, len(bodies))))}.lua"
    # Long brackets: Lua reads the JSON as is (its escapes are JSON's, not Lua's).
    script.write_text(LUA % (",".join(f"[==[{b}]==]" for b in bodies), path), encoding="utf-8")
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), base + path]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout  # nosec B603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def percentile(p):
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)

    return {"requests_per_s": rps, "requests": total, "p50_ms": percentile(50), "p99_ms": percentile(99),
            "non_2xx": int(errors.group(1)) if errors else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--profiles", type=int, default=40000)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    profiles = realistic_profiles(args.profiles)
    bodies = [json.dumps(p) for p in profiles]
    fresh = iter(range(len(bodies)))

    def unseen(count: int) -> list[str]:
        """Bodies no earlier row sent, so each row measures the miss path."""
        return [bodies[next(fresh)] for _ in range(count)]

    share = len(bodies) // 4
    batches = [json.dumps({"items": profiles[i:i + BATCH_SIZE]})
               for i in range(0, 1000, BATCH_SIZE)]
    # Workers are not recycled during the run (gunicorn.conf.py does so every ~20,000 requests): a
    # restart would empty a worker's answer cache and stall its requests while it loads.
    with gunicorn("scripts.bench.floor_app:app", GUNICORN_MAX_REQUESTS="0") as (base, _), \
            tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        hits = bodies[-1000:]

        def warm() -> list[str]:
            """The hit path: answers already cached (each worker fills its own layer), just before."""
            for body in hits:
                for _ in range(3):
                    requests.post(f"{base}/v1/scores", data=body.encode(),
                                  headers={"Content-Type": "application/json"}, timeout=30).raise_for_status()
            return hits

        rows = [
            {"endpoint": "POST /floor/ (validate + full-size body)",
             **wrk(base, "/floor/", unseen(share), args.seconds, args.connections, workdir)},
            {"endpoint": "POST /v1/scores (full report, miss path)",
             **wrk(base, "/v1/scores", unseen(share), args.seconds, args.connections, workdir)},
            {"endpoint": "POST /v1/scores?fields=scores (miss path)",
             **wrk(base, "/v1/scores?fields=scores", unseen(share), args.seconds, args.connections, workdir)},
            {"endpoint": "POST /v1/scores (full report, hit path, 1,000 profiles)",
             **wrk(base, "/v1/scores", warm(), args.seconds, args.connections, workdir)},
            {"endpoint": f"POST /v1/scores/batch ({BATCH_SIZE} rows, the same 1,000 profiles)",
             **wrk(base, "/v1/scores/batch", batches, args.seconds, args.connections, workdir)},
        ]
    floor = rows[0]["requests_per_s"]
    for row in rows:
        row["x_floor"] = round(row["requests_per_s"] / floor, 2)
        if row["requests"] > share:
            row["endpoint"] += " (profiles repeated)"
    report(f"HTTP load (wrk, {args.connections} connections, {args.seconds}s each, gunicorn.conf.py, "
           f"{os.cpu_count()} cores, {len(bodies)} distinct profiles)", rows)


if __name__ == "__main__":
    main()
