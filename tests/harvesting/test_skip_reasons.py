"""Each skip reason of FORMATS §6 from a real cause, through the real scan (issue 3).

The household is the worked example; each test adds the one fact that stops a position.
"""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from advisors.models import Household
from harvesting import services
from harvesting.models import Proposal
from tests.support import holbrook
from tests.support.commands import run_json

pytestmark = pytest.mark.django_db
AS_OF = holbrook.AS_OF


def with_transactions(*extra, schedules=()):
    doc = copy.deepcopy(holbrook.HOUSEHOLD)
    doc["transactions"].extend(extra)
    doc["scheduled_purchases"] = list(schedules)
    return doc


def scan_and_export(day=AS_OF):
    run_json("harvest_scan", "--as-of", day.isoformat())
    return run_json("export_proposals", "holbrook", "--as-of", day.isoformat())


def skipped_by_symbol(proposal):
    return {s["symbol"]: s for s in proposal["skipped"]}


def test_wash_sale_lookback_the_spouses_ira_bought_efa_12_days_ago(tmp_path):
    """R1.4 + C6: the spouse's IRA purchase washes a taxable loss; the sale cannot absorb it."""
    bought = (AS_OF - timedelta(days=12)).isoformat()
    holbrook.load(tmp_path, with_transactions(
        {"date": bought, "account": "S-IRA", "action": "BUY", "symbol": "EFA",
         "quantity": "50", "price": "80.00"},
    ))
    (proposal,) = scan_and_export()
    skip = skipped_by_symbol(proposal)["EFA"]
    assert skip["reason"] == "wash_sale_lookback"
    assert skip["account"] == "P-TAX"
    assert "S-IRA" in skip["detail"] and "EFA" in skip["detail"] and bought in skip["detail"]
    assert {leg["sell"]["symbol"] for leg in proposal["legs"]} == {"VOO", "ADBE"}
    assert proposal["harvested_loss_lt"] == "52000.00"


def test_a_purchase_31_days_ago_is_outside_the_window(tmp_path):
    """R1.1: day −31 is outside the 61-day window."""
    holbrook.load(tmp_path, with_transactions(
        {"date": (AS_OF - timedelta(days=31)).isoformat(), "account": "S-IRA", "action": "BUY",
         "symbol": "EFA", "quantity": "50", "price": "80.00"},
    ))
    (proposal,) = scan_and_export()
    assert "EFA" not in skipped_by_symbol(proposal)
    assert proposal["harvested_loss_lt"] == "74000.00"


def test_an_identical_fund_bought_in_the_ira_washes_too(tmp_path):
    """R1.5: IVV is in VOO's identical group, so IVV bought in the IRA blocks the VOO sale."""
    holbrook.load(tmp_path, with_transactions(
        {"date": (AS_OF - timedelta(days=5)).isoformat(), "account": "P-IRA", "action": "BUY",
         "symbol": "IVV", "quantity": "10", "price": "390.00"},
    ))
    (proposal,) = scan_and_export()
    assert skipped_by_symbol(proposal)["VOO"]["reason"] == "wash_sale_lookback"
    assert "IVV" in skipped_by_symbol(proposal)["VOO"]["detail"]


def test_wash_sale_scheduled_a_dividend_reinvestment_in_10_days(tmp_path):
    """R1.2: a dividend reinvestment is a purchase; one scheduled in the next 30 days blocks."""
    when = (AS_OF + timedelta(days=10)).isoformat()
    holbrook.load(tmp_path, with_transactions(schedules=[
        {"account": "P-TAX", "symbol": "EFA", "kind": "dividend_reinvestment",
         "next_date": when, "every_days": "91"},
    ]))
    (proposal,) = scan_and_export()
    skip = skipped_by_symbol(proposal)["EFA"]
    assert skip["reason"] == "wash_sale_scheduled"
    assert when in skip["detail"]


def test_restricted_the_security_was_harvested_20_days_ago(tmp_path):
    """An executed harvest restricts the sold security for the wash-sale window: 20 days
    later the spouse's EFA, held in a second taxable account, is skipped as `restricted`."""
    earlier = AS_OF - timedelta(days=20)
    doc = with_transactions(
        {"date": "2024-03-01", "account": "S-TAX", "action": "BUY", "symbol": "EFA",
         "quantity": "1000", "price": "90.00"},
    )
    doc["accounts"].append({"id": "S-TAX", "owner": "spouse", "type": "taxable"})
    holbrook.load(tmp_path, doc)
    household = Household.objects.get(key="holbrook")
    quinn = get_user_model().objects.get(username="quinn")
    run_json("harvest_scan", "--as-of", earlier.isoformat())
    first = Proposal.objects.get(household=household, as_of=earlier)
    for leg in first.legs.all():
        if (leg.account.code, leg.sell_security.symbol) != ("P-TAX", "EFA"):
            services.proposal_leg_exclude(leg=leg, actor=quinn)
    services.proposal_approve(proposal=first, actor=quinn, today=earlier)
    services.proposal_execute(proposal=first, actor=quinn)

    proposals = run_json("harvest_scan", "--as-of", AS_OF.isoformat())
    (proposal,) = run_json("export_proposals", "holbrook", "--as-of", AS_OF.isoformat())
    skip = {(s["account"], s["symbol"]): s for s in proposal["skipped"]}[("S-TAX", "EFA")]
    assert skip["reason"] == "restricted"
    assert earlier.isoformat() in skip["detail"]
    assert proposals["proposals_created"] == 1
    restriction = household.restrictions.get(symbol="EFA")
    assert (restriction.starts, restriction.until) == (earlier, earlier + timedelta(days=30))


def test_no_replacement_when_nothing_similar_has_a_price(tmp_path):
    """A stock with no swap pair and no priced peer in its sub-industry or sector."""
    doc = with_transactions(
        {"date": "2024-03-01", "account": "P-TAX", "action": "BUY", "symbol": "XOM",
         "quantity": "100", "price": "150.00"},
    )
    holbrook.load(tmp_path, doc)
    (proposal,) = scan_and_export()
    skip = skipped_by_symbol(proposal)["XOM"]
    assert skip["reason"] == "no_replacement"
    assert "XOM" in skip["detail"]


def test_in_open_proposal_a_pending_proposal_holds_the_position(tmp_path):
    holbrook.load(tmp_path)
    day_before = AS_OF - timedelta(days=1)
    run_json("harvest_scan", "--as-of", day_before.isoformat())
    (proposal,) = scan_and_export()
    reasons = {s["symbol"]: s["reason"] for s in proposal["skipped"]}
    assert reasons == {"VOO": "in_open_proposal", "EFA": "in_open_proposal",
                       "ADBE": "in_open_proposal"}
    assert proposal["legs"] == []
