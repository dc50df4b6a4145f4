"""Similarity between a profile and catalog products, and the crowding it implies.

Similarity is a weighted Jaccard over terms (kind weight x IDF). A product that shares nothing
but the domain with the profile is not a neighbour, so only the postings of the profile's other
terms are visited: the cost grows with how popular its terms are, not with the catalog."""

from dataclasses import dataclass

import numpy as np

from service.benchmarks.market import MarketSlice
from service.benchmarks.models import Benchmarks, BenchmarkProduct, profile_features, token
from service.profile import ProductProfile

_ROUND = 4


@dataclass(frozen=True)
class Neighbour:
    product: BenchmarkProduct
    similarity: float
    shared: tuple[str, ...] = ()


@dataclass(frozen=True)
class Neighbourhood:
    nearest: tuple[Neighbour, ...]
    rivals: tuple[str, ...]            # ids of same-market products above the threshold, closest first
    density: float                      # sum of the rivals' similarities
    effective_rivals: float             # 1/HHI of the rivals' similarity shares
    closest_homogeneous: Neighbour | None
    rare_technologies: tuple[str, ...]


def neighbourhood(profile: ProductProfile, benchmarks: Benchmarks, market: MarketSlice,
                  exclude=frozenset(), with_nearest: bool = True) -> Neighbourhood:
    """Nearest products over the whole catalog; rivals (density, 1/HHI) within the market slice."""
    index = benchmarks.index
    settings = benchmarks.weights["similarity"]
    features = profile_features(profile)
    candidates, similarity = _similarities(features, profile.domain, benchmarks, exclude)

    domain_row = index.domain_codes.index(profile.domain) if profile.domain in index.domain_codes else -1
    in_market = (index.domain_of[candidates] == domain_row) & (similarity >= settings["neighbour_threshold"])
    rival_rows, rival_sims = _ranked(candidates[in_market], similarity[in_market], index)
    total = float(rival_sims.sum())
    squares = float((rival_sims ** 2).sum())
    homogeneous = np.flatnonzero(index.homogeneous[rival_rows])
    closest = None
    if homogeneous.size:
        row = homogeneous[0]
        closest = Neighbour(benchmarks.products[rival_rows[row]], float(rival_sims[row]))

    nearest = ()
    if with_nearest:
        k = settings["nearest_k"]
        positive = similarity > 0
        top_rows, top_sims = _ranked(candidates[positive], similarity[positive], index, k)
        nearest = tuple(
            Neighbour(p, float(s), tuple(sorted(features & profile_features(p.profile))))
            for p, s in ((benchmarks.products[r], s) for r, s in zip(top_rows, top_sims))
        )
    most = benchmarks.weights["homogeneity"]["distinctive_technology"]["max_rivals_using"]
    return Neighbourhood(
        nearest=nearest,
        rivals=tuple(index.ids[r] for r in rival_rows),
        density=round(total, _ROUND),
        effective_rivals=round(total * total / squares, 2) if squares else 0.0,
        closest_homogeneous=closest,
        rare_technologies=tuple(sorted(
            code for code in profile.tech_stack
            if market.users(token("technology", code), benchmarks, exclude) <= most
        )),
    )


def _similarities(features, domain: str, benchmarks: Benchmarks, exclude):
    """Candidate rows (products sharing a non-domain term) and their rounded similarities."""
    index = benchmarks.index
    kind_weights = benchmarks.weights["similarity"]["kind_weights"]
    own_weight = sum(index.weight(t, kind_weights) for t in features)
    domain_token = token("domain", domain)
    shared = [t for t in features if t != domain_token and t in index.postings]
    if not shared:
        return np.empty(0, dtype=np.int32), np.empty(0)
    candidates = np.unique(np.concatenate([index.postings[t] for t in shared]))
    overlap = np.zeros(candidates.size)
    for t in shared:
        overlap[np.searchsorted(candidates, index.postings[t])] += index.weights[t]
    if domain_token in index.weights and domain in index.domain_codes:
        same_domain = index.domain_of[candidates] == index.domain_codes.index(domain)
        overlap += index.weights[domain_token] * same_domain
    similarity = np.round(overlap / (own_weight + index.product_weight[candidates] - overlap), _ROUND)
    if exclude:
        rows = [index.position[i] for i in exclude if i in index.position]
        keep = ~np.isin(candidates, rows)
        candidates, similarity = candidates[keep], similarity[keep]
    return candidates, similarity


def _ranked(rows, sims, index, limit: int | None = None):
    """Rows by similarity, highest first, ties by product id; only the top `limit` are sorted."""
    if limit is not None and rows.size > limit:
        cut = np.partition(sims, rows.size - limit)[rows.size - limit]
        keep = sims >= cut
        rows, sims = rows[keep], sims[keep]
    order = np.lexsort((index.id_rank[rows], -sims))
    if limit is not None:
        order = order[:limit]
    return rows[order], sims[order]
