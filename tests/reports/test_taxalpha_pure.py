"""Tax alpha by hand (reports.taxalpha, TAX_RULES R7.1–R7.5 / C9) — no database.

A household with wash sales and carryforwards, computed line by line in the docstrings.
"""

from __future__ import annotations

import doctest
from datetime import date
from decimal import Decimal

import pytest

from reports import figures, schedule_d, taxalpha
from reports.taxalpha import Assumptions, Rates, SaleRow, WashCause, YearFacts

D = Decimal
RATES = Rates(D("0.37"), D("0.408"), D("0.238"), "profile")
# Married filing jointly; $10,000 of LT gains realized elsewhere; carryovers coming in of
# $4,000 short-term and $6,000 long-term.
FACTS = YearFacts("married_filing_jointly", D(0), D(10000), D(4000), D(6000), RATES)
ROWS = [
    # A sale that is no harvest: +10,000 short-term in February.
    SaleRow(date(2026, 2, 10), "P-TAX", "XYZ", "short", D(100), D(30000), D(20000), D(0)),
    # Harvest A: −12,000 short-term in March, 3,000 of it washed by the spouse's IRA.
    SaleRow(date(2026, 3, 16), "P-TAX", "EFA", "short", D(200), D(8000), D(20000), D(3000),
            harvest=True,
            washes=(WashCause("S-IRA", "EFA", date(2026, 3, 30), D(50), D(3000), False),)),
    # Harvest B: −15,000 long-term in June.
    SaleRow(date(2026, 6, 1), "P-TAX", "VOO", "long", D(100), D(50000), D(65000), D(0),
            harvest=True),
]


@pytest.fixture
def alpha():
    return taxalpha.tax_alpha(2026, FACTS, ROWS, month_values={m: D(100000) for m in range(1, 13)},
                              through=date(2026, 12, 31))


def test_harvested_losses_by_term_before_wash_adjustments(alpha):
    assert (alpha.harvested_st, alpha.harvested_lt, alpha.harvested) == (D(12000), D(15000), D(27000))
    assert alpha.disallowed == D(3000)
    assert alpha.allowed == D(24000)
    assert alpha.harvest_rows == 2


def test_the_year_with_the_harvest():
    """ST: 10,000 − 9,000 − 4,000 = −3,000; LT: 10,000 − 15,000 − 6,000 = −11,000; line 16
    −14,000 → $3,000 deducted; worksheet L8 = 3,000 − (3,000 + 0) = 0, L13 = 11,000 − 0."""
    with_ = taxalpha.tax_alpha(2026, FACTS, ROWS).with_harvest
    sd = with_.schedule_d
    assert (sd.line_7, sd.line_15, sd.line_16, sd.line_21) == (D(-3000), D(-11000), D(-14000), D(-3000))
    assert (with_.carryforward_st, with_.carryforward_lt) == (D(0), D(11000))
    assert with_.tax_with == D("-1110.00")


def test_the_year_without_the_harvest():
    """ST 10,000 − 4,000 = 6,000 at 40.8%; LT 10,000 − 6,000 = 4,000 at 23.8%: $3,400."""
    without = taxalpha.tax_alpha(2026, FACTS, ROWS).without_harvest
    assert (without.st_gain_taxed, without.lt_gain_taxed) == (D(6000), D(4000))
    assert without.tax_with == D("3400.000")


def test_where_the_allowed_losses_went_adds_up(alpha):
    assert alpha.offset_gains == D(10000)  # 6,000 + 4,000 of gains no longer taxed
    assert alpha.deducted == D(3000)
    assert alpha.carried_forward == D(11000)
    assert alpha.offset_gains + alpha.deducted + alpha.carried_forward == alpha.allowed


def test_tax_saved_and_basis_points(alpha):
    assert alpha.tax_saved == D("4510.000")  # 3,400 − (−1,110)
    assert alpha.average_value == D(100000)
    assert alpha.bps == D("451.000")


def test_the_wash_sale_cause_is_kept(alpha):
    (washed,) = alpha.washed
    assert washed.symbol == "EFA" and washed.adjustment == D(3000)
    (cause,) = washed.washes
    assert (cause.account, cause.date, cause.quantity, cause.basis_added) == (
        "S-IRA", date(2026, 3, 30), D(50), False)


def test_the_monthly_history(alpha):
    months = {m.label: m for m in alpha.months}
    assert len(alpha.months) == 12
    assert months["Feb"].tax_saved_to_date == 0
    # End of March: LT 10,000 − 6,000 = 4,000 less the ST loss 10,000 − 9,000 − 4,000 =
    # −3,000 → 1,000 taxed at 23.8% = 238 with; 3,400 without.
    assert months["Mar"].tax_saved_to_date == D("3162.000")
    assert months["Mar"].harvested_st == D(12000)
    assert months["Jun"].harvested_lt == D(15000)
    assert months["Dec"].tax_saved_to_date == alpha.tax_saved


def test_deferral_is_stated_apart_from_the_saving(alpha):
    d = alpha.deferral
    assert d.basis_reset == D(24000)  # the allowed loss: the washed 3,000 is not reset
    assert d.future_tax == D("5712.000")
    assert d.present_value == D("5712.000") / D("1.05") ** 10
    assert d.deferral_value == d.future_tax - d.present_value
    other = taxalpha.deferral(D(24000), RATES, Assumptions(D("0.03"), 20))
    assert other.present_value == D("5712.000") / D("1.03") ** 20


def test_months_without_a_value_are_left_out_of_the_average():
    values = {1: None, 2: D(90000), 3: D(110000)}
    a = taxalpha.tax_alpha(2026, FACTS, ROWS, month_values=values, through=date(2026, 3, 31))
    assert len(a.months) == 3
    assert a.average_value == D(100000)


def test_no_rates_means_top_rates_assumed_and_said():
    rates = taxalpha.rates_of("single", None, None, None)
    assert (rates.ordinary, rates.st, rates.lt, rates.source) == (
        D("0.37"), D("0.408"), D("0.238"), "assumed")
    assert "assumed" in rates.source_text
    derived = taxalpha.rates_of("married_filing_jointly", None, None, None, D(900000), D(900000))
    assert (derived.ordinary, derived.st, derived.lt, derived.source) == (
        D("0.37"), D("0.408"), D("0.238"), "tables")


def test_a_book_sums_its_households(alpha):
    book = taxalpha.Book(2026, "reese", (alpha, alpha))
    assert book.tax_saved == 2 * alpha.tax_saved
    assert book.harvested == D(54000)
    assert book.average_value == D(200000)
    assert book.bps == alpha.bps


def test_schedule_d_of_the_same_household():
    rows = [schedule_d.Row(r.account, r.symbol, date(2025, 1, 2), r.date_sold, r.quantity,
                           r.proceeds, r.cost_basis, "W" if r.adjustment else "", r.adjustment,
                           r.term) for r in ROWS]
    forms = schedule_d.schedule_d(2026, rows, "married_filing_jointly", outside_st=D(0),
                                  outside_lt=D(10000), carry_in_st=D(4000), carry_in_lt=D(6000),
                                  rates=(RATES.ordinary, RATES.st, RATES.lt))
    assert [r.symbol for r in forms.part_i.rows] == ["XYZ", "EFA"]
    assert forms.part_i.box == "A" and forms.part_ii.box == "D"
    assert forms.part_i.totals == schedule_d.Totals(D(38000), D(40000), D(3000), D(1000))
    assert forms.part_ii.totals.gain == D(-15000)
    lines = {line: amount for line, _, amount in schedule_d.schedule_d_lines(forms)}
    assert lines == {"1b": D(1000), "1b-other": D(0), "6": D(-4000), "7": D(-3000),
                     "8b": D(-15000), "8b-other": D(10000), "14": D(-6000), "15": D(-11000),
                     "16": D(-14000), "21": D(-3000)}
    worksheet = {line: amount for line, _, amount in schedule_d.worksheet_rows(forms)}
    assert worksheet["L8"] == D(0) and worksheet["L13"] == D(11000)
    csv_text = schedule_d.form_8949_csv(forms)
    assert "I,A,200 sh. EFA,P-TAX,2025-01-02,2026-03-16,8000.00,20000.00,W,3000.00,-9000.00,short" in csv_text


def test_figures_carry_money_as_strings(alpha):
    fig = figures.monthly([m.label for m in alpha.months], [m.harvested_st for m in alpha.months],
                          [m.harvested_lt for m in alpha.months],
                          [m.tax_saved_to_date for m in alpha.months])
    assert fig["data"][0]["y"][2] == "12000.00"
    assert fig["data"][2]["y"][-1] == "4510.00"
    usage = figures.usage(offset=alpha.offset_gains, deducted=alpha.deducted,
                          carried=alpha.carried_forward, disallowed=alpha.disallowed)
    assert usage["data"][0]["y"] == ["10000.00", "3000.00", "11000.00", "3000.00"]


@pytest.mark.parametrize("module", [taxalpha, schedule_d, figures], ids=lambda m: m.__name__)
def test_module_docstring_examples_hold(module):
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0
