"""The market scores on blind sets written by helpers who never saw the catalog, the vocabulary or
the market model (tests/data/blind/): 50 real products labelled me-too or differentiated at launch
with the public reason (market_products.yaml), the report's own named cases re-described in a
planner's words (report_cases.yaml), and a hold-out of 52 more real products written later
(holdout_products.yaml, measured before any change was tuned with it in view), each in English and
Simplified Chinese (some Traditional too), scored through the API as a planner would send them.

Issue 18's targets are printed beside the figures; the assertions hold the figures measured when
this test was written (FLOORS), so that a change that loses ground fails while the gap to the
targets stays visible in every run (-s)."""

from itertools import product
from pathlib import Path

import pytest
import yaml

BLIND = Path(__file__).parents[1] / "data" / "blind"
TARGETS = {"differentiation_order": 0.85, "homogeneity_order": 0.85, "me_too_high_homogeneity": 0.75,
           "differentiated_high_differentiation": 0.60}
# Measured at this version (issue 18's closing note has them); a regression below these fails.
FLOORS = {   # measured 63.4% / 61.1% and 94.0% / 92.0% when set (before the market model: 58% / 32%, 72% / 55%)
    "market_products.yaml": {"differentiation_order": 0.61, "homogeneity_order": 0.59},
    "report_cases.yaml": {"differentiation_order": 0.91, "homogeneity_order": 0.89,
                          "me_too_high_homogeneity": 0.70},
    # measured 66.7% / 65.1% when it arrived (me-too in high homogeneity 57.4%, differentiated in high
    # differentiation 16.4%)
    "holdout_products.yaml": {"differentiation_order": 0.64, "homogeneity_order": 0.62},
}
TRIPLE_POINTS = 2
TRIPLE_FLOOR = 1     # measured 1 of 15 when set, 1 of 33 with the hold-out: the readings of the three scripts still differ
SETS = {"market_products.yaml": ("differentiated", "me_too"), "report_cases.yaml": ("differentiated", "homogeneous"),
        "holdout_products.yaml": ("differentiated", "me_too")}


def _scores(client, name):
    rows = []
    for entry in yaml.safe_load((BLIND / name).read_text(encoding="utf-8")):
        for lang, profile in entry["profiles"].items():
            response = client.post("/v1/scores?fields=scores", json=profile)
            assert response.status_code in (200, 422), (entry["id"], lang, response.get_json())
            if response.status_code == 200:
                body = response.get_json()
                rows.append((entry["label"], body["differentiation"], body["homogeneity_risk"]))
    return rows


def _order(good, bad, key) -> float:
    """Share of (good, bad) pairs put in the right order; a tie counts half."""
    pairs = list(product(good, bad))
    return sum((key(g) > key(b)) + 0.5 * (key(g) == key(b)) for g, b in pairs) / len(pairs)


@pytest.fixture(scope="module")
def client():
    from service.api.app import create_app
    from service.settings import Settings
    return create_app(Settings(rate_limit="1000000 per minute", worker_budget="1000000 per minute")).test_client()


@pytest.mark.parametrize("name", sorted(SETS))
def test_blind_products_are_ordered_by_the_market(client, name):
    good_label, bad_label = SETS[name]
    rows = _scores(client, name)
    good = [r for r in rows if r[0] == good_label]
    bad = [r for r in rows if r[0] == bad_label]
    figures = {
        "differentiation_order": _order(good, bad, lambda r: r[1]["score"]),
        "homogeneity_order": _order(good, bad, lambda r: -r[2]["score"]),
        "me_too_high_homogeneity": sum(r[2]["band"] == "high" for r in bad) / len(bad),
        "differentiated_high_differentiation": sum(r[1]["band"] == "high" for r in good) / len(good),
    }
    print(f"\n{name}: {len(good)} {good_label} and {len(bad)} {bad_label} answers")
    for key, value in figures.items():
        print(f"  {key}: {value:.1%} (target {TARGETS[key]:.0%})")
    for key, floor in FLOORS[name].items():
        assert figures[key] >= floor, (key, figures[key])


def test_one_product_in_three_scripts_gets_one_answer(client):
    """Issue 18, item 6: the same product typed in Simplified Chinese, Traditional Chinese and English
    (the blind sets' products written in all three) scores within TRIPLE_POINTS on each score; the
    count of triples that do is held at its measured floor and printed beside the target."""
    gaps = []
    entries = [e for name in ("market_products.yaml", "holdout_products.yaml")
               for e in yaml.safe_load((BLIND / name).read_text(encoding="utf-8"))]
    for entry in entries:
        if len(entry["profiles"]) < 3:
            continue
        scores = []
        for profile in entry["profiles"].values():
            response = client.post("/v1/scores?fields=scores", json=profile)
            if response.status_code == 200:
                body = response.get_json()
                scores.append([body[k]["score"] for k in ("differentiation", "homogeneity_risk", "compliance_risk")])
        if len(scores) == 3:
            gaps.append((max(max(s[i] for s in scores) - min(s[i] for s in scores) for i in range(3)), entry["id"]))
    within = sum(gap <= TRIPLE_POINTS for gap, _ in gaps)
    print(f"\ntriples within {TRIPLE_POINTS} points: {within}/{len(gaps)} (target: 10 or more); widest: "
          + ", ".join(f"{i} {g:.0f}" for g, i in sorted(gaps, reverse=True)[:5]))
    assert len(gaps) >= 10 and within >= TRIPLE_FLOOR
