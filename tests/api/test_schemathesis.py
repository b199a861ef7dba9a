"""Fuzzing the API against its own schema (schemathesis), as PMO and as a participant.

Bounded: a fixed number of examples per operation, on the demo programme. Every answer must
be a non-5xx whose status, content type, headers and body the schema documents. Whether a
request *should* succeed is for the app tests; here the contract is checked.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 12
FUZZ_USERS = {"pmo": "pmo@example.com", "participant": "participant@example.com"}


@pytest.fixture(params=sorted(FUZZ_USERS))
def fuzz_token(request, demo_programme):
    user = demo_programme[FUZZ_USERS[request.param]]
    return Token.objects.get_or_create(user=user)[0].key


@pytest.fixture
def api_schema(fuzz_token):
    # As Django's test client does: the WSGI handler would otherwise close the test's
    # database connection (and with it the test transaction) after every request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json",
            application,
            headers={"Authorization": f"Token {fuzz_token}"},
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(operation, mode, token, examples):
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)

    run()


@pytest.mark.slow
def test_api_keeps_its_schema(api_schema, fuzz_token):
    # One loop over the operations rather than schemathesis' pytest plugin, whose lazy
    # loader does not run under pytest 9; every failing operation is reported together.
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 5
    for operation in operations:
        for mode, examples in (
            (GenerationMode.POSITIVE, MAX_EXAMPLES),
            (GenerationMode.NEGATIVE, 6),
        ):
            try:
                _fuzz(operation, mode, fuzz_token, examples)
            except Exception as failure:  # noqa: BLE001  (collected, then reported together)
                failures.append(f"{operation.label} ({mode.value}): {failure}")
    assert not failures, "\n\n".join(failures)
