"""Proposals in the public format of FORMATS.md §6 (export_proposals, the API).

Losses are positive amounts with two decimals; quantities have no trailing zeros.
"""

from __future__ import annotations

import csv
import io

from harvesting.models import Proposal
from portfolios.taxlots.money import fmt_money, fmt_qty


def proposal_document(proposal: Proposal) -> dict:
    legs = []
    for leg in proposal.legs.all():
        if leg.excluded:
            continue
        legs.append(
            {
                "account": leg.account.code,
                "sell": {
                    "symbol": leg.sell_security.symbol,
                    "quantity": fmt_qty(leg.sell_quantity),
                    "lots": [
                        {"acquired": lot["acquired"], "quantity": lot["quantity"]}
                        for lot in leg.lots
                    ],
                    "price": fmt_money(leg.sell_price),
                },
                "buy": {
                    "symbol": leg.buy_security.symbol if leg.buy_security else "",
                    "quantity": fmt_qty(leg.buy_quantity),
                    "price": fmt_money(leg.buy_price) if leg.buy_price is not None else "",
                },
                "loss_st": fmt_money(leg.loss_st),
                "loss_lt": fmt_money(leg.loss_lt),
                "replacement_reason": leg.replacement_reason,
                "replacement_risk": leg.replacement_risk,
            }
        )
    return {
        "id": proposal.id,
        "household": proposal.household.key,
        "as_of": proposal.as_of.isoformat(),
        "kind": proposal.kind,
        "status": proposal.status,
        "legs": legs,
        "harvested_loss_st": fmt_money(proposal.harvested_loss_st),
        "harvested_loss_lt": fmt_money(proposal.harvested_loss_lt),
        "estimated_tax_savings": fmt_money(proposal.estimated_tax_savings),
        "skipped": [
            {k: s[k] for k in ("account", "symbol", "reason", "detail")}
            for s in proposal.skipped
        ],
        "warnings": list(proposal.warnings),
    }


CSV_FIELDS = [
    "id", "household", "as_of", "status", "account", "sell_symbol", "sell_quantity",
    "sell_price", "lots", "buy_symbol", "buy_quantity", "buy_price", "loss_st", "loss_lt",
    "harvested_loss_st", "harvested_loss_lt", "estimated_tax_savings",
]


def proposals_csv(documents: list[dict]) -> str:
    """One CSV row per leg (a proposal without legs gets one row naming its skips)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS + ["skipped"], lineterminator="\n")
    writer.writeheader()
    for doc in documents:
        common = {k: doc[k] for k in ("id", "household", "as_of", "status", "harvested_loss_st",
                                      "harvested_loss_lt", "estimated_tax_savings")}
        skipped = "; ".join(f"{s['account']} {s['symbol']}: {s['reason']}" for s in doc["skipped"])
        if not doc["legs"]:
            writer.writerow(common | {"skipped": skipped})
        for leg in doc["legs"]:
            writer.writerow(
                common
                | {
                    "account": leg["account"],
                    "sell_symbol": leg["sell"]["symbol"],
                    "sell_quantity": leg["sell"]["quantity"],
                    "sell_price": leg["sell"]["price"],
                    "lots": " ".join(f"{lot['acquired']}:{lot['quantity']}" for lot in leg["sell"]["lots"]),
                    "buy_symbol": leg["buy"]["symbol"],
                    "buy_quantity": leg["buy"]["quantity"],
                    "buy_price": leg["buy"]["price"],
                    "loss_st": leg["loss_st"],
                    "loss_lt": leg["loss_lt"],
                    "skipped": skipped,
                }
            )
    return out.getvalue()
