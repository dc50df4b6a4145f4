"""Fit: how well two terms belong in one product (0-1), and where that comes from.

Sources, the strongest wins: the report's pairings (fit.yaml), the segments' stated needs
(market.yaml), the vocabulary (a scenario's own domains, a family's members, a member inheriting
its umbrella's fit) and the catalog's co-occurrence, computed here at load and never stored. The
result is one dense matrix over the vocabulary's terms, so the scoring core reads a fit with an
index look-up. fit.yaml is checked by marshmallow schemas first (file, entry and key named), then
against the other files (codes, cases, figures, rules)."""

from dataclasses import dataclass
from itertools import combinations
from types import MappingProxyType
from typing import Mapping

import numpy as np
from service.errors import BenchmarkDataError, FieldError
from service.profile import FIELDS, VERDICTS, ProductProfile
from service.benchmarks.data_schemas import (
    EDIT_ACTIONS, Check, Choice, Count, Dict, List, Nested, Number, Scalar, Section, Strict, Template, Text, codes,
)
from service.benchmarks.models import freeze, token

FILE = "fit.yaml"
# The kinds whose terms fit each other: what a product is made of, not its licences or controls.
FIT_KINDS = ("domain", "technology", "scenario", "segment", "partner", "data_source", "business_model")
ERRC = ("eliminate", "reduce", "raise", "create")
_CACHE_LIMIT = 256      # leave-one-out matrices kept (one per left-out product)
_NO_LINKS: frozenset[str] = frozenset()
_DECIMALS = 4           # fits are rounded so that float noise never flips a threshold


# --- schemas (the wording of every data file's problems: service/benchmarks/data_schemas.py) ------

def _share(**kw) -> Number:
    return Number(low=0, high=1, open_low=True, **kw)


_TERMS = Dict(keys=Choice(FIT_KINDS), values=codes(), required=True)


class _Cited(Strict):
    section = Section(required=True)
    en = Text(required=True)
    zh = Text(required=True)


class _TermList(_Cited):
    technology = codes()
    segment = codes()
    partner = codes()
    data_source = codes()


class _RedLines(_Cited):
    rules = codes(required=True)


class _Cooccurrence(Strict):
    scale = _share(required=True)
    min_products = Count(required=True)
    excluded_verdicts = List(Choice(VERDICTS), required=True)


class _Parameters(Strict):
    segment_needs = _share(required=True)
    domains = _share(required=True)
    family = _share(required=True)
    inherit = _share(required=True)
    cooccurrence = Nested(_Cooccurrence, required=True)


class _Pairing(_Cited):
    id = Text(required=True)
    case = Text()
    figures = codes()
    strength = _share()
    terms = _TERMS


class _Action(Strict):
    action = Choice(EDIT_ACTIONS, required=True)
    field = Choice(FIELDS, required=True)
    value = Scalar()
    errc = Choice(ERRC, required=True)
    en = Template(("label",), required=True)
    zh = Template(("label",), required=True)


def _factor(*placeholders: str, capped: bool = True) -> type[Strict]:
    """A differentiation factor that rests on fit, shaped like a weights.yaml factor plus its sections."""
    return Strict.from_dict({
        "points": Number(required=True), **({"max_count": Count(required=True)} if capped else {}),
        "evidence": codes(required=True), "benchmarks": codes(), "sections": List(Section(), required=True),
        "en": Template(placeholders, required=True), "zh": Template(placeholders, required=True),
    }, name="FitFactor")


def _bilingual(*placeholders: str) -> type[Strict]:
    return Strict.from_dict({"en": Template(placeholders, required=True), "zh": Template(placeholders, required=True)},
                            name="FitText")


class _Interaction(Strict):
    sections = List(Section(), required=True)
    differentiation = Nested(_bilingual("text", "other"), required=True)
    compliance = Nested(_bilingual("text", "other"), required=True)


class _Why(Strict):
    pairing = Nested(_bilingual("text", "section"), required=True)
    need = Nested(_bilingual("core", "text", "section"), required=True)
    domain = Nested(_bilingual("core"), required=True)
    family = Nested(_bilingual("core"), required=True)
    cooccurrence = Nested(_bilingual("core", "text"), required=True)
    inherited = Nested(_bilingual("via", "text"), required=True)
    rule = Nested(_bilingual("text", "figure", "section"), required=True)


class _Advice(Strict):
    max_per_field = Count(required=True)
    candidates_per_field = Count(required=True)
    create_when_market_users_at_most = Count(required=True)
    why = Nested(_Why, required=True)
    exhausted = Nested(_Cited, required=True)


class _WhiteSpace(_Cited):
    max_cells = Count(required=True)


class _Scoring(Strict):
    threshold = _share(required=True)
    rare_pairing_seen_at_most = Count(required=True)
    focus_sprawl = Nested(_factor("items", "core"), required=True)
    focus_depth = Nested(_factor("label", "anchors"), required=True)
    generic_channel_only = Nested(_factor("label", capped=False), required=True)
    interaction = Nested(_Interaction, required=True)
    recommendations = Nested(_Advice, required=True)
    white_space = Nested(_WhiteSpace, required=True)


class _FitFile(Strict):
    scoring = Nested(_Scoring, required=True)
    parameters = Nested(_Parameters, required=True)
    generic_channels = Nested(_TermList, required=True)
    broad_terms = Nested(_TermList, required=True)
    red_lines = Nested(_RedLines, required=True)
    pairings = List(Nested(_Pairing), required=True)
    actions = List(Nested(_Action), required=True)


CHECK = Check(_FitFile(), FILE)


# --- the model -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cited:
    section: str
    en: str
    zh: str


@dataclass(frozen=True)
class Pairing:
    """One fit.yaml entry: terms a report case or design practice combined, and what it achieved."""

    id: str
    section: str
    case: str | None
    figures: tuple[str, ...]
    strength: float
    en: str
    zh: str
    terms: tuple[str, ...]          # tokens


@dataclass(frozen=True)
class Action:
    """How one kind of edit reads as advice, and its Blue Ocean move (ERRC)."""

    action: str
    field: str
    value: object
    errc: str
    en: str
    zh: str


@dataclass(frozen=True)
class FitSource:
    """Why two terms fit: the strongest source of their fit."""

    kind: str                       # pairing, need, domain, family or cooccurrence
    value: float
    pairing: Pairing | None = None
    need: object = None             # a SegmentNeed
    via: str | None = None          # the umbrella term the fit was inherited through


class Fit:
    """Fit between any two terms of the fit kinds, as a matrix; leave-one-out matrices on demand."""

    def __init__(self, tokens, static, sources, counts, counted, parents, foreign_domains, parameters, generic,
                 broad, red_lines, red_line_note, actions, scoring):
        self.tokens = tokens
        self.scoring = scoring                  # the weights of the factors and advice that rest on fit
        self.position = MappingProxyType({t: i for i, t in enumerate(tokens)})
        self.generic = generic                  # tokens of generic channels
        self.broad = broad                      # tokens too broad to tie two others together
        self.red_lines = red_lines              # rule ids a product must clear before growth advice
        self.red_line_note = red_line_note      # why they are red lines (cited with each such fix)
        self.actions = actions
        self._static = static
        self._sources = sources
        self._counts = counts
        self._counted = counted                 # product id -> its profile (counted products)
        self._parents = parents                 # position -> ancestor positions, nearest first
        members: dict[str, list[str]] = {}
        for position, above in parents.items():
            for parent in above:
                members.setdefault(tokens[parent], []).append(tokens[position])
        # umbrella token -> its members' tokens: an umbrella (AI, big data) fits where a member does
        self.members = MappingProxyType({t: tuple(sorted(m)) for t, m in members.items()})
        # A family member that names its own domains (vocabulary domains:) inherits no fit with the
        # others: agricultural insurance is insurance even though farming fits lending.
        self._foreign_domains = foreign_domains   # member position -> positions of the other domains
        self._parameters = parameters
        self.by_kind = MappingProxyType({kind: np.array([i for i, t in enumerate(tokens) if t.startswith(kind + ":")])
                                         for kind in FIT_KINDS})
        self._cache: dict[tuple, tuple[np.ndarray, Mapping]] = {}   # leave-one-out, by products left out
        self._cooccurrence = self._npmi(counts, len(counted))
        self.matrix = self._combine(self._cooccurrence)
        self._full = (self.matrix, self._links(self.matrix))

    def left_out(self, product_ids=()) -> tuple[np.ndarray, Mapping[str, frozenset[str]]]:
        """The fit matrix with these products left out of the co-occurrence (leave-one-out checks),
        and each token's tokens that fit it at or above the threshold there: a profile holds a
        handful of terms, and set look-ups on them cost less than slicing the matrix."""
        left_out = tuple(sorted(i for i in product_ids if i in self._counted))
        if not left_out:
            return self._full
        found = self._cache.get(left_out)
        if found is None:
            counts = self._counts.copy()
            for product in left_out:
                rows = _positions(self._counted[product], self.position)
                counts[np.ix_(rows, rows)] -= 1
            matrix = self._combine(self._npmi(counts, len(self._counted) - len(left_out)))
            found = (matrix, self._links(matrix))
            if len(self._cache) >= _CACHE_LIMIT:
                # The oldest entry; another thread may have taken it already (gthread workers).
                self._cache.pop(next(iter(self._cache), None), None)
            self._cache[left_out] = found
        return found

    def _links(self, matrix: np.ndarray) -> Mapping[str, frozenset[str]]:
        rows, columns = np.nonzero(matrix >= self.scoring["threshold"])
        linked: dict[str, set[str]] = {t: set() for t in self.tokens}
        for i, j in zip(rows.tolist(), columns.tolist()):
            linked[self.tokens[i]].add(self.tokens[j])
        return MappingProxyType({t: frozenset(v) if v else _NO_LINKS for t, v in linked.items()})

    def counts(self, product_id: str) -> bool:
        """Whether a product counts in the co-occurrence (its verdict is not an excluded one)."""
        return product_id in self._counted

    def together(self, a: str, b: str) -> int:
        """How many counted products hold both terms."""
        return int(self._counts[self.position[a], self.position[b]])

    def source(self, a: str, b: str) -> FitSource | None:
        """The strongest reason a and b fit, as the full catalog shows it (None: they do not fit)."""
        i, j = self.position.get(a), self.position.get(b)
        if i is None or j is None:
            return None
        found = self._direct(i, j)
        inherit = self._parameters["inherit"]
        for level, parent in enumerate(self._parents.get(i, ()), start=1):
            found = _stronger(found, self._direct(parent, j), inherit ** level, self.tokens[parent])
        for level, parent in enumerate(self._parents.get(j, ()), start=1):
            found = _stronger(found, self._direct(i, parent), inherit ** level, self.tokens[parent])
        if self._family(i, j):
            found = _stronger(found, FitSource("family", self._parameters["family"]), 1.0, None)
        return found

    def _direct(self, i: int, j: int) -> FitSource | None:
        best = self._sources.get((min(i, j), max(i, j)))
        value = round(float(self._cooccurrence[i, j]), _DECIMALS)
        if value > 0 and (best is None or value > best.value):
            best = FitSource("cooccurrence", value)
        return best

    def _family(self, i: int, j: int) -> bool:
        above_i, above_j = self._parents.get(i, ()), self._parents.get(j, ())
        return j in above_i or i in above_j or bool(above_i and above_j and above_i[0] == above_j[0])

    def _npmi(self, counts: np.ndarray, total: int) -> np.ndarray:
        """Normalised pointwise mutual information of co-occurrence, clipped at 0, times the scale."""
        settings = self._parameters["cooccurrence"]
        if not total:
            return np.zeros(counts.shape)
        together = counts.astype(float)
        alone = np.diag(together).copy()
        with np.errstate(divide="ignore", invalid="ignore"):
            pmi = np.log(together * total / np.outer(alone, alone))
            npmi = np.where(together >= total, 1.0, pmi / np.log(total / together))
        npmi = np.where(together >= settings["min_products"], np.nan_to_num(npmi), 0.0)
        npmi = np.clip(npmi, 0.0, 1.0) * settings["scale"]
        np.fill_diagonal(npmi, 0.0)
        return npmi

    def _combine(self, cooccurrence: np.ndarray) -> np.ndarray:
        """The strongest source of each pair, with inherited and family fit, rounded and read-only."""
        direct = np.maximum(self._static, cooccurrence)
        combined = direct.copy()
        inherit = self._parameters["inherit"]
        for member, ancestors in self._parents.items():
            for level, ancestor in enumerate(ancestors, start=1):
                share = inherit ** level
                combined[member] = np.maximum(combined[member], share * direct[ancestor])
                combined[:, member] = np.maximum(combined[:, member], share * direct[:, ancestor])
        family = self._parameters["family"]
        for i, j in self._family_pairs():
            combined[i, j] = combined[j, i] = max(combined[i, j], family)
        for member, foreign in self._foreign_domains.items():
            combined[member, foreign] = combined[foreign, member] = direct[member, foreign]
        np.fill_diagonal(combined, 0.0)
        combined = np.round(combined, _DECIMALS)
        combined.setflags(write=False)
        return combined

    def _family_pairs(self):
        members = sorted(self._parents)
        for i in members:
            for j in self._parents[i]:
                yield i, j
        for i, j in combinations(members, 2):
            if self._parents[i][0] == self._parents[j][0]:
                yield i, j


def _stronger(found: FitSource | None, other: FitSource | None, share: float, via: str | None):
    if other is None:
        return found
    value = round(other.value * share, _DECIMALS)
    if found is not None and found.value >= value:
        return found
    return FitSource(other.kind, value, other.pairing, other.need, via or other.via)


# --- building --------------------------------------------------------------------------------------

def build_fit(data, vocabulary, figures: Mapping, needs: Mapping, rules, products, report_ids,
              commodity=frozenset()) -> Fit:
    """Validate fit.yaml against its schema and the other files, and build the fit matrix.
    `report_ids`: the report's case ids (None when the report's cases are left out); `commodity`:
    the market model's off-the-shelf technologies (codes), generic like the channels: they neither
    tie a product together nor count as its technology."""
    problems = CHECK.problems(data)
    if problems:
        _raise(problems)
    tokens = tuple(token(kind, term.code) for kind in FIT_KINDS for term in vocabulary.terms(kind))
    position = {t: i for i, t in enumerate(tokens)}
    refs = _References(vocabulary, figures, report_ids, {r.id for r in rules})
    parameters = data["parameters"]
    pairings = [_pairing(i, entry, refs) for i, entry in enumerate(data["pairings"])]
    generic = refs.term_list("generic_channels", data["generic_channels"])
    broad = refs.term_list("broad_terms", data["broad_terms"])
    red_lines = tuple(refs.rule(f"red_lines.rules[{i}]", r) for i, r in enumerate(data["red_lines"]["rules"]))
    actions = tuple(_action(i, entry, refs) for i, entry in enumerate(data["actions"]))
    for name in ("focus_sprawl", "focus_depth", "generic_channel_only"):
        refs.cited(f"scoring.{name}", data["scoring"][name])
    for rule in rules:
        if rule.remedy and not _has_action(actions, rule.remedy.action, rule.remedy.field, rule.remedy.value):
            refs.problems.append(FieldError(f"{FILE}: actions", f"no entry reads the remedy of rule {rule.id!r} "
                                            f"({rule.remedy.action} {rule.remedy.field})"))
    for key, count in _duplicates([p.id for p in pairings]):
        refs.problems.append(FieldError(f"{FILE}: pairings (id={key})", f"duplicate id ({count} entries)"))
    if refs.problems:
        _raise(refs.problems)

    size = len(tokens)
    static = np.zeros((size, size))
    sources: dict[tuple[int, int], FitSource] = {}

    def offer(a: str, b: str, source: FitSource) -> None:
        i, j = sorted((position[a], position[b]))
        if i != j and source.value > static[i, j]:
            static[i, j] = static[j, i] = source.value
            sources[(i, j)] = source

    for pairing in pairings:
        for a, b in combinations(pairing.terms, 2):
            offer(a, b, FitSource("pairing", pairing.strength, pairing=pairing))
    for need in needs.values():
        for kind, needed in (("scenario", need.scenarios), ("technology", need.technologies)):
            for code in sorted(needed):
                offer(token("segment", need.segment), token(kind, code),
                      FitSource("need", parameters["segment_needs"], need=need))
    for term in vocabulary.terms("scenario"):
        for domain in term.domains:
            if vocabulary.has("domain", domain):
                offer(token("scenario", term.code), token("domain", domain),
                      FitSource("domain", parameters["domains"]))
    counts, counted = _cooccurrence(products, position, set(parameters["cooccurrence"]["excluded_verdicts"]))
    return Fit(
        tokens, static, MappingProxyType(sources), counts, MappingProxyType(counted),
        MappingProxyType(_ancestors(vocabulary, position)), _foreign_domains(vocabulary, position), freeze(parameters),
        frozenset(generic | _flagged_generic(vocabulary) | {token("technology", c) for c in commodity}),
        frozenset(broad), red_lines,
        Cited(data["red_lines"]["section"], data["red_lines"]["en"], data["red_lines"]["zh"]), actions,
        freeze(data["scoring"]),
    )


class _References:
    """Cross-file checks: every code, case, figure and rule fit.yaml names must exist."""

    def __init__(self, vocabulary, figures, report_ids, rule_ids):
        self.vocabulary, self.figures, self.report_ids, self.rule_ids = vocabulary, figures, report_ids, rule_ids
        self.problems: list[FieldError] = []

    def tokens(self, where: str, terms: Mapping) -> tuple[str, ...]:
        found = []
        for kind, listed in terms.items():
            for code in listed:
                if self.vocabulary.has(kind, code):
                    found.append(token(kind, code))
                else:
                    suggestions = self.vocabulary.suggest(kind, code)
                    hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
                    self.problems.append(FieldError(f"{where}.{kind}", f"unknown {kind} {code!r}{hint}"))
        return tuple(dict.fromkeys(found))

    def term_list(self, where: str, entry: Mapping) -> set[str]:
        return set(self.tokens(f"{FILE}: {where}", {k: v for k, v in entry.items() if k in FIT_KINDS}))

    def cited(self, where: str, entry: Mapping) -> None:
        """A factor's evidence names market figures and its benchmarks name catalog cases."""
        for figure in entry["evidence"]:
            if figure not in self.figures:
                self.problems.append(FieldError(f"{FILE}: {where}", f"key 'evidence' names unknown market figure {figure!r}"))
        for case in entry.get("benchmarks", ()):
            if self.report_ids is not None and case not in self.report_ids:
                self.problems.append(FieldError(f"{FILE}: {where}", f"key 'benchmarks' names unknown catalog case {case!r}"))

    def rule(self, where: str, rule_id: str) -> str:
        if rule_id not in self.rule_ids:
            self.problems.append(FieldError(f"{FILE}: {where}", f"names unknown rule {rule_id!r} (rules.yaml)"))
        return rule_id


def _pairing(i: int, entry: Mapping, refs: _References) -> Pairing:
    where = f"{FILE}: pairings[{i}] (id={entry['id']})"
    case = entry.get("case")
    if case is not None and refs.report_ids is not None and case not in refs.report_ids:
        refs.problems.append(FieldError(where, f"key 'case' names unknown catalog case {case!r}"))
    for figure in entry.get("figures", ()):
        if figure not in refs.figures:
            refs.problems.append(FieldError(where, f"key 'figures' names unknown market figure {figure!r}"))
    terms = refs.tokens(f"{where}.terms", entry["terms"])
    if len(terms) < 2:
        refs.problems.append(FieldError(where, "key 'terms' must name at least two terms to pair"))
    return Pairing(entry["id"], entry["section"], case, tuple(entry.get("figures", ())), entry.get("strength", 1.0),
                   entry["en"], entry["zh"], terms)


def _action(i: int, entry: Mapping, refs: _References) -> Action:
    where = f"{FILE}: actions[{i}]"
    kind = FIELDS[entry["field"]].fact if FIELDS[entry["field"]].shape == "terms" else None
    value = entry.get("value")
    if kind and value is not None and not refs.vocabulary.has(kind, str(value)):
        refs.problems.append(FieldError(where, f"key 'value' is not a {kind} code: {value!r}"))
    return Action(entry["action"], entry["field"], value, entry["errc"], entry["en"], entry["zh"])


def _has_action(actions, action: str, field: str, value) -> bool:
    return any(a.action == action and a.field == field and a.value in (None, value) for a in actions)


def _raise(problems: list[FieldError]):
    lines = "\n  ".join(f"{e.field}: {e.message}" for e in problems)
    raise BenchmarkDataError(f"{len(problems)} problem(s) in the benchmark data:\n  {lines}", problems)


def _duplicates(ids):
    seen: dict[str, int] = {}
    for key in ids:
        seen[key] = seen.get(key, 0) + 1
    return [(k, n) for k, n in seen.items() if n > 1]


def _flagged_generic(vocabulary) -> set[str]:
    """Technologies the vocabulary itself marks as generic channels (`generic: true`)."""
    return {token("technology", t.code) for t in vocabulary.terms("technology") if t.generic}


def _ancestors(vocabulary, position: Mapping) -> dict[int, tuple[int, ...]]:
    """Each family member's umbrella terms (positions), nearest first."""
    found = {}
    for tok, i in position.items():
        kind, code = tok.split(":", 1)
        chain, term, seen = [], vocabulary.term(kind, code), {code}
        while term.parent and vocabulary.has(kind, term.parent) and term.parent not in seen:
            seen.add(term.parent)
            chain.append(position[token(kind, term.parent)])
            term = vocabulary.term(kind, term.parent)
        if chain:
            found[i] = tuple(chain)
    return found


def _foreign_domains(vocabulary, position: Mapping) -> Mapping:
    """For each family member that names its own domains: the positions of the domains it does not."""
    domains = [t for t in position if t.startswith("domain:")]
    found = {}
    for kind in FIT_KINDS:
        for term in vocabulary.terms(kind):
            if term.parent and term.domains:
                own = {token("domain", d) for d in term.domains}
                found[position[token(kind, term.code)]] = [position[d] for d in domains if d not in own]
    return MappingProxyType(found)


def _cooccurrence(products, position: Mapping, excluded: set) -> tuple[np.ndarray, dict]:
    """How many counted products hold each pair of terms (the diagonal: each term), and each counted
    product's profile (its positions are computed again for a leave-one-out check, not kept). Pairs
    are counted column pair by column pair of a padded table, so a 100k catalog costs a few hundred
    bincounts, not a Python loop per pair."""
    counted: dict[str, ProductProfile] = {}
    for product in products:
        if product.verdict not in excluded:
            counted[product.id] = product.profile
    rows_of = [_positions(profile, position) for profile in counted.values()]
    size = len(position)
    width = max((len(r) for r in rows_of), default=0)
    table = np.full((len(counted), width), -1, dtype=np.int64)
    for n, rows in enumerate(rows_of):
        table[n, : len(rows)] = rows
    flat = np.zeros(size * size, dtype=np.int64)
    for a in range(width):
        present = table[:, a] >= 0
        flat += np.bincount(table[present, a] * size + table[present, a], minlength=size * size)
        for b in range(a + 1, width):
            both = present & (table[:, b] >= 0)
            flat += np.bincount(table[both, a] * size + table[both, b], minlength=size * size)
    counts = flat.reshape(size, size)
    counts = counts + np.triu(counts, 1).T
    return counts, counted


def _positions(profile: ProductProfile, position: Mapping) -> list[int]:
    """A product's fit terms as matrix positions, sorted."""
    return sorted({position[t] for kind in FIT_KINDS for code in profile.terms(kind)
                   if (t := token(kind, code)) in position})
