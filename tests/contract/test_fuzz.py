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
schema = schemathesis.openapi.from_wsgi("/openapi.json", create_app(Settings(worker_budget="1000000 per minute")), config=SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": REJECTIONS}}}))

# One check assumes the schema is the whole validation, which it deliberately is not here: a
# schema-valid string is still rejected (422 unknown-term) when it is no vocabulary term (strict
# handling, or a domain with nothing to infer one from). A batch item is any object in the contract
# (each is validated as a profile on its own), so the batch takes every check the others take.
EXCLUDED: dict[str, list] = {}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_honours_the_contract(case):
    case.call_and_validate(excluded_checks=EXCLUDED.get(case.path, [positive_data_acceptance]))
