"""Shared fixtures: the report data parsed once per session, a fresh Flask app per test, a real Redis
for integration tests, and the processes tests start (tests/servers.py)."""

import os
import uuid

import hypothesis
import pytest
import redis

from service import create_app
from service.api.app import load_data
from service.settings import Settings
from tests.servers import IN_CI, PROBE_SECONDS, Servers, stop_leftovers

# CI runs the same examples every time: a property failure there is reproducible, never a flake.
hypothesis.settings.register_profile("ci", derandomize=True, deadline=None)
if IN_CI:
    hypothesis.settings.load_profile("ci")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """A test that starts a process or needs Redis is an integration test, marked so or not: make test
    (-m "not integration") never waits on a server. First, so that -m sees the marker."""
    for item in items:
        if {"servers", "redis_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session", autouse=True)
def no_process_outlives_the_run():
    """The net under tests/servers.py: whatever a test started and left running is stopped here,
    and the run fails naming it."""
    yield
    left = stop_leftovers()
    assert not left, f"tests left these running (stopped now): {left}"


@pytest.fixture(scope="session")
def report_data():
    """The packaged report data, parsed and built once: parsing the YAML and building the benchmarks
    was nearly half of the unit and API tests' time. Read-only, so sharing it changes no answer."""
    return load_data(Settings())


@pytest.fixture(scope="session")
def benchmarks(report_data):
    return report_data[2]


# Tests send hundreds of real profiles in a row from one client, some costly (long pages): the budget
# of worker time (service/api/quota.py) is not what they measure, so it is lifted unless a test sets
# it; tests/api/test_quota.py and the attack test measure it at its defaults.
MEASURING = {"worker_budget": "1000000 per minute"}


@pytest.fixture
def make_app(report_data):
    """A new app (its own cache, rate-limit counters and catalogs) on the shared report data;
    keyword arguments are Settings fields. Another benchmark_path reads its own data."""
    def make(**settings):
        data = None if settings.get("benchmark_path") else report_data
        return create_app(Settings(**{**MEASURING, **settings}), data)
    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def servers():
    """Start servers and clients through this; all of them are stopped when the test ends, passed or not."""
    with Servers() as started:
        yield started


def _answers(url: str) -> bool:
    try:
        return redis.Redis.from_url(url, socket_timeout=PROBE_SECONDS, socket_connect_timeout=PROBE_SECONDS).ping()
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def redis_url():
    """REDIS_URL, else 127.0.0.1:6379, else a throwaway server; under CI=true it never skips."""
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if _answers(url):
        yield url
        return
    with Servers() as started:
        yield started.redis().url


@pytest.fixture
def key_prefix(redis_url):
    """A key prefix of this test's own; everything written under it is deleted afterwards."""
    prefix = f"diffscore-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    delete_keys(redis_url, prefix)


def delete_keys(redis_url: str, prefix: str) -> None:
    """Everything a test wrote under its prefix: look-ups, catalogs, quota counters and budgets."""
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
