import copy

import pytest

from service.api.examples import NEV_INSURANCE_EN, NEV_INSURANCE_ZH, SOCIAL_CREDIT_EN

PROBLEM = "application/problem+json"


def test_score_happy_path(client, benchmarks):
    response = client.post("/v1/scores", json=NEV_INSURANCE_EN, headers={"X-Request-ID": "req-123"})
    assert response.status_code == 200
    body = response.get_json()
    for name in ("differentiation", "homogeneity_risk", "compliance_risk"):
        result = body[name]
        assert 0 <= result["score"] <= 100 and result["band"] in ("low", "medium", "high")
        assert result["base"] + sum(f["contribution"] for f in result["factors"]) == pytest.approx(result["score"])
    assert body["homogeneity_risk"]["crowding"] in ("open", "crowded", "saturated")
    assert body["compliance_risk"]["inherent"] >= body["compliance_risk"]["residual"]
    assert body["nearest_benchmarks"][0]["id"] == "zhongan-nev-ecosystem-insurance"
    assert body["profile"]["scenarios"] == ["nev_charging"]
    assert body["profile"]["compliance"]["licenses"] == ["insurance_agency_license"]
    assert body["meta"]["benchmark_version"] == benchmarks.version
    assert body["meta"]["request_id"] == "req-123"
    assert response.headers["X-Request-ID"] == "req-123"
    assert body["recommendations"] and all("effect" in r for r in body["recommendations"])


def test_chinese_and_english_profiles_score_identically(client):
    en = client.post("/v1/scores", json=NEV_INSURANCE_EN).get_json()
    zh = client.post("/v1/scores", json=NEV_INSURANCE_ZH).get_json()
    for key in ("differentiation", "homogeneity_risk", "compliance_risk", "nearest_benchmarks", "recommendations",
                "coverage"):
        assert en[key] == zh[key], key
    assert {k: v for k, v in en["profile"].items() if k != "name"} == {k: v for k, v in zh["profile"].items() if k != "name"}


def test_factors_carry_codes_labels_inputs_and_evidence(client):
    body = client.post("/v1/scores", json=SOCIAL_CREDIT_EN).get_json()
    factors = {f["code"]: f for f in body["compliance_risk"]["factors"]}
    contacts = factors["contacts_in_credit"]
    assert contacts["input"] == {"field": "compliance.data_sources", "value": "contacts"}
    assert contacts["label_en"] == "Uses phone contact lists in credit decisions"
    assert contacts["label_zh"]
    assert "4.1.3" in contacts["evidence"]["sections"]
    assert any(f["id"] == "contacts_complaints_jump" for f in contacts["evidence"]["figures"])
    assert sum(f["principal"] for f in body["compliance_risk"]["factors"]) == 4
    # Fix before grow (issue 11): mandatory gaps and red lines lead, ranked by their uncapped effect.
    assert body["recommendations"][0]["stage"] == "fix"
    assert any(r["mandatory"] for r in body["recommendations"])
    assert all(r["stage"] == "fix" for r in body["recommendations"] if r["mandatory"])


def test_taxonomy_lists_all_kinds_and_filters(client):
    everything = client.get("/v1/taxonomy").get_json()
    assert set(everything["kinds"]) >= {"domain", "technology", "scenario", "segment", "privacy_control"}
    only = client.get("/v1/taxonomy?kind=scenario").get_json()
    assert only["kinds"] == ["scenario"] and all(t["kind"] == "scenario" for t in only["terms"])
    pets = next(t for t in only["terms"] if t["code"] == "pets")
    assert pets["zh"] == "宠物" and pets["vertical"] is True
    lookalikes = client.get("/v1/taxonomy?kind=business_model").get_json()["terms"]
    assert {t["code"] for t in lookalikes if t["lookalike"]} == {
        "whitelist_auto_approval", "qr_code_collection", "fee_subsidies", "plain_fund_sales"}


def test_benchmarks_paginate_and_filter(client, benchmarks):
    page = client.get("/v1/benchmarks?page_size=5&page=2").get_json()
    assert page["total"] == len(benchmarks.products) and len(page["items"]) == 5 and page["page"] == 2
    homogeneous = client.get("/v1/benchmarks?verdict=homogeneous&page_size=100").get_json()
    assert homogeneous["total"] >= 4 and all(i["verdict"] == "homogeneous" for i in homogeneous["items"])
    chinese = client.get("/v1/benchmarks?domain=保险科技&page_size=100").get_json()
    assert chinese["total"] > 0 and all(i["profile"]["domain"] == "insurtech" for i in chinese["items"])
    one = client.get("/v1/benchmarks/mybank-310").get_json()
    assert one["name_zh"].startswith("网商银行") and one["outcomes"][0]["section"] == "2.4.2"


def test_health_and_readiness(client, benchmarks):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "ready" and ready["benchmarks"] == len(benchmarks.products)
    assert ready["cache"] == {"backend": "memory", "redis": "disabled"}


def test_cache_source_is_reported(client):
    first = client.post("/v1/scores", json=NEV_INSURANCE_EN).get_json()["meta"]["cache"]
    second = client.post("/v1/scores", json=NEV_INSURANCE_EN).get_json()["meta"]["cache"]
    assert first == {"hit": False, "source": "computed"}
    assert second == {"hit": True, "source": "memory"}


def _problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["type"].startswith("/problems/") and body["title"] and body["detail"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


@pytest.mark.parametrize("strict", [{"headers": {"Prefer": "handling=strict"}}, {"query_string": {"strict": "true"}}])
def test_strict_handling_makes_a_loose_term_a_422_naming_field_term_and_closest_terms(client, strict):
    profile = copy.deepcopy(NEV_INSURANCE_EN)
    profile["scenarios"] = ["NEV charging", "pet insurence"]
    response = client.post("/v1/scores", json=profile, **strict)
    body = _problem(response, 422)
    assert body["type"] == "/problems/unknown-term"
    [error] = body["errors"]
    assert error["field"] == "scenarios[1]" and error["value"] == "pet insurence"
    assert "pets" in error["suggestions"]
    assert "GET /v1/taxonomy?kind=scenario" in error["accepted"]
    assert response.headers["Preference-Applied"] == "handling=strict"


def test_lenient_handling_scores_what_it_understood_and_lists_the_rest(client):
    exact = client.post("/v1/scores", json=NEV_INSURANCE_EN).get_json()
    profile = copy.deepcopy(NEV_INSURANCE_EN)
    profile["scenarios"] = ["NEV charging", "pet insurence", "zzqx unheard-of thing"]
    response = client.post("/v1/scores", json=profile, headers={"Prefer": "handling=lenient"})
    assert response.status_code == 200 and response.headers["Preference-Applied"] == "handling=lenient"
    body = response.get_json()
    readings = {r["field"]: r for r in body["interpretation"]}
    assert readings["scenarios[1]"]["how"] == "fuzzy" and readings["scenarios[1]"]["code"] == "pets"
    assert 0.8 < readings["scenarios[1]"]["similarity"] < 1
    assert readings["scenarios[2]"]["how"] == "not_recognised" and readings["scenarios[2]"]["code"] is None
    assert body["profile"]["scenarios"] == ["nev_charging", "pets"]
    assert body["coverage"] < exact["coverage"]
    assert all(r["how"] in ("exact", "synonym", "family") for r in exact["interpretation"])


@pytest.mark.parametrize("typed,rate,how", [(0.24, 0.24, "exact"), (24, 0.24, "percent"), ("24%", 0.24, "percent"),
                                            ("24 %", 0.24, "percent"), ("150%", 1.5, "percent"),
                                            ("0.18", 0.18, "fraction")])
def test_rates_are_read_as_people_write_them(client, typed, rate, how):
    profile = {**NEV_INSURANCE_EN, "compliance": {"max_apr": typed}}
    body = client.post("/v1/scores", json=profile).get_json()
    assert body["profile"]["compliance"]["max_apr"] == rate
    said = [r for r in body["interpretation"] if r["field"] == "compliance.max_apr"]
    assert [r["how"] for r in said] == [how]      # every scalar sent is said, exact ones too (issue 20)


def test_unknown_field_is_rejected_with_a_suggestion(client):
    profile = {**NEV_INSURANCE_EN, "scenarioz": ["pets"]}
    body = _problem(client.post("/v1/scores", json=profile), 422)
    [error] = body["errors"]
    assert error["field"] == "scenarioz" and "scenarios" in error["suggestions"]
    nested = {**NEV_INSURANCE_EN, "compliance": {"licence": []}}
    [error] = _problem(client.post("/v1/scores", json=nested), 422)["errors"]
    assert error["field"] == "compliance.licence" and "licenses" in error["suggestions"]


@pytest.mark.parametrize("patch,field", [
    ({"tech_stack": 5}, "tech_stack"),
    ({"tech_stack": [1]}, "tech_stack[0]"),
    ({"compliance": {"max_apr": "about a quarter " * 20}}, "compliance.max_apr"),
    ({"compliance": {"max_apr": True}}, "compliance.max_apr"),
    ({"compliance": {"max_apr": 20000}}, "compliance.max_apr"),
    ({"compliance": {"cross_border": 5}}, "compliance.cross_border"),
    ({"compliance": {"sandbox": 0}}, "compliance.sandbox"),
    ({"compliance": {"certification": 3}}, "compliance.certification"),
    ({"name": ""}, "name"),
    ({"tech_stack": ["iot"] * 51}, "tech_stack"),
    ({"description": "x" * 5001}, "description"),
])
def test_wrong_types_and_limits_are_422_with_the_field(client, patch, field):
    body = _problem(client.post("/v1/scores", json={**NEV_INSURANCE_EN, **patch}), 422)
    assert field in [e["field"] for e in body["errors"]]


def test_missing_required_fields(client):
    body = _problem(client.post("/v1/scores", json={"tech_stack": []}), 422)
    assert {e["field"] for e in body["errors"]} == {"name", "domain"}


def test_body_that_is_not_an_object(client):
    body = _problem(client.post("/v1/scores", json=[1, 2]), 422)
    assert body["errors"][0]["field"] == "(body)"


def test_malformed_empty_wrong_type_and_oversized_bodies(client):
    assert "not valid JSON" in _problem(client.post("/v1/scores", data="{bad", content_type="application/json"), 400)["detail"]
    assert "empty" in _problem(client.post("/v1/scores", data="", content_type="application/json"), 400)["detail"]
    _problem(client.post("/v1/scores", data="name=x", content_type="application/x-www-form-urlencoded"), 415)
    _problem(client.post("/v1/scores", data="{" + " " * 5_000_000 + "}", content_type="application/json"), 413)
    deep = _problem(client.post("/v1/scores", data="[" * 100_000 + "]" * 100_000, content_type="application/json"), 400)
    assert "nested too deeply" in deep["detail"]


def test_not_found_and_method_not_allowed(client):
    _problem(client.get("/v1/benchmarks/no-such-product"), 404)
    _problem(client.get("/v1/nothing-here"), 404)
    not_allowed = client.get("/v1/scores")
    _problem(not_allowed, 405)
    assert "POST" in not_allowed.headers["Allow"]


def test_bad_query_parameters(client):
    body = _problem(client.get("/v1/taxonomy?kind=pet"), 422)
    assert body["errors"][0]["field"] == "kind"
    body = _problem(client.get("/v1/benchmarks?domain=insurtek"), 422)
    assert body["errors"][0]["suggestions"][0] == "insurtech"
    _problem(client.get("/v1/benchmarks?page=0"), 422)
    _problem(client.get("/v1/benchmarks?colour=red"), 422)


def test_invalid_request_id_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "x" * 500})
    assert len(response.headers["X-Request-ID"]) == 32


def test_description_terms_not_in_fields_are_suggested(client):
    profile = {**NEV_INSURANCE_EN, "description": "Charging-pile cover for NEV owners, sold with pet insurance and 宠物医院."}
    body = client.post("/v1/scores", json=profile).get_json()
    suggested = {(t["field"], t["code"]): t["phrase"] for t in body["suggested_terms"]}
    assert suggested == {("scenarios", "pets"): "pet insurance", ("partners", "pet_hospitals"): "宠物医院"}
    plain = client.post("/v1/scores", json=NEV_INSURANCE_EN).get_json()
    assert plain["suggested_terms"] == [] and plain["differentiation"] == body["differentiation"]


def test_extract_turns_a_blurb_into_a_scorable_draft(client):
    text = "面向新能源车主的充电桩保险，利用物联网和AI精准定价，与充电桩运营商合作，需要保险代理牌照。"
    body = client.post("/v1/profiles/extract", json={"text": text, "name": "充电安心"}).get_json()
    draft = body["profile"]
    assert draft["domain"] == "insurtech" and draft["tech_stack"] == ["iot", "ai_pricing"]
    assert draft["compliance"]["licenses"] == ["insurance_agency_license"] and body["missing"] == []
    assert client.post("/v1/scores", json=draft).status_code == 200
    unknown = client.post("/v1/profiles/extract", json={"text": "hello"}).get_json()
    assert unknown["missing"] == ["name", "domain"] and unknown["matches"] == []
    # A domain hint it cannot read is said, with suggestions, and the text's own domain is drafted.
    bad = client.post("/v1/profiles/extract", json={"text": "x", "domain": "insurtek"})
    said = {r["text"]: r for r in bad.get_json()["interpretation"] if r["field"] == "domain"}
    assert bad.status_code == 200 and bad.get_json()["missing"] == ["name", "domain"]
    assert said["insurtek"]["how"] == "not_recognised" and said["insurtek"]["suggestions"][0] == "insurtech"
    hinted = client.post("/v1/profiles/extract", json={"text": text, "name": "充电安心", "domain": "insurtek"}).get_json()
    assert hinted["profile"]["domain"] == "insurtech" and hinted["missing"] == []


def test_a_list_field_sent_as_one_string_is_split_like_a_spreadsheet_cell(client):
    profile = {**NEV_INSURANCE_EN, "tech_stack": "IoT, AI pricing、区块链", "partners": "charging operators"}
    body = client.post("/v1/scores", json=profile).get_json()
    assert body["profile"]["tech_stack"] == ["iot", "ai_pricing", "blockchain"]
    assert body["profile"]["partners"] == ["charging_operators"]


def test_a_given_domain_is_read_and_the_text_still_interpreted(client):
    body = client.post("/v1/profiles/extract", json={"text": "宠物保险，按理赔自动化", "domain": "保險科技"}).get_json()
    assert body["profile"]["domain"] == "insurtech"
    assert body["interpretation"][0]["field"] == "domain" and body["interpretation"][0]["how"] == "converted_script"
    assert len(body["interpretation"]) > 1


@pytest.mark.parametrize("typed,rate,how", [
    ("n/a", None, "negated"), ("不适用", None, "negated"), ("up to 35.99% APR (via a partner bank)", 0.3599, "phrase"),
    ("日利率0.02%-0.05%，年化不超过18.25%", 0.1825, "phrase"), ("no interest (flat fee)", 0.0, "phrase"),
    ("about a quarter", None, "not_recognised"),
])
def test_a_rate_in_words_is_read_leniently_and_said_and_refused_strictly(client, typed, rate, how):
    """Planners write rates as pages do ('n/a', 'up to 35.99% APR'): lenient handling reads them as a
    phrase and says how; strict handling refuses anything but a rate as written, and takes 'n/a' as
    no credit, as it takes 'none' in a list (issue 19)."""
    profile = {**NEV_INSURANCE_EN, "compliance": {"max_apr": typed}}
    body = client.post("/v1/scores?fields=scores,interpretation,profile", json=profile).get_json()
    assert body["profile"]["compliance"]["max_apr"] == rate
    [said] = [r for r in body["interpretation"] if r["field"] == "compliance.max_apr"]
    assert said["how"] == how and said["note"]
    strict = client.post("/v1/scores?strict=true", json=profile)
    if how == "negated":
        assert strict.status_code == 200
    else:
        assert strict.status_code == 422 and strict.get_json()["errors"][0]["field"] == "compliance.max_apr"


def test_null_is_read_as_not_sent(client):
    """Spreadsheets and form tools send null for an empty cell: the field reads as if absent."""
    nulls = {**NEV_INSURANCE_EN, "partners": None,
             "compliance": {**NEV_INSURANCE_EN["compliance"], "certification": None, "sandbox": None}}
    absent = {**NEV_INSURANCE_EN, "compliance": {k: v for k, v in NEV_INSURANCE_EN["compliance"].items()
                                                  if k not in ("certification", "sandbox")}}
    absent.pop("partners")
    read, expected = (client.post("/v1/scores?fields=scores", json=p) for p in (nulls, absent))
    assert read.status_code == 200, read.get_json()
    assert read.get_json()["compliance_risk"] == expected.get_json()["compliance_risk"]
    assert client.post("/v1/scores", json={**NEV_INSURANCE_EN, "compliance": None}).status_code == 200
