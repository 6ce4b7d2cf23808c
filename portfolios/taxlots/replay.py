"""Replay a household's transactions into open lots and sale pieces, applying the wash-sale
rule across the whole household (TAX_RULES.md §1-§6, "Algorithm the acceptance tests
assume").

The rule, as implemented:

1. Transactions are walked in list order (date order; same-date order significant).
   Every valid BUY/REINVEST is an *acquisition* known from the start, so a loss sale sees
   the acquisitions of the next 30 days too (R1.1, R2.2). TRANSFER_IN creates a lot with
   its carried-over basis and start but is not an acquisition (R1.2).
2. A SELL is booked (booking.py: named `lot`, else the account's method; R3.7, C8, C7).
   All its pieces leave the position first, so shares sold in the same sale can never be
   replacements (C2, R2.5a).
3. In a taxable account each piece whose adjusted basis exceeds its net proceeds (R1.3) is
   matched, in removal order (R2.1), against the acquisitions of any substantially
   identical symbol (R1.5) in any household account (R1.4, spouse C10/C6, IRA/Roth,
   401(k) C5) dated sale−30 … sale+30 (R1.1), in (date, list position) order (R2.2),
   skipping the piece's own purchase (C1), shares already used as replacements (R2.4) and
   shares no longer held (C3). m matched shares of a q-share piece with loss L disallow
   L×m/q, computed cumulatively so the parts sum to L exactly (R2.3).
4. A taxable replacement gets the disallowed amount added to its basis (R3.1, C10) and the
   tacked start of R4.3 [C-HP]; a retirement replacement gets nothing (R3.2, C5, C6) but
   its shares are used up all the same (R2.4, R2.6: the row still carries W). The matched
   shares become their own piece, counted first in the purchase (C7), so one use per
   share and chains (R3.5) follow from the pieces.
5. Sales in retirement accounts produce pieces that are not reportable and wash nothing
   (R1.6). Every piece carries the R4.1 term and the broker's pure-tacking term (§10.1).

Worked example (WS-01, Pub. 550 Example 1)::

    2025-01-06 P-TAX BUY  X 100 @ 10.00
    2025-03-10 P-TAX SELL X 100 @ 7.50     → row: basis 1000, proceeds 750, W 250, short
    2025-03-25 P-TAX BUY  X 100 @ 8.00     → open lot 100, basis 1050, acquired 2025-01-21

The 03-25 purchase is 15 days after the sale, so it replaces all 100 shares; the start is
01-21 = 03-25 − (03-10 − 01-06) days (R4.3: bought after the sale).

    >>> from portfolios.taxlots.values import AccountRef, Txn
    >>> d, q = date.fromisoformat, Decimal
    >>> result = replay([AccountRef("P-TAX")], [
    ...     Txn(0, d("2025-01-06"), "P-TAX", "BUY", "X", q(100), q("10.00")),
    ...     Txn(1, d("2025-03-10"), "P-TAX", "SELL", "X", q(100), q("7.50")),
    ...     Txn(2, d("2025-03-25"), "P-TAX", "BUY", "X", q(100), q("8.00")),
    ... ])
    >>> row, = result.form_8949
    >>> row.adjustment_code, row.adjustment_amount, row.gain_loss, row.term
    ('W', Decimal('250.00'), Decimal('0.00'), 'short')
    >>> lot, = result.open_lots
    >>> lot.quantity, lot.cost_basis, lot.acquired
    (Decimal('100'), Decimal('1050.00'), datetime.date(2025, 1, 21))

Exactness: quantities and prices are multiplied and added exactly. Amounts spread over
shares (purchase fees, a transfer's total basis, a disallowed loss, SELL fees) are
allocated *cumulatively*: the part for shares [a, b) of a whole of n shares is
``F(b) − F(a)`` with ``F(x) = total·x/n`` quantized to 1e-12 (``F(n) = total``), so any
split of a lot sums exactly to the whole and nothing is created or lost. Decisions never
depend on that 1e-12 grid: each piece also carries its exact per-share adjusted basis as a
`Fraction`, which decides gain or loss (R1.3), orders HIFO and tells which pieces of a
purchase agree on per-share basis (C7).

Errors are returned as `ReplayError(seq, field, message)` values; the offending
transaction is skipped and the replay continues.

Cost: acquisitions are indexed per identical group by date (bisect for the window) and a
union-find "next acquisition with free shares" pointer skips used-up ones, so each sale
costs O(log n + pieces touched); FIFO walks from a moving head and HIFO keeps a lazy heap.
"""

from __future__ import annotations

import gc
import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from itertools import count

from portfolios.taxlots.booking import BookingError, book
from portfolios.taxlots.holding import broker_tacked_start, tacked_start, term
from portfolios.taxlots.money import ZERO, fmt_qty
from portfolios.taxlots.values import (
    ACCOUNT_TYPES,
    ACQUISITIONS,
    ACTIONS,
    HIFO,
    LOT_METHODS,
    OWNERS,
    SELL,
    TAXABLE,
    TRANSFER_IN,
    AccountRef,
    OpenLot,
    ReplayError,
    ReplayResult,
    SalePiece,
    Txn,
    WashMatch,
)

__all__ = ["WINDOW_DAYS", "replay", "wash_window"]

WINDOW_DAYS = 30  # R1.1: sale − 30 … sale + 30 calendar days (trade dates), inclusive
_WINDOW = timedelta(days=WINDOW_DAYS)
_QUANTUM = Decimal("1e-12")  # grid of cumulative allocations (see module docstring)
_PRECISION = 60  # digits kept while replaying; products of inputs stay exact


def wash_window(sale_date: date) -> tuple[date, date]:
    """R1.1: the first and last trade dates (inclusive) of a sale's 61-day window.

    >>> wash_window(date(2026, 1, 30))
    (datetime.date(2025, 12, 31), datetime.date(2026, 3, 1))
    """
    return sale_date - _WINDOW, sale_date + _WINDOW


def _dec(value: Decimal | int | None) -> Decimal:
    """Decimal as is; an int (or a missing fee) made Decimal so no division yields a float."""
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(value)


def _alloc(total: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """F(part): the cumulative share of `total` for the first `part` of `whole` shares.

    Deterministic in its arguments, F(0) = 0 and F(whole) = total, so
    ``F(b) − F(a)`` over consecutive ranges telescopes to exactly `total` (R2.3, fees).
    """
    if part == whole:
        return total
    if not part or not total:
        return ZERO
    return (total * part / whole).quantize(_QUANTUM)


# --- internal mutable state (never leaves this module) -------------------------------


class _Acq:
    """A source of shares: one BUY/REINVEST (an acquisition) or one TRANSFER_IN.

    Its shares are numbered 0 … quantity; open pieces cover sub-ranges of them. `free`
    counts the shares still able to replace a loss: not yet used (R2.4) and not sold (C3).
    """

    __slots__ = (
        "seq", "date", "purchase_date", "account", "symbol", "quantity", "price", "lump",
        "taxable", "pieces", "free", "index", "ix", "position", "held", "base_rate",
    )

    def __init__(self, t: Txn, *, taxable: bool, transfer: bool) -> None:
        self.seq = t.seq
        self.date = t.date
        self.account = t.account
        self.symbol = t.symbol
        self.quantity: Decimal = _dec(t.quantity)
        self.taxable = taxable
        if transfer:  # carried-over basis spread over the shares; start = `acquired`
            self.purchase_date: date = t.acquired  # type: ignore[assignment]
            self.price: Decimal = ZERO
            self.lump: Decimal = _dec(t.cost_basis)
        else:  # R3.1: basis = price × quantity + fees
            self.purchase_date = t.date
            self.price = _dec(t.price)
            self.lump = _dec(t.fees)
        # exact per-share cost (R3.1), the HIFO / C7 key of the purchase's clean shares
        self.base_rate: Fraction = (
            Fraction(self.price) + Fraction(self.lump) / Fraction(self.quantity)
            if self.lump
            else Fraction(self.price)
        )
        self.free: Decimal = self.quantity
        self.index: _Index | None = None
        self.ix = -1
        self.position: _Position | None = None
        self.held = False
        start = self.purchase_date
        self.pieces: list[_Piece] = [
            _Piece(self, ZERO, self.quantity, start, start, self.base_rate)
        ]

    def range_basis(self, lo: Decimal, qty: Decimal) -> Decimal:
        """Plain cost of shares [lo, lo+qty): price × qty + the range's part of the lump."""
        whole = self.quantity
        lump = self.lump
        return qty * self.price + (_alloc(lump, lo + qty, whole) - _alloc(lump, lo, whole))


class _Piece:
    """Shares [lo, lo+quantity) of one `_Acq`, with one start date and one adjustment.

    `used`: these shares already replaced a loss (R2.4). `adj` is the disallowed loss
    added to shares [adj_lo, adj_lo+adj_qty) (R3.1), of which this piece is a sub-range.
    `ver` invalidates stale HIFO heap entries; −1 once closed.
    """

    __slots__ = (
        "acq", "lo", "quantity", "start", "broker_start", "rate", "used",
        "adj", "adj_lo", "adj_qty", "ver",
    )

    def __init__(
        self, acq: _Acq, lo: Decimal, quantity: Decimal, start: date, broker_start: date,
        rate: Fraction, used: bool = False, adj: Decimal = ZERO,
        adj_lo: Decimal = ZERO, adj_qty: Decimal = ZERO,
    ) -> None:
        self.acq = acq
        self.lo = lo
        self.quantity = quantity
        self.start = start
        self.broker_start = broker_start
        self.rate = rate  # exact per-share adjusted basis: HIFO order and C7 merge key
        self.used = used
        self.adj = adj
        self.adj_lo = adj_lo
        self.adj_qty = adj_qty
        self.ver = 0

    def front(self, qty: Decimal) -> _Piece:
        """A copy of the first `qty` shares (the caller shrinks this piece)."""
        return _Piece(self.acq, self.lo, qty, self.start, self.broker_start, self.rate,
                      self.used, self.adj, self.adj_lo, self.adj_qty)

    def basis(self) -> Decimal:
        """Total adjusted basis: plain cost + this range's part of the adjustment."""
        basis = self.acq.range_basis(self.lo, self.quantity)
        if self.adj:
            off = self.lo - self.adj_lo
            basis += _alloc(self.adj, off + self.quantity, self.adj_qty) - _alloc(
                self.adj, off, self.adj_qty
            )
        return basis

    def adjustment(self) -> Decimal:
        if not self.adj:
            return ZERO
        off = self.lo - self.adj_lo
        return _alloc(self.adj, off + self.quantity, self.adj_qty) - _alloc(
            self.adj, off, self.adj_qty
        )


class _Index:
    """The acquisitions of one identical group (R1.5) in (date, list position) order.

    `parent` is a union-find "next acquisition with free shares" pointer: exhausted
    acquisitions are skipped in near-constant time, so a window costs O(log n) to find
    plus O(1) per replacement used.
    """

    __slots__ = ("acqs", "dates", "parent")

    def __init__(self) -> None:
        self.acqs: list[_Acq] = []
        self.dates: list[date] = []
        self.parent: list[int] = []

    def add(self, acq: _Acq) -> None:
        acq.index = self
        acq.ix = len(self.acqs)
        self.acqs.append(acq)
        self.dates.append(acq.date)
        self.parent.append(acq.ix)

    def seal(self) -> None:
        self.parent.append(len(self.acqs))  # sentinel

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def exhaust(self, i: int) -> None:
        self.parent[i] = i + 1


class _Position:
    """The open pieces of one (account, symbol), as a `booking.LotSource`."""

    __slots__ = ("acqs", "keys", "head", "by_date", "hifo", "heap", "open_qty")

    _tick = count()

    def __init__(self, hifo: bool) -> None:
        self.acqs: list[_Acq] = []  # held acquisitions in purchase order (C8)
        self.keys: list[tuple[date, int]] = []
        self.head = 0  # acqs before head are fully sold
        self.by_date: dict[date, list[_Acq]] = {}
        self.hifo = hifo
        self.heap: list[tuple[Fraction, date, int, Decimal, int, int, _Piece]] = []
        self.open_qty = ZERO

    def add(self, acq: _Acq) -> None:
        key = (acq.purchase_date, acq.seq)
        if not self.keys or key > self.keys[-1]:
            self.acqs.append(acq)
            self.keys.append(key)
        else:  # a TRANSFER_IN with an older `acquired` date slots in by that date
            i = bisect_left(self.keys, key)
            self.acqs.insert(i, acq)
            self.keys.insert(i, key)
            self.head = min(self.head, i)
        same_day = self.by_date.setdefault(acq.purchase_date, [])
        same_day.append(acq)
        if len(same_day) > 1 and same_day[-2].seq > acq.seq:
            same_day.sort(key=lambda a: a.seq)
        self.open_qty += acq.quantity
        if self.hifo:
            for piece in acq.pieces:
                self.push(piece)

    def push(self, piece: _Piece) -> None:
        acq = piece.acq
        heapq.heappush(
            self.heap,
            (-piece.rate, acq.purchase_date, acq.seq, piece.lo, next(self._tick), piece.ver,
             piece),
        )

    # booking.LotSource ------------------------------------------------------------
    def in_purchase_order(self) -> Iterator[_Piece]:
        acqs = self.acqs
        i, n = self.head, len(acqs)
        while i < n and not acqs[i].pieces:
            i += 1
        self.head = i
        for j in range(i, n):
            yield from acqs[j].pieces

    def highest_basis_first(self) -> Iterator[_Piece]:
        if not self.hifo:  # not maintained: sort once (ties in purchase order)
            yield from sorted(self.in_purchase_order(), key=lambda p: -p.rate)
            return
        heap = self.heap
        while heap:
            entry = heapq.heappop(heap)
            piece = entry[-1]
            if entry[-2] == piece.ver:
                yield piece  # re-pushed by the replay if only partly sold

    def acquired_on(self, day: date) -> Iterator[_Piece]:
        for acq in self.by_date.get(day, ()):
            yield from acq.pieces


# --- the replay -----------------------------------------------------------------------


def _groups(identical_groups: Iterable[Iterable[str]]) -> dict[str, str]:
    """symbol → group representative (R1.5). Overlapping lists are merged (conservative)."""
    parent: dict[str, str] = {}

    def find(s: str) -> str:
        parent.setdefault(s, s)
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for group in identical_groups:
        members = list(group)
        for s in members:
            find(s)
        for s in members[1:]:
            a, b = find(members[0]), find(s)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {s: find(s) for s in list(parent)}


def _is_decimal(value: object) -> bool:
    return isinstance(value, Decimal | int) and not isinstance(value, bool)


class _Replay:
    def __init__(self, accounts: Sequence[AccountRef], identical_groups) -> None:
        self.errors: list[ReplayError] = []
        self.accounts: dict[str, AccountRef] = {}
        self.bad_accounts: dict[str, str] = {}
        for acct in accounts:
            problem = None
            if acct.id in self.accounts or acct.id in self.bad_accounts:
                problem = f"account id {acct.id!r} is listed twice"
            elif acct.type not in ACCOUNT_TYPES:
                problem = f"account {acct.id!r} has unknown type {acct.type!r}"
            elif acct.lot_method not in LOT_METHODS:
                problem = f"account {acct.id!r} has unknown lot method {acct.lot_method!r}"
            elif acct.owner not in OWNERS:
                problem = f"account {acct.id!r} has unknown owner {acct.owner!r}"
            if problem:
                self.errors.append(ReplayError(-1, "account", problem))
                self.bad_accounts[acct.id] = problem
            else:
                self.accounts[acct.id] = acct
        self.group_of = _groups(identical_groups)
        self.indexes: dict[str, _Index] = {}
        self.positions: dict[tuple[str, str], _Position] = {}
        self.sales: list[SalePiece] = []

    # -- validation (static: anything decidable without the running positions) -------
    def check(self, t: Txn, last: Txn | None) -> tuple[str, str] | None:
        if t.account not in self.accounts:
            why = self.bad_accounts.get(t.account)
            return "account", why or f"no account {t.account!r} in this household"
        if t.action not in ACTIONS:
            return "action", f"unknown action {t.action!r}"
        if not isinstance(t.symbol, str) or not t.symbol:
            return "symbol", "a symbol is required"
        if not isinstance(t.date, date):
            return "date", "a date is required"
        if last is not None:
            if t.date < last.date:
                return "date", (f"{t.date} comes after {last.date}: transactions must be "
                                "in date order")
            if t.seq <= last.seq:
                return "seq", f"seq {t.seq} does not follow {last.seq}"
        if not _is_decimal(t.quantity):
            return "quantity", f"expected a Decimal, got {type(t.quantity).__name__}"
        if t.quantity <= 0:
            return "quantity", f"quantity must be positive, got {t.quantity}"
        if t.action == TRANSFER_IN:
            if t.cost_basis is None or not _is_decimal(t.cost_basis):
                return "cost_basis", "a TRANSFER_IN needs its total cost_basis"
            if t.cost_basis < 0:
                return "cost_basis", f"cost_basis must not be negative, got {t.cost_basis}"
            if not isinstance(t.acquired, date):
                return "acquired", "a TRANSFER_IN needs its holding-period start `acquired`"
            if t.acquired > t.date:
                return "acquired", f"{t.acquired} is after the transfer date {t.date}"
            return None
        if not _is_decimal(t.price):
            return "price", f"expected a Decimal, got {type(t.price).__name__}"
        if t.price < 0:
            return "price", f"price must not be negative, got {t.price}"
        if t.fees is not None and (not _is_decimal(t.fees) or t.fees < 0):
            return "fees", f"fees must be a non-negative Decimal, got {t.fees!r}"
        if t.lot is not None and (t.action != SELL or not isinstance(t.lot, date)):
            return "lot", "only a SELL names a lot, by its acquisition date"
        return None

    def position(self, account: str, symbol: str) -> _Position:
        key = (account, symbol)
        pos = self.positions.get(key)
        if pos is None:
            pos = _Position(self.accounts[account].lot_method == HIFO)
            self.positions[key] = pos
        return pos

    # -- the walk ---------------------------------------------------------------------
    def run(self, transactions: Sequence[Txn]) -> ReplayResult:
        plan: list[tuple[Txn, _Acq | None]] = []
        last: Txn | None = None
        for t in transactions:
            problem = self.check(t, last)
            if problem:
                self.errors.append(ReplayError(t.seq, *problem))
                continue
            last = t
            if t.action == SELL:
                plan.append((t, None))
                continue
            taxable = self.accounts[t.account].type == TAXABLE
            acq = _Acq(t, taxable=taxable, transfer=t.action == TRANSFER_IN)
            acq.position = self.position(t.account, t.symbol)
            if t.action in ACQUISITIONS:  # R1.2: purchases only; transfers never replace
                group = self.group_of.get(t.symbol, t.symbol)
                index = self.indexes.get(group)
                if index is None:
                    index = self.indexes[group] = _Index()
                index.add(acq)
            plan.append((t, acq))
        for index in self.indexes.values():
            index.seal()

        for t, source in plan:
            if source is None:
                self.sell(t)
            else:
                source.held = True
                source.position.add(source)  # type: ignore[union-attr]

        self.errors.sort(key=lambda e: e.seq)
        return ReplayResult(
            open_lots=self.open_lots(), sales=tuple(self.sales), errors=tuple(self.errors)
        )

    def sell(self, t: Txn) -> None:
        account = self.accounts[t.account]
        pos = self.positions.get((t.account, t.symbol))
        have = pos.open_qty if pos is not None else ZERO
        if pos is None or t.quantity > have:  # §5 short sales: not in the format
            self.errors.append(ReplayError(
                t.seq, "quantity",
                f"SELL of {fmt_qty(t.quantity)} {t.symbol} exceeds the open position of "
                f"{fmt_qty(have)} in {t.account} (short sales are not supported)",
            ))
            return
        relief = book(pos, t.quantity, method=account.lot_method, lot_date=t.lot)
        if isinstance(relief, BookingError):
            self.errors.append(ReplayError(t.seq, relief.field, relief.message))
            return
        # C2 / C3: every piece of this sale leaves the position before any matching.
        removed = [self.remove(pos, piece, qty) for piece, qty in relief]

        taxable = account.type == TAXABLE
        price, fees, total = _dec(t.price), _dec(t.fees), _dec(t.quantity)
        # exact net proceeds per share: decides loss or gain (R1.3) free of allocation noise
        per_share = Fraction(price) - Fraction(fees) / Fraction(total) if fees else Fraction(price)
        sold_so_far = ZERO
        fee_before = ZERO
        for piece in removed:  # R2.1: losses in the order the pieces were removed
            qty = piece.quantity
            sold_so_far += qty
            fee_upto = _alloc(fees, sold_so_far, total)  # SELL fees pro rata, exact sum
            proceeds = qty * price - (fee_upto - fee_before)
            fee_before = fee_upto
            basis = piece.basis()
            matches: tuple[WashMatch, ...] = ()
            adjustment = ZERO
            if taxable and piece.rate > per_share:  # R1.3 / R1.6: only taxable losses wash
                loss = basis - proceeds if basis > proceeds else ZERO
                matches = self.wash(t, piece, loss, piece.rate - per_share)
                for m in matches:
                    adjustment += m.disallowed
            acq = piece.acq
            self.sales.append(SalePiece(
                account=t.account,
                account_type=account.type,
                symbol=t.symbol,
                sale_seq=t.seq,
                date_acquired=piece.start,
                date_sold=t.date,
                quantity=qty,
                proceeds=proceeds,
                cost_basis=basis,
                adjustment_amount=adjustment,
                term=term(piece.start, t.date),
                purchase_date=acq.purchase_date,
                purchase_seq=acq.seq,
                matches=matches,
                broker_term=term(piece.broker_start, t.date),
            ))

    def remove(self, pos: _Position, piece: _Piece, qty: Decimal) -> _Piece:
        """Take the first `qty` shares of `piece` out of the position; return them."""
        acq = piece.acq
        if qty == piece.quantity:
            acq.pieces.remove(piece)
            piece.ver = -1  # closed: drop its heap entries
            sold = piece
        else:
            sold = piece.front(qty)
            piece.lo += qty
            piece.quantity -= qty
            self.touch(piece)
        pos.open_qty -= qty
        if not sold.used:  # C3: sold shares can no longer replace a loss
            self.use_up(acq, qty)
        return sold

    def use_up(self, acq: _Acq, qty: Decimal) -> None:
        acq.free -= qty
        if acq.free == 0 and acq.index is not None:
            acq.index.exhaust(acq.ix)

    def touch(self, piece: _Piece) -> None:
        """A held piece changed its range or rate: refresh its HIFO heap entry."""
        acq = piece.acq
        pos = acq.position
        if acq.held and pos is not None and pos.hifo:
            piece.ver += 1
            pos.push(piece)

    def wash(self, t: Txn, sold: _Piece, loss: Decimal, loss_per_share: Fraction
             ) -> tuple[WashMatch, ...]:
        """Match a loss piece against replacement shares (R2.2-R2.5); disallow L×m/q."""
        index = self.indexes.get(self.group_of.get(t.symbol, t.symbol))
        if index is None:
            return ()
        first, last = wash_window(t.date)  # R1.1: ±30 days inclusive
        i = bisect_left(index.dates, first)
        end = bisect_right(index.dates, last)
        own = sold.acq
        q = sold.quantity
        need = q
        matched = ZERO
        disallowed_before = ZERO
        matches: list[WashMatch] = []
        i = index.find(i)
        while i < end and need > 0:  # R2.2: acquisition order, every household account
            rep = index.acqs[i]
            if rep is own:  # C1: the rest of the same purchase is not a replacement
                i = index.find(i + 1)
                continue
            m = rep.free if rep.free < need else need
            matched += m
            need -= m
            upto = _alloc(loss, matched, q)  # R2.3 cumulative: parts sum to L exactly
            disallowed = upto - disallowed_before
            disallowed_before = upto
            self.replace(rep, m, disallowed, loss_per_share, sold, t.date)
            matches.append(WashMatch(
                replacement_account=rep.account,
                replacement_symbol=rep.symbol,
                replacement_date=rep.date,
                replacement_seq=rep.seq,
                quantity=m,
                disallowed=disallowed,
                basis_added=rep.taxable,
            ))
            i = index.find(i)
        return tuple(matches)

    def replace(self, rep: _Acq, m: Decimal, disallowed: Decimal, loss_per_share: Fraction,
                sold: _Piece, sale_date: date) -> None:
        """Turn `m` free shares of `rep` into a replacement piece (R3.1-R3.3, R4.3, C7)."""
        # Free shares are always the purchase's last piece: used parts are split off its
        # front (C7: the replacement part counts first) and sales take from the front.
        free = rep.pieces[-1]
        assert not free.used and free.quantity >= m, "free shares are the last piece"
        if rep.taxable:  # R3.1 basis + R4.2/R4.3 tacking (own account or spouse's, C10)
            start = tacked_start(sold_start=sold.start, sale_date=sale_date,
                                 replacement_date=rep.date)
            broker = broker_tacked_start(sold_start=sold.broker_start, sale_date=sale_date,
                                         replacement_date=rep.date)
            adj = disallowed
            rate = rep.base_rate + loss_per_share
        else:  # R3.2 / C5 / C6: no basis increase, no tacking; the shares are used (R2.4)
            start = broker = rep.purchase_date
            adj = ZERO
            rate = rep.base_rate
        if m == free.quantity:
            piece = free
        else:
            piece = free.front(m)
            free.lo += m
            free.quantity -= m
            rep.pieces.insert(len(rep.pieces) - 1, piece)
            self.touch(free)
        piece.used = True
        piece.start = start
        piece.broker_start = broker
        piece.rate = rate
        piece.adj = adj
        piece.adj_lo = piece.lo
        piece.adj_qty = m
        self.touch(piece)
        self.use_up(rep, m)

    def open_lots(self) -> tuple[OpenLot, ...]:
        """C7: pieces of one purchase with equal start and per-share basis are one lot."""
        lots: list[OpenLot] = []
        for (account, symbol) in sorted(self.positions):
            pos = self.positions[(account, symbol)]
            for acq in pos.acqs[pos.head:]:
                merged: dict[tuple[date, Fraction], list[Decimal]] = {}
                for piece in acq.pieces:
                    acc = merged.setdefault((piece.start, piece.rate), [ZERO, ZERO, ZERO])
                    acc[0] += piece.quantity
                    acc[1] += piece.basis()
                    acc[2] += piece.adjustment()
                for (start, _rate), (qty, basis, adj) in merged.items():
                    lots.append(OpenLot(
                        account=account, symbol=symbol, quantity=qty, cost_basis=basis,
                        acquired=start, purchase_date=acq.purchase_date,
                        purchase_seq=acq.seq, wash_adjustment=adj,
                    ))
        return tuple(lots)


def replay(
    accounts: Sequence[AccountRef],
    transactions: Sequence[Txn],
    identical_groups: Iterable[Iterable[str]] = (),
) -> ReplayResult:
    """Replay a household's transactions (in list order) into open lots and sale pieces.

    `identical_groups` lists symbols treated as substantially identical (R1.5); a symbol
    in no group is identical only to itself. Problems come back in `errors`.
    """
    with localcontext() as ctx, _cyclic_gc_paused():  # a copy: keeps the caller's traps
        ctx.prec = _PRECISION
        ctx.rounding = ROUND_HALF_EVEN
        return _Replay(accounts, identical_groups).run(transactions)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while replaying.

    The replay allocates tens of thousands of objects that all live until it returns and
    makes no garbage cycles meanwhile, so the collector's full passes would only rescan
    them again and again (time growing faster than n log n). Memory is unaffected; the
    collector runs again as soon as the replay returns.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
