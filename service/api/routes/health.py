"""Liveness and readiness; readiness reports a Redis outage as degraded without failing."""

import logging

from service.api.security import requires
from service.api.context import services
from service.api.routes import ApiBlueprint
from service.api.schemas import HealthSchema, ReadinessSchema

log = logging.getLogger(__name__)
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
    """Benchmarks are loaded; the cache is up, or degraded (answers are still computed); every
    registered catalog can be loaded, or those that cannot are counted (and named in the log).

    For readiness probes: a Redis outage, or a catalog the store no longer holds whole, reports
    `degraded` with a 200: every pod shares the store, so taking pods out of service would not bring
    a catalog back, and scores against the report are still served.
    """
    context = services()
    cache = context.cache.status()
    unloadable = context.catalogs.unloadable()
    if unloadable:
        # Named for the operators in the log only: this endpoint is open, and names belong to tenants.
        log.warning("registered catalogs the store no longer holds whole: %s", ", ".join(unloadable))
    return {
        "status": "degraded" if cache["redis"] == "degraded" or unloadable != [] else "ready",
        "benchmark_version": context.benchmarks.version,
        "benchmarks": len(context.benchmarks.products),
        "cache": cache,
        "catalogs": {"store": "down" if unloadable is None else "up", "unloadable": len(unloadable or ())},
    }
