"""Builders for the report and planning tests: snapshots read like a ledger, exact values.

The household of every planning case: P-TAX (joint taxable), P-IRA (traditional IRA),
S-ROTH (the spouse's Roth IRA) and S-401K; on AS_OF 2026-10-15; married filing jointly at
37% ordinary / 40.8% short-term / 23.8% long-term, nothing else realized this year.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from harvesting.engine.values import (
    HouseholdSnapshot,
    OpenPosition,
    Policy,
    Restriction,
    ScheduledPurchase,
    SwapList,
    SwapPair,
    TaxContext,
)
from portfolios.taxlots.values import AccountRef, OpenLot, Txn

D = Decimal
AS_OF = date(2026, 10, 15)
ACCOUNTS = (
    AccountRef("P-TAX", "primary", "taxable"),
    AccountRef("P-IRA", "primary", "traditional_ira"),
    AccountRef("S-ROTH", "spouse", "roth_ira"),
    AccountRef("S-401K", "spouse", "401k"),
)
SWAPS = SwapList(
    identical_groups=(frozenset({"VOO", "IVV", "SPY"}), frozenset({"AGG", "SCHZ"})),
    pairs=(SwapPair("VOO", "VTI", 1), SwapPair("BND", "AGG", 1), SwapPair("BND", "SCHZ", 2),
           SwapPair("VTI", "VOO", 1)),
)
POLICY = Policy()


def tax(**changes) -> TaxContext:
    values = {
        "filing_status": "married_filing_jointly",
        "realized_st_gains": D(0), "realized_st_losses": D(0),
        "realized_lt_gains": D(0), "realized_lt_losses": D(0),
        "outside_st_gains": D(0), "outside_lt_gains": D(0),
        "carryforward_st": D(0), "carryforward_lt": D(0),
        "ordinary_rate": D("0.37"), "st_rate": D("0.408"), "lt_rate": D("0.238"),
    }
    values.update(changes)
    return TaxContext(**values)


_seq = iter(range(100, 10**6))


def lot(symbol: str, quantity, basis, bought: date, account: str = "P-TAX", seq: int | None = None
        ) -> OpenLot:
    return OpenLot(account, symbol, D(quantity), D(basis), bought, bought,
                   next(_seq) if seq is None else seq)


def buy(symbol: str, quantity, day: date, account: str, seq: int, price="100") -> Txn:
    return Txn(seq=seq, date=day, account=account, action="BUY", symbol=symbol,
               quantity=D(quantity), price=D(price))


def snapshot(lots, prices, *, recent=(), scheduled=(), restrictions=(), open_positions=(),
             as_of: date = AS_OF, **tax_changes) -> HouseholdSnapshot:
    return HouseholdSnapshot(
        as_of=as_of, accounts=ACCOUNTS, lots=tuple(lots),
        prices={s: D(p) for s, p in prices.items()}, recent_acquisitions=tuple(recent),
        scheduled=tuple(scheduled), restrictions=tuple(restrictions),
        open_positions=tuple(open_positions), tax=tax(**tax_changes),
    )


def days_before(n: int) -> date:
    return AS_OF - timedelta(days=n)


__all__ = ["AS_OF", "D", "OpenPosition", "POLICY", "Restriction", "SWAPS", "ScheduledPurchase",
           "buy", "days_before", "lot", "snapshot", "tax"]
