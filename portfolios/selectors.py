"""Named reads for screens, APIs and services (DESIGN.md rule 3).

Market values use the latest close on or before the day asked (`Price.objects.closes_on`);
a lot without any close has no market value and is left out of the unrealized figures.
Terms are counted by calendar anniversary from the holding-period start (R4.1,
`portfolios.taxlots.holding.term`). Every read here runs a fixed number of queries,
whatever the number of lots.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from advisors.models import AuditEvent, Household
from portfolios.models import Lot, Price, RealizedSale, ScheduledPurchase, TaxProfile
from portfolios.taxlots.holding import term as holding_term
from portfolios.taxlots.money import ZERO
from portfolios.taxlots.values import LONG


def closes_on(day: date, security_ids) -> dict[int, Decimal]:
    """{security_id: last close on or before `day`} (`PriceQuerySet.closes_on`)."""
    return Price.objects.closes_on(day, security_ids)


@dataclass
class LotRow:
    id: int
    account: str
    symbol: str
    quantity: Decimal
    cost_basis: Decimal
    acquired: date
    purchase_date: date
    wash_adjustment: Decimal
    price: Decimal | None
    term: str

    @property
    def market_value(self) -> Decimal | None:
        return None if self.price is None else self.quantity * self.price

    @property
    def unrealized(self) -> Decimal | None:
        mv = self.market_value
        return None if mv is None else mv - self.cost_basis

    @property
    def per_share(self) -> Decimal:
        return self.cost_basis / self.quantity


@dataclass
class PositionRow:
    account_code: str
    account_type: str
    symbol: str
    name: str
    price: Decimal | None
    lots: list[LotRow] = field(default_factory=list)

    @property
    def quantity(self) -> Decimal:
        return sum((lot.quantity for lot in self.lots), ZERO)

    @property
    def cost_basis(self) -> Decimal:
        return sum((lot.cost_basis for lot in self.lots), ZERO)

    @property
    def market_value(self) -> Decimal | None:
        return None if self.price is None else self.quantity * self.price

    @property
    def unrealized(self) -> Decimal | None:
        mv = self.market_value
        return None if mv is None else mv - self.cost_basis

    def unrealized_by(self, term: str) -> Decimal:
        return sum(
            (lot.unrealized for lot in self.lots if lot.term == term and lot.price is not None),
            ZERO,
        )

    @property
    def unrealized_st(self) -> Decimal:
        return self.unrealized_by("short")

    @property
    def unrealized_lt(self) -> Decimal:
        return self.unrealized_by(LONG)

    @property
    def wash_adjustment(self) -> Decimal:
        return sum((lot.wash_adjustment for lot in self.lots), ZERO)


@dataclass
class AccountBlock:
    account: object
    positions: list[PositionRow]

    @property
    def market_value(self) -> Decimal:
        return sum((p.market_value or ZERO for p in self.positions), ZERO)

    @property
    def unrealized(self) -> Decimal:
        return sum((p.unrealized or ZERO for p in self.positions), ZERO)

    @property
    def lot_count(self) -> int:
        return sum(len(p.lots) for p in self.positions)


def household_positions(household: Household, today: date) -> list[AccountBlock]:
    """Accounts → positions → lots of one household, valued at the latest close (3 queries)."""
    accounts = list(household.accounts.all().order_by("code"))
    lots = list(
        Lot.objects.filter(household=household)
        .select_related("security")
        .order_by("account_id", "security__symbol", "purchase_seq", "acquired")
    )
    prices = closes_on(today, {lot.security_id for lot in lots})
    by_account: dict[int, OrderedDict[str, PositionRow]] = {a.id: OrderedDict() for a in accounts}
    code = {a.id: a for a in accounts}
    for lot in lots:
        positions = by_account.setdefault(lot.account_id, OrderedDict())
        symbol = lot.security.symbol
        price = prices.get(lot.security_id)
        position = positions.get(symbol)
        if position is None:
            acct = code[lot.account_id]
            position = positions[symbol] = PositionRow(
                acct.code, acct.type, symbol, lot.security.name, price
            )
        position.lots.append(
            LotRow(
                id=lot.id,
                account=position.account_code,
                symbol=symbol,
                quantity=lot.quantity,
                cost_basis=lot.cost_basis,
                acquired=lot.acquired,
                purchase_date=lot.purchase_date,
                wash_adjustment=lot.wash_adjustment,
                price=price,
                term=holding_term(lot.acquired, today),
            )
        )
    return [AccountBlock(a, list(by_account[a.id].values())) for a in accounts]


def realized_sales(household: Household, year: int):
    """This year's Form 8949 rows, in the order a preparer reads them (1 query)."""
    return list(
        RealizedSale.objects.in_year(year)
        .filter(household=household)
        .select_related("account", "security")
        .order_by("date_sold", "sale_seq", "piece")
    )


def scheduled_purchases(household: Household):
    return list(
        ScheduledPurchase.objects.filter(household=household)
        .select_related("account", "security")
        .order_by("next_date")
    )


def tax_profile(household: Household) -> TaxProfile | None:
    return TaxProfile.objects.filter(household=household).first()


def household_audit(household: Household, limit: int = 25):
    return list(
        AuditEvent.objects.filter(household=household).select_related("actor")[:limit]
    )


@dataclass
class HouseholdPage:
    household: Household
    today: date
    members: list
    accounts: list[AccountBlock]
    realized: list
    scheduled: list
    profile: TaxProfile | None
    figures: object
    harvest: object  # harvesting.selectors.HouseholdHarvest
    audit: list

    @property
    def market_value(self) -> Decimal:
        return sum((a.market_value for a in self.accounts), ZERO)

    @property
    def lot_count(self) -> int:
        return sum(a.lot_count for a in self.accounts)

    @property
    def realized_disallowed(self) -> Decimal:
        return sum((r.adjustment_amount for r in self.realized), ZERO)


def household_page(household: Household, today: date) -> HouseholdPage:
    from harvesting.selectors import household_harvest
    from reports.selectors import figures_for_households

    return HouseholdPage(
        household=household,
        today=today,
        members=list(household.members.select_related("user")),
        accounts=household_positions(household, today),
        realized=realized_sales(household, today.year),
        scheduled=scheduled_purchases(household),
        profile=tax_profile(household),
        figures=figures_for_households([household], today.year)[household.id],
        harvest=household_harvest(household, today),
        audit=household_audit(household),
    )
