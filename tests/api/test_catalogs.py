import json

import pytest

from service.api.examples import NEV_INSURANCE_EN
from service.api.security import digest

RIVALS = [
    {"id": "rival-ev-cover", "name": "Rival EV cover", "domain": "保险科技", "tech_stack": ["IoT"],
     "scenarios": ["NEV charging"], "target_segments": ["NEV owners"], "verdict": "homogeneous"},
    {"id": "rival-pet", "name": "Rival pet plan", "domain": "insurtech", "scenarios": ["pets"]},
]


def test_register_then_score_against_it_alone_or_with_the_report(client, benchmarks):
    registered = client.put("/v1/catalogs/acme", json={"products": RIVALS})
    assert registered.status_code == 200
    catalog = registered.get_json()
    assert catalog["name"] == "acme" and catalog["products"] == 2 and catalog["version"] != benchmarks.version
    alone = client.post("/v1/scores?catalog=acme", json=NEV_INSURANCE_EN).get_json()
    assert alone["meta"]["benchmark_version"] == catalog["version"]
    named = [n["id"] for n in alone["nearest_benchmarks"] if not n["archetype"]]
    assert named[0] == "rival-ev-cover" and set(named) <= {"rival-ev-cover", "rival-pet"}
    # The market model's archetypes are the market, not a catalog: they stay beside the caller's products.
    assert all(n["id"].startswith("archetype-") for n in alone["nearest_benchmarks"] if n["archetype"])
    both = client.post("/v1/scores?catalog=acme%2Breport", json=NEV_INSURANCE_EN).get_json()
    ids = {n["id"] for n in both["nearest_benchmarks"]}
    assert "rival-ev-cover" in ids and "zhongan-nev-ecosystem-insurance" in ids
    assert both["meta"]["benchmark_version"] not in (catalog["version"], benchmarks.version)
    report = client.post("/v1/scores", json=NEV_INSURANCE_EN).get_json()
    assert report["meta"]["benchmark_version"] == benchmarks.version
    listed = {c["name"]: c for c in client.get("/v1/catalogs").get_json()["catalogs"]}
    assert listed["acme"]["source"] == "registered" and listed["report"]["products"] == len(benchmarks.products)


def test_every_bad_entry_is_listed_and_nothing_is_stored(client):
    bad = [{"id": "a", "name": "A", "domain": "insurtek"}, {"name": "no id", "domain": "insurtech"},
           {"id": "b", "name": "B", "domain": "insurtech", "tech_stack": ["blokchain"]},
           {"id": "zhongan-pet-medical", "name": "taken", "domain": "insurtech"}]
    response = client.put("/v1/catalogs/broken", json={"products": bad})
    assert response.status_code == 422
    fields = [e["field"] for e in response.get_json()["errors"]]
    assert len(fields) == 3 and all(f.startswith("products[") for f in fields)
    assert "did you mean 'blockchain'" in json.dumps(response.get_json())
    assert client.post("/v1/scores?catalog=broken", json=NEV_INSURANCE_EN).status_code == 404


def test_report_case_ids_cannot_be_reused_with_the_report(client):
    taken = [{"id": "zhongan-pet-medical", "name": "copy", "domain": "insurtech", "scenarios": ["pets"]}]
    assert client.put("/v1/catalogs/copycat", json={"products": taken}).status_code == 200
    clash = client.post("/v1/scores?catalog=copycat%2Breport", json=NEV_INSURANCE_EN)
    assert clash.status_code == 422 and "already names a report case" in clash.get_json()["errors"][0]["message"]


def test_unknown_catalog_and_bad_names(client):
    missing = client.post("/v1/scores?catalog=nobody", json=NEV_INSURANCE_EN)
    assert missing.status_code == 404 and "PUT /v1/catalogs/nobody" in missing.get_json()["detail"]
    assert client.put("/v1/catalogs/Bad%20Name", json={"products": RIVALS}).status_code == 422
    assert client.put("/v1/catalogs/report", json={"products": RIVALS}).status_code == 422
    assert client.post("/v1/scores?catalog=a%2Bb", json=NEV_INSURANCE_EN).status_code == 422


def test_registering_needs_the_admin_role_when_keys_are_on(make_app):
    keys = f"ops:admin:{digest('a-secret')},planner:score:{digest('s-secret')}"
    client = make_app(api_keys=keys).test_client()
    put = lambda key: client.put("/v1/catalogs/acme", json={"products": RIVALS}, headers={"X-API-Key": key})  # noqa: E731
    assert put("s-secret").status_code == 403
    assert put("a-secret").status_code == 200


def test_catalog_files_load_at_start_up(tmp_path, make_app):
    jsonl = tmp_path / "rivals.jsonl"
    jsonl.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in RIVALS), encoding="utf-8")
    csv_file = tmp_path / "rivals.csv"
    csv_file.write_text("id,name,domain,scenarios,target_segments,verdict\n"
                        "r1,Rival one,insurtech,NEV charging;pets,NEV owners,homogeneous\n", encoding="utf-8")
    client = make_app(benchmark_paths=f"mine={jsonl},sheet={csv_file}").test_client()
    listed = {c["name"]: c for c in client.get("/v1/catalogs").get_json()["catalogs"]}
    assert listed["mine"]["source"] == "file" and listed["sheet"]["products"] == 1
    scored = client.post("/v1/scores?catalog=sheet", json=NEV_INSURANCE_EN).get_json()
    assert scored["nearest_benchmarks"][0]["id"] == "r1"


def test_a_bad_catalog_file_stops_start_up(tmp_path, make_app):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x", "name": "X", "domain": "lendng"}\n', encoding="utf-8")
    from service.errors import BenchmarkDataError
    with pytest.raises(BenchmarkDataError, match="did you mean 'lending'"):
        make_app(benchmark_paths=f"bad={path}")


def test_unknown_product_fields_are_rejected_not_ignored(client):
    product = {"id": "x", "name": "X", "domain": "insurtech", "colour": "red", "compliance": {"licence": []}}
    response = client.put("/v1/catalogs/strict", json={"products": [product]})
    assert response.status_code == 422
    message = response.get_json()["errors"][0]["message"]
    assert "'colour'" in message and "'compliance.licence'" in message


def test_a_re_registered_catalog_replaces_the_old_version(client):
    put = client.put("/v1/catalogs/moving", json={"products": RIVALS})
    first = put.get_json()
    assert put.headers["ETag"] == f'"{first["version"]}"'
    second = client.put("/v1/catalogs/moving", json={"products": RIVALS[:1]},
                        headers={"If-Match": put.headers["ETag"]}).get_json()
    assert first["version"] != second["version"] and second["products"] == 1
    scored = client.post("/v1/scores?catalog=moving", json=NEV_INSURANCE_EN).get_json()
    assert scored["meta"]["benchmark_version"] == second["version"]
