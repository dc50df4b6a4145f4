"""The cached benchmark look-up: a profile's market slice, keyed by benchmark version and domain."""

from service.benchmarks.market import MarketSlice, build_slice
from service.benchmarks.models import Benchmarks
from service.cache import LookupCache


class MarketLookup:
    def __init__(self, benchmarks: Benchmarks, cache: LookupCache, prefix: str):
        self._benchmarks = benchmarks
        self._cache = cache
        self._prefix = prefix

    def key(self, domain: str) -> str:
        """Versioned, so a new data release never reads entries of an old one."""
        return f"{self._prefix}:{self._benchmarks.version}:slice:{domain}"

    def slice(self, domain: str) -> tuple[MarketSlice, str]:
        data, source = self._cache.get_or_compute(
            self.key(domain), lambda: build_slice(self._benchmarks, domain).to_dict()
        )
        return MarketSlice.from_dict(data), source
