"""If-Match overwrites are a compare-and-set (issue 21): writers holding the same ETag race, and
exactly one replaces the catalog; the others get 412 and the catalog is the winner's, whole. Real
concurrency: threads in several apps (as workers) against a real Redis, against files shared by
the workers of one machine, and in one process."""

import threading

import pytest

from service.api.examples import NEV_INSURANCE_EN

pytestmark = pytest.mark.integration
WRITERS = 8
ROUNDS = 3


def _products(tag: str) -> dict:
    return {"products": [{"id": f"rival-{tag}", "name": f"Rival {tag}", "domain": "insurtech",
                          "scenarios": ["NEV charging"]}]}


def _race(clients) -> None:
    """Registers, then ROUNDS times lets WRITERS writers replace it from the same ETag at once."""
    etag = clients[0].put("/v1/catalogs/raced", json=_products("first")).headers["ETag"]
    for round_ in range(ROUNDS):
        start = threading.Barrier(WRITERS)
        answers: dict[int, object] = {}

        def write(n: int) -> None:
            body = _products(f"{round_}-{n}")
            start.wait()
            answers[n] = clients[n % len(clients)].put("/v1/catalogs/raced", json=body, headers={"If-Match": etag})

        threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        statuses = sorted(a.status_code for a in answers.values())
        assert statuses == [200] + [412] * (WRITERS - 1), statuses
        [winner] = [n for n, a in answers.items() if a.status_code == 200]
        etag = answers[winner].headers["ETag"]
        for loser in (a for a in answers.values() if a.status_code == 412):
            assert loser.mimetype == "application/problem+json" and "another writer" in loser.get_json()["detail"]
        for client in clients:         # every worker serves the winner's catalog, whole
            scored = client.post("/v1/scores?catalog=raced", json=NEV_INSURANCE_EN).get_json()
            assert scored["meta"]["benchmark_version"] == etag.strip('"')
            assert scored["nearest_benchmarks"][0]["id"] == f"rival-{round_}-{winner}"


def test_one_writer_wins_through_redis(make_app, redis_url, key_prefix):
    _race([make_app(redis_url=redis_url, redis_key_prefix=key_prefix, catalog_refresh_seconds=0.0).test_client()
           for _ in range(4)])


def test_one_writer_wins_through_the_workers_shared_files(make_app, tmp_path):
    _race([make_app(catalog_dir=str(tmp_path), catalog_refresh_seconds=0.0).test_client() for _ in range(4)])


def test_one_writer_wins_in_one_process(make_app):
    _race([make_app().test_client()])
