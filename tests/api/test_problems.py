"""Every problem type answers with the one title of service.errors.PROBLEM_TYPES, whatever path
raised it: views, werkzeug's HTTP errors, the limiter, access control and batch items."""

import json

import pytest

from service.api.examples import NEV_INSURANCE_EN
from service.api.security import digest
from service.errors import PROBLEM_TYPES

KEYS = f"reader:read:{digest('r-secret')}"


def _assert_problem(response, slug):
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)[:300]
    body = response.get_json()
    problem = PROBLEM_TYPES[slug]
    assert body["type"] == f"/problems/{slug}"
    assert body["title"] == problem.title
    assert body["status"] == response.status_code == problem.status
    return body


@pytest.mark.parametrize("slug,send", [
    ("bad-request", lambda c: c.post("/v1/scores", data="{oops", content_type="application/json")),
    ("not-found", lambda c: c.get("/v1/nowhere")),
    ("not-found", lambda c: c.post("/v1/scores?catalog=nope", json=NEV_INSURANCE_EN)),
    ("method-not-allowed", lambda c: c.delete("/v1/scores")),
    ("unsupported-media-type", lambda c: c.post("/v1/scores", data="x", content_type="text/plain")),
    ("payload-too-large", lambda c: c.post("/v1/scores", data=json.dumps({"name": "x" * (5 * 2**20)}),
                                           content_type="application/json")),
    ("invalid-input", lambda c: c.post("/v1/scores", json={"domain": "lending"})),
    ("unknown-term", lambda c: c.post("/v1/scores?strict=true", json={**NEV_INSURANCE_EN, "scenarios": ["zzqx"]})),
])
def test_each_problem_has_its_one_title(client, slug, send):
    _assert_problem(send(client), slug)


def test_access_problems_have_their_titles(make_app):
    locked = make_app(api_keys=KEYS).test_client()
    _assert_problem(locked.post("/v1/scores", json=NEV_INSURANCE_EN), "unauthenticated")
    _assert_problem(locked.post("/v1/scores", json=NEV_INSURANCE_EN, headers={"X-API-Key": "r-secret"}), "forbidden")


def test_rate_limit_problem_has_its_title(make_app):
    client = make_app(rate_limit="1 per minute").test_client()
    client.get("/v1/taxonomy")
    _assert_problem(client.get("/v1/taxonomy"), "too-many-requests")


def test_batch_item_problems_use_the_same_titles(client):
    # an unknown domain with nothing else to infer one from (lenient handling infers it from the rest)
    items = [{"domain": "lending"}, {"name": NEV_INSURANCE_EN["name"], "domain": "zzqx"}]
    results = client.post("/v1/scores/batch", json={"items": items}).get_json()["results"]
    for result, slug in zip(results, ("invalid-input", "unknown-term")):
        error = result["error"]
        assert error["type"] == f"/problems/{slug}" and error["title"] == PROBLEM_TYPES[slug].title
        assert result["status"] == error["status"] == PROBLEM_TYPES[slug].status


def test_the_table_says_each_title_once():
    titles = [p.title for p in PROBLEM_TYPES.values()]
    assert len(titles) == len(set(titles))


def test_an_unhandled_error_is_an_internal_error_problem(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setitem(client.application.view_functions, "taxonomy.get_taxonomy", broken)
    body = _assert_problem(client.get("/v1/taxonomy"), "internal-error")
    assert "request id" in body["detail"] and "a bug" not in body["detail"]
