"""Exact money and quantities: parsing, quantizing and formatting `Decimal` values.

Rule: binary floats never reach the books (FORMATS.md "General rules"). Input values are
decimal strings or integers; a float is refused with an error naming the field. Amounts
stay unrounded through the computation and are quantized to cents only when written out
(DESIGN.md rule 7).

    >>> parse_decimal("7.50", field="price")
    Decimal('7.50')
    >>> fmt_money(Decimal("-74000"))
    '-74000.00'
    >>> fmt_qty(Decimal("2.500"))
    '2.5'
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
CENT = Decimal("0.01")


class InputError(ValueError):
    """A value that cannot enter the books; `field` names where it came from."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def parse_decimal(value: object, *, field: str) -> Decimal:
    """Read a decimal string or an integer; refuse floats, booleans and garbage."""
    if isinstance(value, bool) or value is None:
        raise InputError(field, f"expected a decimal string, got {value!r}")
    if isinstance(value, float):
        raise InputError(
            field, f"binary floating-point number {value!r} refused; write it as a string"
        )
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise InputError(field, f"{value!r} is not a decimal number") from None
    else:
        raise InputError(field, f"expected a decimal string, got {type(value).__name__}")
    if not result.is_finite():
        raise InputError(field, f"{value!r} is not a finite number")
    return result


def cents(amount: Decimal) -> Decimal:
    """Quantize to cents, half up (presentation and persistence only)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt_money(amount: Decimal) -> str:
    """Money as a string with exactly two decimals: '750.00', '-74000.00'."""
    value = cents(amount)
    if value == 0:
        value = abs(value)  # never print '-0.00'
    return f"{value:f}"


def fmt_qty(quantity: Decimal) -> str:
    """Quantities without trailing zeros and never in exponent form: '100', '2.5'."""
    if quantity == quantity.to_integral_value():
        return f"{quantity.quantize(Decimal(1)):f}"
    return f"{quantity.normalize():f}"
