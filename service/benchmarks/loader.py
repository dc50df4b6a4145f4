"""Loads and validates the benchmark data files; any inconsistency stops start-up with a clear error."""

import hashlib
import json
import sys
import re
from collections import Counter
from pathlib import Path
from types import MappingProxyType

import yaml

from service.errors import BenchmarkDataError, FieldError, UnknownTerm
from service.profile import CERTIFICATION_LEVELS, CONDITION_KINDS, VERDICTS, Compliance, ProductProfile
from service.vocabulary import Term, Vocabulary
from service.benchmarks.models import (
    CONDITION_FLAGS,
    Benchmarks,
    BenchmarkProduct,
    Conditions,
    Figure,
    Outcome,
    Relief,
    Remedy,
    Rule,
    SegmentNeed,
    combination_pairs,
    family_tokens,
)
from service.benchmarks.index import CatalogIndex

DATA_DIR = Path(__file__).parent / "data"
FILES = ("vocabulary.yaml", "market.yaml", "catalog.yaml", "rules.yaml", "weights.yaml")
# A large catalog may come as JSON lines instead of catalog.yaml: read one product at a time, its
# peak memory stays flat (PyYAML builds the whole node tree of a document before any object).
CATALOG_LINES = "catalog.jsonl"
_SECTION = re.compile(r"^[1-7](\.\d+){1,2}$")
_PROFILE_LISTS = ("tech_stack", "scenarios", "target_segments", "business_model", "partners")
_COMPLIANCE_LISTS = {"licenses": "license", "data_sources": "data_source", "privacy_controls": "privacy_control"}
_CUSTOM_COMPLIANCE = {"licenses", "data_sources", "privacy_controls", "cross_border", "certification", "sandbox",
                      "max_apr"}
_LIST_KINDS = {"tech_stack": "technology", "scenarios": "scenario", "target_segments": "segment",
               "business_model": "business_model", "partners": "partner"}


class _Problems:
    """Collects every problem so one start-up failure lists them all, each with file and entry."""

    def __init__(self):
        self.items: list[FieldError] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(FieldError(where, message))

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
    (pass catalog_entries=() to score against the custom products alone)."""
    problems = _Problems()
    digest = hashlib.sha256()
    for name in sorted(n for n in raw if n != "catalog.yaml"):
        digest.update(json.dumps([name, raw[name]], sort_keys=True, ensure_ascii=False, default=str).encode())
    vocabulary = _vocabulary(raw["vocabulary.yaml"], problems)
    problems.raise_if_any()
    market = raw["market.yaml"]
    figures = _figures(market.get("figures") or {}, problems)
    needs = _segment_needs(market.get("segment_needs") or {}, vocabulary, problems)
    if catalog_entries is None:
        catalog_entries = (raw.get("catalog.yaml") or {}).get("products") or []
    products = _products(catalog_entries, vocabulary, problems, digest)
    if custom is not None:
        label, entries = custom
        digest.update(json.dumps(["custom", label]).encode())
        report_ids = {p.id for p in products}
        for product in _products(entries, vocabulary, problems, digest, source=label, cited=False):
            if product.id in report_ids:
                problems.add(f"{label}: id={product.id}", "id already names a report case; choose another")
            products.append(product)
    rules_raw = raw["rules.yaml"]
    rules = tuple(_rule(i, r, vocabulary, figures, problems) for i, r in enumerate(rules_raw.get("rules") or []))
    reliefs = tuple(_relief(i, r, vocabulary, figures, problems) for i, r in enumerate(rules_raw.get("reliefs") or []))
    _check_unique("rules.yaml", [r.id for r in rules + reliefs], problems)
    weights = raw["weights.yaml"]
    report_ids = None if isinstance(catalog_entries, tuple) and not catalog_entries else {p.id for p in products}
    _check_weights(weights, vocabulary, figures, report_ids, problems)
    problems.raise_if_any()
    pair_counts = Counter(pair for p in products for pair in combination_pairs(p.profile))
    return Benchmarks(
        version="bm-" + digest.hexdigest()[:12],
        vocabulary=vocabulary,
        products=tuple(products),
        figures=MappingProxyType(figures),
        segment_needs=MappingProxyType(needs),
        rules=rules,
        reliefs=reliefs,
        weights=_freeze(weights),
        pair_counts=MappingProxyType(dict(pair_counts)),
        index=CatalogIndex.build(products, weights["similarity"]["kind_weights"], weights["similarity"]["idf_floor"],
                                 family_tokens(vocabulary)),
    )


def _freeze(value):
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


_CUSTOM_FIELDS = {"id", "name", "domain", "description", "compliance", "verdict", *_LIST_KINDS}


def _check_section(where: str, section, problems: _Problems) -> None:
    if not isinstance(section, str) or not _SECTION.match(section):
        problems.add(where, f"missing or malformed report section {section!r} (expected e.g. '2.3.1')")


def _check_unique(file: str, ids: list[str], problems: _Problems) -> None:
    for key, count in Counter(ids).items():
        if count > 1:
            problems.add(f"{file}: id={key}", f"duplicate id ({count} entries)")


def _check_evidence(where: str, evidence, figures: dict, problems: _Problems) -> None:
    for figure_id in evidence or ():
        if figure_id not in figures:
            problems.add(where, f"evidence names unknown market figure {figure_id!r}")


def _vocabulary(data: dict, problems: _Problems) -> Vocabulary:
    terms = []
    for kind, entries in data.items():
        for code, entry in (entries or {}).items():
            where = f"vocabulary.yaml: {kind}.{code}"
            if not entry.get("en") or not entry.get("zh"):
                problems.add(where, "every term needs both an English (en) and a Chinese (zh) label")
                continue
            if entry.get("section") is not None or not entry.get("basis"):
                _check_section(where, entry.get("section"), problems)
            terms.append(Term(
                kind=kind, code=code, en=entry["en"], zh=entry["zh"],
                synonyms=tuple(str(s) for s in entry.get("synonyms") or ()),
                section=str(entry.get("section", "")),
                vertical=bool(entry.get("vertical", False)),
                red_line=bool(entry.get("red_line", False)),
                lookalike=MappingProxyType(entry["lookalike"]) if entry.get("lookalike") else None,
                parent=entry.get("parent"), basis=entry.get("basis"),
                domains=tuple(entry.get("domains") or ()), generic=bool(entry.get("generic", False)),
                sensitivity=entry.get("sensitivity"),
            ))
    try:
        return Vocabulary(terms)
    except ValueError as exc:
        problems.add("vocabulary.yaml", str(exc))
        return Vocabulary([])


def _code(where: str, vocabulary: Vocabulary, kind: str, value, problems: _Problems,
          any_spelling: bool = False) -> str | None:
    """The canonical code for `value`: a code exactly (report data), or any accepted spelling."""
    lookup = vocabulary.resolve if any_spelling else vocabulary.term
    try:
        return lookup(kind, str(value)).code
    except UnknownTerm as exc:
        problems.add(where, str(exc))
        return None


def _codes(where, vocabulary, kind, values, problems, any_spelling: bool = False) -> tuple[str, ...]:
    if isinstance(values, str):
        problems.add(where, f"{kind} terms must be a list")
        return ()
    found = (_code(where, vocabulary, kind, v, problems, any_spelling) for v in values or ())
    return tuple(c for c in found if c)


def _figures(data: dict, problems: _Problems) -> dict[str, Figure]:
    figures = {}
    for key, entry in data.items():
        where = f"market.yaml: figures.{key}"
        _check_section(where, entry.get("section"), problems)
        if not isinstance(entry.get("value"), (int, float)):
            problems.add(where, "value must be a number")
            continue
        figures[key] = Figure(key, entry["value"], entry.get("unit", ""), entry.get("section", ""),
                              entry.get("en", ""), entry.get("zh", ""))
    return figures


def _segment_needs(data: dict, vocabulary: Vocabulary, problems: _Problems) -> dict[str, SegmentNeed]:
    needs = {}
    for segment, entry in data.items():
        where = f"market.yaml: segment_needs.{segment}"
        if _code(where, vocabulary, "segment", segment, problems) is None:
            continue
        _check_section(where, entry.get("section"), problems)
        needs[segment] = SegmentNeed(
            segment, entry.get("section", ""),
            frozenset(_codes(where, vocabulary, "scenario", entry.get("scenarios"), problems)),
            frozenset(_codes(where, vocabulary, "technology", entry.get("technologies"), problems)),
            entry.get("en", ""), entry.get("zh", ""),
        )
    return needs


def _products(entries, vocabulary: Vocabulary, problems: _Problems, digest, source: str = "catalog.yaml",
              cited: bool = True) -> list[BenchmarkProduct]:
    """One pass over the entries: validate, hash and build each, so that none needs keeping.
    Report cases (`cited`) need bilingual names, sections and canonical codes; a caller's catalog
    has a plain name and may use any spelling the vocabulary accepts."""
    products = []
    ids = []
    shared_outcomes: dict[tuple, Outcome] = {}  # one object per distinct outcome text, not per product
    for i, entry in enumerate(entries):
        where = f"{source}: products[{i}] (id={entry.get('id') if isinstance(entry, dict) else None})"
        if not isinstance(entry, dict) or not entry.get("id"):
            problems.add(where, "a product is an object with an id")
            continue
        digest.update(json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str).encode())
        ids.append(str(entry.get("id")))
        name = entry.get("name") or {}
        if not cited:
            name = {"en": str(name), "zh": str(name)}
            unknown = sorted(set(entry) - _CUSTOM_FIELDS) + sorted(
                f"compliance.{k}" for k in set(entry.get("compliance") or {}) - _CUSTOM_COMPLIANCE)
            if unknown:
                problems.add(where, f"unknown field(s) {unknown}: rejected, not ignored")
        elif not name.get("en") or not name.get("zh"):
            problems.add(where, "name needs en and zh")
        sections = tuple(sys.intern(str(s)) for s in entry.get("sections") or ())
        if cited and not sections:
            problems.add(where, "no report section cited")
        for section in sections:
            _check_section(where, section, problems)
        outcomes = []
        for outcome in entry.get("outcomes") or ():
            _check_section(where, outcome.get("section"), problems)
            text = (outcome.get("section", ""), outcome.get("en", ""), outcome.get("zh", ""))
            outcomes.append(shared_outcomes.setdefault(text, Outcome(*text)))
        verdict = entry.get("verdict")
        if verdict is not None and verdict not in VERDICTS:
            problems.add(where, f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
        compliance = entry.get("compliance") or {}
        certification = compliance.get("certification", "none")
        if certification not in CERTIFICATION_LEVELS:
            problems.add(where, f"certification {certification!r} is not one of {CERTIFICATION_LEVELS}")
        profile = ProductProfile(
            domain=_code(where, vocabulary, "domain", entry.get("domain"), problems, not cited) or "",
            name=name.get("en", ""),
            compliance=Compliance(
                cross_border=bool(compliance.get("cross_border", False)),
                certification=certification,
                sandbox=bool(compliance.get("sandbox", False)),
                max_apr=compliance.get("max_apr"),
                **{f: _codes(where, vocabulary, k, compliance.get(f), problems, not cited)
                   for f, k in _COMPLIANCE_LISTS.items()},
            ),
            **{f: _codes(where, vocabulary, k, entry.get(f), problems, not cited) for f, k in _LIST_KINDS.items()},
        )
        products.append(BenchmarkProduct(
            id=str(entry.get("id")), name_en=name.get("en", ""), name_zh=name.get("zh", ""),
            verdict=verdict, sections=sections, outcomes=tuple(outcomes),
            profile=profile,
        ))
    _check_unique(source, ids, problems)
    return products


def _conditions(where: str, tests, vocabulary: Vocabulary, problems: _Problems) -> Conditions:
    compiled = {}
    for key, value in (tests or {}).items():
        kind = key[: -len("_only")] if key.endswith("_only") else key
        if key in CONDITION_FLAGS:
            if not isinstance(value, bool):
                problems.add(where, f"condition {key} must be true or false")
            compiled[key] = value
        elif key == "certification":
            bad = [v for v in value if v not in CERTIFICATION_LEVELS]
            if bad:
                problems.add(where, f"certification condition has unknown levels {bad}")
            compiled[key] = frozenset(value)
        elif key == "max_apr_above":
            compiled[key] = float(value)
        elif kind in CONDITION_KINDS:
            compiled[key] = frozenset(_codes(where, vocabulary, kind, value, problems))
        else:
            problems.add(where, f"unknown condition {key!r}")
    return Conditions(MappingProxyType(compiled))


def _rule(i: int, entry: dict, vocabulary, figures, problems) -> Rule:
    where = f"rules.yaml: rules[{i}] (id={entry.get('id')})"
    _check_section(where, entry.get("section"), problems)
    _check_evidence(where, entry.get("evidence"), figures, problems)
    if not entry.get("en") or not entry.get("zh"):
        problems.add(where, "rule needs en and zh text")
    mitigated = tuple(sorted((entry.get("mitigated_by") or {}).items()))
    for control, share in mitigated:
        _code(where, vocabulary, "privacy_control", control, problems)
        if not 0 < share < 1:
            problems.add(where, f"mitigation share of {control} must be between 0 and 1")
    remedy = entry.get("remedy")
    if entry.get("mandatory") and not entry.get("requirement"):
        problems.add(where, "a mandatory rule needs a requirement text")
    return Rule(
        id=str(entry.get("id")), en=entry.get("en", ""), zh=entry.get("zh", ""),
        severity=float(entry.get("severity", 0)),
        when=_conditions(where, entry.get("when"), vocabulary, problems),
        unless=tuple(_conditions(where, c, vocabulary, problems) for c in entry.get("unless") or ()),
        mitigated_by=mitigated,
        floor=float(entry.get("floor", 0.3)),
        mandatory=bool(entry.get("mandatory", False)),
        requirement=MappingProxyType(entry["requirement"]) if entry.get("requirement") else None,
        remedy=Remedy(remedy["field"], remedy["action"], remedy["value"]) if remedy else None,
        evidence=tuple(entry.get("evidence") or ()),
        section=entry.get("section", ""),
        external_basis=entry.get("external_basis"),
    )


def _relief(i: int, entry: dict, vocabulary, figures, problems) -> Relief:
    where = f"rules.yaml: reliefs[{i}] (id={entry.get('id')})"
    _check_section(where, entry.get("section"), problems)
    _check_evidence(where, entry.get("evidence"), figures, problems)
    if float(entry.get("points", 0)) > 0:
        problems.add(where, "a relief must lower risk (points <= 0)")
    return Relief(
        id=str(entry.get("id")), en=entry.get("en", ""), zh=entry.get("zh", ""),
        points=float(entry.get("points", 0)),
        when=_conditions(where, entry.get("when"), vocabulary, problems),
        evidence=tuple(entry.get("evidence") or ()), section=entry.get("section", ""),
    )


def _check_weights(weights: dict, vocabulary: Vocabulary, figures: dict, product_ids: set | None,
                   problems: _Problems) -> None:
    """`product_ids` None: the report's cases are left out (a caller's catalog alone), so the
    weights' references to them are evidence only and not checked against the catalog."""
    domains = weights.get("domains") or {}
    for term in vocabulary.terms("domain"):
        if term.code not in domains:
            problems.add(f"weights.yaml: domains.{term.code}", "no base values for this domain")
    for code, entry in domains.items():
        _code(f"weights.yaml: domains.{code}", vocabulary, "domain", code, problems)
        _check_evidence(f"weights.yaml: domains.{code}", entry.get("evidence"), figures, problems)
    for score in ("homogeneity", "differentiation"):
        for name, entry in (weights.get(score) or {}).items():
            if isinstance(entry, dict):
                _check_evidence(f"weights.yaml: {score}.{name}", entry.get("evidence"), figures, problems)
                for product_id in entry.get("benchmarks") or ():
                    if product_ids is not None and product_id not in product_ids:
                        problems.add(f"weights.yaml: {score}.{name}", f"names unknown benchmark {product_id!r}")
    for term in vocabulary.terms("business_model"):
        if term.lookalike:
            _check_evidence(f"vocabulary.yaml: business_model.{term.code}", [term.lookalike.get("evidence")], figures, problems)
