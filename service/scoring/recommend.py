"""Recommendations: the moves a strategy consultant would advise, each measured by re-scoring.

Fix before grow: a missing mandatory control (licence, certification, cross-border licence) or a red
line (fit.yaml red_lines: contact lists, disguised instalments, rates above the red line) comes first,
ranked by its effect on the uncapped scores, so that a fix shows its gain on a risk held at 100.
Everything else follows by measured gain: other compliance fixes and controls, look-alike practices to
drop, and additions that fit the product's core (service/scoring/focus.py), never an unrelated one. At
most `max_per_field` non-fix moves per field keep the list varied. Each move reads as an action in
both languages (fit.yaml actions), carries its Blue Ocean ERRC label and says why it fits: the report
case that made the move, with its figures, or the rule and the fine behind a fix."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from itertools import islice

import numpy as np

from service.benchmarks.market import MarketSlice
from service.benchmarks.fit import Cited
from service.benchmarks.models import Benchmarks, Edit, Figure, facts, token
from service.profile import FIELD_KINDS, ProductProfile
from service.scoring.factors import ComplianceResult, term_label
from service.scoring.focus import Focus, closest_core, coherent_candidates

PRACTICES_FIELD = "compliance.practices"

# Additions measured per field: (profile field, vocabulary kind, where its pool size is set).
_ADDITIONS = (("scenarios", "scenario", "max_scenarios"), ("tech_stack", "technology", "max_technologies"),
              ("partners", "partner", "max_partners"), ("business_model", "business_model", None),
              ("compliance.data_sources", "data_source", None))


@dataclass(frozen=True)
class Effect:
    differentiation: float
    homogeneity_risk: float
    compliance_risk: float


@dataclass(frozen=True)
class Why:
    """Why a move fits this product: a report case and its figures, or the rule behind a fix."""

    en: str
    zh: str
    sections: tuple[str, ...] = ()
    benchmarks: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class Recommendation:
    edit: Edit
    en: str                         # the move, as an action
    zh: str
    effect: Effect                  # change of each score as shown (0-100)
    effect_uncapped: Effect         # the same before the 0-100 bound: a fix shows on a capped risk
    gain: float                     # differentiation - both risks, uncapped: what the list is ranked by
    mandatory: bool                 # meets a mandatory requirement
    stage: str                      # fix (mandatory gap or red line: first) or improve
    errc: str                       # eliminate, reduce, raise or create
    fit: float | None               # an addition's fit with the product's core
    why: Why


@dataclass(frozen=True)
class Advice:
    recommendations: tuple[Recommendation, ...]
    exhausted: Cited | None          # set when no coherent addition is left that helps


@dataclass(frozen=True)
class _Candidate:
    edit: Edit
    stage: str
    mandatory: bool
    why: Callable[[], Why]            # built only for the moves that are listed
    fit: float | None = None


def effect(before, after) -> Effect:
    """Change of each score (differentiation, homogeneity risk, compliance risk results) as shown."""
    return Effect(*(round(a.score - b.score, 2) for a, b in zip(after, before)))


def effect_uncapped(before, after) -> Effect:
    """Change of each score before the 0-100 bound."""
    return Effect(*(round(a.unbounded - b.unbounded, 2) for a, b in zip(after, before)))


def gain(before, after) -> float:
    """One number to rank by: more differentiation, less of either risk, counted before the 0-100
    bound so that a fix still counts on a profile whose risk is off the scale."""
    d, h, c = (a.unbounded - b.unbounded for a, b in zip(after, before))
    return round(d - h - c, 2)


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


def recommend(profile: ProductProfile, focus: Focus, benchmarks: Benchmarks, market: MarketSlice, baseline: tuple,
              measure) -> Advice:
    """Measure every candidate at once with `measure(edits, fitting) -> [scores]`, where an addition
    offered because it fits has no scores (None) once its own focus finds it unrelated;
    keep the fixes, and the other moves that help (an addition only while it stays coherent), fixes
    first. Explanations are built only for the moves listed."""
    settings = benchmarks.fit.scoring["recommendations"]
    candidates = _candidates(profile, focus, benchmarks, baseline[2])
    measured, added = [], False
    results = measure([c.edit for c in candidates], [c.fit is not None for c in candidates])
    for candidate, after in zip(candidates, results):
        if after is None:
            continue
        improvement = gain(baseline, after)
        addition = candidate.fit is not None
        if candidate.stage != "fix" and improvement <= 0:
            continue
        added = added or addition
        measured.append((candidate, after, improvement))
    measured.sort(key=lambda m: (m[0].stage != "fix", -m[2], m[0].edit.field, str(m[0].edit.value)))
    listed, per_field = [], {}
    for candidate, after, improvement in measured:
        field = candidate.edit.field
        if candidate.stage != "fix":
            if per_field.get(field, 0) >= settings["max_per_field"]:
                continue
            if len(listed) >= benchmarks.weights["recommendations"]["max_results"]:
                break
            per_field[field] = per_field.get(field, 0) + 1
        en, zh, errc = _action(candidate.edit, benchmarks, market)
        listed.append(Recommendation(candidate.edit, en, zh, effect(baseline, after), effect_uncapped(baseline, after),
                                     improvement, candidate.mandatory, candidate.stage, errc, candidate.fit,
                                     candidate.why()))
    note = settings["exhausted"]
    return Advice(tuple(listed), None if added else Cited(note["section"], note["en"], note["zh"]))


def _candidates(profile: ProductProfile, focus: Focus, benchmarks: Benchmarks,
                compliance: ComplianceResult) -> list[_Candidate]:
    """Fixes from the fired rules, controls, the sandbox, look-alikes to drop, and coherent additions;
    one candidate per edit (a fix wins over the same edit as an improvement)."""
    found: dict[Edit, _Candidate] = {}
    unmet = {c.rule for c in compliance.mandatory_controls if not c.satisfied}
    fired = {f.code for f in compliance.factors}
    report_red_lines = set(benchmarks.fit.red_lines)
    red_lines = report_red_lines | {r.id for r in benchmarks.rules if getattr(r, "red_line", False)}
    for rule in benchmarks.rules:
        if rule.id not in fired:
            continue
        if rule.remedy:
            edit = Edit(rule.remedy.action, rule.remedy.field, rule.remedy.value)
            # A practice regulators act on is fixed before anything grows, like a missing licence.
            fix = rule.id in unmet or rule.id in red_lines or rule.remedy.field == PRACTICES_FIELD
            if fix or edit not in found:
                found[edit] = _Candidate(edit, "fix" if fix else "improve", rule.id in unmet,
                                         partial(_rule_why, benchmarks, rule, rule.id in report_red_lines))
        for control in compliance.recommended_controls:
            edit = Edit("add", "compliance.privacy_controls", control)
            if control in dict(rule.mitigated_by) and edit not in found:
                found[edit] = _Candidate(edit, "improve", False, partial(_rule_why, benchmarks, rule, False))
    relief = next((r for r in benchmarks.reliefs if "sandbox" in r.when.facts), None)
    # A sandbox only where one exists for the product's markets (the relief's own packs), and only where
    # it helps: a product still short of a mandatory control tests under supervision while it gets it.
    if relief and not profile.compliance.sandbox and unmet and relief.when.holds({**facts(profile), "sandbox": True}):
        edit = Edit("set", "compliance.sandbox", True)
        found[edit] = _Candidate(edit, "improve", False,
                                 partial(_cited, benchmarks, relief.en, relief.zh, relief.evidence, relief.section))
    for code in profile.business_model:
        term = benchmarks.vocabulary.term("business_model", code)
        if term.lookalike:
            edit = Edit("remove", "business_model", code)
            figure = benchmarks.figures[term.lookalike["evidence"]]
            why = partial(_cited, benchmarks, term.en, term.zh, (figure.id,), figure.section)
            found.setdefault(edit, _Candidate(edit, "improve", False, why))
    for candidate in _additions(profile, focus, benchmarks):
        found.setdefault(candidate.edit, candidate)
    return list(found.values())


def _additions(profile: ProductProfile, focus: Focus, benchmarks: Benchmarks):
    """Coherent terms to add, the best-fitting first, up to each field's pool size."""
    settings = benchmarks.fit.scoring["recommendations"]
    diversified = set(benchmarks.weights["differentiation"]["diversified_revenue"]["models"])
    for field, kind, limit_key in _ADDITIONS:
        limit = benchmarks.weights["recommendations"][limit_key] if limit_key else settings["candidates_per_field"]
        fitting = coherent_candidates(focus, profile, kind, benchmarks)
        if kind == "scenario":  # a scenario of another domain is no advice for this product
            fitting = ((c, f) for c, f in fitting if _in_domain(benchmarks, c, profile.domain))
        if kind == "business_model":
            fitting = ((c, f) for c, f in fitting if c in diversified)
        for code, fit in islice(fitting, limit):
            yield _Candidate(Edit("add", field, code), "improve", False,
                             partial(_why_fits, focus, kind, code, benchmarks), round(fit, 2))


def _in_domain(benchmarks: Benchmarks, scenario: str, domain: str) -> bool:
    """Whether a scenario serves the product's domain (a scenario of no domain in particular does)."""
    domains = benchmarks.vocabulary.term("scenario", scenario).domains
    return not domains or domain in domains


def _rule_why(benchmarks: Benchmarks, rule, red_line: bool) -> Why:
    """Why a fix of a fired rule: the rule, its figure, and the red-line note for a red line."""
    why = _cited(benchmarks, rule.en, rule.zh, rule.evidence, rule.section)
    if red_line:
        note = benchmarks.fit.red_line_note
        why = replace(why, sections=tuple(dict.fromkeys([*why.sections, note.section])))
    return why


def _why_fits(focus: Focus, kind: str, code: str, benchmarks: Benchmarks) -> Why:
    """The strongest reason a term fits the product's core: the report case, need, family or the
    catalog products that pair them."""
    templates = benchmarks.fit.scoring["recommendations"]["why"]
    tok = token(kind, code)
    sources = [(core, benchmarks.fit.source(core, tok)) for core in closest_core(focus, tok, benchmarks)]
    # Among equally strong reasons, a case of the product's own market reads best.
    core, source = next(((c, s) for c, s in sources if s.pairing and set(focus.domain) & set(s.pairing.terms)),
                        sources[0])
    core_label = term_label(benchmarks, *core.split(":", 1))
    if source.kind == "pairing":
        pairing = source.pairing
        why = _fill(templates["pairing"], text=(pairing.en, pairing.zh), section=pairing.section)
        cited = (pairing.section,), (pairing.case,) if pairing.case else (), pairing.figures
    elif source.kind == "need":
        need = source.need
        why = _fill(templates["need"], core=term_label(benchmarks, "segment", need.segment),
                    text=(need.en, need.zh), section=need.section)
        cited = (need.section,), (), ()
    elif source.kind == "cooccurrence":
        both = _together(core, tok, benchmarks)
        names = [(benchmarks.by_id[p].name_en, benchmarks.by_id[p].name_zh) for p in both]
        count = benchmarks.fit.together(core, tok)
        why = _fill(templates["cooccurrence"], core=core_label,
                    text=("; ".join(n[0] for n in names) or f"{count} products",
                          "；".join(n[1] for n in names) or f"{count}个产品"))
        cited = (), tuple(both), ()
    else:
        why = _fill(templates[source.kind], core=core_label)
        cited = (), (), ()
    if source.via:
        why = _fill(templates["inherited"], via=term_label(benchmarks, *source.via.split(":", 1)), text=why)
    sections, cases, figure_ids = cited
    return Why(why[0], why[1], sections, cases, tuple(benchmarks.figures[f] for f in figure_ids))


def _together(a: str, b: str, benchmarks: Benchmarks, limit: int = 3) -> list[str]:
    """Up to `limit` catalog products that hold both terms and count in the co-occurrence."""
    index = benchmarks.index
    if a not in index.postings or b not in index.postings:
        return []
    rows = np.intersect1d(index.postings[a], index.postings[b])
    counted = [index.ids[r] for r in rows if benchmarks.fit.counts(index.ids[r])]
    return sorted(counted)[:limit]


def _cited(benchmarks: Benchmarks, en: str, zh: str, figure_ids, section: str) -> Why:
    """Why a fix: what the rule (or pattern) is, with the first figure that proves it."""
    figures = tuple(benchmarks.figures[f] for f in figure_ids)
    lead = figures[0] if figures else None
    template = benchmarks.fit.scoring["recommendations"]["why"]["rule"]
    text = _fill(template, text=(en, zh), figure=(lead.en, lead.zh) if lead else ("", ""), section=section)
    sections = tuple(dict.fromkeys(s for s in (section, *(f.section for f in figures)) if s))
    return Why(text[0], text[1], sections, (), figures)


def _action(edit: Edit, benchmarks: Benchmarks, market: MarketSlice) -> tuple[str, str, str]:
    """The move as an action in both languages and its ERRC label (fit.yaml actions)."""
    entries = [a for a in benchmarks.fit.actions if a.action == edit.action and a.field == edit.field]
    entry = next((a for a in entries if a.value is not None and a.value == edit.value), None) or next(
        a for a in entries if a.value is None)
    kind = FIELD_KINDS.get(edit.field)
    if kind:
        label = term_label(benchmarks, kind, edit.value)
    elif isinstance(edit.value, float):
        label = (f"{edit.value:.0%}",) * 2
    else:
        label = (str(edit.value),) * 2
    errc = entry.errc
    if errc == "create" and kind:
        most = benchmarks.fit.scoring["recommendations"]["create_when_market_users_at_most"]
        errc = "create" if market.term_counts.get(token(kind, edit.value), 0) <= most else "raise"
    return entry.en.format(label=label[0]), entry.zh.format(label=label[1]), errc


def _fill(template, **params) -> tuple[str, str]:
    """A bilingual template filled with (en, zh) pairs or plain values."""
    pick = lambda lang: {k: (v[lang] if isinstance(v, tuple) else v) for k, v in params.items()}  # noqa: E731
    return template["en"].format(**pick(0)), template["zh"].format(**pick(1))
