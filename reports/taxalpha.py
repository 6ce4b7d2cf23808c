"""Tax alpha: what harvesting did for a household's tax year, in dollars and basis points.

Rules (TAX_RULES.md §7, FORMATS.md §6):

* **Harvested losses** are the results of the year's Form 8949 rows that came from the fills
  of executed harvest proposals, before any wash-sale adjustment: Σ (cost basis − proceeds),
  by term. The part a wash sale disallowed (column g, R2.3) is reported beside them with the
  replacement that caused it (`RealizedSale.wash_matches`); the rest is allowed.
* **Tax saved** is the C9 model (R7.5): the year's netting (8949 rows of the managed taxable
  accounts, gains and losses realized elsewhere from the tax profile, carryovers coming in)
  *without* the harvest rows minus the same *with* them, at the household's flat marginal
  rates. This year only: the carryforward's future value is excluded (R7.5 caveat i).
* **Where the allowed losses went** (R7.2–R7.4), by the same two nettings: gains offset =
  taxed gains without − taxed gains with; deducted = the line-21 deduction with − without
  ($3,000 / $1,500 cap, R7.3); carried forward = carryovers out with − without. The three
  add up to the allowed harvested losses.
* **Basis points** = tax saved / the average month-end market value of the household's
  taxable accounts over the months of the year elapsed (months without a close for every
  holding in the month before their end are left out).
* **Basis reset and deferral.** A harvest buys the replacement at about the sale price, so
  its basis is lower by the allowed loss: selling it later realizes that much more gain.
  Future tax = reset × the long-term rate; its present value = future tax / (1 + r)^n at a
  stated discount rate r over a stated holding horizon of n years. The difference is the
  value of deferring the tax — an interest-free loan, not a saving. The tax is forgiven for
  good only when the shares are given away or held until death (basis step-up).

Worked example (the mission's): $74,000 harvested long-term against $55,000 of long-term
gains realized elsewhere, 23.8% LT and 37% ordinary rates → $55,000 of gains offset, $3,000
deducted, $16,000 carried forward; tax saved 55,000 × 0.238 + 3,000 × 0.37 = $14,200.

    >>> facts = YearFacts("married_filing_jointly", ZERO, Decimal(55000), ZERO, ZERO,
    ...                   Rates(Decimal("0.37"), Decimal("0.408"), Decimal("0.238"), "profile"))
    >>> rows = [SaleRow(date(2026, 10, 15), "P-TAX", "VOO", "long", Decimal(1000),
    ...                 Decimal(385000), Decimal(420000), ZERO, harvest=True)]
    >>> r = tax_alpha(2026, facts, rows)
    >>> r.harvested, r.offset_gains, r.deducted, r.carried_forward, r.tax_saved
    (Decimal('35000'), Decimal('35000'), Decimal('0'), Decimal('0'), Decimal('8330.000'))
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from portfolios.taxlots.money import ZERO
from portfolios.taxlots.netting import (
    NettingInput,
    NettingResult,
    gross_by_term,
    net_capital,
    year_input,
)
from portfolios.taxlots.tables import marginal_rates

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DEFAULT_DISCOUNT_RATE = Decimal("0.05")
DEFAULT_HORIZON_YEARS = 10
TOP_RATES = (Decimal("0.37"), Decimal("0.408"), Decimal("0.238"))  # as the harvest engine
PRICE_STALE_DAYS = 31  # a month-end value uses closes of the month before it, no older


# --- values -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rates:
    """Flat marginal rates (R7.5) and where they come from."""

    ordinary: Decimal
    st: Decimal
    lt: Decimal
    source: str  # "profile", "tables" (derived from income, §9) or "assumed" (top rates)

    @property
    def source_text(self) -> str:
        return {
            "profile": "the household's tax profile",
            "tables": "derived from the profile's taxable income and MAGI (2026 tables, §9)",
            "assumed": "no tax profile: top marginal rates assumed (37% / 40.8% / 23.8%)",
        }.get(self.source, self.source)


def rates_of(
    filing_status: str,
    ordinary: Decimal | None,
    st: Decimal | None,
    lt: Decimal | None,
    taxable_income: Decimal | None = None,
    magi: Decimal | None = None,
) -> Rates:
    """The profile's rates, else derived from taxable income and MAGI, else top rates."""
    if ordinary is not None and st is not None and lt is not None:
        return Rates(ordinary, st, lt, "profile")
    if taxable_income is not None:
        o, s, long_ = marginal_rates(filing_status, taxable_income,
                                     magi if magi is not None else taxable_income)
        return Rates(o, s, long_, "tables")
    return Rates(*TOP_RATES, "assumed")


@dataclass(frozen=True, slots=True)
class YearFacts:
    """A household's year outside the 8949 rows: results elsewhere, carryovers, rates."""

    filing_status: str
    outside_st: Decimal  # signed: negative = a loss realized elsewhere
    outside_lt: Decimal
    carry_in_st: Decimal  # positive amounts (Schedule D lines 6 and 14)
    carry_in_lt: Decimal
    rates: Rates


@dataclass(frozen=True, slots=True)
class WashCause:
    """The replacement purchase that washed (part of) a loss (R1.4, R2.3)."""

    account: str
    symbol: str
    date: date
    quantity: Decimal
    disallowed: Decimal
    basis_added: bool  # False: an IRA/401(k) replacement, the loss is gone for good (R3.2)


@dataclass(frozen=True, slots=True)
class SaleRow:
    """One Form 8949 row of the year (a taxable SELL × lot piece) as values."""

    date_sold: date
    account: str
    symbol: str
    term: str
    quantity: Decimal
    proceeds: Decimal
    cost_basis: Decimal
    adjustment: Decimal  # the disallowed loss, positive (column g)
    harvest: bool = False  # from the fills of an executed harvest proposal
    washes: tuple[WashCause, ...] = ()
    date_acquired: date | None = None

    @property
    def gain_loss(self) -> Decimal:
        """Column h: proceeds − basis + adjustment."""
        return self.proceeds - self.cost_basis + self.adjustment

    @property
    def economic(self) -> Decimal:
        """Proceeds − basis, before the wash-sale adjustment."""
        return self.proceeds - self.cost_basis


@dataclass(frozen=True, slots=True)
class Assumptions:
    discount_rate: Decimal = DEFAULT_DISCOUNT_RATE
    horizon_years: int = DEFAULT_HORIZON_YEARS

    def __post_init__(self) -> None:
        if not isinstance(self.discount_rate, Decimal) or not 0 <= self.discount_rate < 1:
            raise ValueError("discount_rate: a decimal fraction such as 0.05")
        if not isinstance(self.horizon_years, int) or not 0 <= self.horizon_years <= 100:
            raise ValueError("horizon_years: whole years between 0 and 100")


@dataclass(frozen=True, slots=True)
class MonthPoint:
    month: int
    harvested_st: Decimal
    harvested_lt: Decimal
    tax_saved_to_date: Decimal
    taxable_value: Decimal | None

    @property
    def label(self) -> str:
        return MONTHS[self.month - 1]

    @property
    def harvested(self) -> Decimal:
        return self.harvested_st + self.harvested_lt


@dataclass(frozen=True, slots=True)
class Deferral:
    """The basis reset the harvests cause and what it is worth (see the module rules)."""

    basis_reset: Decimal
    lt_rate: Decimal
    future_tax: Decimal
    present_value: Decimal
    deferral_value: Decimal
    discount_rate: Decimal
    horizon_years: int


@dataclass(frozen=True, slots=True)
class TaxAlpha:
    year: int
    label: str
    harvested_st: Decimal  # positive: net losses of the harvest rows, before wash adjustments
    harvested_lt: Decimal
    disallowed: Decimal  # washed (column g) part of the harvest rows
    offset_gains: Decimal
    deducted: Decimal
    carried_forward: Decimal
    tax_saved: Decimal
    with_harvest: NettingResult
    without_harvest: NettingResult
    rates: Rates
    average_value: Decimal | None
    deferral: Deferral
    months: tuple[MonthPoint, ...]
    washed: tuple[SaleRow, ...]  # harvest rows with a wash-sale adjustment
    harvest_rows: int
    carry_in: Decimal

    @property
    def harvested(self) -> Decimal:
        return self.harvested_st + self.harvested_lt

    @property
    def allowed(self) -> Decimal:
        return self.harvested - self.disallowed

    @property
    def bps(self) -> Decimal | None:
        if not self.average_value:
            return None
        return self.tax_saved / self.average_value * 10000

    @property
    def carryforward_out(self) -> Decimal:
        return self.with_harvest.carryforward_st + self.with_harvest.carryforward_lt


# --- the computation ---------------------------------------------------------------------------


def netting_input(facts: YearFacts, rows: Iterable[SaleRow]) -> NettingInput:
    """The year as Schedule D sees it: 8949 column h by term, plus the profile's figures."""
    st_gains, st_losses, lt_gains, lt_losses = gross_by_term((r.term, r.gain_loss) for r in rows)
    return year_input(
        filing_status=facts.filing_status,
        st_gains=st_gains, st_losses=st_losses, lt_gains=lt_gains, lt_losses=lt_losses,
        outside_st_gains=facts.outside_st, outside_lt_gains=facts.outside_lt,
        carryforward_st=facts.carry_in_st, carryforward_lt=facts.carry_in_lt,
        ordinary_rate=facts.rates.ordinary, st_rate=facts.rates.st, lt_rate=facts.rates.lt,
    )


def deferral(basis_reset: Decimal, rates: Rates, assumptions: Assumptions) -> Deferral:
    """Future tax on the reset at the LT rate, and its present value (module rules).

    >>> d = deferral(Decimal(74000), Rates(Decimal("0.37"), Decimal("0.408"),
    ...              Decimal("0.238"), "profile"), Assumptions(Decimal("0.05"), 10))
    >>> d.future_tax, round(d.present_value, 2), round(d.deferral_value, 2)
    (Decimal('17612.000'), Decimal('10812.24'), Decimal('6799.76'))
    """
    reset = max(ZERO, basis_reset)
    future = reset * rates.lt
    factor = (1 + assumptions.discount_rate) ** assumptions.horizon_years
    present = future / factor
    return Deferral(reset, rates.lt, future, present, future - present,
                    assumptions.discount_rate, assumptions.horizon_years)


def _saved(facts: YearFacts, rows: Sequence[SaleRow]) -> tuple[NettingResult, NettingResult]:
    with_ = net_capital(netting_input(facts, rows))
    without = net_capital(netting_input(facts, [r for r in rows if not r.harvest]))
    return with_, without


def tax_alpha(
    year: int,
    facts: YearFacts,
    rows: Sequence[SaleRow],
    *,
    month_values: Mapping[int, Decimal | None] | None = None,
    through: date | None = None,
    assumptions: Assumptions = Assumptions(),
    label: str = "",
) -> TaxAlpha:
    """The year's tax alpha from its 8949 rows (harvest rows flagged) and the profile."""
    rows = sorted((r for r in rows if r.date_sold.year == year), key=lambda r: r.date_sold)
    harvest = [r for r in rows if r.harvest]
    harvested = {"short": ZERO, "long": ZERO}
    for r in harvest:
        harvested[r.term] -= r.economic
    disallowed = sum((r.adjustment for r in harvest), ZERO)
    with_, without = _saved(facts, rows)
    taxed_with = with_.st_gain_taxed + with_.lt_gain_taxed
    taxed_without = without.st_gain_taxed + without.lt_gain_taxed
    carry_with = with_.carryforward_st + with_.carryforward_lt
    carry_without = without.carryforward_st + without.carryforward_lt

    if through is None or through.year > year:
        last_month = 12
    else:
        last_month = through.month if through.year == year else 0
    month_values = month_values or {}
    months = []
    for month in range(1, last_month + 1):
        end = date(year, month, calendar.monthrange(year, month)[1])
        to_date = [r for r in rows if r.date_sold <= end]
        w, wo = _saved(facts, to_date)
        in_month = [r for r in harvest if r.date_sold.month == month]
        months.append(MonthPoint(
            month=month,
            harvested_st=-sum((r.economic for r in in_month if r.term == "short"), ZERO),
            harvested_lt=-sum((r.economic for r in in_month if r.term == "long"), ZERO),
            tax_saved_to_date=wo.tax_with - w.tax_with,
            taxable_value=month_values.get(month),
        ))
    values = [m.taxable_value for m in months if m.taxable_value]
    average = sum(values, ZERO) / len(values) if values else None
    allowed_loss = -sum((r.gain_loss for r in harvest), ZERO)
    return TaxAlpha(
        year=year,
        label=label,
        harvested_st=harvested["short"],
        harvested_lt=harvested["long"],
        disallowed=disallowed,
        offset_gains=taxed_without - taxed_with,
        deducted=with_.deduction_used - without.deduction_used,
        carried_forward=carry_with - carry_without,
        tax_saved=without.tax_with - with_.tax_with,
        with_harvest=with_,
        without_harvest=without,
        rates=facts.rates,
        average_value=average,
        deferral=deferral(allowed_loss, facts.rates, assumptions),
        months=tuple(months),
        washed=tuple(r for r in harvest if r.adjustment > 0),
        harvest_rows=len(harvest),
        carry_in=facts.carry_in_st + facts.carry_in_lt,
    )


@dataclass(frozen=True, slots=True)
class Book:
    """An advisor's book: every household's tax alpha for one year, and the totals."""

    year: int
    label: str
    households: tuple[TaxAlpha, ...]
    assumptions: Assumptions = field(default_factory=Assumptions)

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(h, name) for h in self.households), ZERO)

    @property
    def harvested_st(self) -> Decimal:
        return self._sum("harvested_st")

    @property
    def harvested_lt(self) -> Decimal:
        return self._sum("harvested_lt")

    @property
    def harvested(self) -> Decimal:
        return self._sum("harvested")

    @property
    def disallowed(self) -> Decimal:
        return self._sum("disallowed")

    @property
    def offset_gains(self) -> Decimal:
        return self._sum("offset_gains")

    @property
    def deducted(self) -> Decimal:
        return self._sum("deducted")

    @property
    def carried_forward(self) -> Decimal:
        return self._sum("carried_forward")

    @property
    def tax_saved(self) -> Decimal:
        return self._sum("tax_saved")

    @property
    def average_value(self) -> Decimal | None:
        values = [h.average_value for h in self.households if h.average_value]
        return sum(values, ZERO) if values else None

    @property
    def bps(self) -> Decimal | None:
        value = self.average_value
        return None if not value else self.tax_saved / value * 10000

    @property
    def basis_reset(self) -> Decimal:
        return sum((h.deferral.basis_reset for h in self.households), ZERO)

    @property
    def future_tax(self) -> Decimal:
        return sum((h.deferral.future_tax for h in self.households), ZERO)

    @property
    def present_value(self) -> Decimal:
        return sum((h.deferral.present_value for h in self.households), ZERO)


# --- database reads --------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def harvest_sale_keys(household_ids: Sequence[int], year: int) -> set[tuple[int, int]]:
    """(household id, SELL seq) of the year's fills of executed harvest proposals.

    `proposal_execute` records each fill with the proposal leg it executed; a harvest's
    8949 rows are those of its SELL fills (a swap back sells the replacement under a
    swap-back proposal, so it never counts).
    """
    from harvesting.models import Proposal
    from portfolios.models import Transaction

    return set(
        Transaction.objects.filter(
            household_id__in=household_ids, action="SELL", source="fill", date__year=year,
            proposal_leg__proposal__kind=Proposal.HARVEST,
            proposal_leg__proposal__status=Proposal.EXECUTED,
        ).values_list("household_id", "seq")
    )


def _wash_causes(matches) -> tuple[WashCause, ...]:
    return tuple(
        WashCause(
            account=m.get("account", ""), symbol=m.get("symbol", ""),
            date=date.fromisoformat(m["date"]), quantity=Decimal(m.get("quantity", "0")),
            disallowed=Decimal(m.get("disallowed", "0")), basis_added=bool(m.get("basis_added")),
        )
        for m in matches or ()
    )


def sale_rows(household_ids: Sequence[int], year: int) -> dict[int, list[SaleRow]]:
    """The year's 8949 rows per household, harvest rows flagged (3 queries)."""
    from portfolios.models import RealizedSale

    harvest = harvest_sale_keys(household_ids, year)
    out: dict[int, list[SaleRow]] = defaultdict(list)
    for r in (
        RealizedSale.objects.in_year(year).filter(household_id__in=household_ids)
        .select_related("account", "security").order_by("date_sold", "sale_seq", "piece")
    ):
        out[r.household_id].append(SaleRow(
            date_sold=r.date_sold, account=r.account.code, symbol=r.security.symbol,
            term=r.term, quantity=r.quantity, proceeds=r.proceeds, cost_basis=r.cost_basis,
            adjustment=r.adjustment_amount, harvest=(r.household_id, r.sale_seq) in harvest,
            washes=_wash_causes(r.wash_matches), date_acquired=r.date_acquired,
        ))
    return out


def year_facts(households) -> dict[int, YearFacts]:
    from portfolios.models import TaxProfile

    profiles = {p.household_id: p for p in TaxProfile.objects.filter(
        household_id__in=[h.id for h in households])}
    out = {}
    for h in households:
        p = profiles.get(h.id)
        if p is None:
            out[h.id] = YearFacts(h.filing_status, ZERO, ZERO, ZERO, ZERO,
                                  rates_of(h.filing_status, None, None, None))
            continue
        out[h.id] = YearFacts(
            h.filing_status, p.outside_st_gains, p.outside_lt_gains, p.carryforward_st,
            p.carryforward_lt,
            rates_of(h.filing_status, p.ordinary_rate, p.st_rate, p.lt_rate, p.taxable_income,
                     p.magi),
        )
    return out


def taxable_month_values(
    household_ids: Sequence[int], year: int, through: date
) -> dict[int, dict[int, Decimal | None]]:
    """{household: {month: market value of its taxable accounts at month end}}.

    Holdings at a date are the signed sum of the taxable accounts' transactions up to it
    (BUY, REINVEST and TRANSFER_IN add, SELL removes); each is valued at its latest close
    in the month before the month end (the last month stops at `through`). A month in which
    any holding lacks such a close has no value (None): a stale price would mislead.
    2 queries.
    """
    from portfolios.models import Price, Transaction

    last = 12 if through.year > year else through.month
    moves = list(
        Transaction.objects.filter(
            household_id__in=household_ids, account__type="taxable", date__lte=date(year, 12, 31)
        ).order_by("date", "seq").values_list("household_id", "security_id", "action", "quantity", "date")
    )
    out: dict[int, dict[int, Decimal | None]] = {hid: {} for hid in household_ids}
    if not moves or last < 1:
        return out
    ids = sorted({m[1] for m in moves})
    first = date(year, 1, 1) - timedelta(days=PRICE_STALE_DAYS)
    series: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for sid, day, close in Price.objects.filter(
        security_id__in=ids, date__range=(first, min(through, date(year, 12, 31)))
    ).order_by("date").values_list("security_id", "date", "close"):
        series[sid].append((day, close))
    for month in range(1, last + 1):
        end = min(_month_end(year, month), through)
        held: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
        for hid, sid, action, qty, day in moves:
            if day > end:
                break
            held[hid][sid] += -qty if action == "SELL" else qty
        closes = {}
        for sid in ids:
            recent = [c for d, c in series.get(sid, ()) if end - timedelta(days=PRICE_STALE_DAYS) <= d <= end]
            if recent:
                closes[sid] = recent[-1]
        for hid in household_ids:
            positions = {sid: q for sid, q in held.get(hid, {}).items() if q > 0}
            if not positions or any(sid not in closes for sid in positions):
                out[hid][month] = None
                continue
            out[hid][month] = sum((q * closes[sid] for sid, q in positions.items()), ZERO)
    return out


def default_year(household_ids: Sequence[int], today: date) -> int:
    """The latest year with a realized sale or a proposal, else today's year."""
    from django.db.models import Max

    from harvesting.models import Proposal
    from portfolios.models import RealizedSale

    sold = RealizedSale.objects.filter(household_id__in=household_ids).aggregate(
        d=Max("date_sold"))["d"]
    proposed = Proposal.objects.filter(household_id__in=household_ids).aggregate(
        d=Max("as_of"))["d"]
    days = [d for d in (sold, proposed) if d is not None and d <= today]
    return max(days).year if days else today.year


def households_tax_alpha(
    households, year: int, today: date, assumptions: Assumptions = Assumptions()
) -> list[TaxAlpha]:
    """Each household's tax alpha for the year, with a fixed number of queries."""
    households = list(households)
    ids = [h.id for h in households]
    through = min(today, date(year, 12, 31))
    rows = sale_rows(ids, year)
    facts = year_facts(households)
    values = taxable_month_values(ids, year, through) if through.year == year else {}
    return [
        tax_alpha(year, facts[h.id], rows.get(h.id, []), month_values=values.get(h.id),
                  through=through, assumptions=assumptions, label=h.name)
        for h in households
    ]


def book_tax_alpha(households, year: int, today: date, label: str,
                   assumptions: Assumptions = Assumptions()) -> Book:
    return Book(year, label, tuple(households_tax_alpha(households, year, today, assumptions)),
                assumptions)
