"""Benchmark look-ups through a real Redis: shared, versioned, and never a reason to fail."""

import time

import pytest
import redis

from service import create_app
from service.api.examples import NEV_INSURANCE_EN, SOCIAL_CREDIT_EN
from service.settings import Settings
from tests.servers import free_port

pytestmark = pytest.mark.integration
SCORES = ("differentiation", "homogeneity_risk", "compliance_risk", "recommendations", "nearest_benchmarks")


@pytest.fixture
def redis_app(make_app):
    """A new app, as another worker would be, on the Redis at `url` under `prefix`."""
    return lambda url, prefix, **overrides: make_app(redis_url=url, redis_key_prefix=prefix, **overrides).test_client()


def scores(body):
    return {k: body[k] for k in SCORES}


@pytest.fixture(scope="module")
def reference(report_data):
    """What the embedded in-process cache answers: Redis must never change a score."""
    client = create_app(Settings(), report_data).test_client()
    return {name: scores(client.post("/v1/scores", json=p).get_json())
            for name, p in (("nev", NEV_INSURANCE_EN), ("credit", SOCIAL_CREDIT_EN))}


def test_miss_then_hit_in_meta_and_in_redis(redis_app, redis_url, key_prefix, reference, benchmarks):
    first_worker = redis_app(redis_url, key_prefix)
    body = first_worker.post("/v1/scores", json=NEV_INSURANCE_EN).get_json()
    assert body["meta"]["cache"] == {"hit": False, "source": "computed"}
    key = f"{key_prefix}:{benchmarks.version}:slice:insurtech"
    server = redis.Redis.from_url(redis_url)
    assert server.exists(key) and 0 < server.ttl(key) <= 3600
    again = first_worker.post("/v1/scores", json=NEV_INSURANCE_EN).get_json()
    assert again["meta"]["cache"] == {"hit": True, "source": "memory"}
    other_worker = redis_app(redis_url, key_prefix)
    shared = other_worker.post("/v1/scores", json=NEV_INSURANCE_EN).get_json()
    assert shared["meta"]["cache"] == {"hit": True, "source": "redis"}
    assert scores(body) == scores(shared) == reference["nev"]
    ready = other_worker.get("/readyz").get_json()
    assert ready["status"] == "ready" and ready["cache"]["redis"] == "up"


def test_closed_port_degrades_to_computing_the_same_answer(redis_app, reference):
    client = redis_app(f"redis://127.0.0.1:{free_port()}/0", "diffscore-test-closed")
    for _ in range(5):
        response = client.post("/v1/scores", json=SOCIAL_CREDIT_EN)
        assert response.status_code == 200
        assert scores(response.get_json()) == reference["credit"]
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["status"] == "degraded" and ready.get_json()["cache"]["redis"] == "degraded"


def test_redis_stopped_mid_run_then_back(redis_app, reference, servers):
    server = servers.redis()
    client = redis_app(server.url, "diffscore-test-outage", breaker_reset_seconds=0.2)
    assert client.post("/v1/scores", json=NEV_INSURANCE_EN).get_json()["meta"]["cache"]["source"] == "computed"
    assert client.get("/readyz").get_json()["cache"]["redis"] == "up"
    server.stop()
    for profile, name in ((SOCIAL_CREDIT_EN, "credit"), (NEV_INSURANCE_EN, "nev")):
        response = client.post("/v1/scores", json=profile)
        assert response.status_code == 200
        assert scores(response.get_json()) == reference[name]
    assert client.get("/readyz").get_json()["status"] == "degraded"
    servers.redis(server.port)
    time.sleep(0.3)
    assert client.get("/readyz").get_json()["cache"]["redis"] == "up"
    fresh = redis_app(server.url, "diffscore-test-outage")
    assert fresh.post("/v1/scores", json=SOCIAL_CREDIT_EN).status_code == 200


def test_a_new_benchmark_version_never_reads_old_entries(redis_app, redis_url, key_prefix, benchmarks):
    stale_key = f"{key_prefix}:bm-000000000000:slice:insurtech"
    redis.Redis.from_url(redis_url).set(stale_key, '{"domain": "insurtech", "term_counts": {}, "leader_terms": {}}')
    body = redis_app(redis_url, key_prefix).post("/v1/scores", json=NEV_INSURANCE_EN).get_json()
    assert body["meta"]["cache"]["source"] == "computed"
    assert body["homogeneity_risk"]["effective_rivals"] > 0
