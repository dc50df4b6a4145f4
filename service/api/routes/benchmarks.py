"""GET /v1/benchmarks: the report's cases the scores are measured against."""

from marshmallow import RAISE

from service.api.security import requires
from service.api.conditional import conditional
from service.api.context import services
from service.api.routes import ApiBlueprint, ACCESS_PROBLEMS, problems
from service.api.schemas import BenchmarkPageSchema, BenchmarkQuerySchema, BenchmarkSchema
from service.errors import NotFound, UnknownTerm, InvalidInput, FieldError

blp = ApiBlueprint("benchmarks", __name__, url_prefix="/v1", description="Benchmark products from the report.")


@blp.route("/benchmarks", methods=["GET"])
@requires("read")
@blp.doc(operationId="listBenchmarks")
@conditional(blp)
@blp.arguments(BenchmarkQuerySchema(), location="query", unknown=RAISE)
@blp.response(200, BenchmarkPageSchema)
@problems(blp, *ACCESS_PROBLEMS)
def list_benchmarks(query):
    """List benchmark products, filtered by domain and verdict, a page at a time.

    The report's cases the scores are measured against, with their verdict (differentiated,
    homogeneous, penalised), outcomes and report sections. Revalidate with If-None-Match.
    """
    benchmarks = services().benchmarks
    domain = None
    if "domain" in query:
        try:
            domain = benchmarks.vocabulary.resolve("domain", query["domain"]).code
        except UnknownTerm as exc:
            raise InvalidInput(str(exc), [FieldError("domain", str(exc), query["domain"],
                                                     "a domain code or label (GET /v1/taxonomy?kind=domain)",
                                                     exc.suggestions)]) from None
    matching = [p for p in benchmarks.products
                if (domain is None or p.profile.domain == domain)
                and ("verdict" not in query or p.verdict == query["verdict"])]
    start = (query["page"] - 1) * query["page_size"]
    return {
        "items": [_view(p) for p in matching[start:start + query["page_size"]]],
        "page": query["page"],
        "page_size": query["page_size"],
        "total": len(matching),
        "benchmark_version": benchmarks.version,
    }


@blp.route("/benchmarks/<string:benchmark_id>", methods=["GET"])
@requires("read")
@blp.doc(operationId="getBenchmark")
@blp.response(200, BenchmarkSchema)
@problems(blp, 404, *ACCESS_PROBLEMS)
def get_benchmark(benchmark_id):
    """One benchmark product with its outcome figures and report sections.

    The ids are those GET /v1/benchmarks lists: the report's cases, not a caller's catalog.
    """
    product = services().benchmarks.by_id.get(benchmark_id)
    if product is None:
        raise NotFound(f"No benchmark product {benchmark_id!r}; GET /v1/benchmarks lists them.")
    return _view(product)


def _view(product):
    return {
        "id": product.id, "name_en": product.name_en, "name_zh": product.name_zh,
        "verdict": product.verdict, "sections": product.sections, "outcomes": product.outcomes,
        "profile": product.profile,
    }
