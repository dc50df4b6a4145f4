"""score(): a product profile in, a fully explained ScoreReport out. Pure and deterministic."""

from dataclasses import dataclass

from service.benchmarks.market import MarketSlice, build_slice
from service.benchmarks.models import Benchmarks, profile_features
from service.profile import FIELD_KINDS, ProductProfile
from service.scoring.compliance import rescore_compliance, score_compliance
from service.scoring.differentiation import score_differentiation
from service.scoring.factors import ComplianceResult, Explain, HomogeneityResult, ScoreResult, Tally
from service.scoring.homogeneity import score_homogeneity
from service.scoring.neighbours import Neighbourhood, neighbourhood, with_added_term
from service.scoring.recommend import Recommendation, recommend

MODEL_VERSION = "1.0.0"
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


def score(profile: ProductProfile, benchmarks: Benchmarks, market: MarketSlice | None = None,
          exclude=frozenset(), with_recommendations: bool = True) -> ScoreReport:
    """Score a canonical profile; `exclude` leaves catalog products out (leave-one-out checks)."""
    market = market or build_slice(benchmarks, profile.domain)
    exclude = frozenset(exclude)

    hood = neighbourhood(profile, benchmarks, market, exclude)
    differentiation = score_differentiation(profile, hood, benchmarks, Explain(benchmarks), exclude)
    homogeneity = score_homogeneity(profile, hood, benchmarks, Explain(benchmarks))
    compliance = score_compliance(profile, benchmarks, Explain(benchmarks))
    recommendations = ()
    if with_recommendations:
        baseline = (differentiation, homogeneity, compliance)

        def rescore(edited: ProductProfile, action: str, field: str, value):
            """Numbers only, and only what the edit touches: compliance rules that read the edited
            field; the market scores only when a term that places the product in its market changed."""
            risk = rescore_compliance(edited, field, compliance, benchmarks)
            if field.startswith("compliance."):
                return differentiation, homogeneity, risk
            if action == "add" and field in ADDABLE:
                edited_hood = with_added_term(hood, edited, ADDABLE[field], value, benchmarks, market, exclude)
            else:
                edited_hood = neighbourhood(edited, benchmarks, market, exclude, with_nearest=False)
            return (score_differentiation(edited, edited_hood, benchmarks, Tally(), exclude),
                    score_homogeneity(edited, edited_hood, benchmarks, Tally()), risk)

        recommendations = recommend(profile, benchmarks, market, baseline, rescore)
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
        recommendations=recommendations,
        model_version=MODEL_VERSION,
        benchmark_version=benchmarks.version,
    )


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
