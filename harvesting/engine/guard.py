"""The pre-trade wash-sale guard: may this position be sold at a loss on `as_of`?

Rules (TAX_RULES.md):

* R1.1 the window is sale − 30 … sale + 30 calendar days inclusive; day ±31 is outside.
* R1.2, R1.4 every BUY/REINVEST of a substantially identical symbol (R1.5: the same
  identical group) in ANY household account — own or spouse's, taxable, IRA, Roth, 401(k)
  (C5, C6) — inside the window can wash the loss.
* What the sale can absorb (R2.5): shares sold in this same sale (C2); the remaining shares
  of the purchase the loss shares come from (C1); shares of a recent purchase no longer
  held (C3). Anything else is a conflict: `wash_sale_lookback`.
* Lot choice is wash-sale aware: the leg sells the lots at a loss; when the only conflicts
  are recent purchases of the same symbol in the same account, the leg also sells those
  lots (even at a small gain) if that clears every conflict and the net loss still passes
  the thresholds — they are then disposed of in the same sale (C2).
* Purchases still to come cannot be absorbed: a scheduled purchase (FORMATS.md §1) with an
  occurrence in as_of … as_of + 30, a recorded purchase dated after as_of, or the planned
  replacement buy of an open proposal → `wash_sale_scheduled`.
* A restriction (or the policy's excluded list) on the symbol or anything identical to it
  blocks the sale (`restricted`) and the purchase of a replacement.
* A replacement may not be identical to what is sold (R1.5), nor to anything sold at a loss
  in the same plan or in an open proposal (its purchase would wash that loss, R1.1).

Conservative by design: R2.4 (a share that already washed another loss cannot wash again)
is not credited, because the snapshot does not say which shares were used up.

Worked example: selling EFA in P-TAX on 2026-10-15 — the spouse's IRA (S-IRA) bought EFA
on 2026-10-03, 12 days earlier, and still holds it → skip `wash_sale_lookback`,
detail "S-IRA bought EFA on 2026-10-03". Had the purchase been on 2026-09-14 (day −31)
it would be outside the window and the sale would go ahead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from harvesting.engine.candidates import Candidate, lot_loss, passes_thresholds, purchase_order
from harvesting.engine.values import (
    DIVIDEND_REINVESTMENT,
    RECURRING,
    WASH_SALE_LOOKBACK,
    WASH_SALE_SCHEDULED,
    WASH_WINDOW_DAYS,
    HouseholdSnapshot,
    Policy,
    Restriction,
    Skip,
    SwapList,
    identical_label,
)
from portfolios.taxlots.money import ZERO, fmt_qty
from portfolios.taxlots.values import REINVEST, OpenLot, Txn

_WINDOW = timedelta(days=WASH_WINDOW_DAYS)


@dataclass(frozen=True, slots=True)
class SaleCheck:
    """The guard's answer for one position: the lots to sell, or why not; and the evidence."""

    lots: tuple[OpenLot, ...]
    skip: Skip | None
    evidence: tuple[str, ...]


def lookback_window(as_of: date) -> tuple[date, date]:
    """R1.1: the 30 days before the sale and the sale day itself."""
    return as_of - _WINDOW, as_of


def lookahead_window(as_of: date) -> tuple[date, date]:
    """R1.1: the sale day and the 30 days after it."""
    return as_of, as_of + _WINDOW


def _span(start: date, end: date) -> str:
    return f"{start.isoformat()}…{end.isoformat()}"


def _bought(txn: Txn) -> str:
    """'S-IRA bought EFA on 2026-10-03' — the skip detail of FORMATS.md §6."""
    verb = "reinvested in" if txn.action == REINVEST else "bought"
    return f"{txn.account} {verb} {txn.symbol} on {txn.date.isoformat()}"


def _kind_label(kind: str) -> str:
    if kind == DIVIDEND_REINVESTMENT:
        return "dividend reinvestment in"
    if kind == RECURRING:
        return "recurring purchase of"
    return kind.replace("_", " ") + " of"


def active_restriction(
    symbol: str, as_of: date, restrictions: tuple[Restriction, ...], swap_list: SwapList
) -> Restriction | None:
    """The first restriction in force on `as_of` on `symbol` or a symbol identical to it."""
    hits = sorted(
        (
            r
            for r in restrictions
            if r.active_on(as_of) and swap_list.is_identical(symbol, r.symbol)
        ),
        key=lambda r: (r.until, r.symbol),
    )
    return hits[-1] if hits else None  # the longest-running one


def _restriction_text(symbol: str, restriction: Restriction) -> str:
    text = f"{restriction.symbol} restricted until {restriction.until.isoformat()}"
    if restriction.reason:
        text += f" ({restriction.reason})"
    if restriction.symbol != symbol:
        text += f"; {symbol} is substantially identical to it"
    return text


def sale_restriction(
    symbol: str, snapshot: HouseholdSnapshot, swap_list: SwapList, policy: Policy
) -> str | None:
    """Why `symbol` may not be sold on as_of (the `restricted` detail), or None."""
    if symbol in policy.excluded_symbols:
        return f"{symbol} is on the policy's excluded list (never sold or bought)"
    restriction = active_restriction(symbol, snapshot.as_of, snapshot.restrictions, swap_list)
    if restriction is not None:
        return _restriction_text(symbol, restriction)
    return None


def replacement_problem(
    buy_symbol: str,
    sell_symbol: str,
    snapshot: HouseholdSnapshot,
    swap_list: SwapList,
    policy: Policy,
    blocked: Mapping[str, str],
) -> str | None:
    """Why `buy_symbol` may not replace `sell_symbol` on as_of, or None if it may.

    `blocked` maps symbols whose identical group must not be bought (sold at a loss in this
    plan, or in an open proposal) to the reason, for the evidence.
    """
    if swap_list.is_identical(buy_symbol, sell_symbol):
        return f"substantially identical to {sell_symbol} (same identical group, R1.5)"
    if buy_symbol in policy.excluded_symbols:
        return "on the policy's excluded list"
    restriction = active_restriction(buy_symbol, snapshot.as_of, snapshot.restrictions, swap_list)
    if restriction is not None:
        return _restriction_text(buy_symbol, restriction)
    identical_blocked = swap_list.group_of(buy_symbol) & blocked.keys()
    if identical_blocked:  # the first in symbol order, for a stable message
        symbol = min(identical_blocked)
        return f"identical to {symbol}, {blocked[symbol]}: buying it would wash that loss"
    if buy_symbol not in snapshot.prices:
        return f"no price on {snapshot.as_of.isoformat()}"
    return None


def _held_by_purchase(lots: tuple[OpenLot, ...]) -> dict[tuple[str, int], Decimal]:
    held: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    for lot in lots:
        held[(lot.account, lot.purchase_seq)] += lot.quantity
    return held


def _lookback(
    candidate: Candidate,
    sold: tuple[OpenLot, ...],
    snapshot: HouseholdSnapshot,
    swap_list: SwapList,
) -> tuple[list[Txn], list[str]]:
    """Conflicting past purchases for a sale of `sold`, and one evidence line per purchase."""
    group = swap_list.group_of(candidate.symbol)
    start, end = lookback_window(snapshot.as_of)
    memo_key = ("lookback", group)  # the same for every position of the group
    if memo_key not in snapshot.memo:
        accounts = ", ".join(a.id for a in snapshot.accounts)
        snapshot.memo[memo_key] = (
            sorted(
                (
                    t
                    for t in snapshot.recent_acquisitions
                    if t.is_acquisition and t.symbol in group and start <= t.date <= end
                ),
                key=lambda t: (t.date, t.seq),
            ),
            f"wash-sale look-back {_span(start, end)} (R1.1, R1.4): purchases of "
            f"{identical_label(group)} in {accounts or 'no accounts'}",
        )
    recent, header = snapshot.memo[memo_key]
    if not recent:
        return [], [header + ": none"]
    held = snapshot.memo.get("held_by_purchase")
    if held is None:
        held = snapshot.memo["held_by_purchase"] = _held_by_purchase(snapshot.lots)
    sold_by_purchase: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for lot in sold:
        sold_by_purchase[lot.purchase_seq] += lot.quantity
    loss_purchases = {lot.purchase_seq for lot in sold if lot_loss(lot, candidate.price) > 0}
    conflicts: list[Txn] = []
    notes = [header + f": {len(recent)} found"]
    for txn in recent:
        found = (
            f"{txn.account} bought {fmt_qty(txn.quantity)} {txn.symbol} "
            f"on {txn.date.isoformat()}"
        )
        still_held = held.get((txn.account, txn.seq), ZERO)
        same_position = txn.account == candidate.account and txn.symbol == candidate.symbol
        remaining = still_held - (sold_by_purchase.get(txn.seq, ZERO) if same_position else ZERO)
        if still_held <= 0:
            notes.append(f"{found}: no longer held, not a replacement (C3)")
        elif remaining <= 0:
            notes.append(f"{found}: sold in this same sale, not a replacement (C2)")
        elif same_position and loss_purchases <= {txn.seq}:
            notes.append(
                f"{found}: the rest of the purchase the loss shares come from, "
                "not a replacement (C1)"
            )
        else:
            conflicts.append(txn)
            notes.append(f"{found}: {fmt_qty(remaining)} shares still held would wash the loss")
    return conflicts, notes


def _coming_purchases(
    candidate: Candidate, snapshot: HouseholdSnapshot, swap_list: SwapList
) -> tuple[list[str], list[str]]:
    """Purchases still to come inside the window (conflict details) and the evidence.

    They depend on the identical group only: kept in the snapshot's memo per group.
    """
    group = swap_list.group_of(candidate.symbol)
    memo_key = ("lookahead", group)
    if memo_key not in snapshot.memo:
        snapshot.memo[memo_key] = _coming_for_group(group, snapshot)
    conflicts, evidence = snapshot.memo[memo_key]
    return list(conflicts), list(evidence)


def _coming_for_group(
    group: frozenset[str], snapshot: HouseholdSnapshot
) -> tuple[list[str], list[str]]:
    start, end = lookahead_window(snapshot.as_of)
    conflicts: list[str] = []
    for plan in sorted(snapshot.scheduled, key=lambda s: (s.next_date, s.account, s.symbol)):
        if plan.symbol not in group:
            continue
        dates = plan.occurrences(start, end)
        if dates:
            conflicts.append(
                f"{plan.account} {_kind_label(plan.kind)} {plan.symbol} scheduled for "
                f"{dates[0].isoformat()}"
            )
    for txn in sorted(snapshot.recent_acquisitions, key=lambda t: (t.date, t.seq)):
        if txn.is_acquisition and txn.symbol in group and start < txn.date <= end:
            conflicts.append(_bought(txn))
    for open_pos in sorted(snapshot.open_positions, key=lambda p: (p.account, p.symbol)):
        if open_pos.buy_symbol and open_pos.buy_symbol in group:
            name = f"open proposal {open_pos.proposal}" if open_pos.proposal else "an open proposal"
            conflicts.append(f"{name} buys {open_pos.buy_symbol} in {open_pos.account}")
    header = (
        f"wash-sale look-ahead {_span(start, end)} (R1.1): scheduled and planned purchases "
        f"of {identical_label(group)} in every household account"
    )
    evidence = [header + (": " + "; ".join(conflicts) if conflicts else ": none")]
    return conflicts, evidence


def check_sale(
    candidate: Candidate, snapshot: HouseholdSnapshot, swap_list: SwapList, policy: Policy
) -> SaleCheck:
    """The guard for one candidate: the lots the leg sells, or the skip, with evidence."""
    sold = candidate.loss_lots
    conflicts, notes = _lookback(candidate, sold, snapshot, swap_list)
    if conflicts:
        own = {
            t.seq
            for t in conflicts
            if t.account == candidate.account and t.symbol == candidate.symbol
            and t.date <= snapshot.as_of
        }
        if len(own) == len(conflicts):
            extra = tuple(lot for lot in candidate.other_lots if lot.purchase_seq in own)
            trial = tuple(sorted(sold + extra, key=purchase_order))
            trial_conflicts, trial_notes = _lookback(candidate, trial, snapshot, swap_list)
            net = sum((lot_loss(lot, candidate.price) for lot in trial), ZERO)
            basis = sum((lot.cost_basis for lot in trial), ZERO)
            if not trial_conflicts and passes_thresholds(net, basis, policy):
                sold, conflicts = trial, []
                notes = trial_notes + [
                    f"lot choice: the recent lot(s) of {candidate.symbol} in "
                    f"{candidate.account} bought "
                    + ", ".join(sorted({lot.purchase_date.isoformat() for lot in extra}))
                    + " are sold along (C2) so no replacement remains"
                ]
            else:
                notes.append(
                    "lot choice: selling the recent lot(s) along would not leave a loss "
                    "passing the thresholds"
                )
    coming, coming_notes = _coming_purchases(candidate, snapshot, swap_list)
    evidence = tuple(notes + coming_notes)
    if conflicts:
        detail = "; ".join(_bought(t) for t in conflicts)
        skip = Skip(candidate.account, candidate.symbol, WASH_SALE_LOOKBACK, detail)
        return SaleCheck((), skip, evidence)
    if coming:
        skip = Skip(candidate.account, candidate.symbol, WASH_SALE_SCHEDULED, "; ".join(coming))
        return SaleCheck((), skip, evidence)
    return SaleCheck(sold, None, evidence)
