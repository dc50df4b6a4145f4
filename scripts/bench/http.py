"""HTTP load run on 127.0.0.1 with wrk against gunicorn and the production config (gunicorn.conf.py):
POST /v1/scores, POST /v1/scores/batch, the floor endpoint and GET /healthz, in one run.

    apt-get install wrk            # Debian's package
    .venv/bin/python -m scripts.bench.http [--seconds 10] [--connections 8]
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
from service.api.examples import NEV_INSURANCE_EN, NEV_INSURANCE_ZH, SOCIAL_CREDIT_EN

BATCH_SIZE = 100


def wrk(url: str, body: str | None, seconds: int, connections: int, workdir: Path) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if body is not None:
        script = workdir / f"post-{abs(hash(body))}.lua"
        script.write_text(f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                          f"wrk.body = {json.dumps(body)}\n", encoding="utf-8")
        command += ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout  # nosec B603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def percentile(p):
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)

    return {"requests_per_s": rps, "p50_ms": percentile(50), "p99_ms": percentile(99),
            "non_2xx": int(errors.group(1)) if errors else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    with gunicorn("scripts.bench.floor_app:app") as (base, _):
        profile = json.dumps(NEV_INSURANCE_EN)
        items = [NEV_INSURANCE_EN, NEV_INSURANCE_ZH, SOCIAL_CREDIT_EN] * (BATCH_SIZE // 3 + 1)
        batch = json.dumps({"items": items[:BATCH_SIZE]})
        sizes = [len(requests.post(f"{base}{path}", data=profile, headers={"Content-Type": "application/json"},
                                   timeout=10).content) for path in ("/floor/", "/v1/scores")]
        if abs(sizes[0] - sizes[1]) > 16:  # only the cache source may differ
            sys.exit(f"floor and scores bodies differ in size: {sizes}")
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            rows = [
                {"endpoint": "POST /v1/scores", **wrk(f"{base}/v1/scores", profile, args.seconds, args.connections, workdir)},
                {"endpoint": "POST /floor/ (validate + same-size body)",
                 **wrk(f"{base}/floor/", profile, args.seconds, args.connections, workdir)},
                {"endpoint": f"POST /v1/scores/batch ({BATCH_SIZE} rows)",
                 **wrk(f"{base}/v1/scores/batch", batch, args.seconds, args.connections, workdir)},
                {"endpoint": "GET /healthz", **wrk(f"{base}/healthz", None, args.seconds, args.connections, workdir)},
            ]
    rows[2]["rows_per_s"] = round(rows[2]["requests_per_s"] * BATCH_SIZE, 1)
    for row in rows:
        row.setdefault("rows_per_s", row["requests_per_s"] if "scores" in row["endpoint"] else "")
    report(f"HTTP load (wrk, {args.connections} connections, {args.seconds}s each, gunicorn.conf.py, "
           f"{os.cpu_count()} cores)", rows)
    print(f"scores/floor ratio: {rows[0]['requests_per_s'] / rows[1]['requests_per_s']:.2f}")


if __name__ == "__main__":
    main()
