"""Form 8949 and Schedule D for a household's year (TAX_RULES.md §6, §7).

Rules:

* One Form 8949 row per taxable SELL × lot piece (FORMATS.md §4); retirement accounts
  produce none (R1.6). Part I holds the short-term rows, Part II the long-term ones.
* Box: A (Part I) / D (Part II) — "reported on Form 1099-B with basis reported to the
  IRS". The rows come from the household's custodial accounts, whose brokers report basis
  for covered shares; the product assumes boxes A/D for every row and the page says so
  (§6: the box depends on broker data the ledger does not carry).
* A washed row carries code **W** in column (f) and the disallowed loss as a positive
  amount in column (g); column (h) = (d) − (e) + (g) (§6). Rows with a code cannot be
  summarized on line 1a/8a, so every row goes through Form 8949 and the totals of box A
  / D land on Schedule D line 1b / 8b.
* Gains and losses realized outside the managed accounts (the tax profile's
  `outside_*_gains`) are reported on the household's other Forms 8949; they are shown as
  their own line and enter lines 7 and 15.
* Lines 6 and 14 are the carryovers coming in (negative); lines 7, 15, 16 and 21 and the
  Capital Loss Carryover Worksheet come from `portfolios.taxlots.netting.net_capital`
  (R7.1–R7.4), which also prices the year (C9).

Worked example: one long-term row, 1,000 VOO sold for $385,000 with basis $420,000, and
$55,000 of long-term gains elsewhere: line 8b (h) = −35,000, line 15 = 20,000.

    >>> row = Row("P-TAX", "VOO", date(2024, 3, 1), date(2026, 10, 15), Decimal(1000),
    ...           Decimal(385000), Decimal(420000), "", ZERO, "long")
    >>> forms = schedule_d(2026, [row], "married_filing_jointly", outside_st=ZERO,
    ...                    outside_lt=Decimal(55000), carry_in_st=ZERO, carry_in_lt=ZERO,
    ...                    rates=(Decimal("0.37"), Decimal("0.408"), Decimal("0.238")))
    >>> forms.part_ii.box, forms.part_ii.totals.gain, forms.netting.schedule_d.line_15
    ('D', Decimal('-35000'), Decimal('20000'))
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portfolios.taxlots.money import ZERO, fmt_money, fmt_qty
from portfolios.taxlots.netting import (
    CarryoverWorksheet,
    NettingInput,
    NettingResult,
    net_capital,
    worksheet_lines,
)

BOX_NOTE = (
    "Box A (short-term) and box D (long-term) are assumed for every row: the sales were made "
    "in the household's custodial accounts, whose brokers report the basis of covered shares "
    "to the IRS on Form 1099-B. Check each 1099-B; shares whose basis was not reported go in "
    "box B/E instead."
)


@dataclass(frozen=True, slots=True)
class Row:
    """One Form 8949 row (FORMATS.md §4 fields)."""

    account: str
    symbol: str
    date_acquired: date  # holding-period start after tacking (R4.3)
    date_sold: date
    quantity: Decimal
    proceeds: Decimal  # (d)
    cost_basis: Decimal  # (e)
    code: str  # (f): "W" or ""
    adjustment: Decimal  # (g): the disallowed loss, positive
    term: str
    broker_term: str = ""  # §10.1 pure-tacking term when it differs

    @property
    def gain(self) -> Decimal:
        """(h) = (d) − (e) + (g)."""
        return self.proceeds - self.cost_basis + self.adjustment

    @property
    def description(self) -> str:
        """(a): "100 sh. VOO"."""
        return f"{fmt_qty(self.quantity)} sh. {self.symbol}"

    @property
    def differs_from_broker(self) -> bool:
        return bool(self.broker_term) and self.broker_term != self.term


@dataclass(frozen=True, slots=True)
class Totals:
    proceeds: Decimal
    cost_basis: Decimal
    adjustment: Decimal
    gain: Decimal


def totals(rows: Iterable[Row]) -> Totals:
    rows = list(rows)
    return Totals(
        sum((r.proceeds for r in rows), ZERO),
        sum((r.cost_basis for r in rows), ZERO),
        sum((r.adjustment for r in rows), ZERO),
        sum((r.gain for r in rows), ZERO),
    )


@dataclass(frozen=True, slots=True)
class Part:
    """Form 8949 Part I (short-term, box A) or Part II (long-term, box D)."""

    number: str  # "I" / "II"
    term: str
    box: str
    rows: tuple[Row, ...]
    totals: Totals
    schedule_d_line: str  # where the totals go: "1b" / "8b"


@dataclass(frozen=True, slots=True)
class Forms:
    year: int
    filing_status: str
    part_i: Part
    part_ii: Part
    outside_st: Decimal  # signed
    outside_lt: Decimal
    netting: NettingResult

    @property
    def worksheet(self) -> CarryoverWorksheet | None:
        return self.netting.worksheet

    @property
    def worksheet_lines(self) -> dict[str, Decimal]:
        return {} if self.netting.worksheet is None else worksheet_lines(self.netting.worksheet)

    @property
    def parts(self) -> tuple[Part, Part]:
        return self.part_i, self.part_ii

    @property
    def row_count(self) -> int:
        return len(self.part_i.rows) + len(self.part_ii.rows)

    @property
    def washed_rows(self) -> int:
        return sum(1 for r in self.part_i.rows + self.part_ii.rows if r.code == "W")


def _part(number: str, term: str, box: str, line: str, rows: Iterable[Row]) -> Part:
    rows = tuple(sorted((r for r in rows if r.term == term),
                        key=lambda r: (r.date_sold, r.symbol, r.date_acquired)))
    return Part(number, term, box, rows, totals(rows), line)


def schedule_d(
    year: int,
    rows: Iterable[Row],
    filing_status: str,
    *,
    outside_st: Decimal,
    outside_lt: Decimal,
    carry_in_st: Decimal,
    carry_in_lt: Decimal,
    rates: tuple[Decimal, Decimal, Decimal],
) -> Forms:
    """Form 8949 parts and Schedule D lines for the year's rows (`rates`: ordinary, ST, LT)."""
    rows = [r for r in rows if r.date_sold.year == year]
    part_i = _part("I", "short", "A", "1b", rows)
    part_ii = _part("II", "long", "D", "8b", rows)
    gains = {"short": ZERO, "long": ZERO}
    losses = {"short": ZERO, "long": ZERO}
    for r in rows:
        if r.gain >= 0:
            gains[r.term] += r.gain
        else:
            losses[r.term] -= r.gain
    for term, outside in (("short", outside_st), ("long", outside_lt)):
        if outside >= 0:
            gains[term] += outside
        else:
            losses[term] -= outside
    ordinary, st, lt = rates
    netting = net_capital(NettingInput(
        filing_status=filing_status,
        st_gains=gains["short"], st_losses=losses["short"],
        lt_gains=gains["long"], lt_losses=losses["long"],
        carryforward_st=carry_in_st, carryforward_lt=carry_in_lt,
        ordinary_rate=ordinary, lt_rate=lt, st_rate=st,
    ))
    return Forms(year, filing_status, part_i, part_ii, outside_st, outside_lt, netting)


# --- exports ------------------------------------------------------------------------------------

CSV_FIELDS = [
    "part", "box", "description", "account", "date_acquired", "date_sold", "proceeds",
    "cost_basis", "adjustment_code", "adjustment_amount", "gain_loss", "term",
]


def form_8949_csv(forms: Forms) -> str:
    """The 8949 rows, Part I then Part II, money with two decimals (FORMATS.md rules)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for part in (forms.part_i, forms.part_ii):
        for r in part.rows:
            writer.writerow([
                part.number, part.box, r.description, r.account, r.date_acquired.isoformat(),
                r.date_sold.isoformat(), fmt_money(r.proceeds), fmt_money(r.cost_basis),
                r.code, fmt_money(r.adjustment), fmt_money(r.gain), r.term,
            ])
    return out.getvalue()


def schedule_d_lines(forms: Forms) -> list[tuple[str, str, Decimal | None]]:
    """(line, label, amount) of Schedule D as filled in (None: a line left blank)."""
    sd = forms.netting.schedule_d
    i, ii = forms.part_i.totals, forms.part_ii.totals
    lines: list[tuple[str, str, Decimal | None]] = [
        ("1b", "Short-term totals from Form 8949 box A, column (h)", i.gain),
        ("1b-other", "Short-term gain or (loss) reported elsewhere (tax profile)", forms.outside_st),
        ("6", "Short-term capital loss carryover", sd.line_6),
        ("7", "Net short-term capital gain or (loss)", sd.line_7),
        ("8b", "Long-term totals from Form 8949 box D, column (h)", ii.gain),
        ("8b-other", "Long-term gain or (loss) reported elsewhere (tax profile)", forms.outside_lt),
        ("14", "Long-term capital loss carryover", sd.line_14),
        ("15", "Net long-term capital gain or (loss)", sd.line_15),
        ("16", "Combine lines 7 and 15", sd.line_16),
        ("21", "Capital loss allowed this year (line 16 loss, up to the limit)",
         sd.line_21 if sd.line_16 < 0 else None),
    ]
    return lines


def worksheet_rows(forms: Forms) -> list[tuple[str, str, Decimal]]:
    """(line, label, amount) of the Capital Loss Carryover Worksheet, skipped lines left out."""
    return [(name.upper(), WORKSHEET_LABELS[name], value)
            for name, value in forms.worksheet_lines.items()]


WORKSHEET_LABELS = {
    "l1": "Taxable income (Form 1040 line 15)",
    "l2": "Loss on Schedule D line 21, as a positive amount",
    "l3": "Line 1 + line 2 (not below 0)",
    "l4": "Smaller of line 2 and line 3",
    "l5": "Loss on Schedule D line 7, as a positive amount",
    "l6": "Gain on Schedule D line 15 (0 if a loss)",
    "l7": "Line 4 + line 6",
    "l8": "Short-term capital loss carryover to next year",
    "l9": "Loss on Schedule D line 15, as a positive amount",
    "l10": "Gain on Schedule D line 7 (0 if a loss)",
    "l11": "Line 4 − line 5 (not below 0)",
    "l12": "Line 10 + line 11",
    "l13": "Long-term capital loss carryover to next year",
}


def schedule_d_csv(forms: Forms) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["line", "description", "amount"])
    for line, label, amount in schedule_d_lines(forms):
        writer.writerow([line, label, "" if amount is None else fmt_money(amount)])
    for line, label, amount in worksheet_rows(forms):
        writer.writerow([f"worksheet {line}", label, fmt_money(amount)])
    return out.getvalue()


# --- database reads -----------------------------------------------------------------------------


def household_forms(household, year: int) -> Forms:
    """The household's 8949 rows of the year and its tax profile, as Forms (2 queries)."""
    from portfolios.models import RealizedSale, TaxProfile
    from reports.taxalpha import rates_of

    rows = [
        Row(r.account.code, r.security.symbol, r.date_acquired, r.date_sold, r.quantity,
            r.proceeds, r.cost_basis, r.adjustment_code, r.adjustment_amount, r.term,
            r.broker_term)
        for r in RealizedSale.objects.in_year(year).filter(household=household)
        .select_related("account", "security").order_by("date_sold", "sale_seq", "piece")
    ]
    p = TaxProfile.objects.filter(household=household).first()
    if p is None:
        rates = rates_of(household.filing_status, None, None, None)
        return schedule_d(year, rows, household.filing_status, outside_st=ZERO,
                          outside_lt=ZERO, carry_in_st=ZERO, carry_in_lt=ZERO,
                          rates=(rates.ordinary, rates.st, rates.lt))
    rates = rates_of(household.filing_status, p.ordinary_rate, p.st_rate, p.lt_rate,
                     p.taxable_income, p.magi)
    return schedule_d(
        year, rows, household.filing_status, outside_st=p.outside_st_gains,
        outside_lt=p.outside_lt_gains, carry_in_st=p.carryforward_st,
        carry_in_lt=p.carryforward_lt, rates=(rates.ordinary, rates.st, rates.lt),
    )
