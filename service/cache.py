"""Two interfaces, each with an embedded and a Redis implementation:

- LookupCache: expiring look-ups (market slices, answers) that can always be computed again;
- CatalogStore: registered catalogs, kept without expiry, shared by every worker and instance.

Both Redis implementations share one RedisLink: one short socket timeout, no retries and one circuit
breaker, so an outage costs a request at most one timeout. A cache never fails a request (an error is
logged and counted, then the value is computed); a store that cannot keep a value says so.
"""

import fcntl
import hashlib
import json
import logging
import os
import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Callable

import orjson
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
# A stored catalog travels in chunks small enough for the short timeout of every Redis call.
CHUNK_BYTES = 256 * 1024


class LookupCache(ABC):
    @abstractmethod
    def get_or_compute(self, key: str, compute: Callable[[], dict]) -> tuple[dict, str]:
        """The cached value for `key` (computing and storing it on a miss) and where it came from."""

    @abstractmethod
    def status(self) -> dict:
        """What /readyz reports about this cache."""


class CatalogStore(ABC):
    @abstractmethod
    def store(self, key: str, value: dict) -> bool:
        """Keeps a value without expiry; False when it could not be kept."""

    @abstractmethod
    def fetch(self, key: str) -> dict | None:
        """A stored value, or None (absent, or the store is away)."""

    @abstractmethod
    def swap(self, key: str, expected: dict | None, value: dict) -> bool | None:
        """Keeps `value` under `key` only if what is there now is `expected` (None: nothing), as one
        atomic step: of two writers that saw the same value, one wins. False when the value had
        moved; None when the store is away."""

    @abstractmethod
    def discard(self, key: str) -> None:
        """Removes a value (nothing when it is not there or the store is away)."""

    @abstractmethod
    def add_member(self, key: str, member: str) -> bool:
        """Adds a name to a set kept without expiry; False when it could not be kept."""

    @abstractmethod
    def members(self, key: str) -> set[str] | None:
        """The names in a set; None when the store is away (not the same as none registered)."""

    @abstractmethod
    def intact(self, key: str) -> bool | None:
        """Whether the value under `key` is there whole, without reading it; None when the store is away."""


class MemoryCache(LookupCache):
    """Bounded, TTL-expiring, per-process; concurrent misses of one key compute it once."""

    def __init__(self, maxsize: int, ttl: float):
        self._values = TTLCache(maxsize=maxsize, ttl=ttl)
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

    def _get(self, key):
        with self._lock:
            return self._values.get(key)

    def _key_lock(self, key) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())


class LocalStore(CatalogStore):
    """Without Redis: in this process, or in `shared_dir` so every gunicorn worker on the machine
    sees what one of them registered."""

    def __init__(self, shared_dir: str = ""):
        self._shared = Path(shared_dir) if shared_dir else None
        self._stored: dict[str, dict] = {}
        self._sets: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def store(self, key, value):
        if self._shared is None:
            with self._lock:
                self._stored[key] = value
            return True
        self._shared.mkdir(parents=True, exist_ok=True)
        path = self._path(key)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        temporary.replace(path)
        return True

    def fetch(self, key):
        if self._shared is None:
            with self._lock:
                return self._stored.get(key)
        path = self._path(key)
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def swap(self, key, expected, value):
        if self._shared is None:
            with self._lock:
                if self._stored.get(key) != expected:
                    return False
                self._stored[key] = value
            return True
        self._shared.mkdir(parents=True, exist_ok=True)
        # Workers of one machine share the directory: one lock file orders their compare-and-set.
        with open(self._shared / "swap.lock", "a") as lock, self._lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if self.fetch(key) != expected:
                    return False
                return self.store(key, value)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def discard(self, key):
        if self._shared is None:
            with self._lock:
                self._stored.pop(key, None)
            return
        self._path(key).unlink(missing_ok=True)

    def add_member(self, key, member):
        if self._shared is None:
            with self._lock:
                self._sets.setdefault(key, set()).add(member)
            return True
        folder = self._path(key).with_suffix(".set")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / hashlib.sha256(member.encode()).hexdigest()).write_text(member, encoding="utf-8")
        return True

    def members(self, key):
        if self._shared is None:
            with self._lock:
                return set(self._sets.get(key, ()))
        folder = self._path(key).with_suffix(".set")
        return {p.read_text(encoding="utf-8") for p in folder.iterdir()} if folder.is_dir() else set()

    def intact(self, key):
        if self._shared is None:
            with self._lock:
                return key in self._stored
        return self._path(key).exists()

    def _path(self, key: str) -> Path:
        return self._shared / hashlib.sha256(key.encode()).hexdigest()


class RedisLink:
    """One Redis client behind one breaker: every call bounded by the short timeout, no retries."""

    def __init__(self, url: str, timeout: float, fail_max: int, reset_timeout: float):
        self.client = redis_client(url, timeout)
        self.breaker = pybreaker.CircuitBreaker(fail_max=fail_max, reset_timeout=reset_timeout)
        self.errors = 0

    def call(self, method, *args, **kwargs):
        """The call's result, or None when Redis failed or the breaker is open (logged, counted)."""
        try:
            return self.breaker.call(method, *args, **kwargs)
        except (redis.RedisError, pybreaker.CircuitBreakerError, OSError) as exc:
            self.errors += 1
            REDIS_ERRORS.inc()
            log.warning("redis unavailable: %s", exc.__class__.__name__)
            return None


class RedisCache(LookupCache):
    """Redis shared by every worker and instance, behind a bounded in-process layer."""

    def __init__(self, link: RedisLink, *, ttl: int, front: MemoryCache):
        self._link = link
        self._ttl = ttl
        self._front = front

    def get_or_compute(self, key, compute):
        source = COMPUTED

        def load():
            nonlocal source
            raw = self._link.call(self._link.client.get, key)
            if raw is not None:
                source = REDIS
                return orjson.loads(raw)
            value = compute()
            # orjson: the same JSON (keys sorted), several times faster for answers of 10-30 KB.
            encoded = orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
            self._link.call(self._link.client.set, key, encoded, ex=self._ttl)
            return value

        value, front_source = self._front.get_or_compute(key, load)
        return value, MEMORY if front_source == MEMORY else source

    def status(self):
        reachable = self._link.call(self._link.client.ping) is True
        return {"backend": "redis", "redis": "up" if reachable else "degraded",
                "breaker": self._link.breaker.current_state, "errors": self._link.errors}


class RedisStore(CatalogStore):
    """Catalogs in Redis as chunks under a manifest, so no single call outlasts the short timeout;
    the manifest is written last and names a content hash, so a reader never sees half a catalog.
    A swap compares the manifest's hash with the expected value's in a script, so it is atomic on
    one key (a cluster included)."""

    # KEYS[1] the manifest; ARGV[1] the expected content hash ('' for none), ARGV[2] the new manifest.
    _SWAP = """
    local current = redis.call('GET', KEYS[1])
    if ARGV[1] == '' then
      if current then return 0 end
    elseif not current or cjson.decode(current)['digest'] ~= ARGV[1] then
      return 0
    end
    redis.call('SET', KEYS[1], ARGV[2])
    return 1
    """

    def __init__(self, link: RedisLink):
        self._link = link
        self._swap = link.client.register_script(self._SWAP)

    def store(self, key, value):
        manifest = self._chunks(key, value)
        if manifest is None:
            return False
        old = self._link.call(self._link.client.get, key)
        if self._link.call(self._link.client.set, key, json.dumps(manifest)) is not True:
            return False
        self._drop_old(key, old, manifest)
        return True

    def swap(self, key, expected, value):
        manifest = self._chunks(key, value)
        if manifest is None:
            return None
        old = self._link.call(self._link.client.get, key)
        done = self._link.call(self._swap, keys=[key],
                               args=["" if expected is None else _digest(expected), json.dumps(manifest)])
        if done is None:
            return None
        if done:
            self._drop_old(key, old, manifest)
            return True
        winner = self._link.call(self._link.client.get, key)
        if winner is None or json.loads(winner)["digest"] != manifest["digest"]:
            self._drop_old(key, json.dumps(manifest), {"digest": ""})      # the loser's chunks, unless the same
        return False

    def discard(self, key):
        old = self._link.call(self._link.client.get, key)
        if old is not None and self._link.call(self._link.client.delete, key) is not None:
            self._drop_old(key, old, {"digest": ""})

    def _chunks(self, key: str, value: dict) -> dict | None:
        """Writes a value's chunks under its content hash (not yet visible); its manifest, or None."""
        data = _encoded(value)
        digest = _digest(value)
        chunks = [data[i:i + CHUNK_BYTES] for i in range(0, len(data), CHUNK_BYTES)] or [b""]
        for number, chunk in enumerate(chunks):
            if self._link.call(self._link.client.set, f"{key}:{digest}:{number}", chunk) is not True:
                return None
        return {"digest": digest, "chunks": len(chunks)}

    def _drop_old(self, key: str, old: bytes | str | None, manifest: dict) -> None:
        if old is not None and json.loads(old)["digest"] != manifest["digest"]:
            old = json.loads(old)
            self._link.call(self._link.client.delete, *(f"{key}:{old['digest']}:{n}" for n in range(old["chunks"])))

    def fetch(self, key):
        raw = self._link.call(self._link.client.get, key)
        if raw is None:
            return None
        manifest = json.loads(raw)
        parts = []
        for number in range(manifest["chunks"]):
            part = self._link.call(self._link.client.get, f"{key}:{manifest['digest']}:{number}")
            if part is None:
                return None
            parts.append(part)
        data = b"".join(parts)
        if hashlib.sha256(data).hexdigest()[:16] != manifest["digest"]:
            return None
        return json.loads(data)

    def add_member(self, key, member):
        return self._link.call(self._link.client.sadd, key, member) is not None

    def members(self, key):
        found = self._link.call(self._link.client.smembers, key)
        return None if found is None else {m.decode() if isinstance(m, bytes) else m for m in found}

    def intact(self, key):
        raw = self._link.call(self._link.client.get, key)
        if raw is None:
            return None if self._link.call(self._link.client.exists, key) is None else False
        manifest = json.loads(raw)
        for number in range(manifest["chunks"]):      # one key a call: a cluster spreads them over slots
            present = self._link.call(self._link.client.exists, f"{key}:{manifest['digest']}:{number}")
            if not present:
                return None if present is None else False
        return True


def _encoded(value: dict) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False).encode()


def _digest(value: dict) -> str:
    return hashlib.sha256(_encoded(value)).hexdigest()[:16]


def redis_client(url: str, timeout: float):
    """A client for any REDIS_URL form: those redis-py parses (redis://, rediss://, unix://) and the
    Sentinel and Cluster forms (those Flask-Limiter reads too):
    redis+sentinel://[:password@]host:port[,host:port]/service_name[/db] and
    redis+cluster://[:password@]host:port[,host:port]. No retries: a call costs at most one timeout."""
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
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


def build_cache(settings) -> tuple[LookupCache, LookupCache, CatalogStore]:
    """The look-up cache, the answer cache and the catalog store: Redis when REDIS_URL is set (one
    link for all three) behind in-process layers, else the embedded in-process ones. Answers get their
    own layer so that thousands of them never push the few market slices out. Catalogs may live in a
    Redis of their own (DIFFSCORE_CATALOG_REDIS_URL): one that persists and never evicts, while the
    cache's may evict freely."""
    lookups = MemoryCache(settings.memory_cache_size, settings.cache_ttl_seconds)
    answers = MemoryCache(settings.answer_cache_size, settings.cache_ttl_seconds)
    def link(url: str) -> RedisLink:
        return RedisLink(url, settings.redis_timeout_seconds, settings.breaker_fail_max, settings.breaker_reset_seconds)

    catalog_url = settings.catalog_redis_url or settings.redis_url
    store = RedisStore(link(catalog_url)) if catalog_url else LocalStore(settings.catalog_dir)
    if not settings.redis_url:
        return lookups, answers, store
    shared = link(settings.redis_url)
    store = store if settings.catalog_redis_url else RedisStore(shared)     # one link when one Redis
    return (RedisCache(shared, ttl=settings.cache_ttl_seconds, front=lookups),
            RedisCache(shared, ttl=settings.cache_ttl_seconds, front=answers), store)
