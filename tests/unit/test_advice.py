"""Advice a strategy consultant would give (issue 11), checked against the report's own moves.

Each report case is scored as it stood before its move (the catalog product without the terms the
report credits the move with), left out of the catalog so it cannot copy itself, and certified so that
the growth advice is what is left to read: the move the report describes must be among the top five,
and no move into an unrelated vertical among the top three."""

import copy
import re
from dataclasses import replace

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from service.benchmarks.fit import ERRC
from service.benchmarks.loader import DATA_DIR, FILES, build_benchmarks, load_benchmarks
from service.profile import PROFILE_FIELDS, Compliance, ProductProfile
from service.scoring import score
from service.scoring.focus import analyse
from service.scoring.recommend import apply_edit

BENCHMARKS = load_benchmarks()


def before(case: str, **dropped) -> ProductProfile:
    """The case's catalog profile without the terms of its move, certified."""
    base = BENCHMARKS.by_id[case].profile
    changes, compliance = {}, {"certification": "certified"}
    for name, codes in dropped.items():
        if name == "data_sources":
            compliance[name] = tuple(c for c in base.compliance.data_sources if c not in codes)
        else:
            changes[name] = tuple(c for c in getattr(base, name) if c not in codes)
    return replace(base, **changes, compliance=replace(base.compliance, **compliance))


FAR_VERTICALS = {"pets", "nev_charging", "wedding", "mother_baby", "education", "entertainment_content",
                 "rural_agriculture", "green_carbon"}
# case -> (profile before the move, the move as (field, value) edits, scenarios and partners unrelated to it)
REPORT_CASES = {
    "4.3.1 NEV cover to car life": (
        before("zhongan-nev-ecosystem-insurance", scenarios=["nev_charging"],
               partners=["charging_operators", "car_makers"], business_model=["service_bundling"]),
        {("scenarios", "nev_charging"), ("partners", "charging_operators"), ("business_model", "service_bundling")},
        FAR_VERTICALS - {"nev_charging"} | {"dining", "travel", "supply_chain", "healthcare", "pet_hospitals"}),
    "4.3.2 farm credit to farm industry": (
        before("mybank-nongpindai", tech_stack=["satellite_remote_sensing"], partners=["agri_marketplace"],
               data_sources=["satellite_imagery"], business_model=["ecosystem_revenue_share"]),
        {("tech_stack", "satellite_remote_sensing"), ("partners", "agri_marketplace"),
         ("compliance.data_sources", "satellite_imagery")},
        FAR_VERTICALS - {"rural_agriculture"} | {"dining", "travel", "social"}),
    "4.3.3 senior wealth to health": (
        before("cmb-happy-years", scenarios=["healthcare"], partners=["hospitals"], data_sources=["health_data"],
               business_model=["service_bundling"]),
        {("scenarios", "healthcare"), ("partners", "hospitals"), ("business_model", "service_bundling")},
        FAR_VERTICALS | {"dining", "travel", "supply_chain"}),
    "2.4.1 payments from subsidies to merchant services": (
        before("lakala"),
        {("scenarios", "sme_operations"), ("scenarios", "dining"), ("business_model", "fee_subsidies"),
         ("business_model", "qr_code_collection"), ("partners", "service_providers")},
        FAR_VERTICALS | {"elderly_care", "healthcare"}),
    "2.4.2 credit beyond the look-alike model": (
        before("ppdai"),
        {("business_model", "whitelist_auto_approval"), ("scenarios", "sme_operations"),
         ("scenarios", "ecommerce_shopping"), ("scenarios", "social")},
        FAR_VERTICALS | {"elderly_care", "healthcare"}),
    "2.4.3 fund app to smart advice and community": (
        before("tiantian-fund"),
        {("business_model", "plain_fund_sales"), ("tech_stack", "machine_learning"), ("tech_stack", "llm"),
         ("tech_stack", "big_data_profiling"), ("tech_stack", "sentiment_analysis"), ("scenarios", "social")},
        FAR_VERTICALS | {"dining", "supply_chain"}),
    "5.4.1 technology export": (
        before("webank-weiqilian", business_model=["technology_export", "subscription_fees",
                                                    "ecosystem_revenue_share"]),
        {("business_model", "technology_export"), ("business_model", "subscription_fees"),
         ("business_model", "ecosystem_revenue_share")},
        FAR_VERTICALS | {"dining", "healthcare"}),
    "5.4.2 industrial finance ecosystem": (
        before("jd-jingbaobei", business_model=["data_pledge_financing", "technology_export", "ecosystem_revenue_share"],
               partners=["logistics_provider"]),
        {("business_model", "data_pledge_financing"), ("partners", "logistics_provider"),
         ("business_model", "technology_export"), ("business_model", "ecosystem_revenue_share")},
        FAR_VERTICALS | {"healthcare", "elderly_care"}),
    "5.4.3 scenario insurance": (
        before("zhongan-pet-medical", partners=["pet_hospitals"],
               business_model=["service_bundling", "ecosystem_revenue_share"]),
        {("partners", "pet_hospitals"), ("business_model", "service_bundling"),
         ("business_model", "ecosystem_revenue_share")},
        FAR_VERTICALS - {"pets"} | {"dining", "travel", "social", "hospitals", "charging_operators"}),
}
CASE_IDS = {"4.3.1": "zhongan-nev-ecosystem-insurance", "4.3.2": "mybank-nongpindai", "4.3.3": "cmb-happy-years",
            "2.4.1": "lakala", "2.4.2": "ppdai", "2.4.3": "tiantian-fund", "5.4.1": "webank-weiqilian",
            "5.4.2": "jd-jingbaobei", "5.4.3": "zhongan-pet-medical"}


def advise(case: str):
    profile, move, unrelated = REPORT_CASES[case]
    return score(profile, BENCHMARKS, exclude={CASE_IDS[case.split()[0]]}), move, unrelated


@pytest.mark.parametrize("case", sorted(REPORT_CASES))
def test_the_reports_move_is_advised_and_nothing_unrelated_leads(case):
    report, move, unrelated = advise(case)
    edits = [(r.edit.field, r.edit.value) for r in report.recommendations]
    assert move & set(edits[:5]), (case, edits)
    top = report.recommendations[:3]
    assert not [r.edit.value for r in top if r.edit.action == "add" and r.edit.value in unrelated], (case, edits)
    assert report.exhausted is None


def test_each_move_says_why_with_the_report_case_and_its_figures():
    report, _, _ = advise("4.3.1 NEV cover to car life")
    [partner] = [r for r in report.recommendations if r.edit.value == "charging_operators"]
    assert partner.en == "Partner with Charging-network operators" and partner.zh
    assert "renewals 30 pp" in partner.why.en and "(4.3.1)" in partner.why.en
    assert partner.why.sections == ("4.3.1",) and partner.why.benchmarks == ("zhongan-nev-ecosystem-insurance",)
    assert partner.errc in ("create", "raise") and partner.fit >= BENCHMARKS.fit.scoring["threshold"]


PREDATORY_STUDENT_LENDER = ProductProfile(
    domain="lending", name="campus cash", tech_stack=("ai_risk_control",), scenarios=("education",),
    target_segments=("gen_z",), business_model=("interest_income",),
    compliance=Compliance(data_sources=("contacts", "social_data"), max_apr=1.5))


def test_fix_before_grow_for_a_predatory_lender_with_the_gain_shown_on_a_capped_risk():
    """Issue 11: contact lists, 150% APR, no licence; it was told to add green finance first."""
    report = score(PREDATORY_STUDENT_LENDER, BENCHMARKS)
    assert report.compliance_risk.score == 100 and report.compliance_risk.unbounded > 100
    fixes = [r for r in report.recommendations if r.stage == "fix"]
    edits = {(r.edit.action, r.edit.field, r.edit.value) for r in fixes}
    assert {("remove", "compliance.data_sources", "contacts"), ("set", "compliance.max_apr", 0.24),
            ("add", "compliance.licenses", "microloan_license"), ("set", "compliance.certification", "certified")} <= edits
    assert report.recommendations[: len(fixes)] == tuple(fixes)
    [licence] = [r for r in fixes if r.edit.field == "compliance.licenses"]
    assert licence.mandatory and licence.effect_uncapped.compliance_risk == -20 and licence.gain == 20
    [rate] = [r for r in fixes if r.edit.field == "compliance.max_apr"]
    assert rate.en == "Bring the APR down to 24% or below" and rate.errc == "reduce"
    [contacts] = [r for r in fixes if r.edit.value == "contacts"]
    assert contacts.errc == "eliminate" and "complaints +300%" in contacts.why.en
    assert not any(r.edit.value == "green_carbon" for r in report.recommendations)


def _must_fix(report) -> set:
    """Remedies of unmet mandatory controls, of red lines the profile crosses (the report's and the rules
    marked red_line) and of practices regulators act on (issue 19)."""
    unmet = {c.rule for c in report.compliance_risk.mandatory_controls if not c.satisfied}
    fired = {f.code for f in report.compliance_risk.factors}
    red = set(BENCHMARKS.fit.red_lines) | {r.id for r in BENCHMARKS.rules if r.red_line}
    return {(r.remedy.action, r.remedy.field, r.remedy.value) for r in BENCHMARKS.rules
            if r.remedy and r.id in fired and (r.id in unmet or r.id in red or r.remedy.field == "compliance.practices")}


def _fix_before_grow(report) -> None:
    stages = [r.stage for r in report.recommendations]
    assert stages == sorted(stages, key=lambda s: s != "fix"), stages
    listed = {(r.edit.action, r.edit.field, r.edit.value) for r in report.recommendations if r.stage == "fix"}
    assert _must_fix(report) == listed


def test_fix_before_grow_holds_for_every_catalog_case():
    crossing = 0
    for product in BENCHMARKS.products:
        report = score(product.profile, BENCHMARKS, exclude={product.id})
        crossing += bool(_must_fix(report))
        _fix_before_grow(report)
    assert crossing >= 10


VOCABULARY = BENCHMARKS.vocabulary
# How advice read before issue 11 ("Set certification: certified"): a field edit, not an action.
FIELD_EDIT = re.compile(r"^(Add|Drop|Set) (%s): " % "|".join(re.escape(f.label_en) for f in PROFILE_FIELDS))


def _codes(kind, most):
    return st.lists(st.sampled_from([t.code for t in VOCABULARY.terms(kind)]), max_size=most, unique=True).map(tuple)


PROFILES = st.builds(
    ProductProfile, domain=st.sampled_from([t.code for t in VOCABULARY.terms("domain")]), name=st.just("p"),
    tech_stack=_codes("technology", 3), scenarios=_codes("scenario", 3), target_segments=_codes("segment", 2),
    business_model=_codes("business_model", 3), partners=_codes("partner", 2),
    compliance=st.builds(Compliance, licenses=_codes("license", 2), data_sources=_codes("data_source", 3),
                         privacy_controls=_codes("privacy_control", 2), cross_border=st.booleans(),
                         certification=st.sampled_from(("none", "in_progress", "certified")),
                         max_apr=st.one_of(st.none(), st.floats(min_value=0, max_value=1))))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROFILES)
def test_fix_before_grow_holds_for_any_profile_and_advice_stays_coherent_and_varied(profile):
    report = score(profile, BENCHMARKS)
    _fix_before_grow(report)
    per_field: dict[str, int] = {}
    cap = BENCHMARKS.fit.scoring["recommendations"]["max_per_field"]
    for rec in report.recommendations:
        assert rec.errc in ERRC and rec.en and rec.zh and rec.why.en
        assert not FIELD_EDIT.match(rec.en), rec.en
        if rec.stage != "fix":
            per_field[rec.edit.field] = per_field.get(rec.edit.field, 0) + 1
            assert per_field[rec.edit.field] <= cap and rec.gain > 0
        if rec.fit is not None:
            edited = apply_edit(profile, rec.edit)
            assert (rec.edit.field, rec.edit.value) not in analyse(edited, BENCHMARKS).unrelated
            assert rec.fit >= BENCHMARKS.fit.scoring["threshold"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROFILES)
def test_every_measured_move_is_what_scoring_the_edited_profile_gives(profile):
    """The candidates are measured together (one neighbourhood pass for every addition, the focus and
    compliance reused where the edit does not touch them); each must equal scoring its edit alone."""
    report = score(profile, BENCHMARKS)
    for rec in report.recommendations:
        edited = score(apply_edit(profile, rec.edit), BENCHMARKS, with_recommendations=False)
        for name in ("differentiation", "homogeneity_risk", "compliance_risk"):
            assert getattr(rec.effect_uncapped, name) == pytest.approx(
                getattr(edited, name).unbounded - getattr(report, name).unbounded), (rec.edit, name)


def test_when_nothing_coherent_is_left_to_add_the_advice_says_so():
    raw = {name: yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8")) for name in FILES}
    weak = copy.deepcopy(raw)
    weak["fit.yaml"]["pairings"] = []
    weak["fit.yaml"]["parameters"].update(segment_needs=0.1, domains=0.1, family=0.1)
    weak["fit.yaml"]["parameters"]["cooccurrence"]["scale"] = 0.1
    unfit = build_benchmarks(weak)
    profile = before("zhongan-pet-medical")
    report = score(profile, unfit)
    assert report.exhausted is not None and "Nothing coherent is left to add" in report.exhausted.en
    assert report.exhausted.zh and report.exhausted.section == "7.1.3"
    assert not [r for r in report.recommendations if r.edit.action == "add" and r.fit is not None]
    assert score(profile, BENCHMARKS).exhausted is None


def test_a_me_too_of_the_standard_is_advised_the_reports_way_out_for_its_own_customers():
    """A plain aggregated-QR collector (the market model's largest payment archetype) has no niche to
    stay next to; the report's way out for small payment firms is operating tools and scenario
    solutions for the same merchants (2.4.1: Alipay's Merchant Growth Plan, WeChat Pay's dining)."""
    plain = ProductProfile(domain="payments", name="QR collector", tech_stack=("qr_code", "saas", "mobile_app"),
                           scenarios=("aggregated_payment", "qr_payment"), target_segments=("micro_merchant",),
                           business_model=("transaction_fees", "fee_subsidies"), partners=("banks",),
                           compliance=Compliance(licenses=("payment_license",), certification="certified"))
    assert analyse(plain, BENCHMARKS).standard
    report = score(plain, BENCHMARKS)
    assert report.homogeneity_risk.band == "high" and report.differentiation.band == "low"
    moves = [(r.edit.field, r.edit.value) for r in report.recommendations[:5]]
    assert {("scenarios", "sme_operations"), ("scenarios", "dining")} & set(moves), moves
