"""schemathesis over the whole OpenAPI document, anonymously and with a staff token: no request a client can
make, well-formed or not, is answered with a server error or with a response the document does not describe."""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.domain import Role
from tests.factories import bearer

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, status_code_conformance]
EXAMPLES_PER_OPERATION = 12


def fuzz(app: Flask, headers: dict[str, str]) -> list[str]:
    """Every operation, with valid and with invalid data; the failures, one line each."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck)
            )
            def run(case: schemathesis.Case) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except (KeyboardInterrupt, SystemExit):
                raise
            except Unsatisfiable:
                continue  # an operation without parameters or body has no invalid input to send
            except BaseException as failure:
                failures.append(
                    f"{operation.method.upper()} {operation.path} ({mode.value}): {str(failure)[:400]}"
                )
    return failures


pytestmark = pytest.mark.slow


def test_anonymous_requests(app: Flask) -> None:
    failures = fuzz(app, {})
    assert failures == [], "\n".join(failures)


def test_requests_with_a_staff_token(app: Flask) -> None:
    with app.app_context():
        headers = bearer("fuzz-admin", Role.ADMIN)  # an admin passes every role check: every route answers
    failures = fuzz(app, headers)
    assert failures == [], "\n".join(failures)
