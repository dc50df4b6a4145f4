"""Homogeneity risk: how likely the product drowns among look-alikes.

The risk rises with how many products of the market look like this one: the expected look-alikes
(rivals' similarities, an archetype of the market model counting as the products it stands for),
on a log scale, since the tenth thousand look-alike crowds less than the tenth. A vertical scenario
or partner earns relief only where it is not common in the market (market.MarketSlice.common).
The factors it shares with differentiation are coded once (service/scoring/shared_factors.py)."""

from service.benchmarks.market import MarketSlice
from service.benchmarks.models import Benchmarks
from service.profile import ProductProfile
from service.scoring.factors import HomogeneityResult
from service.scoring.neighbours import Neighbourhood
from service.scoring.shared_factors import (diversified_revenue, lookalike_patterns, neighbour_density, per_term,
                                            uncommon_partners, uncommon_verticals)


def score_homogeneity(profile: ProductProfile, hood: Neighbourhood, benchmarks: Benchmarks, out,
                      market: MarketSlice) -> HomogeneityResult:
    weights = benchmarks.weights["homogeneity"]
    domain = benchmarks.weights["domains"][profile.domain]
    add = lambda key, points, **kw: out.add(key, points, weights[key], **kw)  # noqa: E731

    neighbour_density(weights, hood, out)
    if hood.rival_count:
        nearest = hood.closest_homogeneous
        if nearest:
            code = "lookalike_archetype" if nearest.product.archetype else "homogeneous_neighbour"
            add(code, weights[code]["points"] * nearest.similarity,
                params={"label": (nearest.product.name_en, nearest.product.name_zh),
                        "similarity": f"{nearest.similarity:.2f}", "products": f"{nearest.product.size:,}"},
                product_ids=[nearest.product.id])

    per_term("distinctive_technology", weights, hood.rare_technologies, "technology", "tech_stack", benchmarks, out,
             cite_users=False)
    lookalike_patterns(weights, profile, benchmarks, out)

    verticals = uncommon_verticals(profile.scenarios, benchmarks, market)
    if not profile.scenarios:
        add("no_scenario", weights["no_scenario"]["points"])
        if profile.tech_stack:
            add("tech_without_scenario", weights["tech_without_scenario"]["points"])
    elif not verticals:
        add("generic_scenarios_only", weights["generic_scenarios_only"]["points"])
    per_term("vertical_scenario", weights, verticals, "scenario", "scenarios", benchmarks, out, cite_users=False)
    per_term("ecosystem_partner", weights, uncommon_partners(profile.partners, benchmarks, market), "partner",
             "partners", benchmarks, out, cite_users=False)
    diversified_revenue(weights, profile, benchmarks, market, out)

    crowding = weights["crowding"]
    verdict = ("saturated" if hood.density >= crowding["saturated_from"]
               else "crowded" if hood.density >= crowding["crowded_from"] else "open")
    return out.finish(
        domain["homogeneity_base"], benchmarks.weights["bands"], result_type=HomogeneityResult,
        crowding=verdict, effective_rivals=hood.effective_rivals, neighbour_density=hood.density,
    )
