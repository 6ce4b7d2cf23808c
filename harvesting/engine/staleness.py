"""When a pending proposal goes stale (FORMATS.md §6): it expires instead of being approved.

Rule: a proposal made on `proposal_as_of` with the prices it was sized on is stale today
when it is more than `policy.max_age_days` days old, or when any of its prices moved by
more than `policy.stale_price_tolerance` (a fraction of the proposal's price, either way),
or when a price it depends on is missing today. The limits themselves are still fresh.

Worked example (tolerance 0.03, 5 days): proposed 2026-10-15 with VOO at 385.00.
On 2026-10-19 with VOO at 395.00 (+2.6%) it is fresh; at 397.00 (+3.1%) it is stale;
on 2026-10-21 (6 days) it is stale whatever the price.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from harvesting.engine.values import Policy
from portfolios.taxlots.money import fmt_money


def _percent(fraction: Decimal) -> str:
    value = (fraction * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value.normalize():f}%"


def is_stale(
    proposal_as_of: date,
    proposal_prices: Mapping[str, Decimal],
    today: date,
    current_prices: Mapping[str, Decimal],
    policy: Policy,
) -> str | None:
    """Why the proposal is stale today, or None when it may still be approved."""
    age = (today - proposal_as_of).days
    if age > policy.max_age_days:
        return (
            f"proposal of {proposal_as_of.isoformat()} is {age} days old on "
            f"{today.isoformat()}, more than the policy's {policy.max_age_days}"
        )
    for symbol in sorted(proposal_prices):
        then = proposal_prices[symbol]
        now = current_prices.get(symbol)
        if now is None:
            return f"no price for {symbol} on {today.isoformat()}"
        if then <= 0:
            continue
        move = (now - then) / then
        if abs(move) > policy.stale_price_tolerance:
            return (
                f"{symbol} moved {_percent(move)} ({fmt_money(then)} → {fmt_money(now)}), "
                f"beyond the policy's {_percent(policy.stale_price_tolerance)} tolerance"
            )
    return None
