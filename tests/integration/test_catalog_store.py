"""The catalog store behind the short timeout: a catalog far larger than one call may carry in 50 ms
travels in chunks, comes back whole, replaces the old one's chunks, and an outage is a clean None."""

import uuid

import pytest

from service.cache import CHUNK_BYTES, RedisLink, RedisStore

pytestmark = pytest.mark.integration


@pytest.fixture
def store(redis_url):
    link = RedisLink(redis_url, timeout=0.05, fail_max=3, reset_timeout=5)
    prefix = f"diffscore-test-store-{uuid.uuid4().hex[:8]}"
    yield RedisStore(link), prefix, link.client
    keys = list(link.client.scan_iter(f"{prefix}*"))
    if keys:
        link.client.delete(*keys)


def test_a_large_catalog_round_trips_in_chunks_under_the_short_timeout(store):
    catalog_store, prefix, client = store
    products = [{"id": f"p{i}", "name": "产品" * 20, "tech_stack": ["iot", "ai_pricing"]} for i in range(30_000)]
    assert catalog_store.store(f"{prefix}:big", {"products": products}) is True
    chunks = [k for k in client.scan_iter(f"{prefix}:big:*")]
    assert len(chunks) > 4 and all(client.strlen(k) <= CHUNK_BYTES for k in chunks)
    assert catalog_store.fetch(f"{prefix}:big") == {"products": products}

    assert catalog_store.store(f"{prefix}:big", {"products": products[:10]}) is True
    assert catalog_store.fetch(f"{prefix}:big") == {"products": products[:10]}
    assert len(list(client.scan_iter(f"{prefix}:big:*"))) == 1  # the old chunks are gone


def test_absent_and_unreachable_stores_answer_none_or_false():
    link = RedisLink("redis://127.0.0.1:1/0", timeout=0.05, fail_max=2, reset_timeout=60)
    unreachable = RedisStore(link)
    assert unreachable.fetch("anything") is None
    assert unreachable.store("anything", {"a": 1}) is False
    assert link.errors >= 2
