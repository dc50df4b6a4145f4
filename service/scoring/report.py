"""score(): a product profile in, a fully explained ScoreReport out. Pure and deterministic."""

from dataclasses import dataclass, replace

from service.benchmarks.market import MarketSlice, build_slice
from service.benchmarks.models import Benchmarks, facts, profile_features
from service.profile import TERM_FIELDS, ProductProfile
from service.scoring.compliance import rescore_compliance, score_compliance
from service.scoring.differentiation import score_differentiation
from service.scoring.factors import ComplianceResult, Explain, HomogeneityResult, ScoreResult, Tally
from service.scoring.focus import Focus, analyse
from service.scoring.homogeneity import score_homogeneity
from service.scoring.interactions import Interaction, flag
from service.scoring.neighbours import Neighbourhood, neighbourhood, with_added_terms
from service.benchmarks.fit import Cited
from service.benchmarks.models import Edit
from service.scoring.recommend import Advice, Recommendation, apply_edit, recommend
from service.scoring.version import MODEL_VERSION

# Profile fields whose terms place a product in its market (similarity terms), by kind.
ADDABLE = {f.path: f.fact for f in TERM_FIELDS if f.similarity}


@dataclass(frozen=True)
class NearestBenchmark:
    id: str
    name_en: str
    name_zh: str
    domain: str
    verdict: str | None
    similarity: float
    shared: tuple[str, ...]
    archetype: bool = False     # a look-alike pattern of the market model, standing for `products` products
    products: int = 1


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
    focused = _focused_hood(focus, hood, benchmarks, market, exclude)
    pairings = {}
    differentiation = score_differentiation(profile, focus, focused, benchmarks, Explain(benchmarks), market, exclude,
                                            pairings)
    homogeneity = score_homogeneity(profile, hood, benchmarks, Explain(benchmarks), market)
    compliance = score_compliance(profile, benchmarks, Explain(benchmarks))
    differentiation, compliance, interactions = flag(focus, differentiation, compliance, benchmarks)
    advice = Advice((), None)
    if with_recommendations:
        baseline = _Baseline(profile, hood, focus, focused, (differentiation, homogeneity, compliance), facts(profile),
                             benchmarks, market, exclude, pairings)
        advice = recommend(profile, focus, benchmarks, market, baseline.scores, baseline.measure)
    return ScoreReport(
        profile=profile,
        differentiation=differentiation,
        homogeneity_risk=homogeneity,
        compliance_risk=compliance,
        coverage=coverage(profile, hood, benchmarks, exclude),
        nearest_benchmarks=tuple(
            NearestBenchmark(n.product.id, n.product.name_en, n.product.name_zh, n.product.profile.domain,
                             n.product.verdict, n.similarity, n.shared, n.product.archetype, n.product.size)
            for n in hood.nearest
        ),
        recommendations=advice.recommendations,
        model_version=MODEL_VERSION,
        benchmark_version=benchmarks.version,
        exhausted=advice.exhausted,
        interactions=interactions,
    )


def _focused_hood(focus: Focus, hood: Neighbourhood, benchmarks: Benchmarks, market: MarketSlice,
                  exclude) -> Neighbourhood:
    """The neighbourhood differentiation reads: the profile's own when nothing is unrelated, else the
    coherent profile's (a candidate edit reuses or grows the base one where it can: _Baseline._focused)."""
    if not focus.unrelated:
        return hood
    return neighbourhood(focus.coherent, benchmarks, market, exclude, with_nearest=False)


@dataclass(frozen=True, eq=False)
class _Baseline:
    """What re-scoring a candidate edit starts from: the scored profile and its intermediate results."""

    profile: ProductProfile
    hood: Neighbourhood
    focus: Focus
    focused: Neighbourhood
    scores: tuple
    known: dict
    benchmarks: Benchmarks
    market: MarketSlice
    exclude: frozenset
    pairings: dict          # combinations judged so far (score_differentiation)

    def measure(self, edits: list[Edit], fitting: list[bool]) -> list[tuple | None]:
        """Each edit's scores (numbers only), computing only what the edit touches: the
        compliance rules that read the edited field; the market scores only when a term that places
        the product in its market changed, every addition's neighbourhood in one pass; the focus
        only when a term it reads changed (not a business model); the coherent profile's
        neighbourhood from the base one when the edit only adds to it. An edit offered because it
        fits (`fitting`) whose own focus finds the new term unrelated is not advised: its scores
        are left out (None)."""
        edited = [apply_edit(self.profile, edit) for edit in edits]
        foci = [self._focus(p, edit) for p, edit in zip(edited, edits)]
        dropped = {i for i, (edit, focus, fits) in enumerate(zip(edits, foci, fitting))
                   if fits and (edit.field, edit.value) in focus.unrelated}
        kept = [i for i in range(len(edits)) if i not in dropped]
        hoods = self._market(edits, edited, kept)
        focused = self._focused(edits, foci, kept)
        differentiation, homogeneity, compliance = self.scores
        results = []
        for i, (p, edit, focus) in enumerate(zip(edited, edits, foci)):
            if i in dropped:
                results.append(None)
                continue
            risk = rescore_compliance(p, edit.field, compliance, self.benchmarks, self.known, edit)
            if _compliance_only(edit):
                results.append((differentiation, homogeneity, risk))
                continue
            edited_homogeneity = (homogeneity if i not in hoods else
                                  score_homogeneity(p, hoods[i], self.benchmarks, Tally(), self.market))
            hood = focused[i] if i in focused else _focused_hood(focus, hoods.get(i, self.hood), self.benchmarks,
                                                                 self.market, self.exclude)
            results.append((score_differentiation(p, focus, hood, self.benchmarks, Tally(), self.market, self.exclude,
                                                  self.pairings),
                            edited_homogeneity, risk))
        return results

    def _market(self, edits, edited, kept) -> dict[int, Neighbourhood]:
        """The neighbourhood of every kept edit of a market term: additions in one pass, removals anew."""
        found, additions = {}, []
        for i in kept:
            edit, p = edits[i], edited[i]
            if edit.field not in ADDABLE:
                continue
            if edit.action == "add":
                additions.append(i)
            else:
                found[i] = neighbourhood(p, self.benchmarks, self.market, self.exclude, with_nearest=False)
        if additions:
            batch = [(edited[i], ADDABLE[edits[i].field], edits[i].value) for i in additions]
            found.update(zip(additions, with_added_terms(self.hood, self.profile, batch, self.benchmarks,
                                                         self.market, self.exclude)))
        return found

    def _focus(self, edited: ProductProfile, edit: Edit) -> Focus:
        if edit.field == "business_model":
            return replace(self.focus, coherent=replace(self.focus.coherent, business_model=edited.business_model))
        if _compliance_only(edit):
            return self.focus
        return analyse(edited, self.benchmarks, self.exclude)

    def _focused(self, edits, foci, kept) -> dict[int, Neighbourhood]:
        """The coherent profile's neighbourhood where it differs from the profile's own: the base one
        when the market terms are the base's, the base one plus the term when the edit only added it
        to the coherent profile (one pass), else anew (left to _focused_hood)."""
        base = _market_terms(self.focus.coherent)
        found, grown = {}, []
        for i in kept:
            edit, focus = edits[i], foci[i]
            if not focus.unrelated:
                continue
            terms = _market_terms(focus.coherent)
            if terms == base and self.focus.unrelated:
                found[i] = self.focused
            elif (edit.action == "add" and edit.field in ADDABLE
                  and terms == _market_terms(apply_edit(self.focus.coherent, edit))):
                grown.append(i)
        if grown:
            batch = [(foci[i].coherent, ADDABLE[edits[i].field], edits[i].value) for i in grown]
            found.update(zip(grown, with_added_terms(self.focused, self.focus.coherent, batch, self.benchmarks,
                                                     self.market, self.exclude)))
        return found


def _compliance_only(edit: Edit) -> bool:
    """An edit that changes compliance facts only (data sources also tie a product's core together)."""
    return edit.field.startswith("compliance.") and edit.field != "compliance.data_sources"


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
