"""The main journeys in a real Chromium: review and approve, read the tax report, manage
the swap list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from advisors.models import AuditEvent

pytestmark = pytest.mark.browser


def test_advisor_reviews_evidence_and_approves_in_place(world, page, sign_in, live_server):
    sign_in("alice")
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.locator("#households")).to_contain_text("Avery household")

    page.click("text=1 pending")
    expect(page).to_have_url(re.compile(r"/proposals/\?status=pending"))
    page.click(f"a[href='/proposals/{world.proposal.pk}/']")
    expect(page.locator("h1")).to_contain_text(f"Harvest proposal #{world.proposal.pk}")

    evidence = page.locator(f"[data-leg-evidence='{world.leg.pk}'] li")
    expect(evidence.first).to_be_visible()
    expect(evidence.first).to_contain_text("wash-sale look-back")
    expect(page.locator("#proposal-body")).to_contain_text("Skipped positions")

    page.evaluate("window.__sameDocument = true")
    page.fill("#approve-comment", "Checked the evidence")
    page.click("#approve-form button[type=submit]")
    expect(page.locator("#proposal-body .msg.success")).to_have_text("Proposal approved.")
    expect(page.locator("#proposal-status")).to_have_text("approved")
    trail = page.locator("#audit-trail")
    expect(trail).to_contain_text("proposal.approved")
    expect(trail).to_contain_text("Checked the evidence")
    assert page.evaluate("window.__sameDocument") is True  # swapped in place, no reload
    assert AuditEvent.objects.filter(verb="proposal.approved", actor=world.alice).count() == 1
    assert page.external_requests == []


def test_client_reads_the_tax_report_with_charts_and_no_controls(world, page, sign_in):
    sign_in("charlie")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator("h1")).to_contain_text("tax year so far")
    for chart in ("#chart-months", "#chart-usage"):
        expect(page.locator(chart)).to_have_attribute("data-rendered", "true")
        expect(page.locator(f"{chart} .main-svg").first).to_be_visible()
    expect(page.locator("#main")).to_contain_text("What this means")
    assert page.locator("#main form").count() == 0
    assert page.locator("#main button").count() == 0
    assert page.locator("#main [hx-post]").count() == 0
    assert page.external_requests == []


def test_admin_adds_a_swap_pair_and_is_refused_one_inside_a_group(world, page, sign_in):
    sign_in("admin")
    page.click("nav >> text=Swap list")
    expect(page.locator("h1")).to_have_text("Swap list")

    page.fill("#id_from_symbol", "EFA")
    page.fill("#id_to_symbol", "VEA")
    page.fill("#id_rank", "2")
    page.click("#add-pair-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Swap pair EFA → VEA added.")
    expect(page.locator("tr[data-pair='EFA-VEA']")).to_be_visible()
    expect(page.locator("#swaplist-audit")).to_contain_text("swap_pair.added")

    page.fill("#id_from_symbol", "VOO")
    page.fill("#id_to_symbol", "IVV")
    page.click("#add-pair-form button[type=submit]")
    expect(page.locator(".form-errors")).to_contain_text("substantially identical")
    page.click("text=Cancel")
    expect(page.locator("tr[data-pair='VOO-IVV']")).to_have_count(0)
    assert page.external_requests == []


def test_an_expired_session_sends_an_in_place_action_to_the_login_page(
    world, page, sign_in, live_server
):
    """Approving after the session expired: the whole page goes to the login form (not the
    form inside the panel), and signing in again comes back to the proposal, undecided."""
    sign_in("alice")
    page.goto(f"{live_server.url}/proposals/{world.proposal.pk}/")
    expect(page.locator("#proposal-status")).to_have_text("pending")
    page.context.clear_cookies(name="sessionid")  # the session expires while the page is open

    page.click("#approve-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fproposals%2F\d+%2F$"))
    expect(page.locator("#proposal-body")).to_have_count(0)

    page.fill("#id_username", "alice")
    page.fill("#id_password", "correct-horse-battery-9")
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/proposals/{world.proposal.pk}/$"))
    expect(page.locator("#proposal-status")).to_have_text("pending")
    assert page.external_requests == []
