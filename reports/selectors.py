"""Named reads for the tax reports (DESIGN.md rule 3): the household's tax year so far.

`year_figures` is the arithmetic (no database): this year's realized results in the
managed taxable accounts, the gains and losses realized elsewhere (tax profile), the
carryovers coming in, the losses harvested through executed proposals, and the Schedule D
netting of all of it (TAX_RULES R7, `portfolios.taxlots.netting`). The tax saved by
harvesting is the C9 model's difference between the year without the harvested losses
and the year as it is — the same marginal calculation FORMATS §6 uses for a proposal.

    >>> f = year_figures(year=2026, filing_status="married_filing_jointly",
    ...     realized=[("long", Decimal("-74000"))], harvested_st=Decimal(0),
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
from portfolios.taxlots.netting import NettingInput, NettingResult, net_capital
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


def _split(signed: Decimal) -> tuple[Decimal, Decimal]:
    return (signed, ZERO) if signed >= 0 else (ZERO, -signed)


def netting_input(f: YearFigures, filing_status: str) -> NettingInput:
    rates = f.rates
    out_st_g, out_st_l = _split(f.outside_st)
    out_lt_g, out_lt_l = _split(f.outside_lt)
    return NettingInput(
        filing_status=filing_status,
        st_gains=f.realized_st_gains + out_st_g,
        st_losses=f.realized_st_losses + out_st_l,
        lt_gains=f.realized_lt_gains + out_lt_g,
        lt_losses=f.realized_lt_losses + out_lt_l,
        carryforward_st=f.carry_in_st,
        carryforward_lt=f.carry_in_lt,
        ordinary_rate=rates.ordinary,
        lt_rate=rates.lt,
        st_rate=rates.st,
    )


def year_figures(
    *,
    year: int,
    filing_status: str,
    realized: Iterable[tuple[str, Decimal]],
    harvested_st: Decimal,
    harvested_lt: Decimal,
    profile: TaxFacts,
) -> YearFigures:
    """The year's figures from its 8949 rows (term, gain_loss) and the profile."""
    sums = {("short", True): ZERO, ("short", False): ZERO,
            ("long", True): ZERO, ("long", False): ZERO}
    for term, gain_loss in realized:
        sums[(term, gain_loss >= 0)] += abs(gain_loss)
    rates = rates_for(profile, filing_status)
    figures = YearFigures(
        year=year,
        realized_st_gains=sums[("short", True)],
        realized_st_losses=sums[("short", False)],
        realized_lt_gains=sums[("long", True)],
        realized_lt_losses=sums[("long", False)],
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
    actual = netting_input(figures, filing_status)
    without = replace(
        actual,
        st_losses=max(ZERO, actual.st_losses - harvested_st),
        lt_losses=max(ZERO, actual.lt_losses - harvested_lt),
    )
    result = net_capital(actual)
    saved = net_capital(without).tax_with - result.tax_with
    return replace(figures, netting=result, tax_saved=saved)


# --- database reads -------------------------------------------------------------------------


def realized_rows_by_household(household_ids, year: int) -> dict[int, list[tuple[str, Decimal]]]:
    from portfolios.models import RealizedSale

    rows: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for hid, term, gain_loss in (
        RealizedSale.objects.in_year(year)
        .filter(household_id__in=household_ids)
        .values_list("household_id", "term", "gain_loss")
    ):
        rows[hid].append((term, gain_loss))
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
