"""A steady-load soak (default 10 minutes, loopback only) reporting RSS growth per gunicorn worker.

    .venv/bin/python -m scripts.bench.soak [--minutes 10] [--rate 50]
"""

import argparse
import os
import subprocess  # nosec B404
import sys
import time

import requests

from scripts.bench.common import report
from scripts.bench.http import ROOT, free_port
from scripts.bench.memory import worker_rss_mb
from service.api.examples import NEV_INSURANCE_EN, NEV_INSURANCE_ZH, SOCIAL_CREDIT_EN


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=50, help="requests per second, paced")
    args = parser.parse_args()
    port = free_port()
    env = {**os.environ, "BIND": f"127.0.0.1:{port}", "DIFFSCORE_RATE_LIMIT": "1000000 per minute",
           "GUNICORN_MAX_REQUESTS": "0"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "service.wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # nosec B603
    base = f"http://127.0.0.1:{port}"
    profiles = [NEV_INSURANCE_EN, NEV_INSURANCE_ZH, SOCIAL_CREDIT_EN, {**SOCIAL_CREDIT_EN, "domain": "lendng"}]
    try:
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=1).ok and len(worker_rss_mb(server.pid)) >= 2:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        session = requests.Session()
        samples = [(0.0, worker_rss_mb(server.pid))]
        started = time.monotonic()
        end = started + args.minutes * 60
        sent = failed = 0
        while time.monotonic() < end:
            tick = time.monotonic()
            status = session.post(f"{base}/v1/scores", json=profiles[sent % 4], timeout=10).status_code
            failed += status not in (200, 422)
            sent += 1
            if sent % int(args.rate * 30) == 0:
                samples.append((round(time.monotonic() - started), worker_rss_mb(server.pid)))
            time.sleep(max(0.0, 1 / args.rate - (time.monotonic() - tick)))
        samples.append((round(time.monotonic() - started), worker_rss_mb(server.pid)))
        first, last = samples[0][1], samples[-1][1]
        report(f"soak: {sent} requests over {args.minutes} min, {failed} unexpected statuses",
               [{"worker": i, "rss_start_mb": a, "rss_end_mb": b, "growth_mb": round(b - a, 1)}
                for i, (a, b) in enumerate(zip(first, last))])
        print("samples (s, MB per worker):", samples)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
