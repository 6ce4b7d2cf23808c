"""Field readers shared by the file formats: each collects a Problem instead of raising.

    >>> r = RowReader("transactions[0]", {"quantity": 7.5})
    >>> r.decimal("quantity"); r.problems[0].message
    "binary floating-point number 7.5 refused; write it as a string"
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from portfolios.imports.errors import Problem
from portfolios.taxlots.money import InputError, parse_decimal

SYMBOL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-/^_]{0,31}$")


class RowReader:
    """Reads typed fields from one JSON object or CSV row, recording what is wrong."""

    def __init__(self, where: str, row: Any, problems: list[Problem] | None = None) -> None:
        self.where = where
        self.problems = problems if problems is not None else []
        if not isinstance(row, dict):
            self.fail("", f"expected an object, got {type(row).__name__}")
            row = {}
        self.row = row

    def fail(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.where, field, message))

    def has(self, field: str) -> bool:
        return self.row.get(field) not in (None, "")

    def text(self, field: str, *, required: bool = False, default: str = "") -> str:
        value = self.row.get(field)
        if value is None or value == "":
            if required:
                self.fail(field, "is required")
            return default
        if not isinstance(value, str):
            self.fail(field, f"expected a string, got {value!r}")
            return default
        return value.strip()

    def choice(self, field: str, choices: tuple[str, ...] | list[str], *, default: str | None = None) -> str:
        value = self.text(field, required=default is None, default=default or "")
        if value and value not in choices:
            self.fail(field, f"{value!r} is not one of {', '.join(choices)}")
            return default or ""
        return value

    def symbol(self, field: str = "symbol") -> str:
        value = self.text(field, required=True)
        if value and not SYMBOL_RE.match(value):
            self.fail(field, f"{value!r} is not a valid symbol")
        return value.upper()

    def decimal(
        self,
        field: str,
        *,
        required: bool = True,
        positive: bool = False,
        nonnegative: bool = False,
        default: Decimal | None = None,
    ) -> Decimal | None:
        value = self.row.get(field)
        if value is None or value == "":
            if required:
                self.fail(field, "is required")
            return default
        try:
            number = parse_decimal(value, field=field)
        except InputError as exc:
            self.fail(field, exc.message)
            return default
        if positive and number <= 0:
            self.fail(field, f"must be positive, got {value}")
        elif nonnegative and number < 0:
            self.fail(field, f"must not be negative, got {value}")
        return number

    def day(self, field: str, *, required: bool = True) -> date | None:
        value = self.row.get(field)
        if value is None or value == "":
            if required:
                self.fail(field, "is required")
            return None
        if not isinstance(value, str):
            self.fail(field, f"expected a date YYYY-MM-DD, got {value!r}")
            return None
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                raise ValueError
            return date.fromisoformat(value.strip())
        except ValueError:
            self.fail(field, f"{value!r} is not a date YYYY-MM-DD")
            return None

    def whole(self, field: str, *, required: bool = False, minimum: int = 1) -> int | None:
        number = self.decimal(field, required=required)
        if number is None:
            return None
        if number != number.to_integral_value() or number < minimum:
            self.fail(field, f"must be a whole number of at least {minimum}, got {number}")
            return None
        return int(number)
