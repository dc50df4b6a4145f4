"""Faults under load, all on loopback and bounded: Redis stopped and restarted, Redis slow, a worker
killed. The service must keep answering correctly; figures are printed for the operators' notes."""

import os
import signal
import statistics
import threading
import time

import pytest
import redis
import requests

from service.api.examples import NEV_INSURANCE_EN, SOCIAL_CREDIT_EN
from tests.servers import Servers

pytestmark = pytest.mark.integration
DOMAINS = ["insurtech", "lending", "payments", "regtech", "wealth_management", "digital_banking"]


class Load:
    """A few client threads posting profiles across every domain until stopped; records each answer.
    The client timeout only bounds a stuck request: the assertions below judge each answer."""

    def __init__(self, base: str, threads: int = 3):
        self.base, self.results, self.lock = base, [], threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _run(self, offset: int) -> None:
        session = requests.Session()
        i = offset
        while not self.stopping.is_set():
            profile = dict(NEV_INSURANCE_EN if i % 2 else SOCIAL_CREDIT_EN, domain=DOMAINS[i % len(DOMAINS)])
            started = time.perf_counter()
            try:
                status = session.post(f"{self.base}/v1/scores", json=profile, timeout=10).status_code
            except requests.RequestException as exc:
                status = exc.__class__.__name__
            with self.lock:
                self.results.append((time.monotonic(), status, (time.perf_counter() - started) * 1000))
            i += 1

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=15)

    def window(self, start: float, end: float) -> list:
        with self.lock:
            return [r for r in self.results if start <= r[0] < end]


def p50(rows) -> float:
    return round(statistics.median(r[2] for r in rows), 2) if rows else float("nan")


def service_on(servers: Servers, redis_port: int):
    return servers.gunicorn(REDIS_URL=f"redis://127.0.0.1:{redis_port}/0", DIFFSCORE_MEMORY_CACHE_SIZE="1",
                            DIFFSCORE_BREAKER_RESET_SECONDS="1", DIFFSCORE_RATE_LIMIT="1000000 per minute")


def test_redis_stopped_and_restarted_under_load(servers):
    own_redis = servers.redis()
    base = service_on(servers, own_redis.port).url
    with Load(base) as load:
        time.sleep(2)
        own_redis.stop()
        down = time.monotonic()
        time.sleep(3)
        assert requests.get(f"{base}/readyz", timeout=10).json()["status"] == "degraded"
        servers.redis(own_redis.port)
        up = time.monotonic()
        deadline = up + 10
        while requests.get(f"{base}/readyz", timeout=10).json()["cache"]["redis"] != "up":
            assert time.monotonic() < deadline, "readiness did not recover within 10 s"
            time.sleep(0.2)
        recovered = time.monotonic()
        time.sleep(2)
        end = time.monotonic()
    failed = [r for r in load.results if r[1] != 200]
    assert not failed, failed[:5]
    print(f"\nredis outage: {len(load.results)} requests, 0 failed; p50 ms before {p50(load.window(0, down))}, "
          f"during {p50(load.window(down, up))}, after {p50(load.window(recovered, end))}; "
          f"ready again {recovered - up:.1f}s after restart")


def test_slow_redis_keeps_requests_within_the_timeout_budget(servers):
    own_redis = servers.redis()
    base = service_on(servers, own_redis.port).url
    blocker = threading.Thread(target=lambda: redis.Redis(port=own_redis.port, socket_timeout=10)
                               .execute_command("DEBUG", "SLEEP", "3"), daemon=True)
    with Load(base) as load:
        time.sleep(1)
        start = time.monotonic()
        blocker.start()
        blocker.join(timeout=10)
        end = time.monotonic()
    slow = load.window(start, end)
    assert slow and all(r[1] == 200 for r in load.results)
    assert max(r[2] for r in slow) < 2000
    print(f"\nslow redis (3 s DEBUG SLEEP): {len(slow)} requests meanwhile, all 200, "
          f"p50 {p50(slow)} ms, max {max(r[2] for r in slow):.0f} ms")


def test_a_worker_killed_under_load_costs_at_most_the_in_flight_requests(servers):
    server = service_on(servers, servers.redis().port)
    with Load(server.url, threads=3) as load:
        time.sleep(1.5)
        os.kill(server.workers()[0], signal.SIGKILL)
        time.sleep(3)
    failed = [r for r in load.results if r[1] != 200]
    assert len(failed) <= 3, failed
    assert requests.get(f"{server.url}/healthz", timeout=10).status_code == 200
    print(f"\nworker killed: {len(load.results)} requests, {len(failed)} failed (in flight at the kill)")


def test_metrics_add_up_across_workers_and_limits_are_shared_through_redis(servers, redis_url, key_prefix):
    base = servers.gunicorn(REDIS_URL=redis_url, DIFFSCORE_REDIS_KEY_PREFIX=key_prefix,
                            DIFFSCORE_RATE_LIMIT="30 per minute").url
    statuses = [requests.get(f"{base}/v1/taxonomy?kind=domain", timeout=10).status_code for _ in range(35)]
    assert statuses.count(200) == 30 and statuses.count(429) == 5
    text = requests.get(f"{base}/metrics", timeout=10).text
    line = next(ln for ln in text.splitlines()
                if ln.startswith('diffscore_requests_total{method="GET",route="/v1/taxonomy",status="200"}'))
    assert float(line.split()[-1]) == 30.0
