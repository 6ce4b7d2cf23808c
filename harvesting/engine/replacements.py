"""Choosing what to buy with a harvest's proceeds, and how much.

Rules:

* ETF swap: the swap list's pairs for the sold symbol, lowest rank first (ties by target),
  then the pairs of the symbols identical to it (what replaces VOO replaces IVV). A target
  is refused when it is substantially identical to the sold symbol (FORMATS.md §2, R1.5),
  excluded by the policy, restricted, identical to something sold at a loss in the same
  plan or in an open proposal, without an as-of price, or too dear to buy one increment.
  Risk comes from the pair, raised to "high" when both sides track the same index
  (FORMATS.md §3b).
* Direct-indexed stock (no usable pair): the priced securities of the same GICS
  sub-industry (else the same sector; same asset class when both are known), refused on
  the same grounds, ranked by the correlation of daily returns over the trailing year
  (highest first, ties by symbol); peers with fewer than `MIN_RETURNS` aligned returns rank
  after, by symbol. Shares of different corporations are not substantially identical
  (Pub. 550, R1.5): risk "low".
* Quantity = proceeds / price rounded DOWN to the policy's `buy_increment`.
* Nothing usable → the position is skipped `no_replacement`.

Worked example: selling 1,000 VOO at $385 (proceeds $385,000) with pairs VOO→IVV rank 1
(same identical group: refused) and VOO→VTI rank 2, VTI at $291.33 → buy 1321.5 VTI
(385000 / 291.33 = 1321.52…), reason "swap pair VOO→VTI rank 2, different index (low risk)".
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from harvesting.engine.guard import replacement_problem
from harvesting.engine.values import (
    HIGH_RISK,
    LOW_RISK,
    HouseholdSnapshot,
    Policy,
    SecurityInfo,
    SwapList,
    SwapPair,
)
from portfolios.taxlots.money import ZERO, fmt_money, fmt_qty

MIN_RETURNS = 20  # fewer aligned daily returns than this: too little history to rank on


@dataclass(frozen=True, slots=True)
class Replacement:
    symbol: str
    price: Decimal
    quantity: Decimal
    reason: str
    risk: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NoReplacement:
    detail: str
    evidence: tuple[str, ...]


def buy_quantity(proceeds: Decimal, price: Decimal, increment: Decimal) -> Decimal:
    """proceeds / price rounded DOWN to a multiple of `increment`.

    >>> buy_quantity(Decimal(385000), Decimal("291.33"), Decimal("0.1"))
    Decimal('1321.5')
    """
    steps = (proceeds / price / increment).to_integral_value(rounding=ROUND_DOWN)
    return steps * increment


def one_year_before(day: date) -> date:
    """The same calendar date a year earlier (Feb 29 → Feb 28)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def aligned_returns(
    series_a: Sequence[tuple[date, Decimal]],
    series_b: Sequence[tuple[date, Decimal]],
    start: date,
    end: date,
) -> tuple[list[Decimal], list[Decimal]]:
    """Daily returns of both series over the dates both have in `start … end`.

    A return is close_t / close_{t−1} − 1 between consecutive common dates.
    """
    a = {d: p for d, p in series_a if start <= d <= end and p > 0}
    b = {d: p for d, p in series_b if start <= d <= end and p > 0}
    days = sorted(a.keys() & b.keys())
    returns_a = [a[t] / a[s] - 1 for s, t in zip(days, days[1:], strict=False)]
    returns_b = [b[t] / b[s] - 1 for s, t in zip(days, days[1:], strict=False)]
    return returns_a, returns_b


def centered(returns: Sequence[Decimal]) -> tuple[tuple[Decimal, ...], Decimal]:
    """(deviations from the mean, their sum of squares): one series' half of a correlation.

    Kept per symbol by the peer ranking, so a pair of symbols priced on the same days costs
    one dot product (issue 3's scan benchmark) and gives the very same digits as
    `correlation` on the pair's aligned returns.
    """
    n = len(returns)
    mean = sum(returns, ZERO) / n
    deviations = tuple(x - mean for x in returns)
    return deviations, sum((d * d for d in deviations), ZERO)


def correlation_of(
    a: tuple[tuple[Decimal, ...], Decimal], b: tuple[tuple[Decimal, ...], Decimal]
) -> Decimal | None:
    """Pearson's r from two `centered` series of one length; None if one is constant."""
    (dev_a, var_a), (dev_b, var_b) = a, b
    if var_a == 0 or var_b == 0:
        return None
    cov = sum(map(operator.mul, dev_a, dev_b), ZERO)
    value = cov / (var_a * var_b).sqrt()
    return max(Decimal(-1), min(Decimal(1), value))


def correlation(returns_a: Sequence[Decimal], returns_b: Sequence[Decimal]) -> Decimal | None:
    """Pearson correlation of two equally long Decimal series; None if undefined.

    >>> correlation([Decimal(1), Decimal(2), Decimal(3)], [Decimal(2), Decimal(4), Decimal(6)])
    Decimal('1')
    >>> correlation([Decimal(1), Decimal(2), Decimal(3)], [Decimal(3), Decimal(2), Decimal(2)])
    Decimal('-0.8660254037844386467637231708')
    """
    n = len(returns_a)
    if n != len(returns_b):
        raise ValueError("series of different lengths")
    if n < 2:
        return None
    return correlation_of(centered(returns_a), centered(returns_b))


def _index_note(
    securities: Mapping[str, SecurityInfo], pair: SwapPair
) -> tuple[str, str]:
    """(note, risk) for a pair: same tracked index → high risk (FORMATS.md §3b)."""
    a = securities.get(pair.from_symbol)
    b = securities.get(pair.to_symbol)
    if a and b and a.tracked_index and b.tracked_index:
        if a.tracked_index == b.tracked_index:
            return f"tracks the same index ({a.tracked_index})", HIGH_RISK
        return "different index", pair.risk
    return "tracked index not recorded", pair.risk


def _sized(
    symbol: str, proceeds: Decimal, snapshot: HouseholdSnapshot, policy: Policy
) -> tuple[Decimal, Decimal] | str:
    price = snapshot.prices[symbol]
    quantity = buy_quantity(proceeds, price, policy.buy_increment)
    if quantity <= 0:
        return (
            f"proceeds {fmt_money(proceeds)} buy less than {fmt_qty(policy.buy_increment)} "
            f"share at {fmt_money(price)}"
        )
    return price, quantity


def _from_pairs(
    symbol: str,
    proceeds: Decimal,
    snapshot: HouseholdSnapshot,
    swap_list: SwapList,
    policy: Policy,
    blocked: Mapping[str, str],
    evidence: list[str],
) -> Replacement | None:
    own = swap_list.pairs_from(symbol)
    others = sorted(
        (p for s in swap_list.group_of(symbol) - {symbol} for p in swap_list.pairs_from(s)),
        key=lambda p: (p.rank, p.from_symbol, p.to_symbol),
    )
    seen: set[str] = set()
    for pair in (*own, *others):
        if pair.to_symbol in seen:
            continue
        seen.add(pair.to_symbol)
        via = (
            "" if pair.from_symbol == symbol
            else f" (via {pair.from_symbol}, identical to {symbol})"
        )
        label = f"swap pair {pair.from_symbol}→{pair.to_symbol} rank {pair.rank}{via}"
        problem = replacement_problem(
            pair.to_symbol, symbol, snapshot, swap_list, policy, blocked
        )
        sized = _sized(pair.to_symbol, proceeds, snapshot, policy) if problem is None else problem
        if isinstance(sized, str):
            evidence.append(f"{label} refused: {sized}")
            continue
        price, quantity = sized
        note, risk = _index_note(snapshot.securities, pair)
        reason = f"{label}, {note} ({risk} risk)"
        evidence.append(
            f"replacement {pair.to_symbol} at {fmt_money(price)}: not substantially identical "
            f"to {symbol} (R1.5), not restricted, not sold at a loss in this plan"
        )
        return Replacement(pair.to_symbol, price, quantity, reason, risk, ())
    if not own and not others:
        evidence.append(f"no swap pair for {symbol}")
    return None


def _peers(
    symbol: str, info: SecurityInfo, snapshot: HouseholdSnapshot, attribute: str
) -> list[SecurityInfo]:
    value = getattr(info, attribute)
    if not value:
        return []
    key = ("peers", symbol, attribute)  # market data only: shared memo (see _ranked_peers)
    found = snapshot.peer_rankings.get(key)
    if found is None:
        found = snapshot.peer_rankings[key] = [
            other
            for other in snapshot.securities.values()
            if other.symbol != symbol
            and getattr(other, attribute) == value
            and other.symbol in snapshot.prices
            and (not info.asset_class or not other.asset_class
                 or other.asset_class == info.asset_class)
        ]
    return found


def _own_returns(
    symbol: str, snapshot: HouseholdSnapshot, start: date, end: date
) -> tuple[tuple[tuple[date, Decimal], ...], tuple[date, ...], tuple[Decimal, ...]]:
    """A symbol's positive closes in the window, its trading days and its own daily returns.

    Market data only: memoized in `snapshot.peer_rankings` (shared across households).
    """
    key = ("returns", symbol, start, end)
    memo = snapshot.peer_rankings
    found = memo.get(key)
    if found is None:
        closes = tuple(
            (d, p) for d, p in snapshot.price_history.get(symbol, ()) if start <= d <= end and p > 0
        )
        days = tuple(sorted({d for d, _ in closes}))
        by_day = dict(closes)
        returns = tuple(by_day[t] / by_day[s] - 1 for s, t in zip(days, days[1:], strict=False))
        found = memo[key] = (closes, days, returns)
    return found


def _pair_correlation(
    a: str, b: str, snapshot: HouseholdSnapshot, start: date, end: date
) -> tuple[Decimal | None, int]:
    """(Pearson's r of the two symbols' aligned daily returns, how many returns).

    Symmetric and memoized per pair. Two symbols priced on the same days (the usual
    case) share their aligned returns with their own, so each symbol's `centered` half is
    computed once for the whole run; otherwise the pair is aligned on its common days.
    """
    memo = snapshot.peer_rankings
    key = ("pair", min(a, b), max(a, b), start, end)
    found = memo.get(key)
    if found is not None:
        return found
    closes_a, days_a, returns_a = _own_returns(a, snapshot, start, end)
    closes_b, days_b, returns_b = _own_returns(b, snapshot, start, end)
    if days_a == days_b:
        n = len(returns_a)
        corr = None
        if n >= MIN_RETURNS:
            corr = correlation_of(_centered_own(a, returns_a, memo, start, end),
                                  _centered_own(b, returns_b, memo, start, end))
    else:
        aligned_a, aligned_b = aligned_returns(closes_a, closes_b, start, end)
        n = len(aligned_a)
        corr = correlation(aligned_a, aligned_b) if n >= MIN_RETURNS else None
    memo[key] = (corr, n)
    return corr, n


def _centered_own(symbol: str, returns: tuple[Decimal, ...], memo: dict, start: date,
                  end: date) -> tuple[tuple[Decimal, ...], Decimal]:
    key = ("centered", symbol, start, end)
    found = memo.get(key)
    if found is None:
        found = memo[key] = centered(returns)
    return found


def _ranked_peers(
    symbol: str,
    attribute: str,
    peers: list[SecurityInfo],
    snapshot: HouseholdSnapshot,
    start: date,
    end: date,
) -> list[tuple[int, Decimal, str, int]]:
    """Peers ranked by correlation of daily returns, most correlated first.

    The ranking depends only on market data, so it is memoized in
    `snapshot.peer_rankings`, which a caller may share across households of one date.
    """
    key = (symbol, attribute, start, end, tuple(p.symbol for p in peers))
    memo = snapshot.peer_rankings
    if key in memo:
        return memo[key]
    ranked: list[tuple[int, Decimal, str, int]] = []
    for peer in peers:
        corr, n = _pair_correlation(symbol, peer.symbol, snapshot, start, end)
        if corr is None:
            ranked.append((1, ZERO, peer.symbol, n))
        else:
            ranked.append((0, -corr, peer.symbol, n))
    ranked.sort()
    memo[key] = ranked
    return ranked


def _from_peers(
    symbol: str,
    proceeds: Decimal,
    snapshot: HouseholdSnapshot,
    swap_list: SwapList,
    policy: Policy,
    blocked: Mapping[str, str],
    evidence: list[str],
) -> Replacement | None:
    info = snapshot.securities.get(symbol)
    if info is None:
        evidence.append(f"no sector or sub-industry recorded for {symbol}")
        return None
    end = snapshot.as_of
    start = one_year_before(end)
    tried: set[str] = set()
    for attribute, title in (("sub_industry", "sub-industry"), ("sector", "sector")):
        value = getattr(info, attribute)
        if not value:
            continue
        peers = [p for p in _peers(symbol, info, snapshot, attribute) if p.symbol not in tried]
        tried.update(p.symbol for p in peers)
        if not peers:
            evidence.append(f"no other priced security in {symbol}'s {title} {value}")
            continue
        ranked = _ranked_peers(symbol, attribute, peers, snapshot, start, end)
        for no_history, neg_corr, peer_symbol, n in ranked:
            problem = replacement_problem(
                peer_symbol, symbol, snapshot, swap_list, policy, blocked
            )
            sized = _sized(peer_symbol, proceeds, snapshot, policy) if problem is None else problem
            if no_history:
                how = f"too little price history to rank ({n} common daily returns)"
            else:
                corr_text = (-neg_corr).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                how = f"correlation {corr_text} over {n} days"
            if isinstance(sized, str):
                evidence.append(f"{title} peer {peer_symbol} ({how}) refused: {sized}")
                continue
            price, quantity = sized
            reason = f"same {title} {value}, {how}"
            evidence.append(
                f"replacement {peer_symbol} at {fmt_money(price)}: another corporation's stock, "
                "not substantially identical (R1.5), not restricted, "
                "not sold at a loss in this plan"
            )
            return Replacement(peer_symbol, price, quantity, reason, LOW_RISK, ())
    return None


def choose_replacement(
    symbol: str,
    proceeds: Decimal,
    snapshot: HouseholdSnapshot,
    swap_list: SwapList,
    policy: Policy,
    blocked: Mapping[str, str],
) -> Replacement | NoReplacement:
    """The replacement for a sale of `symbol` raising `proceeds`, or why there is none.

    `blocked`: symbols sold at a loss in this plan or in an open proposal → why; nothing
    identical to them is bought.
    """
    evidence: list[str] = []
    found = _from_pairs(symbol, proceeds, snapshot, swap_list, policy, blocked, evidence)
    if found is None:
        found = _from_peers(symbol, proceeds, snapshot, swap_list, policy, blocked, evidence)
    if found is None:
        detail = f"no replacement for {symbol} on {snapshot.as_of.isoformat()}: " + "; ".join(
            evidence
        )
        return NoReplacement(detail, tuple(evidence))
    return Replacement(
        found.symbol, found.price, found.quantity, found.reason, found.risk, tuple(evidence)
    )
