"""2026 federal tables (TAX_RULES §9) and NIIT (R8.1): ordinary tax, LTCG bands, NIIT, rates.

Cumulative tax at the top of each 2026 bracket, computed by hand from §9:

    single / MFS   12,400 → 1,240    50,400 → 5,800     105,700 → 17,966
                   201,775 → 41,024  256,225 → 58,448
                   single 640,600 → 192,979.25          MFS 384,350 → 103,291.75
    MFJ            24,800 → 2,480    100,800 → 11,600   211,400 → 35,932
                   403,550 → 82,048  512,450 → 116,896  768,700 → 206,583.50
    HoH            17,700 → 1,770    67,450 → 7,740     105,700 → 16,155
                   201,750 → 39,207  256,200 → 56,631   640,600 → 191,171
"""

from decimal import Decimal

import pytest

from portfolios.taxlots import tables
from portfolios.taxlots.money import InputError
from portfolios.taxlots.tables import (
    FILING_STATUSES,
    TABLES,
    UnknownYearError,
    ltcg_split,
    marginal_rates,
    niit,
    ordinary_tax,
)

D = Decimal
MFJ = "married_filing_jointly"
MFS = "married_filing_separately"
SINGLE = "single"
HOH = "head_of_household"


# --- §9 ordinary rate schedule -------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "income", "tax"),
    [
        # single
        (SINGLE, "50000", "5752"),  # 1,240 + 37,600×12% = 4,512
        (SINGLE, "150000", "28598"),  # 17,966 + 44,300×24% = 10,632
        (SINGLE, "201775", "41024"),  # exactly the top of the 24% bracket
        (SINGLE, "700000", "214957.25"),  # 192,979.25 + 59,400×37% = 21,978
        # married filing jointly
        (MFJ, "24800", "2480"),  # top of the 10% bracket
        (MFJ, "250000", "45196"),  # 2,480 + 9,120 + 24,332 + 38,600×24% = 9,264 (TAX26-01)
        (MFJ, "600000", "147538.50"),  # 116,896 + 87,550×35% = 30,642.50
        (MFJ, "1000000", "292164.50"),  # 206,583.50 + 231,300×37% = 85,581
        # married filing separately (single's brackets to 256,225, 35% only to 384,350)
        (MFS, "150000", "28598"),  # same as single
        (MFS, "300000", "73769.25"),  # 58,448 + 43,775×35% = 15,321.25
        (MFS, "500000", "146082.25"),  # 103,291.75 + 115,650×37% = 42,790.50
        # head of household
        (HOH, "120000", "19587"),  # 16,155 + 14,300×24% = 3,432
        (HOH, "250000", "54647"),  # 39,207 + 48,250×32% = 15,440
        (HOH, "1000000", "324149"),  # 191,171 + 359,400×37% = 132,978
    ],
)
def test_s9_ordinary_tax_by_status(status, income, tax):
    assert ordinary_tax(status, D(income)) == D(tax)


@pytest.mark.parametrize("status", FILING_STATUSES)
def test_s9_ordinary_tax_zero_and_negative_income_owe_nothing(status):
    assert ordinary_tax(status, D(0)) == 0
    assert ordinary_tax(status, D(-5000)) == 0


@pytest.mark.parametrize("status", FILING_STATUSES)
def test_s9_ordinary_tax_is_continuous_at_every_breakpoint(status):
    """A dollar over a breakpoint costs exactly the next bracket's rate."""
    brackets = TABLES[2026][status].ordinary
    for lower, upper in zip(brackets, brackets[1:], strict=False):
        at = ordinary_tax(status, lower.up_to)
        assert ordinary_tax(status, lower.up_to + 1) - at == upper.rate


def test_s9_ordinary_tax_keeps_cents_exact():
    # 24,800×10% + 0.01×12% = 2,480.0012 — not rounded inside the core (DESIGN rule 7)
    assert ordinary_tax(MFJ, D("24800.01")) == D("2480.0012")


# --- IRC §1(h): LTCG 0/15/20 ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "ordinary", "gain", "split"),
    [
        # LTCG26-01: MFJ 70,000 + 40,000 straddles 98,900: 28,900 at 0%, 11,100 at 15% = 1,665
        (MFJ, "70000", "40000", ("28900", "11100", "0", "1665")),
        # single 500,000 + 100,000 straddles 545,500: 45,500×15% + 54,500×20% = 6,825 + 10,900
        (SINGLE, "500000", "100000", ("0", "45500", "54500", "17725")),
        # MFS 300,000 + 10,000 straddles 306,850: 6,850×15% + 3,150×20% = 1,027.50 + 630
        (MFS, "300000", "10000", ("0", "6850", "3150", "1657.50")),
        # MFJ 50,000 + 700,000 spans all three: 48,900 / 514,800 / 136,300
        # = 77,220 + 27,260
        (MFJ, "50000", "700000", ("48900", "514800", "136300", "104480")),
        # HoH 30,000 + 20,000 is all inside the 0% band (to 66,200)
        (HOH, "30000", "20000", ("20000", "0", "0", "0")),
        # single ordinary income already past 545,500: all at 20%
        (SINGLE, "600000", "10000", ("0", "0", "10000", "2000")),
        # exactly up to a breakpoint is still the lower band (upper bounds inclusive)
        (MFJ, "0", "98900", ("98900", "0", "0", "0")),
        (MFJ, "0", "0", ("0", "0", "0", "0")),
    ],
)
def test_s9_ltcg_split_stacks_gain_on_ordinary_income(status, ordinary, gain, split):
    assert ltcg_split(status, D(ordinary), D(gain)) == tuple(D(x) for x in split)


def test_s9_ltcg_parts_add_up_to_the_gain():
    at_0, at_15, at_20, _ = ltcg_split(HOH, D("60000.50"), D("600000.25"))
    assert at_0 + at_15 + at_20 == D("600000.25")


@pytest.mark.parametrize("field", ["ordinary_taxable_income", "lt_gain"])
def test_s9_ltcg_refuses_negative_amounts(field):
    amounts = {"ordinary_taxable_income": D(1000), "lt_gain": D(1000), field: D(-1)}
    with pytest.raises(InputError) as err:
        ltcg_split(MFJ, **amounts)
    assert err.value.field == field


# --- R8.1 NIIT ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "magi", "nii", "tax"),
    [
        (MFJ, "400000", "125000", "4750"),  # NII smaller: 125,000×3.8% (NIIT-01)
        (MFJ, "300000", "125000", "1900"),  # MAGI excess smaller: 50,000×3.8%
        (MFJ, "250000", "50000", "0"),  # exactly at the threshold: no excess
        (MFJ, "240000", "50000", "0"),  # below the threshold
        (MFS, "150000", "100000", "950"),  # MFS threshold $125,000: 25,000×3.8%
        (MFS, "120000", "100000", "0"),
        (SINGLE, "230000", "80000", "1140"),  # single threshold $200,000: 30,000×3.8%
        (SINGLE, "190000", "80000", "0"),
        (HOH, "230000", "10000", "380"),  # HoH also $200,000; NII smaller
        (MFJ, "-10000", "10000", "0"),  # negative MAGI: no excess
        (MFJ, "400000", "-5000", "0"),  # NII never counts below zero
    ],
)
def test_r8_1_niit(status, magi, nii, tax):
    assert niit(status, D(magi), D(nii)) == D(tax)


def test_r8_1_thresholds_are_the_statutory_ones():
    thresholds = {s: TABLES[2026][s].niit_threshold for s in FILING_STATUSES}
    assert thresholds == {SINGLE: 200000, MFJ: 250000, MFS: 125000, HOH: 200000}


def test_s9_standard_deductions():
    deductions = {s: TABLES[2026][s].standard_deduction for s in FILING_STATUSES}
    assert deductions == {SINGLE: D(16100), MFJ: D(32200), MFS: D(16100), HOH: D(24150)}


# --- marginal rates for a tax profile given as income (FORMATS §1) -------------------------


@pytest.mark.parametrize(
    ("status", "income", "magi", "rates"),
    [
        (MFJ, "250000", "300000", ("0.24", "0.278", "0.188")),  # NIIT on ST and LT
        (MFJ, "250000", "250000", ("0.24", "0.24", "0.15")),  # MAGI at threshold: no NIIT
        (MFJ, "80000", "80000", ("0.12", "0.12", "0")),  # inside the 0% LTCG band
        (MFJ, "24800", "24800", ("0.10", "0.10", "0")),  # breakpoint uses the lower bracket
        (MFJ, "900000", "900000", ("0.37", "0.408", "0.238")),  # the R7.5 top rates
        (SINGLE, "600000", "600000", ("0.35", "0.388", "0.238")),
        (MFS, "150000", "130000", ("0.24", "0.278", "0.188")),  # MFS NIIT over $125,000
        (HOH, "60000", "60000", ("0.12", "0.12", "0")),
        (SINGLE, "0", "0", ("0.10", "0.10", "0")),
    ],
)
def test_marginal_rates_include_niit_over_the_threshold(status, income, magi, rates):
    assert marginal_rates(status, D(income), D(magi)) == tuple(D(r) for r in rates)


# --- filing status and year -----------------------------------------------------------------


def test_unknown_filing_status_names_the_field():
    with pytest.raises(InputError) as err:
        ordinary_tax("married", D(1000))
    assert err.value.field == "filing_status"


def test_tables_are_keyed_by_year_and_an_unknown_year_is_a_clear_error():
    assert 2026 in TABLES
    assert ordinary_tax(MFJ, D(250000), year=2026) == D(45196)
    with pytest.raises(UnknownYearError) as err:
        ordinary_tax(MFJ, D(250000), year=2019)
    assert err.value.field == "year"
    assert "2019" in str(err.value) and "2026" in str(err.value)
    for call in (
        lambda: ltcg_split(MFJ, D(1), D(1), year=2019),
        lambda: niit(MFJ, D(1), D(1), year=2019),
        lambda: marginal_rates(MFJ, D(1), D(1), year=2019),
    ):
        with pytest.raises(UnknownYearError):
            call()


def test_every_status_has_monotonic_brackets():
    for year, by_status in tables.TABLES.items():
        assert set(by_status) == set(FILING_STATUSES), year
        for table in by_status.values():
            for brackets in (table.ordinary, table.ltcg):
                tops = [b.up_to for b in brackets[:-1]]
                assert tops == sorted(tops) and brackets[-1].up_to is None
