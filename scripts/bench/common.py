"""Shared helpers for the benchmark scripts: timing statistics and printing a table plus JSON."""

import contextlib
import json
import os
import socket
import statistics
import subprocess  # nosec B404
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
# Benchmarks drive thousands of requests from one address: rate limits are not what they measure.
UNLIMITED = {"DIFFSCORE_RATE_LIMIT": "1000000 per minute", "DIFFSCORE_BATCH_RATE_LIMIT": "1000000 per minute",
             "DIFFSCORE_WORKER_BUDGET": "1000000 per minute", "DIFFSCORE_ADDRESS_WORKER_BUDGET": "1000000 per minute"}


def measure(function, seconds: float = 2.0, warmup: int = 20) -> dict:
    """Calls per second and p50/p99 latency (ms) of `function`, run for about `seconds`."""
    for _ in range(warmup):
        function()
    samples = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {"calls": len(samples), "per_second": round(len(samples) / (sum(samples) / 1000), 1),
            "p50_ms": round(statistics.median(samples), 3),
            "p99_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 3)}


def report(title: str, rows: list[dict]) -> None:
    """Prints the rows as an aligned table, then as one JSON line for machines."""
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    print(f"\n{title}")
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(str(row[c]).ljust(widths[c]) for c in columns))
    print("JSON " + json.dumps({"benchmark": title, "rows": rows}, ensure_ascii=False))


def free_port() -> int:
    """A free loopback port: the first free one of BENCH_PORTS ("8600-8699") when set, so that runs
    sharing a machine keep to their own range; else one the system picks."""
    low, _, high = os.environ.get("BENCH_PORTS", "0-0").partition("-")
    for port in range(int(low), int(high or low) + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError(f"no free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


def worker_rss_mb(master: int) -> list[float]:
    """VmRSS of each gunicorn worker of `master`, in MB."""
    sizes = []
    for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(round(int(line.split()[1]) / 1024, 1))
    return sizes


@contextlib.contextmanager
def gunicorn(app: str = "service.wsgi:app", workers: int | None = None, cpu: int | None = None, **env):
    """gunicorn with the production config on loopback; yields (base URL, process) once every
    worker is up, and stops it afterwards. `cpu`: the one CPU it (and its workers) may run on."""
    port = free_port()
    environment = {**os.environ, **UNLIMITED, "BIND": f"127.0.0.1:{port}", **env}
    expected = workers or int(environment.get("WEB_CONCURRENCY", os.cpu_count() or 1))
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", app]
    if cpu is not None:
        command = ["taskset", "-c", str(cpu), *command]
    server = subprocess.Popen(command, cwd=ROOT, env=environment,  # nosec B603
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=5).ok and len(worker_rss_mb(server.pid)) >= expected:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None:
                sys.exit("gunicorn did not start")
            time.sleep(0.2)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=60)
