"""The market slice a profile competes in: the benchmark look-up worth caching and sharing.

It is the one notion of "common in this market" every factor reads: how many of the domain's
products carry a term, archetypes counted by the number of products they stand for (market.yaml
market_model) and catalog products one each, against the domain's estimated number of products."""

from collections import Counter
from dataclasses import dataclass

from service.benchmarks.models import Benchmarks, profile_features


@dataclass(frozen=True)
class MarketSlice:
    """What the market model and the catalog say about one domain: which terms its products use."""

    domain: str
    term_counts: dict       # how many products of this market use each term (archetypes by size)
    products: int           # the domain's estimated number of products
    common_from: float      # from this many products a term is common here
    belongs: frozenset = frozenset()    # what every product of the domain works with (market.yaml belongs)

    def to_dict(self) -> dict:
        return {"domain": self.domain, "term_counts": dict(self.term_counts), "products": self.products,
                "common_from": self.common_from, "belongs": sorted(self.belongs)}

    @classmethod
    def from_dict(cls, data: dict) -> "MarketSlice":
        return cls(data["domain"], dict(data["term_counts"]), data["products"], data["common_from"],
                   frozenset(data["belongs"]))

    def users(self, tok: str, benchmarks: Benchmarks, exclude=frozenset()) -> int:
        """How many products of this market use a term, leaving the excluded ones out."""
        left_out = sum(1 for i in exclude if i in benchmarks.by_id and benchmarks.by_id[i].profile.domain == self.domain
                       and tok in profile_features(benchmarks.by_id[i].profile, benchmarks.implied))
        return self.term_counts.get(tok, 0) - left_out

    def common(self, tok: str) -> bool:
        """Whether enough of this market's products carry the term (or the business works with it by
        nature) that it sets no product apart."""
        return tok in self.belongs or self.term_counts.get(tok, 0) >= self.common_from


def build_slice(benchmarks: Benchmarks, domain: str) -> MarketSlice:
    """Computed on a cache miss; the result depends only on (benchmark version, domain)."""
    terms = Counter()
    for product in benchmarks.products:
        if product.profile.domain == domain:
            for feature in profile_features(product.profile, benchmarks.implied):
                terms[feature] += product.size
    return MarketSlice(domain, dict(sorted(terms.items())), benchmarks.market.products.get(domain, 0),
                       benchmarks.market.common_from(domain), benchmarks.market.belongs.get(domain, frozenset()))
