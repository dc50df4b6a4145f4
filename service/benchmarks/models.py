"""Plain, immutable types for the benchmark data; no I/O here, so the scoring core may use them."""

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from service.profile import ProductProfile
from service.vocabulary import Vocabulary

CONDITION_KINDS = (
    "domain", "technology", "scenario", "segment", "business_model",
    "partner", "license", "data_source", "privacy_control",
)
CONDITION_FLAGS = ("cross_border", "sandbox")
VERDICTS = ("differentiated", "homogeneous", "penalised")


def token(kind: str, code: str) -> str:
    """A profile term as one comparable string, e.g. 'scenario:pets'."""
    return f"{kind}:{code}"


@dataclass(frozen=True)
class Conditions:
    """A conjunction over a profile: every listed test must hold (see rules.yaml header)."""

    tests: Mapping

    def holds(self, profile: ProductProfile) -> bool:
        for key, wanted in self.tests.items():
            if key in CONDITION_FLAGS:
                actual = getattr(profile.compliance, key)
                if actual != wanted:
                    return False
            elif key == "certification":
                if profile.compliance.certification not in wanted:
                    return False
            elif key == "max_apr_above":
                apr = profile.compliance.max_apr
                if apr is None or apr <= wanted:
                    return False
            elif key.endswith("_only"):
                present = profile.terms(key[: -len("_only")])
                if not present or not set(present) <= wanted:
                    return False
            elif not set(profile.terms(key)) & wanted:
                return False
        return True


@dataclass(frozen=True)
class Figure:
    id: str
    value: float
    unit: str
    section: str
    en: str
    zh: str


@dataclass(frozen=True)
class Outcome:
    section: str
    en: str
    zh: str


@dataclass(frozen=True)
class BenchmarkProduct:
    id: str
    name_en: str
    name_zh: str
    verdict: str | None
    sections: tuple[str, ...]
    outcomes: tuple[Outcome, ...]
    profile: ProductProfile
    features: frozenset[str]


@dataclass(frozen=True)
class SegmentNeed:
    segment: str
    section: str
    scenarios: frozenset[str]
    technologies: frozenset[str]
    en: str
    zh: str


@dataclass(frozen=True)
class Remedy:
    """The profile edit that removes or satisfies a rule."""

    field: str
    action: str
    value: object


@dataclass(frozen=True)
class Rule:
    id: str
    en: str
    zh: str
    severity: float
    when: Conditions
    unless: tuple[Conditions, ...]
    mitigated_by: tuple[tuple[str, float], ...]
    floor: float
    mandatory: bool
    requirement: Mapping | None
    remedy: Remedy | None
    evidence: tuple[str, ...]
    section: str
    external_basis: str | None

    def fires(self, profile: ProductProfile) -> bool:
        return self.when.holds(profile) and not any(c.holds(profile) for c in self.unless)

    def applies(self, profile: ProductProfile) -> bool:
        """Whether the rule's requirement concerns this profile, satisfied or not."""
        return self.when.holds(profile)


@dataclass(frozen=True)
class Relief:
    id: str
    en: str
    zh: str
    points: float
    when: Conditions
    evidence: tuple[str, ...]
    section: str


@dataclass(frozen=True)
class Benchmarks:
    """Everything loaded from the data files, validated, with its content-hash version."""

    version: str
    vocabulary: Vocabulary
    products: tuple[BenchmarkProduct, ...]
    figures: Mapping[str, Figure]
    segment_needs: Mapping[str, SegmentNeed]
    rules: tuple[Rule, ...]
    reliefs: tuple[Relief, ...]
    weights: Mapping
    pair_counts: Mapping[tuple[str, str], int]
    token_weights: Mapping[str, float]

    def token_weight(self, tok: str) -> float:
        """A term's weight in similarity: its kind's weight times its rarity in the catalog (IDF)."""
        weight = self.token_weights.get(tok)
        if weight is None:
            kind = tok.split(":", 1)[0]
            weight = self.weights["similarity"]["kind_weights"][kind] * math.log(1 + len(self.products))
        return weight

    @property
    def by_id(self) -> Mapping[str, BenchmarkProduct]:
        return self._by_id

    def __post_init__(self):
        object.__setattr__(self, "_by_id", MappingProxyType({p.id: p for p in self.products}))


SIMILARITY_KINDS = ("domain", "technology", "scenario", "segment", "business_model", "partner")
# The pairings that make a product's combination distinctive (report 1.2.1: technology-scenario-user).
COMBINATION_KINDS = (("technology", "scenario"), ("scenario", "segment"), ("technology", "segment"))


def profile_features(profile: ProductProfile) -> frozenset[str]:
    """The terms that make two products rivals, as tokens."""
    return frozenset(token(kind, code) for kind in SIMILARITY_KINDS for code in profile.terms(kind))


def combination_pairs(profile: ProductProfile) -> tuple[tuple[str, str], ...]:
    """Every technology x scenario, scenario x segment and technology x segment pairing, sorted."""
    pairs = {
        (token(a, x), token(b, y))
        for a, b in COMBINATION_KINDS
        for x in profile.terms(a)
        for y in profile.terms(b)
    }
    return tuple(sorted(pairs))
