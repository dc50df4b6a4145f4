"""Scorecard arithmetic shared by the three scores: base + signed contributions = score, exactly."""

from dataclasses import dataclass, field, replace

from service.benchmarks.models import Benchmarks, Figure

PRINCIPAL_REASONS = 4
BOUND_CODE = "score_bound"


@dataclass(frozen=True)
class Evidence:
    figures: tuple[Figure, ...] = ()
    benchmarks: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class Factor:
    code: str
    en: str
    zh: str
    contribution: float
    evidence: Evidence = Evidence()
    field: str | None = None
    value: object = None
    principal: bool = False


@dataclass(frozen=True)
class ScoreResult:
    score: float
    band: str
    base: float
    factors: tuple[Factor, ...]
    unbounded: float = 0.0


@dataclass(frozen=True)
class HomogeneityResult(ScoreResult):
    crowding: str = "open"
    effective_rivals: float = 0.0
    neighbour_density: float = 0.0


@dataclass(frozen=True)
class RequiredControl:
    rule: str
    en: str
    zh: str
    satisfied: bool


@dataclass(frozen=True)
class ComplianceResult(ScoreResult):
    inherent: float = 0.0
    residual: float = 0.0
    mandatory_controls: tuple[RequiredControl, ...] = ()
    recommended_controls: tuple[str, ...] = field(default=())


def evidence(benchmarks: Benchmarks, figure_ids=(), product_ids=(), sections=()) -> Evidence:
    """Evidence from figure ids; their sections are cited alongside any given explicitly."""
    figures = tuple(benchmarks.figures[i] for i in figure_ids)
    cited = dict.fromkeys([*sections, *(f.section for f in figures)])
    return Evidence(figures, tuple(product_ids), tuple(cited))


def band(score: float, bands) -> str:
    if score >= bands["high_from"]:
        return "high"
    return "medium" if score >= bands["medium_from"] else "low"


def finish(base: float, factors: list[Factor], bands, result_type=ScoreResult, **extra):
    """Round, clamp to [0, 100] with an explicit bound factor, rank and flag principal reasons."""
    kept = [replace(f, contribution=round(f.contribution, 2)) for f in factors]
    kept = [f for f in kept if f.contribution != 0]
    raw = base + sum(f.contribution for f in kept)
    bounded = min(100.0, max(0.0, raw))
    if abs(bounded - raw) >= 0.005:
        kept.append(Factor(BOUND_CODE, "Score held within 0-100", "分数限定在0-100之间", round(bounded - raw, 2)))
    kept.sort(key=lambda f: (-abs(f.contribution), f.code, str(f.value)))
    reasons = [i for i, f in enumerate(kept) if f.code != BOUND_CODE][:PRINCIPAL_REASONS]
    ranked = tuple(replace(f, principal=i in reasons) for i, f in enumerate(kept))
    score = round(base + sum(f.contribution for f in ranked), 2)
    return result_type(score=score, band=band(score, bands), base=base, factors=ranked, unbounded=round(raw, 2),
                       **extra)


def template_factor(benchmarks: Benchmarks, weights, code: str, contribution: float, *,
                    params=None, field=None, value=None, product_ids=(), figure_ids=()) -> Factor:
    """A factor whose texts come from the weights file; a (en, zh) pair fills each language."""
    params = params or {}
    pick = lambda lang: {k: (v[lang] if isinstance(v, tuple) else v) for k, v in params.items()}  # noqa: E731
    return Factor(
        code=code,
        en=weights["en"].format(**pick(0)),
        zh=weights["zh"].format(**pick(1)),
        contribution=contribution,
        evidence=evidence(benchmarks, [*weights.get("evidence", ()), *figure_ids],
                          [*weights.get("benchmarks", ()), *product_ids]),
        field=field,
        value=value,
    )


def term_label(benchmarks: Benchmarks, kind: str, code: str) -> tuple[str, str]:
    term = benchmarks.vocabulary.term(kind, code)
    return (term.en, term.zh)


def users_of(benchmarks: Benchmarks, kind: str, code: str, limit: int = 5) -> list[str]:
    """Catalog products that use a term: the benchmark evidence for a term-driven factor."""
    return [p.id for p in benchmarks.products if code in p.profile.terms(kind)][:limit]
