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


@dataclass(frozen=True)
class ProblemType:
    """One kind of problem: its URI slug (/problems/<slug>), HTTP status and title, said one way."""

    slug: str
    status: int
    title: str


# The one problem table: every error the service answers, from any path, takes its title from here.
PROBLEM_TYPES = {p.slug: p for p in (
    ProblemType("bad-request", 400, "Bad request"),
    ProblemType("unauthenticated", 401, "Unauthenticated"),
    ProblemType("forbidden", 403, "Forbidden"),
    ProblemType("not-found", 404, "Not found"),
    ProblemType("method-not-allowed", 405, "Method not allowed"),
    ProblemType("not-acceptable", 406, "Not acceptable"),
    ProblemType("payload-too-large", 413, "Payload too large"),
    ProblemType("uri-too-long", 414, "URI too long"),
    ProblemType("header-fields-too-large", 431, "Request header fields too large"),
    ProblemType("unsupported-media-type", 415, "Unsupported media type"),
    ProblemType("invalid-input", 422, "Invalid input"),
    ProblemType("unknown-term", 422, "Unknown vocabulary term"),
    ProblemType("precondition-failed", 412, "Precondition failed"),
    ProblemType("precondition-required", 428, "Precondition required"),
    ProblemType("too-many-requests", 429, "Too many requests"),
    ProblemType("internal-error", 500, "Internal error"),
    ProblemType("benchmark-data-invalid", 500, "Benchmark data invalid"),
    ProblemType("catalog-store-unavailable", 503, "Catalog store unavailable"),
    ProblemType("deadline-exceeded", 503, "Request took too long"),
    ProblemType("http-error", 0, "HTTP error"),
)}


def problem_for_status(status: int) -> ProblemType:
    """The general problem type of an HTTP status (werkzeug's errors), 'http-error' if none is listed."""
    return next((p for p in PROBLEM_TYPES.values() if p.status == status), PROBLEM_TYPES["http-error"])


class ServiceError(Exception):
    """Base class: `problem` names the problem type (slug, status and title come from the table)."""

    problem = PROBLEM_TYPES["internal-error"]
    headers: dict[str, str] = {}

    def __init__(self, detail: str, errors: tuple[FieldError, ...] | list[FieldError] = ()):
        super().__init__(detail)
        self.detail = detail
        self.errors = tuple(errors)

    @property
    def status(self) -> int:
        return self.problem.status

    @property
    def slug(self) -> str:
        return self.problem.slug

    @property
    def title(self) -> str:
        return self.problem.title


class InvalidInput(ServiceError):
    """The request is well-formed JSON but its content cannot be scored as sent."""

    problem = PROBLEM_TYPES["invalid-input"]


class UnknownTerms(InvalidInput):
    """One or more terms of a profile match nothing in the vocabulary."""

    problem = PROBLEM_TYPES["unknown-term"]


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
    problem = PROBLEM_TYPES["unauthenticated"]
    headers = {"WWW-Authenticate": 'ApiKey header="X-API-Key"'}


class Forbidden(ServiceError):
    problem = PROBLEM_TYPES["forbidden"]


class NotFound(ServiceError):
    problem = PROBLEM_TYPES["not-found"]


class BadRequest(ServiceError):
    problem = PROBLEM_TYPES["bad-request"]


class TooManyRequests(ServiceError):
    problem = PROBLEM_TYPES["too-many-requests"]

    def __init__(self, detail: str, retry_after: int):
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}


class PayloadTooLarge(ServiceError):
    problem = PROBLEM_TYPES["payload-too-large"]


class UriTooLong(ServiceError):
    problem = PROBLEM_TYPES["uri-too-long"]


class HeaderFieldsTooLarge(ServiceError):
    problem = PROBLEM_TYPES["header-fields-too-large"]


class UnsupportedMediaType(ServiceError):
    problem = PROBLEM_TYPES["unsupported-media-type"]


class PreconditionFailed(ServiceError):
    problem = PROBLEM_TYPES["precondition-failed"]


class PreconditionRequired(ServiceError):
    problem = PROBLEM_TYPES["precondition-required"]


class BenchmarkDataError(ServiceError):
    """The benchmark data files are inconsistent; raised at start-up, never per request."""

    problem = PROBLEM_TYPES["benchmark-data-invalid"]


class CatalogUnavailable(ServiceError):
    """Registered catalogs cannot be read or written right now (their store is away)."""

    problem = PROBLEM_TYPES["catalog-store-unavailable"]


class DeadlineExceeded(ServiceError):
    """A request ran past its deadline; answered before the server would kill the worker."""

    problem = PROBLEM_TYPES["deadline-exceeded"]
