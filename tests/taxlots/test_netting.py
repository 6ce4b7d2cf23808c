"""Schedule D netting, the loss limit, carryovers and the C9 tax-savings model (TAX_RULES §7).

Rates in these tests, unless a test says otherwise: ordinary 37%, ST 40.8%, LT 23.8%
(the R7.5 worked example's top rates, NIIT included in ST/LT).
"""

from dataclasses import FrozenInstanceError, replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolios.taxlots.money import InputError
from portfolios.taxlots.netting import (
    NettingInput,
    loss_limit,
    marginal_savings,
    net_capital,
)

D = Decimal
MFJ = "married_filing_jointly"
MFS = "married_filing_separately"


def inp(**kw) -> NettingInput:
    """A NettingInput with zero amounts and the R7.5 rates, overridden by keyword."""
    values = {
        "filing_status": MFJ,
        "st_gains": D(0),
        "st_losses": D(0),
        "lt_gains": D(0),
        "lt_losses": D(0),
        "carryforward_st": D(0),
        "carryforward_lt": D(0),
        "ordinary_rate": D("0.37"),
        "lt_rate": D("0.238"),
        "st_rate": D("0.408"),
    }
    values.update({k: v if k == "filing_status" else D(v) for k, v in kw.items()})
    return NettingInput(**values)


# --- R7.5 worked example (C9) ---------------------------------------------------------------


def test_r7_5_worked_example_short_term_losses():
    """$74,000 ST harvested, $55,000 LT gains: 55,000×23.8% = 13,090 + 3,000×37% = 1,110
    → $14,200 saved; 74,000 − 55,000 − 3,000 = $16,000 carried forward short-term."""
    r = net_capital(inp(st_losses=35000 + 22000 + 17000, lt_gains=55000))
    assert r.net_st == D(-74000)
    assert r.net_lt == D(55000)
    assert r.combined == D(-19000)
    assert r.deduction_against_ordinary == D(3000)
    assert (r.carryforward_st, r.carryforward_lt) == (D(16000), D(0))
    assert (r.st_gain_taxed, r.lt_gain_taxed) == (D(0), D(0))
    assert r.tax_without == D(13090)
    assert r.tax_with == D(-1110)
    assert r.tax_savings == D(14200)
    ws = r.worksheet
    assert (ws.l2, ws.l4, ws.l5, ws.l6, ws.l7, ws.l8) == (3000, 3000, 74000, 55000, 58000, 16000)
    assert ws.l9 is None and ws.l13 is None  # line 15 is not a loss: lines 9-13 skipped


def test_r7_5_worked_example_long_term_losses():
    """The same $74,000 harvested long-term: it nets inside Part II (line 15 = −19,000),
    the $14,200 saving is unchanged and the $16,000 carries forward long-term."""
    r = net_capital(inp(lt_losses=74000, lt_gains=55000))
    assert (r.net_st, r.net_lt, r.combined) == (D(0), D(-19000), D(-19000))
    assert r.deduction_against_ordinary == D(3000)
    assert (r.carryforward_st, r.carryforward_lt) == (D(0), D(16000))
    assert r.tax_savings == D(14200)
    ws = r.worksheet
    assert ws.l5 is None  # line 7 is not a loss: lines 5-8 skipped
    assert (ws.l9, ws.l10, ws.l11, ws.l12, ws.l13) == (19000, 0, 3000, 3000, 16000)


def test_r7_5_schedule_d_lines_are_signed_as_on_the_form():
    r = net_capital(inp(st_losses=74000, lt_gains=55000, carryforward_lt=1000))
    sd = r.schedule_d
    assert (sd.line_6, sd.line_7, sd.line_14, sd.line_15) == (0, -74000, -1000, 54000)
    assert (sd.line_16, sd.line_21) == (-20000, -3000)


# --- R7.1 netting order ---------------------------------------------------------------------


def test_r7_1_lines_7_15_16_include_carryovers():
    """line 7 = 12,000 − 2,000 − 4,000 = 6,000; line 15 = 9,000 − 1,000 − 3,000 = 5,000."""
    r = net_capital(
        inp(
            st_gains=12000,
            st_losses=2000,
            carryforward_st=4000,
            lt_gains=9000,
            lt_losses=1000,
            carryforward_lt=3000,
        )
    )
    assert (r.net_st, r.net_lt, r.combined) == (D(6000), D(5000), D(11000))
    assert r.deduction_against_ordinary == 0 and r.worksheet is None
    assert (r.carryforward_st, r.carryforward_lt) == (0, 0)
    # C9: tax_without ignores the carryovers; tax_with is on what is left after netting.
    assert r.tax_without == D(12000) * D("0.408") + D(9000) * D("0.238")
    assert r.tax_with == D(6000) * D("0.408") + D(5000) * D("0.238")


# --- R7.2 cross-netting ---------------------------------------------------------------------


def test_r7_2_lt_loss_offsets_st_gain_and_the_rest_is_ordinary():
    """ST +10,000, LT −4,000: 6,000 of ST gain left, taxed at 40.8%.
    tax_without 4,080; tax_with 2,448; saved 1,632 (4,000 × 40.8%)."""
    r = net_capital(inp(st_gains=10000, lt_losses=4000))
    assert (r.net_st, r.net_lt, r.combined) == (D(10000), D(-4000), D(6000))
    assert (r.st_gain_taxed, r.lt_gain_taxed) == (D(6000), D(0))
    assert (r.tax_without, r.tax_with, r.tax_savings) == (D(4080), D(2448), D(1632))
    assert (r.deduction_against_ordinary, r.carryforward_st, r.carryforward_lt) == (0, 0, 0)


def test_r7_2_st_loss_offsets_lt_gain_and_the_rest_is_net_capital_gain():
    """ST −4,000, LT +10,000: 6,000 of LT gain left at 23.8%.
    tax_without 2,380; tax_with 1,428; saved 952 (4,000 × 23.8%)."""
    r = net_capital(inp(st_losses=4000, lt_gains=10000))
    assert (r.st_gain_taxed, r.lt_gain_taxed) == (D(0), D(6000))
    assert (r.tax_without, r.tax_with, r.tax_savings) == (D(2380), D(1428), D(952))


def test_r7_2_two_gains_are_taxed_each_at_its_own_rate():
    r = net_capital(inp(st_gains=1000, lt_gains=2000))
    assert (r.st_gain_taxed, r.lt_gain_taxed) == (D(1000), D(2000))
    assert r.tax_savings == 0


def test_r7_2_loss_exactly_equal_to_gain_leaves_nothing():
    r = net_capital(inp(st_losses=5000, lt_gains=5000))
    assert r.combined == 0 and r.deduction_against_ordinary == 0 and r.worksheet is None
    assert (r.carryforward_st, r.carryforward_lt) == (0, 0)
    assert r.tax_savings == D(5000) * D("0.238")


# --- R7.3 the $3,000 / $1,500 limit ---------------------------------------------------------


def test_r7_3_mfs_limit_is_1500():
    """MFS, $10,000 ST loss: $1,500 deducted, $8,500 carried short-term."""
    r = net_capital(inp(filing_status=MFS, st_losses=10000))
    assert r.deduction_against_ordinary == D(1500)
    assert (r.carryforward_st, r.carryforward_lt) == (D(8500), D(0))
    assert r.tax_savings == D(1500) * D("0.37")
    assert r.schedule_d.line_21 == D(-1500)


@pytest.mark.parametrize(
    ("status", "limit"),
    [
        ("single", 3000),
        ("married_filing_jointly", 3000),
        ("head_of_household", 3000),
        ("married_filing_separately", 1500),
    ],
)
def test_r7_3_limit_per_return_not_per_spouse(status, limit):
    assert loss_limit(status) == limit
    assert (
        net_capital(inp(filing_status=status, lt_losses=50000)).deduction_against_ordinary == limit
    )


def test_r7_3_loss_smaller_than_the_limit_is_deducted_in_full():
    r = net_capital(inp(st_losses=1200))
    assert r.deduction_against_ordinary == D(1200)
    assert (r.carryforward_st, r.carryforward_lt) == (0, 0)


# --- R7.4 carryover worksheet: character kept, ST used first --------------------------------


def test_r7_4_st_loss_with_lt_gain_carries_short_term():
    """line 7 −20,000, line 15 +5,000: L5 20,000, L6 5,000, L7 = 3,000 + 5,000 = 8,000,
    L8 = 12,000 ST; nothing LT."""
    r = net_capital(inp(st_losses=20000, lt_gains=5000))
    ws = r.worksheet
    assert (ws.l5, ws.l6, ws.l7, ws.l8) == (20000, 5000, 8000, 12000)
    assert (r.carryforward_st, r.carryforward_lt) == (D(12000), D(0))


def test_r7_4_lt_loss_with_st_gain_carries_long_term():
    """line 7 +5,000, line 15 −20,000: L9 20,000, L10 5,000, L11 = 3,000 − 0 = 3,000,
    L12 8,000, L13 = 12,000 LT; nothing ST."""
    r = net_capital(inp(st_gains=5000, lt_losses=20000))
    ws = r.worksheet
    assert ws.l5 is None
    assert (ws.l9, ws.l10, ws.l11, ws.l12, ws.l13) == (20000, 5000, 3000, 8000, 12000)
    assert (r.carryforward_st, r.carryforward_lt) == (D(0), D(12000))


def test_r7_4_both_losses_the_deduction_comes_from_short_term_first():
    """ST −5,000, LT −10,000: the $3,000 comes out of ST → 2,000 ST and all 10,000 LT carry
    (L8 = 5,000 − 3,000; L11 = max(0, 3,000 − 5,000) = 0, L13 = 10,000)."""
    r = net_capital(inp(st_losses=5000, lt_losses=10000))
    assert (r.carryforward_st, r.carryforward_lt) == (D(2000), D(10000))
    assert (r.worksheet.l8, r.worksheet.l11, r.worksheet.l13) == (2000, 0, 10000)


def test_r7_4_both_losses_st_smaller_than_deduction_rest_from_long_term():
    """ST −1,000, LT −10,000: ST absorbs 1,000 of the deduction, LT the other 2,000
    (L11 = 3,000 − 1,000 = 2,000) → 0 ST and 8,000 LT carry."""
    r = net_capital(inp(st_losses=1000, lt_losses=10000))
    assert (r.carryforward_st, r.carryforward_lt) == (D(0), D(8000))
    assert r.worksheet.l11 == 2000


def test_r7_4_incoming_carryovers_keep_their_character():
    """ST carryover 4,000 vs 1,000 ST gain (line 7 −3,000), LT carryover 6,000 (line 15
    −6,000): the deduction uses the 3,000 ST loss; 6,000 LT carries on."""
    r = net_capital(inp(st_gains=1000, carryforward_st=4000, carryforward_lt=6000))
    assert (r.net_st, r.net_lt) == (D(-3000), D(-6000))
    assert (r.carryforward_st, r.carryforward_lt) == (D(0), D(6000))


@pytest.mark.parametrize(
    ("taxable_income", "l3", "l4", "carry_st", "tax_with"),
    [
        # L1 −2,000: L3 = 1,000 = L4 → L8 = 10,000 − 1,000 = 9,000; saves 1,000 × 37%
        ("-2000", 1000, 1000, 9000, "-370"),
        # L1 −5,000: L3 = max(0, −2,000) = 0 → nothing used, everything carries
        ("-5000", 0, 0, 10000, "0"),
        # L1 0: the whole 3,000 was absorbed (L1 is after the deduction)
        ("0", 3000, 3000, 7000, "-1110"),
        ("150000", 153000, 3000, 7000, "-1110"),
    ],
)
def test_r7_4_small_or_negative_taxable_income_shrinks_l4(
    taxable_income, l3, l4, carry_st, tax_with
):
    r = net_capital(inp(st_losses=10000, taxable_income=taxable_income))
    ws = r.worksheet
    assert (ws.l1, ws.l2, ws.l3, ws.l4) == (D(taxable_income), 3000, l3, l4)
    assert r.deduction_against_ordinary == 3000  # line 21 itself does not shrink
    assert r.deduction_used == l4
    assert (r.carryforward_st, r.carryforward_lt) == (D(carry_st), D(0))
    assert r.tax_with == D(tax_with)


def test_r7_4_negative_taxable_income_with_lt_loss_carries_more_long_term():
    """LT −10,000, L1 −1,000: L4 = 2,000, L11 = 2,000, L13 = 8,000."""
    r = net_capital(inp(lt_losses=10000, taxable_income="-1000"))
    assert (r.worksheet.l4, r.worksheet.l11, r.worksheet.l13) == (2000, 2000, 8000)
    assert r.carryforward_lt == D(8000)


def test_r7_4_without_taxable_income_l4_equals_l2():
    r = net_capital(inp(st_losses=10000))
    assert r.worksheet.l1 is None and r.worksheet.l3 is None
    assert r.worksheet.l4 == r.worksheet.l2 == 3000


# --- properties -----------------------------------------------------------------------------

cents = st.integers(min_value=0, max_value=10**9).map(lambda c: D(c).scaleb(-2))
rates = st.integers(min_value=0, max_value=1000).map(lambda r: D(r).scaleb(-3))


@st.composite
def netting_inputs(draw):
    return NettingInput(
        filing_status=draw(st.sampled_from(["single", MFJ, MFS, "head_of_household"])),
        st_gains=draw(cents),
        st_losses=draw(cents),
        lt_gains=draw(cents),
        lt_losses=draw(cents),
        carryforward_st=draw(cents),
        carryforward_lt=draw(cents),
        ordinary_rate=draw(rates),
        lt_rate=draw(rates),
        st_rate=draw(rates),
        taxable_income=draw(st.none() | cents.map(lambda c: c - D(20000))),
    )


@given(netting_inputs())
def test_r7_4_every_loss_dollar_is_deducted_or_carried_exactly_once(i):
    r = net_capital(i)
    assert r.carryforward_st >= 0 and r.carryforward_lt >= 0
    assert 0 <= r.deduction_used <= r.deduction_against_ordinary <= loss_limit(i.filing_status)
    net_loss = max(D(0), -r.combined)
    assert r.deduction_used + r.carryforward_st + r.carryforward_lt == net_loss
    # Character: an ST carryover only from an ST loss, an LT one only from an LT loss.
    assert r.carryforward_st <= max(D(0), -r.net_st)
    assert r.carryforward_lt <= max(D(0), -r.net_lt)


@given(netting_inputs())
def test_r7_5_savings_never_negative_and_tax_equation_holds(i):
    r = net_capital(i)
    assert r.tax_savings == r.tax_without - r.tax_with >= 0
    assert r.st_gain_taxed + r.lt_gain_taxed == max(D(0), r.combined)


@given(netting_inputs(), cents, cents)
def test_marginal_savings_is_never_negative(i, extra_st, extra_lt):
    assert marginal_savings(i, extra_st, extra_lt) >= 0


# --- marginal_savings (FORMATS §6 estimated_tax_savings) ------------------------------------


def test_marginal_savings_worked_example():
    """Base: $55,000 LT gains, no losses. Adding $74,000 ST losses saves $14,200 (R7.5)."""
    base = inp(lt_gains=55000)
    assert marginal_savings(base, D(74000), D(0)) == D(14200)
    assert marginal_savings(base, D(0), D(74000)) == D(14200)


def test_marginal_savings_formats_6_example():
    """FORMATS §6: a $35,000 LT harvest against $55,000 LT gains saves 35,000 × 23.8% = 8,330."""
    assert marginal_savings(inp(lt_gains=55000), D(0), D(35000)) == D(8330)


def test_marginal_savings_is_this_years_delta_of_tax_with():
    """Harvesting in two steps saves the same in total as in one (13,090 + 1,110 split)."""
    base = inp(lt_gains=55000)
    first = marginal_savings(base, D(35000), D(0))
    second = marginal_savings(replace(base, st_losses=D(35000)), D(39000), D(0))
    assert first == D(35000) * D("0.238")
    assert first + second == marginal_savings(base, D(74000), D(0)) == D(14200)
    # Once the gains are gone and the $3,000 is used, a further loss saves nothing this year.
    assert marginal_savings(replace(base, st_losses=D(74000)), D(5000), D(0)) == 0


def test_marginal_savings_of_nothing_is_zero_and_negative_extra_refused():
    base = inp(st_gains=1000)
    assert marginal_savings(base, D(0), D(0)) == 0
    with pytest.raises(InputError) as err:
        marginal_savings(base, D(-1), D(0))
    assert err.value.field == "extra_st_losses"


# --- the input value --------------------------------------------------------------------------


def test_netting_input_is_frozen_and_exact():
    i = inp(st_losses=1)
    with pytest.raises(FrozenInstanceError):
        i.st_losses = D(2)
    assert isinstance(NettingInput(MFJ, 0, 0, 0, 0, 0, 0, 0, 0, 0).st_gains, Decimal)


@pytest.mark.parametrize("field", ["st_gains", "lt_losses", "carryforward_st", "st_rate"])
def test_netting_input_refuses_negative_amounts_naming_the_field(field):
    with pytest.raises(InputError) as err:
        inp(**{field: -1})
    assert err.value.field == field


def test_netting_input_refuses_floats_and_bad_status():
    with pytest.raises(InputError) as err:
        replace(inp(), lt_gains=55000.0)
    assert err.value.field == "lt_gains"
    with pytest.raises(InputError) as err:
        inp(filing_status="joint")
    assert err.value.field == "filing_status"
    with pytest.raises(InputError) as err:
        inp(ordinary_rate=37)
    assert err.value.field == "ordinary_rate"
