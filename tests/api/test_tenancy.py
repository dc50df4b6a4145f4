"""Catalogs belong to the tenant whose key registered them (issue 21: any score key scored against
another client's catalog and read its product names, any read key listed them, one admin key
overwrote another client's catalog). Other tenants get 404, as for a catalog that does not exist,
so names do not leak; replacing a catalog takes its current version (If-Match)."""

import pytest

from service.api.examples import NEV_INSURANCE_EN
from service.api.security import digest, load_keys
from tests.api.test_catalogs import RIVALS

KEYS = ",".join([
    f"ops-a:admin:{digest('a-admin')}:acme-corp", f"plan-a:score:{digest('a-score')}:acme-corp",
    f"read-a:read:{digest('a-read')}:acme-corp",
    f"ops-b:admin:{digest('b-admin')}:globex", f"plan-b:score:{digest('b-score')}:globex",
    f"read-b:read:{digest('b-read')}:globex",
    f"legacy:admin:{digest('legacy')}",                 # the format before tenants: the default tenant
])
SECRET = [{**RIVALS[0], "id": "acme-secret-ev", "name": "Acme confidential EV plan"}]


@pytest.fixture
def client(make_app):
    return make_app(api_keys=KEYS).test_client()


def _as(client, key):
    def call(method, path, **kwargs):
        headers = {"X-API-Key": key, **kwargs.pop("headers", {})}
        return client.open(path, method=method, headers=headers, **kwargs)
    return call


def test_another_tenant_can_neither_score_against_list_nor_read_a_catalog(client):
    a, b = _as(client, "a-admin"), _as(client, "b-score")
    assert a("PUT", "/v1/catalogs/rivals", json={"products": SECRET}).status_code == 200
    own = _as(client, "a-score")("POST", "/v1/scores?catalog=rivals", json=NEV_INSURANCE_EN).get_json()
    assert own["nearest_benchmarks"][0]["id"] == "acme-secret-ev"
    for selection in ("rivals", "rivals%2Breport"):
        refused = b("POST", f"/v1/scores?catalog={selection}", json=NEV_INSURANCE_EN)
        assert refused.status_code == 404 and refused.mimetype == "application/problem+json"
        known = refused.get_json()["detail"].split("known: ")[1].split(". Register")[0]
        assert known == "report"                    # globex's own catalogs only: it has none
        assert "Acme confidential" not in refused.get_data(as_text=True)
    assert b("POST", "/v1/compare?catalog=rivals", json={"variants": [NEV_INSURANCE_EN, NEV_INSURANCE_EN]}
             ).status_code == 404
    assert b("POST", "/v1/white-space?catalog=rivals", json=NEV_INSURANCE_EN).status_code == 404
    listed_b = {c["name"] for c in _as(client, "b-read")("GET", "/v1/catalogs").get_json()["catalogs"]}
    listed_a = {c["name"] for c in _as(client, "a-read")("GET", "/v1/catalogs").get_json()["catalogs"]}
    assert "rivals" not in listed_b and "rivals" in listed_a


def test_another_tenant_cannot_overwrite_a_catalog_its_name_is_its_own(client):
    a, b = _as(client, "a-admin"), _as(client, "b-admin")
    assert a("PUT", "/v1/catalogs/rivals", json={"products": SECRET}).status_code == 200
    theirs = b("PUT", "/v1/catalogs/rivals", json={"products": RIVALS})
    assert theirs.status_code == 200                   # a catalog of globex's own, not a replacement
    scored_a = _as(client, "a-score")("POST", "/v1/scores?catalog=rivals", json=NEV_INSURANCE_EN).get_json()
    scored_b = _as(client, "b-score")("POST", "/v1/scores?catalog=rivals", json=NEV_INSURANCE_EN).get_json()
    assert scored_a["nearest_benchmarks"][0]["id"] == "acme-secret-ev"
    # Only B's own products are named; the market model's archetypes stand beside every catalog.
    assert {n["id"] for n in scored_b["nearest_benchmarks"] if not n["archetype"]} <= {r["id"] for r in RIVALS}


def test_replacing_a_catalog_takes_its_current_version(client):
    a = _as(client, "a-admin")
    first = a("PUT", "/v1/catalogs/rivals", json={"products": SECRET})
    etag = first.headers["ETag"]
    missing = a("PUT", "/v1/catalogs/rivals", json={"products": RIVALS})
    assert missing.status_code == 428 and missing.get_json()["type"] == "/problems/precondition-required"
    assert missing.get_json()["errors"][0]["field"] == "If-Match"
    stale = a("PUT", "/v1/catalogs/rivals", json={"products": RIVALS}, headers={"If-Match": '"bm-000000000000"'})
    assert stale.status_code == 412 and stale.get_json()["type"] == "/problems/precondition-failed"
    assert first.get_json()["version"] in stale.get_json()["errors"][0]["accepted"]
    replaced = a("PUT", "/v1/catalogs/rivals", json={"products": RIVALS}, headers={"If-Match": etag})
    assert replaced.status_code == 200 and replaced.headers["ETag"] != etag
    # The old version is no longer current; * means "whatever is there now".
    assert a("PUT", "/v1/catalogs/rivals", json={"products": SECRET}, headers={"If-Match": etag}).status_code == 412
    current = a("PUT", "/v1/catalogs/rivals", json={"products": SECRET}, headers={"If-Match": "*"})
    assert current.status_code == 200
    # Weak or empty tags never match (If-Match compares strongly).
    for sent in ('""', f'W/{current.headers["ETag"]}'):
        assert a("PUT", "/v1/catalogs/rivals", json={"products": SECRET}, headers={"If-Match": sent}).status_code == 412
    # If-Match on a catalog that does not exist is not met either.
    assert a("PUT", "/v1/catalogs/nothing", json={"products": SECRET}, headers={"If-Match": "*"}).status_code == 412


def test_keys_without_a_tenant_keep_working_as_one_tenant(client):
    legacy = _as(client, "legacy")
    assert legacy("PUT", "/v1/catalogs/old", json={"products": RIVALS}).status_code == 200
    assert legacy("POST", "/v1/scores?catalog=old", json=NEV_INSURANCE_EN).status_code == 200
    assert _as(client, "a-score")("POST", "/v1/scores?catalog=old", json=NEV_INSURANCE_EN).status_code == 404


def test_a_malformed_tenant_stops_start_up():
    with pytest.raises(ValueError, match="tenant"):
        load_keys(f"x:admin:{digest('k')}:Not A Tenant", "")
    assert load_keys(f"x:admin:{digest('k')}:acme-corp", "")[0].tenant == "acme-corp"
