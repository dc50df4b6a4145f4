"""HTTP routes, one blueprint per area."""

import json
import math
import re

from flask import current_app, g, request
from flask_smorest import Blueprint
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request

from service.errors import BadRequest, FieldError, InvalidInput

_SURROGATE = re.compile("[\ud800-\udfff]")

# Problem responses registered by the Api (service/api/app.py), by status.
_PROBLEMS = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
             412: "PRECONDITION_FAILED", 413: "REQUEST_ENTITY_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE",
             428: "PRECONDITION_REQUIRED", 429: "TOO_MANY_REQUESTS"}
BODY_PROBLEMS = (400, 413, 415)
ACCESS_PROBLEMS = (401, 403, 429)


def problems(blp, *statuses):
    """Documents, on a view, the problem+json responses it can give besides its own."""
    def decorate(view):
        for status in statuses:
            view = blp.alt_response(status, response=_PROBLEMS[status])(view)
        return view
    return decorate


# What JSON allows but nothing downstream can hold: lone UTF-16 surrogates (no UTF-8 form: every
# encode fails), NaN and infinities, integers past any rate or count (Python refuses to read integers
# past 4,300 digits at all). Bodies without any of their marks are not walked.
_SUSPECT = re.compile(rb"\\u[dD][89a-fA-F]|NaN|Infinity|[0-9]{19}")
_INT_DIGITS = 18


def items_apart(field: str):
    """Marks a view whose body's `field` is a list of items each answered on its own (the batch): a
    value no field can take inside one item is that item's problem, left to the view, not the request's."""
    def mark(view):
        view.items_apart = field
        return view
    return mark


class JsonParser(FlaskParser):
    """webargs' parser, with JSON nested deeper than the parser can go answered as a 400 problem and
    values no field can take (lone surrogates, NaN, huge numbers) as a 422 problem naming them."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return missing
        raw = req.get_data(cache=True)
        try:
            # Long integers read as floats (infinite when huge), so that the walk below refuses them by
            # where they are instead of the reader failing without a field.
            data = json.loads(raw.decode("utf-8"), parse_int=lambda s: int(s) if len(s) <= _INT_DIGITS else float(s))
        except UnicodeDecodeError as exc:      # webargs answers its JSONDecodeError as the invalid-JSON 400
            raise json.JSONDecodeError(f"not UTF-8: {exc.reason}", raw.decode("utf-8", "replace"), exc.start) from exc
        except RecursionError:
            raise BadRequest("The JSON body is nested too deeply to parse; profiles are at most three levels deep.") from None
        if _SUSPECT.search(raw):
            apart = getattr(current_app.view_functions.get(request.endpoint), "items_apart", None)
            errors = [e for e in unreadable(data, "") if apart is None or not e.field.startswith(f"{apart}[")]
            if errors:
                raise InvalidInput(f"{len(errors)} value(s) cannot be read: fix them and send again; see errors.", errors)
        return data


def unreadable(value, path: str = ""):
    """Every lone surrogate, non-finite or huge number in a parsed body, by its field path."""
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else key
            if _SURROGATE.search(key):
                yield FieldError(child.encode("utf-8", "backslashreplace").decode(), "the field name holds a lone "
                                 "UTF-16 surrogate", accepted="field names in valid Unicode")
            yield from unreadable(item, child)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from unreadable(item, f"{path}[{i}]")
    elif isinstance(value, str) and _SURROGATE.search(value):
        yield FieldError(path or "(body)", "holds a lone UTF-16 surrogate (an escape such as \\ud800 without its "
                         "pair), which is no character", value.encode("utf-8", "backslashreplace").decode(),
                         "text in valid Unicode: send the character itself in UTF-8, or both halves of its escape")
    elif isinstance(value, float) and not math.isfinite(value):
        yield FieldError(path or "(body)", "is not a finite number (NaN, Infinity or too many digits)",
                         accepted="a finite number such as 0.24 or 24")


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
