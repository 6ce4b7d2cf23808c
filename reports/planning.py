"""Planning tools: raise cash at the least tax, give appreciated shares, locate assets.

They read the harvest engine's `HouseholdSnapshot` (lots of every account, as-of closes,
purchases in the 61-day window, scheduled purchases, restrictions, open proposals and the
year's tax context) and return frozen values; nothing here writes.

Rules:

* **Tax of a sale this year** — the C9 model (TAX_RULES R7.5): `tax_with` of the year so
  far (realized results, results elsewhere, carryovers, rates: `netting_base`) with the
  sale's gains and losses added, minus the same without them. Negative = the sale saves
  tax. Terms are counted from each lot's holding-period start (R4.1, R4.2).
* **Which lots may be sold** (raise cash): taxable accounts only, lots with an as-of
  close; never a symbol restricted or on the policy's excluded list, nor anything
  identical to it (`guard.sale_restriction`), nor a position in an open proposal. A lot at
  a loss is never sold when the loss would be washed (R1.1, R1.4): a purchase of a
  substantially identical symbol (R1.5) in ANY household account in the 30 days before
  the sale — other than the lot's own purchase (C1) and shares no longer held (C3) — or
  a purchase to come in the 30 days after it (a scheduled purchase, a recorded later
  purchase, an open proposal's replacement buy). Lots at a gain never wash (R1.3).
* **Raise cash** — losses first, the largest loss per dollar raised first (short-term
  before long-term on a tie); then gains by the tax each dollar raised costs (gain per
  dollar × the term's rate), so long-term lots with the highest basis come first. The last
  lot is sold in part, rounded up to whole shares. FIFO (oldest purchase first) over the
  same eligible lots is shown beside it.
* **Charitable gift** — long-term lots at a gain in taxable accounts, ranked by unrealized
  gain per dollar of market value; the deduction is the market value (appreciated
  long-term shares given to a public charity, IRC §170(e); the AGI limits are not
  modelled); the tax avoided is what selling those lots this year would cost (C9) — the
  alternative of selling and giving the cash deducts the same amount.
* **Asset location** — a holding is tax-inefficient when its security says so
  (`tax_efficiency`), else when it is a bond or real-estate fund or yields 4% or more; it
  is efficient otherwise. Its yearly tax drag in a taxable account = value × dividend
  yield × rate: the ST (ordinary) rate for interest and REIT dividends, the LT rate for
  qualified dividends. Inefficient holdings in taxable accounts and efficient ones in IRAs
  are flagged; a move swaps them: the taxable account sells the inefficient holding (its
  tax this year shown) and buys the efficient one, the IRA does the opposite. A move never
  creates a wash sale: when the taxable sale realizes a loss, the IRA buys a swap-list
  substitute instead of the same fund (an IRA purchase would disallow the loss for good,
  R1.4 / R3.2), and nothing is bought that is identical to a symbol sold at a loss in the
  last 30 days, restricted, or excluded (`guard.replacement_problem`). 401(k) plans are
  left out of moves: their menu is fixed.

Worked example (raise cash): $10,000 from lots A (100 sh at $100, basis $12,000, long),
B (100 sh at $100, basis $2,000, long) and C (100 sh at $100, basis $9,000, short), no other
results this year, 37% / 40.8% / 23.8%: the choice sells A (a $2,000 loss: $740 saved
through the $3,000 deduction); FIFO, sorted by purchase, sells B for an $8,000 gain
($1,904 of tax).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_CEILING, Decimal

from harvesting.engine.guard import (
    lookahead_window,
    lookback_window,
    replacement_problem,
    sale_restriction,
)
from harvesting.engine.plan import netting_base
from harvesting.engine.values import (
    IN_OPEN_PROPOSAL,
    NO_REPLACEMENT,
    RESTRICTED,
    WASH_SALE_LOOKBACK,
    WASH_SALE_SCHEDULED,
    HouseholdSnapshot,
    Policy,
    SwapList,
    identical_label,
)
from portfolios.taxlots.holding import term as holding_term
from portfolios.taxlots.money import ZERO, fmt_money, fmt_qty
from portfolios.taxlots.netting import NettingInput, net_capital
from portfolios.taxlots.values import LONG, RETIREMENT_TYPES, SHORT, TAXABLE, OpenLot

NO_PRICE = "no_price"
HIGH_YIELD = Decimal("0.04")
K401 = "401k"


# --- lots, eligibility and the tax of a sale -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LotPick:
    """Part (or all) of one lot, valued at the as-of close."""

    account: str
    symbol: str
    purchase_date: date
    purchase_seq: int
    acquired: date
    term: str
    quantity: Decimal  # picked
    lot_quantity: Decimal
    price: Decimal
    cost_basis: Decimal  # of the picked quantity

    @property
    def proceeds(self) -> Decimal:
        return self.quantity * self.price

    @property
    def gain(self) -> Decimal:
        return self.proceeds - self.cost_basis

    @property
    def gain_per_dollar(self) -> Decimal:
        return self.gain / self.proceeds if self.proceeds else ZERO

    @property
    def partial(self) -> bool:
        return self.quantity < self.lot_quantity


@dataclass(frozen=True, slots=True)
class Excluded:
    """A lot the tool may not use, and why (the harvest engine's reason words)."""

    account: str
    symbol: str
    purchase_date: date
    quantity: Decimal
    reason: str
    detail: str


def _pick(lot: OpenLot, price: Decimal, as_of: date, quantity: Decimal | None = None) -> LotPick:
    q = lot.quantity if quantity is None else quantity
    basis = lot.cost_basis if q == lot.quantity else lot.cost_basis * q / lot.quantity
    return LotPick(lot.account, lot.symbol, lot.purchase_date, lot.purchase_seq, lot.acquired,
                   holding_term(lot.acquired, as_of), q, lot.quantity, price, basis)


def sale_tax(base: NettingInput, picks: Sequence[LotPick]) -> Decimal:
    """This year's tax of selling `picks` on top of `base` (C9); negative saves tax."""
    gains = {SHORT: ZERO, LONG: ZERO}
    losses = {SHORT: ZERO, LONG: ZERO}
    for p in picks:
        if p.gain >= 0:
            gains[p.term] += p.gain
        else:
            losses[p.term] -= p.gain
    after = replace(
        base,
        st_gains=base.st_gains + gains[SHORT], st_losses=base.st_losses + losses[SHORT],
        lt_gains=base.lt_gains + gains[LONG], lt_losses=base.lt_losses + losses[LONG],
    )
    return net_capital(after).tax_with - net_capital(base).tax_with


def _held(snapshot: HouseholdSnapshot) -> set[tuple[str, int]]:
    return {(lot.account, lot.purchase_seq) for lot in snapshot.lots if lot.quantity > 0}


def wash_conflict(
    lot: OpenLot, snapshot: HouseholdSnapshot, swap_list: SwapList
) -> tuple[str, str] | None:
    """(reason, detail) when selling `lot` at a loss on as_of would be washed, else None."""
    group = swap_list.group_of(lot.symbol)
    start, end = lookback_window(snapshot.as_of)
    held = _held(snapshot)
    for t in sorted(snapshot.recent_acquisitions, key=lambda t: (t.date, t.seq)):
        if not t.is_acquisition or t.symbol not in group or not start <= t.date <= end:
            continue
        if t.seq == lot.purchase_seq:  # the lot's own purchase (C1)
            continue
        if (t.account, t.seq) not in held:  # no longer held (C3)
            continue
        return WASH_SALE_LOOKBACK, (
            f"{t.account} bought {fmt_qty(t.quantity)} {t.symbol} on {t.date.isoformat()}, "
            f"within 30 days before a sale on {snapshot.as_of.isoformat()} (R1.1, R1.4)"
        )
    start, end = lookahead_window(snapshot.as_of)
    for plan in sorted(snapshot.scheduled, key=lambda s: (s.next_date, s.account, s.symbol)):
        if plan.symbol in group:
            dates = plan.occurrences(start, end)
            if dates:
                return WASH_SALE_SCHEDULED, (
                    f"{plan.account} {plan.kind.replace('_', ' ')} of {plan.symbol} scheduled "
                    f"for {dates[0].isoformat()}, within 30 days after the sale (R1.1)"
                )
    for t in sorted(snapshot.recent_acquisitions, key=lambda t: (t.date, t.seq)):
        if t.is_acquisition and t.symbol in group and start < t.date <= end:
            return WASH_SALE_SCHEDULED, (
                f"{t.account} buys {t.symbol} on {t.date.isoformat()}, within 30 days after "
                "the sale (R1.1)"
            )
    for p in snapshot.open_positions:
        if p.buy_symbol and p.buy_symbol in group:
            return WASH_SALE_SCHEDULED, (
                f"open proposal {p.proposal} buys {p.buy_symbol} in {p.account} "
                f"({identical_label(group)}), which would wash the loss (R1.1)"
            )
    return None


def eligible_lots(
    snapshot: HouseholdSnapshot, swap_list: SwapList, policy: Policy
) -> tuple[list[tuple[OpenLot, Decimal]], list[Excluded]]:
    """The taxable lots that may be sold on as_of (with their close), and those that may not."""
    taxable = {a.id for a in snapshot.accounts if a.type == TAXABLE}
    open_positions = {(p.account, p.symbol): p for p in snapshot.open_positions}
    ok: list[tuple[OpenLot, Decimal]] = []
    excluded: list[Excluded] = []
    for lot in sorted(snapshot.lots, key=lambda x: (x.account, x.symbol, x.purchase_date,
                                                    x.purchase_seq)):
        if lot.account not in taxable or lot.quantity <= 0:
            continue

        def skip(reason: str, detail: str, lot: OpenLot = lot) -> None:
            excluded.append(Excluded(lot.account, lot.symbol, lot.purchase_date, lot.quantity,
                                     reason, detail))

        price = snapshot.prices.get(lot.symbol)
        if price is None:
            skip(NO_PRICE, f"no close for {lot.symbol} on {snapshot.as_of.isoformat()}")
            continue
        restricted = sale_restriction(lot.symbol, snapshot, swap_list, policy)
        if restricted is not None:
            skip(RESTRICTED, restricted)
            continue
        in_proposal = open_positions.get((lot.account, lot.symbol))
        if in_proposal is not None:
            skip(IN_OPEN_PROPOSAL, f"{lot.account} {lot.symbol} is in open proposal "
                                   f"{in_proposal.proposal}".rstrip())
            continue
        if lot.cost_basis > lot.quantity * price:
            conflict = wash_conflict(lot, snapshot, swap_list)
            if conflict is not None:
                skip(*conflict)
                continue
        ok.append((lot, price))
    return ok, excluded


# --- raise cash ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SaleChoice:
    method: str
    picks: tuple[LotPick, ...]
    tax: Decimal  # this year's tax of the sale (C9); negative saves tax
    shortfall: Decimal  # what the eligible lots could not raise

    @property
    def proceeds(self) -> Decimal:
        return sum((p.proceeds for p in self.picks), ZERO)

    def gain(self, term: str) -> Decimal:
        return sum((p.gain for p in self.picks if p.term == term), ZERO)

    @property
    def gain_st(self) -> Decimal:
        return self.gain(SHORT)

    @property
    def gain_lt(self) -> Decimal:
        return self.gain(LONG)


@dataclass(frozen=True, slots=True)
class RaiseCash:
    as_of: date
    amount: Decimal
    choice: SaleChoice
    fifo: SaleChoice
    excluded: tuple[Excluded, ...]
    base: NettingInput

    @property
    def saved_vs_fifo(self) -> Decimal:
        return self.fifo.tax - self.choice.tax


def _whole_up(quantity: Decimal) -> Decimal:
    return quantity.to_integral_value(rounding=ROUND_CEILING)


def fill(
    lots: Sequence[tuple[OpenLot, Decimal]], amount: Decimal, as_of: date
) -> tuple[tuple[LotPick, ...], Decimal]:
    """Take lots in order until `amount` is raised; the last in part (whole shares up)."""
    picks: list[LotPick] = []
    remaining = amount
    for lot, price in lots:
        if remaining <= 0:
            break
        value = lot.quantity * price
        if value <= remaining:
            picks.append(_pick(lot, price, as_of))
            remaining -= value
            continue
        quantity = min(lot.quantity, _whole_up(remaining / price))
        picks.append(_pick(lot, price, as_of, quantity))
        remaining -= quantity * price
    return tuple(picks), max(ZERO, remaining)


def tax_aware_order(
    lots: Sequence[tuple[OpenLot, Decimal]], as_of: date, base: NettingInput
) -> list[tuple[OpenLot, Decimal]]:
    """Losses by loss per dollar (largest first), then gains by tax per dollar raised."""

    def key(item: tuple[OpenLot, Decimal]):
        lot, price = item
        pick = _pick(lot, price, as_of)
        per_dollar = pick.gain_per_dollar
        short = pick.term == SHORT
        if per_dollar < 0:
            return (0, per_dollar, not short, lot.purchase_date, lot.purchase_seq)
        rate = base.st_rate if short else base.lt_rate
        return (1, per_dollar * rate, short, lot.purchase_date, lot.purchase_seq)

    return sorted(lots, key=key)


def raise_cash(
    snapshot: HouseholdSnapshot, swap_list: SwapList, policy: Policy, amount: Decimal
) -> RaiseCash:
    """Which lots to sell for `amount` at the least tax this year, beside FIFO."""
    if not isinstance(amount, Decimal) or amount <= 0:
        raise ValueError("amount: a positive decimal amount")
    as_of = snapshot.as_of
    base = netting_base(snapshot.tax)
    lots, excluded = eligible_lots(snapshot, swap_list, policy)
    picks, short = fill(tax_aware_order(lots, as_of, base), amount, as_of)
    fifo_order = sorted(lots, key=lambda it: (it[0].purchase_date, it[0].purchase_seq,
                                              it[0].account))
    fifo_picks, fifo_short = fill(fifo_order, amount, as_of)
    return RaiseCash(
        as_of=as_of,
        amount=amount,
        choice=SaleChoice("tax-aware", picks, sale_tax(base, picks), short),
        fifo=SaleChoice("FIFO", fifo_picks, sale_tax(base, fifo_picks), fifo_short),
        excluded=tuple(excluded),
        base=base,
    )


# --- charitable gift ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CharitableGift:
    as_of: date
    amount: Decimal
    ranked: tuple[LotPick, ...]  # every eligible lot, best gift first
    picks: tuple[LotPick, ...]  # what covers the amount
    shortfall: Decimal
    tax_avoided: Decimal  # this year's tax of selling the picks instead (C9)
    ordinary_rate: Decimal
    not_ranked: tuple[Excluded, ...]

    @property
    def value(self) -> Decimal:
        """The deduction at market value."""
        return sum((p.proceeds for p in self.picks), ZERO)

    @property
    def gain_avoided(self) -> Decimal:
        return sum((p.gain for p in self.picks), ZERO)

    @property
    def deduction_worth(self) -> Decimal:
        """The deduction at the ordinary rate (if itemizing) — the same as a cash gift's."""
        return self.value * self.ordinary_rate


def charitable_gift(
    snapshot: HouseholdSnapshot, swap_list: SwapList, policy: Policy, amount: Decimal
) -> CharitableGift:
    """Rank long-term appreciated lots by gain per dollar and cover `amount` with the best."""
    if not isinstance(amount, Decimal) or amount <= 0:
        raise ValueError("amount: a positive decimal amount")
    as_of = snapshot.as_of
    base = netting_base(snapshot.tax)
    taxable = {a.id for a in snapshot.accounts if a.type == TAXABLE}
    ranked: list[tuple[LotPick, OpenLot]] = []
    not_ranked: list[Excluded] = []
    for lot in snapshot.lots:
        if lot.account not in taxable or lot.quantity <= 0:
            continue
        price = snapshot.prices.get(lot.symbol)
        if price is None:
            not_ranked.append(Excluded(lot.account, lot.symbol, lot.purchase_date, lot.quantity,
                                       NO_PRICE, f"no close on {as_of.isoformat()}"))
            continue
        pick = _pick(lot, price, as_of)
        if pick.term != LONG:
            not_ranked.append(Excluded(
                lot.account, lot.symbol, lot.purchase_date, lot.quantity, "short_term",
                "held one year or less (R4.1): a gift of it deducts only its basis"))
        elif pick.gain <= 0:
            not_ranked.append(Excluded(
                lot.account, lot.symbol, lot.purchase_date, lot.quantity, "at_a_loss",
                "at a loss: sell it, harvest the loss and give cash instead"))
        else:
            ranked.append((pick, lot))
    ranked.sort(key=lambda pl: (-pl[0].gain_per_dollar, pl[1].purchase_date, pl[1].account))
    picks, short = fill([(lot, pick.price) for pick, lot in ranked], amount, as_of)
    return CharitableGift(
        as_of=as_of, amount=amount, ranked=tuple(p for p, _ in ranked), picks=picks,
        shortfall=short, tax_avoided=sale_tax(base, picks), ordinary_rate=base.ordinary_rate,
        not_ranked=tuple(not_ranked),
    )


# --- asset location -------------------------------------------------------------------------------

INEFFICIENT, MODERATE, EFFICIENT = "inefficient", "moderate", "efficient"
ORDINARY, QUALIFIED = "ordinary", "qualified"


@dataclass(frozen=True, slots=True)
class AssetInfo:
    """What asset location reads about a security (FORMATS.md §3b)."""

    symbol: str
    asset_class: str = ""
    sector: str = ""
    tax_efficiency: str = ""
    dividend_yield: Decimal | None = None

    @property
    def _text(self) -> str:
        return f"{self.asset_class} {self.sector}".lower()

    @property
    def income(self) -> str:
        """Interest and REIT dividends are taxed as ordinary income; the rest qualified."""
        text = self._text
        if any(w in text for w in ("fixed income", "bond", "real estate", "reit")):
            return ORDINARY
        return QUALIFIED

    @property
    def efficiency(self) -> str:
        stated = self.tax_efficiency.strip().lower()
        if stated in (INEFFICIENT, "low"):
            return INEFFICIENT
        if stated in (EFFICIENT, "high"):
            return EFFICIENT
        if stated in (MODERATE, "medium"):
            return MODERATE
        if self.income == ORDINARY:
            return INEFFICIENT
        if self.dividend_yield is not None and self.dividend_yield >= HIGH_YIELD:
            return INEFFICIENT
        return EFFICIENT


@dataclass(frozen=True, slots=True)
class Holding:
    account: str
    account_type: str
    symbol: str
    quantity: Decimal
    cost_basis: Decimal
    value: Decimal
    info: AssetInfo
    drag: Decimal | None  # yearly tax drag if held in a taxable account; None: yield unknown
    lots: tuple[OpenLot, ...]

    @property
    def in_taxable(self) -> bool:
        return self.account_type == TAXABLE


@dataclass(frozen=True, slots=True)
class Flag:
    holding: Holding
    issue: str
    note: str


@dataclass(frozen=True, slots=True)
class Move:
    """Swap an inefficient taxable holding with an efficient IRA holding, `amount` each way."""

    amount: Decimal
    taxable_account: str
    sell_taxable: str  # the inefficient holding leaves the taxable account …
    ira_buys: str  # … and the IRA buys it (or a substitute, when its sale is at a loss)
    ira_account: str
    sell_ira: str  # the efficient holding leaves the IRA …
    taxable_buys: str  # … and the taxable account buys it (or a substitute)
    sale: tuple[LotPick, ...]  # the taxable lots sold
    tax_now: Decimal  # this year's tax of that sale (C9); negative saves tax
    drag_saved: Decimal  # per year, at today's yields and rates
    checks: tuple[str, ...]

    @property
    def payback_years(self) -> Decimal | None:
        if self.tax_now <= 0 or self.drag_saved <= 0:
            return None
        return self.tax_now / self.drag_saved


@dataclass(frozen=True, slots=True)
class Skipped:
    symbol: str
    account: str
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class AssetLocation:
    as_of: date
    holdings: tuple[Holding, ...]
    flags: tuple[Flag, ...]
    moves: tuple[Move, ...]
    skipped: tuple[Skipped, ...]
    ordinary_rate: Decimal
    lt_rate: Decimal

    @property
    def rows(self) -> tuple[tuple[Holding, Flag | None], ...]:
        """Each holding with its flag, if any."""
        flagged = {(f.holding.account, f.holding.symbol): f for f in self.flags}
        return tuple((h, flagged.get((h.account, h.symbol))) for h in self.holdings)

    @property
    def taxable_drag(self) -> Decimal:
        return sum((h.drag or ZERO for h in self.holdings if h.in_taxable), ZERO)

    @property
    def drag_saved(self) -> Decimal:
        return sum((m.drag_saved for m in self.moves), ZERO)


def drag_of(value: Decimal, info: AssetInfo, base: NettingInput) -> Decimal | None:
    """Yearly tax on what `value` of the holding pays, if held in a taxable account."""
    if info.dividend_yield is None:
        return None
    rate = base.st_rate if info.income == ORDINARY else base.lt_rate
    return value * info.dividend_yield * rate


def holdings_of(
    snapshot: HouseholdSnapshot, assets: Mapping[str, AssetInfo], base: NettingInput
) -> list[Holding]:
    types = {a.id: a.type for a in snapshot.accounts}
    grouped: dict[tuple[str, str], list[OpenLot]] = defaultdict(list)
    for lot in snapshot.lots:
        if lot.quantity > 0 and lot.symbol in snapshot.prices:
            grouped[(lot.account, lot.symbol)].append(lot)
    out = []
    for (account, symbol), lots in sorted(grouped.items()):
        quantity = sum((lot.quantity for lot in lots), ZERO)
        value = quantity * snapshot.prices[symbol]
        info = assets.get(symbol, AssetInfo(symbol))
        out.append(Holding(account, types.get(account, TAXABLE), symbol, quantity,
                           sum((lot.cost_basis for lot in lots), ZERO), value, info,
                           drag_of(value, info, base),
                           tuple(sorted(lots, key=lambda x: (x.purchase_date, x.purchase_seq)))))
    return out


def _substitute(
    symbol: str, snapshot: HouseholdSnapshot, swap_list: SwapList, policy: Policy,
    blocked: Mapping[str, str], checks: list[str], *, same_ok: bool,
) -> str | None:
    """`symbol` itself when buying it creates no wash sale, else its first usable swap pair."""
    if same_ok:
        problem = replacement_problem(symbol, "", snapshot, swap_list, policy, blocked)
        if problem is None:
            return symbol
        checks.append(f"buy {symbol}: refused, {problem}")
    for pair in swap_list.pairs_from(symbol):
        problem = replacement_problem(pair.to_symbol, symbol, snapshot, swap_list, policy, blocked)
        if problem is None:
            checks.append(f"buy {pair.to_symbol} instead of {symbol} (swap pair rank "
                          f"{pair.rank}, not substantially identical, R1.5)")
            return pair.to_symbol
        checks.append(f"substitute {pair.to_symbol}: refused, {problem}")
    return None


def asset_location(
    snapshot: HouseholdSnapshot,
    swap_list: SwapList,
    policy: Policy,
    assets: Mapping[str, AssetInfo],
    recent_loss_sales: Sequence[tuple[date, str, str]] = (),
) -> AssetLocation:
    """Flag misplaced holdings and propose wash-free swaps between taxable and IRA accounts.

    `recent_loss_sales`: (date, account, symbol) of sales at a loss in taxable accounts in
    the 30 days before as_of — buying anything identical to them now would wash them.
    """
    as_of = snapshot.as_of
    base = netting_base(snapshot.tax)
    holdings = holdings_of(snapshot, assets, base)
    flags: list[Flag] = []
    for h in holdings:
        if h.in_taxable and h.info.efficiency == INEFFICIENT:
            what = "interest and REIT dividends taxed as ordinary income" \
                if h.info.income == ORDINARY else "a high dividend yield"
            flags.append(Flag(h, "tax-inefficient in a taxable account",
                              f"{what}; better held in an IRA"))
        elif h.account_type in RETIREMENT_TYPES and h.info.efficiency == EFFICIENT:
            flags.append(Flag(h, "tax-efficient in a retirement account",
                              "pays little taxable income; its IRA room is better used by an "
                              "inefficient holding"))

    start, _ = lookback_window(as_of)
    blocked: dict[str, str] = {
        symbol: f"sold at a loss in {account} on {day.isoformat()}"
        for day, account, symbol in sorted(recent_loss_sales) if start <= day <= as_of
    }
    lots_ok, excluded = eligible_lots(snapshot, swap_list, policy)
    eligible = {(lot.account, lot.purchase_seq, lot.symbol) for lot, _ in lots_ok}
    why_not = {(e.account, e.symbol): e for e in excluded}

    sources = sorted((h for h in holdings if h.in_taxable and h.info.efficiency == INEFFICIENT),
                     key=lambda h: (-(h.drag or ZERO), h.symbol))
    targets = sorted((h for h in holdings if h.account_type in RETIREMENT_TYPES
                      and h.account_type != K401 and h.info.efficiency == EFFICIENT),
                     key=lambda h: (-h.value, h.symbol))
    room = {(t.account, t.symbol): t.value for t in targets}
    moves: list[Move] = []
    skipped: list[Skipped] = []
    for h in holdings:
        if h.account_type == K401 and h.info.efficiency == EFFICIENT:
            skipped.append(Skipped(h.symbol, h.account, "401k",
                                   "a 401(k) buys only from its plan's menu: no move proposed"))
    for src in sources:
        if any((lot.account, lot.purchase_seq, lot.symbol) not in eligible for lot in src.lots):
            e = why_not.get((src.account, src.symbol))
            skipped.append(Skipped(src.symbol, src.account, e.reason if e else RESTRICTED,
                                   e.detail if e else "some lots may not be sold now"))
            continue
        left = src.value
        for tgt in targets:
            if left <= 0:
                break
            available = room[(tgt.account, tgt.symbol)]
            if available <= 0:
                continue
            amount = min(left, available)
            price = snapshot.prices[src.symbol]
            order = tax_aware_order([(lot, price) for lot in src.lots], as_of, base)
            sale, _ = fill(order, amount, as_of)
            checks: list[str] = []
            at_loss = any(p.gain < 0 for p in sale)
            plan_blocked = dict(blocked)
            if at_loss:
                plan_blocked[src.symbol] = f"sold at a loss in {src.account} by this move"
            ira_buys = _substitute(src.symbol, snapshot, swap_list, policy, plan_blocked,
                                   checks, same_ok=not at_loss)
            if ira_buys is None:
                skipped.append(Skipped(src.symbol, src.account, NO_REPLACEMENT,
                                       "no purchase for the IRA that avoids a wash sale: "
                                       + "; ".join(checks)))
                break
            taxable_buys = _substitute(tgt.symbol, snapshot, swap_list, policy, plan_blocked,
                                       checks, same_ok=True)
            if taxable_buys is None:
                skipped.append(Skipped(tgt.symbol, tgt.account, NO_REPLACEMENT,
                                       "no purchase for the taxable account that avoids a wash "
                                       "sale: " + "; ".join(checks)))
                continue
            if at_loss:
                checks.append(f"the {src.symbol} sale realizes a loss: the IRA buys "
                              f"{ira_buys}, not {src.symbol} (an IRA purchase would disallow "
                              "the loss for good, R1.4 / R3.2)")
            checks.append(f"wash-sale look-back {lookback_window(as_of)[0].isoformat()}…"
                          f"{as_of.isoformat()} and look-ahead checked for the sale (R1.1)")
            src_drag = drag_of(amount, src.info, base) or ZERO
            tgt_drag = drag_of(amount, assets.get(taxable_buys, tgt.info), base) or ZERO
            moves.append(Move(
                amount=amount, taxable_account=src.account, sell_taxable=src.symbol,
                ira_buys=ira_buys, ira_account=tgt.account, sell_ira=tgt.symbol,
                taxable_buys=taxable_buys, sale=sale, tax_now=sale_tax(base, sale),
                drag_saved=src_drag - tgt_drag, checks=tuple(checks),
            ))
            room[(tgt.account, tgt.symbol)] = available - amount
            left -= amount
    return AssetLocation(as_of, tuple(holdings), tuple(flags), tuple(moves), tuple(skipped),
                         base.st_rate, base.lt_rate)


def describe_pick(p: LotPick) -> str:
    return (f"{p.account} {fmt_qty(p.quantity)} {p.symbol} bought {p.purchase_date.isoformat()} "
            f"({p.term}) at {fmt_money(p.price)}: gain {fmt_money(p.gain)}")


# --- database reads ---------------------------------------------------------------------------------


def default_as_of(household) -> date | None:
    """The latest date on which every security the household holds has a close.

    Each holding's last close, then the earliest of those: the valuation date of the whole
    household (a fund priced later than the rest does not move it past the others).
    """
    from django.db.models import Max, Min

    from portfolios.models import Lot, Price

    held = Lot.objects.filter(household=household).values("security_id")
    last = Price.objects.filter(security_id__in=held).values("security_id").annotate(
        last=Max("date"))
    return last.aggregate(d=Min("last"))["d"]


@dataclass(frozen=True)
class Context:
    snapshot: HouseholdSnapshot
    policy: Policy
    swap_list: SwapList
    rate_source: str


def context_for(household, as_of: date) -> Context:
    """The household as the harvest engine sees it on `as_of` (snapshot, policy, swap list)."""
    from harvesting.snapshots import ScanContext, snapshots_for

    scan = ScanContext.load(as_of)
    snapshot, policy, source = snapshots_for([household], scan)[household.id]
    return Context(snapshot, policy, scan.swap_list, source)


def asset_infos(symbols) -> dict[str, AssetInfo]:
    from portfolios.models import Security

    return {
        s: AssetInfo(s, ac, sector, eff, dy)
        for s, ac, sector, eff, dy in Security.objects.filter(symbol__in=list(symbols))
        .values_list("symbol", "asset_class", "sector", "tax_efficiency", "dividend_yield")
    }


def recent_loss_sales(household, as_of: date) -> list[tuple[date, str, str]]:
    from datetime import timedelta

    from portfolios.models import RealizedSale

    rows = RealizedSale.objects.filter(
        household=household, date_sold__range=(as_of - timedelta(days=30), as_of),
    ).select_related("account", "security")
    return [(r.date_sold, r.account.code, r.security.symbol) for r in rows
            if r.proceeds < r.cost_basis]


def household_raise_cash(household, amount: Decimal, as_of: date) -> tuple[RaiseCash, Context]:
    ctx = context_for(household, as_of)
    return raise_cash(ctx.snapshot, ctx.swap_list, ctx.policy, amount), ctx


def household_charitable_gift(household, amount: Decimal, as_of: date) -> tuple[CharitableGift, Context]:
    ctx = context_for(household, as_of)
    return charitable_gift(ctx.snapshot, ctx.swap_list, ctx.policy, amount), ctx


def household_asset_location(household, as_of: date) -> tuple[AssetLocation, Context]:
    ctx = context_for(household, as_of)
    symbols = {lot.symbol for lot in ctx.snapshot.lots}
    symbols |= {p.to_symbol for p in ctx.swap_list.pairs}
    result = asset_location(ctx.snapshot, ctx.swap_list, ctx.policy, asset_infos(symbols),
                            recent_loss_sales(household, as_of))
    return result, ctx
