"""One structured JSON log line per request, Prometheus metrics, and the /metrics endpoint."""

import logging
import os
import sys
import time

from flask import Blueprint, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from pythonjsonlogger.json import JsonFormatter

from service.metrics import LATENCY, REQUESTS

log = logging.getLogger("diffscore.request")
bp = Blueprint("metrics", __name__)


def configure_logging() -> None:
    """JSON lines on stderr, once per process."""
    if log.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                       rename_fields={"asctime": "time", "levelname": "level"}))
    for name in ("diffscore.request", "service"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def start_timer() -> None:
    g.started = time.perf_counter()


def record(response):
    """After each request: the log line (no body, no key, only the key's name) and the metrics."""
    route = request.url_rule.rule if request.url_rule else "unmatched"
    elapsed = time.perf_counter() - g.get("started", time.perf_counter())
    REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    LATENCY.labels(route).observe(elapsed)
    log.info("request", extra={
        "request_id": g.get("request_id", ""), "method": request.method, "route": route,
        "status": response.status_code, "latency_ms": round(elapsed * 1000, 2),
        "cache": g.get("cache_source"), "client": g.get("client"),
    })
    return response


@bp.get("/metrics")
def metrics():
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
