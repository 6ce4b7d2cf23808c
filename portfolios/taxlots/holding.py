"""Holding periods: the one-year anniversary, short/long term and tacked start dates.

Rules (TAX_RULES.md §4):

* R4.1 — held "not more than 1 year" is short-term, "more than 1 year" long-term. Counting
  starts the day *after* acquisition and includes the day of sale, so a lot is long-term
  only when sold *after* the calendar anniversary of its start date. Calendar
  anniversaries, not 365 days; a Feb 29 start has its anniversary on Feb 28 (month-end
  rule). A Feb 28 start in a year before a leap year keeps Feb 28 (plain calendar
  arithmetic, TAX_RULES §10.9 — decided here).
* R4.2 / R4.3 [C-HP] — a wash-sale replacement's holding period is the union of its own
  period and the washed shares' period, written as one start date:
  ``start = rep_date − max(0, min(sale_date, rep_date) − sold_start)`` (days).
* §10.1 — brokers' pure "tacking method": ``start = rep_date − (sale_date − sold_start)``;
  it counts an overlap twice. Used only to show a differing broker term beside a row.

    >>> term(date(2024, 3, 15), date(2025, 3, 15)), term(date(2024, 3, 15), date(2025, 3, 16))
    ('short', 'long')
    >>> one_year_anniversary(date(2024, 2, 29))
    datetime.date(2025, 2, 28)
    >>> tacked_start(sold_start=date(2025, 1, 6), sale_date=date(2025, 3, 10),
    ...              replacement_date=date(2025, 3, 25))      # bought after the sale
    datetime.date(2025, 1, 21)
    >>> tacked_start(sold_start=date(2025, 1, 6), sale_date=date(2025, 3, 10),
    ...              replacement_date=date(2025, 2, 20))      # bought before the sale
    datetime.date(2025, 1, 6)
    >>> broker_tacked_start(sold_start=date(2025, 1, 6), sale_date=date(2025, 3, 10),
    ...                     replacement_date=date(2025, 2, 20))
    datetime.date(2024, 12, 19)
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from portfolios.taxlots.values import LONG, SHORT

__all__ = [
    "broker_tacked_start",
    "one_year_anniversary",
    "tacked_start",
    "term",
]


@lru_cache(maxsize=8192)  # a scan asks for the same few thousand dates over and over
def one_year_anniversary(start: date) -> date:
    """The same calendar day one year later; Feb 29 → Feb 28 (R4.1 month-end rule)."""
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # Feb 29 in a leap year: the next year has no Feb 29
        return start.replace(year=start.year + 1, day=28)


def term(start: date, sold: date) -> str:
    """R4.1: "long" only if sold strictly after the one-year anniversary of `start`.

    2024-03-15 → 2025-03-15 is short (exactly one year), 2025-03-16 long; 2024-01-10 →
    2025-01-10 is 366 days and still short.
    """
    return LONG if sold > one_year_anniversary(start) else SHORT


def tacked_start(*, sold_start: date, sale_date: date, replacement_date: date) -> date:
    """R4.3 [C-HP]: the replacement's holding-period start after tacking (R4.2).

    Replacement bought after the sale: ``sold_start + (rep_date − sale_date)`` (the gap
    between sale and repurchase is not held). Bought before the sale: ``sold_start`` (the
    overlap is not counted twice) — or its own date if it predates the sold shares.
    """
    held_before = (min(sale_date, replacement_date) - sold_start).days
    return replacement_date - timedelta(days=max(0, held_before))


def broker_tacked_start(*, sold_start: date, sale_date: date, replacement_date: date) -> date:
    """§10.1: the pure tacking start many brokers print (replacement date − the washed
    shares' whole holding period). Chained by passing the washed shares' broker start."""
    return replacement_date - (sale_date - sold_start)
