"""What operators' tools read: the /metrics content type and build info, log timestamps, fail-closed keys."""

import json
import logging
from datetime import datetime, timedelta
from importlib.metadata import version

import pytest
from prometheus_client.parser import text_string_to_metric_families

from service.scoring import MODEL_VERSION
from service.settings import Settings

SCRAPER_ACCEPT = ("application/openmetrics-text;version=1.0.0;escaping=underscores,"
                  "text/plain;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1")


def _parameters(content_type: str) -> list[str]:
    return [p.split("=")[0].strip().lower() for p in content_type.split(";")[1:]]


@pytest.mark.parametrize("accept", ["", "text/plain", SCRAPER_ACCEPT])
def test_metrics_content_type_has_each_parameter_once(app, accept):
    response = app.test_client().get("/metrics", headers={"Accept": accept})
    content_type = response.headers["Content-Type"]
    parameters = _parameters(content_type)
    assert response.status_code == 200
    assert len(parameters) == len(set(parameters)) and "charset" in parameters and "version" in parameters
    expected = "application/openmetrics-text" if accept == SCRAPER_ACCEPT else "text/plain"
    assert content_type.split(";")[0] == expected
    if accept == SCRAPER_ACCEPT:
        assert response.get_data(as_text=True).endswith("# EOF\n")


def test_build_info_names_package_model_and_benchmark_versions(app):
    text = app.test_client().get("/metrics").get_data(as_text=True)
    family = next(f for f in text_string_to_metric_families(text) if f.name == "diffscore_build_info")
    labels = {"version": version("diffscore"), "model_version": MODEL_VERSION,
              "benchmark_version": app.extensions["diffscore"].benchmarks.version}
    assert [(s.labels, s.value) for s in family.samples] == [(labels, 1.0)]


def test_log_lines_carry_an_iso_8601_time_with_its_offset(app):
    handler = logging.getLogger("diffscore.request").handlers[0]
    record = logging.LogRecord("diffscore.request", logging.INFO, __file__, 1, "request", None, None)
    line = json.loads(handler.format(record))
    stamp = datetime.fromisoformat(line["time"])
    assert stamp.utcoffset() == timedelta(0) and line["time"].endswith("+00:00")
    assert abs(stamp.timestamp() - record.created) < 1e-3
    assert line["level"] == "INFO" and line["message"] == "request"


def test_required_keys_without_any_key_refuse_to_start(make_app, tmp_path):
    empty = tmp_path / "api-keys"  # a mounted Secret whose entry is empty
    empty.write_text("", encoding="utf-8")
    for settings in ({}, {"api_keys_file": str(empty)}):
        with pytest.raises(RuntimeError, match="DIFFSCORE_REQUIRE_API_KEYS"):
            make_app(require_api_keys=True, **settings)


def test_required_keys_with_a_key_file_start_and_demand_a_key(make_app, tmp_path):
    keys = tmp_path / "api-keys"
    keys.write_text("planner:score:" + "ab" * 32 + "\n", encoding="utf-8")
    app = make_app(require_api_keys=True, api_keys_file=str(keys))
    assert app.test_client().get("/v1/taxonomy").status_code == 401


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("ON", True), ("0", False), ("false", False),
                                               ("", False)])
def test_flags_are_read_as_words_not_as_python_truthiness(raw, expected):
    assert Settings.from_env({"DIFFSCORE_REQUIRE_API_KEYS": raw}).require_api_keys is expected


def test_a_misspelt_flag_stops_start_up():
    with pytest.raises(ValueError, match="DIFFSCORE_REQUIRE_API_KEYS must be true or false"):
        Settings.from_env({"DIFFSCORE_REQUIRE_API_KEYS": "ture"})
