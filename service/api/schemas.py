"""marshmallow schemas: the single source of the request/response contract and of openapi.yaml."""

from copy import deepcopy

from marshmallow import Schema, ValidationError, fields, missing, pre_load, validate, validates_schema
from webargs.fields import DelimitedList

from service.profile import CERTIFICATION_LEVELS, CONDITION_KINDS, FIELD_KINDS, ONE_LINE, ONE_LINE_PATTERN, PROFILE_FIELDS, VERDICTS, ProfileField, one_line
from service.profile_rows import split_terms
from service.vocabulary.profiles import READINGS
from service.vocabulary.scalars import MAX_RATE, RATE_ACCEPTED, RATE_TEXT_MAX, read_rate

# Limits a consultant can see in the docs; the app enforces the configured ones (Settings).
LIST_MAX = 50
TERM_MAX = 200
DESCRIPTION_MAX = 5000
# What one worker can hold within the pod's memory limit (see Settings.catalog_products_in_memory).
CATALOG_MAX_PRODUCTS = 40_000
KINDS = (*CONDITION_KINDS, "certification")


class Rate(fields.Field):
    """An annual rate as people write it: 0.24, 24, "24%" or "150%"; the answer's interpretation
    says how it was read."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValidationError(f"Not a rate: send {RATE_ACCEPTED}.")
        if isinstance(value, str):
            if not 0 < len(value) <= RATE_TEXT_MAX:
                raise ValidationError(f"Not a rate: send {RATE_ACCEPTED} (words of at most {RATE_TEXT_MAX} "
                                      "characters are read as a phrase).")
            return value        # a rate in words is read (and said) by the vocabulary, as terms are
        try:
            read_rate(value)
        except ValueError as exc:
            raise ValidationError(f"Not a rate: send {exc}.") from None
        return value


class Flag(fields.Field):
    """A yes/no field: JSON true or false, or words ('yes', '否', 'UK + EU', 'FCA sandbox cohort 9') that
    the answer's interpretation says how it read; numbers are type errors, not guesses."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or (isinstance(value, str) and 0 < len(value) <= TERM_MAX):
            return value
        raise ValidationError("Not a yes/no: send true or false (or words such as 'yes', '否', 'UK + EU').")


class StrictQueryBoolean(fields.Boolean):
    """A query flag: true or false, nothing else."""

    truthy = {"true"}
    falsy = {"false"}


class TermList(fields.List):
    """A list of terms; a single string is split the way spreadsheets join terms (; | , ， 、 line
    breaks), so "IoT, AI pricing" reads as two terms."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = split_terms(value)
        return super()._deserialize(value, attr, data, **kwargs)


def _one_line(value: str) -> None:
    if not one_line(value):
        raise ValidationError(f"Not a name: send {ONE_LINE}; put longer text in description.")


def _input_field(spec: ProfileField):
    """The request field for one declared profile field."""
    if spec.shape == "terms":
        return TermList(
            fields.String(validate=validate.Length(min=1, max=TERM_MAX)),
            validate=validate.Length(max=LIST_MAX),
            load_default=list, allow_none=True,
            metadata={"description": spec.description + " Codes, English or Chinese labels, synonyms and "
                                                        "everyday words are accepted; the answer's "
                                                        "interpretation says how each was read. A single "
                                                        "string is split on ; | , ， 、 and line breaks.",
                      "example": spec.example},
        )
    if spec.shape == "flag":
        return Flag(load_default=False, allow_none=True, metadata={
            "description": spec.description + " true or false, or words such as 'yes', '否', 'UK + EU'.",
            "oneOf": [{"type": "boolean"}, {"type": "string", "minLength": 1, "maxLength": TERM_MAX}]})
    if spec.shape == "level":
        return fields.String(load_default="none", allow_none=True, validate=validate.Length(min=1, max=TERM_MAX), metadata={
            "description": spec.description + f" One of {', '.join(CERTIFICATION_LEVELS)}, or a phrase such as "
                                              "'ISO 27001' or '申请中'."})
    return Rate(load_default=None, allow_none=True, metadata={
        "description": spec.description + f" Written as {RATE_ACCEPTED}.",
        "oneOf": [{"type": "number", "minimum": 0, "maximum": MAX_RATE * 100},
                  {"type": "string", "minLength": 1, "maxLength": RATE_TEXT_MAX}], "example": "24%"})


def _output_field(spec: ProfileField):
    """The response field for one declared profile field: canonical codes and plain values."""
    if spec.shape == "terms":
        return fields.List(fields.String())
    if spec.shape == "flag":
        return fields.Boolean()
    if spec.shape == "level":
        return fields.String(metadata={"enum": list(CERTIFICATION_LEVELS)})
    return fields.Float(allow_none=True, metadata={"description": "As a fraction: 0.24 = 24%."})


class _NullIsUnsent(Schema):
    """null for a field is what spreadsheets and form tools send for an empty cell: the field is read
    as not sent (its default: no terms, no, none), as an absent one is."""

    @pre_load
    def _drop_nulls(self, data, **kwargs):
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None or k not in self._nullable_unsent}
        return data

    @property
    def _nullable_unsent(self) -> set:
        return {name for name, f in self.fields.items() if f.allow_none and f.load_default not in (None, missing)}


def _profile_schemas(direction: str, make_field, top: dict):
    """The compliance and profile schemas of one direction, derived from service.profile.PROFILE_FIELDS."""
    base = _NullIsUnsent if direction == "In" else Schema
    compliance = base.from_dict({s.name: make_field(s) for s in PROFILE_FIELDS if s.in_compliance},
                                name=f"Compliance{direction}Schema")
    nested = fields.Nested(compliance, load_default=dict, allow_none=True) if direction == "In" else fields.Nested(compliance)
    profile = {**top, **{s.name: make_field(s) for s in PROFILE_FIELDS if not s.in_compliance},
               "compliance": nested}
    return compliance, base.from_dict(profile, name=f"Profile{direction}Base")


ComplianceInSchema, _ProfileIn = _profile_schemas("In", _input_field, {
    "name": fields.String(required=True, validate=[validate.Length(min=1, max=TERM_MAX), _one_line],
                          metadata={"example": "Charging-pile insurance for NEV owners", "pattern": ONE_LINE_PATTERN,
                                    "description": f"The product's name: {ONE_LINE}."}),
    "domain": fields.String(required=True, validate=validate.Length(min=1, max=TERM_MAX), metadata={
        "description": "Primary domain, e.g. payments, lending, wealth_management, insurtech, regtech "
                       "(a service such as 'BNPL' is read as its domain).", "example": "insurtech"}),
    "description": fields.String(load_default=None, allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX),
                                 metadata={"description": "Free-text description: terms it mentions that no "
                                                          "field carries come back as suggested_terms."}),
})
ComplianceOutSchema, _ProfileOut = _profile_schemas("Out", _output_field, {
    "name": fields.String(), "domain": fields.String(), "description": fields.String(allow_none=True)})


class ProfileInSchema(_ProfileIn):
    """A product profile as sent."""


class ProfileOutSchema(_ProfileOut):
    """A profile in canonical codes: how the service read what was sent."""


class InterpretationSchema(Schema):
    field = fields.String(metadata={"description": "Where the value was sent, e.g. tech_stack[2]."})
    text = fields.Raw(metadata={"description": "The value as sent.",
                                "oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]})
    how = fields.String(metadata={"enum": list(READINGS), "description": (
        "exact or synonym: as listed; family: an umbrella term (e.g. AI); converted_script: Traditional "
        "Chinese read as Simplified; spelling_variant: US/UK spelling, plural or a generic suffix; moved: a "
        "known term of another field, counted there; fuzzy: a near miss (see similarity); percent or "
        "fraction: how a rate was read; negated: free text mentions it as absent; inferred: deduced from the "
        "text's services and cue words (see note); not_recognised: not scored, see suggestions.")})
    code = fields.Raw(allow_none=True, metadata={"description": "The code (number, or true/false) it was read as.",
                                                 "oneOf": [{"type": "string"}, {"type": "number"},
                                                           {"type": "boolean"}]})
    placed_in = fields.String(allow_none=True, metadata={"description": "The field where it counts."})
    similarity = fields.Float(allow_none=True)
    matched = fields.String(allow_none=True, metadata={"description": (
        "fuzzy, contained and split readings: the listed spelling (or the part of the value) it was read from.")})
    suggestions = fields.List(fields.String())
    note = fields.String()


class FigureSchema(Schema):
    id = fields.String()
    value = fields.Float()
    unit = fields.String()
    section = fields.String(metadata={"description": "Report section the figure comes from."})
    text_en = fields.String(attribute="en")
    text_zh = fields.String(attribute="zh")


class EvidenceSchema(Schema):
    figures = fields.List(fields.Nested(FigureSchema))
    benchmarks = fields.List(fields.String(), metadata={"description": "Benchmark product ids."})
    sections = fields.List(fields.String(), metadata={"description": "Report sections cited."})
    basis = fields.String(allow_none=True, metadata={
        "description": "Knowledge from outside the report: the legal source and the enforcement case that shows it."})


class FactorInputSchema(Schema):
    field = fields.String()
    value = fields.Raw(allow_none=True)


class InteractionSchema(Schema):
    kind = fields.String(metadata={"description": "Vocabulary kind of the shared term."})
    code = fields.String(metadata={"description": "The term that both differentiates and drives compliance risk."})
    differentiation_factor = fields.String(attribute="differentiation",
                                           metadata={"description": "The differentiation factor that rests on it."})
    compliance_rule = fields.String(attribute="compliance", metadata={"description": "The compliance rule it fires."})
    sections = fields.List(fields.String(), metadata={"description": "Report sections cited."})


class FactorSchema(Schema):
    code = fields.String(metadata={"description": "Stable reason code."})
    label_en = fields.String(attribute="en")
    label_zh = fields.String(attribute="zh")
    contribution = fields.Float(metadata={"description": "Signed points; base + contributions = score."})
    principal = fields.Boolean(metadata={"description": "One of the (at most four) principal reasons."})
    input = fields.Method("dump_input", metadata={"description": "The input value that triggered the factor."})
    evidence = fields.Nested(EvidenceSchema)
    interaction = fields.Nested(InteractionSchema, allow_none=True, dump_default=None, metadata={
        "description": "Set when the factor's input is also behind a factor of the other score (a differentiator "
                       "that is a compliance driver); the label says so in both scores."})

    def dump_input(self, factor):
        return None if factor.field is None else {"field": factor.field, "value": factor.value}


class ScoreSchema(Schema):
    score = fields.Float(metadata={"description": "0-100."})
    band = fields.String(metadata={"enum": ["low", "medium", "high"]})
    base = fields.Float(metadata={"description": "Score of an empty profile in this domain."})
    factors = fields.List(fields.Nested(FactorSchema))


class HomogeneitySchema(ScoreSchema):
    crowding = fields.String(metadata={"enum": ["open", "crowded", "saturated"]})
    effective_rivals = fields.Float(metadata={"description": "1/HHI over similarity-weighted rivals in the market."})
    neighbour_density = fields.Float()


class RequiredControlSchema(Schema):
    rule = fields.String()
    requirement_en = fields.String(attribute="en")
    requirement_zh = fields.String(attribute="zh")
    satisfied = fields.Boolean()


class ComplianceRiskSchema(ScoreSchema):
    inherent = fields.Float(metadata={"description": "Risk before controls."})
    residual = fields.Float(metadata={"description": "Risk after controls (= score)."})
    mandatory_controls = fields.List(fields.Nested(RequiredControlSchema))
    recommended_controls = fields.List(fields.String())
    packs_applied = fields.List(fields.String(), attribute="packs", metadata={
        "description": "The rule packs applied: each market of operation that has one, and 'any' (the universal "
                       "rules). A market without a pack is scored on the universal rules only."})


class NearestSchema(Schema):
    id = fields.String()
    name_en = fields.String()
    name_zh = fields.String()
    domain = fields.String()
    verdict = fields.String(allow_none=True)
    similarity = fields.Float()
    shared = fields.List(fields.String(), metadata={"description": "Terms shared, as kind:code."})
    archetype = fields.Boolean(metadata={
        "description": "A look-alike pattern of the market model (market.yaml), not a named product."})
    products = fields.Integer(metadata={
        "description": "How many of the market's products it stands for: 1 for a named product."})


class EffectSchema(Schema):
    differentiation = fields.Float()
    homogeneity_risk = fields.Float()
    compliance_risk = fields.Float()


class WhySchema(Schema):
    text_en = fields.String(attribute="en")
    text_zh = fields.String(attribute="zh")
    sections = fields.List(fields.String(), metadata={"description": "Report sections cited."})
    benchmarks = fields.List(fields.String(), metadata={"description": "Catalog cases that made this move."})
    figures = fields.List(fields.Nested(FigureSchema))


class RecommendationSchema(Schema):
    action = fields.String(attribute="edit.action", metadata={"enum": ["add", "remove", "set"]})
    field = fields.String(attribute="edit.field")
    value = fields.Raw(attribute="edit.value")
    label_en = fields.String(attribute="en", metadata={"description": "The move as an action."})
    label_zh = fields.String(attribute="zh")
    stage = fields.String(metadata={"enum": ["fix", "improve"], "description": (
        "fix: a missing mandatory control or a red line, listed first (fix before grow); improve: the rest, "
        "by measured gain.")})
    errc = fields.String(metadata={"enum": ["eliminate", "reduce", "raise", "create"],
                                   "description": "The Blue Ocean move (ERRC grid)."})
    fit = fields.Float(allow_none=True, metadata={
        "description": "An addition's fit (0-1) with the product's core; null for fixes and removals."})
    why = fields.Nested(WhySchema, metadata={
        "description": "Why it fits this product: the report case and figures, or the rule behind a fix."})
    effect = fields.Nested(EffectSchema, metadata={
        "description": "Score changes as shown (0-100), measured by re-scoring the edited profile."})
    effect_uncapped = fields.Nested(EffectSchema, metadata={
        "description": "The same changes before the 0-100 bound: a fix shows its gain on a risk held at 100."})
    gain = fields.Float(metadata={"description": "differentiation - homogeneity_risk - compliance_risk change, "
                                                 "before the bound (what the list is ranked by)."})
    mandatory = fields.Boolean(metadata={"description": "Meets a mandatory requirement (licence, certification)."})


class AdviceNoteSchema(Schema):
    text_en = fields.String(attribute="en")
    text_zh = fields.String(attribute="zh")
    section = fields.String(metadata={"description": "Report section cited."})


class TermRefSchema(Schema):
    code = fields.String()
    label_en = fields.String()
    label_zh = fields.String()


class OccupiedCellSchema(Schema):
    technology = fields.Nested(TermRefSchema)
    scenario = fields.Nested(TermRefSchema)
    segment = fields.Nested(TermRefSchema)
    shared = fields.Integer(metadata={"description": "Coordinates in common with the white-space cell (1 or 2)."})
    benchmarks = fields.List(fields.String(), metadata={"description": "Benchmark products that occupy it."})


class WhiteSpaceCellSchema(Schema):
    technology = fields.Nested(TermRefSchema)
    scenario = fields.Nested(TermRefSchema)
    segment = fields.Nested(TermRefSchema)
    fit = fields.Float(metadata={"description": "0-1: the cell's own coherence (its weaker scenario link)."})
    product_fit = fields.Float(metadata={"description": "0-1: how well the cell's terms fit the product's core."})
    nearest = fields.Nested(OccupiedCellSchema, allow_none=True,
                            metadata={"description": "The occupied cell of the market sharing most coordinates."})


class CacheMetaSchema(Schema):
    hit = fields.Boolean()
    source = fields.String(metadata={"enum": ["memory", "redis", "computed"]})


class MetaSchema(Schema):
    model_version = fields.String()
    benchmark_version = fields.String()
    cache = fields.Nested(CacheMetaSchema)
    request_id = fields.String()


class SuggestedTermSchema(Schema):
    field = fields.String(metadata={"description": "The profile field the term belongs in."})
    kind = fields.String()
    code = fields.String()
    phrase = fields.String(metadata={"description": "The words of the text that matched."})
    label_en = fields.Function(lambda m: m.label_en)
    label_zh = fields.Function(lambda m: m.label_zh)


class ScoreResponseSchema(Schema):
    differentiation = fields.Nested(ScoreSchema)
    homogeneity_risk = fields.Nested(HomogeneitySchema)
    compliance_risk = fields.Nested(ComplianceRiskSchema)
    coverage = fields.Float(metadata={"description": "0-1: how much of the profile the vocabulary and catalog know."})
    nearest_benchmarks = fields.List(fields.Nested(NearestSchema))
    recommendations = fields.List(fields.Nested(RecommendationSchema))
    profile = fields.Nested(ProfileOutSchema)
    interpretation = fields.List(fields.Nested(InterpretationSchema), metadata={
        "description": "How every value sent was read: understood (and how) or not recognised (with suggestions)."})
    suggested_terms = fields.List(fields.Nested(SuggestedTermSchema), metadata={
        "description": "Terms the description mentions that no structured field carries: not scored, to add if meant."})
    exhausted = fields.Nested(AdviceNoteSchema, allow_none=True, metadata={
        "description": "Set when no coherent addition that helps is left to recommend, saying so in both languages."})
    interactions = fields.List(fields.Nested(InteractionSchema), metadata={
        "description": "Differentiators that are also compliance drivers (e.g. social data in credit scoring)."})
    meta = fields.Nested(MetaSchema)


class TermSchema(Schema):
    kind = fields.String()
    code = fields.String()
    en = fields.String()
    zh = fields.String()
    synonyms = fields.List(fields.String())
    section = fields.String()
    vertical = fields.Boolean()
    lookalike = fields.Function(lambda term: term.lookalike is not None,
                                metadata={"type": "boolean", "description": "A look-alike pattern the report criticises."})
    parent = fields.String(allow_none=True, metadata={"description": "The umbrella (family) term it belongs to."})
    basis = fields.String(allow_none=True, metadata={
        "description": "External basis, where the report does not name the term (then section may be empty)."})
    domains = fields.List(fields.String(), metadata={"description": "Scenarios: the domains whose service it is."})
    generic = fields.Boolean(metadata={"description": "A generic channel (app, API): no differentiator alone."})
    sensitivity = fields.String(allow_none=True, metadata={"enum": ["high", "medium", "low", None],
                                                          "description": "Data sources: how sensitive."})


class TaxonomyQuerySchema(Schema):
    kind = fields.String(validate=validate.OneOf(KINDS), metadata={"description": "Only terms of this kind."})


class TaxonomySchema(Schema):
    kinds = fields.List(fields.String())
    terms = fields.List(fields.Nested(TermSchema))
    benchmark_version = fields.String()


class OutcomeSchema(Schema):
    section = fields.String()
    en = fields.String()
    zh = fields.String()


class BenchmarkSchema(Schema):
    id = fields.String()
    name_en = fields.String()
    name_zh = fields.String()
    verdict = fields.String(allow_none=True)
    sections = fields.List(fields.String())
    outcomes = fields.List(fields.Nested(OutcomeSchema))
    profile = fields.Nested(ProfileOutSchema)
    archetype = fields.Boolean(metadata={
        "description": "A look-alike pattern of the market model (market.yaml), not a named product."})
    size = fields.Integer(metadata={"description": "How many of the market's products it stands for."})


class BenchmarkQuerySchema(Schema):
    domain = fields.String(validate=validate.Length(min=1, max=TERM_MAX),
                           metadata={"description": "Domain code, label or synonym."})
    verdict = fields.String(validate=validate.OneOf(VERDICTS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class BenchmarkPageSchema(Schema):
    items = fields.List(fields.Nested(BenchmarkSchema))
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()
    benchmark_version = fields.String()


class HealthSchema(Schema):
    status = fields.String()


class CatalogHealthSchema(Schema):
    store = fields.String(metadata={"enum": ["up", "down"], "description": "Whether the catalog store answered."})
    unloadable = fields.Integer(metadata={
        "description": "Registered catalogs (of every tenant) the store no longer holds whole: a worker starting "
                       "now would answer 404 for them. Their names are in the service's log; register them again."})


class ReadinessSchema(Schema):
    status = fields.String(metadata={"enum": ["ready", "degraded"]})
    benchmark_version = fields.String()
    benchmarks = fields.Integer(metadata={"description": "Benchmark products loaded."})
    cache = fields.Dict()
    catalogs = fields.Nested(CatalogHealthSchema)


class FieldErrorSchema(Schema):
    field = fields.String()
    message = fields.String()
    value = fields.Raw(metadata={"type": ["string", "number", "boolean", "array", "object"], "items": {},
                                 "description": "The rejected value as sent; absent when the field was missing."})
    accepted = fields.String(allow_none=True)
    suggestions = fields.List(fields.String())


class ProblemSchema(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    instance = fields.String()
    errors = fields.List(fields.Nested(FieldErrorSchema))
    request_id = fields.String()


class ValidatedPerItem(fields.Dict):
    """A batch item: the contract says an object (any object is taken), and the view validates each
    one as a ProfileIn on its own, so that one bad profile gets its own problem instead of failing the
    whole batch; an item that is not an object at all fails the request, as the contract says."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"description": "A product profile (ProfileIn), validated on its own: an "
                                                  "invalid one gets its own problem in results."}, **kwargs)


class BatchInSchema(Schema):
    items = fields.List(
        ValidatedPerItem(), required=True, validate=validate.Length(min=1),
        metadata={"description": "Product profiles, each validated on its own: one bad item never fails the others. "
                                 "At most DIFFSCORE_BATCH_MAX_ITEMS (default 1000)."},
    )


class BatchItemSchema(Schema):
    index = fields.Integer(metadata={"description": "Position in the request's items."})
    status = fields.Integer(metadata={"description": "200, or the status of the item's own problem."})
    result = fields.Nested(ScoreResponseSchema, allow_none=True)
    error = fields.Nested(ProblemSchema, allow_none=True)


class BatchSummarySchema(Schema):
    items = fields.Integer()
    scored = fields.Integer()
    failed = fields.Integer()


class BatchOutSchema(Schema):
    results = fields.List(fields.Nested(BatchItemSchema), metadata={"description": "One per item, in order."})
    summary = fields.Nested(BatchSummarySchema)


class ExtractInSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=DESCRIPTION_MAX),
                         metadata={"description": "A product blurb in Chinese, English or both.",
                                   "example": "面向新能源车主的充电桩保险，利用物联网和AI精准定价，与充电桩运营商合作。"})
    name = fields.String(load_default="", validate=validate.Length(max=TERM_MAX))
    domain = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=TERM_MAX),
                           metadata={"description": "Use this domain instead of the first one the text names."})


class DraftComplianceSchema(ComplianceOutSchema):
    max_apr = fields.String(allow_none=True, metadata={
        "description": "The annual rate the text states, as a percentage ('150%'): POST it back as it is."})


class DraftProfileSchema(ProfileOutSchema):
    domain = fields.String(allow_none=True, metadata={"description": "Null when the text names no domain."})
    compliance = fields.Nested(DraftComplianceSchema)


class ExtractOutSchema(Schema):
    profile = fields.Nested(DraftProfileSchema, metadata={"description": "A draft to review, then POST to /v1/scores."})
    matches = fields.List(fields.Nested(SuggestedTermSchema))
    negated = fields.List(fields.Nested(SuggestedTermSchema), metadata={
        "description": "Terms the text mentions as absent ('no claims adjuster'): left out of the draft."})
    interpretation = fields.List(fields.Nested(InterpretationSchema))
    missing = fields.List(fields.String(), metadata={"description": "Required fields the text did not fill."})


EDIT_FIELDS = tuple(f.path for f in PROFILE_FIELDS)


class EditSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(("add", "remove", "set")))
    field = fields.String(required=True, validate=validate.OneOf(EDIT_FIELDS))
    value = fields.Raw(required=True, allow_none=True, metadata={
        "type": ["string", "number", "boolean"],
        "description": "A term for add/remove. For set, the new value: true or false (cross_border, sandbox), "
                       "a certification level, or an annual rate as a fraction or null (max_apr)."})

    # Which action and value each field takes, said in the contract (service.api.app adds it to the
    # Edit component): what service.api.routes.compare enforces, so a generated client cannot send
    # an edit that will be refused for its shape.
    CONTRACT = {"oneOf": [
        {"properties": {"action": {"enum": ["add", "remove"]}, "field": {"enum": list(FIELD_KINDS)},
                        "value": {"type": "string", "minLength": 1}}},
        {"properties": {"action": {"const": "set"}, "field": {"const": "compliance.certification"},
                        "value": {"enum": list(CERTIFICATION_LEVELS)}}},
        {"properties": {"action": {"const": "set"},
                        "field": {"enum": ["compliance.cross_border", "compliance.sandbox"]},
                        "value": {"type": "boolean"}}},
        {"properties": {"action": {"const": "set"}, "field": {"const": "compliance.max_apr"},
                        "value": {"oneOf": [{"type": "null"}, {"type": "number", "minimum": 0, "maximum": 1}]}}},
    ]}


class CompareInSchema(Schema):
    variants = fields.List(fields.Nested(ProfileInSchema), validate=validate.Length(min=2, max=20),
                           metadata={"description": "2-20 profiles; the first is the reference."})
    base = fields.Nested(ProfileInSchema, metadata={"description": "With edits: the reference profile."})
    edits = fields.List(fields.List(fields.Nested(EditSchema), validate=validate.Length(min=1, max=10)),
                        validate=validate.Length(min=1, max=19),
                        metadata={"description": "With base: each entry is a list of edits making one variant."})

    # The either/or below, said in the contract (service.api.app adds it to the CompareIn component).
    CONTRACT = {"oneOf": [{"required": ["variants"]}, {"required": ["base"]}],
                "dependentRequired": {"base": ["edits"], "edits": ["base"]}}

    @validates_schema
    def one_form(self, data, **kwargs):
        if ("variants" in data) == ("base" in data or "edits" in data):
            raise ValidationError("Send either variants, or base together with edits.")
        if "base" in data and "edits" not in data or "edits" in data and "base" not in data:
            raise ValidationError("base and edits go together.")


class ScoreBriefSchema(Schema):
    score = fields.Float()
    band = fields.String()


class VariantSchema(Schema):
    index = fields.Integer()
    name = fields.String(attribute="report.profile.name")
    differentiation = fields.Nested(ScoreBriefSchema, attribute="report.differentiation")
    homogeneity_risk = fields.Nested(ScoreBriefSchema, attribute="report.homogeneity_risk")
    compliance_risk = fields.Nested(ScoreBriefSchema, attribute="report.compliance_risk")
    delta = fields.Nested(EffectSchema, metadata={"description": "Against the first variant."})
    factors_added = fields.List(fields.String(), metadata={"description": "score:code[=value] the first lacks."})
    factors_removed = fields.List(fields.String(), metadata={"description": "score:code[=value] only the first has."})
    profile = fields.Nested(ProfileOutSchema, attribute="report.profile")
    interpretation = fields.List(fields.Nested(InterpretationSchema), metadata={
        "description": "How each value sent for this variant was read (empty for a variant made by edits)."})


class EditPairSchema(Schema):
    edits = fields.List(fields.Nested(RecommendationSchema))
    effect = fields.Nested(EffectSchema)
    gain = fields.Float()


class CompareOutSchema(Schema):
    variants = fields.List(fields.Nested(VariantSchema))
    best_single_edit = fields.Nested(RecommendationSchema, allow_none=True,
                                     metadata={"description": "For the first variant."})
    best_pair = fields.Nested(EditPairSchema, allow_none=True,
                              metadata={"description": "Two of its top recommendations, measured together."})
    meta = fields.Nested(MetaSchema)


# What `?fields=` can ask for, and the response members each brings (meta always comes).
SECTIONS = {
    "scores": ("differentiation", "homogeneity_risk", "compliance_risk"),
    "coverage": ("coverage",),
    "nearest_benchmarks": ("nearest_benchmarks",),
    "recommendations": ("recommendations", "exhausted"),
    "interactions": ("interactions",),
    "profile": ("profile",),
    "interpretation": ("interpretation",),
    "suggested_terms": ("suggested_terms",),
}


class CatalogQuerySchema(Schema):
    strict = StrictQueryBoolean(load_default=False, metadata={
        "description": "true: any term that is not an exact or synonym match is a 422 problem (as the header "
                       "`Prefer: handling=strict`); default: scored on what was understood, the rest listed."})
    catalog = fields.String(load_default=None, validate=validate.Length(min=1, max=TERM_MAX), metadata={
        "description": "Benchmark data to score against: report (default), NAME (a registered or file catalog "
                       "alone) or NAME+report (both). GET /v1/catalogs lists them."})


class ScoreQuerySchema(CatalogQuerySchema):
    sections = DelimitedList(
        fields.String(validate=validate.OneOf(SECTIONS)), data_key="fields", load_default=lambda: list(SECTIONS),
        validate=validate.Length(min=1, error="name at least one part of the answer"),
        metadata={"description": f"Only these parts of the answer, comma-separated: {', '.join(SECTIONS)} "
                                 "(default: all). `fields=scores` measures no recommendations, so it costs far less."})


# What the catalog check (service.benchmarks.data_schemas.CustomProductSchema) requires of a product,
# said in the contract so that a generated client cannot send a product that is refused.
_CATALOG_SHAPES = {"terms": {"type": "array", "items": {"type": "string"}}, "flag": {"type": "boolean"},
                   "level": {"enum": list(CERTIFICATION_LEVELS)}, "rate": {"type": ["number", "null"], "minimum": 0}}
_CATALOG_PRODUCT = {
    "required": ["id", "domain"], "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "minLength": 1, "pattern": ONE_LINE_PATTERN}, "domain": {"type": "string", "minLength": 1},
        "name": {"type": "string", "pattern": ONE_LINE_PATTERN}, "description": {"type": "string"}, "verdict": {"enum": list(VERDICTS)},
        **{f.name: deepcopy(_CATALOG_SHAPES[f.shape]) for f in PROFILE_FIELDS if not f.in_compliance},
        "compliance": {"type": "object", "additionalProperties": False,
                       "properties": {f.name: deepcopy(_CATALOG_SHAPES[f.shape])
                                      for f in PROFILE_FIELDS if f.in_compliance}},
    }}


class CatalogInSchema(Schema):
    products = fields.List(fields.Dict(metadata=_CATALOG_PRODUCT), required=True,
                           validate=validate.Length(min=1, max=CATALOG_MAX_PRODUCTS), metadata={
        "description": "Products: id, name, domain and the profile's term fields (any accepted spelling), "
                       "compliance, and an optional verdict (differentiated, homogeneous, penalised). At most "
                       f"{CATALOG_MAX_PRODUCTS:,} (about 3 MB of each worker's memory per 1,000) in at most "
                       "DIFFSCORE_CATALOG_MAX_BODY_BYTES (16 MB)."})


class CatalogSchema(Schema):
    name = fields.String()
    version = fields.String(metadata={"description": "The benchmark_version of scores against it alone."})
    products = fields.Integer()
    source = fields.String(metadata={"enum": ["report", "file", "registered"]})


class CatalogListSchema(Schema):
    catalogs = fields.List(fields.Nested(CatalogSchema))


class WhiteSpaceOutSchema(Schema):
    domain = fields.String()
    cells = fields.List(fields.Nested(WhiteSpaceCellSchema), metadata={
        "description": "Coherent technology x scenario x segment cells of the market no benchmark occupies, "
                       "closest to the product first."})
    note = fields.Nested(AdviceNoteSchema, metadata={"description": "What white space is, with the report section."})
    profile = fields.Nested(ProfileOutSchema)
    meta = fields.Nested(MetaSchema)
