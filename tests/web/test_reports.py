"""The client's tax report (portal): figures, plain-language explanations, Plotly charts
built by pure functions, and nothing that changes anything."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from reports import charts
from reports.selectors import TaxFacts, rates_for, tax_report, year_figures
from tests.support import factories as f

D = Decimal


def executed_harvest(world, loss_lt="35000.00", month=1):
    year = timezone.localdate().year
    day = date(year, month, 5)
    proposal = f.ProposalFactory(household=world.a, as_of=day, status="executed")
    voo = f.SecurityFactory(symbol="VOO")
    leg = f.ProposalLegFactory(proposal=proposal, account=world.a_tax, sell_security=voo,
                               loss_lt=D(loss_lt))
    f.harvest_sale(leg=leg, date_sold=day,
                   proceeds=D("385000.00"), cost_basis=D("385000.00") + D(loss_lt), term="long")
    return proposal


def test_portal_shows_the_clients_year(world, as_user):
    executed_harvest(world)
    response = as_user("charlie").get(reverse("portal"))
    assert response.status_code == 200
    body = response.content.decode()
    for text in [
        f"Your {timezone.localdate().year} tax year so far", "Avery household",
        "Losses harvested", "$35,000.00", "Estimated tax saved", "$8,330.00",
        "Carryforward to", "Losses harvested by month", "Where this year's losses go",
        "What this means", "$3,000", "wash sale",
        'data-chart="chart-months-data"', 'id="chart-months-data"', "plotly.min.js",
    ]:
        assert text in body, text
    assert "cdn" not in body.lower()


def test_portal_has_no_action_controls(world, as_user):
    body = as_user("charlie").get(reverse("portal")).content.decode()
    main = body.split('id="main"', 1)[1]
    assert "<form" not in main and "<button" not in main
    assert "Approve" not in main and "hx-post" not in main


def test_portal_is_the_clients_own_household_only(world, as_user):
    body = as_user("dana").get(reverse("portal")).content.decode()
    assert "Brooks household" in body and "Avery" not in body


def test_advisor_previews_a_households_report(world, as_user):
    response = as_user("alice").get(reverse("household_report", kwargs={"key": world.a.key}))
    assert response.status_code == 200 and b"Avery household" in response.content


def test_chart_json_carries_money_as_decimal_strings(world, as_user):
    executed_harvest(world, "1200.50", month=1)
    body = as_user("charlie").get(reverse("portal")).content.decode()
    raw = re.search(r'<script id="chart-months-data"[^>]*>(.*?)</script>', body, re.S).group(1)
    figure = json.loads(raw)
    assert figure["data"][1]["name"] == "Long-term" and figure["data"][1]["y"][0] == "1200.50"
    assert figure["layout"]["yaxis"]["type"] == "linear"


def test_year_figures_worked_example():
    figures = year_figures(
        year=2026, filing_status="married_filing_jointly",
        realized=[("long", D("-74000"), True), ("short", D("500"), False),
                  ("short", D("-500"), False)],
        harvested_st=D(0), harvested_lt=D("74000"),
        profile=TaxFacts(ordinary_rate=D("0.37"), st_rate=D("0.408"), lt_rate=D("0.238"),
                         outside_lt_gains=D("55000")),
    )
    assert figures.realized_net == D("-74000")
    assert figures.tax_saved == D("14200")  # TAX_RULES R7.5 worked example
    assert figures.gains_offset == D("55500") and figures.deduction == D("3000")
    assert figures.carryforward_out == D("16000")
    assert figures.gains_offset + figures.deduction + figures.carryforward_out == (
        figures.total_losses
    )


def test_rates_fall_back_like_the_scan():
    assert rates_for(TaxFacts(), "single").source == "default"
    derived = rates_for(TaxFacts(taxable_income=D("900000"), magi=D("900000")),
                        "married_filing_jointly")
    assert (derived.ordinary, derived.st, derived.lt, derived.source) == (
        D("0.37"), D("0.408"), D("0.238"), "tables")


def test_chart_builders_are_pure_and_exact():
    months = charts.losses_by_month([("Jan", D("0"), D("10")), ("Feb", D("2.5"), D("0"))])
    assert months["data"][0]["y"] == ["0.00", "2.50"] and months["data"][1]["x"] == ["Jan", "Feb"]
    assert "template" not in months["layout"]
    usage = charts.loss_usage(gains_offset=D("55000"), deduction=D("3000"),
                              carryforward=D("16000"))
    assert usage["data"][0]["y"] == ["55000.00", "3000.00", "16000.00"]
    json.dumps(usage)  # serializable as is


def test_report_months_run_to_this_month(world):
    executed_harvest(world)
    report = tax_report(world.a, timezone.localdate())
    assert len(report.months) == timezone.localdate().month
    assert report.months[0].lt == D("35000.00")
