"""A steady-load soak (default 10 minutes, loopback only) reporting RSS growth per gunicorn worker.

    .venv/bin/python -m scripts.bench.soak [--minutes 10] [--rate 50]
"""

import argparse
import time

import requests

from scripts.bench.common import gunicorn, report, worker_rss_mb
from service.api.examples import NEV_INSURANCE_EN, NEV_INSURANCE_ZH, SOCIAL_CREDIT_EN


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=50, help="requests per second, paced")
    args = parser.parse_args()
    profiles = [NEV_INSURANCE_EN, NEV_INSURANCE_ZH, SOCIAL_CREDIT_EN, {**SOCIAL_CREDIT_EN, "domain": "lendng"}]
    with gunicorn(GUNICORN_MAX_REQUESTS="0") as (base, server):
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


if __name__ == "__main__":
    main()
