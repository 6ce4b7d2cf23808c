"""The harvest plan of one household on one date (FORMATS.md §6; TAX_RULES R1, R2, R7.5/C9).

The Holbrook household on 2026-10-15 (see engine_builders): P-TAX / P-IRA / P-401K are
Diana's, S-TAX / S-IRA Sam's. Rates: 37% ordinary, 40.8% ST, 23.8% LT; $55,000 of LT gains
realized outside the managed accounts.
"""

from __future__ import annotations

from decimal import Decimal

from harvesting.engine.plan import estimated_savings, netting_base, plan_harvest
from harvesting.engine.values import (
    IN_OPEN_PROPOSAL,
    LOW_RISK,
    NO_REPLACEMENT,
    RESTRICTED,
    SKIP_REASONS,
    WASH_SALE_LOOKBACK,
    WASH_SALE_SCHEDULED,
    OpenPosition,
    Policy,
    Restriction,
    ScheduledPurchase,
    SecurityInfo,
    SwapList,
    SwapPair,
)
from portfolios.taxlots.money import fmt_money, fmt_qty
from portfolios.taxlots.netting import NettingInput, net_capital
from tests.engine.engine_builders import (
    SWAPS,
    D,
    days_ago,
    history,
    lot,
    recent,
    securities,
    snapshot,
    tax,
    with_,
)

IT = "Information Technology"


def tech(symbol: str, sub_industry: str, sector: str = IT) -> SecurityInfo:
    return SecurityInfo(symbol, "stock", sector, sub_industry)


def mission_household(**kw):
    """VOO $420,000 → $385,000 (1,000 shares), EFA $180,000 → $158,000 and CRM (a technology
    stock) $65,000 → $48,000, all bought 2024-03-01 (long-term on 2026-10-15)."""
    return snapshot(
        [
            lot("P-TAX", "VOO", 1000, 420000),
            lot("P-TAX", "EFA", 2000, 180000),
            lot("S-TAX", "CRM", 500, 65000),
        ],
        {"VOO": 385, "EFA": 79, "CRM": 96, "VTI": "291.33", "VEA": 50,
         "MSFT": 410, "ORCL": 150, "AAPL": 220, "JPM": 300},
        securities=securities(
            tech("CRM", "Application Software"),
            tech("MSFT", "Systems Software"),
            tech("ORCL", "Systems Software"),
            tech("AAPL", "Technology Hardware"),
            SecurityInfo("JPM", "stock", "Financials", "Diversified Banks"),
        ),
        price_history={
            "CRM": history(1, seed=1),
            "MSFT": history(D("0.5"), seed=2),  # the closest to CRM
            "ORCL": history(2, seed=3),
            "AAPL": history(4, seed=4),
            "JPM": history(0, seed=5),  # closer still, but another sector
        },
        **kw,
    )


# --- the mission's worked example --------------------------------------------------------


def test_mission_worked_example_harvests_74000_lt_and_saves_14200():
    """R7.5 worked example: 35,000 + 22,000 + 17,000 = $74,000 of LT losses against $55,000
    of LT gains → 55,000 × 23.8% + 3,000 × 37% = $14,200 this year (C9)."""
    plan = plan_harvest(mission_household(), Policy(), SWAPS)

    assert plan.skipped == ()
    assert [(leg.account, leg.sell_symbol, leg.loss_lt) for leg in plan.legs] == [
        ("P-TAX", "EFA", D(22000)),
        ("P-TAX", "VOO", D(35000)),
        ("S-TAX", "CRM", D(17000)),
    ]
    assert plan.harvested_loss_st == 0
    assert plan.harvested_loss_lt == D(74000)
    assert plan.estimated_tax_savings == Decimal("14200.00")
    assert fmt_money(plan.estimated_tax_savings) == "14200.00"


def test_mission_voo_is_replaced_by_vti_a_low_risk_pair():
    plan = plan_harvest(mission_household(), Policy(), SWAPS)
    voo = next(leg for leg in plan.legs if leg.sell_symbol == "VOO")

    assert (voo.buy_symbol, voo.buy_price, fmt_qty(voo.buy_quantity)) == ("VTI", D("291.33"),
                                                                           "1321.5")
    assert voo.replacement_reason == "swap pair VOO→VTI rank 1, different index (low risk)"
    assert voo.replacement_risk == LOW_RISK


def test_mission_stock_is_replaced_by_the_most_correlated_stock_of_its_sector():
    """CRM has no swap pair and no priced peer in its sub-industry: among its sector's stocks
    MSFT's daily returns correlate best. JPM correlates better still but is a bank."""
    plan = plan_harvest(mission_household(), Policy(), SWAPS)
    crm = next(leg for leg in plan.legs if leg.sell_symbol == "CRM")

    assert crm.buy_symbol == "MSFT"
    assert crm.replacement_reason.startswith(f"same sector {IT}, correlation 0.")
    assert crm.replacement_reason.endswith(" over 259 days")
    assert crm.buy_quantity == D("117.0")  # 48,000 / 410 = 117.07… rounded down to 0.1
    assert any("no other priced security in CRM's sub-industry" in e for e in crm.evidence)


def test_mission_leg_lists_its_lots_and_explains_itself():
    """DESIGN.md rule 7: the lots, the windows checked and what was found."""
    plan = plan_harvest(mission_household(), Policy(), SWAPS)
    voo = next(leg for leg in plan.legs if leg.sell_symbol == "VOO")

    assert [(s.acquired.isoformat(), s.quantity, s.cost_basis, s.loss, s.term)
            for s in voo.lots] == [("2024-03-01", D(1000), D(420000), D(35000), "long")]
    assert voo.sell_quantity == D(1000) and voo.price == D(385)
    assert voo.evidence[0] == (
        "wash-sale look-back 2026-09-15…2026-10-15 (R1.1, R1.4): purchases of "
        "IVV/SPY/VFIAX/VOO in P-TAX, P-IRA, P-401K, S-TAX, S-IRA: none"
    )
    assert any(e.startswith("wash-sale look-ahead 2026-10-15…2026-11-14") for e in voo.evidence)
    assert any(e.startswith("replacement VTI at 291.33") for e in voo.evidence)


def test_mission_assumptions_show_the_figures_behind_the_estimate():
    plan = plan_harvest(mission_household(), Policy(), SWAPS)
    a = plan.assumptions
    assert (a["lt_gains"], a["lt_rate"], a["ordinary_rate"], a["st_rate"]) == (
        D(55000), D("0.238"), D("0.37"), D("0.408"))
    assert a["filing_status"] == "married_filing_jointly"
    assert a["outside_lt_gains"] == D(55000)


# --- FORMATS.md §6 export example -----------------------------------------------------------


def formats_example():
    """FORMATS §6: VOO harvested into VTI; EFA skipped because S-IRA bought EFA 2026-10-03."""
    txn, ira_lot = recent("S-IRA", "EFA", 40, "79.50", days_ago(12), seq=40)
    return snapshot(
        [lot("P-TAX", "VOO", 1000, 420000), lot("P-TAX", "EFA", 2000, 180000), ira_lot],
        {"VOO": 385, "EFA": 79, "VTI": "291.33", "VEA": 50},
        recent_acquisitions=(txn,),
    )


def test_formats_section_6_example():
    plan = plan_harvest(formats_example(), Policy(), SWAPS)

    (leg,) = plan.legs
    assert (leg.account, leg.sell_symbol, fmt_qty(leg.sell_quantity)) == ("P-TAX", "VOO", "1000")
    assert [(s.acquired.isoformat(), fmt_qty(s.quantity)) for s in leg.lots] == [
        ("2024-03-01", "1000")]
    assert (leg.buy_symbol, fmt_qty(leg.buy_quantity), fmt_money(leg.buy_price)) == (
        "VTI", "1321.5", "291.33")
    assert (fmt_money(leg.loss_st), fmt_money(leg.loss_lt)) == ("0.00", "35000.00")
    assert fmt_money(plan.harvested_loss_lt) == "35000.00"
    assert fmt_money(plan.estimated_tax_savings) == "8330.00"  # 35,000 × 23.8%
    assert [(s.account, s.symbol, s.reason, s.detail) for s in plan.skipped] == [
        ("P-TAX", "EFA", WASH_SALE_LOOKBACK, "S-IRA bought EFA on 2026-10-03")]


# --- every skip reason from a real cause (FORMATS.md §6) ------------------------------------


def household_with_every_skip():
    """The mission household plus four more losing positions, each blocked by a real cause:

    * EFA — Sam's IRA bought EFA 12 days ago (R1.4, Rev. Rul. 2008-5);
    * VNQ (S-TAX) — its dividend reinvests in 10 days (R1.2);
    * XLE (P-TAX) — harvested 20 days ago, restricted until the window closes;
    * ARKK (P-TAX) — no swap pair and no sector to find a peer in;
    * IWM (S-TAX) — already sold by open proposal 11.
    """
    efa_buy, ira_lot = recent("S-IRA", "EFA", 40, "79.50", days_ago(12), seq=40)
    base = mission_household()
    return with_(
        base,
        lots=base.lots + (
            ira_lot,
            lot("S-TAX", "VNQ", 300, 30000),
            lot("P-TAX", "XLE", 200, 20000),
            lot("P-TAX", "ARKK", 200, 10000),
            lot("S-TAX", "IWM", 250, 50000),
            lot("P-TAX", "BND", 100, 10000),  # $100 loss: below the thresholds
        ),
        prices={**base.prices, "VNQ": D(85), "XLE": D(85), "ARKK": D(30), "IWM": D(176),
                "BND": D(99), "SCHH": D(20), "VDE": D(120), "VTWO": D(88)},
        recent_acquisitions=(efa_buy,),
        scheduled=(ScheduledPurchase("S-TAX", "VNQ", "dividend_reinvestment",
                                     days_ago(-10), every_days=91),),
        restrictions=(Restriction("XLE", days_ago(-10), "harvested 2026-09-25 in P-TAX"),),
        open_positions=(OpenPosition("S-TAX", "IWM", proposal="11", buy_symbol="VTWO"),),
    )


def swaps_for_every_skip():
    return SwapList(SWAPS.identical_groups, SWAPS.pairs + (
        SwapPair("VNQ", "SCHH", 1), SwapPair("XLE", "VDE", 1), SwapPair("IWM", "VTWO", 1)))


def test_each_skip_reason_comes_from_a_real_cause():
    plan = plan_harvest(household_with_every_skip(), Policy(), swaps_for_every_skip())

    assert [(s.account, s.symbol, s.reason) for s in plan.skipped] == [
        ("P-TAX", "ARKK", NO_REPLACEMENT),
        ("P-TAX", "EFA", WASH_SALE_LOOKBACK),
        ("P-TAX", "XLE", RESTRICTED),
        ("S-TAX", "IWM", IN_OPEN_PROPOSAL),
        ("S-TAX", "VNQ", WASH_SALE_SCHEDULED),
    ]
    assert {s.reason for s in plan.skipped} == set(SKIP_REASONS)
    detail = {s.symbol: s.detail for s in plan.skipped}
    assert detail["EFA"] == "S-IRA bought EFA on 2026-10-03"
    assert detail["VNQ"] == "S-TAX dividend reinvestment in VNQ scheduled for 2026-10-25"
    assert detail["XLE"] == "XLE restricted until 2026-10-25 (harvested 2026-09-25 in P-TAX)"
    assert detail["IWM"] == "S-TAX IWM is already in open proposal 11"
    assert detail["ARKK"].startswith("no replacement for ARKK on 2026-10-15: no swap pair")


def test_skipped_positions_are_not_harvested_and_below_threshold_ones_are_not_listed():
    plan = plan_harvest(household_with_every_skip(), Policy(), swaps_for_every_skip())

    assert [(leg.account, leg.sell_symbol) for leg in plan.legs] == [
        ("P-TAX", "VOO"), ("S-TAX", "CRM")]
    assert "BND" not in {s.symbol for s in plan.skipped}
    # 35,000 + 17,000 LT against 55,000 LT gains: all at 23.8%.
    assert plan.harvested_loss_lt == D(52000)
    assert plan.estimated_tax_savings == D(52000) * D("0.238")


def test_excluded_symbol_is_skipped_as_restricted():
    """FORMATS §6 `restricted` covers the household's do-not-trade list."""
    plan = plan_harvest(mission_household(), Policy(excluded_symbols=frozenset({"EFA"})), SWAPS)
    assert [(s.symbol, s.reason, s.detail) for s in plan.skipped] == [
        ("EFA", RESTRICTED, "EFA is on the policy's excluded list (never sold or bought)")]


def test_restriction_on_an_identical_symbol_restricts_the_sale():
    snap = with_(mission_household(),
                 restrictions=(Restriction("IVV", days_ago(-5), "harvested 2026-09-20"),))
    plan = plan_harvest(snap, Policy(), SWAPS)
    (skip,) = plan.skipped
    assert (skip.symbol, skip.reason) == ("VOO", RESTRICTED)
    assert skip.detail == ("IVV restricted until 2026-10-20 (harvested 2026-09-20); "
                           "VOO is substantially identical to it")


def test_expired_restriction_no_longer_applies():
    snap = with_(mission_household(),
                 restrictions=(Restriction("VOO", days_ago(1), "harvested 2026-09-13"),))
    assert plan_harvest(snap, Policy(), SWAPS).skipped == ()


# --- one plan, many legs ---------------------------------------------------------------


def test_a_replacement_is_never_identical_to_something_sold_in_the_same_plan():
    """Buying VTI for VOO would wash Sam's VTI loss sold the same day (R1.1), and vice
    versa: each leg falls back to its second pair."""
    snap = snapshot(
        [lot("P-TAX", "VOO", 1000, 420000), lot("S-TAX", "VTI", 100, 35000)],
        {"VOO": 385, "VTI": "291.33", "SCHB": 25, "ITOT": 120},
    )
    swaps = SwapList(SWAPS.identical_groups, (
        SwapPair("VOO", "VTI", 1), SwapPair("VOO", "SCHB", 2),
        SwapPair("VTI", "VOO", 1), SwapPair("VTI", "ITOT", 2)))
    plan = plan_harvest(snap, Policy(), swaps)

    assert [(leg.sell_symbol, leg.buy_symbol) for leg in plan.legs] == [
        ("VOO", "SCHB"), ("VTI", "ITOT")]
    voo = plan.legs[0]
    assert ("swap pair VOO→VTI rank 1 refused: identical to VTI, sold at a loss in this "
            "plan (S-TAX): buying it would wash that loss") in voo.evidence


def test_a_replacement_is_never_what_an_open_proposal_sells():
    snap = with_(mission_household(), open_positions=(OpenPosition("S-IRA", "VTI"),))
    swaps = SwapList(SWAPS.identical_groups, SWAPS.pairs + (SwapPair("VOO", "SCHB", 2),))
    snap = with_(snap, prices={**snap.prices, "SCHB": D(25)})
    voo = next(leg for leg in plan_harvest(snap, Policy(), swaps).legs if leg.sell_symbol == "VOO")
    assert voo.buy_symbol == "SCHB"


def test_legs_and_skips_come_in_account_then_symbol_order():
    plan = plan_harvest(household_with_every_skip(), Policy(), swaps_for_every_skip())
    keys = [(leg.account, leg.sell_symbol) for leg in plan.legs]
    assert keys == sorted(keys)
    skips = [(s.account, s.symbol) for s in plan.skipped]
    assert skips == sorted(skips)


def test_same_symbol_in_two_taxable_accounts_gives_two_legs():
    snap = snapshot([lot("P-TAX", "VOO", 1000, 420000), lot("S-TAX", "VOO", 100, 42000)],
                    {"VOO": 385, "VTI": "291.33"})
    plan = plan_harvest(snap, Policy(), SWAPS)
    assert [(leg.account, leg.loss_lt) for leg in plan.legs] == [
        ("P-TAX", D(35000)), ("S-TAX", D(3500))]


def test_retirement_accounts_are_not_harvested_by_default():
    """R1.6: a loss inside an IRA is no capital loss."""
    snap = snapshot([lot("P-IRA", "VOO", 1000, 420000)], {"VOO": 385, "VTI": "291.33"})
    plan = plan_harvest(snap, Policy(), SWAPS)
    assert plan.legs == () and plan.skipped == ()


def test_retirement_leg_when_policy_allows_it_is_not_counted_as_a_capital_loss():
    snap = snapshot([lot("P-IRA", "VOO", 1000, 420000)], {"VOO": 385, "VTI": "291.33"})
    plan = plan_harvest(snap, Policy(taxable_only=False), SWAPS)
    (leg,) = plan.legs
    assert leg.account == "P-IRA" and leg.loss_lt == D(35000)
    assert plan.harvested_loss_lt == 0 and plan.estimated_tax_savings == 0
    assert "R1.6" in leg.evidence[0]


def test_position_without_a_price_is_reported_not_guessed():
    snap = snapshot([lot("P-TAX", "VOO", 1000, 420000)], {"VTI": "291.33"})
    plan = plan_harvest(snap, Policy(), SWAPS)
    assert plan.legs == () and plan.skipped == ()
    assert plan.warnings == ("no price for VOO on 2026-10-15: P-TAX VOO not evaluated",)


# --- the estimate (FORMATS §6, R7.5 / C9) ---------------------------------------------


def test_estimate_is_the_marginal_netting_saving():
    """FORMATS §6: netting with the plan's losses minus netting without them."""
    snap = with_(mission_household(), tax=tax(realized_st_gains=D(10000),
                                             outside_lt_gains=D(-5000)))
    plan = plan_harvest(snap, Policy(), SWAPS)

    def tax_with(**kw):
        values = {"filing_status": "married_filing_jointly", "st_gains": D(10000),
                  "st_losses": D(0), "lt_gains": D(0), "lt_losses": D(5000),
                  "carryforward_st": D(0), "carryforward_lt": D(0),
                  "ordinary_rate": D("0.37"), "lt_rate": D("0.238"), "st_rate": D("0.408")}
        values.update(kw)
        return net_capital(NettingInput(**values)).tax_with

    assert plan.estimated_tax_savings == tax_with() - tax_with(lt_losses=D(5000 + 74000))
    # outside LT losses (negative gains) join the base as losses
    assert plan.assumptions["lt_losses"] == D(5000)


def test_netting_base_adds_realized_outside_and_carryforwards():
    base = netting_base(tax(realized_lt_gains=D(1000), realized_st_losses=D(200),
                            outside_st_gains=D(-300), carryforward_lt=D(4000)))
    assert (base.st_gains, base.st_losses, base.lt_gains, base.lt_losses) == (
        D(0), D(500), D(56000), D(0))
    assert base.carryforward_lt == D(4000)


def test_estimate_prices_a_net_gain_of_a_term_as_a_gain():
    """A lot sold along at a gain can leave a term with a net gain: it costs tax."""
    base = netting_base(tax(outside_lt_gains=D(0)))
    # 10,000 LT loss, 1,000 ST net gain: the ST gain is absorbed by the LT loss (R7.2), the
    # remaining 9,000 loss deducts 3,000 against ordinary income.
    saved = estimated_savings(base, D(-1000), D(10000))
    assert saved == D(3000) * D("0.37")
    # a net gain alone: taxed at the ST rate
    assert estimated_savings(base, D(-1000), D(0)) == D(-1000) * D("0.408")
