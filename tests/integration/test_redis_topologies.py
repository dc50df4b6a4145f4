"""REDIS_URL forms for Redis Sentinel and Redis Cluster, against real servers started here."""

import shutil
import subprocess
import time

import pytest
import redis

from service import create_app
from service.api.examples import NEV_INSURANCE_EN
from service.settings import Settings
from tests.conftest import IN_CI, free_port, start_redis_server

pytestmark = pytest.mark.integration


def wait_for(check, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except redis.RedisError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not come up")
        time.sleep(0.1)


def stop(processes) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=10)


def shared_through(url: str) -> None:
    """A look-up computed by one app is a Redis hit for another, and scores are unchanged."""
    first = create_app(Settings(redis_url=url, redis_key_prefix="topology")).test_client()
    second = create_app(Settings(redis_url=url, redis_key_prefix="topology")).test_client()
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


def test_sentinel_url(tmp_path, binary):
    primary_port, sentinel_port = free_port(), free_port()
    primary = start_redis_server(primary_port)
    config = tmp_path / "sentinel.conf"
    config.write_text(f"port {sentinel_port}\nbind 127.0.0.1\nsentinel monitor diffscore 127.0.0.1 {primary_port} 1\n")
    sentinel = subprocess.Popen([binary, str(config), "--sentinel"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        probe = redis.Redis(port=sentinel_port, socket_timeout=1)
        wait_for(lambda: probe.sentinel_get_master_addr_by_name("diffscore"), "sentinel")
        shared_through(f"redis+sentinel://127.0.0.1:{sentinel_port}/diffscore")
    finally:
        stop([sentinel, primary])


def cluster_port() -> int:
    """A free port whose cluster bus port (port + 10000) is a valid port too."""
    while True:
        port = free_port()
        if port < 55000:
            return port


def test_cluster_url(tmp_path, binary):
    ports = [cluster_port() for _ in range(3)]
    nodes = [subprocess.Popen([binary, "--port", str(p), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                               "--cluster-config-file", str(tmp_path / f"nodes-{p}.conf"), "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for p in ports]
    try:
        for port in ports:
            wait_for(lambda port=port: redis.Redis(port=port, socket_timeout=1).ping(), f"cluster node {port}")
        subprocess.run(["redis-cli", "--cluster", "create", *(f"127.0.0.1:{p}" for p in ports),
                        "--cluster-replicas", "0", "--cluster-yes"], check=True, capture_output=True, timeout=60)
        wait_for(lambda: redis.Redis(port=ports[0]).cluster("info")["cluster_state"] == "ok", "cluster")
        shared_through(f"redis+cluster://127.0.0.1:{ports[0]},127.0.0.1:{ports[1]}")
    finally:
        stop(nodes)
