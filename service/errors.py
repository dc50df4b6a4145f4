"""The one error hierarchy of the service; the API maps it to problem+json in one place."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One thing wrong with one input field, phrased so the caller can fix it."""

    field: str
    message: str
    value: object = None
    accepted: str | None = None
    suggestions: tuple[str, ...] = ()


class ServiceError(Exception):
    """Base class: `slug` names the problem type, `status` the HTTP status it maps to."""

    status = 500
    slug = "internal-error"
    title = "Internal error"
    headers: dict[str, str] = {}

    def __init__(self, detail: str, errors: tuple[FieldError, ...] | list[FieldError] = ()):
        super().__init__(detail)
        self.detail = detail
        self.errors = tuple(errors)


class InvalidInput(ServiceError):
    """The request is well-formed JSON but its content cannot be scored as sent."""

    status = 422
    slug = "invalid-input"
    title = "Invalid input"


class UnknownTerms(InvalidInput):
    """One or more terms of a profile match nothing in the vocabulary."""

    slug = "unknown-term"
    title = "Unknown vocabulary term"


class UnknownTerm(UnknownTerms):
    """A single term matches nothing in the vocabulary; carries the closest accepted terms."""

    def __init__(self, kind: str, term: str, suggestions: tuple[str, ...], hint: str = ""):
        self.kind = kind
        self.term = term
        self.suggestions = suggestions
        self.hint = hint
        message = f"unknown {kind.replace('_', ' ')} {term!r}"
        if suggestions:
            message += f"; did you mean {', '.join(repr(s) for s in suggestions)}?"
        if hint:
            message += f" {hint}"
        super().__init__(message)


class Unauthenticated(ServiceError):
    status = 401
    slug = "unauthenticated"
    title = "Unauthenticated"
    headers = {"WWW-Authenticate": 'ApiKey header="X-API-Key"'}


class Forbidden(ServiceError):
    status = 403
    slug = "forbidden"
    title = "Forbidden"


class NotFound(ServiceError):
    status = 404
    slug = "not-found"
    title = "Not found"


class BadRequest(ServiceError):
    status = 400
    slug = "bad-request"
    title = "Bad request"


class PayloadTooLarge(ServiceError):
    status = 413
    slug = "payload-too-large"
    title = "Payload too large"


class UnsupportedMediaType(ServiceError):
    status = 415
    slug = "unsupported-media-type"
    title = "Unsupported media type"


class BenchmarkDataError(ServiceError):
    """The benchmark data files are inconsistent; raised at start-up, never per request."""

    slug = "benchmark-data-invalid"
    title = "Benchmark data invalid"

