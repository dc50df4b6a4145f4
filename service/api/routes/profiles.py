"""POST /v1/profiles/extract: a product blurb in, a draft profile of canonical terms out."""

from service.api.security import requires
from service.api.context import services
from service.api.routes import ACCESS_PROBLEMS, BODY_PROBLEMS, ApiBlueprint, problems
from service.api.schemas import ExtractInSchema, ExtractOutSchema
from service.profile import TERM_FIELDS
from service.vocabulary import Interpreted, normalise_profile
from service.errors import UnknownTerms
from service.vocabulary.profiles import INFERRED, NEGATED
from service.vocabulary.scalars import PERCENT
from service.vocabulary.terms import UNKNOWN

blp = ApiBlueprint("profiles", __name__, url_prefix="/v1", description="Profiles from free text.")


@blp.route("/profiles/extract", methods=["POST"])
@requires("score")
@blp.doc(operationId="extractProfile")
@blp.arguments(ExtractInSchema())
@blp.response(200, ExtractOutSchema)
@problems(blp, *BODY_PROBLEMS, *ACCESS_PROBLEMS)
def extract_profile(request_body):
    """Read a blurb for vocabulary terms and return a draft profile to review.

    Chinese (Simplified or Traditional) and English are read alike (an n-gram matcher over the
    vocabulary, no model). Terms land in the field of their kind; terms mentioned as absent ("no
    claims adjuster", "不采集通讯录") are left out and listed; an annual rate near "APR"/"年化" is
    read; the domain is the one named, or inferred from the services and cue words (say why), unless
    `domain` is given. `interpretation` says how each part of the draft was read.
    """
    context = services()
    text = request_body["text"]
    reading = context.finder.read(text)
    interpretation = []
    hint, domain = request_body["domain"], None
    if hint is not None:
        # The hint is read as a profile's domain is (leniently: one it cannot read is inferred from
        # the text); a hint it cannot read at all is said, and the text's own domain is drafted.
        try:
            profile, readings = normalise_profile({"name": "", "domain": hint, "description": text},
                                                  context.benchmarks.vocabulary)
            domain, interpretation = profile.domain, [r for r in readings if r.field == "domain"]
        except UnknownTerms as exc:
            interpretation.append(Interpreted("domain", hint, UNKNOWN, suggestions=exc.errors[0].suggestions,
                                              note="not a domain we know: the domain is read from the text"))
    if domain is None:
        domain = reading.domain
        interpretation.append(Interpreted("domain", text, INFERRED, domain, "domain", note=reading.domain_evidence))
    draft = {"name": request_body["name"], "domain": domain, "description": text,
             "compliance": {"cross_border": False, "certification": "none", "sandbox": False,
                            "max_apr": None if reading.max_apr is None else f"{reading.max_apr * 100:g}%"}}
    for spec in TERM_FIELDS:
        codes = [m.code for m in reading.matches if m.kind == spec.fact and not m.negated]
        (draft["compliance"] if spec.in_compliance else draft)[spec.name] = codes
    for m in reading.matches:
        interpretation.append(Interpreted(m.field, m.phrase, NEGATED if m.negated else "exact", m.code, None if m.negated else m.field,
                                          note="mentioned as absent: left out" if m.negated else ""))
    if reading.max_apr is not None:
        interpretation.append(Interpreted("compliance.max_apr", reading.rate_phrase, PERCENT, reading.max_apr,
                                          "compliance.max_apr", note=f"read as {reading.max_apr:g}"))
    if reading.no_licence:
        interpretation.append(Interpreted("compliance.licenses", reading.no_licence, NEGATED, None,
                                          "compliance.licenses", note="says it holds no licence: none in the draft"))
    missing = [f for f in ("name", "domain") if not draft[f]]
    return {"profile": draft, "matches": [m for m in reading.matches if not m.negated],
            "negated": [m for m in reading.matches if m.negated], "interpretation": interpretation,
            "missing": missing}
