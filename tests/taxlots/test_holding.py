"""Holding periods (TAX_RULES.md §4): R4.1 term, R4.3 [C-HP] tacked start, §10.1 broker start,
and the R1.1 61-day window."""

from datetime import date

import pytest

from portfolios.taxlots.holding import (
    broker_tacked_start,
    one_year_anniversary,
    tacked_start,
    term,
)
from portfolios.taxlots.replay import wash_window

D = date.fromisoformat


def test_r4_1_sold_on_the_anniversary_is_short_the_day_after_long():
    assert term(D("2024-03-15"), D("2025-03-15")) == "short"
    assert term(D("2024-03-15"), D("2025-03-16")) == "long"


def test_r4_1_calendar_anniversary_not_365_days():
    """2024-01-10 → 2025-01-10 is 366 days (leap year) and still short-term."""
    assert (D("2025-01-10") - D("2024-01-10")).days == 366
    assert term(D("2024-01-10"), D("2025-01-10")) == "short"
    assert term(D("2024-01-10"), D("2025-01-11")) == "long"


def test_r4_1_feb_29_anniversary_is_feb_28_month_end_rule():
    assert one_year_anniversary(D("2024-02-29")) == D("2025-02-28")
    assert term(D("2024-02-29"), D("2025-02-28")) == "short"
    assert term(D("2024-02-29"), D("2025-03-01")) == "long"


def test_s10_9_feb_28_before_a_leap_year_keeps_feb_28():
    """Decided (§10.9): plain calendar arithmetic, the anniversary stays Feb 28."""
    assert one_year_anniversary(D("2027-02-28")) == D("2028-02-28")
    assert term(D("2027-02-28"), D("2028-02-28")) == "short"
    assert term(D("2027-02-28"), D("2028-02-29")) == "long"


def test_r4_1_one_day_and_same_day_are_short():
    assert term(D("2025-06-30"), D("2025-06-30")) == "short"
    assert term(D("2025-06-30"), D("2025-07-01")) == "short"


def test_r4_3_replacement_bought_after_sale_gap_not_counted():
    """start = sold_start + (rep − sale): WS-01, 01-06 + 15 days = 01-21."""
    start = tacked_start(
        sold_start=D("2025-01-06"), sale_date=D("2025-03-10"), replacement_date=D("2025-03-25")
    )
    assert start == D("2025-01-21")


def test_r4_3_replacement_bought_before_sale_overlap_not_counted_twice():
    """Bought between the sold shares and the sale: start = sold_start."""
    start = tacked_start(
        sold_start=D("2025-01-06"), sale_date=D("2025-03-10"), replacement_date=D("2025-02-20")
    )
    assert start == D("2025-01-06")


def test_r4_3_replacement_older_than_the_sold_shares_keeps_its_own_date():
    start = tacked_start(
        sold_start=D("2025-02-01"), sale_date=D("2025-02-20"), replacement_date=D("2025-01-25")
    )
    assert start == D("2025-01-25")


def test_r4_3_same_day_replacement_starts_at_sold_start():
    start = tacked_start(
        sold_start=D("2024-05-01"), sale_date=D("2025-03-10"), replacement_date=D("2025-03-10")
    )
    assert start == D("2024-05-01")


def test_s10_1_broker_tacking_counts_the_overlap_twice():
    """Pure tacking: rep − (sale − sold_start), also for a replacement bought before the sale."""
    after = broker_tacked_start(
        sold_start=D("2025-01-06"), sale_date=D("2025-03-10"), replacement_date=D("2025-03-25")
    )
    before = broker_tacked_start(
        sold_start=D("2025-01-06"), sale_date=D("2025-03-10"), replacement_date=D("2025-02-20")
    )
    assert after == D("2025-01-21")  # same as R4.3 after the sale
    assert before == D("2024-12-19")  # R4.3 says 2025-01-06


@pytest.mark.parametrize(
    ("sale", "first", "last"),
    [
        ("2026-01-30", "2025-12-31", "2026-03-01"),  # R1.1: Jan 30 → Mar 1 is 30 days
        ("2025-03-10", "2025-02-08", "2025-04-09"),
        ("2024-03-01", "2024-01-31", "2024-03-31"),  # leap February
    ],
)
def test_r1_1_window_is_30_calendar_days_each_side(sale, first, last):
    assert wash_window(D(sale)) == (D(first), D(last))
