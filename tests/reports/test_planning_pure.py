"""Raise cash, charitable gift and asset location on constructed households (no database).

Every lot is priced at the as-of close; rates 37% / 40.8% / 23.8%; nothing else realized
this year unless a case says so (report_builders).
"""

from __future__ import annotations

import doctest
from datetime import date

import pytest

from harvesting.engine.values import Policy
from reports import planning
from reports.planning import AssetInfo
from tests.reports.report_builders import (
    POLICY,
    SWAPS,
    D,
    OpenPosition,
    Restriction,
    ScheduledPurchase,
    buy,
    days_before,
    lot,
    snapshot,
)


def lots_by_symbol(picks):
    return [(p.account, p.symbol, p.purchase_date) for p in picks]


# --- raise cash ------------------------------------------------------------------------------

def test_raise_cash_beats_fifo_on_tax():
    """$10,000 from A (loss 2,000 LT), B (gain 8,000 LT, the oldest) and C (gain 1,000 ST):
    the choice sells A — $740 saved through the deduction; FIFO sells B — $1,904 of tax."""
    a = lot("AAA", 100, 12000, date(2024, 6, 3))
    b = lot("BBB", 100, 2000, date(2023, 1, 10))
    c = lot("CCC", 100, 9000, date(2026, 3, 2))
    snap = snapshot([a, b, c], {"AAA": 100, "BBB": 100, "CCC": 100})
    result = planning.raise_cash(snap, SWAPS, POLICY, D(10000))
    assert lots_by_symbol(result.choice.picks) == [("P-TAX", "AAA", date(2024, 6, 3))]
    assert result.choice.proceeds == D(10000)
    assert result.choice.gain_lt == D(-2000)
    assert result.choice.tax == D("-740.00")
    assert lots_by_symbol(result.fifo.picks) == [("P-TAX", "BBB", date(2023, 1, 10))]
    assert result.fifo.tax == D("1904.000")
    assert result.saved_vs_fifo == D("2644.000")


def test_after_losses_the_highest_basis_long_term_lots_go_first():
    """$15,000 with one $5,000 loss lot: then the LT lot with the least gain per dollar
    (highest basis), before a low-gain short-term lot whose gain costs 40.8%."""
    loss = lot("LOS", 50, 7000, date(2024, 1, 5))  # 50 × 100 = 5,000: −2,000
    high_basis = lot("HIB", 100, 9500, date(2023, 6, 1))  # gain 500 LT: 1.19 per $100
    st_small = lot("STS", 100, 9700, date(2026, 5, 1))  # gain 300 ST: 1.22 per $100
    low_basis = lot("LOB", 100, 1000, date(2020, 1, 5))  # gain 9,000 LT
    snap = snapshot([low_basis, st_small, high_basis, loss],
                    {"LOS": 100, "HIB": 100, "STS": 100, "LOB": 100})
    result = planning.raise_cash(snap, SWAPS, POLICY, D(15000))
    assert [p.symbol for p in result.choice.picks] == ["LOS", "HIB"]
    assert result.choice.shortfall == 0
    assert [(p.symbol, p.quantity) for p in result.fifo.picks] == [("LOB", D(100)), ("HIB", D(50))]
    assert result.choice.tax < result.fifo.tax


def test_the_last_lot_is_sold_in_part_rounded_up_to_whole_shares():
    a = lot("AAA", 100, 12000, date(2024, 6, 3))
    snap = snapshot([a], {"AAA": "33.00"})
    result = planning.raise_cash(snap, SWAPS, POLICY, D(1000))
    (pick,) = result.choice.picks
    assert pick.quantity == D(31) and pick.partial  # 1000 / 33 = 30.3 → 31 shares
    assert pick.cost_basis == D(12000) * 31 / 100
    assert result.choice.proceeds == D("1023.00")


def test_raise_cash_never_picks_a_lot_a_purchase_would_wash_nor_a_restricted_one():
    """The biggest losses per dollar are all blocked; only the small clean loss is sold."""
    washed_back = lot("VOO", 10, 5000, date(2025, 1, 6))  # −1,000: the spouse's Roth bought IVV
    washed_ahead = lot("XOM", 10, 2000, date(2025, 1, 6))  # −1,000: DRIP coming in 20 days
    restricted = lot("ADBE", 10, 9000, date(2025, 1, 6))  # −8,000: harvested last week
    in_proposal = lot("EFA", 10, 1500, date(2025, 1, 6))  # −500: in an open proposal
    planned_buy = lot("VTI", 10, 1800, date(2025, 1, 6))  # −800: an open proposal buys VTI
    clean = lot("CLN", 100, 11000, date(2025, 1, 6))  # −1,000, allowed
    recent_gain = lot("GAIN", 100, 5000, days_before(3), seq=77)  # a gain: never washes
    roth_ivv = lot("IVV", 5, 2000, days_before(12), account="S-ROTH", seq=90)
    snap = snapshot(
        [washed_back, washed_ahead, restricted, in_proposal, planned_buy, clean, recent_gain,
         roth_ivv],
        {"VOO": 400, "XOM": 100, "ADBE": 100, "EFA": 100, "VTI": 100, "CLN": 100, "GAIN": 100,
         "IVV": 400},
        recent=[buy("IVV", 5, days_before(12), "S-ROTH", seq=90),
                buy("GAIN", 100, days_before(3), "P-TAX", seq=77)],
        # quarterly dividend reinvestment next on 2026-11-04, 20 days after the sale
        scheduled=[ScheduledPurchase("P-TAX", "XOM", "dividend_reinvestment", date(2026, 11, 4), 91)],
        restrictions=[Restriction("ADBE", date(2026, 11, 8), "harvested ADBE on 2026-10-08")],
        open_positions=[OpenPosition("P-TAX", "EFA", "#12 of 2026-10-14", "IEFA"),
                        OpenPosition("P-IRA", "SPY", "#13 of 2026-10-14", "VTI")],
    )
    result = planning.raise_cash(snap, SWAPS, POLICY, D(30000))
    picked = {p.symbol for p in result.choice.picks} | {p.symbol for p in result.fifo.picks}
    assert picked == {"CLN", "GAIN"}
    reasons = {e.symbol: e.reason for e in result.excluded}
    assert reasons == {
        "VOO": "wash_sale_lookback", "XOM": "wash_sale_scheduled", "ADBE": "restricted",
        "EFA": "in_open_proposal", "VTI": "wash_sale_scheduled",
    }
    details = {e.symbol: e.detail for e in result.excluded}
    assert "S-ROTH bought 5 IVV on 2026-10-03" in details["VOO"]
    assert "2026-11-04" in details["XOM"]
    assert result.choice.shortfall == D(30000) - D(10000) - D(10000)


def test_a_purchase_31_days_back_does_not_block_and_the_lots_own_purchase_never_does():
    old_buy = lot("VOO", 10, 5000, days_before(31), seq=501)
    own = lot("VTI", 10, 1500, days_before(5), seq=502)
    snap = snapshot([old_buy, own], {"VOO": 400, "VTI": 100},
                    recent=[buy("VOO", 10, days_before(31), "P-TAX", seq=501),
                            buy("VTI", 10, days_before(5), "P-TAX", seq=502)])
    result = planning.raise_cash(snap, SWAPS, POLICY, D(5000))
    assert result.excluded == ()
    assert {p.symbol for p in result.choice.picks} == {"VOO", "VTI"}


def test_policy_excluded_symbols_are_never_sold():
    snap = snapshot([lot("TSLA", 10, 5000, date(2024, 1, 2))], {"TSLA": 100})
    result = planning.raise_cash(snap, SWAPS, Policy(excluded_symbols=frozenset({"TSLA"})), D(100))
    assert result.choice.picks == ()
    assert result.excluded[0].reason == "restricted"


def test_raise_cash_uses_the_years_netting():
    """With $20,000 of ST gains already realized, a $2,000 ST loss saves 40.8%."""
    snap = snapshot([lot("AAA", 100, 12000, date(2026, 6, 1))], {"AAA": 100},
                    realized_st_gains=D(20000))
    result = planning.raise_cash(snap, SWAPS, POLICY, D(10000))
    assert result.choice.tax == D("-816.000")


def test_only_taxable_accounts_are_sold():
    snap = snapshot([lot("AAA", 100, 20000, date(2024, 1, 2), account="P-IRA")], {"AAA": 100})
    result = planning.raise_cash(snap, SWAPS, POLICY, D(1000))
    assert result.choice.picks == () and result.choice.shortfall == D(1000)


# --- charitable gift ------------------------------------------------------------------------------

def test_charitable_gift_ranks_long_term_lots_by_gain_per_dollar():
    g1 = lot("APP", 100, 2000, date(2020, 1, 6))  # value 10,000, gain 8,000: 80%
    g2 = lot("MID", 100, 5000, date(2021, 1, 6))  # value 10,000, gain 5,000: 50%
    g3 = lot("LOW", 200, 18000, date(2022, 1, 6))  # value 20,000, gain 2,000: 10%
    short = lot("NEW", 100, 1000, date(2026, 9, 1))  # 90% but short-term
    loser = lot("DWN", 100, 15000, date(2020, 1, 6))  # at a loss
    snap = snapshot([g3, short, g2, loser, g1],
                    {"APP": 100, "MID": 100, "LOW": 100, "NEW": 100, "DWN": 100})
    gift = planning.charitable_gift(snap, SWAPS, POLICY, D(15000))
    assert [p.symbol for p in gift.ranked] == ["APP", "MID", "LOW"]
    assert [(p.symbol, p.quantity) for p in gift.picks] == [("APP", D(100)), ("MID", D(50))]
    assert gift.value == D(15000)
    assert gift.gain_avoided == D(8000) + D(2500)
    assert gift.tax_avoided == D("10500") * D("0.238")
    assert gift.deduction_worth == D(15000) * D("0.37")
    assert {e.symbol: e.reason for e in gift.not_ranked} == {"NEW": "short_term", "DWN": "at_a_loss"}


def test_charitable_gift_tax_avoided_follows_the_netting():
    """A $20,000 LT loss carryover absorbs the gain: selling would cost nothing now."""
    snap = snapshot([lot("APP", 100, 2000, date(2020, 1, 6))], {"APP": 100},
                    carryforward_lt=D(20000))
    gift = planning.charitable_gift(snap, SWAPS, POLICY, D(5000))
    assert gift.tax_avoided == 0


# --- asset location --------------------------------------------------------------------------------

ASSETS = {
    "BND": AssetInfo("BND", "US fixed income", "", "inefficient", D("0.03")),
    "AGG": AssetInfo("AGG", "US fixed income", "", "inefficient", D("0.03")),
    "VTI": AssetInfo("VTI", "US equity", "", "efficient", D("0.015")),
    "VNQ": AssetInfo("VNQ", "US real estate", "", "", D("0.04")),
    "SPY": AssetInfo("SPY", "US equity", "", "efficient", D("0.015")),
}


def test_asset_location_flags_and_drag():
    snap = snapshot([lot("BND", 1000, 100000, date(2024, 1, 2)),
                     lot("VTI", 400, 60000, date(2024, 1, 2), account="P-IRA"),
                     lot("SPY", 100, 30000, date(2024, 1, 2), account="S-401K")],
                    {"BND": 100, "VTI": 250, "SPY": 400})
    result = planning.asset_location(snap, SWAPS, POLICY, ASSETS)
    flags = {(f.holding.account, f.holding.symbol): f.issue for f in result.flags}
    assert flags == {("P-TAX", "BND"): "tax-inefficient in a taxable account",
                     ("P-IRA", "VTI"): "tax-efficient in a retirement account",
                     ("S-401K", "SPY"): "tax-efficient in a retirement account"}
    bnd = next(h for h in result.holdings if h.symbol == "BND")
    assert bnd.drag == D(100000) * D("0.03") * D("0.408")  # interest: ordinary + NIIT
    vti = next(h for h in result.holdings if h.symbol == "VTI")
    assert vti.drag == D(100000) * D("0.015") * D("0.238")  # qualified dividends
    assert result.taxable_drag == bnd.drag
    # A gain on BND: the IRA may buy BND itself; the taxable account buys VTI.
    (move,) = result.moves
    assert (move.sell_taxable, move.ira_buys, move.sell_ira, move.taxable_buys) == (
        "BND", "BND", "VTI", "VTI")
    assert move.amount == D(100000)
    assert move.drag_saved == bnd.drag - vti.drag
    assert move.tax_now == 0  # sold at cost
    assert {s.reason for s in result.skipped} == {"401k"}


def test_a_move_that_realizes_a_loss_buys_a_substitute_in_the_ira():
    """Selling BND at a loss and buying BND in the IRA would disallow the loss for good
    (R1.4, R3.2): the IRA buys AGG, BND's swap pair, instead."""
    snap = snapshot([lot("BND", 1000, 110000, date(2024, 1, 2)),
                     lot("VTI", 400, 60000, date(2024, 1, 2), account="P-IRA")],
                    {"BND": 100, "VTI": 250, "AGG": 100})
    (move,) = planning.asset_location(snap, SWAPS, POLICY, ASSETS).moves
    assert move.ira_buys == "AGG"
    assert move.tax_now == D("-1110.00")  # the $10,000 LT loss: $3,000 deducted at 37%
    assert any("R1.4" in c for c in move.checks)


def test_a_move_never_buys_what_was_sold_at_a_loss_in_the_last_30_days():
    """AGG is identical to SCHZ, sold at a loss 10 days ago: the IRA buys nothing of that
    group; BND's other pair is SCHZ too, so no move is proposed."""
    snap = snapshot([lot("BND", 1000, 110000, date(2024, 1, 2)),
                     lot("VTI", 400, 60000, date(2024, 1, 2), account="P-IRA")],
                    {"BND": 100, "VTI": 250, "AGG": 100, "SCHZ": 50})
    result = planning.asset_location(snap, SWAPS, POLICY, ASSETS,
                                     recent_loss_sales=[(days_before(10), "P-TAX", "SCHZ")])
    assert result.moves == ()
    (skip,) = [s for s in result.skipped if s.symbol == "BND"]
    assert skip.reason == "no_replacement"
    assert "SCHZ" in skip.detail


def test_a_wash_blocked_holding_is_not_moved():
    snap = snapshot([lot("BND", 1000, 110000, date(2024, 1, 2)),
                     lot("VTI", 400, 60000, date(2024, 1, 2), account="P-IRA")],
                    {"BND": 100, "VTI": 250, "AGG": 100},
                    recent=[buy("BND", 10, days_before(7), "S-ROTH", seq=901)],
                    )
    snap = snapshot(list(snap.lots) + [lot("BND", 10, 1000, days_before(7), account="S-ROTH", seq=901)],
                    {"BND": 100, "VTI": 250, "AGG": 100}, recent=snap.recent_acquisitions)
    result = planning.asset_location(snap, SWAPS, POLICY, ASSETS)
    assert result.moves == ()
    assert [s.reason for s in result.skipped if s.symbol == "BND"] == ["wash_sale_lookback"]


def test_efficiency_is_inferred_when_not_stated():
    assert AssetInfo("VNQ", "US real estate").efficiency == "inefficient"
    assert AssetInfo("T", "US equity", "Communication Services", "", D("0.065")).efficiency == "inefficient"
    assert AssetInfo("MSFT", "US equity", "Information Technology", "", D("0.01")).efficiency == "efficient"
    assert AssetInfo("O", "US equity", "Real Estate").income == "ordinary"


def test_module_docstring_states_the_rules():
    assert planning.__doc__ and "R1.4" in planning.__doc__ and "C9" in planning.__doc__
    failures, _ = doctest.testmod(planning)
    assert failures == 0


@pytest.mark.parametrize("amount", [D(0), D(-5)])
def test_amount_must_be_positive(amount):
    snap = snapshot([], {})
    with pytest.raises(ValueError):
        planning.raise_cash(snap, SWAPS, POLICY, amount)
