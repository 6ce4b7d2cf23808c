"""Properties of the replay over random households (hypothesis).

A household has both spouses' taxable, traditional IRA, Roth IRA and 401(k) accounts with
random lot methods; four symbols of which two form an identical group (R1.5); random
buys, reinvestments, transfers and *valid* sells, dense in time so wash sales, chains and
partial matches are common. Amounts are built from integers, never from floats.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal, localcontext
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolios.taxlots.holding import term
from portfolios.taxlots.replay import replay, wash_window
from portfolios.taxlots.values import (
    BUY,
    LOT_METHODS,
    REINVEST,
    SELL,
    TRANSFER_IN,
    AccountRef,
    ReplayResult,
    Txn,
)
from tests.taxlots.reference import reference_replay

ACCOUNTS = [
    ("P-TAX", "primary", "taxable"),
    ("S-TAX", "spouse", "taxable"),
    ("P-IRA", "primary", "traditional_ira"),
    ("S-ROTH", "spouse", "roth_ira"),
    ("P-401K", "primary", "401k"),
    ("S-IRA", "spouse", "traditional_ira"),
    ("P-TAX2", "primary", "taxable"),
]
SYMBOLS = ["A", "A2", "B", "C"]
GROUPS = (("A", "A2"),)
GROUP_OF = {"A": "A", "A2": "A", "B": "B", "C": "C"}

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

step = st.tuples(
    st.sampled_from([0, 0, 0, 1, 1, 2, 3, 5, 8, 13, 29, 30, 31, 45, 200, 366]),  # day gap
    st.integers(0, len(ACCOUNTS) - 1),
    st.sampled_from([BUY, BUY, BUY, SELL, SELL, SELL, REINVEST, TRANSFER_IN]),
    st.sampled_from([0, 0, 1, 1, 2, 3]),  # symbol: mostly the identical group A / A2
    st.integers(1, 400),  # quantity units
    st.integers(1, 8),  # eighths of the position to sell
    st.integers(-300, 250),  # price move in cents (a drift down makes losses common)
    st.sampled_from([0, 0, 0, 1, 99, 500]),  # fee in cents
    st.booleans(),  # SELL names a lot
    st.integers(0, 1000),  # lot pick / transfer age
)


@st.composite
def households(draw, max_steps: int = 40):
    chosen = [0, *draw(st.lists(st.integers(1, len(ACCOUNTS) - 1), max_size=3, unique=True))]
    accounts = [
        AccountRef(acct_id, owner, acct_type, draw(st.sampled_from(LOT_METHODS)))
        for acct_id, owner, acct_type in (ACCOUNTS[i] for i in chosen)
    ]
    day = date(2024, 11, 1) + timedelta(days=draw(st.integers(0, 90)))
    prices = {group: draw(st.integers(500, 3000)) for group in set(GROUP_OF.values())}
    open_qty: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    lot_dates: dict[tuple[str, str], list[date]] = defaultdict(list)
    txns: list[Txn] = []
    for gap, ai, action, si, units, eighths, move, fee, named, pick in draw(
        st.lists(step, min_size=min(12, max_steps), max_size=max_steps)
    ):
        day += timedelta(days=gap)
        account, symbol = accounts[ai % len(accounts)].id, SYMBOLS[si]
        key = (account, symbol)
        group = GROUP_OF[symbol]
        prices[group] = max(50, prices[group] + move)
        price = Decimal(prices[group]) / 100
        fees = Decimal(fee) / 100
        seq = len(txns)
        if action == SELL and open_qty[key] == 0:
            action = BUY
        if action == SELL:
            qty = open_qty[key] * eighths / 8
            lot = None
            if named and lot_dates[key]:
                lot = lot_dates[key][pick % len(lot_dates[key])]
            txns.append(Txn(seq, day, account, SELL, symbol, qty, price, fees, lot=lot))
            open_qty[key] -= qty
        elif action == TRANSFER_IN:
            qty = Decimal(units)
            acquired = day - timedelta(days=pick * 2)
            txns.append(
                Txn(seq, day, account, TRANSFER_IN, symbol, qty, cost_basis=qty * price,
                    acquired=acquired)
            )
            open_qty[key] += qty
            lot_dates[key].append(acquired)
        else:
            qty = Decimal(units) / 1000 if action == REINVEST else Decimal(units) / 4
            txns.append(Txn(seq, day, account, action, symbol, qty, price, fees))
            open_qty[key] += qty
            lot_dates[key].append(day)
    # A SELL naming a lot with too few shares left is an input error: drop such rows
    # (dropping a SELL only leaves more shares for the later ones).
    while True:
        result = replay(accounts, txns, GROUPS)
        if not result.errors:
            return accounts, txns
        bad = {e.seq for e in result.errors}
        assert all(t.action == SELL and t.lot is not None for t in txns if t.seq in bad), (
            result.errors
        )
        txns = [t for t in txns if t.seq not in bad]


def _acquisition_cost(t: Txn) -> Decimal:
    if t.action == TRANSFER_IN:
        return t.cost_basis  # type: ignore[return-value]
    return t.quantity * t.price + t.fees


@given(households())
@SETTINGS
def test_shares_are_conserved_per_account_and_symbol(household):
    """bought + reinvested + transferred in = open + sold, per (account, symbol)."""
    accounts, txns = household
    r = replay(accounts, txns, GROUPS)
    inflow: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    sold: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for t in txns:
        if t.action == SELL:
            sold[(t.account, t.symbol)] += t.quantity
        else:
            inflow[(t.account, t.symbol)] += t.quantity
    held: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for x in r.open_lots:
        held[(x.account, x.symbol)] += x.quantity
        assert x.quantity > 0
    pieces: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for s in r.sales:
        pieces[(s.account, s.symbol)] += s.quantity
        assert s.quantity > 0
    for key in inflow.keys() | sold.keys():
        assert inflow[key] == held[key] + sold[key]
        assert pieces[key] == sold[key]


@given(households())
@SETTINGS
def test_r2_3_no_adjustment_exceeds_its_loss_and_none_is_negative(household):
    accounts, txns = household
    r = replay(accounts, txns, GROUPS)
    for s in r.sales:
        loss = s.cost_basis - s.proceeds
        assert s.adjustment_amount >= 0
        if s.matches:
            assert s.is_reportable  # R1.6: retirement sales wash nothing
            assert loss > -Decimal("1e-9")  # R1.3: gains never wash
            assert s.adjustment_amount <= max(loss, Decimal(0))
            assert sum(m.quantity for m in s.matches) <= s.quantity
            assert all(m.disallowed >= 0 for m in s.matches)
            if sum(m.quantity for m in s.matches) == s.quantity and loss > 0:
                assert s.adjustment_amount == loss  # full wash: cumulative parts sum to L
        else:
            assert s.adjustment_amount == 0 and s.adjustment_code == ""
        assert s.gain_loss == s.proceeds - s.cost_basis + s.adjustment_amount


@given(households())
@SETTINGS
def test_basis_is_conserved_exactly(household):
    """open basis + sold basis = purchases with fees + transfer basis + disallowed losses
    added to taxable replacements (R3.1); retirement replacements add nothing (R3.2)."""
    accounts, txns = household
    r = replay(accounts, txns, GROUPS)
    with localcontext(prec=100):
        held = sum((x.cost_basis for x in r.open_lots), Decimal(0))
        sold = sum((s.cost_basis for s in r.sales), Decimal(0))
        paid = sum((_acquisition_cost(t) for t in txns if t.action != SELL), Decimal(0))
        added = sum(
            (m.disallowed for s in r.sales for m in s.matches if m.basis_added), Decimal(0)
        )
        adjustments = sum((x.wash_adjustment for x in r.open_lots), Decimal(0))
        assert held + sold == paid + added
        assert 0 <= adjustments <= added


@given(households())
@SETTINGS
def test_proceeds_of_each_sell_sum_exactly_to_quantity_times_price_less_fees(household):
    accounts, txns = household
    r = replay(accounts, txns, GROUPS)
    by_sale: dict[int, Decimal] = defaultdict(Decimal)
    for s in r.sales:
        by_sale[s.sale_seq] += s.proceeds
    for t in txns:
        if t.action == SELL:
            assert by_sale[t.seq] == t.quantity * t.price - t.fees


@given(households())
@SETTINGS
def test_r3_5_reported_result_is_the_economic_result_except_losses_lost_in_retirement(
    household,
):
    """Σ gain/loss = cash in − cash out + basis still held − losses lost for good (R2.6)."""
    accounts, txns = household
    r = replay(accounts, txns, GROUPS)
    with localcontext(prec=100):
        reported = sum((s.gain_loss for s in r.sales), Decimal(0))
        cash_in = sum(
            (t.quantity * t.price - t.fees for t in txns if t.action == SELL), Decimal(0)
        )
        paid = sum((_acquisition_cost(t) for t in txns if t.action != SELL), Decimal(0))
        held = sum((x.cost_basis for x in r.open_lots), Decimal(0))
        lost = sum(
            (m.disallowed for s in r.sales for m in s.matches if not m.basis_added), Decimal(0)
        )
        assert reported == cash_in - paid + held + lost


@given(households())
@SETTINGS
def test_matches_respect_window_group_one_use_c1_and_retirement_rules(household):
    accounts, txns = household
    r = replay(accounts, txns, GROUPS)
    by_seq = {t.seq: t for t in txns}
    kind = {a.id: a.type for a in accounts}
    used: dict[int, Decimal] = defaultdict(Decimal)
    for s in r.sales:
        first, last = wash_window(s.date_sold)
        for m in s.matches:
            rep = by_seq[m.replacement_seq]
            assert rep.action in (BUY, REINVEST)  # R1.2: transfers never replace
            assert first <= rep.date <= last  # R1.1
            assert GROUP_OF[rep.symbol] == GROUP_OF[s.symbol]  # R1.5
            assert m.replacement_seq != s.purchase_seq  # C1
            assert m.basis_added == (kind[rep.account] == "taxable")  # R3.2, C5, C6, C10
            used[m.replacement_seq] += m.quantity
    for seq, quantity in used.items():
        assert quantity <= by_seq[seq].quantity  # R2.4 one use per replacement share


@given(households())
@SETTINGS
def test_terms_dates_and_retirement_lots(household):
    """R4.1 term from the reported start; tacked starts never after the purchase (R4.3);
    retirement lots keep plain cost and purchase date (R3.2)."""
    accounts, txns = household
    r = replay(accounts, txns, GROUPS)
    kind = {a.id: a.type for a in accounts}
    for s in r.sales:
        assert s.term == term(s.date_acquired, s.date_sold)
        assert s.date_acquired <= s.purchase_date <= s.date_sold
        assert s.broker_term in ("short", "long")
        if s.term == "long":
            assert s.broker_term == "long"  # pure tacking never starts later than R4.3
    for x in r.open_lots:
        assert x.acquired <= x.purchase_date
        if kind[x.account] != "taxable":
            assert x.acquired == x.purchase_date and x.wash_adjustment == 0
    keys = [(x.account, x.symbol, x.purchase_date, x.purchase_seq) for x in r.open_lots]
    assert keys == sorted(keys)  # ordered by account, symbol, purchase order


@given(households(), st.randoms(use_true_random=False))
@SETTINGS
def test_replay_is_deterministic_and_invariant_to_labels_and_argument_order(household, rnd):
    """Twice the same; and the same whatever the order of `accounts` and of the groups, and
    whichever spouse owns which account (the household is one taxpayer, C6/C10)."""
    accounts, txns = household
    first = replay(accounts, txns, GROUPS)
    assert replay(accounts, txns, GROUPS) == first
    shuffled = list(accounts)
    rnd.shuffle(shuffled)
    swapped = [
        dataclasses.replace(a, owner="spouse" if a.owner == "primary" else "primary")
        for a in shuffled
    ]
    groups = [["A2", "A"], ["ZZZ", "YYY"]]  # order within a group; an unused group
    assert replay(swapped, txns, groups) == first
    assert isinstance(first, ReplayResult)


@given(households(max_steps=20))
@SETTINGS
def test_retirement_only_activity_never_washes_or_adjusts(household):
    """Without taxable accounts nothing is reported, washed or adjusted (R1.6, R3.2)."""
    accounts, txns = household
    retirement = [a for a in accounts if a.type != "taxable"]
    ids = {a.id for a in retirement}
    kept = [t for t in txns if t.account in ids]
    r = replay(retirement, kept, GROUPS)
    if r.errors:  # dropping rows can strand a named lot; such households prove nothing
        return
    assert r.form_8949 == ()
    assert all(not s.matches for s in r.sales)
    assert all(x.wash_adjustment == 0 and x.acquired == x.purchase_date for x in r.open_lots)


def _close(a: Decimal, b: Fraction) -> bool:
    return abs(Fraction(a) - b) <= Fraction(1, 10**9)


@given(households())
@SETTINGS
def test_replay_agrees_with_a_naive_reference_model(household):
    """The indexed replay equals a literal O(n²) Fraction model of the algorithm."""
    accounts, txns = household
    r = replay(accounts, txns, GROUPS)
    ref_sales, ref_lots = reference_replay(accounts, txns, GROUPS)
    assert len(r.sales) == len(ref_sales)
    for got, want in zip(r.sales, ref_sales, strict=True):
        assert (got.account, got.symbol, got.sale_seq, got.purchase_seq, got.date_acquired,
                Fraction(got.quantity), got.term, got.broker_term) == (
            want.account, want.symbol, want.sale_seq, want.purchase_seq, want.date_acquired,
            want.qty, want.term, want.broker_term)
        assert _close(got.proceeds, want.proceeds)
        assert _close(got.cost_basis, want.basis)
        assert _close(got.adjustment_amount, want.adjustment)
        assert [(m.replacement_seq, Fraction(m.quantity), m.basis_added)
                for m in got.matches] == [(s, q, b) for s, q, _, b in want.matches]
        for m, (_, _, disallowed, _) in zip(got.matches, want.matches, strict=True):
            assert _close(m.disallowed, disallowed)
    assert [(x.account, x.symbol, x.purchase_seq, x.acquired, Fraction(x.quantity))
            for x in r.open_lots] == [
        (x["account"], x["symbol"], x["purchase_seq"], x["start"], x["qty"]) for x in ref_lots
    ]
    for got, want in zip(r.open_lots, ref_lots, strict=True):
        assert _close(got.cost_basis, want["basis"])
