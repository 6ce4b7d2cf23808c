"""The OpenAPI contract: the live schema, its offline docs, and schemathesis fuzzing.

Schemathesis reads the schema from `/api/v1/schema/` through the WSGI application and
sends a bounded, derandomized set of generated requests to every operation, signed in by
token as an advisor and as an administrator. No answer may be a server error, and every
answer must match the schema: a documented status, content type and body.
"""

from __future__ import annotations

import contextlib
import json

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api import world as W

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 10


def test_the_schema_is_openapi_3_and_lists_every_endpoint():
    response = Client().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {"/api/v1/households/", "/api/v1/lots/", "/api/v1/proposals/{id}/approve/",
            "/api/v1/tax-calc/{kind}/", "/api/v1/swap-list/"} <= paths
    schemes = schema["components"]["securitySchemes"]
    assert {"tokenAuth", "cookieAuth"} <= set(schemes)
    lot = schema["components"]["schemas"]["Lot"]["properties"]
    assert lot["cost_basis"]["type"] == "string"
    assert lot["cost_basis"]["pattern"] == r"^-?\d+\.\d{2}$"
    assert lot["acquired"]["format"] == "date"


def test_the_docs_are_served_offline():
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn." not in html and "unpkg" not in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


def with_known_ids(cases, world):
    """Half the cases address the world's objects, so commands run, not only 404s."""
    known = {
        "accounts": world.account, "lots": world.lot, "proposals": world.proposal,
        "realized-sales": world.realized, "runs": world.run, "swap-pairs": world.pair,
        "households": world.household, "tokens": "quinn", "tax-calc": "netting",
    }

    def address(pair):
        case, use_known = pair
        if use_known and case.path_parameters:
            resource = case.operation.path.split("/")[3]
            for name in case.path_parameters:
                case.path_parameters[name] = world.leg if name == "leg_pk" else known[resource]
        return case

    return st.tuples(cases, st.booleans()).map(address)


@contextlib.contextmanager
def in_test_transaction():
    """Serve WSGI requests inside the test's transaction, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("persona", ["advisor", "admin"])
def test_fuzzing_finds_no_server_error_and_no_answer_outside_the_schema(
    tmp_path, settings_override_throttle, persona
):
    world = W.build(tmp_path)
    user = get_user_model().objects.get(username=W.USERNAMES[persona])
    headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    failures: list[str] = []
    with in_test_transaction():
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 25
        for operation in operations:

            @settings(
                max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None,
                database=None, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=with_known_ids(operation.as_strategy(), world))
            def fuzz(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                fuzz()
            except Exception as exc:  # collect every operation's failure, then report
                failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def settings_override_throttle(settings):
    """Fuzzing sends hundreds of token requests a minute: lift the token rate for it."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100000/minute"},
    }
