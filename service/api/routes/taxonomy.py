"""GET /v1/taxonomy: the whole vocabulary, both labels and synonyms, so callers know what is accepted."""

from marshmallow import RAISE

from service.api.security import requires
from service.api.conditional import conditional
from service.api.context import services
from service.api.routes import ApiBlueprint, ACCESS_PROBLEMS, problems
from service.api.schemas import TaxonomyQuerySchema, TaxonomySchema

blp = ApiBlueprint("taxonomy", __name__, url_prefix="/v1", description="The accepted vocabulary.")


@blp.route("/taxonomy", methods=["GET"])
@requires("read")
@blp.doc(operationId="getTaxonomy")
@conditional(blp)
@blp.arguments(TaxonomyQuerySchema(), location="query", unknown=RAISE)
@blp.response(200, TaxonomySchema)
@problems(blp, *ACCESS_PROBLEMS)
def get_taxonomy(query):
    """List vocabulary terms, optionally of one kind.

    Each term with its code, English and Chinese labels, synonyms and report section: any of these
    spellings is accepted in a profile. The list changes only with the benchmark data, so clients
    keep it and revalidate with If-None-Match (a 304 without a body while it is unchanged).
    """
    benchmarks = services().benchmarks
    vocabulary = benchmarks.vocabulary
    kinds = [query["kind"]] if "kind" in query else list(vocabulary.kinds)
    return {
        "kinds": kinds,
        "terms": [term for kind in kinds for term in vocabulary.terms(kind)],
        "benchmark_version": benchmarks.version,
    }
