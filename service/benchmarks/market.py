"""The market slice a profile competes in: the benchmark look-up worth caching and sharing."""

from collections import Counter
from dataclasses import dataclass

from service.benchmarks.models import Benchmarks, profile_features


@dataclass(frozen=True)
class MarketSlice:
    """The catalog products of one domain and what the catalog says about that market."""

    domain: str
    product_ids: tuple[str, ...]
    verdicts: dict
    term_counts: dict       # how many products of this market use each term
    leader_terms: dict      # the same, counting only products the report calls differentiated

    def to_dict(self) -> dict:
        return {"domain": self.domain, "product_ids": list(self.product_ids), "verdicts": dict(self.verdicts),
                "term_counts": dict(self.term_counts), "leader_terms": dict(self.leader_terms)}

    @classmethod
    def from_dict(cls, data: dict) -> "MarketSlice":
        return cls(data["domain"], tuple(data["product_ids"]), dict(data["verdicts"]), dict(data["term_counts"]),
                   dict(data["leader_terms"]))

    def users(self, tok: str, benchmarks: Benchmarks, exclude=frozenset()) -> int:
        """How many products of this market use a term, leaving the excluded ones out."""
        left_out = sum(1 for i in exclude if i in benchmarks.by_id and benchmarks.by_id[i].profile.domain == self.domain
                       and tok in profile_features(benchmarks.by_id[i].profile))
        return self.term_counts.get(tok, 0) - left_out


def build_slice(benchmarks: Benchmarks, domain: str) -> MarketSlice:
    """Computed on a cache miss; the result depends only on (benchmark version, domain)."""
    members = sorted(p.id for p in benchmarks.products if p.profile.domain == domain)
    verdicts = Counter(benchmarks.by_id[i].verdict or "none" for i in members)
    terms, leaders = Counter(), Counter()
    for i in members:
        features = profile_features(benchmarks.by_id[i].profile)
        terms.update(features)
        if benchmarks.by_id[i].verdict == "differentiated":
            leaders.update(features)
    return MarketSlice(domain, tuple(members), dict(sorted(verdicts.items())), dict(sorted(terms.items())),
                       dict(sorted(leaders.items())))
