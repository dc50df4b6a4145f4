"""A real gunicorn with the production config serves the README's curl examples verbatim."""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
README_BASE = "http://127.0.0.1:8000"


def readme_examples() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- example: ([\w-]+) -->\n```bash\n(.*?)```", text, flags=re.S))


@pytest.fixture(scope="module")
def server():
    port = free_port()
    env = {**os.environ, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "GUNICORN_ACCESSLOG": "-"}
    env.pop("REDIS_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "service.wsgi:app"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("gunicorn did not start: " + process.stdout.read().decode(errors="replace")[-2000:])
        time.sleep(0.1)
    yield base
    process.terminate()
    output = process.communicate(timeout=30)[0].decode(errors="replace")
    assert "Traceback" not in output, output[-3000:]


def run(example: str, base: str) -> dict:
    command = readme_examples()[example].replace(README_BASE, base)
    result = subprocess.run(["bash", "-c", command], capture_output=True, timeout=30, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_readme_has_the_examples():
    assert {"score-en", "score-zh", "error", "taxonomy", "benchmarks"} <= set(readme_examples())


def test_english_and_chinese_examples_score_identically(server):
    en, zh = run("score-en", server), run("score-zh", server)
    for key in ("differentiation", "homogeneity_risk", "compliance_risk", "recommendations"):
        assert en[key] == zh[key]
    assert en["profile"]["scenarios"] == ["nev_charging"]
    assert 0 <= en["differentiation"]["score"] <= 100


def test_error_example(server):
    problem = run("error", server)
    assert problem["status"] == 422 and problem["type"] == "/problems/unknown-term"
    assert problem["errors"][0]["field"] == "scenarios[0]" and "pets" in problem["errors"][0]["suggestions"]


def test_listing_examples(server):
    assert run("taxonomy", server)["kinds"] == ["scenario"]
    listed = run("benchmarks", server)
    assert listed["total"] >= 2 and {i["id"] for i in listed["items"]} >= {"ppdai", "qudian"}


def test_access_log_and_request_id(server):
    response = requests.get(f"{server}/healthz", headers={"X-Request-ID": "trace-42"}, timeout=5)
    assert response.headers["X-Request-ID"] == "trace-42"
