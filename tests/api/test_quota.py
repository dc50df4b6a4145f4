"""Quotas (service/api/quota.py): the count per window, and the budget of worker time that a costly
body spends (issue 21: valid worst-case bodies within the count held both sync workers)."""

from limits import parse

from service.api.examples import NEV_INSURANCE_EN
from service.api.quota import Budget, LocalCounters, Quota
from service.api.security import digest

# An allowance so small that every request is charged, and a budget it spends at once.
CHARGE_EVERYTHING = {"budget_free_ms": 0.0, "worker_budget": "1 per hour", "budget_burst_seconds": 0.000001}


def test_a_spent_budget_is_a_429_problem_that_says_when_to_come_back(make_app):
    client = make_app(**CHARGE_EVERYTHING).test_client()
    first = client.post("/v1/scores", json=NEV_INSURANCE_EN)
    assert first.status_code == 200 and "Retry-After" not in first.headers
    refused = client.post("/v1/scores", json=NEV_INSURANCE_EN)
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    body = refused.get_json()
    assert body["type"] == "/problems/too-many-requests" and "worker time" in body["detail"]
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["RateLimit-Limit"]
    assert client.get("/healthz").status_code == 200          # never limited


def test_ordinary_requests_are_never_charged(make_app):
    client = make_app(worker_budget="1 per hour", budget_burst_seconds=0.000001).test_client()
    statuses = {client.post("/v1/scores", json=dict(NEV_INSURANCE_EN, name=f"n{i}")).status_code for i in range(20)}
    assert statuses == {200}


def test_the_budget_is_the_clients_and_the_addresss(make_app):
    keys = f"a:score:{digest('a-secret')},b:score:{digest('b-secret')}"
    client = make_app(api_keys=keys, **CHARGE_EVERYTHING, address_worker_budget="1000 per second").test_client()
    assert client.post("/v1/scores", json=NEV_INSURANCE_EN, headers={"X-API-Key": "a-secret"}).status_code == 200
    assert client.post("/v1/scores", json=NEV_INSURANCE_EN, headers={"X-API-Key": "a-secret"}).status_code == 429
    # another key from the same address has a budget of its own, while the address's is not spent
    assert client.post("/v1/scores", json=NEV_INSURANCE_EN, headers={"X-API-Key": "b-secret"}).status_code == 200
    shared = make_app(api_keys=keys, **{**CHARGE_EVERYTHING, "worker_budget": "1000 per second"},
                      address_worker_budget="1 per hour").test_client()
    assert shared.post("/v1/scores", json=NEV_INSURANCE_EN, headers={"X-API-Key": "a-secret"}).status_code == 200
    assert shared.post("/v1/scores", json=NEV_INSURANCE_EN, headers={"X-API-Key": "b-secret"}).status_code == 429


def test_a_batch_is_allowed_its_items_worth(make_app):
    """Its free allowance is per item: a batch of ordinary profiles is no costly body."""
    client = make_app(worker_budget="1 per hour", budget_burst_seconds=0.000001, budget_free_ms=20.0).test_client()
    items = [dict(NEV_INSURANCE_EN, name=f"item {i}") for i in range(40)]
    for _ in range(3):
        assert client.post("/v1/scores/batch", json={"items": items}).status_code == 200


def test_a_debt_drains_at_the_budgets_rate():
    counters, budget = LocalCounters(), Budget.parse("60 per minute", burst=0.5)
    assert budget.rate == 1.0
    key = [("k", budget)]
    counters.charge(key, 2.0, now=100.0)
    assert counters.admit(None, 0, 0, key, now=100.0)[1] == [2.0]
    assert counters.admit(None, 0, 0, key, now=101.5)[1] == [0.5]
    assert budget.wait(2.0) == 1.5 and budget.wait(0.5) == 0.0
    assert counters.admit(None, 0, 0, key, now=200.0)[1] == [0.0]


def test_counts_are_per_window_and_start_again_with_the_next():
    quota = Quota(None, "t", Budget(1.0, 1.0), Budget(1.0, 1.0))
    assert [quota.admit("c", parse("2 per hour"), []).count for _ in range(3)] == [1, 2, 3]
    assert quota.admit("c", parse("2 per hour"), [], step=0).count == 3        # read, not counted
    counters = LocalCounters()
    assert [counters.admit("w", 1, 60, [], now=t)[0] for t in (0.0, 59.0, 60.0)] == [1, 2, 1]
