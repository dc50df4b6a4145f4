"""The workbench page as files: served with its own strict policy, everything it loads from this
origin, the vendored libraries recorded with their versions, and no hook on the API's request path."""

import hashlib
import re
from pathlib import Path

from service.api.routes import workbench

PAGE_DIR = Path(workbench.PAGE_DIR)


def test_root_redirects_to_the_page(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/workbench")


def test_the_page_and_every_asset_it_names_are_served_from_this_origin(client):
    page = client.get("/workbench")
    html = page.get_data(as_text=True)
    page.close()
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Content-Security-Policy"] == workbench.CONTENT_SECURITY
    assert "unsafe-inline" not in workbench.CONTENT_SECURITY
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    local = [a for a in assets if a.startswith("/workbench/assets/")]
    assert local and set(assets) - set(local) <= {"/favicon.ico", "/docs", "#main"}
    for asset in local:
        response = client.get(asset)
        response.close()
        assert response.status_code == 200, asset
        assert response.headers["Content-Security-Policy"] == workbench.CONTENT_SECURITY


def test_assets_fetch_nothing_from_outside():
    for path in PAGE_DIR.glob("*.*"):
        if path.suffix in (".js", ".css", ".html"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"""(?:fetch|src|href|url)\s*[(=:]\s*["'(]?\s*(?:https?:)?//""", text), path.name


def test_vendored_libraries_are_recorded_with_version_licence_and_digest():
    vendor = PAGE_DIR / "vendor"
    record = (vendor / "VENDORED.md").read_text(encoding="utf-8")
    for path in vendor.glob("*.js"):
        assert f"`{path.name}`" in record
        assert hashlib.sha512(path.read_bytes()).hexdigest() in record
        assert (vendor / (path.name.removesuffix(".min.js") + ".LICENSE")).exists()


def test_the_page_adds_nothing_to_the_api_request_path(app):
    """Its blueprint only sends files: no request hook of its own runs on API calls."""
    for hooks in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs, app.url_value_preprocessors):
        assert "workbench" not in hooks
    assert {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("workbench.")} == {
        "workbench.root", "workbench.page", "workbench.assets"}
