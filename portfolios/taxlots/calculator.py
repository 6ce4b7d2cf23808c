"""The tax calculator's JSON-in / JSON-out contract (FORMATS §5), shared by command, web and API.

Rule: inputs are decimal strings or JSON integers (a float is refused naming its field,
FORMATS "General rules"); every output amount is a money string with exactly two decimals.
Kinds: `netting` (TAX_RULES R7.1–R7.5), `niit` (R8.1), `ordinary` and `ltcg` (§9). Tables
are the 2026 ones unless `"year"` names another the product has. Any problem is an
`InputError` whose `field` names the offending input.

    >>> calculate("ordinary", {"filing_status": "married_filing_jointly",
    ...                        "taxable_income": "250000"})
    {'tax': '45196.00'}
    >>> calculate("niit", {"magi": "400000", "net_investment_income": 125000})
    {'niit': '4750.00', 'threshold': '250000.00', 'magi_over_threshold': '150000.00'}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from portfolios.taxlots import tables
from portfolios.taxlots.money import ZERO, InputError, fmt_money, parse_decimal
from portfolios.taxlots.netting import NettingInput, net_capital, worksheet_lines

NETTING = "netting"
NIIT = "niit"
ORDINARY = "ordinary"
LTCG = "ltcg"

# Fields every kind takes.
COMMON_FIELDS = ("filing_status", "year")

# Sign rules for amounts.
NON_NEGATIVE = "non_negative"
ANY_SIGN = "any_sign"
RATE = "rate"  # 0 <= r <= 1


@dataclass(frozen=True, slots=True)
class Field:
    """One numeric input: its sign rule; if not required, its default (None: stays absent)."""

    rule: str
    required: bool = True
    default: Decimal | None = None


def _optional(rule: str, default: Decimal | None = None) -> Field:
    return Field(rule, required=False, default=default)


_RATE_NAMES = ("ordinary_rate", "st_rate", "lt_rate")

_FIELDS: Mapping[str, Mapping[str, Field]] = {
    NETTING: {
        "st_gains": _optional(NON_NEGATIVE, ZERO),
        "st_losses": _optional(NON_NEGATIVE, ZERO),
        "lt_gains": _optional(NON_NEGATIVE, ZERO),
        "lt_losses": _optional(NON_NEGATIVE, ZERO),
        "carryforward_st": _optional(NON_NEGATIVE, ZERO),
        "carryforward_lt": _optional(NON_NEGATIVE, ZERO),
        # Required unless taxable_income and magi are both given (then derived, FORMATS §1).
        "ordinary_rate": _optional(RATE),
        "lt_rate": _optional(RATE),
        "st_rate": _optional(RATE),
        # Extensions: worksheet L1 (R7.4, after the deduction, negative allowed) and MAGI.
        "taxable_income": _optional(ANY_SIGN),
        "magi": _optional(ANY_SIGN),
    },
    NIIT: {
        "magi": Field(ANY_SIGN),
        "net_investment_income": Field(NON_NEGATIVE),
    },
    ORDINARY: {
        "taxable_income": Field(NON_NEGATIVE),
    },
    LTCG: {
        "ordinary_taxable_income": Field(NON_NEGATIVE),
        "lt_gain": Field(NON_NEGATIVE),
    },
}
KINDS = tuple(_FIELDS)


def _amount(payload: Mapping[str, object], name: str, spec: Field) -> Decimal:
    value = parse_decimal(payload[name], field=name)
    if spec.rule in (NON_NEGATIVE, RATE) and value < 0:
        raise InputError(name, f"must not be negative, got {payload[name]!r}")
    if spec.rule == RATE and value > 1:
        raise InputError(
            name, f'a rate is a decimal fraction such as "0.37", got {payload[name]!r}'
        )
    return value


def _year(payload: Mapping[str, object]) -> int:
    if "year" not in payload:
        return tables.DEFAULT_YEAR
    value = parse_decimal(payload["year"], field="year")
    if value != value.to_integral_value():
        raise InputError("year", f"{payload['year']!r} is not a whole year")
    year = int(value)
    tables.table_for(tables.DEFAULT_FILING_STATUS, year)  # UnknownYearError if we lack it
    return year


def _read(kind: str, payload: object) -> tuple[str, int, dict[str, Decimal]]:
    """Validate a payload: (filing_status, year, amounts given or defaulted)."""
    if kind not in _FIELDS:
        raise InputError(
            "kind", f"unknown calculation {kind!r}; expected one of {', '.join(KINDS)}"
        )
    if not isinstance(payload, Mapping):
        raise InputError("input", f"expected a JSON object, got {type(payload).__name__}")
    specs = _FIELDS[kind]
    # Fields this calculation does not read are ignored: the formats grow by optional
    # fields (FORMATS.md), and a caller may send one payload to several calculations.
    filing_status = tables.check_filing_status(
        payload.get("filing_status", tables.DEFAULT_FILING_STATUS)
    )
    year = _year(payload)
    amounts: dict[str, Decimal] = {}
    for name, spec in specs.items():
        if name in payload:
            amounts[name] = _amount(payload, name, spec)
        elif spec.required:
            raise InputError(name, f"required for {kind!r}")
        elif spec.default is not None:
            amounts[name] = spec.default
    return filing_status, year, amounts


def _netting(filing_status: str, year: int, a: dict[str, Decimal]) -> dict[str, str]:
    """R7.1–R7.5. Missing rates come from the tables when taxable_income and magi are given."""
    derived: dict[str, Decimal] = {}
    missing = [name for name in _RATE_NAMES if name not in a]
    if missing:
        if "taxable_income" not in a or "magi" not in a:
            raise InputError(
                missing[0], "required (or give taxable_income and magi to derive the rates)"
            )
        rates = tables.marginal_rates(filing_status, a["taxable_income"], a["magi"], year)
        derived = {
            name: rate for name, rate in zip(_RATE_NAMES, rates, strict=True) if name in missing
        }
    rate = {**a, **derived}
    result = net_capital(
        NettingInput(
            filing_status=filing_status,
            st_gains=a["st_gains"],
            st_losses=a["st_losses"],
            lt_gains=a["lt_gains"],
            lt_losses=a["lt_losses"],
            carryforward_st=a["carryforward_st"],
            carryforward_lt=a["carryforward_lt"],
            ordinary_rate=rate["ordinary_rate"],
            lt_rate=rate["lt_rate"],
            st_rate=rate["st_rate"],
            taxable_income=a.get("taxable_income"),
        )
    )
    sched = result.schedule_d
    out = {
        "net_st": result.net_st,
        "net_lt": result.net_lt,
        "deduction_against_ordinary": result.deduction_against_ordinary,
        "carryforward_st": result.carryforward_st,
        "carryforward_lt": result.carryforward_lt,
        "tax_savings": result.tax_savings,
        "combined": result.combined,
        "st_gain_taxed": result.st_gain_taxed,
        "lt_gain_taxed": result.lt_gain_taxed,
        "tax_without": result.tax_without,
        "tax_with": result.tax_with,
        "deduction_used": result.deduction_used,
        "schedule_d_line_6": sched.line_6,
        "schedule_d_line_7": sched.line_7,
        "schedule_d_line_14": sched.line_14,
        "schedule_d_line_15": sched.line_15,
        "schedule_d_line_16": sched.line_16,
        "schedule_d_line_21": sched.line_21,
    }
    if result.worksheet is not None:
        for line, value in worksheet_lines(result.worksheet).items():
            out[f"worksheet_{line}"] = value
    money = {name: fmt_money(value) for name, value in out.items()}
    # Rates the tables supplied are echoed so the caller sees the assumption (not money).
    return money | {name: f"{value:f}" for name, value in derived.items()}


def _niit(filing_status: str, year: int, a: dict[str, Decimal]) -> dict[str, str]:
    """R8.1."""
    threshold = tables.table_for(filing_status, year).niit_threshold
    tax = tables.niit(filing_status, a["magi"], a["net_investment_income"], year)
    return {
        "niit": fmt_money(tax),
        "threshold": fmt_money(threshold),
        "magi_over_threshold": fmt_money(max(ZERO, a["magi"] - threshold)),
    }


def _ordinary(filing_status: str, year: int, a: dict[str, Decimal]) -> dict[str, str]:
    """§9 rate schedule."""
    return {"tax": fmt_money(tables.ordinary_tax(filing_status, a["taxable_income"], year))}


def _ltcg(filing_status: str, year: int, a: dict[str, Decimal]) -> dict[str, str]:
    """IRC §1(h) with the §9 breakpoints; NIIT excluded."""
    at_0, at_15, at_20, tax = tables.ltcg_split(
        filing_status, a["ordinary_taxable_income"], a["lt_gain"], year
    )
    return {
        "at_0": fmt_money(at_0),
        "at_15": fmt_money(at_15),
        "at_20": fmt_money(at_20),
        "tax_on_gain": fmt_money(tax),
    }


_CALCULATIONS: Mapping[str, Callable[[str, int, dict[str, Decimal]], dict[str, str]]] = {
    NETTING: _netting,
    NIIT: _niit,
    ORDINARY: _ordinary,
    LTCG: _ltcg,
}


def calculate(kind: str, payload: dict) -> dict[str, str]:
    """Run one FORMATS §5 calculation: validated JSON object in, money strings out."""
    filing_status, year, amounts = _read(kind, payload)
    return _CALCULATIONS[kind](filing_status, year, amounts)
