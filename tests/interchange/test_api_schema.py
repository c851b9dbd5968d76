"""Property-based run of the API's OpenAPI schema (schemathesis, in-process WSGI).

Every operation gets generated inputs (odd keys, huge ids, negative offsets...);
the API must answer each with a documented status and a body matching its schema,
and must never return a server error. Data exists for two organisations and the
caller is charlie (org B), so the run also checks that nothing crashes on ids
that belong to someone else.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth

from interchange.api import api
from interchange.tokens import token_create
from tests.conftest import answer

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.config.base_url = None
APP = get_wsgi_application()


@pytest.fixture
def token(db, cast, assessment, assessment_b, alice, peer_groups):
    answer(assessment, alice, "GOV-01", "3")
    # Calling the WSGI app directly sends `request_started` and `request_finished`, whose
    # `close_old_connections` would drop the connection inside the test's transaction
    # (Django's test client disconnects it the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield token_create(user=cast["charlie"], name="schemathesis", days=30)[1]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
def test_the_api_honours_its_schema(case, token):
    response = case.call(app=APP, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, response.text
    # Auth is tested in test_api.py; with two accepted schemes (token or session),
    # the "ignored auth" check reports the still-valid token as invalid auth ignored.
    case.validate_response(response, excluded_checks=[ignored_auth])
