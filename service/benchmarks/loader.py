"""Loads the benchmark data files and assembles them; any problem stops start-up, all listed at once.

What each file must hold (keys, types, ranges) is declared in data_schemas.py and checked first.
This module adds what one file's schema cannot say: cross-references (terms, market figures and
benchmark cases named across and within files), citations (a report section or an external basis)
and the version, a hash of the content."""

import hashlib
import json
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import yaml

from service.errors import BenchmarkDataError, FieldError, UnknownTerm
from service.benchmarks.rule_packs import ANY, PackRelief, PackRule
from service.profile import ACTIVITIES, CERTIFICATION_LEVELS, FIELDS, PROFILE_FIELDS, Compliance, ProductProfile
from service.vocabulary import Term, Vocabulary
from service.benchmarks.data_schemas import CUSTOM_PRODUCT, FILE_CHECKS, REPORT_PRODUCT
from service.benchmarks.models import (
    Benchmarks,
    BenchmarkProduct,
    Conditions,
    Figure,
    MarketModel,
    Outcome,
    Relief,
    Edit,
    Rule,
    SegmentNeed,
    combination_pairs,
    freeze,
    family_tokens,
    profile_features,
    token,
)
from service.benchmarks.fit import build_fit
from service.benchmarks.index import CatalogIndex

DATA_DIR = Path(__file__).parent / "data"
FILES = ("vocabulary.yaml", "market.yaml", "catalog.yaml", "rules.yaml", "weights.yaml", "fit.yaml")
# A large catalog may come as JSON lines instead of catalog.yaml: read one product at a time, its
# peak memory stays flat (PyYAML builds the whole node tree of a document before any object).
CATALOG_LINES = "catalog.jsonl"
# Each profile field as (path, attribute name, in compliance, vocabulary kind or None), read once:
# a large catalog builds a profile per product.
_LAYOUT = tuple((f.path, f.name, f.in_compliance, f.fact if f.shape == "terms" else None) for f in PROFILE_FIELDS)
# What a remedy may do to a field of each shape, and the values it may set.
_REMEDY_ACTIONS = {"terms": ("add", "remove"), "domain": ("set",), "flag": ("set",), "level": ("set",),
                   "rate": ("set",)}
_REMEDY_VALUES = {"flag": lambda v: type(v) is bool, "level": lambda v: v in CERTIFICATION_LEVELS,
                  "rate": lambda v: type(v) in (int, float) and not isinstance(v, bool) and v >= 0}


# What a value that names no term should name: said only of those (a catalog's are unknown-term problems).
TERM_ACCEPTED = "a {kind} code, English or Chinese label or synonym (GET /v1/taxonomy?kind={kind})"


class _Problems:
    """Collects every problem so one start-up failure lists them all, each with file and entry."""

    def __init__(self):
        self.items: list[FieldError] = []

    def add(self, where: str, message: str, accepted: str | None = None, suggestions: tuple = ()) -> None:
        self.items.append(FieldError(where, message, accepted=accepted, suggestions=suggestions))

    def extend(self, found: list[FieldError]) -> None:
        self.items.extend(found)

    def raise_if_any(self) -> None:
        if self.items:
            lines = "\n  ".join(f"{e.field}: {e.message}" for e in self.items)
            raise BenchmarkDataError(f"{len(self.items)} problem(s) in the benchmark data:\n  {lines}", self.items)


def load_benchmarks(data_dir: Path | str | None = None) -> Benchmarks:
    """Read the five data files from `data_dir` (default: the packaged report data)."""
    raw, catalog = load_report_data(data_dir)
    return build_benchmarks(raw, catalog() if catalog else None)


def load_report_data(data_dir: Path | str | None = None):
    """The parsed data files, and a function that streams the catalog's products (None: they are
    in catalog.yaml) so that they can be read again without being kept."""
    directory = Path(data_dir) if data_dir else DATA_DIR
    lines = directory / CATALOG_LINES
    raw = {}
    for name in FILES:
        path = directory / name
        if name == "catalog.yaml" and lines.exists():
            continue
        try:
            raw[name] = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        except FileNotFoundError:
            raise BenchmarkDataError(f"{path}: benchmark data file missing") from None
        except yaml.YAMLError as exc:
            raise BenchmarkDataError(f"{path}: not valid YAML: {exc}") from None
    return raw, ((lambda: _catalog_lines(lines)) if lines.exists() else None)


def _catalog_lines(path: Path):
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise BenchmarkDataError(f"{path}: line {number} is not valid JSON: {exc.msg}") from None


def build_benchmarks(raw: dict, catalog_entries=None, custom=None) -> Benchmarks:
    """Validate the parsed files and assemble them; the version is a hash of their content.
    `catalog_entries` (an iterable of products) replaces catalog.yaml when given; `custom` is
    (label, products in the profile format) of a caller's catalog, added after the report's
    (pass catalog_entries=() to score against the custom products alone).

    Each file is checked against its schema first; only data of the right shape is cross-checked
    (the products one at a time, so that a large catalog is never held twice)."""
    problems = _Problems()
    for name, check in FILE_CHECKS.items():
        if name in raw:
            problems.extend(check.problems(raw[name]))
    problems.raise_if_any()
    digest = hashlib.sha256()
    for name in sorted(n for n in raw if n != "catalog.yaml"):
        digest.update(json.dumps([name, raw[name]], sort_keys=True, ensure_ascii=False, default=str).encode())
    refs = _References(_vocabulary(raw["vocabulary.yaml"], problems), problems)
    problems.raise_if_any()
    vocabulary = refs.vocabulary
    market = raw["market.yaml"]
    refs.figures = _figures(market["figures"], refs)
    _check_vocabulary(raw["vocabulary.yaml"], refs)
    needs = _segment_needs(market["segment_needs"], refs)
    if catalog_entries is None:
        catalog_entries = raw["catalog.yaml"]["products"] if "catalog.yaml" in raw else []
    products = _products(catalog_entries, refs, digest, "catalog.yaml" if "catalog.yaml" in raw else CATALOG_LINES)
    if custom is not None:
        label, entries = custom
        digest.update(json.dumps(["custom", label]).encode())
        report_ids = {p.id for p in products}
        for product in _products(entries, refs, digest, source=label, cited=False):
            if product.id in report_ids:
                problems.add(f"{label}: id={product.id}", "id already names a report case; choose another")
            products.append(product)
    rules = tuple(_rule(i, r, refs) for i, r in enumerate(raw["rules.yaml"]["rules"]))
    reliefs = tuple(_relief(i, r, refs) for i, r in enumerate(raw["rules.yaml"]["reliefs"]))
    _check_unique("rules.yaml", [r.id for r in rules + reliefs], problems)
    weights = raw["weights.yaml"]
    report_ids = None if isinstance(catalog_entries, tuple) and not catalog_entries else {p.id for p in products}
    _check_weights(weights, refs, report_ids)
    problems.raise_if_any()
    market_model, archetypes = _market_model(market["market_model"], refs)
    products += archetypes
    problems.raise_if_any()
    pair_counts = Counter()
    for p in products:
        for pair in combination_pairs(p.profile):
            pair_counts[pair] += p.size
    return Benchmarks(
        version="bm-" + digest.hexdigest()[:12],
        vocabulary=vocabulary,
        products=tuple(products),
        figures=MappingProxyType(refs.figures),
        segment_needs=MappingProxyType(needs),
        rules=rules,
        reliefs=reliefs,
        weights=freeze(weights),
        pair_counts=MappingProxyType(dict(pair_counts)),
        market=market_model,
        index=CatalogIndex.build(products, weights["similarity"]["kind_weights"], weights["similarity"]["idf_floor"],
                                 family_tokens(vocabulary), weights["similarity"]["archetype_extra_weight"],
                                 {f"technology:{c}" for c in market_model.commodity}),
        fit=build_fit(raw["fit.yaml"], vocabulary, refs.figures, needs, rules, products, report_ids,
                      market_model.commodity),
    )



class _References:
    """Checks that what one entry names exists: vocabulary terms and market figures."""

    def __init__(self, vocabulary: Vocabulary, problems: _Problems):
        self.vocabulary = vocabulary
        self.problems = problems
        self.figures: dict[str, Figure] = {}

    def code(self, where: str, key: str, kind: str, value: str, any_spelling: bool = False) -> str | None:
        """The canonical code `value` names: a code exactly (report data), or any accepted spelling."""
        try:
            return (self.vocabulary.resolve if any_spelling else self.vocabulary.term)(kind, value).code
        except UnknownTerm as exc:
            hint = f"; did you mean {', '.join(repr(s) for s in exc.suggestions)}?" if exc.suggestions else ""
            self.problems.add(where, f"{key} {value!r} names no {kind.replace('_', ' ')} term{hint}"
                                     f"{' ' + exc.hint if exc.hint else ''}", accepted=TERM_ACCEPTED.format(kind=kind),
                              suggestions=exc.suggestions)
            return None

    def codes(self, where: str, key: str, kind: str, values, any_spelling: bool = False) -> tuple[str, ...]:
        found = (self.code(where, key, kind, v, any_spelling) for v in values)
        return tuple(c for c in found if c)

    def evidence(self, where: str, key: str, figure_ids) -> None:
        for figure_id in figure_ids:
            if figure_id not in self.figures:
                self.problems.add(where, f"{key} {figure_id!r} names no market figure (market.yaml figures)")


def _check_unique(file: str, ids: list[str], problems: _Problems) -> None:
    for key, count in Counter(ids).items():
        if count > 1:
            problems.add(f"{file}: id={key}", f"duplicate id ({count} entries)")


def _vocabulary(data: dict, problems: _Problems) -> Vocabulary:
    terms = []
    for kind, entries in data.items():
        for code, entry in entries.items():
            if "section" not in entry and "basis" not in entry:
                problems.add(f"vocabulary.yaml: {kind}.{code}",
                             "cites nothing: give the report 'section' or, where the report does not name "
                             "the term, an external 'basis'")
            terms.append(Term(
                kind=kind, code=code, en=entry["en"], zh=entry["zh"],
                synonyms=tuple(entry.get("synonyms", ())),
                section=entry.get("section", ""),
                vertical=entry.get("vertical", False),
                red_line=entry.get("red_line", False),
                lookalike=MappingProxyType(entry["lookalike"]) if "lookalike" in entry else None,
                parent=entry.get("parent"), basis=entry.get("basis"),
                domains=tuple(entry.get("domains", ())), generic=entry.get("generic", False),
                sensitivity=entry.get("sensitivity"),
                covers=tuple(entry.get("covers", ())), jurisdictions=tuple(entry.get("jurisdictions", ())),
                control=entry.get("control"),
            ))
    try:
        return Vocabulary(terms)
    except ValueError as exc:
        problems.add("vocabulary.yaml", str(exc))
        return Vocabulary([])


def _check_vocabulary(data: dict, refs: _References) -> None:
    """Parents name a term of the same kind without a loop; domains and look-alikes name what exists;
    the certification kind has exactly the field's levels."""
    if set(data["certification"]) != set(CERTIFICATION_LEVELS):
        refs.problems.add("vocabulary.yaml: certification",
                          f"its terms must be exactly the levels {', '.join(CERTIFICATION_LEVELS)}")
    for kind, entries in data.items():
        for code, entry in entries.items():
            where = f"vocabulary.yaml: {kind}.{code}"
            if "parent" in entry and refs.code(where, "parent", kind, entry["parent"]):
                chain = [code]
                while chain[-1] in entries and "parent" in entries[chain[-1]] and chain[-1] not in chain[:-1]:
                    chain.append(entries[chain[-1]]["parent"])
                if chain[-1] in chain[:-1]:
                    refs.problems.add(where, f"parent chain loops: {' -> '.join(chain)}")
            refs.codes(where, "domains", "domain", entry.get("domains", ()))
            refs.codes(where, "jurisdictions", "jurisdiction", entry.get("jurisdictions", ()))
            if "control" in entry:
                refs.code(where, "control", "privacy_control", entry["control"])
            unknown = set(entry.get("covers", ())) - set(ACTIVITIES)
            if unknown:
                refs.problems.add(where, f"covers unknown activities {sorted(unknown)} (one of {', '.join(ACTIVITIES)})")
            if "lookalike" in entry:
                refs.code(where, "lookalike.domain", "domain", entry["lookalike"]["domain"])
                refs.evidence(where, "lookalike.evidence", [entry["lookalike"]["evidence"]])


def _figures(data: dict, refs: _References) -> dict[str, Figure]:
    figures = {}
    for key, entry in data.items():
        where = f"market.yaml: figures.{key}"
        refs.codes(where, "domains", "domain", entry.get("domains", ()))
        refs.codes(where, "segments", "segment", entry.get("segments", ()))
        figures[key] = Figure(key, entry["value"], entry["unit"], entry["section"], entry["en"], entry["zh"])
    return figures


def _segment_needs(data: dict, refs: _References) -> dict[str, SegmentNeed]:
    needs = {}
    for segment, entry in data.items():
        where = f"market.yaml: segment_needs.{segment}"
        if refs.code(where, "key", "segment", segment) is None:
            continue
        needs[segment] = SegmentNeed(
            segment, entry["section"],
            frozenset(refs.codes(where, "scenarios", "scenario", entry["scenarios"])),
            frozenset(refs.codes(where, "technologies", "technology", entry["technologies"])),
            entry["en"], entry["zh"],
        )
    return needs


def _shared(shared: dict, value):
    """One object per distinct immutable value: a large catalog repeats the same lists of codes.
    Keyed by repr, not equality, so that a rate of 1 and one of 1.0 stay as they were written."""
    return shared.setdefault(repr(value), value)


def _products(entries, refs: _References, digest, source: str = "catalog.yaml",
              cited: bool = True) -> list[BenchmarkProduct]:
    """One pass over the entries: check, hash and build each, so that none needs keeping.
    Report cases (`cited`) have bilingual names, sections and canonical codes; a caller's catalog
    has a plain name and may use any spelling the vocabulary accepts (see the two schemas)."""
    check = REPORT_PRODUCT if cited else CUSTOM_PRODUCT
    products = []
    ids = []
    shared: dict = {}       # one object per distinct outcome, list of codes and compliance, not per product
    for i, entry in enumerate(entries):
        where = f"{source}: products[{i}] (id={entry.get('id') if isinstance(entry, dict) else None})"
        found = check.problems(entry, where)
        if found:
            refs.problems.extend(found)
            continue
        digest.update(json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str).encode())
        ids.append(entry["id"])
        compliance = entry.get("compliance", {})
        top, inner = {}, {}
        for path, name, in_compliance, kind in _LAYOUT:
            holder = compliance if in_compliance else entry
            if name in holder:
                value = holder[name]
                codes = refs.codes(where, path, kind, value, not cited) if kind else value
                (inner if in_compliance else top)[name] = _shared(shared, codes) if kind else codes
        if cited:
            name_en, name_zh = entry["name"]["en"], entry["name"]["zh"]
        else:  # a caller's product has one plain name, if any
            name_en = name_zh = entry.get("name") or entry["id"]
        domain = refs.code(where, "domain", "domain", entry["domain"], not cited) or ""
        outcomes = []
        for outcome in entry.get("outcomes", ()):
            outcomes.append(_shared(shared, Outcome(outcome["section"], outcome["en"], outcome["zh"])))
        products.append(BenchmarkProduct(
            id=entry["id"], name_en=name_en, name_zh=name_zh, verdict=_shared(shared, entry.get("verdict")),
            sections=_shared(shared, tuple(sys.intern(s) for s in entry.get("sections", ()))),
            outcomes=_shared(shared, tuple(outcomes)),
            profile=ProductProfile(domain=domain, name=name_en, compliance=_shared(shared, Compliance(**inner)), **top),
        ))
    _check_unique(source, ids, refs.problems)
    return products


def _market_model(data: dict, refs: _References) -> tuple[MarketModel, list[BenchmarkProduct]]:
    """Each domain's estimated products (total x share) and the archetypes standing for their share of
    it; every size cites its figures, and an estimate says its reasoning where no figure splits it."""
    where = "market.yaml: market_model"
    total = refs.figures.get(data["products_total"]["figure"])
    if total is None:
        refs.problems.add(where, f"products_total.figure {data['products_total']['figure']!r} names no market figure")
        total = Figure("", 0, "", "", "", "")
    products = {}
    for domain, entry in data["domains"].items():
        refs.code(f"{where}.domains.{domain}", "key", "domain", domain)
        refs.evidence(f"{where}.domains.{domain}", "figures", entry["figures"])
        products[domain] = round(total.value * entry["share"])
    for term in refs.vocabulary.terms("domain"):
        if term.code not in products:
            refs.problems.add(f"{where}.domains", f"no size for the domain {term.code!r}")
    commodity = data["commodity_technologies"]
    refs.evidence(f"{where}.commodity_technologies", "figures", commodity["figures"])
    model = MarketModel(
        products=MappingProxyType(products),
        commodity=frozenset(refs.codes(f"{where}.commodity_technologies", "technology", "technology",
                                       commodity["technology"])),
        commodity_label=(commodity["en"], commodity["zh"]), common_share=data["common_share"])
    archetypes, shares = [], Counter()
    for i, entry in enumerate(data["archetypes"]):
        here = f"{where}.archetypes[{i}] (id={entry['id']})"
        refs.evidence(here, "figures", entry["figures"])
        if "estimate" not in entry and not entry["figures"]:
            refs.problems.add(here, "a share must cite figures or say its estimate")
        domain = refs.code(here, "domain", "domain", entry["domain"]) or ""
        shares[domain] += entry["share"]
        compliance = entry.get("compliance", {})
        terms = {name: refs.codes(here, path, kind, (compliance if inner else entry).get(name, ()))
                 for path, name, inner, kind in _LAYOUT if kind and name in (compliance if inner else entry)}
        top = {k: v for k, v in terms.items() if k not in compliance}
        inner = {k: v for k, v in terms.items() if k in compliance}
        archetypes.append(BenchmarkProduct(
            id=entry["id"], name_en=entry["name"]["en"], name_zh=entry["name"]["zh"], verdict="homogeneous",
            sections=(entry["section"],), outcomes=(),
            profile=ProductProfile(domain=domain, name=entry["name"]["en"], compliance=Compliance(**inner), **top),
            size=max(1, round(products.get(domain, 0) * entry["share"])), archetype=True))
    typical: dict[str, set] = {}
    implied = family_tokens(refs.vocabulary)
    for archetype in archetypes:
        typical.setdefault(archetype.profile.domain, set()).update(profile_features(archetype.profile, implied))
    belongs = {}
    for domain, terms in data["belongs"].items():
        here = f"{where}.belongs.{domain}"
        refs.code(here, "key", "domain", domain)
        belongs[domain] = frozenset(token(kind, c) for kind in ("partner", "technology", "scenario")
                                    for c in refs.codes(here, kind, kind, terms.get(kind, ())))
    model = replace(model, typical=MappingProxyType({d: frozenset(t) for d, t in typical.items()}),
                    belongs=MappingProxyType(belongs))
    for domain, share in shares.items():
        if share > 1:
            refs.problems.add(f"{where}.archetypes", f"the archetypes of {domain} add up to {share:g} of its products")
    _check_unique("market.yaml: archetypes", [a.id for a in archetypes], refs.problems)
    return model, archetypes


def _conditions(where: str, key: str, tests: dict, refs: _References) -> Conditions:
    compiled = {}
    for test, value in tests.items():
        kind = test.removesuffix("_only")
        if test == "certification":
            compiled[test] = frozenset(value)
        elif test == "max_apr_above":
            compiled[test] = float(value)
        elif isinstance(value, bool):
            compiled[test] = value
        else:
            compiled[test] = frozenset(refs.codes(where, f"{key}.{test}", kind, value))
    return Conditions(MappingProxyType(compiled))


def _remedy(where: str, remedy: dict | None, refs: _References) -> Edit | None:
    """The one profile edit a rule recommends: an action the field takes and a value it can hold."""
    if remedy is None:
        return None
    field, action, value = remedy["field"], remedy["action"], remedy["value"]
    shape = FIELDS[field].shape if field in FIELDS else "domain"
    if action not in _REMEDY_ACTIONS[shape]:
        refs.problems.add(where, f"remedy.action {action!r} does not apply to {field} "
                                 f"(use {' or '.join(_REMEDY_ACTIONS[shape])})")
    if shape in ("terms", "domain"):
        kind = FIELDS[field].fact if shape == "terms" else "domain"
        if type(value) is str:
            refs.code(where, "remedy.value", kind, value)
        else:
            refs.problems.add(where, f"remedy.value {value!r} is not a {kind.replace('_', ' ')} code")
    elif not _REMEDY_VALUES[shape](value):
        refs.problems.add(where, f"remedy.value {value!r} cannot be set on {field}")
    return Edit(action=action, field=field, value=value)


def _in_packs(where: str, entry: dict, refs: _References) -> tuple[tuple[str, ...], dict, list]:
    """The rule's packs, and its conditions with the packs' market test added and each `covered`
    (a licence held that permits the activity) spelt out as the licences that do so in those markets."""
    packs = tuple(entry["jurisdictions"])
    markets = [p for p in packs if p != ANY]
    refs.codes(where, "jurisdictions", "jurisdiction", markets)
    licences = refs.vocabulary.terms("license")

    def spelt(tests: dict) -> dict:
        tests = dict(tests)
        activity = tests.pop("covered", None)
        if activity is not None:
            tests["license"] = sorted({*tests.get("license", ()), *(
                t.code for t in licences if activity in t.covers
                and (not t.jurisdictions or ANY in packs or set(t.jurisdictions) & set(markets)))})
        return tests

    when = spelt(entry["when"])
    if markets and ANY not in packs:
        when["jurisdiction"] = markets
    return packs, when, [spelt(c) for c in entry.get("unless", ())]


def _rule(i: int, entry: dict, refs: _References) -> Rule:
    where = f"rules.yaml: rules[{i}] (id={entry['id']})"
    refs.evidence(where, "evidence", entry.get("evidence", ()))
    mitigated = tuple(sorted(entry.get("mitigated_by", {}).items()))
    refs.codes(where, "mitigated_by", "privacy_control", [control for control, _ in mitigated])
    packs, when, unless = _in_packs(where, entry, refs)
    return PackRule(
        id=entry["id"], en=entry["en"], zh=entry["zh"],
        severity=float(entry["severity"]),
        when=_conditions(where, "when", when, refs),
        unless=tuple(_conditions(where, f"unless[{n}]", c, refs) for n, c in enumerate(unless)),
        mitigated_by=mitigated,
        floor=float(entry.get("floor", 0.3)),
        mandatory=entry.get("mandatory", False),
        requirement=MappingProxyType(entry["requirement"]) if "requirement" in entry else None,
        remedy=_remedy(where, entry.get("remedy"), refs),
        evidence=tuple(entry.get("evidence", ())),
        section=entry.get("section", ""),
        external_basis=entry.get("external_basis"),
        jurisdictions=packs,
        red_line=entry.get("red_line", False),
    )


def _relief(i: int, entry: dict, refs: _References) -> Relief:
    where = f"rules.yaml: reliefs[{i}] (id={entry['id']})"
    refs.evidence(where, "evidence", entry["evidence"])
    packs, when, _ = _in_packs(where, entry, refs)
    return PackRelief(
        id=entry["id"], en=entry["en"], zh=entry["zh"], points=float(entry["points"]),
        when=_conditions(where, "when", when, refs),
        evidence=tuple(entry["evidence"]), section=entry["section"], jurisdictions=packs,
    )


def _check_weights(weights: dict, refs: _References, product_ids: set | None) -> None:
    """Every domain has base values; evidence, benchmark cases and revenue models name what exists.
    `product_ids` None: the report's cases are left out (a caller's catalog alone), so the
    weights' references to them are evidence only and not checked against the catalog."""
    domains = weights["domains"]
    for term in refs.vocabulary.terms("domain"):
        if term.code not in domains:
            refs.problems.add(f"weights.yaml: domains.{term.code}", "no base values for this domain")
    for code in domains:
        refs.code(f"weights.yaml: domains.{code}", "key", "domain", code)
    for path, entry in _entries(weights):
        where = f"weights.yaml: {path}"
        refs.evidence(where, "evidence", entry.get("evidence", ()))
        for product_id in entry.get("benchmarks", ()) if product_ids is not None else ():
            if product_id not in product_ids:
                refs.problems.add(where, f"benchmarks {product_id!r} names no benchmark case (catalog)")
    models = weights["differentiation"]["diversified_revenue"]["models"]
    refs.codes("weights.yaml: differentiation.diversified_revenue", "models", "business_model", models)


def _entries(tree: dict, path: str = ""):
    """Every mapping in the weights with its dotted path: factors wherever they sit."""
    for key, value in tree.items():
        if isinstance(value, dict):
            here = f"{path}.{key}" if path else key
            yield here, value
            yield from _entries(value, here)
