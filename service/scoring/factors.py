"""Scorecard arithmetic shared by the three scores: base + signed contributions = score, exactly."""

from dataclasses import dataclass, field

from service.benchmarks.models import Benchmarks, Figure, token

PRINCIPAL_REASONS = 4
BOUND_CODE = "score_bound"


@dataclass(frozen=True)
class Evidence:
    figures: tuple[Figure, ...] = ()
    benchmarks: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    basis: str | None = None        # knowledge from outside the report: its legal source and public case


@dataclass(slots=True)
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
    points: dict = field(default_factory=dict, compare=False, repr=False)  # net points per rule and relief
    packs: tuple[str, ...] = ()     # the rule packs applied: the markets of operation with one, and 'any'


def evidence(benchmarks: Benchmarks, figure_ids=(), product_ids=(), sections=(), basis=None) -> Evidence:
    """Evidence from figure ids; their sections are cited alongside any given explicitly."""
    figures = tuple(benchmarks.figures[i] for i in figure_ids)
    cited = dict.fromkeys([*(s for s in sections if s), *(f.section for f in figures)])
    return Evidence(figures, tuple(product_ids), tuple(cited), basis)


def band(score: float, bands) -> str:
    if score >= bands["high_from"]:
        return "high"
    return "medium" if score >= bands["medium_from"] else "low"


class Explain:
    """Collects factors with their texts and evidence: the report a caller reads. `params` and
    `product_ids` may be functions giving them, called at once (so they may read a caller's loop
    variables), so that a Tally (re-scoring a candidate) never builds texts or evidence it drops."""

    explains = True

    def __init__(self, benchmarks: Benchmarks):
        self.benchmarks = benchmarks
        self.factors: list[Factor] = []

    def add(self, code: str, points: float, template=None, *, en="", zh="", params=None, field=None, value=None,
            product_ids=(), figure_ids=(), sections=(), basis=None) -> None:
        points = round(points, 2)
        if points == 0:
            return
        figures = [*(template.get("evidence", ()) if template else ()), *figure_ids]
        products = [*(template.get("benchmarks", ()) if template else ()),
                    *(product_ids() if callable(product_ids) else product_ids)]
        if template:
            params = (params() if callable(params) else params) or {}
            pick = lambda lang: {k: (v[lang] if isinstance(v, tuple) else v) for k, v in params.items()}  # noqa: E731
            en, zh = template["en"].format(**pick(0)), template["zh"].format(**pick(1))
        self.factors.append(Factor(code, en, zh, points, evidence(self.benchmarks, figures, products, sections, basis),
                                   field, value))

    def finish(self, base: float, bands, result_type=ScoreResult, **extra):
        """Clamp to [0, 100] with an explicit bound factor, rank, and flag the principal reasons."""
        raw = base + sum(f.contribution for f in self.factors)
        bounded = min(100.0, max(0.0, raw))
        factors = sorted(self.factors, key=lambda f: (-abs(f.contribution), f.code, str(f.value)))
        for factor in factors[:PRINCIPAL_REASONS]:
            factor.principal = True
        if abs(bounded - raw) >= 0.005:
            factors.append(Factor(BOUND_CODE, "Score held within 0-100", "分数限定在0-100之间", round(bounded - raw, 2)))
        score = round(base + sum(f.contribution for f in factors), 2) + 0.0    # + 0.0: never -0.0
        return result_type(score=score, band=band(score, bands), base=base, factors=tuple(factors),
                           unbounded=round(raw, 2), **extra)


class Tally:
    """Adds contributions up without texts or evidence: for re-scoring recommendation candidates."""

    explains = False

    def __init__(self, benchmarks: Benchmarks | None = None):
        self.total = 0.0

    def add(self, code: str, points: float, *args, **kwargs) -> None:
        self.total += round(points, 2)

    def finish(self, base: float, bands, result_type=ScoreResult, **extra):
        raw = base + self.total
        score = round(min(100.0, max(0.0, raw)), 2) + 0.0
        return result_type(score=score, band=band(score, bands), base=base, factors=(), unbounded=round(raw, 2),
                           **extra)


def term_label(benchmarks: Benchmarks, kind: str, code: str) -> tuple[str, str]:
    term = benchmarks.vocabulary.term(kind, code)
    return (term.en, term.zh)


def users_of(benchmarks: Benchmarks, kind: str, code: str, limit: int = 5) -> list[str]:
    """Catalog products that use a term: the benchmark evidence for a term-driven factor."""
    return benchmarks.index.users(token(kind, code), limit)
