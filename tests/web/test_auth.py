"""Sign-in, sign-out, password change, role landing pages and the login limiter."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from advisors import access
from advisors.forms import LIMIT
from tests.support.factories import PASSWORD


def login(client: Client, username: str, password: str = PASSWORD, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_login_page_renders_without_navigation(db):
    body = Client().get(reverse("login")).content.decode()
    assert 'name="username"' in body and 'name="password"' in body
    assert "Dashboard" not in body


def test_advisor_signs_in_and_lands_on_the_dashboard(world):
    client = Client()
    response = login(client, "alice")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert b"Dashboard" in page.content and b"Avery household" in page.content


def test_client_lands_on_the_portal(world):
    client = Client()
    login(client, "charlie")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("portal")


def test_anonymous_is_sent_to_login_with_next(db):
    response = Client().get(reverse("proposal_list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('proposal_list')}"


def test_an_htmx_action_after_the_session_expired_redirects_the_whole_page(world):
    """The login form must not be swapped into the proposal panel: htmx gets HX-Redirect
    to the login page, with `next` back to the page the advisor was on."""
    page = f"/proposals/{world.proposal.pk}/"
    response = Client().post(
        reverse("proposal_approve", args=[world.proposal.pk]),
        HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{page}?tab=legs",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == (
        f"{reverse('login')}?next=%2Fproposals%2F{world.proposal.pk}%2F%3Ftab%3Dlegs"
    )


def test_the_htmx_redirect_never_points_off_site(world):
    response = Client().get(
        reverse("proposal_list"), HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="https://evil.example/phish",
    )
    assert response["HX-Redirect"] == f"{reverse('login')}?next=%2Fphish"


def test_a_signed_in_htmx_request_and_a_plain_redirect_are_left_alone(world):
    response = Client().get(reverse("proposal_list"))  # no htmx: the usual 302
    assert response.status_code == 302 and "HX-Redirect" not in response
    client = Client()
    login(client, "alice")
    response = client.get(reverse("proposal_list"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "HX-Redirect" not in response


def test_wrong_password_is_refused_with_a_message(world):
    response = login(Client(), "alice", "wrong")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_login_is_rate_limited_per_username_and_address(world):
    client = Client()
    for _ in range(LIMIT):
        assert login(client, "alice", "wrong").status_code == 200
    # The sixth attempt is refused even with the right password…
    response = login(client, "alice")
    assert response.status_code == 200
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session
    # …while another address, or another username, is not affected.
    assert login(Client(), "alice", address="10.0.0.2").status_code == 302
    assert login(Client(), "bob").status_code == 302


def test_a_successful_login_resets_the_count(world):
    client = Client()
    for _ in range(LIMIT - 1):
        login(client, "alice", "wrong")
    assert login(client, "alice").status_code == 302
    for _ in range(LIMIT - 1):
        login(Client(), "alice", "wrong")
    assert login(Client(), "alice").status_code == 302


def test_logout_needs_post_and_ends_the_session(world, as_user):
    client = as_user("alice")
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_password_change(world):
    client = Client()
    login(client, "bob")
    new = "another-long-passphrase-7"
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": new, "new_password2": new,
    })
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert login(Client(), "bob", new).status_code == 302


def test_roles(world):
    assert access.role_of(world.alice) == access.ADVISOR
    assert access.role_of(world.charlie) == access.CLIENT
    assert access.role_of(world.admin) == access.ADMIN
    assert access.role_of(None) == access.NONE


def test_user_without_a_role_sees_a_welcome_page(world):
    from tests.support.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="nobody"))
    response = client.get(reverse("home"))
    assert response.status_code == 200 and b"not linked to a household" in response.content


def test_sign_ins_and_failed_attempts_are_audited(world):
    from advisors.models import AuditEvent

    login(Client(), "alice", "wrong", address="10.0.0.9")
    login(Client(), "alice")
    failed = AuditEvent.objects.get(verb="auth.sign_in_failed")
    assert (failed.object_id, failed.actor, failed.data) == ("alice", None, {"ip": "10.0.0.9"})
    signed_in = AuditEvent.objects.get(verb="auth.signed_in")
    assert signed_in.actor.username == "alice"
