"""Turns a structurally valid profile (plain dict) into a canonical ProductProfile, and says how it
read every value: by default a profile is scored on what was understood and every other value is
listed with suggestions; strict handling rejects anything but exact and synonym matches."""

from dataclasses import dataclass

from service.errors import FieldError, UnknownTerms
from service.profile import FIELDS, KIND_FIELDS, TERM_FIELDS, CERTIFICATION_LEVELS, ProductProfile, build_profile
from service.vocabulary.scalars import FRACTION, PERCENT, read_rate
from service.vocabulary.terms import EXACT, MOVED, STRICT_READINGS, TERM_READINGS, UNKNOWN, Reading, Vocabulary

CERTIFICATION_KIND = "certification"
NEGATED, INFERRED = "negated", "inferred"   # free text: mentioned as absent; deduced from cue words
READINGS = (*TERM_READINGS, PERCENT, FRACTION, NEGATED, INFERRED)
_NUMBERS = {f.path for f in FIELDS.values() if f.shape == "rate"}  # read as written in either handling


@dataclass(frozen=True)
class Interpreted:
    """One value as sent and as read: the answer's `interpretation` lists one per value."""

    field: str                          # where it was sent, e.g. 'tech_stack[2]'
    text: object                        # as typed
    how: str                            # exact, synonym, family, converted_script, ... not_recognised
    code: object = None                 # the code (or number) it was read as; None when not understood
    placed_in: str | None = None        # the field it counts in (differs when moved)
    similarity: float | None = None     # fuzzy matches
    suggestions: tuple[str, ...] = ()
    note: str = ""

    @property
    def understood(self) -> bool:
        return self.how != UNKNOWN


def normalise_profile(raw: dict, vocabulary: Vocabulary, strict: bool = False
                      ) -> tuple[ProductProfile, tuple[Interpreted, ...]]:
    """Resolve every value; in strict mode, report every value that is not an exact or synonym match."""
    readings: list[Interpreted] = []
    domain = _read_domain(raw["domain"], vocabulary, readings)
    values: dict[str, list] = {f.path: [] for f in TERM_FIELDS}
    for spec in TERM_FIELDS:
        for i, text in enumerate(_sent(raw, spec.path) or ()):
            reading = vocabulary.read(spec.fact, text, domain)
            readings.append(_interpreted(f"{spec.path}[{i}]", reading, spec.path, values))
    compliance = raw.get("compliance") or {}
    scalars = {"compliance.cross_border": bool(compliance.get("cross_border", False)),
               "compliance.sandbox": bool(compliance.get("sandbox", False)),
               "compliance.certification": _read_certification(compliance.get("certification"), vocabulary,
                                                                readings),
               "compliance.max_apr": _read_apr(compliance.get("max_apr"), readings)}
    if strict:
        _reject_loose(readings)
    elif domain is None:
        raise UnknownTerms("The domain was not recognised; a profile needs one to be scored.",
                           [_field_error(r) for r in readings if r.field == "domain"])
    profile = build_profile(domain, {**{p: tuple(v) for p, v in values.items()}, **scalars},
                            name=raw.get("name", ""), description=raw.get("description"))
    return profile, tuple(readings)


def understood_share(readings) -> float:
    """Share of the typed terms that were understood: unknown ones lower the report's coverage."""
    terms = [r for r in readings if r.field != "domain" and "[" in r.field]
    return sum(r.understood for r in terms) / len(terms) if terms else 1.0


def _sent(raw: dict, path: str):
    spec = FIELDS[path]
    return (raw.get("compliance") or {}).get(spec.name) if spec.in_compliance else raw.get(spec.name)


def _interpreted(where: str, reading: Reading, path: str, values: dict) -> Interpreted:
    """Records the reading and puts its code in the field where it counts (once)."""
    if reading.term is None:
        return Interpreted(where, reading.text, UNKNOWN, suggestions=reading.suggestions, note=reading.hint)
    target = KIND_FIELDS[reading.kind] if reading.how == MOVED and reading.kind in KIND_FIELDS else path
    note = reading.hint
    if reading.code in values[target]:
        note = (note + "; " if note else "") + "repeats an earlier value: counted once"
    else:
        values[target].append(reading.code)
    return Interpreted(where, reading.text, reading.how, reading.code, target, reading.similarity,
                       reading.suggestions, note)


def _read_domain(text: str, vocabulary: Vocabulary, readings: list) -> str | None:
    """The domain as typed, or the domain of a service typed in its place ('BNPL' -> lending)."""
    reading = vocabulary.read("domain", text, moves=False)
    if reading.term is None:
        service = vocabulary.read("scenario", text, moves=False, fuzzy=False)
        if service.term is not None and service.term.domains:
            code = service.term.domains[0]
            readings.append(Interpreted("domain", text, MOVED, code, "domain",
                                        note=f"names the service '{service.code}' of the domain '{code}'"))
            return code
    readings.append(Interpreted("domain", text, reading.how, reading.code, "domain", reading.similarity,
                                reading.suggestions, reading.hint))
    return reading.code


def _read_certification(text, vocabulary: Vocabulary, readings: list) -> str:
    """A level as people write it ('ISO 27001', '申请中'); an unknown phrase is reported, read as none."""
    if text is None:
        return "none"
    if text in CERTIFICATION_LEVELS:
        reading = Reading(CERTIFICATION_KIND, text, EXACT)
        code = text
    elif CERTIFICATION_KIND in vocabulary.kinds:
        reading = vocabulary.read(CERTIFICATION_KIND, text, moves=False)
        code = reading.code
    else:
        reading, code = Reading(CERTIFICATION_KIND, text, UNKNOWN, suggestions=CERTIFICATION_LEVELS), None
    note = reading.hint or ("" if code else "not a certification status we know: read as none")
    if reading.how != EXACT:
        readings.append(Interpreted("compliance.certification", text, reading.how, code or "none",
                                    "compliance.certification", reading.similarity,
                                    reading.suggestions or (() if code else CERTIFICATION_LEVELS), note))
    return code or "none"


def _read_apr(value, readings: list) -> float | None:
    if value is None:
        return None
    rate, how, note = read_rate(value)
    if how != EXACT:
        readings.append(Interpreted("compliance.max_apr", value, how, rate, "compliance.max_apr", note=note))
    return rate


def _reject_loose(readings: list) -> None:
    errors = [_field_error(r) for r in readings
              if r.how not in STRICT_READINGS and r.field not in _NUMBERS]
    if errors:
        noun = "value" if len(errors) == 1 else "values"
        raise UnknownTerms(f"{len(errors)} {noun} not an exact or synonym match (strict handling); "
                           "see errors for the closest accepted terms", errors)


def _field_error(reading: Interpreted) -> FieldError:
    spec = FIELDS.get(reading.field.partition("[")[0])
    kind = spec.fact if spec else reading.field
    if reading.understood:
        message = f"{reading.text!r} was read as {reading.code!r} ({reading.how.replace('_', ' ')}); strict handling takes exact terms only"
        suggestions = (str(reading.code),)
    else:
        message = f"unknown {kind.replace('_', ' ')} {reading.text!r}"
        if reading.suggestions:
            message += f"; did you mean {', '.join(repr(s) for s in reading.suggestions)}?"
        if reading.note:
            message += f" {reading.note}"
        suggestions = reading.suggestions
    return FieldError(field=reading.field, message=message, value=reading.text,
                      accepted=f"a {kind.replace('_', ' ')} code, English or Chinese label or synonym "
                               f"(GET /v1/taxonomy?kind={kind})", suggestions=suggestions)
