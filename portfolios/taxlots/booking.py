"""Lot relief: which open lots a SELL closes (TAX_RULES.md R3.6, R3.7).

Rules:

* R3.7 — a SELL naming `lot` (an acquisition date) closes the lots acquired that day
  (specific identification, Reg. §1.1012-1(c)); several lots that day close first-in
  first-out. Without `lot` the account's `lot_method` decides; a `specific` account SELL
  that names no lot falls back to FIFO.
* C8 — FIFO follows the original purchase order, **not** the tacked holding-period date.
* C7 — when part of a purchase became a wash-sale replacement, that part counts as the
  *first* shares of the purchase.
* HIFO — highest per-share adjusted basis first; ties by purchase order.

One function per method, chosen from one table (`BOOKING_METHODS`, the beancount
`booking_method` idea): the methods differ only in the order they walk the lots, and each
greedily takes from the front. Booking never changes the lots; it returns the relief as
``((lot, quantity), ...)`` or a `BookingError` value naming the culprit field.

    >>> from portfolios.taxlots.values import OpenLot
    >>> lots = LotList([
    ...     OpenLot("A", "X", Decimal(10), Decimal(100), date(2025, 1, 6), date(2025, 1, 6), 0),
    ...     OpenLot("A", "X", Decimal(10), Decimal(150), date(2025, 2, 3), date(2025, 2, 3), 1),
    ... ])
    >>> [(lot.purchase_seq, q) for lot, q in book_fifo(lots, Decimal(12))]
    [(0, Decimal('10')), (1, Decimal('2'))]
    >>> [(lot.purchase_seq, q) for lot, q in book_hifo(lots, Decimal(12))]
    [(1, Decimal('10')), (0, Decimal('2'))]
    >>> book_specific(lots, Decimal(1), date(2025, 3, 1)).field
    'lot'

Any object with a `quantity` can be booked through a source that knows the three orders
(`LotSource`); `LotList` adapts a plain sequence of `OpenLot`-like values, and the replay
adapts its own indexed positions so a sale costs time in the lots it touches only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Protocol, TypeVar

from portfolios.taxlots.money import ZERO, fmt_qty
from portfolios.taxlots.values import FIFO, HIFO, SPECIFIC

__all__ = [
    "BOOKING_METHODS",
    "BookingError",
    "LotList",
    "LotSource",
    "book",
    "book_fifo",
    "book_hifo",
    "book_specific",
]


class _HasQuantity(Protocol):
    @property
    def quantity(self) -> Decimal: ...


L = TypeVar("L", bound=_HasQuantity)
L_co = TypeVar("L_co", bound=_HasQuantity, covariant=True)


class LotSource(Protocol[L_co]):
    """The open lots of one position (account × symbol), walkable in three orders."""

    def in_purchase_order(self) -> Iterable[L_co]:
        """C8 original purchase order; within a purchase the replacement part first (C7)."""
        ...

    def highest_basis_first(self) -> Iterable[L_co]:
        """Highest per-share adjusted basis first; ties in purchase order."""
        ...

    def acquired_on(self, day: date) -> Iterable[L_co]:
        """The lots whose purchase (acquisition) date is `day`, in purchase order."""
        ...


Relief = tuple[tuple[L, Decimal], ...]


@dataclass(frozen=True, slots=True)
class BookingError:
    """Why a SELL cannot be booked: `field` is the SELL's culprit field."""

    field: str
    message: str


def _take(lots: Iterable[L], quantity: Decimal) -> tuple[Relief, Decimal]:
    """Take `quantity` from the lots in the order given; return relief and shortfall."""
    relief: list[tuple[L, Decimal]] = []
    need = quantity
    if need <= 0:
        return (), need
    for lot in lots:
        have = lot.quantity
        if have <= 0:
            continue
        take = have if have < need else need
        relief.append((lot, take))
        need -= take
        if need <= 0:
            break  # pull no further lot: a lazy source (a heap) must not lose one
    return tuple(relief), need


def _position_short(quantity: Decimal, shortfall: Decimal) -> BookingError:
    have = quantity - shortfall
    return BookingError(
        "quantity",
        f"SELL of {fmt_qty(quantity)} exceeds the open position of {fmt_qty(have)} "
        "(short sales are not supported)",
    )


def book_fifo(
    lots: LotSource[L], quantity: Decimal, lot_date: date | None = None
) -> Relief | BookingError:
    """First-in first-out by original purchase order (R3.7, C8; C7 within a purchase)."""
    relief, short = _take(lots.in_purchase_order(), quantity)
    return _position_short(quantity, short) if short > 0 else relief


def book_hifo(
    lots: LotSource[L], quantity: Decimal, lot_date: date | None = None
) -> Relief | BookingError:
    """Highest per-share adjusted basis first; equal bases in purchase order."""
    relief, short = _take(lots.highest_basis_first(), quantity)
    return _position_short(quantity, short) if short > 0 else relief


def book_specific(
    lots: LotSource[L], quantity: Decimal, lot_date: date | None = None
) -> Relief | BookingError:
    """Specific identification by acquisition date (R3.7); several lots that day FIFO.

    No date named: FIFO (a `specific` account SELL without `lot`).
    """
    if lot_date is None:
        return book_fifo(lots, quantity)
    relief, short = _take(lots.acquired_on(lot_date), quantity)
    if not relief:
        return BookingError("lot", f"no open lot acquired on {lot_date.isoformat()}")
    if short > 0:
        return BookingError(
            "quantity",
            f"SELL of {fmt_qty(quantity)} exceeds the {fmt_qty(quantity - short)} shares "
            f"open in the lot(s) acquired on {lot_date.isoformat()}",
        )
    return relief


# method name → function(lots, quantity, lot_date) returning the relief or a BookingError
BookingMethod = Callable[..., "Relief | BookingError"]

BOOKING_METHODS: dict[str, BookingMethod] = {
    FIFO: book_fifo,
    HIFO: book_hifo,
    SPECIFIC: book_specific,
}


def book(
    lots: LotSource[L], quantity: Decimal, *, method: str, lot_date: date | None = None
) -> Relief | BookingError:
    """Book a SELL: a named `lot` is specific identification whatever the account's
    method (R3.7); otherwise the account's `method` from `BOOKING_METHODS`."""
    if quantity <= 0:
        return BookingError("quantity", f"quantity must be positive, got {quantity}")
    if lot_date is not None:
        return book_specific(lots, quantity, lot_date)
    booker = BOOKING_METHODS.get(method)
    if booker is None:
        return BookingError("lot_method", f"unknown lot method {method!r}")
    return booker(lots, quantity, None)


class _OpenLotLike(Protocol):
    @property
    def quantity(self) -> Decimal: ...
    @property
    def cost_basis(self) -> Decimal: ...
    @property
    def purchase_date(self) -> date: ...
    @property
    def purchase_seq(self) -> int: ...


T = TypeVar("T", bound=_OpenLotLike)


class LotList(Sequence[T]):
    """A `LotSource` over a plain sequence of `OpenLot`-like values of one position.

    The sequence order is the tie-break within a purchase (C7: `replay()` lists a
    purchase's replacement part first).
    """

    def __init__(self, lots: Iterable[T]) -> None:
        items = list(lots)
        order = sorted(range(len(items)), key=lambda i: (items[i].purchase_date,
                                                         items[i].purchase_seq, i))
        self._lots = [items[i] for i in order]

    def __len__(self) -> int:
        return len(self._lots)

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        return self._lots[i]

    def __iter__(self) -> Iterator[T]:
        return iter(self._lots)

    def in_purchase_order(self) -> Iterable[T]:
        return self._lots

    def highest_basis_first(self) -> Iterable[T]:
        # exact per-share basis; sorted() is stable, so equal bases keep purchase order
        return sorted(
            (lot for lot in self._lots if lot.quantity > ZERO),
            key=lambda lot: -Fraction(lot.cost_basis) / Fraction(lot.quantity),
        )

    def acquired_on(self, day: date) -> Iterable[T]:
        return [lot for lot in self._lots if lot.purchase_date == day]
