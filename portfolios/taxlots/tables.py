"""Federal tax tables by year and the small calculations made from them (TAX_RULES §8–§9).

Rule: ordinary income is taxed bracket by bracket ("taxable income **up to** the amount
shown is taxed at the rate shown", §9); long-term gains are stacked on top of ordinary
taxable income and taxed 0/15/20% by where they fall against the §1(h) breakpoints; NIIT
is 3.8% of the lesser of net investment income and MAGI over the §1411(b) threshold
(R8.1). Figures are the 2026 ones of TAX_RULES §9 (Rev. Proc. 2025-32 as reproduced there);
another year is added by adding an entry to `TABLES`.

The bracket formula is used at every income. Below $100,000 the IRS Tax Table (midpoint of
$25/$50 rows) is what a return uses and differs by a few dollars (§9); the product's cases
use the formula.

    >>> ordinary_tax("married_filing_jointly", Decimal("250000"))   # 2,480+9,120+24,332+9,264
    Decimal('45196.00')
    >>> ltcg_split("married_filing_jointly", Decimal("70000"), Decimal("40000"))
    (Decimal('28900'), Decimal('11100'), Decimal('0'), Decimal('1665.00'))
    >>> niit("married_filing_jointly", Decimal("400000"), Decimal("125000"))
    Decimal('4750.000')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from portfolios.taxlots.money import ZERO, InputError

SINGLE = "single"
MARRIED_FILING_JOINTLY = "married_filing_jointly"
MARRIED_FILING_SEPARATELY = "married_filing_separately"
HEAD_OF_HOUSEHOLD = "head_of_household"
FILING_STATUSES = (SINGLE, MARRIED_FILING_JOINTLY, MARRIED_FILING_SEPARATELY, HEAD_OF_HOUSEHOLD)
DEFAULT_FILING_STATUS = MARRIED_FILING_JOINTLY  # FORMATS §1
DEFAULT_YEAR = 2026

NIIT_RATE = Decimal("0.038")  # R8.1, IRC §1411(a)(1)


class UnknownYearError(InputError):
    """The product has no tables for the year asked for."""

    def __init__(self, year: object) -> None:
        known = ", ".join(str(y) for y in sorted(TABLES))
        super().__init__("year", f"no tax tables for {year!r}; the product has: {known}")


@dataclass(frozen=True, slots=True)
class Bracket:
    """Income up to `up_to` (inclusive; None = no limit) is taxed at `rate`."""

    up_to: Decimal | None
    rate: Decimal


@dataclass(frozen=True, slots=True)
class StatusTable:
    """One filing status's figures for one year."""

    ordinary: tuple[Bracket, ...]  # ascending; the last has up_to=None
    ltcg: tuple[Bracket, ...]  # 0% / 15% / 20% by taxable income, IRC §1(h)
    standard_deduction: Decimal
    niit_threshold: Decimal  # R8.1, IRC §1411(b); fixed by statute, not indexed


def _d(text: str) -> Decimal:
    return Decimal(text)


def _brackets(*pairs: tuple[str | None, str]) -> tuple[Bracket, ...]:
    return tuple(Bracket(None if up_to is None else _d(up_to), _d(rate)) for up_to, rate in pairs)


def _ordinary(b10: str, b12: str, b22: str, b24: str, b32: str, b35: str) -> tuple[Bracket, ...]:
    return _brackets(
        (b10, "0.10"),
        (b12, "0.12"),
        (b22, "0.22"),
        (b24, "0.24"),
        (b32, "0.32"),
        (b35, "0.35"),
        (None, "0.37"),
    )


def _ltcg(zero_up_to: str, fifteen_up_to: str) -> tuple[Bracket, ...]:
    return _brackets((zero_up_to, "0"), (fifteen_up_to, "0.15"), (None, "0.20"))


# TAX_RULES §9 (2026) and R8.1 (NIIT thresholds).
TABLES: Mapping[int, Mapping[str, StatusTable]] = {
    2026: {
        SINGLE: StatusTable(
            ordinary=_ordinary("12400", "50400", "105700", "201775", "256225", "640600"),
            ltcg=_ltcg("49450", "545500"),
            standard_deduction=_d("16100"),
            niit_threshold=_d("200000"),
        ),
        MARRIED_FILING_JOINTLY: StatusTable(
            ordinary=_ordinary("24800", "100800", "211400", "403550", "512450", "768700"),
            ltcg=_ltcg("98900", "613700"),
            standard_deduction=_d("32200"),
            niit_threshold=_d("250000"),
        ),
        MARRIED_FILING_SEPARATELY: StatusTable(
            ordinary=_ordinary("12400", "50400", "105700", "201775", "256225", "384350"),
            ltcg=_ltcg("49450", "306850"),
            standard_deduction=_d("16100"),
            niit_threshold=_d("125000"),
        ),
        HEAD_OF_HOUSEHOLD: StatusTable(
            ordinary=_ordinary("17700", "67450", "105700", "201750", "256200", "640600"),
            ltcg=_ltcg("66200", "579600"),
            standard_deduction=_d("24150"),
            niit_threshold=_d("200000"),
        ),
    },
}


def check_filing_status(filing_status: object) -> str:
    """Return the filing status if the product knows it; else InputError('filing_status')."""
    if not isinstance(filing_status, str) or filing_status not in FILING_STATUSES:
        raise InputError(
            "filing_status",
            f"{filing_status!r} is not one of {', '.join(FILING_STATUSES)}",
        )
    return filing_status


def table_for(filing_status: str, year: int = DEFAULT_YEAR) -> StatusTable:
    """The figures for one filing status and year; UnknownYearError for a year we lack."""
    if isinstance(year, bool) or not isinstance(year, int) or year not in TABLES:
        raise UnknownYearError(year)
    return TABLES[year][check_filing_status(filing_status)]


def _band_amounts(
    brackets: tuple[Bracket, ...], start: Decimal, end: Decimal
) -> list[tuple[Decimal, Decimal]]:
    """How much of the income slice (start, end] falls in each bracket: [(amount, rate)]."""
    out = []
    lower = ZERO
    for bracket in brackets:
        upper = end if bracket.up_to is None else bracket.up_to
        amount = max(ZERO, min(end, upper) - max(start, lower))
        out.append((amount, bracket.rate))
        if bracket.up_to is not None:
            lower = bracket.up_to
    return out


def _bracket_rate(brackets: tuple[Bracket, ...], income: Decimal) -> Decimal:
    """The rate of the bracket holding the dollar at `income` (upper bounds inclusive)."""
    for bracket in brackets:
        if bracket.up_to is None or income <= bracket.up_to:
            return bracket.rate
    raise AssertionError("the last bracket has no upper bound")  # pragma: no cover


def ordinary_tax(filing_status: str, taxable_income: Decimal, year: int = DEFAULT_YEAR) -> Decimal:
    """Regular tax on ordinary taxable income by the §9 rate schedule (unrounded).

    Taxable income of zero or less owes nothing.
    """
    table = table_for(filing_status, year)
    return sum(
        (amount * rate for amount, rate in _band_amounts(table.ordinary, ZERO, taxable_income)),
        ZERO,
    )


def ltcg_split(
    filing_status: str,
    ordinary_taxable_income: Decimal,
    lt_gain: Decimal,
    year: int = DEFAULT_YEAR,
) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """Split a long-term gain (net capital gain) into its 0/15/20% parts (IRC §1(h), §9).

    The gain is stacked on top of ordinary taxable income, i.e. it occupies the slice
    (ordinary_taxable_income, ordinary_taxable_income + lt_gain] of taxable income, and each
    part is the piece of that slice inside a breakpoint band. Returns
    (at_0, at_15, at_20, tax_on_gain), NIIT excluded. Both inputs must be >= 0.
    """
    if ordinary_taxable_income < 0:
        raise InputError("ordinary_taxable_income", "must not be negative")
    if lt_gain < 0:
        raise InputError("lt_gain", "must not be negative")
    table = table_for(filing_status, year)
    parts = _band_amounts(table.ltcg, ordinary_taxable_income, ordinary_taxable_income + lt_gain)
    (at_0, _), (at_15, rate_15), (at_20, rate_20) = parts
    return at_0, at_15, at_20, at_15 * rate_15 + at_20 * rate_20


def niit(
    filing_status: str,
    magi: Decimal,
    net_investment_income: Decimal,
    year: int = DEFAULT_YEAR,
) -> Decimal:
    """R8.1: 3.8% of the lesser of NII and the excess (if any) of MAGI over the threshold.

    Thresholds: $250,000 joint, $125,000 married filing separately, $200,000 otherwise.
    A negative NII counts as zero (Reg. §1.1411-4: net gain in NII is never negative).
    """
    threshold = table_for(filing_status, year).niit_threshold
    excess = max(ZERO, magi - threshold)
    return NIIT_RATE * max(ZERO, min(net_investment_income, excess))


def niit_applies(filing_status: str, magi: Decimal, year: int = DEFAULT_YEAR) -> bool:
    """True when MAGI is over the §1411(b) threshold (R8.1), so the next dollar of NII pays 3.8%."""
    return magi > table_for(filing_status, year).niit_threshold


def marginal_rates(
    filing_status: str,
    taxable_income: Decimal,
    magi: Decimal,
    year: int = DEFAULT_YEAR,
) -> tuple[Decimal, Decimal, Decimal]:
    """Derive (ordinary_rate, st_rate, lt_rate) for a tax profile given as income (FORMATS §1).

    * ordinary_rate: the §9 bracket rate of the dollar at `taxable_income` (upper bounds
      inclusive, so income exactly at a breakpoint uses the lower bracket; income <= 0 uses
      the first bracket). No NIIT: the deduction against ordinary income is not NII (R7.5
      caveat, R8.2 not modelled), so this is the conservative figure.
    * st_rate: ordinary_rate + 3.8% when MAGI is over the NIIT threshold (R8.1).
    * lt_rate: the §1(h) rate (0/15/20%) of the dollar at `taxable_income` + 3.8% likewise.

    >>> marginal_rates("married_filing_jointly", Decimal("900000"), Decimal("900000"))
    (Decimal('0.37'), Decimal('0.408'), Decimal('0.238'))
    """
    table = table_for(filing_status, year)
    surtax = NIIT_RATE if niit_applies(filing_status, magi, year) else ZERO
    ordinary_rate = _bracket_rate(table.ordinary, taxable_income)
    lt_rate = _bracket_rate(table.ltcg, taxable_income)
    return ordinary_rate, ordinary_rate + surtax, lt_rate + surtax
