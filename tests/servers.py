"""The processes tests start: servers (gunicorn, redis-server) and clients (the batch script, Chromium).

Each one leads a process group of its own, so that stopping it reaches its workers and helpers too.
Start-up is awaited against a generous deadline that takes any error from a server still booting
(refused, reset, timed out) as "not yet"; on a busy machine a boot can take many times its usual
second, and waiting costs nothing when all is well. Every path stops the whole group: a failed
start, a failed test (the `servers` fixture), an interrupted run. Whatever a test forgot is stopped
at the end of the session and reported (conftest.py), so no process outlives the run."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import redis
import requests

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"
START_SECONDS = 60
# gunicorn's own graceful_timeout is 20 s: it gets that, and a margin, before SIGKILL.
STOP_GRACE_SECONDS = 30
POLL_SECONDS = 0.1
# One readiness probe; a server that is booting may hold the connection until a worker is up.
PROBE_SECONDS = 2

_running: set["Managed"] = set()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, what: str, errors=(), seconds: float = START_SECONDS, alive=lambda: True) -> None:
    """Polls `check` until it is true; `errors` raised by it mean "not yet". Fails the test at the
    deadline, or at once when `alive()` says the process being waited for has exited."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except errors:
            pass
        if not alive():
            raise StartError(f"{what} exited before it was ready")
        if time.monotonic() > deadline:
            raise StartError(f"{what} was not ready within {seconds:.0f} s")
        time.sleep(POLL_SECONDS)


class StartError(Exception):
    """A process did not become ready; the caller stops it and fails the test with its output."""


class Managed:
    """One started process leading its own group, its output (a file: a pipe nobody reads fills
    up and blocks the writer) and the scratch directories to remove once it is gone."""

    def __init__(self, command: list[str], name: str, env: dict | None = None, cleanup=()):
        self.name = name
        self.cleanup = list(cleanup)
        self._output = tempfile.TemporaryFile()
        self._text: str | None = None
        try:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=self._output,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        except BaseException:
            self._output.close()
            self._remove_scratch()
            raise
        self.pid = self.process.pid
        _running.add(self)

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def wait(self, seconds: float) -> int:
        """Its exit status; stops it and fails the test if it runs longer than `seconds`."""
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{self.name} still running after {seconds:.0f} s:\n{self.stop()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL to the whole group at once, as a crash would; stop() still reaps and cleans up."""
        self._signal_group(signal.SIGKILL)
        self.process.wait()

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> str:
        """SIGTERM to the group, SIGKILL to what is left after `grace`; returns what it printed.
        Safe to call again, and on a process that already exited (its group may not have)."""
        if self._text is not None:
            return self._text
        if self.running:
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        # A leader that exited may leave members behind (a killed master's workers, a browser's helpers).
        self._signal_group(signal.SIGKILL)
        self.process.wait()
        self._output.seek(0)
        self._text = self._output.read().decode(errors="replace")
        self._output.close()
        self._remove_scratch()
        _running.discard(self)
        return self._text

    def _remove_scratch(self) -> None:
        for path in map(Path, self.cleanup):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)

    def _signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass  # the group is gone already


# What configures the service or gunicorn.conf.py besides DIFFSCORE_* and GUNICORN_*.
_SERVICE_VARIABLES = {"REDIS_URL", "BENCHMARK_PATH", "BENCHMARK_PATHS", "PROMETHEUS_MULTIPROC_DIR", "BIND", "PORT",
                      "WEB_CONCURRENCY"}


def _is_service_setting(variable: str) -> bool:
    return variable.startswith(("DIFFSCORE_", "GUNICORN_")) or variable in _SERVICE_VARIABLES


class Gunicorn(Managed):
    """gunicorn with the production config on loopback, configured by the test alone: nothing of the
    service's own settings is inherited from whoever runs the tests (their Redis, keys, scratch dirs)."""

    def __init__(self, port: int, workers: int, env: dict):
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        environment = {k: v for k, v in os.environ.items() if not _is_service_setting(k)}
        environment.update({"BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers), **env})
        super().__init__([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "service.wsgi:app"],
                         f"gunicorn on port {port}", environment)
        # gunicorn.conf.py names its scratch files after the master and removes them on a clean exit,
        # not when the master was killed.
        scratch = Path(tempfile.gettempdir())
        self.cleanup = [scratch / f"diffscore-metrics-{self.pid}", scratch / f"diffscore-catalogs-{self.pid}",
                        scratch / f"diffscore-gunicorn-{self.pid}.ctl"]

    def ready(self) -> bool:
        return requests.get(f"{self.url}/healthz", timeout=PROBE_SECONDS).status_code == 200

    def workers(self) -> list[int]:
        return [int(pid) for pid in Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()]


class RedisServer(Managed):
    """A throwaway redis-server on loopback that keeps nothing on disk."""

    def __init__(self, port: int, *extra: str):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed") if IN_CI else pytest.skip("no redis-server")
        self.port, self.url = port, f"redis://127.0.0.1:{port}/0"
        scratch = tempfile.mkdtemp(prefix="diffscore-test-redis-")
        super().__init__([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                          "--dir", scratch, "--enable-debug-command", "local", *extra],
                         f"redis-server on port {port}", cleanup=[scratch])

    def ready(self) -> bool:
        with redis.Redis(port=self.port, socket_timeout=PROBE_SECONDS, socket_connect_timeout=PROBE_SECONDS) as client:
            return client.ping()


class Servers:
    """What one test (or module) started; all of it stopped when the block ends, however it ends."""

    def __init__(self):
        self.started: list[Managed] = []

    def __enter__(self) -> "Servers":
        return self

    def __exit__(self, *exc) -> None:
        self.stop_all()

    def gunicorn(self, port: int | None = None, workers: int = 2, wait: bool = True, **env: str) -> Gunicorn:
        """Started and answering /healthz (unless `wait` is false: a test of a server that must not start)."""
        server = self._track(Gunicorn(port or free_port(), workers, env))
        if wait:
            self._await(server, server.ready, requests.RequestException)
        return server

    def redis(self, port: int | None = None, *extra: str) -> RedisServer:
        """Started and answering PING."""
        server = self._track(RedisServer(port or free_port(), *extra))
        self._await(server, server.ready, (redis.RedisError, OSError))
        return server

    def start(self, command: list[str], name: str, ready=None, errors=(), **env: str) -> Managed:
        """Any other process (a Redis Sentinel or cluster node, a client); `ready` is awaited if given."""
        process = self._track(Managed([str(c) for c in command], name, {**os.environ, **env}))
        if ready is not None:
            self._await(process, ready, errors)
        return process

    def run(self, command: list[str], name: str, seconds: float) -> tuple[int, str]:
        """Runs a client to its end (at most `seconds`); its exit status and output. The whole group
        is stopped afterwards: a browser leaves helper processes behind."""
        process = self.start(command, name)
        status = process.wait(seconds)
        return status, process.stop()

    def stop_all(self) -> None:
        while self.started:
            self.started.pop().stop()

    def _track(self, process: Managed) -> Managed:
        self.started.append(process)
        return process

    @staticmethod
    def _await(process: Managed, ready, errors) -> None:
        try:
            wait_until(ready, process.name, errors, alive=lambda: process.running)
        except BaseException as exc:
            output = process.stop()
            if isinstance(exc, StartError):
                pytest.fail(f"{exc}:\n{output[-3000:]}")
            raise


def run(command: list[str], name: str, seconds: float) -> tuple[int, str]:
    """A command run to its end in a group of its own; its exit status and output (both streams)."""
    with Servers() as started:
        return started.run(command, name, seconds)


def stop_leftovers() -> list[str]:
    """Stops every process a test started and never stopped; their names, for the report."""
    names = [process.name for process in list(_running)]
    for process in list(_running):
        process.stop()
    return names
