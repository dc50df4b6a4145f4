"""Serves openapi.yaml, and the Swagger UI and ReDoc assets from installed packages: no CDN needed.

Swagger UI comes from flask-swagger-ui's copy of the swagger-ui dist, ReDoc's standalone bundle from
flask-openapi-redoc; both pinned in setup.cfg and upgraded with them. The pages themselves are
flask-smorest's (/docs, /redoc)."""

from importlib.resources import files

import yaml
from service.api.security import requires
from flask import Blueprint, current_app, send_from_directory

SWAGGER_UI_DIR = files("flask_swagger_ui") / "dist"
REDOC_DIR = files("flask_openapi_redoc") / "templates" / "redoc" / "js"
REDOC_SCRIPT = "/docs/assets/redoc/redoc.standalone.js"
# The assets change only with a package upgrade, which restarts the service.
ASSET_MAX_AGE = 86400

bp = Blueprint("docs_assets", __name__)


@bp.get("/docs/assets/<path:filename>")
@requires(None)
def swagger_assets(filename):
    return send_from_directory(SWAGGER_UI_DIR, filename, max_age=ASSET_MAX_AGE)


@bp.get("/docs/assets/redoc/<path:filename>")
@requires(None)
def redoc_assets(filename):
    return send_from_directory(REDOC_DIR, filename, max_age=ASSET_MAX_AGE)


@bp.get("/favicon.ico")
@requires(None)
def favicon():
    """Browsers ask every origin for it; Swagger UI's icon answers instead of a 404 in the console."""
    return send_from_directory(SWAGGER_UI_DIR, "favicon-32x32.png", mimetype="image/png", max_age=ASSET_MAX_AGE)


def spec_yaml() -> str:
    """The contract exactly as `flask openapi write --format=yaml` writes openapi.yaml."""
    spec = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec
    return yaml.dump(spec.to_dict())


@bp.get("/openapi.yaml")
@requires(None)
def openapi_yaml():
    return current_app.response_class(spec_yaml(), mimetype="application/yaml")
