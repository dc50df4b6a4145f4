"""The factors both market scores share, coded once: each reads its points and texts from the score's
own entry (weights.yaml differentiation or homogeneity), so the two scores differ only in their
weights, in which terms they judge (differentiation: the coherent ones) and in whether the factor
cites the products that use the term (service/scoring/scorecard.yaml lists both sides).

A term is judged against its market (market.MarketSlice.common): a vertical scenario, partner or
revenue model most products of the market carry sets no product apart."""

import math

from service.benchmarks.market import MarketSlice
from service.benchmarks.models import Benchmarks, token
from service.profile import ProductProfile
from service.scoring.factors import term_label, users_of
from service.scoring.neighbours import Neighbourhood


def per_term(code: str, weights, codes, kind: str, field: str, benchmarks: Benchmarks, out,
             cite_users: bool) -> None:
    """One factor per term, up to the factor's max_count (distinctive technology, vertical scenario,
    ecosystem partner)."""
    w = weights[code]
    for value in codes[: w["max_count"]]:
        out.add(code, w["points"], w, params={"label": term_label(benchmarks, kind, value)}, field=field,
                value=value, product_ids=users_of(benchmarks, kind, value) if cite_users else ())


def lookalike_patterns(weights, profile: ProductProfile, benchmarks: Benchmarks, out) -> None:
    """Each revenue model the report criticises as a look-alike pattern, with its figure and users."""
    w = weights["lookalike_pattern"]
    for code in sorted(profile.business_model):
        term = benchmarks.vocabulary.term("business_model", code)
        if term.lookalike:
            out.add("lookalike_pattern", w["points"], w, params={"label": (term.en, term.zh)},
                    field="business_model", value=code, figure_ids=[term.lookalike["evidence"]],
                    product_ids=users_of(benchmarks, "business_model", code))


def diversified_revenue(weights, profile: ProductProfile, benchmarks: Benchmarks, market: MarketSlice, out) -> None:
    """Revenue beyond the spread, named by its first model (diversified_models)."""
    diversified = diversified_models(profile, benchmarks, market)
    if diversified:
        w = weights["diversified_revenue"]
        out.add("diversified_revenue", w["points"], w, field="business_model", value=diversified[0],
                params={"label": term_label(benchmarks, "business_model", diversified[0])})


def neighbour_density(weights, hood: Neighbourhood, out) -> None:
    """Points per tenfold of expected look-alikes, on a log scale, held at the cap: a ceiling for a
    score the look-alikes raise (homogeneity), a floor for one they lower (differentiation)."""
    if hood.rival_count:
        w = weights["neighbour_density"]
        bound = min if w["cap"] >= 0 else max
        out.add("neighbour_density", bound(w["points_per_tenfold"] * math.log10(1 + hood.density), w["cap"]), w,
                params=lambda: lookalike_params(hood), product_ids=lambda: hood.rivals)


def uncommon_verticals(scenarios, benchmarks: Benchmarks, market: MarketSlice) -> list[str]:
    """The vertical scenarios among `scenarios` that the market's products do not commonly serve
    (online motor cover is a vertical in the vocabulary and the most standard cover there is)."""
    vocabulary = benchmarks.vocabulary
    return sorted(c for c in scenarios if vocabulary.term("scenario", c).vertical
                  and not market.common(token("scenario", c)))


def uncommon_partners(partners, benchmarks: Benchmarks, market: MarketSlice) -> list[str]:
    """Partners that close a loop few rivals close: not common in this market, and not one of the
    broad partners (marketplaces, super apps, banks) that partner with every scenario (fit.yaml)."""
    return sorted(c for c in partners if not market.common(tok := token("partner", c)) and tok not in benchmarks.fit.broad)


def diversified_models(profile: ProductProfile, benchmarks: Benchmarks, market: MarketSlice) -> list[str]:
    """Revenue beyond the spread (weights.yaml differentiation.diversified_revenue.models) that its
    market does not commonly earn: subscriptions are the standard of compliance software."""
    return [c for c in benchmarks.weights["differentiation"]["diversified_revenue"]["models"]
            if c in profile.business_model and not market.common(token("business_model", c))]


def lookalike_params(hood: Neighbourhood) -> dict:
    """How the market's crowding reads: equal rivals, look-alike products and expected look-alikes."""
    return {"rivals": f"{hood.effective_rivals:,.0f}", "count": f"{hood.lookalikes:,}",
            "density": f"{hood.density:,.1f}"}
