"""Request quotas per client: a count of requests per window and a budget of worker time.

Two levers, each for what the other cannot see. The count (DIFFSCORE_RATE_LIMIT, per client and
endpoint, a fixed window aligned to the clock) bounds how many requests a client sends. The budget
bounds how long its requests hold a worker: a request that took more CPU time than an ordinary
answer takes (DIFFSCORE_BUDGET_FREE_MS a request, or a batch item) is charged all it took, to its
client and to its address, as a debt that drains at a steady rate (DIFFSCORE_WORKER_BUDGET, seconds
per minute); a client whose debt passes DIFFSCORE_BUDGET_BURST_SECONDS gets a 429 until it drains.
So valid but costly bodies (the longest free texts) cannot keep the two sync workers busy for others:
issue 21's attack held both with requests of 180-390 ms each, well within the count.

Both live in Redis, shared by every worker and instance, and cost one round trip a request: one
script reads the budgets and counts the request; a second runs only for a request that ran past the
free allowance. All keys carry one hash tag, so a Redis Cluster keeps them on one node and a script
may touch them all. When Redis is away (the link's breaker), each worker counts in its own memory
until it is back: limits per worker, never none and never an error.
Why not Flask-Limiter: it made two to three round trips a request for its count and headers, took a
sizeable share of the cost of a request, and has no notion of charging time after a request."""

import math
import threading
import time
from dataclasses import dataclass

from flask import Flask, g, request
from limits import RateLimitItem, parse

from service.cache import RedisLink
from service.errors import TooManyRequests

# The script's answer: the count after this request (or as it stands), then each budget's debt in seconds.
_ADMIT = """
local counted, step, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local answer = {0}
if counted == 1 then
  if step > 0 then
    answer[1] = redis.call('INCRBY', KEYS[1], step)
    if answer[1] == step then redis.call('EXPIRE', KEYS[1], ttl) end
  else
    answer[1] = tonumber(redis.call('GET', KEYS[1]) or '0')
  end
end
for i = counted + 1, #KEYS do
  local held = redis.call('HMGET', KEYS[i], 'debt', 'at')
  local debt = 0
  if held[1] then
    debt = math.max(0, tonumber(held[1]) - math.max(0, now - tonumber(held[2])) * tonumber(ARGV[4 + i - counted]))
  end
  answer[#answer + 1] = tostring(debt)
end
return answer
"""
_CHARGE = """
local seconds, now = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 1, #KEYS do
  local rate = tonumber(ARGV[2 + i])
  local held = redis.call('HMGET', KEYS[i], 'debt', 'at')
  local debt = 0
  if held[1] then debt = math.max(0, tonumber(held[1]) - math.max(0, now - tonumber(held[2])) * rate) end
  debt = debt + seconds
  redis.call('HSET', KEYS[i], 'debt', tostring(debt), 'at', tostring(now))
  redis.call('EXPIRE', KEYS[i], math.ceil(debt / rate) + 1)
end
return 1
"""
# In-process counters are swept of expired entries once they hold this many (a bound on memory).
_LOCAL_SWEEP_AT = 10_000


@dataclass(frozen=True)
class Budget:
    """A drain rate (seconds of worker time per second) and the debt past which a client waits."""

    rate: float
    burst: float

    @classmethod
    def parse(cls, spec: str, burst: float) -> "Budget":
        """'3 per minute': three seconds of worker time a minute, as limits writes a rate."""
        item = parse(spec)
        return cls(item.amount / item.get_expiry(), burst)

    def wait(self, debt: float) -> float:
        """Seconds until a debt has drained back to the burst (0: admitted now)."""
        return max(0.0, (debt - self.burst) / self.rate)


@dataclass(frozen=True)
class Admission:
    count: int
    wait: float          # seconds until the most indebted budget admits again


class RedisCounters:
    """The two scripts through the link (its short timeout and breaker); None when Redis is away."""

    def __init__(self, link: RedisLink):
        self._link = link
        self._admit = link.client.register_script(_ADMIT)
        self._charge = link.client.register_script(_CHARGE)

    def admit(self, counter, step, ttl, budgets, now):
        keys = ([counter] if counter else []) + [key for key, _ in budgets]
        args = [1 if counter else 0, step, ttl, now, *(b.rate for _, b in budgets)]
        found = self._link.call(self._admit, keys=keys, args=args)
        if found is None:
            return None
        return int(found[0]), [float(d) for d in found[1:]]

    def charge(self, budgets, seconds, now) -> bool:
        keys = [key for key, _ in budgets]
        return self._link.call(self._charge, keys=keys, args=[seconds, now, *(b.rate for _, b in budgets)]) is not None


class LocalCounters:
    """The same counts and debts in this process: without Redis, and while Redis is away."""

    def __init__(self):
        self._counts: dict[str, tuple[float, int]] = {}
        self._debts: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def admit(self, counter, step, ttl, budgets, now):
        with self._lock:
            count = 0
            if counter:
                expires, count = self._counts.get(counter, (0.0, 0))
                if expires <= now:
                    expires, count = now + ttl, 0
                count += step
                self._counts[counter] = (expires, count)
            debts = [self._debt(key, budget, now) for key, budget in budgets]
            if len(self._counts) > _LOCAL_SWEEP_AT:
                self._counts = {k: v for k, v in self._counts.items() if v[0] > now}
            return count, debts

    def charge(self, budgets, seconds, now) -> bool:
        with self._lock:
            for key, budget in budgets:
                self._debts[key] = (self._debt(key, budget, now) + seconds, now)
            if len(self._debts) > _LOCAL_SWEEP_AT:
                self._debts = {k: v for k, v in self._debts.items() if v[0] > 0 and now - v[1] < 3600}
        return True

    def _debt(self, key: str, budget: Budget, now: float) -> float:
        debt, at = self._debts.get(key, (0.0, now))
        return max(0.0, debt - max(0.0, now - at) * budget.rate)


class Quota:
    """The counts and budgets of every client, in Redis when there is one, else (and meanwhile) here."""

    def __init__(self, link: RedisLink | None, prefix: str, client_budget: Budget, address_budget: Budget):
        self._shared = RedisCounters(link) if link else None
        self._local = LocalCounters()
        # One hash tag for every quota key: a cluster keeps them in one slot, so one script reaches them.
        self._prefix = f"{prefix}-quota:{{{prefix}}}"
        self._client_budget, self._address_budget = client_budget, address_budget

    def budgets(self, client: str, address: str) -> list[tuple[str, Budget]]:
        """What a request from `client` at `address` is charged to: the client, and its address when the
        client is a key (without keys the client is the address)."""
        found = [(f"{self._prefix}:budget:{client}", self._client_budget)]
        if client != address:
            found.append((f"{self._prefix}:budget:address:{address}", self._address_budget))
        return found

    def admit(self, name: str | None, limit: RateLimitItem | None, budgets, step: int = 1) -> Admission:
        """Counts a request under `name` against `limit` (step 0: reads the count only) and reads the
        budgets' debts, in one round trip."""
        now = time.time()
        counter, ttl = None, 0
        if name is not None and limit is not None:
            window = limit.get_expiry()
            counter, ttl = f"{self._prefix}:count:{name}:{limit.amount}/{window}:{int(now // window)}", window + 1
        found = self._shared.admit(counter, step, ttl, budgets, now) if self._shared else None
        if found is None:
            found = self._local.admit(counter, step, ttl, budgets, now)
        count, debts = found
        return Admission(count, max((b.wait(d) for (_, b), d in zip(budgets, debts)), default=0.0))

    def describe(self) -> str:
        budget = self._client_budget
        return f"{budget.rate * 60:g} s of worker time a minute in costly requests, {budget.burst:g} s at once"

    def charge(self, budgets, seconds: float) -> None:
        now = time.time()
        if not (self._shared and self._shared.charge(budgets, seconds, now)):
            self._local.charge(budgets, seconds, now)


def window_reset(limit: RateLimitItem) -> int:
    """Seconds until the current (clock-aligned) window of `limit` ends."""
    window = limit.get_expiry()
    return max(1, math.ceil(window - time.time() % window))


def install(app: Flask, quota: Quota, default: RateLimitItem, per_endpoint: dict[str, RateLimitItem],
            free_seconds: float, exempt, uncharged) -> None:
    """Before each request (after authentication): 429 when the client's count for this endpoint or
    its budget is spent; after it: the RateLimit headers, and the charge of its CPU time when it took
    more than the free allowance. `exempt(endpoint, method)` says what is never limited (health, docs,
    metrics); `uncharged()` the CPU seconds the service spent on its own work since it was last
    called (building a catalog for the first request that needs it)."""

    def admit():
        uncharged()
        g.quota_started = time.thread_time()
        if request.routing_exception is not None or exempt(request.endpoint, request.method):
            return
        limit = per_endpoint.get(request.endpoint, default)
        client = g.get("client") or request.remote_addr or "unknown"
        g.quota_budgets = quota.budgets(client, request.remote_addr or "unknown")
        g.quota_limit = limit
        admitted = quota.admit(f"{client}:{request.endpoint}", limit, g.quota_budgets)
        g.quota_count = admitted.count
        if admitted.count > limit.amount:
            raise TooManyRequests(f"Rate limit exceeded: {limit} for this endpoint; try again in "
                                  f"{window_reset(limit)} s.", window_reset(limit))
        if admitted.wait > 0:
            wait = math.ceil(admitted.wait)
            raise TooManyRequests(f"This client's requests have taken more worker time than its budget allows "
                                  f"({quota.describe()}); try again in {wait} s, with smaller bodies (shorter "
                                  "texts, fewer items) if they are large.", wait)

    def settle(response):
        limit = g.get("quota_limit")
        if limit is None:
            return response
        response.headers["RateLimit-Limit"] = str(limit.amount)
        response.headers["RateLimit-Remaining"] = str(max(0, limit.amount - g.get("quota_count", 0)))
        response.headers["RateLimit-Reset"] = str(window_reset(limit))
        spent = time.thread_time() - g.get("quota_started", time.thread_time()) - uncharged()
        if spent > free_seconds * max(1, g.get("items", 1)):
            quota.charge(g.quota_budgets, spent)
        return response

    app.before_request(admit)
    app.after_request(settle)
