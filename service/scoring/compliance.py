"""Compliance risk: the report's pitfalls as rules, aggravated by what the product does and
mitigated by the controls it has. Inherent risk is before controls, residual after."""

from dataclasses import replace

from service.benchmarks.models import Benchmarks, Edit, Relief, facts
from service.benchmarks.rule_packs import packs_applied
from service.profile import FIELD_FACTS, ProductProfile
from service.scoring.factors import ComplianceResult, RequiredControl, Tally


def score_compliance(profile: ProductProfile, benchmarks: Benchmarks, out) -> ComplianceResult:
    base = benchmarks.weights["domains"][profile.domain]["compliance_base"]
    known = facts(profile)
    mandatory: list[RequiredControl] = []
    recommended: list[str] = []
    points: dict[str, float] = {}
    inherent = base
    for rule in benchmarks.rules:
        fires = rule.fires(known)
        if rule.mandatory and rule.applies(known):
            mandatory.append(RequiredControl(rule.id, rule.requirement["en"], rule.requirement["zh"], not fires))
        if not fires:
            continue
        inherent += rule.severity
        recommended += [c for c, _ in rule.mitigated_by if c not in known["privacy_control"]]
        points[rule.id] = _apply_rule(rule, profile, known, benchmarks, out)
    for relief in benchmarks.reliefs:
        if relief.when.holds(known):
            points[relief.id] = relief.points
            out.add(relief.id, relief.points, en=relief.en, zh=relief.zh, figure_ids=relief.evidence,
                    sections=[relief.section])
    result = out.finish(base, benchmarks.weights["bands"], result_type=ComplianceResult,
                        inherent=round(min(100.0, inherent), 2),
                        mandatory_controls=tuple(mandatory),
                        recommended_controls=tuple(dict.fromkeys(sorted(recommended))),
                        points=points, packs=packs_applied(profile.jurisdiction, benchmarks.rules))
    return replace(result, residual=result.score)


def rescore_compliance(edited: ProductProfile, field: str, before: ComplianceResult,
                       benchmarks: Benchmarks, known_before: dict | None = None, edit: Edit | None = None
                       ) -> ComplianceResult:
    """Re-evaluate only the rules that read the edited field; the rest keep their points.
    `known_before`: the unedited profile's facts, so only the edited fact is read again. `edit`, when
    it adds or removes one term: only the readers that term can move are evaluated (Benchmarks.moved_by);
    the others put their points back as they were, in the same order, so the sum is the same float."""
    fact = FIELD_FACTS[field]
    readers = benchmarks.reading.get(fact, ())
    if not readers:
        return before
    if known_before is None:
        known = facts(edited)
    else:
        value = edited.value(field)
        known = {**known_before, fact: frozenset(value) if isinstance(value, tuple) else value}
    moved = benchmarks.moved_by(fact, edit.value) if edit is not None and edit.action != "set" else None
    total = before.unbounded
    for item in readers:
        kept = before.points.get(item.id, 0.0)
        total -= kept
        if moved is not None and item.id not in moved:
            total += kept
        elif isinstance(item, Relief):
            total += item.points if item.when.holds(known) else 0.0
        elif item.fires(known):
            total += _apply_rule(item, edited, known, benchmarks, Tally())
    tally = Tally()
    tally.total = total - before.base
    return tally.finish(before.base, benchmarks.weights["bands"], result_type=ComplianceResult)


def _apply_rule(rule, profile: ProductProfile, known: dict, benchmarks: Benchmarks, out) -> float:
    """Adds a fired rule and its mitigations to `out`; returns the net points it contributes."""
    field, value = _trigger(rule, profile) if out.explains else (None, None)
    out.add(rule.id, rule.severity, en=rule.en, zh=rule.zh, field=field, value=value,
            figure_ids=rule.evidence, sections=[rule.section], basis=rule.external_basis)
    net = round(rule.severity, 2)
    remaining = rule.severity
    floor = rule.severity * rule.floor
    for control, share in rule.mitigated_by:
        if control not in known["privacy_control"]:
            continue
        cut = min(remaining * share, remaining - floor)
        remaining -= cut
        net -= round(cut, 2)
        if out.explains:
            term = benchmarks.vocabulary.term("privacy_control", control)
            out.add(f"{rule.id}.mitigated", -cut, en=f"{term.en} mitigates: {rule.en.lower()}",
                    zh=f"{term.zh}缓解:{rule.zh}", field="compliance.privacy_controls", value=control,
                    figure_ids=rule.evidence, sections=[rule.section], basis=rule.external_basis)
        else:
            out.add(rule.id, -cut)
    return net


def _trigger(rule, profile: ProductProfile) -> tuple[str | None, object]:
    """The input that made the rule fire, so the caller sees exactly what to change."""
    tests = rule.when.tests
    for key, field in (("practice", "compliance.practices"), ("data_source", "compliance.data_sources"),
                       ("business_model", "business_model"), ("technology", "tech_stack"), ("scenario", "scenarios")):
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
