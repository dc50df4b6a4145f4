"""Prometheus metrics. Under gunicorn, PROMETHEUS_MULTIPROC_DIR (set by gunicorn.conf.py) makes every
worker write to shared files, so /metrics is correct whichever worker answers it."""

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter("diffscore_requests_total", "HTTP requests by route, method and status",
                   ["route", "method", "status"])
LATENCY = Histogram("diffscore_request_seconds", "HTTP request latency by route", ["route"],
                    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))
ANSWERS = Counter("diffscore_answers_total", "Score answers by where they came from (answer cache or computed)",
                  ["source"])
REDIS_ERRORS = Counter("diffscore_redis_errors_total", "Redis calls that failed or were short-circuited")
SCORES = Histogram("diffscore_scores", "Distribution of the scores answered", ["score"],
                   buckets=(10, 20, 30, 40, 50, 60, 70, 80, 90, 100))
# One series per process, all equal: "max" shows it once whichever workers are alive.
BUILD_INFO = Gauge("diffscore_build_info", "Package, scoring model and benchmark data versions served",
                   ["version", "model_version", "benchmark_version"], multiprocess_mode="max")
