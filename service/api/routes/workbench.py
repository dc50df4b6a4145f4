"""The consultants' workbench: one static page and its assets, served by the service itself.

The page is plain HTML, CSS and JavaScript in service/api/workbench/ (vendored libraries and their
licences in vendor/, listed in vendor/VENDORED.md): no CDN, no build step, no server-side state. It
calls the public API from the browser like any client, so it adds nothing to the API's request path:
these views only send files."""

from importlib.resources import files

from flask import Blueprint, redirect, send_from_directory

from service.api.security import requires

PAGE_DIR = files("service.api") / "workbench"
# Everything the page needs comes from this origin; inline script and style are not allowed.
CONTENT_SECURITY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
                    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
                    "frame-ancestors 'none'")
# Assets change with a release; the page itself is revalidated so a release shows at once.
ASSET_MAX_AGE = 3600

bp = Blueprint("workbench", __name__)


def _with_policy(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY
    return response


@bp.get("/")
@requires(None)
def root():
    return redirect("/workbench", code=302)


@bp.get("/workbench")
@requires(None)
def page():
    response = send_from_directory(PAGE_DIR, "index.html", mimetype="text/html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return _with_policy(response)


@bp.get("/workbench/assets/<path:filename>")
@requires(None)
def assets(filename):
    return _with_policy(send_from_directory(PAGE_DIR, filename, max_age=ASSET_MAX_AGE))
