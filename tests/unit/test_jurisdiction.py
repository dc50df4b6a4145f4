"""Issue 19 (and issue 18's "controls are controls"): where a product operates decides which rule packs
score it and which advice fits; licences are read by what they permit, practices by what they are."""

import pytest

from service.scoring import score
from service.vocabulary import normalise_profile


@pytest.fixture
def read(benchmarks):
    def read(**raw):
        profile, readings = normalise_profile({"name": "p", **raw}, benchmarks.vocabulary)
        return profile, readings
    return read


@pytest.fixture
def scored(benchmarks, read):
    def scored(**raw):
        profile, _ = read(**raw)
        report = score(profile, benchmarks)
        return profile, report
    return scored


def _codes(result) -> set[str]:
    return {f.code for f in result.factors}


def _licences_advised(report) -> set:
    return {r.edit.value for r in report.recommendations if r.edit.field == "compliance.licenses"}


@pytest.mark.parametrize("field", ["tech_stack", "scenarios", "business_model", "compliance.privacy_controls"])
@pytest.mark.parametrize("text", ["KYC", "AML", "sanctions screening", "实名认证", "suitability checks", "双录"])
def test_controls_typed_anywhere_are_controls_not_scenarios(read, field, text):
    compliance = {"privacy_controls": [text]} if field.startswith("compliance.") else {}
    raw = {"domain": "payments", "compliance": compliance}
    if not field.startswith("compliance."):
        raw[field] = [text]
    profile, _ = read(**raw)
    assert profile.compliance.privacy_controls, (text, profile)
    assert not set(profile.scenarios) & {"kyc", "aml", "sanctions_screening", "consumer_protection"}


def test_for_a_regtech_product_controls_are_its_services(read):
    profile, _ = read(domain="regtech", scenarios=["KYC", "sanctions screening"])
    assert {"kyc", "sanctions_screening"} <= set(profile.scenarios)


@pytest.mark.parametrize("text, practice", [
    ("默认勾选同意", "pre_ticked_consent"), ("pre-ticked consent at sign-up", "pre_ticked_consent"),
    ("用户勾选授权协议", "blanket_consent"), ("tick-box consent", "blanket_consent"),
])
def test_bad_consent_is_a_practice_not_a_mitigating_control(scored, benchmarks, text, practice):
    base = {"domain": "lending", "compliance": {"data_sources": ["通讯录"], "max_apr": "365%"}}
    _, plain = scored(**base)
    profile, report = scored(**{**base, "compliance": {**base["compliance"], "privacy_controls": [text]}})
    assert practice in profile.compliance.practices
    assert "granular_consent" not in profile.compliance.privacy_controls
    assert not any(f.code.endswith(".mitigated") for f in report.compliance_risk.factors)
    assert report.compliance_risk.score >= plain.compliance_risk.score


def test_plain_user_authorisation_mitigates_nothing(scored):
    base = {"domain": "lending", "compliance": {"data_sources": ["contacts"]}}
    _, plain = scored(**base)
    profile, report = scored(**{**base, "compliance": {**base["compliance"], "privacy_controls": ["user authorisation"]}})
    assert profile.compliance.privacy_controls == ("basic_consent",)
    assert report.compliance_risk.score == plain.compliance_risk.score


@pytest.mark.parametrize("text, practice", [
    ("爬虫", "credential_scraping"), ("simulated login", "credential_scraping"),
    ("714高炮", "ultra_short_high_cost_loans"), ("KYC-lite", "kyc_lite"), ("地下钱庄", "underground_remittance"),
    ("砍头息", "upfront_fee_deduction"), ("payment for order flow", "payment_for_order_flow"),
])
def test_practices_are_read_from_any_field_and_drive_their_rules(scored, text, practice):
    profile, report = scored(domain="lending", business_model=[text], compliance={"licenses": ["小贷牌照"]})
    assert practice in profile.compliance.practices
    assert "disguised_installment" not in _codes(report.compliance_risk)
    assert report.compliance_risk.score > report.compliance_risk.base


def test_a_negated_practice_is_not_a_practice(read):
    profile, _ = read(domain="wealth_management", business_model=["annual management fee", "no payment for order flow"])
    assert "payment_for_order_flow" not in profile.compliance.practices


@pytest.mark.parametrize("text", ["none", "无", "no licence", "no credit reporting licence", "无网贷或其他金融牌照",
                                  "applied for CBK digital credit provider licence"])
def test_none_under_licences_means_no_licence(read, text):
    profile, readings = read(domain="lending", compliance={"licenses": [text]})
    assert profile.compliance.licenses == ()
    assert any(r.how == "negated" for r in readings)


def test_wallet_addresses_are_not_home_addresses(read):
    profile, _ = read(domain="wealth_management", compliance={"data_sources": ["wallet addresses"]})
    assert profile.compliance.data_sources == ("wallet_addresses",)


@pytest.mark.parametrize("licence, where", [
    ("FCA authorised investment manager", "uk"), ("SFC Type 9", "hong_kong"), ("state money transmitter licences", "us"),
    ("CBK authorised payment service provider", "kenya"), ("Swedish banking licence", "eu"), ("支付牌照", "mainland_china"),
])
def test_jurisdiction_is_read_from_the_licences_and_said(read, licence, where):
    profile, readings = read(domain="payments", compliance={"licenses": [licence]})
    assert profile.jurisdiction == (where,)
    if where != "mainland_china":
        assert any(r.field == "jurisdiction" and r.how == "inferred" for r in readings)


def test_without_anything_to_go_on_it_is_the_reports_market(read):
    profile, _ = read(domain="payments")
    assert profile.jurisdiction == ("mainland_china",)


def test_an_fca_authorised_robo_adviser_is_not_told_to_get_a_fund_licence(scored):
    profile, report = scored(domain="wealth_management", scenarios=["robo advisory"],
                             compliance={"licenses": ["FCA authorised"]})
    assert profile.jurisdiction == ("uk",)
    assert not {c for c in _codes(report.compliance_risk) if c.startswith(("license", "certification"))}
    assert not _licences_advised(report)
    assert not any(r.edit.field in ("compliance.certification", "compliance.sandbox") and r.edit.value == "certified"
                   for r in report.recommendations)


def test_an_hk_wealth_service_with_sfc_type_9_gets_no_mainland_advice(scored, benchmarks):
    profile, report = scored(domain="wealth_management", jurisdiction=["Hong Kong"], scenarios=["robo advisory"],
                             compliance={"licenses": ["SFC Type 9"], "cross_border": True})
    codes = _codes(report.compliance_risk)
    assert not codes & {"license_wealth", "license_wealth_hk", "cross_border_unlicensed", "certification_missing"}
    assert all("hong_kong" in (benchmarks.vocabulary.term("license", c).jurisdictions or ("hong_kong",))
               for c in _licences_advised(report))
    assert not any(r.edit.field == "compliance.certification" for r in report.recommendations)
    assert report.compliance_risk.packs == ("hong_kong", "any")


def test_uk_eu_data_flows_need_no_fx_licence_and_no_transfer_safeguard(scored):
    _, report = scored(domain="regtech", scenarios=["KYB"], jurisdiction=["UK", "EU"],
                       compliance={"cross_border": True})
    assert not _codes(report.compliance_risk) & {"cross_border_unlicensed", "gdpr_transfer", "cross_border_aml"}


def test_uk_data_going_to_the_us_needs_a_transfer_safeguard(scored):
    _, report = scored(domain="regtech", scenarios=["KYB"], jurisdiction=["UK", "US"], compliance={"cross_border": True})
    assert "gdpr_transfer" in _codes(report.compliance_risk)


def test_m_pesa_is_not_a_payment_business_without_a_payment_licence(scored):
    profile, report = scored(domain="payments", scenarios=["mobile wallet"],
                             compliance={"licenses": ["CBK authorised payment service provider"], "cross_border": True})
    assert profile.jurisdiction == ("kenya",)
    assert report.compliance_risk.packs == ("any",)
    assert not _codes(report.compliance_risk) & {"license_payments", "cross_border_unlicensed", "certification_missing"}


def test_klarna_with_its_banking_licence_is_not_an_unlicensed_lender(scored):
    _, report = scored(domain="BNPL", jurisdiction=["Sweden", "EU"],
                       compliance={"licenses": ["Swedish banking licence"], "cross_border": True})
    codes = _codes(report.compliance_risk)
    assert not codes & {"license_lending", "license_lending_eu", "cross_border_unlicensed"}


def test_red_lines_are_fixes_led_by_the_practice_regulators_act_on(scored):
    _, report = scored(domain="lending", business_model=["data_selling", "砍头息"], compliance={"licenses": ["小贷牌照"]})
    fixes = [r for r in report.recommendations if r.stage == "fix"]
    assert {("remove", "data_selling"), ("remove", "upfront_fee_deduction")} <= {(r.edit.action, r.edit.value) for r in fixes}
    assert report.recommendations[0].stage == "fix"


def test_a_scrapers_first_fix_is_to_stop_scraping(scored):
    _, report = scored(domain="regtech", scenarios=["credit rating"], tech_stack=["web crawlers"],
                       compliance={"data_sources": ["call logs"]})
    first = report.recommendations[0]
    assert (first.stage, first.edit.field, first.edit.value) == ("fix", "compliance.practices", "credential_scraping")
    assert "blockchain" not in {r.edit.value for r in report.recommendations[:2]}


def test_the_sandbox_is_offered_only_where_one_exists(scored):
    _, mainland = scored(domain="lending", compliance={"licenses": ["小贷牌照"], "data_sources": ["contacts"]})
    _, kenya = scored(domain="lending", jurisdiction=["Kenya"], compliance={"data_sources": ["contacts"]})
    assert any(r.edit.field == "compliance.sandbox" for r in mainland.recommendations)
    assert not any(r.edit.field == "compliance.sandbox" for r in kenya.recommendations)


def test_the_readme_non_mainland_example_answers_as_shown(client):
    import json
    import re
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    example = re.search(r"<!-- example: score-uk -->\n```bash\n(.*?)```", readme, flags=re.S).group(1)
    body = json.loads(re.search(r"-d '(.*)'", example, flags=re.S).group(1))
    answer = client.post("/v1/scores?fields=scores,recommendations,interpretation", json=body).get_json()
    risk = answer["compliance_risk"]
    assert (risk["score"], risk["band"], risk["packs_applied"]) == (50.0, "medium", ["uk", "any"])
    assert [f["code"] for f in risk["factors"]][:2] == ["affordability_uk", "blanket_consent"]
    first = answer["recommendations"][0]
    assert (first["stage"], first["value"]) == ("fix", "no_affordability_check")
    assert not any(m["field"] in ("compliance.certification", "compliance.licenses") for m in answer["recommendations"])


def test_strict_handling_accepts_practices_none_and_markets_read_from_licences(benchmarks):
    raw = {"name": "p", "domain": "lending", "description": "tick-box consent at sign-up",
           "compliance": {"licenses": ["FCA authorisation", "none"]}}
    profile, _ = normalise_profile(raw, benchmarks.vocabulary, strict=True)
    assert profile.jurisdiction == ("uk",) and "blanket_consent" in profile.compliance.practices
