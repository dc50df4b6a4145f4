"""The fast answer path: the compiled schema answers exactly what marshmallow would, real answers
match openapi.yaml, `fields=` trims the work, and the answer cache serves the same document."""

from pathlib import Path

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from service.api.dumping import dumper
from service.api.examples import NEV_INSURANCE_EN, NEV_INSURANCE_ZH, SOCIAL_CREDIT_EN
from service.api.schemas import InterpretationSchema, ScoreResponseSchema
from service.vocabulary import normalise_profile
from service.scoring import score

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text(encoding="utf-8"))
PROFILES = [NEV_INSURANCE_EN, NEV_INSURANCE_ZH, SOCIAL_CREDIT_EN,
            {"name": "學生分期", "domain": "lending", "scenarios": ["现金贷", "校园"], "target_segments": ["大学生"],
             "compliance": {"data_sources": ["通讯录"], "max_apr": "150%", "cross_border": "否"}}]


def _validator(component: str):
    """A JSON Schema validator for one component of openapi.yaml (3.1: JSON Schema 2020-12)."""
    registry = Registry().with_resource("urn:openapi", Resource.from_contents(SPEC, default_specification=DRAFT202012))
    schema = {"$ref": f"urn:openapi#/components/schemas/{component}"}
    return jsonschema.Draft202012Validator(schema, registry=registry)


@pytest.mark.parametrize("raw", PROFILES)
def test_the_compiled_dump_is_what_marshmallow_dumps(benchmarks, raw):
    profile, readings = normalise_profile(raw, benchmarks.vocabulary)
    report = score(profile, benchmarks)
    document = {"differentiation": report.differentiation, "homogeneity_risk": report.homogeneity_risk,
                "compliance_risk": report.compliance_risk, "coverage": report.coverage,
                "nearest_benchmarks": report.nearest_benchmarks, "recommendations": report.recommendations,
                "exhausted": report.exhausted, "interactions": report.interactions, "profile": report.profile}
    assert dumper(ScoreResponseSchema)(document) == ScoreResponseSchema().dump(document)
    assert [dumper(InterpretationSchema)(r) for r in readings] == InterpretationSchema(many=True).dump(readings)


@pytest.mark.parametrize("raw", PROFILES)
def test_real_answers_match_the_contract(client, raw):
    answer = client.post("/v1/scores", json=raw).get_json()
    _validator("ScoreResponse").validate(answer)
    batch = client.post("/v1/scores/batch", json={"items": [raw, {"domain": "lending"}]}).get_json()
    _validator("BatchOut").validate(batch)


def test_fields_asks_for_parts_only(client):
    full = client.post("/v1/scores", json=SOCIAL_CREDIT_EN).get_json()
    scores = client.post("/v1/scores?fields=scores", json=SOCIAL_CREDIT_EN).get_json()
    assert set(scores) == {"differentiation", "homogeneity_risk", "compliance_risk", "meta"}
    for name in ("differentiation", "homogeneity_risk", "compliance_risk"):
        assert scores[name] == full[name]
    two = client.post("/v1/scores?fields=recommendations,interpretation", json=SOCIAL_CREDIT_EN).get_json()
    assert set(two) == {"recommendations", "exhausted", "interpretation", "meta"}
    assert two["recommendations"] == full["recommendations"]
    bad = client.post("/v1/scores?fields=everything", json=SOCIAL_CREDIT_EN)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"].startswith("fields")


def test_the_answer_cache_serves_one_profile_however_it_was_typed(client):
    first = client.post("/v1/scores", json=NEV_INSURANCE_EN).get_json()
    again = client.post("/v1/scores", json=NEV_INSURANCE_EN).get_json()
    assert first["meta"]["cache"] == {"hit": False, "source": "computed"}
    assert again["meta"]["cache"] == {"hit": True, "source": "memory"}
    assert {k: v for k, v in again.items() if k != "meta"} == {k: v for k, v in first.items() if k != "meta"}
    typed = {**NEV_INSURANCE_EN, "tech_stack": ["Internet of Things", "AI pricing"], "partners": "charging operators"}
    other = client.post("/v1/scores", json=typed).get_json()
    assert other["meta"]["cache"]["source"] == "memory"          # the same canonical profile
    assert other["interpretation"] != first["interpretation"]    # but read from other words
    assert other["differentiation"] == first["differentiation"]


def test_asking_for_the_interpretation_too_shares_the_cached_answer(client):
    plain = client.post("/v1/scores?fields=scores", json=SOCIAL_CREDIT_EN).get_json()
    more = client.post("/v1/scores?fields=scores,interpretation", json=SOCIAL_CREDIT_EN).get_json()
    assert plain["meta"]["cache"]["source"] == "computed" and more["meta"]["cache"]["source"] == "memory"
    assert "interpretation" in more and "interpretation" not in plain
