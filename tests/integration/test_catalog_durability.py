"""Registered catalogs survive what lost them (issue 21): a Redis restart, then Redis filled to its
memory cap under load. The Redis here is configured as deploy/ configures it (append-only file,
volatile-lru: only keys with a TTL, the cache's and the rate limits', may be evicted); afterwards
every registered catalog is listed and served by every worker, fresh workers included."""

import signal
import threading
import time

import pytest
import redis
import requests

from service.api.examples import NEV_INSURANCE_EN
from tests.api.test_catalogs import RIVALS
from tests.servers import wait_until

pytestmark = pytest.mark.integration
CATALOGS = ("acme", "globex", "initech")
CAP = "40mb"
FILL_VALUE = b"x" * (512 * 1024)


def _redis(servers, port, directory):
    return servers.redis(port, "--dir", str(directory), "--appendonly", "yes", "--appendfsync", "always",
                         "--maxmemory", CAP, "--maxmemory-policy", "volatile-lru")


def _served_everywhere(base: str, calls: int = 12) -> None:
    """Every catalog listed and scored in every answer; `calls` spread over the workers."""
    for _ in range(calls):
        listed = {c["name"] for c in requests.get(f"{base}/v1/catalogs", timeout=10).json()["catalogs"]}
        assert set(CATALOGS) <= listed, listed
        for name in CATALOGS:
            response = requests.post(f"{base}/v1/scores?catalog={name}&fields=scores", json=NEV_INSURANCE_EN,
                                     timeout=10)
            assert response.status_code == 200, response.text[:300]


def test_catalogs_survive_a_redis_restart_and_a_full_redis_under_load(servers, tmp_path):
    port = servers.redis().port        # a free port of our own, then Redis as deployed on it
    servers.stop_all()
    own = _redis(servers, port, tmp_path)
    server = servers.gunicorn(REDIS_URL=own.url, DIFFSCORE_RATE_LIMIT="1000000 per minute",
                              DIFFSCORE_BREAKER_RESET_SECONDS="1")
    base = server.url
    for name in CATALOGS:
        assert requests.put(f"{base}/v1/catalogs/{name}", json={"products": RIVALS}, timeout=30).status_code == 200

    results, stopping = [], threading.Event()

    def load(offset):
        session, i = requests.Session(), offset
        while not stopping.is_set():
            profile = dict(NEV_INSURANCE_EN, name=f"load {i}")      # distinct answers: the cache fills
            try:
                status = session.post(f"{base}/v1/scores?catalog={CATALOGS[i % 3]}", json=profile,
                                      timeout=10).status_code
            except requests.RequestException as exc:
                status = exc.__class__.__name__
            results.append(status)
            i += 2

    threads = [threading.Thread(target=load, args=(n,), daemon=True) for n in range(2)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1)
        own.stop()
        own = _redis(servers, port, tmp_path)               # the same data directory: the append-only file
        client = redis.Redis(port=port, socket_timeout=5)
        written = 0
        while client.info("stats")["evicted_keys"] == 0 and written < 400:
            client.set(f"diffscore-fill:{written}", FILL_VALUE, ex=3600)     # cache-like keys, with a TTL
            written += 1
        memory = client.info("memory")
        evicted = client.info("stats")["evicted_keys"]
        time.sleep(2)
    finally:
        stopping.set()
        for thread in threads:
            thread.join(timeout=15)
    assert evicted > 0, "Redis never reached its memory cap"
    failed = [r for r in results if r != 200]
    assert not failed, failed[:10]
    _served_everywhere(base)
    # Fresh workers have seen nothing: they read every catalog from the store.
    old = set(server.workers())
    server.process.send_signal(signal.SIGHUP)
    wait_until(lambda: len(set(server.workers()) - old) == 2, "fresh workers", (OSError, ValueError), seconds=60)
    wait_until(server.ready, "the reloaded server", (requests.RequestException,))
    _served_everywhere(base)
    ready = requests.get(f"{base}/readyz", timeout=10).json()
    assert ready["status"] == "ready" and ready["catalogs"] == {"store": "up", "unloadable": 0}
    print(f"\ncatalog durability: {len(results)} scores under load, 0 failed; Redis restarted, then filled to "
          f"{memory['used_memory'] / 2**20:.0f} MB of {CAP} ({evicted} keys evicted); all {len(CATALOGS)} "
          "catalogs served by the old and the fresh workers")
