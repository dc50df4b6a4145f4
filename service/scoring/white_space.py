"""White space: the technology x scenario x segment cells of a product's market that hang together
and that no benchmark product occupies (report 1.2.1: the technology-scenario-user model), each with
its fit and the nearest occupied cell, so a consultant sees where the open ground is and who stands
next to it.

A cell's terms must each fit the domain; its scenario must fit both its technology and its segment;
its fit is the weaker of those two links. Cells are ranked by how well they fit the product's core
(the mean of their terms' fit with it, 1 for a term the product has), then by their own fit; a cell
the product already holds is not white space for it, and each family of cells (members of the same
umbrella terms) shows its best member only."""

from dataclasses import dataclass
from itertools import product as cartesian

import numpy as np

from service.benchmarks.models import Benchmarks, token
from service.profile import ProductProfile
from service.scoring.focus import Focus, analyse, fit_with_core

_AXES = ("technology", "scenario", "segment")


@dataclass(frozen=True)
class OccupiedCell:
    technology: str
    scenario: str
    segment: str
    shared: int                         # coordinates in common with the white-space cell
    benchmarks: tuple[str, ...]         # products that occupy it


@dataclass(frozen=True)
class Cell:
    technology: str
    scenario: str
    segment: str
    fit: float                          # the cell's own coherence: its weaker scenario link
    product_fit: float                  # how well its terms fit the product's core
    nearest: OccupiedCell | None


def white_space(profile: ProductProfile, benchmarks: Benchmarks, focus: Focus | None = None,
                exclude=frozenset(), limit: int | None = None) -> tuple[Cell, ...]:
    """The best white-space cells for this product's market, at most `limit` (default: fit.yaml)."""
    focus = focus or analyse(profile, benchmarks, exclude)
    if not focus.domain:
        return ()
    fit = benchmarks.fit
    matrix, threshold, position = focus.matrix, focus.threshold, fit.position
    limit = fit.scoring["white_space"]["max_cells"] if limit is None else limit
    axes = {kind: _domain_terms(kind, focus, benchmarks) for kind in _AXES}
    occupied = _occupied(profile.domain, benchmarks, exclude)
    held = set(cartesian(*(profile.terms(kind) for kind in _AXES)))
    own = {kind: {token(kind, c): 1.0 for c in profile.terms(kind)} for kind in _AXES}
    core_fit = {t: float(f) for kind in _AXES
                for t, f in zip(axes[kind], fit_with_core(focus, axes[kind], benchmarks))}

    cells = []
    for scenario in axes["scenario"]:
        s = position[scenario]
        technologies = [t for t in axes["technology"] if matrix[position[t], s] >= threshold]
        segments = [g for g in axes["segment"] if matrix[s, position[g]] >= threshold]
        for tech, segment in cartesian(technologies, segments):
            codes = tuple(tok.split(":", 1)[1] for tok in (tech, scenario, segment))
            if codes in held or any(v in occupied for v in _variants(codes, benchmarks)):
                continue
            link = min(matrix[position[tech], s], matrix[s, position[segment]])
            closeness = np.mean([own[kind].get(tok, core_fit[tok]) for kind, tok in zip(_AXES, (tech, scenario, segment))])
            cells.append((-round(float(closeness), 2), -round(float(link), 2), codes))
    cells.sort()
    index = _projections(occupied)
    families, found = set(), []
    for closeness, link, codes in cells:
        family = tuple(benchmarks.vocabulary.family(kind, code) for kind, code in zip(_AXES, codes))
        if family in families:
            continue
        families.add(family)
        found.append(Cell(*codes, -link, -closeness, _nearest(codes, occupied, index)))
        if len(found) == limit:
            break
    return tuple(found)


def _variants(codes: tuple[str, str, str], benchmarks: Benchmarks):
    """The cell and its umbrella cells: UBI x NEV owners is held where motor insurance x NEV owners is."""
    vocabulary = benchmarks.vocabulary
    return cartesian(*((code, *vocabulary.ancestors(kind, code)) for kind, code in zip(_AXES, codes)))


def _domain_terms(kind: str, focus: Focus, benchmarks: Benchmarks) -> list[str]:
    """The terms of one axis that fit the domain (generic channels and broad terms left out)."""
    fit = benchmarks.fit
    domain = fit.position[focus.domain[0]]
    return [t for t in fit.tokens if t.startswith(kind + ":") and t not in fit.generic and t not in fit.broad
            and focus.matrix[fit.position[t], domain] >= focus.threshold]


def _occupied(domain: str, benchmarks: Benchmarks, exclude) -> dict[tuple[str, str, str], list[str]]:
    """Every cell a benchmark product of the market holds, with the products holding it."""
    cells: dict[tuple[str, str, str], list[str]] = {}
    for product in benchmarks.products:
        if product.profile.domain != domain or product.id in exclude:
            continue
        for codes in cartesian(*(product.profile.terms(kind) for kind in _AXES)):
            cells.setdefault(codes, []).append(product.id)
    return cells


def _projections(occupied: dict) -> dict[tuple, list]:
    """Occupied cells by each pair and each single coordinate they hold: the look-up for _nearest."""
    index: dict[tuple, list] = {}
    for cell in occupied:
        for axes in ((0, 1), (1, 2), (0, 2), (0,), (1,), (2,)):
            index.setdefault((axes, tuple(cell[a] for a in axes)), []).append(cell)
    return index


def _nearest(codes: tuple[str, str, str], occupied: dict, index: dict) -> OccupiedCell | None:
    """The occupied cell sharing most coordinates (ties: more products holding it, then codes)."""
    for group in (((0, 1), (1, 2), (0, 2)), ((0,), (1,), (2,))):
        found = [cell for axes in group for cell in index.get((axes, tuple(codes[a] for a in axes)), ())]
        if found:
            cell = min(found, key=lambda c: (-len(occupied[c]), c))
            return OccupiedCell(*cell, len(group[0]), tuple(sorted(occupied[cell])))
    return None
