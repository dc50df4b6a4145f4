"""The small ones of issue 21, each as it was reproduced: lone surrogates and huge numbers answered
500; "acme\\n" was a valid catalog name; zero-width characters made a strict match; wrong keys were
never limited (1,500 guesses in 6.4 s); a YAML bomb in a start-up catalog hung the build."""

import json
import time

import pytest

from service.api.examples import NEV_INSURANCE_EN
from service.api.security import digest
from service.benchmarks.catalogs import read_catalog_file
from service.errors import BenchmarkDataError

BASE = json.dumps(NEV_INSURANCE_EN)[1:-1]


def _problem(response, status=422):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    return response.get_json()


@pytest.mark.parametrize("path,method,raw,field", [
    ("/v1/scores", "POST", '{"name": "\\ud800", "domain": "payments"}', "name"),
    ("/v1/scores", "POST", '{"name": "x", "domain": "payments", "tech_stack": ["IoT", "\\udfff AI"]}', "tech_stack[1]"),
    ("/v1/catalogs/acme", "PUT", '{"products": [{"id": "a", "name": "\\ud800x", "domain": "payments"}]}',
     "products[0].name"),
])
def test_a_lone_surrogate_is_a_problem_naming_its_field(client, path, method, raw, field):
    body = _problem(client.open(path, method=method, data=raw, content_type="application/json"))
    assert body["errors"][0]["field"] == field
    assert "surrogate" in body["errors"][0]["message"] and "valid Unicode" in body["errors"][0]["accepted"]


def test_a_lone_surrogate_in_one_batch_item_is_that_items_problem(client):
    """It refused the whole batch (422); the other items are answered."""
    raw = '{"items": [{"name": "x\\ud800", "domain": "payments"}, {' + BASE + '}, {"domain": "\\udfff"}]}'
    response = client.post("/v1/scores/batch", data=raw, content_type="application/json")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == [422, 200, 422]
    assert [r["error"]["errors"][0]["field"] for r in (results[0], results[2])] == ["name", "domain"]
    assert "surrogate" in results[0]["error"]["errors"][0]["message"]
    assert results[0]["error"]["instance"] == "/v1/scores/batch#/items/0"
    assert response.get_json()["summary"] == {"items": 3, "scored": 1, "failed": 2}


def test_a_lone_surrogate_outside_the_items_still_refuses_the_batch(client):
    raw = '{"items": [{' + BASE + '}], "\\ud800": 1}'
    body = _problem(client.post("/v1/scores/batch", data=raw, content_type="application/json"))
    assert "surrogate" in body["errors"][0]["message"]


def test_a_surrogate_pair_is_a_character(client):
    raw = '{' + BASE + ', "name": "rocket \\ud83d\\ude80"}'
    assert client.post("/v1/scores", data=raw, content_type="application/json").status_code == 200


@pytest.mark.parametrize("value", ["NaN", "-Infinity", "9" * 400, "9" * 5000])
def test_every_number_is_finite_and_readable(client, value):
    """max_apr was fixed on main; an edit's value, and any other number, went through unchecked."""
    raw = '{"base": {' + BASE + '}, "edits": [[{"action": "set", "field": "compliance.max_apr", "value": ' + value + '}]]}'
    body = _problem(client.post("/v1/compare", data=raw, content_type="application/json"))
    assert body["errors"][0]["field"] == "edits[0][0].value" and "finite" in body["errors"][0]["message"]


def test_text_that_only_looks_like_numbers_is_left_alone(client):
    raw = '{' + BASE + ', "description": "NaN Infinity 12345678901234567890"}'
    assert client.post("/v1/scores", data=raw, content_type="application/json").status_code == 200


@pytest.mark.parametrize("name", ["acme%0A", "acme%09", "acme%00"])
def test_a_catalog_name_with_a_control_character_is_refused(client, name):
    body = _problem(client.put(f"/v1/catalogs/{name}", json={"products": [{"id": "a", "name": "x", "domain": "payments"}]}))
    assert body["errors"][0]["field"] == "name"
    assert client.get("/v1/catalogs").get_json()["catalogs"][-1]["name"] == "report"


@pytest.mark.parametrize("product", [{"id": "a", "name": "acme\n", "domain": "payments"},
                                     {"id": "a\u2028b", "name": "acme", "domain": "payments"}])
def test_catalog_product_names_and_ids_are_one_line(client, product):
    body = _problem(client.put("/v1/catalogs/acme", json={"products": [product]}))
    assert "one line of text" in body["errors"][0]["message"]


def test_a_product_name_with_a_line_break_is_refused(client):
    body = _problem(client.post("/v1/scores", json={**NEV_INSURANCE_EN, "name": "Rival\r\nX-Injected: 1"}))
    assert body["errors"][0]["field"] == "name" and "description" in body["errors"][0]["message"]
    assert client.post("/v1/scores", json={**NEV_INSURANCE_EN, "name": "充电 安心　车险"}).status_code == 200


def _controls(values):
    """The example with these privacy controls: where KYC is an exact term (a control, issue 19)."""
    return {**NEV_INSURANCE_EN, "compliance": {**NEV_INSURANCE_EN["compliance"], "privacy_controls": values}}


def test_zero_width_characters_never_make_a_strict_match(client):
    profile = _controls(["K\u200bY\u200dC"])
    body = _problem(client.post("/v1/scores?strict=true", json=profile))
    error = body["errors"][0]
    assert error["field"] == "compliance.privacy_controls[0]" and "spelling variant" in error["message"]
    lenient = client.post("/v1/scores?fields=interpretation", json=profile).get_json()["interpretation"]
    reading = next(r for r in lenient if r["field"] == "compliance.privacy_controls[0]")
    assert reading["code"] == "kyc" and reading["how"] == "spelling_variant" and "invisible" in reading["note"]
    assert client.post("/v1/scores?strict=true", json=_controls(["KYC"])).status_code == 200


def test_wrong_keys_are_limited_per_client_address(make_app):
    client = make_app(api_keys=f"reader:read:{digest('right')}", wrong_key_limit="5 per minute").test_client()
    statuses = [client.get("/v1/taxonomy", headers={"X-API-Key": f"guess-{i}"}).status_code for i in range(8)]
    assert statuses == [401] * 5 + [429] * 3
    # Once spent, even the right key waits: a guess that happens to be right tells nothing.
    blocked = client.get("/v1/taxonomy", headers={"X-API-Key": "right"})
    assert _problem(blocked, 429)["type"] == "/problems/too-many-requests" and int(blocked.headers["Retry-After"]) > 0
    other = client.get("/v1/taxonomy", headers={"X-API-Key": "right"}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_right_keys_are_not_counted_as_wrong(make_app):
    client = make_app(api_keys=f"reader:read:{digest('right')}", wrong_key_limit="2 per minute").test_client()
    assert all(client.get("/v1/taxonomy", headers={"X-API-Key": "right"}).status_code == 200 for _ in range(5))


BOMB = "\n".join(['a: &a ["x","x","x","x","x","x","x","x","x"]'] +
                 [f'{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},'
                  f'*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]' for i in range(8)] +
                 ["products: [{id: p, name: *i, domain: payments}]"])


def test_a_yaml_bomb_in_a_start_up_catalog_is_refused_at_once(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB)
    started = time.perf_counter()
    with pytest.raises(BenchmarkDataError, match="alias"):
        read_catalog_file(path, 2**20)
    assert time.perf_counter() - started < 2


def test_a_start_up_catalog_file_is_bounded_in_size(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text('{"id": "p", "name": "x", "domain": "payments"}\n' * 100)
    with pytest.raises(BenchmarkDataError, match="at most 1000"):
        read_catalog_file(path, 1000)
    assert read_catalog_file(path, 10_000)[0]["id"] == "p"
