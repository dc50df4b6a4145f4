"""Benchmark look-up cost: a miss (computed), a Redis hit (empty in-process layer) and an in-process hit.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python -m scripts.bench.cache
"""

import os
import uuid

import redis

from scripts.bench.common import measure, report
from service.benchmarks.loader import load_benchmarks
from service.benchmarks.lookup import MarketLookup
from service.cache import MemoryCache, RedisCache, RedisLink


def main() -> None:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    prefix = f"diffscore-bench-{uuid.uuid4().hex[:8]}"
    benchmarks = load_benchmarks()
    domains = [t.code for t in benchmarks.vocabulary.terms("domain")]

    # An in-process layer of one entry, asked for two domains in turn, misses every time: each
    # look-up is a Redis GET plus decoding, on a pooled connection.
    link = RedisLink(url, timeout=0.05, fail_max=3, reset_timeout=5)
    shared = MarketLookup(benchmarks, RedisCache(link, ttl=60, front=MemoryCache(1, 60)), prefix)
    turn = iter(range(10**9))

    def miss():
        cache = MemoryCache(16, 60)
        MarketLookup(benchmarks, cache, prefix).slice("lending")

    for d in domains:
        shared.slice(d)
    memory = MarketLookup(benchmarks, MemoryCache(16, 60), prefix)
    memory.slice("lending")
    rows = [
        {"look-up": "miss (computed, in-process cache)", **measure(miss)},
        {"look-up": "Redis hit (in-process layer missed)",
         **measure(lambda: shared.slice(("lending", "payments")[next(turn) % 2]))},
        {"look-up": "in-process hit", **measure(lambda: memory.slice("lending"))},
    ]
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    report("benchmark look-up (market slice)", rows)


if __name__ == "__main__":
    main()
