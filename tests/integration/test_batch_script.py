"""diffscore-batch end to end against a real gunicorn + Redis: nothing lost, nothing twice."""

import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from service.benchmarks.loader import load_benchmarks
from tests.servers import IN_CI, ROOT, Servers, free_port, run

pytestmark = pytest.mark.integration
ROWS = 5000
# These runs send thousands of rows a minute from one address: rate limits are not what they test.
SERVICE_ENV = {"DIFFSCORE_RATE_LIMIT": "1000000 per minute", "DIFFSCORE_BATCH_RATE_LIMIT": "1000000 per minute"}
# Bounds on a stuck run, not on speed: a busy machine may take several times as long.
BATCH_SECONDS = 600
PROGRESS_SECONDS = 300
STOP_SECONDS = 60
BROWSER_SECONDS = 180


def generate_portfolio(path, rows: int, seed: int = 7) -> None:
    """Valid profiles sampled from the vocabulary, English codes and Chinese labels mixed."""
    vocabulary = load_benchmarks().vocabulary
    rng = random.Random(seed)
    terms = {k: vocabulary.terms(k) for k in vocabulary.kinds}

    def pick(kind, most):
        chosen = rng.sample(terms[kind], rng.randint(0, most))
        return ";".join(t.zh if rng.random() < 0.3 else t.code for t in chosen)

    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "domain", "tech_stack", "scenarios", "target_segments", "business_model",
                         "partners", "compliance.licenses", "compliance.data_sources", "compliance.privacy_controls",
                         "compliance.cross_border", "compliance.certification", "compliance.max_apr"])
        for i in range(rows):
            writer.writerow([f"r{i:05d}", f"产品 {i}", rng.choice(terms["domain"]).code, pick("technology", 3),
                             pick("scenario", 2), pick("segment", 2), pick("business_model", 2), pick("partner", 2),
                             pick("license", 2), pick("data_source", 3), pick("privacy_control", 2),
                             rng.choice(["true", "false"]), rng.choice(["none", "in_progress", "certified"]),
                             rng.choice(["", "0.18", "0.3"])])


def batch_command(input_path, output_path, base_url, *extra) -> list[str]:
    return [sys.executable, "-m", "scripts.batch_score", str(input_path), "-o", str(output_path),
            "--base-url", base_url, "--chunk-size", "100", "--quiet", *extra]


def batch(*args):
    """The script run to its end (one process, killed if it overruns)."""
    return subprocess.run(batch_command(*args), cwd=ROOT, capture_output=True, text=True, timeout=BATCH_SECONDS)


def batch_in_background(servers: Servers, *args):
    """The script started, for a test to interrupt; stopped with the test if still running."""
    return servers.start(batch_command(*args), "diffscore-batch")


def wait_for_rows(count_rows, path, rows: int, client) -> None:
    deadline = time.monotonic() + PROGRESS_SECONDS
    while count_rows(path) < rows:
        assert client.running, f"the batch client ended early: {client.stop()[-2000:]}"
        assert time.monotonic() < deadline, f"fewer than {rows} rows written within {PROGRESS_SECONDS} s"
        time.sleep(0.05)


def rows_in(path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig") as handle:  # the CSV output starts with a BOM, for Excel
        return list(csv.DictReader(handle))


def jsonl_rows(path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.endswith("\n")]


def assert_exactly_once(path, rows: int):
    written = rows_in(path)
    assert [r["row_id"] for r in written] == [f"r{i:05d}" for i in range(rows)]
    assert {r["status"] for r in written} == {"scored"}
    assert all(0 <= float(r["differentiation"]) <= 100 for r in written)


class FaultyProxy(ThreadingHTTPServer):
    """Loopback proxy that answers 503 to a share of requests and counts the items it forwards."""

    def __init__(self, port, upstream, failure_rate, seed=11):
        self.upstream, self.failure_rate = upstream, failure_rate
        self.rng, self.lock = random.Random(seed), threading.Lock()
        self.items_forwarded = self.injected = 0
        super().__init__(("127.0.0.1", port), ProxyHandler)


class ProxyHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _relay(self, method):
        server = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        with server.lock:
            fail = method == "POST" and server.rng.random() < server.failure_rate
            server.injected += fail
        if fail:
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        upstream = requests.request(method, server.upstream + self.path, data=body or None,
                                    headers={"Content-Type": "application/json"}, timeout=120)
        if method == "POST" and upstream.status_code == 200:
            with server.lock:
                server.items_forwarded += len(json.loads(body)["items"])
        self.send_response(upstream.status_code)
        self.send_header("Content-Type", upstream.headers.get("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(upstream.content)))
        self.end_headers()
        self.wfile.write(upstream.content)

    def do_GET(self):
        self._relay("GET")

    def do_POST(self):
        self._relay("POST")


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    path = tmp_path_factory.mktemp("batch") / "portfolio.csv"
    generate_portfolio(path, ROWS)
    return path


@pytest.fixture
def service(servers, redis_url, key_prefix):
    return servers.gunicorn(**SERVICE_ENV, REDIS_URL=redis_url, DIFFSCORE_REDIS_KEY_PREFIX=key_prefix)


@pytest.fixture
def proxy(service):
    def start(failure_rate):
        server = FaultyProxy(free_port(), service.url, failure_rate)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
        return server
    started = []
    yield start
    for server in started:
        server.shutdown()
        server.server_close()


def test_5000_rows_end_to_end_with_5_percent_503s(portfolio, tmp_path, proxy):
    faulty = proxy(0.05)
    output = tmp_path / "scored.csv"
    process = batch(portfolio, output, f"http://127.0.0.1:{faulty.server_address[1]}")
    assert process.returncode == 0, process.stderr
    assert_exactly_once(output, ROWS)
    assert faulty.injected > 0
    assert faulty.items_forwarded == ROWS


def test_server_killed_and_restarted_half_way(portfolio, tmp_path, servers, service, redis_url, key_prefix):
    output = tmp_path / "scored.jsonl"
    client = batch_in_background(servers, portfolio, output, service.url)
    wait_for_rows(lambda path: len(jsonl_rows(path)), output, ROWS // 4, client)
    service.kill()
    service.stop()
    time.sleep(1.0)
    servers.gunicorn(service.port, **SERVICE_ENV, REDIS_URL=redis_url, DIFFSCORE_REDIS_KEY_PREFIX=key_prefix)
    assert client.wait(BATCH_SECONDS) == 0, client.stop()[-3000:]
    written = jsonl_rows(output)
    assert [r["row_id"] for r in written] == [f"r{i:05d}" for i in range(ROWS)]
    assert {r["status"] for r in written} == {"scored"}


def test_interrupt_then_resume_scores_only_what_is_left(portfolio, tmp_path, servers, proxy):
    counting = proxy(0.0)
    base = f"http://127.0.0.1:{counting.server_address[1]}"
    output = tmp_path / "scored.csv"
    client = batch_in_background(servers, portfolio, output, base, "--concurrency", "2")
    wait_for_rows(lambda path: len(rows_in(path)), output, ROWS // 5, client)
    client.process.send_signal(signal.SIGINT)
    assert client.wait(STOP_SECONDS) == 130, client.stop()[-3000:]
    done = rows_in(output)
    assert 0 < len(done) < ROWS and {r["status"] for r in done} == {"scored"}
    assert len({r["row_id"] for r in done}) == len(done)
    first_run = counting.items_forwarded
    resumed = batch(portfolio, output, base)
    assert resumed.returncode == 0, resumed.stderr
    assert counting.items_forwarded - first_run == ROWS - len(done)
    assert_exactly_once(output, ROWS)


def test_bad_rows_are_reported_with_their_id_and_reason(tmp_path, service):
    output = tmp_path / "scored.csv"
    process = batch(ROOT / "scripts" / "examples" / "portfolio.csv", output, service.url)
    assert process.returncode == 1
    assert "p-006: flagged: domain 'payements' as 'payments' (fuzzy)" in process.stderr
    assert "p-007: invalid: compliance.cross_border: 'maybe' is not true/false" in process.stderr
    rows = {r["row_id"]: r for r in rows_in(output)}
    assert rows["p-002"]["status"] == "scored" and rows["p-006"]["status"] == "scored"
    assert "payements" in rows["p-006"]["read_as"] and rows["p-007"]["status"] == "invalid"
    strict = batch(ROOT / "scripts" / "examples" / "portfolio.csv", tmp_path / "strict.csv", service.url, "--strict")
    assert "p-006: rejected" in strict.stderr and "'payments'" in strict.stderr


def test_usage_and_connection_errors_exit_2(tmp_path):
    missing = batch(tmp_path / "nope.csv", tmp_path / "out.csv", "http://127.0.0.1:9")
    assert missing.returncode == 2
    unreachable = batch(ROOT / "scripts" / "examples" / "portfolio.jsonl", tmp_path / "out.csv",
                        f"http://127.0.0.1:{free_port()}", "--retries", "1")
    assert unreachable.returncode == 2 and "does not answer" in unreachable.stderr


def test_report_is_self_contained_and_renders_in_chromium(tmp_path, service):
    output, report = tmp_path / "scored.csv", tmp_path / "report.html"
    process = batch(ROOT / "scripts" / "examples" / "portfolio.csv", output, service.url, "--report", str(report))
    assert process.returncode == 1
    page = report.read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    assert page.count('class="white-space"') == 1 and "nearest occupied cell" in page
    assert page.split('class="white-space"')[1].split("</table>")[0].count("<tr><td>") >= 3  # cells listed
    assert page.count('class="product"') == 7 and page.count('class="benchmark"') >= 30
    assert "ChargeSafe NEV cover" in page and "宠物健康险" in page and "<details>" in page
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("chromium is not installed") if IN_CI else pytest.skip("chromium is not installed")
    screenshot = tmp_path / "report.png"
    status, printed = run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--disable-component-update", "--disable-sync", "--no-first-run",
                           f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1600",
                           f"--screenshot={screenshot}", report.as_uri()], "chromium", BROWSER_SECONDS)
    assert status == 0, printed[-3000:]
    assert screenshot.stat().st_size > 20_000
    if os.environ.get("KEEP_SCREENSHOT"):
        shutil.copy(screenshot, os.environ["KEEP_SCREENSHOT"])
