"""The market slice a profile competes in: the benchmark look-up worth caching and sharing."""

from collections import Counter
from dataclasses import dataclass

from service.benchmarks.models import Benchmarks, profile_features


@dataclass(frozen=True)
class MarketSlice:
    """What the catalog says about one domain's market: which terms its products use."""

    domain: str
    term_counts: dict       # how many products of this market use each term
    leader_terms: dict      # the same, counting only products the report calls differentiated

    def to_dict(self) -> dict:
        return {"domain": self.domain, "term_counts": dict(self.term_counts), "leader_terms": dict(self.leader_terms)}

    @classmethod
    def from_dict(cls, data: dict) -> "MarketSlice":
        return cls(data["domain"], dict(data["term_counts"]), dict(data["leader_terms"]))

    def users(self, tok: str, benchmarks: Benchmarks, exclude=frozenset()) -> int:
        """How many products of this market use a term, leaving the excluded ones out."""
        left_out = sum(1 for i in exclude if i in benchmarks.by_id and benchmarks.by_id[i].profile.domain == self.domain
                       and tok in profile_features(benchmarks.by_id[i].profile, benchmarks.implied))
        return self.term_counts.get(tok, 0) - left_out


def build_slice(benchmarks: Benchmarks, domain: str) -> MarketSlice:
    """Computed on a cache miss; the result depends only on (benchmark version, domain)."""
    terms, leaders = Counter(), Counter()
    for product in benchmarks.products:
        if product.profile.domain == domain:
            features = profile_features(product.profile, benchmarks.implied)
            terms.update(features)
            if product.verdict == "differentiated":
                leaders.update(features)
    return MarketSlice(domain, dict(sorted(terms.items())), dict(sorted(leaders.items())))
