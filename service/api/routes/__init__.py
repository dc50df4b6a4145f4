"""HTTP routes, one blueprint per area."""

from flask import g, request
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser

from service.errors import BadRequest

# Problem responses registered by the Api (service/api/app.py), by status.
_PROBLEMS = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
             413: "REQUEST_ENTITY_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE", 429: "TOO_MANY_REQUESTS"}
BODY_PROBLEMS = (400, 413, 415)
ACCESS_PROBLEMS = (401, 403, 429)


def problems(blp, *statuses):
    """Documents, on a view, the problem+json responses it can give besides its own."""
    def decorate(view):
        for status in statuses:
            view = blp.alt_response(status, response=_PROBLEMS[status])(view)
        return view
    return decorate


class JsonParser(FlaskParser):
    """webargs' parser, with JSON nested deeper than the parser can go answered as a 400 problem."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            raise BadRequest("The JSON body is nested too deeply to parse; profiles are at most three levels deep.") from None


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = JsonParser()


def strict_handling(query: dict) -> bool:
    """RFC 7240 `Prefer: handling=strict` (or ?strict=true) asks that any value that is not an exact
    or synonym match be a 422 problem; lenient handling (the default) scores what was understood.
    The preference read is echoed in Preference-Applied (see app.py)."""
    asked = [p.split(";")[0].replace(" ", "").lower() for p in request.headers.get("Prefer", "").split(",")]
    strict = bool(query.get("strict")) or "handling=strict" in asked
    if strict or "handling=lenient" in asked:
        g.preference_applied = "handling=strict" if strict else "handling=lenient"
    return strict
