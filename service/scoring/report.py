"""score(): a product profile in, a fully explained ScoreReport out. Pure and deterministic."""

from dataclasses import dataclass, replace

from service.benchmarks.market import MarketSlice, build_slice
from service.benchmarks.models import Benchmarks, facts, profile_features
from service.profile import FIELD_KINDS, ProductProfile
from service.scoring.compliance import rescore_compliance, score_compliance
from service.scoring.differentiation import score_differentiation
from service.scoring.factors import ComplianceResult, Explain, HomogeneityResult, ScoreResult, Tally
from service.scoring.fit import Focus, analyse
from service.scoring.homogeneity import score_homogeneity
from service.scoring.interactions import Interaction, flag
from service.scoring.neighbours import Neighbourhood, neighbourhood, with_added_term
from service.benchmarks.fit import Cited
from service.benchmarks.models import Edit
from service.scoring.recommend import Advice, Recommendation, recommend

MODEL_VERSION = "1.1.0"
# Profile fields whose terms place a product in its market (similarity terms), by kind.
ADDABLE = {field: kind for field, kind in FIELD_KINDS.items() if not field.startswith("compliance.")}


@dataclass(frozen=True)
class NearestBenchmark:
    id: str
    name_en: str
    name_zh: str
    domain: str
    verdict: str | None
    similarity: float
    shared: tuple[str, ...]


@dataclass(frozen=True)
class ScoreReport:
    profile: ProductProfile
    differentiation: ScoreResult
    homogeneity_risk: HomogeneityResult
    compliance_risk: ComplianceResult
    coverage: float
    nearest_benchmarks: tuple[NearestBenchmark, ...]
    recommendations: tuple[Recommendation, ...]
    model_version: str
    benchmark_version: str
    exhausted: Cited | None = None               # no coherent addition left that helps
    interactions: tuple[Interaction, ...] = ()  # differentiators that are also compliance drivers


def score(profile: ProductProfile, benchmarks: Benchmarks, market: MarketSlice | None = None,
          exclude=frozenset(), with_recommendations: bool = True) -> ScoreReport:
    """Score a canonical profile; `exclude` leaves catalog products out (leave-one-out checks)."""
    market = market or build_slice(benchmarks, profile.domain)
    exclude = frozenset(exclude)

    hood = neighbourhood(profile, benchmarks, market, exclude)
    focus = analyse(profile, benchmarks, exclude)
    focused = _focused_hood(focus, hood, None, benchmarks, market, exclude)
    differentiation = score_differentiation(profile, focus, focused, benchmarks, Explain(benchmarks), exclude)
    homogeneity = score_homogeneity(profile, hood, benchmarks, Explain(benchmarks))
    compliance = score_compliance(profile, benchmarks, Explain(benchmarks))
    differentiation, compliance, interactions = flag(focus, differentiation, compliance, benchmarks)
    advice = Advice((), None)
    if with_recommendations:
        baseline = (differentiation, homogeneity, compliance)
        known = facts(profile)

        def rescore(edited: ProductProfile, edit: Edit):
            """Numbers only, and only what the edit touches: compliance rules that read the edited
            field; the market scores only when a term that places the product in its market changed;
            the focus only when a term it reads changed (not a business model)."""
            risk = rescore_compliance(edited, edit.field, compliance, benchmarks, known)
            if edit.field.startswith("compliance.") and edit.field != "compliance.data_sources":
                return (differentiation, homogeneity, risk), focus
            edited_hood, edited_homogeneity = hood, homogeneity
            if edit.field in ADDABLE:
                edited_hood = (with_added_term(hood, edited, ADDABLE[edit.field], edit.value, benchmarks, market, exclude)
                               if edit.action == "add" else
                               neighbourhood(edited, benchmarks, market, exclude, with_nearest=False))
                edited_homogeneity = score_homogeneity(edited, edited_hood, benchmarks, Tally())
            edited_focus = (replace(focus, coherent=replace(focus.coherent, business_model=edited.business_model))
                            if edit.field == "business_model" else analyse(edited, benchmarks, exclude))
            reuse = (focus, focused) if _market_terms(edited_focus.coherent) == _market_terms(focus.coherent) else None
            edited_focused = _focused_hood(edited_focus, edited_hood, reuse, benchmarks, market, exclude)
            return (score_differentiation(edited, edited_focus, edited_focused, benchmarks, Tally(), exclude),
                    edited_homogeneity, risk), edited_focus

        advice = recommend(profile, focus, benchmarks, market, baseline, rescore)
    return ScoreReport(
        profile=profile,
        differentiation=differentiation,
        homogeneity_risk=homogeneity,
        compliance_risk=compliance,
        coverage=coverage(profile, hood, benchmarks, exclude),
        nearest_benchmarks=tuple(
            NearestBenchmark(n.product.id, n.product.name_en, n.product.name_zh, n.product.profile.domain,
                             n.product.verdict, n.similarity, n.shared)
            for n in hood.nearest
        ),
        recommendations=advice.recommendations,
        model_version=MODEL_VERSION,
        benchmark_version=benchmarks.version,
        exhausted=advice.exhausted,
        interactions=interactions,
    )


def _focused_hood(focus: Focus, hood: Neighbourhood, reuse, benchmarks: Benchmarks, market: MarketSlice,
                  exclude) -> Neighbourhood:
    """The neighbourhood differentiation reads: the profile's own when nothing is unrelated, else the
    coherent profile's (`reuse`: a focus and its neighbourhood with the same market terms)."""
    if not focus.unrelated:
        return hood
    if reuse is not None and reuse[0].unrelated:
        return reuse[1]
    return neighbourhood(focus.coherent, benchmarks, market, exclude, with_nearest=False)


def _market_terms(profile: ProductProfile) -> tuple:
    return tuple(tuple(sorted(profile.terms(kind))) for kind in ADDABLE.values())


def coverage(profile: ProductProfile, hood: Neighbourhood, benchmarks: Benchmarks, exclude) -> float:
    """Share of the profile's terms that some catalog product also uses, halved with no neighbours."""
    features = profile_features(profile) - {f"domain:{profile.domain}"}
    if not features:
        return 0.0
    left_out = [profile_features(benchmarks.by_id[i].profile) for i in exclude if i in benchmarks.by_id]
    known = [t for t in features if benchmarks.index.document_frequency(t) > sum(t in f for f in left_out)]
    share = len(known) / len(features)
    if not hood.rival_count:
        share *= benchmarks.weights["coverage"]["without_neighbours_factor"]
    return round(share, 3)
