"""Schedule D netting, the $3,000 limit, carryovers and the tax saved (TAX_RULES §7).

Rules:

* R7.1 line 7 = ST gains − ST losses − ST carryover; line 15 = LT gains − LT losses − LT
  carryover; line 16 = line 7 + line 15.
* R7.2 a loss on one line offsets a gain on the other; the LT gain left is taxed at
  `lt_rate`, the ST gain left at `st_rate` (ordinary).
* R7.3 line 21: a line-16 loss is deductible up to $3,000 ($1,500 married filing
  separately), once per return.
* R7.4 the rest carries over with its character, the deduction being taken from the ST
  loss first (Capital Loss Carryover Worksheet, lines L1–L13).
* R7.5 / C9 tax saved = tax_without − tax_with, with flat marginal rates:
  tax_without = st_gains × st_rate + lt_gains × lt_rate;
  tax_with = ST gain left × st_rate + LT gain left × lt_rate − deduction × ordinary_rate.

Worked example (R7.5): $74,000 of ST losses against $55,000 of LT gains, 23.8% / 37%:

    >>> r = net_capital(NettingInput(
    ...     filing_status="married_filing_jointly",
    ...     st_gains=Decimal(0), st_losses=Decimal(74000),
    ...     lt_gains=Decimal(55000), lt_losses=Decimal(0),
    ...     carryforward_st=Decimal(0), carryforward_lt=Decimal(0),
    ...     ordinary_rate=Decimal("0.37"), lt_rate=Decimal("0.238"), st_rate=Decimal("0.408")))
    >>> r.net_st, r.net_lt, r.deduction_against_ordinary, r.carryforward_st, r.tax_savings
    (Decimal('-74000'), Decimal('55000'), Decimal('3000'), Decimal('16000'), Decimal('14200.000'))

Amounts stay exact `Decimal`; nothing is rounded here (DESIGN.md rule 7).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from decimal import Decimal

from portfolios.taxlots.money import ZERO, InputError
from portfolios.taxlots.tables import MARRIED_FILING_SEPARATELY, check_filing_status

LOSS_LIMIT = Decimal(3000)  # R7.3, IRC §1211(b)
LOSS_LIMIT_MFS = Decimal(1500)  # R7.3, married filing separately

_AMOUNT_FIELDS = (
    "st_gains",
    "st_losses",
    "lt_gains",
    "lt_losses",
    "carryforward_st",
    "carryforward_lt",
)
_RATE_FIELDS = ("ordinary_rate", "lt_rate", "st_rate")


def _as_decimal(value: object, field: str) -> Decimal:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputError(field, f"{value!r} is not a finite number")
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise InputError(field, f"expected a Decimal, got {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class NettingInput:
    """One return's capital results for the year, as positive amounts, and its flat rates.

    `taxable_income` (optional) is the worksheet's L1: Form 1040 line 15 of the loss year,
    *after* the capital-loss deduction, negative allowed (R7.4). When omitted, taxable income
    is assumed to absorb the whole deduction (L4 = L2), as the product's cases do.
    Amounts must be >= 0 and rates between 0 and 1; ints are accepted and made Decimal.
    """

    filing_status: str
    st_gains: Decimal
    st_losses: Decimal
    lt_gains: Decimal
    lt_losses: Decimal
    carryforward_st: Decimal
    carryforward_lt: Decimal
    ordinary_rate: Decimal
    lt_rate: Decimal
    st_rate: Decimal
    taxable_income: Decimal | None = None

    def __post_init__(self) -> None:
        check_filing_status(self.filing_status)
        for name in _AMOUNT_FIELDS + _RATE_FIELDS:
            value = _as_decimal(getattr(self, name), name)
            if value < 0:
                raise InputError(name, f"must not be negative, got {value}")
            if name in _RATE_FIELDS and value > 1:
                raise InputError(name, f"a rate is a decimal fraction (0.37), got {value}")
            object.__setattr__(self, name, value)
        if self.taxable_income is not None:
            object.__setattr__(
                self, "taxable_income", _as_decimal(self.taxable_income, "taxable_income")
            )


@dataclass(frozen=True, slots=True)
class ScheduleD:
    """The Schedule D lines R7.1/R7.3 use, signed as on the form (losses negative)."""

    line_6: Decimal  # ST loss carryover, entered as a negative number
    line_7: Decimal  # net short-term gain or (loss)
    line_14: Decimal  # LT loss carryover, entered as a negative number
    line_15: Decimal  # net long-term gain or (loss)
    line_16: Decimal  # line 7 + line 15
    line_21: Decimal  # allowed loss, negative (0 when line 16 is not a loss)


@dataclass(frozen=True, slots=True)
class CarryoverWorksheet:
    """Capital Loss Carryover Worksheet (Schedule D instructions), R7.4.

    A line the worksheet says to skip is None. `l1`/`l3` are None when taxable income was not
    given; then L4 = L2 (R7.4 "the cases assume").
    """

    l1: Decimal | None  # taxable income (Form 1040 line 15), negative allowed
    l2: Decimal  # line-21 loss as a positive number
    l3: Decimal | None  # L1 + L2, not below 0
    l4: Decimal  # smaller of L2 and L3
    l5: Decimal | None  # line-7 loss, positive          (lines 5-8 only if line 7 is a loss)
    l6: Decimal | None  # line-15 gain (0 if a loss)
    l7: Decimal | None  # L4 + L6
    l8: Decimal | None  # ST carryover = L5 − L7, not below 0
    l9: Decimal | None  # line-15 loss, positive         (lines 9-13 only if line 15 is a loss)
    l10: Decimal | None  # line-7 gain (0 if a loss)
    l11: Decimal | None  # L4 − L5, not below 0
    l12: Decimal | None  # L10 + L11
    l13: Decimal | None  # LT carryover = L9 − L12, not below 0


@dataclass(frozen=True, slots=True)
class NettingResult:
    """What netting produces. Losses are negative in net_*/combined, positive elsewhere."""

    net_st: Decimal  # Schedule D line 7
    net_lt: Decimal  # Schedule D line 15
    combined: Decimal  # line 16
    deduction_against_ordinary: Decimal  # line 21 as a positive number (R7.3)
    carryforward_st: Decimal  # worksheet L8 (R7.4)
    carryforward_lt: Decimal  # worksheet L13 (R7.4)
    st_gain_taxed: Decimal  # ST gain left after R7.2
    lt_gain_taxed: Decimal  # LT gain left after R7.2
    tax_without: Decimal  # C9
    tax_with: Decimal  # C9
    tax_savings: Decimal  # C9: tax_without − tax_with
    deduction_used: Decimal  # worksheet L4: the part of line 21 taxable income absorbed
    schedule_d: ScheduleD
    worksheet: CarryoverWorksheet | None  # None when line 16 is not a loss (nothing carries)


def loss_limit(filing_status: str) -> Decimal:
    """R7.3: $3,000 per return; $1,500 married filing separately."""
    if check_filing_status(filing_status) == MARRIED_FILING_SEPARATELY:
        return LOSS_LIMIT_MFS
    return LOSS_LIMIT


def _worksheet(
    line_7: Decimal, line_15: Decimal, deduction: Decimal, taxable_income: Decimal | None
) -> CarryoverWorksheet:
    """R7.4, line by line. The deduction comes out of the ST loss first (§1212(b)(2))."""
    l1 = taxable_income
    l2 = deduction
    l3 = None if l1 is None else max(ZERO, l1 + l2)
    l4 = l2 if l3 is None else min(l2, l3)
    l5 = l6 = l7 = l8 = l9 = l10 = l11 = l12 = l13 = None
    if line_7 < 0:
        l5 = -line_7
        l6 = max(ZERO, line_15)
        l7 = l4 + l6
        l8 = max(ZERO, l5 - l7)
    if line_15 < 0:
        l9 = -line_15
        l10 = max(ZERO, line_7)
        l11 = max(ZERO, l4 - (ZERO if l5 is None else l5))
        l12 = l10 + l11
        l13 = max(ZERO, l9 - l12)
    return CarryoverWorksheet(l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13)


def net_capital(inp: NettingInput) -> NettingResult:
    """Net one year's capital gains and losses (R7.1–R7.4) and price it (R7.5, C9)."""
    # R7.1
    line_7 = inp.st_gains - inp.st_losses - inp.carryforward_st
    line_15 = inp.lt_gains - inp.lt_losses - inp.carryforward_lt
    line_16 = line_7 + line_15

    # R7.2: a loss on one line eats the other line's gain; what is left keeps its character.
    st_gain_taxed = max(ZERO, line_7 + min(ZERO, line_15))
    lt_gain_taxed = max(ZERO, line_15 + min(ZERO, line_7))

    # R7.3: line 21.
    deduction = min(-line_16, loss_limit(inp.filing_status)) if line_16 < 0 else ZERO

    # R7.4: carryovers, character kept (the worksheet only runs when line 16 is a loss).
    worksheet = _worksheet(line_7, line_15, deduction, inp.taxable_income) if line_16 < 0 else None
    deduction_used = ZERO if worksheet is None else worksheet.l4
    carry_st = ZERO if worksheet is None or worksheet.l8 is None else worksheet.l8
    carry_lt = ZERO if worksheet is None or worksheet.l13 is None else worksheet.l13

    # R7.5 / C9. The deduction saves tax only on the part taxable income absorbed (L4);
    # without `taxable_income` that is the whole line-21 amount, exactly as C9 states.
    tax_without = inp.st_gains * inp.st_rate + inp.lt_gains * inp.lt_rate
    tax_with = (
        st_gain_taxed * inp.st_rate
        + lt_gain_taxed * inp.lt_rate
        - deduction_used * inp.ordinary_rate
    )

    return NettingResult(
        net_st=line_7,
        net_lt=line_15,
        combined=line_16,
        deduction_against_ordinary=deduction,
        deduction_used=deduction_used,
        carryforward_st=carry_st,
        carryforward_lt=carry_lt,
        st_gain_taxed=st_gain_taxed,
        lt_gain_taxed=lt_gain_taxed,
        tax_without=tax_without,
        tax_with=tax_with,
        tax_savings=tax_without - tax_with,
        schedule_d=ScheduleD(
            line_6=-inp.carryforward_st,
            line_7=line_7,
            line_14=-inp.carryforward_lt,
            line_15=line_15,
            line_16=line_16,
            line_21=-deduction,
        ),
        worksheet=worksheet,
    )


def gross_by_term(results: Iterable[tuple[str, Decimal]]) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(st_gains, st_losses, lt_gains, lt_losses), positive, from (term, gain or loss) pairs.

    >>> gross_by_term([("short", Decimal(500)), ("short", Decimal(-200)), ("long", Decimal(-74000))])
    (Decimal('500'), Decimal('200'), Decimal('0'), Decimal('74000'))
    """
    totals = {("short", True): ZERO, ("short", False): ZERO,
              ("long", True): ZERO, ("long", False): ZERO}
    for term, amount in results:
        totals[(term, amount >= 0)] += abs(amount)
    return (totals[("short", True)], totals[("short", False)],
            totals[("long", True)], totals[("long", False)])


def year_input(
    *,
    filing_status: str,
    st_gains: Decimal,
    st_losses: Decimal,
    lt_gains: Decimal,
    lt_losses: Decimal,
    outside_st_gains: Decimal,
    outside_lt_gains: Decimal,
    carryforward_st: Decimal,
    carryforward_lt: Decimal,
    ordinary_rate: Decimal,
    st_rate: Decimal,
    lt_rate: Decimal,
    taxable_income: Decimal | None = None,
) -> NettingInput:
    """A household's tax year as Schedule D sees it: the managed accounts' realized gains and
    losses (positive amounts) plus what was realized elsewhere (`outside_*_gains`, signed:
    negative = losses, FORMATS §1), the carryovers coming in and the rates (C9).

    The one place the engine, the reports and the pages turn a year into a netting input.
    """

    def split(signed: Decimal) -> tuple[Decimal, Decimal]:
        return (signed, ZERO) if signed >= 0 else (ZERO, -signed)

    out_st_gains, out_st_losses = split(outside_st_gains)
    out_lt_gains, out_lt_losses = split(outside_lt_gains)
    return NettingInput(
        filing_status=filing_status,
        st_gains=st_gains + out_st_gains,
        st_losses=st_losses + out_st_losses,
        lt_gains=lt_gains + out_lt_gains,
        lt_losses=lt_losses + out_lt_losses,
        carryforward_st=carryforward_st,
        carryforward_lt=carryforward_lt,
        ordinary_rate=ordinary_rate,
        lt_rate=lt_rate,
        st_rate=st_rate,
        taxable_income=taxable_income,
    )


def marginal_savings(
    base: NettingInput, extra_st_losses: Decimal, extra_lt_losses: Decimal
) -> Decimal:
    """This year's tax saved by realizing more losses (FORMATS §6 `estimated_tax_savings`).

    tax_with(base) − tax_with(base with the extra ST/LT losses added), by the C9 model
    (R7.5). Losses are positive amounts.
    """
    extra_st = _as_decimal(extra_st_losses, "extra_st_losses")
    extra_lt = _as_decimal(extra_lt_losses, "extra_lt_losses")
    if extra_st < 0:
        raise InputError("extra_st_losses", f"must not be negative, got {extra_st}")
    if extra_lt < 0:
        raise InputError("extra_lt_losses", f"must not be negative, got {extra_lt}")
    harvested = replace(
        base, st_losses=base.st_losses + extra_st, lt_losses=base.lt_losses + extra_lt
    )
    return net_capital(base).tax_with - net_capital(harvested).tax_with


def worksheet_lines(worksheet: CarryoverWorksheet) -> dict[str, Decimal]:
    """The worksheet's filled-in lines by name ('l1'…'l13'), skipped lines left out."""
    return {
        f.name: getattr(worksheet, f.name)
        for f in fields(worksheet)
        if getattr(worksheet, f.name) is not None
    }
