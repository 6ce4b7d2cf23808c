"""`load_demo --small`: the demo loader on a slice of the shipped real data (a few stocks,
March 2020) — fast enough for every test run — and what it must show (issue 6)."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from advisors.models import Household
from harvesting.models import HarvestPolicy, Proposal, Restriction
from portfolios.models import Price, RealizedSale, ScheduledPurchase, Security, TaxProfile
from tests.support.commands import run, run_json

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Loaded once for the module (committed); every test's changes are rolled back."""
    with django_db_blocker.unblock():
        started = time.perf_counter()
        _, err = run("load_demo", "--small")
        seconds = time.perf_counter() - started
    yield err, seconds
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def test_the_small_demo_loads_fast(demo):
    err, seconds = demo
    assert seconds < 20, err
    assert "demo (small)" in err and "time:" in err


def test_logins_for_every_role_are_printed(demo):
    err, _ = demo
    users = {u.username: u for u in get_user_model().objects.all()}
    for name in ("quinn", "reese", "diana", "elena", "admin"):
        assert name in err and users[name].check_password("taxalpha-demo")
    assert users["admin"].is_staff
    assert Household.objects.get(key="holbrook").members.filter(user=users["diana"]).exists()
    assert Household.objects.get(key="whitfield").members.filter(user=users["elena"]).exists()
    assert "taxalpha-demo" in err


def test_real_market_data_is_loaded(demo):
    assert Security.objects.filter(sector="Information Technology").count() > 60  # the S&P 500
    msft = Security.objects.get(symbol="MSFT")
    assert msft.sub_industry == "Systems Software" and msft.dividend_yield is not None
    assert Security.objects.get(symbol="BND").tax_efficiency == "inefficient"
    assert Price.objects.get(security__symbol="SPY", date="2020-03-23").close == D("222.95")


def test_the_households_and_who_advises_them(demo):
    keys = dict(Household.objects.values_list("key", "advisor__username"))
    assert keys == {"holbrook": "quinn", "whitfield": "reese", "okafor": "reese"}
    accounts = set(Household.objects.get(key="whitfield").accounts.values_list("type", flat=True))
    assert accounts == {"taxable", "traditional_ira", "roth_ira", "401k"}
    profile = TaxProfile.objects.get(household__key="okafor")
    assert profile.carryforward_st > 0 and profile.carryforward_lt > 0


def test_the_replay_executed_harvests_restricted_and_scheduled_swap_backs(demo):
    whitfield = Household.objects.get(key="whitfield")
    assert HarvestPolicy.objects.get(household=whitfield).swap_back
    harvests = Proposal.objects.filter(household=whitfield, kind="harvest")
    assert harvests.filter(status="executed").exists()
    assert Proposal.objects.filter(household=whitfield, kind="swap_back").exists()
    assert Restriction.objects.filter(household=whitfield).exists()
    assert RealizedSale.objects.filter(household=whitfield, gain_loss__lt=0).exists()
    assert ScheduledPurchase.objects.filter(household=whitfield, kind="dividend_reinvestment").exists()
    assert ScheduledPurchase.objects.filter(household=whitfield, kind="recurring").exists()
    # What the last days scheduled waits for the advisor.
    assert Proposal.objects.filter(household=whitfield, status="pending", legs__isnull=False).exists()


def test_holbrook_waits_with_the_worked_example(demo):
    proposal = Proposal.objects.get(household__key="holbrook")
    assert (proposal.status, proposal.as_of.isoformat()) == ("pending", "2026-10-15")
    assert (proposal.harvested_loss_lt, proposal.estimated_tax_savings) == (D("74000.00"), D("14200.00"))


def test_reports_work_on_the_demo(demo):
    alpha = run_json("tax_alpha", "whitfield", "--year", "2020", "--format", "json")
    assert D(alpha["harvested"]) > 0 and D(alpha["tax_saved"]) > 0
    book = run_json("tax_alpha", "--advisor", "reese", "--year", "2020", "--format", "json")
    assert book["households"] == 2
    location = run_json("asset_location", "whitfield", "--format", "json")
    flagged = {(f["account"], f["symbol"]) for f in location["flags"]}
    assert ("JT-TAX", "BND") in flagged and ("P-IRA", "VTI") in flagged
    assert location["moves"] and location["moves"][0]["sell_taxable"] == "BND"
    cash = run_json("raise_cash", "whitfield", "25000", "--format", "json")
    assert D(cash["choice"]["proceeds"]) >= D(25000)


def test_loading_twice_replaces_the_demo(demo):
    counts = (Household.objects.count(), Proposal.objects.count(), Price.objects.count())
    run("load_demo", "--small")
    assert (Household.objects.count(), Proposal.objects.count(), Price.objects.count()) == counts
