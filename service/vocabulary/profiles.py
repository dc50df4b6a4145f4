"""Turns a structurally valid profile (plain dict) into a canonical ProductProfile, and says how it
read every value: by default a profile is scored on what was understood and every other value is
listed with suggestions; strict handling rejects anything but exact and synonym matches."""

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from service.errors import FieldError, UnknownTerms
from service.profile import (DEFAULT_JURISDICTION, FIELDS, KIND_FIELDS, TERM_FIELDS, CERTIFICATION_LEVELS,
                             ProductProfile, build_profile)
from service.vocabulary.extract import CUES, TermFinder
from service.vocabulary.scalars import FRACTION, NEGATED, PERCENT, PHRASE, read_rate, read_rate_phrase
from service.vocabulary.spelling import SPELLING
from service.vocabulary.terms import (CONTAINED, EXACT, MOVED, SPLIT, STRICT_READINGS, TERM_READINGS, UNKNOWN,
                                      CJK, WORD_SPANS, Reading, Vocabulary, head_end, head_index, normalise)

CERTIFICATION_KIND = "certification"
INFERRED = "inferred"                       # deduced from cue words
# NEGATED: mentioned as absent ('none', '无', 'no licence'); PHRASE: a yes/no field or a rate in words
# ("UK + EU", "否", "up to 36% APR"): both from scalars, which reads rates.
PRACTICE = "practice"                       # words anywhere that describe a practice regulators act on
NONE = "none"                               # the code of a list value that says there is nothing there
READINGS = (*TERM_READINGS, PERCENT, FRACTION, PHRASE, NEGATED, INFERRED, PRACTICE)
CONTROLS_FIELD, PRACTICES_FIELD, LICENCES_FIELD = "compliance.privacy_controls", "compliance.practices", "compliance.licenses"
# A domain whose services are controls (KYC, AML, screening): there they are scenarios, elsewhere controls.
CONTROL_SERVICES_DOMAIN = "regtech"
# Words that mean "none" in a list field, and that a licence is only applied for (not held).
_NONE_WORDS = frozenset({"none", "no", "n/a", "na", "nil", "null", "-", "无", "没有", "暂无", "不适用", "not stated",
                         "not applicable", "nothing", "未持有", "无牌照", "none yet"})
_NOT_HELD = ("applied for", "applying for", "pending", "in application", "申请中", "正在申请", "已申请", "待批", "拟申请",
             "not registered", "unregistered", "claims ")
_NUMBERS = {f.path for f in FIELDS.values() if f.shape == "rate"}  # read as written in either handling
_RATE_IN_WORDS = (PHRASE, NEGATED, UNKNOWN)      # ... except a rate in words: lenient handling only


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
    finder = _finder(vocabulary)
    for spec in TERM_FIELDS:
        for i, text in enumerate(_sent(raw, spec.path) or ()):
            where = f"{spec.path}[{i}]"
            absent = _absent(text, spec.path)
            if absent:
                readings.append(Interpreted(where, text, NEGATED, NONE, spec.path, note=absent))
                continue
            reading = vocabulary.read(spec.fact, text, domain)
            if reading.term is None:
                found = _named_in(where, text, spec.fact, spec.path, finder, values, vocabulary) or \
                    _interpreted(where, reading, spec.path, values, domain, vocabulary)
            else:
                found = _interpreted(where, reading, spec.path, values, domain, vocabulary)
            readings += _practices(where, text, found, _finder_of(vocabulary, "practice"), values)
    if raw.get("description"):
        readings += _practices("description", raw["description"], [], _finder_of(vocabulary, "practice"), values)
    readings += _jurisdiction(raw, values, vocabulary, _finder_of(vocabulary, "jurisdiction"))
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
    names several terms, or (strict handling) is not an exact or synonym match is an UnknownTerms.
    Leniently, a term that is not understood is what it is in a profile: said, not recognised, and
    counting nowhere (its field and code None), so the edit changes nothing."""
    reading = vocabulary.read(FIELDS[path].fact, text, domain)
    values: dict[str, list] = {f.path: [] for f in TERM_FIELDS}
    entries = _interpreted(where, reading, path, values)
    if not strict and len(entries) == 1 and not entries[0].understood:
        return None, None, entries[0]
    problems = [e for e in entries if not e.understood or (strict and e.how not in STRICT_READINGS)]
    if len(entries) > 1 and not problems:
        codes = ", ".join(str(e.code) for e in entries)
        raise UnknownTerms("An edit takes one term.", [FieldError(
            field=where, message=f"{text!r} names {len(entries)} terms ({codes}): one edit per term", value=text,
            suggestions=tuple(str(e.code) for e in entries))])
    if problems:
        raise UnknownTerms("An edit's term was not read.", [_field_error(e, path) for e in problems])
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


def _interpreted(where: str, reading: Reading, path: str, values: dict, domain: str | None = None,
                 vocabulary: Vocabulary | None = None) -> list[Interpreted]:
    """Records the reading and puts its code(s) in the field where each counts (once each)."""
    if reading.term is None:
        return [Interpreted(where, reading.text, UNKNOWN, suggestions=reading.suggestions, note=reading.hint)]
    if reading.parts:
        return [item for part in reading.parts
                for item in _interpreted(where, _part_of(reading.text, part), path, values, domain, vocabulary)]
    target = KIND_FIELDS[reading.kind] if reading.how == MOVED and reading.kind in KIND_FIELDS else path
    note = reading.hint
    control = reading.term.control if reading.kind != "privacy_control" else None
    if control and domain != CONTROL_SERVICES_DOMAIN and vocabulary is not None:
        # Controls are controls: KYC, AML, screening typed anywhere count as the product's controls,
        # never as its services (a regtech product sells them: there they stay scenarios).
        reading = Reading("privacy_control", reading.text, MOVED if path != CONTROLS_FIELD else reading.how,
                          vocabulary.term("privacy_control", control), reading.similarity, reading.suggestions)
        target, note = CONTROLS_FIELD, "a compliance control, counted as one (not a service of the product)"
    if reading.code in values[target]:
        note = (note + "; " if note else "") + "repeats an earlier value: counted once"
    else:
        values[target].append(reading.code)
    return [Interpreted(where, reading.text, reading.how, reading.code, target, reading.similarity,
                        reading.suggestions, note, reading.matched)]


def _absent(text: str, path: str) -> str:
    """Why a list value says the product has nothing there ('none', '无', 'no licence', a licence only
    applied for); empty when it names something."""
    folded = " ".join(text.casefold().split()).strip(" .。;；")
    if folded in _NONE_WORDS:
        return "says none: nothing counted"
    if path != LICENCES_FIELD:
        return ""
    if any(n in folded for n in _NOT_HELD):
        return "a licence applied for or not held is not held: nothing counted"
    if any(folded.startswith(n + " ") for n in ("no", "not", "without", "none", "never")) or \
            any(folded.startswith(n) for n in CUES["negations_zh"] + ["无", "未", "不"]) or \
            any(p in folded for p in CUES["no_licence_en"] + CUES["no_licence_zh"]):
        return "says no licence is held: nothing counted"
    return ""


def _named_in(where: str, text: str, kind: str, path: str, finder: TermFinder, values: dict,
              vocabulary: Vocabulary) -> list[Interpreted]:
    """The terms of the field's kind a longer phrase names ('SFC Type 1 and Type 7 licences (VATP)',
    'buy and sell major virtual assets'), each read from its words; empty when it names none. Outside
    the licences (where one value often names several: 'SFC Type 1 and Type 7 licences') a term must
    hold the phrase's head and nothing around it may narrow it, as for a contained reading (precision
    first: '租屋保险' is cover, not rental; '剩余保费捐赠' is a donation, not premiums; a 'crypto savings
    account' is no bank deposit; 'tiered access to KYC data' is an access control, not KYC; 'pet medical
    history' is no person's health data)."""
    found = []
    head = None if path == LICENCES_FIELD else _head_span(text)
    for match in finder.find(text):
        end = match.start + len(match.phrase)
        if head is not None and (not match.start <= head < end or vocabulary.narrows(
                match.kind, match.code, f"{text[:match.start]} {text[end:]}".strip())):
            continue
        if match.kind == kind and not match.negated:
            if match.code not in values[path]:
                values[path].append(match.code)
            found.append(Interpreted(where, text, CONTAINED, match.code, path,
                                     note=f"read from the words {match.phrase!r} in it"))
    return found


def _head_span(text: str) -> int:
    """Where a phrase's head is, as a character position of `text`: in Chinese its last character,
    generic trailing words (平台, 人群, 管理...) aside; in English its head word (terms._head_index)."""
    stripped = text.rstrip()
    if CJK.search(stripped):
        folded = normalise(stripped)
        return max(0, len(stripped) - (len(folded) - head_end(folded)) - 1)
    spans = [(m.start(), m.group()) for m in WORD_SPANS.finditer(unicodedata.normalize("NFKC", stripped).casefold())]
    index = head_index([w for _, w in spans])
    return -1 if index is None else spans[index][0]


def _practices(where: str, text: str, found: list[Interpreted], finder: TermFinder, values: dict
               ) -> list[Interpreted]:
    """The value's readings plus the practices its words describe; a value that describes a practice
    ('tick-box authorisation') is never also read as the control it resembles (consent)."""
    practices = list(_mentions(finder, text))
    if not practices:
        return found
    kept, already = [], {i.code for i in found if i.placed_in == PRACTICES_FIELD}
    for item in found:
        if item.placed_in == CONTROLS_FIELD and item.how != EXACT and item.code in values[CONTROLS_FIELD] \
                and "repeats" not in item.note:
            values[CONTROLS_FIELD].remove(item.code)
            item = Interpreted(item.field, item.text, PRACTICE, practices[0].code, PRACTICES_FIELD,
                               note=f"describes a practice, not the control {item.code!r}")
            already.add(practices[0].code)
            if practices[0].code not in values[PRACTICES_FIELD]:
                values[PRACTICES_FIELD].append(practices[0].code)
        kept.append(item)
    for match in practices:
        if match.code in already:
            continue
        if match.code not in values[PRACTICES_FIELD]:
            values[PRACTICES_FIELD].append(match.code)
        kept.append(Interpreted(where, text, PRACTICE, match.code, PRACTICES_FIELD,
                                note=f"the words {match.phrase!r} describe the practice {match.label_en!r}"))
    return kept


def _jurisdiction(raw: dict, values: dict, vocabulary: Vocabulary, finder: TermFinder) -> list[Interpreted]:
    """Where it operates: as typed; else where its licences are valid and the regulators they name;
    else mainland China, the report's market."""
    if values["jurisdiction"]:
        return []
    found: dict[str, str] = {}
    for code in values[LICENCES_FIELD]:
        for place in vocabulary.term("license", code).jurisdictions:
            found.setdefault(place, f"the licence {code!r}")
    for text in (raw.get("compliance") or {}).get("licenses") or ():
        for match in _mentions(finder, text):
            if not _absent(text, LICENCES_FIELD):
                found.setdefault(match.code, f"the regulator or place {match.phrase!r} in {text!r}")
    if found:
        values["jurisdiction"] = sorted(found)
        return [Interpreted("jurisdiction", "", INFERRED, place, "jurisdiction", note=f"read from {why}")
                for place, why in sorted(found.items())]
    # Nothing typed names a market: mainland China, the report's market (the answer's packs_applied says so).
    values["jurisdiction"] = [DEFAULT_JURISDICTION]
    return []


def _part_of(whole: str, part: Reading) -> Reading:
    """A part of a value naming several terms: the value as typed, what the part was read as, and how."""
    return Reading(part.kind, whole, SPLIT if part.how != MOVED else MOVED, part.term, part.similarity,
                   hint=f"the part {part.text!r}, read as {part.how.replace('_', ' ')}"
                        + (f"; {part.hint}" if part.hint else ""), matched=part.matched or part.text)


@lru_cache(maxsize=8)
def _finder(vocabulary: Vocabulary) -> TermFinder:
    return TermFinder(vocabulary)


@lru_cache(maxsize=16)
def _finder_of(vocabulary: Vocabulary, kind: str) -> TermFinder:
    """A finder for one kind only: reading every value for practices costs a tenth of the full finder."""
    return TermFinder(Vocabulary(vocabulary.terms(kind)))


@lru_cache(maxsize=4096)
def _mentions(finder: TermFinder, text: str) -> tuple:
    """The terms a value mentions, as present (not negated); values repeat across a batch."""
    return tuple(m for m in finder.find(text) if not m.negated)


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
    """The rate as written; a rate in words ('n/a', 'up to 35.99% APR') read as a phrase, said so
    (strict handling refuses those readings, as it refuses any reading but an exact one)."""
    if value is None:
        return None
    try:
        rate, how, note = read_rate(value)
    except ValueError:
        rate, how, note = read_rate_phrase(str(value))
    readings.append(Interpreted("compliance.max_apr", value, how, rate, "compliance.max_apr", note=note))
    return rate


def _reject_loose(readings: list) -> None:
    errors = [_field_error(r) for r in readings
              if r.how not in STRICT_READINGS and (r.field not in _NUMBERS or r.how in _RATE_IN_WORDS)
              and not _said_plainly(r)]
    if errors:
        noun = "value" if len(errors) == 1 else "values"
        raise UnknownTerms(f"{len(errors)} {noun} not an exact or synonym match (strict handling); "
                           "see errors for the closest accepted terms", errors)


def _said_plainly(reading: Interpreted) -> bool:
    """Readings strict handling accepts beyond exact terms: a practice the words describe (the value's own
    reading is judged on its own), a list value saying 'none', markets read from the licences."""
    return reading.how in (PRACTICE, NEGATED) or (reading.field == "jurisdiction" and reading.how == INFERRED)


def _field_error(reading: Interpreted, path: str | None = None) -> FieldError:
    """The problem of one value, its kind from its field (path, where it was sent elsewhere: an edit)."""
    spec = FIELDS.get(path or reading.field.partition("[")[0])
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
