"""Conditional GET for the listings that change only when data does (taxonomy, benchmarks, catalogs).

werkzeug does the HTTP: `add_etag` hashes the body into a strong ETag (the bytes are exactly what is
sent), and `make_conditional` answers an If-None-Match that matches (weak comparison, `*` included)
with a 304 that keeps ETag and Cache-Control and drops the body, as RFC 9110 asks. flask-smorest's own
ETag feature is not used: it raises its 304 as an error, so the answer lost its ETag and went through
the problem+json handler, and it compares If-None-Match strongly.

`private, no-cache`: a browser or client may keep the answer but revalidates it on every use (a
catalog can be replaced at any moment), and shared caches never keep what may need an API key."""

from functools import wraps

from flask import request

NOT_MODIFIED_DOC = {
    "description": "The representation has not changed since the ETag sent in If-None-Match; no body.",
}
IF_NONE_MATCH = {
    "name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
    "description": "The ETag of a copy the client holds: a 304 without a body when it is still current.",
}
RESPONSE_HEADERS = {
    "ETag": {"description": "Strong validator of this representation; send it back in If-None-Match.",
             "schema": {"type": "string"}},
    "Cache-Control": {"description": "private, no-cache: keep it, but revalidate on every use.",
                      "schema": {"type": "string"}},
}


def conditional(blp):
    """Decorates a view under `blp.response(200, ...)`: ETag, Cache-Control and 304, documented."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            response = view(*args, **kwargs)
            response.add_etag()
            response.cache_control.private = True
            response.cache_control.no_cache = True
            return response.make_conditional(request)

        documented = blp.doc(parameters=[IF_NONE_MATCH],
                             responses={200: {"headers": RESPONSE_HEADERS}})(wrapper)
        return blp.alt_response(304, description=NOT_MODIFIED_DOC["description"])(documented)

    return decorate
