"""Harvest candidates: lots at a loss and the policy's thresholds (TAX_RULES R1.3, R1.6, R4.1).

Policy defaults: at least $2,500 AND at least 5% of the losing lots' basis.
"""

from __future__ import annotations

from harvesting.engine.candidates import (
    evaluate,
    find_candidates,
    lot_loss,
    passes_thresholds,
    unpriced,
)
from harvesting.engine.values import Policy
from tests.engine.engine_builders import AS_OF, D, days_ago, lot, snapshot

BOTH = Policy()
EITHER = Policy(require_both=False)


def test_loss_is_adjusted_basis_minus_value():
    """R1.3: a lot's loss is measured on its adjusted basis; positive = loss."""
    assert lot_loss(lot("P-TAX", "VOO", 1000, 420000), D(385)) == D(35000)
    assert lot_loss(lot("P-TAX", "VOO", 10, 3800), D(385)) == D(-50)


def test_thresholds_both_dollars_and_percent():
    assert passes_thresholds(D(35000), D(420000), BOTH)  # $35,000 and 8.3%
    assert not passes_thresholds(D(3000), D(100000), BOTH)  # 3%: percent fails
    assert not passes_thresholds(D(1000), D(5000), BOTH)  # 20% but only $1,000


def test_thresholds_either_dollars_or_percent():
    assert passes_thresholds(D(3000), D(100000), EITHER)  # dollars enough
    assert passes_thresholds(D(1000), D(5000), EITHER)  # percent enough
    assert not passes_thresholds(D(1000), D(100000), EITHER)  # 1% and $1,000: neither


def test_thresholds_are_inclusive():
    assert passes_thresholds(D(2500), D(50000), BOTH)  # exactly $2,500 and exactly 5%
    assert not passes_thresholds(D("2499.99"), D(49999), BOTH)


def test_no_loss_never_passes():
    assert not passes_thresholds(D(0), D(1000), Policy(min_loss_dollars=D(0),
                                                       min_loss_percent=D(0)))


def test_only_the_lots_at_a_loss_count_toward_loss_and_basis():
    """A $3,000 loss on a $41,500 lot (7.2%) passes although the position's other lot is
    $40,000 up: the gain lot is neither sold nor counted."""
    loss_lot = lot("P-TAX", "VOO", 100, 41500)  # 100 × 385 = 38,500 → $3,000 loss
    gain_lot = lot("P-TAX", "VOO", 200, 37000, days_ago(900))  # 77,000 → $40,000 gain
    candidate = evaluate("P-TAX", "VOO", (loss_lot, gain_lot), D(385), AS_OF, BOTH)
    assert candidate is not None
    assert candidate.loss_lots == (loss_lot,)
    assert candidate.other_lots == (gain_lot,)
    assert (candidate.loss, candidate.basis) == (D(3000), D(41500))


def test_loss_is_split_by_each_lots_term_on_the_as_of_date():
    """R4.1: bought 2025-10-15, sold 2026-10-15 is exactly one year: short. Bought
    2025-10-14: long."""
    short = lot("P-TAX", "XYZ", 100, 10000, days_ago(365))  # 2025-10-15
    long_ = lot("P-TAX", "XYZ", 100, 10000, days_ago(366))  # 2025-10-14
    candidate = evaluate("P-TAX", "XYZ", (long_, short), D(50), AS_OF, BOTH)
    assert (candidate.loss_st, candidate.loss_lt) == (D(5000), D(5000))


def test_term_uses_the_tacked_holding_period_start():
    """R4.2: a replacement bought 3 months ago whose start was tacked to 2024 is long-term."""
    tacked = lot("P-TAX", "XYZ", 100, 10000, days_ago(90), acquired=days_ago(800))
    candidate = evaluate("P-TAX", "XYZ", (tacked,), D(50), AS_OF, BOTH)
    assert (candidate.loss_st, candidate.loss_lt) == (D(0), D(5000))


def test_candidates_come_from_taxable_accounts_in_account_symbol_order():
    """R1.6: positions in IRAs and 401(k)s are not candidates by default."""
    snap = snapshot(
        [lot("S-TAX", "VOO", 100, 42000), lot("P-TAX", "VOO", 1000, 420000),
         lot("P-TAX", "EFA", 2000, 180000), lot("P-IRA", "VOO", 1000, 420000)],
        {"VOO": 385, "EFA": 79},
    )
    assert [(c.account, c.symbol) for c in find_candidates(snap, BOTH)] == [
        ("P-TAX", "EFA"), ("P-TAX", "VOO"), ("S-TAX", "VOO")]
    everything = Policy(taxable_only=False)
    assert ("P-IRA", "VOO") in [(c.account, c.symbol) for c in find_candidates(snap, everything)]


def test_positions_without_a_price_are_not_candidates_but_are_reported():
    snap = snapshot([lot("P-TAX", "VOO", 1000, 420000)], {})
    assert find_candidates(snap, BOTH) == ()
    assert unpriced(snap, BOTH) == (("P-TAX", "VOO"),)
