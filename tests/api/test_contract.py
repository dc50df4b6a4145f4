"""openapi.yaml is the contract: it must be exactly what the app generates, valid, and truthful."""

import re
from pathlib import Path

import yaml
from openapi_spec_validator import validate

SPEC_FILE = Path(__file__).resolve().parents[2] / "openapi.yaml"


def test_checked_in_contract_is_what_the_app_serves(client):
    served = client.get("/openapi.yaml")
    assert served.status_code == 200
    assert served.get_data(as_text=True) == SPEC_FILE.read_text(encoding="utf-8"), (
        "openapi.yaml is stale: run `make openapi` and commit the result"
    )


def test_contract_is_a_valid_openapi_document():
    validate(yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8")))


def test_every_request_example_scores_on_the_live_app(client):
    spec = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    posted = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            for name, example in body.get("examples", {}).items():
                response = client.open(path, method=method.upper(), json=example["value"])
                assert response.status_code == 200, (path, name, response.get_json())
                posted += 1
    assert posted >= 3


def test_every_route_is_documented(app):
    spec = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    documented = {re.sub(r"\{(\w+)\}", r"<\1>", p) for p in spec["paths"]}
    served = {re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", r.rule) for r in app.url_map.iter_rules()
              if r.rule.startswith("/v1") or r.rule in ("/healthz", "/readyz")}
    assert served <= documented


def test_error_responses_are_documented_as_problem_json():
    spec = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    responses = spec["components"]["responses"]
    assert "application/problem+json" in responses["UNPROCESSABLE_ENTITY"]["content"]
    post = spec["paths"]["/v1/scores"]["post"]["responses"]
    assert {"200", "400", "413", "415", "422"} <= set(post)


def test_docs_are_served_without_any_external_asset(client):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/docs/assets/") for a in assets)
    for asset in assets:
        with client.get(asset) as response:
            assert response.status_code == 200 and len(response.get_data()) > 1000
    assert client.get("/openapi.json").get_json()["openapi"].startswith("3.")


def test_the_contract_says_the_request_rules_the_service_enforces(client):
    """Issue 20 item 7: compare's either/or and a catalog product's required keys are in openapi.yaml,
    so what the contract accepts the service accepts, and what it refuses the service refuses."""
    import jsonschema
    from service.api.examples import NEV_INSURANCE_EN
    spec = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    compare = {**schemas["CompareIn"], "components": spec["components"]}
    product = schemas["CatalogIn"]["properties"]["products"]["items"]
    forms = {"variants": {"variants": [NEV_INSURANCE_EN, NEV_INSURANCE_EN]},
             "base+edits": {"base": NEV_INSURANCE_EN, "edits": [[{"action": "add", "field": "scenarios",
                                                                  "value": "pets"}]]},
             "both": {"variants": [NEV_INSURANCE_EN, NEV_INSURANCE_EN], "base": NEV_INSURANCE_EN},
             "base alone": {"base": NEV_INSURANCE_EN}}
    for form, body in forms.items():
        said = jsonschema.Draft202012Validator(compare).is_valid(body)
        served = client.post("/v1/compare", json=body).status_code == 200
        assert said == served, form
    for entry, ok in [({"id": "a", "domain": "payments"}, True), ({"domain": "payments"}, False),
                      ({"id": "a"}, False), ({"id": "a", "domain": "payments", "colour": "red"}, False)]:
        assert jsonschema.Draft202012Validator(product).is_valid(entry) == ok, entry
        served = client.put("/v1/catalogs/contract-test", json={"products": [entry]}).status_code
        assert (served < 300) == ok, (entry, served)
