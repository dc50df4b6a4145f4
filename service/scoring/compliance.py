"""Compliance risk: the report's pitfalls as rules, aggravated by what the product does and
mitigated by the controls it has. Inherent risk is before controls, residual after."""

from dataclasses import replace

from service.benchmarks.models import Benchmarks
from service.profile import ProductProfile
from service.scoring.factors import ComplianceResult, Factor, RequiredControl, evidence, finish


def score_compliance(profile: ProductProfile, benchmarks: Benchmarks) -> ComplianceResult:
    base = benchmarks.weights["domains"][profile.domain]["compliance_base"]
    controls = set(profile.compliance.privacy_controls)
    factors: list[Factor] = []
    mandatory: list[RequiredControl] = []
    recommended: list[str] = []
    inherent = base
    for rule in benchmarks.rules:
        fires = rule.fires(profile)
        if rule.mandatory and rule.applies(profile):
            mandatory.append(RequiredControl(rule.id, rule.requirement["en"], rule.requirement["zh"], not fires))
        if not fires:
            continue
        inherent += rule.severity
        proof = evidence(benchmarks, rule.evidence, sections=[rule.section])
        field, value = _trigger(rule, profile)
        factors.append(Factor(rule.id, rule.en, rule.zh, rule.severity, proof, field, value))
        remaining = rule.severity
        floor = rule.severity * rule.floor
        for control, share in rule.mitigated_by:
            if control not in controls:
                recommended.append(control)
                continue
            cut = min(remaining * share, remaining - floor)
            remaining -= cut
            term = benchmarks.vocabulary.term("privacy_control", control)
            factors.append(Factor(
                f"{rule.id}.mitigated", f"{term.en} mitigates: {rule.en.lower()}",
                f"{term.zh}缓解:{rule.zh}", -cut, proof, "compliance.privacy_controls", control,
            ))
    for relief in benchmarks.reliefs:
        if relief.when.holds(profile):
            factors.append(Factor(relief.id, relief.en, relief.zh, relief.points,
                                  evidence(benchmarks, relief.evidence, sections=[relief.section])))
    result = finish(base, factors, benchmarks.weights["bands"], result_type=ComplianceResult,
                    inherent=round(min(100.0, inherent), 2),
                    mandatory_controls=tuple(mandatory),
                    recommended_controls=tuple(dict.fromkeys(sorted(recommended))))
    return replace(result, residual=result.score)


def _trigger(rule, profile: ProductProfile) -> tuple[str | None, object]:
    """The input that made the rule fire, so the caller sees exactly what to change."""
    tests = rule.when.tests
    for key, field in (("data_source", "compliance.data_sources"), ("business_model", "business_model"),
                       ("technology", "tech_stack")):
        hits = sorted(set(profile.terms(key)) & tests.get(key, frozenset()))
        if hits:
            return field, hits[0] if len(hits) == 1 else hits
    if "max_apr_above" in tests:
        return "compliance.max_apr", profile.compliance.max_apr
    if "certification" in tests:
        return "compliance.certification", profile.compliance.certification
    if "cross_border" in tests:
        return "compliance.cross_border", profile.compliance.cross_border
    if "domain" in tests:
        return "compliance.licenses", list(profile.compliance.licenses)
    return None, None
