"""Application factory: settings, benchmark data, cache, blueprints, access control and error mapping."""

import http
import uuid
from functools import partial

from flask import Flask, g, request
from limits import parse
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from service.benchmarks.catalogs import CatalogRegistry
from service.benchmarks.loader import build_benchmarks, load_report_data
from service.cache import RedisLink, build_cache
from service.errors import (BadRequest, FieldError, HeaderFieldsTooLarge, PayloadTooLarge, ServiceError,
                            UnsupportedMediaType, UriTooLong)
from service.scoring import MODEL_VERSION
from service.settings import Settings
from service.vocabulary import TermFinder
from service.api import cors, deadline, errors, nullable, observability, quota, security
from service.api.context import Services, services
from service.api.json import OrjsonProvider
from service.api.replay import Replay
from service.api.routes import benchmarks as benchmark_routes, catalogs as catalog_routes, compare, docs, health, profiles, scores, taxonomy, white_space
from service.api.routes import workbench
from service.api.schemas import CompareInSchema, EditSchema, ProblemSchema

PROBLEM_JSON = "application/problem+json"

API_VERSION = "1.0.0"
_REQUEST_ID_MAX = 128


class ProblemApi(Api):
    """flask-smorest with every HTTP error shaped, and documented, as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error):
        return errors.handle_http_exception(error)

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error (problem+json)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def _register_pagination_header(self):
        """Pages are in the body (BenchmarkPage), not in flask-smorest's X-Pagination header: leaving it
        out keeps an unused PaginationMetadata schema out of the contract and of generated clients."""


def load_data(settings: Settings) -> tuple:
    """What start-up reads: the parsed data files, the catalog stream and the benchmarks built from
    them. Apart from create_app so that a caller building many apps (the tests) parses them once."""
    raw, report_entries = load_report_data(settings.benchmark_path or None)
    return raw, report_entries, build_benchmarks(raw, report_entries() if report_entries else None)


def create_app(settings: Settings | None = None, data: tuple | None = None) -> Flask:
    """`data` is what load_data returned for the same benchmark path; read afresh when omitted."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.config.update(
        MAX_CONTENT_LENGTH=max(settings.max_body_bytes, settings.catalog_max_body_bytes),
        API_TITLE="Fintech differentiation scoring API",
        API_VERSION=API_VERSION,
        # 3.1: a nullable object is `anyOf: [$ref, null]`, which client generators type as Optional[Model]
        # (3.0's nullable cannot sit beside a $ref); Swagger UI, ReDoc and the linters read 3.1.
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="/docs/assets/",
        OPENAPI_REDOC_PATH="/redoc",
        OPENAPI_REDOC_URL=docs.REDOC_SCRIPT,
        API_SPEC_OPTIONS={
            "info": {
                "description": (
                    "Scores a fintech product concept for differentiation, homogeneity risk and compliance risk "
                    "against the benchmark data of the 2025 fintech differentiation report. Every score is a base "
                    "plus signed, evidenced factors; recommendations are measured by re-scoring. Terms may be sent "
                    "as codes, English or Chinese labels or synonyms (GET /v1/taxonomy). Every answer's meta names the "
                    "model and benchmark versions that produced it."
                ),
                "license": {"name": "MIT", "identifier": "MIT"},
            },
            # Relative: "Try it out" calls the server that served the docs, whatever its host and port.
            "servers": [{"url": "/", "description": "the server that serves this document"}],
            # Keys are optional: required only where the operator configured them.
            "security": [{}, {"ApiKeyAuth": []}],
        },
    )
    raw, report_entries, benchmarks = data or load_data(settings)
    cache, answers, store = build_cache(settings)
    catalogs = CatalogRegistry(raw, report_entries, benchmarks, store, settings.redis_key_prefix,
                               settings.catalog_refresh_seconds, settings.catalog_products_in_memory)
    catalogs.load_files(settings.benchmark_paths, settings.catalog_max_body_bytes)
    app.extensions["diffscore"] = Services(settings, benchmarks, cache, answers, catalogs,
                                           TermFinder(benchmarks.vocabulary),
                                           Replay(settings.answer_cache_size, settings.cache_ttl_seconds))
    observability.configure_logging()
    keys = security.load_keys(settings.api_keys, settings.api_keys_file)
    if settings.require_api_keys and not keys:
        raise RuntimeError("DIFFSCORE_REQUIRE_API_KEYS is set but no API key is configured "
                           "(DIFFSCORE_API_KEYS or DIFFSCORE_API_KEYS_FILE): refusing to serve an open API")
    observability.record_build_info(MODEL_VERSION, benchmarks.version)

    # hooks: the deadline around everything, then identity, so that quotas count per key
    deadline.install(app, settings.request_deadline_seconds)
    app.before_request(observability.start_timer)
    app.before_request(_assign_request_id)
    app.before_request(_within_request_limits)
    quotas = _quota(settings)
    app.before_request(partial(security.authenticate, keys, security.WrongKeys(quotas, settings.wrong_key_limit)))
    quota.install(app, quotas, parse(settings.rate_limit), {"scores.post_batch": parse(settings.batch_rate_limit)},
                  settings.budget_free_ms / 1000,
                  lambda endpoint, method: security.required_role(endpoint, method) is None, catalogs.take_build_seconds)
    app.before_request(_require_json_body)
    app.after_request(_echo_request_id)
    app.after_request(security.security_headers)
    app.after_request(observability.record)

    # extensions
    app.url_map.converters["catalog_name"] = catalog_routes.CatalogName
    api = ProblemApi(app)
    api.register_converter(catalog_routes.CatalogName, lambda converter: catalog_routes.CatalogName.SCHEMA)
    api.ma_plugin.converter.add_attribute_function(nullable.null_alternative)
    api.spec.components.security_scheme(
        "ApiKeyAuth", {"type": "apiKey", "in": "header", "name": security.HEADER,
                       "description": "Required when the service has keys configured (DIFFSCORE_API_KEYS)."})

    # blueprints
    for module in (scores, compare, white_space, profiles, catalog_routes, taxonomy, benchmark_routes, health):
        api.register_blueprint(module.blp)
    api.spec.components.schemas["CompareIn"].update(CompareInSchema.CONTRACT)   # a rule across fields
    api.spec.components.schemas["Edit"].update(EditSchema.CONTRACT)
    app.register_blueprint(docs.bp)
    app.register_blueprint(workbench.bp)
    app.register_blueprint(observability.bp)
    app.register_error_handler(ServiceError, errors.handle_service_error)
    cors.configure(app, settings.cors_origins)
    return app


def _quota(settings: Settings) -> quota.Quota:
    """Per API key (or client address while keys are off), shared by all workers through Redis,
    in each worker's memory while Redis is away; health, docs and metrics are never limited."""
    link = (RedisLink(settings.redis_url, settings.redis_timeout_seconds, settings.breaker_fail_max,
                      settings.breaker_reset_seconds) if settings.redis_url else None)
    return quota.Quota(link, settings.redis_key_prefix,
                       quota.Budget.parse(settings.worker_budget, settings.budget_burst_seconds),
                       quota.Budget.parse(settings.address_worker_budget, settings.budget_burst_seconds))


def _assign_request_id():
    supplied = request.headers.get("X-Request-ID", "")
    valid = 0 < len(supplied) <= _REQUEST_ID_MAX and supplied.isprintable() and supplied.isascii()
    g.request_id = supplied if valid else uuid.uuid4().hex


def _require_json_body():
    if request.routing_exception is not None or request.method not in ("POST", "PUT", "PATCH"):
        return
    if not request.is_json:
        raise UnsupportedMediaType(
            f"Send the body as JSON with 'Content-Type: application/json' (got {request.mimetype or 'none'!r})."
        )
    limit = (services().settings.catalog_max_body_bytes if request.endpoint == "catalogs.put_catalog"
             else services().settings.max_body_bytes)
    if (request.content_length or 0) > limit:
        raise PayloadTooLarge(f"The body is {request.content_length} bytes; this endpoint takes at most {limit}.")
    # The limit on the bytes actually read: a chunked body has no Content-Length to check beforehand.
    # Werkzeug stops reading at max_content_length without a word, so one byte more than the limit is
    # asked for: getting it means the body is too large, and no more than that is ever held.
    request.max_content_length = limit + 1
    try:
        body = request.get_data(cache=True)
    except (ServiceError, HTTPException):
        raise
    except Exception as exc:    # noqa: BLE001 - what the server's input stream raises is about the bytes sent
        # The server (gunicorn) decodes chunked framing while the body is read: a bad chunk size or a
        # missing terminator surfaces here as its own parse error, which is the client's, not ours.
        raise BadRequest("The body's framing could not be read (Transfer-Encoding: chunked with a malformed "
                         f"chunk: {exc.__class__.__name__}): send well-formed chunks, or a Content-Length.") from None
    if len(body) > limit:
        raise PayloadTooLarge(f"The body sent (chunked) is larger than this endpoint takes, {limit} bytes: "
                              "send fewer items or split it.")
    if not body:
        raise BadRequest("The request body is empty: send a product profile as a JSON object.")


def _within_request_limits():
    """414 / 431 problems naming what was too long, before the request is routed or authenticated;
    gunicorn's own limits are looser (gunicorn.conf.py), so this, not gunicorn, answers."""
    settings = services().settings
    url_bytes = len(request.environ.get("PATH_INFO", "")) + len(request.environ.get("QUERY_STRING", ""))
    if url_bytes > settings.max_url_bytes:
        raise UriTooLong("The URL is too long: send long values in a JSON body instead of the query string.",
                         [FieldError("(url)", f"the path and query are {url_bytes} bytes",
                                     accepted=f"at most {settings.max_url_bytes} bytes")])
    for name, value in request.headers.items():
        size = len(name) + len(value) + 2
        if size > settings.max_header_bytes:
            raise HeaderFieldsTooLarge(f"The {name} header is too large: send it shorter, or the data in the body.",
                                       [FieldError(f"header {name}", f"the header line is {size} bytes",
                                                   accepted=f"at most {settings.max_header_bytes} bytes a header")])


def _echo_request_id(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    if g.get("preference_applied"):
        response.headers["Preference-Applied"] = g.preference_applied
    response.vary.add("Prefer")
    return response
