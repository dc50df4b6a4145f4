"""Homogeneity risk: how likely the product drowns among look-alikes.

The risk rises with how many products of the market look like this one: the expected look-alikes
(rivals' similarities, an archetype of the market model counting as the products it stands for),
on a log scale, since the tenth thousand look-alike crowds less than the tenth. A vertical scenario
or partner earns relief only where it is not common in the market (market.MarketSlice.common)."""

import math

from service.benchmarks.market import MarketSlice
from service.benchmarks.models import Benchmarks, token
from service.profile import ProductProfile
from service.scoring.factors import HomogeneityResult, term_label, users_of
from service.scoring.neighbours import Neighbourhood


def score_homogeneity(profile: ProductProfile, hood: Neighbourhood, benchmarks: Benchmarks, out,
                      market: MarketSlice) -> HomogeneityResult:
    weights = benchmarks.weights["homogeneity"]
    domain = benchmarks.weights["domains"][profile.domain]
    add = lambda key, points, **kw: out.add(key, points, weights[key], **kw)  # noqa: E731

    if hood.rival_count:
        w = weights["neighbour_density"]
        add("neighbour_density", min(w["points_per_tenfold"] * math.log10(1 + hood.density), w["cap"]),
            params=lambda: lookalike_params(hood), product_ids=lambda: hood.rivals)
        nearest = hood.closest_homogeneous
        if nearest:
            code = "lookalike_archetype" if nearest.product.archetype else "homogeneous_neighbour"
            add(code, weights[code]["points"] * nearest.similarity,
                params={"label": (nearest.product.name_en, nearest.product.name_zh),
                        "similarity": f"{nearest.similarity:.2f}", "products": f"{nearest.product.size:,}"},
                product_ids=[nearest.product.id])

    w = weights["distinctive_technology"]
    for code in hood.rare_technologies[: w["max_count"]]:
        add("distinctive_technology", w["points"], params={"label": term_label(benchmarks, "technology", code)},
            field="tech_stack", value=code)
    for code in sorted(profile.business_model):
        term = benchmarks.vocabulary.term("business_model", code)
        if term.lookalike:
            add("lookalike_pattern", weights["lookalike_pattern"]["points"], params={"label": (term.en, term.zh)},
                field="business_model", value=code, figure_ids=[term.lookalike["evidence"]],
                product_ids=users_of(benchmarks, "business_model", code))

    verticals = uncommon_verticals(profile.scenarios, benchmarks, market)
    if not profile.scenarios:
        add("no_scenario", weights["no_scenario"]["points"])
        if profile.tech_stack:
            add("tech_without_scenario", weights["tech_without_scenario"]["points"])
    elif not verticals:
        add("generic_scenarios_only", weights["generic_scenarios_only"]["points"])
    for code in verticals[: weights["vertical_scenario"]["max_count"]]:
        add("vertical_scenario", weights["vertical_scenario"]["points"],
            params={"label": term_label(benchmarks, "scenario", code)}, field="scenarios", value=code)
    partners = uncommon_partners(profile.partners, benchmarks, market)
    for code in partners[: weights["ecosystem_partner"]["max_count"]]:
        add("ecosystem_partner", weights["ecosystem_partner"]["points"],
            params={"label": term_label(benchmarks, "partner", code)}, field="partners", value=code)

    diversified = diversified_models(profile, benchmarks, market)
    if diversified:
        add("diversified_revenue", weights["diversified_revenue"]["points"], field="business_model",
            value=diversified[0], params={"label": term_label(benchmarks, "business_model", diversified[0])})

    crowding = weights["crowding"]
    verdict = ("saturated" if hood.density >= crowding["saturated_from"]
               else "crowded" if hood.density >= crowding["crowded_from"] else "open")
    return out.finish(
        domain["homogeneity_base"], benchmarks.weights["bands"], result_type=HomogeneityResult,
        crowding=verdict, effective_rivals=hood.effective_rivals, neighbour_density=hood.density,
    )


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
