"""The values the pure tax core reads and returns: accounts, transactions, lots, sales.

Every value is a frozen dataclass holding `Decimal` and `datetime.date` only, so a replay
is a function of its inputs (DESIGN.md rule 1). Transactions are the truth; open lots
and sale pieces are what `replay()` projects from them (DESIGN.md rule 2).

    >>> acct = AccountRef(id="P-TAX", owner="primary", type="taxable")
    >>> acct.is_taxable
    True
    >>> Txn(seq=0, date=date(2025, 1, 6), account="P-TAX", action="BUY", symbol="X",
    ...     quantity=Decimal(100), price=Decimal(10)).is_acquisition
    True
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from portfolios.taxlots.money import ZERO

TAXABLE = "taxable"
TRADITIONAL_IRA = "traditional_ira"
ROTH_IRA = "roth_ira"
K401 = "401k"
ACCOUNT_TYPES = (TAXABLE, TRADITIONAL_IRA, ROTH_IRA, K401)
RETIREMENT_TYPES = frozenset({TRADITIONAL_IRA, ROTH_IRA, K401})  # R1.4, C5

PRIMARY = "primary"
SPOUSE = "spouse"
OWNERS = (PRIMARY, SPOUSE)

FIFO = "fifo"
HIFO = "hifo"
SPECIFIC = "specific"
LOT_METHODS = (FIFO, HIFO, SPECIFIC)

BUY = "BUY"
SELL = "SELL"
REINVEST = "REINVEST"
TRANSFER_IN = "TRANSFER_IN"
ACTIONS = (BUY, SELL, REINVEST, TRANSFER_IN)
ACQUISITIONS = frozenset({BUY, REINVEST})  # R1.2: purchases; TRANSFER_IN is not one

SHORT = "short"
LONG = "long"


@dataclass(frozen=True, slots=True)
class AccountRef:
    """An account as the tax core sees it: who owns it, what kind, how it sells."""

    id: str
    owner: str = PRIMARY
    type: str = TAXABLE
    lot_method: str = FIFO

    @property
    def is_taxable(self) -> bool:
        return self.type == TAXABLE

    @property
    def is_retirement(self) -> bool:
        return self.type in RETIREMENT_TYPES


@dataclass(frozen=True, slots=True)
class Txn:
    """One row of a household's transaction list.

    `seq` is its position in the household's list (0-based): same-date order is
    significant (FORMATS.md §1) and R2.2 orders same-date acquisitions by it.
    """

    seq: int
    date: date
    account: str
    action: str
    symbol: str
    quantity: Decimal
    price: Decimal = ZERO
    fees: Decimal = ZERO
    lot: _dt.date | None = None  # SELL: acquisition date of the lot to close (specific id)
    cost_basis: Decimal | None = None  # TRANSFER_IN: total carried-over basis
    acquired: _dt.date | None = None  # TRANSFER_IN: carried-over holding-period start

    @property
    def is_acquisition(self) -> bool:
        return self.action in ACQUISITIONS


@dataclass(frozen=True, slots=True)
class WashMatch:
    """Evidence that part of a loss was disallowed by one replacement acquisition."""

    replacement_account: str
    replacement_symbol: str
    replacement_date: date
    replacement_seq: int
    quantity: Decimal  # replacement shares used
    disallowed: Decimal  # loss disallowed by these shares (R2.3)
    basis_added: bool  # False when the replacement sits in a retirement account (R3.2)


@dataclass(frozen=True, slots=True)
class OpenLot:
    """A piece of an open position with its adjusted basis and holding-period start.

    `acquired` is the holding-period start after tacking (R4.3); `purchase_date` and
    `purchase_seq` identify the purchase it came from (FIFO order, C8; C1).
    """

    account: str
    symbol: str
    quantity: Decimal
    cost_basis: Decimal  # total adjusted basis of the piece
    acquired: date
    purchase_date: date
    purchase_seq: int
    wash_adjustment: Decimal = ZERO  # disallowed loss added to this piece's basis (R3.1)

    @property
    def per_share_basis(self) -> Decimal:
        return self.cost_basis / self.quantity


@dataclass(frozen=True, slots=True)
class SalePiece:
    """One (SELL × lot piece) disposal. In a taxable account it is one Form 8949 row.

    gain_loss = proceeds − cost_basis + adjustment_amount (Form 8949 column h).
    `broker_term` is the term under the pure tacking method brokers use (§10.1); it is
    shown beside the row when it differs from `term`.
    """

    account: str
    account_type: str
    symbol: str
    sale_seq: int
    date_acquired: date
    date_sold: date
    quantity: Decimal
    proceeds: Decimal
    cost_basis: Decimal
    adjustment_amount: Decimal
    term: str
    purchase_date: date
    purchase_seq: int
    matches: tuple[WashMatch, ...] = field(default=())
    broker_term: str | None = None

    @property
    def adjustment_code(self) -> str:
        return "W" if self.adjustment_amount > 0 or self.matches else ""

    @property
    def gain_loss(self) -> Decimal:
        return self.proceeds - self.cost_basis + self.adjustment_amount

    @property
    def is_reportable(self) -> bool:
        """Only sales in taxable accounts reach Form 8949 (R1.6)."""
        return self.account_type == TAXABLE


@dataclass(frozen=True, slots=True)
class ReplayError:
    """A transaction the replay could not apply: `seq` is its index, `field` the culprit."""

    seq: int
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class ReplayResult:
    open_lots: tuple[OpenLot, ...]
    sales: tuple[SalePiece, ...]
    errors: tuple[ReplayError, ...] = ()

    @property
    def form_8949(self) -> tuple[SalePiece, ...]:
        return tuple(s for s in self.sales if s.is_reportable)
