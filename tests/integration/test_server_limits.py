"""Every answer in one form under real gunicorn, without a proxy in front (issue 21): what the app
refuses names the part that was too large; what gunicorn refuses itself (past its looser limits, a
worker killed at its timeout) is problem+json too, not gunicorn's HTML page; a chunked body is cut
off at the limit instead of read whole."""

import json
import select
import socket
import time
from pathlib import Path

import pytest
import requests

from service.api.examples import NEV_INSURANCE_EN

pytestmark = pytest.mark.integration


def _problem(response, status, slug):
    assert response.status_code == status, response.text[:300]
    assert response.headers["Content-Type"].startswith("application/problem+json"), response.text[:300]
    body = response.json()
    assert body["type"] == f"/problems/{slug}" and body["status"] == status and body["detail"]
    return body


def test_url_and_header_limits_are_problems_from_the_app_and_from_gunicorn(servers):
    base = servers.gunicorn(workers=1).url
    by_app = _problem(requests.get(f"{base}/v1/benchmarks?domain={'x' * 5000}", timeout=10), 414, "uri-too-long")
    assert by_app["errors"][0]["field"] == "(url)"
    by_gunicorn = _problem(requests.get(f"{base}/v1/benchmarks?domain={'x' * 9000}", timeout=10), 414,
                           "uri-too-long")
    assert "Shorten the URL" in by_gunicorn["detail"]
    by_app = _problem(requests.get(f"{base}/v1/taxonomy", headers={"X-Note": "x" * 10_000}, timeout=10), 431,
                      "header-fields-too-large")
    assert by_app["errors"][0]["field"] == "header X-Note"
    _problem(requests.get(f"{base}/v1/taxonomy", headers={"X-Note": "x" * 20_000}, timeout=10), 431,
             "header-fields-too-large")
    _problem(requests.get(f"{base}/v1/taxonomy", headers={f"X-N{i}": "x" for i in range(120)}, timeout=10), 431,
             "header-fields-too-large")


def _rss_kb(pid: int) -> int:
    line = next(ln for ln in Path(f"/proc/{pid}/status").read_text().splitlines() if ln.startswith("VmRSS"))
    return int(line.split()[1])


def _send_chunked(port: int, megabytes: int) -> tuple[int, bytes, int]:
    """Sends a chunked JSON body of up to `megabytes`, stopping as soon as the server answers;
    the status, the answer and how many bytes were sent."""
    chunk = b"x" * 65536
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"POST /v1/scores HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n" + b'10\r\n{"name": "xxxxxx\r\n')
        while sent < megabytes * 2**20 and not select.select([conn], [], [], 0)[0]:
            try:
                conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        conn.settimeout(10)
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.partition(b"\r\n\r\n")[2]) < _length(answer):
            data = conn.recv(65536)
            if not data:
                break
            answer += data
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), head + b"\r\n\r\n" + body, sent


def _length(answer: bytes) -> int:
    head = answer.partition(b"\r\n\r\n")[0].decode("latin1").lower()
    return next((int(ln.split(":")[1]) for ln in head.split("\r\n") if ln.startswith("content-length:")), 0)


def test_a_chunked_body_is_cut_off_at_the_limit(servers):
    server = servers.gunicorn(workers=1)
    worker = server.workers()[0]
    before = _rss_kb(worker)
    status, answer, sent = _send_chunked(server.port, 60)
    grown_mb = (_rss_kb(worker) - before) / 1024
    assert status == 413, answer[:300]
    problem = json.loads(answer.partition(b"\r\n\r\n")[2])
    assert problem["type"] == "/problems/payload-too-large" and "4194304 bytes" in problem["detail"]
    assert sent < 30 * 2**20, f"the server read on: {sent / 2**20:.0f} MB sent"
    assert grown_mb < 40, f"worker grew {grown_mb:.0f} MB"
    assert requests.post(f"{server.url}/v1/scores", json=NEV_INSURANCE_EN, timeout=10).status_code == 200
    print(f"\nchunked 60 MB body: 413 after {sent / 2**20:.1f} MB sent, worker grew {grown_mb:.1f} MB")


@pytest.mark.parametrize("framing", [
    b"zz\r\n{}\r\n0\r\n\r\n",                # a chunk size that is no hexadecimal number
    b"2\r\n{}XX0\r\n\r\n",                     # a chunk without its CRLF terminator
    b"5\r\n{}\r\n",                              # a chunk shorter than it said, then the end
])
def test_malformed_chunked_framing_is_a_problem_not_a_server_error(servers, framing):
    """It answered a 500."""
    server = servers.gunicorn(workers=1)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(b"POST /v1/scores HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n" + framing)
        if framing.endswith(b"{}\r\n"):
            conn.shutdown(socket.SHUT_WR)
        answer = b""
        while data := conn.recv(65536):
            answer += data
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split()[1] == b"400", answer[:400]
    assert b"application/problem+json" in head
    assert json.loads(body)["type"] == "/problems/bad-request"
    assert requests.post(f"{server.url}/v1/scores", json=NEV_INSURANCE_EN, timeout=10).status_code == 200


def test_a_worker_killed_at_its_timeout_answers_a_problem(servers):
    base = servers.gunicorn(workers=1, GUNICORN_TIMEOUT="1", DIFFSCORE_REQUEST_DEADLINE_SECONDS="0").url
    items = [dict(NEV_INSURANCE_EN, name=f"slow {i}") for i in range(1000)]
    started = time.monotonic()
    response = requests.post(f"{base}/v1/scores/batch", json={"items": items}, timeout=30)
    body = _problem(response, 500, "internal-error")
    assert "worker timeout" in body["detail"] and time.monotonic() - started < 25
