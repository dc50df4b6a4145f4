"""A real gunicorn with the production config serves the README's curl examples verbatim."""

import json
import re
import uuid

import pytest
import requests

from tests.conftest import delete_keys
from tests.servers import ROOT, Servers, run as run_to_end

pytestmark = pytest.mark.integration
README_BASE = "http://127.0.0.1:8000"


def readme_examples() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- example: ([\w-]+) -->\n```bash\n(.*?)```", text, flags=re.S))


@pytest.fixture(scope="module")
def server(redis_url):
    """Two workers sharing Redis, as deployed: a catalog registered through one is seen by both."""
    prefix = f"diffscore-test-{uuid.uuid4().hex[:12]}"
    try:
        with Servers() as servers:
            gunicorn = servers.gunicorn(GUNICORN_ACCESSLOG="-", REDIS_URL=redis_url, DIFFSCORE_REDIS_KEY_PREFIX=prefix)
            yield gunicorn.url
            output = gunicorn.stop()
    finally:
        delete_keys(redis_url, prefix)
    assert "Traceback" not in output, output[-3000:]


def run(example: str, base: str) -> dict:
    command = readme_examples()[example].replace(README_BASE, base)
    status, output = run_to_end(["bash", "-c", command], example, seconds=60)
    assert status == 0, output
    return json.loads(output)


def test_readme_has_the_examples():
    assert {"score-en", "score-zh", "score-me-too", "interpretation", "error", "taxonomy", "benchmarks", "catalog",
            "score-catalog", "compare", "extract", "score-uk"} <= set(readme_examples())


def test_the_me_too_example_names_its_archetype_and_the_products_it_competes_with(server):
    answer = run("score-me-too", server)
    risk = answer["homogeneity_risk"]
    assert risk["band"] == "high" and answer["differentiation"]["band"] == "low"
    [archetype] = [f for f in risk["factors"] if f["code"] == "lookalike_archetype"]
    assert "Aggregated QR collection" in archetype["label_en"] and "840 products" in archetype["label_en"]
    [crowd] = [f for f in risk["factors"] if f["code"] == "neighbour_density"]
    assert re.search(r"among ~[\d,]+ look-alike products", crowd["label_en"])
    nearest = answer["nearest_benchmarks"][0]
    assert nearest["archetype"] and nearest["products"] == 840


def test_english_and_chinese_examples_score_identically(server):
    en, zh = run("score-en", server), run("score-zh", server)
    for key in ("differentiation", "homogeneity_risk", "compliance_risk", "recommendations"):
        assert en[key] == zh[key]
    assert en["profile"]["scenarios"] == ["nev_charging"]
    assert 0 <= en["differentiation"]["score"] <= 100


def test_interpretation_example(server):
    answer = run("interpretation", server)
    assert set(answer) == {"differentiation", "homogeneity_risk", "compliance_risk", "interpretation", "meta"}
    read = {r["field"]: r for r in answer["interpretation"]}
    assert read["domain"]["code"] == "lending"
    # Controls are controls (issue 18): KYC typed anywhere counts as a control, not a scenario.
    assert read["tech_stack[1]"]["how"] == "moved" and read["tech_stack[1]"]["placed_in"] == "compliance.privacy_controls"
    assert read["tech_stack[2]"]["how"] == "not_recognised"
    assert read["scenarios[0]"]["how"] == "converted_script"
    assert read["compliance.max_apr"]["code"] == 1.5 and read["compliance.cross_border"]["code"] is False
    assert answer["compliance_risk"]["band"] == "high"


def test_error_example(server):
    problem = run("error", server)
    assert problem["status"] == 422 and problem["type"] == "/problems/unknown-term"
    assert problem["errors"][0]["field"] == "scenarios[0]" and "pets" in problem["errors"][0]["suggestions"]


def test_listing_examples(server):
    assert run("taxonomy", server)["kinds"] == ["scenario"]
    listed = run("benchmarks", server)
    assert listed["total"] >= 2 and {i["id"] for i in listed["items"]} >= {"ppdai", "qudian"}


def test_access_log_and_request_id(server):
    response = requests.get(f"{server}/healthz", headers={"X-Request-ID": "trace-42"}, timeout=10)
    assert response.headers["X-Request-ID"] == "trace-42"


def test_catalog_compare_and_extract_examples(server):
    registered = run("catalog", server)
    assert registered["name"] == "acme" and registered["products"] == 2
    scored = run("score-catalog", server)
    assert "rival-ev" in {n["id"] for n in scored["nearest_benchmarks"]}
    compared = run("compare", server)
    assert len(compared["variants"]) == 3 and compared["variants"][1]["delta"]["compliance_risk"] < 0
    draft = run("extract", server)
    assert draft["profile"]["domain"] == "insurtech" and draft["missing"] == []


def test_non_mainland_example(server):
    answer = run("score-uk", server)
    risk = answer["compliance_risk"]
    assert risk["packs_applied"] == ["uk", "any"]
    assert answer["recommendations"][0]["stage"] == "fix"
    assert not any(m["field"] == "compliance.certification" for m in answer["recommendations"])
