"""Serves openapi.yaml and the Swagger UI assets from the package itself: no CDN needed."""

import yaml
from flask import Blueprint, current_app, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("docs_assets", __name__)


@bp.get("/docs/assets/<path:filename>")
def swagger_assets(filename):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


def spec_yaml() -> str:
    """The contract exactly as `flask openapi write --format=yaml` writes openapi.yaml."""
    spec = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec
    return yaml.dump(spec.to_dict())


@bp.get("/openapi.yaml")
def openapi_yaml():
    return current_app.response_class(spec_yaml(), mimetype="application/yaml")
