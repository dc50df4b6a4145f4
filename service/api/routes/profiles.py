"""POST /v1/profiles/extract: a product blurb in, a draft profile of canonical terms out."""

from service.api.context import services
from service.api.routes import ACCESS_PROBLEMS, BODY_PROBLEMS, ApiBlueprint, problems
from service.api.schemas import ExtractInSchema, ExtractOutSchema
from service.profile import FIELD_KINDS
from service.vocabulary import normalise_profile

blp = ApiBlueprint("profiles", __name__, url_prefix="/v1", description="Profiles from free text.")


@blp.route("/profiles/extract", methods=["POST"])
@blp.arguments(ExtractInSchema)
@blp.response(200, ExtractOutSchema)
@problems(blp, *BODY_PROBLEMS, *ACCESS_PROBLEMS)
def extract_profile(request_body):
    """Read a blurb for vocabulary terms and return a draft profile to review.

    Chinese and English are read alike (an n-gram matcher over the vocabulary, no model). Terms
    land in the field of their kind; the first domain named is used unless `domain` is given.
    """
    context = services()
    text = request_body["text"]
    matches = context.finder.find(text)
    domain = request_body["domain"]
    if domain is not None:
        domain = normalise_profile({"name": "", "domain": domain}, context.benchmarks.vocabulary).domain
    else:
        domain = next((m.code for m in matches if m.kind == "domain"), None)
    draft = {"name": request_body["name"], "domain": domain, "description": text,
             "compliance": {"cross_border": False, "certification": "none", "sandbox": False, "max_apr": None}}
    for field, kind in FIELD_KINDS.items():
        codes = [m.code for m in matches if m.kind == kind]
        if field.startswith("compliance."):
            draft["compliance"][field.split(".", 1)[1]] = codes
        else:
            draft[field] = codes
    return {"profile": draft, "matches": matches, "missing": [f for f in ("name", "domain") if not draft[f]]}
