"""The served docs in a real browser: headless Chromium, driven over the DevTools protocol, clicks
"Try it out" and "Execute" on POST /v1/scores in Swagger UI, against gunicorn on a port other than
8000, and sees a 200; ReDoc renders the same contract. Both pages must work under their
Content-Security-Policy with nothing fetched from outside."""

import json
import shutil
import time

import pytest
import requests
import websocket

from tests.servers import PROBE_SECONDS, Servers, free_port

pytestmark = pytest.mark.integration
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Generous: a first page load on a busy two-core machine parses 2 MB of JavaScript.
PAGE_SECONDS = 60
CALL_SECONDS = 30
POLL_SECONDS = 0.2
README_PORT = 8000


class Page:
    """One browser tab over the Chrome DevTools protocol: navigate, evaluate, wait. Console messages
    and failed loads are kept, so a CSP violation or a 404 shows up in the assertion."""

    def __init__(self, websocket_url: str):
        self.socket = websocket.create_connection(websocket_url, timeout=CALL_SECONDS, suppress_origin=True)
        self.calls = 0
        self.console: list[str] = []
        self.call("Runtime.enable")
        self.call("Log.enable")

    def close(self) -> None:
        self.socket.close()

    def call(self, method: str, **params) -> dict:
        self.calls += 1
        self.socket.send(json.dumps({"id": self.calls, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.calls:
                assert "error" not in message, message["error"]
                return message["result"]
            self._note(message)

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def wait_for(self, expression: str, what: str, seconds: float = PAGE_SECONDS):
        deadline = time.monotonic() + seconds
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                pytest.fail(f"{what} did not happen within {seconds:.0f} s; console: {self.console}")
            time.sleep(POLL_SECONDS)

    def open(self, url: str) -> None:
        self.console.clear()
        self.call("Page.navigate", url=url)

    def _note(self, message: dict) -> None:
        params = message.get("params", {})
        if message.get("method") == "Log.entryAdded":
            self.console.append(f"{params['entry']['level']}: {params['entry']['text']}")
        elif message.get("method") == "Runtime.exceptionThrown":
            self.console.append("exception: " + params["exceptionDetails"].get("exception", {}).get(
                "description", params["exceptionDetails"]["text"]))
        elif message.get("method") == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.console.append("error: " + " ".join(str(a.get("value", a.get("description"))) for a in params["args"]))


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """gunicorn on a free port (never 8000) and Chromium with a tab open; both stopped however the
    tests end (their process groups, so Chromium's helpers too)."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium)")
    with Servers() as started:
        server = started.gunicorn()
        assert server.port != README_PORT
        devtools = free_port()
        started.start([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                       "--disable-background-networking", "--disable-component-update", "--disable-sync",
                       "--disable-extensions", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
                       f"--remote-debugging-port={devtools}", "--remote-debugging-address=127.0.0.1", "about:blank"],
                      "chromium",
                      ready=lambda: requests.get(f"http://127.0.0.1:{devtools}/json/version", timeout=PROBE_SECONDS).ok,
                      errors=requests.RequestException)
        tabs = requests.get(f"http://127.0.0.1:{devtools}/json/list", timeout=PROBE_SECONDS).json()
        page = Page(next(t["webSocketDebuggerUrl"] for t in tabs if t["type"] == "page"))
        try:
            yield server.url, page
        finally:
            page.close()


def test_try_it_out_scores_a_profile_in_swagger_ui(browser):
    base, page = browser
    page.open(f"{base}/docs")
    block = "document.querySelector('#operations-scores-scoreProfile')"
    page.wait_for(f"{block} !== null", "Swagger UI listing POST /v1/scores")
    page.evaluate(f"{block}.querySelector('.opblock-summary-control').click()")
    page.wait_for(f"{block}.querySelector('.try-out__btn') !== null", "the operation opening")
    page.evaluate(f"{block}.querySelector('.try-out__btn').click()")
    page.wait_for(f"{block}.querySelector('button.execute') !== null", "the Execute button")
    page.evaluate(f"{block}.querySelector('button.execute').click()")
    status = page.wait_for(
        f"(() => {{ const cell = {block}.querySelector('.live-responses-table tr.response .response-col_status');"
        " return cell && cell.innerText.trim(); })()", "the response of Execute")
    assert status.split()[0] == "200", (status, page.console)
    # The request went to the origin that served the page, not to the README's port.
    curl = page.evaluate(f"{block}.querySelector('.curl-command').innerText")
    assert f"{base}/v1/scores" in curl
    body = json.loads(page.evaluate(f"{block}.querySelector('.live-responses-table .microlight').innerText"))
    assert 0 <= body["differentiation"]["score"] <= 100
    assert not [line for line in page.console if "Content Security Policy" in line or "404" in line], page.console


def test_redoc_renders_the_contract(browser):
    base, page = browser
    page.open(f"{base}/redoc#/scores/scoreprofile")
    page.wait_for("document.querySelector('a[href=\"#/scores/scoreprofile\"]') !== null", "ReDoc's menu")
    page.wait_for("document.body.innerText.includes('/v1/scores')", "ReDoc showing POST /v1/scores")
    assert "Score one product profile" in page.evaluate("document.body.innerText")
    # The one thing the CSP blocks is the "API docs by" badge ReDoc loads from Redocly's CDN (then hides).
    blocked = [line for line in page.console if "Content Security Policy" in line and "cdn.redoc.ly" not in line]
    assert not blocked, page.console
    assert not [line for line in page.console if line.startswith("exception")], page.console
