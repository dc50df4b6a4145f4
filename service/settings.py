"""The one place that reads the environment: every tunable of the service, with its default."""

import os
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Settings:
    # Benchmark data directory; empty means the report data packaged with the service.
    benchmark_path: str = ""
    # Callers' catalogs loaded at start-up: "name=path[,name=path]" (.jsonl, .json, .yaml, .csv).
    benchmark_paths: str = ""
    # How stale a worker's copy of a registered catalog may get before it checks the shared store.
    catalog_refresh_seconds: float = 2.0
    # Memory against the pod limit (512 Mi, two workers, ~110 MB each at start): a registered catalog
    # costs a worker about 3 MB per 1,000 products (its record and its built index, measured), so a
    # worker keeps at most this many products of catalogs built (least recently used dropped, read
    # again from the store when asked for), and a body is at most 16 MB (~45k full profiles).
    catalog_max_body_bytes: int = 16 * 1024 * 1024
    catalog_products_in_memory: int = 40_000
    # Without Redis: where workers on one machine share registered catalogs (gunicorn.conf.py sets it).
    catalog_dir: str = ""
    # Shared cache; empty means the embedded in-process cache only.
    redis_url: str = ""
    # Registered catalogs in a Redis (or logical DB) of their own, e.g. one with persistence and
    # noeviction; empty: in REDIS_URL's, where they are kept without expiry (so volatile-lru never
    # evicts them) while every cache and rate-limit key carries a TTL.
    catalog_redis_url: str = ""
    redis_key_prefix: str = "diffscore"
    # Redis may cost a request at most about one timeout: no retries, a breaker after repeated failures.
    redis_timeout_seconds: float = 0.05
    breaker_fail_max: int = 3
    breaker_reset_seconds: float = 5.0
    cache_ttl_seconds: int = 3600
    memory_cache_size: int = 256
    # Score answers kept in each worker (about 20 KB each, so 1024 is about 20 MB), in front of Redis.
    answer_cache_size: int = 1024
    # Larger bodies get a 413 problem; field limits live in the API schemas (and so in openapi.yaml).
    max_body_bytes: int = 4 * 1024 * 1024
    # The app's own limits on the URL (path and query) and on one header line, answered 414 / 431 with
    # the part named; gunicorn.conf.py sets gunicorn's twice as loose, so the app is the one that answers.
    max_url_bytes: int = 4096
    max_header_bytes: int = 8192
    # Wall-clock seconds a request may run before it is answered 503 (0: no deadline); below
    # gunicorn's worker timeout (GUNICORN_TIMEOUT, 30 s), so the app answers before the worker is killed.
    request_deadline_seconds: float = 20.0
    batch_max_items: int = 1000
    # Access control, off while no key is configured: "name:role:sha256-of-key" entries separated by
    # commas (DIFFSCORE_API_KEYS) or one per line in a file (DIFFSCORE_API_KEYS_FILE).
    api_keys: str = ""
    api_keys_file: str = ""
    # Fail closed: a deployment that says keys are required refuses to start when it finds none, so a
    # missing Secret can never mean an open API.
    require_api_keys: bool = False
    # Per key (or per client address without keys), shared through Redis when REDIS_URL is set.
    rate_limit: str = "1200 per minute"
    # Wrong API keys per client address; past it, any key from that address gets 429 until the
    # window ends, so keys cannot be guessed at request speed.
    wrong_key_limit: str = "20 per minute"
    batch_rate_limit: str = "600 per minute"
    # Worker time (CPU) a request may take without charge: an ordinary full report takes 3-8 ms, 13 ms
    # at the slowest at 100k products (docs/performance.md). A request that takes more is charged all
    # it took (the costliest valid bodies take 30-150 ms, scripts/bench/worst_cases.py); a batch is
    # allowed this much per item.
    budget_free_ms: float = 20.0
    # What a client (a key, or an address without keys) may be charged: 3 s a minute is 5% of one
    # worker, so two such clients cannot keep both sync workers from others; at most 0.1 s at once.
    worker_budget: str = "3 per minute"
    budget_burst_seconds: float = 0.1
    # The same for all keys behind one address (four clients' worth: a shared NAT is not one client).
    address_worker_budget: str = "12 per minute"
    # Browser origins allowed to call the API (CORS), e.g. "https://planner.example.com,http://localhost:3000";
    # empty (the default) sends no CORS headers, so browsers on other origins are refused.
    cors_origins: str = ""

    @classmethod
    def from_env(cls, environ=None, **overrides) -> "Settings":
        """Defaults, then DIFFSCORE_* / REDIS_URL / BENCHMARK_PATH from the environment, then overrides."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(f.name.upper()) if f.name in ("redis_url", "benchmark_path", "benchmark_paths") else None
            raw = environ.get(f"DIFFSCORE_{f.name.upper()}", raw)
            if raw is not None:
                values[f.name] = _flag(f.name, raw) if isinstance(f.default, bool) else type(f.default)(raw)
        values.update(overrides)
        return cls(**values)


def _flag(name: str, raw: str) -> bool:
    """bool("false") is True, so flags are spelt out; anything else stops start-up rather than guess."""
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"DIFFSCORE_{name.upper()} must be true or false, not {raw!r}")
