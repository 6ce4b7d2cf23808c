"""Harvest candidates: positions whose lots at a loss pass the policy's thresholds.

Rule: a position is one (account, symbol) of an eligible account (taxable only, unless the
policy says otherwise; R1.6: a retirement account's loss is no capital loss). Its lots at a
loss on the as-of price are those whose adjusted basis (R1.3) exceeds quantity × price; the
loss is positive and split short/long by each lot's term on the as-of date (R4.1, counted
from the tacked start, R4.2). The position passes when that loss is at least
`min_loss_dollars` AND (OR when `require_both` is False) at least `min_loss_percent` of
those lots' basis. Both comparisons are inclusive.

Worked example: 1,000 VOO bought for $420,000 more than a year ago, VOO at $385 →
loss 35,000 (long-term), 35,000 / 420,000 = 8.3% ≥ 5% and 35,000 ≥ 2,500: it passes.
100 XYZ with basis $4,000 at $34 → loss 600 = 15% of basis but below $2,500: it fails
with `require_both` and passes when either test is enough.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from harvesting.engine.values import HouseholdSnapshot, Policy
from portfolios.taxlots.holding import term as holding_term
from portfolios.taxlots.money import ZERO
from portfolios.taxlots.values import LONG, SHORT, OpenLot


@dataclass(frozen=True, slots=True)
class Candidate:
    """A position that passed the thresholds on `price`.

    `loss_lots` are its lots at a loss, `other_lots` the rest of the position (at a gain or
    even), both in purchase order (C8).
    """

    account: str
    symbol: str
    price: Decimal
    loss_lots: tuple[OpenLot, ...]
    other_lots: tuple[OpenLot, ...]
    loss_st: Decimal
    loss_lt: Decimal
    basis: Decimal  # of the lots at a loss

    @property
    def loss(self) -> Decimal:
        return self.loss_st + self.loss_lt


def lot_loss(lot: OpenLot, price: Decimal) -> Decimal:
    """Loss as a positive amount (negative: a gain) if the lot were sold at `price`."""
    return lot.cost_basis - lot.quantity * price


def lot_term(lot: OpenLot, as_of: date) -> str:
    """The lot's term if sold on `as_of`, from its holding-period start (R4.1, R4.2)."""
    return holding_term(lot.acquired, as_of)


def purchase_order(lot: OpenLot) -> tuple[date, int, date]:
    return (lot.purchase_date, lot.purchase_seq, lot.acquired)


def split_by_term(
    lots: tuple[OpenLot, ...], price: Decimal, as_of: date
) -> tuple[Decimal, Decimal]:
    """(ST, LT) of the lots' losses (gains count negative) when sold at `price`."""
    totals = {SHORT: ZERO, LONG: ZERO}
    for lot in lots:
        totals[lot_term(lot, as_of)] += lot_loss(lot, price)
    return totals[SHORT], totals[LONG]


def passes_thresholds(loss: Decimal, basis: Decimal, policy: Policy) -> bool:
    """The policy's dollar and percent tests, joined by AND (`require_both`) or OR."""
    if loss <= 0 or basis <= 0:
        return False
    by_dollars = loss >= policy.min_loss_dollars
    by_percent = loss >= basis * policy.min_loss_percent
    if policy.require_both:
        return by_dollars and by_percent
    return by_dollars or by_percent


def positions(
    snapshot: HouseholdSnapshot, policy: Policy
) -> dict[tuple[str, str], tuple[OpenLot, ...]]:
    """The eligible accounts' open lots grouped by (account, symbol), in purchase order.

    Kept in the snapshot's memo: the plan asks twice (candidates, unpriced positions).
    """
    key = ("positions", policy.taxable_only)
    found = snapshot.memo.get(key)
    if found is None:
        found = snapshot.memo[key] = _positions(snapshot, policy)
    return found


def _positions(
    snapshot: HouseholdSnapshot, policy: Policy
) -> dict[tuple[str, str], tuple[OpenLot, ...]]:
    eligible = {
        a.id for a in snapshot.accounts if a.is_taxable or not policy.taxable_only
    }
    grouped: dict[tuple[str, str], list[OpenLot]] = defaultdict(list)
    for lot in snapshot.lots:
        if lot.account in eligible and lot.quantity > 0:
            grouped[(lot.account, lot.symbol)].append(lot)
    return {key: tuple(sorted(lots, key=purchase_order)) for key, lots in grouped.items()}


def evaluate(
    account: str,
    symbol: str,
    lots: tuple[OpenLot, ...],
    price: Decimal,
    as_of: date,
    policy: Policy,
) -> Candidate | None:
    """The position as a candidate, or None when its lots at a loss fail the thresholds."""
    loss_lots: list[OpenLot] = []
    other_lots: list[OpenLot] = []
    totals = {SHORT: ZERO, LONG: ZERO}
    basis = ZERO
    for lot in lots:  # one pass: a scan evaluates every position of the book
        loss = lot_loss(lot, price)
        if loss > 0:
            loss_lots.append(lot)
            totals[lot_term(lot, as_of)] += loss
            basis += lot.cost_basis
        else:
            other_lots.append(lot)
    loss_st, loss_lt = totals[SHORT], totals[LONG]
    if not passes_thresholds(loss_st + loss_lt, basis, policy):
        return None
    return Candidate(
        account, symbol, price, tuple(loss_lots), tuple(other_lots), loss_st, loss_lt, basis
    )


def find_candidates(snapshot: HouseholdSnapshot, policy: Policy) -> tuple[Candidate, ...]:
    """Every position passing the thresholds, ordered by (account, symbol).

    Positions without an as-of price are not evaluated (see `unpriced`).
    """
    found = []
    for (account, symbol), lots in sorted(positions(snapshot, policy).items()):
        price = snapshot.prices.get(symbol)
        if price is None:
            continue
        candidate = evaluate(account, symbol, lots, price, snapshot.as_of, policy)
        if candidate is not None:
            found.append(candidate)
    return tuple(found)


def unpriced(snapshot: HouseholdSnapshot, policy: Policy) -> tuple[tuple[str, str], ...]:
    """Eligible positions that could not be evaluated for want of an as-of price."""
    return tuple(
        key for key in sorted(positions(snapshot, policy)) if key[1] not in snapshot.prices
    )
