"""Interaction flags: a differentiator that is itself a compliance driver (social data behind a credit
product's scenario, health data behind a wealth product's care services, a distinctive technology a
rule reads) is flagged in both scores' explanations, so neither score is read without the other
(report 6.1.3: data red lines cost over RMB 200M; 3.5.1: privacy versus data value)."""

from dataclasses import dataclass, replace

from service.benchmarks.models import Benchmarks
from service.profile import FIELD_KINDS
from service.scoring.factors import Factor, ScoreResult, term_label
from service.scoring.focus import Focus


@dataclass(frozen=True)
class Interaction:
    kind: str                   # the term's vocabulary kind
    code: str
    differentiation: str        # the differentiation factor that rests on it
    compliance: str             # the compliance rule it fires
    sections: tuple[str, ...]


@dataclass(slots=True)
class FlaggedFactor(Factor):
    """A factor whose input is also behind a factor of the other score."""

    interaction: Interaction | None = None


def flag(focus: Focus, differentiation: ScoreResult, compliance: ScoreResult, benchmarks: Benchmarks):
    """Both results with the factors that share a term flagged (texts say so), and the interactions."""
    resting = _differentiators(focus, differentiation)
    rule_ids = {r.id for r in benchmarks.rules}
    found = []
    for factor in compliance.factors:
        if factor.code not in rule_ids or factor.contribution <= 0 or factor.field not in FIELD_KINDS:
            continue
        kind = FIELD_KINDS[factor.field]
        values = factor.value if isinstance(factor.value, list) else [factor.value]
        for code in values:
            if (kind, code) in resting:
                found.append(Interaction(kind, code, resting[(kind, code)].code, factor.code,
                                         tuple(benchmarks.fit.scoring["interaction"]["sections"])))
    if not found:
        return differentiation, compliance, ()
    texts = benchmarks.fit.scoring["interaction"]
    by_rule = {i.compliance: i for i in found}
    by_factor = {}
    for i in found:
        by_factor.setdefault(_key(resting[(i.kind, i.code)]), i)
    rule_texts = {f.code: (f.en, f.zh) for f in compliance.factors}
    factor_texts = {_key(f): (f.en, f.zh) for f in differentiation.factors}

    def mark(result: ScoreResult, lookup, template, other_text) -> ScoreResult:
        factors = []
        for factor in result.factors:
            interaction = lookup(factor)
            if interaction is None:
                factors.append(factor)
                continue
            other = other_text(interaction)
            en = template["en"].format(text=factor.en, other=other[0])
            zh = template["zh"].format(text=factor.zh, other=other[1])
            factors.append(FlaggedFactor(factor.code, en, zh, factor.contribution, factor.evidence, factor.field,
                                         factor.value, factor.principal, interaction))
        return replace(result, factors=tuple(factors))

    marked_differentiation = mark(
        differentiation, lambda f: by_factor.get(_key(f)), texts["differentiation"],
        lambda i: _named(benchmarks, i, rule_texts[i.compliance]))
    marked_compliance = mark(
        compliance, lambda f: by_rule.get(f.code), texts["compliance"],
        lambda i: _named(benchmarks, i, factor_texts[_key(resting[(i.kind, i.code)])]))
    return marked_differentiation, marked_compliance, tuple(found)


def _differentiators(focus: Focus, differentiation: ScoreResult) -> dict[tuple[str, str], Factor]:
    """The terms positive differentiation factors rest on: a distinctive technology, and the anchors
    of the scenario served in depth."""
    resting = {}
    for factor in differentiation.factors:
        if factor.contribution <= 0:
            continue
        if factor.code == "distinctive_technology":
            resting[("technology", factor.value)] = factor
        elif factor.code == "focus_depth" and focus.depth:
            for anchor in focus.depth.anchors:
                resting.setdefault(tuple(anchor.split(":", 1)), factor)
    return resting


def _key(factor: Factor) -> str:
    """A differentiation factor by its code and input (two distinctive technologies are two factors)."""
    return factor.code + str(factor.value)


def _named(benchmarks: Benchmarks, interaction: Interaction, text: tuple[str, str]) -> tuple[str, str]:
    """The other factor's text, led by the shared term's label."""
    label = term_label(benchmarks, interaction.kind, interaction.code)
    return f"{label[0]} ({text[0]})", f"{label[1]}({text[1]})"
