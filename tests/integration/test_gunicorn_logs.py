"""gunicorn with the production config: every line it and the app print is JSON with a zoned time,
/metrics adds the build info up across workers, and required-but-missing keys stop it from serving."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(log: Path, **env):
    """gunicorn in its own process group on a free loopback port, stderr to `log`; stopped (killed with
    its workers if need be) on every path. Yields (base URL, process); the URL answers /healthz unless
    the server exited first."""
    port = _free_port()
    environment = {**os.environ, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", **env}
    for name in ("REDIS_URL", "GUNICORN_ACCESSLOG", "DIFFSCORE_API_KEYS", "DIFFSCORE_API_KEYS_FILE"):
        if name not in env:
            environment.pop(name, None)
    with log.open("wb") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "service.wsgi:app"],
                                   cwd=ROOT, env=environment, stdout=stderr, stderr=stderr, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + START_SECONDS
            while process.poll() is None and time.monotonic() < deadline:
                try:
                    if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:  # refused, or accepted before a worker has booted
                    time.sleep(0.1)
            yield base, process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            scratch = Path(tempfile.gettempdir())  # what gunicorn.conf.py removes, unless the master was killed
            for name in ("metrics", "catalogs"):
                shutil.rmtree(scratch / f"diffscore-{name}-{process.pid}", ignore_errors=True)
            (scratch / f"diffscore-gunicorn-{process.pid}.ctl").unlink(missing_ok=True)


def _lines(log: Path) -> list[str]:
    return [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]


def test_gunicorn_and_app_lines_are_json_with_a_zoned_time(tmp_path):
    stderr = tmp_path / "stderr"
    with gunicorn(stderr, GUNICORN_ACCESSLOG="-") as (base, process):
        assert process.poll() is None, "\n".join(_lines(stderr))
        assert requests.get(f"{base}/v1/taxonomy?kind=domain", timeout=5).status_code == 200
    lines = _lines(stderr)
    records = [json.loads(line) for line in lines]  # a line that is not JSON fails here
    assert all(isinstance(r, dict) and datetime.fromisoformat(r["time"]).utcoffset() is not None for r in records)
    names = {r["name"] for r in records}
    assert {"gunicorn.error", "gunicorn.access", "diffscore.request"} <= names
    assert any(r["name"] == "gunicorn.error" and "Booting worker" in r["message"] for r in records)
    assert any(r["name"] == "diffscore.request" and r["route"] == "/v1/taxonomy" for r in records)


def test_access_log_stays_off_unless_asked_for(tmp_path):
    stderr = tmp_path / "stderr"
    with gunicorn(stderr) as (base, process):
        assert requests.get(f"{base}/healthz", timeout=5).status_code == 200
    assert not [line for line in _lines(stderr) if json.loads(line)["name"] == "gunicorn.access"]


def test_metrics_under_gunicorn_have_one_build_info_and_one_charset(tmp_path):
    with gunicorn(tmp_path / "stderr") as (base, process):
        for _ in range(4):  # reach both workers
            response = requests.get(f"{base}/metrics", timeout=5)
    assert response.headers["Content-Type"].count("charset") == 1
    family = next(f for f in text_string_to_metric_families(response.text) if f.name == "diffscore_build_info")
    assert len(family.samples) == 1 and family.samples[0].value == 1.0


def test_required_keys_missing_means_no_server(tmp_path):
    stderr = tmp_path / "stderr"
    with gunicorn(stderr, DIFFSCORE_REQUIRE_API_KEYS="true") as (base, process):
        process.wait(timeout=START_SECONDS)
    assert process.returncode != 0
    assert any("refusing to serve an open API" in line for line in _lines(stderr))
