"""The swap back on day 31 (TAX_RULES R1.1, R4.1).

The FORMATS §6 leg: 1,000 VOO sold at 385 on 2026-10-15, 1321.5 VTI bought at 291.33.
"""

from __future__ import annotations

from datetime import date

from harvesting.engine.guard import lookahead_window
from harvesting.engine.swapback import plan_swap_back, swap_back_date
from harvesting.engine.values import HarvestLeg, LotSale
from tests.engine.engine_builders import D

EXECUTED = date(2026, 10, 15)
LEG = HarvestLeg(
    account="P-TAX", sell_symbol="VOO", sell_quantity=D(1000),
    lots=(LotSale(date(2024, 3, 1), date(2024, 3, 1), D(1000), D(420000), D(35000), "long"),),
    price=D(385), buy_symbol="VTI", buy_quantity=D("1321.5"), buy_price=D("291.33"),
    loss_st=D(0), loss_lt=D(35000), replacement_reason="swap pair VOO→VTI rank 1",
    replacement_risk="low", evidence=(),
)


def test_swap_back_is_dated_day_31_outside_the_window():
    """R1.1: sale + 30 is inside the window, sale + 31 is outside."""
    on = swap_back_date(EXECUTED)
    assert on == date(2026, 11, 15)
    start, end = lookahead_window(EXECUTED)
    assert end == date(2026, 11, 14) and on > end


def test_swap_back_sells_the_replacement_and_buys_the_harvested_security():
    back = plan_swap_back(LEG, EXECUTED, D(290))
    assert (back.account, back.sell_symbol, back.sell_quantity, back.buy_symbol) == (
        "P-TAX", "VTI", D("1321.5"), "VOO")


def test_warning_when_selling_the_replacement_would_realize_a_short_term_gain():
    """R4.1: held 31 days, the replacement is short-term; a gain is taxed at ordinary rates."""
    back = plan_swap_back(LEG, EXECUTED, D(300))
    assert back.term == "short"
    assert back.estimated_gain == D("11457.405")  # (300 − 291.33) × 1321.5
    assert back.warning == (
        "selling 1321.5 VTI on 2026-11-15 at 300.00 would realize a short-term gain of "
        "11457.41 (bought 2026-10-15 at 291.33, R4.1)")


def test_no_warning_when_the_replacement_is_at_a_loss():
    back = plan_swap_back(LEG, EXECUTED, D(290))
    assert back.estimated_gain < 0 and back.warning is None


def test_actual_fill_overrides_the_planned_buy():
    back = plan_swap_back(LEG, EXECUTED, D(300), bought_quantity=D(1320), bought_price=D(300))
    assert back.sell_quantity == D(1320)
    assert back.estimated_gain == 0 and back.warning is None
