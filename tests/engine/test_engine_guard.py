"""The pre-trade wash-sale guard (TAX_RULES R1.1–R1.5, R2.5 / C1–C3; FORMATS.md §6).

Every case sells on 2026-10-15 (AS_OF). The look-back window is 2026-09-15 … 2026-10-15,
the look-ahead 2026-10-15 … 2026-11-14 (R1.1: day ±30 inside, ±31 outside).
"""

from __future__ import annotations

from harvesting.engine.candidates import find_candidates
from harvesting.engine.guard import (
    check_sale,
    lookahead_window,
    lookback_window,
    replacement_problem,
)
from harvesting.engine.values import (
    WASH_SALE_LOOKBACK,
    WASH_SALE_SCHEDULED,
    OpenPosition,
    Policy,
    Restriction,
    ScheduledPurchase,
)
from portfolios.taxlots.values import REINVEST
from tests.engine.engine_builders import (
    AS_OF,
    SWAPS,
    D,
    days_ago,
    lot,
    recent,
    snapshot,
    with_,
)

POLICY = Policy()


def guard(snap, symbol="VOO", account="P-TAX", policy=POLICY):
    (candidate,) = [c for c in find_candidates(snap, policy)
                    if (c.account, c.symbol) == (account, symbol)]
    return check_sale(candidate, snap, SWAPS, policy)


def voo_household(*extra_lots, **kw):
    """1,000 VOO in P-TAX bought 2024-03-01 for $420,000; VOO now $385 (a $35,000 LT loss)."""
    return snapshot([lot("P-TAX", "VOO", 1000, 420000, seq=1), *extra_lots],
                    {"VOO": 385, "IVV": 700, "VTI": "291.33"}, **kw)


def with_purchase(snap, txn, held_lot):
    return with_(snap, lots=snap.lots + ((held_lot,) if held_lot else ()),
                 recent_acquisitions=snap.recent_acquisitions + (txn,))


# --- windows (R1.1) ------------------------------------------------------------------------


def test_windows_are_thirty_days_either_side_inclusive():
    assert lookback_window(AS_OF) == (days_ago(30), AS_OF)
    assert lookahead_window(AS_OF) == (AS_OF, days_ago(-30))


def test_no_purchases_no_conflict_and_the_evidence_says_where_it_looked():
    check = guard(voo_household())
    assert check.skip is None
    assert [lot.quantity for lot in check.lots] == [D(1000)]
    assert check.evidence == (
        "wash-sale look-back 2026-09-15…2026-10-15 (R1.1, R1.4): purchases of "
        "IVV/SPY/VFIAX/VOO in P-TAX, P-IRA, P-401K, S-TAX, S-IRA: none",
        "wash-sale look-ahead 2026-10-15…2026-11-14 (R1.1): scheduled and planned purchases "
        "of IVV/SPY/VFIAX/VOO in every household account: none",
    )


# --- look-back: any household account (R1.4) -------------------------------------------


def test_spouse_ira_purchase_12_days_ago_is_a_wash_sale_lookback():
    """R1.4 + Rev. Rul. 2008-5: the spouse's IRA buying EFA washes the EFA loss (C6)."""
    snap = snapshot([lot("P-TAX", "EFA", 2000, 180000)], {"EFA": 79})
    txn, ira_lot = recent("S-IRA", "EFA", 40, "79.50", days_ago(12), seq=40)
    check = guard(with_purchase(snap, txn, ira_lot), "EFA")

    assert check.lots == ()
    assert (check.skip.reason, check.skip.detail) == (
        WASH_SALE_LOOKBACK, "S-IRA bought EFA on 2026-10-03")
    assert ("S-IRA bought 40 EFA on 2026-10-03: 40 shares still held would wash the loss"
            in check.evidence)


def test_401k_purchase_counts_like_an_ira_purchase():
    """C5: a participant-directed 401(k) purchase is treated like an IRA purchase."""
    txn, held = recent("P-401K", "VOO", 3, 380, days_ago(5), seq=50)
    check = guard(with_purchase(voo_household(), txn, held))
    assert check.skip.detail == "P-401K bought VOO on 2026-10-10"


def test_dividend_reinvestment_is_a_purchase():
    """R1.2: a reinvested dividend can wash a loss."""
    txn, held = recent("S-TAX", "VOO", "1.25", 390, days_ago(3), seq=51, action=REINVEST)
    check = guard(with_purchase(voo_household(), txn, held))
    assert (check.skip.reason, check.skip.detail) == (
        WASH_SALE_LOOKBACK, "S-TAX reinvested in VOO on 2026-10-12")


def test_identical_group_purchase_conflicts_ivv_bought_when_selling_voo():
    """R1.5: the swap list says VOO and IVV are substantially identical."""
    txn, held = recent("P-IRA", "IVV", 10, 700, days_ago(20), seq=52)
    check = guard(with_purchase(voo_household(), txn, held))
    assert (check.skip.reason, check.skip.detail) == (
        WASH_SALE_LOOKBACK, "P-IRA bought IVV on 2026-09-25")


def test_identical_purchase_in_the_same_account_cannot_be_absorbed():
    """Only the same symbol's recent lots can be sold along; IVV is another position."""
    txn, held = recent("P-TAX", "IVV", 10, 700, days_ago(2), seq=53)
    check = guard(with_purchase(voo_household(), txn, held))
    assert check.skip.detail == "P-TAX bought IVV on 2026-10-13"


def test_non_identical_purchase_does_not_conflict():
    txn, held = recent("S-IRA", "VTI", 10, 290, days_ago(2), seq=54)
    assert guard(with_purchase(voo_household(), txn, held)).skip is None


def test_day_30_before_is_inside_day_31_is_outside():
    """R1.1: sale − 30 inside; sale − 31 outside."""
    inside, held_in = recent("S-IRA", "VOO", 5, 390, days_ago(30), seq=55)
    outside, held_out = recent("S-IRA", "VOO", 5, 390, days_ago(31), seq=56)
    assert guard(with_purchase(voo_household(), inside, held_in)).skip.detail == (
        "S-IRA bought VOO on 2026-09-15")
    assert guard(with_purchase(voo_household(), outside, held_out)).skip is None


def test_purchase_already_sold_is_not_a_replacement():
    """C3: shares bought and disposed of before the loss sale carry nothing."""
    txn, _ = recent("S-TAX", "VOO", 5, 390, days_ago(10), seq=57)
    check = guard(with_purchase(voo_household(), txn, None))
    assert check.skip is None
    assert "S-TAX bought 5 VOO on 2026-10-05: no longer held, not a replacement (C3)" in (
        check.evidence)


# --- lot choice: what the sale can absorb (R2.5) ---------------------------------------


def test_recent_same_account_lot_at_a_loss_is_sold_in_the_same_sale():
    """C2: the recent lot is itself at a loss, so the leg sells it anyway."""
    txn, held = recent("P-TAX", "VOO", 10, 390, days_ago(8), seq=58)
    check = guard(with_purchase(voo_household(), txn, held))
    assert check.skip is None
    assert [lot.purchase_seq for lot in check.lots] == [1, 58]
    assert "P-TAX bought 10 VOO on 2026-10-07: sold in this same sale, not a replacement (C2)" in (
        check.evidence)


def test_recent_same_account_lot_at_a_small_gain_is_sold_along_to_absorb_the_conflict():
    """C2: bought 10 VOO at $380 a week ago (now $385, a $50 gain). Selling only the old lot
    would leave those 10 shares as replacements; selling them too in the same sale does not."""
    txn, held = recent("P-TAX", "VOO", 10, 380, days_ago(7), seq=59)
    check = guard(with_purchase(voo_household(), txn, held))
    assert check.skip is None
    assert [(lot.purchase_seq, lot.quantity) for lot in check.lots] == [(1, D(1000)), (59, D(10))]
    assert any("sold along (C2)" in e for e in check.evidence)


def test_sold_along_gain_lot_shows_in_the_leg_as_a_short_term_gain():
    from harvesting.engine.plan import plan_harvest

    txn, held = recent("P-TAX", "VOO", 10, 380, days_ago(7), seq=59)
    plan = plan_harvest(with_purchase(voo_household(), txn, held), POLICY, SWAPS)
    (leg,) = plan.legs
    assert leg.sell_quantity == D(1010)
    assert [(s.loss, s.term) for s in leg.lots] == [(D(35000), "long"), (D(-50), "short")]
    assert (leg.loss_st, leg.loss_lt) == (D(-50), D(35000))
    assert leg.buy_quantity == D("1334.7")  # 1,010 × 385 / 291.33 = 1334.74… rounded down
    # C9: the $50 ST gain is taxed at 40.8%; 35,000 of LT loss against 55,000 LT gains.
    assert plan.harvested_loss_st == D(-50)
    assert plan.estimated_tax_savings == D(35000) * D("0.238") - D(50) * D("0.408")


def test_selling_along_is_refused_when_another_account_also_bought():
    txn, held = recent("P-TAX", "VOO", 10, 380, days_ago(7), seq=60)
    txn2, held2 = recent("S-IRA", "VOO", 2, 381, days_ago(6), seq=61)
    snap = with_purchase(with_purchase(voo_household(), txn, held), txn2, held2)
    check = guard(snap)
    assert check.skip.reason == WASH_SALE_LOOKBACK
    assert check.skip.detail == "P-TAX bought VOO on 2026-10-08; S-IRA bought VOO on 2026-10-09"


def test_selling_along_is_refused_when_the_gain_eats_the_loss():
    """A $4,000 loss and a recent lot $3,000 up: the net $1,000 fails the $2,500 threshold."""
    snap = snapshot([lot("P-TAX", "XYZ", 100, 14000, seq=2)], {"XYZ": 100})
    txn, held = recent("P-TAX", "XYZ", 100, 70, days_ago(25), seq=62)
    check = guard(with_purchase(snap, txn, held), "XYZ")
    assert (check.skip.reason, check.skip.detail) == (
        WASH_SALE_LOOKBACK, "P-TAX bought XYZ on 2026-09-20")
    assert any("would not leave a loss passing the thresholds" in e for e in check.evidence)


def test_rest_of_the_same_purchase_is_not_a_replacement():
    """C1: 200 shares bought 10 days ago sit in two pieces (120 carry an earlier wash-sale
    adjustment and are at a loss, 80 are clean and at a gain). Selling the 120 does not make
    the other 80 of the same purchase replacements."""
    txn, _ = recent("P-TAX", "XYZ", 200, 40, days_ago(10), seq=63)
    loss_piece = lot("P-TAX", "XYZ", 120, 7200, days_ago(10), seq=63)  # $60/share adjusted
    gain_piece = lot("P-TAX", "XYZ", 80, 3200, days_ago(10), seq=63)   # $40/share
    snap = snapshot([loss_piece, gain_piece], {"XYZ": 45}, recent_acquisitions=(txn,))
    check = guard(snap, "XYZ", policy=Policy(min_loss_dollars=D(1000)))
    assert check.skip is None
    assert [lot.quantity for lot in check.lots] == [D(120)]
    assert any("(C1)" in e for e in check.evidence)


# --- look-ahead: purchases still to come ----------------------------------------------


def test_dividend_reinvestment_scheduled_in_10_days_is_a_wash_sale_scheduled():
    drip = ScheduledPurchase("P-TAX", "VOO", "dividend_reinvestment", days_ago(-10), 91)
    check = guard(voo_household(scheduled=(drip,)))
    assert (check.skip.reason, check.skip.detail) == (
        WASH_SALE_SCHEDULED, "P-TAX dividend reinvestment in VOO scheduled for 2026-10-25")


def test_repeating_purchase_counts_by_its_next_occurrence():
    """A 401(k) payroll buy of IVV every 14 days from 2026-09-04: next on 2026-10-16."""
    payroll = ScheduledPurchase("P-401K", "IVV", "recurring", days_ago(41), 14)
    check = guard(voo_household(scheduled=(payroll,)))
    assert check.skip.detail == "P-401K recurring purchase of IVV scheduled for 2026-10-16"


def test_scheduled_purchase_on_day_31_is_outside_the_window():
    on_30 = ScheduledPurchase("S-TAX", "VOO", "recurring", days_ago(-30))
    on_31 = ScheduledPurchase("S-TAX", "VOO", "recurring", days_ago(-31))
    assert guard(voo_household(scheduled=(on_30,))).skip.reason == WASH_SALE_SCHEDULED
    assert guard(voo_household(scheduled=(on_31,))).skip is None


def test_scheduled_purchase_of_another_security_does_not_matter():
    drip = ScheduledPurchase("P-TAX", "VTI", "dividend_reinvestment", days_ago(-3))
    assert guard(voo_household(scheduled=(drip,))).skip is None


def test_recorded_purchase_after_as_of_counts_as_coming():
    """Re-running a past date: a purchase already recorded 5 days later washes too (R1.1)."""
    txn, _ = recent("S-IRA", "VOO", 5, 390, days_ago(-5), seq=64)
    check = guard(with_purchase(voo_household(), txn, None))
    assert (check.skip.reason, check.skip.detail) == (
        WASH_SALE_SCHEDULED, "S-IRA bought VOO on 2026-10-20")


def test_open_proposal_buying_an_identical_replacement_is_a_coming_purchase():
    snap = voo_household(open_positions=(OpenPosition("S-TAX", "VTI", "9", buy_symbol="IVV"),))
    check = guard(snap)
    assert (check.skip.reason, check.skip.detail) == (
        WASH_SALE_SCHEDULED, "open proposal 9 buys IVV in S-TAX")


def test_lookback_wins_over_lookahead_and_both_windows_are_in_the_evidence():
    txn, held = recent("S-IRA", "VOO", 5, 390, days_ago(3), seq=65)
    drip = ScheduledPurchase("P-TAX", "VOO", "dividend_reinvestment", days_ago(-10))
    check = guard(with_purchase(voo_household(scheduled=(drip,)), txn, held))
    assert check.skip.reason == WASH_SALE_LOOKBACK
    assert any(e.startswith("wash-sale look-ahead") and "2026-10-25" in e
               for e in check.evidence)


# --- the replacement side ---------------------------------------------------------------


def test_replacement_identical_to_the_sold_symbol_is_refused():
    snap = voo_household()
    assert replacement_problem("IVV", "VOO", snap, SWAPS, POLICY, {}) == (
        "substantially identical to VOO (same identical group, R1.5)")
    assert replacement_problem("VTI", "VOO", snap, SWAPS, POLICY, {}) is None


def test_replacement_hitting_a_restriction_is_refused():
    snap = voo_household(restrictions=(Restriction("VTI", days_ago(-3), "sold 2026-09-18"),))
    assert replacement_problem("VTI", "VOO", snap, SWAPS, POLICY, {}) == (
        "VTI restricted until 2026-10-18 (sold 2026-09-18)")


def test_replacement_identical_to_something_sold_in_the_plan_is_refused():
    snap = voo_household()
    problem = replacement_problem("VTI", "VOO", snap, SWAPS, POLICY,
                                  {"VTI": "sold at a loss in this plan (S-TAX)"})
    assert problem == ("identical to VTI, sold at a loss in this plan (S-TAX): "
                       "buying it would wash that loss")


def test_replacement_without_a_price_or_excluded_is_refused():
    snap = voo_household()
    assert replacement_problem("SCHB", "VOO", snap, SWAPS, POLICY, {}) == (
        "no price on 2026-10-15")
    excluded = Policy(excluded_symbols=frozenset({"VTI"}))
    assert replacement_problem("VTI", "VOO", snap, SWAPS, excluded, {}) == (
        "on the policy's excluded list")
