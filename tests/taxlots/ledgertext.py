"""Write replay cases as readable ledger text, and read results back as short strings.

    account P-TAX primary taxable            # id, owner, type, optional lot method
    account S-IRA spouse traditional_ira
    group VOO IVV                            # substantially identical symbols (R1.5)
    2025-01-06 P-TAX BUY X 100 @ 10.00 fee 1.00
    2025-03-10 P-TAX SELL X 100 @ 7.50 lot 2025-01-06
    2025-03-12 P-TAX REINVEST X 2.5 @ 7.60
    2024-05-01 S-IRA TRANSFER_IN VNQ 50 basis 4100.00 acquired 2019-02-11

Transactions get `seq` = their position among the transaction lines. `run(text)` replays
them; `rows(result)` gives the Form 8949 rows and `lots(result)` the open lots as strings:

    "P-TAX X 100 acq 2025-01-06 sold 2025-03-10 proceeds 750.00 basis 1000.00 W 250.00 gain 0.00 short"
    "P-TAX X 100 basis 1050.00 acq 2025-01-21"
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from portfolios.taxlots.money import fmt_money, fmt_qty, parse_decimal
from portfolios.taxlots.replay import replay
from portfolios.taxlots.values import AccountRef, OpenLot, ReplayResult, SalePiece, Txn

# The specification's worked cases, copied into the repository (docs/examples/README.md).
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def parse(text: str) -> tuple[list[AccountRef], list[Txn], list[list[str]]]:
    accounts: list[AccountRef] = []
    txns: list[Txn] = []
    groups: list[list[str]] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if words[0] == "account":
            acct_id, owner, acct_type, *method = words[1:]
            accounts.append(AccountRef(acct_id, owner, acct_type, *(method or ["fifo"])))
            continue
        if words[0] == "group":
            groups.append(words[1:])
            continue
        day, account, action, symbol, qty, *rest = words
        fields: dict[str, str] = {}
        i = 0
        while i < len(rest):
            key = "price" if rest[i] == "@" else rest[i]
            fields[key] = rest[i + 1]
            i += 2
        txns.append(
            Txn(
                seq=len(txns),
                date=date.fromisoformat(day),
                account=account,
                action=action,
                symbol=symbol,
                quantity=Decimal(qty),
                price=Decimal(fields.get("price", "0")),
                fees=Decimal(fields.get("fee", "0")),
                lot=date.fromisoformat(fields["lot"]) if "lot" in fields else None,
                cost_basis=Decimal(fields["basis"]) if "basis" in fields else None,
                acquired=date.fromisoformat(fields["acquired"]) if "acquired" in fields else None,
            )
        )
    return accounts, txns, groups


def run(text: str) -> ReplayResult:
    accounts, txns, groups = parse(text)
    return replay(accounts, txns, groups)


def row(s: SalePiece) -> str:
    wash = f" W {fmt_money(s.adjustment_amount)}" if s.adjustment_code else ""
    return (
        f"{s.account} {s.symbol} {fmt_qty(s.quantity)} acq {s.date_acquired} sold {s.date_sold}"
        f" proceeds {fmt_money(s.proceeds)} basis {fmt_money(s.cost_basis)}{wash}"
        f" gain {fmt_money(s.gain_loss)} {s.term}"
    )


def rows(result: ReplayResult) -> list[str]:
    """Form 8949 rows (taxable accounts only), in sale order."""
    assert not result.errors, result.errors
    return [row(s) for s in result.form_8949]


def lot(x: OpenLot) -> str:
    return (
        f"{x.account} {x.symbol} {fmt_qty(x.quantity)} basis {fmt_money(x.cost_basis)}"
        f" acq {x.acquired}"
    )


def lots(result: ReplayResult) -> list[str]:
    """Open lots in the reported order (account, symbol, purchase order)."""
    assert not result.errors, result.errors
    return [lot(x) for x in result.open_lots]


def form_8949_json(result: ReplayResult) -> list[dict[str, str]]:
    """Rows in the export_8949 shape (FORMATS.md §4)."""
    return [
        {
            "account": s.account,
            "symbol": s.symbol,
            "date_acquired": s.date_acquired.isoformat(),
            "date_sold": s.date_sold.isoformat(),
            "quantity": fmt_qty(s.quantity),
            "proceeds": fmt_money(s.proceeds),
            "cost_basis": fmt_money(s.cost_basis),
            "adjustment_code": s.adjustment_code,
            "adjustment_amount": fmt_money(s.adjustment_amount),
            "gain_loss": fmt_money(s.gain_loss),
            "term": s.term,
        }
        for s in result.form_8949
    ]


def lots_json(result: ReplayResult) -> list[dict[str, str]]:
    """Open lots in the export_lots shape (FORMATS.md §4)."""
    return [
        {
            "account": x.account,
            "symbol": x.symbol,
            "quantity": fmt_qty(x.quantity),
            "cost_basis": fmt_money(x.cost_basis),
            "acquired": x.acquired.isoformat(),
        }
        for x in result.open_lots
    ]


def household_to_replay_input(doc: dict) -> tuple[list[AccountRef], list[Txn]]:
    """A household file (FORMATS.md §1) as replay input (strings parsed exactly)."""
    accounts = [
        AccountRef(a["id"], a.get("owner", "primary"), a["type"], a.get("lot_method", "fifo"))
        for a in doc["accounts"]
    ]
    txns = []
    for i, t in enumerate(doc.get("transactions", [])):
        txns.append(
            Txn(
                seq=i,
                date=date.fromisoformat(t["date"]),
                account=t["account"],
                action=t["action"],
                symbol=t["symbol"],
                quantity=parse_decimal(t["quantity"], field="quantity"),
                price=parse_decimal(t.get("price", "0"), field="price"),
                fees=parse_decimal(t.get("fees", "0"), field="fees"),
                lot=date.fromisoformat(t["lot"]) if t.get("lot") else None,
                cost_basis=(
                    parse_decimal(t["cost_basis"], field="cost_basis") if "cost_basis" in t else None
                ),
                acquired=date.fromisoformat(t["acquired"]) if t.get("acquired") else None,
            )
        )
    return accounts, txns
