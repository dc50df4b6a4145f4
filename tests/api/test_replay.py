"""Answers to a body seen before, byte for byte (service/api/replay.py): the same bytes as the whole
path writes, never across a catalog's versions, a Prefer header, a query or a tenant."""

import json

from service.api.examples import NEV_INSURANCE_EN
from service.api.security import digest

BODY = json.dumps(NEV_INSURANCE_EN)


def _post(client, body=BODY, path="/v1/scores", **headers):
    return client.post(path, data=body, content_type="application/json", headers={"X-Request-ID": "r-1", **headers})


def test_a_replayed_answer_is_byte_for_byte_the_whole_paths(client):
    first = _post(client)
    replayed = _post(client)
    assert first.get_json()["meta"]["cache"]["source"] == "computed"
    assert replayed.get_json()["meta"]["cache"] == {"hit": True, "source": "memory"}
    # the same profile in other bytes goes the whole way (parsed, read) to the same cached answer
    whole = _post(client, json.dumps(NEV_INSURANCE_EN, indent=2))
    assert whole.get_json()["meta"]["cache"]["source"] == "memory"
    assert replayed.get_data() == whole.get_data()
    assert replayed.headers["Content-Type"] == whole.headers["Content-Type"]
    for part in ("scores", "scores,interpretation", "recommendations,meta"):
        path = f"/v1/scores?fields={part}"
        _post(client, path=path)
        assert _post(client, path=path).get_data() == _post(client, json.dumps(NEV_INSURANCE_EN, indent=1),
                                                            path=path).get_data()


def test_the_prefer_header_and_query_are_part_of_what_is_kept(client):
    body = json.dumps({**NEV_INSURANCE_EN, "tech_stack": ["zzqx-unknown-term"]})
    assert _post(client, body).status_code == 200
    assert _post(client, body).status_code == 200
    assert _post(client, body, Prefer="handling=strict").status_code == 422
    assert _post(client, body, path="/v1/scores?strict=true").status_code == 422
    assert _post(client, body, Prefer="handling=lenient").headers["Preference-Applied"] == "handling=lenient"
    assert _post(client, body, Prefer="handling=lenient").headers["Preference-Applied"] == "handling=lenient"


def test_a_replaced_catalog_is_never_answered_from_the_kept_bytes(client):
    rivals = [{"id": "rival", "name": "Rival EV cover", "domain": "insurtech", "scenarios": ["NEV charging"]}]
    put = client.put("/v1/catalogs/acme", json={"products": rivals})
    path = "/v1/scores?catalog=acme"
    assert _post(client, path=path).get_json()["nearest_benchmarks"][0]["id"] == "rival"
    assert _post(client, path=path).get_json()["meta"]["cache"]["source"] == "memory"
    rivals[0]["id"] = "rival-v2"
    replaced = client.put("/v1/catalogs/acme", json={"products": rivals}, headers={"If-Match": put.headers["ETag"]})
    again = _post(client, path=path).get_json()
    assert again["meta"]["benchmark_version"] == replaced.get_json()["version"]
    assert again["nearest_benchmarks"][0]["id"] == "rival-v2"


def test_another_tenant_never_gets_a_kept_answer_of_its_catalog(make_app):
    keys = f"a:admin:{digest('a-secret')}:alpha,b:admin:{digest('b-secret')}:beta"
    client = make_app(api_keys=keys).test_client()
    rivals = [{"id": "secret-rival", "name": "Secret", "domain": "insurtech", "scenarios": ["NEV charging"]}]
    assert client.put("/v1/catalogs/acme", json={"products": rivals}, headers={"X-API-Key": "a-secret"}).status_code == 200
    path = "/v1/scores?catalog=acme"
    for _ in range(2):
        assert _post(client, path=path, **{"X-API-Key": "a-secret"}).status_code == 200
    assert _post(client, path=path, **{"X-API-Key": "b-secret"}).status_code == 404
