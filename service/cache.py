"""One cache interface, two implementations: in-process (the embedded default) and Redis (shared).

A cache never fails a request: a Redis error is logged and counted, then the value is computed.
"""

import hashlib
import json
import logging
import os
import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Callable

import pybreaker
import redis
from redis.backoff import NoBackoff
from redis.cluster import ClusterNode, RedisCluster
from redis.retry import Retry
from redis.sentinel import Sentinel
from cachetools import TTLCache

from service.metrics import REDIS_ERRORS

log = logging.getLogger(__name__)

# Where a value came from, as reported in a response's meta.
MEMORY, REDIS, COMPUTED = "memory", "redis", "computed"


class Cache(ABC):
    @abstractmethod
    def get_or_compute(self, key: str, compute: Callable[[], dict]) -> tuple[dict, str]:
        """The cached value for `key` (computing and storing it on a miss) and where it came from."""

    @abstractmethod
    def status(self) -> dict:
        """What /readyz reports about this cache."""

    @abstractmethod
    def store(self, key: str, value: dict) -> bool:
        """Keeps a value without expiry (registered catalogs); False when it could not be kept."""

    @abstractmethod
    def fetch(self, key: str) -> dict | None:
        """A stored value, or None."""


class MemoryCache(Cache):
    """Bounded, TTL-expiring, per-process; concurrent misses of one key compute it once.

    Stored values (registered catalogs) go to `shared_dir` when one is given, so that every
    gunicorn worker on the machine sees them without Redis; otherwise they stay in this process."""

    def __init__(self, maxsize: int, ttl: float, shared_dir: str = ""):
        self._values = TTLCache(maxsize=maxsize, ttl=ttl)
        self._stored: dict[str, dict] = {}
        self._shared = Path(shared_dir) if shared_dir else None
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}

    def get_or_compute(self, key, compute):
        value = self._get(key)
        if value is not None:
            return value, MEMORY
        with self._key_lock(key):
            value = self._get(key)
            if value is not None:
                return value, MEMORY
            value = compute()
            with self._lock:
                self._values[key] = value
                self._key_locks.pop(key, None)
            return value, COMPUTED

    def status(self):
        return {"backend": "memory", "redis": "disabled"}

    def store(self, key, value):
        if self._shared is None:
            with self._lock:
                self._stored[key] = value
            return True
        self._shared.mkdir(parents=True, exist_ok=True)
        path = self._shared / hashlib.sha256(key.encode()).hexdigest()
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        temporary.replace(path)
        return True

    def fetch(self, key):
        if self._shared is None:
            with self._lock:
                return self._stored.get(key)
        path = self._shared / hashlib.sha256(key.encode()).hexdigest()
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def _get(self, key):
        with self._lock:
            return self._values.get(key)

    def _key_lock(self, key) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())


class RedisCache(Cache):
    """Redis shared by every worker and instance, behind a bounded in-process layer.

    Each Redis call is bounded by a socket timeout with no retries, and a circuit breaker stops
    calling a Redis that keeps failing, so an outage costs a request at most one timeout.
    """

    def __init__(self, url: str, *, ttl: int, front: MemoryCache, timeout: float,
                 fail_max: int, reset_timeout: float):
        self._client = redis_client(url, timeout)
        # Registered catalogs can be megabytes: their own client, with a timeout to match.
        self._bulk = redis_client(url, timeout, read_timeout=10)
        self._ttl = ttl
        self._front = front
        self._breaker = pybreaker.CircuitBreaker(fail_max=fail_max, reset_timeout=reset_timeout)
        self.errors = 0

    def get_or_compute(self, key, compute):
        source = COMPUTED

        def load():
            nonlocal source
            raw = self._call(self._client.get, key)
            if raw is not None:
                source = REDIS
                return json.loads(raw)
            value = compute()
            self._call(self._client.set, key, json.dumps(value, sort_keys=True, ensure_ascii=False), ex=self._ttl)
            return value

        value, front_source = self._front.get_or_compute(key, load)
        return value, MEMORY if front_source == MEMORY else source

    def status(self):
        reachable = self._call(self._client.ping) is True
        return {"backend": "redis", "redis": "up" if reachable else "degraded",
                "breaker": self._breaker.current_state, "errors": self.errors}

    def store(self, key, value):
        try:
            return self._bulk.set(key, json.dumps(value, sort_keys=True, ensure_ascii=False)) is True
        except (redis.RedisError, OSError) as exc:
            self._failed(exc)
            return False

    def fetch(self, key):
        try:
            raw = self._bulk.get(key)
        except (redis.RedisError, OSError) as exc:
            self._failed(exc)
            return None
        return None if raw is None else json.loads(raw)

    def _call(self, method, *args, **kwargs):
        try:
            return self._breaker.call(method, *args, **kwargs)
        except (redis.RedisError, pybreaker.CircuitBreakerError, OSError) as exc:
            self._failed(exc)
            return None

    def _failed(self, exc: Exception) -> None:
        self.errors += 1
        REDIS_ERRORS.inc()
        log.warning("redis unavailable, computing instead: %s", exc.__class__.__name__)


def redis_client(url: str, timeout: float, read_timeout: float | None = None):
    """A client for any REDIS_URL form: those redis-py parses (redis://, rediss://, unix://) and the
    Sentinel and Cluster forms Flask-Limiter also reads:
    redis+sentinel://[:password@]host:port[,host:port]/service_name[/db] and
    redis+cluster://[:password@]host:port[,host:port]. No retries: a call costs at most one timeout."""
    options = {"socket_timeout": read_timeout or timeout, "socket_connect_timeout": timeout}
    scheme, _, rest = url.partition("://")
    if scheme not in ("redis+sentinel", "redis+cluster"):
        return redis.Redis.from_url(url, retry=Retry(NoBackoff(), 0), health_check_interval=30, **options)
    credentials, _, location = rest.rpartition("@")
    if credentials:
        options["password"] = credentials.split(":", 1)[-1]
    hosts, _, path = location.partition("/")
    nodes = [(host, int(port)) for host, _, port in (h.rpartition(":") for h in hosts.split(","))]
    if scheme == "redis+cluster":
        return RedisCluster(startup_nodes=[ClusterNode(h, p) for h, p in nodes], retry=Retry(NoBackoff(), 0),
                            **options)
    service, _, db = path.partition("/")
    sentinel = Sentinel(nodes, sentinel_kwargs={"socket_timeout": timeout, "socket_connect_timeout": timeout})
    return sentinel.master_for(service, db=int(db or 0), retry=Retry(NoBackoff(), 0), **options)


def build_cache(settings) -> Cache:
    """Redis when REDIS_URL is set, else the embedded in-process cache."""
    if not settings.redis_url:
        return MemoryCache(settings.memory_cache_size, settings.cache_ttl_seconds, settings.catalog_dir)
    front = MemoryCache(settings.memory_cache_size, settings.cache_ttl_seconds)
    return RedisCache(
        settings.redis_url, ttl=settings.cache_ttl_seconds, front=front,
        timeout=settings.redis_timeout_seconds, fail_max=settings.breaker_fail_max,
        reset_timeout=settings.breaker_reset_seconds,
    )
