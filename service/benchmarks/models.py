"""Plain, immutable types for the benchmark data; no I/O here, so the scoring core may use them."""

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping

from service.profile import CONDITION_KINDS, PROFILE_FIELDS, SIMILARITY_KINDS, ProductProfile
from service.vocabulary import Vocabulary

if TYPE_CHECKING:
    from service.benchmarks.fit import Fit
    from service.benchmarks.index import CatalogIndex

CONDITION_FLAGS = tuple(f.fact for f in PROFILE_FIELDS if f.shape == "flag")
_SCALARS = tuple(f for f in PROFILE_FIELDS if f.shape != "terms")


def token(kind: str, code: str) -> str:
    """A profile term as one comparable string, e.g. 'scenario:pets'."""
    return f"{kind}:{code}"



def facts(profile: ProductProfile) -> dict:
    """What conditions test, computed once per profile: term sets by kind and compliance scalars."""
    view = {kind: frozenset(profile.terms(kind)) for kind in CONDITION_KINDS}
    view.update({f.fact: profile.value(f.path) for f in _SCALARS})
    return view


def _check(key: str, wanted):
    """One test of a rule condition as a closure over the profile's facts (see rules.yaml header)."""
    if key in CONDITION_FLAGS:
        return lambda f: f[key] == wanted
    if key == "certification":
        return lambda f: f["certification"] in wanted
    if key == "max_apr_above":
        return lambda f: f["max_apr"] is not None and f["max_apr"] > wanted
    if key.endswith("_only"):
        kind = key[: -len("_only")]
        return lambda f: bool(f[kind]) and f[kind] <= wanted
    return lambda f: not f[key].isdisjoint(wanted)


@dataclass(frozen=True)
class Conditions:
    """A conjunction of tests over a profile's facts: every listed test must hold."""

    tests: Mapping

    def __post_init__(self):
        object.__setattr__(self, "_checks", tuple(_check(k, v) for k, v in self.tests.items()))

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(k[: -len("_only")] if k.endswith("_only") else "max_apr" if k == "max_apr_above" else k
                     for k in self.tests)

    def holds(self, profile_facts: dict) -> bool:
        return all(check(profile_facts) for check in self._checks)


@dataclass(frozen=True)
class Figure:
    id: str
    value: float
    unit: str
    section: str
    en: str
    zh: str


@dataclass(frozen=True, slots=True)
class Outcome:
    section: str
    en: str
    zh: str


@dataclass(frozen=True, slots=True)
class BenchmarkProduct:
    """A catalog product, or a market archetype (market.yaml): a look-alike pattern that stands for
    `size` products in similarity, prevalence and crowding, so the market is more than its highlights."""

    id: str
    name_en: str
    name_zh: str
    verdict: str | None
    sections: tuple[str, ...]
    outcomes: tuple[Outcome, ...]
    profile: ProductProfile
    size: int = 1
    archetype: bool = False


@dataclass(frozen=True)
class MarketModel:
    """The market beyond the catalog (market.yaml market_model): each domain's estimated number of
    products, the off-the-shelf technologies no product is set apart by, and the share of a
    domain's products from which a term or pairing is common."""

    products: Mapping[str, int]
    commodity: frozenset[str]           # technology codes
    commodity_label: tuple[str, str]    # en, zh
    common_share: float
    typical: Mapping[str, frozenset[str]] = field(default_factory=dict)   # domain -> tokens its archetypes carry
    belongs: Mapping[str, frozenset[str]] = field(default_factory=dict)   # domain -> tokens its business works with

    def common_from(self, domain: str) -> float:
        """How many products of a domain make a term common there (at least two: one is no pattern)."""
        return max(2.0, self.common_share * self.products.get(domain, 0))


@dataclass(frozen=True)
class SegmentNeed:
    segment: str
    section: str
    scenarios: frozenset[str]
    technologies: frozenset[str]
    en: str
    zh: str


@dataclass(frozen=True)
class Edit:
    """One profile edit: a rule's remedy, a recommendation, a what-if of /v1/compare."""

    action: str
    field: str
    value: object


def freeze(value):
    """Parsed YAML made read-only: mappings as MappingProxyType, lists as tuples."""
    if isinstance(value, dict):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value


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
    remedy: Edit | None         # the one profile edit that removes or satisfies the rule
    evidence: tuple[str, ...]
    section: str
    external_basis: str | None

    @property
    def keys(self) -> frozenset[str]:
        """The profile facts this rule reads, so an edit elsewhere need not re-evaluate it."""
        tested = [k for c in (self.when, *self.unless) for k in c.facts]
        return frozenset(tested + (["privacy_control"] if self.mitigated_by else []))

    def fires(self, profile_facts: dict) -> bool:
        return self.when.holds(profile_facts) and not any(c.holds(profile_facts) for c in self.unless)

    def applies(self, profile_facts: dict) -> bool:
        """Whether the rule's requirement concerns this profile, satisfied or not."""
        return self.when.holds(profile_facts)


@dataclass(frozen=True)
class Relief:
    id: str
    en: str
    zh: str
    points: float
    when: Conditions
    evidence: tuple[str, ...]
    section: str

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.when.facts)


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
    pair_counts: Mapping[tuple[str, str], int]     # products (archetypes by size) with each pairing
    market: MarketModel
    index: "CatalogIndex"
    fit: "Fit"                          # which terms belong together (fit.yaml + catalog co-occurrence)

    @property
    def by_id(self) -> Mapping[str, BenchmarkProduct]:
        return self._by_id

    @property
    def reading(self) -> Mapping[str, tuple]:
        """Rules and reliefs by the profile fact they read: what an edit of that fact re-evaluates."""
        return self._reading

    def moved_by(self, fact: str, code: str) -> frozenset[str]:
        """The rules and reliefs (ids) whose outcome adding or removing one term of a fact can change:
        those that test for that term or hold the fact to a set of terms (`*_only`), and the rules it
        mitigates; every other reader keeps its points."""
        return self._moved_by.get((fact, code), frozenset()) | self._moved_by_any.get(fact, frozenset())

    @property
    def implied(self) -> Mapping[str, tuple[str, ...]]:
        """Family tokens each term implies (see profile_features)."""
        return self._implied

    def family_pair_count(self, pair: tuple[str, str]) -> int:
        """How many market products share a pairing or one of those its family implies (UBI x NEV owners is
        seen when motor insurance x NEV owners is), archetypes counted by size; kept once asked."""
        count = self._family_pair_counts.get(pair)
        if count is None:
            variants = pair_variants(pair, self.implied)
            count = self._family_pair_counts[pair] = sum(self.pair_counts.get(v, 0) for v in variants)
        return count

    def __post_init__(self):
        object.__setattr__(self, "_family_pair_counts", {})
        object.__setattr__(self, "_by_id", MappingProxyType({p.id: p for p in self.products}))
        object.__setattr__(self, "_implied", family_tokens(self.vocabulary))
        reading: dict[str, list] = {}
        for item in (*self.rules, *self.reliefs):
            for fact in item.keys:
                reading.setdefault(fact, []).append(item)
        object.__setattr__(self, "_reading", MappingProxyType({k: tuple(v) for k, v in reading.items()}))
        moved: dict[tuple[str, str], set] = {}
        moved_any: dict[str, set] = {}
        for item in (*self.rules, *self.reliefs):
            for condition in (item.when, *getattr(item, "unless", ())):
                for key, wanted in condition.tests.items():
                    if key.endswith("_only"):
                        moved_any.setdefault(key.removesuffix("_only"), set()).add(item.id)
                    elif isinstance(wanted, frozenset):
                        for code in wanted:
                            moved.setdefault((key, code), set()).add(item.id)
            for control, _ in getattr(item, "mitigated_by", ()):
                moved.setdefault(("privacy_control", control), set()).add(item.id)
        object.__setattr__(self, "_moved_by", {k: frozenset(v) for k, v in moved.items()})
        object.__setattr__(self, "_moved_by_any", {k: frozenset(v) for k, v in moved_any.items()})


# The pairings that make a product's combination distinctive (report 1.2.1: technology-scenario-user).
COMBINATION_KINDS = (("technology", "scenario"), ("scenario", "segment"), ("technology", "segment"))


def profile_features(profile: ProductProfile, implied: Mapping = MappingProxyType({})) -> frozenset[str]:
    """The terms that make two products rivals, as tokens, with the family terms they imply
    ('technology:ocr' implies 'technology:ai'): a family term overlaps its members partially."""
    return with_families((token(kind, code) for kind in SIMILARITY_KINDS for code in profile.terms(kind)), implied)


def with_families(tokens, implied: Mapping) -> frozenset[str]:
    tokens = frozenset(tokens)
    return tokens.union(*(implied[t] for t in tokens if t in implied)) if implied else tokens


def family_tokens(vocabulary: Vocabulary) -> Mapping[str, tuple[str, ...]]:
    """token -> the tokens of its umbrella terms, for every term that has one."""
    return MappingProxyType({
        token(kind, term.code): tuple(token(kind, a) for a in vocabulary.ancestors(kind, term.code))
        for kind in SIMILARITY_KINDS for term in vocabulary.terms(kind) if term.parent
    })


def combination_pairs(profile: ProductProfile, technologies: tuple[str, ...] | None = None
                      ) -> tuple[tuple[str, str], ...]:
    """Every technology x scenario, scenario x segment and technology x segment pairing, sorted
    (`technologies`: in place of the profile's tech stack)."""
    terms = {"technology": profile.tech_stack if technologies is None else technologies,
             "scenario": profile.scenarios, "segment": profile.target_segments}
    pairs = {
        (token(a, x), token(b, y))
        for a, b in COMBINATION_KINDS
        for x in terms[a]
        for y in terms[b]
    }
    return tuple(sorted(pairs))


def pair_variants(pair: tuple[str, str], implied: Mapping) -> list[tuple[str, str]]:
    """A pairing and the pairings of the family terms its terms imply."""
    a, b = pair
    return [(x, y) for x in (a, *implied.get(a, ())) for y in (b, *implied.get(b, ()))]
