"""One structured JSON log line per request, Prometheus metrics, and the /metrics endpoint."""

import logging
import os
import sys
import time
from importlib.metadata import version

from service.api.security import requires
from flask import Blueprint, Response, g, request
from prometheus_client import REGISTRY, CollectorRegistry, multiprocess
from prometheus_client.exposition import choose_encoder

from service.logs import json_formatter
from service.metrics import ANSWERS, BUILD_INFO, LATENCY, REQUESTS, SCORES

log = logging.getLogger("diffscore.request")
bp = Blueprint("metrics", __name__)


def configure_logging() -> None:
    """JSON lines on stderr, once per process."""
    if log.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter())
    for name in ("diffscore.request", "service"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def record_build_info(model_version: str, benchmark_version: str) -> None:
    """diffscore_build_info{version, model_version, benchmark_version} 1: what this process serves."""
    BUILD_INFO.labels(version("diffscore"), model_version, benchmark_version).set(1)


def start_timer() -> None:
    g.started = time.perf_counter()


def record(response):
    """After each request: the log line (no body, no key, only the key's name) and the metrics."""
    route = request.url_rule.rule if request.url_rule else "unmatched"
    elapsed = time.perf_counter() - g.get("started", time.perf_counter())
    REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    LATENCY.labels(route).observe(elapsed)
    if g.get("cache_source"):
        ANSWERS.labels(g.cache_source).inc()
    for name, value in g.get("scores", ()):
        SCORES.labels(name).observe(value)
    log.info("request", extra={
        "request_id": g.get("request_id", ""), "method": request.method, "route": route,
        "status": response.status_code, "latency_ms": round(elapsed * 1000, 2),
        "cache": g.get("cache_source"), "client": g.get("client"),
    })
    return response


@bp.get("/metrics")
@requires(None)
def metrics():
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    # prometheus_client's own negotiation (text 0.0.4 / 1.0.0 or OpenMetrics, as the scraper asks). The
    # content type already names its charset: passed as is, not as a mimetype Flask would add one to.
    encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
    return Response(encoder(registry), content_type=content_type)
