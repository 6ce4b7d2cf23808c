"""The replay, rule by rule (TAX_RULES.md §1-§6 and the [C] conventions).

Each case is a small ledger (see `ledgertext.py`); rows are Form 8949 rows and lots the
reported open lots, written as strings so the expected answer reads like the rule.
"""

from datetime import date
from decimal import Decimal, localcontext

import pytest

from portfolios.taxlots.replay import replay
from tests.taxlots.ledgertext import lots, parse, rows, run

D = date.fromisoformat
Q = Decimal

TAX = "account P-TAX primary taxable\n"


# --- worked examples from the primary sources ----------------------------------------


def test_pub550_example1_full_wash_sale_ws01():
    """Pub. 550 Ex. 1: $1,000 basis sold for $750, rebought for $800 → basis $1,050."""
    r = run(TAX + """
        2025-01-06 P-TAX BUY  X 100 @ 10.00
        2025-03-10 P-TAX SELL X 100 @ 7.50
        2025-03-25 P-TAX BUY  X 100 @ 8.00
    """)
    assert rows(r) == [
        "P-TAX X 100 acq 2025-01-06 sold 2025-03-10 proceeds 750.00 basis 1000.00"
        " W 250.00 gain 0.00 short"
    ]
    assert lots(r) == ["P-TAX X 100 basis 1050.00 acq 2025-01-21"]


def test_reg_1091_1h_example1_buying_first_doubling_up():
    """Reg. §1.1091-1(h) Ex. 1: the Dec 15 purchase 19 days *before* the sale washes it."""
    r = run(TAX + """
        1954-12-01 P-TAX BUY  M 100 @ 100
        1954-12-15 P-TAX BUY  M 100 @ 90
        1955-01-03 P-TAX SELL M 100 @ 90 lot 1954-12-01
    """)
    assert rows(r) == [
        "P-TAX M 100 acq 1954-12-01 sold 1955-01-03 proceeds 9000.00 basis 10000.00"
        " W 1000.00 gain 0.00 short"
    ]
    # R4.3: bought before the sale → start = the sold shares' start
    assert lots(r) == ["P-TAX M 100 basis 10000.00 acq 1954-12-01"]


def test_reg_1091_1h_example2_fewer_shares_bought_than_sold_r2_3():
    """Ex. 2: 75 replacement shares for 100 sold: $750 of the $1,000 loss disallowed,
    bases $2,750 + $500 = $3,250 and $1,125 + $250 = $1,375."""
    r = run(TAX + """
        1954-09-21 P-TAX BUY  M 100 @ 50
        1954-12-21 P-TAX BUY  M 50 @ 55
        1954-12-27 P-TAX BUY  M 25 @ 45
        1955-01-03 P-TAX SELL M 100 @ 40 lot 1954-09-21
    """)
    assert rows(r) == [
        "P-TAX M 100 acq 1954-09-21 sold 1955-01-03 proceeds 4000.00 basis 5000.00"
        " W 750.00 gain -250.00 short"
    ]
    assert [(m.replacement_date, m.quantity, m.disallowed) for m in r.sales[0].matches] == [
        (D("1954-12-21"), 50, 500),
        (D("1954-12-27"), 25, 250),
    ]
    assert lots(r) == [
        "P-TAX M 50 basis 3250.00 acq 1954-09-21",
        "P-TAX M 25 basis 1375.00 acq 1954-09-21",
    ]


def test_reg_1091_1h_example3_more_shares_bought_first_ones_replace_r2_3_r4_2():
    """Ex. 3: 200 shares bought after a 100-share loss: the Feb 15 and Feb 16 blocks are
    the replacements and their holding period includes the sold shares' period."""
    r = run(TAX + """
        1954-09-15 P-TAX BUY  M 100 @ 50
        1956-02-01 P-TAX SELL M 100 @ 40
        1956-02-15 P-TAX BUY  M 50 @ 40
        1956-02-16 P-TAX BUY  M 50 @ 40
        1956-02-17 P-TAX BUY  M 50 @ 40
        1956-02-18 P-TAX BUY  M 50 @ 40
        1956-03-01 P-TAX SELL M 50 @ 60
    """)
    assert rows(r) == [
        "P-TAX M 100 acq 1954-09-15 sold 1956-02-01 proceeds 4000.00 basis 5000.00"
        " W 1000.00 gain 0.00 long",
        # the tacked Feb 15 block is long-term two weeks after its purchase (R4.2)
        "P-TAX M 50 acq 1954-09-29 sold 1956-03-01 proceeds 3000.00 basis 2500.00"
        " gain 500.00 long",
    ]
    assert lots(r) == [
        "P-TAX M 50 basis 2500.00 acq 1954-09-30",
        "P-TAX M 50 basis 2000.00 acq 1956-02-17",
        "P-TAX M 50 basis 2000.00 acq 1956-02-18",
    ]


def test_pub550_more_or_less_stock_example1_fewer_bought():
    """Pub. 550 'More or less stock bought than sold', Ex. 1 (modern dates of Reg. Ex. 2)."""
    r = run(TAX + """
        2022-09-21 P-TAX BUY  M 100 @ 50
        2022-12-21 P-TAX BUY  M 50 @ 55
        2022-12-27 P-TAX BUY  M 25 @ 45
        2023-01-04 P-TAX SELL M 100 @ 40
    """)
    assert rows(r) == [
        "P-TAX M 100 acq 2022-09-21 sold 2023-01-04 proceeds 4000.00 basis 5000.00"
        " W 750.00 gain -250.00 short"
    ]
    assert lots(r) == [
        "P-TAX M 50 basis 3250.00 acq 2022-09-21",
        "P-TAX M 25 basis 1375.00 acq 2022-09-21",
    ]


def test_pub550_more_or_less_stock_example2_more_bought():
    """Pub. 550 Ex. 2: half the $1,000 to the Feb 12 block, half to the Feb 13 block."""
    r = run(TAX + """
        2022-09-24 P-TAX BUY  M 100 @ 50
        2023-02-01 P-TAX SELL M 100 @ 40
        2023-02-12 P-TAX BUY  M 50 @ 41
        2023-02-13 P-TAX BUY  M 50 @ 41
        2023-02-14 P-TAX BUY  M 50 @ 41
        2023-02-15 P-TAX BUY  M 50 @ 41
    """)
    assert rows(r) == [
        "P-TAX M 100 acq 2022-09-24 sold 2023-02-01 proceeds 4000.00 basis 5000.00"
        " W 1000.00 gain 0.00 short"
    ]
    assert lots(r) == [
        "P-TAX M 50 basis 2550.00 acq 2022-10-05",
        "P-TAX M 50 basis 2550.00 acq 2022-10-06",
        "P-TAX M 50 basis 2050.00 acq 2023-02-14",
        "P-TAX M 50 basis 2050.00 acq 2023-02-15",
    ]


@pytest.mark.parametrize(
    ("price", "basis"),
    [("90", "110.00"), ("70", "90.00")],
    ids=["ex1_rebought_higher", "ex2_rebought_lower"],
)
def test_reg_1091_2_examples_replacement_basis_r3_1(price, basis):
    """Reg. §1.1091-2: $100 basis sold at $80; rebought at $90 → $110, at $70 → $90."""
    r = run(TAX + f"""
        1954-06-01 P-TAX BUY  X 1 @ 100
        1955-01-15 P-TAX SELL X 1 @ 80
        1955-02-01 P-TAX BUY  X 1 @ {price}
    """)
    assert rows(r)[0].endswith("W 20.00 gain 0.00 short")
    assert lots(r) == [f"P-TAX X 1 basis {basis} acq 1954-06-18"]


def test_pub550_loss_and_gain_on_the_same_day_rows_stay_separate():
    """Pub. 550 (2012): a washed block's loss cannot reduce the gain on the other blocks."""
    r = run(TAX + """
        2007-03-01 P-TAX BUY  X 100 @ 158
        2007-06-01 P-TAX BUY  X 100 @ 100
        2007-09-04 P-TAX BUY  X 100 @ 95
        2012-12-23 P-TAX SELL X 300 @ 125
        2013-01-06 P-TAX BUY  X 250 @ 120
    """)
    assert rows(r) == [
        "P-TAX X 100 acq 2007-03-01 sold 2012-12-23 proceeds 12500.00 basis 15800.00"
        " W 3300.00 gain 0.00 long",
        "P-TAX X 100 acq 2007-06-01 sold 2012-12-23 proceeds 12500.00 basis 10000.00"
        " gain 2500.00 long",
        "P-TAX X 100 acq 2007-09-04 sold 2012-12-23 proceeds 12500.00 basis 9500.00"
        " gain 3000.00 long",
    ]
    assert lots(r) == [
        "P-TAX X 100 basis 15300.00 acq 2007-03-15",
        "P-TAX X 150 basis 18000.00 acq 2013-01-06",
    ]


# --- R1: when a loss is a wash sale --------------------------------------------------


@pytest.mark.parametrize(
    ("bought", "washed"),
    [
        ("2025-02-07", False),  # sale − 31
        ("2025-02-08", True),  # sale − 30
        ("2025-04-09", True),  # sale + 30
        ("2025-04-10", False),  # sale + 31
    ],
    ids=["minus31_outside", "minus30_inside", "plus30_inside", "plus31_outside"],
)
def test_r1_1_window_is_30_days_each_side_inclusive(bought, washed):
    sale = "2025-03-10 P-TAX SELL X 100 @ 7.5"
    buy = f"{bought} P-TAX BUY  X 100 @ 9"
    r = run(TAX + "2024-06-03 P-TAX BUY X 100 @ 10\n" + "\n".join(sorted([sale, buy])))
    (sale_row,) = rows(r)
    assert sale_row.startswith("P-TAX X 100 acq 2024-06-03 sold 2025-03-10")
    assert ("W 250.00" in sale_row) is washed


@pytest.mark.parametrize(("bought", "washed"), [("2026-03-01", True), ("2026-03-02", False)])
def test_r1_1_month_end_crossing_jan_30_to_mar_1_is_30_days(bought, washed):
    r = run(TAX + f"""
        2025-06-02 P-TAX BUY  X 100 @ 10
        2026-01-30 P-TAX SELL X 100 @ 8
        {bought} P-TAX BUY  X 100 @ 8.5
    """)
    assert (r.sales[0].adjustment_amount == 200) is washed


@pytest.mark.parametrize("buy_first", [True, False], ids=["buy_listed_before", "buy_listed_after"])
def test_r1_1_same_day_purchase_is_inside_whether_entered_before_or_after(buy_first):
    buy = "2025-03-10 P-TAX BUY X 100 @ 7.5"
    sell = "2025-03-10 P-TAX SELL X 100 @ 7.5"
    r = run(TAX + "2025-01-06 P-TAX BUY X 100 @ 10\n" + (
        f"{buy}\n{sell}" if buy_first else f"{sell}\n{buy}"
    ))
    assert rows(r) == [
        "P-TAX X 100 acq 2025-01-06 sold 2025-03-10 proceeds 750.00 basis 1000.00"
        " W 250.00 gain 0.00 short"
    ]
    assert lots(r) == ["P-TAX X 100 basis 1000.00 acq 2025-01-06"]


def test_r1_2_dividend_reinvestment_is_a_purchase_partial_wash():
    """2.5 reinvested shares 11 days before the sale disallow 2.5/100 of a $200 loss."""
    r = run(TAX + """
        2025-01-06 P-TAX BUY      X 100 @ 10
        2025-03-03 P-TAX REINVEST X 2.5 @ 8
        2025-03-14 P-TAX SELL     X 100 @ 8
    """)
    assert rows(r) == [
        "P-TAX X 100 acq 2025-01-06 sold 2025-03-14 proceeds 800.00 basis 1000.00"
        " W 5.00 gain -195.00 short"
    ]
    assert lots(r) == ["P-TAX X 2.5 basis 25.00 acq 2025-01-06"]


def test_r1_2_transfer_in_is_not_an_acquisition_but_creates_a_lot():
    r = run(TAX + """
        2025-01-02 P-TAX BUY         X 100 @ 10
        2025-03-03 P-TAX SELL        X 100 @ 8
        2025-03-10 P-TAX TRANSFER_IN X 100 basis 500 acquired 2020-01-15
    """)
    assert rows(r) == [
        "P-TAX X 100 acq 2025-01-02 sold 2025-03-03 proceeds 800.00 basis 1000.00"
        " gain -200.00 short"
    ]
    assert lots(r) == ["P-TAX X 100 basis 500.00 acq 2020-01-15"]


def test_r1_3_gains_never_wash():
    r = run(TAX + """
        2025-01-02 P-TAX BUY  X 100 @ 10
        2025-03-03 P-TAX SELL X 100 @ 12
        2025-03-10 P-TAX BUY  X 100 @ 11
    """)
    assert rows(r) == [
        "P-TAX X 100 acq 2025-01-02 sold 2025-03-03 proceeds 1200.00 basis 1000.00"
        " gain 200.00 short"
    ]
    assert lots(r) == ["P-TAX X 100 basis 1100.00 acq 2025-03-10"]


def test_r1_3_r3_5_adjusted_basis_makes_a_washable_loss_and_chains():
    """The replacement (basis $1,050) sold for $1,000 is a loss although the price rose;
    it is washed again, and over the chain the reported result is the economic one."""
    r = run(TAX + """
        2025-01-02 P-TAX BUY  X 100 @ 10
        2025-02-03 P-TAX SELL X 100 @ 9
        2025-02-10 P-TAX BUY  X 100 @ 9.5
        2025-03-03 P-TAX SELL X 100 @ 10
        2025-03-20 P-TAX BUY  X 100 @ 10.2
        2025-05-01 P-TAX SELL X 100 @ 11
    """)
    assert rows(r) == [
        "P-TAX X 100 acq 2025-01-02 sold 2025-02-03 proceeds 900.00 basis 1000.00"
        " W 100.00 gain 0.00 short",
        "P-TAX X 100 acq 2025-01-09 sold 2025-03-03 proceeds 1000.00 basis 1050.00"
        " W 50.00 gain 0.00 short",
        "P-TAX X 100 acq 2025-01-26 sold 2025-05-01 proceeds 1100.00 basis 1070.00"
        " gain 30.00 short",
    ]
    assert sum(s.gain_loss for s in r.sales) == Q(3000) - Q(2970)  # cash out − cash in
    assert lots(r) == []


def test_r1_4_spouse_taxable_replacement_gets_basis_and_tacking_c10():
    r = run(TAX + """
        account S-TAX spouse taxable
        2025-01-06 P-TAX BUY  X 100 @ 10.00
        2025-03-10 P-TAX SELL X 100 @ 7.50
        2025-03-25 S-TAX BUY  X 100 @ 8.00
    """)
    assert rows(r) == [
        "P-TAX X 100 acq 2025-01-06 sold 2025-03-10 proceeds 750.00 basis 1000.00"
        " W 250.00 gain 0.00 short"
    ]
    assert r.sales[0].matches[0].basis_added is True
    assert lots(r) == ["S-TAX X 100 basis 1050.00 acq 2025-01-21"]


def _retirement_case(account_line: str, account: str):
    """Rev. Rul. 2008-5 facts (WS-06): the replacement is bought in a retirement account."""
    return run(TAX + account_line + f"""
        2005-03-01 P-TAX BUY  X 100 @ 10.00
        2007-12-20 P-TAX SELL X 100 @ 6.00
        2007-12-21 {account} BUY X 100 @ 6.05
    """)


def _assert_lost_for_good(r, account):
    """R2.6: code W stays; R3.2: no basis increase, plain purchase date."""
    assert rows(r) == [
        "P-TAX X 100 acq 2005-03-01 sold 2007-12-20 proceeds 600.00 basis 1000.00"
        " W 400.00 gain 0.00 long"
    ]
    assert r.sales[0].matches[0].basis_added is False
    assert lots(r) == [f"{account} X 100 basis 605.00 acq 2007-12-21"]


def test_r1_4_traditional_ira_replacement_rev_rul_2008_5_ws06():
    r = _retirement_case("account P-IRA primary traditional_ira\n", "P-IRA")
    _assert_lost_for_good(r, "P-IRA")


def test_r1_4_roth_ira_replacement_disallows_without_basis():
    r = _retirement_case("account P-ROTH primary roth_ira\n", "P-ROTH")
    _assert_lost_for_good(r, "P-ROTH")


def test_c5_401k_purchase_is_treated_like_an_ira():
    r = _retirement_case("account P-401K primary 401k\n", "P-401K")
    _assert_lost_for_good(r, "P-401K")


def test_c6_spouse_ira_purchase_triggers_like_spouse_and_adds_no_basis():
    r = _retirement_case("account S-IRA spouse traditional_ira\n", "S-IRA")
    _assert_lost_for_good(r, "S-IRA")


def test_r2_6_code_w_stays_when_the_loss_is_lost_for_good():
    r = _retirement_case("account P-IRA primary traditional_ira\n", "P-IRA")
    (sale,) = r.form_8949
    assert (sale.adjustment_code, sale.adjustment_amount, sale.gain_loss) == ("W", 400, 0)


def test_r1_4_another_taxable_account_of_the_taxpayer_washes():
    """Any account of the taxpayer, at any broker (brokers only see their own account)."""
    r = run(TAX + """
        account P-TAX2 primary taxable
        2025-01-06 P-TAX  BUY  X 100 @ 10.00
        2025-03-10 P-TAX  SELL X 100 @ 7.50
        2025-03-25 P-TAX2 BUY  X 100 @ 8.00
    """)
    assert rows(r)[0].endswith("W 250.00 gain 0.00 short")
    assert lots(r) == ["P-TAX2 X 100 basis 1050.00 acq 2025-01-21"]


def test_r1_4_retirement_replacement_partly_used_is_one_plain_lot_c7():
    """150 IRA shares, 100 of them used as replacements: one lot, plain cost and date."""
    r = run(TAX + """
        account P-IRA primary traditional_ira
        2025-01-06 P-TAX BUY  X 100 @ 10
        2025-03-10 P-TAX SELL X 100 @ 7.50
        2025-03-11 P-IRA BUY  X 150 @ 7.60
        2025-03-20 P-TAX BUY  X 100 @ 7.70
    """)
    assert rows(r)[0].endswith("W 250.00 gain 0.00 short")
    assert lots(r) == [
        "P-IRA X 150 basis 1140.00 acq 2025-03-11",
        # R2.4: the IRA shares absorbed the loss, so the later taxable buy stays clean
        "P-TAX X 100 basis 770.00 acq 2025-03-20",
    ]


def test_r1_5_identical_groups_wash_across_symbols_default_same_symbol_only():
    ledger = TAX + """
        2025-01-06 P-TAX BUY  VOO 10 @ 500
        2025-03-10 P-TAX SELL VOO 10 @ 450
        2025-03-12 P-TAX BUY  IVV 10 @ 460
    """
    assert rows(run(ledger))[0].endswith("gain -500.00 short")
    grouped = run(ledger + "group VOO IVV SPY\n")
    assert rows(grouped)[0].endswith("W 500.00 gain 0.00 short")
    assert lots(grouped) == ["P-TAX IVV 10 basis 5100.00 acq 2025-01-08"]


def test_r1_6_retirement_account_losses_are_not_reported_and_wash_nothing():
    r = run(TAX + """
        account P-IRA primary traditional_ira
        2025-01-06 P-IRA BUY  X 100 @ 10
        2025-03-10 P-IRA SELL X 100 @ 8
        2025-03-12 P-TAX BUY  X 100 @ 8
    """)
    assert rows(r) == []
    (sale,) = r.sales
    assert (sale.account_type, sale.is_reportable, sale.matches) == ("traditional_ira", False, ())
    assert sale.gain_loss == -200
    assert lots(r) == ["P-TAX X 100 basis 800.00 acq 2025-03-12"]


def test_r5_year_end_crossing_december_loss_january_purchase():
    r = run(TAX + """
        2025-06-02 P-TAX BUY  X 100 @ 10
        2025-12-22 P-TAX SELL X 100 @ 9
        2026-01-15 P-TAX BUY  X 100 @ 9.5
    """)
    assert rows(r) == [
        "P-TAX X 100 acq 2025-06-02 sold 2025-12-22 proceeds 900.00 basis 1000.00"
        " W 100.00 gain 0.00 short"
    ]
    assert lots(r) == ["P-TAX X 100 basis 1050.00 acq 2025-06-26"]


# --- R2: matching losses to replacement shares ---------------------------------------


def test_r2_1_losses_are_matched_in_the_order_of_the_sales():
    r = run(TAX + """
        2025-01-02 P-TAX BUY  X 100 @ 10
        2025-01-03 P-TAX BUY  X 100 @ 10
        2025-03-03 P-TAX SELL X 100 @ 8
        2025-03-05 P-TAX SELL X 100 @ 7
        2025-03-20 P-TAX BUY  X 100 @ 7.5
    """)
    assert rows(r) == [
        "P-TAX X 100 acq 2025-01-02 sold 2025-03-03 proceeds 800.00 basis 1000.00"
        " W 200.00 gain 0.00 short",
        "P-TAX X 100 acq 2025-01-03 sold 2025-03-05 proceeds 700.00 basis 1000.00"
        " gain -300.00 short",
    ]
    assert lots(r) == ["P-TAX X 100 basis 950.00 acq 2025-01-19"]


def test_r2_1_within_one_sale_pieces_are_matched_in_removal_order():
    r = run(TAX + """
        2025-01-02 P-TAX BUY  X 100 @ 10
        2025-01-03 P-TAX BUY  X 100 @ 11
        2025-03-03 P-TAX SELL X 200 @ 8
        2025-03-20 P-TAX BUY  X 100 @ 7.5
    """)
    assert rows(r) == [
        "P-TAX X 100 acq 2025-01-02 sold 2025-03-03 proceeds 800.00 basis 1000.00"
        " W 200.00 gain 0.00 short",
        "P-TAX X 100 acq 2025-01-03 sold 2025-03-03 proceeds 800.00 basis 1100.00"
        " gain -300.00 short",
    ]


def test_r2_2_replacements_in_date_then_list_order_across_household_accounts():
    r = run(TAX + """
        account S-TAX spouse taxable
        account P-IRA primary traditional_ira
        2025-01-02 P-TAX BUY  X 100 @ 10
        2025-02-25 S-TAX BUY  X 40 @ 8.5
        2025-03-03 P-TAX SELL X 100 @ 8
        2025-03-10 P-IRA BUY  X 30 @ 8.1
        2025-03-10 S-TAX BUY  X 50 @ 8.2
    """)
    assert rows(r) == [
        "P-TAX X 100 acq 2025-01-02 sold 2025-03-03 proceeds 800.00 basis 1000.00"
        " W 200.00 gain 0.00 short"
    ]
    assert [
        (m.replacement_account, str(m.replacement_date), m.quantity, m.disallowed, m.basis_added)
        for m in r.sales[0].matches
    ] == [
        ("S-TAX", "2025-02-25", 40, 80, True),
        ("P-IRA", "2025-03-10", 30, 60, False),
        ("S-TAX", "2025-03-10", 30, 60, True),
    ]
    assert lots(r) == [
        "P-IRA X 30 basis 243.00 acq 2025-03-10",
        "S-TAX X 40 basis 420.00 acq 2025-01-02",
        "S-TAX X 30 basis 306.00 acq 2025-01-09",  # C7: the replacement part first
        "S-TAX X 20 basis 164.00 acq 2025-03-10",
    ]


def test_r2_3_partial_wash_sale_parts_sum_exactly_to_the_loss():
    """L×m/q with q = 3: thirds of $100.00 are not decimal, the parts still sum to $100.00."""
    r = run(TAX + """
        account S-TAX spouse taxable
        account P-ROTH primary roth_ira
        2025-01-02 P-TAX BUY  X 3 @ 50
        2025-02-03 P-TAX SELL X 3 @ 16.67 fee 0.01
        2025-02-04 S-TAX BUY  X 1 @ 17
        2025-02-05 P-ROTH BUY X 1 @ 17
        2025-02-06 P-TAX BUY  X 1 @ 17
    """)
    (sale,) = r.sales
    parts = [m.disallowed for m in sale.matches]
    assert sum(parts) == sale.adjustment_amount == Q("100.00") == sale.cost_basis - sale.proceeds
    assert all(abs(p - Q(100) / 3) < Q("1e-11") for p in parts)
    assert lots(r) == [
        "P-ROTH X 1 basis 17.00 acq 2025-02-05",
        "P-TAX X 1 basis 50.33 acq 2025-01-05",
        "S-TAX X 1 basis 50.33 acq 2025-01-03",
    ]


def test_r2_4_one_use_per_replacement_share():
    """150 replacement shares: the first loss takes 100, the second the remaining 50."""
    r = run(TAX + """
        account S-TAX spouse taxable
        2025-01-02 P-TAX BUY  X 100 @ 10
        2025-01-03 S-TAX BUY  X 100 @ 10
        2025-02-10 P-TAX SELL X 100 @ 8
        2025-02-12 S-TAX SELL X 100 @ 8
        2025-02-20 P-TAX BUY  X 150 @ 8.5
    """)
    assert rows(r) == [
        "P-TAX X 100 acq 2025-01-02 sold 2025-02-10 proceeds 800.00 basis 1000.00"
        " W 200.00 gain 0.00 short",
        "S-TAX X 100 acq 2025-01-03 sold 2025-02-12 proceeds 800.00 basis 1000.00"
        " W 100.00 gain -100.00 short",
    ]
    assert lots(r) == [
        "P-TAX X 100 basis 1050.00 acq 2025-01-12",
        "P-TAX X 50 basis 525.00 acq 2025-01-11",
    ]


def test_c1_same_purchase_not_replacement():
    """Selling 120 of 200 shares bought last week: the other 80 do not replace them."""
    r = run(TAX + """
        2025-03-03 P-TAX BUY  X 200 @ 10
        2025-03-10 P-TAX SELL X 120 @ 9
    """)
    assert rows(r) == [
        "P-TAX X 120 acq 2025-03-03 sold 2025-03-10 proceeds 1080.00 basis 1200.00"
        " gain -120.00 short"
    ]
    assert lots(r) == ["P-TAX X 80 basis 800.00 acq 2025-03-03"]


def test_c2_shares_sold_in_the_same_sale_are_not_replacements():
    r = run(TAX + """
        2025-01-02 P-TAX BUY  X 100 @ 10
        2025-01-20 P-TAX BUY  X 50 @ 9
        2025-02-01 P-TAX SELL X 150 @ 8
    """)
    assert rows(r) == [
        "P-TAX X 100 acq 2025-01-02 sold 2025-02-01 proceeds 800.00 basis 1000.00"
        " gain -200.00 short",
        "P-TAX X 50 acq 2025-01-20 sold 2025-02-01 proceeds 400.00 basis 450.00"
        " gain -50.00 short",
    ]


def test_c2_the_unsold_rest_of_another_purchase_is_a_replacement():
    """SELL 120 = 100 (Jan 2) + 20 (Jan 20): the 30 Jan 20 shares kept replace 30 of the
    Jan 2 shares; the 20 Jan 20 shares sold have only their own purchase left (C1)."""
    r = run(TAX + """
        2025-01-02 P-TAX BUY  X 100 @ 10
        2025-01-20 P-TAX BUY  X 50 @ 9
        2025-02-01 P-TAX SELL X 120 @ 8
    """)
    assert rows(r) == [
        "P-TAX X 100 acq 2025-01-02 sold 2025-02-01 proceeds 800.00 basis 1000.00"
        " W 60.00 gain -140.00 short",
        "P-TAX X 20 acq 2025-01-20 sold 2025-02-01 proceeds 160.00 basis 180.00"
        " gain -20.00 short",
    ]
    assert lots(r) == ["P-TAX X 30 basis 330.00 acq 2025-01-02"]


def test_c3_shares_disposed_of_before_the_loss_sale_are_not_replacements():
    r = run(TAX + """
        2025-01-02 P-TAX BUY  X 100 @ 10
        2025-02-01 P-TAX BUY  X 50 @ 9
        2025-02-05 P-TAX SELL X 50 @ 9.5 lot 2025-02-01
        2025-02-10 P-TAX SELL X 100 @ 8
    """)
    assert rows(r)[1] == (
        "P-TAX X 100 acq 2025-01-02 sold 2025-02-10 proceeds 800.00 basis 1000.00"
        " gain -200.00 short"
    )


def test_r2_5_shares_bought_before_the_sold_shares_still_replace_literal_statute():
    """§10.3 open point, decided literally: a held older lot inside the window replaces;
    its start stays its own purchase date (R4.3: it predates the sold shares)."""
    r = run(TAX + """
        2025-01-02 P-TAX BUY  X 50 @ 10
        2025-01-10 P-TAX BUY  X 100 @ 12
        2025-01-20 P-TAX SELL X 100 @ 11 lot 2025-01-10
    """)
    assert rows(r) == [
        "P-TAX X 100 acq 2025-01-10 sold 2025-01-20 proceeds 1100.00 basis 1200.00"
        " W 50.00 gain -50.00 short"
    ]
    assert lots(r) == ["P-TAX X 50 basis 550.00 acq 2025-01-02"]


# --- R3: basis, splitting and lot order ----------------------------------------------


def test_c7_split_purchase_replacement_part_counts_first_for_fifo():
    r = run(TAX + """
        2025-01-02 P-TAX BUY  X 40 @ 12
        2025-02-20 P-TAX SELL X 40 @ 9
        2025-03-01 P-TAX BUY  X 100 @ 10
    """)
    assert lots(r) == [
        "P-TAX X 40 basis 520.00 acq 2025-01-11",
        "P-TAX X 60 basis 600.00 acq 2025-03-01",
    ]
    r = run(TAX + """
        2025-01-02 P-TAX BUY  X 40 @ 12
        2025-02-20 P-TAX SELL X 40 @ 9
        2025-03-01 P-TAX BUY  X 100 @ 10
        2025-04-15 P-TAX SELL X 50 @ 11
    """)
    assert rows(r)[1:] == [
        "P-TAX X 40 acq 2025-01-11 sold 2025-04-15 proceeds 440.00 basis 520.00"
        " gain -80.00 short",
        "P-TAX X 10 acq 2025-03-01 sold 2025-04-15 proceeds 110.00 basis 100.00"
        " gain 10.00 short",
    ]
    assert lots(r) == ["P-TAX X 50 basis 500.00 acq 2025-03-01"]


def test_c7_pieces_of_one_purchase_agreeing_on_start_and_basis_are_one_lot():
    """Two sold lots bought the same day at the same price wash into one purchase: the two
    replacement pieces agree on start and per-share basis, so they are one lot."""
    r = run(TAX + """
        2025-01-02 P-TAX BUY  X 50 @ 10
        2025-01-02 P-TAX BUY  X 50 @ 10
        2025-02-03 P-TAX SELL X 100 @ 8
        2025-02-10 P-TAX BUY  X 150 @ 8.5
    """)
    assert len(r.sales) == 2
    assert lots(r) == [
        "P-TAX X 100 basis 1050.00 acq 2025-01-09",
        "P-TAX X 50 basis 425.00 acq 2025-02-10",
    ]


def test_c8_fifo_by_purchase_order_not_tacked_date():
    """The Jun 12 purchase carries a tacked 2023 start, but FIFO sells the May 1 one first."""
    r = run(TAX + """
        account S-TAX spouse taxable
        2023-01-10 S-TAX BUY  X 50 @ 20
        2024-05-01 P-TAX BUY  X 50 @ 10
        2024-06-10 S-TAX SELL X 50 @ 9
        2024-06-12 P-TAX BUY  X 50 @ 9
        2024-07-20 P-TAX SELL X 50 @ 9.5
    """)
    assert rows(r) == [
        "S-TAX X 50 acq 2023-01-10 sold 2024-06-10 proceeds 450.00 basis 1000.00"
        " W 550.00 gain 0.00 long",
        "P-TAX X 50 acq 2024-05-01 sold 2024-07-20 proceeds 475.00 basis 500.00"
        " gain -25.00 short",
    ]
    assert lots(r) == ["P-TAX X 50 basis 1000.00 acq 2023-01-12"]


def test_r3_7_hifo_account_sells_highest_per_share_basis_first():
    r = run("""
        account P-TAX primary taxable hifo
        2025-01-02 P-TAX BUY  X 10 @ 10
        2025-01-03 P-TAX BUY  X 10 @ 15
        2025-01-04 P-TAX BUY  X 10 @ 12
        2025-06-02 P-TAX SELL X 15 @ 20
    """)
    assert rows(r) == [
        "P-TAX X 10 acq 2025-01-03 sold 2025-06-02 proceeds 200.00 basis 150.00"
        " gain 50.00 short",
        "P-TAX X 5 acq 2025-01-04 sold 2025-06-02 proceeds 100.00 basis 60.00"
        " gain 40.00 short",
    ]
    assert lots(r) == [
        "P-TAX X 10 basis 100.00 acq 2025-01-02",
        "P-TAX X 5 basis 60.00 acq 2025-01-04",
    ]


def test_r3_7_hifo_uses_the_adjusted_basis_of_a_replacement_piece():
    """Replacement pieces (12.20 and 11.50 a share after R3.1) go before clean 9.50 shares."""
    r = run("""
        account P-TAX primary taxable hifo
        2025-01-02 P-TAX BUY  X 10 @ 11
        2025-02-03 P-TAX SELL X 10 @ 9
        2025-02-05 P-TAX BUY  X 5 @ 10.20
        2025-02-06 P-TAX BUY  X 10 @ 9.50
        2025-06-02 P-TAX SELL X 3 @ 12
    """)
    assert lots(run("""
        account P-TAX primary taxable hifo
        2025-01-02 P-TAX BUY  X 10 @ 11
        2025-02-03 P-TAX SELL X 10 @ 9
        2025-02-05 P-TAX BUY  X 5 @ 10.20
        2025-02-06 P-TAX BUY  X 10 @ 9.50
    """)) == [
        "P-TAX X 5 basis 61.00 acq 2025-01-04",  # 51 + 2 × 5
        "P-TAX X 5 basis 57.50 acq 2025-01-05",  # 47.50 + 2 × 5
        "P-TAX X 5 basis 47.50 acq 2025-02-06",
    ]
    assert rows(r)[1] == (
        "P-TAX X 3 acq 2025-01-04 sold 2025-06-02 proceeds 36.00 basis 36.60 gain -0.60 short"
    )


def test_r3_7_specific_identification_by_lot_date_fifo_among_that_days_lots():
    r = run("""
        account P-TAX primary taxable specific
        2025-01-02 P-TAX BUY  X 10 @ 10
        2025-01-02 P-TAX BUY  X 10 @ 11
        2025-02-03 P-TAX BUY  X 10 @ 12
        2025-06-02 P-TAX SELL X 15 @ 20 lot 2025-01-02
        2025-06-03 P-TAX SELL X 3 @ 20
    """)
    assert [(s.purchase_seq, str(s.quantity)) for s in r.sales] == [
        (0, "10"), (1, "5"),
        (1, "3"),  # a `specific` account SELL without `lot` is FIFO
    ]


def test_r3_7_named_lot_overrides_a_fifo_account():
    r = run(TAX + """
        2025-01-02 P-TAX BUY  X 10 @ 10
        2025-02-03 P-TAX BUY  X 10 @ 12
        2025-06-02 P-TAX SELL X 4 @ 20 lot 2025-02-03
    """)
    assert rows(r) == [
        "P-TAX X 4 acq 2025-02-03 sold 2025-06-02 proceeds 80.00 basis 48.00 gain 32.00 short"
    ]


def test_transfer_in_lots_take_fifo_place_by_their_acquired_date():
    """Decided: a transferred lot is 'first in' by its carried-over acquisition date."""
    r = run(TAX + """
        2025-01-02 P-TAX BUY         X 10 @ 10
        2025-02-01 P-TAX TRANSFER_IN X 10 basis 50 acquired 2019-05-01
        2025-06-02 P-TAX SELL        X 4 @ 20
    """)
    assert rows(r) == [
        "P-TAX X 4 acq 2019-05-01 sold 2025-06-02 proceeds 80.00 basis 20.00 gain 60.00 long"
    ]


def test_transfer_in_lot_sold_at_a_loss_is_washed_like_any_lot():
    r = run(TAX + """
        2025-02-01 P-TAX TRANSFER_IN X 10 basis 200 acquired 2019-05-01
        2025-06-02 P-TAX SELL        X 10 @ 15
        2025-06-20 P-TAX BUY         X 10 @ 16
    """)
    assert rows(r)[0].endswith("W 50.00 gain 0.00 long")
    assert lots(r) == ["P-TAX X 10 basis 210.00 acq 2019-05-19"]


# --- R4: holding period in the replay -----------------------------------------------


def test_r4_3_both_branches_and_chained_tacking():
    """B bought before A's loss sale starts at A's start; C bought after B's loss sale
    starts B's start + the 10 days between B's sale and C's purchase."""
    r = run(TAX + """
        2024-01-02 P-TAX BUY  X 100 @ 10
        2024-02-20 P-TAX BUY  X 100 @ 9
        2024-03-01 P-TAX SELL X 100 @ 8
        2024-04-01 P-TAX SELL X 100 @ 9
        2024-04-11 P-TAX BUY  X 100 @ 9.2
    """)
    assert rows(r) == [
        "P-TAX X 100 acq 2024-01-02 sold 2024-03-01 proceeds 800.00 basis 1000.00"
        " W 200.00 gain 0.00 short",
        "P-TAX X 100 acq 2024-01-02 sold 2024-04-01 proceeds 900.00 basis 1100.00"
        " W 200.00 gain 0.00 short",
    ]
    assert lots(r) == ["P-TAX X 100 basis 1120.00 acq 2024-01-12"]


def test_s10_1_broker_term_uses_pure_tacking_and_can_differ():
    r = run(TAX + """
        2024-01-10 P-TAX BUY  X 100 @ 10
        2024-12-01 P-TAX BUY  X 100 @ 9
        2024-12-20 P-TAX SELL X 100 @ 8
        2025-01-05 P-TAX SELL X 100 @ 9.5
    """)
    first, second = r.sales
    assert (first.term, first.broker_term) == ("short", "short")
    assert second.date_acquired == D("2024-01-10")  # R4.3: overlap counted once
    assert (second.term, second.broker_term) == ("short", "long")  # broker: 2023-12-22


# --- §6 reporting, fees, ordering -------------------------------------------------------


def test_r3_1_fees_buy_fees_add_to_basis_sell_fees_reduce_proceeds_pro_rata_exactly():
    r = run(TAX + """
        2025-01-02 P-TAX BUY  X 1 @ 10 fee 0.50
        2025-01-03 P-TAX BUY  X 2 @ 11 fee 0.30
        2025-06-02 P-TAX SELL X 3 @ 20 fee 1.00
    """)
    first, second = r.sales
    assert first.cost_basis == Q("10.50") and second.cost_basis == Q("22.30")
    assert first.proceeds + second.proceeds == Q("59.00")  # 60 − 1.00, exactly
    assert rows(r) == [
        "P-TAX X 1 acq 2025-01-02 sold 2025-06-02 proceeds 19.67 basis 10.50 gain 9.17 short",
        "P-TAX X 2 acq 2025-01-03 sold 2025-06-02 proceeds 39.33 basis 22.30 gain 17.03 short",
    ]


def test_r3_1_buy_fee_split_with_a_partly_used_purchase_sums_exactly():
    r = run(TAX + """
        2025-01-02 P-TAX BUY  X 1 @ 10
        2025-02-03 P-TAX SELL X 1 @ 8
        2025-02-04 P-TAX BUY  X 3 @ 8 fee 1.00
    """)
    with localcontext(prec=60):
        assert sum(x.cost_basis for x in r.open_lots) == Q(24) + Q(1) + Q(2)
    assert lots(r) == [
        "P-TAX X 1 basis 10.33 acq 2025-01-03",
        "P-TAX X 2 basis 16.67 acq 2025-02-04",
    ]


def test_open_lots_are_ordered_by_account_symbol_and_purchase_order():
    r = run("""
        account Z-TAX primary taxable
        account A-IRA spouse traditional_ira
        2025-01-02 Z-TAX BUY  B 1 @ 1
        2025-01-03 Z-TAX BUY  A 1 @ 2
        2025-01-04 A-IRA BUY  B 1 @ 3
        2025-01-05 Z-TAX BUY  A 1 @ 4
    """)
    assert lots(r) == [
        "A-IRA B 1 basis 3.00 acq 2025-01-04",
        "Z-TAX A 1 basis 2.00 acq 2025-01-03",
        "Z-TAX A 1 basis 4.00 acq 2025-01-05",
        "Z-TAX B 1 basis 1.00 acq 2025-01-02",
    ]


# --- errors are values ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("2025-02-01 P-TAX SELL X 11 @ 9", "quantity"),  # more than the open position
        ("2025-02-01 P-TAX SELL Y 1 @ 9", "quantity"),  # no position at all
        ("2025-02-01 P-XXX BUY X 1 @ 9", "account"),
        ("2025-02-01 P-TAX SELL X 1 @ 9 lot 2025-01-03", "lot"),
        ("2025-02-01 P-TAX SELL X 0 @ 9", "quantity"),
        ("2025-02-01 P-TAX BUY X -1 @ 9", "quantity"),
        ("2025-02-01 P-TAX BUY X 1 @ -9", "price"),
        ("2025-02-01 P-TAX BUY X 1 @ 9 fee -1", "fees"),
        ("2024-12-31 P-TAX BUY X 1 @ 9", "date"),
        ("2025-02-01 P-TAX TRANSFER_IN X 1 acquired 2020-01-01", "cost_basis"),
        ("2025-02-01 P-TAX TRANSFER_IN X 1 basis 5 acquired 2025-03-01", "acquired"),
        ("2025-02-01 P-TAX SHORT X 1 @ 9", "action"),
    ],
)
def test_errors_are_returned_as_values_naming_seq_and_field(line, field):
    accounts, txns, groups = parse(TAX + "2025-01-02 P-TAX BUY X 10 @ 10\n" + line + """
        2025-03-01 P-TAX SELL X 2 @ 12
    """)
    r = replay(accounts, txns, groups)
    assert [(e.seq, e.field) for e in r.errors] == [(1, field)]
    assert r.errors[0].message
    # the bad row is skipped, the others still apply
    assert r.sales[-1].sale_seq == 2 and r.sales[-1].quantity == 2


def test_a_specific_lot_with_too_few_shares_is_an_error_on_quantity():
    accounts, txns, groups = parse(TAX + """
        2025-01-02 P-TAX BUY X 10 @ 10
        2025-01-03 P-TAX BUY X 10 @ 10
        2025-02-01 P-TAX SELL X 11 @ 9 lot 2025-01-02
    """)
    r = replay(accounts, txns, groups)
    assert [(e.seq, e.field) for e in r.errors] == [(2, "quantity")]
    assert r.sales == ()
