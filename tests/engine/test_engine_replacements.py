"""Replacements: ranked swap pairs, direct-index peers by correlation, buy sizing.

FORMATS.md §2 (a pair into the same identical group is refused), §3b (sector, sub-industry,
tracked index), TAX_RULES R1.5 (substantially identical).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from harvesting.engine.replacements import (
    MIN_RETURNS,
    NoReplacement,
    Replacement,
    aligned_returns,
    buy_quantity,
    choose_replacement,
    correlation,
    one_year_before,
)
from harvesting.engine.values import (
    HIGH_RISK,
    LOW_RISK,
    Policy,
    Restriction,
    SecurityInfo,
    SwapList,
    SwapPair,
)
from tests.engine.engine_builders import (
    AS_OF,
    SWAPS,
    D,
    days_ago,
    history,
    securities,
    snapshot,
)

POLICY = Policy()
PROCEEDS = D(385000)


def choose(snap, swaps=SWAPS, symbol="VOO", policy=POLICY, blocked=None, proceeds=PROCEEDS):
    return choose_replacement(symbol, proceeds, snap, swaps, policy, blocked or {})


def etf_snapshot(**kw):
    return snapshot([], {"VOO": 385, "IVV": 700, "VTI": "291.33", "SCHB": 25, "ITOT": 120},
                    **kw)


# --- swap pairs ---------------------------------------------------------------------


def test_lowest_rank_first():
    swaps = SwapList(SWAPS.identical_groups,
                     (SwapPair("VOO", "SCHB", 2), SwapPair("VOO", "VTI", 1)))
    found = choose(etf_snapshot(), swaps)
    assert isinstance(found, Replacement)
    assert (found.symbol, found.price, found.quantity) == ("VTI", D("291.33"), D("1321.5"))
    assert found.reason == "swap pair VOO→VTI rank 1, different index (low risk)"
    assert found.risk == LOW_RISK


def test_swap_pair_into_the_same_identical_group_is_refused():
    """FORMATS §2: VOO→IVV is the same security for the wash-sale rule; buying it would wash
    the loss it harvests."""
    swaps = SwapList(SWAPS.identical_groups,
                     (SwapPair("VOO", "IVV", 1), SwapPair("VOO", "VTI", 2)))
    found = choose(etf_snapshot(), swaps)
    assert found.symbol == "VTI"
    assert found.evidence[0] == ("swap pair VOO→IVV rank 1 refused: substantially identical "
                                 "to VOO (same identical group, R1.5)")


def test_only_identical_pairs_means_no_replacement():
    swaps = SwapList(SWAPS.identical_groups, (SwapPair("VOO", "IVV", 1),))
    found = choose(etf_snapshot(), swaps)
    assert isinstance(found, NoReplacement)
    assert found.detail.startswith("no replacement for VOO on 2026-10-15: swap pair VOO→IVV")


def test_restricted_excluded_or_unpriced_targets_are_skipped_in_rank_order():
    swaps = SwapList(SWAPS.identical_groups, (
        SwapPair("VOO", "VTI", 1), SwapPair("VOO", "SCHB", 2), SwapPair("VOO", "SCHX", 3),
        SwapPair("VOO", "ITOT", 4)))
    snap = etf_snapshot(restrictions=(Restriction("VTI", days_ago(-3), "harvested 2026-09-18"),))
    found = choose(snap, swaps, policy=Policy(excluded_symbols=frozenset({"SCHB"})))
    assert found.symbol == "ITOT"
    assert found.evidence[:3] == (
        "swap pair VOO→VTI rank 1 refused: VTI restricted until 2026-10-18 "
        "(harvested 2026-09-18)",
        "swap pair VOO→SCHB rank 2 refused: on the policy's excluded list",
        "swap pair VOO→SCHX rank 3 refused: no price on 2026-10-15",
    )


def test_target_identical_to_something_harvested_in_the_plan_is_skipped():
    swaps = SwapList(SWAPS.identical_groups,
                     (SwapPair("VOO", "VTI", 1), SwapPair("VOO", "SCHB", 2)))
    found = choose(etf_snapshot(), swaps, blocked={"VTI": "sold at a loss in this plan (S-TAX)"})
    assert found.symbol == "SCHB"


def test_pairs_of_an_identical_symbol_serve_it_too():
    """What replaces VOO replaces IVV (same identical group)."""
    found = choose(etf_snapshot(), symbol="IVV", proceeds=D(70000))
    assert found.symbol == "VTI"
    assert found.reason.startswith("swap pair VOO→VTI rank 1 (via VOO, identical to IVV)")


def test_pair_tracking_the_same_index_is_high_risk():
    """FORMATS §3b: a pair tracking the same index is a substantially-identical risk."""
    snap = etf_snapshot(securities=securities(
        SecurityInfo("SPLG", "etf", tracked_index="S&P 500")))
    snap = snapshot([], {**snap.prices, "SPLG": D(70)}, securities=snap.securities)
    found = choose(snap, SwapList(SWAPS.identical_groups, (SwapPair("VOO", "SPLG", 1),)))
    assert found.risk == HIGH_RISK
    assert found.reason == "swap pair VOO→SPLG rank 1, tracks the same index (S&P 500) (high risk)"


def test_risk_graded_high_by_the_pair_itself_stays_high():
    swaps = SwapList(SWAPS.identical_groups, (SwapPair("VOO", "VTI", 1, HIGH_RISK),))
    assert choose(etf_snapshot(), swaps).risk == HIGH_RISK


# --- buy quantity -------------------------------------------------------------------


def test_buy_quantity_rounds_down_to_the_increment():
    """FORMATS §6 example: 385,000 / 291.33 = 1321.52… → "1321.5"."""
    assert buy_quantity(D(385000), D("291.33"), D("0.1")) == D("1321.5")
    assert buy_quantity(D(385000), D("291.33"), D(1)) == D(1321)
    assert buy_quantity(D(385000), D("291.33"), D("0.001")) == D("1321.525")
    assert buy_quantity(D(100), D(25), D("0.1")) == D(4)  # exact: no rounding down below


def test_target_too_dear_for_one_increment_is_refused():
    found = choose(etf_snapshot(), proceeds=D(100), policy=Policy(buy_increment=D(1)))
    assert isinstance(found, NoReplacement)
    assert "proceeds 100.00 buy less than 1 share at 291.33" in found.detail


# --- direct-indexed stocks: peers by correlation ----------------------------------------


def stock(symbol, sub_industry, sector="Information Technology"):
    return SecurityInfo(symbol, "stock", sector, sub_industry)


def semis(**kw):
    """AMD at a loss; NVDA tracks it closely, AVGO less, INTC loosely; MSFT is another
    sub-industry of the same sector; SOXX is a semiconductor ETF (another asset class)."""
    return snapshot(
        [],
        {"AMD": 96, "NVDA": 120, "AVGO": 170, "INTC": 22, "MSFT": 410, "SOXX": 210},
        securities=securities(
            stock("AMD", "Semiconductors"), stock("NVDA", "Semiconductors"),
            stock("AVGO", "Semiconductors"), stock("INTC", "Semiconductors"),
            stock("MSFT", "Systems Software"),
            SecurityInfo("SOXX", "etf", "Information Technology", "Semiconductors"),
        ),
        price_history={
            "AMD": history(D("0.5"), seed=11),
            "NVDA": history(D("0.3"), seed=12),
            "AVGO": history(D("1.5"), seed=13),
            "INTC": history(4, seed=14),
            "MSFT": history(0, seed=15),
            "SOXX": history(0, seed=16),
        },
        **kw,
    )


def test_stock_without_a_pair_takes_the_most_correlated_sub_industry_peer():
    found = choose(semis(), symbol="AMD", proceeds=D(48000))
    assert found.symbol == "NVDA"
    assert found.risk == LOW_RISK
    # MSFT (another sub-industry) and SOXX (an ETF) correlate as well but are not peers.
    assert found.reason == "same sub-industry Semiconductors, correlation 0.85 over 259 days"
    assert found.quantity == D(400)


def test_peers_rank_by_correlation_and_refusals_fall_through():
    snap = semis(restrictions=(Restriction("NVDA", days_ago(-1), "do not trade"),))
    found = choose(snap, symbol="AMD", proceeds=D(48000))
    assert found.symbol == "AVGO"
    assert found.evidence[1].startswith("sub-industry peer NVDA (correlation 0.")
    assert found.evidence[1].endswith("refused: NVDA restricted until 2026-10-16 (do not trade)")


def test_correlations_computed_are_in_the_order_the_ranking_claims():
    snap = semis()
    end, start = AS_OF, one_year_before(AS_OF)
    amd = snap.price_history["AMD"]
    corr = {s: correlation(*aligned_returns(amd, snap.price_history[s], start, end))
            for s in ("NVDA", "AVGO", "INTC")}
    assert corr["NVDA"] > corr["AVGO"] > corr["INTC"]


def test_falls_back_to_the_sector_when_the_sub_industry_has_nothing_usable():
    blocked = {"NVDA": "sold at a loss in this plan (S-TAX)",
               "AVGO": "sold at a loss in this plan (S-TAX)",
               "INTC": "sold at a loss in this plan (S-TAX)"}
    found = choose(semis(), symbol="AMD", proceeds=D(48000), blocked=blocked)
    assert found.symbol == "MSFT"
    assert found.reason.startswith("same sector Information Technology, correlation")


def test_peer_in_the_same_identical_group_is_never_chosen():
    """Share classes of one company (FORMATS §2 example: AAA and AAA.B) are identical."""
    snap = snapshot(
        [], {"AAA": 10, "AAA.B": 10, "BBB": 50},
        securities={"AAA": stock("AAA", "Banks"), "AAA.B": stock("AAA.B", "Banks"),
                    "BBB": stock("BBB", "Banks")},
        price_history={"AAA": history(1, seed=1), "AAA.B": history(0, seed=1),
                       "BBB": history(3, seed=2)},
    )
    swaps = SwapList((frozenset({"AAA", "AAA.B"}),), ())
    found = choose(snap, swaps, symbol="AAA", proceeds=D(5000))
    assert found.symbol == "BBB"


def test_peers_without_enough_history_rank_after_by_symbol():
    snap = snapshot(
        [], {"AAA": 10, "CCC": 10, "BBB": 50},
        securities={s: stock(s, "Banks") for s in ("AAA", "BBB", "CCC")},
        price_history={"AAA": history(1, seed=1), "CCC": history(3, seed=3),
                       "BBB": history(1, seed=2, days=MIN_RETURNS)},  # 19 returns
    )
    found = choose(snap, SwapList(), symbol="AAA", proceeds=D(5000))
    assert found.symbol == "CCC"
    snap_no_history = snapshot([], snap.prices, securities=snap.securities)
    found = choose(snap_no_history, SwapList(), symbol="AAA", proceeds=D(5000))
    assert found.symbol == "BBB"
    assert found.reason == ("same sub-industry Banks, too little price history to rank "
                            "(0 common daily returns)")


def test_no_pair_and_no_classification_is_no_replacement():
    found = choose(snapshot([], {"ARKK": 30}), symbol="ARKK", proceeds=D(6000))
    assert isinstance(found, NoReplacement)
    assert found.detail == ("no replacement for ARKK on 2026-10-15: no swap pair for ARKK; "
                            "no sector or sub-industry recorded for ARKK")


# --- correlation -------------------------------------------------------------------------


def test_correlation_of_proportional_and_opposite_series():
    a = [D("0.01"), D("-0.02"), D("0.03"), D("0.00")]
    assert correlation(a, [x * 2 for x in a]) == 1
    assert correlation(a, [-x for x in a]) == -1


def test_correlation_undefined_for_constant_or_too_short_series():
    assert correlation([D(1), D(1), D(1)], [D(1), D(2), D(3)]) is None
    assert correlation([D(1)], [D(2)]) is None
    with pytest.raises(ValueError):
        correlation([D(1), D(2)], [D(1)])


def test_returns_use_only_dates_both_series_have_inside_the_trailing_year():
    d = date(2026, 10, 1)
    a = [(d, D(100)), (d + timedelta(1), D(110)), (d + timedelta(2), D(99)),
         (d + timedelta(3), D(100))]
    b = [(d, D(50)), (d + timedelta(2), D(60)), (d + timedelta(3), D(66))]
    returns_a, returns_b = aligned_returns(a, b, d, d + timedelta(3))
    assert returns_a == [D("-0.01"), D(100) / D(99) - 1]
    assert returns_b == [D("0.2"), D("0.1")]
    assert aligned_returns(a, b, d + timedelta(1), d + timedelta(3))[0] == [D(100) / D(99) - 1]


def test_trailing_year_starts_on_the_same_calendar_date():
    assert one_year_before(AS_OF) == date(2025, 10, 15)
    assert one_year_before(date(2028, 2, 29)) == date(2027, 2, 28)
