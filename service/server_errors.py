"""The answers gunicorn writes itself, as problem+json like every answer of the app.

gunicorn answers some requests before the app sees them (a request line or header past its limits,
a malformed request) and writes a 500 when a worker is aborted mid-request (its timeout); its own
body is an HTML page. gunicorn.conf.py replaces the one function that writes it, so these answers
take their type and title from the one problem table too. No Flask here: the master imports this."""

import json

from gunicorn import util

from service.errors import problem_for_status

# What to do about each status gunicorn writes itself; the app's own checks (smaller limits) name the field.
_SUGGESTIONS = {
    400: "Send a well-formed HTTP/1.1 request.",
    414: "Shorten the URL: send long values in a JSON body instead of the query string.",
    431: "Send fewer or shorter headers.",
    500: "The worker stopped before it answered (it ran past the worker timeout, or failed): retry, "
         "with a smaller body if it was large.",
}


def write_problem(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn.util.write_error's replacement: same status line, a problem+json body."""
    problem = problem_for_status(status_int)
    detail = " ".join(part for part in (mesg, _SUGGESTIONS.get(status_int, "")) if part) or reason
    body = json.dumps({"type": f"/problems/{problem.slug}", "title": problem.title, "status": status_int,
                       "detail": detail}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n").encode("latin1")
    util.write_nonblock(sock, head + body)


def install() -> None:
    """Every worker class calls util.write_error through the module, so one assignment reaches them all."""
    util.write_error = write_problem
