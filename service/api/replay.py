"""Answers to a request seen before, byte for byte: the answer cache's shortest path.

Reading a profile is deterministic: the same body bytes, with the same query, Prefer header and
tenant, are validated, read and scored the same way against the same catalog version. So a score
answer is kept here once encoded, under those, and a request that repeats them is answered without
parsing, validating, reading or encoding it again; only `meta` (its request id and cache source) is
new, spliced into the kept bytes where the sorted keys put it. The catalog's version is checked on
every reply, so a replaced catalog is never answered from here. Only 200s are kept: a refused body
goes the whole way each time and gets its own problem.

The canonical answer cache (service/api/context.py) still serves the same product typed another
way; this layer spares what comes before it (about half of a hit's cost, docs/performance.md)."""

import hashlib
from dataclasses import dataclass

from cachetools import TTLCache
from flask import request

from service.api.json import encode

_META = "meta"


@dataclass(frozen=True)
class Kept:
    version: str               # the catalog version answered against
    head: bytes                # the encoded keys that sort before "meta", without braces
    tail: bytes                # those after it
    preference: str | None     # Preference-Applied, as the first answer said it
    scores: tuple              # what the metrics counted


class Replay:
    """Encoded answers of one worker, bounded in count and age like the answer cache."""

    def __init__(self, size: int, ttl: float):
        self._kept: TTLCache = TTLCache(maxsize=size, ttl=ttl)

    def key(self, tenant: str) -> bytes:
        """What the answer depends on besides the catalog version: the body, query, Prefer and tenant."""
        digest = hashlib.blake2b(request.get_data(cache=True), digest_size=20)
        for part in (request.query_string, request.headers.get("Prefer", "").encode(), tenant.encode()):
            digest.update(b"\0" + part)
        return digest.digest()

    def get(self, key: bytes, version: str) -> Kept | None:
        kept = self._kept.get(key)
        return kept if kept is not None and kept.version == version else None

    def keep(self, key: bytes, version: str, body: dict, preference: str | None, scores) -> None:
        head = {k: v for k, v in body.items() if k < _META}
        tail = {k: v for k, v in body.items() if k > _META}
        self._kept[key] = Kept(version, encode(head)[1:-1], encode(tail)[1:-1], preference, tuple(scores))


def splice(kept: Kept, meta: dict) -> bytes:
    """The kept answer with this request's meta, byte for byte what encoding it whole would give."""
    parts = [part for part in (kept.head, b'"meta":' + encode(meta), kept.tail) if part]
    return b"{" + b",".join(parts) + b"}\n"
