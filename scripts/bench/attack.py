"""Two clients sending worst-case bodies while a third scores normally (issue 21): the third's p50/p99
and failures in a quiet run and under attack, against gunicorn with the production config (two
workers, keys on, the default rate limits per key). Bounded: each phase runs for --seconds and the
server is stopped at the end; everything is on 127.0.0.1.

    .venv/bin/python -m scripts.bench.attack [--seconds 20]

The attackers cycle through the worst cases of scripts/bench/worst_cases.py (at twice the sizes the
issue reported), bodies past the size limit, long URLs and headers, lone surrogates and wrong keys,
each on its own connection and in its own process, as fast as answers come back, every body made new so that no answer
cache spares it. Their requests are answered quickly (a refusal), or they are valid and costly, and
are charged to their key's budget of worker time (service/api/quota.py): once it is spent they get a
429 until it drains, which is what keeps the third client's latency near its quiet figure. The third
client keeps within its rate limit (15 requests a second, distinct realistic profiles).
"""

import argparse
import multiprocessing
import statistics
import threading
import time

import requests

from scripts.bench.common import gunicorn, report
from scripts.bench.profiles import realistic_profiles
from scripts.bench.worst_cases import cases
from service.api.security import digest
from service.settings import Settings

KEYS = {"normal": "normal-secret", "attacker-1": "attack-1-secret", "attacker-2": "attack-2-secret"}
# Production limits per key, not the benchmarks' unlimited ones: they are part of what protects the
# third client (the count, and the budget of worker time at its default). The wrong-key limit and the
# address's budget are per client address, and here all three share 127.0.0.1: at their defaults the
# attackers would lock the third client out too (as they would behind one NAT), so they are raised
# beyond what the attackers spend.
LIMITS = {"DIFFSCORE_RATE_LIMIT": "1200 per minute", "DIFFSCORE_BATCH_RATE_LIMIT": "600 per minute",
          "DIFFSCORE_WRONG_KEY_LIMIT": "10000 per minute", "DIFFSCORE_ADDRESS_WORKER_BUDGET": "10000 per minute",
          "DIFFSCORE_WORKER_BUDGET": Settings().worker_budget}
# The normal client keeps within its count, as a client that reads RateLimit-Remaining does: 15 requests
# a second (900 a minute of the 1,200), both phases inside one window.
NORMAL_PACE = 1 / 15
PROFILES_A_PHASE = 2000


def hostile_requests() -> list[tuple[str, str, dict]]:
    """(method, path, requests keyword arguments) of every kind of worst case."""
    found = [("POST", path, {"json": body}) for path, body in cases(2).values()]
    found += [
        ("POST", "/v1/scores", {"data": b'{"name": "' + b"x" * (5 * 2**20) + b'"}',
                                "headers": {"Content-Type": "application/json"}}),
        ("GET", "/v1/benchmarks?domain=" + "x" * 6000, {}),
        ("GET", "/v1/taxonomy", {"headers": {"X-Note": "x" * 10_000}}),
        ("POST", "/v1/scores", {"data": '{"name": "\\ud800", "domain": "payments"}',
                                "headers": {"Content-Type": "application/json"}}),
        ("GET", "/v1/taxonomy", {"headers": {"X-API-Key": "a-guess"}}),
    ]
    return found


class Client(threading.Thread):
    """Sends its requests one after another until stopped; keeps (status, ms) of each. `pace`: the
    least seconds from one request's start to the next (0: as fast as answers come back). `vary`: each
    body is made new (a number in its names), so that no answer cache spares its cost, as an attacker
    who knows of one would do."""

    def __init__(self, base: str, key: str, requests_: list, stopping: threading.Event, pace: float = 0.0,
                 vary: bool = False):
        super().__init__(daemon=True)
        self.base, self.key, self.requests, self.stopping = base, key, requests_, stopping
        self.pace, self.vary = pace, vary
        self.results: list[tuple[object, float]] = []

    def run(self) -> None:
        session = requests.Session()
        i = 0
        while not self.stopping.is_set():
            method, path, kwargs = self.requests[i % len(self.requests)]
            if self.vary and "json" in kwargs:
                kwargs = {**kwargs, "json": _renamed(kwargs["json"], i)}
            headers = {"X-API-Key": self.key, **kwargs.get("headers", {})}
            started = time.perf_counter()
            try:
                status = session.request(method, self.base + path, timeout=30,
                                         **{**kwargs, "headers": headers}).status_code
            except requests.RequestException as exc:
                status = exc.__class__.__name__
                session = requests.Session()
            elapsed = time.perf_counter() - started
            self.results.append((status, elapsed * 1000))
            i += 1
            if self.pace > elapsed:
                self.stopping.wait(self.pace - elapsed)


def _renamed(body: dict, number: int) -> dict:
    """The body with a number in its name (and its items' names): the same cost, never the same bytes."""
    if "items" in body:
        return {**body, "items": [_renamed(item, number) for item in body["items"]]}
    if "text" in body:          # at its longest already: the number replaces its first characters
        return {**body, "text": f"{number} {body['text'][len(str(number)) + 1:]}"}
    return {**body, "name": f"{body.get('name', '')} {number}"}


def figures(name: str, results: list) -> dict:
    times = sorted(ms for _, ms in results)
    statuses: dict = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    return {"client": name, "requests": len(results),
            "failed": sum(n for s, n in statuses.items() if s != 200) if name == "normal" else None,
            "p50_ms": round(statistics.median(times), 1) if times else None,
            "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1) if times else None,
            "statuses": ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items(), key=str))}


def _attack(base: str, key: str, seconds: float, results) -> None:
    """One attacker in a process of its own, as the separate program it would be: its requests never
    hold the measuring client's interpreter lock."""
    stopping = threading.Event()
    client = Client(base, key, hostile_requests(), stopping, vary=True)
    client.start()
    time.sleep(seconds)
    stopping.set()
    client.join(timeout=60)
    results.put(client.results)


def phase(base: str, seconds: float, attackers: int, profiles: list[dict]) -> list[list]:
    """The normal client's results, then each attacker's."""
    stopping = threading.Event()
    normal = Client(base, KEYS["normal"], [("POST", "/v1/scores", {"json": p}) for p in profiles], stopping,
                    pace=NORMAL_PACE)
    context = multiprocessing.get_context("spawn")
    queues = [context.Queue() for _ in range(attackers)]
    processes = [context.Process(target=_attack, args=(base, KEYS[f"attacker-{n + 1}"], seconds, queue))
                 for n, queue in enumerate(queues)]
    for process in processes:
        process.start()
    normal.start()
    time.sleep(seconds)
    stopping.set()
    normal.join(timeout=60)
    found = [normal.results] + [queue.get(timeout=120) for queue in queues]
    for process in processes:
        process.join(timeout=60)
    return found


def run(seconds: float) -> dict:
    """The quiet and the attacked run's figures, and the third client's p99 ratio between them."""
    keys = ",".join(f"{name}:score:{digest(secret)}" for name, secret in KEYS.items())
    with gunicorn(workers=2, WEB_CONCURRENCY="2", DIFFSCORE_API_KEYS=keys, **LIMITS) as (base, _):
        profiles = realistic_profiles(2 * PROFILES_A_PHASE)     # distinct in each phase: no answer is cached
        quiet = phase(base, seconds, 0, profiles[:PROFILES_A_PHASE])
        attacked = phase(base, seconds, 2, profiles[PROFILES_A_PHASE:])
    rows = [dict(figures("normal", quiet[0]), run="quiet")]
    rows += [dict(figures(name, results), run="attacked")
             for name, results in zip(("normal", "attacker-1", "attacker-2"), attacked)]
    ratio = rows[1]["p99_ms"] / rows[0]["p99_ms"]
    report(f"third client alone and beside two attackers ({seconds:g} s each; p99 ratio {ratio:.2f})", rows)
    return {"rows": rows, "p99_ratio": ratio}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase (default 20)")
    run(parser.parse_args().seconds)


if __name__ == "__main__":
    main()
