"""RSS per gunicorn worker after start-up and after 10k requests, per catalog size.

Each size writes a benchmark data directory (the report's files with synthetic products added to the
catalog), starts gunicorn on it with the production config (BENCHMARK_PATH), and reads the workers'
VmRSS from /proc.

    .venv/bin/python -m scripts.bench.memory [--sizes 0,10000,100000] [--requests 10000]
"""

import argparse
import copy
import json
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import yaml

from scripts.bench.common import gunicorn, report, worker_rss_mb
from scripts.bench.synthetic import report_data, synthetic_products
from service.benchmarks.loader import CATALOG_LINES
from service.api.examples import NEV_INSURANCE_EN, NEV_INSURANCE_ZH, SOCIAL_CREDIT_EN

def write_data(directory: Path, size: int) -> None:
    """The report's files, with the catalog (report cases plus synthetic products) as catalog.jsonl."""
    raw = copy.deepcopy(report_data())
    products = raw.pop("catalog.yaml")["products"] + synthetic_products(size, raw["vocabulary.yaml"])
    for name, content in raw.items():
        with (directory / name).open("w", encoding="utf-8") as handle:
            yaml.dump(content, handle, Dumper=yaml.CSafeDumper, allow_unicode=True)
    with (directory / CATALOG_LINES).open("w", encoding="utf-8") as handle:
        for product in products:
            handle.write(json.dumps(product, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0,10000,100000")
    parser.add_argument("--requests", type=int, default=10000)
    args = parser.parse_args()
    profiles = [NEV_INSURANCE_EN, NEV_INSURANCE_ZH, SOCIAL_CREDIT_EN]
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            write_data(Path(tmp), size)
            started = time.monotonic()
            with gunicorn(BENCHMARK_PATH=tmp) as (base, server):
                time.sleep(2)
                after_start = worker_rss_mb(server.pid)
                sessions = 4

                def drive(offset: int) -> None:
                    session = requests.Session()
                    for i in range(offset, args.requests, sessions):
                        session.post(f"{base}/v1/scores", json=profiles[i % 3], timeout=30).raise_for_status()

                with ThreadPoolExecutor(sessions) as pool:
                    list(pool.map(drive, range(sessions)))
                after_load = worker_rss_mb(server.pid)
            rows.append({"catalog": size + 67, "start_s": round(time.monotonic() - started, 1),
                         "rss_after_start_mb": max(after_start), "rss_after_requests_mb": max(after_load),
                         "requests": args.requests, "workers": len(after_load)})
    report("RSS per gunicorn worker (max over workers)", rows)


if __name__ == "__main__":
    main()
