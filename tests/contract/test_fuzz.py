"""Schemathesis against the contract: generated valid and invalid requests for every operation;
no 5xx, every response conforms to its documented status, content type and schema."""

import os

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES
from schemathesis.specs.openapi.checks import positive_data_acceptance

from service import create_app
from service.settings import Settings

# Generated cases per operation: 200 in make test-all (CI), a short pass in make test (its Makefile
# sets FUZZ_EXAMPLES); a nightly-style run raises it the same way.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
# A request too large to be read is rejected too: a long query string (414) or body (413) is as
# invalid as a wrong type, and the service refuses it before validating it; so is a catalog
# overwrite whose If-Match names no current version (412), refused before its body is read.
REJECTIONS = [*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "412", "413", "414", "431"]
# A valid request may still meet the state of the service: a catalog that is not registered (404) or
# whose current version is not the one If-Match names (412).
ACCEPTANCES = ["2xx", "3xx", "401", "403", "404", "409", "412", "429"]
schema = schemathesis.openapi.from_wsgi("/openapi.json", create_app(Settings(worker_budget="1000000 per minute")), config=SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": REJECTIONS},
                "positive_data_acceptance": {"expected-statuses": ACCEPTANCES}}}))


def _by_design(error: dict) -> bool:
    """A refusal no JSON Schema can state: a value that names no vocabulary term where only a term
    will do (the vocabulary is data, read with its spellings, scripts and synonyms: a domain with
    nothing to infer one from, any term under ?strict=true), or two catalog products with one id (a
    rule across the items)."""
    return "taxonomy" in (error.get("accepted") or "") or error.get("message", "").startswith("duplicate id")


@schemathesis.check
def schema_valid_accepted_but_by_design(ctx, response, case):
    """positive_data_acceptance, but for the refusals by design above, each a 422 that says what to
    send instead; any other refusal of a schema-valid request fails this check."""
    if response.status_code == 422 and all(_by_design(e) for e in response.json().get("errors") or [{}]):
        return None
    return positive_data_acceptance(ctx, response, case)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_honours_the_contract(case):
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
