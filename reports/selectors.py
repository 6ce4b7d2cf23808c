"""Named reads for the tax reports (DESIGN.md rule 3): the household's tax year so far.

`year_figures` is the arithmetic (no database): this year's realized results in the
managed taxable accounts, the gains and losses realized elsewhere (tax profile), the
carryovers coming in, the losses harvested through executed proposals, and the Schedule D
netting of all of it (TAX_RULES R7, `portfolios.taxlots.netting`). The tax saved by
harvesting is the C9 model's difference between the year without the harvested losses
and the year as it is — the same marginal calculation FORMATS §6 uses for a proposal.

    >>> f = year_figures(year=2026, filing_status="married_filing_jointly",
    ...     realized=[("long", Decimal("-74000"), True)], harvested_st=Decimal(0),
    ...     harvested_lt=Decimal("74000"), profile=TaxFacts(
    ...     ordinary_rate=Decimal("0.37"), st_rate=Decimal("0.408"),
    ...     lt_rate=Decimal("0.238"), outside_lt_gains=Decimal("55000")))
    >>> f.tax_saved, f.netting.carryforward_lt
    (Decimal('14200.000'), Decimal('16000'))
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
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

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class TaxFacts:
    """A tax profile's figures as values (all optional except the outside results)."""

    ordinary_rate: Decimal | None = None
    st_rate: Decimal | None = None
    lt_rate: Decimal | None = None
    taxable_income: Decimal | None = None
    magi: Decimal | None = None
    outside_st_gains: Decimal = ZERO
    outside_lt_gains: Decimal = ZERO
    carryforward_st: Decimal = ZERO
    carryforward_lt: Decimal = ZERO

    @classmethod
    def of(cls, profile) -> TaxFacts:
        if profile is None:
            return cls()
        return cls(
            ordinary_rate=profile.ordinary_rate,
            st_rate=profile.st_rate,
            lt_rate=profile.lt_rate,
            taxable_income=profile.taxable_income,
            magi=profile.magi,
            outside_st_gains=profile.outside_st_gains,
            outside_lt_gains=profile.outside_lt_gains,
            carryforward_st=profile.carryforward_st,
            carryforward_lt=profile.carryforward_lt,
        )


@dataclass(frozen=True)
class Rates:
    ordinary: Decimal
    st: Decimal
    lt: Decimal
    source: str  # "profile" (stated), "tables" (derived from income, §9) or "default"

    @property
    def label(self) -> str:
        return {
            "profile": "stated in the tax profile",
            "tables": "derived from taxable income and MAGI (2026 tables)",
            "default": "no tax profile: top marginal rates assumed",
        }[self.source]


DEFAULT_RATES = (Decimal("0.37"), Decimal("0.408"), Decimal("0.238"))  # top marginal rates


def rates_for(facts: TaxFacts, filing_status: str) -> Rates:
    """The profile's marginal rates; else derived from taxable income and MAGI (2026
    tables); else the top marginal rates — the same order the nightly scan uses."""
    if None not in (facts.ordinary_rate, facts.st_rate, facts.lt_rate):
        return Rates(facts.ordinary_rate, facts.st_rate, facts.lt_rate, "profile")
    if facts.taxable_income is not None and facts.magi is not None:
        ordinary, st, lt = marginal_rates(filing_status, facts.taxable_income, facts.magi)
        return Rates(ordinary, st, lt, "tables")
    return Rates(*DEFAULT_RATES, "default")


@dataclass(frozen=True)
class YearFigures:
    year: int
    realized_st_gains: Decimal  # positive amounts, managed taxable accounts
    realized_st_losses: Decimal
    realized_lt_gains: Decimal
    realized_lt_losses: Decimal
    outside_st: Decimal  # signed: negative = a loss realized elsewhere
    outside_lt: Decimal
    carry_in_st: Decimal
    carry_in_lt: Decimal
    harvested_st: Decimal  # positive: losses harvested by executed proposals
    harvested_lt: Decimal
    rates: Rates
    netting: NettingResult | None  # set by year_figures
    tax_saved: Decimal | None  # C9 difference made by the harvested losses

    @property
    def realized_net(self) -> Decimal:
        return (self.realized_st_gains + self.realized_lt_gains
                - self.realized_st_losses - self.realized_lt_losses)

    @property
    def harvested(self) -> Decimal:
        return self.harvested_st + self.harvested_lt

    @property
    def total_gains(self) -> Decimal:
        """This year's gains, managed accounts and elsewhere."""
        return self._input.st_gains + self._input.lt_gains

    @property
    def total_losses(self) -> Decimal:
        """This year's losses plus the carryovers coming in."""
        i = self._input
        return i.st_losses + i.lt_losses + i.carryforward_st + i.carryforward_lt

    @property
    def gains_offset(self) -> Decimal:
        """Gains the losses cancelled (R7.2)."""
        return min(self.total_gains, self.total_losses)

    @property
    def deduction(self) -> Decimal:
        return ZERO if self.netting is None else self.netting.deduction_against_ordinary

    @property
    def carryforward_out(self) -> Decimal:
        if self.netting is None:
            return ZERO
        return self.netting.carryforward_st + self.netting.carryforward_lt

    @property
    def _input(self) -> NettingInput:
        return netting_input(self, "single")


def netting_input(f: YearFigures, filing_status: str) -> NettingInput:
    rates = f.rates
    return year_input(
        filing_status=filing_status,
        st_gains=f.realized_st_gains, st_losses=f.realized_st_losses,
        lt_gains=f.realized_lt_gains, lt_losses=f.realized_lt_losses,
        outside_st_gains=f.outside_st, outside_lt_gains=f.outside_lt,
        carryforward_st=f.carry_in_st, carryforward_lt=f.carry_in_lt,
        ordinary_rate=rates.ordinary, st_rate=rates.st, lt_rate=rates.lt,
    )


def year_figures(
    *,
    year: int,
    filing_status: str,
    realized: Iterable[tuple[str, Decimal, bool]],
    harvested_st: Decimal,
    harvested_lt: Decimal,
    profile: TaxFacts,
) -> YearFigures:
    """The year's figures from its 8949 rows (term, gain_loss, from a harvest) and the
    profile. Tax saved is the year with the harvest rows minus the year without them, the
    same definition as the tax-alpha report (`reports.taxalpha`, C9)."""
    realized = list(realized)
    st_g, st_l, lt_g, lt_l = gross_by_term((term, amount) for term, amount, _ in realized)
    rates = rates_for(profile, filing_status)
    figures = YearFigures(
        year=year,
        realized_st_gains=st_g,
        realized_st_losses=st_l,
        realized_lt_gains=lt_g,
        realized_lt_losses=lt_l,
        outside_st=profile.outside_st_gains,
        outside_lt=profile.outside_lt_gains,
        carry_in_st=profile.carryforward_st,
        carry_in_lt=profile.carryforward_lt,
        harvested_st=harvested_st,
        harvested_lt=harvested_lt,
        rates=rates,
        netting=None,
        tax_saved=None,
    )
    result = net_capital(netting_input(figures, filing_status))
    w_st_g, w_st_l, w_lt_g, w_lt_l = gross_by_term(
        (term, amount) for term, amount, harvest in realized if not harvest
    )
    without = replace(figures, realized_st_gains=w_st_g, realized_st_losses=w_st_l,
                      realized_lt_gains=w_lt_g, realized_lt_losses=w_lt_l)
    saved = net_capital(netting_input(without, filing_status)).tax_with - result.tax_with
    return replace(figures, netting=result, tax_saved=saved)


def realized_rows_by_household(household_ids, year: int) -> dict[int, list[tuple[str, Decimal, bool]]]:
    """{household: [(term, gain_loss, from a harvest)]} of the year's 8949 rows."""
    from portfolios.models import RealizedSale
    from reports.taxalpha import harvest_sale_keys

    harvest = harvest_sale_keys(list(household_ids), year)
    rows: dict[int, list[tuple[str, Decimal, bool]]] = defaultdict(list)
    for hid, seq, term, gain_loss in (
        RealizedSale.objects.in_year(year)
        .filter(household_id__in=household_ids)
        .values_list("household_id", "sale_seq", "term", "gain_loss")
    ):
        rows[hid].append((term, gain_loss, (hid, seq) in harvest))
    return rows


def harvested_by_household(household_ids, year: int) -> dict[int, dict[date, list[Decimal]]]:
    """{household: {as_of: [st, lt]}} of executed harvests' legs (not excluded, taxable)."""
    from harvesting.models import Proposal, ProposalLeg

    out: dict[int, dict[date, list[Decimal]]] = defaultdict(dict)
    for hid, as_of, st, lt in (
        ProposalLeg.objects.filter(
            proposal__household_id__in=household_ids,
            proposal__status=Proposal.EXECUTED,
            proposal__kind=Proposal.HARVEST,
            proposal__as_of__year=year,
            excluded=False,
            account__type="taxable",
        ).values_list("proposal__household_id", "proposal__as_of", "loss_st", "loss_lt")
    ):
        day = out[hid].setdefault(as_of, [ZERO, ZERO])
        day[0] += st
        day[1] += lt
    return out


def profiles_by_household(household_ids) -> dict[int, TaxFacts]:
    from portfolios.models import TaxProfile

    return {p.household_id: TaxFacts.of(p)
            for p in TaxProfile.objects.filter(household_id__in=household_ids)}


def figures_for_households(households, year: int) -> dict[int, YearFigures]:
    """YearFigures per household in three queries, whatever the number of households."""
    ids = [h.id for h in households]
    realized = realized_rows_by_household(ids, year)
    harvested = harvested_by_household(ids, year)
    profiles = profiles_by_household(ids)
    out = {}
    for h in households:
        days = harvested.get(h.id, {})
        out[h.id] = year_figures(
            year=year,
            filing_status=h.filing_status,
            realized=realized.get(h.id, []),
            harvested_st=sum((d[0] for d in days.values()), ZERO),
            harvested_lt=sum((d[1] for d in days.values()), ZERO),
            profile=profiles.get(h.id, TaxFacts()),
        )
    return out


@dataclass(frozen=True)
class MonthRow:
    month: str
    st: Decimal
    lt: Decimal

    @property
    def total(self) -> Decimal:
        return self.st + self.lt


@dataclass(frozen=True)
class TaxReport:
    household: object
    year: int
    figures: YearFigures
    months: list[MonthRow]
    has_profile: bool


def tax_report(household, today: date) -> TaxReport:
    """The client's tax report for the year of `today` (read-only)."""
    year = today.year
    figures = figures_for_households([household], year)[household.id]
    days = harvested_by_household([household.id], year).get(household.id, {})
    by_month = {m: [ZERO, ZERO] for m in range(1, 13)}
    for day, (st, lt) in days.items():
        by_month[day.month][0] += st
        by_month[day.month][1] += lt
    last = today.month
    months = [MonthRow(MONTHS[m - 1], *by_month[m]) for m in range(1, last + 1)]
    return TaxReport(
        household=household,
        year=year,
        figures=figures,
        months=months,
        has_profile=figures.rates.source != "default",
    )
