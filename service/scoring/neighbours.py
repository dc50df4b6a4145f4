"""Similarity between a profile and catalog products, and the crowding it implies.

Similarity is a weighted Jaccard over terms (kind weight x IDF). A product that shares nothing
but the domain with the profile is not a neighbour, so only the postings of the profile's other
terms are visited. Adding a term to a profile lowers the similarity of every product without it,
so the recommendations that add a term re-score only the current rivals and the terms' postings."""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from service.benchmarks.market import MarketSlice
from service.benchmarks.index import CatalogIndex
from service.benchmarks.models import Benchmarks, BenchmarkProduct, profile_features, token, with_families
from service.profile import SIMILARITY_KINDS, ProductProfile

_ROUND = 4
_EMPTY_ROWS = np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class Neighbour:
    product: BenchmarkProduct
    similarity: float
    shared: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Neighbourhood:
    """Rivals are same-market products above the similarity threshold; an archetype counts as the
    products it stands for, so `lookalikes` and `density` speak of the market, not of the catalog."""

    nearest: tuple[Neighbour, ...]
    rival_count: int                    # catalog products and archetypes among the rivals (rows)
    density: float                      # expected look-alikes: the rivals' look-alike weights x sizes
    effective_rivals: float             # 1/HHI of the rivals' look-alike shares, archetypes by size
    closest_homogeneous: Neighbour | None
    rare_technologies: tuple[str, ...]
    rival_rows: np.ndarray              # every rival, for with_added_terms
    rival_sims: np.ndarray              # their similarities
    shared_weight: np.ndarray | None    # per catalog row: non-domain term weight shared with the profile
    own_weight: float
    index: CatalogIndex

    # What only an explanation names, computed when it does: a candidate edit's scores never read them.
    @cached_property
    def rivals(self) -> tuple[str, ...]:
        """Ids of the closest same-market products above the threshold (up to five)."""
        top_rows, _ = _ranked(self.rival_rows, self.rival_sims, self.index, 5)
        return tuple(self.index.ids[r] for r in top_rows)

    @cached_property
    def lookalikes(self) -> int:
        """The market products the rival rows stand for."""
        return int(self.index.size[self.rival_rows].sum())


def neighbourhood(profile: ProductProfile, benchmarks: Benchmarks, market: MarketSlice,
                  exclude=frozenset(), with_nearest: bool = True) -> Neighbourhood:
    """Nearest products over the whole catalog; rivals (density, 1/HHI) within the market slice."""
    features = profile_features(profile, benchmarks.implied)
    own = _own_weight(features, benchmarks)
    shared, rows = _shared_weights(features, profile.domain, benchmarks)
    rows = _without(rows, exclude, benchmarks.index)
    similarity = _similarity(rows, _with_domain(rows, shared, profile.domain, benchmarks), own, benchmarks)
    nearest = ()
    if with_nearest:
        positive = similarity > 0
        top_rows, top_sims = _ranked(rows[positive], similarity[positive], benchmarks.index,
                                     benchmarks.weights["similarity"]["nearest_k"])
        nearest = tuple(Neighbour(benchmarks.products[r], float(s),
                                  tuple(sorted(features & profile_features(benchmarks.products[r].profile,
                                                                           benchmarks.implied))))
                        for r, s in zip(top_rows, top_sims))
    rare = tuple(sorted(c for c in profile.tech_stack if _rare_technology(c, benchmarks, market, exclude)))
    return _summarise(profile, rows, similarity, own, shared, nearest, rare, benchmarks)


def with_added_terms(hood: Neighbourhood, profile: ProductProfile, additions, benchmarks: Benchmarks,
                     market: MarketSlice, exclude=frozenset()) -> list[Neighbourhood]:
    """The neighbourhood after each of several one-term additions to `profile` (`additions`: the
    edited profile, the kind and the code added). What they share is computed once: the postings of
    every added token within the market, the rows any of them touches and those rows' overlap with
    the profile. Each edit then reads its own rows only: the rivals and the users of the tokens it
    adds (with the family terms it newly implies); a product sharing nothing but the domain is no
    neighbour, and one that was below the threshold only drops further."""
    index = benchmarks.index
    current = profile_features(profile, benchmarks.implied)
    market_row = _domain_row(profile.domain, index)
    added = [sorted(with_families((token(kind, code),), benchmarks.implied) - current) for _, kind, code in additions]
    members = {}
    for tok in sorted({t for tokens in added for t in tokens}):
        users = index.postings_in(tok, market_row)
        if users is not None:
            members[tok] = _without(users, exclude, index)
    # The touched rows in catalog order and each one's column, through catalog-wide scratch arrays:
    # at 100k products a token's postings run to thousands, where sorting their union costs more.
    marked = np.zeros(len(index.ids), dtype=bool)
    marked[hood.rival_rows] = True
    for users in members.values():
        marked[users] = True
    rows = np.flatnonzero(marked)
    column = np.empty(len(index.ids), dtype=np.int64)
    column[rows] = np.arange(rows.size)
    base = _with_domain(rows, hood.shared_weight, profile.domain, benchmarks)
    rivals = column[hood.rival_rows]
    found = []
    for (edited, kind, code), tokens in zip(additions, added):
        gained = np.zeros(rows.size)
        counted = np.zeros(rows.size, dtype=bool)
        counted[rivals] = True
        for tok in tokens:
            if tok in members:
                at = column[members[tok]]
                gained[at] += index.weights[tok]
                counted[at] = True
        own = hood.own_weight + _own_weight(tokens, benchmarks)
        mine = np.flatnonzero(counted)
        similarity = _similarity(rows[mine], base[mine] + gained[mine], own, benchmarks)
        # Whether a technology is rare is the technology's own matter: the added one joins the profile's.
        rare = hood.rare_technologies
        if kind == "technology" and _rare_technology(code, benchmarks, market, exclude):
            rare = tuple(sorted((*rare, code)))
        found.append(_summarise(edited, rows[mine], similarity, own, None, (), rare, benchmarks))
    return found


def _terms(profile: ProductProfile):
    return ((kind, code) for kind in SIMILARITY_KINDS for code in profile.terms(kind))


def _rare_technology(code: str, benchmarks: Benchmarks, market: MarketSlice, exclude) -> bool:
    """A technology neither commodity nor common in this market, used by few of its products and by
    less than the common share of the whole market: mainstream anywhere is mainstream here (a
    technology hundreds of products carry in another market, AI risk control in credit, can be
    bought by any rival in this one)."""
    tok = token("technology", code)
    most = benchmarks.weights["homogeneity"]["distinctive_technology"]["max_rivals_using"]
    mainstream = benchmarks.market.common_share * sum(benchmarks.market.products.values())
    return (code not in benchmarks.market.commodity and not market.common(tok)
            and market.users(tok, benchmarks, exclude) <= most and benchmarks.index.market_users.get(tok, 0) < mainstream)


def _summarise(profile, rows, similarity, own, shared, nearest, rare, benchmarks) -> Neighbourhood:
    index = benchmarks.index
    threshold = benchmarks.weights["similarity"]["neighbour_threshold"]
    in_market = (index.domain_of[rows] == _domain_row(profile.domain, index)) & (similarity >= threshold)
    rival_rows, rival_sims = rows[in_market], similarity[in_market]
    sizes = index.size[rival_rows]
    # How much of a look-alike each rival is: 0 at the threshold, 1 for an identical product, rising
    # with the square of the similarity above the threshold (weights.yaml similarity.lookalike_power).
    alike = ((rival_sims - threshold) / (1 - threshold)) ** benchmarks.weights["similarity"]["lookalike_power"]
    total = float((alike * sizes).sum())
    squares = float((alike ** 2 * sizes).sum())
    closest = None
    homogeneous = index.homogeneous[rival_rows]
    if homogeneous.any():
        [row], [sim] = _ranked(rival_rows[homogeneous], rival_sims[homogeneous], index, 1)
        closest = Neighbour(benchmarks.products[row], float(sim))
    return Neighbourhood(
        nearest=nearest,
        rival_count=int(rival_rows.size),
        density=round(total, _ROUND),
        effective_rivals=round(total * total / squares, 2) if squares else 0.0,
        closest_homogeneous=closest,
        rare_technologies=rare,
        rival_rows=rival_rows,
        rival_sims=rival_sims,
        shared_weight=shared,
        own_weight=own,
        index=index,
    )


def _domain_row(domain: str, index) -> int:
    return index.domain_codes.index(domain) if domain in index.domain_codes else -1


def _own_weight(features, benchmarks: Benchmarks) -> float:
    kind_weights = benchmarks.weights["similarity"]["kind_weights"]
    return sum(benchmarks.index.weight(t, kind_weights) for t in features)


def _shared_weights(features, domain: str, benchmarks: Benchmarks):
    """Per catalog row, the weight of the non-domain terms it shares with the profile (None if none),
    and the rows that share some: those a term of positive weight reaches (a commodity weighs
    nothing), found through a mask, which is several times cheaper to scan than the weights."""
    index = benchmarks.index
    domain_token = token("domain", domain)
    shared = [t for t in features if t != domain_token and t in index.postings]
    if not shared:
        return None, _EMPTY_ROWS
    weights = np.zeros(len(index.ids))
    reached = np.zeros(len(index.ids), dtype=bool)
    for t in shared:
        weights[index.postings[t]] += index.weights[t]
        if index.weights[t] > 0:
            reached[index.postings[t]] = True
    return weights, np.flatnonzero(reached)


def _with_domain(rows, shared, domain: str, benchmarks: Benchmarks):
    """The full overlap of `rows` with the profile: shared non-domain weight plus the domain's."""
    index = benchmarks.index
    overlap = shared[rows] if shared is not None else np.zeros(rows.size)
    domain_token = token("domain", domain)
    if domain_token in index.weights:
        overlap = overlap + index.weights[domain_token] * (index.domain_of[rows] == _domain_row(domain, index))
    return overlap


def _without(rows, exclude, index):
    if not exclude:
        return rows
    left_out = [index.position[i] for i in exclude if i in index.position]
    return rows[~np.isin(rows, left_out)] if left_out else rows


def _similarity(rows, overlap, own, benchmarks: Benchmarks):
    """Weighted Jaccard against a product; against an archetype, a Tversky index that counts the
    archetype's terms the profile lacks at a fraction (index.extra_weight): an archetype lists what
    products of its kind carry, and one me-too carries only some of it (Tversky 1977: resemblance
    to a prototype is asymmetric)."""
    index = benchmarks.index
    extra = (index.product_weight[rows] - overlap) * index.extra_weight[rows]
    return np.round(overlap / (own + extra), _ROUND)


def _ranked(rows, sims, index, limit: int):
    """The top `limit` rows by similarity, ties by product id; only those are sorted."""
    if rows.size > limit:
        cut = np.partition(sims, rows.size - limit)[rows.size - limit]
        keep = sims >= cut
        rows, sims = rows[keep], sims[keep]
    order = np.lexsort((index.id_rank[rows], -sims))[:limit]
    return rows[order], sims[order]
