"""REDIS_URL forms for Redis Sentinel and Redis Cluster, against real servers started here."""

import shutil

import pytest
import redis

from service.api.examples import NEV_INSURANCE_EN
from tests.servers import IN_CI, free_port, run, wait_until

pytestmark = pytest.mark.integration
# Forming a cluster or electing a primary is seconds of gossip: bounds on a stuck set-up, not on speed.
SETUP_SECONDS = 120


def shared_through(url: str, make_app) -> None:
    """A look-up computed by one app is a Redis hit for another, and scores are unchanged."""
    first = make_app(redis_url=url, redis_key_prefix="topology").test_client()
    second = make_app(redis_url=url, redis_key_prefix="topology").test_client()
    computed = first.post("/v1/scores", json=NEV_INSURANCE_EN).get_json()
    shared = second.post("/v1/scores", json=NEV_INSURANCE_EN).get_json()
    assert computed["meta"]["cache"]["source"] == "computed"
    assert shared["meta"]["cache"]["source"] == "redis"
    assert computed["differentiation"] == shared["differentiation"]
    assert second.get("/readyz").get_json()["cache"]["redis"] == "up"


@pytest.fixture
def binary():
    path = shutil.which("redis-server")
    if path is None:
        pytest.fail("redis-server is not installed") if IN_CI else pytest.skip("no redis-server")
    return path


def test_sentinel_url(tmp_path, binary, servers, make_app):
    primary, sentinel_port = servers.redis(), free_port()
    config = tmp_path / "sentinel.conf"
    config.write_text(f"port {sentinel_port}\nbind 127.0.0.1\nsentinel monitor diffscore 127.0.0.1 {primary.port} 1\n")
    probe = redis.Redis(port=sentinel_port, socket_timeout=2, socket_connect_timeout=2)
    servers.start([binary, config, "--sentinel"], f"redis sentinel on port {sentinel_port}",
                  ready=lambda: probe.sentinel_get_master_addr_by_name("diffscore"), errors=(redis.RedisError,))
    shared_through(f"redis+sentinel://127.0.0.1:{sentinel_port}/diffscore", make_app)


def cluster_port() -> int:
    """A free port whose cluster bus port (port + 10000) is a valid port too."""
    while True:
        port = free_port()
        if port < 55000:
            return port


def test_cluster_url(tmp_path, servers, make_app):
    ports = [cluster_port() for _ in range(3)]
    for port in ports:
        servers.redis(port, "--cluster-enabled", "yes", "--cluster-config-file", str(tmp_path / f"nodes-{port}.conf"))
    status, output = run(["redis-cli", "--cluster", "create", *(f"127.0.0.1:{p}" for p in ports),
                          "--cluster-replicas", "0", "--cluster-yes"], "redis-cli --cluster create", SETUP_SECONDS)
    assert status == 0, output
    probe = redis.Redis(port=ports[0], socket_timeout=2, socket_connect_timeout=2)
    wait_until(lambda: probe.cluster("info")["cluster_state"] == "ok", "cluster", (redis.RedisError,), SETUP_SECONDS)
    shared_through(f"redis+cluster://127.0.0.1:{ports[0]},127.0.0.1:{ports[1]}", make_app)
