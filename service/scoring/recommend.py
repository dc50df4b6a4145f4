"""Recommendations: concrete profile edits, each measured by re-scoring the edited profile."""

from dataclasses import dataclass, replace

from service.benchmarks.market import MarketSlice
from service.benchmarks.models import Benchmarks
from service.profile import FIELD_KINDS, PROFILE_FIELDS, ProductProfile
from service.scoring.factors import ComplianceResult

# How an edit's field reads in each language.
FIELD_LABELS = {f.path: (f.label_en, f.label_zh) for f in PROFILE_FIELDS}
VERBS = {"add": ("Add", "增加"), "remove": ("Drop", "去掉"), "set": ("Set", "设置")}


@dataclass(frozen=True)
class Edit:
    action: str
    field: str
    value: object


@dataclass(frozen=True)
class Effect:
    differentiation: float
    homogeneity_risk: float
    compliance_risk: float


def effect(before, after) -> Effect:
    """Change of each score (differentiation, homogeneity risk, compliance risk results) as shown."""
    return Effect(*(round(a.score - b.score, 2) for a, b in zip(after, before)))


def gain(before, after) -> float:
    """One number to rank by: more differentiation, less of either risk, counted before the 0-100
    bound so that a fix still counts on a profile whose risk is off the scale."""
    d, h, c = (a.unbounded - b.unbounded for a, b in zip(after, before))
    return round(d - h - c, 2)


@dataclass(frozen=True)
class Recommendation:
    edit: Edit
    en: str
    zh: str
    effect: Effect
    gain: float
    mandatory: bool


def apply_edit(profile: ProductProfile, edit: Edit) -> ProductProfile:
    """The profile with one edit applied; list fields keep their order, new terms go last."""
    compliance_field = edit.field.startswith("compliance.")
    name = edit.field.split(".", 1)[1] if compliance_field else edit.field
    target = profile.compliance if compliance_field else profile
    if edit.action == "set":
        changed = replace(target, **{name: edit.value})
    else:
        current = getattr(target, name)
        values = current + (edit.value,) if edit.action == "add" else tuple(v for v in current if v != edit.value)
        changed = replace(target, **{name: values})
    return replace(profile, compliance=changed) if compliance_field else changed


def candidate_edits(profile: ProductProfile, benchmarks: Benchmarks, compliance: ComplianceResult,
                    market: MarketSlice) -> dict[Edit, bool]:
    """Edits worth measuring, each mapped to whether it meets a mandatory requirement."""
    edits: dict[Edit, bool] = {}
    unmet = {c.rule for c in compliance.mandatory_controls if not c.satisfied}
    fired = {f.code for f in compliance.factors}
    for rule in benchmarks.rules:
        if rule.id not in fired:
            continue
        if rule.remedy:
            edits.setdefault(Edit(rule.remedy.action, rule.remedy.field, rule.remedy.value), rule.id in unmet)
        for control in compliance.recommended_controls:
            if control in dict(rule.mitigated_by):
                edits.setdefault(Edit("add", "compliance.privacy_controls", control), False)
    if not profile.compliance.sandbox:
        edits.setdefault(Edit("set", "compliance.sandbox", True), False)
    for code in profile.business_model:
        if benchmarks.vocabulary.term("business_model", code).lookalike:
            edits.setdefault(Edit("remove", "business_model", code), False)

    limits = benchmarks.weights["recommendations"]
    needs = [benchmarks.segment_needs[s] for s in sorted(profile.target_segments) if s in benchmarks.segment_needs]
    for field, kind, from_needs, limit in (
        ("scenarios", "scenario", [c for n in needs for c in sorted(n.scenarios)], limits["max_scenarios"]),
        ("tech_stack", "technology", [c for n in needs for c in sorted(n.technologies)], limits["max_technologies"]),
        ("partners", "partner", [], limits["max_partners"]),
    ):
        popular = _leading(market, kind)
        ranked = from_needs + sorted(popular, key=lambda c: (-popular[c], c))
        fresh = [c for c in dict.fromkeys(ranked) if c not in profile.terms(kind)]
        for code in fresh[:limit]:
            edits.setdefault(Edit("add", field, code), False)
    diversified = benchmarks.weights["differentiation"]["diversified_revenue"]["models"]
    if not set(diversified) & set(profile.business_model):
        popular = {c: n for c, n in _leading(market, "business_model").items() if c in diversified}
        for code in sorted(popular, key=lambda c: (-popular[c], c))[:2]:
            edits.setdefault(Edit("add", "business_model", code), False)
    return edits


def _leading(market: MarketSlice, kind: str) -> dict[str, int]:
    """Terms of one kind that the market's differentiated products use, with how many use each."""
    prefix = f"{kind}:"
    return {tok[len(prefix):]: n for tok, n in market.leader_terms.items() if tok.startswith(prefix)}


def describe(edit: Edit, benchmarks: Benchmarks) -> tuple[str, str]:
    verb_en, verb_zh = VERBS[edit.action]
    field_en, field_zh = FIELD_LABELS[edit.field]
    kind = FIELD_KINDS.get(edit.field)
    if kind:
        term = benchmarks.vocabulary.term(kind, edit.value)
        value_en, value_zh = term.en, term.zh
    else:
        value_en = value_zh = str(edit.value).lower()
    return f"{verb_en} {field_en}: {value_en}", f"{verb_zh}{field_zh}:{value_zh}"


def recommend(profile: ProductProfile, benchmarks: Benchmarks, market: MarketSlice, baseline: tuple,
              rescore) -> tuple[Recommendation, ...]:
    """Measure every candidate edit with `rescore`; keep those that help, mandatory ones first."""
    found = []
    for edit, mandatory in candidate_edits(profile, benchmarks, baseline[2], market).items():
        after = rescore(apply_edit(profile, edit), edit.action, edit.field, edit.value)
        improvement = gain(baseline, after)
        if improvement > 0 or mandatory:
            en, zh = describe(edit, benchmarks)
            found.append(Recommendation(edit, en, zh, effect(baseline, after), improvement, mandatory))
    found.sort(key=lambda r: (not r.mandatory, -r.gain, r.edit.field, str(r.edit.value)))
    return tuple(found[: benchmarks.weights["recommendations"]["max_results"]])
