"""Turns a structurally valid profile (plain dict) into a canonical ProductProfile, and says how it
read every value: by default a profile is scored on what was understood and every other value is
listed with suggestions; strict handling rejects anything but exact and synonym matches."""

from dataclasses import dataclass
from functools import lru_cache

from service.errors import FieldError, UnknownTerms
from service.profile import FIELDS, KIND_FIELDS, TERM_FIELDS, CERTIFICATION_LEVELS, ProductProfile, build_profile
from service.vocabulary.extract import TermFinder
from service.vocabulary.scalars import FRACTION, PERCENT, read_rate
from service.vocabulary.spelling import SPELLING
from service.vocabulary.terms import (EXACT, MOVED, SPLIT, STRICT_READINGS, TERM_READINGS, UNKNOWN, Reading,
                                      Vocabulary)

CERTIFICATION_KIND = "certification"
NEGATED, INFERRED = "negated", "inferred"   # free text: mentioned as absent; deduced from cue words
PHRASE = "phrase"                           # a yes/no field written in words ("UK + EU", "否")
READINGS = (*TERM_READINGS, PERCENT, FRACTION, PHRASE, NEGATED, INFERRED)
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
    matched: str | None = None          # fuzzy and contained readings: the listed spelling it was read from

    @property
    def understood(self) -> bool:
        return self.how != UNKNOWN


def normalise_profile(raw: dict, vocabulary: Vocabulary, strict: bool = False
                      ) -> tuple[ProductProfile, tuple[Interpreted, ...]]:
    """Resolve every value; in strict mode, report every value that is not an exact or synonym match."""
    readings: list[Interpreted] = []
    domain = _read_domain(raw["domain"], vocabulary, readings, raw)
    values: dict[str, list] = {f.path: [] for f in TERM_FIELDS}
    for spec in TERM_FIELDS:
        for i, text in enumerate(_sent(raw, spec.path) or ()):
            reading = vocabulary.read(spec.fact, text, domain)
            readings += _interpreted(f"{spec.path}[{i}]", reading, spec.path, values)
    compliance = raw.get("compliance") or {}
    scalars = {"compliance.cross_border": _read_flag("compliance.cross_border", compliance, readings),
               "compliance.sandbox": _read_flag("compliance.sandbox", compliance, readings),
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


def read_edit_term(vocabulary: Vocabulary, where: str, path: str, text: str, domain: str | None = None,
                   strict: bool = False) -> tuple[str, str, Interpreted]:
    """One term of an edit ('add SaaS收银系统 to tech_stack'), read as the same value in a profile
    would be: (the field it counts in, its code, its interpretation). A value that is not understood,
    names several terms, or (strict handling) is not an exact or synonym match is an UnknownTerms."""
    reading = vocabulary.read(FIELDS[path].fact, text, domain)
    values: dict[str, list] = {f.path: [] for f in TERM_FIELDS}
    entries = _interpreted(where, reading, path, values)
    problems = [e for e in entries if not e.understood or (strict and e.how not in STRICT_READINGS)]
    if len(entries) > 1 and not problems:
        codes = ", ".join(str(e.code) for e in entries)
        raise UnknownTerms("An edit takes one term.", [FieldError(
            field=where, message=f"{text!r} names {len(entries)} terms ({codes}): one edit per term", value=text,
            suggestions=tuple(str(e.code) for e in entries))])
    if problems:
        raise UnknownTerms("An edit's term was not read.", [_field_error(e) for e in problems])
    entry = entries[0]
    return entry.placed_in, entry.code, entry


def understood_share(readings) -> float:
    """Share of the typed terms that were understood: unknown ones lower the report's coverage."""
    terms = [r for r in readings if r.field != "domain" and "[" in r.field]
    return sum(r.understood for r in terms) / len(terms) if terms else 1.0


def lowered_coverage(coverage: float, readings) -> float:
    """The report's coverage times the share of typed terms that were understood."""
    share = understood_share(readings)
    return coverage if share == 1 else round(coverage * share, 3)


def _sent(raw: dict, path: str):
    spec = FIELDS[path]
    return (raw.get("compliance") or {}).get(spec.name) if spec.in_compliance else raw.get(spec.name)


def _interpreted(where: str, reading: Reading, path: str, values: dict) -> list[Interpreted]:
    """Records the reading and puts its code(s) in the field where each counts (once each)."""
    if reading.term is None:
        return [Interpreted(where, reading.text, UNKNOWN, suggestions=reading.suggestions, note=reading.hint)]
    if reading.parts:
        return [item for part in reading.parts
                for item in _interpreted(where, _part_of(reading.text, part), path, values)]
    target = KIND_FIELDS[reading.kind] if reading.how == MOVED and reading.kind in KIND_FIELDS else path
    note = reading.hint
    if reading.code in values[target]:
        note = (note + "; " if note else "") + "repeats an earlier value: counted once"
    else:
        values[target].append(reading.code)
    return [Interpreted(where, reading.text, reading.how, reading.code, target, reading.similarity,
                        reading.suggestions, note, reading.matched)]


def _part_of(whole: str, part: Reading) -> Reading:
    """A part of a value naming several terms: the value as typed, what the part was read as, and how."""
    return Reading(part.kind, whole, SPLIT if part.how != MOVED else MOVED, part.term, part.similarity,
                   hint=f"the part {part.text!r}, read as {part.how.replace('_', ' ')}"
                        + (f"; {part.hint}" if part.hint else ""), matched=part.matched or part.text)


@lru_cache(maxsize=8)
def _finder(vocabulary: Vocabulary) -> TermFinder:
    return TermFinder(vocabulary)


def _profile_text(raw: dict) -> str:
    """The profile's other values as one text (one value a line), for inferring its domain."""
    lines = []
    for spec in TERM_FIELDS:
        sent = _sent(raw, spec.path) or ()
        lines += [sent] if isinstance(sent, str) else [v for v in sent if isinstance(v, str)]
    if isinstance(raw.get("description"), str):
        lines.append(raw["description"])
    return "\n".join(lines)


def _read_domain(text: str, vocabulary: Vocabulary, readings: list, raw: dict | None = None) -> str | None:
    """The domain as typed; else the first domain of several ('支付+信贷'); else the domain of a
    service typed in its place ('BNPL' -> lending); else inferred from the words ('医疗分期' -> lending);
    else, as extraction infers it, from the rest of the profile (its services and cue words)."""
    reading = vocabulary.read("domain", text, moves=False)
    if reading.term is None:
        named = [r for r in (vocabulary.read("domain", p, moves=False) for p in SPELLING.parts(text)) if r.term]
        if named:
            others = sorted({r.code for r in named[1:]} - {named[0].code})
            note = f"names several domains: scored as '{named[0].code}'" + (
                f"; also {', '.join(others)}" if others else "")
            readings.append(Interpreted("domain", text, SPLIT, named[0].code, "domain", note=note))
            return named[0].code
        service = vocabulary.read("scenario", text, moves=False, fuzzy=False)
        if service.term is not None and service.term.domains:
            code = service.term.domains[0]
            readings.append(Interpreted("domain", text, MOVED, code, "domain",
                                        note=f"names the service '{service.code}' of the domain '{code}'"))
            return code
        inferred, why = _finder(vocabulary).infer_domain(text)
        if inferred is not None:
            readings.append(Interpreted("domain", text, INFERRED, inferred, "domain", suggestions=reading.suggestions,
                                        note=f"inferred {why}"))
            return inferred
        context = _profile_text(raw or {})
        inferred, why = _finder(vocabulary).infer_domain(context) if context else (None, "")
        if inferred is not None:
            readings.append(Interpreted("domain", text, INFERRED, inferred, "domain", suggestions=reading.suggestions,
                                        note=f"not a domain we know: inferred from the rest of the profile, {why}"))
            return inferred
    readings.append(Interpreted("domain", text, reading.how, reading.code, "domain", reading.similarity,
                                reading.suggestions, reading.hint))
    return reading.code


def _read_flag(path: str, compliance: dict, readings: list) -> bool:
    """true/false, or words: 'yes', '否', 'UK + EU', 'FCA sandbox cohort 9'; unknown words read as false."""
    value = compliance.get(FIELDS[path].name, False)
    if isinstance(value, bool):
        return value
    read, decided_by = SPELLING.flag(path, value)
    if read is None:
        readings.append(Interpreted(path, value, UNKNOWN, False, path, suggestions=("true", "false"),
                                    note="not a yes/no we can read: read as false"))
        return False
    readings.append(Interpreted(path, value, PHRASE, read, path, note=f"read as {str(read).lower()} ({decided_by})"))
    return read


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
    # Said whenever one was sent, exact levels too ('in_progress', '已认证'): every scalar reading is listed.
    readings.append(Interpreted("compliance.certification", text, reading.how, code or "none",
                                "compliance.certification", reading.similarity,
                                reading.suggestions or (() if code else CERTIFICATION_LEVELS), note))
    return code or "none"


def _read_apr(value, readings: list) -> float | None:
    if value is None:
        return None
    rate, how, note = read_rate(value)
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
