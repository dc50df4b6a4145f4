from service.api.examples import NEV_INSURANCE_EN, NEV_INSURANCE_ZH, SOCIAL_CREDIT_EN


def test_variants_side_by_side_with_deltas_and_reasons(client):
    pets = {**NEV_INSURANCE_EN, "scenarios": ["pets"], "target_segments": ["pet owners"]}
    body = client.post("/v1/compare", json={"variants": [NEV_INSURANCE_EN, NEV_INSURANCE_ZH, pets]}).get_json()
    first, chinese, pet = body["variants"]
    assert chinese["delta"] == {"differentiation": 0.0, "homogeneity_risk": 0.0, "compliance_risk": 0.0}
    assert chinese["factors_added"] == [] and chinese["factors_removed"] == []
    single = client.post("/v1/scores", json=pets).get_json()
    assert pet["differentiation"]["score"] == single["differentiation"]["score"]
    assert pet["delta"]["differentiation"] == round(single["differentiation"]["score"] - first["differentiation"]["score"], 2)
    assert "differentiation:vertical_scenario=pets" in pet["factors_added"]
    assert "differentiation:vertical_scenario=nev_charging" in pet["factors_removed"]
    assert body["best_single_edit"]["label_en"]


def test_base_and_edits_make_the_variants(client):
    edits = [[{"action": "remove", "field": "compliance.data_sources", "value": "contacts"}],
             [{"action": "add", "field": "scenarios", "value": "农业"}, {"action": "set", "field": "compliance.max_apr",
                                                                          "value": 0.2}]]
    body = client.post("/v1/compare", json={"base": SOCIAL_CREDIT_EN, "edits": edits}).get_json()
    assert len(body["variants"]) == 3
    assert body["variants"][1]["profile"]["compliance"]["data_sources"] == ["social_data"]
    assert body["variants"][2]["profile"]["scenarios"] == ["rural_agriculture"]
    assert body["variants"][2]["profile"]["compliance"]["max_apr"] == 0.2
    pair = body["best_pair"]
    assert len(pair["edits"]) == 2 and pair["gain"] > 0
    edited = dict(SOCIAL_CREDIT_EN)
    for edit in pair["edits"]:
        assert edit["action"] in ("add", "remove", "set")
    assert pair["effect"]["differentiation"] >= 0 or pair["effect"]["compliance_risk"] <= 0
    assert edited == SOCIAL_CREDIT_EN


def test_bad_edits_and_forms_are_422_with_every_problem(client):
    edits = [[{"action": "add", "field": "scenarios", "value": "petz"},
              {"action": "set", "field": "compliance.sandbox", "value": 1}]]
    body = client.post("/v1/compare?strict=true", json={"base": SOCIAL_CREDIT_EN, "edits": edits}).get_json()
    assert [e["field"] for e in body["errors"]] == ["edits[0][0].value", "edits[0][1].value"]
    assert body["errors"][0]["suggestions"][0] == "pets"
    assert body["errors"][0]["accepted"].startswith("a scenario code")
    # Leniently an unknown term is what it is in a profile: said with its suggestions, counting nowhere.
    lenient = client.post("/v1/compare", json={"base": SOCIAL_CREDIT_EN, "edits": edits}).get_json()
    assert [e["field"] for e in lenient["errors"]] == ["edits[0][1].value"]
    body = client.post("/v1/compare", json={"base": SOCIAL_CREDIT_EN, "edits": [edits[0][:1]]}).get_json()
    [said] = body["variants"][1]["interpretation"]
    assert said["how"] == "not_recognised" and said["suggestions"][0] == "pets"
    assert body["variants"][1]["profile"] == body["variants"][0]["profile"]
    assert client.post("/v1/compare", json={"base": SOCIAL_CREDIT_EN}).status_code == 422
    assert client.post("/v1/compare", json={"variants": [NEV_INSURANCE_EN]}).status_code == 422


def test_each_variant_says_how_it_was_read(client):
    from service.api.examples import NEV_INSURANCE_EN
    traditional = {**NEV_INSURANCE_EN, "tech_stack": ["區塊鏈"]}
    variants = client.post("/v1/compare", json={"variants": [NEV_INSURANCE_EN, traditional]}).get_json()["variants"]
    [read] = [r for r in variants[1]["interpretation"] if r["field"] == "tech_stack[0]"]
    assert read["how"] == "converted_script" and read["code"] == "blockchain"
    assert all(r["how"] != "not_recognised" for r in variants[0]["interpretation"])


def test_edits_are_read_as_the_profile_reads_its_values(client):
    """Issue 20 item 6: an edit's term is read leniently like a profile value, its reading is said, a
    term of another field counts there, and strict handling refuses what it refuses in a profile."""
    edits = [[{"action": "add", "field": "tech_stack", "value": "SaaS收銀系統"}],
             [{"action": "add", "field": "partners", "value": "white-label"}]]
    body = client.post("/v1/compare", json={"base": SOCIAL_CREDIT_EN, "edits": edits})
    assert body.status_code == 200, body.get_json()
    variants = body.get_json()["variants"]
    assert "saas" in variants[1]["profile"]["tech_stack"]
    [said] = variants[1]["interpretation"]
    assert said["field"] == "edits[0][0].value" and said["code"] == "saas" and said["how"] == "converted_script"
    assert "white_label" in variants[2]["profile"]["business_model"]
    assert variants[2]["interpretation"][0]["placed_in"] == "business_model"
    strict = client.post("/v1/compare?strict=true", json={"base": SOCIAL_CREDIT_EN, "edits": edits[:1]})
    assert strict.status_code == 422
    assert strict.get_json()["errors"][0]["field"] == "edits[0][0].value"
