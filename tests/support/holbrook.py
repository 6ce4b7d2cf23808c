"""The mission's worked example as public files: securities, swap list, prices, household.

VOO bought for $420,000 (now $385,000), EFA $180,000 (now $158,000) and ADBE $65,000 (now
$48,000), all held over a year; $55,000 of long-term gains realized outside; 23.8% LT and
37% ordinary rates. A year of daily closes lets the engine rank ADBE's sub-industry peers
by correlation: CRM moves with ADBE, INTU half-independently, so CRM must be chosen.
"""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

AS_OF = date(2026, 10, 15)

SECURITIES = """symbol,name,asset_class,sector,sub_industry,tracked_index
VOO,Vanguard S&P 500 ETF,US equity,,,S&P 500 Index
IVV,iShares Core S&P 500 ETF,US equity,,,S&P 500 Index
SPY,SPDR S&P 500 ETF Trust,US equity,,,S&P 500 Index
VTI,Vanguard Total Stock Market ETF,US equity,,,CRSP US Total Market Index
EFA,iShares MSCI EAFE ETF,International equity,,,MSCI EAFE Index
IEFA,iShares Core MSCI EAFE ETF,International equity,,,MSCI EAFE IMI Index
ADBE,Adobe Inc.,US equity,Information Technology,Application Software,
CRM,Salesforce,US equity,Information Technology,Application Software,
INTU,Intuit,US equity,Information Technology,Application Software,
XOM,ExxonMobil,US equity,Energy,Integrated Oil & Gas,
"""

SWAP_LIST = {
    "identical_groups": [["VOO", "IVV", "SPY"]],
    "swap_pairs": [
        {"from": "VOO", "to": "VTI", "rank": 1},
        {"from": "VTI", "to": "VOO", "rank": 1},
        {"from": "EFA", "to": "IEFA", "rank": 1},
        {"from": "IEFA", "to": "EFA", "rank": 1},
    ],
}

HOUSEHOLD = {
    "key": "holbrook",
    "name": "Holbrook household",
    "filing_status": "married_filing_jointly",
    "advisor": "quinn",
    "members": [
        {"role": "primary", "name": "Diana Holbrook"},
        {"role": "spouse", "name": "Sam Holbrook"},
    ],
    "accounts": [
        {"id": "P-TAX", "owner": "primary", "type": "taxable"},
        {"id": "P-IRA", "owner": "primary", "type": "traditional_ira"},
        {"id": "S-IRA", "owner": "spouse", "type": "traditional_ira"},
    ],
    "transactions": [
        {"date": "2024-03-01", "account": "P-TAX", "action": "BUY", "symbol": "VOO",
         "quantity": "1000", "price": "420.00"},
        {"date": "2024-03-01", "account": "P-TAX", "action": "BUY", "symbol": "EFA",
         "quantity": "2000", "price": "90.00"},
        {"date": "2024-03-04", "account": "P-TAX", "action": "BUY", "symbol": "ADBE",
         "quantity": "100", "price": "650.00"},
    ],
    "tax_profile": {
        "ordinary_rate": "0.37", "st_rate": "0.408", "lt_rate": "0.238",
        "outside_st_gains": "0", "outside_lt_gains": "55000",
        "carryforward_st": "0", "carryforward_lt": "0",
    },
}

LAST_CLOSE = {
    "VOO": Decimal("385.00"), "IVV": Decimal("386.00"), "SPY": Decimal("384.00"),
    "VTI": Decimal("291.33"), "EFA": Decimal("79.00"), "IEFA": Decimal("72.50"),
    "ADBE": Decimal("480.00"), "CRM": Decimal("250.00"), "INTU": Decimal("600.00"),
    "XOM": Decimal("110.00"),
}


def trading_days(end: date, count: int) -> list[date]:
    days: list[date] = []
    day = end
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def price_rows(end: date = AS_OF, count: int = 260) -> list[tuple[date, str, Decimal]]:
    """Deterministic closes ending at LAST_CLOSE: a shared 'software factor' drives ADBE
    and CRM alike; INTU follows it on odd days only; others drift on their own."""
    days = trading_days(end, count)
    factor = [Decimal((i * 7919) % 23 - 11) / 1000 for i in range(count)]  # −1.1% … +1.1%
    own = [Decimal((i * 104729) % 17 - 8) / 1000 for i in range(count)]
    moves = {
        "ADBE": factor,
        "CRM": [f + o / 10 for f, o in zip(factor, own, strict=True)],
        "INTU": [f if i % 2 else o for i, (f, o) in enumerate(zip(factor, own, strict=True))],
    }
    rows = []
    for symbol, last in LAST_CLOSE.items():
        series = moves.get(symbol, [o / 4 for o in own])
        closes = [last]
        for move in reversed(series[1:]):
            closes.append((closes[-1] / (1 + move)).quantize(Decimal("0.0001")))
        closes.reverse()
        rows.extend((d, symbol, c) for d, c in zip(days, closes, strict=True))
    return rows


def write_files(tmp_path: Path, household: dict | None = None) -> dict[str, str]:
    paths = {
        "securities": tmp_path / "securities.csv",
        "swaplist": tmp_path / "swaplist.json",
        "prices": tmp_path / "prices.csv",
        "household": tmp_path / "holbrook.json",
    }
    paths["securities"].write_text(SECURITIES)
    paths["swaplist"].write_text(json.dumps(SWAP_LIST))
    paths["prices"].write_text(
        "date,symbol,close\n" + "".join(f"{d.isoformat()},{s},{c}\n" for d, s, c in price_rows())
    )
    paths["household"].write_text(json.dumps(household or HOUSEHOLD))
    return {k: str(v) for k, v in paths.items()}


def household(**changes) -> dict:
    doc = copy.deepcopy(HOUSEHOLD)
    for key, value in changes.items():
        doc[key] = value
    return doc


def load(tmp_path: Path, doc: dict | None = None) -> None:
    """Import everything through the real commands, in the order operations staff would."""
    from tests.support.commands import run

    paths = write_files(tmp_path, doc)
    run("import_securities", paths["securities"])
    run("import_swap_list", paths["swaplist"])
    run("import_prices", paths["prices"])
    run("import_household", paths["household"])
