"""Named reads for the advisors' screens (DESIGN.md rule 3).

The dashboard aggregates every household on it in a fixed number of queries (households,
lots, closes, policies, the tax year's rows, pending proposals), whatever the number of
households or lots; the arithmetic is Decimal in Python so SQLite's floating-point sums
never touch money.

* market value: every open lot, every account, at the latest close on or before today;
* unrealized short/long: taxable accounts only (the only ones with capital gains, R1.6),
  split by each lot's term on today (R4.1);
* harvestable now: per taxable position, the loss of its lots at a loss when it passes the
  household's policy thresholds (the engine's candidate test, before wash-sale checks);
* harvested / tax saved this year: `reports.selectors.figures_for_households`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count

from advisors import access
from portfolios.models import Lot
from portfolios.selectors import closes_on
from portfolios.taxlots.holding import term as holding_term
from portfolios.taxlots.money import ZERO


@dataclass
class HouseholdRow:
    household: object
    market_value: Decimal = ZERO
    unrealized_st: Decimal = ZERO
    unrealized_lt: Decimal = ZERO
    harvestable: Decimal = ZERO
    harvested: Decimal = ZERO
    tax_saved: Decimal | None = None
    pending: int = 0
    lots: int = 0
    unpriced: int = 0


@dataclass
class Dashboard:
    today: date
    rows: list[HouseholdRow] = field(default_factory=list)

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(r, name) or ZERO for r in self.rows), ZERO)

    @property
    def totals(self) -> dict[str, Decimal | int]:
        return {
            "market_value": self._sum("market_value"),
            "unrealized_st": self._sum("unrealized_st"),
            "unrealized_lt": self._sum("unrealized_lt"),
            "harvestable": self._sum("harvestable"),
            "harvested": self._sum("harvested"),
            "tax_saved": self._sum("tax_saved"),
            "pending": sum(r.pending for r in self.rows),
        }


def passes(loss: Decimal, basis: Decimal, policy) -> bool:
    """The engine's threshold test (harvesting.engine.candidates.passes_thresholds)."""
    if loss <= 0 or basis <= 0:
        return False
    by_dollars = loss >= policy.min_loss_dollars
    by_percent = loss >= basis * policy.min_loss_percent
    return (by_dollars and by_percent) if policy.require_both else (by_dollars or by_percent)


def dashboard(user, today: date) -> Dashboard:
    from harvesting.models import Proposal
    from harvesting.selectors import policies_for
    from reports.selectors import figures_for_households

    households = list(
        access.dashboard_households(user).select_related("advisor").order_by("name")
    )
    board = Dashboard(today=today)
    if not households:
        return board
    ids = [h.id for h in households]
    rows = {h.id: HouseholdRow(household=h) for h in households}

    lots = list(
        Lot.objects.filter(household_id__in=ids).values_list(
            "household_id", "account_id", "account__type", "security_id",
            "security__symbol", "quantity", "cost_basis", "acquired",
        )
    )
    prices = closes_on(today, {lot[3] for lot in lots})
    policies = policies_for(ids)
    terms: dict[date, str] = {}
    # (household, account, symbol) -> [loss of the lots at a loss, their basis]
    positions: dict[tuple[int, int, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for hid, account_id, account_type, security_id, symbol, qty, basis, acquired in lots:
        row = rows[hid]
        row.lots += 1
        price = prices.get(security_id)
        if price is None:
            row.unpriced += 1
            continue
        value = qty * price
        row.market_value += value
        if account_type != "taxable":
            continue
        term = terms.get(acquired)
        if term is None:
            term = terms[acquired] = holding_term(acquired, today)
        if term == "long":
            row.unrealized_lt += value - basis
        else:
            row.unrealized_st += value - basis
        if basis > value:
            position = positions[(hid, account_id, symbol)]
            position[0] += basis - value
            position[1] += basis
    for (hid, _account, symbol), (loss, basis) in positions.items():
        policy = policies.get(hid) or policies[None]
        if symbol in (policy.excluded_symbols or []):
            continue
        if passes(loss, basis, policy):
            rows[hid].harvestable += loss

    figures = figures_for_households(households, today.year)
    for hid, f in figures.items():
        rows[hid].harvested = f.harvested
        rows[hid].tax_saved = f.tax_saved
    for hid, n in (
        Proposal.objects.filter(household_id__in=ids, status=Proposal.PENDING)
        .values("household_id").annotate(n=Count("id")).values_list("household_id", "n")
    ):
        rows[hid].pending = n
    board.rows = [rows[h.id] for h in households]
    return board
