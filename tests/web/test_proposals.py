"""The proposal queue and page: review, decide in place, exclude legs, bulk approve,
order file and fills — every decision in the audit trail."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.urls import reverse

from advisors.models import AuditEvent
from harvesting.models import Proposal
from tests.support import bulk
from tests.support import factories as f
from tests.web.conftest import HTMX


def detail(world):
    return reverse("proposal_detail", kwargs={"pk": world.proposal.pk})


def action(name, world, **extra):
    return reverse(name, kwargs={"pk": world.proposal.pk, **extra})


# --- the queue --------------------------------------------------------------------------------


def test_queue_lists_visible_proposals_with_filters(world, as_user):
    client = as_user("alice")
    body = client.get(reverse("proposal_list")).content.decode()
    assert f'data-proposal="{world.proposal.pk}"' in body
    assert f'data-proposal="{world.approved.pk}"' in body
    assert f'data-proposal="{world.b_proposal.pk}"' not in body
    pending = client.get(reverse("proposal_list"), {"status": "pending"}).content.decode()
    assert f'data-proposal="{world.approved.pk}"' not in pending
    admin = as_user("admin").get(reverse("proposal_list"), {"household": "brooks"}).content
    assert f'data-proposal="{world.b_proposal.pk}"'.encode() in admin
    assert f'data-proposal="{world.proposal.pk}"'.encode() not in admin


def test_queue_checkboxes_only_for_proposals_the_user_may_approve(world, as_user):
    mine = as_user("alice").get(reverse("proposal_list")).content.decode()
    assert f'name="ids" value="{world.proposal.pk}"' in mine
    assert f'name="ids" value="{world.approved.pk}"' not in mine  # already decided
    admin = as_user("admin").get(reverse("proposal_list")).content.decode()
    assert 'name="ids"' not in admin  # admins read; the advisors decide
    client = as_user("charlie").get(reverse("proposal_list")).content.decode()
    assert 'name="ids"' not in client


def test_queue_query_count_is_flat(world, as_user, django_assert_max_num_queries):
    sell, buy = f.SecurityFactory(symbol="VOO"), f.SecurityFactory(symbol="VTI")
    bulk.proposals(world.a, 150, world.a_tax, sell, buy)
    client = as_user("alice")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("proposal_list"))
    assert response.content.count(b"data-proposal=") == 152


def test_bulk_approve_approves_only_own_pending_proposals(world, as_user):
    response = as_user("alice").post(
        reverse("proposal_bulk_approve"),
        {"ids": [world.proposal.pk], "next": reverse("proposal_list") + "?status=pending"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?status=pending")
    world.proposal.refresh_from_db()
    assert world.proposal.status == "approved" and world.proposal.decided_by == world.alice
    # Bob cannot reach Alice's proposal through the bulk form either.
    other = f.ProposalFactory(household=world.a, as_of=world.as_of - timedelta(days=9))
    as_user("bob").post(reverse("proposal_bulk_approve"), {"ids": [other.pk]})
    other.refresh_from_db()
    assert other.status == "pending"


def test_bulk_approve_reports_refusals(world, as_user):
    client = as_user("alice")
    empty = f.ProposalFactory(household=world.a, as_of=world.as_of - timedelta(days=8))
    response = client.post(reverse("proposal_bulk_approve"),
                           {"ids": [world.proposal.pk, empty.pk]}, follow=True)
    body = response.content.decode()
    assert "Approved 1 proposal(s)." in body
    assert f"#{empty.pk}" in body and "no leg to approve" in body


# --- the proposal page --------------------------------------------------------------------------


def test_proposal_page_shows_legs_evidence_skips_assumptions_and_audit(world, as_user):
    body = as_user("alice").get(detail(world)).content.decode()
    for text in [
        "Sell 1000", "VOO", "buy 1321.5", "VTI",  # the trade
        "$420,000.00", "$35,000.00",  # lot basis and loss
        (world.as_of - timedelta(days=600)).isoformat(),  # lot acquired
        "Why VTI:", "swap pair VOO→VTI rank 1",  # replacement reason
        "low risk",
        "Wash-sale evidence", "wash-sale look-back", "purchases of IVV/SPY/VFIAX/VOO",
        "Skipped positions", "wash_sale_lookback", "S-IRA bought EFA on 2026-10-03",
        "Estimated tax savings and assumptions", "Long-term gain rate", "23.8%",
        "$55,000.00", "$3,000",  # gains offset, deduction limit
        "Carryforward to next year",
        "Swap-back plan", "day 31",
        "Audit trail", "proposal.created",
        'id="approve-form"', 'id="reject-form"',
    ]:
        assert text in body, text


def test_proposal_page_query_count(world, as_user, django_assert_max_num_queries):
    for i in range(20):
        f.ProposalLegFactory(proposal=world.proposal, account=world.a_tax, position=10 + i)
    client = as_user("alice")
    with django_assert_max_num_queries(14):
        response = client.get(detail(world))
    assert response.content.count(b'class="leg') >= 22


def test_read_only_viewers_get_no_decision_controls(world, as_user):
    for persona in ("charlie", "admin"):
        body = as_user(persona).get(detail(world)).content.decode()
        assert "Read-only" in body
        assert 'id="approve-form"' not in body and "Exclude leg" not in body


def test_approve_in_place_with_htmx_and_audit(world, as_user):
    response = as_user("alice").post(action("proposal_approve", world),
                                      {"comment": "Looks right"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="proposal-body">')  # the partial, not the page
    assert "Proposal approved." in body and 'id="proposal-status">approved<' in body
    assert "proposal.approved" in body and "Looks right" in body
    assert "Download order file" in body
    world.proposal.refresh_from_db()
    assert world.proposal.status == "approved" and world.proposal.comment == "Looks right"
    assert AuditEvent.objects.filter(verb="proposal.approved", actor=world.alice,
                                     object_id=str(world.proposal.pk)).exists()


def test_already_decided_is_refused_with_a_clear_message(world, as_user):
    client = as_user("alice")
    client.post(action("proposal_approve", world), **HTMX)
    again = client.post(action("proposal_approve", world), **HTMX)
    assert again.status_code == 409
    assert b"Not approved: proposal" in again.content and b"already approved" in again.content
    rejected = client.post(action("proposal_reject", world), {"comment": "late"}, **HTMX)
    assert rejected.status_code == 200  # an approved proposal may still be rejected
    late = client.post(action("proposal_approve", world))  # without htmx: a message
    assert late.status_code == 302
    page = client.get(late["Location"]).content.decode()
    assert "already rejected" in page


def test_stale_proposal_is_refused_and_expires(world, as_user):
    voo = f.SecurityFactory(symbol="VOO")
    f.PriceFactory(security=voo, date=world.as_of + timedelta(days=1), close="420.00")
    response = as_user("alice").post(action("proposal_approve", world), **HTMX)
    assert response.status_code == 409 and b"is stale" in response.content
    world.proposal.refresh_from_db()
    assert world.proposal.status == "expired"


def test_reject_needs_a_comment(world, as_user):
    client = as_user("alice")
    response = client.post(action("proposal_reject", world), {"comment": "  "}, **HTMX)
    assert response.status_code == 422 and b"needs a comment" in response.content
    world.proposal.refresh_from_db()
    assert world.proposal.status == "pending"
    response = client.post(action("proposal_reject", world), {"comment": "Client objects"},
                           **HTMX)
    assert response.status_code == 200 and b"Proposal rejected." in response.content
    assert b"proposal.rejected" in response.content
    world.proposal.refresh_from_db()
    assert world.proposal.status == "rejected" and world.proposal.comment == "Client objects"


def test_exclude_and_include_a_leg(world, as_user):
    client = as_user("alice")
    url = action("proposal_leg_exclude", world, leg_pk=world.leg.pk)
    response = client.post(url, {"excluded": "on"}, **HTMX)
    assert response.status_code == 200 and b"VOO leg excluded." in response.content
    world.leg.refresh_from_db()
    world.proposal.refresh_from_db()
    assert world.leg.excluded and world.proposal.harvested_loss_lt == 22000
    assert b"proposal.leg_excluded" in response.content
    client.post(url, {}, **HTMX)
    world.leg.refresh_from_db()
    assert not world.leg.excluded


def test_order_file_download(world, as_user):
    response = as_user("alice").get(reverse("proposal_orders", kwargs={"pk": world.approved.pk}))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["side"], r["symbol"]) for r in rows] == [("SELL", "VOO"), ("BUY", "VTI")]


def test_record_simulated_fills_in_demo_mode(world, as_user):
    client = as_user("alice")
    response = client.post(reverse("proposal_fills", kwargs={"pk": world.approved.pk}))
    assert response.status_code == 302
    world.approved.refresh_from_db()
    assert world.approved.status == Proposal.EXECUTED
    page = client.get(response["Location"]).content.decode()
    assert "Fills recorded" in page and "proposal.executed" in page


def test_fills_refused_on_a_pending_proposal(world, as_user):
    response = as_user("alice").post(action("proposal_fills", world), follow=True)
    assert b"Fills not recorded" in response.content
    world.proposal.refresh_from_db()
    assert world.proposal.status == "pending"


def test_fills_file_with_a_bad_row_changes_nothing(world, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("fills.csv", b"account,side,symbol,quantity,price\n"
                                             b"P-TAX,SELL,VOO,abc,385.00\n", "text/csv")
    response = as_user("alice").post(
        reverse("proposal_fills", kwargs={"pk": world.approved.pk}), {"fills": upload},
        follow=True,
    )
    assert b"Fills not recorded" in response.content
    world.approved.refresh_from_db()
    assert world.approved.status == "approved"
