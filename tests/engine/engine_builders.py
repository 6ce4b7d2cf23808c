"""Small builders for harvest-engine tests: a household read like its ledger.

The Holbrook household on 2026-10-15: Diana's joint brokerage P-TAX, her IRA P-IRA and
401(k) P-401K; Sam's brokerage S-TAX and IRA S-IRA. Tax profile of the mission: married
filing jointly, $55,000 of LT gains realized outside, 37% ordinary / 40.8% ST / 23.8% LT.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from harvesting.engine.values import (
    HouseholdSnapshot,
    SecurityInfo,
    SwapList,
    SwapPair,
    TaxContext,
)
from portfolios.taxlots.values import BUY, AccountRef, OpenLot, Txn

D = Decimal
AS_OF = date(2026, 10, 15)
LONG_AGO = date(2024, 3, 1)  # held well over a year on AS_OF

ACCOUNTS = (
    AccountRef("P-TAX", "primary", "taxable"),
    AccountRef("P-IRA", "primary", "traditional_ira"),
    AccountRef("P-401K", "primary", "401k"),
    AccountRef("S-TAX", "spouse", "taxable"),
    AccountRef("S-IRA", "spouse", "traditional_ira"),
)

SWAPS = SwapList(
    identical_groups=(
        frozenset({"VOO", "IVV", "SPY", "VFIAX"}),
        frozenset({"EFA", "IEFA"}),
    ),
    pairs=(
        SwapPair("VOO", "VTI", 1),
        SwapPair("VTI", "VOO", 1),
        SwapPair("EFA", "VEA", 1),
        SwapPair("VEA", "EFA", 1),
    ),
)

INDEXES = {
    "VOO": "S&P 500",
    "IVV": "S&P 500",
    "VTI": "CRSP US Total Market",
    "EFA": "MSCI EAFE",
    "VEA": "FTSE Developed All Cap ex US",
}

_seq = iter(range(1000, 10**6))


def days_ago(n: int) -> date:
    return AS_OF - timedelta(days=n)


def lot(
    account: str,
    symbol: str,
    quantity: object,
    basis: object,
    bought: date = LONG_AGO,
    *,
    seq: int | None = None,
    acquired: date | None = None,
) -> OpenLot:
    """An open lot of `quantity` shares with total `basis`, from the purchase `seq`."""
    return OpenLot(
        account=account,
        symbol=symbol,
        quantity=D(quantity),
        cost_basis=D(basis),
        acquired=acquired or bought,
        purchase_date=bought,
        purchase_seq=next(_seq) if seq is None else seq,
    )


def buy(
    account: str, symbol: str, quantity: object, price: object, on: date, *, seq: int,
    action: str = BUY,
) -> Txn:
    return Txn(seq=seq, date=on, account=account, action=action, symbol=symbol,
               quantity=D(quantity), price=D(price))


def recent(
    account: str, symbol: str, quantity: object, price: object, on: date, *, seq: int,
    action: str = BUY,
) -> tuple[Txn, OpenLot]:
    """A purchase inside the look-back window and the open lot it still is."""
    txn = buy(account, symbol, quantity, price, on, seq=seq, action=action)
    return txn, lot(account, symbol, quantity, D(quantity) * D(price), on, seq=seq)


def tax(**overrides: object) -> TaxContext:
    values: dict[str, object] = {
        "filing_status": "married_filing_jointly",
        "realized_st_gains": D(0),
        "realized_st_losses": D(0),
        "realized_lt_gains": D(0),
        "realized_lt_losses": D(0),
        "outside_st_gains": D(0),
        "outside_lt_gains": D(55000),
        "carryforward_st": D(0),
        "carryforward_lt": D(0),
        "ordinary_rate": D("0.37"),
        "st_rate": D("0.408"),
        "lt_rate": D("0.238"),
    }
    values.update(overrides)
    return TaxContext(**values)  # type: ignore[arg-type]


def securities(*infos: SecurityInfo) -> dict[str, SecurityInfo]:
    base = {s: SecurityInfo(s, "etf", tracked_index=i) for s, i in INDEXES.items()}
    base.update({info.symbol: info for info in infos})
    return base


def snapshot(lots: tuple[OpenLot, ...] | list[OpenLot], prices: dict[str, object],
             **kw: object) -> HouseholdSnapshot:
    values: dict[str, object] = {
        "as_of": AS_OF,
        "accounts": ACCOUNTS,
        "lots": tuple(lots),
        "prices": {s: D(p) for s, p in prices.items()},
        "tax": tax(),
        "securities": securities(),
    }
    values.update(kw)
    return HouseholdSnapshot(**values)  # type: ignore[arg-type]


def with_(snap: HouseholdSnapshot, **kw: object) -> HouseholdSnapshot:
    return replace(snap, **kw)  # type: ignore[arg-type]


# --- price histories for correlation ranking ---------------------------------------------


_MARKET = random.Random(2026)
MARKET = tuple(D(_MARKET.randint(-20, 20)) / 1000 for _ in range(400))  # daily returns ±2%


def history(noise: object, seed: int, days: int = 260, start_price: object = 100) -> tuple[
    tuple[date, Decimal], ...
]:
    """Daily closes ending on AS_OF whose returns are market + noise × its own shocks
    (random integers of `seed`, exact Decimals): the larger `noise`, the lower the
    correlation with other securities."""
    k = D(noise)
    shocks = random.Random(seed)
    price = D(start_price)
    closes = []
    for t in range(days):
        closes.append((AS_OF - timedelta(days=days - 1 - t), price))
        price = price * (1 + MARKET[t] + k * D(shocks.randint(-20, 20)) / 1000)
    return tuple(closes)
