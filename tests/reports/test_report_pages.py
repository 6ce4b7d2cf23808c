"""The report and planning pages for the worked example: figures, charts from the vendored
Plotly, the printable forms, CSV downloads, and who may see them (advisors/access.py)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from advisors.models import Member
from harvesting import services
from tests.reports.test_worked_example_reports import harvest
from tests.support import holbrook

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def household(tmp_path):
    return harvest(tmp_path)


def client_as(username: str) -> Client:
    user, _ = get_user_model().objects.get_or_create(username=username)
    client = Client()
    client.force_login(user)
    return client


def test_tax_alpha_page_shows_the_worked_example(household):
    url = reverse("report_tax_alpha", kwargs={"key": "holbrook"}) + "?year=2026"
    body = client_as("quinn").get(url).content.decode()
    for text in ["Tax alpha 2026", "$74,000", "$55,000", "$3,000", "$16,000", "$14,200.00",
                 "Deferral, not savings", "$17,612", "5% a year over 10 years",
                 'data-chart="fig-monthly"', 'id="fig-usage"', "vendor/plotly.min.js"]:
        assert text in body, text
    assert "cdn." not in body.lower()
    figure = json.loads(body.split('id="fig-usage" type="application/json">', 1)[1].split("</script>")[0])
    assert figure["data"][0]["y"] == ["55000.00", "3000.00", "16000.00", "0.00"]


def test_assumptions_can_be_changed(household):
    url = reverse("report_tax_alpha", kwargs={"key": "holbrook"})
    body = client_as("quinn").get(url, {"year": "2026", "discount_rate": "0.03",
                                        "horizon_years": "20"}).content.decode()
    assert "3% a year over 20 years" in body


def test_the_book_lists_the_advisors_households(household):
    response = client_as("quinn").get(reverse("report_book"), {"year": "2026"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-household="holbrook"' in body and "$14,200.00" in body
    other = client_as("reese").get(reverse("report_book"), {"year": "2026"}).content.decode()
    assert "holbrook" not in other


def test_the_book_reads_a_fixed_number_of_queries(household, django_assert_max_num_queries):
    client = client_as("quinn")
    client.get(reverse("report_book"), {"year": "2026"})
    with django_assert_max_num_queries(20):
        client.get(reverse("report_book"), {"year": "2026"})


def test_tax_forms_page_is_printable_and_says_which_boxes(household):
    url = reverse("report_tax_forms", kwargs={"key": "holbrook", "year": 2026})
    body = client_as("quinn").get(url).content.decode()
    for text in ["Form 8949 Part II", "box D", "Boxes A and D assumed", "Form 1099-B",
                 "@media print", 'data-line="15"', "Capital Loss Carryover Worksheet",
                 "1000 sh. VOO", "$16,000.00"]:
        assert text in body, text


def test_form_8949_and_schedule_d_csv(household):
    client = client_as("quinn")
    response = client.get(reverse("report_form_8949_csv", kwargs={"key": "holbrook", "year": 2026}))
    assert response["Content-Type"].startswith("text/csv")
    assert "holbrook-2026-form-8949.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["part"], r["box"], r["description"], r["gain_loss"]) for r in rows] == [
        ("II", "D", "100 sh. ADBE", "-17000.00"), ("II", "D", "2000 sh. EFA", "-22000.00"),
        ("II", "D", "1000 sh. VOO", "-35000.00")]
    sd = client.get(reverse("report_schedule_d_csv", kwargs={"key": "holbrook", "year": 2026}))
    lines = {r["line"]: r["amount"] for r in csv.DictReader(io.StringIO(sd.content.decode()))}
    assert (lines["15"], lines["16"], lines["21"], lines["worksheet L13"]) == (
        "-19000.00", "-19000.00", "-3000.00", "16000.00")


def test_a_client_reads_their_own_reports_but_not_the_book(household):
    diana = get_user_model().objects.create_user("diana-client")
    Member.objects.filter(household=household, role="primary").update(user=diana)
    client = Client()
    client.force_login(diana)
    assert client.get(reverse("report_tax_alpha", kwargs={"key": "holbrook"})).status_code == 200
    assert client.get(reverse("report_book")).status_code == 403


def test_another_advisor_sees_nothing(household):
    client = client_as("reese")
    for name in ["report_tax_alpha", "planning_raise_cash", "report_tax_forms_latest"]:
        assert client.get(reverse(name, kwargs={"key": "holbrook"})).status_code == 404


def test_raise_cash_page_before_the_harvest(tmp_path):
    """The spouse's IRA bought EFA ten days ago: EFA may not be sold at a loss now."""
    holbrook.load(tmp_path)
    quinn = get_user_model().objects.get(username="quinn")
    household = Member.objects.get(role="primary").household
    services.transactions_record(household=household, actor=quinn, rows=[{
        "account": "S-IRA", "action": "BUY", "symbol": "EFA", "quantity": D(10),
        "price": D("79.40"), "day": holbrook.AS_OF - timedelta(days=10)}])
    url = reverse("planning_raise_cash", kwargs={"key": "holbrook"})
    body = client_as("quinn").get(url, {"amount": "50000", "as_of": "2026-10-15"}).content.decode()
    assert 'data-lot="P-TAX:ADBE:2024-03-04"' in body
    assert 'data-reason="wash_sale_lookback"' in body and "S-IRA bought 10 EFA on 2026-10-05" in body
    assert 'data-lot="P-TAX:EFA' not in body
    assert "FIFO would sell" in body


def test_planning_pages_render(household):
    client = client_as("quinn")
    key = {"key": "holbrook"}
    assert client.get(reverse("planning_index", kwargs=key)).status_code == 200
    gift = client.get(reverse("planning_charitable_gift", kwargs=key), {"amount": "10000"})
    assert gift.status_code == 200
    location = client.get(reverse("planning_asset_location", kwargs=key))
    assert location.status_code == 200 and "Proposed moves" in location.content.decode()
    bad = client.get(reverse("planning_raise_cash", kwargs=key), {"amount": "ten"})
    assert bad.status_code == 200 and "Enter a number" in bad.content.decode()


def test_the_default_year_is_the_latest_with_activity(household):
    from reports import taxalpha

    assert taxalpha.default_year([household.id], date(2027, 3, 1)) == 2026
