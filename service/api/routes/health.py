"""Liveness and readiness; readiness reports a Redis outage as degraded without failing."""


from service.api.security import requires
from service.api.context import services
from service.api.routes import ApiBlueprint
from service.api.schemas import HealthSchema, ReadinessSchema

blp = ApiBlueprint("health", __name__, description="Health checks for load balancers and orchestrators.")


@blp.route("/healthz", methods=["GET"])
@requires(None)
@blp.doc(operationId="checkLiveness")
@blp.response(200, HealthSchema)
def healthz():
    """The process is alive.

    For liveness probes: answers without touching the cache or the data, never rate limited.
    """
    return {"status": "ok"}


@blp.route("/readyz", methods=["GET"])
@requires(None)
@blp.doc(operationId="checkReadiness")
@blp.response(200, ReadinessSchema)
def readyz():
    """Benchmarks are loaded; the cache is up, or degraded (answers are still computed).

    For readiness probes: a Redis outage reports `degraded` with a 200, since scores are still served.
    """
    context = services()
    cache = context.cache.status()
    return {
        "status": "degraded" if cache["redis"] == "degraded" else "ready",
        "benchmark_version": context.benchmarks.version,
        "benchmarks": len(context.benchmarks.products),
        "cache": cache,
    }
