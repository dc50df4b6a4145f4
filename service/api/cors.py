"""Cross-origin access for browser tools (a planning page on another origin), off unless configured.

flask-cors answers preflights and adds the Access-Control-* headers for the configured origins only;
other origins get none, so their browsers refuse the answer. Keys travel in a header, never in
cookies, so credentials mode stays off."""

from flask import Flask
from flask_cors import CORS

# Response headers a script on another origin may read: the rate-limit state, the id that finds a
# request in the logs, and the validator for conditional GETs.
EXPOSED_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After", "X-Request-ID",
                   "ETag")
# How long a browser may reuse a preflight answer (seconds): one per page session rather than one
# per call; origins rarely change and a restart of the service re-reads them anyway.
PREFLIGHT_MAX_AGE = 600


def origins(configured: str) -> list[str]:
    """DIFFSCORE_CORS_ORIGINS: comma-separated origins such as https://planner.example.com."""
    return [origin.strip().rstrip("/") for origin in configured.split(",") if origin.strip()]


def configure(app: Flask, configured: str) -> None:
    allowed = origins(configured)
    if allowed:
        CORS(app, origins=allowed, expose_headers=list(EXPOSED_HEADERS), max_age=PREFLIGHT_MAX_AGE,
             supports_credentials=False)
