"""Two clients sending worst-case bodies while a third scores normally, against gunicorn with two
workers, keys and the default rate limits and budgets (issue 21): the third sees no failure, the
attackers' costly valid bodies spend their budget, and no request kills a worker. Bounded (a few seconds a phase, loopback only); the latency figures, quiet and attacked,
are what scripts/bench/attack.py prints, not asserted here: timing on a shared machine is no test."""

import threading
import time

import pytest

from scripts.bench.attack import KEYS, LIMITS, NORMAL_PACE, Client, hostile_requests
from scripts.bench.profiles import realistic_profiles
from service.api.security import digest

pytestmark = pytest.mark.integration
SECONDS = 8


def test_the_third_client_sees_no_failure_beside_two_attackers(servers):
    keys = ",".join(f"{name}:score:{digest(secret)}" for name, secret in KEYS.items())
    server = servers.gunicorn(workers=2, DIFFSCORE_API_KEYS=keys, **LIMITS)
    workers = set(server.workers())
    stopping = threading.Event()
    normal = Client(server.url, KEYS["normal"], [("POST", "/v1/scores", {"json": p}) for p in realistic_profiles(300)],
                    stopping, pace=NORMAL_PACE)
    attackers = [Client(server.url, KEYS[f"attacker-{n}"], hostile_requests(), stopping, vary=True) for n in (1, 2)]
    for client in (normal, *attackers):
        client.start()
    time.sleep(SECONDS)
    stopping.set()
    for client in (normal, *attackers):
        client.join(timeout=60)
    failed = [r for r in normal.results if r[0] != 200]
    assert normal.results and not failed, failed[:5]
    attacks = [status for client in attackers for status, _ in client.results]
    assert attacks and not [s for s in attacks if not isinstance(s, int) or s >= 500], attacks
    assert {413, 414, 422, 431, 401} <= set(attacks)          # every kind was refused, in its own way
    assert 429 in attacks                                     # and the costly valid ones ran out of budget
    assert set(server.workers()) == workers                   # no worker was killed or replaced
    print(f"\nattack: third client {len(normal.results)} requests, 0 failed; attackers {len(attacks)} requests, "
          f"statuses {sorted(set(attacks))}")
