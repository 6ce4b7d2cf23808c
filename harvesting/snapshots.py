"""Reading what the pure engine needs, in bulk: one `HouseholdSnapshot` per household.

The nightly scan reads a chunk of households with a fixed number of queries (lots,
recent purchases, schedules, restrictions, open proposals, profiles, realized results),
whatever the chunk's size, so its cost grows linearly in lots (issue 3's benchmark).
`ScanContext` holds what every household of a run shares: the swap list, the firm policy,
the as-of closes, security classifications and a lazily loaded price history.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Q, Sum

from advisors.models import Household
from harvesting.engine.candidates import passes_thresholds
from harvesting.engine.values import (
    HIGH_RISK,
    LOW_RISK,
    WASH_WINDOW_DAYS,
    HouseholdSnapshot,
    OpenPosition,
    Policy,
    Restriction,
    ScheduledPurchase,
    SecurityInfo,
    SwapList,
    SwapPair,
    TaxContext,
)
from harvesting.models import (
    HarvestPolicy,
    IdenticalMember,
    Proposal,
    ProposalLeg,
)
from harvesting.models import Restriction as RestrictionRow
from harvesting.models import SwapPair as SwapPairRow
from portfolios.models import Account, Lot, Price, RealizedSale, Security, TaxProfile, Transaction
from portfolios.models import ScheduledPurchase as ScheduleRow
from portfolios.taxlots import tables
from portfolios.taxlots.values import AccountRef, OpenLot, Txn

ZERO = Decimal(0)
PRICE_LOOKBACK_DAYS = 10  # a close older than this is no as-of price (holidays fit)
HISTORY_DAYS = 380  # a trailing year of returns for direct-index peers, with margin
DEFAULT_RATES = (Decimal("0.37"), Decimal("0.408"), Decimal("0.238"))  # top marginal rates


def policy_values(row: HarvestPolicy | None) -> Policy:
    if row is None:
        return Policy()
    return Policy(
        min_loss_dollars=row.min_loss_dollars,
        min_loss_percent=row.min_loss_percent,
        require_both=row.require_both,
        excluded_symbols=frozenset(s.upper() for s in row.excluded_symbols or ()),
        swap_back=row.swap_back,
        stale_price_tolerance=row.stale_price_tolerance,
        max_age_days=row.max_age_days,
    )


def firm_policy_row() -> HarvestPolicy | None:
    return HarvestPolicy.objects.filter(household__isnull=True).first()


def policy_for(household: Household) -> Policy:
    row = HarvestPolicy.objects.filter(household=household).first() or firm_policy_row()
    return policy_values(row)


def pair_risk(tracked: Mapping[str, str], a: str, b: str) -> str:
    """Two funds tracking the same index could be found substantially identical: high risk."""
    index_a, index_b = tracked.get(a, ""), tracked.get(b, "")
    return HIGH_RISK if index_a and index_a == index_b else LOW_RISK


def swap_list_values() -> SwapList:
    groups: dict[int, set[str]] = defaultdict(set)
    for group_id, symbol in IdenticalMember.objects.values_list("group_id", "symbol"):
        groups[group_id].add(symbol)
    tracked = dict(
        Security.objects.exclude(tracked_index="").values_list("symbol", "tracked_index")
    )
    pairs = tuple(
        SwapPair(a, b, rank, pair_risk(tracked, a, b))
        for a, b, rank in SwapPairRow.objects.values_list("from_symbol", "to_symbol", "rank")
    )
    return SwapList(identical_groups=tuple(frozenset(g) for g in groups.values()), pairs=pairs)


def closes_as_of(as_of: date, symbols: Sequence[str] | None = None) -> dict[str, Decimal]:
    """{symbol: last close on or before as_of}, looking back a few days at most.

    Inside `price_history_shared()` they are read off the shared copy of the prices.
    """
    if _sharing:
        first = as_of - timedelta(days=PRICE_LOOKBACK_DAYS)
        wanted = None if symbols is None else set(symbols)
        found: dict[str, Decimal] = {}
        for symbol, (days, rows) in _shared().items():
            if wanted is not None and symbol not in wanted:
                continue
            at = bisect_right(days, as_of) - 1
            if at >= 0 and days[at] >= first:
                found[symbol] = rows[at][1]
        return found
    qs = Price.objects.filter(date__range=(as_of - timedelta(days=PRICE_LOOKBACK_DAYS), as_of))
    if symbols is not None:
        qs = qs.filter(security__symbol__in=symbols)
    closes: dict[str, Decimal] = {}
    for symbol, close in qs.order_by("date").values_list("security__symbol", "close"):
        closes[symbol] = close
    return closes


def _load_series(start: date | None, end: date) -> dict[str, tuple[tuple[date, Decimal], ...]]:
    """{symbol: ((date, close), …) in date order} for start … end (from the first close)."""
    series: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    rows = Price.objects.filter(date__lte=end)
    if start is not None:
        rows = rows.filter(date__gte=start)
    for symbol, day, close in rows.order_by("security_id", "date").values_list(
        "security__symbol", "date", "close"
    ).iterator(chunk_size=20_000):
        series[symbol].append((day, close))
    return {s: tuple(v) for s, v in series.items()}


# symbol → (its dates, its (date, close) rows), while a `price_history_shared` block is open
_shared_series: dict[str, tuple[list[date], tuple[tuple[date, Decimal], ...]]] | None = None
_sharing = False


@contextmanager
def price_history_shared() -> Iterator[None]:
    """Inside the block every `PriceHistory` slices one copy of the whole price table
    (read on first use) instead of reading a year of closes for its own date.

    For a caller that scans many dates while no price changes — the demo's replay of 2020
    scans each of 293 trading days. Outside the block each run reads its own year, so a
    price import is always seen.
    """
    global _shared_series, _sharing
    _sharing, _shared_series = True, None
    try:
        yield
    finally:
        _sharing, _shared_series = False, None


def _shared() -> dict[str, tuple[list[date], tuple[tuple[date, Decimal], ...]]]:
    global _shared_series
    if _shared_series is None:
        _shared_series = {
            symbol: ([d for d, _ in rows], rows)
            for symbol, rows in _load_series(None, date.max).items()
        }
    return _shared_series


class PriceHistory(Mapping[str, Sequence[tuple[date, Decimal]]]):
    """Daily closes over the trailing year, loaded in one query on first use and kept.

    Only direct-index replacements read it, so a run that needs none never loads it.
    """

    def __init__(self, as_of: date, known: Sequence[str]) -> None:
        self.as_of = as_of
        self._known = set(known)
        self._cache: dict[str, tuple[tuple[date, Decimal], ...]] | None = None

    def _load(self) -> dict[str, tuple[tuple[date, Decimal], ...]]:
        if self._cache is None:
            start = self.as_of - timedelta(days=HISTORY_DAYS)
            if _sharing:
                self._cache = {}
                for symbol, (days, rows) in _shared().items():
                    window = rows[bisect_left(days, start) : bisect_right(days, self.as_of)]
                    if window:
                        self._cache[symbol] = window
            else:
                self._cache = _load_series(start, self.as_of)
        return self._cache

    def __getitem__(self, symbol: str) -> tuple[tuple[date, Decimal], ...]:
        if symbol not in self._known:
            raise KeyError(symbol)
        return self._load().get(symbol, ())

    def __iter__(self) -> Iterator[str]:
        return iter(self._known)

    def __len__(self) -> int:
        return len(self._known)


@dataclass
class ScanContext:
    as_of: date
    swap_list: SwapList
    firm_policy: HarvestPolicy | None
    prices: dict[str, Decimal]
    securities: dict[str, SecurityInfo]
    history: PriceHistory = field(repr=False)
    security_ids: dict[str, int] = field(default_factory=dict, repr=False)
    peer_rankings: dict = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, as_of: date) -> ScanContext:
        prices = closes_as_of(as_of)
        rows = list(Security.objects.values_list(
            "id", "symbol", "asset_class", "sector", "sub_industry", "tracked_index"
        ))
        securities = {
            s: SecurityInfo(s, asset_class, sector, sub_industry, tracked)
            for _, s, asset_class, sector, sub_industry, tracked in rows
        }
        return cls(
            as_of=as_of,
            swap_list=swap_list_values(),
            firm_policy=firm_policy_row(),
            prices=prices,
            securities=securities,
            history=PriceHistory(as_of, list(prices)),
            security_ids={row[1]: row[0] for row in rows},
        )


def _rates(profile: TaxProfile | None, filing_status: str) -> tuple[Decimal, Decimal, Decimal, str]:
    if profile is not None and None not in (profile.ordinary_rate, profile.st_rate, profile.lt_rate):
        return profile.ordinary_rate, profile.st_rate, profile.lt_rate, "tax profile rates"
    if profile is not None and profile.taxable_income is not None and profile.magi is not None:
        o, s, lt = tables.marginal_rates(filing_status, profile.taxable_income, profile.magi)
        return o, s, lt, "rates derived from taxable income and MAGI (2026 tables)"
    o, s, lt = DEFAULT_RATES
    return o, s, lt, "no tax profile: top marginal rates assumed (37% / 40.8% / 23.8%)"


def tax_context(
    household: Household, profile: TaxProfile | None, realized: Mapping[str, Decimal]
) -> tuple[TaxContext, str]:
    ordinary, st, lt, source = _rates(profile, household.filing_status)
    return (
        TaxContext(
            filing_status=household.filing_status,
            realized_st_gains=realized.get("st_gains") or ZERO,
            realized_st_losses=realized.get("st_losses") or ZERO,
            realized_lt_gains=realized.get("lt_gains") or ZERO,
            realized_lt_losses=realized.get("lt_losses") or ZERO,
            outside_st_gains=profile.outside_st_gains if profile else ZERO,
            outside_lt_gains=profile.outside_lt_gains if profile else ZERO,
            carryforward_st=profile.carryforward_st if profile else ZERO,
            carryforward_lt=profile.carryforward_lt if profile else ZERO,
            ordinary_rate=ordinary,
            st_rate=st,
            lt_rate=lt,
        ),
        source,
    )


def realized_so_far(household_ids: Sequence[int], as_of: date) -> dict[int, dict[str, Decimal]]:
    """Gross ST/LT gains and losses realized in the as-of year up to as_of (positive)."""
    rows = (
        RealizedSale.objects.filter(
            household_id__in=household_ids, date_sold__year=as_of.year, date_sold__lte=as_of
        )
        .values("household_id")
        .annotate(
            st_gains=Sum("gain_loss", filter=Q(term="short", gain_loss__gt=0)),
            st_losses=Sum("gain_loss", filter=Q(term="short", gain_loss__lt=0)),
            lt_gains=Sum("gain_loss", filter=Q(term="long", gain_loss__gt=0)),
            lt_losses=Sum("gain_loss", filter=Q(term="long", gain_loss__lt=0)),
        )
    )
    out: dict[int, dict[str, Decimal]] = {}
    for row in rows:
        out[row["household_id"]] = {
            "st_gains": row["st_gains"] or ZERO,
            "st_losses": -(row["st_losses"] or ZERO),
            "lt_gains": row["lt_gains"] or ZERO,
            "lt_losses": -(row["lt_losses"] or ZERO),
        }
    return out


# --- the lots a harvest can use ----------------------------------------------------------
#
# A scan reads only the lots the engine can use (`snapshots_for(harvest_only=True)`):
#
# 1. every lot bought on or after the first day of the wash-sale look-back, in any account
#    (the guard's C1–C3 "still held" test, and the lot choice that sells recent lots
#    along, R2.5);
# 2. every lot of an eligible account without an as-of close (reported, not evaluated);
# 3. the lots at a loss on the as-of close of an eligible position whose lots at a loss
#    pass the household's thresholds (`candidates.passes_thresholds`): a candidate's loss
#    lots.
#
# Any other lot is never sold by a harvest and cannot absorb a wash sale, so leaving it out
# changes no plan (tests/harvesting/test_scan_lots.py compares plans on the full and the
# reduced lot sets). Most lots of a large book are at a gain or in retirement accounts,
# and reading them was most of a scan's cost (issue 3's benchmark): on PostgreSQL rules
# 1–2 and "at a loss" run in the database with exact numerics, in one pass over the
# chunk's lots; the thresholds of rule 3 then run here, with the engine's own function.

_HARVEST_LOTS_SQL = """
    SELECT l.household_id, l.account_id, l.security_id, l.quantity, l.cost_basis,
           l.acquired, l.purchase_date, l.purchase_seq, l.wash_adjustment
    FROM portfolios_lot l
    JOIN unnest(%(securities)s::bigint[], %(closes)s::numeric[]) AS c(security_id, close)
      ON c.security_id = l.security_id
    WHERE l.household_id = ANY(%(households)s)
      AND (l.purchase_date >= %(recent_from)s
           OR (l.account_id = ANY(%(eligible)s)
               AND (c.close IS NULL OR l.cost_basis > l.quantity * c.close)))
    ORDER BY l.id
"""

_LOT_FIELDS = ("household_id", "account_id", "security_id", "quantity", "cost_basis",
               "acquired", "purchase_date", "purchase_seq", "wash_adjustment")


def _harvest_lot_rows(ids: Sequence[int], context: ScanContext, eligible: set[int],
                      policy_of: Mapping[int, Policy]) -> list[tuple]:
    """The rows (in `_LOT_FIELDS` order) of the lots a harvest can use (rules above)."""
    recent_from = context.as_of - timedelta(days=WASH_WINDOW_DAYS)
    closes = {context.security_ids[s]: c for s, c in context.prices.items()
              if s in context.security_ids}
    if connection.vendor == "postgresql":
        securities = list(context.security_ids.values())
        with connection.cursor() as cursor:
            cursor.execute(_HARVEST_LOTS_SQL, {
                "securities": securities, "closes": [closes.get(i) for i in securities],
                "households": list(ids), "eligible": sorted(eligible),
                "recent_from": recent_from,
            })
            rows = cursor.fetchall()
    else:
        rows = list(
            Lot.objects.filter(household_id__in=ids).order_by("id").values_list(*_LOT_FIELDS)
        )

    # One pass: classify each row (kept outright, or a loss lot of an eligible position)
    # and add up the positions' losses; then keep the loss lots of passing positions.
    KEEP, LOSS, DROP = 0, 1, 2
    kinds: list[int] = []
    loss: dict[tuple[int, int, int], Decimal] = defaultdict(lambda: ZERO)
    basis: dict[tuple[int, int, int], Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        hid, aid, sid, qty, cost = row[:5]
        kind = KEEP if row[6] >= recent_from else DROP  # rule 1
        if aid in eligible:
            close = closes.get(sid)
            if close is None:
                kind = KEEP  # rule 2
            elif cost > qty * close:
                loss[(hid, aid, sid)] += cost - qty * close
                basis[(hid, aid, sid)] += cost
                if kind == DROP:
                    kind = LOSS
        kinds.append(kind)
    passing = {key for key in loss if passes_thresholds(loss[key], basis[key], policy_of[key[0]])}
    return [
        row for row, kind in zip(rows, kinds, strict=True)
        if kind == KEEP or (kind == LOSS and row[:3] in passing)  # rule 3
    ]


def snapshots_for(
    households: Sequence[Household],
    context: ScanContext,
    *,
    exclude_proposal_ids: Sequence[int] = (),
    harvest_only: bool = False,
) -> dict[int, tuple[HouseholdSnapshot, Policy, str]]:
    """{household id: (snapshot, policy, rate source)} with a fixed number of queries.

    `harvest_only` keeps only the lots the harvest engine can use (see above); the
    planning tools, which may sell any lot, read them all.
    """
    ids = [h.id for h in households]
    as_of = context.as_of
    policies = {
        p.household_id: p for p in HarvestPolicy.objects.filter(household_id__in=ids)
    }
    policy_of = {
        h.id: policy_values(policies.get(h.id) or context.firm_policy) for h in households
    }
    accounts: dict[int, list[AccountRef]] = defaultdict(list)
    codes: dict[int, str] = {}
    eligible: set[int] = set()
    for aid, hid, code, owner, type_, method in Account.objects.filter(
        household_id__in=ids
    ).values_list("id", "household_id", "code", "owner", "type", "lot_method"):
        ref = AccountRef(code, owner, type_, method)
        accounts[hid].append(ref)
        codes[aid] = code
        if ref.is_taxable or not policy_of[hid].taxable_only:
            eligible.add(aid)

    symbols = {sid: symbol for symbol, sid in context.security_ids.items()}
    lots: dict[int, list[OpenLot]] = defaultdict(list)
    rows = (
        _harvest_lot_rows(ids, context, eligible, policy_of) if harvest_only
        else Lot.objects.filter(household_id__in=ids).order_by("id").values_list(*_LOT_FIELDS)
    )
    for hid, aid, sid, qty, basis, acquired, pdate, pseq, wash in rows:
        lots[hid].append(OpenLot(codes[aid], symbols[sid], qty, basis, acquired, pdate, pseq, wash))

    recent: dict[int, list[Txn]] = defaultdict(list)
    window = (as_of - timedelta(days=30), as_of + timedelta(days=30))
    for row in Transaction.objects.filter(
        household_id__in=ids, action__in=("BUY", "REINVEST"), date__range=window
    ).values_list(
        "household_id", "seq", "date", "account__code", "action", "security__symbol",
        "quantity", "price",
    ).order_by("household_id", "seq"):
        hid, seq, day, code, action, symbol, qty, price = row
        recent[hid].append(Txn(seq, day, code, action, symbol, qty, price or ZERO))

    schedules: dict[int, list[ScheduledPurchase]] = defaultdict(list)
    for hid, code, symbol, kind, next_date, every in ScheduleRow.objects.filter(
        household_id__in=ids
    ).values_list("household_id", "account__code", "security__symbol", "kind", "next_date",
                  "every_days"):
        schedules[hid].append(ScheduledPurchase(code, symbol, kind, next_date, every))

    restrictions: dict[int, list[Restriction]] = defaultdict(list)
    for hid, symbol, until, reason in RestrictionRow.objects.filter(
        household_id__in=ids, starts__lte=as_of, until__gte=as_of
    ).values_list("household_id", "symbol", "until", "reason"):
        restrictions[hid].append(Restriction(symbol, until, reason))

    # The open proposals first (their (status, household) index), then their legs by
    # proposal id: joined in one query, the planner may scan every leg ever written, a
    # table that grows by a night's legs every night (issue 3's benchmark found it).
    open_ids = list(
        Proposal.objects.filter(household_id__in=ids, status__in=Proposal.OPEN)
        .exclude(id__in=exclude_proposal_ids)
        .values_list("id", flat=True)
    )
    open_positions: dict[int, list[OpenPosition]] = defaultdict(list)
    for hid, pid, p_as_of, code, symbol, buy in (
        ProposalLeg.objects.filter(proposal_id__in=open_ids, excluded=False)
        .values_list(
            "proposal__household_id", "proposal_id", "proposal__as_of", "account__code",
            "sell_security__symbol", "buy_security__symbol",
        )
    ):
        label = f"#{pid} of {p_as_of.isoformat()}"
        open_positions[hid].append(OpenPosition(code, symbol, label, buy or ""))

    profiles = {p.household_id: p for p in TaxProfile.objects.filter(household_id__in=ids)}
    realized = realized_so_far(ids, as_of)
    out = {}
    for household in households:
        tax, source = tax_context(household, profiles.get(household.id), realized.get(household.id, {}))
        snapshot = HouseholdSnapshot(
            as_of=as_of,
            accounts=tuple(accounts[household.id]),
            lots=tuple(lots[household.id]),
            prices=context.prices,
            recent_acquisitions=tuple(recent[household.id]),
            scheduled=tuple(schedules[household.id]),
            restrictions=tuple(restrictions[household.id]),
            open_positions=tuple(open_positions[household.id]),
            tax=tax,
            securities=context.securities,
            price_history=context.history,
            peer_rankings=context.peer_rankings,
        )
        out[household.id] = (snapshot, policy_of[household.id], source)
    return out
