"""A client generated from the served contract by openapi-python-client scores a profile and a
batch against gunicorn, through typed models: method names from the operationIds, and batch
results typed as ScoreResponse or None (not an untyped union).

openapi-python-client pins its own dependencies, so it lives in a venv of its own under .tools/
(git-ignored), made on first use; the generated package needs only httpx and attrs, which the test
extras install."""

import importlib
import sys
from pathlib import Path

import pytest
import requests
import yaml

from tests.servers import ROOT, run

pytestmark = pytest.mark.integration
GENERATOR_VERSION = "0.29.1"
GENERATOR_VENV = ROOT / ".tools" / f"openapi-python-client-{GENERATOR_VERSION}"
INSTALL_SECONDS = 600
GENERATE_SECONDS = 300
PACKAGE = "diffscore_client"
# pip's words when no registry answers, as opposed to a registry that answered "no such version"
UNREACHABLE = ("Failed to establish a new connection", "Temporary failure in name resolution",
               "Network is unreachable", "Max retries exceeded", "ConnectTimeoutError", "ReadTimeoutError")
PROFILE = {"name": "ChargeSafe NEV cover", "domain": "insurtech", "tech_stack": ["IoT", "AI pricing"],
           "scenarios": ["NEV charging"], "target_segments": ["NEV owners"], "partners": ["charging operators"]}


@pytest.fixture(scope="module")
def generator() -> Path:
    """The openapi-python-client command, installed once per version."""
    command = GENERATOR_VENV / "bin" / "openapi-python-client"
    stamp = GENERATOR_VENV / "installed"
    if not stamp.exists():
        status, output = run([sys.executable, "-m", "venv", "--clear", GENERATOR_VENV], "python -m venv",
                             INSTALL_SECONDS)
        assert status == 0, output[-3000:]
        status, output = run([GENERATOR_VENV / "bin" / "python", "-m", "pip", "install", "--quiet",
                              "--disable-pip-version-check", f"openapi-python-client=={GENERATOR_VERSION}"],
                             "pip install openapi-python-client", INSTALL_SECONDS)
        if status != 0 and any(words in output for words in UNREACHABLE):
            pytest.skip(f"the package registry is unreachable: {output[-300:]}")
        assert status == 0, output[-3000:]
        stamp.touch()
    return command


@pytest.fixture
def client_module(servers, generator, tmp_path):
    """The client generated from what a running gunicorn serves, imported from tmp_path."""
    server = servers.gunicorn(workers=1)
    spec = tmp_path / "openapi.json"
    spec.write_bytes(requests.get(f"{server.url}/openapi.json", timeout=10).content)
    config = tmp_path / "generator.yaml"
    config.write_text(yaml.safe_dump({"package_name_override": PACKAGE, "post_hooks": []}))
    status, output = run([generator, "generate", "--path", spec, "--meta", "none", "--config", config,
                          "--output-path", tmp_path / PACKAGE], "openapi-python-client generate", GENERATE_SECONDS)
    assert status == 0, output[-3000:]
    assert "Warning" not in output, output[-3000:]
    sys.path.insert(0, str(tmp_path))
    try:
        yield server.url, importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def test_generated_client_scores_a_profile_and_a_batch_typed(client_module):
    url, package = client_module
    score_profile = importlib.import_module(f"{PACKAGE}.api.scores.score_profile")
    score_batch = importlib.import_module(f"{PACKAGE}.api.scores.score_batch")
    models = importlib.import_module(f"{PACKAGE}.models")
    client = package.Client(base_url=url, raise_on_unexpected_status=True, timeout=30.0)

    scored = score_profile.sync(client=client, body=models.ProfileIn.from_dict(PROFILE))
    assert isinstance(scored, models.ScoreResponse)
    assert 0 <= scored.differentiation.score <= 100
    assert scored.differentiation.band in ("low", "medium", "high")
    assert scored.profile.scenarios == ["nev_charging"]

    invalid = models.ProfileIn.from_dict({"name": "", "domain": "insurtech"})
    batch = score_batch.sync(client=client, body=models.BatchIn(items=[models.ProfileIn.from_dict(PROFILE), invalid]))
    assert isinstance(batch, models.BatchOut)
    first, second = batch.results
    assert isinstance(first.result, models.ScoreResponse) and first.error is None
    assert first.result.differentiation.score == scored.differentiation.score
    assert first.result.homogeneity_risk.score == scored.homogeneity_risk.score
    assert second.result is None and isinstance(second.error, models.Problem)
    assert second.status == 422 == second.error.status
    assert batch.summary.scored == 1 and batch.summary.failed == 1


def test_generated_method_names_are_the_operation_ids(client_module):
    _, package = client_module
    generated = {path.stem for path in (Path(package.__file__).parent / "api").rglob("*.py")} - {"__init__"}
    assert {"score_profile", "score_batch", "compare_variants", "extract_profile", "get_taxonomy", "list_benchmarks",
            "get_benchmark", "list_catalogs", "put_catalog", "check_liveness", "check_readiness",
            "score_white_space"} == generated
    assert not [name for name in generated if name.startswith(("post_", "get_v1"))]

