"""The order file an executing desk receives, and the fills file it sends back.

Order file (CSV): `proposal,account,side,symbol,quantity,lot_acquired,reference_price` —
one SELL row per lot (specific identification by the lot's purchase date, Reg.
§1.1012-1(c)) and one BUY row per replacement.

Fills file (CSV): `account,side,symbol,quantity,price` then optional `date` (default:
the proposal's as-of date), `lot` (SELL: the purchase date of the lot sold) and `fees`.
Every fill must match a leg of the proposal; a bad row is refused by line and column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from harvesting.models import Proposal
from portfolios.imports.errors import FileErrors, Problem
from portfolios.imports.fields import RowReader
from portfolios.taxlots.money import fmt_money, fmt_qty

ORDER_FIELDS = ["proposal", "account", "side", "symbol", "quantity", "lot_acquired", "reference_price"]


@dataclass(frozen=True)
class Fill:
    account: str
    side: str  # BUY or SELL
    symbol: str
    quantity: Decimal
    price: Decimal
    day: date
    lot: date | None = None
    fees: Decimal = Decimal(0)


def recent_lots_first(lots: list[dict], as_of: date) -> list[dict]:
    """Lots bought in the 30 days before the sale go first.

    A leg that sells a recent lot along (to remove a wash-sale conflict) must dispose of it
    *before* the older loss lots: separate SELLs of one day are separate sales, and a share
    disposed of before a loss sale is no replacement (C3), whereas one still held is (R2.2).
    """
    window_start = as_of - timedelta(days=30)
    return sorted(lots, key=lambda lot: date.fromisoformat(lot["purchase_date"]) < window_start)


def fill_order(fill: Fill) -> tuple:
    """Book fills by day, sells before buys, recent lots first (see recent_lots_first)."""
    recent = fill.lot is not None and fill.lot >= fill.day - timedelta(days=30)
    return (fill.day, fill.side != "SELL", not recent)


def order_rows(proposal: Proposal) -> list[dict[str, str]]:
    rows = []
    for leg in proposal.legs.select_related("account", "sell_security", "buy_security"):
        if leg.excluded:
            continue
        for lot in recent_lots_first(leg.lots, proposal.as_of):
            rows.append({
                "proposal": str(proposal.id), "account": leg.account.code, "side": "SELL",
                "symbol": leg.sell_security.symbol, "quantity": lot["quantity"],
                "lot_acquired": lot["purchase_date"],
                "reference_price": fmt_money(leg.sell_price),
            })
        if leg.buy_security is not None and leg.buy_quantity > 0:
            rows.append({
                "proposal": str(proposal.id), "account": leg.account.code, "side": "BUY",
                "symbol": leg.buy_security.symbol, "quantity": fmt_qty(leg.buy_quantity),
                "lot_acquired": "", "reference_price": fmt_money(leg.buy_price or 0),
            })
    return rows


def order_csv(proposal: Proposal) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ORDER_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(order_rows(proposal))
    return out.getvalue()


def simulated_fills(proposal: Proposal) -> list[Fill]:
    """Demo mode: every order filled at the proposal's reference (as-of) prices."""
    fills = []
    for row in order_rows(proposal):
        fills.append(Fill(
            account=row["account"], side=row["side"], symbol=row["symbol"],
            quantity=Decimal(row["quantity"]), price=Decimal(row["reference_price"]),
            day=proposal.as_of,
            lot=date.fromisoformat(row["lot_acquired"]) if row["lot_acquired"] else None,
        ))
    return fills


def parse_fills(text: str, proposal: Proposal) -> list[Fill]:
    problems: list[Problem] = []
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in ("account", "side", "symbol", "quantity", "price") if c not in header]
    if missing:
        raise FileErrors([Problem("line 1", c, "missing column in the header") for c in missing])
    allowed = {(r["account"], r["side"], r["symbol"]) for r in order_rows(proposal)}
    fills = []
    for line, raw in enumerate(reader, start=2):
        r = RowReader(f"line {line}", raw, problems)
        account = r.text("account", required=True)
        side = r.choice("side", ("BUY", "SELL"))
        symbol = r.symbol()
        quantity = r.decimal("quantity", positive=True)
        price = r.decimal("price", positive=True)
        day = r.day("date", required=False) or proposal.as_of
        lot = r.day("lot", required=False) if side == "SELL" else None
        fees = r.decimal("fees", required=False, nonnegative=True, default=Decimal(0))
        if account and side and symbol and (account, side, symbol) not in allowed:
            r.fail("symbol", f"{side} {symbol} in {account} is not an order of proposal {proposal.id}")
        if quantity is not None and price is not None and side and symbol:
            fills.append(Fill(account, side, symbol, quantity, price, day, lot, fees or Decimal(0)))
    if not fills and not problems:
        problems.append(Problem("", "file", "no fills in the file"))
    if problems:
        raise FileErrors(problems)
    return fills
