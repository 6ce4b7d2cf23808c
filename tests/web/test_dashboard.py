"""The advisors' dashboard: figures, scoping, the live run panel, query counts and speed."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from advisors.selectors import dashboard
from tests.support import bulk
from tests.support import factories as f
from tests.support.personas import B_SECRET
from tests.web.conftest import HTMX

D = Decimal


def row_for(board, key):
    return next(r for r in board.rows if r.household.key == key)


def test_dashboard_figures_for_the_advisors_households(world):
    board = dashboard(world.alice, timezone.localdate())
    assert [r.household.key for r in board.rows] == ["avery"]
    r = board.rows[0]
    # VOO 1000×385 + EFA 2000×79 + ADBE 100×480 (taxable) + AGG 800×98.50 (IRA)
    assert r.market_value == D("669800.00")
    assert r.unrealized_st == D("-17000.00")  # ADBE, bought 100 days ago
    assert r.unrealized_lt == D("-57000.00")  # VOO −35,000, EFA −22,000; the IRA is left out
    assert r.harvestable == D("74000.00")  # all three pass 2,500 and 5 %
    assert r.harvested == 0 and r.tax_saved == 0
    assert r.pending == 1 and r.lots == 4


def test_admin_sees_every_household_and_policy_thresholds_apply(world):
    board = dashboard(world.admin, timezone.localdate())
    assert [r.household.key for r in board.rows] == ["avery", "brooks"]
    b = row_for(board, "brooks")
    assert b.unrealized_lt == D("-650.00") and b.harvestable == 0  # below $2,500


def test_harvested_and_tax_saved_this_year(world):
    year = timezone.localdate().year
    executed = f.ProposalFactory(household=world.a, as_of=date(year, 1, 3), status="executed")
    voo = f.SecurityFactory(symbol="VOO")
    leg = f.ProposalLegFactory(proposal=executed, account=world.a_tax, sell_security=voo,
                               loss_lt=D("35000.00"))
    f.ProposalLegFactory(proposal=executed, account=world.a_tax, loss_lt=D("999.00"),
                         excluded=True)
    f.harvest_sale(leg=leg, date_sold=date(year, 1, 3),
                   proceeds=D("385000.00"), cost_basis=D("420000.00"), term="long")
    r = dashboard(world.alice, timezone.localdate()).rows[0]
    assert r.harvested == D("35000.00")
    # LT gains 55,000 outside + 200 − 35,000 harvested, ST −750: 19,450 taxed at 23.8 %
    # instead of 54,450 → 35,000 × 0.238 = 8,330.
    assert r.tax_saved == D("8330.000")


def test_dashboard_page_renders_households_kpis_and_run(world, as_user):
    body = as_user("alice").get(reverse("home")).content.decode()
    assert "Avery household" in body and "Brooks household" not in body
    assert "$669,800.00" in body and "−$57,000.00" in body and "$74,000.00" in body
    assert 'id="run-status"' in body
    assert B_SECRET not in body  # another household's error never shows
    admin = as_user("admin").get(reverse("home")).content.decode()
    assert B_SECRET in admin and "Brooks household" in admin


def test_run_panel_polls_while_running_and_stops_when_done(world, as_user):
    running = f.HarvestRunFactory(status="running", households_total=2)
    f.HarvestRunItemFactory(run=running, household=world.a)
    f.HarvestRunItemFactory(run=running, household=world.b, status="pending")
    client = as_user("alice")
    body = client.get(reverse("run_latest"), **HTMX).content.decode()
    assert 'hx-trigger="every 3s"' in body and "1</b> / 2 households" in body
    running.status = "done"
    running.save()
    body = client.get(reverse("run_latest"), **HTMX).content.decode()
    assert "hx-trigger" not in body and 'data-run-status="done"' in body


def test_run_start_scans_the_advisors_households(world, as_user, monkeypatch):
    from harvesting import services

    calls = []

    def fake(**kwargs):
        calls.append(kwargs)
        return f.HarvestRunFactory(status="running")

    monkeypatch.setattr(services, "harvest_run_start", fake)
    response = as_user("alice").post(reverse("run_start"), **HTMX)
    assert response.status_code == 200 and b'id="run-status"' in response.content
    assert calls[0]["household_keys"] == ["avery"] and calls[0]["actor"] == world.alice
    as_user("admin").post(reverse("run_start"))
    assert calls[1]["household_keys"] is None


def test_run_detail_lists_only_visible_items(world, as_user):
    body = as_user("alice").get(reverse("run_detail", kwargs={"pk": world.run.pk})).content
    assert b"Avery household" in body and b"Brooks household" not in body


def test_dashboard_query_count_does_not_grow_with_households(
    world, as_user, django_assert_max_num_queries
):
    secs = bulk.securities(30)
    for i in range(25):
        bulk.household_with_lots(f"bulk-{i}", world.alice, 40, secs)
    client = as_user("alice")
    with django_assert_max_num_queries(16):
        response = client.get(reverse("home"))
    assert response.status_code == 200 and response.content.count(b"data-household=") == 26


def test_dashboard_of_a_2000_lot_household_renders_under_300ms(world, as_user):
    secs = bulk.securities(120)
    bulk.household_with_lots("big", world.bob, 2000, secs)
    client = as_user("bob")
    client.get(reverse("home"))  # warm caches (templates, URL resolver)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        response = client.get(reverse("home"))
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    assert b"2000 lots" in response.content
    assert min(timings) < 0.3, timings


def test_run_detail_query_count(world, as_user, django_assert_max_num_queries):
    from advisors.models import Household
    from harvesting.models import HarvestRunItem

    households = Household.objects.bulk_create(
        [Household(key=f"many-{i}", name=f"Many {i}", advisor=world.admin) for i in range(120)]
    )
    HarvestRunItem.objects.bulk_create(
        [HarvestRunItem(run=world.run, household=h, status="done") for h in households]
    )
    client = as_user("admin")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("run_detail", kwargs={"pk": world.run.pk}))
    assert response.content.count(b"badge done") >= 120
