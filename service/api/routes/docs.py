"""Serves openapi.yaml and the Swagger UI assets from the package itself: no CDN needed."""

from flask import Blueprint, current_app, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("docs_assets", __name__)


@bp.get("/docs/assets/<path:filename>")
def swagger_assets(filename):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


@bp.get("/openapi.yaml")
def openapi_yaml():
    spec = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec
    return current_app.response_class(spec.to_yaml(), mimetype="application/yaml")
