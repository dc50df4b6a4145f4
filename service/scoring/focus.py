"""Focus: which of a product's terms hang together around its core, and which are spread thin.

The core is who the product serves, where and with whom (report 1.2.1: technology x scenario x
user). A scenario is coherent when it fits the product's customers or partners; only when none of
its scenarios fits those, its technologies or data; only when it has none of these, its domain. A
scenario that fits a coherent scenario is coherent too. Technologies and data travel across
scenarios (chapter 3: AI pricing prices NEV, pet and baby cover alike; telemetry comes from cars and
warehouses), so while a product has customers they alone never make a scenario coherent: a NEV
insurer adding pet cover is spreading thin (7.1.3). Partners are coherent when they fit a coherent
scenario or a customer; technologies when they fit those, a partner, the data or the domain. Generic
channels (app, mini-program, API) and broad terms (mass-market users, payment records) never tie
anything together.

Unrelated items are what differentiation leaves out and the focus factor names; the core is what a
recommended addition must fit (together with the domain)."""

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from service.benchmarks.models import Benchmarks, token
from service.profile import ProductProfile

_ANCHOR_KINDS = ("segment", "partner", "data_source")
# The fields whose items can be unrelated to the core, in the order the focus factor names them.
JUDGED = (("scenarios", "scenario"), ("partners", "partner"), ("tech_stack", "technology"))


@dataclass(frozen=True)
class Depth:
    """The coherent scenario tied to the most kinds of customer and ecosystem anchor (segments,
    partners, data sources; technologies travel across scenarios, so they are no depth)."""

    scenario: str
    anchors: tuple[str, ...]            # tokens
    kinds: int


@dataclass(frozen=True, eq=False)
class Focus:
    coherent: ProductProfile            # the profile without its unrelated items
    unrelated: tuple[tuple[str, str], ...]      # (field path, code), in the order of JUDGED
    core: tuple[str, ...]               # tokens a new term must fit to be coherent
    depth: Depth | None
    generic: tuple[str, ...]            # generic channels in the tech stack (codes)
    matrix: np.ndarray                  # the fit matrix used (leave-one-out aware)
    threshold: float
    domain: list                        # the domain's token (empty when the fit matrix lacks it)
    standard: bool = False              # every scenario is one its market's archetypes carry


def analyse(profile: ProductProfile, benchmarks: Benchmarks, exclude=frozenset()) -> Focus:
    """The focus of a profile; `exclude` leaves catalog products out of the co-occurrence."""
    fit = benchmarks.fit
    matrix, links = fit.left_out(exclude)
    threshold = fit.scoring["threshold"]
    position = fit.position

    def tokens(kind: str, codes) -> list[str]:
        return [t for c in codes if (t := token(kind, c)) in position and t not in fit.broad]

    def fits(items: list[str], anchors: list[str]) -> list[bool]:
        return [not links[t].isdisjoint(anchors) for t in items]

    def family_fits(items: list[str], anchors: list[str]) -> list[bool]:
        """A technology fits where it or one of its members does: AI and big data fit pet cover
        because AI pricing on clinic data does (3.3.2)."""
        return [not links[t].isdisjoint(anchors) or any(not links[m].isdisjoint(anchors)
                                                        for m in fit.members.get(t, ()))
                for t in items]

    scenarios = tokens("scenario", profile.scenarios)
    technologies = [t for t in tokens("technology", profile.tech_stack) if t not in fit.generic]
    partners = tokens("partner", profile.partners)
    segments = tokens("segment", profile.target_segments)
    data = tokens("data_source", profile.compliance.data_sources)
    domain = tokens("domain", (profile.domain,))
    levels = (segments + partners, technologies + data, domain)

    coherent_scenarios: list[str] = []
    level = None
    for level, anchors in enumerate(levels):
        coherent_scenarios = [s for s, ok in zip(scenarios, fits(scenarios, anchors)) if ok]
        if coherent_scenarios:
            break
    coherent_scenarios = _closure(coherent_scenarios, scenarios, fits)
    if not coherent_scenarios:
        level = None

    ties = coherent_scenarios + segments if coherent_scenarios else segments + technologies + data + domain
    coherent_partners = [p for p, ok in zip(partners, fits(partners, ties)) if ok]
    if coherent_scenarios:
        tech_ties = coherent_scenarios + segments + coherent_partners + data + domain
        coherent_technologies = [t for t, ok in zip(technologies, family_fits(technologies, tech_ties)) if ok]
    else:
        coherent_technologies = technologies
    kept = {"scenario": set(coherent_scenarios), "partner": set(coherent_partners),
            "technology": set(coherent_technologies)}
    # Spread thin is for what fits nothing the product is, and the product is its domain too: what the
    # domain's ordinary products carry or its business works with (market.yaml archetypes and
    # belongs: a payment firm's card networks, an insurer's reinsurers), and a technology, partner or
    # non-vertical service that fits the domain
    # (anti-fraud for payments, property cover for an insurer). A vertical must tie to the core: a
    # NEV insurer adding pet cover spreads thin even though pets are an insurance scenario (7.1.3).
    typical = (benchmarks.market.typical.get(profile.domain, frozenset())
               | benchmarks.market.belongs.get(profile.domain, frozenset()))
    of_domain = links[domain[0]] if domain else frozenset()
    vocabulary = benchmarks.vocabulary

    def belongs(kind: str, code: str, tok: str) -> bool:
        if tok in typical:
            return True
        if kind == "scenario":
            return tok in of_domain and not vocabulary.term(kind, code).vertical
        return tok in of_domain or any(m in of_domain for m in fit.members.get(tok, ()))

    unrelated = tuple((name, code) for name, kind in JUDGED for code in sorted(profile.terms(kind))
                      if (tok := token(kind, code)) in position and tok not in kept[kind]
                      and tok not in fit.generic and tok not in fit.broad and not belongs(kind, code, tok))
    dropped = {(name, code) for name, code in unrelated}
    coherent = replace(profile, **{name: tuple(c for c in profile.terms(kind) if (name, c) not in dropped)
                                   for name, kind in JUDGED}) if dropped else profile

    # What a new term must fit: who and where (customers, scenarios, partners); failing those, how
    # (technologies, data); failing that, the domain. The scenarios' own level counts too.
    core = coherent_scenarios + segments + coherent_partners
    if not core or (level is not None and level >= 1):
        core += coherent_technologies + data
    if not core or level == 2:
        core += domain
    depth = _depth(coherent_scenarios, segments + coherent_partners + data, benchmarks, links)
    generic = tuple(sorted(c for c in profile.tech_stack if token("technology", c) in fit.generic))
    standard = bool(coherent.scenarios) and all(token("scenario", c) in typical for c in coherent.scenarios)
    return Focus(coherent, unrelated, tuple(sorted(set(core))), depth, generic, matrix, threshold, domain, standard)


def _closure(coherent: list[str], scenarios: list[str], fits) -> list[str]:
    """Scenarios that fit an already coherent scenario join it, until none is left to join."""
    found = list(coherent)
    rest = [s for s in scenarios if s not in found]
    while found and rest:
        joined = [s for s, ok in zip(rest, fits(rest, found)) if ok]
        if not joined:
            break
        found += joined
        rest = [s for s in rest if s not in joined]
    return [s for s in scenarios if s in found]


def _depth(scenarios: list[str], anchors: list[str], benchmarks: Benchmarks, links) -> Depth | None:
    """The coherent scenario tied to the most kinds of anchor (ties: a vertical one, more anchors, code)."""
    vocabulary = benchmarks.vocabulary
    best = None
    for scenario in scenarios:
        code = scenario.split(":", 1)[1]
        tied = tuple(sorted(a for a in anchors if a in links[scenario]))
        kinds = len({a.split(":", 1)[0] for a in tied})
        key = (-kinds, not vocabulary.term("scenario", code).vertical, -len(tied), code)
        if tied and (best is None or key < best[0]):
            best = (key, Depth(code, tied, kinds))
    return best[1] if best else None


def core_for(focus: Focus, kind: str) -> tuple[str, ...]:
    """What a new term of this kind must fit. A new scenario must be adjacent to the scenarios and
    partners the product already serves, when it has any: a cohort's wish list (Gen Z: social, travel,
    green...) is no reason for a pet insurer to add green cover (7.1.3). A product whose scenarios
    are only its market's standard ones (aggregated QR collection) has no niche to stay next to: its
    move is what its own customers need (2.4.1: operating tools for the same merchants)."""
    if kind == "scenario" and focus.coherent.scenarios and not focus.standard:
        return tuple(t for t in focus.core if t.startswith(("scenario:", "partner:")))
    return focus.core


def fit_with_core(focus: Focus, tokens: list[str], benchmarks: Benchmarks, core=None) -> np.ndarray:
    """Each token's best fit with the product's core (0 for a product with no core)."""
    position = benchmarks.fit.position
    core = focus.core if core is None else core
    if not core or not tokens:
        return np.zeros(len(tokens))
    block = focus.matrix[np.ix_([position[t] for t in tokens], [position[t] for t in core])]
    return block.max(axis=1)


def closest_core(focus: Focus, tok: str, benchmarks: Benchmarks) -> tuple[str, ...]:
    """The core tokens a term fits best (all of them when tied, in code order)."""
    position = benchmarks.fit.position
    core = core_for(focus, tok.split(":", 1)[0])
    if not core or tok not in position:
        return ()
    row = focus.matrix[position[tok], [position[t] for t in core]]
    return tuple(t for t, v in zip(core, row) if v == row.max() and v > 0)


def coherent_candidates(focus: Focus, profile: ProductProfile, kind: str, benchmarks: Benchmarks
                        ) -> Iterator[tuple[str, float]]:
    """Terms of one kind the profile lacks that fit both its core and its domain, best fit first
    (ties: code): a move must suit what the product serves and the business it is in; a new scenario
    must also suit the customers the product names (a student lender is no mother-and-baby shop, even
    though education follows childcare on a family's journey). A term above or
    below one the profile has is no new move (UBI for a motor insurer), and each family offers its
    best-fitting member only, so the list stays varied. Generic channels are never offered. Lazy:
    a caller takes the first few, and only those are checked against the profile's families."""
    fit = benchmarks.fit
    vocabulary = benchmarks.vocabulary
    core = core_for(focus, kind)
    rows = fit.by_kind[kind]
    if not core or not rows.size:
        return
    fits = focus.matrix[np.ix_(rows, [fit.position[t] for t in core])].max(axis=1)
    segments = [fit.position[t] for t in focus.core if t.startswith("segment:")]
    if kind == "scenario" and segments:
        fits = np.minimum(fits, focus.matrix[np.ix_(rows, segments)].max(axis=1))
    if focus.domain:
        fits = np.where(focus.matrix[rows, fit.position[focus.domain[0]]] >= focus.threshold, fits, 0.0)
    keep = fits >= focus.threshold
    have = set(profile.terms(kind))
    lineage = have.union(*(vocabulary.ancestors(kind, code) for code in have))
    ranked = sorted((-float(value), fit.tokens[row].split(":", 1)[1], fit.tokens[row])
                    for row, value in zip(rows[keep], fits[keep]))
    families = set()
    for value, code, tok in ranked:
        if tok in fit.generic or code in lineage or have & set(vocabulary.ancestors(kind, code)):
            continue
        family = vocabulary.family(kind, code)
        if family not in families:
            families.add(family)
            yield code, -value
