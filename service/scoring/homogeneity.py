"""Homogeneity risk: how likely the product drowns among look-alikes."""

from service.benchmarks.models import Benchmarks
from service.profile import ProductProfile
from service.scoring.factors import HomogeneityResult, term_label, users_of
from service.scoring.neighbours import Neighbourhood


def score_homogeneity(profile: ProductProfile, hood: Neighbourhood, benchmarks: Benchmarks, out) -> HomogeneityResult:
    weights = benchmarks.weights["homogeneity"]
    domain = benchmarks.weights["domains"][profile.domain]
    add = lambda key, points, **kw: out.add(key, points, weights[key], **kw)  # noqa: E731

    if hood.rival_count:
        w = weights["neighbour_density"]
        add("neighbour_density", min(w["points_per_neighbour"] * hood.density, w["cap"]),
            params={"count": hood.rival_count, "density": f"{hood.density:.2f}"},
            product_ids=hood.rivals)
        nearest = hood.closest_homogeneous
        if nearest:
            add("homogeneous_neighbour", weights["homogeneous_neighbour"]["points"] * nearest.similarity,
                params={"label": (nearest.product.name_en, nearest.product.name_zh),
                        "similarity": f"{nearest.similarity:.2f}"},
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

    verticals = sorted(c for c in profile.scenarios if benchmarks.vocabulary.term("scenario", c).vertical)
    if not profile.scenarios:
        add("no_scenario", weights["no_scenario"]["points"])
        if profile.tech_stack:
            add("tech_without_scenario", weights["tech_without_scenario"]["points"])
    elif not verticals:
        add("generic_scenarios_only", weights["generic_scenarios_only"]["points"])
    for code in verticals[: weights["vertical_scenario"]["max_count"]]:
        add("vertical_scenario", weights["vertical_scenario"]["points"],
            params={"label": term_label(benchmarks, "scenario", code)}, field="scenarios", value=code)
    for code in sorted(profile.partners)[: weights["ecosystem_partner"]["max_count"]]:
        add("ecosystem_partner", weights["ecosystem_partner"]["points"],
            params={"label": term_label(benchmarks, "partner", code)}, field="partners", value=code)

    crowding = weights["crowding"]
    verdict = ("saturated" if hood.density >= crowding["saturated_from"]
               else "crowded" if hood.density >= crowding["crowded_from"] else "open")
    return out.finish(
        domain["homogeneity_base"], benchmarks.weights["bands"], result_type=HomogeneityResult,
        crowding=verdict, effective_rivals=hood.effective_rivals, neighbour_density=hood.density,
    )

