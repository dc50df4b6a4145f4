"""What browsers and API tools rely on: CORS for configured origins only, conditional GETs, the
IETF rate-limit headers, operation ids for generated clients, and docs served from this origin."""

import re

import pytest

from service.api.security import digest

PLANNER = "https://planner.example.com"
PREFLIGHT = {"Origin": PLANNER, "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "content-type, x-api-key"}
PROFILE = {"name": "ChargeSafe", "domain": "insurtech", "scenarios": ["NEV charging"]}
WINDOW_SECONDS = 60
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


@pytest.fixture
def cors_client(make_app):
    return make_app(cors_origins=f"{PLANNER}, http://localhost:3000").test_client()


def test_preflight_from_a_configured_origin_is_allowed(cors_client):
    answer = cors_client.options("/v1/scores", headers=PREFLIGHT)
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == PLANNER
    assert "POST" in answer.headers["Access-Control-Allow-Methods"]
    assert {"content-type", "x-api-key"} <= {h.strip().lower() for h in
                                             answer.headers["Access-Control-Allow-Headers"].split(",")}
    assert "Origin" in answer.headers["Vary"]


def test_preflight_from_another_origin_gets_no_cors_headers(cors_client):
    answer = cors_client.options("/v1/scores", headers={**PREFLIGHT, "Origin": "https://elsewhere.example"})
    assert not [name for name in answer.headers.keys() if name.lower().startswith("access-control-")]


def test_cors_is_off_by_default(client):
    answer = client.options("/v1/scores", headers=PREFLIGHT)
    assert "Access-Control-Allow-Origin" not in answer.headers


def test_a_browser_can_read_the_answer_and_its_headers(cors_client):
    answer = cors_client.post("/v1/scores", json=PROFILE, headers={"Origin": PLANNER})
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == PLANNER
    exposed = {h.strip() for h in answer.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "X-Request-ID", "ETag"} <= exposed


def test_preflight_needs_no_key_but_the_call_does(make_app):
    keyed = make_app(cors_origins=PLANNER, api_keys=f"planner:score:{digest('s3cret')}").test_client()
    preflight = keyed.options("/v1/scores", headers=PREFLIGHT)
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == PLANNER
    refused = keyed.post("/v1/scores", json=PROFILE, headers={"Origin": PLANNER})
    # The 401 is readable by the page too, so it can tell its user to send a key.
    assert refused.status_code == 401 and refused.headers["Access-Control-Allow-Origin"] == PLANNER
    assert keyed.post("/v1/scores", json=PROFILE, headers={"Origin": PLANNER, "X-API-Key": "s3cret"}).status_code == 200


@pytest.mark.parametrize("path", ["/v1/taxonomy", "/v1/taxonomy?kind=scenario", "/v1/benchmarks?domain=lending",
                                  "/v1/catalogs"])
def test_repeated_get_with_if_none_match_is_304(client, path):
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag)
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "private, no-cache"
    # A weak form of the same tag (a proxy that compressed the body weakens it) still validates.
    assert client.get(path, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_each_representation_has_its_own_etag(client):
    tags = {client.get(path).headers["ETag"] for path in
            ("/v1/taxonomy", "/v1/taxonomy?kind=scenario", "/v1/benchmarks", "/v1/benchmarks?page=2")}
    assert len(tags) == 4


def test_registering_a_catalog_changes_the_list_etag(client):
    before = client.get("/v1/catalogs").headers["ETag"]
    registered = client.put("/v1/catalogs/acme", json={"products": [
        {"id": "rival", "name": "Rival", "domain": "insurtech", "scenarios": ["NEV charging"]}]})
    assert registered.status_code == 200
    after = client.get("/v1/catalogs", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["ETag"] != before
    assert "acme" in {c["name"] for c in after.get_json()["catalogs"]}


def test_rate_limit_reset_is_seconds_and_retry_after_only_on_429(make_app):
    limited = make_app(rate_limit="2 per minute").test_client()
    answers = [limited.get("/v1/catalogs") for _ in range(3)]
    for answer in answers[:2]:
        assert answer.status_code == 200 and "Retry-After" not in answer.headers
        # Seconds until the window resets (IETF RateLimit headers), not a Unix time.
        assert 0 <= int(answer.headers["RateLimit-Reset"]) <= WINDOW_SECONDS + 1
    refused = answers[2]
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= WINDOW_SECONDS + 1
    assert 0 <= int(refused.headers["RateLimit-Reset"]) <= WINDOW_SECONDS + 1


def test_every_operation_has_a_unique_verb_operation_id(client):
    spec = client.get("/openapi.json").get_json()
    ids = {(method, path): op.get("operationId") for path, item in spec["paths"].items()
           for method, op in item.items() if method in METHODS}
    assert all(ids.values()), [key for key, value in ids.items() if not value]
    assert len(set(ids.values())) == len(ids)
    assert all(re.fullmatch(r"(score|compare|extract|get|list|put|check)[A-Z][A-Za-z]+", i) for i in ids.values())
    assert ids[("post", "/v1/scores")] == "scoreProfile" and ids[("post", "/v1/scores/batch")] == "scoreBatch"
    assert ids[("get", "/v1/taxonomy")] == "getTaxonomy" and ids[("put", "/v1/catalogs/{name}")] == "putCatalog"


def test_try_it_out_calls_the_origin_that_served_the_docs(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["servers"] == [{"url": "/", "description": "the server that serves this document"}]
    policy = client.get("/docs").headers["Content-Security-Policy"]
    assert "connect-src 'self'" in policy and "default-src 'self'" in policy


def test_batch_results_are_typed_for_generated_clients(client):
    item = client.get("/openapi.json").get_json()["components"]["schemas"]["BatchItem"]["properties"]
    assert item["result"] == {"anyOf": [{"$ref": "#/components/schemas/ScoreResponse"}, {"type": "null"}]}
    assert item["error"] == {"anyOf": [{"$ref": "#/components/schemas/Problem"}, {"type": "null"}]}


def test_redoc_and_favicon_are_served_locally(client):
    page = client.get("/redoc")
    assert page.status_code == 200 and "connect-src 'self'" in page.headers["Content-Security-Policy"]
    scripts = re.findall(r'<script[^>]* src="([^"]+)"', page.get_data(as_text=True))
    assert scripts and all(s.startswith("/docs/assets/") for s in scripts)
    with client.get(scripts[0]) as bundle:
        assert bundle.status_code == 200 and b"Redoc" in bundle.data[:2000]
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/png" and icon.data.startswith(b"\x89PNG")


def test_docs_pages_stay_open_when_keys_are_configured(make_app):
    keyed = make_app(api_keys=f"reader:read:{digest('k')}").test_client()
    for path in ("/docs", "/redoc", "/favicon.ico", "/docs/assets/swagger-ui-bundle.js", "/openapi.json"):
        with keyed.get(path) as answer:
            assert answer.status_code == 200, path
