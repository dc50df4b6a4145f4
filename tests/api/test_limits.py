"""Request limits answered by the app in problem+json naming what was too large: the URL (414), a
header (431) and the body, counted in the bytes read, so a chunked body with no Content-Length stops
at the limit too (issue 21: a 60 MB chunked body used to be read whole)."""

import io

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app


def _problem(response, status, slug):
    assert response.status_code == status and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == f"/problems/{slug}"
    return body


def test_a_long_url_is_a_414_problem_naming_the_url(client):
    body = _problem(client.get("/v1/benchmarks?domain=" + "x" * 5000), 414, "uri-too-long")
    assert body["errors"][0]["field"] == "(url)" and body["errors"][0]["accepted"] == "at most 4096 bytes"
    assert "JSON body" in body["detail"]
    assert client.get("/v1/benchmarks?domain=" + "x" * 3000).status_code != 414


def test_a_long_header_is_a_431_problem_naming_the_header(client):
    body = _problem(client.get("/v1/taxonomy", headers={"X-Note": "x" * 9000}), 431, "header-fields-too-large")
    assert body["errors"][0]["field"] == "header X-Note"
    assert "8192 bytes" in body["errors"][0]["accepted"]
    assert client.get("/v1/taxonomy", headers={"X-Note": "x" * 8000}).status_code == 200


def _chunked(client, size, path="/v1/scores"):
    """A body without Content-Length, from a server that terminates the stream (as gunicorn does)."""
    payload = b'{"name": "' + b"x" * size + b'", "domain": "payments"}'
    environ = EnvironBuilder(path, method="POST", input_stream=io.BytesIO(payload),
                             content_type="application/json").get_environ()
    del environ["CONTENT_LENGTH"]
    environ.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True})
    app = client.application
    return app.response_class(*run_wsgi_app(app, environ, buffered=True))


@pytest.mark.parametrize("size", [5 * 2**20, 70 * 2**20])
def test_a_chunked_body_past_the_limit_is_a_413_problem(client, size):
    body = _problem(_chunked(client, size), 413, "payload-too-large")
    assert "4194304 bytes" in body["detail"]


def test_a_chunked_body_within_the_limit_is_read(client):
    response = _chunked(client, 60)
    assert response.status_code == 200 and response.get_json()["meta"]
