"""Differentiation: how far the technology x scenario x segment combination stands apart, counting
only what hangs together (service/scoring/focus.py): an item unrelated to the product's core earns
nothing and costs the focus penalty, so an unrelated addition never raises the score (7.1.3).

"Apart" is against the whole market (market.yaml market_model): a pairing its archetypes carry is
not rare, a commodity technology is no technology here (focus.generic holds them), a vertical
scenario or partner most products have earns nothing, and look-alikes dilute on a log scale.
The factors it shares with homogeneity risk are coded once (service/scoring/shared_factors.py)."""

from service.benchmarks.market import MarketSlice
from service.benchmarks.models import Benchmarks, combination_pairs, pair_variants, token
from service.profile import ProductProfile
from service.scoring.factors import term_label, users_of
from service.scoring.focus import Focus
from service.scoring.neighbours import Neighbourhood
from service.scoring.shared_factors import (diversified_revenue, lookalike_patterns, neighbour_density, per_term,
                                            uncommon_partners, uncommon_verticals)


def score_differentiation(profile: ProductProfile, focus: Focus, hood: Neighbourhood, benchmarks: Benchmarks, out,
                          market: MarketSlice, exclude=frozenset(), pairings: dict | None = None):
    """`hood` is the neighbourhood of `focus.coherent`: unrelated items do not set a product apart.
    `pairings`: the rarity of each combination already judged for this market and these left-out
    products (a report's candidate edits mostly keep the base profile's combination)."""
    weights = benchmarks.weights["differentiation"]
    fitted = benchmarks.fit.scoring
    domain = benchmarks.weights["domains"][profile.domain]
    add = lambda key, points, **kw: out.add(key, points, weights[key], **kw)  # noqa: E731
    kept = focus.coherent
    # Generic channels and commodity technology are no technology here (focus.generic holds both). A
    # technology most of this market's products carry (AI risk control for a lender) still pairs with
    # a scenario, and its pairings' counts say whether the pair is rare, but landing it in a scenario
    # most products also serve is the market's standard, not a synergy (market.MarketSlice.common).
    technologies = tuple(c for c in kept.tech_stack if c not in focus.generic)
    common = lambda kind, codes: all(market.common(token(kind, c)) for c in codes)  # noqa: E731
    standard = common("technology", technologies) and common("scenario", kept.scenarios)

    combination = (technologies, kept.scenarios, kept.target_segments)
    pairs, rarity = (pairings or {}).get(combination) or _rarity(kept, technologies, benchmarks, market, exclude)
    if pairings is not None:
        pairings[combination] = pairs, rarity
    if pairs:
        w = weights["combination_rarity"]
        span = min(1.0, len(pairs) / w["pairs_for_full_weight"])
        add("combination_rarity", w["points"] * sum(rarity) / len(pairs) * span,
            params={"rare": len(rarity), "pairs": len(pairs)})

    per_term("distinctive_technology", weights, [c for c in hood.rare_technologies if c in technologies],
             "technology", "tech_stack", benchmarks, out, cite_users=True)
    per_term("vertical_scenario", weights, uncommon_verticals(kept.scenarios, benchmarks, market), "scenario",
             "scenarios", benchmarks, out, cite_users=True)
    if technologies and kept.scenarios:
        if not standard:
            add("tech_scenario_synergy", weights["tech_scenario_synergy"]["points"])
    elif technologies:
        add("tech_without_scenario", weights["tech_without_scenario"]["points"])
    elif focus.generic:
        w = fitted["generic_channel_only"]
        out.add("generic_channel_only", w["points"], w, sections=w["sections"], field="tech_stack",
                value=focus.generic[0], params={"label": _labels(benchmarks, "technology", focus.generic)})
    else:
        add("no_technology", weights["no_technology"]["points"])
    per_term("ecosystem_partner", weights, uncommon_partners(kept.partners, benchmarks, market), "partner",
             "partners", benchmarks, out, cite_users=True)
    _segments(kept, technologies, benchmarks, add)

    diversified_revenue(weights, profile, benchmarks, market, out)
    lookalike_patterns(weights, profile, benchmarks, out)
    neighbour_density(weights, hood, out)
    _focus(focus, benchmarks, out)
    return out.finish(domain["differentiation_base"], weights["bands"])


def _rarity(kept: ProductProfile, technologies, benchmarks: Benchmarks, market: MarketSlice, exclude):
    """The combination's pairings and how rare each rare one is: unseen 1, in one product 0.5. Two
    terms common in the market make the market's standard pairing, however few list it."""
    pairs = combination_pairs(kept, technologies)
    seen_at_most = benchmarks.fit.scoring["rare_pairing_seen_at_most"]
    rarity = [1 / (1 + c) for c, (a, b) in zip(_pair_counts(pairs, benchmarks, exclude), pairs)
              if c <= seen_at_most and not (market.common(a) and market.common(b))] if pairs else []
    return pairs, rarity


def _segments(kept: ProductProfile, technologies, benchmarks: Benchmarks, add) -> None:
    """A targeted segment is met when the coherent scenarios or technologies offer what it needs."""
    weights = benchmarks.weights["differentiation"]
    fits = misses = 0
    for code in sorted(kept.target_segments):
        need = benchmarks.segment_needs.get(code)
        if need is None:
            continue
        offers = [("scenario", c) for c in sorted(set(kept.scenarios) & need.scenarios)]
        offers += [("technology", c) for c in sorted(set(technologies) & need.technologies)]
        if offers and fits < weights["segment_fit"]["max_count"]:
            fits += 1
            add("segment_fit", weights["segment_fit"]["points"], field="target_segments", value=code,
                params=lambda: {"label": term_label(benchmarks, "segment", code), "need": (need.en, need.zh),
                                "offer": _labels(benchmarks, None, [f"{kind}:{c}" for kind, c in offers])},
                product_ids=users_of(benchmarks, "segment", code))
        elif not offers and misses < weights["segment_miss"]["max_count"]:
            misses += 1
            add("segment_miss", weights["segment_miss"]["points"], field="target_segments", value=code,
                params={"label": term_label(benchmarks, "segment", code), "need": (need.en, need.zh)})


def _focus(focus: Focus, benchmarks: Benchmarks, out) -> None:
    """Depth in a vertical earns points per kind of anchor tied to it; each unrelated item costs."""
    fitted = benchmarks.fit.scoring
    depth = focus.depth
    w = fitted["focus_depth"]
    if depth and depth.kinds > 1:
        out.add("focus_depth", w["points"] * (min(depth.kinds, w["max_count"]) - 1), w, sections=w["sections"],
                field="scenarios", value=depth.scenario,
                params=lambda: {"label": term_label(benchmarks, "scenario", depth.scenario),
                                "anchors": _labels(benchmarks, None, depth.anchors)})
    w = fitted["focus_sprawl"]
    if focus.unrelated:
        items = [f"{_KINDS[name]}:{code}" for name, code in focus.unrelated]
        fields = {name for name, _ in focus.unrelated}
        out.add("focus_sprawl", w["points"] * min(len(items), w["max_count"]), w, sections=w["sections"],
                field=fields.pop() if len(fields) == 1 else None,
                value=[code for _, code in focus.unrelated],
                params=lambda: {"items": _labels(benchmarks, None, items),
                                "core": _labels(benchmarks, None, focus.core[:3]) if focus.core else
                                term_label(benchmarks, "domain", focus.coherent.domain)})


_KINDS = {"scenarios": "scenario", "partners": "partner", "tech_stack": "technology"}


def _labels(benchmarks: Benchmarks, kind: str | None, items) -> tuple[str, str]:
    """Labels joined in both languages; `kind` None: the items are tokens ('scenario:pets')."""
    labels = [term_label(benchmarks, *(item.split(":", 1) if kind is None else (kind, item))) for item in items]
    return ", ".join(en for en, _ in labels), "、".join(zh for _, zh in labels)


def _pair_counts(pairs, benchmarks: Benchmarks, exclude) -> list[int]:
    """How many catalog products share each pairing or its family's, leaving the excluded products out."""
    counts = [benchmarks.family_pair_count(pair) for pair in pairs]
    excluded = [set(combination_pairs(benchmarks.by_id[i].profile)) for i in exclude if i in benchmarks.by_id]
    if excluded:
        counts = [count - sum(v in e for v in pair_variants(pair, benchmarks.implied) for e in excluded)
                  for count, pair in zip(counts, pairs)]
    return counts
