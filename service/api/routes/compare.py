"""POST /v1/compare: variants of a product side by side, and the edits that would move it most."""

from flask import g
from marshmallow import RAISE

from service.api.security import requires, tenant
from service.api.context import services
from service.api.examples import COMPARE_EXAMPLES
from service.api.routes import ACCESS_PROBLEMS, BODY_PROBLEMS, ApiBlueprint, problems, strict_handling
from service.api.schemas import CatalogQuerySchema, CompareInSchema, CompareOutSchema
from service.errors import FieldError, InvalidInput, UnknownTerms
from service.profile import CERTIFICATION_LEVELS, FIELD_KINDS
from service.scoring import MODEL_VERSION
from service.scoring.compare import apply_edits, best_pair, side_by_side
from service.benchmarks.models import Edit
from service.vocabulary.profiles import read_edit_term

blp = ApiBlueprint("compare", __name__, url_prefix="/v1", description="What-if comparison.")
_SET_FIELDS = {
    "compliance.certification": (lambda v: v in CERTIFICATION_LEVELS, f"one of {', '.join(CERTIFICATION_LEVELS)}"),
    "compliance.sandbox": (lambda v: isinstance(v, bool), "true or false"),
    "compliance.cross_border": (lambda v: isinstance(v, bool), "true or false"),
    "compliance.max_apr": (lambda v: v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)
                                                   and 0 <= v <= 1), "null or a fraction between 0 and 1"),
}


@blp.route("/compare", methods=["POST"])
@requires("score")
@blp.doc(operationId="compareVariants")
@blp.arguments(CompareInSchema(), examples=COMPARE_EXAMPLES)
@blp.arguments(CatalogQuerySchema(), location="query", unknown=RAISE)
@blp.response(200, CompareOutSchema)
@problems(blp, *BODY_PROBLEMS, *ACCESS_PROBLEMS)
def compare(request_body, query):
    """Score 2-20 variants side by side, or a base profile and the variants its edits make.

    Every variant gets its scores, the change against the first, and the reasons it gains or
    loses; the first also gets the recommender's best single edit and best pair of edits.
    """
    context = services()
    catalog = query["catalog"]
    strict = strict_handling(query)
    if "variants" in request_body:
        read = [context.score(variant, catalog, strict) for variant in request_body["variants"]]
    else:
        base = context.score(request_body["base"], catalog, strict)
        resolved = [_edits(edits, i, context.benchmarks.vocabulary, base[0].profile.domain, strict)
                    for i, edits in enumerate(request_body["edits"])]
        edited = [apply_edits(base[0].profile, edits) for edits, _ in resolved]
        read = [base] + [(*context.score_profile(profile, catalog), said)
                         for profile, (_, said) in zip(edited, resolved)]
    reports = [report for report, _, _ in read]
    first, source, _ = read[0]
    benchmarks = context.catalogs.select(catalog, tenant())
    market, _ = context.lookup(benchmarks).slice(first.profile.domain)
    return {
        "variants": [{"index": i, **vars(v), "interpretation": read[i][2]}
                     for i, v in enumerate(side_by_side(reports))],
        "best_single_edit": first.recommendations[0] if first.recommendations else None,
        "best_pair": best_pair(first, benchmarks, market),
        "meta": {"model_version": MODEL_VERSION, "benchmark_version": benchmarks.version,
                 "cache": {"hit": source != "computed", "source": source}, "request_id": g.request_id},
    }


def _edits(edits: list[dict], variant: int, vocabulary, domain: str, strict: bool) -> tuple[list[Edit], tuple]:
    """Edits with their terms read as the same values in a profile are (lenient unless strict handling
    is asked for, a term typed in another field's place moved there), and how each was read; every bad
    one is reported at once."""
    resolved, errors, said = [], [], []
    for j, edit in enumerate(edits):
        path, field, value = f"edits[{variant}][{j}].value", edit["field"], edit["value"]
        if field in FIELD_KINDS:
            if edit["action"] == "set" or not isinstance(value, str):
                errors.append(FieldError(path, f"{field} takes add or remove with one term", value))
                continue
            try:
                field, value, reading = read_edit_term(vocabulary, path, field, value, domain, strict)
            except UnknownTerms as exc:
                errors += exc.errors
                continue
            said.append(reading)
            if field is None:       # not recognised (said): the edit changes nothing
                continue
        else:
            valid, accepted = _SET_FIELDS[field]
            if edit["action"] != "set" or not valid(value):
                errors.append(FieldError(path, f"{field} takes set with {accepted}", value, accepted))
                continue
        resolved.append(Edit(edit["action"], field, value))
    if errors:
        raise InvalidInput(f"{len(errors)} edit(s) cannot be applied; see errors.", errors)
    return resolved, tuple(said)
