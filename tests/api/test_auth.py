"""Authentication: sessions for the browser, tokens for scripts (issued and revoked by
admins, audited), the token throttle, CSRF on session writes, and the error format."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from advisors.models import AuditEvent
from tests.support import holbrook
from tests.support.commands import run_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(tmp_path):
    holbrook.load(tmp_path)
    User = get_user_model()
    root = User.objects.create_user("root", password="x", is_staff=True)
    return {"root": root, "quinn": User.objects.get(username="quinn")}


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def issue(admin, username: str):
    return signed_in(admin).post(f"/api/v1/tokens/{username}/")


def token_client(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def test_an_admin_issues_a_token_that_signs_in_as_its_user(firm):
    response = issue(firm["root"], "quinn")
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "quinn" and len(body["token"]) == 40
    households = token_client(body["token"]).get("/api/v1/households/").json()["results"]
    assert [h["key"] for h in households] == ["holbrook"]
    event = AuditEvent.objects.get(verb="api_token.issued")
    assert (event.actor, event.object_id) == (firm["root"], "quinn")
    assert body["token"] not in event.message


def test_issuing_again_replaces_the_old_token(firm):
    old = issue(firm["root"], "quinn").json()["token"]
    new = issue(firm["root"], "quinn").json()["token"]
    assert old != new
    assert token_client(old).get("/api/v1/households/").status_code == 401
    assert token_client(new).get("/api/v1/households/").status_code == 200


def test_a_revoked_token_stops_working_and_the_revocation_is_audited(firm):
    key = issue(firm["root"], "quinn").json()["token"]
    response = signed_in(firm["root"]).delete("/api/v1/tokens/quinn/")
    assert response.status_code == 204
    assert token_client(key).get("/api/v1/households/").status_code == 401
    event = AuditEvent.objects.get(verb="api_token.revoked")
    assert (event.actor, event.object_id) == (firm["root"], "quinn")
    # Revoking again changes nothing and records nothing.
    assert signed_in(firm["root"]).delete("/api/v1/tokens/quinn/").status_code == 204
    assert AuditEvent.objects.filter(verb="api_token.revoked").count() == 1


def test_a_token_for_an_unknown_user_is_a_404(firm):
    assert issue(firm["root"], "nobody").status_code == 404


def test_an_anonymous_request_is_a_401_asking_for_a_token(firm):
    response = Client().get("/api/v1/households/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"code": "not_authenticated",
                               "message": "Authentication credentials were not provided."}


def test_writes_through_a_token_are_audited_with_its_user(firm):
    run_json("harvest_scan", "--as-of", holbrook.AS_OF.isoformat())
    from harvesting.models import Proposal

    proposal = Proposal.objects.get()
    key = issue(firm["root"], "quinn").json()["token"]
    response = token_client(key).post(f"/api/v1/proposals/{proposal.id}/approve/",
                                      data="{}", content_type="application/json")
    assert response.status_code == 200, response.content
    assert AuditEvent.objects.get(verb="proposal.approved").actor == firm["quinn"]


def test_token_clients_are_throttled_and_sessions_are_not(firm, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"token": "3/minute"}}
    key = issue(firm["root"], "quinn").json()["token"]
    client = token_client(key)
    assert [client.get("/api/v1/households/").status_code for _ in range(3)] == [200] * 3
    throttled = client.get("/api/v1/households/")
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0
    session = signed_in(firm["quinn"])
    assert {session.get("/api/v1/households/").status_code for _ in range(6)} == {200}


def test_session_writes_need_the_csrf_token_and_token_writes_do_not(firm):
    client = Client(enforce_csrf_checks=True)
    client.force_login(firm["quinn"])
    body = json.dumps({"taxable_income": "250000"})
    response = client.post("/api/v1/tax-calc/ordinary/", data=body,
                           content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]
    key = issue(firm["root"], "quinn").json()["token"]
    response = token_client(key).post("/api/v1/tax-calc/ordinary/", data=body,
                                      content_type="application/json")
    assert response.json() == {"tax": "45196.00"}


def test_a_method_not_allowed_is_a_json_405(firm):
    response = signed_in(firm["quinn"]).delete("/api/v1/households/holbrook/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_an_unexpected_error_under_the_api_answers_json(rf):
    from config.api import server_error

    response = server_error(rf.get("/api/v1/households/"))
    assert response.status_code == 500
    assert json.loads(response.content) == {
        "message": "Internal error; it has been logged.", "code": "server_error"
    }
    page = server_error(rf.get("/households/"))
    assert page.status_code == 500 and b"{" not in page.content[:1]
