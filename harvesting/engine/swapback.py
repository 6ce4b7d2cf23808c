"""The swap back: returning from the replacement to the harvested security on day 31.

Rule: the harvest sold the security on the execution date; buying it back on day 31 is
outside the 61-day window (R1.1: sale − 30 … sale + 30 inclusive), so the swap back is
dated execution date + 31. Selling the replacement then realizes its own result: when that
is a gain and the replacement (bought on the execution date, no tacking) is still
short-term (R4.1), the plan carries a warning, because a short-term gain is taxed at the
ordinary rate and may undo part of the harvest.

Worked example: harvest executed 2026-10-15 bought 1321.5 VTI at 291.33; the swap back is
dated 2026-11-15. With VTI now at 300.00 selling it realizes (300.00 − 291.33) × 1321.5 =
11,457.41 of short-term gain → warning; with VTI at 290.00 it realizes a loss, no warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from harvesting.engine.values import WASH_WINDOW_DAYS, HarvestLeg
from portfolios.taxlots.holding import term
from portfolios.taxlots.money import fmt_money, fmt_qty
from portfolios.taxlots.values import SHORT

SWAP_BACK_DAYS = WASH_WINDOW_DAYS + 1  # day 31: the first day outside the window (R1.1)


@dataclass(frozen=True, slots=True)
class SwapBack:
    """Sell the replacement, buy the harvested security back, on `date`."""

    account: str
    date: date
    sell_symbol: str  # the replacement the harvest bought
    sell_quantity: Decimal
    buy_symbol: str  # the security the harvest sold
    estimated_gain: Decimal  # at the current price; negative: a loss
    term: str  # of the replacement if sold on `date`
    warning: str | None


def swap_back_date(executed_on: date) -> date:
    """Execution date + 31 days: the first day outside the wash-sale window (R1.1)."""
    return executed_on + timedelta(days=SWAP_BACK_DAYS)


def plan_swap_back(
    leg: HarvestLeg,
    executed_on: date,
    current_price: Decimal,
    *,
    bought_quantity: Decimal | None = None,
    bought_price: Decimal | None = None,
) -> SwapBack:
    """The swap back for an executed leg; `bought_*` override the leg's planned buy with
    what was actually filled."""
    quantity = leg.buy_quantity if bought_quantity is None else bought_quantity
    price = leg.buy_price if bought_price is None else bought_price
    on = swap_back_date(executed_on)
    gain = (current_price - price) * quantity
    held = term(executed_on, on)
    warning = None
    if gain > 0 and held == SHORT:
        warning = (
            f"selling {fmt_qty(quantity)} {leg.buy_symbol} on {on.isoformat()} at "
            f"{fmt_money(current_price)} would realize a short-term gain of "
            f"{fmt_money(gain)} (bought {executed_on.isoformat()} at {fmt_money(price)}, R4.1)"
        )
    return SwapBack(
        account=leg.account,
        date=on,
        sell_symbol=leg.buy_symbol,
        sell_quantity=quantity,
        buy_symbol=leg.sell_symbol,
        estimated_gain=gain,
        term=held,
        warning=warning,
    )
