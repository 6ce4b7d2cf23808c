"""Shared plumbing of the report commands: arguments, the household, JSON-ready values.

Money is written with two decimals, quantities without trailing zeros, rates as decimal
strings (FORMATS.md general rules); JSON goes to stdout, human messages to stderr.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.management.base import CommandError

from advisors.models import Household
from portfolios.taxlots.money import fmt_money, fmt_qty


def household(key: str) -> Household:
    found = Household.objects.filter(key=key).first()
    if found is None:
        raise CommandError(f"no household with key {key!r}")
    return found


def amount(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CommandError(f"AMOUNT: {text!r} is not a decimal amount") from None
    if not value.is_finite() or value <= 0:
        raise CommandError(f"AMOUNT: must be a positive amount, got {text!r}")
    return value


def day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of: {text!r} is not a date (YYYY-MM-DD)") from None


def money(value: Decimal | None) -> str | None:
    return None if value is None else fmt_money(value)


def qty(value: Decimal) -> str:
    return fmt_qty(value)


def rate(value: Decimal) -> str:
    return f"{value.normalize():f}"


def dump(document) -> str:
    return json.dumps(document, indent=2)


def add_common(parser, *, amount_arg: bool = True) -> None:
    parser.add_argument("key", help="the household's key")
    if amount_arg:
        parser.add_argument("amount", help="a decimal amount of dollars, e.g. 50000")
    parser.add_argument("--as-of", dest="as_of",
                        help="prices of this date (default: the latest close of the holdings)")
    parser.add_argument("--format", choices=["text", "json"], default="text")


def pick_json(p) -> dict:
    return {
        "account": p.account, "symbol": p.symbol, "purchase_date": p.purchase_date.isoformat(),
        "acquired": p.acquired.isoformat(), "term": p.term, "quantity": qty(p.quantity),
        "lot_quantity": qty(p.lot_quantity), "price": money(p.price),
        "proceeds": money(p.proceeds), "cost_basis": money(p.cost_basis), "gain": money(p.gain),
    }


def excluded_json(e) -> dict:
    return {"account": e.account, "symbol": e.symbol, "purchase_date": e.purchase_date.isoformat(),
            "quantity": qty(e.quantity), "reason": e.reason, "detail": e.detail}


def household_and_day(opts) -> tuple[Household, date]:
    """The household named by KEY and the as-of date: --as-of, else its latest priced day."""
    from reports import planning

    found = household(opts["key"])
    as_of = day(opts["as_of"]) or planning.default_as_of(found)
    if as_of is None:
        raise CommandError("no prices for the household's holdings: import prices first")
    return found, as_of
