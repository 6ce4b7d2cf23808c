"""Engine values: identical groups (R1.5, FORMATS §2), the policy, schedules, skip reasons."""

from __future__ import annotations

from datetime import date

import pytest

from harvesting.engine.values import (
    SKIP_REASONS,
    Policy,
    Restriction,
    ScheduledPurchase,
    Skip,
    SwapList,
    SwapPair,
)
from portfolios.taxlots.money import InputError
from tests.engine.engine_builders import SWAPS, D


def test_a_symbol_in_no_group_is_identical_only_to_itself():
    """R1.5 / FORMATS §2."""
    assert SWAPS.group_of("VTI") == frozenset({"VTI"})
    assert SWAPS.is_identical("VTI", "VTI")
    assert not SWAPS.is_identical("VTI", "VOO")


def test_symbols_of_one_group_are_identical_both_ways():
    assert SWAPS.is_identical("VOO", "SPY") and SWAPS.is_identical("SPY", "VOO")
    assert SWAPS.group_of("IVV") == frozenset({"VOO", "IVV", "SPY", "VFIAX"})


def test_a_symbol_belongs_to_one_group():
    with pytest.raises(InputError, match="VOO is in more than one identical group"):
        SwapList((frozenset({"VOO", "IVV"}), frozenset({"VOO", "SPY"})), ())


def test_pairs_from_a_symbol_lowest_rank_first():
    swaps = SwapList((), (SwapPair("VOO", "SCHB", 2), SwapPair("VOO", "VTI", 1),
                          SwapPair("VTI", "VOO", 1)))
    assert [p.to_symbol for p in swaps.pairs_from("VOO")] == ["VTI", "SCHB"]


def test_pair_risk_is_high_or_low():
    with pytest.raises(InputError):
        SwapPair("VOO", "VTI", 1, "medium")


def test_policy_defaults_and_float_refusal():
    policy = Policy()
    assert (policy.min_loss_dollars, policy.min_loss_percent, policy.require_both) == (
        D(2500), D("0.05"), True)
    assert policy.buy_increment == D("0.1") and policy.taxable_only
    with pytest.raises(InputError, match="min_loss_percent"):
        Policy(min_loss_percent=0.05)  # type: ignore[arg-type]
    assert Policy(min_loss_dollars=1000).min_loss_dollars == D(1000)
    with pytest.raises(InputError, match="buy_increment"):
        Policy(buy_increment=D(0))


def test_skip_reason_is_one_of_the_five_words():
    """FORMATS §6."""
    assert SKIP_REASONS == ("wash_sale_lookback", "wash_sale_scheduled", "restricted",
                            "no_replacement", "in_open_proposal")
    with pytest.raises(InputError):
        Skip("P-TAX", "VOO", "below_threshold", "")


def test_scheduled_purchase_occurrences():
    once = ScheduledPurchase("P-TAX", "VOO", "recurring", date(2026, 10, 25))
    assert once.occurrences(date(2026, 10, 15), date(2026, 11, 14)) == (date(2026, 10, 25),)
    assert once.occurrences(date(2026, 10, 26), date(2026, 11, 14)) == ()
    quarterly = ScheduledPurchase("P-TAX", "VOO", "dividend_reinvestment", date(2026, 3, 28), 91)
    # 2026-03-28 + 91 = 06-27, + 91 = 09-26, + 91 = 12-26
    assert quarterly.occurrences(date(2026, 10, 15), date(2026, 11, 14)) == ()
    assert quarterly.occurrences(date(2026, 9, 1), date(2026, 12, 31)) == (
        date(2026, 9, 26), date(2026, 12, 26))


def test_restriction_holds_until_its_last_day_inclusive():
    r = Restriction("XLE", date(2026, 10, 25), "harvested")
    assert r.active_on(date(2026, 10, 25)) and not r.active_on(date(2026, 10, 26))
