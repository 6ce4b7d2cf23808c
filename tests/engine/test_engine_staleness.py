"""Pending proposals go stale (FORMATS.md §6): prices beyond tolerance, or too old.

Policy defaults: 3% tolerance, 5 days. Proposal of 2026-10-15 sized with VOO at 385.00 and
VTI at 291.33.
"""

from __future__ import annotations

from datetime import date

from harvesting.engine.staleness import is_stale
from harvesting.engine.values import Policy
from tests.engine.engine_builders import D

POLICY = Policy()
MADE = date(2026, 10, 15)
PRICES = {"VOO": D(385), "VTI": D("291.33")}


def test_fresh_when_prices_are_within_tolerance_and_it_is_young():
    assert is_stale(MADE, PRICES, date(2026, 10, 19), {"VOO": D(395), "VTI": D(290)},
                    POLICY) is None


def test_stale_when_a_price_moves_beyond_the_tolerance_either_way():
    assert is_stale(MADE, PRICES, date(2026, 10, 16), {"VOO": D(397), "VTI": D("291.33")},
                    POLICY) == ("VOO moved 3.1% (385.00 → 397.00), beyond the policy's 3% "
                                "tolerance")
    assert is_stale(MADE, PRICES, date(2026, 10, 16), {"VOO": D(385), "VTI": D(280)},
                    POLICY) == ("VTI moved -3.9% (291.33 → 280.00), beyond the policy's 3% "
                                "tolerance")


def test_a_move_of_exactly_the_tolerance_is_not_beyond_it():
    assert is_stale(MADE, {"VOO": D(100)}, MADE, {"VOO": D(103)}, POLICY) is None


def test_stale_after_max_age_days():
    assert is_stale(MADE, PRICES, date(2026, 10, 20), PRICES, POLICY) is None  # 5 days
    assert is_stale(MADE, PRICES, date(2026, 10, 21), PRICES, POLICY) == (
        "proposal of 2026-10-15 is 6 days old on 2026-10-21, more than the policy's 5")


def test_stale_when_a_price_is_missing_today():
    assert is_stale(MADE, PRICES, date(2026, 10, 16), {"VOO": D(385)}, POLICY) == (
        "no price for VTI on 2026-10-16")


def test_the_policy_sets_the_limits():
    loose = Policy(stale_price_tolerance=D("0.10"), max_age_days=10)
    assert is_stale(MADE, PRICES, date(2026, 10, 25), {"VOO": D(410), "VTI": D(300)},
                    loose) is None
