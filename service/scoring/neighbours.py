"""Similarity between a profile and catalog products, and the crowding it implies."""

from dataclasses import dataclass

from service.benchmarks.market import MarketSlice
from service.benchmarks.models import Benchmarks, BenchmarkProduct, profile_features, token
from service.profile import ProductProfile


@dataclass(frozen=True)
class Neighbour:
    product: BenchmarkProduct
    similarity: float
    shared: tuple[str, ...]


@dataclass(frozen=True)
class Neighbourhood:
    nearest: tuple[Neighbour, ...]
    rivals: tuple[Neighbour, ...]
    density: float
    effective_rivals: float
    rare_technologies: tuple[str, ...]


def similarity(a: frozenset[str], b: frozenset[str], benchmarks: Benchmarks) -> float:
    """Weighted Jaccard: the share of the two products' combined term weight that they share."""
    union = a | b
    if not union:
        return 0.0
    weight = lambda tokens: sum(benchmarks.token_weight(t) for t in tokens)  # noqa: E731
    return weight(a & b) / weight(union)


def neighbourhood(profile: ProductProfile, benchmarks: Benchmarks, market: MarketSlice,
                  exclude=frozenset()) -> Neighbourhood:
    """Nearest products over the whole catalog; rivals (density, 1/HHI) within the market slice."""
    settings = benchmarks.weights["similarity"]
    threshold = settings["neighbour_threshold"]
    features = profile_features(profile)
    scored = [
        Neighbour(p, round(similarity(features, p.features, benchmarks), 4), tuple(sorted(features & p.features)))
        for p in benchmarks.products
        if p.id not in exclude
    ]
    scored.sort(key=lambda n: (-n.similarity, n.product.id))
    members = set(market.product_ids)
    rivals = tuple(n for n in scored if n.product.id in members and n.similarity >= threshold)
    total = sum(n.similarity for n in rivals)
    squares = sum(n.similarity ** 2 for n in rivals)
    most = benchmarks.weights["homogeneity"]["distinctive_technology"]["max_rivals_using"]
    return Neighbourhood(
        nearest=tuple(n for n in scored[: settings["nearest_k"]] if n.similarity > 0),
        rivals=rivals,
        density=round(total, 4),
        effective_rivals=round(total * total / squares, 2) if squares else 0.0,
        rare_technologies=tuple(sorted(
            code for code in profile.tech_stack
            if market.users(token("technology", code), benchmarks, exclude) <= most
        )),
    )
