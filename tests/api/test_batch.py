from service.api.examples import NEV_INSURANCE_EN, NEV_INSURANCE_ZH, SOCIAL_CREDIT_EN


def test_every_item_is_answered_in_order_and_one_bad_item_fails_alone(client):
    items = [NEV_INSURANCE_EN, {**SOCIAL_CREDIT_EN, "domain": "lendng"}, {"name": "no domain"},
             {**NEV_INSURANCE_ZH, "colour": "red"}, SOCIAL_CREDIT_EN]
    response = client.post("/v1/scores/batch?strict=true", json={"items": items})
    assert response.status_code == 200
    body = response.get_json()
    assert [r["index"] for r in body["results"]] == [0, 1, 2, 3, 4]
    assert [r["status"] for r in body["results"]] == [200, 422, 422, 422, 200]
    assert body["summary"] == {"items": 5, "scored": 2, "failed": 3}
    unknown = body["results"][1]["error"]
    assert unknown["type"] == "/problems/unknown-term" and unknown["instance"].endswith("#/items/1")
    assert unknown["errors"][0]["suggestions"][0] == "lending"
    assert body["results"][3]["error"]["errors"][0]["field"] == "colour"
    single = client.post("/v1/scores", json=SOCIAL_CREDIT_EN).get_json()
    batched = body["results"][4]["result"]
    for key in ("differentiation", "homogeneity_risk", "compliance_risk", "recommendations"):
        assert batched[key] == single[key]


def test_batch_limit_is_a_413_that_says_the_limit(make_app):
    client = make_app(batch_max_items=3).test_client()
    response = client.post("/v1/scores/batch", json={"items": [NEV_INSURANCE_EN] * 4})
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    assert "at most 3 items" in response.get_json()["detail"]


def test_empty_or_malformed_batch(client):
    assert client.post("/v1/scores/batch", json={"items": []}).status_code == 422
    assert client.post("/v1/scores/batch", json={"rows": []}).status_code == 422
    assert client.post("/v1/scores/batch", json=[NEV_INSURANCE_EN]).status_code == 422


def test_an_item_that_is_not_an_object_fails_the_request_as_the_contract_says(client):
    response = client.post("/v1/scores/batch", json={"items": [NEV_INSURANCE_EN, "not an object"]})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"].startswith("items")


def test_batch_items_with_unknown_terms_are_scored_and_flagged(client):
    items = [{**NEV_INSURANCE_EN, "tech_stack": ["IoT", "zzqx gizmo"]}, {**SOCIAL_CREDIT_EN, "domain": "lendng"}]
    body = client.post("/v1/scores/batch", json={"items": items}).get_json()
    assert [r["status"] for r in body["results"]] == [200, 200]
    first, second = (r["result"] for r in body["results"])
    assert [r["field"] for r in first["interpretation"] if r["how"] == "not_recognised"] == ["tech_stack[1]"]
    assert second["profile"]["domain"] == "lending"
    assert [r["how"] for r in second["interpretation"] if r["field"] == "domain"] == ["fuzzy"]
