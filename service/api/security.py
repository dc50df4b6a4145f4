"""API keys, roles and security headers.

Keys are stored only as SHA-256 digests and compared in constant time; a key is never logged, only
its name. With no key configured the service is open, for local use."""

import hashlib
import hmac
import re
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, g, request
from limits import parse

from service.api.quota import Quota, window_reset

from service.errors import Forbidden, TooManyRequests, Unauthenticated

HEADER = "X-API-Key"
# What each role may do; every role includes the ones before it.
ROLES = ("read", "score", "admin")
# flask-smorest's own documentation pages: views of the library's, which cannot carry @requires.
LIBRARY_OPEN = {"api-docs.openapi_json", "api-docs.openapi_swagger_ui", "api-docs.openapi_redoc"}
DOCS_PAGES = ("/docs", "/redoc")
CONTENT_SECURITY = {
    # Swagger UI's "Try it out" fetches this same origin (connect-src); ReDoc inlines its icon font
    # (font-src data:) and runs its search in a worker made from a blob: URL.
    "docs": "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
            "frame-ancestors 'none'",
    "api": "default-src 'none'; frame-ancestors 'none'",
}


# The tenant of keys that name none ("name:role:sha256", the format before tenants) and of an open
# service: they share one tenant, so a deployment that configures no tenant works as it did.
DEFAULT_TENANT = ""
_TENANT = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


@dataclass(frozen=True)
class ApiKey:
    name: str
    role: str
    digest: bytes
    tenant: str = DEFAULT_TENANT


def load_keys(inline: str, path: str) -> tuple[ApiKey, ...]:
    """Keys from 'name:role:sha256hex[:tenant]' entries; a malformed entry stops start-up."""
    entries = [e.strip() for e in inline.split(",") if e.strip()]
    if path:
        entries += [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines()
                    if line.strip() and not line.startswith("#")]
    keys = []
    for entry in entries:
        parts = entry.split(":")
        if (len(parts) not in (3, 4) or parts[1] not in ROLES or len(parts[2]) != 64
                or (len(parts) == 4 and not _TENANT.fullmatch(parts[3]))):
            raise ValueError(f"API key entry for {parts[0]!r} must be name:role:sha256hex[:tenant] with role in "
                             f"{ROLES} and a tenant of 1-64 lowercase letters, digits, '-' or '_'")
        keys.append(ApiKey(parts[0], parts[1], bytes.fromhex(parts[2]), *parts[3:]))
    return tuple(keys)


def digest(key: str) -> str:
    """What to store for a key: `python -c "from service.api.security import digest; print(digest('...'))"`."""
    return hashlib.sha256(key.encode()).hexdigest()


def requires(role: str | None):
    """Says on the view which role calling it takes (None: open to anyone); a view without it is
    treated as admin-only, so a forgotten mark fails closed."""
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    def mark(view):
        view.required_role = role
        return view
    return mark


def required_role(endpoint: str | None, method: str) -> str | None:
    """The role a request needs; None for what anyone may call, and for CORS preflights (browsers
    send no key with them)."""
    if endpoint is None or endpoint in LIBRARY_OPEN or method == "OPTIONS":
        return None
    return getattr(current_app.view_functions.get(endpoint), "required_role", ROLES[-1])


class WrongKeys:
    """Wrong keys counted per client address in the quota's counters (shared through Redis): past
    the limit, that address gets 429 for any key until the window ends."""

    def __init__(self, quota: Quota, limit: str):
        self._quota, self._limit = quota, parse(limit)

    def refuse_if_spent(self) -> None:
        if self._quota.admit(self._name(), self._limit, [], step=0).count >= self._limit.amount:
            wait = window_reset(self._limit)
            raise TooManyRequests(f"Too many wrong API keys from this address; try again in {wait} s with a "
                                  "valid key.", wait)

    def count(self) -> None:
        self._quota.admit(self._name(), self._limit, [])

    @staticmethod
    def _name() -> str:
        return f"wrong-keys:{request.remote_addr or 'unknown'}"


def authenticate(keys: tuple[ApiKey, ...], wrong: WrongKeys) -> None:
    """Before each request: 401 without a valid key, 403 when the key's role is not enough, 429
    once the address has sent too many wrong keys."""
    g.client = request.remote_addr or "unknown"
    if not keys or request.routing_exception is not None:
        return
    needed = required_role(request.endpoint, request.method)
    if needed is None:
        return
    presented = request.headers.get(HEADER, "")
    if not presented:
        raise Unauthenticated(f"Send your API key in the {HEADER} header.")
    wrong.refuse_if_spent()
    presented_digest = hashlib.sha256(presented.encode()).digest()
    match = None
    for key in keys:
        if hmac.compare_digest(presented_digest, key.digest):
            match = key
    if match is None:
        wrong.count()
        raise Unauthenticated(f"The {HEADER} header does not hold a valid key.")
    g.client = f"key:{match.name}"
    g.tenant = match.tenant
    if ROLES.index(match.role) < ROLES.index(needed):
        raise Forbidden(f"Key {match.name!r} has role {match.role!r}; this needs {needed!r}.")


def tenant() -> str:
    """Whose catalogs this request may see and change: its key's tenant (the default one without keys)."""
    return g.get("tenant", DEFAULT_TENANT)


def security_headers(response):
    """After each request: no sniffing or framing; score answers are never stored by shared caches."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    docs = request.path.startswith(DOCS_PAGES)
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY["docs" if docs else "api"])
    if request.method == "POST" or response.status_code >= 400:
        response.headers.setdefault("Cache-Control", "no-store")
    return response
