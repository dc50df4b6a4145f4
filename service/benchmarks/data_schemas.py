"""What each benchmark data file must hold, as marshmallow schemas: every key the code reads is
required with its type, and a key nobody reads is an error (a typo would otherwise be ignored).

Values are taken as written, never converted (a quoted number is a wrong type, not a number), so
the data that passed is the data the loader builds from and hashes. Cross-references between files,
citations and the version hash are the loader's (service/benchmarks/loader.py).

A problem is a FieldError whose field names the file and the entry and whose message names the key:
`weights.yaml: homogeneity.neighbour_density` / `missing key 'cap'`.

Speed: a 100k-product catalog is checked one product at a time. marshmallow's own validation costs
about 120 us per product (12 s per 100k), so each schema is also compiled into a plain predicate
(`_compile`, about 10 us) from the same field objects and validators: data it passes is valid, and
marshmallow only runs to word the problems of data that fails."""

import math
import re
import string
from collections.abc import Callable

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA

from service.errors import FieldError
from service.profile import (ACTIVITIES, CERTIFICATION_LEVELS, CONDITION_KINDS, ONE_LINE, PHRASE_KINDS, PROFILE_FIELDS,
                             SIMILARITY_KINDS, VERDICTS, one_line)
from service.benchmarks.models import CONDITION_FLAGS

MISSING = "missing key"
UNKNOWN = "unknown key"
SECTION = re.compile(r"^[1-7](\.\d+){1,2}$")
SENSITIVITY = ("high", "medium", "low")
EDIT_ACTIONS = ("add", "remove", "set")


# --- leaf fields: a value is accepted as written or not at all -------------------------------------

def _shown(value) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:40] + '...' if len(text) > 40 else text}"


class Leaf(fields.Field):
    """A field whose whole test is `accepts`; marshmallow and the compiled check both use it."""

    expected = "a value"
    types: frozenset | None = None  # set when the test is the value's type alone: lists check fast
    default_error_messages = {"required": MISSING, "null": "must not be null"}

    def accepts(self, value) -> bool:
        raise NotImplementedError

    def _deserialize(self, value, attr, data, **kwargs):
        if not self.accepts(value):
            raise ValidationError(f"must be {self.expected}, not {_shown(value)}")
        return value


class Text(Leaf):
    """A non-empty string (blank=True: may be empty)."""

    def __init__(self, *, blank: bool = False, single_line: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.blank, self.single_line = blank, single_line
        self.expected = ("text" if blank else "non-empty text") + (f", {ONE_LINE}" if single_line else "")
        self.types = frozenset({str}) if blank and not single_line else None

    def accepts(self, value) -> bool:
        return (type(value) is str and (self.blank or (value != "" and not value.isspace()))
                and (not self.single_line or one_line(value)))


class Number(Leaf):
    """An int or float (never a bool, a string or NaN), optionally within bounds."""

    def __init__(self, *, low=None, high=None, open_low: bool = False, open_high: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.low, self.high, self.open_low, self.open_high = low, high, open_low, open_high
        bounds = [f"{'>' if open_low else '>='} {low}" if low is not None else None,
                  f"{'<' if open_high else '<='} {high}" if high is not None else None]
        self.expected = "a number " + " and ".join(b for b in bounds if b) if any(bounds) else "a number"

    def accepts(self, value) -> bool:
        if type(value) not in (int, float) or (type(value) is float and math.isnan(value)):
            return False
        if self.low is not None and (value <= self.low if self.open_low else value < self.low):
            return False
        return self.high is None or (value < self.high if self.open_high else value <= self.high)


class Count(Leaf):
    """A whole number >= 0 (used as a slice bound or a count)."""

    expected = "a whole number >= 0"

    def accepts(self, value) -> bool:
        return type(value) is int and value >= 0


class Flag(Leaf):
    expected = "true or false"
    types = frozenset({bool})

    def accepts(self, value) -> bool:
        return type(value) is bool


class Choice(Leaf):
    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = frozenset(choices)
        self.expected = "one of " + ", ".join(sorted(map(str, choices)))

    def accepts(self, value) -> bool:
        return type(value) is str and value in self.choices


class Section(Leaf):
    """A report section number such as '2.3.1'."""

    expected = "a report section such as '2.3.1'"

    def accepts(self, value) -> bool:
        return type(value) is str and SECTION.match(value) is not None


class Template(Leaf):
    """A factor text; {placeholders} only among those the scoring code fills in for that factor."""

    def __init__(self, placeholders=(), **kwargs):
        super().__init__(**kwargs)
        self.placeholders = frozenset(placeholders)
        names = ", ".join("{" + p + "}" for p in sorted(self.placeholders))
        self.expected = f"text with placeholders among {names}" if names else "text without {placeholders}"

    def accepts(self, value) -> bool:
        if type(value) is not str or not value.strip():
            return False
        try:
            used = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError:
            return False
        return used <= self.placeholders


class Scalar(Leaf):
    """A plain YAML scalar: text, number or true/false (an edit's value; the loader checks its kind)."""

    expected = "text, a number or true/false"
    types = frozenset({str, int, float, bool})

    def accepts(self, value) -> bool:
        return type(value) in (str, int, float, bool)


class Entries(Leaf):
    """A list whose items another schema checks one at a time (products: see the loader)."""

    expected = "a list"

    def accepts(self, value) -> bool:
        return type(value) is list


# --- containers with the same wording --------------------------------------------------------------

class List(fields.List):
    default_error_messages = {"required": MISSING, "null": "must not be null", "invalid": "must be a list"}


class Nested(fields.Nested):
    default_error_messages = {"required": MISSING, "null": "must not be null", "type": "must be a mapping"}


class Dict(fields.Dict):
    default_error_messages = {"required": MISSING, "null": "must not be null", "invalid": "must be a mapping"}


def codes(**kwargs) -> List:
    """A list of vocabulary codes: text here, and the loader checks that each names a term."""
    return List(Text(blank=True), **kwargs)


class Strict(Schema):
    """Unknown keys are errors: a misspelt key would otherwise be silently ignored."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": UNKNOWN, "type": "must be a mapping"}


class Bilingual(Strict):
    en = Text(required=True)
    zh = Text(required=True)


# --- vocabulary.yaml ------------------------------------------------------------------------------

class Lookalike(Strict):
    """A look-alike pattern the report criticises: where it is common and the figure that shows it."""

    domain = Text(required=True)
    evidence = Text(required=True)


class TermSchema(Strict):
    """One term; `section` may be left out when `basis` names an external source (loader: citations)."""

    en = Text(required=True)
    zh = Text(required=True)
    synonyms = List(Text())
    section = Section()
    basis = Text()
    parent = Text()
    domains = codes()
    generic = Flag()
    sensitivity = Choice(SENSITIVITY)
    covers = List(Text())
    jurisdictions = codes()
    control = Text()
    vertical = Flag()
    red_line = Flag()
    lookalike = Nested(Lookalike)


VocabularySchema = Strict.from_dict(
    {kind: Dict(keys=Text(), values=Nested(TermSchema), required=True) for kind in (*CONDITION_KINDS, *PHRASE_KINDS)},
    name="VocabularySchema")


# --- market.yaml ----------------------------------------------------------------------------------

class FigureSchema(Strict):
    value = Number(required=True)
    unit = Text(required=True)
    section = Section(required=True)
    en = Text(required=True)
    zh = Text(required=True)
    domains = codes()
    segments = codes()


class SegmentNeedSchema(Strict):
    section = Section(required=True)
    scenarios = codes(required=True)
    technologies = codes(required=True)
    en = Text(required=True)
    zh = Text(required=True)


class _Sized(Strict):
    """A part of the market with where its size comes from: report figures, and the reasoning where
    the report gives no split (loader: a size must cite a section and figures or an estimate)."""

    share = Number(low=0, high=1, open_low=True, required=True)
    section = Section(required=True)
    figures = codes(required=True)
    estimate = Text()


class CommoditySchema(Strict):
    technology = codes(required=True)
    section = Section(required=True)
    figures = codes(required=True)
    en = Text(required=True)
    zh = Text(required=True)


class ArchetypeSchema(_Sized):
    """A mainstream look-alike pattern of one domain: what a product of that kind carries."""

    id = Text(required=True)
    name = Nested(Bilingual, required=True)
    domain = Text(required=True)
    terms_basis = Text(required=True)    # why products of this kind carry these terms
    tech_stack = codes()
    scenarios = codes()
    target_segments = codes()
    business_model = codes()
    partners = codes()
    compliance = Nested(Strict.from_dict({"licenses": codes(), "data_sources": codes(), "privacy_controls": codes()},
                                         name="ArchetypeCompliance"))


class MarketModelSchema(Strict):
    products_total = Nested(Strict.from_dict({"figure": Text(required=True)}, name="ProductsTotal"), required=True)
    domains = Dict(keys=Text(), values=Nested(_Sized), required=True)
    commodity_technologies = Nested(CommoditySchema, required=True)
    common_share = Number(low=0, high=1, open_low=True, required=True)
    belongs = Dict(keys=Text(), values=Nested(Strict.from_dict(
        {"partner": codes(), "technology": codes(), "scenario": codes()}, name="DomainTerms")), required=True)
    archetypes = List(Nested(ArchetypeSchema), required=True)


class MarketSchema(Strict):
    figures = Dict(keys=Text(), values=Nested(FigureSchema), required=True)
    segment_needs = Dict(keys=Text(), values=Nested(SegmentNeedSchema), required=True)
    market_model = Nested(MarketModelSchema, required=True)


# --- catalog.yaml / catalog.jsonl / callers' catalogs ---------------------------------------------

_SHAPES = {"terms": codes, "flag": Flag, "level": lambda: Choice(CERTIFICATION_LEVELS),
           "rate": lambda: Number(low=0, allow_none=True)}


def _profile_fields(top: bool) -> dict:
    """The profile's fields from its one declaration (service.profile.PROFILE_FIELDS)."""
    return {f.name: _SHAPES[f.shape]() for f in PROFILE_FIELDS if f.in_compliance != top}


class Outcome(Strict):
    section = Section(required=True)
    en = Text(required=True)
    zh = Text(required=True)


ReportCompliance = Strict.from_dict({**_profile_fields(top=False), "licenses_basis": Text()},
                                    name="ReportCompliance")
CustomCompliance = Strict.from_dict(_profile_fields(top=False), name="CustomCompliance")

# A report case: canonical codes, bilingual name, the sections that cite it and what they report.
ReportProductSchema = Strict.from_dict({
    "id": Text(required=True), "name": Nested(Bilingual, required=True), "domain": Text(required=True),
    **_profile_fields(top=True), "compliance": Nested(ReportCompliance), "verdict": Choice(VERDICTS),
    "sections": List(Section(), required=True,
                     validate=validate.Length(min=1, error="must cite at least one report section")),
    "outcomes": List(Nested(Outcome)),
    # What the profile takes from outside the report (public product lines), and from where.
    "basis": Text(),
}, name="ReportProductSchema")

# A caller's product (cited=False): a plain name, any spelling the vocabulary accepts, no citations.
CustomProductSchema = Strict.from_dict({
    "id": Text(required=True, single_line=True), "name": Text(blank=True, single_line=True),
    "domain": Text(required=True), "description": Text(blank=True),
    **_profile_fields(top=True), "compliance": Nested(CustomCompliance), "verdict": Choice(VERDICTS),
}, name="CustomProductSchema")


class CatalogSchema(Strict):
    """catalog.yaml; its products are checked one by one (ReportProductSchema), as catalog.jsonl's are."""

    products = Entries(required=True)


# --- rules.yaml -----------------------------------------------------------------------------------

ConditionsSchema = Strict.from_dict({
    **{kind: codes() for kind in CONDITION_KINDS},
    **{f"{kind}_only": codes() for kind in CONDITION_KINDS},
    **{flag: Flag() for flag in CONDITION_FLAGS},
    "certification": List(Choice(CERTIFICATION_LEVELS)),
    "max_apr_above": Number(low=0),
    # a licence held that permits this activity where the rule applies (loader: the licences' covers)
    "covered": Choice(ACTIVITIES),
}, name="ConditionsSchema")


class RemedySchema(Strict):
    field = Choice(["domain", *(f.path for f in PROFILE_FIELDS)], required=True)
    action = Choice(EDIT_ACTIONS, required=True)
    value = Scalar(required=True)


class RuleSchema(Strict):
    id = Text(required=True)
    en = Text(required=True)
    zh = Text(required=True)
    severity = Number(low=0, required=True)
    when = Nested(ConditionsSchema, required=True)
    unless = List(Nested(ConditionsSchema))
    mitigated_by = Dict(keys=Text(), values=Number(low=0, high=1, open_low=True, open_high=True))
    floor = Number(low=0, high=1)
    mandatory = Flag()
    requirement = Nested(Bilingual)
    remedy = Nested(RemedySchema)
    evidence = codes()
    section = Section()
    external_basis = Text()
    jurisdictions = List(Text(), required=True)
    red_line = Flag()

    @validates_schema
    def mandatory_states_its_requirement(self, data, **kwargs):
        if data.get("mandatory") and "requirement" not in data:
            raise ValidationError(f"{MISSING}: a mandatory rule states what it requires", field_name="requirement")

    @validates_schema
    def cites_its_basis(self, data, **kwargs):
        if not (data.get("section") and data.get("evidence")) and not data.get("external_basis"):
            raise ValidationError(f"{MISSING}: a rule cites the report (section and evidence) or, from outside "
                                  "the report, its legal source and enforcement case (external_basis)",
                                  field_name="external_basis")


class ReliefSchema(Strict):
    id = Text(required=True)
    en = Text(required=True)
    zh = Text(required=True)
    points = Number(high=0, required=True)
    when = Nested(ConditionsSchema, required=True)
    jurisdictions = List(Text(), required=True)
    evidence = codes(required=True)
    section = Section(required=True)


class RulesSchema(Strict):
    rules = List(Nested(RuleSchema), required=True)
    reliefs = List(Nested(ReliefSchema), required=True)


# --- weights.yaml ---------------------------------------------------------------------------------

def factor(*placeholders: str, **required) -> type[Schema]:
    """A scored factor: its settings (`required`: name -> field type, all required), the texts the
    report shows with the {placeholders} the scoring code fills in, and its evidence (market figure
    ids) and benchmark cases."""
    return Strict.from_dict({
        **{name: make(required=True) for name, make in required.items()},
        "en": Template(placeholders, required=True), "zh": Template(placeholders, required=True),
        "evidence": codes(), "benchmarks": codes(),
    }, name="Factor")


def factors(name: str, schemas: dict, **others) -> type[Schema]:
    """A score's factors by code, every one required (the scoring code reads each by name)."""
    return Strict.from_dict({**{code: Nested(schema, required=True) for code, schema in schemas.items()},
                             **others}, name=name)


class BandsSchema(Strict):
    medium_from = Number(low=0, high=100, required=True)
    high_from = Number(low=0, high=100, required=True)

    @validates_schema
    def ordered(self, data, **kwargs):
        if data["medium_from"] >= data["high_from"]:
            raise ValidationError("must be above medium_from", field_name="high_from")


class SimilaritySchema(Strict):
    kind_weights = Nested(Strict.from_dict({k: Number(low=0, required=True) for k in SIMILARITY_KINDS},
                                           name="KindWeights"), required=True)
    idf_floor = Number(low=0, required=True)
    archetype_extra_weight = Number(low=0, high=1, required=True)
    lookalike_power = Number(low=0, required=True)
    neighbour_threshold = Number(low=0, high=1, required=True)
    nearest_k = Count(required=True)


class DomainWeightsSchema(Strict):
    homogeneity_base = Number(low=0, high=100, required=True)
    differentiation_base = Number(low=0, high=100, required=True)
    compliance_base = Number(low=0, high=100, required=True)
    evidence = codes(required=True)


class CrowdingSchema(Strict):
    crowded_from = Number(low=0, required=True)
    saturated_from = Number(low=0, required=True)


_POINTS = {"points": Number}
_CAPPED = {"points": Number, "max_count": Count}
HomogeneitySchema = factors("HomogeneitySchema", {
    "neighbour_density": factor("rivals", "count", "density", points_per_tenfold=Number, cap=Number),
    "homogeneous_neighbour": factor("label", "similarity", **_POINTS),
    "lookalike_archetype": factor("label", "similarity", "products", **_POINTS),
    "lookalike_pattern": factor("label", **_POINTS),
    "no_scenario": factor(**_POINTS),
    "generic_scenarios_only": factor(**_POINTS),
    "vertical_scenario": factor("label", **_CAPPED),
    "tech_without_scenario": factor(**_POINTS),
    "distinctive_technology": factor("label", **_CAPPED, max_rivals_using=Count),
    "ecosystem_partner": factor("label", **_CAPPED),
    "diversified_revenue": factor("label", **_POINTS),
}, crowding=Nested(CrowdingSchema, required=True))

DifferentiationSchema = factors("DifferentiationSchema", {
    "combination_rarity": factor("rare", "pairs", points=Number, pairs_for_full_weight=Count),
    "vertical_scenario": factor("label", **_CAPPED),
    "tech_scenario_synergy": factor(**_POINTS),
    "tech_without_scenario": factor(**_POINTS),
    "distinctive_technology": factor("label", **_CAPPED, max_rivals_using=Count),
    "no_technology": factor(**_POINTS),
    "ecosystem_partner": factor("label", **_CAPPED),
    "segment_fit": factor("label", "need", "offer", **_CAPPED),
    "segment_miss": factor("label", "need", **_CAPPED),
    "diversified_revenue": factor("label", **_POINTS, models=codes),
    "lookalike_pattern": factor("label", **_POINTS),
    "neighbour_density": factor("count", "rivals", points_per_tenfold=Number, cap=Number),
}, bands=Nested(BandsSchema, required=True))


class CoverageSchema(Strict):
    without_neighbours_factor = Number(low=0, high=1, required=True)


class RecommendationLimitsSchema(Strict):
    max_results = Count(required=True)
    max_scenarios = Count(required=True)
    max_technologies = Count(required=True)
    max_partners = Count(required=True)


class WeightsSchema(Strict):
    bands = Nested(BandsSchema, required=True)
    similarity = Nested(SimilaritySchema, required=True)
    domains = Dict(keys=Text(), values=Nested(DomainWeightsSchema), required=True)
    homogeneity = Nested(HomogeneitySchema, required=True)
    differentiation = Nested(DifferentiationSchema, required=True)
    coverage = Nested(CoverageSchema, required=True)
    recommendations = Nested(RecommendationLimitsSchema, required=True)


# --- checking: compiled predicate first, marshmallow's messages on failure ------------------------

def _compile(schema: Schema) -> Callable[[object], bool] | None:
    """A predicate that holds only for data `schema.validate` finds nothing wrong with, built from
    the same field objects and schema validators; None when the schema uses anything it cannot
    mirror (other hooks or field types), so that marshmallow checks every value."""
    hooks = schema._hooks
    if schema.unknown != RAISE or any(hooks[t] for t in (PRE_LOAD, POST_LOAD, VALIDATES)):
        return None
    if any(many or options.get("pass_original") for _, many, options in hooks[VALIDATES_SCHEMA]):
        return None
    validators = [getattr(schema, name) for name, _, _ in hooks[VALIDATES_SCHEMA]]
    tests = {}
    for name, field in schema.load_fields.items():
        test = _compile_field(field)
        if test is None:
            return None
        tests[field.data_key or name] = test
    required = frozenset(field.data_key or name for name, field in schema.load_fields.items() if field.required)

    def check(data) -> bool:
        if type(data) is not dict or not required <= data.keys():
            return False
        for key, value in data.items():
            test = tests.get(key)
            if test is None or not test(value):
                return False
        try:  # as marshmallow calls them once every field passed (values are taken as written)
            for validator in validators:
                validator(data, partial=None, many=False, unknown=None)
        except ValidationError:
            return False
        return True
    return check


def _compile_field(field: fields.Field) -> Callable[[object], bool] | None:
    if isinstance(field, Leaf):
        test = field.accepts
    elif isinstance(field, fields.Nested) and isinstance(field.schema, Schema) and not field.many:
        test = _compile(field.schema)
    elif isinstance(field, fields.List) and _by_type(field.inner):
        types = field.inner.types
        test = lambda value: type(value) is list and set(map(type, value)) <= types  # noqa: E731
    elif isinstance(field, fields.List):
        inner = _compile_field(field.inner)
        test = inner and (lambda value: type(value) is list and all(map(inner, value)))
    elif isinstance(field, fields.Dict) and field.key_field and field.value_field:
        keys, values = _compile_field(field.key_field), _compile_field(field.value_field)
        test = keys and values and (
            lambda value: type(value) is dict and all(map(keys, value)) and all(map(values, value.values())))
    else:
        return None
    if test is None:
        return None
    if field.validators:
        test = _with_validators(test, field.validators)
    return (lambda value: value is None or test(value)) if field.allow_none else test


def _by_type(field: fields.Field) -> bool:
    """Whether a field accepts a value by its type alone (no validator, no null)."""
    return isinstance(field, Leaf) and field.types is not None and not field.validators and not field.allow_none


def _with_validators(test, validators):
    def check(value) -> bool:
        if not test(value):
            return False
        try:
            return all(validator(value) is not False for validator in validators)
        except ValidationError:
            return False
    return check


class Check:
    """One schema applied to one file (or one entry of it) with problems worded for the consultant.

    `depth`: how many leading keys of a problem's path name the entry (vocabulary: kind and code);
    None: all but the last key (weights, a tree of settings)."""

    def __init__(self, schema: Schema, file: str, depth: int | None = None):
        self.schema, self.file, self.depth = schema, file, depth
        self.valid = _compile(schema) or (lambda data: False)

    def problems(self, data, where: str | None = None) -> list[FieldError]:
        """Nothing when the data is valid; else one FieldError per problem (an entry's unknown keys
        together), named 'file: entry' with the key in the message. `where` names the entry when
        `data` is one entry of a file (a product: 'catalog.yaml: products[3] (id=...)')."""
        if self.valid(data):
            return []
        found: dict[str, list] = {}
        unknown: dict[str, list] = {}
        for path, message in _flatten(self.schema, self.schema.validate(data), ()):
            entry, key = self._split(path, data)
            entry = ": ".join(filter(None, (where or self.file, entry)))
            if message == UNKNOWN:
                unknown.setdefault(entry, []).append(key)
            elif message.startswith(MISSING):
                found.setdefault(entry, []).append(f"missing key '{key}'{message[len(MISSING):]}")
            else:
                found.setdefault(entry, []).append(f"key '{key}' {message}" if key else message)
        for where, keys in unknown.items():
            listed = ", ".join(f"'{k}'" for k in sorted(keys))
            found.setdefault(where, []).append(f"unknown key{'s' if len(keys) > 1 else ''} {listed}: "
                                               "rejected, not ignored (misspelt?)")
        return [FieldError(where, message) for where, messages in found.items() for message in messages]

    def _split(self, path: tuple, data) -> tuple[str, str]:
        """The entry (rendered with an id where the item has one) and the key within it."""
        if self.depth is None:
            last = max((i for i, p in enumerate(path) if isinstance(p, str)), default=0)
            cut = last
        else:
            cut = min(self.depth, max(len(path) - 1, 0))
        return _render(path[:cut], data, with_id=True), _render(path[cut:], None)


def _render(path: tuple, data, with_id: bool = False) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            data = data[part] if isinstance(data, list) and part < len(data) else None
        else:
            text += f".{part}" if text else str(part)
            data = data.get(part) if isinstance(data, dict) else None
    if with_id and path and isinstance(path[-1], int) and isinstance(data, dict) and "id" in data:
        text += f" (id={data['id']})"
    return text


def _flatten(schema: Schema, errors: dict, path: tuple):
    """(path, message) pairs from marshmallow's nested error dict, read alongside the schema so that a
    mapping's own keys are never taken for marshmallow's 'key'/'value' wrappers."""
    for name, error in errors.items():
        if name == "_schema":
            yield from ((path, m) for m in error)
            continue
        field = schema.load_fields.get(name)
        if field is None:
            yield from ((path + (name,), m) for m in error)
        else:
            yield from _field_errors(field, error, path + (name,))


def _field_errors(field: fields.Field, error, path: tuple):
    if isinstance(error, list):
        yield from ((path, m) for m in error)
    elif isinstance(field, fields.Nested):
        yield from _flatten(field.schema, error, path)
    elif isinstance(field, fields.List):
        for index, inner in error.items():
            yield from _field_errors(field.inner, inner, path + (index,))
    elif isinstance(field, fields.Dict):
        for key, parts in error.items():
            yield from ((path + (key,), f"(the key itself) {m}") for m in parts.get("key", ()))
            if "value" in parts:
                yield from _field_errors(field.value_field, parts["value"], path + (key,))
    else:
        yield from ((path, str(m)) for m in error)


# One check per file; products are checked one by one, where= naming their source and position.
VOCABULARY = Check(VocabularySchema(), "vocabulary.yaml", depth=2)
MARKET = Check(MarketSchema(), "market.yaml", depth=2)
CATALOG = Check(CatalogSchema(), "catalog.yaml", depth=1)
RULES = Check(RulesSchema(), "rules.yaml", depth=2)
WEIGHTS = Check(WeightsSchema(), "weights.yaml")
FILE_CHECKS = {check.file: check for check in (VOCABULARY, MARKET, CATALOG, RULES, WEIGHTS)}
REPORT_PRODUCT = Check(ReportProductSchema(), "catalog.yaml", depth=0)
CUSTOM_PRODUCT = Check(CustomProductSchema(), "catalog", depth=0)
