"""The mission's worked example through the reports (issue 6): scan 2026-10-15, approve,
execute; then the tax-alpha report, Form 8949 / Schedule D and the pages.

$74,000 harvested long-term (VOO 35,000 + EFA 22,000 + ADBE 17,000) against $55,000 of LT
gains realized elsewhere: $55,000 offset, $3,000 deducted, $16,000 carried forward,
55,000 × 23.8% + 3,000 × 37% = $14,200 saved (TAX_RULES R7.5).
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from advisors.models import Household
from harvesting import services
from harvesting.models import Proposal
from reports import schedule_d, taxalpha
from tests.support import holbrook
from tests.support.commands import run_json

pytestmark = pytest.mark.django_db
D = Decimal
AS_OF = holbrook.AS_OF
TODAY = date(2026, 12, 31)


def harvest(tmp_path, doc=None) -> Household:
    holbrook.load(tmp_path, doc)
    run_json("harvest_scan", "--as-of", AS_OF.isoformat())
    quinn = get_user_model().objects.get(username="quinn")
    proposal = Proposal.objects.get()
    services.proposal_approve(proposal=proposal, actor=quinn, today=AS_OF)
    services.proposal_execute(proposal=proposal, actor=quinn)
    return Household.objects.get(key="holbrook")


@pytest.fixture
def household(tmp_path):
    return harvest(tmp_path)


def test_the_tax_alpha_of_the_worked_example(household):
    (a,) = taxalpha.households_tax_alpha([household], 2026, TODAY)
    assert (a.harvested_st, a.harvested_lt, a.harvested) == (D(0), D(74000), D(74000))
    assert a.offset_gains == D(55000)
    assert a.deducted == D(3000)
    assert a.carried_forward == D(16000)
    assert a.disallowed == D(0)
    assert a.tax_saved == D("14200.000")
    assert a.with_harvest.carryforward_lt == D(16000)
    assert a.deferral.basis_reset == D(74000)
    assert a.deferral.future_tax == D("17612.000")
    assert {m.label: m.harvested_lt for m in a.months}["Oct"] == D(74000)


def test_basis_points_of_the_average_month_end_taxable_value(household):
    """Month-end values from the ledger and the closes: 1,000 VOO + 2,000 EFA + 100 ADBE
    until October 15, then the replacements (1,321.5 VTI, 2,179.3 IEFA, 192 CRM)."""
    (a,) = taxalpha.households_tax_alpha([household], 2026, TODAY)
    closes = {(s, d): c for d, s, c in holbrook.price_rows()}
    last = {}
    for (symbol, day), close in sorted(closes.items(), key=lambda kv: kv[0][1]):
        last.setdefault(symbol, {})[day] = close

    def close_on(symbol, day):
        return max((d, c) for d, c in last[symbol].items() if d <= day)[1]

    months = {m.month: m.taxable_value for m in a.months}
    jan = date(2026, 1, 31)
    assert months[1] == 1000 * close_on("VOO", jan) + 2000 * close_on("EFA", jan) + 100 * close_on("ADBE", jan)
    oct_ = date(2026, 10, 31)
    assert months[10] == (D("1321.5") * close_on("VTI", oct_) + D("2179.3") * close_on("IEFA", oct_)
                          + 192 * close_on("CRM", oct_))
    assert months[11] is None and months[12] is None  # no close within the month before
    values = [v for v in months.values() if v is not None]
    assert a.average_value == sum(values) / len(values)
    assert a.bps == a.tax_saved / a.average_value * 10000


def test_the_tax_alpha_command(household):
    doc = run_json("tax_alpha", "holbrook", "--year", "2026", "--format", "json")
    assert {k: doc[k] for k in ("harvested", "harvested_lt", "offset_gains", "deducted",
                                "carried_forward", "disallowed", "tax_saved")} == {
        "harvested": "74000.00", "harvested_lt": "74000.00", "offset_gains": "55000.00",
        "deducted": "3000.00", "carried_forward": "16000.00", "disallowed": "0.00",
        "tax_saved": "14200.00"}
    assert doc["deferral"]["discount_rate"] == "0.05" and doc["deferral"]["horizon_years"] == 10
    book = run_json("tax_alpha", "--advisor", "quinn", "--year", "2026", "--format", "json")
    assert book["households"] == 1 and book["tax_saved"] == "14200.00"


def test_form_8949_and_schedule_d_of_the_worked_example(household):
    forms = schedule_d.household_forms(household, 2026)
    assert forms.part_i.rows == ()
    assert [(r.symbol, r.proceeds, r.cost_basis, r.code, r.gain) for r in forms.part_ii.rows] == [
        ("ADBE", D(48000), D(65000), "", D(-17000)),
        ("EFA", D(158000), D(180000), "", D(-22000)),
        ("VOO", D(385000), D(420000), "", D(-35000)),
    ]
    lines = {line: amount for line, _, amount in schedule_d.schedule_d_lines(forms)}
    assert (lines["8b"], lines["8b-other"], lines["15"], lines["16"], lines["21"]) == (
        D(-74000), D(55000), D(-19000), D(-19000), D(-3000))
    worksheet = {line: amount for line, _, amount in schedule_d.worksheet_rows(forms)}
    assert worksheet["L13"] == D(16000) and "L8" not in worksheet


def test_a_wash_sale_and_carryforwards_computed_by_hand(tmp_path):
    """Carryovers coming in: $4,000 ST and $6,000 LT. Five days after the harvest the
    spouse's IRA buys 250 EFA: 250/2,000 of EFA's $22,000 loss = $2,750 is disallowed for
    good (R2.3, Rev. Rul. 2008-5).

    With: line 7 = −4,000; line 15 = 55,000 − 71,250 − 6,000 = −22,250; line 16 −26,250 →
    $3,000 deducted; worksheet L8 = 4,000 − 3,000 = 1,000 ST, L13 = 22,250 LT.
    Without: line 7 = −4,000, line 15 = 49,000 → 45,000 LT taxed = $10,710.
    Saved = 10,710 + 1,110 = $11,820; offset 45,000 + deducted 3,000 + carried 23,250 =
    the allowed $71,250."""
    doc = holbrook.household(tax_profile=dict(holbrook.HOUSEHOLD["tax_profile"],
                                              carryforward_st="4000", carryforward_lt="6000"))
    household = harvest(tmp_path, doc)
    quinn = get_user_model().objects.get(username="quinn")
    services.transactions_record(household=household, actor=quinn, rows=[{
        "account": "S-IRA", "action": "BUY", "symbol": "EFA", "quantity": D(250),
        "price": D("79.00"), "day": AS_OF + timedelta(days=5)}])
    (a,) = taxalpha.households_tax_alpha([household], 2026, TODAY)
    assert a.harvested == D(74000)
    assert a.disallowed == D("2750.00")
    assert a.allowed == D("71250.00")
    assert a.tax_saved == D("11820.000")
    assert (a.offset_gains, a.deducted, a.carried_forward) == (D(45000), D(3000), D("23250.00"))
    assert (a.with_harvest.carryforward_st, a.with_harvest.carryforward_lt) == (D(1000), D("22250.00"))
    (washed,) = a.washed
    assert washed.symbol == "EFA"
    (cause,) = washed.washes
    assert (cause.account, cause.date, cause.quantity, cause.disallowed, cause.basis_added) == (
        "S-IRA", date(2026, 10, 20), D(250), D("2750.00"), False)
    assert a.deferral.basis_reset == D("71250.00")

    forms = schedule_d.household_forms(household, 2026)
    efa = next(r for r in forms.part_ii.rows if r.symbol == "EFA")
    assert (efa.code, efa.adjustment, efa.gain) == ("W", D("2750.00"), D("-19250.00"))
    lines = {line: amount for line, _, amount in schedule_d.schedule_d_lines(forms)}
    assert (lines["6"], lines["7"], lines["14"], lines["15"], lines["16"], lines["21"]) == (
        D(-4000), D(-4000), D(-6000), D("-22250.00"), D("-26250.00"), D(-3000))
    worksheet = {line: amount for line, _, amount in schedule_d.worksheet_rows(forms)}
    assert (worksheet["L8"], worksheet["L13"]) == (D(1000), D("22250.00"))
    rows = list(csv.DictReader(io.StringIO(schedule_d.form_8949_csv(forms))))
    assert [r["adjustment_code"] for r in rows if r["description"] == "2000 sh. EFA"] == ["W"]
    assert {r["box"] for r in rows} == {"D"}
