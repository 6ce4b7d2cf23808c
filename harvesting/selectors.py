"""Named reads of the harvesting app (DESIGN.md rule 3), starting from what the user may see.

* Proposals, runs and alerts are read through `advisors.access` (unseen → 404).
* Swap pairs carry a risk grade and a price correlation for the admins' review:
  risk is "high" when both sides track the same (non-empty) index (FORMATS §3b: a
  substantially-identical risk), else "low"; the correlation is Pearson's r of daily
  close-to-close returns over the trailing year, on the dates both sides have a close.
  The correlation is a display figure only: it is computed in binary floating point and
  never meets money.

    >>> pair_risk("S&P 500", "S&P 500"), pair_risk("S&P 500", "CRSP US Total Market")
    ('high', 'low')
    >>> round(pearson([0.01, 0.02, -0.01, 0.0], [0.02, 0.04, -0.02, 0.0]), 6)
    1.0
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q

from advisors import access
from advisors.models import AuditEvent, Household
from harvesting.engine.swapback import swap_back_date
from harvesting.models import (
    HarvestPolicy,
    HarvestRun,
    HarvestRunItem,
    IdenticalGroup,
    Proposal,
    ProposalLeg,
    Restriction,
    SwapPair,
    WashAlert,
)
from portfolios.models import Price, Security
from portfolios.taxlots.holding import term as holding_term
from portfolios.taxlots.money import ZERO

HIGH, LOW = "high", "low"
MIN_COMMON_RETURNS = 20  # fewer shared trading days: no correlation shown


# --- policies -----------------------------------------------------------------------------


def effective_policy(household: Household) -> tuple[HarvestPolicy, bool]:
    """(the policy in force, whether it is the household's own override)."""
    rows = list(
        HarvestPolicy.objects.filter(Q(household=household) | Q(household__isnull=True))
    )
    own = next((p for p in rows if p.household_id == household.id), None)
    if own is not None:
        return own, True
    default = next((p for p in rows if p.household_id is None), None)
    return (default or HarvestPolicy()), False


def policies_for(household_ids) -> dict[int | None, HarvestPolicy]:
    """{household id: its override, None: the firm default} in one query."""
    rows = HarvestPolicy.objects.filter(
        Q(household_id__in=household_ids) | Q(household__isnull=True)
    )
    out: dict[int | None, HarvestPolicy] = {p.household_id: p for p in rows}
    out.setdefault(None, HarvestPolicy())
    return out


# --- household page ------------------------------------------------------------------------


@dataclass
class HouseholdHarvest:
    policy: HarvestPolicy
    policy_is_override: bool
    restrictions: list
    alerts: list
    proposals: list

    @property
    def open_alerts(self) -> int:
        return sum(1 for a in self.alerts if a.acknowledged_at is None)


def household_harvest(household: Household, today: date) -> HouseholdHarvest:
    policy, own = effective_policy(household)
    return HouseholdHarvest(
        policy=policy,
        policy_is_override=own,
        restrictions=list(
            Restriction.objects.active_on(today).filter(household=household)
            .select_related("proposal").order_by("until", "symbol")
        ),
        alerts=list(
            WashAlert.objects.filter(household=household)
            .select_related("acknowledged_by")
            .order_by("acknowledged_at", "-created_at")[:50]
        ),
        proposals=list(
            Proposal.objects.filter(household=household)
            .annotate(leg_count=Count("legs"))
            .order_by("-as_of", "-id")[:20]
        ),
    )


# --- proposal queue and page -----------------------------------------------------------------


def proposal_queue(user, *, status: str = "", household_key: str = "", limit: int = 500):
    qs = (
        access.visible_proposals(user)
        .select_related("household", "decided_by")
        .annotate(leg_count=Count("legs"))
        .order_by("-as_of", "household__name", "-id")
    )
    if status:
        qs = qs.filter(status=status)
    if household_key:
        qs = qs.filter(household__key=household_key)
    return list(qs[:limit])


def queue_households(user):
    return list(access.visible_households(user).order_by("name").values_list("key", "name"))


@dataclass(frozen=True)
class LegLot:
    acquired: date | None
    purchase_date: date | None
    quantity: Decimal
    cost_basis: Decimal
    loss: Decimal
    term: str


def _dec(value, default=ZERO) -> Decimal:
    if value is None or value == "":
        return default
    if isinstance(value, float):  # never expected: JSON written by the services is strings
        value = repr(value)
    return Decimal(str(value))


def _day(value) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def leg_lots(leg: ProposalLeg, as_of: date) -> list[LegLot]:
    out = []
    for raw in leg.lots or []:
        acquired = _day(raw.get("acquired"))
        term = raw.get("term") or (holding_term(acquired, as_of) if acquired else "")
        out.append(
            LegLot(
                acquired=acquired,
                purchase_date=_day(raw.get("purchase_date")),
                quantity=_dec(raw.get("quantity")),
                cost_basis=_dec(raw.get("cost_basis")),
                loss=_dec(raw.get("loss")),
                term=term,
            )
        )
    return out


ASSUMPTION_LABELS = [
    ("model", "Model"),
    ("filing_status", "Filing status"),
    ("ordinary_rate", "Ordinary income rate"),
    ("st_rate", "Short-term gain rate"),
    ("lt_rate", "Long-term gain rate"),
    ("realized_st_gains", "Short-term gains realized this year"),
    ("realized_st_losses", "Short-term losses realized this year"),
    ("realized_lt_gains", "Long-term gains realized this year"),
    ("realized_lt_losses", "Long-term losses realized this year"),
    ("outside_st_gains", "Short-term gains realized elsewhere"),
    ("outside_lt_gains", "Long-term gains realized elsewhere"),
    ("st_gains", "Short-term gains the losses offset"),
    ("st_losses", "Short-term losses before this harvest"),
    ("lt_gains", "Long-term gains the losses offset"),
    ("lt_losses", "Long-term losses before this harvest"),
    ("carryforward_st", "Short-term carryforward coming in"),
    ("carryforward_lt", "Long-term carryforward coming in"),
    ("deduction_limit", "Deduction against ordinary income (limit)"),
    ("taxable_income", "Taxable income"),
    ("rate_source", "Rates from"),
]
RATE_KEYS = {"ordinary_rate", "st_rate", "lt_rate"}
TEXT_KEYS = {"model", "filing_status", "rate_source"}
HIDDEN_KEYS = {"prices"}  # shown as the prices the proposal was sized on


@dataclass(frozen=True)
class Assumption:
    key: str
    label: str
    value: str
    kind: str  # rate, money, text


def assumptions(raw: dict) -> list[Assumption]:
    raw = dict(raw or {})
    known = [k for k, _ in ASSUMPTION_LABELS]
    labels = dict(ASSUMPTION_LABELS)
    keys = [k for k in known if k in raw] + sorted(
        k for k in raw
        if k not in labels and k not in HIDDEN_KEYS and not isinstance(raw[k], (dict, list))
    )
    out = []
    for key in keys:
        value = raw[key]
        if key in RATE_KEYS:
            kind = "rate"
        elif key in TEXT_KEYS or not _is_number(value):
            kind = "text"
        else:
            kind = "money"
        out.append(Assumption(key, labels.get(key, key.replace("_", " ").capitalize()),
                              str(value), kind))
    return out


def _is_number(value) -> bool:
    if isinstance(value, (bool, dict, list)):
        return False
    try:
        Decimal(str(value))
    except Exception:
        return False
    return True


@dataclass(frozen=True)
class SavingsBreakdown:
    """The proposal's estimate re-derived from its assumptions (R7.5 / C9)."""

    before: object  # NettingResult without this harvest
    after: object  # NettingResult with it
    loss_limit: Decimal

    @property
    def saving(self) -> Decimal:
        return self.before.tax_with - self.after.tax_with


def savings_breakdown(raw: dict, loss_st: Decimal, loss_lt: Decimal) -> SavingsBreakdown | None:
    """None when the assumptions lack a figure the netting needs."""
    from portfolios.taxlots.netting import NettingInput, loss_limit, net_capital

    try:
        base = NettingInput(
            filing_status=str(raw["filing_status"]),
            st_gains=_dec(raw["st_gains"]), st_losses=_dec(raw["st_losses"]),
            lt_gains=_dec(raw["lt_gains"]), lt_losses=_dec(raw["lt_losses"]),
            carryforward_st=_dec(raw.get("carryforward_st")),
            carryforward_lt=_dec(raw.get("carryforward_lt")),
            ordinary_rate=_dec(raw["ordinary_rate"]), lt_rate=_dec(raw["lt_rate"]),
            st_rate=_dec(raw["st_rate"]),
        )
        after = replace(base, st_losses=base.st_losses + max(ZERO, loss_st),
                        lt_losses=base.lt_losses + max(ZERO, loss_lt))
        return SavingsBreakdown(net_capital(base), net_capital(after),
                                loss_limit(base.filing_status))
    except (KeyError, ValueError, ArithmeticError, TypeError):
        return None


@dataclass
class LegView:
    leg: ProposalLeg
    lots: list[LegLot]
    swap_back_on: date | None

    @property
    def loss(self) -> Decimal:
        return self.leg.loss_st + self.leg.loss_lt

    @property
    def counts(self) -> bool:
        """Included, in a taxable account (R1.6: a retirement loss is no capital loss)."""
        return not self.leg.excluded and self.leg.account.type == "taxable"

    @property
    def proceeds(self) -> Decimal:
        return self.leg.sell_quantity * self.leg.sell_price

    @property
    def basis(self) -> Decimal:
        return sum((lot.cost_basis for lot in self.lots), ZERO)


@dataclass
class ProposalPage:
    proposal: Proposal
    legs: list[LegView]
    audit: list
    swap_backs: list
    policy: HarvestPolicy
    assumptions: list[Assumption] = field(default_factory=list)
    can_act: bool = False
    breakdown: SavingsBreakdown | None = None

    @property
    def included_loss(self) -> Decimal:
        return sum((lv.loss for lv in self.legs if not lv.leg.excluded), ZERO)

    @property
    def prices(self) -> list[tuple[str, str]]:
        """The closes the proposal was sized on (its staleness is measured against them)."""
        raw = (self.proposal.assumptions or {}).get("prices") or {}
        return sorted(raw.items()) if isinstance(raw, dict) else []

    @property
    def skipped(self) -> list[dict]:
        return list(self.proposal.skipped or [])

    @property
    def evidence_count(self) -> int:
        return sum(len(lv.leg.evidence or []) for lv in self.legs)


def proposal_audit(proposal: Proposal, leg_ids) -> list:
    return list(
        AuditEvent.objects.filter(
            Q(object_type="proposal", object_id=str(proposal.pk))
            | Q(object_type="proposal_leg", object_id__in=[str(i) for i in leg_ids])
        )
        .select_related("actor")
        .order_by("-at", "-id")[:100]
    )


def proposal_page(user, pk) -> ProposalPage:
    proposal = access.proposal_for_view(user, pk)
    legs = list(
        ProposalLeg.objects.filter(proposal=proposal)
        .select_related("account", "sell_security", "buy_security")
        .order_by("position")
    )
    policy, _ = effective_policy(proposal.household)
    executed_on = proposal.executed_at.date() if proposal.executed_at else proposal.as_of
    views = [
        LegView(
            leg=leg,
            lots=leg_lots(leg, proposal.as_of),
            swap_back_on=swap_back_date(executed_on) if leg.buy_security_id else None,
        )
        for leg in legs
    ]
    for leg in legs:
        leg.proposal = proposal
    return ProposalPage(
        proposal=proposal,
        legs=views,
        audit=proposal_audit(proposal, [leg.id for leg in legs]),
        swap_backs=list(proposal.swap_backs.order_by("as_of")),
        policy=policy,
        assumptions=assumptions(proposal.assumptions),
        can_act=access.can_act_on_household(user, proposal.household),
        breakdown=savings_breakdown(
            proposal.assumptions or {},
            sum((v.leg.loss_st for v in views if v.counts), ZERO),
            sum((v.leg.loss_lt for v in views if v.counts), ZERO),
        ),
    )


# --- harvest runs ----------------------------------------------------------------------------


@dataclass
class RunStatus:
    run: HarvestRun | None
    total: int = 0
    done: int = 0
    failed: int = 0
    proposals: int = 0
    errors: list = field(default_factory=list)  # [(household name, key, error)]

    @property
    def finished(self) -> int:
        return self.done + self.failed

    @property
    def pending(self) -> int:
        return max(0, self.total - self.finished)

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.run and self.run.status != HarvestRun.RUNNING else 0
        return min(100, (self.finished * 100) // self.total)

    @property
    def running(self) -> bool:
        return bool(self.run and self.run.status == HarvestRun.RUNNING)


def run_status(user, run: HarvestRun | None) -> RunStatus:
    """A run's progress (firm-wide counts) and the errors of households the user sees."""
    if run is None:
        return RunStatus(run=None)
    counts = HarvestRunItem.objects.filter(run=run).aggregate(
        n=Count("id"),
        done=Count("id", filter=Q(status=HarvestRunItem.DONE)),
        failed=Count("id", filter=Q(status=HarvestRunItem.FAILED)),
        proposals=Count("id", filter=Q(proposal_created=True)),
    )
    errors = list(
        HarvestRunItem.objects.filter(
            run=run,
            status=HarvestRunItem.FAILED,
            household_id__in=access.visible_households(user).values("id"),
        )
        .select_related("household")
        .order_by("household__name")
        .values_list("household__name", "household__key", "error")[:50]
    )
    return RunStatus(
        run=run,
        total=max(run.households_total, counts["n"]),
        done=counts["done"],
        failed=counts["failed"],
        proposals=counts["proposals"],
        errors=errors,
    )


def latest_run_status(user) -> RunStatus:
    return run_status(user, HarvestRun.objects.latest_first().select_related("started_by").first())


def run_for_view(user, pk) -> HarvestRun:
    from django.http import Http404

    access.require_run_viewer(user)
    run = HarvestRun.objects.select_related("started_by").filter(pk=pk).first()
    if run is None:
        raise Http404("No such run")
    return run


def run_items(user, run: HarvestRun):
    return list(
        HarvestRunItem.objects.filter(
            run=run, household_id__in=access.visible_households(user).values("id")
        )
        .select_related("household")
        .order_by("household__name")
    )


def recent_runs(limit: int = 10):
    return list(HarvestRun.objects.latest_first().select_related("started_by")[:limit])


# --- swap lists ------------------------------------------------------------------------------


def pair_risk(from_index: str, to_index: str) -> str:
    """'high' when both sides track the same non-empty index (FORMATS §3b), else 'low'."""
    a, b = (from_index or "").strip().lower(), (to_index or "").strip().lower()
    return HIGH if a and a == b else LOW


def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2 or n != len(ys):
        return None
    mx, my = math.fsum(xs) / n, math.fsum(ys) / n
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    syy = math.fsum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def daily_returns(closes: dict[date, Decimal]) -> dict[date, float]:
    """{date: close/previous close − 1} over the dates given (display only: floats)."""
    out: dict[date, float] = {}
    previous = None
    for day in sorted(closes):
        close = closes[day]
        if previous is not None and previous > 0:
            out[day] = float(close / previous - 1)
        previous = close
    return out


def correlations(pairs: list[tuple[str, str]], today: date) -> dict[tuple[str, str], float | None]:
    """Pearson r of daily returns over the year to `today` for each pair (one query)."""
    symbols = sorted({s for pair in pairs for s in pair})
    if not symbols:
        return {}
    closes: dict[str, dict[date, Decimal]] = defaultdict(dict)
    for symbol, day, close in Price.objects.filter(
        security__symbol__in=symbols, date__gt=today - timedelta(days=365), date__lte=today
    ).values_list("security__symbol", "date", "close"):
        closes[symbol][day] = close
    returns = {s: daily_returns(c) for s, c in closes.items()}
    out: dict[tuple[str, str], float | None] = {}
    for a, b in pairs:
        ra, rb = returns.get(a, {}), returns.get(b, {})
        common = sorted(set(ra) & set(rb))
        out[(a, b)] = (
            pearson([ra[d] for d in common], [rb[d] for d in common])
            if len(common) >= MIN_COMMON_RETURNS
            else None
        )
    return out


@dataclass(frozen=True)
class PairRow:
    pair: SwapPair
    from_name: str
    to_name: str
    from_index: str
    to_index: str
    risk: str
    correlation: float | None

    @property
    def correlation_display(self) -> str:
        return "—" if self.correlation is None else f"{self.correlation:.2f}"


@dataclass
class SwapListPage:
    groups: list
    pairs: list[PairRow]
    audit: list


def swap_pair_rows(today: date) -> list[PairRow]:
    pairs = list(SwapPair.objects.order_by("from_symbol", "rank", "to_symbol"))
    symbols = {p.from_symbol for p in pairs} | {p.to_symbol for p in pairs}
    info = {
        s.symbol: s
        for s in Security.objects.filter(symbol__in=symbols).only("symbol", "name", "tracked_index")
    }
    corr = correlations([(p.from_symbol, p.to_symbol) for p in pairs], today)
    rows = []
    for p in pairs:
        a, b = info.get(p.from_symbol), info.get(p.to_symbol)
        ai, bi = (a.tracked_index if a else ""), (b.tracked_index if b else "")
        rows.append(
            PairRow(
                pair=p,
                from_name=a.name if a and a.name != a.symbol else "",
                to_name=b.name if b and b.name != b.symbol else "",
                from_index=ai,
                to_index=bi,
                risk=pair_risk(ai, bi),
                correlation=corr.get((p.from_symbol, p.to_symbol)),
            )
        )
    return rows


def identical_groups():
    return list(IdenticalGroup.objects.prefetch_related("members").order_by("id"))


def swap_list_audit(limit: int = 20):
    return list(
        AuditEvent.objects.filter(
            Q(verb__startswith="swap_list.") | Q(verb__startswith="swap_pair.")
            | Q(verb__startswith="identical_group.")
        ).select_related("actor")[:limit]
    )


def swap_list_page(user, today: date) -> SwapListPage:
    access.require_swap_reader(user)
    return SwapListPage(groups=identical_groups(), pairs=swap_pair_rows(today),
                        audit=swap_list_audit())


def pair_for_edit(user, pk) -> SwapPair:
    from django.shortcuts import get_object_or_404

    access.require_swap_admin(user)
    return get_object_or_404(SwapPair, pk=pk)


def group_for_edit(user, pk) -> IdenticalGroup:
    from django.shortcuts import get_object_or_404

    access.require_swap_admin(user)
    return get_object_or_404(IdenticalGroup.objects.prefetch_related("members"), pk=pk)
