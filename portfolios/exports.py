"""The export formats of FORMATS.md §4, built from the stored projection.

Money has two decimals, quantities no trailing zeros; rows come in the order a preparer
reads them (sale date, then sale, then piece).
"""

from __future__ import annotations

import csv
import io
import json

from advisors.models import Household
from portfolios.models import Lot, RealizedSale
from portfolios.taxlots.money import fmt_money, fmt_qty

FORM_8949_FIELDS = [
    "account", "symbol", "date_acquired", "date_sold", "quantity", "proceeds", "cost_basis",
    "adjustment_code", "adjustment_amount", "gain_loss", "term",
]
LOT_FIELDS = ["account", "symbol", "quantity", "cost_basis", "acquired"]


def form_8949_rows(household: Household, year: int | None = None) -> list[dict[str, str]]:
    qs = RealizedSale.objects.filter(household=household).select_related("account", "security")
    if year is not None:
        qs = qs.in_year(year)
    rows = []
    for r in qs.order_by("date_sold", "sale_seq", "piece"):
        rows.append(
            {
                "account": r.account.code,
                "symbol": r.security.symbol,
                "date_acquired": r.date_acquired.isoformat(),
                "date_sold": r.date_sold.isoformat(),
                "quantity": fmt_qty(r.quantity),
                "proceeds": fmt_money(r.proceeds),
                "cost_basis": fmt_money(r.cost_basis),
                "adjustment_code": r.adjustment_code,
                "adjustment_amount": fmt_money(r.adjustment_amount),
                "gain_loss": fmt_money(r.gain_loss),
                "term": r.term,
            }
        )
    return rows


def open_lot_rows(household: Household) -> list[dict[str, str]]:
    qs = Lot.objects.filter(household=household).select_related("account", "security")
    return [
        {
            "account": lot.account.code,
            "symbol": lot.security.symbol,
            "quantity": fmt_qty(lot.quantity),
            "cost_basis": fmt_money(lot.cost_basis),
            "acquired": lot.acquired.isoformat(),
        }
        for lot in qs.order_by("account__code", "security__symbol", "purchase_seq", "acquired")
    ]


def render(rows: list[dict[str, str]], fmt: str, fields: list[str]) -> str:
    if fmt == "json":
        return json.dumps(rows, indent=2)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
