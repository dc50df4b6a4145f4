"""gunicorn with the production config: every line it and the app print is JSON with a zoned time,
/metrics adds the build info up across workers, and required-but-missing keys stop it from serving."""

import json
from datetime import datetime

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.integration
EXIT_SECONDS = 60


def _records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]  # a line that is not JSON fails


def test_gunicorn_and_app_lines_are_json_with_a_zoned_time(servers):
    server = servers.gunicorn(GUNICORN_ACCESSLOG="-")
    assert requests.get(f"{server.url}/v1/taxonomy?kind=domain", timeout=10).status_code == 200
    records = _records(server.stop())
    assert all(datetime.fromisoformat(r["time"]).utcoffset() is not None for r in records)
    assert {"gunicorn.error", "gunicorn.access", "diffscore.request"} <= {r["name"] for r in records}
    assert any(r["name"] == "gunicorn.error" and "Booting worker" in r["message"] for r in records)
    assert any(r["name"] == "diffscore.request" and r["route"] == "/v1/taxonomy" for r in records)


def test_access_log_stays_off_unless_asked_for(servers):
    server = servers.gunicorn()
    assert requests.get(f"{server.url}/healthz", timeout=10).status_code == 200
    assert "gunicorn.access" not in {r["name"] for r in _records(server.stop())}


def test_metrics_under_gunicorn_have_one_build_info_and_one_charset(servers):
    server = servers.gunicorn()
    for _ in range(4):  # answered by either worker
        response = requests.get(f"{server.url}/metrics", timeout=10)
        assert response.headers["Content-Type"].count("charset") == 1
        family = next(f for f in text_string_to_metric_families(response.text) if f.name == "diffscore_build_info")
        assert len(family.samples) == 1 and family.samples[0].value == 1.0


def test_required_keys_missing_means_no_server(servers):
    server = servers.gunicorn(wait=False, DIFFSCORE_REQUIRE_API_KEYS="true")
    assert server.wait(EXIT_SECONDS) != 0
    assert "refusing to serve an open API" in server.stop()
