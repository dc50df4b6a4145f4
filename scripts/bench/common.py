"""Shared helpers for the benchmark scripts: timing statistics and printing a table plus JSON."""

import json
import statistics
import time


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
