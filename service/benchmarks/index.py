"""A sparse, vectorised index of the catalog, built once at load: what makes neighbour search and
term statistics cost microseconds per request instead of a pass over every product."""

import math
from dataclasses import dataclass

import numpy as np

from service.benchmarks.models import profile_features

_DTYPE = np.float64
_NONE = np.empty(0, dtype=np.int32)


def _by_market(postings: dict, domain_of: np.ndarray) -> dict:
    """Each token's postings split by market, in catalog order: a candidate edit reads the users of
    an added term within its own market without filtering the whole list on every request."""
    found = {}
    for tok, members in postings.items():
        markets = domain_of[members]
        for row in np.unique(markets):
            found[(tok, int(row))] = members[markets == row]
    return found


@dataclass(frozen=True, eq=False)
class CatalogIndex:
    ids: tuple[str, ...]
    position: dict                  # product id -> row
    id_rank: np.ndarray             # position of each product in id order, for deterministic ties
    postings: dict                  # token -> sorted int32 array of products using it
    weights: dict                   # token -> similarity weight (kind weight x IDF)
    product_weight: np.ndarray      # sum of each product's token weights
    domain_codes: tuple[str, ...]
    domain_of: np.ndarray           # product -> index into domain_codes
    homogeneous: np.ndarray         # bool: the report calls the product homogeneous (archetypes are)
    size: np.ndarray                # products each row stands for: 1, or an archetype's share of its market
    extra_weight: np.ndarray        # how much a row's terms the profile lacks count against similarity
    unseen_idf: float               # IDF of a term no product uses
    commodity: frozenset            # commodity tokens: no weight in similarity
    market_users: dict              # token -> products using it across the market (archetypes by size)
    market_postings: dict = None    # (token, domain row) -> the postings of that token within that market

    @classmethod
    def build(cls, products, kind_weights, idf_floor: float, implied, archetype_extra: float = 1.0,
              commodity=frozenset()) -> "CatalogIndex":
        """`implied`: the family tokens each term implies (models.family_tokens); `archetype_extra`:
        the weight of an archetype's terms a profile lacks (1 for a product: plain Jaccard);
        `commodity`: tokens every rival can buy, weighing nothing, like the words most firms use
        (Hoberg and Phillips drop those: they say nothing about which market a firm is in), so
        sharing one makes no two products neighbours."""
        size = np.asarray([p.size for p in products], dtype=_DTYPE)
        count = float(size.sum())       # the market's products: an archetype counts as the many it stands for
        lists: dict[str, list[int]] = {}
        for i, product in enumerate(products):
            for tok in sorted(profile_features(product.profile, implied)):
                lists.setdefault(tok, []).append(i)
        weights = {tok: kind_weights[tok.split(":", 1)[0]]
                   * (0.0 if tok in commodity else
                      max(idf_floor, math.log((1 + count) / (1 + float(size[members].sum())))))
                   for tok, members in lists.items()}
        product_weight = np.zeros(len(products), dtype=_DTYPE)
        postings = {}
        for tok, members in lists.items():
            postings[tok] = np.asarray(members, dtype=np.int32)
            product_weight[postings[tok]] += weights[tok]
        domain_codes = tuple(sorted({p.profile.domain for p in products}))
        position = {d: i for i, d in enumerate(domain_codes)}
        domain_of = np.asarray([position[p.profile.domain] for p in products], dtype=np.int16)
        ids = tuple(p.id for p in products)
        return cls(
            ids=ids,
            position={product_id: i for i, product_id in enumerate(ids)},
            id_rank=np.argsort(np.argsort(np.asarray(ids, dtype=object), kind="stable"), kind="stable"),
            postings=postings,
            weights=weights,
            product_weight=product_weight,
            domain_codes=domain_codes,
            domain_of=domain_of,
            homogeneous=np.asarray([p.verdict == "homogeneous" for p in products], dtype=bool),
            size=size,
            extra_weight=np.asarray([archetype_extra if p.archetype else 1.0 for p in products], dtype=_DTYPE),
            unseen_idf=math.log(1 + count),
            commodity=frozenset(commodity),
            market_users={tok: float(size[members].sum()) for tok, members in lists.items()},
            market_postings=_by_market(postings, domain_of),
        )

    def postings_in(self, tok: str, domain_row: int) -> np.ndarray | None:
        """A token's postings within one market (None when no product uses it; empty when none there)."""
        if tok not in self.postings:
            return None
        return self.market_postings.get((tok, domain_row), _NONE)

    def weight(self, tok: str, kind_weights) -> float:
        known = self.weights.get(tok)
        if known is not None:
            return known
        return 0.0 if tok in self.commodity else kind_weights[tok.split(":", 1)[0]] * self.unseen_idf

    def document_frequency(self, tok: str) -> int:
        members = self.postings.get(tok)
        return 0 if members is None else len(members)

    def users(self, tok: str, limit: int) -> list[str]:
        members = self.postings.get(tok)
        return [] if members is None else [self.ids[i] for i in members[:limit]]

