"""The blind test sets (tests/data/blind/), written from the domains' everyday vocabulary without
looking at the service's, against issue 10's targets: everyday terms read correctly, misspellings
kept within their family, whole profiles answered with an interpretation, blurbs extracted.
What counts as correct is tests/data/blind/concept_codes.yaml. Each test prints its figures and
its misses (run with -s), so a shortfall says what to add rather than only that it fell short."""

from collections import Counter
from pathlib import Path

import pytest
import yaml

from service.errors import UnknownTerms
from service.profile import FIELD_KINDS, FIELDS, KIND_FIELDS, TERM_FIELDS
from service.profile_rows import split_terms
from service.vocabulary.scalars import read_rate
from service.vocabulary import normalise_profile
from service.vocabulary.profiles import READINGS
from service.vocabulary.terms import EXACT, UNKNOWN

BLIND = Path(__file__).parents[1] / "data" / "blind"

# Issue 10, "Done when".
EVERYDAY_TARGET = 0.95          # everyday terms resolved correctly
FAMILY_MIN = 30                 # misspelt or unknown terms whose suggestions stay within the family
DOMAIN_RECALL_TARGET = 0.90     # extraction on blurbs
TERM_RECALL_TARGET = 0.80
APR_TOLERANCE = 1e-6
# Judgement calls of the blind sets the service may read otherwise (both listed with every run): a
# concept mentioned as absent, and a suggestion outside the family a misspelling was written for
# (养老理财宝 -> elderly care, 大树据 -> big-data risk control) may be arguable; at most this share.
NEGATION_KEPT_TARGET = 0.90
FAMILY_LEAK_MAX = 0.05

CERTIFICATION = "compliance.certification"
CONTEXT_DOMAIN = "payments"     # any recognised domain: the profile around a certification phrase
TYPED_KINDS = {**FIELD_KINDS, "domain": "domain"}


def _load(name: str):
    return yaml.safe_load((BLIND / name).read_text(encoding="utf-8"))


CONCEPTS = _load("concept_codes.yaml")["concepts"]


def _accept(concept: str) -> dict[str, set]:
    """The acceptable codes of a concept by kind; empty when the service has no fitting term."""
    return {kind: set(codes) for kind, codes in (CONCEPTS[concept]["accept"] or {}).items()}


def _missing(concept: str) -> bool:
    return bool(CONCEPTS[concept].get("missing"))


def _report(title: str, hits: int, total: int, misses: list[str]) -> float:
    """Prints a figure and the entries behind its shortfall; returns the rate."""
    rate = hits / total if total else 1.0
    print(f"\n{title}: {hits}/{total} = {rate:.1%}")
    for miss in misses:
        print(f"  - {miss}")
    return rate


def _fact(path: str) -> str:
    return FIELDS[path].fact


def _post_flag(client, path: str, text) -> tuple[object, str]:
    """A flag as typed, in a minimal profile: (the value it was read as, how) or (None, why not)."""
    profile = {"name": "blind", "domain": CONTEXT_DOMAIN, "compliance": {FIELDS[path].name: text}}
    response = client.post("/v1/scores", json=profile)
    if response.status_code != 200:
        return None, f"{UNKNOWN} ({response.status_code})"
    return response.get_json()["profile"]["compliance"][FIELDS[path].name], EXACT


def _read_everyday(vocabulary, client, field: str, text: str) -> tuple[str, object, str, tuple]:
    """(kind, code, how, suggestions) for a value typed in `field`, read as the service reads it."""
    if field == "domain":
        try:
            _, readings = normalise_profile({"domain": text}, vocabulary)
        except UnknownTerms as exc:
            return "domain", None, UNKNOWN, tuple(s for e in exc.errors for s in e.suggestions)
        domain = next(r for r in readings if r.field == "domain")
        return "domain", domain.code, domain.how, domain.suggestions
    if field in FIELD_KINDS:
        reading = vocabulary.read(FIELD_KINDS[field], text)
        return reading.kind, reading.code, reading.how, reading.suggestions
    if field == CERTIFICATION:
        profile, readings = normalise_profile({"domain": CONTEXT_DOMAIN, "compliance": {"certification": text}},
                                              vocabulary)
        said = next((r for r in readings if r.field == field), None)
        how = said.how if said else EXACT
        return _fact(field), profile.compliance.certification, how, said.suggestions if said else ()
    value, how = _post_flag(client, field, text)
    return _fact(field), value, how, ()


def test_everyday_terms_resolve_to_the_right_code(benchmarks, client):
    vocabulary = benchmarks.vocabulary
    entries = _load("everyday_terms.yaml")
    correct, misses = [], []
    for entry in entries:
        kind, code, how, suggestions = _read_everyday(vocabulary, client, entry["field"], entry["text"])
        accepted = _accept(entry["concept"])
        ok = not how.startswith(UNKNOWN) and code is not None and code in accepted.get(kind, ())
        (correct if ok else misses).append((entry, kind, code, how, suggestions))
    scored = [e for e in entries if not _missing(e["concept"])]
    right = [c for c in correct if not _missing(c[0]["concept"])]

    def line(miss):
        entry, kind, code, how, suggestions = miss
        got = f"{kind}:{code} ({how})" if code is not None and not how.startswith(UNKNOWN) else how
        hint = f" suggestions={list(suggestions)}" if suggestions else ""
        gap = " [concept missing from the vocabulary]" if _missing(entry["concept"]) else ""
        return f"{entry['field']} {entry['text']!r} -> {got}; want {entry['concept']!r}{hint}{gap}"

    langs = Counter(entry["lang"] for entry in entries)
    print(f"\neveryday terms: {len(entries)} ({', '.join(f'{k} {v}' for k, v in sorted(langs.items()))}); "
          f"{len(entries) - len(scored)} name a concept the vocabulary lacks")
    _report("everyday terms understood correctly, all entries (missing concepts included)",
            len(correct), len(entries), [])
    rate = _report("everyday terms resolved correctly, concepts the vocabulary has",
                   len(right), len(scored), [line(m) for m in misses])
    assert rate >= EVERYDAY_TARGET, f"{rate:.1%} < {EVERYDAY_TARGET:.0%}: see the misses printed above"


def _family_codes(vocabulary, concepts: list[str]) -> dict[str, set]:
    """Every code a family stands for: its concepts' codes, their members in the vocabulary, and
    the services of a domain the family names."""
    family: dict[str, set] = {}
    for concept in concepts:
        for kind, codes in _accept(concept).items():
            family.setdefault(kind, set()).update(codes)
    for kind in list(family):
        if kind in vocabulary.kinds:
            family[kind] |= {t.code for t in vocabulary.terms(kind)
                             if set(vocabulary.ancestors(kind, t.code)) & family[kind]}
    domains = family.get("domain", set())
    family.setdefault("scenario", set()).update(
        t.code for t in vocabulary.terms("scenario") if domains & set(t.domains))
    return family


def test_misspellings_stay_within_their_family(benchmarks):
    vocabulary = benchmarks.vocabulary
    entries = _load("misspellings.yaml")
    within, outside, empty = [], [], []
    for entry in entries:
        kind = TYPED_KINDS[entry["field"]]
        family = _family_codes(vocabulary, entry["family_concepts"])
        # a domain is read in its own kind only, as normalise_profile reads it
        reading = vocabulary.read(kind, entry["text"], moves=kind != "domain")
        said = f"{entry['field']} {entry['text']!r} ({entry['concept_family']}): "
        if reading.understood and reading.code not in family.get(reading.kind, ()):
            outside.append(said + f"read as {reading.kind}:{reading.code} ({reading.how})")
        strays = [s for s in reading.suggestions if s not in family.get(kind, ())]
        if strays:
            outside.append(said + f"suggests {strays} outside the family (all: {list(reading.suggestions)})")
        if reading.understood and reading.code in family.get(reading.kind, ()):
            within.append(entry)
        elif reading.suggestions and not strays:
            within.append(entry)
        elif not reading.understood and not reading.suggestions:
            empty.append(said + "no reading, no suggestion")
    _report("misspellings read or suggested within their family", len(within), len(entries), empty)
    _report("misspellings leaving their family", len(outside), len(entries), outside)
    assert len(outside) <= FAMILY_LEAK_MAX * len(entries), f"{len(outside)} leave the family: see above"
    assert len(within) >= FAMILY_MIN, f"{len(within)} < {FAMILY_MIN} within the family: see above"


def _sent_values(profile: dict, path: str) -> list:
    """The values of a term field as the API takes them: a string is split like a spreadsheet cell."""
    spec = FIELDS[path]
    value = (profile.get("compliance") or {}).get(spec.name) if spec.in_compliance else profile.get(spec.name)
    if value is None:
        return []
    return split_terms(value) if isinstance(value, str) else list(value)


def _interpretation_gaps(profile: dict, interpretation: list[dict]) -> list[str]:
    """Values sent that the interpretation does not account for (understood, or listed with field and text)."""
    gaps = []
    for entry in interpretation:
        if entry["how"] not in READINGS:
            gaps.append(f"{entry['field']}: unknown reading {entry['how']!r}")
        if entry["how"] == UNKNOWN and not (entry.get("field") and entry.get("text")):
            gaps.append(f"a not_recognised entry without field or text: {entry}")
    if not any(e["field"] == "domain" for e in interpretation):
        gaps.append("no reading of the domain")
    for spec in TERM_FIELDS:
        sent = _sent_values(profile, spec.path)
        said = {e["field"]: e for e in interpretation if e["field"].startswith(f"{spec.path}[")}
        for index, text in enumerate(sent):
            entry = said.get(f"{spec.path}[{index}]")
            if entry is None:
                gaps.append(f"{spec.path}[{index}] {text!r} is not in the interpretation")
            elif entry["how"] != UNKNOWN and entry.get("code") is None:
                gaps.append(f"{spec.path}[{index}] {text!r} read as {entry['how']} without a code")
    return gaps


def test_whole_profiles_are_answered_with_an_interpretation(client):
    entries = _load("profiles.yaml")
    answered, misses, unread, scalars = [], [], [], []
    for entry in entries:
        expect = entry["expect"]
        domains = {expect["domain"], *expect.get("also_acceptable_domains", ())}
        response = client.post("/v1/scores", json={"name": entry["name"], **entry["profile"]})
        body = response.get_json()
        if response.status_code != 200:
            errors = "; ".join(f"{e.get('field')}: {e.get('message')}" for e in body.get("errors", ()))
            misses.append(f"{entry['id']}: {response.status_code} {body.get('title')}: {errors or body.get('detail')}")
            continue
        problems = _interpretation_gaps(entry["profile"], body["interpretation"])
        if body["profile"]["domain"] not in domains:
            problems.append(f"domain {body['profile']['domain']!r}, want {sorted(domains)}")
        if problems:
            misses.append(f"{entry['id']}: {'; '.join(problems)}")
        else:
            answered.append(entry)
        unread += [f"{entry['id']} {e['field']} {e['text']!r} suggestions={e.get('suggestions')}"
                   for e in body["interpretation"] if e["how"] == UNKNOWN]
        scalars += _scalar_differences(entry, body["profile"]["compliance"])
    _report("profiles answered 200 with every value understood or listed, right domain",
            len(answered), len(entries), misses)
    print(f"values listed as not recognised in the answered profiles: {len(unread)}")
    for line in unread:
        print(f"  . {line}")
    print(f"compliance values of the answered profiles read otherwise than expected (not asserted): {len(scalars)}")
    for line in scalars:
        print(f"  . {line}")
    assert not misses, f"{len(misses)} of {len(entries)} profiles fall short: see above"


def _scalar_differences(entry: dict, compliance: dict) -> list[str]:
    """Certification, rate and flags as scored, against the blind reader's expectation."""
    expect = entry["expect"]
    want = {"certification": expect["certification"], "cross_border": expect["cross_border"],
            "sandbox": expect["sandbox"],
            "max_apr": None if expect["max_apr_percent"] is None else expect["max_apr_percent"] / 100}
    sent = entry["profile"].get("compliance") or {}
    return [f"{entry['id']} {name} {sent.get(name)!r} -> {compliance[name]!r}, want {value!r}"
            for name, value in want.items()
            if not (compliance[name] == value or (isinstance(value, float) and compliance[name] is not None
                                                  and abs(compliance[name] - value) <= APR_TOLERANCE))]


def _draft_codes(draft: dict, kind: str) -> set:
    """The codes of one kind in an extracted draft (domain, term fields, levels and flags)."""
    if kind == "domain":
        return {draft["domain"]}
    if kind in KIND_FIELDS:
        spec = FIELDS[KIND_FIELDS[kind]]
        return set((draft["compliance"] if spec.in_compliance else draft)[spec.name])
    if kind in ("certification", "sandbox", "cross_border"):
        return {draft["compliance"][kind]}
    raise KeyError(kind)


def _fired_rules(client, draft: dict) -> set:
    """The compliance rules a draft fires once scored; none when it cannot be scored (no domain)."""
    if not draft["domain"]:
        return set()
    profile = {k: v for k, v in draft.items() if v is not None}
    response = client.post("/v1/scores", json=profile)
    if response.status_code != 200:
        return set()
    return {f["code"] for f in response.get_json()["compliance_risk"]["factors"]}


def _recalled(client, draft: dict, concept: str, fired: dict) -> bool:
    for kind, codes in _accept(concept).items():
        if kind == "rule":
            if "rules" not in fired:
                fired["rules"] = _fired_rules(client, draft)
            found = fired["rules"]
        else:
            found = _draft_codes(draft, kind)
        if found & codes:
            return True
    return False


def test_blurbs_are_extracted_with_their_domain_terms_negations_and_rate(client):
    entries = _load("blurbs.yaml")
    domain_hits, domain_misses = 0, []
    term_hits, term_total, term_all_total, term_misses = 0, 0, 0, []
    negation_errors, rate_errors = [], []
    for entry in entries:
        expect = entry["expect"]
        response = client.post("/v1/profiles/extract", json={"name": entry["id"], "text": entry["text"]})
        assert response.status_code == 200, (entry["id"], response.get_json())
        draft = response.get_json()["profile"]
        domains = {expect["domain"], *expect.get("also_acceptable_domains", ())}
        if draft["domain"] in domains:
            domain_hits += 1
        else:
            domain_misses.append(f"{entry['id']}: {draft['domain']!r}, want {sorted(domains)}")
        fired: dict = {}
        for concept in expect["concepts"]:
            term_all_total += 1
            if _missing(concept):
                term_misses.append(f"{entry['id']}: {concept!r} [concept missing from the vocabulary]")
                continue
            term_total += 1
            if _recalled(client, draft, concept, fired):
                term_hits += 1
            else:
                term_misses.append(f"{entry['id']}: {concept!r} not in the draft")
        for concept in expect["negated"]:
            if not _missing(concept) and _recalled(client, draft, concept, fired):
                negation_errors.append(f"{entry['id']}: {concept!r} is mentioned as absent but in the draft")
        if expect["max_apr"] is not None:
            want = expect["max_apr"] / 100
            stated = draft["compliance"]["max_apr"]
            got = None if stated is None else read_rate(stated)[0]  # as /v1/scores reads the draft back
            if got is None or abs(got - want) > APR_TOLERANCE:
                rate_errors.append(f"{entry['id']}: max_apr {got}, want {want:g}")
    domain_recall = _report("blurb domain recall", domain_hits, len(entries), domain_misses)
    _report("blurb term recall, all expected concepts (missing included)", term_hits, term_all_total, [])
    term_recall = _report("blurb term recall, concepts the vocabulary has", term_hits, term_total, term_misses)
    _report("blurb negations kept out of the draft (violations)", len(negation_errors),
            sum(len(e["expect"]["negated"]) for e in entries), negation_errors)
    _report("blurb max_apr misread (of those stated)", len(rate_errors),
            sum(e["expect"]["max_apr"] is not None for e in entries), rate_errors)
    assert domain_recall >= DOMAIN_RECALL_TARGET, f"domain recall {domain_recall:.1%}: see above"
    assert term_recall >= TERM_RECALL_TARGET, f"term recall {term_recall:.1%}: see above"
    negated = sum(len(e["expect"]["negated"]) for e in entries)
    assert len(negation_errors) <= (1 - NEGATION_KEPT_TARGET) * negated, "negated concepts in the draft: see above"
    assert not rate_errors, "max_apr misread: see above"


@pytest.mark.parametrize("name", ["everyday_terms.yaml", "misspellings.yaml", "blurbs.yaml"])
def test_every_concept_the_sets_name_is_mapped(name):
    """A concept the blind sets name but concept_codes.yaml does not map would be silently unscored."""
    entries = _load(name)
    named = set()
    for entry in entries:
        named.add(entry.get("concept"))
        named.update(entry.get("family_concepts", ()))
        named.update(entry.get("expect", {}).get("concepts", ()))
        named.update(entry.get("expect", {}).get("negated", ()))
    assert named - {None} <= set(CONCEPTS)


def test_concept_codes_name_real_codes(benchmarks):
    """Every code the mapping accepts exists, so a renamed code fails here, not as a silent miss."""
    vocabulary = benchmarks.vocabulary
    rules = {rule.id for rule in benchmarks.rules}
    levels = {"certification": {"none", "in_progress", "certified"}, "sandbox": {True, False},
              "cross_border": {True, False}, "rule": rules}
    unknown = [f"{concept}: {kind}:{code}" for concept in CONCEPTS for kind, codes in _accept(concept).items()
               for code in codes
               if not (vocabulary.has(kind, code) if kind in vocabulary.kinds else code in levels[kind])]
    assert not unknown
