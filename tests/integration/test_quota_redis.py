"""Quotas shared through a real Redis by two apps (as two workers or instances), and still enforced,
per worker, when that Redis goes away mid-flight."""

import pytest

from service.api.examples import NEV_INSURANCE_EN

pytestmark = pytest.mark.integration
CHARGE_EVERYTHING = {"budget_free_ms": 0.0, "worker_budget": "1 per hour", "budget_burst_seconds": 0.000001}


def test_counts_and_budgets_are_shared_and_survive_redis_going_away(servers, make_app):
    redis_server = servers.redis()
    settings = {"redis_url": redis_server.url, "redis_key_prefix": "quota-test", "rate_limit": "4 per hour"}
    first, second = (make_app(**settings).test_client() for _ in range(2))
    statuses = [(first, second)[i % 2].get("/v1/taxonomy?kind=domain").status_code for i in range(6)]
    assert statuses == [200] * 4 + [429] * 2
    assert second.get("/v1/taxonomy?kind=domain").headers["RateLimit-Remaining"] == "0"

    costly = {**settings, **CHARGE_EVERYTHING, "rate_limit": "1000 per hour"}
    first, second = (make_app(**costly).test_client() for _ in range(2))
    assert first.post("/v1/scores", json=NEV_INSURANCE_EN).status_code == 200
    refused = second.post("/v1/scores", json=NEV_INSURANCE_EN)      # the debt the first one charged
    assert refused.status_code == 429 and "worker time" in refused.get_json()["detail"]

    limited = make_app(**{**settings, "redis_key_prefix": "quota-test-2", "rate_limit": "3 per hour"}).test_client()
    assert limited.get("/v1/taxonomy?kind=domain").status_code == 200
    redis_server.stop()
    # Mid-flight: the same apps, now counting in their own memory (from zero): limited still, never an error.
    statuses = [limited.get("/v1/taxonomy?kind=domain").status_code for _ in range(5)]
    assert statuses == [200] * 3 + [429] * 2
    assert first.post("/v1/scores", json=dict(NEV_INSURANCE_EN, name="while away")).status_code == 200
    assert first.post("/v1/scores", json=dict(NEV_INSURANCE_EN, name="while away 2")).status_code == 429
