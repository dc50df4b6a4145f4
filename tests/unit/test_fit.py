"""Fit, focus, generic channels, interaction flags and white space (issue 11), from the report."""

import copy
import math
import re
from dataclasses import replace

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from service.benchmarks.loader import DATA_DIR, FILES, build_benchmarks, load_benchmarks
from service.errors import BenchmarkDataError
from service.profile import Compliance, ProductProfile
from service.scoring import score
from service.scoring.focus import analyse, fit_with_core
from service.scoring.white_space import white_space

BENCHMARKS = load_benchmarks()
SCENARIOS = [t.code for t in BENCHMARKS.vocabulary.terms("scenario")]


def profile(domain, tech=(), scenarios=(), segments=(), business=(), partners=(), data=(), **compliance):
    return ProductProfile(domain=domain, name="t", tech_stack=tuple(tech), scenarios=tuple(scenarios),
                          target_segments=tuple(segments), business_model=tuple(business), partners=tuple(partners),
                          compliance=Compliance(data_sources=tuple(data), **compliance))


def diff(p, **kw):
    return score(p, BENCHMARKS, with_recommendations=False, **kw).differentiation


def factors(result, code):
    return [f for f in result.factors if f.code == code]


def fit(a, b):
    position = BENCHMARKS.fit.position
    return BENCHMARKS.fit.matrix[position[a], position[b]]


# --- fit as data -------------------------------------------------------------------------------------

def test_the_reports_pairings_fit_and_say_where_they_come_from():
    nev = BENCHMARKS.fit.source("scenario:nev_charging", "partner:charging_operators")
    assert fit("scenario:nev_charging", "partner:charging_operators") == 1.0
    assert nev.kind == "pairing" and nev.pairing.section == "4.3.1"
    assert nev.pairing.case == "zhongan-nev-ecosystem-insurance" and "renewals 30 pp" in nev.pairing.en
    farm = BENCHMARKS.fit.source("scenario:rural_agriculture", "technology:satellite_remote_sensing")
    assert farm.pairing.section == "4.3.2" and fit("scenario:rural_agriculture", "partner:agri_marketplace") == 1.0
    assert BENCHMARKS.fit.source("scenario:elderly_care", "partner:hospitals").pairing.section == "4.3.3"
    assert BENCHMARKS.fit.source("scenario:sme_operations", "partner:service_providers").pairing.section == "2.4.1"
    assert fit("scenario:pets", "scenario:education") < BENCHMARKS.fit.scoring["threshold"]


def test_the_fit_matrix_is_symmetric_bounded_and_never_fits_a_term_with_itself():
    matrix = BENCHMARKS.fit.matrix
    assert (matrix == matrix.T).all() and matrix.min() >= 0 and matrix.max() <= 1
    assert not matrix.diagonal().any()


@pytest.fixture(scope="module")
def raw():
    return {name: yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8")) for name in FILES}


def test_catalog_cooccurrence_is_computed_at_load_and_left_out_on_request(raw):
    """Two products that pair pets with weddings make them fit; fit.yaml says nothing of it."""
    couple = [{"id": f"c{i}", "name": f"c{i}", "domain": "insurtech", "scenarios": ["pets", "wedding"],
               "target_segments": ["young_parents"]} for i in range(2)]
    with_couples = build_benchmarks(copy.deepcopy(raw), custom=("couples", couple))
    pets, wedding = "scenario:pets", "scenario:wedding"
    assert fit(pets, wedding) == 0
    position = with_couples.fit.position
    assert with_couples.fit.matrix[position[pets], position[wedding]] > 0
    assert with_couples.fit.source(pets, wedding).kind == "cooccurrence"
    assert with_couples.fit.left_out(["c0"])[0][position[pets], position[wedding]] == 0


def test_a_typo_in_fit_yaml_names_file_entry_and_key(raw):
    data = copy.deepcopy(raw)
    data["fit.yaml"]["pairings"][0]["terms"]["scenario"].append("nev")
    data["fit.yaml"]["scoring"]["focus_sprawl"]["pointz"] = 1
    with pytest.raises(BenchmarkDataError) as caught:
        build_benchmarks(data)
    message = str(caught.value)
    assert "fit.yaml: scoring.focus_sprawl: unknown key 'pointz'" in message
    data["fit.yaml"]["scoring"]["focus_sprawl"].pop("pointz")
    with pytest.raises(BenchmarkDataError) as caught:
        build_benchmarks(data)
    assert re.search(r"fit\.yaml: pairings\[0\] \(id=[\w-]+\)\.terms\.scenario: unknown scenario 'nev'", str(caught.value))


# --- focus: depth beats breadth -----------------------------------------------------------------------

NEV_MOTOR = profile("insurtech", ["iot"], ["nev_charging"], ["ev_owners"], ["insurance_premiums"],
                    licenses=("insurance_license",), certification="certified")
FARM_LOAN = profile("lending", [], ["rural_agriculture"], ["farmers"], ["interest_income"],
                    licenses=("microloan_license",), certification="certified")


@pytest.mark.parametrize("base,added", [
    (NEV_MOTOR, ("education", "mother_baby", "wedding")),
    (FARM_LOAN, ("pets", "entertainment_content", "wedding")),
])
def test_unrelated_verticals_lower_differentiation_and_are_named_with_the_report(base, added):
    """Issue 11: 61.5 -> 79.0 and 47.4 -> 69.3 before; now every unrelated vertical costs."""
    sprawled = replace(base, scenarios=base.scenarios + added)
    before, after = diff(base), diff(sprawled)
    assert after.score < before.score
    [sprawl] = factors(after, "focus_sprawl")
    assert sprawl.contribution < 0 and sorted(sprawl.value) == sorted(added)
    for code in added:
        assert BENCHMARKS.vocabulary.term("scenario", code).en in sprawl.en
    assert {"7.1.3", "4.4.2", "4.4.3"} <= set(sprawl.evidence.sections)
    assert not any(f.value in added for f in after.factors if f.code == "vertical_scenario")


def test_a_vertical_served_in_depth_beats_the_same_vertical_alone():
    deep = replace(NEV_MOTOR, partners=("charging_operators",), business_model=("insurance_premiums", "service_bundling"),
                   compliance=replace(NEV_MOTOR.compliance, data_sources=("telemetry",)))
    assert diff(deep).score > diff(NEV_MOTOR).score
    [depth] = factors(diff(deep), "focus_depth")
    assert depth.value == "nev_charging" and "Charging-network operators" in depth.en


CATALOG = [p.profile for p in BENCHMARKS.products]


def _terms(p):
    """Every term of a profile that can tie a scenario to it (no generic channel, no broad term)."""
    kinds = ("domain", "technology", "scenario", "segment", "partner", "data_source")
    return [t for kind in kinds for code in p.terms(kind) if (t := f"{kind}:{code}") in BENCHMARKS.fit.position
            and t not in BENCHMARKS.fit.generic and t not in BENCHMARKS.fit.broad]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CATALOG), st.sampled_from(SCENARIOS))
def test_an_unrelated_scenario_never_raises_differentiation(base, code):
    if code in base.scenarios:
        return
    added = replace(base, scenarios=base.scenarios + (code,))
    focus = analyse(added, BENCHMARKS)
    fit_anything = fit_with_core(focus, [f"scenario:{code}"], BENCHMARKS, _terms(base))[0]
    typical = (f"scenario:{code}" in BENCHMARKS.market.typical.get(base.domain, ())
               or f"scenario:{code}" in BENCHMARKS.market.belongs.get(base.domain, ()))
    if fit_anything < BENCHMARKS.fit.scoring["threshold"] and not typical:
        assert ("scenarios", code) in focus.unrelated, "a scenario that fits nothing of the product is flagged"
    if ("scenarios", code) in focus.unrelated:
        assert diff(added).score <= diff(base).score
        assert diff(added).unbounded <= diff(base).unbounded


# --- generic channels -----------------------------------------------------------------------------------

def test_a_generic_channel_is_no_differentiator_by_itself():
    """Issue 11: mass-market health cover sold through a mini-program out-ranked a pet-insurance niche."""
    mass_health = profile("insurtech", ["open_api"], ["healthcare"], ["mass_retail"], ["insurance_premiums"])
    pet_niche = profile("insurtech", [], ["pets"], ["pet_owners"], ["insurance_premiums"])
    health = diff(mass_health)
    assert diff(pet_niche).score > health.score
    assert not factors(health, "distinctive_technology") and not factors(health, "tech_scenario_synergy")
    [channel] = factors(health, "generic_channel_only")
    assert channel.contribution < 0 and "6.3.1" in channel.evidence.sections
    assert "technology:open_api" in BENCHMARKS.fit.generic


# --- no factor contradicts its contribution --------------------------------------------------------------

def _declared_sign(score_name, code):
    """The sign each factor's weight declares (weights.yaml, fit.yaml; rules raise, reliefs lower)."""
    weights = BENCHMARKS.weights.get(score_name.split("_")[0], {})
    entry = weights.get(code) or BENCHMARKS.fit.scoring.get(code)
    if entry is not None:
        points = entry.get("points", entry.get("points_per_tenfold"))
        return math.copysign(1, points)
    if code.endswith(".mitigated") or code in {r.id for r in BENCHMARKS.reliefs}:
        return -1
    return 1 if code in {r.id for r in BENCHMARKS.rules} else None


def test_no_factor_text_contradicts_its_contribution():
    """Over every catalog case (left out of its own statistics): each factor's sign is the one its weight
    declares, and a rarity bonus never says that nothing is rare ("0 of 2 pairings unseen", +5.56)."""
    for product in BENCHMARKS.products:
        report = score(product.profile, BENCHMARKS, exclude={product.id}, with_recommendations=False)
        for name in ("differentiation", "homogeneity_risk", "compliance_risk"):
            for factor in getattr(report, name).factors:
                if factor.code == "score_bound":
                    continue
                sign = _declared_sign("homogeneity" if name == "homogeneity_risk" else name, factor.code)
                assert sign is not None and math.copysign(1, factor.contribution) == sign, (product.id, factor)
                assert not re.search(r"\(0 of \d+ pairings", factor.en), (product.id, factor.en)


# --- interaction flags ----------------------------------------------------------------------------------

@pytest.mark.parametrize("case,term,rule", [
    ("cmb-happy-years", "health_data", "health_data_used"),          # health data in wealth (4.3.3)
    ("webank-weilidai", "social_data", "social_data_in_credit"),     # social data in credit scoring (2.4.2)
])
def test_a_differentiator_that_drives_compliance_risk_is_flagged_in_both_scores(case, term, rule):
    report = score(BENCHMARKS.by_id[case].profile, BENCHMARKS, exclude={case}, with_recommendations=False)
    assert any(i.code == term and i.compliance == rule for i in report.interactions)
    [flagged_rule] = [f for f in report.compliance_risk.factors if f.code == rule]
    assert flagged_rule.interaction.code == term and "differentiation" in flagged_rule.en
    [flagged] = [f for f in report.differentiation.factors if getattr(f, "interaction", None)]
    assert flagged.interaction.compliance == rule and "compliance driver" in flagged.en
    assert flagged.contribution > 0
    total = report.differentiation.base + sum(f.contribution for f in report.differentiation.factors)
    assert math.isclose(total, report.differentiation.score, abs_tol=1e-6)


# --- white space ----------------------------------------------------------------------------------------

def test_white_space_cells_are_coherent_unoccupied_and_point_at_the_nearest_occupied_cell():
    cells = white_space(FARM_LOAN, BENCHMARKS)
    threshold = BENCHMARKS.fit.scoring["threshold"]
    occupied = {(t, s, g) for p in BENCHMARKS.products if p.profile.domain == "lending"
                for t in p.profile.tech_stack for s in p.profile.scenarios for g in p.profile.target_segments}
    assert 0 < len(cells) <= BENCHMARKS.fit.scoring["white_space"]["max_cells"]
    for cell in cells:
        codes = (cell.technology, cell.scenario, cell.segment)
        assert codes not in occupied and cell.fit >= threshold
        assert fit(f"technology:{cell.technology}", f"scenario:{cell.scenario}") >= threshold
        assert fit(f"scenario:{cell.scenario}", f"segment:{cell.segment}") >= threshold
        assert cell.nearest.shared >= 1 and cell.nearest.benchmarks
        held = (cell.nearest.technology, cell.nearest.scenario, cell.nearest.segment)
        assert held in occupied and sum(a == b for a, b in zip(held, codes)) == cell.nearest.shared
    ranks = [(-c.product_fit, -c.fit) for c in cells]
    assert ranks == sorted(ranks)
    assert white_space(FARM_LOAN, BENCHMARKS) == cells
