"""POST /v1/scores: one product profile in, three explained scores out."""

from functools import wraps

from flask import current_app, g, request
from marshmallow import RAISE, ValidationError

from service.api.replay import splice
from service.api.security import requires, tenant
from service.api.context import services
from service.api.errors import service_problem_body, validation_errors
from service.api.examples import BATCH_EXAMPLES, PROFILE_EXAMPLES
from service.api.routes import (ApiBlueprint, ACCESS_PROBLEMS, BODY_PROBLEMS, items_apart, problems, strict_handling,
                                unreadable)
from service.api.schemas import BatchInSchema, BatchOutSchema, ProfileInSchema, ScoreQuerySchema, ScoreResponseSchema
from service.cache import MEMORY
from service.errors import InvalidInput, PayloadTooLarge, ServiceError
from service.scoring import MODEL_VERSION

SCORED = ("differentiation", "homogeneity_risk", "compliance_risk")

blp = ApiBlueprint("scores", __name__, url_prefix="/v1", description="Score product concepts.")


def replayed(view):
    """Outside the argument parsing: a request seen before, byte for byte, is answered from the bytes
    kept of its first answer (service/api/replay.py); any other goes the whole way and its 200 is kept."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        context = services()
        key, version = context.replay.key(tenant()), context.catalog_version(request.args.get("catalog"))
        kept = context.replay.get(key, version) if version else None
        if kept is not None:
            g.cache_source, g.scores = MEMORY, list(kept.scores)
            if kept.preference:
                g.preference_applied = kept.preference
            meta = {"model_version": MODEL_VERSION, "benchmark_version": version,
                    "cache": {"hit": True, "source": MEMORY}, "request_id": g.request_id}
            return current_app.response_class(splice(kept, meta), mimetype="application/json")
        response = view(*args, **kwargs)
        if response.status_code == 200 and version and g.get("answered") is not None:
            context.replay.keep(key, version, g.answered, g.get("preference_applied"), g.scores)
        return response
    return wrapper


@blp.route("/scores", methods=["POST"])
@replayed
@requires("score")
@blp.doc(operationId="scoreProfile")
@blp.arguments(ProfileInSchema(), examples=PROFILE_EXAMPLES)
@blp.arguments(ScoreQuerySchema(), location="query", unknown=RAISE)
@blp.response(200, ScoreResponseSchema)
@problems(blp, *BODY_PROBLEMS, *ACCESS_PROBLEMS)
def post_score(profile, query):
    """Score one product profile.

    Returns differentiation, homogeneity risk and compliance risk (0-100), each with its band, base
    value and signed factors (base + contributions = score), the nearest benchmark products, and
    recommended edits with their measured effect. Everyday words, Traditional Chinese, US/UK spellings
    and percentages are read, and `interpretation` says how each value was read; a term not
    understood is listed with suggestions and lowers the coverage. With `Prefer: handling=strict`
    (or `?strict=true`) any value that is not an exact or synonym match is a 422 problem instead.
    Unknown fields are rejected, not ignored. `?fields=` asks for parts of the answer only.
    """
    body, _ = answer(services(), profile, query)
    g.answered = body
    return current_app.json.response(body)


@blp.route("/scores/batch", methods=["POST"])
@requires("score")
@blp.doc(operationId="scoreBatch")
@blp.arguments(BatchInSchema(), examples=BATCH_EXAMPLES)
@blp.arguments(ScoreQuerySchema(), location="query", unknown=RAISE)
@blp.response(200, BatchOutSchema)
@problems(blp, *BODY_PROBLEMS, *ACCESS_PROBLEMS)
@items_apart("items")
def post_batch(batch, query):
    """Score up to 1,000 profiles in one request.

    Every item is answered, in order, with its result or its own problem: one bad item never fails
    the others. Scoring is deterministic, so retrying a batch is safe.
    """
    context = services()
    items = batch["items"]
    if len(items) > context.settings.batch_max_items:
        raise PayloadTooLarge(f"A batch holds at most {context.settings.batch_max_items} items; "
                              f"this one has {len(items)}. Split it into smaller batches.")
    g.items = len(items)           # the worker-time allowance of a batch is per item (service/api/quota.py)
    schema = ProfileInSchema()
    results = []
    for index, item in enumerate(items):
        instance = f"{request.path}#/items/{index}"
        try:
            errors = list(unreadable(item))
            if errors:
                raise InvalidInput(f"{len(errors)} value(s) cannot be read: fix them and send again; see errors.",
                                   errors)
            result, _ = answer(context, schema.load(item), query)
            results.append({"index": index, "status": 200, "result": result, "error": None})
        except ValidationError as exc:
            errors = list(validation_errors(exc.messages, schema))
            problem = InvalidInput(f"{len(errors)} field(s) failed validation; see errors.", errors)
            results.append({"index": index, "status": problem.status, "result": None,
                            "error": service_problem_body(problem, instance)})
        except ServiceError as exc:
            results.append({"index": index, "status": exc.status, "result": None,
                            "error": service_problem_body(exc, instance)})
    scored = sum(1 for r in results if r["status"] == 200)
    return current_app.json.response(
        {"results": results, "summary": {"items": len(results), "scored": scored, "failed": len(results) - scored}})


def answer(context, profile: dict, query: dict) -> tuple[dict, str]:
    """One answer through the answer cache; the cache source is logged and counted once per request."""
    body, source = context.answer(profile, query["catalog"], strict_handling(query), query["sections"],
                                  g.request_id)
    g.cache_source = source
    g.scores = g.get("scores", []) + [(name, body[name]["score"]) for name in SCORED if name in body]
    return body, source
