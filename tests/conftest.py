"""Shared fixtures: benchmark data, a Flask app per test, and a real Redis for integration tests."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import hypothesis
import pytest
import redis
import requests

from service import create_app
from service.benchmarks.loader import load_benchmarks
from service.settings import Settings

IN_CI = os.environ.get("CI", "").lower() == "true"
ROOT = Path(__file__).resolve().parents[1]
# CI runs the same examples every time: a property failure there is reproducible, never a flake.
hypothesis.settings.register_profile("ci", derandomize=True, deadline=None)
if IN_CI:
    hypothesis.settings.load_profile("ci")


@pytest.fixture(scope="session")
def benchmarks():
    return load_benchmarks()


@pytest.fixture
def app():
    return create_app(Settings())


@pytest.fixture
def client(app):
    return app.test_client()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


def start_redis_server(port: int) -> subprocess.Popen:
    """A throwaway redis-server on loopback that keeps nothing on disk."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed and no Redis answers") if IN_CI else pytest.skip("no redis-server")
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--enable-debug-command", "local"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not _answers(f"redis://127.0.0.1:{port}/0"):
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("throwaway redis-server did not start")
        time.sleep(0.05)
    return process


@pytest.fixture(scope="session")
def redis_url():
    """REDIS_URL, else 127.0.0.1:6379, else a throwaway server; under CI=true it never skips."""
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if _answers(url):
        yield url
        return
    port = free_port()
    process = start_redis_server(port)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def key_prefix(redis_url):
    """A key prefix of this test's own; everything written under it is deleted afterwards."""
    prefix = f"diffscore-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    delete_keys(redis_url, prefix)


def delete_keys(redis_url: str, prefix: str) -> None:
    """Everything a test wrote under its prefix: look-ups, catalogs and rate-limit counters."""
    client = redis.Redis.from_url(redis_url)
    for pattern in (f"{prefix}*", f"LIMITS:LIMITER/{prefix}*"):
        keys = list(client.scan_iter(pattern))
        if keys:
            client.delete(*keys)


def start_gunicorn(port: int, workers: int = 2, **env) -> subprocess.Popen:
    """gunicorn with the production config on loopback, in its own process group so that a test
    can kill master and workers at once; returns once /healthz answers."""
    environment = {**os.environ, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers),
                   "GUNICORN_ACCESSLOG": "", **env}
    if "REDIS_URL" not in env:
        environment.pop("REDIS_URL", None)
    # Output goes to a file, not a pipe: a pipe nobody reads fills up and blocks the workers' logging.
    output = tempfile.TemporaryFile()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "service.wsgi:app"],
                               cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
                               start_new_session=True)
    process.output = output
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("gunicorn did not start: " + stop_gunicorn(process)[-2000:])
        time.sleep(0.1)


def stop_gunicorn(process: subprocess.Popen) -> str:
    """Stops it (gracefully if it still can) and returns what it printed."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
    process.output.seek(0)
    text = process.output.read().decode(errors="replace")
    process.output.close()
    for name in ("metrics", "catalogs"):  # left behind when the master was killed, not stopped
        shutil.rmtree(Path(tempfile.gettempdir()) / f"diffscore-{name}-{process.pid}", ignore_errors=True)
    return text
