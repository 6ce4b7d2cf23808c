"""Template filters for money, quantities and rates: exact Decimal in, text out.

    {{ value|money }}   → "$1,234.56", "−$74,000.00", "—" for None
    {{ value|signed }}  → "pos" / "neg" / "" (a CSS class)
    {{ value|qty }}     → "1321.5"
    {{ value|pct }}     → "23.8%" for Decimal("0.238")
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.http import Http404

from advisors import access
from portfolios.taxlots.money import cents, fmt_qty

register = template.Library()
MINUS = "\u2212"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def money(value) -> str:
    amount = _decimal(value)
    if amount is None:
        return "—"
    amount = cents(amount)
    if amount == 0:
        return "$0.00"
    sign = MINUS if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


@register.filter
def money0(value) -> str:
    """Whole dollars for dense summaries (the exact figure is in the title/details)."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    amount = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if amount == 0:
        return "$0"
    sign = MINUS if amount < 0 else ""
    return f"{sign}${abs(amount):,.0f}"


@register.filter
def signed(value) -> str:
    amount = _decimal(value)
    if amount is None:
        return ""
    amount = cents(amount)
    return "pos" if amount > 0 else "neg" if amount < 0 else ""


@register.filter
def qty(value) -> str:
    amount = _decimal(value)
    return "—" if amount is None else fmt_qty(amount)


@register.filter
def pct(value) -> str:
    amount = _decimal(value)
    if amount is None:
        return "—"
    percent = (amount * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return f"{percent:f}%"


@register.filter
def neg(value):
    amount = _decimal(value)
    return None if amount is None else -amount


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag
def role_of(user) -> str:
    return access.role_of(user)


@register.simple_tag
def can_act(user, household) -> bool:
    return access.can_act_on_household(user, household)


@register.simple_tag
def client_household_key(user) -> str:
    if access.role_of(user) != access.CLIENT:
        return ""
    try:
        return access.client_household(user).key
    except Http404:
        return ""
