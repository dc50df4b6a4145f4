"""The one JSON log line format, shared by the app's loggers and gunicorn's own (gunicorn.conf.py).

No Flask here: gunicorn's master imports this before any worker exists. Every line carries `time`
as ISO 8601 in UTC with its offset ("2026-01-02T03:04:05.678901+00:00"), so lines from instances in
different time zones sort and compare as they are. Encoded by orjson (the library's own orjson
formatter): half the cost of its standard one, paid on every request."""

import logging

from pythonjsonlogger.orjson import OrjsonFormatter as JsonFormatter

FORMAT = {"fmt": "%(levelname)s %(name)s %(message)s", "rename_fields": {"levelname": "level"}, "timestamp": "time"}


def json_formatter() -> logging.Formatter:
    return JsonFormatter(**FORMAT)


def gunicorn_logconfig(level: str, access_log: str | None) -> dict:
    """gunicorn's `logconfig_dict`: its error log, access log and any library's records as JSON.

    A logconfig_dict turns gunicorn's access log on; the app already writes one line per request,
    so the access logger stays silent unless asked for (GUNICORN_ACCESSLOG: "-" for stderr, or a file)."""
    handlers = {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}}
    if access_log and access_log != "-":
        handlers["access_file"] = {"class": "logging.FileHandler", "formatter": "json", "filename": access_log}
    access_handlers = [] if not access_log else ["stderr"] if access_log == "-" else ["access_file"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter, **FORMAT}},
        "handlers": handlers,
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": level.upper(), "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "INFO" if access_log else "CRITICAL", "handlers": access_handlers,
                                "propagate": False},
        },
    }
