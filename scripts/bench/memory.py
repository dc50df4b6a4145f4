"""RSS per gunicorn worker after start-up and after 10k requests, per catalog size.

Each size writes a benchmark data directory (the report's files with synthetic products added to the
catalog), starts gunicorn on it with the production config (BENCHMARK_PATH), and reads the workers'
VmRSS from /proc.

    .venv/bin/python -m scripts.bench.memory [--sizes 0,10000,100000] [--requests 10000]
"""

import argparse
import copy
import json
import os
import socket
# The benchmark starts gunicorn: a fixed command, no shell.
import subprocess  # nosec B404
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import yaml

from scripts.bench.common import report
from scripts.bench.synthetic import report_data, synthetic_products
from service.benchmarks.loader import CATALOG_LINES
from service.api.examples import NEV_INSURANCE_EN, NEV_INSURANCE_ZH, SOCIAL_CREDIT_EN

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_rss_mb(master: int) -> list[float]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(round(int(line.split()[1]) / 1024, 1))
    return sizes


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
            port = free_port()
            env = {**os.environ, "BIND": f"127.0.0.1:{port}", "BENCHMARK_PATH": tmp,
                   "DIFFSCORE_RATE_LIMIT": "1000000 per minute"}
            server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "service.wsgi:app"],
                                      cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # nosec B603
            base = f"http://127.0.0.1:{port}"
            try:
                started = time.monotonic()
                while True:
                    try:
                        if requests.get(f"{base}/readyz", timeout=5).ok and len(worker_rss_mb(server.pid)) >= 2:
                            break
                    except requests.RequestException:
                        pass
                    time.sleep(0.2)
                time.sleep(2)
                after_start = worker_rss_mb(server.pid)
                session_count = 4

                def drive(offset: int) -> None:
                    session = requests.Session()
                    for i in range(offset, args.requests, session_count):
                        session.post(f"{base}/v1/scores", json=profiles[i % 3], timeout=30).raise_for_status()

                with ThreadPoolExecutor(session_count) as pool:
                    list(pool.map(drive, range(session_count)))
                after_load = worker_rss_mb(server.pid)
                rows.append({"catalog": size + 67, "start_s": round(time.monotonic() - started, 1),
                             "rss_after_start_mb": max(after_start), "rss_after_requests_mb": max(after_load),
                             "requests": args.requests, "workers": len(after_load)})
            finally:
                server.terminate()
                server.wait(timeout=60)
    report("RSS per gunicorn worker (max over workers)", rows)


if __name__ == "__main__":
    main()
