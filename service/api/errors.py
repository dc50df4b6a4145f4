"""The one place errors become RFC 9457 problem+json: service errors, HTTP errors, validation."""

import logging

from flask import g, jsonify, request
from marshmallow import Schema
from rapidfuzz import process
from werkzeug.exceptions import HTTPException, InternalServerError

from service.errors import PROBLEM_TYPES, FieldError, ProblemType, ServiceError, problem_for_status

log = logging.getLogger(__name__)
PROBLEM_TYPE = "/problems/{}"


def problem_body(problem: ProblemType, detail: str, errors=(), instance=None, status: int | None = None) -> dict:
    """A problem+json document; `status` only for an HTTP status the table lists no type of."""
    body = {
        "type": PROBLEM_TYPE.format(problem.slug),
        "title": problem.title,
        "status": status or problem.status,
        "detail": detail,
        "instance": instance or request.path,
        "request_id": g.get("request_id", ""),
    }
    if errors:
        body["errors"] = [_field_error(e) for e in errors]
    return body


def service_problem_body(error: ServiceError, instance=None) -> dict:
    return problem_body(error.problem, error.detail, error.errors, instance)


def respond(body: dict, headers=None):
    """A problem body as an application/problem+json response."""
    response = jsonify(body)
    response.status_code = body["status"]
    response.mimetype = "application/problem+json"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _field_error(error: FieldError) -> dict:
    item = {"field": error.field, "message": error.message}
    if error.value is not None:
        item["value"] = error.value
    if error.accepted:
        item["accepted"] = error.accepted
    if error.suggestions:
        item["suggestions"] = list(error.suggestions)
    return item


def handle_service_error(error: ServiceError):
    return respond(service_problem_body(error), error.headers)


def handle_http_exception(error: HTTPException):
    """Werkzeug and webargs errors; webargs puts validation messages and the schema in `data`."""
    if isinstance(error, InternalServerError):
        log.exception("unhandled error", exc_info=getattr(error, "original_exception", None))
        return respond(problem_body(PROBLEM_TYPES["internal-error"],
                                    "The service failed to answer; the request id identifies it in the logs."))
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or {}
    errors = list(validation_errors(messages, data.get("schema")))
    status = error.code or 500
    if status == 400 and "json" in messages:
        detail = "The body is not valid JSON: check quotes, commas and brackets (UTF-8 only)."
    elif errors:
        detail = f"{len(errors)} field(s) failed validation; see errors."
    else:
        detail = error.description or error.name
    headers = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type", "content-length")}
    headers.update(data.get("headers") or {})
    return respond(problem_body(problem_for_status(status), detail, errors, status=status), headers)


def validation_errors(messages, schema: Schema | None, path: str = ""):
    """Flatten webargs/marshmallow messages into FieldErrors with dotted paths like 'compliance.licenses[0]'."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            if path == "" and key in ("json", "query", "view_args"):
                yield from validation_errors(value, schema, "")
                continue
            if isinstance(key, int) or str(key).isdigit():
                child = f"{path}[{key}]"
            elif key == "_schema":
                child = path or "(body)"
            else:
                child = f"{path}.{key}" if path else str(key)
            yield from validation_errors(value, schema, child)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        for message in messages:
            yield _explain(path or "(body)", message, schema)
    elif isinstance(messages, list):
        for i, value in enumerate(messages):
            yield from validation_errors(value, schema, f"{path}[{i}]")


def _explain(path: str, message: str, schema: Schema | None) -> FieldError:
    """Unknown fields are rejected, never ignored: say which fields exist and which was meant."""
    if message == "Unknown field." and schema is not None:
        parent, _, name = path.rpartition(".")
        accepted = _fields_at(schema, parent)
        if accepted:
            guesses = tuple(m[0] for m in process.extract(name, accepted, limit=2, score_cutoff=60))
            return FieldError(path, "unknown field: it is rejected, not ignored", accepted=", ".join(accepted),
                              suggestions=guesses)
    return FieldError(path, message)


def _fields_at(schema: Schema, dotted: str) -> list[str]:
    for part in filter(None, dotted.split(".")):
        nested = schema.fields.get(part)
        schema = getattr(nested, "schema", None)
        if schema is None:
            return []
    return sorted(schema.fields)
