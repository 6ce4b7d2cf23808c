"""The values the harvest engine reads (policy, swap list, household snapshot) and returns.

Rule: every value is a frozen dataclass of `Decimal`, `datetime.date`, strings and tuples
(DESIGN.md rule 1); the engine reads a `HouseholdSnapshot` taken on its `as_of` date and
returns a `HarvestPlan`. Losses are positive amounts (FORMATS.md §6). A position that
passed the thresholds but is not harvested comes back as a `Skip` whose `reason` is one of
exactly five words (FORMATS.md §6) and whose `detail` names the account, security and date
that caused it.

Substantially identical symbols come from the swap list's identical groups (R1.5): a
symbol in no group is identical only to itself.

    >>> swaps = SwapList(identical_groups=(frozenset({"VOO", "IVV"}),),
    ...                  pairs=(SwapPair("VOO", "VTI", 1),))
    >>> swaps.is_identical("VOO", "IVV"), swaps.is_identical("VOO", "VTI")
    (True, False)
    >>> sorted(swaps.group_of("VTI"))
    ['VTI']
    >>> Policy().min_loss_dollars, Policy().min_loss_percent
    (Decimal('2500'), Decimal('0.05'))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from portfolios.taxlots.money import InputError
from portfolios.taxlots.values import AccountRef, OpenLot, Txn

WASH_WINDOW_DAYS = 30  # R1.1: sale − 30 … sale + 30 inclusive; day ±31 is outside

# Skip reasons (FORMATS.md §6) — exactly these words.
WASH_SALE_LOOKBACK = "wash_sale_lookback"
WASH_SALE_SCHEDULED = "wash_sale_scheduled"
RESTRICTED = "restricted"
NO_REPLACEMENT = "no_replacement"
IN_OPEN_PROPOSAL = "in_open_proposal"
SKIP_REASONS = (
    WASH_SALE_LOOKBACK,
    WASH_SALE_SCHEDULED,
    RESTRICTED,
    NO_REPLACEMENT,
    IN_OPEN_PROPOSAL,
)

# Replacement risk grades: "high" when the replacement could be argued substantially
# identical (e.g. it tracks the same index, FORMATS.md §3b), else "low".
HIGH_RISK = "high"
LOW_RISK = "low"
RISKS = (HIGH_RISK, LOW_RISK)

# Scheduled purchase kinds (FORMATS.md §1).
DIVIDEND_REINVESTMENT = "dividend_reinvestment"
RECURRING = "recurring"


def _decimal(value: object, name: str) -> Decimal:
    """Decimal or int only: a binary float must never reach the engine (FORMATS.md)."""
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise InputError(name, f"expected a Decimal, got {value!r}")


@dataclass(frozen=True, slots=True)
class Policy:
    """How a household harvests.

    A position passes when its loss is at least `min_loss_dollars` and (or, when
    `require_both` is False) at least `min_loss_percent` of the basis of its lots at a loss.
    `excluded_symbols` are never sold or bought. Replacement quantity = proceeds /
    replacement price rounded DOWN to `buy_increment` (385000 / 291.33 → 1321.5).
    A pending proposal is stale when a price moved more than `stale_price_tolerance`
    (a fraction: 0.03 = 3%) or it is more than `max_age_days` old.
    """

    min_loss_dollars: Decimal = Decimal(2500)
    min_loss_percent: Decimal = Decimal("0.05")
    require_both: bool = True
    taxable_only: bool = True
    excluded_symbols: frozenset[str] = frozenset()
    swap_back: bool = False
    stale_price_tolerance: Decimal = Decimal("0.03")
    max_age_days: int = 5
    buy_increment: Decimal = Decimal("0.1")

    def __post_init__(self) -> None:
        for name in ("min_loss_dollars", "min_loss_percent", "stale_price_tolerance",
                     "buy_increment"):
            value = _decimal(getattr(self, name), name)
            if value < 0:
                raise InputError(name, f"must not be negative, got {value}")
            object.__setattr__(self, name, value)
        if self.buy_increment <= 0:
            raise InputError("buy_increment", "must be positive")
        if self.max_age_days < 0:
            raise InputError("max_age_days", "must not be negative")
        object.__setattr__(self, "excluded_symbols", frozenset(self.excluded_symbols))


@dataclass(frozen=True, slots=True)
class SwapPair:
    """A ranked replacement candidate `from_symbol → to_symbol` (FORMATS.md §2)."""

    from_symbol: str
    to_symbol: str
    rank: int = 1
    risk: str = LOW_RISK

    def __post_init__(self) -> None:
        if self.risk not in RISKS:
            raise InputError("risk", f"must be one of {RISKS}, got {self.risk!r}")


@dataclass(frozen=True, slots=True)
class SwapList:
    """Identical groups (R1.5) and ranked swap pairs; firm-wide (FORMATS.md §2).

    A symbol belongs to at most one group. Pairs whose sides are identical are kept here
    but always refused by `replacements` (FORMATS.md §2).
    """

    identical_groups: tuple[frozenset[str], ...] = ()
    pairs: tuple[SwapPair, ...] = ()
    _index: Mapping[str, frozenset[str]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        groups = tuple(frozenset(g) for g in self.identical_groups)
        index: dict[str, frozenset[str]] = {}
        for group in groups:
            for symbol in group:
                if symbol in index:
                    raise InputError(
                        "identical_groups", f"{symbol} is in more than one identical group"
                    )
                index[symbol] = group
        object.__setattr__(self, "identical_groups", groups)
        object.__setattr__(self, "pairs", tuple(self.pairs))
        object.__setattr__(self, "_index", index)

    def group_of(self, symbol: str) -> frozenset[str]:
        """The symbols substantially identical to `symbol`, itself included."""
        return self._index.get(symbol, frozenset({symbol}))

    def is_identical(self, a: str, b: str) -> bool:
        return b in self.group_of(a)

    def pairs_from(self, symbol: str) -> tuple[SwapPair, ...]:
        """`symbol`'s own pairs, lowest rank first (ties by target symbol)."""
        return tuple(
            sorted(
                (p for p in self.pairs if p.from_symbol == symbol),
                key=lambda p: (p.rank, p.to_symbol),
            )
        )


@dataclass(frozen=True, slots=True)
class SecurityInfo:
    """Classification used to pick direct-index replacements (FORMATS.md §3b)."""

    symbol: str
    asset_class: str = ""
    sector: str = ""
    sub_industry: str = ""
    tracked_index: str = ""


@dataclass(frozen=True, slots=True)
class ScheduledPurchase:
    """A purchase known to be coming (FORMATS.md §1): on `next_date`, then every
    `every_days` days when given."""

    account: str
    symbol: str
    kind: str
    next_date: date
    every_days: int | None = None

    def occurrences(self, start: date, end: date) -> tuple[date, ...]:
        """The dates of this purchase falling in `start … end` inclusive.

        >>> ScheduledPurchase("P-TAX", "VOO", "recurring", date(2026, 9, 1), 14
        ...                   ).occurrences(date(2026, 9, 10), date(2026, 10, 1))
        (datetime.date(2026, 9, 15), datetime.date(2026, 9, 29))
        """
        if not self.every_days or self.every_days <= 0:
            return (self.next_date,) if start <= self.next_date <= end else ()
        step = timedelta(days=self.every_days)
        day = self.next_date
        if day < start:
            day += step * -(-(start - day).days // self.every_days)  # first one >= start
        found = []
        while day <= end:
            found.append(day)
            day += step
        return tuple(found)


@dataclass(frozen=True, slots=True)
class Restriction:
    """`symbol` (and what is identical to it) may not be bought or sold in any household
    account until `until`, inclusive — e.g. harvested recently, or a do-not-trade entry."""

    symbol: str
    until: date
    reason: str = ""

    def active_on(self, day: date) -> bool:
        return day <= self.until


@dataclass(frozen=True, slots=True)
class OpenPosition:
    """A position (account, symbol) sold by a pending or approved proposal.

    `proposal` (optional) names the proposal for the skip detail; `buy_symbol` (optional)
    is that leg's planned replacement purchase, which the guard treats as a coming
    purchase (R1.1: a purchase after the sale washes it too).
    """

    account: str
    symbol: str
    proposal: str = ""
    buy_symbol: str = ""


@dataclass(frozen=True, slots=True)
class TaxContext:
    """The household's year so far, for the estimate (FORMATS.md §6, R7.5 / C9).

    `realized_*` are YTD results in the managed accounts as positive amounts;
    `outside_*_gains` are gains realized elsewhere (negative = losses); carryforwards are
    positive. `taxable_income` (optional) is the worksheet's L1 (R7.4).
    """

    filing_status: str
    realized_st_gains: Decimal
    realized_st_losses: Decimal
    realized_lt_gains: Decimal
    realized_lt_losses: Decimal
    outside_st_gains: Decimal
    outside_lt_gains: Decimal
    carryforward_st: Decimal
    carryforward_lt: Decimal
    ordinary_rate: Decimal
    st_rate: Decimal
    lt_rate: Decimal
    taxable_income: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HouseholdSnapshot:
    """Everything the engine knows about one household on `as_of`.

    * `lots`: every open lot in **every** household account (the replay's open lots): the
      guard reads them to see which shares of a recent purchase are still held (C3).
    * `prices`: the as-of close per symbol; a position without one is not evaluated.
    * `recent_acquisitions`: every BUY/REINVEST in any household account dated
      as_of − 30 … as_of. Known purchases dated after as_of (a re-run of a past date) may be
      included: they count as coming purchases.
    * `restrictions`: those in force; one whose `until` is before `as_of` is ignored.
    * `securities` / `price_history` (optional): classification and daily closes for
      direct-index replacements.
    """

    as_of: date
    accounts: tuple[AccountRef, ...]
    lots: tuple[OpenLot, ...]
    prices: Mapping[str, Decimal]
    recent_acquisitions: tuple[Txn, ...] = ()
    scheduled: tuple[ScheduledPurchase, ...] = ()
    restrictions: tuple[Restriction, ...] = ()
    open_positions: tuple[OpenPosition, ...] = ()
    tax: TaxContext
    securities: Mapping[str, SecurityInfo] = field(default_factory=dict)
    price_history: Mapping[str, Sequence[tuple[date, Decimal]]] = field(default_factory=dict)
    # A memo of peer rankings (market data only), shareable by the snapshots of one date.
    peer_rankings: dict = field(default_factory=dict, compare=False, repr=False)
    # This snapshot's own memo (derived from its lots; never shared).
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def account(self, account_id: str) -> AccountRef | None:
        for acct in self.accounts:
            if acct.id == account_id:
                return acct
        return None


@dataclass(frozen=True, slots=True)
class LotSale:
    """One lot a leg sells. `loss` is positive for a loss, negative for a gain (a recent lot
    sold along to absorb a wash-sale conflict); `term` is the lot's term on as_of."""

    acquired: date
    purchase_date: date
    quantity: Decimal
    cost_basis: Decimal
    loss: Decimal
    term: str = ""


@dataclass(frozen=True, slots=True)
class HarvestLeg:
    """Sell `sell_quantity` of `sell_symbol` in `account` (the `lots`), buy the replacement.

    `loss_st` / `loss_lt` are the leg's net losses by term (negative only when a lot sold
    along at a gain outweighs the losses of that term). `evidence` lists every window the
    guard checked and what it found, and every replacement considered (DESIGN.md rule 7).
    """

    account: str
    sell_symbol: str
    sell_quantity: Decimal
    lots: tuple[LotSale, ...]
    price: Decimal
    buy_symbol: str
    buy_quantity: Decimal
    buy_price: Decimal
    loss_st: Decimal
    loss_lt: Decimal
    replacement_reason: str
    replacement_risk: str
    evidence: tuple[str, ...]

    @property
    def proceeds(self) -> Decimal:
        return self.sell_quantity * self.price

    @property
    def loss(self) -> Decimal:
        return self.loss_st + self.loss_lt


@dataclass(frozen=True, slots=True)
class Skip:
    """A position that passed the thresholds but is not harvested, and why."""

    account: str
    symbol: str
    reason: str
    detail: str

    def __post_init__(self) -> None:
        if self.reason not in SKIP_REASONS:
            raise InputError("reason", f"must be one of {SKIP_REASONS}, got {self.reason!r}")


@dataclass(frozen=True, slots=True)
class HarvestPlan:
    """One household's harvest on one date (FORMATS.md §6).

    `estimated_tax_savings` is the marginal saving this year (C9), unrounded;
    `assumptions` are the figures behind it; `warnings` note what could not be evaluated.
    """

    as_of: date
    legs: tuple[HarvestLeg, ...]
    skipped: tuple[Skip, ...]
    harvested_loss_st: Decimal
    harvested_loss_lt: Decimal
    estimated_tax_savings: Decimal
    assumptions: Mapping[str, Decimal | str]
    warnings: tuple[str, ...] = ()

    @property
    def harvested_loss(self) -> Decimal:
        return self.harvested_loss_st + self.harvested_loss_lt


def identical_label(symbols: Iterable[str]) -> str:
    """'IVV/VOO': a group written in a stable order for evidence strings."""
    return "/".join(sorted(symbols))

