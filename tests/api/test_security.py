import logging

import pytest

from service.api.examples import NEV_INSURANCE_EN
from service.api.security import digest

KEYS = ",".join([f"reader:read:{digest('r-secret')}", f"scorer:score:{digest('s-secret')}"])


@pytest.fixture
def locked(make_app):
    return make_app(api_keys=KEYS).test_client()


def test_open_when_no_key_is_configured(client):
    assert client.post("/v1/scores", json=NEV_INSURANCE_EN).status_code == 200


def test_missing_or_wrong_key_is_401_with_a_challenge(locked):
    for headers in ({}, {"X-API-Key": "nope"}):
        response = locked.post("/v1/scores", json=NEV_INSURANCE_EN, headers=headers)
        assert response.status_code == 401 and response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("ApiKey")


def test_a_key_without_the_role_is_403(locked):
    assert locked.get("/v1/taxonomy", headers={"X-API-Key": "r-secret"}).status_code == 200
    forbidden = locked.post("/v1/scores", json=NEV_INSURANCE_EN, headers={"X-API-Key": "r-secret"})
    assert forbidden.status_code == 403 and "'read'" in forbidden.get_json()["detail"]
    assert locked.post("/v1/scores", json=NEV_INSURANCE_EN, headers={"X-API-Key": "s-secret"}).status_code == 200


def test_health_docs_and_contract_stay_open(locked):
    for path in ("/healthz", "/readyz", "/openapi.yaml", "/openapi.json", "/docs", "/metrics"):
        with locked.get(path) as response:
            assert response.status_code == 200, path


def test_malformed_key_configuration_stops_start_up(make_app):
    with pytest.raises(ValueError, match="name:role:sha256hex"):
        make_app(api_keys="someone:superuser:abc")


def test_the_key_is_never_logged_only_its_name(locked):
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("diffscore.request")
    logger.addHandler(handler)
    try:
        locked.post("/v1/scores", json=NEV_INSURANCE_EN, headers={"X-API-Key": "s-secret", "X-Request-ID": "r-1"})
    finally:
        logger.removeHandler(handler)
    [record] = records
    assert record.client == "key:scorer" and record.route == "/v1/scores" and record.status == 200
    assert record.request_id == "r-1" and record.cache in ("computed", "memory") and record.latency_ms > 0
    assert "s-secret" not in str(record.__dict__)


def test_rate_limit_is_a_429_problem_that_says_the_limit(make_app):
    client = make_app(rate_limit="3 per minute").test_client()
    answers = [client.get("/v1/taxonomy?kind=domain") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["RateLimit-Limit"] == "3" and answers[0].headers["RateLimit-Remaining"] == "2"
    limited = answers[3]
    assert limited.mimetype == "application/problem+json" and "3 per 1 minute" in limited.get_json()["detail"]
    assert int(limited.headers["Retry-After"]) > 0
    assert client.get("/healthz").status_code == 200


def test_batch_has_its_own_tighter_limit(make_app):
    client = make_app(batch_rate_limit="1 per minute").test_client()
    body = {"items": [NEV_INSURANCE_EN]}
    assert client.post("/v1/scores/batch", json=body).status_code == 200
    assert client.post("/v1/scores/batch", json=body).status_code == 429
    assert client.post("/v1/scores", json=NEV_INSURANCE_EN).status_code == 200


def test_security_headers(client):
    scored = client.post("/v1/scores", json=NEV_INSURANCE_EN)
    assert scored.headers["X-Content-Type-Options"] == "nosniff"
    assert scored.headers["Cache-Control"] == "no-store"
    assert scored.headers["Content-Security-Policy"].startswith("default-src 'none'")
    docs = client.get("/docs")
    assert "script-src 'self'" in docs.headers["Content-Security-Policy"]


def test_metrics_count_requests_and_cache_look_ups(client):
    client.post("/v1/scores", json=NEV_INSURANCE_EN)
    text = client.get("/metrics").get_data(as_text=True)
    assert 'diffscore_requests_total{method="POST",route="/v1/scores",status="200"}' in text
    assert "diffscore_answers_total" in text and "diffscore_request_seconds_bucket" in text
    assert 'diffscore_scores_count{score="compliance_risk"}' in text


def test_every_view_says_which_role_it_needs(app):
    """A view without @requires would be admin-only (fail closed); every one of ours carries the mark."""
    from service.api.security import LIBRARY_OPEN
    unmarked = [name for name, view in app.view_functions.items()
                if name not in LIBRARY_OPEN and name != "static" and not hasattr(view, "required_role")]
    assert unmarked == []
