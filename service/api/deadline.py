"""A deadline for each request, so that no input can hold a worker until gunicorn kills it.

Every reader is linear and every field length-capped, so this is the net under them: a timer
(SIGALRM) started before the request interrupts the Python code still running at the deadline with
DeadlineExceeded, which is answered as a problem+json 503 like any service error. Signals reach the
main thread only, which is where gunicorn's sync workers (the configured kind) run a request; under
threaded workers the deadline is off and the worker timeout remains the limit."""

import signal
import threading

from flask import Flask

from service.errors import DeadlineExceeded

_armed = {"seconds": 0.0}     # the deadline of the request running now (one per process: the main thread)


def install(app: Flask, seconds: float) -> bool:
    """Arms a deadline around every request of `app`; False (and nothing installed) when it cannot be."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        return False

    def start():
        if threading.current_thread() is threading.main_thread():
            _armed["seconds"] = seconds
            signal.setitimer(signal.ITIMER_REAL, seconds)

    signal.signal(signal.SIGALRM, _expire)
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    app.after_request(_disarm)          # registered before the other hooks, so it runs after them
    app.teardown_request(_disarm)
    return True


def _expire(signum, frame):
    raise DeadlineExceeded(f"The request needed more than {_armed['seconds']:g} s; send a smaller body "
                           "(fewer items, shorter texts) or retry.")


def _disarm(response_or_error=None):
    if threading.current_thread() is threading.main_thread():
        signal.setitimer(signal.ITIMER_REAL, 0)
    return response_or_error
