"""Two gunicorn instances on different ports sharing one Redis, as behind a load balancer."""

import time

import pytest
import requests

from service.api.examples import NEV_INSURANCE_EN

pytestmark = pytest.mark.integration


def test_look_ups_rate_budgets_and_catalogs_are_shared(servers, redis_url, key_prefix):
    env = {"REDIS_URL": redis_url, "DIFFSCORE_REDIS_KEY_PREFIX": key_prefix, "DIFFSCORE_RATE_LIMIT": "10 per minute",
           "DIFFSCORE_CATALOG_REFRESH_SECONDS": "0.2"}
    # 10 requests a minute per endpoint across both instances; scoring and registering stay below it.
    ports = [servers.gunicorn(workers=1, **env).port for _ in range(2)]
    first = requests.post(f"http://127.0.0.1:{ports[0]}/v1/scores", json=NEV_INSURANCE_EN, timeout=10).json()
    second = requests.post(f"http://127.0.0.1:{ports[1]}/v1/scores", json=NEV_INSURANCE_EN, timeout=10).json()
    assert first["meta"]["cache"]["source"] == "computed"
    assert second["meta"]["cache"] == {"hit": True, "source": "redis"}
    assert first["differentiation"] == second["differentiation"]
    assert first["meta"]["benchmark_version"] == second["meta"]["benchmark_version"]
    # The rate limit is one budget across instances: 10 in all, whichever instance answers.
    statuses = [requests.get(f"http://127.0.0.1:{ports[i % 2]}/v1/taxonomy?kind=domain", timeout=10).status_code
                for i in range(12)]
    assert statuses.count(200) == 10 and statuses.count(429) == 2
    # A catalog registered on one instance scores on the other, same version.
    rivals = [{"id": "rival", "name": "Rival EV cover", "domain": "insurtech", "scenarios": ["NEV charging"],
               "target_segments": ["NEV owners"]}]
    put = requests.put(f"http://127.0.0.1:{ports[0]}/v1/catalogs/shared", json={"products": rivals}, timeout=10)
    assert put.status_code == 200
    other = requests.post(f"http://127.0.0.1:{ports[1]}/v1/scores?catalog=shared", json=NEV_INSURANCE_EN,
                          timeout=10).json()
    assert other["meta"]["benchmark_version"] == put.json()["version"]
    assert other["nearest_benchmarks"][0]["id"] == "rival"
    # Replaced on the first instance: the second follows within its refresh interval.
    rivals[0]["id"] = "rival-v2"
    replaced = requests.put(f"http://127.0.0.1:{ports[0]}/v1/catalogs/shared", json={"products": rivals},
                            headers={"If-Match": put.headers["ETag"]}, timeout=10).json()
    time.sleep(0.5)
    again = requests.post(f"http://127.0.0.1:{ports[1]}/v1/scores?catalog=shared", json=NEV_INSURANCE_EN,
                          timeout=10).json()
    assert again["meta"]["benchmark_version"] == replaced["version"] != put.json()["version"]
    assert again["nearest_benchmarks"][0]["id"] == "rival-v2"


def test_workers_of_one_server_share_registered_catalogs_without_redis(servers):
    base = servers.gunicorn(workers=2).url
    rivals = [{"id": "r1", "name": "Rival", "domain": "insurtech", "scenarios": ["pets"]}]
    assert requests.put(f"{base}/v1/catalogs/local", json={"products": rivals}, timeout=10).status_code == 200
    profile = {"name": "x", "domain": "insurtech", "scenarios": ["pets"]}
    answers = [requests.post(f"{base}/v1/scores?catalog=local", json=profile, timeout=10) for _ in range(8)]
    assert [a.status_code for a in answers] == [200] * 8
    assert {a.json()["nearest_benchmarks"][0]["id"] for a in answers} == {"r1"}
