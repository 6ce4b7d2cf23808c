"""A proposal's life: approve (re-checked), reject, exclude, execute, restrict, swap back,
and the post-trade wash-sale monitor (issue 3)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from advisors.models import AuditEvent, Household
from harvesting import services
from harvesting.models import Proposal, WashAlert
from portfolios.imports.errors import FileErrors
from portfolios.models import Lot, RealizedSale, Transaction
from tests.support import holbrook
from tests.support.commands import run, run_json

pytestmark = pytest.mark.django_db
AS_OF = holbrook.AS_OF


@pytest.fixture
def proposal(tmp_path):
    holbrook.load(tmp_path)
    run_json("harvest_scan", "--as-of", AS_OF.isoformat())
    return Proposal.objects.get()


@pytest.fixture
def quinn():
    return get_user_model().objects.get(username="quinn")


def test_approve_records_who_and_when(proposal, quinn):
    services.proposal_approve(proposal=proposal, actor=quinn, comment="ok", today=AS_OF)
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    assert proposal.decided_by == quinn
    event = AuditEvent.objects.filter(verb="proposal.approved").get()
    assert (event.actor, event.object_id, event.message) == (quinn, str(proposal.id), "ok")


def test_approving_twice_is_refused_the_second_time(proposal, quinn):
    services.proposal_approve(proposal=proposal, actor=quinn, today=AS_OF)
    with pytest.raises(services.ProposalRefused, match="already approved"):
        services.proposal_approve(proposal=proposal, actor=quinn, today=AS_OF)


def test_approval_is_refused_when_the_guard_now_fails(proposal, quinn):
    """The spouse's IRA bought EFA after the scan: approving now would wash the loss."""
    household = proposal.household
    services.transactions_record(household=household, actor=quinn, rows=[{
        "account": "S-IRA", "action": "BUY", "symbol": "EFA", "quantity": Decimal(10),
        "price": Decimal("79.00"), "day": AS_OF,
    }])
    with pytest.raises(services.ProposalRefused) as excinfo:
        services.proposal_approve(proposal=proposal, actor=quinn, today=AS_OF)
    assert "wash_sale_lookback" in str(excinfo.value)
    assert "S-IRA bought" in str(excinfo.value)
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_a_stale_proposal_expires_instead_of_being_approved(proposal, quinn):
    """FORMATS §6: after the policy's number of days (default 5) a proposal expires."""
    with pytest.raises(services.ProposalRefused, match="stale"):
        services.proposal_approve(proposal=proposal, actor=quinn, today=AS_OF + timedelta(days=6))
    proposal.refresh_from_db()
    assert proposal.status == "expired"


def test_only_the_households_advisor_may_approve(proposal):
    User = get_user_model()
    other = User.objects.create_user("bob", password="x")
    with pytest.raises(Exception) as excinfo:
        services.proposal_approve(proposal=proposal, actor=other, today=AS_OF)
    assert excinfo.type.__name__ == "Http404"
    admin = User.objects.create_user("root", password="x", is_staff=True)
    with pytest.raises(PermissionDenied):
        services.proposal_approve(proposal=proposal, actor=admin, today=AS_OF)


def test_reject_with_a_comment(proposal, quinn):
    services.proposal_reject(proposal=proposal, actor=quinn, comment="client wants to wait")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.comment) == ("rejected", "client wants to wait")
    with pytest.raises(services.ProposalRefused):
        services.proposal_approve(proposal=proposal, actor=quinn, today=AS_OF)


def test_excluding_a_leg_updates_the_totals_and_the_estimate(proposal, quinn):
    leg = proposal.legs.get(sell_security__symbol="VOO")
    services.proposal_leg_exclude(leg=leg, actor=quinn)
    proposal.refresh_from_db()
    # 39,000 harvested against 55,000 of LT gains: 39,000 × 0.238 = 9,282.
    assert proposal.harvested_loss_lt == Decimal("39000.00")
    assert proposal.estimated_tax_savings == Decimal("9282.00")


def test_the_order_file_lists_lot_instructions(proposal):
    text = services.proposal_order_file(proposal=proposal)
    lines = text.strip().splitlines()
    assert lines[0] == "proposal,account,side,symbol,quantity,lot_acquired,reference_price"
    assert f"{proposal.id},P-TAX,SELL,VOO,1000,2024-03-01,385.00" in lines
    assert f"{proposal.id},P-TAX,BUY,VTI,1321.5,,291.33" in lines


def test_execution_in_demo_mode_books_the_trades_and_restricts(proposal, quinn):
    services.proposal_approve(proposal=proposal, actor=quinn, today=AS_OF)
    services.proposal_execute(proposal=proposal, actor=quinn)
    household = proposal.household
    held = set(Lot.objects.filter(household=household).values_list("security__symbol", flat=True))
    assert held == {"VTI", "IEFA", "CRM"}
    rows = RealizedSale.objects.filter(household=household, date_sold=AS_OF)
    assert sum(r.gain_loss for r in rows) == Decimal("-74000.00")
    assert set(household.restrictions.values_list("symbol", flat=True)) == {"VOO", "EFA", "ADBE"}
    fills = Transaction.objects.filter(household=household, source="fill")
    assert fills.count() == 6  # three sells, three buys, each tied to its leg
    assert set(fills.values_list("proposal_leg__proposal", flat=True)) == {proposal.id}
    with pytest.raises(services.ProposalRefused):
        services.proposal_execute(proposal=proposal, actor=quinn)


def test_fills_file_is_validated_by_line_and_column(proposal, quinn):
    services.proposal_approve(proposal=proposal, actor=quinn, today=AS_OF)
    bad = "account,side,symbol,quantity,price\nP-TAX,SELL,VOO,1000,385.00\nP-TAX,BUY,IVV,5,7.5x\n"
    with pytest.raises(FileErrors) as excinfo:
        services.proposal_execute(proposal=proposal, actor=quinn, fills_csv=bad)
    message = str(excinfo.value)
    assert "line 3: price" in message and "line 3: symbol" in message
    proposal.refresh_from_db()
    assert proposal.status == "approved"


def test_fills_file_records_the_actual_prices(proposal, quinn):
    for leg in proposal.legs.exclude(sell_security__symbol="VOO"):
        services.proposal_leg_exclude(leg=leg, actor=quinn)
    services.proposal_approve(proposal=proposal, actor=quinn, today=AS_OF)
    fills = ("account,side,symbol,quantity,price,lot\n"
             "P-TAX,SELL,VOO,1000,384.50,2024-03-01\nP-TAX,BUY,VTI,1320,291.00,\n")
    services.proposal_execute(proposal=proposal, actor=quinn, fills_csv=fills)
    (row,) = run_json("export_8949", "holbrook")
    assert (row["proceeds"], row["gain_loss"], row["term"]) == ("384500.00", "-35500.00", "long")


def test_swap_back_is_scheduled_on_day_31_with_a_short_term_gain_warning(proposal, quinn):
    services.policy_update(household=proposal.household, actor=quinn, swap_back=True)
    for leg in proposal.legs.exclude(sell_security__symbol="VOO"):
        services.proposal_leg_exclude(leg=leg, actor=quinn)
    services.proposal_approve(proposal=proposal, actor=quinn, today=AS_OF)
    services.proposal_execute(proposal=proposal, actor=quinn)
    swap = Proposal.objects.get(kind="swap_back")
    assert swap.as_of == AS_OF + timedelta(days=31)
    (leg,) = swap.legs.all()
    assert (leg.sell_security.symbol, leg.buy_security.symbol) == ("VTI", "VOO")
    assert swap.source_proposal == proposal


def test_monitor_alerts_once_when_the_spouses_ira_buys_the_fund_after_the_harvest(proposal, quinn):
    for leg in proposal.legs.exclude(sell_security__symbol="EFA"):
        services.proposal_leg_exclude(leg=leg, actor=quinn)
    services.proposal_approve(proposal=proposal, actor=quinn, today=AS_OF)
    services.proposal_execute(proposal=proposal, actor=quinn)
    assert services.wash_monitor_run()["alerts_created"] == 0
    household = Household.objects.get(key="holbrook")
    services.transactions_record(household=household, actor=quinn, rows=[{
        "account": "S-IRA", "action": "BUY", "symbol": "EFA", "quantity": Decimal(2000),
        "price": Decimal("80.00"), "day": AS_OF + timedelta(days=10),
    }])
    assert services.wash_monitor_run()["alerts_created"] == 1
    alert = WashAlert.objects.get()
    assert (alert.replacement_account, alert.symbol, alert.permanent) == ("S-IRA", "EFA", True)
    assert alert.disallowed == Decimal("22000.00")  # lost for good: R3.2, Rev. Rul. 2008-5
    assert services.wash_monitor_run() == {"households_checked": 0, "alerts_created": 0}
    run("export_8949", "holbrook")
    services.wash_alert_acknowledge(alert=alert, actor=quinn)
    alert.refresh_from_db()
    assert alert.acknowledged_by == quinn


def test_a_recent_lot_sold_along_is_sold_first_so_it_washes_nothing(tmp_path):
    """A dividend reinvested 10 days ago is sold with the old EFA lot (C2 in the guard); the
    order books it first, so when the loss lot is sold it is no longer held (C3): no W."""
    doc = holbrook.household()
    doc["transactions"].append(
        {"date": (AS_OF - timedelta(days=10)).isoformat(), "account": "P-TAX",
         "action": "REINVEST", "symbol": "EFA", "quantity": "20", "price": "78.50"}
    )
    holbrook.load(tmp_path, doc)
    run_json("harvest_scan", "--as-of", AS_OF.isoformat())
    proposal = Proposal.objects.get()
    quinn = get_user_model().objects.get(username="quinn")
    leg = proposal.legs.get(sell_security__symbol="EFA")
    assert len(leg.lots) == 2  # the recent lot is sold along
    lines = services.proposal_order_file(proposal=proposal).splitlines()
    efa = [line for line in lines if ",SELL,EFA," in line]
    assert efa[0].endswith(f"{(AS_OF - timedelta(days=10)).isoformat()},79.00")
    services.proposal_approve(proposal=proposal, actor=quinn, today=AS_OF)
    services.proposal_execute(proposal=proposal, actor=quinn)
    rows = [r for r in run_json("export_8949", "holbrook") if r["symbol"] == "EFA"]
    assert [r["adjustment_code"] for r in rows] == ["", ""]
    assert sum(Decimal(r["gain_loss"]) for r in rows) == Decimal("-21990.00")


def test_a_swap_back_is_priced_on_its_own_day_and_not_approved_before(proposal, quinn, tmp_path):
    services.policy_update(household=proposal.household, actor=quinn, swap_back=True)
    for leg in proposal.legs.exclude(sell_security__symbol="VOO"):
        services.proposal_leg_exclude(leg=leg, actor=quinn)
    earlier = AS_OF - timedelta(days=31)
    # Execute as if the harvest had been on `earlier`: the swap back falls due on AS_OF.
    Proposal.objects.filter(pk=proposal.pk).update(as_of=earlier)
    proposal.refresh_from_db()
    services.proposal_approve(proposal=proposal, actor=quinn, today=earlier)
    services.proposal_execute(proposal=proposal, actor=quinn)
    swap = Proposal.objects.get(kind="swap_back")
    assert swap.as_of == AS_OF
    with pytest.raises(services.ProposalRefused, match="due on"):
        services.proposal_approve(proposal=swap, actor=quinn, today=AS_OF - timedelta(days=1))
    run_json("harvest_scan", "--as-of", AS_OF.isoformat())
    swap.refresh_from_db()
    assert swap.status == "pending"
    assert swap.assumptions["priced_on"] == AS_OF.isoformat()
    (leg,) = swap.legs.all()
    assert leg.sell_price == Decimal("291.33")  # VTI's close on the swap-back day
    services.proposal_approve(proposal=swap, actor=quinn, today=AS_OF)
