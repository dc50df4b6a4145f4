"""GET /v1/taxonomy: the whole vocabulary, both labels and synonyms, so callers know what is accepted."""

from marshmallow import RAISE

from service.api.context import services
from service.api.routes import ApiBlueprint, ACCESS_PROBLEMS, problems
from service.api.schemas import TaxonomyQuerySchema, TaxonomySchema

blp = ApiBlueprint("taxonomy", __name__, url_prefix="/v1", description="The accepted vocabulary.")


@blp.route("/taxonomy", methods=["GET"])
@blp.arguments(TaxonomyQuerySchema, location="query", unknown=RAISE)
@blp.response(200, TaxonomySchema)
@problems(blp, *ACCESS_PROBLEMS)
def get_taxonomy(query):
    """List vocabulary terms, optionally of one kind."""
    benchmarks = services().benchmarks
    vocabulary = benchmarks.vocabulary
    kinds = [query["kind"]] if "kind" in query else list(vocabulary.kinds)
    return {
        "kinds": kinds,
        "terms": [term for kind in kinds for term in vocabulary.terms(kind)],
        "benchmark_version": benchmarks.version,
    }
