"""Differentiation: how far the technology x scenario x segment combination stands apart."""

from service.benchmarks.models import Benchmarks, combination_pairs
from service.profile import ProductProfile
from service.scoring.factors import term_label, users_of
from service.scoring.neighbours import Neighbourhood


def score_differentiation(profile: ProductProfile, hood: Neighbourhood, benchmarks: Benchmarks, out,
                          exclude=frozenset()):
    weights = benchmarks.weights["differentiation"]
    domain = benchmarks.weights["domains"][profile.domain]
    vocabulary = benchmarks.vocabulary
    add = lambda key, points, **kw: out.add(key, points, weights[key], **kw)  # noqa: E731

    pairs = combination_pairs(profile)
    if pairs:
        counts = _pair_counts(pairs, benchmarks, exclude)
        rarity = sum(1 / (1 + c) for c in counts) / len(pairs)
        w = weights["combination_rarity"]
        span = min(1.0, len(pairs) / w["pairs_for_full_weight"])
        add("combination_rarity", w["points"] * rarity * span,
            params={"rare": sum(1 for c in counts if c == 0), "pairs": len(pairs)})

    w = weights["distinctive_technology"]
    for code in hood.rare_technologies[: w["max_count"]]:
        add("distinctive_technology", w["points"], params={"label": term_label(benchmarks, "technology", code)},
            field="tech_stack", value=code, product_ids=users_of(benchmarks, "technology", code))
    verticals = sorted(c for c in profile.scenarios if vocabulary.term("scenario", c).vertical)
    for code in verticals[: weights["vertical_scenario"]["max_count"]]:
        add("vertical_scenario", weights["vertical_scenario"]["points"],
            params={"label": term_label(benchmarks, "scenario", code)}, field="scenarios", value=code,
            product_ids=users_of(benchmarks, "scenario", code))
    if profile.tech_stack and profile.scenarios:
        add("tech_scenario_synergy", weights["tech_scenario_synergy"]["points"])
    elif profile.tech_stack:
        add("tech_without_scenario", weights["tech_without_scenario"]["points"])
    else:
        add("no_technology", weights["no_technology"]["points"])
    for code in sorted(profile.partners)[: weights["ecosystem_partner"]["max_count"]]:
        add("ecosystem_partner", weights["ecosystem_partner"]["points"],
            params={"label": term_label(benchmarks, "partner", code)}, field="partners", value=code,
            product_ids=users_of(benchmarks, "partner", code))

    fits = misses = 0
    for code in sorted(profile.target_segments):
        need = benchmarks.segment_needs.get(code)
        if need is None:
            continue
        offers = [("scenario", c) for c in sorted(set(profile.scenarios) & need.scenarios)]
        offers += [("technology", c) for c in sorted(set(profile.tech_stack) & need.technologies)]
        label = term_label(benchmarks, "segment", code)
        if offers and fits < weights["segment_fit"]["max_count"]:
            fits += 1
            offered = [term_label(benchmarks, kind, c) for kind, c in offers]
            add("segment_fit", weights["segment_fit"]["points"], field="target_segments", value=code,
                params={"label": label, "need": (need.en, need.zh),
                        "offer": (", ".join(o[0] for o in offered), "、".join(o[1] for o in offered))},
                product_ids=users_of(benchmarks, "segment", code))
        elif not offers and misses < weights["segment_miss"]["max_count"]:
            misses += 1
            add("segment_miss", weights["segment_miss"]["points"], field="target_segments", value=code,
                params={"label": label, "need": (need.en, need.zh)})

    diversified = [c for c in weights["diversified_revenue"]["models"] if c in profile.business_model]
    if diversified:
        add("diversified_revenue", weights["diversified_revenue"]["points"], field="business_model",
            value=diversified[0], params={"label": term_label(benchmarks, "business_model", diversified[0])})
    for code in sorted(profile.business_model):
        term = vocabulary.term("business_model", code)
        if term.lookalike:
            add("lookalike_pattern", weights["lookalike_pattern"]["points"], params={"label": (term.en, term.zh)},
                field="business_model", value=code, figure_ids=[term.lookalike["evidence"]],
                product_ids=users_of(benchmarks, "business_model", code))
    if hood.rival_count:
        w = weights["neighbour_density"]
        add("neighbour_density", max(w["points_per_neighbour"] * hood.density, w["cap"]),
            params={"count": hood.rival_count}, product_ids=hood.rivals)
    return out.finish(domain["differentiation_base"], benchmarks.weights["bands"])


def _pair_counts(pairs, benchmarks: Benchmarks, exclude) -> list[int]:
    """How many catalog products share each pairing, leaving the excluded products out."""
    excluded = [set(combination_pairs(benchmarks.by_id[i].profile)) for i in exclude if i in benchmarks.by_id]
    return [benchmarks.pair_counts.get(p, 0) - sum(p in e for e in excluded) for p in pairs]
