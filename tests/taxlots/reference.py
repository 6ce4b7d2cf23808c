"""A deliberately naive model of the replay, for differential testing.

It follows TAX_RULES.md "Algorithm the acceptance tests assume" literally, with exact
`Fraction` arithmetic, one flat list of share segments and a full scan for everything
(O(n²), fine for a few dozen transactions). It shares no code with `replay.py` except
the holding-period formulas, so an indexing or bookkeeping slip in the fast replay shows
up as a difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from portfolios.taxlots.holding import broker_tacked_start, tacked_start, term
from portfolios.taxlots.values import AccountRef, Txn

FREE_LAST = 10**9  # the free (unused) part of a purchase sorts after its used parts (C7)


@dataclass
class Seg:
    acq: int  # seq of the BUY/REINVEST/TRANSFER_IN
    account: str
    symbol: str
    purchase_date: date
    key: int  # order within the purchase
    qty: Fraction
    per_share: Fraction
    start: date
    bstart: date
    used: bool = False
    sold: bool = False


@dataclass
class RefSale:
    account: str
    symbol: str
    sale_seq: int
    purchase_seq: int
    date_acquired: date
    qty: Fraction
    proceeds: Fraction
    basis: Fraction
    adjustment: Fraction
    term: str
    broker_term: str
    matches: list[tuple[int, Fraction, Fraction, bool]] = field(default_factory=list)


def reference_replay(accounts: list[AccountRef], txns: list[Txn], groups) -> tuple[list, list]:
    kind = {a.id: a for a in accounts}
    group_of: dict[str, str] = {}
    for g in groups:
        for s in g:
            group_of[s] = min(g)
    acquisitions = [t for t in txns if t.action in ("BUY", "REINVEST")]
    segs: list[Seg] = []
    counters: dict[int, int] = {}
    held: set[int] = set()
    for t in acquisitions:  # every acquisition is known from the start (look-ahead)
        q = Fraction(t.quantity)
        segs.append(Seg(t.seq, t.account, t.symbol, t.date, FREE_LAST, q,
                        (q * Fraction(t.price) + Fraction(t.fees)) / q, t.date, t.date))
        counters[t.seq] = 0
    sales: list[RefSale] = []

    def open_segs(account, symbol):
        return [s for s in segs if s.account == account and s.symbol == symbol
                and not s.sold and s.acq in held and s.qty > 0]

    def fifo(s):
        return (s.purchase_date, s.acq, s.key)

    for t in txns:
        if t.action == "TRANSFER_IN":
            q = Fraction(t.quantity)
            segs.append(Seg(t.seq, t.account, t.symbol, t.acquired, FREE_LAST, q,
                            Fraction(t.cost_basis) / q, t.acquired, t.acquired))
            held.add(t.seq)
            continue
        if t.action != "SELL":
            held.add(t.seq)
            continue
        acct = kind[t.account]
        mine = open_segs(t.account, t.symbol)
        if t.lot is not None:
            order = sorted((s for s in mine if s.purchase_date == t.lot), key=fifo)
        elif acct.lot_method == "hifo":
            order = sorted(mine, key=lambda s: (-s.per_share, *fifo(s)))
        else:
            order = sorted(mine, key=fifo)
        need = Fraction(t.quantity)
        removed: list[Seg] = []
        for s in order:
            if need == 0:
                break
            take = min(s.qty, need)
            part = Seg(s.acq, s.account, s.symbol, s.purchase_date, s.key, take,
                       s.per_share, s.start, s.bstart, s.used, sold=True)
            s.qty -= take
            segs.append(part)
            removed.append(part)
            need -= take
        assert need == 0, "the reference is only fed valid sells"
        total = Fraction(t.quantity)
        for part in removed:
            proceeds = part.qty * Fraction(t.price) - Fraction(t.fees) * part.qty / total
            basis = part.qty * part.per_share
            sale = RefSale(t.account, t.symbol, t.seq, part.acq, part.start, part.qty,
                           proceeds, basis, Fraction(0), term(part.start, t.date),
                           term(part.bstart, t.date))
            sales.append(sale)
            if acct.type != "taxable" or basis <= proceeds:
                continue
            loss = basis - proceeds
            left = part.qty
            lo, hi = t.date - timedelta(days=30), t.date + timedelta(days=30)
            candidates = sorted(
                (a for a in acquisitions
                 if group_of.get(a.symbol, a.symbol) == group_of.get(t.symbol, t.symbol)
                 and lo <= a.date <= hi and a.seq != part.acq),
                key=lambda a: (a.date, a.seq),
            )
            for a in candidates:
                if left == 0:
                    break
                for free in [s for s in segs if s.acq == a.seq and not s.used and not s.sold
                             and s.qty > 0]:
                    m = min(free.qty, left)
                    if m == 0:
                        continue
                    left -= m
                    disallowed = loss * m / part.qty
                    taxable = kind[a.account].type == "taxable"
                    used = Seg(a.seq, a.account, a.symbol, a.date, counters[a.seq], m,
                               free.per_share, a.date, a.date, used=True)
                    counters[a.seq] += 1
                    if taxable:
                        used.per_share += disallowed / m
                        used.start = tacked_start(sold_start=part.start, sale_date=t.date,
                                                  replacement_date=a.date)
                        used.bstart = broker_tacked_start(
                            sold_start=part.bstart, sale_date=t.date, replacement_date=a.date)
                    free.qty -= m
                    segs.append(used)
                    sale.adjustment += disallowed
                    sale.matches.append((a.seq, m, disallowed, taxable))

    lots = []
    for s in sorted((s for s in segs if s.acq in held and not s.sold and s.qty > 0),
                    key=lambda s: (s.account, s.symbol, *fifo(s))):
        same = [x for x in lots if (x["account"], x["symbol"], x["purchase_seq"], x["start"],
                                     x["per_share"]) ==
                (s.account, s.symbol, s.acq, s.start, s.per_share)]
        if same:
            same[0]["qty"] += s.qty
            same[0]["basis"] += s.qty * s.per_share
            continue
        lots.append({"account": s.account, "symbol": s.symbol, "purchase_seq": s.acq,
                     "start": s.start, "per_share": s.per_share, "qty": s.qty,
                     "basis": s.qty * s.per_share})
    return sales, lots
