"""What-if comparison: variants side by side, and the best single and pair of edits for the first."""

from dataclasses import dataclass
from itertools import combinations

from service.benchmarks.market import MarketSlice
from service.benchmarks.models import Benchmarks
from service.profile import ProductProfile
from service.scoring.recommend import Effect, Recommendation, apply_edit, effect, gain
from service.scoring.report import ScoreReport, score

SCORES = ("differentiation", "homogeneity_risk", "compliance_risk")


@dataclass(frozen=True)
class Variant:
    report: ScoreReport
    delta: Effect                       # against the first variant
    factors_added: tuple[str, ...]      # reasons this variant has and the first has not
    factors_removed: tuple[str, ...]


@dataclass(frozen=True)
class EditPair:
    edits: tuple[Recommendation, Recommendation]
    effect: Effect
    gain: float


def side_by_side(reports: list[ScoreReport]) -> list[Variant]:
    first = reports[0]
    return [Variant(r, effect(_scores(first), _scores(r)),
                    tuple(sorted(_reasons(r) - _reasons(first))), tuple(sorted(_reasons(first) - _reasons(r))))
            for r in reports]


def best_pair(report: ScoreReport, benchmarks: Benchmarks, market: MarketSlice, candidates: int = 6) -> EditPair | None:
    """Two of the top recommendations applied together and re-scored: pairs can do more (or less)
    than the sum of their parts, so each pair is measured, not added up."""
    best = None
    for first, second in combinations(report.recommendations[:candidates], 2):
        if first.edit.field == second.edit.field and first.edit.action == "set":
            continue
        edited = apply_edit(apply_edit(report.profile, first.edit), second.edit)
        after = _scores(score(edited, benchmarks, market, with_recommendations=False))
        improvement = gain(_scores(report), after)
        if best is None or improvement > best.gain:
            best = EditPair((first, second), effect(_scores(report), after), improvement)
    return best


def _scores(report: ScoreReport) -> tuple:
    return tuple(getattr(report, name) for name in SCORES)


def _reasons(report: ScoreReport) -> set[str]:
    return {f"{name}:{f.code}" + (f"={f.value}" if isinstance(f.value, str) else "")
            for name in SCORES for f in getattr(report, name).factors}


def apply_edits(profile: ProductProfile, edits) -> ProductProfile:
    for edit in edits:
        profile = apply_edit(profile, edit)
    return profile
